//! What-ifs, one-way sensitivity and sweeps (issue 13, the runs): `--set NAME=VALUE`,
//! `sarcosim sensitivity` and `[sweep]`, through the real binary.

mod common;

use common::*;
use polars::prelude::*;
use std::path::Path;

/// SMALL with a training arm, so settings can reach an intervention.
fn with_training() -> String {
    format!(
        "{SMALL}\n[[arm]]\nname = \"rt\"\n[[arm.intervention]]\nkind = \"resistance_training\"\nuptake = 0.4\nadherence = 0.7\nsessions_per_week = 2\ncost_per_year = 350\n"
    )
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn outcomes(dir: &Path) -> DataFrame {
    sorted(&read_table(dir, "outcomes"))
}

#[test]
fn set_at_the_files_own_value_changes_no_result_and_another_value_does() {
    let t = tempfile::tempdir().unwrap();
    let sc = write(t.path(), "s.toml", &with_training());
    let (plain, same, other) = (t.path().join("a"), t.path().join("b"), t.path().join("c"));
    run_ok(&sc, &plain, &[]);
    run_ok(&sc, &same, &["--set", "mortality.sarcopenia_hr=1.6"]);
    run_ok(
        &sc,
        &other,
        &[
            "--set",
            "arm[rt].intervention[resistance_training].uptake=1",
        ],
    );
    assert!(outcomes(&plain).equals_missing(&outcomes(&same)));
    let arm = |dir: &Path, a: &str| sorted(&read_table(dir, &format!("outcomes/arm={a}")));
    let years = |df: &DataFrame| {
        df.column("intervention_years")
            .unwrap()
            .as_materialized_series()
            .sum::<f64>()
            .unwrap()
    };
    assert!(
        years(&arm(&other, "rt")) > years(&arm(&plain, "rt")),
        "uptake 1 trains more person-years"
    );
    assert!(
        arm(&plain, "baseline").equals_missing(&arm(&other, "baseline")),
        "the baseline arm is untouched"
    );
    let m = manifest(&other);
    assert_eq!(
        m["scenario_resolved"]["settings"][0],
        "arm[rt].intervention[resistance_training].uptake=1"
    );
    assert_eq!(
        m["scenario_resolved"]["arms"][2]["interventions"][0]["uptake"],
        1.0
    );
    assert_ne!(m["fingerprint"], manifest(&plain)["fingerprint"]);
    assert!(manifest(&plain)["scenario_resolved"]
        .get("settings")
        .is_none());
    let r = stdout(&report(&other));
    assert!(
        r.contains("what-if --set arm[rt].intervention[resistance_training].uptake=1"),
        "{r}"
    );
}

#[test]
fn resume_knows_the_settings() {
    let t = tempfile::tempdir().unwrap();
    let sc = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    let set = ["--set", "economics.willingness_to_pay=20000"];
    run_ok(&sc, &out, &set);
    let again = run_args(&sc, &out, &[&set[..], &["--resume"]].concat());
    assert!(again.status.success(), "{}", stderr(&again));
    let other = run_args(
        &sc,
        &out,
        &["--set", "economics.willingness_to_pay=30000", "--resume"],
    );
    assert_eq!(other.status.code(), Some(2), "{}", stderr(&other));
    assert!(
        stderr(&other).contains("--set settings were changed"),
        "{}",
        stderr(&other)
    );
    let none = run_args(&sc, &out, &["--resume"]);
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn a_bad_setting_names_the_option_lists_close_names_exits_2_and_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let sc = write(t.path(), "s.toml", &with_training());
    let out = t.path().join("o");
    let cases: [(&str, &[&str]); 5] = [
        ("sarcopenia_hr=2", &["`mortality.sarcopenia_hr`"]),
        (
            "arm[rtt].intervention[resistance_training].uptake=0.5",
            &["no entry named `rtt`", "did you mean `rt`?"],
        ),
        (
            "arm[rt].intervention[resistance_training].uptake=1.5",
            &[
                "--set arm[rt].intervention[resistance_training].uptake=1.5",
                "arm[2].intervention[0].uptake",
                "outside [0, 1]",
            ],
        ),
        (
            "arm[rt].intervention[resistance_training].uptak=0.5",
            &["unknown key", "did you mean `uptake`?"],
        ),
        ("mortality.sarcopenia_hr=-1", &["is not a number > 0"]),
    ];
    for (set, expected) in cases {
        let o = run_args(&sc, &out, &["--set", set]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{set}: {err}");
        for e in expected {
            assert!(err.contains(e), "{set}: `{e}` not in {err}");
        }
        assert!(!out.exists(), "{set}: nothing written");
    }
    let o = sarcosim(&["check", sc.to_str().unwrap(), "--set", "population"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("NAME=VALUE"));
}

#[test]
fn check_prints_the_scenario_with_its_settings() {
    let t = tempfile::tempdir().unwrap();
    let sc = write(t.path(), "s.toml", &with_training());
    let o = sarcosim(&[
        "check",
        sc.to_str().unwrap(),
        "--set",
        "population=1234",
        "--set",
        "arm[*].intervention[resistance_training].sessions_per_week=3",
        "--set",
        "horizon=3y",
    ]);
    let text = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(text.contains("population  1234 persons"), "{text}");
    assert!(text.contains("horizon     3y = 36 steps"), "{text}");
    assert!(
        text.contains("set         horizon=\"3y\" (--set)"),
        "{text}"
    );
}

fn tornado(dir: &Path) -> DataFrame {
    let f = std::fs::File::open(dir.join("tornado.parquet")).unwrap();
    ParquetReader::new(f).finish().unwrap()
}

#[test]
fn one_way_sensitivity_gives_sorted_tornado_data_under_common_random_numbers() {
    let t = tempfile::tempdir().unwrap();
    let sc = write(t.path(), "s.toml", &with_training());
    let out = t.path().join("sa");
    let params = "mortality.sarcopenia_hr,arm[rt].intervention[resistance_training].uptake=0.2:0.6,population.gait_sd=0.1:0.3";
    let o = sarcosim(&[
        "sensitivity",
        sc.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--params",
        params,
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("== rt − baseline: qalys"), "{text}");
    let df = tornado(&out);
    let rows = |arm: &str, outcome: &str| {
        let s = |c: &str| df.column(c).unwrap().str().unwrap().clone();
        let (a, oc, ct) = (s("arm"), s("outcome"), s("contrast"));
        (0..df.height())
            .filter(|&i| {
                a.get(i) == Some(arm)
                    && oc.get(i) == Some(outcome)
                    && ct.get(i) == Some("difference")
            })
            .collect::<Vec<_>>()
    };
    let col = |c: &str| df.column(c).unwrap().f64().unwrap().clone();
    let (spread, at_low, at_high) = (col("spread"), col("at_low"), col("at_high"));
    let factor = df.column("factor").unwrap().str().unwrap().clone();
    for outcome in ["qalys", "cost", "life_years"] {
        let idx = rows("rt", outcome);
        assert_eq!(idx.len(), 3, "{outcome}");
        let spreads: Vec<f64> = idx.iter().map(|&i| spread.get(i).unwrap()).collect();
        assert!(
            spreads.windows(2).all(|w| w[0] >= w[1]),
            "{outcome}: {spreads:?}"
        );
        for &i in &idx {
            let d = (at_high.get(i).unwrap() - at_low.get(i).unwrap()).abs();
            assert!((d - spread.get(i).unwrap()).abs() < 1e-12);
        }
        // Gait speed feeds no outcome of this scenario: under common random numbers its
        // low and high runs are the central run exactly.
        let gait = idx
            .iter()
            .find(|&&i| factor.get(i) == Some("population.gait_sd"))
            .unwrap();
        assert_eq!(spread.get(*gait), Some(0.0), "{outcome}");
        // ... so its bar has no Monte Carlo noise either, while the uptake's, which
        // changes who trains, has some.
        let mc = col("spread_mc95");
        assert_eq!(mc.get(*gait), Some(0.0), "{outcome}");
        let uptake = idx
            .iter()
            .find(|&&i| factor.get(i).unwrap().ends_with("uptake"))
            .unwrap();
        assert!(mc.get(*uptake).unwrap() > 0.0, "{outcome}");
    }
    // The ICER, a ratio of differences, has no per-person half-width.
    let mc = col("spread_mc95");
    assert!(rows("rt", "icer").iter().all(|&i| mc.get(i).is_none()));
    // The arm without interventions differs from the baseline by nothing in every run.
    for &i in &rows("same", "qalys") {
        assert_eq!((at_low.get(i), at_high.get(i)), (Some(0.0), Some(0.0)));
    }
    // More uptake: more training cost.
    let cost = rows("rt", "cost");
    let up = cost
        .iter()
        .find(|&&i| factor.get(i).unwrap().contains("uptake"))
        .unwrap();
    assert!(at_high.get(*up).unwrap() > at_low.get(*up).unwrap());
    let csv = std::fs::read_to_string(out.join("tornado.csv")).unwrap();
    assert_eq!(csv.lines().count(), df.height() + 1);
    // A rerun resumes: every run is complete, nothing is recomputed, the same tornado.
    let again = sarcosim(&[
        "sensitivity",
        sc.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--params",
        params,
        "--quiet",
    ]);
    assert!(again.status.success());
    assert!(tornado(&out).equals_missing(&df));
}

#[test]
fn a_bad_factor_exits_2_before_any_run() {
    let t = tempfile::tempdir().unwrap();
    let sc = write(t.path(), "s.toml", &with_training());
    let out = t.path().join("sa");
    for params in [
        "sarcopenia_hr",
        "muscle.basal_turnover_per_day",
        "arm[rt].intervention[resistance_training].uptake=0.2:1.6",
    ] {
        let o = sarcosim(&[
            "sensitivity",
            sc.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--params",
            params,
        ]);
        assert_eq!(o.status.code(), Some(2), "{params}: {}", stderr(&o));
        assert!(!out.exists(), "{params}");
    }
}

#[test]
fn a_sweep_runs_every_variant_and_reports_them_side_by_side() {
    let t = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[sweep]\n\"arm[rt].intervention[resistance_training].uptake\" = [0.2, 0.6]\n\"arm[rt].intervention[resistance_training].sessions_per_week\" = [1, 3]\n",
        with_training()
    );
    let sc = write(t.path(), "s.toml", &text);
    let out = t.path().join("sw");
    run_ok(&sc, &out, &[]);
    let labels = [
        "uptake-0.2_sessions_per_week-1",
        "uptake-0.2_sessions_per_week-3",
        "uptake-0.6_sessions_per_week-1",
        "uptake-0.6_sessions_per_week-3",
    ];
    for l in labels {
        let m = manifest(&out.join(format!("variant={l}")));
        assert!(m["scenario_resolved"].get("sweep").is_none());
    }
    // Common random numbers across variants: the baseline is the same in every one.
    let base = |l: &str| {
        sorted(&read_table(
            &out.join(format!("variant={l}")),
            "outcomes/arm=baseline",
        ))
    };
    assert!(base(labels[0]).equals_missing(&base(labels[3])));
    let r = report(&out);
    let text = stdout(&r);
    assert!(r.status.success(), "{}", stderr(&r));
    for l in labels {
        assert!(text.contains(&format!("=== variant {l}:")), "{text}");
    }
    let csv = stdout(&sarcosim(&[
        "report",
        out.to_str().unwrap(),
        "--format",
        "csv",
    ]));
    assert!(csv.starts_with("variant,scenario,"));
    let cost = |l: &str| -> f64 {
        let mark = ",difference,0,monte_carlo,";
        let line = csv
            .lines()
            .find(|x| x.starts_with(&format!("{l},small,11,rt,baseline,cost,")) && x.contains(mark))
            .unwrap();
        let after = line.split(mark).nth(1).unwrap();
        after.split(',').next().unwrap().parse().unwrap()
    };
    assert!(cost(labels[2]) > cost(labels[0]), "more uptake costs more");
    // Another sweep into the same directory is refused.
    let other = write(t.path(), "o.toml", &text.replace("[0.2, 0.6]", "[0.3]"));
    let o = run_args(&other, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn sweep_values_are_checked_with_their_line() {
    let t = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[sweep]\n\"arm[rt].intervention[resistance_training].uptake\" = [0.2, 1.6]\n\"arm[rtt].intervention[resistance_training].uptake\" = [0.2]\n\"mortality.sarcopenia_hr\" = 2\n",
        with_training()
    );
    let sc = write(t.path(), "s.toml", &text);
    let o = sarcosim(&["check", sc.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let line = |s: &str| text.lines().position(|l| l.starts_with(s)).unwrap() + 1;
    assert!(err.contains("`2` is not a list of values"), "{err}");
    assert!(
        err.contains(&format!("s.toml:{}:", line("\"mortality"))),
        "{err}"
    );
    // The shape problem stops the value checks; without it they are reported.
    let text = text.replace("\"mortality.sarcopenia_hr\" = 2\n", "");
    let sc = write(t.path(), "s.toml", &text);
    let err = stderr(&sarcosim(&["check", sc.to_str().unwrap()]));
    let uptake = line("\"arm[rt]");
    assert!(
        err.contains(&format!("s.toml:{uptake}:"))
            && err.contains("1.6: arm[2].intervention[0].uptake: 1.6 is outside [0, 1]"),
        "{err}"
    );
    assert!(err.contains("no entry named `rtt`"), "{err}");
}
