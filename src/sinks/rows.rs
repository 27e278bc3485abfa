//! The observer that turns one person's life in one (draw, arm) into rows of the
//! per-person tables: a trajectory row at every record (for the persons that get one) and
//! the outcomes row at the end (years lived and sarcopenic, onsets, stays, economics,
//! checkpoints).

use super::{OutcomeColumns, TrajectoryColumns};
use crate::checkpoints::{Checkpoint, Tracker};
use crate::economics::{ConditionSums, Economics, Ledger};
use crate::life::{Observer, Stepped};
use crate::model::classify::{CONFIRMED, PROBABLE};
use crate::model::{Model, Person};

/// What a life's rows need besides the person: the same for every person of a
/// (draw, arm).
#[derive(Clone, Copy, Debug)]
pub struct RowContext<'a> {
    pub economics: &'a Economics,
    /// `ConditionSums::of(economics)`.
    pub condition_sums: &'a ConditionSums,
    /// For step s (1-based), the discount factor of the step's midpoint.
    pub discount: &'a [f64],
    pub checkpoints: &'a [Checkpoint],
    /// Step at which each record is taken.
    pub record_steps: &'a [u32],
    /// The horizon, years after the start.
    pub horizon_years: f64,
}

/// Fills the outcomes row (and trajectory rows) of one life.
pub struct RowsObserver<'a> {
    context: RowContext<'a>,
    totals: Totals,
    ledger: Ledger,
    checkpoints: Tracker<'a>,
    outcomes: &'a mut OutcomeColumns,
    /// `None` for a person without trajectory rows.
    trajectories: Option<&'a mut TrajectoryColumns>,
}

impl<'a> RowsObserver<'a> {
    pub fn new(
        context: RowContext<'a>,
        start: &Person,
        outcomes: &'a mut OutcomeColumns,
        trajectories: Option<&'a mut TrajectoryColumns>,
    ) -> Self {
        Self {
            totals: Totals::start(start),
            ledger: Ledger::default(),
            checkpoints: Tracker::start(context.checkpoints, start),
            context,
            outcomes,
            trajectories,
        }
    }

    #[inline]
    fn trajectory_row(&mut self, model: &Model, record: usize, p: &Person) {
        let Some(t) = self.trajectories.as_deref_mut() else {
            return;
        };
        t.person_id.push(p.id);
        t.record.push(record as i32);
        t.time_years
            .push((f64::from(self.context.record_steps[record]) * model.dt) as f32);
        t.age.push(p.age as f32);
        t.female.push(p.female);
        t.height.push(p.height as f32);
        t.weight.push(p.weight as f32);
        t.bmi.push(p.bmi() as f32);
        t.alm.push(p.alm() as f32);
        t.alm_index.push(p.alm_index() as f32);
        t.quality.push(p.quality() as f32);
        t.grip.push(p.grip() as f32);
        t.gait.push(model.gait(p) as f32);
        t.protein.push(p.protein as f32);
        t.training_sessions.push(p.sessions as f32);
        t.testosterone
            .push((!p.female).then_some(p.testosterone as f32));
        t.menopausal.push(p.menopausal());
        t.conditions.push(i32::from(p.conditions));
        t.in_hospital.push(p.in_bed());
        t.admissions.push(self.totals.admissions as i32);
        t.ewgsop2.push(i32::from(p.class.ewgsop2));
        t.fnih.push(p.class.fnih);
        t.awgs.push(i32::from(p.class.awgs));
    }
}

impl Observer for RowsObserver<'_> {
    #[inline]
    fn start(&mut self, model: &Model, p: &Person) {
        self.trajectory_row(model, 0, p);
    }

    #[inline]
    fn step(&mut self, model: &Model, s: &Stepped<'_>, p: &Person) {
        let ev = &s.events;
        self.ledger.add_tabulated_step(
            self.context.economics,
            self.context.condition_sums,
            p,
            self.context.discount[s.step as usize],
            model.dt,
            ev.bed_days,
            s.plan,
        );
        self.totals.record_step(p, ev.admitted, ev.bed_days);
        if !ev.died {
            self.checkpoints.observe(s.step, p);
        }
    }

    #[inline]
    fn record(&mut self, model: &Model, record: usize, p: &Person) {
        self.trajectory_row(model, record, p);
    }

    fn end(&mut self, model: &Model, start: &Person, end: &Person) {
        self.totals
            .finish(start, end, model.dt, &self.ledger, self.outcomes);
        self.checkpoints.finish(
            !end.alive,
            self.context.horizon_years,
            &mut self.outcomes.checkpoints,
        );
    }
}

/// Running totals of one person's life in one arm, for the outcomes table.
struct Totals {
    steps: u64,
    /// Steps lived with EWGSOP2 confirmed, EWGSOP2 probable, FNIH, AWGS.
    sarcopenic_steps: [u64; 4],
    onset: [Option<f64>; 3],
    /// Bit i set while `onset[i]` is still unknown.
    onset_pending: u8,
    admissions: u32,
    bed_days: u32,
}

impl Totals {
    fn start(p: &Person) -> Self {
        let mut totals = Totals {
            steps: 0,
            sarcopenic_steps: [0; 4],
            onset: [None; 3],
            onset_pending: 0b111,
            admissions: 0,
            bed_days: 0,
        };
        totals.note_onsets(p, Self::flags(p));
        totals
    }

    #[inline]
    fn flags(p: &Person) -> [bool; 4] {
        [
            p.class.ewgsop2 >= CONFIRMED,
            p.class.ewgsop2 >= PROBABLE,
            p.class.fnih,
            p.class.awgs >= 1,
        ]
    }

    #[inline]
    fn note_onsets(&mut self, p: &Person, f: [bool; 4]) {
        let hits =
            (u8::from(f[0]) | u8::from(f[2]) << 1 | u8::from(f[3]) << 2) & self.onset_pending;
        if hits == 0 {
            return;
        }
        for (i, onset) in self.onset.iter_mut().enumerate() {
            if hits & (1 << i) != 0 {
                *onset = Some(p.age);
            }
        }
        self.onset_pending &= !hits;
    }

    #[inline]
    fn record_step(&mut self, p: &Person, admitted: bool, bed_days: u32) {
        self.steps += 1;
        let f = Self::flags(p);
        for (n, flag) in self.sarcopenic_steps.iter_mut().zip(f) {
            *n += u64::from(flag);
        }
        self.note_onsets(p, f);
        self.admissions += u32::from(admitted);
        self.bed_days += bed_days;
    }

    fn finish(
        &self,
        start: &Person,
        end: &Person,
        dt: f64,
        ledger: &Ledger,
        o: &mut OutcomeColumns,
    ) {
        let years = |steps: u64| steps as f64 * dt;
        o.person_id.push(start.id);
        o.cohort.push(i32::from(start.cohort));
        o.female.push(start.female);
        o.start_age.push(start.age);
        o.years_lived.push(years(self.steps));
        o.died.push(!end.alive);
        o.age_at_death.push((!end.alive).then_some(end.age));
        o.years_ewgsop2.push(years(self.sarcopenic_steps[0]));
        o.years_ewgsop2_probable
            .push(years(self.sarcopenic_steps[1]));
        o.years_fnih.push(years(self.sarcopenic_steps[2]));
        o.years_awgs.push(years(self.sarcopenic_steps[3]));
        o.onset_age_ewgsop2.push(self.onset[0]);
        o.onset_age_fnih.push(self.onset[1]);
        o.onset_age_awgs.push(self.onset[2]);
        o.admissions.push(self.admissions as i32);
        o.bed_days.push(self.bed_days as i32);
        o.conditions_start.push(i32::from(start.conditions));
        o.conditions_end.push(i32::from(end.conditions));
        o.alm_start.push(start.alm());
        o.alm_end.push(end.alm());
        o.grip_start.push(start.grip());
        o.grip_end.push(end.grip());
        o.ewgsop2_end
            .push(end.alive && end.class.ewgsop2 >= CONFIRMED);
        o.fnih_end.push(end.alive && end.class.fnih);
        o.awgs_end.push(end.alive && end.class.awgs >= 1);
        o.cost.push(ledger.cost);
        o.qalys.push(ledger.qalys);
        o.intervention_cost.push(ledger.intervention_cost);
        o.intervention_years.push(ledger.intervention_years);
    }
}
