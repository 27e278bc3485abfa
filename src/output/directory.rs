//! [`ResultsDir`]: one run's view of its results directory. It decides whether the run may
//! write there (and, with `--force`, clears only what sarcosim recorded), holds the
//! manifest lock, updates the manifest, checks parts and free space, and clears temporary
//! files.

use super::integrity::{part_files, part_problem};
use super::manifest::{FileCheck, Layout, Manifest, RunIdentity};
use super::shard::Shard;
use super::{temp, write_atomic};
use crate::error::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// A results directory as seen by one run (its identity).
#[derive(Clone, Debug)]
pub struct ResultsDir {
    pub layout: Layout,
    pub identity: RunIdentity,
}

/// The manifest lock, held until dropped.
pub struct Locked<'a> {
    dir: &'a ResultsDir,
    file: fs::File,
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

impl ResultsDir {
    pub fn new(dir: impl Into<PathBuf>, identity: RunIdentity) -> Self {
        Self {
            layout: Layout::new(dir),
            identity,
        }
    }

    pub fn path(&self) -> &Path {
        &self.layout.dir
    }

    /// The manifest, if the directory has one.
    pub fn manifest(&self) -> Result<Option<Manifest>> {
        let path = self.layout.manifest();
        if path.exists() {
            Manifest::read(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Checks, before anything is written, that this run may write here: the directory
    /// can be created, or is writable and empty or holds this run; with `force`, a
    /// different sarcosim run's recorded files are removed first. Errors are bad input.
    pub fn prepare(&self, force: bool) -> Result<()> {
        let dir = self.path();
        if !dir.exists() {
            return check_creatable(dir);
        }
        if !dir.is_dir() {
            return Err(Error::BadInput(format!(
                "{} exists and is not a directory",
                dir.display()
            )));
        }
        check_writable(dir)?;
        let refuse = |why: String, hint: &str| {
            Error::BadInput(format!(
                "refusing to write to {}: {why}\n      hint: {hint}",
                dir.display()
            ))
        };
        let manifest = match self.manifest() {
            Ok(Some(m)) if m.is_ours() => m,
            Ok(None) if !has_visible_entries(dir)? => return Ok(()),
            Ok(None) => {
                return Err(refuse(
                    "it is not empty and holds no sarcosim manifest, so not even --force will clear it".into(),
                    "choose another --out",
                ))
            }
            Ok(Some(m)) => {
                return Err(refuse(
                    format!("its manifest.json is not a sarcosim manifest (format `{}`), so not even --force will clear it", m.format),
                    "choose another --out",
                ))
            }
            Err(e) => {
                return Err(refuse(
                    format!("its manifest.json cannot be read as a sarcosim manifest ({e}), so not even --force will clear it"),
                    "choose another --out",
                ))
            }
        };
        let d = self.identity.differences(&manifest.identity);
        if d.is_empty() {
            return Ok(());
        }
        if !force {
            return Err(refuse(
                format!("it holds results of a different run: {}", d.join("; ")),
                "choose another --out, or add --force to replace its contents",
            ));
        }
        self.clear_recorded(&manifest)
    }

    /// Removes what a run recorded: every file of every shard's draws (complete or being
    /// computed), `comparison.parquet`, `parameters.parquet` and `manifest.json`; then the directories this
    /// leaves empty. Nothing else (a user's files stay).
    fn clear_recorded(&self, m: &Manifest) -> Result<()> {
        let layout = &self.layout;
        let mut files = vec![
            layout.dir.join("comparison.parquet"),
            layout.dir.join(crate::sinks::parameters::FILE),
        ];
        let decision = crate::compare::decision::files::FILES;
        files.extend(decision.iter().map(|f| layout.dir.join(f.file)));
        for r in &m.shards {
            let shard = Shard {
                index: r.index,
                count: m.identity.shard_count,
            };
            for part in &r.parts {
                files.extend(part_files(layout, shard, &m.arms, part));
            }
            // The draws a running shard was computing: its files have the layout's names.
            let first = r.complete_draws().map_or(0, |d| d + 1);
            if first <= r.draws {
                let mut part = super::manifest::DrawPart {
                    first,
                    last: r.draws,
                    rows: Default::default(),
                    files: Vec::new(),
                };
                part.rows.insert("trajectories".into(), 0);
                files.extend(part_files(layout, shard, &m.arms, &part));
            }
        }
        for f in files.iter().chain([&layout.manifest()]) {
            match fs::remove_file(f) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(f, e)),
                _ => {}
            }
        }
        for table in ["summary", "outcomes", "trajectories"] {
            remove_empty_dirs(&layout.dir.join(table));
        }
        Ok(())
    }

    /// Takes the manifest lock (waiting for other shards' updates to finish).
    pub fn lock(&self) -> Result<Locked<'_>> {
        let dir = self.path();
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock_path = dir.join(".manifest.lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        file.lock().map_err(|e| Error::io(&lock_path, e))?;
        Ok(Locked { dir: self, file })
    }

    /// Reads, changes and rewrites the manifest under the lock, so shards finishing at
    /// the same time on a shared directory do not lose each other's records.
    pub fn update(
        &self,
        fresh: impl FnOnce() -> Manifest,
        change: impl FnOnce(&mut Manifest) -> Result<()>,
    ) -> Result<()> {
        self.lock()?.update(fresh, change)
    }

    /// Why a recorded part of a shard does not match its files (`None`: it does).
    pub fn part_problem(
        &self,
        shard: Shard,
        arms: &[String],
        part: &super::manifest::DrawPart,
    ) -> Option<String> {
        part_problem(&self.layout, shard, arms, part, &self.identity)
    }

    /// Removes what dead writers left: this shard's temporary files, and (under the lock,
    /// so no live writer can own them) the manifest's and the comparison's.
    pub fn remove_stale_temps(&self, shard: Shard) -> Result<usize> {
        let mut removed = temp::remove_stale(self.path(), &temp::shard_prefixes(shard))?;
        if self.path().is_dir() {
            let _lock = self.lock()?;
            let mut shared = vec![
                "manifest.json".to_string(),
                "comparison.parquet".to_string(),
                crate::sinks::parameters::FILE.to_string(),
            ];
            let decision = crate::compare::decision::files::FILES;
            shared.extend(decision.iter().map(|f| f.file.to_string()));
            removed += temp::remove_stale(self.path(), &shared)?;
        }
        Ok(removed)
    }

    /// Refuses (bad input) a run whose estimated output does not fit the free space of the
    /// file system holding the directory.
    pub fn check_space(&self, estimate: u64) -> Result<()> {
        let mut at = self.path();
        while !at.exists() {
            match at.parent() {
                Some(p) if !p.as_os_str().is_empty() => at = p,
                _ => at = Path::new("."),
            }
        }
        let free = fs4::available_space(at).map_err(|e| Error::io(at, e))?;
        if estimate <= free {
            return Ok(());
        }
        Err(Error::BadInput(format!(
            "refusing to write to {}: the run's output is estimated at {}, more than the {} free there\n      hint: free space, choose another --out, run fewer persons, draws or trajectories, or add --force to try anyway",
            self.path().display(),
            human_bytes(estimate),
            human_bytes(free)
        )))
    }
}

impl Locked<'_> {
    /// Reads, changes and rewrites the manifest (the lock is held).
    pub fn update(
        &self,
        fresh: impl FnOnce() -> Manifest,
        change: impl FnOnce(&mut Manifest) -> Result<()>,
    ) -> Result<()> {
        let path = self.dir.layout.manifest();
        let mut manifest = self.dir.manifest()?.unwrap_or_else(fresh);
        change(&mut manifest)?;
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Json {
            path: path.clone(),
            error: e,
        })?;
        write_atomic(&path, &json)
    }

    /// The check of a file just written under the directory.
    pub fn check(&self, path: &Path) -> Result<FileCheck> {
        FileCheck::of(self.dir.path(), path)
    }
}

/// Bytes as the largest unit that keeps a number ≥ 1 (powers of 1024), one decimal.
pub fn human_bytes(n: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// Whether `dir` holds an entry not hidden (hidden ones are the lock and temporary files
/// of a shard starting at this moment).
fn has_visible_entries(dir: &Path) -> Result<bool> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut visible = entries
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'));
    Ok(visible.next().is_some())
}

/// Removes the directories under (and including) `dir` that are empty, deepest first.
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.path().is_dir() {
            remove_empty_dirs(&e.path());
        }
    }
    let _ = fs::remove_dir(dir); // fails, as it should, when not empty
}

/// Checks that files can be created in the existing directory `dir` (bad input if not).
fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(format!(".sarcosim-probe-{}", std::process::id()));
    fs::File::create(&probe)
        .and_then(|_| fs::remove_file(&probe))
        .map_err(|e| {
            Error::BadInput(format!(
                "cannot write in the results directory {} ({e})",
                dir.display()
            ))
        })
}
/// Checks that `dir` can be created, without leaving anything behind: its nearest existing
/// ancestor must be a directory we can write in (probed with a hidden directory, removed).
fn check_creatable(dir: &Path) -> Result<()> {
    let mut ancestor = dir;
    while !ancestor.exists() {
        match ancestor.parent() {
            Some(p) if !p.as_os_str().is_empty() => ancestor = p,
            _ => return Ok(()), // relative path under the current directory
        }
    }
    let refuse = |why: String| {
        Error::BadInput(format!(
            "cannot create the results directory {}: {why}",
            dir.display()
        ))
    };
    if !ancestor.is_dir() {
        return Err(refuse(format!("{} is not a directory", ancestor.display())));
    }
    let probe = ancestor.join(format!(".sarcosim-probe-{}", std::process::id()));
    fs::create_dir(&probe)
        .and_then(|_| fs::remove_dir(&probe))
        .map_err(|e| refuse(format!("{} is not writable ({e})", ancestor.display())))
}
