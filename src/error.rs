//! The library's error type. [`Error::is_bad_input`] separates the user's mistakes
//! (exit code 2) from failures of the machine or the program (exit code 1).

use crate::scenario::ScenarioError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario file with problems.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A bad argument or a refused output directory.
    #[error("{0}")]
    BadInput(String),
    /// A results directory that cannot be read as one complete run.
    #[error("{0}")]
    Results(String),
    // The cause is part of the message, not a chained source, so it prints once.
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    // Not a chained source either: the message already holds it, and `{:#}` would print
    // it twice.
    #[error("parquet/polars: {0}")]
    Polars(polars::error::PolarsError),
    #[error("{path}: invalid JSON: {error}")]
    Json {
        path: PathBuf,
        error: serde_json::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::Polars(e)
    }
}

impl Error {
    /// A failure writing `path` reported by polars: an I/O error (disk full) is named
    /// with the file, once.
    pub fn writing(path: &std::path::Path, e: polars::error::PolarsError) -> Self {
        match e {
            polars::error::PolarsError::IO { error, .. } => Error::Io {
                path: path.to_path_buf(),
                error: std::io::Error::new(error.kind(), error.to_string()),
            },
            e => Error::Other(format!("{}: {e}", path.display())),
        }
    }

    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error,
        }
    }

    /// Whether the user can fix this by changing the input (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::Scenario(_) | Error::BadInput(_))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
