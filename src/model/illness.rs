//! Chronic conditions: incidence rising with age (diabetes also with low muscle), and the
//! extra muscle breakdown each brings.

use super::bounds::UpperBound;
use super::Person;
use crate::params::Params;
use crate::rng::{self, Clock};

/// Yearly incidence of condition `c` for this person.
#[inline]
pub fn incidence(person: &Person, c: usize, almi_reference: f64, p: &Params) -> f64 {
    let mut h = p.condition_incidence()[c] * (p.incidence_age_slope * (person.age - 60.0)).exp();
    if c == 0 {
        // Less muscle, more insulin resistance (Srikanthan 2011).
        h *= (person.alm_index() / almi_reference).powf(-p.diabetes_muscle_elasticity);
    }
    h
}

/// New conditions this step, each condition absent so far decided by its exponential
/// clock: the clock runs on the tabulated bound of the condition's `incidence·dt` and
/// computes the exact incidence only for a candidate onset ([`rng::Clock`]). The same
/// distribution of onsets as [`onset`]'s per-step draw.
///
/// Every clock is ticked, a present condition's with a bound of 0: its clock stands still
/// (`left − 0 = left`, and `left > 0` always, so no candidate), exactly as if it were
/// skipped, and the five ticks compile to straight-line code without a loop over the
/// absent conditions.
#[inline]
pub fn onset_by_clocks(
    person: &Person,
    clocks: &mut [Clock; 5],
    dt: f64,
    almi_reference: f64,
    p: &Params,
    bounds: &OnsetBounds,
) -> u8 {
    let absent = !person.conditions & 0b1_1111;
    if absent == 0 {
        return 0;
    }
    let mut upper = bounds.row(person.age);
    if absent & 1 != 0 {
        upper[0] *= bounds.diabetes_factor(person, almi_reference);
    }
    let mut new = 0u8;
    for (c, clock) in clocks.iter_mut().enumerate() {
        let x_upper = if absent & (1 << c) != 0 {
            upper[c]
        } else {
            0.0
        };
        // = clock.tick(x_upper, || incidence(person, c, almi_reference, p) * dt)
        if !clock.passes(x_upper)
            && onset_candidates(clock, x_upper, person, c, almi_reference, p, dt)
        {
            new |= 1 << c;
        }
    }
    new
}

/// The candidates of an onset clock ([`Clock::candidates`]) with the exact incidence, out
/// of line with its arguments in registers.
#[cold]
#[inline(never)]
fn onset_candidates(
    clock: &mut Clock,
    x_upper: f64,
    person: &Person,
    c: usize,
    almi_reference: f64,
    p: &Params,
    dt: f64,
) -> bool {
    clock.candidates(x_upper, || incidence(person, c, almi_reference, p) * dt)
}

/// New conditions this step decided with one uniform per condition (the per-step draw
/// that [`onset_by_clocks`] replaces; `tests/clocks.rs` compares the two).
/// Same decisions as comparing each uniform with `1 − exp(−incidence·dt)`; `bounds`
/// bounds every condition's `incidence·dt` by age, and the diabetes muscle factor, so that
/// the exact hazard is computed only for uniforms near it.
pub fn onset(
    person: &Person,
    uniforms: &[f64; 5],
    dt: f64,
    almi_reference: f64,
    p: &Params,
    bounds: &OnsetBounds,
) -> u8 {
    let absent = !person.conditions & 0b1_1111;
    if absent == 0 {
        return 0;
    }
    let row = bounds.row(person.age);
    let mut candidates = 0u8;
    for c in 1..5 {
        candidates |= u8::from(!rng::surely_not(uniforms[c], row[c])) << c;
    }
    candidates &= absent;
    // Diabetes: its bound needs the muscle factor too.
    if absent & 1 != 0 {
        let muscle = bounds
            .diabetes_muscle
            .upper(person.alm_index() / almi_reference);
        candidates |= u8::from(!rng::surely_not(uniforms[0], row[0] * muscle));
    }
    let mut new = 0u8;
    while candidates != 0 {
        let c = candidates.trailing_zeros() as usize;
        candidates &= candidates - 1;
        if onset_exactly(person, c, uniforms[c], dt, almi_reference, p) {
            new |= 1 << c;
        }
    }
    new
}

/// Upper bounds of each condition's `incidence·dt` (without the diabetes muscle factor) by
/// quarter year of age, and of the diabetes muscle factor.
#[derive(Clone, Debug)]
pub struct OnsetBounds {
    rows: Vec<[f64; 5]>,
    pub diabetes_muscle: UpperBound,
}

impl OnsetBounds {
    const CELLS_PER_YEAR: f64 = 4.0;

    pub fn new(p: &Params, dt: f64) -> Self {
        let cells = (130.0 * Self::CELLS_PER_YEAR) as usize;
        let age = UpperBound::new(0.0, 130.0, cells, |a| {
            (p.incidence_age_slope * (a - 60.0)).exp()
        });
        let base = p.condition_incidence();
        let rows = (0..cells)
            .map(|j| {
                let factor = age.upper((j as f64 + 0.5) / Self::CELLS_PER_YEAR);
                base.map(|b| b * factor * dt * (1.0 + 1e-9))
            })
            .collect();
        Self {
            rows,
            diabetes_muscle: UpperBound::new(0.05, 4.0, 790, |r| {
                r.powf(-p.diabetes_muscle_elasticity)
            }),
        }
    }

    /// An upper bound of `incidence(person, c, almi_reference) · dt`.
    pub fn upper(&self, person: &Person, c: usize, almi_reference: f64) -> f64 {
        let row = self.row(person.age);
        if c == 0 {
            row[0] * self.diabetes_factor(person, almi_reference)
        } else {
            row[c]
        }
    }

    /// An upper bound of the diabetes muscle factor `(ALMI / reference)^(−elasticity)`.
    #[inline(always)]
    fn diabetes_factor(&self, person: &Person, almi_reference: f64) -> f64 {
        self.diabetes_muscle
            .upper(person.alm_index() / almi_reference)
    }

    /// The bounds at this age (infinite outside the table: always the exact path).
    #[inline(always)]
    fn row(&self, age: f64) -> [f64; 5] {
        let t = age * Self::CELLS_PER_YEAR;
        if t >= 0.0 && t < self.rows.len() as f64 {
            self.rows[t as i32 as usize]
        } else {
            [f64::INFINITY; 5]
        }
    }
}

/// The exact decision, out of line so that the compiler does not compute it speculatively.
#[cold]
#[inline(never)]
fn onset_exactly(
    person: &Person,
    c: usize,
    u: f64,
    dt: f64,
    almi_reference: f64,
    p: &Params,
) -> bool {
    rng::occurs(u, incidence(person, c, almi_reference, p) * dt)
}

/// Extra net breakdown from the person's conditions, 1/yr.
#[inline]
pub fn breakdown_term(conditions: u8, p: &Params) -> f64 {
    let loss = p.condition_loss();
    // As `Iterator::sum` over the present conditions (which starts from −0).
    let mut sum = -0.0;
    for (c, l) in loss.iter().enumerate() {
        if conditions & (1 << c) != 0 {
            sum += l;
        }
    }
    sum
}

#[cfg(test)]
mod sum_tests {
    #[test]
    fn breakdown_sums_like_the_iterator() {
        let p = crate::params::Params::central();
        let loss = p.condition_loss();
        for mask in 0..32u8 {
            let it: f64 = loss
                .iter()
                .enumerate()
                .filter(|(c, _)| mask & (1 << c) != 0)
                .map(|(_, l)| l)
                .sum();
            assert_eq!(super::breakdown_term(mask, &p).to_bits(), it.to_bits());
        }
    }
}
