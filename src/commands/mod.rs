//! One module per group of subcommands, each a thin translation of its arguments into
//! library calls; `main.rs` dispatches to them.

pub mod calibrate;
pub mod report;
pub mod run;
pub mod validate;
