//! Muscle protein balance: synthesis (MPS) and breakdown (MPB) as fractional rates, each
//! the basal turnover times its modifiers; their difference moves ALM.
//!
//! Basal turnover is ≈1.8 %/day (Symons 2011) while net loss is ≈1 %/yr, so every
//! modifier is a small shift of one rate; the shifts are set from observed trajectories.
//!
//! Homeostasis: without an anabolic stimulus (training acts through its own adaptation,
//! hormone therapies through `therapy`) the habitual balance cannot build muscle: its net
//! is at most 0. Adults keep their muscle mass and grip on a plateau to midlife (Janssen
//! 2000 J Appl Physiol 89:81; Dodds 2014 PLoS One 9:e113637: peak grip held from about 30
//! to 40), whatever their habitual protein; protein above the reference only slows a loss.

use super::{hormones, illness, nutrition, Modifiers, Person};
use crate::params::Params;
use crate::time::DAYS_PER_YEAR;

/// Synthesis and breakdown outside bed, per year, and the anabolic drive of a hormone
/// therapy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rates {
    pub mps: f64,
    pub mpb: f64,
    /// Net synthesis added by a hormone therapy (`Modifiers::hormone_anabolic`), 1/yr.
    pub therapy: f64,
}

impl Rates {
    /// Net balance: the habitual balance capped at 0 (homeostasis, module docs) plus the
    /// therapy's drive.
    pub fn net(&self) -> f64 {
        (self.mps - self.mpb).min(0.0) + self.therapy
    }
}

/// Shape of an age-related rate: 0 before onset, 1 at 75, `x^γ` in between, with
/// `x = (age − onset) / (75 − onset)` (γ = 1: a linear rise; < 1: a rise that slows; > 1: one
/// that speeds up). Muscle mass (one γ per sex, `muscle.age_loss_shape_m/_f`) and muscle
/// quality (`quality.age_loss_shape`) have their own shapes: the loss of ALM is held to
/// longitudinal DXA, the loss of grip per kg ALM to grip, and neither can buy the other.
///
/// After 75 the quality shape goes on rising as `x^γ` (grip falls faster in the oldest:
/// Dodds 2014, Granic 2016), while the mass shape stays level: DXA ALM of Health ABC's
/// 70-79-year-olds fell linearly over 9 years (Westbury 2020, Calcif Tissue Int 106:616, V),
/// a yearly loss in kg that does not speed up past the mid-70s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub onset: f64,
    pub gamma: f64,
    /// Level (1) from 75 on instead of rising as `x^γ`.
    pub level_after_75: bool,
}

impl Shape {
    /// The shape of the age-related loss of muscle mass of one sex.
    pub fn mass(p: &Params, female: bool) -> Self {
        Self {
            onset: p.age_loss_onset,
            gamma: if female {
                p.age_loss_shape_f
            } else {
                p.age_loss_shape_m
            },
            level_after_75: true,
        }
    }

    /// The shape of the age-related loss of muscle quality (grip per kg ALM).
    pub fn quality(p: &Params) -> Self {
        Self {
            onset: p.age_loss_onset,
            gamma: p.quality_loss_shape,
            level_after_75: false,
        }
    }

    /// The shape at `age`.
    #[inline]
    pub fn at(&self, age: f64) -> f64 {
        let x = ((age - self.onset) / (75.0 - self.onset)).max(0.0);
        if x == 0.0 {
            0.0
        } else if x >= 1.0 && self.level_after_75 {
            1.0
        } else {
            x.powf(self.gamma)
        }
    }

    /// Integral of the shape from onset to `age`, years.
    #[inline]
    pub fn cumulative(&self, age: f64) -> f64 {
        let span = 75.0 - self.onset;
        let x = ((age - self.onset) / span).max(0.0);
        if x > 1.0 && self.level_after_75 {
            span / (self.gamma + 1.0) + span * (x - 1.0)
        } else {
            span * x.powf(self.gamma + 1.0) / (self.gamma + 1.0)
        }
    }
}

/// The shape of the age-related loss of muscle mass at `age` ([`Shape::mass`]).
#[inline]
pub fn age_shape(age: f64, female: bool, p: &Params) -> f64 {
    Shape::mass(p, female).at(age)
}

/// A [`Shape`] tabulated by month of age, read by cubic Hermite interpolation (the
/// value and the derivative at every month): one table read instead of a `powf` per step.
///
/// Accuracy: the interpolation error is at most `h⁴/384 · max|f''''|` with `h` a month;
/// for `f = x^γ` that is `h⁴/384 · |γ(γ−1)(γ−2)(γ−3)| / d⁴` relative to `f`, `d` the years
/// since onset, below 10⁻¹⁰ from [`AgeShape::EXACT_YEARS`] after onset on (the test
/// `the_table_is_within_1e-10_of_powf` checks it for several `γ`); closer to the onset,
/// where the derivatives grow without bound, and beyond the table the exact `powf` is
/// used. An error of 10⁻¹⁰ of a rate of ≈ 1 %/yr moves ALM by less than 10⁻¹¹ over a life.
/// A shape level after 75 has cells of 1 from the month of 75 on (75 falls on a month
/// boundary when the onset is a whole number of months).
#[derive(Clone, Debug)]
pub struct AgeShape {
    /// First age of the table.
    from: f64,
    /// Per month from `from`: the cubic `c₀ + s·(c₁ + s·(c₂ + s·c₃))` in the month's
    /// fraction `s`.
    cells: Vec<[f64; 4]>,
    shape: Shape,
}

impl AgeShape {
    /// Years after onset below which the exact `powf` is used.
    pub const EXACT_YEARS: f64 = 8.0;
    const PER_YEAR: f64 = 12.0;
    const LAST_AGE: f64 = 130.0;

    pub fn new(shape: Shape) -> Self {
        let (from, cells) = Self::cubics(shape);
        Self { from, cells, shape }
    }

    /// The table's first age and its cubics by month.
    pub fn cubics(shape: Shape) -> (f64, Vec<[f64; 4]>) {
        let Shape { onset, gamma, .. } = shape;
        let from = onset + Self::EXACT_YEARS;
        let h = 1.0 / Self::PER_YEAR;
        let span = 75.0 - onset;
        let f = |a: f64| shape.at(a);
        // d/da of ((a − onset)/span)^γ, times the cell width (left of 75 when level after).
        let hdf = |a: f64| h * gamma / span * ((a - onset) / span).powf(gamma - 1.0);
        let level_from = if shape.level_after_75 {
            75.0 - 1e-9
        } else {
            f64::INFINITY
        };
        let n = ((Self::LAST_AGE - from) * Self::PER_YEAR).max(0.0) as usize;
        let cells = (0..n)
            .map(|i| {
                let (a0, a1) = (from + i as f64 * h, from + (i + 1) as f64 * h);
                if a0 >= level_from {
                    return [1.0, 0.0, 0.0, 0.0];
                }
                let (f0, f1, d0, d1) = (f(a0), f(a1), hdf(a0), hdf(a1));
                [
                    f0,
                    d0,
                    3.0 * (f1 - f0) - 2.0 * d0 - d1,
                    2.0 * (f0 - f1) + d0 + d1,
                ]
            })
            .collect();
        (from, cells)
    }

    /// `shape.at(age)` for the shape of [`AgeShape::new`].
    #[inline]
    pub fn at(&self, age: f64) -> f64 {
        let t = (age - self.from) * Self::PER_YEAR;
        if t >= 0.0 && t < self.cells.len() as f64 {
            let i = t as i32 as usize; // 0 ≤ t < len: exact, and cheaper than `as usize`
            let s = t - i as f64;
            let [c0, c1, c2, c3] = self.cells[i];
            c0 + s * (c1 + s * (c2 + s * c3))
        } else {
            self.exactly(age)
        }
    }

    /// The shape by `powf`, out of line (near the onset and beyond the table).
    #[cold]
    #[inline(never)]
    fn exactly(&self, age: f64) -> f64 {
        self.shape.at(age)
    }
}

/// `e^x`, by its Taylor polynomial of degree 6 for `|x| ≤ 2⁻⁶` (the monthly changes of
/// log-ALM and log-quality out of bed) and by `f64::exp` otherwise.
///
/// Accuracy for `|x| ≤ 2⁻⁶`: the truncation error is below `|x|⁷/7!·e^|x| < 4.6·10⁻¹⁷`,
/// and Horner's rule adds a few rounding errors of 2⁻⁵³ each, so the relative error is
/// below 10⁻¹⁵ (the test `exp_near_zero_is_within_1e-15_of_exp` checks it against
/// `f64::exp` on the whole range).
#[inline(always)]
pub fn exp_near_zero(x: f64) -> f64 {
    const LIMIT: f64 = 1.0 / 64.0;
    if (-LIMIT..=LIMIT).contains(&x) {
        1.0 + x
            * (1.0
                + x * (1.0 / 2.0
                    + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0))))))
    } else {
        x.exp()
    }
}

/// The age-related excess of breakdown, 1/yr: zero until onset, then `at75 · shape(age)`.
#[inline]
pub fn age_loss(age: f64, female: bool, p: &Params) -> f64 {
    let at75 = if female {
        p.age_loss_75_f
    } else {
        p.age_loss_75_m
    };
    at75 * age_shape(age, female, p)
}

/// The yearly fall of muscle quality (grip per kg ALM) with age, its own shape.
#[inline]
pub fn quality_loss(age: f64, female: bool, p: &Params) -> f64 {
    let at75 = if female {
        p.quality_loss_75_f
    } else {
        p.quality_loss_75_m
    };
    at75 * Shape::quality(p).at(age)
}

/// Rates out of bed for this person with these modifiers.
#[inline]
pub fn rates(person: &Person, m: &Modifiers, p: &Params) -> Rates {
    rates_with_shape(person, m, p, age_shape(person.age, person.female, p))
}

/// [`rates`] given `shape = age_shape(person.age, person.female, p)` (the step reads it
/// from its table).
#[inline]
pub fn rates_with_shape(person: &Person, m: &Modifiers, p: &Params, shape: f64) -> Rates {
    let at75 = if person.female {
        p.age_loss_75_f
    } else {
        p.age_loss_75_m
    };
    let k0 = p.basal_turnover * DAYS_PER_YEAR;
    let intake = nutrition::effective_intake(person.protein, m);
    let anabolic = hormones::synthesis_term(person, p);
    // = age_loss(person.age, person.female, p) · (1 − protein's relief) + …
    let relief = nutrition::relief(intake, person.age, p);
    let catabolic = at75 * shape * (1.0 - relief) + illness::breakdown_term(person.conditions, p);
    Rates {
        mps: k0 + anabolic,
        mpb: k0 + catabolic,
        therapy: m.hormone_anabolic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn habitual_balance_never_builds_muscle_but_a_therapy_does() {
        let p = Params::central();
        let r = Rates {
            mps: 1.0,
            mpb: 0.9,
            therapy: 0.0,
        };
        assert_eq!(
            r.net(),
            0.0,
            "protein above the reference does not grow muscle"
        );
        assert!((Rates { mpb: 1.1, ..r }.net() + 0.1).abs() < 1e-12);
        assert!((Rates { therapy: 0.02, ..r }.net() - 0.02).abs() < 1e-12);
        let _ = p;
    }

    #[test]
    fn the_table_is_within_1e_10_of_powf() {
        for level_after_75 in [false, true] {
            for gamma in [0.2, 0.4575, 0.8, 1.0, 1.7, 3.0] {
                let shape = Shape {
                    onset: 45.0,
                    gamma,
                    level_after_75,
                };
                let table = AgeShape::new(shape);
                let mut worst: f64 = 0.0;
                for i in 0..200_000 {
                    let age = 20.0 + i as f64 * 0.000_6;
                    let (t, e) = (table.at(age), shape.at(age));
                    if e == 0.0 {
                        assert_eq!(t, 0.0, "{age}");
                    } else {
                        worst = worst.max((t - e).abs() / e);
                    }
                }
                assert!(worst < 1e-10, "γ {gamma}: relative error {worst:e}");
                assert_eq!(table.at(140.0), shape.at(140.0));
                let at_90 = if level_after_75 {
                    1.0
                } else {
                    1.5f64.powf(gamma)
                };
                assert!((shape.at(90.0) - at_90).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn the_cumulative_shape_is_the_integral_of_the_shape() {
        for level_after_75 in [false, true] {
            let shape = Shape {
                onset: 45.0,
                gamma: 1.3,
                level_after_75,
            };
            let (mut sum, h) = (0.0, 1e-3);
            for i in 0..50_000 {
                let a = 45.0 + (i as f64 + 0.5) * h;
                sum += shape.at(a) * h;
                if (i + 1) % 5_000 == 0 {
                    let age = 45.0 + (i + 1) as f64 * h;
                    assert!((shape.cumulative(age) - sum).abs() < 1e-6, "{age}");
                }
            }
        }
    }

    #[test]
    fn exp_near_zero_is_within_1e_15_of_exp() {
        let mut worst: f64 = 0.0;
        for i in -1_000_000..=1_000_000 {
            let x = f64::from(i) / 1_000_000.0 / 64.0;
            let (fast, exact) = (exp_near_zero(x), x.exp());
            worst = worst.max((fast - exact).abs() / exact);
        }
        assert!(worst < 1e-15, "relative error {worst:e}");
        for x in [0.5, -3.0, 1.0 / 63.0, -1.0 / 63.0, 0.0] {
            assert!((exp_near_zero(x) - x.exp()).abs() <= 1e-15 * x.exp(), "{x}");
        }
    }

    #[test]
    fn no_age_loss_before_onset_more_after_and_level_from_75() {
        let p = Params::central();
        assert_eq!(age_loss(40.0, false, &p), 0.0);
        assert!(age_loss(65.0, false, &p) > age_loss(55.0, false, &p));
        assert!(age_loss(75.0, false, &p) > age_loss(65.0, false, &p));
        assert_eq!(age_loss(85.0, false, &p), age_loss(75.0, false, &p));
        assert!(quality_loss(85.0, false, &p) > quality_loss(75.0, false, &p));
        assert!(
            age_loss(75.0, true, &p) < age_loss(75.0, false, &p),
            "women lose more slowly"
        );
    }
}
