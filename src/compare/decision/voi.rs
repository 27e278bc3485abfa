//! Value of information from the PSA draws: the expected value of partial perfect
//! information (EVPPI) of a group of inputs by regression (Strong, Oakley & Brennan 2014,
//! Med Decis Making 34:311), and the population scaling of per-person values.
//!
//! Method: each arm's incremental net benefit against the baseline, INB_d(λ) = λ ΔQ_d −
//! ΔC_d per draw, is regressed on the group's inputs; the fitted values ĝ_d estimate
//! E[INB_d | group]; EVPPI = mean over draws of max(0, max_d ĝ_d) − max(0, max_d mean ĝ_d).
//! The paper fits a GAM; here, with the few draws a microsimulation affords, ordinary
//! least squares on a polynomial without interactions: each input standardised, with its
//! square when draws ≥ [`DRAWS_PER_COEFFICIENT`] × (1 + 2p) for p inputs, else linear when
//! draws ≥ [`DRAWS_PER_COEFFICIENT`] × (1 + p), else no estimate (too few draws for the
//! degrees of freedom). As least squares is linear in the response, ΔQ and ΔC are fitted
//! once and the fit at any λ is λ ΔQ̂ − ΔĈ.
//!
//! Diagnostics: the smallest R² over arms of the fitted INB at λ; and a noise floor: what
//! overfitting alone yields, the [`NULL_QUANTILE`] quantile of the same EVPPI over
//! [`NULL_PERMUTATIONS`] fixed permutations of the group's inputs across draws (each
//! permutation makes them unrelated to the net benefits: a permutation test of "this group
//! is worth nothing"). An EVPPI below its floor is not distinguishable from 0 with these
//! draws at the 5 % level. (One permutation, as before, gave one draw of that null
//! distribution: a group no arm uses could stand at 4 times its floor.) Fewer than
//! [`FEW_DRAWS`] draws are flagged in the note.

/// Draws needed per regression coefficient.
pub const DRAWS_PER_COEFFICIENT: usize = 5;
/// Below this many draws the note warns that EVPPI is imprecise.
pub const FEW_DRAWS: usize = 500;

/// A least-squares fit: an orthonormal basis of the design's column space.
pub struct Fit {
    /// Basis vectors (each of length = draws).
    basis: Vec<Vec<f64>>,
    /// Polynomial degree used (1 or 2).
    pub degree: u32,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Fit {
    /// The fit of `inputs` (each a column over the draws; constant ones dropped), or why
    /// there is none.
    pub fn new(inputs: &[&[f64]]) -> Result<Fit, String> {
        let k = inputs.first().map_or(0, |c| c.len());
        let varying: Vec<Vec<f64>> = inputs.iter().filter_map(|c| standardised(c)).collect();
        let p = varying.len();
        if p == 0 {
            return Err("no input of the group varies across the draws".into());
        }
        let degree = if k >= DRAWS_PER_COEFFICIENT * (1 + 2 * p) {
            2
        } else if k >= DRAWS_PER_COEFFICIENT * (1 + p) {
            1
        } else {
            return Err(format!(
                "too few draws: {k} for {p} input(s); a linear fit needs {}",
                DRAWS_PER_COEFFICIENT * (1 + p)
            ));
        };
        let mut columns = vec![vec![1.0; k]];
        for c in &varying {
            columns.push(c.clone());
            if degree == 2 {
                columns.push(c.iter().map(|x| x * x).collect());
            }
        }
        Ok(Fit {
            basis: orthonormal(columns),
            degree,
        })
    }

    /// The fitted values of `y`.
    pub fn fitted(&self, y: &[f64]) -> Vec<f64> {
        let mut f = vec![0.0; y.len()];
        for q in &self.basis {
            let c = dot(q, y);
            for (fi, qi) in f.iter_mut().zip(q) {
                *fi += c * qi;
            }
        }
        f
    }
}

/// A column centred and scaled to unit SD (`None` when constant).
fn standardised(c: &[f64]) -> Option<Vec<f64>> {
    let n = c.len() as f64;
    let mean = c.iter().sum::<f64>() / n;
    let sd = (c.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    (sd > 1e-12 * (1.0 + mean.abs())).then(|| c.iter().map(|x| (x - mean) / sd).collect())
}

/// Modified Gram-Schmidt, twice per column; a column within 1e-9 of the span of the
/// previous ones is dropped.
fn orthonormal(columns: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let mut basis: Vec<Vec<f64>> = Vec::new();
    for mut v in columns {
        let norm0 = dot(&v, &v).sqrt();
        for _ in 0..2 {
            for q in &basis {
                let c = dot(q, &v);
                for (vi, qi) in v.iter_mut().zip(q) {
                    *vi -= c * qi;
                }
            }
        }
        let norm = dot(&v, &v).sqrt();
        if norm > 1e-9 * norm0.max(1e-300) {
            basis.push(v.into_iter().map(|x| x / norm).collect());
        }
    }
    basis
}

/// R² of a fit: 1 − residual / total sum of squares (1 for a constant response).
pub fn r_squared(y: &[f64], fitted: &[f64]) -> f64 {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let total: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let residual: f64 = y.iter().zip(fitted).map(|(a, b)| (a - b).powi(2)).sum();
    if total > 0.0 {
        1.0 - residual / total
    } else {
        1.0
    }
}

/// EVPPI from fitted incremental net benefits (arms other than the baseline × draws):
/// mean of max(0, max ĝ) − max(0, max mean ĝ).
pub fn evppi_of(fitted: &[Vec<f64>]) -> f64 {
    let Some(k) = fitted.first().map(Vec::len) else {
        return 0.0;
    };
    let perfect = (0..k)
        .map(|i| fitted.iter().map(|g| g[i]).fold(0.0, f64::max))
        .sum::<f64>()
        / k as f64;
    let current = fitted
        .iter()
        .map(|g| g.iter().sum::<f64>() / k as f64)
        .fold(0.0, f64::max);
    (perfect - current).max(0.0)
}

/// The EVPPI of a group at one λ: its value, the smallest R² over arms.
pub struct Partial {
    pub evppi: f64,
    pub r_squared: f64,
}

/// The fitted incremental costs and QALYs of each arm (other than the baseline).
pub struct Fitted {
    /// Per arm: (ΔQ, fitted ΔQ, ΔC, fitted ΔC) over the draws.
    arms: Vec<[Vec<f64>; 4]>,
}

impl Fitted {
    /// Fits each arm's ΔQ and ΔC (arms × draws) with `fit`.
    pub fn new(fit: &Fit, dq: &[Vec<f64>], dc: &[Vec<f64>]) -> Fitted {
        let arms = dq
            .iter()
            .zip(dc)
            .map(|(q, c)| [q.clone(), fit.fitted(q), c.clone(), fit.fitted(c)])
            .collect();
        Fitted { arms }
    }

    /// EVPPI and R² at willingness to pay `wtp`.
    pub fn at(&self, wtp: f64) -> Partial {
        let mut fitted = Vec::new();
        let mut r2 = f64::INFINITY;
        for [q, fq, c, fc] in &self.arms {
            let inb: Vec<f64> = q.iter().zip(c).map(|(q, c)| wtp * q - c).collect();
            let g: Vec<f64> = fq.iter().zip(fc).map(|(q, c)| wtp * q - c).collect();
            r2 = r2.min(r_squared(&inb, &g));
            fitted.push(g);
        }
        Partial {
            evppi: evppi_of(&fitted),
            r_squared: if r2.is_finite() { r2 } else { f64::NAN },
        }
    }
}

/// The seed of the noise floor's permutations (any fixed number: the same in every run).
const PERMUTATION_SEED: u64 = 20_140_311;

/// Permutations behind the noise floor.
pub const NULL_PERMUTATIONS: usize = 99;
/// The noise floor is this quantile of the permuted EVPPIs (nearest rank: with 99
/// permutations, the 95th smallest).
pub const NULL_QUANTILE: f64 = 0.95;

/// Fixed permutation number `j` of 0..n.
pub fn permutation(n: usize, j: usize) -> Vec<usize> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut idx: Vec<usize> = (0..n).collect();
    let mut rng =
        rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(PERMUTATION_SEED.wrapping_add(j as u64));
    idx.shuffle(&mut rng);
    idx
}

/// The noise floor of a group's EVPPI at each λ of `grid` (see the module): `None` when its
/// inputs cannot be fitted.
pub fn noise_floor(
    inputs: &[Vec<f64>],
    dq: &[Vec<f64>],
    dc: &[Vec<f64>],
    grid: &[f64],
) -> Option<Vec<f64>> {
    let k = inputs.first()?.len();
    let mut null: Vec<Vec<f64>> = vec![Vec::with_capacity(NULL_PERMUTATIONS); grid.len()];
    for j in 0..NULL_PERMUTATIONS {
        let order = permutation(k, j);
        let shuffled: Vec<Vec<f64>> = inputs
            .iter()
            .map(|c| order.iter().map(|&i| c[i]).collect())
            .collect();
        let columns: Vec<&[f64]> = shuffled.iter().map(Vec::as_slice).collect();
        let fitted = Fitted::new(&Fit::new(&columns).ok()?, dq, dc);
        for (values, &wtp) in null.iter_mut().zip(grid) {
            values.push(fitted.at(wtp).evppi);
        }
    }
    Some(null.into_iter().map(nearest_rank).collect())
}

/// The [`NULL_QUANTILE`] quantile of `v` by nearest rank.
fn nearest_rank(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let rank = (NULL_QUANTILE * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Population value of a per-person value: × persons per year × Σ_{t=0}^{years−1}
/// (1 + r)^−t (each year's new cohort discounted to the start, at the scenario's rate).
pub fn population_value(per_person: f64, persons_per_year: f64, years: u32, rate: f64) -> f64 {
    let annuity: f64 = (0..years).map(|t| (1.0 + rate).powi(-(t as i32))).sum();
    per_person * persons_per_year * annuity
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::decision::ceac::evpi;

    /// EVPI of one arm against the baseline from its incremental net benefits.
    fn evpi_two(inb: &[f64]) -> f64 {
        let nb: Vec<Vec<f64>> = inb.iter().map(|v| vec![0.0, *v]).collect();
        evpi(&nb)
    }

    #[test]
    fn a_group_that_decides_the_net_benefit_is_worth_the_evpi() {
        // x on a grid over [-1, 1]; INB = x: linear, fitted exactly.
        let x: Vec<f64> = (-100..=100).map(|i| f64::from(i) / 100.0).collect();
        let fit = Fit::new(&[&x]).unwrap();
        assert_eq!(fit.degree, 2, "201 draws for 1 input: quadratic");
        let f = Fitted::new(&fit, std::slice::from_ref(&x), &[vec![0.0; x.len()]]);
        let p = f.at(1.0);
        // Mean of max(0, x) over the grid: (1 + … + 100) / 100 / 201.
        let want = 50.5 / 201.0;
        assert!((p.evppi - want).abs() < 1e-12, "{}", p.evppi);
        assert!((evpi_two(&x) - want).abs() < 1e-12);
        assert!((p.r_squared - 1.0).abs() < 1e-12);
        // INB = x² − mean x² needs the square term; the quadratic fit finds it exactly.
        let m = x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64;
        let q: Vec<f64> = x.iter().map(|v| v * v - m).collect();
        let f = Fitted::new(&fit, std::slice::from_ref(&q), &[vec![0.0; x.len()]]);
        assert!((f.at(1.0).evppi - evpi_two(&q)).abs() < 1e-12);
    }

    #[test]
    fn an_unrelated_group_is_worth_nothing_and_a_related_one_the_evpi() {
        // INB = y = (2, 2, -1, -1, …): EVPI = mean max(0, y) − max(0, mean y) = 1 − 0.5.
        // x = (1, -1, 1, -1, …) is orthogonal to y (x² is constant): EVPPI 0 exactly.
        let k = 40;
        let y: Vec<f64> = (0..k).map(|i| if i % 4 < 2 { 2.0 } else { -1.0 }).collect();
        let x: Vec<f64> = (0..k)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        assert!((evpi_two(&y) - 0.5).abs() < 1e-12);
        let zero = vec![0.0; k];
        let fx = Fitted::new(
            &Fit::new(&[&x]).unwrap(),
            std::slice::from_ref(&y),
            std::slice::from_ref(&zero),
        );
        assert!(fx.at(1.0).evppi.abs() < 1e-12);
        assert!(fx.at(1.0).r_squared.abs() < 1e-12);
        let fy = Fitted::new(&Fit::new(&[&y]).unwrap(), std::slice::from_ref(&y), &[zero]);
        assert!((fy.at(1.0).evppi - 0.5).abs() < 1e-12);
    }

    #[test]
    fn the_fit_at_any_wtp_is_the_fit_of_that_wtps_net_benefit() {
        let k = 60;
        let a: Vec<f64> = (0..k).map(|i| ((i * 7919) % 61) as f64 / 61.0).collect();
        let b: Vec<f64> = (0..k).map(|i| ((i * 104_729) % 59) as f64 / 59.0).collect();
        let dq: Vec<f64> = a
            .iter()
            .zip(&b)
            .map(|(a, b)| 0.1 * a - 0.05 * b * b)
            .collect();
        let dc: Vec<f64> = a
            .iter()
            .zip(&b)
            .map(|(a, b)| 100.0 + 50.0 * b - 20.0 * a)
            .collect();
        let fit = Fit::new(&[&a, &b]).unwrap();
        let f = Fitted::new(&fit, std::slice::from_ref(&dq), std::slice::from_ref(&dc));
        for wtp in [0.0, 1000.0, 5000.0] {
            let inb: Vec<f64> = dq.iter().zip(&dc).map(|(q, c)| wtp * q - c).collect();
            let g = fit.fitted(&inb);
            assert!((f.at(wtp).evppi - evppi_of(std::slice::from_ref(&g))).abs() < 1e-9);
            assert!((f.at(wtp).r_squared - r_squared(&inb, &g)).abs() < 1e-9);
        }
    }

    #[test]
    fn too_few_draws_constant_inputs_and_the_population_scaling() {
        let x: Vec<f64> = (0..8).map(f64::from).collect();
        let e = Fit::new(&[&x, &x.iter().map(|v| v * v).collect::<Vec<_>>()])
            .err()
            .unwrap();
        assert_eq!(e, "too few draws: 8 for 2 input(s); a linear fit needs 15");
        let x12: Vec<f64> = (0..12).map(f64::from).collect();
        assert_eq!(
            Fit::new(&[&x12]).unwrap().degree,
            1,
            "12 draws, 1 input: linear"
        );
        let c = vec![3.0; 8];
        assert!(Fit::new(&[&c]).err().unwrap().contains("varies"));
        let v = population_value(10.0, 1000.0, 3, 0.03);
        assert!((v - 10_000.0 * (1.0 + 1.0 / 1.03 + 1.0 / 1.03_f64.powi(2))).abs() < 1e-9);
        let p = permutation(50, 0);
        let mut s = p.clone();
        s.sort_unstable();
        assert_eq!(s, (0..50).collect::<Vec<_>>());
        assert_eq!(p, permutation(50, 0), "fixed");
        assert_ne!(p, s, "shuffled");
        assert_ne!(p, permutation(50, 1), "each number its own");
    }

    #[test]
    fn the_noise_floor_is_the_95th_percentile_of_permuted_evppis() {
        let v: Vec<f64> = (1..=99).rev().map(f64::from).collect();
        assert_eq!(nearest_rank(v), 95.0);
        // INB depends on a (strongly); b is unrelated to it. b's EVPPI sits under its floor
        // (as it would for 95 % of such inputs); a's far above its own.
        let k = 120;
        let a: Vec<f64> = (0..k)
            .map(|i| ((i * 7919) % 113) as f64 / 113.0 - 0.5)
            .collect();
        let b: Vec<f64> = (0..k)
            .map(|i| ((i * 104_729) % 109) as f64 / 109.0)
            .collect();
        let dq = vec![a.clone()];
        let dc = vec![vec![0.0; k]];
        let grid = [1.0];
        let evppi = |x: &Vec<f64>| {
            Fitted::new(&Fit::new(&[x.as_slice()]).unwrap(), &dq, &dc)
                .at(1.0)
                .evppi
        };
        let floor_a = noise_floor(std::slice::from_ref(&a), &dq, &dc, &grid).unwrap()[0];
        assert!(evppi(&a) > 5.0 * floor_a, "{} vs {floor_a}", evppi(&a));
        let floor_b = noise_floor(std::slice::from_ref(&b), &dq, &dc, &grid).unwrap()[0];
        assert!(floor_b > 0.0);
        assert!(evppi(&b) <= floor_b, "{} vs {floor_b}", evppi(&b));
        // The floor is the 95th of the 99 permuted EVPPIs.
        let mut null: Vec<f64> = (0..NULL_PERMUTATIONS)
            .map(|j| {
                let o = permutation(k, j);
                evppi(&o.iter().map(|&i| a[i]).collect())
            })
            .collect();
        null.sort_by(f64::total_cmp);
        assert_eq!(floor_a, null[94]);
        assert!(
            noise_floor(&[vec![1.0; k]], &dq, &dc, &grid).is_none(),
            "constant"
        );
    }
}
