//! The Parquet sink: one streaming writer per table, arm and draw, fed row groups as the
//! chunks arrive; the summary is written once at the end. Files appear under their final
//! names only when complete.

use super::columns::ColumnTable;
use super::{ChunkResult, OutcomeColumns, RowCounts, Sink, SummaryGrid, TrajectoryColumns};
use crate::error::{Error, Result};
use crate::output::{temp_path, Layout, Shard};
use polars::prelude::*;
use polars_utils::compression::ZstdLevel;
use std::fs::{self, File};
use std::path::PathBuf;

/// Rows buffered before a row group is written.
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// zstd level 1: on the per-person tables it compresses nearly as well as the default
/// level 3 at a fraction of the CPU (docs/performance.md), and the writer shares the
/// cores with the simulation.
fn compression() -> ParquetCompression {
    ParquetCompression::Zstd(ZstdLevel::try_new(1).ok())
}

/// A streaming Parquet file of one table.
struct TableWriter<T: ColumnTable> {
    path: PathBuf,
    tmp: PathBuf,
    writer: polars::io::parquet::write::BatchedWriter<File>,
    buffer: T,
    rows: u64,
}

impl<T: ColumnTable> TableWriter<T> {
    fn create(path: PathBuf, like: &T) -> Result<Self> {
        let parent = path.parent().expect("partition files have a parent");
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let tmp = temp_path(&path);
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let writer = ParquetWriter::new(file)
            .with_compression(compression())
            .batched(&like.schema_like()?)?;
        Ok(Self {
            path,
            tmp,
            writer,
            buffer: like.empty_like(),
            rows: 0,
        })
    }

    fn push(&mut self, cols: &mut T) -> Result<()> {
        if self.buffer.is_empty() {
            // One allocation per row group, not a doubling series of copies.
            self.buffer.reserve(ROW_GROUP_ROWS + cols.len());
        }
        self.buffer.append(cols);
        if self.buffer.len() >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let empty = self.buffer.empty_like();
        let frame = std::mem::replace(&mut self.buffer, empty).into_frame()?;
        self.rows += frame.height() as u64;
        self.writer.write_batch(&frame)?;
        Ok(())
    }

    fn finish(mut self) -> Result<u64> {
        self.flush()?;
        self.writer.finish()?;
        fs::rename(&self.tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        Ok(self.rows)
    }
}

/// Writes a run's shard into a results directory.
pub struct ParquetSink {
    layout: Layout,
    shard: Shard,
    arm_names: Vec<String>,
    record_times: Vec<f64>,
    step_years: f64,
    /// The draws written: `draws.0..=draws.1`.
    draws: (u32, u32),
    scenario: String,
    seed: u64,
    outcomes: Vec<TableWriter<OutcomeColumns>>,
    trajectories: Vec<TableWriter<TrajectoryColumns>>,
    summary: SummaryGrid,
}

impl ParquetSink {
    /// Opens the writers of every (draw, arm) of draws `first..=last` (`draws`) of the run
    /// `scenario`/`seed`; `trajectories` says whether that table is written.
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        layout: Layout,
        shard: Shard,
        arm_names: Vec<String>,
        draws: (u32, u32),
        scenario: &str,
        seed: u64,
        record_times: Vec<f64>,
        step_years: f64,
        trajectories: bool,
        checkpoints: &[crate::checkpoints::Checkpoint],
    ) -> Result<Self> {
        let outcome_like = OutcomeColumns::with_checkpoints(checkpoints);
        let trajectory_like = TrajectoryColumns::default();
        let mut outcomes = Vec::new();
        let mut trajs = Vec::new();
        for draw in draws.0..=draws.1 {
            for arm in &arm_names {
                outcomes.push(TableWriter::create(
                    layout.partition("outcomes", arm, draw, shard),
                    &outcome_like,
                )?);
                if trajectories {
                    trajs.push(TableWriter::create(
                        layout.partition("trajectories", arm, draw, shard),
                        &trajectory_like,
                    )?);
                }
            }
        }
        let summary = SummaryGrid::new(
            arm_names.len(),
            (draws.1 - draws.0) as usize + 1,
            record_times.len(),
        );
        Ok(Self {
            layout,
            shard,
            arm_names,
            record_times,
            step_years,
            draws,
            scenario: scenario.to_string(),
            seed,
            outcomes,
            trajectories: trajs,
            summary,
        })
    }
}

impl ParquetSink {
    /// Steps lived so far by every person, arm and draw (for throughput figures).
    pub fn person_steps(&self) -> i64 {
        self.summary.person_steps()
    }
}

impl Sink for ParquetSink {
    fn accept(&mut self, mut chunk: ChunkResult) -> Result<()> {
        for (w, cols) in self.outcomes.iter_mut().zip(chunk.outcomes.iter_mut()) {
            w.push(cols)?;
        }
        for (w, cols) in self
            .trajectories
            .iter_mut()
            .zip(chunk.trajectories.iter_mut())
        {
            w.push(cols)?;
        }
        self.summary.add(&chunk.summary);
        Ok(())
    }

    fn finish(&mut self) -> Result<RowCounts> {
        let mut rows = RowCounts::new();
        for w in std::mem::take(&mut self.outcomes) {
            *rows.entry("outcomes".into()).or_default() += w.finish()?;
        }
        for w in std::mem::take(&mut self.trajectories) {
            *rows.entry("trajectories".into()).or_default() += w.finish()?;
        }
        let mut frame = self.summary.into_frame(
            &self.arm_names,
            &self.record_times,
            self.step_years,
            self.draws.0,
            &self.scenario,
            self.seed,
        )?;
        rows.insert("summary".into(), frame.height() as u64);
        let path = self.layout.summary(self.shard, self.draws.0, self.draws.1);
        let parent = path.parent().expect("summary has a parent");
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let tmp = temp_path(&path);
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut frame)?;
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        Ok(rows)
    }
}
