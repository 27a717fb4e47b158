//! Benchmarks: `leaksafe::sync::Arc` against `std::sync::Arc` and
//! `triomphe::Arc` (no weak count), side by side in one run.
//!
//! Run: `cargo bench -p leaksafe --bench arc`. Results and ratios:
//! `benches/results/arc.md`.
//!
//! Every case is timed *paired* (see `common/paired.rs`): each round runs
//! every case of the group back to back in a rotating order, and the ratio
//! claimed is the median over rounds of (case ÷ std in the same round),
//! printed as `paired ...` lines when the group ends; criterion's estimate per
//! case is its fastest chunk. `std#2` is a second, identical copy of the std
//! case: its ratio to std is what the method reads for two equal things.
//!
//! The two-thread group runs two threads, pinned to CPUs 0 and 1, for the
//! whole criterion call: per round and per library both meet at a
//! [`Barrier`], then at a spin rendezvous (so they start together, not a
//! futex wake-up apart), then each does [`CONTENDED_OPS`] clone+drop pairs on
//! the same `Arc`. The library's time in the round runs from the first start
//! to the last end; the overlap (time both threads ran ÷ that span) is
//! printed, and rounds where any library overlapped less than [`MIN_OVERLAP`]
//! (a thread descheduled by other load) are left out of the paired ratios.
use core::num::Saturating;
use std::hint::black_box;
use std::sync::Mutex;

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/paired.rs"]
mod paired;
use paired::{Paired, configure, run_group};

type LArc<T, C = usize> = leaksafe::sync::Arc<T, C>;

/// Clone and drop one handle to a live `Arc<u64>`: one Relaxed increment and
/// one Release decrement (not the last).
fn clone_drop(c: &mut Criterion) {
    macro_rules! case {
        ($make:expr) => {{
            let a = $make;
            move |n: u64| {
                for _ in 0..n {
                    drop(black_box(black_box(&a).clone()));
                }
            }
        }};
    }
    let std = case!(std::sync::Arc::new(5u64));
    let std2 = case!(std::sync::Arc::new(5u64));
    let triomphe = case!(triomphe::Arc::new(5u64));
    let usize = case!(LArc::<u64>::new(5));
    let u64 = case!(LArc::<u64, u64>::new_counted(5));
    let u32 = case!(LArc::<u64, u32>::new_counted(5));
    let u8 = case!(LArc::<u64, u8>::new_counted(5));
    let sat_u32 = case!(LArc::<u64, Saturating<u32>>::new_counted(5));
    run_group(
        c,
        "arc/clone+drop",
        &[
            "std",
            "std#2",
            "triomphe",
            "leaksafe_usize",
            "leaksafe_u64",
            "leaksafe_u32",
            "leaksafe_u8",
            "leaksafe_sat_u32",
        ],
        &[&std, &std2, &triomphe, &usize, &u64, &u32, &u8, &sat_u32],
        2000,
        &[2],
    );
}

/// new + drop: allocation, counts' initialisation, last-drop path.
fn new_drop(c: &mut Criterion) {
    macro_rules! case {
        ($new:expr) => {
            |n: u64| {
                for _ in 0..n {
                    drop(black_box($new(black_box(5u64))));
                }
            }
        };
    }
    let std = case!(std::sync::Arc::new);
    let triomphe = case!(triomphe::Arc::new);
    let usize = case!(LArc::<u64>::new);
    let u8 = case!(LArc::<u64, u8>::new_counted);
    let sat_u32 = case!(LArc::<u64, Saturating<u32>>::new_counted);
    run_group(
        c,
        "arc/new+drop",
        &[
            "std",
            "triomphe",
            "leaksafe_usize",
            "leaksafe_u8",
            "leaksafe_sat_u32",
        ],
        &[&std, &triomphe, &usize, &u8, &sat_u32],
        1000,
        &[1],
    );
}

/// upgrade + drop of a Weak (a compare-exchange loop in both std and leaksafe).
fn upgrade_drop(c: &mut Criterion) {
    macro_rules! case {
        ($make:expr, $downgrade:expr) => {{
            let a = $make;
            let w = $downgrade(&a);
            move |n: u64| {
                for _ in 0..n {
                    drop(black_box(black_box(&w).upgrade()));
                }
                black_box(&a);
            }
        }};
    }
    let std = case!(std::sync::Arc::new(5u64), std::sync::Arc::downgrade);
    let usize = case!(LArc::<u64>::new(5), LArc::downgrade);
    let u8 = case!(LArc::<u64, u8>::new_counted(5), LArc::downgrade);
    run_group(
        c,
        "arc/upgrade+drop",
        &["std", "leaksafe_usize", "leaksafe_u8"],
        &[&std, &usize, &u8],
        2000,
        &[],
    );
}

#[path = "common/contended.rs"]
mod contended;
use contended::*;

/// Two threads clone and drop handles to the same `Arc` at once (the count's
/// cache line bounces between the cores). Time per clone+drop pair per thread.
fn contended(c: &mut Criterion) {
    macro_rules! case {
        ($make:expr) => {{
            let a = $make;
            move |n: u64| {
                for _ in 0..n {
                    drop(black_box(black_box(&a).clone()));
                }
            }
        }};
    }
    let std = case!(std::sync::Arc::new(5u64));
    let triomphe = case!(triomphe::Arc::new(5u64));
    let usize = case!(LArc::<u64>::new(5));
    let u8 = case!(LArc::<u64, u8>::new_counted(5));
    let sat_u32 = case!(LArc::<u64, Saturating<u32>>::new_counted(5));
    let cases: [SyncCase<'_>; 5] = [&std, &triomphe, &usize, &u8, &sat_u32];
    let names = [
        "std",
        "triomphe",
        "leaksafe_usize",
        "leaksafe_u8",
        "leaksafe_sat_u32",
    ];
    let paired = Paired::new(&names);
    let stats = Mutex::new(ContendedStats::default());
    let mut g = c.benchmark_group("arc/two_threads");
    for (which, name) in names.iter().enumerate() {
        g.bench_function(*name, |b| {
            contended_bench(b, which, &cases, &paired, &stats)
        });
    }
    g.finish();
    paired.print("arc/two_threads", 0, &[1]);
    let st = stats.into_inner().unwrap();
    let mut o = st.overlaps;
    o.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if !o.is_empty() {
        println!(
            "paired arc/two_threads overlap (both threads running / span): {} rounds run, {} library runs, median {:.3}, 10th percentile {:.3}, pinned to CPUs 0 and 1: {}; only rounds where every library overlapped >= {MIN_OVERLAP} count in the ratios",
            st.rounds,
            o.len(),
            o[o.len() / 2],
            o[o.len() / 10],
            !st.unpinned
        );
    }
}

criterion_group! {
    name = group;
    config = configure();
    targets = clone_drop, new_drop, upgrade_drop, contended
}
criterion_main!(group);
