//! The natural history has the published shape (MODEL-NOTES section 3): muscle is lost
//! faster with age and faster in men, strength faster than mass, bed rest costs about
//! what Kortebein 2007 measured, training gains, and deaths follow the life table.
//! The full validation suite with published intervals is `sarcosim validate`.

use sarcosim::model::life_table::{default_table, FIRST_AGE};
use sarcosim::model::{Model, Modifiers, Person, Streams};
use sarcosim::params::Params;
use sarcosim::population;
use sarcosim::reference;
use sarcosim::scenario::{Cohort, Dist};
use sarcosim::time::Duration;

fn cohort(age: f64, female: f64) -> Cohort {
    Cohort {
        age: Dist::Fixed(age),
        female,
        conditions: [0.0; 5],
        ..reference::reference_cohort()
    }
}

fn people(model: &Model, c: &Cohort, n: u64) -> Vec<(Person, Streams)> {
    (0..n)
        .map(|id| {
            (
                population::sample_person(id, 0, c, model, 7, 0),
                Streams::new(7, 0, id),
            )
        })
        .collect()
}

fn months(m: &str) -> Duration {
    m.parse().unwrap()
}

/// Mean yearly % change of ALM and grip among those alive throughout `years` from `age`.
fn yearly_change(model: &Model, age: f64, female: f64, years: u32) -> (f64, f64) {
    let mut ps = people(model, &cohort(age, female), 3000);
    let start: Vec<(f64, f64)> = ps.iter().map(|(p, _)| (p.alm(), p.grip())).collect();
    for _ in 0..years * 12 {
        for (p, s) in ps.iter_mut().filter(|(p, _)| p.alive) {
            model.step(p, s, &Modifiers::NONE);
        }
    }
    let alive: Vec<usize> = (0..ps.len()).filter(|i| ps[*i].0.alive).collect();
    let mean =
        |f: &dyn Fn(usize) -> f64| alive.iter().map(|i| f(*i)).sum::<f64>() / alive.len() as f64;
    let alm = mean(&|i| (ps[i].0.alm() / start[i].0).ln()) / f64::from(years) * 100.0;
    let grip = mean(&|i| (ps[i].0.grip() / start[i].1).ln()) / f64::from(years) * 100.0;
    (alm, grip)
}

#[test]
fn muscle_loss_around_75_looks_like_mitchell_2012() {
    let model = reference::calibrated_model(Params::central(), months("1m"));
    let (men_alm, men_grip) = yearly_change(&model, 74.0, 0.0, 3);
    let (women_alm, women_grip) = yearly_change(&model, 74.0, 1.0, 3);
    // Mitchell 2012: men −0.80 to −0.98 %/yr, women −0.64 to −0.70 %/yr; shape only here.
    assert!(
        (-1.4..=-0.5).contains(&men_alm),
        "men ALM {men_alm:.2} %/yr"
    );
    assert!(
        (-1.1..=-0.35).contains(&women_alm),
        "women ALM {women_alm:.2} %/yr"
    );
    assert!(
        men_alm < women_alm,
        "men lose faster: {men_alm:.2} vs {women_alm:.2}"
    );
    // Mitchell's strength loss is 2.5-4 times the mass loss; the model's men reach only
    // ≈ 1.5 times (the independent targets `goodpaster-strength-vs-mass` and
    // `mitchell-strength-loss-m` fail and say by how much). The margin here is 1.3: since
    // strength's fluctuation (issue 12, eighth set) the survivors of a 3-year window are
    // those whose deviation rose, and men's ratio fell to 1.50 (docs/validation.md).
    assert!(
        men_grip < 1.3 * men_alm && women_grip < 1.3 * women_alm,
        "strength falls faster than mass: men {men_grip:.2} vs {men_alm:.2}, women {women_grip:.2} vs {women_alm:.2}"
    );
    let (young_alm, _) = yearly_change(&model, 50.0, 0.0, 3);
    assert!(
        young_alm > 0.5 * men_alm,
        "little loss at 50 ({young_alm:.2}) vs 75 ({men_alm:.2})"
    );
}

#[test]
fn ten_days_of_bed_rest_cost_about_what_kortebein_measured() {
    let model = reference::calibrated_model(Params::central(), months("1d"));
    let c = Cohort {
        female: 0.5,
        ..cohort(67.0, 0.5)
    };
    let mut ps = people(&model, &c, 400);
    let before: f64 = ps.iter().map(|(p, _)| p.alm()).sum::<f64>() / 400.0;
    for day in 0..10 {
        let m = Modifiers {
            forced_bed_days: if day == 0 { 10 } else { 0 },
            ..Modifiers::NONE
        };
        for (p, s) in ps.iter_mut() {
            model.step(p, s, &m);
        }
    }
    let after: f64 = ps.iter().map(|(p, _)| p.alm()).sum::<f64>() / 400.0;
    // Kortebein 2007: leg lean −0.95 kg, whole-body lean −1.5 kg in 10 days at 67 ± 5.
    let loss = before - after;
    assert!(
        (0.6..=1.5).contains(&loss),
        "ALM loss {loss:.2} kg of {before:.1}"
    );
}

#[test]
fn twenty_weeks_of_training_gain_muscle_like_peterson_2011() {
    let model = reference::calibrated_model(Params::central(), months("1w"));
    let c = cohort(70.0, 0.5);
    let run = |sessions: f64| {
        let mut ps = people(&model, &c, 500);
        let m = Modifiers {
            training_sessions: sessions,
            ..Modifiers::NONE
        };
        let before: f64 = ps.iter().map(|(p, _)| p.alm()).sum();
        for _ in 0..20 {
            for (p, s) in ps.iter_mut() {
                model.step(p, s, &m);
            }
        }
        (ps.iter().map(|(p, _)| p.alm()).sum::<f64>() - before) / 500.0
    };
    let gain = run(3.0) - run(0.0);
    // Peterson 2011: +1.1 kg lean body mass (0.9-1.2); ALM carries roughly half of it.
    assert!(
        (0.3..=1.0).contains(&gain),
        "ALM gain vs control {gain:.2} kg"
    );
}

#[test]
fn the_reference_population_dies_at_the_life_table_rates() {
    let model = reference::calibrated_model(Params::central(), months("1m"));
    let c = reference::reference_cohort();
    let mut ps: Vec<(Person, Streams)> = (0..12_000u64)
        .map(|i| {
            let id = 1_000_000 + i;
            (
                population::sample_person(id, 0, &c, &model, 3, 0),
                Streams::new(3, 0, id),
            )
        })
        .collect();
    let mut deaths = [[0u32; 2]; 111];
    let mut at_risk = [[0u32; 2]; 111];
    for year in 0..35 {
        let age = FIRST_AGE + year;
        for (p, s) in ps.iter_mut().filter(|(p, _)| p.alive) {
            at_risk[age][usize::from(p.female)] += 1;
            for _ in 0..12 {
                if model.step(p, s, &Modifiers::NONE).died {
                    deaths[age][usize::from(p.female)] += 1;
                    break;
                }
            }
        }
    }
    for (lo, hi) in [(55, 65), (65, 75), (75, 85)] {
        for (sex, qx) in [false, true]
            .map(|f| default_table().qx(f))
            .iter()
            .enumerate()
        {
            let d: u32 = (lo..hi).map(|a| deaths[a][sex]).sum();
            let expected: f64 = (lo..hi)
                .map(|a| f64::from(at_risk[a][sex]) * qx[a - FIRST_AGE])
                .sum();
            let ratio = f64::from(d) / expected;
            assert!(
                (0.85..=1.15).contains(&ratio),
                "ages {lo}-{hi} sex {sex}: observed/expected {ratio:.3}"
            );
        }
    }
}

#[test]
fn sarcopenia_raises_admissions_and_low_muscle_raises_diabetes() {
    let p = Params::central();
    let model = reference::calibrated_model(p.clone(), months("1m"));
    let c = cohort(75.0, 0.0);
    let (mut strong, _) = people(&model, &c, 1).remove(0);
    let mut weak = strong.clone();
    weak.alm_base *= 0.7;
    weak.quality_base *= 0.6;
    model.reclassify(&mut weak);
    model.reclassify(&mut strong);
    assert!(weak.class.sarcopenic() && !strong.class.sarcopenic());
    let ratio = sarcosim::model::hospital::admission_rate(&weak, &p)
        / sarcosim::model::hospital::admission_rate(&strong, &p);
    assert!((ratio - p.admission_sarcopenia_hr).abs() < 1e-9);
    let inc = |q: &Person| model.bounds.onset.incidence.rate(q, 0);
    assert!(
        inc(&weak) > 1.3 * inc(&strong),
        "less muscle, more diabetes"
    );
    assert!(model.death_rate(&weak) > model.death_rate(&strong));
}

#[test]
fn people_shrink_with_age_women_more_and_older_cohorts_start_shorter() {
    let model = reference::calibrated_model(Params::central(), months("1m"));
    // Sorkin 1999: from 30, 3 cm (men) and 5 cm (women) lost by 70, 5 and 8 cm by 80, so
    // 60 → 80 takes ≈ 3.4 cm from men and ≈ 5.3 cm from women.
    for (female, lo, hi) in [(0.0, 0.025, 0.045), (1.0, 0.04, 0.065)] {
        let mut ps = people(&model, &cohort(60.0, female), 400);
        let (start_height, start_almi): (Vec<f64>, Vec<f64>) =
            ps.iter().map(|(p, _)| (p.height, p.alm_index())).unzip();
        for _ in 0..20 * 12 {
            for (p, s) in ps.iter_mut().filter(|(p, _)| p.alive) {
                model.step(p, s, &Modifiers::NONE);
            }
        }
        let alive: Vec<usize> = (0..ps.len()).filter(|i| ps[*i].0.alive).collect();
        let mean = |f: &dyn Fn(usize) -> f64| {
            alive.iter().map(|i| f(*i)).sum::<f64>() / alive.len() as f64
        };
        let lost = mean(&|i| start_height[i] - ps[i].0.height);
        assert!(
            (lo..=hi).contains(&lost),
            "height lost 60 → 80: {lost:.4} m"
        );
        // ALM/height² falls less than ALM: the same muscle over a shorter frame.
        let alm_change = mean(&|i| (ps[i].0.alm_index() / start_almi[i]).ln());
        let mass_change = mean(&|i| {
            let p = &ps[i].0;
            (p.alm() / (start_almi[i] * start_height[i] * start_height[i])).ln()
        });
        assert!(
            alm_change > mass_change + 0.02,
            "{alm_change:.3} vs {mass_change:.3}"
        );
    }
    // Birth cohorts: 80-year-olds start shorter than 60-year-olds by more than they shrink
    // in between (the secular trend adds ≈ 2 cm).
    for female in [0.0, 1.0] {
        let mean_height = |age: f64| {
            let ps = people(&model, &cohort(age, female), 2000);
            ps.iter().map(|(p, _)| p.height).sum::<f64>() / ps.len() as f64
        };
        let gap = mean_height(60.0) - mean_height(80.0);
        let shrink =
            model.stature.loss(80.0, female == 1.0) - model.stature.loss(60.0, female == 1.0);
        assert!(
            (gap - shrink - 2.0 * model.params.height_secular_per_decade).abs() < 0.006,
            "60 vs 80: {gap:.4} m apart, {shrink:.4} m of it shrinking"
        );
    }
}

/// Heart failure kills in the step it begins with `mortality.heart_failure_onset_fatality`
/// (Rotterdam's first-year excess, docs/validation.md, seventh set): never at 0, always at
/// 1, and at the table's 0.28 in that share of the onsets (the death clock adds a monthly
/// hazard of about 1 % at 80-90; 4 binomial SE allowed).
#[test]
fn heart_failure_kills_at_onset_with_its_fatality() {
    use sarcosim::model::Modifiers;
    for fatality in [0.0, 0.28, 1.0] {
        let mut p = Params::central();
        p.heart_failure_onset_fatality = fatality;
        let model = reference::calibrated_model(p, months("1m"));
        let (mut onsets, mut died_at_onset) = (0u32, 0u32);
        for (mut person, mut streams) in people(&model, &cohort(80.0, 0.5), 3000) {
            for _ in 0..10 * 12 {
                let ev = model.step(&mut person, &mut streams, &Modifiers::NONE);
                if ev.new_conditions & (1 << sarcosim::model::mortality::HEART_FAILURE) != 0 {
                    onsets += 1;
                    died_at_onset += u32::from(ev.died);
                }
                if ev.died {
                    break;
                }
            }
        }
        let share = f64::from(died_at_onset) / f64::from(onsets);
        let se = (0.28 * 0.72 / f64::from(onsets)).sqrt();
        assert!(onsets > 200, "{onsets} onsets");
        match fatality {
            0.0 => assert!(share < 0.03, "{share}"),
            1.0 => assert_eq!(died_at_onset, onsets),
            _ => assert!(
                share > fatality - 4.0 * se && share < fatality + 4.0 * se + 0.02,
                "{share} of {onsets}"
            ),
        }
    }
}

/// SD and Pearson correlation of paired values.
fn sd_and_correlation(pairs: &[(f64, f64)]) -> (f64, f64, f64) {
    let n = pairs.len() as f64;
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (sxy, sxx, syy) = pairs.iter().fold((0.0, 0.0, 0.0), |(a, b, c), (x, y)| {
        (
            a + (x - mx) * (y - my),
            b + (x - mx).powi(2),
            c + (y - my).powi(2),
        )
    });
    ((sxx / n).sqrt(), (syy / n).sqrt(), sxy / (sxx * syy).sqrt())
}

/// Grip at 65 and at 74 of the men alive at both, with strength's fluctuation set to `share`.
fn grip_at_65_and_74(share: f64) -> Vec<(f64, f64)> {
    let mut p = Params::central();
    p.quality_fluctuation_share = share;
    let model = reference::calibrated_model(p, months("1m"));
    let mut out = Vec::new();
    for (mut person, mut s) in people(&model, &cohort(65.0, 0.0), 6000) {
        let start = person.grip();
        let alive = (0..9 * 12).all(|_| !model.step(&mut person, &mut s, &Modifiers::NONE).died);
        if alive {
            out.push((start, person.grip()));
        }
    }
    out
}

/// Strength's fluctuation (`model::strength`, issue 12 eighth set) shares the cross-sectional
/// spread of grip with the permanent level, so the spread at the start is the same with or
/// without it, while persons lose more of their rank over 9 years.
#[test]
fn strength_fluctuates_without_widening_the_spread_of_grip() {
    let fixed = grip_at_65_and_74(0.0);
    let fluctuating = grip_at_65_and_74(0.6);
    let (sd_fixed, _, r_fixed) = sd_and_correlation(&fixed);
    let (sd_fluct, _, r_fluct) = sd_and_correlation(&fluctuating);
    assert!(
        (sd_fluct / sd_fixed - 1.0).abs() < 0.04,
        "SD of grip at 65: {sd_fluct:.2} with the fluctuation, {sd_fixed:.2} without"
    );
    assert!(
        r_fluct < r_fixed - 0.1,
        "9-year tracking: r {r_fluct:.3} with the fluctuation, {r_fixed:.3} without"
    );
}
