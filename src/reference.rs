//! The mortality reference population: the calibration that makes the model die at the
//! life table's rates, and the starting law measured on the same population.
//!
//! Laying hazard ratios on a life table double-counts unless the baseline is divided by
//! the mean hazard ratio of the population the table describes, and that mean depends on
//! the model itself (who becomes sarcopenic, who falls ill, who survives). So it is
//! measured: [`calibrate`] samples 50-year-olds ([`reference_cohort`]), lives them to 110
//! through the life loop ([`crate::life`]) a year at a time in lockstep and, at the start
//! of each year of age, sets the scale to 1 / mean HR of the survivors ([`Survey`]). The
//! reference uses fixed keys, so every shard and thread count computes the same table.
//!
//! This sits above `model/` and `population`: it samples and lives persons; the model only
//! receives the result ([`Model::new`] takes a [`Reference`]).

use crate::life::{Course, Observer, Schedule, Stepped, Subject};
use crate::model::life_table::{self, LifeTable, FIRST_AGE};
use crate::model::mortality::{self, hazard_ratio, AgeTable, Reference, StartLaw, MAX_AGE};
use crate::model::{Model, Person};
use crate::params::Params;
use crate::population;
use crate::rng::REFERENCE_PERSON_BASE;
use crate::scenario::mortality::{Mortality, ReferenceCohort};
use crate::scenario::{Cohort, Dist};
use crate::time::{Duration, Unit};
use rayon::prelude::*;

/// Seed of the reference population: a property of the model, not of a run.
const REFERENCE_SEED: u64 = 0x5a5c_0ca1_1b7a_7e00;
/// The least share of the table's hazard left to the ratios once the onset deaths are
/// taken out (a guard: at the model's incidences the onset deaths are a few per cent).
const MIN_SCALED_SHARE: f64 = 0.1;
/// Below this many survivors of a sex, the scale of the year before is kept.
const MIN_SURVIVORS: usize = 50;
/// The reference population is stepped monthly.
const STEPS_PER_YEAR: u32 = 12;

/// The cohort the life table is taken to describe by default (`western`): 50-year-olds of
/// the general population, US-like (BMI 28 ± 5, the condition prevalences of
/// `scenarios/validation/ageing-from-50.toml`).
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
        from: None,
    }
}

/// The default reference cohort's name.
pub const WESTERN: &str = "western";
/// The Japanese reference cohort's name (the default of `reference_population = "east-asian"`).
pub const JAPAN: &str = "japan";

/// The shipped reference cohorts: name, description.
pub const REFERENCE_COHORTS: &[(&str, &str)] = &[
    (
        WESTERN,
        "US-like 50-year-olds: BMI 28 ± 5, diabetes 10 %, CKD 4 %, COPD 3 %, heart failure 1 %, \
         cancer 3 %, protein 1.05 ± 0.25 g/kg/d",
    ),
    (
        JAPAN,
        "Japanese 50-year-olds by sex: BMI men 23.7 ± 2.7, women 22.6 ± 3.2 (NHNS 2017); \
         diabetes men 12.6 %, women 6.1 % (NHNS 2016); the rest the western cohort's",
    ),
];

/// Japanese 50-year-olds, one cohort per sex (docs/model.md, "Reference cohorts"). Sources:
///
/// - BMI: Japan National Health and Nutrition Survey (NHNS, 国民健康・栄養調査) 2017, shares
///   of adults 50-59 with BMI < 18.5 and ≥ 25: men 2.9 % and 31.7 %, women 10.1 % and
///   22.2 % (P: a transcription of the MHLW summary table). The normal through both
///   quantiles (derivation ours): men mean 23.70, SD 2.74; women 22.56, 3.18. Cross-check:
///   NHNS 2018-2019 medians at 50-64 (MHLW, 日本人の食事摂取基準 2025 報告書, 参考表 1-2,
///   P) give men 69.1 kg / 1.697² = 24.0, women 54.0 / 1.564² = 22.1 kg/m².
/// - Diabetes: NHNS 2016 (拡大調査), adults "strongly suspected of diabetes" (HbA1c ≥ 6.5 %
///   or treated), 50-59: men 12.6 %, women 6.1 % (P: Japan Times, 21 Sep 2017, reporting
///   the MHLW release).
/// - COPD: 3 %, the western value, matches the airflow limitation (FEV1/FVC < 0.7) of
///   Japanese aged 50-59 at health examinations, 3.1 % (Omori 2016, Int J Chron Obstruct
///   Pulmon Dis 11:873, 22,293 subjects, V); few are diagnosed (9.4 %, same source).
/// - CKD, heart failure, cancer, protein: A, the western cohort's values (no age-specific
///   Japanese figure verified here; Japanese men 50-59 eat 79 g protein a day, NHNS 2017
///   (P), ≈ 1.14 g/kg at 69 kg: near the model's 1.05).
pub fn japan_reference_cohorts() -> Vec<Cohort> {
    let western = reference_cohort();
    let sex = |name: &str, female: f64, (mean, sd): (f64, f64), diabetes: f64| Cohort {
        name: name.into(),
        share: 0.5,
        female,
        bmi: Dist::Normal {
            mean,
            sd,
            min: 15.0,
            max: 45.0,
        },
        conditions: [
            diabetes,
            western.conditions[1],
            western.conditions[2],
            western.conditions[3],
            western.conditions[4],
        ],
        ..western.clone()
    };
    vec![
        sex("Japanese men at 50", 0.0, (23.70, 2.74), 0.126),
        sex("Japanese women at 50", 1.0, (22.56, 3.18), 0.061),
    ]
}

/// The shipped reference cohort of this name.
pub fn shipped_reference_cohort(name: &str) -> Option<Vec<Cohort>> {
    match name {
        WESTERN => Some(vec![reference_cohort()]),
        JAPAN => Some(japan_reference_cohorts()),
        _ => None,
    }
}

/// The raw default life table and the analytic starting law: where the calibration starts.
pub fn uncalibrated(params: &Params) -> Reference {
    uncalibrated_on(params, life_table::default_table())
}

/// The raw `table` and the analytic starting law.
pub fn uncalibrated_on(params: &Params, table: &LifeTable) -> Reference {
    Reference {
        hazard: table.hazard(),
        start: StartLaw::analytic(params),
    }
}

/// A model of these parameters with mortality calibrated to the default life table.
pub fn calibrated_model(params: Params, step: Duration) -> Model {
    calibrated_model_for(params, step, &Mortality::default())
}

/// A model of these parameters following a scenario's `[mortality]`: calibrated to its
/// life table, with its improvement.
pub fn calibrated_model_for(params: Params, step: Duration, mortality: &Mortality) -> Model {
    let reference = calibrate_on(&params, &mortality.life_table, &mortality.reference_cohort);
    let mut model = Model::new(params, step, &reference);
    model.mortality_improvement = mortality.improvement_per_year;
    model
}

/// What a reference person shows at the start of a year of age (their last record).
#[derive(Clone, Copy, Debug, Default)]
struct Survey {
    alive: bool,
    female: bool,
    hazard_ratio: f64,
    almi: f64,
    /// Grip per kg ALM.
    quality: f64,
    /// Yearly hazard of dying at a heart-failure onset ([`mortality::onset_death_rate`]).
    onset_death: f64,
}

impl Survey {
    fn take(&mut self, model: &Model, p: &Person) {
        let sex = usize::from(p.female);
        *self = Survey {
            alive: p.alive,
            female: p.female,
            hazard_ratio: hazard_ratio(p, model.grip_reference[sex], &model.params),
            almi: p.alm_index(),
            quality: p.grip() / p.alm(),
            onset_death: mortality::onset_death_rate(
                p,
                &model.bounds.onset.incidence,
                &model.params,
            ),
        };
    }
}

impl Observer for Survey {
    fn start(&mut self, model: &Model, p: &Person) {
        self.take(model, p);
    }
    fn step(&mut self, _model: &Model, s: &Stepped<'_>, _p: &Person) {
        if s.events.died {
            self.alive = false;
        }
    }
    fn record(&mut self, model: &Model, _record: usize, p: &Person) {
        self.take(model, p);
    }
}

/// Sums over the survivors of one sex at one age, in person order.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    hazard_ratio: f64,
    count: usize,
    almi: f64,
    quality: f64,
    onset_death: f64,
}

fn tally(people: &[(Course<'_>, Survey)], sex: usize) -> Tally {
    people
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.alive && usize::from(s.female) == sex)
        .fold(Tally::default(), |t, s| Tally {
            hazard_ratio: t.hazard_ratio + s.hazard_ratio,
            count: t.count + 1,
            almi: t.almi + s.almi,
            quality: t.quality + s.quality,
            onset_death: t.onset_death + s.onset_death,
        })
}

/// The scales found so far, and the survivors' muscle law.
struct Scales {
    scale: AgeTable,
    /// ln of the survivors' mean ALM/height² and grip per kg ALM (NaN: too few survivors).
    mean_log: [AgeTable; 2],
    /// Mean hazard ratio of the survivors at the start of the previous year, by sex.
    previous_mean: [f64; 2],
}

impl Scales {
    fn new() -> Self {
        Self {
            scale: [[1.0; MAX_AGE + 1]; 2],
            mean_log: [[[f64::NAN; MAX_AGE + 1]; 2]; 2],
            previous_mean: [f64::NAN; 2],
        }
    }

    /// Sets and returns the scale of this sex at this age from the survivors' tally and the
    /// life table's hazard there: the deaths at a heart-failure onset come on top of the
    /// hazard the ratios scale, so they are taken out of the table's before rescaling.
    fn set(&mut self, sex: usize, age: usize, t: Tally, table: f64) -> f64 {
        let row = &mut self.scale[sex];
        row[age] = if t.count >= MIN_SURVIVORS {
            self.mean_log[0][sex][age] = (t.almi / t.count as f64).ln();
            self.mean_log[1][sex][age] = (t.quality / t.count as f64).ln();
            // The hazard ratios rise during the year (new conditions, lower grip): scale
            // by the mean expected at mid-year, the start-of-year mean moved by half of
            // the last year's drift.
            let mean = t.hazard_ratio / t.count as f64;
            let drift = if self.previous_mean[sex].is_finite() {
                mean / self.previous_mean[sex]
            } else {
                1.0
            };
            self.previous_mean[sex] = mean;
            let at_onset = t.onset_death / t.count as f64;
            (1.0 - at_onset / table).max(MIN_SCALED_SHARE) / (mean * drift.sqrt())
        } else {
            row[age - 1]
        };
        row[age]
    }

    /// The calibrated hazard and the measured starting law.
    fn finish(mut self, lt: &AgeTable, analytic: &StartLaw) -> Reference {
        for row in self.scale.iter_mut() {
            let (first, last) = (row[FIRST_AGE], row[MAX_AGE - 1]);
            row[..FIRST_AGE].fill(first);
            row[MAX_AGE] = last;
        }
        let mut hazard = *lt;
        for (row, scale_row) in hazard.iter_mut().zip(&self.scale) {
            for (h, s) in row.iter_mut().zip(scale_row) {
                *h *= s;
            }
        }
        Reference {
            hazard,
            start: StartLaw {
                log_almi: measured(&self.mean_log[0], &analytic.log_almi),
                log_quality: measured(&self.mean_log[1], &analytic.log_quality),
            },
        }
    }
}

/// The measured law, relative to 65; before the first age and after the survivors run out
/// it continues with the increments of the age-related law.
fn measured(logs: &AgeTable, analytic: &AgeTable) -> AgeTable {
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
}

/// [`calibrate_on`] the default life table and reference cohort.
pub fn calibrate(params: &Params) -> Reference {
    let m = Mortality::default();
    calibrate_on(params, &m.life_table, &m.reference_cohort)
}

/// Most calibrations kept in memory (each ≈ 7 KB); past this the cache is emptied.
const CACHE_ENTRIES: usize = 4096;

/// Scales of the life-table hazard by sex and age so that the reference population (the
/// `cohort` the table describes, at 50), simulated with this model, dies at the table's
/// rates; and the starting law measured on the survivors of that population (see
/// [`StartLaw`]).
///
/// The result depends only on the parameters, the table and the reference cohort (the
/// reference population has fixed keys), so it is computed once per process for each
/// triple and then shared: a second request for the same triple, even while the first is
/// still computing, waits for and returns the same result.
pub fn calibrate_on(params: &Params, table: &LifeTable, cohort: &ReferenceCohort) -> Reference {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<HashMap<String, Arc<OnceLock<Reference>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    // Debug prints every f64 exactly (shortest round-trip form), so equal keys mean
    // equal inputs.
    let key = format!("{}\n{:?}\n{params:?}", table.digest, cohort.cohorts);
    let cell = {
        let mut cache = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= CACHE_ENTRIES && !cache.contains_key(&key) {
            cache.clear();
        }
        Arc::clone(cache.entry(key).or_default())
    };
    *cell.get_or_init(|| compute(params, table, &cohort.cohorts))
}

/// The calibration itself (see [`calibrate_on`]) on the reference population drawn from
/// `cohorts` (each person's cohort chosen by share, as in a run: with one cohort, every
/// person is drawn from it exactly as before cohorts could be named).
fn compute(params: &Params, table: &LifeTable, cohorts: &[Cohort]) -> Reference {
    let start = uncalibrated_on(params, table);
    let (lt, analytic) = (start.hazard, start.start);
    let month = Duration {
        count: 1.0,
        unit: Unit::Month,
    };
    let mut model = Model::new(params.clone(), month, &start);
    let n = (params.calibration_size.round() as u64).max(2) * 2;
    let starts: Vec<Person> = (0..n)
        .into_par_iter()
        .map(|i| {
            let id = REFERENCE_PERSON_BASE + i;
            population::sample(id, cohorts, &model, REFERENCE_SEED, 0)
        })
        .collect();
    let mut people: Vec<(Course<'_>, Survey)> = starts
        .iter()
        .map(|start| {
            let mut survey = Survey::default();
            survey.start(&model, start);
            let subject = Subject {
                start,
                interventions: &[],
                seed: REFERENCE_SEED,
                draw: 0,
            };
            (Course::new(subject), survey)
        })
        .collect();
    let years = (MAX_AGE - FIRST_AGE) as u32;
    let schedule = Schedule::new((0..=years).map(|y| y * STEPS_PER_YEAR).collect());
    let mut scales = Scales::new();
    for age in FIRST_AGE..MAX_AGE {
        for (sex, (hazard, table)) in model.hazard.iter_mut().zip(&lt).enumerate() {
            let scale = scales.set(sex, age, tally(&people, sex), table[age]);
            hazard[age] = table[age] * scale;
            // Until next year's scale is known, the step that ends on the birthday uses
            // this year's (not the raw table's).
            hazard[age + 1] = table[age + 1] * scale;
        }
        let until = (age + 1 - FIRST_AGE) as u32 * STEPS_PER_YEAR;
        let m = &model;
        people
            .par_iter_mut()
            .for_each(|(course, survey)| course.run(m, &schedule, until, survey));
    }
    scales.finish(&lt, &analytic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_calibration_equals_a_fresh_one_and_is_kept_per_table_and_cohort() {
        let p = Params::central();
        let us = life_table::default_table();
        let ons = life_table::shipped("ons-ew-2016-2018").unwrap();
        let western = ReferenceCohort::western();
        let first = calibrate_on(&p, us, &western);
        assert_eq!(calibrate_on(&p, us, &western), first);
        assert_eq!(calibrate(&p), first, "the default is the western cohort");
        assert_eq!(
            compute(&p, us, &[reference_cohort()]),
            first,
            "the kept result is the computed one"
        );
        assert_ne!(
            calibrate_on(&p, ons, &western),
            first,
            "another table, another calibration"
        );
        let mut q = p.clone();
        q.sarcopenia_hr *= 1.1;
        assert_ne!(
            calibrate_on(&q, us, &western),
            first,
            "other parameters, another calibration"
        );
        let japan = ReferenceCohort::shipped(JAPAN).unwrap();
        assert_ne!(
            calibrate_on(&p, us, &japan),
            first,
            "another reference cohort, another calibration"
        );
    }

    /// The calibration before reference cohorts could be named: one cohort, each person
    /// drawn by `sample_person` with index 0. Naming the western cohort must give exactly
    /// this (the default calibration is unchanged, bit for bit).
    #[test]
    fn the_western_cohort_draws_the_reference_population_as_before() {
        let p = Params::central();
        let model = Model::new(
            p.clone(),
            Duration {
                count: 1.0,
                unit: Unit::Month,
            },
            &uncalibrated(&p),
        );
        let c = reference_cohort();
        let cohorts = ReferenceCohort::western().cohorts;
        assert_eq!(cohorts.len(), 1);
        for i in 0..2_000 {
            let id = REFERENCE_PERSON_BASE + i;
            let before = population::sample_person(id, 0, &c, &model, REFERENCE_SEED, 0);
            let now = population::sample(id, &cohorts, &model, REFERENCE_SEED, 0);
            assert_eq!(format!("{before:?}"), format!("{now:?}"), "person {i}");
        }
    }

    #[test]
    fn the_japanese_cohort_is_leaner_and_split_by_sex() {
        let japan = japan_reference_cohorts();
        let western = reference_cohort();
        assert_eq!(
            japan.iter().map(|c| c.female).collect::<Vec<_>>(),
            [0.0, 1.0]
        );
        let mean = |d: &Dist| match d {
            Dist::Normal { mean, .. } => *mean,
            _ => f64::NAN,
        };
        for c in &japan {
            assert!(mean(&c.bmi) < mean(&western.bmi) - 4.0, "{}", c.name);
            assert_eq!(c.age, western.age);
            assert_eq!(c.share, 0.5);
        }
        assert!(
            japan[0].conditions[0] > japan[1].conditions[0],
            "men: more diabetes"
        );
        assert_eq!(japan[0].conditions[1..], western.conditions[1..]);
    }
}
