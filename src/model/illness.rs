//! Chronic conditions: incidence rising with age (diabetes also with low muscle), and the
//! extra muscle breakdown each brings.

use super::bounds::UpperBound;
use super::Person;
use crate::params::Params;
use crate::rng;

/// Yearly incidence of each condition at age 60, in bitmask order.
#[inline]
pub fn base_incidence(p: &Params) -> [f64; 5] {
    [
        p.incidence_diabetes,
        p.incidence_ckd,
        p.incidence_copd,
        p.incidence_heart_failure,
        p.incidence_cancer,
    ]
}

/// Yearly incidence of condition `c` for this person.
#[inline]
pub fn incidence(person: &Person, c: usize, almi_reference: f64, p: &Params) -> f64 {
    let mut h = base_incidence(p)[c] * (p.incidence_age_slope * (person.age - 60.0)).exp();
    if c == 0 {
        // Less muscle, more insulin resistance (Srikanthan 2011).
        h *= (person.alm_index() / almi_reference).powf(-p.diabetes_muscle_elasticity);
    }
    h
}

/// New conditions this step: one uniform per condition, drawn whether or not it is needed.
/// Same decisions as comparing each uniform with `1 − exp(−incidence·dt)`; `age_bound`
/// and `muscle_bound` bound the age factor and the diabetes muscle factor so that the
/// exact hazard is computed only for uniforms near it.
pub fn onset(
    person: &Person,
    uniforms: &[f64; 5],
    dt: f64,
    almi_reference: f64,
    p: &Params,
    age_bound: &UpperBound,
    muscle_bound: &UpperBound,
) -> u8 {
    let absent = !person.conditions & 0b1_1111;
    if absent == 0 {
        return 0;
    }
    let base = base_incidence(p);
    let age_upper = age_bound.upper(person.age) * dt;
    let mut new = 0u8;
    for (c, u) in uniforms.iter().enumerate() {
        if absent & (1 << c) == 0 {
            continue;
        }
        let mut upper = base[c] * age_upper;
        if c == 0 {
            upper *= muscle_bound.upper(person.alm_index() / almi_reference);
        }
        if rng::surely_not(*u, upper) {
            continue;
        }
        if onset_exactly(person, c, *u, dt, almi_reference, p) {
            new |= 1 << c;
        }
    }
    new
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
    let loss = [
        p.loss_diabetes,
        p.loss_ckd,
        p.loss_copd,
        p.loss_heart_failure,
        p.loss_cancer,
    ];
    loss.iter()
        .enumerate()
        .filter(|(c, _)| conditions & (1 << c) != 0)
        .map(|(_, l)| l)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, Modifiers, Streams};
    use crate::scenario::duration::{Duration, Unit};

    #[test]
    fn onset_matches_the_incidence_of_each_condition() {
        let p = Params::central();
        let step = Duration {
            count: 1.0,
            unit: Unit::Month,
        };
        let model = Model::with_hazard(
            p.clone(),
            step,
            crate::model::mortality::life_table_hazard(),
        );
        let cohort = crate::model::mortality::reference_cohort();
        for id in 0..200u64 {
            let mut person = crate::population::sample_person(id, 0, &cohort, &model, 1, 0);
            let mut s = Streams::new(1, 0, id);
            for _ in 0..120 {
                let u: [f64; 5] =
                    std::array::from_fn(|c| (id as f64 * 0.37 + c as f64 * 0.11) % 1.0 * 0.02);
                let slow = (0..5).fold(0u8, |acc, c| {
                    let x = incidence(&person, c, model.almi_reference[0], &p) * model.dt;
                    if !person.has(c) && u[c] < 1.0 - (-x).exp() {
                        acc | 1 << c
                    } else {
                        acc
                    }
                });
                let b = &model.bounds;
                assert_eq!(
                    onset(
                        &person,
                        &u,
                        model.dt,
                        model.almi_reference[0],
                        &p,
                        &b.illness_age,
                        &b.diabetes_muscle
                    ),
                    slow
                );
                model.step(&mut person, &mut s, &Modifiers::NONE);
                if !person.alive {
                    break;
                }
            }
        }
    }
}
