#!/usr/bin/env python3
"""Prevalence of sarcopenia by arm, sex and 5-year age band from a sarcosim results directory.

Reads every shard's summary (DIR/summary/**/*.parquet) with polars, adds the integer counts
of all shards and records, and prints the share of person-records classified by each
definition. Usage: python3 scripts/analyze.py RESULTS_DIR [--draw 0]
"""
import argparse
import sys
from pathlib import Path

import polars as pl

DEFINITIONS = ["ewgsop2_probable", "ewgsop2_confirmed", "ewgsop2_severe", "fnih", "awgs"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", type=Path)
    ap.add_argument("--draw", type=int, default=0)
    args = ap.parse_args()
    # One file per shard and draw range: summary/draws-AAAA-BBBB/shard-KKKK-of-NNNN.parquet
    files = sorted((args.results / "summary").rglob("shard-*.parquet"))
    if not files:
        print(f"error: no summary files under {args.results}/summary", file=sys.stderr)
        return 2
    table = (
        pl.scan_parquet(files)
        .filter(pl.col("draw") == args.draw)
        .group_by("arm", "female", "age_band")
        .agg(pl.col(["alive", *DEFINITIONS]).sum())
        .filter(pl.col("alive") > 0)
        .with_columns(
            pl.when(pl.col("female")).then(pl.lit("women")).otherwise(pl.lit("men")).alias("sex"),
            pl.format("{}-{}", pl.col("age_band"), pl.col("age_band") + 4).alias("ages"),
            *[(100 * pl.col(d) / pl.col("alive")).round(2).alias(f"{d} %") for d in DEFINITIONS],
        )
        .sort("arm", "female", "age_band")
        .select("arm", "sex", "ages", pl.col("alive").alias("person_records"), *[f"{d} %" for d in DEFINITIONS])
        .collect()
    )
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200):
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
