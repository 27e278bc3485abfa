//! Incidence of the five chronic conditions by age band and sex, read from CSV: the rate
//! at which a person without the condition gets it, per 1,000 person-years.
//!
//! Shipped tables live in `data/incidence/NAME.csv` (each cell's source in the file's
//! comment lines and in docs/model.md) and are compiled into the binary ([`shipped`]).
//! The format:
//!
//! ```text
//! # comment lines (sources) start with '#'
//! age,diabetes_male,diabetes_female,ckd_male,ckd_female,copd_male,copd_female,heart_failure_male,heart_failure_female,cancer_male,cancer_female
//! 18,3.0,3.0,...
//! 45,10.1,10.1,...
//! ```
//!
//! Each row opens an age band that lasts until the next row's age; the last band is open.
//! Ages below the first row take the first row's rates. Columns may come in any order;
//! every condition of [`CONDITIONS`] needs both sexes.

use super::life_table::MAX_AGE;
use crate::scenario::CONDITIONS;
use std::sync::OnceLock;

/// The table used when a scenario names none.
pub const DEFAULT: &str = "us";

/// Shipped tables: name and CSV text.
const SHIPPED: &[(&str, &str)] = &[("us", include_str!("../../data/incidence/us.csv"))];

/// The words that end a column's name, men then women (as in the life tables).
const SEXES: [&str; 2] = ["male", "female"];

/// Incidence per person-year by sex, single year of age 0..=MAX_AGE and condition.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidenceTable {
    /// The shipped name, or the file as it was named.
    pub name: String,
    /// xxh3 of the file's text.
    pub digest: String,
    /// Rates per person-year (the file's per 1,000 ÷ 1,000), men then women.
    rates: [Vec<[f64; 5]>; 2],
}

/// A table that cannot be used: where and why.
pub type IncidenceTableError = crate::delimited::TableError;

/// A shipped table by name (parsed once).
pub fn shipped(name: &str) -> Option<&'static IncidenceTable> {
    static TABLES: OnceLock<Vec<IncidenceTable>> = OnceLock::new();
    let tables =
        TABLES.get_or_init(|| crate::delimited::parse_shipped(SHIPPED, IncidenceTable::parse));
    tables.iter().find(|t| t.name == name)
}

/// The default table ([`DEFAULT`]).
pub fn default_table() -> &'static IncidenceTable {
    shipped(DEFAULT).expect("the default incidence table is shipped")
}

impl IncidenceTable {
    /// Parses CSV text; `file` names it in errors and becomes the table's name.
    pub fn parse(text: &str, file: &str) -> Result<Self, IncidenceTableError> {
        let err = |line: Option<u64>, column: Option<&str>, message: String| {
            IncidenceTableError::at(file, line, column, message)
        };
        let (first, records) = crate::delimited::table_records(text, file)?;
        let columns = Columns::of(&first.strs()).map_err(|m| err(Some(first.line), None, m))?;
        let mut bands: Vec<Band> = Vec::new();
        for r in records {
            let r = r?;
            let band = columns
                .band(&r.strs(), bands.last().map(|b| b.0))
                .map_err(|(col, m)| err(Some(r.line), Some(&col), m))?;
            bands.push(band);
        }
        if bands.is_empty() {
            return Err(err(None, None, "the table has no rows".into()));
        }
        Ok(Self {
            name: file.to_string(),
            digest: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes())),
            rates: [0, 1].map(|s| by_year(&bands, s)),
        })
    }

    /// Every condition's incidence per person-year at this age (whole years; ages past
    /// [`MAX_AGE`] take its row, negative and NaN ages the first).
    #[inline(always)]
    pub fn rates(&self, female: bool, age: f64) -> [f64; 5] {
        self.rates[usize::from(female)][year_index(age)]
    }
}

/// The row of a single year of age: `age` truncated, held to 0..=MAX_AGE.
#[inline(always)]
pub fn year_index(age: f64) -> usize {
    (age as usize).min(MAX_AGE)
}

/// Each year of age's rates per person-year for sex `s`, from the bands per 1,000.
fn by_year(bands: &[Band], s: usize) -> Vec<[f64; 5]> {
    (0..=MAX_AGE)
        .map(|age| {
            let band = bands.iter().rev().find(|b| b.0 <= age).unwrap_or(&bands[0]);
            band.1[s].map(|r| r / 1000.0)
        })
        .collect()
}

/// A band: its first age and its rates per 1,000 by sex and condition.
type Band = (usize, [[f64; 5]; 2]);

/// Where each column is: the age, then each (condition, sex).
struct Columns {
    age: usize,
    /// `cell[s][c]`: the column of condition `c` for sex `s`.
    cell: [[usize; 5]; 2],
    names: Vec<String>,
}

impl Columns {
    fn of(header: &[&str]) -> Result<Self, String> {
        let find = |name: &str| {
            header.iter().position(|h| *h == name).ok_or_else(|| {
                format!(
                    "the header has no `{name}` column (it has: {})",
                    header.join(", ")
                )
            })
        };
        let mut cell = [[0; 5]; 2];
        for (c, cond) in CONDITIONS.iter().enumerate() {
            for (s, sex) in SEXES.iter().enumerate() {
                cell[s][c] = find(&format!("{cond}_{sex}"))?;
            }
        }
        Ok(Self {
            age: find("age")?,
            cell,
            names: header.iter().map(|h| h.to_string()).collect(),
        })
    }

    /// One row: its first age (above `previous`, at most [`MAX_AGE`]) and its rates per
    /// 1,000, or the column at fault and why.
    fn band(&self, fields: &[&str], previous: Option<usize>) -> Result<Band, (String, String)> {
        if fields.len() != self.names.len() {
            return Err((
                self.names[self.age].clone(),
                format!(
                    "{} fields where the header has {}",
                    fields.len(),
                    self.names.len()
                ),
            ));
        }
        let age_name = || self.names[self.age].clone();
        let age: usize = fields[self.age].parse().map_err(|_| {
            (
                age_name(),
                format!("`{}` is not a whole age in years", fields[self.age]),
            )
        })?;
        if age > MAX_AGE {
            return Err((age_name(), format!("age {age} is above {MAX_AGE}")));
        }
        if previous.is_some_and(|p| age <= p) {
            return Err((
                age_name(),
                format!("age {age} does not follow the row before (ages must rise)"),
            ));
        }
        let mut rates = [[0.0; 5]; 2];
        for (row, cells) in rates.iter_mut().zip(&self.cell) {
            for (rate, &col) in row.iter_mut().zip(cells) {
                let text = fields[col];
                let v: f64 = text
                    .parse()
                    .map_err(|_| (self.names[col].clone(), format!("`{text}` is not a number")))?;
                if !(v.is_finite() && (0.0..=1000.0).contains(&v)) {
                    return Err((
                        self.names[col].clone(),
                        format!("{text} is not a rate per 1,000 person-years between 0 and 1000"),
                    ));
                }
                *rate = v;
            }
        }
        Ok((age, rates))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "age,diabetes_male,diabetes_female,ckd_male,ckd_female,copd_male,copd_female,heart_failure_male,heart_failure_female,cancer_male,cancer_female";

    #[test]
    fn bands_hold_until_the_next_row_and_read_per_thousand() {
        let text = format!(
            "# note\n{HEADER}\n40,1,2,3,4,5,6,7,8,9,10\n65,10,20,30,40,50,60,70,80,90,100\n"
        );
        let t = IncidenceTable::parse(&text, "t.csv").unwrap();
        assert_eq!(t.rates(false, 20.0), [0.001, 0.003, 0.005, 0.007, 0.009]);
        assert_eq!(t.rates(true, 64.99), [0.002, 0.004, 0.006, 0.008, 0.010]);
        assert_eq!(t.rates(false, 65.0), [0.01, 0.03, 0.05, 0.07, 0.09]);
        assert_eq!(t.rates(true, 300.0), [0.02, 0.04, 0.06, 0.08, 0.1]);
        assert_eq!(t.rates(true, f64::NAN), t.rates(true, 0.0));
    }

    #[test]
    fn errors_name_the_line_and_the_column() {
        let missing = IncidenceTable::parse("age,diabetes_male\n40,1\n", "m.csv").unwrap_err();
        assert_eq!(missing.line, Some(1));
        assert!(missing.message.contains("`diabetes_female`"), "{missing}");
        let bad = format!("{HEADER}\n40,1,2,3,4,5,6,7,8,9,10\n50,1,2,3,x,5,6,7,8,9,10\n");
        let e = IncidenceTable::parse(&bad, "b.csv").unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("ckd_female")));
        assert_eq!(
            e.to_string(),
            "b.csv:3: column `ckd_female`: `x` is not a number"
        );
        let falling = format!("{HEADER}\n50,1,2,3,4,5,6,7,8,9,10\n40,1,2,3,4,5,6,7,8,9,10\n");
        let e = IncidenceTable::parse(&falling, "f.csv").unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("age")));
        let negative = format!("{HEADER}\n50,1,2,3,4,5,6,7,8,9,-1\n");
        let e = IncidenceTable::parse(&negative, "n.csv").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("cancer_female"));
        let short = format!("{HEADER}\n50,1,2\n");
        assert!(IncidenceTable::parse(&short, "s.csv")
            .unwrap_err()
            .message
            .contains("3 fields"));
        assert!(IncidenceTable::parse(&format!("{HEADER}\n"), "e.csv").is_err());
    }

    #[test]
    fn the_shipped_tables_parse() {
        for (name, _) in SHIPPED {
            let t = shipped(name).unwrap();
            assert!(t.rates(false, 70.0).iter().all(|r| *r > 0.0 && *r < 0.1));
        }
        assert_eq!(default_table().name, DEFAULT);
    }
}
