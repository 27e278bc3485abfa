//! One `sarcosim run`: check the output directory, record the shard in the manifest,
//! build the plan, run the engine into the Parquet sink, and mark the shard complete.
//! Nothing is created under the directory until every input has been checked.

use crate::engine::{self, Plan};
use crate::error::{Error, Result};
use crate::output::{
    self, iso_time, Layout, Manifest, RunIdentity, Shard, ShardRecord, ShardStatus, FORMAT,
};
use crate::scenario::Scenario;
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
    /// With `resume`: the shard was complete and valid, nothing was simulated.
    pub skipped: bool,
    /// With `resume`: temporary files of a crashed run removed.
    pub stale_files_removed: usize,
}

/// With `--resume`: the shard's manifest record if the shard is complete and its files are
/// all there, readable, with the recorded row counts.
fn complete_and_valid(
    layout: &Layout,
    scenario: &Scenario,
    identity: &RunIdentity,
    shard: Shard,
) -> Result<Option<ShardRecord>> {
    if !layout.manifest().exists() {
        return Ok(None);
    }
    let manifest = Manifest::read(&layout.manifest())?;
    let Some(record) = manifest
        .shards
        .into_iter()
        .find(|r| r.index == shard.index && r.status == ShardStatus::Complete)
    else {
        return Ok(None);
    };
    if record.run.as_ref().is_some_and(|r| r != identity) {
        return Ok(None);
    }
    let arms: Vec<String> = scenario.arms.iter().map(|a| a.name.clone()).collect();
    let files = output::shard_files(
        layout,
        shard,
        &arms,
        scenario.draws,
        scenario.trajectory_persons() > 0,
    );
    Ok(output::shard_files_invalid(&files, &record.rows)
        .is_none()
        .then_some(record))
}

fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default()
}

pub fn run(scenario: &Scenario, opts: &RunOptions) -> Result<RunSummary> {
    let layout = Layout::new(&opts.out);
    let identity = RunIdentity::of(scenario, opts.shard.count);
    output::check_directory(&layout, &identity, opts.force)?;
    let mut stale_files_removed = 0;
    if opts.resume {
        stale_files_removed = output::remove_stale_temp_files(&layout.dir, opts.shard)?;
        if let Some(done) = complete_and_valid(&layout, scenario, &identity, opts.shard)? {
            // A crash after the last shard completed but before the comparison was written.
            let all_complete = Manifest::read(&layout.manifest())
                .map(|m| m.complete_shards().len() as u32 == opts.shard.count)
                .unwrap_or(false);
            if all_complete && !opts.out.join("comparison.parquet").exists() {
                crate::compare::compare(&opts.out)?.write(&opts.out)?;
            }
            return Ok(RunSummary {
                persons: done.end_person - done.first_person,
                rows: done.rows,
                wall_seconds: 0.0,
                threads: 0,
                person_years: 0.0,
                calibration_seconds: 0.0,
                skipped: true,
                stale_files_removed,
            });
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| Error::Other(format!("cannot start worker threads: {e}")))?;
    let threads = pool.current_num_threads();
    let persons = opts.shard.persons(scenario.population);
    let started = SystemTime::now();
    let clock = Instant::now();

    let fresh = || Manifest {
        format: FORMAT.to_string(),
        identity: identity.clone(),
        step_years: scenario.step_years(),
        arms: scenario.arms.iter().map(|a| a.name.clone()).collect(),
        record_times: scenario
            .record_steps()
            .iter()
            .map(|s| f64::from(*s) * scenario.step_years())
            .collect(),
        scenario_resolved: serde_json::to_value(scenario).unwrap_or_default(),
        shards: Vec::new(),
    };
    let record = |status, finished: Option<SystemTime>, rows: RowCounts| ShardRecord {
        index: opts.shard.index,
        status,
        first_person: persons.start,
        end_person: persons.end,
        threads,
        host: host(),
        started: iso_time(started),
        finished: finished.map(iso_time),
        wall_seconds: finished.map(|_| clock.elapsed().as_secs_f64()),
        rows,
        run: Some(identity.clone()),
    };
    let upsert = |r: ShardRecord| {
        output::update_manifest(&layout, fresh, |m| {
            // Checked again under the lock: another run may have started since the pre-check.
            let differences = identity.differences(&m.identity);
            if !differences.is_empty() {
                return Err(Error::BadInput(format!(
                    "refusing to write to {}: another run is writing there: {}",
                    layout.dir.display(),
                    differences.join("; ")
                )));
            }
            m.shards.retain(|s| s.index != r.index);
            m.shards.push(r);
            m.shards.sort_by_key(|s| s.index);
            Ok(())
        })
    };
    upsert(record(ShardStatus::Running, None, RowCounts::new()))?;

    let progress =
        if opts.progress {
            let bar = ProgressBar::new(persons.end - persons.start);
            bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {human_pos}/{human_len} persons · {rate} · ETA {eta}",
            )
            .expect("valid template")
            .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} persons/s", state.per_sec());
            })
            .progress_chars("=> "),
        );
            bar.set_message("calibrating");
            bar
        } else {
            ProgressBar::hidden()
        };
    let mut calibration_seconds = 0.0;
    let mut person_steps = 0;
    let rows = pool.install(|| -> Result<RowCounts> {
        let calibrating = Instant::now();
        let plan = Plan::new(scenario, persons.clone());
        calibration_seconds = calibrating.elapsed().as_secs_f64();
        progress.set_message(scenario.name.clone());
        progress.reset_elapsed();
        progress.reset_eta();
        let mut sink = ParquetSink::create(
            layout.clone(),
            opts.shard,
            scenario.arms.iter().map(|a| a.name.clone()).collect(),
            scenario.draws,
            plan.record_times(),
            scenario.step_years(),
            scenario.trajectory_persons() > 0,
            &scenario.checkpoints,
        )?;
        let rows = engine::execute(&plan, &mut sink as &mut dyn Sink, &progress)?;
        person_steps = sink.person_steps();
        Ok(rows)
    })?;
    progress.finish_and_clear();
    upsert(record(
        ShardStatus::Complete,
        Some(SystemTime::now()),
        rows.clone(),
    ))?;
    // The last shard to finish writes the comparison of the whole run.
    let complete = Manifest::read(&layout.manifest())
        .map(|m| m.complete_shards().len() as u32 == opts.shard.count)
        .unwrap_or(false);
    if complete {
        crate::compare::compare(&opts.out)?.write(&opts.out)?;
    }
    Ok(RunSummary {
        persons: persons.end - persons.start,
        rows,
        wall_seconds: clock.elapsed().as_secs_f64(),
        threads,
        person_years: person_steps as f64 * scenario.step_years(),
        calibration_seconds,
        skipped: false,
        stale_files_removed,
    })
}
