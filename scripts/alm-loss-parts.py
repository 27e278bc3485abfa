#!/usr/bin/env python3
"""Each survivor's own yearly loss of ALM and of weight over age windows, by sex.

Reads the trajectories of a `sarcosim run` with yearly records (e.g. of
scenarios/validation/ageing-from-50.toml; the first arm, draw 0) and prints, for persons
alive at both ends of each window, the distribution of their yearly ALM loss,
(1 − (ALM_end / ALM_start)^(1/years)) × 100 %/yr — the quantity of the longitudinal
ALM-loss targets (docs/validation.md, "ALM loss across the age range") — and of their
yearly weight loss. Run it on runs with a process switched off (`--set
illness.loss_diabetes=0 ...`) to see what each process adds (docs/validation.md,
"Mortality with chronic conditions").

Usage: python3 scripts/alm-loss-parts.py RESULTS_DIR [--windows 70-73,72-76,75-84]
"""
import argparse
import sys
from pathlib import Path

import polars as pl
from trajectories import first_arm


def window(df: pl.DataFrame, start: int, end: int) -> pl.DataFrame:
    """Persons alive at ages `start` and `end`, with their yearly ALM and weight losses."""
    at = lambda age, tag: df.filter(pl.col("age").round(0) == age).select(
        "person_id", "female", pl.col("alm").alias(f"alm{tag}"), pl.col("weight").alias(f"w{tag}")
    )
    years = end - start
    both = at(start, 0).join(at(end, 1).drop("female"), on="person_id")
    return both.with_columns(
        alm_loss=(1 - (pl.col("alm1") / pl.col("alm0")) ** (1 / years)) * 100,
        weight_loss=(1 - (pl.col("w1") / pl.col("w0")) ** (1 / years)) * 100,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", type=Path)
    ap.add_argument("--windows", default="70-73,72-76,75-84")
    args = ap.parse_args()
    first, df = first_arm(args.results)
    df = df.filter(pl.col("alm") > 0)
    print(f"{first}, draw 0: window sex persons alm_loss mean median q25 q75 sd | "
          "weight_loss mean median (%/yr)")
    for w in args.windows.split(","):
        start, end = (int(a) for a in w.split("-"))
        j = window(df, start, end)
        for sex, rows in (("M", j.filter(~pl.col("female"))), ("F", j.filter(pl.col("female"))), ("all", j)):
            if rows.height < 2:
                continue
            a, wl = rows["alm_loss"], rows["weight_loss"]
            print(f"{start}-{end} {sex} {rows.height} {a.mean():.3f} {a.median():.3f} "
                  f"{a.quantile(0.25):.3f} {a.quantile(0.75):.3f} {a.std():.3f} | "
                  f"{wl.mean():.3f} {wl.median():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
