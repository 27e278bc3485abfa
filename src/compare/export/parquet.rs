//! `comparison.parquet`: every row, zstd-compressed.

use super::Exporter;
use crate::compare::{Comparison, Row};
use crate::error::{Error, Result};
use polars::prelude::*;
use std::io::Write;

/// The Parquet file of the rows.
pub struct Parquet;

impl Parquet {
    /// The rows as a DataFrame (the schema of `comparison.parquet`).
    pub fn frame(c: &Comparison) -> Result<DataFrame> {
        let n = c.rows.len();
        let s = |f: &dyn Fn(&Row) -> String| -> Vec<String> { c.rows.iter().map(f).collect() };
        let o = |f: &dyn Fn(&Row) -> Option<f64>| -> Vec<Option<f64>> {
            c.rows.iter().map(f).collect()
        };
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("scenario".into(), vec![c.scenario.clone(); n]),
                Column::new("seed".into(), vec![c.seed; n]),
                Column::new("arm".into(), s(&|r| r.arm.clone())),
                Column::new("baseline".into(), s(&|r| r.baseline.clone())),
                Column::new("outcome".into(), s(&|r| r.outcome.to_string())),
                Column::new("unit".into(), s(&|r| r.unit.to_string())),
                Column::new("contrast".into(), s(&|r| r.contrast.name().to_string())),
                Column::new(
                    "draw".into(),
                    c.rows.iter().map(|r| r.draw).collect::<Vec<_>>(),
                ),
                Column::new("method".into(), s(&|r| r.method.name().to_string())),
                Column::new("estimate".into(), o(&|r| r.estimate)),
                Column::new("lower".into(), o(&|r| r.lower)),
                Column::new("upper".into(), o(&|r| r.upper)),
                Column::new(
                    "persons".into(),
                    c.rows.iter().map(|r| r.persons).collect::<Vec<_>>(),
                ),
                Column::new("note".into(), s(&|r| r.note.clone())),
            ],
        )?)
    }
}

impl Exporter for Parquet {
    fn export(&self, c: &Comparison, w: &mut dyn Write) -> Result<()> {
        let mut df = Self::frame(c)?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut df)?;
        w.write_all(&bytes)
            .map_err(|e| Error::Other(format!("writing the comparison: {e}")))
    }
}
