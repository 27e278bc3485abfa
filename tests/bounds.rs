//! The shortcuts of the step (tabulated upper bounds that let most events skip `exp` and
//! `powf`) decide exactly what the exact hazards decide, for every state persons go
//! through. Moved here from `model/`, which must not depend on `population` or the
//! reference population.

use sarcosim::model::illness::onset;
use sarcosim::model::{hospital, Model, Modifiers, Streams};
use sarcosim::params::Params;
use sarcosim::population;
use sarcosim::reference::{self, reference_cohort};
use sarcosim::time::Duration;

fn month() -> Duration {
    "1m".parse().unwrap()
}

/// The bounds must stay above the exact hazards (a model change that adds a factor to a
/// hazard must add it to its bound too).
#[test]
fn hazard_bounds_hold() {
    let p = Params::central();
    let model = reference::calibrated_model(p.clone(), month());
    let cohort = reference_cohort();
    let mut checked = 0;
    for id in 0..400u64 {
        let mut person = population::sample_person(id, 0, &cohort, &model, 7, 0);
        let mut s = Streams::new(7, 0, id);
        while person.alive {
            let admission = hospital::admission_rate(&person, &p);
            assert!(
                model.admission_rate_upper(&person) >= admission,
                "{person:?}"
            );
            assert!(
                model.death_rate_upper(&person) >= model.death_rate(&person),
                "{person:?}"
            );
            checked += 1;
            model.step(&mut person, &mut s, &Modifiers::NONE);
        }
    }
    assert!(checked > 100_000, "{checked}");
}

#[test]
fn onset_matches_the_incidence_of_each_condition() {
    let p = Params::central();
    let model = Model::new(p.clone(), month(), &reference::uncalibrated(&p));
    let cohort = reference_cohort();
    for id in 0..200u64 {
        let mut person = population::sample_person(id, 0, &cohort, &model, 1, 0);
        let mut s = Streams::new(1, 0, id);
        for _ in 0..120 {
            let u: [f64; 5] =
                std::array::from_fn(|c| (id as f64 * 0.37 + c as f64 * 0.11) % 1.0 * 0.02);
            let slow = (0..5).fold(0u8, |acc, c| {
                let x = model.bounds.onset.incidence.rate(&person, c) * model.dt;
                if !person.has(c) && u[c] < 1.0 - (-x).exp() {
                    acc | 1 << c
                } else {
                    acc
                }
            });
            let b = &model.bounds;
            assert_eq!(onset(&person, &u, model.dt, &b.onset), slow);
            model.step(&mut person, &mut s, &Modifiers::NONE);
            if !person.alive {
                break;
            }
        }
    }
}
