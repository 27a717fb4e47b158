//! Bytes allocated per `Rc<T, C>`, measured with a counting global allocator
//! (its own test binary: a `#[global_allocator]` is per binary), against the
//! table in `leaksafe::rc`'s module docs and against std's `Rc`.
use std::num::Saturating;

use leaksafe::Count;
use leaksafe::rc::{Rc, Weak};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::measure;

fn rc_bytes<T, C: Count>(v: T) -> usize {
    let (bytes, allocs) = measure(|| Rc::<T, C>::new_counted(v));
    assert_eq!(allocs, 1);
    bytes
}

fn std_bytes<T>(v: T) -> usize {
    measure(|| std::rc::Rc::new(v)).0
}

#[test]
fn allocation_sizes_match_the_table() {
    // (T, [u8, u16, u32, u64, usize], std) from the module docs (x86-64).
    macro_rules! row {
        ($v:expr, $t:ty, [$b8:expr, $b16:expr, $b32:expr, $b64:expr]) => {{
            assert_eq!(rc_bytes::<$t, u8>($v), $b8, "{} u8", stringify!($t));
            assert_eq!(rc_bytes::<$t, u16>($v), $b16, "{} u16", stringify!($t));
            assert_eq!(rc_bytes::<$t, u32>($v), $b32, "{} u32", stringify!($t));
            assert_eq!(rc_bytes::<$t, u64>($v), $b64, "{} u64", stringify!($t));
            assert_eq!(rc_bytes::<$t, Saturating<u8>>($v), $b8);
            assert_eq!(rc_bytes::<$t, Saturating<u32>>($v), $b32);
            // C = usize allocates exactly what std does.
            assert_eq!(rc_bytes::<$t, usize>($v), std_bytes::<$t>($v));
            assert_eq!(rc_bytes::<$t, Saturating<usize>>($v), std_bytes::<$t>($v));
        }};
    }
    if cfg!(target_pointer_width = "64") {
        row!(1u8, u8, [3, 6, 12, 24]);
        row!(1u32, u32, [8, 8, 12, 24]);
        row!(1u64, u64, [16, 16, 16, 24]);
        row!([1u8; 3], [u8; 3], [5, 8, 12, 24]);
        row!((), (), [2, 4, 8, 16]);
        assert_eq!(rc_bytes::<String, u8>(String::new()), 32);
        assert_eq!(rc_bytes::<String, usize>(String::new()), 40);
        assert_eq!(std_bytes(String::new()), 40);
    }
}

#[test]
fn unsized_sizes() {
    let (b, _) = measure(|| Rc::<[u8], u8>::from(&[1u8, 2, 3][..]));
    assert_eq!(b, 5);
    let (b, _) = measure(|| Rc::<str, u16>::from("abc"));
    assert_eq!(b, 8, "4 + 3 bytes, padded to the u16 alignment");
    let (b, _) = measure(|| Rc::<[u64], usize>::from(&[1u64, 2][..]));
    let (s, _) = measure(|| std::rc::Rc::<[u64]>::from(&[1u64, 2][..]));
    assert_eq!(b, s);
}

#[test]
fn weak_new_does_not_allocate() {
    let (b, a) = measure(|| {
        (
            Weak::<u64, u8>::new_counted(),
            Weak::<(), usize>::new(),
            Weak::<[u8; 4096], Saturating<u16>>::new_counted(),
        )
    });
    assert_eq!((b, a), (0, 0));
    // Clone and drop of a dangling Weak touch no memory either.
    let w = Weak::<u64, u8>::new_counted();
    let (b, a) = measure(|| w.clone());
    assert_eq!((b, a), (0, 0));
}

/// Prints the bytes-per-allocation table of `benches/results/rc.md`
/// (`cargo test -p leaksafe --test rc_alloc_size -- bytes_table --nocapture`),
/// and checks that a narrower count never allocates more than std.
#[test]
fn bytes_table() {
    fn row<T: Copy>(name: &str, v: T) -> String {
        let ours = [
            rc_bytes::<T, u8>(v),
            rc_bytes::<T, u16>(v),
            rc_bytes::<T, u32>(v),
            rc_bytes::<T, usize>(v),
            rc_bytes::<T, Saturating<u32>>(v),
        ];
        let std = std_bytes(v);
        let rclite = measure(|| rclite::Rc::new(v)).0;
        assert!(ours.iter().all(|&b| b <= std));
        format!(
            "| `{name}` | {} | {} | {} | {} | {} | {std} | {rclite} | {:.2} |",
            ours[0],
            ours[1],
            ours[2],
            ours[3],
            ours[4],
            ours[0] as f64 / std as f64
        )
    }
    println!(
        "| T | C = u8 | u16 | u32 | usize | Saturating<u32> | std Rc | rclite Rc | u8 ÷ std |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    println!("{}", row("u8", 1u8));
    println!("{}", row("u32", 1u32));
    println!("{}", row("[u8; 3]", [1u8; 3]));
    println!("{}", row("u64", 1u64));
}
