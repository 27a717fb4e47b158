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
use std::sync::Mutex;

use criterion::{Criterion, criterion_group, criterion_main};

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
/// On x86 a `u8`/`u16` strong count changes with one 32-bit operation over the
/// block's first four bytes when it has them (`u16`: always; `u8`: values
/// aligned to 4 or more); `_value_u8` is an `Rc<u8, C>` (a 3-byte block),
/// which keeps the byte operations.
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
    let u8v8 = clone_drop_case!(LRc::<u8, u8>::new_counted(5));
    let s8v8 = clone_drop_case!(LRc::<u8, Saturating<u8>>::new_counted(5));
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
            "leaksafe_u8_value_u8",
            "leaksafe_sat_u8_value_u8",
        ],
        &[
            &std, &std2, &rclite, &usize, &u8, &u16, &s8, &s16, &s32, &u8v8, &s8v8,
        ],
        2000,
        &[],
    );
}

/// Narrow `Rc` counts, the other count writes: upgrade+drop of a `Weak`,
/// and downgrade + clone + both drops, against std's `Rc`. A 32-bit load
/// right after a narrow store to the same bytes waits for the store, so
/// these show whether every count write of a wide-capable block is wide.
fn narrow_rc_weak(c: &mut Criterion) {
    macro_rules! up_case {
        ($make:expr) => {{
            let a = $make;
            let w = a.downgrade_for_bench();
            move |n: u64| {
                let _keep = &a;
                for _ in 0..n {
                    drop(black_box(black_box(&w).upgrade()));
                }
            }
        }};
    }
    macro_rules! dg_case {
        ($make:expr) => {{
            let a = $make;
            move |n: u64| {
                for _ in 0..n {
                    let w = black_box(&a).downgrade_for_bench();
                    let b = black_box(&a).clone();
                    drop(black_box(w));
                    drop(black_box(b));
                }
            }
        }};
    }
    let names = [
        "std",
        "std#2",
        "leaksafe_u32",
        "leaksafe_u8",
        "leaksafe_u16",
        "leaksafe_sat_u8",
        "leaksafe_sat_u16",
        "leaksafe_u8_value_u8",
    ];
    {
        let std = up_case!(std::rc::Rc::new(5u64));
        let std2 = up_case!(std::rc::Rc::new(5u64));
        let u32 = up_case!(LRc::<u64, u32>::new_counted(5));
        let u8 = up_case!(LRc::<u64, u8>::new_counted(5));
        let u16 = up_case!(LRc::<u64, u16>::new_counted(5));
        let s8 = up_case!(LRc::<u64, Saturating<u8>>::new_counted(5));
        let s16 = up_case!(LRc::<u64, Saturating<u16>>::new_counted(5));
        let u8v8 = up_case!(LRc::<u8, u8>::new_counted(5));
        run_group(
            c,
            "counts/rc_upgrade+drop",
            &names,
            &[&std, &std2, &u32, &u8, &u16, &s8, &s16, &u8v8],
            2000,
            &[],
        );
    }
    let std = dg_case!(std::rc::Rc::new(5u64));
    let std2 = dg_case!(std::rc::Rc::new(5u64));
    let u32 = dg_case!(LRc::<u64, u32>::new_counted(5));
    let u8 = dg_case!(LRc::<u64, u8>::new_counted(5));
    let u16 = dg_case!(LRc::<u64, u16>::new_counted(5));
    let s8 = dg_case!(LRc::<u64, Saturating<u8>>::new_counted(5));
    let s16 = dg_case!(LRc::<u64, Saturating<u16>>::new_counted(5));
    let u8v8 = dg_case!(LRc::<u8, u8>::new_counted(5));
    run_group(
        c,
        "counts/rc_downgrade+clone+drop",
        &names,
        &[&std, &std2, &u32, &u8, &u16, &s8, &s16, &u8v8],
        2000,
        &[],
    );
}

/// `Rc::downgrade` under one name for std's and leaksafe's `Rc` (the
/// macros above take either).
trait DowngradeForBench {
    type W;
    fn downgrade_for_bench(&self) -> Self::W;
}
impl<T> DowngradeForBench for std::rc::Rc<T> {
    type W = std::rc::Weak<T>;
    fn downgrade_for_bench(&self) -> Self::W {
        std::rc::Rc::downgrade(self)
    }
}
impl<T, C: leaksafe::Count> DowngradeForBench for LRc<T, C> {
    type W = leaksafe::rc::Weak<T, C>;
    fn downgrade_for_bench(&self) -> Self::W {
        LRc::downgrade(self)
    }
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

#[path = "common/contended.rs"]
mod contended;
use contended::*;

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
    targets = immortal_one_thread, immortal_two_threads, narrow_rc, narrow_rc_weak, thin
}
criterion_main!(group);
