//! One `sarcosim run`: check the limits and the output directory, plan the draws the shard
//! still needs, run the engine into the Parquet sink, and record the shard complete (with
//! its files' checks). Nothing is created under the directory until every input has been
//! checked; a rerun of a complete shard keeps its record until the new results are
//! complete, so a failed rerun leaves the old run intact.

use crate::compare::decision::files::FILES as DECISION_FILES;
use crate::engine::{self, Plan};
use crate::error::{Error, Result};
use crate::output::{
    iso_time, run_metadata, temp, DrawPart, Manifest, ResultsDir, RunIdentity, Shard, ShardRecord,
    ShardStatus, FORMAT, MAX_SHARDS,
};
use crate::scenario::Scenario;
use crate::sinks::parameters::{PsaTable, FILE as PSA_FILE};
use crate::sinks::parquet::ParquetSink;
use crate::sinks::{RowCounts, Sink};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

#[derive(Clone, Debug)]
pub struct RunOptions {
    pub out: PathBuf,
    pub shard: Shard,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Replace a different run's results; skip the free-space check.
    pub force: bool,
    pub progress: bool,
    /// Skip the shard if its outputs are already complete and valid; clear what a crashed
    /// run of it left behind.
    pub resume: bool,
}

/// What a finished run reports back.
#[derive(Clone, Debug)]
pub struct RunSummary {
    pub persons: u64,
    pub rows: RowCounts,
    pub wall_seconds: f64,
    pub threads: usize,
    /// Person-years simulated (every arm and draw): the summary's person-steps × step.
    pub person_years: f64,
    /// Seconds spent before the first person (building the models: mortality calibration).
    pub calibration_seconds: f64,
    /// Seconds from the first person to the last row written (stepping, with the writing
    /// overlapped on its own thread).
    pub simulation_seconds: f64,
    /// Of `simulation_seconds`, the seconds the writer thread was busy (Parquet encoding,
    /// compression, writes).
    pub writer_seconds: f64,
    /// Seconds spent writing the comparison and PSA tables (0 unless this shard completed
    /// the run).
    pub comparison_seconds: f64,
    /// With `resume`: the shard was complete and valid, nothing was simulated.
    pub skipped: bool,
    /// With `resume`: temporary files of a crashed run removed.
    pub stale_files_removed: usize,
    /// The first draw computed: 0, or K+1 when the directory held draws 0..=K of the shard.
    pub first_draw: u32,
}

/// The most worker threads a run may ask for: 4 per available core, at most 1024.
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (4 * cores).min(1024)
}

/// Refuses (bad input) thread and shard counts the machine or the population cannot use.
fn check_limits(scenario: &Scenario, opts: &RunOptions) -> Result<()> {
    let max = max_threads();
    if opts.threads > max {
        return Err(Error::BadInput(format!(
            "--threads {} is more than this machine can use: at most {max} (4 per available core, at most 1024)",
            opts.threads
        )));
    }
    let n = opts.shard.count;
    if n > MAX_SHARDS || u64::from(n) > scenario.population {
        return Err(Error::BadInput(format!(
            "{} shards of {} persons: a run is split into at most {MAX_SHARDS} shards and no more shards than persons",
            n, scenario.population
        )));
    }
    Ok(())
}

/// Bytes per row of the Parquet tables, measured on the shipped scenarios (zstd level 1;
/// see docs/performance.md): outcomes 77.6, trajectories 36.5. Rounded up.
const OUTCOME_ROW_BYTES: u64 = 80;
const TRAJECTORY_ROW_BYTES: u64 = 40;
/// Per file: footer, schema and the summary tables (small).
const FILE_BYTES: u64 = 64 * 1024;

/// An upper estimate of the bytes draws `first..=draws` of a shard write (trajectories
/// counted as if every sampled person lived to the horizon).
pub fn estimate_bytes(scenario: &Scenario, shard: Shard, first: u32) -> u64 {
    let persons = shard.persons(scenario.population);
    let persons = persons.end - persons.start;
    let draws = u64::from(scenario.draws.saturating_sub(first)) + 1;
    let arms = scenario.arms.len() as u64;
    let records = scenario.record_steps().len() as u64;
    let traj = (u128::from(scenario.trajectory_persons()) * u128::from(persons)
        / u128::from(scenario.population.max(1))) as u64;
    let files = draws * arms * (1 + u64::from(traj > 0)) + 1;
    (persons * OUTCOME_ROW_BYTES + traj * records * TRAJECTORY_ROW_BYTES)
        .saturating_mul(draws * arms)
        .saturating_add(files * FILE_BYTES)
}

/// Whether every file of a complete part matches its record.
fn part_valid(rd: &ResultsDir, scenario: &Scenario, shard: Shard, part: &DrawPart) -> bool {
    let arms: Vec<String> = scenario.arms.iter().map(|a| a.name.clone()).collect();
    rd.part_problem(shard, &arms, part).is_none()
}

/// The draws a shard must still compute and the parts it keeps. The shard's record keeps
/// its complete parts from draw 0 on (checked file by file with `--resume`); the run
/// computes the draws after them. A rerun of a shard that already holds every draw
/// recomputes all of them, unless `--resume` says to skip it (then `None`).
fn plan_draws(
    rd: &ResultsDir,
    scenario: &Scenario,
    opts: &RunOptions,
    record: Option<&ShardRecord>,
) -> Option<(u32, Vec<DrawPart>)> {
    let same_run = |r: &ShardRecord| r.run.as_ref().is_none_or(|r| *r == rd.identity);
    let Some(record) = record.filter(|r| same_run(r)) else {
        return Some((0, Vec::new()));
    };
    let mut kept: Vec<DrawPart> = Vec::new();
    for p in &record.parts {
        let next = kept.last().map_or(0, |k| k.last + 1);
        if p.first != next
            || p.last > scenario.draws
            || (opts.resume && !part_valid(rd, scenario, opts.shard, p))
        {
            break;
        }
        kept.push(p.clone());
    }
    match kept.last().map(|p| p.last) {
        Some(last) if last == scenario.draws => {
            (!(opts.resume && record.status == ShardStatus::Complete)).then(|| (0, Vec::new()))
        }
        Some(last) => Some((last + 1, kept)),
        None => Some((0, Vec::new())),
    }
}

pub fn run(scenario: &Scenario, opts: &RunOptions) -> Result<RunSummary> {
    check_limits(scenario, opts)?;
    let rd = ResultsDir::new(&opts.out, RunIdentity::of(scenario, opts.shard.count));
    rd.prepare(opts.force)?;
    let existing = rd.manifest()?;
    if let Some(m) = existing.as_ref().filter(|m| scenario.draws < m.draws) {
        return Err(fewer_draws(&rd, scenario.draws, m.draws));
    }
    let stale_files_removed = if opts.resume {
        rd.remove_stale_temps(opts.shard)?
    } else {
        0
    };
    let record = existing
        .as_ref()
        .and_then(|m| m.shards.iter().find(|r| r.index == opts.shard.index));
    let Some((first_draw, kept)) = plan_draws(&rd, scenario, opts, record) else {
        let done = record.expect("a skipped shard has a record");
        let job = Job::new(&rd, scenario, opts, 0);
        job.repair_comparison()?;
        return Ok(skipped(done, scenario, stale_files_removed));
    };
    if !opts.force {
        rd.check_space(estimate_bytes(scenario, opts.shard, first_draw))?;
    }
    // A complete record of this run stays until the new results are complete.
    let keep_record = record.is_some_and(|r| {
        r.status == ShardStatus::Complete && r.run.as_ref().is_none_or(|r| *r == rd.identity)
    });
    let job = Job::new(&rd, scenario, opts, first_draw);
    let result = job.execute(kept, keep_record);
    if result.is_err() {
        job.clean_up_failure();
    }
    result.map(|mut s| {
        s.stale_files_removed = stale_files_removed;
        s
    })
}

fn skipped(done: &ShardRecord, scenario: &Scenario, stale_files_removed: usize) -> RunSummary {
    RunSummary {
        persons: done.end_person - done.first_person,
        rows: done.rows.clone(),
        wall_seconds: 0.0,
        threads: 0,
        person_years: 0.0,
        calibration_seconds: 0.0,
        simulation_seconds: 0.0,
        writer_seconds: 0.0,
        comparison_seconds: 0.0,
        skipped: true,
        stale_files_removed,
        first_draw: scenario.draws + 1,
    }
}

/// What [`Job::simulate`] measured: rows, person-steps and the seconds of its phases.
struct Simulated {
    rows: RowCounts,
    person_steps: i64,
    calibration_seconds: f64,
    simulation_seconds: f64,
    writer_seconds: f64,
}

/// One shard's computation of draws `first_draw..=draws` into the results directory.
struct Job<'a> {
    rd: &'a ResultsDir,
    scenario: &'a Scenario,
    opts: &'a RunOptions,
    first_draw: u32,
    arms: Vec<String>,
    started: SystemTime,
    clock: Instant,
}

impl<'a> Job<'a> {
    fn new(rd: &'a ResultsDir, scenario: &'a Scenario, opts: &'a RunOptions, first: u32) -> Self {
        Self {
            rd,
            scenario,
            opts,
            first_draw: first,
            arms: scenario.arms.iter().map(|a| a.name.clone()).collect(),
            started: SystemTime::now(),
            clock: Instant::now(),
        }
    }

    /// The manifest of a directory this run starts.
    fn fresh(&self) -> Manifest {
        let s = self.scenario;
        Manifest {
            format: FORMAT.to_string(),
            identity: self.rd.identity.clone(),
            step_years: s.step_years(),
            arms: self.arms.clone(),
            record_times: s
                .record_steps()
                .iter()
                .map(|k| f64::from(*k) * s.step_years())
                .collect(),
            scenario_resolved: serde_json::to_value(s).unwrap_or_default(),
            shards: Vec::new(),
            draws: s.draws,
            comparison: None,
            parameters: None,
            decision: Vec::new(),
        }
    }

    /// The shard's record: running (no finish time) or complete.
    fn record(
        &self,
        threads: usize,
        finished: Option<SystemTime>,
        parts: Vec<DrawPart>,
    ) -> ShardRecord {
        let persons = self.opts.shard.persons(self.scenario.population);
        ShardRecord {
            index: self.opts.shard.index,
            status: if finished.is_some() {
                ShardStatus::Complete
            } else {
                ShardStatus::Running
            },
            first_person: persons.start,
            end_person: persons.end,
            threads,
            host: temp::host(),
            started: iso_time(self.started),
            finished: finished.map(iso_time),
            wall_seconds: finished.map(|_| self.clock.elapsed().as_secs_f64()),
            rows: sum_rows(&parts),
            run: Some(self.rd.identity.clone()),
            draws: self.scenario.draws,
            parts,
        }
    }

    /// Puts the shard's record into the manifest (under the lock, checking again that no
    /// other run has started writing there).
    fn upsert(&self, r: ShardRecord) -> Result<()> {
        let (rd, scenario) = (self.rd, self.scenario);
        rd.update(
            || self.fresh(),
            |m| {
                let differences = rd.identity.differences(&m.identity);
                if !differences.is_empty() {
                    return Err(Error::BadInput(format!(
                        "refusing to write to {}: another run is writing there: {}",
                        rd.path().display(),
                        differences.join("; ")
                    )));
                }
                if scenario.draws < m.draws {
                    return Err(fewer_draws(rd, scenario.draws, m.draws));
                }
                if scenario.draws > m.draws {
                    // More draws than the directory held: the comparison of the old draws is
                    // stale until the last shard completes the new ones and rewrites it.
                    m.draws = scenario.draws;
                    m.scenario_resolved = serde_json::to_value(scenario).unwrap_or_default();
                    remove_if_present(&rd.path().join("comparison.parquet"))?;
                    remove_if_present(&rd.path().join(PSA_FILE))?;
                    for f in DECISION_FILES {
                        remove_if_present(&rd.path().join(f.file))?;
                    }
                    m.comparison = None;
                    m.parameters = None;
                    m.decision.clear();
                }
                m.shards.retain(|s| s.index != r.index);
                m.shards.push(r);
                m.shards.sort_by_key(|s| s.index);
                Ok(())
            },
        )
    }

    fn execute(&self, kept: Vec<DrawPart>, keep_record: bool) -> Result<RunSummary> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.opts.threads)
            .build()
            .map_err(|e| Error::Other(format!("cannot start worker threads: {e}")))?;
        let threads = pool.current_num_threads();
        if !keep_record {
            self.upsert(self.record(threads, None, kept.clone()))?;
        }
        let simulated = pool.install(|| self.simulate())?;
        let rows = simulated.rows.clone();
        let mut part = DrawPart {
            first: self.first_draw,
            last: self.scenario.draws,
            rows: rows.clone(),
            files: Vec::new(),
        };
        for path in crate::output::integrity::part_files(
            &self.rd.layout,
            self.opts.shard,
            &self.arms,
            &part,
        ) {
            part.files
                .push(crate::output::FileCheck::of(self.rd.path(), &path)?);
        }
        let mut parts = kept;
        parts.push(part);
        self.upsert(self.record(threads, Some(SystemTime::now()), parts.clone()))?;
        remove_other_summary_parts(self.rd, self.opts.shard, &parts)?;
        let comparing = Instant::now();
        self.write_comparison_if_complete()?;
        let comparison_seconds = comparing.elapsed().as_secs_f64();
        let persons = self.opts.shard.persons(self.scenario.population);
        Ok(RunSummary {
            persons: persons.end - persons.start,
            rows,
            wall_seconds: self.clock.elapsed().as_secs_f64(),
            threads,
            person_years: simulated.person_steps as f64 * self.scenario.step_years(),
            calibration_seconds: simulated.calibration_seconds,
            simulation_seconds: simulated.simulation_seconds,
            writer_seconds: simulated.writer_seconds,
            comparison_seconds,
            skipped: false,
            stale_files_removed: 0,
            first_draw: self.first_draw,
        })
    }

    /// Builds the plan and runs the engine into the Parquet sink.
    fn simulate(&self) -> Result<Simulated> {
        let (s, shard) = (self.scenario, self.opts.shard);
        let persons = shard.persons(s.population);
        let progress = progress_bar(self.opts.progress, persons.end - persons.start);
        let calibrating = Instant::now();
        let plan = Plan::for_draws(s, persons, self.first_draw);
        let calibration_seconds = calibrating.elapsed().as_secs_f64();
        progress.set_message(s.name.clone());
        progress.reset_elapsed();
        progress.reset_eta();
        let mut sink = ParquetSink::create(
            self.rd.layout.clone(),
            shard,
            self.arms.clone(),
            (self.first_draw, s.draws),
            &s.name,
            s.seed,
            plan.record_times(),
            s.step_years(),
            s.trajectory_persons() > 0,
            &s.checkpoints,
            run_metadata(&self.rd.identity),
        )?;
        let simulating = Instant::now();
        let executed = engine::execute(&plan, &mut sink as &mut dyn Sink, &progress)?;
        progress.finish_and_clear();
        Ok(Simulated {
            rows: executed.rows,
            person_steps: sink.person_steps(),
            calibration_seconds,
            simulation_seconds: simulating.elapsed().as_secs_f64(),
            writer_seconds: executed.writer_seconds,
        })
    }

    /// The last shard to finish writes the comparison of the whole run and the PSA table
    /// (`parameters.parquet`) (under the lock, so they are never written twice at once)
    /// and records their checks.
    fn write_comparison_if_complete(&self) -> Result<()> {
        let lock = self.rd.lock()?;
        if !self.rd.manifest()?.is_some_and(|m| m.is_complete()) {
            return Ok(());
        }
        let dir = self.rd.path();
        let psa = dir.join(PSA_FILE);
        PsaTable::of(self.scenario).write(&psa, &run_metadata(&self.rd.identity))?;
        let parameters = lock.check(&psa)?;
        let comparison = crate::compare::compare(dir)?;
        comparison.write(dir)?;
        let check = lock.check(&dir.join("comparison.parquet"))?;
        let mut decision = Vec::new();
        if let Some(a) = &comparison.decision {
            for path in a.write(dir, &run_metadata(&self.rd.identity))? {
                decision.push(lock.check(&path)?);
            }
        }
        lock.update(
            || self.fresh(),
            |m| {
                m.comparison = Some(check);
                m.parameters = Some(parameters);
                m.decision = decision;
                Ok(())
            },
        )
    }

    /// With every shard complete: rewrites a comparison a crash prevented, or one that no
    /// longer matches its record (truncated, replaced).
    fn repair_comparison(&self) -> Result<()> {
        let Some(m) = self.rd.manifest()?.filter(Manifest::is_complete) else {
            return Ok(());
        };
        let dir = self.rd.path();
        let bad = |file: &str, check: &Option<crate::output::FileCheck>| match check {
            _ if !dir.join(file).exists() => true,
            Some(c) => c.problem(dir, &self.rd.identity).is_some(),
            None => false,
        };
        let recorded = |file: &str| m.decision.iter().find(|c| c.path == file).cloned();
        let broken = bad("comparison.parquet", &m.comparison)
            || bad(PSA_FILE, &m.parameters)
            || DECISION_FILES
                .iter()
                .any(|f| bad(f.file, &recorded(f.file)) || recorded(f.file).is_none());
        if broken {
            self.write_comparison_if_complete()?;
        }
        Ok(())
    }

    /// After a failure: removes this process's temporary files and the files of the new
    /// draws that the manifest does not list, so the directory reads as before the run.
    fn clean_up_failure(&self) {
        temp::remove_own(self.rd.path());
        let Ok(Some(m)) = self.rd.manifest() else {
            return;
        };
        let shard = self.opts.shard;
        let listed: Vec<PathBuf> = m
            .shards
            .iter()
            .filter(|r| r.index == shard.index)
            .flat_map(|r| r.parts.iter())
            .flat_map(|p| crate::output::integrity::part_files(&self.rd.layout, shard, &m.arms, p))
            .collect();
        let mut new = DrawPart {
            first: self.first_draw,
            last: self.scenario.draws,
            rows: Default::default(),
            files: Vec::new(),
        };
        new.rows.insert("trajectories".into(), 0);
        for f in crate::output::integrity::part_files(&self.rd.layout, shard, &self.arms, &new) {
            if !listed.contains(&f) {
                let _ = std::fs::remove_file(&f);
            }
        }
    }
}

fn progress_bar(show: bool, persons: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(persons);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {human_pos}/{human_len} persons · {rate} · ETA {eta}",
        )
        .expect("valid template")
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} persons/s", state.per_sec());
            },
        )
        .progress_chars("=> "),
    );
    bar.set_message("calibrating");
    bar
}

fn remove_if_present(path: &std::path::Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Removes this shard's summary files of draw ranges other than `parts` (parts of an
/// earlier run of the shard that was recomputed), so no reader counts them twice.
fn remove_other_summary_parts(rd: &ResultsDir, shard: Shard, parts: &[DrawPart]) -> Result<()> {
    let summary = rd.path().join("summary");
    // A `sarcosim-results/1` directory kept one summary file per shard, directly here.
    remove_if_present(&summary.join(shard.file_name()))?;
    let Ok(entries) = std::fs::read_dir(&summary) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let file = e.path().join(shard.file_name());
        let kept = parts
            .iter()
            .any(|p| rd.layout.summary(shard, p.first, p.last) == file);
        if e.path().is_dir() && file.exists() && !kept {
            std::fs::remove_file(&file).map_err(|e| Error::io(&file, e))?;
        }
    }
    Ok(())
}

fn sum_rows(parts: &[DrawPart]) -> RowCounts {
    let mut rows = RowCounts::new();
    for p in parts {
        for (t, n) in &p.rows {
            *rows.entry(t.clone()).or_default() += n;
        }
    }
    rows
}

/// The refusal of a run asking for fewer draws than the directory holds (exit 2). Refused
/// rather than ignored: its results would not be the `--draws` it asked for.
fn fewer_draws(rd: &ResultsDir, asked: u32, held: u32) -> Error {
    Error::BadInput(format!(
        "refusing to write to {}: it holds draws 0..{held} of this run, more than the {asked} asked for (draws are only ever added)\n      hint: run with --draws {held} (or more), or choose another --out",
        rd.path().display()
    ))
}
