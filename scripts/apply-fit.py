#!/usr/bin/env python3
"""Copies the fitted values of docs/calibration/fit.json into src/params.rs.

    sarcosim calibrate && python3 scripts/apply-fit.py

Each fitted parameter's value in the table (`"dotted.name": VALUE,`) is replaced by the
fitted value rounded to 4 significant figures; tests/validation.rs checks they agree.
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
params.write_text(text)
