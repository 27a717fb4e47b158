//! Benchmarks: the user-code operations of `leaksafe::vec::Vec` beside
//! `std::vec::Vec`, in one criterion group (`vec_ops`), on 1M elements:
//!
//! - `retain` keeping half of 1M `u32`;
//! - `dedup` of 1M `u64` with 50% duplicates;
//! - `splice` of 10 items into the middle of 1M `u32`;
//! - `extend_from_within(..)` of 1M `u32` (room reserved beforehand);
//! - `extract_if(.., even)` of 1M `u32`, consumed.
//!
//! Each iteration gets a fresh input (`iter_batched_ref`, not timed).
//!
//! On a shared, loaded machine criterion's wall-clock medians of the two
//! sides swing by 2x (a 10 ms operation spans several scheduler slices of
//! other processes); so after the criterion group, a *paired* pass times
//! leaksafe and std alternately on fresh inputs, in this thread's CPU time
//! (31 rounds per case, order swapped every round), and prints the median of
//! the per-round ratios.
//!
//! Run: `cargo bench -p leaksafe --bench vec_ops`.

// std's `Vec::extract_if` (the baseline) is 1.87; the library keeps to 1.85.
#![allow(clippy::incompatible_msrv)]
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group};
use leaksafe::vec::Vec as LVec;

const N: usize = 1_000_000;

fn configure() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        // The top of the usual 20..30: the machine is shared and the splice
        // case is short, so its median needs the samples.
        .sample_size(30)
}

/// A fixed pseudo-random stream (xorshift64), so both sides see the same data.
fn xorshift(mut s: u64) -> impl FnMut() -> u64 {
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    }
}

fn u32s() -> Vec<u32> {
    let mut r = xorshift(0x9e37_79b9_7f4a_7c15);
    (0..N).map(|_| r() as u32).collect()
}

/// Sorted-ish runs: each element repeats its predecessor with probability 1/2.
fn with_dups() -> Vec<u64> {
    let mut r = xorshift(0x2545_f491_4f6c_dd1d);
    let mut x = 0u64;
    (0..N)
        .map(|_| {
            if r() & 1 == 0 {
                x += 1;
            }
            x
        })
        .collect()
}

fn both<S: Clone>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    src: &[S],
    mut ours: impl FnMut(&mut LVec<S>),
    mut theirs: impl FnMut(&mut Vec<S>),
    spare: usize,
) {
    g.bench_function(format!("{name}/leaksafe"), |b| {
        b.iter_batched_ref(
            || {
                let mut v = LVec::with_capacity(src.len() + spare);
                v.extend_from_slice(src);
                v
            },
            |v| ours(black_box(v)),
            BatchSize::LargeInput,
        )
    });
    g.bench_function(format!("{name}/std"), |b| {
        b.iter_batched_ref(
            || {
                let mut v = Vec::with_capacity(src.len() + spare);
                v.extend_from_slice(src);
                v
            },
            |v| theirs(black_box(v)),
            BatchSize::LargeInput,
        )
    });
}

fn vec_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("vec_ops");
    let a = u32s();
    let d = with_dups();

    both(
        &mut g,
        "retain_half_1M_u32",
        &a,
        |v| v.retain(|x| x % 2 == 0),
        |v| v.retain(|x| x % 2 == 0),
        0,
    );
    both(
        &mut g,
        "dedup_1M_u64_50pct",
        &d,
        |v| v.dedup(),
        |v| v.dedup(),
        0,
    );
    let ten = [7u32; 10];
    both(
        &mut g,
        "splice_10_mid_1M_u32",
        &a,
        |v| drop(v.splice(N / 2..N / 2, ten)),
        |v| drop(v.splice(N / 2..N / 2, ten)),
        10,
    );
    both(
        &mut g,
        "extend_from_within_1M_u32",
        &a,
        |v| v.extend_from_within(..),
        |v| v.extend_from_within(..),
        N,
    );
    both(
        &mut g,
        "extract_if_half_1M_u32",
        &a,
        |v| {
            black_box(v.extract_if(.., |x| *x % 2 == 0).count());
        },
        |v| {
            black_box(v.extract_if(.., |x| *x % 2 == 0).count());
        },
        0,
    );
    g.finish();
}

criterion_group! {
    name = group;
    config = configure();
    targets = vec_ops
}

/// This thread's CPU time in seconds: unlike wall time, it does not count
/// the time the thread waits while other processes run.
#[cfg(target_os = "linux")]
fn cpu_time() -> f64 {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` (glibc/musl, linked by std) writes one
    // `struct timespec` (two 64-bit fields on 64-bit Linux) to `t`.
    let r = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(r, 0);
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

#[cfg(not(target_os = "linux"))]
fn cpu_time() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

/// Times `op` once (thread CPU time) on a fresh input (not timed).
fn time_once<V>(make: &impl Fn() -> V, op: &mut impl FnMut(&mut V)) -> f64 {
    let mut v = make();
    let t = cpu_time();
    op(black_box(&mut v));
    let e = cpu_time() - t;
    drop(v);
    e
}

fn paired<A, B>(
    name: &str,
    make_a: impl Fn() -> A,
    mut op_a: impl FnMut(&mut A),
    make_b: impl Fn() -> B,
    mut op_b: impl FnMut(&mut B),
) {
    const ROUNDS: usize = 31;
    let mut ratios = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let (a, b) = if round % 2 == 0 {
            let a = time_once(&make_a, &mut op_a);
            (a, time_once(&make_b, &mut op_b))
        } else {
            let b = time_once(&make_b, &mut op_b);
            (time_once(&make_a, &mut op_a), b)
        };
        ratios.push(a / b);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "| {name} | {:.2} | {:.2} .. {:.2} |",
        ratios[ROUNDS / 2],
        ratios[ROUNDS / 4],
        ratios[3 * ROUNDS / 4]
    );
}

fn paired_ratios() {
    let a = u32s();
    let d = with_dups();
    let la = || {
        let mut v = LVec::with_capacity(N + N);
        v.extend_from_slice(&a);
        v
    };
    let sa = || {
        let mut v = Vec::with_capacity(N + N);
        v.extend_from_slice(&a);
        v
    };
    println!("\npaired ratios, leaksafe / std (median, interquartile range):");
    println!("| case | median ratio | IQR |\n|---|---|---|");
    paired(
        "retain_half_1M_u32",
        la,
        |v| v.retain(|x| x % 2 == 0),
        sa,
        |v| v.retain(|x| x % 2 == 0),
    );
    paired(
        "dedup_1M_u64_50pct",
        || LVec::from(&d[..]),
        |v| v.dedup(),
        || d.clone(),
        |v| v.dedup(),
    );
    let ten = [7u32; 10];
    paired(
        "splice_10_mid_1M_u32",
        la,
        |v| drop(v.splice(N / 2..N / 2, ten)),
        sa,
        |v| drop(v.splice(N / 2..N / 2, ten)),
    );
    paired(
        "extend_from_within_1M_u32",
        la,
        |v| v.extend_from_within(..),
        sa,
        |v| v.extend_from_within(..),
    );
    paired(
        "extract_if_half_1M_u32",
        la,
        |v| {
            black_box(v.extract_if(.., |x| *x % 2 == 0).count());
        },
        sa,
        |v| {
            black_box(v.extract_if(.., |x| *x % 2 == 0).count());
        },
    );
}

fn main() {
    group();
    // Only under `cargo bench` (which passes `--bench`), not `cargo test --benches`.
    if std::env::args().any(|a| a == "--bench") {
        paired_ratios();
    }
    Criterion::default().configure_from_args().final_summary();
}
