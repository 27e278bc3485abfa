//! Mortality: the life table's force of mortality, rescaled so that a reference
//! population simulated with the full model follows the table, times each person's
//! hazard ratios (sarcopenia or low grip, and chronic conditions).
//!
//! Laying hazard ratios on a life table double-counts unless the baseline is divided by
//! the mean hazard ratio of the population the table describes. That mean depends on
//! the model itself (who becomes sarcopenic, who falls ill, who survives), so it is
//! measured: [`calibrate`] steps a reference population of 50-year-olds to 110 in
//! lockstep and, at the start of each year of age, sets the scale to 1 / mean HR of
//! the survivors. The reference uses fixed keys, so every shard and thread count
//! computes the same table.

use super::life_table::{FIRST_AGE, QX_MEN, QX_WOMEN};
use super::{Modifiers, Person, Streams};
use crate::params::Params;
use crate::population;
use crate::rng::REFERENCE_PERSON_BASE;
use crate::scenario::{Cohort, Dist};
use rayon::prelude::*;

/// Ages 0..=MAX_AGE have a row in every table; older persons use the last.
pub const MAX_AGE: usize = 110;
/// Seed of the reference population: a property of the model, not of a run.
const REFERENCE_SEED: u64 = 0x5a5c_0ca1_1b7a_7e00;
/// Below this many survivors of a sex, the scale of the year before is kept.
const MIN_SURVIVORS: usize = 50;

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
        let law = |loss: [f64; 2], shrinks: bool| {
            let mut t = [[0.0; MAX_AGE + 1]; 2];
            for (s, row) in t.iter_mut().enumerate() {
                let female = s == 1;
                let peak = super::stature::mean_peak(super::stature::REFERENCE_AGE, female, p);
                let height = |a: f64| peak - shrinking.loss(a, female);
                for (a, v) in row.iter_mut().enumerate() {
                    let age = a as f64;
                    *v = loss[s]
                        * (super::muscle::cumulative_age_shape(65.0, p)
                            - super::muscle::cumulative_age_shape(age, p));
                    if shrinks {
                        *v += 2.0 * (height(65.0) / height(age)).ln();
                    }
                }
            }
            t
        };
        Self {
            log_almi: law([p.age_loss_75_m, p.age_loss_75_f], true),
            log_quality: law([p.quality_loss_75_m, p.quality_loss_75_f], false),
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

/// The life table's force of mortality μ = −ln(1 − qx), extended log-linearly outside
/// ages 50-100 with the slope of the nearest ten years.
pub fn life_table_hazard() -> AgeTable {
    let mut out = [[0.0; MAX_AGE + 1]; 2];
    for (sex, qx) in [QX_MEN, QX_WOMEN].iter().enumerate() {
        let mu: Vec<f64> = qx.iter().map(|q| -(1.0 - q).ln()).collect();
        let last = mu.len() - 1;
        let slope_lo = (mu[10] / mu[0]).ln() / 10.0;
        let slope_hi = (mu[last] / mu[last - 10]).ln() / 10.0;
        for (age, cell) in out[sex].iter_mut().enumerate() {
            *cell = if age < FIRST_AGE {
                mu[0] * (slope_lo * (age as f64 - FIRST_AGE as f64)).exp()
            } else if age - FIRST_AGE <= last {
                mu[age - FIRST_AGE]
            } else {
                mu[last] * (slope_hi * (age - FIRST_AGE - last) as f64).exp()
            };
        }
    }
    out
}

/// The person's hazard ratio against a person with no conditions and reference grip.
/// Sarcopenia and low grip overlap (sarcopenia is defined by low grip), so the larger of
/// the two applies, not their product.
#[inline]
pub fn hazard_ratio(person: &Person, grip_reference: f64, p: &Params) -> f64 {
    let per_5kg = if person.female {
        p.grip_hr_per_5kg_f
    } else {
        p.grip_hr_per_5kg_m
    };
    let deficit = ((grip_reference - person.grip()) / 5.0).max(0.0);
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
    let mut hr = muscle_hr;
    for (c, h) in cond.iter().enumerate() {
        if person.has(c) {
            hr *= h;
        }
    }
    hr
}

/// The cohort the life table is taken to describe: 50-year-olds of the general population.
pub fn reference_cohort() -> Cohort {
    Cohort {
        name: "life-table reference".into(),
        share: 1.0,
        female: 0.5,
        age: Dist::Fixed(FIRST_AGE as f64),
        height: None,
        bmi: Dist::Normal {
            mean: 28.0,
            sd: 5.0,
            min: 16.0,
            max: 50.0,
        },
        protein_g_per_kg: Dist::Normal {
            mean: 1.05,
            sd: 0.25,
            min: 0.4,
            max: 2.2,
        },
        training_sessions_per_week: Dist::Fixed(0.0),
        conditions: [0.10, 0.04, 0.03, 0.01, 0.03],
        alm_index: None,
        grip: None,
    }
}

/// Scales of the life-table hazard by sex and age so that the reference population,
/// simulated with this model, dies at the table's rates; and the starting law measured on
/// the survivors of that population (see [`StartLaw`]).
pub fn calibrate(params: &Params) -> Reference {
    let lt = life_table_hazard();
    let analytic = StartLaw::analytic(params);
    let mut model = super::Model::with_hazard(
        params.clone(),
        crate::time::Duration {
            count: 1.0,
            unit: crate::time::Unit::Month,
        },
        Reference {
            hazard: lt,
            start: analytic,
        },
    );
    let n = (params.calibration_size.round() as u64).max(2) * 2;
    let cohort = reference_cohort();
    let mut people: Vec<(Person, Streams)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let id = REFERENCE_PERSON_BASE + i;
            let person = population::sample_person(id, 0, &cohort, &model, REFERENCE_SEED, 0);
            (person, Streams::new(REFERENCE_SEED, 0, id))
        })
        .collect();
    let mut scale = [[1.0; MAX_AGE + 1]; 2];
    // ln of the survivors' mean ALM/height² and grip per kg ALM (NaN: too few survivors).
    let mut mean_log = [[[f64::NAN; MAX_AGE + 1]; 2]; 2];
    // Mean hazard ratio of the survivors at the start of the previous year, by sex.
    let mut previous_mean = [f64::NAN; 2];
    for age in FIRST_AGE..MAX_AGE {
        for (sex, row) in scale.iter_mut().enumerate() {
            let (sum, count, almi, quality) = people
                .iter()
                .filter(|(p, _)| p.alive && usize::from(p.female) == sex)
                .fold((0.0, 0usize, 0.0, 0.0), |(s, c, a, q), (p, _)| {
                    (
                        s + hazard_ratio(p, model.grip_reference[sex], params),
                        c + 1,
                        a + p.alm_index(),
                        q + p.grip() / p.alm(),
                    )
                });
            row[age] = if count >= MIN_SURVIVORS {
                mean_log[0][sex][age] = (almi / count as f64).ln();
                mean_log[1][sex][age] = (quality / count as f64).ln();
                // The hazard ratios rise during the year (new conditions, lower grip):
                // scale by the mean expected at mid-year, the start-of-year mean moved by
                // half of the last year's drift.
                let mean = sum / count as f64;
                let drift = if previous_mean[sex].is_finite() {
                    mean / previous_mean[sex]
                } else {
                    1.0
                };
                previous_mean[sex] = mean;
                1.0 / (mean * drift.sqrt())
            } else {
                row[age - 1]
            };
            model.hazard[sex][age] = lt[sex][age] * row[age];
            // Until next year's scale is known, the step that ends on the birthday uses
            // this year's (not the raw table's).
            model.hazard[sex][age + 1] = lt[sex][age + 1] * row[age];
        }
        let steps = 12;
        let m = &model;
        people
            .par_iter_mut()
            .filter(|(p, _)| p.alive)
            .for_each(|(p, s)| {
                for _ in 0..steps {
                    m.step(p, s, &Modifiers::NONE);
                    if !p.alive {
                        break;
                    }
                }
            });
    }
    for row in scale.iter_mut() {
        let (first, last) = (row[FIRST_AGE], row[MAX_AGE - 1]);
        row[..FIRST_AGE].fill(first);
        row[MAX_AGE] = last;
    }
    let mut out = lt;
    for (row, scale_row) in out.iter_mut().zip(&scale) {
        for (h, s) in row.iter_mut().zip(scale_row) {
            *h *= s;
        }
    }
    // The measured law, relative to 65; before the first age and after the survivors run
    // out it continues with the increments of the age-related law.
    let measured = |logs: &[[f64; MAX_AGE + 1]; 2], analytic: &AgeTable| {
        let mut t = *analytic;
        for sex in 0..2 {
            let at65 = logs[sex][65];
            for age in FIRST_AGE..=MAX_AGE {
                t[sex][age] = if logs[sex][age].is_finite() {
                    logs[sex][age] - at65
                } else {
                    t[sex][age - 1] + analytic[sex][age] - analytic[sex][age - 1]
                };
            }
            for age in (0..FIRST_AGE).rev() {
                t[sex][age] = t[sex][age + 1] + analytic[sex][age] - analytic[sex][age + 1];
            }
        }
        t
    };
    Reference {
        hazard: out,
        start: StartLaw {
            log_almi: measured(&mean_log[0], &analytic.log_almi),
            log_quality: measured(&mean_log[1], &analytic.log_quality),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
