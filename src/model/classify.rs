//! Sarcopenia definitions applied to a person: EWGSOP2 (probable / confirmed / severe),
//! FNIH and AWGS 2019. The cut-offs are definitions, not parameters: they live here.

use serde::Serialize;

/// EWGSOP2, Cruz-Jentoft 2019 Age Ageing 48:16: grip < 27 / 16 kg; ALM/height² < 7.0 / 5.5;
/// severe with gait speed ≤ 0.8 m/s.
pub const EWGSOP2_GRIP: [f64; 2] = [27.0, 16.0];
pub const EWGSOP2_ALMI: [f64; 2] = [7.0, 5.5];
pub const EWGSOP2_GAIT: f64 = 0.8;
/// FNIH, Studenski 2014 J Gerontol A 69:547: grip < 26 / 16 kg and ALM/BMI < 0.789 / 0.512.
pub const FNIH_GRIP: [f64; 2] = [26.0, 16.0];
pub const FNIH_ALM_BMI: [f64; 2] = [0.789, 0.512];
/// AWGS 2019, Chen 2020 JAMDA 21:300: ALM/height² < 7.0 / 5.4 (DXA); grip < 28 / 18 kg;
/// gait < 1.0 m/s. Sarcopenia: low muscle with low strength or low performance; severe: all three.
pub const AWGS_GRIP: [f64; 2] = [28.0, 18.0];
pub const AWGS_ALMI: [f64; 2] = [7.0, 5.4];
pub const AWGS_GAIT: f64 = 1.0;

/// EWGSOP2 categories, each implying the ones before.
pub const NONE: u8 = 0;
pub const PROBABLE: u8 = 1;
pub const CONFIRMED: u8 = 2;
pub const SEVERE: u8 = 3;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// 0 none, 1 probable, 2 confirmed, 3 severe.
    pub ewgsop2: u8,
    pub fnih: bool,
    /// 0 none, 1 sarcopenia, 2 severe.
    pub awgs: u8,
}

impl Classification {
    /// EWGSOP2-confirmed sarcopenia: the flag that feeds back on admissions and mortality.
    pub fn sarcopenic(&self) -> bool {
        self.ewgsop2 >= CONFIRMED
    }
}

/// The measurements a classification needs.
#[derive(Clone, Copy, Debug)]
pub struct Measures {
    pub female: bool,
    pub grip: f64,
    pub alm: f64,
    pub alm_index: f64,
    pub bmi: f64,
    pub gait: f64,
}

pub fn classify(m: &Measures) -> Classification {
    classify_with(m.female, m.grip, m.alm, m.alm_index, m.bmi, || m.gait)
}

/// [`classify`] with the gait speed computed only when a definition reads it: EWGSOP2
/// when grip and ALM/height² are both below their cut-offs (confirmed or severe), AWGS
/// when ALM/height² is low. Most persons have neither, and their gait (the count of other
/// chronic conditions in it) is not needed; the classification is the same.
#[inline]
pub fn classify_with(
    female: bool,
    grip: f64,
    alm: f64,
    alm_index: f64,
    bmi: f64,
    gait: impl FnOnce() -> f64,
) -> Classification {
    let s = usize::from(female);
    // Negated as the chain below tests them, so that a NaN takes the same branch.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    let ewgsop2_reads_gait = !(grip >= EWGSOP2_GRIP[s]) && !(alm_index >= EWGSOP2_ALMI[s]);
    let low_muscle = alm_index < AWGS_ALMI[s];
    // NaN where no definition reads it (below, only the branches that need it do).
    let gait = if ewgsop2_reads_gait || low_muscle {
        gait()
    } else {
        f64::NAN
    };
    let ewgsop2 = if grip >= EWGSOP2_GRIP[s] {
        NONE
    } else if alm_index >= EWGSOP2_ALMI[s] {
        PROBABLE
    } else if gait > EWGSOP2_GAIT {
        CONFIRMED
    } else {
        SEVERE
    };
    let fnih = grip < FNIH_GRIP[s] && alm / bmi < FNIH_ALM_BMI[s];
    let (weak, slow) = (grip < AWGS_GRIP[s], gait < AWGS_GAIT);
    let awgs = match (low_muscle, weak, slow) {
        (true, true, true) => 2,
        (true, true, _) | (true, _, true) => 1,
        _ => 0,
    };
    Classification {
        ewgsop2,
        fnih,
        awgs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn man(grip: f64, almi: f64, gait: f64) -> Measures {
        Measures {
            female: false,
            grip,
            alm: almi * 3.1,
            alm_index: almi,
            bmi: 27.0,
            gait,
        }
    }

    #[test]
    fn ewgsop2_steps_from_probable_to_severe() {
        assert_eq!(
            classify(&man(30.0, 6.0, 0.5)).ewgsop2,
            NONE,
            "strength first"
        );
        assert_eq!(classify(&man(26.0, 7.5, 0.5)).ewgsop2, PROBABLE);
        assert_eq!(classify(&man(26.0, 6.9, 1.2)).ewgsop2, CONFIRMED);
        assert_eq!(
            classify(&man(26.0, 6.9, 0.8)).ewgsop2,
            SEVERE,
            "≤ 0.8 m/s is severe"
        );
    }

    #[test]
    fn women_have_their_own_cut_offs() {
        let w = Measures {
            female: true,
            grip: 17.0,
            alm: 12.0,
            alm_index: 5.0,
            bmi: 27.0,
            gait: 1.2,
        };
        let c = classify(&w);
        assert_eq!(
            c.ewgsop2, NONE,
            "17 kg is not weak for a woman under EWGSOP2"
        );
        assert_eq!(c.awgs, 1, "but it is under AWGS (< 18 kg)");
        assert!(!c.fnih);
    }

    #[test]
    fn fnih_uses_alm_over_bmi() {
        let m = Measures {
            female: false,
            grip: 25.0,
            alm: 20.0,
            alm_index: 7.5,
            bmi: 27.0,
            gait: 1.2,
        };
        assert!(classify(&m).fnih, "20/27 = 0.74 < 0.789");
        assert!(!classify(&Measures { alm: 22.0, ..m }).fnih);
    }

    #[test]
    fn gait_is_read_only_when_a_definition_needs_it_and_the_result_is_the_same() {
        let mut r = crate::rng::stream(5, 0, 1, crate::rng::Process::Sampling);
        use rand::Rng;
        for i in 0..100_000 {
            let female = i % 2 == 1;
            let m = Measures {
                female,
                grip: 10.0 + 25.0 * r.random::<f64>(),
                alm: 10.0 + 15.0 * r.random::<f64>(),
                alm_index: 4.5 + 3.5 * r.random::<f64>(),
                bmi: 18.0 + 15.0 * r.random::<f64>(),
                gait: 0.5 + 0.9 * r.random::<f64>(),
            };
            let mut read = false;
            let lazily = classify_with(m.female, m.grip, m.alm, m.alm_index, m.bmi, || {
                read = true;
                m.gait
            });
            // The eager classification with a NaN gait wherever gait was not read.
            let unread = Measures {
                gait: f64::NAN,
                ..m
            };
            let s = usize::from(female);
            let eager = |m: &Measures| {
                let ewgsop2 = if m.grip >= EWGSOP2_GRIP[s] {
                    NONE
                } else if m.alm_index >= EWGSOP2_ALMI[s] {
                    PROBABLE
                } else if m.gait > EWGSOP2_GAIT {
                    CONFIRMED
                } else {
                    SEVERE
                };
                let low = m.alm_index < AWGS_ALMI[s];
                let (weak, slow) = (m.grip < AWGS_GRIP[s], m.gait < AWGS_GAIT);
                let awgs = u8::from(low && (weak || slow)) + u8::from(low && weak && slow);
                let fnih = m.grip < FNIH_GRIP[s] && m.alm / m.bmi < FNIH_ALM_BMI[s];
                Classification {
                    ewgsop2,
                    fnih,
                    awgs,
                }
            };
            assert_eq!(lazily, eager(&m), "{m:?}");
            if !read {
                assert_eq!(
                    eager(&unread),
                    eager(&m),
                    "gait mattered but was not read: {m:?}"
                );
            }
        }
    }

    #[test]
    fn awgs_needs_low_muscle_and_weakness_or_slowness() {
        assert_eq!(classify(&man(30.0, 6.5, 0.9)).awgs, 1, "low muscle + slow");
        assert_eq!(classify(&man(25.0, 6.5, 0.9)).awgs, 2);
        assert_eq!(classify(&man(25.0, 7.5, 0.9)).awgs, 0);
    }
}
