#!/usr/bin/env python3
"""Writes data/life_tables/japan-2020.csv: qx by single year of age 50-105 for Japan 2020,
reconstructed from the life expectancy column (e_x, 2 decimals) of the MHLW complete life
table 第23回生命表 (令和2年), then smoothed log-linearly over 7 years of age.

Reconstruction: with deaths at mid-year (a_x = 1/2), e_x = 1/2 + p_x (e_{x+1} + 1/2), so
q_x = 1 - (e_x - 1/2) / (e_{x+1} + 1/2). Rounding of e_x to 0.01 years makes single-year q_x
noisy (women in their fifties are not monotone), but the survival over several years
telescopes and stays exact; a least-squares line through log q over ages x-3..x+3 keeps it.

Checks printed (docs/model.md, "Life tables"):
  - 5-year means of the reconstructed qx against the 5-year means of the 死亡率 (nqx) column
    of the same table as transcribed independently (TomoOkuyama/clinosim,
    clinosim/locale/shared/actuarial_life_table.yaml);
  - e_x recomputed from the shipped qx against the published e_x (e50, e65, e75, e90; e65 and
    e75 are also in the MHLW summary 第23回生命表（完全生命表）の概況: men 19.97 / 12.54,
    women 24.88 / 16.22).

Usage: python3 scripts/japan-life-table.py > data/life_tables/japan-2020.csv
"""
import math
import sys

# e_x at ages 50..111, MHLW 第23回生命表 (2020), as transcribed from the table's 平均余命
# column (https://www.mhlw.go.jp/toukei/saikin/hw/life/23th/index.html).
E_MEN = [33.04, 32.12, 31.21, 30.30, 29.40, 28.50, 27.61, 26.73, 25.85, 24.98, 24.12, 23.27,
         22.43, 21.60, 20.78, 19.97, 19.16, 18.37, 17.60, 16.84, 16.09, 15.36, 14.63, 13.92,
         13.23, 12.54, 11.87, 11.22, 10.58, 9.95, 9.34, 8.74, 8.17, 7.62, 7.09, 6.59, 6.11,
         5.66, 5.24, 4.85, 4.49, 4.15, 3.83, 3.55, 3.29, 3.06, 2.86, 2.68, 2.51, 2.35, 2.21,
         2.07, 1.95, 1.83, 1.73, 1.63, 1.54, 1.45, 1.37, 1.30, 1.23, 1.16]
E_WOMEN = [38.75, 37.80, 36.86, 35.92, 34.99, 34.06, 33.12, 32.19, 31.27, 30.35, 29.42,
           28.51, 27.59, 26.68, 25.78, 24.88, 23.98, 23.09, 22.20, 21.32, 20.45, 19.59, 18.73,
           17.89, 17.05, 16.22, 15.40, 14.59, 13.79, 13.01, 12.25, 11.50, 10.77, 10.07, 9.38,
           8.73, 8.10, 7.49, 6.91, 6.37, 5.85, 5.37, 4.92, 4.50, 4.12, 3.78, 3.48, 3.21, 2.96,
           2.73, 2.53, 2.34, 2.17, 2.01, 1.86, 1.73, 1.61, 1.50, 1.39, 1.30, 1.21, 1.13]
FIRST, LAST, HALF = 50, 105, 3

# 5-year means of nqx, ages 50-54 … 95-99 (clinosim transcription of the same table).
NQX_MEANS = {
    "men": [0.002974, 0.004760, 0.007686, 0.012524, 0.020322, 0.032748, 0.056140, 0.102270,
            0.177538, 0.274620],
    "women": [0.001694, 0.002330, 0.003340, 0.005122, 0.008392, 0.014596, 0.028494,
              0.058460, 0.118908, 0.217290],
}


def reconstruct(e):
    """Single-year q_x at ages FIRST..FIRST+len(e)-2 from e_x."""
    return {FIRST + i: 1 - (e[i] - 0.5) / (e[i + 1] + 0.5) for i in range(len(e) - 1)}


def smooth(q):
    """Least-squares line through log q over ages x-HALF..x+HALF (within the table)."""
    last = max(q)
    out = {}
    for x in range(FIRST, LAST + 1):
        xs = list(range(max(FIRST, x - HALF), min(last, x + HALF) + 1))
        ys = [math.log(q[a]) for a in xs]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        b = sum((a - mx) * (y - my) for a, y in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)
        out[x] = math.exp(my + b * (x - mx))
    return out


def life_expectancy(q, x0):
    """e_x0 from q (a_x = 1/2), extended log-linearly above LAST."""
    q = dict(q)
    for a in range(LAST + 1, 131):
        q[a] = min(0.99, q[a - 1] * q[LAST] / q[LAST - 1])
    alive, years = 1.0, 0.0
    for a in range(x0, 131):
        d = alive * q[a]
        years += alive - d / 2
        alive -= d
    return years


def main():
    tables = {}
    for sex, e in (("men", E_MEN), ("women", E_WOMEN)):
        q = smooth(reconstruct(e))
        assert all(q[x + 1] > q[x] for x in range(FIRST, LAST)), sex
        tables[sex] = q
        bands = [sum(q[x] for x in range(b, b + 5)) / 5 / ref
                 for b, ref in zip(range(50, 100, 5), NQX_MEANS[sex])]
        print(f"# check {sex}: 5-year mean qx / nqx mean, 50-54 … 95-99: "
              + " ".join(f"{r:.3f}" for r in bands), file=sys.stderr)
        checks = [(x, e[x - FIRST], life_expectancy(q, x)) for x in (50, 65, 75, 90)]
        print(f"# check {sex}: e_x published vs from the table: "
              + ", ".join(f"e{x} {p:.2f} vs {s:.2f}" for x, p, s in checks), file=sys.stderr)
    print("# Japan 2020: Ministry of Health, Labour and Welfare (MHLW), complete life table")
    print("# 第23回生命表（完全生命表）, 令和2年 (https://www.mhlw.go.jp/toukei/saikin/hw/life/23th/index.html).")
    print("# qx reconstructed from the table's e_x column (2 decimals) and smoothed log-linearly")
    print("# over 7 years of age by scripts/japan-life-table.py (the 死亡率 column itself could not")
    print("# be read here); checks in docs/model.md. Ages 50-105.")
    print("age,qx_male,qx_female")
    for x in range(FIRST, LAST + 1):
        print(f"{x},{tables['men'][x]:.6f},{tables['women'][x]:.6f}")


if __name__ == "__main__":
    main()
