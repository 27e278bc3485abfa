//! Line charts: lines (or step curves) with optional shaded interval bands and point
//! markers, each labelled directly at its end in a column inside the canvas.

use super::scale::{extent, ticks_of, Scale};
use super::svg::{fit, text_width, Area, Canvas, FONT};
use super::{Frame, Series};
use std::fmt::Write as _;

/// Gap between two direct labels, in pixels.
const LABEL_GAP: f64 = 14.0;

/// The runs of consecutive finite points of a line (a non-finite value breaks it).
fn segments(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            out.last_mut().expect("one run").push((x, y));
        } else if !out.last().expect("one run").is_empty() {
            out.push(Vec::new());
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The points of a step curve through `points` (each value held until the next x).
fn steps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            out.push((p.0, points[i - 1].1));
        }
        out.push(*p);
    }
    out
}

/// `y` positions for labels wanted at `wanted` (sorted), at least `gap` apart, within
/// `top..=bottom` (closer when there are too many to fit).
pub(super) fn spread(wanted: &[f64], top: f64, bottom: f64) -> Vec<f64> {
    let n = wanted.len();
    if n == 0 {
        return Vec::new();
    }
    let gap = LABEL_GAP.min((bottom - top) / n as f64);
    let mut y: Vec<f64> = wanted.iter().map(|w| w.clamp(top, bottom)).collect();
    for i in 1..n {
        y[i] = y[i].max(y[i - 1] + gap);
    }
    y[n - 1] = y[n - 1].min(bottom);
    for i in (0..n - 1).rev() {
        y[i] = y[i].min(y[i + 1] - gap);
    }
    y
}

/// The text alternative: what is plotted against what, and each series' first and last
/// finite point.
fn describe(frame: &Frame, series: &[Series]) -> String {
    let mut d = format!(
        "Line chart of {} against {}.",
        frame.y.text(),
        frame.x.text()
    );
    for s in series {
        let pts: Vec<(f64, f64)> = s.finite().collect();
        match (pts.first(), pts.last()) {
            (Some(a), Some(b)) => {
                let _ = write!(
                    d,
                    " {}: {} point(s), {:.3} at {} to {:.3} at {}.",
                    s.label,
                    pts.len(),
                    a.1,
                    a.0,
                    b.1,
                    b.0
                );
            }
            _ => {
                let _ = write!(d, " {}: no data.", s.label);
            }
        }
    }
    d
}

/// The plot area: room on the left for the y tick labels, on the right for the direct
/// labels (at most 40 % of the width).
fn area(frame: &Frame, series: &[Series], y_labels: &[String]) -> Area {
    let widest = |labels: &mut dyn Iterator<Item = f64>| labels.fold(0.0, f64::max);
    let left = 30.0 + widest(&mut y_labels.iter().map(|l| text_width(l, FONT)));
    let right_room = widest(&mut series.iter().map(|s| text_width(&s.shown_label(), FONT))) + 40.0;
    let top = if frame.note.is_empty() { 44.0 } else { 56.0 };
    Area {
        left: left.max(50.0),
        right: frame.width - right_room.min(frame.width * 0.4),
        top,
        bottom: frame.height - 46.0,
    }
}

/// A line chart of `series` (see the module docs); `include`: values the x and y axes
/// must cover besides the data (0 for a prevalence, 0 and 1 for a probability).
pub fn line_chart(frame: &Frame, series: &[Series], include: (&[f64], &[f64])) -> String {
    let xs = series.iter().flat_map(|s| {
        s.points
            .iter()
            .map(|p| p.0)
            .chain(s.band.iter().map(|b| b.0))
    });
    let ys = series.iter().flat_map(|s| {
        let line = s.finite().map(|p| p.1);
        let band = s
            .band
            .iter()
            .filter(|b| b.0.is_finite())
            .flat_map(|b| [b.1, b.2]);
        line.chain(band)
    });
    let has_data = series.iter().any(|s| s.finite().next().is_some());
    let x_ticks = ticks_of(extent(xs.chain(include.0.iter().copied())), 6);
    let y_ticks = ticks_of(extent(ys.chain(include.1.iter().copied())), 5);
    let y_step = y_ticks[1] - y_ticks[0];
    let y_labels: Vec<String> = y_ticks
        .iter()
        .map(|v| super::tick_label(*v, y_step))
        .collect();
    let a = area(frame, series, &y_labels);
    let sx = Scale::of(&x_ticks, a.left, a.right);
    let sy = Scale::of(&y_ticks, a.bottom, a.top);
    let mut c = Canvas::open(frame, &describe(frame, series));
    c.axes(frame, a, (&sx, &sy), (&x_ticks, &y_ticks));
    if !has_data {
        c.no_data(a);
    }
    for s in series {
        draw_band(&mut c, s, (&sx, &sy));
    }
    for s in series {
        draw_line(&mut c, s, (&sx, &sy));
    }
    label_ends(&mut c, series, a, &sy);
    c.finish()
}

/// A series' band, shaded, one polygon per run of finite bounds.
fn draw_band(c: &mut Canvas, s: &Series, (sx, sy): (&Scale, &Scale)) {
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64, f64)>, c: &mut Canvas| {
        if run.len() >= 2 {
            let upper = run
                .iter()
                .map(|b| format!("{:.1},{:.1}", sx.px(b.0), sy.px(b.2)));
            let lower = run
                .iter()
                .rev()
                .map(|b| format!("{:.1},{:.1}", sx.px(b.0), sy.px(b.1)));
            let pts: Vec<String> = upper.chain(lower).collect();
            c.raw(&format!(
                r#"<polygon class="band" fill="{}" fill-opacity="0.18" stroke="none" points="{}"/>"#,
                s.colour,
                pts.join(" ")
            ));
        }
        run.clear();
    };
    for b in &s.band {
        if b.0.is_finite() && b.1.is_finite() && b.2.is_finite() {
            run.push(*b);
        } else {
            flush(&mut run, c);
        }
    }
    flush(&mut run, c);
}

/// A series' line (one polyline per run of finite points) and its markers.
fn draw_line(c: &mut Canvas, s: &Series, (sx, sy): (&Scale, &Scale)) {
    let mut g = format!(
        r#"<g class="series" data-label="{}" stroke="{}" fill="none" stroke-width="2">"#,
        super::escape(&s.label),
        s.colour
    );
    for run in segments(&s.points) {
        let run = if s.step { steps(&run) } else { run };
        let pts: Vec<String> = run
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", sx.px(*x), sy.px(*y)))
            .collect();
        let _ = write!(
            g,
            r#"<polyline points="{}"{}/>"#,
            pts.join(" "),
            s.dash.attribute()
        );
        if run.len() == 1 || s.markers {
            for (x, y) in &run {
                let _ = write!(
                    g,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}" stroke="none"/>"#,
                    sx.px(*x),
                    sy.px(*y),
                    s.colour
                );
            }
        }
    }
    g.push_str("</g>");
    c.raw(&g);
}

/// The direct labels: a sample of each line's stroke and its label in the right-hand
/// column, at the height of its last point, spread apart; series without data last.
fn label_ends(c: &mut Canvas, series: &[Series], a: Area, sy: &Scale) {
    let mut order: Vec<(f64, usize)> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.finite().last().map_or(f64::INFINITY, |p| sy.px(p.1)), i))
        .collect();
    order.sort_by(|p, q| p.0.total_cmp(&q.0));
    let wanted: Vec<f64> = order
        .iter()
        .map(|(y, _)| if y.is_finite() { *y } else { a.bottom })
        .collect();
    let ys = spread(&wanted, a.top + 4.0, a.bottom);
    let x = a.right + 8.0;
    let room = c.width - (x + 26.0) - 4.0;
    for ((_, i), y) in order.iter().zip(ys) {
        let s = &series[*i];
        let extra = format!(r#" stroke-width="2"{}"#, s.dash.attribute());
        c.line((x, y), (x + 20.0, y), s.colour, &extra);
        let text = fit(&s.shown_label(), room, FONT);
        c.text(x + 26.0, y + 4.0, "start", FONT, &text, r#" class="label""#);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Axis, Dash};

    fn frame() -> Frame {
        Frame::new(
            "t",
            "Grip <P10> & \"P90\"",
            Axis::new("age", "years"),
            Axis::new("grip", "kg"),
        )
    }

    /// Every text element's x and estimated right end, and its content.
    fn texts(svg: &str) -> Vec<(f64, f64, String)> {
        svg.split("<text ")
            .skip(1)
            .map(|t| {
                let attr = |k: &str| {
                    let i = t.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
                    t[i..i + t[i..].find('"').unwrap()].to_string()
                };
                let x: f64 = attr("x").parse().unwrap();
                let size: f64 = attr("font-size").parse().unwrap();
                let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                let w = text_width(body, size);
                let (l, r) = match attr("text-anchor").as_str() {
                    "start" => (x, x + w),
                    "end" => (x - w, x),
                    _ => (x - w / 2.0, x + w / 2.0),
                };
                (l, r, body.to_string())
            })
            .collect()
    }

    #[test]
    fn titles_and_labels_are_escaped() {
        let s = vec![Series::new(
            "men <P10> & co",
            0,
            vec![(60.0, 30.0), (70.0, 25.0)],
        )];
        let svg = line_chart(&frame(), &s, (&[], &[]));
        assert!(
            svg.contains("Grip &lt;P10&gt; &amp; &quot;P90&quot;"),
            "{svg}"
        );
        assert!(svg.contains("men &lt;P10&gt; &amp; co"));
        assert!(!svg.contains("<P10>"));
        assert!(svg.contains("<title id=\"t-title\">") && svg.contains("<desc id=\"t-desc\">"));
    }

    #[test]
    fn non_finite_points_break_the_line_and_an_all_nan_series_draws_nothing() {
        let gap = Series::new(
            "gap",
            0,
            vec![(1.0, 1.0), (2.0, f64::NAN), (3.0, 3.0), (4.0, 2.0)],
        );
        let nan = Series::new("nan", 1, vec![(1.0, f64::NAN), (2.0, f64::NAN)]);
        let empty = Series::new("empty", 2, vec![]);
        let svg = line_chart(&frame(), &[gap, nan, empty], (&[], &[]));
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let gap_group = svg.split("data-label=\"gap\"").nth(1).unwrap();
        let gap_group = &gap_group[..gap_group.find("</g>").unwrap()];
        assert_eq!(gap_group.matches("<polyline").count(), 2, "{gap_group}");
        assert!(svg.contains("nan (no data)") && svg.contains("empty (no data)"));
        assert!(
            svg.contains("nan: no data."),
            "the text alternative says so"
        );
        let none = line_chart(&frame(), &[], (&[], &[]));
        assert!(none.contains("no data") && none.ends_with("</svg>\n"));
    }

    #[test]
    fn every_label_and_the_legend_stay_inside_the_canvas() {
        let long = "women EWGSOP2 confirmed, simulated survivors of the reference population";
        let series: Vec<Series> = (0..12)
            .map(|i| {
                let mut s = Series::new(
                    &format!("{long} {i}"),
                    i,
                    vec![(60.0, 10.0), (94.0, 10.0 + i as f64 * 0.01)],
                );
                s.dash = if i % 2 == 0 {
                    Dash::Solid
                } else {
                    Dash::Dashed
                };
                s
            })
            .collect();
        let f = frame();
        let svg = line_chart(&f, &series, (&[], &[0.0]));
        // (The y axis title is rotated: its extent is vertical.)
        for (l, r, body) in texts(&svg).into_iter().filter(|t| t.2 != "grip (kg)") {
            assert!(
                l >= 0.0 && r <= f.width,
                "{body}: {l}..{r} outside 0..{}",
                f.width
            );
        }
        assert_eq!(
            svg.matches("class=\"label\"").count(),
            12,
            "one label per series"
        );
    }

    #[test]
    fn labels_are_spread_apart_within_the_column() {
        let y = spread(&[100.0, 100.0, 101.0, 300.0], 50.0, 305.0);
        for w in y.windows(2) {
            assert!(w[1] - w[0] >= LABEL_GAP - 1e-9, "{y:?}");
        }
        assert!(y.iter().all(|v| (50.0..=305.0).contains(v)), "{y:?}");
        let crowded = spread(&[200.0; 40], 50.0, 305.0);
        assert!(
            crowded[0] >= 50.0 - 1e-9 && crowded[39] <= 305.0,
            "{crowded:?}"
        );
    }

    #[test]
    fn a_step_curve_holds_each_value_until_the_next_point() {
        assert_eq!(
            steps(&[(0.0, 1.0), (1.0, 0.5), (2.0, 0.2)]),
            vec![(0.0, 1.0), (1.0, 1.0), (1.0, 0.5), (2.0, 0.5), (2.0, 0.2)]
        );
        let mut band = Series::new("b", 0, vec![(0.0, 1.0), (1.0, 2.0)]);
        band.band = vec![(0.0, 0.5, 1.5), (1.0, 1.5, 2.5)];
        let svg = line_chart(&frame(), &[band], (&[], &[]));
        assert_eq!(svg.matches("class=\"band\"").count(), 1);
    }
}
