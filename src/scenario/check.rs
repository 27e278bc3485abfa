//! Checks a raw scenario and resolves it into a [`Scenario`]: every problem is collected
//! (unknown keys, missing keys, impossible values) and reported together, each with its
//! file, line and key path and, where one helps, a hint.

use super::locate::{KeyPath, Locator};
use super::problem::{Problem, ScenarioError};
use super::raw::{RawArm, RawScenario};
use super::{Arm, OutputSpec, Scenario, Trajectories};
use crate::params;
use crate::time::Duration;
use std::collections::BTreeMap;

/// Longest horizon accepted: a cohort of 18-year-olds is followed to 110 at most.
pub const MAX_HORIZON_YEARS: f64 = 92.0;
/// Size limits, checked before anything is allocated for them.
pub const MAX_POPULATION: u64 = 1_000_000_000;
pub const MAX_DRAWS: u32 = 100_000;
pub const MAX_COHORTS: usize = 1_000;
pub const MAX_ARMS: usize = 100;
pub const MAX_INTERVENTIONS: usize = 100;
/// Memory of the summary grid one chunk of persons fills (arms × draws × records × sexes
/// × age bands × columns × 8 bytes); each worker thread holds one.
pub const MAX_SUMMARY_BYTES: u128 = 4 << 30;

/// Parses and validates scenario text; `file` names it in messages.
pub fn parse_scenario(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let locator = Locator::new(text);
    let mut problems = Vec::new();
    let raw = match toml::Deserializer::parse(text) {
        Err(e) => Err(e),
        Ok(de) => serde_ignored::deserialize(de, |path| {
            let kp = KeyPath::from_ignored(&path);
            let hint = unknown_key_hint(&kp);
            let mut p = Problem::new(kp, "unknown key");
            p.hint = hint;
            problems.push(p);
        }),
    };
    let raw: RawScenario = match raw {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map(|s| super::locate::line_col(text, s.start));
            let message = e.message().trim().to_string();
            let path = e
                .span()
                .map_or_else(KeyPath::root, |s| locator.path_at(s.start));
            let mut p = Problem::new(path, message);
            p.line = line;
            problems.push(p);
            return Err(finish(file, &locator, problems));
        }
    };
    let base = std::path::Path::new(file)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let scenario = check(&raw, base, &mut problems);
    let sweep = check_sweep(&raw, text, base, &locator, &mut problems);
    if problems.is_empty() {
        let mut s = scenario.expect("no problems means a scenario");
        s.sweep = sweep;
        Ok(s)
    } else {
        Err(finish(file, &locator, problems))
    }
}

/// `[sweep]`: its shape, then (if the rest of the file is valid) each value as a setting.
fn check_sweep(
    raw: &RawScenario,
    text: &str,
    base: &std::path::Path,
    locator: &Locator<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<super::sweep::Axis> {
    let Some(table) = raw.sweep.as_ref() else {
        return Vec::new();
    };
    let mut order: Vec<String> = table.keys().cloned().collect();
    order.sort_by_key(|k| locator.locate(&KeyPath::root().key("sweep").key(k)));
    let axes = super::sweep::check_axes(table, &order, problems);
    if problems.is_empty() {
        let mut doc: toml::Table = toml::from_str(text).unwrap_or_default();
        doc.remove("sweep");
        let mut check = |d: toml::Table| {
            let mut found = Vec::new();
            check_document(toml::Value::Table(d), base, &mut found);
            found
        };
        super::sweep::check_values(&doc, &axes, &mut check, problems);
    }
    axes
}

/// Parses and validates scenario text with `--set` settings applied (see [`super::set`]):
/// the file must be valid on its own; then the settings are written into its document,
/// which is checked again by the same rules. Problems of the settings name the option and
/// the key; the scenario records the settings (they are part of its fingerprint).
pub fn parse_with_settings(
    text: &str,
    file: &str,
    settings: &[super::set::Setting],
) -> Result<Scenario, ScenarioError> {
    let scenario = parse_scenario(text, file)?;
    if settings.is_empty() {
        return Ok(scenario);
    }
    let mut doc: toml::Table = toml::from_str(text).map_err(|e| ScenarioError {
        file: file.to_string(),
        problems: vec![Problem::at_top(e.message().to_string())],
    })?;
    let mut problems = Vec::new();
    let mut written = Vec::new();
    for s in settings {
        match s.apply(&mut doc) {
            Ok(paths) => written.push((s, paths)),
            Err(p) => problems.push(p),
        }
    }
    let mut checked = None;
    if problems.is_empty() {
        let mut found = Vec::new();
        let base = std::path::Path::new(file)
            .parent()
            .unwrap_or(std::path::Path::new(""));
        checked = check_document(toml::Value::Table(doc), base, &mut found);
        problems.extend(found.into_iter().map(|p| blame(p, &written)));
    }
    match checked {
        Some(mut s) if problems.is_empty() => {
            s.settings = settings.iter().map(ToString::to_string).collect();
            s.sweep = scenario.sweep;
            Ok(s)
        }
        _ => Err(ScenarioError {
            file: "the command line".into(),
            problems,
        }),
    }
}

/// Checks a scenario document already parsed (no lines to report).
fn check_document(
    doc: toml::Value,
    base: &std::path::Path,
    problems: &mut Vec<Problem>,
) -> Option<Scenario> {
    let raw = serde_ignored::deserialize(doc, |path| {
        let kp = KeyPath::from_ignored(&path);
        let hint = unknown_key_hint(&kp);
        let mut p = Problem::new(kp, "unknown key");
        p.hint = hint;
        problems.push(p);
    });
    match raw {
        Ok(raw) => check(&raw, base, problems),
        Err(e) => {
            problems.push(Problem::at_top(e.message().trim().to_string()));
            None
        }
    }
}

/// A problem found after the settings were applied, said as the setting's.
fn blame(mut p: Problem, written: &[(&super::set::Setting, Vec<KeyPath>)]) -> Problem {
    let by = written
        .iter()
        .find(|(_, paths)| super::set::under(&p.path, paths))
        .map_or_else(
            || "with the --set options".to_string(),
            |(s, _)| format!("--set {s}"),
        );
    p.message = format!("{by}: {}", p.message);
    p
}

/// Most problems reported for one file (locating each one scans its table, so thousands
/// of them would take long and help nobody).
pub const MAX_REPORTED: usize = 100;

fn finish(file: &str, locator: &Locator<'_>, mut problems: Vec<Problem>) -> ScenarioError {
    let more = problems.len().saturating_sub(MAX_REPORTED);
    problems.truncate(MAX_REPORTED);
    for p in &mut problems {
        if p.line.is_none() {
            p.line = locator.locate(&p.path);
        }
    }
    problems.sort_by_key(|p| p.line.unwrap_or((0, 0)));
    if more > 0 {
        problems.push(Problem::at_top(format!(
            "… and {more} more problems, not shown"
        )));
    }
    ScenarioError {
        file: file.to_string(),
        problems,
    }
}

/// The keys of each section, for spelling hints of unknown keys.
pub(super) const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "seed",
    "population",
    "draws",
    "horizon",
    "step",
    "record_every",
    "cohort",
    "arm",
    "parameters",
    "output",
    "economics",
    "comparison",
    "mortality",
    "reference_population",
    "sweep",
];
const COHORT_KEYS: &[&str] = &[
    "name",
    "share",
    "female",
    "age",
    "height",
    "bmi",
    "protein_g_per_kg",
    "training_sessions_per_week",
    "conditions",
    "alm_index",
    "grip",
    "from",
    "sample",
    "diabetes",
    "ckd",
    "copd",
    "heart_failure",
    "cancer",
    "mean",
    "sd",
    "min",
    "max",
];
const ARM_KEYS: &[&str] = &[
    "name",
    "description",
    "intervention",
    "age",
    "sex",
    "conditions_any",
    "sarcopenic",
];
const ECONOMICS_KEYS: &[&str] = &[
    "discount_rate",
    "utility",
    "utility_sarcopenia",
    "utility_per_condition",
    "cost_sarcopenia_per_year",
    "cost_per_bed_day",
    "cost_per_condition_per_year",
    "willingness_to_pay",
    "currency",
    "vary_in_draws",
    "wtp_grid",
    "evpi_population",
    "evpi_years",
    "evppi_groups",
];

fn unknown_key_hint(path: &KeyPath) -> Option<String> {
    let key = path.last_key()?;
    if key.contains('.') {
        return Some(format!(
            "a quoted key is one key, dots and all: write {key} without quotes for a nested key"
        ));
    }
    let section = match path.0.first() {
        Some(super::locate::Seg::Key(k)) if path.0.len() > 1 => k.as_str(),
        _ => "",
    };
    let known: &[&str] = match section {
        "" => TOP_KEYS,
        "cohort" => COHORT_KEYS,
        "arm" => ARM_KEYS,
        "economics" => ECONOMICS_KEYS,
        "comparison" => &["times", "ages"],
        "mortality"
            if matches!(path.0.get(1), Some(super::locate::Seg::Key(k)) if k == "reference_cohort")
                && path.0.len() > 2 =>
        {
            COHORT_KEYS
        }
        "mortality" => &["life_table", "improvement_per_year", "reference_cohort"],
        _ => &["name", "description", "trajectories"],
    };
    // Inside an arm: also every intervention key (an entry's own unknown keys are found by
    // `interventions`, but `eligible` and the arm's are found here).
    let intervention_keys = super::interventions::COMMON_KEYS
        .iter()
        .chain(crate::interventions::KINDS.iter().flat_map(|k| k.keys))
        .filter(|_| section == "arm");
    known
        .iter()
        .chain(intervention_keys)
        .map(|k| (params::edit_distance(key, k), *k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

/// Runs every check, pushing problems; returns the scenario when it could be built.
fn check(
    raw: &RawScenario,
    base: &std::path::Path,
    problems: &mut Vec<Problem>,
) -> Option<Scenario> {
    let top = KeyPath::root();
    let name = check_name(raw.name.as_deref(), problems);
    let (seed, population, draws) = check_counts(raw, problems);
    let times = check_times(raw, problems);
    let raw_cohorts = limited(&raw.cohort, MAX_COHORTS, &top.key("cohort"), problems);
    let raw_arms = limited(&raw.arm, MAX_ARMS, &top.key("arm"), problems);
    if raw.cohort.is_empty() {
        problems.push(Problem::new(
            top.key("cohort"),
            "at least one [[cohort]] is needed",
        ));
    }
    let cohorts = super::cohort::check_cohorts(raw_cohorts, base, &top.key("cohort"), problems);
    if raw.arm.is_empty() {
        problems.push(
            Problem::new(top.key("arm"), "at least one [[arm]] is needed")
                .hint("add `[[arm]]` with `name = \"baseline\"`"),
        );
    }
    let arms = check_arms(raw_arms, problems);
    let economics =
        super::economics::check_economics(raw.economics.as_ref(), &top.key("economics"), problems);
    let decision =
        super::economics::check_decision(raw.economics.as_ref(), &top.key("economics"), problems);
    let checkpoints = super::comparison::check_comparison(
        raw.comparison.as_ref(),
        &top.key("comparison"),
        times.as_ref().map(|t| (t.horizon, t.step)),
        problems,
    );
    check_parameters(&raw.parameters, problems);
    let mut mortality = super::mortality::check_mortality(
        raw.mortality.as_ref(),
        base,
        &top.key("mortality"),
        problems,
    );
    let trajectories = check_trajectories(raw, problems);
    let reference_population =
        super::reference_population::check(raw.reference_population.as_deref(), problems);
    // Unless named, the reference cohort is the population the scenario declares.
    if let Some(r) = reference_population {
        if !super::mortality::names_reference_cohort(raw.mortality.as_ref()) {
            mortality.reference_cohort =
                super::mortality::ReferenceCohort::shipped(r.reference_cohort)
                    .expect("a reference population names a shipped reference cohort");
        }
    }
    if !problems.is_empty() {
        return None;
    }
    let t = times?;
    let scenario = Scenario {
        name,
        description: raw.description.clone().unwrap_or_default(),
        seed,
        population,
        draws,
        horizon: t.horizon,
        step: t.step,
        record_every: t.record_every,
        horizon_steps: t.horizon_steps,
        record_every_steps: t.record_every_steps,
        cohorts,
        arms,
        parameters: raw.parameters.clone(),
        output: OutputSpec { trajectories },
        economics,
        decision,
        checkpoints,
        mortality,
        reference_population,
        settings: Vec::new(),
        sweep: Vec::new(),
    };
    problems.extend(check_sizes(&scenario));
    problems.is_empty().then_some(scenario)
}

fn check_name(name: Option<&str>, problems: &mut Vec<Problem>) -> String {
    let path = KeyPath::root().key("name");
    match name.map(str::trim) {
        Some(n) if !n.is_empty() => n.to_string(),
        Some(_) => {
            problems.push(Problem::new(path, "must not be empty"));
            String::new()
        }
        None => {
            problems
                .push(Problem::new(path, "missing").hint("every scenario needs `name = \"...\"`"));
            String::new()
        }
    }
}

/// `seed`, `population` and `draws`.
fn check_counts(raw: &RawScenario, problems: &mut Vec<Problem>) -> (u64, u64, u32) {
    let top = KeyPath::root();
    let seed = match raw.seed {
        None => 1,
        Some(s) if s >= 0 => s as u64,
        Some(s) => {
            problems.push(Problem::new(
                top.key("seed"),
                format!("must be ≥ 0, not {s}"),
            ));
            0
        }
    };
    let population = match raw.population {
        Some(p) => check_population(p)
            .map_err(|e| problems.push(e))
            .unwrap_or(0),
        None => {
            problems.push(
                Problem::new(top.key("population"), "missing")
                    .hint("persons per arm, e.g. `population = 100_000`"),
            );
            0
        }
    };
    let draws = match raw.draws {
        None => 0,
        Some(d) => check_draws(d).map_err(|e| problems.push(e)).unwrap_or(0),
    };
    (seed, population, draws)
}

/// Persons per arm and draw: 1 to [`MAX_POPULATION`].
pub(super) fn check_population(p: i64) -> Result<u64, Problem> {
    let path = KeyPath::root().key("population");
    match u64::try_from(p) {
        Ok(n @ 1..=MAX_POPULATION) => Ok(n),
        Ok(0) | Err(_) => Err(Problem::new(path, format!("must be ≥ 1, not {p}"))),
        Ok(_) => Err(
            Problem::new(path, format!("{p} is more than {MAX_POPULATION} persons"))
                .hint("split a larger study into several scenarios with different seeds"),
        ),
    }
}

/// Parameter draws after the central draw: 0 to [`MAX_DRAWS`].
pub(super) fn check_draws(d: i64) -> Result<u32, Problem> {
    match u32::try_from(d) {
        Ok(n) if n <= MAX_DRAWS => Ok(n),
        _ => Err(Problem::new(
            KeyPath::root().key("draws"),
            format!("must be between 0 and {MAX_DRAWS}, not {d}"),
        )),
    }
}

/// The horizon, step and recording interval, resolved to steps.
struct Times {
    horizon: Duration,
    step: Duration,
    record_every: Duration,
    horizon_steps: u32,
    record_every_steps: u32,
}

fn duration_of(
    key: &str,
    text: Option<&str>,
    default: Option<&str>,
    problems: &mut Vec<Problem>,
) -> Option<Duration> {
    let path = KeyPath::root().key(key);
    match text.or(default) {
        None => {
            problems.push(
                Problem::new(path, "missing")
                    .hint("a duration such as \"30y\", \"6m\", \"20w\" or \"10d\""),
            );
            None
        }
        Some(t) => t
            .parse::<Duration>()
            .map_err(|e| {
                problems.push(
                    Problem::new(path, e.to_string())
                        .hint("durations look like \"10d\", \"20w\", \"6m\", \"30y\""),
                )
            })
            .ok(),
    }
}

/// Only a supported step and a horizon within the limit are used further: the sizes
/// (steps, records, checkpoints) are computed from them.
fn check_times(raw: &RawScenario, problems: &mut Vec<Problem>) -> Option<Times> {
    let top = KeyPath::root();
    let horizon = duration_of("horizon", raw.horizon.as_deref(), None, problems);
    let step = duration_of("step", raw.step.as_deref(), Some("1m"), problems);
    let record_every = duration_of(
        "record_every",
        raw.record_every.as_deref(),
        Some("1y"),
        problems,
    );
    let step = step.filter(|s| {
        let ok = s.count == 1.0 && s.unit != crate::time::Unit::Year;
        if !ok {
            problems.push(
                Problem::new(top.key("step"), format!("`{s}` is not a supported step"))
                    .hint("use \"1d\", \"1w\" or \"1m\""),
            );
        }
        ok
    });
    let horizon = horizon.filter(|h| {
        let ok = h.years() <= MAX_HORIZON_YEARS;
        if !ok {
            problems.push(
                Problem::new(
                    top.key("horizon"),
                    format!("`{h}` is longer than {MAX_HORIZON_YEARS} years"),
                )
                .hint("ages run from 18 to 110, so no person is followed for longer"),
            );
        }
        ok
    });
    let (h, s, r) = (horizon?, step?, record_every?);
    if r.years() < s.years() - 1e-12 {
        problems.push(
            Problem::new(
                top.key("record_every"),
                format!("`{r}` is shorter than the step `{s}`"),
            )
            .hint("records are taken at step boundaries: record_every must be at least one step"),
        );
    }
    if h.years() < s.years() - 1e-12 {
        problems.push(Problem::new(
            top.key("horizon"),
            format!("`{h}` is shorter than the step `{s}`"),
        ));
    }
    Some(Times {
        horizon: h,
        step: s,
        record_every: r,
        horizon_steps: h.in_steps(s).max(1) as u32,
        // At most the horizon's steps (which fit in u32); a longer interval records at 0
        // and the horizon only.
        record_every_steps: u32::try_from(r.in_steps(s).max(1)).unwrap_or(u32::MAX),
    })
}

/// The arms (names unique and usable as file names) with their interventions.
fn check_arms(raw: &[RawArm], problems: &mut Vec<Problem>) -> Vec<Arm> {
    let mut arms = Vec::new();
    for (i, a) in raw.iter().enumerate() {
        let path = KeyPath::root().key("arm").index(i).key("name");
        match a.name.as_deref() {
            None => problems.push(Problem::new(path, "missing")),
            Some(n) if !is_file_name_safe(n) => problems.push(
                Problem::new(path, format!("`{n}` cannot be used as a file name"))
                    .hint("use letters, digits, `_`, `-` and `.`, not starting with `.`"),
            ),
            Some(n) if raw[..i].iter().any(|o| o.name.as_deref() == Some(n)) => {
                problems.push(Problem::new(path, format!("arm `{n}` is defined twice")))
            }
            Some(n) => arms.push(Arm {
                name: n.to_string(),
                description: a.description.clone().unwrap_or_default(),
                interventions: Vec::new(),
            }),
        }
    }
    for (i, a) in raw.iter().enumerate() {
        let path = KeyPath::root().key("arm").index(i);
        let raw_ivs = limited(
            &a.intervention,
            MAX_INTERVENTIONS,
            &path.key("intervention"),
            problems,
        );
        let ivs = super::interventions::check_interventions(raw_ivs, &path, problems);
        if let Some(arm) = arms
            .iter_mut()
            .find(|x| Some(x.name.as_str()) == a.name.as_deref())
        {
            arm.interventions = ivs;
        }
    }
    arms
}

fn check_parameters(parameters: &BTreeMap<String, f64>, problems: &mut Vec<Problem>) {
    if parameters.len() > params::TABLE.len() {
        problems.push(
            Problem::new(
                KeyPath::root().key("parameters"),
                format!(
                    "{} parameters; the model has {}",
                    parameters.len(),
                    params::TABLE.len()
                ),
            )
            .hint("`sarcosim params` lists every parameter"),
        );
        return;
    }
    for (k, v) in parameters {
        let path = KeyPath::root().key("parameters").key(k);
        match params::spec(k) {
            None => {
                let mut p = Problem::new(path, format!("unknown parameter `{k}`"));
                p.hint = Some(match params::closest(k) {
                    Some(c) => format!("did you mean `{c}`? (`sarcosim params` lists them all)"),
                    None => "`sarcosim params` lists every parameter".to_string(),
                });
                problems.push(p);
            }
            Some(s) if !s.domain.contains(*v) => problems.push(Problem::new(
                path,
                format!("{v} is not {}", s.domain.describe()),
            )),
            Some(_) => {}
        }
    }
}

fn check_trajectories(raw: &RawScenario, problems: &mut Vec<Problem>) -> Trajectories {
    match raw.output.as_ref().and_then(|o| o.trajectories.as_ref()) {
        None => Trajectories::All,
        Some(v) => trajectories(v).unwrap_or_else(|| {
            problems.push(
                Problem::new(
                    KeyPath::root().key("output").key("trajectories"),
                    format!("`{v}` is not a trajectory choice"),
                )
                .hint("use \"all\", \"none\" or { sample = N } with N ≥ 1"),
            );
            Trajectories::None
        }),
    }
}

/// The entries of an array of tables, or none (with a problem) when there are more than
/// `max`: the checks of the entries are then not run at all.
fn limited<'r, T>(
    entries: &'r [T],
    max: usize,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> &'r [T] {
    if entries.len() <= max {
        return entries;
    }
    problems.push(Problem::new(
        path.clone(),
        format!("{} entries; at most {max}", entries.len()),
    ));
    &[]
}

/// The limits that depend on several keys at once (and on command-line overrides): the
/// memory of the summary grid.
pub fn check_sizes(s: &Scenario) -> Vec<Problem> {
    let bytes = s.summary_bytes();
    if bytes <= MAX_SUMMARY_BYTES {
        return Vec::new();
    }
    vec![Problem::new(
        KeyPath::root().key("draws"),
        format!(
            "{} arm(s) × {} draw(s) × {} records need {:.1} GiB of summary per chunk of persons; at most {} GiB",
            s.arms.len(),
            u64::from(s.draws) + 1,
            s.record_steps_count(),
            bytes as f64 / f64::from(1u32 << 30),
            MAX_SUMMARY_BYTES >> 30
        ),
    )
    .hint("use fewer draws, fewer arms or a longer record_every")]
}

fn trajectories(v: &toml::Value) -> Option<Trajectories> {
    match v {
        toml::Value::String(s) if s == "all" => Some(Trajectories::All),
        toml::Value::String(s) if s == "none" => Some(Trajectories::None),
        toml::Value::Table(t) if t.len() == 1 => match t.get("sample") {
            Some(toml::Value::Integer(n)) if *n >= 1 => Some(Trajectories::Sample(*n as u64)),
            _ => None,
        },
        _ => None,
    }
}

pub fn is_file_name_safe(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "t"
population = 10
horizon = "2y"
[[cohort]]
name = "a"
age = { uniform = [60, 70] }
[[arm]]
name = "baseline"
"#;

    #[test]
    fn a_minimal_scenario_gets_defaults() {
        let s = parse_scenario(GOOD, "t.toml").unwrap();
        assert_eq!(s.horizon_steps, 24);
        assert_eq!(s.record_every_steps, 12);
        assert_eq!(s.record_steps(), vec![0, 12, 24]);
        assert_eq!(s.cohorts[0].share, 1.0);
        assert_eq!(s.output.trajectories, Trajectories::All);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = GOOD
            .replace("population = 10", "population = 0\nsed = 3")
            .replace("[60, 70]", "[60, 120]");
        let e = parse_scenario(&text, "t.toml").unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.problems.len(), 3, "{msg}");
        assert!(msg.contains("t.toml:3:1: population: must be ≥ 1"), "{msg}");
        assert!(msg.contains("t.toml:4:1: sed: unknown key"), "{msg}");
        assert!(msg.contains("did you mean `seed`?"), "{msg}");
        assert!(
            msg.contains("cohort[0].age.uniform: [60, 120] is out of range"),
            "{msg}"
        );
    }
}
