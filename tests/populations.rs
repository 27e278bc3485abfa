//! Populations other than the default: shipped life tables are followed (construction
//! check by decade and sex), mortality improves when asked, bad tables are refused with
//! the file, line and column (exit 2, nothing written), and a reference population sets
//! the starting body (`reference_population`).

mod common;
use common::*;
use sarcosim::model::life_table::{self, LifeTable, FIRST_AGE};
use sarcosim::model::{Model, Modifiers, Person, Streams};
use sarcosim::params::Params;
use sarcosim::population;
use sarcosim::reference;
use sarcosim::scenario::mortality::Mortality;

/// Persons per sex of the simulated 50-year-olds (24,000: the smallest cell of the
/// construction check below then holds ≈ 600 expected deaths).
const PER_SEX: u64 = 24_000;

fn model_on(table: &LifeTable, improvement: f64) -> Model {
    let m = Mortality {
        life_table: table.clone(),
        improvement_per_year: improvement,
    };
    reference::calibrated_model_for(Params::central(), "1m".parse().unwrap(), &m)
}

/// Deaths and persons at risk by single year of age from 50, by sex, of 50-year-olds of
/// the reference cohort followed `years` years (monthly steps).
fn follow(model: &Model, years: usize) -> ([[u32; 2]; 111], [[u32; 2]; 111]) {
    let c = reference::reference_cohort();
    let mut ps: Vec<(Person, Streams)> = (0..2 * PER_SEX)
        .map(|id| {
            let id = 2_000_000 + id;
            (
                population::sample_person(id, 0, &c, model, 5, 0),
                Streams::new(5, 0, id),
            )
        })
        .collect();
    let (mut deaths, mut at_risk) = ([[0u32; 2]; 111], [[0u32; 2]; 111]);
    for year in 0..years {
        let age = FIRST_AGE + year;
        for (p, s) in ps.iter_mut().filter(|(p, _)| p.alive) {
            let sex = usize::from(p.female);
            at_risk[age][sex] += 1;
            for _ in 0..12 {
                if model.step(p, s, &Modifiers::NONE).died {
                    deaths[age][sex] += 1;
                    break;
                }
            }
        }
    }
    (deaths, at_risk)
}

/// Observed ÷ expected deaths by decade (50-59, 60-69, 70-79) and sex against `table`.
fn ratios(
    deaths: &[[u32; 2]; 111],
    at_risk: &[[u32; 2]; 111],
    table: &LifeTable,
) -> Vec<(usize, usize, f64)> {
    let mut out = Vec::new();
    for lo in [50, 60, 70] {
        for sex in 0..2 {
            let d: u32 = (lo..lo + 10).map(|a| deaths[a][sex]).sum();
            let e: f64 = (lo..lo + 10)
                .map(|a| f64::from(at_risk[a][sex]) * table.qx_at(sex == 1, a).unwrap())
                .sum();
            out.push((lo, sex, f64::from(d) / e));
        }
    }
    out
}

/// Construction check: a population calibrated to each shipped table dies at that
/// table's rates. Tolerance ±15 %: the smallest cell (women 50-59 of the England & Wales
/// table, ≈ 600 expected deaths of 24,000) has a Poisson SD of ≈ 4 % (±15 % ≈ 3.7 SD; with
/// 6,000 persons it was ≈ 8 %, and a change of random numbers alone moved that cell from
/// 0.88 to 1.15), and the baseline is rescaled on a separate 8,000-person reference
/// population.
#[test]
fn each_shipped_life_table_is_followed_by_decade_and_sex() {
    for name in life_table::shipped_names() {
        let table = life_table::shipped(name).unwrap();
        let (deaths, at_risk) = follow(&model_on(table, 0.0), 30);
        for (lo, sex, r) in ratios(&deaths, &at_risk, table) {
            eprintln!("{name} {lo}-{} sex {sex}: observed/expected {r:.3}", lo + 9);
            assert!(
                (0.85..=1.15).contains(&r),
                "{name}: ages {lo}-{} sex {sex}: observed/expected {r:.3}",
                lo + 9
            );
        }
    }
}

/// Remaining life expectancy at `age` from a table's force of mortality (deaths at
/// mid-year; persons still alive at the table's last age carried by its last rate).
fn life_expectancy(table: &LifeTable, female: bool, age: usize) -> f64 {
    let mu = table.hazard()[usize::from(female)];
    let (mut alive, mut years) = (1.0, 0.0);
    for a in age..age + 80 {
        let q = 1.0 - (-mu[a.min(life_table::MAX_AGE)]).exp();
        years += alive * (1.0 - q / 2.0);
        alive *= 1.0 - q;
    }
    years
}

/// `japan-2020` reproduces the MHLW summary of 第23回生命表 (2020): e65 and e75 of men
/// 19.97 / 12.54 and women 24.88 / 16.22 years, within 0.02 years (the summary's rounding
/// and the reconstruction's smoothing, docs/model.md).
#[test]
fn the_japanese_table_reproduces_the_mhlw_life_expectancies() {
    let table = life_table::shipped("japan-2020").unwrap();
    for (female, age, published) in [
        (false, 65, 19.97),
        (false, 75, 12.54),
        (true, 65, 24.88),
        (true, 75, 16.22),
    ] {
        let e = life_expectancy(table, female, age);
        assert!(
            (e - published).abs() <= 0.02,
            "female {female}: e{age} {e:.3} vs MHLW {published}"
        );
    }
}

/// The check can fail: deaths of a population following England & Wales are far from the
/// US table (E&W qx are about half the US values at 50-69).
#[test]
fn deaths_under_one_table_do_not_match_another() {
    let ons = life_table::shipped("ons-ew-2016-2018").unwrap();
    let (deaths, at_risk) = follow(&model_on(ons, 0.0), 20);
    let us = life_table::default_table();
    for (lo, sex, r) in ratios(&deaths, &at_risk, us)
        .into_iter()
        .filter(|x| x.0 < 70)
    {
        assert!(
            r < 0.8,
            "ages {lo}+ sex {sex}: E&W deaths / US table {r:.3}"
        );
    }
}

/// With improvement r per year, the hazard after t years is (1 − r)^t of the table's: over
/// 50-69 deaths fall by about the mean factor of years 0-19 (≈ 0.83 at r = 0.02).
#[test]
fn mortality_improvement_lowers_deaths_by_its_factor() {
    let table = life_table::default_table();
    let (d0, _) = follow(&model_on(table, 0.0), 20);
    let (d1, _) = follow(&model_on(table, 0.02), 20);
    let total = |d: &[[u32; 2]; 111]| -> f64 { d.iter().flatten().map(|&x| f64::from(x)).sum() };
    let ratio = total(&d1) / total(&d0);
    assert!(
        (0.75..=0.9).contains(&ratio),
        "deaths with 2 %/yr improvement ÷ without: {ratio:.3}"
    );
}

fn scenario_with(dir: &std::path::Path, mortality: &str) -> std::path::PathBuf {
    write(
        dir,
        "s.toml",
        &format!("{SMALL}\n[mortality]\n{mortality}\n"),
    )
}

#[test]
fn a_scenario_names_a_shipped_table_or_a_csv_file() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let s = scenario_with(
        dir,
        "life_table = \"ons-ew-2016-2018\"\nimprovement_per_year = 0.01",
    );
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("life table ons-ew-2016-2018"),
        "{}",
        stdout(&o)
    );
    // The same numbers from a file: accepted, and the run differs from the default's.
    let csv = std::fs::read_to_string("data/life_tables/ons-ew-2016-2018.csv").unwrap();
    write(dir, "ew.csv", &csv);
    let s = scenario_with(dir, "life_table = \"ew.csv\"");
    run_ok(&s, &dir.join("file"), &["--population", "2000"]);
    let default = write(dir, "d.toml", SMALL);
    run_ok(&default, &dir.join("default"), &["--population", "2000"]);
    let deaths = |out: &str| -> f64 {
        let df = read_table(&dir.join(out), "summary");
        let c = df
            .column("deaths")
            .unwrap()
            .cast(&polars::prelude::DataType::Float64)
            .unwrap();
        let c = c.f64().unwrap();
        (0..c.len()).filter_map(|i| c.get(i)).sum::<f64>()
    };
    let (ew, us) = (deaths("file"), deaths("default"));
    assert!(
        ew < 0.8 * us,
        "deaths in 6 years from 60-69: E&W {ew}, US {us}"
    );
}

#[test]
fn bad_tables_are_refused_with_file_line_and_column() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let body: String = (50..=90).map(|a| format!("{a},0.01,0.008\n")).collect();
    let bad = body.replacen("70,0.01,0.008", "70,0.01,x", 1);
    write(
        dir,
        "bad.csv",
        &format!("# mine\nage,qx_male,qx_female\n{bad}"),
    );
    let s = scenario_with(dir, "life_table = \"bad.csv\"");
    let out = dir.join("out");
    let o = run_args(&s, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("bad.csv:23: column `female`: `x` is not a number"),
        "{e}"
    );
    assert!(e.contains("mortality.life_table"), "{e}");
    assert!(!out.exists(), "nothing written");
    let s = scenario_with(dir, "life_table = \"us-ssa-2012\"");
    let e = stderr(&sarcosim(&["check", s.to_str().unwrap()]));
    assert!(e.contains("no shipped life table `us-ssa-2012`"), "{e}");
    assert!(e.contains("us-ssa-2021, ons-ew-2016-2018"), "{e}");
    let s = scenario_with(dir, "improvement_per_year = -0.01");
    assert_eq!(
        sarcosim(&["check", s.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

/// A scenario of 30-year-olds of one sex with these top-level lines.
fn thirty_year_olds(extra: &str, female: f64) -> sarcosim::scenario::Scenario {
    let text = format!(
        "name = \"r\"\npopulation = 10\nhorizon = \"1y\"\n{extra}\n[[cohort]]\nname = \"a\"\n\
         female = {female}\nage = {{ fixed = 30 }}\n[[arm]]\nname = \"baseline\"\n"
    );
    sarcosim::scenario::Scenario::from_bytes(text.as_bytes(), "r.toml").unwrap()
}

/// Mean height and ALM/height² at the start of `n` persons of the scenario.
fn mean_body(s: &sarcosim::scenario::Scenario, n: u64) -> (f64, f64) {
    let model = reference::calibrated_model_for(s.params(), s.step, &s.mortality);
    let people: Vec<Person> = (0..n)
        .map(|id| population::sample(id, &s.cohorts, &model, s.seed, 0))
        .collect();
    let mean = |f: &dyn Fn(&Person) -> f64| people.iter().map(f).sum::<f64>() / n as f64;
    (mean(&|p| p.height), mean(&|p| p.alm_index()))
}

/// The East-Asian reference moves 30-year-olds' height to its mean (the sampling error of
/// 4,000 persons is 0.07/√4000 ≈ 0.0011 m: 4 SE allowed) and lowers their ALM/height²;
/// `[parameters]` still wins over the reference.
#[test]
fn a_reference_population_sets_the_starting_body() {
    let n = 4_000;
    let se = 0.07 / (n as f64).sqrt();
    let west = thirty_year_olds("", 0.0);
    let east = thirty_year_olds("reference_population = \"east-asian\"", 0.0);
    assert_eq!(west.params().get("population.almi_young_m"), Some(8.81));
    assert_eq!(east.params().get("population.almi_young_m"), Some(8.67));
    let (h_west, almi_west) = mean_body(&west, n);
    let (h_east, almi_east) = mean_body(&east, n);
    assert!((h_west - 1.76).abs() < 4.0 * se, "{h_west}");
    assert!((h_east - 1.715).abs() < 4.0 * se, "{h_east}");
    assert!(almi_east < almi_west - 0.05, "{almi_east} vs {almi_west}");
    let pinned = thirty_year_olds(
        "reference_population = \"east-asian\"\n[parameters]\n\"population.height_mean_m\" = 1.80",
        0.0,
    );
    assert_eq!(pinned.params().get("population.height_mean_m"), Some(1.80));
    assert_eq!(pinned.params().get("population.almi_young_m"), Some(8.67));
    assert_ne!(west.fingerprint(), east.fingerprint());
    let named = thirty_year_olds("reference_population = \"western\"", 0.0);
    assert_eq!(
        west.fingerprint(),
        named.fingerprint(),
        "the default is the default"
    );
}

#[test]
fn an_unknown_reference_population_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = write(
        t.path(),
        "s.toml",
        &SMALL.replace("seed = 11", "seed = 11\nreference_population = \"martian\""),
    );
    let o = sarcosim(&["check", s.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("s.toml:4:1: reference_population: no reference population `martian`"),
        "{e}"
    );
    assert!(e.contains("western, east-asian"), "{e}");
}
