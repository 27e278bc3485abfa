//! Muscle protein balance: synthesis (MPS) and breakdown (MPB) as fractional rates, each
//! the basal turnover times its modifiers; their difference moves ALM.
//!
//! Basal turnover is ≈1.8 %/day (Symons 2011) while net loss is ≈1 %/yr, so every
//! modifier is a small shift of one rate; the shifts are set from observed trajectories.
//!
//! Homeostasis: without an anabolic stimulus (training acts through its own adaptation,
//! hormone therapies through `therapy`) the habitual balance cannot build muscle: its net
//! is at most 0. Adults keep their muscle mass and grip on a plateau to midlife (Janssen
//! 2000 J Appl Physiol 89:81; Dodds 2014 PLoS One 9:e113637: peak grip held from about 30
//! to 40), whatever their habitual protein; protein above the reference only slows a loss.

use super::{hormones, illness, nutrition, Modifiers, Person};
use crate::params::Params;
use crate::time::DAYS_PER_YEAR;

/// Synthesis and breakdown outside bed, per year, and the anabolic drive of a hormone
/// therapy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rates {
    pub mps: f64,
    pub mpb: f64,
    /// Net synthesis added by a hormone therapy (`Modifiers::hormone_anabolic`), 1/yr.
    pub therapy: f64,
}

impl Rates {
    /// Net balance: the habitual balance capped at 0 (homeostasis, module docs) plus the
    /// therapy's drive.
    pub fn net(&self) -> f64 {
        (self.mps - self.mpb).min(0.0) + self.therapy
    }
}

/// Shape of every age-related rate: 0 before onset, 1 at 75, `x^γ` in between and after,
/// with `x = (age − onset) / (75 − onset)` and `γ = muscle.age_loss_shape` (1 = linear rise,
/// < 1 = a rise that slows in late life).
#[inline]
pub fn age_shape(age: f64, p: &Params) -> f64 {
    let x = ((age - p.age_loss_onset) / (75.0 - p.age_loss_onset)).max(0.0);
    if x == 0.0 {
        0.0
    } else {
        x.powf(p.age_loss_shape)
    }
}

/// Integral of [`age_shape`] from onset to `age`, years.
#[inline]
pub fn cumulative_age_shape(age: f64, p: &Params) -> f64 {
    let span = 75.0 - p.age_loss_onset;
    let x = ((age - p.age_loss_onset) / span).max(0.0);
    span * x.powf(p.age_loss_shape + 1.0) / (p.age_loss_shape + 1.0)
}

/// The age-related excess of breakdown, 1/yr: zero until onset, then `at75 · shape(age)`.
#[inline]
pub fn age_loss(age: f64, female: bool, p: &Params) -> f64 {
    let at75 = if female {
        p.age_loss_75_f
    } else {
        p.age_loss_75_m
    };
    at75 * age_shape(age, p)
}

/// The yearly fall of muscle quality (grip per kg ALM) with age, same shape.
#[inline]
pub fn quality_loss(age: f64, female: bool, p: &Params) -> f64 {
    let at75 = if female {
        p.quality_loss_75_f
    } else {
        p.quality_loss_75_m
    };
    at75 * age_shape(age, p)
}

/// Rates out of bed for this person with these modifiers.
#[inline]
pub fn rates(person: &Person, m: &Modifiers, p: &Params) -> Rates {
    rates_with_shape(person, m, p, age_shape(person.age, p))
}

/// [`rates`] given `shape = age_shape(person.age, p)` (which the step also needs for the
/// quality loss: one `powf` per step instead of two).
#[inline]
pub fn rates_with_shape(person: &Person, m: &Modifiers, p: &Params, shape: f64) -> Rates {
    let at75 = if person.female {
        p.age_loss_75_f
    } else {
        p.age_loss_75_m
    };
    let k0 = p.basal_turnover * DAYS_PER_YEAR;
    let intake = nutrition::effective_intake(person.protein, m);
    let anabolic =
        nutrition::synthesis_term(intake, person.age, p) + hormones::synthesis_term(person, p);
    // = age_loss(person.age, person.female, p) + …
    let catabolic = at75 * shape + illness::breakdown_term(person.conditions, p);
    Rates {
        mps: k0 + anabolic,
        mpb: k0 + catabolic,
        therapy: m.hormone_anabolic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn habitual_balance_never_builds_muscle_but_a_therapy_does() {
        let p = Params::central();
        let r = Rates {
            mps: 1.0,
            mpb: 0.9,
            therapy: 0.0,
        };
        assert_eq!(
            r.net(),
            0.0,
            "protein above the reference does not grow muscle"
        );
        assert!((Rates { mpb: 1.1, ..r }.net() + 0.1).abs() < 1e-12);
        assert!((Rates { therapy: 0.02, ..r }.net() - 0.02).abs() < 1e-12);
        let _ = p;
    }

    #[test]
    fn no_age_loss_before_onset_and_more_after() {
        let p = Params::central();
        assert_eq!(age_loss(40.0, false, &p), 0.0);
        assert!(age_loss(85.0, false, &p) > age_loss(75.0, false, &p));
        assert!(
            age_loss(75.0, true, &p) < age_loss(75.0, false, &p),
            "women lose more slowly"
        );
    }
}
