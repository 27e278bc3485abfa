//! The `sarcosim` command: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 2 bad input, 1 anything else). One function per subcommand, each a thin
//! translation of its arguments into library calls, in [`commands`].

mod cli;
mod commands;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command};
use commands::calibrate::{calibrate, calibrate_posterior};
use commands::report::{plot, report};
use commands::run::{check, run};
use commands::validate::{params, sensitivity, validate};
use sarcosim::{validate as suite, Error};
use std::io::Write;
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
            let imis = suite::imis::Settings {
                initial,
                per_step,
                max_steps: steps,
                resample: samples,
                seed,
            };
            let opts = suite::calibrate::PosteriorOptions { population, imis };
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
pub struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Failed {}

/// Writes to stdout through one locked writer. A closed pipe (`sarcosim report DIR | head`)
/// is success, as for other Unix tools: the reader has all it wanted.
pub fn print_out(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}
