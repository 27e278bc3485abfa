//! `sarcosim validate`, `sarcosim params` and `sarcosim sensitivity`: the suite against
//! published targets, the parameter table, and one-way sensitivity.

use crate::cli::{Format, SensitivityArgs, ValidateArgs};
use crate::{print_out, Failed};
use sarcosim::{validate, Error, Scenario};
use std::io::IsTerminal;
use std::path::Path;

/// `sarcosim params`: the parameter table.
pub fn params(format: Format) -> anyhow::Result<()> {
    print_out(&match format {
        Format::Text => sarcosim::params::describe_table(),
        Format::Markdown => sarcosim::params::markdown_table(),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(sarcosim::params::TABLE)?
        ),
    })
}

/// `sarcosim validate`: the suite, its draw ranges and plots; exit 1 when a target fails.
pub fn validate(args: ValidateArgs) -> anyhow::Result<()> {
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

/// `sarcosim sensitivity`: one-way sensitivity and its tornado.
pub fn sensitivity(args: SensitivityArgs) -> anyhow::Result<()> {
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

/// The suite's charts into `dir`.
fn write_plots(dir: &Path, runs: &validate::Runs) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, svg) in validate::plots::charts(runs) {
        sarcosim::output::write_atomic(&dir.join(name), svg.as_bytes())?;
    }
    Ok(())
}
