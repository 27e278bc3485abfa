//! Reading and checking a microdata file (CSV through [`crate::delimited`], Parquet
//! through polars): every problem is collected with its file, line or row, and column.

use super::columns::{self, Col, Kind, Spec, COLUMNS, EXCLUSIVE, IGNORED};
use super::{Microdata, Sampling};
use std::fmt;
use std::path::Path;

/// Most rows a file may have.
pub const MAX_ROWS: usize = 10_000_000;
/// Most problems reported for one file.
const MAX_ERRORS: usize = 20;

/// One thing wrong with a microdata file.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct MicrodataError {
    pub file: String,
    /// 1-based line of a CSV file.
    pub line: Option<u64>,
    /// 1-based data row (the header is not a row).
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for MicrodataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        let mut place = Vec::new();
        if let Some(r) = self.row {
            place.push(format!("row {r}"));
        }
        if let Some(c) = &self.column {
            place.push(format!("column `{c}`"));
        }
        if !place.is_empty() {
            write!(f, ": {}", place.join(", "))?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Reads `path` (`.csv` or `.parquet`); `label` is how the scenario wrote it.
pub fn load(
    path: &Path,
    label: &str,
    sampling: Sampling,
) -> Result<Microdata, Vec<MicrodataError>> {
    let fail = |message: String, hint: Option<&str>| {
        vec![MicrodataError {
            file: label.to_string(),
            line: None,
            row: None,
            column: None,
            message,
            hint: hint.map(str::to_string),
        }]
    };
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let ext = ext.to_ascii_lowercase();
    if ext != "csv" && ext != "parquet" {
        return Err(fail(
            format!("`.{ext}` is not a microdata format"),
            Some("give a .csv or .parquet file"),
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}"), None))?;
    if ext == "parquet" {
        return parse_parquet(&bytes, label, sampling);
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        fail(
            format!("byte {} is not UTF-8 text", e.valid_up_to()),
            Some("save the file as UTF-8 CSV"),
        )
    })?;
    parse_csv(text, label, sampling)
}

/// A cell as the file gives it.
#[derive(Clone, Copy, Debug)]
enum Cell<'a> {
    Missing,
    Num(f64),
    Text(&'a str),
    Bool(bool),
}

/// What is wrong with a cell.
struct Bad {
    message: String,
    hint: Option<String>,
}

fn bad(message: String) -> Bad {
    Bad {
        message,
        hint: None,
    }
}

/// Parses CSV text (`label` names it in errors).
pub(super) fn parse_csv(
    text: &str,
    label: &str,
    sampling: Sampling,
) -> Result<Microdata, Vec<MicrodataError>> {
    let mut b = Builder::new(label, sampling);
    let mut records = crate::delimited::records(text);
    let header = match records.next() {
        None => {
            b.error(None, None, None, bad("no header and no rows".into()));
            return Err(b.errors);
        }
        Some(Err(e)) => {
            b.error(Some(e.line), None, None, bad(e.message));
            return Err(b.errors);
        }
        Some(Ok(h)) => h,
    };
    if !b.header(&header.strs(), Some(header.line)) {
        return Err(b.errors);
    }
    for r in records {
        let row = b.rows + 1;
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                b.error(Some(e.line), Some(row), None, bad(e.message));
                b.skip_row(Some(e.line));
                continue;
            }
        };
        if r.fields.len() != b.map.len() {
            let m = format!("{} fields; the header has {}", r.fields.len(), b.map.len());
            b.error(Some(r.line), Some(row), None, bad(m));
            b.skip_row(Some(r.line));
            continue;
        }
        if b.rows >= MAX_ROWS {
            b.error(
                Some(r.line),
                None,
                None,
                bad(format!("more than {MAX_ROWS} rows")),
            );
            return Err(b.errors);
        }
        for (j, f) in r.fields.iter().enumerate() {
            let cell = if f.is_empty() {
                Cell::Missing
            } else {
                Cell::Text(f)
            };
            b.push(j, cell, Some(r.line));
        }
        b.end_row(Some(r.line));
    }
    b.finish(xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// Parses the bytes of a Parquet file.
fn parse_parquet(
    bytes: &[u8],
    label: &str,
    sampling: Sampling,
) -> Result<Microdata, Vec<MicrodataError>> {
    use polars::prelude::*;
    let mut b = Builder::new(label, sampling);
    let df = match ParquetReader::new(std::io::Cursor::new(bytes)).finish() {
        Ok(df) => df,
        Err(e) => {
            b.error(
                None,
                None,
                None,
                bad(format!("not a readable Parquet file: {e}")),
            );
            return Err(b.errors);
        }
    };
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    if !b.header(&names, None) {
        return Err(b.errors);
    }
    if df.height() > MAX_ROWS {
        b.error(None, None, None, bad(format!("more than {MAX_ROWS} rows")));
        return Err(b.errors);
    }
    for (j, c) in df.columns().iter().enumerate() {
        let s = c.as_materialized_series();
        let cells: PolarsResult<Vec<Cell<'_>>> = match s.dtype() {
            DataType::String => s.str().map(|v| {
                v.iter()
                    .map(|x| x.map_or(Cell::Missing, Cell::Text))
                    .collect()
            }),
            DataType::Boolean => s.bool().map(|v| {
                v.iter()
                    .map(|x| x.map_or(Cell::Missing, Cell::Bool))
                    .collect()
            }),
            dt if dt.is_primitive_numeric() => s.cast(&DataType::Float64).and_then(|f| {
                Ok(f.f64()?
                    .iter()
                    .map(|x| x.map_or(Cell::Missing, Cell::Num))
                    .collect())
            }),
            dt => {
                let m = format!("values of type {dt}; expected numbers or text");
                b.error(None, None, Some(names[j]), bad(m));
                continue;
            }
        };
        match cells {
            Ok(cells) => b.push_column(j, &cells),
            Err(e) => b.error(None, None, Some(names[j]), bad(e.to_string())),
        }
    }
    b.rows = df.height();
    b.finish(xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Collects a file's columns and problems.
struct Builder<'a> {
    file: &'a str,
    sampling: Sampling,
    /// For each column of the file, its spec (`None`: an ignored column).
    map: Vec<Option<&'static Spec>>,
    /// By [`Col`]: the values read so far.
    values: Vec<Option<Vec<f64>>>,
    /// The line of each row (CSV only), for the checks across columns.
    lines: Vec<Option<u64>>,
    rows: usize,
    errors: Vec<MicrodataError>,
    more: usize,
}

impl<'a> Builder<'a> {
    fn new(file: &'a str, sampling: Sampling) -> Self {
        Self {
            file,
            sampling,
            map: Vec::new(),
            values: vec![None; COLUMNS.len()],
            lines: Vec::new(),
            rows: 0,
            errors: Vec::new(),
            more: 0,
        }
    }

    fn error(&mut self, line: Option<u64>, row: Option<usize>, column: Option<&str>, b: Bad) {
        if self.errors.len() >= MAX_ERRORS {
            self.more += 1;
            return;
        }
        self.errors.push(MicrodataError {
            file: self.file.to_string(),
            line,
            row,
            column: column.map(str::to_string),
            message: b.message,
            hint: b.hint,
        });
    }

    /// Maps the header's names to columns; false when the file cannot be read further.
    fn header(&mut self, names: &[&str], line: Option<u64>) -> bool {
        for (j, name) in names.iter().enumerate() {
            let spec = columns::by_name(name);
            if names[..j].contains(name) {
                self.error(line, None, Some(name), bad("appears twice".into()));
            } else if let Some(s) = spec {
                self.values[s.col as usize] = Some(Vec::new());
            } else if !IGNORED.contains(name) {
                let b = unknown_column(name);
                self.error(line, None, Some(name), b);
            }
            self.map.push(spec);
        }
        for (a, b) in EXCLUSIVE {
            if self.has(a) && self.has(b) {
                let m = format!("both `{}` and `{}`: give one of them", a.name(), b.name());
                self.error(line, None, None, bad(m));
            }
        }
        if self.sampling == Sampling::Weighted && !self.has(Col::SamplingWeight) {
            self.error(
                line,
                None,
                None,
                Bad {
                    message: "no column `sampling_weight`".into(),
                    hint: Some(
                        "add the sampling weight of each row, or take the rows as they are \
                         with `sample = \"as_is\"`"
                            .into(),
                    ),
                },
            );
        }
        self.errors.is_empty()
    }

    fn has(&self, c: Col) -> bool {
        self.values[c as usize].is_some()
    }

    /// Checks and stores the cell of file column `j` of the current row.
    fn push(&mut self, j: usize, cell: Cell<'_>, line: Option<u64>) {
        let Some(spec) = self.map[j] else { return };
        let v = match check_cell(spec, cell) {
            Ok(v) => v,
            Err(b) => {
                self.error(line, Some(self.rows + 1), Some(spec.name), b);
                f64::NAN
            }
        };
        if let Some(col) = self.values[spec.col as usize].as_mut() {
            col.push(v);
        }
    }

    /// Checks and stores a whole column (Parquet).
    fn push_column(&mut self, j: usize, cells: &[Cell<'_>]) {
        let Some(spec) = self.map[j] else { return };
        let mut col = Vec::with_capacity(cells.len());
        for (i, cell) in cells.iter().enumerate() {
            col.push(check_cell(spec, *cell).unwrap_or_else(|b| {
                self.error(None, Some(i + 1), Some(spec.name), b);
                f64::NAN
            }));
        }
        self.values[spec.col as usize] = Some(col);
    }

    fn end_row(&mut self, line: Option<u64>) {
        self.rows += 1;
        self.lines.push(line);
    }

    /// A row that could not be split: its cells are empty, so the row count stays right.
    fn skip_row(&mut self, line: Option<u64>) {
        for col in self.values.iter_mut().flatten() {
            col.push(f64::NAN);
        }
        self.end_row(line);
    }

    /// The checks across rows and columns; the file's data when nothing is wrong.
    fn finish(mut self, digest: u64) -> Result<Microdata, Vec<MicrodataError>> {
        if self.rows == 0 && self.errors.is_empty() {
            self.error(None, None, None, bad("no rows after the header".into()));
        }
        self.check_implied_bmi();
        let cumulative = self.cumulative_weights();
        if self.more > 0 {
            let m = format!("… and {} more problems in this file, not shown", self.more);
            self.errors.push(MicrodataError {
                file: self.file.to_string(),
                line: None,
                row: None,
                column: None,
                message: m,
                hint: None,
            });
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(Microdata {
            file: self.file.to_string(),
            digest: format!("{digest:016x}"),
            sampling: self.sampling,
            rows: self.rows,
            values: self.values,
            cumulative,
        })
    }

    /// A row with both weight and height must have a BMI within the accepted range.
    fn check_implied_bmi(&mut self) {
        let (Some(w), Some(h)) = (
            self.values[Col::WeightKg as usize].clone(),
            self.values[Col::Height as usize].clone(),
        ) else {
            return;
        };
        let (lo, hi) = Col::Bmi.spec().range;
        for (i, (w, h)) in w.iter().zip(&h).enumerate() {
            let bmi = w / (h * h);
            if !(lo..=hi).contains(&bmi) && !bmi.is_nan() {
                let m = format!(
                    "weight {w} kg at height {h} m is a BMI of {bmi:.1}, outside {lo}-{hi}"
                );
                let line = self.lines.get(i).copied().flatten();
                self.error(line, Some(i + 1), Some("weight_kg"), bad(m));
            }
        }
    }

    /// Running sums of the weights; a problem when they add up to nothing.
    fn cumulative_weights(&mut self) -> Vec<f64> {
        if self.sampling != Sampling::Weighted || !self.errors.is_empty() {
            return Vec::new();
        }
        let Some(w) = self.values[Col::SamplingWeight as usize].as_ref() else {
            return Vec::new();
        };
        let cumulative: Vec<f64> = w
            .iter()
            .scan(0.0, |acc, x| {
                *acc += x;
                Some(*acc)
            })
            .collect();
        let total = cumulative.last().copied().unwrap_or(0.0);
        if !(total > 0.0 && total.is_finite()) {
            let m = format!("the sampling weights add up to {total}; they must add up to > 0");
            self.error(None, None, Some("sampling_weight"), bad(m));
        }
        cumulative
    }
}

/// The problem of a column the format does not know.
fn unknown_column(name: &str) -> Bad {
    let hint = if name.eq_ignore_ascii_case("weight") {
        "`weight` is ambiguous: write `sampling_weight` for the survey weight or `weight_kg` \
         for body weight"
            .to_string()
    } else {
        let known: Vec<&str> = COLUMNS.iter().map(|s| s.name).collect();
        match columns::closest(name) {
            Some(c) => format!("did you mean `{c}`? (columns: {})", known.join(", ")),
            None => format!("the columns are {} (and `id`, ignored)", known.join(", ")),
        }
    };
    Bad {
        message: "unknown column".into(),
        hint: Some(hint),
    }
}

/// The value of a cell (NaN for an empty one), or what is wrong with it.
fn check_cell(spec: &Spec, cell: Cell<'_>) -> Result<f64, Bad> {
    let num = match (spec.kind, cell) {
        (_, Cell::Missing) if spec.required_cells => {
            return Err(bad(format!("empty: every row needs its {}", spec.name)));
        }
        (_, Cell::Missing) => return Ok(f64::NAN),
        (Kind::Sex, Cell::Text(s)) => {
            return columns::sex_code(s)
                .map(f64::from)
                .ok_or_else(|| unknown_sex(s));
        }
        (Kind::Sex, Cell::Num(x)) => return Err(unknown_sex(&x.to_string())),
        (Kind::Flag, Cell::Bool(b)) => return Ok(f64::from(u8::from(b))),
        (_, Cell::Bool(b)) => return Err(bad(format!("`{b}` is not a number"))),
        (Kind::Flag, Cell::Text(s)) if s.eq_ignore_ascii_case("true") => 1.0,
        (Kind::Flag, Cell::Text(s)) if s.eq_ignore_ascii_case("false") => 0.0,
        (_, Cell::Text(s)) => s.parse::<f64>().map_err(|_| Bad {
            message: format!("`{s}` is not a number"),
            hint: Some("leave the cell empty where a value is missing".into()),
        })?,
        (_, Cell::Num(x)) => x,
    };
    check_number(spec, num)
}

fn unknown_sex(code: &str) -> Bad {
    Bad {
        message: format!("unknown sex code `{code}`"),
        hint: Some(
            "code sex as F or M (female, male); numbers are refused as they differ between \
             surveys"
                .into(),
        ),
    }
}

/// Checks a numeric cell against its column.
fn check_number(spec: &Spec, x: f64) -> Result<f64, Bad> {
    if x.is_nan() {
        return Err(Bad {
            message: "NaN is not a value".into(),
            hint: Some("leave the cell empty where a value is missing".into()),
        });
    }
    match spec.kind {
        Kind::Weight if !(x >= 0.0 && x.is_finite()) => Err(bad(format!(
            "{x} is not a sampling weight: weights are finite and ≥ 0"
        ))),
        Kind::Flag if x != 0.0 && x != 1.0 => Err(bad(format!(
            "{x} is not 0 or 1 (condition absent or present)"
        ))),
        Kind::Number if !(spec.range.0..=spec.range.1).contains(&x) => Err(Bad {
            message: format!(
                "{x} is outside {}-{} ({})",
                spec.range.0, spec.range.1, spec.unit
            ),
            hint: unit_hint(spec.col, x),
        }),
        _ => Ok(x),
    }
}

/// A hint for a value that looks like it is in other units.
fn unit_hint(col: Col, x: f64) -> Option<String> {
    match col {
        Col::Height if (100.0..=230.0).contains(&x) => {
            Some(format!("heights are in metres: {x} cm is {}", x / 100.0))
        }
        Col::Gait if (5.0..=250.0).contains(&x) => {
            Some("gait speed is in m/s (4 m in 5 s is 0.8)".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse_csv(text, "p.csv", Sampling::Weighted)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_good_file_keeps_its_values_and_empty_cells() {
        let d = parse_csv(
            "# survey\nid,sampling_weight,age,sex,grip,diabetes\n7,2.5,70,F,,1\n8,1,81,m,30,0\n",
            "p.csv",
            Sampling::Weighted,
        )
        .unwrap();
        assert_eq!(d.rows(), 2);
        assert_eq!(d.get(Col::Sex, 0), Some(1.0));
        assert_eq!(d.get(Col::Sex, 1), Some(0.0));
        assert_eq!(d.get(Col::Grip, 0), None);
        assert_eq!(d.get(Col::Grip, 1), Some(30.0));
        assert_eq!(d.get(Col::Height, 0), None);
        assert_eq!(
            d.columns(),
            ["sampling_weight", "age", "sex", "diabetes", "grip"]
        );
    }

    #[test]
    fn problems_name_the_line_row_and_column() {
        let e = errors("sampling_weight,age,sex\n1,70,F\n1,130,F\n-1,70,X\n");
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(
            e[0],
            "p.csv:3: row 2, column `age`: 130 is outside 18-110 (years)"
        );
        assert!(
            e[1].starts_with("p.csv:4: row 3, column `sampling_weight`: -1"),
            "{e:?}"
        );
        assert_eq!(e[2], "p.csv:4: row 3, column `sex`: unknown sex code `X`");
        let e = errors("sampling_weight,age,sex,hieght\n1,70,F,1.6\n");
        assert_eq!(e, ["p.csv:1: column `hieght`: unknown column"]);
        let e = errors("age,sex\n70,F\n");
        assert_eq!(e, ["p.csv:1: no column `sampling_weight`"]);
        let e = errors("sampling_weight,age,sex,height\n1,70,F,165\n1,NaN,F,1.6\n1,x,F,1.6\n");
        assert!(e[0].ends_with("165 is outside 1-2.3 (m)"), "{e:?}");
        assert!(e[1].ends_with("column `age`: NaN is not a value"), "{e:?}");
        assert!(e[2].ends_with("`x` is not a number"), "{e:?}");
        let e = errors("sampling_weight,age,sex\n1,70\n0,70,F\n");
        assert_eq!(e[0], "p.csv:2: row 1: 2 fields; the header has 3");
        assert_eq!(e.len(), 1, "{e:?}");
        let e = errors("sampling_weight,age,sex\n0,70,F\n");
        assert!(e[0].contains("add up to 0"), "{e:?}");
    }

    #[test]
    fn at_most_twenty_problems_are_listed() {
        let mut text = String::from("sampling_weight,age,sex\n");
        for _ in 0..30 {
            text.push_str("1,5,F\n");
        }
        let e = errors(&text);
        assert_eq!(e.len(), MAX_ERRORS + 1);
        assert!(e[MAX_ERRORS].contains("10 more problems"), "{e:?}");
    }
}
