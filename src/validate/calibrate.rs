//! `sarcosim calibrate`: fits the parameters without a direct measurement to the `fit`
//! targets of the validation suite, block by block, with Nelder–Mead in log space.
//!
//! The objective is Σ ((simulated − published) / half-width of the accepted interval)²
//! over the `fit` targets only; `independent` targets never enter it. Every evaluation
//! uses the same persons and random streams (common random numbers), so the objective is
//! a deterministic function of the parameters. The reference population (baseline
//! mortality hazard and the starting law of muscle by age) is recomputed before every
//! block and held fixed within it (it moves little with one block's steps; the final
//! figures, like `sarcosim validate`, use the reference of the fitted values).

use super::imis::{self, ImisError, Marginal};
use super::posterior::Sample;
use super::{run_designs, stats, targets, Options, Role, Row};
use crate::model::mortality;
use crate::params::{self, Params, Uncertainty, Z95};
use crate::reference;
use serde::Serialize;

/// The fitted parameters, in blocks that are fitted in turn (each against every fit target).
pub const BLOCKS: &[&[&str]] = &[
    &[
        "muscle.age_loss_75_m",
        "muscle.age_loss_75_f",
        "muscle.age_loss_shape_m",
        "muscle.age_loss_shape_f",
        "illness.loss_diabetes",
        "nutrition.protein_effect",
    ],
    &[
        "population.quality_mean_65_m",
        "population.quality_mean_65_f",
        "quality.loss_75_m",
        "quality.loss_75_f",
        "quality.age_loss_shape",
    ],
    &[
        "gait.per_kg_grip",
        "gait.age_slope_after_75",
        "hospital.admission_rate_65",
        "hospital.propensity_sd_log",
    ],
    &["training.gain_rate", "training.protein_synergy"],
    &["hospital.recovery_fraction", "hospital.recovery_rate"],
    &["quality.fluctuation_share", "quality.fluctuation_years"],
];

#[derive(Clone, Debug, Serialize)]
pub struct FitTarget {
    pub id: String,
    pub published: f64,
    pub before: f64,
    pub after: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct FitReport {
    pub command: String,
    pub population: u64,
    pub rounds: u32,
    pub evaluations: u32,
    pub objective_before: f64,
    pub objective_after: f64,
    /// (name, start, fitted).
    pub parameters: Vec<(String, f64, f64)>,
    pub targets: Vec<FitTarget>,
    pub independent_targets: Vec<String>,
}

/// `v` held to the parameter's domain and, for a uniform prior, to the prior's support: the
/// point fit must not leave what the prior calls impossible (it once fitted
/// `hospital.recovery_rate` 117.6 under Uniform [2, 12] and `nutrition.protein_effect` below
/// its prior's floor).
fn clamp(name: &str, v: f64) -> f64 {
    crate::params::spec(name).map_or(v, |s| {
        let v = s.domain.clamp(v);
        match s.uncertainty {
            Uncertainty::Uniform { lo, hi } => v.clamp(lo, hi),
            _ => v,
        }
    })
}

fn objective(rows: &[Row]) -> f64 {
    rows.iter()
        .filter(|r| r.role == Role::Fit)
        .map(|r| {
            let half = (r.accept.1 - r.accept.0) / 2.0;
            let z = (r.simulated - r.published) / half;
            if z.is_finite() {
                z * z
            } else {
                1e6
            }
        })
        .sum()
}

/// Nelder–Mead minimisation of `f` from `x0` with initial step `step`, at most `max` calls.
pub fn nelder_mead(
    f: &mut dyn FnMut(&[f64]) -> f64,
    x0: &[f64],
    step: f64,
    max: u32,
) -> (Vec<f64>, f64, u32) {
    let n = x0.len();
    let mut calls = 0;
    let mut eval = |x: &[f64], calls: &mut u32| {
        *calls += 1;
        f(x)
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::new();
    simplex.push((x0.to_vec(), eval(x0, &mut calls)));
    for i in 0..n {
        let mut x = x0.to_vec();
        x[i] += step;
        let v = eval(&x, &mut calls);
        simplex.push((x, v));
    }
    while calls < max {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        if (simplex[n].1 - simplex[0].1).abs() < 1e-4 * (1.0 + simplex[0].1.abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|s| s.0[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (simplex[n].0[j] - centroid[j]))
                .collect()
        };
        let xr = along(-1.0);
        let fr = eval(&xr, &mut calls);
        if fr < simplex[0].1 {
            let xe = along(-2.0);
            let fe = eval(&xe, &mut calls);
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
        } else {
            let xc = along(0.5);
            let fc = eval(&xc, &mut calls);
            if fc < simplex[n].1 {
                simplex[n] = (xc, fc);
            } else {
                let best = simplex[0].0.clone();
                for s in simplex.iter_mut().skip(1) {
                    for (v, b) in s.0.iter_mut().zip(&best) {
                        *v = b + 0.5 * (*v - b);
                    }
                    s.1 = eval(&s.0, &mut calls);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (x, v) = simplex.swap_remove(0);
    (x, v, calls)
}

/// Fits every block in turn, `rounds` times, at `population` persons per design.
pub fn calibrate(
    population: u64,
    rounds: u32,
    max_per_block: u32,
    log: &mut dyn FnMut(&str),
) -> (Params, FitReport) {
    let start = Params::central();
    let opts = Options { population };
    let rows_with = |p: &Params, r: &mortality::Reference| targets(&run_designs(p, r, &opts));
    let rows_of = |p: &Params| rows_with(p, &reference::calibrate(p));
    let before = rows_of(&start);
    let objective_before = objective(&before);
    log(&format!(
        "objective at the table's values: {objective_before:.2}"
    ));
    let mut params = start.clone();
    let mut evaluations = 0;
    for round in 0..rounds {
        for block in BLOCKS {
            let x0: Vec<f64> = block.iter().map(|n| params.get(n).unwrap().ln()).collect();
            let base = params.clone();
            let calibrated = reference::calibrate(&base);
            let mut f = |x: &[f64]| {
                let mut p = base.clone();
                for (name, v) in block.iter().zip(x) {
                    p.set(name, clamp(name, v.exp()));
                }
                objective(&rows_with(&p, &calibrated))
            };
            let (x, v, calls) = nelder_mead(&mut f, &x0, 0.15, max_per_block);
            evaluations += calls;
            for (name, v) in block.iter().zip(&x) {
                params.set(name, clamp(name, v.exp()));
            }
            log(&format!(
                "round {round} block {:?}: objective {v:.2} after {calls} evaluations",
                block
            ));
        }
    }
    let after = rows_of(&params);
    let parameters = BLOCKS
        .iter()
        .flat_map(|b| b.iter())
        .map(|n| (n.to_string(), start.get(n).unwrap(), params.get(n).unwrap()))
        .collect();
    let targets = before
        .iter()
        .zip(&after)
        .filter(|(b, _)| b.role == Role::Fit)
        .map(|(b, a)| FitTarget {
            id: b.id.clone(),
            published: b.published,
            before: b.simulated,
            after: a.simulated,
        })
        .collect();
    let report = FitReport {
        command: format!("sarcosim calibrate --population {population} --rounds {rounds}"),
        population,
        rounds,
        evaluations,
        objective_before,
        objective_after: objective(&after),
        parameters,
        targets,
        independent_targets: after
            .iter()
            .filter(|r| r.role != Role::Fit)
            .map(|r| format!("{} ({})", r.id, r.role.label()))
            .collect(),
    };
    (params, report)
}

/// The report as Markdown.
pub fn markdown(r: &FitReport) -> String {
    let parameters: Vec<Vec<String>> = r
        .parameters
        .iter()
        .map(|(n, a, b)| vec![format!("`{n}`"), format!("{a:.5}"), format!("{b:.5}")])
        .collect();
    let targets: Vec<Vec<String>> = r
        .targets
        .iter()
        .map(|t| {
            vec![
                format!("`{}`", t.id),
                format!("{:.3}", t.published),
                format!("{:.3}", t.before),
                format!("{:.3}", t.after),
            ]
        })
        .collect();
    format!(
        "# Calibration output\n\nGenerated by `{}` ({} evaluations). Objective Σ z² over the fit targets: {:.2} → {:.2}.\n\n{}\n{}\nTargets kept out of the fit: {}\n",
        r.command,
        r.evaluations,
        r.objective_before,
        r.objective_after,
        crate::table::markdown(&["parameter", "before", "fitted"], &parameters, 3),
        crate::table::markdown(
            &["fit target", "published", "simulated before", "simulated after"],
            &targets,
            4
        ),
        r.independent_targets.join(", ")
    )
}

/// Parameters that the fit targets inform but the point fit leaves out, because it drives
/// them to a bound of their prior: `hospital.illness_mpb_rise` (to 0 against Alley 2010).
/// Left out of the posterior, every draw would take it from its prior, above the point
/// fit's bound, and move Alley's figure one way only.
pub const POSTERIOR_ONLY: &[&str] = &["hospital.illness_mpb_rise"];

/// The calibrated parameters of the posterior sample: every parameter of [`BLOCKS`] with an
/// uncertainty in the table (its prior), and [`POSTERIOR_ONLY`]. The fixed ones
/// (`muscle.age_loss_shape_m/_f`, `quality.age_loss_shape`, `gait.per_kg_grip`,
/// `gait.age_slope_after_75`) stay at their point fit in every draw.
pub fn posterior_parameters() -> Vec<&'static str> {
    BLOCKS
        .iter()
        .flat_map(|b| b.iter().copied())
        .chain(POSTERIOR_ONLY.iter().copied())
        .filter(|n| params::spec(n).is_some_and(|s| s.uncertainty != Uncertainty::Fixed))
        .collect()
}

/// The likelihood, in words (written into the sample's header).
pub const LIKELIHOOD: &str = "independent Gaussians over the fit targets: published ~ N(simulated, s^2), s^2 = (half-width of the accepted interval / 1.96)^2 + (Monte Carlo SE)^2";

/// Log-likelihood of the `fit` rows ([`LIKELIHOOD`]): each accepted interval read as the
/// central 95 % of the discrepancy between model and published value (a published 95 % CI
/// for Peterson, Morton and Houston; a stated allowance elsewhere), widened by the
/// simulation's own Monte Carlo error. −∞ when a fit target cannot be computed.
pub fn log_likelihood(rows: &[Row]) -> f64 {
    let t = stats::t975(stats::BATCHES - 1);
    rows.iter()
        .filter(|r| r.role == Role::Fit)
        .map(|r| {
            let sd = (r.accept.1 - r.accept.0) / 2.0 / Z95;
            let se = (r.mc_hi - r.mc_lo) / 2.0 / t;
            let s2 = sd * sd + if se.is_finite() { se * se } else { 0.0 };
            let z2 = (r.simulated - r.published).powi(2) / s2;
            if z2.is_finite() {
                -0.5 * z2 - 0.5 * s2.ln()
            } else {
                f64::NEG_INFINITY
            }
        })
        .sum()
}

/// Options of `sarcosim calibrate --posterior`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct PosteriorOptions {
    /// Persons per validation design in every likelihood evaluation.
    pub population: u64,
    pub imis: imis::Settings,
}

/// A parameter's prior and posterior.
#[derive(Clone, Debug, Serialize)]
pub struct ParameterSummary {
    pub name: String,
    pub prior: Marginal,
    /// The table's value (the point fit).
    pub fitted: f64,
    /// Mean and 2.5-97.5 % of the resampled posterior draws.
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

/// A fit target over the posterior draws (posterior predictive, same persons).
#[derive(Clone, Debug, Serialize)]
pub struct TargetCoverage {
    pub id: String,
    pub published: f64,
    pub accept: (f64, f64),
    /// Simulated at the table's values.
    pub central: f64,
    /// 2.5-97.5 % over the resampled posterior draws.
    pub lo: f64,
    pub hi: f64,
}

impl TargetCoverage {
    pub fn covers(&self, v: f64) -> bool {
        (self.lo..=self.hi).contains(&v)
    }
}

/// What `sarcosim calibrate --posterior` did and how well it did it.
#[derive(Clone, Debug, Serialize)]
pub struct PosteriorReport {
    pub command: String,
    pub options: PosteriorOptions,
    pub likelihood: &'static str,
    pub steps: usize,
    pub evaluations: usize,
    /// Wall-clock time of the sampler ÷ evaluations (with every thread it used).
    pub seconds_per_evaluation: f64,
    pub diagnostics: imis::Diagnostics,
    /// Distinct points among the resampled draws.
    pub distinct: usize,
    pub parameters: Vec<ParameterSummary>,
    pub targets: Vec<TargetCoverage>,
}

/// The prior of the posterior parameters: each one's uncertainty in the table, centred on
/// its [`point_fit`] where it has one (the uniform priors have no centre).
pub fn posterior_prior() -> imis::Prior {
    imis::Prior {
        marginals: posterior_parameters()
            .iter()
            .map(|n| {
                let mut spec = *params::spec(n).expect("posterior parameters are in the table");
                if let Some(v) = point_fit(n) {
                    spec.value = v;
                }
                Marginal::from_spec(&spec).expect("posterior parameters have a prior")
            })
            .collect(),
    }
}

/// The point fit of `sarcosim calibrate` (`docs/calibration/fit.json`), compiled in.
const POINT_FIT: &str = include_str!("../../docs/calibration/fit.json");

/// The point fit of a calibrated parameter (`docs/calibration/fit.json`); `None` for one
/// the point fit does not hold ([`POSTERIOR_ONLY`]).
///
/// The priors of the posterior are centred here, not on the table's central value: that
/// is the previous sample's median, and centring a new prior there would use the fit
/// targets a second time with every rerun.
pub fn point_fit(name: &str) -> Option<f64> {
    use std::sync::OnceLock;
    static FIT: OnceLock<Vec<(String, f64)>> = OnceLock::new();
    FIT.get_or_init(|| {
        let v: serde_json::Value =
            serde_json::from_str(POINT_FIT).expect("docs/calibration/fit.json is JSON");
        v["parameters"]
            .as_array()
            .expect("fit.json lists its parameters")
            .iter()
            .filter_map(|e| Some((e[0].as_str()?.to_string(), e[2].as_f64()?)))
            .collect()
    })
    .iter()
    .find(|(n, _)| n == name)
    .map(|(_, v)| *v)
}

/// The fit rows at `x` (values of [`posterior_parameters`]) on `base`, the reference
/// population recomputed for them (as `validate --draws` does per draw).
fn fit_rows_at(base: &Params, x: &[f64], opts: &Options) -> Vec<Row> {
    let mut p = base.clone();
    for (name, v) in posterior_parameters().iter().zip(x) {
        p.set(name, *v);
    }
    targets(&run_designs(&p, &reference::calibrate(&p), opts))
        .into_iter()
        .filter(|r| r.role == Role::Fit)
        .collect()
}

/// Samples the posterior of the calibrated parameters by IMIS ([`imis::imis`]) with the
/// likelihood [`log_likelihood`] at `opts.population` persons per design. Returns the
/// resampled draws (in the order of [`posterior_parameters`]) and the report.
pub fn posterior(
    opts: &PosteriorOptions,
    command: &str,
    log: &mut dyn FnMut(&str),
) -> Result<(Vec<Vec<f64>>, PosteriorReport), ImisError> {
    let names = posterior_parameters();
    let prior = posterior_prior();
    let base = Params::central();
    let sim = Options {
        population: opts.population,
    };
    let central_x: Vec<f64> = names.iter().map(|n| base.get(n).unwrap()).collect();
    let central = fit_rows_at(&base, &central_x, &sim);
    let mut simulated: Vec<Option<Vec<f64>>> = Vec::new();
    let started = std::time::Instant::now();
    let mut ll = |i: usize, x: &[f64]| {
        let rows = fit_rows_at(&base, x, &sim);
        simulated.resize(simulated.len().max(i + 1), None);
        simulated[i] = Some(rows.iter().map(|r| r.simulated).collect());
        log_likelihood(&rows)
    };
    let out = imis::imis(&prior, &mut ll, &opts.imis, log)?;
    let seconds = started.elapsed().as_secs_f64() / out.evaluations.max(1) as f64;
    let draws: Vec<Vec<f64>> = out.sample.iter().map(|i| out.points[*i].clone()).collect();
    let summary = |k: usize| {
        let v = || draws.iter().map(|d| d[k]);
        (
            stats::mean(v()),
            stats::quantile(v(), 0.025),
            stats::quantile(v(), 0.975),
        )
    };
    let parameters = names
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let (mean, lo, hi) = summary(k);
            ParameterSummary {
                name: n.to_string(),
                prior: prior.marginals[k],
                fitted: central_x[k],
                mean,
                lo,
                hi,
            }
        })
        .collect();
    let predictive = |t: usize| -> Vec<f64> {
        out.sample
            .iter()
            .filter_map(|i| simulated.get(*i).and_then(|s| s.as_ref()).map(|s| s[t]))
            .collect()
    };
    let targets = central
        .iter()
        .enumerate()
        .map(|(t, r)| TargetCoverage {
            id: r.id.clone(),
            published: r.published,
            accept: r.accept,
            central: r.simulated,
            lo: stats::quantile(predictive(t).into_iter(), 0.025),
            hi: stats::quantile(predictive(t).into_iter(), 0.975),
        })
        .collect();
    let mut distinct = out.sample.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let report = PosteriorReport {
        command: command.to_string(),
        options: *opts,
        likelihood: LIKELIHOOD,
        steps: out.steps,
        evaluations: out.evaluations,
        seconds_per_evaluation: seconds,
        diagnostics: out.diagnostics,
        distinct: distinct.len(),
        parameters,
        targets,
    };
    Ok((draws, report))
}

/// The posterior sample file's content: the draws with the method, `date`, `commit`, sizes
/// and diagnostics in its header.
pub fn posterior_sample(
    draws: Vec<Vec<f64>>,
    r: &PosteriorReport,
    date: &str,
    commit: &str,
) -> Sample {
    let s = &r.options.imis;
    let d = &r.diagnostics;
    let meta = [
        ("method", "incremental mixture importance sampling (IMIS, Raftery & Bao 2010 Biometrics 66:1162), resampled to equal weights".to_string()),
        ("likelihood", LIKELIHOOD.to_string()),
        ("prior", "the parameter table's uncertainty of each parameter (src/params.rs), truncated to its domain".to_string()),
        ("date", date.to_string()),
        ("commit", commit.to_string()),
        ("command", r.command.clone()),
        ("population", r.options.population.to_string()),
        ("sizes", format!("initial {}, per step {}, sample taken at step {} (at most {}; the first to meet the stopping rule, else the one with the most expected distinct points), evaluations {}, resampled {} ({} distinct)", s.initial, s.per_step, r.steps, s.max_steps, r.evaluations, s.resample, r.distinct)),
        ("diagnostics", format!("ESS {:.1}, largest weight {:.4}, expected distinct in {} {:.1}, stopping rule met: {}", d.ess, d.max_weight, s.resample, d.expected_unique, d.converged)),
        (
            "wall seconds per evaluation",
            format!("{:.2} (all threads; not CPU time)", r.seconds_per_evaluation),
        ),
    ];
    Sample {
        meta: meta.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        names: posterior_parameters()
            .iter()
            .map(|n| n.to_string())
            .collect(),
        rows: draws,
    }
}

/// The posterior report as Markdown (`docs/calibration/posterior.md`).
pub fn posterior_markdown(r: &PosteriorReport, sample: &Sample) -> String {
    let parameters: Vec<Vec<String>> = r
        .parameters
        .iter()
        .map(|p| {
            vec![
                format!("`{}`", p.name),
                marginal_text(&p.prior),
                format!("{:.5}", p.fitted),
                format!("{:.5}", p.mean),
                format!("{:.5}–{:.5}", p.lo, p.hi),
            ]
        })
        .collect();
    let targets: Vec<Vec<String>> = r
        .targets
        .iter()
        .map(|t| {
            vec![
                format!("`{}`", t.id),
                format!("{:.3}", t.published),
                format!("{:.3}–{:.3}", t.accept.0, t.accept.1),
                format!("{:.3}", t.central),
                format!("{:.3}–{:.3}", t.lo, t.hi),
                yes(t.covers(t.published)).into(),
                yes(t.covers(t.central)).into(),
            ]
        })
        .collect();
    let covered = r.targets.iter().filter(|t| t.covers(t.published)).count();
    let central = r.targets.iter().filter(|t| t.covers(t.central)).count();
    let header: String = sample
        .meta
        .iter()
        .map(|(k, v)| format!("- {k}: {v}\n"))
        .collect();
    format!(
        "# Posterior sample of the calibrated parameters\n\nGenerated by `{}`; the draws are in `posterior.csv`, read by `sarcosim run --draws` and `sarcosim validate --draws` (docs/validation.md, \"Parameter uncertainty\").\n\n{header}\n{}\nFit targets over the {} resampled draws (same persons; the other parameters at their central values): the published value lies inside the 2.5-97.5 % range for {covered} of {n}; the central figure for {central} of {n}.\n\n{}",
        r.command,
        crate::table::markdown(&["parameter", "prior", "central (table)", "posterior mean", "posterior 2.5-97.5 %"], &parameters, 5),
        r.options.imis.resample,
        crate::table::markdown(&["fit target", "published", "accepted", "central", "posterior draws 2.5-97.5 %", "published inside", "central inside"], &targets, 7),
        n = r.targets.len(),
    )
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "**no**"
    }
}

fn marginal_text(m: &Marginal) -> String {
    match *m {
        Marginal::Normal { mean, sd, .. } => format!("normal {mean} (sd {sd})"),
        Marginal::LogNormal { median, sigma } => format!("log-normal {median} (log-sd {sigma:.3})"),
        Marginal::Uniform { lo, hi } => format!("uniform [{lo}, {hi}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_point_fit_stays_in_a_uniform_priors_support_and_the_domain() {
        // Uniform [2, 12].
        assert_eq!(clamp("hospital.recovery_rate", 117.6), 12.0);
        assert_eq!(clamp("hospital.recovery_rate", 0.5), 2.0);
        assert_eq!(clamp("hospital.recovery_rate", 7.0), 7.0);
        // A normal prior bounds nothing but the domain (non-negative).
        assert_eq!(clamp("muscle.age_loss_75_m", 0.5), 0.5);
        assert_eq!(clamp("muscle.age_loss_75_m", -0.1), 0.0);
    }

    #[test]
    fn nelder_mead_finds_the_minimum_of_a_bowl() {
        let mut f = |x: &[f64]| (x[0] - 1.0).powi(2) + 3.0 * (x[1] + 2.0).powi(2);
        let (x, v, calls) = nelder_mead(&mut f, &[0.0, 0.0], 0.5, 400);
        assert!(
            (x[0] - 1.0).abs() < 0.01 && (x[1] + 2.0).abs() < 0.01,
            "{x:?}"
        );
        assert!(v < 1e-3 && calls <= 400);
    }

    #[test]
    fn only_fit_targets_enter_the_objective_and_the_fit_is_deterministic() {
        let (params, report) = calibrate(300, 1, 4, &mut |_| {});
        let rows = targets(&run_designs(
            &params,
            &reference::calibrate(&params),
            &Options { population: 300 },
        ));
        let mut moved = rows.clone();
        for r in moved.iter_mut().filter(|r| r.role != Role::Fit) {
            r.simulated += 1e6;
        }
        assert_eq!(objective(&rows), objective(&moved));
        let mut fit_moved = rows.clone();
        fit_moved
            .iter_mut()
            .find(|r| r.role == Role::Fit)
            .unwrap()
            .simulated += 1.0;
        assert!(objective(&fit_moved) != objective(&rows));
        assert!(report
            .targets
            .iter()
            .all(|t| { rows.iter().any(|r| r.id == t.id && r.role == Role::Fit) }));
        assert!(report
            .independent_targets
            .iter()
            .any(|t| t.starts_with("mitchell-young-vs-old-m (independent)")));
        let (again, report_again) = calibrate(300, 1, 4, &mut |_| {});
        assert_eq!(params, again);
        assert_eq!(report.objective_after, report_again.objective_after);
    }

    #[test]
    fn the_likelihood_reads_accepted_intervals_as_95_percent_intervals() {
        let rows = targets(&run_designs(
            &Params::central(),
            &reference::calibrate(&Params::central()),
            &Options { population: 300 },
        ));
        let base = log_likelihood(&rows);
        assert!(base.is_finite());
        let mut moved = rows.clone();
        for r in moved.iter_mut().filter(|r| r.role != Role::Fit) {
            r.simulated += 1e6;
        }
        assert_eq!(log_likelihood(&moved), base, "only fit targets count");
        // A fit target moved to the edge of its accepted interval, with no Monte Carlo
        // error, costs ½ · 1.96² against one sitting on its published value.
        let mut one = rows.clone();
        let r = one
            .iter_mut()
            .find(|r| r.id == "peterson-training")
            .unwrap();
        r.mc_lo = r.simulated;
        r.mc_hi = r.simulated;
        r.simulated = r.published;
        let at = log_likelihood(&one);
        let r = one
            .iter_mut()
            .find(|r| r.id == "peterson-training")
            .unwrap();
        r.simulated = r.accept.1;
        let half = (r.accept.1 - r.accept.0) / 2.0;
        let z = (r.accept.1 - r.published) / (half / Z95);
        assert!((at - log_likelihood(&one) - 0.5 * z * z).abs() < 1e-9);
        let names = posterior_parameters();
        assert!(names.contains(&"hospital.recovery_fraction"));
        assert!(
            names.contains(&"hospital.illness_mpb_rise"),
            "posterior only"
        );
        assert!(
            !names.contains(&"muscle.age_loss_shape_m"),
            "fixed: no prior"
        );
        assert_eq!(posterior_prior().dim(), names.len());
    }

    /// The normal priors are centred on the point fit of fit.json, not on the table's
    /// central value (the previous sample's median), so a rerun does not re-centre them.
    #[test]
    fn the_priors_are_centred_on_the_point_fit() {
        let prior = posterior_prior();
        let names = posterior_parameters();
        let k = names
            .iter()
            .position(|n| *n == "muscle.age_loss_75_m")
            .unwrap();
        let fit = point_fit("muscle.age_loss_75_m").unwrap();
        assert!((fit - 0.0083463).abs() < 1e-6, "fit.json's value {fit}");
        assert_ne!(
            Params::central().age_loss_75_m,
            fit,
            "the table holds the posterior median"
        );
        match prior.marginals[k] {
            Marginal::Normal { mean, sd, .. } => {
                assert_eq!(mean, fit);
                assert_eq!(sd, 0.001);
            }
            other => panic!("a normal prior expected, got {other:?}"),
        }
        assert_eq!(point_fit("hospital.illness_mpb_rise"), None);
        assert!(point_fit("muscle.age_loss_shape_m").is_some());
        assert!(point_fit("quality.age_loss_shape").is_some());
    }
}
