//! `leaksafe::rc::Rc<u64, C>` against `std::rc::Rc<u64>` and `rclite::Rc<u64>`,
//! side by side in one group: clone+drop of an existing `Rc`, and new+drop.
//!
//! Run: `cargo bench -p leaksafe --bench rc`. Results and the bytes-per-
//! allocation table: `benches/results/rc.md`.
use std::hint::black_box;
use std::num::Saturating;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use leaksafe::rc::Rc;

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("rc");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);

    macro_rules! clone_drop {
        ($name:expr, $make:expr) => {
            g.bench_function(concat!("clone+drop/", $name), |b| {
                let r = $make;
                b.iter(|| {
                    let c = black_box(&r).clone();
                    black_box(&c);
                    drop(c);
                })
            });
        };
    }
    clone_drop!("std", std::rc::Rc::new(1u64));
    clone_drop!("rclite", rclite::Rc::new(1u64));
    clone_drop!("leaksafe_usize", Rc::<u64, usize>::new(1));
    clone_drop!("leaksafe_u32", Rc::<u64, u32>::new_counted(1));
    clone_drop!("leaksafe_u8", Rc::<u64, u8>::new_counted(1));
    clone_drop!(
        "leaksafe_sat_u32",
        Rc::<u64, Saturating<u32>>::new_counted(1)
    );

    macro_rules! new_drop {
        ($name:expr, $new:expr) => {
            g.bench_function(concat!("new+drop/", $name), |b| {
                b.iter(|| drop(black_box($new(black_box(1u64)))))
            });
        };
    }
    new_drop!("std", std::rc::Rc::new);
    new_drop!("rclite", rclite::Rc::new);
    new_drop!("leaksafe_usize", Rc::<u64, usize>::new);
    new_drop!("leaksafe_u32", Rc::<u64, u32>::new_counted);
    new_drop!("leaksafe_u8", Rc::<u64, u8>::new_counted);
    new_drop!("leaksafe_sat_u32", Rc::<u64, Saturating<u32>>::new_counted);
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
