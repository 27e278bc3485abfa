//! The Parquet sink: one streaming writer per table, arm and draw, fed row groups as the
//! chunks arrive; the summary is written once at the end. Files appear under their final
//! names only when complete. Every file carries the run's identity in its key-value
//! metadata ([`crate::output::integrity::RUN_KEY`]); a write error names the file.

use super::columns::ColumnTable;
use super::{ChunkResult, OutcomeColumns, RowCounts, Sink, SummaryGrid, TrajectoryColumns};
use crate::error::{Error, Result};
use crate::output::{temp_path, Layout, Shard};
use polars::prelude::*;
use polars_utils::compression::ZstdLevel;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// For tests only: `SARCOSIM_TEST_DISK_FULL_AFTER=N` makes Parquet writes fail with
/// "no space left on device" once the process has written N bytes of them.
const DISK_FULL_AFTER: &str = "SARCOSIM_TEST_DISK_FULL_AFTER";

/// The I/O error a file's writer met: polars reports it as a malformed file.
type IoSlot = Arc<Mutex<Option<std::io::Error>>>;

/// A Parquet file being written (with the test hook above), keeping its I/O error.
struct OutFile(File, IoSlot);

impl OutFile {
    fn keep(&self, e: std::io::Error) -> std::io::Error {
        let copy = match e.raw_os_error() {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => std::io::Error::new(e.kind(), e.to_string()),
        };
        *self.1.lock().unwrap_or_else(|p| p.into_inner()) = Some(copy);
        e
    }
}

/// The error of writing `path`: the I/O error its writer met if any, else polars's.
fn write_error(path: &Path, slot: &IoSlot, e: PolarsError) -> Error {
    match slot.lock().unwrap_or_else(|p| p.into_inner()).take() {
        Some(io) => Error::io(path, io),
        None => Error::writing(path, e),
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        static BUDGET: OnceLock<Option<AtomicU64>> = OnceLock::new();
        let budget = BUDGET.get_or_init(|| {
            let n = std::env::var(DISK_FULL_AFTER).ok()?.parse().ok()?;
            Some(AtomicU64::new(n))
        });
        if let Some(left) = budget {
            let n = buf.len() as u64;
            if left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| l.checked_sub(n))
                .is_err()
            {
                return Err(self.keep(std::io::Error::from_raw_os_error(28))); // ENOSPC
            }
        }
        self.0.write(buf).map_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().map_err(|e| self.keep(e))
    }
}

fn create(tmp: &Path, slot: &IoSlot) -> Result<OutFile> {
    File::create(tmp)
        .map(|f| OutFile(f, slot.clone()))
        .map_err(|e| Error::io(tmp, e))
}

fn key_values(metadata: &[(String, String)]) -> Option<KeyValueMetadata> {
    Some(KeyValueMetadata::from_static(metadata.to_vec()))
}

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
    writer: polars::io::parquet::write::BatchedWriter<OutFile>,
    io_error: IoSlot,
    buffer: T,
    rows: u64,
}

impl<T: ColumnTable> TableWriter<T> {
    fn create(path: PathBuf, like: &T, metadata: &[(String, String)]) -> Result<Self> {
        let parent = path.parent().expect("partition files have a parent");
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let tmp = temp_path(&path);
        let io_error = IoSlot::default();
        let file = create(&tmp, &io_error)?;
        let writer = ParquetWriter::new(file)
            .with_compression(compression())
            .with_key_value_metadata(key_values(metadata))
            .batched(&like.schema_like()?)
            .map_err(|e| write_error(&path, &io_error, e))?;
        Ok(Self {
            path,
            tmp,
            writer,
            io_error,
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
        self.writer
            .write_batch(&frame)
            .map_err(|e| write_error(&self.path, &self.io_error, e))
    }

    /// Completes the file under its temporary name: rows, and (temp, final) names.
    fn finish(mut self) -> Result<(u64, (PathBuf, PathBuf))> {
        self.flush()?;
        self.writer
            .finish()
            .map_err(|e| write_error(&self.path, &self.io_error, e))?;
        Ok((self.rows, (self.tmp, self.path)))
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
    /// Key-value metadata of every file (the run identity).
    metadata: Vec<(String, String)>,
}

impl ParquetSink {
    /// Opens the writers of every (draw, arm) of draws `first..=last` (`draws`) of the run
    /// `scenario`/`seed`; `trajectories` says whether that table is written; `metadata`
    /// goes into every file.
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
        metadata: Vec<(String, String)>,
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
                    &metadata,
                )?);
                if trajectories {
                    trajs.push(TableWriter::create(
                        layout.partition("trajectories", arm, draw, shard),
                        &trajectory_like,
                        &metadata,
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
            metadata,
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

    /// Completes every file under its temporary name, then renames them all into place:
    /// a failure (disk full) before the renames leaves the previous files untouched.
    fn finish(&mut self) -> Result<RowCounts> {
        let mut rows = RowCounts::new();
        let mut done = Vec::new();
        for w in std::mem::take(&mut self.outcomes) {
            let (n, names) = w.finish()?;
            *rows.entry("outcomes".into()).or_default() += n;
            done.push(names);
        }
        for w in std::mem::take(&mut self.trajectories) {
            let (n, names) = w.finish()?;
            *rows.entry("trajectories".into()).or_default() += n;
            done.push(names);
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
        let io_error = IoSlot::default();
        ParquetWriter::new(create(&tmp, &io_error)?)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(key_values(&self.metadata))
            .finish(&mut frame)
            .map_err(|e| write_error(&path, &io_error, e))?;
        done.push((tmp, path));
        for (tmp, path) in done {
            fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        }
        Ok(rows)
    }
}
