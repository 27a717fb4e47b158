//! `try_reserve` when the allocator fails once: a global allocator that makes
//! the next allocation of the current thread fail exercises the fallback in
//! `raw.rs` that asks std for the same layout (to get std's `TryReserveError`)
//! and, when std's retry succeeds, adopts that allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use leaksafe::vec::Vec;
use leaksafe_check::Ledger;

struct FailNextOnThisThread;

thread_local! {
    static FAIL_NEXT: Cell<bool> = const { Cell::new(false) };
    static FAILED: Cell<usize> = const { Cell::new(0) };
}

fn take_failure() -> bool {
    let fail = FAIL_NEXT.with(|f| f.replace(false));
    if fail {
        FAILED.with(|c| c.set(c.get() + 1));
    }
    fail
}

// SAFETY: forwards to `System`, except that it may return null, which every
// `GlobalAlloc` method is allowed to do on failure.
unsafe impl GlobalAlloc for FailNextOnThisThread {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if take_failure() {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: every pointer came from `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if take_failure() {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: FailNextOnThisThread = FailNextOnThisThread;

fn fail_next_allocation() {
    FAILED.with(|c| c.set(0));
    FAIL_NEXT.with(|f| f.set(true));
}

fn failures() -> usize {
    FAILED.with(|c| c.get())
}

#[test]
fn try_reserve_from_empty_adopts_std_allocation_after_one_failure() {
    let mut v: Vec<u64> = Vec::new();
    fail_next_allocation();
    assert!(v.try_reserve_exact(10).is_ok());
    assert_eq!(failures(), 1, "our allocation should have failed once");
    assert_eq!(v.capacity(), 10);
    v.extend(0..10);
    assert!(v.iter().copied().eq(0..10));
}

#[test]
fn try_reserve_grow_keeps_elements_after_one_failure() {
    let ledger = Ledger::new();
    let mut v: Vec<_> = ledger.track_range(3).collect();
    let cap = v.capacity();
    fail_next_allocation();
    assert!(v.try_reserve(100).is_ok());
    assert_eq!(failures(), 1, "our reallocation should have failed once");
    // Amortized: max(2 * cap, len + 100).
    assert_eq!(v.capacity(), (2 * cap).max(103));
    assert_eq!(
        v.iter().map(|t| *t.get()).collect::<std::vec::Vec<_>>(),
        [0, 1, 2]
    );
    v.extend(ledger.track_range(100));
    drop(v);
    ledger.assert_all_dropped();
}

#[test]
fn try_reserve_exact_grow_keeps_elements_after_one_failure() {
    let mut v = leaksafe::vec![1u16, 2, 3];
    fail_next_allocation();
    assert!(v.try_reserve_exact(5).is_ok());
    assert_eq!(failures(), 1);
    assert_eq!(v.capacity(), 8);
    assert_eq!(v, [1, 2, 3]);
    v.extend([4, 5, 6, 7, 8]);
    assert_eq!(v.len(), 8);
}
