//! Strategy comparison: each arm against the baseline arm (the one named `baseline`, else
//! the first), from the per-person outcomes of every shard.
//!
//! Arms simulate the same persons with the same random numbers, so a difference is
//! estimated from per-person differences (outcomes of two arms paired by person within a
//! draw: every arm's files hold the same persons in the same order, which is checked). Every outcome is a ratio of per-person sums (a mean has denominator 1; a
//! prevalence among survivors has the survivors as denominator); its paired standard error
//! comes from the linearised per-person contributions (delta method).
//!
//! Two intervals are reported:
//! - `monte_carlo`: ± 1.96 SE from the persons of one draw (rows with `draw` set; draw 0
//!   is the central parameters): stochastic uncertainty only;
//! - `across_draws`: the 2.5-97.5 % range of the draw estimates over draws 1..K (rows with
//!   `draw` null): parameter and stochastic uncertainty together.
//!
//! `DIR/comparison.parquet` holds one row per arm × outcome × contrast × (draw or pooled).
//!
//! The outcomes are streamed (a slice of row groups per arm at a time, arms in lockstep)
//! and only sums are kept, so memory does not grow with the population; three passes
//! (sums, sums of contributions, squared deviations) keep the arithmetic and its order
//! those of a whole-table computation.

use crate::error::{Error, Result};
use crate::output::{write_atomic, Manifest};
use crate::report;
use polars::io::parquet::metadata::FileMetadataRef;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::checkpoints::{Checkpoint, DEFINITIONS};

/// Per-person columns read from `outcomes/`.
const COLS: [&str; 18] = [
    "years_lived",
    "died",
    "years_ewgsop2",
    "years_fnih",
    "years_awgs",
    "onset_age_ewgsop2",
    "admissions",
    "bed_days",
    "alm_end",
    "grip_end",
    "ewgsop2_end",
    "fnih_end",
    "awgs_end",
    "cost",
    "qalys",
    "intervention_years",
    "intervention_cost",
    "alive_end",
];

#[derive(Clone, Copy)]
enum C {
    YearsLived,
    Died,
    YearsEwgsop2,
    YearsFnih,
    YearsAwgs,
    EverEwgsop2,
    Admissions,
    BedDays,
    AlmEnd,
    GripEnd,
    Ewgsop2End,
    FnihEnd,
    AwgsEnd,
    Cost,
    Qalys,
    InterventionYears,
    InterventionCost,
    AliveEnd,
}

/// Columns read per checkpoint: observed, alive, then alive-and-sarcopenic by definition.
const PER_CHECKPOINT: usize = 2 + DEFINITIONS.len();

/// Column index of field `j` of checkpoint `c` (after the fixed columns).
fn cp_col(c: usize, j: usize) -> usize {
    COLS.len() + c * PER_CHECKPOINT + j
}

/// One outcome: Σ num / Σ den × scale.
struct Metric {
    name: String,
    unit: String,
    /// Column index (a [`C`] or a checkpoint column).
    num: usize,
    /// `None`: per person started.
    den: Option<usize>,
    /// Multiply the numerator by the denominator column (means among survivors).
    num_times_den: bool,
    scale: f64,
}

fn m(name: &str, unit: &str, num: C, scale: f64) -> Metric {
    Metric {
        name: name.to_string(),
        unit: unit.to_string(),
        num: num as usize,
        den: None,
        num_times_den: false,
        scale,
    }
}

fn among_alive(name: &str, unit: &str, num: C, scale: f64) -> Metric {
    Metric {
        den: Some(C::AliveEnd as usize),
        num_times_den: true,
        ..m(name, unit, num, scale)
    }
}

/// Every outcome of a run with these checkpoints, in display order.
fn metrics(checkpoints: &[Checkpoint]) -> Vec<Metric> {
    let mut v = vec![
        among_alive(
            "prevalence_end_ewgsop2",
            "% of survivors",
            C::Ewgsop2End,
            100.0,
        ),
        among_alive("prevalence_end_fnih", "% of survivors", C::FnihEnd, 100.0),
        among_alive("prevalence_end_awgs", "% of survivors", C::AwgsEnd, 100.0),
        m(
            "ever_sarcopenic_ewgsop2",
            "% of persons",
            C::EverEwgsop2,
            100.0,
        ),
        m(
            "sarcopenia_years_ewgsop2",
            "per 1,000 persons",
            C::YearsEwgsop2,
            1000.0,
        ),
        m(
            "sarcopenia_years_fnih",
            "per 1,000 persons",
            C::YearsFnih,
            1000.0,
        ),
        m(
            "sarcopenia_years_awgs",
            "per 1,000 persons",
            C::YearsAwgs,
            1000.0,
        ),
        m("life_years", "per 1,000 persons", C::YearsLived, 1000.0),
        m("deaths", "per 1,000 persons", C::Died, 1000.0),
        m("admissions", "per 1,000 persons", C::Admissions, 1000.0),
        m("bed_days", "per 1,000 persons", C::BedDays, 1000.0),
        among_alive("alm_end", "kg, mean of survivors", C::AlmEnd, 1.0),
        among_alive("grip_end", "kg, mean of survivors", C::GripEnd, 1.0),
        m(
            "intervention_years",
            "per 1,000 persons",
            C::InterventionYears,
            1000.0,
        ),
        m(
            "intervention_cost",
            "per person, discounted",
            C::InterventionCost,
            1.0,
        ),
        m("cost", "per person, discounted", C::Cost, 1.0),
        m("qalys", "per person, discounted", C::Qalys, 1.0),
    ];
    for (c, cp) in checkpoints.iter().enumerate() {
        let followed = |num: usize, name: String, unit: &str, den: usize| Metric {
            name,
            unit: unit.to_string(),
            num,
            den: Some(den),
            num_times_den: false,
            scale: 100.0,
        };
        v.push(followed(
            cp_col(c, 1),
            format!("alive_at_{}", cp.label),
            "% of persons followed",
            cp_col(c, 0),
        ));
        for (d, def) in DEFINITIONS.iter().enumerate() {
            v.push(followed(
                cp_col(c, 2 + d),
                format!("burden_{def}_at_{}", cp.label),
                "% of persons followed, alive and sarcopenic",
                cp_col(c, 0),
            ));
            v.push(followed(
                cp_col(c, 2 + d),
                format!("prevalence_{def}_at_{}", cp.label),
                "% of survivors",
                cp_col(c, 1),
            ));
        }
    }
    v
}

fn metric_index(ms: &[Metric], name: &str) -> usize {
    ms.iter()
        .position(|m| m.name == name)
        .expect("a fixed outcome")
}

const NNT_UNIT: &str = "persons offered the strategy per case avoided";
const ICER_UNIT: &str = "cost per QALY gained";

/// One row of `comparison.parquet`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Row {
    pub arm: String,
    pub baseline: String,
    pub outcome: String,
    pub unit: String,
    /// `level` (the arm's own value) or `difference` (arm − baseline).
    pub contrast: String,
    /// The draw of a `monte_carlo` row; `None` for the pooled `across_draws` row.
    pub draw: Option<i32>,
    pub method: String,
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Persons behind the estimate (per draw).
    pub persons: u64,
    /// How to read the row when a number alone would mislead (ICER quadrants, unbounded
    /// intervals); empty otherwise.
    pub note: String,
}

/// The comparison of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub scenario: String,
    pub seed: u64,
    pub baseline: String,
    pub arms: Vec<String>,
    pub draws: u32,
    pub willingness_to_pay: f64,
    pub currency: String,
    pub checkpoints: Vec<Checkpoint>,
    pub rows: Vec<Row>,
}

/// Per-person columns of one slice of one arm and draw, in the files' person order.
struct Table {
    ids: Vec<u64>,
    cols: Vec<Vec<f64>>,
}

impl Table {
    fn col(&self, c: C) -> &[f64] {
        &self.cols[c as usize]
    }

    fn at(&self, i: usize) -> &[f64] {
        &self.cols[i]
    }
}

fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "parquet")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    v.sort();
    v
}

fn to_f64(c: &Column) -> Result<Vec<f64>> {
    let s = c.as_materialized_series().cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect())
}

/// 1 where the column is not null, else 0.
fn not_null(c: &Column) -> Vec<f64> {
    c.as_materialized_series()
        .is_not_null()
        .iter()
        .map(|v| f64::from(u8::from(v.unwrap_or(false))))
        .collect()
}

/// Rows read at once per arm: whole row groups (the writer's, 128 Ki rows), merged up to
/// this many rows. Memory is bounded by one slice per arm, whatever the population.
const SLICE_ROWS: usize = 64 * 1024;

/// The outcomes files of one arm and draw (one per shard, in shard order, which is person
/// order: shards are contiguous person ranges).
struct ArmFiles {
    part: PathBuf,
    files: Vec<(PathBuf, FileMetadataRef)>,
}

fn open_reader(path: &Path) -> Result<ParquetReader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(ParquetReader::new(file))
}

impl ArmFiles {
    fn open(dir: &Path, arm: &str, draw: u32, names: &[String]) -> Result<Self> {
        let part = dir
            .join("outcomes")
            .join(format!("arm={arm}"))
            .join(format!("draw={draw}"));
        let paths = parquet_files(&part);
        if paths.is_empty() {
            return Err(Error::Results(format!(
                "{} holds no outcomes: the comparison needs the outcomes table",
                part.display()
            )));
        }
        let mut files = Vec::new();
        for p in paths {
            let mut r = open_reader(&p)?;
            let schema = r.schema()?;
            for c in names {
                if !schema.contains(c.as_str()) {
                    return Err(Error::Results(format!(
                        "{} lacks the column `{c}`: it was written by an older sarcosim; rerun it to compare arms",
                        part.display()
                    )));
                }
            }
            let md = r.get_metadata()?.clone();
            files.push((p, md));
        }
        Ok(Self { part, files })
    }

    /// Rows `offset..offset + len` of file `f`.
    fn read(
        &self,
        f: usize,
        (offset, len): (usize, usize),
        names: &[String],
        checkpoints: &[Checkpoint],
    ) -> Result<Table> {
        let (path, md) = &self.files[f];
        let mut r = open_reader(path)?;
        r.set_metadata(md.clone());
        let df = r
            .with_columns(Some(names.to_vec()))
            .with_slice(Some((offset, len)))
            .finish()?;
        let ids: Vec<u64> = df
            .column("person_id")?
            .as_materialized_series()
            .cast(&DataType::UInt64)?
            .u64()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect();
        let mut cols = Vec::with_capacity(names.len());
        for c in COLS {
            cols.push(match c {
                "onset_age_ewgsop2" => not_null(df.column(c)?),
                "alive_end" => {
                    let died = df
                        .column("died")?
                        .as_materialized_series()
                        .cast(&DataType::Boolean)?;
                    died.bool()?
                        .iter()
                        .map(|v| if v == Some(false) { 1.0 } else { 0.0 })
                        .collect()
                }
                _ => to_f64(df.column(c)?)?,
            });
        }
        for cp in checkpoints {
            let alive = df.column(&cp.alive_column())?;
            cols.push(not_null(alive));
            cols.push(to_f64(alive)?);
            for d in 0..DEFINITIONS.len() {
                cols.push(to_f64(df.column(&cp.sarcopenic_column(d))?)?);
            }
        }
        if ids.len() != len {
            return Err(Error::Results(format!(
                "{}: expected {len} rows at row {offset}, read {}",
                path.display(),
                ids.len()
            )));
        }
        Ok(Table { ids, cols })
    }
}

/// The columns the comparison reads from an outcomes file.
fn file_columns(checkpoints: &[Checkpoint]) -> Vec<String> {
    let mut names = vec!["person_id".to_string()];
    names.extend(
        COLS.iter()
            .filter(|c| **c != "alive_end")
            .map(|c| c.to_string()),
    );
    for cp in checkpoints {
        names.push(cp.alive_column());
        names.extend((0..DEFINITIONS.len()).map(|d| cp.sarcopenic_column(d)));
    }
    names
}

/// Streams the outcomes of every arm of one draw, slice by slice in person order, with the
/// slices of all arms aligned (the same persons at the same positions, checked), calling
/// `f` with one slice per arm (in `arms` order). Returns the number of persons.
fn stream_draw(
    dir: &Path,
    arms: &[String],
    baseline: usize,
    draw: u32,
    checkpoints: &[Checkpoint],
    slice_rows: usize,
    each: &mut dyn FnMut(&[Table]),
) -> Result<u64> {
    let names = file_columns(checkpoints);
    let sources = arms
        .iter()
        .map(|a| ArmFiles::open(dir, a, draw, &names))
        .collect::<Result<Vec<_>>>()?;
    let base = &sources[baseline];
    let differ = |arm: &str, what: String| {
        Error::Results(format!(
            "arm `{arm}` and the baseline `{}` hold different persons in draw {draw} ({what}): the run is inconsistent",
            arms[baseline]
        ))
    };
    for (arm, s) in arms.iter().zip(&sources) {
        let shards = |s: &ArmFiles| -> Vec<_> {
            s.files
                .iter()
                .map(|(p, md)| (p.file_name().map(|n| n.to_owned()), md.num_rows))
                .collect()
        };
        if shards(s) != shards(base) {
            return Err(differ(
                arm,
                format!(
                    "files or row counts differ between {} and {}",
                    s.part.display(),
                    base.part.display()
                ),
            ));
        }
    }
    let mut n = 0u64;
    for (f, (_, md)) in base.files.iter().enumerate() {
        // Slices on the baseline's row-group boundaries.
        let mut slices = Vec::new();
        let (mut start, mut len) = (0usize, 0usize);
        for rg in &md.row_groups {
            len += rg.num_rows();
            if len >= slice_rows {
                slices.push((start, len));
                (start, len) = (start + len, 0);
            }
        }
        if len > 0 || slices.is_empty() {
            slices.push((start, len));
        }
        for slice in slices {
            let tables = sources
                .iter()
                .map(|s| s.read(f, slice, &names, checkpoints))
                .collect::<Result<Vec<_>>>()?;
            for (arm, t) in arms.iter().zip(&tables) {
                if let Some(i) = (0..t.ids.len()).find(|&i| t.ids[i] != tables[baseline].ids[i]) {
                    return Err(differ(
                        arm,
                        format!(
                            "person {} vs {} at row {} of {}",
                            t.ids[i],
                            tables[baseline].ids[i],
                            slice.0 + i,
                            base.files[f].0.display()
                        ),
                    ));
                }
            }
            n += slice.1 as u64;
            each(&tables);
        }
    }
    Ok(n)
}

/// Runs a callback on every slice of one draw (one table per arm); returns the persons.
type Stream<'a> = dyn FnMut(&mut dyn FnMut(&[Table])) -> Result<u64> + 'a;

/// One metric of one arm (level) or of one arm minus the baseline (difference): the sums
/// that give the ratio and the mean and variance of the linearised contributions.
#[derive(Clone, Copy)]
struct Moments {
    /// Σ of the contributions (pass 2), then their mean.
    sum: f64,
    mean: f64,
    /// Σ (contribution − mean)² (pass 3).
    ss: f64,
}

impl Default for Moments {
    fn default() -> Self {
        // `Iterator::sum` of f64 starts from −0.0: the same here, for identical results.
        Self {
            sum: -0.0,
            mean: f64::NAN,
            ss: -0.0,
        }
    }
}

impl Moments {
    /// SE of the mean from `n` contributions.
    fn se(&self, n: u64) -> f64 {
        let n = n as f64;
        if n < 2.0 {
            return f64::NAN;
        }
        (self.ss / (n - 1.0) / n).sqrt()
    }
}

/// One metric of one arm: Σ num, Σ den (pass 1), the ratio and the mean denominator.
#[derive(Clone, Copy)]
struct Ratio {
    sn: f64,
    sd: f64,
    r: f64,
    mean_den: f64,
    level: Moments,
}

impl Default for Ratio {
    fn default() -> Self {
        Self {
            sn: -0.0,
            sd: -0.0,
            r: f64::NAN,
            mean_den: f64::NAN,
            level: Moments::default(),
        }
    }
}

impl Ratio {
    /// Numerator and denominator of person `i`.
    #[inline]
    fn terms(t: &Table, m: &Metric, i: usize) -> (f64, f64) {
        let den = m.den.map_or(1.0, |d| t.at(d)[i]);
        let num = t.at(m.num)[i];
        (if m.num_times_den { num * den } else { num }, den)
    }

    /// Linearised contribution of person `i` (0 when the ratio is undefined).
    #[inline]
    fn z(&self, t: &Table, m: &Metric, i: usize) -> f64 {
        if self.sd <= 0.0 {
            return 0.0;
        }
        let (a, b) = Self::terms(t, m, i);
        (a - self.r * b) / self.mean_den
    }
}

/// Economics of one arm against the baseline: per-person Δcost, ΔQALY, Δ net monetary benefit.
#[derive(Clone, Copy)]
struct Economy {
    sc: f64,
    sq: f64,
    sn: f64,
    mc: f64,
    mq: f64,
    mn: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
    ssn: f64,
}

impl Default for Economy {
    fn default() -> Self {
        Self {
            sc: -0.0,
            sq: -0.0,
            sn: -0.0,
            mc: f64::NAN,
            mq: f64::NAN,
            mn: f64::NAN,
            sxx: 0.0,
            syy: 0.0,
            sxy: 0.0,
            ssn: -0.0,
        }
    }
}

/// Everything the estimates of one draw need, accumulated over the persons in three
/// streaming passes (sums; sums of the contributions; sums of squared deviations from
/// their means), in person order: the same arithmetic, in the same order, as on the whole
/// table at once, so the results are identical.
struct DrawStats {
    n: u64,
    /// [arm][metric]
    ratios: Vec<Vec<Ratio>>,
    /// [arm][metric]: arm − baseline (unused for the baseline itself).
    diffs: Vec<Vec<Moments>>,
    econ: Vec<Economy>,
}

impl DrawStats {
    fn collect(
        arms: usize,
        baseline: usize,
        metrics: &[Metric],
        wtp: f64,
        stream: &mut Stream<'_>,
    ) -> Result<Self> {
        let mut s = DrawStats {
            n: 0,
            ratios: vec![vec![Ratio::default(); metrics.len()]; arms],
            diffs: vec![vec![Moments::default(); metrics.len()]; arms],
            econ: vec![Economy::default(); arms],
        };
        let others: Vec<usize> = (0..arms).filter(|a| *a != baseline).collect();
        let nmb = |t: &Table, i: usize| wtp * t.col(C::Qalys)[i] - t.col(C::Cost)[i];
        // Pass 1: Σ num and Σ den per arm and metric; Σ Δcost, Σ ΔQALY, Σ ΔNMB per arm.
        let n = stream(&mut |ts: &[Table]| {
            let b = &ts[baseline];
            for (a, t) in ts.iter().enumerate() {
                for (m, r) in metrics.iter().zip(s.ratios[a].iter_mut()) {
                    for i in 0..t.ids.len() {
                        let (x, y) = Ratio::terms(t, m, i);
                        r.sn += x;
                        r.sd += y;
                    }
                }
            }
            for &a in &others {
                let (t, e) = (&ts[a], &mut s.econ[a]);
                for i in 0..t.ids.len() {
                    e.sc += t.col(C::Cost)[i] - b.col(C::Cost)[i];
                    e.sq += t.col(C::Qalys)[i] - b.col(C::Qalys)[i];
                    e.sn += nmb(t, i) - nmb(b, i);
                }
            }
        })?;
        s.n = n;
        let nf = n as f64;
        for r in s.ratios.iter_mut().flatten() {
            if r.sd > 0.0 {
                r.r = r.sn / r.sd;
                r.mean_den = r.sd / nf;
            }
        }
        for e in &mut s.econ {
            (e.mc, e.mq) = (e.sc / nf, e.sq / nf);
            e.mn = e.sn / nf;
        }
        // Pass 2: Σ of the contributions (levels and paired differences); the Δcost and
        // ΔQALY cross-products and Σ (ΔNMB − mean)².
        stream(&mut |ts: &[Table]| {
            let b = &ts[baseline];
            for (a, t) in ts.iter().enumerate() {
                for (m, metric) in metrics.iter().enumerate() {
                    let r = &mut s.ratios[a][m];
                    for i in 0..t.ids.len() {
                        r.level.sum += r.z(t, metric, i);
                    }
                }
            }
            for &a in &others {
                let t = &ts[a];
                for (m, metric) in metrics.iter().enumerate() {
                    let (rt, rb) = (&s.ratios[a][m], &s.ratios[baseline][m]);
                    let d = &mut s.diffs[a][m];
                    for i in 0..t.ids.len() {
                        d.sum += rt.z(t, metric, i) - rb.z(b, metric, i);
                    }
                }
                let e = &mut s.econ[a];
                for i in 0..t.ids.len() {
                    let x = t.col(C::Cost)[i] - b.col(C::Cost)[i];
                    let y = t.col(C::Qalys)[i] - b.col(C::Qalys)[i];
                    e.sxx += (x - e.mc) * (x - e.mc);
                    e.syy += (y - e.mq) * (y - e.mq);
                    e.sxy += (x - e.mc) * (y - e.mq);
                    let dn = nmb(t, i) - nmb(b, i) - e.mn;
                    e.ssn += dn * dn;
                }
            }
        })?;
        for r in s.ratios.iter_mut().flatten() {
            r.level.mean = r.level.sum / nf;
        }
        for d in s.diffs.iter_mut().flatten() {
            d.mean = d.sum / nf;
        }
        // Pass 3: Σ (contribution − mean)².
        stream(&mut |ts: &[Table]| {
            let b = &ts[baseline];
            for (a, t) in ts.iter().enumerate() {
                for (m, metric) in metrics.iter().enumerate() {
                    let r = &mut s.ratios[a][m];
                    let mut ss = r.level.ss;
                    for i in 0..t.ids.len() {
                        let x = r.z(t, metric, i) - r.level.mean;
                        ss += x * x;
                    }
                    r.level.ss = ss;
                }
            }
            for &a in &others {
                let t = &ts[a];
                for (m, metric) in metrics.iter().enumerate() {
                    let (rt, rb) = (&s.ratios[a][m], &s.ratios[baseline][m]);
                    let d = &mut s.diffs[a][m];
                    for i in 0..t.ids.len() {
                        let x = rt.z(t, metric, i) - rb.z(b, metric, i) - d.mean;
                        d.ss += x * x;
                    }
                }
            }
        })?;
        Ok(s)
    }

    /// Level of arm `a` on metric `m`: (estimate, SE), both scaled.
    fn level(&self, a: usize, m: usize, metric: &Metric) -> (f64, f64) {
        let r = &self.ratios[a][m];
        (r.r * metric.scale, r.level.se(self.n) * metric.scale)
    }

    /// Arm `a` − baseline on metric `m`: (estimate, SE), both scaled.
    fn difference(&self, a: usize, b: usize, m: usize, metric: &Metric) -> (f64, f64) {
        let (rt, rb) = (&self.ratios[a][m], &self.ratios[b][m]);
        (
            (rt.r - rb.r) * metric.scale,
            self.diffs[a][m].se(self.n) * metric.scale,
        )
    }

    /// Mean Δcost, mean ΔQALY, the variances of these means and their covariance.
    fn paired_moments(&self, a: usize) -> (f64, f64, f64, f64, f64) {
        let n = self.n as f64;
        if n < 2.0 {
            return (f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN);
        }
        let e = &self.econ[a];
        let k = (n - 1.0) * n;
        (e.mc, e.mq, e.sxx / k, e.syy / k, e.sxy / k)
    }

    /// Mean Δ net monetary benefit and its SE.
    fn net_benefit(&self, a: usize) -> (f64, f64) {
        let e = &self.econ[a];
        let n = self.n as f64;
        let mean = e.sn / self.n.max(1) as f64;
        let se = if n < 2.0 {
            f64::NAN
        } else {
            (e.ssn / (n - 1.0) / n).sqrt()
        };
        (mean, se)
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7).
fn phi(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-(x * x) / 2.0).exp();
    if x >= 0.0 {
        0.5 * (1.0 + y)
    } else {
        0.5 * (1.0 - y)
    }
}

const Z95: f64 = 1.959_964;

/// The ICER of paired mean differences (Δcost, ΔQALY): its estimate, a note naming the
/// quadrant when a ratio would mislead, and whether a ratio is meaningful.
fn icer_point(dc: f64, dq: f64) -> (f64, String) {
    if !(dc.is_finite() && dq.is_finite()) {
        (f64::NAN, String::new())
    } else if dq > 0.0 && dc <= 0.0 {
        (f64::NAN, "dominant (more QALYs, no more cost)".into())
    } else if dq < 0.0 && dc >= 0.0 {
        (f64::NAN, "dominated (fewer QALYs, no less cost)".into())
    } else if dq == 0.0 {
        (f64::NAN, "no QALY difference".into())
    } else if dq < 0.0 {
        (dc / dq, "south-west: cost saved per QALY lost".into())
    } else {
        (dc / dq, String::new())
    }
}

/// Fieller's 95 % interval of Δc/Δq from the means' variances and covariance; `None`
/// when it is unbounded (ΔQALY not distinguishable from 0 at 5 %).
fn fieller(dc: f64, dq: f64, vc: f64, vq: f64, cov: f64) -> Option<(f64, f64)> {
    let z2 = Z95 * Z95;
    let a = dq * dq - z2 * vq;
    let b = dc * dq - z2 * cov;
    let c = dc * dc - z2 * vc;
    let disc = b * b - a * c;
    if a <= 0.0 || disc < 0.0 {
        return None;
    }
    let r = disc.sqrt();
    Some(((b - r) / a, (b + r) / a))
}

/// Persons needed to treat from a difference in % (negative = cases avoided) and its SE:
/// (nnt, lower, upper), NaN where no case is avoided or the interval reaches 0.
fn nnt(diff_pct: f64, se_pct: f64) -> (f64, f64, f64) {
    let avoided = -diff_pct / 100.0;
    let (alo, ahi) = (
        avoided - Z95 * se_pct / 100.0,
        avoided + Z95 * se_pct / 100.0,
    );
    (
        if avoided > 0.0 {
            1.0 / avoided
        } else {
            f64::NAN
        },
        if alo > 0.0 { 1.0 / ahi } else { f64::NAN },
        if alo > 0.0 { 1.0 / alo } else { f64::NAN },
    )
}

/// Computes the comparison of the complete run in `dir` (every shard's outcomes).
pub fn compare(dir: &Path) -> Result<Comparison> {
    let results = report::load(dir)?;
    let manifest: &Manifest = &results.manifest;
    let arms = manifest.arms.clone();
    let baseline = if arms.iter().any(|a| a == "baseline") {
        "baseline".to_string()
    } else {
        arms.first().cloned().unwrap_or_default()
    };
    let draws = manifest.draws;
    let econ: crate::economics::Economics = manifest
        .scenario_resolved
        .get("economics")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let checkpoints: Vec<Checkpoint> = manifest
        .scenario_resolved
        .get("checkpoints")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let metrics = metrics(&checkpoints);
    let wtp = econ.willingness_to_pay;
    let mut rows = Vec::new();
    // Draw-level estimates: (arm, outcome, contrast) → per draw.
    let mut per_draw: BTreeMap<(String, String, String), Vec<f64>> = BTreeMap::new();
    let push = |rows: &mut Vec<Row>,
                key: (&str, &str, &str, &str),
                draw: Option<i32>,
                method: &str,
                (est, lo, hi): (f64, f64, f64),
                persons: u64,
                note: String| {
        let (arm, outcome, unit, contrast) = key;
        rows.push(Row {
            arm: arm.to_string(),
            baseline: baseline.clone(),
            outcome: outcome.to_string(),
            unit: unit.to_string(),
            contrast: contrast.to_string(),
            draw,
            method: method.to_string(),
            estimate: finite(est),
            lower: finite(lo),
            upper: finite(hi),
            persons,
            note,
        });
    };
    let base_idx = arms.iter().position(|a| *a == baseline).unwrap_or(0);
    for draw in 0..=draws {
        let stats = DrawStats::collect(arms.len(), base_idx, &metrics, wtp, &mut |f| {
            stream_draw(dir, &arms, base_idx, draw, &checkpoints, SLICE_ROWS, f)
        })?;
        let n = stats.n;
        let d0 = Some(draw as i32);
        for (a, arm) in arms.iter().enumerate() {
            let paired = a != base_idx;
            let mut record = |outcome: &str, contrast: &str, v: f64| {
                per_draw
                    .entry((arm.clone(), outcome.to_string(), contrast.to_string()))
                    .or_insert_with(|| vec![f64::NAN; draws as usize + 1])[draw as usize] = v;
            };
            for (mi, metric) in metrics.iter().enumerate() {
                let (est, se) = stats.level(a, mi, metric);
                let (name, unit) = (metric.name.as_str(), metric.unit.as_str());
                push(
                    &mut rows,
                    (arm, name, unit, "level"),
                    d0,
                    "monte_carlo",
                    (est, est - Z95 * se, est + Z95 * se),
                    n,
                    String::new(),
                );
                record(name, "level", est);
                if paired {
                    let (est, se) = stats.difference(a, base_idx, mi, metric);
                    push(
                        &mut rows,
                        (arm, name, unit, "difference"),
                        d0,
                        "monte_carlo",
                        (est, est - Z95 * se, est + Z95 * se),
                        n,
                        String::new(),
                    );
                    record(name, "difference", est);
                }
            }
            if !paired {
                continue;
            }
            // Persons needed to treat to avoid one person ever sarcopenic (EWGSOP2), and one
            // person alive and sarcopenic at each checkpoint by each definition.
            let mut nnt_of = |outcome: String, from: &str| {
                let mi = metric_index(&metrics, from);
                let (est, se) = stats.difference(a, base_idx, mi, &metrics[mi]);
                push(
                    &mut rows,
                    (arm, &outcome, NNT_UNIT, "difference"),
                    d0,
                    "monte_carlo",
                    nnt(est, se),
                    n,
                    String::new(),
                );
                record(&outcome, "difference", -est / 100.0);
            };
            nnt_of("nnt_ewgsop2".into(), "ever_sarcopenic_ewgsop2");
            for cp in &checkpoints {
                for def in DEFINITIONS {
                    nnt_of(
                        format!("nnt_{def}_at_{}", cp.label),
                        &format!("burden_{def}_at_{}", cp.label),
                    );
                }
            }
            // Economics: ICER with Fieller's interval, and the probability of
            // cost-effectiveness at the WTP.
            let (dc, dq, vc, vq, cov) = stats.paired_moments(a);
            let (icer, mut note) = icer_point(dc, dq);
            let (lo, hi) = if icer.is_finite() {
                match fieller(dc, dq, vc, vq, cov) {
                    Some(b) => b,
                    None => {
                        note = [
                            note.as_str(),
                            "interval unbounded: ΔQALY not distinguishable from 0",
                        ]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("; ");
                        (f64::NAN, f64::NAN)
                    }
                }
            } else {
                (f64::NAN, f64::NAN)
            };
            push(
                &mut rows,
                (arm, "icer", ICER_UNIT, "difference"),
                d0,
                "monte_carlo_fieller",
                (icer, lo, hi),
                n,
                note,
            );
            let (mean_nmb, se) = stats.net_benefit(a);
            let p = if se > 0.0 {
                phi(mean_nmb / se)
            } else if mean_nmb > 0.0 {
                1.0
            } else {
                0.0
            };
            push(
                &mut rows,
                (
                    arm,
                    "prob_cost_effective",
                    "probability at the willingness to pay",
                    "difference",
                ),
                d0,
                "monte_carlo",
                (p, f64::NAN, f64::NAN),
                n,
                String::new(),
            );
            record("net_monetary_benefit", "difference", mean_nmb);
        }
    }
    if draws >= 2 {
        let units: BTreeMap<&str, &str> = metrics
            .iter()
            .map(|m| (m.name.as_str(), m.unit.as_str()))
            .collect();
        for ((arm, outcome, contrast), v) in &per_draw {
            let mut s: Vec<f64> = v[1..].iter().copied().filter(|x| x.is_finite()).collect();
            s.sort_by(f64::total_cmp);
            if s.is_empty() {
                continue;
            }
            let mean = s.iter().sum::<f64>() / s.len() as f64;
            let (lo, hi) = (quantile(&s, 0.025), quantile(&s, 0.975));
            let k = s.len() as u64;
            if outcome.starts_with("nnt_") {
                let inv = |x: f64| if x > 0.0 { 1.0 / x } else { f64::NAN };
                push(
                    &mut rows,
                    (arm, outcome, NNT_UNIT, contrast),
                    None,
                    "across_draws",
                    (
                        inv(quantile(&s, 0.5)),
                        if lo > 0.0 { inv(hi) } else { f64::NAN },
                        if lo > 0.0 { inv(lo) } else { f64::NAN },
                    ),
                    k,
                    String::new(),
                );
            } else if outcome == "net_monetary_benefit" {
                let p = s.iter().filter(|x| **x > 0.0).count() as f64 / s.len() as f64;
                push(
                    &mut rows,
                    (
                        arm,
                        "prob_cost_effective",
                        "probability at the willingness to pay",
                        contrast,
                    ),
                    None,
                    "across_draws",
                    (p, f64::NAN, f64::NAN),
                    k,
                    String::new(),
                );
            } else {
                push(
                    &mut rows,
                    (
                        arm,
                        outcome,
                        units.get(outcome.as_str()).copied().unwrap_or(""),
                        contrast,
                    ),
                    None,
                    "across_draws",
                    (mean, lo, hi),
                    k,
                    String::new(),
                );
            }
        }
        // ICER across draws: ratio of the mean differences; 2.5-97.5 % of the draw ICERs
        // only when every draw lies in the same quadrant (else the ratios do not order).
        for arm in arms.iter().filter(|a| **a != baseline) {
            let get = |o: &str| {
                per_draw
                    .get(&(arm.clone(), o.to_string(), "difference".to_string()))
                    .map(|v| v[1..].to_vec())
                    .unwrap_or_default()
            };
            let (c, q) = (get("cost"), get("qalys"));
            let pairs: Vec<(f64, f64)> = c
                .into_iter()
                .zip(q)
                .filter(|(a, b)| a.is_finite() && b.is_finite())
                .collect();
            if pairs.is_empty() {
                continue;
            }
            let k = pairs.len() as f64;
            let mc = pairs.iter().map(|p| p.0).sum::<f64>() / k;
            let mq = pairs.iter().map(|p| p.1).sum::<f64>() / k;
            let (icer, mut note) = icer_point(mc, mq);
            let quadrant = |(c, q): (f64, f64)| match (q > 0.0, c > 0.0) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            };
            let quads: Vec<usize> = pairs.iter().map(|p| quadrant(*p)).collect();
            let (lo, hi) = if icer.is_finite() && quads.iter().all(|x| *x == quads[0]) {
                let mut r: Vec<f64> = pairs.iter().map(|(c, q)| c / q).collect();
                r.sort_by(f64::total_cmp);
                (quantile(&r, 0.025), quantile(&r, 0.975))
            } else {
                let share = |x: usize| 100.0 * quads.iter().filter(|v| **v == x).count() as f64 / k;
                let spread = format!(
                    "draws: {:.0} % more cost and QALYs, {:.0} % dominant, {:.0} % dominated, {:.0} % fewer cost and QALYs",
                    share(0),
                    share(1),
                    share(2),
                    share(3)
                );
                note = if note.is_empty() {
                    spread
                } else {
                    format!("{note}; {spread}")
                };
                (f64::NAN, f64::NAN)
            };
            push(
                &mut rows,
                (arm, "icer", ICER_UNIT, "difference"),
                None,
                "across_draws",
                (icer, lo, hi),
                pairs.len() as u64,
                note,
            );
        }
    }
    Ok(Comparison {
        scenario: manifest.identity.scenario.clone(),
        seed: manifest.identity.seed,
        baseline,
        arms,
        draws,
        willingness_to_pay: wtp,
        currency: econ.currency,
        checkpoints,
        rows,
    })
}

impl Comparison {
    /// The rows as a DataFrame (the schema of `comparison.parquet`).
    pub fn frame(&self) -> Result<DataFrame> {
        let n = self.rows.len();
        let s = |f: &dyn Fn(&Row) -> String| -> Vec<String> { self.rows.iter().map(f).collect() };
        let o = |f: &dyn Fn(&Row) -> Option<f64>| -> Vec<Option<f64>> {
            self.rows.iter().map(f).collect()
        };
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("scenario".into(), vec![self.scenario.clone(); n]),
                Column::new("seed".into(), vec![self.seed; n]),
                Column::new("arm".into(), s(&|r| r.arm.clone())),
                Column::new("baseline".into(), s(&|r| r.baseline.clone())),
                Column::new("outcome".into(), s(&|r| r.outcome.clone())),
                Column::new("unit".into(), s(&|r| r.unit.clone())),
                Column::new("contrast".into(), s(&|r| r.contrast.clone())),
                Column::new(
                    "draw".into(),
                    self.rows.iter().map(|r| r.draw).collect::<Vec<_>>(),
                ),
                Column::new("method".into(), s(&|r| r.method.clone())),
                Column::new("estimate".into(), o(&|r| r.estimate)),
                Column::new("lower".into(), o(&|r| r.lower)),
                Column::new("upper".into(), o(&|r| r.upper)),
                Column::new(
                    "persons".into(),
                    self.rows.iter().map(|r| r.persons).collect::<Vec<_>>(),
                ),
                Column::new("note".into(), s(&|r| r.note.clone())),
            ],
        )?)
    }

    /// Writes `DIR/comparison.parquet` (temp file + rename).
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let mut df = self.frame()?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut df)?;
        let path = dir.join("comparison.parquet");
        write_atomic(&path, &bytes)?;
        Ok(path)
    }

    fn find(&self, arm: &str, outcome: &str, contrast: &str, method: &str) -> Option<&Row> {
        self.rows.iter().find(|r| {
            r.arm == arm
                && r.outcome == outcome
                && r.contrast == contrast
                && (r.method == method || r.method.starts_with(&format!("{method}_")))
                && (method == "across_draws" || r.draw == Some(0))
        })
    }

    /// Outcomes in display order.
    fn outcomes(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = metrics(&self.checkpoints)
            .into_iter()
            .map(|m| (m.name, m.unit))
            .collect();
        let mut add = |o: String, u: &str| v.push((o, u.to_string()));
        add("nnt_ewgsop2".into(), "persons per case avoided");
        for cp in &self.checkpoints {
            for def in DEFINITIONS {
                add(
                    format!("nnt_{def}_at_{}", cp.label),
                    "persons per case avoided",
                );
            }
        }
        add("icer".into(), "cost per QALY (Fieller)");
        add("prob_cost_effective".into(), "P(cost-effective)");
        v
    }

    /// Wide tables (outcomes as rows, arms as columns): levels, then differences with
    /// their Monte Carlo intervals (draw 0), then across-draw intervals when there are draws.
    pub fn tables(&self) -> Vec<(String, Vec<String>, Vec<Vec<String>>)> {
        let cell = |r: Option<&Row>| -> String {
            let Some(r) = r else {
                return "-".to_string();
            };
            let f = |v: f64| {
                if v.abs() >= 1000.0 {
                    format!("{v:.0}")
                } else if v.abs() >= 10.0 {
                    format!("{v:.1}")
                } else {
                    format!("{v:.3}")
                }
            };
            let short = |note: &str| {
                note.split([';', '(', ':'])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            match (r.estimate, r.lower, r.upper) {
                (Some(e), Some(l), Some(u)) => format!("{} [{}, {}]", f(e), f(l), f(u)),
                (Some(e), _, _) if r.outcome == "icer" => format!("{} [unbounded]", f(e)),
                (Some(e), _, _) => f(e),
                _ if !r.note.is_empty() => short(&r.note),
                _ => "-".to_string(),
            }
        };
        let mut out = Vec::new();
        let others: Vec<&String> = self.arms.iter().filter(|a| **a != self.baseline).collect();
        let header = |arms: &[&String]| -> Vec<String> {
            let mut h = vec!["outcome".to_string(), "unit".to_string()];
            h.extend(arms.iter().map(|a| a.to_string()));
            h
        };
        let all: Vec<&String> = self.arms.iter().collect();
        let level_rows = metrics(&self.checkpoints)
            .iter()
            .map(|m| {
                let mut r = vec![m.name.clone(), m.unit.clone()];
                r.extend(
                    all.iter()
                        .map(|a| cell(self.find(a, &m.name, "level", "monte_carlo"))),
                );
                r
            })
            .collect();
        out.push((
            "Outcomes per arm (draw 0, 95 % Monte Carlo interval)".to_string(),
            header(&all),
            level_rows,
        ));
        if others.is_empty() {
            return out;
        }
        for (method, title) in [
            (
                "monte_carlo",
                format!(
                    "Difference vs `{}` (paired, draw 0, 95 % Monte Carlo interval)",
                    self.baseline
                ),
            ),
            (
                "across_draws",
                format!(
                    "Difference vs `{}` across parameter draws 1..{} (mean, 2.5-97.5 %)",
                    self.baseline, self.draws
                ),
            ),
        ] {
            if method == "across_draws" && self.draws < 2 {
                continue;
            }
            let rows = self
                .outcomes()
                .iter()
                .map(|(o, u)| {
                    let mut r = vec![o.clone(), u.clone()];
                    r.extend(
                        others
                            .iter()
                            .map(|a| cell(self.find(a, o, "difference", method))),
                    );
                    r
                })
                .collect();
            out.push((title, header(&others), rows));
        }
        out
    }

    /// The readable text form (`sarcosim report`).
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "comparison · scenario {} · seed {} · baseline `{}` · {} draw(s) · WTP {} {}/QALY",
            self.scenario,
            self.seed,
            self.baseline,
            self.draws + 1,
            self.willingness_to_pay,
            self.currency
        );
        for (title, header, rows) in self.tables() {
            let _ = writeln!(s, "\n== {title} ==");
            s.push_str(&crate::table::aligned(&header, &rows, 2));
        }
        s
    }

    pub fn markdown(&self) -> String {
        let mut s = format!(
            "Comparison of scenario `{}` (seed {}), baseline `{}`, {} draw(s); costs in {}, WTP {} per QALY.\n",
            self.scenario,
            self.seed,
            self.baseline,
            self.draws + 1,
            self.currency,
            self.willingness_to_pay
        );
        for (title, header, rows) in self.tables() {
            let _ = writeln!(s, "\n### {title}\n");
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            s.push_str(&crate::table::markdown(&header, &rows, 2));
        }
        s
    }

    /// Every row, long format (the columns of `comparison.parquet`).
    pub fn csv(&self) -> String {
        let mut s = String::from(
            "scenario,seed,arm,baseline,outcome,unit,contrast,draw,method,estimate,lower,upper,persons,note\n",
        );
        let q = |t: &str| {
            if t.contains([',', '"', '\n']) {
                format!("\"{}\"", t.replace('"', "\"\""))
            } else {
                t.to_string()
            }
        };
        let o = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
        for r in &self.rows {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                q(&self.scenario),
                self.seed,
                q(&r.arm),
                q(&r.baseline),
                r.outcome,
                q(&r.unit),
                r.contrast,
                r.draw.map_or(String::new(), |d| d.to_string()),
                r.method,
                o(r.estimate),
                o(r.lower),
                o(r.upper),
                r.persons,
                q(&r.note)
            );
        }
        s
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_and_quantiles() {
        assert!((phi(0.0) - 0.5).abs() < 1e-7);
        assert!((phi(1.959_964) - 0.975).abs() < 1e-4);
        assert!((quantile(&[1.0, 2.0, 3.0], 0.5) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn icer_quadrants_are_named_not_divided() {
        assert_eq!(icer_point(1000.0, 0.1).0, 10_000.0);
        assert!(icer_point(1000.0, 0.1).1.is_empty());
        let (e, n) = icer_point(-50.0, 0.1);
        assert!(e.is_nan() && n.starts_with("dominant"));
        let (e, n) = icer_point(50.0, -0.1);
        assert!(e.is_nan() && n.starts_with("dominated"));
        let (e, n) = icer_point(-1000.0, -0.1);
        assert!(e == 10_000.0 && n.starts_with("south-west"));
    }

    #[test]
    fn fieller_brackets_the_ratio_and_is_unbounded_when_dq_is_uncertain() {
        // Δq clearly positive: a finite interval around Δc/Δq, close to the delta method.
        let (dc, dq, vc, vq) = (1000.0, 0.1, 100.0_f64.powi(2), 0.002_f64.powi(2));
        let (lo, hi) = fieller(dc, dq, vc, vq, 0.0).unwrap();
        assert!(lo < 10_000.0 && 10_000.0 < hi);
        let se = 10_000.0 * ((vc / dc / dc) + (vq / dq / dq)).sqrt();
        assert!((lo - (10_000.0 - Z95 * se)).abs() < 0.1 * se, "{lo}");
        // Δq within 1.96 SE of 0: no bounded interval.
        assert!(fieller(dc, 0.003, vc, vq, 0.0).is_none());
    }

    fn table(ids: std::ops::Range<u64>, f: impl Fn(usize, u64) -> f64) -> Table {
        Table {
            ids: ids.clone().collect(),
            cols: (0..COLS.len())
                .map(|c| ids.clone().map(|i| f(c, i)).collect())
                .collect(),
        }
    }

    /// Feeds `arms` (one whole table each) to the statistics in slices of `rows` persons.
    fn stats_in_slices(arms: &[Table], rows: usize, metrics: &[Metric]) -> DrawStats {
        let n = arms[0].ids.len();
        DrawStats::collect(arms.len(), 0, metrics, 20_000.0, &mut |each| {
            for start in (0..n).step_by(rows) {
                let end = (start + rows).min(n);
                let slices: Vec<Table> = arms
                    .iter()
                    .map(|t| Table {
                        ids: t.ids[start..end].to_vec(),
                        cols: t.cols.iter().map(|c| c[start..end].to_vec()).collect(),
                    })
                    .collect();
                each(&slices);
            }
            Ok(n as u64)
        })
        .unwrap()
    }

    #[test]
    fn paired_ratio_difference_of_identical_tables_is_zero() {
        let t = || table(0..3, |c, i| if i == 0 { c as f64 } else { (i % 2) as f64 });
        let ms = metrics(&[]);
        let s = stats_in_slices(&[t(), t()], 2, &ms);
        for (m, metric) in ms.iter().enumerate() {
            let (est, se) = s.difference(1, 0, m, metric);
            assert!(est == 0.0 || est.is_nan(), "{}", metric.name);
            assert_eq!(se, 0.0, "{}", metric.name);
        }
    }

    /// The streaming sums give what the formulas give on the whole table at once.
    #[test]
    fn streamed_estimates_equal_whole_table_formulas() {
        let n = 1001;
        let v = |c: usize, i: u64| ((i * 7919 + c as u64 * 104_729) % 97) as f64 / 13.0;
        let died = C::Died as usize;
        let alive = C::AliveEnd as usize;
        let base = table(0..n, |c, i| match c {
            _ if c == died => f64::from(u8::from(i % 5 == 0)),
            _ if c == alive => f64::from(u8::from(i % 5 != 0)),
            _ => v(c, i),
        });
        let arm = table(0..n, |c, i| match c {
            _ if c == died => f64::from(u8::from(i % 7 == 0)),
            _ if c == alive => f64::from(u8::from(i % 7 != 0)),
            _ => v(c, i) + ((i * 31) % 11) as f64 / 10.0,
        });
        let ms = metrics(&[]);
        let arms = [base, arm];
        let whole = stats_in_slices(&arms, n as usize, &ms);
        let [base, arm] = &arms;
        // Direct two-pass formulas on whole columns (the pre-streaming implementation).
        let contributions = |t: &Table, m: &Metric| -> (f64, Vec<f64>) {
            let k = t.ids.len();
            let den: Vec<f64> = m.den.map_or(vec![1.0; k], |d| t.at(d).to_vec());
            let num: Vec<f64> = (0..k)
                .map(|i| t.at(m.num)[i] * if m.num_times_den { den[i] } else { 1.0 })
                .collect();
            let (sn, sd): (f64, f64) = (num.iter().sum(), den.iter().sum());
            let r = sn / sd;
            let md = sd / k as f64;
            (r, (0..k).map(|i| (num[i] - r * den[i]) / md).collect())
        };
        let mean_se = |z: &[f64]| {
            let k = z.len() as f64;
            let mean = z.iter().sum::<f64>() / k;
            let var = z.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (k - 1.0);
            (var / k).sqrt()
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300);
        for rows in [1, 7, 512, 1000, 5000] {
            let s = stats_in_slices(&arms, rows, &ms);
            for (m, metric) in ms.iter().enumerate() {
                let (r, z) = contributions(arm, metric);
                let (rb, zb) = contributions(base, metric);
                let d: Vec<f64> = z.iter().zip(&zb).map(|(a, b)| a - b).collect();
                let (le, lse) = s.level(1, m, metric);
                let (de, dse) = s.difference(1, 0, m, metric);
                assert!(close(le, r * metric.scale), "{} level", metric.name);
                assert!(close(lse, mean_se(&z) * metric.scale), "{} se", metric.name);
                assert!(close(de, (r - rb) * metric.scale), "{} diff", metric.name);
                assert!(
                    close(dse, mean_se(&d) * metric.scale),
                    "{} diff se",
                    metric.name
                );
                // Slicing changes nothing, to the bit.
                assert_eq!(
                    (le.to_bits(), dse.to_bits()),
                    (
                        whole.level(1, m, metric).0.to_bits(),
                        whole.difference(1, 0, m, metric).1.to_bits()
                    )
                );
            }
            assert_eq!(
                format!("{:?}", s.paired_moments(1)),
                format!("{:?}", whole.paired_moments(1))
            );
            assert_eq!(
                format!("{:?}", s.net_benefit(1)),
                format!("{:?}", whole.net_benefit(1))
            );
        }
    }

    /// Writes one outcomes file of persons `ids` with values from `v` (and `died` every
    /// fifth person), in row groups of 10 rows.
    fn write_outcomes(dir: &Path, arm: &str, shard: &str, ids: &[u64], v: impl Fn(u64) -> f64) {
        let part = dir
            .join("outcomes")
            .join(format!("arm={arm}"))
            .join("draw=0");
        std::fs::create_dir_all(&part).unwrap();
        let cols: Vec<Column> = file_columns(&[])
            .iter()
            .enumerate()
            .map(|(c, name)| match name.as_str() {
                "person_id" => Column::new(name.into(), ids.to_vec()),
                "died" => Column::new(
                    name.into(),
                    ids.iter().map(|i| i % 5 == 0).collect::<Vec<_>>(),
                ),
                "onset_age_ewgsop2" => Column::new(
                    name.into(),
                    ids.iter()
                        .map(|i| (i % 3 == 0).then_some(70.0))
                        .collect::<Vec<_>>(),
                ),
                _ => Column::new(
                    name.into(),
                    ids.iter().map(|i| v(i * 31 + c as u64)).collect::<Vec<_>>(),
                ),
            })
            .collect();
        let mut df = DataFrame::new(ids.len(), cols).unwrap();
        let f = std::fs::File::create(part.join(format!("{shard}.parquet"))).unwrap();
        ParquetWriter::new(f)
            .with_row_group_size(Some(10))
            .finish(&mut df)
            .unwrap();
    }

    fn streamed(dir: &Path, slice_rows: usize) -> Result<DrawStats> {
        let arms = ["baseline".to_string(), "x".to_string()];
        DrawStats::collect(2, 0, &metrics(&[]), 20_000.0, &mut |f| {
            stream_draw(dir, &arms, 0, 0, &[], slice_rows, f)
        })
    }

    #[test]
    fn outcomes_stream_slice_by_slice_across_shards_and_misaligned_persons_fail() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (a, b): (Vec<u64>, Vec<u64>) = ((0..35).collect(), (35..73).collect());
        let base = |x: u64| (x % 17) as f64 / 3.0;
        let arm = |x: u64| (x % 13) as f64 / 2.0;
        write_outcomes(dir, "baseline", "shard-0000-of-0002", &a, base);
        write_outcomes(dir, "baseline", "shard-0001-of-0002", &b, base);
        write_outcomes(dir, "x", "shard-0000-of-0002", &a, arm);
        write_outcomes(dir, "x", "shard-0001-of-0002", &b, arm);
        let files = ArmFiles::open(dir, "x", 0, &file_columns(&[])).unwrap();
        assert!(
            files.files[1].1.row_groups.len() > 1,
            "several row groups per file"
        );
        let ms = metrics(&[]);
        let whole = streamed(dir, usize::MAX).unwrap();
        assert_eq!(whole.n, 73);
        for rows in [1, 20] {
            let s = streamed(dir, rows).unwrap();
            assert_eq!(s.n, 73);
            for (m, metric) in ms.iter().enumerate() {
                for (x, y) in [
                    (s.level(1, m, metric), whole.level(1, m, metric)),
                    (
                        s.difference(1, 0, m, metric),
                        whole.difference(1, 0, m, metric),
                    ),
                ] {
                    assert_eq!(
                        (x.0.to_bits(), x.1.to_bits()),
                        (y.0.to_bits(), y.1.to_bits())
                    );
                }
            }
        }
        // Two persons swapped in one arm's second shard.
        let mut swapped = b.clone();
        swapped.swap(12, 13);
        write_outcomes(dir, "x", "shard-0001-of-0002", &swapped, arm);
        let e = streamed(dir, 20)
            .err()
            .expect("misaligned persons fail")
            .to_string();
        assert!(
            e.contains("different persons") && e.contains("person 48 vs 47 at row 12"),
            "{e}"
        );
        // A shard missing in one arm.
        std::fs::remove_file(dir.join("outcomes/arm=x/draw=0/shard-0001-of-0002.parquet")).unwrap();
        let e = streamed(dir, 20)
            .err()
            .expect("missing shard fails")
            .to_string();
        assert!(e.contains("different persons"), "{e}");
    }
}
