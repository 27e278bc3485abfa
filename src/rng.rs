//! Keyed random streams: every random number a person uses comes from a generator derived
//! from (seed, draw, person id, process), never from a generator shared across persons or
//! threads.
//!
//! So a person's life does not depend on the thread that simulates it, on the chunk or
//! shard it falls in, or on the arm (every arm rebuilds the same streams: common random
//! numbers). Each process has a stream of its own, so one process drawing more numbers
//! (an intervention's uptake, say) never shifts another's. A stream read every step (the
//! muscle noise) is read a fixed count of times per step, whatever the person's state,
//! which keeps two arms' streams aligned step by step after their states diverge. Rare
//! events (onsets, admissions, training habits, death) draw nothing per step: each has an
//! exponential [`Clock`] whose draws are keyed by the event's index.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator behind every stream: fast, 2^256 period, passes BigCrush.
pub type Stream = Xoshiro256PlusPlus;

/// The person id used for run-level draws (parameter sampling); never a real person.
pub const PARAMETER_PERSON: u64 = u64::MAX;
/// Person ids at and above this are the mortality calibration's reference population.
pub const REFERENCE_PERSON_BASE: u64 = 1 << 62;

/// The processes that consume random numbers; each gets its own stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Process {
    Cohort = 1,
    Illness = 2,
    Hospital = 3,
    Training = 4,
    Muscle = 5,
    Mortality = 6,
    Parameters = 7,
    Interventions = 8,
    Sampling = 9,
    Economics = 10,
    /// A person's chronic conditions beyond the five the model follows ([`crate::model::gait`]).
    Morbidity = 11,
    /// The errors of a study's measurements in the validation designs
    /// ([`crate::validate::change_spread`]): keyed by (person, record), never by arm.
    Measurement = 12,
    /// The steps of a person's deviation of strength ([`crate::model::strength`]).
    Strength = 13,
}

/// SplitMix64's finaliser: a bijection of u64 with full avalanche.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// Two independent 64-bit hashes of the key, so distinct keys collide with probability
/// ≈ 2^-128 rather than 2^-64 (there are ~10^8 streams in a large run).
#[inline]
fn key_hash(seed: u64, draw: u32, person: u64, process: Process) -> (u64, u64) {
    let fold = |salt: u64| {
        let mut h = mix64(seed ^ salt);
        h = mix64(h ^ u64::from(draw).wrapping_mul(GOLDEN));
        h = mix64(h ^ person);
        mix64(h ^ (process as u64).wrapping_mul(0xd6e8_feb8_6659_fd93))
    };
    (fold(0x243f_6a88_85a3_08d3), fold(0x1319_8a2e_0370_7344))
}

/// The stream of `process` for `person` in parameter draw `draw` of a run seeded `seed`.
#[inline]
pub fn stream(seed: u64, draw: u32, person: u64, process: Process) -> Stream {
    let (a, b) = key_hash(seed, draw, person, process);
    let mut bytes = [0u8; 32];
    for (i, w) in [
        mix64(a),
        mix64(b),
        mix64(a ^ GOLDEN),
        mix64(b.wrapping_add(GOLDEN)),
    ]
    .iter()
    .enumerate()
    {
        bytes[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    Stream::from_seed(bytes)
}

/// Covers the rounding of `exp` (≤ 1 ulp of a number below 1) and of the bounds.
const MARGIN: f64 = 1e-15;

/// Whether `u` rules out an event whose cumulative hazard is at most `x_upper`: when true,
/// [`occurs`]`(u, x)` is false for every `x ≤ x_upper` (and for every negative `x`).
#[inline(always)]
pub fn surely_not(u: f64, x_upper: f64) -> bool {
    u >= x_upper + MARGIN
}

/// Whether an event with cumulative hazard `x` over the step happens for the uniform `u`:
/// exactly `u < 1 − e^(−x)` as computed in floating point, but decided from the bounds
/// `x − x²/2 ≤ 1 − e^(−x) ≤ x` without calling `exp` unless `u` falls within a hair of the
/// threshold (about `x²/2` of the unit interval). Most of a step's decisions are rare
/// events, so this removes most of the step's `exp` calls without changing any outcome.
#[inline(always)]
pub fn occurs(u: f64, x: f64) -> bool {
    if (0.0..=0.5).contains(&x) {
        if u >= x + MARGIN {
            return false;
        }
        if u < x - 0.5 * x * x - MARGIN {
            return true;
        }
    }
    u < 1.0 - (-x).exp()
}

/// The key of one event process of one person (condition `sub` of [`Process::Illness`],
/// say): every draw of its [`Clock`] is a hash of this key and the candidate's index.
#[inline]
pub fn clock_key(seed: u64, draw: u32, person: u64, process: Process, sub: u64) -> u64 {
    let (a, b) = key_hash(seed, draw, person, process);
    mix64(a ^ mix64(b ^ sub.wrapping_mul(GOLDEN)))
}

/// Salts of the two draws of a candidate event and of the draws keyed by an event.
const GAP_SALT: u64 = 0x4528_21e6_38d0_1377;
const ACCEPT_SALT: u64 = 0xbe54_66cf_34e9_0c6c;
const EVENT_SALT: u64 = 0xc0ac_29b7_c97c_50dd;

/// A uniform in (0, 1), never 0 or 1, from a 64-bit hash.
#[inline]
fn open_unit(h: u64) -> f64 {
    ((h >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// The exponential clock of one rare process of one person: the event happens in the step
/// in which the process's cumulative hazard crosses an Exp(1) threshold, drawn once, not
/// with a uniform per step.
///
/// With the step's cumulative hazard `x` (a hazard constant over the step, times its
/// length), the per-step draw decides the event with probability `1 − e^(−x)` given none
/// before ([`occurs`]). An Exp(1) threshold `E` crossed by the running sum of the `x`
/// decides it with the same probability: `P(E ≤ H + x | E > H) = 1 − e^(−x)` (the
/// exponential forgets `H`), so the step of the event has exactly the per-step draw's
/// distribution, for any hazards that depend on the past but not on `E`.
///
/// The step only knows a cheap upper bound `x̄ ≥ x` (`super::model::bounds`), so the clock
/// runs on the bound and thins: the candidates are a unit Poisson process in cumulative
/// bound-hazard (thresholds `E₀, E₀ + E₁, …`), and a candidate falling in a step is
/// accepted with probability `x / x̄`. Then the number of accepted candidates in the step
/// is Poisson with mean `x̄ · x / x̄ = x`: no event with probability `e^(−x)`, exactly as
/// before, while `x` itself (its `exp`/`powf`) is computed only in the rare steps with a
/// candidate. A tight bound means few candidates.
///
/// Every draw of candidate `n` is a hash of (the process's key, `n`): the same person has
/// the same candidates in every arm (common random numbers), and a process's draws do not
/// depend on any other process's.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// The process's key for this person ([`clock_key`]).
    key: u64,
    /// Cumulative bound-hazard left before the next candidate (> 0).
    left: f64,
    /// Candidates drawn so far: the index of the next one.
    n: u32,
}

impl Clock {
    /// A clock keyed `key`, waiting for its first candidate.
    #[inline]
    pub fn new(key: u64) -> Self {
        Self {
            key,
            left: Self::gap(key, 0),
            n: 0,
        }
    }

    /// The Exp(1) distance of candidate `n` from the one before it (or from the start):
    /// `−ln u`, `u` in (0, 1), so always positive and finite.
    #[inline]
    fn gap(key: u64, n: u32) -> f64 {
        -open_unit(mix64(key ^ GAP_SALT ^ u64::from(n).wrapping_mul(GOLDEN))).ln()
    }

    /// The uniform that accepts or rejects candidate `n`.
    #[inline]
    fn acceptance(key: u64, n: u32) -> f64 {
        open_unit(mix64(key ^ ACCEPT_SALT ^ u64::from(n).wrapping_mul(GOLDEN)))
    }

    /// Advances the clock over one step in which the process's cumulative hazard is
    /// `exact()` and at most `x_upper`; whether the event happens in this step. `exact` is
    /// called only when a candidate falls in the step; an infinite or NaN bound means
    /// "no bound" (then the exact value is the bound). After an event the clock waits for
    /// the next (for events that can happen again; a step ticks a clock at most once, so
    /// at most one event per step).
    #[inline(always)]
    pub fn tick(&mut self, x_upper: f64, exact: impl FnOnce() -> f64) -> bool {
        !self.passes(x_upper) && self.candidates(x_upper, exact)
    }

    /// The common path of [`Clock::tick`]: when no candidate falls in a step whose
    /// cumulative hazard is at most `x_upper`, advances the clock over it and returns true;
    /// otherwise leaves the clock as it was for [`Clock::candidates`] (which `tick` then
    /// calls with the same bound). A caller that builds its exact hazard out of line calls
    /// the two itself, so that the closure's captures are not set up on every step.
    #[inline(always)]
    pub fn passes(&mut self, x_upper: f64) -> bool {
        let left = self.left - x_upper;
        if left > 0.0 {
            self.left = left;
            return true;
        }
        false
    }

    /// A clock whose hazard is known exactly every step (no bound needed).
    #[inline(always)]
    pub fn tick_exact(&mut self, x: f64) -> bool {
        self.tick(x, || x)
    }

    /// The candidates of this step: accepted with probability `x / x̄` each, until one is
    /// accepted or the next lies beyond the step.
    #[cold]
    #[inline(never)]
    pub fn candidates(&mut self, x_upper: f64, exact: impl FnOnce() -> f64) -> bool {
        let x = exact();
        // A bound below the exact value (never, by the bounds' tests) or none at all:
        // the exact value bounds itself.
        let bound = if x_upper.is_finite() && x_upper >= x {
            x_upper
        } else {
            x
        };
        let mut left = self.left - bound;
        while left <= 0.0 {
            let n = self.n;
            self.n += 1;
            if x > 0.0 && (x >= bound || Self::acceptance(self.key, n) * bound < x) {
                self.left = Self::gap(self.key, self.n);
                return true;
            }
            left += Self::gap(self.key, self.n);
        }
        self.left = left;
        false
    }

    /// A key for what the last event draws besides its time (a hospital stay's length):
    /// a function of the process's key and the event's candidate index, so the same in
    /// every arm in which that candidate is accepted.
    #[inline]
    pub fn event_key(&self) -> u64 {
        mix64(self.key ^ EVENT_SALT ^ u64::from(self.n).wrapping_mul(GOLDEN))
    }
}

/// A sub-stream of `process` for one of several users of that process (an intervention
/// slot): independent of the process's own stream and of every other slot.
#[inline]
pub fn sub_stream(seed: u64, draw: u32, person: u64, process: Process, sub: u64) -> Stream {
    stream(mix64(seed ^ mix64(sub ^ GOLDEN)), draw, person, process)
}

/// A uniform number in [0, 1) from a 64-bit hash: for one-off keyed decisions.
#[inline]
pub fn unit_from_hash(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn first(seed: u64, draw: u32, person: u64, p: Process) -> u64 {
        stream(seed, draw, person, p).random()
    }

    #[test]
    fn occurs_decides_exactly_like_the_exponential() {
        let mut r = stream(3, 0, 1, Process::Sampling);
        for i in 0..200_000 {
            let x = match i % 4 {
                0 => r.random::<f64>() * 1e-3,
                1 => r.random::<f64>() * 0.6,
                2 => r.random::<f64>() * 3.0,
                _ => 1e-12 * r.random::<f64>(),
            };
            let exact = 1.0 - (-x).exp();
            // Uniforms far from and right at the threshold.
            for u in [
                r.random::<f64>(),
                exact,
                f64::from_bits(exact.to_bits() + 1),
                f64::from_bits(exact.to_bits().saturating_sub(1)),
                x,
                x - 0.5 * x * x,
            ] {
                assert_eq!(occurs(u, x), u < exact, "u {u} x {x}");
            }
        }
        assert!(!occurs(0.0, 0.0));
    }

    #[test]
    fn streams_are_reproducible() {
        assert_eq!(
            first(1, 0, 5, Process::Muscle),
            first(1, 0, 5, Process::Muscle)
        );
    }

    #[test]
    fn every_key_component_changes_the_stream() {
        let base = first(1, 0, 5, Process::Muscle);
        assert_ne!(base, first(2, 0, 5, Process::Muscle));
        assert_ne!(base, first(1, 1, 5, Process::Muscle));
        assert_ne!(base, first(1, 0, 6, Process::Muscle));
        assert_ne!(base, first(1, 0, 5, Process::Hospital));
    }

    #[test]
    fn neighbouring_persons_are_uncorrelated() {
        // Mean of the first uniform over consecutive persons ≈ 0.5, and lag-1 products ≈ 0.25.
        let n = 20_000;
        let u: Vec<f64> = (0..n)
            .map(|p| stream(9, 0, p, Process::Illness).random::<f64>())
            .collect();
        let mean = u.iter().sum::<f64>() / n as f64;
        let lag = u.windows(2).map(|w| w[0] * w[1]).sum::<f64>() / (n - 1) as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        assert!((lag - 0.25).abs() < 0.01, "lag-1 {lag}");
    }
}
