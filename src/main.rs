//! The `sarcosim` command: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 2 bad input, 1 anything else).

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, Format, ReportFormat};
use sarcosim::output::Shard;
use sarcosim::run::{run, RunOptions};
use sarcosim::{compare, report, validate, Error, Scenario};
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
            draws,
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
            if let Some(d) = draws {
                if d > 100_000 {
                    return Err(Error::BadInput("--draws must be at most 100000".into()).into());
                }
                s.draws = d;
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
            }
            Ok(())
        }
        Command::Check { scenario } => {
            let s = Scenario::from_file(&scenario).map_err(Error::from)?;
            print!("{}", sarcosim::scenario::describe(&s));
            Ok(())
        }
        Command::Report {
            dir,
            format,
            output,
        } => {
            let results = report::load(&dir)?;
            let text = match format {
                None => {
                    let mut t = report::text_report(&results).context("building the report")?;
                    let c = compare::compare(&dir).context("comparing the arms")?;
                    t.push('\n');
                    t.push_str(&c.text());
                    t
                }
                Some(f) => {
                    let c = compare::compare(&dir).context("comparing the arms")?;
                    match f {
                        ReportFormat::Csv => c.csv(),
                        ReportFormat::Json => c.json(),
                        ReportFormat::Markdown => c.markdown(),
                    }
                }
            };
            match output {
                None => print!("{text}"),
                Some(p) => std::fs::write(&p, text)
                    .map_err(|e| Error::io(&p, e))
                    .context("writing the report")?,
            }
            Ok(())
        }
        Command::Params { format } => {
            match format {
                Format::Text => print!("{}", sarcosim::params::describe_table()),
                Format::Markdown => print!("{}", sarcosim::params::markdown_table()),
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(sarcosim::params::TABLE)?)
                }
            }
            Ok(())
        }
        Command::Validate {
            population,
            format,
            threads,
            plots,
            draws,
            parameters,
        } => {
            if population < 100 {
                return Err(Error::BadInput("--population must be at least 100".into()).into());
            }
            let (params, overrides) = match &parameters {
                Some(path) => {
                    let s = Scenario::from_file(path).map_err(Error::from)?;
                    (s.params(), s.parameters.clone())
                }
                None => (sarcosim::params::Params::central(), Default::default()),
            };
            let pinned: Vec<String> = overrides.keys().cloned().collect();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()?;
            let opts = validate::Options { population };
            let (rows, runs) = pool.install(|| {
                let hazard = sarcosim::model::mortality::calibrate(&params);
                let runs = validate::run_designs(&params, &hazard, &opts);
                let mut rows = validate::targets(&runs);
                let progress = std::io::stderr().is_terminal();
                validate::add_draw_ranges(&mut rows, &opts, &params, &pinned, draws, progress);
                (rows, runs)
            });
            if let Some(dir) = plots {
                std::fs::create_dir_all(&dir)?;
                for (name, svg) in validate::plots::charts(&runs) {
                    sarcosim::output::write_atomic(&dir.join(name), svg.as_bytes())?;
                }
            }
            let preamble = validate::overrides_line(&overrides);
            match format {
                Format::Text => print!("{preamble}{}", validate::text(&rows)),
                Format::Markdown => print!("{preamble}{}", validate::markdown(&rows)),
                Format::Json => {
                    let mut report = validate::JsonReport::new(&rows, population);
                    report.overrides = overrides;
                    println!("{}", serde_json::to_string_pretty(&report)?)
                }
            }
            if rows.iter().all(|r| r.pass) {
                Ok(())
            } else {
                eprintln!("{}", validate::summary_line(&rows));
                std::process::exit(1);
            }
        }
        Command::Calibrate {
            population,
            rounds,
            max_evaluations,
            out,
            threads,
        } => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()?;
            let (_, report) = pool.install(|| {
                validate::calibrate::calibrate(population, rounds, max_evaluations, &mut |m| {
                    eprintln!("{m}")
                })
            });
            std::fs::create_dir_all(&out)?;
            let json = serde_json::to_string_pretty(&report)?;
            sarcosim::output::write_atomic(&out.join("fit.json"), json.as_bytes())?;
            let md = validate::calibrate::markdown(&report);
            sarcosim::output::write_atomic(&out.join("fit.md"), md.as_bytes())?;
            print!("{}", validate::calibrate::markdown(&report));
            Ok(())
        }
    }
}
