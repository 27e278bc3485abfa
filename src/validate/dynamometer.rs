//! Grip as each target's study measured it (issue 12, measurement models; grip helper):
//! the instrument and the rule that makes one figure of a person's trials and hands.
//!
//! The model's grip stands for what its fit targets measured: Dodds 2014's twelve British
//! studies, pooled as the maximum of every trial of both hands, mostly on a Jamar
//! hydraulic dynamometer ([`DODDS`], the reference: factor 1). A target measured otherwise
//! reads the model's grip × a factor per instrument × a factor per hands rule
//! ([`measured_grip`]); the factors are the `grip.*` rows of the parameter table (a
//! validation-only block, Fixed, read by nothing in `sarcosim run`), sourced from
//! method-comparison studies that are not targets. Each grip target names its protocol in
//! [`PROTOCOLS`]; a protocol whose instrument or rule was not read in the target's source
//! is the reference (no conversion without a read protocol).

use super::sim::Snap;
use crate::params::Params;

/// The dynamometer a study used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instrument {
    /// Jamar hydraulic or an equivalent hydraulic (Baseline: "equivalent and therefore
    /// interchangeable", Irwin & Sesto 2010, J Hand Ther 23:281, V), or Dodds 2014's pool.
    Hydraulic,
    /// A Smedley-type spring dynamometer (analogue dial): reads
    /// `grip.smedley_per_jamar` of the Jamar hydraulic (Benton 2022 and Lessof 2023 pooled).
    SmedleySpring,
    /// Takei T.K.K. 5401 digital (a strain-gauge Smedley-type grip): reads
    /// `grip.takei_digital_per_jamar` of the Jamar hydraulic.
    TakeiDigital,
    /// Not read in the source, or several instruments pooled: the reference.
    NotRead,
}

/// How a study made one figure of each person's trials and hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hands {
    /// The maximum over both hands (Dodds 2014's rule): the reference.
    MaxOfBoth,
    /// Each hand's best trial, averaged over the two hands: `grip.mean_of_hands_per_max`
    /// of the maximum over both hands.
    MeanOfBoth,
    /// The dominant hand only: `grip.dominant_per_max` of the maximum over both hands.
    Dominant,
    /// Not read in the source: the reference.
    NotRead,
}

/// A study's grip protocol. The number of trials per hand is in the label only: no
/// method comparison giving its effect on the maximum was found (factor 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GripProtocol {
    pub instrument: Instrument,
    pub hands: Hands,
    /// What the study did, with V (read in the source's abstract or text), P (from a
    /// secondary source or the study's documentation as cited) or U (not read).
    pub label: &'static str,
}

/// The model's grip: Dodds 2014's pooled British norms (its medians are the fit targets).
pub const DODDS: GripProtocol = GripProtocol {
    instrument: Instrument::Hydraulic,
    hands: Hands::MaxOfBoth,
    label: "maximum of all trials of both hands, mostly Jamar hydraulic, in 12 British studies (Dodds 2014: 'max grip, either hand, Jamar-type', P; the reference)",
};
/// A study in Dodds 2014's pool (Hertfordshire, Newcastle 85+): its own protocol is the
/// reference by construction.
pub const DODDS_POOL: GripProtocol = GripProtocol {
    instrument: Instrument::Hydraulic,
    hands: Hands::MaxOfBoth,
    label: "one of Dodds 2014's twelve studies (Jamar, maximum of both hands, P): the reference",
};
/// Health and Retirement Study: Smedley spring dynamometer at home, two trials per hand.
pub const HRS: GripProtocol = GripProtocol {
    instrument: Instrument::SmedleySpring,
    hands: Hands::MaxOfBoth,
    label: "Smedley spring dynamometer at home (P: the target's source as transcribed), two trials per hand, maximum (P: HRS documentation as cited)",
};
/// NHANES 2011-2012 (Looker & Wang 2015).
pub const NHANES: GripProtocol = GripProtocol {
    instrument: Instrument::TakeiDigital,
    hands: Hands::MaxOfBoth,
    label: "Takei digital dynamometer, maximum grip of either hand (V: Looker & Wang 2015), three trials per hand (P)",
};
/// German Socio-Economic Panel (Steiber 2016).
pub const SOEP: GripProtocol = GripProtocol {
    instrument: Instrument::SmedleySpring,
    hands: Hands::MaxOfBoth,
    label: "Smedley dynamometer (V: Steiber 2016 abstract), maximum of both hands (P)",
};
/// The Danish surveys of Frederiksen 2006.
pub const DANISH: GripProtocol = GripProtocol {
    instrument: Instrument::SmedleySpring,
    hands: Hands::MaxOfBoth,
    label: "Smedley dynamometer (V: Frederiksen 2006), hands rule not read (U: maximum assumed)",
};
/// Japan Sports Agency (MEXT) new physical fitness test.
pub const MEXT: GripProtocol = GripProtocol {
    instrument: Instrument::SmedleySpring,
    hands: Hands::MeanOfBoth,
    label: "Smedley-type dynamometer, two trials per hand alternately, each hand's better trial averaged over both hands (P: the test's manual as commonly cited, not read here)",
};
/// The Irish Longitudinal Study on Ageing.
pub const TILDA: GripProtocol = GripProtocol {
    instrument: Instrument::Hydraulic,
    hands: Hands::MaxOfBoth,
    label: "Baseline hydraulic dynamometer, two trials per hand, maximum (P: TILDA documentation as cited; Baseline ≡ Jamar, Irwin & Sesto 2010, V)",
};
/// UK Biobank (Dodds 2020).
pub const UK_BIOBANK: GripProtocol = GripProtocol {
    instrument: Instrument::Hydraulic,
    hands: Hands::MaxOfBoth,
    label: "Jamar J00105 hydraulic (V: UK Biobank showcase, category 100019), right and left hand, one trial each, maximum of both (P)",
};
/// The FNIH project's pooled cohorts (Alley 2014).
pub const FNIH_POOL: GripProtocol = GripProtocol {
    instrument: Instrument::Hydraulic,
    hands: Hands::MaxOfBoth,
    label: "pooled cohorts: 11 of 13 used Jamar dynamometers, the maximum in either hand analysed (P: the FNIH project's methods text as quoted on a secondary page)",
};
/// KORA-Age (Huemer 2023's target): "handgrip strength was measured using the Jamar
/// Dynamometer" (Arvandi 2016, BMC Geriatr 16:201, same cohort, V); hands rule not read.
pub const KORA_AGE: GripProtocol = GripProtocol {
    instrument: Instrument::Hydraulic,
    hands: Hands::NotRead,
    label: "Jamar dynamometer (V: Arvandi 2016, KORA-Age), hands rule not read (U)",
};
/// DO-HEALTH: grip by Martin Vigorimeter in kPa (the Swiss baseline analysis, PMC10403936,
/// V); how Stuck 2023 put it on the definitions' kg cut-offs was not read, so no factor.
pub const DO_HEALTH: GripProtocol = GripProtocol {
    instrument: Instrument::NotRead,
    hands: Hands::NotRead,
    label: "Martin Vigorimeter, kPa, dominant hand (V: DO-HEALTH Swiss baseline analysis); how the kg cut-offs were applied not read (U): the reference assumed",
};
/// A study whose grip protocol was not read in its source this session.
pub const NOT_READ: GripProtocol = GripProtocol {
    instrument: Instrument::NotRead,
    hands: Hands::NotRead,
    label: "instrument and hands rule not read (U): the reference assumed",
};
/// Pooled reviews and meta-analyses over many studies' instruments and rules.
pub const POOLED: GripProtocol = GripProtocol {
    instrument: Instrument::NotRead,
    hands: Hands::NotRead,
    label: "pooled over studies with several instruments and rules (U): the reference assumed",
};
/// Within-person ratios of grip to grip (a rate of loss, a change vs control): a constant
/// factor of instrument or rule cancels, whatever the study used.
pub const RATIO: GripProtocol = GripProtocol {
    instrument: Instrument::NotRead,
    hands: Hands::NotRead,
    label: "a ratio of grip to grip in the same persons: an instrument factor cancels",
};

/// Every target that reads grip (alone, as grip/BMI or inside a sarcopenia definition),
/// its study's protocol, and whether its code converts the model's grip through
/// [`measured_grip`] (`false`: a protocol whose factor is 1, so the model's grip is read as
/// it is; a test holds those factors to 1).
pub const PROTOCOLS: &[(&str, GripProtocol, bool)] = &[
    // Dodds 2014 and studies in its pool: the reference.
    ("dodds-grip-p50-m-60", DODDS, false),
    ("dodds-grip-p50-m-65", DODDS, false),
    ("dodds-grip-p50-m-70", DODDS, false),
    ("dodds-grip-p50-m-75", DODDS, false),
    ("dodds-grip-p50-m-80", DODDS, false),
    ("dodds-grip-p50-m-85", DODDS, false),
    ("dodds-grip-p50-m-90", DODDS, false),
    ("dodds-grip-p50-w-60", DODDS, false),
    ("dodds-grip-p50-w-65", DODDS, false),
    ("dodds-grip-p50-w-70", DODDS, false),
    ("dodds-grip-p50-w-75", DODDS, false),
    ("dodds-grip-p50-w-80", DODDS, false),
    ("dodds-grip-p50-w-85", DODDS, false),
    ("dodds-grip-p50-w-90", DODDS, false),
    ("dodds-grip-p10-m-60", DODDS, false),
    ("dodds-grip-p90-m-60", DODDS, false),
    ("dodds-grip-p10-m-70", DODDS, false),
    ("dodds-grip-p90-m-70", DODDS, false),
    ("dodds-grip-p10-m-80", DODDS, false),
    ("dodds-grip-p90-m-80", DODDS, false),
    ("dodds-grip-p10-m-90", DODDS, false),
    ("dodds-grip-p90-m-90", DODDS, false),
    ("dodds-grip-p10-w-60", DODDS, false),
    ("dodds-grip-p90-w-60", DODDS, false),
    ("dodds-grip-p10-w-70", DODDS, false),
    ("dodds-grip-p90-w-70", DODDS, false),
    ("dodds-grip-p10-w-80", DODDS, false),
    ("dodds-grip-p90-w-80", DODDS, false),
    ("dodds-grip-p10-w-90", DODDS, false),
    ("dodds-grip-p90-w-90", DODDS, false),
    ("dodds-weak-grip-80-m", DODDS, false),
    ("dodds-weak-grip-80-w", DODDS, false),
    ("dodds-grip-30-to-45-m", DODDS, false),
    ("dodds-grip-30-to-45-w", DODDS, false),
    ("patel-prevalence-m", DODDS_POOL, false),
    ("patel-prevalence-w", DODDS_POOL, false),
    ("dodds-newcastle-85", DODDS_POOL, false),
    ("granic-grip-85-to-90-m", DODDS_POOL, false),
    ("granic-grip-85-to-90-w", DODDS_POOL, false),
    // Converted: an instrument or hands rule read in the source (V or P) differs.
    ("hrs-weak-grip-60-m", HRS, true),
    ("hrs-weak-grip-60-w", HRS, true),
    ("hrs-weak-grip-bmi-60-m", HRS, true),
    ("hrs-weak-grip-bmi-60-w", HRS, true),
    ("steiber-grip-60-64-m", SOEP, true),
    ("steiber-grip-60-64-w", SOEP, true),
    ("frederiksen-grip-loss-50-85-m", DANISH, true),
    ("frederiksen-grip-loss-50-85-w", DANISH, true),
    ("sports-agency-grip-60-m", MEXT, true),
    ("sports-agency-grip-60-w", MEXT, true),
    ("sports-agency-grip-65-m", MEXT, true),
    ("sports-agency-grip-65-w", MEXT, true),
    ("sports-agency-grip-70-m", MEXT, true),
    ("sports-agency-grip-70-w", MEXT, true),
    ("sports-agency-grip-75-m", MEXT, true),
    ("sports-agency-grip-75-w", MEXT, true),
    // NHANES: Takei digital; its factor is 1 until the size of Savas 2023's difference is
    // read (the row's source says so), so the model's grip is read as it is.
    ("looker-weak-grip-60", NHANES, false),
    ("looker-intermediate-grip-60", NHANES, false),
    ("looker-reduced-grip-80-m", NHANES, false),
    ("looker-reduced-grip-80-w", NHANES, false),
    // Hydraulic, maximum of both hands: the reference's instrument and rule.
    ("tilda-probable-sarcopenia", TILDA, false),
    ("ukb-probable-sarcopenia-40-69", UK_BIOBANK, false),
    ("alley-weak-grip-m", FNIH_POOL, false),
    ("alley-weak-grip-w", FNIH_POOL, false),
    ("alley-intermediate-grip-m", FNIH_POOL, false),
    ("alley-intermediate-grip-w", FNIH_POOL, false),
    ("huemer-probable-sarcopenia-65", KORA_AGE, false),
    // Protocol not read, or not convertible to kg, this session: the reference assumed.
    ("do-health-ewgsop2", DO_HEALTH, false),
    ("do-health-awgs2019", DO_HEALTH, false),
    ("do-health-ewgsop1", DO_HEALTH, false),
    ("do-health-fnih", DO_HEALTH, false),
    ("do-health-fnih-alm", DO_HEALTH, false),
    ("do-health-awgs2014", DO_HEALTH, false),
    ("rotterdam-ewgsop1", NOT_READ, false),
    ("sweden-ewgsop2-70", NOT_READ, false),
    ("sweden-ewgsop2-85", NOT_READ, false),
    ("kitamura-awgs2019-65-84-m", NOT_READ, false),
    ("kitamura-awgs2019-65-84-w", NOT_READ, false),
    ("road-awgs2014-60", NOT_READ, false),
    ("hisayama-awgs2014-65", NOT_READ, false),
    // Pooled over studies.
    ("shafiee-prevalence-m", POOLED, false),
    ("shafiee-prevalence-w", POOLED, false),
    ("mayhew-ewgsop-65", POOLED, false),
    ("makizako-awgs2014-65-84-m", POOLED, false),
    ("makizako-awgs2014-65-84-w", POOLED, false),
    ("kamide-grip-65-84-m", POOLED, false),
    ("kamide-grip-65-84-w", POOLED, false),
    // Ratios of grip to grip.
    ("goodpaster-strength-vs-mass", RATIO, false),
    ("mitchell-strength-loss-m", RATIO, false),
    ("mitchell-strength-loss-w", RATIO, false),
    ("esain-grip-detraining", RATIO, false),
    // Correlations of grip with itself: free of the instrument's scale.
    ("rantanen-grip-tracking-27y-m", RATIO, false),
    ("healthabc-grip-tracking-9y", RATIO, false),
    // SDs of yearly change in kg: instruments not applied (docs/validation.md, "Spread of
    // within-person change": a scale factor moves an SD by at most ≈ 8 %).
    ("syddall-grip-change-sd-m", NOT_READ, false),
    ("syddall-grip-change-sd-w", NOT_READ, false),
    ("granic-grip-change-sd-85-m", NOT_READ, false),
    ("granic-grip-change-sd-85-w", NOT_READ, false),
    ("ling-grip-change-sd-85-m", NOT_READ, false),
    ("ling-grip-change-sd-85-w", NOT_READ, false),
];

/// The protocol of grip target `id` ([`PROTOCOLS`]). Panics if `id` names none: every grip
/// target must name its study's protocol.
pub fn protocol(id: &str) -> GripProtocol {
    PROTOCOLS
        .iter()
        .find(|(t, _, _)| *t == id)
        .map(|(_, p, _)| *p)
        .unwrap_or_else(|| panic!("grip target {id} names no protocol (validate::dynamometer)"))
}

/// The factor by which `protocol` reads the model's grip: instrument × hands rule.
pub fn factor(protocol: GripProtocol, params: &Params) -> f64 {
    let instrument = match protocol.instrument {
        Instrument::Hydraulic | Instrument::NotRead => 1.0,
        Instrument::SmedleySpring => params.grip_smedley_per_jamar,
        Instrument::TakeiDigital => params.grip_takei_per_jamar,
    };
    let hands = match protocol.hands {
        Hands::MaxOfBoth | Hands::NotRead => 1.0,
        Hands::MeanOfBoth => params.grip_mean_of_hands,
        Hands::Dominant => params.grip_dominant_hand,
    };
    instrument * hands
}

/// Grip as `protocol` measures a person whose grip in the model (Dodds 2014's protocol:
/// Jamar-type, maximum of both hands) is `grip`: `grip × factor(protocol)`.
pub fn measured_grip(grip: f64, protocol: GripProtocol, params: &Params) -> f64 {
    grip * factor(protocol, params)
}

/// A record as `protocol` reads it: its grip converted by [`measured_grip`], everything
/// else as simulated. For targets that read `grip` (alone, over BMI, or in a definition
/// computed here from `grip`); the model's own classification flags (`ewgsop2`, `awgs`,
/// `fnih`) are not recomputed.
pub fn measured(s: &Snap, protocol: GripProtocol, params: &Params) -> Snap {
    Snap {
        grip: measured_grip(s.grip, protocol, params),
        ..*s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smedley_reads_below_the_jamar_by_the_sourced_factor() {
        let p = Params::central();
        // Between the two method comparisons: Benton 2022 (23.4 kg on the Smedley where the
        // Jamar read 27.4) and Lessof 2023 (no difference), at their geometric mean.
        let smedley = measured_grip(27.4, HRS, &p);
        assert!(smedley < 27.4 && smedley > 23.4, "Smedley reads {smedley}");
        let pooled = (23.4_f64 / 27.4).sqrt();
        assert!((p.grip_smedley_per_jamar - pooled).abs() < 0.002);
        assert_eq!(
            measured_grip(30.0, HRS, &p),
            30.0 * p.grip_smedley_per_jamar
        );
        // The mean of both hands reads below their maximum; both factors multiply.
        assert!(measured_grip(30.0, MEXT, &p) < measured_grip(30.0, SOEP, &p));
        let both = p.grip_smedley_per_jamar * p.grip_mean_of_hands;
        assert!((factor(MEXT, &p) - both).abs() < 1e-12);
        let dominant = GripProtocol {
            instrument: Instrument::Hydraulic,
            hands: Hands::Dominant,
            label: "Jamar, dominant hand",
        };
        assert!(measured_grip(30.0, dominant, &p) < 30.0);
        // A factor read from the parameters, not a constant.
        let mut q = p.clone();
        q.grip_smedley_per_jamar = 0.5;
        assert_eq!(measured_grip(30.0, HRS, &q), 15.0);
    }

    #[test]
    fn the_reference_protocol_reads_the_models_grip() {
        let p = Params::central();
        for protocol in [
            DODDS, DODDS_POOL, TILDA, UK_BIOBANK, FNIH_POOL, NOT_READ, POOLED, RATIO,
        ] {
            assert_eq!(
                measured_grip(31.7, protocol, &p),
                31.7,
                "{}",
                protocol.label
            );
        }
    }

    #[test]
    fn every_target_read_without_conversion_has_factor_one() {
        let p = Params::central();
        for (id, named, converted) in PROTOCOLS {
            if *converted {
                assert_ne!(factor(*named, &p), 1.0, "{id} converts by 1");
            } else {
                assert_eq!(factor(*named, &p), 1.0, "{id} is read without conversion");
            }
            assert_eq!(protocol(id), *named);
        }
        let mut ids: Vec<&str> = PROTOCOLS.iter().map(|(id, _, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PROTOCOLS.len(), "a target named twice");
    }
}
