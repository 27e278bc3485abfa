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

/// Every file, in the order they are written.
pub const FILES: [Spec; 1] = [FRONTIER];

/// A file's rows.
type Frame = fn(&Analysis) -> Result<DataFrame>;

/// Each file with the function building its rows.
const FRAMES: [(Spec, Frame); 1] = [(FRONTIER, frontier_frame)];

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
