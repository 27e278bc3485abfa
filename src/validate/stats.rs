//! Monte Carlo intervals by batch means: a statistic is computed on the whole simulated
//! population and on `BATCHES` disjoint batches of persons (person index mod `BATCHES`);
//! the standard error is the batches' SD / √BATCHES.

pub const BATCHES: usize = 10;

/// A simulated figure with its Monte Carlo standard error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
}

impl Estimate {
    pub fn lo(&self) -> f64 {
        self.value - 1.96 * self.se
    }
    pub fn hi(&self) -> f64 {
        self.value + 1.96 * self.se
    }
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
    Estimate { value, se }
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
    }
}
