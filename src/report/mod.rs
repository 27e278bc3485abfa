//! Reading a results directory back: every shard's summary, checked to form one complete
//! run, added up exactly (integer sums), and turned into the tables `sarcosim report`
//! prints: the population over time and prevalence by age band, per arm.
//!
//! [`select`] says what a report shows (sections, arms, draws); [`text`] writes the text
//! report.

pub mod charts;
pub mod select;
pub mod text;

pub use select::{Draws, Section, Selection};
pub use text::{render, text_report};

use crate::error::{Error, Result};
use crate::output::{Layout, Manifest, Shard, ShardStatus};
use crate::sinks::summary::INDICATORS;
use polars::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A complete run read from disk.
pub struct Results {
    /// The results directory (the comparison streams its outcomes from there).
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// The summary of all shards, one row per arm × draw × record × sex × age band.
    pub summary: DataFrame,
}

/// Reads every shard's summary of the run in `dir`, refusing incomplete or mixed runs.
pub fn load(dir: &Path) -> Result<Results> {
    let layout = Layout::new(dir);
    let path = layout.manifest();
    if !path.exists() {
        return Err(Error::Results(format!(
            "{} holds no manifest.json: it is not a sarcosim results directory (or no shard has started)",
            dir.display()
        )));
    }
    let manifest = Manifest::read(&path)?;
    check_complete(dir, &manifest)?;
    check_one_run(dir, &manifest)?;
    let expected = summary_files(&layout, &manifest);
    check_nothing_else(dir, &expected, manifest.identity.shard_count)?;
    let summary = sum_summaries(&expected)?;
    Ok(Results {
        dir: dir.to_path_buf(),
        manifest,
        summary,
    })
}

/// Every shard complete for all of the directory's draws.
fn check_complete(dir: &Path, manifest: &Manifest) -> Result<()> {
    let n = manifest.identity.shard_count;
    let draws = manifest.draws;
    // A shard is complete only for the draws its complete parts cover.
    let missing: Vec<String> = (0..n)
        .filter_map(|k| {
            let record = manifest.shards.iter().find(|s| s.index == k);
            let state = match record {
                None => "missing".to_string(),
                Some(r) if r.status != ShardStatus::Complete => "running or failed".to_string(),
                Some(r) => match r.complete_draws() {
                    Some(d) if d == draws => return None,
                    Some(d) => format!("holds draws 0..{d} of 0..{draws}"),
                    None => format!("holds none of draws 0..{draws}"),
                },
            };
            Some(format!("{k} ({state})"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Results(format!(
        "{} is incomplete: {} of {n} shards not complete: {}\n      hint: run the missing shards with --shard K/{n} --draws {draws} (or --resume)",
        dir.display(),
        missing.len(),
        missing.join(", ")
    )))
}

/// Every shard written by the manifest's run.
fn check_one_run(dir: &Path, manifest: &Manifest) -> Result<()> {
    let foreign: Vec<String> = manifest
        .shards
        .iter()
        .filter_map(|s| {
            let run = s.run.as_ref()?;
            let d = manifest.identity.differences(run);
            (!d.is_empty()).then(|| format!("shard {}: {}", s.index, d.join("; ")))
        })
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    Err(Error::Results(format!(
        "{} mixes shards of different runs (manifest: scenario {}, seed {}, engine {}); differing: {}\n      hint: rerun those shards into this directory, or keep each run in its own directory",
        dir.display(),
        manifest.identity.scenario,
        manifest.identity.seed,
        manifest.identity.engine_version,
        foreign.join(" | ")
    )))
}

/// The summary files the manifest lists: per shard, one per complete draw range.
fn summary_files(layout: &Layout, manifest: &Manifest) -> Vec<PathBuf> {
    let mut expected = Vec::new();
    for r in &manifest.shards {
        let shard = Shard {
            index: r.index,
            count: manifest.identity.shard_count,
        };
        for p in &r.parts {
            expected.push(layout.summary(shard, p.first, p.last));
        }
    }
    expected
}

/// No summary file but those the manifest lists (`n`: its shard count).
fn check_nothing_else(dir: &Path, expected: &[PathBuf], n: u32) -> Result<()> {
    let summary_dir = dir.join("summary");
    let mut stack = vec![summary_dir.clone()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".parquet")
                && !name.starts_with('.')
                && !expected.contains(&path)
            {
                return Err(Error::Results(format!(
                    "{} holds {}, which the manifest does not list (a file of another run, or of a run split into a different number of shards than the manifest's {n})",
                    summary_dir.display(),
                    path.strip_prefix(dir).unwrap_or(&path).display()
                )));
            }
        }
    }
    Ok(())
}

/// The summary files added up (integer sums), sorted.
fn sum_summaries(files: &[PathBuf]) -> Result<DataFrame> {
    let mut frames = Vec::new();
    for p in files {
        let file = File::open(p).map_err(|e| Error::io(p, e))?;
        frames.push(ParquetReader::new(file).finish()?.lazy());
    }
    let keys = crate::sinks::summary::KEYS;
    let sums: Vec<Expr> = crate::sinks::summary::COLUMNS
        .iter()
        .map(|c| col(*c).sum())
        .collect();
    Ok(concat(frames, UnionArgs::default())?
        .group_by(keys.map(col))
        .agg(sums)
        .sort(
            ["arm", "draw", "record", "female", "age_band"],
            Default::default(),
        )
        .collect()?)
}

fn pct(count: &str, of: &str) -> Expr {
    (lit(100.0) * col(count).cast(DataType::Float64) / col(of).cast(DataType::Float64))
        .alias(format!("{count} %"))
}

fn mean_milli(sum: &str, name: &str) -> Expr {
    (col(sum).cast(DataType::Float64) / lit(1000.0) / col("alive").cast(DataType::Float64))
        .alias(name)
}

/// Per arm and draw, the population at each record: survivors, deaths and admissions
/// since the last record, mean muscle measures and prevalence by definition.
pub fn by_time(r: &Results, arm: &str, draw: i32) -> Result<DataFrame> {
    let mut select = vec![
        col("time_years").alias("year"),
        col("alive"),
        col("deaths"),
        (col("admissions").cast(DataType::Float64) * lit(1000.0)
            / (col("person_steps").cast(DataType::Float64) * col("step_years")))
        .alias("admissions /1000 py"),
        mean_milli("alm_sum_g", "ALM kg"),
        mean_milli("grip_sum_g", "grip kg"),
        mean_milli("gait_sum_mm_per_s", "gait m/s"),
    ];
    select.extend(INDICATORS.iter().map(|c| pct(c, "alive")));
    let mut sums: Vec<Expr> = crate::sinks::summary::COLUMNS
        .iter()
        .map(|c| col(*c).sum())
        .collect();
    sums.push(col("time_years").first());
    sums.push(col("step_years").first());
    Ok(r.summary
        .clone()
        .lazy()
        .filter(col("arm").eq(lit(arm)).and(col("draw").eq(lit(draw))))
        .group_by([col("record")])
        .agg(sums)
        .sort(["record"], Default::default())
        .select(select)
        .collect()?)
}

/// Per arm and draw, prevalence by sex and 5-year age band, pooled over every record.
pub fn by_age_band(r: &Results, arm: &str, draw: i32) -> Result<DataFrame> {
    let mut sums: Vec<Expr> = vec![col("alive").sum()];
    sums.extend(INDICATORS.iter().map(|c| col(*c).sum()));
    let mut select = vec![
        when(col("female"))
            .then(lit("women"))
            .otherwise(lit("men"))
            .alias("sex"),
        (col("age_band").cast(DataType::String)
            + lit("-")
            + (col("age_band") + lit(4)).cast(DataType::String))
        .alias("ages"),
        col("alive").alias("person-records"),
    ];
    select.extend(INDICATORS.iter().map(|c| pct(c, "alive")));
    Ok(r.summary
        .clone()
        .lazy()
        .filter(
            col("arm")
                .eq(lit(arm))
                .and(col("draw").eq(lit(draw)))
                .and(col("alive").gt(lit(0))),
        )
        .group_by([col("female"), col("age_band")])
        .agg(sums)
        .filter(col("alive").gt(lit(0)))
        .sort(["female", "age_band"], Default::default())
        .select(select)
        .collect()?)
}
