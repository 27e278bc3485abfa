//! The rows of a [`Comparison`]: per draw, every arm's levels and paired differences, its
//! numbers needed to treat, ICER and probability of cost-effectiveness; then, with two
//! draws or more, each of them summarised across draws 1..K.

use super::economics::{icer_across, icer_with_interval, nnt, nnt_across, prob_cost_effective};
use super::outcome::{Kind, Metric, Outcome};
use super::read::{self, Setup, SLICE_ROWS};
use super::stats::{quantile, DrawStats, Z95};
use super::{Comparison, Contrast, Method, Row};
use crate::error::Result;
use crate::report::Results;
use std::collections::BTreeMap;

/// The baseline of the comparison: the arm named `baseline`, else the first.
pub fn baseline(arms: &[String]) -> String {
    if arms.iter().any(|a| a == "baseline") {
        "baseline".to_string()
    } else {
        arms.first().cloned().unwrap_or_default()
    }
}

/// Computes the comparison of loaded results.
pub fn comparison(results: &Results) -> Result<Comparison> {
    let manifest = &results.manifest;
    let setup = Setup::read(results)?;
    let arms = manifest.arms.clone();
    let baseline = baseline(&arms);
    let base = arms.iter().position(|a| *a == baseline).unwrap_or(0);
    let draws = manifest.draws;
    let ratios: Vec<(Outcome, Metric)> = Outcome::ratios(&setup.checkpoints)
        .into_iter()
        .map(|o| {
            let m = o.metric().expect("a ratio outcome has columns");
            (o, m)
        })
        .collect();
    let metrics: Vec<Metric> = ratios.iter().map(|(_, m)| *m).collect();
    let wtp = setup.economics.willingness_to_pay;
    let mut b = Builder {
        arms: &arms,
        base,
        draws,
        ratios: &ratios,
        checkpoints: &setup.checkpoints,
        rows: Vec::new(),
        per_draw: BTreeMap::new(),
    };
    for draw in 0..=draws {
        let stats = DrawStats::collect(arms.len(), base, &metrics, wtp, &mut |f| {
            let (dir, cps) = (&results.dir, &setup.checkpoints);
            read::stream_draw(dir, (&arms, base), draw, cps, SLICE_ROWS, f)
        })?;
        b.add_draw(&stats, draw);
    }
    if draws >= 2 {
        b.add_across_draws();
    }
    let rows = b.rows;
    let inputs = super::decision::Inputs {
        wtp,
        discount_rate: setup.economics.discount_rate,
        settings: &setup.decision,
        psa: setup.psa.as_ref(),
    };
    let mut c = Comparison {
        scenario: manifest.identity.scenario.clone(),
        seed: manifest.identity.seed,
        baseline,
        arms,
        draws,
        willingness_to_pay: wtp,
        currency: setup.economics.currency.clone(),
        checkpoints: setup.checkpoints.clone(),
        rows,
        decision: None,
    };
    c.decision = Some(super::decision::Analysis::of_comparison(&c, &inputs));
    Ok(c)
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// One value per draw 0..=K.
type PerDraw = (Outcome, Vec<f64>);

/// The rows as they are made, and the draw estimates the across-draw rows summarise.
struct Builder<'a> {
    arms: &'a [String],
    base: usize,
    draws: u32,
    ratios: &'a [(Outcome, Metric)],
    checkpoints: &'a [crate::checkpoints::Checkpoint],
    rows: Vec<Row>,
    /// (arm, outcome name, contrast) → the outcome and its estimate per draw; the order
    /// of the across-draw rows.
    per_draw: BTreeMap<(String, String, Contrast), PerDraw>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        (arm, outcome, contrast): (usize, &Outcome, Contrast),
        draw: Option<u32>,
        method: Method,
        (est, lo, hi): (f64, f64, f64),
        persons: u64,
        note: String,
    ) {
        self.rows.push(Row {
            arm: self.arms[arm].clone(),
            baseline: self.arms[self.base].clone(),
            outcome: outcome.clone(),
            unit: outcome.unit(),
            contrast,
            draw: draw.map(|d| d as i32),
            method,
            estimate: finite(est),
            lower: finite(lo),
            upper: finite(hi),
            persons,
            note,
        });
    }

    /// Keeps the estimate of `outcome` in `draw` for the across-draw rows.
    fn record(&mut self, (arm, outcome, contrast): (usize, &Outcome, Contrast), draw: u32, v: f64) {
        let key = (self.arms[arm].clone(), outcome.to_string(), contrast);
        let draws = self.draws as usize + 1;
        let entry = self
            .per_draw
            .entry(key)
            .or_insert_with(|| (outcome.clone(), vec![f64::NAN; draws]));
        entry.1[draw as usize] = v;
    }

    /// A `monte_carlo` row of `draw` (estimate ± 1.96 SE from its persons), kept for the
    /// across-draw rows too.
    fn add_monte_carlo(
        &mut self,
        key: (usize, &Outcome, Contrast),
        draw: u32,
        (est, se): (f64, f64),
        persons: u64,
    ) {
        let interval = (est, est - Z95 * se, est + Z95 * se);
        self.push(
            key,
            Some(draw),
            Method::MonteCarlo,
            interval,
            persons,
            String::new(),
        );
        self.record(key, draw, est);
    }

    /// The rows of one draw.
    fn add_draw(&mut self, s: &DrawStats, draw: u32) {
        for a in 0..self.arms.len() {
            let paired = a != self.base;
            for (mi, (outcome, metric)) in self.ratios.iter().enumerate() {
                let level = s.level(a, mi, metric);
                self.add_monte_carlo((a, outcome, Contrast::Level), draw, level, s.n);
                if paired {
                    let difference = s.difference(a, self.base, mi, metric);
                    self.add_monte_carlo((a, outcome, Contrast::Difference), draw, difference, s.n);
                }
            }
            if paired {
                self.add_numbers_needed(s, a, draw);
                self.add_economics(s, a, draw);
            }
        }
    }

    /// Persons needed to treat to avoid one person ever sarcopenic (EWGSOP2), and one
    /// person alive and sarcopenic at each checkpoint by each definition.
    fn add_numbers_needed(&mut self, s: &DrawStats, a: usize, draw: u32) {
        for outcome in Outcome::numbers_needed(self.checkpoints) {
            let source = outcome.nnt_source().expect("a number needed has a source");
            let mi = self
                .ratios
                .iter()
                .position(|(o, _)| *o == source)
                .expect("the source is a ratio outcome");
            let (est, se) = s.difference(a, self.base, mi, &self.ratios[mi].1);
            let key = (a, &outcome, Contrast::Difference);
            let method = Method::MonteCarlo;
            self.push(key, Some(draw), method, nnt(est, se), s.n, String::new());
            self.record(key, draw, -est / 100.0);
        }
    }

    /// The ICER with Fieller's interval, and the probability of cost-effectiveness at the
    /// willingness to pay.
    fn add_economics(&mut self, s: &DrawStats, a: usize, draw: u32) {
        let (icer, note) = icer_with_interval(s.paired_moments(a));
        let key = (a, &Outcome::Icer, Contrast::Difference);
        self.push(key, Some(draw), Method::MonteCarloFieller, icer, s.n, note);
        let (mean_nmb, se) = s.net_benefit(a);
        let p = prob_cost_effective(mean_nmb, se);
        let key = (a, &Outcome::ProbCostEffective, Contrast::Difference);
        let nan = f64::NAN;
        self.push(
            key,
            Some(draw),
            Method::MonteCarlo,
            (p, nan, nan),
            s.n,
            String::new(),
        );
        let key = (a, &Outcome::NetMonetaryBenefit, Contrast::Difference);
        self.record(key, draw, mean_nmb);
    }

    /// The rows across draws 1..K: every recorded estimate (in (arm, outcome name,
    /// contrast) order), then the ICER of each arm.
    fn add_across_draws(&mut self) {
        let per_draw = std::mem::take(&mut self.per_draw);
        for ((arm, _, contrast), (outcome, v)) in &per_draw {
            let mut s: Vec<f64> = v[1..].iter().copied().filter(|x| x.is_finite()).collect();
            s.sort_by(f64::total_cmp);
            if s.is_empty() {
                continue;
            }
            let a = self.arm_index(arm);
            let k = s.len() as u64;
            let nan = f64::NAN;
            let (outcome, values) = match outcome.kind() {
                Kind::NumberNeeded => (outcome.clone(), nnt_across(&s)),
                Kind::NetBenefit => {
                    let p = s.iter().filter(|x| **x > 0.0).count() as f64 / s.len() as f64;
                    (Outcome::ProbCostEffective, (p, nan, nan))
                }
                _ => {
                    let mean = s.iter().sum::<f64>() / s.len() as f64;
                    let range = (quantile(&s, 0.025), quantile(&s, 0.975));
                    (outcome.clone(), (mean, range.0, range.1))
                }
            };
            let key = (a, &outcome, *contrast);
            self.push(key, None, Method::AcrossDraws, values, k, String::new());
        }
        let others: Vec<usize> = (0..self.arms.len()).filter(|a| *a != self.base).collect();
        for a in others {
            let get = |o: Outcome| {
                let key = (self.arms[a].clone(), o.to_string(), Contrast::Difference);
                per_draw
                    .get(&key)
                    .map(|v| v.1[1..].to_vec())
                    .unwrap_or_default()
            };
            let pairs: Vec<(f64, f64)> = get(Outcome::Cost)
                .into_iter()
                .zip(get(Outcome::Qalys))
                .filter(|(c, q)| c.is_finite() && q.is_finite())
                .collect();
            if pairs.is_empty() {
                continue;
            }
            let (icer, note) = icer_across(&pairs);
            let key = (a, &Outcome::Icer, Contrast::Difference);
            let k = pairs.len() as u64;
            self.push(key, None, Method::AcrossDraws, icer, k, note);
        }
    }

    fn arm_index(&self, arm: &str) -> usize {
        self.arms
            .iter()
            .position(|a| a == arm)
            .expect("a recorded arm")
    }
}
