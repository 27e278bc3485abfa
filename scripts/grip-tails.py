#!/usr/bin/env python3
"""Grip spread, tails and within-person decline by age on a life-course run (issue 12).

Reads the trajectories of a `sarcosim run` of scenarios/validation/life-course-from-30.toml
(record k = age 30 + k; living persons of the first arm, draw 0) and prints four tables,
quoted in docs/validation.md, "Strength spread (issue 12, third set)":

1. grip by age band and sex: mean, SD, CV, skewness, P10/P50/P90;
2. for each weak-grip target of the life-course design, the model's share and the
   factor k by which every simulated grip would have to be multiplied for the model's
   share below the target's cut-offs to equal the published share (k > 1: the published
   population is stronger than the model at the same cut-off; k = 1: the model's own
   level). The strata repeat those of src/validate/{independent,surveys,strata,wider}.rs;
3. the within-person change of grip between yearly records of survivors, by age band;
4. five- and ten-year changes of the same persons (heterogeneity of decline);
5. Steiber 2016's rule on the model's own scale: the share below the peak mean less
   2 SD (peak: ages 30-45 pooled) at 65-69 and at 80-90, by sex.

Usage: python3 scripts/grip-tails.py RESULTS_DIR
"""
import sys
from pathlib import Path

import polars as pl

LIFE_START = 30


def load(results: Path) -> pl.DataFrame:
    files = sorted((results / "trajectories").rglob("*.parquet"))
    if not files:
        sys.exit(f"error: no trajectory files under {results}/trajectories")
    first = sorted({f.parent.parent.name for f in files})[0]
    files = [f for f in files if f.parent.parent.name == first and f.parent.name == "draw=0"]
    df = pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")
    return df.filter(pl.col("alm") > 0).with_columns(
        (pl.col("record") + LIFE_START).alias("a")
    )


def bands(df: pl.DataFrame) -> None:
    print("## 1. grip by age band (pooled yearly records of the living)")
    print("sex band n mean sd cv skew p10 p50 p90")
    for female in (False, True):
        for lo, hi in [(40, 44), (50, 54), (60, 64), (70, 74), (75, 79), (80, 84),
                       (85, 89), (90, 99)]:
            g = df.filter((pl.col("female") == female) & pl.col("a").is_between(lo, hi))["grip"]
            q = [g.quantile(p) for p in (0.1, 0.5, 0.9)]
            print(f"{'W' if female else 'M'} {lo}-{hi} {g.len()} {g.mean():.1f} {g.std():.2f} "
                  f"{g.std() / g.mean():.3f} {g.skew():.2f} "
                  + " ".join(f"{x:.1f}" for x in q))


def scale_factors(df: pl.DataFrame) -> None:
    print("\n## 2. share below the cut-offs, and the grip factor k that gives the published share")
    grips = {}

    def g(female, ages):
        key = (female, ages)
        if key not in grips:
            grips[key] = df.filter(
                (pl.col("female") == female) & pl.col("a").is_between(*ages)
            )["grip"]
        return grips[key]

    def sh(female, ages, lo, hi, k):
        x = g(female, ages) * k
        return 100.0 * ((x >= lo) & (x < hi)).mean()

    def both(w, ages, cm, cw, k, lo=(0.0, 0.0)):
        return (1 - w) * sh(False, ages, lo[0], cm, k) + w * sh(True, ages, lo[1], cw, k)

    targets = [
        ("ukb-probable-sarcopenia-40-69", 5.3, lambda k: both(0.54, (40, 69), 27, 16, k)),
        ("tilda-probable-sarcopenia", 23.4, lambda k: both(0.5, (60, 84), 27, 16, k)),
        ("dodds-weak-grip-80-m", 23.0, lambda k: sh(False, (79, 81), 0, 27, k)),
        ("dodds-weak-grip-80-w", 27.0, lambda k: sh(True, (79, 81), 0, 16, k)),
        ("hrs-weak-grip-60-m", 7.8, lambda k: sh(False, (60, 94), 0, 26, k)),
        ("hrs-weak-grip-60-w", 11.4, lambda k: sh(True, (60, 94), 0, 16, k)),
        ("huemer-probable-sarcopenia-65", 11.7, lambda k: both(0.5, (65, 93), 27, 16, k)),
        ("alley-weak-grip-m", 5.0, lambda k: sh(False, (65, 89), 0, 26, k)),
        ("alley-weak-grip-w", 18.0, lambda k: sh(True, (70, 94), 0, 16, k)),
        ("alley-intermediate-grip-m", 11.0, lambda k: sh(False, (65, 89), 26, 32, k)),
        ("looker-weak-grip-60", 5.0, lambda k: both(0.55, (60, 94), 26, 16, k)),
        ("looker-intermediate-grip-60", 13.0,
         lambda k: both(0.55, (60, 94), 32, 20, k, (26.0, 16.0))),
        ("looker-reduced-grip-80-m", 46.0, lambda k: sh(False, (80, 94), 0, 32, k)),
        ("looker-reduced-grip-80-w", 58.0, lambda k: sh(True, (80, 94), 0, 20, k)),
    ]
    print("target published model k")
    for name, published, f in targets:
        # Shares below a cut-off fall as k rises (the intermediate band too, over
        # 0.7-1.6 here): bisection.
        lo, hi = 0.6, 1.6
        if (f(lo) - published) * (f(hi) - published) > 0:
            k = float("nan")
        else:
            for _ in range(30):
                mid = (lo + hi) / 2
                if (f(lo) - published) * (f(mid) - published) <= 0:
                    hi = mid
                else:
                    lo = mid
            k = (lo + hi) / 2
        print(f"{name} {published} {f(1.0):.2f} {k:.3f}")


def decline(df: pl.DataFrame) -> None:
    print("\n## 3. within-person change between yearly records of survivors")
    print("sex band kg/yr sd(kg/yr) %/yr quality%/yr alm%/yr")
    cur = df.select("person_id", "a", "female", "grip", "quality", "alm")
    nxt = cur.with_columns((pl.col("a") - 1).alias("a")).rename(
        {"grip": "g2", "quality": "q2", "alm": "alm2"}).drop("female")
    j = cur.join(nxt, on=["person_id", "a"]).with_columns(
        (pl.col("grip") - pl.col("g2")).alias("dk"),
        (100 * (1 - pl.col("g2") / pl.col("grip"))).alias("dp"),
        (100 * (1 - pl.col("q2") / pl.col("quality"))).alias("dq"),
        (100 * (1 - pl.col("alm2") / pl.col("alm"))).alias("dalm"),
    )
    for female in (False, True):
        for lo, hi in [(45, 50), (50, 55), (55, 60), (60, 65), (65, 70), (70, 75), (75, 80),
                       (80, 85), (85, 90), (90, 95), (50, 85)]:
            s = j.filter((pl.col("female") == female) & (pl.col("a") >= lo) & (pl.col("a") < hi))
            print(f"{'W' if female else 'M'} {lo}-{hi} {s['dk'].mean():.3f} {s['dk'].std():.2f} "
                  f"{s['dp'].mean():.2f} {s['dq'].mean():.2f} {s['dalm'].mean():.2f}")


def changes(df: pl.DataFrame) -> None:
    print("\n## 4. change of the same persons between two ages")
    print("from to sex baseline_mean baseline_sd change_mean change_sd share_gaining r")
    for a0, a1 in [(60, 70), (70, 80), (85, 90)]:
        for female in (False, True):
            a = df.filter((pl.col("a") == a0) & (pl.col("female") == female)).select(
                "person_id", pl.col("grip").alias("g0"))
            b = df.filter((pl.col("a") == a1) & (pl.col("female") == female)).select(
                "person_id", pl.col("grip").alias("g1"))
            c = a.join(b, on="person_id").with_columns((pl.col("g1") - pl.col("g0")).alias("d"))
            r = c.select(pl.corr("g0", "g1")).item()
            print(f"{a0} {a1} {'W' if female else 'M'} {a['g0'].mean():.2f} {a['g0'].std():.2f} "
                  f"{c['d'].mean():.2f} {c['d'].std():.2f} {100 * (c['d'] > 0).mean():.1f} {r:.3f}")


def steiber_rule(df: pl.DataFrame) -> None:
    print("\n## 5. share below the peak mean - 2 SD (peak: 30-45)")
    print("sex peak_mean peak_sd cut share_65_69 share_80_90")
    for female in (False, True):
        sex = df.filter(pl.col("female") == female)
        peak = sex.filter(pl.col("a").is_between(30, 45))["grip"]
        cut = peak.mean() - 2 * peak.std()
        shares = [100 * (sex.filter(pl.col("a").is_between(lo, hi))["grip"] < cut).mean()
                  for lo, hi in [(65, 69), (80, 90)]]
        print(f"{'W' if female else 'M'} {peak.mean():.1f} {peak.std():.2f} {cut:.1f} "
              f"{shares[0]:.1f} {shares[1]:.1f}")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    df = load(Path(sys.argv[1]))
    bands(df)
    scale_factors(df)
    decline(df)
    changes(df)
    steiber_rule(df)
    return 0


if __name__ == "__main__":
    sys.exit(main())
