//! `sarcosim validate`: the model against published figures, target by target.
//!
//! Each study design is an ordinary scenario in `scenarios/validation/` (compiled in, so
//! the suite runs from anywhere), its interventions included; [`sim`] runs one arm of it as
//! `sarcosim run` would and keeps a snapshot per record. [`targets`] computes every target
//! from those lives with the measures of [`measures`]; [`report`] prints the table. Every target
//! states its source, the published value and interval, the interval it accepts with a
//! reason, and its role: a calibration target (`fit`), a figure that is also the source of
//! a parameter (`input`, a consistency check), true by construction (`construction`), or
//! an `independent` check. The verdict (pass, fail or inconclusive) follows the one rule
//! of [`stats`]: the accepted interval widened by the t-based Monte Carlo half-width, and
//! inconclusive when that half-width is too large a share of the accepted interval.

pub mod alm_loss;
pub mod calibrate;
pub mod change_spread;
pub mod conditions;
pub mod definitions;
pub mod dynamometer;
pub mod east_asian;
pub mod imis;
pub mod independent;
pub mod measures;
pub mod plots;
pub mod posterior;
mod records;
pub mod report;
pub mod sim;
pub mod stats;
pub mod strata;
pub mod surveys;
pub mod targets;
pub mod wider;

pub use measures::{
    below_gould_t2, ewgsop1, ewgsop2_confirmed, gait_mean, grip_quantile, prevalence,
};
pub use report::{markdown, overrides_line, summary_line, text, JsonReport, JSON_FORMAT};
pub use targets::{targets, BOHANNON, BOHANNON_BANDS, DODDS};

use crate::model::{mortality, Model};
use crate::params::Params;
use crate::reference;
use crate::scenario::{parse_scenario, Scenario};
use serde::Serialize;
use sim::{simulate, How, Life};
use stats::Estimate;

/// The validation designs, shipped with the project.
pub const SCENARIOS: [(&str, &str); 8] = [
    (
        "ageing-from-50.toml",
        include_str!("../../scenarios/validation/ageing-from-50.toml"),
    ),
    (
        "health-abc-70-79.toml",
        include_str!("../../scenarios/validation/health-abc-70-79.toml"),
    ),
    (
        "training-trial.toml",
        include_str!("../../scenarios/validation/training-trial.toml"),
    ),
    (
        "bed-rest-10d.toml",
        include_str!("../../scenarios/validation/bed-rest-10d.toml"),
    ),
    (
        "young-vs-old.toml",
        include_str!("../../scenarios/validation/young-vs-old.toml"),
    ),
    (
        "life-course-from-30.toml",
        include_str!("../../scenarios/validation/life-course-from-30.toml"),
    ),
    (
        "testosterone-trial.toml",
        include_str!("../../scenarios/validation/testosterone-trial.toml"),
    ),
    (
        "east-asian-from-60.toml",
        include_str!("../../scenarios/validation/east-asian-from-60.toml"),
    ),
];

/// Share of whole-body lean mass gained or lost that is appendicular (ALM), used to turn
/// published lean/fat-free mass changes into ALM (A: ALM is ≈ 45-50 % of lean mass).
pub const ALM_SHARE_OF_LEAN: f64 = 0.5;
/// Share of ALM in the legs (A: legs carry ≈ 3/4 of appendicular lean mass).
pub const LEG_SHARE_OF_ALM: f64 = 0.75;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A calibration target of `sarcosim calibrate`.
    Fit,
    /// The same source sets a parameter: a consistency check, not evidence.
    Input,
    /// True by construction (mortality is rescaled to the life table).
    Construction,
    /// Not used to set any parameter.
    Independent,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Fit => "fit",
            Role::Input => "input",
            Role::Construction => "construction",
            Role::Independent => "independent",
        }
    }
}

/// One line of the validation table.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub id: String,
    pub measure: String,
    pub source: &'static str,
    pub design: &'static str,
    pub unit: &'static str,
    pub published: f64,
    pub published_interval: Option<(f64, f64)>,
    /// The interval accepted before Monte Carlo error, and why.
    pub accept: (f64, f64),
    pub reason: &'static str,
    pub role: Role,
    pub simulated: f64,
    pub mc_lo: f64,
    pub mc_hi: f64,
    /// `accept` widened by the Monte Carlo half-width (t quantile, [`stats`]).
    pub tolerance: (f64, f64),
    /// `verdict == Pass`.
    pub pass: bool,
    pub verdict: stats::Verdict,
    /// The spread of the simulated figure over parameter draws (`--draws`), if asked for.
    pub across_draws: Option<DrawRange>,
}

/// 2.5-97.5 % of a target's simulated figure over parameter draws 1..=`draws` (drawn as in
/// `sarcosim run --draws`: the calibrated parameters from their posterior sample, the
/// others from their uncertainty in the table).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DrawRange {
    pub draws: u32,
    pub lo: f64,
    pub hi: f64,
}

/// How a target is judged, before the simulated figure is known.
struct Spec {
    id: String,
    measure: String,
    source: &'static str,
    design: &'static str,
    unit: &'static str,
    published: f64,
    interval: Option<(f64, f64)>,
    accept: (f64, f64),
    reason: &'static str,
    role: Role,
}

fn judge(s: Spec, e: Estimate) -> Row {
    let (tolerance, verdict) = stats::judge(s.accept, &e);
    Row {
        id: s.id,
        measure: s.measure,
        source: s.source,
        design: s.design,
        unit: s.unit,
        published: s.published,
        published_interval: s.interval,
        accept: s.accept,
        reason: s.reason,
        role: s.role,
        simulated: e.value,
        mc_lo: e.lo(),
        mc_hi: e.hi(),
        tolerance,
        pass: verdict == stats::Verdict::Pass,
        verdict,
        across_draws: None,
    }
}

/// Options of one validation run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Persons per design (each arm of a trial has this many).
    pub population: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self { population: 80_000 }
    }
}

/// The designs, parsed.
pub fn scenarios() -> Vec<Scenario> {
    SCENARIOS
        .iter()
        .map(|(name, text)| {
            parse_scenario(text, name).unwrap_or_else(|e| panic!("validation scenario {e}"))
        })
        .collect()
}

/// Everything the targets are computed from.
pub struct Runs {
    pub ageing: Vec<Life>,
    pub abc: Vec<Life>,
    /// The arms of `training-trial.toml`: control, training, training + protein
    /// supplement, + 2.2 g/kg/d, + 1.62 g/kg/d.
    pub trial: Vec<Vec<Life>>,
    pub bed: Vec<Life>,
    pub cross: Vec<Life>,
    /// The life course from 30 ([`independent`]).
    pub life: Vec<Life>,
    /// The arms of `testosterone-trial.toml`: placebo, testosterone ([`wider`]).
    pub testosterone: Vec<Vec<Life>>,
    /// The non-US design: Japanese adults from 60 on their own reference and life table
    /// ([`east_asian`]).
    pub east_asian: Vec<Life>,
    /// The parameters the designs ran with: the measurement models of the targets read
    /// theirs from here (`gait.static_start_lost_distance`, [`measures::measured_gait`]).
    pub params: Params,
}

/// Training lasts 20 weeks in the trial design.
pub const TRAINING_WEEKS: u32 = 20;

/// Runs every design with these parameters and this baseline hazard.
pub fn run_designs(params: &Params, hazard: &mortality::Reference, opts: &Options) -> Runs {
    let sc = scenarios();
    let n = opts.population;
    let arms = |s: &Scenario| -> Vec<Vec<Life>> {
        let model = Model::new(params.clone(), s.step, hazard);
        (0..s.arms.len())
            .map(|arm| simulate(s, &model, n, arm, How::AsLived))
            .collect()
    };
    let first = |s: &Scenario| arms(s).swap_remove(0);
    let followed = |s: &Scenario| {
        let model = Model::new(params.clone(), s.step, hazard);
        simulate(s, &model, n, 0, How::CrossSection)
    };
    Runs {
        ageing: followed(&sc[0]),
        abc: first(&sc[1]),
        trial: arms(&sc[2]),
        bed: first(&sc[3]),
        cross: first(&sc[4]),
        life: followed(&sc[5]),
        testosterone: arms(&sc[6]),
        east_asian: own_population(&sc[7], params, NON_US_SCALE * n),
        params: params.clone(),
    }
}

/// The non-US design runs this many times the persons of the others: its construction
/// checks compare one design's deaths per sex and decade with the Japanese table, and at
/// the default population the Monte Carlo half-width of men at 60-69 sits at the limit
/// of an inconclusive verdict (0.99 ± 0.05 against 0.90-1.10).
pub const NON_US_SCALE: u64 = 2;

/// Runs a design that names its own population: mortality calibrated to its own life
/// table, and its reference population moving each of its body-size values in `params` by
/// the reference's difference from the table's central value (so the central parameters get
/// the reference's values, and a parameter draw or override varies around them).
fn own_population(s: &Scenario, params: &Params, n: u64) -> Vec<Life> {
    let mut p = params.clone();
    let central = Params::central();
    for v in s.reference_population.map_or(&[][..], |r| r.values) {
        let (now, table) = (p.get(v.parameter), central.get(v.parameter));
        if let (Some(now), Some(table)) = (now, table) {
            // Exactly the reference's value when `params` holds the table's.
            let moved = if now == table {
                v.value
            } else {
                now + v.value - table
            };
            p.set(v.parameter, moved);
        }
    }
    let hazard =
        reference::calibrate_on(&p, &s.mortality.life_table, &s.mortality.reference_cohort);
    let model = Model::new(p, s.step, &hazard);
    simulate(s, &model, n, 0, How::CrossSection)
}

/// Runs the whole suite with the central parameters (mortality calibrated as in a run).
pub fn validate(opts: &Options) -> Vec<Row> {
    let params = Params::central();
    let hazard = reference::calibrate(&params);
    let runs = run_designs(&params, &hazard, opts);
    targets(&runs)
}

/// Seed of the parameter draws of `sarcosim validate --draws` (fixed: a property of the
/// suite, so every run draws the same parameter sets).
pub const DRAW_SEED: u64 = 4000;

/// How many parameter draws `validate --draws` runs, and where their calibrated parameters
/// come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawOptions {
    pub draws: u32,
    pub from: crate::params::CalibratedDraws,
}

/// Reruns the suite with parameter draws 1..=`draws` around `base` (the `pinned`
/// parameters kept at their value, as a scenario's overrides are in `sarcosim run`) and
/// sets each row's spread over them; the verdicts stay those of `base`.
/// With `progress`, a bar on stderr counts the draws.
pub fn add_draw_ranges(
    rows: &mut [Row],
    opts: &Options,
    base: &Params,
    pinned: &[String],
    draw_opts: DrawOptions,
    progress: bool,
) {
    let DrawOptions { draws, from } = draw_opts;
    if draws == 0 {
        return;
    }
    let bar = if progress {
        let bar = indicatif::ProgressBar::new(u64::from(draws));
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} parameter draws [{bar:30}] {pos}/{len} · ETA {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let per_draw: Vec<Vec<Row>> = (1..=draws)
        .map(|d| {
            let p = base.for_draw_from(DRAW_SEED, d, pinned, from);
            let rows = targets(&run_designs(&p, &reference::calibrate(&p), opts));
            bar.inc(1);
            rows
        })
        .collect();
    bar.finish_and_clear();
    for (i, row) in rows.iter_mut().enumerate() {
        let values = || per_draw.iter().map(|r| r[i].simulated);
        row.across_draws = Some(DrawRange {
            draws,
            lo: stats::quantile(values(), 0.025),
            hi: stats::quantile(values(), 0.975),
        });
    }
}

/// How the draw ranges of `validate --draws` sit against the figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DrawCoverage {
    pub draws: u32,
    /// Targets with a draw range, and those whose published value lies inside it.
    pub targets: usize,
    pub published_inside: usize,
    /// The same over the `fit` targets.
    pub fit_targets: usize,
    pub fit_published_inside: usize,
    /// Fit targets whose draw range excludes their own central figure.
    pub fit_central_outside: Vec<String>,
}

/// The coverage of the rows' draw ranges (`None` without draws).
pub fn draw_coverage(rows: &[Row]) -> Option<DrawCoverage> {
    let with: Vec<(&Row, DrawRange)> = rows
        .iter()
        .filter_map(|r| r.across_draws.map(|d| (r, d)))
        .collect();
    let (_, first) = with.first()?;
    let inside = |v: f64, d: &DrawRange| v >= d.lo && v <= d.hi;
    let fit: Vec<&(&Row, DrawRange)> = with.iter().filter(|(r, _)| r.role == Role::Fit).collect();
    Some(DrawCoverage {
        draws: first.draws,
        targets: with.len(),
        published_inside: with.iter().filter(|(r, d)| inside(r.published, d)).count(),
        fit_targets: fit.len(),
        fit_published_inside: fit.iter().filter(|(r, d)| inside(r.published, d)).count(),
        fit_central_outside: fit
            .iter()
            .filter(|(r, d)| !inside(r.simulated, d))
            .map(|(r, _)| r.id.clone())
            .collect(),
    })
}

impl DrawCoverage {
    /// One line for the reports.
    pub fn line(&self) -> String {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        format!(
            "over {} parameter draws: published value inside the draw range for {} of {} targets ({:.0} %), {} of {} fit targets ({:.0} %); fit targets whose range excludes their central figure: {}",
            self.draws,
            self.published_inside,
            self.targets,
            pct(self.published_inside, self.targets),
            self.fit_published_inside,
            self.fit_targets,
            pct(self.fit_published_inside, self.fit_targets),
            if self.fit_central_outside.is_empty() {
                "none".to_string()
            } else {
                self.fit_central_outside.join(", ")
            }
        )
    }
}
