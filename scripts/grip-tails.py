#!/usr/bin/env python3
"""Grip spread, tails and within-person decline by age on a life-course run (issue 12).

Reads the trajectories of a `sarcosim run` of scenarios/validation/life-course-from-30.toml
(record k = age 30 + k; living persons of the first arm, draw 0) and prints the tables
quoted in docs/validation.md, "Strength spread (issue 12, third set)".

The run follows ONE birth cohort from 30. Comparisons with cross-sectional sources (tables
1, 1b, 2 and 5: Dodds's centiles, the weak-grip shares, Steiber's rule, the samples' means
and SDs) read the run as `sarcosim validate` reads a followed design since issue 12's fourth
set (src/model/cohort.rs `view_factor`): the grip a person of the cohort aged a at the start
would have, grip x B(a)/B(30) x (H(a)/H(30))^2 with B(a) = (1 + quality.cohort_trend_per_decade)
^(-(max(a, 50) - 65)/10) and H(a) = population.height_mean - stature.secular_trend_per_decade
x (a - 30)/10. Within-person quantities (tables 3 and 4: yearly losses, correlations and
changes of the same persons; the SD of grip per kg ALM in table 1c) use the persons' own grip.

1. grip by age band and sex (cross-sectional view): mean, SD, CV, skewness, P10/P50/P90;
1b. the same at single ages 60, 65, ..., 90 (the Dodds rows; Granic's 85), and r(grip, ALM)
    at 60-80;
1c. the SD of grip per kg ALM (own grip) at 30, 60 and 90;
2. for each weak-grip target of the life-course design (cross-sectional view), the model's
   share and the factor k by which every simulated grip would have to be multiplied for
   the model's share below the target's cut-offs to equal the published share (k > 1: the published
   population is stronger than the model at the same cut-off; k = 1: the model's own
   level). The strata repeat those of src/validate/{independent,surveys,strata,wider}.rs;
3. the within-person change of grip between yearly records of survivors, by age band;
4. five- and ten-year changes of the same persons (heterogeneity of decline);
5. Steiber 2016's rule on the model's own scale (cross-sectional view): the share below the
   peak mean less 2 SD (peak: ages 30-45 pooled) at 65-69 and at 80-90, by sex.

Usage: python3 scripts/grip-tails.py RESULTS_DIR
"""
import json
import sys
from pathlib import Path

import polars as pl
from trajectories import first_arm

LIFE_START = 30
# Fixed parameters (src/params.rs), not in parameters.parquet: the young-adult mean heights,
# population.height_mean_m / _f, m.
HEIGHT_MEAN = {False: 1.76, True: 1.63}
QUALITY_AGE, YOUNGEST = 65.0, 50.0  # src/model/cohort.rs


def load(results: Path) -> pl.DataFrame:
    _, df = first_arm(results)
    params = pl.read_parquet(results / "parameters.parquet").filter(pl.col("draw") == 0)
    trend = params["quality.cohort_trend_per_decade"][0]
    secular = params["stature.secular_trend_per_decade"][0]
    overrides = {}
    manifest = results / "manifest.json"
    if manifest.exists():
        overrides = json.loads(manifest.read_text())["scenario_resolved"].get("parameters", {})
    height = {
        False: overrides.get("population.height_mean_m", HEIGHT_MEAN[False]),
        True: overrides.get("population.height_mean_f", HEIGHT_MEAN[True]),
    }
    print(f"# view: quality.cohort_trend_per_decade {trend}, stature.secular_trend_per_decade "
          f"{secular}, height_mean m/f {height[False]}/{height[True]}")

    def b(a):
        return (1.0 + trend) ** (-((a.clip(lower_bound=YOUNGEST)) - QUALITY_AGE) / 10.0)

    def h(a, female):
        return height[female] - secular * (a - LIFE_START) / 10.0

    df = df.filter(pl.col("alm") > 0).with_columns(
        (pl.col("record") + LIFE_START).alias("a")
    )
    a = pl.col("a").cast(pl.Float64)
    hr = pl.when(pl.col("female")).then(h(a, True) / h(LIFE_START, True)).otherwise(
        h(a, False) / h(LIFE_START, False))
    view = b(a) / (1.0 + trend) ** (-(YOUNGEST - QUALITY_AGE) / 10.0) * hr * hr
    # `own`: the person's own grip (within-person); `grip`: the cross-sectional view.
    return df.with_columns(pl.col("grip").alias("own"), (pl.col("grip") * view).alias("grip"))


def bands(df: pl.DataFrame) -> None:
    print("## 1. grip by age band (pooled yearly records of the living; cross-sectional view)")
    print("sex band n mean sd cv skew p10 p50 p90")
    for female in (False, True):
        for lo, hi in [(40, 44), (50, 54), (60, 64), (70, 74), (75, 79), (80, 84),
                       (85, 89), (90, 99)]:
            g = df.filter((pl.col("female") == female) & pl.col("a").is_between(lo, hi))["grip"]
            q = [g.quantile(p) for p in (0.1, 0.5, 0.9)]
            print(f"{'W' if female else 'M'} {lo}-{hi} {g.len()} {g.mean():.1f} {g.std():.2f} "
                  f"{g.std() / g.mean():.3f} {g.skew():.2f} "
                  + " ".join(f"{x:.1f}" for x in q))


def single_ages(df: pl.DataFrame) -> None:
    print("\n## 1b. grip at single ages (the Dodds rows; cross-sectional view)")
    print("sex age n p10 p50 p90 mean sd cv")
    for female in (False, True):
        for age in range(60, 91, 5):
            g = df.filter((pl.col("female") == female) & (pl.col("a") == age))["grip"]
            q = [g.quantile(p) for p in (0.1, 0.5, 0.9)]
            print(f"{'W' if female else 'M'} {age} {g.len()} "
                  + " ".join(f"{x:.1f}" for x in q)
                  + f" {g.mean():.2f} {g.std():.2f} {g.std() / g.mean():.2f}")
    print("r(grip, ALM) pooled 60-80, cross-sectional view / own grip:")
    for female in (False, True):
        s = df.filter((pl.col("female") == female) & pl.col("a").is_between(60, 80))
        print(f"{'W' if female else 'M'} {s.select(pl.corr('grip', 'alm')).item():.3f} "
              f"{s.select(pl.corr('own', 'alm')).item():.3f}")
    print("\n## 1c. SD of grip per kg ALM (own grip)")
    print("sex age mean sd")
    for female in (False, True):
        for age in (30, 60, 90):
            s = df.filter((pl.col("female") == female) & (pl.col("a") == age))
            x = s["own"] / s["alm"]
            print(f"{'W' if female else 'M'} {age} {x.mean():.3f} {x.std():.3f}")


def scale_factors(df: pl.DataFrame) -> None:
    print("\n## 2. share below the cut-offs, and the grip factor k that gives the published share"
          " (cross-sectional view)")
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
        print(f"{name} {published} {f(1.0):.2f} {k:.4f}")


def decline(df: pl.DataFrame) -> None:
    print("\n## 3. within-person change between yearly records of survivors (own grip)")
    print("sex band kg/yr sd(kg/yr) %/yr quality%/yr alm%/yr")
    cur = df.select("person_id", "a", "female", pl.col("own").alias("grip"), "quality", "alm")
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
    print("\n## 4. change of the same persons between two ages (own grip)")
    print("from to sex baseline_mean baseline_sd change_mean change_sd share_gaining r")
    for a0, a1 in [(60, 70), (70, 80), (85, 90)]:
        for female in (False, True):
            a = df.filter((pl.col("a") == a0) & (pl.col("female") == female)).select(
                "person_id", pl.col("own").alias("g0"))
            b = df.filter((pl.col("a") == a1) & (pl.col("female") == female)).select(
                "person_id", pl.col("own").alias("g1"))
            c = a.join(b, on="person_id").with_columns((pl.col("g1") - pl.col("g0")).alias("d"))
            r = c.select(pl.corr("g0", "g1")).item()
            print(f"{a0} {a1} {'W' if female else 'M'} {a['g0'].mean():.2f} {a['g0'].std():.2f} "
                  f"{c['d'].mean():.2f} {c['d'].std():.2f} {100 * (c['d'] > 0).mean():.1f} {r:.3f}")


def steiber_rule(df: pl.DataFrame) -> None:
    print("\n## 5. share below the peak mean - 2 SD (peak: 30-45; cross-sectional view)")
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
    single_ages(df)
    scale_factors(df)
    decline(df)
    changes(df)
    steiber_rule(df)
    return 0


if __name__ == "__main__":
    sys.exit(main())
