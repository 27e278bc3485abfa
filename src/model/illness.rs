//! Chronic conditions: incidence rising with age (diabetes also with low muscle), and the
//! extra muscle breakdown each brings.

use super::Person;
use crate::params::Params;

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
pub fn onset(person: &Person, uniforms: &[f64; 5], dt: f64, almi_reference: f64, p: &Params) -> u8 {
    let mut new = 0u8;
    for (c, u) in uniforms.iter().enumerate() {
        if !person.has(c) && *u < 1.0 - (-incidence(person, c, almi_reference, p) * dt).exp() {
            new |= 1 << c;
        }
    }
    new
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
