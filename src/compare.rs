//! Strategy comparison: each arm against the baseline arm (the one named `baseline`, else
//! the first), from the per-person outcomes of every shard.
//!
//! Arms simulate the same persons with the same random numbers, so a difference is
//! estimated from per-person differences (outcomes of two arms joined on person id within
//! a draw). Every outcome is a ratio of per-person sums (a mean has denominator 1; a
//! prevalence among survivors has the survivors as denominator); its paired standard error
//! comes from the linearised per-person contributions (delta method).
//!
//! Two intervals are reported:
//! - `monte_carlo`: ± 1.96 SE from the persons of one draw (rows with `draw` set; draw 0
//!   is the central parameters): stochastic uncertainty only;
//! - `across_draws`: the 2.5-97.5 % range of the draw estimates over draws 1..K (rows with
//!   `draw` null): parameter and stochastic uncertainty together.
//!
//! `DIR/comparison.parquet` holds one row per arm × outcome × contrast × (draw or pooled).

use crate::error::{Error, Result};
use crate::output::{write_atomic, Manifest};
use crate::report;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::checkpoints::{Checkpoint, DEFINITIONS};

/// Per-person columns read from `outcomes/`.
const COLS: [&str; 18] = [
    "years_lived",
    "died",
    "years_ewgsop2",
    "years_fnih",
    "years_awgs",
    "onset_age_ewgsop2",
    "admissions",
    "bed_days",
    "alm_end",
    "grip_end",
    "ewgsop2_end",
    "fnih_end",
    "awgs_end",
    "cost",
    "qalys",
    "intervention_years",
    "intervention_cost",
    "alive_end",
];

#[derive(Clone, Copy)]
enum C {
    YearsLived,
    Died,
    YearsEwgsop2,
    YearsFnih,
    YearsAwgs,
    EverEwgsop2,
    Admissions,
    BedDays,
    AlmEnd,
    GripEnd,
    Ewgsop2End,
    FnihEnd,
    AwgsEnd,
    Cost,
    Qalys,
    InterventionYears,
    InterventionCost,
    AliveEnd,
}

/// Columns read per checkpoint: observed, alive, then alive-and-sarcopenic by definition.
const PER_CHECKPOINT: usize = 2 + DEFINITIONS.len();

/// Column index of field `j` of checkpoint `c` (after the fixed columns).
fn cp_col(c: usize, j: usize) -> usize {
    COLS.len() + c * PER_CHECKPOINT + j
}

/// One outcome: Σ num / Σ den × scale.
struct Metric {
    name: String,
    unit: String,
    /// Column index (a [`C`] or a checkpoint column).
    num: usize,
    /// `None`: per person started.
    den: Option<usize>,
    /// Multiply the numerator by the denominator column (means among survivors).
    num_times_den: bool,
    scale: f64,
}

fn m(name: &str, unit: &str, num: C, scale: f64) -> Metric {
    Metric {
        name: name.to_string(),
        unit: unit.to_string(),
        num: num as usize,
        den: None,
        num_times_den: false,
        scale,
    }
}

fn among_alive(name: &str, unit: &str, num: C, scale: f64) -> Metric {
    Metric {
        den: Some(C::AliveEnd as usize),
        num_times_den: true,
        ..m(name, unit, num, scale)
    }
}

/// Every outcome of a run with these checkpoints, in display order.
fn metrics(checkpoints: &[Checkpoint]) -> Vec<Metric> {
    let mut v = vec![
        among_alive(
            "prevalence_end_ewgsop2",
            "% of survivors",
            C::Ewgsop2End,
            100.0,
        ),
        among_alive("prevalence_end_fnih", "% of survivors", C::FnihEnd, 100.0),
        among_alive("prevalence_end_awgs", "% of survivors", C::AwgsEnd, 100.0),
        m(
            "ever_sarcopenic_ewgsop2",
            "% of persons",
            C::EverEwgsop2,
            100.0,
        ),
        m(
            "sarcopenia_years_ewgsop2",
            "per 1,000 persons",
            C::YearsEwgsop2,
            1000.0,
        ),
        m(
            "sarcopenia_years_fnih",
            "per 1,000 persons",
            C::YearsFnih,
            1000.0,
        ),
        m(
            "sarcopenia_years_awgs",
            "per 1,000 persons",
            C::YearsAwgs,
            1000.0,
        ),
        m("life_years", "per 1,000 persons", C::YearsLived, 1000.0),
        m("deaths", "per 1,000 persons", C::Died, 1000.0),
        m("admissions", "per 1,000 persons", C::Admissions, 1000.0),
        m("bed_days", "per 1,000 persons", C::BedDays, 1000.0),
        among_alive("alm_end", "kg, mean of survivors", C::AlmEnd, 1.0),
        among_alive("grip_end", "kg, mean of survivors", C::GripEnd, 1.0),
        m(
            "intervention_years",
            "per 1,000 persons",
            C::InterventionYears,
            1000.0,
        ),
        m(
            "intervention_cost",
            "per person, discounted",
            C::InterventionCost,
            1.0,
        ),
        m("cost", "per person, discounted", C::Cost, 1.0),
        m("qalys", "per person, discounted", C::Qalys, 1.0),
    ];
    for (c, cp) in checkpoints.iter().enumerate() {
        let followed = |num: usize, name: String, unit: &str, den: usize| Metric {
            name,
            unit: unit.to_string(),
            num,
            den: Some(den),
            num_times_den: false,
            scale: 100.0,
        };
        v.push(followed(
            cp_col(c, 1),
            format!("alive_at_{}", cp.label),
            "% of persons followed",
            cp_col(c, 0),
        ));
        for (d, def) in DEFINITIONS.iter().enumerate() {
            v.push(followed(
                cp_col(c, 2 + d),
                format!("burden_{def}_at_{}", cp.label),
                "% of persons followed, alive and sarcopenic",
                cp_col(c, 0),
            ));
            v.push(followed(
                cp_col(c, 2 + d),
                format!("prevalence_{def}_at_{}", cp.label),
                "% of survivors",
                cp_col(c, 1),
            ));
        }
    }
    v
}

fn metric<'a>(ms: &'a [Metric], name: &str) -> &'a Metric {
    ms.iter().find(|m| m.name == name).expect("a fixed outcome")
}

const NNT_UNIT: &str = "persons offered the strategy per case avoided";
const ICER_UNIT: &str = "cost per QALY gained";

/// One row of `comparison.parquet`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Row {
    pub arm: String,
    pub baseline: String,
    pub outcome: String,
    pub unit: String,
    /// `level` (the arm's own value) or `difference` (arm − baseline).
    pub contrast: String,
    /// The draw of a `monte_carlo` row; `None` for the pooled `across_draws` row.
    pub draw: Option<i32>,
    pub method: String,
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Persons behind the estimate (per draw).
    pub persons: u64,
    /// How to read the row when a number alone would mislead (ICER quadrants, unbounded
    /// intervals); empty otherwise.
    pub note: String,
}

/// The comparison of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub scenario: String,
    pub seed: u64,
    pub baseline: String,
    pub arms: Vec<String>,
    pub draws: u32,
    pub willingness_to_pay: f64,
    pub currency: String,
    pub checkpoints: Vec<Checkpoint>,
    pub rows: Vec<Row>,
}

/// Per-person columns of one arm and draw, sorted by person id.
struct Table {
    ids: Vec<u64>,
    cols: Vec<Vec<f64>>,
}

impl Table {
    fn col(&self, c: C) -> &[f64] {
        &self.cols[c as usize]
    }

    fn at(&self, i: usize) -> &[f64] {
        &self.cols[i]
    }
}

fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "parquet")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    v.sort();
    v
}

fn to_f64(c: &Column) -> Result<Vec<f64>> {
    let s = c.as_materialized_series();
    let f = match s.dtype() {
        DataType::Boolean => s.cast(&DataType::Float64)?,
        _ => s.cast(&DataType::Float64)?,
    };
    Ok(f.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect())
}

fn read_table(dir: &Path, arm: &str, draw: u32, checkpoints: &[Checkpoint]) -> Result<Table> {
    let part = dir
        .join("outcomes")
        .join(format!("arm={arm}"))
        .join(format!("draw={draw}"));
    let files = parquet_files(&part);
    if files.is_empty() {
        return Err(Error::Results(format!(
            "{} holds no outcomes: the comparison needs the outcomes table",
            part.display()
        )));
    }
    let mut frames = Vec::new();
    for f in &files {
        let file = std::fs::File::open(f).map_err(|e| Error::io(f, e))?;
        frames.push(ParquetReader::new(file).finish()?.lazy());
    }
    let df = concat(frames, UnionArgs::default())?
        .with_columns([
            col("onset_age_ewgsop2")
                .is_not_null()
                .alias("onset_age_ewgsop2"),
            col("died").not().alias("alive_end"),
        ])
        .sort(["person_id"], Default::default())
        .collect()?;
    let mut names: Vec<String> = COLS.iter().map(|c| c.to_string()).collect();
    for cp in checkpoints {
        names.push(cp.alive_column());
        names.extend((0..DEFINITIONS.len()).map(|d| cp.sarcopenic_column(d)));
    }
    for c in &names {
        if df.column(c).is_err() {
            return Err(Error::Results(format!(
                "{} lacks the column `{c}`: it was written by an older sarcosim; rerun it to compare arms",
                part.display()
            )));
        }
    }
    let ids: Vec<u64> = df
        .column("person_id")?
        .as_materialized_series()
        .u64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();
    let mut cols = COLS
        .iter()
        .map(|c| to_f64(df.column(c)?))
        .collect::<Result<Vec<_>>>()?;
    for cp in checkpoints {
        let alive = df.column(&cp.alive_column())?;
        let observed: Vec<f64> = alive
            .as_materialized_series()
            .is_not_null()
            .iter()
            .map(|v| f64::from(u8::from(v.unwrap_or(false))))
            .collect();
        cols.push(observed);
        cols.push(to_f64(alive)?);
        for d in 0..DEFINITIONS.len() {
            cols.push(to_f64(df.column(&cp.sarcopenic_column(d))?)?);
        }
    }
    Ok(Table { ids, cols })
}

/// Linearised per-person contributions of a metric (so their mean's SE is the ratio's SE)
/// and the ratio itself.
fn contributions(t: &Table, m: &Metric) -> (f64, Vec<f64>) {
    let n = t.ids.len();
    let num_raw = t.at(m.num);
    let den: Vec<f64> = match m.den {
        Some(d) => t.at(d).to_vec(),
        None => vec![1.0; n],
    };
    let num: Vec<f64> = if m.num_times_den {
        num_raw.iter().zip(&den).map(|(a, b)| a * b).collect()
    } else {
        num_raw.to_vec()
    };
    let (sn, sd): (f64, f64) = (num.iter().sum(), den.iter().sum());
    if sd <= 0.0 {
        return (f64::NAN, vec![0.0; n]);
    }
    let r = sn / sd;
    let mean_den = sd / n as f64;
    let z = num
        .iter()
        .zip(&den)
        .map(|(a, b)| (a - r * b) / mean_den)
        .collect();
    (r, z)
}

fn mean_se(z: &[f64]) -> f64 {
    let n = z.len() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let mean = z.iter().sum::<f64>() / n;
    let var = z.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (var / n).sqrt()
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7).
fn phi(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-(x * x) / 2.0).exp();
    if x >= 0.0 {
        0.5 * (1.0 + y)
    } else {
        0.5 * (1.0 - y)
    }
}

const Z95: f64 = 1.959_964;

/// Draw-level estimates of one arm (difference vs baseline when `base` is given).
struct DrawEstimate {
    est: f64,
    se: f64,
}

fn estimate(t: &Table, base: Option<&Table>, m: &Metric) -> DrawEstimate {
    let (r, z) = contributions(t, m);
    match base {
        None => DrawEstimate {
            est: r * m.scale,
            se: mean_se(&z) * m.scale,
        },
        Some(b) => {
            let (rb, zb) = contributions(b, m);
            let d: Vec<f64> = z.iter().zip(&zb).map(|(a, b)| a - b).collect();
            DrawEstimate {
                est: (r - rb) * m.scale,
                se: mean_se(&d) * m.scale,
            }
        }
    }
}

/// The ICER of paired mean differences (Δcost, ΔQALY): its estimate, a note naming the
/// quadrant when a ratio would mislead, and whether a ratio is meaningful.
fn icer_point(dc: f64, dq: f64) -> (f64, String) {
    if !(dc.is_finite() && dq.is_finite()) {
        (f64::NAN, String::new())
    } else if dq > 0.0 && dc <= 0.0 {
        (f64::NAN, "dominant (more QALYs, no more cost)".into())
    } else if dq < 0.0 && dc >= 0.0 {
        (f64::NAN, "dominated (fewer QALYs, no less cost)".into())
    } else if dq == 0.0 {
        (f64::NAN, "no QALY difference".into())
    } else if dq < 0.0 {
        (dc / dq, "south-west: cost saved per QALY lost".into())
    } else {
        (dc / dq, String::new())
    }
}

/// Fieller's 95 % interval of Δc/Δq from the means' variances and covariance; `None`
/// when it is unbounded (ΔQALY not distinguishable from 0 at 5 %).
fn fieller(dc: f64, dq: f64, vc: f64, vq: f64, cov: f64) -> Option<(f64, f64)> {
    let z2 = Z95 * Z95;
    let a = dq * dq - z2 * vq;
    let b = dc * dq - z2 * cov;
    let c = dc * dc - z2 * vc;
    let disc = b * b - a * c;
    if a <= 0.0 || disc < 0.0 {
        return None;
    }
    let r = disc.sqrt();
    Some(((b - r) / a, (b + r) / a))
}

/// Means, variances of the means and covariance of paired per-person differences.
fn paired_moments(x: &[f64], y: &[f64]) -> (f64, f64, f64, f64, f64) {
    let n = x.len() as f64;
    if n < 2.0 {
        return (f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN);
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let mut sxx = 0.0;
    let mut syy = 0.0;
    let mut sxy = 0.0;
    for (a, b) in x.iter().zip(y) {
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
        sxy += (a - mx) * (b - my);
    }
    let k = (n - 1.0) * n;
    (mx, my, sxx / k, syy / k, sxy / k)
}

/// Persons needed to treat from a difference in % (negative = cases avoided) and its SE:
/// (nnt, lower, upper), NaN where no case is avoided or the interval reaches 0.
fn nnt(diff_pct: f64, se_pct: f64) -> (f64, f64, f64) {
    let avoided = -diff_pct / 100.0;
    let (alo, ahi) = (
        avoided - Z95 * se_pct / 100.0,
        avoided + Z95 * se_pct / 100.0,
    );
    (
        if avoided > 0.0 {
            1.0 / avoided
        } else {
            f64::NAN
        },
        if alo > 0.0 { 1.0 / ahi } else { f64::NAN },
        if alo > 0.0 { 1.0 / alo } else { f64::NAN },
    )
}

/// Computes the comparison of the complete run in `dir` (every shard's outcomes).
pub fn compare(dir: &Path) -> Result<Comparison> {
    let results = report::load(dir)?;
    let manifest: &Manifest = &results.manifest;
    let arms = manifest.arms.clone();
    let baseline = if arms.iter().any(|a| a == "baseline") {
        "baseline".to_string()
    } else {
        arms.first().cloned().unwrap_or_default()
    };
    let draws = manifest.draws;
    let econ: crate::economics::Economics = manifest
        .scenario_resolved
        .get("economics")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let checkpoints: Vec<Checkpoint> = manifest
        .scenario_resolved
        .get("checkpoints")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let metrics = metrics(&checkpoints);
    let wtp = econ.willingness_to_pay;
    let mut rows = Vec::new();
    // Draw-level estimates: (arm, outcome, contrast) → per draw.
    let mut per_draw: BTreeMap<(String, String, String), Vec<f64>> = BTreeMap::new();
    let push = |rows: &mut Vec<Row>,
                key: (&str, &str, &str, &str),
                draw: Option<i32>,
                method: &str,
                (est, lo, hi): (f64, f64, f64),
                persons: u64,
                note: String| {
        let (arm, outcome, unit, contrast) = key;
        rows.push(Row {
            arm: arm.to_string(),
            baseline: baseline.clone(),
            outcome: outcome.to_string(),
            unit: unit.to_string(),
            contrast: contrast.to_string(),
            draw,
            method: method.to_string(),
            estimate: finite(est),
            lower: finite(lo),
            upper: finite(hi),
            persons,
            note,
        });
    };
    for draw in 0..=draws {
        let base = read_table(dir, &baseline, draw, &checkpoints)?;
        let n = base.ids.len() as u64;
        let d0 = Some(draw as i32);
        for arm in &arms {
            let t = if *arm == baseline {
                None
            } else {
                let t = read_table(dir, arm, draw, &checkpoints)?;
                if t.ids != base.ids {
                    return Err(Error::Results(format!(
                        "arm `{arm}` and the baseline `{baseline}` hold different persons in draw {draw}: the run is inconsistent"
                    )));
                }
                Some(t)
            };
            let this = t.as_ref().unwrap_or(&base);
            let mut record = |outcome: &str, contrast: &str, v: f64| {
                per_draw
                    .entry((arm.clone(), outcome.to_string(), contrast.to_string()))
                    .or_insert_with(|| vec![f64::NAN; draws as usize + 1])[draw as usize] = v;
            };
            for metric in &metrics {
                let e = estimate(this, None, metric);
                let (name, unit) = (metric.name.as_str(), metric.unit.as_str());
                push(
                    &mut rows,
                    (arm, name, unit, "level"),
                    d0,
                    "monte_carlo",
                    (e.est, e.est - Z95 * e.se, e.est + Z95 * e.se),
                    n,
                    String::new(),
                );
                record(name, "level", e.est);
                if let Some(t) = &t {
                    let d = estimate(t, Some(&base), metric);
                    push(
                        &mut rows,
                        (arm, name, unit, "difference"),
                        d0,
                        "monte_carlo",
                        (d.est, d.est - Z95 * d.se, d.est + Z95 * d.se),
                        n,
                        String::new(),
                    );
                    record(name, "difference", d.est);
                }
            }
            let Some(t) = &t else { continue };
            // Persons needed to treat to avoid one person ever sarcopenic (EWGSOP2), and one
            // person alive and sarcopenic at each checkpoint by each definition.
            let mut nnt_of = |outcome: String, from: &Metric| {
                let d = estimate(t, Some(&base), from);
                push(
                    &mut rows,
                    (arm, &outcome, NNT_UNIT, "difference"),
                    d0,
                    "monte_carlo",
                    nnt(d.est, d.se),
                    n,
                    String::new(),
                );
                record(&outcome, "difference", -d.est / 100.0);
            };
            nnt_of(
                "nnt_ewgsop2".into(),
                metric(&metrics, "ever_sarcopenic_ewgsop2"),
            );
            for cp in &checkpoints {
                for def in DEFINITIONS {
                    let from = metric(&metrics, &format!("burden_{def}_at_{}", cp.label));
                    nnt_of(format!("nnt_{def}_at_{}", cp.label), from);
                }
            }
            // Economics: ICER with Fieller's interval, and the probability of
            // cost-effectiveness at the WTP.
            let diff = |c: C| -> Vec<f64> {
                t.col(c)
                    .iter()
                    .zip(base.col(c))
                    .map(|(a, b)| a - b)
                    .collect()
            };
            let (dc, dq, vc, vq, cov) = paired_moments(&diff(C::Cost), &diff(C::Qalys));
            let (icer, mut note) = icer_point(dc, dq);
            let (lo, hi) = if icer.is_finite() {
                match fieller(dc, dq, vc, vq, cov) {
                    Some(b) => b,
                    None => {
                        note = [
                            note.as_str(),
                            "interval unbounded: ΔQALY not distinguishable from 0",
                        ]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("; ");
                        (f64::NAN, f64::NAN)
                    }
                }
            } else {
                (f64::NAN, f64::NAN)
            };
            push(
                &mut rows,
                (arm, "icer", ICER_UNIT, "difference"),
                d0,
                "monte_carlo_fieller",
                (icer, lo, hi),
                n,
                note,
            );
            let nmb = |tab: &Table| -> Vec<f64> {
                tab.col(C::Qalys)
                    .iter()
                    .zip(tab.col(C::Cost))
                    .map(|(q, c)| wtp * q - c)
                    .collect()
            };
            let dn: Vec<f64> = nmb(t).iter().zip(nmb(&base)).map(|(a, b)| a - b).collect();
            let mean_nmb = dn.iter().sum::<f64>() / dn.len().max(1) as f64;
            let se = mean_se(&dn);
            let p = if se > 0.0 {
                phi(mean_nmb / se)
            } else if mean_nmb > 0.0 {
                1.0
            } else {
                0.0
            };
            push(
                &mut rows,
                (
                    arm,
                    "prob_cost_effective",
                    "probability at the willingness to pay",
                    "difference",
                ),
                d0,
                "monte_carlo",
                (p, f64::NAN, f64::NAN),
                n,
                String::new(),
            );
            record("net_monetary_benefit", "difference", mean_nmb);
        }
    }
    if draws >= 2 {
        let units: BTreeMap<&str, &str> = metrics
            .iter()
            .map(|m| (m.name.as_str(), m.unit.as_str()))
            .collect();
        for ((arm, outcome, contrast), v) in &per_draw {
            let mut s: Vec<f64> = v[1..].iter().copied().filter(|x| x.is_finite()).collect();
            s.sort_by(f64::total_cmp);
            if s.is_empty() {
                continue;
            }
            let mean = s.iter().sum::<f64>() / s.len() as f64;
            let (lo, hi) = (quantile(&s, 0.025), quantile(&s, 0.975));
            let k = s.len() as u64;
            if outcome.starts_with("nnt_") {
                let inv = |x: f64| if x > 0.0 { 1.0 / x } else { f64::NAN };
                push(
                    &mut rows,
                    (arm, outcome, NNT_UNIT, contrast),
                    None,
                    "across_draws",
                    (
                        inv(quantile(&s, 0.5)),
                        if lo > 0.0 { inv(hi) } else { f64::NAN },
                        if lo > 0.0 { inv(lo) } else { f64::NAN },
                    ),
                    k,
                    String::new(),
                );
            } else if outcome == "net_monetary_benefit" {
                let p = s.iter().filter(|x| **x > 0.0).count() as f64 / s.len() as f64;
                push(
                    &mut rows,
                    (
                        arm,
                        "prob_cost_effective",
                        "probability at the willingness to pay",
                        contrast,
                    ),
                    None,
                    "across_draws",
                    (p, f64::NAN, f64::NAN),
                    k,
                    String::new(),
                );
            } else {
                push(
                    &mut rows,
                    (
                        arm,
                        outcome,
                        units.get(outcome.as_str()).copied().unwrap_or(""),
                        contrast,
                    ),
                    None,
                    "across_draws",
                    (mean, lo, hi),
                    k,
                    String::new(),
                );
            }
        }
        // ICER across draws: ratio of the mean differences; 2.5-97.5 % of the draw ICERs
        // only when every draw lies in the same quadrant (else the ratios do not order).
        for arm in arms.iter().filter(|a| **a != baseline) {
            let get = |o: &str| {
                per_draw
                    .get(&(arm.clone(), o.to_string(), "difference".to_string()))
                    .map(|v| v[1..].to_vec())
                    .unwrap_or_default()
            };
            let (c, q) = (get("cost"), get("qalys"));
            let pairs: Vec<(f64, f64)> = c
                .into_iter()
                .zip(q)
                .filter(|(a, b)| a.is_finite() && b.is_finite())
                .collect();
            if pairs.is_empty() {
                continue;
            }
            let k = pairs.len() as f64;
            let mc = pairs.iter().map(|p| p.0).sum::<f64>() / k;
            let mq = pairs.iter().map(|p| p.1).sum::<f64>() / k;
            let (icer, mut note) = icer_point(mc, mq);
            let quadrant = |(c, q): (f64, f64)| match (q > 0.0, c > 0.0) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            };
            let quads: Vec<usize> = pairs.iter().map(|p| quadrant(*p)).collect();
            let (lo, hi) = if icer.is_finite() && quads.iter().all(|x| *x == quads[0]) {
                let mut r: Vec<f64> = pairs.iter().map(|(c, q)| c / q).collect();
                r.sort_by(f64::total_cmp);
                (quantile(&r, 0.025), quantile(&r, 0.975))
            } else {
                let share = |x: usize| 100.0 * quads.iter().filter(|v| **v == x).count() as f64 / k;
                let spread = format!(
                    "draws: {:.0} % more cost and QALYs, {:.0} % dominant, {:.0} % dominated, {:.0} % fewer cost and QALYs",
                    share(0),
                    share(1),
                    share(2),
                    share(3)
                );
                note = if note.is_empty() {
                    spread
                } else {
                    format!("{note}; {spread}")
                };
                (f64::NAN, f64::NAN)
            };
            push(
                &mut rows,
                (arm, "icer", ICER_UNIT, "difference"),
                None,
                "across_draws",
                (icer, lo, hi),
                pairs.len() as u64,
                note,
            );
        }
    }
    Ok(Comparison {
        scenario: manifest.identity.scenario.clone(),
        seed: manifest.identity.seed,
        baseline,
        arms,
        draws,
        willingness_to_pay: wtp,
        currency: econ.currency,
        checkpoints,
        rows,
    })
}

impl Comparison {
    /// The rows as a DataFrame (the schema of `comparison.parquet`).
    pub fn frame(&self) -> Result<DataFrame> {
        let n = self.rows.len();
        let s = |f: &dyn Fn(&Row) -> String| -> Vec<String> { self.rows.iter().map(f).collect() };
        let o = |f: &dyn Fn(&Row) -> Option<f64>| -> Vec<Option<f64>> {
            self.rows.iter().map(f).collect()
        };
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("scenario".into(), vec![self.scenario.clone(); n]),
                Column::new("seed".into(), vec![self.seed; n]),
                Column::new("arm".into(), s(&|r| r.arm.clone())),
                Column::new("baseline".into(), s(&|r| r.baseline.clone())),
                Column::new("outcome".into(), s(&|r| r.outcome.clone())),
                Column::new("unit".into(), s(&|r| r.unit.clone())),
                Column::new("contrast".into(), s(&|r| r.contrast.clone())),
                Column::new(
                    "draw".into(),
                    self.rows.iter().map(|r| r.draw).collect::<Vec<_>>(),
                ),
                Column::new("method".into(), s(&|r| r.method.clone())),
                Column::new("estimate".into(), o(&|r| r.estimate)),
                Column::new("lower".into(), o(&|r| r.lower)),
                Column::new("upper".into(), o(&|r| r.upper)),
                Column::new(
                    "persons".into(),
                    self.rows.iter().map(|r| r.persons).collect::<Vec<_>>(),
                ),
                Column::new("note".into(), s(&|r| r.note.clone())),
            ],
        )?)
    }

    /// Writes `DIR/comparison.parquet` (temp file + rename).
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let mut df = self.frame()?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut df)?;
        let path = dir.join("comparison.parquet");
        write_atomic(&path, &bytes)?;
        Ok(path)
    }

    fn find(&self, arm: &str, outcome: &str, contrast: &str, method: &str) -> Option<&Row> {
        self.rows.iter().find(|r| {
            r.arm == arm
                && r.outcome == outcome
                && r.contrast == contrast
                && (r.method == method || r.method.starts_with(&format!("{method}_")))
                && (method == "across_draws" || r.draw == Some(0))
        })
    }

    /// Outcomes in display order.
    fn outcomes(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = metrics(&self.checkpoints)
            .into_iter()
            .map(|m| (m.name, m.unit))
            .collect();
        let mut add = |o: String, u: &str| v.push((o, u.to_string()));
        add("nnt_ewgsop2".into(), "persons per case avoided");
        for cp in &self.checkpoints {
            for def in DEFINITIONS {
                add(
                    format!("nnt_{def}_at_{}", cp.label),
                    "persons per case avoided",
                );
            }
        }
        add("icer".into(), "cost per QALY (Fieller)");
        add("prob_cost_effective".into(), "P(cost-effective)");
        v
    }

    /// Wide tables (outcomes as rows, arms as columns): levels, then differences with
    /// their Monte Carlo intervals (draw 0), then across-draw intervals when there are draws.
    pub fn tables(&self) -> Vec<(String, Vec<String>, Vec<Vec<String>>)> {
        let cell = |r: Option<&Row>| -> String {
            let Some(r) = r else {
                return "-".to_string();
            };
            let f = |v: f64| {
                if v.abs() >= 1000.0 {
                    format!("{v:.0}")
                } else if v.abs() >= 10.0 {
                    format!("{v:.1}")
                } else {
                    format!("{v:.3}")
                }
            };
            let short = |note: &str| {
                note.split([';', '(', ':'])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            match (r.estimate, r.lower, r.upper) {
                (Some(e), Some(l), Some(u)) => format!("{} [{}, {}]", f(e), f(l), f(u)),
                (Some(e), _, _) if r.outcome == "icer" => format!("{} [unbounded]", f(e)),
                (Some(e), _, _) => f(e),
                _ if !r.note.is_empty() => short(&r.note),
                _ => "-".to_string(),
            }
        };
        let mut out = Vec::new();
        let others: Vec<&String> = self.arms.iter().filter(|a| **a != self.baseline).collect();
        let header = |arms: &[&String]| -> Vec<String> {
            let mut h = vec!["outcome".to_string(), "unit".to_string()];
            h.extend(arms.iter().map(|a| a.to_string()));
            h
        };
        let all: Vec<&String> = self.arms.iter().collect();
        let level_rows = metrics(&self.checkpoints)
            .iter()
            .map(|m| {
                let mut r = vec![m.name.clone(), m.unit.clone()];
                r.extend(
                    all.iter()
                        .map(|a| cell(self.find(a, &m.name, "level", "monte_carlo"))),
                );
                r
            })
            .collect();
        out.push((
            "Outcomes per arm (draw 0, 95 % Monte Carlo interval)".to_string(),
            header(&all),
            level_rows,
        ));
        if others.is_empty() {
            return out;
        }
        for (method, title) in [
            (
                "monte_carlo",
                format!(
                    "Difference vs `{}` (paired, draw 0, 95 % Monte Carlo interval)",
                    self.baseline
                ),
            ),
            (
                "across_draws",
                format!(
                    "Difference vs `{}` across parameter draws 1..{} (mean, 2.5-97.5 %)",
                    self.baseline, self.draws
                ),
            ),
        ] {
            if method == "across_draws" && self.draws < 2 {
                continue;
            }
            let rows = self
                .outcomes()
                .iter()
                .map(|(o, u)| {
                    let mut r = vec![o.clone(), u.clone()];
                    r.extend(
                        others
                            .iter()
                            .map(|a| cell(self.find(a, o, "difference", method))),
                    );
                    r
                })
                .collect();
            out.push((title, header(&others), rows));
        }
        out
    }

    /// The readable text form (`sarcosim report`).
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "comparison · scenario {} · seed {} · baseline `{}` · {} draw(s) · WTP {} {}/QALY",
            self.scenario,
            self.seed,
            self.baseline,
            self.draws + 1,
            self.willingness_to_pay,
            self.currency
        );
        for (title, header, rows) in self.tables() {
            let _ = writeln!(s, "\n== {title} ==");
            s.push_str(&aligned(&header, &rows));
        }
        s
    }

    pub fn markdown(&self) -> String {
        let mut s = format!(
            "Comparison of scenario `{}` (seed {}), baseline `{}`, {} draw(s); costs in {}, WTP {} per QALY.\n",
            self.scenario,
            self.seed,
            self.baseline,
            self.draws + 1,
            self.currency,
            self.willingness_to_pay
        );
        for (title, header, rows) in self.tables() {
            let _ = writeln!(s, "\n### {title}\n");
            let _ = writeln!(s, "| {} |", header.join(" | "));
            let _ = writeln!(
                s,
                "|{}|",
                header
                    .iter()
                    .enumerate()
                    .map(|(i, _)| if i < 2 { "---" } else { "---:" })
                    .collect::<Vec<_>>()
                    .join("|")
            );
            for r in rows {
                let _ = writeln!(s, "| {} |", r.join(" | "));
            }
        }
        s
    }

    /// Every row, long format (the columns of `comparison.parquet`).
    pub fn csv(&self) -> String {
        let mut s = String::from(
            "scenario,seed,arm,baseline,outcome,unit,contrast,draw,method,estimate,lower,upper,persons,note\n",
        );
        let q = |t: &str| {
            if t.contains([',', '"', '\n']) {
                format!("\"{}\"", t.replace('"', "\"\""))
            } else {
                t.to_string()
            }
        };
        let o = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
        for r in &self.rows {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                q(&self.scenario),
                self.seed,
                q(&r.arm),
                q(&r.baseline),
                r.outcome,
                q(&r.unit),
                r.contrast,
                r.draw.map_or(String::new(), |d| d.to_string()),
                r.method,
                o(r.estimate),
                o(r.lower),
                o(r.upper),
                r.persons,
                q(&r.note)
            );
        }
        s
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn aligned(header: &[String], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|j| {
            rows.iter()
                .map(|r| r[j].chars().count())
                .chain([header[j].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(j, (c, w))| {
                if j < 2 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(header, &mut out);
    line(
        &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
        &mut out,
    );
    for r in rows {
        line(r, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_and_quantiles() {
        assert!((phi(0.0) - 0.5).abs() < 1e-7);
        assert!((phi(1.959_964) - 0.975).abs() < 1e-4);
        assert!((quantile(&[1.0, 2.0, 3.0], 0.5) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn icer_quadrants_are_named_not_divided() {
        assert_eq!(icer_point(1000.0, 0.1).0, 10_000.0);
        assert!(icer_point(1000.0, 0.1).1.is_empty());
        let (e, n) = icer_point(-50.0, 0.1);
        assert!(e.is_nan() && n.starts_with("dominant"));
        let (e, n) = icer_point(50.0, -0.1);
        assert!(e.is_nan() && n.starts_with("dominated"));
        let (e, n) = icer_point(-1000.0, -0.1);
        assert!(e == 10_000.0 && n.starts_with("south-west"));
    }

    #[test]
    fn fieller_brackets_the_ratio_and_is_unbounded_when_dq_is_uncertain() {
        // Δq clearly positive: a finite interval around Δc/Δq, close to the delta method.
        let (dc, dq, vc, vq) = (1000.0, 0.1, 100.0_f64.powi(2), 0.002_f64.powi(2));
        let (lo, hi) = fieller(dc, dq, vc, vq, 0.0).unwrap();
        assert!(lo < 10_000.0 && 10_000.0 < hi);
        let se = 10_000.0 * ((vc / dc / dc) + (vq / dq / dq)).sqrt();
        assert!((lo - (10_000.0 - Z95 * se)).abs() < 0.1 * se, "{lo}");
        // Δq within 1.96 SE of 0: no bounded interval.
        assert!(fieller(dc, 0.003, vc, vq, 0.0).is_none());
    }

    #[test]
    fn paired_ratio_difference_of_identical_tables_is_zero() {
        let t = Table {
            ids: vec![0, 1, 2],
            cols: (0..COLS.len()).map(|i| vec![i as f64, 1.0, 0.0]).collect(),
        };
        let e = estimate(&t, Some(&t), &metrics(&[])[0]);
        assert_eq!(e.est, 0.0);
        assert_eq!(e.se, 0.0);
    }
}
