//! `[mortality]`: which period life table the population follows, an optional yearly
//! improvement of mortality over the run, and the population the table describes (the
//! reference cohort the baseline is calibrated on).
//!
//! ```toml
//! [mortality]
//! life_table = "us-ssa-2021"       # a shipped table, or a CSV file (relative to the scenario)
//! improvement_per_year = 0.01      # hazards fall by 1 % a year from the start of the run
//! reference_cohort = "japan"       # default: follows reference_population (western → western,
//!                                  # east-asian → japan)
//!
//! # or describe it, with the keys of a [[cohort]] (age 50, no `from`):
//! [[mortality.reference_cohort]]
//! name = "men at 50"
//! female = 0.0
//! bmi = { normal = { mean = 24, sd = 3, min = 15, max = 45 } }
//! conditions = { diabetes = 0.12 }
//! ```

use super::locate::KeyPath;
use super::problem::Problem;
use super::raw::{RawCohort, RawDist, RawMortality, RawReferenceCohort};
use super::Cohort;
use crate::model::life_table::{self, LifeTable, FIRST_AGE};
use crate::reference;
use serde::Serialize;
use std::path::Path;

/// The population a life table is taken to describe, at 50 (the first age of the
/// calibration): the mortality baseline is scaled so that it dies at the table's rates.
#[derive(Clone, Debug, Serialize)]
pub struct ReferenceCohort {
    /// A shipped cohort's name, or [`ReferenceCohort::DESCRIBED`].
    pub name: String,
    /// Its cohorts (shares normalised), each of age 50.
    pub cohorts: Vec<Cohort>,
}

impl ReferenceCohort {
    /// The name of a cohort described in the scenario.
    pub const DESCRIBED: &'static str = "described in the scenario";

    /// The shipped cohort of this name.
    pub fn shipped(name: &str) -> Option<Self> {
        reference::shipped_reference_cohort(name).map(|cohorts| Self {
            name: name.to_string(),
            cohorts,
        })
    }

    /// The default: the western cohort (`reference::reference_cohort`).
    pub fn western() -> Self {
        Self::shipped(reference::WESTERN).expect("the western cohort is shipped")
    }

    /// The default (left out of the scenario's fingerprint, so scenarios written before
    /// the key existed keep theirs).
    pub fn is_default(&self) -> bool {
        *self == Self::western()
    }
}

impl PartialEq for ReferenceCohort {
    fn eq(&self, other: &Self) -> bool {
        // A reference cohort has no microdata, and Debug prints every f64 exactly.
        self.name == other.name && format!("{:?}", self.cohorts) == format!("{:?}", other.cohorts)
    }
}

impl Default for ReferenceCohort {
    fn default() -> Self {
        Self::western()
    }
}

/// Largest yearly improvement accepted (hazards halve in about 7 years at 0.1).
pub const MAX_IMPROVEMENT: f64 = 0.1;

/// The mortality a scenario's population follows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mortality {
    pub life_table: LifeTable,
    /// Fraction by which every baseline hazard falls per year of run time.
    pub improvement_per_year: f64,
    /// The population the table describes (left out of the fingerprint when the default).
    #[serde(skip_serializing_if = "ReferenceCohort::is_default")]
    pub reference_cohort: ReferenceCohort,
}

impl Default for Mortality {
    fn default() -> Self {
        Self {
            life_table: life_table::default_table().clone(),
            improvement_per_year: 0.0,
            reference_cohort: ReferenceCohort::western(),
        }
    }
}

impl Mortality {
    /// The default table without improvement (left out of the scenario's fingerprint, so
    /// scenarios written before `[mortality]` existed keep theirs).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The lines for `sarcosim check`.
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut o = format!(
            "mortality   life table {} ({:?}, ages {}-{}) · improvement {} per year\n\
             \x20           reference cohort {} (the population the table describes, at {FIRST_AGE})",
            self.life_table.name,
            self.life_table.rate,
            self.life_table.first_age,
            self.life_table.first_age + self.life_table.qx(false).len() - 1,
            self.improvement_per_year,
            self.reference_cohort.name,
        );
        for c in &self.reference_cohort.cohorts {
            let conds: Vec<String> = super::CONDITIONS
                .iter()
                .zip(c.conditions)
                .map(|(n, p)| format!("{n} {p}"))
                .collect();
            let _ = write!(
                o,
                "\n              {} · share {:.3} · female {} · bmi {} · protein {} · {}",
                c.name,
                c.share,
                c.female,
                c.bmi,
                c.protein_g_per_kg,
                conds.join(", ")
            );
        }
        o
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
    if let Some(r) = &raw.reference_cohort {
        if let Some(c) = check_reference_cohort(r, base, &path.key("reference_cohort"), problems) {
            m.reference_cohort = c;
        }
    }
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

/// Whether `[mortality]` names or describes its reference cohort (else it follows the
/// scenario's `reference_population`).
pub fn names_reference_cohort(raw: Option<&RawMortality>) -> bool {
    raw.is_some_and(|r| r.reference_cohort.is_some())
}

/// `reference_cohort`: a shipped name, or cohorts with the keys of a `[[cohort]]` whose age
/// is the calibration's first age (50) and that are not drawn `from` a file.
fn check_reference_cohort(
    raw: &RawReferenceCohort,
    base: &Path,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Option<ReferenceCohort> {
    let names = || {
        reference::REFERENCE_COHORTS
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (raw_cohorts, single) = match raw {
        RawReferenceCohort::Name(name) => {
            let found = ReferenceCohort::shipped(name);
            if found.is_none() {
                problems.push(
                    Problem::new(
                        path.clone(),
                        format!("no shipped reference cohort `{name}`"),
                    )
                    .hint(format!(
                        "shipped: {}; or describe it in [[mortality.reference_cohort]] \
                             with the keys of a [[cohort]] (docs/model.md, \"Reference cohorts\")",
                        names()
                    )),
                );
            }
            return found;
        }
        RawReferenceCohort::One(c) => (std::slice::from_ref(&**c), true),
        RawReferenceCohort::Cohorts(c) => (c.as_slice(), false),
    };
    // One table has no index in its key paths.
    let here = |i: usize| if single { path.clone() } else { path.index(i) };
    if raw_cohorts.is_empty() {
        problems.push(
            Problem::new(path.clone(), "no cohort described")
                .hint(format!("name a shipped cohort ({}) or add tables", names())),
        );
        return None;
    }
    let before = problems.len();
    let at_fifty: Vec<RawCohort> = raw_cohorts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let here = here(i);
            match &c.age {
                None => {}
                Some(RawDist::Fixed(a)) if *a == FIRST_AGE as f64 => {}
                Some(_) => problems.push(
                    Problem::new(
                        here.key("age"),
                        format!(
                            "a reference cohort is the table's {FIRST_AGE}-year-olds \
                             (the calibration starts at {FIRST_AGE})"
                        ),
                    )
                    .hint(format!(
                        "leave `age` out, or write `age = {{ fixed = {FIRST_AGE} }}`"
                    )),
                ),
            }
            if c.from.is_some() || c.sample.is_some() {
                let key = if c.from.is_some() { "from" } else { "sample" };
                problems.push(
                    Problem::new(
                        here.key(key),
                        "a reference cohort is described by distributions, not drawn from a file",
                    )
                    .hint(
                        "give `bmi`, `protein_g_per_kg` and `conditions` of the population at 50",
                    ),
                );
            }
            RawCohort {
                age: Some(RawDist::Fixed(FIRST_AGE as f64)),
                from: None,
                sample: None,
                ..c.clone()
            }
        })
        .collect();
    let checked = problems.len();
    let cohorts = super::cohort::check_cohorts(&at_fifty, base, path, problems);
    if single {
        let at = path.0.len();
        for p in &mut problems[checked..] {
            if p.path.0.get(at) == Some(&super::locate::Seg::Index(0)) {
                p.path.0.remove(at);
            }
        }
    }
    (problems.len() == before).then(|| ReferenceCohort {
        name: ReferenceCohort::DESCRIBED.to_string(),
        cohorts,
    })
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
