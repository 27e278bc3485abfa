//! Checks of `[[cohort]]` entries: names, shares, the distributions of starting values
//! within their accepted ranges, and the microdata file of a cohort drawn `from` one.

use super::locate::KeyPath;
use super::problem::Problem;
use super::raw::{RawCohort, RawDist, RawNormal};
use super::{Cohort, Dist, CONDITIONS};
use crate::microdata::{Col, Sampling, Shared};
use std::path::Path;

/// Accepted ranges of the cohort's starting values.
pub const AGE_RANGE: (f64, f64) = (18.0, 110.0);
pub const BMI_RANGE: (f64, f64) = (12.0, 70.0);
pub const HEIGHT_RANGE: (f64, f64) = (1.0, 2.3);
pub const PROTEIN_RANGE: (f64, f64) = (0.0, 5.0);
pub const TRAINING_RANGE: (f64, f64) = (0.0, 14.0);
pub const ALMI_RANGE: (f64, f64) = (2.0, 16.0);
pub const GRIP_RANGE: (f64, f64) = (1.0, 100.0);

/// Checks every cohort (names unique) and normalises their shares to add up to 1.
pub(super) fn check_cohorts(
    raw: &[RawCohort],
    base: &Path,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Vec<Cohort> {
    let mut cohorts: Vec<Cohort> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, c)| check_cohort(c, base, &path.index(i), problems))
        .collect();
    if raw.len() > 1 {
        for (i, c) in raw.iter().enumerate() {
            if c.sample.as_deref() == Some("as_is") {
                problems.push(
                    Problem::new(
                        path.index(i).key("sample"),
                        "`as_is` takes every person from this file: it must be the only cohort",
                    )
                    .hint("use sample = \"weighted\" to mix the file with other cohorts"),
                );
            }
        }
    }
    for (i, c) in raw.iter().enumerate() {
        let n = c.name.as_deref().unwrap_or("");
        if raw[..i].iter().any(|o| o.name.as_deref() == Some(n)) && !n.is_empty() {
            problems.push(Problem::new(
                path.index(i).key("name"),
                format!("cohort `{n}` is defined twice"),
            ));
        }
    }
    let total_share: f64 = cohorts.iter().map(|c| c.share).sum();
    if total_share > 0.0 {
        for c in &mut cohorts {
            c.share /= total_share;
        }
    }
    cohorts
}

fn check_cohort(
    c: &RawCohort,
    base: &Path,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Option<Cohort> {
    let before = problems.len();
    let from = microdata(c, base, path, problems);
    let name = c.name.clone().unwrap_or_default();
    if name.trim().is_empty() {
        problems.push(
            Problem::new(path.key("name"), "missing")
                .hint("give the cohort a name, e.g. `name = \"women 60-69\"`"),
        );
    }
    let share = c.share.unwrap_or(1.0);
    if !(share.is_finite() && share > 0.0) {
        problems.push(Problem::new(
            path.key("share"),
            format!("must be > 0, not {share}"),
        ));
    }
    let female = probability(c.female.unwrap_or(0.5), &path.key("female"), problems);
    let age = match &c.age {
        // The file's problems are reported already.
        None if c.from.is_some() && from.is_none() => None,
        None if from.as_ref().is_some_and(|d| d.has(Col::Age)) => {
            let (lo, hi) = from.as_ref().and_then(|d| d.range(Col::Age))?;
            Some(Dist::Uniform { lo, hi })
        }
        None => {
            problems.push(
                Problem::new(path.key("age"), "missing")
                    .hint("e.g. `age = { uniform = [60, 70] }`"),
            );
            None
        }
        Some(d) => dist(d, &path.key("age"), AGE_RANGE, "ages", problems),
    };
    let values = starting_values(c, path, problems);
    let mut conditions = [0.0; 5];
    if let Some(rc) = &c.conditions {
        let given = [rc.diabetes, rc.ckd, rc.copd, rc.heart_failure, rc.cancer];
        for (i, v) in given.iter().enumerate() {
            if let Some(v) = v {
                conditions[i] =
                    probability(*v, &path.key("conditions").key(CONDITIONS[i]), problems);
            }
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Cohort {
        name,
        share,
        female,
        age: age?,
        height: values.height,
        bmi: values.bmi,
        protein_g_per_kg: values.protein,
        training_sessions_per_week: values.training,
        conditions,
        alm_index: values.alm_index,
        grip: values.grip,
        from,
    })
}

/// `from` and `sample`: the cohort's microdata file, read and checked (relative to `base`,
/// the scenario's folder); its problems are the file's, each with its line and column.
fn microdata(
    c: &RawCohort,
    base: &Path,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Option<Shared> {
    let sampling = match c.sample.as_deref() {
        None => Sampling::Weighted,
        Some(name) => match Sampling::from_name(name) {
            Some(s) => s,
            None => {
                problems.push(
                    Problem::new(
                        path.key("sample"),
                        format!("`{name}` is not a way to sample"),
                    )
                    .hint(format!("use one of {}", Sampling::NAMES.join(", "))),
                );
                return None;
            }
        },
    };
    let Some(file) = c.from.as_deref() else {
        if c.sample.is_some() {
            problems.push(
                Problem::new(path.key("sample"), "`sample` needs `from`")
                    .hint("`from = \"people.csv\"` names the microdata file to sample"),
            );
        }
        return None;
    };
    let full = base.join(file);
    match crate::microdata::load(&full, &full.display().to_string(), sampling) {
        Ok(mut d) => {
            d.file = file.to_string();
            Some(Shared(std::sync::Arc::new(d)))
        }
        Err(errors) => {
            for e in errors {
                let mut p = Problem::new(path.key("from"), e.to_string());
                p.hint = e.hint.or_else(|| {
                    (e.row.is_none()
                        && e.column.is_none()
                        && e.line.is_none()
                        && !e.message.starts_with('…'))
                    .then(|| {
                        "a microdata file: see docs/model.md, \"Cohorts from microdata\"".into()
                    })
                });
                problems.push(p);
            }
            None
        }
    }
}

/// A cohort's starting values other than age, defaults applied.
struct StartingValues {
    height: Option<Dist>,
    bmi: Dist,
    protein: Dist,
    training: Dist,
    alm_index: Option<Dist>,
    grip: Option<Dist>,
}

fn starting_values(c: &RawCohort, path: &KeyPath, problems: &mut Vec<Problem>) -> StartingValues {
    let opt = |d: &Option<RawDist>, key: &str, range, what, problems: &mut Vec<Problem>| {
        d.as_ref()
            .and_then(|d| dist(d, &path.key(key), range, what, problems))
    };
    let height = opt(&c.height, "height", HEIGHT_RANGE, "heights (m)", problems);
    let bmi = opt(&c.bmi, "bmi", BMI_RANGE, "BMIs", problems).unwrap_or(Dist::Normal {
        mean: 27.0,
        sd: 4.5,
        min: 16.0,
        max: 45.0,
    });
    let protein = opt(
        &c.protein_g_per_kg,
        "protein_g_per_kg",
        PROTEIN_RANGE,
        "protein intakes (g/kg/d)",
        problems,
    )
    .unwrap_or(Dist::Normal {
        mean: 1.0,
        sd: 0.25,
        min: 0.4,
        max: 2.2,
    });
    let training = opt(
        &c.training_sessions_per_week,
        "training_sessions_per_week",
        TRAINING_RANGE,
        "sessions per week",
        problems,
    )
    .unwrap_or(Dist::Fixed(0.0));
    let alm_index = opt(
        &c.alm_index,
        "alm_index",
        ALMI_RANGE,
        "ALM indices (kg/m²)",
        problems,
    );
    let grip = opt(&c.grip, "grip", GRIP_RANGE, "grips (kg)", problems);
    StartingValues {
        height,
        bmi,
        protein,
        training,
        alm_index,
        grip,
    }
}

fn probability(v: f64, path: &KeyPath, problems: &mut Vec<Problem>) -> f64 {
    if !(0.0..=1.0).contains(&v) {
        problems.push(Problem::new(
            path.clone(),
            format!("{v} is not a probability in [0, 1]"),
        ));
    }
    v
}

fn dist(
    d: &RawDist,
    path: &KeyPath,
    (lo, hi): (f64, f64),
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<Dist> {
    let before = problems.len();
    let out_of = |v: f64| !(lo..=hi).contains(&v);
    let range_hint = format!("{what} must lie in [{lo}, {hi}]");
    let resolved = match d {
        RawDist::Fixed(v) => {
            if out_of(*v) {
                problems.push(
                    Problem::new(path.key("fixed"), format!("{v} is out of range"))
                        .hint(range_hint),
                );
            }
            Dist::Fixed(*v)
        }
        RawDist::Uniform([a, b]) => {
            let p = path.key("uniform");
            if out_of(*a) || out_of(*b) {
                problems.push(
                    Problem::new(p.clone(), format!("[{a}, {b}] is out of range")).hint(range_hint),
                );
            }
            if a >= b {
                problems.push(Problem::new(
                    p,
                    format!("lower bound {a} is not below upper bound {b}"),
                ));
            }
            Dist::Uniform { lo: *a, hi: *b }
        }
        RawDist::Normal(n) => normal(n, &path.key("normal"), (lo, hi), range_hint, problems),
    };
    (problems.len() == before).then_some(resolved)
}

/// A normal truncated to `[min, max]` (by default the accepted range `[lo, hi]`).
fn normal(
    n: &RawNormal,
    p: &KeyPath,
    (lo, hi): (f64, f64),
    range_hint: String,
    problems: &mut Vec<Problem>,
) -> Dist {
    let out_of = |v: f64| !(lo..=hi).contains(&v);
    let (min, max) = (n.min.unwrap_or(lo), n.max.unwrap_or(hi));
    if !(n.sd.is_finite() && n.sd >= 0.0) {
        problems.push(Problem::new(
            p.key("sd"),
            format!("must be ≥ 0, not {}", n.sd),
        ));
    }
    // Wider than its bounds, the truncated normal is all but flat and its sampler
    // would mostly give up and return the mean.
    if n.sd > max - min && min <= max {
        problems.push(
            Problem::new(
                p.key("sd"),
                format!("{} is wider than the bounds [{min}, {max}]", n.sd),
            )
            .hint(format!(
                "an sd of at most {} (max − min); for a flat spread use {{ uniform = [{min}, {max}] }}",
                max - min
            )),
        );
    }
    if out_of(min) || out_of(max) {
        problems.push(
            Problem::new(p.clone(), format!("bounds [{min}, {max}] are out of range"))
                .hint(range_hint),
        );
    }
    if min > max {
        problems.push(Problem::new(
            p.clone(),
            format!("min {min} is above max {max}"),
        ));
    }
    if !(min..=max).contains(&n.mean) {
        problems.push(Problem::new(
            p.key("mean"),
            format!("mean {} lies outside [{min}, {max}]", n.mean),
        ));
    }
    Dist::Normal {
        mean: n.mean,
        sd: n.sd,
        min,
        max,
    }
}
