//! Temporary files: every file is written as `.NAME.TOKEN.tmp` and renamed into place.
//! TOKEN is `HOST.PID-START` (START: the process's start time in clock ticks since boot), so
//! a leftover can be told from a live writer even when its PID now belongs to another
//! process. Leftovers of dead writers are removed by `--resume`; a run that fails removes
//! its own.

use super::shard::Shard;
use super::walk_files;
use crate::error::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// This machine's name, as recorded in temp names and shard records (no dots or slashes).
pub fn host() -> String {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        let name = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.trim().is_empty())
            .or_else(|| {
                fs::read_to_string("/etc/hostname")
                    .ok()
                    .map(|s| s.trim().to_string())
            })
            .unwrap_or_default();
        name.trim().to_string()
    })
    .clone()
}

/// The start time of process `pid` in clock ticks since boot (Linux `/proc/PID/stat`).
fn start_ticks(pid: &str) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 22; the command name (field 2) is in parentheses and may hold spaces.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// `HOST.PID-START` of this process.
fn token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        let pid = std::process::id();
        let start = start_ticks("self").unwrap_or(0);
        format!("{}.{pid}-{start}", host().replace(['.', '/'], "_"))
    })
}

/// The temporary name a file is written under before it is renamed into place.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", token()))
}

/// The writer a temp name records, if `name` is `.PREFIX.TOKEN.tmp` (or the older
/// `.PREFIX.PID.tmp`).
struct Writer {
    host: Option<String>,
    pid: String,
    start: Option<u64>,
}

fn writer_of(name: &str, prefix: &str) -> Option<Writer> {
    let rest = name
        .strip_prefix('.')?
        .strip_prefix(prefix)?
        .strip_prefix('.')?
        .strip_suffix(".tmp")?;
    let (host, pid_start) = match rest.rsplit_once('.') {
        Some((h, p)) => (Some(h.to_string()), p),
        None => (None, rest),
    };
    let (pid, start) = match pid_start.split_once('-') {
        Some((p, s)) => (p, Some(s.parse().ok()?)),
        None => (pid_start, None),
    };
    pid.parse::<u32>().ok()?;
    Some(Writer {
        host,
        pid: pid.to_string(),
        start,
    })
}

impl Writer {
    /// Whether the writer is a live process on this machine (other than this one). A
    /// writer on another host cannot be asked: a shard runs once at a time, so its temps
    /// are a crashed attempt's.
    fn is_alive(&self) -> bool {
        if self
            .host
            .as_deref()
            .is_some_and(|h| h != host().replace(['.', '/'], "_"))
        {
            return false;
        }
        if self.pid == std::process::id().to_string() {
            return false;
        }
        match (self.start, start_ticks(&self.pid)) {
            (_, None) => false,
            (Some(recorded), Some(now)) => recorded == now,
            (None, Some(_)) => true,
        }
    }
}

/// Removes the temporary files dead writers left under `dir` for the file names in
/// `prefixes` (a shard's file name, `manifest.json`, `comparison.parquet`). Returns how
/// many were removed; refuses when a live process on this machine is writing one.
pub fn remove_stale(dir: &Path, prefixes: &[String]) -> Result<usize> {
    let mut removed = 0;
    for path in walk_files(dir) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(w) = prefixes.iter().find_map(|p| writer_of(&name, p)) else {
            continue;
        };
        if w.is_alive() {
            return Err(Error::BadInput(format!(
                "{} is being written by process {} on this machine: another run seems to be going on (stop it, or wait for it to finish)",
                path.display(),
                w.pid
            )));
        }
        fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        removed += 1;
    }
    Ok(removed)
}

/// The file-name prefixes of a shard's temporary files.
pub fn shard_prefixes(shard: Shard) -> Vec<String> {
    vec![shard.file_name()]
}

/// Removes every temporary file this process has written under `dir` (after a failure).
pub fn remove_own(dir: &Path) {
    let suffix = format!(".{}.tmp", token());
    for path in walk_files(dir) {
        if path.to_string_lossy().ends_with(&suffix) {
            let _ = fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_carry_host_pid_and_start_and_are_read_back() {
        let p = temp_path(Path::new("/x/shard-0000-of-0001.parquet"));
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let w = writer_of(&name, "shard-0000-of-0001.parquet").unwrap();
        assert_eq!(w.pid, std::process::id().to_string());
        assert_eq!(w.start, start_ticks("self"));
        assert!(
            !w.is_alive(),
            "this process's own temps are never a live other writer"
        );
        let old = writer_of(".manifest.json.4194999.tmp", "manifest.json").unwrap();
        assert_eq!((old.host, old.pid.as_str()), (None, "4194999"));
        assert!(writer_of(".manifest.json.x.tmp", "manifest.json").is_none());
    }

    #[test]
    fn a_reused_pid_is_not_a_live_writer() {
        // PID 1 exists, but it did not start at tick 1 (it is not the writer named here).
        let me = host().replace(['.', '/'], "_");
        let name = format!(".manifest.json.{me}.1-1.tmp");
        let w = writer_of(&name, "manifest.json").unwrap();
        assert!(Path::new("/proc/1").exists());
        assert!(!w.is_alive());
        let live = format!(".manifest.json.{me}.1-{}.tmp", start_ticks("1").unwrap());
        assert!(writer_of(&live, "manifest.json").unwrap().is_alive());
    }
}
