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
}

#[derive(Debug, Default, Deserialize)]
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

#[derive(Debug, Default, Deserialize)]
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
}

#[derive(Debug, Default, Deserialize)]
pub struct RawOutput {
    /// `"all"`, `"none"` or `{ sample = N }`; checked by hand for a clearer message.
    pub trajectories: Option<toml::Value>,
}
