#!/usr/bin/env python3
"""Recompute a run's decision analysis from its raw Parquet and compare with sarcosim's.

Usage: scripts/recompute_decision.py DIR

Reads DIR/outcomes/ (per-person cost and QALYs, partitioned by arm and draw) and
DIR/manifest.json (arms, draws, willingness to pay, [economics] decision keys), computes
independently of the Rust code
  - the efficiency frontier of every draw and pooled over draws 1..K (K >= 2): rank,
    status (frontier / dominated / extendedly_dominated), ICER, NMB, NHB, optimal arm;
  - the CEAC and CEAF over the WTP grid;
  - the CE-plane points (per draw, each arm minus the baseline);
  - the EVPI per person and for the stated population at every WTP,
and compares them with DIR/frontier.parquet, ceac.parquet, ceplane.parquet and
voi.parquet. Prints what it checked; exits 1 on any mismatch (relative tolerance 1e-9).
Needs Python polars (pip install polars==2.1.0).
"""

import json
import math
import sys
from pathlib import Path

import polars as pl

RTOL = 1e-9


class Mismatch(Exception):
    pass


def close(a, b, what):
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        if not (a is None and b is None):
            raise Mismatch(f"{what}: sarcosim {a}, recomputed {b}")
        return
    if abs(a - b) > RTOL * (1.0 + abs(b)):
        raise Mismatch(f"{what}: sarcosim {a}, recomputed {b}")


def same(a, b, what):
    if a != b:
        raise Mismatch(f"{what}: sarcosim {a!r}, recomputed {b!r}")


def frontier(points, wtp):
    """points: list of (cost, qalys) per arm. Returns rows in rank order."""
    n = len(points)
    order = sorted(range(n), key=lambda a: (points[a][0], -points[a][1], a))
    rows = [
        {
            "arm": a,
            "rank": r + 1,
            "status": "frontier",
            "reference": None,
            "icer": None,
            "nmb": wtp * points[a][1] - points[a][0],
            "nhb": points[a][1] - points[a][0] / wtp if wtp > 0 else None,
        }
        for r, a in enumerate(order)
    ]
    # Strict dominance: an earlier-ranked arm with no more cost and no fewer QALYs.
    for j in range(n):
        cj, qj = points[rows[j]["arm"]]
        for i in range(j):
            ci, qi = points[rows[i]["arm"]]
            if ci <= cj and qi >= qj:
                rows[j]["status"] = "dominated"
                rows[j]["reference"] = rows[i]["arm"]
                break
    # Extended dominance: drop the largest ICER decrease until ICERs increase.
    while True:
        live = [i for i in range(n) if rows[i]["status"] == "frontier"]

        def icer(a, b):
            pa, pb = points[rows[a]["arm"]], points[rows[b]["arm"]]
            return (pb[0] - pa[0]) / (pb[1] - pa[1])

        worst, excess = None, 0.0
        for k in range(len(live) - 2):
            e = icer(live[k], live[k + 1]) - icer(live[k + 1], live[k + 2])
            if e > excess:
                worst, excess = live[k + 1], e
        if worst is None:
            break
        rows[worst]["status"] = "extendedly_dominated"
    live = [i for i in range(n) if rows[i]["status"] == "frontier"]
    for a, b in zip(live, live[1:]):
        rows[b]["reference"] = rows[a]["arm"]
        rows[b]["icer"] = icer(a, b)
    for i in range(n):
        if rows[i]["status"] == "extendedly_dominated":
            prev = [f for f in live if f < i]
            rows[i]["reference"] = rows[prev[-1]]["arm"] if prev else None
    best = max(range(n), key=lambda i: (rows[i]["nmb"], -i))
    for i in range(n):
        rows[i]["optimal"] = i == best
    return rows


def default_grid(wtp):
    top = 2.0 * wtp if wtp > 0 else 100_000.0
    return [top * i / 40 for i in range(41)]


def main(dir_):
    d = Path(dir_)
    manifest = json.loads((d / "manifest.json").read_text())
    arms = manifest["arms"]
    baseline = "baseline" if "baseline" in arms else arms[0]
    draws = manifest["draws"]
    resolved = manifest["scenario_resolved"]
    econ = resolved["economics"]
    settings = resolved.get("decision", {})
    wtp = econ["willingness_to_pay"]
    grid = settings.get("wtp_grid") or default_grid(wtp)

    out = pl.scan_parquet(str(d / "outcomes" / "**" / "*.parquet"), hive_partitioning=True)
    means = (
        out.group_by("arm", "draw")
        .agg(pl.col("cost").mean(), pl.col("qalys").mean())
        .collect()
    )
    point = {
        (r["arm"], int(r["draw"])): (r["cost"], r["qalys"]) for r in means.iter_rows(named=True)
    }
    per_draw = [[point[(a, k)] for a in arms] for k in range(draws + 1)]
    psa = per_draw[1:]

    # Frontier, per draw then pooled.
    f = pl.read_parquet(d / "frontier.parquet")
    expected = [(k, per_draw[k]) for k in range(draws + 1)]
    if len(psa) >= 2:
        pooled = [
            (sum(p[a][0] for p in psa) / len(psa), sum(p[a][1] for p in psa) / len(psa))
            for a in range(len(arms))
        ]
        expected.append((None, pooled))
    same(f.height, len(expected) * len(arms), "frontier.parquet rows")
    checked = 0
    for k, pts in expected:
        got = f.filter(pl.col("draw").is_null() if k is None else pl.col("draw") == k)
        for g, w in zip(got.iter_rows(named=True), frontier(pts, wtp)):
            where = f"frontier draw {k} rank {w['rank']}"
            same(g["arm"], arms[w["arm"]], where + " arm")
            same(g["rank"], w["rank"], where + " rank")
            same(g["status"], w["status"], where + " status")
            ref = None if w["reference"] is None else arms[w["reference"]]
            same(g["reference"], ref, where + " reference")
            close(g["cost"], pts[w["arm"]][0], where + " cost")
            close(g["qalys"], pts[w["arm"]][1], where + " qalys")
            close(g["icer"], w["icer"], where + " icer")
            close(g["nmb"], w["nmb"], where + " nmb")
            close(g["nhb"], w["nhb"], where + " nhb")
            same(g["optimal"], w["optimal"], where + " optimal")
            checked += 1
    print(f"frontier: {checked} rows match ({len(expected)} frontiers, {len(arms)} arms)")

    # CE plane: each arm minus the baseline, per draw.
    b = arms.index(baseline)
    plane = pl.read_parquet(d / "ceplane.parquet")
    others = [a for a in range(len(arms)) if a != b]
    same(plane.height, (draws + 1) * len(others), "ceplane.parquet rows")
    for g in plane.iter_rows(named=True):
        a, k = arms.index(g["arm"]), g["draw"]
        close(g["delta_cost"], per_draw[k][a][0] - per_draw[k][b][0], f"ceplane {g['arm']} draw {k}")
        close(g["delta_qalys"], per_draw[k][a][1] - per_draw[k][b][1], f"ceplane {g['arm']} draw {k}")
    print(f"ce plane: {plane.height} points match")

    # CEAC, CEAF and EVPI over the grid (PSA draws 1..K).
    ceac = pl.read_parquet(d / "ceac.parquet")
    voi = pl.read_parquet(d / "voi.parquet").filter(pl.col("analysis") == "evpi")
    if len(psa) < 2:
        same(ceac.height, 0, "ceac.parquet rows without 2 PSA draws")
        print("ceac, evpi: fewer than 2 PSA draws, none written (as expected)")
        return 0
    same(ceac.height, len(grid) * len(arms), "ceac.parquet rows")
    same(voi.height, len(grid), "voi.parquet evpi rows")
    rate = econ["discount_rate"]
    persons = settings.get("evpi_population")
    years = settings.get("evpi_years", 10)
    annuity = sum((1 + rate) ** -t for t in range(years))
    for lam in grid:
        nb = [[lam * q - c for (c, q) in p] for p in psa]
        wins = [0.0] * len(arms)
        for row in nb:
            m = max(row)
            tied = [a for a in range(len(arms)) if row[a] == m]
            for a in tied:
                wins[a] += 1 / len(tied)
        mean = [sum(r[a] for r in nb) / len(nb) for a in range(len(arms))]
        ceaf = max(range(len(arms)), key=lambda a: (mean[a], -a))
        got = ceac.filter(pl.col("wtp") == lam)
        for g in got.iter_rows(named=True):
            a = arms.index(g["arm"])
            close(g["probability"], wins[a] / len(nb), f"ceac {g['arm']} at {lam}")
            close(g["expected_nmb"], mean[a], f"expected nmb {g['arm']} at {lam}")
            same(g["on_ceaf"], a == ceaf, f"ceaf {g['arm']} at {lam}")
        evpi = max(0.0, sum(max(r) for r in nb) / len(nb) - max(mean))
        g = voi.filter(pl.col("wtp") == lam).row(0, named=True)
        close(g["per_person"], evpi, f"evpi per person at {lam}")
        pop = None if persons is None else evpi * persons * annuity
        close(g["population"], pop, f"population evpi at {lam}")
    at = voi.filter(pl.col("wtp") == wtp)
    evpi_txt = f"; EVPI at WTP {wtp:g}: {at['per_person'][0]:.2f} per person" if at.height else ""
    print(f"ceac/ceaf: {ceac.height} rows match; evpi: {voi.height} values match{evpi_txt}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1]))
    except Mismatch as e:
        print(f"MISMATCH: {e}", file=sys.stderr)
        sys.exit(1)
