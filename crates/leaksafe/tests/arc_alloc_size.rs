//! Bytes allocated by `leaksafe::sync::Arc` per count type, against
//! `std::sync::Arc`, measured with a counting global allocator.
//!
//! Its own test binary, because the allocator is global; the counts are per
//! thread, so concurrent tests (and the harness) do not mix into them.

use core::num::Saturating;

use leaksafe::sync::Arc;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::measure;

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
