//! Cheap upper bounds of the smooth factors inside event hazards (age gradients, the
//! muscle factor of diabetes, the grip hazard ratio), tabulated per model.
//!
//! Most of a step's random decisions are "no event" by a wide margin: with a hazard
//! bound `x̄ ≥ x`, a uniform `u ≥ x̄ + ε` already decides `u ≥ 1 − e^(−x)` without the
//! `exp`/`powf` that `x` itself needs. Only the rare uniforms near the threshold take the
//! exact path, which is the original arithmetic, so every outcome is unchanged.

/// Relative slack of every tabulated bound: covers rounding of the grid and of `f`.
const SLACK: f64 = 1.0 + 1e-9;

/// An upper bound of a monotone function on `[lo, hi]`, one value per grid cell.
#[derive(Clone, Debug)]
pub struct UpperBound {
    lo: f64,
    inv_step: f64,
    cells: Vec<f64>,
}

impl UpperBound {
    /// Tabulates `f` (monotone, in either direction) on `cells` equal cells of `[lo, hi]`.
    pub fn new(lo: f64, hi: f64, cells: usize, f: impl Fn(f64) -> f64) -> Self {
        let step = (hi - lo) / cells as f64;
        let at = |j: usize| f(lo + step * j as f64);
        let cells = (0..cells)
            .map(|j| {
                let b = at(j).max(at(j + 1)) * SLACK;
                if b.is_nan() {
                    f64::INFINITY
                } else {
                    b
                }
            })
            .collect();
        Self {
            lo,
            inv_step: 1.0 / step,
            cells,
        }
    }

    /// A value ≥ `f(x)`; infinity outside the table (or for NaN).
    #[inline(always)]
    pub fn upper(&self, x: f64) -> f64 {
        let t = (x - self.lo) * self.inv_step;
        if t >= 0.0 && t < self.cells.len() as f64 {
            self.cells[t as i32 as usize] // 0 ≤ t < len: exact, and cheaper than `as usize`
        } else {
            f64::INFINITY
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_hold_everywhere_in_either_direction() {
        let up = UpperBound::new(0.0, 130.0, 520, |a| (0.07 * (a - 60.0)).exp());
        let down = UpperBound::new(0.05, 4.0, 512, |r: f64| r.powf(-1.2));
        for i in 0..100_000 {
            let a = i as f64 * 0.0013;
            assert!(up.upper(a) >= (0.07 * (a - 60.0)).exp());
            let r = 0.05 + i as f64 * 3.9e-5;
            assert!(down.upper(r) >= r.powf(-1.2), "{r}");
        }
        assert_eq!(up.upper(-1.0), f64::INFINITY);
        assert_eq!(up.upper(f64::NAN), f64::INFINITY);
        assert_eq!(up.upper(131.0), f64::INFINITY);
    }
}
