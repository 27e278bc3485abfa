//! Economic summaries of paired differences: the ICER with the quadrant named where a ratio
//! would mislead, Fieller's interval, the probability of cost-effectiveness, persons
//! needed to treat, and the ICER across parameter draws.

use super::stats::{phi, quantile, Z95};

/// The ICER of paired mean differences (Δcost, ΔQALY): its estimate, a note naming the
/// quadrant when a ratio would mislead, and whether a ratio is meaningful.
pub fn icer_point(dc: f64, dq: f64) -> (f64, String) {
    if !(dc.is_finite() && dq.is_finite()) {
        (f64::NAN, String::new())
    } else if dq > 0.0 && dc <= 0.0 {
        (f64::NAN, "dominant (more QALYs, no more cost)".into())
    } else if dq < 0.0 && dc >= 0.0 {
        (f64::NAN, "dominated (fewer QALYs, no less cost)".into())
    } else if dq == 0.0 {
        (f64::NAN, "no QALY difference".into())
    } else if dq < 0.0 {
        (dc / dq, "south-west: cost saved per QALY lost".into())
    } else {
        (dc / dq, String::new())
    }
}

/// Fieller's 95 % interval of Δc/Δq from the means' variances and covariance; `None`
/// when it is unbounded (ΔQALY not distinguishable from 0 at 5 %).
pub fn fieller(dc: f64, dq: f64, vc: f64, vq: f64, cov: f64) -> Option<(f64, f64)> {
    let z2 = Z95 * Z95;
    let a = dq * dq - z2 * vq;
    let b = dc * dq - z2 * cov;
    let c = dc * dc - z2 * vc;
    let disc = b * b - a * c;
    if a <= 0.0 || disc < 0.0 {
        return None;
    }
    let r = disc.sqrt();
    Some(((b - r) / a, (b + r) / a))
}

/// Persons needed to treat from a difference in % (negative = cases avoided) and its SE:
/// (nnt, lower, upper), NaN where no case is avoided or the interval reaches 0.
pub fn nnt(diff_pct: f64, se_pct: f64) -> (f64, f64, f64) {
    let avoided = -diff_pct / 100.0;
    let (alo, ahi) = (
        avoided - Z95 * se_pct / 100.0,
        avoided + Z95 * se_pct / 100.0,
    );
    (
        if avoided > 0.0 {
            1.0 / avoided
        } else {
            f64::NAN
        },
        if alo > 0.0 { 1.0 / ahi } else { f64::NAN },
        if alo > 0.0 { 1.0 / alo } else { f64::NAN },
    )
}

/// The ICER of one draw with Fieller's interval, and its note.
pub fn icer_with_interval(moments: (f64, f64, f64, f64, f64)) -> ((f64, f64, f64), String) {
    let (dc, dq, vc, vq, cov) = moments;
    let (icer, mut note) = icer_point(dc, dq);
    let (lo, hi) = if icer.is_finite() {
        match fieller(dc, dq, vc, vq, cov) {
            Some(b) => b,
            None => {
                note = [
                    note.as_str(),
                    "interval unbounded: ΔQALY not distinguishable from 0",
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("; ");
                (f64::NAN, f64::NAN)
            }
        }
    } else {
        (f64::NAN, f64::NAN)
    };
    ((icer, lo, hi), note)
}

/// P(Δ net monetary benefit > 0) from its mean and SE (normal approximation).
pub fn prob_cost_effective(mean_nmb: f64, se: f64) -> f64 {
    if se > 0.0 {
        phi(mean_nmb / se)
    } else if mean_nmb > 0.0 {
        1.0
    } else {
        0.0
    }
}

/// Persons needed to treat across draws from the sorted per-draw shares of cases avoided:
/// the inverse of the median, and the inverted 2.5-97.5 % range when it excludes 0.
pub fn nnt_across(sorted: &[f64]) -> (f64, f64, f64) {
    let (lo, hi) = (quantile(sorted, 0.025), quantile(sorted, 0.975));
    let inv = |x: f64| if x > 0.0 { 1.0 / x } else { f64::NAN };
    (
        inv(quantile(sorted, 0.5)),
        if lo > 0.0 { inv(hi) } else { f64::NAN },
        if lo > 0.0 { inv(lo) } else { f64::NAN },
    )
}

/// The quadrants of the CE plane a draw's (Δcost, ΔQALY) can lie in, in a fixed order.
pub const QUADRANTS: [&str; 4] = [
    "more cost and QALYs",
    "dominant",
    "dominated",
    "fewer cost and QALYs",
];

/// The quadrant of a draw's (Δcost, ΔQALY), an index into [`QUADRANTS`]: 0 more cost and
/// QALYs, 1 dominant (more QALYs, no more cost), 2 dominated, 3 fewer cost and QALYs.
pub fn quadrant((c, q): (f64, f64)) -> usize {
    match (q > 0.0, c > 0.0) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    }
}

/// Draws per quadrant, and the quadrants that hold a draw, most frequent first (ties in
/// [`QUADRANTS`] order).
fn quadrant_counts(pairs: &[(f64, f64)]) -> ([usize; 4], Vec<usize>) {
    let mut counts = [0usize; 4];
    for p in pairs {
        counts[quadrant(*p)] += 1;
    }
    let mut held: Vec<usize> = (0..4).filter(|q| counts[*q] > 0).collect();
    held.sort_by_key(|q| std::cmp::Reverse(counts[*q]));
    (counts, held)
}

/// The share of draws in each quadrant, in words: `""` when every draw lies north-east
/// (the usual case, a ratio and its range say it all), `"dominant in all draws"` when the
/// draws agree on another quadrant, else every quadrant that holds a draw, most frequent
/// first: `"dominant in 60 % of draws; more cost and QALYs in 40 %"`.
pub fn quadrant_split(pairs: &[(f64, f64)]) -> String {
    let (counts, held) = quadrant_counts(pairs);
    match held.as_slice() {
        [] | [0] => String::new(),
        [q] => format!("{} in all draws", QUADRANTS[*q]),
        _ => held
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let pct = 100.0 * counts[*q] as f64 / pairs.len() as f64;
                let of = if i == 0 { " of draws" } else { "" };
                format!("{} in {pct:.0} %{of}", QUADRANTS[*q])
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The ICER across draws from the draws' (Δcost, ΔQALY) (finite, at least one): the ratio
/// of the mean differences (not a mean of ratios, nor Fieller's); the 2.5-97.5 % range of
/// the draw ICERs only when every draw lies in the same quadrant (else the ratios do not
/// order). The note is [`quadrant_split`], which says how far the draws agree; when the
/// mean differences have no ratio (dominant, dominated) and most draws lie elsewhere, the
/// note starts with the verdict at the mean differences.
pub fn icer_across(pairs: &[(f64, f64)]) -> ((f64, f64, f64), String) {
    let k = pairs.len() as f64;
    let mc = pairs.iter().map(|p| p.0).sum::<f64>() / k;
    let mq = pairs.iter().map(|p| p.1).sum::<f64>() / k;
    let (icer, _) = icer_point(mc, mq);
    let (_, held) = quadrant_counts(pairs);
    let (lo, hi) = if icer.is_finite() && held.len() == 1 {
        let mut r: Vec<f64> = pairs.iter().map(|(c, q)| c / q).collect();
        r.sort_by(f64::total_cmp);
        (quantile(&r, 0.025), quantile(&r, 0.975))
    } else {
        (f64::NAN, f64::NAN)
    };
    let mut note = quadrant_split(pairs);
    let at_mean = quadrant((mc, mq));
    if !icer.is_finite() && mc.is_finite() && held.first() != Some(&at_mean) {
        note = format!("{} at the mean differences; {note}", QUADRANTS[at_mean]);
    }
    ((icer, lo, hi), note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_and_quantiles() {
        assert!((phi(0.0) - 0.5).abs() < 1e-7);
        assert!((phi(1.959_964) - 0.975).abs() < 1e-4);
        assert!((quantile(&[1.0, 2.0, 3.0], 0.5) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn icer_quadrants_are_named_not_divided() {
        assert_eq!(icer_point(1000.0, 0.1).0, 10_000.0);
        assert!(icer_point(1000.0, 0.1).1.is_empty());
        let (e, n) = icer_point(-50.0, 0.1);
        assert!(e.is_nan() && n.starts_with("dominant"));
        let (e, n) = icer_point(50.0, -0.1);
        assert!(e.is_nan() && n.starts_with("dominated"));
        let (e, n) = icer_point(-1000.0, -0.1);
        assert!(e == 10_000.0 && n.starts_with("south-west"));
    }

    #[test]
    fn fieller_brackets_the_ratio_and_is_unbounded_when_dq_is_uncertain() {
        // Δq clearly positive: a finite interval around Δc/Δq, close to the delta method.
        let (dc, dq, vc, vq) = (1000.0, 0.1, 100.0_f64.powi(2), 0.002_f64.powi(2));
        let (lo, hi) = fieller(dc, dq, vc, vq, 0.0).unwrap();
        assert!(lo < 10_000.0 && 10_000.0 < hi);
        let se = 10_000.0 * ((vc / dc / dc) + (vq / dq / dq)).sqrt();
        assert!((lo - (10_000.0 - Z95 * se)).abs() < 0.1 * se, "{lo}");
        // Δq within 1.96 SE of 0: no bounded interval.
        assert!(fieller(dc, 0.003, vc, vq, 0.0).is_none());
    }

    #[test]
    fn fieller_bounds_solve_the_defining_quadratic_with_a_covariance() {
        // Fieller's limits R solve (Δc − R Δq)² = z² (v_c − 2 R cov + R² v_q).
        let (dc, dq, vc, vq, cov) = (800.0, 0.05, 150.0_f64.powi(2), 0.01_f64.powi(2), 0.9);
        let (lo, hi) = fieller(dc, dq, vc, vq, cov).unwrap();
        for r in [lo, hi] {
            let lhs = (dc - r * dq).powi(2);
            let rhs = Z95 * Z95 * (vc - 2.0 * r * cov + r * r * vq);
            assert!((lhs - rhs).abs() < 1e-6 * rhs, "R = {r}: {lhs} vs {rhs}");
        }
        assert!(lo < dc / dq && dc / dq < hi);
    }

    #[test]
    fn the_across_draw_icer_says_how_far_the_draws_agree() {
        // Three draws dominant, two north-east: the mean differences are dominant.
        let pairs = [
            (-10.0, 0.01),
            (-5.0, 0.02),
            (-1.0, 0.01),
            (2.0, 0.01),
            (3.0, 0.02),
        ];
        let ((e, lo, hi), note) = icer_across(&pairs);
        assert!(e.is_nan() && lo.is_nan() && hi.is_nan());
        assert_eq!(
            note,
            "dominant in 60 % of draws; more cost and QALYs in 40 %"
        );
        // All dominant: unanimous.
        let ((e, _, _), note) = icer_across(&pairs[..3]);
        assert!(e.is_nan());
        assert_eq!(note, "dominant in all draws");
        // All north-east: a ratio of the mean differences with the range of the ratios.
        let ((e, lo, hi), note) = icer_across(&pairs[3..]);
        assert!(
            (e - 5.0 / 0.03).abs() < 1e-9,
            "ratio of means, not mean of ratios"
        );
        assert!(
            lo > 150.0 && lo < 160.0 && hi > 190.0 && hi < 200.0,
            "{lo} {hi}"
        );
        assert!(note.is_empty());
        // Mixed with a ratio at the means: a ratio, no range.
        let ((e, lo, _), note) = icer_across(&[(20.0, 0.01), (20.0, 0.02), (-1.0, 0.01)]);
        assert!(e.is_finite() && lo.is_nan());
        assert_eq!(
            note,
            "more cost and QALYs in 67 % of draws; dominant in 33 %"
        );
        // Dominant at the means though most draws are north-east: both said.
        let ((e, _, _), note) = icer_across(&[(1.0, 0.01), (1.0, 0.01), (-50.0, 0.01)]);
        assert!(e.is_nan());
        assert_eq!(
            note,
            "dominant at the mean differences; more cost and QALYs in 67 % of draws; dominant in 33 %"
        );
    }
}
