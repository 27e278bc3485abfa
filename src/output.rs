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

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Version of the results layout; bumped when a table's meaning changes.
pub const FORMAT: &str = "sarcosim-results/2";
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

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

/// The temporary name a file is written under before it is renamed into place.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes a whole file under a temporary name, then renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let tmp = temp_path(path);
    let mut f = fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
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
        if d.is_empty() && self.fingerprint != other.fingerprint {
            d.push("scenario contents (the scenario file was changed)".to_string());
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
}

impl Manifest {
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Json {
            path: path.to_path_buf(),
            error: e,
        })
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

/// Checks, before anything is written, that `dir` may receive this run's shard; with
/// `force`, removes a different run's results. Returns an error naming what differs.
pub fn check_directory(layout: &Layout, identity: &RunIdentity, force: bool) -> Result<()> {
    let dir = &layout.dir;
    if !dir.exists() {
        return check_creatable(dir);
    }
    if !dir.is_dir() {
        return Err(Error::BadInput(format!(
            "{} exists and is not a directory",
            dir.display()
        )));
    }
    let manifest = layout.manifest();
    let conflict = if manifest.exists() {
        match Manifest::read(&manifest) {
            Ok(m) => {
                let d = identity.differences(&m.identity);
                (!d.is_empty())
                    .then(|| format!("it holds results of a different run: {}", d.join("; ")))
            }
            Err(e) => Some(format!("its manifest cannot be read ({e})")),
        }
    } else {
        // Hidden entries are the lock and temporary files of a shard starting at this moment.
        let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut visible = entries
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'));
        visible
            .next()
            .is_some()
            .then(|| "it is not empty and holds no sarcosim manifest".to_string())
    };
    match conflict {
        None => Ok(()),
        Some(why) if !force => Err(Error::BadInput(format!(
            "refusing to write to {}: {why}\n      hint: choose another --out, or add --force to replace its contents",
            dir.display()
        ))),
        Some(_) if manifest.exists() => {
            for sub in ["summary", "outcomes", "trajectories", "comparison.parquet", "manifest.json"] {
                let p = dir.join(sub);
                let r = if p.is_dir() { fs::remove_dir_all(&p) } else if p.exists() { fs::remove_file(&p) } else { Ok(()) };
                r.map_err(|e| Error::io(&p, e))?;
            }
            Ok(())
        }
        Some(_) => Err(Error::BadInput(format!(
            "refusing to write to {}: it is not empty and holds no sarcosim manifest, so --force will not clear it",
            dir.display()
        ))),
    }
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

/// Reads, changes and rewrites the manifest under an exclusive lock, so shards finishing
/// at the same time on a shared directory do not lose each other's records.
pub fn update_manifest(
    layout: &Layout,
    fresh: impl FnOnce() -> Manifest,
    change: impl FnOnce(&mut Manifest) -> Result<()>,
) -> Result<()> {
    fs::create_dir_all(&layout.dir).map_err(|e| Error::io(&layout.dir, e))?;
    let lock_path = layout.dir.join(".manifest.lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))?;
    lock.lock().map_err(|e| Error::io(&lock_path, e))?;
    let path = layout.manifest();
    let result = (|| {
        let mut manifest = if path.exists() {
            Manifest::read(&path)?
        } else {
            fresh()
        };
        change(&mut manifest)?;
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Json {
            path: path.clone(),
            error: e,
        })?;
        write_atomic(&path, &json)
    })();
    let _ = lock.unlock();
    result
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

/// Why a shard's files do not match its manifest record (missing, unreadable, or with
/// other row counts than recorded), or `None` when they are complete and valid.
pub fn shard_files_invalid(
    files: &[(&'static str, PathBuf)],
    recorded: &BTreeMap<String, u64>,
) -> Option<String> {
    let mut rows: BTreeMap<String, u64> = BTreeMap::new();
    for (table, path) in files {
        let n = fs::File::open(path)
            .map_err(|e| e.to_string())
            .and_then(|f| {
                <polars::prelude::ParquetReader<_> as polars::prelude::SerReader<_>>::new(f)
                    .num_rows()
                    .map_err(|e| e.to_string())
            });
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

/// Removes the temporary files a dead writer of this shard left under `dir`: hidden
/// `.NAME.PID.tmp` files whose NAME is one of this shard's files and whose process is
/// gone. Returns how many were removed; refuses when a live process is writing them.
pub fn remove_stale_temp_files(dir: &Path, shard: Shard) -> Result<usize> {
    let marker = format!(".{}.", shard.file_name());
    let mut removed = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix(&marker[..])
                .and_then(|rest| rest.strip_suffix(".tmp"))
                .and_then(|pid| pid.parse::<u32>().ok())
            else {
                continue;
            };
            if pid != std::process::id() && Path::new(&format!("/proc/{pid}")).exists() {
                return Err(Error::BadInput(format!(
                    "{} is being written by process {pid} on this machine: another run of {shard} seems to be going on (stop it, or wait for it to finish)",
                    path.display()
                )));
            }
            fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            removed += 1;
        }
    }
    Ok(removed)
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
        };
        assert!(check_directory(&Layout::new(&dir), &id, false).is_ok());
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        assert!(check_directory(&Layout::new(&dir), &id, false).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn iso_time_formats_a_known_instant() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        assert_eq!(iso_time(t), "2023-11-14T22:13:20Z");
    }
}
