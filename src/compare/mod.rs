//! Strategy comparison: each arm against the baseline arm (the one named `baseline`, else
//! the first), from the per-person outcomes of every shard.
//!
//! Arms simulate the same persons with the same random numbers, so a difference is
//! estimated from per-person differences (outcomes of two arms paired by person within a
//! draw: every arm's files hold the same persons in the same order, which is checked).
//!
//! Two intervals are reported:
//! - `monte_carlo`: ± 1.96 SE from the persons of one draw (rows with `draw` set; draw 0
//!   is the central parameters): stochastic uncertainty only;
//! - `across_draws`: the 2.5-97.5 % range of the draw estimates over draws 1..K (rows with
//!   `draw` null): parameter and stochastic uncertainty together.
//!
//! `DIR/comparison.parquet` holds one row per arm × outcome × contrast × (draw or pooled).
//!
//! The package: [`read`] (the manifest's typed inputs and the outcomes, streamed),
//! [`stats`] (paired statistics of one draw), [`economics`] (ICER, Fieller, NNT,
//! cost-effectiveness), [`outcome`] (the typed outcomes), [`build`] (the rows of a
//! [`Comparison`]) and [`export`] (text, markdown, csv, json and parquet behind one trait);
//! [`decision`] adds the efficiency frontier and net benefits of every arm.

pub mod build;
pub mod decision;
pub mod economics;
pub mod export;
pub mod outcome;
pub mod read;
pub mod stats;

pub use export::{Csv, Exporter, Html, Json, Markdown, Parquet, Text};
pub use outcome::{Kind, Outcome};

use crate::checkpoints::Checkpoint;
use crate::error::Result;
use crate::report::{self, Results};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The comparison's file in a results directory.
pub const FILE: &str = "comparison.parquet";

/// What a row estimates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contrast {
    /// Arm − baseline. (Variants in alphabetical order: across-draw rows are sorted by name.)
    Difference,
    /// The arm's own value.
    Level,
}

/// How a row's interval was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// ± 1.96 SE from the persons of one draw.
    MonteCarlo,
    /// Fieller's interval from the persons of one draw (the ICER).
    MonteCarloFieller,
    /// The 2.5-97.5 % range over draws 1..K.
    AcrossDraws,
}

impl Contrast {
    pub fn name(self) -> &'static str {
        match self {
            Contrast::Difference => "difference",
            Contrast::Level => "level",
        }
    }
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::MonteCarlo => "monte_carlo",
            Method::MonteCarloFieller => "monte_carlo_fieller",
            Method::AcrossDraws => "across_draws",
        }
    }

    /// Whether the row is of one draw (else pooled across draws).
    pub fn per_draw(self) -> bool {
        self != Method::AcrossDraws
    }
}

/// One row of `comparison.parquet`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Row {
    pub arm: String,
    pub baseline: String,
    pub outcome: Outcome,
    /// `outcome.unit()`, a column of the file.
    pub unit: &'static str,
    pub contrast: Contrast,
    /// The draw of a per-draw row; `None` for the pooled `across_draws` row.
    pub draw: Option<i32>,
    pub method: Method,
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Persons behind the estimate (per draw); draws behind an `across_draws` row.
    pub persons: u64,
    /// How to read the row when a number alone would mislead (ICER quadrants, unbounded
    /// intervals); empty otherwise.
    pub note: String,
}

/// The comparison of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub scenario: String,
    pub seed: u64,
    pub baseline: String,
    pub arms: Vec<String>,
    pub draws: u32,
    pub willingness_to_pay: f64,
    pub currency: String,
    pub checkpoints: Vec<Checkpoint>,
    pub rows: Vec<Row>,
    /// The frontier and net benefits (files `frontier.parquet` …, [`decision`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<decision::Analysis>,
}

/// Computes the comparison of the complete run in `dir` (every shard's outcomes).
pub fn compare(dir: &Path) -> Result<Comparison> {
    Comparison::of(&report::load(dir)?)
}

impl Comparison {
    /// The comparison of loaded results (their outcomes are streamed from their directory).
    pub fn of(results: &Results) -> Result<Comparison> {
        build::comparison(results)
    }

    /// Writes `DIR/comparison.parquet` (temp file + rename).
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let path = dir.join(FILE);
        crate::output::write_atomic(&path, &Parquet.to_bytes(self)?)?;
        Ok(path)
    }

    /// The row of `arm`, `outcome` and `contrast` of draw 0 (`across` false) or across
    /// draws.
    pub fn find(
        &self,
        arm: &str,
        outcome: &Outcome,
        contrast: Contrast,
        across: bool,
    ) -> Option<&Row> {
        self.rows.iter().find(|r| {
            r.arm == arm
                && r.outcome == *outcome
                && r.contrast == contrast
                && r.method.per_draw() != across
                && (across || r.draw == Some(0))
        })
    }
}
