//! Simulation of a validation design: every person of one arm of a scenario lived through
//! its horizon by the same life loop as `sarcosim run` ([`crate::life`]), the arm's
//! interventions included, with a snapshot at every record ([`Snaps`]). Arms share persons
//! and random streams (common random numbers), as in the engine.

use crate::life::{self, Observer, Schedule, Stepped, Subject};
use crate::model::{Model, Person};
use crate::population;
use crate::scenario::condition_bit::HEART_FAILURE;
use crate::scenario::Scenario;
use rayon::prelude::*;

/// What is known of a person at one record.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snap {
    pub alive: bool,
    pub female: bool,
    pub age: f64,
    /// Current height, m (in a design read as a cross-section, of the cohort of this age,
    /// as weight, ALM and grip).
    pub height: f64,
    /// Body weight, kg.
    pub weight: f64,
    pub alm: f64,
    /// The person's own weight and ALM: what within-person changes read.
    pub own_weight: f64,
    pub own_alm: f64,
    pub almi: f64,
    /// Grip as the design reads it: in a design that follows one cohort, as a
    /// cross-section would show this person's age ([`How::CrossSection`]); gait and the
    /// classifications follow it.
    pub grip: f64,
    /// The person's own grip: what within-person changes read.
    pub own_grip: f64,
    pub gait: f64,
    pub ewgsop2: u8,
    pub awgs: u8,
    pub fnih: bool,
    pub testosterone: f64,
    pub conditions: u8,
    /// Every chronic condition: the model's five and the others (`Model::chronic_conditions`).
    pub chronic: u8,
    pub protein: f64,
    /// Admissions since the previous record.
    pub admissions: u16,
    /// Died since the previous record.
    pub died: bool,
    /// Died within a year of a heart-failure onset (at or before this record).
    pub heart_failure_early_death: bool,
}

/// How a design's records are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum How {
    /// As the persons are: a design whose persons start in their own birth cohorts.
    #[default]
    AsLived,
    /// A design that follows one cohort from a fixed age, read at each age as the
    /// cross-section the published figures come from (each age its own birth cohort,
    /// [`crate::model::cohort`]); within-person changes read the `own_*` fields of [`Snap`].
    CrossSection,
}

/// One person's snapshots, record 0 (the start) first.
pub type Life = Vec<Snap>;

/// The observer that keeps a [`Snap`] per record; after a death, every remaining record
/// holds the dead person (the first with the death and the admissions up to it).
#[derive(Debug, Default)]
pub struct Snaps {
    pub life: Life,
    /// Records of the horizon, the start included.
    records: usize,
    admissions: u16,
    died: bool,
    /// The step in which heart failure began, if it began during the design.
    heart_failure_onset: Option<u32>,
    heart_failure_early_death: bool,
    how: How,
}

impl Snaps {
    pub fn new(records: usize, how: How) -> Self {
        Self {
            life: Vec::with_capacity(records),
            records,
            admissions: 0,
            died: false,
            heart_failure_onset: None,
            heart_failure_early_death: false,
            how,
        }
    }

    fn push(&mut self, model: &Model, person: &Person) {
        let view = (self.how == How::CrossSection).then(|| model.cross_sectional(person));
        let p = view.as_ref().unwrap_or(person);
        self.life.push(Snap {
            alive: p.alive,
            female: p.female,
            age: p.age,
            height: p.height,
            weight: p.weight,
            alm: p.alm(),
            almi: p.alm_index(),
            grip: p.grip(),
            own_grip: person.grip(),
            own_weight: person.weight,
            own_alm: person.alm(),
            gait: model.gait(p),
            ewgsop2: p.class.ewgsop2,
            awgs: p.class.awgs,
            fnih: p.class.fnih,
            testosterone: p.testosterone,
            conditions: p.conditions,
            chronic: model.chronic_conditions(p).min(255) as u8,
            protein: p.protein,
            admissions: self.admissions,
            died: self.died,
            heart_failure_early_death: self.heart_failure_early_death,
        });
        self.admissions = 0;
        self.died = false;
    }
}

impl Observer for Snaps {
    fn start(&mut self, model: &Model, p: &Person) {
        self.push(model, p);
    }

    fn step(&mut self, model: &Model, s: &Stepped<'_>, _p: &Person) {
        self.admissions += u16::from(s.events.admitted);
        self.died |= s.events.died;
        if s.events.new_conditions & HEART_FAILURE != 0 {
            self.heart_failure_onset = Some(s.step);
        }
        if let (true, Some(onset)) = (s.events.died, self.heart_failure_onset) {
            // Within a year: the step of onset and the 11 monthly steps after it.
            self.heart_failure_early_death = f64::from(s.step - onset) * model.dt < 1.0 - 1e-9;
        }
    }

    fn record(&mut self, model: &Model, _record: usize, p: &Person) {
        self.push(model, p);
    }

    fn end(&mut self, model: &Model, _start: &Person, end: &Person) {
        while self.life.len() < self.records {
            self.push(model, end);
        }
    }
}

/// Simulates persons `0..n` of arm `arm` of `scenario` (draw 0), its records read `how`.
pub fn simulate(scenario: &Scenario, model: &Model, n: u64, arm: usize, how: How) -> Vec<Life> {
    let schedule = Schedule::new(scenario.record_steps());
    let interventions = &scenario.arms[arm].interventions;
    (0..n)
        .into_par_iter()
        .map(|id| {
            let start = population::sample(id, &scenario.cohorts, model, scenario.seed, 0);
            let mut snaps = Snaps::new(schedule.records(), how);
            let subject = Subject {
                start: &start,
                interventions,
                seed: scenario.seed,
                draw: 0,
            };
            life::live(model, &schedule, subject, &mut snaps);
            snaps.life
        })
        .collect()
}
