//! Tornado diagrams: for each parameter, a horizontal bar from the base-case value of an
//! outcome to its value at the parameter's low and at its high end, widest on top.

use super::scale::{extent, ticks_of, Scale};
use super::svg::{fit, text_width, Area, Canvas, FONT};
use super::{colour, Frame};
use std::fmt::Write as _;

/// One parameter's bar: the outcome with the parameter at its low and at its high value.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub low: f64,
    pub high: f64,
}

impl Bar {
    fn span(&self, base: f64) -> f64 {
        let d = |v: f64| if v.is_finite() { (v - base).abs() } else { 0.0 };
        d(self.low).max(d(self.high))
    }
}

/// The legend's two entries.
const ENDS: [&str; 2] = ["parameter low", "parameter high"];

fn describe(frame: &Frame, base: f64, bars: &[&Bar]) -> String {
    let mut d = format!(
        "Tornado diagram of {}; base case {base:.4}, widest bar first.",
        frame.x.text()
    );
    let v = |x: f64| {
        if x.is_finite() {
            format!("{x:.4}")
        } else {
            "none".into()
        }
    };
    for b in bars {
        let _ = write!(
            d,
            " {}: {} (low) to {} (high).",
            b.label,
            v(b.low),
            v(b.high)
        );
    }
    d
}

/// A tornado diagram of `bars` around `base` (bars sorted here, widest on top; a
/// non-finite end draws no bar).
pub fn tornado_chart(frame: &Frame, base: f64, bars: &[Bar]) -> String {
    let mut sorted: Vec<&Bar> = bars.iter().collect();
    sorted.sort_by(|a, b| b.span(base).total_cmp(&a.span(base)));
    let values = sorted.iter().flat_map(|b| [b.low, b.high]).chain([base]);
    let ticks = ticks_of(extent(values), 6);
    let widest = sorted
        .iter()
        .map(|b| text_width(&b.label, FONT))
        .fold(0.0, f64::max);
    let top = if frame.note.is_empty() { 62.0 } else { 74.0 };
    let a = Area {
        left: (widest + 16.0).min(frame.width * 0.4),
        right: frame.width - 24.0,
        top,
        bottom: frame.height - 46.0,
    };
    let sx = Scale::of(&ticks, a.left, a.right);
    let mut c = Canvas::open(frame, &describe(frame, base, &sorted));
    axes(&mut c, frame, a, &sx, &ticks);
    legend(&mut c, a);
    if sorted.is_empty() {
        c.no_data(a);
    }
    let row = (a.bottom - a.top) / sorted.len().max(1) as f64;
    for (i, b) in sorted.iter().enumerate() {
        let y = a.top + row * i as f64;
        let h = (row * 0.7).min(28.0);
        let mut g = format!(
            r#"<g class="series" data-label="{}">"#,
            super::escape(&b.label)
        );
        for (j, v) in [b.low, b.high].into_iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let (x0, x1) = (sx.px(base.min(v)), sx.px(base.max(v)));
            let _ = write!(
                g,
                r#"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}"/>"#,
                y + (row - h) / 2.0,
                (x1 - x0).max(1.0),
                colour(j)
            );
        }
        g.push_str("</g>");
        c.raw(&g);
        let label = fit(&b.label, a.left - 12.0, FONT);
        c.text(
            a.left - 6.0,
            y + row / 2.0 + 4.0,
            "end",
            FONT,
            &label,
            r#" class="label""#,
        );
    }
    let x = sx.px(base);
    c.line((x, a.top), (x, a.bottom), "black", r#" stroke-width="1.5""#);
    c.finish()
}

/// The value axis with its grid, ticks and title.
fn axes(c: &mut Canvas, frame: &Frame, a: Area, sx: &Scale, ticks: &[f64]) {
    let step = if ticks.len() > 1 {
        ticks[1] - ticks[0]
    } else {
        1.0
    };
    for v in ticks {
        let x = sx.px(*v);
        c.line((x, a.top), (x, a.bottom), "#e4e4e4", "");
        c.text(
            x,
            a.bottom + 16.0,
            "middle",
            FONT,
            &super::tick_label(*v, step),
            "",
        );
    }
    c.line((a.left, a.bottom), (a.right, a.bottom), "black", "");
    let title = fit(&frame.x.text(), a.right - a.left, FONT);
    c.text(
        (a.left + a.right) / 2.0,
        a.bottom + 34.0,
        "middle",
        FONT,
        &title,
        "",
    );
}

/// The two swatches above the bars, right-aligned inside the canvas.
fn legend(c: &mut Canvas, a: Area) {
    let mut x = a.right;
    for (j, name) in ENDS.iter().enumerate().rev() {
        x -= text_width(name, FONT) + 20.0;
        c.raw(&format!(
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{}"/>"#,
            a.top - 22.0,
            colour(j)
        ));
        c.text(x + 16.0, a.top - 12.0, "start", FONT, name, "");
        x -= 12.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Axis;

    #[test]
    fn bars_are_sorted_widest_first_and_non_finite_ends_are_skipped() {
        let f = Frame::new(
            "tor",
            "Tornado",
            Axis::new("ICER", "USD per QALY"),
            Axis::new("", ""),
        );
        let bars = [
            Bar {
                label: "narrow".into(),
                low: 9.0,
                high: 11.0,
            },
            Bar {
                label: "wide <x>".into(),
                low: 0.0,
                high: 30.0,
            },
            Bar {
                label: "half".into(),
                low: f64::NAN,
                high: 15.0,
            },
        ];
        let svg = tornado_chart(&f, 10.0, &bars);
        let wide = svg.find("wide &lt;x&gt;").unwrap();
        let narrow = svg.find("data-label=\"narrow\"").unwrap();
        assert!(wide < narrow, "widest first");
        assert_eq!(
            svg.matches("<rect x=").count(),
            5 + 2,
            "five bars, two swatches"
        );
        assert!(!svg.contains("NaN"), "{svg}");
        let empty = tornado_chart(&f, 0.0, &[]);
        assert!(empty.contains(">no data<"));
    }
}
