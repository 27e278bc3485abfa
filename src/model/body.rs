//! Body composition over the life course: fat mass as a state, so that weight and BMI
//! rise through midlife and fall in old age instead of moving only with muscle.
//!
//! Weight = fat + ALM + the rest of the lean mass (trunk lean, bone, water; held constant),
//! so every change of fat or ALM moves weight. Fat changes at a relative rate that depends
//! on age and sex:
//!
//! - before the sex's peak age, fat grows by `body.fat_gain_per_yr` (Hughes 2002, Am J Clin
//!   Nutr 76:473: fat mass +7.5 % per decade in men and women followed from about 60);
//! - after it, fat falls at the same rate (Hughes 2002: women over 70 lost fat mass; men's
//!   weight stops rising at about 67 in NHANES, Tucker & Parker 2022, J Obes 2022:7652408,
//!   while their lean mass still falls: men's fat peaks later, A: 75);
//! - the rate moves linearly from +gain to −gain over [`PEAK_RAMP_YEARS`] on either side
//!   of the peak (A: a plateau, not a jump).
//!
//! **Lean that comes with fat.** Those who gain weight gain fat-free mass too, 19 % of the
//! weight gained (Hughes 2002), so ALM moves by `body.alm_per_fat` kg per kg of fat. That
//! lean carries the weight but not the hand: strength per kg of lean mass is lower with
//! more body fat (Newman 2003, J Am Geriatr Soc 51:323, Health ABC), so grip per kg ALM
//! falls by the same factor and grip is unchanged ([`lean_with_fat`]).
//!
//! Fat at the start is Deurenberg's body-fat percentage from BMI, age and sex
//! (Deurenberg 1991, Br J Nutr 65:105: %fat = 1.2·BMI + 0.23·age − 10.8·male − 5.4).

use super::Person;
use crate::params::Params;

/// Fat never falls below this share of weight (essential fat, A).
pub const MIN_FAT_SHARE: f64 = 0.03;

/// Years on either side of the peak age over which the fat rate turns (A).
pub const PEAK_RAMP_YEARS: f64 = 5.0;

/// Fat mass at the start, kg: Deurenberg 1991's body-fat percentage of `weight`.
pub fn start_fat(weight: f64, bmi: f64, age: f64, female: bool) -> f64 {
    let male = if female { 0.0 } else { 1.0 };
    let percent = 1.2 * bmi + 0.23 * age - 10.8 * male - 5.4;
    weight * (percent / 100.0).clamp(MIN_FAT_SHARE, 0.7)
}

/// The relative yearly change of fat mass at this age, 1/yr.
#[inline]
pub fn fat_rate(age: f64, female: bool, p: &Params) -> f64 {
    let peak = if female {
        p.fat_peak_age_f
    } else {
        p.fat_peak_age_m
    };
    p.fat_gain * ((peak - age) / PEAK_RAMP_YEARS).clamp(-1.0, 1.0)
}

/// Fat gained (negative: lost) over a step of `dt` years, kg, never taking fat below
/// [`MIN_FAT_SHARE`] of weight. Euler step: the rate is below 1 %/yr, so over a month
/// `e^(r·dt) − 1` and `r·dt` differ by less than 10⁻⁷ of the fat mass.
#[inline]
pub fn fat_change(person: &Person, dt: f64, p: &Params) -> f64 {
    let change = person.fat * fat_rate(person.age, person.female, p) * dt;
    change.max(MIN_FAT_SHARE * person.weight - person.fat)
}

/// Moves ALM by `body.alm_per_fat` per kg of `fat` gained (lost), keeping grip: grip per
/// kg ALM is divided by the same factor. Returns the ALM gained, kg.
#[inline]
pub fn lean_with_fat(person: &mut Person, fat: f64, p: &Params) -> f64 {
    let alm = person.alm();
    let gained = (p.alm_per_fat * fat).max(-0.5 * alm);
    let factor = 1.0 + gained / alm;
    person.alm_base *= factor;
    person.quality_base /= factor;
    gained
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deurenberg_fat_rises_with_bmi_and_age_and_is_higher_in_women() {
        let f = |bmi: f64, age: f64, female: bool| start_fat(bmi, bmi, age, female) / bmi;
        // Share of weight: 1.2·26 + 0.23·30 − 10.8 − 5.4 = 21.9 % for a man of 30 at BMI 26.
        assert!((f(26.0, 30.0, false) - 0.219).abs() < 1e-9);
        assert!(f(30.0, 30.0, false) > f(26.0, 30.0, false));
        assert!(f(26.0, 70.0, false) > f(26.0, 30.0, false));
        assert!(f(26.0, 30.0, true) - f(26.0, 30.0, false) > 0.1);
    }

    #[test]
    fn fat_rises_until_the_peak_and_falls_after() {
        let p = Params::central();
        for female in [false, true] {
            let peak = if female {
                p.fat_peak_age_f
            } else {
                p.fat_peak_age_m
            };
            assert_eq!(fat_rate(40.0, female, &p), p.fat_gain);
            assert_eq!(fat_rate(peak, female, &p), 0.0);
            assert_eq!(fat_rate(peak + 10.0, female, &p), -p.fat_gain);
            assert!(fat_rate(peak - 2.0, female, &p) > fat_rate(peak + 2.0, female, &p));
        }
        assert!(
            p.fat_peak_age_f < p.fat_peak_age_m,
            "women's fat turns earlier"
        );
    }

    /// Weight of a healthy person (no illness, no admissions) stepped monthly from 40 to
    /// 95, by whole year of age; and their grip at each year.
    fn course(female: bool, p: &Params) -> Vec<(f64, f64, f64)> {
        use crate::model::{Model, Modifiers, Streams};
        use crate::time::{Duration, Unit};
        let month = Duration {
            count: 1.0,
            unit: Unit::Month,
        };
        let model = Model::new(p.clone(), month, &crate::reference::uncalibrated(p));
        let mut person = crate::model::person::tests::adult(female);
        person.age = 40.0;
        let mut streams = Streams::new(1, 0, 7);
        let mut out = vec![];
        for month in 0..(55 * 12) {
            if month % 12 == 0 {
                out.push((f64::from(40 + month / 12), person.weight, person.grip()));
            }
            model.step(&mut person, &mut streams, &Modifiers::default());
            person.alive = true; // the course, not survival, is tested
        }
        out
    }

    fn healthy() -> Params {
        let mut p = Params::central();
        for name in ["diabetes", "ckd", "copd", "heart_failure", "cancer"] {
            p.set(&format!("illness.loss_{name}"), 0.0);
        }
        p.admission_rate_65 = 0.0;
        p
    }

    #[test]
    fn weight_peaks_after_midlife_and_falls_in_old_age() {
        let p = healthy();
        for female in [false, true] {
            let c = course(female, &p);
            let w = |age: f64| c.iter().find(|r| r.0 == age).expect("recorded").1;
            let peak = c.iter().max_by(|a, b| a.1.total_cmp(&b.1)).expect("some").0;
            assert!((60.0..=80.0).contains(&peak), "weight peaks at {peak}");
            assert!(w(55.0) > w(40.0) + 1.0, "midlife gain");
            assert!(w(94.0) < w(peak) - 2.0, "old-age loss");
        }
    }

    #[test]
    fn the_lean_that_moves_with_fat_leaves_grip_alone() {
        let with = course(true, &healthy());
        let mut p = healthy();
        p.alm_per_fat = 0.0;
        let without = course(true, &p);
        for (a, b) in with.iter().zip(&without) {
            assert!(
                (a.2 - b.2).abs() < 1e-6 * b.2,
                "grip at {}: {} vs {}",
                a.0,
                a.2,
                b.2
            );
        }
        assert!(
            with[20].1 > without[20].1,
            "more weight: the lean that came with fat"
        );
    }

    #[test]
    fn lean_moves_with_fat_but_grip_does_not() {
        let p = Params::central();
        let mut person = crate::model::person::tests::adult(false);
        let (alm, grip) = (person.alm(), person.grip());
        let gained = lean_with_fat(&mut person, 2.0, &p);
        assert!((gained - 2.0 * p.alm_per_fat).abs() < 1e-12);
        assert!((person.alm() - alm - gained).abs() < 1e-9);
        assert!(
            (person.grip() - grip).abs() < 1e-9,
            "the added lean carries no grip"
        );
        let lost = lean_with_fat(&mut person, -2.0, &p);
        assert!((lost + gained).abs() < 1e-12);
    }
}
