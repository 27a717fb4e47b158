//! Paired, interleaved timing of nanosecond operations on a noisy machine
//! (shared by the `rc` and `arc` benches through `#[path]`).
//!
//! Criterion measures each case in its own 2 s block; on a shared 2-core
//! machine the load changes between blocks and swamps a 5% difference (the
//! same ratio moved 0.83–1.40 between runs). Here every *round* runs every
//! case of a group once, one chunk of `chunk` operations each, back to back,
//! in an order that rotates and reverses from round to round (so no case
//! always follows the same one). Then:
//!
//! - the **paired ratio** of a case is the median, over rounds, of its chunk
//!   time divided by the baseline's chunk time *in the same round* — both ran
//!   within microseconds of each other, under the same load;
//! - the **min ratio** is the fastest chunk of the case over the fastest chunk
//!   of the baseline (`min_of_chunks`, as `benches/vec.rs`): what each does
//!   when nothing interferes.
//!
//! A chunk lasts ~7–20 µs (the benches pick `chunk` so), far below the
//! scheduler's tick, so most chunks are not preempted at all; the few that
//! are land in the tails, which the median and the minimum both ignore.
//! Criterion still gets a number per case (the fastest chunk of the case in
//! that sample, scaled), so `cargo bench` shows every case side by side; the
//! rounds of all cases of a group are pooled for the `paired` lines, printed
//! when the group ends.
//!
//! What this cannot remove: a bias fixed for the life of one process (code
//! and heap placement). It shows up as a ratio that is tight within a run
//! but moves by a few percent between runs, so run the bench more than once.
use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{Bencher, Criterion};

/// A case: runs its operation `n` times (the loop is inside, so the dynamic
/// call is paid once per chunk, not once per operation).
pub type Case<'a> = &'a dyn Fn(u64);

/// The rounds recorded for one group: per round, nanoseconds per operation of
/// every case.
pub struct Paired {
    names: Vec<&'static str>,
    rows: Mutex<Vec<Vec<f64>>>,
    next_round: AtomicUsize,
}

impl Paired {
    /// A group with these case names (in the order of the `cases` slices).
    pub fn new(names: &[&'static str]) -> Self {
        Paired {
            names: names.to_vec(),
            rows: Mutex::new(Vec::new()),
            next_round: AtomicUsize::new(0),
        }
    }

    /// Number of cases.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// The order of the cases in round `r`: rotated by `r`, reversed on every
    /// other lap, so each case follows two different neighbours.
    pub fn order(&self, r: usize) -> impl Iterator<Item = usize> + use<> {
        let n = self.names.len();
        let reverse = (r / n) % 2 == 1;
        (0..n).map(move |j| {
            let k = (r + j) % n;
            if reverse { n - 1 - k } else { k }
        })
    }

    /// Reserves `count` consecutive round numbers (so schedules never repeat
    /// the same phase at the start of every criterion call).
    pub fn take_rounds(&self, count: usize) -> std::ops::Range<usize> {
        let start = self.next_round.fetch_add(count, Ordering::Relaxed);
        start..start + count
    }

    /// Records one round (ns per operation, one entry per case).
    pub fn record(&self, rows: Vec<Vec<f64>>) {
        self.rows.lock().unwrap().extend(rows);
    }

    /// The criterion routine for case `which`: `ceil(iters / chunk)` rounds of
    /// all cases; returns the fastest chunk of `which`, scaled to `iters`.
    pub fn bench(&self, b: &mut Bencher<'_>, which: usize, cases: &[Case<'_>], chunk: u64) {
        assert_eq!(cases.len(), self.len());
        b.iter_custom(|iters| {
            let rounds = iters.div_ceil(chunk) as usize;
            let mut best = Duration::MAX;
            let mut rows = Vec::with_capacity(rounds);
            for r in self.take_rounds(rounds) {
                let mut row = vec![0.0; cases.len()];
                for k in self.order(r) {
                    let t = Instant::now();
                    cases[k](black_box(chunk));
                    let e = t.elapsed();
                    row[k] = e.as_nanos() as f64 / chunk as f64;
                    if k == which {
                        best = best.min(e);
                    }
                }
                rows.push(row);
            }
            self.record(rows);
            best.mul_f64(iters as f64 / chunk as f64)
        })
    }

    /// Prints one `paired` line per case: median and fastest ns/op, the
    /// median per-round ratio to `base` with its interquartile range, the
    /// ratio of the fastest chunks, and (for the other cases) the median
    /// per-round ratio to each of `peers`.
    pub fn print(&self, group: &str, base: usize, peers: &[usize]) {
        let rows = self.rows.lock().unwrap();
        if rows.is_empty() {
            println!("paired {group}: no rounds recorded (cases filtered out, or none qualified)");
            return;
        }
        let quantiles = |mut v: Vec<f64>| {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
            (q(0.0), q(0.25), q(0.5), q(0.75))
        };
        let col = |k: usize| rows.iter().map(|r| r[k]).collect::<Vec<_>>();
        let ratio = |k: usize, b: usize| rows.iter().map(|r| r[k] / r[b]).collect::<Vec<_>>();
        println!(
            "paired {group}: {} rounds, baseline {}",
            rows.len(),
            self.names[base]
        );
        let (base_min, ..) = quantiles(col(base));
        for (k, name) in self.names.iter().enumerate() {
            let (min, _, med, _) = quantiles(col(k));
            let mut line =
                format!("paired {group}/{name}: median {med:.2} ns, fastest {min:.2} ns");
            if k != base {
                let (_, q1, m, q3) = quantiles(ratio(k, base));
                line += &format!(
                    "; /{} median {m:.3} [IQR {q1:.3}-{q3:.3}], fastest/fastest {:.3}",
                    self.names[base],
                    min / base_min
                );
            }
            for &p in peers {
                if k != base && !peers.contains(&k) {
                    let (_, _, m, _) = quantiles(ratio(k, p));
                    line += &format!("; /{} median {m:.3}", self.names[p]);
                }
            }
            println!("{line}");
        }
    }
}

/// The criterion settings of the paired benches: short, as every case is
/// timed again by the pairing.
pub fn configure() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .without_plots()
}

/// Runs one paired group: a criterion function per case, then the `paired`
/// lines (baseline: case 0; `peers` are also compared with).
pub fn run_group(
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
