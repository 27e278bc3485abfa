//! The validation table as text, Markdown and a versioned JSON document.

use super::stats::{Verdict, VERDICT_RULE};
use super::{Role, Row};
use serde::Serialize;
use std::collections::BTreeMap;

fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn published_text(r: &Row) -> String {
    match r.published_interval {
        Some((lo, hi)) => format!("{} ({}–{})", fmt_num(r.published), fmt_num(lo), fmt_num(hi)),
        None => fmt_num(r.published),
    }
}

fn verdict(r: &Row) -> &'static str {
    r.verdict.label()
}

/// Name and version of the JSON document `sarcosim validate --format json` prints
/// (2: verdicts with `inconclusive`, t-based Monte Carlo intervals, independent counts).
pub const JSON_FORMAT: &str = "sarcosim-validate/2";

/// Targets, passes, failures and inconclusive verdicts among some rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub targets: usize,
    pub passed: usize,
    pub failed: usize,
    pub inconclusive: usize,
}

impl Counts {
    pub fn of<'a>(rows: impl Iterator<Item = &'a Row>) -> Self {
        rows.fold(Counts::default(), |mut c, r| {
            c.targets += 1;
            match r.verdict {
                Verdict::Pass => c.passed += 1,
                Verdict::Fail => c.failed += 1,
                Verdict::Inconclusive => c.inconclusive += 1,
            }
            c
        })
    }

    /// Share of the targets that pass, %.
    pub fn pass_rate(&self) -> f64 {
        100.0 * self.passed as f64 / self.targets.max(1) as f64
    }
}

/// Counts over every row, and over the `independent` rows alone.
pub fn counts(rows: &[Row]) -> (Counts, Counts) {
    (
        Counts::of(rows.iter()),
        Counts::of(rows.iter().filter(|r| r.role == Role::Independent)),
    )
}

/// The rows of the non-US design ([`super::east_asian`]), reported in a section of their own.
fn non_us(r: &Row) -> bool {
    r.design == super::east_asian::DESIGN
}

/// Counts of the non-US design: all its targets and its `independent` ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DesignCounts {
    pub design: &'static str,
    pub all: Counts,
    pub independent: Counts,
}

/// Counts over the rows of the non-US design.
pub fn non_us_counts(rows: &[Row]) -> DesignCounts {
    DesignCounts {
        design: super::east_asian::DESIGN,
        all: Counts::of(rows.iter().filter(|r| non_us(r))),
        independent: Counts::of(
            rows.iter()
                .filter(|r| non_us(r) && r.role == Role::Independent),
        ),
    }
}

/// The count line of the non-US design.
pub fn non_us_line(rows: &[Row]) -> String {
    let c = non_us_counts(rows);
    format!(
        "non-US design {} (Japanese population, East-Asian reference, life table japan-2020): {} targets: {} pass, {} fail, {} inconclusive; independent: {} of {} pass ({:.0} %)",
        c.design,
        c.all.targets,
        c.all.passed,
        c.all.failed,
        c.all.inconclusive,
        c.independent.passed,
        c.independent.targets,
        c.independent.pass_rate()
    )
}

/// The JSON document of a validation run: its format, the engine version, the population
/// per design, the counts and every row.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub format: &'static str,
    pub engine: &'static str,
    pub population: u64,
    /// Parameter draws behind each row's `across_draws` (0: central parameters only).
    pub draws: u32,
    /// How the draw ranges cover the published and central figures (with draws only).
    pub draw_coverage: Option<super::DrawCoverage>,
    /// Parameters set away from the table (`--parameters SCENARIO`).
    pub overrides: BTreeMap<String, f64>,
    pub targets: usize,
    pub passed: usize,
    pub failed: usize,
    pub inconclusive: usize,
    /// The same counts over the `independent` targets alone.
    pub independent: Counts,
    /// The counts of the non-US design alone (its rows are also in the totals).
    pub non_us: DesignCounts,
    /// How verdicts are reached ([`VERDICT_RULE`]).
    pub verdict_rule: &'static str,
    pub rows: &'a [Row],
}

impl<'a> JsonReport<'a> {
    pub fn new(rows: &'a [Row], population: u64) -> Self {
        let (all, independent) = counts(rows);
        Self {
            format: JSON_FORMAT,
            engine: env!("CARGO_PKG_VERSION"),
            population,
            draws: rows
                .first()
                .and_then(|r| r.across_draws)
                .map_or(0, |d| d.draws),
            draw_coverage: super::draw_coverage(rows),
            overrides: BTreeMap::new(),
            targets: all.targets,
            passed: all.passed,
            failed: all.failed,
            inconclusive: all.inconclusive,
            independent,
            non_us: non_us_counts(rows),
            verdict_rule: VERDICT_RULE,
            rows,
        }
    }
}

/// The parameters validated away from the table's values, as a line ahead of the table
/// (empty when there are none).
pub fn overrides_line(overrides: &BTreeMap<String, f64>) -> String {
    if overrides.is_empty() {
        return String::new();
    }
    let list: Vec<String> = overrides
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    format!("parameters set by the scenario: {}\n\n", list.join(", "))
}

/// A count line: `N targets: P pass, F fail, I inconclusive; independent: …`.
pub fn summary_line(rows: &[Row]) -> String {
    let (all, ind) = counts(rows);
    format!(
        "{} targets: {} pass, {} fail, {} inconclusive; independent targets: {} of {} pass ({:.0} %), {} fail, {} inconclusive",
        all.targets,
        all.passed,
        all.failed,
        all.inconclusive,
        ind.passed,
        ind.targets,
        ind.pass_rate(),
        ind.failed,
        ind.inconclusive
    )
}

/// The table as aligned text.
pub fn text(rows: &[Row]) -> String {
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        if non_us(r) && !rows[..i].iter().any(non_us) {
            out.push_str(&format!(
                "\n--- non-US design: {} ---\n",
                super::east_asian::DESIGN
            ));
        }
        out.push_str(&format!(
            "{:<4} {:<30} {:<12} published {:<18} simulated {} [{}, {}]  tolerance [{}, {}] {}\n     {} — {}\n     tolerance: {}\n",
            verdict(r),
            r.id,
            r.role.label(),
            published_text(r),
            fmt_num(r.simulated),
            fmt_num(r.mc_lo),
            fmt_num(r.mc_hi),
            fmt_num(r.tolerance.0),
            fmt_num(r.tolerance.1),
            r.unit,
            r.measure,
            r.source,
            r.reason,
        ));
        if let Some(d) = r.across_draws {
            out.push_str(&format!(
                "     over {} parameter draws: {}–{} (2.5-97.5 %)\n",
                d.draws,
                fmt_num(d.lo),
                fmt_num(d.hi)
            ));
        }
    }
    out.push_str(&summary_line(rows));
    out.push('\n');
    out.push_str(&non_us_line(rows));
    if let Some(c) = super::draw_coverage(rows) {
        out.push_str(&format!("\n{}", c.line()));
    }
    out.push_str(&format!("\nverdicts: {VERDICT_RULE}\n"));
    out
}

/// The table as Markdown: the non-US design in a table of its own after the others.
pub fn markdown(rows: &[Row]) -> String {
    let (other, own): (Vec<Row>, Vec<Row>) = rows.iter().cloned().partition(|r| !non_us(r));
    let mut out = markdown_table(&other);
    if !own.is_empty() {
        out.push_str(&format!(
            "\n**Non-US design** (`{}`):\n\n{}",
            super::east_asian::DESIGN,
            markdown_table(&own)
        ));
    }
    out.push_str(&format!(
        "\n{}\n\n{}\n",
        summary_line(rows),
        non_us_line(rows)
    ));
    if let Some(c) = super::draw_coverage(rows) {
        out.push_str(&format!("\n{}\n", c.line()));
    }
    out.push_str(&format!("\nVerdicts: {VERDICT_RULE}.\n"));
    out
}

/// Some rows as one Markdown table.
fn markdown_table(rows: &[Row]) -> String {
    let mut header = vec![
        "target",
        "measure",
        "source",
        "role",
        "published",
        "simulated (MC 95 %)",
        "tolerance",
        "reason",
        "verdict",
    ];
    let draws = rows.iter().any(|r| r.across_draws.is_some());
    if draws {
        header.insert(6, "over parameter draws (2.5-97.5 %)");
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                format!("`{}`", r.id),
                r.measure.clone(),
                r.source.to_string(),
                r.role.label().to_string(),
                format!("{} {}", published_text(r), r.unit),
                format!(
                    "{} ({}–{})",
                    fmt_num(r.simulated),
                    fmt_num(r.mc_lo),
                    fmt_num(r.mc_hi)
                ),
                format!("{}–{}", fmt_num(r.tolerance.0), fmt_num(r.tolerance.1)),
                r.reason.to_string(),
                match r.verdict {
                    Verdict::Pass => "pass".to_string(),
                    v => format!("**{}**", v.label()),
                },
            ];
            if draws {
                let range = r.across_draws.map_or("–".to_string(), |d| {
                    format!("{}–{}", fmt_num(d.lo), fmt_num(d.hi))
                });
                cells.insert(6, range);
            }
            cells
        })
        .collect();
    crate::table::markdown(&header, &cells, header.len())
}
