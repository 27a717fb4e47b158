//! Benchmarks: scaling.
//!
//! 1. Pool throughput (tasks/s) of `leaksafe::thread::ThreadPool` beside a
//!    rayon `ThreadPool::scope` with the same number of workers (1 and 2),
//!    for tasks of ~10 ns, 100 ns, 1 µs and 10 µs of calibrated spinning.
//!    (leaksafe's calling thread runs tasks while it waits at the scope's
//!    end, so "1 worker" is up to 2 threads running tasks; rayon's
//!    `ThreadPool::scope` runs its closure on a worker, so 1 worker is 1 thread.)
//!    The same task sizes as the leaves of a balanced tree of `join`s
//!    (`leaksafe::thread::join` beside `rayon::join`, each inside its pool's
//!    `install`, so 1 worker is 1 thread on both sides): tasks/s is leaves
//!    per second, and each leaf costs about one join.
//! 2. Vec `drain(a..b)` (the tail move of a dropped, unconsumed `Drain`) and
//!    `splice` (insert 8 elements near the front: the tail moves up) from
//!    1 KiB to 128 MiB of `u64`, in bytes/s of tail moved, beside
//!    `std::vec::Vec` doing the same and a plain `copy_within` of the same bytes.
//! 3. Memory (printed before the criterion groups): a counting global
//!    allocator gives allocations and bytes per pool spawn (leaksafe and
//!    rayon) and per vector growth (push 1k / 1M elements, leaksafe and std).
//!
//! After each criterion group a short *paired* run (both sides alternated,
//! minimum over rounds) prints ratios that are robust to the machine's
//! neighbours; criterion's own per-case numbers are taken in separate blocks.
//!
//! Run: `cargo bench -p leaksafe --bench scaling`
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

// ---------------------------------------------------------------- allocator

// The harness's counting allocator (one copy for the benches, tests and CLI).
#[global_allocator]
static GLOBAL: leaksafe_check::alloc::Counting = leaksafe_check::alloc::Counting;

/// (allocations, bytes requested) made while `f` runs, on any thread; a
/// `realloc` counts as one allocation of its new size.
fn count<R>(f: impl FnOnce() -> R) -> (u64, u64) {
    let ((), c) = leaksafe_check::alloc::measure(|| drop(black_box(f())));
    (c.allocs, c.bytes)
}

fn memory_table() {
    println!("\n## memory (counting global allocator)\n");
    println!("| case | allocations (incl. reallocs) | bytes requested | per op |");
    println!("|---|---|---|---|");
    // Vec growth first: the counters are process-wide, and threads of a
    // dropped pool may still allocate while they shut down.
    for n in [1_000usize, 1_000_000] {
        let (a, b) = count(|| {
            let mut v = leaksafe::vec::Vec::new();
            for i in 0..n as u64 {
                v.push(black_box(i));
            }
            v.len()
        });
        println!("| leaksafe Vec<u64>: push {n} from empty | {a} | {b} | {a} (re)allocations |");
        let (a, b) = count(|| {
            let mut v = std::vec::Vec::new();
            for i in 0..n as u64 {
                v.push(black_box(i));
            }
            v.len()
        });
        println!("| std Vec<u64>: push {n} from empty | {a} | {b} | {a} (re)allocations |");
    }
    const SPAWNS: usize = 10_000;
    for threads in [1, 2] {
        let pool = leaksafe::thread::ThreadPool::new(threads);
        let rp = rayon_pool(threads);
        // Warm both pools (thread-local buffers, deque growth) first.
        for _ in 0..3 {
            pool.scope(|s| spawn_leaksafe(s, SPAWNS, 0));
            rp.scope(|s| spawn_rayon(s, SPAWNS, 0));
        }
        let e = count(|| pool.scope(|_| {}));
        let (a, b) = count(|| pool.scope(|s| spawn_leaksafe(s, SPAWNS, 0)));
        println!(
            "| leaksafe pool ({threads} workers), {SPAWNS} spawns (empty scope: {} allocs) | {a} | {b} | {:.2} allocs, {:.1} B per spawn |",
            e.0,
            a as f64 / SPAWNS as f64,
            b as f64 / SPAWNS as f64
        );
        let (a, b) = count(|| rp.scope(|s| spawn_rayon(s, SPAWNS, 0)));
        println!(
            "| rayon scope ({threads} workers), {SPAWNS} spawns | {a} | {b} | {:.2} allocs, {:.1} B per spawn |",
            a as f64 / SPAWNS as f64,
            b as f64 / SPAWNS as f64
        );
        drop((pool, rp));
        // Let the dropped pools' threads finish exiting before counting again.
        std::thread::sleep(Duration::from_millis(100));
    }
    println!();
}

// ---------------------------------------------------------------- pool

fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

/// `iters` rounds of dependent multiply-add: work the optimiser cannot drop.
#[inline(never)]
fn spin(iters: u64) -> u64 {
    let mut x = black_box(1u64);
    for i in 0..iters {
        x = black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
    }
    x
}

/// Nanoseconds per `spin` iteration: the fastest of 15 timed runs (the
/// fastest is the one least disturbed by other processes).
fn calibrate() -> f64 {
    const N: u64 = 200_000;
    (0..15)
        .map(|_| {
            let t = Instant::now();
            black_box(spin(black_box(N)));
            t.elapsed().as_nanos() as f64 / N as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn spawn_leaksafe<'scope>(
    s: &'scope leaksafe::thread::PoolScope<'scope, '_>,
    n: usize,
    iters: u64,
) {
    for _ in 0..n {
        s.spawn(move || {
            black_box(spin(iters));
        });
    }
}

fn spawn_rayon<'scope>(s: &rayon::Scope<'scope>, n: usize, iters: u64) {
    for _ in 0..n {
        s.spawn(move |_| {
            black_box(spin(iters));
        });
    }
}

/// (label, target ns per task, tasks per scope): each scope is ~1–2 ms of work.
const TASK_SIZES: [(&str, f64, usize); 4] = [
    ("10ns", 10.0, 10_000),
    ("100ns", 100.0, 10_000),
    ("1us", 1_000.0, 2_000),
    ("10us", 10_000.0, 200),
];

/// A balanced tree of `leaksafe::thread::join`s with `n` leaves, each
/// spinning `iters` rounds.
fn join_tree_leaksafe(n: usize, iters: u64) {
    if n <= 1 {
        black_box(spin(iters));
        return;
    }
    let half = n / 2;
    leaksafe::thread::join(
        || join_tree_leaksafe(half, iters),
        || join_tree_leaksafe(n - half, iters),
    );
}

/// [`join_tree_leaksafe`] with `rayon::join`.
fn join_tree_rayon(n: usize, iters: u64) {
    if n <= 1 {
        black_box(spin(iters));
        return;
    }
    let half = n / 2;
    rayon::join(
        || join_tree_rayon(half, iters),
        || join_tree_rayon(n - half, iters),
    );
}

/// Tasks per second of `join` trees (leaves of `TASK_SIZES`' sizes), by
/// worker count, beside `rayon::join`; criterion groups, then the paired
/// table (fastest of 41 alternated trees per side).
fn join_throughput(c: &mut Criterion, paired_pass: bool, ns_per_iter: f64) {
    let mut paired = Vec::new();
    for threads in [1usize, 2] {
        let pool = leaksafe::thread::ThreadPool::new(threads);
        let rp = rayon_pool(threads);
        let mut g = c.benchmark_group(format!("scaling/join_{threads}w"));
        g.warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(1500))
            .sample_size(20);
        for &(label, ns, tasks) in &TASK_SIZES {
            let iters = ((ns / ns_per_iter).round() as u64).max(1);
            let lk = || pool.install(|| join_tree_leaksafe(tasks, iters));
            let ry = || rp.install(|| join_tree_rayon(tasks, iters));
            g.throughput(Throughput::Elements(tasks as u64));
            g.bench_function(BenchmarkId::new("leaksafe", label), |b| b.iter(lk));
            g.bench_function(BenchmarkId::new("rayon", label), |b| b.iter(ry));
            if !paired_pass {
                continue;
            }
            let (mut tl, mut tr) = (f64::INFINITY, f64::INFINITY);
            let time = |f: &dyn Fn()| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            };
            for round in 0..41 {
                if round % 2 == 0 {
                    tl = tl.min(time(&lk));
                    tr = tr.min(time(&ry));
                } else {
                    tr = tr.min(time(&ry));
                    tl = tl.min(time(&lk));
                }
            }
            paired.push(format!(
                "| {threads} | {label} ({iters} spin iters) | {tasks} | {:.2} M/s | {:.2} M/s | {:.2} |",
                tasks as f64 / tl / 1e6,
                tasks as f64 / tr / 1e6,
                tl / tr
            ));
        }
        g.finish();
    }
    println!("\n## join throughput, paired (fastest of 41 alternated join trees)\n");
    println!(
        "| workers | task (leaf) | leaves/tree | leaksafe tasks/s | rayon tasks/s | time ratio leaksafe ÷ rayon |"
    );
    println!("|---|---|---|---|---|---|");
    for line in paired {
        println!("{line}");
    }
    println!();
}

fn pool_throughput(c: &mut Criterion, paired_pass: bool) {
    let ns_per_iter = calibrate();
    println!("calibration: {ns_per_iter:.3} ns per spin iteration");
    let mut paired = Vec::new();
    for threads in [1usize, 2] {
        let pool = leaksafe::thread::ThreadPool::new(threads);
        let rp = rayon_pool(threads);
        let mut g = c.benchmark_group(format!("scaling/pool_{threads}w"));
        g.warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(1500))
            .sample_size(20);
        for &(label, ns, tasks) in &TASK_SIZES {
            let iters = ((ns / ns_per_iter).round() as u64).max(1);
            g.throughput(Throughput::Elements(tasks as u64));
            g.bench_function(BenchmarkId::new("leaksafe", label), |b| {
                b.iter(|| pool.scope(|s| spawn_leaksafe(s, tasks, iters)))
            });
            g.bench_function(BenchmarkId::new("rayon", label), |b| {
                b.iter(|| rp.scope(|s| spawn_rayon(s, tasks, iters)))
            });
            // Paired: alternate one scope of each, 41 rounds, fastest of each.
            if !paired_pass {
                continue;
            }
            let (mut tl, mut tr) = (f64::INFINITY, f64::INFINITY);
            for round in 0..41 {
                let time_l = || {
                    let t = Instant::now();
                    pool.scope(|s| spawn_leaksafe(s, tasks, iters));
                    t.elapsed().as_secs_f64()
                };
                let time_r = || {
                    let t = Instant::now();
                    rp.scope(|s| spawn_rayon(s, tasks, iters));
                    t.elapsed().as_secs_f64()
                };
                if round % 2 == 0 {
                    tl = tl.min(time_l());
                    tr = tr.min(time_r());
                } else {
                    tr = tr.min(time_r());
                    tl = tl.min(time_l());
                }
            }
            paired.push(format!(
                "| {threads} | {label} ({iters} spin iters) | {tasks} | {:.2} M/s | {:.2} M/s | {:.2} |",
                tasks as f64 / tl / 1e6,
                tasks as f64 / tr / 1e6,
                tl / tr
            ));
        }
        g.finish();
    }
    println!("\n## pool throughput, paired (fastest of 41 alternated scopes)\n");
    println!(
        "| workers | task | tasks/scope | leaksafe tasks/s | rayon tasks/s | time ratio leaksafe ÷ rayon |"
    );
    println!("|---|---|---|---|---|---|");
    for line in paired {
        println!("{line}");
    }
    println!();
    join_throughput(c, paired_pass, ns_per_iter);
}

// ---------------------------------------------------------------- vec

/// Elements removed by the drain / inserted by the splice (64 bytes).
const GAP: usize = 8;
/// Vector sizes in bytes of `u64`.
const VEC_BYTES: [(&str, usize); 5] = [
    ("1KiB", 1 << 10),
    ("64KiB", 64 << 10),
    ("1MiB", 1 << 20),
    ("16MiB", 16 << 20),
    ("128MiB", 128 << 20),
];

fn lk_vec(n: usize) -> leaksafe::vec::Vec<u64> {
    let mut v = leaksafe::vec::Vec::with_capacity(n + GAP);
    v.extend((0..n as u64).map(black_box));
    v
}

fn std_vec(n: usize) -> Vec<u64> {
    let mut v = Vec::with_capacity(n + GAP);
    v.extend((0..n as u64).map(black_box));
    v
}

// Each operation leaves the vector at length `n` again, so it can repeat:
// drain(1..1+GAP) unconsumed moves elements 1+GAP.. down by GAP (the tail
// move), then `set_len(n)` re-exposes the last GAP slots, which still hold
// initialised `u64`s (a memmove does not de-initialise its source).
// splice(1..1, GAP items) moves elements 1.. up by GAP, then `set_len(n)`
// forgets the last GAP `u64`s (no destructor).

fn lk_drain(v: &mut leaksafe::vec::Vec<u64>, n: usize) {
    drop(v.drain(1..1 + GAP));
    // SAFETY: capacity ≥ n and slots len..n hold initialised u64 (see above).
    unsafe { v.set_len(n) }
}
fn std_drain(v: &mut Vec<u64>, n: usize) {
    drop(v.drain(1..1 + GAP));
    // SAFETY: as in `lk_drain`.
    unsafe { v.set_len(n) }
}
fn lk_splice(v: &mut leaksafe::vec::Vec<u64>, n: usize) {
    drop(v.splice(1..1, [7u64; GAP]));
    // SAFETY: n ≤ len; the elements past n are u64 (nothing to drop).
    unsafe { v.set_len(n) }
}
fn std_splice(v: &mut Vec<u64>, n: usize) {
    drop(v.splice(1..1, [7u64; GAP]));
    // SAFETY: as in `lk_splice`.
    unsafe { v.set_len(n) }
}

fn vec_scaling(c: &mut Criterion, paired_pass: bool) {
    let mut paired = Vec::new();
    for &(label, bytes) in &VEC_BYTES {
        let n = bytes / 8;
        let big = bytes >= 16 << 20;
        let mut g = c.benchmark_group(format!("scaling/vec_{label}"));
        g.warm_up_time(Duration::from_millis(if big { 300 } else { 500 }))
            .measurement_time(Duration::from_millis(if big { 2500 } else { 1500 }))
            .sample_size(if big { 10 } else { 20 });
        if big {
            g.sampling_mode(SamplingMode::Flat);
        }
        // drain: the tail (n - 1 - GAP elements) moves down by GAP.
        g.throughput(Throughput::Bytes(((n - 1 - GAP) * 8) as u64));
        let mut lv = lk_vec(n);
        let mut sv = std_vec(n);
        let mut cv = std_vec(n + GAP);
        g.bench_function("drain/leaksafe", |b| {
            b.iter(|| lk_drain(black_box(&mut lv), n))
        });
        g.bench_function("drain/std", |b| b.iter(|| std_drain(black_box(&mut sv), n)));
        g.bench_function("drain/copy_within", |b| {
            b.iter(|| black_box(&mut cv[..]).copy_within(1 + GAP..n, 1))
        });
        // splice: the tail (n - 1 elements) moves up by GAP.
        g.throughput(Throughput::Bytes(((n - 1) * 8) as u64));
        g.bench_function("splice/leaksafe", |b| {
            b.iter(|| lk_splice(black_box(&mut lv), n))
        });
        g.bench_function("splice/std", |b| {
            b.iter(|| std_splice(black_box(&mut sv), n))
        });
        g.bench_function("splice/copy_within", |b| {
            b.iter(|| black_box(&mut cv[..]).copy_within(1..n, 1 + GAP))
        });
        g.finish();

        // Paired: rounds of one op per side in rotating order, fastest of each.
        if !paired_pass {
            continue;
        }
        let rounds = if big { 15 } else { 101 };
        let reps = (1 << 20) / bytes.min(1 << 20) * 4; // ≥ 4 MiB moved per timing
        let mut best = [f64::INFINITY; 6];
        // Ops 0..3: drain (leaksafe, std, copy_within); 3..6: splice (same order).
        let mut op = |i: usize| match i {
            0 => lk_drain(black_box(&mut lv), n),
            1 => std_drain(black_box(&mut sv), n),
            2 => black_box(&mut cv[..]).copy_within(1 + GAP..n, 1),
            3 => lk_splice(black_box(&mut lv), n),
            4 => std_splice(black_box(&mut sv), n),
            _ => black_box(&mut cv[..]).copy_within(1..n, 1 + GAP),
        };
        for pass in 0..2 {
            for round in 0..rounds {
                for k in 0..3 {
                    let i = pass * 3 + (round + k) % 3;
                    let t = Instant::now();
                    for _ in 0..reps {
                        op(i);
                    }
                    let dt = t.elapsed().as_secs_f64() / reps as f64;
                    best[i] = best[i].min(dt);
                }
            }
        }
        let gbs = |tail: usize, t: f64| (tail * 8) as f64 / t / 1e9;
        let (td, ts) = (n - 1 - GAP, n - 1);
        paired.push(format!(
            "| {label} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |",
            gbs(td, best[0]),
            gbs(td, best[1]),
            gbs(td, best[2]),
            best[0] / best[1],
            best[0] / best[2],
            gbs(ts, best[3]),
            gbs(ts, best[4]),
            gbs(ts, best[5]),
            best[3] / best[4],
            best[3] / best[5],
        ));
        drop((lv, sv, cv));
    }
    println!(
        "\n## vec tail move, paired (fastest of alternated runs), GB/s = 1e9 bytes of tail per second\n"
    );
    println!(
        "| size | drain leaksafe | drain std | drain copy_within | drain ÷ std (time) | drain ÷ copy (time) | splice leaksafe | splice std | splice copy_within | splice ÷ std (time) | splice ÷ copy (time) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for line in paired {
        println!("{line}");
    }
    println!();
}

fn main() {
    // The memory table and the paired passes only under `cargo bench` (which
    // passes `--bench`), not when `cargo test --benches` smoke-runs the file.
    let full = std::env::args().any(|a| a == "--bench");
    if full {
        memory_table();
    }
    // No plots and fewer bootstrap resamples: the analysis, not the
    // measurement, dominated this file's run time on the shared machine.
    let mut c = Criterion::default()
        .without_plots()
        .nresamples(10_000)
        .configure_from_args();
    pool_throughput(&mut c, full);
    vec_scaling(&mut c, full);
    c.final_summary();
}
