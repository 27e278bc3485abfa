//! `sarcosim report` shows a screenful by default (the central draw and the across-draw
//! summary) and more on request (`--section`, `--arm`, `--draw`), the same selection in
//! every format.

mod common;
use common::*;

fn report_with(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["report", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    sarcosim(&args)
}

#[test]
fn the_default_report_fits_a_screen_and_options_ask_for_more() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &["--draws", "2"]);
    let short = stdout(&report_with(&out, &[]));
    assert!(
        short.contains("== draw 0: every arm at the last record =="),
        "{short}"
    );
    assert!(short.contains("across parameter draws 1..2"), "{short}");
    assert!(
        !short.contains("population by year") && !short.contains("draw 1,"),
        "{short}"
    );
    let all = stdout(&report_with(&out, &["--section", "all", "--draw", "all"]));
    for d in 0..=2 {
        for arm in ["baseline", "same"] {
            let by_year = format!("== arm {arm} · draw {d}: population by year ==");
            assert!(all.contains(&by_year), "{by_year}");
            assert!(all.contains(&format!("== arm {arm} · draw {d}: prevalence by age band")));
        }
        assert!(
            all.contains(&format!("Outcomes per arm (draw {d},")),
            "{all}"
        );
    }
    assert!(all.lines().count() > 3 * short.lines().count());

    let one = stdout(&report_with(
        &out,
        &[
            "--arm",
            "same",
            "--draw",
            "1",
            "--section",
            "by-year,comparison",
        ],
    ));
    assert!(
        one.contains("== arm same · draw 1: population by year =="),
        "{one}"
    );
    assert!(
        !one.contains("arm baseline ·") && !one.contains("draw 0"),
        "{one}"
    );
    assert!(
        one.contains("Difference vs `baseline` (paired, draw 1"),
        "{one}"
    );

    // The selection reaches the data formats too: csv rows of one arm and one draw (and
    // the across-draw rows), all draws by default.
    let csv = |extra: &[&str]| {
        let mut a = vec!["--format", "csv"];
        a.extend_from_slice(extra);
        stdout(&report_with(&out, &a))
    };
    let full = csv(&[]);
    let narrow = csv(&["--arm", "same", "--draw", "1"]);
    assert!(narrow.lines().count() > 1 && narrow.lines().count() < full.lines().count());
    for line in narrow.lines().skip(1) {
        // (The unit may hold a quoted comma: the draw is found by what follows it.)
        assert_eq!(line.split(',').nth(2), Some("same"), "{line}");
        let draw_1 = line.contains(",1,monte_carlo");
        assert!(draw_1 || line.contains(",,across_draws,"), "{line}");
    }
    assert!(full.lines().any(|l| l.contains(",2,monte_carlo")));

    // ... and the charts of the HTML page: one arm's lines only.
    let html = |extra: &[&str]| {
        let mut a = vec!["--format", "html"];
        a.extend_from_slice(extra);
        stdout(&report_with(&out, &a))
    };
    let series = |page: &str, arm: &str| page.matches(&format!(">{arm}</text>")).count();
    let (every, only) = (html(&[]), html(&["--arm", "same"]));
    assert!(series(&every, "baseline") > 0 && series(&every, "same") > 0);
    assert_eq!(series(&only, "baseline"), 0, "{only}");
    assert_eq!(series(&only, "same"), series(&every, "same"));
}

#[test]
fn unknown_arms_draws_and_sections_exit_2_naming_what_exists() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    for (extra, says) in [
        (&["--arm", "nope"][..], "its arms: baseline, same"),
        (&["--draw", "4"][..], "the run has draws 0..=0"),
        (&["--section", "years"][..], "one of: overview, by-year"),
        (&["--draw", "x"][..], "not a draw number"),
    ] {
        let o = report_with(&out, extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{extra:?}: {}", stderr(&o));
    }
}
