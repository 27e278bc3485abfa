//! `sarcosim report` and `sarcosim plot`: a results directory (or a sweep's) as text,
//! Markdown, CSV, JSON, HTML or SVG charts.

use crate::cli::{ReportArgs, ReportFormat};
use crate::print_out;
use anyhow::Context;
use sarcosim::{compare, report, Error};
use std::path::Path;

/// `sarcosim report DIR`: the chosen sections and the comparison in the chosen format.
pub fn report(args: ReportArgs) -> anyhow::Result<()> {
    let ReportArgs {
        dir,
        format,
        output,
        section,
        arm,
        draw,
        table,
    } = args;
    if let Some(name) = table {
        return report_table(&dir, format, &name, output.as_deref());
    }
    if sarcosim::sensitivity::sweep::is_sweep(&dir) {
        return report_sweep(&dir, format, output.as_deref());
    }
    sarcosim::output::verify(&dir)?;
    let results = report::load(&dir)?;
    let data = matches!(format, Some(ReportFormat::Csv | ReportFormat::Json));
    let mut sel = report::Selection {
        arms: arm,
        draws: draw.unwrap_or(if data {
            report::Draws::All
        } else {
            report::Draws::Some(vec![0])
        }),
        ..Default::default()
    };
    if !section.is_empty() {
        sel.sections = report::select::parse_sections(&section)?;
    }
    sel.check(&results.manifest.arms, results.manifest.draws)?;
    let mut text = match format {
        None => report::text_report(&results, &sel).context("building the report")?,
        Some(_) => String::new(),
    };
    if format.is_some() || sel.shows(report::Section::Comparison) {
        let c = compare::Comparison::of(&results).context("comparing the arms")?;
        let html = compare::Html {
            results: &results,
            all_draws: &c,
            arms: &sel.arms,
        };
        let exporter: &dyn compare::Exporter = match format {
            None => &compare::Text,
            Some(ReportFormat::Csv) => &compare::Csv,
            Some(ReportFormat::Json) => &compare::Json,
            Some(ReportFormat::Markdown) => &compare::Markdown,
            Some(ReportFormat::Html) => &html,
        };
        if format.is_none() {
            text.push('\n');
        }
        text.push_str(&String::from_utf8(exporter.to_bytes(&sel.comparison(&c))?)?);
    }
    write_report(&text, output.as_deref())
}

/// `report --format csv --table NAME`: one table of the decision analysis as CSV.
fn report_table(
    dir: &Path,
    format: Option<ReportFormat>,
    name: &str,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    use sarcosim::compare::decision::files::{frame_named, FILES};
    let names = FILES.map(|f| f.table()).join(", ");
    if format != Some(ReportFormat::Csv) {
        return Err(Error::BadInput(format!(
            "--table {name} needs --format csv (json and markdown hold every table already)"
        ))
        .into());
    }
    if !FILES.iter().any(|f| f.table() == name) {
        return Err(Error::BadInput(format!(
            "--table {name}: no such table (expected one of {names})"
        ))
        .into());
    }
    sarcosim::output::verify(dir)?;
    let results = report::load(dir)?;
    let c = compare::Comparison::of(&results).context("comparing the arms")?;
    let Some(analysis) = &c.decision else {
        return Err(Error::BadInput(format!(
            "{} has no decision analysis (it needs at least two arms with costs and QALYs)",
            dir.display()
        ))
        .into());
    };
    let frame = frame_named(analysis, name).expect("a known table")?;
    write_report(&compare::export::csv::frame(&frame), output)
}

/// The report to `--output` (atomically) or stdout.
fn write_report(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        None => print_out(text),
        Some(p) => {
            Ok(sarcosim::output::write_atomic(p, text.as_bytes()).context("writing the report")?)
        }
    }
}

/// `sarcosim plot DIR --out CHARTS`: the charts of the HTML report as SVG files.
pub fn plot(dir: &Path, out: &Path) -> anyhow::Result<()> {
    sarcosim::output::verify(dir)?;
    let results = report::load(dir)?;
    let c = compare::Comparison::of(&results).context("comparing the arms")?;
    let charts = report::charts::charts(&results, Some(&c), &[])?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    for (id, svg) in &charts {
        sarcosim::output::write_atomic(&out.join(format!("{id}.svg")), svg.as_bytes())?;
    }
    eprintln!("{} charts → {}", charts.len(), out.display());
    Ok(())
}

/// `report` of a sweep directory: the variants side by side, then each one's comparison.
fn report_sweep(
    dir: &Path,
    format: Option<ReportFormat>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    use sarcosim::sensitivity::sweep::{render, Format as F};
    let f = match format {
        None => F::Text,
        Some(ReportFormat::Csv) => F::Csv,
        Some(ReportFormat::Json) => F::Json,
        Some(ReportFormat::Markdown) => F::Markdown,
        // No HTML page of a sweep yet: its text.
        Some(_) => F::Text,
    };
    let text = render(dir, f).context("comparing the variants")?;
    write_report(&text, output)
}
