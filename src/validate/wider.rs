//! More independent targets of issue 12, added with the body-composition work: probable
//! sarcopenia in midlife (UK Biobank), very slow gait (HRS), FNIH sarcopenia in healthy
//! older volunteers (DO-HEALTH) and the lean mass gained in testosterone trials. None of
//! these sources sets a parameter or enters the calibration objective; each tolerance and
//! its reason were committed before the first run that computed it.

use super::independent::{share_both, share_eligible, spec, DO_HEALTH_RULE};
use super::measures::{measured_gait, HRS};
use super::sim::Life;
use super::stats::{estimate, mean};
use super::{judge, Role, Row, Runs, Spec, ALM_SHARE_OF_LEAN};

/// Every target of this module, in table order.
pub fn targets(r: &Runs, rows: &mut Vec<Row>) {
    population(&r.life, r.params.gait_static_lost, rows);
    testosterone(&r.testosterone, rows);
}

/// Midlife weak grip, very slow gait (measured as HRS measures it; `lost` is
/// `gait.static_start_lost_distance`) and FNIH sarcopenia on the life-course design.
fn population(l: &[Life], lost: f64, rows: &mut Vec<Row>) {
    let n = l.len();
    rows.push(judge(
        spec(
            "ukb-probable-sarcopenia-40-69".into(),
            "EWGSOP2 probable sarcopenia (grip < 27 / 16 kg), both sexes 40-69 (54 % women), %".into(),
            "Dodds 2020, J Cachexia Sarcopenia Muscle 11:62 (UK Biobank, 499,046 adults 40-70: probable sarcopenia by sex-specific grip cut-points 5.3 %) (V; cut-offs P: EWGSOP2's, as in the authors' other work)",
            "%",
            5.3,
            None,
            (5.3 / 1.5, 5.3 * 2.0),
            "÷ 1.5 to × 2: UK Biobank volunteers are healthier than the population (5.5 % took part), so the population is expected above; women's share 54 % (A)",
        ),
        estimate(n, |it| {
            share_both(l, it, 0.54, (40, 69), |s| s.grip < if s.female { 16.0 } else { 27.0 })
        }),
    ));
    rows.push(judge(
        spec(
            "stover-very-slow-gait-65".into(),
            format!("gait speed < 0.6 m/s over {}, both sexes ≥ 65 (65-94), %", HRS.label),
            "Stover 2023, Geriatrics 8:95 (Health and Retirement Study 2006-08, adults ≥ 65, weighted: 21.3 %, 20.4-22.3) (V)",
            "%",
            21.3,
            Some((20.4, 22.3)),
            (13.3, 29.3),
            "±8 points: the model's gait as HRS measures it (2.5 m from standing: × 2.5/(2.5 + L), L = gait.static_start_lost_distance 0.55 m); the allowance, written for the protocol itself before it was measured, covers part of L's range (0.3-0.9 m moves a measured 0.6 m/s between model speeds of 0.67 and 0.82; at 0.9 m the target fails, docs/validation.md) and what the measurement leaves out (timing from the command at home); sexes weighted 0.43/0.57 (A)",
        ),
        estimate(n, |it| {
            share_both(l, it, 0.57, (65, 94), |s| measured_gait(s.gait, HRS, lost) < 0.6)
        }),
    ));
    rows.push(judge(
        spec(
            "do-health-fnih".into(),
            "FNIH sarcopenia (grip < 26 / 16 kg and ALM/BMI < 0.789 / 0.512), both sexes 70-84 (63 % women) eligible for DO-HEALTH, %".into(),
            "Stuck 2023, J Nutr Health Aging 27:205 (DO-HEALTH, 1,495 adults ≥ 70: FNIH definition on muscle mass and strength 1.0 %) (V; which FNIH variant is 'FNIH2' P)",
            "%",
            1.0,
            None,
            (0.5, 4.0),
"÷ 2 to × 4: computed on the simulated persons DO-HEALTH would have enrolled (no cancer, no heart failure: measures::DO_HEALTH); the trial's mobility and cognition criteria and its volunteers' health are not selected, so the simulated figure is still expected above it; ages 70-84 stand for 74.9 ± 4.4 (A)",
        ),
        estimate(n, |it| share_eligible(l, it, 0.633, (70, 84), DO_HEALTH_RULE, |s| s.fnih)),
    ));
}

/// Lean mass gained on testosterone vs placebo in 12 months (ALM ÷ 0.5), men eligible at
/// the start (total testosterone below 19.1 nmol/L), alive at 12 months in both arms.
fn testosterone(t: &[Vec<Life>], rows: &mut Vec<Row>) {
    let n = t[0].len();
    rows.push(judge(
        Spec {
            id: "age2015-testosterone-lean".into(),
            measure: "lean mass gain vs placebo after 12 months of testosterone, men 60-80 ≤ 550 ng/dL (ALM ÷ 0.5), kg".into(),
            source: "Age (Dordr) 2015, 37:9742: 8 placebo-controlled RCTs in men > 60 with total testosterone ≤ 550 ng/dL, lean mass +3.59 kg (2.38-4.81), trials ranging 1.65-6.20 kg, I² = 98 % (V)",
            design: "testosterone-trial",
            unit: "kg",
            published: 3.59,
            interval: Some((2.38, 4.81)),
            accept: (1.65, 6.20),
            reason: "the range of the trials' own estimates: with I² = 98 % the pooled CI does not describe one trial, which is what the design simulates",
            role: Role::Independent,
        },
        estimate(n, |it| {
            testosterone_alm_gain(t, it).0 / ALM_SHARE_OF_LEAN
        }),
    ));
}

/// On the testosterone-trial design: the ALM gained on testosterone minus that gained on
/// placebo in 12 months (kg), and the mean starting ALM, over the men of `persons`
/// eligible at the start (total testosterone below 19.1 nmol/L) and alive at 12 months
/// in both arms.
pub(super) fn testosterone_alm_gain(
    t: &[Vec<Life>],
    persons: impl Iterator<Item = usize>,
) -> (f64, f64) {
    const CUT: f64 = 19.1;
    let ids: Vec<usize> = persons
        .filter(|&i| t[0][i][0].testosterone < CUT && t.iter().all(|a| a[i][1].alive))
        .collect();
    let gain = |arm: usize| mean(ids.iter().map(|&i| t[arm][i][1].alm - t[arm][i][0].alm));
    let base = mean(ids.iter().map(|&i| t[0][i][0].alm));
    (gain(1) - gain(0), base)
}
