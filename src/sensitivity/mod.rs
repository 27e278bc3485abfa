//! One-way sensitivity analysis (`sarcosim sensitivity`): each chosen factor (a model
//! parameter, or any scenario key `--set` can address) at its low and then its high value,
//! everything else at the scenario's values, with common random numbers throughout (the
//! same seed, persons and streams as the central run; draw 0 only).
//!
//! Every run is an ordinary results directory under `OUT/runs/` written by [`run::run`]
//! (so `sarcosim report OUT/runs/NAME` reads any of them, and a rerun resumes: complete
//! runs are skipped), compared by [`compare::compare`]; [`tornado`] turns the comparisons
//! into tornado rows per arm, outcome and contrast, sorted by spread.

pub mod charts;
pub mod noise;
pub mod sweep;
pub mod tornado;

use crate::compare::{self, Comparison};
use crate::error::{Error, Result};
use crate::output::Shard;
use crate::params;
use crate::run::{self, RunOptions};
use crate::scenario::set::Setting;
use crate::scenario::{Overrides, Scenario, ScenarioError};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where scenarios come from: the file, the user's `--set` settings and overrides. A
/// variant is the same with more settings, checked by the same rules.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub settings: Vec<Setting>,
    pub overrides: Overrides,
}

impl Source {
    /// The scenario with `extra` settings after the user's.
    pub fn scenario(&self, extra: &[Setting]) -> std::result::Result<Scenario, ScenarioError> {
        let all: Vec<Setting> = self.settings.iter().chain(extra).cloned().collect();
        Scenario::from_file_with(&self.path, &all)?.with_overrides(self.overrides)
    }
}

/// One factor of the analysis: what is varied and its two values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Factor {
    /// A parameter's name or a scenario key, as `--set` takes it.
    pub name: String,
    pub low: f64,
    pub high: f64,
    /// The value in the central run, when the factor is a parameter.
    pub central: Option<f64>,
}

impl Factor {
    fn setting(&self, value: f64) -> Result<Setting> {
        Setting::new(&self.name, toml::Value::Float(value)).map_err(Error::BadInput)
    }
}

/// The factors of `specs` (`NAME` or `NAME=LOW:HIGH`); with none, every parameter of the
/// table that has an uncertainty. A parameter's default bounds are the 2.5 and 97.5 %
/// quantiles of its uncertainty around the scenario's value ([`params::ParamSpec::interval95`]).
pub fn factors(scenario: &Scenario, specs: &[String]) -> Result<Vec<Factor>> {
    let central = scenario.params();
    if specs.is_empty() {
        return Ok(params::TABLE
            .iter()
            .filter_map(|p| parameter_factor(p, &central))
            .collect());
    }
    specs.iter().map(|s| factor(s.trim(), &central)).collect()
}

fn parameter_factor(p: &params::ParamSpec, central: &params::Params) -> Option<Factor> {
    let c = central.get(p.name)?;
    let (low, high) = p.interval95(c)?;
    Some(Factor {
        name: p.name.to_string(),
        low,
        high,
        central: Some(c),
    })
}

fn factor(spec: &str, central: &params::Params) -> Result<Factor> {
    let bad = |m: String| Error::BadInput(format!("--params {spec}: {m}"));
    let Some((name, bounds)) = spec.split_once('=') else {
        let p = params::spec(spec).ok_or_else(|| {
            let near = crate::scenario::set::close_names(spec);
            bad(format!(
                "not a parameter{}",
                if near.is_empty() {
                    " (`sarcosim params` lists them)".to_string()
                } else {
                    format!("; close names: {}", near.join(", "))
                }
            ))
        })?;
        return parameter_factor(p, central).ok_or_else(|| {
            bad("the parameter is fixed (no uncertainty): give its bounds, NAME=LOW:HIGH".into())
        });
    };
    let number = |t: &str| {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| bad(format!("`{t}` is not a number")))
    };
    let (lo, hi) = bounds
        .split_once(':')
        .ok_or_else(|| bad("bounds are written LOW:HIGH, e.g. uptake=0.2:0.6".into()))?;
    let name = name.trim();
    Setting::new(name, toml::Value::Float(0.0)).map_err(bad)?;
    Ok(Factor {
        name: name.to_string(),
        low: number(lo)?,
        high: number(hi)?,
        central: params::spec(name).and_then(|p| central.get(p.name)),
    })
}

/// How to run the analysis.
#[derive(Clone, Debug)]
pub struct Options {
    pub out: PathBuf,
    pub threads: usize,
    pub force: bool,
    pub progress: bool,
}

/// The runs' settings common to all of them: no trajectories, draw 0 only.
fn lean(source: &Source) -> Source {
    let mut s = source.clone();
    s.overrides.draws = Some(0);
    s.settings.push(
        Setting::new("output.trajectories", toml::Value::String("none".into()))
            .expect("a valid name"),
    );
    s
}

/// One finished run of the analysis.
#[derive(Clone, Debug, Serialize)]
pub struct RunRecord {
    /// `central`, or the factor's index.
    pub factor: Option<usize>,
    pub level: &'static str,
    pub value: Option<f64>,
    pub dir: PathBuf,
    pub wall_seconds: f64,
}

/// Runs the central scenario and every factor at its low and high value, each into its
/// own results directory under `opts.out/runs/`, and returns the tornado.
pub fn analyse(
    source: &Source,
    factors: &[Factor],
    opts: &Options,
    say: &mut dyn FnMut(&str),
) -> Result<tornado::Tornado> {
    let user: Vec<String> = source.settings.iter().map(ToString::to_string).collect();
    let source = lean(source);
    // Every variant is checked before the first run starts: a bad value fails fast.
    let mut plans = vec![(None, "central", None, source.scenario(&[])?)];
    for (i, f) in factors.iter().enumerate() {
        for (level, v) in [("low", f.low), ("high", f.high)] {
            let s = source.scenario(&[f.setting(v)?]).map_err(Error::from)?;
            plans.push((Some(i), level, Some(v), s));
        }
    }
    let mut comparisons: Vec<Comparison> = Vec::new();
    let mut records = Vec::new();
    for (k, (factor, level, value, scenario)) in plans.iter().enumerate() {
        let dir = opts
            .out
            .join("runs")
            .join(run_name(factors, *factor, level));
        let clock = std::time::Instant::now();
        run_one(scenario, &dir, opts)?;
        comparisons.push(compare::compare(&dir)?);
        let wall_seconds = clock.elapsed().as_secs_f64();
        say(&format!(
            "[{}/{}] {} {level}{} in {wall_seconds:.1} s",
            k + 1,
            plans.len(),
            factor.map_or("central", |i| factors[i].name.as_str()),
            value.map_or(String::new(), |v| format!(" = {v}")),
        ));
        records.push(RunRecord {
            factor: *factor,
            level,
            value: *value,
            dir,
            wall_seconds,
        });
    }
    let central = &plans[0].3;
    let mut t = tornado::Tornado::build(central, factors, &comparisons, records.clone())?;
    for (i, f) in factors.iter().enumerate() {
        let low = noise::PerPerson::read(&records[1 + 2 * i].dir)?;
        let high = noise::PerPerson::read(&records[2 + 2 * i].dir)?;
        t.add_noise(&f.name, &low, &high)?;
    }
    t.settings = user;
    t.write(&opts.out)?;
    Ok(t)
}

/// The directory name of a run: `central`, or the factor's name made file-safe and its level.
fn run_name(factors: &[Factor], factor: Option<usize>, level: &str) -> String {
    match factor {
        None => "central".to_string(),
        Some(i) => {
            let safe: String = factors[i]
                .name
                .chars()
                .map(|c| match c {
                    'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
                    _ => '_',
                })
                .collect();
            format!("{:02}-{safe}-{level}", i + 1)
        }
    }
}

/// One run into `dir`; a complete run of the same design there is kept (resumed).
fn run_one(scenario: &Scenario, dir: &Path, opts: &Options) -> Result<()> {
    let run_opts = RunOptions {
        out: dir.to_path_buf(),
        shard: Shard::WHOLE,
        threads: opts.threads,
        force: opts.force,
        progress: opts.progress,
        resume: true,
    };
    run::run(scenario, &run_opts).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn default_bounds_are_the_sampled_2_5_and_97_5_percentiles() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let kinds = [
            "mortality.sarcopenia_hr",   // log-normal
            "muscle.age_loss_75_m",      // normal
            "nutrition.protein_plateau", // uniform
        ];
        for name in kinds {
            let p = params::spec(name).unwrap();
            let (lo, hi) = p.interval95(p.value).unwrap();
            let mut v: Vec<f64> = (0..200_000).map(|_| p.sample(&mut rng)).collect();
            v.sort_by(f64::total_cmp);
            let q = |f: f64| v[(f * v.len() as f64) as usize];
            let tol = (hi - lo) * 0.01;
            assert!((q(0.025) - lo).abs() < tol, "{name}: {} vs {lo}", q(0.025));
            assert!((q(0.975) - hi).abs() < tol, "{name}: {} vs {hi}", q(0.975));
        }
        let hr = params::spec("mortality.sarcopenia_hr").unwrap();
        let (lo, hi) = hr.interval95(1.60).unwrap();
        assert!((lo - 1.24).abs() < 0.01 && (hi - 2.06).abs() < 0.01);
        assert!(params::spec("muscle.basal_turnover_per_day")
            .unwrap()
            .interval95(0.018)
            .is_none());
    }

    #[test]
    fn factors_by_name_with_bounds_or_by_default() {
        let s = crate::scenario::parse_scenario(
            "name = \"t\"\npopulation = 10\nhorizon = \"2y\"\n[[cohort]]\nname = \"a\"\nage = { uniform = [60, 70] }\n[[arm]]\nname = \"baseline\"\n[parameters]\n\"training.ceiling\" = 0.1\n",
            "t.toml",
        )
        .unwrap();
        let all = factors(&s, &[]).unwrap();
        let uncertain = params::TABLE
            .iter()
            .filter(|p| p.uncertainty != params::Uncertainty::Fixed)
            .count();
        assert_eq!(all.len(), uncertain);
        let f = factors(
            &s,
            &[
                "training.ceiling".into(),
                "population.gait_sd=0.1:0.2".into(),
            ],
        )
        .unwrap();
        assert_eq!(f[0].central, Some(0.1));
        assert_eq!((f[0].low, f[0].high), (0.08 + 0.002, 0.16 - 0.002));
        assert_eq!((f[1].low, f[1].high), (0.1, 0.2));
        for bad in ["population.gait_sd", "sarcopenia_hr", "training.ceiling=1"] {
            let e = factors(&s, &[bad.into()]).unwrap_err().to_string();
            assert!(e.contains(bad), "{e}");
        }
    }
}
