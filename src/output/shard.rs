//! Shards: which persons one invocation of `sarcosim run` simulates, how a cluster
//! scheduler assigns them, and how their files are named.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most shards a run may be split into (each shard has at least one person, too).
pub const MAX_SHARDS: u32 = 100_000;

/// Shard K of N: the persons `[K·P/N, (K+1)·P/N)` of a population of P.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    pub fn new(index: u32, count: u32) -> Result<Self> {
        if count == 0 || index >= count {
            return Err(Error::BadInput(format!(
                "shard {index}/{count} does not exist: use K/N with N ≥ 1 and 0 ≤ K < N"
            )));
        }
        if count > MAX_SHARDS {
            return Err(Error::BadInput(format!(
                "shard {index}/{count}: a run is split into at most {MAX_SHARDS} shards"
            )));
        }
        Ok(Self { index, count })
    }

    /// The person ids of this shard.
    pub fn persons(&self, population: u64) -> std::ops::Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(population) / u128::from(self.count)) as u64;
        at(u64::from(self.index))..at(u64::from(self.index) + 1)
    }

    /// The shard a cluster scheduler assigned through the environment, if any: a Slurm job
    /// array (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, offset by
    /// `SLURM_ARRAY_TASK_MIN`) or a Kubernetes indexed Job (`JOB_COMPLETION_INDEX`, with
    /// the count from `shard_count` or `SARCOSIM_SHARD_COUNT`).
    pub fn from_env(
        env: impl Fn(&str) -> Option<String>,
        shard_count: Option<u32>,
    ) -> Result<Option<Shard>> {
        let num = |name: &str| -> Result<Option<u32>> {
            match env(name) {
                None => Ok(None),
                Some(v) => v.trim().parse().map(Some).map_err(|_| {
                    Error::BadInput(format!(
                        "environment variable {name}={v:?} is not a whole number"
                    ))
                }),
            }
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let count = num("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| {
                Error::BadInput(
                    "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not".into(),
                )
            })?;
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let index = id.checked_sub(min).ok_or_else(|| {
                Error::BadInput(format!(
                    "SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                ))
            })?;
            return Shard::new(index, count).map(Some).map_err(|_| {
                Error::BadInput(format!(
                    "Slurm array task {id} (min {min}, count {count}) is not a shard: submit a contiguous array such as --array=0-{}",
                    count.saturating_sub(1)
                ))
            });
        }
        if let Some(index) = num("JOB_COMPLETION_INDEX")? {
            let count = match shard_count {
                Some(c) => c,
                None => num("SARCOSIM_SHARD_COUNT")?.ok_or_else(|| {
                    Error::BadInput(
                        "JOB_COMPLETION_INDEX is set: give the Job's completions as --shard-count N (or SARCOSIM_SHARD_COUNT)".into(),
                    )
                })?,
            };
            return Shard::new(index, count).map(Some);
        }
        Ok(None)
    }

    pub fn file_name(&self) -> String {
        format!("{self}.parquet")
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shard-{:04}-of-{:04}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::BadInput(format!("`{s}` is not a shard: use K/N, e.g. 0/4"));
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        Shard::new(
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        )
    }
}
