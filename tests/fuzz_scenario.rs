//! Fuzzing of the scenario reader: mutants of the shipped scenarios (bytes, characters,
//! lines, numbers, durations, Unicode) must never panic or hang, and every failure must be
//! a `ScenarioError` (exit 2 on the command line). A bounded run of `cargo test`; the
//! `cargo fuzz` target in `fuzz/` runs the same check for longer.
//!
//! `SARCOSIM_FUZZ_CASES=N` changes the number of cases (default 5000).

use proptest::prelude::*;
use proptest::sample::Index;
use sarcosim::scenario::{describe, Scenario};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Mutants that passed the check (the rest were refused with a `ScenarioError`).
static VALID: AtomicUsize = AtomicUsize::new(0);

/// Longest a single parse + check may take before it counts as a hang.
const CASE_LIMIT: Duration = Duration::from_secs(5);

fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut out = Vec::new();
    for dir in [root.clone(), root.join("validation"), root.join("bench")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 10, "the shipped scenarios are the seeds");
    out
}

/// Numbers, durations and strings a mutation writes in place of a token.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.5",
    "1e6",
    "1e308",
    "-1e308",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "99999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1_000",
    "0x10",
    "1.",
    ".5",
    "+3",
    "92",
    "110",
    "1e400",
];
const UNITS: &[&str] = &[
    "d", "w", "m", "y", "é", "", "h", "Y", " y", "😀", "ÿ", "\u{301}",
];
const TEXT: &[&str] = &[
    "",
    " ",
    "é",
    "日本",
    "😀",
    "\u{0}",
    "\u{feff}",
    "a.b",
    "\"",
    "\\",
    "[",
    "]",
    "{",
    "}",
    "=",
    "\n",
    "#",
    "[[arm]]",
    "[[cohort]]",
    "[comparison]",
    "'",
    "\"\"\"",
    "\r\n",
    "\t",
];

#[derive(Clone, Debug)]
enum Mutation {
    FlipByte(Index, u8),
    InsertByte(Index, u8),
    DeleteBytes(Index, u8),
    InsertText(Index, usize),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// Replaces the n-th number token.
    Number(Index, usize),
    /// Replaces the n-th quoted string with a duration.
    DurationString(Index, usize, usize),
    /// Replaces the n-th quoted string with Unicode text.
    Unicode(Index, usize),
    /// A random integer or float in place of the n-th number.
    RandomNumber(Index, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        (any::<Index>(), 1u8..8).prop_map(|(i, n)| Mutation::DeleteBytes(i, n)),
        (any::<Index>(), 0..TEXT.len()).prop_map(|(i, t)| Mutation::InsertText(i, t)),
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<Index>(), 0..NUMBERS.len()).prop_map(|(i, n)| Mutation::Number(i, n)),
        (any::<Index>(), 0..NUMBERS.len(), 0..UNITS.len())
            .prop_map(|(i, n, u)| Mutation::DurationString(i, n, u)),
        (any::<Index>(), 0..TEXT.len()).prop_map(|(i, t)| Mutation::Unicode(i, t)),
        (any::<Index>(), any::<f64>()).prop_map(|(i, v)| Mutation::RandomNumber(i, v)),
    ]
}

/// A byte range `[start, end)` of the text.
type Span = (usize, usize);

/// Byte ranges of number tokens (outside strings) and of quoted strings' contents.
fn tokens(text: &[u8]) -> (Vec<Span>, Vec<Span>) {
    let (mut numbers, mut strings) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < text.len() && text[j] != b'"' && text[j] != b'\n' {
                j += 1;
            }
            strings.push((start, j));
            i = j + 1;
        } else if b == b'#' {
            while i < text.len() && text[i] != b'\n' {
                i += 1;
            }
        } else if b.is_ascii_digit()
            || (b == b'-' && text.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < text.len() && (text[i].is_ascii_digit() || b"._eE-+".contains(&text[i])) {
                i += 1;
            }
            numbers.push((start, i));
        } else {
            i += 1;
        }
    }
    (numbers, strings)
}

fn replace(text: &mut Vec<u8>, (a, b): Span, with: &[u8]) {
    text.splice(a..b, with.iter().copied());
}

fn apply(text: &mut Vec<u8>, m: &Mutation) {
    let n = text.len().max(1);
    let lines = || -> Vec<Vec<u8>> { text_lines(text) };
    match m {
        Mutation::FlipByte(i, b) if !text.is_empty() => text[i.index(n)] ^= b | 1,
        Mutation::InsertByte(i, b) => text.insert(i.index(n + 1).min(text.len()), *b),
        Mutation::DeleteBytes(i, k) if !text.is_empty() => {
            let a = i.index(n);
            text.drain(a..(a + *k as usize).min(text.len()));
        }
        Mutation::InsertText(i, t) => {
            let at = i.index(n + 1).min(text.len());
            replace(text, (at, at), TEXT[*t].as_bytes());
        }
        Mutation::DeleteLine(i) => {
            let mut l = lines();
            l.remove(i.index(l.len()));
            *text = l.concat();
        }
        Mutation::DuplicateLine(i) => {
            let mut l = lines();
            let k = i.index(l.len());
            l.insert(k, l[k].clone());
            *text = l.concat();
        }
        Mutation::SwapLines(a, b) => {
            let mut l = lines();
            let (a, b) = (a.index(l.len()), b.index(l.len()));
            l.swap(a, b);
            *text = l.concat();
        }
        Mutation::Number(i, k) => {
            let (numbers, _) = tokens(text);
            if !numbers.is_empty() {
                replace(
                    text,
                    numbers[i.index(numbers.len())],
                    NUMBERS[*k].as_bytes(),
                );
            }
        }
        Mutation::RandomNumber(i, v) => {
            let (numbers, _) = tokens(text);
            if !numbers.is_empty() {
                let s = if v.fract() == 0.0 && v.abs() < 1e18 {
                    format!("{}", *v as i64)
                } else {
                    format!("{v:e}")
                };
                replace(text, numbers[i.index(numbers.len())], s.as_bytes());
            }
        }
        Mutation::DurationString(i, k, u) => {
            let (_, strings) = tokens(text);
            if !strings.is_empty() {
                let d = format!("{}{}", NUMBERS[*k], UNITS[*u]);
                replace(text, strings[i.index(strings.len())], d.as_bytes());
            }
        }
        Mutation::Unicode(i, t) => {
            let (_, strings) = tokens(text);
            if !strings.is_empty() {
                replace(text, strings[i.index(strings.len())], TEXT[*t].as_bytes());
            }
        }
        _ => {}
    }
}

fn text_lines(text: &[u8]) -> Vec<Vec<u8>> {
    let mut l: Vec<Vec<u8>> = text
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    if l.is_empty() {
        l.push(Vec::new());
    }
    l
}

/// What the `check` command does with the bytes: `Ok` with the printed scenario, or the
/// error message; run on its own thread so that a hang fails the case instead of the run.
fn check_bytes(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| match Scenario::from_bytes(&bytes, "f.toml") {
            Ok(s) => {
                let d = describe(&s);
                // What a run would allocate is bounded.
                assert!(s.horizon.years() <= 92.0, "{d}");
                assert!(s.record_steps_count() <= u64::from(s.horizon_steps) + 1);
                assert!(s.summary_bytes() <= 4 << 30);
                Ok(())
            }
            Err(e) => {
                let message = e.to_string();
                assert!(!e.problems.is_empty(), "an error without a problem");
                assert!(sarcosim::Error::from(e).is_bad_input(), "{message}");
                Err(message)
            }
        });
        let _ = tx.send(outcome.map_err(|p| {
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        }));
    });
    match rx.recv_timeout(CASE_LIMIT) {
        Ok(Ok(Ok(()))) => {
            VALID.fetch_add(1, Relaxed);
            Ok(())
        }
        Ok(Ok(Err(_))) => Ok(()),
        Ok(Err(panic)) => Err(TestCaseError::fail(format!("panicked: {panic}"))),
        Err(_) => Err(TestCaseError::fail(format!("no answer in {CASE_LIMIT:?}"))),
    }
}

fn cases() -> u32 {
    std::env::var("SARCOSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000)
}

#[test]
fn mutated_scenarios_never_panic_hang_or_fail_outside_scenario_errors() {
    let seeds = seeds();
    // The seeds themselves are valid.
    for (name, bytes) in &seeds {
        assert!(Scenario::from_bytes(bytes, name).is_ok(), "{name}");
    }
    let started = Instant::now();
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        // A hang leaves its thread spinning: few shrinking steps keep that bounded.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    };
    let strategy = (any::<Index>(), proptest::collection::vec(mutation(), 1..5));
    proptest::test_runner::TestRunner::new(config)
        .run(&strategy, |(seed, mutations)| {
            let mut text = seeds[seed.index(seeds.len())].1.clone();
            for m in &mutations {
                apply(&mut text, m);
            }
            check_bytes(text)
        })
        .unwrap();
    eprintln!(
        "fuzz_scenario: {} cases ({} still valid, the rest refused) in {:.2} s",
        cases(),
        VALID.load(Relaxed),
        started.elapsed().as_secs_f64()
    );
}
