//! Simulation of a validation design: every person of one arm of a scenario stepped
//! through its horizon, the arm's interventions turned into modifiers by the same
//! [`ArmState`] as in `sarcosim run`, with a snapshot at every record. Arms share persons
//! and random streams (common random numbers), as in the engine.

use crate::interventions::ArmState;
use crate::model::{Model, Streams};
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
    pub alm: f64,
    pub almi: f64,
    pub grip: f64,
    pub gait: f64,
    pub ewgsop2: u8,
    pub awgs: u8,
    pub fnih: bool,
    pub testosterone: f64,
    pub conditions: u8,
    pub protein: f64,
    /// Admissions since the previous record.
    pub admissions: u16,
    /// Died since the previous record.
    pub died: bool,
}

/// One person's snapshots, record 0 (the start) first.
pub type Life = Vec<Snap>;

/// Simulates persons `0..n` of arm `arm` of `scenario` (draw 0).
pub fn simulate(scenario: &Scenario, model: &Model, n: u64, arm: usize) -> Vec<Life> {
    let records = scenario.record_steps();
    let interventions = &scenario.arms[arm].interventions;
    (0..n)
        .into_par_iter()
        .map(|id| {
            let mut p = population::sample(id, &scenario.cohorts, model, scenario.seed, 0);
            let mut s = Streams::new(scenario.seed, 0, id);
            let mut enrolment = ArmState::new(interventions, scenario.seed, 0, id);
            let snap = |p: &crate::model::Person, admissions: u16, died: bool| Snap {
                alive: p.alive,
                female: p.female,
                age: p.age,
                height: p.height,
                alm: p.alm(),
                almi: p.alm_index(),
                grip: p.grip(),
                gait: model.gait(p),
                ewgsop2: p.class.ewgsop2,
                awgs: p.class.awgs,
                fnih: p.class.fnih,
                testosterone: p.testosterone,
                conditions: p.conditions,
                protein: p.protein,
                admissions,
                died,
            };
            let mut life = vec![snap(&p, 0, false)];
            let (mut adm, mut died) = (0u16, false);
            let mut next = 1;
            for step in 1..=scenario.horizon_steps {
                if p.alive {
                    let t = f64::from(step - 1) * model.dt;
                    let plan = enrolment.plan(&p, t, model.dt, &model.params);
                    let ev = model.step(&mut p, &mut s, &plan.modifiers);
                    adm += u16::from(ev.admitted);
                    died |= ev.died;
                }
                if next < records.len() && records[next] == step {
                    life.push(snap(&p, adm, died));
                    adm = 0;
                    died = false;
                    next += 1;
                }
            }
            life
        })
        .collect()
}
