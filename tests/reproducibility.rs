//! Same inputs, same outputs, whatever the threads or shards; different seeds differ.

mod common;
use common::*;
use polars::prelude::IntoLazy;

fn outputs(dir: &std::path::Path) -> [polars::prelude::DataFrame; 2] {
    [
        sorted(&read_table(dir, "outcomes")),
        sorted(&read_table(dir, "trajectories")),
    ]
}

#[test]
fn same_seed_gives_identical_outputs_and_one_thread_equals_two() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let (a, b, c) = (t.path().join("a"), t.path().join("b"), t.path().join("c"));
    run_ok(&s, &a, &["--threads", "2"]);
    run_ok(&s, &b, &["--threads", "2"]);
    run_ok(&s, &c, &["--threads", "1"]);
    let (oa, ob, oc) = (outputs(&a), outputs(&b), outputs(&c));
    assert!(oa[0].height() == 600 && oa[1].height() > 600 * 5);
    for i in 0..2 {
        assert!(oa[i].equals_missing(&ob[i]), "same seed, same rows");
        assert!(
            oa[i].equals_missing(&oc[i]),
            "--threads 1 and --threads 2 agree"
        );
    }
    assert!(read_table(&a, "summary").equals_missing(&read_table(&c, "summary")));
    assert_eq!(stdout(&report(&a)), stdout(&report(&c)));
}

#[test]
fn two_shards_make_the_unsharded_run() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let (whole, parts) = (t.path().join("whole"), t.path().join("parts"));
    run_ok(&s, &whole, &[]);
    run_ok(&s, &parts, &["--shard", "1/2"]);
    let partial = report(&parts);
    assert_eq!(partial.status.code(), Some(1), "a half-done run is refused");
    assert!(
        stderr(&partial).contains("incomplete") && stderr(&partial).contains("0 (missing)"),
        "{}",
        stderr(&partial)
    );
    run_ok(&s, &parts, &["--shard", "0/2"]);
    let (rw, rp) = (report(&whole), report(&parts));
    assert!(rw.status.success() && rp.status.success());
    let strip = |o: &std::process::Output| stdout(o).lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(
        strip(&rw),
        strip(&rp),
        "the shards' report equals the unsharded one"
    );
    let (ow, op) = (outputs(&whole), outputs(&parts));
    let drop = |df: &polars::prelude::DataFrame| df.drop("partition").unwrap();
    assert!(
        drop(&ow[0]).equals_missing(&drop(&op[0])),
        "person rows identical across the split"
    );
    assert!(drop(&ow[1]).equals_missing(&drop(&op[1])));
}

#[test]
fn a_different_seed_gives_different_people() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    run_ok(&s, &a, &[]);
    run_ok(&s, &b, &["--seed", "12"]);
    assert!(!outputs(&a)[0].equals_missing(&outputs(&b)[0]));
}

#[test]
fn arms_without_interventions_see_the_same_people() {
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", SMALL);
    let a = t.path().join("a");
    run_ok(&s, &a, &[]);
    let o = sorted(&read_table(&a, "outcomes"));
    let arm = |name: &str| {
        o.clone()
            .lazy()
            .filter(
                polars::prelude::col("partition")
                    .eq(polars::prelude::lit(format!("arm={name}/draw=0"))),
            )
            .collect()
            .unwrap()
            .drop("partition")
            .unwrap()
    };
    assert!(
        arm("baseline").equals_missing(&arm("same")),
        "common random numbers: identical arms"
    );
}
