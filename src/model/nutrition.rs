//! Protein: habitual intake (falling slowly with age) feeds synthesis with a saturating
//! response that weakens with age (anabolic resistance), and sharpens the response to
//! training.

use super::Modifiers;
use crate::params::Params;

/// Intake after interventions: raised to a target, plus any supplement, g/kg/d.
#[inline]
pub fn effective_intake(habitual: f64, m: &Modifiers) -> f64 {
    habitual.max(m.protein_target) + m.protein_add
}

/// Share of the young response left at `age`: 1 / (1 + k·(age − 60)⁺).
#[inline]
pub fn anabolic_response(age: f64, p: &Params) -> f64 {
    1.0 / (1.0 + p.anabolic_resistance * (age - 60.0).max(0.0))
}

/// The share of the age-related loss of muscle that protein relieves: linear from the
/// reference intake up to the plateau (negative below the reference: more loss), at most
/// the whole loss. Protein slows a loss in proportion to it (Houston 2008: the highest
/// quintile of intake lost about 40 % less lean mass than the lowest); it adds nothing
/// where there is no loss to slow.
#[inline]
pub fn relief(intake: f64, age: f64, p: &Params) -> f64 {
    (p.protein_effect
        * anabolic_response(age, p)
        * (intake.min(p.protein_plateau) - p.protein_reference))
        .min(1.0)
}

/// Multiplier of the training stimulus by protein (Morton 2018): more protein, more gain,
/// up to the plateau, shrinking with age.
#[inline]
pub fn training_factor(intake: f64, age: f64, p: &Params) -> f64 {
    (1.0 + p.protein_training_synergy
        * anabolic_response(age, p)
        * (intake.min(p.protein_plateau) - 1.0))
        .max(0.0)
}

/// Habitual intake after `dt` years: falls past 70, never below 0.3 g/kg/d.
#[inline]
pub fn drift(habitual: f64, age: f64, dt: f64, p: &Params) -> f64 {
    if age > 70.0 {
        (habitual - p.protein_drift * dt).max(0.3)
    } else {
        habitual
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protein_saturates_at_the_plateau() {
        let p = Params::central();
        let t = |i| relief(i, 70.0, &p);
        assert!(t(1.2) > t(0.8) && t(0.8).abs() < 1e-12 && t(0.6) < 0.0);
        assert_eq!(t(2.0), t(1.62));
    }

    #[test]
    fn older_people_respond_less() {
        let p = Params::central();
        assert!(relief(1.2, 80.0, &p) < relief(1.2, 60.0, &p));
        let r70 = anabolic_response(70.0, &p);
        assert!(
            (r70 - 0.84).abs() < 0.01,
            "Wall 2015: 16 % lower, got {r70}"
        );
    }
}
