//! Hospital admissions and bed rest: admission hazard (rising with age, conditions and
//! sarcopenia), length of stay, the loss in bed (synthesis −30 %, breakdown raised by the
//! illness) and the partial recovery afterwards.

use super::Person;
use crate::params::Params;

/// Yearly admission hazard for this person.
#[inline]
pub fn admission_rate(person: &Person, p: &Params) -> f64 {
    let mut rate = p.admission_rate_65
        * (p.admission_age_slope * (person.age - 65.0)).exp()
        * p.admission_condition_hr.powi(person.n_conditions() as i32)
        * person.admission_propensity;
    if person.class.sarcopenic() {
        rate *= p.admission_sarcopenia_hr;
    }
    rate
}

/// Length of stay in whole days from a standard normal draw (log-normal, 1 to 120 days).
#[inline]
pub fn stay_days(z: f64, p: &Params) -> u32 {
    (p.stay_median_days.ln() + p.stay_sd_log * z)
        .exp()
        .round()
        .clamp(1.0, 120.0) as u32
}

/// Log-ALM lost per day in bed: the fall of synthesis, plus the breakdown of acute illness
/// for admissions (not for plain bed rest); `scale` is the hospital-mobility modifier.
#[inline]
pub fn loss_per_day(illness: bool, scale: f64, p: &Params) -> f64 {
    let catabolic = if illness { p.illness_mpb_rise } else { 0.0 };
    p.basal_turnover * (p.bed_mps_drop + catabolic) * if illness { scale } else { 1.0 }
}

/// Recoverable loss regained over `dt_free` years out of bed (log-ALM units).
#[inline]
pub fn recovery(debt: f64, dt_free: f64, p: &Params) -> f64 {
    debt * (1.0 - (-p.recovery_rate * dt_free).exp())
}
