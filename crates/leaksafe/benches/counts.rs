//! Benchmarks of issue 19's pointers, side by side with std, triomphe and
//! rclite in one run: immortal `Arc` clone+drop on one and two threads,
//! `ThinArc` against triomphe's, and narrow `Rc` counts against std's `Rc`.
//!
//! Run: `cargo bench -p leaksafe --bench counts`. Every group is timed
//! *paired* (see `common/paired.rs`): the `paired ...` lines give each case's
//! median per-round ratio to the group's first case (std, or triomphe for
//! `ThinArc`) with its interquartile range. `std#2` (or `triomphe#2`) is an
//! identical copy of the baseline: its ratio is what the method reads for two
//! equal things. The two-thread group is `benches/arc.rs`'s (copied below:
//! pinned threads, barrier + spin rendezvous, rounds with less than
//! [`MIN_OVERLAP`] overlap left out).
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
type LRc<T, C = usize> = leaksafe::rc::Rc<T, C>;

macro_rules! clone_drop_case {
    ($make:expr) => {{
        let a = $make;
        move |n: u64| {
            for _ in 0..n {
                drop(black_box(black_box(&a).clone()));
            }
        }
    }};
}

/// One thread clones and drops a handle to a live `Arc<u64>`: std's
/// Relaxed increment + Release decrement against an immortal value's two
/// loads and compares.
fn immortal_one_thread(c: &mut Criterion) {
    let std = clone_drop_case!(std::sync::Arc::new(5u64));
    let std2 = clone_drop_case!(std::sync::Arc::new(5u64));
    let triomphe = clone_drop_case!(triomphe::Arc::new(5u64));
    let rclite = clone_drop_case!(rclite::Arc::new(5u64));
    let usize = clone_drop_case!(LArc::<u64>::new(5));
    let imm32 = clone_drop_case!(LArc::<u64, Saturating<u32>>::new_immortal(5));
    let imm8 = clone_drop_case!(LArc::<u64, Saturating<u8>>::new_immortal(5));
    let immsz = clone_drop_case!(LArc::<u64, Saturating<usize>>::new_immortal(5));
    run_group(
        c,
        "counts/immortal_arc_clone+drop",
        &[
            "std",
            "std#2",
            "triomphe",
            "rclite",
            "leaksafe_usize",
            "leaksafe_immortal_sat_u32",
            "leaksafe_immortal_sat_u8",
            "leaksafe_immortal_sat_usize",
        ],
        &[
            &std, &std2, &triomphe, &rclite, &usize, &imm32, &imm8, &immsz,
        ],
        2000,
        &[],
    );
}

/// Narrow `Rc` counts: clone+drop of a live `Rc<u64, C>` against std's `Rc`.
fn narrow_rc(c: &mut Criterion) {
    let std = clone_drop_case!(std::rc::Rc::new(5u64));
    let std2 = clone_drop_case!(std::rc::Rc::new(5u64));
    let rclite = clone_drop_case!(rclite::Rc::new(5u64));
    let usize = clone_drop_case!(LRc::<u64>::new(5));
    let u8 = clone_drop_case!(LRc::<u64, u8>::new_counted(5));
    let u16 = clone_drop_case!(LRc::<u64, u16>::new_counted(5));
    let s8 = clone_drop_case!(LRc::<u64, Saturating<u8>>::new_counted(5));
    let s16 = clone_drop_case!(LRc::<u64, Saturating<u16>>::new_counted(5));
    let s32 = clone_drop_case!(LRc::<u64, Saturating<u32>>::new_counted(5));
    run_group(
        c,
        "counts/rc_clone+drop",
        &[
            "std",
            "std#2",
            "rclite",
            "leaksafe_usize",
            "leaksafe_u8",
            "leaksafe_u16",
            "leaksafe_sat_u8",
            "leaksafe_sat_u16",
            "leaksafe_sat_u32",
        ],
        &[&std, &std2, &rclite, &usize, &u8, &u16, &s8, &s16, &s32],
        2000,
        &[],
    );
}

/// `ThinArc` against triomphe's: build a header + 16 `u32`s from an
/// iterator and drop it; clone+drop of a live one.
fn thin(c: &mut Criterion) {
    const N: u32 = 16;
    let t_new = |n: u64| {
        for _ in 0..n {
            drop(black_box(triomphe::ThinArc::from_header_and_iter(
                black_box(7u32),
                0..black_box(N),
            )));
        }
    };
    let l_new = |n: u64| {
        for _ in 0..n {
            drop(black_box(leaksafe::sync::ThinArc::from_header_and_iter(
                black_box(7u32),
                0..black_box(N),
            )));
        }
    };
    let l8_new = |n: u64| {
        for _ in 0..n {
            drop(black_box(
                leaksafe::sync::ThinArc::<u32, u32, u8>::from_header_and_iter_counted(
                    black_box(7u32),
                    0..black_box(N),
                ),
            ));
        }
    };
    run_group(
        c,
        "counts/thin_arc_from_iter+drop",
        &["triomphe", "triomphe#2", "leaksafe_usize", "leaksafe_u8"],
        &[&t_new, &t_new, &l_new, &l8_new],
        500,
        &[],
    );
    let t = clone_drop_case!(triomphe::ThinArc::from_header_and_iter(7u32, 0..N));
    let t2 = clone_drop_case!(triomphe::ThinArc::from_header_and_iter(7u32, 0..N));
    let l = clone_drop_case!(leaksafe::sync::ThinArc::from_header_and_iter(7u32, 0..N));
    let l8 = clone_drop_case!(
        leaksafe::sync::ThinArc::<u32, u32, u8>::from_header_and_iter_counted(7u32, 0..N)
    );
    run_group(
        c,
        "counts/thin_arc_clone+drop",
        &["triomphe", "triomphe#2", "leaksafe_usize", "leaksafe_u8"],
        &[&t, &t2, &l, &l8],
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

/// Two threads clone and drop handles to the same `Arc` at once: std's and
/// triomphe's counts bounce between the cores; an immortal value's is only
/// read.
fn immortal_two_threads(c: &mut Criterion) {
    let std = clone_drop_case!(std::sync::Arc::new(5u64));
    let triomphe = clone_drop_case!(triomphe::Arc::new(5u64));
    let rclite = clone_drop_case!(rclite::Arc::new(5u64));
    let usize = clone_drop_case!(LArc::<u64>::new(5));
    let imm32 = clone_drop_case!(LArc::<u64, Saturating<u32>>::new_immortal(5));
    let imm8 = clone_drop_case!(LArc::<u64, Saturating<u8>>::new_immortal(5));
    let cases: [SyncCase<'_>; 6] = [&std, &triomphe, &rclite, &usize, &imm32, &imm8];
    let names = [
        "std",
        "triomphe",
        "rclite",
        "leaksafe_usize",
        "leaksafe_immortal_sat_u32",
        "leaksafe_immortal_sat_u8",
    ];
    let paired = Paired::new(&names);
    let stats = Mutex::new(ContendedStats::default());
    let mut g = c.benchmark_group("counts/immortal_arc_two_threads");
    for (which, name) in names.iter().enumerate() {
        g.bench_function(*name, |b| {
            contended_bench(b, which, &cases, &paired, &stats)
        });
    }
    g.finish();
    paired.print("counts/immortal_arc_two_threads", 0, &[]);
    let st = stats.into_inner().unwrap();
    let mut o = st.overlaps;
    o.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if !o.is_empty() {
        println!(
            "paired counts/immortal_arc_two_threads overlap: {} rounds run, median {:.3}, 10th percentile {:.3}, pinned: {}; only rounds where every library overlapped >= {MIN_OVERLAP} count",
            st.rounds,
            o[o.len() / 2],
            o[o.len() / 10],
            !st.unpinned
        );
    }
}

criterion_group! {
    name = group;
    config = configure();
    targets = immortal_one_thread, immortal_two_threads, narrow_rc, thin
}
criterion_main!(group);
