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
/// population the Bohannon norms describe, measured by their protocol ([`BOHANNON_NORMS`]).
pub fn gait_mean(
    lives: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    female: bool,
    lo: u32,
    hi: u32,
) -> f64 {
    // Bohannon's own protocol: the model's gait as it is, whatever the lost distance.
    mean(
        records(lives, it, female, lo, hi)
            .filter(|s| s.chronic <= HEALTHY_MAX_CONDITIONS)
            .map(|s| measured_gait(s.gait, BOHANNON_NORMS, 0.0)),
    )
}

/// How a study's timed walk begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// From standing at the start line (the command "go"), stopping at the finish line:
    /// getting going is inside the timed distance.
    Static,
    /// Walking through an acceleration zone before the timed distance (a rolling start).
    Dynamic,
}

/// A study's gait-speed protocol: the timed distance and how the walk starts. Each gait
/// target names its study's protocol; [`measured_gait`] applies it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GaitProtocol {
    /// Timed distance, m.
    pub distance_m: f64,
    pub start: Start,
    /// What the study did, for the target's label.
    pub label: &'static str,
}

/// The walk the model's gait stands for: Bohannon & Williams Andrews 2011's norms (its fit
/// targets) pool walks of 3-30 m and do not hold "if gait is measured over short distances
/// from the command 'go'" (its abstract, PMID 21820535): a walk without a standing start.
/// The distance is nominal (a rolling start reads the model's gait at any distance).
pub const BOHANNON_NORMS: GaitProtocol = GaitProtocol {
    distance_m: 10.0,
    start: Start::Dynamic,
    label: "walks of 3-30 m without a standing start (the norms the model's gait is fitted to)",
};
/// Health and Retirement Study: a 98.5-inch (2.5 m) course at home, from standing.
pub const HRS: GaitProtocol = GaitProtocol {
    distance_m: 2.5,
    start: Start::Static,
    label: "2.5 m from a standing start at home (HRS)",
};
/// English Longitudinal Study of Ageing: an 8-foot (2.44 m) course at home, from standing.
pub const ELSA: GaitProtocol = GaitProtocol {
    distance_m: 2.44,
    start: Start::Static,
    label: "8 ft (2.44 m) from a standing start at home (ELSA)",
};
/// Studenski 2011's nine cohorts: "all studies used instructions to walk at usual pace and
/// from a standing start", 8 ft to 6 m, converted to a 4-m walk by the authors.
pub const STUDENSKI: GaitProtocol = GaitProtocol {
    distance_m: 4.0,
    start: Start::Static,
    label: "4 m from a standing start (Studenski's conversion of 8 ft-6 m standing-start walks)",
};
/// TMIG-LISA (Seino 2014): usual pace timed over 5 m after an acceleration zone (P).
pub const TMIG_LISA: GaitProtocol = GaitProtocol {
    distance_m: 5.0,
    start: Start::Dynamic,
    label: "5 m after an acceleration zone (TMIG-LISA)",
};

/// Gait speed as `protocol` measures a person whose gait (the model's, a rolling-start
/// walk) is `gait`: unchanged with a rolling start; from standing, the walk over d metres
/// takes as long as d + `lost_distance` metres at the person's speed, so it reads
/// `gait × d / (d + L)` (`gait.static_start_lost_distance`): about 0.12 m/s slower over 4 m
/// at 1 m/s (Krumpoch 2021), more over shorter walks, less for slower walkers.
pub fn measured_gait(gait: f64, protocol: GaitProtocol, lost_distance: f64) -> f64 {
    match protocol.start {
        Start::Dynamic => gait,
        Start::Static => gait * protocol.distance_m / (protocol.distance_m + lost_distance),
    }
}

use crate::scenario::condition_bit::{CANCER, HEART_FAILURE};

/// Who a trial or volunteer cohort enrolled, as a rule on a simulated record: targets from
/// such a sample are computed on the simulated persons it would have enrolled. One rule per
/// sample, named by the targets that use it.
#[derive(Clone, Copy)]
pub struct Eligibility {
    pub name: &'static str,
    /// The published criteria the rule stands for, and what of them the model can see.
    pub source: &'static str,
    pub rule: fn(&sim::Snap) -> bool,
}

/// DO-HEALTH: 2,157 adults ≥ 70 "who had no major health events in the 5 years prior to
/// enrollment and had sufficient mobility and good cognitive status" (Bischoff-Ferrari
/// 2020, JAMA 324:1855, abstract). Of the model's five conditions, cancer and heart failure
/// are such events (A: the model's cancer state stands for a cancer in the last five
/// years, heart failure for the trial's major cardiovascular events); diabetes, CKD and
/// COPD are chronic conditions the abstract does not exclude. Mobility, cognition and the
/// choice to volunteer are not in the model and are not selected.
pub const DO_HEALTH: Eligibility = Eligibility {
    name: "DO-HEALTH",
    source: "Bischoff-Ferrari 2020, JAMA 324:1855 (no major health events in the 5 years before enrolment, sufficient mobility, good cognition): no cancer and no heart failure among the model's conditions (A); mobility and cognition not modelled",
    rule: |s| s.conditions & (HEART_FAILURE | CANCER) == 0,
};

/// Share (%) of `flag` over both sexes (`women` the share of women, as in the sample) among
/// the living records at ages lo..=hi of a yearly design starting at `start` that `who`
/// would have enrolled.
pub fn eligible_share_both(
    start: u32,
    l: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    women: f64,
    ages: (u32, u32),
    who: Eligibility,
    flag: impl Fn(&sim::Snap) -> bool + Copy,
) -> f64 {
    let ids: Vec<usize> = it.collect();
    let sex = |female: bool| {
        percent(
            super::records::living(start, l, &mut ids.iter().copied(), Some(female), ages)
                .filter(|s| (who.rule)(s))
                .map(|s| flag(&s)),
        )
    };
    (1.0 - women) * sex(false) + women * sex(true)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    const FOUR_M_STATIC: GaitProtocol = GaitProtocol {
        distance_m: 4.0,
        start: Start::Static,
        label: "4 m from standing",
    };

    #[test]
    fn do_health_eligibility_filters_cancer_and_heart_failure_only() {
        use crate::scenario::CONDITIONS;
        assert_eq!(CONDITIONS[3], "heart_failure");
        assert_eq!(CONDITIONS[4], "cancer");
        let rec = |conditions: u8, female: bool, flagged: bool| sim::Snap {
            alive: true,
            female,
            conditions,
            // The flag under test: grip below 10 kg.
            grip: if flagged { 5.0 } else { 30.0 },
            ..sim::Snap::default()
        };
        let eligible = |c: u8| (DO_HEALTH.rule)(&rec(c, false, false));
        assert!(eligible(0));
        assert!(eligible(0b0_0111), "diabetes, CKD and COPD stay eligible");
        assert!(!eligible(HEART_FAILURE) && !eligible(CANCER) && !eligible(0b1_1111));
        // Three men at 70: two flagged with cancer or heart failure, one eligible and not
        // flagged; two women, one flagged, both eligible.
        let lives: Vec<Life> = vec![
            vec![rec(CANCER, false, true)],
            vec![rec(HEART_FAILURE | 1, false, true)],
            vec![rec(1, false, false)],
            vec![rec(0, true, true)],
            vec![rec(0b110, true, false)],
        ];
        let flag = |s: &sim::Snap| s.grip < 10.0;
        let share = |women| {
            eligible_share_both(
                70,
                &lives,
                &mut (0..lives.len()),
                women,
                (70, 70),
                DO_HEALTH,
                flag,
            )
        };
        assert_eq!(share(0.0), 0.0, "the flagged men are not eligible");
        assert_eq!(share(1.0), 50.0);
        assert_eq!(share(0.5), 25.0);
    }

    #[test]
    fn a_standing_start_reads_slower_than_a_rolling_one() {
        let lost = Params::central().gait_static_lost;
        // A rolling start reads the model's gait as it is, whatever the lost distance.
        assert_eq!(measured_gait(1.1, BOHANNON_NORMS, lost), 1.1);
        assert_eq!(measured_gait(1.1, TMIG_LISA, lost), 1.1);
        // The table's lost distance gives Krumpoch 2021's 0.12 m/s over 4 m at 1 m/s.
        let four = 1.0 - measured_gait(1.0, FOUR_M_STATIC, lost);
        assert!((four - 0.12).abs() < 0.005, "4-m static offset {four}");
        // A known offset: L = 1 m over 4 m reads 4/5 of the speed.
        assert!((measured_gait(1.0, FOUR_M_STATIC, 1.0) - 0.8).abs() < 1e-12);
        // Shorter walks from standing read slower; slower walkers lose fewer m/s.
        assert!(measured_gait(1.0, HRS, lost) < measured_gait(1.0, STUDENSKI, lost));
        assert!(measured_gait(1.0, ELSA, lost) < measured_gait(1.0, HRS, lost));
        let loss = |v: f64| v - measured_gait(v, HRS, lost);
        assert!(loss(0.5) < loss(1.0) && loss(0.5) > 0.0);
        // No lost distance, no offset.
        assert_eq!(measured_gait(0.9, HRS, 0.0), 0.9);
    }
}
