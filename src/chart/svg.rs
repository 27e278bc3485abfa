//! The SVG writer under every chart: the document with its text alternative, escaped
//! text, the plot area with its axes, grid and tick labels.

use super::scale::{tick_label, Scale};
use super::Frame;
use std::fmt::Write as _;

/// Text escaped for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The font size of labels, in pixels.
pub const FONT: f64 = 12.0;

/// The width a label takes at `size` pixels (an estimate for sans-serif: 0.6 em a char).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// `text` cut with "…" to fit `width` pixels at `size`.
pub fn fit(text: &str, width: f64, size: f64) -> String {
    let max = (width / (size * 0.6)).floor().max(1.0) as usize;
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// The plot area inside the canvas, in pixels.
#[derive(Clone, Copy, Debug)]
pub struct Area {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

/// An SVG document being written.
pub struct Canvas {
    s: String,
    pub width: f64,
}

impl Canvas {
    /// The document's start: its text alternative (`<title>`, `<desc>`), a white
    /// background, the title and the note under it.
    pub fn open(frame: &Frame, desc: &str) -> Canvas {
        let (w, h, id) = (frame.width, frame.height, escape(&frame.id));
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="sans-serif" font-size="{FONT}">"#
        );
        let _ = writeln!(
            s,
            r#"<title id="{id}-title">{}</title>"#,
            escape(&frame.title)
        );
        let _ = writeln!(s, r#"<desc id="{id}-desc">{}</desc>"#, escape(desc));
        let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
        let mut c = Canvas { s, width: w };
        let title = fit(&frame.title, w - 20.0, 15.0);
        c.text(10.0, 20.0, "start", 15.0, &title, r#" font-weight="bold""#);
        if !frame.note.is_empty() {
            let note = fit(&frame.note, w - 20.0, 11.0);
            c.text(10.0, 36.0, "start", 11.0, &note, r##" fill="#444444""##);
        }
        c
    }

    /// Raw SVG (already escaped).
    pub fn raw(&mut self, svg: &str) {
        self.s.push_str(svg);
        self.s.push('\n');
    }

    /// A text element, escaped; `extra`: further attributes.
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, size: f64, text: &str, extra: &str) {
        let _ = writeln!(
            self.s,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size}"{extra}>{}</text>"#,
            escape(text)
        );
    }

    /// A straight line.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, extra: &str) {
        let _ = writeln!(
            self.s,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}"{extra}/>"#
        );
    }

    /// The axes of `area`: grid lines and tick labels, a zero line when zero is inside,
    /// and the axis titles.
    pub fn axes(
        &mut self,
        frame: &Frame,
        area: Area,
        (xs, ys): (&Scale, &Scale),
        ticks: (&[f64], &[f64]),
    ) {
        let (xt, yt) = ticks;
        let step = |t: &[f64]| if t.len() > 1 { t[1] - t[0] } else { 1.0 };
        for v in xt {
            let x = xs.px(*v);
            self.line((x, area.top), (x, area.bottom), "#e4e4e4", "");
            self.text(
                x,
                area.bottom + 16.0,
                "middle",
                FONT,
                &tick_label(*v, step(xt)),
                "",
            );
        }
        for v in yt {
            let y = ys.px(*v);
            self.line((area.left, y), (area.right, y), "#e4e4e4", "");
            self.text(
                area.left - 6.0,
                y + 4.0,
                "end",
                FONT,
                &tick_label(*v, step(yt)),
                "",
            );
        }
        let across_zero = |t: &[f64]| t[0] < 0.0 && t[t.len() - 1] > 0.0;
        if across_zero(xt) {
            let x = xs.px(0.0);
            self.line((x, area.top), (x, area.bottom), "#888888", "");
        }
        if across_zero(yt) {
            let y = ys.px(0.0);
            self.line((area.left, y), (area.right, y), "#888888", "");
        }
        self.line(
            (area.left, area.bottom),
            (area.right, area.bottom),
            "black",
            "",
        );
        self.line((area.left, area.top), (area.left, area.bottom), "black", "");
        let x_title = fit(&frame.x.text(), area.right - area.left, FONT);
        self.text(
            (area.left + area.right) / 2.0,
            area.bottom + 34.0,
            "middle",
            FONT,
            &x_title,
            "",
        );
        let y_mid = (area.top + area.bottom) / 2.0;
        let y_title = fit(&frame.y.text(), area.bottom - area.top, FONT);
        let rotate = format!(r#" transform="rotate(-90 14 {y_mid:.1})""#);
        self.text(14.0, y_mid, "middle", FONT, &y_title, &rotate);
    }

    /// A "no data" message in the middle of `area`.
    pub fn no_data(&mut self, area: Area) {
        let (x, y) = (
            (area.left + area.right) / 2.0,
            (area.top + area.bottom) / 2.0,
        );
        self.text(
            x,
            y,
            "middle",
            14.0,
            "no data",
            r##" fill="#666666" class="no-data""##,
        );
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.s.push_str("</svg>\n");
        self.s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape(r#"a < b & "c" > 'd'"#),
            "a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;"
        );
        assert_eq!(escape("T −2 ≥ 80"), "T −2 ≥ 80");
        assert_eq!(escape("a\u{1}b"), "a b", "no control characters in XML");
    }

    #[test]
    fn long_text_is_cut_to_fit() {
        assert_eq!(fit("short", 100.0, 10.0), "short");
        let cut = fit("a very long label indeed", 60.0, 10.0);
        assert!(text_width(&cut, 10.0) <= 60.0, "{cut}");
        assert!(cut.ends_with('…'));
    }
}
