//! The harness's own overhead per explored case.
//!
//! - `case/*`: one run of a scenario (fresh ledger, plan, body, checks,
//!   report) for std's `Vec`, against `bare/*`, the same operation on a
//!   plain `Vec<usize>` with no harness: the ratio is the cost the harness
//!   adds to each explored case.
//! - `explore/*`: a whole exhaustive exploration (throughput in cases, so
//!   criterion reports the time per explored case).
//! - `value/*`: one `Tracked` created and dropped (ledger books, canary,
//!   home lookup) against one `Box<usize>`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leaksafe_check::{Ledger, Plan, Scenario, explore_panics, std_library};

fn scenario(name: &str) -> Scenario {
    std_library()
        .into_iter()
        .find(|s| s.full_name() == name)
        .expect("scenario")
}

fn bench(c: &mut Criterion) {
    let n = leaksafe_check::scenarios::vec::N;
    let mut g = c.benchmark_group("case");
    for name in ["retain", "drain_rest", "extend"] {
        let s = scenario(&format!("std::vec::Vec/{name}"));
        g.bench_function(name, |b| b.iter(|| black_box(s.run(Plan::none()))));
    }
    g.finish();

    let mut g = c.benchmark_group("bare");
    g.bench_function("retain", |b| {
        b.iter(|| {
            let mut v: Vec<usize> = (0..n).collect();
            v.retain(|x| black_box(*x) % 2 == 0);
            v.push(1000);
            black_box(v)
        })
    });
    g.bench_function("drain_rest", |b| {
        b.iter(|| {
            let mut v: Vec<usize> = (0..n).collect();
            let mut d = v.drain(1..n - 1);
            black_box(d.next());
            drop(d);
            v.push(1000);
            black_box(v)
        })
    });
    g.bench_function("extend", |b| {
        b.iter(|| {
            let mut v: Vec<usize> = (0..2).collect();
            v.extend((0..n).map(|i| black_box(10 + i)));
            v.push(1000);
            black_box(v)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("explore");
    for name in ["retain", "extend_sweep"] {
        let s = scenario(&format!("std::vec::Vec/{name}"));
        let cases = explore_panics(&s).len() as u64;
        g.throughput(Throughput::Elements(cases));
        g.bench_function(format!("{name}_{cases}_cases"), |b| {
            b.iter(|| black_box(explore_panics(&s)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("value");
    let ledger = Ledger::new();
    g.bench_function("tracked_create_drop", |b| {
        b.iter(|| drop(black_box(ledger.track(black_box(7usize)))))
    });
    g.bench_function("box_create_drop", |b| {
        b.iter(|| drop(black_box(Box::new(black_box(7usize)))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
