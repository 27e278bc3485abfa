//! Scatter plots: clouds of points (one per arm: its draws, its central estimate marked
//! larger, optionally joined as a line, e.g. an efficiency frontier) and straight
//! reference lines (a willingness-to-pay threshold), labelled directly at the right.

use super::line::spread;
use super::scale::{extent, ticks_of, Scale};
use super::svg::{escape, fit, text_width, Area, Canvas, FONT};
use super::Frame;
use std::fmt::Write as _;

/// One group of points.
#[derive(Clone, Debug)]
pub struct Cloud {
    pub label: String,
    pub colour: &'static str,
    pub points: Vec<(f64, f64)>,
    /// A point drawn larger and outlined (the central draw).
    pub centre: Option<(f64, f64)>,
    /// Join the points in their order with a line.
    pub joined: bool,
}

impl Cloud {
    fn finite(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.points
            .iter()
            .chain(self.centre.iter())
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    }

    /// Its label, with "(no data)" when it has no finite point.
    fn shown_label(&self) -> String {
        if self.finite().next().is_some() {
            self.label.clone()
        } else {
            format!("{} (no data)", self.label)
        }
    }

    /// Where its label points: the centre, else the mean of its points.
    fn anchor(&self) -> Option<(f64, f64)> {
        if let Some(c) = self.centre.filter(|c| c.0.is_finite() && c.1.is_finite()) {
            return Some(c);
        }
        let pts: Vec<(f64, f64)> = self.finite().collect();
        let n = pts.len() as f64;
        (n > 0.0).then(|| {
            let (sx, sy) = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
            (sx / n, sy / n)
        })
    }
}

/// A line y = slope · x + intercept across the plot, dashed grey, labelled.
#[derive(Clone, Debug)]
pub struct RefLine {
    pub label: String,
    pub slope: f64,
    pub intercept: f64,
}

fn describe(frame: &Frame, clouds: &[Cloud], lines: &[RefLine]) -> String {
    let mut d = format!(
        "Scatter plot of {} against {}.",
        frame.y.text(),
        frame.x.text()
    );
    for c in clouds {
        let n = c.finite().count();
        match c.anchor() {
            Some((x, y)) => {
                let _ = write!(d, " {}: {n} point(s) around ({x:.4}, {y:.1}).", c.label);
            }
            None => {
                let _ = write!(d, " {}: no data.", c.label);
            }
        }
    }
    for l in lines {
        let _ = write!(d, " Dashed line: {}.", l.label);
    }
    d
}

/// A scatter plot (see the module docs); the axes cover `include` points too (the
/// origin of a cost-effectiveness plane).
pub fn scatter_chart(
    frame: &Frame,
    clouds: &[Cloud],
    lines: &[RefLine],
    include: &[(f64, f64)],
) -> String {
    let pts = || {
        clouds
            .iter()
            .flat_map(Cloud::finite)
            .chain(include.iter().copied())
    };
    let x_ticks = ticks_of(extent(pts().map(|p| p.0)), 6);
    let y_ticks = ticks_of(extent(pts().map(|p| p.1)), 5);
    let y_step = y_ticks[1] - y_ticks[0];
    let widest_tick = y_ticks
        .iter()
        .map(|v| text_width(&super::tick_label(*v, y_step), FONT))
        .fold(0.0, f64::max);
    let widest_label = clouds
        .iter()
        .map(|c| text_width(&c.shown_label(), FONT))
        .fold(0.0, f64::max);
    let a = Area {
        left: (30.0 + widest_tick).max(50.0),
        right: frame.width - (widest_label + 40.0).min(frame.width * 0.35),
        top: if frame.note.is_empty() { 44.0 } else { 56.0 },
        bottom: frame.height - 46.0,
    };
    let sx = Scale::of(&x_ticks, a.left, a.right);
    let sy = Scale::of(&y_ticks, a.bottom, a.top);
    let mut c = Canvas::open(frame, &describe(frame, clouds, lines));
    c.axes(frame, a, (&sx, &sy), (&x_ticks, &y_ticks));
    if clouds.iter().all(|c| c.finite().next().is_none()) {
        c.no_data(a);
    }
    for l in lines {
        reference_line(&mut c, l, a, (&sx, &sy));
    }
    for cl in clouds {
        draw_cloud(&mut c, cl, (&sx, &sy));
    }
    label_clouds(&mut c, clouds, a, &sy);
    c.finish()
}

/// A reference line clipped to the plot's x span and to its y span, its label at its end.
fn reference_line(c: &mut Canvas, l: &RefLine, a: Area, (sx, sy): (&Scale, &Scale)) {
    let at = |x: f64| l.intercept + l.slope * x;
    let (ylo, yhi) = (sy.lo.min(sy.hi), sy.lo.max(sy.hi));
    let mut xs = vec![sx.lo, sx.hi];
    if l.slope != 0.0 {
        xs.extend([(ylo - l.intercept) / l.slope, (yhi - l.intercept) / l.slope]);
    }
    let mut inside: Vec<f64> = xs
        .into_iter()
        .filter(|x| x.is_finite() && *x >= sx.lo && *x <= sx.hi)
        .filter(|x| at(*x) >= ylo - 1e-9 && at(*x) <= yhi + 1e-9)
        .collect();
    inside.sort_by(f64::total_cmp);
    let (Some(x0), Some(x1)) = (inside.first(), inside.last()) else {
        return;
    };
    let (p0, p1) = ((sx.px(*x0), sy.px(at(*x0))), (sx.px(*x1), sy.px(at(*x1))));
    c.line(
        p0,
        p1,
        "#666666",
        r#" stroke-dasharray="5 4" class="refline""#,
    );
    let text = fit(&l.label, (p1.0 - a.left).max(40.0), 11.0);
    let y = (p1.1 + 14.0).clamp(a.top + 12.0, a.bottom - 4.0);
    c.text(p1.0 - 4.0, y, "end", 11.0, &text, r##" fill="#444444""##);
}

fn draw_cloud(c: &mut Canvas, cl: &Cloud, (sx, sy): (&Scale, &Scale)) {
    let mut g = format!(
        r#"<g class="series" data-label="{}" fill="{}" stroke="{}">"#,
        escape(&cl.label),
        cl.colour,
        cl.colour
    );
    let finite: Vec<(f64, f64)> = cl
        .points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if cl.joined && finite.len() > 1 {
        let pts: Vec<String> = finite
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", sx.px(*x), sy.px(*y)))
            .collect();
        let _ = write!(
            g,
            r#"<polyline fill="none" stroke-width="2" points="{}"/>"#,
            pts.join(" ")
        );
    }
    for (x, y) in &finite {
        let _ = write!(
            g,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill-opacity="0.45" stroke="none"/>"#,
            sx.px(*x),
            sy.px(*y)
        );
    }
    if let Some((x, y)) = cl.centre.filter(|c| c.0.is_finite() && c.1.is_finite()) {
        let _ = write!(
            g,
            r#"<circle cx="{:.1}" cy="{:.1}" r="6" stroke="black" stroke-width="1.5"/>"#,
            sx.px(x),
            sy.px(y)
        );
    }
    g.push_str("</g>");
    c.raw(&g);
}

/// Labels in the right-hand column at the height of each cloud's centre.
fn label_clouds(c: &mut Canvas, clouds: &[Cloud], a: Area, sy: &Scale) {
    let mut order: Vec<(f64, usize)> = clouds
        .iter()
        .enumerate()
        .map(|(i, cl)| (cl.anchor().map_or(a.bottom, |p| sy.px(p.1)), i))
        .collect();
    order.sort_by(|p, q| p.0.total_cmp(&q.0));
    let wanted: Vec<f64> = order.iter().map(|p| p.0).collect();
    let ys = spread(&wanted, a.top + 4.0, a.bottom);
    let x = a.right + 10.0;
    let room = c.width - (x + 12.0) - 4.0;
    for ((_, i), y) in order.iter().zip(ys) {
        let cl = &clouds[*i];
        c.raw(&format!(
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{}"/>"#,
            cl.colour
        ));
        let label = if cl.finite().next().is_some() {
            cl.label.clone()
        } else {
            format!("{} (no data)", cl.label)
        };
        c.text(
            x + 12.0,
            y + 4.0,
            "start",
            FONT,
            &fit(&label, room, FONT),
            r#" class="label""#,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{colour, Axis};

    fn frame() -> Frame {
        Frame::new(
            "ce",
            "CE plane",
            Axis::new("QALYs gained", "per person"),
            Axis::new("extra cost", "USD per person"),
        )
    }

    #[test]
    fn the_plane_covers_the_origin_and_draws_the_threshold() {
        let cloud = Cloud {
            label: "rt & <co>".into(),
            colour: colour(0),
            points: vec![(0.01, 300.0), (0.02, 500.0), (f64::NAN, 1.0)],
            centre: Some((0.015, 400.0)),
            joined: false,
        };
        let wtp = RefLine {
            label: "50,000 USD per QALY".into(),
            slope: 50_000.0,
            intercept: 0.0,
        };
        let svg = scatter_chart(&frame(), &[cloud], &[wtp], &[(0.0, 0.0)]);
        assert!(svg.contains("rt &amp; &lt;co&gt;"), "{svg}");
        assert!(!svg.contains("NaN"));
        assert_eq!(svg.matches("class=\"refline\"").count(), 1);
        assert_eq!(svg.matches("r=\"3\"").count(), 2, "two finite draws");
        assert!(svg.contains("r=\"6\""), "the central draw");
    }

    #[test]
    fn empty_clouds_say_no_data() {
        let cloud = Cloud {
            label: "x".into(),
            colour: colour(1),
            points: vec![(f64::NAN, f64::NAN)],
            centre: None,
            joined: true,
        };
        let svg = scatter_chart(&frame(), &[cloud], &[], &[]);
        assert!(
            svg.contains("x (no data)") && svg.contains(">no data<"),
            "{svg}"
        );
    }
}
