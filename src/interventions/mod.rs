//! Interventions: what an arm does to its persons, as modifiers of the physiology.
//!
//! An [`Intervention`] is a checked `[[arm.intervention]]` entry: a [`Kind`] with its own
//! parameters and the common keys (eligibility, start, duration, uptake, adherence,
//! dropout, cost). [`ArmState`] is one person's enrolment in one arm: each step it turns
//! (interventions, person state, time, enrolment state, keyed draws) into one
//! [`Modifiers`] value that `Model::step` reads. There is no intervention branch in the
//! step loop.
//!
//! Random draws come from the person's own `Interventions` streams, one per intervention
//! slot, keyed by (seed, draw, person, kind and its occurrence in the arm): the natural
//! history's streams are never touched, the same kind in two arms enrols the same
//! persons, and an arm whose interventions have uptake 0 reproduces the baseline exactly.

pub mod kinds;
pub mod own_keys;

pub use kinds::{Definition, Kind, KindSpec, KINDS};

use crate::model::{Modifiers, Person};
use crate::params::Params;
use crate::rng::{self, Process, Stream};
use rand::Rng;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Any,
    Men,
    Women,
}

/// Who may enrol (the kind may add its own conditions, see [`Kind::admits`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Eligibility {
    /// Inclusive age range.
    pub age: [f64; 2],
    pub sex: Sex,
    /// Bitmask of conditions of which at least one is needed (0 = none needed).
    pub conditions_any: u8,
    /// `Some(true)`: EWGSOP2-confirmed sarcopenia required; `Some(false)`: excluded.
    pub sarcopenic: Option<bool>,
}

impl Default for Eligibility {
    fn default() -> Self {
        Self {
            age: [0.0, 200.0],
            sex: Sex::Any,
            conditions_any: 0,
            sarcopenic: None,
        }
    }
}

impl Eligibility {
    pub fn admits(&self, p: &Person) -> bool {
        (self.age[0]..=self.age[1]).contains(&p.age)
            && match self.sex {
                Sex::Any => true,
                Sex::Men => !p.female,
                Sex::Women => p.female,
            }
            && (self.conditions_any == 0 || p.conditions & self.conditions_any != 0)
            && self.sarcopenic.is_none_or(|s| p.class.sarcopenic() == s)
    }
}

/// When the offer opens: years after the start of the run, or at a person's age.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    Offset(f64),
    AtAge(f64),
}

impl std::fmt::Display for Start {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Start::Offset(years) => write!(f, "{} into the run", fmt_years(*years)),
            Start::AtAge(age) => write!(f, "at age {age}"),
        }
    }
}

/// Years to three decimals without trailing zeros: `0 y`, `0.5 y`, `0.384 y`.
pub fn fmt_years(years: f64) -> String {
    let s = format!("{years:.3}");
    format!("{} y", s.trim_end_matches('0').trim_end_matches('.'))
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Intervention {
    /// The entry's `name`, or its kind.
    pub name: String,
    pub kind: Kind,
    pub eligible: Eligibility,
    pub start: Start,
    /// Length of the offer, years (`None`: to the end of the run).
    pub duration_years: Option<f64>,
    pub uptake: f64,
    pub adherence: f64,
    pub dropout_per_year: f64,
    pub cost_per_year: f64,
    /// Offered only to persons a screening referred.
    pub by_referral: bool,
    /// Stream key: the kind and its occurrence among the arm's entries of that kind.
    pub slot: u64,
}

impl Intervention {
    /// The offer window on the axis of its start (run time or age), `[from, to)`.
    pub fn window(&self) -> (f64, f64) {
        let from = match self.start {
            Start::Offset(t) | Start::AtAge(t) => t,
        };
        (from, from + self.duration_years.unwrap_or(f64::INFINITY))
    }

    fn open(&self, p: &Person, t: f64) -> bool {
        let (from, to) = self.window();
        let x = match self.start {
            Start::Offset(_) => t,
            Start::AtAge(_) => p.age,
        };
        // A small tolerance so that "0y" opens at the first step whatever the rounding.
        x + 1e-9 >= from && x < to
    }
}

/// The stream slot of the `occurrence`-th entry of kind `kind` in an arm.
pub fn slot(kind: &str, occurrence: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    rng::mix64(h ^ occurrence as u64)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// Not yet offered (not eligible, window not open, or not referred yet).
    Waiting,
    Enrolled,
    /// Declined the offer, dropped out, or finished: never again.
    Done,
}

/// One person's state for one intervention.
#[derive(Clone, Debug)]
struct Enrolment {
    status: Status,
    /// The person's propensity: enrols when it is below the uptake.
    propensity: f64,
    stream: Stream,
    referred: bool,
    /// Hormone therapies: the ALM fraction gained so far (log units).
    hormone_gain: f64,
    /// Screening: run time of the next test.
    next_test: f64,
    /// This step's draw of the stream (decides a dropout).
    draw: f64,
}

impl Enrolment {
    /// Enrols, declines or stops at the step starting at `t`; `draw` decides a dropout.
    fn advance(&mut self, iv: &Intervention, person: &Person, t: f64, dt: f64, draw: f64) {
        let open = iv.open(person, t);
        match self.status {
            Status::Waiting
                if open
                    && (!iv.by_referral || self.referred)
                    && iv.eligible.admits(person)
                    && iv.kind.admits(person) =>
            {
                if self.propensity < iv.uptake {
                    self.status = Status::Enrolled;
                    self.next_test = t;
                } else {
                    self.status = Status::Done;
                }
            }
            Status::Enrolled => {
                let stop = !open
                    || person.age > iv.eligible.age[1]
                    || draw < 1.0 - (-iv.dropout_per_year * dt).exp();
                if stop {
                    self.status = Status::Done;
                }
            }
            _ => {}
        }
    }
}

/// What an arm's interventions did to a person in one step.
#[derive(Clone, Copy, Debug)]
pub struct StepPlan {
    pub modifiers: Modifiers,
    /// Intervention costs incurred this step (undiscounted).
    pub cost: f64,
    /// Whether the person was enrolled in any intervention (screening aside) this step.
    pub enrolled: bool,
}

impl StepPlan {
    /// No intervention: no modifier, no cost, not enrolled.
    pub const NONE: Self = Self {
        modifiers: Modifiers::NONE,
        cost: 0.0,
        enrolled: false,
    };
}

/// One person's enrolment in every intervention of one arm.
#[derive(Clone, Debug)]
pub struct ArmState<'a> {
    interventions: &'a [Intervention],
    state: Vec<Enrolment>,
}

/// Rate at which a hormone therapy approaches its plateau, and at which the gain wanes
/// after stopping, 1/yr (half-way in ≈ 4 months; trials report gains at 6-12 months).
const HORMONE_RATE: f64 = 2.0;

impl<'a> ArmState<'a> {
    pub fn new(interventions: &'a [Intervention], seed: u64, draw: u32, person: u64) -> Self {
        let state = interventions
            .iter()
            .map(|iv| {
                let mut stream =
                    rng::sub_stream(seed, draw, person, Process::Interventions, iv.slot);
                Enrolment {
                    status: Status::Waiting,
                    propensity: stream.random(),
                    stream,
                    referred: false,
                    hormone_gain: 0.0,
                    next_test: 0.0,
                    draw: 0.0,
                }
            })
            .collect();
        Self {
            interventions,
            state,
        }
    }

    /// The modifiers for the step starting at run time `t` (years), of length `dt`.
    /// Every enrolment draws exactly one number per step, whatever happens.
    #[inline]
    pub fn plan(&mut self, person: &Person, t: f64, dt: f64, p: &Params) -> StepPlan {
        if self.interventions.is_empty() {
            // The common natural-history arm: inlined into the step loop, no call.
            return StepPlan::NONE;
        }
        self.plan_enrolments(person, t, dt, p)
    }

    /// [`ArmState::plan`] of an arm with interventions.
    #[inline(never)]
    fn plan_enrolments(&mut self, person: &Person, t: f64, dt: f64, p: &Params) -> StepPlan {
        let mut out = StepPlan::NONE;
        let ivs = self.interventions;
        for e in self.state.iter_mut() {
            e.draw = e.stream.random();
        }
        // Screenings first, so a referral can start its intervention this very step
        // (no allocation: two passes over the indices).
        let screening = |i: &usize| matches!(ivs[*i].kind, Kind::Screening { .. });
        let order = (0..ivs.len())
            .filter(screening)
            .chain((0..ivs.len()).filter(|i| !screening(i)));
        for i in order {
            let iv = &ivs[i];
            let e = &mut self.state[i];
            e.advance(iv, person, t, dt, e.draw);
            let enrolled = e.status == Status::Enrolled;
            if let Some(plateau) = iv.kind.hormone_plateau(p) {
                let target = if enrolled {
                    plateau * iv.adherence
                } else {
                    0.0
                };
                let rate = HORMONE_RATE * (target - e.hormone_gain);
                e.hormone_gain += rate * dt;
                out.modifiers.hormone_anabolic += rate;
            }
            if !enrolled {
                continue;
            }
            out.cost += iv.cost_per_year * dt;
            if !matches!(iv.kind, Kind::Screening { .. }) {
                out.enrolled = true;
            }
            match iv.kind {
                Kind::BedRest { days } => {
                    out.modifiers.forced_bed_days += days;
                    e.status = Status::Done;
                }
                Kind::Screening {
                    every_years,
                    definition,
                    refer_to,
                    cost_per_test,
                } => {
                    if t + 1e-9 >= e.next_test {
                        e.next_test += every_years;
                        out.cost += cost_per_test;
                        if definition.positive(person) {
                            self.state[refer_to].referred = true;
                        }
                    }
                }
                _ => iv.kind.contribute(person, iv.adherence, &mut out.modifiers),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_differ_by_kind_and_occurrence() {
        assert_ne!(slot("protein", 0), slot("protein", 1));
        assert_ne!(slot("protein", 0), slot("bed_rest", 0));
        assert_eq!(slot("protein", 0), slot("protein", 0));
    }

    #[test]
    fn starts_read_as_text() {
        assert_eq!(Start::Offset(0.0).to_string(), "0 y into the run");
        assert_eq!(
            Start::Offset(20.0 * 7.0 / 365.25).to_string(),
            "0.383 y into the run"
        );
        assert_eq!(Start::AtAge(65.0).to_string(), "at age 65");
        assert_eq!(fmt_years(25.0), "25 y");
    }
}

#[cfg(test)]
mod hormone_tests {
    use super::*;
    use crate::model::{Model, Person};
    use crate::time::Duration;

    fn man(model: &Model, testosterone: f64) -> Person {
        let c = crate::scenario::Cohort {
            age: crate::scenario::Dist::Fixed(70.0),
            female: 0.0,
            conditions: [0.0; 5],
            ..crate::reference::reference_cohort()
        };
        let mut p = crate::population::sample_person(1, 0, &c, model, 1, 0);
        p.testosterone = testosterone;
        p
    }

    #[test]
    fn testosterone_reaches_its_plateau_only_for_low_levels_and_wanes_after() {
        let model = crate::reference::calibrated_model(
            Params::central(),
            "1m".parse::<Duration>().unwrap(),
        );
        let p = &model.params;
        let iv = Intervention {
            name: "t".into(),
            kind: Kind::Testosterone {
                below_nmol_per_l: 9.2,
            },
            eligible: Eligibility::default(),
            start: Start::Offset(0.0),
            duration_years: Some(2.0),
            uptake: 1.0,
            adherence: 1.0,
            dropout_per_year: 0.0,
            cost_per_year: 100.0,
            by_referral: false,
            slot: slot("testosterone", 0),
        };
        let ivs = [iv];
        let gain = |level: f64, months: u32| {
            let person = man(&model, level);
            let mut s = ArmState::new(&ivs, 1, 0, 1);
            (0..months)
                .map(|m| s.plan(&person, f64::from(m) / 12.0, 1.0 / 12.0, p))
                .map(|x| x.modifiers.hormone_anabolic / 12.0)
                .sum::<f64>()
        };
        let two_years = gain(6.0, 24);
        assert!(
            (two_years - p.testosterone_therapy_gain).abs() < 0.1 * p.testosterone_therapy_gain,
            "plateau {two_years}"
        );
        assert!(
            gain(6.0, 48) < 0.1 * two_years,
            "the gain wanes after stopping"
        );
        assert_eq!(gain(15.0, 24), 0.0, "normal testosterone: not eligible");
    }
}
