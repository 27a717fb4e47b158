//! loom model of `leaksafe::thread::scope`'s running count and wake-up.
//!
//! Under `--cfg loom` the library itself runs on loom: its atomics, `Mutex`,
//! `Arc`, `Condvar` come from the crate's `loom` module, and the scope spawns
//! loom threads (its `thread`). So this checks the real protocol,
//! not a copy: the last thread's decrement and notify vs the owner starting to
//! wait, the two sides of a packet racing to drop an unjoined result, nested
//! spawns, and the end of the scope dropping results that hold handles (one
//! of whose `Drop` spawns a thread that joins through another packet; the
//! results of one round are dropped concurrently, on counted drop threads
//! and the owner, so one `Drop` may wait for another). Data
//! the threads write is a `loom::cell::UnsafeCell`, so a missing
//! happens-before edge between a thread and `scope` returning is a
//! reported causality violation. (The packet's own result slot is a
//! `core::cell::UnsafeCell`, which loom does not track; its accesses are ordered
//! by the same atomics that are explored here.)
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release
//! -p leaksafe --test loom_scope`
#![cfg(loom)]

use std::mem;

use leaksafe::thread::scope;
use loom::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// loom's tracked cell, shareable so a scoped thread can write it; loom
/// reports any access that is not ordered by happens-before.
struct UnsafeCell<T>(loom::cell::UnsafeCell<T>);
// SAFETY: every test writes a cell from one thread only and reads it after
// `scope` returned; whether that is ordered is exactly what loom checks.
unsafe impl<T: Send> Sync for UnsafeCell<T> {}
impl<T> UnsafeCell<T> {
    fn new(v: T) -> Self {
        UnsafeCell(loom::cell::UnsafeCell::new(v))
    }
    fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        self.0.with(f)
    }
    fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        self.0.with_mut(f)
    }
}

/// A value whose drop is counted with a *relaxed* counter: only the scope's
/// happens-before makes the count visible after `scope` returns.
struct CountDrop<'a>(&'a AtomicUsize);
impl Drop for CountDrop<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Relaxed);
    }
}

#[test]
fn forgotten_handle_last_thread_vs_owner_wait() {
    loom::model(|| {
        let cell = UnsafeCell::new(0u32);
        scope(|s| {
            let h = s.spawn(|| {
                // SAFETY: this thread is the only one touching `cell` until
                // `scope` returns (that is the property under test).
                cell.with_mut(|p| unsafe { *p = 1 });
            });
            mem::forget(h);
        });
        // SAFETY: all threads are done: the scope joined them.
        assert_eq!(cell.with(|p| unsafe { *p }), 1);
    });
}

#[test]
fn two_threads_finish_while_owner_waits() {
    loom::model(|| {
        let a = UnsafeCell::new(0u32);
        let b = UnsafeCell::new(0u32);
        scope(|s| {
            // SAFETY: each cell is written by one thread, read after scope.
            drop(s.spawn(|| a.with_mut(|p| unsafe { *p = 1 })));
            // SAFETY: as above.
            mem::forget(s.spawn_guard(|| b.with_mut(|p| unsafe { *p = 2 })));
        });
        // SAFETY: the scope joined both threads.
        let (x, y) = (a.with(|p| unsafe { *p }), b.with(|p| unsafe { *p }));
        assert_eq!((x, y), (1, 2));
    });
}

#[test]
fn unjoined_result_dropped_once_before_scope_returns() {
    loom::model(|| {
        let drops = AtomicUsize::new(0);
        scope(|s| {
            // The handle's drop races the thread storing its result: exactly
            // one of them drops it.
            drop(s.spawn(|| CountDrop(&drops)));
            // A forgotten handle: the scope drops its result at its end.
            mem::forget(s.spawn(|| CountDrop(&drops)));
        });
        assert_eq!(drops.load(Relaxed), 2);
    });
}

#[test]
fn joined_result_and_nested_spawn() {
    loom::model(|| {
        let cell = UnsafeCell::new(0u32);
        let drops = AtomicUsize::new(0);
        let joined = scope(|s| {
            let h = s.spawn(|| {
                // The grandchild is counted before its parent finishes.
                mem::forget(s.spawn(|| {
                    // SAFETY: only this thread writes `cell` before `scope` returns.
                    cell.with_mut(|p| unsafe { *p = 7 });
                }));
                CountDrop(&drops)
            });
            h.join().unwrap()
        });
        assert_eq!(drops.load(Relaxed), 0);
        drop(joined);
        assert_eq!(drops.load(Relaxed), 1);
        // SAFETY: the scope waited for the grandchild.
        assert_eq!(cell.with(|p| unsafe { *p }), 7);
    });
}

#[test]
fn unjoined_panic_is_reported_after_all_threads() {
    loom::model(|| {
        let cell = UnsafeCell::new(0u32);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            scope(|s| {
                drop(s.spawn(|| panic!("boom")));
                // SAFETY: only this thread writes `cell` before `scope` returns.
                mem::forget(s.spawn(|| cell.with_mut(|p| unsafe { *p = 1 })));
            })
        }));
        let msg = *r.unwrap_err().downcast::<&str>().unwrap();
        assert_eq!(msg, "a scoped thread panicked");
        // SAFETY: the scope joined both threads before panicking.
        assert_eq!(cell.with(|p| unsafe { *p }), 1);
    });
}

/// A forgotten result whose `Drop` spawns into the scope: `scope` drops it
/// after its first wait, so it must wait again (the wait-and-free loop).
struct SpawnOnDrop<'scope, 'env>(
    &'scope leaksafe::thread::Scope<'scope, 'env>,
    &'env UnsafeCell<u32>,
);
impl Drop for SpawnOnDrop<'_, '_> {
    fn drop(&mut self) {
        let cell = self.1;
        // SAFETY: only this thread writes `cell` before `scope` returns.
        mem::forget(self.0.spawn(move || cell.with_mut(|p| unsafe { *p = 5 })));
    }
}

#[test]
fn forgotten_result_whose_drop_spawns() {
    loom::model(|| {
        let cell = UnsafeCell::new(0u32);
        scope(|s| {
            let c = &cell;
            mem::forget(s.spawn(move || SpawnOnDrop(s, c)));
        });
        // SAFETY: the scope waited for the thread spawned by the drop.
        assert_eq!(cell.with(|p| unsafe { *p }), 5);
    });
}

/// A forgotten result holding the scope and another thread's handle; its
/// `Drop` spawns a thread that joins through that handle, while the owner
/// goes on dropping the other doomed result (`Scope::finish`, invariant 6).
/// The join must get the defined answer, the second result must be dropped
/// once, and the scope must wait for the joining thread.
struct JoinOnDrop<'scope, 'env> {
    s: &'scope leaksafe::thread::Scope<'scope, 'env>,
    h: Option<leaksafe::thread::ScopedJoinHandle<'scope, CountDrop<'env>>>,
    cell: &'env UnsafeCell<u32>,
}
impl Drop for JoinOnDrop<'_, '_> {
    fn drop(&mut self) {
        let (h, cell) = (self.h.take().unwrap(), self.cell);
        drop(self.s.spawn(move || {
            let e = h.join().err().unwrap();
            let dropped = e.downcast_ref() == Some(&leaksafe::thread::SCOPE_DROPPED_RESULT);
            // SAFETY: only this thread writes `cell` before `scope` returns.
            cell.with_mut(|p| unsafe { *p = if dropped { 1 } else { 2 } });
        }));
    }
}

#[test]
fn forgotten_result_whose_drop_joins_through_another_packet() {
    loom::model(|| {
        let cell = UnsafeCell::new(0u32);
        let drops = AtomicUsize::new(0);
        scope(|s| {
            let hb = s.spawn(|| CountDrop(&drops));
            let c = &cell;
            mem::forget(s.spawn(move || JoinOnDrop {
                s,
                h: Some(hb),
                cell: c,
            }));
        });
        assert_eq!(drops.load(Relaxed), 1);
        // SAFETY: the scope waited for the joining thread.
        assert_eq!(cell.with(|p| unsafe { *p }), 1);
    });
}

/// A forgotten result holding a live handle: dropping it (in `finish`)
/// releases the other packet, whose result `finish` took in the same round.
#[test]
fn forgotten_result_holding_a_handle() {
    loom::model(|| {
        let drops = AtomicUsize::new(0);
        scope(|s| {
            let hb = s.spawn(|| CountDrop(&drops));
            mem::forget(s.spawn(move || hb));
        });
        assert_eq!(drops.load(Relaxed), 1);
    });
}

/// A forgotten result whose `Drop` sets a flag (after writing a cell), and a
/// newer one whose `Drop` waits for that flag: `finish` drops the results of
/// a round concurrently (the newer on a counted drop thread, the older on
/// the owner), so this ends, and the drop thread's write to the cell is
/// ordered before `scope` returns.
struct SetsFlag<'env>(&'env loom::sync::atomic::AtomicBool);
impl Drop for SetsFlag<'_> {
    fn drop(&mut self) {
        self.0.store(true, loom::sync::atomic::Ordering::Release);
    }
}
struct WaitsForFlag<'env>(&'env loom::sync::atomic::AtomicBool, &'env UnsafeCell<u32>);
impl Drop for WaitsForFlag<'_> {
    fn drop(&mut self) {
        while !self.0.load(loom::sync::atomic::Ordering::Acquire) {
            loom::thread::yield_now();
        }
        // SAFETY: only this drop writes the cell before `scope` returns.
        self.1.with_mut(|p| unsafe { *p = 7 });
    }
}

#[test]
fn forgotten_results_whose_drops_wait_for_each_other() {
    loom::model(|| {
        let flag = loom::sync::atomic::AtomicBool::new(false);
        let cell = UnsafeCell::new(0u32);
        scope(|s| {
            let (f, c) = (&flag, &cell);
            mem::forget(s.spawn(move || SetsFlag(f)));
            mem::forget(s.spawn(move || WaitsForFlag(f, c)));
        });
        // SAFETY: the scope waited for the drop thread.
        assert_eq!(cell.with(|p| unsafe { *p }), 7);
    });
}
