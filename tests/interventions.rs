//! Interventions and strategy comparison, end to end through the binary: common random
//! numbers, trial emulations against the published effect sizes (MODEL-NOTES section 4),
//! protein × training, scenario errors, intervals, sharded comparisons and report formats.

mod common;

use common::*;
use polars::prelude::*;
use std::path::Path;

/// A trial cohort: 100 % 70-year-olds without conditions, weekly steps, 20 weeks.
fn trial(population: u32, arms: &str) -> String {
    format!(
        r#"
name = "trial"
seed = 5
population = {population}
horizon = "20w"
step = "1w"
record_every = "4w"
[output]
trajectories = "none"
[[cohort]]
name = "70-year-olds"
age = {{ fixed = 70 }}
protein_g_per_kg = {{ fixed = 1.0 }}
[[arm]]
name = "control"
{arms}"#
    )
}

const TRAINING: &str = r#"
[[arm]]
name = "training"
[[arm.intervention]]
kind = "resistance_training"
sessions_per_week = 3
uptake = 1
"#;

/// (estimate, lower, upper) of one comparison row (draw 0 unless `draw` is None).
fn row(dir: &Path, arm: &str, outcome: &str, contrast: &str) -> (f64, f64, f64) {
    row_of(dir, arm, outcome, contrast, Some(0), "monte_carlo")
}

fn row_of(
    dir: &Path,
    arm: &str,
    outcome: &str,
    contrast: &str,
    draw: Option<i32>,
    method: &str,
) -> (f64, f64, f64) {
    let df = ParquetReader::new(std::fs::File::open(dir.join("comparison.parquet")).unwrap())
        .finish()
        .unwrap();
    let mut mask = col("arm")
        .eq(lit(arm))
        .and(col("outcome").eq(lit(outcome)))
        .and(col("contrast").eq(lit(contrast)))
        .and(col("method").eq(lit(method)));
    mask = match draw {
        Some(d) => mask.and(col("draw").eq(lit(d))),
        None => mask.and(col("draw").is_null()),
    };
    let r = df.lazy().filter(mask).collect().unwrap();
    assert_eq!(r.height(), 1, "{arm} {outcome} {contrast}: {r}");
    let g = |c: &str| {
        r.column(c)
            .unwrap()
            .f64()
            .unwrap()
            .get(0)
            .unwrap_or(f64::NAN)
    };
    (g("estimate"), g("lower"), g("upper"))
}

fn run_scenario(text: &str, extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let s = write(tmp.path(), "s.toml", text);
    let out = tmp.path().join("out");
    run_ok(&s, &out, extra);
    (tmp, out)
}

#[test]
fn an_arm_whose_interventions_have_uptake_zero_reproduces_the_baseline_person_by_person() {
    let text = SMALL
        .replace(
            "[[arm]]\nname = \"same\"\n",
            r#"[[arm]]
name = "same"
[[arm.intervention]]
kind = "resistance_training"
uptake = 0
[[arm.intervention]]
kind = "protein"
target_g_per_kg = 1.5
uptake = 0
[[arm.intervention]]
kind = "screening"
refer_to = "testosterone"
uptake = 0
[[arm.intervention]]
kind = "testosterone"
uptake = 1
[[arm.intervention]]
kind = "bed_rest"
days = 10
uptake = 0
"#,
        )
        .replace("population = 300", "population = 120\ndraws = 1");
    let (_tmp, out) = run_scenario(&text, &[]);
    for table in ["outcomes", "trajectories"] {
        let df = sorted(&read_table(&out, table));
        for draw in 0..2 {
            let part = |arm: &str| {
                df.clone()
                    .lazy()
                    .filter(col("partition").eq(lit(format!("{table}/arm={arm}/draw={draw}"))))
                    .collect()
                    .unwrap()
                    .drop("partition")
                    .unwrap()
            };
            let (base, same) = (part("baseline"), part("same"));
            assert!(base.height() > 0);
            assert!(
                base.equals_missing(&same),
                "{table} draw {draw} differs between baseline and uptake-0 arm"
            );
        }
    }
    let (d, lo, hi) = row(&out, "same", "alm_end", "difference");
    assert_eq!((d, lo, hi), (0.0, 0.0, 0.0));
}

#[test]
fn a_twenty_week_training_trial_of_70_year_olds_gains_what_peterson_2011_found() {
    let (_tmp, out) = run_scenario(&trial(1000, TRAINING), &[]);
    let (gain, lo, hi) = row(&out, "training", "alm_end", "difference");
    // Peterson 2011: lean body mass +1.1 kg (0.9-1.2) in ≈ 20 weeks; ALM carries roughly
    // half of it, and 70-year-olds respond less than the trials' mean age: ALM 0.3-1.0 kg.
    eprintln!("measured: 20-week training ALM gain {gain:.3} kg");
    assert!((0.3..=1.0).contains(&gain), "ALM gain {gain:.3} kg");
    assert!(
        hi - lo < 0.1,
        "paired interval [{lo:.3}, {hi:.3}] is narrow"
    );
    let (grip, _, _) = row(&out, "training", "grip_end", "difference");
    let (grip0, _, _) = row(&out, "control", "grip_end", "level");
    // Peterson 2010: strength +24-33 % by exercise; grip responds less (A): 5-30 %.
    let rel = grip / grip0;
    assert!((0.05..=0.30).contains(&rel), "grip +{:.1} %", rel * 100.0);
    let (dp, _, dp_hi) = row(&out, "training", "prevalence_end_ewgsop2", "difference");
    assert!(
        dp < 0.0 && dp_hi <= 0.0,
        "training lowers prevalence: {dp:.3}"
    );
}

#[test]
fn protein_and_training_combine_as_in_morton_2018_up_to_the_plateau() {
    let arms = format!(
        "{TRAINING}{}",
        r#"
[[arm]]
name = "protein"
[[arm.intervention]]
kind = "protein"
target_g_per_kg = 1.6
uptake = 1

[[arm]]
name = "both"
[[arm.intervention]]
kind = "resistance_training"
sessions_per_week = 3
uptake = 1
[[arm.intervention]]
kind = "protein"
target_g_per_kg = 1.6
uptake = 1

[[arm]]
name = "both_high"
[[arm.intervention]]
kind = "resistance_training"
sessions_per_week = 3
uptake = 1
[[arm.intervention]]
kind = "protein"
target_g_per_kg = 2.2
uptake = 1

[[arm]]
name = "both_plateau"
[[arm.intervention]]
kind = "resistance_training"
sessions_per_week = 3
uptake = 1
[[arm.intervention]]
kind = "protein"
target_g_per_kg = 1.62
uptake = 1
"#
    );
    let (_tmp, out) = run_scenario(&trial(600, &arms), &[]);
    let d = |arm: &str| row(&out, arm, "alm_end", "difference").0;
    let (train, protein, both) = (d("training"), d("protein"), d("both"));
    // Morton 2018: protein on top of training adds fat-free mass +0.30 kg (0.09-0.52);
    // ALM carries about half: +0.04 to +0.30 kg ALM over training alone.
    let extra = both - train;
    eprintln!(
        "measured: protein on top of training {extra:.3} kg ALM, protein alone {protein:.3} kg"
    );
    assert!(
        (0.04..=0.30).contains(&extra),
        "protein on top of training adds {extra:.3} kg ALM (training {train:.3}, both {both:.3})"
    );
    // Protein alone does little in 20 weeks; together they act more than each apart.
    assert!(protein < 0.5 * extra, "protein alone {protein:.3}");
    assert!(both > train && both > protein);
    // No further gain above the plateau of 1.62 g/kg/d: 2.2 and 1.62 give the same muscle.
    assert_eq!(d("both_high"), d("both_plateau"));
}

#[test]
fn ten_days_of_bed_rest_at_time_zero_cost_what_kortebein_2007_measured() {
    let text = r#"
name = "bed rest"
seed = 8
population = 400
horizon = "10d"
step = "1d"
record_every = "10d"
[[cohort]]
name = "67"
age = { uniform = [62, 72] }
[[arm]]
name = "control"
[[arm]]
name = "bed_rest"
[[arm.intervention]]
kind = "bed_rest"
days = 10
start = "0d"
uptake = 1
"#;
    let (_tmp, out) = run_scenario(text, &[]);
    let (loss, _, _) = row(&out, "bed_rest", "alm_end", "difference");
    // Kortebein 2007 (age 67 ± 5): leg lean −0.95 kg, whole-body lean −1.5 kg in 10 days.
    eprintln!("measured: 10 days of bed rest {loss:.3} kg ALM");
    assert!((-1.5..=-0.6).contains(&loss), "ALM change {loss:.3} kg");
    let (bed, _, _) = row(&out, "bed_rest", "bed_days", "difference");
    assert!(
        (bed - 10_000.0).abs() < 300.0,
        "10 bed days per person: {bed}"
    );
}

#[test]
fn a_national_training_programme_lowers_prevalence_and_sarcopenia_years() {
    let text = r#"
name = "programme"
seed = 21
population = 1000
horizon = "8y"
step = "1m"
record_every = "2y"
[output]
trajectories = "none"
[[cohort]]
name = "70-79"
age = { uniform = [70, 80] }
[[arm]]
name = "baseline"
[[arm]]
name = "rt"
[[arm.intervention]]
kind = "resistance_training"
eligible = { age = [65, 90], sex = "any", conditions_any = [], sarcopenic = "any" }
start = "0y"
duration = "30y"
uptake = 0.6
adherence = 0.8
dropout_per_year = 0.1
sessions_per_week = 2
cost_per_year = 350
"#;
    let (_tmp, out) = run_scenario(text, &[]);
    let (dp, _, hi) = row(&out, "rt", "prevalence_end_ewgsop2", "difference");
    assert!(
        dp < 0.0 && hi < 0.0,
        "prevalence change {dp:.2} [.., {hi:.2}]"
    );
    let (dy, _, hy) = row(&out, "rt", "sarcopenia_years_ewgsop2", "difference");
    assert!(
        dy < 0.0 && hy < 0.0,
        "sarcopenia-years {dy:.1} [.., {hy:.1}]"
    );
    let (iy, _, _) = row(&out, "rt", "intervention_years", "level");
    assert!(iy > 500.0 && iy < 8000.0, "enrolled years per 1000: {iy}");
    let (ic, _, _) = row(&out, "rt", "intervention_cost", "difference");
    assert!(ic > 0.0, "the programme costs something: {ic}");
}

#[test]
fn bad_intervention_entries_are_all_reported_with_line_and_key_path() {
    let text = r#"name = "bad"
population = 10
horizon = "2y"
[[cohort]]
name = "a"
age = { uniform = [60, 70] }
[[arm]]
name = "baseline"
[[arm.intervention]]
kind = "resistence_training"
uptake = 0.5
[[arm.intervention]]
kind = "protein"
target_g_per_kg = 1.2
uptake = 1.5
[[arm.intervention]]
kind = "protein"
supplement_g_per_day = 20
start = "1y"
uptake = 0.5
[[arm.intervention]]
kind = "screening"
refer_to = "physio"
uptake = 1
"#;
    let tmp = tempfile::tempdir().unwrap();
    let s = write(tmp.path(), "bad.toml", text);
    for cmd in ["check", "run"] {
        let mut args = vec![cmd, s.to_str().unwrap()];
        let out = tmp.path().join("out");
        if cmd == "run" {
            args.extend(["--out", out.to_str().unwrap()]);
        }
        let o = sarcosim(&args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("has 4 problems"), "{e}");
        assert!(
            e.contains(
                "bad.toml:10:1: arm[0].intervention[0].kind: unknown intervention kind `resistence_training`"
            ) && e.contains("did you mean `resistance_training`?"),
            "{e}"
        );
        assert!(
            e.contains("bad.toml:15:1: arm[0].intervention[1].uptake: 1.5 is outside [0, 1]"),
            "{e}"
        );
        assert!(
            e.contains("bad.toml:19:1: arm[0].intervention[2].start: this `protein` overlaps intervention[1]"),
            "{e}"
        );
        assert!(
            e.contains("bad.toml:23:1: arm[0].intervention[3].refer_to: no intervention `physio` in this arm"),
            "{e}"
        );
        assert!(!out.exists(), "nothing written for a bad scenario");
    }
}

#[test]
fn monte_carlo_intervals_narrow_as_the_population_grows() {
    let width = |n: u32| {
        let (_tmp, out) = run_scenario(&trial(n, TRAINING), &[]);
        let (_, lo, hi) = row(&out, "training", "grip_end", "difference");
        let (_, llo, lhi) = row(&out, "control", "alm_end", "level");
        (hi - lo, lhi - llo)
    };
    let (small_d, small_l) = width(100);
    let (large_d, large_l) = width(1600);
    // Width ∝ 1/√n: 16 × the persons should give about a quarter of the width.
    assert!(
        large_d < 0.45 * small_d && large_d > 0.1 * small_d,
        "difference {small_d:.3} → {large_d:.3}"
    );
    assert!(
        large_l < 0.45 * small_l,
        "level {small_l:.3} → {large_l:.3}"
    );
}

#[test]
fn sharded_runs_compare_from_every_shard_and_report_in_three_formats() {
    let text = trial(300, TRAINING).replace("seed = 5", "seed = 5\ndraws = 2");
    let tmp = tempfile::tempdir().unwrap();
    let s = write(tmp.path(), "s.toml", &text);
    let whole = tmp.path().join("whole");
    let sharded = tmp.path().join("sharded");
    run_ok(&s, &whole, &[]);
    run_ok(&s, &sharded, &["--shard", "1/2"]);
    assert!(
        !sharded.join("comparison.parquet").exists(),
        "no comparison before every shard is complete"
    );
    run_ok(&s, &sharded, &["--shard", "0/2"]);
    let read = |d: &Path| {
        ParquetReader::new(std::fs::File::open(d.join("comparison.parquet")).unwrap())
            .finish()
            .unwrap()
    };
    let (a, b) = (read(&whole), read(&sharded));
    assert!(a.equals_missing(&b), "sharded and whole comparisons agree");
    for c in [
        "scenario", "seed", "arm", "outcome", "draw", "method", "estimate", "lower", "upper",
    ] {
        assert!(a.column(c).is_ok(), "column {c}");
    }
    // Across-draw rows (draw null) exist with draws ≥ 2.
    let (e, lo, hi) = row_of(
        &whole,
        "training",
        "alm_end",
        "difference",
        None,
        "across_draws",
    );
    assert!(lo <= e && e <= hi && e > 0.0, "{lo} {e} {hi}");

    let rep = |fmt: &str| {
        let o = sarcosim(&["report", sharded.to_str().unwrap(), "--format", fmt]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let csv = rep("csv");
    assert!(csv.starts_with("scenario,seed,arm,baseline,outcome"));
    assert_eq!(csv.lines().count(), a.height() + 1);
    let json: serde_json::Value = serde_json::from_str(&rep("json")).unwrap();
    assert_eq!(json["baseline"], "control");
    assert_eq!(json["rows"].as_array().unwrap().len(), a.height());
    let md = rep("markdown");
    assert!(md.contains("| outcome | unit | training |"), "{md}");
    assert!(md.contains("across parameter draws 1..2"), "{md}");
    let text = stdout(&report(&sharded));
    assert!(text.contains("Difference vs `control`"), "{text}");
}

#[test]
fn screening_refers_only_those_found_sarcopenic() {
    let text = r#"
name = "screen"
seed = 2
population = 400
horizon = "2y"
step = "1m"
record_every = "1y"
[output]
trajectories = "none"
[[cohort]]
name = "75-85"
age = { uniform = [75, 85] }
[[arm]]
name = "baseline"
[[arm]]
name = "screen"
[[arm.intervention]]
kind = "screening"
every = "1y"
definition = "ewgsop2_probable"
refer_to = "resistance_training"
uptake = 1
cost_per_test = 50
[[arm.intervention]]
kind = "resistance_training"
uptake = 1
[[arm]]
name = "everyone"
[[arm.intervention]]
kind = "resistance_training"
uptake = 1
"#;
    let (_tmp, out) = run_scenario(text, &[]);
    let df = read_table(&out, "outcomes");
    let arm = |a: &str| {
        df.clone()
            .lazy()
            .filter(col("partition").eq(lit(format!("outcomes/arm={a}/draw=0"))))
            .collect()
            .unwrap()
    };
    let (screen, everyone) = (arm("screen"), arm("everyone"));
    // Persons that trained in the screening arm were probable-sarcopenic at a test.
    let trained = |d: &DataFrame| {
        d.column("intervention_cost")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect::<Vec<_>>()
    };
    let tests_only = trained(&screen).iter().filter(|c| **c > 0.0).count();
    assert!(tests_only > 300, "everyone screened: {tests_only}");
    let (s_years, _, _) = row(&out, "screen", "intervention_years", "level");
    let (e_years, _, _) = row(&out, "everyone", "intervention_years", "level");
    assert!(
        s_years > 0.0 && s_years < e_years,
        "screen-and-refer {s_years} < universal {e_years}"
    );
    assert_eq!(everyone.height(), screen.height());
}

#[test]
fn every_shipped_scenario_checks_and_the_strategy_scenarios_compare_five_and_two_arms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "toml") {
            let o = sarcosim(&["check", p.to_str().unwrap()]);
            assert!(o.status.success(), "{}: {}", p.display(), stderr(&o));
        }
    }
    let arms = |f: &str| {
        let o = sarcosim(&["check", dir.join(f).to_str().unwrap()]);
        stdout(&o).lines().filter(|l| l.starts_with("arm ")).count()
    };
    assert_eq!(arms("strategies-65plus.toml"), 5);
    assert_eq!(arms("hospital-mobility.toml"), 2);
}

/// A 10-year training programme in 70-79-year-olds with comparison checkpoints.
fn programme(population: u32, comparison: &str) -> String {
    format!(
        r#"
name = "checkpoints"
seed = 21
population = {population}
horizon = "10y"
step = "1m"
record_every = "5y"
[output]
trajectories = "none"
{comparison}
[[cohort]]
name = "70-79"
age = {{ uniform = [70, 80] }}
[[arm]]
name = "baseline"
[[arm]]
name = "rt"
[[arm.intervention]]
kind = "resistance_training"
uptake = 0.8
adherence = 0.9
sessions_per_week = 3
cost_per_year = 350
"#
    )
}

#[test]
fn training_lowers_the_alive_and_sarcopenic_share_at_chosen_times_and_ages() {
    let text = programme(1200, "[comparison]\ntimes = [\"5y\", \"10y\"]\nages = [75]");
    let (_tmp, out) = run_scenario(&text, &[]);
    // Burden (alive and sarcopenic, % of persons followed) and prevalence among survivors.
    for outcome in [
        "burden_ewgsop2_at_10y",
        "prevalence_ewgsop2_at_10y",
        "burden_ewgsop2_at_5y",
        "burden_awgs_at_10y",
        "burden_ewgsop2_at_age_75",
    ] {
        let (d, lo, hi) = row(&out, "rt", outcome, "difference");
        assert!(
            d < 0.0 && lo < d && hi < 0.0,
            "{outcome}: {d:.2} [{lo:.2}, {hi:.2}]"
        );
    }
    // The levels are shares in % (a fraction would be below 1), and NNT inverts the
    // avoided share.
    let (base, _, _) = row(&out, "baseline", "burden_ewgsop2_at_10y", "level");
    assert!(base > 1.0 && base < 60.0, "baseline burden at 10y {base}");
    let (d, dlo, dhi) = row(&out, "rt", "burden_ewgsop2_at_10y", "difference");
    let (nnt, nlo, nhi) = row(&out, "rt", "nnt_ewgsop2_at_10y", "difference");
    assert!((nnt - 100.0 / -d).abs() < 1e-9, "nnt {nnt} vs Δ {d}");
    assert!((nlo - 100.0 / -dlo).abs() < 1e-6 && (nhi - 100.0 / -dhi).abs() < 1e-6);
    // The same burden at the horizon two ways: the checkpoint "10y" and the end columns.
    let (p10, _, _) = row(&out, "rt", "prevalence_ewgsop2_at_10y", "level");
    let (pend, _, _) = row(&out, "rt", "prevalence_end_ewgsop2", "level");
    assert!((p10 - pend).abs() < 1e-9, "{p10} vs {pend}");
    // Per person: age 75 is followed only for those who started at most 75 (null
    // otherwise), and a person alive and sarcopenic is alive.
    let df = read_table(&out, "outcomes");
    let start = df.column("start_age").unwrap().f64().unwrap().clone();
    let alive75 = df
        .column("alive_at_age_75")
        .unwrap()
        .bool()
        .unwrap()
        .clone();
    let sarc10 = df.column("ewgsop2_at_10y").unwrap().bool().unwrap().clone();
    let alive10 = df.column("alive_at_10y").unwrap().bool().unwrap().clone();
    for i in 0..df.height() {
        let a = start.get(i).unwrap();
        assert_eq!(alive75.get(i).is_some(), a <= 75.0, "start age {a}");
        assert!(alive10.get(i).is_some(), "every person is followed to 10y");
        if sarc10.get(i) == Some(true) {
            assert_eq!(alive10.get(i), Some(true));
        }
    }
    let report = sarcosim(&["report", out.to_str().unwrap()]);
    let text = stdout(&report);
    assert!(
        text.contains("burden_ewgsop2_at_age_75") && text.contains("nnt_awgs_at_5y"),
        "{text}"
    );
}

#[test]
fn bad_comparison_checkpoints_are_reported_with_line_and_key_path() {
    let text = programme(
        10,
        "[comparison]\ntimes = [\"5y\", \"11y\", \"soon\", \"5y\"]\nages = [75, 200]",
    );
    let tmp = tempfile::tempdir().unwrap();
    let s = write(tmp.path(), "bad.toml", &text);
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("has 4 problems"), "{e}");
    for want in [
        "bad.toml:11:16: comparison.times[1]: `11y` is beyond the horizon `10y`",
        "comparison.times[2]: `soon` is not a duration",
        "comparison.times[3]: `5y` is given twice",
        "bad.toml:12:13: comparison.ages[1]: 200 is not an age in [18, 110]",
    ] {
        assert!(e.contains(want), "missing `{want}` in\n{e}");
    }
}

#[test]
fn the_icer_has_a_fieller_interval_around_it_that_narrows_with_the_population() {
    let icer = |n: u32| {
        // A programme dear enough that its net cost is clearly positive: the ICER then
        // lies in the north-east quadrant whatever the calibration (at 350/yr the
        // programme can be cost-saving, and a dominant arm has no ratio to bound).
        let text = programme(n, "").replace("cost_per_year = 350", "cost_per_year = 3000");
        let (_tmp, out) = run_scenario(&text, &[]);
        let r = row_of(
            &out,
            "rt",
            "icer",
            "difference",
            Some(0),
            "monte_carlo_fieller",
        );
        // The default checkpoint of a 10-year run is its end.
        row(&out, "rt", "burden_ewgsop2_at_10y", "difference");
        r
    };
    let (e1, lo1, hi1) = icer(200);
    let (e2, lo2, hi2) = icer(1600);
    for (e, lo, hi) in [(e1, lo1, hi1), (e2, lo2, hi2)] {
        assert!(
            e > 0.0 && lo < e && e < hi,
            "ICER {e:.0} [{lo:.0}, {hi:.0}]"
        );
    }
    // 8 × the persons: about 1/√8 ≈ 0.35 of the width.
    let (w1, w2) = (hi1 - lo1, hi2 - lo2);
    assert!(w2 < 0.6 * w1, "width {w1:.0} → {w2:.0}");
}

#[test]
fn economic_inputs_vary_across_draws_but_not_in_draw_zero() {
    let run = |vary: bool| {
        let text = programme(120, &format!("[economics]\nvary_in_draws = {vary}"))
            .replace("seed = 21", "seed = 21\ndraws = 6")
            .replace("horizon = \"10y\"", "horizon = \"4y\"");
        run_scenario(&text, &[])
    };
    let (_t1, on) = run(true);
    let (_t2, off) = run(false);
    let part = |dir: &Path, draw: u32, c: &str| -> Vec<f64> {
        let df = sorted(&read_table(dir, "outcomes"));
        let key = format!("arm=rt/draw={draw}");
        let parts = df.column("partition").unwrap().str().unwrap().clone();
        let values = df.column(c).unwrap().f64().unwrap().clone();
        (0..df.height())
            .filter(|i| parts.get(*i).unwrap().ends_with(&key))
            .map(|i| values.get(i).unwrap())
            .collect()
    };
    // Draw 0 holds the central values either way; draws 1.. sample utilities and costs,
    // on top of the same model parameters (their streams are separate).
    for c in ["qalys", "cost", "years_lived"] {
        assert_eq!(part(&on, 0, c), part(&off, 0, c), "{c} in draw 0");
    }
    for d in 1..=6 {
        assert_eq!(part(&on, d, "years_lived"), part(&off, d, "years_lived"));
        assert_ne!(part(&on, d, "qalys"), part(&off, d, "qalys"), "draw {d}");
        assert_ne!(part(&on, d, "cost"), part(&off, d, "cost"), "draw {d}");
    }
    // So the across-draw interval of the QALYs reflects the utilities' uncertainty.
    let width = |dir: &Path| {
        let (_, lo, hi) = row_of(dir, "rt", "qalys", "level", None, "across_draws");
        hi - lo
    };
    assert!(
        width(&on) > 2.0 * width(&off),
        "{} vs {}",
        width(&on),
        width(&off)
    );
}

/// The comparison reads `[economics]` and the checkpoints back from the manifest strictly:
/// a missing or unknown field is an error naming the field and the file, never a default
/// (a drifted schema once made the willingness to pay silently 50,000).
#[test]
fn a_drifted_manifest_economics_or_checkpoints_is_an_error_not_a_default() {
    let tmp = tempfile::tempdir().unwrap();
    let text = trial(30, TRAINING).replace(
        "[output]",
        "[economics]\nwillingness_to_pay = 20000\n[output]",
    );
    let scenario = write(tmp.path(), "trial.toml", &text);
    let out = tmp.path().join("out");
    run_ok(&scenario, &out, &[]);
    let path = out.join("manifest.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let csv = stdout(&sarcosim(&[
        "report",
        out.to_str().unwrap(),
        "--format",
        "csv",
    ]));
    assert!(csv.contains("prob_cost_effective"), "{csv}");
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut m: serde_json::Value = serde_json::from_str(&original).unwrap();
        f(&mut m["scenario_resolved"]);
        std::fs::write(&path, serde_json::to_string(&m).unwrap()).unwrap();
        sarcosim(&["report", out.to_str().unwrap(), "--format", "csv"])
    };
    type Change<'a> = &'a dyn Fn(&mut serde_json::Value);
    let cases: [(Change, &str, &str); 4] = [
        (
            &|s| {
                s["economics"]
                    .as_object_mut()
                    .unwrap()
                    .remove("willingness_to_pay");
            },
            "scenario_resolved.economics",
            "missing field `willingness_to_pay`",
        ),
        (
            &|s| {
                let e = s["economics"].as_object_mut().unwrap();
                let v = e.remove("willingness_to_pay").unwrap();
                e.insert("wtp".into(), v);
            },
            "scenario_resolved.economics",
            "unknown field `wtp`",
        ),
        (
            &|s| {
                s.as_object_mut().unwrap().remove("checkpoints");
            },
            "scenario_resolved.checkpoints",
            "is missing",
        ),
        (
            &|s| s["checkpoints"][0]["when"] = serde_json::json!(1),
            "scenario_resolved.checkpoints",
            "unknown field `when`",
        ),
    ];
    for (change, field, what) in cases {
        let o = edit(change);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{e}");
        assert!(e.contains(field) && e.contains(what), "{e}");
        assert!(e.contains(path.to_str().unwrap()), "names the file: {e}");
        assert!(stdout(&o).is_empty(), "nothing printed");
    }
}
