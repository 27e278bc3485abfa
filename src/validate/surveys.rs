//! Independent targets of issue 12 from population surveys and community cohorts, second
//! set: low ALM/height² by age band and sex (New Mexico Elder Health Survey), weak and
//! intermediate grip by FNIH cut-offs in a national survey (NHANES 2011-2012), probable
//! sarcopenia at 65-93 (KORA-Age), grip lost per year from 50 to 85 (Danish surveys) and
//! the share of older adults walking at least 1.2 m/s (ELSA). None of these sources sets a
//! parameter or enters the calibration objective; each tolerance and its reason were
//! committed before the first run that computed it. All run on the life-course design.

use super::dynamometer::{factor, protocol};
use super::independent::{share, share_both, spec, LIFE_START};
use super::measures::{measured_gait, ELSA};
use super::sim::Life;
use super::stats::{estimate, mean};
use super::{judge, Row, Runs};

const SEX: [&str; 2] = ["men", "women"];

/// Every target of this module, in table order.
pub fn targets(r: &Runs, rows: &mut Vec<Row>) {
    low_almi_by_age(&r.life, rows);
    nhanes_grip(&r.life, rows);
    probable_sarcopenia(&r.life, rows);
    grip_loss_per_year(&r.life, &r.params, rows);
    fast_gait(&r.life, r.params.gait_static_lost, rows);
}

/// 95 % binomial half-width (percentage points) of a share `p` % observed in `n` persons.
fn binomial_half_width(p: f64, n: f64) -> f64 {
    1.96 * (p * (100.0 - p) / n).sqrt()
}

const BAUMGARTNER: &str = "Baumgartner 1998, Am J Epidemiol 147:755 (New Mexico Elder Health Survey, 808 Hispanic and non-Hispanic white adults ≥ 65; appendicular skeletal muscle mass from an equation calibrated on a DXA substudy; < 2 SD below the young Rosetta Study mean: 7.26 / 5.45 kg/m²) (V: 13-24 % under 70, > 50 % over 80; P: the ranges by sex and band, Hispanic to non-Hispanic white, as tabulated in PMC3060646 Table 1)";

/// Share with ALM/height² below Baumgartner's cut-offs at 65-69 and at ≥ 80, by sex.
fn low_almi_by_age(l: &[Life], rows: &mut Vec<Row>) {
    let n = l.len();
    // (female, ages, band label, published range lo, hi %)
    let cells = [
        (false, (65, 69), "65-69", 13.5, 16.9),
        (true, (65, 69), "65-69", 23.1, 24.1),
        (false, (80, 94), "80", 52.6, 57.6),
        (true, (80, 94), "80", 43.2, 60.0),
    ];
    for (female, ages, band, lo, hi) in cells {
        let sex = usize::from(female);
        let cut = if female { 5.45 } else { 7.26 };
        rows.push(judge(
            spec(
                format!("baumgartner-low-almi-{band}-{}", &SEX[sex][..1]),
                format!(
                    "ALM/height² < {cut} kg/m² (Baumgartner), {} {}-{}, %",
                    SEX[sex], ages.0, ages.1
                ),
                BAUMGARTNER,
                "%",
                (lo + hi) / 2.0,
                Some((lo, hi)),
                (
                    lo - binomial_half_width(lo, 60.0),
                    hi + binomial_half_width(hi, 60.0),
                ),
                "the range between the two ethnic groups widened by a 95 % binomial half-width for ≈ 60 persons per sex and age band (808 persons in 8 cells, fewer at ≥ 80; A); muscle from an anthropometric equation (SEE ≈ 2 kg) calibrated on Lunar DXA, the scale of the model's ALM",
            ),
            estimate(n, |it| share(l, it, female, ages, |s| s.almi < cut)),
        ));
    }
}

const LOOKER: &str = "Looker & Wang 2015, NCHS Data Brief No. 179 (NHANES 2011-2012, US adults ≥ 60, maximum grip of either hand, Takei digital dynamometer; FNIH cut-offs: weak < 26 / 16 kg, intermediate 26-31.9 / 16-19.9 kg) (V: 5 % weak, 13 % intermediate at ≥ 60; P: at ≥ 80 reduced strength 46 % men, 58 % women, from an APTA summary of the brief)";

/// FNIH strength classes in NHANES 2011-2012: weak and intermediate at ≥ 60, reduced
/// (weak or intermediate) at ≥ 80 by sex.
fn nhanes_grip(l: &[Life], rows: &mut Vec<Row>) {
    let n = l.len();
    let weak = |s: &super::sim::Snap| s.grip < if s.female { 16.0 } else { 26.0 };
    let reduced = |s: &super::sim::Snap| s.grip < if s.female { 20.0 } else { 32.0 };
    rows.push(judge(
        spec(
            "looker-weak-grip-60".into(),
            "grip < 26 / 16 kg (FNIH weak), both sexes ≥ 60 (60-94, 55 % women), %".into(),
            LOOKER,
            "%",
            5.0,
            None,
            (5.0 / 1.5, 5.0 * 1.5),
            "×/÷ 1.5: published as a whole per cent (4.5-5.5) with a survey SE ≈ 0.6 points; a Takei digital dynamometer, not the Jamar-type instruments of the model's grip references; the US age structure of 2011 (younger than a stationary population) vs ours; women's share 55 % (A)",
        ),
        estimate(n, |it| share_both(l, it, 0.55, (60, 94), weak)),
    ));
    rows.push(judge(
        spec(
            "looker-intermediate-grip-60".into(),
            "grip 26-32 / 16-20 kg (FNIH intermediate), both sexes ≥ 60 (60-94, 55 % women), %"
                .into(),
            LOOKER,
            "%",
            13.0,
            None,
            (13.0 / 1.4, 13.0 * 1.4),
            "×/÷ 1.4: as for the weak class, less rounding error relative to the share",
        ),
        estimate(n, |it| {
            share_both(l, it, 0.55, (60, 94), |s| reduced(s) && !weak(s))
        }),
    ));
    for (female, v) in [(false, 46.0), (true, 58.0)] {
        let sex = usize::from(female);
        rows.push(judge(
            spec(
                format!("looker-reduced-grip-80-{}", &SEX[sex][..1]),
                format!(
                    "grip < {} kg (FNIH weak or intermediate), {} ≥ 80 (80-94), %",
                    if female { 20 } else { 32 },
                    SEX[sex]
                ),
                LOOKER,
                "%",
                v,
                None,
                (v - 10.0, v + 10.0),
                "±10 points: ≈ 2 survey SEs for roughly 200 persons of that sex aged ≥ 80 (n not in the brief, A), plus the dynamometer",
            ),
            estimate(n, |it| share(l, it, female, (80, 94), reduced)),
        ));
    }
}

/// EWGSOP2 probable sarcopenia (weak grip alone) at 65-93 in KORA-Age.
fn probable_sarcopenia(l: &[Life], rows: &mut Vec<Row>) {
    let n = l.len();
    rows.push(judge(
        spec(
            "huemer-probable-sarcopenia-65".into(),
            "grip < 27 / 16 kg (EWGSOP2 probable sarcopenia), both sexes 65-93, %".into(),
            "Huemer 2023, Age Ageing 52:afac324 (KORA-Age, Augsburg, 1,012 community-dwelling adults 65-93: age-standardised prevalence of grip below the EWGSOP2 cut-offs 11.7 %) (V)",
            "%",
            11.7,
            None,
            (11.7 / 1.5, 11.7 * 1.5),
            "×/÷ 1.5: n = 1,012 (SE ≈ 1 point); age-standardised to a standard population the abstract does not name (A: our stationary population instead); sexes weighted equally (A)",
        ),
        estimate(n, |it| {
            share_both(l, it, 0.5, (65, 93), |s| s.grip < if s.female { 16.0 } else { 27.0 })
        }),
    ));
}

/// Mean grip lost per year between consecutive yearly records of survivors at ages
/// lo..hi (a person-year counts when the person is alive at both records).
fn grip_lost_per_year(
    l: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    female: bool,
    lo: u32,
    hi: u32,
) -> f64 {
    let ks = (lo - LIFE_START) as usize..(hi - LIFE_START) as usize;
    mean(it.flat_map(|i| {
        let life = &l[i];
        ks.clone().filter_map(move |k| {
            let (a, b) = (life.get(k)?, life.get(k + 1)?);
            (a.alive && b.alive && a.female == female).then_some(a.own_grip - b.own_grip)
        })
    }))
}

/// Grip lost per year from 50 to 85 (Danish population surveys), in grip as the surveys
/// measured it ([`super::dynamometer::DANISH`]: a Smedley dynamometer; a constant factor
/// scales the loss in kg).
fn grip_loss_per_year(l: &[Life], p: &crate::params::Params, rows: &mut Vec<Row>) {
    let n = l.len();
    for (female, v, tol) in [(false, 0.59, 0.15), (true, 0.31, 0.08)] {
        let sex = usize::from(female);
        let id = format!("frederiksen-grip-loss-50-85-{}", &SEX[sex][..1]);
        let danish = factor(protocol(&id), p);
        rows.push(judge(
            spec(
                id,
                format!("grip lost per year by survivors aged 50-85, {}, kg/yr", SEX[sex]),
                "Frederiksen 2006, Ann Epidemiol 16:554 (three Danish nationwide surveys, 8,342 persons aged 46-102, up to 4 years of follow-up: almost linear decline from 50 to 85, men 0.59 (SE 0.02) kg/yr, women 0.31 (0.01) kg/yr) (V)",
                "kg/yr",
                v,
                Some((v - 0.04, v + 0.04)),
                (v - tol, v + tol),
                "≈ ±25 %: the model's grip as the Danish surveys measured it (a Smedley dynamometer: × grip.smedley_per_jamar 0.925, pooled from Benton 2022 and Lessof 2023, which scales the loss in kg); the allowance, written before the conversion, covers the factor's range (0.855-1.0, the two method comparisons), the SE (negligible), the estimate joining cross-sectional and 4-year longitudinal information (birth-cohort differences enter) and a line fitted to a decline that accelerates",
            ),
            estimate(n, |it| danish * grip_lost_per_year(l, it, female, 50, 85)),
        ));
    }
}

/// Share of older adults walking at least 1.2 m/s as ELSA measures it (`lost` is
/// `gait.static_start_lost_distance`).
fn fast_gait(l: &[Life], lost: f64, rows: &mut Vec<Row>) {
    let n = l.len();
    rows.push(judge(
        spec(
            "webb-gait-1-2-60".into(),
            format!("gait speed ≥ 1.2 m/s over {}, both sexes ≥ 60 (60-94, 54 % women), %", ELSA.label),
            "Webb 2017, J Transp Health, PMC5485874 (English Longitudinal Study of Ageing waves 1-7, 31,015 usual-pace walks over 2.4 m by 10,249 adults ≥ 60: 10 % fast enough to cross a road at 1.2 m/s) (V; journal P)",
            "%",
            10.0,
            None,
            (5.0, 20.0),
            "÷ 2 to × 2: the model's gait as ELSA measures it (8 ft from standing: × 2.44/(2.44 + L), L = gait.static_start_lost_distance 0.55 m); the allowance, written for the protocol itself before it was measured, covers part of L's range (0.3-0.9 m moves a measured 1.2 m/s between model speeds of 1.35 and 1.64; at 0.9 m the target fails, docs/validation.md) and what the measurement leaves out (timing from the command at home); measurements pooled over waves, repeated persons; women's share 54 % (A)",
        ),
        estimate(n, |it| {
            share_both(l, it, 0.54, (60, 94), |s| measured_gait(s.gait, ELSA, lost) >= 1.2)
        }),
    ));
}
