//! Simulated vs published trajectories as SVG line charts (drawn by [`crate::chart`]):
//! simulated lines solid, published values dashed with their points marked.

use super::sim::Life;
use super::{gait_mean, grip_quantile, Runs, BOHANNON, BOHANNON_BANDS, DODDS};
use crate::chart::{line_chart, Axis, Dash, Frame, Series};
use crate::model::life_table::{default_table, FIRST_AGE};

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

/// A simulated (solid) or published (dashed, points marked) series in palette colour `i`.
fn series(label: String, i: usize, published: bool, points: Vec<(f64, f64)>) -> Series {
    let mut s = Series::new(&label, i, points);
    if published {
        s.dash = Dash::Dashed;
        s.markers = true;
    }
    s
}

/// A chart of `series` with its file name; `y_zero`: the y axis starts at 0.
fn chart(
    file: &str,
    title: &str,
    x: Axis,
    y: Axis,
    series: &[Series],
    y_zero: bool,
) -> (String, String) {
    let id = file.trim_end_matches(".svg");
    let frame = Frame::new(id, title, x, y).note("solid: simulated; dashed with points: published");
    let include: &[f64] = if y_zero { &[0.0] } else { &[] };
    (file.into(), line_chart(&frame, series, (&[], include)))
}
const SEXES: [&str; 2] = ["men", "women"];

/// Grip centiles by age, simulated survivors vs Dodds 2014: one colour per sex and
/// centile (P10 and P90 no longer share one).
fn grip_chart(a: &[Life]) -> (String, String) {
    let n = a.len();
    let mut grip = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        for (qi, q) in [0.1, 0.5, 0.9].into_iter().enumerate() {
            let (c, p) = (3 * sex + qi, (q * 100.0) as u32);
            let sim = (60..=94)
                .map(|age| {
                    (
                        f64::from(age),
                        grip_quantile(a, &mut (0..n), female, age, q),
                    )
                })
                .collect();
            grip.push(series(format!("{} P{p} sim", SEXES[sex]), c, false, sim));
            let dodds = (0..7)
                .map(|j| (60.0 + 5.0 * j as f64, DODDS[sex][j][qi]))
                .collect();
            grip.push(series(format!("{} P{p} Dodds", SEXES[sex]), c, true, dodds));
        }
    }
    let title = "Grip centiles: simulated survivors vs Dodds 2014";
    chart(
        "grip-by-age.svg",
        title,
        Axis::new("age", "years"),
        Axis::new("grip", "kg"),
        &grip,
        false,
    )
}

/// Mean gait speed by age, simulated vs Bohannon 2011.
fn gait_chart(a: &[Life]) -> (String, String) {
    let n = a.len();
    let mut gait = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        let sim = (60..=94)
            .map(|age| (f64::from(age), gait_mean(a, &mut (0..n), female, age, age)))
            .collect();
        gait.push(series(format!("{} sim", SEXES[sex]), sex, false, sim));
        let published = BOHANNON_BANDS
            .iter()
            .enumerate()
            .map(|(j, (lo, hi))| (f64::from(lo + hi) / 2.0, BOHANNON[sex][j]))
            .collect();
        gait.push(series(
            format!("{} Bohannon", SEXES[sex]),
            sex,
            true,
            published,
        ));
    }
    let title = "Gait speed: simulated vs Bohannon 2011";
    chart(
        "gait-by-age.svg",
        title,
        Axis::new("age", "years"),
        Axis::new("gait speed", "m/s"),
        &gait,
        false,
    )
}

/// Survival from 50, simulated vs the life table.
fn survival_chart(a: &[Life]) -> (String, String) {
    let mut surv = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        let qx = default_table().qx(female);
        let start = a.iter().filter(|l| l[0].female == female).count() as f64;
        let sim = (0..a[0].len())
            .map(|k| {
                let alive = a
                    .iter()
                    .filter(|l| l[k].alive && l[k].female == female)
                    .count();
                ((FIRST_AGE + k) as f64, alive as f64 / start)
            })
            .collect();
        surv.push(series(format!("{} sim", SEXES[sex]), sex, false, sim));
        let mut l = 1.0;
        let table = (0..a[0].len())
            .step_by(5)
            .map(|k| {
                let p = ((FIRST_AGE + k) as f64, l);
                for q in qx.iter().skip(k).take(5) {
                    l *= 1.0 - q;
                }
                p
            })
            .collect();
        surv.push(series(
            format!("{} life table", SEXES[sex]),
            sex,
            true,
            table,
        ));
    }
    let title = "Survival from 50: simulated vs SSA 2021 life table";
    let y = Axis::new("surviving fraction", "");
    chart(
        "survival.svg",
        title,
        Axis::new("age", "years"),
        y,
        &surv,
        true,
    )
}

/// ALM/height² below T −2 by age band vs Gould 2013.
fn low_muscle_chart(a: &[Life]) -> (String, String) {
    let n = a.len();
    let mut low = Vec::new();
    for (sex, female) in [false, true].into_iter().enumerate() {
        let sim = (50..=90)
            .step_by(5)
            .map(|lo| {
                let f = super::below_gould_t2;
                let share = super::prevalence(a, &mut (0..n), female, lo, lo + 4, f);
                (f64::from(lo) + 2.0, share)
            })
            .collect();
        low.push(series(format!("{} sim", SEXES[sex]), sex, false, sim));
        let gould = vec![(84.0, if female { 6.2 } else { 16.0 })];
        low.push(series(
            format!("{} Gould ≥ 80", SEXES[sex]),
            sex,
            true,
            gould,
        ));
    }
    let title = "ALM/height² below T −2 (Gould 2013): simulated by age band vs Geelong ≥ 80";
    let y = Axis::new("below T −2", "%");
    chart(
        "low-muscle-by-age.svg",
        title,
        Axis::new("age", "years"),
        y,
        &low,
        true,
    )
}

/// Simulated EWGSOP2 prevalence by age band.
fn prevalence_chart(a: &[Life]) -> (String, String) {
    let n = a.len();
    let mut prev = Vec::new();
    type Flag = fn(&super::sim::Snap) -> bool;
    let definitions: [(&str, Flag); 2] = [
        ("EWGSOP2 probable", |s| s.ewgsop2 >= 1),
        ("EWGSOP2 confirmed", super::ewgsop2_confirmed),
    ];
    for (sex, female) in [false, true].into_iter().enumerate() {
        for (j, (name, flag)) in definitions.into_iter().enumerate() {
            let points = (60..=90)
                .step_by(5)
                .map(|lo| {
                    let share = super::prevalence(a, &mut (0..n), female, lo, lo + 4, flag);
                    (f64::from(lo) + 2.0, share)
                })
                .collect();
            prev.push(series(
                format!("{} {name}", SEXES[sex]),
                2 * sex + j,
                false,
                points,
            ));
        }
    }
    let title = "Simulated sarcopenia prevalence by age band";
    let y = Axis::new("prevalence", "%");
    chart(
        "prevalence-by-age.svg",
        title,
        Axis::new("age", "years"),
        y,
        &prev,
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_series_of_a_chart_has_its_own_colour_and_style() {
        let grip: Vec<Series> = (0..6)
            .flat_map(|c| {
                [
                    series(format!("s{c}"), c, false, vec![]),
                    series(format!("p{c}"), c, true, vec![]),
                ]
            })
            .collect();
        let styles: std::collections::HashSet<(&str, bool)> = grip
            .iter()
            .map(|s| (s.colour, s.dash == Dash::Dashed))
            .collect();
        assert_eq!(
            styles.len(),
            grip.len(),
            "P10 and P90 no longer share a colour"
        );
    }
}
