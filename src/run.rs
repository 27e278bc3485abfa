//! One `sarcosim run`: check the output directory, record the shard in the manifest,
//! build the plan, run the engine into the Parquet sink, and mark the shard complete.
//! Nothing is created under the directory until every input has been checked.

use crate::engine::{self, Plan};
use crate::error::{Error, Result};
use crate::output::{
    self, iso_time, DrawPart, Layout, Manifest, RunIdentity, Shard, ShardRecord, ShardStatus,
    FORMAT,
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
    /// The first draw computed: 0, or K+1 when the directory held draws 0..=K of the shard.
    pub first_draw: u32,
}

/// Whether every file of a complete part is there, readable, with the recorded row counts.
fn part_valid(layout: &Layout, scenario: &Scenario, shard: Shard, part: &DrawPart) -> bool {
    let arms: Vec<String> = scenario.arms.iter().map(|a| a.name.clone()).collect();
    let files = output::shard_files(
        layout,
        shard,
        &arms,
        part,
        scenario.trajectory_persons() > 0,
    );
    output::shard_files_invalid(&files, &part.rows).is_none()
}

/// The draws a shard must still compute and the parts it keeps. The shard's record keeps
/// its complete parts from draw 0 on (checked file by file with `--resume`); the run
/// computes the draws after them. A rerun of a shard that already holds every draw
/// recomputes all of them, unless `--resume` says to skip it (then `None`).
fn plan_draws(
    layout: &Layout,
    scenario: &Scenario,
    identity: &RunIdentity,
    opts: &RunOptions,
    record: Option<&ShardRecord>,
) -> Option<(u32, Vec<DrawPart>)> {
    let Some(record) = record.filter(|r| r.run.as_ref().is_none_or(|r| r == identity)) else {
        return Some((0, Vec::new()));
    };
    let mut kept: Vec<DrawPart> = Vec::new();
    for p in &record.parts {
        let next = kept.last().map_or(0, |k| k.last + 1);
        if p.first != next
            || p.last > scenario.draws
            || (opts.resume && !part_valid(layout, scenario, opts.shard, p))
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

/// Removes this shard's summary files of draw ranges other than `kept` (parts of an earlier
/// run of the shard that is being recomputed), so no reader counts them twice.
fn remove_other_summary_parts(layout: &Layout, shard: Shard, kept: &[DrawPart]) -> Result<()> {
    let summary = layout.dir.join("summary");
    // A `sarcosim-results/1` directory kept one summary file per shard, directly here.
    let old = summary.join(shard.file_name());
    if old.is_file() {
        std::fs::remove_file(&old).map_err(|e| Error::io(&old, e))?;
    }
    let Ok(entries) = std::fs::read_dir(&summary) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let part_dir = e.path();
        let file = part_dir.join(shard.file_name());
        let is_kept = kept
            .iter()
            .any(|p| layout.summary(shard, p.first, p.last) == file);
        if part_dir.is_dir() && file.exists() && !is_kept {
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
    let existing = if layout.manifest().exists() {
        Some(Manifest::read(&layout.manifest())?)
    } else {
        None
    };
    if let Some(m) = existing.as_ref().filter(|m| scenario.draws < m.draws) {
        return Err(fewer_draws(&layout, scenario.draws, m.draws));
    }
    let mut stale_files_removed = 0;
    if opts.resume {
        stale_files_removed = output::remove_stale_temp_files(&layout.dir, opts.shard)?;
    }
    let record = existing
        .as_ref()
        .and_then(|m| m.shards.iter().find(|r| r.index == opts.shard.index));
    let Some((first_draw, kept)) = plan_draws(&layout, scenario, &identity, opts, record) else {
        let done = record.expect("a skipped shard has a record");
        // A crash after the last shard completed but before the comparison was written.
        let all_complete = existing
            .as_ref()
            .is_some_and(|m| m.complete_shards().len() as u32 == opts.shard.count);
        if all_complete && !opts.out.join("comparison.parquet").exists() {
            crate::compare::compare(&opts.out)?.write(&opts.out)?;
        }
        return Ok(RunSummary {
            persons: done.end_person - done.first_person,
            rows: done.rows.clone(),
            wall_seconds: 0.0,
            threads: 0,
            person_years: 0.0,
            calibration_seconds: 0.0,
            skipped: true,
            stale_files_removed,
            first_draw: scenario.draws + 1,
        });
    };
    remove_other_summary_parts(&layout, opts.shard, &kept)?;
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
        draws: scenario.draws,
    };
    let record = |status, finished: Option<SystemTime>, parts: Vec<DrawPart>| ShardRecord {
        index: opts.shard.index,
        status,
        first_person: persons.start,
        end_person: persons.end,
        threads,
        host: host(),
        started: iso_time(started),
        finished: finished.map(iso_time),
        wall_seconds: finished.map(|_| clock.elapsed().as_secs_f64()),
        rows: sum_rows(&parts),
        run: Some(identity.clone()),
        draws: scenario.draws,
        parts,
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
            if scenario.draws < m.draws {
                return Err(fewer_draws(&layout, scenario.draws, m.draws));
            }
            if scenario.draws > m.draws {
                // More draws than the directory held: the comparison of the old draws is
                // stale until the last shard completes the new ones and rewrites it.
                m.draws = scenario.draws;
                m.scenario_resolved = serde_json::to_value(scenario).unwrap_or_default();
                let c = layout.dir.join("comparison.parquet");
                if c.exists() {
                    std::fs::remove_file(&c).map_err(|e| Error::io(&c, e))?;
                }
            }
            m.shards.retain(|s| s.index != r.index);
            m.shards.push(r);
            m.shards.sort_by_key(|s| s.index);
            Ok(())
        })
    };
    upsert(record(ShardStatus::Running, None, kept.clone()))?;

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
        let plan = Plan::for_draws(scenario, persons.clone(), first_draw);
        calibration_seconds = calibrating.elapsed().as_secs_f64();
        progress.set_message(scenario.name.clone());
        progress.reset_elapsed();
        progress.reset_eta();
        let mut sink = ParquetSink::create(
            layout.clone(),
            opts.shard,
            scenario.arms.iter().map(|a| a.name.clone()).collect(),
            (first_draw, scenario.draws),
            &scenario.name,
            scenario.seed,
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
    let mut parts = kept;
    parts.push(DrawPart {
        first: first_draw,
        last: scenario.draws,
        rows: rows.clone(),
    });
    upsert(record(
        ShardStatus::Complete,
        Some(SystemTime::now()),
        parts,
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
        first_draw,
    })
}

/// The refusal of a run asking for fewer draws than the directory holds (exit 2). Refused
/// rather than ignored: its results would not be the `--draws` it asked for.
fn fewer_draws(layout: &Layout, asked: u32, held: u32) -> Error {
    Error::BadInput(format!(
        "refusing to write to {}: it holds draws 0..{held} of this run, more than the {asked} asked for (draws are only ever added)\n      hint: run with --draws {held} (or more), or choose another --out",
        layout.dir.display()
    ))
}
