//! ALM loss across the age range (issue 12, fifth set): the shape of the age-related loss
//! of muscle mass held to longitudinal DXA at midlife and checked in late life.
//!
//! Every rate is each surviving person's own yearly change, −100 · ln(end/start) / years,
//! averaged (or, for Westbury, its median) over persons, read on the persons' own values
//! (`Snap::own_alm`), not on the cross-sectional view. The model keeps
//! leg lean a fixed share of ALM, so a ratio of leg-lean losses is a ratio of ALM losses.
//! Targets, tolerances and reasons were declared in docs/validation.md ("ALM loss across the
//! age range") before the first run that computed them.

use super::east_asian;
use super::sim::{Life, Snap};
use super::stats::{estimate, mean, quantile};
use super::{judge, Role, Row, Runs, Spec};
use crate::scenario::condition_bit::DIABETES;

const AGEING: &str = "ageing-from-50";
/// Age at the first record of `ageing-from-50`.
const AGEING_START: u32 = 50;
/// The ages read for the Hong Kong cohort over 64 (baseline mean age not in its abstracts,
/// A: 72, recruitment stratified 65-69/70-74/≥ 75), 4 years of follow-up.
const HONG_KONG_AGES: (u32, u32) = (72, 76);

fn sex_word(female: bool) -> &'static str {
    if female {
        "women"
    } else {
        "men"
    }
}

/// Each surviving person's yearly loss of their own ALM from `a0` to `a1`, %/yr, for persons
/// of `sex` (both when `None`) in a design whose first record is at `start`.
fn losses<'a>(
    lives: &'a [Life],
    it: &'a mut dyn Iterator<Item = usize>,
    start: u32,
    sex: Option<bool>,
    (a0, a1): (u32, u32),
) -> impl Iterator<Item = f64> + 'a {
    let (k0, k1) = ((a0 - start) as usize, (a1 - start) as usize);
    let years = f64::from(a1 - a0);
    it.filter_map(move |i| Some((*lives[i].get(k0)?, *lives[i].get(k1)?)))
        .filter(move |(a, b)| a.alive && b.alive && sex.is_none_or(|s| b.female == s))
        .map(move |(a, b): (Snap, Snap)| -100.0 * (b.own_alm / a.own_alm).ln() / years)
}

/// The mean of [`losses`].
fn mean_loss(
    lives: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    start: u32,
    sex: Option<bool>,
    ages: (u32, u32),
) -> f64 {
    mean(losses(lives, it, start, sex, ages))
}

pub fn targets(r: &Runs, rows: &mut Vec<Row>) {
    kitamura(&r.ageing, rows);
    wiegmann(&r.ageing, rows);
    westbury(&r.ageing, rows);
    auyeung(&r.east_asian, rows);
    hong_kong_diabetes(&r.east_asian, rows);
}

/// Men's loss in their 50s and 60s against their 70s (NILS-LSA, 6 years): the shape.
fn kitamura(a: &[Life], rows: &mut Vec<Row>) {
    const LATE: (u32, u32) = (75, 81);
    for (decade, from, published) in [("50s", 55u32, 1.3 / 3.9), ("60s", 65, 1.7 / 3.9)] {
        rows.push(judge(
            Spec {
                id: format!("kitamura-alm-loss-{decade}-vs-70s-m"),
                measure: format!(
                    "men's yearly ALM loss at {from}-{} ÷ at 75-81 (leg lean in the source)",
                    from + 6
                ),
                source: "Kitamura 2014, Geriatr Gerontol Int 14:354 (NILS-LSA, 1,454 aged 40-79, DXA, 6 years; men's leg lean −0.4, −1.3, −1.7, −3.9 % for the 40s to 70s) (V)",
                design: AGEING,
                unit: "ratio",
                published,
                interval: None,
                accept: (published - 0.2, published + 0.2),
                reason: "±0.2: ratio of two 6-year changes of about 180 men each, SE of each ≈ 0.37 % (SD of a 6-year change ≈ 5 %, A), ratio SE ≈ 0.1, ±2 SE; Japanese men: the shape is taken, not the level",
                role: Role::Fit,
            },
            estimate(a.len(), |it| {
                let ids: Vec<usize> = it.collect();
                let men = Some(false);
                let at = |ages| mean_loss(a, &mut ids.iter().copied(), AGEING_START, men, ages);
                at((from, from + 6)) / at(LATE)
            }),
        ));
    }
}

/// Women's yearly loss of ALM/height² by decade (Berlin, 6 years), read as the loss of ALM:
/// in every band of the source's Table 2 the change of ALM/height² equals that of ALM from
/// its leg and arm columns (0.77 · leg + 0.23 · arm) within 0.01 %/yr, so the heights were
/// held at baseline (docs/validation.md, "Criteria chosen after seeing results").
fn wiegmann(a: &[Life], rows: &mut Vec<Row>) {
    for (band, from, published, sd, n, role) in [
        ("50s", 55u32, 0.31, 0.88, 40.0, Role::Fit),
        ("60s", 65, 0.54, 0.80, 35.0, Role::Fit),
        ("70plus", 75, 0.42, 0.81, 30.0, Role::Independent),
    ] {
        let half = 2.0 * sd / f64::sqrt(n);
        rows.push(judge(
            Spec {
                id: format!("wiegmann-almi-loss-{band}-w"),
                measure: format!(
                    "women's yearly loss of ALM/height² at baseline height, {from}-{}, %/yr",
                    from + 6
                ),
                source: "Wiegmann 2021, J Musculoskelet Neuronal Interact 21:13, Table 2 (Berlin, 318 randomly selected healthy persons aged 20-90, DXA, 6 years; women 50-59 −0.31 ± 0.88, 60-69 −0.54 ± 0.80, 70+ −0.42 ± 0.81 %/yr) (V)",
                design: AGEING,
                unit: "%/yr",
                published,
                interval: Some((published - half, published + half)),
                accept: (published - half, published + half),
                reason: if role == Role::Fit {
                    "±2 SE of the published mean (SD/√n)"
                } else {
                    "±2 SE of the published mean (SD/√n); baseline age not given beyond 70+ (A: 75)"
                },
                role,
            },
            estimate(a.len(), |it| {
                mean_loss(a, it, AGEING_START, Some(true), (from, from + 6))
            }),
        ));
    }
}

/// The median yearly ALM loss over 9 years from 70-79 (Health ABC).
fn westbury(a: &[Life], rows: &mut Vec<Row>) {
    rows.push(judge(
        Spec {
            id: "westbury-alm-loss-9y".into(),
            measure: "median of persons' yearly ALM loss, 75-84, both sexes, %/yr".into(),
            source: "Westbury 2020, Calcif Tissue Int 106:616 (Health ABC, 2,917 aged 70-79, DXA, 9 years: median 0.7 %/yr, quartiles 0.1 and 1.4; declines linear) (V)",
            design: AGEING,
            unit: "%/yr",
            published: 0.7,
            interval: None,
            accept: (0.5, 0.9),
            reason: "±0.2 %/yr: a median of 2,917 persons' yearly declines; those measured at year 9 are survivors and healthier than the cohort (A)",
            role: Role::Independent,
        },
        estimate(a.len(), |it| {
            quantile(
                losses(a, it, AGEING_START, None, (75, 84)),
                0.5,
            )
        }),
    ));
}

/// Four-year ALM loss of Hong Kong Chinese over 64 (MrOS/MsOS Hong Kong).
fn auyeung(l: &[Life], rows: &mut Vec<Row>) {
    for (sex, female, published) in [("m", false, 1.59 / 4.0), ("w", true, 2.02 / 4.0)] {
        rows.push(judge(
            Spec {
                id: format!("auyeung-alm-loss-{sex}"),
                measure: format!("yearly ALM loss, {} 72-76, %/yr", sex_word(female)),
                source: "Auyeung 2014, Geriatr Gerontol Int 14 Suppl 1:76 (Hong Kong, 4,000 community-living Chinese over 64, DXA; 3,018 after 4 years: appendicular skeletal mass −1.59 % men, −2.02 % women) (V)",
                design: east_asian::DESIGN,
                unit: "%/yr",
                published,
                interval: None,
                accept: (published - 0.2, published + 0.2),
                reason: "±0.2 %/yr: about 1,500 per sex; baseline mean age not in the abstract (A: 72, recruitment stratified 65-69/70-74/≥ 75); completers healthier",
                role: Role::Independent,
            },
            estimate(l.len(), |it| {
                mean_loss(l, it, east_asian::START, Some(female), HONG_KONG_AGES)
            }),
        ));
    }
}

/// The extra yearly ALM loss with diabetes at baseline, Hong Kong Chinese over 64 (the
/// cohort of Auyeung 2014).
fn hong_kong_diabetes(l: &[Life], rows: &mut Vec<Row>) {
    let k0 = (HONG_KONG_AGES.0 - east_asian::START) as usize;
    for (sex, female, with, without) in [("m", false, 3.0, 1.5), ("w", true, 3.4, 1.9)] {
        let published = (with - without) / 4.0;
        rows.push(judge(
            Spec {
                id: format!("hk-diabetes-extra-alm-loss-{sex}"),
                measure: format!(
                    "yearly ALM loss with diabetes minus without, {} 72-76, %/yr",
                    sex_word(female)
                ),
                source: "Diabet Med 2010;27:1366 (Hong Kong MrOS/MsOS, 3,153 aged ≥ 65 with DXA at baseline and after 4 years: ALM −3.0 % with vs −1.5 % without diabetes in men, −3.4 vs −1.9 % in women) (V)",
                design: east_asian::DESIGN,
                unit: "%/yr",
                published,
                interval: None,
                accept: (published - 0.2, published + 0.2),
                reason: "±0.2 %/yr: group sizes not in the abstract (A: a fifth with diabetes; SE of the difference ≈ 0.07 %/yr with an SD of a 4-year change ≈ 4 %), ±2 SE plus DXA between visits",
                role: Role::Independent,
            },
            estimate(l.len(), |it| {
                let (mut ill, mut well): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
                for i in it {
                    match l[i].get(k0) {
                        Some(s) if s.conditions & DIABETES != 0 => ill.push(i),
                        Some(_) => well.push(i),
                        None => {}
                    }
                }
                let group = |ids: &[usize]| {
                    let ids = &mut ids.iter().copied();
                    mean_loss(l, ids, east_asian::START, Some(female), HONG_KONG_AGES)
                };
                group(&ill) - group(&well)
            }),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A life recorded yearly from 50 whose own ALM falls by `pct` % a year, alive to
    /// `until`.
    fn life(female: bool, pct: f64, until: u32) -> Life {
        (AGEING_START..=90)
            .map(|age| Snap {
                alive: age <= until,
                female,
                own_alm: 20.0 * (1.0 - pct / 100.0).powi((age - AGEING_START) as i32),
                ..Snap::default()
            })
            .collect()
    }

    #[test]
    fn losses_are_each_survivors_own_yearly_change_by_sex() {
        let lives = vec![
            life(false, 1.0, 90),
            life(false, 3.0, 60), // dead at 61: not a survivor of 55-61
            life(true, 0.5, 90),
        ];
        let men = mean_loss(&lives, &mut (0..3), AGEING_START, Some(false), (55, 61));
        let yearly = -100.0 * (0.99f64).ln();
        assert!((men - yearly).abs() < 1e-9, "{men}");
        let all: Vec<f64> = losses(&lives, &mut (0..3), AGEING_START, None, (55, 61)).collect();
        assert_eq!(all.len(), 2);
        let late = mean_loss(&lives, &mut (0..3), AGEING_START, Some(false), (75, 81));
        assert!((late - yearly).abs() < 1e-9);
    }
}
