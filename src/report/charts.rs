//! The charts of a run (central draw 0), shared by `report --format html` and `plot`:
//! survivors by arm, survival by sex, prevalence over time and by age band for each
//! definition, mean ALM, grip and gait by arm, and, with two arms or more and parameter
//! draws, the cost-effectiveness plane and the acceptability curve.

use super::{by_age_band, by_time, Results};
use crate::chart::{
    self, colour, line_chart, scatter_chart, slug, Axis, Cloud, Frame, RefLine, Series,
};
use crate::compare::{Comparison, Contrast, Outcome};
use crate::error::Result;
use polars::prelude::*;

/// One chart: its file name (without `.svg`), and its SVG.
pub type Chart = (String, String);

/// The definitions charted, with their column in the report's tables.
const DEFINITIONS: [(&str, &str); 3] = [
    ("EWGSOP2 confirmed", "ewgsop2_confirmed %"),
    ("FNIH", "fnih %"),
    ("AWGS", "awgs %"),
];

/// A column as numbers (null: NaN).
fn numbers(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// The arms drawn (all when `shown` is empty), each with its position in the run, which
/// keeps its colour whatever else is shown.
fn arms<'a>(all: &'a [String], shown: &'a [String]) -> impl Iterator<Item = (usize, &'a String)> {
    all.iter()
        .enumerate()
        .filter(move |(_, a)| shown.is_empty() || shown.contains(a))
}

/// One line per arm of `column` of the by-year table against the year.
fn by_arm(r: &Results, shown: &[String], column: &str) -> Result<Vec<Series>> {
    let mut out = Vec::new();
    for (i, arm) in arms(&r.manifest.arms, shown) {
        let t = by_time(r, arm, 0)?;
        let pts = numbers(&t, "year")?
            .into_iter()
            .zip(numbers(&t, column)?)
            .collect();
        out.push(Series::new(arm, i, pts));
    }
    Ok(out)
}

fn years() -> Axis {
    Axis::new("years since start", "years")
}

/// Every chart of the run, for the arms `shown` (all when empty; the baseline's
/// differences stay against the baseline).
pub fn charts(r: &Results, c: Option<&Comparison>, shown: &[String]) -> Result<Vec<Chart>> {
    let mut out = Vec::new();
    let line = |id: &str, title: &str, y: Axis, s: &[Series], zero: bool| -> Chart {
        let f = Frame::new(id, title, years(), y).note("central parameters (draw 0)");
        let inc: &[f64] = if zero { &[0.0] } else { &[] };
        (id.to_string(), line_chart(&f, s, (&[], inc)))
    };
    let alive = by_arm(r, shown, "alive")?;
    out.push(line(
        "alive",
        "Persons alive by arm",
        Axis::new("alive", "persons"),
        &alive,
        true,
    ));
    out.push(survival_by_sex(r, shown)?);
    for (name, column) in DEFINITIONS {
        let id = format!("prevalence-{}", slug(name));
        let title = format!("{name} prevalence among survivors by arm");
        let s = by_arm(r, shown, column)?;
        out.push(line(&id, &title, Axis::new("prevalence", "%"), &s, true));
        out.push(age_bands(r, shown, name, column)?);
    }
    for (id, title, column, unit) in [
        (
            "alm",
            "Mean appendicular lean mass of survivors",
            "ALM kg",
            "kg",
        ),
        ("grip", "Mean grip strength of survivors", "grip kg", "kg"),
        ("gait", "Mean gait speed of survivors", "gait m/s", "m/s"),
    ] {
        let s = by_arm(r, shown, column)?;
        let y = Axis::new(id.to_uppercase().as_str(), unit);
        out.push(line(id, title, y, &s, false));
    }
    if let Some(c) = c {
        out.extend(decision_charts(c, shown));
    }
    Ok(out)
}

/// Survival from the start by sex, every arm (draw 0).
fn survival_by_sex(r: &Results, shown: &[String]) -> Result<Chart> {
    let mut series = Vec::new();
    for (i, arm) in arms(&r.manifest.arms, shown) {
        let df = r
            .summary
            .clone()
            .lazy()
            .filter(col("arm").eq(lit(arm.as_str())).and(col("draw").eq(lit(0))))
            .group_by([col("record"), col("female")])
            .agg([col("alive").sum(), col("time_years").first()])
            .sort(["female", "record"], Default::default())
            .collect()?;
        for (female, sex) in [(false, "men"), (true, "women")] {
            let d = df
                .clone()
                .lazy()
                .filter(col("female").eq(lit(female)))
                .collect()?;
            let (t, a) = (numbers(&d, "time_years")?, numbers(&d, "alive")?);
            let first = a.first().copied().unwrap_or(f64::NAN);
            let pts = t.into_iter().zip(a.iter().map(|v| v / first)).collect();
            let mut s = Series::new(&format!("{arm} · {sex}"), i, pts);
            s.dash = if female {
                chart::Dash::Solid
            } else {
                chart::Dash::Dashed
            };
            series.push(s);
        }
    }
    let f = Frame::new(
        "survival",
        "Survival by sex",
        years(),
        Axis::new("surviving fraction", ""),
    )
    .note("women solid, men dashed; draw 0");
    Ok((
        "survival".into(),
        line_chart(&f, &series, (&[], &[0.0, 1.0])),
    ))
}

/// Prevalence of one definition by 5-year age band (all records pooled), per arm, sexes
/// together weighted by person-records.
fn age_bands(r: &Results, shown: &[String], name: &str, column: &str) -> Result<Chart> {
    let mut series = Vec::new();
    for (i, arm) in arms(&r.manifest.arms, shown) {
        let t = by_age_band(r, arm, 0)?;
        let ages: Vec<f64> = t
            .column("ages")?
            .str()?
            .iter()
            .map(|a| {
                a.and_then(|a| a.split('-').next()?.parse::<f64>().ok())
                    .unwrap_or(f64::NAN)
            })
            .collect();
        let (w, p) = (numbers(&t, "person-records")?, numbers(&t, column)?);
        let mut bands: std::collections::BTreeMap<i64, (f64, f64)> = Default::default();
        for ((a, w), p) in ages.iter().zip(&w).zip(&p) {
            if a.is_finite() && p.is_finite() {
                let e = bands.entry(*a as i64).or_default();
                *e = (e.0 + w * p, e.1 + w);
            }
        }
        let pts = bands
            .iter()
            .map(|(a, (s, w))| (*a as f64 + 2.5, s / w))
            .collect();
        series.push(Series::new(arm, i, pts));
    }
    let id = format!("age-bands-{}", slug(name));
    let title = format!("{name} prevalence by age band (all records pooled)");
    let f = Frame::new(
        &id,
        &title,
        Axis::new("age, band middle", "years"),
        Axis::new("prevalence", "%"),
    )
    .note("draw 0; men and women together");
    Ok((id.clone(), line_chart(&f, &series, (&[], &[0.0]))))
}

/// Per arm other than the baseline, the (incremental QALYs, incremental cost) of each
/// draw 0..=K (NaN where a row is missing).
fn increments(c: &Comparison, arm: &str) -> Vec<(f64, f64)> {
    let value = |o: &Outcome, d: u32| {
        c.rows
            .iter()
            .find(|r| {
                r.arm == arm
                    && r.outcome == *o
                    && r.contrast == Contrast::Difference
                    && r.draw == Some(d as i32)
            })
            .and_then(|r| r.estimate)
            .unwrap_or(f64::NAN)
    };
    (0..=c.draws)
        .map(|d| (value(&Outcome::Qalys, d), value(&Outcome::Cost, d)))
        .collect()
}

/// The cost-effectiveness plane (draws as points, draw 0 marked, the willingness to pay
/// as a line) and, with draws, the acceptability curve.
fn decision_charts(c: &Comparison, shown: &[String]) -> Vec<Chart> {
    let others: Vec<(usize, &String)> = c
        .arms
        .iter()
        .filter(|a| **a != c.baseline)
        .enumerate()
        .filter(|(_, a)| shown.is_empty() || shown.contains(a))
        .collect();
    if others.is_empty() {
        return Vec::new();
    }
    let clouds: Vec<Cloud> = others
        .iter()
        .map(|&(i, arm)| {
            let inc = increments(c, arm);
            Cloud {
                label: arm.to_string(),
                colour: colour(i + 1),
                points: inc[1..].to_vec(),
                centre: inc.first().copied(),
                joined: false,
            }
        })
        .collect();
    let unit = format!("{} per person, discounted", c.currency);
    let wtp = RefLine {
        label: format!("{} {}/QALY", c.willingness_to_pay, c.currency),
        slope: c.willingness_to_pay,
        intercept: 0.0,
    };
    let title = format!("Cost-effectiveness plane vs {}", c.baseline);
    let f = Frame::new(
        "ce-plane",
        &title,
        Axis::new("QALYs gained", "per person"),
        Axis::new("extra cost", &unit),
    )
    .note("large point: central parameters; small points: parameter draws");
    let mut out = vec![(
        "ce-plane".to_string(),
        scatter_chart(&f, &clouds, &[wtp], &[(0.0, 0.0)]),
    )];
    out.push(frontier_chart(c, shown));
    if c.draws >= 2 {
        out.push(ceac(c, &clouds));
    }
    out
}

/// An arm's colour in the decision charts: the baseline's first, then the others in order
/// (as on the cost-effectiveness plane).
fn arm_colour(c: &Comparison, arm: &str) -> &'static str {
    if arm == c.baseline {
        return colour(0);
    }
    let others = c.arms.iter().filter(|a| **a != c.baseline);
    colour(1 + others.take_while(|a| *a != arm).count())
}

/// The efficiency frontier of the central draw: every arm's mean cost and QALYs, the
/// frontier arms joined in order of cost, the others labelled with why they are off it
/// ([`crate::compare::decision::frontier`]).
fn frontier_chart(c: &Comparison, shown: &[String]) -> Chart {
    use crate::compare::decision::{frontier, Sample};
    let sample = Sample::of(c);
    let positions = frontier::frontier(&sample.points[0], c.willingness_to_pay);
    let line: Vec<(f64, f64)> = positions
        .iter()
        .filter(|p| p.status == frontier::Status::Frontier)
        .map(|p| (p.qalys, p.cost))
        .collect();
    let mut clouds = vec![Cloud {
        label: "efficiency frontier".into(),
        colour: "#444444",
        points: line,
        centre: None,
        joined: true,
    }];
    for p in &positions {
        let arm = &sample.arms[p.arm];
        if !shown.is_empty() && !shown.contains(arm) {
            continue;
        }
        let why = match p.status {
            frontier::Status::Frontier => String::new(),
            frontier::Status::Dominated => " (dominated)".into(),
            frontier::Status::ExtendedlyDominated => " (ext. dominated)".into(),
        };
        clouds.push(Cloud {
            label: format!("{arm}{why}"),
            colour: arm_colour(c, arm),
            points: Vec::new(),
            centre: Some((p.qalys, p.cost)),
            joined: false,
        });
    }
    let unit = format!("{} per person, discounted", c.currency);
    let f = Frame::new(
        "frontier",
        "Efficiency frontier (central parameters)",
        Axis::new("QALYs", "per person, discounted"),
        Axis::new("cost", &unit),
    )
    .note("arms by mean cost and QALYs in draw 0; the line joins the arms on the frontier");
    // Wider than the others: the labels say why an arm is off the frontier.
    let f = Frame { width: 760.0, ..f };
    ("frontier".to_string(), scatter_chart(&f, &clouds, &[], &[]))
}

/// The acceptability curve: per arm, the share of draws 1..K whose net monetary benefit
/// against the baseline is positive, over willingness to pay 0..2 × the scenario's.
fn ceac(c: &Comparison, clouds: &[Cloud]) -> Chart {
    let top = (2.0 * c.willingness_to_pay).max(1.0);
    let grid: Vec<f64> = (0..=40).map(|k| top * k as f64 / 40.0).collect();
    let series: Vec<Series> = clouds
        .iter()
        .enumerate()
        .map(|(i, cl)| {
            let draws: Vec<&(f64, f64)> = cl
                .points
                .iter()
                .filter(|(q, k)| q.is_finite() && k.is_finite())
                .collect();
            let pts = grid
                .iter()
                .map(|l| {
                    let yes = draws.iter().filter(|(q, k)| l * q - k > 0.0).count();
                    (*l, yes as f64 / draws.len().max(1) as f64)
                })
                .collect();
            Series::new(&cl.label, i + 1, pts)
        })
        .collect();
    let f = Frame::new(
        "ceac",
        "Cost-effectiveness acceptability curve",
        Axis::new("willingness to pay", &format!("{} per QALY", c.currency)),
        Axis::new("share of draws cost-effective", ""),
    )
    .note(&format!(
        "parameter draws 1..{}; net monetary benefit vs {} > 0",
        c.draws, c.baseline
    ));
    (
        "ceac".into(),
        line_chart(&f, &series, (&[0.0], &[0.0, 1.0])),
    )
}
