//! The efficiency frontier of a set of strategies (arms) from their mean cost and QALYs:
//! arms sorted by cost, strictly and extendedly dominated arms flagged, incremental ICERs
//! along the frontier, and the net monetary and net health benefit of each arm at a
//! willingness to pay.
//!
//! Conventions (those of dampack's `calculate_icers` and of Drummond et al., *Methods for
//! the Economic Evaluation of Health Care Programmes*, 4th ed., 2015, ch. 4):
//! - order: cost ascending; on equal cost, more QALYs first; then the arms' own order;
//! - strictly dominated: another arm costs no more and yields no fewer QALYs, and differs
//!   in one of them; of identical arms (same cost and QALYs) the first stays, the others
//!   are flagged dominated by it;
//! - extendedly dominated: not strictly dominated, but its ICER against the previous
//!   non-dominated arm exceeds the next one's (a mix of its neighbours does better); removed
//!   one at a time, the largest violation first, until the ICERs increase; an arm exactly on
//!   the line between its neighbours (equal ICERs) stays on the frontier;
//! - an ICER is Δcost/ΔQALY against the previous arm on the frontier; the cheapest frontier
//!   arm has none.

/// One arm's mean cost and QALYs (per person, discounted).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub cost: f64,
    pub qalys: f64,
}

/// Where an arm stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// On the efficiency frontier.
    Frontier,
    /// Another arm costs no more and yields no fewer QALYs.
    Dominated,
    /// A mix of two frontier arms costs less per QALY gained.
    ExtendedlyDominated,
}

impl Status {
    /// The name in `frontier.parquet` and the reports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Frontier => "frontier",
            Status::Dominated => "dominated",
            Status::ExtendedlyDominated => "extendedly_dominated",
        }
    }
}

/// One arm of a frontier analysis.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Position {
    /// The arm's index in the input (not serialised: a [`super::FrontierRow`] names it).
    #[serde(skip)]
    pub arm: usize,
    /// 1 for the cheapest arm (the order above).
    pub rank: usize,
    pub cost: f64,
    pub qalys: f64,
    pub status: Status,
    /// The arm it is compared with: the previous frontier arm (a frontier arm), the arm
    /// that dominates it (dominated), or the cheaper frontier neighbour (extendedly
    /// dominated). `None` for the cheapest frontier arm. (Indices are not serialised.)
    #[serde(skip)]
    pub reference: Option<usize>,
    /// For an extendedly dominated arm: the dearer frontier neighbour.
    #[serde(skip)]
    pub next: Option<usize>,
    /// Cost and QALYs against `reference`.
    pub incremental_cost: Option<f64>,
    pub incremental_qalys: Option<f64>,
    /// Against `reference`, for frontier arms only.
    pub icer: Option<f64>,
    /// Net monetary benefit WTP × QALYs − cost.
    pub nmb: f64,
    /// Net health benefit QALYs − cost / WTP (`None` when WTP is 0).
    pub nhb: Option<f64>,
    /// Whether it has the largest net monetary benefit (the first such arm in rank order).
    pub optimal: bool,
}

/// The frontier analysis of `points` at willingness to pay `wtp`, in rank order.
pub fn frontier(points: &[Point], wtp: f64) -> Vec<Position> {
    let order = ranked(points);
    let mut out: Vec<Position> = order
        .iter()
        .enumerate()
        .map(|(r, &a)| Position {
            arm: a,
            rank: r + 1,
            cost: points[a].cost,
            qalys: points[a].qalys,
            status: Status::Frontier,
            reference: None,
            next: None,
            incremental_cost: None,
            incremental_qalys: None,
            icer: None,
            nmb: wtp * points[a].qalys - points[a].cost,
            nhb: (wtp > 0.0).then(|| points[a].qalys - points[a].cost / wtp),
            optimal: false,
        })
        .collect();
    flag_dominated(&mut out);
    flag_extended(&mut out);
    link_frontier(&mut out);
    if let Some(best) = (0..out.len()).reduce(|b, i| if out[i].nmb > out[b].nmb { i } else { b }) {
        out[best].optimal = true;
    }
    out
}

/// Arm indices by cost ascending, more QALYs first on equal cost, then input order.
fn ranked(points: &[Point]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[a]
            .cost
            .total_cmp(&points[b].cost)
            .then(points[b].qalys.total_cmp(&points[a].qalys))
            .then(a.cmp(&b))
    });
    order
}

/// Flags each arm that an earlier-ranked arm dominates (no more cost, no fewer QALYs):
/// by rank order, only an earlier arm can. The dominating arm named is the first.
fn flag_dominated(out: &mut [Position]) {
    for j in 0..out.len() {
        let by = (0..j).find(|&i| out[i].cost <= out[j].cost && out[i].qalys >= out[j].qalys);
        if let Some(i) = by {
            out[j].status = Status::Dominated;
            out[j].reference = Some(out[i].arm);
            out[j].incremental_cost = Some(out[j].cost - out[i].cost);
            out[j].incremental_qalys = Some(out[j].qalys - out[i].qalys);
        }
    }
}

/// Removes extendedly dominated arms from the remaining ones (cost and QALYs strictly
/// increasing), the largest ICER decrease first, until the ICERs increase.
fn flag_extended(out: &mut [Position]) {
    loop {
        let live: Vec<usize> = (0..out.len())
            .filter(|&i| out[i].status == Status::Frontier)
            .collect();
        let icer = |a: usize, b: usize| (out[b].cost - out[a].cost) / (out[b].qalys - out[a].qalys);
        let worst = live
            .windows(3)
            .map(|w| (w, icer(w[0], w[1]) - icer(w[1], w[2])))
            .filter(|(_, excess)| *excess > 0.0)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        let Some((w, _)) = worst else { return };
        let (prev, mid, next) = (w[0], w[1], w[2]);
        out[mid].status = Status::ExtendedlyDominated;
        out[mid].reference = Some(out[prev].arm);
        out[mid].next = Some(out[next].arm);
        out[mid].incremental_cost = Some(out[mid].cost - out[prev].cost);
        out[mid].incremental_qalys = Some(out[mid].qalys - out[prev].qalys);
    }
}

/// Each frontier arm against the previous one: increments and the ICER. The references
/// of extendedly dominated arms are settled again against the final frontier.
fn link_frontier(out: &mut [Position]) {
    let live: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].status == Status::Frontier)
        .collect();
    for w in live.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dc, dq) = (out[b].cost - out[a].cost, out[b].qalys - out[a].qalys);
        out[b].reference = Some(out[a].arm);
        out[b].incremental_cost = Some(dc);
        out[b].incremental_qalys = Some(dq);
        out[b].icer = Some(dc / dq);
    }
    for i in 0..out.len() {
        if out[i].status != Status::ExtendedlyDominated {
            continue;
        }
        let prev = live.iter().rev().find(|&&f| f < i).copied();
        let next = live.iter().find(|&&f| f > i).copied();
        out[i].reference = prev.map(|p| out[p].arm);
        out[i].next = next.map(|n| out[n].arm);
        out[i].incremental_cost = prev.map(|p| out[i].cost - out[p].cost);
        out[i].incremental_qalys = prev.map(|p| out[i].qalys - out[p].qalys);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[(f64, f64)]) -> Vec<Point> {
        v.iter()
            .map(|&(cost, qalys)| Point { cost, qalys })
            .collect()
    }

    fn status_of(f: &[Position], arm: usize) -> Status {
        f.iter().find(|p| p.arm == arm).unwrap().status
    }

    #[test]
    fn a_textbook_frontier_with_strict_and_extended_dominance() {
        // A (0, 0); B (100, 1): ICER 100; C (300, 1.5): ICER vs B 400;
        // D (250, 2.5): dominates C (cheaper, more QALYs); E (1000, 3): ICER vs D 1500.
        // B then D: ICER 100 then (250-100)/(2.5-1) = 100 -> equal: B stays (on the line).
        // F (150, 1.1): ICER vs B 500, then D vs F (100/1.4 = 71.4): F extendedly dominated.
        let p = pts(&[
            (0.0, 0.0),
            (100.0, 1.0),
            (300.0, 1.5),
            (250.0, 2.5),
            (1000.0, 3.0),
            (150.0, 1.1),
        ]);
        let f = frontier(&p, 120.0);
        let ranks: Vec<usize> = f.iter().map(|x| x.arm).collect();
        assert_eq!(ranks, vec![0, 1, 5, 3, 2, 4]);
        assert_eq!(status_of(&f, 2), Status::Dominated);
        assert_eq!(f[4].reference, Some(3), "C dominated by D");
        assert_eq!(status_of(&f, 5), Status::ExtendedlyDominated);
        assert_eq!((f[2].reference, f[2].next), (Some(1), Some(3)));
        for a in [0, 1, 3, 4] {
            assert_eq!(status_of(&f, a), Status::Frontier, "arm {a}");
        }
        let icers: Vec<Option<f64>> = f.iter().map(|x| x.icer).collect();
        assert_eq!(icers[0], None);
        assert!((icers[1].unwrap() - 100.0).abs() < 1e-9);
        assert!(
            (icers[3].unwrap() - 100.0).abs() < 1e-9,
            "D vs B, F skipped"
        );
        assert!((icers[5].unwrap() - 1500.0).abs() < 1e-9);
        assert_eq!((icers[2], icers[4]), (None, None));
        // At WTP 120: NMB A 0, B 20, F -18, D 50, C -120, E -640: D optimal.
        let best: Vec<usize> = f.iter().filter(|x| x.optimal).map(|x| x.arm).collect();
        assert_eq!(best, vec![3]);
        assert!((f[3].nmb - 50.0).abs() < 1e-9);
        assert!((f[3].nhb.unwrap() - (2.5 - 250.0 / 120.0)).abs() < 1e-12);
    }

    #[test]
    fn the_optimal_arm_is_the_frontier_arm_with_the_largest_icer_below_the_wtp() {
        let p = pts(&[(0.0, 0.0), (100.0, 1.0), (250.0, 2.5), (1000.0, 3.0)]);
        for (wtp, want) in [(50.0, 0), (101.0, 2), (1499.0, 2), (1501.0, 3)] {
            let f = frontier(&p, wtp);
            let best = f.iter().find(|x| x.optimal).unwrap().arm;
            assert_eq!(best, want, "WTP {wtp}");
        }
    }

    #[test]
    fn cascading_extended_dominance_is_removed_until_icers_increase() {
        // ICERs along the arms: 10, 20, 10, 50: arm 2 out; then 10, 15, 50: increasing.
        let p = pts(&[
            (0.0, 0.0),
            (10.0, 1.0),
            (30.0, 2.0),
            (40.0, 3.0),
            (45.0, 3.1),
        ]);
        let f = frontier(&p, 0.0);
        let st: Vec<Status> = f.iter().map(|x| x.status).collect();
        assert_eq!(st[2], Status::ExtendedlyDominated);
        assert_eq!(st[1], Status::Frontier);
        assert!((f[3].icer.unwrap() - 15.0).abs() < 1e-12);
        let p = pts(&[(0.0, 0.0), (50.0, 1.0), (90.0, 1.5), (100.0, 3.0)]);
        // ICERs 50, 80, 6.67: arm 2 out; then 50, 25: arm 1 out too (a second pass).
        let f = frontier(&p, 0.0);
        let st: Vec<Status> = f.iter().map(|x| x.status).collect();
        assert_eq!(
            st,
            vec![
                Status::Frontier,
                Status::ExtendedlyDominated,
                Status::ExtendedlyDominated,
                Status::Frontier
            ]
        );
        assert!((f[3].icer.unwrap() - 100.0 / 3.0).abs() < 1e-12);
        assert_eq!((f[1].reference, f[1].next), (Some(0), Some(3)));
    }

    #[test]
    fn ties_and_degenerate_cases() {
        // One arm: on the frontier, no ICER, optimal.
        let f = frontier(&pts(&[(5.0, 1.0)]), 10.0);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Frontier);
        assert!(f[0].icer.is_none() && f[0].optimal);
        // Equal cost: more QALYs first, the other dominated.
        let f = frontier(&pts(&[(5.0, 1.0), (5.0, 2.0)]), 10.0);
        assert_eq!(f[0].arm, 1);
        assert_eq!(f[1].status, Status::Dominated);
        // Equal QALYs: the cheaper dominates.
        let f = frontier(&pts(&[(7.0, 1.0), (5.0, 1.0)]), 10.0);
        assert_eq!((f[0].arm, f[1].status), (1, Status::Dominated));
        // Identical arms: the first stays, the second is dominated by it.
        let f = frontier(&pts(&[(5.0, 1.0), (5.0, 1.0)]), 10.0);
        assert_eq!(f[0].status, Status::Frontier);
        assert_eq!((f[1].status, f[1].reference), (Status::Dominated, Some(0)));
        assert_eq!(f.iter().filter(|x| x.optimal).count(), 1);
        // WTP 0: no net health benefit; the cheapest is optimal.
        let f = frontier(&pts(&[(5.0, 1.0), (9.0, 3.0)]), 0.0);
        assert!(f.iter().all(|x| x.nhb.is_none()));
        assert!(f[0].optimal);
        // Collinear arms: equal ICERs, all on the frontier.
        let f = frontier(&pts(&[(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)]), 0.0);
        assert!(f.iter().all(|x| x.status == Status::Frontier));
        // Cheaper and fewer QALYs than the cheapest (south-west): a frontier start.
        let f = frontier(&pts(&[(10.0, 2.0), (4.0, 1.0)]), 5.0);
        assert_eq!(f[0].arm, 1);
        assert!(f.iter().all(|x| x.status == Status::Frontier));
        assert!((f[1].icer.unwrap() - 6.0).abs() < 1e-12);
    }
}
