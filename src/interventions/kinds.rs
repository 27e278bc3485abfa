//! The intervention kinds, in one table ([`KINDS`], built by `intervention_kinds!`): each
//! kind's name, its own keys, the check that reads them and the modifier function that
//! says what it contributes to [`Modifiers`] while a person is enrolled. Adding a kind is
//! one entry (variant, name, keys, check, modifier) plus its check and modifier functions.
//! A kind never touches the person: it only sets levers that one process reads
//! (see `model::modifiers`). Combined kinds compose: protein raises intake, training adds
//! sessions, and their synergy arises inside the training process through
//! `nutrition::training_factor` (Morton 2018), so nothing is counted twice.

use super::own_keys::OwnKeys;
use crate::model::classify::{CONFIRMED, PROBABLE};
use crate::model::{Modifiers, Person};
use crate::params::Params;
use serde::Serialize;

/// Which definition a screening test applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Definition {
    Ewgsop2,
    Ewgsop2Probable,
    Fnih,
    Awgs,
}

impl Definition {
    pub const NAMES: [&'static str; 4] = ["ewgsop2", "ewgsop2_probable", "fnih", "awgs"];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ewgsop2" => Self::Ewgsop2,
            "ewgsop2_probable" => Self::Ewgsop2Probable,
            "fnih" => Self::Fnih,
            "awgs" => Self::Awgs,
            _ => return None,
        })
    }

    /// Whether the person tests positive now.
    pub fn positive(self, p: &Person) -> bool {
        match self {
            Self::Ewgsop2 => p.class.ewgsop2 >= CONFIRMED,
            Self::Ewgsop2Probable => p.class.ewgsop2 >= PROBABLE,
            Self::Fnih => p.class.fnih,
            Self::Awgs => p.class.awgs >= 1,
        }
    }
}

/// One intervention kind: its name in scenario files, its own keys (besides the common
/// ones), the check that reads them, and what an enrolled person's adherence contributes
/// to the modifiers.
pub struct KindSpec {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub check: fn(&mut OwnKeys<'_>) -> Kind,
    pub modify: fn(&Kind, &Person, f64, &mut Modifiers),
}

macro_rules! intervention_kinds {
    ($( $(#[$doc:meta])* $variant:ident $({ $( $(#[$fdoc:meta])* $field:ident : $ty:ty ),* $(,)? })?
        = $name:literal, keys [$($key:literal),*], check $check:path, modify $modify:path; )*) => {
        /// An intervention kind with its own parameters (the common keys live in
        /// [`super::Intervention`]).
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum Kind { $( $(#[$doc])* $variant $({ $( $(#[$fdoc])* $field: $ty ),* })?, )* }

        /// Every kind, in the order of `docs/interventions.md`.
        pub const KINDS: &[KindSpec] = &[ $( KindSpec {
            name: $name, keys: &[$($key),*], check: $check, modify: $modify,
        }, )* ];

        impl Kind {
            pub fn name(&self) -> &'static str {
                match self { $( Kind::$variant { .. } => $name, )* }
            }
        }
    };
}

intervention_kinds! {
    /// Supervised progressive resistance training.
    ResistanceTraining {
        sessions_per_week: f64,
        /// Multiplier of the training stimulus (1 = a typical 70-80 % 1RM programme).
        intensity: f64,
    } = "resistance_training", keys ["sessions_per_week", "intensity"],
        check check_training, modify modify_training;
    /// Raises intake to a target (g/kg/d) and/or adds a supplement (g/day).
    Protein {
        target_g_per_kg: Option<f64>,
        supplement_g_per_day: Option<f64>,
    } = "protein", keys ["target_g_per_kg", "supplement_g_per_day"],
        check check_protein, modify modify_protein;
    /// Testosterone therapy for men whose level is below a threshold.
    Testosterone { below_nmol_per_l: f64 } = "testosterone", keys ["below_nmol_per_l"],
        check check_testosterone, modify by_events;
    GrowthHormone = "growth_hormone", keys [], check check_growth_hormone, modify by_events;
    /// Menopausal hormone therapy, post-menopausal women.
    HormoneTherapy = "hormone_therapy", keys [], check check_hormone_therapy, modify by_events;
    /// A forced bed rest of `days` days at the start (a non-illness stay).
    BedRest { days: u32 } = "bed_rest", keys ["days"], check check_bed_rest, modify by_events;
    /// In-hospital mobility programme: cuts the in-bed loss of illness stays by a fraction.
    HospitalMobility { loss_reduction: f64 } = "hospital_mobility", keys ["loss_reduction"],
        check check_hospital_mobility, modify modify_hospital_mobility;
    /// Periodic test; positives are referred to another intervention of the same arm.
    Screening {
        every_years: f64,
        definition: Definition,
        /// Index of the referred intervention within the arm.
        refer_to: usize,
        cost_per_test: f64,
    } = "screening", keys ["every", "definition", "refer_to", "cost_per_test"],
        check check_screening, modify by_events;
}

/// The kind called `name` in scenario files.
pub fn spec(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.name == name)
}

impl Kind {
    /// This kind's entry of [`KINDS`].
    pub fn spec(&self) -> &'static KindSpec {
        spec(self.name()).expect("every kind has an entry")
    }

    /// Conditions of the kind itself, on top of the `eligible` table.
    pub fn admits(&self, p: &Person) -> bool {
        match self {
            Kind::Testosterone { below_nmol_per_l } => {
                !p.female && p.testosterone < *below_nmol_per_l
            }
            Kind::HormoneTherapy => p.menopausal(),
            _ => true,
        }
    }

    /// The ALM fraction a hormone therapy gains at full adherence (its plateau), if any.
    pub fn hormone_plateau(&self, p: &Params) -> Option<f64> {
        match self {
            Kind::Testosterone { .. } => Some(p.testosterone_therapy_gain),
            Kind::GrowthHormone => Some(p.growth_hormone_gain),
            Kind::HormoneTherapy => Some(p.hormone_therapy_gain),
            _ => None,
        }
    }

    /// Adds an enrolled person's contribution at `adherence` to `m`.
    pub fn contribute(&self, person: &Person, adherence: f64, m: &mut Modifiers) {
        (self.spec().modify)(self, person, adherence, m)
    }
}

fn check_training(k: &mut OwnKeys<'_>) -> Kind {
    let s = k.number("sessions_per_week").unwrap_or(2.0);
    if !(s > 0.0 && s <= 14.0) {
        k.note("sessions_per_week", format!("{s} is not in (0, 14]"));
    }
    let v = k.number("intensity").unwrap_or(1.0);
    if !(v > 0.0 && v <= 3.0) {
        k.note("intensity", format!("{v} is not in (0, 3]"))
            .hint("a multiplier of the stimulus of a typical programme (1)");
    }
    Kind::ResistanceTraining {
        sessions_per_week: s,
        intensity: v,
    }
}

fn modify_training(kind: &Kind, _: &Person, adherence: f64, m: &mut Modifiers) {
    if let Kind::ResistanceTraining {
        sessions_per_week,
        intensity,
    } = *kind
    {
        m.training_sessions += sessions_per_week * adherence;
        m.training_intensity *= intensity;
    }
}

fn check_protein(k: &mut OwnKeys<'_>) -> Kind {
    let (target, supplement) = (
        k.number("target_g_per_kg"),
        k.number("supplement_g_per_day"),
    );
    if !k.has("target_g_per_kg") && !k.has("supplement_g_per_day") {
        k.note("target_g_per_kg", "missing")
            .hint("give `target_g_per_kg = 1.2` and/or `supplement_g_per_day = 20`");
    }
    if let Some(t) = target.filter(|t| !(0.0..=3.0).contains(t)) {
        k.note("target_g_per_kg", format!("{t} is not in [0, 3] g/kg/d"));
    }
    if let Some(g) = supplement.filter(|g| !(0.0..=150.0).contains(g)) {
        k.note(
            "supplement_g_per_day",
            format!("{g} is not in [0, 150] g/day"),
        );
    }
    Kind::Protein {
        target_g_per_kg: target,
        supplement_g_per_day: supplement,
    }
}

fn modify_protein(kind: &Kind, person: &Person, adherence: f64, m: &mut Modifiers) {
    if let Kind::Protein {
        target_g_per_kg,
        supplement_g_per_day,
    } = *kind
    {
        if let Some(t) = target_g_per_kg {
            // Part adherence closes that share of the gap to the target.
            let reached = person.protein + adherence * (t - person.protein).max(0.0);
            m.protein_target = m.protein_target.max(reached);
        }
        if let Some(g) = supplement_g_per_day {
            m.protein_add += adherence * g / person.weight.max(30.0);
        }
    }
}

// Bhasin 2018 J Clin Endocrinol Metab 103:1715 (Endocrine Society): treat below
// 264 ng/dL ≈ 9.2 nmol/L (U: from memory).
fn check_testosterone(k: &mut OwnKeys<'_>) -> Kind {
    Kind::Testosterone {
        below_nmol_per_l: k.non_negative("below_nmol_per_l", 9.2),
    }
}

fn check_growth_hormone(_: &mut OwnKeys<'_>) -> Kind {
    Kind::GrowthHormone
}

fn check_hormone_therapy(_: &mut OwnKeys<'_>) -> Kind {
    Kind::HormoneTherapy
}

fn check_bed_rest(k: &mut OwnKeys<'_>) -> Kind {
    let days = match k.integer("days") {
        Some(d) if (1..=365).contains(&d) => d as u32,
        Some(d) => {
            k.note("days", format!("{d} is not in [1, 365] days"));
            0
        }
        None if !k.has("days") => {
            k.note("days", "missing")
                .hint("the length of the bed rest, e.g. `days = 10`");
            0
        }
        None => 0,
    };
    Kind::BedRest { days }
}

fn check_hospital_mobility(k: &mut OwnKeys<'_>) -> Kind {
    Kind::HospitalMobility {
        loss_reduction: k.fraction("loss_reduction", 0.5),
    }
}

fn modify_hospital_mobility(kind: &Kind, _: &Person, adherence: f64, m: &mut Modifiers) {
    if let Kind::HospitalMobility { loss_reduction } = *kind {
        m.hospital_loss_scale *= 1.0 - loss_reduction * adherence;
    }
}

fn check_screening(k: &mut OwnKeys<'_>) -> Kind {
    let every_years = k.offset_years("every").filter(|y| *y > 0.0).unwrap_or(2.0);
    let definition = match k.text("definition") {
        None => Definition::Ewgsop2,
        Some(d) => Definition::parse(&d).unwrap_or_else(|| {
            k.note("definition", format!("unknown definition `{d}`"))
                .hint(format!("one of: {}", Definition::NAMES.join(", ")));
            Definition::Ewgsop2
        }),
    };
    let refer_to = k.referral("refer_to");
    Kind::Screening {
        every_years,
        definition,
        refer_to,
        cost_per_test: k.non_negative("cost_per_test", 0.0),
    }
}

/// Hormones act through their own gain state, and bed rest and screening are events (see
/// `super::ArmState`): nothing through the modifiers directly.
fn by_events(_: &Kind, _: &Person, _: f64, _: &mut Modifiers) {}
