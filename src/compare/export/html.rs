//! `report --format html`: one self-contained page (inline SVG and CSS, no network, a
//! print style) with the run's provenance, its charts ([`crate::report::charts`]) and the
//! comparison tables with their intervals. A small inline script checks that every chart
//! drew something and marks the page (`data-charts` on `<body>`: "ok" or what is wrong),
//! which the browser test reads.

use super::tables::tables;
use super::{put, Exporter};
use crate::chart::escape;
use crate::compare::Comparison;
use crate::error::Result;
use crate::report::Results;
use std::fmt::Write as _;
use std::io::Write;

/// The HTML report of loaded results.
pub struct Html<'a> {
    pub results: &'a Results,
    /// The comparison of every draw (the charts' draws), whatever the tables show.
    pub all_draws: &'a Comparison,
    /// The arms charted (`report --arm`; empty: all).
    pub arms: &'a [String],
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em auto;max-width:1320px;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
.charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{border:1px solid #ddd;max-width:100%;height:auto}
table{border-collapse:collapse;font-size:12px;margin:0.6em 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}
td:first-child,th:first-child,td:nth-child(2){text-align:left}dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}
dt{font-weight:bold}@media print{body{max-width:none}.charts svg{break-inside:avoid}h2{break-after:avoid}}";

/// Marks `<body data-charts>` "ok" when every chart has a drawn series, a title and a
/// description, else lists the charts that do not.
const CHECK: &str = "window.addEventListener('error',function(e){document.body.setAttribute('data-errors',String(e.message))});
document.addEventListener('DOMContentLoaded',function(){var bad=[];var charts=document.querySelectorAll('svg.chart');
charts.forEach(function(s){var drawn=s.querySelectorAll('.series polyline,.series circle,.series rect').length;
var b=s.getBBox();if(!drawn||!s.querySelector('title')||!s.querySelector('desc')||b.width<10||b.height<10){bad.push(s.id)}});
document.body.setAttribute('data-charts',charts.length&&!bad.length?'ok':'empty: '+bad.join(' '));
document.body.setAttribute('data-chart-count',String(charts.length))});";

impl Html<'_> {
    fn provenance(&self, c: &Comparison) -> String {
        let m = &self.results.manifest;
        let id = &m.identity;
        let wall: f64 = m.shards.iter().filter_map(|s| s.wall_seconds).sum();
        let finished = m
            .shards
            .iter()
            .filter_map(|s| s.finished.clone())
            .max()
            .unwrap_or_default();
        let rows = [
            ("scenario", id.scenario.clone()),
            ("seed", id.seed.to_string()),
            ("persons per arm", id.population.to_string()),
            ("arms", m.arms.join(", ")),
            ("baseline", c.baseline.clone()),
            (
                "parameter draws",
                format!("0..={} (0: central parameters)", m.draws),
            ),
            ("shards", id.shard_count.to_string()),
            ("engine", id.engine_version.clone()),
            ("model fingerprint", id.model.clone()),
            ("scenario fingerprint", id.fingerprint.clone()),
            (
                "run time",
                format!("{wall:.1} s of shard wall time; finished {finished}"),
            ),
            (
                "willingness to pay",
                format!("{} {} per QALY", c.willingness_to_pay, c.currency),
            ),
        ];
        let mut s = String::from("<dl>");
        for (k, v) in rows {
            let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
        }
        s + "</dl>"
    }

    fn tables(c: &Comparison) -> String {
        let mut s = String::new();
        for (title, header, rows) in tables(c) {
            let _ = write!(s, "<h3>{}</h3><table><tr>", escape(&title));
            for h in header {
                let _ = write!(s, "<th>{}</th>", escape(&h));
            }
            s.push_str("</tr>");
            for r in rows {
                s.push_str("<tr>");
                for cell in r {
                    let _ = write!(s, "<td>{}</td>", escape(&cell));
                }
                s.push_str("</tr>");
            }
            s.push_str("</table>");
        }
        s
    }
}

/// A self-contained page: `title` as its title and heading, then `body` (HTML).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style><script>{CHECK}</script></head><body>\n<h1>{}</h1>\n{body}</body></html>\n",
        escape(title),
        escape(title),
    )
}

/// Whether a chart (by its id) belongs to a section of the page.
type Member = dyn Fn(&str) -> bool;

impl Exporter for Html<'_> {
    fn export(&self, c: &Comparison, w: &mut dyn Write) -> Result<()> {
        let charts = crate::report::charts::charts(self.results, Some(self.all_draws), self.arms)?;
        let title = format!("sarcosim report: {}", c.scenario);
        let mut s = format!("<h2>Provenance</h2>{}\n", self.provenance(c));
        let groups: [(&str, &Member); 4] = [
            ("Population", &|id| id == "alive" || id == "survival"),
            ("Prevalence", &|id| {
                id.starts_with("prevalence") || id.starts_with("age-bands")
            }),
            ("Muscle and function", &|id| {
                ["alm", "grip", "gait"].contains(&id)
            }),
            ("Decision analysis", &|id| {
                id.starts_with("ce") || id == "frontier"
            }),
        ];
        for (heading, member) in groups {
            let inside: Vec<&(String, String)> =
                charts.iter().filter(|(id, _)| member(id)).collect();
            if inside.is_empty() {
                continue;
            }
            let _ = write!(s, "<h2>{heading}</h2><div class=\"charts\">");
            for (_, svg) in inside {
                s.push_str(svg);
            }
            s.push_str("</div>\n");
        }
        let _ = writeln!(s, "<h2>Comparison of arms</h2>{}", Self::tables(c));
        put(w, &page(&title, &s))
    }
}
