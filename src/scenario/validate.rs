//! Checks a raw scenario and resolves it into a [`Scenario`]: every problem is collected
//! (unknown keys, missing keys, impossible values) and reported together, each with its
//! file, line and key path and, where one helps, a hint.

use super::locate::{KeyPath, Locator};
use super::raw::{RawCohort, RawDist, RawScenario};
use super::{Arm, Cohort, Dist, OutputSpec, Scenario, Trajectories, CONDITIONS};
use crate::params;
use crate::time::Duration;
use std::fmt;

/// One thing wrong with a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub path: KeyPath,
    pub message: String,
    pub hint: Option<String>,
    /// 1-based line and column, when the place could be found.
    pub line: Option<(usize, usize)>,
}

impl Problem {
    pub fn new(path: KeyPath, message: impl Into<String>) -> Self {
        Self {
            path,
            message: message.into(),
            hint: None,
            line: None,
        }
    }

    pub fn at_top(message: impl Into<String>) -> Self {
        Self::new(KeyPath::root(), message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Everything wrong with one scenario file.
#[derive(Clone, Debug, thiserror::Error)]
pub struct ScenarioError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(
            f,
            "{} has {n} problem{}:",
            self.file,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            match p.line {
                Some((l, c)) => write!(f, "  {}:{l}:{c}: {}: {}", self.file, p.path, p.message)?,
                None => write!(f, "  {}: {}: {}", self.file, p.path, p.message)?,
            }
            writeln!(f)?;
            if let Some(h) = &p.hint {
                writeln!(f, "      hint: {h}")?;
            }
        }
        Ok(())
    }
}

/// Accepted ranges of the cohort's starting values.
const AGE_RANGE: (f64, f64) = (18.0, 110.0);
const BMI_RANGE: (f64, f64) = (12.0, 70.0);
const HEIGHT_RANGE: (f64, f64) = (1.0, 2.3);
const PROTEIN_RANGE: (f64, f64) = (0.0, 5.0);
const TRAINING_RANGE: (f64, f64) = (0.0, 14.0);
const ALMI_RANGE: (f64, f64) = (2.0, 16.0);
const GRIP_RANGE: (f64, f64) = (1.0, 100.0);
/// Longest horizon accepted: a cohort of 18-year-olds is followed to 110 at most.
pub const MAX_HORIZON_YEARS: f64 = 92.0;
/// Size limits, checked before anything is allocated for them.
pub const MAX_POPULATION: u64 = 1_000_000_000;
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
    let scenario = check(&raw, &mut problems);
    if problems.is_empty() {
        Ok(scenario.expect("no problems means a scenario"))
    } else {
        Err(finish(file, &locator, problems))
    }
}

fn finish(file: &str, locator: &Locator<'_>, mut problems: Vec<Problem>) -> ScenarioError {
    for p in &mut problems {
        if p.line.is_none() {
            p.line = locator.locate(&p.path);
        }
    }
    problems.sort_by_key(|p| p.line.unwrap_or((0, 0)));
    ScenarioError {
        file: file.to_string(),
        problems,
    }
}

fn unknown_key_hint(path: &KeyPath) -> Option<String> {
    let key = path.last_key()?;
    if key.contains('.') {
        return Some(format!(
            "a quoted key is one key, dots and all: write {key} without quotes for a nested key"
        ));
    }
    let known: &[&str] = match path.0.len() {
        1 => &[
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
        ],
        _ if path.0.first() == Some(&super::locate::Seg::Key("cohort".into())) => &[
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
            "diabetes",
            "ckd",
            "copd",
            "heart_failure",
            "cancer",
            "mean",
            "sd",
            "min",
            "max",
        ],
        _ if path.0.first() == Some(&super::locate::Seg::Key("arm".into())) => &[
            "name",
            "description",
            "intervention",
            "kind",
            "eligible",
            "start",
            "duration",
            "uptake",
            "adherence",
            "dropout_per_year",
            "cost_per_year",
            "age",
            "sex",
            "conditions_any",
            "sarcopenic",
        ],
        _ if path.0.first() == Some(&super::locate::Seg::Key("economics".into())) => &[
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
        ],
        _ if path.0.first() == Some(&super::locate::Seg::Key("comparison".into())) => {
            &["times", "ages"]
        }
        _ => &["name", "description", "trajectories"],
    };
    let in_arm = path.0.first() == Some(&super::locate::Seg::Key("arm".into()));
    let kind_keys = super::interventions::KIND_KEYS
        .iter()
        .filter(|_| in_arm)
        .map(|(k, _)| k);
    known
        .iter()
        .chain(kind_keys)
        .map(|k| (params::edit_distance(key, k), *k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

/// Runs every check, pushing problems; returns the scenario when it could be built.
fn check(raw: &RawScenario, problems: &mut Vec<Problem>) -> Option<Scenario> {
    let top = KeyPath::root();
    let mut push = |p: Problem| problems.push(p);

    let name = match raw.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => n.to_string(),
        Some(_) => {
            push(Problem::new(top.key("name"), "must not be empty"));
            String::new()
        }
        None => {
            push(
                Problem::new(top.key("name"), "missing")
                    .hint("every scenario needs `name = \"...\"`"),
            );
            String::new()
        }
    };
    let seed = match raw.seed {
        None => 1,
        Some(s) if s >= 0 => s as u64,
        Some(s) => {
            push(Problem::new(
                top.key("seed"),
                format!("must be ≥ 0, not {s}"),
            ));
            0
        }
    };
    let population = match raw.population {
        Some(p) if (1..=MAX_POPULATION as i64).contains(&p) => p as u64,
        Some(p) if p >= 1 => {
            push(
                Problem::new(
                    top.key("population"),
                    format!("{p} is more than {MAX_POPULATION} persons"),
                )
                .hint("split a larger study into several scenarios with different seeds"),
            );
            0
        }
        Some(p) => {
            push(Problem::new(
                top.key("population"),
                format!("must be ≥ 1, not {p}"),
            ));
            0
        }
        None => {
            push(
                Problem::new(top.key("population"), "missing")
                    .hint("persons per arm, e.g. `population = 100_000`"),
            );
            0
        }
    };
    let draws = match raw.draws {
        None => 0,
        Some(d) if (0..=100_000).contains(&d) => d as u32,
        Some(d) => {
            push(Problem::new(
                top.key("draws"),
                format!("must be between 0 and 100000, not {d}"),
            ));
            0
        }
    };

    let mut duration = |key: &str, text: Option<&str>, default: Option<&str>| -> Option<Duration> {
        let path = top.key(key);
        match text.or(default) {
            None => {
                push(
                    Problem::new(path, "missing")
                        .hint("a duration such as \"30y\", \"6m\", \"20w\" or \"10d\""),
                );
                None
            }
            Some(t) => match t.parse::<Duration>() {
                Ok(d) => Some(d),
                Err(e) => {
                    push(
                        Problem::new(path, e.to_string())
                            .hint("durations look like \"10d\", \"20w\", \"6m\", \"30y\""),
                    );
                    None
                }
            },
        }
    };
    let horizon = duration("horizon", raw.horizon.as_deref(), None);
    let step = duration("step", raw.step.as_deref(), Some("1m"));
    let record_every = duration("record_every", raw.record_every.as_deref(), Some("1y"));

    // Only a supported step and a horizon within the limit are used further: the sizes
    // below (steps, records, checkpoints) are computed from them.
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
    let (mut horizon_steps, mut record_every_steps) = (0u32, 0u32);
    if let (Some(h), Some(s), Some(r)) = (horizon, step, record_every) {
        if r.years() < s.years() - 1e-12 {
            problems.push(
                Problem::new(
                    top.key("record_every"),
                    format!("`{r}` is shorter than the step `{s}`"),
                )
                .hint(
                    "records are taken at step boundaries: record_every must be at least one step",
                ),
            );
        }
        if h.years() < s.years() - 1e-12 {
            problems.push(Problem::new(
                top.key("horizon"),
                format!("`{h}` is shorter than the step `{s}`"),
            ));
        }
        horizon_steps = h.in_steps(s).max(1) as u32;
        // At most the horizon's steps (which fit in u32); a longer interval records
        // at 0 and the horizon only, as before.
        record_every_steps = u32::try_from(r.in_steps(s).max(1)).unwrap_or(u32::MAX);
    }

    let raw_cohorts = limited(&raw.cohort, MAX_COHORTS, &top.key("cohort"), problems);
    let raw_arms = limited(&raw.arm, MAX_ARMS, &top.key("arm"), problems);
    if raw.cohort.is_empty() {
        problems.push(Problem::new(
            top.key("cohort"),
            "at least one [[cohort]] is needed",
        ));
    }
    let mut cohorts: Vec<Cohort> = raw_cohorts
        .iter()
        .enumerate()
        .filter_map(|(i, c)| check_cohort(c, &top.key("cohort").index(i), problems))
        .collect();
    for (i, c) in raw_cohorts.iter().enumerate() {
        let n = c.name.as_deref().unwrap_or("");
        if raw_cohorts[..i]
            .iter()
            .any(|o| o.name.as_deref() == Some(n))
            && !n.is_empty()
        {
            problems.push(Problem::new(
                top.key("cohort").index(i).key("name"),
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

    if raw.arm.is_empty() {
        problems.push(
            Problem::new(top.key("arm"), "at least one [[arm]] is needed")
                .hint("add `[[arm]]` with `name = \"baseline\"`"),
        );
    }
    let mut arms = Vec::new();
    for (i, a) in raw_arms.iter().enumerate() {
        let path = top.key("arm").index(i).key("name");
        match a.name.as_deref() {
            None => problems.push(Problem::new(path, "missing")),
            Some(n) if !is_file_name_safe(n) => problems.push(
                Problem::new(path, format!("`{n}` cannot be used as a file name"))
                    .hint("use letters, digits, `_`, `-` and `.`, not starting with `.`"),
            ),
            Some(n) if raw_arms[..i].iter().any(|o| o.name.as_deref() == Some(n)) => {
                problems.push(Problem::new(path, format!("arm `{n}` is defined twice")))
            }
            Some(n) => arms.push(Arm {
                name: n.to_string(),
                description: a.description.clone().unwrap_or_default(),
                interventions: Vec::new(),
            }),
        }
    }
    for (i, a) in raw_arms.iter().enumerate() {
        let path = top.key("arm").index(i);
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
    let economics = super::interventions::check_economics(
        raw.economics.as_ref(),
        &top.key("economics"),
        problems,
    );

    let checkpoints = check_comparison(
        raw.comparison.as_ref(),
        &top.key("comparison"),
        (horizon, step),
        problems,
    );

    for (k, v) in &raw.parameters {
        let path = top.key("parameters").key(k);
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

    let trajectories = match raw.output.as_ref().and_then(|o| o.trajectories.as_ref()) {
        None => Trajectories::All,
        Some(v) => match trajectories(v) {
            Some(t) => t,
            None => {
                problems.push(
                    Problem::new(
                        top.key("output").key("trajectories"),
                        format!("`{v}` is not a trajectory choice"),
                    )
                    .hint("use \"all\", \"none\" or { sample = N } with N ≥ 1"),
                );
                Trajectories::None
            }
        },
    };

    if !problems.is_empty() {
        return None;
    }
    let scenario = Scenario {
        name,
        description: raw.description.clone().unwrap_or_default(),
        seed,
        population,
        draws,
        horizon: horizon?,
        step: step?,
        record_every: record_every?,
        horizon_steps,
        record_every_steps,
        cohorts,
        arms,
        parameters: raw.parameters.clone(),
        output: OutputSpec { trajectories },
        economics,
        checkpoints,
    };
    problems.extend(check_sizes(&scenario));
    problems.is_empty().then_some(scenario)
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

/// Resolves `[comparison]`: time checkpoints (default every 10 years and the horizon) and
/// age checkpoints (default none).
fn check_comparison(
    raw: Option<&super::raw::RawComparison>,
    path: &KeyPath,
    (horizon, step): (Option<Duration>, Option<Duration>),
    problems: &mut Vec<Problem>,
) -> Vec<crate::checkpoints::Checkpoint> {
    use crate::checkpoints::{age_label, At, Checkpoint, MAX_CHECKPOINTS};
    let (Some(h), Some(s)) = (horizon, step) else {
        return Vec::new();
    };
    let horizon_steps = h.in_steps(s).max(1) as u32;
    let mut out: Vec<Checkpoint> = Vec::new();
    let asked = raw.map_or(0, |r| {
        r.times.as_ref().map_or(0, Vec::len) + r.ages.as_ref().map_or(0, Vec::len)
    });
    if asked > MAX_CHECKPOINTS {
        problems.push(Problem::new(
            path.clone(),
            format!("{asked} checkpoints (times and ages) asked for; at most {MAX_CHECKPOINTS}"),
        ));
        return out;
    }
    match raw.and_then(|r| r.times.as_ref()) {
        None => {
            let mut t = 10u32;
            while f64::from(t) < h.years() - 1e-9 {
                let d = Duration {
                    count: f64::from(t),
                    unit: crate::time::Unit::Year,
                };
                out.push(Checkpoint {
                    label: d.to_string(),
                    at: At::Step(d.in_steps(s) as u32),
                });
                t += 10;
            }
            out.push(Checkpoint {
                label: h.to_string(),
                at: At::Step(horizon_steps),
            });
        }
        Some(times) => {
            for (i, text) in times.iter().enumerate() {
                let p = path.key("times").index(i);
                match text.parse::<Duration>() {
                    Err(e) => problems.push(
                        Problem::new(p, e.to_string())
                            .hint("times look like \"5y\", \"6m\" or \"20w\""),
                    ),
                    Ok(d) if d.years() < s.years() - 1e-12 => problems.push(Problem::new(
                        p,
                        format!("`{d}` is shorter than the step `{s}`"),
                    )),
                    Ok(d) if d.years() > h.years() + 1e-9 => problems.push(
                        Problem::new(p, format!("`{d}` is beyond the horizon `{h}`"))
                            .hint("checkpoints must lie within the run"),
                    ),
                    Ok(d) => {
                        let at = At::Step((d.in_steps(s) as u32).clamp(1, horizon_steps));
                        if out.iter().any(|c| c.at == at) {
                            problems.push(Problem::new(p, format!("`{d}` is given twice")));
                        } else {
                            out.push(Checkpoint {
                                label: d.to_string(),
                                at,
                            });
                        }
                    }
                }
            }
        }
    }
    for (i, a) in raw
        .and_then(|r| r.ages.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = path.key("ages").index(i);
        if !(AGE_RANGE.0..=AGE_RANGE.1).contains(a) {
            problems.push(Problem::new(
                p,
                format!("{a} is not an age in [{}, {}]", AGE_RANGE.0, AGE_RANGE.1),
            ));
        } else if out.iter().any(|c| c.at == At::Age(*a)) {
            problems.push(Problem::new(p, format!("age {a} is given twice")));
        } else {
            out.push(Checkpoint {
                label: age_label(*a),
                at: At::Age(*a),
            });
        }
    }
    if out.len() > MAX_CHECKPOINTS {
        problems.push(Problem::new(
            path.clone(),
            format!(
                "{} checkpoints (times and ages) asked for; at most {MAX_CHECKPOINTS}",
                out.len()
            ),
        ));
    }
    out
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

fn check_cohort(c: &RawCohort, path: &KeyPath, problems: &mut Vec<Problem>) -> Option<Cohort> {
    let before = problems.len();
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
        None => {
            problems.push(
                Problem::new(path.key("age"), "missing")
                    .hint("e.g. `age = { uniform = [60, 70] }`"),
            );
            None
        }
        Some(d) => dist(d, &path.key("age"), AGE_RANGE, "ages", problems),
    };
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
        height,
        bmi,
        protein_g_per_kg: protein,
        training_sessions_per_week: training,
        conditions,
        alm_index,
        grip,
    })
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
        RawDist::Normal(n) => {
            let p = path.key("normal");
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
    };
    (problems.len() == before).then_some(resolved)
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
