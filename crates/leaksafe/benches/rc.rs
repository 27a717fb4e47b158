//! `leaksafe::rc::Rc<u64, C>` against `std::rc::Rc<u64>` and `rclite::Rc<u64>`,
//! side by side in one group: clone+drop of an existing `Rc`, and new+drop.
//!
//! Run: `cargo bench -p leaksafe --bench rc`. Results and the bytes-per-
//! allocation table: `benches/results/rc.md`.
//!
//! Every case is timed *paired* (see `common/paired.rs`): each round runs
//! every case of the group for one chunk of operations, back to back in a
//! rotating order, and the ratio claimed is the median over rounds of
//! (case ÷ std in the same round), printed as `paired ...` lines when the group
//! ends; criterion's own estimate per case is its fastest chunk (min of
//! chunks). `std#2` is a second, identical copy of the std case: its ratio to
//! std is what the method reads for two equal things (code placement and
//! residual noise), the yardstick for every other ratio.
use std::hint::black_box;
use std::num::Saturating;

use criterion::{Criterion, criterion_group, criterion_main};
use leaksafe::rc::Rc;

#[path = "common/paired.rs"]
mod paired;
use paired::{configure, run_group};

/// Clone and drop a handle to a live `Rc<u64>` (an increment, a decrement
/// that does not reach zero).
fn clone_drop(c: &mut Criterion) {
    macro_rules! case {
        ($make:expr) => {{
            let r = $make;
            move |n: u64| {
                for _ in 0..n {
                    let c = black_box(&r).clone();
                    black_box(&c);
                    drop(c);
                }
            }
        }};
    }
    let std = case!(std::rc::Rc::new(1u64));
    let std2 = case!(std::rc::Rc::new(1u64));
    let rclite = case!(rclite::Rc::new(1u64));
    let usize = case!(Rc::<u64, usize>::new(1));
    let u32 = case!(Rc::<u64, u32>::new_counted(1));
    let u8 = case!(Rc::<u64, u8>::new_counted(1));
    let sat_u32 = case!(Rc::<u64, Saturating<u32>>::new_counted(1));
    let sat_u8 = case!(Rc::<u64, Saturating<u8>>::new_counted(1));
    run_group(
        c,
        "rc/clone+drop",
        &[
            "std",
            "std#2",
            "rclite",
            "leaksafe_usize",
            "leaksafe_u32",
            "leaksafe_u8",
            "leaksafe_sat_u32",
            "leaksafe_sat_u8_known_gap",
        ],
        &[&std, &std2, &rclite, &usize, &u32, &u8, &sat_u32, &sat_u8],
        10_000,
        &[2],
    );
}

/// Allocate, initialise the counts, drop the last reference and free.
fn new_drop(c: &mut Criterion) {
    macro_rules! case {
        ($new:expr) => {
            |n: u64| {
                for _ in 0..n {
                    drop(black_box($new(black_box(1u64))));
                }
            }
        };
    }
    let std = case!(std::rc::Rc::new);
    let std2 = case!(std::rc::Rc::new);
    let rclite = case!(rclite::Rc::new);
    let usize = case!(Rc::<u64, usize>::new);
    let u32 = case!(Rc::<u64, u32>::new_counted);
    let u8 = case!(Rc::<u64, u8>::new_counted);
    let sat_u32 = case!(Rc::<u64, Saturating<u32>>::new_counted);
    run_group(
        c,
        "rc/new+drop",
        &[
            "std",
            "std#2",
            "rclite",
            "leaksafe_usize",
            "leaksafe_u32",
            "leaksafe_u8",
            "leaksafe_sat_u32",
        ],
        &[&std, &std2, &rclite, &usize, &u32, &u8, &sat_u32],
        2000,
        &[2],
    );
}

criterion_group! {
    name = group;
    config = configure();
    targets = clone_drop, new_drop
}
criterion_main!(group);
