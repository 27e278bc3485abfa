//! Exporters of a [`Comparison`], behind one trait: [`Text`] (what `sarcosim report`
//! prints), [`Markdown`], [`Csv`] and [`Json`] (`report --format`), and [`Parquet`]
//! (`comparison.parquet`). Another format (an HTML report) is one more exporter; one that
//! also needs the run's summary holds the loaded [`crate::report::Results`] itself.

pub mod csv;
pub mod html;
mod parquet;
pub mod tables;
mod text;

pub use csv::Csv;
pub use html::Html;
pub use parquet::Parquet;
pub use text::{Markdown, Text};

use super::Comparison;
use crate::error::{Error, Result};
use std::io::Write;

/// Writes a comparison in one format.
pub trait Exporter {
    fn export(&self, c: &Comparison, w: &mut dyn Write) -> Result<()>;

    /// The export as bytes.
    fn to_bytes(&self, c: &Comparison) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.export(c, &mut bytes)?;
        Ok(bytes)
    }
}

/// Every row with the run's identity (the document `report --format json` prints).
pub struct Json;

impl Exporter for Json {
    fn export(&self, c: &Comparison, w: &mut dyn Write) -> Result<()> {
        serde_json::to_writer_pretty(w, c).map_err(|e| Error::Other(format!("writing JSON: {e}")))
    }
}

/// Writes text, an I/O failure as an error.
fn put(w: &mut dyn Write, text: &str) -> Result<()> {
    w.write_all(text.as_bytes())
        .map_err(|e| Error::Other(format!("writing the comparison: {e}")))
}
