//! The Monte Carlo precision of a tornado bar. With common random numbers the low and high
//! runs hold the same persons, so the spread of an outcome that is a mean over persons
//! started (QALYs, cost, life-years, deaths, …) is itself a mean of per-person
//! differences, and its standard error comes from those differences: for an arm against
//! the baseline, dᵢ = (armᵢ − baseᵢ)|high − (armᵢ − baseᵢ)|low; for an arm's own level,
//! dᵢ = armᵢ|high − armᵢ|low. A bar narrower than its 95 % half-width is not told apart
//! from Monte Carlo noise at the run's population. Outcomes among survivors, ratios of
//! differences (the ICER) and numbers needed to treat have no such interval here.

use crate::compare::outcome::{Metric, Outcome};
use crate::compare::read::{self, Setup, SLICE_ROWS};
use crate::compare::stats::Z95;
use crate::compare::{build, Contrast};
use crate::error::{Error, Result};
use std::path::Path;

/// Per-person values of the per-person outcomes of one run's draw 0, by arm.
pub struct PerPerson {
    pub arms: Vec<String>,
    pub baseline: usize,
    pub outcomes: Vec<Outcome>,
    ids: Vec<u64>,
    /// `[arm][outcome][person]`, scaled as the comparison reports the outcome.
    values: Vec<Vec<Vec<f64>>>,
}

/// The outcomes that are means over persons started, with their columns.
fn per_person(setup: &Setup) -> Vec<(Outcome, Metric)> {
    Outcome::ratios(&setup.checkpoints)
        .into_iter()
        .filter_map(|o| o.metric().filter(|m| m.den.is_none()).map(|m| (o, m)))
        .collect()
}

impl PerPerson {
    /// Reads draw 0 of the results directory `dir`.
    pub fn read(dir: &Path) -> Result<PerPerson> {
        let results = crate::report::load(dir)?;
        let setup = Setup::read(&results)?;
        let arms = results.manifest.arms.clone();
        let name = build::baseline(&arms);
        let baseline = arms.iter().position(|a| *a == name).unwrap_or(0);
        let chosen = per_person(&setup);
        let mut values = vec![vec![Vec::new(); chosen.len()]; arms.len()];
        let mut ids = Vec::new();
        read::stream_draw(
            dir,
            (&arms, baseline),
            0,
            &setup.checkpoints,
            SLICE_ROWS,
            &mut |tables| {
                ids.extend_from_slice(&tables[baseline].ids);
                for (a, t) in tables.iter().enumerate() {
                    for (k, (_, m)) in chosen.iter().enumerate() {
                        values[a][k].extend(t.at(m.num).iter().map(|v| v * m.scale));
                    }
                }
            },
        )?;
        Ok(PerPerson {
            arms,
            baseline,
            outcomes: chosen.into_iter().map(|(o, _)| o).collect(),
            ids,
            values,
        })
    }

    fn column(&self, arm: &str, outcome: &Outcome) -> Option<&[f64]> {
        let a = self.arms.iter().position(|x| x == arm)?;
        let k = self.outcomes.iter().position(|o| o == outcome)?;
        Some(&self.values[a][k])
    }
}

/// The 95 % Monte Carlo half-width of the spread `high − low` of `outcome` for `arm`
/// (`None` where the outcome is not a mean over persons started). The two runs must hold
/// the same persons in the same order.
pub fn half_width(
    low: &PerPerson,
    high: &PerPerson,
    arm: &str,
    outcome: &Outcome,
    contrast: Contrast,
) -> Result<Option<f64>> {
    if low.ids != high.ids {
        return Err(Error::Results(
            "the low and high runs of a factor hold different persons: common random numbers are broken".into(),
        ));
    }
    let base = &low.arms[low.baseline];
    let (Some(al), Some(ah)) = (low.column(arm, outcome), high.column(arm, outcome)) else {
        return Ok(None);
    };
    let d: Vec<f64> = match contrast {
        Contrast::Level => al.iter().zip(ah).map(|(l, h)| h - l).collect(),
        Contrast::Difference => {
            let (Some(bl), Some(bh)) = (low.column(base, outcome), high.column(base, outcome))
            else {
                return Ok(None);
            };
            (0..al.len())
                .map(|i| (ah[i] - bh[i]) - (al[i] - bl[i]))
                .collect()
        }
    };
    Ok(standard_error(&d).map(|se| Z95 * se))
}

/// The standard error of the mean of `d` (`None` with fewer than two values).
fn standard_error(d: &[f64]) -> Option<f64> {
    let n = d.len() as f64;
    if d.len() < 2 {
        return None;
    }
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((var / n).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(ids: Vec<u64>, arm: Vec<f64>, base: Vec<f64>) -> PerPerson {
        PerPerson {
            arms: vec!["baseline".into(), "a".into()],
            baseline: 0,
            outcomes: vec![Outcome::Qalys],
            ids,
            values: vec![vec![base], vec![arm]],
        }
    }

    #[test]
    fn the_half_width_is_that_of_the_paired_double_difference() {
        let lo = run(vec![1, 2, 3, 4], vec![1.0, 2.0, 3.0, 4.0], vec![0.0; 4]);
        let hi = run(
            vec![1, 2, 3, 4],
            vec![1.0, 2.0, 3.0, 6.0],
            vec![0.0, 0.0, 0.0, 1.0],
        );
        // d = 0, 0, 0, 1: mean 0.25, sd 0.5, se 0.25.
        let h = half_width(&lo, &hi, "a", &Outcome::Qalys, Contrast::Difference)
            .unwrap()
            .unwrap();
        assert!((h - Z95 * 0.25).abs() < 1e-12, "{h}");
        // Levels: d = 0, 0, 0, 2.
        let h = half_width(&lo, &hi, "a", &Outcome::Qalys, Contrast::Level)
            .unwrap()
            .unwrap();
        assert!((h - Z95 * 0.5).abs() < 1e-12, "{h}");
        // A shift common to every person has no noise.
        let shifted = run(vec![1, 2, 3, 4], vec![2.0, 3.0, 4.0, 5.0], vec![0.0; 4]);
        let h = half_width(&lo, &shifted, "a", &Outcome::Qalys, Contrast::Level);
        assert_eq!(h.unwrap(), Some(0.0));
        assert_eq!(
            half_width(&lo, &hi, "a", &Outcome::Icer, Contrast::Difference).unwrap(),
            None
        );
        let other = run(vec![1, 2, 3, 5], vec![0.0; 4], vec![0.0; 4]);
        assert!(half_width(&lo, &other, "a", &Outcome::Qalys, Contrast::Level).is_err());
    }
}
