//! The two-thread contended group shared by `arc.rs` and `counts.rs`: both
//! threads pinned to CPUs 0 and 1, released together, and a round counted
//! only when they overlapped. Included with `#[path]` next to `paired.rs`.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use criterion::Bencher;

use super::paired::Paired;

/// Clone+drop pairs per thread per round and library in the two-thread group
/// (~0.5–2 ms per round and library with the cache line bouncing).
pub(crate) const CONTENDED_OPS: u64 = 10_000;

/// A case both threads run at once.
pub(crate) type SyncCase<'a> = &'a (dyn Fn(u64) + Sync);

/// Waits until both threads have arrived (spinning: after the barrier both are
/// awake, so this is short, and it releases them together). Yields now and
/// then in case the other thread has lost its CPU to another process.
pub(crate) fn rendezvous(arrived: &AtomicUsize) {
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
pub(crate) fn pin_to_cpu(cpu: usize) -> bool {
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
pub(crate) const MIN_OVERLAP: f64 = 0.9;

/// The criterion routine for library `which` of the two-thread group: rounds
/// of all libraries (see the module docs); returns the fastest round of
/// `which`, scaled to `iters` clone+drop pairs per thread.
///
/// Two threads, pinned to CPUs 0 and 1, run the same schedule; thread 0 keeps
/// the books. A library's time in a round is the span from the first thread's
/// start to the last thread's end; its overlap is the time both ran ÷ that
/// span (timestamps from one monotonic clock).
pub(crate) fn contended_bench(
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
pub(crate) struct ContendedStats {
    /// Rounds run (kept or not).
    pub(crate) rounds: usize,
    /// Whether pinning to CPUs 0 and 1 failed anywhere.
    pub(crate) unpinned: bool,
    /// Overlap of every library run.
    pub(crate) overlaps: Vec<f64>,
}
