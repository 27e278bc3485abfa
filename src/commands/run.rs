//! `sarcosim run` and `sarcosim check`: a scenario into a results directory, or its
//! validated form on stdout.

use crate::cli::RunArgs;
use crate::print_out;
use sarcosim::output::Shard;
use sarcosim::run::{RunOptions, RunSummary};
use sarcosim::scenario::set::Setting;
use sarcosim::{Error, Scenario};
use std::io::IsTerminal;
use std::path::Path;

/// `sarcosim run`: the scenario (or each variant of its sweep) into `--out`.
pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let RunArgs {
        scenario,
        out,
        population,
        seed,
        draws,
        threads,
        shard,
        shard_count,
        force,
        resume,
        quiet,
        set,
    } = args;
    let overrides = sarcosim::scenario::Overrides {
        population,
        seed,
        draws,
    };
    let source = sarcosim::sensitivity::Source {
        path: scenario,
        settings: set,
        overrides,
    };
    let s = source.scenario(&[]).map_err(Error::from)?;
    let shard = match shard {
        Some(text) => text.parse::<Shard>()?,
        None => Shard::from_env(|k| std::env::var(k).ok(), shard_count)?.unwrap_or(Shard::WHOLE),
    };
    let opts = RunOptions {
        out,
        shard,
        threads,
        force,
        progress: !quiet && std::io::stderr().is_terminal(),
        resume,
    };
    if !s.sweep.is_empty() {
        let mut say = |v: &sarcosim::scenario::sweep::Variant, s: &Scenario, r: &RunSummary| {
            if !quiet {
                eprintln!("variant {}: {}", v.label, v.settings.join(", "));
                say_run(s, &opts, r);
            }
        };
        sarcosim::sensitivity::sweep::run(&source, &s, &opts, &mut say)?;
        return Ok(());
    }
    let summary = sarcosim::run::run(&s, &opts)?;
    if !quiet {
        say_run(&s, &opts, &summary);
    }
    Ok(())
}

/// The closing lines of `run` on stderr.
fn say_run(s: &Scenario, opts: &RunOptions, summary: &RunSummary) {
    let (shard, out) = (opts.shard, &opts.out);
    if summary.stale_files_removed > 0 {
        eprintln!(
            "removed {} temporary file(s) left by a crashed run of {shard}",
            summary.stale_files_removed
        );
    }
    if summary.skipped {
        eprintln!(
            "{}: {shard} is already complete and valid in {}; skipped (--resume)",
            s.name,
            out.display()
        );
        return;
    }
    let rows: Vec<String> = summary
        .rows
        .iter()
        .map(|(t, n)| format!("{n} {t} rows"))
        .collect();
    let draws = if summary.first_draw == 0 {
        format!("{} draw(s)", s.draws + 1)
    } else {
        format!("draws {}..{} (added)", summary.first_draw, s.draws)
    };
    eprintln!(
        "{}: {} persons × {} arm(s) × {draws} in {:.2} s on {} thread(s); {} → {}",
        s.name,
        summary.persons,
        s.arms.len(),
        summary.wall_seconds,
        summary.threads,
        rows.join(", "),
        out.display()
    );
    eprintln!(
        "{:.0} person-years, {:.0} person-years/s (calibration {:.2} s)",
        summary.person_years,
        summary.person_years / summary.wall_seconds.max(1e-9),
        summary.calibration_seconds
    );
    eprintln!(
        "phases: calibration {:.2} s, stepping and writing {:.2} s (writer thread busy {:.2} s), \
         comparison {:.2} s",
        summary.calibration_seconds,
        summary.simulation_seconds,
        summary.writer_seconds,
        summary.comparison_seconds
    );
}

/// `sarcosim check`: the validated scenario, described, on stdout.
pub fn check(scenario: &Path, set: &[Setting]) -> anyhow::Result<()> {
    let s = Scenario::from_file_with(scenario, set).map_err(Error::from)?;
    print_out(&sarcosim::scenario::describe(&s))
}
