//! A person's strength fluctuates about their own level over years: the log of grip
//! carries a deviation `u`, an Ornstein-Uhlenbeck process with stationary SD `d` and
//! correlation time `τ` (`quality.fluctuation_years`), drawn from its stationary law at
//! the start (the cohort stream's last draw) and moved by one normal of its own stream each step.
//!
//! Why: grip tracks far less than the model's permanent levels would make it — r = 0.557
//! over 27 years in the Honolulu Heart Program (Rantanen 1998 J Appl Physiol 85:2047) and
//! ≈ 0.67 over 9 years in Health ABC — while grip's test-retest reliability is 0.95-0.98
//! and the cross-sectional spread of ALM and grip does not widen with age, so the
//! divergence is a real, mean-reverting one, not a permanent random slope
//! (docs/validation.md, "Spread of within-person change").
//!
//! The cross-sectional spread of grip per kg ALM (`population.quality_sd`) is shared: the
//! share `f` (`quality.fluctuation_share`) of its variance fluctuates and the rest is the
//! person's permanent level, so `d = √f · quality_sd / mean at 65` on the log scale.

use super::Person;
use crate::params::Params;

/// Stationary SD of the deviation of log grip.
pub fn sd_log(female: bool, p: &Params) -> f64 {
    let mean = if female {
        p.quality_mean_65_f
    } else {
        p.quality_mean_65_m
    };
    p.quality_fluctuation_share.sqrt() * p.quality_sd / mean
}

/// SD of a person's permanent grip per kg ALM about the mean of their age and sex.
pub fn permanent_sd(p: &Params) -> f64 {
    (1.0 - p.quality_fluctuation_share).sqrt() * p.quality_sd
}

/// Sets the deviation at the start from a standard normal `z`: the stationary law.
pub fn start(person: &mut Person, z: f64, p: &Params) {
    set(person, sd_log(person.female, p) * z);
}

fn set(person: &mut Person, u: f64) {
    person.strength_deviation = u;
    person.strength_factor = u.exp();
}

/// The exact transition of the deviation over one step, precomputed per sex.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fluctuation {
    /// `e^(−dt/τ)`: the share of the deviation kept over a step.
    keep: f64,
    /// `d · √(1 − keep²)` for men and women: the SD of a step's innovation.
    innovation: [f64; 2],
}

impl Fluctuation {
    pub fn new(dt: f64, p: &Params) -> Self {
        let keep = (-dt / p.quality_fluctuation_years).exp();
        let scale = (1.0 - keep * keep).sqrt();
        Self {
            keep,
            innovation: [false, true].map(|female| sd_log(female, p) * scale),
        }
    }

    /// The deviation `u` one step later, with the standard normal `z`.
    #[inline]
    pub fn next(&self, u: f64, female: bool, z: f64) -> f64 {
        u * self.keep + self.innovation[usize::from(female)] * z
    }

    /// Moves the person's deviation over one step with the standard normal `z`.
    #[inline]
    pub fn advance(&self, person: &mut Person, z: f64) {
        set(
            person,
            self.next(person.strength_deviation, person.female, z),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::person::tests::adult;
    use crate::rng::{self, Process};
    use rand::Rng;
    use rand_distr::StandardNormal;

    fn params() -> Params {
        Params::central()
    }

    #[test]
    fn the_spread_is_shared_between_permanent_level_and_deviation() {
        let p = params();
        for female in [false, true] {
            let mean = if female {
                p.quality_mean_65_f
            } else {
                p.quality_mean_65_m
            };
            let total = (permanent_sd(&p) / mean).powi(2) + sd_log(female, &p).powi(2);
            assert!((total.sqrt() - p.quality_sd / mean).abs() < 1e-12);
        }
    }

    /// The correlation of the deviation `T` years apart is `e^(−T/τ)` and its SD stays
    /// `d`, stepped monthly from the stationary law.
    #[test]
    fn the_deviation_is_stationary_and_forgets_at_its_correlation_time() {
        let p = params();
        let dt = 1.0 / 12.0;
        let f = Fluctuation::new(dt, &p);
        let d = sd_log(false, &p);
        let years = 9;
        let (mut s0, mut s1, mut s01, mut s11) = (0.0, 0.0, 0.0, 0.0);
        let n = 20_000;
        for id in 0..n {
            let mut r = rng::stream(11, 0, id, Process::Sampling);
            let mut person = adult(false);
            start(&mut person, r.sample(StandardNormal), &p);
            let u0 = person.strength_deviation;
            for _ in 0..years * 12 {
                f.advance(&mut person, r.sample(StandardNormal));
            }
            let u1 = person.strength_deviation;
            assert_eq!(person.strength_factor, u1.exp());
            (s0, s1, s01, s11) = (s0 + u0 * u0, s1 + u1, s01 + u0 * u1, s11 + u1 * u1);
        }
        let n = n as f64;
        let sd1 = (s11 / n - (s1 / n).powi(2)).sqrt();
        assert!(
            (sd1 / d - 1.0).abs() < 0.03,
            "SD after {years} years {sd1} vs {d}"
        );
        let r = s01 / n / (s0 / n);
        let expected = (-f64::from(years) / p.quality_fluctuation_years).exp();
        assert!((r - expected).abs() < 0.03, "correlation {r} vs {expected}");
    }

    #[test]
    fn no_share_no_fluctuation() {
        let mut p = params();
        p.quality_fluctuation_share = 0.0;
        let mut person = adult(true);
        start(&mut person, 2.0, &p);
        Fluctuation::new(1.0 / 12.0, &p).advance(&mut person, -3.0);
        assert_eq!(person.strength_factor, 1.0);
        assert_eq!(permanent_sd(&p), p.quality_sd);
    }
}
