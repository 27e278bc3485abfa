//! The comparison as wide tables (outcomes as rows, arms as columns): levels, then
//! differences with their Monte Carlo intervals (draw 0), then across-draw intervals when
//! there are draws. Shared by the text and Markdown exporters.

use crate::compare::{Comparison, Contrast, Outcome, Row};

/// A table: title, header, rows of cells.
pub type Table = (String, Vec<String>, Vec<Vec<String>>);

/// A number with the decimals its size deserves.
fn number(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// The first words of a note (up to `;`, `(` or `:`).
fn short(note: &str) -> String {
    note.split([';', '(', ':'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

/// One cell: estimate and interval, the note's first words when there is no number, "-"
/// for no row.
fn cell(r: Option<&Row>) -> String {
    let Some(r) = r else {
        return "-".to_string();
    };
    match (r.estimate, r.lower, r.upper) {
        (Some(e), Some(l), Some(u)) => format!("{} [{}, {}]", number(e), number(l), number(u)),
        (Some(e), _, _) if r.outcome == Outcome::Icer => format!("{} [unbounded]", number(e)),
        (Some(e), _, _) => number(e),
        _ if !r.note.is_empty() => short(&r.note),
        _ => "-".to_string(),
    }
}

fn header(arms: &[&String]) -> Vec<String> {
    let mut h = vec!["outcome".to_string(), "unit".to_string()];
    h.extend(arms.iter().map(|a| a.to_string()));
    h
}

/// Rows of `outcomes` × `arms` for one contrast, of draw 0 or across draws.
fn rows(
    c: &Comparison,
    outcomes: &[Outcome],
    arms: &[&String],
    contrast: Contrast,
    across: bool,
) -> Vec<Vec<String>> {
    outcomes
        .iter()
        .map(|o| {
            let mut r = vec![o.to_string(), o.unit().to_string()];
            r.extend(arms.iter().map(|a| cell(c.find(a, o, contrast, across))));
            r
        })
        .collect()
}

/// The wide tables of a comparison.
pub fn tables(c: &Comparison) -> Vec<Table> {
    let others: Vec<&String> = c.arms.iter().filter(|a| **a != c.baseline).collect();
    let all: Vec<&String> = c.arms.iter().collect();
    let levels = Outcome::ratios(&c.checkpoints);
    let mut out = vec![(
        "Outcomes per arm (draw 0, 95 % Monte Carlo interval)".to_string(),
        header(&all),
        rows(c, &levels, &all, Contrast::Level, false),
    )];
    if others.is_empty() {
        return out;
    }
    let shown = Outcome::shown(&c.checkpoints);
    out.push((
        format!(
            "Difference vs `{}` (paired, draw 0, 95 % Monte Carlo interval; ICER: Fieller's)",
            c.baseline
        ),
        header(&others),
        rows(c, &shown, &others, Contrast::Difference, false),
    ));
    if c.draws >= 2 {
        out.push((
            format!(
                "Difference vs `{}` across parameter draws 1..{} (mean, 2.5-97.5 %)",
                c.baseline, c.draws
            ),
            header(&others),
            rows(c, &shown, &others, Contrast::Difference, true),
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::compare::Method;

    /// A row of arm `rt` against `baseline`.
    pub fn row(outcome: Outcome, method: Method, est: Option<f64>, note: &str) -> Row {
        Row {
            arm: "rt".into(),
            baseline: "baseline".into(),
            unit: outcome.unit(),
            outcome,
            contrast: Contrast::Difference,
            draw: method.per_draw().then_some(0),
            method,
            estimate: est,
            lower: est.map(|e| e - 1.0),
            upper: est.map(|e| e + 1.0),
            persons: 100,
            note: note.into(),
        }
    }

    pub fn comparison(rows: Vec<Row>) -> Comparison {
        Comparison {
            scenario: "s".into(),
            seed: 1,
            baseline: "baseline".into(),
            arms: vec!["baseline".into(), "rt".into()],
            draws: 5,
            willingness_to_pay: 50_000.0,
            currency: "USD".into(),
            checkpoints: vec![],
            rows,
        }
    }

    #[test]
    fn every_table_prints_the_one_unit_of_each_outcome() {
        let mut rows = Vec::new();
        for o in Outcome::shown(&[]) {
            for m in [Method::MonteCarlo, Method::AcrossDraws] {
                rows.push(row(o.clone(), m, Some(2.0), ""));
            }
        }
        let c = comparison(rows);
        let t = tables(&c);
        assert_eq!(t.len(), 3);
        for (title, _, rows) in &t[1..] {
            for r in rows {
                let unit = c
                    .rows
                    .iter()
                    .find(|x| x.outcome.to_string() == r[0])
                    .unwrap()
                    .unit;
                assert_eq!(r[1], unit, "{title}: {}", r[0]);
            }
            let icer = rows.iter().find(|r| r[0] == "icer").unwrap();
            assert_eq!(icer[1], "cost per QALY gained", "{title}");
        }
        assert!(
            t[1].0.contains("Fieller"),
            "the per-draw ICER interval is Fieller's"
        );
        assert!(!t[2].0.contains("Fieller"), "the across-draw one is not");
    }
}
