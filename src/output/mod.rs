//! The results directory: its layout, the shard naming, the manifest, and the rules that
//! keep it consistent (temp file + rename for every file; a directory holds one run).
//!
//! ```text
//! DIR/manifest.json
//! DIR/summary/draws-AAAA-BBBB/shard-KKKK-of-NNNN.parquet
//! DIR/outcomes/arm=A/draw=D/shard-KKKK-of-NNNN.parquet
//! DIR/trajectories/arm=A/draw=D/shard-KKKK-of-NNNN.parquet
//! ```
//!
//! Draws can be added to a finished run later (`run --draws M` on a directory holding
//! draws 0..K, K < M, runs only K+1..M). That works because every draw's results depend on
//! (seed, draw, person, process) only, never on how many draws a run has; so the draw
//! count is *not* part of the [`RunIdentity`]. Instead each shard's manifest record lists
//! the draw ranges ("parts") it holds complete, and each part has its own summary file
//! `summary/draws-AAAA-BBBB/` (draws AAAA..=BBBB, the range one invocation computed):
//! adding draws only adds files, an existing file is never rewritten. `outcomes` and
//! `trajectories` are partitioned by draw already. The manifest's top-level `draws` is the
//! most draws any run asked of the directory; a shard is complete only when its parts
//! cover 0..=draws. A run asking for fewer draws than the directory holds is refused
//! (exit 2): silently doing nothing would hide that its `--draws` was not what was used.
//! Files being written carry a leading dot and a `.tmp` suffix, which polars, pyarrow,
//! DuckDB and Spark all skip.

//!
//! The package: [`shard`] (which persons, file names), [`manifest`] (the run's identity and
//! records), [`directory`] ([`ResultsDir`]: may this run write here, the lock, manifest
//! updates, free space), [`integrity`] (run identity in every file, checksums, [`verify`])
//! [`table_file`] (small whole-table Parquet files with a schema version) and [`temp`]
//! (temporary names, leftovers).

pub mod directory;
pub mod integrity;
pub mod manifest;
pub mod shard;
pub mod table_file;
pub mod temp;

pub use directory::{human_bytes, ResultsDir};
pub use integrity::{run_metadata, verify};
pub use manifest::{
    model_fingerprint, shard_files, DrawPart, FileCheck, Layout, Manifest, RunIdentity,
    ShardRecord, ShardStatus,
};
pub use shard::{Shard, MAX_SHARDS};
pub use temp::temp_path;

use crate::error::{Error, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Version of the results layout; bumped when a table's meaning changes.
pub const FORMAT: &str = "sarcosim-results/2";
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Writes a whole file under a temporary name, then renames it into place. On failure the
/// temporary file is removed and the error names the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let tmp = temp_path(path);
    let written = fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let result = written.and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| Error::io(path, e))
}

/// Every file under `dir` (not directories), in no particular order; nothing when `dir`
/// does not exist. The one walk of a results directory.
pub fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Seconds since the Unix epoch as an ISO 8601 UTC time.
pub fn iso_time(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_population_exactly() {
        for n in 1..7u32 {
            let ranges: Vec<_> = (0..n)
                .map(|k| Shard::new(k, n).unwrap().persons(1001))
                .collect();
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end, 1001);
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        }
    }

    #[test]
    fn shards_parse_and_name_themselves() {
        let s: Shard = "3/8".parse().unwrap();
        assert_eq!(s.file_name(), "shard-0003-of-0008.parquet");
        assert!("8/8".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    #[test]
    fn schedulers_assign_shards_through_the_environment() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
        ]);
        assert_eq!(
            Shard::from_env(slurm, None).unwrap(),
            Some(Shard { index: 2, count: 4 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "3")]);
        assert_eq!(
            Shard::from_env(k8s, Some(10)).unwrap(),
            Some(Shard {
                index: 3,
                count: 10
            })
        );
        assert!(Shard::from_env(k8s, None)
            .unwrap_err()
            .to_string()
            .contains("--shard-count"));
        assert_eq!(Shard::from_env(env(&[]), None).unwrap(), None);
        let gap = env(&[
            ("SLURM_ARRAY_TASK_ID", "9"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
        ]);
        assert!(Shard::from_env(gap, None)
            .unwrap_err()
            .to_string()
            .contains("contiguous array"));
    }

    #[test]
    fn a_directory_another_shard_is_just_starting_in_is_accepted() {
        let dir = std::env::temp_dir().join(format!("sarcosim-check-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(".manifest.lock"), "").unwrap();
        fs::write(dir.join(".manifest.json.123.tmp"), "{").unwrap();
        let id = RunIdentity {
            engine_version: "x".into(),
            scenario: "s".into(),
            fingerprint: "f".into(),
            seed: 1,
            population: 1,
            shard_count: 4,
            model: model_fingerprint(),
        };
        assert!(ResultsDir::new(&dir, id.clone()).prepare(false).is_ok());
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        assert!(ResultsDir::new(&dir, id).prepare(true).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn iso_time_formats_a_known_instant() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        assert_eq!(iso_time(t), "2023-11-14T22:13:20Z");
    }
}
