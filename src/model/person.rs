//! A simulated person's state. Observable quantities (ALM, grip, gait, BMI) are derived
//! from a few state variables, so they can never disagree with each other.

use super::classify::Classification;

#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub id: u64,
    pub cohort: u16,
    pub female: bool,
    pub age: f64,
    pub start_age: f64,
    /// Current height, m: `peak_height` less what shrinking has taken by this age, kept
    /// up to date by the step (read by every ALM/height² and BMI).
    pub height: f64,
    /// Adult (peak) height, m.
    pub peak_height: f64,
    /// Grip per kg ALM of the person's birth cohort relative to the cohort aged 65 at the
    /// start ([`super::cohort::quality_factor`] of the starting age): the grip hazard ratio
    /// of death compares the person with the reference grip of their own cohort.
    pub cohort_level: f64,
    /// Body weight, kg: fat + ALM + the rest of the lean mass (held constant), moved by
    /// every change of fat and ALM.
    pub weight: f64,
    /// Fat mass, kg ([`super::body`]).
    pub fat: f64,
    /// ALM without the training-induced part, kg.
    pub alm_base: f64,
    /// Training-induced ALM as a fraction of `alm_base`.
    pub train_adapt: f64,
    /// The person's ceiling of `train_adapt`.
    pub train_ceiling: f64,
    /// Grip per kg ALM without the training-induced part.
    pub quality_base: f64,
    /// Training-induced quality as a fraction of `quality_base`.
    pub quality_adapt: f64,
    /// Deviation of log grip from the person's own level, a mean-reverting fluctuation
    /// over years ([`super::strength`]).
    pub strength_deviation: f64,
    /// `exp(strength_deviation)`, kept with it: every grip reads it.
    pub strength_factor: f64,
    /// Personal offset of habitual gait speed, m/s.
    pub gait_offset: f64,
    /// Habitual protein intake, g/kg/d.
    pub protein: f64,
    /// Habitual resistance-training sessions per week (0 = not training).
    pub sessions: f64,
    /// Total testosterone, nmol/L (men; 0 for women).
    pub testosterone: f64,
    /// Age at the final menstrual period (women; 0 for men).
    pub menopause_age: f64,
    /// Chronic conditions, bit i = `scenario::CONDITIONS[i]`.
    pub conditions: u8,
    /// Days left of the current hospital stay or bed rest.
    pub bed_days_left: u32,
    /// Whether the current stay is for an acute illness (raises breakdown) or plain bed rest.
    pub stay_is_illness: bool,
    /// Loss still recoverable after discharge, in log-ALM units.
    pub recovery_debt: f64,
    /// Multiplier of the admission hazard (log-normal, mean 1), fixed for life.
    pub admission_propensity: f64,
    /// The person's rank in the population's burden of other chronic conditions (a uniform
    /// on [0, 1), fixed for life, from its own stream): the count at each age is its
    /// quantile ([`super::gait`]).
    pub morbidity: f64,
    pub alive: bool,
    /// Classification at the end of the last step.
    pub class: Classification,
}

/// Bits set in each byte.
static ONES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).count_ones() as u8;
        i += 1;
    }
    t
};

impl Person {
    pub fn alm(&self) -> f64 {
        self.alm_base * (1.0 + self.train_adapt)
    }

    pub fn alm_index(&self) -> f64 {
        self.alm() / (self.height * self.height)
    }

    /// Grip per kg ALM now: the person's level, their training gain and their present
    /// deviation ([`super::strength`]).
    pub fn quality(&self) -> f64 {
        self.quality_base * (1.0 + self.quality_adapt) * self.strength_factor
    }

    pub fn grip(&self) -> f64 {
        self.quality() * self.alm()
    }

    pub fn bmi(&self) -> f64 {
        self.weight / (self.height * self.height)
    }

    pub fn n_conditions(&self) -> u32 {
        // A table: `count_ones` is a dozen instructions on baseline x86-64 (no POPCNT).
        u32::from(ONES[usize::from(self.conditions)])
    }

    pub fn has(&self, condition: usize) -> bool {
        self.conditions & (1 << condition) != 0
    }

    pub fn in_bed(&self) -> bool {
        self.bed_days_left > 0
    }

    pub fn menopausal(&self) -> bool {
        self.female && self.age >= self.menopause_age
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A 50-year-old of average build, for unit tests of the processes.
    pub(crate) fn adult(female: bool) -> Person {
        let height: f64 = if female { 1.63 } else { 1.76 };
        let weight = 27.0 * height * height;
        Person {
            id: 0,
            cohort: 0,
            female,
            age: 50.0,
            start_age: 50.0,
            height,
            peak_height: height,
            cohort_level: 1.0,
            weight,
            fat: 0.3 * weight,
            alm_base: if female { 17.0 } else { 25.0 },
            train_adapt: 0.0,
            train_ceiling: 0.12,
            quality_base: if female { 1.6 } else { 1.8 },
            quality_adapt: 0.0,
            strength_deviation: 0.0,
            strength_factor: 1.0,
            gait_offset: 0.0,
            protein: 1.0,
            sessions: 0.0,
            testosterone: if female { 0.0 } else { 15.0 },
            menopause_age: if female { 51.0 } else { 0.0 },
            conditions: 0,
            bed_days_left: 0,
            stay_is_illness: false,
            recovery_debt: 0.0,
            admission_propensity: 1.0,
            morbidity: 0.5,
            alive: true,
            class: Default::default(),
        }
    }

    #[test]
    fn derived_measures_agree() {
        let p = adult(true);
        assert!((p.bmi() - 27.0).abs() < 1e-9);
        assert!((p.grip() - p.quality() * p.alm()).abs() < 1e-12);
    }
}
