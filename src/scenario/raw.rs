//! The scenario file as written: serde types that mirror the TOML, with every field
//! optional so that validation can report all missing keys at once instead of serde
//! stopping at the first.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub seed: Option<i64>,
    pub population: Option<i64>,
    pub draws: Option<i64>,
    pub horizon: Option<String>,
    pub step: Option<String>,
    pub record_every: Option<String>,
    #[serde(default)]
    pub cohort: Vec<RawCohort>,
    #[serde(default)]
    pub arm: Vec<RawArm>,
    #[serde(default)]
    pub parameters: BTreeMap<String, f64>,
    pub output: Option<RawOutput>,
    pub economics: Option<RawEconomics>,
    pub comparison: Option<RawComparison>,
    pub mortality: Option<RawMortality>,
    /// A named set of body-size references (`scenario::reference_population`).
    pub reference_population: Option<String>,
    /// `[sweep]`: names as `--set` takes them → lists of values (see `scenario::sweep`).
    pub sweep: Option<BTreeMap<String, toml::Value>>,
}

/// `[mortality]`: a life table (shipped name or CSV path), a yearly improvement and the
/// population the table describes.
#[derive(Debug, Default, Deserialize)]
pub struct RawMortality {
    pub life_table: Option<String>,
    pub improvement_per_year: Option<f64>,
    pub reference_cohort: Option<RawReferenceCohort>,
}

/// `reference_cohort`: a shipped cohort's name (`"japan"`), one table
/// (`[mortality.reference_cohort]`) or several (`[[mortality.reference_cohort]]`) with the
/// keys of a `[[cohort]]`. Read by hand (not an untagged enum) so that unknown keys inside
/// the tables are still reported with their path.
#[derive(Debug)]
pub enum RawReferenceCohort {
    Name(String),
    /// `[mortality.reference_cohort]`: one table.
    One(Box<RawCohort>),
    /// `[[mortality.reference_cohort]]`: an array of tables.
    Cohorts(Vec<RawCohort>),
}

impl<'de> Deserialize<'de> for RawReferenceCohort {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawReferenceCohort;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a shipped reference cohort's name (e.g. \"japan\") or tables with the keys of a [[cohort]]",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawReferenceCohort::Name(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut cohorts = Vec::new();
                while let Some(c) = seq.next_element::<RawCohort>()? {
                    cohorts.push(c);
                }
                Ok(RawReferenceCohort::Cohorts(cohorts))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let one =
                    RawCohort::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawReferenceCohort::One(Box::new(one)))
            }
        }
        d.deserialize_any(V)
    }
}

/// `[comparison]`: checkpoints of the paired comparison.
#[derive(Debug, Default, Deserialize)]
pub struct RawComparison {
    /// Run times, e.g. `["5y", "10y"]`.
    pub times: Option<Vec<String>>,
    /// Ages, e.g. `[75, 85]`.
    pub ages: Option<Vec<f64>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawCohort {
    pub name: Option<String>,
    pub share: Option<f64>,
    pub female: Option<f64>,
    pub age: Option<RawDist>,
    pub height: Option<RawDist>,
    pub bmi: Option<RawDist>,
    pub protein_g_per_kg: Option<RawDist>,
    pub training_sessions_per_week: Option<RawDist>,
    pub conditions: Option<RawConditions>,
    pub alm_index: Option<RawDist>,
    pub grip: Option<RawDist>,
    /// A microdata file (CSV or Parquet, relative to the scenario) to draw persons from.
    pub from: Option<String>,
    /// How persons are taken from `from`: `"weighted"` (default) or `"as_is"`.
    pub sample: Option<String>,
}

/// A distribution: `{ fixed = 65 }`, `{ uniform = [60, 70] }` or
/// `{ normal = { mean = 27, sd = 4.5, min = 16, max = 45 } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawDist {
    Fixed(f64),
    Uniform([f64; 2]),
    Normal(RawNormal),
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawNormal {
    pub mean: f64,
    pub sd: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawConditions {
    pub diabetes: Option<f64>,
    pub ckd: Option<f64>,
    pub copd: Option<f64>,
    pub heart_failure: Option<f64>,
    pub cancer: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawArm {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub intervention: Vec<RawIntervention>,
}

/// One `[[arm.intervention]]`: the common keys, and the rest (the kind's own keys, read
/// by the kind's check in `interventions::kinds`; anything else is an unknown key).
#[derive(Debug, Default, Deserialize)]
pub struct RawIntervention {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub eligible: Option<RawEligible>,
    /// `"0y"` (offset from the start of the run) or `{ at_age = 65 }`.
    pub start: Option<toml::Value>,
    pub duration: Option<String>,
    pub uptake: Option<f64>,
    pub adherence: Option<f64>,
    pub dropout_per_year: Option<f64>,
    pub cost_per_year: Option<f64>,
    #[serde(flatten)]
    pub own: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawEligible {
    pub age: Option<[f64; 2]>,
    pub sex: Option<String>,
    pub conditions_any: Option<Vec<String>>,
    /// `"any"`, `"yes"`/`true`, `"no"`/`false`.
    pub sarcopenic: Option<toml::Value>,
}

/// `[economics]`: every key optional, defaults in `crate::economics`.
#[derive(Debug, Default, Deserialize)]
pub struct RawEconomics {
    pub discount_rate: Option<f64>,
    pub utility: Option<f64>,
    pub utility_sarcopenia: Option<f64>,
    pub utility_per_condition: Option<BTreeMap<String, f64>>,
    pub cost_sarcopenia_per_year: Option<f64>,
    pub cost_per_bed_day: Option<f64>,
    pub cost_per_condition_per_year: Option<BTreeMap<String, f64>>,
    pub willingness_to_pay: Option<f64>,
    pub currency: Option<String>,
    pub vary_in_draws: Option<bool>,
    pub wtp_grid: Option<Vec<f64>>,
    pub evpi_population: Option<f64>,
    pub evpi_years: Option<f64>,
    pub evppi_groups: Option<BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawOutput {
    /// `"all"`, `"none"` or `{ sample = N }`; checked by hand for a clearer message.
    pub trajectories: Option<toml::Value>,
}
