//! The Monte Carlo core: persons in chunks across a rayon pool, each person stepped
//! through the horizon once per draw and arm, results streamed in order to a [`Sink`] on
//! a writer thread while the next batch is computed.
//!
//! A person's arms run back to back from the same sampled start and the same keyed
//! streams (common random numbers); nothing depends on which thread or chunk a person
//! falls in, so any thread count and any shard split give identical rows.

use crate::checkpoints::Tracker;
use crate::economics::Ledger;
use crate::error::{Error, Result};
use crate::interventions::ArmState;
use crate::model::classify::{CONFIRMED, PROBABLE};
use crate::model::{Model, Person, Streams};
use crate::population;
use crate::scenario::Scenario;
use crate::sinks::summary::{self, band, milli};
use crate::sinks::{ChunkResult, OutcomeColumns, RowCounts, Sink, SummaryGrid, TrajectoryColumns};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::mpsc::sync_channel;

/// Persons per chunk: small enough to balance two threads, large enough to amortise.
pub const CHUNK_PERSONS: u64 = 512;

/// Everything the workers share: the scenario, one model per draw, the record schedule.
pub struct Plan<'a> {
    pub scenario: &'a Scenario,
    /// One per draw computed, draws `first_draw..` (draw 0 = central parameters).
    pub models: Vec<Model>,
    /// The draw of `models[0]`: a run extending a directory computes only the new draws.
    pub first_draw: u32,
    /// Persons of this shard.
    pub persons: Range<u64>,
    /// Step at which each record is taken (record 0 = the start).
    pub record_steps: Vec<u32>,
    /// For step s (1-based), the record its events are counted towards.
    record_of_step: Vec<u16>,
    /// Whether step s ends with a record.
    is_record_step: Vec<bool>,
    /// Persons with an id below this get trajectory rows.
    trajectory_persons: u64,
    /// For draw d and step s (1-based), the economic discount factor of the step's midpoint.
    discount: Vec<Vec<f64>>,
    /// Economics inputs per draw (draw 0 central, 1.. sampled).
    economics: Vec<crate::economics::Economics>,
}

impl<'a> Plan<'a> {
    /// Builds the models of every draw (this calibrates mortality per draw).
    pub fn new(scenario: &'a Scenario, persons: Range<u64>) -> Self {
        Self::for_draws(scenario, persons, 0)
    }

    /// Builds the models of draws `first_draw..=scenario.draws` only.
    pub fn for_draws(scenario: &'a Scenario, persons: Range<u64>, first_draw: u32) -> Self {
        let base = scenario.params();
        let pinned: Vec<String> = scenario.parameters.keys().cloned().collect();
        let models = (first_draw..=scenario.draws)
            .map(|d| Model::new(base.for_draw(scenario.seed, d, &pinned), scenario.step))
            .collect();
        let mut plan = Self::with_models(scenario, persons, models);
        plan.first_draw = first_draw;
        // Economics are keyed by the draw too.
        plan.set_economics();
        plan
    }

    pub fn with_models(scenario: &'a Scenario, persons: Range<u64>, models: Vec<Model>) -> Self {
        let record_steps = scenario.record_steps();
        let h = scenario.horizon_steps as usize;
        let mut record_of_step = vec![0u16; h + 1];
        let mut is_record_step = vec![false; h + 1];
        let mut r = 1usize;
        for s in 1..=h {
            while record_steps[r] < s as u32 {
                r += 1;
            }
            record_of_step[s] = r as u16;
            is_record_step[s] = record_steps[r] == s as u32;
        }
        let mut plan = Self {
            discount: Vec::new(),
            economics: Vec::new(),
            trajectory_persons: scenario.trajectory_persons(),
            scenario,
            models,
            first_draw: 0,
            persons,
            record_steps,
            record_of_step,
            is_record_step,
        };
        plan.set_economics();
        plan
    }

    /// The economics inputs and discount factors of draws `first_draw..`.
    fn set_economics(&mut self) {
        let scenario = self.scenario;
        let h = scenario.horizon_steps as usize;
        let economics: Vec<crate::economics::Economics> = (0..self.models.len() as u32)
            .map(|d| {
                scenario
                    .economics
                    .for_draw(scenario.seed, self.first_draw + d)
            })
            .collect();
        let dt = scenario.step_years();
        self.discount = economics
            .iter()
            .map(|e| {
                (0..=h)
                    .map(|s| {
                        // The same t as the step loop's, so the factors are bit-identical.
                        let t = (s.max(1) - 1) as f64 * dt;
                        e.discount(t + dt / 2.0)
                    })
                    .collect()
            })
            .collect();
        self.economics = economics;
    }

    pub fn record_times(&self) -> Vec<f64> {
        self.record_steps
            .iter()
            .map(|s| f64::from(*s) * self.scenario.step_years())
            .collect()
    }

    fn chunks(&self) -> Vec<Range<u64>> {
        let Range { start, end } = self.persons.clone();
        (start..end)
            .step_by(CHUNK_PERSONS as usize)
            .map(|a| a..(a + CHUNK_PERSONS).min(end))
            .collect()
    }

    /// Simulates the persons `ids` in every draw and arm.
    pub fn simulate_chunk(&self, index: u64, ids: Range<u64>) -> ChunkResult {
        let arms = self.scenario.arms.len();
        let draws = self.models.len();
        let mut out = ChunkResult {
            index,
            persons: ids.end - ids.start,
            outcomes: (0..arms * draws)
                .map(|_| OutcomeColumns::with_checkpoints(&self.scenario.checkpoints))
                .collect(),
            trajectories: (0..arms * draws)
                .map(|_| TrajectoryColumns::default())
                .collect(),
            summary: SummaryGrid::new(arms, draws, self.record_steps.len()),
        };
        for id in ids {
            for (draw, model) in self.models.iter().enumerate() {
                let start = population::sample(
                    id,
                    &self.scenario.cohorts,
                    model,
                    self.scenario.seed,
                    self.first_draw + draw as u32,
                );
                for arm in 0..arms {
                    self.simulate_person(model, draw, arm, &start, &mut out);
                }
            }
        }
        out
    }

    fn simulate_person(
        &self,
        model: &Model,
        draw: usize,
        arm: usize,
        start: &Person,
        out: &mut ChunkResult,
    ) {
        let k = draw * self.scenario.arms.len() + arm;
        let dt = model.dt;
        let mut person = start.clone();
        let mut streams =
            Streams::new(self.scenario.seed, self.first_draw + draw as u32, person.id);
        let with_trajectory = person.id < self.trajectory_persons;
        let mut life = Life::start(&person);
        let arm_spec = &self.scenario.arms[arm];
        let economics = &self.economics[draw];
        let mut enrolment = ArmState::new(
            &arm_spec.interventions,
            self.scenario.seed,
            self.first_draw + draw as u32,
            person.id,
        );
        let mut ledger = Ledger::default();
        let mut checkpoints = Tracker::start(&self.scenario.checkpoints, &person);
        self.observe(model, &person, draw, arm, 0, &mut out.summary);
        if with_trajectory {
            self.trajectory_row(model, &person, 0, &life, &mut out.trajectories[k]);
        }
        for step in 1..=self.scenario.horizon_steps as usize {
            let age_band = band(person.age);
            let t = (step - 1) as f64 * dt;
            let plan = enrolment.plan(&person, t, dt, &model.params);
            let ev = model.step(&mut person, &mut streams, &plan.modifiers);
            ledger.add_discounted_step(
                economics,
                &person,
                self.discount[draw][step],
                dt,
                ev.bed_days,
                &plan,
            );
            let record = usize::from(self.record_of_step[step]);
            let cell = out.summary.cell(draw, arm, record, person.female, age_band);
            cell[summary::PERSON_STEPS] += 1;
            cell[summary::ADMISSIONS] += i64::from(ev.admitted);
            cell[summary::BED_DAYS] += i64::from(ev.bed_days);
            cell[summary::DEATHS] += i64::from(ev.died);
            life.record_step(&person, ev.admitted, ev.bed_days);
            if ev.died {
                break;
            }
            checkpoints.observe(step as u32, &person);
            if self.is_record_step[step] {
                self.observe(model, &person, draw, arm, record, &mut out.summary);
                if with_trajectory {
                    self.trajectory_row(model, &person, record, &life, &mut out.trajectories[k]);
                }
            }
        }
        life.finish(start, &person, dt, &ledger, &mut out.outcomes[k]);
        let horizon = f64::from(self.scenario.horizon_steps) * dt;
        checkpoints.finish(!person.alive, horizon, &mut out.outcomes[k].checkpoints);
    }

    /// Adds a living person to the summary cell of a record.
    fn observe(
        &self,
        model: &Model,
        p: &Person,
        draw: usize,
        arm: usize,
        record: usize,
        grid: &mut SummaryGrid,
    ) {
        let gait = model.gait(p);
        let c = grid.cell(draw, arm, record, p.female, band(p.age));
        c[summary::ALIVE] += 1;
        c[summary::ALM] += milli(p.alm());
        c[summary::GRIP] += milli(p.grip());
        c[summary::ALMI] += milli(p.alm_index());
        c[summary::GAIT] += milli(gait);
        let e = p.class.ewgsop2;
        for level in 0..3u8 {
            c[summary::EWGSOP2_PROBABLE + usize::from(level)] += i64::from(e > level);
        }
        c[summary::FNIH] += i64::from(p.class.fnih);
        c[summary::AWGS] += i64::from(p.class.awgs >= 1);
        c[summary::AWGS + 1] += i64::from(p.class.awgs >= 2);
        c[summary::TRAINING] += i64::from(p.sessions > 0.0);
        for cond in 0..5 {
            c[summary::CONDITIONS + cond] += i64::from(p.has(cond));
        }
    }

    fn trajectory_row(
        &self,
        model: &Model,
        p: &Person,
        record: usize,
        life: &Life,
        t: &mut TrajectoryColumns,
    ) {
        t.person_id.push(p.id);
        t.record.push(record as i32);
        t.time_years
            .push((f64::from(self.record_steps[record]) * model.dt) as f32);
        t.age.push(p.age as f32);
        t.female.push(p.female);
        t.height.push(p.height as f32);
        t.weight.push(p.weight as f32);
        t.bmi.push(p.bmi() as f32);
        t.alm.push(p.alm() as f32);
        t.alm_index.push(p.alm_index() as f32);
        t.quality.push(p.quality() as f32);
        t.grip.push(p.grip() as f32);
        t.gait.push(model.gait(p) as f32);
        t.protein.push(p.protein as f32);
        t.training_sessions.push(p.sessions as f32);
        t.testosterone
            .push((!p.female).then_some(p.testosterone as f32));
        t.menopausal.push(p.menopausal());
        t.conditions.push(i32::from(p.conditions));
        t.in_hospital.push(p.in_bed());
        t.admissions.push(life.admissions as i32);
        t.ewgsop2.push(i32::from(p.class.ewgsop2));
        t.fnih.push(p.class.fnih);
        t.awgs.push(i32::from(p.class.awgs));
    }
}

/// Running totals of one person's life in one arm, for the outcomes table.
struct Life {
    steps: u64,
    /// Steps lived with EWGSOP2 confirmed, EWGSOP2 probable, FNIH, AWGS.
    sarcopenic_steps: [u64; 4],
    onset: [Option<f64>; 3],
    /// Bit i set while `onset[i]` is still unknown.
    onset_pending: u8,
    admissions: u32,
    bed_days: u32,
}

impl Life {
    fn start(p: &Person) -> Self {
        let mut life = Life {
            steps: 0,
            sarcopenic_steps: [0; 4],
            onset: [None; 3],
            onset_pending: 0b111,
            admissions: 0,
            bed_days: 0,
        };
        life.note_onsets(p);
        life
    }

    fn flags(p: &Person) -> [bool; 4] {
        [
            p.class.ewgsop2 >= CONFIRMED,
            p.class.ewgsop2 >= PROBABLE,
            p.class.fnih,
            p.class.awgs >= 1,
        ]
    }

    fn note_onsets(&mut self, p: &Person) {
        let f = Self::flags(p);
        self.note_onsets_of(p, f);
    }

    #[inline]
    fn note_onsets_of(&mut self, p: &Person, f: [bool; 4]) {
        let hits =
            (u8::from(f[0]) | u8::from(f[2]) << 1 | u8::from(f[3]) << 2) & self.onset_pending;
        if hits == 0 {
            return;
        }
        for (i, onset) in self.onset.iter_mut().enumerate() {
            if hits & (1 << i) != 0 {
                *onset = Some(p.age);
            }
        }
        self.onset_pending &= !hits;
    }

    fn record_step(&mut self, p: &Person, admitted: bool, bed_days: u32) {
        self.steps += 1;
        let f = Self::flags(p);
        for (n, flag) in self.sarcopenic_steps.iter_mut().zip(f) {
            *n += u64::from(flag);
        }
        self.note_onsets_of(p, f);
        self.admissions += u32::from(admitted);
        self.bed_days += bed_days;
    }

    fn finish(
        &self,
        start: &Person,
        end: &Person,
        dt: f64,
        ledger: &Ledger,
        o: &mut OutcomeColumns,
    ) {
        let years = |steps: u64| steps as f64 * dt;
        o.person_id.push(start.id);
        o.cohort.push(i32::from(start.cohort));
        o.female.push(start.female);
        o.start_age.push(start.age);
        o.years_lived.push(years(self.steps));
        o.died.push(!end.alive);
        o.age_at_death.push((!end.alive).then_some(end.age));
        o.years_ewgsop2.push(years(self.sarcopenic_steps[0]));
        o.years_ewgsop2_probable
            .push(years(self.sarcopenic_steps[1]));
        o.years_fnih.push(years(self.sarcopenic_steps[2]));
        o.years_awgs.push(years(self.sarcopenic_steps[3]));
        o.onset_age_ewgsop2.push(self.onset[0]);
        o.onset_age_fnih.push(self.onset[1]);
        o.onset_age_awgs.push(self.onset[2]);
        o.admissions.push(self.admissions as i32);
        o.bed_days.push(self.bed_days as i32);
        o.conditions_start.push(i32::from(start.conditions));
        o.conditions_end.push(i32::from(end.conditions));
        o.alm_start.push(start.alm());
        o.alm_end.push(end.alm());
        o.grip_start.push(start.grip());
        o.grip_end.push(end.grip());
        o.ewgsop2_end
            .push(end.alive && end.class.ewgsop2 >= CONFIRMED);
        o.fnih_end.push(end.alive && end.class.fnih);
        o.awgs_end.push(end.alive && end.class.awgs >= 1);
        o.cost.push(ledger.cost);
        o.qalys.push(ledger.qalys);
        o.intervention_cost.push(ledger.intervention_cost);
        o.intervention_years.push(ledger.intervention_years);
    }
}

/// Runs the plan on the current rayon pool, feeding the sink in chunk order from a writer
/// thread; memory stays bounded by one batch in flight and one being written.
pub fn execute(plan: &Plan<'_>, sink: &mut dyn Sink, progress: &ProgressBar) -> Result<RowCounts> {
    let chunks = plan.chunks();
    let batch = (rayon::current_num_threads() * 4).max(1);
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<ChunkResult>>(1);
        let writer = scope.spawn(move || -> Result<RowCounts> {
            for results in rx {
                for r in results {
                    sink.accept(r)?;
                }
            }
            sink.finish()
        });
        for (b, group) in chunks.chunks(batch).enumerate() {
            let results: Vec<ChunkResult> = group
                .par_iter()
                .enumerate()
                .map(|(i, ids)| {
                    let r = plan.simulate_chunk((b * batch + i) as u64, ids.clone());
                    progress.inc(r.persons);
                    r
                })
                .collect();
            if tx.send(results).is_err() {
                break; // the writer failed; its error is reported below
            }
        }
        drop(tx);
        writer
            .join()
            .map_err(|_| Error::Other("the writer thread panicked".into()))?
    })
}
