//! Chronic conditions: incidence by age band and sex from an incidence table
//! ([`super::incidence_table`]; diabetes also rises with low muscle), and the extra muscle
//! breakdown each brings.

use super::bounds::UpperBound;
use super::incidence_table::{year_index, IncidenceTable};
use super::life_table::MAX_AGE;
use super::Person;
use crate::params::Params;
use crate::rng::{self, Clock};

/// The exact incidence of each condition: the table's rate for the person's sex and year
/// of age; diabetes's times a muscle factor `(ALMI / mean ALMI)^(−elasticity)` (less
/// muscle, more insulin resistance: Srikanthan 2011), the mean being that of the reference
/// population of the person's sex and year of age, so that the factor moves risk between
/// persons of an age and leaves the table's rate the population's.
#[derive(Clone, Debug)]
pub struct Incidence {
    pub table: &'static IncidenceTable,
    /// Mean ALM/height² of the reference population by sex and year of age, kg/m².
    almi_by_age: [Vec<f64>; 2],
    elasticity: f64,
}

impl Incidence {
    /// `almi_at(female, age)`: the reference population's mean ALM/height² at a whole age.
    pub fn new(
        table: &'static IncidenceTable,
        almi_at: impl Fn(bool, f64) -> f64,
        p: &Params,
    ) -> Self {
        Self {
            table,
            almi_by_age: [false, true]
                .map(|female| (0..=MAX_AGE).map(|a| almi_at(female, a as f64)).collect()),
            elasticity: p.diabetes_muscle_elasticity,
        }
    }

    /// The reference population's mean ALM/height² at this sex and (whole) age.
    #[inline(always)]
    pub fn almi_mean(&self, female: bool, age: f64) -> f64 {
        self.almi_by_age[usize::from(female)][year_index(age)]
    }

    /// The person's ALM/height² over the mean of their sex and year of age.
    #[inline(always)]
    pub fn almi_ratio(&self, person: &Person) -> f64 {
        person.alm_index() / self.almi_mean(person.female, person.age)
    }

    /// Yearly incidence of condition `c` for this person.
    #[inline]
    pub fn rate(&self, person: &Person, c: usize) -> f64 {
        let mut h = self.table.rates(person.female, person.age)[c];
        if c == 0 {
            h *= self.almi_ratio(person).powf(-self.elasticity);
        }
        h
    }
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
    bounds: &OnsetBounds,
) -> u8 {
    let absent = !person.conditions & 0b1_1111;
    if absent == 0 {
        return 0;
    }
    let mut upper = bounds.row(person.female, person.age);
    if absent & 1 != 0 {
        upper[0] *= bounds.diabetes_factor(person);
    }
    let mut new = 0u8;
    for (c, clock) in clocks.iter_mut().enumerate() {
        let x_upper = if absent & (1 << c) != 0 {
            upper[c]
        } else {
            0.0
        };
        // = clock.tick(x_upper, || bounds.incidence.rate(person, c) * dt)
        if !clock.passes(x_upper) && onset_candidates(clock, x_upper, person, c, bounds, dt) {
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
    bounds: &OnsetBounds,
    dt: f64,
) -> bool {
    clock.candidates(x_upper, || bounds.incidence.rate(person, c) * dt)
}

/// New conditions this step decided with one uniform per condition (the per-step draw
/// that [`onset_by_clocks`] replaces; `tests/clocks.rs` compares the two).
/// Same decisions as comparing each uniform with `1 − exp(−incidence·dt)`; `bounds`
/// bounds every condition's `incidence·dt` by age, and the diabetes muscle factor, so that
/// the exact hazard is computed only for uniforms near it.
pub fn onset(person: &Person, uniforms: &[f64; 5], dt: f64, bounds: &OnsetBounds) -> u8 {
    let absent = !person.conditions & 0b1_1111;
    if absent == 0 {
        return 0;
    }
    let row = bounds.row(person.female, person.age);
    let mut candidates = 0u8;
    for c in 1..5 {
        candidates |= u8::from(!rng::surely_not(uniforms[c], row[c])) << c;
    }
    candidates &= absent;
    // Diabetes: its bound needs the muscle factor too.
    if absent & 1 != 0 {
        let muscle = bounds.diabetes_factor(person);
        candidates |= u8::from(!rng::surely_not(uniforms[0], row[0] * muscle));
    }
    let mut new = 0u8;
    while candidates != 0 {
        let c = candidates.trailing_zeros() as usize;
        candidates &= candidates - 1;
        if onset_exactly(person, c, uniforms[c], dt, &bounds.incidence) {
            new |= 1 << c;
        }
    }
    new
}

/// Upper bounds of each condition's `incidence·dt` (without the diabetes muscle factor) by
/// sex and year of age, and of the diabetes muscle factor; the table they bound.
#[derive(Clone, Debug)]
pub struct OnsetBounds {
    /// Men's rows then women's, one per year of age 0..=MAX_AGE.
    rows: [Vec<[f64; 5]>; 2],
    pub diabetes_muscle: UpperBound,
    /// The exact rates the rows bound.
    pub incidence: Incidence,
}

impl OnsetBounds {
    pub fn new(p: &Params, dt: f64, incidence: Incidence) -> Self {
        let rows = [false, true].map(|female| {
            (0..=MAX_AGE)
                .map(|age| {
                    let rates = incidence.table.rates(female, age as f64);
                    rates.map(|r| r * dt * (1.0 + 1e-9))
                })
                .collect()
        });
        Self {
            rows,
            diabetes_muscle: UpperBound::new(0.05, 4.0, 790, |r| {
                r.powf(-p.diabetes_muscle_elasticity)
            }),
            incidence,
        }
    }

    /// An upper bound of `incidence.rate(person, c) · dt`.
    pub fn upper(&self, person: &Person, c: usize) -> f64 {
        let row = self.row(person.female, person.age);
        if c == 0 {
            row[0] * self.diabetes_factor(person)
        } else {
            row[c]
        }
    }

    /// An upper bound of the diabetes muscle factor `(ALMI / reference)^(−elasticity)`.
    #[inline(always)]
    pub fn diabetes_factor(&self, person: &Person) -> f64 {
        self.diabetes_muscle
            .upper(self.incidence.almi_ratio(person))
    }

    /// The bounds of every condition's `incidence·dt` at this sex and age (the muscle
    /// factor of diabetes apart).
    #[inline(always)]
    pub fn row(&self, female: bool, age: f64) -> [f64; 5] {
        self.rows[usize::from(female)][year_index(age)]
    }
}

/// The exact decision, out of line so that the compiler does not compute it speculatively.
#[cold]
#[inline(never)]
fn onset_exactly(person: &Person, c: usize, u: f64, dt: f64, incidence: &Incidence) -> bool {
    rng::occurs(u, incidence.rate(person, c) * dt)
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
