//! The Monte Carlo core: persons in chunks across a rayon pool, each person stepped
//! through the horizon once per draw and arm, results streamed in order to a [`Sink`] on
//! a writer thread while the next batch is computed.
//!
//! A person's arms run back to back from the same sampled start and the same keyed
//! streams (common random numbers); nothing depends on which thread or chunk a person
//! falls in, so any thread count and any shard split give identical rows.

use crate::economics::{ConditionSums, Economics};
use crate::error::{Error, Result};
use crate::life::{self, Schedule, Subject};
use crate::model::{Model, Person};
use crate::population;
use crate::reference;
use crate::scenario::Scenario;
use crate::sinks::rows::{RowContext, RowsObserver};
use crate::sinks::summary::SummaryObserver;
use crate::sinks::{ChunkResult, OutcomeColumns, RowCounts, Sink, SummaryGrid, TrajectoryColumns};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::mpsc::sync_channel;

/// Persons per chunk: small enough to balance two threads, large enough to amortise.
pub const CHUNK_PERSONS: u64 = 512;

/// The parameters of draw `draw` of a scenario: its central values with its overrides in
/// draw 0; later draws sample every uncertain parameter the scenario does not pin. The
/// one place a run (and `parameters.parquet`) gets a draw's parameters.
pub fn draw_parameters(scenario: &Scenario, draw: u32) -> crate::params::Params {
    let pinned: Vec<String> = scenario.parameters.keys().cloned().collect();
    scenario.params().for_draw(scenario.seed, draw, &pinned)
}

/// Everything the workers share: the scenario, one model per draw, the record schedule.
pub struct Plan<'a> {
    pub scenario: &'a Scenario,
    /// One per draw computed, draws `first_draw..` (draw 0 = central parameters).
    pub models: Vec<Model>,
    /// The draw of `models[0]`: a run extending a directory computes only the new draws.
    pub first_draw: u32,
    /// Persons of this shard.
    pub persons: Range<u64>,
    /// When records are taken (record 0 = the start).
    pub schedule: Schedule,
    /// Persons with an id below this get trajectory rows.
    trajectory_persons: u64,
    /// For draw d and step s (1-based), the economic discount factor of the step's midpoint.
    discount: Vec<Vec<f64>>,
    /// Economics inputs per draw (draw 0 central, 1.. sampled).
    economics: Vec<Economics>,
    /// Their per-condition sums, tabulated by condition set.
    condition_sums: Vec<ConditionSums>,
}

impl<'a> Plan<'a> {
    /// Builds the models of every draw (this calibrates mortality per draw).
    pub fn new(scenario: &'a Scenario, persons: Range<u64>) -> Self {
        Self::for_draws(scenario, persons, 0)
    }

    /// Builds the models of draws `first_draw..=scenario.draws` only.
    pub fn for_draws(scenario: &'a Scenario, persons: Range<u64>, first_draw: u32) -> Self {
        let models = (first_draw..=scenario.draws)
            .map(|d| {
                reference::calibrated_model_for(
                    draw_parameters(scenario, d),
                    scenario.step,
                    &scenario.mortality,
                )
            })
            .collect();
        let mut plan = Self::with_models(scenario, persons, models);
        plan.first_draw = first_draw;
        // Economics are keyed by the draw too.
        plan.set_economics();
        plan
    }

    pub fn with_models(scenario: &'a Scenario, persons: Range<u64>, models: Vec<Model>) -> Self {
        let mut plan = Self {
            discount: Vec::new(),
            economics: Vec::new(),
            condition_sums: Vec::new(),
            trajectory_persons: scenario.trajectory_persons(),
            scenario,
            models,
            first_draw: 0,
            persons,
            schedule: Schedule::new(scenario.record_steps()),
        };
        plan.set_economics();
        plan
    }

    /// The economics inputs and discount factors of draws `first_draw..`.
    fn set_economics(&mut self) {
        let scenario = self.scenario;
        let h = scenario.horizon_steps as usize;
        let economics: Vec<Economics> = (0..self.models.len() as u32)
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
        self.condition_sums = economics.iter().map(ConditionSums::of).collect();
        self.economics = economics;
    }

    pub fn record_times(&self) -> Vec<f64> {
        self.schedule
            .record_steps()
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
            summary: SummaryGrid::new(arms, draws, self.schedule.records()),
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

    /// Lives one person in one (draw, arm), into the chunk's summary and columns.
    fn simulate_person(
        &self,
        model: &Model,
        draw: usize,
        arm: usize,
        start: &Person,
        out: &mut ChunkResult,
    ) {
        let k = draw * self.scenario.arms.len() + arm;
        let context = RowContext {
            economics: &self.economics[draw],
            condition_sums: &self.condition_sums[draw],
            discount: &self.discount[draw],
            checkpoints: &self.scenario.checkpoints,
            record_steps: self.schedule.record_steps(),
            horizon_years: f64::from(self.scenario.horizon_steps) * model.dt,
        };
        let trajectories = (start.id < self.trajectory_persons).then_some(&mut out.trajectories[k]);
        let rows = RowsObserver::new(context, start, &mut out.outcomes[k], trajectories);
        let summary = SummaryObserver {
            grid: &mut out.summary,
            draw,
            arm,
        };
        let subject = Subject {
            start,
            interventions: &self.scenario.arms[arm].interventions,
            seed: self.scenario.seed,
            draw: self.first_draw + draw as u32,
        };
        life::live(model, &self.schedule, subject, &mut (summary, rows));
    }
}

/// What [`execute`] did: the sink's row counts and how long its writer thread was busy.
#[derive(Clone, Debug)]
pub struct Executed {
    pub rows: RowCounts,
    /// Seconds the writer thread spent in the sink (encoding, compressing, writing), in
    /// parallel with the stepping of the next batch.
    pub writer_seconds: f64,
}

/// Runs the plan on the current rayon pool, feeding the sink in chunk order from a writer
/// thread; memory stays bounded by one batch in flight and one being written.
pub fn execute(plan: &Plan<'_>, sink: &mut dyn Sink, progress: &ProgressBar) -> Result<Executed> {
    let chunks = plan.chunks();
    let batch = (rayon::current_num_threads() * 4).max(1);
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<ChunkResult>>(1);
        let writer = scope.spawn(move || -> Result<Executed> {
            let mut busy = std::time::Duration::ZERO;
            for results in rx {
                let started = std::time::Instant::now();
                for r in results {
                    sink.accept(r)?;
                }
                busy += started.elapsed();
            }
            let started = std::time::Instant::now();
            let rows = sink.finish()?;
            busy += started.elapsed();
            Ok(Executed {
                rows,
                writer_seconds: busy.as_secs_f64(),
            })
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
