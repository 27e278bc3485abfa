//! Cohorts from microdata (`[[cohort]] from = FILE`): a weighted draw reproduces the
//! file's weighted joint distribution at the start, `as_is` takes the rows in turn, CSV
//! and Parquet give the same persons, the draws are identical for any thread count or
//! shard split, and bad files are refused (file, line or row, column; exit 2; nothing
//! written), one test per kind of problem.

mod common;
use common::*;
use polars::prelude::*;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cohorts/example-survey.csv")
}

/// The example survey as rows of named numbers (sex as 1 = F), parsed here on its own.
struct Survey {
    header: Vec<String>,
    rows: Vec<Vec<Option<f64>>>,
}

impl Survey {
    fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines().filter(|l| !l.starts_with('#'));
        let header: Vec<String> = lines
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect();
        let rows = lines
            .map(|l| {
                l.split(',')
                    .map(|c| match c {
                        "" => None,
                        "F" => Some(1.0),
                        "M" => Some(0.0),
                        x => Some(x.parse().unwrap()),
                    })
                    .collect()
            })
            .collect();
        Self { header, rows }
    }

    fn col(&self, name: &str) -> Vec<Option<f64>> {
        let j = self.header.iter().position(|h| h == name).unwrap();
        self.rows.iter().map(|r| r[j]).collect()
    }

    fn full(&self, name: &str) -> Vec<f64> {
        self.col(name).into_iter().map(Option::unwrap).collect()
    }
}

/// A scenario of one cohort drawn from `file`, simulated one month, every trajectory kept.
fn scenario(file: &Path, population: u64, sample: &str) -> String {
    format!(
        r#"
name = "microdata"
seed = 5
population = {population}
horizon = "1m"
[[cohort]]
name = "survey"
from = "{}"
sample = "{sample}"
[[arm]]
name = "baseline"
"#,
        file.display()
    )
}

/// Column `name` of the trajectories at record 0, as f64.
fn start_column(df: &DataFrame, name: &str) -> Vec<f64> {
    let s = df
        .column(name)
        .unwrap()
        .as_materialized_series()
        .cast(&DataType::Float64)
        .unwrap();
    s.f64().unwrap().iter().map(Option::unwrap).collect()
}

fn starts(dir: &Path) -> DataFrame {
    let df = sorted(&read_table(dir, "trajectories"));
    df.lazy()
        .filter(col("record").eq(lit(0)))
        .collect()
        .unwrap()
}

/// Weighted mean and SD.
fn moments(x: &[f64], w: &[f64]) -> (f64, f64) {
    let total: f64 = w.iter().sum();
    let mean = x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / total;
    let var = x
        .iter()
        .zip(w)
        .map(|(x, w)| w * (x - mean).powi(2))
        .sum::<f64>()
        / total;
    (mean, var.sqrt())
}

fn correlation(x: &[f64], y: &[f64], w: &[f64]) -> f64 {
    let ((mx, sx), (my, sy)) = (moments(x, w), moments(y, w));
    let total: f64 = w.iter().sum();
    let cov = (0..x.len())
        .map(|i| w[i] * (x[i] - mx) * (y[i] - my))
        .sum::<f64>()
        / total;
    cov / (sx * sy)
}

/// Monte Carlo error allowed: 4 standard errors of N independent draws (a false failure
/// about once in 16,000 comparisons).
const Z: f64 = 4.0;

#[test]
fn a_weighted_draw_reproduces_the_surveys_joint_distribution_at_the_start() {
    let survey = Survey::read(&example());
    let w = survey.full("sampling_weight");
    let n = 8_000u64;
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", &scenario(&example(), n, "weighted"));
    run_ok(&s, &t.path().join("out"), &[]);
    let df = starts(&t.path().join("out"));
    assert_eq!(df.height() as u64, n);
    let ones = vec![1.0; n as usize];
    let sim = |name: &str| start_column(&df, name);
    let height = survey.full("height");
    let bmi: Vec<f64> = survey
        .full("weight_kg")
        .iter()
        .zip(&height)
        .map(|(w, h)| w / (h * h))
        .collect();
    let mut checked = Vec::new();
    // Means: the file's weighted mean within Z standard errors of N draws.
    for (name, file, simulated) in [
        ("age", survey.full("age"), sim("age")),
        ("female", survey.full("sex"), sim("female")),
        ("height", height.clone(), sim("height")),
        ("bmi", bmi.clone(), sim("bmi")),
        ("protein", survey.full("protein_g_per_kg"), sim("protein")),
        (
            "training",
            survey.full("training_sessions_per_week"),
            sim("training_sessions"),
        ),
    ] {
        let (m, sd) = moments(&file, &w);
        let (got, _) = moments(&simulated, &ones);
        let tol = Z * sd / (n as f64).sqrt();
        assert!((got - m).abs() < tol, "{name}: {got} vs {m} ± {tol}");
        checked.push(format!("{name} {got:.3} vs {m:.3} ± {tol:.3}"));
    }
    let conditions: Vec<u32> = sim("conditions").iter().map(|c| *c as u32).collect();
    let flag = |bit: u32| -> Vec<f64> {
        conditions
            .iter()
            .map(|c| f64::from((c >> bit) & 1))
            .collect()
    };
    // Correlations: SE ≈ (1 − ρ²)/√N.
    let diabetes = survey.full("diabetes");
    for (name, (fx, fy), (sx, sy)) in [
        (
            "age~bmi",
            (survey.full("age"), bmi.clone()),
            (sim("age"), sim("bmi")),
        ),
        (
            "bmi~diabetes",
            (bmi.clone(), diabetes.clone()),
            (sim("bmi"), flag(0)),
        ),
        (
            "age~heart_failure",
            (survey.full("age"), survey.full("heart_failure")),
            (sim("age"), flag(3)),
        ),
    ] {
        let r = correlation(&fx, &fy, &w);
        let got = correlation(&sx, &sy, &ones);
        let tol = Z * (1.0 - r * r) / (n as f64).sqrt();
        assert!((got - r).abs() < tol, "{name}: {got} vs {r} ± {tol}");
        // Independent draws of each column (correlation 0) would fail.
        assert!(
            r.abs() > 2.0 * tol,
            "{name}: the file has no clear correlation"
        );
        checked.push(format!("{name} {got:.3} vs {r:.3} ± {tol:.3}"));
    }
    // Co-occurrence of conditions: a proportion, SE √(p(1 − p)/N).
    // The file's pairs: diabetes and CKD go together (the generator's odds ratio 4.5);
    // heart failure is too rare in 400 rows for its pairs to differ from independence.
    for (name, a, b, bits, related) in [
        ("diabetes&ckd", "diabetes", "ckd", (0, 1), true),
        ("ckd&heart_failure", "ckd", "heart_failure", (1, 3), false),
    ] {
        let both: Vec<f64> = survey
            .full(a)
            .iter()
            .zip(survey.full(b))
            .map(|(x, y)| x * y)
            .collect();
        let (p, _) = moments(&both, &w);
        let sim_both: Vec<f64> = flag(bits.0)
            .iter()
            .zip(flag(bits.1))
            .map(|(x, y)| x * y)
            .collect();
        let (got, _) = moments(&sim_both, &ones);
        let tol = Z * (p * (1.0 - p) / n as f64).sqrt();
        assert!((got - p).abs() < tol, "{name}: {got} vs {p} ± {tol}");
        // Independent draws would give the product of the prevalences.
        let independent = moments(&survey.full(a), &w).0 * moments(&survey.full(b), &w).0;
        if related {
            assert!(
                (p - independent).abs() > 2.0 * tol,
                "{name}: {p} vs {independent}"
            );
        }
        checked.push(format!("{name} {got:.4} vs {p:.4} ± {tol:.4}"));
    }
    println!("{}", checked.join("\n"));
}

#[test]
fn every_person_starts_as_a_row_with_its_measured_grip_and_gait() {
    let survey = Survey::read(&example());
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", &scenario(&example(), 2_000, "weighted"));
    run_ok(&s, &t.path().join("out"), &[]);
    let df = starts(&t.path().join("out"));
    let cols = ["age", "female", "height", "weight", "grip", "gait"].map(|c| start_column(&df, c));
    let persons: Vec<[f64; 6]> = (0..df.height())
        .map(|i| cols.each_ref().map(|c| c[i]))
        .collect();
    let (age, sex, height, weight) = (
        survey.full("age"),
        survey.full("sex"),
        survey.full("height"),
        survey.full("weight_kg"),
    );
    let (grip, gait) = (survey.col("grip"), survey.col("gait"));
    let (mut with_grip, mut with_gait) = (0, 0);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-3 * b.abs().max(1.0);
    for (i, [p_age, p_sex, p_height, p_weight, p_grip, p_gait]) in persons.into_iter().enumerate() {
        let row = (0..survey.rows.len())
            .find(|&r| {
                close(p_age, age[r])
                    && p_sex == sex[r]
                    && close(p_height, height[r])
                    && close(p_weight, weight[r])
            })
            .unwrap_or_else(|| panic!("person {i} is no row of the file"));
        if let Some(g) = grip[row] {
            assert!(close(p_grip, g), "grip {p_grip} vs {g}");
            with_grip += 1;
        }
        if let Some(g) = gait[row] {
            assert!(close(p_gait, g), "gait {p_gait} vs {g}");
            with_gait += 1;
        }
    }
    assert!(
        with_grip > 1_000 && with_gait > 1_000,
        "{with_grip} {with_gait}"
    );
}

#[test]
fn as_is_takes_row_i_for_person_i() {
    let survey = Survey::read(&example());
    let rows = survey.rows.len() as u64;
    let t = tempfile::tempdir().unwrap();
    let s = write(t.path(), "s.toml", &scenario(&example(), rows, "as_is"));
    run_ok(&s, &t.path().join("out"), &[]);
    let df = starts(&t.path().join("out"));
    let ids = start_column(&df, "person_id");
    let (age, height) = (start_column(&df, "age"), start_column(&df, "height"));
    for i in 0..df.height() {
        let r = ids[i] as usize;
        assert_eq!(age[i], survey.full("age")[r]);
        assert!((height[i] - survey.full("height")[r]).abs() < 1e-5);
    }
    assert_eq!(ids.len() as u64, rows);
}

#[test]
fn a_parquet_file_gives_the_persons_of_the_same_csv() {
    let t = tempfile::tempdir().unwrap();
    let csv = t.path().join("p.csv");
    let text = "sampling_weight,age,sex,bmi,diabetes,grip\n\
                1.5,70,F,31.2,1,\n2,82,M,24.0,0,31.5\n0.5,66,F,22.4,0,20.1\n";
    std::fs::write(&csv, text).unwrap();
    let mut df = df!(
        "sampling_weight" => [1.5, 2.0, 0.5],
        "age" => [70i64, 82, 66],
        "sex" => ["F", "M", "F"],
        "bmi" => [31.2, 24.0, 22.4],
        "diabetes" => [true, false, false],
        "grip" => [None, Some(31.5), Some(20.1)],
    )
    .unwrap();
    let pq = t.path().join("p.parquet");
    ParquetWriter::new(std::fs::File::create(&pq).unwrap())
        .finish(&mut df)
        .unwrap();
    for (f, out) in [(&csv, "a"), (&pq, "b")] {
        let s = write(
            t.path(),
            &format!("{out}.toml"),
            &scenario(f, 600, "weighted"),
        );
        run_ok(&s, &t.path().join(out), &["--threads", "2"]);
    }
    let (a, b) = (starts(&t.path().join("a")), starts(&t.path().join("b")));
    assert_eq!(a.height(), 600);
    assert!(
        a.equals_missing(&b),
        "CSV and Parquet give the same persons"
    );
}

/// Outcomes and trajectories, sorted, without the partition column.
fn person_rows(dir: &Path) -> [DataFrame; 2] {
    ["outcomes", "trajectories"].map(|t| sorted(&read_table(dir, t)).drop("partition").unwrap())
}

#[test]
fn the_draw_is_the_same_for_any_threads_and_shards() {
    let t = tempfile::tempdir().unwrap();
    let text = scenario(&example(), 1_300, "weighted").replace("\"1m\"", "\"2y\"");
    let s = write(t.path(), "s.toml", &text);
    let dirs = ["one", "two", "shards"].map(|d| t.path().join(d));
    run_ok(&s, &dirs[0], &["--threads", "1"]);
    run_ok(&s, &dirs[1], &["--threads", "2"]);
    run_ok(&s, &dirs[2], &["--shard", "0/2"]);
    run_ok(&s, &dirs[2], &["--shard", "1/2"]);
    let base = person_rows(&dirs[0]);
    assert_eq!(base[0].height(), 1_300);
    for d in &dirs[1..] {
        let other = person_rows(d);
        for k in 0..2 {
            assert!(base[k].equals_missing(&other[k]), "{} differs", d.display());
        }
    }
}

/// Runs a scenario drawing from a CSV of `body` and returns its stderr (exit 2 and no
/// results directory asserted).
fn refused(body: &str) -> String {
    let t = tempfile::tempdir().unwrap();
    let file = write(t.path(), "people.csv", body);
    let s = write(t.path(), "s.toml", &scenario(&file, 100, "weighted"));
    let out = t.path().join("out");
    let o = run_args(&s, &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!out.exists(), "nothing written: {err}");
    let checked = sarcosim(&["check", s.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(2));
    // The scenario's line of `from`, then the file's place.
    assert!(err.contains("s.toml:8:1: cohort[0].from: "), "{err}");
    assert!(err.contains("people.csv"), "{err}");
    err
}

const HEADER: &str = "sampling_weight,age,sex,bmi\n";

#[test]
fn a_file_without_a_weight_column_is_refused() {
    let e = refused("age,sex,bmi\n70,F,25\n");
    assert!(
        e.contains("people.csv:1: no column `sampling_weight`"),
        "{e}"
    );
    assert!(e.contains("sample = \"as_is\""), "{e}");
}

#[test]
fn a_negative_weight_is_refused() {
    let e = refused(&format!("{HEADER}1,70,F,25\n-2,71,M,26\n"));
    assert!(
        e.contains("people.csv:3: row 2, column `sampling_weight`: -2 is not a sampling weight"),
        "{e}"
    );
}

#[test]
fn an_age_out_of_range_is_refused() {
    let e = refused(&format!("{HEADER}1,70,F,25\n1,71,M,26\n1,7,F,22\n"));
    assert!(
        e.contains("people.csv:4: row 3, column `age`: 7 is outside 18-110 (years)"),
        "{e}"
    );
}

#[test]
fn an_unknown_sex_code_is_refused() {
    let e = refused(&format!("{HEADER}1,70,2,25\n"));
    assert!(
        e.contains("people.csv:2: row 1, column `sex`: unknown sex code `2`"),
        "{e}"
    );
    assert!(e.contains("F or M"), "{e}");
}

#[test]
fn a_non_numeric_cell_is_refused() {
    let e = refused(&format!("{HEADER}1,70,F,NA\n"));
    assert!(
        e.contains("people.csv:2: row 1, column `bmi`: `NA` is not a number"),
        "{e}"
    );
    assert!(e.contains("leave the cell empty"), "{e}");
}

#[test]
fn a_nan_is_refused() {
    let e = refused(&format!("{HEADER}1,70,F,25\n1,70,F,NaN\n"));
    assert!(
        e.contains("people.csv:3: row 2, column `bmi`: NaN is not a value"),
        "{e}"
    );
}

#[test]
fn an_unknown_column_is_refused_with_a_spelling_hint() {
    let e = refused("sampling_weight,age,sex,hieght\n1,70,F,1.6\n");
    assert!(
        e.contains("people.csv:1: column `hieght`: unknown column"),
        "{e}"
    );
    assert!(e.contains("did you mean `height`?"), "{e}");
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_refused() {
    let e = refused(&format!("{HEADER}1,70,F,25\n1,70,F\n"));
    assert!(
        e.contains("people.csv:3: row 2: 3 fields; the header has 4"),
        "{e}"
    );
}

#[test]
fn bad_parquet_cells_name_the_row_and_column() {
    let t = tempfile::tempdir().unwrap();
    let mut df = df!(
        "sampling_weight" => [1.0, -1.0],
        "age" => [70.0, f64::NAN],
        "sex" => ["F", "X"],
    )
    .unwrap();
    let pq = t.path().join("people.parquet");
    ParquetWriter::new(std::fs::File::create(&pq).unwrap())
        .finish(&mut df)
        .unwrap();
    let s = write(t.path(), "s.toml", &scenario(&pq, 100, "weighted"));
    let out = t.path().join("out");
    let o = run_args(&s, &out, &[]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(!out.exists());
    for m in [
        "people.parquet: row 2, column `sampling_weight`: -1 is not a sampling weight",
        "people.parquet: row 2, column `age`: NaN is not a value",
        "people.parquet: row 2, column `sex`: unknown sex code `X`",
    ] {
        assert!(e.contains(m), "{m}\n{e}");
    }
}

#[test]
fn a_missing_file_and_a_bad_sample_are_scenario_problems() {
    let t = tempfile::tempdir().unwrap();
    let text = scenario(&t.path().join("nowhere.csv"), 100, "weighted");
    let s = write(t.path(), "s.toml", &text);
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nowhere.csv: cannot read the file"),
        "{}",
        stderr(&o)
    );
    let s = write(t.path(), "s.toml", &text.replace("weighted", "by_weight"));
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("cohort[0].sample: `by_weight` is not a way to sample"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_shipped_survey_scenario_checks() {
    let s = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/survey-cohort.toml");
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("from ../data/cohorts/example-survey.csv · 400 rows · sample weighted"),
        "{out}"
    );
}

#[test]
fn the_file_is_part_of_the_runs_identity() {
    let t = tempfile::tempdir().unwrap();
    let file = write(
        t.path(),
        "people.csv",
        &format!("{HEADER}1,70,F,25\n1,81,M,28\n"),
    );
    let s = write(t.path(), "s.toml", &scenario(&file, 1_200, "weighted"));
    let out = t.path().join("out");
    run_ok(&s, &out, &["--shard", "0/2"]);
    // Another file under the same name: the second shard would mix two populations.
    write(
        t.path(),
        "people.csv",
        &format!("{HEADER}1,70,F,25\n1,81,M,29\n"),
    );
    let o = run_args(&s, &out, &["--shard", "1/2"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("scenario contents"), "{}", stderr(&o));
}
