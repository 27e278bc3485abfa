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
//!
//! A cohort drawn from microdata ([`crate::microdata`]) takes each value its row gives
//! (sex, age, BMI or body weight, protein, training, conditions, height, ALM or
//! ALM/height², grip, gait); what the row leaves out follows the same laws given the
//! values present (ALM from age, sex, height and BMI; grip from age, sex and ALM; gait
//! from grip, age and conditions), or the cohort's own keys where the model has no law
//! (sex, age, BMI, protein, training and conditions).

use crate::microdata::columns::CONDITION_COLUMNS;
use crate::microdata::{Col, Microdata};
use crate::model::body;
use crate::model::cohort;
use crate::model::mortality::StartLaw;
use crate::model::stature::{self, REFERENCE_AGE};
use crate::model::strength;
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

/// Mean grip per kg ALM of a person of this age and sex, on the same law, in the birth
/// cohort of that age ([`crate::model::cohort`]: a starting population is a cross-section).
pub fn mean_quality(age: f64, female: bool, model: &Model) -> f64 {
    let p = &model.params;
    let at65 = if female {
        p.quality_mean_65_f
    } else {
        p.quality_mean_65_m
    };
    at65 * StartLaw::at(&model.start_law.log_quality, female, age).exp()
        * cohort::quality_factor(age, p)
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

/// The values of person `id`'s microdata row, if the cohort is drawn from a file.
#[derive(Clone, Copy)]
struct Row<'a>(Option<(&'a Microdata, usize)>);

impl<'a> Row<'a> {
    fn of(cohort: &'a Cohort, id: u64, seed: u64) -> Self {
        Self(cohort.from.as_ref().map(|d| (&**d, d.row_of(id, seed))))
    }

    #[inline]
    fn get(self, c: Col) -> Option<f64> {
        let (d, i) = self.0?;
        d.get(c, i)
    }
}

/// The bitmask of conditions present at the start: the row's where it gives them, else
/// one uniform per condition against the cohort's prevalence (drawn in either case).
fn conditions(prevalence: &[f64; 5], row: Row<'_>, r: &mut Stream) -> u8 {
    prevalence.iter().enumerate().fold(0u8, |acc, (c, prev)| {
        let u = r.random::<f64>();
        let present = row
            .get(CONDITION_COLUMNS[c])
            .map_or(u < *prev, |v| v == 1.0);
        if present {
            acc | 1 << c
        } else {
            acc
        }
    })
}

/// Body size as given: BMI, or body weight (BMI once the height is known).
#[derive(Clone, Copy)]
enum Size {
    Bmi(f64),
    WeightKg(f64),
}

/// Muscle as given: ALM/height² or ALM.
#[derive(Clone, Copy)]
enum Muscle {
    Index(f64),
    Kg(f64),
}

/// The starting values a cohort or row gives directly (current height, muscle, grip); the
/// rest follow the model's law.
struct Given {
    height: Option<f64>,
    muscle: Option<Muscle>,
    grip: Option<f64>,
}

impl Given {
    /// The row's values, else draws from the cohort's distributions (in this order).
    fn draw(cohort: &Cohort, row: Row<'_>, r: &mut Stream) -> Self {
        let height = row
            .get(Col::Height)
            .or_else(|| cohort.height.as_ref().map(|d| d.sample(r)));
        let muscle = row
            .get(Col::AlmIndex)
            .map(Muscle::Index)
            .or_else(|| row.get(Col::Alm).map(Muscle::Kg))
            .or_else(|| {
                cohort
                    .alm_index
                    .as_ref()
                    .map(|d| Muscle::Index(d.sample(r)))
            });
        let grip = row
            .get(Col::Grip)
            .or_else(|| cohort.grip.as_ref().map(|d| d.sample(r)));
        Self {
            height,
            muscle,
            grip,
        }
    }
}

/// The body at the start: height now, peak height, BMI, ALM and grip per kg ALM.
struct Body {
    height: f64,
    peak_height: f64,
    bmi: f64,
    alm: f64,
    quality: f64,
}

/// The body of a person of this age, sex and size: the values given, else the model's
/// law moved by the person's normal deviates `z`.
fn body(
    given: &Given,
    model: &Model,
    (age, female, size): (f64, bool, Size),
    (z_height, z_almi, z_quality): (f64, f64, f64),
) -> Body {
    let p = &model.params;
    // A given height is measured now; the default is drawn as the adult height of the
    // person's birth cohort, less what shrinking has taken by this age.
    let shrunk = model.stature.loss(age, female);
    let peak_height = match given.height {
        Some(h) => h + shrunk,
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
    let bmi = match size {
        Size::Bmi(b) => b,
        Size::WeightKg(w) => w / (height * height),
    };
    let alm = match given.muscle {
        Some(Muscle::Kg(alm)) => alm,
        Some(Muscle::Index(almi)) => almi * height * height,
        None => {
            let sd = if female { p.almi_sd_f } else { p.almi_sd_m };
            (mean_almi(age, female, bmi, model) + sd * z_almi).max(2.5) * height * height
        }
    };
    let quality = match given.grip {
        Some(g) => g / alm,
        None => (mean_quality(age, female, model) + strength::permanent_sd(p) * z_quality).max(0.3),
    };
    Body {
        height,
        peak_height,
        bmi,
        alm,
        quality,
    }
}

/// Sex, age, size, protein, sessions and conditions: the row's values, else draws from
/// the cohort's distributions (the order of draws is fixed).
fn traits(cohort: &Cohort, row: Row<'_>, r: &mut Stream) -> (bool, f64, Size, f64, f64, u8) {
    let u_female = r.random::<f64>();
    let female = row
        .get(Col::Sex)
        .map_or(u_female < cohort.female, |v| v == 1.0);
    let age = row.get(Col::Age).unwrap_or_else(|| cohort.age.sample(r));
    let size = match (row.get(Col::Bmi), row.get(Col::WeightKg)) {
        (Some(b), _) => Size::Bmi(b),
        (None, Some(w)) => Size::WeightKg(w),
        (None, None) => Size::Bmi(cohort.bmi.sample(r)),
    };
    let protein = row
        .get(Col::Protein)
        .unwrap_or_else(|| cohort.protein_g_per_kg.sample(r));
    let sessions = row
        .get(Col::Training)
        .unwrap_or_else(|| cohort.training_sessions_per_week.sample(r))
        .max(0.0);
    let conditions = conditions(&cohort.conditions, row, r);
    (female, age, size, protein, sessions, conditions)
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
    let row = Row::of(cohort, id, seed);
    let (female, age, size, protein, sessions, conditions) = traits(cohort, row, &mut r);
    let given = Given::draw(cohort, row, &mut r);
    let b = body(
        &given,
        model,
        (age, female, size),
        (z_height, z_almi, z_quality),
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
        height: b.height,
        peak_height: b.peak_height,
        cohort_level: cohort::quality_factor(age, p),
        weight: b.bmi * b.height * b.height,
        fat: body::start_fat(b.bmi * b.height * b.height, b.bmi, age, female),
        alm_base: b.alm / (1.0 + train_adapt),
        train_adapt,
        train_ceiling,
        quality_base: b.quality / (1.0 + quality_adapt),
        quality_adapt,
        strength_deviation: 0.0,
        strength_factor: 1.0,
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
        // Its own stream (not the cohort's), so every other draw is unchanged.
        morbidity: rng::stream(seed, draw, id, Process::Morbidity).random(),
        alive: true,
        class: Default::default(),
    };
    // Drawn after every other draw, so adding it left everyone else's start unchanged.
    let z_strength: f64 = r.sample(StandardNormal);
    strength::start(&mut person, z_strength, p);
    if given.grip.is_some() {
        // A measured grip is the person's grip now, deviation included.
        person.quality_base /= person.strength_factor;
    }
    if let Some(gait) = row.get(Col::Gait) {
        // The offset that gives the measured gait speed on the model's law.
        person.gait_offset = 0.0;
        person.gait_offset = gait - model.gait(&person);
    }
    model.reclassify(&mut person);
    person
}

/// Draws person `id`, choosing the cohort by its share.
pub fn sample(id: u64, cohorts: &[Cohort], model: &Model, seed: u64, draw: u32) -> Person {
    let index = cohort_of(id, cohorts, seed);
    sample_person(id, index, &cohorts[index], model, seed, draw)
}
