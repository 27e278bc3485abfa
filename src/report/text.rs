//! The text report of a results directory (`sarcosim report DIR`): by default one line per
//! arm at the last record and the comparison of the central draw with its across-draw
//! summary, so that it fits a screen; [`Selection`] asks for the population by year, the
//! prevalence by age band, other arms or draws.

use super::select::{Section, Selection};
use super::{by_age_band, by_time, Results};
use crate::error::Result;
use polars::prelude::*;
use std::fmt::Write as _;

/// Renders a frame as an aligned text table (floats with two decimals).
pub fn render(df: &DataFrame) -> String {
    let cols = df.columns();
    let header: Vec<String> = cols.iter().map(|c| c.name().to_string()).collect();
    let rows: Vec<Vec<String>> = (0..df.height())
        .map(|i| {
            cols.iter()
                .map(|c| match c.get(i) {
                    // A rate over no time (admissions at record 0) is undefined: shown as "-".
                    Ok(AnyValue::Float64(v)) if v.is_nan() => "-".to_string(),
                    Ok(AnyValue::Float64(v)) => format!("{v:.2}"),
                    Ok(AnyValue::Float32(v)) => format!("{v:.2}"),
                    Ok(AnyValue::Null) => "-".to_string(),
                    Ok(AnyValue::String(s)) => s.to_string(),
                    Ok(AnyValue::StringOwned(s)) => s.to_string(),
                    Ok(v) => v.to_string(),
                    Err(_) => "?".to_string(),
                })
                .collect()
        })
        .collect();
    crate::table::aligned(&header, &rows, 0)
}

/// Per arm, the last record of `draw`: year, survivors, deaths over the whole run, mean
/// muscle measures and prevalence by definition.
pub fn overview(r: &Results, arms: &[&String], draw: i32) -> Result<DataFrame> {
    let mut frames = Vec::new();
    for arm in arms {
        let t = by_time(r, arm, draw)?;
        // Admissions are a rate between records: not a state at the last one.
        let cols: Vec<Expr> = t
            .get_column_names()
            .into_iter()
            .filter(|name| !name.starts_with("admissions"))
            .map(|name| match name.as_str() {
                "deaths" => col("deaths").sum().alias("deaths (all years)"),
                n => col(n).last(),
            })
            .collect();
        let mut select = vec![lit(arm.as_str()).alias("arm")];
        select.extend(cols);
        frames.push(t.lazy().select(select));
    }
    Ok(concat(frames, UnionArgs::default())?.collect()?)
}

/// The text report of a results directory: the sections, arms and draws of `sel` (the
/// comparison is printed by its exporter after this).
pub fn text_report(r: &Results, sel: &Selection) -> Result<String> {
    let m = &r.manifest;
    let mut out = String::new();
    // Nothing about how the run was split: a sharded run reports exactly like a whole one.
    let _ = writeln!(
        out,
        "scenario {} · seed {} · {} persons per arm · draws 0..={} · engine {}",
        m.identity.scenario,
        m.identity.seed,
        m.identity.population,
        m.draws,
        m.identity.engine_version
    );
    let settings = m
        .scenario_resolved
        .get("settings")
        .and_then(|v| v.as_array());
    if let Some(settings) = settings {
        let list: Vec<&str> = settings.iter().filter_map(|v| v.as_str()).collect();
        let _ = writeln!(out, "what-if --set {}", list.join(" --set "));
    }
    let shown: Vec<&str> = Section::ALL
        .iter()
        .filter(|(_, s)| sel.shows(*s))
        .map(|(n, _)| *n)
        .collect();
    let _ = writeln!(
        out,
        "showing: {} (more: --section all or a list, --arm NAME, --draw all|K,…)",
        shown.join(", ")
    );
    let arms = sel.arms_of(&m.arms);
    for draw in sel.draws_of(m.draws) {
        let draw = draw as i32;
        if sel.shows(Section::Overview) {
            let _ = writeln!(out, "\n== draw {draw}: every arm at the last record ==");
            out.push_str(&render(&overview(r, &arms, draw)?));
        }
        for arm in &arms {
            if sel.shows(Section::ByYear) {
                let _ = writeln!(out, "\n== arm {arm} · draw {draw}: population by year ==");
                out.push_str(&render(&by_time(r, arm, draw)?));
            }
            if sel.shows(Section::AgeBands) {
                let _ = writeln!(
                    out,
                    "\n== arm {arm} · draw {draw}: prevalence by age band (all records pooled) =="
                );
                out.push_str(&render(&by_age_band(r, arm, draw)?));
            }
        }
    }
    Ok(out)
}
