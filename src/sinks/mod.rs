//! Where simulated persons go: per-chunk buffers filled by the engine's workers
//! ([`ChunkResult`]) and the [`Sink`] that consumes them in order on a writer thread.
//!
//! The summary is kept as integer counts and fixed-point sums ([`summary`]) so that any
//! split of persons into chunks, threads or shards adds up to exactly the same table.

pub mod columns;
pub mod parameters;
pub mod parquet;
pub mod rows;
pub mod summary;

use crate::error::Error;
pub use columns::{OutcomeColumns, TrajectoryColumns};
use std::collections::BTreeMap;
pub use summary::SummaryGrid;

/// Everything the persons of one chunk produced, for every arm and draw.
pub struct ChunkResult {
    /// Position of the chunk in the run; sinks receive chunks in this order.
    pub index: u64,
    pub persons: u64,
    /// One per (draw, arm), index `draw * arms + arm`.
    pub outcomes: Vec<OutcomeColumns>,
    /// One per (draw, arm), index `draw * arms + arm`.
    pub trajectories: Vec<TrajectoryColumns>,
    pub summary: SummaryGrid,
}

/// Rows written per table (for the manifest).
pub type RowCounts = BTreeMap<String, u64>;

/// Consumes chunk results in order and writes them somewhere.
pub trait Sink: Send {
    fn accept(&mut self, chunk: ChunkResult) -> Result<(), Error>;
    /// Completes every output; nothing is visible under its final name before this.
    fn finish(&mut self) -> Result<RowCounts, Error>;
}
