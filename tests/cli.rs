//! The command line: exit codes, error messages with line and key path, and the rule
//! that bad input never creates or changes anything under the output directory.

mod common;
use common::*;

#[test]
fn check_prints_the_resolved_scenario() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("horizon     6y = 72 steps of 1m"), "{text}");
    assert!(
        text.contains("person-steps 43200"),
        "300 × 2 arms × 72 steps: {text}"
    );
}

#[test]
fn every_problem_is_reported_with_file_line_and_key_and_exit_2() {
    let t = tempfile::tempdir().unwrap();
    let bad = SMALL
        .replace("population = 300", "population = 0")
        .replace("female = 0.5", "female = 1.5\ncolour = \"blue\"")
        .replace("horizon = \"6y\"", "horizon = \"6h\"")
        .replace("name = \"same\"", "name = \"baseline\"");
    let s = write(t.path(), "bad.toml", &bad);
    let out = t.path().join("never");
    let o = sarcosim(&["run", s.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    for needle in [
        "bad.toml:4:1: population: must be ≥ 1, not 0",
        "horizon: `6h` is not a duration",
        "cohort[0].female: 1.5 is not a probability in [0, 1]",
        "cohort[0].colour: unknown key",
        "arm[1].name: arm `baseline` is defined twice",
    ] {
        assert!(e.contains(needle), "missing `{needle}` in:\n{e}");
    }
    assert!(!out.exists(), "bad input creates nothing");
    assert_eq!(
        sarcosim(&["check", s.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

#[test]
fn a_type_error_names_its_line() {
    let t = tempfile::tempdir().unwrap();
    let s = write(
        t.path(),
        "t.toml",
        &SMALL.replace("population = 300", "population = \"many\""),
    );
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("t.toml:4:14: population: invalid type"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_parameters_get_a_suggestion() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "p.toml", &format!("{SMALL}\n[parameters]\n\"mortality.sarcopenia_h\" = 1.5\n\"hospital.bed_rest_mps_drop\" = 2\n"));
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(e.contains("did you mean `mortality.sarcopenia_hr`?"), "{e}");
    assert!(e.contains("2 is not a probability in [0, 1]"), "{e}");
}

#[test]
fn bad_arguments_exit_2() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--shard",
        "2/2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("shard 2/2 does not exist"));
    assert!(!out.exists());
    assert_eq!(sarcosim(&["run", "--bogus"]).status.code(), Some(2));
    let file = write(t.path(), "plain-file", "x");
    let under_file = file.join("results");
    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        under_file.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an uncreatable --out is bad input"
    );
    assert!(stderr(&o).contains("is not a directory"), "{}", stderr(&o));
    let missing = sarcosim(&["run", "/nonexistent.toml", "--out", out.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read the file"));
}

#[test]
fn a_directory_of_another_run_is_refused_without_force() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    let before = std::fs::read(out.join("manifest.json")).unwrap();
    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "99",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("different run: seed 11 (here: 99)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(out.join("manifest.json")).unwrap(),
        before,
        "nothing changed"
    );
    run_ok(&s, &out, &["--seed", "99", "--force"]);
    let m = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(m.contains("\"seed\": 99"));

    let stranger = t.path().join("stranger");
    std::fs::create_dir(&stranger).unwrap();
    std::fs::write(stranger.join("notes.txt"), "mine").unwrap();
    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        stranger.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--force never clears a directory sarcosim did not make"
    );
    assert!(stranger.join("notes.txt").exists());
}

#[test]
fn outputs_follow_the_documented_layout() {
    let t = tempfile::tempdir().unwrap();
    let s = write(
        t.path(),
        "s.toml",
        &SMALL.replace(
            "[[arm]]\nname = \"same\"\n",
            "[output]\ntrajectories = { sample = 10 }\n",
        ),
    );
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    for f in [
        "manifest.json",
        "summary/draws-0000-0000/shard-0000-of-0001.parquet",
        "outcomes/arm=baseline/draw=0/shard-0000-of-0001.parquet",
        "trajectories/arm=baseline/draw=0/shard-0000-of-0001.parquet",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let traj = read_table(&out, "trajectories");
    let persons = traj.column("person_id").unwrap().n_unique().unwrap();
    assert_eq!(persons, 10, "{{ sample = 10 }} writes ten persons");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["shards"][0]["status"], "complete");
    assert_eq!(m["shards"][0]["rows"]["outcomes"], 300);
    assert!(m["scenario_resolved"]["cohorts"][0]["name"] == "60-69");
    let leftovers: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p.to_string_lossy().into_owned());
        }
    }
    v
}

#[test]
fn validate_reports_every_target_and_exits_1_exactly_when_one_fails() {
    let o = sarcosim(&["validate", "--population", "500", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("a JSON document");
    assert_eq!(doc["format"], "sarcosim-validate/2");
    assert_eq!(doc["population"], 500);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(doc["targets"].as_u64().unwrap() as usize, rows.len());
    assert!(rows.len() >= 60, "{} targets", rows.len());
    let count = |v: &str| rows.iter().filter(|r| r["verdict"] == v).count();
    let (failed, inconclusive) = (count("fail"), count("inconclusive"));
    assert_eq!(doc["failed"].as_u64().unwrap() as usize, failed);
    assert_eq!(doc["inconclusive"].as_u64().unwrap() as usize, inconclusive);
    assert!(
        inconclusive > 0,
        "500 persons are too few to judge every target"
    );
    let independent = rows.iter().filter(|r| r["role"] == "independent").count();
    assert_eq!(
        doc["independent"]["targets"].as_u64().unwrap() as usize,
        independent
    );
    for r in rows {
        let (lo, hi) = (
            r["tolerance"][0].as_f64().unwrap(),
            r["tolerance"][1].as_f64().unwrap(),
        );
        let v = r["simulated"].as_f64().unwrap();
        if r["verdict"] != "inconclusive" {
            assert_eq!(r["pass"] == true, (lo..=hi).contains(&v), "{}", r["id"]);
        }
        assert_eq!(r["pass"] == true, r["verdict"] == "pass");
        assert!(
            !r["source"].as_str().unwrap().is_empty() && !r["reason"].as_str().unwrap().is_empty()
        );
    }
    let ok = failed == 0 && inconclusive == 0;
    assert_eq!(o.status.code(), Some(if ok { 0 } else { 1 }));
    if failed > 0 {
        assert!(
            stderr(&o).contains(&format!("{failed} fail")),
            "{}",
            stderr(&o)
        );
    }
    let text = sarcosim(&["validate", "--population", "500"]);
    assert_eq!(text.status.code(), o.status.code());
    assert!(stdout(&text).contains("mitchell-mass-loss-m"));
    let bad = sarcosim(&["validate", "--population", "10"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--population"), "{}", stderr(&bad));
}

#[test]
fn validate_draws_show_a_parameter_range_and_keep_the_central_verdicts() {
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["validate", "--population", "300", "--format", "json"];
        args.extend_from_slice(extra);
        serde_json::from_str(&stdout(&sarcosim(&args))).unwrap()
    };
    let central = json(&[]);
    let drawn = json(&["--draws", "3"]);
    assert_eq!(central["draws"], 0);
    assert_eq!(drawn["draws"], 3);
    let (c, d) = (
        central["rows"].as_array().unwrap(),
        drawn["rows"].as_array().unwrap(),
    );
    assert!(c.iter().all(|r| r["across_draws"].is_null()));
    let mut wider = 0;
    for (a, b) in c.iter().zip(d) {
        assert_eq!(
            a["simulated"], b["simulated"],
            "central figure of {}",
            a["id"]
        );
        assert_eq!(a["pass"], b["pass"]);
        let range = &b["across_draws"];
        assert_eq!(range["draws"], 3);
        let (lo, hi) = (range["lo"].as_f64().unwrap(), range["hi"].as_f64().unwrap());
        assert!(lo <= hi, "{}", a["id"]);
        wider += usize::from(hi > lo);
    }
    assert!(wider > c.len() / 2, "parameter draws move most targets");
    let text = stdout(&sarcosim(&[
        "validate",
        "--population",
        "300",
        "--draws",
        "2",
    ]));
    assert!(text.contains("over 2 parameter draws"), "{text}");
}

#[test]
fn validate_checks_a_scenarios_own_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let fast = write(
        dir.path(),
        "fast.toml",
        r#"
name = "fast loss"
population = 100
horizon = "1y"
[[cohort]]
name = "70"
age = { fixed = 70 }
[[arm]]
name = "baseline"
[parameters]
"muscle.age_loss_75_m" = 0.02
"#,
    );
    let path = fast.to_str().unwrap();
    let o = sarcosim(&[
        "validate",
        "--population",
        "3000",
        "--format",
        "json",
        "--parameters",
        path,
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["overrides"]["muscle.age_loss_75_m"], 0.02);
    let row = |id: &str| {
        doc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    // Men losing 2.6 times as fast as fitted fail Mitchell's longitudinal loss; women do not
    // move (never failed; 3,000 persons judge men's clear miss).
    assert_eq!(row("mitchell-mass-loss-m")["verdict"], "fail");
    assert_ne!(row("mitchell-mass-loss-w")["verdict"], "fail");
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&sarcosim(&[
        "validate",
        "--population",
        "500",
        "--parameters",
        path,
    ]));
    assert!(text.starts_with("parameters set by the scenario: muscle.age_loss_75_m = 0.02"));
    let missing = sarcosim(&["validate", "--parameters", "/nonexistent/s.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read the file"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn report_into_a_closed_pipe_exits_quietly() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    for extra in [&[][..], &["--format", "csv"][..]] {
        // `sarcosim report DIR | head -0`: the reader is gone before the first write.
        let mut child = bin()
            .arg("report")
            .arg(&out)
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    }
}
