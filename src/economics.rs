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
//!
//! Uncertainty (draws 1..K sample every input from its own keyed stream, centred on the
//! scenario's value; draw 0 keeps the central values; all spreads are assumptions, A,
//! chosen to span the published ranges named in docs/interventions.md):
//! - `utility`: normal, SD 0.03 (EQ-5D norms at 65-74 differ by about ± 0.05 between
//!   countries);
//! - the sarcopenia decrement (`utility` − `utility_sarcopenia`) and each condition's
//!   decrement: log-normal with a 95 % range of ÷2 to ×2;
//! - `cost_sarcopenia_per_year`, `cost_per_bed_day`, each `cost_per_condition_per_year`:
//!   log-normal, 95 % range ÷1.5 to ×1.5;
//! - intervention costs (every `cost_per_year` and `cost_per_test`): one common factor,
//!   log-normal, 95 % range ÷1.25 to ×1.25.
//!
//! The discount rate and the willingness to pay are choices of the analysis, not
//! uncertain inputs: never sampled. `vary_in_draws = false` keeps every input central.

use crate::interventions::StepPlan;
use crate::model::Person;
use serde::{Deserialize, Serialize};

/// Read back from a results directory's manifest strictly: every field required, none
/// unknown (a schema drift is an error, never a silent default).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// Whether draws 1..K sample the inputs (see the module docs).
    pub vary_in_draws: bool,
    /// Multiplies every intervention cost (1 in draw 0; sampled in draws 1..K).
    pub intervention_cost_scale: f64,
}

/// SD of the utility of a year without sarcopenia across draws (A).
pub const UTILITY_SD: f64 = 0.03;
/// 95 % range factor of the utility decrements (sarcopenia, conditions) across draws (A).
pub const DECREMENT_FACTOR95: f64 = 2.0;
/// 95 % range factor of the care costs across draws (A).
pub const COST_FACTOR95: f64 = 1.5;
/// 95 % range factor of the common intervention-cost multiplier across draws (A).
pub const INTERVENTION_COST_FACTOR95: f64 = 1.25;

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
            vary_in_draws: true,
            intervention_cost_scale: 1.0,
        }
    }
}

impl Economics {
    /// The inputs of parameter draw `draw`: the central values in draw 0 (or when
    /// `vary_in_draws` is off), otherwise sampled from the stream keyed (seed, draw,
    /// economics), always consuming the same count of numbers.
    pub fn for_draw(&self, seed: u64, draw: u32) -> Economics {
        use rand::Rng;
        let mut e = self.clone();
        if draw == 0 || !self.vary_in_draws {
            return e;
        }
        let mut rng = crate::rng::stream(
            seed,
            draw,
            crate::rng::PARAMETER_PERSON,
            crate::rng::Process::Economics,
        );
        let mut z = || -> f64 { rng.sample(rand_distr::StandardNormal) };
        let factor = |z: f64, f95: f64| (z * f95.ln() / 1.959_964).exp();
        let decrement = (self.utility - self.utility_sarcopenia).max(0.0);
        e.utility = (self.utility + UTILITY_SD * z()).clamp(0.0, 1.0);
        e.utility_sarcopenia =
            (e.utility - decrement * factor(z(), DECREMENT_FACTOR95)).clamp(0.0, 1.0);
        for c in 0..5 {
            e.utility_per_condition[c] =
                (self.utility_per_condition[c] * factor(z(), DECREMENT_FACTOR95)).min(1.0);
        }
        e.cost_sarcopenia_per_year = self.cost_sarcopenia_per_year * factor(z(), COST_FACTOR95);
        e.cost_per_bed_day = self.cost_per_bed_day * factor(z(), COST_FACTOR95);
        for c in 0..5 {
            e.cost_per_condition_per_year[c] =
                self.cost_per_condition_per_year[c] * factor(z(), COST_FACTOR95);
        }
        e.intervention_cost_scale =
            self.intervention_cost_scale * factor(z(), INTERVENTION_COST_FACTOR95);
        e
    }

    /// The inputs draws 1..K sample, by name (`economics.utility`,
    /// `economics.cost_per_condition_per_year.ckd`, ...) with their values here, in the
    /// order [`Economics::for_draw`] samples them: the columns of `parameters.parquet`.
    /// None when `vary_in_draws` is off; a cost or decrement whose central value is 0 is
    /// left out (it is sampled as a multiple of 0: always 0).
    pub fn sampled_inputs(&self, central: &Economics) -> Vec<(String, f64)> {
        if !central.vary_in_draws {
            return Vec::new();
        }
        let per = |key: &str, c: &[f64; 5], v: &[f64; 5]| -> Vec<(String, f64, f64)> {
            (0..5)
                .map(|i| {
                    let name = crate::scenario::CONDITIONS[i];
                    (format!("economics.{key}.{name}"), c[i], v[i])
                })
                .collect()
        };
        let mut all = vec![
            ("economics.utility".to_string(), 1.0, self.utility),
            (
                "economics.utility_sarcopenia".to_string(),
                1.0,
                self.utility_sarcopenia,
            ),
        ];
        let pc = "utility_per_condition";
        all.extend(per(
            pc,
            &central.utility_per_condition,
            &self.utility_per_condition,
        ));
        all.push((
            "economics.cost_sarcopenia_per_year".to_string(),
            central.cost_sarcopenia_per_year,
            self.cost_sarcopenia_per_year,
        ));
        all.push((
            "economics.cost_per_bed_day".to_string(),
            central.cost_per_bed_day,
            self.cost_per_bed_day,
        ));
        let cc = "cost_per_condition_per_year";
        all.extend(per(
            cc,
            &central.cost_per_condition_per_year,
            &self.cost_per_condition_per_year,
        ));
        all.push((
            "economics.intervention_cost_scale".to_string(),
            central.intervention_cost_scale,
            self.intervention_cost_scale,
        ));
        all.into_iter()
            .filter(|(_, c, _)| *c != 0.0)
            .map(|(n, _, v)| (n, v))
            .collect()
    }

    /// Discount factor at run time `t` years.
    #[inline]
    pub fn discount(&self, t: f64) -> f64 {
        (1.0 + self.discount_rate).powf(-t)
    }

    /// Quality weight of a year lived in this state.
    #[inline]
    pub fn utility_of(&self, p: &Person) -> f64 {
        self.utility_given(p, condition_sum(&self.utility_per_condition, p.conditions))
    }

    /// [`Economics::utility_of`] with the conditions' summed decrement `dec` given.
    #[inline]
    fn utility_given(&self, p: &Person, dec: f64) -> f64 {
        let base = if p.class.sarcopenic() {
            self.utility_sarcopenia
        } else {
            self.utility
        };
        (base - dec).max(0.0)
    }

    /// Health-care cost of a step of `dt` years in this state with `bed_days` in hospital,
    /// excluding interventions.
    #[inline]
    pub fn care_cost(&self, p: &Person, dt: f64, bed_days: u32) -> f64 {
        let conds = condition_sum(&self.cost_per_condition_per_year, p.conditions);
        self.care_cost_given(p, conds, dt, bed_days)
    }

    /// [`Economics::care_cost`] with the conditions' summed yearly cost `conds` given.
    #[inline]
    fn care_cost_given(&self, p: &Person, conds: f64, dt: f64, bed_days: u32) -> f64 {
        let sarc = if p.class.sarcopenic() {
            self.cost_sarcopenia_per_year
        } else {
            0.0
        };
        (sarc + conds) * dt + self.cost_per_bed_day * f64::from(bed_days)
    }
}

/// The sum of `values` over the conditions in the bitmask `conditions`, in `CONDITIONS`
/// order (the one expression for it, so the tabulated sums are bit-identical).
#[inline]
fn condition_sum(values: &[f64; 5], conditions: u8) -> f64 {
    (0..5)
        .filter(|c| conditions & (1 << c) != 0)
        .map(|c| values[c])
        .sum()
}

/// An [`Economics`]' per-condition inputs summed for every set of conditions (5-bit mask):
/// a step reads one entry instead of summing five (the same sums, bit for bit).
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionSums {
    cost_per_year: [f64; 32],
    utility_decrement: [f64; 32],
}

impl ConditionSums {
    pub fn of(e: &Economics) -> Self {
        Self {
            cost_per_year: std::array::from_fn(|m| {
                condition_sum(&e.cost_per_condition_per_year, m as u8)
            }),
            utility_decrement: std::array::from_fn(|m| {
                condition_sum(&e.utility_per_condition, m as u8)
            }),
        }
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
        let care = e.care_cost(p, dt, bed_days);
        self.add(e, d, dt, care, e.utility_of(p), plan);
    }

    /// [`Ledger::add_discounted_step`] with the condition sums of `e` tabulated (`sums`
    /// must be `ConditionSums::of(e)`): the same totals, bit for bit.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn add_tabulated_step(
        &mut self,
        e: &Economics,
        sums: &ConditionSums,
        p: &Person,
        d: f64,
        dt: f64,
        bed_days: u32,
        plan: &StepPlan,
    ) {
        let m = usize::from(p.conditions & 31);
        let care = e.care_cost_given(p, sums.cost_per_year[m], dt, bed_days);
        let utility = e.utility_given(p, sums.utility_decrement[m]);
        self.add(e, d, dt, care, utility, plan);
    }

    #[inline]
    fn add(&mut self, e: &Economics, d: f64, dt: f64, care: f64, utility: f64, plan: &StepPlan) {
        let ic = d * plan.cost * e.intervention_cost_scale;
        self.intervention_cost += ic;
        self.cost += d * care + ic;
        self.qalys += d * utility * dt;
        if plan.enrolled {
            self.intervention_years += dt;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabulated_condition_sums_give_the_summed_totals_bit_for_bit() {
        use crate::model::Model;
        use crate::params::Params;
        let p = Params::central();
        let model = Model::new(
            p.clone(),
            "1m".parse().unwrap(),
            &crate::reference::uncalibrated(&p),
        );
        let cohort = crate::reference::reference_cohort();
        let e = Economics {
            utility_per_condition: [0.031, 0.017, 0.1, 0.0123, 0.07],
            cost_per_condition_per_year: [1234.5, 0.1, 777.77, 3.3, 98765.4321],
            ..Economics::default()
        };
        let sums = ConditionSums::of(&e);
        let plan = StepPlan {
            cost: 12.5,
            enrolled: true,
            ..StepPlan::NONE
        };
        for id in 0..64 {
            let mut person = crate::population::sample_person(id, 0, &cohort, &model, 1, 0);
            person.conditions = (id % 32) as u8;
            let (mut summed, mut tabulated) = (Ledger::default(), Ledger::default());
            for bed_days in [0, 3] {
                summed.add_discounted_step(&e, &person, 0.97, 1.0 / 12.0, bed_days, &plan);
                tabulated.add_tabulated_step(&e, &sums, &person, 0.97, 1.0 / 12.0, bed_days, &plan);
            }
            let bits = |l: &Ledger| {
                [l.cost, l.qalys, l.intervention_cost, l.intervention_years].map(f64::to_bits)
            };
            assert_eq!(bits(&summed), bits(&tabulated), "conditions {}", id % 32);
            assert!(person.conditions == 0 || summed.cost > tabulated.intervention_cost);
        }
    }

    #[test]
    fn draw_zero_is_central_and_later_draws_vary_every_uncertain_input() {
        let central = Economics {
            cost_per_condition_per_year: [100.0; 5],
            ..Economics::default()
        };
        assert_eq!(central.for_draw(7, 0), central);
        let draws: Vec<Economics> = (1..=200).map(|d| central.for_draw(7, d)).collect();
        assert_eq!(central.for_draw(7, 3), draws[2], "keyed: reproducible");
        assert_ne!(central.for_draw(8, 3), draws[2], "the seed matters");
        let mean = |f: &dyn Fn(&Economics) -> f64| draws.iter().map(f).sum::<f64>() / 200.0;
        let sd = |f: &dyn Fn(&Economics) -> f64| {
            let m = mean(f);
            (draws.iter().map(|e| (f(e) - m).powi(2)).sum::<f64>() / 199.0).sqrt()
        };
        // Centred on the central values, with the documented spreads.
        assert!((mean(&|e| e.utility) - 0.80).abs() < 0.01);
        assert!((sd(&|e| e.utility) - UTILITY_SD).abs() < 0.008);
        let log_sd = |f: &dyn Fn(&Economics) -> f64, f95: f64| {
            let l: Vec<f64> = draws.iter().map(|e| f(e).ln()).collect();
            let m = l.iter().sum::<f64>() / 200.0;
            let s = (l.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 199.0).sqrt();
            (m, s, f95.ln() / 1.959_964)
        };
        for (f, c, f95) in [
            (
                &(|e: &Economics| e.utility - e.utility_sarcopenia) as &dyn Fn(&Economics) -> f64,
                0.07,
                DECREMENT_FACTOR95,
            ),
            (
                &|e: &Economics| e.utility_per_condition[2],
                0.03,
                DECREMENT_FACTOR95,
            ),
            (
                &|e: &Economics| e.cost_sarcopenia_per_year,
                900.0,
                COST_FACTOR95,
            ),
            (&|e: &Economics| e.cost_per_bed_day, 2500.0, COST_FACTOR95),
            (
                &|e: &Economics| e.cost_per_condition_per_year[4],
                100.0,
                COST_FACTOR95,
            ),
            (
                &|e: &Economics| e.intervention_cost_scale,
                1.0,
                INTERVENTION_COST_FACTOR95,
            ),
        ] {
            let (m, s, want) = log_sd(f, f95);
            assert!(
                (m - f64::ln(c)).abs() < 0.3 * want + 0.01,
                "median {} vs {c}",
                m.exp()
            );
            assert!((s / want - 1.0).abs() < 0.2, "log-sd {s} vs {want}");
        }
        // The analysis choices never move.
        assert!(draws
            .iter()
            .all(|e| e.discount_rate == 0.03 && e.willingness_to_pay == 50_000.0));
        let fixed = Economics {
            vary_in_draws: false,
            ..central
        };
        assert_eq!(fixed.for_draw(7, 5), fixed);
    }
}
