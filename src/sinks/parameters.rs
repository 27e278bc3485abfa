//! `parameters.parquet`: the PSA table, one row per parameter draw 0..K with the sampled
//! value of every parameter and economic input the draws vary (draw 0: the central values
//! with the scenario's overrides). With the per-draw mean costs and QALYs of `outcomes/`
//! it is what dampack, BCEA or hesim take as a probabilistic sensitivity analysis, and
//! what the value-of-information analysis regresses on.
//!
//! Columns: `draw` (u32), then one f64 column per varied input, named as in `sarcosim
//! params` (`mortality.sarcopenia_hr`) or `[economics]` (`economics.utility`,
//! `economics.cost_per_condition_per_year.ckd`, `economics.intervention_cost_scale`), in
//! table order. Varied: a parameter whose uncertainty is not `fixed` and that the
//! scenario does not pin in `[parameters]`; an economic input when `vary_in_draws` is on
//! (see [`Economics::sampled_inputs`]). The file's key-value metadata holds
//! [`SCHEMA_KEY`] = [`SCHEMA`] and the run identity; the manifest records its check.

use crate::economics::Economics;
use crate::engine::draw_parameters;
use crate::error::{Error, Result};
use crate::params::{Uncertainty, TABLE};
use crate::scenario::Scenario;
use polars::prelude::*;
use std::path::Path;

/// The file's name in a results directory (the one place it is spelled).
pub const FILE: &str = "parameters.parquet";
/// The key-value metadata key holding the schema version.
pub use crate::output::table_file::SCHEMA_KEY;
/// The schema version; bumped when a column's meaning changes.
pub const SCHEMA: &str = "sarcosim-parameters/1";
/// The draw column.
pub const DRAW: &str = "draw";

/// One varied input: its name and its value in each draw of [`PsaTable::draws`].
#[derive(Clone, Debug, PartialEq)]
pub struct PsaColumn {
    pub name: String,
    pub values: Vec<f64>,
}

/// The PSA table of a run: draws 0..K and the varied inputs' values in each.
#[derive(Clone, Debug, PartialEq)]
pub struct PsaTable {
    pub draws: Vec<u32>,
    pub columns: Vec<PsaColumn>,
}

impl PsaTable {
    /// The table of a scenario's draws 0..=`scenario.draws`, sampled exactly as a run
    /// samples them (the same keyed streams).
    pub fn of(scenario: &Scenario) -> PsaTable {
        let draws: Vec<u32> = (0..=scenario.draws).collect();
        let varied: Vec<&str> = TABLE
            .iter()
            .filter(|p| p.uncertainty != Uncertainty::Fixed)
            .filter(|p| !scenario.parameters.contains_key(p.name))
            .map(|p| p.name)
            .collect();
        let mut columns: Vec<PsaColumn> = varied
            .iter()
            .map(|n| PsaColumn {
                name: (*n).to_string(),
                values: Vec::with_capacity(draws.len()),
            })
            .collect();
        let central: &Economics = &scenario.economics;
        let mut economic: Vec<PsaColumn> = Vec::new();
        for d in &draws {
            let p = draw_parameters(scenario, *d);
            for (c, n) in columns.iter_mut().zip(&varied) {
                c.values.push(p.get(n).expect("a table parameter"));
            }
            let inputs = central.for_draw(scenario.seed, *d).sampled_inputs(central);
            if economic.is_empty() {
                economic = inputs
                    .iter()
                    .map(|(n, _)| PsaColumn {
                        name: n.clone(),
                        values: Vec::new(),
                    })
                    .collect();
            }
            for (c, (_, v)) in economic.iter_mut().zip(inputs) {
                c.values.push(v);
            }
        }
        columns.extend(economic);
        PsaTable { draws, columns }
    }

    /// The column of an input, by name.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.values.as_slice())
    }

    /// The table as a DataFrame (the schema of `parameters.parquet`).
    pub fn frame(&self) -> Result<DataFrame> {
        let mut cols = vec![Column::new(DRAW.into(), self.draws.clone())];
        for c in &self.columns {
            cols.push(Column::new(c.name.as_str().into(), c.values.clone()));
        }
        Ok(DataFrame::new(self.draws.len(), cols)?)
    }

    /// Writes the table to `path` (temp file + rename) with the schema version and
    /// `metadata` (the run identity) in its key-value metadata.
    pub fn write(&self, path: &Path, metadata: &[(String, String)]) -> Result<()> {
        crate::output::table_file::write_parquet(path, &mut self.frame()?, SCHEMA, metadata)
    }

    /// Reads a table written by [`PsaTable::write`], refusing another schema version.
    pub fn read(path: &Path) -> Result<PsaTable> {
        let schema = crate::output::table_file::schema_of(path)?;
        if schema.as_deref() != Some(SCHEMA) {
            return Err(Error::Results(format!(
                "{}: schema {}, this sarcosim reads {SCHEMA}: rerun the scenario to rewrite it",
                path.display(),
                schema.as_deref().unwrap_or("unknown")
            )));
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let df = ParquetReader::new(file).finish()?;
        let draws = df
            .column(DRAW)?
            .u32()?
            .into_no_null_iter()
            .collect::<Vec<u32>>();
        let mut columns = Vec::new();
        for c in df.columns().iter().filter(|c| c.name() != DRAW) {
            let values = c.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
            columns.push(PsaColumn {
                name: c.name().to_string(),
                values,
            });
        }
        Ok(PsaTable { draws, columns })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "name = \"t\"\nseed = 5\npopulation = 10\ndraws = 4\nhorizon = \"2y\"\n{extra}\n[[cohort]]\nname = \"c\"\nage = {{ fixed = 70 }}\n[[arm]]\nname = \"baseline\"\n"
        );
        crate::scenario::parse_scenario(&text, "t.toml").unwrap()
    }

    #[test]
    fn the_table_holds_what_the_draws_sample_and_nothing_pinned() {
        let s = scenario("[parameters]\n\"mortality.sarcopenia_hr\" = 1.6\n");
        let t = PsaTable::of(&s);
        assert_eq!(t.draws, vec![0, 1, 2, 3, 4]);
        assert!(t.column("mortality.sarcopenia_hr").is_none(), "pinned");
        assert!(t.column("population.height_mean_m").is_none(), "fixed");
        // Every column matches the draw's parameters as the engine builds them.
        for (i, d) in t.draws.iter().enumerate() {
            let p = draw_parameters(&s, *d);
            let e = s.economics.for_draw(s.seed, *d);
            for c in &t.columns {
                let want = p.get(&c.name).unwrap_or_else(|| {
                    e.sampled_inputs(&s.economics)
                        .into_iter()
                        .find(|(n, _)| *n == c.name)
                        .unwrap()
                        .1
                });
                assert_eq!(c.values[i], want, "{} draw {d}", c.name);
            }
        }
        let central = |n: &str| crate::params::spec(n).unwrap().value;
        let col = t.column("stature.secular_trend_per_decade").unwrap();
        assert_eq!(col[0], central("stature.secular_trend_per_decade"));
        assert!(col[1..].iter().all(|v| *v != col[0]), "draws vary");
        let u = t.column("economics.utility").unwrap();
        assert_eq!(u[0], 0.80);
        assert!(u[1..].iter().all(|v| *v != 0.80));
        // A zero cost stays zero: not a column; a non-zero one is.
        assert!(t
            .column("economics.cost_per_condition_per_year.ckd")
            .is_none());
        assert!(t.column("economics.utility_per_condition.ckd").is_some());
    }

    #[test]
    fn economics_held_central_are_not_columns_and_the_file_round_trips() {
        let s = scenario("[economics]\nvary_in_draws = false\n");
        let t = PsaTable::of(&s);
        assert!(t.columns.iter().all(|c| !c.name.starts_with("economics.")));
        let dir = std::env::temp_dir().join(format!("sarcosim-psa-{}", std::process::id()));
        let path = dir.join(FILE);
        t.write(&path, &[]).unwrap();
        assert_eq!(PsaTable::read(&path).unwrap(), t);
        // Another schema version is refused.
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .finish(&mut t.frame().unwrap())
            .unwrap();
        std::fs::write(&path, bytes).unwrap();
        let e = PsaTable::read(&path).unwrap_err().to_string();
        assert!(e.contains("schema unknown"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
