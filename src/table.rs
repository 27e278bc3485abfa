//! Plain-text tables for the terminal: columns padded to their widest cell, a rule under
//! the header; the first `left` columns (labels) left-aligned, the rest right-aligned.

use std::fmt::Write as _;

pub fn aligned(header: &[String], rows: &[Vec<String>], left: usize) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|j| {
            rows.iter()
                .map(|r| r[j].chars().count())
                .chain([header[j].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(j, (c, w))| {
                if j < left {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(header, &mut out);
    line(
        &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
        &mut out,
    );
    for r in rows {
        line(r, &mut out);
    }
    out
}

/// A Markdown table: the first `left` columns left-aligned, the rest right-aligned; `|` in
/// a cell is escaped.
pub fn markdown(header: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let rule: Vec<&str> = (0..header.len())
        .map(|j| if j < left { "---" } else { "---:" })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_line_up_with_labels_on_the_left() {
        let h = vec!["arm".to_string(), "n".to_string()];
        let rows = vec![
            vec!["baseline".to_string(), "7".to_string()],
            vec!["rt".to_string(), "120".to_string()],
        ];
        assert_eq!(
            super::aligned(&h, &rows, 1),
            "arm         n\n--------  ---\nbaseline    7\nrt        120\n"
        );
    }

    #[test]
    fn markdown_tables_align_and_escape_bars() {
        let rows = vec![vec!["a|b".to_string(), "1".to_string()]];
        assert_eq!(
            super::markdown(&["name", "n"], &rows, 1),
            "| name | n |\n|---|---:|\n| a\\|b | 1 |\n"
        );
    }
}
