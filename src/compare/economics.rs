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

/// The quadrant of a draw's (Δcost, ΔQALY): 0 more cost and QALYs, 1 dominant,
/// 2 dominated, 3 fewer cost and QALYs.
fn quadrant((c, q): (f64, f64)) -> usize {
    match (q > 0.0, c > 0.0) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    }
}

/// The ICER across draws from the draws' (Δcost, ΔQALY) (finite, at least one): the ratio
/// of the mean differences; the 2.5-97.5 % range of the draw ICERs only when every draw
/// lies in the same quadrant (else the ratios do not order, and the note gives the share
/// of draws in each quadrant).
pub fn icer_across(pairs: &[(f64, f64)]) -> ((f64, f64, f64), String) {
    let k = pairs.len() as f64;
    let mc = pairs.iter().map(|p| p.0).sum::<f64>() / k;
    let mq = pairs.iter().map(|p| p.1).sum::<f64>() / k;
    let (icer, mut note) = icer_point(mc, mq);
    let quads: Vec<usize> = pairs.iter().map(|p| quadrant(*p)).collect();
    let (lo, hi) = if icer.is_finite() && quads.iter().all(|x| *x == quads[0]) {
        let mut r: Vec<f64> = pairs.iter().map(|(c, q)| c / q).collect();
        r.sort_by(f64::total_cmp);
        (quantile(&r, 0.025), quantile(&r, 0.975))
    } else {
        let share = |x: usize| 100.0 * quads.iter().filter(|v| **v == x).count() as f64 / k;
        let spread = format!(
            "draws: {:.0} % more cost and QALYs, {:.0} % dominant, {:.0} % dominated, {:.0} % fewer cost and QALYs",
            share(0),
            share(1),
            share(2),
            share(3)
        );
        note = if note.is_empty() {
            spread
        } else {
            format!("{note}; {spread}")
        };
        (f64::NAN, f64::NAN)
    };
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
}
