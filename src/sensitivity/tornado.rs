//! Tornado data of a one-way sensitivity analysis: for every arm, outcome and contrast of
//! the comparison (draw 0), each factor's outcome at its low and high value and the
//! spread between them, the factors sorted by spread (widest first).
//!
//! Files in the analysis directory: `tornado.parquet` (every bar; schema [`FORMAT`] in the
//! file's key-value metadata under `sarcosim.schema`), `tornado.csv` (the same columns),
//! `tornado.txt` (the headline tables), `sensitivity.json` (the design and the runs),
//! `tornado.html` and `charts/tornado-ARM-OUTCOME.svg` (the diagrams, [`super::charts`]).

use super::noise::{self, PerPerson};
use super::{Factor, RunRecord};
use crate::compare::export::csv::{self, record};
use crate::compare::export::tables::number;
use crate::compare::{Comparison, Contrast, Outcome};
use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::scenario::Scenario;
use polars::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// The schema version of `tornado.parquet` and `tornado.csv`.
pub const FORMAT: &str = "sarcosim-tornado/2";
/// The files, named once.
pub const PARQUET: &str = "tornado.parquet";
pub const CSV: &str = "tornado.csv";
pub const TEXT: &str = "tornado.txt";
pub const DESIGN: &str = "sensitivity.json";
pub const HTML: &str = "tornado.html";
/// The folder of the diagrams as SVG files.
pub const CHARTS: &str = "charts";
/// Bars per table in `tornado.txt`.
pub const SHOWN: usize = 10;

/// One bar: a factor's effect on one arm's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub arm: String,
    pub baseline: String,
    pub outcome: Outcome,
    pub unit: &'static str,
    pub contrast: Contrast,
    pub factor: String,
    pub low_value: f64,
    pub high_value: f64,
    pub central_value: Option<f64>,
    /// The outcome in the central run and with the factor low and high.
    pub central: Option<f64>,
    pub at_low: Option<f64>,
    pub at_high: Option<f64>,
    /// |at_high − at_low|; `None` when either is undefined.
    pub spread: Option<f64>,
    /// The 95 % Monte Carlo half-width of `at_high − at_low` from the persons' paired
    /// differences ([`super::noise`]); `None` where the outcome has none.
    pub spread_mc95: Option<f64>,
    /// 1 for the widest bar of its arm, outcome and contrast.
    pub rank: u32,
}

/// The analysis: its design, runs and bars.
#[derive(Clone, Debug, Serialize)]
pub struct Tornado {
    pub format: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub population: u64,
    pub settings: Vec<String>,
    pub factors: Vec<Factor>,
    pub runs: Vec<RunRecord>,
    #[serde(skip)]
    pub bars: Vec<Bar>,
}

impl Tornado {
    /// The bars from the comparisons: `comparisons[0]` central, then each factor's low
    /// and high run.
    pub fn build(
        central: &Scenario,
        factors: &[Factor],
        comparisons: &[Comparison],
        runs: Vec<RunRecord>,
    ) -> Result<Tornado> {
        if comparisons.len() != 1 + 2 * factors.len() {
            return Err(Error::Other("a run of the analysis is missing".into()));
        }
        let mut bars = Vec::new();
        let mut seen = Vec::new();
        for r in comparisons[0].rows.iter() {
            let key = (r.arm.clone(), r.outcome.clone(), r.contrast);
            if r.draw != Some(0) || seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let at = |c: &Comparison| {
                c.find(&r.arm, &r.outcome, r.contrast, false)
                    .and_then(|x| x.estimate)
            };
            let mut group: Vec<Bar> = factors
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let (lo, hi) = (at(&comparisons[1 + 2 * i]), at(&comparisons[2 + 2 * i]));
                    Bar {
                        arm: r.arm.clone(),
                        baseline: r.baseline.clone(),
                        outcome: r.outcome.clone(),
                        unit: r.unit,
                        contrast: r.contrast,
                        factor: f.name.clone(),
                        low_value: f.low,
                        high_value: f.high,
                        central_value: f.central,
                        central: r.estimate,
                        at_low: lo,
                        at_high: hi,
                        spread: lo.zip(hi).map(|(l, h)| (h - l).abs()),
                        spread_mc95: None,
                        rank: 0,
                    }
                })
                .collect();
            sort_group(&mut group);
            bars.extend(group);
        }
        Ok(Tornado {
            format: FORMAT,
            scenario: central.name.clone(),
            seed: central.seed,
            population: central.population,
            settings: central.settings.clone(),
            factors: factors.to_vec(),
            runs,
            bars,
        })
    }

    /// Sets the Monte Carlo half-width of every bar of `factor` from its low and high runs.
    pub fn add_noise(&mut self, factor: &str, low: &PerPerson, high: &PerPerson) -> Result<()> {
        for b in self.bars.iter_mut().filter(|b| b.factor == factor) {
            b.spread_mc95 = noise::half_width(low, high, &b.arm, &b.outcome, b.contrast)?;
        }
        Ok(())
    }

    /// The bars of one arm, outcome and contrast, widest first.
    pub fn group(&self, arm: &str, outcome: &Outcome, contrast: Contrast) -> Vec<&Bar> {
        self.bars
            .iter()
            .filter(|b| b.arm == arm && b.outcome == *outcome && b.contrast == contrast)
            .collect()
    }

    /// Writes the four files into `dir` (each atomically).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Other(format!("the design as JSON: {e}")))?;
        write_atomic(&dir.join(DESIGN), format!("{json}\n").as_bytes())?;
        write_atomic(&dir.join(PARQUET), &self.parquet()?)?;
        write_atomic(&dir.join(CSV), self.csv().as_bytes())?;
        write_atomic(&dir.join(TEXT), self.text().as_bytes())?;
        for (id, svg) in super::charts::charts(self) {
            write_atomic(&dir.join(CHARTS).join(format!("{id}.svg")), svg.as_bytes())?;
        }
        write_atomic(&dir.join(HTML), super::charts::page(self).as_bytes())
    }

    /// The bars as a DataFrame (the schema of `tornado.parquet`).
    pub fn frame(&self) -> Result<DataFrame> {
        let b = &self.bars;
        let n = b.len();
        let s = |f: &dyn Fn(&Bar) -> String| -> Vec<String> { b.iter().map(f).collect() };
        let x = |f: &dyn Fn(&Bar) -> f64| -> Vec<f64> { b.iter().map(f).collect() };
        let o = |f: &dyn Fn(&Bar) -> Option<f64>| -> Vec<Option<f64>> { b.iter().map(f).collect() };
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("scenario".into(), vec![self.scenario.clone(); n]),
                Column::new("seed".into(), vec![self.seed; n]),
                Column::new("population".into(), vec![self.population; n]),
                Column::new("arm".into(), s(&|r| r.arm.clone())),
                Column::new("baseline".into(), s(&|r| r.baseline.clone())),
                Column::new("outcome".into(), s(&|r| r.outcome.to_string())),
                Column::new("unit".into(), s(&|r| r.unit.to_string())),
                Column::new("contrast".into(), s(&|r| r.contrast.name().to_string())),
                Column::new("factor".into(), s(&|r| r.factor.clone())),
                Column::new("low_value".into(), x(&|r| r.low_value)),
                Column::new("high_value".into(), x(&|r| r.high_value)),
                Column::new("central_value".into(), o(&|r| r.central_value)),
                Column::new("central".into(), o(&|r| r.central)),
                Column::new("at_low".into(), o(&|r| r.at_low)),
                Column::new("at_high".into(), o(&|r| r.at_high)),
                Column::new("spread".into(), o(&|r| r.spread)),
                Column::new("spread_mc95".into(), o(&|r| r.spread_mc95)),
                Column::new("rank".into(), b.iter().map(|r| r.rank).collect::<Vec<_>>()),
            ],
        )?)
    }

    fn parquet(&self) -> Result<Vec<u8>> {
        crate::output::table_file::parquet_bytes(&mut self.frame()?, FORMAT, &[])
    }

    /// Every bar, the columns of `tornado.parquet`.
    pub fn csv(&self) -> String {
        let df = self.frame().expect("columns of equal length");
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        let mut out = record(names);
        for b in &self.bars {
            out.push_str(&record([
                self.scenario.clone(),
                self.seed.to_string(),
                self.population.to_string(),
                b.arm.clone(),
                b.baseline.clone(),
                b.outcome.to_string(),
                b.unit.to_string(),
                b.contrast.name().to_string(),
                b.factor.clone(),
                b.low_value.to_string(),
                b.high_value.to_string(),
                csv::number(b.central_value),
                csv::number(b.central),
                csv::number(b.at_low),
                csv::number(b.at_high),
                csv::number(b.spread),
                csv::number(b.spread_mc95),
                b.rank.to_string(),
            ]));
        }
        out
    }

    /// The headline tables: for each arm against the baseline, the differences in QALYs,
    /// cost and the ICER, the [`SHOWN`] widest bars each.
    pub fn text(&self) -> String {
        let mut out = format!(
            "one-way sensitivity of {} · seed {} · {} persons per arm · {} factors at their low and high values · common random numbers (draw 0)\n",
            self.scenario,
            self.seed,
            self.population,
            self.factors.len()
        );
        if !self.settings.is_empty() {
            let _ = writeln!(out, "what-if --set {}", self.settings.join(" --set "));
        }
        let arms: Vec<&str> = self
            .bars
            .iter()
            .filter(|b| b.contrast == Contrast::Difference)
            .map(|b| b.arm.as_str())
            .fold(Vec::new(), |mut v, a| {
                if !v.contains(&a) {
                    v.push(a);
                }
                v
            });
        out.push_str("±MC95: the 95 % Monte Carlo half-width of a bar from the persons' paired differences; (noise): the bar is within it at this population\n");
        for arm in arms {
            for outcome in [Outcome::Qalys, Outcome::Cost, Outcome::Icer] {
                let group = self.group(arm, &outcome, Contrast::Difference);
                if let Some(first) = group.first() {
                    out.push_str(&table(&group, first));
                }
            }
        }
        out
    }
}

/// One headline table.
fn table(group: &[&Bar], first: &Bar) -> String {
    let f = |v: Option<f64>| v.map_or("-".to_string(), number);
    let mut out = format!(
        "\n== {} − {}: {} ({}) · central {} ==\n",
        first.arm,
        first.baseline,
        first.outcome,
        first.unit,
        f(first.central)
    );
    let header: Vec<String> = [
        "rank", "factor", "low", "high", "at low", "at high", "spread", "±MC95",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let rows: Vec<Vec<String>> = group
        .iter()
        .take(SHOWN)
        .map(|b| {
            vec![
                b.rank.to_string(),
                b.factor.clone(),
                number(b.low_value),
                number(b.high_value),
                f(b.at_low),
                f(b.at_high),
                f(b.spread),
                match (b.spread, b.spread_mc95) {
                    (Some(s), Some(h)) if s <= h => format!("{} (noise)", f(Some(h))),
                    (_, h) => f(h),
                },
            ]
        })
        .collect();
    out.push_str(&crate::table::aligned(&header, &rows, 2));
    out
}

/// Widest spread first; undefined spreads last; ties by the factor's name. Ranks from 1.
pub fn sort_group(group: &mut [Bar]) {
    group.sort_by(|a, b| {
        let key = |x: &Bar| x.spread.map_or(f64::NEG_INFINITY, |s| s);
        key(b)
            .total_cmp(&key(a))
            .then_with(|| a.factor.cmp(&b.factor))
    });
    for (i, b) in group.iter_mut().enumerate() {
        b.rank = i as u32 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(factor: &str, spread: Option<f64>) -> Bar {
        Bar {
            arm: "a".into(),
            baseline: "b".into(),
            outcome: Outcome::Qalys,
            unit: "QALY",
            contrast: Contrast::Difference,
            factor: factor.into(),
            low_value: 0.0,
            high_value: 1.0,
            central_value: None,
            central: Some(0.0),
            at_low: spread.map(|_| 0.0),
            at_high: spread,
            spread,
            spread_mc95: None,
            rank: 0,
        }
    }

    #[test]
    fn widest_first_undefined_last_ties_by_name() {
        let mut g = vec![
            bar("c", Some(0.1)),
            bar("u", None),
            bar("z", Some(0.5)),
            bar("a", Some(0.1)),
            bar("m", Some(0.0)),
        ];
        sort_group(&mut g);
        let order: Vec<(&str, u32)> = g.iter().map(|b| (b.factor.as_str(), b.rank)).collect();
        assert_eq!(order, [("z", 1), ("a", 2), ("c", 3), ("m", 4), ("u", 5)]);
    }
}
