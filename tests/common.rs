//! Shared helpers of the integration tests: run the real binary, read its Parquet back.
#![allow(dead_code)]

use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sarcosim"))
}

pub fn sarcosim(args: &[&str]) -> Output {
    bin()
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .expect("runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A small scenario: 300 persons 60-69, 6 years monthly, yearly records, two arms.
pub const SMALL: &str = r#"
name = "small"
seed = 11
population = 300
horizon = "6y"
step = "1m"
record_every = "1y"

[[cohort]]
name = "60-69"
female = 0.5
age = { uniform = [60, 70] }
conditions = { diabetes = 0.2, ckd = 0.1, copd = 0.07, heart_failure = 0.04, cancer = 0.05 }

[[arm]]
name = "baseline"

[[arm]]
name = "same"
"#;

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// `sarcosim run SCENARIO --out OUT --quiet EXTRA…`, whatever its outcome.
pub fn run_args(scenario: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    sarcosim(&args)
}

pub fn run_ok(scenario: &Path, out: &Path, extra: &[&str]) {
    let o = run_args(scenario, out, extra);
    assert!(o.status.success(), "run failed: {}", stderr(&o));
}

/// Every Parquet file of a table (all partitions and shards), concatenated in a stable order.
pub fn read_table(dir: &Path, table: &str) -> DataFrame {
    let mut files = Vec::new();
    collect(&dir.join(table), &mut files);
    files.sort();
    let mut frames = Vec::new();
    for f in files {
        let rel = f.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        let mut df = ParquetReader::new(std::fs::File::open(&f).unwrap())
            .finish()
            .unwrap();
        let part = rel
            .rsplit_once('/')
            .map(|x| x.0)
            .unwrap_or("")
            .replace("/shard", "");
        df.with_column(Column::new("partition".into(), vec![part; df.height()]))
            .unwrap();
        frames.push(df.lazy());
    }
    concat(frames, UnionArgs::default())
        .unwrap()
        .collect()
        .unwrap()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "parquet")
            && !p.file_name().unwrap().to_string_lossy().starts_with('.')
        {
            out.push(p);
        }
    }
}

/// A per-person table sorted by partition, person and record, for comparisons across runs.
pub fn sorted(df: &DataFrame) -> DataFrame {
    let mut by = vec!["partition", "person_id"];
    if df.schema().contains("record") {
        by.push("record");
    }
    df.sort(by, Default::default()).unwrap()
}

pub fn report(dir: &Path) -> Output {
    sarcosim(&["report", dir.to_str().unwrap()])
}
