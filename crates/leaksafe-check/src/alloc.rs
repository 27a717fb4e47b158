//! A counting global allocator: how many bytes and allocations an operation
//! asks for, and how many bytes a thread holds, for tests that check a
//! container's footprint or that it frees what it allocated.
//!
//! # Invariants
//!
//! [`Counting`] forwards every call to [`System`] with the caller's arguments
//! unchanged, so `System`'s guarantees are its own. The counters only
//! observe: they are atomics, or `const`-initialised thread-local `Cell`s
//! without a destructor reached through `try_with`, so counting never
//! allocates (no recursion into the allocator) and never panics (not even
//! while a thread's locals are being destroyed).
//!
//! Two kinds of count:
//! - per thread, always on ([`measure_thread`], [`live_bytes`]): right in a
//!   test binary, where the harness runs tests on several threads;
//! - process-wide, only while [`measure`] runs: right where the work runs on
//!   other threads too (a pool's workers), single-threaded otherwise.
//!
//! A `realloc` counts as one allocation of the new size: that is what a
//! growing container asks the allocator for.
//!
//! Install it in a binary or test with
//! `#[global_allocator] static A: leaksafe_check::alloc::Counting = leaksafe_check::alloc::Counting;`
//! (the counts read zero without it).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// The counting allocator (see the [module docs](self)).
#[derive(Clone, Copy, Debug, Default)]
pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Bytes and allocations requested by this thread.
    static THREAD_BYTES: Cell<usize> = const { Cell::new(0) };
    static THREAD_ALLOCS: Cell<usize> = const { Cell::new(0) };
    /// Bytes this thread allocated minus those it freed.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

/// Counts one allocation of `size` bytes of which `added` are new to this
/// thread's live total.
fn note(size: usize, added: isize) {
    let _ = THREAD_BYTES.try_with(|b| b.set(b.get() + size));
    let _ = THREAD_ALLOCS.try_with(|a| a.set(a.get() + 1));
    let _ = LIVE.try_with(|l| l.set(l.get() + added));
    if ON.load(Relaxed) {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(size as u64, Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees are ours; the counters never allocate
// (module invariants).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size(), layout.size() as isize);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract (non-zero size).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size(), layout.size() as isize);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE.try_with(|l| l.set(l.get() - layout.size() as isize));
        // SAFETY: `ptr` was allocated by `System` (every allocation goes
        // through this forwarder) with this `layout`, per the caller's contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size, new_size as isize - layout.size() as isize);
        // SAFETY: `ptr` came from `System` with `layout`, and `new_size` is
        // valid, per the caller's contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// What [`measure`] counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counted {
    /// Calls to `alloc`, `alloc_zeroed` and `realloc`.
    pub allocs: u64,
    /// Bytes requested by those calls.
    pub bytes: u64,
}

/// Runs `f` with the process-wide count switched on and returns its result
/// and what every thread allocated meanwhile.
///
/// ```
/// let (v, c) = leaksafe_check::alloc::measure(|| vec![1u8; 3]);
/// assert_eq!(v.len(), 3);
/// // Zero unless `Counting` is the global allocator.
/// assert!(c.allocs <= 1);
/// ```
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Counted) {
    ALLOCS.store(0, Relaxed);
    BYTES.store(0, Relaxed);
    ON.store(true, Relaxed);
    let r = std::hint::black_box(f());
    ON.store(false, Relaxed);
    let c = Counted {
        allocs: ALLOCS.load(Relaxed),
        bytes: BYTES.load(Relaxed),
    };
    (r, c)
}

/// (bytes, allocations) that `f` asked for on this thread, keeping its
/// result alive while counting.
///
/// ```
/// let (bytes, allocs) = leaksafe_check::alloc::measure_thread(|| vec![1u8; 3]);
/// // Zero unless `Counting` is the global allocator.
/// assert!(bytes <= 3 && allocs <= 1);
/// ```
pub fn measure_thread<R>(f: impl FnOnce() -> R) -> (usize, usize) {
    let b0 = THREAD_BYTES.with(Cell::get);
    let a0 = THREAD_ALLOCS.with(Cell::get);
    let r = std::hint::black_box(f());
    let out = (
        THREAD_BYTES.with(Cell::get) - b0,
        THREAD_ALLOCS.with(Cell::get) - a0,
    );
    drop(r);
    out
}

/// Bytes this thread has allocated and not freed (its own frees of other
/// threads' memory count against it): compare before and after an operation.
///
/// ```
/// let before = leaksafe_check::alloc::live_bytes();
/// drop(vec![1u8; 3]);
/// assert_eq!(leaksafe_check::alloc::live_bytes(), before);
/// ```
pub fn live_bytes() -> isize {
    LIVE.with(Cell::get)
}
