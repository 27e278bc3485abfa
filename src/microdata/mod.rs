//! Cohorts from microdata: one row per person of a survey or registry extract (CSV or
//! Parquet), with a sampling weight and any of the columns of [`columns::COLUMNS`].
//!
//! A run draws its persons from the rows by weight ([`Sampling::Weighted`]: person `id`
//! takes the row its own keyed uniform falls on in the cumulative weights, so the choice
//! depends only on the seed and the id: the same in every thread, shard, arm and draw) or
//! takes the rows in turn ([`Sampling::AsIs`]: person `id` is row `id mod rows`). Cells a
//! file leaves out (a whole column, or an empty cell) are filled by the model's laws
//! given the values present ([`crate::population`]).

pub mod columns;
mod read;

pub use columns::{Col, COLUMNS};
pub use read::{load, MicrodataError, MAX_ROWS};

use crate::rng;
use serde::Serialize;
use std::sync::Arc;

/// How persons are taken from the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// Each person is a row drawn with probability proportional to its sampling weight.
    Weighted,
    /// Person `id` is row `id mod rows` (weights, if any, are not used).
    AsIs,
}

impl Sampling {
    pub const NAMES: [&'static str; 2] = ["weighted", "as_is"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "weighted" => Some(Self::Weighted),
            "as_is" => Some(Self::AsIs),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Weighted => "weighted",
            Self::AsIs => "as_is",
        }
    }
}

/// A checked microdata file, column by column.
pub struct Microdata {
    /// The file as the scenario wrote it.
    pub file: String,
    /// xxh3 of the file's bytes: a run's identity changes when the file does.
    pub digest: String,
    pub sampling: Sampling,
    rows: usize,
    /// By [`Col`]: the column's cells (NaN where a cell is empty), or `None` when absent.
    values: Vec<Option<Vec<f64>>>,
    /// Running sums of the sampling weights ([`Sampling::Weighted`] only).
    cumulative: Vec<f64>,
}

/// Salt of the keyed uniform that chooses a person's row.
const ROW_SALT: u64 = 0x6d69_6372_6f64_6174;

impl Microdata {
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Whether the file has this column.
    pub fn has(&self, c: Col) -> bool {
        self.values[c as usize].is_some()
    }

    /// The value of column `c` in `row`, if the file gives one.
    #[inline]
    pub fn get(&self, c: Col, row: usize) -> Option<f64> {
        let v = self.values[c as usize].as_ref()?[row];
        (!v.is_nan()).then_some(v)
    }

    /// The names of the file's columns, in [`COLUMNS`] order.
    pub fn columns(&self) -> Vec<&'static str> {
        COLUMNS
            .iter()
            .filter(|s| self.has(s.col))
            .map(|s| s.name)
            .collect()
    }

    /// The smallest and largest value of a column (empty cells left out).
    pub fn range(&self, c: Col) -> Option<(f64, f64)> {
        let v = self.values[c as usize].as_ref()?;
        v.iter()
            .filter(|x| !x.is_nan())
            .fold(None, |acc, &x| match acc {
                None => Some((x, x)),
                Some((lo, hi)) => Some((f64::min(lo, x), f64::max(hi, x))),
            })
    }

    /// The row of person `id` in a run seeded `seed`.
    #[inline]
    pub fn row_of(&self, id: u64, seed: u64) -> usize {
        match self.sampling {
            Sampling::AsIs => (id % self.rows as u64) as usize,
            Sampling::Weighted => {
                let u = rng::unit_from_hash(rng::mix64(rng::mix64(seed ^ ROW_SALT) ^ id));
                let total = *self.cumulative.last().expect("checked: rows > 0");
                let x = u * total;
                self.cumulative
                    .partition_point(|c| *c <= x)
                    .min(self.rows - 1)
            }
        }
    }
}

impl std::fmt::Debug for Microdata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Microdata")
            .field("file", &self.file)
            .field("digest", &self.digest)
            .field("rows", &self.rows)
            .field("sampling", &self.sampling)
            .field("columns", &self.columns())
            .finish()
    }
}

impl Serialize for Microdata {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Microdata", 4)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("digest", &self.digest)?;
        st.serialize_field("rows", &self.rows)?;
        st.serialize_field("sampling", &self.sampling)?;
        st.end()
    }
}

/// A loaded file shared by the scenario's clones (serialised by name and digest).
#[derive(Clone, Debug)]
pub struct Shared(pub Arc<Microdata>);

impl std::ops::Deref for Shared {
    type Target = Microdata;
    fn deref(&self) -> &Microdata {
        &self.0
    }
}

impl Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(weights: &[f64], sampling: Sampling) -> Microdata {
        let mut text = String::from("sampling_weight,age,sex\n");
        for w in weights {
            text.push_str(&format!("{w},70,F\n"));
        }
        read::parse_csv(&text, "t.csv", sampling).unwrap()
    }

    #[test]
    fn rows_are_drawn_in_proportion_to_their_weights() {
        let d = data(&[1.0, 0.0, 3.0, 6.0], Sampling::Weighted);
        let n = 100_000;
        let mut counts = [0u32; 4];
        for id in 0..n {
            counts[d.row_of(id, 7)] += 1;
        }
        assert_eq!(counts[1], 0, "a row of weight 0 is never drawn");
        for (i, share) in [(0, 0.1), (2, 0.3), (3, 0.6)] {
            let p = f64::from(counts[i]) / n as f64;
            // 4 binomial standard errors.
            let tol = 4.0 * (share * (1.0 - share) / n as f64).sqrt();
            assert!((p - share).abs() < tol, "row {i}: {p} vs {share}");
        }
        assert_eq!(d.row_of(12, 7), d.row_of(12, 7));
        let differ = (0..100).filter(|&id| d.row_of(id, 7) != d.row_of(id, 8));
        assert!(differ.count() > 20, "the seed changes the draws");
    }

    #[test]
    fn as_is_takes_the_rows_in_turn() {
        let d = data(&[1.0, 0.0, 3.0], Sampling::AsIs);
        let rows: Vec<usize> = (0..7).map(|id| d.row_of(id, 1)).collect();
        assert_eq!(rows, [0, 1, 2, 0, 1, 2, 0]);
    }
}
