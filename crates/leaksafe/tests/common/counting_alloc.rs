//! A counting global allocator for the allocation-size tests.
//!
//! The counters are per thread: the test harness runs tests on several
//! threads, and the harness itself (or a sanitizer's runtime) may allocate on
//! another thread while one test measures. Include with
//! `#[path = "common/counting_alloc.rs"] mod counting_alloc;`; the including
//! test binary gets the `#[global_allocator]`.
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Bytes and allocations requested by this thread.
    static BYTES: Cell<usize> = const { Cell::new(0) };
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to `System`; the counters are thread-local `Cell`s with
// const initializers and no destructor, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = BYTES.try_with(|b| b.set(b.get() + layout.size()));
        let _ = ALLOCS.try_with(|a| a.set(a.get() + 1));
        // SAFETY: forwarded from the caller.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (bytes, allocations) that `f` made on this thread, keeping its result
/// alive while counting.
pub fn measure<R>(f: impl FnOnce() -> R) -> (usize, usize) {
    let b0 = BYTES.with(Cell::get);
    let a0 = ALLOCS.with(Cell::get);
    let r = std::hint::black_box(f());
    let out = (BYTES.with(Cell::get) - b0, ALLOCS.with(Cell::get) - a0);
    drop(r);
    out
}
