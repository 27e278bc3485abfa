//! Decision analysis of a run's strategies from the per-draw mean cost and QALYs of every
//! arm (the `level` rows of the comparison, one per draw): the efficiency frontier with
//! incremental ICERs and net benefits ([`frontier`]), per draw and pooled.
//!
//! The PSA sample is draws 1..K (draw 0 holds the central parameters and is analysed on its
//! own); pooled results use the means over draws 1..K and exist when K ≥ 2, like the
//! comparison's `across_draws` rows. Everything is per person started, discounted.
//!
//! Files ([`files`]), written with the comparison and recorded in the manifest:
//! `frontier.parquet` (schema `sarcosim-frontier/1`).

pub mod files;
pub mod frontier;
pub mod report;

use super::{Comparison, Contrast, Method, Outcome};
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
}

impl Analysis {
    /// The analysis of a sample at willingness to pay `wtp`.
    pub fn of(s: &Sample, wtp: f64) -> Analysis {
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
        Analysis {
            willingness_to_pay: wtp,
            pooled_draws: pooled.map_or(0, |_| s.psa().len()),
            frontier: rows,
        }
    }

    /// The analysis of a comparison.
    pub fn of_comparison(c: &Comparison) -> Analysis {
        Analysis::of(&Sample::of(c), c.willingness_to_pay)
    }

    /// The frontier of `draw` (`None`: pooled), in rank order.
    pub fn frontier_of(&self, draw: Option<u32>) -> impl Iterator<Item = &FrontierRow> {
        self.frontier.iter().filter(move |r| r.draw == draw)
    }
}
