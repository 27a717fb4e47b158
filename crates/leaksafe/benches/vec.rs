//! Benchmarks: `leaksafe::vec::Vec` beside `std::vec::Vec`, in the same groups.
//!
//! Run: `cargo bench -p leaksafe --bench vec`. Each group holds the leaksafe
//! and std variants of one operation on 1k and 1M `u64`; `tail_move` measures
//! the memmove a `Drain` does when dropped, in bytes per second, beside a
//! plain `copy_within` of the same bytes and std's `Drain`.
//!
//! The machine these run on is shared and noisy (2 cores, many compilers), so
//! every case is timed with [`min_of_chunks`]: the iterations run in short
//! chunks and the fastest chunk stands for all of them. That filters out
//! preemption and cache pollution by other processes, which otherwise swing
//! results by 2x either way; both sides are measured the same way.
//!
//! `push` also prints a `paired` line: leaksafe and std run alternately,
//! round after round, and the median of the per-round ratios is reported, so
//! both halves of each ratio saw the same load. Its loops live in two
//! non-inlined functions ([`push_ours`], [`push_std`]) shared by both
//! estimators, so the same machine code is timed by each.
//!
//! Drain cases reuse one vector: after draining, `set_len` restores the
//! length (every slot still holds a `u64`, which needs no drop), so each
//! iteration times exactly the drain and nothing else.
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use leaksafe::vec::Vec as LVec;

const SIZES: [usize; 2] = [1_000, 1_000_000];

fn configure() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

/// Runs `f` `iters` times in chunks of `chunk` and returns the fastest chunk's
/// time scaled to `iters` iterations.
fn min_of_chunks(iters: u64, chunk: u64, mut f: impl FnMut()) -> Duration {
    let chunks = iters.div_ceil(chunk);
    let mut best = Duration::MAX;
    for _ in 0..chunks {
        let t = Instant::now();
        for _ in 0..chunk {
            f();
        }
        best = best.min(t.elapsed());
    }
    best.mul_f64(iters as f64 / chunk as f64)
}

/// Chunk length: single runs for the slow 1M cases, 16 for the rest.
fn chunk_for(n: usize) -> u64 {
    if n >= 100_000 { 1 } else { 16 }
}

/// Paired estimator: runs `ours` and `std` alternately (`rounds` times,
/// which one goes first alternating too), each timed over `batch` calls, and
/// prints the median of the per-round ratios ours/std. Both halves of a
/// round run under the same load and heap state, so the ratio does not drift
/// with the neighbours the way two separately measured cases can.
fn paired(name: &str, rounds: usize, batch: u32, ours: impl Fn(), std: impl Fn()) {
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        t.elapsed().as_secs_f64() / f64::from(batch)
    };
    let (mut ratios, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        let (x, y) = if r % 2 == 0 {
            let x = time(&ours);
            (x, time(&std))
        } else {
            let y = time(&std);
            (time(&ours), y)
        };
        ratios.push(x / y);
        a.push(x);
        b.push(y);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|p, q| p.total_cmp(q));
        v[v.len() / 2]
    };
    println!(
        "paired {name}: rounds={rounds} median leaksafe/std {:.3} (median per op: leaksafe {:.1} us, std {:.1} us)",
        median(&mut ratios),
        median(&mut a) * 1e6,
        median(&mut b) * 1e6,
    );
}

/// `n` pushes into a new vector, growing from empty. Not inlined (nor is
/// [`push_std`]), so that both estimators time the same machine code: a
/// copy of the loop inlined at each call site lands at a different offset in
/// its 64-byte line, and on this CPU that alone moves the time by up to 9 %
/// either way (see results/vec.md).
#[inline(never)]
fn push_ours(n: usize) {
    let mut v = LVec::new();
    for i in 0..n as u64 {
        v.push(black_box(i));
    }
    black_box(v);
}

/// The same with `std::vec::Vec`.
#[inline(never)]
fn push_std(n: usize) {
    let mut v = Vec::new();
    for i in 0..n as u64 {
        v.push(black_box(i));
    }
    black_box(v);
}

fn push(c: &mut Criterion) {
    let mut g = c.benchmark_group("vec/push");
    for n in SIZES {
        g.throughput(Throughput::Elements(n as u64));
        let k = chunk_for(n);
        g.bench_function(BenchmarkId::new("leaksafe", n), |b| {
            b.iter_custom(|iters| min_of_chunks(iters, k, || push_ours(n)))
        });
        g.bench_function(BenchmarkId::new("std", n), |b| {
            b.iter_custom(|iters| min_of_chunks(iters, k, || push_std(n)))
        });
    }
    g.finish();
    for n in SIZES {
        let (rounds, batch) = if n >= 100_000 { (201, 1) } else { (401, 64) };
        paired(
            &format!("vec/push/{n}"),
            rounds,
            batch,
            || push_ours(n),
            || push_std(n),
        );
    }
}

fn extend_from_slice(c: &mut Criterion) {
    let mut g = c.benchmark_group("vec/extend_from_slice");
    for n in SIZES {
        let src: Vec<u64> = (0..n as u64).collect();
        g.throughput(Throughput::Bytes((n * 8) as u64));
        let k = chunk_for(n);
        g.bench_function(BenchmarkId::new("leaksafe", n), |b| {
            b.iter_custom(|iters| {
                min_of_chunks(iters, k, || {
                    let mut v = LVec::new();
                    v.extend_from_slice(black_box(&src));
                    black_box(v);
                })
            })
        });
        g.bench_function(BenchmarkId::new("std", n), |b| {
            b.iter_custom(|iters| {
                min_of_chunks(iters, k, || {
                    let mut v = Vec::new();
                    v.extend_from_slice(black_box(&src));
                    black_box(v);
                })
            })
        });
    }
    g.finish();
}

fn drain_all(c: &mut Criterion) {
    let mut g = c.benchmark_group("vec/drain_all_consumed");
    for n in SIZES {
        g.throughput(Throughput::Elements(n as u64));
        let k = chunk_for(n);
        let mut ours: LVec<u64> = (0..n as u64).collect();
        g.bench_function(BenchmarkId::new("leaksafe", n), |b| {
            b.iter_custom(|iters| {
                min_of_chunks(iters, k, || {
                    let v = black_box(&mut ours);
                    black_box(v.drain(..).fold(0u64, |a, x| a.wrapping_add(x)));
                    // SAFETY: `n <= capacity`; the slots still hold `u64`s.
                    unsafe { v.set_len(n) };
                })
            })
        });
        let mut theirs: Vec<u64> = (0..n as u64).collect();
        g.bench_function(BenchmarkId::new("std", n), |b| {
            b.iter_custom(|iters| {
                min_of_chunks(iters, k, || {
                    let v = black_box(&mut theirs);
                    black_box(v.drain(..).fold(0u64, |a, x| a.wrapping_add(x)));
                    // SAFETY: as above.
                    unsafe { v.set_len(n) };
                })
            })
        });
    }
    g.finish();
}

fn drain_range(c: &mut Criterion) {
    let mut g = c.benchmark_group("vec/drain_range");
    for n in SIZES {
        // Drain the second quarter: yields n/4 values, moves the last half back.
        let (lo, hi) = (n / 4, n / 2);
        g.throughput(Throughput::Elements(n as u64));
        let k = chunk_for(n);
        let mut ours: LVec<u64> = (0..n as u64).collect();
        g.bench_function(BenchmarkId::new("leaksafe", n), |b| {
            b.iter_custom(|iters| {
                min_of_chunks(iters, k, || {
                    let v = black_box(&mut ours);
                    black_box(v.drain(lo..hi).fold(0u64, |a, x| a.wrapping_add(x)));
                    // SAFETY: `n <= capacity`; the slots still hold `u64`s.
                    unsafe { v.set_len(n) };
                })
            })
        });
        let mut theirs: Vec<u64> = (0..n as u64).collect();
        g.bench_function(BenchmarkId::new("std", n), |b| {
            b.iter_custom(|iters| {
                min_of_chunks(iters, k, || {
                    let v = black_box(&mut theirs);
                    black_box(v.drain(lo..hi).fold(0u64, |a, x| a.wrapping_add(x)));
                    // SAFETY: as above.
                    unsafe { v.set_len(n) };
                })
            })
        });
    }
    g.finish();
}

fn insert_remove_front(c: &mut Criterion) {
    let mut g = c.benchmark_group("vec/insert0_remove0");
    for n in SIZES {
        g.throughput(Throughput::Bytes((2 * n * 8) as u64));
        let k = chunk_for(n);
        let mut ours: LVec<u64> = (0..n as u64).collect();
        g.bench_function(BenchmarkId::new("leaksafe", n), |b| {
            b.iter_custom(|iters| {
                min_of_chunks(iters, k, || {
                    ours.insert(0, black_box(7));
                    black_box(ours.remove(0));
                })
            })
        });
        let mut theirs: Vec<u64> = (0..n as u64).collect();
        g.bench_function(BenchmarkId::new("std", n), |b| {
            b.iter_custom(|iters| {
                min_of_chunks(iters, k, || {
                    theirs.insert(0, black_box(7));
                    black_box(theirs.remove(0));
                })
            })
        });
    }
    g.finish();
}

/// The memmove of the tail when a `Drain` is dropped, in GB/s of tail bytes.
///
/// A `u64` vector of `len` slots; `drain(start..start + gap)` (not consumed)
/// moves the tail of `tail` bytes down by `gap` slots. After each run the
/// length is restored with `set_len`, so every iteration does exactly one move
/// of the same bytes. `copy_within` does the same move on a std vector;
/// glibc's memmove speed depends on the source and destination alignments, so
/// several distances (8 B, 64 B, 4 KiB, 4 KiB + 8 B) and start offsets are measured.
fn tail_move(c: &mut Criterion) {
    let mut g = c.benchmark_group("vec/tail_move");
    g.measurement_time(Duration::from_secs(1));
    let tails = [16 * 1024, 1024 * 1024];
    let shapes = [(1, 1), (8, 8), (3, 512), (512, 513)];
    for tail_bytes in tails {
        let tail = tail_bytes / 8;
        let k = if tail_bytes > 100_000 { 1 } else { 16 };
        for (start, gap) in shapes {
            let len = start + gap + tail;
            let label = format!(
                "tail{}KiB_start{}_gap{}B",
                tail_bytes / 1024,
                start,
                gap * 8
            );
            g.throughput(Throughput::Bytes(tail_bytes as u64));
            let mut ours: LVec<u64> = (0..len as u64).collect();
            g.bench_function(BenchmarkId::new("leaksafe_drain", &label), |b| {
                b.iter_custom(|iters| {
                    min_of_chunks(iters, k, || {
                        let v = black_box(&mut ours);
                        drop(v.drain(start..start + gap));
                        // SAFETY: `len <= capacity`, and every slot holds a
                        // `u64` (the tail's old copies), which needs no drop.
                        unsafe { v.set_len(len) };
                    })
                })
            });
            let mut theirs: Vec<u64> = (0..len as u64).collect();
            g.bench_function(BenchmarkId::new("std_drain", &label), |b| {
                b.iter_custom(|iters| {
                    min_of_chunks(iters, k, || {
                        let v = black_box(&mut theirs);
                        drop(v.drain(start..start + gap));
                        // SAFETY: as above.
                        unsafe { v.set_len(len) };
                    })
                })
            });
            let mut plain: Vec<u64> = (0..len as u64).collect();
            g.bench_function(BenchmarkId::new("copy_within", &label), |b| {
                b.iter_custom(|iters| {
                    min_of_chunks(iters, k, || {
                        black_box(&mut plain).copy_within(start + gap..len, start);
                    })
                })
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = group;
    config = configure();
    targets = push, extend_from_slice, drain_all, drain_range, insert_remove_front, tail_move
}
criterion_main!(group);
