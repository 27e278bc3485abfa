//! Birth cohorts: later-born older adults are stronger at the same age.
//!
//! In Tromsø, 66-84-year-olds born 21 years apart differed in grip by the equivalent of
//! five years of age (Strand 2019), so a cross-sectional age gradient of grip is steeper
//! than the loss a person goes through. The model separates the two: a person's grip per
//! kg ALM falls by the age-related law ([`super::muscle`], calibrated), and the cohort a
//! person was born into sets their level at the start (`quality.cohort_trend_per_decade`,
//! on top of the taller adult height of later cohorts, [`super::stature`]).
//!
//! Two readings follow. A population drawn at the start of a run is a cross-section: each
//! age is its own birth cohort ([`quality_factor`], in [`crate::population`]). A design that
//! follows one cohort from a fixed age (the validation's `ageing-from-50`) is read as a
//! cross-section by [`view_factor`]: the grip a person of the followed cohort would have,
//! had they been born when the persons of their present age were
//! ([`super::Model::cross_sectional`]).

use super::stature;
use crate::params::Params;

/// Age at which `population.quality_mean_65_*` is the cross-sectional mean.
pub const QUALITY_AGE: f64 = 65.0;
/// The youngest age the trend reaches: cohorts born after those aged 50 at the start are
/// taken to be as strong as they (the trend is measured on cohorts born 1910-1949; grip
/// has not been found to rise in younger cohorts).
pub const YOUNGEST: f64 = 50.0;

/// Grip per kg ALM of the cohort aged `age` at the start relative to the cohort aged 65.
#[inline]
pub fn quality_factor(age: f64, p: &Params) -> f64 {
    let decades = (age.max(YOUNGEST) - QUALITY_AGE) / 10.0;
    (-(1.0 + p.quality_cohort_trend).ln() * decades).exp()
}

/// How a person followed from `entry` to `age` would look in a cross-section taken when the
/// followed cohort entered, as the older cohort of their present age: (grip per kg ALM,
/// height) relative to the followed cohort's. ALM, weight and fat scale with the square of
/// the height ratio (ALM/height² and BMI unchanged), so grip falls by
/// `quality × height²` ([`view_factor`]).
#[inline]
pub fn view(age: f64, entry: f64, female: bool, p: &Params) -> (f64, f64) {
    let height = stature::mean_peak(age, female, p) / stature::mean_peak(entry, female, p);
    (quality_factor(age, p) / quality_factor(entry, p), height)
}

/// The factor on grip of the cross-sectional [`view`]: the older cohort's quality and the
/// square of its shorter adult height.
#[inline]
pub fn view_factor(age: f64, entry: f64, female: bool, p: &Params) -> f64 {
    let (quality, height) = view(age, entry, female, p);
    quality * height * height
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_cohorts_are_weaker_by_the_trend_from_fifty() {
        let p = Params::central();
        let k = p.quality_cohort_trend;
        assert!(k > 0.0);
        assert_eq!(quality_factor(QUALITY_AGE, &p), 1.0);
        // Two decades older at the start: two decades of the trend weaker.
        let r = quality_factor(85.0, &p) / quality_factor(65.0, &p);
        assert!((r - (1.0 + k).powi(-2)).abs() < 1e-12);
        // Below 50 every cohort is the 50-year-olds'.
        assert_eq!(quality_factor(30.0, &p), quality_factor(YOUNGEST, &p));
    }

    #[test]
    fn a_cohorts_level_of_grip_does_not_move_its_mortality() {
        use crate::model::mortality::hazard_ratio;
        let p = Params::central();
        let mut older = crate::model::person::tests::adult(false);
        older.start_age = 85.0;
        older.cohort_level = quality_factor(85.0, &p);
        let reference = older.grip() / older.cohort_level;
        // At its own cohort's reference grip: no grip deficit, as a 65-year-old's cohort
        // at the reference grip (the person is not sarcopenic and has no conditions; BMI 27).
        let hr = hazard_ratio(&older, reference, &p);
        let mut same = older.clone();
        same.cohort_level = 1.0;
        assert_eq!(hr, hazard_ratio(&same, older.grip(), &p));
        // The same grip judged against the 65-year-olds' cohort would be a deficit.
        assert!(hazard_ratio(&same, reference, &p) > hr);
    }

    #[test]
    fn the_cross_sectional_view_keeps_almi_and_bmi_and_scales_the_body() {
        let model = crate::reference::calibrated_model(
            Params::central(),
            "1m".parse::<crate::time::Duration>().unwrap(),
        );
        let mut p = crate::model::person::tests::adult(true);
        p.age = 80.0;
        let v = model.cross_sectional(&p);
        let (q, h) = view(80.0, 50.0, true, &model.params);
        assert!(h < 1.0 && q < 1.0);
        assert!((v.alm_index() - p.alm_index()).abs() < 1e-12);
        assert!((v.bmi() - p.bmi()).abs() < 1e-12);
        assert!((v.alm() - p.alm() * h * h).abs() < 1e-12);
        assert!((v.grip() - p.grip() * view_factor(80.0, 50.0, true, &model.params)).abs() < 1e-9);
        // The followed person's own state is untouched: the view is a copy.
        assert_eq!(p.age, 80.0);
    }

    #[test]
    fn the_view_of_a_followed_cohort_adds_the_height_trend() {
        let p = Params::central();
        assert_eq!(view_factor(50.0, 50.0, false, &p), 1.0);
        let v = view_factor(80.0, 50.0, true, &p);
        let h = stature::mean_peak(80.0, true, &p) / stature::mean_peak(50.0, true, &p);
        assert!(h < 1.0);
        let expected = (1.0 + p.quality_cohort_trend).powf(-3.0) * h * h;
        assert!((v - expected).abs() < 1e-12, "{v} vs {expected}");
    }
}
