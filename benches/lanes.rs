//! Issue 16's "persons in lanes" idea, measured: the same person-steps of the RW-1
//! scenario, once as today (`Model::step`, one person at a time, array of structs) and
//! once with the persons' state as a struct of arrays, stepped `L` at a time in lockstep
//! (`L` = 4 or 8 lanes), the common path's arithmetic written lane-wise so that LLVM
//! vectorises it: baseline x86-64 (SSE2, 2 f64 per register) and, where the CPU has it,
//! an AVX2 build of the same code chosen at run time (`is_x86_feature_detected!`).
//!
//! The lanes reproduce `Model::step` bit for bit. Per step and group of `L` persons,
//! every state variable is computed into temporaries from the state before the step and
//! stored back as whole vectors; a lane in which anything rare happens (a candidate of any
//! clock: onset, admission, training habit, death; a person in bed) gets its state before
//! the step back and takes the whole step out of the lane ([`scalar_step`], a copy of
//! `Model::step` on the same state: 4 % of RW-1's person-steps, mostly admissions). Inside
//! the lane, as per-lane fix-ups: the gait speed where a definition reads it (12 % of
//! person-steps), the training adaptation of persons who train (11 %), `exp` where
//! `exp_near_zero` leaves its polynomial, the age shape outside its table. Table reads
//! (hazard bounds, the age shape's cubics, height lost) are per lane. The muscle noise
//! and the deviation of strength (one normal each per person-step from the person's own
//! streams) are drawn per lane in both versions; `muscle_normals_only` times those draws alone.
//!
//! Every run first checks that the lanes end every life in the same state as
//! `Model::step` (the `Debug` text of the final `Person`, which prints every `f64`
//! exactly, and the step of death) for every variant. `cargo test` does not run this bench
//! (`test = false`: it copies the step's arithmetic, and a model change must not break the
//! suite through a prototype); after a change of the step, run the check and each benchmark
//! once with `cargo bench --bench lanes -- --test`.
//!
//!     cargo bench --bench lanes
//!
//! Results: docs/performance.md, "Persons in lanes".

// Lane loops index several arrays in lockstep; `!(left > 0.0)` is `rng::Clock::passes`'s
// test negated (a NaN is a candidate, as there).
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use sarcosim::engine::Plan;
use sarcosim::model::classify::{classify_with, Classification};
use sarcosim::model::mortality::{self, MAX_AGE};
use sarcosim::model::{
    body, hospital, illness, muscle, nutrition, training, Model, Modifiers, Person, Streams,
};
use sarcosim::population;
use sarcosim::rng::{self, Process, Stream};
use sarcosim::time::DAYS_PER_YEAR;
use sarcosim::Scenario;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// Persons per run: one engine chunk (`engine::CHUNK_PERSONS`).
const PERSONS: u64 = 512;

// ---------------------------------------------------------------------------------------
// The exponential clock, as `rng::Clock` (whose fields are private): the same draws, but
// with its `left` readable, so that a lane can test whether a candidate falls in the step
// without advancing the clock.

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;
const GAP_SALT: u64 = 0x4528_21e6_38d0_1377;
const ACCEPT_SALT: u64 = 0xbe54_66cf_34e9_0c6c;
const EVENT_SALT: u64 = 0xc0ac_29b7_c97c_50dd;

fn open_unit(h: u64) -> f64 {
    ((h >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

#[derive(Clone, Copy, Debug)]
struct Clock {
    key: u64,
    left: f64,
    n: u32,
}

impl Clock {
    fn new(key: u64) -> Self {
        Self {
            key,
            left: Self::gap(key, 0),
            n: 0,
        }
    }
    fn gap(key: u64, n: u32) -> f64 {
        -open_unit(rng::mix64(
            key ^ GAP_SALT ^ u64::from(n).wrapping_mul(GOLDEN),
        ))
        .ln()
    }
    fn acceptance(key: u64, n: u32) -> f64 {
        open_unit(rng::mix64(
            key ^ ACCEPT_SALT ^ u64::from(n).wrapping_mul(GOLDEN),
        ))
    }
    #[inline(always)]
    fn tick(&mut self, x_upper: f64, exact: impl FnOnce() -> f64) -> bool {
        let left = self.left - x_upper;
        if left > 0.0 {
            self.left = left;
            return false;
        }
        self.candidates(x_upper, exact)
    }
    #[cold]
    #[inline(never)]
    fn candidates(&mut self, x_upper: f64, exact: impl FnOnce() -> f64) -> bool {
        let x = exact();
        let bound = if x_upper.is_finite() && x_upper >= x {
            x_upper
        } else {
            x
        };
        let mut left = self.left - bound;
        while left <= 0.0 {
            let n = self.n;
            self.n += 1;
            if x > 0.0 && (x >= bound || Self::acceptance(self.key, n) * bound < x) {
                self.left = Self::gap(self.key, self.n);
                return true;
            }
            left += Self::gap(self.key, self.n);
        }
        self.left = left;
        false
    }
    fn event_key(&self) -> u64 {
        rng::mix64(self.key ^ EVENT_SALT ^ u64::from(self.n).wrapping_mul(GOLDEN))
    }
}

/// Clock indices: the five onsets, admission, habit, death (as `Streams`).
const ADMISSION: usize = 5;
const HABIT: usize = 6;
const DEATH: usize = 7;
const CLOCKS: usize = 8;

fn clocks_of(seed: u64, draw: u32, person: u64) -> [Clock; CLOCKS] {
    let clock = |p, sub| Clock::new(rng::clock_key(seed, draw, person, p, sub));
    std::array::from_fn(|i| match i {
        0..=4 => clock(Process::Illness, i as u64),
        ADMISSION => clock(Process::Hospital, 0),
        HABIT => clock(Process::Training, 0),
        _ => clock(Process::Mortality, 0),
    })
}

// ---------------------------------------------------------------------------------------
// Tables of the model whose cells are private, rebuilt with the model's own expressions
// (so with the same values): the age shape's cubics from `AgeShape::cubics` (the onset
// bounds are read from `OnsetBounds::row`).

struct Tables {
    /// `AgeShape` of the mass loss, men and women: first age and the cubics by month.
    shape: [(f64, Vec<[f64; 4]>); 2],
    /// `illness::breakdown_term` of every condition set.
    breakdown: [f64; 32],
}

impl Tables {
    fn new(model: &Model) -> Self {
        let p = &model.params;
        Self {
            shape: [false, true]
                .map(|female| muscle::AgeShape::cubics(muscle::Shape::mass(p, female))),
            breakdown: std::array::from_fn(|m| illness::breakdown_term(m as u8, p)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Today's step, copied with the clock above (the out-of-lane path): `Model::step` with
// `Modifiers::NONE` and the muscle normal `z` given (it is drawn once per step, whatever
// happens, so the lane draws it before knowing which path the person takes).

fn scalar_step(
    model: &Model,
    person: &mut Person,
    c: &mut [Clock; CLOCKS],
    z: f64,
    z_strength: f64,
) {
    let (p, dt) = (&model.params, model.dt);
    // Onsets.
    let absent = !person.conditions & 0b1_1111;
    let mut new = 0u8;
    if absent != 0 {
        let mut upper = model.bounds.onset.row(person.female, person.age);
        if absent & 1 != 0 {
            upper[0] *= model.bounds.onset.diabetes_factor(person);
        }
        for (k, clock) in c.iter_mut().take(5).enumerate() {
            let x_upper = if absent & (1 << k) != 0 {
                upper[k]
            } else {
                0.0
            };
            if clock.tick(x_upper, || {
                model.bounds.onset.incidence.rate(person, k) * dt
            }) {
                new |= 1 << k;
            }
        }
    }
    person.conditions |= new;
    // A heart failure may kill at its onset (`mortality::dies_at_onset`), ending the step.
    let hf = mortality::HEART_FAILURE;
    if new & (1 << hf) != 0
        && rng::unit_from_hash(c[hf].event_key()) < p.heart_failure_onset_fatality
    {
        person.alive = false;
        return;
    }
    // Hospital.
    if !person.in_bed() && {
        let x_upper = model.admission_rate_upper(person) * dt;
        c[ADMISSION].tick(x_upper, || hospital::admission_rate(person, p) * dt)
    } {
        let zs: f64 = Stream::seed_from_u64(c[ADMISSION].event_key()).sample(StandardNormal);
        person.bed_days_left = hospital::stay_days(zs, p);
        person.stay_is_illness = true;
    }
    let bed_days = person.bed_days_left.min(model.bed_days_per_step);
    person.bed_days_left -= bed_days;
    let dt_bed = if bed_days == 0 {
        0.0
    } else {
        (f64::from(bed_days) / DAYS_PER_YEAR).min(dt)
    };
    // Habits.
    if bed_days == 0
        && c[HABIT].tick(training::habit_switch_rate(person.sessions, p) * dt, || {
            training::habit_switch_rate(person.sessions, p) * dt
        })
    {
        person.sessions = training::habit_switched(person.sessions, p);
    }
    person.protein = nutrition::drift(person.protein, person.age, dt, p);
    if !person.female {
        person.testosterone *= model.k.testosterone;
    }
    let shape = model.age_shape[usize::from(person.female)].at(person.age);
    let alm_before = person.alm();
    // Mass.
    let m = &Modifiers::NONE;
    let dt_free = dt - dt_bed;
    let rates = muscle::rates_with_shape(person, m, p, shape);
    let bed_loss = f64::from(bed_days)
        * hospital::loss_per_day(person.stay_is_illness, m.hospital_loss_scale, p);
    let regained = if person.recovery_debt == 0.0 {
        0.0
    } else if dt_free == dt {
        person.recovery_debt * model.k.recovery
    } else {
        hospital::recovery(person.recovery_debt, dt_free, p)
    };
    person.recovery_debt += bed_loss * p.recovery_fraction - regained;
    person.alm_base *=
        muscle::exp_near_zero(rates.net() * dt_free - bed_loss + regained + model.k.noise * z);
    // Adaptation.
    let intake = nutrition::effective_intake(person.protein, m);
    let sessions = person.sessions + m.training_sessions;
    let stimulus = if sessions <= 0.0 {
        0.0
    } else {
        training::dose(sessions, p)
            * training::age_response(person.age, p)
            * nutrition::training_factor(intake, person.age, p)
            * m.training_intensity
    };
    let whole_step_untrained = dt_bed == 0.0 && dt_free == dt && dt > 0.0 && !(stimulus > 0.0);
    person.train_adapt = if whole_step_untrained {
        person.train_adapt * model.k.detraining[0]
    } else {
        training::adapt(
            person.train_adapt,
            person.train_ceiling,
            stimulus,
            p.training_gain_rate,
            p.detraining_rate,
            dt_free,
            dt_bed,
        )
    };
    person.quality_adapt = if whole_step_untrained {
        person.quality_adapt * model.k.detraining[1]
    } else {
        training::adapt(
            person.quality_adapt,
            p.quality_training_ceiling,
            stimulus,
            p.quality_training_rate,
            p.quality_detraining_rate,
            dt_free,
            dt_bed,
        )
    };
    // Fat, weight, quality, ageing, classification.
    let fat = body::fat_change(person, dt, p);
    person.fat += fat;
    body::lean_with_fat(person, fat, p);
    person.weight += person.alm() - alm_before + fat;
    let q75 = if person.female {
        p.quality_loss_75_f
    } else {
        p.quality_loss_75_m
    };
    let q_shape = model.quality_shape.at(person.age);
    person.quality_base *=
        muscle::exp_near_zero(-(q75 * q_shape) * dt - p.bed_quality_loss * f64::from(bed_days));
    model.k.strength.advance(person, z_strength);
    person.age += dt;
    person.height = person.peak_height - model.stature.loss(person.age, person.female);
    model.reclassify(person);
    // Death.
    let x_upper = model.death_rate_upper(person) * dt;
    if c[DEATH].tick(x_upper, || model.death_rate(person) * dt) {
        person.alive = false;
    }
}

// ---------------------------------------------------------------------------------------
// The population as a struct of arrays (slots; the dead are swapped out after each step).

#[derive(Default)]
struct Soa {
    /// Everything the step does not read or write (id, cohort, start age).
    cold: Vec<Person>,
    female: Vec<bool>,
    age: Vec<f64>,
    height: Vec<f64>,
    peak_height: Vec<f64>,
    weight: Vec<f64>,
    fat: Vec<f64>,
    alm_base: Vec<f64>,
    train_adapt: Vec<f64>,
    train_ceiling: Vec<f64>,
    quality_base: Vec<f64>,
    quality_adapt: Vec<f64>,
    strength_deviation: Vec<f64>,
    strength_factor: Vec<f64>,
    gait_offset: Vec<f64>,
    protein: Vec<f64>,
    sessions: Vec<f64>,
    testosterone: Vec<f64>,
    menopause_age: Vec<f64>,
    conditions: Vec<u8>,
    bed_days_left: Vec<u32>,
    stay_is_illness: Vec<bool>,
    recovery_debt: Vec<f64>,
    admission_propensity: Vec<f64>,
    morbidity: Vec<f64>,
    cohort_level: Vec<f64>,
    class: Vec<Classification>,
    /// `sarcopenic()` of `class`, as a lane-friendly flag.
    sarcopenic: Vec<bool>,
    muscle: Vec<Stream>,
    strength: Vec<Stream>,
    clock_left: [Vec<f64>; CLOCKS],
    clocks: Vec<[Clock; CLOCKS]>,
    /// Steps lived by each slot's person (its death step when it died).
    steps: Vec<u32>,
}

/// What a simulation ends with: each person's final state and steps lived, by id.
type Ends = Vec<(Person, u32)>;

impl Soa {
    fn new(starts: &[Person], seed: u64) -> Self {
        let mut s = Soa::default();
        for p in starts {
            s.push(
                p.clone(),
                [
                    rng::stream(seed, 0, p.id, Process::Muscle),
                    rng::stream(seed, 0, p.id, Process::Strength),
                ],
                clocks_of(seed, 0, p.id),
                0,
            );
        }
        s
    }

    fn push(
        &mut self,
        p: Person,
        [muscle, strength]: [Stream; 2],
        clocks: [Clock; CLOCKS],
        steps: u32,
    ) {
        self.female.push(p.female);
        self.age.push(p.age);
        self.height.push(p.height);
        self.peak_height.push(p.peak_height);
        self.weight.push(p.weight);
        self.fat.push(p.fat);
        self.alm_base.push(p.alm_base);
        self.train_adapt.push(p.train_adapt);
        self.train_ceiling.push(p.train_ceiling);
        self.quality_base.push(p.quality_base);
        self.quality_adapt.push(p.quality_adapt);
        self.strength_deviation.push(p.strength_deviation);
        self.strength_factor.push(p.strength_factor);
        self.gait_offset.push(p.gait_offset);
        self.protein.push(p.protein);
        self.sessions.push(p.sessions);
        self.testosterone.push(p.testosterone);
        self.menopause_age.push(p.menopause_age);
        self.conditions.push(p.conditions);
        self.bed_days_left.push(p.bed_days_left);
        self.stay_is_illness.push(p.stay_is_illness);
        self.recovery_debt.push(p.recovery_debt);
        self.admission_propensity.push(p.admission_propensity);
        self.morbidity.push(p.morbidity);
        self.cohort_level.push(p.cohort_level);
        self.class.push(p.class);
        self.sarcopenic.push(p.class.sarcopenic());
        self.muscle.push(muscle);
        self.strength.push(strength);
        for (k, c) in clocks.iter().enumerate() {
            self.clock_left[k].push(c.left);
        }
        self.clocks.push(clocks);
        self.steps.push(steps);
        self.cold.push(p);
    }

    fn len(&self) -> usize {
        self.age.len()
    }

    /// The person in slot `i`, whole.
    fn get(&self, i: usize) -> Person {
        let mut p = self.cold[i].clone();
        p.female = self.female[i];
        p.age = self.age[i];
        p.height = self.height[i];
        p.peak_height = self.peak_height[i];
        p.weight = self.weight[i];
        p.fat = self.fat[i];
        p.alm_base = self.alm_base[i];
        p.train_adapt = self.train_adapt[i];
        p.train_ceiling = self.train_ceiling[i];
        p.quality_base = self.quality_base[i];
        p.quality_adapt = self.quality_adapt[i];
        p.strength_deviation = self.strength_deviation[i];
        p.strength_factor = self.strength_factor[i];
        p.gait_offset = self.gait_offset[i];
        p.protein = self.protein[i];
        p.sessions = self.sessions[i];
        p.testosterone = self.testosterone[i];
        p.menopause_age = self.menopause_age[i];
        p.conditions = self.conditions[i];
        p.bed_days_left = self.bed_days_left[i];
        p.stay_is_illness = self.stay_is_illness[i];
        p.recovery_debt = self.recovery_debt[i];
        p.admission_propensity = self.admission_propensity[i];
        p.morbidity = self.morbidity[i];
        p.class = self.class[i];
        p.alive = true;
        p
    }

    /// Writes back what the step changes.
    fn set(&mut self, i: usize, p: &Person) {
        self.age[i] = p.age;
        self.height[i] = p.height;
        self.weight[i] = p.weight;
        self.fat[i] = p.fat;
        self.alm_base[i] = p.alm_base;
        self.train_adapt[i] = p.train_adapt;
        self.quality_base[i] = p.quality_base;
        self.quality_adapt[i] = p.quality_adapt;
        self.strength_deviation[i] = p.strength_deviation;
        self.strength_factor[i] = p.strength_factor;
        self.protein[i] = p.protein;
        self.sessions[i] = p.sessions;
        self.testosterone[i] = p.testosterone;
        self.conditions[i] = p.conditions;
        self.bed_days_left[i] = p.bed_days_left;
        self.stay_is_illness[i] = p.stay_is_illness;
        self.recovery_debt[i] = p.recovery_debt;
        self.class[i] = p.class;
        self.sarcopenic[i] = p.class.sarcopenic();
    }

    /// Slot `i` stepped out of the lane (the whole step, from the state before it).
    #[inline(never)]
    fn step_scalar(&mut self, model: &Model, i: usize, z: f64, z_strength: f64) -> bool {
        let mut p = self.get(i);
        let mut c = self.clocks[i];
        for (k, cl) in c.iter_mut().enumerate() {
            cl.left = self.clock_left[k][i];
        }
        scalar_step(model, &mut p, &mut c, z, z_strength);
        self.set(i, &p);
        for (k, cl) in c.iter().enumerate() {
            self.clock_left[k][i] = cl.left;
        }
        self.clocks[i] = c;
        !p.alive
    }

    /// Removes the dead of this step (swapping the last slot in) into `ends`.
    fn bury(&mut self, dead: &mut Vec<usize>, ends: &mut Ends) {
        dead.sort_unstable();
        while let Some(i) = dead.pop() {
            let mut p = self.get(i);
            p.alive = false;
            ends.push((p, self.steps[i]));
            macro_rules! swap_out {
                ($($f:ident),*) => { $( self.$f.swap_remove(i); )* };
            }
            swap_out!(
                cold,
                female,
                age,
                height,
                peak_height,
                weight,
                fat,
                alm_base,
                train_adapt,
                train_ceiling,
                quality_base,
                quality_adapt,
                strength_deviation,
                strength_factor,
                gait_offset,
                protein,
                sessions,
                testosterone,
                menopause_age,
                conditions,
                bed_days_left,
                stay_is_illness,
                recovery_debt,
                admission_propensity,
                morbidity,
                cohort_level,
                class,
                sarcopenic,
                muscle,
                strength,
                clocks,
                steps
            );
            for k in 0..CLOCKS {
                self.clock_left[k].swap_remove(i);
            }
        }
    }

    fn finish(mut self, mut ends: Ends) -> Ends {
        for i in 0..self.len() {
            ends.push((self.get(i), self.steps[i]));
        }
        self.cold.clear();
        ends.sort_by_key(|(p, _)| p.id);
        ends
    }
}

// ---------------------------------------------------------------------------------------
// The lanes.

/// Lane-wise `exp_near_zero`: the polynomial everywhere, `exp` in the lanes outside it.
#[inline(always)]
fn exp_near_zero_lanes<const L: usize>(x: [f64; L]) -> [f64; L] {
    const LIMIT: f64 = 1.0 / 64.0;
    let mut y = [0.0; L];
    let mut outside = false;
    for i in 0..L {
        let x = x[i];
        y[i] = 1.0
            + x * (1.0
                + x * (1.0 / 2.0
                    + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0))))));
        outside |= !(-LIMIT..=LIMIT).contains(&x);
    }
    if outside {
        for i in 0..L {
            if !(-LIMIT..=LIMIT).contains(&x[i]) {
                y[i] = x[i].exp();
            }
        }
    }
    y
}

macro_rules! load {
    ($v:expr, $b:expr, $L:expr) => {{
        let a: [_; $L] = $v[$b..$b + $L].try_into().expect("a whole group");
        a
    }};
}

/// Steps the `L` persons of slots `b..b + L` by one step. Returns a bit per lane that died.
#[inline(always)]
fn group<const L: usize>(model: &Model, t: &Tables, s: &mut Soa, b: usize) -> u64 {
    let (p, dt) = (&model.params, model.dt);
    let k = &model.k;
    // The muscle noise, drawn in every lane (whatever path it takes).
    let mut z = [0.0; L];
    let mut z_strength = [0.0; L];
    for i in 0..L {
        z[i] = s.muscle[b + i].sample(StandardNormal);
        z_strength[i] = s.strength[b + i].sample(StandardNormal);
    }
    let female = load!(s.female, b, L);
    let age = load!(s.age, b, L);
    let height = load!(s.height, b, L);
    let weight0 = load!(s.weight, b, L);
    let fat0 = load!(s.fat, b, L);
    let alm_base0 = load!(s.alm_base, b, L);
    let train_adapt0 = load!(s.train_adapt, b, L);
    let quality_base0 = load!(s.quality_base, b, L);
    let quality_adapt0 = load!(s.quality_adapt, b, L);
    let strength_deviation0 = load!(s.strength_deviation, b, L);
    let strength_factor0 = load!(s.strength_factor, b, L);
    let protein0 = load!(s.protein, b, L);
    let sessions = load!(s.sessions, b, L);
    let testosterone0 = load!(s.testosterone, b, L);
    let menopause_age = load!(s.menopause_age, b, L);
    let conditions = load!(s.conditions, b, L);
    let bed_days_left = load!(s.bed_days_left, b, L);
    let debt0 = load!(s.recovery_debt, b, L);
    let propensity = load!(s.admission_propensity, b, L);
    let sarcopenic0 = load!(s.sarcopenic, b, L);
    let class0 = load!(s.class, b, L);
    let peak_height = load!(s.peak_height, b, L);
    let cohort_level = load!(s.cohort_level, b, L);

    // Rare: in bed.
    let mut rare = [false; L];
    for i in 0..L {
        rare[i] = bed_days_left[i] > 0;
    }

    // Onset clocks: the bounds from the state before the step.
    let mut alm0 = [0.0; L];
    let mut almi0 = [0.0; L];
    for i in 0..L {
        alm0[i] = alm_base0[i] * (1.0 + train_adapt0[i]);
        almi0[i] = alm0[i] / (height[i] * height[i]);
    }
    let mut onset_x = [[0.0; L]; 5];
    let mut adm_age = [0.0; L];
    for i in 0..L {
        let absent = !conditions[i] & 0b1_1111;
        if absent != 0 {
            let mut upper = model.bounds.onset.row(female[i], age[i]);
            if absent & 1 != 0 {
                let mean = model.bounds.onset.incidence.almi_mean(female[i], age[i]);
                upper[0] *= model.bounds.onset.diabetes_muscle.upper(almi0[i] / mean);
            }
            for c in 0..5 {
                onset_x[c][i] = if absent & (1 << c) != 0 {
                    upper[c]
                } else {
                    0.0
                };
            }
        }
        adm_age[i] = model.bounds.admission_age.upper(age[i]);
    }
    let mut left = [[0.0; L]; CLOCKS];
    let mut left0 = [[0.0; L]; CLOCKS];
    for c in 0..5 {
        let l0 = load!(s.clock_left[c], b, L);
        left0[c] = l0;
        for i in 0..L {
            left[c][i] = l0[i] - onset_x[c][i];
            rare[i] |= !(left[c][i] > 0.0);
        }
    }
    // Admission (no new condition in a lane that stays in it).
    {
        let l0 = load!(s.clock_left[ADMISSION], b, L);
        left0[ADMISSION] = l0;
        for i in 0..L {
            let n = conditions[i].count_ones() as usize;
            let hr = k.admission_condition_hr[n.min(8)];
            let sarcopenia = if sarcopenic0[i] {
                p.admission_sarcopenia_hr
            } else {
                1.0
            };
            let upper =
                p.admission_rate_65 * adm_age[i] * hr * propensity[i] * sarcopenia * (1.0 + 1e-9);
            left[ADMISSION][i] = l0[i] - upper * dt;
            rare[i] |= !(left[ADMISSION][i] > 0.0);
        }
    }
    // Habit.
    {
        let l0 = load!(s.clock_left[HABIT], b, L);
        left0[HABIT] = l0;
        for i in 0..L {
            let rate = if sessions[i] > 0.0 {
                p.habit_stop_per_yr
            } else {
                p.habit_start_per_yr
            };
            left[HABIT][i] = l0[i] - rate * dt;
            rare[i] |= !(left[HABIT][i] > 0.0);
        }
    }
    // Protein and testosterone.
    let mut protein = [0.0; L];
    let mut testosterone = [0.0; L];
    for i in 0..L {
        protein[i] = if age[i] > 70.0 {
            (protein0[i] - p.protein_drift * dt).max(0.3)
        } else {
            protein0[i]
        };
        testosterone[i] = if female[i] {
            testosterone0[i]
        } else {
            testosterone0[i] * k.testosterone
        };
    }
    // The age shape: the table's cubic, or the model's own (exact) path outside it.
    let mut shape = [0.0; L];
    {
        let mut cells = [[0.0; 4]; L];
        let mut frac = [0.0; L];
        let mut outside = false;
        for i in 0..L {
            let (from, table) = &t.shape[usize::from(female[i])];
            let tt = (age[i] - from) * 12.0;
            if tt >= 0.0 && tt < table.len() as f64 {
                let j = tt as i32 as usize;
                frac[i] = tt - j as f64;
                cells[i] = table[j];
            } else {
                outside = true;
            }
        }
        for i in 0..L {
            let [c0, c1, c2, c3] = cells[i];
            let s = frac[i];
            shape[i] = c0 + s * (c1 + s * (c2 + s * c3));
        }
        if outside {
            for i in 0..L {
                let (from, table) = &t.shape[usize::from(female[i])];
                let tt = (age[i] - from) * 12.0;
                if !(tt >= 0.0 && tt < table.len() as f64) {
                    shape[i] = model.age_shape[usize::from(female[i])].at(age[i]);
                }
            }
        }
    }
    // Muscle balance (out of bed for the whole step).
    let k0 = p.basal_turnover * DAYS_PER_YEAR;
    let mut debt = [0.0; L];
    let mut x = [0.0; L];
    let mut intake = [0.0; L];
    for i in 0..L {
        let at75 = if female[i] {
            p.age_loss_75_f
        } else {
            p.age_loss_75_m
        };
        intake[i] = protein[i].max(0.0) + 0.0;
        let response = 1.0 / (1.0 + p.anabolic_resistance * (age[i] - 60.0).max(0.0));
        let relief = (p.protein_effect
            * response
            * (intake[i].min(p.protein_plateau) - p.protein_reference))
            .min(1.0);
        let since = age[i] - menopause_age[i];
        let hormone_f = if (-1.0..2.0).contains(&since) {
            -p.menopause_loss
        } else {
            0.0
        };
        let hormone_m =
            -p.testosterone_effect * (1.0 - testosterone[i] / p.testosterone_65).max(0.0);
        let hormones = if female[i] { hormone_f } else { hormone_m };
        let anabolic = hormones;
        let catabolic =
            at75 * shape[i] * (1.0 - relief) + t.breakdown[usize::from(conditions[i] & 0b1_1111)];
        let mps = k0 + anabolic;
        let mpb = k0 + catabolic;
        let net = (mps - mpb).min(0.0) + 0.0;
        let regained = if debt0[i] == 0.0 {
            0.0
        } else {
            debt0[i] * k.recovery
        };
        debt[i] = debt0[i] + (0.0 * p.recovery_fraction - regained);
        x[i] = net * dt - 0.0 + regained + k.noise * z[i];
    }
    let grow = exp_near_zero_lanes(x);
    let mut alm_base = [0.0; L];
    for i in 0..L {
        alm_base[i] = alm_base0[i] * grow[i];
    }
    // Training adaptation: decay, or the model's own adaptation where a person trains.
    let mut train_adapt = [0.0; L];
    let mut quality_adapt = [0.0; L];
    let mut trains = false;
    for i in 0..L {
        train_adapt[i] = train_adapt0[i] * k.detraining[0];
        quality_adapt[i] = quality_adapt0[i] * k.detraining[1];
        trains |= sessions[i] > 0.0;
    }
    if trains {
        for i in 0..L {
            if sessions[i] > 0.0 {
                let stimulus = training::dose(sessions[i], p)
                    * training::age_response(age[i], p)
                    * nutrition::training_factor(intake[i], age[i], p)
                    * 1.0;
                if stimulus > 0.0 {
                    let ceiling = s.train_ceiling[b + i];
                    train_adapt[i] = training::adapt(
                        train_adapt0[i],
                        ceiling,
                        stimulus,
                        p.training_gain_rate,
                        p.detraining_rate,
                        dt,
                        0.0,
                    );
                    quality_adapt[i] = training::adapt(
                        quality_adapt0[i],
                        p.quality_training_ceiling,
                        stimulus,
                        p.quality_training_rate,
                        p.quality_detraining_rate,
                        dt,
                        0.0,
                    );
                }
            }
        }
    }
    // Fat, the lean with it, weight, quality, ageing.
    let mut fat = [0.0; L];
    let mut weight = [0.0; L];
    let mut quality_base = [0.0; L];
    let mut qx = [0.0; L];
    let mut new_age = [0.0; L];
    for i in 0..L {
        let peak = if female[i] {
            p.fat_peak_age_f
        } else {
            p.fat_peak_age_m
        };
        let rate = p.fat_gain * ((peak - age[i]) / body::PEAK_RAMP_YEARS).clamp(-1.0, 1.0);
        let change = fat0[i] * rate * dt;
        let d_fat = change.max(body::MIN_FAT_SHARE * weight0[i] - fat0[i]);
        fat[i] = fat0[i] + d_fat;
        let alm = alm_base[i] * (1.0 + train_adapt[i]);
        let gained = (p.alm_per_fat * d_fat).max(-0.5 * alm);
        let factor = 1.0 + gained / alm;
        alm_base[i] *= factor;
        let qb = quality_base0[i] / factor;
        let alm_before = alm_base0[i] * (1.0 + train_adapt0[i]);
        weight[i] = weight0[i] + (alm_base[i] * (1.0 + train_adapt[i]) - alm_before + d_fat);
        let q75 = if female[i] {
            p.quality_loss_75_f
        } else {
            p.quality_loss_75_m
        };
        // The quality shape has its own table since the measurements above (read per lane
        // here, from the model: the prototype stays bit-identical, not vectorised).
        qx[i] = -(q75 * model.quality_shape.at(age[i])) * dt - p.bed_quality_loss * 0.0;
        quality_base[i] = qb;
        new_age[i] = age[i] + dt;
    }
    let qf = exp_near_zero_lanes(qx);
    let mut new_height = [0.0; L];
    let mut strength_deviation = [0.0; L];
    let mut strength_factor = [0.0; L];
    for i in 0..L {
        quality_base[i] *= qf[i];
        strength_deviation[i] = k
            .strength
            .next(strength_deviation0[i], female[i], z_strength[i]);
        strength_factor[i] = strength_deviation[i].exp();
        new_height[i] = peak_height[i] - model.stature.loss(new_age[i], female[i]);
    }
    // Classification: the definitions' cut-offs lane-wise; where one reads gait, the
    // model's own classification.
    let mut grip = [0.0; L];
    let mut alm = [0.0; L];
    let mut almi = [0.0; L];
    let mut bmi = [0.0; L];
    let mut class = [Classification::default(); L];
    let mut sarcopenic = [false; L];
    let mut gait_lanes = false;
    let mut reads_gait = [false; L];
    for i in 0..L {
        use sarcosim::model::classify::*;
        let sx = usize::from(female[i]);
        alm[i] = alm_base[i] * (1.0 + train_adapt[i]);
        grip[i] = quality_base[i] * (1.0 + quality_adapt[i]) * strength_factor[i] * alm[i];
        let h2 = new_height[i] * new_height[i];
        almi[i] = alm[i] / h2;
        bmi[i] = weight[i] / h2;
        let e_gait = !(grip[i] >= EWGSOP2_GRIP[sx]) && !(almi[i] >= EWGSOP2_ALMI[sx]);
        reads_gait[i] = e_gait || almi[i] < AWGS_ALMI[sx];
        gait_lanes |= reads_gait[i];
        let fnih = grip[i] < FNIH_GRIP[sx] && alm[i] / bmi[i] < FNIH_ALM_BMI[sx];
        class[i] = Classification {
            ewgsop2: if grip[i] >= EWGSOP2_GRIP[sx] {
                NONE
            } else {
                PROBABLE
            },
            fnih,
            awgs: 0,
        };
    }
    if gait_lanes {
        for i in 0..L {
            if reads_gait[i] {
                let sx = usize::from(female[i]);
                let gait = || {
                    let base = if female[i] { p.gait_65_f } else { p.gait_65_m };
                    let n = conditions[i].count_ones()
                        + model.morbidity.count(new_age[i], s.morbidity[b + i]);
                    (base + p.gait_per_grip * (grip[i] - model.grip_reference[sx])
                        - p.gait_age_slope * (new_age[i] - 75.0).max(0.0)
                        - p.gait_per_condition * f64::from(n)
                        + s.gait_offset[b + i])
                        .clamp(0.05, 2.5)
                };
                class[i] = classify_with(female[i], grip[i], alm[i], almi[i], bmi[i], gait);
            }
        }
    }
    // Death clock.
    {
        let l0 = load!(s.clock_left[DEATH], b, L);
        left0[DEATH] = l0;
        for i in 0..L {
            sarcopenic[i] = class[i].sarcopenic();
            let sx = usize::from(female[i]);
            let a = (new_age[i].max(0.0) as i32 as usize).min(MAX_AGE);
            let deficit = ((model.grip_reference[sx] * cohort_level[i] - grip[i]) / 5.0).max(0.0);
            let grip_hr = if deficit == 0.0 {
                1.0
            } else {
                model.bounds.grip_hr[sx].upper(deficit)
            };
            let muscle_hr = if sarcopenic[i] {
                grip_hr.max(p.sarcopenia_hr)
            } else {
                grip_hr
            };
            let upper = model.hazard[sx][a]
                * muscle_hr
                * model.bounds.bmi_hr.upper(bmi[i])
                * model.bounds.condition_hr[usize::from(conditions[i] & 0b1_1111)]
                * (1.0 + 1e-9);
            left[DEATH][i] = l0[i] - upper * dt;
            rare[i] |= !(left[DEATH][i] > 0.0);
        }
    }
    // Store every lane (whole vectors, no branch per lane); then put the state before the
    // step back in the rare lanes and step them out of the lane.
    macro_rules! store {
        ($($f:ident <- $v:expr, $old:expr);*) => {
            $( s.$f[b..b + L].copy_from_slice(&$v); )*
            if rare.iter().any(|&r| r) {
                for i in 0..L {
                    if rare[i] {
                        $( s.$f[b + i] = $old[i]; )*
                    }
                }
            }
        };
    }
    store!(
        protein <- protein, protein0;
        testosterone <- testosterone, testosterone0;
        alm_base <- alm_base, alm_base0;
        train_adapt <- train_adapt, train_adapt0;
        quality_adapt <- quality_adapt, quality_adapt0;
        fat <- fat, fat0;
        weight <- weight, weight0;
        quality_base <- quality_base, quality_base0;
        strength_deviation <- strength_deviation, strength_deviation0;
        strength_factor <- strength_factor, strength_factor0;
        class <- class, class0;
        sarcopenic <- sarcopenic, sarcopenic0;
        age <- new_age, age;
        height <- new_height, height;
        recovery_debt <- debt, debt0
    );
    for c in 0..CLOCKS {
        s.clock_left[c][b..b + L].copy_from_slice(&left[c]);
        for i in 0..L {
            if rare[i] {
                s.clock_left[c][b + i] = left0[c][i];
            }
        }
    }
    let mut died = 0u64;
    for i in 0..L {
        s.steps[b + i] += 1;
        if rare[i] && s.step_scalar(model, b + i, z[i], z_strength[i]) {
            died |= 1 << i;
        }
    }
    died
}

/// One whole simulation in lanes of `L`: every person to death or the horizon.
#[inline(always)]
fn simulate_lanes<const L: usize>(
    model: &Model,
    t: &Tables,
    starts: &[Person],
    seed: u64,
    horizon: u32,
) -> Ends {
    let mut s = Soa::new(starts, seed);
    let mut ends = Vec::with_capacity(starts.len());
    let mut dead = Vec::new();
    for _ in 0..horizon {
        let n = s.len();
        let whole = n - n % L;
        for b in (0..whole).step_by(L) {
            let mut died = group::<L>(model, t, &mut s, b);
            while died != 0 {
                dead.push(b + died.trailing_zeros() as usize);
                died &= died - 1;
            }
        }
        for i in whole..n {
            let z = s.muscle[i].sample(StandardNormal);
            let z_strength = s.strength[i].sample(StandardNormal);
            s.steps[i] += 1;
            if s.step_scalar(model, i, z, z_strength) {
                dead.push(i);
            }
        }
        s.bury(&mut dead, &mut ends);
    }
    s.finish(ends)
}

// One function per variant (distinct symbols for profilers), all the same source.

#[inline(never)]
fn lanes4_sse2(s: &Setup) -> Ends {
    simulate_lanes::<4>(
        &s.model,
        &s.tables,
        &s.starts,
        s.scenario.seed,
        s.scenario.horizon_steps,
    )
}

#[inline(never)]
fn lanes8_sse2(s: &Setup) -> Ends {
    simulate_lanes::<8>(
        &s.model,
        &s.tables,
        &s.starts,
        s.scenario.seed,
        s.scenario.horizon_steps,
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn lanes4_avx2_unchecked(s: &Setup) -> Ends {
    simulate_lanes::<4>(
        &s.model,
        &s.tables,
        &s.starts,
        s.scenario.seed,
        s.scenario.horizon_steps,
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn lanes8_avx2_unchecked(s: &Setup) -> Ends {
    simulate_lanes::<8>(
        &s.model,
        &s.tables,
        &s.starts,
        s.scenario.seed,
        s.scenario.horizon_steps,
    )
}

#[cfg(target_arch = "x86_64")]
fn lanes4_avx2(s: &Setup) -> Ends {
    assert!(has_avx2());
    // SAFETY: the CPU has AVX2 (asserted).
    unsafe { lanes4_avx2_unchecked(s) }
}

#[cfg(target_arch = "x86_64")]
fn lanes8_avx2(s: &Setup) -> Ends {
    assert!(has_avx2());
    // SAFETY: the CPU has AVX2 (asserted).
    unsafe { lanes8_avx2_unchecked(s) }
}

fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The floor no layout removes: the muscle normal of every person-step alone (each
/// person's own stream, as many draws as steps lived), summed so nothing is optimised out.
#[inline(never)]
fn normals_only(starts: &[Person], seed: u64, steps: &[u32]) -> f64 {
    let mut sum = 0.0;
    for (p, &n) in starts.iter().zip(steps) {
        let mut stream = rng::stream(seed, 0, p.id, Process::Muscle);
        for _ in 0..n {
            let z: f64 = stream.sample(StandardNormal);
            sum += z;
        }
    }
    sum
}

/// Today: `Model::step`, one person at a time through their whole horizon.
#[inline(never)]
fn one_by_one(model: &Model, starts: &[Person], seed: u64, horizon: u32) -> Ends {
    starts
        .iter()
        .map(|start| {
            let mut p = start.clone();
            let mut streams = Streams::new(seed, 0, p.id);
            let mut steps = 0;
            while steps < horizon {
                steps += 1;
                if model.step(&mut p, &mut streams, &Modifiers::NONE).died {
                    break;
                }
            }
            (p, steps)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------

/// A way of simulating the persons of a [`Setup`].
type Variant = fn(&Setup) -> Ends;

struct Setup {
    scenario: Scenario,
    model: Model,
    tables: Tables,
    starts: Vec<Person>,
}

fn setup() -> Setup {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench/rw1-1m.toml");
    let scenario = Scenario::from_file(&path).expect("the benchmark scenario is valid");
    let model = Plan::new(&scenario, 0..0).models.remove(0);
    let starts = (0..PERSONS)
        .map(|id| population::sample(id, &scenario.cohorts, &model, scenario.seed, 0))
        .collect();
    let tables = Tables::new(&model);
    Setup {
        scenario,
        model,
        tables,
        starts,
    }
}

/// The lanes end every life exactly as `Model::step` does (panics otherwise).
///
/// The lanes (`group`) and `scalar_step` copy `Model::step`'s arithmetic: a change to the
/// step (a new term, a new state variable) must be copied here too, or this check fails.
const STALE: &str = "benches/lanes.rs copies Model::step's arithmetic into its lanes and \
                     scalar_step: has the step changed without them?";

fn check_identical(name: &str, lanes: &Ends, today: &Ends) {
    assert_eq!(lanes.len(), today.len(), "{name}: persons");
    for ((a, sa), (b, sb)) in lanes.iter().zip(today) {
        assert_eq!(a.id, b.id);
        assert_eq!(
            sa, sb,
            "{name}: person {} lived a different number of steps ({STALE})",
            a.id
        );
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "{name}: person {} ends in a different state ({STALE})",
            a.id
        );
    }
}

fn bench_lanes(c: &mut Criterion) {
    let s = setup();
    let (model, seed, horizon) = (&s.model, s.scenario.seed, s.scenario.horizon_steps);
    let today = one_by_one(model, &s.starts, seed, horizon);
    let steps: u64 = today.iter().map(|(_, n)| u64::from(*n)).sum();
    let mut variants: Vec<(&str, Variant)> =
        vec![("lanes4_sse2", lanes4_sse2), ("lanes8_sse2", lanes8_sse2)];
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        variants.push(("lanes4_avx2", lanes4_avx2));
        variants.push(("lanes8_avx2", lanes8_avx2));
    }
    for (name, f) in &variants {
        check_identical(name, &f(&s), &today);
    }
    let mut g = c.benchmark_group("lanes");
    // One element per person-step: criterion's time per element is ns per person-step.
    g.throughput(Throughput::Elements(steps));
    g.sample_size(20).measurement_time(Duration::from_secs(6));
    g.bench_function("one_by_one_model_step", |b| {
        b.iter(|| black_box(one_by_one(model, &s.starts, seed, horizon)))
    });
    let lived: Vec<u32> = today.iter().map(|(_, n)| *n).collect();
    g.bench_function("muscle_normals_only", |b| {
        b.iter(|| black_box(normals_only(&s.starts, seed, &lived)))
    });
    for (name, f) in &variants {
        g.bench_function(*name, |b| b.iter(|| black_box(f(&s))));
    }
    g.finish();
}

criterion_group!(benches, bench_lanes);
criterion_main!(benches);
