//! What a report shows: its sections, arms and draws (`report --section/--arm/--draw`).
//! Applied once, to the comparison and to the summary tables, before any exporter runs,
//! so every format shows the same selection.

use crate::compare::Comparison;
use crate::error::{Error, Result};
use std::str::FromStr;

/// A part of the text report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// One line per arm at the last record: survivors, deaths, muscle, prevalence.
    Overview,
    /// Per arm and draw, the population at every record.
    ByYear,
    /// Per arm and draw, prevalence by sex and age band.
    AgeBands,
    /// The comparison of arms.
    Comparison,
}

impl Section {
    /// Every section by its name on the command line, in report order.
    pub const ALL: [(&'static str, Section); 4] = [
        ("overview", Section::Overview),
        ("by-year", Section::ByYear),
        ("age-bands", Section::AgeBands),
        ("comparison", Section::Comparison),
    ];

    /// The sections shown when none is asked for: a report that fits a screen.
    pub const DEFAULT: [Section; 2] = [Section::Overview, Section::Comparison];
}

impl FromStr for Section {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Section::ALL
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = Section::ALL.iter().map(|(n, _)| *n).collect();
                format!("unknown section `{s}`; one of: {}", names.join(", "))
            })
    }
}

/// The sections named on the command line (`all`: every one), in report order.
pub fn parse_sections(names: &[String]) -> Result<Vec<Section>> {
    let mut out = Vec::new();
    for n in names {
        if n == "all" {
            out.extend(Section::ALL.map(|(_, s)| s));
        } else {
            out.push(
                n.parse()
                    .map_err(|e| Error::BadInput(format!("--section: {e} or all")))?,
            );
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Which draws a report shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Draws {
    /// Every draw 0..=K.
    All,
    /// These draws (sorted, without repeats).
    Some(Vec<u32>),
}

impl FromStr for Draws {
    type Err = String;

    /// `all`, or one or more draws separated by commas (`0,3`).
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if s == "all" {
            return Ok(Draws::All);
        }
        let mut v = s
            .split(',')
            .map(|d| {
                d.trim()
                    .parse::<u32>()
                    .map_err(|_| format!("`{d}` is not a draw number (0, 1, …) or `all`"))
            })
            .collect::<std::result::Result<Vec<u32>, String>>()?;
        v.sort_unstable();
        v.dedup();
        Ok(Draws::Some(v))
    }
}

/// The sections, arms and draws of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub sections: Vec<Section>,
    /// The arms shown (all when empty), in the run's order.
    pub arms: Vec<String>,
    pub draws: Draws,
}

impl Default for Selection {
    /// What `sarcosim report DIR` shows: the overview and the comparison of every arm, for
    /// the central draw 0 (and the across-draw summary).
    fn default() -> Self {
        Selection {
            sections: Section::DEFAULT.to_vec(),
            arms: Vec::new(),
            draws: Draws::Some(vec![0]),
        }
    }
}

impl Selection {
    /// Checks the selection against a run's arms and last draw (bad input, exit 2).
    pub fn check(&self, arms: &[String], last_draw: u32) -> Result<()> {
        if let Some(a) = self.arms.iter().find(|a| !arms.contains(a)) {
            return Err(Error::BadInput(format!(
                "--arm {a}: the run has no such arm; its arms: {}",
                arms.join(", ")
            )));
        }
        if let Draws::Some(v) = &self.draws {
            if let Some(d) = v.iter().find(|d| **d > last_draw) {
                return Err(Error::BadInput(format!(
                    "--draw {d}: the run has draws 0..={last_draw}"
                )));
            }
        }
        Ok(())
    }

    /// Whether the section is shown.
    pub fn shows(&self, s: Section) -> bool {
        self.sections.contains(&s)
    }

    /// The arms shown, in the run's order.
    pub fn arms_of<'a>(&self, arms: &'a [String]) -> Vec<&'a String> {
        arms.iter()
            .filter(|a| self.arms.is_empty() || self.arms.contains(a))
            .collect()
    }

    /// The draws shown of a run with draws 0..=`last`.
    pub fn draws_of(&self, last: u32) -> Vec<u32> {
        match &self.draws {
            Draws::All => (0..=last).collect(),
            Draws::Some(v) => v.iter().copied().filter(|d| *d <= last).collect(),
        }
    }

    /// The comparison restricted to the arms and draws shown: rows of other arms and of
    /// other draws go; the across-draw rows stay (they summarise every draw). The baseline
    /// stays named (differences are against it) even when its own column is not shown.
    pub fn comparison(&self, c: &Comparison) -> Comparison {
        let draws = self.draws_of(c.draws);
        let arms: Vec<String> = self.arms_of(&c.arms).into_iter().cloned().collect();
        let rows = c
            .rows
            .iter()
            .filter(|r| arms.contains(&r.arm))
            .filter(|r| r.draw.is_none_or(|d| draws.contains(&(d as u32))))
            .cloned()
            .collect();
        Comparison {
            arms,
            rows,
            ..c.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{Contrast, Method, Outcome, Row};

    fn row(arm: &str, draw: Option<i32>) -> Row {
        Row {
            arm: arm.into(),
            baseline: "baseline".into(),
            outcome: Outcome::Qalys,
            unit: Outcome::Qalys.unit(),
            contrast: Contrast::Level,
            draw,
            method: if draw.is_some() {
                Method::MonteCarlo
            } else {
                Method::AcrossDraws
            },
            estimate: Some(1.0),
            lower: None,
            upper: None,
            persons: 10,
            note: String::new(),
        }
    }

    fn comparison() -> Comparison {
        let arms = ["baseline", "rt", "protein"];
        let mut rows = Vec::new();
        for a in arms {
            for d in [Some(0), Some(1), Some(2), None] {
                rows.push(row(a, d));
            }
        }
        Comparison {
            scenario: "s".into(),
            seed: 1,
            baseline: "baseline".into(),
            arms: arms.map(String::from).to_vec(),
            draws: 2,
            willingness_to_pay: 50_000.0,
            currency: "USD".into(),
            checkpoints: vec![],
            rows,
            decision: None,
        }
    }

    #[test]
    fn the_default_keeps_the_central_draw_and_the_across_draw_rows_of_every_arm() {
        let c = Selection::default().comparison(&comparison());
        assert_eq!(c.arms.len(), 3);
        assert_eq!(c.rows.len(), 3 * 2);
        assert!(c.rows.iter().all(|r| matches!(r.draw, None | Some(0))));
    }

    #[test]
    fn arms_and_draws_narrow_every_row_but_keep_the_baseline_named() {
        let sel = Selection {
            arms: vec!["rt".into()],
            draws: "2,1,2".parse().unwrap(),
            ..Selection::default()
        };
        let c = sel.comparison(&comparison());
        assert_eq!(c.arms, ["rt"]);
        assert_eq!(c.baseline, "baseline");
        let draws: Vec<Option<i32>> = c.rows.iter().map(|r| r.draw).collect();
        assert_eq!(draws, [Some(1), Some(2), None]);
        let all = Selection {
            draws: Draws::All,
            ..Selection::default()
        };
        assert_eq!(all.comparison(&comparison()).rows.len(), 12);
    }

    #[test]
    fn unknown_arms_draws_and_sections_are_bad_input_naming_what_exists() {
        let arms = ["baseline".to_string(), "rt".to_string()];
        let sel = Selection {
            arms: vec!["rtt".into()],
            ..Selection::default()
        };
        let e = sel.check(&arms, 2).unwrap_err();
        assert!(
            e.is_bad_input() && e.to_string().contains("baseline, rt"),
            "{e}"
        );
        let sel = Selection {
            draws: Draws::Some(vec![3]),
            ..Selection::default()
        };
        let e = sel.check(&arms, 2).unwrap_err();
        assert!(e.to_string().contains("draws 0..=2"), "{e}");
        assert!("x".parse::<Draws>().unwrap_err().contains("not a draw"));
        let e = "years".parse::<Section>().unwrap_err();
        assert!(
            e.contains("overview, by-year, age-bands, comparison"),
            "{e}"
        );
        assert_eq!("age-bands".parse::<Section>(), Ok(Section::AgeBands));
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = parse_sections(&names(&["comparison", "all"])).unwrap();
        assert_eq!(all, Section::ALL.map(|(_, s)| s));
        let two = parse_sections(&names(&["comparison", "by-year"])).unwrap();
        assert_eq!(two, [Section::ByYear, Section::Comparison]);
        assert!(parse_sections(&names(&["x"])).unwrap_err().is_bad_input());
    }
}
