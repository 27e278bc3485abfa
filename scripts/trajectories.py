"""Reading a sarcosim results directory's trajectories: shared by the scripts of scripts/.

`first_arm(results)` returns the yearly records of the first arm (by name), draw 0, as one
polars DataFrame (columns as `sarcosim run` writes them, src/output), with the arm's name;
it exits with status 2 and a message when the directory holds no trajectories.
"""
import sys
from pathlib import Path

import polars as pl


def first_arm(results: Path) -> tuple[str, pl.DataFrame]:
    files = sorted((results / "trajectories").rglob("*.parquet"))
    if not files:
        print(f"error: no trajectory files under {results}/trajectories", file=sys.stderr)
        sys.exit(2)
    # Hive-style partitions arm=NAME/draw=K: the first arm's draw 0.
    first = sorted({f.parent.parent.name for f in files})[0]
    files = [f for f in files if f.parent.parent.name == first and f.parent.name == "draw=0"]
    return first, pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")
