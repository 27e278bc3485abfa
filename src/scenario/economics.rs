//! Checks of `[economics]`: discounting, utilities, costs and the willingness to pay,
//! over the defaults of `crate::economics`.

use super::interventions::{fraction, non_negative};
use super::locate::KeyPath;
use super::problem::Problem;
use super::raw::RawEconomics;
use super::CONDITIONS;
use crate::economics::Economics;

/// Resolves `[economics]` over its defaults.
pub fn check_economics(
    raw: Option<&RawEconomics>,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Economics {
    let mut e = Economics::default();
    let Some(r) = raw else { return e };
    if let Some(d) = r.discount_rate {
        if !(0.0..=0.2).contains(&d) {
            problems.push(Problem::new(
                path.key("discount_rate"),
                format!("{d} is not a yearly rate in [0, 0.2]"),
            ));
        }
        e.discount_rate = d;
    }
    e.utility = fraction(r.utility, e.utility, path.key("utility"), problems);
    e.utility_sarcopenia = fraction(
        r.utility_sarcopenia,
        e.utility_sarcopenia,
        path.key("utility_sarcopenia"),
        problems,
    );
    e.cost_sarcopenia_per_year = non_negative(
        r.cost_sarcopenia_per_year,
        e.cost_sarcopenia_per_year,
        path.key("cost_sarcopenia_per_year"),
        problems,
    );
    e.cost_per_bed_day = non_negative(
        r.cost_per_bed_day,
        e.cost_per_bed_day,
        path.key("cost_per_bed_day"),
        problems,
    );
    e.willingness_to_pay = non_negative(
        r.willingness_to_pay,
        e.willingness_to_pay,
        path.key("willingness_to_pay"),
        problems,
    );
    if let Some(c) = &r.currency {
        e.currency = c.clone();
    }
    if let Some(v) = r.vary_in_draws {
        e.vary_in_draws = v;
    }
    per_condition(r, path, &mut e, problems);
    e
}

/// `utility_per_condition` and `cost_per_condition_per_year`, by condition name.
fn per_condition(r: &RawEconomics, path: &KeyPath, e: &mut Economics, problems: &mut Vec<Problem>) {
    for (key, map, target, is_utility) in [
        (
            "utility_per_condition",
            &r.utility_per_condition,
            &mut e.utility_per_condition,
            true,
        ),
        (
            "cost_per_condition_per_year",
            &r.cost_per_condition_per_year,
            &mut e.cost_per_condition_per_year,
            false,
        ),
    ] {
        for (name, v) in map.iter().flatten() {
            let p = path.key(key).key(name);
            match CONDITIONS.iter().position(|c| c == name) {
                None => problems.push(
                    Problem::new(p, format!("unknown condition `{name}`"))
                        .hint(format!("one of: {}", CONDITIONS.join(", "))),
                ),
                Some(i) => {
                    target[i] = if is_utility {
                        fraction(Some(*v), 0.0, p, problems)
                    } else {
                        non_negative(Some(*v), 0.0, p, problems)
                    }
                }
            }
        }
    }
}

/// Most values of `wtp_grid`.
pub const MAX_WTP_GRID: usize = 1000;
/// Most `evppi_groups`.
pub const MAX_EVPPI_GROUPS: usize = 50;
/// Default decision horizon of the population EVPI, years.
pub const DEFAULT_EVPI_YEARS: u32 = 10;

/// The decision-analysis keys of `[economics]`, as written (`None`: the default; the
/// defaults are not serialised, so a scenario without them keeps its fingerprint):
/// `wtp_grid` (the CEAC's willingness-to-pay values, default
/// `crate::compare::decision::ceac::default_grid`), `evpi_population` (persons per year
/// facing the decision; without it no population EVPI), `evpi_years` (years the decision
/// holds, default [`DEFAULT_EVPI_YEARS`]), `evppi_groups` (name → inputs of
/// `parameters.parquet`, exact or ending in `*`; default: by prefix).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wtp_grid: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evpi_population: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evpi_years: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evppi_groups: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

impl Decision {
    pub fn is_default(&self) -> bool {
        *self == Decision::default()
    }

    /// Years the decision holds.
    pub fn years(&self) -> u32 {
        self.evpi_years.unwrap_or(DEFAULT_EVPI_YEARS)
    }
}

/// Every input name `parameters.parquet` can hold: the parameter table's and the sampled
/// economic inputs'.
pub fn input_names() -> Vec<String> {
    let e = Economics {
        cost_per_condition_per_year: [1.0; 5],
        ..Economics::default()
    };
    let mut names: Vec<String> = crate::params::TABLE
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    names.extend(e.sampled_inputs(&e).into_iter().map(|(n, _)| n));
    names
}

/// Whether an input name matches a group's pattern (exact, or a prefix ending in `*`).
pub fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// Checks the decision-analysis keys of `[economics]`.
pub fn check_decision(
    raw: Option<&RawEconomics>,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Decision {
    let Some(r) = raw else {
        return Decision::default();
    };
    if let Some(grid) = &r.wtp_grid {
        check_grid(grid, &path.key("wtp_grid"), problems);
    }
    if let Some(n) = r.evpi_population {
        if !(n.is_finite() && (0.0..=1e10).contains(&n)) {
            problems.push(
                Problem::new(
                    path.key("evpi_population"),
                    format!("{n} is not a number of persons in [0, 1e10]"),
                )
                .hint("persons per year who would receive the chosen strategy"),
            );
        }
    }
    let years = r.evpi_years.and_then(|y| {
        let whole = y.fract() == 0.0 && (1.0..=100.0).contains(&y);
        if !whole {
            problems.push(Problem::new(
                path.key("evpi_years"),
                format!("{y} is not a whole number of years from 1 to 100"),
            ));
        }
        whole.then_some(y as u32)
    });
    if let Some(groups) = &r.evppi_groups {
        check_groups(groups, &path.key("evppi_groups"), problems);
    }
    Decision {
        wtp_grid: r.wtp_grid.clone(),
        evpi_population: r.evpi_population,
        evpi_years: years,
        evppi_groups: r.evppi_groups.clone(),
    }
}

/// At least one value, at most [`MAX_WTP_GRID`], each ≥ 0 and larger than the previous.
fn check_grid(grid: &[f64], path: &KeyPath, problems: &mut Vec<Problem>) {
    if grid.is_empty() || grid.len() > MAX_WTP_GRID {
        problems.push(
            Problem::new(
                path.clone(),
                format!("{} values; from 1 to {MAX_WTP_GRID}", grid.len()),
            )
            .hint("e.g. wtp_grid = [0, 20000, 30000, 50000, 100000]"),
        );
        return;
    }
    for (i, v) in grid.iter().enumerate() {
        if !(v.is_finite() && *v >= 0.0) {
            problems.push(Problem::new(path.index(i), format!("must be ≥ 0, not {v}")));
        } else if i > 0 && *v <= grid[i - 1] {
            problems.push(
                Problem::new(
                    path.index(i),
                    format!("{v} does not exceed the value before it ({})", grid[i - 1]),
                )
                .hint("list the willingness-to-pay values in increasing order, once each"),
            );
        }
    }
}

/// Each group names at least one input, each pattern matches a known input.
fn check_groups(
    groups: &std::collections::BTreeMap<String, Vec<String>>,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) {
    if groups.len() > MAX_EVPPI_GROUPS {
        problems.push(Problem::new(
            path.clone(),
            format!("{} groups; at most {MAX_EVPPI_GROUPS}", groups.len()),
        ));
        return;
    }
    let names = input_names();
    for (group, patterns) in groups {
        let p = path.key(group);
        if patterns.is_empty() {
            problems.push(
                Problem::new(p.clone(), "an empty group")
                    .hint("list inputs by name, or a prefix ending in `*`: [\"muscle.*\"]"),
            );
        }
        for (i, pattern) in patterns.iter().enumerate() {
            if names.iter().any(|n| matches(pattern, n)) {
                continue;
            }
            let near = names
                .iter()
                .map(|n| (crate::params::edit_distance(pattern, n), n))
                .min()
                .filter(|(d, _)| *d <= 3)
                .map(|(_, n)| format!("did you mean `{n}`?"))
                .unwrap_or_else(|| {
                    "inputs are named as in `sarcosim params` or `economics.…` (the columns of parameters.parquet); a prefix ends in `*`".to_string()
                });
            problems
                .push(Problem::new(p.index(i), format!("`{pattern}` matches no input")).hint(near));
        }
    }
}
