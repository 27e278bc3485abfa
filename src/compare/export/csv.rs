//! Every row of the comparison, long format: the columns of `comparison.parquet`.

use super::{put, Exporter};
use crate::compare::Comparison;
use crate::error::Result;
use std::fmt::Write as _;
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

impl Exporter for Csv {
    fn export(&self, c: &Comparison, w: &mut dyn Write) -> Result<()> {
        let mut s = String::from(HEADER);
        let o = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
        for r in &c.rows {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                quote(&c.scenario),
                c.seed,
                quote(&r.arm),
                quote(&r.baseline),
                r.outcome,
                quote(r.unit),
                r.contrast.name(),
                r.draw.map_or(String::new(), |d| d.to_string()),
                r.method.name(),
                o(r.estimate),
                o(r.lower),
                o(r.upper),
                r.persons,
                quote(&r.note)
            );
        }
        put(w, &s)
    }
}
