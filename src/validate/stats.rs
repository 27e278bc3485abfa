//! Monte Carlo intervals by batch means, and the verdict rule.
//!
//! A statistic is computed on the whole simulated population and on `BATCHES` disjoint
//! batches of persons (person index mod `BATCHES`); the standard error is the batches' SD /
//! √k over the k batches with a finite value, and the 95 % Monte Carlo interval is
//! ± t(0.975, k − 1) standard errors (2.262 for 10 batches: with so few batches the normal
//! 1.96 is too narrow).
//!
//! Verdict rule (stated once, applied to every target): with `h` the Monte Carlo
//! half-width and `w` half the width of the accepted interval, a target is
//! **inconclusive** when `h > INCONCLUSIVE_SHARE · w` (the simulation is too small to
//! judge it: Monte Carlo error alone could move it across half the accepted interval);
//! otherwise it **passes** when the simulated value lies in the accepted interval widened
//! by `h`, and **fails** when it does not.

use serde::Serialize;

pub const BATCHES: usize = 10;

/// The largest Monte Carlo half-width a verdict accepts, as a share of half the accepted
/// interval's width.
pub const INCONCLUSIVE_SHARE: f64 = 0.5;

/// The rule of [`Verdict`], in words (printed with every report).
pub const VERDICT_RULE: &str =
    "Monte Carlo interval: ± t(0.975, batches − 1) batch-means SEs (2.262 for 10 batches); \
inconclusive when that half-width exceeds 0.5 × half the accepted interval; \
else pass when the simulated value lies in the accepted interval widened by the half-width";

/// t quantiles (97.5 %) for 1..=9 degrees of freedom.
const T975: [f64; 9] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
];

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (df ≥ 1; the normal
/// 1.96 beyond the table, which only holds up to 9).
pub fn t975(df: usize) -> f64 {
    match df {
        0 => f64::NAN,
        d if d <= T975.len() => T975[d - 1],
        _ => 1.96,
    }
}

/// A simulated figure with its Monte Carlo standard error and the batches behind it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
    /// Batches with a finite value (the SE has `batches − 1` degrees of freedom).
    pub batches: usize,
}

impl Estimate {
    /// Half-width of the 95 % Monte Carlo interval (NaN when it cannot be estimated).
    pub fn half_width(&self) -> f64 {
        if self.batches < 2 {
            f64::NAN
        } else {
            t975(self.batches - 1) * self.se
        }
    }
    pub fn lo(&self) -> f64 {
        self.value - self.half_width()
    }
    pub fn hi(&self) -> f64 {
        self.value + self.half_width()
    }
}

/// How a target is judged (see the module documentation for the rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Inconclusive,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Inconclusive => "INCONCLUSIVE",
        }
    }
}

/// The interval a simulated figure must fall in (`accept` widened by the Monte Carlo
/// half-width) and the verdict.
pub fn judge(accept: (f64, f64), e: &Estimate) -> ((f64, f64), Verdict) {
    let h = e.half_width();
    let w = (accept.1 - accept.0) / 2.0;
    let widen = if h.is_finite() { h } else { 0.0 };
    let tolerance = (accept.0 - widen, accept.1 + widen);
    let verdict = if !e.value.is_finite() {
        Verdict::Fail
    } else if !h.is_finite() || h > INCONCLUSIVE_SHARE * w {
        Verdict::Inconclusive
    } else if e.value >= tolerance.0 && e.value <= tolerance.1 {
        Verdict::Pass
    } else {
        Verdict::Fail
    };
    (tolerance, verdict)
}

/// `f` on all `n` persons and on each batch.
pub fn estimate(n: usize, f: impl Fn(&mut dyn Iterator<Item = usize>) -> f64) -> Estimate {
    let value = f(&mut (0..n));
    let batch: Vec<f64> = (0..BATCHES)
        .map(|b| f(&mut (b..n).step_by(BATCHES)))
        .filter(|v| v.is_finite())
        .collect();
    let k = batch.len() as f64;
    let se = if batch.len() < 2 {
        f64::NAN
    } else {
        let m = batch.iter().sum::<f64>() / k;
        (batch.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (k - 1.0)).sqrt() / k.sqrt()
    };
    Estimate {
        value,
        se,
        batches: batch.len(),
    }
}

pub fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 {
        f64::NAN
    } else {
        s / n as f64
    }
}

/// The `q` quantile (linear interpolation) of the values.
pub fn quantile(v: impl Iterator<Item = f64>, q: f64) -> f64 {
    let mut v: Vec<f64> = v.collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    if i + 1 < v.len() {
        v[i] * (1.0 - frac) + v[i + 1] * frac
    } else {
        v[i]
    }
}

/// Sample standard deviation; NaN below two values.
pub fn sd(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    if v.len() < 2 {
        return f64::NAN;
    }
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Pearson correlation of the pairs; NaN below three.
pub fn correlation(v: impl Iterator<Item = (f64, f64)>) -> f64 {
    let v: Vec<(f64, f64)> = v.collect();
    if v.len() < 3 {
        return f64::NAN;
    }
    let n = v.len() as f64;
    let (mx, my) = v
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (sxy, sxx, syy) = v.iter().fold((0.0, 0.0, 0.0), |(a, b, c), (x, y)| {
        let (dx, dy) = (x - mx, y - my);
        (a + dx * dy, b + dx * dx, c + dy * dy)
    });
    sxy / (sxx * syy).sqrt()
}

/// Percentage of `true` among the values.
pub fn percent(v: impl Iterator<Item = bool>) -> f64 {
    100.0 * mean(v.map(f64::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_batches() {
        assert_eq!(quantile([3.0, 1.0, 2.0].into_iter(), 0.5), 2.0);
        assert_eq!(quantile([1.0, 2.0].into_iter(), 0.5), 1.5);
        let e = estimate(1000, |it| mean(it.map(|i| (i % 7) as f64)));
        assert!((e.value - 3.0).abs() < 0.01 && e.se < 0.2);
        assert_eq!(e.batches, BATCHES);
    }

    #[test]
    fn the_interval_uses_t_with_batches_minus_one_degrees_of_freedom() {
        let e = Estimate {
            value: 10.0,
            se: 1.0,
            batches: 10,
        };
        assert!((e.half_width() - 2.262).abs() < 1e-12);
        assert!((e.lo() - 7.738).abs() < 1e-12 && (e.hi() - 12.262).abs() < 1e-12);
        let few = Estimate { batches: 4, ..e };
        assert!((few.half_width() - 3.182).abs() < 1e-12, "3 df");
        assert!(Estimate { batches: 1, ..e }.half_width().is_nan());
        assert_eq!(t975(9), 2.262);
    }

    #[test]
    fn verdicts_follow_the_stated_rule() {
        let at = |value: f64, se: f64| Estimate {
            value,
            se,
            batches: 10,
        };
        // Accepted interval [0, 10]: half-width 5, so the MC half-width may reach 2.5.
        let accept = (0.0, 10.0);
        assert_eq!(judge(accept, &at(5.0, 0.1)).1, Verdict::Pass);
        assert_eq!(
            judge(accept, &at(10.2, 0.1)).1,
            Verdict::Pass,
            "widened by h"
        );
        assert_eq!(judge(accept, &at(10.3, 0.1)).1, Verdict::Fail);
        assert_eq!(judge(accept, &at(-3.0, 0.5)).1, Verdict::Fail);
        // h = 2.262 × 1.2 = 2.71 > 2.5: too noisy to judge, even in the middle.
        assert_eq!(judge(accept, &at(5.0, 1.2)).1, Verdict::Inconclusive);
        assert_eq!(judge(accept, &at(5.0, 1.1)).1, Verdict::Pass);
        assert_eq!(judge(accept, &at(f64::NAN, 0.1)).1, Verdict::Fail);
        let (tol, _) = judge(accept, &at(5.0, 1.0));
        assert!((tol.0 + 2.262).abs() < 1e-12 && (tol.1 - 12.262).abs() < 1e-12);
    }

    #[test]
    fn correlation_is_pearson_s() {
        let exact = [(1.0, 2.0), (2.0, 4.0), (3.0, 6.5)];
        assert!((correlation(exact.into_iter()) - 0.9986).abs() < 1e-3);
        let opposite = [(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)];
        assert!((correlation(opposite.into_iter()) + 1.0).abs() < 1e-12);
        assert!(correlation([(1.0, 1.0)].into_iter()).is_nan());
    }
}
