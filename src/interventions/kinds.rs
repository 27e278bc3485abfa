//! The intervention kinds and what each contributes to [`Modifiers`] while a person is
//! enrolled. A kind never touches the person: it only sets levers that one process reads
//! (see `model::modifiers`). Combined kinds compose: protein raises intake, training adds
//! sessions, and their synergy arises inside the training process through
//! `nutrition::training_factor` (Morton 2018), so nothing is counted twice.

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

/// An intervention kind with its own parameters (the common keys live in
/// [`super::Intervention`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// Supervised progressive resistance training.
    ResistanceTraining {
        sessions_per_week: f64,
        /// Multiplier of the training stimulus (1 = a typical 70-80 % 1RM programme).
        intensity: f64,
    },
    /// Raises intake to a target (g/kg/d) and/or adds a supplement (g/day).
    Protein {
        target_g_per_kg: Option<f64>,
        supplement_g_per_day: Option<f64>,
    },
    /// Testosterone therapy for men whose level is below a threshold.
    Testosterone {
        below_nmol_per_l: f64,
    },
    GrowthHormone,
    /// Menopausal hormone therapy, post-menopausal women.
    HormoneTherapy,
    /// A forced bed rest of `days` days at the start (a non-illness stay).
    BedRest {
        days: u32,
    },
    /// In-hospital mobility programme: cuts the in-bed loss of illness stays by a fraction.
    HospitalMobility {
        loss_reduction: f64,
    },
    /// Periodic test; positives are referred to another intervention of the same arm.
    Screening {
        every_years: f64,
        definition: Definition,
        /// Index of the referred intervention within the arm.
        refer_to: usize,
        cost_per_test: f64,
    },
}

impl Kind {
    pub const NAMES: [&'static str; 8] = [
        "resistance_training",
        "protein",
        "testosterone",
        "growth_hormone",
        "hormone_therapy",
        "bed_rest",
        "hospital_mobility",
        "screening",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Kind::ResistanceTraining { .. } => "resistance_training",
            Kind::Protein { .. } => "protein",
            Kind::Testosterone { .. } => "testosterone",
            Kind::GrowthHormone => "growth_hormone",
            Kind::HormoneTherapy => "hormone_therapy",
            Kind::BedRest { .. } => "bed_rest",
            Kind::HospitalMobility { .. } => "hospital_mobility",
            Kind::Screening { .. } => "screening",
        }
    }

    /// The kind-specific keys a scenario may give for this kind.
    pub fn keys(name: &str) -> &'static [&'static str] {
        match name {
            "resistance_training" => &["sessions_per_week", "intensity"],
            "protein" => &["target_g_per_kg", "supplement_g_per_day"],
            "testosterone" => &["below_nmol_per_l"],
            "bed_rest" => &["days"],
            "hospital_mobility" => &["loss_reduction"],
            "screening" => &["every", "definition", "refer_to", "cost_per_test"],
            _ => &[],
        }
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
        match *self {
            Kind::ResistanceTraining {
                sessions_per_week,
                intensity,
            } => {
                m.training_sessions += sessions_per_week * adherence;
                m.training_intensity *= intensity;
            }
            Kind::Protein {
                target_g_per_kg,
                supplement_g_per_day,
            } => {
                if let Some(t) = target_g_per_kg {
                    // Part adherence closes that share of the gap to the target.
                    let reached = person.protein + adherence * (t - person.protein).max(0.0);
                    m.protein_target = m.protein_target.max(reached);
                }
                if let Some(g) = supplement_g_per_day {
                    m.protein_add += adherence * g / person.weight.max(30.0);
                }
            }
            Kind::HospitalMobility { loss_reduction } => {
                m.hospital_loss_scale *= 1.0 - loss_reduction * adherence;
            }
            // Hormones act through their own gain state (see `super::ArmState`); bed rest
            // and screening are events handled there too.
            Kind::Testosterone { .. }
            | Kind::GrowthHormone
            | Kind::HormoneTherapy
            | Kind::BedRest { .. }
            | Kind::Screening { .. } => {}
        }
    }
}
