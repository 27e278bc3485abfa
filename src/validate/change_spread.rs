//! Spread of within-person change (issue 12, eighth set): how much persons differ in how
//! fast they lose muscle and strength, read as the studies read it — two measurements of
//! each survivor, each with its own error.
//!
//! ALM is measured by DXA with a relative error ([`DXA_CV`]), grip with an additive one
//! ([`GRIP_SEM_KG`]); the errors are normal draws keyed by (person, record)
//! ([`Process::Measurement`]), so every run reads the same. Targets, tolerances, reasons and
//! the measurement models were declared in docs/validation.md ("Spread of within-person
//! change") before the first run that computed them.

use super::sim::{Life, Snap};
use super::stats::{correlation, estimate, quantile, sd};
use super::{judge, Role, Row, Runs, Spec};
use crate::rng::{self, Process};
use rand::Rng;
use rand_distr::StandardNormal;

const AGEING: &str = "ageing-from-50";
/// Age at the first record of `ageing-from-50`.
const AGEING_START: u32 = 50;
/// DXA precision of ALM, coefficient of variation (U: the usual 1-2 %).
pub const DXA_CV: f64 = 0.015;
/// Test-retest standard error of one grip measurement, kg (0.80-1.26 kg, Ir J Med Sci
/// 2021;190:1625, V).
pub const GRIP_SEM_KG: f64 = 1.0;
/// Seed of the measurement errors (any fixed value: the errors are a property of the
/// design, not of a run).
const ERROR_SEED: u64 = 0x5eed_e770;

/// The standard normal error of person `i`'s measurement at record `k`; ALM and grip
/// draw from the same stream in a fixed order.
fn errors(i: usize, k: usize) -> (f64, f64) {
    let mut r = rng::stream(ERROR_SEED, k as u32, i as u64, Process::Measurement);
    (r.sample(StandardNormal), r.sample(StandardNormal))
}

/// What a study measures of a person at a record.
#[derive(Clone, Copy, Debug)]
struct Measured {
    alm: f64,
    grip: f64,
}

fn measured(s: &Snap, i: usize, k: usize) -> Measured {
    let (e_alm, e_grip) = errors(i, k);
    Measured {
        alm: s.own_alm * (DXA_CV * e_alm).exp(),
        grip: s.own_grip + GRIP_SEM_KG * e_grip,
    }
}

/// Each survivor's yearly change from `a0` to `a1` (persons of `sex`, both when `None`),
/// as `change(start, end, years)` reads two measurements.
fn changes<'a, T>(
    lives: &'a [Life],
    it: &'a mut dyn Iterator<Item = usize>,
    sex: Option<bool>,
    (a0, a1): (u32, u32),
    change: impl Fn(Measured, Measured, f64) -> T + 'a,
) -> impl Iterator<Item = T> + 'a {
    let (k0, k1) = ((a0 - AGEING_START) as usize, (a1 - AGEING_START) as usize);
    let years = f64::from(a1 - a0);
    it.filter_map(move |i| Some((i, *lives[i].get(k0)?, *lives[i].get(k1)?)))
        .filter(move |(_, a, b)| a.alive && b.alive && sex.is_none_or(|s| b.female == s))
        .map(move |(i, a, b)| change(measured(&a, i, k0), measured(&b, i, k1), years))
}

/// Yearly loss of measured ALM, %/yr.
fn alm_loss(a: Measured, b: Measured, years: f64) -> f64 {
    -100.0 * (b.alm / a.alm).ln() / years
}

/// Yearly change of measured grip, kg/yr.
fn grip_change(a: Measured, b: Measured, years: f64) -> f64 {
    (b.grip - a.grip) / years
}

/// Correlation of each survivor's measured grip at `a0` and `a1`, persons of one sex.
fn grip_tracking(
    lives: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    female: bool,
    ages: (u32, u32),
) -> f64 {
    correlation(changes(lives, it, Some(female), ages, |a, b, _| {
        (a.grip, b.grip)
    }))
}

pub fn targets(r: &Runs, rows: &mut Vec<Row>) {
    tracking(&r.ageing, rows);
    westbury_iqr(&r.ageing, rows);
    wiegmann_sd(&r.ageing, rows);
    grip_sds(&r.ageing, rows);
}

/// Grip's tracking: the fit targets of the fluctuation of strength (`model::strength`).
fn tracking(a: &[Life], rows: &mut Vec<Row>) {
    rows.push(judge(
        Spec {
            id: "rantanen-grip-tracking-27y-m".into(),
            measure: "correlation of men's measured grip at 57 and 84".into(),
            source: "Rantanen 1998, J Appl Physiol 85:2047 (Honolulu Heart Program, 3,741 men 45-68 at baseline, 27 years: age-adjusted r = 0.557) (V)",
            design: AGEING,
            unit: "r",
            published: 0.557,
            interval: None,
            accept: (0.50, 0.61),
            reason: "±0.055: SE of r ≈ (1 − r²)/√n = 0.011, and the source's baseline ages 45-68 against one age (A)",
            role: Role::Fit,
        },
        estimate(a.len(), |it| grip_tracking(a, it, false, (57, 84))),
    ));
    rows.push(judge(
        Spec {
            id: "healthabc-grip-tracking-9y".into(),
            measure: "correlation of measured grip at 75 and 84, the mean of men's and women's".into(),
            source: "Westbury 2020, Calcif Tissue Int 106:616 (Health ABC, 2,917 aged 70-79, 9 years: the baseline explained 39-52 % of the variation at follow-up of grip and gait speed, by sex (V); r 0.62-0.72, D)",
            design: AGEING,
            unit: "r",
            published: 0.67,
            interval: Some((0.62, 0.72)),
            accept: (0.60, 0.74),
            reason: "the published range (grip and gait by sex together), widened by 0.02 for sampling",
            role: Role::Fit,
        },
        estimate(a.len(), |it| {
            let ids: Vec<usize> = it.collect();
            let r = |female| grip_tracking(a, &mut ids.iter().copied(), female, (75, 84));
            (r(false) + r(true)) / 2.0
        }),
    ));
}

/// Interquartile range of the yearly ALM loss over 9 years from 75 (Health ABC).
fn westbury_iqr(a: &[Life], rows: &mut Vec<Row>) {
    rows.push(judge(
        Spec {
            id: "westbury-alm-loss-iqr".into(),
            measure: "interquartile range of persons' yearly loss of DXA ALM, 75-84, both sexes, %/yr".into(),
            source: "Westbury 2020, Calcif Tissue Int 106:616 (Health ABC, 2,917 aged 70-79, DXA, 9 years: median 0.7 %/yr, quartiles 0.1 and 1.4) (V)",
            design: AGEING,
            unit: "%/yr",
            published: 1.3,
            interval: None,
            accept: (1.0, 1.6),
            reason: "±0.3 (≈ ±23 %): sampling SE of each quartile ≈ 0.04; the DXA precision range (1-2 %) moves the model's IQR by ≈ ±0.05; pooled sexes and survivors measured at year 9 against a followed cohort",
            role: Role::Independent,
        },
        estimate(a.len(), |it| {
            let v: Vec<f64> = changes(a, it, None, (75, 84), alm_loss).collect();
            quantile(v.iter().copied(), 0.75) - quantile(v.into_iter(), 0.25)
        }),
    ));
}

/// SD of women's yearly change of ALM/height² at baseline height over 6 years (Berlin).
fn wiegmann_sd(a: &[Life], rows: &mut Vec<Row>) {
    for (band, from, published, n) in [
        ("50s", 55u32, 0.88, 40.0),
        ("60s", 65, 0.80, 35.0),
        ("70plus", 75, 0.81, 30.0),
    ] {
        let half = 2.0 * published / f64::sqrt(2.0 * (n - 1.0)) + 0.06;
        rows.push(judge(
            Spec {
                id: format!("wiegmann-almi-loss-sd-{band}-w"),
                measure: format!(
                    "SD of women's yearly change of DXA ALM/height² at baseline height, {from}-{}, %/yr",
                    from + 6
                ),
                source: "Wiegmann 2021, J Musculoskelet Neuronal Interact 21:13, Table 2 (Berlin, women, DXA, 6 years: SDs 0.88 (50-59, n 40), 0.80 (60-69, n 35), 0.81 %/yr (70+, n 30)) (V)",
                design: AGEING,
                unit: "%/yr",
                published,
                interval: None,
                accept: (published - half, published + half),
                reason: "±(2 SE of an SD, SD/√(2(n−1)), + 0.06 for the DXA precision range 1-2 %); for 70+ the baseline age A: 75",
                role: Role::Independent,
            },
            estimate(a.len(), |it| sd(changes(a, it, Some(true), (from, from + 6), alm_loss))),
        ));
    }
}

/// SD of persons' yearly change of grip: Hertfordshire 67-76, Newcastle 85-90, Leiden 85-89.
fn grip_sds(a: &[Life], rows: &mut Vec<Row>) {
    const HERTS: &str = "Syddall 2017, Age Ageing 46:407 (Hertfordshire Ageing Study, 292 men and women measured at 67 and 76: annualised change men −0.12 kg/y (SD 0.71), women +0.08 (SD 0.54)) (V)";
    const NEWCASTLE: &str = "Granic 2016, PLoS One 11:e0163183 (Newcastle 85+, 5-year change of survivors: men −5.27 ± 4.90 kg, n 106; women −3.14 ± 3.41 kg, n 185) (V; per year D)";
    const LEIDEN: &str = "Ling 2021, Aging Clin Exp Res 33:1307 (Leiden 85-plus, grip at 85 and 89: men −6.1 ± 5.2 kg, women −3.4 ± 4.1 kg over 4 years) (V; per year D)";
    for (study, ages, source, published, reason) in [
        ("syddall", (67u32, 76u32), HERTS, [0.71, 0.54], "×/÷ 1.3: 2 SE of an SD of ≈ 146 persons ≈ 12 %; the SEM range (0.8-1.6 kg) ≈ 7 %; a healthy-participant sample (its means near zero)"),
        ("granic", (85, 90), NEWCASTLE, [0.98, 0.68], "×/÷ 1.3: 2 SE of an SD (n 106 / 185) ≈ 14 / 10 %; the SEM range (0.8-1.6 kg) ≈ 10 %; survivors of a population sample"),
        ("ling", (85, 89), LEIDEN, [1.30, 1.03], "×/÷ 1.3: as for Newcastle (survivors' n not in the abstract, A: ≈ 100 per sex); the SEM range ≈ 10 %"),
    ] {
        for (female, published) in [false, true].into_iter().zip(published) {
            let (sex, word) = if female { ("w", "women") } else { ("m", "men") };
            let id = if study == "syddall" {
                format!("syddall-grip-change-sd-{sex}")
            } else {
                format!("{study}-grip-change-sd-85-{sex}")
            };
            rows.push(judge(
                Spec {
                    id,
                    measure: format!(
                        "SD of persons' yearly grip change, {word} {}-{}, kg/yr",
                        ages.0, ages.1
                    ),
                    source,
                    design: AGEING,
                    unit: "kg/yr",
                    published,
                    interval: None,
                    accept: (published / 1.3, published * 1.3),
                    reason,
                    role: Role::Independent,
                },
                estimate(a.len(), |it| sd(changes(a, it, Some(female), ages, grip_change))),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn life(female: bool, alm: [f64; 2], grip: [f64; 2], k: usize) -> Life {
        let mut l = vec![Snap::default(); k + 1];
        for (j, s) in [0, k].into_iter().enumerate() {
            l[s] = Snap {
                alive: true,
                female,
                own_alm: alm[j],
                own_grip: grip[j],
                ..Snap::default()
            };
        }
        l
    }

    #[test]
    fn measured_changes_carry_each_end_s_own_error() {
        // Two identical persons with no true change: their measured changes differ, by
        // errors of the declared sizes.
        let persons: Vec<Life> = (0..4000)
            .map(|_| life(true, [20.0, 20.0], [30.0, 30.0], 9))
            .collect();
        let grip_sd = sd(changes(
            &persons,
            &mut (0..4000),
            None,
            (50, 59),
            grip_change,
        ));
        let expected = std::f64::consts::SQRT_2 * GRIP_SEM_KG / 9.0;
        assert!(
            (grip_sd / expected - 1.0).abs() < 0.05,
            "{grip_sd} vs {expected}"
        );
        let alm_sd = sd(changes(&persons, &mut (0..4000), None, (50, 59), alm_loss));
        let expected = std::f64::consts::SQRT_2 * 100.0 * DXA_CV / 9.0;
        assert!(
            (alm_sd / expected - 1.0).abs() < 0.05,
            "{alm_sd} vs {expected}"
        );
        // The same person and record draw the same error in every call.
        assert_eq!(errors(7, 3), errors(7, 3));
        assert_ne!(errors(7, 3), errors(8, 3));
    }

    #[test]
    fn changes_read_survivors_of_the_sex_asked() {
        let mut persons = vec![
            life(false, [20.0, 18.0], [40.0, 31.0], 9),
            life(true, [15.0, 15.0], [25.0, 25.0], 9),
        ];
        let mut dead = life(false, [20.0, 10.0], [40.0, 0.0], 9);
        dead[9].alive = false;
        persons.push(dead);
        let men: Vec<f64> =
            changes(&persons, &mut (0..3), Some(false), (50, 59), grip_change).collect();
        assert_eq!(men.len(), 1);
        assert!(
            (men[0] + 1.0).abs() < 0.5,
            "true change −1 kg/yr, read {}",
            men[0]
        );
    }
}
