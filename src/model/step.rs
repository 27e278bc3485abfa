//! One step of one person: the order of operations, and the [`Model`] that holds what
//! every step needs (parameters of the draw, step length, calibrated mortality).
//!
//! Order: illness onset → hospital admission or forced bed rest → habitual training →
//! protein and hormone drift → muscle balance (in bed and out) → training adaptation →
//! muscle quality → ageing → classification → death. Every step draws the same count of
//! random numbers from each stream whatever happens, so arms stay aligned (CRN).

use super::classify::{classify, Measures};
use super::mortality::{self, AgeTable, Reference, StartLaw, MAX_AGE};
use super::{hormones, hospital, illness, muscle, nutrition, training, Modifiers, Person};
use crate::params::Params;
use crate::rng::{self, Process, Stream};
use crate::scenario::duration::{Duration, DAYS_PER_YEAR};
use rand::Rng;
use rand_distr::StandardNormal;

/// A person's random streams, one per process.
#[derive(Clone, Debug)]
pub struct Streams {
    pub illness: Stream,
    pub hospital: Stream,
    pub training: Stream,
    pub muscle: Stream,
    pub mortality: Stream,
}

impl Streams {
    pub fn new(seed: u64, draw: u32, person: u64) -> Self {
        let s = |p| rng::stream(seed, draw, person, p);
        Self {
            illness: s(Process::Illness),
            hospital: s(Process::Hospital),
            training: s(Process::Training),
            muscle: s(Process::Muscle),
            mortality: s(Process::Mortality),
        }
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
    /// Starting muscle by age, measured on the same reference population.
    pub start_law: StartLaw,
    /// ALM/height² of the average 65-year-old, by sex (reference for diabetes risk).
    pub almi_reference: [f64; 2],
    /// Grip of the average 65-year-old, by sex (reference for mortality and gait).
    pub grip_reference: [f64; 2],
}

impl Model {
    /// A model for this draw's parameters, with mortality calibrated to the life table.
    pub fn new(params: Params, step: Duration) -> Self {
        let reference = mortality::calibrate(&params);
        Self::with_hazard(params, step, reference)
    }

    /// A model with a given baseline hazard table and starting law (used by the
    /// calibration itself).
    pub fn with_hazard(params: Params, step: Duration, reference: Reference) -> Self {
        let p = &params;
        let almi_reference = [p.almi_mean_65_m, p.almi_mean_65_f];
        let heights = [p.height_mean_m, p.height_mean_f];
        let quality = [p.quality_mean_65_m, p.quality_mean_65_f];
        let grip_reference =
            [0, 1].map(|s| almi_reference[s] * heights[s] * heights[s] * quality[s]);
        let step_days = step.days();
        Self {
            dt: step.years(),
            step_days,
            bed_days_per_step: step_days.round().max(1.0) as u32,
            hazard: reference.hazard,
            start_law: reference.start,
            almi_reference,
            grip_reference,
            params,
        }
    }

    /// Habitual gait speed, m/s: the sex reference, moved by grip away from the reference,
    /// age beyond 75, conditions and the person's own offset.
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
            - p.gait_per_condition * f64::from(person.n_conditions())
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

    /// Updates the person's classification from their current state.
    #[inline]
    pub fn reclassify(&self, person: &mut Person) {
        person.class = classify(&self.measures(person));
    }

    /// The person's yearly hazard of death now.
    #[inline]
    pub fn death_rate(&self, person: &Person) -> f64 {
        let s = usize::from(person.female);
        let age = (person.age.max(0.0) as usize).min(MAX_AGE);
        self.hazard[s][age] * mortality::hazard_ratio(person, self.grip_reference[s], &self.params)
    }

    /// Advances a living person by one step.
    pub fn step(&self, person: &mut Person, s: &mut Streams, m: &Modifiers) -> StepEvents {
        let p = &self.params;
        let dt = self.dt;
        let sex = usize::from(person.female);
        let mut ev = StepEvents::default();

        let u: [f64; 5] = std::array::from_fn(|_| s.illness.random());
        ev.new_conditions = illness::onset(person, &u, dt, self.almi_reference[sex], p);
        person.conditions |= ev.new_conditions;

        let u_admit: f64 = s.hospital.random();
        let z_stay: f64 = s.hospital.sample(StandardNormal);
        if m.forced_bed_days > 0 {
            if !person.in_bed() {
                person.stay_is_illness = false;
            }
            person.bed_days_left += m.forced_bed_days;
        } else if !person.in_bed()
            && u_admit < 1.0 - (-hospital::admission_rate(person, p) * dt).exp()
        {
            person.bed_days_left = hospital::stay_days(z_stay, p);
            person.stay_is_illness = true;
            ev.admitted = true;
        }
        let bed_days = person.bed_days_left.min(self.bed_days_per_step);
        person.bed_days_left -= bed_days;
        ev.bed_days = bed_days;
        let dt_bed = (f64::from(bed_days) / DAYS_PER_YEAR).min(dt);
        let dt_free = dt - dt_bed;

        let u_train: f64 = s.training.random();
        if bed_days == 0 {
            person.sessions = training::habit(person.sessions, u_train, dt, p);
        }
        person.protein = nutrition::drift(person.protein, person.age, dt, p);
        if !person.female {
            person.testosterone = hormones::decline(person.testosterone, dt, p);
        }

        let rates = muscle::rates(person, m, p);
        let bed_loss = f64::from(bed_days)
            * hospital::loss_per_day(person.stay_is_illness, m.hospital_loss_scale, p);
        let regained = hospital::recovery(person.recovery_debt, dt_free, p);
        person.recovery_debt += bed_loss * p.recovery_fraction - regained;
        let z: f64 = s.muscle.sample(StandardNormal);
        let alm_before = person.alm();
        person.alm_base *=
            (rates.net() * dt_free - bed_loss + regained + p.noise_sd * dt.sqrt() * z).exp();

        let intake = nutrition::effective_intake(person.protein, m);
        let stimulus = training::dose(person.sessions + m.training_sessions, p)
            * training::age_response(person.age, p)
            * nutrition::training_factor(intake, person.age, p)
            * m.training_intensity;
        person.train_adapt = training::adapt(
            person.train_adapt,
            person.train_ceiling,
            stimulus,
            p.training_gain_rate,
            p.detraining_rate,
            dt_free,
            dt_bed,
        );
        person.quality_adapt = training::adapt(
            person.quality_adapt,
            p.quality_training_ceiling,
            stimulus,
            p.quality_training_rate,
            p.quality_detraining_rate,
            dt_free,
            dt_bed,
        );
        person.weight += person.alm() - alm_before;
        person.quality_base *= (-muscle::quality_loss(person.age, person.female, p) * dt
            - p.bed_quality_loss * f64::from(bed_days))
        .exp();

        person.age += dt;
        self.reclassify(person);

        let u_death: f64 = s.mortality.random();
        if u_death < 1.0 - (-self.death_rate(person) * dt).exp() {
            person.alive = false;
            ev.died = true;
        }
        ev
    }
}
