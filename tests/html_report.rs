//! The HTML report of a shipped scenario opened in a real headless Chromium: no console
//! error, every chart present and drawn (the page's own check marks `<body data-charts>`),
//! a screenshot saved. Skipped, saying why, when no browser can start (`.ci/run` installs
//! Debian's `chromium`; `CHROMIUM=/path` picks another).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn browser() -> Option<PathBuf> {
    let named = std::env::var_os("CHROMIUM").map(PathBuf::from);
    let known = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ];
    named
        .into_iter()
        .chain(known.iter().map(PathBuf::from))
        .find(|p| p.exists())
}

/// Chromium headless with `args` on the page, its stdout and stderr (`None`: it could not
/// run).
fn chromium(bin: &Path, page: &Path, args: &[&str]) -> Option<(String, String)> {
    let o = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .args([
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .ok()?;
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    o.status.success().then_some((out, err))
}

#[test]
fn the_html_report_opens_in_chromium_without_errors_and_every_chart_drawn() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("run");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/strategies-65plus.toml");
    run_ok(&scenario, &out, &["--population", "200", "--draws", "2"]);
    let page = t.path().join("report.html");
    let args = [
        "report",
        out.to_str().unwrap(),
        "--format",
        "html",
        "--output",
    ];
    let o = sarcosim(&[&args[..], &[page.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    let charts = html
        .matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\"")
        .count();
    assert!(charts >= 13, "{charts} charts");
    assert!(html.contains("id=\"ce-plane\"") && html.contains("id=\"ceac\""));
    assert!(html.contains("id=\"frontier\"") && html.contains("efficiency frontier"));
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "no network"
    );

    // `plot` writes the same charts as standalone SVG files.
    let svgs = t.path().join("charts");
    let o = sarcosim(&[
        "plot",
        out.to_str().unwrap(),
        "--out",
        svgs.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = std::fs::read_dir(&svgs).unwrap().count();
    assert_eq!(files, charts, "one file per chart of the page");
    let ce = std::fs::read_to_string(svgs.join("ce-plane.svg")).unwrap();
    assert!(html.contains(&ce), "the file is the page's chart");

    let Some(bin) = opens_cleanly(&page, charts) else {
        return;
    };
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    let _ = std::fs::remove_file(&shot);
    let arg = format!("--screenshot={}", shot.display());
    chromium(
        &bin,
        &page,
        &[&arg, "--window-size=1320,2400", "--hide-scrollbars"],
    )
    .expect("the browser that dumped the page takes its screenshot");
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    println!("screenshot: {}", shot.display());
}

/// Opens `page` in headless Chromium and checks the page's own mark (every one of its
/// `charts` drawn), no error and no console message. `None` (with a printed reason) when
/// no browser can start.
fn opens_cleanly(page: &Path, charts: usize) -> Option<PathBuf> {
    let Some(bin) = browser() else {
        println!("SKIPPED: no Chromium found (install Debian's chromium, or set CHROMIUM)");
        return None;
    };
    let Some((dom, log)) = chromium(&bin, page, &["--dump-dom"]) else {
        println!("SKIPPED: {} could not start headless", bin.display());
        return None;
    };
    let body = dom
        .split("<body")
        .nth(1)
        .map(|b| &b[..b.find('>').unwrap()])
        .unwrap_or("");
    assert!(
        body.contains("data-charts=\"ok\""),
        "the page's check: {body}"
    );
    assert!(
        body.contains(&format!("data-chart-count=\"{charts}\"")),
        "{body}"
    );
    assert!(!body.contains("data-errors"), "{body}");
    let console: Vec<&str> = log
        .lines()
        // The page logs nothing: any console message (an error, an uncaught exception) fails.
        .filter(|l| l.contains(":CONSOLE"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:?}");

    Some(bin)
}

#[test]
fn the_tornado_page_of_a_sensitivity_analysis_opens_with_every_diagram_drawn() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("sa");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/strategies-65plus.toml");
    let o = sarcosim(&[
        "sensitivity",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--population",
        "200",
        "--params",
        "mortality.sarcopenia_hr,arm[rt_65plus].intervention[resistance_training].uptake=0.2:0.6",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = out.join("tornado.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let charts = html
        .matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\"")
        .count();
    // Four arms against the baseline, ΔQALY, Δcost and the ICER each.
    assert_eq!(charts, 12, "{charts} charts");
    let svg = std::fs::read_to_string(out.join("charts/tornado-rt-65plus-qalys.svg")).unwrap();
    assert!(html.contains(&svg), "the file is the page's chart");
    assert!(svg.contains("uptake (rt_65plus)"), "{svg}");
    opens_cleanly(&page, charts);
}
