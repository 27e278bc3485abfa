//! Sex hormones: testosterone in men declines with age and a deficit slows synthesis;
//! women lose muscle faster through the menopausal transition.

use super::Person;
use crate::params::Params;

/// Net synthesis lost to hormones, 1/yr (≤ 0).
#[inline]
pub fn synthesis_term(person: &Person, p: &Params) -> f64 {
    if person.female {
        let since = person.age - person.menopause_age;
        if (-1.0..2.0).contains(&since) {
            -p.menopause_loss
        } else {
            0.0
        }
    } else {
        -p.testosterone_effect * (1.0 - person.testosterone / p.testosterone_65).max(0.0)
    }
}

/// Testosterone after `dt` years.
#[inline]
pub fn decline(testosterone: f64, dt: f64, p: &Params) -> f64 {
    testosterone * (-p.testosterone_decline * dt).exp()
}
