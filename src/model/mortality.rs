//! Mortality: the life table's force of mortality, rescaled so that a reference
//! population simulated with the full model follows the table, times each person's
//! hazard ratios (sarcopenia or low grip, and chronic conditions).
//!
//! Laying hazard ratios on a life table double-counts unless the baseline is divided by
//! the mean hazard ratio of the population the table describes. That mean depends on
//! the model itself (who becomes sarcopenic, who falls ill, who survives), so it is
//! measured: `crate::reference::calibrate` (above the model: it samples and lives a
//! population) steps a reference population of 50-year-olds to 110 in lockstep and, at
//! the start of each year of age, sets the scale to 1 / mean HR of the survivors. This
//! module holds what the model reads: the table, the hazard ratio and the [`Reference`]
//! the calibration produces.

use super::illness::Incidence;
pub use super::life_table::MAX_AGE;
use super::Person;
use crate::params::Params;
use crate::rng::{self, Clock};

/// Yearly hazard by sex (0 men, 1 women) and single year of age.
pub type AgeTable = [[f64; MAX_AGE + 1]; 2];

/// What the reference population yields besides the hazard: the model's own
/// cross-sectional muscle law. `log_almi[s][a]` is ln(mean ALM/height² of the survivors
/// aged `a`) minus the same at 65, `log_quality` the same for grip per kg ALM; cohorts
/// start on this law (`population::mean_almi`), so a person of any starting age carries
/// the illness, hospital, nutrition and hormone losses the model applies, not only the
/// age-related term.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StartLaw {
    pub log_almi: AgeTable,
    pub log_quality: AgeTable,
}

impl StartLaw {
    /// The age-related loss and the shrinking of a person of mean adult height alone,
    /// carried from 65 (the law used to start the reference population itself, and below
    /// its first age).
    pub fn analytic(p: &Params) -> Self {
        let shrinking = super::stature::Shrinking::new(p);
        let law = |loss: [f64; 2], shape: [super::muscle::Shape; 2], shrinks: bool| {
            let mut t = [[0.0; MAX_AGE + 1]; 2];
            for (s, row) in t.iter_mut().enumerate() {
                let female = s == 1;
                let peak = super::stature::mean_peak(super::stature::REFERENCE_AGE, female, p);
                let height = |a: f64| peak - shrinking.loss(a, female);
                for (a, v) in row.iter_mut().enumerate() {
                    let age = a as f64;
                    *v = loss[s] * (shape[s].cumulative(65.0) - shape[s].cumulative(age));
                    if shrinks {
                        *v += 2.0 * (height(65.0) / height(age)).ln();
                    }
                }
            }
            t
        };
        Self {
            log_almi: law(
                [p.age_loss_75_m, p.age_loss_75_f],
                [false, true].map(|female| super::muscle::Shape::mass(p, female)),
                true,
            ),
            log_quality: law(
                [p.quality_loss_75_m, p.quality_loss_75_f],
                [super::muscle::Shape::quality(p); 2],
                false,
            ),
        }
    }

    /// The law at a fractional age, linear between whole years.
    #[inline]
    pub fn at(table: &AgeTable, female: bool, age: f64) -> f64 {
        let row = &table[usize::from(female)];
        let a = age.clamp(0.0, MAX_AGE as f64);
        let i = (a.floor() as usize).min(MAX_AGE - 1);
        let w = a - i as f64;
        row[i] * (1.0 - w) + row[i + 1] * w
    }
}

/// The calibrated baseline hazard and the starting law measured on the same reference
/// population.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reference {
    pub hazard: AgeTable,
    pub start: StartLaw,
}

/// The default life table's force of mortality μ = −ln(1 − qx), extended log-linearly
/// outside its ages with the slope of the nearest ten years ([`super::life_table`]).
pub fn life_table_hazard() -> AgeTable {
    super::life_table::default_table().hazard()
}

/// The person's hazard ratio against a person with no conditions and reference grip.
/// Sarcopenia and low grip overlap (sarcopenia is defined by low grip), so the larger of
/// the two applies, not their product. The reference grip is that of the person's own
/// birth cohort (`person.cohort_level`, [`super::cohort`]): a period life table gives each
/// cohort the rates of the persons of its age now, so a cohort's level of grip does not
/// move its mortality; only the person's distance from it does.
#[inline]
pub fn hazard_ratio(person: &Person, grip_reference: f64, p: &Params) -> f64 {
    let per_5kg = if person.female {
        p.grip_hr_per_5kg_f
    } else {
        p.grip_hr_per_5kg_m
    };
    let deficit = ((grip_reference * person.cohort_level - person.grip()) / 5.0).max(0.0);
    let grip_hr = if deficit == 0.0 {
        1.0 // = per_5kg⁰
    } else {
        per_5kg.powf(deficit)
    };
    let muscle_hr = if person.class.sarcopenic() {
        grip_hr.max(p.sarcopenia_hr)
    } else {
        grip_hr
    };
    let cond = p.condition_hr();
    let mut hr = muscle_hr * bmi_hr(person.bmi(), p);
    for (c, h) in cond.iter().enumerate() {
        if person.has(c) {
            hr *= h;
        }
    }
    hr
}

/// Index of heart failure among the conditions (`scenario::condition_bit::HEART_FAILURE`).
pub const HEART_FAILURE: usize = 3;
/// The conditions that can kill at their onset, each with its probability of doing so:
/// heart failure kills most in the months after diagnosis (Rotterdam: 86 % alive 30 days
/// and 63 % one year after an incident heart failure, Bleumink 2004), more than the one
/// hazard ratio of its survivors can give, so the first year's excess is a death in the
/// step of onset.
#[inline]
fn onset_fatality(p: &Params) -> [(usize, f64); 1] {
    [(HEART_FAILURE, p.heart_failure_onset_fatality)]
}

/// Whether a condition that began this step kills in it ([`onset_fatality`]). Each
/// uniform is keyed by its onset event ([`Clock::event_key`]), so every arm in which the
/// same onset happens decides alike.
#[inline]
pub fn dies_at_onset(new_conditions: u8, onset: &[Clock; 5], p: &Params) -> bool {
    onset_fatality(p).iter().any(|&(c, q)| {
        new_conditions & (1 << c) != 0 && rng::unit_from_hash(onset[c].event_key()) < q
    })
}

/// The yearly hazard of dying at an onset for this person: what [`dies_at_onset`] adds to
/// the hazard the hazard ratios scale, so the reference calibration can leave it out of
/// the life table's hazard before rescaling.
#[inline]
pub fn onset_death_rate(person: &Person, incidence: &Incidence, p: &Params) -> f64 {
    onset_fatality(p)
        .iter()
        .filter(|&&(c, _)| !person.has(c))
        .map(|&(c, q)| q * incidence.rate(person, c))
        .sum()
}

/// Mortality hazard ratio of a BMI: 1 at and below `mortality.bmi_hr_floor`, rising
/// log-linearly above it by `mortality.bmi_hr_per_5` per 5 kg/m² (Global BMI Mortality
/// Collaboration 2016). Like the other ratios it multiplies a baseline that
/// `crate::reference::calibrate` rescales, so the reference population still follows the
/// life table; what it changes is who survives: heavier persons die sooner, so the mean
/// BMI of the survivors falls with age.
#[inline]
pub fn bmi_hr(bmi: f64, p: &Params) -> f64 {
    let excess = (bmi - p.bmi_hr_floor).max(0.0);
    if excess == 0.0 {
        1.0
    } else {
        p.bmi_hr_per_5.powf(excess / 5.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bmi_hazard_ratio_is_one_at_the_floor_and_rises_by_the_source() {
        let p = Params::central();
        assert_eq!(bmi_hr(20.0, &p), 1.0);
        assert_eq!(bmi_hr(p.bmi_hr_floor, &p), 1.0);
        assert!((bmi_hr(p.bmi_hr_floor + 5.0, &p) - 1.29).abs() < 1e-12);
        assert!((bmi_hr(p.bmi_hr_floor + 10.0, &p) - 1.29 * 1.29).abs() < 1e-12);
        assert!(bmi_hr(32.0, &p) > bmi_hr(28.0, &p));
    }

    #[test]
    fn the_table_reproduces_its_qx_and_rises_with_age() {
        let lt = life_table_hazard();
        assert!((1.0 - (-lt[0][60]).exp() - 0.014267).abs() < 1e-9);
        assert!((1.0 - (-lt[1][90]).exp() - 0.137152).abs() < 1e-9);
        for row in &lt {
            assert!(
                row.windows(2).all(|w| w[1] > w[0]),
                "hazard rises every year"
            );
        }
        assert!(lt[0][75] > lt[1][75], "men die faster");
    }
}
