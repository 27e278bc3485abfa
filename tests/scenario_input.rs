//! Bad scenario files through the real binary: every one exits 2 with its line, quickly,
//! and never panics (exit 101) or hangs.

mod common;

use common::{sarcosim, stderr, write};
use std::time::{Duration, Instant};

const GOOD: &str = r#"
name = "t"
population = 10
horizon = "2y"

[[cohort]]
name = "a"
age = { uniform = [60, 70] }

[[arm]]
name = "baseline"

[[arm]]
name = "trained"
[[arm.intervention]]
kind = "resistance_training"
uptake = 0.5
duration = "1y"
"#;

/// Runs `check` on `text`, expects exit 2 within a few seconds; returns stderr.
fn check_fails(text: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let started = Instant::now();
    let o = sarcosim(&["check", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "slow: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn a_duration_ending_in_a_non_ascii_character_is_a_problem_not_a_panic() {
    for (from, to, key) in [
        ("horizon = \"2y\"", "horizon = \"1é\"", "horizon"),
        (
            "horizon = \"2y\"",
            "horizon = \"2y\"\nstep = \"1ü\"",
            "step",
        ),
        (
            "horizon = \"2y\"",
            "horizon = \"2y\"\nrecord_every = \"6😀\"",
            "record_every",
        ),
        ("duration = \"1y\"", "duration = \"1é\"", "duration"),
        ("duration = \"1y\"", "start = \"1é\"", "start"),
        (
            "horizon = \"2y\"",
            "horizon = \"2y\"\n[comparison]\ntimes = [\"1ÿ\"]",
            "comparison.times[0]",
        ),
    ] {
        let err = check_fails(GOOD.replacen(from, to, 1).as_bytes());
        assert!(err.contains(key), "{key}: {err}");
        assert!(err.contains("must end in d, w, m or y"), "{key}: {err}");
    }
}

#[test]
fn a_horizon_beyond_92_years_is_refused_at_once() {
    for h in ["99999999999y", "93y", "1e300d", "1200m"] {
        let err = check_fails(GOOD.replace("\"2y\"", &format!("\"{h}\"")).as_bytes());
        assert!(err.contains("s.toml:4:1: horizon"), "{h}: {err}");
        assert!(err.contains("longer than 92 years"), "{h}: {err}");
    }
    // 92 years of daily steps is the largest run and is accepted.
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "s.toml",
        &GOOD.replace("\"2y\"", "\"92y\"\nstep = \"1d\"\nrecord_every = \"1d\""),
    );
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn sizes_are_checked_before_anything_is_allocated() {
    let err = check_fails(
        GOOD.replace("population = 10", "population = 9000000000")
            .as_bytes(),
    );
    assert!(err.contains("more than 1000000000 persons"), "{err}");
    let times: Vec<String> = (1..=200_000).map(|i| format!("\"{i}d\"")).collect();
    let err =
        check_fails(format!("{GOOD}\n[comparison]\ntimes = [{}]\n", times.join(", ")).as_bytes());
    assert!(err.contains("200000 checkpoints"), "{err}");
    let arms = "[[arm]]\nname = \"x\"\n".repeat(101);
    let err = check_fails(format!("{GOOD}{arms}").as_bytes());
    assert!(err.contains("arm: 103 entries; at most 100"), "{err}");
    let ivs = "[[arm.intervention]]\nkind = \"protein\"\nuptake = 0.1\ntarget_g_per_kg = 1.2\n"
        .repeat(100);
    let err = check_fails(format!("{GOOD}{ivs}").as_bytes());
    assert!(
        err.contains("arm[1].intervention: 101 entries; at most 100"),
        "{err}"
    );
    let err = check_fails(
        GOOD.replace(
            "population = 10",
            "population = 10\ndraws = 100000\nstep = \"1d\"\nrecord_every = \"1d\"",
        )
        .as_bytes(),
    );
    assert!(err.contains("GiB of summary per chunk"), "{err}");
}

#[test]
fn an_absurd_sd_is_a_problem_with_a_hint() {
    let err = check_fails(
        GOOD.replace(
            "{ uniform = [60, 70] }",
            "{ normal = { mean = 65, sd = 1e6, min = 60, max = 70 } }",
        )
        .as_bytes(),
    );
    assert!(
        err.contains(
            "s.toml:8:31: cohort[0].age.normal.sd: 1000000 is wider than the bounds [60, 70]"
        ),
        "{err}"
    );
    assert!(err.contains("{ uniform = [60, 70] }"), "{err}");
}

#[test]
fn a_quoted_dotted_key_is_reported_at_its_line() {
    let text = GOOD
        .replace("population = 10", "population = 10\n\"cohort.age\" = 3")
        .replace("name = \"a\"", "name = \"a\"\n\"x.y\" = 1");
    let err = check_fails(text.as_bytes());
    assert!(
        err.contains("s.toml:4:1: \"cohort.age\": unknown key"),
        "{err}"
    );
    assert!(
        err.contains("s.toml:9:1: cohort[0].\"x.y\": unknown key"),
        "{err}"
    );
    assert!(err.contains("a quoted key is one key"), "{err}");
}

#[test]
fn invalid_utf8_names_the_line_of_the_bad_byte() {
    let mut bytes = GOOD.replace("name = \"a\"", "name = \"a@\"").into_bytes();
    let at = bytes.iter().position(|b| *b == b'@').unwrap();
    bytes[at] = 0xe9; // Latin-1 é
    let err = check_fails(&bytes);
    assert!(
        err.contains("s.toml:7:10: (top level): the file is not UTF-8"),
        "{err}"
    );
    assert!(err.contains(&format!("byte {at} (0xe9)")), "{err}");
}

#[test]
fn command_line_overrides_follow_the_scenarios_rules() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "s.toml",
        &GOOD.replace("\"2y\"", "\"92y\"\nstep = \"1d\"\nrecord_every = \"1d\""),
    );
    let out = dir.path().join("out");
    for (flag, value, want) in [
        ("--population", "0", "--population: must be ≥ 1, not 0"),
        (
            "--population",
            "2000000000",
            "--population: 2000000000 is more than 1000000000 persons",
        ),
        (
            "--draws",
            "100001",
            "--draws: must be between 0 and 100000, not 100001",
        ),
        ("--draws", "100", "GiB of summary per chunk"),
    ] {
        let o = sarcosim(&[
            "run",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            flag,
            value,
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {err}");
        assert!(err.contains(want), "{flag} {value}: {err}");
        assert!(!out.exists(), "nothing is created on bad input");
    }
}

#[test]
fn overrides_replace_the_keys_they_name() {
    use sarcosim::scenario::{parse_scenario, Overrides};
    let s = parse_scenario(GOOD, "s.toml").unwrap();
    let o = s
        .clone()
        .with_overrides(Overrides {
            population: Some(7),
            seed: Some(99),
            draws: Some(3),
        })
        .unwrap();
    assert_eq!((o.population, o.seed, o.draws), (7, 99, 3));
    let same = s.clone().with_overrides(Overrides::default()).unwrap();
    assert_eq!(same.fingerprint(), s.fingerprint());
}

#[test]
fn thousands_of_bad_keys_are_reported_quickly_and_in_part() {
    let params: String = (0..20_000)
        .map(|i| format!("\"mortality.sarcopenia_hx{i}\" = 1\n"))
        .collect();
    let err = check_fails(format!("{GOOD}[parameters]\n{params}").as_bytes());
    assert!(err.contains("20000 parameters; the model has"), "{err}");
    let keys: String = (0..20_000).map(|i| format!("unknown{i} = 1\n")).collect();
    let err = check_fails(format!("{keys}{GOOD}").as_bytes());
    assert!(err.contains("and 19900 more problems, not shown"), "{err}");
    assert_eq!(err.matches("unknown key").count(), 100, "{err}");
}
