//! The life loop: one person stepped through one arm, step by step, reporting to
//! [`Observer`]s. It is the only place a person's life is stepped: `sarcosim run` (the
//! engine's summary and columns), `sarcosim validate` and `calibrate` (the validation
//! snapshots) and the mortality reference population all go through [`live`] or
//! [`Course::run`], so they cannot drift apart.
//!
//! Each step: the arm's interventions plan the step's [`Modifiers`](crate::model::Modifiers)
//! ([`ArmState`]), [`Model::step`] advances the person, the observers see the step; a death
//! ends the life (no record after it); a step that ends on a record shows the observers the
//! living person. Nothing here allocates per step.

use crate::interventions::{ArmState, Intervention, StepPlan};
use crate::model::{Model, Person, StepEvents, Streams};

/// When records are taken over a horizon, tabulated by step.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// Step at which each record is taken: record 0 is the start, the last the horizon.
    record_steps: Vec<u32>,
    /// For step s (1-based), the record its events are counted towards.
    record_of_step: Vec<u16>,
    /// Whether step s ends with a record.
    is_record_step: Vec<bool>,
}

impl Schedule {
    /// The schedule of these record steps (increasing, starting at 0; the last one is the
    /// horizon).
    pub fn new(record_steps: Vec<u32>) -> Self {
        assert_eq!(record_steps.first(), Some(&0), "record 0 is the start");
        let h = *record_steps.last().expect("a record") as usize;
        let mut record_of_step = vec![0u16; h + 1];
        let mut is_record_step = vec![false; h + 1];
        let mut r = 1usize;
        for s in 1..=h {
            while record_steps[r] < s as u32 {
                r += 1;
            }
            record_of_step[s] = r as u16;
            is_record_step[s] = record_steps[r] == s as u32;
        }
        Self {
            record_steps,
            record_of_step,
            is_record_step,
        }
    }

    /// Steps in the horizon.
    pub fn horizon(&self) -> u32 {
        *self.record_steps.last().expect("a record")
    }

    /// Step at which each record is taken (record 0 = the start).
    pub fn record_steps(&self) -> &[u32] {
        &self.record_steps
    }

    /// Number of records, the start included.
    pub fn records(&self) -> usize {
        self.record_steps.len()
    }
}

/// What the observers learn of one step.
#[derive(Clone, Copy, Debug)]
pub struct Stepped<'a> {
    /// The step, 1-based (step s ends at run time s·dt).
    pub step: u32,
    /// The record this step's events count towards.
    pub record: usize,
    /// The person's age at the start of the step.
    pub age_before: f64,
    pub events: StepEvents,
    /// What the arm's interventions did this step.
    pub plan: &'a StepPlan,
}

/// Sees one person's life in one arm. Every method has an empty default; an observer
/// implements what it needs.
pub trait Observer {
    /// The person at the start (record 0).
    #[inline]
    fn start(&mut self, _model: &Model, _p: &Person) {}
    /// After each step, `p` the state after it (dead if `s.events.died`).
    #[inline]
    fn step(&mut self, _model: &Model, _s: &Stepped<'_>, _p: &Person) {}
    /// A record taken after a step, of a person alive.
    #[inline]
    fn record(&mut self, _model: &Model, _record: usize, _p: &Person) {}
    /// The end of the life: death or the horizon.
    #[inline]
    fn end(&mut self, _model: &Model, _start: &Person, _end: &Person) {}
}

impl Observer for () {}

impl<A: Observer, B: Observer> Observer for (A, B) {
    #[inline]
    fn start(&mut self, model: &Model, p: &Person) {
        self.0.start(model, p);
        self.1.start(model, p);
    }
    #[inline]
    fn step(&mut self, model: &Model, s: &Stepped<'_>, p: &Person) {
        self.0.step(model, s, p);
        self.1.step(model, s, p);
    }
    #[inline]
    fn record(&mut self, model: &Model, record: usize, p: &Person) {
        self.0.record(model, record, p);
        self.1.record(model, record, p);
    }
    #[inline]
    fn end(&mut self, model: &Model, start: &Person, end: &Person) {
        self.0.end(model, start, end);
        self.1.end(model, start, end);
    }
}

/// Who is lived: the person's start, the arm's interventions, and the keys of the random
/// streams (the same keys in every arm: common random numbers).
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub start: &'a Person,
    pub interventions: &'a [Intervention],
    pub seed: u64,
    pub draw: u32,
}

/// A life in progress: the person, their streams and their enrolment in the arm, and the
/// steps taken. A course can be run in segments (the reference population is stepped a
/// year at a time, all persons in lockstep).
#[derive(Clone, Debug)]
pub struct Course<'a> {
    pub person: Person,
    streams: Streams,
    arm: ArmState<'a>,
    /// Steps taken so far.
    steps: u32,
}

impl<'a> Course<'a> {
    pub fn new(subject: Subject<'a>) -> Self {
        let id = subject.start.id;
        Self {
            person: subject.start.clone(),
            streams: Streams::new(subject.seed, subject.draw, id),
            arm: ArmState::new(subject.interventions, subject.seed, subject.draw, id),
            steps: 0,
        }
    }

    /// Steps the person on to step `until` of `schedule`, or to their death, reporting
    /// each step and each record to `obs`. A dead person is not stepped.
    #[inline]
    pub fn run<O: Observer>(
        &mut self,
        model: &Model,
        schedule: &Schedule,
        until: u32,
        obs: &mut O,
    ) {
        if !self.person.alive {
            return;
        }
        let dt = model.dt;
        for step in self.steps + 1..=until {
            let age_before = self.person.age;
            let t = f64::from(step - 1) * dt;
            let plan = self.arm.plan(&self.person, t, dt, &model.params);
            let events = model.step(&mut self.person, &mut self.streams, &plan.modifiers);
            self.steps = step;
            let record = usize::from(schedule.record_of_step[step as usize]);
            let stepped = Stepped {
                step,
                record,
                age_before,
                events,
                plan: &plan,
            };
            obs.step(model, &stepped, &self.person);
            if events.died {
                return;
            }
            if schedule.is_record_step[step as usize] {
                obs.record(model, record, &self.person);
            }
        }
    }
}

/// Lives `subject` through the whole horizon of `schedule`: start, every step and record,
/// end.
#[inline]
pub fn live<O: Observer>(model: &Model, schedule: &Schedule, subject: Subject<'_>, obs: &mut O) {
    obs.start(model, subject.start);
    let mut course = Course::new(subject);
    course.run(model, schedule, schedule.horizon(), obs);
    obs.end(model, subject.start, &course.person);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;
    use crate::reference::{reference_cohort, uncalibrated};
    use crate::scenario::Dist;

    /// Counts what it is shown, and checks the order of events.
    #[derive(Default)]
    struct Count {
        starts: u32,
        steps: u32,
        records: Vec<usize>,
        died_at: Option<u32>,
        ends: u32,
    }

    impl Observer for Count {
        fn start(&mut self, _m: &Model, _p: &Person) {
            self.starts += 1;
        }
        fn step(&mut self, _m: &Model, s: &Stepped<'_>, p: &Person) {
            assert!(self.died_at.is_none(), "a step after death");
            self.steps += 1;
            assert_eq!(s.step, self.steps);
            assert_eq!(s.events.died, !p.alive);
            if s.events.died {
                self.died_at = Some(s.step);
            }
        }
        fn record(&mut self, _m: &Model, record: usize, p: &Person) {
            assert!(p.alive);
            self.records.push(record);
        }
        fn end(&mut self, _m: &Model, _start: &Person, _end: &Person) {
            self.ends += 1;
        }
    }

    fn persons(model: &Model, n: u64) -> Vec<Person> {
        let cohort = crate::scenario::Cohort {
            age: Dist::Fixed(85.0),
            ..reference_cohort()
        };
        (0..n)
            .map(|id| crate::population::sample_person(id, 0, &cohort, model, 3, 0))
            .collect()
    }

    #[test]
    fn a_life_reports_every_step_and_record_until_death() {
        let p = Params::central();
        let model = Model::new(p.clone(), "1m".parse().unwrap(), &uncalibrated(&p));
        let schedule = Schedule::new(vec![0, 12, 24, 36, 48, 60, 66]);
        let (mut died, mut survived) = (0, 0);
        for start in persons(&model, 300) {
            let mut count = Count::default();
            let subject = Subject {
                start: &start,
                interventions: &[],
                seed: 3,
                draw: 0,
            };
            live(&model, &schedule, subject, &mut count);
            assert_eq!((count.starts, count.ends), (1, 1));
            let last = count.died_at.unwrap_or(schedule.horizon());
            assert_eq!(count.steps, last);
            let expected: Vec<usize> = (1..schedule.records())
                .filter(|r| schedule.record_steps()[*r] < last || count.died_at.is_none())
                .collect();
            assert_eq!(count.records, expected);
            if count.died_at.is_some() {
                died += 1;
            } else {
                survived += 1;
            }
        }
        assert!(
            died > 20 && survived > 20,
            "{died} died, {survived} survived"
        );
    }

    #[test]
    fn a_course_run_in_segments_is_the_course_run_at_once() {
        let p = Params::central();
        let model = Model::new(p.clone(), "1m".parse().unwrap(), &uncalibrated(&p));
        let schedule = Schedule::new(vec![0, 12, 24, 36]);
        for start in persons(&model, 50) {
            let subject = Subject {
                start: &start,
                interventions: &[],
                seed: 3,
                draw: 0,
            };
            let (mut whole, mut parts) = (Course::new(subject), Course::new(subject));
            whole.run(&model, &schedule, 36, &mut ());
            for until in [5, 12, 30, 36] {
                parts.run(&model, &schedule, until, &mut ());
            }
            assert_eq!(format!("{:?}", whole.person), format!("{:?}", parts.person));
        }
    }

    #[test]
    fn the_schedule_maps_every_step_to_the_record_it_ends_in() {
        // Records at 0, 3, 6 and the horizon 7.
        let s = Schedule::new(vec![0, 3, 6, 7]);
        assert_eq!(s.horizon(), 7);
        assert_eq!(s.records(), 4);
        assert_eq!(s.record_of_step[1..], [1, 1, 1, 2, 2, 2, 3]);
        assert_eq!(
            s.is_record_step[1..],
            [false, false, true, false, false, true, true]
        );
    }
}
