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
//! The two-thread group keeps one worker thread for the whole criterion call:
//! per round and per library both threads meet at a [`Barrier`], then at a
//! spin rendezvous (so they start together, not a futex wake-up apart), then
//! each does [`CONTENDED_OPS`] clone+drop pairs on the same `Arc`. The round's
//! time for that library runs from the first start to the last end; the
//! overlap (time both threads ran ÷ that span) is printed, and rounds where
//! any library overlapped less than [`MIN_OVERLAP`] (a thread descheduled by
//! other load) are left out of the paired ratios.
use core::num::Saturating;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use criterion::{Bencher, Criterion, criterion_group, criterion_main};

#[path = "common/paired.rs"]
mod paired;
use paired::{Case, Paired};

type LArc<T, C = usize> = leaksafe::sync::Arc<T, C>;

fn configure() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .without_plots()
}

/// Runs one paired single-threaded group: a criterion function per case, then
/// the `paired` lines (baseline: case 0).
fn run_group(
    c: &mut Criterion,
    group: &str,
    names: &[&'static str],
    cases: &[Case<'_>],
    chunk: u64,
    peers: &[usize],
) {
    let paired = Paired::new(names);
    let mut g = c.benchmark_group(group);
    for (which, name) in names.iter().enumerate() {
        g.bench_function(*name, |b| paired.bench(b, which, cases, chunk));
    }
    g.finish();
    paired.print(group, 0, peers);
}

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

/// Clone+drop pairs per thread per round and library in the two-thread group
/// (~0.5–2 ms per round and library with the cache line bouncing).
const CONTENDED_OPS: u64 = 10_000;

/// A case both threads run at once.
type SyncCase<'a> = &'a (dyn Fn(u64) + Sync);

/// Waits until both threads have arrived (spinning: after the barrier both are
/// awake, so this is short, and it releases them within ~100 ns of each other).
fn rendezvous(arrived: &AtomicUsize) {
    let target = arrived.fetch_add(1, Ordering::AcqRel) / 2 * 2 + 2;
    while arrived.load(Ordering::Acquire) < target {
        std::hint::spin_loop();
    }
}

/// Rounds in which the two threads of any library overlapped less than this
/// fraction of their joint span are left out of the paired ratios (one thread
/// was descheduled, so that library ran partly uncontended).
const MIN_OVERLAP: f64 = 0.9;

/// The criterion routine for library `which` of the two-thread group: rounds
/// of all libraries (see the module docs); returns the fastest round of
/// `which`, scaled to `iters` clone+drop pairs per thread.
///
/// A library's time in a round is the span from the first thread's start to
/// the last thread's end; its overlap is the time both ran ÷ that span
/// (timestamps from one monotonic clock).
fn contended_bench(
    b: &mut Bencher<'_>,
    which: usize,
    cases: &[SyncCase<'_>],
    paired: &Paired,
    overlaps: &Mutex<Vec<f64>>,
) {
    b.iter_custom(|iters| {
        let rounds = paired.take_rounds(iters.div_ceil(CONTENDED_OPS) as usize);
        let barrier = Barrier::new(2);
        let arrived = AtomicUsize::new(0);
        let epoch = Instant::now();
        let ns = |t: Instant| t.duration_since(epoch).as_nanos() as u64;
        let (worker_start, worker_end) = (AtomicU64::new(0), AtomicU64::new(0));
        std::thread::scope(|s| {
            s.spawn(|| {
                for r in rounds.clone() {
                    for k in paired.order(r) {
                        barrier.wait();
                        rendezvous(&arrived);
                        let start = Instant::now();
                        cases[k](black_box(CONTENDED_OPS));
                        let end = Instant::now();
                        worker_start.store(ns(start), Ordering::Relaxed);
                        worker_end.store(ns(end), Ordering::Relaxed);
                        barrier.wait();
                    }
                }
            });
            let mut best = u64::MAX;
            let mut rows = Vec::with_capacity(rounds.len());
            let mut ovl = Vec::with_capacity(rounds.len() * cases.len());
            for r in rounds.clone() {
                let mut row = vec![0.0; cases.len()];
                let mut all_overlapped = true;
                for k in paired.order(r) {
                    barrier.wait();
                    rendezvous(&arrived);
                    let start = Instant::now();
                    cases[k](black_box(CONTENDED_OPS));
                    let end = Instant::now();
                    barrier.wait(); // the worker's stores happen before this
                    let (s0, e0) = (ns(start), ns(end));
                    let s1 = worker_start.load(Ordering::Relaxed);
                    let e1 = worker_end.load(Ordering::Relaxed);
                    let span = e0.max(e1) - s0.min(s1);
                    let both = e0.min(e1).saturating_sub(s0.max(s1));
                    let overlap = both as f64 / span as f64;
                    ovl.push(overlap);
                    all_overlapped &= overlap >= MIN_OVERLAP;
                    row[k] = span as f64 / CONTENDED_OPS as f64;
                    if k == which {
                        best = best.min(span);
                    }
                }
                if all_overlapped {
                    rows.push(row);
                }
            }
            paired.record(rows);
            overlaps.lock().unwrap().extend(ovl);
            Duration::from_nanos(best).mul_f64(iters as f64 / CONTENDED_OPS as f64)
        })
    })
}

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
    let overlaps = Mutex::new(Vec::new());
    let mut g = c.benchmark_group("arc/two_threads");
    for (which, name) in names.iter().enumerate() {
        g.bench_function(*name, |b| {
            contended_bench(b, which, &cases, &paired, &overlaps)
        });
    }
    g.finish();
    paired.print("arc/two_threads", 0, &[1]);
    let mut o = overlaps.into_inner().unwrap();
    o.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "paired arc/two_threads overlap (both threads running / span): {} runs, median {:.3}, 10th percentile {:.3}; rounds kept (every library >= {MIN_OVERLAP}) are counted above",
        o.len(),
        o[o.len() / 2],
        o[o.len() / 10]
    );
}

criterion_group! {
    name = group;
    config = configure();
    targets = clone_drop, new_drop, upgrade_drop, contended
}
criterion_main!(group);
