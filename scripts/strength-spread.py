#!/usr/bin/env python3
"""Spread and joint distribution of grip in a sarcosim results directory's trajectories.

For each record and sex (living persons of the baseline arm, draw 0): mean grip, SD,
coefficient of variation, skewness, the 10th/50th/90th percentiles, and the correlation
of grip with ALM, height, ALM/height² and BMI. docs/model.md quotes its output.
Usage: python3 scripts/strength-spread.py RESULTS_DIR [--records 0,10,20]
"""
import argparse
import sys
from pathlib import Path

import polars as pl
from trajectories import first_arm


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", type=Path)
    ap.add_argument("--records", default="0,10,20")
    args = ap.parse_args()
    first, df = first_arm(args.results)
    print(f"{first}, draw 0: record sex persons age grip_mean sd cv skew p10 p50 p90 "
          "r_alm r_height r_almi r_bmi")
    for rec in (int(r) for r in args.records.split(",")):
        for female in (False, True):
            s = df.filter((pl.col("record") == rec) & (pl.col("female") == female) & (pl.col("alm") > 0))
            if s.height < 2:
                continue
            g = s["grip"]
            r = [s.select(pl.corr("grip", c)).item() for c in ("alm", "height", "alm_index", "bmi")]
            q = [g.quantile(p) for p in (0.1, 0.5, 0.9)]
            print(f"{rec} {'F' if female else 'M'} {s.height} {s['age'].mean():.1f} {g.mean():.1f} "
                  f"{g.std():.1f} {g.std() / g.mean():.3f} {g.skew():.2f} "
                  + " ".join(f"{x:.1f}" for x in q) + " " + " ".join(f"{x:.2f}" for x in r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
