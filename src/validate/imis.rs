//! Incremental mixture importance sampling (IMIS; Raftery & Bao 2010, Biometrics 66:1162),
//! the approximate Bayesian calibration Menzies et al. 2017 (PharmacoEconomics 35:613)
//! describe for health-policy models. Generic over the prior and the log-likelihood; the
//! calibration's likelihood is in [`super::calibrate`].
//!
//! 1. Draw `initial` points from the prior and evaluate the likelihood L of each.
//! 2. Importance weights wᵢ ∝ L(xᵢ) p(xᵢ) / q(xᵢ), with q the mixture of everything drawn
//!    so far: q = (N₀/N) p + (B/N) Σₖ φ(·; μₖ, Σₖ) (N points in all, B per step).
//! 3. Stop when the expected number of distinct points among `resample` draws by weight,
//!    Σᵢ 1 − (1 − wᵢ)^J, reaches (1 − e⁻¹) J (the paper's rule), or after `max_steps` steps.
//! 4. Otherwise μₖ is the point of largest weight and Σₖ the covariance about it of its B
//!    nearest points (Mahalanobis distance with the prior's variances), weighted by the
//!    average of their importance weight and 1/N; draw B points from N(μₖ, Σₖ); go to 2.
//! 5. Resample J points with replacement by weight: an equally weighted posterior sample.
//!
//! Points outside the prior's support get weight 0 and their likelihood is never evaluated
//! (with an expensive model, that is where the savings are).

use crate::params::{Domain, ParamSpec, Uncertainty, Z95};
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use serde::Serialize;

/// One parameter's prior.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Marginal {
    /// Normal truncated to `[lo, hi]`.
    Normal {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
    },
    /// Log-normal with this median and log-SD.
    LogNormal {
        median: f64,
        sigma: f64,
    },
    Uniform {
        lo: f64,
        hi: f64,
    },
}

/// The bounds of a parameter's domain.
fn domain_bounds(d: Domain) -> (f64, f64) {
    match d {
        Domain::Real => (f64::NEG_INFINITY, f64::INFINITY),
        Domain::NonNegative | Domain::Positive => (0.0, f64::INFINITY),
        Domain::Probability => (0.0, 1.0),
    }
}

impl Marginal {
    /// The prior of a table parameter: its uncertainty about its central value (as
    /// `sarcosim run --draws` samples it, but truncated to the domain instead of clamped);
    /// `None` for a fixed parameter.
    pub fn from_spec(spec: &ParamSpec) -> Option<Marginal> {
        let (lo, hi) = domain_bounds(spec.domain);
        match spec.uncertainty {
            Uncertainty::Fixed => None,
            Uncertainty::Normal { sd } => Some(Marginal::Normal {
                mean: spec.value,
                sd,
                lo,
                hi,
            }),
            Uncertainty::LogNormal95 { lo, hi } => Some(Marginal::LogNormal {
                median: spec.value,
                sigma: (hi.ln() - lo.ln()) / (2.0 * Z95),
            }),
            Uncertainty::Uniform { lo, hi } => Some(Marginal::Uniform { lo, hi }),
        }
    }

    /// Whether `v` lies in the support.
    pub fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && match *self {
                Marginal::Normal { lo, hi, .. } | Marginal::Uniform { lo, hi } => {
                    (lo..=hi).contains(&v)
                }
                Marginal::LogNormal { .. } => v > 0.0,
            }
    }

    /// Log-density, normalised (IMIS mixes it with normalised Gaussians), −∞ outside the
    /// support. A truncated normal is not renormalised for its truncation: the table's
    /// truncations cut < 1 % of the mass.
    pub fn log_density(&self, v: f64) -> f64 {
        if !self.contains(v) {
            return f64::NEG_INFINITY;
        }
        let half_ln_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
        match *self {
            Marginal::Normal { mean, sd, .. } => {
                -0.5 * ((v - mean) / sd).powi(2) - sd.ln() - half_ln_2pi
            }
            Marginal::LogNormal { median, sigma } => {
                -0.5 * ((v.ln() - median.ln()) / sigma).powi(2) - sigma.ln() - v.ln() - half_ln_2pi
            }
            Marginal::Uniform { lo, hi } => -(hi - lo).ln(),
        }
    }

    /// A draw (a truncated normal by rejection; the table's truncations cut < 1 %).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Marginal::Normal { mean, sd, .. } => loop {
                let z: f64 = rng.sample(StandardNormal);
                let v = mean + sd * z;
                if self.contains(v) {
                    return v;
                }
            },
            Marginal::LogNormal { median, sigma } => {
                let z: f64 = rng.sample(StandardNormal);
                median * (sigma * z).exp()
            }
            Marginal::Uniform { lo, hi } => lo + (hi - lo) * rng.random::<f64>(),
        }
    }

    /// The scale used for distances between points (about the prior's SD).
    pub fn scale(&self) -> f64 {
        match *self {
            Marginal::Normal { sd, .. } => sd,
            Marginal::LogNormal { median, sigma } => median * sigma,
            Marginal::Uniform { lo, hi } => (hi - lo) / 12f64.sqrt(),
        }
    }
}

/// A prior of independent marginals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prior {
    pub marginals: Vec<Marginal>,
}

impl Prior {
    pub fn dim(&self) -> usize {
        self.marginals.len()
    }

    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<f64> {
        self.marginals.iter().map(|m| m.sample(rng)).collect()
    }

    pub fn log_density(&self, x: &[f64]) -> f64 {
        self.marginals
            .iter()
            .zip(x)
            .map(|(m, v)| m.log_density(*v))
            .sum()
    }

    pub fn contains(&self, x: &[f64]) -> bool {
        self.marginals.iter().zip(x).all(|(m, v)| m.contains(*v))
    }
}

/// Sizes of an IMIS run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// Prior draws of the first stage (N₀).
    pub initial: usize,
    /// Draws from each new mixture component (B).
    pub per_step: usize,
    /// Mixture components added at most.
    pub max_steps: usize,
    /// Size of the equally weighted sample resampled at the end (J).
    pub resample: usize,
    pub seed: u64,
}

/// How well the weighted points represent the posterior.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Diagnostics {
    /// Effective sample size 1 / Σ wᵢ² of the normalised weights.
    pub ess: f64,
    /// The largest normalised weight.
    pub max_weight: f64,
    /// Expected distinct points among `resample` draws by weight.
    pub expected_unique: f64,
    /// Whether the stopping rule was met (else `max_steps` ended the run).
    pub converged: bool,
}

/// The result of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Every point drawn, prior draws first.
    pub points: Vec<Vec<f64>>,
    /// Their log-likelihood (−∞ outside the prior's support: not evaluated).
    pub log_likelihood: Vec<f64>,
    /// Their normalised importance weights.
    pub weights: Vec<f64>,
    /// Indices into `points` of the resampled, equally weighted sample.
    pub sample: Vec<usize>,
    /// Mixture components added.
    pub steps: usize,
    /// Likelihood evaluations (points inside the prior's support).
    pub evaluations: usize,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ImisError {
    #[error("IMIS needs at least 2 initial points, 2 points per step and 1 resampled point")]
    Sizes,
    #[error(
        "every likelihood evaluated was zero or not finite: the prior and the data do not overlap"
    )]
    NoSupport,
}

/// A multivariate normal component: mean, lower Cholesky factor of its covariance and the
/// log of its normalising constant.
#[derive(Clone, Debug)]
struct Component {
    mean: Vec<f64>,
    chol: Vec<Vec<f64>>,
    log_norm: f64,
}

impl Component {
    fn new(mean: Vec<f64>, chol: Vec<Vec<f64>>) -> Self {
        let d = mean.len() as f64;
        let log_det_half: f64 = (0..chol.len()).map(|i| chol[i][i].ln()).sum();
        Self {
            mean,
            chol,
            log_norm: -0.5 * d * (2.0 * std::f64::consts::PI).ln() - log_det_half,
        }
    }

    fn log_pdf(&self, x: &[f64]) -> f64 {
        // Forward substitution: L z = x − μ.
        let n = self.mean.len();
        let mut z = vec![0.0; n];
        for i in 0..n {
            let s: f64 = (0..i).map(|j| self.chol[i][j] * z[j]).sum();
            z[i] = (x[i] - self.mean[i] - s) / self.chol[i][i];
        }
        self.log_norm - 0.5 * z.iter().map(|v| v * v).sum::<f64>()
    }

    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<f64> {
        let z: Vec<f64> = self
            .mean
            .iter()
            .map(|_| rng.sample(StandardNormal))
            .collect();
        (0..self.mean.len())
            .map(|i| self.mean[i] + (0..=i).map(|j| self.chol[i][j] * z[j]).sum::<f64>())
            .collect()
    }
}

/// The lower Cholesky factor of a symmetric matrix, `None` unless positive definite.
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// log Σ exp(vᵢ), −∞ for no finite term.
fn log_sum_exp(v: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = v.clone().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + v.map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// Normalised importance weights of every point under the current mixture.
fn weights(
    prior: &Prior,
    points: &[Vec<f64>],
    log_lik: &[f64],
    components: &[Component],
    s: &Settings,
) -> Vec<f64> {
    let n = points.len() as f64;
    let (prior_share, comp_share) = ((s.initial as f64 / n).ln(), (s.per_step as f64 / n).ln());
    let log_w: Vec<f64> = points
        .iter()
        .zip(log_lik)
        .map(|(x, ll)| {
            let lp = prior.log_density(x);
            if lp == f64::NEG_INFINITY || !ll.is_finite() {
                return f64::NEG_INFINITY;
            }
            let terms = std::iter::once(prior_share + lp)
                .chain(components.iter().map(|c| comp_share + c.log_pdf(x)));
            ll + lp - log_sum_exp(terms.collect::<Vec<_>>().into_iter())
        })
        .collect();
    let total = log_sum_exp(log_w.iter().copied());
    log_w.iter().map(|lw| (lw - total).exp()).collect()
}

/// ESS, largest weight and expected distinct points among `resample` draws.
fn diagnostics(w: &[f64], resample: usize, converged: bool) -> Diagnostics {
    let j = resample as f64;
    Diagnostics {
        ess: 1.0 / w.iter().map(|v| v * v).sum::<f64>(),
        max_weight: w.iter().copied().fold(0.0, f64::max),
        expected_unique: w.iter().map(|v| -(j * (-v).ln_1p()).exp_m1()).sum::<f64>(),
        converged,
    }
}

/// The next mixture component: centred on the point of largest weight, with the weighted
/// covariance about it of its `per_step` nearest points.
// Index loops over the lower triangle read best as matrix algebra.
#[allow(clippy::needless_range_loop)]
fn next_component(prior: &Prior, points: &[Vec<f64>], w: &[f64], per_step: usize) -> Component {
    let best = (0..w.len())
        .max_by(|a, b| w[*a].total_cmp(&w[*b]))
        .expect("at least one point");
    let centre = points[best].clone();
    let scales: Vec<f64> = prior.marginals.iter().map(Marginal::scale).collect();
    let distance = |x: &[f64]| -> f64 {
        x.iter()
            .zip(&centre)
            .zip(&scales)
            .map(|((a, b), s)| ((a - b) / s).powi(2))
            .sum()
    };
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|a, b| distance(&points[*a]).total_cmp(&distance(&points[*b])));
    order.truncate(per_step);
    let uniform = 1.0 / points.len() as f64;
    let raw: Vec<f64> = order.iter().map(|i| w[*i] + uniform).collect();
    let total: f64 = raw.iter().sum();
    let v: Vec<f64> = raw.iter().map(|r| r / total).collect();
    let unbias = 1.0 - v.iter().map(|x| x * x).sum::<f64>();
    let d = centre.len();
    let mut cov = vec![vec![0.0; d]; d];
    for (k, i) in order.iter().enumerate() {
        for a in 0..d {
            for b in 0..=a {
                cov[a][b] += v[k] * (points[*i][a] - centre[a]) * (points[*i][b] - centre[b]);
            }
        }
    }
    for a in 0..d {
        for b in 0..=a {
            cov[a][b] /= unbias;
            cov[b][a] = cov[a][b];
        }
    }
    Component::new(centre, regularised_cholesky(cov, &scales))
}

/// Cholesky factor of `cov`, with a growing ridge of the prior's variances until it is
/// positive definite (nearest points that are collinear or repeated).
fn regularised_cholesky(mut cov: Vec<Vec<f64>>, scales: &[f64]) -> Vec<Vec<f64>> {
    let mut ridge = 1e-9;
    loop {
        if let Some(l) = cholesky(&cov) {
            return l;
        }
        for (i, s) in scales.iter().enumerate() {
            cov[i][i] += ridge * s * s;
        }
        ridge *= 10.0;
    }
}

/// Multinomial resampling of `n` indices by weight.
fn resample<R: Rng + ?Sized>(w: &[f64], n: usize, rng: &mut R) -> Vec<usize> {
    let mut cumulative = Vec::with_capacity(w.len());
    let mut acc = 0.0;
    for v in w {
        acc += v;
        cumulative.push(acc);
    }
    (0..n)
        .map(|_| {
            let u = rng.random::<f64>() * acc;
            cumulative.partition_point(|c| *c <= u).min(w.len() - 1)
        })
        .collect()
}

/// Appends the log-likelihood of the points not yet evaluated (−∞ outside the prior's
/// support, without calling `log_lik`), counting the calls.
fn evaluate_new(
    prior: &Prior,
    points: &[Vec<f64>],
    ll: &mut Vec<f64>,
    log_lik: &mut dyn FnMut(usize, &[f64]) -> f64,
    evaluations: &mut usize,
) {
    for (i, x) in points.iter().enumerate().skip(ll.len()) {
        ll.push(if prior.contains(x) {
            *evaluations += 1;
            log_lik(i, x)
        } else {
            f64::NEG_INFINITY
        });
    }
}

/// The weights of the points drawn up to one stage, and their diagnostics.
struct Stage {
    /// Mixture components added before the stage.
    steps: usize,
    weights: Vec<f64>,
    diagnostics: Diagnostics,
}

/// Runs IMIS. `log_lik(i, x)` is the log-likelihood of point `i` (called once per point
/// inside the prior's support, in order); `log` receives a line per stage.
///
/// Stops at the first stage whose expected number of distinct points among the
/// `resample` draws reaches (1 − e⁻¹)·`resample` (Raftery & Bao 2010). If none does within
/// `max_steps`, the sample is taken at the stage with the most expected distinct points
/// (each stage's weights are a valid importance sample of the posterior: its points were
/// drawn from the prior and the components before it, and weighted by that mixture), not
/// at the last: the diagnostics swing from stage to stage when a new component lands on a
/// heavy point, and the step budget should not decide the quality of the sample.
pub fn imis(
    prior: &Prior,
    log_lik: &mut dyn FnMut(usize, &[f64]) -> f64,
    s: &Settings,
    log: &mut dyn FnMut(&str),
) -> Result<Outcome, ImisError> {
    if s.initial < 2 || s.per_step < 2 || s.resample < 1 {
        return Err(ImisError::Sizes);
    }
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(s.seed);
    let mut points: Vec<Vec<f64>> = (0..s.initial).map(|_| prior.sample(&mut rng)).collect();
    let mut ll = Vec::new();
    let mut evaluations = 0;
    evaluate_new(prior, &points, &mut ll, log_lik, &mut evaluations);
    let mut components: Vec<Component> = Vec::new();
    let mut best: Option<Stage> = None;
    loop {
        let w = weights(prior, &points, &ll, &components, s);
        if w.iter().any(|v| !v.is_finite()) {
            return Err(ImisError::NoSupport);
        }
        let target = (1.0 - (-1f64).exp()) * s.resample as f64;
        let d = diagnostics(&w, s.resample, false);
        log(&format!(
            "IMIS stage {}: {} points, ESS {:.1}, largest weight {:.3}, expected distinct in {} {:.1} (stop at {:.1})",
            components.len(),
            points.len(),
            d.ess,
            d.max_weight,
            s.resample,
            d.expected_unique,
            target
        ));
        let converged = d.expected_unique >= target;
        if converged
            || best
                .as_ref()
                .is_none_or(|b| d.expected_unique > b.diagnostics.expected_unique)
        {
            best = Some(Stage {
                steps: components.len(),
                weights: w.clone(),
                diagnostics: d,
            });
        }
        if converged || components.len() >= s.max_steps {
            let Stage {
                steps,
                mut weights,
                diagnostics,
            } = best.expect("a stage was kept");
            if steps < components.len() {
                log(&format!(
                    "IMIS: stopping rule not met in {} steps; the sample is taken at stage {steps}, \
                     the one with the most expected distinct points ({:.1})",
                    components.len(),
                    diagnostics.expected_unique
                ));
            }
            // Points drawn after the kept stage carry no weight in it.
            weights.resize(points.len(), 0.0);
            let sample = resample(&weights, s.resample, &mut rng);
            return Ok(Outcome {
                points,
                log_likelihood: ll,
                diagnostics: Diagnostics {
                    converged,
                    ..diagnostics
                },
                weights,
                sample,
                steps,
                evaluations,
            });
        }
        let c = next_component(prior, &points, &w, s.per_step);
        points.extend((0..s.per_step).map(|_| c.sample(&mut rng)));
        components.push(c);
        evaluate_new(prior, &points, &mut ll, log_lik, &mut evaluations);
    }
}

/// Weighted mean and SD of coordinate `k` of the points.
pub fn weighted_moments(points: &[Vec<f64>], w: &[f64], k: usize) -> (f64, f64) {
    let mean: f64 = points.iter().zip(w).map(|(x, w)| w * x[k]).sum();
    let var: f64 = points
        .iter()
        .zip(w)
        .map(|(x, w)| w * (x[k] - mean).powi(2))
        .sum();
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(initial: usize, seed: u64) -> Settings {
        Settings {
            initial,
            per_step: 100,
            max_steps: 40,
            resample: 500,
            seed,
        }
    }

    /// The prior marginal of the Gaussian tests: N(0, 3²), unbounded.
    fn wide_normal() -> Marginal {
        Marginal::Normal {
            mean: 0.0,
            sd: 3.0,
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
        }
    }

    /// Gaussian likelihood of independent coordinates.
    fn gaussian(mu: &'static [f64], sd: &'static [f64]) -> impl FnMut(usize, &[f64]) -> f64 {
        move |_, x| {
            x.iter()
                .zip(mu)
                .zip(sd)
                .map(|((x, m), s)| -0.5 * ((x - m) / s).powi(2))
                .sum()
        }
    }

    #[test]
    fn recovers_a_conjugate_gaussian_posterior() {
        // Prior N(0, 3²) per coordinate, likelihood N(μ, s²): the posterior is normal with
        // precision 1/9 + 1/s² and mean (μ/s²) / precision.
        let normal = wide_normal();
        let prior = Prior {
            marginals: vec![normal, normal],
        };
        let (mu, sd) = (&[1.0, -2.0][..], &[0.3, 0.5][..]);
        let mut ll = gaussian(mu, sd);
        let out = imis(&prior, &mut ll, &settings(1000, 7), &mut |_| {}).unwrap();
        assert!(out.diagnostics.converged, "{:?}", out.diagnostics);
        assert!(
            out.steps > 0,
            "the prior alone is too wide for this posterior"
        );
        for k in 0..2 {
            let precision = 1.0 / 9.0 + 1.0 / (sd[k] * sd[k]);
            let (m_true, sd_true) = (mu[k] / (sd[k] * sd[k]) / precision, precision.powf(-0.5));
            let (m, s) = weighted_moments(&out.points, &out.weights, k);
            // Monte Carlo error of a weighted mean: sd / √ESS; 4 of them.
            let tol = 4.0 * sd_true / out.diagnostics.ess.sqrt();
            assert!(
                (m - m_true).abs() < tol,
                "coordinate {k}: mean {m} vs {m_true} (± {tol})"
            );
            assert!(
                (s / sd_true - 1.0).abs() < 0.1,
                "coordinate {k}: sd {s} vs {sd_true}"
            );
        }
        // Reproducible from its seed.
        let again = imis(
            &prior,
            &mut gaussian(mu, sd),
            &settings(1000, 7),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(out, again);
    }

    /// Without convergence in the step budget, the sample comes from the stage with the
    /// most expected distinct points, and points drawn after it weigh nothing.
    #[test]
    fn an_unconverged_run_keeps_its_best_stage() {
        let normal = wide_normal();
        let prior = Prior {
            marginals: vec![normal, normal, normal],
        };
        // A narrow posterior and a short budget: the rule cannot be met, and with this seed
        // the expected distinct points fall over the last two stages (18: 106.2, 19: 99.0,
        // 20: 90.2).
        let (mu, sd) = (&[1.0, -2.0, 0.5][..], &[0.05, 0.05, 0.05][..]);
        let s = Settings {
            initial: 200,
            per_step: 10,
            max_steps: 20,
            resample: 500,
            seed: 8,
        };
        let mut stages = Vec::new();
        let out = imis(&prior, &mut gaussian(mu, sd), &s, &mut |line| {
            if let Some(rest) = line.split("expected distinct in 500 ").nth(1) {
                stages.push(rest.split(' ').next().unwrap().parse::<f64>().unwrap());
            }
        })
        .unwrap();
        assert!(!out.diagnostics.converged);
        assert_eq!(stages.len(), 21, "stages 0..=20 logged");
        let best = stages.iter().cloned().fold(f64::MIN, f64::max);
        assert!(
            (out.diagnostics.expected_unique - best).abs() < 0.051,
            "{:?} vs {stages:?}",
            out.diagnostics
        );
        assert!(
            (stages[out.steps] - best).abs() < 1e-9,
            "kept stage {}",
            out.steps
        );
        assert!(
            out.steps < 20,
            "this seed's best stage is not its last: {stages:?}"
        );
        let kept = s.initial + out.steps * s.per_step;
        assert_eq!(out.weights.len(), out.points.len());
        assert!(out.weights[kept..].iter().all(|&w| w == 0.0));
        assert!((out.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(out.sample.iter().all(|&i| i < kept));
    }

    #[test]
    fn respects_a_bounded_prior_and_never_evaluates_outside_it() {
        // Uniform(0, 1) prior, likelihood N(0.9, 0.1²): a normal truncated at 1, mean
        // 0.9 − 0.1 φ(1)/Φ(1) = 0.87124.
        let prior = Prior {
            marginals: vec![Marginal::Uniform { lo: 0.0, hi: 1.0 }],
        };
        let mut outside = 0;
        let mut ll = |_: usize, x: &[f64]| {
            if !(0.0..=1.0).contains(&x[0]) {
                outside += 1;
            }
            -0.5 * ((x[0] - 0.9) / 0.1).powi(2)
        };
        let out = imis(&prior, &mut ll, &settings(300, 3), &mut |_| {}).unwrap();
        assert_eq!(outside, 0);
        let (m, _) = weighted_moments(&out.points, &out.weights, 0);
        let tol = 4.0 * 0.08 / out.diagnostics.ess.sqrt();
        assert!((m - 0.87124).abs() < tol, "mean {m} ± {tol}");
        assert!(out
            .sample
            .iter()
            .all(|i| (0.0..=1.0).contains(&out.points[*i][0])));
        assert!(out.evaluations < out.points.len() || out.steps == 0);
    }

    #[test]
    fn refuses_empty_sizes_and_a_likelihood_that_is_zero_everywhere() {
        let prior = Prior {
            marginals: vec![Marginal::Uniform { lo: 0.0, hi: 1.0 }],
        };
        let bad = Settings {
            initial: 0,
            ..settings(10, 1)
        };
        assert_eq!(
            imis(&prior, &mut |_, _| 0.0, &bad, &mut |_| {}),
            Err(ImisError::Sizes)
        );
        assert_eq!(
            imis(
                &prior,
                &mut |_, _| f64::NEG_INFINITY,
                &settings(10, 1),
                &mut |_| {}
            ),
            Err(ImisError::NoSupport)
        );
    }

    #[test]
    fn table_priors_match_the_table() {
        let spec = crate::params::spec("hospital.recovery_fraction").unwrap();
        let m = Marginal::from_spec(spec).unwrap();
        assert_eq!(m, Marginal::Uniform { lo: 0.5, hi: 1.0 });
        assert!(m.contains(1.0) && !m.contains(1.01));
        let fixed = crate::params::spec("muscle.basal_turnover_per_day").unwrap();
        assert_eq!(Marginal::from_spec(fixed), None);
    }
}
