//! Checks of `[[arm.intervention]]` entries: the common keys here, each kind's own keys by
//! its check in the kind table (`interventions::KINDS`); every problem with its key path
//! (the caller's locator adds the line).

use super::locate::KeyPath;
use super::problem::Problem;
use super::raw::RawIntervention;
use super::CONDITIONS;
use crate::interventions::own_keys::{ArmEntry, OwnKeys};
use crate::interventions::{self, kinds, Eligibility, Intervention, Kind, Sex, Start, KINDS};
use crate::params;
use crate::time::offset_years;

/// The keys every entry may give, whatever its kind.
pub(crate) const COMMON_KEYS: [&str; 9] = [
    "kind",
    "name",
    "eligible",
    "start",
    "duration",
    "uptake",
    "adherence",
    "dropout_per_year",
    "cost_per_year",
];

pub(super) fn fraction(
    v: Option<f64>,
    default: f64,
    path: KeyPath,
    problems: &mut Vec<Problem>,
) -> f64 {
    let v = v.unwrap_or(default);
    if !(0.0..=1.0).contains(&v) {
        problems.push(
            Problem::new(path, format!("{v} is outside [0, 1]"))
                .hint("a probability or share: a number from 0 to 1"),
        );
    }
    v
}

pub(super) fn non_negative(
    v: Option<f64>,
    default: f64,
    path: KeyPath,
    problems: &mut Vec<Problem>,
) -> f64 {
    let v = v.unwrap_or(default);
    if !(v.is_finite() && v >= 0.0) {
        problems.push(Problem::new(path, format!("must be ≥ 0, not {v}")));
    }
    v
}

fn years_of(text: &str, path: KeyPath, problems: &mut Vec<Problem>) -> Option<f64> {
    offset_years(text)
        .map_err(|e| {
            problems.push(
                Problem::new(path, e.to_string())
                    .hint("durations look like \"10d\", \"20w\", \"6m\", \"30y\""),
            )
        })
        .ok()
}

/// Checks the interventions of arm `arm_path`; returns them resolved when all are valid.
pub fn check_interventions(
    raw: &[RawIntervention],
    arm_path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Vec<Intervention> {
    let before = problems.len();
    let arm: Vec<ArmEntry> = raw
        .iter()
        .map(|r| ArmEntry {
            name: r
                .name
                .clone()
                .or_else(|| r.kind.clone())
                .unwrap_or_default(),
            kind: r.kind.clone(),
        })
        .collect();
    for (i, e) in arm.iter().enumerate() {
        let n = &e.name;
        if !n.is_empty() && arm[..i].iter().any(|o| &o.name == n) && raw[i].name.is_some() {
            problems.push(Problem::new(
                arm_path.key("intervention").index(i).key("name"),
                format!("intervention `{n}` is named twice in this arm"),
            ));
        }
    }
    let mut out = Vec::new();
    let mut referred = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let path = arm_path.key("intervention").index(i);
        let Some(spec) = check_kind(r, &path, problems) else {
            continue;
        };
        let mut own = OwnKeys::new(&r.own, &arm, i);
        let mut iv = check_common(r, &path, problems);
        iv.kind = (spec.check)(&mut own);
        for note in own.notes {
            let mut p = Problem::new(path.key(note.key), note.message);
            p.hint = note.hint;
            problems.push(p);
        }
        referred.extend(own.referred);
        let occurrence = raw[..i]
            .iter()
            .filter(|o| o.kind.as_deref() == Some(spec.name))
            .count();
        iv.name = arm[i].name.clone();
        iv.slot = interventions::slot(spec.name, occurrence);
        out.push((i, iv));
    }
    check_overlaps(&out, arm_path, problems);
    if problems.len() > before {
        return Vec::new();
    }
    let mut ivs: Vec<Intervention> = out.into_iter().map(|(_, iv)| iv).collect();
    for j in referred {
        ivs[j].by_referral = true;
    }
    ivs
}

/// The entry's kind, and its own keys: unknown keys and keys of another kind are problems.
fn check_kind(
    r: &RawIntervention,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Option<&'static kinds::KindSpec> {
    let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
    let spec = match r.kind.as_deref() {
        None => {
            problems.push(
                Problem::new(path.key("kind"), "missing")
                    .hint(format!("one of: {}", names.join(", "))),
            );
            None
        }
        Some(k) => kinds::spec(k).or_else(|| {
            let near = closest(k, names.iter().copied(), 4)
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            problems.push(
                Problem::new(path.key("kind"), format!("unknown intervention kind `{k}`"))
                    .hint(format!("{near}kinds: {}", names.join(", "))),
            );
            None
        }),
    };
    for key in r.own.keys() {
        let of_a_kind = KINDS.iter().any(|k| k.keys.contains(&key.as_str()));
        let p = path.key(key);
        if !of_a_kind {
            let all = COMMON_KEYS
                .iter()
                .chain(KINDS.iter().flat_map(|k| k.keys))
                .copied();
            let mut problem = Problem::new(p, "unknown key");
            problem.hint = closest(key, all, 3).map(|k| format!("did you mean `{k}`?"));
            problems.push(problem);
        } else if let Some(s) = spec.filter(|s| !s.keys.contains(&key.as_str())) {
            problems.push(
                Problem::new(p, format!("`{key}` does not apply to kind `{}`", s.name)).hint(
                    match s.keys {
                        [] => format!("`{}` takes only the common keys", s.name),
                        keys => format!("`{}` takes {}", s.name, keys.join(", ")),
                    },
                ),
            );
        }
    }
    spec
}

/// The word of `words` nearest to `word`, if within `max` edits.
fn closest<'w>(word: &str, words: impl Iterator<Item = &'w str>, max: usize) -> Option<&'w str> {
    words
        .map(|w| (params::edit_distance(word, w), w))
        .filter(|(d, _)| *d <= max)
        .min()
        .map(|(_, w)| w)
}

/// The common keys; the kind, name and slot are filled in by the caller.
fn check_common(r: &RawIntervention, path: &KeyPath, problems: &mut Vec<Problem>) -> Intervention {
    let uptake = match r.uptake {
        None => {
            problems.push(
                Problem::new(path.key("uptake"), "missing")
                    .hint("the probability an eligible person starts, e.g. `uptake = 0.4`"),
            );
            0.0
        }
        Some(u) => fraction(Some(u), 0.0, path.key("uptake"), problems),
    };
    let adherence = fraction(r.adherence, 1.0, path.key("adherence"), problems);
    let dropout = non_negative(
        r.dropout_per_year,
        0.0,
        path.key("dropout_per_year"),
        problems,
    );
    let cost = non_negative(r.cost_per_year, 0.0, path.key("cost_per_year"), problems);
    let eligible = check_eligible(r, &path.key("eligible"), problems);
    let start = check_start(r.start.as_ref(), &path.key("start"), problems);
    let duration_years = r
        .duration
        .as_deref()
        .and_then(|d| years_of(d, path.key("duration"), problems));
    Intervention {
        name: String::new(),
        kind: Kind::GrowthHormone,
        eligible,
        start,
        duration_years,
        uptake,
        adherence,
        dropout_per_year: dropout,
        cost_per_year: cost,
        by_referral: false,
        slot: 0,
    }
}

fn check_start(start: Option<&toml::Value>, path: &KeyPath, problems: &mut Vec<Problem>) -> Start {
    match start {
        None => Start::Offset(0.0),
        Some(toml::Value::String(s)) => {
            Start::Offset(years_of(s, path.clone(), problems).unwrap_or(0.0))
        }
        Some(toml::Value::Table(t))
            if t.len() == 1 && t.get("at_age").and_then(toml_number).is_some() =>
        {
            let a = t.get("at_age").and_then(toml_number).unwrap_or(0.0);
            if !(0.0..=110.0).contains(&a) {
                problems.push(Problem::new(
                    path.key("at_age"),
                    format!("{a} is not an age in [0, 110]"),
                ));
            }
            Start::AtAge(a)
        }
        Some(v) => {
            problems.push(
                Problem::new(path.clone(), format!("`{v}` is not a start"))
                    .hint("an offset from the start of the run such as \"0y\", or { at_age = 65 }"),
            );
            Start::Offset(0.0)
        }
    }
}

/// Overlapping offers of the same kind to the same people in one arm.
fn check_overlaps(out: &[(usize, Intervention)], arm_path: &KeyPath, problems: &mut Vec<Problem>) {
    for (a, (ia, x)) in out.iter().enumerate() {
        for (ib, y) in out[..a].iter() {
            if x.kind.name() != y.kind.name() || x.kind.name() == "bed_rest" {
                continue;
            }
            let same_axis = matches!(
                (x.start, y.start),
                (Start::Offset(_), Start::Offset(_)) | (Start::AtAge(_), Start::AtAge(_))
            );
            let (xa, xb) = x.window();
            let (ya, yb) = y.window();
            let sexes_meet = x.eligible.sex == Sex::Any
                || y.eligible.sex == Sex::Any
                || x.eligible.sex == y.eligible.sex;
            if (!same_axis || (xa < yb && ya < xb)) && sexes_meet {
                problems.push(
                    Problem::new(
                        arm_path.key("intervention").index(*ia).key("start"),
                        format!(
                            "this `{}` overlaps intervention[{ib}] of the same kind in this arm",
                            x.kind.name()
                        ),
                    )
                    .hint("give entries of one kind disjoint start/duration windows (on the same axis), or put them in different arms"),
                );
            }
        }
    }
}

fn toml_number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn check_eligible(r: &RawIntervention, path: &KeyPath, problems: &mut Vec<Problem>) -> Eligibility {
    let mut e = Eligibility::default();
    let Some(raw) = &r.eligible else { return e };
    if let Some([lo, hi]) = raw.age {
        if !(0.0..=120.0).contains(&lo) || !(0.0..=120.0).contains(&hi) || lo > hi {
            problems.push(Problem::new(
                path.key("age"),
                format!("[{lo}, {hi}] is not an age range (lower ≤ upper, within 0-120)"),
            ));
        }
        e.age = [lo, hi];
    }
    e.sex = match raw.sex.as_deref() {
        None | Some("any") => Sex::Any,
        Some("men") | Some("male") => Sex::Men,
        Some("women") | Some("female") => Sex::Women,
        Some(s) => {
            problems.push(
                Problem::new(path.key("sex"), format!("`{s}` is not a sex choice"))
                    .hint("\"any\", \"men\" or \"women\""),
            );
            Sex::Any
        }
    };
    for (k, c) in raw.conditions_any.iter().flatten().enumerate() {
        match CONDITIONS.iter().position(|n| n == c) {
            Some(b) => e.conditions_any |= 1 << b,
            None => problems.push(
                Problem::new(
                    path.key("conditions_any").index(k),
                    format!("unknown condition `{c}`"),
                )
                .hint(format!("one of: {}", CONDITIONS.join(", "))),
            ),
        }
    }
    e.sarcopenic = match &raw.sarcopenic {
        None => None,
        Some(toml::Value::String(s)) if s == "any" => None,
        Some(toml::Value::String(s)) if s == "yes" => Some(true),
        Some(toml::Value::String(s)) if s == "no" => Some(false),
        Some(toml::Value::Boolean(b)) => Some(*b),
        Some(v) => {
            problems.push(
                Problem::new(path.key("sarcopenic"), format!("`{v}` is not a choice"))
                    .hint("\"any\", \"yes\" (EWGSOP2 confirmed) or \"no\""),
            );
            None
        }
    };
    e
}
