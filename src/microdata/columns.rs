//! The columns a microdata file may have: name, unit, kind and accepted range, defined
//! once here (the reader, the sampler, `check` and the docs use these).

use crate::scenario::cohort::{
    AGE_RANGE, ALMI_RANGE, BMI_RANGE, GRIP_RANGE, HEIGHT_RANGE, PROTEIN_RANGE, TRAINING_RANGE,
};

/// A column's place in [`COLUMNS`] (and in a [`super::Microdata`]'s values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(usize)]
pub enum Col {
    SamplingWeight,
    Age,
    Sex,
    Height,
    WeightKg,
    Bmi,
    Protein,
    Training,
    Diabetes,
    Ckd,
    Copd,
    HeartFailure,
    Cancer,
    Alm,
    AlmIndex,
    Grip,
    Gait,
}

/// What a column's cells are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A sampling weight: a number ≥ 0.
    Weight,
    /// A measurement within the column's range.
    Number,
    /// `F`/`M` (or `female`/`male`), stored as 1 for women and 0 for men.
    Sex,
    /// A condition present (1, `true`) or not (0, `false`).
    Flag,
}

/// One column of the format.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub col: Col,
    pub name: &'static str,
    pub unit: &'static str,
    pub kind: Kind,
    /// Accepted values (for [`Kind::Number`]).
    pub range: (f64, f64),
    /// Whether every row must have a value (else an empty cell is filled by the model).
    pub required_cells: bool,
}

const fn spec(col: Col, name: &'static str, unit: &'static str, kind: Kind) -> Spec {
    Spec {
        col,
        name,
        unit,
        kind,
        range: (0.0, f64::INFINITY),
        required_cells: false,
    }
}

const fn number(col: Col, name: &'static str, unit: &'static str, range: (f64, f64)) -> Spec {
    Spec {
        range,
        ..spec(col, name, unit, Kind::Number)
    }
}

const fn flag(col: Col, name: &'static str) -> Spec {
    spec(col, name, "0 or 1", Kind::Flag)
}

/// Body weights accepted, kg.
pub const WEIGHT_KG_RANGE: (f64, f64) = (25.0, 300.0);
/// Appendicular lean masses accepted, kg.
pub const ALM_RANGE: (f64, f64) = (3.0, 60.0);
/// Gait speeds accepted, m/s (the model's own bounds).
pub const GAIT_RANGE: (f64, f64) = (0.05, 2.5);

/// Every column of the format, in [`Col`] order. The conditions are in
/// [`crate::scenario::CONDITIONS`] order.
pub const COLUMNS: [Spec; 17] = [
    Spec {
        required_cells: true,
        ..spec(Col::SamplingWeight, "sampling_weight", "≥ 0", Kind::Weight)
    },
    Spec {
        required_cells: true,
        ..number(Col::Age, "age", "years", AGE_RANGE)
    },
    Spec {
        required_cells: true,
        ..spec(Col::Sex, "sex", "F or M", Kind::Sex)
    },
    number(Col::Height, "height", "m", HEIGHT_RANGE),
    number(Col::WeightKg, "weight_kg", "kg", WEIGHT_KG_RANGE),
    number(Col::Bmi, "bmi", "kg/m²", BMI_RANGE),
    number(Col::Protein, "protein_g_per_kg", "g/kg/d", PROTEIN_RANGE),
    number(
        Col::Training,
        "training_sessions_per_week",
        "sessions/week",
        TRAINING_RANGE,
    ),
    flag(Col::Diabetes, "diabetes"),
    flag(Col::Ckd, "ckd"),
    flag(Col::Copd, "copd"),
    flag(Col::HeartFailure, "heart_failure"),
    flag(Col::Cancer, "cancer"),
    number(Col::Alm, "alm", "kg", ALM_RANGE),
    number(Col::AlmIndex, "alm_index", "kg/m²", ALMI_RANGE),
    number(Col::Grip, "grip", "kg", GRIP_RANGE),
    number(Col::Gait, "gait", "m/s", GAIT_RANGE),
];

/// Columns accepted and ignored (identifiers kept for the user's own linkage).
pub const IGNORED: [&str; 1] = ["id"];

/// Pairs of columns that say the same thing: a file gives at most one of each.
pub const EXCLUSIVE: [(Col, Col); 2] = [(Col::WeightKg, Col::Bmi), (Col::Alm, Col::AlmIndex)];

/// The condition columns in [`crate::scenario::CONDITIONS`] order.
pub const CONDITION_COLUMNS: [Col; 5] = [
    Col::Diabetes,
    Col::Ckd,
    Col::Copd,
    Col::HeartFailure,
    Col::Cancer,
];

impl Col {
    pub fn spec(self) -> &'static Spec {
        &COLUMNS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// The column of this name.
pub fn by_name(name: &str) -> Option<&'static Spec> {
    COLUMNS.iter().find(|s| s.name == name)
}

/// The closest column name, for a spelling hint.
pub fn closest(name: &str) -> Option<&'static str> {
    COLUMNS
        .iter()
        .map(|s| s.name)
        .chain(IGNORED)
        .map(|n| {
            (
                crate::params::edit_distance(&name.to_ascii_lowercase(), n),
                n,
            )
        })
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, n)| n)
}

/// Reads a sex code: `F`, `female`, `woman`, `w` → true; `M`, `male`, `man` → false.
pub fn sex_code(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "f" | "female" | "woman" | "w" => Some(true),
        "m" | "male" | "man" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_in_col_order_and_names_unique() {
        for (i, s) in COLUMNS.iter().enumerate() {
            assert_eq!(s.col as usize, i, "{}", s.name);
            assert_eq!(COLUMNS.iter().filter(|o| o.name == s.name).count(), 1);
        }
        for (c, name) in CONDITION_COLUMNS.iter().zip(crate::scenario::CONDITIONS) {
            assert_eq!(c.name(), name);
        }
    }

    #[test]
    fn codes_and_hints() {
        assert_eq!(sex_code(" Female"), Some(true));
        assert_eq!(sex_code("M"), Some(false));
        assert_eq!(sex_code("2"), None);
        assert_eq!(closest("hieght"), Some("height"));
        assert_eq!(closest("zzzzzzzzzz"), None);
    }
}
