//! The decision analysis: known answers on synthetic per-draw outcomes, and a real run
//! whose `frontier.parquet` is recomputed from its raw `outcomes/`, recorded in the
//! manifest, checked by `report`, repaired by `--resume` and removed by `--force`.

mod common;
use common::*;
use polars::prelude::*;
use sarcosim::compare::decision::files::{col, FRONTIER};
use sarcosim::compare::decision::frontier::{Point, Status};
use sarcosim::compare::decision::{Analysis, Sample};

fn sample(draws: &[&[(f64, f64)]]) -> Sample {
    let arms = ["baseline", "a", "b", "c"].map(String::from).to_vec();
    Sample {
        arms,
        baseline: 0,
        draws: (0..draws.len() as u32).collect(),
        points: draws
            .iter()
            .map(|d| {
                d.iter()
                    .map(|&(cost, qalys)| Point { cost, qalys })
                    .collect()
            })
            .collect(),
    }
}

#[test]
fn the_pooled_frontier_is_that_of_the_mean_points_with_extended_dominance() {
    // Draw 0 (central) is not pooled. Draws 1 and 2 average to baseline (0, 10),
    // a (100, 11), b (400, 11.2), c (500, 12): ICERs 100, 1500, 125 -> b extendedly
    // dominated; then a -> c: 400 / 1 = 400.
    let s = sample(&[
        &[(0.0, 10.0), (0.0, 11.0), (1.0, 9.0), (2.0, 8.0)],
        &[(0.0, 10.0), (50.0, 11.5), (300.0, 11.0), (600.0, 12.5)],
        &[(0.0, 10.0), (150.0, 10.5), (500.0, 11.4), (400.0, 11.5)],
    ]);
    let a = Analysis::of(&s, 450.0);
    assert_eq!(a.pooled_draws, 2);
    let pooled: Vec<_> = a.frontier_of(None).collect();
    let arms: Vec<&str> = pooled.iter().map(|r| r.arm.as_str()).collect();
    assert_eq!(arms, ["baseline", "a", "b", "c"]);
    let st: Vec<Status> = pooled.iter().map(|r| r.position.status).collect();
    assert_eq!(
        st,
        [
            Status::Frontier,
            Status::Frontier,
            Status::ExtendedlyDominated,
            Status::Frontier
        ]
    );
    assert_eq!(pooled[2].reference.as_deref(), Some("a"));
    assert_eq!(pooled[2].next.as_deref(), Some("c"));
    assert!((pooled[1].position.icer.unwrap() - 100.0).abs() < 1e-9);
    assert!((pooled[3].position.icer.unwrap() - 400.0).abs() < 1e-9);
    // At 450/QALY: NMB baseline 4500, a 4850, b 4640, c 4900: c optimal.
    let best: Vec<&str> = pooled
        .iter()
        .filter(|r| r.position.optimal)
        .map(|r| r.arm.as_str())
        .collect();
    assert_eq!(best, ["c"]);
    assert!((pooled[3].position.nmb - 4900.0).abs() < 1e-9);
    assert!((pooled[3].position.nhb.unwrap() - (12.0 - 500.0 / 450.0)).abs() < 1e-12);
    // Draw 0: a (0, 11) dominates the baseline (0, 10), b (1, 9) and c (2, 8); the first
    // dominating arm in rank order is named.
    let d0: Vec<_> = a.frontier_of(Some(0)).collect();
    let dominated: Vec<(&str, Option<&str>)> = d0
        .iter()
        .filter(|r| r.position.status == Status::Dominated)
        .map(|r| (r.arm.as_str(), r.reference.as_deref()))
        .collect();
    assert_eq!(
        dominated,
        [("baseline", Some("a")), ("b", Some("a")), ("c", Some("a"))]
    );
    // Draw 2: c (400, 11.5) dominates b (500, 11.4).
    let d2: Vec<_> = a.frontier_of(Some(2)).collect();
    let b = d2.iter().find(|r| r.arm == "b").unwrap();
    assert_eq!(b.position.status, Status::Dominated);
    assert_eq!(b.reference.as_deref(), Some("c"));
    // With fewer than two PSA draws nothing is pooled.
    let one = Analysis::of(&sample(&[&[(0.0, 1.0); 4], &[(0.0, 1.0); 4]]), 1.0);
    assert_eq!(one.pooled_draws, 0);
    assert_eq!(one.frontier_of(None).count(), 0);
}

/// Three arms with different costs: a training programme and a dearer one.
fn scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let text = SMALL
        .replace("population = 300", "population = 80")
        .replace("horizon = \"6y\"", "horizon = \"4y\"\ndraws = 3")
        .replace(
            "name = \"same\"\n",
            "name = \"rt\"\n[[arm.intervention]]\nkind = \"resistance_training\"\nuptake = 0.5\nsessions_per_week = 2\ncost_per_year = 300\n\n[[arm]]\nname = \"rt_dear\"\n[[arm.intervention]]\nkind = \"resistance_training\"\nuptake = 0.5\nsessions_per_week = 2\ncost_per_year = 900\n",
        );
    write(dir, "s.toml", &text)
}

fn read(path: &std::path::Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

#[test]
fn a_real_run_writes_the_frontier_of_its_outcomes_and_keeps_it_checked() {
    let t = tempfile::tempdir().unwrap();
    let s = scenario(t.path());
    let out = t.path().join("out");
    run_ok(&s, &out, &[]);
    let path = out.join(FRONTIER.file);
    assert_eq!(
        sarcosim::compare::decision::files::schema_of(&path)
            .unwrap()
            .as_deref(),
        Some(FRONTIER.schema)
    );
    let f = read(&path);
    assert_eq!(f.height(), 3 * 4 + 3, "3 arms × draws 0..3, then pooled");

    // The mean cost and QALYs per arm and draw, straight from the outcomes files.
    let o = read_table(&out, "outcomes");
    let means = o
        .lazy()
        .group_by([col("partition")])
        .agg([col("cost").mean(), col("qalys").mean()])
        .collect()
        .unwrap();
    let mean_of = |arm: &str, draw: i32| -> Point {
        let part = format!("outcomes/arm={arm}/draw={draw}");
        let m = means
            .clone()
            .lazy()
            .filter(col("partition").eq(lit(part)))
            .collect()
            .unwrap();
        let get = |c: &str| m.column(c).unwrap().f64().unwrap().get(0).unwrap();
        Point {
            cost: get("cost"),
            qalys: get("qalys"),
        }
    };
    let arms = ["baseline", "rt", "rt_dear"];
    let wtp = 50_000.0;
    let draws = f.column(col::DRAW).unwrap().i32().unwrap().clone();
    let arm_col = f.column(col::ARM).unwrap().str().unwrap().clone();
    let cost = f.column(col::COST).unwrap().f64().unwrap().clone();
    let qalys = f.column(col::QALYS).unwrap().f64().unwrap().clone();
    let status = f.column(col::STATUS).unwrap().str().unwrap().clone();
    let nmb = f.column(col::NMB).unwrap().f64().unwrap().clone();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs());
    let mut pooled = [Point {
        cost: 0.0,
        qalys: 0.0,
    }; 3];
    for d in 0..=3 {
        let pts: Vec<Point> = arms.iter().map(|a| mean_of(a, d)).collect();
        if d >= 1 {
            for (p, x) in pooled.iter_mut().zip(&pts) {
                p.cost += x.cost / 3.0;
                p.qalys += x.qalys / 3.0;
            }
        }
        let want = sarcosim::compare::decision::frontier::frontier(&pts, wtp);
        let rows: Vec<usize> = (0..f.height())
            .filter(|&i| draws.get(i) == Some(d))
            .collect();
        assert_eq!(rows.len(), 3);
        for (i, w) in rows.into_iter().zip(&want) {
            assert_eq!(arm_col.get(i), Some(arms[w.arm]), "draw {d}");
            assert!(close(cost.get(i).unwrap(), pts[w.arm].cost), "draw {d}");
            assert!(close(qalys.get(i).unwrap(), pts[w.arm].qalys), "draw {d}");
            assert_eq!(status.get(i), Some(w.status.name()));
            let by_hand = wtp * pts[w.arm].qalys - pts[w.arm].cost;
            assert!(close(nmb.get(i).unwrap(), by_hand));
        }
    }
    let pooled_rows: Vec<usize> = (0..f.height())
        .filter(|&i| draws.get(i).is_none())
        .collect();
    assert_eq!(pooled_rows.len(), 3);
    for i in pooled_rows {
        let a = arms
            .iter()
            .position(|x| Some(*x) == arm_col.get(i))
            .unwrap();
        assert!(close(cost.get(i).unwrap(), pooled[a].cost));
        assert!(close(qalys.get(i).unwrap(), pooled[a].qalys));
    }

    // Recorded in the manifest; shown by report.
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains(&format!("\"path\": \"{}\"", FRONTIER.file)));
    let o = report(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("efficiency frontier · means over draws 1..3"));

    // A changed file is refused by report and rewritten by --resume.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
    let o = report(&out);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("frontier.parquet holds"),
        "{}",
        stderr(&o)
    );
    let o = run_args(&s, &out, &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // A deleted file too.
    std::fs::remove_file(&path).unwrap();
    let o = run_args(&s, &out, &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // --force on another run removes it with the rest of the recorded files.
    let other = std::fs::read_to_string(&s)
        .unwrap()
        .replace("seed = 11", "seed = 12");
    let s2 = write(t.path(), "s2.toml", &other);
    let o = run_args(&s2, &out, &["--force", "--draws", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = read(&path);
    assert_eq!(f.height(), 3, "draw 0 only, nothing pooled");
}
