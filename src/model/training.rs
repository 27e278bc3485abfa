//! Resistance training: habitual training starts and stops; while training, ALM and
//! muscle quality rise toward a personal ceiling (faster with more sessions and protein,
//! slower with age); after stopping the gains decay (detraining).

use crate::params::Params;
use crate::rng;

/// Training stimulus of `sessions` per week relative to the reference dose (saturating).
#[inline]
pub fn dose(sessions: f64, p: &Params) -> f64 {
    if sessions <= 0.0 {
        return 0.0;
    }
    let f = |s: f64| s / (s + p.training_half_sessions);
    f(sessions) / f(p.training_reference_sessions)
}

/// Share of the training response left at `age`.
#[inline]
pub fn age_response(age: f64, p: &Params) -> f64 {
    1.0 / (1.0 + p.training_age_blunting * (age - 60.0).max(0.0))
}

/// Training-induced fraction after `dt_train` years of training with `stimulus` (dose ×
/// age × protein × intensity) and `dt_rest` years without: logistic approach to the
/// ceiling, exponential decay without training.
#[inline]
pub fn adapt(
    adapt: f64,
    ceiling: f64,
    stimulus: f64,
    gain_rate: f64,
    decay_rate: f64,
    dt_train: f64,
    dt_rest: f64,
) -> f64 {
    let mut a = adapt;
    if stimulus > 0.0 && dt_train > 0.0 && ceiling > 0.0 {
        // da/dt = g·s·(1 − a/ceiling), solved exactly over the step.
        let k = gain_rate * stimulus / ceiling;
        a = ceiling - (ceiling - a) * (-k * dt_train).exp();
    } else if a != 0.0 {
        a *= (-decay_rate * dt_train).exp();
    }
    if dt_rest == 0.0 || a == 0.0 {
        a // × exp(−0) = 1, or 0 × anything
    } else {
        a * (-decay_rate * dt_rest).exp()
    }
}

/// Yearly hazard of the habit switching: stopping while training, starting otherwise
/// (the hazards [`habit`] decides with).
#[inline]
pub fn habit_switch_rate(sessions: f64, p: &Params) -> f64 {
    if sessions > 0.0 {
        p.habit_stop_per_yr
    } else {
        p.habit_start_per_yr
    }
}

/// Sessions per week after the habit switches (what [`habit`] returns when it occurs).
#[inline]
pub fn habit_switched(sessions: f64, p: &Params) -> f64 {
    if sessions > 0.0 {
        0.0
    } else {
        p.habit_sessions
    }
}

/// Habitual training after this step decided with one uniform (the per-step draw; the
/// step decides the same switch with an exponential clock, `rng::Clock`).
#[inline]
pub fn habit(sessions: f64, u: f64, dt: f64, p: &Params) -> f64 {
    if sessions > 0.0 {
        if rng::occurs(u, p.habit_stop_per_yr * dt) {
            0.0
        } else {
            sessions
        }
    } else if rng::occurs(u, p.habit_start_per_yr * dt) {
        p.habit_sessions
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gains_saturate_at_the_ceiling_and_decay_after() {
        let mut a = 0.0;
        for _ in 0..600 {
            a = adapt(a, 0.12, 1.0, 0.08, 1.2, 1.0 / 12.0, 0.0);
        }
        assert!((a - 0.12).abs() < 1e-3, "{a}");
        let after = adapt(a, 0.12, 0.0, 0.08, 1.2, 0.5, 0.0);
        assert!(after < 0.7 * a);
    }

    #[test]
    fn more_sessions_more_stimulus_with_diminishing_returns() {
        let p = Params::central();
        assert_eq!(dose(0.0, &p), 0.0);
        assert!((dose(3.0, &p) - 1.0).abs() < 1e-12);
        assert!(dose(2.0, &p) < dose(3.0, &p) && dose(6.0, &p) < 2.0 * dose(3.0, &p));
    }
}
