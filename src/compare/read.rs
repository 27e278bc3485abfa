//! Reading what the comparison needs from a results directory: the typed economics and
//! checkpoints of the manifest's resolved scenario, and the per-person outcomes of every
//! arm, streamed slice by slice with the arms aligned person by person.

use crate::checkpoints::{Checkpoint, Definition};
use crate::error::{Error, Result};
use crate::output::Layout;
use crate::report::Results;
use polars::io::parquet::metadata::FileMetadataRef;
use polars::prelude::*;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// The per-person columns read from `outcomes/` (then the checkpoint columns), in table
/// column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
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

/// How a [`Col`] is made from the file's columns.
enum Source {
    /// The file column as a number (null: 0).
    Value(&'static str),
    /// 1 where the file column is not null.
    NotNull(&'static str),
    /// 1 where `died` is false.
    Survived,
}

impl Col {
    pub const ALL: [Col; 18] = [
        Col::YearsLived,
        Col::Died,
        Col::YearsEwgsop2,
        Col::YearsFnih,
        Col::YearsAwgs,
        Col::EverEwgsop2,
        Col::Admissions,
        Col::BedDays,
        Col::AlmEnd,
        Col::GripEnd,
        Col::Ewgsop2End,
        Col::FnihEnd,
        Col::AwgsEnd,
        Col::Cost,
        Col::Qalys,
        Col::InterventionYears,
        Col::InterventionCost,
        Col::AliveEnd,
    ];

    /// Index in a [`Table`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Alive and sarcopenic at the horizon, by a definition.
    pub fn at_end(d: Definition) -> Col {
        match d {
            Definition::Ewgsop2 => Col::Ewgsop2End,
            Definition::Fnih => Col::FnihEnd,
            Definition::Awgs => Col::AwgsEnd,
        }
    }

    /// Years sarcopenic, by a definition.
    pub fn years(d: Definition) -> Col {
        match d {
            Definition::Ewgsop2 => Col::YearsEwgsop2,
            Definition::Fnih => Col::YearsFnih,
            Definition::Awgs => Col::YearsAwgs,
        }
    }

    fn source(self) -> Source {
        use Source::*;
        match self {
            Col::YearsLived => Value("years_lived"),
            Col::Died => Value("died"),
            Col::YearsEwgsop2 => Value("years_ewgsop2"),
            Col::YearsFnih => Value("years_fnih"),
            Col::YearsAwgs => Value("years_awgs"),
            Col::EverEwgsop2 => NotNull("onset_age_ewgsop2"),
            Col::Admissions => Value("admissions"),
            Col::BedDays => Value("bed_days"),
            Col::AlmEnd => Value("alm_end"),
            Col::GripEnd => Value("grip_end"),
            Col::Ewgsop2End => Value("ewgsop2_end"),
            Col::FnihEnd => Value("fnih_end"),
            Col::AwgsEnd => Value("awgs_end"),
            Col::Cost => Value("cost"),
            Col::Qalys => Value("qalys"),
            Col::InterventionYears => Value("intervention_years"),
            Col::InterventionCost => Value("intervention_cost"),
            Col::AliveEnd => Survived,
        }
    }
}

/// The columns read per checkpoint, after the fixed [`Col`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpField {
    /// Followed to the checkpoint (its alive column not null).
    Observed,
    Alive,
    /// Alive and sarcopenic by a definition.
    Sarcopenic(Definition),
}

const PER_CHECKPOINT: usize = 2 + Definition::ALL.len();

impl CpField {
    /// Index in a [`Table`] of this field of checkpoint `c`.
    pub fn index(self, c: usize) -> usize {
        let j = match self {
            CpField::Observed => 0,
            CpField::Alive => 1,
            CpField::Sarcopenic(d) => 2 + d as usize,
        };
        Col::ALL.len() + c * PER_CHECKPOINT + j
    }
}

/// Per-person columns of one slice of one arm and draw, in the files' person order.
pub struct Table {
    pub ids: Vec<u64>,
    pub cols: Vec<Vec<f64>>,
}

impl Table {
    pub fn col(&self, c: Col) -> &[f64] {
        &self.cols[c.index()]
    }

    pub fn at(&self, i: usize) -> &[f64] {
        &self.cols[i]
    }
}

/// What the comparison reads from the manifest's resolved scenario, typed.
pub struct Setup {
    pub economics: crate::economics::Economics,
    pub checkpoints: Vec<Checkpoint>,
    /// The decision-analysis keys (absent from the manifest when all are defaults).
    pub decision: crate::scenario::economics::Decision,
    /// The PSA table `parameters.parquet`, when the directory holds it.
    pub psa: Option<crate::sinks::parameters::PsaTable>,
}

impl Setup {
    pub fn read(results: &Results) -> Result<Setup> {
        let has_decision = results.manifest.scenario_resolved.get("decision").is_some();
        let psa = results.dir.join(crate::sinks::parameters::FILE);
        Ok(Setup {
            economics: resolved(results, "economics")?,
            checkpoints: resolved(results, "checkpoints")?,
            decision: if has_decision {
                resolved(results, "decision")?
            } else {
                Default::default()
            },
            psa: if psa.exists() {
                Some(crate::sinks::parameters::PsaTable::read(&psa)?)
            } else {
                None
            },
        })
    }
}

/// The field `name` of the manifest's `scenario_resolved`, typed: a missing field, a
/// missing or unknown key inside it, or a wrong type is an error naming the field and the
/// file (never a silent default).
pub fn resolved<T: DeserializeOwned>(results: &Results, name: &str) -> Result<T> {
    let path = Layout::new(&results.dir).manifest();
    let bad = |what: String| {
        Error::Results(format!(
            "{}: `scenario_resolved.{name}` {what}: the directory was written by another version of sarcosim; rerun it to compare arms",
            path.display()
        ))
    };
    let value = results
        .manifest
        .scenario_resolved
        .get(name)
        .ok_or_else(|| bad("is missing".into()))?;
    serde_json::from_value(value.clone()).map_err(|e| bad(format!("does not match ({e})")))
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

/// 1 where the boolean column is false, else 0.
fn is_false(c: &Column) -> Result<Vec<f64>> {
    let s = c.as_materialized_series().cast(&DataType::Boolean)?;
    Ok(s.bool()?
        .iter()
        .map(|v| if v == Some(false) { 1.0 } else { 0.0 })
        .collect())
}

/// Rows read at once per arm: whole row groups (the writer's, 128 Ki rows), merged up to
/// this many rows. Memory is bounded by one slice per arm, whatever the population.
pub const SLICE_ROWS: usize = 64 * 1024;

/// The outcomes files of one arm and draw (one per shard, in shard order, which is person
/// order: shards are contiguous person ranges).
pub struct ArmFiles {
    part: PathBuf,
    pub files: Vec<(PathBuf, FileMetadataRef)>,
}

fn open_reader(path: &Path) -> Result<ParquetReader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(ParquetReader::new(file))
}

impl ArmFiles {
    pub fn open(dir: &Path, arm: &str, draw: u32, names: &[String]) -> Result<Self> {
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
        for c in Col::ALL {
            cols.push(match c.source() {
                Source::Value(name) => to_f64(df.column(name)?)?,
                Source::NotNull(name) => not_null(df.column(name)?),
                Source::Survived => is_false(df.column("died")?)?,
            });
        }
        for cp in checkpoints {
            let alive = df.column(&cp.alive_column())?;
            cols.push(not_null(alive));
            cols.push(to_f64(alive)?);
            for d in Definition::ALL {
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
pub fn file_columns(checkpoints: &[Checkpoint]) -> Vec<String> {
    let mut names = vec!["person_id".to_string()];
    names.extend(Col::ALL.iter().filter_map(|c| match c.source() {
        Source::Value(n) | Source::NotNull(n) => Some(n.to_string()),
        Source::Survived => None,
    }));
    for cp in checkpoints {
        names.push(cp.alive_column());
        names.extend(Definition::ALL.map(|d| cp.sarcopenic_column(d)));
    }
    names
}

/// Slices of a file on its row-group boundaries, each at least `slice_rows` rows (but the
/// last): (offset, rows).
fn slices(md: &FileMetadataRef, slice_rows: usize) -> Vec<(usize, usize)> {
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
    slices
}

/// The arms of one draw, read together.
struct Draw<'a> {
    arms: &'a [String],
    baseline: usize,
    draw: u32,
    sources: Vec<ArmFiles>,
}

impl Draw<'_> {
    fn differ(&self, arm: &str, what: String) -> Error {
        Error::Results(format!(
            "arm `{arm}` and the baseline `{}` hold different persons in draw {} ({what}): the run is inconsistent",
            self.arms[self.baseline], self.draw
        ))
    }

    /// Every arm has the baseline's files with the baseline's row counts.
    fn check_same_files(&self) -> Result<()> {
        let shards = |s: &ArmFiles| -> Vec<_> {
            s.files
                .iter()
                .map(|(p, md)| (p.file_name().map(|n| n.to_owned()), md.num_rows))
                .collect()
        };
        let base = &self.sources[self.baseline];
        for (arm, s) in self.arms.iter().zip(&self.sources) {
            if shards(s) != shards(base) {
                let what = format!(
                    "files or row counts differ between {} and {}",
                    s.part.display(),
                    base.part.display()
                );
                return Err(self.differ(arm, what));
            }
        }
        Ok(())
    }

    /// Every arm's slice holds the baseline's persons in the baseline's order.
    fn check_aligned(&self, tables: &[Table], f: usize, offset: usize) -> Result<()> {
        let b = &tables[self.baseline].ids;
        for (arm, t) in self.arms.iter().zip(tables) {
            if let Some(i) = (0..t.ids.len()).find(|&i| t.ids[i] != b[i]) {
                let what = format!(
                    "person {} vs {} at row {} of {}",
                    t.ids[i],
                    b[i],
                    offset + i,
                    self.sources[self.baseline].files[f].0.display()
                );
                return Err(self.differ(arm, what));
            }
        }
        Ok(())
    }
}

/// Streams the outcomes of every arm of one draw, slice by slice in person order, with the
/// slices of all arms aligned (the same persons at the same positions, checked), calling
/// `each` with one slice per arm (in `arms` order). Returns the number of persons.
pub fn stream_draw(
    dir: &Path,
    (arms, baseline): (&[String], usize),
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
    let d = Draw {
        arms,
        baseline,
        draw,
        sources,
    };
    d.check_same_files()?;
    let mut n = 0u64;
    for (f, (_, md)) in d.sources[baseline].files.iter().enumerate() {
        for slice in slices(md, slice_rows) {
            let tables = d
                .sources
                .iter()
                .map(|s| s.read(f, slice, &names, checkpoints))
                .collect::<Result<Vec<_>>>()?;
            d.check_aligned(&tables, f, slice.0)?;
            n += slice.1 as u64;
            each(&tables);
        }
    }
    Ok(n)
}
