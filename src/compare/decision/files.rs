//! The decision analysis as Parquet files with versioned schemas (key-value metadata
//! `sarcosim.schema`, and the run identity like every file of a results directory). Each
//! file and column name is spelled here once; `scripts/recompute_decision.py` reads them.
//!
//! `frontier.parquet` (`sarcosim-frontier/1`): one row per draw × arm, then per arm pooled
//! over the PSA draws (`draw` null), in rank order: [`col::DRAW`], [`col::ARM`],
//! [`col::RANK`] (1 = cheapest), [`col::STATUS`] (`frontier`, `dominated`,
//! `extendedly_dominated`), [`col::REFERENCE`] (the arm it is compared with),
//! [`col::NEXT`] (the dearer frontier neighbour of an extendedly dominated arm),
//! [`col::COST`], [`col::QALYS`] (per person, discounted), [`col::INCREMENTAL_COST`],
//! [`col::INCREMENTAL_QALYS`] (against the reference), [`col::ICER`] (frontier arms but
//! the first), [`col::WTP`], [`col::NMB`], [`col::NHB`], [`col::OPTIMAL`] (largest NMB).
//!
//! `ceac.parquet` (`sarcosim-ceac/1`): one row per WTP of the grid × arm: [`col::WTP`],
//! [`col::ARM`], [`col::PROBABILITY`] (the CEAC: share of draws 1..K in which the arm has
//! the largest NMB), [`col::EXPECTED_NMB`], [`col::ON_CEAF`] (largest expected NMB). No
//! rows with fewer than 2 PSA draws.
//!
//! `ceplane.parquet` (`sarcosim-ceplane/1`): per draw 0..K × arm but the baseline:
//! [`col::DRAW`], [`col::ARM`], [`col::DELTA_COST`], [`col::DELTA_QALYS`] (arm − baseline).
//!
//! `voi.parquet` (`sarcosim-voi/2`; /1 held one permutation's EVPPI as the noise floor): per WTP of the grid, the EVPI ([`col::ANALYSIS`] =
//! `evpi`), then per group the EVPPI (`evppi`): [`col::WTP`], [`col::ANALYSIS`],
//! [`col::GROUP`], [`col::INPUTS`] (comma-separated columns of `parameters.parquet`),
//! [`col::DRAWS`], [`col::DEGREE`] (1 linear, 2 quadratic), [`col::PER_PERSON`],
//! [`col::POPULATION`] (null without `evpi_population`), [`col::R_SQUARED`],
//! [`col::NOISE_FLOOR`], [`col::NOTE`].

use super::Analysis;
use crate::error::{Error, Result};
use crate::sinks::parameters::SCHEMA_KEY;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// A file of the decision analysis: its name in the results directory and its schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub file: &'static str,
    pub schema: &'static str,
}

pub const FRONTIER: Spec = Spec {
    file: "frontier.parquet",
    schema: "sarcosim-frontier/1",
};
pub const CEAC: Spec = Spec {
    file: "ceac.parquet",
    schema: "sarcosim-ceac/1",
};
pub const CEPLANE: Spec = Spec {
    file: "ceplane.parquet",
    schema: "sarcosim-ceplane/1",
};
pub const VOI: Spec = Spec {
    file: "voi.parquet",
    schema: "sarcosim-voi/2",
};

/// Every file, in the order they are written.
pub const FILES: [Spec; 4] = [FRONTIER, CEAC, CEPLANE, VOI];

/// A file's rows.
type Frame = fn(&Analysis) -> Result<DataFrame>;

impl Spec {
    /// The table's name (`report --format csv --table NAME`): the file's name without
    /// `.parquet`.
    pub fn table(self) -> &'static str {
        self.file.trim_end_matches(".parquet")
    }
}

/// The rows of the table called `name` ([`Spec::table`]), the same as its file's; `None`
/// for an unknown name.
pub fn frame_named(a: &Analysis, name: &str) -> Option<Result<DataFrame>> {
    FRAMES
        .iter()
        .find(|(spec, _)| spec.table() == name)
        .map(|(_, frame)| frame(a))
}

/// Each file with the function building its rows.
const FRAMES: [(Spec, Frame); 4] = [
    (FRONTIER, frontier_frame),
    (CEAC, ceac_frame),
    (CEPLANE, ceplane_frame),
    (VOI, voi_frame),
];

/// The column names.
pub mod col {
    pub const DRAW: &str = "draw";
    pub const ARM: &str = "arm";
    pub const RANK: &str = "rank";
    pub const STATUS: &str = "status";
    pub const REFERENCE: &str = "reference";
    pub const NEXT: &str = "next";
    pub const COST: &str = "cost";
    pub const QALYS: &str = "qalys";
    pub const INCREMENTAL_COST: &str = "incremental_cost";
    pub const INCREMENTAL_QALYS: &str = "incremental_qalys";
    pub const ICER: &str = "icer";
    pub const WTP: &str = "wtp";
    pub const NMB: &str = "nmb";
    pub const NHB: &str = "nhb";
    pub const OPTIMAL: &str = "optimal";
    pub const PROBABILITY: &str = "probability";
    pub const EXPECTED_NMB: &str = "expected_nmb";
    pub const ON_CEAF: &str = "on_ceaf";
    pub const DELTA_COST: &str = "delta_cost";
    pub const DELTA_QALYS: &str = "delta_qalys";
    pub const ANALYSIS: &str = "analysis";
    pub const GROUP: &str = "group";
    pub const INPUTS: &str = "inputs";
    pub const DRAWS: &str = "draws";
    pub const DEGREE: &str = "degree";
    pub const PER_PERSON: &str = "per_person";
    pub const POPULATION: &str = "population";
    pub const R_SQUARED: &str = "r_squared";
    pub const NOISE_FLOOR: &str = "noise_floor";
    pub const NOTE: &str = "note";
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// `frontier.parquet`'s rows.
pub fn frontier_frame(a: &Analysis) -> Result<DataFrame> {
    let r = &a.frontier;
    let f = |g: &dyn Fn(&super::FrontierRow) -> Option<f64>| -> Vec<Option<f64>> {
        r.iter().map(|x| finite(g(x))).collect()
    };
    let s = |g: &dyn Fn(&super::FrontierRow) -> Option<String>| -> Vec<Option<String>> {
        r.iter().map(g).collect()
    };
    let cols = vec![
        Column::new(
            col::DRAW.into(),
            r.iter()
                .map(|x| x.draw.map(|d| d as i32))
                .collect::<Vec<_>>(),
        ),
        Column::new(col::ARM.into(), s(&|x| Some(x.arm.clone()))),
        Column::new(
            col::RANK.into(),
            r.iter().map(|x| x.position.rank as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            col::STATUS.into(),
            s(&|x| Some(x.position.status.name().to_string())),
        ),
        Column::new(col::REFERENCE.into(), s(&|x| x.reference.clone())),
        Column::new(col::NEXT.into(), s(&|x| x.next.clone())),
        Column::new(col::COST.into(), f(&|x| Some(x.position.cost))),
        Column::new(col::QALYS.into(), f(&|x| Some(x.position.qalys))),
        Column::new(
            col::INCREMENTAL_COST.into(),
            f(&|x| x.position.incremental_cost),
        ),
        Column::new(
            col::INCREMENTAL_QALYS.into(),
            f(&|x| x.position.incremental_qalys),
        ),
        Column::new(col::ICER.into(), f(&|x| x.position.icer)),
        Column::new(col::WTP.into(), vec![a.willingness_to_pay; r.len()]),
        Column::new(col::NMB.into(), f(&|x| Some(x.position.nmb))),
        Column::new(col::NHB.into(), f(&|x| x.position.nhb)),
        Column::new(
            col::OPTIMAL.into(),
            r.iter().map(|x| x.position.optimal).collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(r.len(), cols)?)
}

/// `ceac.parquet`'s rows.
pub fn ceac_frame(a: &Analysis) -> Result<DataFrame> {
    let r = &a.ceac;
    let cols = vec![
        Column::new(col::WTP.into(), r.iter().map(|x| x.wtp).collect::<Vec<_>>()),
        Column::new(
            col::ARM.into(),
            r.iter().map(|x| x.arm.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::PROBABILITY.into(),
            r.iter().map(|x| x.probability).collect::<Vec<_>>(),
        ),
        Column::new(
            col::EXPECTED_NMB.into(),
            r.iter().map(|x| x.expected_nmb).collect::<Vec<_>>(),
        ),
        Column::new(
            col::ON_CEAF.into(),
            r.iter().map(|x| x.on_ceaf).collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(r.len(), cols)?)
}

/// `ceplane.parquet`'s rows.
pub fn ceplane_frame(a: &Analysis) -> Result<DataFrame> {
    let r = &a.ceplane;
    let cols = vec![
        Column::new(
            col::DRAW.into(),
            r.iter().map(|x| x.draw as i32).collect::<Vec<_>>(),
        ),
        Column::new(
            col::ARM.into(),
            r.iter().map(|x| x.arm.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::DELTA_COST.into(),
            r.iter().map(|x| x.delta_cost).collect::<Vec<_>>(),
        ),
        Column::new(
            col::DELTA_QALYS.into(),
            r.iter().map(|x| x.delta_qalys).collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(r.len(), cols)?)
}

/// `voi.parquet`'s rows.
pub fn voi_frame(a: &Analysis) -> Result<DataFrame> {
    let r = &a.voi;
    let f = |g: &dyn Fn(&super::VoiRow) -> Option<f64>| -> Vec<Option<f64>> {
        r.iter().map(|x| finite(g(x))).collect()
    };
    let cols = vec![
        Column::new(col::WTP.into(), r.iter().map(|x| x.wtp).collect::<Vec<_>>()),
        Column::new(
            col::ANALYSIS.into(),
            r.iter().map(|x| x.analysis.name()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::GROUP.into(),
            r.iter().map(|x| x.group.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::INPUTS.into(),
            r.iter().map(|x| x.inputs.join(",")).collect::<Vec<_>>(),
        ),
        Column::new(
            col::DRAWS.into(),
            r.iter().map(|x| x.draws as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            col::DEGREE.into(),
            r.iter().map(|x| x.degree).collect::<Vec<_>>(),
        ),
        Column::new(col::PER_PERSON.into(), f(&|x| x.per_person)),
        Column::new(col::POPULATION.into(), f(&|x| x.population)),
        Column::new(col::R_SQUARED.into(), f(&|x| x.r_squared)),
        Column::new(col::NOISE_FLOOR.into(), f(&|x| x.noise_floor)),
        Column::new(
            col::NOTE.into(),
            r.iter().map(|x| x.note.clone()).collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(r.len(), cols)?)
}

/// Writes `frame` to `path` (temp file + rename) with its schema and `metadata`.
fn write_frame(
    path: &Path,
    spec: Spec,
    frame: &mut DataFrame,
    metadata: &[(String, String)],
) -> Result<()> {
    let mut kv = vec![(SCHEMA_KEY.to_string(), spec.schema.to_string())];
    kv.extend_from_slice(metadata);
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(kv)))
        .finish(frame)
        .map_err(|e| Error::writing(path, e))?;
    crate::output::write_atomic(path, &bytes)
}

impl Analysis {
    /// Writes every file of [`FILES`] into `dir`, with `metadata` (the run identity);
    /// returns their paths.
    pub fn write(&self, dir: &Path, metadata: &[(String, String)]) -> Result<Vec<PathBuf>> {
        let mut paths = Vec::new();
        for (spec, frame) in FRAMES {
            let mut frame = frame(self)?;
            let path = dir.join(spec.file);
            write_frame(&path, spec, &mut frame, metadata)?;
            paths.push(path);
        }
        Ok(paths)
    }
}

/// The schema recorded in a decision file (`None`: none).
pub fn schema_of(path: &Path) -> Result<Option<String>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = ParquetReader::new(file);
    Ok(reader
        .get_metadata()?
        .key_value_metadata()
        .as_ref()
        .and_then(|kv| kv.iter().find(|kv| kv.key == SCHEMA_KEY))
        .and_then(|kv| kv.value.clone()))
}
