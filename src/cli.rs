//! Command-line definitions (clap) and their translation into library calls. `main.rs`
//! only maps the outcome to an exit code.

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Csv,
    Json,
    Markdown,
    /// One self-contained page: provenance, charts and the comparison tables.
    Html,
}
use sarcosim::scenario::set::Setting;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "sarcosim",
    version,
    about = "Monte Carlo simulation of sarcopenia in ageing populations"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its results (Parquet) into a directory.
    Run(RunArgs),
    /// Validate a scenario and print it resolved (defaults applied).
    Check {
        scenario: PathBuf,
        /// What-if settings, as for `run`.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<Setting>,
    },
    /// Print a results directory's summary and comparison of arms (all shards): by
    /// default one line per arm and the comparison of the central draw with its
    /// across-draw summary; with --format, write only the comparison as csv, json or
    /// markdown.
    Report(ReportArgs),
    /// Write the charts of a results directory as standalone SVG files.
    Plot {
        dir: PathBuf,
        /// Directory to write the charts into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the parameter table: name, value, unit, uncertainty and source.
    Params {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run the validation suite against published targets; exit 1 if any target fails or
    /// is inconclusive.
    Validate(ValidateArgs),
    /// One-way sensitivity: each factor at its low and high value (default: the 2.5 and
    /// 97.5 % quantiles of a parameter's uncertainty), common random numbers throughout;
    /// writes the runs and tornado data (tornado.parquet, .csv, .txt) into OUT.
    Sensitivity(SensitivityArgs),
    /// Fit the calibrated parameters to the suite's `fit` targets; writes DIR/fit.json and DIR/fit.md.
    Calibrate {
        /// Persons per validation design during the fit.
        #[arg(long, default_value_t = 2000)]
        population: u64,
        /// Rounds over the parameter blocks.
        #[arg(long, default_value_t = 2)]
        rounds: u32,
        /// Objective evaluations per block and round.
        #[arg(long, default_value_t = 60)]
        max_evaluations: u32,
        /// Output directory.
        #[arg(long, default_value = "docs/calibration")]
        out: PathBuf,
        /// Worker threads (default: one per core).
        #[arg(long, short = 'j', default_value_t = 0)]
        threads: usize,
        /// Instead of the point fit: a posterior sample of the calibrated parameters by
        /// incremental mixture importance sampling; writes DIR/posterior.csv (read by
        /// `run --draws` and `validate --draws`) and DIR/posterior.md.
        #[arg(long)]
        posterior: bool,
        /// With --posterior: draws kept, resampled by importance weight.
        #[arg(long, default_value_t = 200)]
        samples: usize,
        /// With --posterior: prior draws of the first stage.
        #[arg(long, default_value_t = 400)]
        initial: usize,
        /// With --posterior: draws from each new mixture component.
        #[arg(long, default_value_t = 80)]
        per_step: usize,
        /// With --posterior: mixture components added at most.
        #[arg(long, default_value_t = 8)]
        steps: usize,
        /// With --posterior: seed of the sampler.
        #[arg(long, default_value_t = 12)]
        seed: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// The arguments of `sarcosim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    pub dir: PathBuf,
    /// Write the comparison of arms in this format (to stdout or --output).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// File to write the report to (default: stdout).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Sections of the text report: overview, by-year, age-bands, comparison, or all
    /// (default: overview,comparison).
    #[arg(long, value_name = "NAME,…", value_delimiter = ',')]
    pub section: Vec<String>,
    /// Only these arms (default: every arm; differences stay against the baseline).
    #[arg(long, value_name = "ARM,…", value_delimiter = ',')]
    pub arm: Vec<String>,
    /// Draws to show: `all` or a list such as `0,3` (default: the central draw 0 for text
    /// and markdown, all for csv and json). The across-draw summary is always shown.
    #[arg(long, value_name = "all|K,…")]
    pub draw: Option<sarcosim::report::Draws>,
    /// With --format csv, write one table of the decision analysis instead of the
    /// comparison: frontier, ceac, ceplane or voi (the columns of its .parquet file; over
    /// every arm and draw, as the analysis compares them all).
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
}

/// The arguments of `sarcosim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Results directory (created if missing).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Persons per arm, overriding the scenario's `population`.
    #[arg(long)]
    pub population: Option<u64>,
    /// Random seed, overriding the scenario's `seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Parameter draws after the central draw 0, overriding the scenario's `draws`.
    #[arg(long, value_name = "K")]
    pub draws: Option<u32>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Simulate only shard K of N (persons split evenly), e.g. `--shard 2/8`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Number of shards when the index comes from a Kubernetes indexed Job
    /// (`JOB_COMPLETION_INDEX`); Slurm arrays need no count.
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u32>,
    /// Replace results of a different run in the directory.
    #[arg(long)]
    pub force: bool,
    /// Skip the shard if its outputs are already complete and valid (manifest and
    /// files agree); redo it if a crashed run left it half-written.
    #[arg(long)]
    pub resume: bool,
    /// No progress bar or closing summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// A what-if: set a parameter (`mortality.sarcopenia_hr=1.8`) or a scenario key
    /// (`arm[rt_65plus].intervention[resistance_training].uptake=0.5`); repeatable;
    /// checked like the file's keys and recorded in the run's manifest.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<Setting>,
}

/// The arguments of `sarcosim validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Persons per validation design (and per trial arm).
    #[arg(long, default_value_t = 80_000)]
    pub population: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Also write the SVG charts of simulated vs published trajectories here.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Also rerun the suite with K parameter draws and show each target's 2.5-97.5 %
    /// range over them (the verdicts stay those of the central parameters).
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub draws: u32,
    /// Draw the calibrated parameters from their priors in the table instead of their
    /// posterior sample (docs/calibration/posterior.csv), for comparison.
    #[arg(long)]
    pub prior_draws: bool,
    /// Validate the parameters of this scenario: the table's values with its
    /// `[parameters]` overrides (which parameter draws then keep fixed).
    #[arg(long, value_name = "SCENARIO")]
    pub parameters: Option<PathBuf>,
    /// Set a parameter by name (`mortality.sarcopenia_hr=1.8`), after `--parameters`;
    /// repeatable. Pinned in the draws like `[parameters]`.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<Setting>,
}

/// The arguments of `sarcosim sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Analysis directory: one results directory per run under runs/, and the tornado files.
    #[arg(long, short)]
    pub out: PathBuf,
    /// The factors, comma-separated: parameter names (bounds from their uncertainty) or
    /// NAME=LOW:HIGH for any parameter or scenario key `--set` takes. Default: every
    /// parameter with an uncertainty.
    #[arg(long, value_delimiter = ',', value_name = "NAME[=LOW:HIGH],...")]
    pub params: Vec<String>,
    /// Persons per arm, overriding the scenario's `population`.
    #[arg(long)]
    pub population: Option<u64>,
    /// Random seed, overriding the scenario's `seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// What-if settings applied to every run, as for `run`.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<Setting>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Replace results of a different analysis in OUT's run directories.
    #[arg(long)]
    pub force: bool,
    /// No progress lines.
    #[arg(long, short)]
    pub quiet: bool,
}
