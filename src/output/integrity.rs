//! Integrity of a results directory: every file carries its run's identity in its Parquet
//! key-value metadata, and the manifest records each file's size and checksum. `report`
//! ([`verify`]) and `--resume` check them, so a file of another run, a truncated file or a
//! stray file is refused or redone, never silently mixed in.

use super::manifest::{
    has_trajectories, shard_files, DrawPart, FileCheck, Layout, Manifest, RunIdentity,
};
use super::shard::Shard;
use super::walk_files;
use crate::error::{Error, Result};
use polars::prelude::{ParquetReader, SerReader};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The Parquet key-value metadata key holding the run identity (JSON).
pub const RUN_KEY: &str = "sarcosim.run";

/// The key-value metadata every Parquet file of the run carries.
pub fn run_metadata(identity: &RunIdentity) -> Vec<(String, String)> {
    let json = serde_json::to_string(identity).unwrap_or_default();
    vec![(RUN_KEY.to_string(), json)]
}

/// The run identity a Parquet file records, if it is readable and records one.
pub fn file_identity(path: &Path) -> Option<RunIdentity> {
    let mut reader = ParquetReader::new(fs::File::open(path).ok()?);
    let meta = reader.get_metadata().ok()?;
    let kv = meta.key_value_metadata().as_ref()?;
    let value = kv.iter().find(|kv| kv.key == RUN_KEY)?.value.as_ref()?;
    serde_json::from_str(value).ok()
}

impl FileCheck {
    /// Size and xxh3 of `path`, named relative to the results directory `dir`.
    pub fn of(dir: &Path, path: &Path) -> Result<FileCheck> {
        let mut file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut bytes = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            bytes += n as u64;
        }
        Ok(FileCheck {
            path: relative(dir, path),
            bytes,
            xxh3: format!("{:016x}", hasher.digest()),
        })
    }

    /// What is wrong with the file under `dir` against this record (`None`: it matches).
    /// A file of another run is named as such, with what differs.
    pub fn problem(&self, dir: &Path, identity: &RunIdentity) -> Option<String> {
        let path = dir.join(&self.path);
        let now = match FileCheck::of(dir, &path) {
            Ok(c) if c == *self => return None,
            Ok(c) => c,
            Err(e) => return Some(format!("{} cannot be read ({e})", self.path)),
        };
        if let Some(other) = file_identity(&path) {
            let d = identity.differences(&other);
            if !d.is_empty() {
                return Some(format!(
                    "{} is a file of another run: {}",
                    self.path,
                    d.join("; ")
                ));
            }
        }
        Some(if now.bytes != self.bytes {
            format!(
                "{} holds {} bytes, the manifest records {} (truncated or replaced)",
                self.path, now.bytes, self.bytes
            )
        } else {
            format!(
                "{} does not match its recorded checksum (changed after it was written)",
                self.path
            )
        })
    }
}

fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Every file of a part of a shard, with its checks (a part written before checksums were
/// recorded has none).
pub fn part_files(layout: &Layout, shard: Shard, arms: &[String], part: &DrawPart) -> Vec<PathBuf> {
    shard_files(layout, shard, arms, part, has_trajectories(part))
        .into_iter()
        .map(|(_, p)| p)
        .collect()
}

/// Why a complete part's files do not match its record, or `None` when they do: by
/// checksum when recorded, else by Parquet row counts.
pub fn part_problem(
    layout: &Layout,
    shard: Shard,
    arms: &[String],
    part: &DrawPart,
    identity: &RunIdentity,
) -> Option<String> {
    if part.files.is_empty() {
        let files = shard_files(layout, shard, arms, part, has_trajectories(part));
        return row_count_problem(&files, &part.rows);
    }
    let expected = part_files(layout, shard, arms, part);
    if expected.len() != part.files.len() {
        return Some(format!(
            "the manifest records {} files of draws {}..{}, the layout has {}",
            part.files.len(),
            part.first,
            part.last,
            expected.len()
        ));
    }
    part.files
        .iter()
        .find_map(|f| f.problem(&layout.dir, identity))
}

/// Why a shard's files do not match recorded row counts (missing, unreadable, or with
/// other row counts than recorded), or `None` when they are complete and valid.
fn row_count_problem(
    files: &[(&'static str, PathBuf)],
    recorded: &BTreeMap<String, u64>,
) -> Option<String> {
    let mut rows: BTreeMap<String, u64> = BTreeMap::new();
    for (table, path) in files {
        let n = fs::File::open(path)
            .map_err(|e| e.to_string())
            .and_then(|f| ParquetReader::new(f).num_rows().map_err(|e| e.to_string()));
        match n {
            Ok(n) => *rows.entry((*table).to_string()).or_default() += n as u64,
            Err(e) => return Some(format!("{} is not readable Parquet ({e})", path.display())),
        }
    }
    for (table, n) in &rows {
        // The summary's recorded count is its own row count; the other tables sum files.
        let want = recorded.get(table).copied().unwrap_or(0);
        if *n != want {
            return Some(format!(
                "its {table} files hold {n} rows, the manifest records {want}"
            ));
        }
    }
    None
}

/// Checks a results directory before `report` reads it: it exists (else bad input, exit
/// 2); and when its manifest says it is complete, every recorded file matches its
/// checksum and run, no Parquet file the manifest does not list lies among its tables,
/// and `comparison.parquet` and `parameters.parquet` match their records. An unreadable or incomplete manifest is
/// left to the reader, which explains it.
pub fn verify(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::BadInput(format!(
            "{} is not a results directory: {}",
            dir.display(),
            if dir.exists() {
                "not a directory"
            } else {
                "it does not exist"
            }
        )));
    }
    let layout = Layout::new(dir);
    let Ok(m) = Manifest::read(&layout.manifest()) else {
        return Ok(());
    };
    if !m.is_complete() {
        return Ok(());
    }
    let refuse = |why: String, hint: &str| {
        Error::Results(format!("{}: {why}\n      hint: {hint}", dir.display()))
    };
    let mut listed = BTreeSet::new();
    for r in &m.shards {
        let shard = Shard {
            index: r.index,
            count: m.identity.shard_count,
        };
        let identity = r.run.as_ref().unwrap_or(&m.identity);
        for part in &r.parts {
            if let Some(why) = part_problem(&layout, shard, &m.arms, part, identity) {
                let hint = format!(
                    "redo the shard with `sarcosim run SCENARIO --out {} --shard {}/{} --resume`",
                    dir.display(),
                    r.index,
                    m.identity.shard_count
                );
                return Err(refuse(format!("shard {}: {why}", r.index), &hint));
            }
            listed.extend(part_files(&layout, shard, &m.arms, part));
        }
    }
    for table in ["summary", "outcomes", "trajectories"] {
        let stray = walk_files(&dir.join(table)).into_iter().find(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.ends_with(".parquet") && !name.starts_with('.') && !listed.contains(p)
        });
        if let Some(p) = stray {
            return Err(refuse(
                format!(
                    "it holds {}, which the manifest does not list",
                    relative(dir, &p)
                ),
                "move files that are not this run's out of the results directory",
            ));
        }
    }
    if let Some(why) = [&m.comparison, &m.parameters]
        .into_iter()
        .flatten()
        .chain(&m.decision)
        .find_map(|c| c.problem(dir, &m.identity))
    {
        return Err(refuse(
            why,
            "rewrite it with `sarcosim run SCENARIO --out DIR --resume`",
        ));
    }
    Ok(())
}
