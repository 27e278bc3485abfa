//! One step of one person: the order of operations, and the [`Model`] that holds what
//! every step needs (parameters of the draw, step length, calibrated mortality).
//!
//! Order: illness onset → hospital admission or forced bed rest → habitual training →
//! protein and hormone drift → muscle balance (in bed and out) → training adaptation →
//! fat and weight → muscle quality → ageing and shrinking → classification → death. The
//! muscle noise is one normal per step whatever happens, so arms stay aligned (CRN); the
//! rare events run on exponential clocks ([`rng::Clock`]) whose draws are keyed by the
//! event's index, not by the step.

use super::bounds::UpperBound;
use super::classify::{classify_with, Measures};
use super::cohort;
use super::gait::Morbidity;
use super::illness::OnsetBounds;
use super::mortality::{self, AgeTable, Reference, StartLaw, MAX_AGE};
use super::stature::{self, Shrinking, REFERENCE_AGE};
use super::{body, hospital, illness, muscle, nutrition, strength, training, Modifiers, Person};
use crate::params::Params;
use crate::rng::{self, Clock, Process, Stream};
use crate::time::{Duration, DAYS_PER_YEAR};
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// A person's random state, one part per process: the muscle noise's stream and the
/// strength deviation's (one normal per step each) and an exponential clock for each rare event.
#[derive(Clone, Debug)]
pub struct Streams {
    pub muscle: Stream,
    pub strength: Stream,
    /// Onset of each of the five conditions (one event per life: conditions stay).
    pub onset: [Clock; 5],
    /// Hospital admissions; the length of a stay is keyed by its admission.
    pub admission: Clock,
    /// Habitual training starting or stopping (alternating).
    pub habit: Clock,
    pub death: Clock,
}

impl Streams {
    pub fn new(seed: u64, draw: u32, person: u64) -> Self {
        let clock = |p, sub| Clock::new(rng::clock_key(seed, draw, person, p, sub));
        Self {
            muscle: rng::stream(seed, draw, person, Process::Muscle),
            strength: rng::stream(seed, draw, person, Process::Strength),
            onset: std::array::from_fn(|c| clock(Process::Illness, c as u64)),
            admission: clock(Process::Hospital, 0),
            habit: clock(Process::Training, 0),
            death: clock(Process::Mortality, 0),
        }
    }

    /// The standard normal deviate of the admission just made (its stay's length): drawn
    /// only on admission, keyed by the admission's candidate index.
    fn stay_deviate(&self) -> f64 {
        Stream::seed_from_u64(self.admission.event_key()).sample(StandardNormal)
    }
}

/// What happened to a person in one step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepEvents {
    pub admitted: bool,
    pub bed_days: u32,
    pub new_conditions: u8,
    pub died: bool,
}

/// Everything a step needs that is the same for every person of a draw.
#[derive(Clone, Debug)]
pub struct Model {
    pub params: Params,
    /// Step length, years.
    pub dt: f64,
    /// Step length, days.
    pub step_days: f64,
    /// Bed days one step can hold (whole days).
    pub bed_days_per_step: u32,
    /// Calibrated yearly baseline hazard by sex and age.
    pub hazard: AgeTable,
    /// Yearly fall of the baseline hazard over run time (`[mortality]
    /// improvement_per_year`, 0 to 0.1): ×(1 − r)^(years since the start).
    pub mortality_improvement: f64,
    /// Starting muscle by age, measured on the same reference population.
    pub start_law: StartLaw,
    /// Height lost with age.
    pub stature: Shrinking,
    /// Other chronic conditions by age ([`super::gait`]).
    pub morbidity: Morbidity,
    /// ALM/height² of a 65-year-old on the age-related law, by sex (reference for
    /// diabetes risk).
    pub almi_reference: [f64; 2],
    /// Grip of the same 65-year-old of mean height, by sex (reference for mortality and
    /// gait).
    pub grip_reference: [f64; 2],
    /// Per-step constants, computed once with the same expressions the step would use.
    pub k: StepConstants,
    /// Upper bounds of hazard factors, for deciding most events without `exp`/`powf`.
    pub bounds: HazardBounds,
    /// The age shape of the loss of muscle mass by month of age ([`muscle::AgeShape`]),
    /// men and women.
    pub age_shape: [muscle::AgeShape; 2],
    /// The age shape of the loss of muscle quality by month of age.
    pub quality_shape: muscle::AgeShape,
}

/// Tabulated upper bounds of the factors of the event hazards (see [`super::bounds`]).
#[derive(Clone, Debug)]
pub struct HazardBounds {
    /// Each condition's incidence over a step, and the diabetes muscle factor.
    pub onset: OnsetBounds,
    /// `exp(admission_age_slope·(age − 65))`.
    pub admission_age: UpperBound,
    /// `grip_hr_per_5kg^deficit` by sex, deficit in 5 kg units.
    pub grip_hr: [UpperBound; 2],
    /// The product of the mortality hazard ratios of the conditions in a bitmask.
    pub condition_hr: [f64; 32],
    /// The BMI mortality hazard ratio ([`mortality::bmi_hr`]), BMI 10-90 kg/m² in cells of
    /// 0.0125 kg/m². Cells ten times wider (640) made paired comparisons three times
    /// noisier: where a variant's BMI crosses a cell edge the bound jumps, and the death
    /// clock's candidates of the two variants part ways (`sarcosim sensitivity`, 20,000
    /// persons: ±MC95 of ΔQALY 0.0018 against 0.00054-0.00065 with the exact factor or
    /// these cells; docs/performance.md).
    pub bmi_hr: UpperBound,
}

impl HazardBounds {
    fn new(p: &Params, dt: f64, incidence: illness::Incidence) -> Self {
        let cond = p.condition_hr();
        Self {
            onset: OnsetBounds::new(p, dt, incidence),
            admission_age: UpperBound::new(0.0, 130.0, 520, |a| {
                (p.admission_age_slope * (a - 65.0)).exp()
            }),
            grip_hr: [p.grip_hr_per_5kg_m, p.grip_hr_per_5kg_f]
                .map(|h| UpperBound::new(0.0, 20.0, 640, |d| h.powf(d))),
            condition_hr: std::array::from_fn(|mask| {
                cond.iter()
                    .enumerate()
                    .filter(|(c, _)| mask & (1 << c) != 0)
                    .fold(1.0, |acc, (_, h)| acc * h)
                    * (1.0 + 1e-9)
            }),
            bmi_hr: UpperBound::new(10.0, 90.0, 6400, |b| mortality::bmi_hr(b, p)),
        }
    }
}

/// What a whole step out of bed multiplies by, precomputed (same arithmetic as inline).
#[derive(Clone, Copy, Debug)]
pub struct StepConstants {
    /// `exp(−testosterone_decline·dt)`.
    pub testosterone: f64,
    /// `noise_sd·√dt`.
    pub noise: f64,
    /// `1 − exp(−recovery_rate·dt)`: share of the recovery debt regained in a step out of bed.
    pub recovery: f64,
    /// `exp(−detraining_rate·dt)` and `exp(−quality_detraining_rate·dt)`: decay of training
    /// gains over a step out of bed without training.
    pub detraining: [f64; 2],
    /// `admission_condition_hr^n` for n = 0..=8 conditions.
    pub admission_condition_hr: [f64; 9],
    /// The step of the deviation of strength ([`super::strength`]).
    pub strength: strength::Fluctuation,
}

impl Model {
    /// A model for this draw's parameters, with the baseline hazard and starting law of
    /// `reference` (`crate::reference::calibrate` measures them for these parameters; the
    /// calibration itself starts from the raw life table and the analytic law).
    pub fn new(params: Params, step: Duration, reference: &Reference) -> Self {
        let p = &params;
        let stature = Shrinking::new(p);
        // The references follow the age-related law (not the measured one), so that the
        // mortality calibration and the model it produces share them.
        let analytic = StartLaw::analytic(p);
        let almi_young = [p.almi_young_m, p.almi_young_f];
        let almi_reference = [0, 1].map(|s| {
            almi_young[s] * (-StartLaw::at(&analytic.log_almi, s == 1, REFERENCE_AGE)).exp()
        });
        let quality = [p.quality_mean_65_m, p.quality_mean_65_f];
        let grip_reference = [0, 1].map(|s| {
            let female = s == 1;
            let height = stature::mean_peak(65.0, female, p) - stature.loss(65.0, female);
            almi_reference[s] * height * height * quality[s]
        });
        // Diabetes's muscle factor compares a person with the mean of their age on the same
        // law (`illness::Incidence`).
        let incidence = illness::Incidence::new(
            super::incidence_table::default_table(),
            |female, age| {
                let s = usize::from(female);
                almi_reference[s] * StartLaw::at(&analytic.log_almi, female, age).exp()
            },
            p,
        );
        let step_days = step.days();
        let dt = step.years();
        let k = StepConstants {
            testosterone: (-p.testosterone_decline * dt).exp(),
            noise: p.noise_sd * dt.sqrt(),
            recovery: 1.0 - (-p.recovery_rate * dt).exp(),
            detraining: [
                (-p.detraining_rate * dt).exp(),
                (-p.quality_detraining_rate * dt).exp(),
            ],
            admission_condition_hr: std::array::from_fn(|n| {
                p.admission_condition_hr.powi(n as i32)
            }),
            strength: strength::Fluctuation::new(dt, p),
        };
        Self {
            k,
            bounds: HazardBounds::new(p, dt, incidence),
            age_shape: [false, true].map(|f| muscle::AgeShape::new(muscle::Shape::mass(p, f))),
            quality_shape: muscle::AgeShape::new(muscle::Shape::quality(p)),
            dt: step.years(),
            step_days,
            bed_days_per_step: step_days.round().max(1.0) as u32,
            hazard: reference.hazard,
            mortality_improvement: 0.0,
            start_law: reference.start,
            stature,
            morbidity: Morbidity::new(p),
            almi_reference,
            grip_reference,
            params,
        }
    }

    /// Every chronic condition of the person now: the model's five and the others
    /// ([`super::gait`]).
    #[inline]
    pub fn chronic_conditions(&self, person: &Person) -> u32 {
        person.n_conditions() + self.morbidity.count(person.age, person.morbidity)
    }

    /// Habitual gait speed, m/s: the sex reference, moved by grip away from the reference,
    /// age beyond 75, every chronic condition and the person's own offset
    /// ([`super::gait`]).
    #[inline]
    pub fn gait(&self, person: &Person) -> f64 {
        let p = &self.params;
        let s = usize::from(person.female);
        let base = if person.female {
            p.gait_65_f
        } else {
            p.gait_65_m
        };
        (base + p.gait_per_grip * (person.grip() - self.grip_reference[s])
            - p.gait_age_slope * (person.age - 75.0).max(0.0)
            - p.gait_per_condition * f64::from(self.chronic_conditions(person))
            + person.gait_offset)
            .clamp(0.05, 2.5)
    }

    #[inline]
    pub fn measures(&self, person: &Person) -> Measures {
        Measures {
            female: person.female,
            grip: person.grip(),
            alm: person.alm(),
            alm_index: person.alm_index(),
            bmi: person.bmi(),
            gait: self.gait(person),
        }
    }

    /// Updates the person's classification from their current state (the same as
    /// `classify(&self.measures(person))`, with the gait computed only when a definition
    /// reads it).
    #[inline]
    pub fn reclassify(&self, person: &mut Person) {
        person.class = classify_with(
            person.female,
            person.grip(),
            person.alm(),
            person.alm_index(),
            person.bmi(),
            || self.gait(person),
        );
    }

    /// The person as a cross-section taken when they entered would show them: moved to the
    /// birth cohort of their present age ([`super::cohort::view`]) — its grip per kg ALM and
    /// its shorter adult height, with ALM, weight and fat scaled by the height ratio²
    /// (ALM/height² and BMI kept) — and the classification that follows. Read by designs
    /// that follow one cohort.
    pub fn cross_sectional(&self, person: &Person) -> Person {
        let (quality, height) =
            cohort::view(person.age, person.start_age, person.female, &self.params);
        let mut view = person.clone();
        view.quality_base *= quality;
        view.height *= height;
        view.peak_height *= height;
        let area = height * height;
        view.alm_base *= area;
        view.weight *= area;
        view.fat *= area;
        self.reclassify(&mut view);
        view
    }

    /// The person's yearly hazard of death now.
    #[inline]
    pub fn death_rate(&self, person: &Person) -> f64 {
        let s = usize::from(person.female);
        // Via i32: a float→usize cast is a dozen instructions on x86-64, and ages fit.
        let age = (person.age.max(0.0) as i32 as usize).min(MAX_AGE);
        let rate = self.hazard[s][age]
            * mortality::hazard_ratio(person, self.grip_reference[s], &self.params);
        if self.mortality_improvement > 0.0 {
            // At most 1, so `death_rate_upper` stays an upper bound.
            rate * (1.0 - self.mortality_improvement).powf(person.age - person.start_age)
        } else {
            rate
        }
    }

    /// An upper bound of [`hospital::admission_rate`] without `exp` (it must follow every
    /// factor of that function: `tests::hazard_bounds_hold` checks it).
    #[inline]
    pub fn admission_rate_upper(&self, person: &Person) -> f64 {
        let p = &self.params;
        let Some(hr) = self
            .k
            .admission_condition_hr
            .get(person.n_conditions() as usize)
        else {
            return f64::INFINITY;
        };
        let sarcopenia = if person.class.sarcopenic() {
            p.admission_sarcopenia_hr
        } else {
            1.0
        };
        p.admission_rate_65
            * self.bounds.admission_age.upper(person.age)
            * hr
            * person.admission_propensity
            * sarcopenia
            * (1.0 + 1e-9)
    }

    /// An upper bound of [`Model::death_rate`] without `powf` (checked by
    /// `tests::hazard_bounds_hold`).
    #[inline]
    pub fn death_rate_upper(&self, person: &Person) -> f64 {
        let p = &self.params;
        let s = usize::from(person.female);
        // Via i32: a float→usize cast is a dozen instructions on x86-64, and ages fit.
        let age = (person.age.max(0.0) as i32 as usize).min(MAX_AGE);
        let deficit =
            ((self.grip_reference[s] * person.cohort_level - person.grip()) / 5.0).max(0.0);
        let grip_hr = if deficit == 0.0 {
            1.0
        } else {
            self.bounds.grip_hr[s].upper(deficit)
        };
        let muscle_hr = if person.class.sarcopenic() {
            grip_hr.max(p.sarcopenia_hr)
        } else {
            grip_hr
        };
        self.hazard[s][age]
            * muscle_hr
            * self.bounds.bmi_hr.upper(person.bmi())
            * self.bounds.condition_hr[usize::from(person.conditions & 0b1_1111)]
            * (1.0 + 1e-9)
    }

    /// Advances a living person by one step: new conditions (a heart failure may kill at
    /// its onset, [`mortality::dies_at_onset`], ending the step), a hospital stay, habits,
    /// muscle mass, training adaptation and quality, then ageing and death, in that order.
    /// Each process draws only from its own stream, so the phases below keep every draw.
    pub fn step(&self, person: &mut Person, s: &mut Streams, m: &Modifiers) -> StepEvents {
        let mut ev = StepEvents {
            new_conditions: illness::onset_by_clocks(
                person,
                &mut s.onset,
                self.dt,
                &self.bounds.onset,
            ),
            ..StepEvents::default()
        };
        person.conditions |= ev.new_conditions;
        if ev.new_conditions != 0
            && mortality::dies_at_onset(ev.new_conditions, &s.onset, &self.params)
        {
            person.alive = false;
            ev.died = true;
            return ev;
        }
        let bed_days = self.hospital_phase(person, s, m, &mut ev);
        let dt_bed = if bed_days == 0 {
            0.0 // = (0 / DAYS_PER_YEAR).min(dt)
        } else {
            (f64::from(bed_days) / DAYS_PER_YEAR).min(self.dt)
        };
        self.habits_phase(person, s, bed_days);
        let shape = self.age_shape[usize::from(person.female)].at(person.age);
        let alm_before = person.alm();
        self.mass_phase(person, s, m, shape, bed_days, dt_bed);
        self.adaptation_phase(person, m, dt_bed);
        let fat = body::fat_change(person, self.dt, &self.params);
        person.fat += fat;
        body::lean_with_fat(person, fat, &self.params);
        person.weight += person.alm() - alm_before + fat;
        self.quality_phase(person, self.quality_shape.at(person.age), bed_days);
        // One normal every step, whatever happens (common random numbers).
        self.k
            .strength
            .advance(person, s.strength.sample(StandardNormal));
        person.age += self.dt;
        person.height = person.peak_height - self.stature.loss(person.age, person.female);
        self.reclassify(person);
        let x_upper = self.death_rate_upper(person) * self.dt;
        // = s.death.tick(x_upper, || self.death_rate(person) * dt)
        if !s.death.passes(x_upper) && self.death_candidates(&mut s.death, x_upper, person) {
            person.alive = false;
            ev.died = true;
        }
        ev
    }

    /// The candidates of the death clock with the exact hazard, out of line.
    #[cold]
    #[inline(never)]
    fn death_candidates(&self, clock: &mut Clock, x_upper: f64, person: &Person) -> bool {
        clock.candidates(x_upper, || self.death_rate(person) * self.dt)
    }

    /// The candidates of the admission clock with the exact hazard, out of line.
    #[cold]
    #[inline(never)]
    fn admission_candidates(&self, clock: &mut Clock, x_upper: f64, person: &Person) -> bool {
        clock.candidates(x_upper, || {
            hospital::admission_rate(person, &self.params) * self.dt
        })
    }

    /// A forced or illness stay begins, and this step's bed days are taken from it.
    #[inline]
    fn hospital_phase(
        &self,
        person: &mut Person,
        s: &mut Streams,
        m: &Modifiers,
        ev: &mut StepEvents,
    ) -> u32 {
        let dt = self.dt;
        if m.forced_bed_days > 0 {
            if !person.in_bed() {
                person.stay_is_illness = false;
            }
            person.bed_days_left += m.forced_bed_days;
        } else if !person.in_bed() && {
            let x_upper = self.admission_rate_upper(person) * dt;
            // = s.admission.tick(x_upper, || hospital::admission_rate(person, p) * dt)
            !s.admission.passes(x_upper)
                && self.admission_candidates(&mut s.admission, x_upper, person)
        } {
            person.bed_days_left = hospital::stay_days(s.stay_deviate(), &self.params);
            person.stay_is_illness = true;
            ev.admitted = true;
        }
        let bed_days = person.bed_days_left.min(self.bed_days_per_step);
        person.bed_days_left -= bed_days;
        ev.bed_days = bed_days;
        bed_days
    }

    /// Training habit (out of bed only: its clock stands still in bed), protein intake and
    /// testosterone drift.
    #[inline]
    fn habits_phase(&self, person: &mut Person, s: &mut Streams, bed_days: u32) {
        let (p, dt) = (&self.params, self.dt);
        if bed_days == 0
            && s.habit
                .tick_exact(training::habit_switch_rate(person.sessions, p) * dt)
        {
            person.sessions = training::habit_switched(person.sessions, p);
        }
        person.protein = nutrition::drift(person.protein, person.age, dt, p);
        if !person.female {
            // = hormones::decline(person.testosterone, dt, p), with the factor precomputed.
            person.testosterone *= self.k.testosterone;
        }
    }

    /// Muscle mass: the balance out of bed, the loss in bed and the recovery of it.
    #[inline]
    fn mass_phase(
        &self,
        person: &mut Person,
        s: &mut Streams,
        m: &Modifiers,
        shape: f64,
        bed_days: u32,
        dt_bed: f64,
    ) {
        let (p, dt) = (&self.params, self.dt);
        let dt_free = dt - dt_bed;
        let rates = muscle::rates_with_shape(person, m, p, shape);
        let bed_loss = f64::from(bed_days)
            * hospital::loss_per_day(person.stay_is_illness, m.hospital_loss_scale, p);
        let regained = if person.recovery_debt == 0.0 {
            0.0 // = hospital::recovery(0, …)
        } else if dt_free == dt {
            person.recovery_debt * self.k.recovery
        } else {
            hospital::recovery(person.recovery_debt, dt_free, p)
        };
        person.recovery_debt += bed_loss * p.recovery_fraction - regained;
        let z: f64 = s.muscle.sample(StandardNormal);
        person.alm_base *=
            muscle::exp_near_zero(rates.net() * dt_free - bed_loss + regained + self.k.noise * z);
    }

    /// Training gains in mass and quality: built by the stimulus, lost when it stops.
    #[inline]
    fn adaptation_phase(&self, person: &mut Person, m: &Modifiers, dt_bed: f64) {
        let (p, dt) = (&self.params, self.dt);
        let dt_free = dt - dt_bed;
        let intake = nutrition::effective_intake(person.protein, m);
        let sessions = person.sessions + m.training_sessions;
        let stimulus = if sessions <= 0.0 {
            0.0 // dose 0: the other factors do not matter
        } else {
            training::dose(sessions, p)
                * training::age_response(person.age, p)
                * nutrition::training_factor(intake, person.age, p)
                * m.training_intensity
        };
        // Out of bed for the whole step and not training: the gains decay by a constant
        // factor (what training::adapt computes, without its exp).
        let training = stimulus > 0.0;
        let whole_step_untrained = dt_bed == 0.0 && dt_free == dt && dt > 0.0 && !training;
        person.train_adapt = if whole_step_untrained {
            person.train_adapt * self.k.detraining[0]
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
            person.quality_adapt * self.k.detraining[1]
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
    }

    /// Muscle quality: its loss with age and in bed.
    #[inline]
    fn quality_phase(&self, person: &mut Person, shape: f64, bed_days: u32) {
        let p = &self.params;
        // = muscle::quality_loss(person.age, person.female, p), the shape from its table.
        let quality_at75 = if person.female {
            p.quality_loss_75_f
        } else {
            p.quality_loss_75_m
        };
        person.quality_base *= muscle::exp_near_zero(
            -(quality_at75 * shape) * self.dt - p.bed_quality_loss * f64::from(bed_days),
        );
    }
}
