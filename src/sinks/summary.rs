//! The summary table: counts and fixed-point sums per arm × draw × record × sex × 5-year
//! age band. Integer addition is associative, so chunks, threads and shards add up to
//! exactly the same numbers in any order.

use crate::life::{Observer, Stepped};
use crate::model::{Model, Person};
use polars::prelude::*;

/// 5-year age bands 0-4, 5-9, …, 105-109, and 110+.
pub const BANDS: usize = 23;

/// The columns that identify a summary cell (constant within a cell; shards add up over
/// every other column).
pub const KEYS: [&str; 9] = [
    "scenario",
    "seed",
    "arm",
    "draw",
    "record",
    "time_years",
    "female",
    "age_band",
    "step_years",
];

/// The counters of a summary cell, in column order.
pub const COLUMNS: [&str; 21] = [
    "alive",
    "deaths",
    "person_steps",
    "admissions",
    "bed_days",
    "alm_sum_g",
    "grip_sum_g",
    "alm_index_sum_g_per_m2",
    "gait_sum_mm_per_s",
    "ewgsop2_probable",
    "ewgsop2_confirmed",
    "ewgsop2_severe",
    "fnih",
    "awgs",
    "awgs_severe",
    "training",
    "diabetes",
    "ckd",
    "copd",
    "heart_failure",
    "cancer",
];
pub const ALIVE: usize = 0;
pub const DEATHS: usize = 1;
pub const PERSON_STEPS: usize = 2;
pub const ADMISSIONS: usize = 3;
pub const BED_DAYS: usize = 4;
pub const ALM: usize = 5;
pub const GRIP: usize = 6;
pub const ALMI: usize = 7;
pub const GAIT: usize = 8;
pub const EWGSOP2_PROBABLE: usize = 9;
pub const FNIH: usize = 12;
pub const AWGS: usize = 13;
pub const AWGS_SEVERE: usize = 14;
pub const TRAINING: usize = 15;
pub const CONDITIONS: usize = 16;
const N: usize = COLUMNS.len();

/// The counters of persons meeting each definition at a record, in column order.
pub const INDICATORS: [&str; 6] = [
    COLUMNS[EWGSOP2_PROBABLE],
    COLUMNS[EWGSOP2_PROBABLE + 1],
    COLUMNS[EWGSOP2_PROBABLE + 2],
    COLUMNS[FNIH],
    COLUMNS[AWGS],
    COLUMNS[AWGS_SEVERE],
];

/// The observer that adds one person's life in one (draw, arm) to a chunk's grid: each
/// step's person-steps and events in the band of the age at its start, and the living
/// person at every record.
pub struct SummaryObserver<'a> {
    pub grid: &'a mut SummaryGrid,
    pub draw: usize,
    pub arm: usize,
}

impl SummaryObserver<'_> {
    /// Adds a living person to the cell of a record.
    #[inline]
    fn alive(&mut self, model: &Model, record: usize, p: &Person) {
        let gait = model.gait(p);
        let c = self
            .grid
            .cell(self.draw, self.arm, record, p.female, band(p.age));
        c[ALIVE] += 1;
        c[ALM] += milli(p.alm());
        c[GRIP] += milli(p.grip());
        c[ALMI] += milli(p.alm_index());
        c[GAIT] += milli(gait);
        let e = p.class.ewgsop2;
        for level in 0..3u8 {
            c[EWGSOP2_PROBABLE + usize::from(level)] += i64::from(e > level);
        }
        c[FNIH] += i64::from(p.class.fnih);
        c[AWGS] += i64::from(p.class.awgs >= 1);
        c[AWGS + 1] += i64::from(p.class.awgs >= 2);
        c[TRAINING] += i64::from(p.sessions > 0.0);
        for cond in 0..5 {
            c[CONDITIONS + cond] += i64::from(p.has(cond));
        }
    }
}

impl Observer for SummaryObserver<'_> {
    #[inline]
    fn start(&mut self, model: &Model, p: &Person) {
        self.alive(model, 0, p);
    }

    #[inline]
    fn step(&mut self, _model: &Model, s: &Stepped<'_>, p: &Person) {
        let ev = &s.events;
        let cell = self
            .grid
            .cell(self.draw, self.arm, s.record, p.female, band(s.age_before));
        cell[PERSON_STEPS] += 1;
        cell[ADMISSIONS] += i64::from(ev.admitted);
        cell[BED_DAYS] += i64::from(ev.bed_days);
        cell[DEATHS] += i64::from(ev.died);
    }

    #[inline]
    fn record(&mut self, model: &Model, record: usize, p: &Person) {
        self.alive(model, record, p);
    }
}

/// The age band of an age.
#[inline]
pub fn band(age: f64) -> usize {
    // Via i32 (saturating, like `as usize` for every age a person can have), which is cheaper.
    ((age.max(0.0) / 5.0) as i32 as usize).min(BANDS - 1)
}

/// A value in thousandths as an integer, for exact sums (grams, g/m², mm/s).
#[inline]
pub fn milli(v: f64) -> i64 {
    (v * 1000.0).round() as i64
}

/// Dense grid of counters.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryGrid {
    pub arms: usize,
    pub draws: usize,
    pub records: usize,
    cells: Vec<[i64; N]>,
}

impl SummaryGrid {
    pub fn new(arms: usize, draws: usize, records: usize) -> Self {
        Self {
            arms,
            draws,
            records,
            cells: vec![[0; N]; arms * draws * records * 2 * BANDS],
        }
    }

    #[inline]
    fn index(&self, draw: usize, arm: usize, record: usize, female: bool, band: usize) -> usize {
        (((draw * self.arms + arm) * self.records + record) * 2 + usize::from(female)) * BANDS
            + band
    }

    #[inline]
    pub fn cell(
        &mut self,
        draw: usize,
        arm: usize,
        record: usize,
        female: bool,
        band: usize,
    ) -> &mut [i64; N] {
        let i = self.index(draw, arm, record, female, band);
        &mut self.cells[i]
    }

    /// Steps lived by every person of the grid (all arms and draws).
    pub fn person_steps(&self) -> i64 {
        self.cells.iter().map(|c| c[PERSON_STEPS]).sum()
    }

    pub fn add(&mut self, other: &SummaryGrid) {
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// The non-empty cells as a table; `record_times` gives each record's time in years;
    /// the grid's draw d is draw `first_draw + d` of the run `scenario`/`seed` (key
    /// columns of every row, so parts of several runs or draw ranges can be stacked).
    pub fn into_frame(
        &self,
        arm_names: &[String],
        record_times: &[f64],
        step_years: f64,
        first_draw: u32,
        scenario: &str,
        seed: u64,
    ) -> PolarsResult<DataFrame> {
        let (mut arm, mut draw, mut record, mut time, mut female, mut band_lo) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        let mut counts: Vec<Vec<i64>> = vec![Vec::new(); N];
        for d in 0..self.draws {
            for (a, name) in arm_names.iter().enumerate() {
                for (r, t) in record_times.iter().enumerate().take(self.records) {
                    for f in [false, true] {
                        for b in 0..BANDS {
                            let c = &self.cells[self.index(d, a, r, f, b)];
                            if c.iter().all(|v| *v == 0) {
                                continue;
                            }
                            arm.push(name.clone());
                            draw.push((first_draw as usize + d) as i32);
                            record.push(r as i32);
                            time.push(*t);
                            female.push(f);
                            band_lo.push((b * 5) as i32);
                            for (col, v) in counts.iter_mut().zip(c) {
                                col.push(*v);
                            }
                        }
                    }
                }
            }
        }
        let height = arm.len();
        let mut columns = vec![
            Column::new("scenario".into(), vec![scenario.to_string(); height]),
            Column::new("seed".into(), vec![seed; height]),
            Column::new("arm".into(), arm),
            Column::new("draw".into(), draw),
            Column::new("record".into(), record),
            Column::new("time_years".into(), time),
            Column::new("female".into(), female),
            Column::new("age_band".into(), band_lo),
        ];
        for (name, v) in COLUMNS.iter().zip(counts) {
            columns.push(Column::new((*name).into(), v));
        }
        columns.push(Column::new("step_years".into(), vec![step_years; height]));
        DataFrame::new(height, columns)
    }
}
