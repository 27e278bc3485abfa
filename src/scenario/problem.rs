//! A problem of a scenario file (key path, message, hint, line) and the error that
//! carries all of a file's problems. Every check in `scenario/` reports through these.

use super::locate::KeyPath;
use std::fmt;

/// One thing wrong with a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub path: KeyPath,
    pub message: String,
    pub hint: Option<String>,
    /// 1-based line and column, when the place could be found.
    pub line: Option<(usize, usize)>,
}

impl Problem {
    pub fn new(path: KeyPath, message: impl Into<String>) -> Self {
        Self {
            path,
            message: message.into(),
            hint: None,
            line: None,
        }
    }

    pub fn at_top(message: impl Into<String>) -> Self {
        Self::new(KeyPath::root(), message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Everything wrong with one scenario file.
#[derive(Clone, Debug, thiserror::Error)]
pub struct ScenarioError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(
            f,
            "{} has {n} problem{}:",
            self.file,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            match p.line {
                Some((l, c)) => write!(f, "  {}:{l}:{c}: {}: {}", self.file, p.path, p.message)?,
                None => write!(f, "  {}: {}: {}", self.file, p.path, p.message)?,
            }
            writeln!(f)?;
            if let Some(h) = &p.hint {
                writeln!(f, "      hint: {h}")?;
            }
        }
        Ok(())
    }
}
