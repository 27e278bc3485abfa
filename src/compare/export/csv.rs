//! Every row of the comparison, long format: the columns of `comparison.parquet`.

use super::{put, Exporter};
use crate::compare::Comparison;
use crate::error::Result;
use polars::prelude::{AnyValue, DataFrame};
use std::io::Write;

/// `report --format csv`.
pub struct Csv;

/// The header line.
pub const HEADER: &str =
    "scenario,seed,arm,baseline,outcome,unit,contrast,draw,method,estimate,lower,upper,persons,note\n";

/// A field quoted when it holds a comma, a quote or a line break.
fn quote(t: &str) -> String {
    if t.contains([',', '"', '\n']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t.to_string()
    }
}

/// One CSV record (RFC 4180): the fields, each quoted when it needs to be, joined by
/// commas, with its line break.
pub fn record<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> String {
    let mut line = fields
        .into_iter()
        .map(|f| quote(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// An optional number as a CSV field: empty when undefined.
pub fn number(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// One cell as a CSV field: empty when null, numbers in Rust's shortest round-trip form.
fn cell(v: &AnyValue<'_>) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::Float64(x) => x.to_string(),
        AnyValue::Float32(x) => x.to_string(),
        AnyValue::Int32(x) => x.to_string(),
        AnyValue::Int64(x) => x.to_string(),
        AnyValue::UInt32(x) => x.to_string(),
        AnyValue::UInt64(x) => x.to_string(),
        other => other.to_string(),
    }
}

/// A whole table as CSV: a header of its column names, then one record per row (the
/// decision tables of `report --format csv --table`, the same columns as their files).
pub fn frame(df: &DataFrame) -> String {
    let mut s = record(df.get_column_names().iter().map(|n| n.as_str()));
    let columns = df.columns();
    for i in 0..df.height() {
        s.push_str(&record(
            columns
                .iter()
                .map(|c| c.get(i).map_or(String::new(), |v| cell(&v))),
        ));
    }
    s
}

impl Exporter for Csv {
    fn export(&self, c: &Comparison, w: &mut dyn Write) -> Result<()> {
        let mut s = String::from(HEADER);
        for r in &c.rows {
            s.push_str(&record([
                c.scenario.clone(),
                c.seed.to_string(),
                r.arm.clone(),
                r.baseline.clone(),
                r.outcome.to_string(),
                r.unit.to_string(),
                r.contrast.name().to_string(),
                r.draw.map_or(String::new(), |d| d.to_string()),
                r.method.name().to_string(),
                number(r.estimate),
                number(r.lower),
                number(r.upper),
                r.persons.to_string(),
                r.note.clone(),
            ]));
        }
        put(w, &s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_need_it() {
        assert_eq!(record(["a", "1.5", ""]), "a,1.5,\n");
        assert_eq!(
            record(["x,y", "say \"hi\"", "two\nlines"]),
            "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
        );
        assert_eq!(number(None), "");
        assert_eq!(number(Some(0.25)), "0.25");
    }
}
