//! The living records of a design that follows persons from a fixed age with one record
//! per year of age: the selections that every age-banded target of such a design makes
//! (the life-course design from 30, the non-US design from 60).

use super::sim::{Life, Snap};
use super::stats::percent;

/// The living records of `sex` (both when `None`) at ages lo..=hi of a design whose
/// first record is at age `start`.
pub(super) fn living<'a>(
    start: u32,
    lives: &'a [Life],
    it: &'a mut dyn Iterator<Item = usize>,
    sex: Option<bool>,
    (lo, hi): (u32, u32),
) -> impl Iterator<Item = Snap> + 'a {
    let ks = (lo - start) as usize..=(hi - start) as usize;
    it.flat_map(move |i| {
        let l = &lives[i];
        ks.clone()
            .filter_map(move |k| l.get(k).copied())
            .filter(move |s| s.alive && sex.is_none_or(|f| s.female == f))
    })
}

/// Share (%) of the living records of one sex at ages lo..=hi for which `flag` holds.
pub(super) fn share(
    start: u32,
    l: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    female: bool,
    ages: (u32, u32),
    flag: impl Fn(&Snap) -> bool,
) -> f64 {
    percent(living(start, l, it, Some(female), ages).map(|s| flag(&s)))
}

/// A share over both sexes, each sex weighted as in the published sample (`women` share).
pub(super) fn share_both(
    start: u32,
    l: &[Life],
    it: &mut dyn Iterator<Item = usize>,
    women: f64,
    ages: (u32, u32),
    flag: impl Fn(&Snap) -> bool + Copy,
) -> f64 {
    let ids: Vec<usize> = it.collect();
    let m = share(start, l, &mut ids.iter().copied(), false, ages, flag);
    let w = share(start, l, &mut ids.iter().copied(), true, ages, flag);
    (1.0 - women) * m + women * w
}
