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
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use criterion::{Bencher, Criterion, criterion_group, criterion_main};

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

/// Clone+drop pairs per thread per round and library in the two-thread group
/// (~0.5–2 ms per round and library with the cache line bouncing).
const CONTENDED_OPS: u64 = 10_000;

/// A case both threads run at once.
type SyncCase<'a> = &'a (dyn Fn(u64) + Sync);

/// Waits until both threads have arrived (spinning: after the barrier both are
/// awake, so this is short, and it releases them together). Yields now and
/// then in case the other thread has lost its CPU to another process.
fn rendezvous(arrived: &AtomicUsize) {
    let target = arrived.fetch_add(1, Ordering::AcqRel) / 2 * 2 + 2;
    let mut spins = 0u32;
    while arrived.load(Ordering::Acquire) < target {
        spins += 1;
        if spins % 4096 == 0 {
            std::thread::yield_now();
        } else {
            std::hint::spin_loop();
        }
    }
}

/// Pins the calling thread to CPU `cpu` (Linux `sched_setaffinity`); false
/// if that failed or is not supported. Without it the scheduler sometimes
/// puts both threads on one CPU when the other is busy, and they take turns
/// instead of contending.
fn pin_to_cpu(cpu: usize) -> bool {
    #[cfg(target_os = "linux")]
    {
        unsafe extern "C" {
            fn sched_setaffinity(pid: i32, cpusetsize: usize, mask: *const u64) -> i32;
        }
        let mut mask = [0u64; 16]; // a 1024-bit `cpu_set_t`
        if cpu >= 1024 {
            return false;
        }
        mask[cpu / 64] |= 1 << (cpu % 64);
        // SAFETY: `mask` is a live, initialised `cpu_set_t`-sized buffer whose
        // size is passed; pid 0 means the calling thread.
        unsafe { sched_setaffinity(0, core::mem::size_of_val(&mask), mask.as_ptr()) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = cpu;
        false
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
/// Two threads, pinned to CPUs 0 and 1, run the same schedule; thread 0 keeps
/// the books. A library's time in a round is the span from the first thread's
/// start to the last thread's end; its overlap is the time both ran ÷ that
/// span (timestamps from one monotonic clock).
fn contended_bench(
    b: &mut Bencher<'_>,
    which: usize,
    cases: &[SyncCase<'_>],
    paired: &Paired,
    stats: &Mutex<ContendedStats>,
) {
    b.iter_custom(|iters| {
        let rounds = paired.take_rounds(iters.div_ceil(CONTENDED_OPS) as usize);
        let barrier = Barrier::new(2);
        let arrived = AtomicUsize::new(0);
        let epoch = Instant::now();
        let ns = |t: Instant| t.duration_since(epoch).as_nanos() as u64;
        let starts = [AtomicU64::new(0), AtomicU64::new(0)];
        let ends = [AtomicU64::new(0), AtomicU64::new(0)];
        let thread = |me: usize| {
            let pinned = pin_to_cpu(me);
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
                    starts[me].store(ns(start), Ordering::Relaxed);
                    ends[me].store(ns(end), Ordering::Relaxed);
                    barrier.wait(); // both threads' stores happen before this
                    if me == 0 {
                        let s = starts.each_ref().map(|a| a.load(Ordering::Relaxed));
                        let e = ends.each_ref().map(|a| a.load(Ordering::Relaxed));
                        let span = e[0].max(e[1]) - s[0].min(s[1]);
                        let both = e[0].min(e[1]).saturating_sub(s[0].max(s[1]));
                        let overlap = both as f64 / span as f64;
                        ovl.push(overlap);
                        all_overlapped &= overlap >= MIN_OVERLAP;
                        row[k] = span as f64 / CONTENDED_OPS as f64;
                        if k == which {
                            best = best.min(span);
                        }
                    }
                }
                if all_overlapped {
                    rows.push(row);
                }
            }
            (pinned, best, rows, ovl)
        };
        let ((pinned0, best, rows, ovl), (pinned1, ..)) = std::thread::scope(|s| {
            let t0 = s.spawn(|| thread(0));
            let t1 = s.spawn(|| thread(1));
            (t0.join().unwrap(), t1.join().unwrap())
        });
        let mut st = stats.lock().unwrap();
        st.rounds += rounds.len();
        st.unpinned |= !(pinned0 && pinned1);
        st.overlaps.extend(ovl);
        drop(st);
        paired.record(rows);
        Duration::from_nanos(best).mul_f64(iters as f64 / CONTENDED_OPS as f64)
    })
}

/// What the two-thread group saw besides the times.
#[derive(Default)]
struct ContendedStats {
    /// Rounds run (kept or not).
    rounds: usize,
    /// Whether pinning to CPUs 0 and 1 failed anywhere.
    unpinned: bool,
    /// Overlap of every library run.
    overlaps: Vec<f64>,
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
