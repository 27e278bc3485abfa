//! The comparison as readable text and as Markdown: its wide tables with a heading line.

use super::tables::tables;
use super::{put, Exporter};
use crate::compare::Comparison;
use crate::error::Result;
use std::fmt::Write as _;
use std::io::Write;

/// The readable text form (the end of `sarcosim report`).
pub struct Text;

/// Markdown tables (`report --format markdown`).
pub struct Markdown;

impl Exporter for Text {
    fn export(&self, c: &Comparison, w: &mut dyn Write) -> Result<()> {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "comparison · scenario {} · seed {} · baseline `{}` · {} draw(s) · WTP {} {}/QALY",
            c.scenario,
            c.seed,
            c.baseline,
            c.draws + 1,
            c.willingness_to_pay,
            c.currency
        );
        for (title, header, rows) in tables(c) {
            let _ = writeln!(s, "\n== {title} ==");
            s.push_str(&crate::table::aligned(&header, &rows, 2));
        }
        put(w, &s)
    }
}

impl Exporter for Markdown {
    fn export(&self, c: &Comparison, w: &mut dyn Write) -> Result<()> {
        let mut s = format!(
            "Comparison of scenario `{}` (seed {}), baseline `{}`, {} draw(s); costs in {}, WTP {} per QALY.\n",
            c.scenario,
            c.seed,
            c.baseline,
            c.draws + 1,
            c.currency,
            c.willingness_to_pay
        );
        for (title, header, rows) in tables(c) {
            let _ = writeln!(s, "\n### {title}\n");
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            s.push_str(&crate::table::markdown(&header, &rows, 2));
        }
        put(w, &s)
    }
}
