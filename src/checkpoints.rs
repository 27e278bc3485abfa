//! Checkpoints of the comparison (`[comparison] times = [...]`, `ages = [...]`): chosen
//! run times and ages at which every person's state (alive; alive and sarcopenic by each
//! definition) is recorded in the outcomes table, so that the paired comparison can
//! report the change in sarcopenia burden and prevalence there (and shards add up).
//!
//! For each checkpoint `L` the outcomes table holds four nullable booleans:
//! `alive_at_L`, `ewgsop2_at_L` (EWGSOP2 confirmed), `fnih_at_L`, `awgs_at_L` (each
//! "alive and sarcopenic"). A time checkpoint is the state at the end of that step (dead if
//! the person died during or before it). An age checkpoint is the state at the first step at
//! which the person is at least that age; it is null when the age lies outside the person's
//! follow-up (older at the start, or still younger at the horizon), and false/dead when the
//! person died before reaching it. Follow-up depends only on the start age and the horizon,
//! so the same persons are observed in every arm (pairing holds).

use crate::model::classify::CONFIRMED;
use crate::model::Person;
use serde::{Deserialize, Serialize};

/// Most checkpoints a scenario may ask for.
pub const MAX_CHECKPOINTS: usize = 16;

/// A sarcopenia definition recorded at a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Definition {
    /// EWGSOP2, confirmed sarcopenia.
    Ewgsop2,
    Fnih,
    Awgs,
}

impl Definition {
    /// Every definition, in column order.
    pub const ALL: [Definition; 3] = [Definition::Ewgsop2, Definition::Fnih, Definition::Awgs];

    /// The name in column and outcome names.
    pub fn name(self) -> &'static str {
        match self {
            Definition::Ewgsop2 => "ewgsop2",
            Definition::Fnih => "fnih",
            Definition::Awgs => "awgs",
        }
    }
}

impl std::fmt::Display for Definition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

const OBSERVED: u8 = 1;
const ALIVE: u8 = 2;
const SARCOPENIC: [u8; 3] = [4, 8, 16];
const EPS: f64 = 1e-9;

/// Where a checkpoint is taken.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum At {
    /// After this many steps from the start.
    Step(u32),
    /// At this age (years).
    Age(f64),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Column suffix and report label: "10y", "age_75".
    pub label: String,
    pub at: At,
}

impl Checkpoint {
    pub fn alive_column(&self) -> String {
        format!("alive_at_{}", self.label)
    }

    /// The "alive and sarcopenic" column of definition `d`.
    pub fn sarcopenic_column(&self, d: Definition) -> String {
        format!("{d}_at_{}", self.label)
    }
}

/// Label of an age checkpoint: `age_75`, `age_72.5`.
pub fn age_label(age: f64) -> String {
    format!("age_{age}")
}

/// One person's states at the checkpoints in one arm.
pub struct Tracker<'a> {
    checkpoints: &'a [Checkpoint],
    start_age: f64,
    codes: [u8; MAX_CHECKPOINTS],
    /// Bit i: checkpoint i is still to be taken.
    pending: u32,
    /// The lowest step of a pending time checkpoint and the lowest `age − EPS` of a pending
    /// age checkpoint: while the step and the age are below both, nothing is due.
    next_step: u32,
    next_age: f64,
}

impl<'a> Tracker<'a> {
    /// Starts tracking at step 0 (`p` is the start state).
    pub fn start(checkpoints: &'a [Checkpoint], p: &Person) -> Self {
        let n = checkpoints.len().min(MAX_CHECKPOINTS);
        let mut t = Tracker {
            checkpoints: &checkpoints[..n],
            start_age: p.age,
            codes: [0; MAX_CHECKPOINTS],
            pending: 0,
            next_step: 0,
            next_age: f64::NEG_INFINITY,
        };
        for (i, c) in t.checkpoints.iter().enumerate() {
            let reachable = match c.at {
                At::Step(_) => true,
                At::Age(a) => p.age <= a + EPS,
            };
            if reachable {
                t.pending |= 1 << i;
            }
        }
        t.observe(0, p);
        t
    }

    /// Takes the checkpoints due after `step` steps for a person still alive.
    #[inline]
    pub fn observe(&mut self, step: u32, p: &Person) {
        // Before the next step and age due, the loop below would find nothing due (a
        // NaN age takes the loop, as before).
        if step < self.next_step && p.age < self.next_age {
            return;
        }
        self.observe_pending(step, p);
    }

    /// [`Tracker::observe`]: every pending checkpoint checked, then the next step and age
    /// due noted.
    #[inline(never)]
    fn observe_pending(&mut self, step: u32, p: &Person) {
        if self.pending == 0 {
            (self.next_step, self.next_age) = (u32::MAX, f64::INFINITY);
            return;
        }
        for (i, c) in self.checkpoints.iter().enumerate() {
            if self.pending & (1 << i) == 0 {
                continue;
            }
            let due = match c.at {
                At::Step(s) => s == step,
                At::Age(a) => p.age >= a - EPS,
            };
            if due {
                let f = [
                    p.class.ewgsop2 >= CONFIRMED,
                    p.class.fnih,
                    p.class.awgs >= 1,
                ];
                let mut code = OBSERVED | ALIVE;
                for (bit, flag) in SARCOPENIC.iter().zip(f) {
                    if flag {
                        code |= bit;
                    }
                }
                self.codes[i] = code;
                self.pending &= !(1 << i);
            }
        }
        (self.next_step, self.next_age) = (u32::MAX, f64::INFINITY);
        for (i, c) in self.checkpoints.iter().enumerate() {
            if self.pending & (1 << i) != 0 {
                match c.at {
                    At::Step(s) => self.next_step = self.next_step.min(s),
                    At::Age(a) => self.next_age = self.next_age.min(a - EPS),
                }
            }
        }
    }

    /// Resolves what is still pending at the end of the run (`died`: during the run; the
    /// horizon is `horizon_years` after the start) and appends the person's row.
    pub fn finish(&mut self, died: bool, horizon_years: f64, out: &mut CheckpointColumns) {
        for (i, c) in self.checkpoints.iter().enumerate() {
            if self.pending & (1 << i) == 0 || !died {
                continue;
            }
            let reached = match c.at {
                At::Step(_) => true,
                At::Age(a) => a <= self.start_age + horizon_years + EPS,
            };
            if reached {
                self.codes[i] = OBSERVED;
            }
        }
        for (col, code) in out.codes.iter_mut().zip(self.codes) {
            col.push(code);
        }
    }
}

/// The checkpoint columns of the outcomes table, column-major (`codes[checkpoint][row]`).
#[derive(Default, Debug, Clone, PartialEq)]
pub struct CheckpointColumns {
    pub checkpoints: Vec<Checkpoint>,
    pub codes: Vec<Vec<u8>>,
}

impl CheckpointColumns {
    pub fn new(checkpoints: &[Checkpoint]) -> Self {
        let checkpoints = checkpoints[..checkpoints.len().min(MAX_CHECKPOINTS)].to_vec();
        Self {
            codes: vec![Vec::new(); checkpoints.len()],
            checkpoints,
        }
    }

    pub fn empty_like(&self) -> Self {
        Self::new(&self.checkpoints)
    }

    pub fn append(&mut self, other: &mut Self) {
        if self.checkpoints.is_empty() && !other.checkpoints.is_empty() {
            *self = other.empty_like();
        }
        for (a, b) in self.codes.iter_mut().zip(other.codes.iter_mut()) {
            a.append(b);
        }
    }

    /// Four nullable boolean columns per checkpoint.
    pub fn columns(self) -> Vec<polars::prelude::Column> {
        use polars::prelude::Column;
        let mut out = Vec::new();
        for (c, codes) in self.checkpoints.iter().zip(self.codes) {
            let col = |mask: u8| -> Vec<Option<bool>> {
                codes
                    .iter()
                    .map(|x| (x & OBSERVED != 0).then_some(x & mask != 0))
                    .collect()
            };
            out.push(Column::new(c.alive_column().into(), col(ALIVE)));
            for (d, bit) in Definition::ALL.into_iter().zip(SARCOPENIC) {
                out.push(Column::new(c.sarcopenic_column(d).into(), col(bit)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_nullable_columns() {
        let cps = vec![
            Checkpoint {
                label: "1y".into(),
                at: At::Step(12),
            },
            Checkpoint {
                label: age_label(75.0),
                at: At::Age(75.0),
            },
        ];
        let mut c = CheckpointColumns::new(&cps);
        c.codes[0] = vec![OBSERVED | ALIVE | 4, OBSERVED];
        c.codes[1] = vec![0, OBSERVED | ALIVE];
        let cols = c.columns();
        assert_eq!(cols.len(), 8);
        assert_eq!(cols[0].name().as_str(), "alive_at_1y");
        assert_eq!(cols[5].name().as_str(), "ewgsop2_at_age_75");
        let b = |i: usize| -> Vec<Option<bool>> {
            cols[i]
                .as_materialized_series()
                .bool()
                .unwrap()
                .iter()
                .collect()
        };
        assert_eq!(b(0), vec![Some(true), Some(false)]);
        assert_eq!(b(1), vec![Some(true), Some(false)]);
        assert_eq!(b(4), vec![None, Some(true)]);
        assert_eq!(b(5), vec![None, Some(false)]);
    }
}
