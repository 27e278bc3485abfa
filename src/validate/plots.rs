//! Simulated vs published trajectories as small SVG line charts (no plotting dependency).

use super::sim::Life;
use super::{gait_mean, grip_quantile, Runs, BOHANNON, BOHANNON_BANDS, DODDS};
use crate::model::life_table::{FIRST_AGE, QX_MEN, QX_WOMEN};
use std::fmt::Write;

/// One line of a chart: label, colour, dashed (published) or solid (simulated), points.
pub struct Series {
    pub label: String,
    pub colour: &'static str,
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
}

/// Round tick values covering `lo..=hi`: the step of 1, 2, 2.5 or 5 times a power of ten
/// whose interval count is nearest `n`, the first and last ticks at or beyond the data.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let mag = 10f64.powf((span / n as f64).log10().floor());
    let bounds = |step: f64| ((lo / step).floor(), (hi / step).ceil());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .min_by_key(|step| {
            let (first, last) = bounds(*step);
            ((last - first) as i64 - n as i64).abs()
        })
        .unwrap_or(mag);
    let (first, last) = bounds(step);
    (0..=(last - first) as usize)
        .map(|i| (first + i as f64) * step)
        .collect()
}

/// A tick label with as many decimals as the step needs.
fn tick_label(v: f64, step: f64) -> String {
    let decimals = (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6) as usize;
    format!("{v:.decimals$}")
}

/// A line chart with axes, ticks and a legend.
pub fn line_chart(title: &str, x_label: &str, y_label: &str, series: &[Series]) -> String {
    let (w, h, l, r, t, b) = (640.0, 400.0, 60.0, 170.0, 36.0, 46.0);
    let pts = series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in pts.filter(|(_, y)| y.is_finite()) {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    let x_ticks = nice_ticks(x0, x1, 6);
    let y_ticks = nice_ticks(y0, y1, 5);
    let (x0, x1) = (x_ticks[0], x_ticks[x_ticks.len() - 1]);
    let (y0, y1) = (y_ticks[0], y_ticks[y_ticks.len() - 1]);
    let (x_step, y_step) = (x_ticks[1] - x_ticks[0], y_ticks[1] - y_ticks[0]);
    let sx = |x: f64| l + (x - x0) / (x1 - x0).max(1e-9) * (w - l - r);
    let sy = |y: f64| h - b - (y - y0) / (y1 - y0).max(1e-9) * (h - t - b);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(s, r#"<text x="{l}" y="20" font-size="14">{title}</text>"#);
    let _ = writeln!(
        s,
        r#"<line x1="{l}" y1="{}" x2="{}" y2="{}" stroke="black"/><line x1="{l}" y1="{t}" x2="{l}" y2="{}" stroke="black"/>"#,
        h - b,
        w - r,
        h - b,
        h - b
    );
    for xv in &x_ticks {
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            sx(*xv),
            h - b + 16.0,
            tick_label(*xv, x_step)
        );
    }
    for yv in &y_ticks {
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{:.1}" text-anchor="end">{}</text><line x1="{l}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="#dddddd"/>"##,
            l - 6.0,
            sy(*yv) + 4.0,
            tick_label(*yv, y_step),
            sy(*yv),
            w - r,
            sy(*yv)
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{x_label}</text><text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">{y_label}</text>"#,
        (l + w - r) / 2.0,
        h - 8.0,
        (t + h - b) / 2.0,
        (t + h - b) / 2.0
    );
    for (i, se) in series.iter().enumerate() {
        draw_series(&mut s, i, se, (&sx, &sy), w - r, t);
    }
    s.push_str("</svg>\n");
    s
}

/// One series: its line (dashed for published values, with their points marked) and its
/// legend entry at `legend_x`, row `i`.
fn draw_series(
    s: &mut String,
    i: usize,
    se: &Series,
    (sx, sy): (&dyn Fn(f64) -> f64, &dyn Fn(f64) -> f64),
    legend_x: f64,
    top: f64,
) {
    let d: Vec<String> = se
        .points
        .iter()
        .filter(|(_, y)| y.is_finite())
        .map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y)))
        .collect();
    let dash = if se.dashed {
        r#" stroke-dasharray="6 4""#
    } else {
        ""
    };
    let _ = writeln!(
        s,
        r#"<polyline fill="none" stroke="{}" stroke-width="2"{dash} points="{}"/>"#,
        se.colour,
        d.join(" ")
    );
    if se.dashed {
        for (x, y) in se.points.iter().filter(|(_, y)| y.is_finite()) {
            let _ = writeln!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"/>"#,
                sx(*x),
                sy(*y),
                se.colour
            );
        }
    }
    let ly = top + 14.0 + 18.0 * i as f64;
    let _ = writeln!(
        s,
        r#"<line x1="{}" y1="{ly}" x2="{}" y2="{ly}" stroke="{}" stroke-width="2"{dash}/><text x="{}" y="{}">{}</text>"#,
        legend_x + 8.0,
        legend_x + 30.0,
        se.colour,
        legend_x + 34.0,
        ly + 4.0,
        se.label
    );
}

/// The charts of `docs/validation.md`: (file name, SVG).
pub fn charts(r: &Runs) -> Vec<(String, String)> {
    let a = &r.ageing;
    vec![
        grip_chart(a),
        gait_chart(a),
        survival_chart(a),
        low_muscle_chart(a),
        prevalence_chart(a),
    ]
}

const COLOURS: [[&str; 2]; 2] = [["#1f77b4", "#6baed6"], ["#d62728", "#fc9272"]];
const SEXES: [&str; 2] = ["men", "women"];

/// Grip centiles by age, simulated survivors vs Dodds 2014.
fn grip_chart(a: &[Life]) -> (String, String) {
    let n = a.len();
    let mut grip = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        for (qi, q) in [0.1, 0.5, 0.9].into_iter().enumerate() {
            let c = COLOURS[sex][usize::from(qi != 1)];
            grip.push(Series {
                label: format!("{} P{} sim", SEXES[sex], (q * 100.0) as u32),
                colour: c,
                dashed: false,
                points: (60..=94)
                    .map(|age| {
                        (
                            f64::from(age),
                            grip_quantile(a, &mut (0..n), female, age, q),
                        )
                    })
                    .collect(),
            });
            grip.push(Series {
                label: format!("{} P{} Dodds", SEXES[sex], (q * 100.0) as u32),
                colour: c,
                dashed: true,
                points: (0..7)
                    .map(|j| (60.0 + 5.0 * j as f64, DODDS[sex][j][qi]))
                    .collect(),
            });
        }
    }
    (
        "grip-by-age.svg".into(),
        line_chart(
            "Grip centiles: simulated survivors vs Dodds 2014",
            "age",
            "grip, kg",
            &grip,
        ),
    )
}

/// Mean gait speed by age, simulated vs Bohannon 2011.
fn gait_chart(a: &[Life]) -> (String, String) {
    let n = a.len();
    let mut gait = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        gait.push(Series {
            label: format!("{} sim", SEXES[sex]),
            colour: COLOURS[sex][0],
            dashed: false,
            points: (60..=94)
                .map(|age| (f64::from(age), gait_mean(a, &mut (0..n), female, age, age)))
                .collect(),
        });
        gait.push(Series {
            label: format!("{} Bohannon", SEXES[sex]),
            colour: COLOURS[sex][0],
            dashed: true,
            points: BOHANNON_BANDS
                .iter()
                .enumerate()
                .map(|(j, (lo, hi))| (f64::from(lo + hi) / 2.0, BOHANNON[sex][j]))
                .collect(),
        });
    }
    (
        "gait-by-age.svg".into(),
        line_chart(
            "Gait speed: simulated vs Bohannon 2011",
            "age",
            "m/s",
            &gait,
        ),
    )
}

/// Survival from 50, simulated vs the life table.
fn survival_chart(a: &[Life]) -> (String, String) {
    let mut surv = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        let qx = if female { QX_WOMEN } else { QX_MEN };
        let start = a.iter().filter(|l| l[0].female == female).count() as f64;
        surv.push(Series {
            label: format!("{} sim", SEXES[sex]),
            colour: COLOURS[sex][0],
            dashed: false,
            points: (0..a[0].len())
                .map(|k| {
                    let alive = a
                        .iter()
                        .filter(|l| l[k].alive && l[k].female == female)
                        .count();
                    ((FIRST_AGE + k) as f64, alive as f64 / start)
                })
                .collect(),
        });
        let mut l = 1.0;
        surv.push(Series {
            label: format!("{} life table", SEXES[sex]),
            colour: COLOURS[sex][0],
            dashed: true,
            points: (0..a[0].len())
                .step_by(5)
                .map(|k| {
                    let p = ((FIRST_AGE + k) as f64, l);
                    for q in qx.iter().skip(k).take(5) {
                        l *= 1.0 - q;
                    }
                    p
                })
                .collect(),
        });
    }
    (
        "survival.svg".into(),
        line_chart(
            "Survival from 50: simulated vs SSA 2021 life table",
            "age",
            "surviving fraction",
            &surv,
        ),
    )
}

/// ALM/height² below T −2 by age band vs Gould 2013.
fn low_muscle_chart(a: &[Life]) -> (String, String) {
    let n = a.len();
    let mut low = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        low.push(Series {
            label: format!("{} sim", SEXES[sex]),
            colour: COLOURS[sex][0],
            dashed: false,
            points: (50..=90)
                .step_by(5)
                .map(|lo| {
                    let share = super::prevalence(
                        a,
                        &mut (0..n),
                        female,
                        lo,
                        lo + 4,
                        super::below_gould_t2,
                    );
                    (f64::from(lo) + 2.0, share)
                })
                .collect(),
        });
        low.push(Series {
            label: format!("{} Gould ≥ 80", SEXES[sex]),
            colour: COLOURS[sex][0],
            dashed: true,
            points: vec![(84.0, if female { 6.2 } else { 16.0 })],
        });
    }
    (
        "low-muscle-by-age.svg".into(),
        line_chart(
            "ALM/height² below T −2 (Gould 2013): simulated by age band vs Geelong ≥ 80",
            "age",
            "%",
            &low,
        ),
    )
}

/// Simulated EWGSOP2 prevalence by age band.
fn prevalence_chart(a: &[Life]) -> (String, String) {
    let n = a.len();
    let mut prev = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        for (j, (name, flag)) in [
            (
                "EWGSOP2 probable",
                (|s: &super::sim::Snap| s.ewgsop2 >= 1) as fn(&super::sim::Snap) -> bool,
            ),
            ("EWGSOP2 confirmed", super::ewgsop2_confirmed),
        ]
        .into_iter()
        .enumerate()
        {
            prev.push(Series {
                label: format!("{} {name}", SEXES[sex]),
                colour: COLOURS[sex][j],
                dashed: false,
                points: (60..=90)
                    .step_by(5)
                    .map(|lo| {
                        (
                            f64::from(lo) + 2.0,
                            super::prevalence(a, &mut (0..n), female, lo, lo + 4, flag),
                        )
                    })
                    .collect(),
            });
        }
    }
    (
        "prevalence-by-age.svg".into(),
        line_chart(
            "Simulated sarcopenia prevalence by age band",
            "age",
            "%",
            &prev,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        assert_eq!(
            nice_ticks(60.0, 94.0, 6),
            vec![60.0, 65.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0]
        );
        let t = nice_ticks(0.87, 1.41, 5);
        assert_eq!(t.first(), Some(&0.8));
        assert!(*t.last().unwrap() >= 1.41);
        assert_eq!(tick_label(0.25, 0.25), "0.25");
        assert_eq!(tick_label(0.9, 0.1), "0.9");
        assert_eq!(tick_label(75.0, 5.0), "75");
    }
}
