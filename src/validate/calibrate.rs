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

use super::{run_designs, targets, Options, Role, Row};
use crate::model::mortality;
use crate::params::Params;
use crate::reference;
use serde::Serialize;

/// The fitted parameters, in blocks that are fitted in turn (each against every fit target).
pub const BLOCKS: &[&[&str]] = &[
    &[
        "muscle.age_loss_75_m",
        "muscle.age_loss_75_f",
        "muscle.age_loss_shape",
        "illness.loss_diabetes",
        "nutrition.protein_effect",
    ],
    &[
        "population.quality_mean_65_m",
        "population.quality_mean_65_f",
        "quality.loss_75_m",
        "quality.loss_75_f",
    ],
    &[
        "gait.per_kg_grip",
        "gait.age_slope_after_75",
        "hospital.admission_rate_65",
        "hospital.propensity_sd_log",
    ],
    &["training.gain_rate", "training.protein_synergy"],
    &["hospital.recovery_fraction", "hospital.recovery_rate"],
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

fn clamp(name: &str, v: f64) -> f64 {
    crate::params::spec(name).map_or(v, |s| s.domain.clamp(v))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
