//! Charts as small self-contained SVG documents, shared by `validate --plots`, `report
//! --format html` and `plot`: line charts with interval bands and step curves
//! ([`line_chart`]), scatter plots such as the cost-effectiveness plane ([`scatter_chart`])
//! and tornado diagrams ([`tornado_chart`]).
//!
//! Every chart has a title, axis labels with units, a `<title>` and a `<desc>` (a text
//! alternative naming every series and its range), a colour-blind-safe palette
//! (Okabe & Ito 2008) with dash patterns beyond its eight colours, and direct labels at the
//! end of each line, inside the canvas. Text is XML-escaped; non-finite points are left
//! out (a line breaks there) and a chart with no finite point says so.

mod bar;
mod line;
mod scale;
mod scatter;
mod svg;

pub use bar::{tornado_chart, Bar};
pub use line::line_chart;
pub use scale::{nice_ticks, tick_label};
pub use scatter::{scatter_chart, Cloud, RefLine};
pub use svg::escape;

/// The Okabe-Ito palette without yellow (too light on white), in the order series take
/// it: blue, vermillion, bluish green, reddish purple, orange, sky blue, black.
pub const PALETTE: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];

/// The palette's colour for series `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// An axis: what it shows and in which unit ("" for none).
#[derive(Clone, Debug)]
pub struct Axis {
    pub label: String,
    pub unit: String,
}

impl Axis {
    pub fn new(label: &str, unit: &str) -> Self {
        Axis {
            label: label.into(),
            unit: unit.into(),
        }
    }

    /// "label (unit)", or the label alone.
    pub fn text(&self) -> String {
        if self.unit.is_empty() {
            self.label.clone()
        } else {
            format!("{} ({})", self.label, self.unit)
        }
    }
}

/// A file-safe id from a label: lower-case letters and digits, anything else `-`.
pub fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// What every chart has: an id (unique within a page; it prefixes the ids of the title
/// and description), a title, a note under it, axes and a size in pixels.
#[derive(Clone, Debug)]
pub struct Frame {
    pub id: String,
    pub title: String,
    /// One line under the title (what the lines and bands are), "" for none.
    pub note: String,
    pub x: Axis,
    pub y: Axis,
    pub width: f64,
    pub height: f64,
}

impl Frame {
    pub fn new(id: &str, title: &str, x: Axis, y: Axis) -> Self {
        Frame {
            id: id.into(),
            title: title.into(),
            note: String::new(),
            x,
            y,
            width: 640.0,
            height: 400.0,
        }
    }

    pub fn note(mut self, note: &str) -> Self {
        self.note = note.into();
        self
    }
}

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

impl Dash {
    /// The `stroke-dasharray` attribute ("" for solid).
    fn attribute(self) -> &'static str {
        match self {
            Dash::Solid => "",
            Dash::Dashed => r#" stroke-dasharray="6 4""#,
            Dash::Dotted => r#" stroke-dasharray="2 3""#,
        }
    }
}

/// One series of a line chart: its label, colour and dash, its points, optionally a band
/// (x, lower, upper) drawn shaded behind it, markers at its points, or a step curve.
#[derive(Clone, Debug)]
pub struct Series {
    pub label: String,
    pub colour: &'static str,
    pub dash: Dash,
    pub markers: bool,
    pub step: bool,
    pub points: Vec<(f64, f64)>,
    pub band: Vec<(f64, f64, f64)>,
}

impl Series {
    /// A solid line in the palette's colour `i`.
    pub fn new(label: &str, i: usize, points: Vec<(f64, f64)>) -> Self {
        Series {
            label: label.into(),
            colour: colour(i),
            dash: Dash::Solid,
            markers: false,
            step: false,
            points,
            band: Vec::new(),
        }
    }

    /// Its label, with "(no data)" when it has no finite point.
    fn shown_label(&self) -> String {
        if self.finite().next().is_some() {
            self.label.clone()
        } else {
            format!("{} (no data)", self.label)
        }
    }

    /// The finite points.
    fn finite(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    }
}
