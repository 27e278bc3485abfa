//! The outcomes of a comparison, typed: each has one name (the `outcome` column of
//! `comparison.parquet`), one unit, and a [`Kind`] saying how it is estimated per draw and
//! summarised across draws. Nothing matches outcomes by their names.

use super::read::{Col, CpField};
use crate::checkpoints::{Checkpoint, Definition};
use std::fmt;

/// A checkpoint as an outcome refers to it: its position (the columns read) and its label
/// (the outcome's name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    pub index: usize,
    pub label: String,
}

/// One outcome of the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Survivors at the horizon sarcopenic by a definition.
    PrevalenceEnd(Definition),
    /// Persons ever sarcopenic (EWGSOP2) during the run.
    EverSarcopenic,
    /// Years lived sarcopenic by a definition.
    SarcopeniaYears(Definition),
    LifeYears,
    Deaths,
    Admissions,
    BedDays,
    AlmEnd,
    GripEnd,
    InterventionYears,
    InterventionCost,
    Cost,
    Qalys,
    /// Persons followed to a checkpoint and alive there.
    AliveAt(At),
    /// Persons followed to a checkpoint, alive and sarcopenic there.
    BurdenAt(Definition, At),
    /// Survivors at a checkpoint sarcopenic there.
    PrevalenceAt(Definition, At),
    /// Persons offered the strategy per person never sarcopenic (EWGSOP2) gained.
    NntEver,
    /// Persons offered the strategy per person alive and sarcopenic avoided at a checkpoint.
    NntAt(Definition, At),
    /// Net monetary benefit at the willingness to pay (summarised across draws as the
    /// probability of cost-effectiveness).
    NetMonetaryBenefit,
    Icer,
    ProbCostEffective,
}

/// How an outcome is estimated and summarised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A ratio of per-person sums (a mean, a share): level and paired difference, with
    /// delta-method standard errors.
    Ratio,
    /// Persons needed to treat, from the paired difference of a [`Kind::Ratio`] outcome.
    NumberNeeded,
    /// Net monetary benefit per person against the baseline.
    NetBenefit,
    /// Incremental cost-effectiveness ratio.
    Icer,
    /// The probability of cost-effectiveness at the willingness to pay.
    Probability,
}

/// An outcome's numerator and denominator columns: Σ num / Σ den × scale.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    /// Column index in a read [`super::read::Table`].
    pub num: usize,
    /// `None`: per person started.
    pub den: Option<usize>,
    /// Multiply the numerator by the denominator column (means among survivors).
    pub num_times_den: bool,
    pub scale: f64,
}

const PER_1000: &str = "per 1,000 persons";
const DISCOUNTED: &str = "per person, discounted";

impl Outcome {
    /// The outcomes estimated as ratios, in display order.
    pub fn ratios(checkpoints: &[Checkpoint]) -> Vec<Outcome> {
        use Outcome::*;
        let mut v: Vec<Outcome> = Definition::ALL.map(PrevalenceEnd).into();
        v.push(EverSarcopenic);
        v.extend(Definition::ALL.map(SarcopeniaYears));
        v.extend([
            LifeYears,
            Deaths,
            Admissions,
            BedDays,
            AlmEnd,
            GripEnd,
            InterventionYears,
            InterventionCost,
            Cost,
            Qalys,
        ]);
        for at in at_list(checkpoints) {
            v.push(AliveAt(at.clone()));
            for d in Definition::ALL {
                v.push(BurdenAt(d, at.clone()));
                v.push(PrevalenceAt(d, at.clone()));
            }
        }
        v
    }

    /// The numbers needed to treat, in display order.
    pub fn numbers_needed(checkpoints: &[Checkpoint]) -> Vec<Outcome> {
        let mut v = vec![Outcome::NntEver];
        for at in at_list(checkpoints) {
            v.extend(Definition::ALL.map(|d| Outcome::NntAt(d, at.clone())));
        }
        v
    }

    /// Every outcome shown in the comparison tables, in display order.
    pub fn shown(checkpoints: &[Checkpoint]) -> Vec<Outcome> {
        let mut v = Self::ratios(checkpoints);
        v.extend(Self::numbers_needed(checkpoints));
        v.extend([Outcome::Icer, Outcome::ProbCostEffective]);
        v
    }

    pub fn kind(&self) -> Kind {
        match self {
            Outcome::NntEver | Outcome::NntAt(..) => Kind::NumberNeeded,
            Outcome::NetMonetaryBenefit => Kind::NetBenefit,
            Outcome::Icer => Kind::Icer,
            Outcome::ProbCostEffective => Kind::Probability,
            _ => Kind::Ratio,
        }
    }

    /// The unit of every row of this outcome.
    pub fn unit(&self) -> &'static str {
        use Outcome::*;
        match self {
            PrevalenceEnd(_) | PrevalenceAt(..) => "% of survivors",
            EverSarcopenic => "% of persons",
            SarcopeniaYears(_) | LifeYears | Deaths | Admissions | BedDays | InterventionYears => {
                PER_1000
            }
            AlmEnd | GripEnd => "kg, mean of survivors",
            InterventionCost | Cost | Qalys | NetMonetaryBenefit => DISCOUNTED,
            AliveAt(_) => "% of persons followed",
            BurdenAt(..) => "% of persons followed, alive and sarcopenic",
            NntEver | NntAt(..) => "persons offered the strategy per case avoided",
            Icer => "cost per QALY gained",
            ProbCostEffective => "probability at the willingness to pay",
        }
    }

    /// The ratio outcome whose paired difference gives this number needed to treat.
    pub fn nnt_source(&self) -> Option<Outcome> {
        match self {
            Outcome::NntEver => Some(Outcome::EverSarcopenic),
            Outcome::NntAt(d, at) => Some(Outcome::BurdenAt(*d, at.clone())),
            _ => None,
        }
    }

    /// The columns of a [`Kind::Ratio`] outcome; `None` for the others.
    pub fn metric(&self) -> Option<Metric> {
        use Outcome::*;
        let per_person = |c: Col, scale: f64| Metric {
            num: c.index(),
            den: None,
            num_times_den: false,
            scale,
        };
        let among_alive = |c: Col, scale: f64| Metric {
            den: Some(Col::AliveEnd.index()),
            num_times_den: true,
            ..per_person(c, scale)
        };
        let followed = |at: &At, num: CpField, den: CpField| Metric {
            num: num.index(at.index),
            den: Some(den.index(at.index)),
            num_times_den: false,
            scale: 100.0,
        };
        Some(match self {
            PrevalenceEnd(d) => among_alive(Col::at_end(*d), 100.0),
            EverSarcopenic => per_person(Col::EverEwgsop2, 100.0),
            SarcopeniaYears(d) => per_person(Col::years(*d), 1000.0),
            LifeYears => per_person(Col::YearsLived, 1000.0),
            Deaths => per_person(Col::Died, 1000.0),
            Admissions => per_person(Col::Admissions, 1000.0),
            BedDays => per_person(Col::BedDays, 1000.0),
            AlmEnd => among_alive(Col::AlmEnd, 1.0),
            GripEnd => among_alive(Col::GripEnd, 1.0),
            InterventionYears => per_person(Col::InterventionYears, 1000.0),
            InterventionCost => per_person(Col::InterventionCost, 1.0),
            Cost => per_person(Col::Cost, 1.0),
            Qalys => per_person(Col::Qalys, 1.0),
            AliveAt(at) => followed(at, CpField::Alive, CpField::Observed),
            BurdenAt(d, at) => followed(at, CpField::Sarcopenic(*d), CpField::Observed),
            PrevalenceAt(d, at) => followed(at, CpField::Sarcopenic(*d), CpField::Alive),
            NntEver | NntAt(..) | NetMonetaryBenefit | Icer | ProbCostEffective => return None,
        })
    }
}

fn at_list(checkpoints: &[Checkpoint]) -> impl Iterator<Item = At> + '_ {
    checkpoints.iter().enumerate().map(|(index, c)| At {
        index,
        label: c.label.clone(),
    })
}

/// The name: the `outcome` column of `comparison.parquet`.
impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Outcome::*;
        match self {
            PrevalenceEnd(d) => write!(f, "prevalence_end_{d}"),
            EverSarcopenic => f.write_str("ever_sarcopenic_ewgsop2"),
            SarcopeniaYears(d) => write!(f, "sarcopenia_years_{d}"),
            LifeYears => f.write_str("life_years"),
            Deaths => f.write_str("deaths"),
            Admissions => f.write_str("admissions"),
            BedDays => f.write_str("bed_days"),
            AlmEnd => f.write_str("alm_end"),
            GripEnd => f.write_str("grip_end"),
            InterventionYears => f.write_str("intervention_years"),
            InterventionCost => f.write_str("intervention_cost"),
            Cost => f.write_str("cost"),
            Qalys => f.write_str("qalys"),
            AliveAt(at) => write!(f, "alive_at_{}", at.label),
            BurdenAt(d, at) => write!(f, "burden_{d}_at_{}", at.label),
            PrevalenceAt(d, at) => write!(f, "prevalence_{d}_at_{}", at.label),
            NntEver => f.write_str("nnt_ewgsop2"),
            NntAt(d, at) => write!(f, "nnt_{d}_at_{}", at.label),
            NetMonetaryBenefit => f.write_str("net_monetary_benefit"),
            Icer => f.write_str("icer"),
            ProbCostEffective => f.write_str("prob_cost_effective"),
        }
    }
}

impl serde::Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoints::At as Where;

    fn checkpoints() -> Vec<Checkpoint> {
        vec![
            Checkpoint {
                label: "10y".into(),
                at: Where::Step(120),
            },
            Checkpoint {
                label: "age_75".into(),
                at: Where::Age(75.0),
            },
        ]
    }

    #[test]
    fn names_are_unique_and_every_kind_has_its_columns() {
        let all = Outcome::shown(&checkpoints());
        let mut names: Vec<String> = all.iter().map(|o| o.to_string()).collect();
        assert_eq!(names.len(), 17 + 2 * 7 + 1 + 2 * 3 + 2);
        assert!(names.contains(&"prevalence_fnih_at_age_75".to_string()));
        assert!(names.contains(&"nnt_awgs_at_10y".to_string()));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "unique names");
        for o in &all {
            assert_eq!(o.metric().is_some(), o.kind() == Kind::Ratio, "{o}");
            if o.kind() == Kind::NumberNeeded {
                let s = o.nnt_source().unwrap();
                assert_eq!(s.kind(), Kind::Ratio);
                assert!(s.unit().starts_with('%'), "{s}: a share of persons");
            }
        }
    }

    #[test]
    fn checkpoint_outcomes_read_their_own_checkpoint_columns() {
        let cps = checkpoints();
        let at = At {
            index: 1,
            label: "age_75".into(),
        };
        let m = Outcome::PrevalenceAt(Definition::Fnih, at.clone())
            .metric()
            .unwrap();
        assert_eq!(m.num, CpField::Sarcopenic(Definition::Fnih).index(1));
        assert_eq!(m.den, Some(CpField::Alive.index(1)));
        let m = Outcome::BurdenAt(Definition::Fnih, at).metric().unwrap();
        assert_eq!(m.den, Some(CpField::Observed.index(1)));
        assert_eq!(Outcome::ratios(&cps).len(), 17 + 2 * 7);
    }
}
