//! What the targets measure on simulated lives: grip centiles, gait, prevalence by a
//! definition, yearly loss, and the definitions used only to compare with studies.

use super::sim::{self, Life};
use super::stats::{mean, percent, quantile};
use crate::model::life_table::FIRST_AGE;

/// Median grip of the survivors of one sex at `age` in the ageing design.
pub fn grip_quantile(
    lives: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    female: bool,
    age: u32,
    q: f64,
) -> f64 {
    let k = (age as usize) - FIRST_AGE;
    quantile(
        it.map(|i| lives[i][k])
            .filter(|s| s.alive && s.female == female)
            .map(|s| s.grip),
        q,
    )
}

/// The living records of one sex at ages lo..=hi of the ageing design (yearly records from
/// its first age), person by person.
pub fn records<'a>(
    lives: &'a [Life],
    it: &'a mut dyn Iterator<Item = usize>,
    female: bool,
    lo: u32,
    hi: u32,
) -> impl Iterator<Item = sim::Snap> + 'a {
    let ks = (lo as usize - FIRST_AGE)..=(hi as usize - FIRST_AGE);
    it.flat_map(move |i| {
        let l = &lives[i];
        ks.clone()
            .filter_map(move |k| l.get(k).copied())
            .filter(move |s| s.alive && s.female == female)
    })
}

/// Most chronic conditions of a person in the healthy-volunteer subgroup that gait norms
/// describe (A: volunteers "without conditions affecting gait" still carry one condition).
pub const HEALTHY_MAX_CONDITIONS: u8 = 1;

/// Mean gait speed of one sex pooled over the yearly records at ages lo..=hi, among the
/// healthy-volunteer subgroup (at most [`HEALTHY_MAX_CONDITIONS`] chronic conditions): the
/// population the Bohannon norms describe.
pub fn gait_mean(
    lives: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    female: bool,
    lo: u32,
    hi: u32,
) -> f64 {
    mean(
        records(lives, it, female, lo, hi)
            .filter(|s| s.chronic <= HEALTHY_MAX_CONDITIONS)
            .map(|s| s.gait),
    )
}

/// Prevalence (%) in one sex pooled over records at ages lo..=hi of the ageing design.
pub fn prevalence(
    lives: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    female: bool,
    lo: u32,
    hi: u32,
    flag: fn(&sim::Snap) -> bool,
) -> f64 {
    percent(records(lives, it, female, lo, hi).map(|s| flag(&s)))
}

/// EWGSOP1 (Cruz-Jentoft 2010, Age Ageing 39:412): low muscle (ALM/height² ≤ 7.26 /
/// 5.5 kg/m², Baumgartner) with low grip (< 30 / < 20 kg) or slow gait (≤ 0.8 m/s). Used
/// only to compare with studies that applied it.
pub fn ewgsop1(s: &sim::Snap) -> bool {
    let (almi, grip) = if s.female { (5.5, 20.0) } else { (7.26, 30.0) };
    s.almi <= almi && (s.grip < grip || s.gait <= 0.8)
}

/// ALM/height² below Gould 2013's T −2 cut-offs (6.94 men, 5.30 women, kg/m²).
pub fn below_gould_t2(s: &sim::Snap) -> bool {
    s.almi < if s.female { 5.30 } else { 6.94 }
}

/// Wilson 95 % interval (%) of a proportion `p` observed in `n` persons.
pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    let z = 1.959_964_f64;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (100.0 * (centre - half), 100.0 * (centre + half))
}

pub fn ewgsop2_confirmed(s: &sim::Snap) -> bool {
    s.ewgsop2 >= crate::model::classify::CONFIRMED
}

/// Mean yearly % loss of `f` among persons of `sex` alive at record `k1`, from `k0`.
pub fn yearly_loss(
    lives: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    sex: Option<bool>,
    k0: usize,
    k1: usize,
    f: fn(&sim::Snap) -> f64,
) -> f64 {
    let years = (k1 - k0) as f64;
    mean(
        it.map(|i| (lives[i][k0], lives[i][k1]))
            .filter(|(_, b)| b.alive && sex.is_none_or(|f| b.female == f))
            .map(|(a, b)| -100.0 * (f(&b) / f(&a)).ln() / years),
    )
}

/// AWGS 2014 (Chen 2014, J Am Med Dir Assoc 15:95): ALM/height² < 7.0 / 5.4 kg/m² (DXA)
/// with grip < 26 / 18 kg or gait ≤ 0.8 m/s. Used only to compare with studies that
/// applied it.
pub fn awgs2014(s: &sim::Snap) -> bool {
    let (almi, grip) = if s.female { (5.4, 18.0) } else { (7.0, 26.0) };
    s.almi < almi && (s.grip < grip || s.gait <= 0.8)
}

/// IWGS (Fielding 2011, J Am Med Dir Assoc 12:249): gait < 1.0 m/s with ALM/height²
/// ≤ 7.23 / 5.67 kg/m².
pub fn iwgs(s: &sim::Snap) -> bool {
    s.gait < 1.0 && s.almi <= if s.female { 5.67 } else { 7.23 }
}

/// FNIH with absolute ALM ("FNIH1", Studenski 2014, J Gerontol A 69:547): grip < 26 /
/// 16 kg with ALM < 19.75 / 15.02 kg.
pub fn fnih_alm(s: &sim::Snap) -> bool {
    let (grip, alm) = if s.female {
        (16.0, 15.02)
    } else {
        (26.0, 19.75)
    };
    s.grip < grip && s.alm < alm
}

/// Low muscle alone after Baumgartner 1998 (Am J Epidemiol 147:755): ALM/height² < 7.26 /
/// 5.45 kg/m².
pub fn baumgartner(s: &sim::Snap) -> bool {
    s.almi < if s.female { 5.45 } else { 7.26 }
}
