//! Drawing a person at the start of a run from the scenario's cohorts, from the person's
//! own keyed stream: the same id gives the same person in every arm, thread and shard.
//!
//! Starting muscle follows the model's own law: the mean ALM/height² at age `a` is the
//! young-adult reference (Gould 2013), and grip per kg ALM the age-65 reference, moved by
//! the difference the model itself produces between its reference population's survivors
//! at `a` and at the reference age (every loss the model applies: age, illness, hospital
//! stays, nutrition, hormones, shrinking and survival), so a cohort's starting state agrees
//! with the trajectories it will follow. Height is the adult height of the person's birth
//! cohort less what shrinking has taken by their age ([`crate::model::stature`]).

use crate::model::mortality::StartLaw;
use crate::model::stature::{self, REFERENCE_AGE};
use crate::model::{Model, Person};
use crate::rng::{self, Process, Stream};
use crate::scenario::Cohort;
use rand::Rng;
use rand_distr::StandardNormal;

/// Mean ALM/height² of a person of this age, sex and BMI: the young-adult reference moved
/// along the model's own law ([`crate::model::mortality::StartLaw`]), which includes the
/// shrinking that raises ALM/height² for the same ALM.
pub fn mean_almi(age: f64, female: bool, bmi: f64, model: &Model) -> f64 {
    let p = &model.params;
    let young = if female {
        p.almi_young_f
    } else {
        p.almi_young_m
    };
    let law = &model.start_law.log_almi;
    young * (StartLaw::at(law, female, age) - StartLaw::at(law, female, REFERENCE_AGE)).exp()
        + p.almi_per_bmi * (bmi - 27.0)
}

/// Mean grip per kg ALM of a person of this age and sex, on the same law.
pub fn mean_quality(age: f64, female: bool, model: &Model) -> f64 {
    let p = &model.params;
    let at65 = if female {
        p.quality_mean_65_f
    } else {
        p.quality_mean_65_m
    };
    at65 * StartLaw::at(&model.start_law.log_quality, female, age).exp()
}

/// Which cohort person `id` belongs to: a keyed uniform against the normalised shares.
pub fn cohort_of(id: u64, cohorts: &[Cohort], seed: u64) -> usize {
    let u = rng::unit_from_hash(rng::mix64(rng::mix64(seed ^ 0xc0_4077) ^ id));
    let mut acc = 0.0;
    for (i, c) in cohorts.iter().enumerate() {
        acc += c.share;
        if u < acc {
            return i;
        }
    }
    cohorts.len() - 1
}

/// The bitmask of conditions present at the start, one uniform per condition.
fn conditions(prevalence: &[f64; 5], r: &mut Stream) -> u8 {
    prevalence.iter().enumerate().fold(0u8, |acc, (c, prev)| {
        if r.random::<f64>() < *prev {
            acc | 1 << c
        } else {
            acc
        }
    })
}

/// Height now, peak height, ALM and grip per kg ALM of a person of this age, sex and BMI:
/// the cohort's own distributions where it gives them (drawn from `r` in this order),
/// else the model's law moved by the person's normal deviates `z`.
fn body(
    cohort: &Cohort,
    model: &Model,
    (age, female, bmi): (f64, bool, f64),
    (z_height, z_almi, z_quality): (f64, f64, f64),
    r: &mut Stream,
) -> (f64, f64, f64, f64) {
    let p = &model.params;
    // A cohort's `height` is measured now; the default is drawn as the adult height of the
    // person's birth cohort, less what shrinking has taken by this age.
    let shrunk = model.stature.loss(age, female);
    let peak_height = match &cohort.height {
        Some(d) => d.sample(r) + shrunk,
        None => {
            let (sd, lo, hi) = if female {
                (p.height_sd_f, 1.35, 2.0)
            } else {
                (p.height_sd_m, 1.45, 2.15)
            };
            (stature::mean_peak(age, female, p) + sd * z_height).clamp(lo, hi)
        }
    };
    let height = peak_height - shrunk;
    let almi = match &cohort.alm_index {
        Some(d) => d.sample(r),
        None => {
            let sd = if female { p.almi_sd_f } else { p.almi_sd_m };
            (mean_almi(age, female, bmi, model) + sd * z_almi).max(2.5)
        }
    };
    let alm = almi * height * height;
    let quality = match &cohort.grip {
        Some(d) => d.sample(r) / alm,
        None => (mean_quality(age, female, model) + p.quality_sd * z_quality).max(0.3),
    };
    (height, peak_height, alm, quality)
}

/// Draws person `id` of cohort `index` for parameter draw `draw`.
pub fn sample_person(
    id: u64,
    index: usize,
    cohort: &Cohort,
    model: &Model,
    seed: u64,
    draw: u32,
) -> Person {
    let p = &model.params;
    let mut r = rng::stream(seed, draw, id, Process::Cohort);
    let mut z = || -> f64 { r.sample(StandardNormal) };
    // Draw order is fixed whatever the cohort asks for, so overrides shift nothing else.
    let (z_height, z_almi, z_quality, z_ceiling, z_testo, z_meno, z_gait) =
        (z(), z(), z(), z(), z(), z(), z());
    let female = r.random::<f64>() < cohort.female;
    let age = cohort.age.sample(&mut r);
    let bmi = cohort.bmi.sample(&mut r);
    let protein = cohort.protein_g_per_kg.sample(&mut r);
    let sessions = cohort.training_sessions_per_week.sample(&mut r).max(0.0);
    let conditions = conditions(&cohort.conditions, &mut r);
    let (height, peak_height, alm, quality) = body(
        cohort,
        model,
        (age, female, bmi),
        (z_height, z_almi, z_quality),
        &mut r,
    );
    let cv = p.training_ceiling_cv;
    let train_ceiling = p.training_ceiling * (cv * z_ceiling - cv * cv / 2.0).exp();
    // Habitual trainers start at their plateau; the sampled mass and grip include it.
    let (train_adapt, quality_adapt) = if sessions > 0.0 {
        (train_ceiling, p.quality_training_ceiling)
    } else {
        (0.0, 0.0)
    };
    // Drawn after every other draw, so adding it left everyone else's start unchanged.
    let z_admit: f64 = r.sample(StandardNormal);
    let sd_admit = p.admission_propensity_sd;
    let mut person = Person {
        id,
        cohort: index as u16,
        female,
        age,
        start_age: age,
        height,
        peak_height,
        weight: bmi * height * height,
        alm_base: alm / (1.0 + train_adapt),
        train_adapt,
        train_ceiling,
        quality_base: quality / (1.0 + quality_adapt),
        quality_adapt,
        gait_offset: p.gait_sd * z_gait,
        protein,
        sessions,
        testosterone: if female {
            0.0
        } else {
            p.testosterone_65
                * (-p.testosterone_decline * (age - 65.0)).exp()
                * (p.testosterone_sd_log * z_testo).exp()
        },
        menopause_age: if female {
            (p.menopause_age_mean + p.menopause_age_sd * z_meno).clamp(40.0, 60.0)
        } else {
            0.0
        },
        conditions,
        bed_days_left: 0,
        stay_is_illness: false,
        recovery_debt: 0.0,
        admission_propensity: (sd_admit * z_admit - sd_admit * sd_admit / 2.0).exp(),
        alive: true,
        class: Default::default(),
    };
    model.reclassify(&mut person);
    person
}

/// Draws person `id`, choosing the cohort by its share.
pub fn sample(id: u64, cohorts: &[Cohort], model: &Model, seed: u64, draw: u32) -> Person {
    let index = cohort_of(id, cohorts, seed);
    sample_person(id, index, &cohorts[index], model, seed, draw)
}
