//! Period life tables: the probability of dying within the year (qx), or the central death
//! rate (mx), by single year of age and sex, read from CSV.
//!
//! Shipped tables live in `data/life_tables/NAME.csv` (source and year in each file's
//! comment lines) and are compiled into the binary ([`shipped`]); a scenario may instead
//! name a CSV file of its own ([`LifeTable::from_file`]). The format:
//!
//! ```text
//! # comment lines (source, year) start with '#'
//! age,qx_male,qx_female        (or age,mx_male,mx_female)
//! 50,0.006671,0.004011
//! ```
//!
//! Ages are whole years, one row each, consecutive, covering at least
//! [`REQUIRED_AGES`]; rows above [`MAX_AGE`] are ignored. Outside the table the force of
//! mortality is extended log-linearly with the slope of the nearest ten years.

use super::mortality::AgeTable;
use std::sync::OnceLock;

/// Ages 0..=MAX_AGE have a row in every table by age; older persons use the last.
pub const MAX_AGE: usize = 110;

/// First age of the reference population (`crate::reference`): every table must have it.
pub const FIRST_AGE: usize = 50;

/// Ages every table must cover: the reference population's first age and the four decades
/// after it, where most of a run's deaths fall.
pub const REQUIRED_AGES: std::ops::RangeInclusive<usize> = FIRST_AGE..=90;

/// The table used when a scenario names none.
pub const DEFAULT: &str = "us-ssa-2021";

/// Shipped tables: name and CSV text.
const SHIPPED: &[(&str, &str)] = &[
    (
        "us-ssa-2021",
        include_str!("../../data/life_tables/us-ssa-2021.csv"),
    ),
    (
        "ons-ew-2016-2018",
        include_str!("../../data/life_tables/ons-ew-2016-2018.csv"),
    ),
    (
        "japan-2020",
        include_str!("../../data/life_tables/japan-2020.csv"),
    ),
];

/// The names of the shipped tables.
pub fn shipped_names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(n, _)| *n).collect()
}

/// What the table's numbers are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rate {
    /// Probability of dying between exact ages x and x + 1.
    Qx,
    /// Central death rate (deaths per person-year) at age x.
    Mx,
}

/// A life table by single year of age and sex.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LifeTable {
    /// The shipped name, or the file as the scenario wrote it.
    pub name: String,
    /// xxh3 of the file's text: a run's identity changes when the file does.
    pub digest: String,
    #[serde(skip)]
    pub rate: Rate,
    /// Age of the first row.
    #[serde(skip)]
    pub first_age: usize,
    /// qx by sex (0 men, 1 women) from `first_age` (computed as 1 − e^(−mx) for mx tables).
    #[serde(skip)]
    qx: [Vec<f64>; 2],
    /// Force of mortality μ by sex: −ln(1 − qx), or mx itself.
    #[serde(skip)]
    mu: [Vec<f64>; 2],
}

/// A table that cannot be used: where and why.
pub type LifeTableError = crate::delimited::TableError;

/// A shipped table by name (parsed once).
pub fn shipped(name: &str) -> Option<&'static LifeTable> {
    static TABLES: OnceLock<Vec<LifeTable>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| crate::delimited::parse_shipped(SHIPPED, LifeTable::parse));
    tables.iter().find(|t| t.name == name)
}

/// The default table ([`DEFAULT`]).
pub fn default_table() -> &'static LifeTable {
    shipped(DEFAULT).expect("the default table is shipped")
}

impl LifeTable {
    /// Reads a table from a CSV file; `name` is how the scenario wrote it.
    pub fn from_file(path: &std::path::Path, name: &str) -> Result<Self, LifeTableError> {
        let text = std::fs::read_to_string(path).map_err(|e| LifeTableError {
            file: path.display().to_string(),
            line: None,
            column: None,
            message: format!("cannot read the file: {e}"),
        })?;
        let mut t = Self::parse(&text, &path.display().to_string())?;
        t.name = name.to_string();
        Ok(t)
    }

    /// Parses CSV text; `file` names it in errors and becomes the table's name.
    pub fn parse(text: &str, file: &str) -> Result<Self, LifeTableError> {
        let err = |line: Option<u64>, column: Option<&str>, message: String| {
            LifeTableError::at(file, line, column, message)
        };
        let (first, records) = crate::delimited::table_records(text, file)?;
        let header = first.strs();
        let rate = header_rate(&header).map_err(|m| err(Some(first.line), None, m))?;
        let mut rows: Vec<(usize, [f64; 2])> = Vec::new();
        for r in records {
            let r = r?;
            let row = parse_row(&r.strs(), &header, rate, rows.last().map(|r| r.0))
                .map_err(|(col, m)| err(Some(r.line), Some(col), m))?;
            if row.0 <= MAX_AGE {
                rows.push(row);
            }
        }
        let first_age = rows.first().map_or(usize::MAX, |r| r.0);
        let last_age = rows.last().map_or(0, |r| r.0);
        if first_age > *REQUIRED_AGES.start() || last_age < *REQUIRED_AGES.end() {
            return Err(err(
                None,
                Some("age"),
                format!(
                    "the table must cover ages {} to {} (it has {})",
                    REQUIRED_AGES.start(),
                    REQUIRED_AGES.end(),
                    if rows.is_empty() {
                        "no rows".to_string()
                    } else {
                        format!("{first_age} to {last_age}")
                    }
                ),
            ));
        }
        let column = |s: usize| rows.iter().map(|r| r.1[s]).collect::<Vec<f64>>();
        let values = [column(0), column(1)];
        let (qx, mu) = match rate {
            Rate::Qx => (
                values.clone(),
                values.map(|v| v.iter().map(|q| -(1.0 - q).ln()).collect()),
            ),
            Rate::Mx => (
                values
                    .clone()
                    .map(|v| v.iter().map(|m| 1.0 - (-m).exp()).collect()),
                values,
            ),
        };
        Ok(Self {
            name: file.to_string(),
            digest: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes())),
            rate,
            first_age,
            qx,
            mu,
        })
    }

    /// qx by single year of age from [`LifeTable::first_age`].
    pub fn qx(&self, female: bool) -> &[f64] {
        &self.qx[usize::from(female)]
    }

    /// qx at `age`, if the table has that age.
    pub fn qx_at(&self, female: bool, age: usize) -> Option<f64> {
        self.qx(female)
            .get(age.checked_sub(self.first_age)?)
            .copied()
    }

    /// The force of mortality μ by sex and age 0..=MAX_AGE, extended log-linearly outside
    /// the table with the slope of the nearest ten years.
    pub fn hazard(&self) -> AgeTable {
        let mut out = [[0.0; MAX_AGE + 1]; 2];
        let first = self.first_age;
        for (sex, mu) in self.mu.iter().enumerate() {
            let last = mu.len() - 1;
            let slope_lo = (mu[10] / mu[0]).ln() / 10.0;
            let slope_hi = (mu[last] / mu[last - 10]).ln() / 10.0;
            for (age, cell) in out[sex].iter_mut().enumerate() {
                *cell = if age < first {
                    mu[0] * (slope_lo * (age as f64 - first as f64)).exp()
                } else if age - first <= last {
                    mu[age - first]
                } else {
                    mu[last] * (slope_hi * (age - first - last) as f64).exp()
                };
            }
        }
        out
    }
}

/// Which rate the header announces: `age,qx_male,qx_female` or `age,mx_male,mx_female`.
fn header_rate(h: &[&str]) -> Result<Rate, String> {
    match h {
        ["age", "qx_male", "qx_female"] => Ok(Rate::Qx),
        ["age", "mx_male", "mx_female"] => Ok(Rate::Mx),
        _ => Err(format!(
            "the header is `{}`; expected `age,qx_male,qx_female` or `age,mx_male,mx_female`",
            h.join(",")
        )),
    }
}

/// One row: its age (the one after `previous`) and the two rates, each checked.
fn parse_row(
    record: &[&str],
    header: &[&str],
    rate: Rate,
    previous: Option<usize>,
) -> Result<(usize, [f64; 2]), (&'static str, String)> {
    const NAMES: [&str; 3] = ["age", "male", "female"];
    if record.len() != 3 {
        return Err(("age", format!("{} fields; expected 3", record.len())));
    }
    let age: usize = record[0].parse().map_err(|_| {
        (
            "age",
            format!("`{}` is not a whole age in years", &record[0]),
        )
    })?;
    if let Some(p) = previous {
        if age != p + 1 {
            return Err((
                "age",
                format!("age {age} follows {p}: ages must be consecutive"),
            ));
        }
    }
    let mut v = [0.0; 2];
    for (s, cell) in v.iter_mut().enumerate() {
        let col = &header[s + 1];
        let name = if s == 0 { NAMES[1] } else { NAMES[2] };
        let x: f64 = record[s + 1].parse().map_err(|_| {
            (
                name,
                format!("`{}` is not a number ({col})", &record[s + 1]),
            )
        })?;
        let ok = match rate {
            Rate::Qx => x > 0.0 && x < 1.0,
            Rate::Mx => x > 0.0 && x.is_finite(),
        };
        if !ok {
            let range = match rate {
                Rate::Qx => "above 0 and below 1 (drop an open-ended last row with qx = 1)",
                Rate::Mx => "above 0",
            };
            return Err((
                name,
                format!("{col} = {x} at age {age}: it must be {range}"),
            ));
        }
        *cell = x;
    }
    Ok((age, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<LifeTable, LifeTableError> {
        let mut text = String::from("# test\nage,qx_male,qx_female\n");
        text.push_str(body);
        LifeTable::parse(&text, "t.csv")
    }

    fn rows(from: usize, to: usize) -> String {
        (from..=to)
            .map(|a| {
                format!(
                    "{a},{},{}\n",
                    0.001 * 1.1f64.powi(a as i32 - 40),
                    0.0008 * 1.1f64.powi(a as i32 - 40)
                )
            })
            .collect()
    }

    #[test]
    fn every_shipped_table_parses_and_rises_with_age() {
        for name in shipped_names() {
            let t = shipped(name).unwrap();
            assert!(t.first_age <= FIRST_AGE, "{name}");
            for row in &t.hazard() {
                assert!(row[FIRST_AGE..].windows(2).all(|w| w[1] > w[0]), "{name}");
            }
        }
    }

    #[test]
    fn a_table_outside_its_ages_is_extended_log_linearly() {
        let t = parse(&rows(45, 95)).unwrap();
        let h = t.hazard();
        let slope = (h[0][55] / h[0][45]).ln() / 10.0;
        assert!(((h[0][45] / h[0][40]).ln() / 5.0 - slope).abs() < 1e-12);
        assert!((1.0 - (-h[1][60]).exp() - t.qx_at(true, 60).unwrap()).abs() < 1e-12);
    }

    #[test]
    fn an_mx_table_is_read_as_the_force_of_mortality() {
        let text = format!("age,mx_male,mx_female\n{}", rows(50, 90));
        let t = LifeTable::parse(&text, "m.csv").unwrap();
        assert_eq!(t.rate, Rate::Mx);
        let m60 = 0.001 * 1.1f64.powi(20);
        assert!((t.hazard()[0][60] - m60).abs() < 1e-15);
        assert!((t.qx_at(false, 60).unwrap() - (1.0 - (-m60).exp())).abs() < 1e-15);
    }

    #[test]
    fn bad_tables_name_the_line_and_column() {
        let e = parse(&rows(50, 90).replacen("60,", "61,", 1)).unwrap_err();
        assert_eq!(
            (e.line, e.column.as_deref()),
            (Some(13), Some("age")),
            "{e}"
        );
        let e = parse(&format!("{}70,0.01,abc\n", rows(50, 69))).unwrap_err();
        assert_eq!(
            (e.line, e.column.as_deref()),
            (Some(23), Some("female")),
            "{e}"
        );
        assert!(
            e.to_string()
                .starts_with("t.csv:23: column `female`: `abc`"),
            "{e}"
        );
        let e = parse(&format!("{}70,1.0,0.5\n", rows(50, 69))).unwrap_err();
        assert!(e.message.contains("below 1"), "{e}");
        let e = parse(&rows(55, 95)).unwrap_err();
        assert!(e.message.contains("ages 50 to 90 (it has 55 to 95)"), "{e}");
        let e = LifeTable::parse("age,q\n50,0.1\n", "h.csv").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        let e = parse("50,0.01\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }
}
