//! Any bytes as a scenario file: reading and checking never panics, and a refusal is
//! always a `ScenarioError` (exit 2). Hangs are caught by libFuzzer's `-timeout`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sarcosim::scenario::{describe, Scenario};

fuzz_target!(|bytes: &[u8]| {
    match Scenario::from_bytes(bytes, "fuzz.toml") {
        Ok(s) => {
            let _ = describe(&s);
            assert!(s.horizon.years() <= 92.0);
            assert!(s.summary_bytes() <= 4 << 30);
        }
        Err(e) => {
            assert!(!e.problems.is_empty());
            let _ = e.to_string();
            assert!(sarcosim::Error::from(e).is_bad_input());
        }
    }
});
