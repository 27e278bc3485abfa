//! Every row of the comparison, long format: the columns of `comparison.parquet`.

use super::{put, Exporter};
use crate::compare::Comparison;
use crate::error::Result;
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
