//! The validation suite as tests: every published target must stay inside its tolerance
//! (the accepted interval, stated per target with its reason in `src/validate/targets.rs`
//! and `src/validate/independent.rs`, widened by the t-based Monte Carlo half-width). 3,000
//! persons per design keep the suite to seconds in release mode; at that size some verdicts
//! are inconclusive (allowed here), and none may fail except the known failures.

use sarcosim::params::{Params, TABLE};
use sarcosim::reference;
use sarcosim::validate::stats::Verdict;
use sarcosim::validate::{self, Options, Role};

const POPULATION: u64 = 3000;

/// Targets the calibrated model is known to miss, each explained in docs/validation.md
/// ("Known failures and borderline targets"). They are not hidden: `sarcosim validate` reports them as FAIL and
/// exits 1, and this test fails as soon as one of them passes (update the list) or any
/// other target fails.
const KNOWN_FAILURES: &[&str] = &[
    // The spread of within-person change (issue 12, eighth set; docs/validation.md):
    // failing at their first run and after the fluctuation of strength, which moves grip,
    // not ALM (ALM's change in the model: a narrow core and rare large losses).
    "westbury-alm-loss-iqr",
    "ling-grip-change-sd-85-w",
    "batsis-low-alm-bmi-m",
    // Just below its accepted interval: fails at the default population, passes on fewer.
    "patel-prevalence-w",
    // Independent targets of src/validate/independent.rs the model misses (issue 12; see
    // docs/validation.md, "Independent checks of the tails").
    "alley-weak-grip-m",
    "alley-weak-grip-w",
    "alley-intermediate-grip-m",
    "tilda-probable-sarcopenia",
    "granic-grip-85-to-90-m",
    "granic-grip-85-to-90-w",
    "mitchell-strength-loss-m",
    "launer-bmi-80s-vs-60s-w",
    // The BMI mortality gradient (body size, issue 12 third set): survivors' weight falls
    // faster after 65 than Barone's longitudinal loss.
    "barone-weight-65-to-85-m",
    // Added with src/validate/wider.rs (issue 12), failing before any structural change.
    "ukb-probable-sarcopenia-40-69",
    "age2015-testosterone-lean",
    // Added with src/validate/surveys.rs and definitions.rs (issue 12), failing at their
    // first run before any structural change (docs/validation.md, "Wider validation suite").
    "baumgartner-low-almi-65-69-w",
    "baumgartner-low-almi-80-w",
    "looker-weak-grip-60",
    "looker-intermediate-grip-60",
    "looker-reduced-grip-80-m",
    "looker-reduced-grip-80-w",
    "huemer-probable-sarcopenia-65",
    // src/validate/strata.rs, failing at its first run.
    "hrs-weak-grip-60-w",
    "sweden-ewgsop2-85",
    // Moved by fat mass as a state (issue 12, body composition; docs/validation.md,
    // "Structural changes of issue 12").
    "kirk-almi-50-to-70-m",
    "dodds-grip-p10-w-60",
    "hrs-weak-grip-bmi-60-w",
    // Moved by gait as a population quantity (issue 12; docs/validation.md, "Structural
    // changes of issue 12"): EWGSOP1 counts slow gait.
    // The non-US design (src/validate/east_asian.rs, issue 15), failing at its first run
    // (docs/validation.md, "Non-US design").
    "sports-agency-grip-75-w",
    "seino-usual-gait-65-84-w",
    "seino-almi-65-84-m",
    "seino-almi-65-84-w",
    // Moved below their intervals when the design began to enter at 60 with the conditions
    // the life table's population carries at 60 (more illness: slower gait, faster loss of
    // grip), which made its construction checks pass (docs/validation.md, "Non-US design").
    "sports-agency-grip-70-w",
    "seino-usual-gait-65-84-m",
    // Moved below (ALM) or above (weak grip) their intervals when draw 0 took the
    // calibrated parameters' posterior medians instead of the point fit (docs/validation.md,
    // "Parameter uncertainty"); baumgartner-low-almi-80-m is on the edge (passes with the
    // 30-step sample's medians at 80,000 persons).
    "hrs-weak-grip-60-m",
    // Still failing when computed on the persons DO-HEALTH would have enrolled
    // (docs/validation.md, "Measurement models (issue 12, third set)").
    "do-health-ewgsop2",
    "do-health-awgs2019",
    "do-health-fnih",
    // Failing since grip is read by their study's dynamometer (a Smedley-type spring reads
    // 0.925 of the Jamar the model stands for; docs/validation.md, "Strength spread (issue
    // 12, third set)", "Grip as each study measured it"): passed at the model's own grip.
    "hrs-weak-grip-bmi-60-m",
    "sports-agency-grip-60-m",
    "sports-agency-grip-60-w",
    "sports-agency-grip-65-m",
    "sports-agency-grip-65-w",
    "sports-agency-grip-70-m",
    "sports-agency-grip-75-m",
    // Failing since the birth cohorts of grip and the recalibration that followed (docs/validation.md,
    // "Birth cohorts of grip (issue 12, fourth set)"): within-person loss of men now below the
    // Danish estimate; low ALM and the young-old muscle difference too small; slow gait at 60+.
    // Older cohorts' smaller ALM at the same BMI in the cross-sectional view: ALM/BMI lower.
    "batsis-low-alm-bmi-w",
    "frederiksen-grip-loss-50-85-m",
    "goodpaster-strength-vs-mass",
    "webb-gait-1-2-60",
    // Failing since the fifth set of issue 12 (docs/validation.md, "ALM loss across the age
    // range"): late-life ALM loss of the general population faster than three independent
    // longitudinal cohorts (declared with the set, failing at their first run); sarcopenia
    // by AWGS 2014 and EWGSOP1 in three community cohorts above their intervals, with more
    // low muscle at 65-85 (the midlife ALM loss and the steeper ALM-BMI slope).
    "wiegmann-almi-loss-70plus-w",
    "westbury-alm-loss-9y",
    "auyeung-alm-loss-m",
    "auyeung-alm-loss-w",
    "do-health-awgs2014",
    "rotterdam-ewgsop1",
    "road-awgs2014-60",
    "hisayama-awgs2014-65",
    // Since the sixth set (docs/validation.md, "Chronic conditions by age"): men's low
    // ALM/height² at 80+ rarer than Baumgartner's (37.1 against at least 40.0 %).
    // (`dodds-grip-p10-w-60` and `seino-almi-65-84-w` pass at 80,000 persons on the edge of
    // their intervals and stay listed.) Heart failure at 85+ left the list in the seventh
    // set (its death at onset).
    "baumgartner-low-almi-80-m",
    // Since the seventh set (docs/validation.md, "Mortality with chronic conditions"): men's
    // fat peaks at 79, so their mean BMI at 80-89 is no longer below that at 60-69 in the
    // followed cohort; and women's grip loss at 70-79 passes at 80,000 persons only on the
    // edge of its interval (1.49 %/yr against 1.5, with the Monte Carlo allowance).
    "launer-bmi-80s-vs-60s-m",
    "mitchell-strength-loss-w",
];

/// Targets committed with their tolerances before the first run that computes them: their
/// verdicts are not known when they land, so this test does not judge them until
/// docs/validation.md records their first run and they move to KNOWN_FAILURES or leave
/// this list. Empty: every target has been run.
const NOT_YET_RUN: &[&str] = &[];

/// Known failures far enough outside their tolerance that 3,000 persons still fail them.
/// (`gould-low-almi-80-m` left it when draw 0 took the posterior medians: 24.8 % against
/// at most 24.4 at 80,000 persons, inside at 3,000.)
const CLEAR_FAILURES: &[&str] = &[
    "alley-weak-grip-m",
    "do-health-ewgsop2",
    "looker-weak-grip-60",
];

fn rows_with(params: &Params) -> Vec<validate::Row> {
    let hazard = reference::calibrate(params);
    let runs = validate::run_designs(
        params,
        &hazard,
        &Options {
            population: POPULATION,
        },
    );
    validate::targets(&runs)
}

#[test]
fn every_target_is_within_its_tolerance() {
    let rows = rows_with(&Params::central());
    assert!(rows.len() >= 50, "the suite has {} targets", rows.len());
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| {
            r.verdict == Verdict::Fail
                && !KNOWN_FAILURES.contains(&r.id.as_str())
                && !NOT_YET_RUN.contains(&r.id.as_str())
        })
        .map(|r| {
            format!(
                "{}: simulated {:.3} outside [{:.3}, {:.3}] {} ({})",
                r.id, r.simulated, r.tolerance.0, r.tolerance.1, r.unit, r.source
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "targets out of tolerance:\n{}",
        failed.join("\n")
    );
    for id in NOT_YET_RUN {
        assert!(rows.iter().any(|r| r.id == *id), "{id} is not a target");
    }
    for id in CLEAR_FAILURES {
        let r = rows
            .iter()
            .find(|r| r.id == *id)
            .expect("known failure exists");
        assert!(
            !r.pass,
            "{id} now passes: remove it from KNOWN_FAILURES and the docs"
        );
    }
    for role in [Role::Fit, Role::Independent] {
        assert!(rows.iter().any(|r| r.role == role));
    }
}

#[test]
fn a_model_that_loses_muscle_too_fast_fails_its_targets() {
    let mut p = Params::central();
    p.age_loss_75_m *= 2.5;
    let rows = rows_with(&p);
    let row = rows
        .iter()
        .find(|r| r.id == "mitchell-mass-loss-m")
        .unwrap();
    assert!(
        !row.pass,
        "doubling the loss must fail Mitchell: {:.2}",
        row.simulated
    );
}

/// The table holds the point fit of `docs/calibration/fit.json` for the calibrated
/// parameters without a prior (fixed in every draw); those with a prior take their central
/// value from the posterior sample instead (checked in `validate::posterior`).
#[test]
fn the_table_holds_the_calibrated_values() {
    let fit: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/calibration/fit.json"
        ))
        .expect("docs/calibration/fit.json (written by `sarcosim calibrate`)"),
    )
    .unwrap();
    let central = Params::central();
    let posterior = sarcosim::validate::calibrate::posterior_parameters();
    let mut point = 0;
    for entry in fit["parameters"].as_array().unwrap() {
        let name = entry[0].as_str().unwrap();
        let fitted = entry[2].as_f64().unwrap();
        let value = central.get(name).unwrap();
        let spec = TABLE.iter().find(|s| s.name == name).unwrap();
        if posterior.contains(&name) {
            assert!(
                spec.source.contains("posterior median"),
                "{name}'s source must say its central value is the posterior median"
            );
            continue;
        }
        point += 1;
        assert!(
            (value - fitted).abs() <= 0.01 * fitted.abs() + 1e-9,
            "{name}: table {value} vs fitted {fitted}"
        );
        assert!(
            spec.source.contains("sarcosim calibrate"),
            "{name}'s source must say it was fitted"
        );
    }
    assert_eq!(point, 5, "the point-fitted parameters without a prior");
}

/// Every target that reads grip (alone, over BMI, or inside a sarcopenia definition) names
/// its study's grip protocol in `validate::dynamometer::PROTOCOLS`, and every protocol
/// there belongs to a target; the converted ones read their protocol's factor.
#[test]
fn every_grip_target_names_its_protocol() {
    use sarcosim::validate::dynamometer::{factor, PROTOCOLS};
    let params = Params::central();
    let hazard = reference::calibrate(&params);
    let runs = validate::run_designs(&params, &hazard, &Options { population: 200 });
    let rows = validate::targets(&runs);
    let named = |id: &str| PROTOCOLS.iter().any(|(t, _, _)| *t == id);
    let reads_grip = |r: &validate::Row| {
        r.id.contains("grip")
            || ["grip", "EWGSOP", "FNIH", "AWGS", "strength"]
                .iter()
                .any(|k| r.measure.contains(k))
    };
    let unnamed: Vec<&str> = rows
        .iter()
        .filter(|r| reads_grip(r) && !named(&r.id))
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        unnamed.is_empty(),
        "grip targets without a protocol: {unnamed:?}"
    );
    for (id, protocol, converted) in PROTOCOLS {
        let row = rows.iter().find(|r| r.id == *id);
        assert!(row.is_some(), "{id} names a protocol but is not a target");
        assert!(reads_grip(row.unwrap()), "{id} does not read grip");
        assert_eq!(*converted, factor(*protocol, &params) != 1.0, "{id}");
    }
    // Fit targets are measured by the reference protocol.
    for r in rows.iter().filter(|r| r.role == Role::Fit && reads_grip(r)) {
        let (_, protocol, _) = PROTOCOLS.iter().find(|(t, _, _)| *t == r.id).unwrap();
        assert_eq!(
            factor(*protocol, &params),
            1.0,
            "fit target {} converted",
            r.id
        );
    }
}
