//! The results directory keeps a user's data and a complete run safe: `--force` removes
//! only what sarcosim recorded, a failed rerun leaves the old run reportable, files of
//! another run or truncated files are refused by `report` and redone by `--resume`,
//! leftovers of dead writers are cleared, and absurd sizes are refused up front.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_dir() {
                v.extend(files_under(&e.path()));
            } else {
                v.push(e.path());
            }
        }
    }
    v.sort();
    v
}

/// This machine's name as sarcosim writes it into temporary file names.
fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| std::fs::read_to_string("/etc/hostname").unwrap_or_default())
        .trim()
        .replace(['.', '/'], "_")
}

#[test]
fn force_removes_only_what_sarcosim_recorded() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    let mine = [
        "outcomes/survey-2019.csv",
        "outcomes/arm=baseline/draw=0/notes.txt",
        "summary/README",
        "trajectories/plots/a.svg",
    ];
    for f in mine {
        std::fs::create_dir_all(out.join(f).parent().unwrap()).unwrap();
        std::fs::write(out.join(f), "a user's file").unwrap();
    }
    run_ok(&s, &out, &["--seed", "99", "--force"]);
    for f in mine {
        assert!(out.join(f).exists(), "--force deleted the user's {f}");
    }
    assert_eq!(manifest(&out)["seed"], 99);
    assert!(report(&out).status.success(), "{}", stderr(&report(&out)));
}

#[test]
fn a_manifest_that_is_not_sarcosims_is_refused_even_with_force() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    for manifest in [
        r#"{"name": "my survey", "files": 3}"#.to_string(),
        std::fs::read_to_string({
            let o = t.path().join("real");
            run_ok(&s, &o, &[]);
            o.join("manifest.json")
        })
        .unwrap()
        .replace("sarcosim-results/2", "survey-archive/1"),
    ] {
        let dir = t.path().join("survey");
        std::fs::create_dir_all(dir.join("outcomes")).unwrap();
        std::fs::write(dir.join("manifest.json"), &manifest).unwrap();
        std::fs::write(dir.join("outcomes/survey-2019.csv"), "id,x\n").unwrap();
        let o = run_args(&s, &dir, &["--force"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("not even --force"), "{}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(dir.join("manifest.json")).unwrap(),
            manifest
        );
        assert!(dir.join("outcomes/survey-2019.csv").exists());
    }
}

#[test]
fn a_failed_rerun_leaves_the_complete_run_reportable() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    let before = stdout(&report(&out));
    let files_before = files_under(&out);
    let o = bin()
        .args(["run", s.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .env("SARCOSIM_TEST_DISK_FULL_AFTER", "20000")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains(".parquet: "), "names the file: {e}");
    assert_eq!(e.matches("No space left on device").count(), 1, "{e}");
    assert_eq!(files_under(&out), files_before, "no temporary file left");
    let after = report(&out);
    assert!(after.status.success(), "{}", stderr(&after));
    assert_eq!(stdout(&after), before);
}

#[test]
fn absurd_threads_and_shards_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    for (args, needle) in [
        (&["--threads", "5000"][..], "--threads 5000"),
        (&["--shard", "0/4294967295"][..], "at most 100000 shards"),
        (&["--shard", "0/301"][..], "no more shards than persons"),
    ] {
        let o = run_args(&s, &out, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{}", stderr(&o));
        assert!(!out.exists());
    }
}

#[test]
fn a_file_of_another_run_is_refused_by_report_and_redone_by_resume() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    run_ok(&s, &a, &[]);
    run_ok(&s, &b, &["--seed", "99"]);
    let good = stdout(&report(&a));
    // Same file name, same row count, another seed.
    let f = "outcomes/arm=same/draw=0/shard-0000-of-0001.parquet";
    std::fs::copy(b.join(f), a.join(f)).unwrap();
    let o = report(&a);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("is a file of another run: seed 99"), "{e}");
    assert!(e.contains("--resume"), "{e}");
    let o = run_args(&s, &a, &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&report(&a)), good);

    // A truncated comparison is refused by report and rewritten by --resume.
    let c = a.join("comparison.parquet");
    let bytes = std::fs::read(&c).unwrap();
    std::fs::write(&c, &bytes[..bytes.len() / 2]).unwrap();
    let o = report(&a);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("comparison.parquet holds"),
        "{}",
        stderr(&o)
    );
    assert!(run_args(&s, &a, &["--resume"]).status.success());
    assert_eq!(std::fs::read(&c).unwrap(), bytes);

    // A Parquet file the manifest does not list is not mixed in.
    std::fs::copy(a.join(f), a.join("outcomes/arm=same/draw=0/extra.parquet")).unwrap();
    let o = report(&a);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("which the manifest does not list"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn every_file_records_its_run_and_checksum() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    let m = manifest(&out);
    let files = m["shards"][0]["parts"][0]["files"].as_array().unwrap();
    assert_eq!(
        files.len(),
        1 + 2 * 2,
        "summary; two arms' outcomes and trajectories"
    );
    for f in files {
        let path = out.join(f["path"].as_str().unwrap());
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            f["bytes"].as_u64().unwrap()
        );
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("sarcosim.run"), "{}", path.display());
        assert!(
            text.contains(m["model"].as_str().unwrap()),
            "{}",
            path.display()
        );
    }
    assert!(m["comparison"]["xxh3"].is_string());
}

#[test]
fn resume_clears_leftovers_of_dead_writers_even_when_their_pid_was_reused() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    let h = host();
    // PID 1 is alive but did not start at tick 1: the writer of these files is dead.
    let leftovers = [
        out.join(".comparison.parquet.4194999.tmp"),
        out.join(format!(".manifest.json.{h}.1-1.tmp")),
        out.join(format!(
            "outcomes/arm=same/draw=0/.shard-0000-of-0001.parquet.{h}.1-1.tmp"
        )),
    ];
    for f in &leftovers {
        std::fs::write(f, "half written").unwrap();
    }
    let o = sarcosim(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--resume",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("removed 3 temporary file(s)"),
        "{}",
        stderr(&o)
    );
    for f in &leftovers {
        assert!(!f.exists(), "{} left", f.display());
    }
}

#[test]
fn report_of_a_missing_directory_is_bad_input() {
    let o = report(Path::new("/nonexistent/results"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
}

#[test]
fn a_read_only_output_directory_is_bad_input_new_or_existing() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if std::fs::metadata("/proc/self").unwrap().uid() == 0 {
        eprintln!("skipped: root writes in read-only directories");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let ro = t.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    for out in [ro.join("new"), ro.clone()] {
        let o = run_args(&s, &out, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_run_that_cannot_fit_the_free_space_is_refused_with_the_estimate() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    // 10^9 persons × 2 arms × 100 draws × (80 bytes of outcomes + 7 records × 40 of
    // trajectories).
    let o = run_args(&s, &out, &["--population", "1000000000", "--draws", "99"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("estimated at 65.5 TiB"), "{e}");
    assert!(e.contains("free there"), "{e}");
    assert!(!out.exists());
}

#[test]
fn a_directory_of_another_model_is_refused_by_resume_and_more_draws() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let out = t.path().join("o");
    run_ok(&s, &out, &[]);
    let mut m = manifest(&out);
    assert_eq!(m["model"].as_str().unwrap().len(), 16);
    m["model"] = "0123456789abcdef".into();
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec_pretty(&m).unwrap(),
    )
    .unwrap();
    for extra in [&["--resume"][..], &["--draws", "1"][..]] {
        let o = run_args(&s, &out, extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("model 0123456789abcdef"),
            "{}",
            stderr(&o)
        );
    }
}
