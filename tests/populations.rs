//! Populations other than the default: shipped life tables are followed (construction
//! check by decade and sex), mortality improves when asked, bad tables are refused with
//! the file, line and column (exit 2, nothing written), a reference population sets
//! the starting body (`reference_population`) and the reference cohort the baseline is
//! calibrated on (`[mortality] reference_cohort`).

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
        ..Mortality::default()
    };
    reference::calibrated_model_for(Params::central(), "1m".parse().unwrap(), &m)
}

/// Deaths and persons at risk by single year of age from 50, by sex, of 50-year-olds of
/// the reference cohort followed `years` years (monthly steps).
fn follow(model: &Model, years: usize) -> ([[u32; 2]; 111], [[u32; 2]; 111]) {
    let (deaths, at_risk, _) = follow_cohorts(model, &[reference::reference_cohort()], years);
    (deaths, at_risk)
}

/// Prevalence of each condition among the survivors of each sex at one age.
type Prevalence = [[f64; 5]; 2];

/// [`follow`] for 50-year-olds drawn from `cohorts` (by share); also the survivors'
/// condition prevalence at 60.
fn follow_cohorts(
    model: &Model,
    cohorts: &[sarcosim::scenario::Cohort],
    years: usize,
) -> ([[u32; 2]; 111], [[u32; 2]; 111], Prevalence) {
    let mut ps: Vec<(Person, Streams)> = (0..2 * PER_SEX)
        .map(|id| {
            let id = 2_000_000 + id;
            (
                population::sample(id, cohorts, model, 5, 0),
                Streams::new(5, 0, id),
            )
        })
        .collect();
    let (mut deaths, mut at_risk) = ([[0u32; 2]; 111], [[0u32; 2]; 111]);
    let mut at60 = [[0.0; 5]; 2];
    for year in 0..years {
        let age = FIRST_AGE + year;
        for (p, s) in ps.iter_mut().filter(|(p, _)| p.alive) {
            let sex = usize::from(p.female);
            at_risk[age][sex] += 1;
            if age == 60 {
                for (c, n) in at60[sex].iter_mut().enumerate() {
                    *n += f64::from(u8::from(p.has(c)));
                }
            }
            for _ in 0..12 {
                if model.step(p, s, &Modifiers::NONE).died {
                    deaths[age][sex] += 1;
                    break;
                }
            }
        }
    }
    for (sex, row) in at60.iter_mut().enumerate() {
        for n in row.iter_mut() {
            *n /= f64::from(at_risk[60][sex].max(1));
        }
    }
    (deaths, at_risk, at60)
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

/// The structure of the calibration outside the default: an East-Asian scenario on the
/// Japanese table calibrates on the Japanese reference cohort, and 50-year-olds drawn from
/// that cohort die at the table's rates (±15 % by decade and sex, as above). Prints the
/// survivors' condition prevalence at 60: what the population the table describes carries
/// at 60 under the model's incidences.
#[test]
fn the_japanese_reference_cohort_dies_at_the_japanese_table() {
    let s = thirty_year_olds(
        "reference_population = \"east-asian\"\n[mortality]\nlife_table = \"japan-2020\"",
        0.0,
    );
    assert_eq!(s.mortality.reference_cohort.name, "japan");
    let model = reference::calibrated_model_for(s.params(), s.step, &s.mortality);
    let (deaths, at_risk, at60) = follow_cohorts(&model, &s.mortality.reference_cohort.cohorts, 30);
    eprintln!(
        "prevalence at 60 (diabetes, ckd, copd, heart failure, cancer): men {:.3?}, women {:.3?}",
        at60[0], at60[1]
    );
    // The non-US validation design enters at 60 with these prevalences (the population the
    // table describes at 60): its file must follow them (4 binomial SE, plus rounding).
    let design = sarcosim::scenario::Scenario::from_file(std::path::Path::new(
        "scenarios/validation/east-asian-from-60.toml",
    ))
    .unwrap();
    for c in &design.cohorts {
        let sex = usize::from(c.female == 1.0);
        let n = f64::from(at_risk[60][sex]);
        for (i, (&given, &model)) in c.conditions.iter().zip(&at60[sex]).enumerate() {
            let se = (model * (1.0 - model) / n).sqrt();
            assert!(
                (given - model).abs() <= 4.0 * se + 0.0005,
                "{}: condition {i}: the design gives {given}, the reference survivors at 60 \
                 carry {model:.4} (update scenarios/validation/east-asian-from-60.toml)",
                c.name
            );
        }
    }
    for (lo, sex, r) in ratios(&deaths, &at_risk, &s.mortality.life_table) {
        eprintln!(
            "japan cohort {lo}-{} sex {sex}: observed/expected {r:.3}",
            lo + 9
        );
        assert!(
            (0.85..=1.15).contains(&r),
            "ages {lo}-{} sex {sex}: observed/expected {r:.3}",
            lo + 9
        );
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

/// The reference cohort follows the scenario's population: an East-Asian scenario
/// calibrates on the Japanese cohort (leaner, less diabetes), a western one (named or not)
/// on the default cohort, whose scenario fingerprint is unchanged; `[mortality]
/// reference_cohort` overrides the population's choice, by name or described.
#[test]
fn the_reference_cohort_follows_the_scenario_population() {
    use sarcosim::scenario::mortality::ReferenceCohort;
    let west = thirty_year_olds("", 0.0);
    let named_west = thirty_year_olds("reference_population = \"western\"", 0.0);
    let east = thirty_year_olds("reference_population = \"east-asian\"", 0.0);
    assert_eq!(west.mortality, Mortality::default());
    assert!(west.mortality.reference_cohort.is_default());
    assert_eq!(west.mortality.reference_cohort.name, "western");
    assert_eq!(west.fingerprint(), named_west.fingerprint());
    let c = &west.mortality.reference_cohort.cohorts;
    assert_eq!(c.len(), 1);
    assert_eq!(
        format!("{:?}", c[0]),
        format!("{:?}", reference::reference_cohort()),
        "the default cohort is the one calibrated on before the key existed"
    );
    let japan = &east.mortality.reference_cohort;
    assert_eq!(japan.name, "japan");
    assert_ne!(*japan, west.mortality.reference_cohort);
    assert_eq!(japan.cohorts.len(), 2);
    assert_ne!(west.fingerprint(), east.fingerprint());
    // Its 50-year-olds are leaner, so the calibration differs.
    let p = Params::central();
    let table = life_table::default_table();
    assert_ne!(
        reference::calibrate_on(&p, table, japan),
        reference::calibrate_on(&p, table, &west.mortality.reference_cohort)
    );
    // Named explicitly, it overrides the population's choice (both ways).
    let back = thirty_year_olds(
        "reference_population = \"east-asian\"\n[mortality]\nreference_cohort = \"western\"",
        0.0,
    );
    assert!(back.mortality.reference_cohort.is_default());
    let jp = thirty_year_olds("[mortality]\nreference_cohort = \"japan\"", 0.0);
    assert_eq!(jp.mortality.reference_cohort, *japan);
    // Described: one table or several, age 50 by default, shares normalised.
    let one = thirty_year_olds(
        "[mortality.reference_cohort]\nname = \"all at 50\"\n\
         bmi = { normal = { mean = 25, sd = 4, min = 15, max = 45 } }\n\
         conditions = { diabetes = 0.08 }",
        0.0,
    );
    let r = &one.mortality.reference_cohort;
    assert_eq!(r.name, ReferenceCohort::DESCRIBED);
    assert_eq!(r.cohorts.len(), 1);
    assert_eq!(r.cohorts[0].age, sarcosim::scenario::Dist::Fixed(50.0));
    assert_eq!(r.cohorts[0].conditions, [0.08, 0.0, 0.0, 0.0, 0.0]);
    let two = thirty_year_olds(
        "[[mortality.reference_cohort]]\nname = \"m\"\nfemale = 0\nshare = 3\n\
         [[mortality.reference_cohort]]\nname = \"w\"\nfemale = 1\nshare = 1\nage = { fixed = 50 }",
        0.0,
    );
    let shares: Vec<f64> = two
        .mortality
        .reference_cohort
        .cohorts
        .iter()
        .map(|c| c.share)
        .collect();
    assert_eq!(shares, [0.75, 0.25]);
    assert!(
        sarcosim::scenario::describe(&two).contains("reference cohort described in the scenario")
    );
}

/// Every problem of `[mortality] reference_cohort` names its line and key; exit 2.
#[test]
fn a_bad_reference_cohort_is_refused_with_line_and_key() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let check = |mortality: &str| {
        let s = scenario_with(dir, mortality);
        let o = sarcosim(&["check", s.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{mortality}: {}", stdout(&o));
        stderr(&o)
    };
    // SMALL ends on its line 19 (line 1 is empty); `[mortality]` is line 21.
    let e = check("reference_cohort = \"martian\"");
    assert!(
        e.contains(
            "s.toml:22:1: mortality.reference_cohort: no shipped reference cohort `martian`"
        ),
        "{e}"
    );
    assert!(e.contains("western, japan"), "{e}");
    let e = check("reference_cohort = 3");
    assert!(e.contains("mortality.reference_cohort"), "{e}");
    assert!(e.contains("s.toml:22"), "{e}");
    let e = check(
        "[[mortality.reference_cohort]]\nname = \"a\"\nage = { fixed = 60 }\nbmii = 3\n\
         conditions = { diabetes = 1.5 }\nfrom = \"people.csv\"",
    );
    for want in [
        "s.toml:24:1: mortality.reference_cohort[0].age: a reference cohort is the table's 50-year-olds",
        "s.toml:25:1: mortality.reference_cohort[0].bmii: unknown key",
        "did you mean `bmi`?",
        "mortality.reference_cohort[0].conditions.diabetes",
        "s.toml:27:1: mortality.reference_cohort[0].from",
    ] {
        assert!(e.contains(want), "{want}\n{e}");
    }
    let e = check("[mortality.reference_cohort]\nfemale = 0.5");
    assert!(
        e.contains("mortality.reference_cohort.name: missing"),
        "{e}"
    );
}

/// The BMI mortality gradient (`mortality.bmi_hr_per_5`, Global BMI Mortality
/// Collaboration 2016) changes who dies, not how many: 50-year-olds of the reference
/// cohort followed 30 years die at the life table's rates with it and without it (all
/// deaths 50-79 by sex within ±10 %: ≈ 1,000 or more expected deaths per sex, Poisson SD
/// ≈ 3 %), and the survivors at 80 are lighter with it (mean BMI at least 0.3 kg/m² lower:
/// the same persons and random streams, so the difference is the selection).
#[test]
fn the_bmi_gradient_thins_heavy_persons_and_keeps_the_table() {
    let mut flat = Params::central();
    assert!(flat.set("mortality.bmi_hr_per_5", 1.0));
    let step = "1m".parse().unwrap();
    let table = life_table::default_table();
    let run = |model: &Model| {
        let cohorts = [reference::reference_cohort()];
        let (mut deaths, mut expected) = ([0u32; 2], [0.0; 2]);
        let (mut bmi_sum, mut survivors) = (0.0, 0u32);
        for id in 0..8_000u64 {
            let id = 3_000_000 + id;
            let mut p = population::sample(id, &cohorts, model, 5, 0);
            let mut s = Streams::new(5, 0, id);
            let sex = usize::from(p.female);
            'life: for year in 0..30 {
                expected[sex] += table.qx_at(p.female, FIRST_AGE + year).unwrap();
                for _ in 0..12 {
                    if model.step(&mut p, &mut s, &Modifiers::NONE).died {
                        deaths[sex] += 1;
                        break 'life;
                    }
                }
            }
            if p.alive {
                bmi_sum += p.bmi();
                survivors += 1;
            }
        }
        for sex in 0..2 {
            let r = f64::from(deaths[sex]) / expected[sex];
            eprintln!(
                "bmi_hr_per_5 {}: sex {sex} deaths 50-79 observed/expected {r:.3}",
                model.params.bmi_hr_per_5
            );
            assert!(
                (0.9..=1.1).contains(&r),
                "sex {sex}: observed/expected {r:.3}"
            );
        }
        bmi_sum / f64::from(survivors)
    };
    let with = run(&reference::calibrated_model(Params::central(), step));
    let without = run(&reference::calibrated_model(flat, step));
    eprintln!("survivors' mean BMI at 80: {with:.2} with the gradient, {without:.2} without");
    assert!(with < without - 0.3, "with {with:.2}, without {without:.2}");
}

/// The starting ALM/height² rises with BMI by `population.almi_per_bmi` at every age and
/// sex (`population::mean_almi`), and the SD at a given BMI is Gould 2013's total SD at the
/// young reference (men 0.93, women 0.77 kg/m²) less the part BMI explains with a BMI SD of
/// 4.5, as the table's sources state: a new slope must bring its SDs with it.
#[test]
fn mean_almi_rises_with_bmi_by_the_table_slope_and_the_sds_add_up() {
    let p = Params::central();
    let model = reference::calibrated_model(p.clone(), "1m".parse().unwrap());
    for female in [false, true] {
        for age in [30.0, 50.0, 70.0, 85.0] {
            let rise = population::mean_almi(age, female, 32.0, &model)
                - population::mean_almi(age, female, 22.0, &model);
            assert!(
                (rise - 10.0 * p.almi_per_bmi).abs() < 1e-9,
                "age {age} female {female}: {rise}"
            );
        }
    }
    for (sd, total) in [(p.almi_sd_m, 0.93), (p.almi_sd_f, 0.77)] {
        let implied = (sd * sd + (p.almi_per_bmi * 4.5).powi(2)).sqrt();
        assert!((implied - total).abs() < 0.01, "{implied:.3} vs {total}");
    }
}
