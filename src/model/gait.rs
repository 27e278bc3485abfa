//! Gait as a population quantity: the healthy-volunteer law slowed by every chronic
//! condition a person has, the model's five and the others.
//!
//! Habitual gait speed = the sex's norm at 65 (Bohannon 2011, healthy volunteers) moved by
//! grip and by age after 75, less `gait.per_condition` for each chronic condition (Ortiz
//! 2018, Geriatr Gerontol Int 18:293: 0.24 m/s slower with three or more than with none),
//! plus the person's own offset. Populations carry many chronic conditions the model does
//! not follow one by one (hypertension, arthritis, depression, …): 62 % of US Medicare
//! beneficiaries aged 65-74 and 81.5 % of those ≥ 85 had two or more of 15 (Salive 2013,
//! Epidemiol Rev 35:75). Their number is Poisson across persons with a mean that rises
//! log-linearly with age; each person holds a fixed rank `morbidity` in that distribution
//! (a uniform from its own stream), so their count is the rank's quantile at each age: it
//! never falls, and persons keep their order.

use super::life_table::MAX_AGE;
use crate::params::Params;

/// Cells per year of age of the table of the Poisson mean (a month).
const CELLS_PER_YEAR: f64 = 12.0;
const CELLS: usize = (MAX_AGE + 1) * CELLS_PER_YEAR as usize;
/// Counts above this are not told apart (the Poisson tail beyond it is negligible).
pub const MAX_OTHER: u32 = 15;

/// The mean number of other chronic conditions by month of age and its `e^(−mean)`,
/// tabulated once per parameter draw (the step reads it for every person).
#[derive(Clone, Debug, PartialEq)]
pub struct Morbidity {
    mean: Vec<(f64, f64)>,
}

impl Morbidity {
    pub fn new(p: &Params) -> Self {
        let mean = (0..CELLS)
            .map(|i| {
                let age = (i as f64 + 0.5) / CELLS_PER_YEAR;
                let m = mean_other(age, p);
                (m, (-m).exp())
            })
            .collect();
        Self { mean }
    }

    /// The number of other chronic conditions of a person of this rank at this age: the
    /// `rank` quantile of a Poisson distribution with the age's mean.
    #[inline]
    pub fn count(&self, age: f64, rank: f64) -> u32 {
        // Via i32: a float→usize cast is a dozen instructions on x86-64, and ages fit.
        let i = ((age * CELLS_PER_YEAR) as i32).clamp(0, CELLS as i32 - 1) as usize;
        let (m, p0) = self.mean[i];
        poisson_quantile(m, p0, rank)
    }
}

/// Mean number of chronic conditions other than the model's five at this age.
pub fn mean_other(age: f64, p: &Params) -> f64 {
    p.other_conditions_70 * (p.other_conditions_slope * (age - 70.0)).exp()
}

/// The smallest k with P(N ≤ k) > u for N ~ Poisson(mean), given `p0 = e^(−mean)`.
#[inline]
fn poisson_quantile(mean: f64, p0: f64, u: f64) -> u32 {
    let (mut k, mut pk, mut cdf) = (0u32, p0, p0);
    while u >= cdf && k < MAX_OTHER {
        k += 1;
        pk *= mean / f64::from(k);
        cdf += pk;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quantiles_are_poisson_and_rise_with_age() {
        let p = Params::central();
        let m = Morbidity::new(&p);
        let n = 20_000;
        let at = |age: f64| {
            (0..n)
                .map(|i| m.count(age, (i as f64 + 0.5) / n as f64))
                .collect::<Vec<_>>()
        };
        let (c70, c88) = (at(70.0), at(88.0));
        let mean = |c: &[u32]| c.iter().map(|&k| f64::from(k)).sum::<f64>() / c.len() as f64;
        // Cell mid-month: the mean at 70 + 1/24 year.
        assert!((mean(&c70) - mean_other(70.0 + 1.0 / 24.0, &p)).abs() < 0.01);
        let none = c70.iter().filter(|&&k| k == 0).count() as f64 / n as f64;
        assert!(
            (none - (-mean_other(70.04, &p)).exp()).abs() < 0.01,
            "P(0) {none}"
        );
        assert!(mean(&c88) > mean(&c70) + 0.4);
        assert!(
            c70.iter().zip(&c88).all(|(a, b)| b >= a),
            "a person's count never falls"
        );
    }
}
