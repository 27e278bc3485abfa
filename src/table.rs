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
}
