//! What interventions may change: each field is read by exactly one process. The identity
//! value ([`Modifiers::NONE`]) leaves the natural history untouched.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Modifiers {
    /// Protein intake raised to at least this, g/kg/d (0 = no target).
    pub protein_target: f64,
    /// Protein added on top of intake, g/kg/d.
    pub protein_add: f64,
    /// Structured training sessions per week done (adherence applied), on top of habit.
    pub training_sessions: f64,
    /// Multiplier of the training stimulus (intensity).
    pub training_intensity: f64,
    /// Extra net synthesis from hormone therapy, 1/yr.
    pub hormone_anabolic: f64,
    /// Multiplier of the in-bed loss during hospital stays (hospital mobility < 1).
    pub hospital_loss_scale: f64,
    /// Bed-rest days that start this step (a forced, non-illness stay).
    pub forced_bed_days: u32,
}

impl Modifiers {
    pub const NONE: Modifiers = Modifiers {
        protein_target: 0.0,
        protein_add: 0.0,
        training_sessions: 0.0,
        training_intensity: 1.0,
        hormone_anabolic: 0.0,
        hospital_loss_scale: 1.0,
        forced_bed_days: 0,
    };
}

impl Default for Modifiers {
    fn default() -> Self {
        Self::NONE
    }
}
