//! The `sarcosim` command: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 2 bad input, 1 anything else).

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command};
use sarcosim::output::Shard;
use sarcosim::run::{run, RunOptions};
use sarcosim::{report, Error, Scenario};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let bad_input = e.downcast_ref::<Error>().is_some_and(Error::is_bad_input);
            eprintln!("error: {e:#}");
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn execute(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Run {
            scenario,
            out,
            population,
            seed,
            threads,
            shard,
            shard_count,
            force,
            resume,
            quiet,
        } => {
            let mut s = Scenario::from_file(&scenario).map_err(Error::from)?;
            if let Some(p) = population {
                if p == 0 {
                    return Err(Error::BadInput("--population must be at least 1".into()).into());
                }
                s.population = p;
            }
            if let Some(seed) = seed {
                s.seed = seed;
            }
            let shard = match shard {
                Some(text) => text.parse::<Shard>()?,
                None => {
                    Shard::from_env(|k| std::env::var(k).ok(), shard_count)?.unwrap_or(Shard::WHOLE)
                }
            };
            let progress = !quiet && std::io::stderr().is_terminal();
            let opts = RunOptions {
                out: out.clone(),
                shard,
                threads,
                force,
                progress,
                resume,
            };
            let summary = run(&s, &opts)?;
            if summary.stale_files_removed > 0 && !quiet {
                eprintln!(
                    "removed {} temporary file(s) left by a crashed run of {shard}",
                    summary.stale_files_removed
                );
            }
            if summary.skipped {
                if !quiet {
                    eprintln!(
                        "{}: {shard} is already complete and valid in {}; skipped (--resume)",
                        s.name,
                        out.display()
                    );
                }
                return Ok(());
            }
            if !quiet {
                let rows: Vec<String> = summary
                    .rows
                    .iter()
                    .map(|(t, n)| format!("{n} {t} rows"))
                    .collect();
                eprintln!(
                    "{}: {} persons × {} arm(s) × {} draw(s) in {:.2} s on {} thread(s); {} → {}",
                    s.name,
                    summary.persons,
                    s.arms.len(),
                    s.draws + 1,
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
            }
            Ok(())
        }
        Command::Check { scenario } => {
            let s = Scenario::from_file(&scenario).map_err(Error::from)?;
            print!("{}", sarcosim::scenario::describe(&s));
            Ok(())
        }
        Command::Report { dir } => {
            let results = report::load(&dir)?;
            print!(
                "{}",
                report::text_report(&results).context("building the report")?
            );
            Ok(())
        }
        Command::Params => {
            print!("{}", sarcosim::params::describe_table());
            Ok(())
        }
    }
}
