//! Scenarios: the TOML file a modeller writes, checked and resolved into a [`Scenario`]
//! the engine can run.
//!
//! Reading goes raw (serde, [`raw`]) → checked ([`check`], with [`cohort`], [`comparison`],
//! [`economics`] and [`interventions`]): every problem in a file is collected and reported
//! at once ([`problem`]), each with the file, line and key path.

pub mod check;
pub mod cohort;
pub mod comparison;
pub mod economics;
pub mod interventions;
pub mod locate;
pub mod mortality;
pub mod problem;
pub mod raw;
pub mod reference_population;
pub mod set;
pub mod sweep;

use crate::params::Params;
use crate::time::Duration;
use rand::Rng;
use rand_distr::{Distribution, Normal as NormalDist};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub use check::parse_scenario;
pub use problem::{Problem, ScenarioError};

/// The five chronic conditions, in bitmask order (bit 0 = diabetes).
pub const CONDITIONS: [&str; 5] = ["diabetes", "ckd", "copd", "heart_failure", "cancer"];

/// The bit of each condition in a person's `conditions` mask ([`CONDITIONS`] order).
pub mod condition_bit {
    pub const DIABETES: u8 = 1 << 0;
    pub const CKD: u8 = 1 << 1;
    pub const COPD: u8 = 1 << 2;
    pub const HEART_FAILURE: u8 = 1 << 3;
    pub const CANCER: u8 = 1 << 4;
}

/// A checked scenario, defaults applied, durations resolved to steps.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// Persons per arm and per draw.
    pub population: u64,
    /// Parameter draws after the central draw 0 (so `draws + 1` draws in all).
    pub draws: u32,
    pub horizon: Duration,
    pub step: Duration,
    pub record_every: Duration,
    pub horizon_steps: u32,
    pub record_every_steps: u32,
    pub cohorts: Vec<Cohort>,
    pub arms: Vec<Arm>,
    /// Parameter overrides by name, as written.
    pub parameters: BTreeMap<String, f64>,
    pub output: OutputSpec,
    pub economics: crate::economics::Economics,
    /// The decision-analysis keys of `[economics]` (left out of the fingerprint when all
    /// are defaults).
    #[serde(skip_serializing_if = "economics::Decision::is_default")]
    pub decision: economics::Decision,
    /// Times and ages at which the comparison reports burden and prevalence.
    pub checkpoints: Vec<crate::checkpoints::Checkpoint>,
    /// The life table and its improvement (`[mortality]`); left out of the fingerprint
    /// when it is the default.
    #[serde(skip_serializing_if = "mortality::Mortality::is_default")]
    pub mortality: mortality::Mortality,
    /// `reference_population`: the body-size references the starting values follow (left
    /// out of the fingerprint when it is the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_population: Option<&'static reference_population::Reference>,
    /// The `--set NAME=VALUE` settings applied to the file, as given (empty: none, and
    /// then not serialised, so the fingerprint of a plain scenario is unchanged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
    /// `[sweep]`: the grid's axes (empty: no sweep, and then not serialised).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sweep: Vec<sweep::Axis>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cohort {
    pub name: String,
    /// Normalised: the shares of all cohorts add up to 1.
    pub share: f64,
    pub female: f64,
    pub age: Dist,
    pub height: Option<Dist>,
    pub bmi: Dist,
    pub protein_g_per_kg: Dist,
    pub training_sessions_per_week: Dist,
    /// Prevalence at start, in [`CONDITIONS`] order.
    pub conditions: [f64; 5],
    pub alm_index: Option<Dist>,
    pub grip: Option<Dist>,
    /// `from`: the microdata file the cohort's persons are drawn from (then its columns
    /// replace the distributions above; see [`crate::microdata`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<crate::microdata::Shared>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Arm {
    pub name: String,
    pub description: String,
    pub interventions: Vec<crate::interventions::Intervention>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trajectories {
    All,
    None,
    /// The first N person ids (ids are exchangeable, so this is a random sample).
    Sample(u64),
}

#[derive(Clone, Debug, Serialize)]
pub struct OutputSpec {
    pub trajectories: Trajectories,
}

/// A distribution of a starting value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    Fixed(f64),
    Uniform {
        lo: f64,
        hi: f64,
    },
    /// Normal truncated to [min, max] (resampled, so no mass piles up at the bounds).
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
}

impl Dist {
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { lo, hi } => lo + (hi - lo) * rng.random::<f64>(),
            Dist::Normal { mean, sd, min, max } => {
                let Ok(n) = NormalDist::new(mean, sd) else {
                    return mean.clamp(min, max);
                };
                for _ in 0..64 {
                    let v = n.sample(rng);
                    if (min..=max).contains(&v) {
                        return v;
                    }
                }
                mean.clamp(min, max)
            }
        }
    }

    /// The smallest and largest value the distribution can give.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Dist::Fixed(v) => (v, v),
            Dist::Uniform { lo, hi } => (lo, hi),
            Dist::Normal { min, max, .. } => (min, max),
        }
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Dist::Fixed(v) => write!(f, "{v}"),
            Dist::Uniform { lo, hi } => write!(f, "uniform [{lo}, {hi})"),
            Dist::Normal { mean, sd, min, max } => {
                write!(f, "normal(mean {mean}, sd {sd}) in [{min}, {max}]")
            }
        }
    }
}

/// Command-line overrides of a scenario's keys (`sarcosim run --population/--seed/--draws`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    pub population: Option<u64>,
    pub seed: Option<u64>,
    pub draws: Option<u32>,
}

impl Scenario {
    /// The scenario with `overrides` applied, checked by the same rules as the file's keys
    /// (and the limits that depend on several keys); problems name the option.
    pub fn with_overrides(mut self, overrides: Overrides) -> Result<Scenario, ScenarioError> {
        let mut problems = Vec::new();
        let option = |p: Problem, name: &str| Problem {
            path: locate::KeyPath::root().key(&format!("--{name}")),
            ..p
        };
        let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        if let Some(p) = overrides.population {
            match check::check_population(as_i64(p)) {
                Ok(p) => self.population = p,
                Err(e) => problems.push(option(e, "population")),
            }
        }
        if let Some(d) = overrides.draws {
            match check::check_draws(i64::from(d)) {
                Ok(d) => self.draws = d,
                Err(e) => problems.push(option(e, "draws")),
            }
        }
        if let Some(seed) = overrides.seed {
            self.seed = seed;
        }
        if problems.is_empty() {
            problems = check::check_sizes(&self);
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(ScenarioError {
                file: "the command line".into(),
                problems,
            })
        }
    }

    /// Reads and validates a scenario file.
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        Self::from_file_with(path, &[])
    }

    /// Reads and validates a scenario file with `--set` settings applied (checked by the
    /// same rules; see [`set`]).
    pub fn from_file_with(
        path: &Path,
        settings: &[set::Setting],
    ) -> Result<Scenario, ScenarioError> {
        let label = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| ScenarioError {
            file: label.clone(),
            problems: vec![Problem::at_top(format!("cannot read the file: {e}"))],
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| ScenarioError {
            file: label.clone(),
            problems: vec![not_utf8(&bytes, &e)],
        })?;
        check::parse_with_settings(text, &label, settings)
    }

    /// Validates the bytes of a scenario file (`label` names it in messages); text that is
    /// not UTF-8 is a problem with the line of its first bad byte.
    pub fn from_bytes(bytes: &[u8], label: &str) -> Result<Scenario, ScenarioError> {
        let text = std::str::from_utf8(bytes).map_err(|e| ScenarioError {
            file: label.to_string(),
            problems: vec![not_utf8(bytes, &e)],
        })?;
        parse_scenario(text, label)
    }

    /// The central parameter values with the scenario's reference population and
    /// overrides applied (in this order: `[parameters]` wins).
    pub fn params(&self) -> Params {
        let mut p = Params::central();
        if let Some(r) = self.reference_population {
            r.apply(&mut p);
        }
        for (k, v) in &self.parameters {
            p.set(k, *v);
        }
        p
    }

    pub fn step_years(&self) -> f64 {
        self.step.years()
    }

    /// Record times, in steps from the start: 0, every `record_every`, and the horizon.
    pub fn record_steps(&self) -> Vec<u32> {
        let mut v: Vec<u32> = (0..=self.horizon_steps)
            .step_by(self.record_every_steps as usize)
            .collect();
        if v.last() != Some(&self.horizon_steps) {
            v.push(self.horizon_steps);
        }
        v
    }

    /// How many record times [`Scenario::record_steps`] gives, without building them.
    pub fn record_steps_count(&self) -> u64 {
        u64::from(self.horizon_steps).div_ceil(u64::from(self.record_every_steps.max(1))) + 1
    }

    /// Bytes of the summary grid of one chunk of persons (see `sinks::summary`).
    pub fn summary_bytes(&self) -> u128 {
        use crate::sinks::summary::{BANDS, COLUMNS};
        let cells = self.arms.len() as u128
            * u128::from(self.draws + 1)
            * u128::from(self.record_steps_count());
        cells * 2 * BANDS as u128 * COLUMNS.len() as u128 * 8
    }

    /// Person-steps of the whole run before deaths (persons × arms × draws × steps).
    pub fn person_steps(&self) -> u128 {
        u128::from(self.population)
            * self.arms.len() as u128
            * u128::from(self.draws + 1)
            * u128::from(self.horizon_steps)
    }

    /// How many persons get trajectory rows.
    pub fn trajectory_persons(&self) -> u64 {
        match self.output.trajectories {
            Trajectories::All => self.population,
            Trajectories::None => 0,
            Trajectories::Sample(n) => n.min(self.population),
        }
    }

    /// A stable fingerprint of everything that decides the results (not threads/shards,
    /// and not the draw count: each draw's results are independent of how many there are,
    /// so a run can be extended with more draws).
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_string(&Scenario {
            draws: 0,
            ..self.clone()
        })
        .unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in json.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}

/// The problem of a file that is not UTF-8 text: the line and column of its first bad byte.
fn not_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> Problem {
    let offset = e.valid_up_to();
    let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let mut p = Problem::at_top(format!(
        "the file is not UTF-8 text: byte {offset} (0x{:02x}) is not valid UTF-8",
        bytes[offset]
    ))
    .hint("save the scenario as UTF-8 (plain ASCII is UTF-8 too)");
    p.line = Some(locate::line_col(before, before.len()));
    p
}

/// The resolved scenario as `sarcosim check` prints it.
pub fn describe(s: &Scenario) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(o, "scenario    {}", s.name);
    if !s.description.is_empty() {
        let _ = writeln!(o, "            {}", s.description.trim());
    }
    let _ = writeln!(o, "seed        {}", s.seed);
    let _ = writeln!(o, "population  {} persons per arm and draw", s.population);
    let _ = writeln!(
        o,
        "draws       {} (draw 0 central{})",
        s.draws + 1,
        if s.draws > 0 { ", 1.. sampled" } else { "" }
    );
    let _ = writeln!(
        o,
        "horizon     {} = {} steps of {}",
        s.horizon, s.horizon_steps, s.step
    );
    let _ = writeln!(
        o,
        "records     every {} = {} steps; {} records at steps {:?}",
        s.record_every,
        s.record_every_steps,
        s.record_steps().len(),
        s.record_steps()
    );
    let _ = writeln!(
        o,
        "trajectories {:?} ({} persons)",
        s.output.trajectories,
        s.trajectory_persons()
    );
    let _ = writeln!(
        o,
        "person-steps {} (persons × arms × draws × steps, before deaths)",
        s.person_steps()
    );
    for c in &s.cohorts {
        describe_cohort(&mut o, c);
    }
    for a in &s.arms {
        describe_arm(&mut o, a);
    }
    if let Some(r) = s.reference_population {
        let _ = writeln!(o, "reference   population {} · {}", r.name, r.description);
        for v in r.values {
            let _ = writeln!(o, "              {} = {}", v.parameter, v.value);
        }
    }
    for (k, v) in &s.parameters {
        let _ = writeln!(o, "parameter   {k} = {v}");
    }
    for setting in &s.settings {
        let _ = writeln!(o, "set         {setting} (--set)");
    }
    for axis in &s.sweep {
        let values: Vec<String> = axis.values.iter().map(ToString::to_string).collect();
        let _ = writeln!(o, "sweep       {} = [{}]", axis.name, values.join(", "));
    }
    if !s.sweep.is_empty() {
        let labels: Vec<String> = sweep::variants(&s.sweep)
            .into_iter()
            .map(|v| v.label)
            .collect();
        let _ = writeln!(o, "variants    {}: {}", labels.len(), labels.join(", "));
    }
    let labels: Vec<&str> = s.checkpoints.iter().map(|c| c.label.as_str()).collect();
    let _ = writeln!(o, "checkpoints {}", labels.join(", "));
    if !s.mortality.is_default() {
        let _ = writeln!(o, "{}", s.mortality.describe());
    }
    o
}

fn describe_cohort(o: &mut String, c: &Cohort) {
    use std::fmt::Write as _;
    let _ = writeln!(
        o,
        "cohort      {} · share {:.3} · female {}",
        c.name, c.share, c.female
    );
    if let Some(d) = &c.from {
        let _ = writeln!(
            o,
            "              from {} · {} rows · sample {} · columns {}",
            d.file,
            d.rows(),
            d.sampling.name(),
            d.columns().join(", ")
        );
        let _ = writeln!(o, "              where the file gives no value:");
    }
    let _ = writeln!(o, "              age {} · bmi {}", c.age, c.bmi);
    let _ = writeln!(
        o,
        "              protein {} g/kg/d · training {} sessions/wk",
        c.protein_g_per_kg, c.training_sessions_per_week
    );
    let conds: Vec<String> = CONDITIONS
        .iter()
        .zip(c.conditions)
        .map(|(n, p)| format!("{n} {p}"))
        .collect();
    let _ = writeln!(o, "              conditions {}", conds.join(", "));
    if let Some(h) = &c.height {
        let _ = writeln!(o, "              height {h} m");
    }
    if let Some(a) = &c.alm_index {
        let _ = writeln!(o, "              ALM index {a} kg/m²");
    }
    if let Some(g) = &c.grip {
        let _ = writeln!(o, "              grip {g} kg");
    }
}

fn describe_arm(o: &mut String, a: &Arm) {
    use std::fmt::Write as _;
    let _ = writeln!(
        o,
        "arm         {}{}",
        a.name,
        if a.description.is_empty() {
            String::new()
        } else {
            format!(" · {}", a.description)
        }
    );
    for iv in &a.interventions {
        let _ = writeln!(
            o,
            "  intervention {} ({}) · start {} · duration {} · uptake {} · adherence {} · dropout {}/yr · cost {}/yr{}",
            iv.name,
            iv.kind.name(),
            iv.start,
            iv.duration_years
                .map_or("to the horizon".to_string(), crate::interventions::fmt_years),
            iv.uptake,
            iv.adherence,
            iv.dropout_per_year,
            iv.cost_per_year,
            if iv.by_referral { " · by referral" } else { "" }
        );
    }
}
