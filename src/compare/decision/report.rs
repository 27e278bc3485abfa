//! The decision analysis as compact tables for the text and Markdown reports: the
//! frontier (pooled over the PSA draws, else the central draw) with, per arm, the share
//! of draws in which it is on the frontier and in which it is optimal.

use super::frontier::Status;
use super::Analysis;
use crate::compare::export::tables::{number, Table};

/// The tables of the decision analysis, in report order.
pub fn tables(a: &Analysis, currency: &str) -> Vec<Table> {
    vec![frontier_table(a, currency)]
}

fn opt(v: Option<f64>) -> String {
    v.map_or("-".to_string(), number)
}

/// QALYs with four decimals (differences between strategies are often below 0.01).
fn qalys(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |x| format!("{x:.4}"))
}

/// The frontier table.
fn frontier_table(a: &Analysis, currency: &str) -> Table {
    let pooled = a.pooled_draws >= 2;
    let draw = if pooled { None } else { Some(0) };
    let title = if pooled {
        format!(
            "efficiency frontier · means over draws 1..{} · WTP {} {currency}/QALY",
            a.pooled_draws,
            number(a.willingness_to_pay)
        )
    } else {
        format!(
            "efficiency frontier · central draw 0 · WTP {} {currency}/QALY",
            number(a.willingness_to_pay)
        )
    };
    let psa: Vec<&super::FrontierRow> = a
        .frontier
        .iter()
        .filter(|r| r.draw.is_some_and(|d| d >= 1))
        .collect();
    let k = psa.iter().filter_map(|r| r.draw).max().unwrap_or(0) as f64;
    let share = |arm: &str, f: &dyn Fn(&super::FrontierRow) -> bool| -> String {
        if k < 1.0 {
            return "-".to_string();
        }
        let n = psa.iter().filter(|r| r.arm == arm && f(r)).count() as f64;
        format!("{:.0} %", 100.0 * n / k)
    };
    let mut header: Vec<String> = [
        "arm", "status", "vs", "cost", "QALYs", "Δcost", "ΔQALYs", "ICER", "NMB", "NHB",
    ]
    .map(String::from)
    .to_vec();
    header.extend(["on frontier", "optimal"].map(|h| format!("{h} (draws)")));
    let rows = a
        .frontier_of(draw)
        .map(|r| {
            let p = &r.position;
            let status = match p.status {
                Status::Frontier if p.optimal => "frontier, optimal".to_string(),
                s => s.name().replace('_', " "),
            };
            vec![
                r.arm.clone(),
                status,
                r.reference.clone().unwrap_or("-".into()),
                number(p.cost),
                qalys(Some(p.qalys)),
                opt(p.incremental_cost),
                qalys(p.incremental_qalys),
                opt(p.icer),
                number(p.nmb),
                qalys(p.nhb),
                share(&r.arm, &|x| x.position.status == Status::Frontier),
                share(&r.arm, &|x| x.position.optimal),
            ]
        })
        .collect();
    (title, header, rows)
}
