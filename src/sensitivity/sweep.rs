//! Running and reporting a `[sweep]` (see [`crate::scenario::sweep`]): every variant of the
//! grid is an ordinary run (same seed and persons: common random numbers across variants)
//! into `OUT/variant=LABEL/`, a complete results directory of its own (so the variant is
//! a partition column of `OUT/variant=*/outcomes/arm=*/draw=*/*.parquet`); `OUT/sweep.json`
//! names the variants and their settings. `report OUT` compares every variant's arms and
//! puts the variants side by side.

use super::Source;
use crate::compare::{self, Comparison, Contrast, Exporter, Outcome};
use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::run::{self, RunOptions, RunSummary};
use crate::scenario::sweep::{variants, Axis, Variant};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The sweep's own file, and its format.
pub const FILE: &str = "sweep.json";
pub const FORMAT: &str = "sarcosim-sweep/1";

/// `sweep.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepFile {
    pub format: String,
    pub scenario: String,
    /// The user's `--set` settings, applied to every variant.
    pub settings: Vec<String>,
    /// Each axis: its name and values (as TOML text).
    pub axes: Vec<(String, Vec<String>)>,
    pub variants: Vec<SweepVariant>,
}

/// A variant as `sweep.json` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepVariant {
    pub label: String,
    /// Its directory, relative to the sweep's.
    pub dir: String,
    pub settings: Vec<String>,
}

/// Whether `dir` holds a sweep.
pub fn is_sweep(dir: &Path) -> bool {
    dir.join(FILE).is_file()
}

/// The results directory of a variant.
pub fn variant_dir(out: &Path, label: &str) -> PathBuf {
    out.join(format!("variant={label}"))
}

fn file_of(base: &Scenario, variants: &[Variant]) -> SweepFile {
    let axes: &[Axis] = &base.sweep;
    SweepFile {
        format: FORMAT.to_string(),
        scenario: base.name.clone(),
        settings: base.settings.clone(),
        axes: axes
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    a.values.iter().map(|v| v.to_string()).collect(),
                )
            })
            .collect(),
        variants: variants
            .iter()
            .map(|v| SweepVariant {
                label: v.label.clone(),
                dir: format!("variant={}", v.label),
                settings: v.settings.clone(),
            })
            .collect(),
    }
}

/// Runs every variant of `base`'s sweep with `opts` (shard, threads, resume and force as
/// for one run) into `opts.out/variant=LABEL/`. Every variant is checked before the first
/// runs; a directory holding another sweep is refused without `force`.
pub fn run(
    source: &Source,
    base: &Scenario,
    opts: &RunOptions,
    say: &mut dyn FnMut(&Variant, &Scenario, &RunSummary),
) -> Result<Vec<RunSummary>> {
    let variants = variants(&base.sweep);
    let mut scenarios = Vec::new();
    for v in &variants {
        let mut s = source.scenario(&v.parsed)?;
        s.sweep.clear();
        scenarios.push(s);
    }
    let file = file_of(base, &variants);
    claim(&opts.out, &file, opts.force)?;
    let mut out = Vec::new();
    for (v, s) in variants.iter().zip(&scenarios) {
        let o = RunOptions {
            out: variant_dir(&opts.out, &v.label),
            ..opts.clone()
        };
        let summary = run::run(s, &o)?;
        say(v, s, &summary);
        out.push(summary);
    }
    Ok(out)
}

/// Writes `sweep.json`, unless the directory holds another sweep or a plain run (then
/// only with `force`).
fn claim(out: &Path, file: &SweepFile, force: bool) -> Result<()> {
    let path = out.join(FILE);
    let refuse = |why: &str| {
        Error::BadInput(format!(
            "refusing to write the sweep into {}: {why}\n      hint: choose another --out, or --force",
            out.display()
        ))
    };
    if !force {
        if out.join("manifest.json").exists() {
            return Err(refuse("it holds the results of a single run"));
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            if serde_json::from_str::<SweepFile>(&text).ok().as_ref() != Some(file) {
                return Err(refuse("it holds another sweep (sweep.json differs)"));
            }
        }
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let json =
        serde_json::to_string_pretty(file).map_err(|e| Error::Other(format!("sweep.json: {e}")))?;
    write_atomic(&path, format!("{json}\n").as_bytes())
}

/// Reads `sweep.json`.
pub fn read(dir: &Path) -> Result<SweepFile> {
    let path = dir.join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let f: SweepFile = serde_json::from_str(&text).map_err(|e| Error::Json {
        path: path.clone(),
        error: e,
    })?;
    if f.format != FORMAT {
        return Err(Error::Results(format!(
            "{}: format {} (this sarcosim reads {FORMAT})",
            path.display(),
            f.format
        )));
    }
    Ok(f)
}

/// How `report` writes a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Csv,
    Json,
}

/// The report of a sweep: the variants side by side (each arm against the baseline at
/// draw 0), then each variant's comparison in `format`; CSV is every comparison row with
/// a `variant` column first, JSON one document with every variant's comparison.
pub fn report(dir: &Path) -> Result<Vec<(SweepVariant, Comparison)>> {
    let file = read(dir)?;
    let mut out = Vec::new();
    for v in file.variants {
        let d = dir.join(&v.dir);
        crate::output::verify(&d)?;
        let c = compare::compare(&d)?;
        out.push((v, c));
    }
    Ok(out)
}

/// The report of a sweep in `format`.
pub fn render(dir: &Path, format: Format) -> Result<String> {
    let file = read(dir)?;
    let all = report(dir)?;
    match format {
        Format::Csv => csv(&all),
        Format::Json => json(&file, &all),
        Format::Text | Format::Markdown => {
            let (exporter, md): (&dyn Exporter, bool) = match format {
                Format::Text => (&compare::Text, false),
                _ => (&compare::Markdown, true),
            };
            let mut out = side_by_side(&file, &all, md);
            for (v, c) in &all {
                let title = format!("variant {}: {}", v.label, v.settings.join(", "));
                let _ = writeln!(out, "\n{}\n", heading(&title, md));
                out.push_str(&String::from_utf8_lossy(&exporter.to_bytes(c)?));
            }
            Ok(out)
        }
    }
}

fn heading(title: &str, md: bool) -> String {
    if md {
        format!("## {title}")
    } else {
        format!("=== {title} ===")
    }
}

/// The variants side by side: per variant and arm, the differences against the baseline
/// in QALYs and cost, and the ICER (draw 0).
fn side_by_side(file: &SweepFile, all: &[(SweepVariant, Comparison)], md: bool) -> String {
    use crate::compare::export::tables::number;
    let mut out = format!(
        "{}\n",
        heading(
            &format!("sweep of {}: {} variants", file.scenario, all.len()),
            md
        )
    );
    for (name, values) in &file.axes {
        let _ = writeln!(out, "  {name} = [{}]", values.join(", "));
    }
    if !file.settings.is_empty() {
        let _ = writeln!(out, "  with --set {}", file.settings.join(" --set "));
    }
    let outcomes = [Outcome::Qalys, Outcome::Cost, Outcome::Icer];
    let mut header = vec!["variant".to_string(), "arm".to_string()];
    header.extend(outcomes.iter().map(|o| format!("Δ {o}")));
    let mut rows = Vec::new();
    for (v, c) in all {
        for arm in c.arms.iter().filter(|a| **a != c.baseline) {
            let mut row = vec![v.label.clone(), arm.clone()];
            for o in &outcomes {
                let r = c.find(arm, o, Contrast::Difference, false);
                row.push(r.and_then(|r| r.estimate).map_or("-".into(), number));
            }
            rows.push(row);
        }
    }
    let _ = writeln!(
        out,
        "\nDifferences against the baseline, draw 0 (central parameters):\n"
    );
    if md {
        let h: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&crate::table::markdown(&h, &rows, 2));
    } else {
        out.push_str(&crate::table::aligned(&header, &rows, 2));
    }
    out
}

fn csv(all: &[(SweepVariant, Comparison)]) -> Result<String> {
    let mut out = String::new();
    for (i, (v, c)) in all.iter().enumerate() {
        let text = String::from_utf8_lossy(&compare::Csv.to_bytes(c)?).into_owned();
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        if i == 0 {
            let _ = writeln!(out, "variant,{header}");
        }
        for line in lines {
            let _ = writeln!(out, "{},{line}", v.label);
        }
    }
    Ok(out)
}

fn json(file: &SweepFile, all: &[(SweepVariant, Comparison)]) -> Result<String> {
    let variants: Vec<serde_json::Value> = all
        .iter()
        .map(|(v, c)| {
            serde_json::json!({ "variant": v.label, "settings": v.settings, "comparison": c })
        })
        .collect();
    let doc = serde_json::json!({
        "format": FORMAT,
        "scenario": file.scenario,
        "axes": file.axes,
        "variants": variants,
    });
    serde_json::to_string_pretty(&doc)
        .map(|s| s + "\n")
        .map_err(|e| Error::Other(format!("writing JSON: {e}")))
}
