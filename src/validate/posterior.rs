//! The posterior sample of the calibrated parameters (`docs/calibration/posterior.csv`,
//! written by `sarcosim calibrate --posterior`, see [`super::calibrate::posterior`]).
//!
//! Format: lines starting with `#` are `# key: value` metadata (method, date, commit,
//! sizes, diagnostics); the first other line names the parameters, comma-separated; every
//! later line is one equally weighted draw of them. [`Sample::check`] holds a sample to
//! the calibrated parameters of the table: the same names, every value inside its prior.

use super::imis::Marginal;
use crate::params;
use std::sync::OnceLock;

/// The committed sample, compiled in.
pub const EMBEDDED: &str = include_str!("../../docs/calibration/posterior.csv");

/// The committed sample, parsed and checked against the calibrated parameters once (a
/// sample that does not fit the table is a build defect: the tests load it).
pub fn embedded() -> &'static Sample {
    static SAMPLE: OnceLock<Sample> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        Sample::parse(EMBEDDED)
            .and_then(|s| {
                s.check(&super::calibrate::posterior_parameters())?;
                Ok(s)
            })
            .unwrap_or_else(|e| panic!("docs/calibration/posterior.csv: {e}"))
    })
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PosteriorError {
    #[error("posterior sample, line {line}: {message}")]
    Parse { line: usize, message: String },
    #[error("posterior sample: no header line naming the parameters")]
    NoHeader,
    #[error("posterior sample: no draws")]
    Empty,
    #[error(
        "posterior sample: parameters {found:?} are not the calibrated parameters {expected:?}"
    )]
    Names {
        found: Vec<String>,
        expected: Vec<String>,
    },
    #[error("posterior sample, draw {row}: {name} = {value} lies outside its prior")]
    OutsidePrior {
        row: usize,
        name: String,
        value: f64,
    },
}

/// An equally weighted sample of parameter vectors, with its metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// `# key: value` lines, in order.
    pub meta: Vec<(String, String)>,
    pub names: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

impl Sample {
    /// Reads the CSV text (see the module documentation).
    pub fn parse(text: &str) -> Result<Self, PosteriorError> {
        let mut meta = Vec::new();
        let mut names: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let (line, n) = (raw.trim(), i + 1);
            if line.is_empty() {
                continue;
            }
            if let Some(m) = line.strip_prefix('#') {
                let (k, v) = m.split_once(':').unwrap_or((m, ""));
                meta.push((k.trim().to_string(), v.trim().to_string()));
                continue;
            }
            match &names {
                None => names = Some(line.split(',').map(|s| s.trim().to_string()).collect()),
                Some(h) => rows.push(parse_row(line, n, h.len())?),
            }
        }
        let names = names.ok_or(PosteriorError::NoHeader)?;
        if rows.is_empty() {
            return Err(PosteriorError::Empty);
        }
        Ok(Self { meta, names, rows })
    }

    /// The CSV text that [`Sample::parse`] reads back to the same sample.
    pub fn to_csv(&self) -> String {
        let mut out: String = self
            .meta
            .iter()
            .map(|(k, v)| format!("# {k}: {v}\n"))
            .collect();
        out.push_str(&self.names.join(","));
        out.push('\n');
        for r in &self.rows {
            let cells: Vec<String> = r.iter().map(|v| format!("{v}")).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// Checks the sample against `expected` parameter names (the same set, any order) and
    /// every value against its prior's support in the parameter table.
    pub fn check(&self, expected: &[&str]) -> Result<(), PosteriorError> {
        let mut found: Vec<String> = self.names.clone();
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        found.sort();
        want.sort();
        if found != want || self.names.len() != expected.len() {
            return Err(PosteriorError::Names {
                found: self.names.clone(),
                expected: expected.iter().map(|s| s.to_string()).collect(),
            });
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (name, v) in self.names.iter().zip(row) {
                let inside = params::spec(name)
                    .and_then(Marginal::from_spec)
                    .is_some_and(|m| m.contains(*v));
                if !inside {
                    return Err(PosteriorError::OutsidePrior {
                        row: r + 1,
                        name: name.clone(),
                        value: *v,
                    });
                }
            }
        }
        Ok(())
    }

    /// The draw a uniform number `u` in [0, 1) selects (each draw equally likely).
    pub fn row(&self, u: f64) -> &[f64] {
        let i = ((u * self.rows.len() as f64) as usize).min(self.rows.len() - 1);
        &self.rows[i]
    }

    /// The median of parameter `name` over the draws (the mean of the middle two for an
    /// even count); `None` for a name the sample does not hold.
    pub fn median(&self, name: &str) -> Option<f64> {
        let i = self.names.iter().position(|n| n == name)?;
        let mut v: Vec<f64> = self.rows.iter().map(|r| r[i]).collect();
        v.sort_by(f64::total_cmp);
        let m = v.len() / 2;
        Some(if v.len().is_multiple_of(2) {
            (v[m - 1] + v[m]) / 2.0
        } else {
            v[m]
        })
    }

    /// The value of a metadata key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One draw's values, `width` of them.
fn parse_row(line: &str, n: usize, width: usize) -> Result<Vec<f64>, PosteriorError> {
    let row: Vec<f64> = line
        .split(',')
        .map(|c| c.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|e| PosteriorError::Parse {
            line: n,
            message: format!("not a number ({e})"),
        })?;
    if row.len() != width {
        return Err(PosteriorError::Parse {
            line: n,
            message: format!("{} values for {width} parameters", row.len()),
        });
    }
    if let Some(v) = row.iter().find(|v| !v.is_finite()) {
        return Err(PosteriorError::Parse {
            line: n,
            message: format!("{v} is not finite"),
        });
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# method: test\n# ess: 12.5\nhospital.recovery_fraction,training.gain_rate\n0.9,0.09\n1.0,0.1\n";

    #[test]
    fn parses_checks_and_round_trips() {
        let s = Sample::parse(TEXT).unwrap();
        assert_eq!(s.meta("method"), Some("test"));
        assert_eq!(s.rows, vec![vec![0.9, 0.09], vec![1.0, 0.1]]);
        assert_eq!(Sample::parse(&s.to_csv()).unwrap(), s);
        s.check(&["training.gain_rate", "hospital.recovery_fraction"])
            .unwrap();
        assert_eq!(s.row(0.0), &[0.9, 0.09]);
        assert_eq!(s.row(0.99), &[1.0, 0.1]);
        assert!((s.median("training.gain_rate").unwrap() - 0.095).abs() < 1e-15);
        assert_eq!(s.median("muscle.age_loss_75_m"), None);
        let odd = Sample::parse(&format!("{TEXT}0.5,0.2\n")).unwrap();
        assert_eq!(odd.median("hospital.recovery_fraction"), Some(0.9));
    }

    /// Draw 0 (the central run) takes every calibrated parameter at its posterior median,
    /// to four significant digits, so that the central figures sit inside the draws'
    /// ranges (a point fit at a bound of its prior sits at the edge of the posterior).
    #[test]
    fn the_tables_central_values_are_the_committed_samples_medians() {
        let sample = embedded();
        let central = params::Params::central();
        for name in &sample.names {
            let median = sample.median(name).unwrap();
            let value = central.get(name).unwrap();
            assert!(
                (value - median).abs() <= 5e-4 * median.abs().max(1e-12),
                "{name}: table {value} vs posterior median {median}"
            );
        }
    }

    #[test]
    fn refuses_wrong_names_values_outside_the_prior_and_bad_rows() {
        let s = Sample::parse(TEXT).unwrap();
        assert!(matches!(
            s.check(&["training.gain_rate"]),
            Err(PosteriorError::Names { .. })
        ));
        let outside = Sample::parse(&TEXT.replace("1.0,0.1", "1.2,0.1")).unwrap();
        assert_eq!(
            outside.check(&["training.gain_rate", "hospital.recovery_fraction"]),
            Err(PosteriorError::OutsidePrior {
                row: 2,
                name: "hospital.recovery_fraction".into(),
                value: 1.2
            })
        );
        assert!(matches!(
            Sample::parse(&TEXT.replace("1.0,0.1", "1.0")),
            Err(PosteriorError::Parse { line: 5, .. })
        ));
        assert!(matches!(
            Sample::parse(&TEXT.replace("1.0,0.1", "1.0,x")),
            Err(PosteriorError::Parse { line: 5, .. })
        ));
        assert_eq!(Sample::parse("# a: b\n"), Err(PosteriorError::NoHeader));
        assert_eq!(Sample::parse("a,b\n"), Err(PosteriorError::Empty));
    }
}
