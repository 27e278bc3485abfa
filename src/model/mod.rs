//! The physiology: a person's state and the processes that change it, one module each.
//!
//! Muscle mass (ALM) moves with the balance of synthesis and breakdown ([`muscle`]), whose
//! modifiers come from [`nutrition`], [`training`], [`hormones`], [`illness`] and
//! [`hospital`]; fat mass and weight follow [`body`]; gait follows [`gait`]; [`mortality`]
//! removes persons;
//! [`classify`] applies the sarcopenia definitions; [`step`] is the order of operations.
//! Interventions act only through [`Modifiers`], never as branches in the step.

pub mod body;
pub mod bounds;
pub mod classify;
pub mod cohort;
pub mod gait;
pub mod hormones;
pub mod hospital;
pub mod illness;
pub mod incidence_table;
pub mod life_table;
pub mod modifiers;
pub mod mortality;
pub mod muscle;
pub mod nutrition;
pub mod person;
pub mod stature;
pub mod step;
pub mod strength;
pub mod training;

pub use modifiers::Modifiers;
pub use person::Person;
pub use step::{Model, StepEvents, Streams};
