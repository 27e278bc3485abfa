//! The comparison as wide tables (outcomes as rows, arms as columns): levels, then
//! differences with their Monte Carlo intervals (draw 0), then across-draw intervals when
//! there are draws. Shared by the text and Markdown exporters.

use crate::compare::{Comparison, Contrast, Outcome, Row};

/// A table: title, header, rows of cells.
pub type Table = (String, Vec<String>, Vec<Vec<String>>);

/// The decimals a number's size deserves: none from 1,000, one from 10, three from 0.1,
/// and below 0.1 enough for three significant digits (0.000336, not 0.000), at most 9.
fn decimals(v: f64) -> usize {
    let a = v.abs();
    if a >= 1000.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 0.1 || a == 0.0 || !a.is_finite() {
        3
    } else {
        (2.0 - a.log10().floor()).min(9.0) as usize
    }
}

/// A number with the decimals its size deserves.
pub fn number(v: f64) -> String {
    format!("{v:.*}", decimals(v))
}

/// An estimate and its interval: each bound with the decimals its size deserves, but never
/// finer than the estimate's (a bound near 0 does not print 9 decimals beside 0.0251).
fn interval(e: f64, l: f64, u: f64) -> String {
    let d = decimals(e).max(3);
    let bound = |x: f64| format!("{x:.*}", decimals(x).min(d));
    format!("{} [{}, {}]", number(e), bound(l), bound(u))
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
/// for no row. An across-draw ICER shows its whole note (how far the draws agree), never
/// one verdict the draws do not share.
fn cell(r: Option<&Row>) -> String {
    let Some(r) = r else {
        return "-".to_string();
    };
    let across_icer = r.outcome == Outcome::Icer && !r.method.per_draw();
    let numbers = match (r.estimate, r.lower, r.upper) {
        (Some(e), Some(l), Some(u)) => Some(interval(e, l, u)),
        (Some(e), _, _) if r.outcome == Outcome::Icer && !across_icer => {
            Some(format!("{} [unbounded]", number(e)))
        }
        (Some(e), _, _) => Some(number(e)),
        _ => None,
    };
    match numbers {
        Some(n) if across_icer && !r.note.is_empty() => format!("{n}; {}", r.note),
        Some(n) => n,
        None if across_icer && !r.note.is_empty() => r.note.clone(),
        None if !r.note.is_empty() => short(&r.note),
        None => "-".to_string(),
    }
}

fn header(arms: &[&String]) -> Vec<String> {
    let mut h = vec!["outcome".to_string(), "unit".to_string()];
    h.extend(arms.iter().map(|a| a.to_string()));
    h
}

/// The row of `arm`, `outcome` and `contrast` of a draw (`None`: across draws).
fn find<'a>(
    c: &'a Comparison,
    arm: &str,
    outcome: &Outcome,
    contrast: Contrast,
    draw: Option<i32>,
) -> Option<&'a Row> {
    c.rows
        .iter()
        .find(|r| r.arm == arm && r.outcome == *outcome && r.contrast == contrast && r.draw == draw)
}

/// Rows of `outcomes` × `arms` for one contrast, of one draw or across draws (`None`).
fn rows(
    c: &Comparison,
    outcomes: &[Outcome],
    arms: &[&String],
    contrast: Contrast,
    draw: Option<i32>,
) -> Vec<Vec<String>> {
    let across = draw.is_none();
    outcomes
        .iter()
        .map(|o| {
            let name = if across && *o == Outcome::Icer {
                format!("{o} (ratio of mean differences)")
            } else {
                o.to_string()
            };
            let mut r = vec![name, o.unit().to_string()];
            r.extend(arms.iter().map(|a| cell(find(c, a, o, contrast, draw))));
            r
        })
        .collect()
}

/// The wide tables of a comparison: levels and differences of each draw it holds rows of
/// (draw 0 only, as `report` selects by default), then the differences across draws.
pub fn tables(c: &Comparison) -> Vec<Table> {
    let others: Vec<&String> = c.arms.iter().filter(|a| **a != c.baseline).collect();
    let all: Vec<&String> = c.arms.iter().collect();
    let levels = Outcome::ratios(&c.checkpoints);
    let shown = Outcome::shown(&c.checkpoints);
    let mut draws: Vec<i32> = c.rows.iter().filter_map(|r| r.draw).collect();
    draws.sort_unstable();
    draws.dedup();
    let mut out = Vec::new();
    for d in draws {
        out.push((
            format!("Outcomes per arm (draw {d}, 95 % Monte Carlo interval)"),
            header(&all),
            rows(c, &levels, &all, Contrast::Level, Some(d)),
        ));
        if !others.is_empty() {
            out.push((
                format!(
                    "Difference vs `{}` (paired, draw {d}, 95 % Monte Carlo interval; ICER: Fieller's)",
                    c.baseline
                ),
                header(&others),
                rows(c, &shown, &others, Contrast::Difference, Some(d)),
            ));
        }
    }
    if others.is_empty() {
        return out;
    }
    if c.draws >= 2 {
        out.push((
            format!(
                "Difference vs `{}` across parameter draws 1..{} (mean, 2.5-97.5 %; ICER: ratio of the mean differences, range of the draw ICERs when all lie in one quadrant)",
                c.baseline, c.draws
            ),
            header(&others),
            rows(c, &shown, &others, Contrast::Difference, None),
        ));
    }
    if let Some(a) = &c.decision {
        out.extend(crate::compare::decision::report::tables(a, &c.currency));
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
            decision: None,
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
                    .find(|x| r[0].split(" (").next() == Some(&x.outcome.to_string()))
                    .unwrap()
                    .unit;
                assert_eq!(r[1], unit, "{title}: {}", r[0]);
            }
            let icer = rows.iter().find(|r| r[0].starts_with("icer")).unwrap();
            assert_eq!(icer[1], "cost per QALY gained", "{title}");
        }
        assert!(
            t[1].0.contains("Fieller"),
            "the per-draw ICER interval is Fieller's"
        );
        assert!(!t[2].0.contains("Fieller"), "the across-draw one is not");
        let across_icer = t[2].2.iter().find(|r| r[0].starts_with("icer")).unwrap();
        assert_eq!(across_icer[0], "icer (ratio of mean differences)");
    }

    #[test]
    fn an_across_draw_verdict_the_draws_do_not_share_shows_the_split() {
        let pairs = [
            (-10.0, 0.01),
            (-5.0, 0.02),
            (-1.0, 0.01),
            (2.0, 0.01),
            (3.0, 0.02),
        ];
        let ((e, _, _), note) = crate::compare::economics::icer_across(&pairs);
        let mut r = row(
            Outcome::Icer,
            Method::AcrossDraws,
            e.is_finite().then_some(e),
            &note,
        );
        (r.lower, r.upper) = (None, None);
        let shown = cell(Some(&r));
        assert!(shown.starts_with("dominant in 60 % of draws"), "{shown}");
        assert!(shown.contains("more cost and QALYs in 40 %"), "{shown}");
        // A ratio at the means with draws in two quadrants: the ratio and the split, not
        // an "[unbounded]" interval that was never computed.
        let ((e, _, _), note) =
            crate::compare::economics::icer_across(&[(20.0, 0.01), (-1.0, 0.01)]);
        let mut r = row(Outcome::Icer, Method::AcrossDraws, Some(e), &note);
        (r.lower, r.upper) = (None, None);
        assert_eq!(
            cell(Some(&r)),
            "950.0; more cost and QALYs in 50 % of draws; dominant in 50 %"
        );
        // One draw's dominant verdict stays short.
        let r = row(
            Outcome::Icer,
            Method::MonteCarloFieller,
            None,
            "dominant (more QALYs, no more cost)",
        );
        assert_eq!(cell(Some(&r)), "dominant");
    }

    #[test]
    fn small_differences_keep_three_significant_digits() {
        let mut r = row(Outcome::Qalys, Method::AcrossDraws, Some(0.000336), "");
        (r.lower, r.upper) = (Some(0.000112), Some(0.000561));
        assert_eq!(cell(Some(&r)), "0.000336 [0.000112, 0.000561]");
        (r.lower, r.upper) = (Some(-0.0000031), Some(0.0251));
        assert_eq!(cell(Some(&r)), "0.000336 [-0.000003, 0.0251]");
        assert_eq!(number(0.0251), "0.0251");
        assert_eq!(number(3.07), "3.070");
        assert_eq!(number(273.84), "273.8");
        assert_eq!(number(16592.4), "16592");
        assert_eq!(number(0.0), "0.000");
        let mut r = row(Outcome::Cost, Method::MonteCarlo, Some(3.07), "");
        (r.lower, r.upper) = (Some(-185.93), Some(0.00012));
        assert_eq!(cell(Some(&r)), "3.070 [-185.9, 0.000]");
    }
}
