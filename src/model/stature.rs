//! Stature: the adult height each birth cohort reached, and the height everyone loses
//! with age.
//!
//! Older persons are shorter for two reasons (Hum Biol 61(3), 1989 (year P): about 60 % of the gap
//! in men and 45 % in women is the birth cohort, the rest shrinking): earlier cohorts grew less
//! (secular trend), and adults lose height from about 30, faster with age and more in
//! women (Sorkin 1999). ALM/height² divides by the *current* height, so shrinking raises it
//! for the same ALM; cross-sectional ALM comparisons carry the cohorts' heights.

use super::life_table::MAX_AGE;
use crate::params::Params;

/// Age whose cohort's mean adult height is `population.height_mean_m/f`.
pub const REFERENCE_AGE: f64 = 30.0;

/// Cells per year of the table of height lost (a month: the loss moves by less than
/// 0.05 cm within a cell).
const CELLS_PER_YEAR: f64 = 12.0;
const CELLS: usize = (MAX_AGE + 1) * CELLS_PER_YEAR as usize;

/// Height lost since the peak by age, m: `c·(age − onset)^k` per sex, through the two
/// cumulative losses Sorkin gives (from `onset` to 70 and to 80), tabulated by month of
/// age (the step reads it for every person: one load, no `powf`).
#[derive(Clone, Debug, PartialEq)]
pub struct Shrinking {
    table: [[f64; CELLS]; 2],
}

impl Shrinking {
    pub fn new(p: &Params) -> Self {
        let curve = |at70: f64, at80: f64| {
            let (t70, t80) = (70.0 - p.height_loss_onset, 80.0 - p.height_loss_onset);
            let k = (at80 / at70).ln() / (t80 / t70).ln();
            let c = at70 / t70.powf(k);
            move |age: f64| {
                let t = (age - p.height_loss_onset).max(0.0);
                c * t.powf(k)
            }
        };
        let men = curve(p.height_loss_70_m, p.height_loss_80_m);
        let women = curve(p.height_loss_70_f, p.height_loss_80_f);
        let at = |i: usize| (i as f64 + 0.5) / CELLS_PER_YEAR;
        Self {
            table: [
                std::array::from_fn(|i| men(at(i))),
                std::array::from_fn(|i| women(at(i))),
            ],
        }
    }

    /// Height lost since the peak at this age, m (the value at the middle of the month of
    /// age; the last month of [`MAX_AGE`] beyond it).
    #[inline]
    pub fn loss(&self, age: f64, female: bool) -> f64 {
        // Via i32: a float→usize cast is a dozen instructions on x86-64, and ages fit.
        let i = ((age * CELLS_PER_YEAR) as i32).clamp(0, CELLS as i32 - 1) as usize;
        self.table[usize::from(female)][i]
    }
}

/// Mean adult (peak) height of the cohort aged `age` at the start of a run, m.
#[inline]
pub fn mean_peak(age: f64, female: bool, p: &Params) -> f64 {
    let young = if female {
        p.height_mean_f
    } else {
        p.height_mean_m
    };
    young - p.height_secular_per_decade * (age - REFERENCE_AGE) / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinking_passes_through_sorkins_points_and_accelerates() {
        let p = Params::central();
        let s = Shrinking::new(&p);
        for (female, at70, at80) in [(false, 0.03, 0.05), (true, 0.05, 0.08)] {
            assert!((s.loss(70.0, female) - at70).abs() < 5e-4);
            assert!((s.loss(80.0, female) - at80).abs() < 5e-4);
            assert_eq!(s.loss(25.0, female), 0.0);
            let rate = |a: f64| s.loss(a + 1.0, female) - s.loss(a, female);
            assert!(rate(85.0) > rate(75.0) && rate(75.0) > rate(50.0));
        }
        assert!(s.loss(75.0, true) > s.loss(75.0, false), "women lose more");
    }

    #[test]
    fn earlier_cohorts_are_shorter() {
        let p = Params::central();
        assert_eq!(mean_peak(REFERENCE_AGE, false, &p), p.height_mean_m);
        let gap = mean_peak(30.0, true, &p) - mean_peak(80.0, true, &p);
        assert!((gap - 5.0 * p.height_secular_per_decade).abs() < 1e-12);
    }
}
