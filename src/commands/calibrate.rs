//! `sarcosim calibrate`: the point fit into OUT/fit.{json,md}, or with `--posterior` the
//! IMIS sample into OUT/posterior.{csv,md}.

use crate::print_out;
use sarcosim::{validate, Error};
use std::path::Path;

/// `sarcosim calibrate`: the point fit into OUT/fit.json and OUT/fit.md.
pub fn calibrate(
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
pub fn calibrate_posterior(
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
