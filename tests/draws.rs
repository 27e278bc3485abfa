//! Adding draws to a finished run: `run --draws M` on a directory holding draws 0..K
//! computes only K+1..M, and the directory then holds exactly what a fresh run with M
//! draws writes (draws are keyed by seed, draw, person and process).

mod common;
use common::*;
use polars::prelude::*;
use std::path::Path;

/// A table in a canonical row order. The summary is added up over shards and its
/// partition (the draw range) dropped: which invocation computed a draw is the only
/// thing allowed to differ.
fn canonical(dir: &Path, table: &str, by: &[&str]) -> DataFrame {
    let mut df = read_table(dir, table);
    if table == "summary" {
        let keys = sarcosim::sinks::summary::KEYS;
        df = df
            .drop("partition")
            .unwrap()
            .lazy()
            .group_by(keys.map(col))
            .agg([all().exclude_cols(keys).as_expr().sum()])
            .collect()
            .unwrap();
    }
    df.sort(by.to_vec(), Default::default()).unwrap()
}

fn comparison(dir: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(dir.join("comparison.parquet")).unwrap())
        .finish()
        .unwrap()
}

fn report_of(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["report", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = sarcosim(&args);
    assert!(o.status.success(), "report failed: {}", stderr(&o));
    stdout(&o)
}

fn assert_same_results(a: &Path, b: &Path) {
    let outcome_keys = ["partition", "person_id"];
    for (table, by) in [
        ("outcomes", &outcome_keys[..]),
        (
            "summary",
            &["arm", "draw", "record", "female", "age_band"][..],
        ),
    ] {
        let (x, y) = (canonical(a, table, by), canonical(b, table, by));
        assert!(x.height() > 0, "{table} is empty");
        assert!(x.equals_missing(&y), "{table} differs:\n{x}\n{y}");
    }
    assert!(
        comparison(a).equals_missing(&comparison(b)),
        "comparison.parquet differs"
    );
    assert_eq!(report_of(a, &[]), report_of(b, &[]));
    assert_eq!(
        report_of(a, &["--format", "csv"]),
        report_of(b, &["--format", "csv"])
    );
}

fn small(dir: &Path) -> std::path::PathBuf {
    // 120 persons keep four draws quick; outcomes carry the draw in the path only.
    write(
        dir,
        "s.toml",
        &SMALL.replace("population = 300", "population = 120"),
    )
}

#[test]
fn extending_draws_equals_a_fresh_run() {
    let t = tempfile::tempdir().unwrap();
    let s = small(t.path());
    let fresh = t.path().join("fresh");
    run_ok(&s, &fresh, &["--draws", "3"]);

    let grown = t.path().join("grown");
    run_ok(&s, &grown, &["--draws", "1"]);
    let old_summary = grown.join("summary/draws-0000-0001/shard-0000-of-0001.parquet");
    let old_outcomes = grown.join("outcomes/arm=baseline/draw=1/shard-0000-of-0001.parquet");
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let (t_summary, t_outcomes) = (mtime(&old_summary), mtime(&old_outcomes));
    std::thread::sleep(std::time::Duration::from_millis(20));

    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        grown.to_str().unwrap(),
        "--draws",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("draws 2..3"), "{}", stderr(&o));
    // Only the new draws were written: the old files are untouched.
    assert_eq!(mtime(&old_summary), t_summary);
    assert_eq!(mtime(&old_outcomes), t_outcomes);
    assert!(grown
        .join("summary/draws-0002-0003/shard-0000-of-0001.parquet")
        .exists());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(grown.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["draws"], 3);
    let parts: Vec<(u64, u64)> = m["shards"][0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["first"].as_u64().unwrap(), p["last"].as_u64().unwrap()))
        .collect();
    assert_eq!(parts, [(0, 1), (2, 3)]);

    assert_same_results(&fresh, &grown);
    // The summary carries its keys as columns.
    let summary = read_table(&grown, "summary");
    assert!(summary.column("scenario").is_ok() && summary.column("seed").is_ok());

    // Fewer draws than the directory holds: refused, nothing changed.
    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        grown.to_str().unwrap(),
        "--draws",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("draws 0..3"), "{}", stderr(&o));
    assert_same_results(&fresh, &grown);
}

#[test]
fn sharded_runs_extend_shard_by_shard_and_report_waits_for_all() {
    let t = tempfile::tempdir().unwrap();
    let s = small(t.path());
    let fresh = t.path().join("fresh");
    run_ok(&s, &fresh, &["--draws", "2", "--shard", "0/2"]);
    run_ok(&s, &fresh, &["--draws", "2", "--shard", "1/2"]);

    let grown = t.path().join("grown");
    run_ok(&s, &grown, &["--shard", "0/2"]);
    run_ok(&s, &grown, &["--shard", "1/2"]);
    assert!(report(&grown).status.success());
    run_ok(&s, &grown, &["--shard", "1/2", "--draws", "2"]);
    // Shard 0 lacks draws 1..2: the run is incomplete for them, and says so.
    let o = report(&grown);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("0 (holds draws 0..0 of 0..2)"),
        "{}",
        stderr(&o)
    );
    assert!(!grown.join("comparison.parquet").exists());
    // --resume completes it with the missing draws only.
    run_ok(&s, &grown, &["--shard", "0/2", "--draws", "2", "--resume"]);
    assert!(grown
        .join("summary/draws-0001-0002/shard-0000-of-0002.parquet")
        .exists());
    assert_same_results(&fresh, &grown);
}

#[test]
fn a_crashed_extension_resumes_with_the_missing_draws_only() {
    let t = tempfile::tempdir().unwrap();
    let s = small(t.path());
    let fresh = t.path().join("fresh");
    run_ok(&s, &fresh, &["--draws", "2"]);
    let grown = t.path().join("grown");
    run_ok(&s, &grown, &["--draws", "0"]);
    run_ok(&s, &grown, &["--draws", "2"]);
    // As if the extension had crashed: record running, its new part not recorded, the
    // part's summary never renamed into place.
    let path = grown.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    m["shards"][0]["status"] = "running".into();
    m["shards"][0]["parts"].as_array_mut().unwrap().truncate(1);
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    std::fs::remove_file(grown.join("summary/draws-0001-0002/shard-0000-of-0001.parquet")).unwrap();
    assert!(!report(&grown).status.success());
    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        grown.to_str().unwrap(),
        "--draws",
        "2",
        "--resume",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("draws 1..2"), "{}", stderr(&o));
    assert_same_results(&fresh, &grown);
}

/// The posterior sample of the calibrated parameters (docs/calibration/posterior.csv):
/// it loads, names exactly the calibrated parameters with a prior, and says how it was made.
#[test]
fn the_posterior_sample_loads_and_matches_the_calibrated_parameters() {
    use sarcosim::validate::{calibrate, posterior};
    let s = posterior::embedded();
    let names = calibrate::posterior_parameters();
    assert_eq!(s.names, names);
    assert!(s.rows.len() >= 100, "{} draws", s.rows.len());
    for key in [
        "method",
        "likelihood",
        "date",
        "commit",
        "sizes",
        "diagnostics",
    ] {
        assert!(
            s.meta(key).is_some_and(|v| !v.is_empty()),
            "header lacks {key}"
        );
    }
    s.check(&names).unwrap();
}

/// Draws take the calibrated parameters jointly from one row of the sample, keyed by
/// (seed, draw): reproducible, inside their priors, pins respected, and every other
/// parameter drawn exactly as from the prior.
#[test]
fn calibrated_parameters_are_drawn_from_the_posterior_reproducibly() {
    use sarcosim::params::{CalibratedDraws, Params, TABLE};
    use sarcosim::validate::{calibrate, imis::Marginal, posterior};
    let central = Params::central();
    let s = posterior::embedded();
    let names = calibrate::posterior_parameters();
    let mut rows_used = std::collections::BTreeSet::new();
    for d in 1..=60u32 {
        let p = central.for_draw(11, d, &[]);
        assert_eq!(p, central.for_draw(11, d, &[]), "draw {d} reproducible");
        let values: Vec<f64> = names.iter().map(|n| p.get(n).unwrap()).collect();
        let row = s
            .rows
            .iter()
            .position(|r| *r == values)
            .unwrap_or_else(|| panic!("draw {d} is not a row of the sample"));
        rows_used.insert(row);
        for (n, v) in names.iter().zip(&values) {
            let m = Marginal::from_spec(sarcosim::params::spec(n).unwrap()).unwrap();
            assert!(m.contains(*v), "draw {d}: {n} = {v} outside its prior");
        }
        let prior = central.for_draw_from(11, d, &[], CalibratedDraws::Prior);
        for spec in TABLE.iter().filter(|t| !names.contains(&t.name)) {
            assert_eq!(p.get(spec.name), prior.get(spec.name), "{}", spec.name);
        }
    }
    // Resampling repeats rows (200 rows, fewer distinct): 60 draws must still reach a
    // good part of the distinct ones, not a few.
    let distinct: std::collections::BTreeSet<usize> = s
        .rows
        .iter()
        .map(|r| s.rows.iter().position(|q| q == r).unwrap())
        .collect();
    assert!(
        rows_used.len() * 3 > distinct.len().min(60),
        "draws spread over the sample: {} of {} distinct rows",
        rows_used.len(),
        distinct.len()
    );
    assert_eq!(central.for_draw(11, 0, &[]), central, "draw 0 is central");
    let pin = vec!["hospital.recovery_fraction".to_string()];
    let pinned = central.for_draw(11, 5, &pin);
    assert_eq!(pinned.recovery_fraction, central.recovery_fraction);
    assert_eq!(
        pinned.recovery_rate,
        central.for_draw(11, 5, &[]).recovery_rate,
        "a pin leaves the rest of the row"
    );
}
