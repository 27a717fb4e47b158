//! How idle pool threads sleep without losing a wake-up.
//!
//! Every thread that runs out of work — an idle worker, a worker joining a
//! handle, the owner of a scope waiting for its tasks — sleeps on the one
//! [`Sleep`] of its pool, after checking a condition (`ready`) that says
//! whether it has something to do: a queued task, its latch set, or the pool
//! shutting down.
//!
//! # Invariants (the protocol loom checks in `loom_tests.rs`)
//! - A sleeper registers in `sleepers` and checks `ready` while holding
//!   `lock`, with a `SeqCst` fence between the two, and only then waits on the
//!   condition variable (which releases `lock` atomically).
//! - A publisher of new work first makes the work visible (the deque push, an
//!   atomic store), then runs a `SeqCst` fence, then reads `sleepers`. By the
//!   fences, either the publisher sees the sleeper's registration, or the
//!   sleeper's `ready` check sees the work (store-buffering is forbidden
//!   between two `SeqCst` fences). In the first case the publisher takes
//!   `lock` — which it can only get once the sleeper is waiting or gone — and
//!   notifies. So a sleeper never misses work published after it looked.
//! - A latch that someone may sleep on is set by an atomic RMW that also reads
//!   the latch's "waiting" bit; the waiter set that bit *before* taking `lock`
//!   and checking the latch. If the setter sees the bit, it takes `lock` and
//!   notifies everyone; if not, the waiter's check (after the RMW) sees the
//!   latch set. Latch wake-ups use `notify_all` because the shared condition
//!   variable does not know which sleeper waits for which latch.
//! - A thread *blocked* on a latch ([`Sleep::block`]: a joiner whose task
//!   runs elsewhere, a scope's end with none of its own tasks left to run)
//!   does not look for work: it waits on its own condition variable,
//!   `blocked`, which only `notify_all` (latch set, shutdown) signals. So a
//!   `notify_one` for new work always reaches a thread that looks for work.
//! - Any sleeper woken by `notify_one` searches for work again; a sleeper that
//!   returns to other business instead (its latch was set) passes the wake-up
//!   on if work is queued ([`Sleep::new_work`] again), so the notification for
//!   a queued task is not swallowed.

use crate::loom::{AtomicUsize, Condvar, Mutex, Ordering, fence, spin_loop, thread};

/// Rounds of searching (spinning, then yielding) before a thread sleeps.
pub(super) const SPIN_ROUNDS: u32 = if cfg!(any(miri, loom)) { 2 } else { 64 };
/// Rounds among `SPIN_ROUNDS` that only spin; the rest yield the CPU.
const PURE_SPINS: u32 = 8;

/// The sleep/wake protocol of one pool.
#[derive(Debug)]
pub(super) struct Sleep {
    lock: Mutex<()>,
    cvar: Condvar,
    /// Where blocked threads wait (they do not take new work).
    blocked: Condvar,
    /// Threads registered under `lock` as about to wait or waiting.
    sleepers: AtomicUsize,
}

impl Default for Sleep {
    fn default() -> Self {
        Self::new()
    }
}

impl Sleep {
    /// Nobody asleep.
    pub(super) fn new() -> Self {
        Sleep {
            lock: Mutex::new(()),
            cvar: Condvar::new(),
            blocked: Condvar::new(),
            sleepers: AtomicUsize::new(0),
        }
    }

    /// Sleeps until notified, unless `ready()` is already true once this
    /// thread is registered. Returns after at most one wait: the caller
    /// re-checks its condition and searches for work (wake-ups may be
    /// spurious or meant for another sleeper).
    pub(super) fn sleep(&self, ready: impl Fn() -> bool) {
        let guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.sleepers.fetch_add(1, Ordering::Relaxed);
        // Pairs with the fence in `new_work`: either the publisher sees our
        // registration, or we see its work in `ready()`.
        fence(Ordering::SeqCst);
        let guard = if ready() {
            guard
        } else {
            self.cvar.wait(guard).unwrap_or_else(|e| e.into_inner())
        };
        self.sleepers.fetch_sub(1, Ordering::Relaxed);
        drop(guard);
    }

    /// The waiting loop of every pool thread: runs queued work (`run_one`
    /// runs one task and returns `true`, or returns `false` if it found none)
    /// until `done()`; when there is none, spins a little, then calls `arm()`
    /// (which must make whoever turns `done()` true call
    /// [`notify_all`](Self::notify_all)) and sleeps until woken or until
    /// `done() || has_work()`.
    pub(super) fn wait_until(
        &self,
        done: &dyn Fn() -> bool,
        run_one: &mut dyn FnMut() -> bool,
        has_work: &dyn Fn() -> bool,
        arm: &dyn Fn(),
    ) {
        let mut rounds = 0;
        let mut slept = false;
        loop {
            if done() {
                if slept && has_work() {
                    // We may have swallowed a `notify_one` meant for this
                    // work: pass it on (module invariant).
                    self.new_work();
                }
                return;
            }
            if run_one() {
                rounds = 0;
                continue;
            }
            if rounds < SPIN_ROUNDS {
                rounds += 1;
                if rounds <= PURE_SPINS {
                    spin_loop();
                } else {
                    thread::yield_now();
                }
                continue;
            }
            arm();
            self.sleep(|| done() || has_work());
            slept = true;
            // After a wake-up, search once more before sleeping again.
            rounds = SPIN_ROUNDS.saturating_sub(1);
        }
    }

    /// Waits, without looking for work, until woken by
    /// [`notify_all`](Self::notify_all), unless `done()` already holds under
    /// the lock. The caller must first have armed its latch (so that whoever
    /// makes `done()` true calls `notify_all`, which needs the lock), and
    /// loops until `done()`: wake-ups may be meant for another latch.
    pub(super) fn block(&self, done: impl Fn() -> bool) {
        let guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if !done() {
            drop(self.blocked.wait(guard).unwrap_or_else(|e| e.into_inner()));
        }
    }

    /// Work was just made visible: wake one sleeper if there is any.
    pub(super) fn new_work(&self) {
        fence(Ordering::SeqCst);
        if self.sleepers.load(Ordering::Relaxed) > 0 {
            let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.cvar.notify_one();
        }
    }

    /// A latch some sleeper may wait for was set (or the pool shuts down):
    /// wake every sleeper.
    pub(super) fn notify_all(&self) {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.cvar.notify_all();
        self.blocked.notify_all();
    }
}
