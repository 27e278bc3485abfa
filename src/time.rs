//! Time: durations written in scenario files (`"10d"`, `"20w"`, `"6m"`, `"30y"`) and the
//! length of a year. Low-level: `model/` and `scenario/` both use it, it uses neither.
//!
//! A month is a twelfth of a year and a year 365.25 days, so `"12m"` and `"1y"` are the
//! same length and a monthly step divides every whole number of years exactly.

use serde::Serialize;
use std::fmt;

pub const DAYS_PER_YEAR: f64 = 365.25;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    pub fn years(self) -> f64 {
        match self {
            Unit::Day => 1.0 / DAYS_PER_YEAR,
            Unit::Week => 7.0 / DAYS_PER_YEAR,
            Unit::Month => 1.0 / 12.0,
            Unit::Year => 1.0,
        }
    }

    fn suffix(self) -> char {
        match self {
            Unit::Day => 'd',
            Unit::Week => 'w',
            Unit::Month => 'm',
            Unit::Year => 'y',
        }
    }
}

/// A length of time: a count of a calendar unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Duration {
    pub count: f64,
    pub unit: Unit,
}

impl Duration {
    pub fn years(self) -> f64 {
        self.count * self.unit.years()
    }

    pub fn days(self) -> f64 {
        self.years() * DAYS_PER_YEAR
    }

    /// The number of steps of length `step` closest to this duration.
    pub fn in_steps(self, step: Duration) -> u64 {
        (self.years() / step.years()).round().max(0.0) as u64
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.count, self.unit.suffix())
    }
}

/// Why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{text}` is not a duration: {reason}")]
pub struct DurationError {
    pub text: String,
    pub reason: &'static str,
}

impl std::str::FromStr for Duration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |reason| DurationError {
            text: text.to_string(),
            reason,
        };
        let t = text.trim();
        // The unit is the last character, whatever its width in bytes.
        let last = t.chars().last();
        let num = &t[..t.len() - last.map_or(0, char::len_utf8)];
        let unit = match last {
            Some('d') => Unit::Day,
            Some('w') => Unit::Week,
            Some('m') => Unit::Month,
            Some('y') => Unit::Year,
            _ => {
                return Err(err(
                    "it must end in d, w, m or y (days, weeks, months, years)",
                ))
            }
        };
        let count: f64 = num
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| err("it must be a number followed by d, w, m or y, e.g. \"30y\""))?;
        if !count.is_finite() || count <= 0.0 {
            return Err(err("it must be positive"));
        }
        Ok(Duration { count, unit })
    }
}

/// Years of an offset such as `"0y"` or `"6m"`: a duration, or zero (`"0y"`, `"0d"`), which
/// is a valid offset though not a valid duration.
pub fn offset_years(text: &str) -> Result<f64, DurationError> {
    let t = text.trim();
    let last = t.chars().last();
    let num = &t[..t.len() - last.map_or(0, char::len_utf8)];
    if num.parse::<f64>() == Ok(0.0) && matches!(last, Some('d' | 'w' | 'm' | 'y')) {
        return Ok(0.0);
    }
    text.parse::<Duration>().map(Duration::years)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        let d: Duration = "30y".parse().unwrap();
        assert_eq!(d.years(), 30.0);
        let m: Duration = "1m".parse().unwrap();
        assert_eq!(d.in_steps(m), 360);
        let w: Duration = "20w".parse().unwrap();
        assert_eq!(w.in_steps("1d".parse().unwrap()), 140);
        assert_eq!("10d".parse::<Duration>().unwrap().days(), 10.0);
    }

    #[test]
    fn rejects_bad_text() {
        assert!("30".parse::<Duration>().is_err());
        assert!("0y".parse::<Duration>().is_err());
        assert!("-2m".parse::<Duration>().is_err());
        assert!("xy".parse::<Duration>().is_err());
        assert!("3h"
            .parse::<Duration>()
            .unwrap_err()
            .to_string()
            .contains("d, w, m or y"));
    }

    #[test]
    fn a_non_ascii_last_character_is_an_error_not_a_panic() {
        for text in ["1é", "é", "2y\u{301}", "3😀", "\u{a0}"] {
            let e = text.parse::<Duration>().unwrap_err();
            assert!(e.to_string().contains("d, w, m or y"), "{text}: {e}");
        }
        assert!("".parse::<Duration>().is_err());
    }

    #[test]
    fn offsets_may_be_zero() {
        assert_eq!(offset_years("0y"), Ok(0.0));
        assert_eq!(offset_years(" 0d "), Ok(0.0));
        assert_eq!(offset_years("6m"), Ok(0.5));
        assert!(offset_years("0").is_err());
        assert!(offset_years("0é").is_err());
    }
}
