//! sarcosim: Monte Carlo simulation of muscle, strength and health in ageing populations,
//! for population sarcopenia studies.
//!
//! The flow: a scenario file ([`scenario`]) is read and validated; [`engine::Plan`] builds
//! one calibrated [`model::Model`] per parameter draw; [`engine::execute`] steps every
//! person through the horizon in parallel and streams results to a [`sinks::Sink`];
//! [`run::run`] does all of it into a results directory ([`output`]); [`report`] reads
//! a results directory back.

pub mod chart;
pub mod checkpoints;
pub mod compare;
pub mod delimited;
pub mod economics;
pub mod engine;
pub mod error;
pub mod interventions;
pub mod life;
pub mod microdata;
pub mod model;
pub mod output;
pub mod params;
pub mod population;
pub mod reference;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sensitivity;
pub mod sinks;
pub mod table;
pub mod time;
pub mod validate;

pub use error::{Error, Result};
pub use scenario::Scenario;
