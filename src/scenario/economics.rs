//! Checks of `[economics]`: discounting, utilities, costs and the willingness to pay,
//! over the defaults of `crate::economics`.

use super::interventions::{fraction, non_negative};
use super::locate::KeyPath;
use super::problem::Problem;
use super::raw::RawEconomics;
use super::CONDITIONS;
use crate::economics::Economics;

/// Resolves `[economics]` over its defaults.
pub fn check_economics(
    raw: Option<&RawEconomics>,
    path: &KeyPath,
    problems: &mut Vec<Problem>,
) -> Economics {
    let mut e = Economics::default();
    let Some(r) = raw else { return e };
    if let Some(d) = r.discount_rate {
        if !(0.0..=0.2).contains(&d) {
            problems.push(Problem::new(
                path.key("discount_rate"),
                format!("{d} is not a yearly rate in [0, 0.2]"),
            ));
        }
        e.discount_rate = d;
    }
    e.utility = fraction(r.utility, e.utility, path.key("utility"), problems);
    e.utility_sarcopenia = fraction(
        r.utility_sarcopenia,
        e.utility_sarcopenia,
        path.key("utility_sarcopenia"),
        problems,
    );
    e.cost_sarcopenia_per_year = non_negative(
        r.cost_sarcopenia_per_year,
        e.cost_sarcopenia_per_year,
        path.key("cost_sarcopenia_per_year"),
        problems,
    );
    e.cost_per_bed_day = non_negative(
        r.cost_per_bed_day,
        e.cost_per_bed_day,
        path.key("cost_per_bed_day"),
        problems,
    );
    e.willingness_to_pay = non_negative(
        r.willingness_to_pay,
        e.willingness_to_pay,
        path.key("willingness_to_pay"),
        problems,
    );
    if let Some(c) = &r.currency {
        e.currency = c.clone();
    }
    if let Some(v) = r.vary_in_draws {
        e.vary_in_draws = v;
    }
    per_condition(r, path, &mut e, problems);
    e
}

/// `utility_per_condition` and `cost_per_condition_per_year`, by condition name.
fn per_condition(r: &RawEconomics, path: &KeyPath, e: &mut Economics, problems: &mut Vec<Problem>) {
    for (key, map, target, is_utility) in [
        (
            "utility_per_condition",
            &r.utility_per_condition,
            &mut e.utility_per_condition,
            true,
        ),
        (
            "cost_per_condition_per_year",
            &r.cost_per_condition_per_year,
            &mut e.cost_per_condition_per_year,
            false,
        ),
    ] {
        for (name, v) in map.iter().flatten() {
            let p = path.key(key).key(name);
            match CONDITIONS.iter().position(|c| c == name) {
                None => problems.push(
                    Problem::new(p, format!("unknown condition `{name}`"))
                        .hint(format!("one of: {}", CONDITIONS.join(", "))),
                ),
                Some(i) => {
                    target[i] = if is_utility {
                        fraction(Some(*v), 0.0, p, problems)
                    } else {
                        non_negative(Some(*v), 0.0, p, problems)
                    }
                }
            }
        }
    }
}
