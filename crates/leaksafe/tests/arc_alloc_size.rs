//! Bytes allocated by `leaksafe::sync::Arc` per count type, against
//! `std::sync::Arc`, measured with a counting global allocator.
//!
//! Its own test binary, because the allocator is global: the tests here run
//! one at a time under a lock so their counts do not mix.

use core::num::Saturating;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use leaksafe::sync::Arc;

struct Counting;

static BYTES: AtomicUsize = AtomicUsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static LOCK: Mutex<()> = Mutex::new(());

// SAFETY: forwards to `System`, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        BYTES.fetch_add(layout.size(), SeqCst);
        ALLOCS.fetch_add(1, SeqCst);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes and number of allocations made by `f`, which must not allocate
/// anything but what is measured.
fn measure<R>(f: impl FnOnce() -> R) -> (usize, usize) {
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (b0, a0) = (BYTES.load(SeqCst), ALLOCS.load(SeqCst));
    let r = std::hint::black_box(f());
    let (b1, a1) = (BYTES.load(SeqCst), ALLOCS.load(SeqCst));
    drop(r);
    (b1 - b0, a1 - a0)
}

#[test]
fn arc_u32_u32_is_12_bytes() {
    assert_eq!(measure(|| Arc::<u32, u32>::new_counted(1)), (12, 1));
}

#[test]
fn usize_counts_allocate_like_std() {
    macro_rules! same {
        ($($t:ty = $v:expr),*) => {$(
            let ours = measure(|| Arc::<$t>::new($v));
            let std = measure(|| std::sync::Arc::<$t>::new($v));
            assert_eq!(ours, std, "Arc<{}>", stringify!($t));
        )*};
    }
    same!(
        u8 = 1,
        u32 = 1,
        u64 = 1,
        [u8; 3] = [1; 3],
        u128 = 1,
        () = (),
        String = String::new()
    );
    let ours = measure(|| Arc::<[u16]>::from(&[1u16, 2, 3][..]));
    let std = measure(|| std::sync::Arc::<[u16]>::from(&[1u16, 2, 3][..]));
    assert_eq!(ours, std);
    let ours = measure(|| Arc::<str>::from("hello"));
    let std = measure(|| std::sync::Arc::<str>::from("hello"));
    assert_eq!(ours, std);
}

/// The table in `benches/results/arc.md`: bytes of one allocation.
#[test]
fn sizes_per_count_type() {
    macro_rules! row {
        ($t:ty = $v:expr => $($c:ty: $n:expr),*) => {$(
            assert_eq!(
                measure(|| Arc::<$t, $c>::new_counted($v)).0,
                $n,
                "Arc<{}, {}>", stringify!($t), stringify!($c)
            );
        )*};
    }
    row!(u8 = 1 => u8: 3, u16: 6, u32: 12, u64: 24, usize: 24, Saturating<u8>: 3, Saturating<u32>: 12);
    row!(u32 = 1 => u8: 8, u16: 8, u32: 12, u64: 24, usize: 24, Saturating<u16>: 8);
    row!(u64 = 1 => u8: 16, u16: 16, u32: 16, u64: 24, usize: 24, Saturating<u32>: 16);
    row!([u8; 3] = [1; 3] => u8: 5, u16: 8, u32: 12, u64: 24);
    assert_eq!(measure(|| std::sync::Arc::new(1u8)).0, 24);
}
