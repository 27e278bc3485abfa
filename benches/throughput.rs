//! Throughput benchmarks, in person-years per second (criterion's "elements").
//!
//! - `step_kernel`: one person's full 30-year monthly horizon through `Model::step`, for a
//!   batch of persons of the RW-1 benchmark scenario (no output at all);
//! - `end_to_end`: `sarcosim run` of `scenarios/bench/rw1-1m.toml` cut to 20,000 persons
//!   (calibration, simulation, summary and outcomes Parquet), on every core.
//!
//!     cargo bench --bench throughput
//!
//! `scripts/bench.sh` runs the full-size scenarios with peak memory.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sarcosim::engine::Plan;
use sarcosim::model::{Modifiers, Streams};
use sarcosim::output::Shard;
use sarcosim::population;
use sarcosim::run::{run, RunOptions};
use sarcosim::Scenario;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench/rw1-1m.toml");
    Scenario::from_file(&path).expect("the benchmark scenario is valid")
}

fn step_kernel(c: &mut Criterion) {
    let s = scenario();
    let plan = Plan::new(&s, 0..0);
    let model = &plan.models[0];
    let horizon = s.horizon_steps;
    let persons: Vec<_> = (0..256)
        .map(|id| population::sample(id, &s.cohorts, model, s.seed, 0))
        .collect();
    let simulate = |count: &mut u64| {
        for start in &persons {
            let mut p = start.clone();
            let mut streams = Streams::new(s.seed, 0, p.id);
            for _ in 0..horizon {
                *count += 1;
                if model.step(&mut p, &mut streams, &Modifiers::NONE).died {
                    break;
                }
            }
            black_box(&p);
        }
    };
    let mut steps = 0;
    simulate(&mut steps);
    let person_years = (steps as f64 * model.dt).round() as u64;
    let mut g = c.benchmark_group("step_kernel");
    g.throughput(Throughput::Elements(person_years));
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("rw1_256_persons_30y_monthly", |b| {
        b.iter(|| {
            let mut n = 0;
            simulate(&mut n);
            n
        })
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let mut s = scenario();
    s.population = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let opts = RunOptions {
        out: dir.path().join("out"),
        shard: Shard::WHOLE,
        threads: 0,
        force: true,
        progress: false,
        resume: false,
    };
    // Person-years of the run: the sum of the outcomes' years lived, computed once.
    let person_years: f64 = {
        let plan = Plan::new(&s, 0..s.population);
        let r = plan.simulate_chunk(0, 0..s.population);
        r.outcomes.iter().flat_map(|o| o.years_lived.iter()).sum()
    };
    let mut g = c.benchmark_group("end_to_end");
    g.throughput(Throughput::Elements(person_years.round() as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("rw1_20k_persons_no_trajectories", |b| {
        b.iter(|| run(&s, &opts).expect("the benchmark runs"))
    });
    g.finish();
}

criterion_group!(benches, step_kernel, end_to_end);
criterion_main!(benches);
