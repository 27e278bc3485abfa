//! Decision analysis of a run's strategies from the per-draw mean cost and QALYs of every
//! arm (the `level` rows of the comparison, one per draw) and the PSA table
//! (`parameters.parquet`):
//! - [`frontier`]: the efficiency frontier with incremental ICERs and the net monetary and
//!   health benefits, per draw and pooled;
//! - [`ceac`]: acceptability curves (CEAC), the acceptability frontier (CEAF) and the
//!   expected value of perfect information (EVPI) over a grid of willingness to pay, and
//!   the CE plane (each arm minus the baseline, per draw);
//! - [`voi`]: the EVPI for a population and horizon, and the EVPPI of groups of inputs by
//!   regression, with diagnostics.
//!
//! The PSA sample is draws 1..K (draw 0 holds the central parameters and is analysed on its
//! own); pooled results, the CEAC and the value of information use draws 1..K and exist
//! when K ≥ 2, like the comparison's `across_draws` rows. Everything is per person started,
//! discounted, in the scenario's currency.
//!
//! Files ([`files`]), written with the comparison and recorded in the manifest:
//! `frontier.parquet`, `ceac.parquet`, `ceplane.parquet`, `voi.parquet`.

pub mod ceac;
pub mod files;
pub mod frontier;
pub mod report;
pub mod voi;

use super::{Comparison, Contrast, Method, Outcome};
use crate::scenario::economics::{matches, Decision};
use crate::sinks::parameters::PsaTable;
use frontier::{Point, Position};
use serde::Serialize;

/// Per draw, every arm's mean cost and QALYs.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub arms: Vec<String>,
    pub baseline: usize,
    /// The draws, ascending (0..=K).
    pub draws: Vec<u32>,
    /// `points[i][a]`: arm `a` in draw `draws[i]`.
    pub points: Vec<Vec<Point>>,
}

impl Sample {
    /// The sample of a comparison: its `level` rows of `cost` and `qalys` per draw.
    pub fn of(c: &Comparison) -> Sample {
        let draws: Vec<u32> = (0..=c.draws).collect();
        let mut points = vec![
            vec![
                Point {
                    cost: f64::NAN,
                    qalys: f64::NAN
                };
                c.arms.len()
            ];
            draws.len()
        ];
        for r in &c.rows {
            let (Some(d), true, true) = (
                r.draw,
                r.contrast == Contrast::Level,
                r.method == Method::MonteCarlo,
            ) else {
                continue;
            };
            let Some(a) = c.arms.iter().position(|x| *x == r.arm) else {
                continue;
            };
            let v = r.estimate.unwrap_or(f64::NAN);
            let p = &mut points[d as usize][a];
            match r.outcome {
                Outcome::Cost => p.cost = v,
                Outcome::Qalys => p.qalys = v,
                _ => {}
            }
        }
        let baseline = c.arms.iter().position(|a| *a == c.baseline).unwrap_or(0);
        Sample {
            arms: c.arms.clone(),
            baseline,
            draws,
            points,
        }
    }

    /// The PSA draws 1..K (indices into `draws`).
    pub fn psa(&self) -> std::ops::Range<usize> {
        1.min(self.draws.len())..self.draws.len()
    }

    /// The mean of each arm over the PSA draws (`None` with fewer than 2).
    pub fn pooled(&self) -> Option<Vec<Point>> {
        let psa = self.psa();
        if psa.len() < 2 {
            return None;
        }
        let k = psa.len() as f64;
        Some(
            (0..self.arms.len())
                .map(|a| Point {
                    cost: self.points[psa.clone()]
                        .iter()
                        .map(|p| p[a].cost)
                        .sum::<f64>()
                        / k,
                    qalys: self.points[psa.clone()]
                        .iter()
                        .map(|p| p[a].qalys)
                        .sum::<f64>()
                        / k,
                })
                .collect(),
        )
    }
}

/// One arm's place on the frontier of one draw (`draw` set) or pooled over the PSA draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrontierRow {
    pub draw: Option<u32>,
    pub arm: String,
    pub reference: Option<String>,
    pub next: Option<String>,
    #[serde(flatten)]
    pub position: Position,
}

/// The decision analysis of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    pub willingness_to_pay: f64,
    /// Draws pooled (the PSA draws 1..K; 0 when fewer than 2).
    pub pooled_draws: usize,
    /// Every draw's frontier, then the pooled one.
    pub frontier: Vec<FrontierRow>,
    /// The willingness-to-pay values of the CEAC and the value of information.
    pub grid: Vec<f64>,
    /// Per WTP of the grid and arm (none with fewer than 2 PSA draws).
    pub ceac: Vec<CeacRow>,
    /// Per draw and arm but the baseline.
    pub ceplane: Vec<PlaneRow>,
    /// The EVPI, then each group's EVPPI, per WTP of the grid.
    pub voi: Vec<VoiRow>,
}

/// One arm at one willingness to pay: its CEAC value and whether it is on the CEAF.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CeacRow {
    pub wtp: f64,
    pub arm: String,
    /// Share of the PSA draws in which the arm has the largest net monetary benefit.
    pub probability: f64,
    /// Mean net monetary benefit over the PSA draws.
    pub expected_nmb: f64,
    /// Largest expected net monetary benefit at this WTP (the CEAF).
    pub on_ceaf: bool,
}

/// One point of the CE plane: an arm minus the baseline in one draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaneRow {
    pub draw: u32,
    pub arm: String,
    pub delta_cost: f64,
    pub delta_qalys: f64,
}

/// What a [`VoiRow`] values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Voi {
    /// Perfect information on every input.
    Evpi,
    /// Perfect information on a group of inputs.
    Evppi,
}

impl Voi {
    pub fn name(self) -> &'static str {
        match self {
            Voi::Evpi => "evpi",
            Voi::Evppi => "evppi",
        }
    }
}

/// The value of information at one willingness to pay.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VoiRow {
    pub wtp: f64,
    pub analysis: Voi,
    /// The group of an EVPPI.
    pub group: Option<String>,
    /// The group's inputs (columns of `parameters.parquet`).
    pub inputs: Vec<String>,
    /// PSA draws behind the value.
    pub draws: usize,
    /// Polynomial degree of the EVPPI regression.
    pub degree: Option<u32>,
    /// Per person started, discounted.
    pub per_person: Option<f64>,
    /// × persons per year × the discounted years the decision holds.
    pub population: Option<f64>,
    /// EVPPI: the smallest R² over arms of the fitted incremental net benefit.
    pub r_squared: Option<f64>,
    /// EVPPI: the 95th percentile of the same EVPPI over 99 permutations of the inputs
    /// across draws ([`voi::noise_floor`]).
    pub noise_floor: Option<f64>,
    pub note: String,
}

/// What the analysis needs besides the per-draw points.
pub struct Inputs<'a> {
    pub wtp: f64,
    /// The scenario's yearly discount rate (for the population EVPI).
    pub discount_rate: f64,
    pub settings: &'a Decision,
    /// The PSA table (for the EVPPI); `None` when the directory has none.
    pub psa: Option<&'a PsaTable>,
}

/// The groups of inputs of the EVPPI: those configured (patterns matched against the PSA
/// table's columns), else by prefix (the name before the first dot; `economics.` inputs
/// split into `utilities` and `costs`), in table order.
pub fn groups(settings: &Decision, psa: &PsaTable) -> Vec<(String, Vec<String>)> {
    let names: Vec<&str> = psa.columns.iter().map(|c| c.name.as_str()).collect();
    if let Some(g) = &settings.evppi_groups {
        return g
            .iter()
            .map(|(group, patterns)| {
                let inputs = names
                    .iter()
                    .filter(|n| patterns.iter().any(|p| matches(p, n)))
                    .map(|n| n.to_string())
                    .collect();
                (group.clone(), inputs)
            })
            .collect();
    }
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for n in names {
        let group = match n.split_once('.') {
            Some(("economics", rest)) if rest.starts_with("utility") => "utilities",
            Some(("economics", _)) => "costs",
            Some((prefix, _)) => prefix,
            None => n,
        };
        match out.iter_mut().find(|(g, _)| g == group) {
            Some((_, v)) => v.push(n.to_string()),
            None => out.push((group.to_string(), vec![n.to_string()])),
        }
    }
    out
}

impl Analysis {
    /// The analysis of a sample.
    pub fn of(s: &Sample, inputs: &Inputs) -> Analysis {
        let wtp = inputs.wtp;
        let mut rows = Vec::new();
        let mut add = |draw: Option<u32>, points: &[Point]| {
            let name = |i: Option<usize>| i.map(|i| s.arms[i].clone());
            for p in frontier::frontier(points, wtp) {
                rows.push(FrontierRow {
                    draw,
                    arm: s.arms[p.arm].clone(),
                    reference: name(p.reference),
                    next: name(p.next),
                    position: p,
                });
            }
        };
        for (d, points) in s.draws.iter().zip(&s.points) {
            add(Some(*d), points);
        }
        let pooled = s.pooled();
        if let Some(points) = &pooled {
            add(None, points);
        }
        let grid = inputs
            .settings
            .wtp_grid
            .clone()
            .unwrap_or_else(|| ceac::default_grid(wtp));
        let psa: &[Vec<Point>] = if pooled.is_some() {
            &s.points[s.psa()]
        } else {
            &[]
        };
        let ceac = ceac::acceptability(psa, &grid)
            .into_iter()
            .map(|a| CeacRow {
                wtp: a.wtp,
                arm: s.arms[a.arm].clone(),
                probability: a.probability,
                expected_nmb: a.expected_nmb,
                on_ceaf: a.on_ceaf,
            })
            .collect();
        let mut voi = evpi_rows(psa, &grid, inputs);
        if !psa.is_empty() {
            voi.extend(evppi_rows(s, &grid, inputs));
        }
        Analysis {
            willingness_to_pay: wtp,
            pooled_draws: pooled.map_or(0, |_| s.psa().len()),
            frontier: rows,
            grid,
            ceac,
            ceplane: plane(s),
            voi,
        }
    }

    /// The analysis of a comparison (the points of its draws).
    pub fn of_comparison(c: &Comparison, inputs: &Inputs) -> Analysis {
        Analysis::of(&Sample::of(c), inputs)
    }

    /// The frontier of `draw` (`None`: pooled), in rank order.
    pub fn frontier_of(&self, draw: Option<u32>) -> impl Iterator<Item = &FrontierRow> {
        self.frontier.iter().filter(move |r| r.draw == draw)
    }
}

/// Each arm but the baseline minus the baseline, per draw.
fn plane(s: &Sample) -> Vec<PlaneRow> {
    let mut out = Vec::new();
    for (d, p) in s.draws.iter().zip(&s.points) {
        let b = p[s.baseline];
        for (a, x) in p.iter().enumerate().filter(|(a, _)| *a != s.baseline) {
            out.push(PlaneRow {
                draw: *d,
                arm: s.arms[a].clone(),
                delta_cost: x.cost - b.cost,
                delta_qalys: x.qalys - b.qalys,
            });
        }
    }
    out
}

/// The EVPI at each WTP of the grid (none without PSA draws).
fn evpi_rows(psa: &[Vec<Point>], grid: &[f64], inputs: &Inputs) -> Vec<VoiRow> {
    if psa.is_empty() {
        return Vec::new();
    }
    let years = inputs.settings.years();
    grid.iter()
        .map(|&wtp| {
            let v = ceac::evpi(&ceac::nmb(psa, wtp));
            VoiRow {
                wtp,
                analysis: Voi::Evpi,
                group: None,
                inputs: Vec::new(),
                draws: psa.len(),
                degree: None,
                per_person: Some(v),
                population: inputs
                    .settings
                    .evpi_population
                    .map(|n| voi::population_value(v, n, years, inputs.discount_rate)),
                r_squared: None,
                noise_floor: None,
                note: String::new(),
            }
        })
        .collect()
}

/// The EVPPI of every group at each WTP of the grid.
fn evppi_rows(s: &Sample, grid: &[f64], inputs: &Inputs) -> Vec<VoiRow> {
    let draws: Vec<u32> = s.draws[s.psa()].to_vec();
    let k = draws.len();
    let Some(table) = inputs.psa else {
        return Vec::new();
    };
    let rows: Option<Vec<usize>> = draws
        .iter()
        .map(|d| table.draws.iter().position(|x| x == d))
        .collect();
    let Some(rows) = rows else {
        return Vec::new();
    };
    let others: Vec<usize> = (0..s.arms.len()).filter(|a| *a != s.baseline).collect();
    let delta = |f: &dyn Fn(&Point) -> f64| -> Vec<Vec<f64>> {
        others
            .iter()
            .map(|&a| {
                s.points[s.psa()]
                    .iter()
                    .map(|p| f(&p[a]) - f(&p[s.baseline]))
                    .collect()
            })
            .collect()
    };
    let (dq, dc) = (delta(&|p| p.qalys), delta(&|p| p.cost));
    let years = inputs.settings.years();
    let mut out = Vec::new();
    for (group, names) in groups(inputs.settings, table) {
        let cols: Vec<Vec<f64>> = names
            .iter()
            .filter_map(|n| table.column(n))
            .map(|c| rows.iter().map(|&r| c[r]).collect())
            .collect();
        let fit = if cols.is_empty() {
            Err("none of its inputs varies in this run (fixed, pinned by [parameters], or economics held central)".to_string())
        } else {
            voi::Fit::new(&slices(&cols))
        };
        let fitted = fit.as_ref().ok().map(|f| voi::Fitted::new(f, &dq, &dc));
        let floor = fitted
            .as_ref()
            .and_then(|_| voi::noise_floor(&cols, &dq, &dc, grid));
        let mut note = match &fit {
            Err(why) => why.clone(),
            Ok(_) if k < voi::FEW_DRAWS => format!(
                "{k} draws (< {}): imprecise, compare with the noise floor",
                voi::FEW_DRAWS
            ),
            Ok(_) => String::new(),
        };
        if others.is_empty() {
            note = "one arm: nothing to decide".to_string();
        }
        for (w, &wtp) in grid.iter().enumerate() {
            let at = fitted.as_ref().map(|f| f.at(wtp));
            let per_person = at.as_ref().map(|p| p.evppi);
            out.push(VoiRow {
                wtp,
                analysis: Voi::Evppi,
                group: Some(group.clone()),
                inputs: names.clone(),
                draws: k,
                degree: fit.as_ref().ok().map(|f| f.degree),
                per_person,
                population: per_person.and_then(|v| {
                    inputs
                        .settings
                        .evpi_population
                        .map(|n| voi::population_value(v, n, years, inputs.discount_rate))
                }),
                r_squared: at.as_ref().map(|p| p.r_squared),
                noise_floor: floor.as_ref().map(|f| f[w]),
                note: note.clone(),
            });
        }
    }
    out
}

/// Columns as slices.
fn slices(v: &[Vec<f64>]) -> Vec<&[f64]> {
    v.iter().map(Vec::as_slice).collect()
}
