#!/usr/bin/env python3
"""Writes data/cohorts/example-survey.csv: a small SYNTHETIC survey extract (no real
persons) for the microdata cohort example (scenarios/survey-cohort.toml) and its tests.

Standard library only; a fixed seed, so the file is reproducible:

    python3 scripts/make-example-survey.py > data/cohorts/example-survey.csv
    python3 scripts/make-example-survey.py 1000000 > big.csv   # more rows, same structure

Joint structure (all made up, chosen to resemble a survey of community-dwelling 60-89
year-olds; the point is that the columns are NOT independent):
- age uniform 60-89; women 55 %;
- sampling weight: the oldest (80+) are oversampled, so they weigh 0.6 x as much, times a
  uniform 0.5-1.5 non-response factor (x 1000 persons per row);
- height falls 2 mm per year of age (secular trend), sex-specific mean and SD;
- BMI rises to 70 then falls 0.12 per year; body weight = BMI x height^2 (given as weight_kg);
- diabetes: logistic in BMI (+0.2 per unit) and age (+0.04 per year): more common among
  heavier and older persons;
- CKD: logistic in age (+0.06/yr) and diabetes (odds x 4.5): co-occurs with diabetes;
- heart failure: age (+0.07/yr), diabetes (odds x 1.8) and CKD (odds x 1.6);
- COPD and cancer: weak age gradients;
- protein intake falls with age; resistance training (2-3 sessions/wk) less likely when
  older or heavier;
- grip (measured for 85 % of rows, empty otherwise) falls with age and conditions;
  gait speed (measured for 70 %) falls with age, diabetes and BMI above 30;
- ALM is not measured: sarcosim fills it from its law given age, sex, height and BMI.
"""
import math
import random
import sys

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 400
rng = random.Random(20261202)


def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


def bern(p):
    return 1 if rng.random() < p else 0


def row(i):
    age = rng.randint(60, 89)
    female = rng.random() < 0.55
    weight = (0.6 if age >= 80 else 1.0) * rng.uniform(0.5, 1.5) * 1000
    if female:
        height = rng.gauss(1.615 - 0.002 * (age - 60), 0.065)
    else:
        height = rng.gauss(1.755 - 0.002 * (age - 60), 0.07)
    bmi = rng.gauss(28.0 - 0.12 * max(age - 70, 0), 4.3)
    bmi = min(max(bmi, 17.0), 45.0)
    weight_kg = bmi * height * height
    diabetes = bern(logistic(-2.2 + 0.2 * (bmi - 27) + 0.04 * (age - 70)))
    ckd = bern(logistic(-2.8 + 0.06 * (age - 70) + 1.5 * diabetes))
    hf = bern(logistic(-3.4 + 0.07 * (age - 70) + 0.6 * diabetes + 0.5 * ckd))
    copd = bern(logistic(-2.8 + 0.02 * (age - 70)))
    cancer = bern(logistic(-2.9 + 0.03 * (age - 70)))
    protein = min(max(rng.gauss(1.1 - 0.01 * (age - 70), 0.25), 0.4), 2.2)
    trains = rng.random() < logistic(-1.5 - 0.06 * (age - 70) - 0.08 * (bmi - 27))
    sessions = rng.choice([2, 3]) if trains else 0
    n_cond = diabetes + ckd + hf + copd + cancer
    if female:
        grip = rng.gauss(23.0 - 0.3 * (age - 70) - 0.8 * n_cond, 4.5)
    else:
        grip = rng.gauss(37.0 - 0.45 * (age - 70) - 1.0 * n_cond, 6.0)
    grip = min(max(grip, 5.0), 70.0)
    gait = rng.gauss(1.1 - 0.012 * (age - 70) - 0.1 * diabetes - 0.02 * max(bmi - 30, 0), 0.18)
    gait = min(max(gait, 0.2), 2.0)
    grip_cell = f"{grip:.1f}" if rng.random() < 0.85 else ""
    gait_cell = f"{gait:.2f}" if rng.random() < 0.70 else ""
    return [
        str(i + 1), f"{weight:.1f}", str(age), "F" if female else "M", f"{height:.3f}",
        f"{weight_kg:.1f}", f"{protein:.2f}", str(sessions), str(diabetes), str(ckd),
        str(copd), str(hf), str(cancer), grip_cell, gait_cell,
    ]


print("# SYNTHETIC example survey extract, made by scripts/make-example-survey.py (seed")
print("# 20261202); no real persons. Columns and units: docs/model.md, \"Cohorts from microdata\".")
print("id,sampling_weight,age,sex,height,weight_kg,protein_g_per_kg,training_sessions_per_week,"
      "diabetes,ckd,copd,heart_failure,cancer,grip,gait")
for i in range(ROWS):
    print(",".join(row(i)))
