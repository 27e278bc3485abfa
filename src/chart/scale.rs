//! Axis scales: round tick values covering the data, their labels, and the mapping from
//! data to pixels.

/// Round tick values covering `lo..=hi`: the step of 1, 2, 2.5 or 5 times a power of ten
/// whose interval count is nearest `n`, the first and last ticks at or beyond the data.
/// A single value gets a unit-wide range around it; no finite value, `0..=1`.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) if lo <= hi => (lo, hi),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (true, true) => (hi, lo),
        (false, false) => (0.0, 1.0),
    };
    let (lo, hi) = if hi - lo <= f64::EPSILON * hi.abs().max(1.0) * 16.0 {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    } else {
        (lo, hi)
    };
    let n = n.max(1);
    let mag = 10f64.powf(((hi - lo) / n as f64).log10().floor());
    let bounds = |step: f64| ((lo / step).floor(), (hi / step).ceil());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .min_by_key(|step| {
            let (first, last) = bounds(*step);
            ((last - first) as i64 - n as i64).abs()
        })
        .unwrap_or(mag);
    let (first, last) = bounds(step);
    // Rounded to the step's decimals (0.6, not 0.6000000000000001).
    let scale = 10f64.powi((2.0 - step.log10().floor()).clamp(0.0, 15.0) as i32);
    (0..=(last - first) as usize)
        .map(|i| {
            let v = ((first + i as f64) * step * scale).round() / scale;
            // No "-0" tick.
            if v == 0.0 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// A tick label with as many decimals as the step needs, thousands separated by commas.
pub fn tick_label(v: f64, step: f64) -> String {
    let decimals = (0..6)
        .find(|d| {
            let scaled = step.abs() * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6) as usize;
    let text = format!("{v:.decimals$}");
    if decimals > 0 || v.abs() < 10_000.0 {
        return text;
    }
    let (sign, digits) = text.split_at(usize::from(text.starts_with('-')));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A linear map from the span of `ticks` to pixels `from..to` (`to` < `from` for a y axis).
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub from: f64,
    pub to: f64,
}

impl Scale {
    pub fn of(ticks: &[f64], from: f64, to: f64) -> Self {
        Scale {
            lo: ticks[0],
            hi: ticks[ticks.len() - 1],
            from,
            to,
        }
    }

    pub fn px(&self, v: f64) -> f64 {
        self.from + (v - self.lo) / (self.hi - self.lo).max(1e-12) * (self.to - self.from)
    }
}

/// The extent of finite values (`None` when there is none).
pub fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Ticks of an optional extent.
pub fn ticks_of(e: Option<(f64, f64)>, n: usize) -> Vec<f64> {
    let (lo, hi) = e.unwrap_or((f64::NAN, f64::NAN));
    nice_ticks(lo, hi, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        assert_eq!(
            nice_ticks(60.0, 94.0, 6),
            vec![60.0, 65.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0]
        );
        let t = nice_ticks(0.87, 1.41, 5);
        assert_eq!(t.first(), Some(&0.8));
        assert!(*t.last().unwrap() >= 1.41);
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        let t = nice_ticks(-350.0, 1200.0, 5);
        assert!(t[0] <= -350.0 && *t.last().unwrap() >= 1200.0, "{t:?}");
        assert!(
            t.contains(&0.0),
            "a range across zero has a zero tick: {t:?}"
        );
        assert!(t.iter().all(|v| !(v.is_sign_negative() && *v == 0.0)));
    }

    #[test]
    fn degenerate_ranges_still_get_ticks() {
        let one = nice_ticks(5.0, 5.0, 5);
        assert!(
            one.len() >= 2 && one[0] < 5.0 && *one.last().unwrap() > 5.0,
            "{one:?}"
        );
        let zero = nice_ticks(0.0, 0.0, 5);
        assert!(zero[0] <= -1.0 && *zero.last().unwrap() >= 1.0, "{zero:?}");
        assert_eq!(nice_ticks(f64::NAN, f64::NAN, 5).first(), Some(&0.0));
        assert_eq!(nice_ticks(f64::NAN, f64::NAN, 5).last(), Some(&1.0));
        assert_eq!(extent([f64::NAN, 3.0, 1.0].into_iter()), Some((1.0, 3.0)));
        assert_eq!(extent([f64::NAN].into_iter()), None);
    }

    #[test]
    fn labels_have_the_decimals_of_the_step() {
        assert_eq!(tick_label(0.25, 0.25), "0.25");
        assert_eq!(tick_label(0.9, 0.1), "0.9");
        assert_eq!(tick_label(75.0, 5.0), "75");
        assert_eq!(tick_label(50_000.0, 10_000.0), "50,000");
        assert_eq!(tick_label(-125_000.0, 25_000.0), "-125,000");
        assert_eq!(tick_label(2500.0, 500.0), "2500");
    }

    #[test]
    fn the_scale_maps_the_tick_span_onto_the_pixels() {
        let s = Scale::of(&[0.0, 10.0], 100.0, 0.0);
        assert_eq!(s.px(0.0), 100.0);
        assert_eq!(s.px(10.0), 0.0);
        assert_eq!(s.px(2.5), 75.0);
    }
}
