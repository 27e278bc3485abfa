//! Checks of `[comparison]`: the run times and ages at which the paired comparison
//! reports burden and prevalence.

use super::cohort::AGE_RANGE;
use super::locate::KeyPath;
use super::problem::Problem;
use super::raw::RawComparison;
use crate::checkpoints::{age_label, At, Checkpoint, MAX_CHECKPOINTS};
use crate::time::{Duration, Unit};

/// Resolves `[comparison]`: time checkpoints (default every 10 years and the horizon) and
/// age checkpoints (default none). `times` is (horizon, step) when both are valid.
pub(super) fn check_comparison(
    raw: Option<&RawComparison>,
    path: &KeyPath,
    times: Option<(Duration, Duration)>,
    problems: &mut Vec<Problem>,
) -> Vec<Checkpoint> {
    let Some((h, s)) = times else {
        return Vec::new();
    };
    let asked = raw.map_or(0, |r| {
        r.times.as_ref().map_or(0, Vec::len) + r.ages.as_ref().map_or(0, Vec::len)
    });
    if asked > MAX_CHECKPOINTS {
        problems.push(Problem::new(
            path.clone(),
            format!("{asked} checkpoints (times and ages) asked for; at most {MAX_CHECKPOINTS}"),
        ));
        return Vec::new();
    }
    let mut out = match raw.and_then(|r| r.times.as_ref()) {
        None => default_times(h, s),
        Some(times) => given_times(times, &path.key("times"), (h, s), problems),
    };
    let ages = raw.and_then(|r| r.ages.as_ref());
    for (i, a) in ages.into_iter().flatten().enumerate() {
        let p = path.key("ages").index(i);
        if !(AGE_RANGE.0..=AGE_RANGE.1).contains(a) {
            problems.push(Problem::new(
                p,
                format!("{a} is not an age in [{}, {}]", AGE_RANGE.0, AGE_RANGE.1),
            ));
        } else if out.iter().any(|c| c.at == At::Age(*a)) {
            problems.push(Problem::new(p, format!("age {a} is given twice")));
        } else {
            out.push(Checkpoint {
                label: age_label(*a),
                at: At::Age(*a),
            });
        }
    }
    if out.len() > MAX_CHECKPOINTS {
        problems.push(Problem::new(
            path.clone(),
            format!(
                "{} checkpoints (times and ages) asked for; at most {MAX_CHECKPOINTS}",
                out.len()
            ),
        ));
    }
    out
}

/// Every 10 years before the horizon, and the horizon.
fn default_times(h: Duration, s: Duration) -> Vec<Checkpoint> {
    let mut out = Vec::new();
    let mut t = 10u32;
    while f64::from(t) < h.years() - 1e-9 {
        let d = Duration {
            count: f64::from(t),
            unit: Unit::Year,
        };
        out.push(Checkpoint {
            label: d.to_string(),
            at: At::Step(d.in_steps(s) as u32),
        });
        t += 10;
    }
    out.push(Checkpoint {
        label: h.to_string(),
        at: At::Step(h.in_steps(s).max(1) as u32),
    });
    out
}

/// The times written, each within the run and given once.
fn given_times(
    times: &[String],
    path: &KeyPath,
    (h, s): (Duration, Duration),
    problems: &mut Vec<Problem>,
) -> Vec<Checkpoint> {
    let horizon_steps = h.in_steps(s).max(1) as u32;
    let mut out: Vec<Checkpoint> = Vec::new();
    for (i, text) in times.iter().enumerate() {
        let p = path.index(i);
        match text.parse::<Duration>() {
            Err(e) => problems.push(
                Problem::new(p, e.to_string()).hint("times look like \"5y\", \"6m\" or \"20w\""),
            ),
            Ok(d) if d.years() < s.years() - 1e-12 => problems.push(Problem::new(
                p,
                format!("`{d}` is shorter than the step `{s}`"),
            )),
            Ok(d) if d.years() > h.years() + 1e-9 => problems.push(
                Problem::new(p, format!("`{d}` is beyond the horizon `{h}`"))
                    .hint("checkpoints must lie within the run"),
            ),
            Ok(d) => {
                let at = At::Step((d.in_steps(s) as u32).clamp(1, horizon_steps));
                if out.iter().any(|c| c.at == at) {
                    problems.push(Problem::new(p, format!("`{d}` is given twice")));
                } else {
                    out.push(Checkpoint {
                        label: d.to_string(),
                        at,
                    });
                }
            }
        }
    }
    out
}
