//! The exponential clocks that decide rare events (`rng::Clock`) have the distribution of
//! the per-step draw they replace (`rng::occurs`: the event happens in a step with
//! probability `1 − e^(−x)`, `x` the step's cumulative hazard, given none before).
//!
//! How the tests decide (seeds are fixed, so every run computes the same statistics):
//! - event-time distributions are binned and compared by Pearson's chi-square, with the
//!   exact distribution (`P(T = k) = S(k−1)·(1 − e^(−x_k))`, `S(k) = e^(−Σ x_j)`) and with
//!   a sample of the per-step draw; a test fails above the 99.99 % quantile of the
//!   chi-square distribution (a correct clock fails one seed in 10,000). The same statistic
//!   must reject a deliberately wrong per-step probability (`x` instead of `1 − e^(−x)`),
//!   so the tests have the power to see a wrong conversion of rate to probability;
//! - in the full model, each process's count of events is compared with the sum of its
//!   per-step probabilities computed from the exact hazards along the simulated lives,
//!   within 4 standard deviations (the sum of the per-step `p(1 − p)`).

use rand::Rng;
use sarcosim::model::{hospital, mortality, training, Modifiers, Person, Streams};
use sarcosim::params::Params;
use sarcosim::population;
use sarcosim::reference::{self, reference_cohort};
use sarcosim::rng::{self, occurs, Clock, Process};

/// The 1 − `alpha` quantile of chi-square with `df` degrees of freedom (Wilson–Hilferty;
/// `z` the normal quantile).
fn chi2_quantile(df: usize, z: f64) -> f64 {
    let k = df as f64;
    let c = 2.0 / (9.0 * k);
    k * (1.0 - c + z * c.sqrt()).powi(3)
}

/// The normal quantile of 1 − 10⁻⁴.
const Z_9999: f64 = 3.719;

/// Pearson's chi-square of observed counts against expected probabilities; bins with an
/// expected count below 5 are merged into the next.
fn chi2_fit(observed: &[u64], expected: &[f64]) -> (f64, usize) {
    let n = observed.iter().sum::<u64>() as f64;
    let (mut stat, mut df) = (0.0, 0usize);
    let (mut o, mut e) = (0.0, 0.0);
    for (ob, ex) in observed.iter().zip(expected) {
        o += *ob as f64;
        e += ex * n;
        if e >= 5.0 {
            stat += (o - e) * (o - e) / e;
            df += 1;
            (o, e) = (0.0, 0.0);
        }
    }
    if e > 0.0 {
        stat += (o - e) * (o - e) / e;
        df += 1;
    }
    (stat, df.saturating_sub(1))
}

/// Two-sample chi-square (homogeneity) of two histograms with equal totals.
fn chi2_two(a: &[u64], b: &[u64]) -> (f64, usize) {
    let (mut stat, mut df) = (0.0, 0usize);
    let (mut x, mut y) = (0.0, 0.0);
    for (i, j) in a.iter().zip(b) {
        x += *i as f64;
        y += *j as f64;
        if x + y >= 10.0 {
            stat += (x - y) * (x - y) / (x + y);
            df += 1;
            (x, y) = (0.0, 0.0);
        }
    }
    if x + y > 0.0 {
        stat += (x - y) * (x - y) / (x + y);
        df += 1;
    }
    (stat, df.saturating_sub(1))
}

/// Exact distribution of the event step (1-based, index 0 unused; the last index is "no
/// event within the horizon") for per-step cumulative hazards `x[k−1]`.
fn exact_event_steps(x: &[f64]) -> Vec<f64> {
    let mut probs = vec![0.0];
    let mut survival = 1.0;
    for xk in x {
        let p = 1.0 - (-xk).exp();
        probs.push(survival * p);
        survival *= 1.0 - p;
    }
    probs.push(survival);
    probs
}

/// Histogram of the event step of `n` persons, each decided by `event(person, step)`.
fn event_steps(n: u64, horizon: usize, mut lives: impl FnMut(u64) -> Option<usize>) -> Vec<u64> {
    let mut h = vec![0u64; horizon + 2];
    for person in 0..n {
        h[lives(person).unwrap_or(horizon + 1)] += 1;
    }
    h
}

/// The event step by the clock, ticked with bounds `bound(x)` of each step's hazard.
fn by_clock(person: u64, x: &[f64], bound: impl Fn(f64) -> f64) -> Option<usize> {
    let mut clock = Clock::new(rng::clock_key(11, 0, person, Process::Illness, 3));
    (0..x.len())
        .find(|k| clock.tick(bound(x[*k]), || x[*k]))
        .map(|k| k + 1)
}

/// The event step by a uniform per step with per-step probability `prob(x)`.
fn by_draw(person: u64, x: &[f64], prob: impl Fn(f64, f64) -> bool) -> Option<usize> {
    let mut r = rng::stream(11, 0, person, Process::Sampling);
    (0..x.len())
        .find(|k| prob(r.random::<f64>(), x[*k]))
        .map(|k| k + 1)
}

const PERSONS: u64 = 100_000;

/// Checks a clock's event steps against the exact law and the per-step draw's sample.
fn assert_like_the_draw(x: &[f64], bound: impl Fn(f64) -> f64 + Copy, what: &str) {
    let exact = exact_event_steps(x);
    let clock = event_steps(PERSONS, x.len(), |p| by_clock(p, x, bound));
    let draw = event_steps(PERSONS, x.len(), |p| by_draw(p, x, occurs));
    for (name, h) in [("clock", &clock), ("per-step draw", &draw)] {
        let (stat, df) = chi2_fit(&h[1..], &exact[1..]);
        let limit = chi2_quantile(df, Z_9999);
        eprintln!("{what}: {name} vs the exact law: chi² {stat:.1} (df {df}, limit {limit:.1})");
        assert!(
            stat < limit,
            "{what}: {name} vs the exact law: chi² {stat:.1} ≥ {limit:.1} (df {df})"
        );
    }
    let (stat, df) = chi2_two(&clock[1..], &draw[1..]);
    let limit = chi2_quantile(df, Z_9999);
    eprintln!("{what}: clock vs per-step draw: chi² {stat:.1} (df {df}, limit {limit:.1})");
    assert!(
        stat < limit,
        "{what}: clock vs per-step draw: chi² {stat:.1} ≥ {limit:.1} (df {df})"
    );
}

#[test]
fn constant_hazard_event_times_match_the_per_step_draw() {
    for x in [0.002, 0.02, 0.1] {
        let hazards = vec![x; 400];
        assert_like_the_draw(&hazards, |x| x, &format!("constant x = {x}"));
        assert_like_the_draw(
            &hazards,
            |x| 1.7 * x,
            &format!("constant x = {x}, loose bound"),
        );
    }
}

#[test]
fn age_rising_hazard_event_times_match_the_per_step_draw() {
    // An age-rising hazard (the former illness onsets' law: incidence × e^(0.07·(age − 60)))
    // per month from 60 to 100, at a high incidence so that most persons have the event.
    let x: Vec<f64> = (0..480)
        .map(|k| 0.004 * (0.07 * f64::from(k) / 12.0).exp())
        .collect();
    assert_like_the_draw(&x, |x| x, "rising, exact bound");
    assert_like_the_draw(&x, |x| x * 1.01, "rising, bound 1 % above");
    assert_like_the_draw(&x, |x| x * 5.0, "rising, bound 5× above");
    assert_like_the_draw(&x, |_| f64::INFINITY, "rising, no bound");
}

#[test]
fn the_tests_see_a_wrong_conversion_of_rate_to_probability() {
    // Deciding with probability x per step instead of 1 − e^(−x) must fail the same test.
    let x = vec![0.1; 200];
    let exact = exact_event_steps(&x);
    let wrong = event_steps(PERSONS, x.len(), |p| by_draw(p, &x, |u, x| u < x));
    let (stat, df) = chi2_fit(&wrong[1..], &exact[1..]);
    eprintln!("wrong probability x: chi² {stat:.1} (df {df})");
    assert!(stat > chi2_quantile(df, Z_9999), "chi² {stat:.1}, df {df}");
}

/// Events of a repeatable process over `horizon` steps, with `rest` steps without hazard
/// after each event (a hospital stay), decided by `decide(step hazard)`.
fn repeated(horizon: usize, rest: usize, x: f64, mut decide: impl FnMut(f64) -> bool) -> usize {
    let (mut events, mut resting) = (0, 0);
    for _ in 0..horizon {
        if resting > 0 {
            resting -= 1;
        } else if decide(x) {
            events += 1;
            resting = rest;
        }
    }
    events
}

#[test]
fn repeatable_events_with_pauses_match_the_per_step_draw() {
    let (horizon, rest, x) = (120, 3, 0.05);
    let mut clock = vec![0u64; horizon + 1];
    let mut draw = vec![0u64; horizon + 1];
    for person in 0..PERSONS {
        let mut c = Clock::new(rng::clock_key(5, 0, person, Process::Hospital, 0));
        clock[repeated(horizon, rest, x, |x| c.tick(x * 1.3, || x))] += 1;
        let mut r = rng::stream(5, 0, person, Process::Sampling);
        draw[repeated(horizon, rest, x, |x| occurs(r.random(), x))] += 1;
    }
    let (stat, df) = chi2_two(&clock, &draw);
    let limit = chi2_quantile(df, Z_9999);
    eprintln!("repeated events: chi² {stat:.1} (df {df}, limit {limit:.1})");
    assert!(
        stat < limit,
        "event counts: chi² {stat:.1} ≥ {limit:.1} (df {df})"
    );
}

#[test]
fn a_persons_clocks_are_the_same_in_every_arm_and_independent_of_each_other() {
    // Two arms: the same hazards of death, but one arm also has admissions and onsets
    // ticked (and a looser bound of death): the death step is the same person's in both
    // when its bound is the same, whatever the other processes did.
    let x = 0.01;
    for person in 0..2_000 {
        let (mut a, mut b) = (Streams::new(3, 1, person), Streams::new(3, 1, person));
        let (mut died_a, mut died_b) = (None, None);
        for k in 0..600 {
            if died_a.is_none() && a.death.tick(x, || x) {
                died_a = Some(k);
            }
            b.admission.tick(0.3, || 0.2);
            b.onset[2].tick(0.05, || 0.05);
            if died_b.is_none() && b.death.tick(x, || x) {
                died_b = Some(k);
            }
        }
        assert_eq!(died_a, died_b, "person {person}");
    }
    // Different persons, processes and draws have different clocks.
    let first = |s: &mut Streams| (0..10_000).find(|_| s.death.tick(0.01, || 0.01));
    let mut base = Streams::new(3, 1, 7);
    let t = first(&mut base);
    assert_ne!(t, first(&mut Streams::new(3, 1, 8)));
    assert_ne!(t, first(&mut Streams::new(3, 2, 7)));
    assert_ne!(t, first(&mut Streams::new(4, 1, 7)));
}

/// Observed events and the sum of their per-step probabilities (and variances).
#[derive(Default, Debug)]
struct Tally {
    observed: f64,
    expected: f64,
    variance: f64,
}

impl Tally {
    fn add(&mut self, x: f64, happened: bool) {
        let p = 1.0 - (-x).exp();
        self.expected += p;
        self.variance += p * (1.0 - p);
        self.observed += f64::from(u8::from(happened));
    }

    fn assert_within(&self, what: &str, sds: f64) {
        let z = (self.observed - self.expected) / self.variance.sqrt();
        eprintln!(
            "{what}: {} events, {:.1} expected, z {z:.2}",
            self.observed, self.expected
        );
        assert!(
            z.abs() < sds && self.observed > 100.0,
            "{what}: {} events, {:.1} expected, z {z:.2}",
            self.observed,
            self.expected
        );
    }
}

#[test]
fn the_models_events_follow_their_exact_hazards() {
    let p = Params::central();
    let model = reference::calibrated_model(p.clone(), "1m".parse().unwrap());
    let cohort = reference_cohort();
    let dt = model.dt;
    let mut onset: [Tally; 5] = Default::default();
    let mut death_before_70 = Tally::default();
    let mut death_at_onset = Tally::default();
    let (mut admission, mut habit, mut death) =
        (Tally::default(), Tally::default(), Tally::default());
    for id in 0..8_000u64 {
        let mut person = population::sample_person(id, 0, &cohort, &model, 9, 0);
        let mut s = Streams::new(9, 0, id);
        while person.alive {
            let before: Person = person.clone();
            let ev = model.step(&mut person, &mut s, &Modifiers::NONE);
            for (c, tally) in onset.iter_mut().enumerate() {
                if !before.has(c) {
                    let x = model.bounds.onset.incidence.rate(&before, c) * dt;
                    tally.add(x, ev.new_conditions & (1 << c) != 0);
                }
            }
            // A heart failure that begins may kill at once (`mortality::dies_at_onset`),
            // ending the step: such steps are tallied apart, the death at onset or else the
            // clock's death, 1 − (1 − fatality)·e^(−hazard·dt).
            let heart_failure_onset = ev.new_conditions & (1 << mortality::HEART_FAILURE) != 0;
            if heart_failure_onset {
                let x =
                    -(1.0 - p.heart_failure_onset_fatality).ln() + model.death_rate(&before) * dt;
                death_at_onset.add(x, ev.died);
                if ev.died {
                    continue;
                }
            }
            if !before.in_bed() {
                let mut at_admission = before.clone();
                at_admission.conditions |= ev.new_conditions;
                let x = hospital::admission_rate(&at_admission, &p) * dt;
                admission.add(x, ev.admitted);
            }
            if ev.bed_days == 0 {
                let x = training::habit_switch_rate(before.sessions, &p) * dt;
                let switched = (before.sessions > 0.0) != (person.sessions > 0.0);
                habit.add(x, switched);
            }
            if heart_failure_onset {
                continue;
            }
            let x = model.death_rate(&person) * dt;
            death.add(x, ev.died);
            if before.age < 70.0 {
                // Everyone dies in the end: the deaths before 70 test the hazard's level.
                death_before_70.add(x, ev.died);
            }
        }
    }
    for (c, t) in onset.iter().enumerate() {
        t.assert_within(&format!("onset of condition {c}"), 4.0);
    }
    admission.assert_within("admissions", 4.0);
    habit.assert_within("training habit switches", 4.0);
    death.assert_within("deaths", 4.0);
    death_before_70.assert_within("deaths before 70", 4.0);
    death_at_onset.assert_within("deaths in a step in which heart failure began", 4.0);
}

#[test]
fn the_onset_bounds_hold_along_lives() {
    // The thinning of the onset clocks needs bounds above the exact incidences.
    let p = Params::central();
    let model = reference::calibrated_model(p.clone(), "1m".parse().unwrap());
    let cohort = reference_cohort();
    let mut checked = 0;
    for id in 0..300u64 {
        let mut person = population::sample_person(id, 0, &cohort, &model, 4, 0);
        let mut s = Streams::new(4, 0, id);
        while person.alive {
            for c in 0..5 {
                let x = model.bounds.onset.incidence.rate(&person, c) * model.dt;
                assert!(model.bounds.onset.upper(&person, c) >= x);
                checked += 1;
            }
            model.step(&mut person, &mut s, &Modifiers::NONE);
        }
    }
    assert!(checked > 100_000, "{checked}");
}
