#!/usr/bin/env python3
"""Copies the fitted values of docs/calibration/fit.json into src/params.rs.

    sarcosim calibrate && python3 scripts/apply-fit.py
    sarcosim calibrate --posterior ... && python3 scripts/apply-fit.py --posterior

Each fitted parameter's value in the table (`"dotted.name": VALUE,`) is replaced by the
fitted value rounded to 4 significant figures; tests/validation.rs checks they agree.
With --posterior, the parameters sampled in docs/calibration/posterior.csv take the
sample's median instead (draw 0 runs at the medians; a unit test of
src/validate/posterior.rs checks they agree), and their sources' "point fit X" is set to
the point fit of fit.json.
"""
import json
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
fit = json.loads((root / "docs/calibration/fit.json").read_text())
params = root / "src/params.rs"
text = params.read_text()
for name, _start, value in fit["parameters"]:
    pattern = re.compile(r'("' + re.escape(name) + r'":\s*)([-0-9.eE+]+)(,)')
    rounded = float(f"{value:.4g}")
    text, n = pattern.subn(lambda m: f"{m.group(1)}{rounded!r}{m.group(3)}", text)
    if n != 1:
        sys.exit(f"apply-fit: {name} found {n} times in src/params.rs")
    print(f"{name} = {rounded}")

def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


if "--posterior" in sys.argv[1:]:
    point = {name: value for name, _start, value in fit["parameters"]}
    lines = [l for l in (root / "docs/calibration/posterior.csv").read_text().splitlines()
             if l and not l.startswith("#")]
    names = lines[0].split(",")
    rows = [[float(x) for x in l.split(",")] for l in lines[1:]]
    for j, name in enumerate(names):
        m = float(f"{median([r[j] for r in rows]):.4g}")
        pattern = re.compile(r'("' + re.escape(name) + r'":\s*)([-0-9.eE+]+)(,)')
        text, n = pattern.subn(lambda mm: f"{mm.group(1)}{m!r}{mm.group(3)}", text)
        if n != 1:
            sys.exit(f"apply-fit: {name} found {n} times in src/params.rs")
        if name in point:
            # The source of this entry: from its name to the next entry's name.
            start = text.index(f'"{name}":')
            end = text.find(" = \"", start)
            end = len(text) if end < 0 else end
            pf = float(f"{point[name]:.4g}")
            chunk, k = re.subn(r"point fit [-0-9.eE+]+", f"point fit {pf!r}", text[start:end])
            if k != 1:
                sys.exit(f"apply-fit: {name}: 'point fit' found {k} times in its source")
            text = text[:start] + chunk + text[end:]
        print(f"{name} = {m} (posterior median)")
params.write_text(text)
