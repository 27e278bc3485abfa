//! Paired statistics of one draw: every outcome a ratio of per-person sums (a mean has
//! denominator 1; a prevalence among survivors has the survivors as denominator), its
//! standard error from the linearised per-person contributions (delta method), and the
//! paired moments of Δcost, ΔQALY and Δ net monetary benefit against the baseline.
//!
//! The outcomes are streamed (a slice of every arm at a time) and only sums are kept, so
//! memory does not grow with the population; three passes (sums, sums of contributions,
//! squared deviations) keep the arithmetic and its order those of a whole-table computation.

use super::outcome::Metric;
use super::read::{Col, Table};
use crate::error::Result;

/// Runs a callback on every slice of one draw (one table per arm); returns the persons.
pub type Stream<'a> = dyn FnMut(&mut dyn FnMut(&[Table])) -> Result<u64> + 'a;

/// One metric of one arm (level) or of one arm minus the baseline (difference): the sums
/// that give the ratio and the mean and variance of the linearised contributions.
#[derive(Clone, Copy)]
struct Moments {
    /// Σ of the contributions (pass 2), then their mean.
    sum: f64,
    mean: f64,
    /// Σ (contribution − mean)² (pass 3).
    ss: f64,
}

impl Default for Moments {
    fn default() -> Self {
        // `Iterator::sum` of f64 starts from −0.0: the same here, for identical results.
        Self {
            sum: -0.0,
            mean: f64::NAN,
            ss: -0.0,
        }
    }
}

impl Moments {
    /// SE of the mean from `n` contributions.
    fn se(&self, n: u64) -> f64 {
        let n = n as f64;
        if n < 2.0 {
            return f64::NAN;
        }
        (self.ss / (n - 1.0) / n).sqrt()
    }
}

/// One metric of one arm: Σ num, Σ den (pass 1), the ratio and the mean denominator.
#[derive(Clone, Copy)]
struct Ratio {
    sn: f64,
    sd: f64,
    r: f64,
    mean_den: f64,
    level: Moments,
}

impl Default for Ratio {
    fn default() -> Self {
        Self {
            sn: -0.0,
            sd: -0.0,
            r: f64::NAN,
            mean_den: f64::NAN,
            level: Moments::default(),
        }
    }
}

impl Ratio {
    /// Numerator and denominator of person `i`.
    #[inline]
    fn terms(t: &Table, m: &Metric, i: usize) -> (f64, f64) {
        let den = m.den.map_or(1.0, |d| t.at(d)[i]);
        let num = t.at(m.num)[i];
        (if m.num_times_den { num * den } else { num }, den)
    }

    /// Linearised contribution of person `i` (0 when the ratio is undefined).
    #[inline]
    fn z(&self, t: &Table, m: &Metric, i: usize) -> f64 {
        if self.sd <= 0.0 {
            return 0.0;
        }
        let (a, b) = Self::terms(t, m, i);
        (a - self.r * b) / self.mean_den
    }
}

/// Economics of one arm against the baseline: per-person Δcost, ΔQALY, Δ net monetary benefit.
#[derive(Clone, Copy)]
struct Economy {
    sc: f64,
    sq: f64,
    sn: f64,
    mc: f64,
    mq: f64,
    mn: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
    ssn: f64,
}

impl Default for Economy {
    fn default() -> Self {
        Self {
            sc: -0.0,
            sq: -0.0,
            sn: -0.0,
            mc: f64::NAN,
            mq: f64::NAN,
            mn: f64::NAN,
            sxx: 0.0,
            syy: 0.0,
            sxy: 0.0,
            ssn: -0.0,
        }
    }
}

/// Everything the estimates of one draw need, accumulated over the persons in three
/// streaming passes (sums; sums of the contributions; sums of squared deviations from
/// their means), in person order: the same arithmetic, in the same order, as on the whole
/// table at once, so the results are identical.
pub struct DrawStats {
    pub n: u64,
    /// [arm][metric]
    ratios: Vec<Vec<Ratio>>,
    /// [arm][metric]: arm − baseline (unused for the baseline itself).
    diffs: Vec<Vec<Moments>>,
    econ: Vec<Economy>,
}

/// The three passes over the slices of one draw.
struct Passes<'a> {
    baseline: usize,
    others: Vec<usize>,
    metrics: &'a [Metric],
    wtp: f64,
}

impl Passes<'_> {
    /// Net monetary benefit of person `i`.
    fn nmb(&self, t: &Table, i: usize) -> f64 {
        self.wtp * t.col(Col::Qalys)[i] - t.col(Col::Cost)[i]
    }

    /// Pass 1: Σ num and Σ den per arm and metric; Σ Δcost, Σ ΔQALY, Σ ΔNMB per arm.
    fn sums(&self, s: &mut DrawStats, ts: &[Table]) {
        let b = &ts[self.baseline];
        for (a, t) in ts.iter().enumerate() {
            for (m, r) in self.metrics.iter().zip(s.ratios[a].iter_mut()) {
                for i in 0..t.ids.len() {
                    let (x, y) = Ratio::terms(t, m, i);
                    r.sn += x;
                    r.sd += y;
                }
            }
        }
        for &a in &self.others {
            let (t, e) = (&ts[a], &mut s.econ[a]);
            for i in 0..t.ids.len() {
                e.sc += t.col(Col::Cost)[i] - b.col(Col::Cost)[i];
                e.sq += t.col(Col::Qalys)[i] - b.col(Col::Qalys)[i];
                e.sn += self.nmb(t, i) - self.nmb(b, i);
            }
        }
    }

    /// Pass 2: Σ of the contributions (levels and paired differences); the Δcost and
    /// ΔQALY cross-products and Σ (ΔNMB − mean)².
    fn contributions(&self, s: &mut DrawStats, ts: &[Table]) {
        let b = &ts[self.baseline];
        for (a, t) in ts.iter().enumerate() {
            for (m, metric) in self.metrics.iter().enumerate() {
                let r = &mut s.ratios[a][m];
                for i in 0..t.ids.len() {
                    r.level.sum += r.z(t, metric, i);
                }
            }
        }
        for &a in &self.others {
            let t = &ts[a];
            for (m, metric) in self.metrics.iter().enumerate() {
                let (rt, rb) = (&s.ratios[a][m], &s.ratios[self.baseline][m]);
                let d = &mut s.diffs[a][m];
                for i in 0..t.ids.len() {
                    d.sum += rt.z(t, metric, i) - rb.z(b, metric, i);
                }
            }
            let e = &mut s.econ[a];
            for i in 0..t.ids.len() {
                let x = t.col(Col::Cost)[i] - b.col(Col::Cost)[i];
                let y = t.col(Col::Qalys)[i] - b.col(Col::Qalys)[i];
                e.sxx += (x - e.mc) * (x - e.mc);
                e.syy += (y - e.mq) * (y - e.mq);
                e.sxy += (x - e.mc) * (y - e.mq);
                let dn = self.nmb(t, i) - self.nmb(b, i) - e.mn;
                e.ssn += dn * dn;
            }
        }
    }

    /// Pass 3: Σ (contribution − mean)².
    fn deviations(&self, s: &mut DrawStats, ts: &[Table]) {
        let b = &ts[self.baseline];
        for (a, t) in ts.iter().enumerate() {
            for (m, metric) in self.metrics.iter().enumerate() {
                let r = &mut s.ratios[a][m];
                let mut ss = r.level.ss;
                for i in 0..t.ids.len() {
                    let x = r.z(t, metric, i) - r.level.mean;
                    ss += x * x;
                }
                r.level.ss = ss;
            }
        }
        for &a in &self.others {
            let t = &ts[a];
            for (m, metric) in self.metrics.iter().enumerate() {
                let (rt, rb) = (&s.ratios[a][m], &s.ratios[self.baseline][m]);
                let d = &mut s.diffs[a][m];
                for i in 0..t.ids.len() {
                    let x = rt.z(t, metric, i) - rb.z(b, metric, i) - d.mean;
                    d.ss += x * x;
                }
            }
        }
    }
}

impl DrawStats {
    /// The statistics of one draw of `arms` arms, from the slices `stream` gives (it is
    /// called three times and must give the same slices each time).
    pub fn collect(
        arms: usize,
        baseline: usize,
        metrics: &[Metric],
        wtp: f64,
        stream: &mut Stream<'_>,
    ) -> Result<Self> {
        let mut s = DrawStats {
            n: 0,
            ratios: vec![vec![Ratio::default(); metrics.len()]; arms],
            diffs: vec![vec![Moments::default(); metrics.len()]; arms],
            econ: vec![Economy::default(); arms],
        };
        let p = Passes {
            baseline,
            others: (0..arms).filter(|a| *a != baseline).collect(),
            metrics,
            wtp,
        };
        let n = stream(&mut |ts: &[Table]| p.sums(&mut s, ts))?;
        s.n = n;
        let nf = s.n as f64;
        for r in s.ratios.iter_mut().flatten() {
            if r.sd > 0.0 {
                r.r = r.sn / r.sd;
                r.mean_den = r.sd / nf;
            }
        }
        for e in &mut s.econ {
            (e.mc, e.mq) = (e.sc / nf, e.sq / nf);
            e.mn = e.sn / nf;
        }
        stream(&mut |ts: &[Table]| p.contributions(&mut s, ts))?;
        for r in s.ratios.iter_mut().flatten() {
            r.level.mean = r.level.sum / nf;
        }
        for d in s.diffs.iter_mut().flatten() {
            d.mean = d.sum / nf;
        }
        stream(&mut |ts: &[Table]| p.deviations(&mut s, ts))?;
        Ok(s)
    }

    /// Level of arm `a` on metric `m`: (estimate, SE), both scaled.
    pub fn level(&self, a: usize, m: usize, metric: &Metric) -> (f64, f64) {
        let r = &self.ratios[a][m];
        (r.r * metric.scale, r.level.se(self.n) * metric.scale)
    }

    /// Arm `a` − baseline on metric `m`: (estimate, SE), both scaled.
    pub fn difference(&self, a: usize, b: usize, m: usize, metric: &Metric) -> (f64, f64) {
        let (rt, rb) = (&self.ratios[a][m], &self.ratios[b][m]);
        (
            (rt.r - rb.r) * metric.scale,
            self.diffs[a][m].se(self.n) * metric.scale,
        )
    }

    /// Mean Δcost, mean ΔQALY, the variances of these means and their covariance.
    pub fn paired_moments(&self, a: usize) -> (f64, f64, f64, f64, f64) {
        let n = self.n as f64;
        if n < 2.0 {
            return (f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN);
        }
        let e = &self.econ[a];
        let k = (n - 1.0) * n;
        (e.mc, e.mq, e.sxx / k, e.syy / k, e.sxy / k)
    }

    /// Mean Δ net monetary benefit and its SE.
    pub fn net_benefit(&self, a: usize) -> (f64, f64) {
        let e = &self.econ[a];
        let n = self.n as f64;
        let mean = e.sn / self.n.max(1) as f64;
        let se = if n < 2.0 {
            f64::NAN
        } else {
            (e.ssn / (n - 1.0) / n).sqrt()
        };
        (mean, se)
    }
}

pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7).
pub fn phi(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-(x * x) / 2.0).exp();
    if x >= 0.0 {
        0.5 * (1.0 + y)
    } else {
        0.5 * (1.0 - y)
    }
}

/// The normal quantile of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_964;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::outcome::Outcome;
    use crate::compare::read::{file_columns, stream_draw, ArmFiles};
    use polars::prelude::*;
    use std::path::Path;

    /// A ratio outcome's columns with its name.
    struct Named {
        name: String,
        m: Metric,
    }

    impl std::ops::Deref for Named {
        type Target = Metric;
        fn deref(&self) -> &Metric {
            &self.m
        }
    }

    fn named() -> Vec<Named> {
        Outcome::ratios(&[])
            .into_iter()
            .map(|o| Named {
                name: o.to_string(),
                m: o.metric().unwrap(),
            })
            .collect()
    }

    fn plain(ms: &[Named]) -> Vec<Metric> {
        ms.iter().map(|n| n.m).collect()
    }

    fn table(ids: std::ops::Range<u64>, f: impl Fn(usize, u64) -> f64) -> Table {
        Table {
            ids: ids.clone().collect(),
            cols: (0..Col::ALL.len())
                .map(|c| ids.clone().map(|i| f(c, i)).collect())
                .collect(),
        }
    }

    /// Feeds `arms` (one whole table each) to the statistics in slices of `rows` persons.
    fn stats_in_slices(arms: &[Table], rows: usize, metrics: &[Named]) -> DrawStats {
        let n = arms[0].ids.len();
        DrawStats::collect(arms.len(), 0, &plain(metrics), 20_000.0, &mut |each| {
            for start in (0..n).step_by(rows) {
                let end = (start + rows).min(n);
                let slices: Vec<Table> = arms
                    .iter()
                    .map(|t| Table {
                        ids: t.ids[start..end].to_vec(),
                        cols: t.cols.iter().map(|c| c[start..end].to_vec()).collect(),
                    })
                    .collect();
                each(&slices);
            }
            Ok(n as u64)
        })
        .unwrap()
    }

    #[test]
    fn paired_ratio_difference_of_identical_tables_is_zero() {
        let t = || table(0..3, |c, i| if i == 0 { c as f64 } else { (i % 2) as f64 });
        let ms = named();
        let s = stats_in_slices(&[t(), t()], 2, &ms);
        for (m, metric) in ms.iter().enumerate() {
            let (est, se) = s.difference(1, 0, m, metric);
            assert!(est == 0.0 || est.is_nan(), "{}", metric.name);
            assert_eq!(se, 0.0, "{}", metric.name);
        }
    }

    /// The streaming sums give what the formulas give on the whole table at once.
    #[test]
    fn streamed_estimates_equal_whole_table_formulas() {
        let n = 1001;
        let v = |c: usize, i: u64| ((i * 7919 + c as u64 * 104_729) % 97) as f64 / 13.0;
        let died = Col::Died.index();
        let alive = Col::AliveEnd.index();
        let base = table(0..n, |c, i| match c {
            _ if c == died => f64::from(u8::from(i % 5 == 0)),
            _ if c == alive => f64::from(u8::from(i % 5 != 0)),
            _ => v(c, i),
        });
        let arm = table(0..n, |c, i| match c {
            _ if c == died => f64::from(u8::from(i % 7 == 0)),
            _ if c == alive => f64::from(u8::from(i % 7 != 0)),
            _ => v(c, i) + ((i * 31) % 11) as f64 / 10.0,
        });
        let ms = named();
        let arms = [base, arm];
        let whole = stats_in_slices(&arms, n as usize, &ms);
        let [base, arm] = &arms;
        // Direct two-pass formulas on whole columns (the pre-streaming implementation).
        let contributions = |t: &Table, m: &Metric| -> (f64, Vec<f64>) {
            let k = t.ids.len();
            let den: Vec<f64> = m.den.map_or(vec![1.0; k], |d| t.at(d).to_vec());
            let num: Vec<f64> = (0..k)
                .map(|i| t.at(m.num)[i] * if m.num_times_den { den[i] } else { 1.0 })
                .collect();
            let (sn, sd): (f64, f64) = (num.iter().sum(), den.iter().sum());
            let r = sn / sd;
            let md = sd / k as f64;
            (r, (0..k).map(|i| (num[i] - r * den[i]) / md).collect())
        };
        let mean_se = |z: &[f64]| {
            let k = z.len() as f64;
            let mean = z.iter().sum::<f64>() / k;
            let var = z.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (k - 1.0);
            (var / k).sqrt()
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300);
        for rows in [1, 7, 512, 1000, 5000] {
            let s = stats_in_slices(&arms, rows, &ms);
            for (m, metric) in ms.iter().enumerate() {
                let (r, z) = contributions(arm, metric);
                let (rb, zb) = contributions(base, metric);
                let d: Vec<f64> = z.iter().zip(&zb).map(|(a, b)| a - b).collect();
                let (le, lse) = s.level(1, m, metric);
                let (de, dse) = s.difference(1, 0, m, metric);
                assert!(close(le, r * metric.scale), "{} level", metric.name);
                assert!(close(lse, mean_se(&z) * metric.scale), "{} se", metric.name);
                assert!(close(de, (r - rb) * metric.scale), "{} diff", metric.name);
                assert!(
                    close(dse, mean_se(&d) * metric.scale),
                    "{} diff se",
                    metric.name
                );
                // Slicing changes nothing, to the bit.
                assert_eq!(
                    (le.to_bits(), dse.to_bits()),
                    (
                        whole.level(1, m, metric).0.to_bits(),
                        whole.difference(1, 0, m, metric).1.to_bits()
                    )
                );
            }
            assert_eq!(
                format!("{:?}", s.paired_moments(1)),
                format!("{:?}", whole.paired_moments(1))
            );
            assert_eq!(
                format!("{:?}", s.net_benefit(1)),
                format!("{:?}", whole.net_benefit(1))
            );
        }
    }

    /// Writes one outcomes file of persons `ids` with values from `v` (and `died` every
    /// fifth person), in row groups of 10 rows.
    fn write_outcomes(dir: &Path, arm: &str, shard: &str, ids: &[u64], v: impl Fn(u64) -> f64) {
        let part = dir
            .join("outcomes")
            .join(format!("arm={arm}"))
            .join("draw=0");
        std::fs::create_dir_all(&part).unwrap();
        let cols: Vec<Column> = file_columns(&[])
            .iter()
            .enumerate()
            .map(|(c, name)| match name.as_str() {
                "person_id" => Column::new(name.into(), ids.to_vec()),
                "died" => Column::new(
                    name.into(),
                    ids.iter().map(|i| i % 5 == 0).collect::<Vec<_>>(),
                ),
                "onset_age_ewgsop2" => Column::new(
                    name.into(),
                    ids.iter()
                        .map(|i| (i % 3 == 0).then_some(70.0))
                        .collect::<Vec<_>>(),
                ),
                _ => Column::new(
                    name.into(),
                    ids.iter().map(|i| v(i * 31 + c as u64)).collect::<Vec<_>>(),
                ),
            })
            .collect();
        let mut df = DataFrame::new(ids.len(), cols).unwrap();
        let f = std::fs::File::create(part.join(format!("{shard}.parquet"))).unwrap();
        ParquetWriter::new(f)
            .with_row_group_size(Some(10))
            .finish(&mut df)
            .unwrap();
    }

    fn streamed(dir: &Path, slice_rows: usize) -> Result<DrawStats> {
        let arms = ["baseline".to_string(), "x".to_string()];
        DrawStats::collect(2, 0, &plain(&named()), 20_000.0, &mut |f| {
            stream_draw(dir, (&arms, 0), 0, &[], slice_rows, f)
        })
    }

    #[test]
    fn outcomes_stream_slice_by_slice_across_shards_and_misaligned_persons_fail() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (a, b): (Vec<u64>, Vec<u64>) = ((0..35).collect(), (35..73).collect());
        let base = |x: u64| (x % 17) as f64 / 3.0;
        let arm = |x: u64| (x % 13) as f64 / 2.0;
        write_outcomes(dir, "baseline", "shard-0000-of-0002", &a, base);
        write_outcomes(dir, "baseline", "shard-0001-of-0002", &b, base);
        write_outcomes(dir, "x", "shard-0000-of-0002", &a, arm);
        write_outcomes(dir, "x", "shard-0001-of-0002", &b, arm);
        let files = ArmFiles::open(dir, "x", 0, &file_columns(&[])).unwrap();
        assert!(
            files.files[1].1.row_groups.len() > 1,
            "several row groups per file"
        );
        let ms = named();
        let whole = streamed(dir, usize::MAX).unwrap();
        assert_eq!(whole.n, 73);
        for rows in [1, 20] {
            let s = streamed(dir, rows).unwrap();
            assert_eq!(s.n, 73);
            for (m, metric) in ms.iter().enumerate() {
                for (x, y) in [
                    (s.level(1, m, metric), whole.level(1, m, metric)),
                    (
                        s.difference(1, 0, m, metric),
                        whole.difference(1, 0, m, metric),
                    ),
                ] {
                    assert_eq!(
                        (x.0.to_bits(), x.1.to_bits()),
                        (y.0.to_bits(), y.1.to_bits())
                    );
                }
            }
        }
        // Two persons swapped in one arm's second shard.
        let mut swapped = b.clone();
        swapped.swap(12, 13);
        write_outcomes(dir, "x", "shard-0001-of-0002", &swapped, arm);
        let e = streamed(dir, 20)
            .err()
            .expect("misaligned persons fail")
            .to_string();
        assert!(
            e.contains("different persons") && e.contains("person 48 vs 47 at row 12"),
            "{e}"
        );
        // A shard missing in one arm.
        std::fs::remove_file(dir.join("outcomes/arm=x/draw=0/shard-0001-of-0002.parquet")).unwrap();
        let e = streamed(dir, 20)
            .err()
            .expect("missing shard fails")
            .to_string();
        assert!(e.contains("different persons"), "{e}");
    }
}
