//! The pictures of a one-way sensitivity analysis: one tornado diagram per arm against the
//! baseline for ΔQALY, Δcost and the ICER (the [`SHOWN`] widest bars, drawn from the
//! central value to the outcome at each factor's low and high value), as SVG files for
//! papers and as one self-contained HTML page (`tornado.html`) with the tables.

use super::tornado::{Bar, Tornado, SHOWN};
use crate::chart::{self, escape, slug, tornado_chart, Axis, Frame};
use crate::compare::{Contrast, Outcome};
use std::fmt::Write as _;

/// One chart: its file name (without `.svg`) and its SVG.
pub type Chart = (String, String);

/// The outcomes charted, each arm against the baseline.
const OUTCOMES: [Outcome; 3] = [Outcome::Qalys, Outcome::Cost, Outcome::Icer];

/// A factor's name short enough for a bar label: a scenario key keeps its last part and
/// its first entry (`arm[rt].intervention[resistance_training].uptake` → `uptake (rt)`).
fn short(factor: &str) -> String {
    let Some((head, _)) = factor.split_once(']') else {
        return factor.to_string();
    };
    let entry = head.split_once('[').map_or(head, |(_, e)| e);
    let last = factor.rsplit('.').next().unwrap_or(factor);
    format!("{last} ({entry})")
}

/// A bar's label: the factor, marked `*` when the bar is within its 95 % Monte Carlo
/// half-width (its two values are in the chart's description and the tables).
fn label(b: &Bar) -> String {
    let noise = match (b.spread, b.spread_mc95) {
        (Some(s), Some(h)) if s <= h => " *",
        _ => "",
    };
    format!("{}{noise}", short(&b.factor))
}

/// Every tornado diagram of the analysis.
pub fn charts(t: &Tornado) -> Vec<Chart> {
    let mut arms: Vec<&str> = Vec::new();
    for b in t.bars.iter().filter(|b| b.contrast == Contrast::Difference) {
        if !arms.contains(&b.arm.as_str()) {
            arms.push(&b.arm);
        }
    }
    let mut out = Vec::new();
    for arm in arms {
        for outcome in &OUTCOMES {
            let group = t.group(arm, outcome, Contrast::Difference);
            let Some(first) = group.first() else { continue };
            let Some(central) = first.central else {
                continue;
            };
            let bars: Vec<chart::Bar> = group
                .iter()
                .take(SHOWN)
                .map(|b| chart::Bar {
                    label: label(b),
                    low: b.at_low.unwrap_or(f64::NAN),
                    high: b.at_high.unwrap_or(f64::NAN),
                })
                .collect();
            let id = format!("tornado-{}-{}", slug(arm), slug(&outcome.to_string()));
            let title = format!("{arm} − {}: {outcome}, one-way sensitivity", first.baseline);
            let frame = Frame::new(
                &id,
                &title,
                Axis::new(&format!("Δ {outcome}"), first.unit),
                Axis::new("factor", ""),
            )
            .note(&format!(
                "{} persons per arm, common random numbers; * within Monte Carlo noise",
                t.population
            ));
            out.push((id, tornado_chart(&frame, central, &bars)));
        }
    }
    out
}

/// The self-contained page: the design, the diagrams and the headline tables.
pub fn page(t: &Tornado) -> String {
    let mut body = format!(
        "<p>{} · seed {} · {} persons per arm · {} factors at their low and high values</p>",
        escape(&t.scenario),
        t.seed,
        t.population,
        t.factors.len()
    );
    body.push_str("<div class=\"charts\">");
    for (_, svg) in charts(t) {
        body.push_str(&svg);
    }
    let _ = write!(
        body,
        "</div>\n<h2>Tables</h2><pre>{}</pre>\n",
        escape(&t.text())
    );
    crate::compare::export::html::page(
        &format!("sarcosim one-way sensitivity: {}", t.scenario),
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_keys_are_shortened_parameters_kept() {
        assert_eq!(
            short("arm[rt].intervention[resistance_training].uptake"),
            "uptake (rt)"
        );
        assert_eq!(short("training.ceiling"), "training.ceiling");
        assert_eq!(short("arm[2].description"), "description (2)");
    }
}
