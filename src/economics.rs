//! Health economics: the `[economics]` table of a scenario and the per-person discounted
//! costs and QALYs accumulated while a person is stepped (columns `cost` and `qalys` of
//! `outcomes/`, so shards add up).
//!
//! Defaults (docs/interventions.md, "Economics", gives the sources):
//! - discount rate 3 %/yr for costs and QALYs (US Second Panel on Cost-Effectiveness,
//!   Sanders 2016 JAMA 316:1093: U, from memory; NICE uses 3.5 %);
//! - utility of a year without sarcopenia 0.80 and with EWGSOP2 sarcopenia 0.73
//!   (A: EQ-5D norms of adults 65-74 are ≈ 0.80; the decrement is an assumption);
//! - a decrement of 0.03 per chronic condition (A), override per condition;
//! - excess cost of a year with sarcopenia 900 (Janssen 2004 JAGS 52:80: $860 per
//!   sarcopenic man and $933 per woman per year, US 2000 dollars; V);
//! - cost per hospital bed day 2,500 (A: US inpatient cost per day of the order of
//!   $2,000-3,000; U);
//! - cost per year of each chronic condition 0 (not attributed to the strategy unless set);
//! - willingness to pay 50,000 per QALY (a conventional US threshold, A).

use crate::interventions::StepPlan;
use crate::model::Person;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Economics {
    pub discount_rate: f64,
    pub utility: f64,
    pub utility_sarcopenia: f64,
    /// Utility decrement per condition, in `CONDITIONS` order.
    pub utility_per_condition: [f64; 5],
    pub cost_sarcopenia_per_year: f64,
    pub cost_per_bed_day: f64,
    /// Yearly cost of each condition, in `CONDITIONS` order.
    pub cost_per_condition_per_year: [f64; 5],
    pub willingness_to_pay: f64,
    pub currency: String,
}

impl Default for Economics {
    fn default() -> Self {
        Self {
            discount_rate: 0.03,
            utility: 0.80,
            utility_sarcopenia: 0.73,
            utility_per_condition: [0.03; 5],
            cost_sarcopenia_per_year: 900.0,
            cost_per_bed_day: 2500.0,
            cost_per_condition_per_year: [0.0; 5],
            willingness_to_pay: 50_000.0,
            currency: "USD".to_string(),
        }
    }
}

impl Economics {
    /// Discount factor at run time `t` years.
    #[inline]
    pub fn discount(&self, t: f64) -> f64 {
        (1.0 + self.discount_rate).powf(-t)
    }

    /// Quality weight of a year lived in this state.
    #[inline]
    pub fn utility_of(&self, p: &Person) -> f64 {
        let base = if p.class.sarcopenic() {
            self.utility_sarcopenia
        } else {
            self.utility
        };
        let dec: f64 = (0..5)
            .filter(|c| p.has(*c))
            .map(|c| self.utility_per_condition[c])
            .sum();
        (base - dec).max(0.0)
    }

    /// Health-care cost of a step of `dt` years in this state with `bed_days` in hospital,
    /// excluding interventions.
    #[inline]
    pub fn care_cost(&self, p: &Person, dt: f64, bed_days: u32) -> f64 {
        let sarc = if p.class.sarcopenic() {
            self.cost_sarcopenia_per_year
        } else {
            0.0
        };
        let conds: f64 = (0..5)
            .filter(|c| p.has(*c))
            .map(|c| self.cost_per_condition_per_year[c])
            .sum();
        (sarc + conds) * dt + self.cost_per_bed_day * f64::from(bed_days)
    }
}

/// A person's discounted totals in one arm.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ledger {
    pub cost: f64,
    pub qalys: f64,
    pub intervention_cost: f64,
    pub intervention_years: f64,
}

impl Ledger {
    /// Adds one step that started at run time `t`: `p` is the state after the step.
    pub fn add_step(
        &mut self,
        e: &Economics,
        p: &Person,
        (t, dt): (f64, f64),
        bed_days: u32,
        plan: &StepPlan,
    ) {
        self.add_discounted_step(e, p, e.discount(t + dt / 2.0), dt, bed_days, plan);
    }

    /// [`Ledger::add_step`] with the step's discount factor `d = e.discount(t + dt / 2)`
    /// given (the engine tabulates it per step: no `powf` per person-step).
    #[inline]
    pub fn add_discounted_step(
        &mut self,
        e: &Economics,
        p: &Person,
        d: f64,
        dt: f64,
        bed_days: u32,
        plan: &StepPlan,
    ) {
        let ic = d * plan.cost;
        self.intervention_cost += ic;
        self.cost += d * e.care_cost(p, dt, bed_days) + ic;
        self.qalys += d * e.utility_of(p) * dt;
        if plan.enrolled {
            self.intervention_years += dt;
        }
    }
}
