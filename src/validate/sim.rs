//! Simulation of a validation design: every person of one arm of a scenario lived through
//! its horizon by the same life loop as `sarcosim run` ([`crate::life`]), the arm's
//! interventions included, with a snapshot at every record ([`Snaps`]). Arms share persons
//! and random streams (common random numbers), as in the engine.

use crate::life::{self, Observer, Schedule, Stepped, Subject};
use crate::model::{Model, Person};
use crate::population;
use crate::scenario::Scenario;
use rayon::prelude::*;

/// What is known of a person at one record.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snap {
    pub alive: bool,
    pub female: bool,
    pub age: f64,
    /// Current height, m.
    pub height: f64,
    /// Body weight, kg.
    pub weight: f64,
    pub alm: f64,
    pub almi: f64,
    pub grip: f64,
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
}

impl Snaps {
    pub fn new(records: usize) -> Self {
        Self {
            life: Vec::with_capacity(records),
            records,
            admissions: 0,
            died: false,
        }
    }

    fn push(&mut self, model: &Model, p: &Person) {
        self.life.push(Snap {
            alive: p.alive,
            female: p.female,
            age: p.age,
            height: p.height,
            weight: p.weight,
            alm: p.alm(),
            almi: p.alm_index(),
            grip: p.grip(),
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
        });
        self.admissions = 0;
        self.died = false;
    }
}

impl Observer for Snaps {
    fn start(&mut self, model: &Model, p: &Person) {
        self.push(model, p);
    }

    fn step(&mut self, _model: &Model, s: &Stepped<'_>, _p: &Person) {
        self.admissions += u16::from(s.events.admitted);
        self.died |= s.events.died;
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

/// Simulates persons `0..n` of arm `arm` of `scenario` (draw 0).
pub fn simulate(scenario: &Scenario, model: &Model, n: u64, arm: usize) -> Vec<Life> {
    let schedule = Schedule::new(scenario.record_steps());
    let interventions = &scenario.arms[arm].interventions;
    (0..n)
        .into_par_iter()
        .map(|id| {
            let start = population::sample(id, &scenario.cohorts, model, scenario.seed, 0);
            let mut snaps = Snaps::new(schedule.records());
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
