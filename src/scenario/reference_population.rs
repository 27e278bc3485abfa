//! `reference_population = "NAME"`: the body-size references a population's starting
//! values follow (the young-adult ALM/height² and its spread, adult height and its
//! spread), each value with its source. A reference sets the central values of those
//! parameters (`[parameters]` still overrides them, and later draws vary around them by
//! each parameter's own uncertainty); every other parameter stays the model's.
//!
//! ```toml
//! reference_population = "east-asian"   # default "western" (the model's own values)
//! ```

use super::locate::KeyPath;
use super::problem::Problem;
use crate::params::Params;

/// One parameter's value in a reference, with where it comes from.
#[derive(Clone, Copy, Debug)]
pub struct Value {
    pub parameter: &'static str,
    pub value: f64,
    pub source: &'static str,
}

/// A named set of body-size references.
#[derive(Clone, Copy, Debug)]
pub struct Reference {
    pub name: &'static str,
    pub description: &'static str,
    pub values: &'static [Value],
    /// The shipped reference cohort (`[mortality] reference_cohort`) a scenario naming this
    /// reference calibrates on unless it names another: the population its life table is
    /// taken to describe.
    pub reference_cohort: &'static str,
}

/// The default: the model's own parameter values (Gould 2013, NHANES-like stature).
pub const DEFAULT: &str = "western";

const SANADA: &str = "Sanada 2010 Eur J Appl Physiol 110:57-65 (DXA, 1,488 Japanese aged 18-85): \
    class 1/2 sarcopenia cut-offs (1 and 2 SD below the mean of adults 18-40) 7.77/6.87 kg/m² \
    (men), 6.12/5.46 (women), so SD = their difference and mean = class 1 + SD (derivation ours)";

const MORISAKI: &str = "Morisaki 2017, J Epidemiol Community Health 71:1014, \
    doi:10.1136/jech-2017-209266 (79 national, subnational and community surveys, 3,145,521 \
    Japanese adults born 1969-1996): mean adult height peaked in the cohorts born 1978-79 \
    (men 171.5 cm, women 158.5 cm; aged 30 around 2009) and fell to 170.8 / 158.3 cm for those \
    born in 1996 (V for the peak; P for 1996, from press reports of the paper; volume and \
    page P)";

/// The references a scenario may name.
pub const REFERENCES: &[Reference] = &[
    Reference {
        name: DEFAULT,
        description:
            "the model's own values: Gould 2013 young-adult ALM/height², NHANES-like stature",
        values: &[],
        reference_cohort: crate::reference::WESTERN,
    },
    Reference {
        name: "east-asian",
        description: "Japanese young-adult DXA reference (Sanada 2010; its −2 SD lies close to \
                      the AWGS cut-offs) and Japanese adult stature",
        values: &[
            Value {
                parameter: "population.almi_young_m",
                value: 8.67,
                source: SANADA,
            },
            Value {
                parameter: "population.almi_young_f",
                value: 6.78,
                source: SANADA,
            },
            Value {
                parameter: "population.almi_sd_m",
                value: 0.78,
                source: "Sanada 2010: total SD 0.90 (men) less the part BMI explains \
                         (`population.almi_per_bmi` 0.14 × BMI SD ≈ 3.2 of young Japanese \
                         adults, U, = 0.45): √(0.90² − 0.45²)",
            },
            Value {
                parameter: "population.almi_sd_f",
                value: 0.48,
                source: "Sanada 2010: total SD 0.66 (women) less the part BMI explains (0.14 × \
                         BMI SD ≈ 3.2, U, = 0.45): √(0.66² − 0.45²)",
            },
            Value {
                parameter: "population.height_mean_m",
                value: 1.715,
                source: MORISAKI,
            },
            Value {
                parameter: "population.height_mean_f",
                value: 1.585,
                source: MORISAKI,
            },
        ],
        reference_cohort: crate::reference::JAPAN,
    },
];

/// The reference of this name.
pub fn by_name(name: &str) -> Option<&'static Reference> {
    REFERENCES.iter().find(|r| r.name == name)
}

/// Checks `reference_population`; `None` for the default (so scenarios without the key,
/// or naming the default, keep their fingerprint).
pub fn check(raw: Option<&str>, problems: &mut Vec<Problem>) -> Option<&'static Reference> {
    let name = raw?;
    match by_name(name) {
        Some(r) if r.name == DEFAULT => None,
        Some(r) => Some(r),
        None => {
            let names: Vec<&str> = REFERENCES.iter().map(|r| r.name).collect();
            problems.push(
                Problem::new(
                    KeyPath::root().key("reference_population"),
                    format!("no reference population `{name}`"),
                )
                .hint(format!("use one of {}", names.join(", "))),
            );
            None
        }
    }
}

impl Reference {
    /// Sets the reference's values as the central values of `p`.
    pub fn apply(&self, p: &mut Params) {
        for v in self.values {
            p.set(v.parameter, v.value);
        }
    }
}

impl serde::Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_a_parameter_within_its_domain() {
        for r in REFERENCES {
            for v in r.values {
                let spec = crate::params::spec(v.parameter)
                    .unwrap_or_else(|| panic!("{}: {}", r.name, v.parameter));
                assert!(spec.domain.contains(v.value), "{}", v.parameter);
                assert!(!v.source.is_empty());
            }
        }
    }

    #[test]
    fn east_asian_values_follow_from_sanadas_cut_offs() {
        let r = by_name("east-asian").unwrap();
        let get = |n: &str| r.values.iter().find(|v| v.parameter == n).unwrap().value;
        // Mean = class 1 + (class 1 − class 2); SD at a given BMI = √(SD² − 0.45²).
        for (sex, c1, c2) in [("m", 7.77, 6.87), ("f", 6.12, 5.46)] {
            let sd: f64 = c1 - c2;
            let mean = get(&format!("population.almi_young_{sex}"));
            assert!((mean - (c1 + sd)).abs() < 0.005, "{sex}: {mean}");
            let sd_at_bmi = get(&format!("population.almi_sd_{sex}"));
            assert!((sd_at_bmi - (sd * sd - 0.45f64.powi(2)).sqrt()).abs() < 0.005);
        }
        let mut problems = Vec::new();
        assert!(check(Some("western"), &mut problems).is_none());
        assert!(check(Some("martian"), &mut problems).is_none());
        assert!(problems[0].message.contains("martian"), "{problems:?}");
    }
}
