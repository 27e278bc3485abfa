//! Cost-effectiveness acceptability over a grid of willingness-to-pay values, from the
//! PSA draws' mean cost and QALYs per arm:
//! - the CEAC of each arm: the share of draws in which its net monetary benefit
//!   WTP × QALYs − cost is the largest (draws where m arms tie count 1/m for each);
//! - the CEAF (Fenwick, Claxton & Sculpher 2001, Health Econ 10:779): at each WTP the arm
//!   with the largest expected (mean) net monetary benefit, with its CEAC value; the first
//!   arm on ties;
//! - the expected value of perfect information at each WTP ([`evpi`]).

use super::frontier::Point;

/// One arm at one willingness to pay.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Acceptability {
    pub wtp: f64,
    pub arm: usize,
    /// Share of the draws in which the arm has the largest net monetary benefit.
    pub probability: f64,
    /// Mean net monetary benefit over the draws.
    pub expected_nmb: f64,
    /// Whether the arm has the largest expected net monetary benefit (the CEAF).
    pub on_ceaf: bool,
}

/// The net monetary benefit of each arm in each draw at `wtp`.
pub fn nmb(draws: &[Vec<Point>], wtp: f64) -> Vec<Vec<f64>> {
    draws
        .iter()
        .map(|d| d.iter().map(|p| wtp * p.qalys - p.cost).collect())
        .collect()
}

/// The index of the largest value (the first on ties).
pub fn argmax(v: &[f64]) -> usize {
    (0..v.len())
        .reduce(|b, i| if v[i] > v[b] { i } else { b })
        .unwrap_or(0)
}

/// The mean of each column of `nb` (draws × arms).
pub fn means(nb: &[Vec<f64>]) -> Vec<f64> {
    let arms = nb.first().map_or(0, Vec::len);
    let k = nb.len() as f64;
    (0..arms)
        .map(|a| nb.iter().map(|d| d[a]).sum::<f64>() / k)
        .collect()
}

/// The CEAC and CEAF of `draws` (PSA draws × arms) at each WTP of `grid`: one row per
/// WTP × arm, in grid then arm order. Empty without draws.
pub fn acceptability(draws: &[Vec<Point>], grid: &[f64]) -> Vec<Acceptability> {
    let mut out = Vec::new();
    if draws.is_empty() {
        return out;
    }
    for &wtp in grid {
        let nb = nmb(draws, wtp);
        let arms = nb[0].len();
        let mut wins = vec![0.0; arms];
        for d in &nb {
            let best = d.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let tied: Vec<usize> = (0..arms).filter(|&a| d[a] == best).collect();
            for a in &tied {
                wins[*a] += 1.0 / tied.len() as f64;
            }
        }
        let mean = means(&nb);
        let ceaf = argmax(&mean);
        for a in 0..arms {
            out.push(Acceptability {
                wtp,
                arm: a,
                probability: wins[a] / nb.len() as f64,
                expected_nmb: mean[a],
                on_ceaf: a == ceaf,
            });
        }
    }
    out
}

/// The expected value of perfect information per person from net benefits (draws ×
/// arms): E[max over arms] − max over arms of E (0 without draws).
pub fn evpi(nb: &[Vec<f64>]) -> f64 {
    if nb.is_empty() {
        return 0.0;
    }
    let perfect = nb
        .iter()
        .map(|d| d.iter().copied().fold(f64::NEG_INFINITY, f64::max))
        .sum::<f64>()
        / nb.len() as f64;
    let current = means(nb).into_iter().fold(f64::NEG_INFINITY, f64::max);
    (perfect - current).max(0.0)
}

/// The default grid: 0 to twice the willingness to pay in 40 steps (so it holds the WTP
/// itself, in the scenario's currency whatever its size); 0 to 100,000 when the WTP is 0.
pub fn default_grid(wtp: f64) -> Vec<f64> {
    let top = if wtp > 0.0 { 2.0 * wtp } else { 100_000.0 };
    (0..=40).map(|i| top * f64::from(i) / 40.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(v: &[&[(f64, f64)]]) -> Vec<Vec<Point>> {
        v.iter()
            .map(|d| {
                d.iter()
                    .map(|&(cost, qalys)| Point { cost, qalys })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn ceac_ceaf_and_evpi_by_hand() {
        // Two arms, two draws; arm 1 costs 100 more and gains 1 QALY in draw 0, 0.1 in
        // draw 1. Incremental NMB at λ: λ − 100 and 0.1 λ − 100.
        let d = draws(&[&[(0.0, 0.0), (100.0, 1.0)], &[(0.0, 0.0), (100.0, 0.1)]]);
        let rows = acceptability(&d, &[50.0, 500.0, 2000.0]);
        let p = |w: f64, a: usize| {
            rows.iter()
                .find(|r| r.wtp == w && r.arm == a)
                .unwrap()
                .clone()
        };
        assert_eq!((p(50.0, 0).probability, p(50.0, 1).probability), (1.0, 0.0));
        assert_eq!(
            (p(500.0, 0).probability, p(500.0, 1).probability),
            (0.5, 0.5)
        );
        assert_eq!(p(2000.0, 1).probability, 1.0);
        // Expected incremental NMB at 500: (400 − 50) / 2 = 175 > 0: arm 1 on the CEAF,
        // with probability 0.5 (the CEAF is not the highest CEAC when they tie).
        assert!(p(500.0, 1).on_ceaf && !p(500.0, 0).on_ceaf);
        assert!((p(500.0, 1).expected_nmb - (0.55 * 500.0 - 100.0)).abs() < 1e-9);
        // EVPI at 500: perfect info picks arm 1 in draw 0 (NMB 400) and arm 0 in draw 1
        // (0): 200; now arm 1 (175): EVPI 25 = the loss in draw 1 (50) / 2.
        assert!((evpi(&nmb(&d, 500.0)) - 25.0).abs() < 1e-9);
        // Where one arm wins every draw, information is worth nothing.
        assert_eq!(evpi(&nmb(&d, 50.0)), 0.0);
        assert_eq!(evpi(&nmb(&d, 2000.0)), 0.0);
        // Ties split: identical arms share each draw.
        let same = draws(&[&[(1.0, 1.0), (1.0, 1.0)]]);
        let r = acceptability(&same, &[10.0]);
        assert_eq!((r[0].probability, r[1].probability), (0.5, 0.5));
        assert!(r[0].on_ceaf && !r[1].on_ceaf, "the first on ties");
        assert!(acceptability(&[], &[1.0]).is_empty());
    }

    #[test]
    fn the_ceac_sums_to_one_and_the_default_grid_holds_the_wtp() {
        let d = draws(&[
            &[(0.0, 0.0), (10.0, 0.3), (25.0, 0.2)],
            &[(0.0, 0.0), (12.0, 0.1), (20.0, 0.5)],
            &[(0.0, 0.0), (8.0, 0.2), (30.0, 0.4)],
        ]);
        let grid = default_grid(50.0);
        assert_eq!(
            (grid.len(), grid[0], grid[20], grid[40]),
            (41, 0.0, 50.0, 100.0)
        );
        let rows = acceptability(&d, &grid);
        for w in &grid {
            let s: f64 = rows
                .iter()
                .filter(|r| r.wtp == *w)
                .map(|r| r.probability)
                .sum();
            assert!((s - 1.0).abs() < 1e-12);
            assert_eq!(rows.iter().filter(|r| r.wtp == *w && r.on_ceaf).count(), 1);
        }
        assert_eq!(default_grid(0.0)[40], 100_000.0);
    }
}
