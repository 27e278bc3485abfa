//! The decision analysis as compact tables for the text and Markdown reports: the
//! frontier (pooled over the PSA draws, else the central draw) with, per arm, the share
//! of draws in which it is on the frontier and in which it is optimal; the CEAC at a few
//! WTPs with the CEAF's arm and the EVPI; the EVPI and EVPPI at the scenario's WTP.

use super::frontier::Status;
use super::{Analysis, Voi, VoiRow};
use crate::compare::export::tables::{number, Table};

/// The tables of the decision analysis, in report order.
pub fn tables(a: &Analysis, currency: &str) -> Vec<Table> {
    let mut out = vec![frontier_table(a, currency)];
    out.extend(acceptability_table(a, currency));
    out.extend(voi_table(a, currency));
    out
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

/// The grid values shown: those nearest to 0, ½, 1, 1½ and 2 × the WTP (each once).
fn shown_wtps(a: &Analysis) -> Vec<f64> {
    let w = a.willingness_to_pay;
    let mut out: Vec<f64> = Vec::new();
    for t in [0.0, 0.5 * w, w, 1.5 * w, 2.0 * w] {
        let near = a
            .grid
            .iter()
            .copied()
            .min_by(|x, y| (x - t).abs().total_cmp(&(y - t).abs()));
        if let Some(v) = near.filter(|v| !out.contains(v)) {
            out.push(v);
        }
    }
    out
}

/// The CEAC at a few WTPs (the CEAF's arm starred), and the EVPI per person.
fn acceptability_table(a: &Analysis, currency: &str) -> Option<Table> {
    if a.ceac.is_empty() {
        return None;
    }
    let wtps = shown_wtps(a);
    let title = format!(
        "acceptability · P(largest net monetary benefit) over draws 1..{} · * on the CEAF (largest expected NMB) · EVPI per person in {currency}",
        a.pooled_draws
    );
    let mut header = vec!["arm".to_string()];
    header.extend(wtps.iter().map(|w| format!("WTP {}", number(*w))));
    let mut arms: Vec<&String> = Vec::new();
    for r in &a.ceac {
        if !arms.contains(&&r.arm) {
            arms.push(&r.arm);
        }
    }
    let mut rows: Vec<Vec<String>> = arms
        .iter()
        .map(|arm| {
            let mut row = vec![arm.to_string()];
            for w in &wtps {
                let c = a.ceac.iter().find(|r| r.wtp == *w && &r.arm == *arm);
                row.push(c.map_or("-".into(), |c| {
                    let star = if c.on_ceaf { "*" } else { "" };
                    format!("{:.0} %{star}", 100.0 * c.probability)
                }));
            }
            row
        })
        .collect();
    let mut evpi = vec!["EVPI".to_string()];
    for w in &wtps {
        let v = a
            .voi
            .iter()
            .find(|r| r.analysis == Voi::Evpi && r.wtp == *w)
            .and_then(|r| r.per_person);
        evpi.push(opt(v));
    }
    rows.push(evpi);
    Some((title, header, rows))
}

/// One row of the value-of-information table.
fn voi_row(r: &VoiRow) -> Vec<String> {
    let name = match &r.group {
        Some(g) => format!("EVPPI {g}"),
        None => "EVPI".to_string(),
    };
    vec![
        name,
        if r.inputs.is_empty() {
            "all".into()
        } else {
            r.inputs.len().to_string()
        },
        match r.degree {
            Some(1) => "linear".into(),
            Some(_) => "quadratic".into(),
            None => "-".into(),
        },
        opt(r.per_person),
        opt(r.population),
        r.r_squared.map_or("-".into(), |v| format!("{v:.2}")),
        opt(r.noise_floor),
        r.note.clone(),
    ]
}

/// The EVPI and each group's EVPPI at the scenario's WTP.
fn voi_table(a: &Analysis, currency: &str) -> Option<Table> {
    let at: Vec<&VoiRow> = a
        .voi
        .iter()
        .filter(|r| r.wtp == a.willingness_to_pay)
        .collect();
    if at.is_empty() {
        return None;
    }
    let title = format!(
        "value of information at WTP {} {currency}/QALY · per person and for the population (evpi_population × discounted evpi_years) · EVPPI by regression (Strong 2014)",
        number(a.willingness_to_pay)
    );
    let header = [
        "analysis",
        "inputs",
        "fit",
        "per person",
        "population",
        "R²",
        "noise floor",
        "note",
    ]
    .map(String::from)
    .to_vec();
    let (shown, missing): (Vec<&VoiRow>, Vec<&VoiRow>) =
        at.into_iter().partition(|r| r.per_person.is_some());
    let mut rows: Vec<Vec<String>> = shown.iter().map(|r| voi_row(r)).collect();
    if let Some(first) = missing.first() {
        // Groups without an estimate: one line (each group's reason is in voi.parquet).
        let inputs: usize = missing.iter().map(|r| r.inputs.len()).sum();
        let mut row = vec!["-".to_string(); 8];
        row[0] = format!("EVPPI, {} group(s)", missing.len());
        row[1] = inputs.to_string();
        row[7] = if missing.iter().all(|r| r.note.starts_with("too few draws")) {
            format!(
                "not estimated: {} draws are too few ({} per coefficient; voi.parquet says how many each group needs)",
                first.draws,
                super::voi::DRAWS_PER_COEFFICIENT
            )
        } else {
            format!(
                "not estimated: {} (voi.parquet has each group's reason)",
                first.note
            )
        };
        rows.push(row);
    }
    Some((title, header, rows))
}
