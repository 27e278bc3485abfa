//! The manifest (`manifest.json`) and the paths it speaks of: the run's identity (model
//! included), each shard's record, the draw ranges ("parts") it holds complete and the
//! checks of their files.

use super::shard::Shard;
use super::ENGINE_VERSION;
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Paths inside a results directory.
#[derive(Clone, Debug)]
pub struct Layout {
    pub dir: PathBuf,
}

impl Layout {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn manifest(&self) -> PathBuf {
        self.dir.join("manifest.json")
    }

    /// The summary of draws `first..=last` of a shard.
    pub fn summary(&self, shard: Shard, first: u32, last: u32) -> PathBuf {
        self.dir
            .join("summary")
            .join(format!("draws-{first:04}-{last:04}"))
            .join(shard.file_name())
    }

    pub fn partition(&self, table: &str, arm: &str, draw: u32, shard: Shard) -> PathBuf {
        self.dir
            .join(table)
            .join(format!("arm={arm}"))
            .join(format!("draw={draw}"))
            .join(shard.file_name())
    }
}

/// What makes two shards parts of the same run. Not the draw count: draws are independent
/// of each other, so a run may be extended with more draws (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunIdentity {
    pub engine_version: String,
    pub scenario: String,
    /// Fingerprint of the resolved scenario (population, seed and parameters included).
    pub fingerprint: String,
    pub seed: u64,
    pub population: u64,
    pub shard_count: u32,
    /// Fingerprint of the model: the central parameter table, the engine version, the
    /// life table, the incidence table and the posterior sample ([`model_fingerprint`]). Empty in directories written before it existed.
    #[serde(default)]
    pub model: String,
}

/// A hash of everything besides the scenario that decides a run's results: the central
/// parameter table (values, ranges, sources), the engine version, the life table and the
/// incidence table of the chronic conditions. Two builds with the same fingerprint simulate
/// the same persons identically.
pub fn model_fingerprint() -> String {
    let lt = crate::model::life_table::default_table();
    let table = serde_json::to_string(crate::params::TABLE).unwrap_or_default();
    let (men, women) = (lt.qx(false), lt.qx(true));
    // The posterior sample sets the calibrated parameters of draws 1..K.
    let posterior = crate::validate::posterior::EMBEDDED;
    let incidence = &crate::model::incidence_table::default_table().digest;
    let text = format!("{table}\n{ENGINE_VERSION}\n{men:?}\n{women:?}\n{posterior}\n{incidence}");
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

impl RunIdentity {
    pub fn of(scenario: &Scenario, shard_count: u32) -> Self {
        Self {
            engine_version: ENGINE_VERSION.to_string(),
            scenario: scenario.name.clone(),
            fingerprint: scenario.fingerprint(),
            seed: scenario.seed,
            population: scenario.population,
            shard_count,
            model: model_fingerprint(),
        }
    }

    /// What differs between two identities, for the refusal message.
    pub fn differences(&self, other: &RunIdentity) -> Vec<String> {
        let mut d = Vec::new();
        let mut cmp = |what: &str, a: String, b: String| {
            if a != b {
                d.push(format!("{what} {a} (here: {b})"));
            }
        };
        cmp(
            "engine version",
            other.engine_version.clone(),
            self.engine_version.clone(),
        );
        cmp("scenario", other.scenario.clone(), self.scenario.clone());
        cmp("seed", other.seed.to_string(), self.seed.to_string());
        cmp(
            "population",
            other.population.to_string(),
            self.population.to_string(),
        );
        cmp(
            "shard count",
            other.shard_count.to_string(),
            self.shard_count.to_string(),
        );
        if self.model != other.model {
            d.push(format!(
                "model {} (here: {}): another parameter table, engine or life table",
                if other.model.is_empty() {
                    "unrecorded"
                } else {
                    &other.model
                },
                self.model
            ));
        }
        if d.is_empty() && self.fingerprint != other.fingerprint {
            d.push(
                "scenario contents (the scenario file or its --set settings were changed)"
                    .to_string(),
            );
        }
        d
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShardStatus {
    Running,
    Complete,
}

/// One shard's record in the manifest.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShardRecord {
    pub index: u32,
    pub status: ShardStatus,
    pub first_person: u64,
    pub end_person: u64,
    pub threads: usize,
    pub host: String,
    pub started: String,
    pub finished: Option<String>,
    pub wall_seconds: Option<f64>,
    pub rows: BTreeMap<String, u64>,
    /// The identity of the run that wrote this shard (checked by `report` against the
    /// manifest's, so shards of different runs are never added up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunIdentity>,
    /// The last draw of this shard: the draws 0..=draws it holds when `Complete`, is
    /// computing when `Running`.
    #[serde(default)]
    pub draws: u32,
    /// The draw ranges whose files are complete, in order; `rows` above is their sum.
    #[serde(default)]
    pub parts: Vec<DrawPart>,
}

/// Draws `first..=last` of a shard, written by one invocation: the summary file
/// `summary/draws-FIRST-LAST/` and the outcome/trajectory partitions of those draws.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawPart {
    pub first: u32,
    pub last: u32,
    pub rows: BTreeMap<String, u64>,
    /// Size and checksum of every file of the part, in [`shard_files`] order (absent in
    /// directories written before checksums were recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileCheck>,
}

/// A file's path under the results directory, size and checksum, as recorded when written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCheck {
    pub path: String,
    pub bytes: u64,
    /// xxh3-64 of the file's bytes, in hexadecimal.
    pub xxh3: String,
}

impl ShardRecord {
    /// The last draw d such that the complete parts cover 0..=d without a gap.
    pub fn complete_draws(&self) -> Option<u32> {
        let mut next = 0u32;
        for p in &self.parts {
            if p.first != next {
                break;
            }
            next = p.last + 1;
        }
        next.checked_sub(1)
    }
}

/// `manifest.json`: the run's identity, its resolved scenario, and every shard.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    #[serde(flatten)]
    pub identity: RunIdentity,
    /// The most draws any run asked of this directory (0..=draws); every shard must hold
    /// them all for the run to be complete.
    #[serde(default)]
    pub draws: u32,
    pub step_years: f64,
    pub arms: Vec<String>,
    pub record_times: Vec<f64>,
    pub scenario_resolved: serde_json::Value,
    pub shards: Vec<ShardRecord>,
    /// `comparison.parquet`'s check, once the last shard has written it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<FileCheck>,
    /// `parameters.parquet`'s check (the PSA table), written with the comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<FileCheck>,
    /// The decision analysis files' checks (`frontier.parquet` …), written with the
    /// comparison.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decision: Vec<FileCheck>,
}

impl Manifest {
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Json {
            path: path.to_path_buf(),
            error: e,
        })
    }

    /// Whether this looks like a sarcosim manifest at all (its `format`).
    pub fn is_ours(&self) -> bool {
        self.format.starts_with("sarcosim-results/")
    }

    /// Whether every shard is complete for all of the directory's draws.
    pub fn is_complete(&self) -> bool {
        self.complete_shards().len() as u32 == self.identity.shard_count
    }

    /// The shards complete for all of the directory's draws.
    pub fn complete_shards(&self) -> Vec<u32> {
        self.shards
            .iter()
            .filter(|s| s.status == ShardStatus::Complete && s.complete_draws() == Some(self.draws))
            .map(|s| s.index)
            .collect()
    }
}

/// Every file a complete part of a shard has: its summary and, per arm and draw, its
/// outcomes and (when written) trajectories. Table name and path.
pub fn shard_files(
    layout: &Layout,
    shard: Shard,
    arms: &[String],
    part: &DrawPart,
    trajectories: bool,
) -> Vec<(&'static str, PathBuf)> {
    let mut files = vec![("summary", layout.summary(shard, part.first, part.last))];
    for draw in part.first..=part.last {
        for arm in arms {
            files.push(("outcomes", layout.partition("outcomes", arm, draw, shard)));
            if trajectories {
                files.push((
                    "trajectories",
                    layout.partition("trajectories", arm, draw, shard),
                ));
            }
        }
    }
    files
}

/// Whether a part's shard wrote trajectories (a table it counted rows of).
pub fn has_trajectories(part: &DrawPart) -> bool {
    part.rows.contains_key("trajectories")
}
