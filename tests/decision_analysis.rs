//! The decision analysis: known answers on synthetic per-draw outcomes, and a real run
//! whose `frontier.parquet` is recomputed from its raw `outcomes/`, recorded in the
//! manifest, checked by `report`, repaired by `--resume` and removed by `--force`.

mod common;
use common::*;
use polars::prelude::*;
use sarcosim::compare::decision::files::{col, CEAC, CEPLANE, FILES, FRONTIER, VOI};
use sarcosim::compare::decision::frontier::{Point, Status};
use sarcosim::compare::decision::{Analysis, Inputs, Sample, Voi};
use sarcosim::scenario::economics::Decision;
use sarcosim::sinks::parameters::{PsaColumn, PsaTable};

/// The analysis at `wtp` with default settings and no PSA table.
fn analyse(s: &Sample, wtp: f64) -> Analysis {
    let settings = Decision::default();
    let inputs = Inputs {
        wtp,
        discount_rate: 0.03,
        settings: &settings,
        psa: None,
    };
    Analysis::of(s, &inputs)
}

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
    let a = analyse(&s, 450.0);
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
    let one = analyse(&sample(&[&[(0.0, 1.0); 4], &[(0.0, 1.0); 4]]), 1.0);
    assert_eq!(one.pooled_draws, 0);
    assert_eq!(one.frontier_of(None).count(), 0);
    assert!(
        one.ceac.is_empty() && one.voi.is_empty(),
        "no PSA to speak of"
    );
    assert_eq!(one.ceplane.len(), 2 * 3, "the CE plane has every draw");
}

#[test]
fn ceac_ceaf_evpi_and_evppi_known_by_hand() {
    // Draw 0 central, then four PSA draws; one input `x` decides the sign of arm a's
    // incremental net benefit: ΔQ = x, ΔC = 0 (so INB = WTP × x), x = 1, -1, 2, -2 in
    // draws 1..4: at any WTP > 0, a wins in draws 1 and 3 (CEAC 0.5), E[INB] = 0: tie, the
    // baseline (first) is on the CEAF; EVPI = mean max(0, INB) = WTP × (1 + 2) / 4.
    let xs = [0.0, 1.0, -1.0, 2.0, -2.0];
    let draws: Vec<Vec<(f64, f64)>> = xs
        .iter()
        .map(|x| vec![(0.0, 10.0), (0.0, 10.0 + x), (5.0, 9.0), (6.0, 8.0)])
        .collect();
    let refs: Vec<&[(f64, f64)]> = draws.iter().map(Vec::as_slice).collect();
    let s = sample(&refs);
    // x and an irrelevant input y in the PSA table; 4 draws are too few for any fit
    // (a linear fit of 1 input needs 10), so the EVPPI is refused with the reason.
    let psa = PsaTable {
        draws: vec![0, 1, 2, 3, 4],
        columns: vec![
            PsaColumn {
                name: "muscle.x".into(),
                values: xs.to_vec(),
            },
            PsaColumn {
                name: "economics.utility".into(),
                values: vec![0.8, 0.81, 0.79, 0.8, 0.82],
            },
        ],
    };
    let settings = Decision {
        wtp_grid: Some(vec![0.0, 100.0]),
        evpi_population: Some(1000.0),
        evpi_years: Some(2),
        evppi_groups: None,
    };
    let inputs = Inputs {
        wtp: 100.0,
        discount_rate: 0.05,
        settings: &settings,
        psa: Some(&psa),
    };
    let a = Analysis::of(&s, &inputs);
    let ceac = |w: f64, arm: &str| a.ceac.iter().find(|r| r.wtp == w && r.arm == arm).unwrap();
    // WTP 0: baseline and a tie in every draw (0 vs 0): half each; b, c never.
    assert_eq!(ceac(0.0, "baseline").probability, 0.5);
    assert_eq!(ceac(0.0, "a").probability, 0.5);
    assert_eq!(ceac(0.0, "b").probability, 0.0);
    assert_eq!(ceac(100.0, "a").probability, 0.5);
    assert_eq!(ceac(100.0, "baseline").probability, 0.5);
    assert!(ceac(100.0, "baseline").on_ceaf && !ceac(100.0, "a").on_ceaf);
    let evpi: Vec<(f64, Option<f64>, Option<f64>)> = a
        .voi
        .iter()
        .filter(|r| r.analysis == Voi::Evpi)
        .map(|r| (r.wtp, r.per_person, r.population))
        .collect();
    assert_eq!(evpi[0], (0.0, Some(0.0), Some(0.0)));
    assert_eq!(evpi[1].1, Some(75.0));
    let pop = 75.0 * 1000.0 * (1.0 + 1.0 / 1.05);
    assert!((evpi[1].2.unwrap() - pop).abs() < 1e-9);
    // Default groups by prefix: `muscle` and `utilities`; too few draws, said in the note.
    let groups: Vec<(&str, &str)> = a
        .voi
        .iter()
        .filter(|r| r.analysis == Voi::Evppi && r.wtp == 100.0)
        .map(|r| (r.group.as_deref().unwrap(), r.note.as_str()))
        .collect();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].0, "muscle");
    assert_eq!(groups[1].0, "utilities");
    assert!(
        groups[0].1.starts_with("too few draws: 4"),
        "{}",
        groups[0].1
    );
    // The CE plane: a − baseline in draw 3 is (0, +2).
    let p = a
        .ceplane
        .iter()
        .find(|r| r.draw == 3 && r.arm == "a")
        .unwrap();
    assert_eq!((p.delta_cost, p.delta_qalys), (0.0, 2.0));
}

#[test]
fn the_evppi_of_the_deciding_input_is_the_evpi_and_of_noise_about_its_floor() {
    // 60 PSA draws; ΔQ of arm a = x (a grid over [-1, 1]), ΔC = 0; y is unrelated.
    let k = 60;
    let x: Vec<f64> = (0..=k)
        .map(|i| -1.0 + 2.0 * f64::from(i) / f64::from(k))
        .collect();
    let y: Vec<f64> = (0..=k).map(|i| f64::from((i * 37) % 61) / 61.0).collect();
    let draws: Vec<Vec<(f64, f64)>> = x.iter().map(|v| vec![(0.0, 1.0), (0.0, 1.0 + v)]).collect();
    let refs: Vec<&[(f64, f64)]> = draws.iter().map(Vec::as_slice).collect();
    let mut s = sample(&refs);
    s.arms.truncate(2);
    let psa = PsaTable {
        draws: (0..=k).collect(),
        columns: vec![
            PsaColumn {
                name: "muscle.x".into(),
                values: x.clone(),
            },
            PsaColumn {
                name: "training.y".into(),
                values: y.clone(),
            },
        ],
    };
    let settings = Decision {
        evppi_groups: Some(
            [
                ("x".to_string(), vec!["muscle.*".to_string()]),
                ("y".to_string(), vec!["training.y".to_string()]),
            ]
            .into_iter()
            .collect(),
        ),
        ..Decision::default()
    };
    let inputs = Inputs {
        wtp: 10.0,
        discount_rate: 0.0,
        settings: &settings,
        psa: Some(&psa),
    };
    let a = Analysis::of(&s, &inputs);
    let at = |g: Option<&str>| {
        a.voi
            .iter()
            .find(|r| r.wtp == 10.0 && r.group.as_deref() == g)
            .unwrap()
    };
    let evpi = at(None).per_person.unwrap();
    // By hand: draws 1..60 hold x = -1 + i/30; EVPI = mean max(0, 10 x) − max(0, mean 10 x).
    let xs = &x[1..];
    let mean: f64 = xs.iter().map(|v| 10.0 * v).sum::<f64>() / 60.0;
    let perfect: f64 = xs.iter().map(|v| (10.0 * v).max(0.0)).sum::<f64>() / 60.0;
    assert!((evpi - (perfect - mean.max(0.0))).abs() < 1e-9);
    let gx = at(Some("x"));
    assert_eq!(gx.degree, Some(2), "60 draws for 1 input: quadratic");
    assert!(
        (gx.per_person.unwrap() - evpi).abs() < 1e-9,
        "x decides everything"
    );
    assert!(gx.r_squared.unwrap() > 1.0 - 1e-12);
    assert!(gx.note.contains("60 draws (< 500)"), "{}", gx.note);
    let gy = at(Some("y"));
    assert!(
        gy.per_person.unwrap() < 0.5 * evpi,
        "y is noise: {}",
        gy.per_person.unwrap()
    );
    assert!(gy.r_squared.unwrap() < 0.3);
    // The noise floor of x (shuffled x) is far below its EVPPI.
    assert!(gx.noise_floor.unwrap() < 0.5 * evpi, "{:?}", gx.noise_floor);
}

#[test]
fn bad_decision_keys_are_refused_with_their_line_and_key() {
    let t = tempfile::tempdir().unwrap();
    let text = format!(
        "{SMALL}\n[economics]\nwtp_grid = [0, 50000, 20000]\nevpi_years = 2.5\nevpi_population = -3\nevppi_groups = {{ body = [\"muscle.*\", \"mortality.sarcopenia_hx\"], none = [] }}\n"
    );
    let s = write(t.path(), "bad.toml", &text);
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    for want in [
        "economics.wtp_grid[2]: 20000 does not exceed the value before it (50000)",
        "economics.evpi_years: 2.5 is not a whole number of years from 1 to 100",
        "economics.evpi_population: -3 is not a number of persons in [0, 1e10]",
        "economics.evppi_groups.body[1]: `mortality.sarcopenia_hx` matches no input",
        "did you mean `mortality.sarcopenia_hr`?",
        "economics.evppi_groups.none: an empty group",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
    assert!(e.contains("bad.toml:"), "{e}");
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

    // The CEAC from the same means: per WTP, the share of draws 1..3 each arm wins.
    let ceac = read(&out.join(CEAC.file));
    let grid: Vec<f64> = (0..=40).map(|i| 100_000.0 * f64::from(i) / 40.0).collect();
    assert_eq!(ceac.height(), grid.len() * 3);
    let per_draw: Vec<Vec<Point>> = (1..=3)
        .map(|d| arms.iter().map(|a| mean_of(a, d)).collect())
        .collect();
    let wtps = ceac.column(col::WTP).unwrap().f64().unwrap().clone();
    let probs = ceac
        .column(col::PROBABILITY)
        .unwrap()
        .f64()
        .unwrap()
        .clone();
    let ceac_arm = ceac.column(col::ARM).unwrap().str().unwrap().clone();
    for i in 0..ceac.height() {
        let w = wtps.get(i).unwrap();
        let a = arms
            .iter()
            .position(|x| Some(*x) == ceac_arm.get(i))
            .unwrap();
        let wins = per_draw
            .iter()
            .filter(|p| {
                let nb: Vec<f64> = p.iter().map(|x| w * x.qalys - x.cost).collect();
                nb.iter().all(|v| *v <= nb[a])
            })
            .count();
        assert!(
            close(probs.get(i).unwrap(), wins as f64 / 3.0),
            "WTP {w} arm {a}"
        );
    }
    assert_eq!(read(&out.join(CEPLANE.file)).height(), 2 * 4);
    let voi = read(&out.join(VOI.file));
    assert!(voi.height() >= grid.len());
    for spec in FILES {
        let schema = sarcosim::compare::decision::files::schema_of(&out.join(spec.file)).unwrap();
        assert_eq!(schema.as_deref(), Some(spec.schema));
    }

    // Recorded in the manifest; shown by report.
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    for spec in FILES {
        assert!(manifest.contains(&format!("\"path\": \"{}\"", spec.file)));
    }
    let o = report(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("efficiency frontier · means over draws 1..3"));
    assert!(stdout(&o).contains("acceptability · P(largest net monetary benefit)"));
    // JSON: the decision tables with arms by name.
    let j = sarcosim(&["report", out.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    let pooled = json["decision"]["frontier"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(pooled["draw"].is_null());
    assert!(arms.contains(&pooled["arm"].as_str().unwrap()), "{pooled}");
    assert!(pooled["reference"].is_string() || pooled["reference"].is_null());
    assert_eq!(
        json["decision"]["ceac"].as_array().unwrap().len(),
        grid.len() * 3
    );
    assert!(stdout(&o).contains("value of information at WTP 50000"));

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

/// The cells of a CSV line (no quoted commas in these tables but the VOI inputs, which
/// the parser below keeps whole).
fn cells(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (vec![], String::new(), false);
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[test]
fn report_writes_each_decision_table_as_csv_with_its_files_columns_and_values() {
    let t = tempfile::tempdir().unwrap();
    let s = scenario(t.path());
    let out = t.path().join("out");
    run_ok(&s, &out, &[]);
    for spec in FILES {
        let o = sarcosim(&[
            "report",
            out.to_str().unwrap(),
            "--format",
            "csv",
            "--table",
            spec.table(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        let lines: Vec<&str> = text.lines().collect();
        let f = read(&out.join(spec.file));
        let names: Vec<String> = f.get_column_names().iter().map(|n| n.to_string()).collect();
        assert_eq!(cells(lines[0]), names, "{}", spec.table());
        assert_eq!(lines.len() - 1, f.height(), "{}", spec.table());
        for (i, line) in lines[1..].iter().enumerate() {
            for (c, cell) in f.columns().iter().zip(cells(line)) {
                let v = c.get(i).unwrap();
                match v {
                    AnyValue::Null => assert_eq!(cell, ""),
                    AnyValue::Float64(x) => assert_eq!(cell.parse::<f64>().unwrap(), x),
                    AnyValue::String(x) => assert_eq!(cell, x),
                    other => assert_eq!(cell, other.to_string().trim_matches('"')),
                }
            }
        }
    }
    let table = |args: &[&str]| {
        let mut a = vec!["report", out.to_str().unwrap()];
        a.extend_from_slice(args);
        sarcosim(&a)
    };
    let o = table(&["--format", "csv", "--table", "icers"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("frontier, ceac, ceplane, voi"),
        "{}",
        stderr(&o)
    );
    let o = table(&["--format", "json", "--table", "ceac"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs --format csv"), "{}", stderr(&o));
}
