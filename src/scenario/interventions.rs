//! Checks of `[[arm.intervention]]` entries: every problem with its key path (the
//! caller's locator adds the line).

use super::locate::KeyPath;
use super::problem::Problem;
use super::raw::RawIntervention;
use super::CONDITIONS;
use crate::interventions::{self, Definition, Eligibility, Intervention, Kind, Sex, Start};
use crate::params;
use crate::time::Duration;

/// A kind-specific key and whether an entry gives it.
pub(crate) type KindKey = (&'static str, fn(&RawIntervention) -> bool);

/// Every kind-specific key, for "does not apply to this kind" messages and spelling hints.
pub(crate) const KIND_KEYS: [KindKey; 11] = [
    ("sessions_per_week", |r| r.sessions_per_week.is_some()),
    ("intensity", |r| r.intensity.is_some()),
    ("target_g_per_kg", |r| r.target_g_per_kg.is_some()),
    ("supplement_g_per_day", |r| r.supplement_g_per_day.is_some()),
    ("below_nmol_per_l", |r| r.below_nmol_per_l.is_some()),
    ("days", |r| r.days.is_some()),
    ("loss_reduction", |r| r.loss_reduction.is_some()),
    ("every", |r| r.every.is_some()),
    ("definition", |r| r.definition.is_some()),
    ("refer_to", |r| r.refer_to.is_some()),
    ("cost_per_test", |r| r.cost_per_test.is_some()),
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
    // A zero offset ("0y", "0d") is a valid start, though not a valid duration.
    let t = text.trim();
    let (num, unit) = t.split_at(t.len() - t.chars().last().map_or(0, char::len_utf8));
    if num.parse::<f64>() == Ok(0.0) && ["d", "w", "m", "y"].contains(&unit) {
        return Some(0.0);
    }
    match text.parse::<Duration>() {
        Ok(d) => Some(d.years()),
        Err(e) => {
            problems.push(
                Problem::new(path, e.to_string())
                    .hint("durations look like \"10d\", \"20w\", \"6m\", \"30y\""),
            );
            None
        }
    }
}

/// Checks the interventions of arm `arm_path`; returns them resolved when all are valid.
pub fn check_interventions(
    raw: &[RawIntervention],
    arm_path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Vec<Intervention> {
    let before = problems.len();
    let names: Vec<String> = raw
        .iter()
        .map(|r| {
            r.name
                .clone()
                .or_else(|| r.kind.clone())
                .unwrap_or_default()
        })
        .collect();
    for (i, n) in names.iter().enumerate() {
        if !n.is_empty() && names[..i].contains(n) && raw[i].name.is_some() {
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
        let kind_name = match r.kind.as_deref() {
            None => {
                problems.push(
                    Problem::new(path.key("kind"), "missing")
                        .hint(format!("one of: {}", Kind::NAMES.join(", "))),
                );
                continue;
            }
            Some(k) if !Kind::NAMES.contains(&k) => {
                let near = Kind::NAMES
                    .iter()
                    .map(|n| (params::edit_distance(k, n), *n))
                    .min()
                    .filter(|(d, _)| *d <= 4)
                    .map(|(_, n)| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                problems.push(
                    Problem::new(path.key("kind"), format!("unknown intervention kind `{k}`"))
                        .hint(format!("{near}kinds: {}", Kind::NAMES.join(", "))),
                );
                continue;
            }
            Some(k) => k,
        };
        for (key, given) in KIND_KEYS {
            if given(r) && !Kind::keys(kind_name).contains(&key) {
                problems.push(
                    Problem::new(
                        path.key(key),
                        format!("`{key}` does not apply to kind `{kind_name}`"),
                    )
                    .hint(match Kind::keys(kind_name) {
                        [] => format!("`{kind_name}` takes only the common keys"),
                        keys => format!("`{kind_name}` takes {}", keys.join(", ")),
                    }),
                );
            }
        }
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
        let start = match &r.start {
            None => Start::Offset(0.0),
            Some(toml::Value::String(s)) => {
                Start::Offset(years_of(s, path.key("start"), problems).unwrap_or(0.0))
            }
            Some(toml::Value::Table(t))
                if t.len() == 1 && t.get("at_age").and_then(toml_number).is_some() =>
            {
                let a = t.get("at_age").and_then(toml_number).unwrap_or(0.0);
                if !(0.0..=110.0).contains(&a) {
                    problems.push(Problem::new(
                        path.key("start").key("at_age"),
                        format!("{a} is not an age in [0, 110]"),
                    ));
                }
                Start::AtAge(a)
            }
            Some(v) => {
                problems.push(
                    Problem::new(path.key("start"), format!("`{v}` is not a start")).hint(
                        "an offset from the start of the run such as \"0y\", or { at_age = 65 }",
                    ),
                );
                Start::Offset(0.0)
            }
        };
        let duration_years = r
            .duration
            .as_deref()
            .and_then(|d| years_of(d, path.key("duration"), problems));
        let kind = match kind_name {
            "resistance_training" => Kind::ResistanceTraining {
                sessions_per_week: {
                    let s = r.sessions_per_week.unwrap_or(2.0);
                    if !(s > 0.0 && s <= 14.0) {
                        problems.push(Problem::new(
                            path.key("sessions_per_week"),
                            format!("{s} is not in (0, 14]"),
                        ));
                    }
                    s
                },
                intensity: {
                    let v = r.intensity.unwrap_or(1.0);
                    if !(v > 0.0 && v <= 3.0) {
                        problems.push(
                            Problem::new(path.key("intensity"), format!("{v} is not in (0, 3]"))
                                .hint("a multiplier of the stimulus of a typical programme (1)"),
                        );
                    }
                    v
                },
            },
            "protein" => {
                if r.target_g_per_kg.is_none() && r.supplement_g_per_day.is_none() {
                    problems.push(
                        Problem::new(path.key("target_g_per_kg"), "missing").hint(
                            "give `target_g_per_kg = 1.2` and/or `supplement_g_per_day = 20`",
                        ),
                    );
                }
                if let Some(t) = r.target_g_per_kg {
                    if !(0.0..=3.0).contains(&t) {
                        problems.push(Problem::new(
                            path.key("target_g_per_kg"),
                            format!("{t} is not in [0, 3] g/kg/d"),
                        ));
                    }
                }
                if let Some(g) = r.supplement_g_per_day {
                    if !(0.0..=150.0).contains(&g) {
                        problems.push(Problem::new(
                            path.key("supplement_g_per_day"),
                            format!("{g} is not in [0, 150] g/day"),
                        ));
                    }
                }
                Kind::Protein {
                    target_g_per_kg: r.target_g_per_kg,
                    supplement_g_per_day: r.supplement_g_per_day,
                }
            }
            // Bhasin 2018 J Clin Endocrinol Metab 103:1715 (Endocrine Society): treat below
            // 264 ng/dL ≈ 9.2 nmol/L (U: from memory).
            "testosterone" => Kind::Testosterone {
                below_nmol_per_l: non_negative(
                    r.below_nmol_per_l,
                    9.2,
                    path.key("below_nmol_per_l"),
                    problems,
                ),
            },
            "growth_hormone" => Kind::GrowthHormone,
            "hormone_therapy" => Kind::HormoneTherapy,
            "bed_rest" => Kind::BedRest {
                days: match r.days {
                    Some(d) if (1..=365).contains(&d) => d as u32,
                    Some(d) => {
                        problems.push(Problem::new(
                            path.key("days"),
                            format!("{d} is not in [1, 365] days"),
                        ));
                        0
                    }
                    None => {
                        problems.push(
                            Problem::new(path.key("days"), "missing")
                                .hint("the length of the bed rest, e.g. `days = 10`"),
                        );
                        0
                    }
                },
            },
            "hospital_mobility" => Kind::HospitalMobility {
                loss_reduction: fraction(
                    r.loss_reduction,
                    0.5,
                    path.key("loss_reduction"),
                    problems,
                ),
            },
            "screening" => {
                let every_years = match r.every.as_deref() {
                    None => 2.0,
                    Some(e) => years_of(e, path.key("every"), problems)
                        .filter(|y| *y > 0.0)
                        .unwrap_or(2.0),
                };
                let definition = match r.definition.as_deref() {
                    None => Definition::Ewgsop2,
                    Some(d) => Definition::parse(d).unwrap_or_else(|| {
                        problems.push(
                            Problem::new(
                                path.key("definition"),
                                format!("unknown definition `{d}`"),
                            )
                            .hint(format!("one of: {}", Definition::NAMES.join(", "))),
                        );
                        Definition::Ewgsop2
                    }),
                };
                let refer_to = match r.refer_to.as_deref() {
                    None => {
                        problems.push(Problem::new(path.key("refer_to"), "missing").hint(
                            "the name (or kind) of the intervention positives are referred to",
                        ));
                        0
                    }
                    Some(target) => match names.iter().position(|n| n == target) {
                        Some(j) if j != i && raw[j].kind.as_deref() != Some("screening") => {
                            referred.push(j);
                            j
                        }
                        Some(_) => {
                            problems.push(Problem::new(
                                path.key("refer_to"),
                                format!("`{target}` cannot be referred to: it is a screening"),
                            ));
                            0
                        }
                        None => {
                            problems.push(
                                Problem::new(
                                    path.key("refer_to"),
                                    format!("no intervention `{target}` in this arm to refer to"),
                                )
                                .hint(format!(
                                    "the arm has: {}",
                                    names
                                        .iter()
                                        .filter(|n| !n.is_empty())
                                        .cloned()
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )),
                            );
                            0
                        }
                    },
                };
                Kind::Screening {
                    every_years,
                    definition,
                    refer_to,
                    cost_per_test: non_negative(
                        r.cost_per_test,
                        0.0,
                        path.key("cost_per_test"),
                        problems,
                    ),
                }
            }
            _ => unreachable!("kind names are checked above"),
        };
        let occurrence = raw[..i]
            .iter()
            .filter(|o| o.kind.as_deref() == Some(kind_name))
            .count();
        out.push((
            i,
            Intervention {
                name: names[i].clone(),
                kind,
                eligible,
                start,
                duration_years,
                uptake,
                adherence,
                dropout_per_year: dropout,
                cost_per_year: cost,
                by_referral: false,
                slot: interventions::slot(kind_name, occurrence),
            },
        ));
    }
    // Overlapping offers of the same kind to the same people in one arm.
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
    if problems.len() > before {
        return Vec::new();
    }
    let mut ivs: Vec<Intervention> = out.into_iter().map(|(_, iv)| iv).collect();
    for j in referred {
        ivs[j].by_referral = true;
    }
    ivs
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
