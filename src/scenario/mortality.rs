//! `[mortality]`: which period life table the population follows, and an optional yearly
//! improvement of mortality over the run.
//!
//! ```toml
//! [mortality]
//! life_table = "us-ssa-2021"       # a shipped table, or a CSV file (relative to the scenario)
//! improvement_per_year = 0.01      # hazards fall by 1 % a year from the start of the run
//! ```

use super::locate::KeyPath;
use super::problem::Problem;
use super::raw::RawMortality;
use crate::model::life_table::{self, LifeTable};
use serde::Serialize;
use std::path::Path;

/// Largest yearly improvement accepted (hazards halve in about 7 years at 0.1).
pub const MAX_IMPROVEMENT: f64 = 0.1;

/// The mortality a scenario's population follows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mortality {
    pub life_table: LifeTable,
    /// Fraction by which every baseline hazard falls per year of run time.
    pub improvement_per_year: f64,
}

impl Default for Mortality {
    fn default() -> Self {
        Self {
            life_table: life_table::default_table().clone(),
            improvement_per_year: 0.0,
        }
    }
}

impl Mortality {
    /// The default table without improvement (left out of the scenario's fingerprint, so
    /// scenarios written before `[mortality]` existed keep theirs).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// One line for `sarcosim check`.
    pub fn describe(&self) -> String {
        format!(
            "mortality   life table {} ({:?}, ages {}-{}) · improvement {} per year",
            self.life_table.name,
            self.life_table.rate,
            self.life_table.first_age,
            self.life_table.first_age + self.life_table.qx(false).len() - 1,
            self.improvement_per_year
        )
    }
}

/// Checks `[mortality]`; a file name is read relative to `base` (the scenario's folder).
pub fn check_mortality(
    raw: Option<&RawMortality>,
    base: &Path,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Mortality {
    let mut m = Mortality::default();
    let Some(raw) = raw else { return m };
    if let Some(name) = raw.life_table.as_deref() {
        match load(name, base) {
            Ok(t) => m.life_table = t,
            Err(p) => problems.push(Problem {
                path: path.key("life_table"),
                ..p
            }),
        }
    }
    if let Some(r) = raw.improvement_per_year {
        if (0.0..=MAX_IMPROVEMENT).contains(&r) {
            m.improvement_per_year = r;
        } else {
            problems.push(
                Problem::new(
                    path.key("improvement_per_year"),
                    format!("{r} is outside 0 to {MAX_IMPROVEMENT}"),
                )
                .hint("a fraction per year: 0.01 lowers every hazard by 1 % a year"),
            );
        }
    }
    m
}

/// A shipped table by name, or a CSV file.
fn load(name: &str, base: &Path) -> Result<LifeTable, Problem> {
    if let Some(t) = life_table::shipped(name) {
        return Ok(t.clone());
    }
    let looks_like_file = name.ends_with(".csv") || name.contains('/');
    if !looks_like_file {
        return Err(
            Problem::at_top(format!("no shipped life table `{name}`")).hint(format!(
                "shipped tables: {}; or give a CSV file (ending in .csv)",
                life_table::shipped_names().join(", ")
            )),
        );
    }
    LifeTable::from_file(&base.join(name), name).map_err(|e| {
        Problem::at_top(e.to_string()).hint(
            "a life table is a CSV `age,qx_male,qx_female` (or mx_…) by single year of age \
             covering at least 50-90; see docs/model.md, \"Populations\"",
        )
    })
}
