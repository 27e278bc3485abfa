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
}

/// What a finished run reports back.
#[derive(Clone, Debug)]
pub struct RunSummary {
    pub persons: u64,
    pub rows: RowCounts,
    pub wall_seconds: f64,
    pub threads: usize,
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
    let rows = pool.install(|| -> Result<RowCounts> {
        let plan = Plan::new(scenario, persons.clone());
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
        engine::execute(&plan, &mut sink as &mut dyn Sink, &progress)
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
    })
}
