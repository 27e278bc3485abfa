//! Comma-separated text read by hand (life tables, microdata cohorts): the `csv` crate
//! would make every build recompile polars (it changes shared crates' features).
//!
//! The dialect: one record per line (`\n` or `\r\n`), fields separated by commas and
//! trimmed of spaces; a field may be quoted (`"a, b"`, with `""` for a quote inside);
//! blank lines and lines starting with `#` (comments: source, year) are skipped; a UTF-8
//! byte-order mark at the start is ignored.

use std::borrow::Cow;

/// One line of fields, with its 1-based line number in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Record<'a> {
    pub line: u64,
    pub fields: Vec<Cow<'a, str>>,
}

impl Record<'_> {
    /// The fields as plain string slices.
    pub fn strs(&self) -> Vec<&str> {
        self.fields.iter().map(AsRef::as_ref).collect()
    }
}

/// A line that cannot be split: its 1-based number and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: u64,
    pub message: String,
}

/// A table file that cannot be used (a life table, an incidence table): where and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}{}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default(),
        column.as_ref().map(|c| format!(": column `{c}`")).unwrap_or_default())]
pub struct TableError {
    pub file: String,
    /// 1-based line of the file.
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl TableError {
    /// An error of `file`, at `line` and `column` where known.
    pub fn at(file: &str, line: Option<u64>, column: Option<&str>, message: String) -> Self {
        Self {
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            message,
        }
    }
}

/// A table's header record and its row records, a line that cannot be split (or a text
/// without a header) reported as a [`TableError`] of `file`.
pub fn table_records<'a>(
    text: &'a str,
    file: &'a str,
) -> Result<
    (
        Record<'a>,
        impl Iterator<Item = Result<Record<'a>, TableError>> + 'a,
    ),
    TableError,
> {
    let syntax = move |e: SyntaxError| TableError::at(file, Some(e.line), None, e.message);
    let mut records = records(text);
    let header = records
        .next()
        .ok_or_else(|| TableError::at(file, None, None, "no header and no rows".into()))?
        .map_err(syntax)?;
    Ok((header, records.map(move |r| r.map_err(syntax))))
}

/// The tables shipped in the binary, `(name, text)`, each parsed by `parse(text, name)`:
/// a shipped table that does not parse is a build defect, so it panics with the error.
pub fn parse_shipped<T>(
    shipped: &[(&str, &str)],
    parse: impl Fn(&str, &str) -> Result<T, TableError>,
) -> Vec<T> {
    shipped
        .iter()
        .map(|(name, text)| parse(text, name).unwrap_or_else(|e| panic!("shipped table: {e}")))
        .collect()
}

/// The records of `text` in order, comment and blank lines skipped.
pub fn records(text: &str) -> impl Iterator<Item = Result<Record<'_>, SyntaxError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(line, l)| {
            fields(l)
                .map(|fields| Record { line, fields })
                .map_err(|message| SyntaxError { line, message })
        })
}

/// Splits one line into trimmed fields, unquoting quoted ones.
pub fn fields(line: &str) -> Result<Vec<Cow<'_, str>>, String> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start();
        if let Some(quoted) = trimmed.strip_prefix('"') {
            let (value, after) = quoted_field(quoted)?;
            out.push(Cow::Owned(value));
            let after = after.trim_start();
            match after.strip_prefix(',') {
                Some(r) => rest = r,
                None if after.is_empty() => return Ok(out),
                None => return Err(format!("text after a closing quote: `{after}`")),
            }
        } else {
            match rest.split_once(',') {
                Some((field, r)) => {
                    out.push(Cow::Borrowed(field.trim()));
                    rest = r;
                }
                None => {
                    out.push(Cow::Borrowed(rest.trim()));
                    return Ok(out);
                }
            }
        }
    }
}

/// A quoted field's value (after its opening quote) and the text after its closing quote.
fn quoted_field(s: &str) -> Result<(String, &str), String> {
    let mut value = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            value.push(c);
        } else if chars.peek().map(|(_, n)| *n) == Some('"') {
            value.push('"');
            chars.next();
        } else {
            return Ok((value, &s[i + 1..]));
        }
    }
    Err("a quoted field is not closed on its line".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_trimmed_and_quotes_removed() {
        assert_eq!(fields("a, b ,c").unwrap(), ["a", "b", "c"]);
        assert_eq!(fields("1,,3").unwrap(), ["1", "", "3"]);
        assert_eq!(
            fields(r#""x, y", "say ""hi""" ,z"#).unwrap(),
            ["x, y", r#"say "hi""#, "z"]
        );
        assert_eq!(fields("a,").unwrap(), ["a", ""]);
        assert!(fields(r#""open"#).unwrap_err().contains("not closed"));
        assert!(fields(r#""a" b,c"#)
            .unwrap_err()
            .contains("after a closing quote"));
    }

    #[test]
    fn comments_blank_lines_and_the_bom_are_skipped_with_line_numbers_kept() {
        let text = "\u{feff}# source\nage,x\r\n\n50,1\n# note\n51,2\n";
        let r: Vec<Record<'_>> = records(text).map(Result::unwrap).collect();
        let lines: Vec<u64> = r.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(r[0].strs(), ["age", "x"]);
        assert_eq!(r[2].strs(), ["51", "2"]);
        let e = records("a\n\"b\n").nth(1).unwrap().unwrap_err();
        assert_eq!(e.line, 2);
    }
}
