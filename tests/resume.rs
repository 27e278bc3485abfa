//! `--resume`: complete shards are skipped, shards a crash left half-written are redone,
//! and `report` refuses directories that mix runs.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn save_manifest(dir: &Path, m: &Value) {
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(m).unwrap(),
    )
    .unwrap();
}

fn shard_record(m: &mut Value, index: u64) -> &mut Value {
    m["shards"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["index"] == index)
        .unwrap()
}

fn run(scenario: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = sarcosim(&args);
    assert!(o.status.success(), "run failed: {}", stderr(&o));
    o
}

#[test]
fn resume_skips_complete_shards_and_redoes_crashed_ones() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let whole = t.path().join("whole");
    run_ok(&s, &whole, &[]);
    let out = t.path().join("sharded");
    run_ok(&s, &out, &["--shard", "0/2"]);
    run_ok(&s, &out, &["--shard", "1/2"]);

    // A complete shard is skipped: nothing rewritten.
    let finished = manifest(&out)["shards"][0]["finished"].clone();
    let file = out.join("outcomes/arm=baseline/draw=0/shard-0000-of-0002.parquet");
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let o = run(&s, &out, &["--shard", "0/2", "--resume"]);
    assert!(stderr(&o).contains("already complete"), "{}", stderr(&o));
    assert_eq!(manifest(&out)["shards"][0]["finished"], finished);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );

    // A crash in shard 1: the manifest still says running, a writer's temp file is left
    // (from a process that no longer exists), and one output never got its final name.
    let mut m = manifest(&out);
    shard_record(&mut m, 1)["status"] = "running".into();
    save_manifest(&out, &m);
    let part = out.join("trajectories/arm=same/draw=0");
    let final_name = part.join("shard-0001-of-0002.parquet");
    std::fs::remove_file(&final_name).unwrap();
    let tmp = part.join(".shard-0001-of-0002.parquet.4194999.tmp");
    std::fs::write(&tmp, b"PAR1 half written").unwrap();
    assert!(
        report(&out).status.code() != Some(0),
        "incomplete until resumed"
    );
    let o = run(&s, &out, &["--shard", "1/2", "--resume"]);
    assert!(!stderr(&o).contains("already complete"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("removed 1 temporary file"),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.exists() && final_name.exists());
    assert_eq!(manifest(&out)["shards"][1]["status"], "complete");

    // A shard marked complete whose file is damaged (or has other row counts) is redone.
    let f0 = out.join("outcomes/arm=same/draw=0/shard-0000-of-0002.parquet");
    let bytes = std::fs::read(&f0).unwrap();
    std::fs::write(&f0, &bytes[..bytes.len() / 2]).unwrap();
    let o = run(&s, &out, &["--shard", "0/2", "--resume"]);
    assert!(!stderr(&o).contains("already complete"), "{}", stderr(&o));

    // The resumed directory reports exactly like the whole run.
    let (a, b) = (report(&whole), report(&out));
    assert!(b.status.success(), "{}", stderr(&b));
    assert_eq!(stdout(&a), stdout(&b));
    for table in ["outcomes", "trajectories"] {
        let (x, y) = (
            sorted(&read_table(&whole, table)),
            sorted(&read_table(&out, table)),
        );
        assert!(x.equals_missing(&y), "{table} differs after resume");
    }

    // Resuming a whole run that is complete does nothing, except write a comparison
    // that a crash prevented.
    let comparison = whole.join("comparison.parquet");
    let before = std::fs::read(&comparison).unwrap();
    std::fs::remove_file(&comparison).unwrap();
    let o = run(&s, &whole, &["--resume"]);
    assert!(stderr(&o).contains("already complete"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&comparison).unwrap(), before);
}

#[test]
fn report_refuses_shards_of_different_runs() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let a = t.path().join("a");
    let b = t.path().join("b");
    run_ok(&s, &a, &["--shard", "0/2"]);
    run_ok(&s, &b, &["--shard", "1/2", "--seed", "99"]);
    run_ok(&s, &b, &["--shard", "0/2", "--seed", "99"]);
    assert!(report(&b).status.success());

    // Someone copies shard 1 of run b (another seed) into run a, manifest record included.
    let copy = |rel: &str| {
        let (from, to) = (b.join(rel), a.join(rel));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    };
    copy("summary/draws-0000-0000/shard-0001-of-0002.parquet");
    for arm in ["baseline", "same"] {
        for table in ["outcomes", "trajectories"] {
            copy(&format!(
                "{table}/arm={arm}/draw=0/shard-0001-of-0002.parquet"
            ));
        }
    }
    let mut mb = manifest(&b);
    let record = shard_record(&mut mb, 1).clone();
    let mut ma = manifest(&a);
    ma["shards"].as_array_mut().unwrap().push(record);
    save_manifest(&a, &ma);

    let o = report(&a);
    assert_ne!(o.status.code(), Some(0));
    let e = stderr(&o);
    assert!(e.contains("mixes shards of different runs"), "{e}");
    assert!(e.contains("shard 1") && e.contains("seed 99"), "{e}");

    // A run of another seed cannot add its shard to the directory in the first place.
    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        b.to_str().unwrap(),
        "--shard",
        "1/2",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
