//! The `sarcosim` command: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 2 bad input, 1 anything else). One function per subcommand, each a thin
//! translation of its arguments into library calls.

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, Format, ReportArgs, ReportFormat, RunArgs, SensitivityArgs, ValidateArgs};
use sarcosim::output::Shard;
use sarcosim::run::{RunOptions, RunSummary};
use sarcosim::scenario::set::Setting;
use sarcosim::{compare, report, validate, Error, Scenario};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => code,
        Err(e) => {
            let bad_input = e.downcast_ref::<Error>().is_some_and(Error::is_bad_input);
            eprintln!("error: {e:#}");
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn execute(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run(args) => run(args),
        Command::Check { scenario, set } => check(&scenario, &set),
        Command::Report(args) => report(args),
        Command::Plot { dir, out } => plot(&dir, &out),
        Command::Params { format } => params(format),
        Command::Validate(args) => validate(args),
        Command::Sensitivity(args) => sensitivity(args),
        Command::Calibrate {
            population,
            threads,
            out,
            posterior: true,
            samples,
            initial,
            per_step,
            steps,
            seed,
            ..
        } => {
            let imis = validate::imis::Settings {
                initial,
                per_step,
                max_steps: steps,
                resample: samples,
                seed,
            };
            let opts = validate::calibrate::PosteriorOptions { population, imis };
            calibrate_posterior(&opts, &out, threads)
        }
        Command::Calibrate {
            population,
            rounds,
            max_evaluations,
            out,
            threads,
            ..
        } => calibrate(population, rounds, max_evaluations, &out, threads),
    }
    .map(|()| ExitCode::SUCCESS)
    .or_else(|e| match e.downcast_ref::<Failed>() {
        Some(_) => Ok(ExitCode::from(1)),
        None => Err(e),
    })
}

/// A command that has said why it failed (on stderr) and only needs exit code 1.
#[derive(Debug)]
struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Failed {}

/// Writes to stdout through one locked writer. A closed pipe (`sarcosim report DIR | head`)
/// is success, as for other Unix tools: the reader has all it wanted.
fn print_out(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}

fn run(args: RunArgs) -> anyhow::Result<()> {
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

fn check(scenario: &Path, set: &[Setting]) -> anyhow::Result<()> {
    let s = Scenario::from_file_with(scenario, set).map_err(Error::from)?;
    print_out(&sarcosim::scenario::describe(&s))
}

fn report(args: ReportArgs) -> anyhow::Result<()> {
    let ReportArgs {
        dir,
        format,
        output,
        section,
        arm,
        draw,
        table,
    } = args;
    if let Some(name) = table {
        return report_table(&dir, format, &name, output.as_deref());
    }
    if sarcosim::sensitivity::sweep::is_sweep(&dir) {
        return report_sweep(&dir, format, output.as_deref());
    }
    sarcosim::output::verify(&dir)?;
    let results = report::load(&dir)?;
    let data = matches!(format, Some(ReportFormat::Csv | ReportFormat::Json));
    let mut sel = report::Selection {
        arms: arm,
        draws: draw.unwrap_or(if data {
            report::Draws::All
        } else {
            report::Draws::Some(vec![0])
        }),
        ..Default::default()
    };
    if !section.is_empty() {
        sel.sections = report::select::parse_sections(&section)?;
    }
    sel.check(&results.manifest.arms, results.manifest.draws)?;
    let mut text = match format {
        None => report::text_report(&results, &sel).context("building the report")?,
        Some(_) => String::new(),
    };
    if format.is_some() || sel.shows(report::Section::Comparison) {
        let c = compare::Comparison::of(&results).context("comparing the arms")?;
        let html = compare::Html {
            results: &results,
            all_draws: &c,
            arms: &sel.arms,
        };
        let exporter: &dyn compare::Exporter = match format {
            None => &compare::Text,
            Some(ReportFormat::Csv) => &compare::Csv,
            Some(ReportFormat::Json) => &compare::Json,
            Some(ReportFormat::Markdown) => &compare::Markdown,
            Some(ReportFormat::Html) => &html,
        };
        if format.is_none() {
            text.push('\n');
        }
        text.push_str(&String::from_utf8(exporter.to_bytes(&sel.comparison(&c))?)?);
    }
    write_report(&text, output.as_deref())
}

/// `report --format csv --table NAME`: one table of the decision analysis as CSV.
fn report_table(
    dir: &Path,
    format: Option<ReportFormat>,
    name: &str,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    use sarcosim::compare::decision::files::{frame_named, FILES};
    let names = FILES.map(|f| f.table()).join(", ");
    if format != Some(ReportFormat::Csv) {
        return Err(Error::BadInput(format!(
            "--table {name} needs --format csv (json and markdown hold every table already)"
        ))
        .into());
    }
    if !FILES.iter().any(|f| f.table() == name) {
        return Err(Error::BadInput(format!(
            "--table {name}: no such table (expected one of {names})"
        ))
        .into());
    }
    sarcosim::output::verify(dir)?;
    let results = report::load(dir)?;
    let c = compare::Comparison::of(&results).context("comparing the arms")?;
    let Some(analysis) = &c.decision else {
        return Err(Error::BadInput(format!(
            "{} has no decision analysis (it needs at least two arms with costs and QALYs)",
            dir.display()
        ))
        .into());
    };
    let frame = frame_named(analysis, name).expect("a known table")?;
    write_report(&compare::export::csv::frame(&frame), output)
}

fn write_report(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        None => print_out(text),
        Some(p) => {
            Ok(sarcosim::output::write_atomic(p, text.as_bytes()).context("writing the report")?)
        }
    }
}

/// `sarcosim plot DIR --out CHARTS`: the charts of the HTML report as SVG files.
fn plot(dir: &Path, out: &Path) -> anyhow::Result<()> {
    sarcosim::output::verify(dir)?;
    let results = report::load(dir)?;
    let c = compare::Comparison::of(&results).context("comparing the arms")?;
    let charts = report::charts::charts(&results, Some(&c), &[])?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    for (id, svg) in &charts {
        sarcosim::output::write_atomic(&out.join(format!("{id}.svg")), svg.as_bytes())?;
    }
    eprintln!("{} charts → {}", charts.len(), out.display());
    Ok(())
}

/// `report` of a sweep directory: the variants side by side, then each one's comparison.
fn report_sweep(
    dir: &Path,
    format: Option<ReportFormat>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    use sarcosim::sensitivity::sweep::{render, Format as F};
    let f = match format {
        None => F::Text,
        Some(ReportFormat::Csv) => F::Csv,
        Some(ReportFormat::Json) => F::Json,
        Some(ReportFormat::Markdown) => F::Markdown,
        // No HTML page of a sweep yet: its text.
        Some(_) => F::Text,
    };
    let text = render(dir, f).context("comparing the variants")?;
    write_report(&text, output)
}

fn params(format: Format) -> anyhow::Result<()> {
    print_out(&match format {
        Format::Text => sarcosim::params::describe_table(),
        Format::Markdown => sarcosim::params::markdown_table(),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(sarcosim::params::TABLE)?
        ),
    })
}

fn validate(args: ValidateArgs) -> anyhow::Result<()> {
    let ValidateArgs {
        population,
        format,
        threads,
        plots,
        draws,
        prior_draws,
        parameters,
        set,
    } = args;
    let from = if prior_draws {
        sarcosim::params::CalibratedDraws::Prior
    } else {
        sarcosim::params::CalibratedDraws::Posterior
    };
    if population < 100 {
        return Err(Error::BadInput("--population must be at least 100".into()).into());
    }
    let (params, overrides) = match &parameters {
        Some(path) => {
            let s = Scenario::from_file_with(path, &set).map_err(Error::from)?;
            (s.params(), s.parameters.clone())
        }
        None => sarcosim::scenario::set::parameters_only(&set).map_err(Error::from)?,
    };
    let pinned: Vec<String> = overrides.keys().cloned().collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let opts = validate::Options { population };
    let (rows, runs) = pool.install(|| {
        let hazard = sarcosim::reference::calibrate(&params);
        let runs = validate::run_designs(&params, &hazard, &opts);
        let mut rows = validate::targets(&runs);
        let progress = std::io::stderr().is_terminal();
        let draws = validate::DrawOptions { draws, from };
        validate::add_draw_ranges(&mut rows, &opts, &params, &pinned, draws, progress);
        (rows, runs)
    });
    if let Some(dir) = plots {
        write_plots(&dir, &runs)?;
    }
    let preamble = validate::overrides_line(&overrides);
    print_out(&match format {
        Format::Text => format!("{preamble}{}", validate::text(&rows)),
        Format::Markdown => format!("{preamble}{}", validate::markdown(&rows)),
        Format::Json => {
            let mut report = validate::JsonReport::new(&rows, population);
            report.overrides = overrides;
            format!("{}\n", serde_json::to_string_pretty(&report)?)
        }
    })?;
    if rows.iter().all(|r| r.pass) {
        Ok(())
    } else {
        eprintln!("{}", validate::summary_line(&rows));
        Err(Failed.into())
    }
}

fn sensitivity(args: SensitivityArgs) -> anyhow::Result<()> {
    use sarcosim::sensitivity::{self as sa, Options, Source};
    let source = Source {
        path: args.scenario,
        settings: args.set,
        overrides: sarcosim::scenario::Overrides {
            population: args.population,
            seed: args.seed,
            draws: Some(0),
        },
    };
    let central = source.scenario(&[]).map_err(Error::from)?;
    let factors = sa::factors(&central, &args.params)?;
    let opts = Options {
        out: args.out,
        threads: args.threads,
        force: args.force,
        progress: !args.quiet && std::io::stderr().is_terminal(),
    };
    let quiet = args.quiet;
    let tornado = sa::analyse(&source, &factors, &opts, &mut |line| {
        if !quiet {
            eprintln!("{line}");
        }
    })?;
    print_out(&tornado.text())
}

fn write_plots(dir: &Path, runs: &validate::Runs) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, svg) in validate::plots::charts(runs) {
        sarcosim::output::write_atomic(&dir.join(name), svg.as_bytes())?;
    }
    Ok(())
}

fn calibrate(
    population: u64,
    rounds: u32,
    max_evaluations: u32,
    out: &Path,
    threads: usize,
) -> anyhow::Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let (_, report) = pool.install(|| {
        validate::calibrate::calibrate(population, rounds, max_evaluations, &mut |m| {
            eprintln!("{m}")
        })
    });
    std::fs::create_dir_all(out)?;
    let json = serde_json::to_string_pretty(&report)?;
    sarcosim::output::write_atomic(&out.join("fit.json"), json.as_bytes())?;
    let md = validate::calibrate::markdown(&report);
    sarcosim::output::write_atomic(&out.join("fit.md"), md.as_bytes())?;
    print_out(&md)
}

/// `calibrate --posterior`: the IMIS sample into OUT/posterior.csv, its report into
/// OUT/posterior.md.
fn calibrate_posterior(
    opts: &validate::calibrate::PosteriorOptions,
    out: &Path,
    threads: usize,
) -> anyhow::Result<()> {
    use validate::calibrate::{posterior, posterior_markdown, posterior_sample};
    let s = &opts.imis;
    let command = format!(
        "sarcosim calibrate --posterior --population {} --samples {} --initial {} --per-step {} --steps {} --seed {}",
        opts.population, s.resample, s.initial, s.per_step, s.max_steps, s.seed
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let (draws, report) = pool
        .install(|| posterior(opts, &command, &mut |m| eprintln!("{m}")))
        .map_err(|e| Error::Other(e.to_string()))?;
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or("unknown".to_string(), |o| {
            String::from_utf8_lossy(&o.stdout).trim().to_string()
        });
    let date = sarcosim::output::iso_time(std::time::SystemTime::now());
    let sample = posterior_sample(draws, &report, &date, &commit);
    std::fs::create_dir_all(out)?;
    sarcosim::output::write_atomic(&out.join("posterior.csv"), sample.to_csv().as_bytes())?;
    let md = posterior_markdown(&report, &sample);
    sarcosim::output::write_atomic(&out.join("posterior.md"), md.as_bytes())?;
    print_out(&md)
}
