//! The one parameter table: every physiological number the model uses, with its unit,
//! its uncertainty and its source.
//!
//! A parameter is addressed by its dotted name (`"mortality.sarcopenia_hr"`). A scenario
//! overrides any of them by name in its `[parameters]` table; draws 1..K of a run sample
//! every parameter from its [`Uncertainty`], except the calibrated ones, which are drawn
//! jointly from the posterior sample of `sarcosim calibrate --posterior`
//! ([`CalibratedDraws`]); draw 0 is always the central value.
//! `docs/model.md` documents the same table; `sarcosim params` prints it.

use rand::Rng;
use rand_distr::{Distribution, Normal};
use serde::Serialize;

/// How a parameter's value is uncertain, for the parameter draws of a run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Uncertainty {
    /// A structural constant or a definition: never sampled.
    Fixed,
    /// Normal with this standard deviation, truncated to the parameter's domain.
    Normal { sd: f64 },
    /// Log-normal whose 2.5 % and 97.5 % quantiles are `lo` and `hi` (a ratio's 95 % CI).
    LogNormal95 { lo: f64, hi: f64 },
    /// Uniform between `lo` and `hi`.
    Uniform { lo: f64, hi: f64 },
}

/// Which values a parameter may take; overrides and draws are checked against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    Real,
    NonNegative,
    Positive,
    Probability,
}

impl Domain {
    pub fn contains(self, v: f64) -> bool {
        v.is_finite()
            && match self {
                Domain::Real => true,
                Domain::NonNegative => v >= 0.0,
                Domain::Positive => v > 0.0,
                Domain::Probability => (0.0..=1.0).contains(&v),
            }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Domain::Real => "a finite number",
            Domain::NonNegative => "a number ≥ 0",
            Domain::Positive => "a number > 0",
            Domain::Probability => "a probability in [0, 1]",
        }
    }

    pub fn clamp(self, v: f64) -> f64 {
        match self {
            Domain::Real => v,
            Domain::NonNegative => v.max(0.0),
            Domain::Positive => v.max(1e-9),
            Domain::Probability => v.clamp(0.0, 1.0),
        }
    }
}

/// One row of the parameter table.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    pub value: f64,
    pub unit: &'static str,
    pub domain: Domain,
    pub uncertainty: Uncertainty,
    /// Author, year, journal; `V`/`P`/`U` says how well the figure was checked, `C` that it
    /// was calibrated (see docs/validation.md), `A` that it is a modelling assumption.
    pub source: &'static str,
    pub description: &'static str,
}

impl ParamSpec {
    /// A value drawn from this parameter's uncertainty, kept inside its domain.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let v = match self.uncertainty {
            Uncertainty::Fixed => self.value,
            Uncertainty::Normal { sd } => {
                Normal::new(self.value, sd).map_or(self.value, |d| d.sample(rng))
            }
            Uncertainty::LogNormal95 { lo, hi } => {
                // Centred on the table's value; the CI's width sets the spread.
                let sigma = (hi.ln() - lo.ln()) / (2.0 * Z95);
                let z: f64 = rng.sample(rand_distr::StandardNormal);
                self.value * (sigma * z).exp()
            }
            Uncertainty::Uniform { lo, hi } => lo + (hi - lo) * rng.random::<f64>(),
        };
        self.domain.clamp(v)
    }

    /// The 2.5 % and 97.5 % quantiles of what [`ParamSpec::sample`] draws when the
    /// parameter's central value is `centre` (`None` for a fixed parameter): the default
    /// low and high values of a one-way sensitivity analysis.
    pub fn interval95(&self, centre: f64) -> Option<(f64, f64)> {
        let (lo, hi) = match self.uncertainty {
            Uncertainty::Fixed => return None,
            Uncertainty::Normal { sd } => (centre - Z95 * sd, centre + Z95 * sd),
            Uncertainty::LogNormal95 { lo, hi } => {
                let half = (hi.ln() - lo.ln()) / 2.0;
                (centre * (-half).exp(), centre * half.exp())
            }
            Uncertainty::Uniform { lo, hi } => (lo + 0.025 * (hi - lo), lo + 0.975 * (hi - lo)),
        };
        Some((self.domain.clamp(lo), self.domain.clamp(hi)))
    }
}

/// The 97.5 % quantile of the standard normal.
pub const Z95: f64 = 1.959_964;

macro_rules! parameter_table {
    ($( $field:ident = $name:literal : $value:expr, $unit:literal, $domain:ident, $unc:expr,
        $source:literal, $desc:literal; )*) => {
        /// Every model parameter as a plain field, for the hot loop; built from [`TABLE`].
        #[derive(Clone, Debug, PartialEq, Serialize)]
        pub struct Params { $( pub $field: f64, )* }

        /// The parameter table, in the order of `docs/model.md`.
        pub const TABLE: &[ParamSpec] = &[ $( ParamSpec {
            name: $name, value: $value, unit: $unit, domain: Domain::$domain,
            uncertainty: $unc, source: $source, description: $desc,
        }, )* ];

        impl Params {
    /// Extra net muscle breakdown of each condition, 1/yr, in bitmask order.
    pub fn condition_loss(&self) -> [f64; 5] {
        [
            self.loss_diabetes,
            self.loss_ckd,
            self.loss_copd,
            self.loss_heart_failure,
            self.loss_cancer,
        ]
    }

    /// Mortality hazard ratio of each condition, in bitmask order.
    pub fn condition_hr(&self) -> [f64; 5] {
        [
            self.diabetes_hr,
            self.ckd_hr,
            self.copd_hr,
            self.heart_failure_hr,
            self.cancer_hr,
        ]
    }

            /// The central values of the table.
            pub fn central() -> Self { Self { $( $field: $value, )* } }

            /// The value of a parameter by its dotted name.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name { $( $name => Some(self.$field), )* _ => None }
            }

            /// Sets a parameter by its dotted name; `false` if there is no such parameter.
            pub fn set(&mut self, name: &str, value: f64) -> bool {
                match name { $( $name => { self.$field = value; true } )* _ => false }
            }
        }
    };
}

use Uncertainty::{Fixed, LogNormal95, Normal as N, Uniform};

parameter_table! {
    // --- Starting values of a cohort --------------------------------------------------
    height_mean_m = "population.height_mean_m": 1.76, "m", Positive, Fixed,
        "NHANES-like stature of adults aged 30 (A)", "Mean adult height of men aged 30 at the start of a run";
    height_mean_f = "population.height_mean_f": 1.63, "m", Positive, Fixed,
        "NHANES-like stature of adults aged 30 (A)", "Mean adult height of women aged 30 at the start of a run";
    height_sd_m = "population.height_sd_m": 0.07, "m", NonNegative, Fixed,
        "NHANES-like adult stature (A)", "SD of adult height, men";
    height_sd_f = "population.height_sd_f": 0.065, "m", NonNegative, Fixed,
        "NHANES-like adult stature (A)", "SD of adult height, women";
    height_secular_per_decade = "stature.secular_trend_per_decade": 0.01, "m per decade of birth",
        NonNegative, Uniform { lo: 0.005, hi: 0.015 },
        "D: Hum Biol 61(3), 1989 (year P; V: ≈60 % of older men's and 45 % of older women's shorter stature is the birth cohort) with Sorkin 1999's shrinking: ≈4-4.5 cm over 40 years of births",
        "How much shorter each earlier decade of birth grew (20th-century Europe and North America)";
    height_loss_onset = "stature.loss_onset": 30.0, "yr", NonNegative, Fixed,
        "Sorkin 1999 Am J Epidemiol 150:969: height loss begins at about 30 (V)",
        "Age at which adults begin to lose height";
    height_loss_70_m = "stature.loss_30_to_70_m": 0.03, "m", Positive, Fixed,
        "Sorkin 1999 Am J Epidemiol 150:969 (BLSA, V); NSHD 1946 cohort found 2.0 cm from 36 to 69 (V)",
        "Height lost from 30 to 70, men";
    height_loss_80_m = "stature.loss_30_to_80_m": 0.05, "m", Positive, Fixed,
        "Sorkin 1999 Am J Epidemiol 150:969 (V)", "Height lost from 30 to 80, men (sets the acceleration)";
    height_loss_70_f = "stature.loss_30_to_70_f": 0.05, "m", Positive, Fixed,
        "Sorkin 1999 Am J Epidemiol 150:969 (BLSA, V); NSHD 1946 cohort found 2.4 cm from 36 to 69 (V)",
        "Height lost from 30 to 70, women";
    height_loss_80_f = "stature.loss_30_to_80_f": 0.08, "m", Positive, Fixed,
        "Sorkin 1999 Am J Epidemiol 150:969 (V)", "Height lost from 30 to 80, women (sets the acceleration)";
    almi_young_m = "population.almi_young_m": 8.81, "kg/m²", Positive, N { sd: 0.15 },
        "Gould 2013 Calcif Tissue Int: T-score 0 of men aged 20-39, from the T −1/−2 cut-offs 7.87/6.94 (V, derivation ours)",
        "Mean ALM/height² of men aged 30 at BMI 27 (older ages follow the model's own law)";
    almi_young_f = "population.almi_young_f": 6.84, "kg/m²", Positive, N { sd: 0.12 },
        "Gould 2013 Calcif Tissue Int: T-score 0 of women aged 20-39, from the T −1/−2 cut-offs 6.07/5.30 (V, derivation ours)",
        "Mean ALM/height² of women aged 30 at BMI 27 (older ages follow the model's own law)";
    almi_sd_m = "population.almi_sd_m": 0.68, "kg/m²", Positive, Fixed,
        "Gould 2013: total SD 0.93 at the young reference (V), less the part BMI explains (`population.almi_per_bmi` 0.14 × BMI SD ≈ 4.5, A): √(0.93² − 0.63²)",
        "SD of ALM/height² at a given BMI, men";
    almi_sd_f = "population.almi_sd_f": 0.44, "kg/m²", Positive, Fixed,
        "Gould 2013: total SD 0.77 at the young reference (V), less the part BMI explains (`population.almi_per_bmi` 0.14 × BMI SD ≈ 4.5, A): √(0.77² − 0.63²); Furushima 2017's residual SD at a given height and weight, 1.13 kg ÷ (1.55 m)² ≈ 0.47 (height assumed, U), agrees",
        "SD of ALM/height² at a given BMI, women";
    almi_per_bmi = "population.almi_per_bmi": 0.14, "kg/m² per kg/m²", NonNegative,
        Uniform { lo: 0.12, hi: 0.17 },
        "D: Furushima 2017 J Physiol Anthropol 36:34, Table 2 (913 Japanese women 20-90, DXA): ASM = 0.155·height + 0.138·weight − 16.291, so 0.138 at a given height (V); Walowski 2020 Nutrients 12:755, Table 5 (young German adults, bioimpedance skeletal muscle index at BMI 18.5-40): 0.167 men, 0.158 women per unit of BMI (V) ÷ 1.13 skeletal muscle per kg ALM (Kim 2002, P) = 0.148 / 0.140; range: 0.12 to 0.17 (above 0.171 women's would explain more than Gould's total SD)",
        "Shift of mean ALM/height² per unit of BMI above 27 (both sexes)";
    quality_mean_65_m = "population.quality_mean_65_m": 1.682, "kg grip/kg ALM", Positive,
        N { sd: 0.05 }, "C: fitted to Dodds 2014 PLoS One 9:e113637 grip medians 60-90 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 1.85; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 1.696",
        "Mean grip per kg ALM, men aged 65";
    quality_mean_65_f = "population.quality_mean_65_f": 1.521, "kg grip/kg ALM", Positive,
        N { sd: 0.05 }, "C: fitted to Dodds 2014 PLoS One 9:e113637 grip medians 60-90 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 1.7; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 1.533",
        "Mean grip per kg ALM, women aged 65";
    quality_sd = "population.quality_sd": 0.25, "kg grip/kg ALM", Positive, Fixed,
        "Steiber 2016 grip SD 8.5 / 5.3 kg (P)", "SD of grip per kg ALM at a given age: the permanent part (√(1 − `quality.fluctuation_share`) of it) and the fluctuating one together";
    gait_sd = "population.gait_sd": 0.17, "m/s", NonNegative, Fixed,
        "Bohannon 2011 Physiotherapy 97:182 (U)", "SD of a person's habitual gait speed about the model's mean";
    // --- Muscle: synthesis and breakdown ----------------------------------------------
    basal_turnover = "muscle.basal_turnover_per_day": 0.018, "1/day", Positive, Fixed,
        "Symons 2011, PMC3280506: mixed-muscle FSR ≈ 0.075 %/h (V)",
        "Basal fractional synthesis (= breakdown at balance) of muscle protein";
    age_loss_75_m = "muscle.age_loss_75_m": 0.00843, "1/yr", NonNegative, N { sd: 0.001 },
        "C: fitted to Mitchell 2012 longitudinal loss at 70-79 (Health ABC design), Park 2007, Houston 2008, Dodds 2014 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.0075; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.008346",
        "Net breakdown excess from ageing at age 75, men";
    age_loss_75_f = "muscle.age_loss_75_f": 0.005645, "1/yr", NonNegative, N { sd: 0.001 },
        "C: fitted to Mitchell 2012 longitudinal loss at 70-79 (Health ABC design), Park 2007, Houston 2008, Dodds 2014 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.0055; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.005675",
        "Net breakdown excess from ageing at age 75, women";
    age_loss_onset = "muscle.age_loss_onset": 45.0, "yr", NonNegative, Fixed,
        "Janssen 2000 J Appl Physiol 89:81: loss not clear until the end of the 5th decade (V)",
        "Age at which the age-related net loss begins (rises linearly after)";
    age_loss_shape_m = "muscle.age_loss_shape_m": 0.8818, "", Positive, Fixed,
        "C: fitted to Kitamura 2014 Geriatr Gerontol Int 14:354 (NILS-LSA, men's leg lean loss by decade over 6 years: the 50s and 60s against the 70s) and Mitchell 2012 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 1.0",
        "Exponent γ of the age-related net loss of muscle mass, men: rate(age) = rate(75) · ((age − onset)/(75 − onset))^γ";
    age_loss_shape_f = "muscle.age_loss_shape_f": 0.5555, "", Positive, Fixed,
        "C: fitted to Wiegmann 2021 J Musculoskelet Neuronal Interact 21:13 (Berlin, women's ALM/height² loss over 6 years at 50-59 and 60-69) and Mitchell 2012 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 1.0",
        "Exponent γ of the age-related net loss of muscle mass, women";
    noise_sd = "muscle.noise_sd_per_sqrt_yr": 0.007, "1/√yr", NonNegative, Fixed,
        "RW-1 reference workload (A)", "Within-person random variation of ALM";
    // --- Nutrition ---------------------------------------------------------------------
    protein_effect = "nutrition.protein_effect": 0.9108, "per g/kg/d", NonNegative,
        Uniform { lo: 0.3, hi: 1.8 },
        "C: fitted to Houston 2008 Am J Clin Nutr 87:150 (protein quintiles: the highest lost about 40 % less lean mass than the lowest, V) by `sarcosim calibrate` (docs/calibration/fit.md); prior: 40 % over the quintiles' ≈ 0.4 g/kg/d (A), ×/÷ 2; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.7763",
        "Share of the age-related loss of muscle relieved per g/kg/d of protein above the reference intake (at most all of it)";
    protein_reference = "nutrition.protein_reference": 0.8, "g/kg/d", Positive, Fixed,
        "RDA; Bauer 2013 JAMDA (PROT-AGE) (V)", "Intake at which protein adds nothing";
    protein_plateau = "nutrition.protein_plateau": 1.62, "g/kg/d", Positive,
        Uniform { lo: 1.03, hi: 2.20 },
        "Morton 2018 Br J Sports Med 52:376: no further gain above 1.62 g/kg/d (95 % CI 1.03-2.20) (V)",
        "Intake above which protein adds no more synthesis";
    anabolic_resistance = "nutrition.anabolic_resistance_per_yr": 0.019, "1/yr", NonNegative,
        Uniform { lo: 0.01, hi: 0.03 },
        "Wall 2015 PLoS One e0140903: MPS after protein 16 % lower in older men (V)",
        "Loss of the protein response per year of age above 60: response ÷ (1 + k·(age−60))";
    protein_drift = "nutrition.protein_drift_per_yr": 0.005, "g/kg/d per yr", NonNegative,
        Uniform { lo: 0.0, hi: 0.01 }, "intake falls with age in older adults (A)",
        "Fall in habitual protein intake per year of age above 70";
    // --- Training -----------------------------------------------------------------------
    training_gain_rate = "training.gain_rate": 0.09383, "1/yr", Positive, N { sd: 0.015 },
        "C: fitted to Peterson 2011 Med Sci Sports Exerc 43:249: +1.1 kg (0.9-1.2) in ≈20 weeks by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.08; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.0935",
        "Initial rate of ALM gain of an untrained person at the reference dose";
    training_ceiling = "training.ceiling": 0.12, "fraction", Positive, Uniform { lo: 0.08, hi: 0.16 },
        "A: trained older adults plateau some 10-15 % above their untrained mass",
        "Mean personal ceiling of training-induced ALM gain";
    training_ceiling_cv = "training.ceiling_cv": 0.3, "", NonNegative, Fixed,
        "A", "Between-person spread (log-SD) of the personal ceiling";
    training_reference_sessions = "training.reference_sessions": 3.0, "sessions/wk", Positive, Fixed,
        "Peterson 2011: typical programmes 2-3 sessions/week (P)", "Dose at which the gain rate applies";
    training_half_sessions = "training.half_sessions": 1.5, "sessions/wk", Positive, Fixed,
        "Borde 2015 Sports Med: more volume, more gain, saturating (U)",
        "Sessions/week giving half the maximal training stimulus";
    training_age_blunting = "training.age_blunting_per_yr": 0.02, "1/yr", NonNegative, Fixed,
        "Peterson 2011: older age blunts the gain (V, size A)",
        "Fall of the training response per year of age above 60: ÷ (1 + k·(age−60))";
    detraining_rate = "training.detraining_rate": 1.2, "1/yr", Positive, Uniform { lo: 0.6, hi: 1.8 },
        "Grgic 2022 IJERPH 19:14048 (gains reversed, ES −0.83); Lemmer 2000 (P)",
        "Rate at which training-induced ALM is lost after stopping";
    quality_training_ceiling = "training.quality_ceiling": 0.15, "fraction", NonNegative, Fixed,
        "Peterson 2010 Ageing Res Rev 9:226: strength +24-33 % (V; grip gains smaller, A)",
        "Ceiling of the training-induced gain in grip per kg ALM";
    quality_training_rate = "training.quality_gain_rate": 3.0, "1/yr", Positive, Fixed,
        "A: neural adaptation is fast (weeks)", "Rate of approach to the quality ceiling while training";
    quality_detraining_rate = "training.quality_detraining_rate": 0.5, "1/yr", Positive, Fixed,
        "Esain 2017 PMC5697062: grip unchanged 3 months after stopping (V)",
        "Rate at which the training gain in quality is lost after stopping";
    protein_training_synergy = "training.protein_synergy": 0.6799, "per g/kg/d", NonNegative,
        Uniform { lo: 0.2, hi: 1.2 },
        "C: fitted to Morton 2018 Br J Sports Med 52:376: +0.30 kg (0.09-0.52) by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.7; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.8187",
        "Relative boost of the training gain per g/kg/d of protein above 1.0 (capped at the plateau)";
    habit_start_per_yr = "training.habit_start_per_yr": 0.024, "1/yr", NonNegative, Fixed,
        "RW-1 reference workload (A)", "Hazard of taking up habitual training";
    habit_stop_per_yr = "training.habit_stop_per_yr": 0.24, "1/yr", NonNegative, Fixed,
        "RW-1 reference workload (A)", "Hazard of stopping habitual training";
    habit_sessions = "training.habit_sessions": 2.0, "sessions/wk", Positive, Fixed,
        "A", "Sessions per week of a person who takes up training";
    // --- Hormones ---------------------------------------------------------------------
    testosterone_65 = "hormones.testosterone_65": 15.0, "nmol/L", Positive, Fixed,
        "Feldman 2002 JCEM (MMAS) (U for the level)", "Mean total testosterone of men aged 65";
    testosterone_sd_log = "hormones.testosterone_sd_log": 0.3, "", NonNegative, Fixed,
        "A", "Between-person log-SD of testosterone";
    testosterone_decline = "hormones.testosterone_decline_per_yr": 0.016, "1/yr", NonNegative,
        N { sd: 0.003 }, "Feldman 2002 JCEM: total testosterone −1.6 %/yr (V)",
        "Yearly fall of testosterone in men";
    testosterone_effect = "hormones.testosterone_effect": 0.005, "1/yr", NonNegative,
        Uniform { lo: 0.0, hi: 0.01 }, "A: hypogonadal men lose lean mass faster",
        "Net synthesis lost per unit of relative testosterone deficit below the reference";
    menopause_age_mean = "hormones.menopause_age_mean": 51.0, "yr", Positive, Fixed,
        "Greendale 2019 JCI Insight (U for the mean)", "Mean age at the final menstrual period";
    menopause_age_sd = "hormones.menopause_age_sd": 3.5, "yr", NonNegative, Fixed,
        "A", "SD of the age at the final menstrual period";
    menopause_loss = "hormones.menopause_loss_per_yr": 0.005, "1/yr", NonNegative,
        Uniform { lo: 0.0, hi: 0.01 },
        "Greendale 2019 (loss from the transition to 2 years after, V); Sowers 2007 (V, size A)",
        "Extra net loss from 1 year before to 2 years after the final period";
    // --- Chronic illness ----------------------------------------------------------------
    diabetes_muscle_elasticity = "illness.diabetes_muscle_elasticity": 1.2, "", NonNegative,
        Uniform { lo: 0.5, hi: 2.0 },
        "Srikanthan 2011 JCEM: each 10 % more muscle, 11 % lower insulin resistance (U)",
        "Diabetes incidence × (ALMI / sex reference)^(−k): low muscle → more diabetes";
    loss_diabetes = "illness.loss_diabetes": 0.002706, "1/yr", NonNegative, N { sd: 0.0005 },
        "C: fitted to Park 2007 Diabetes Care 30:1507 (leg lean −0.29 vs −0.23 kg over 3 years) by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.0012; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.002789",
        "Extra net muscle breakdown with type 2 diabetes";
    loss_ckd = "illness.loss_ckd": 0.001, "1/yr", NonNegative, Uniform { lo: 0.0, hi: 0.002 },
        "D: Fried 2007 J Am Geriatr Soc 55:1578 (Health ABC, 3,026 aged 70-79, DXA yearly for 4 years): total lean mass −0.07 kg/yr per SD (0.4 mg/dL) of creatinine in white men (V; −0.05, n.s., after inflammation), none in women (V); ≈ 0.13 %/yr of men's ≈ 53 kg of lean (U) per SD, about half of it over both sexes (A)",
        "Extra net muscle breakdown with chronic kidney disease";
    loss_copd = "illness.loss_copd": 0.0, "1/yr", NonNegative, Uniform { lo: 0.0, hi: 0.001 },
        "van den Borst 2011 Thorax 66:961 (Health ABC, 260 with obstructive lung disease vs 891 never-smokers, DXA over 7 years): loss of lean mass \"comparable\" (V); Rutten 2015 Eur Respir J 46:1496: no difference in the mean decline of fat-free mass (V); range A",
        "Extra net muscle breakdown with COPD";
    loss_heart_failure = "illness.loss_heart_failure": 0.007, "1/yr", NonNegative,
        Uniform { lo: 0.002, hi: 0.012 },
        "Forman 2017 Circ Heart Fail 10:e003915, Table 3 (Health ABC, 2,815, 111 incident heart failure, DXA yearly): ALM change with heart failure minus without, not adjusted for weight change, men −176.3 (SE 59.9), women −105.0 (48.2) g/yr (V), over ALM ≈ 22 / 16 kg (U): 0.8 / 0.65 %/yr; range ≈ ±2 SE",
        "Extra net muscle breakdown with heart failure";
    loss_cancer = "illness.loss_cancer": 0.002, "1/yr", NonNegative, Uniform { lo: 0.0, hi: 0.004 },
        "A: Williams 2020 JAMA Netw Open 3:e204783 (Health ABC, 515 incident cancers): faster ALM loss after diagnosis, most in metastatic disease (V; size not found; 32 % metastatic, P); half the former assumption of 0.4 %/yr for every survivor",
        "Extra net muscle breakdown with cancer";
    // --- Hospital and bed rest ----------------------------------------------------------
    admission_rate_65 = "hospital.admission_rate_65": 0.163, "1/yr", NonNegative, N { sd: 0.02 },
        "C: fitted to Gorina 2015 NCHS NHSR 84: 348 discharges per 1,000 aged 65+ per year by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.15; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.1706",
        "Admission rate of a 65-year-old without conditions or sarcopenia";
    admission_age_slope = "hospital.admission_age_slope": 0.04, "1/yr", NonNegative, Fixed,
        "RW-1 (A)", "Log-linear rise of the admission rate per year of age";
    admission_condition_hr = "hospital.condition_hr": 1.3, "", Positive, Fixed,
        "RW-1 (A)", "Admission hazard ratio per chronic condition";
    admission_sarcopenia_hr = "hospital.sarcopenia_hr": 1.52, "", Positive,
        LogNormal95 { lo: 1.24, hi: 1.86 },
        "Su 2022 J Clin Med 11:6474: HR 1.52 (V; CI U)", "Admission hazard ratio with sarcopenia";
    admission_propensity_sd = "hospital.propensity_sd_log": 1.202, "", NonNegative,
        Uniform { lo: 0.5, hi: 1.5 },
        "C: fitted to Gorina 2015 NCHS NHSR 84 (348 discharges but only 21.6 % hospitalised per 1,000 aged 65+ per year) by `sarcosim calibrate` (docs/calibration/fit.md); engine value 1.0; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 1.24",
        "Log-SD of each person's admission propensity (log-normal, mean 1), drawn at the start: admissions cluster in the same persons";
    stay_median_days = "hospital.stay_median_days": 4.5, "days", Positive, Fixed,
        "A: mean stay of older inpatients ≈ 5-6 days", "Median length of stay";
    stay_sd_log = "hospital.stay_sd_log": 0.6, "", NonNegative, Fixed,
        "RW-1 (A)", "Log-SD of the length of stay";
    bed_mps_drop = "hospital.bed_rest_mps_drop": 0.30, "fraction", Probability,
        Uniform { lo: 0.2, hi: 0.4 }, "Kortebein 2007 JAMA 297:1772: MPS −30 % in 10 days' bed rest (V)",
        "Fall of muscle protein synthesis in bed";
    illness_mpb_rise = "hospital.illness_mpb_rise": 0.05805, "fraction", NonNegative,
        Uniform { lo: 0.0, hi: 0.2 }, "C: the posterior median of `sarcosim calibrate --posterior` against Alley 2010 J Am Geriatr Soc 58:2085 (docs/calibration/posterior.md: 95 % 0.0015-0.130); the point fit drives it to its bound 0, so it is sampled in the posterior only (`validate::calibrate::POSTERIOR_ONLY`); engine value 0.1",
        "Rise of muscle protein breakdown during an admission for illness (not in plain bed rest)";
    bed_quality_loss = "hospital.bed_quality_loss_per_day": 0.003, "1/day", NonNegative, Fixed,
        "Kortebein 2008 J Gerontol A: strength falls faster than mass in bed rest (U)",
        "Loss of grip per kg ALM per day in bed";
    recovery_fraction = "hospital.recovery_fraction": 0.966, "fraction", Probability,
        Uniform { lo: 0.5, hi: 1.0 }, "C: fitted to Alley 2010 J Am Geriatr Soc 58:2085 (extra annual lean loss after a hospital stay) by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.5; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.974",
        "Share of the in-bed ALM loss that can be regained after discharge";
    recovery_rate = "hospital.recovery_rate": 10.01, "1/yr", Positive, Uniform { lo: 2.0, hi: 12.0 },
        "C: fitted to Alley 2010 J Am Geriatr Soc 58:2085 (extra annual lean loss after a hospital stay) by `sarcosim calibrate` (docs/calibration/fit.md); engine value 4 (A); central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 11.7",
        "Rate of regaining the recoverable loss after discharge";
    // --- Mortality ----------------------------------------------------------------------
    sarcopenia_hr = "mortality.sarcopenia_hr": 1.60, "", Positive, LogNormal95 { lo: 1.24, hi: 2.06 },
        "Liu 2017 Maturitas 103:16: HR 1.60 (1.24-2.06) (V)",
        "Mortality hazard ratio with EWGSOP2-confirmed sarcopenia";
    grip_hr_per_5kg_m = "mortality.grip_hr_per_5kg_m": 1.16, "", Positive,
        LogNormal95 { lo: 1.15, hi: 1.17 }, "Celis-Morales 2018 BMJ 361:k1651 (V; CI P)",
        "Mortality hazard ratio per 5 kg of grip below the sex reference, men";
    grip_hr_per_5kg_f = "mortality.grip_hr_per_5kg_f": 1.20, "", Positive,
        LogNormal95 { lo: 1.17, hi: 1.23 }, "Celis-Morales 2018 BMJ 361:k1651 (V; CI P)",
        "Mortality hazard ratio per 5 kg of grip below the sex reference, women";
    diabetes_hr = "mortality.diabetes_hr": 1.80, "", Positive, LogNormal95 { lo: 1.71, hi: 1.90 },
        "Emerging Risk Factors Collaboration 2011 NEJM 364:829 (97 cohorts): 1.80 (1.71-1.90), adjusted for age, sex, smoking and BMI (V; BMI has its own ratio here); not adjusted for cardiovascular disease, which the model does not carry apart from heart failure; falls with age at diagnosis (ERFC 2023 Lancet Diabetes Endocrinol 11:731: 1.84 at 50-59, 1.57 at 60-69, 1.39 at ≥ 70, V), which needs a duration the model does not keep",
        "Mortality hazard ratio, diabetes";
    ckd_hr = "mortality.ckd_hr": 1.25, "", Positive, LogNormal95 { lo: 1.1, hi: 1.45 },
        "D: CKD Prognosis Consortium (Hallan 2012 JAMA): eGFR 45 vs 80, adjusted for cardiovascular disease, diabetes and risk factors, 1.59 at 65-74 and 1.35 at ≥ 75 (V numbers, P age labels); eGFR 45-59 1.2 (Go 2004 NEJM, adjusted for heart failure, lung disease, diabetes, P); most eGFR < 60 after 65 is 45-59",
        "Mortality hazard ratio, chronic kidney disease";
    copd_hr = "mortality.copd_hr": 1.50, "", Positive, LogNormal95 { lo: 1.25, hi: 1.8 },
        "D: Vaz Fragoso 2011 J Investig Med (NHANES III and CHS, 65-80): 1.64 (1.28-2.11) and 1.69 (1.48-1.92) (V); spirometric COPD in older persons adjusted for chronic conditions 1.24 (1.04-1.47), GOLD 2 1.31, GOLD 3-4 2.24 (PMC2890041, Table 3B, V)",
        "Mortality hazard ratio, COPD";
    heart_failure_hr = "mortality.heart_failure_hr": 2.10, "", Positive, LogNormal95 { lo: 1.8, hi: 2.7 },
        "Mosterd 2001 Eur Heart J (Rotterdam, prevalent heart failure, age-adjusted): 2.1 (1.8-2.7) (V); after the first months about 1.9 (Madelaire 2024, Denmark, D)",
        "Mortality hazard ratio, heart failure (after its onset; see `mortality.heart_failure_onset_fatality`)";
    heart_failure_onset_fatality = "mortality.heart_failure_onset_fatality": 0.28, "probability",
        Probability, Uniform { lo: 0.20, hi: 0.35 },
        "D: Bleumink 2004 Eur Heart J 25:1614 (Rotterdam, incident heart failure at ≥ 55): 86 % alive at 30 days, 63 % at one year, 35 % at five (V); against ≈ 0.90 expected over a year at about 77 from the background hazard (≈ 0.05/yr, A) and the ratio 2.1, the first year's excess is 1 − 0.63/0.90 ≈ 0.30, taken as a death at onset (A: the excess of the first months moved to the month of onset)",
        "Probability of dying in the step in which heart failure begins";
    cancer_hr = "mortality.cancer_hr": 2.00, "", Positive, LogNormal95 { lo: 1.6, hi: 2.5 },
        "A: between the ratio of long-term survivors (NHANES, ever diagnosed, 1.29 (1.22-1.35), V; CHS, propensity-matched at 74 ± 6, 1.16 (1.02-1.31), V; 5-year survivors, South Australia, SMR 1.24, V) and the first year's excess after diagnosis (one-year relative survival ≈ 85 % at 65-74, 73 % at 75-84, 58 % at 85+, derived from AIHW 2013-17, U), which a ratio applied from diagnosis cannot carry; a death at onset graded by age would (docs/validation.md, seventh set)",
        "Mortality hazard ratio, cancer";
    calibration_size = "mortality.calibration_persons": 4000.0, "persons per sex", Positive, Fixed,
        "engine setting", "Size of the reference population that rescales the life table";
    // --- Quality and gait ---------------------------------------------------------------
    quality_loss_75_m = "quality.loss_75_m": 0.002181, "1/yr", NonNegative, N { sd: 0.003 },
        "C: fitted to Dodds 2014 grip medians 60-90 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.012; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.002511",
        "Yearly fall of grip per kg ALM at 75, men";
    quality_loss_75_f = "quality.loss_75_f": 0.006523, "1/yr", NonNegative, N { sd: 0.003 },
        "C: fitted to Dodds 2014 grip medians 60-90 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.01; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.00668",
        "Yearly fall of grip per kg ALM at 75, women";
    quality_loss_shape = "quality.age_loss_shape": 2.848, "", Positive, Fixed,
        "C: fitted to Dodds 2014 grip medians 60-90, Mitchell 2012, Bohannon 2011 by `sarcosim calibrate` (docs/calibration/fit.md); engine value 1.0",
        "Exponent γ of the age-related fall of grip per kg ALM: rate(age) = rate(75) · ((age − onset)/(75 − onset))^γ";
    quality_fluctuation_share = "quality.fluctuation_share": 0.5336, "", Probability,
        Uniform { lo: 0.3, hi: 0.95 },
        "C: fitted to grip's tracking, Honolulu Heart Program r = 0.557 over 27 years (Rantanen 1998 J Appl Physiol 85:2047, V) and Health ABC r ≈ 0.67 over 9 years (Westbury 2020, R² 39-52 %, V) by `sarcosim calibrate` (docs/calibration/fit.md); start 0.85 derived with all the lost rank given to it (docs/validation.md, eighth set); central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 0.4022",
        "Share of the cross-sectional variance of grip per kg ALM (`population.quality_sd`) that fluctuates over years as a mean-reverting deviation of log grip; the rest is a person's permanent level";
    quality_fluctuation_years = "quality.fluctuation_years": 7.615, "yr", Positive,
        Uniform { lo: 2.0, hi: 15.0 },
        "C: fitted to the same tracking correlations by `sarcosim calibrate` (docs/calibration/fit.md); start 6.9 derived from them (docs/validation.md, eighth set); prior range A; central value: the posterior median of `sarcosim calibrate --posterior` (docs/calibration/posterior.md), point fit 2.249",
        "Correlation time of the deviation of a person's grip from their own level (Ornstein-Uhlenbeck)";
    quality_cohort_trend = "quality.cohort_trend_per_decade": 0.034, "fraction per decade of birth", NonNegative,
        Uniform { lo: 0.024, hi: 0.046 },
        "Strand 2019 J Gerontol A 74:528 (Tromsø 1994-2016, 5,595 persons aged 66-84, Martin vigorimeter): cohorts born 21 years apart differ by 0.06 bar (0.04-0.07) in sex-adjusted grip, the equivalent of 5 years of age; education, height and weight explain 48 % of it (V). On Dodds 2014's cross-sectional gradient at 65-85 (1.95 %/yr of the median, men and women alike) 5 years per 21 of birth is 4.6 % per decade of birth, less the 1.2 % the model's own height trend gives (2 × 1 cm / 170 cm): 3.4 % (derivation ours); range: the unexplained 52 % alone (2.4 %) to the total (4.6 %)",
        "How much higher grip per kg ALM each later decade of birth reaches at the same age (cohorts aged 50 and over at the start; model/cohort.rs)";
    gait_65_m = "gait.speed_65_m": 1.33, "m/s", Positive, Fixed,
        "Bohannon 2011 Physiotherapy 97:182: 1.34 m/s at 60-69 (U)", "Mean habitual gait speed of men at 65";
    gait_65_f = "gait.speed_65_f": 1.24, "m/s", Positive, Fixed,
        "Bohannon 2011: 1.24 m/s at 60-69 (U)", "Mean habitual gait speed of women at 65";
    gait_per_grip = "gait.per_kg_grip": 0.01205, "m/s per kg", NonNegative, Fixed,
        "C: fitted to Bohannon 2011 Physiotherapy 97:182 gait by age band by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.012", "Gait speed per kg of grip away from the sex reference";
    gait_age_slope = "gait.age_slope_after_75": 0.01594, "m/s per yr", NonNegative, Fixed,
        "C: fitted to Bohannon 2011 gait by age band by `sarcosim calibrate` (docs/calibration/fit.md); engine value 0.018", "Fall of gait speed per year of age above 75 beyond what grip explains";
    gait_per_condition = "gait.per_condition": 0.08, "m/s", NonNegative,
        Uniform { lo: 0.04, hi: 0.12 },
        "Ortiz 2018 Geriatr Gerontol Int 18:293 (265 well-functioning adults > 60, Lima): gait 0.24 m/s slower with ≥ 3 chronic conditions than with none (V): 0.08 per condition; range A",
        "Fall of gait speed per chronic condition (the model's five and the others)";
    // --- Intervention effects (docs/interventions.md) ------------------------------------
    testosterone_therapy_gain = "interventions.testosterone_alm_gain": 0.035, "fraction", NonNegative,
        Uniform { lo: 0.017, hi: 0.052 },
        "Isidori 2005 Clin Endocrinol 63:280: fat-free mass +1.6 kg (P, no CI; range 0.8-2.4 kg ours) × ALM share of lean ≈ 0.45 ÷ ALM ≈ 21 kg (A)",
        "Plateau of the ALM gain of testosterone therapy at full adherence (fraction of ALM)";
    growth_hormone_gain = "interventions.growth_hormone_alm_gain": 0.045, "fraction", NonNegative,
        Uniform { lo: 0.028, hi: 0.062 },
        "Liu 2007 Ann Intern Med 146:104: lean body mass +2.1 kg (1.3-2.9) (V; part is water: oedema 50 %) × ALM share 0.45 ÷ ALM ≈ 21 kg (A)",
        "Plateau of the ALM gain of growth hormone at full adherence (fraction of ALM)";
    hormone_therapy_gain = "interventions.hormone_therapy_alm_gain": 0.0019, "fraction", NonNegative,
        Uniform { lo: 0.0, hi: 0.0056 },
        "Javed 2019 JAMA Netw Open 2:e1910154 (12 RCTs, 4,474 women, median 2 years): 0.06 kg (95 % CI −0.05 to 0.18) less lean-mass loss than control (V) × ALM share of lean 0.5 ÷ ALM ≈ 16 kg (A); range from the CI, negative part at 0",
        "Plateau of the ALM gain of menopausal hormone therapy at full adherence (fraction of ALM)";
    // --- Body composition (model/body.rs) --------------------------------------------------
    fat_gain = "body.fat_gain_per_yr": 0.0075, "1/yr", NonNegative, Uniform { lo: 0.005, hi: 0.01 },
        "Hughes 2002 Am J Clin Nutr 76:473 (131 adults aged about 60 followed 10 years): fat mass +7.5 % per decade in men and women (V); range A",
        "Relative yearly gain of fat mass of adults before their sex's peak age";
    fat_peak_age_m = "body.fat_peak_age_m": 79.0, "yr", Positive, Uniform { lo: 75.0, hi: 83.0 },
        "D: Tucker & Parker 2022 J Obes 2022:7652408 (NHANES 2011-2018, table 3): men's 10-year weight change +1.7 % at 60-69 and −0.6 % at 70-79 (V); at 75 the model's men lose ≈ 2.3 % of their weight a decade as ALM (≈ 0.9 %/yr of ≈ 21 kg of ≈ 83 kg), so fat rises ≈ 1.7 % of weight (≈ 5.6 % of ≈ 25 kg of fat) a decade, 0.75 of `body.fat_gain_per_yr`, and the rate falls to 0 over the 5 years before the peak: 75 + 0.75 × 5 ≈ 79; range A",
        "Age at which men's fat mass stops rising and begins to fall";
    fat_peak_age_f = "body.fat_peak_age_f": 70.0, "yr", Positive, Uniform { lo: 65.0, hi: 75.0 },
        "Hughes 2002 Am J Clin Nutr 76:473: women younger than 70 gained fat mass, women over 70 lost it (V)",
        "Age at which women's fat mass stops rising and begins to fall";
    other_conditions_70 = "illness.other_conditions_70": 1.35, "conditions", NonNegative,
        Uniform { lo: 1.0, hi: 1.7 },
        "D: Salive 2013 Epidemiol Rev 35:75 (31 million Medicare beneficiaries, 15 chronic conditions): 62 % of those aged 65-74 had ≥ 2 (V), a Poisson mean of 2.1; less ≈ 0.75 for the model's five conditions among them (Medicare prevalences of diabetes, CKD, COPD, heart failure and cancer, U)",
        "Mean number of chronic conditions other than the model's five at age 70 (Poisson across persons)";
    other_conditions_slope = "illness.other_conditions_age_slope": 0.022, "1/yr", NonNegative,
        Uniform { lo: 0.01, hi: 0.03 },
        "D: Salive 2013 Epidemiol Rev 35:75: 81.5 % of those ≥ 85 had ≥ 2 of the 15 (V), a Poisson mean of 3.0 at about 88; less ≈ 1.0 for the model's five (U): ln(2.0/1.35)/18",
        "Log-linear rise with age of the mean number of other chronic conditions";
    alm_per_fat = "body.alm_per_fat": 0.117, "kg ALM per kg fat", NonNegative,
        Uniform { lo: 0.06, hi: 0.2 },
        "D: Hughes 2002 Am J Clin Nutr 76:473: those who gained weight gained fat-free mass, 19 % of the weight gained (V): 0.19/0.81 = 0.235 kg fat-free per kg fat × ALM share of lean 0.5 (A, as in the validation conversions); the same ratio when fat is lost (A)",
        "ALM gained (lost) with each kg of fat gained (lost): lean tissue that carries the extra weight";
    // --- Gait as studies measure it (validate only; gait helper, issue 12) ----------------
    // Read by `validate::measures::measured_gait`, never by `sarcosim run`: how a study's
    // timed walk reads the model's gait. Fixed, so parameter draws consume nothing for it.
    gait_static_lost = "gait.static_start_lost_distance": 0.55, "m", NonNegative, Fixed,
        "D: Krumpoch 2021 Aging Clin Exp Res 33:141 (150 community-dwelling adults, mean age 80.5, electronic walkway): usual gait 0.12 m/s slower over 4 m from a static than from a dynamic start (V), so L = 4 × 0.12 / (v − 0.12) = 0.55 m at a dynamic speed v ≈ 1.0 m/s of that sample (A; 0.49 m at 1.1, 0.58 at 0.95); the difference was smaller over 8 m (V), as a fixed L implies. Range 0.3-0.9 m (A, not drawn): Graham 2008 Arch Phys Med Rehabil (46 studies: start protocol not significant, P = .21) below; Ji 2024 J Frailty Aging (511 adults ≥ 65: acceleration phase 0.92 ± 0.51 m, speed plateaus after removing 0.5-1 m) above",
        "Distance-equivalent lost to a standing start (and stop) in a timed walk: a static-start walk over d metres reads the model's gait × d/(d + L); validation only";
    // --- Grip as studies measure it (validate only; grip helper, issue 12) ----------------
    // Read by `validate::dynamometer::measured_grip`, never by `sarcosim run`: how a study's
    // dynamometer and hands rule read the model's grip (Dodds 2014: Jamar-type, maximum of
    // both hands). Fixed, so parameter draws consume nothing for them.
    grip_smedley_per_jamar = "grip.smedley_per_jamar": 0.925, "ratio", Positive, Fixed,
        "D: two method comparisons that disagree, pooled with equal weights on the log scale (a random-effects pool of two heterogeneous studies; rule chosen before any run): Benton 2022 PLoS One 17:e0270132 (67 US adults aged 76.2, both devices in random order on two days): Smedley spring 23.4 vs Jamar hydraulic 27.4 kg on day 1, 21.8 vs 25.3 kg on day 2 (V, abstract), ratio 0.855, larger differences in women and over 75 (V); Lessof 2023 PLoS One 18:e0289052 (randomised cross-over, 118 British adults aged 45-74): hydraulic and spring-gauge devices differed by 0.2 kg (95 % CI -0.8 to 1.3) (V, abstract), ratio about 1.0. sqrt(0.855 x 1.0) = 0.925; range 0.855-1.0 (the two studies, A, not drawn)",
        "Grip read by a Smedley-type spring dynamometer per kg read by the Jamar hydraulic; validation only";
    grip_takei_per_jamar = "grip.takei_digital_per_jamar": 1.0, "ratio", Positive, Fixed,
        "U: Savas 2023 J Clin Med 12:4260 (110 outpatients over 60, Jamar hydraulic as the reference): the Takei T.K.K. 5401 digital 'overestimated' grip, by differences that 'might be disregarded in clinical practice' (V, abstract); the size was not read, so 1.0 (no conversion) until it is: the true factor is above 1. Lessof 2023 PLoS One 18:e0289052 found two other electronic dynamometers (Jamar Plus+ Digital, Nottingham Electronic) 4-5 kg above the hydraulic (V, abstract), not the Takei",
        "Grip read by the Takei digital dynamometer (NHANES) per kg read by the Jamar hydraulic; validation only";
    grip_mean_of_hands = "grip.mean_of_hands_per_max": 0.95, "ratio", Positive, Fixed,
        "D: Petersen 1989 Am J Occup Ther 43:444 (310 adults, Jamar): the dominant hand 12.7 % stronger in right-handers, equal in left-handers (V, abstract); Incel 2002 Singapore Med J 43:234 (149 adults, Jamar): 8.2 % and 3.2 % (P), the nondominant hand stronger in 10.9 % of right-handers and 33 % of left-handers (V). With 90 % right-handed (A) the nondominant hand reads 0.90-0.93 of the dominant, the mean of the two 0.95-0.965 of the dominant, and the maximum exceeds the dominant by about 0.5 % (A: only the few with a stronger nondominant hand, by little), so 0.945-0.96 of the maximum: 0.95 (range 0.94-0.96, A, not drawn)",
        "Each hand's best grip averaged over both hands, per the maximum over both hands; validation only";
    grip_dominant_hand = "grip.dominant_per_max": 0.995, "ratio", Positive, Fixed,
        "D: as for grip.mean_of_hands_per_max (Petersen 1989 V, Incel 2002 V/P): the maximum of both hands exceeds the dominant hand's only in the 7-14 % whose nondominant hand is stronger, by a few per cent, so the dominant hand reads about 0.995 of the maximum (A; range 0.99-1.0, not drawn)",
        "Grip of the dominant hand only, per the maximum over both hands; validation only";
    // --- Body size: BMI and mortality (body helper, issue 12 third set) ---------------------
    bmi_hr_per_5 = "mortality.bmi_hr_per_5": 1.29, "", Positive, Fixed,
        "Global BMI Mortality Collaboration 2016 Lancet 388:776 (never-smokers without chronic disease, first 5 years excluded): above 25 kg/m² mortality rises log-linearly, HR 1.29 (1.26-1.32) per 5 kg/m² in North America (V); the HR is smaller at older ages and overlaps the model's diabetes and heart-failure HRs (A: not adjusted)",
        "Mortality hazard ratio per 5 kg/m² of BMI above `mortality.bmi_hr_floor`";
    bmi_hr_floor = "mortality.bmi_hr_floor": 25.0, "kg/m²", Positive, Fixed,
        "Global BMI Mortality Collaboration 2016 Lancet 388:776: mortality minimal at 20-25 kg/m² (HR 1.00 at 20-22.5 and 22.5-25) (V)",
        "BMI above which the BMI mortality gradient applies (HR 1 at and below it)";
}

/// The table row of a parameter, by name.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    TABLE.iter().find(|p| p.name == name)
}

/// The parameter names closest to `name`, for "did you mean" hints.
pub fn closest(name: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .map(|p| (edit_distance(name, p.name), p.name))
        .filter(|(d, _)| *d <= 6)
        .min()
        .map(|(_, n)| n)
}

/// Levenshtein distance, small strings only.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Where draws 1.. take the calibrated parameters from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CalibratedDraws {
    /// A draw of the posterior sample of `sarcosim calibrate --posterior`
    /// (`docs/calibration/posterior.csv`, [`crate::validate::posterior::embedded`]).
    #[default]
    Posterior,
    /// Each from its own uncertainty in the table (the prior), like every other parameter.
    Prior,
}

impl Params {
    /// The parameters of draw `draw`: the given (central, overridden) values for draw 0;
    /// for later draws every uncertain parameter that the scenario did not pin is sampled,
    /// the calibrated ones jointly from their posterior sample.
    pub fn for_draw(&self, seed: u64, draw: u32, pinned: &[String]) -> Params {
        self.for_draw_from(seed, draw, pinned, CalibratedDraws::Posterior)
    }

    /// [`Params::for_draw`] with the calibrated parameters drawn `from` the posterior or
    /// the prior. Keyed by (seed, draw) alone: the same on every thread and shard. The
    /// table's parameters consume the stream first, as they always have, so the other
    /// parameters' draws do not depend on `from`; the posterior row is chosen by the
    /// stream's next number.
    pub fn for_draw_from(
        &self,
        seed: u64,
        draw: u32,
        pinned: &[String],
        from: CalibratedDraws,
    ) -> Params {
        let mut out = self.clone();
        if draw == 0 {
            return out;
        }
        let mut rng = crate::rng::stream(
            seed,
            draw,
            crate::rng::PARAMETER_PERSON,
            crate::rng::Process::Parameters,
        );
        for spec in TABLE {
            // Always consume the draw, so adding a pin leaves the others unchanged.
            let mut shifted = *spec;
            shifted.value = self.get(spec.name).unwrap_or(spec.value);
            let v = shifted.sample(&mut rng);
            if !pinned.iter().any(|p| p == spec.name) {
                out.set(spec.name, v);
            }
        }
        if from == CalibratedDraws::Posterior {
            let sample = crate::validate::posterior::embedded();
            let row = sample.row(rng.random::<f64>());
            for (name, v) in sample.names.iter().zip(row) {
                if !pinned.iter().any(|p| p == name) {
                    out.set(name, *v);
                }
            }
        }
        out
    }
}

impl std::fmt::Display for Uncertainty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Uncertainty::Fixed => write!(f, "fixed"),
            Uncertainty::Normal { sd } => write!(f, "normal sd {sd}"),
            Uncertainty::LogNormal95 { lo, hi } => write!(f, "log-normal 95% [{lo}, {hi}]"),
            Uncertainty::Uniform { lo, hi } => write!(f, "uniform [{lo}, {hi}]"),
        }
    }
}

/// The parameter table as text, for `sarcosim params`.
pub fn describe_table() -> String {
    let mut out = String::new();
    for p in TABLE {
        out.push_str(&format!(
            "{:<40} {:>10} {:<18} {:<30} {}\n      {}\n",
            p.name,
            p.value,
            p.unit,
            p.uncertainty.to_string(),
            p.description,
            p.source
        ));
    }
    out
}

/// The parameter table as Markdown, for `docs/model.md` (`sarcosim params --format markdown`).
pub fn markdown_table() -> String {
    let rows: Vec<Vec<String>> = TABLE
        .iter()
        .map(|p| {
            vec![
                format!("`{}`", p.name),
                p.value.to_string(),
                p.unit.to_string(),
                p.uncertainty.to_string(),
                p.description.to_string(),
                p.source.to_string(),
            ]
        })
        .collect();
    let header = [
        "parameter",
        "value",
        "unit",
        "uncertainty",
        "description",
        "source",
    ];
    crate::table::markdown(&header, &rows, header.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_unique_and_defaults_in_domain() {
        let mut names: Vec<_> = TABLE.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLE.len());
        for p in TABLE {
            assert!(
                p.domain.contains(p.value),
                "{} default outside its domain",
                p.name
            );
            assert!(!p.source.is_empty() && !p.unit.is_empty() || p.unit.is_empty());
        }
    }

    #[test]
    fn get_and_set_by_name_round_trip() {
        let mut p = Params::central();
        assert_eq!(p.get("mortality.sarcopenia_hr"), Some(1.60));
        assert!(p.set("mortality.sarcopenia_hr", 2.0));
        assert_eq!(p.sarcopenia_hr, 2.0);
        assert!(!p.set("mortality.no_such", 1.0));
        assert_eq!(
            closest("mortality.sarcopenia_h"),
            Some("mortality.sarcopenia_hr")
        );
    }

    #[test]
    fn draws_vary_uncertain_parameters_and_respect_pins() {
        let central = Params::central();
        assert_eq!(central.for_draw(1, 0, &[]), central);
        let d1 = central.for_draw(1, 1, &[]);
        let d2 = central.for_draw(1, 2, &[]);
        assert_ne!(d1.sarcopenia_hr, d2.sarcopenia_hr);
        assert_eq!(
            d1.basal_turnover, central.basal_turnover,
            "fixed parameters never move"
        );
        let pinned = central.for_draw(1, 1, &["mortality.sarcopenia_hr".to_string()]);
        assert_eq!(pinned.sarcopenia_hr, central.sarcopenia_hr);
        assert_eq!(
            pinned.diabetes_hr, d1.diabetes_hr,
            "a pin leaves other draws unchanged"
        );
    }
}
