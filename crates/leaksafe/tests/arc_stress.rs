//! Stress: 2 to 8 threads clone, drop, downgrade, upgrade and `get_mut` one
//! `Arc` for about two seconds per configuration, with a drop ledger.
//!
//! Natively each configuration runs for `DURATION`; under Miri a few hundred
//! operations per thread (several seeds via `-Zmiri-many-seeds`).

use core::num::Saturating;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use leaksafe::Count;
use leaksafe::sync::{Arc, Weak};
use leaksafe_check::{Ledger, Tracked};

const DURATION: Duration = Duration::from_millis(if cfg!(miri) { 0 } else { 400 });
const MIN_OPS: usize = if cfg!(miri) { 30 } else { 10_000 };

/// A tiny xorshift so each thread takes a different path.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn stress<C: Count>(threads: usize) {
    let ledger = Ledger::new();
    let root: Arc<Tracked<u64>, C> = Arc::new_counted(ledger.track(42));
    let weak_root = Arc::downgrade(&root);
    let barrier = Barrier::new(threads);
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let mine = root.clone();
            let weak = weak_root.clone();
            let barrier = &barrier;
            s.spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1));
                // Each thread keeps a small pool of strong and weak handles.
                let mut strong: Vec<Arc<Tracked<u64>, C>> = vec![mine];
                let mut weaks: Vec<Weak<Tracked<u64>, C>> = vec![weak];
                barrier.wait();
                let mut ops = 0;
                while ops < MIN_OPS || start.elapsed() < DURATION {
                    ops += 1;
                    match rng.next() % 8 {
                        0 | 1 if strong.len() < 6 => {
                            let i = rng.next() as usize % strong.len();
                            strong.push(strong[i].clone());
                        }
                        2 if strong.len() > 1 => {
                            let i = rng.next() as usize % strong.len();
                            strong.swap_remove(i);
                        }
                        3 if weaks.len() < 6 => {
                            let i = rng.next() as usize % strong.len();
                            weaks.push(Arc::downgrade(&strong[i]));
                        }
                        4 if weaks.len() > 1 => {
                            let i = rng.next() as usize % weaks.len();
                            weaks.swap_remove(i);
                        }
                        5 => {
                            let i = rng.next() as usize % weaks.len();
                            let up = weaks[i].upgrade().expect("the root is alive");
                            assert_eq!(*up.get(), 42);
                            if strong.len() < 6 {
                                strong.push(up);
                            }
                        }
                        6 => {
                            let i = rng.next() as usize % weaks.len();
                            weaks.push(weaks[i].clone());
                            if weaks.len() > 6 {
                                weaks.swap_remove(0);
                            }
                        }
                        _ => {
                            // Read, and (rarely, since others hold it) try get_mut.
                            let i = rng.next() as usize % strong.len();
                            assert_eq!(*strong[i].get(), 42);
                            assert!(Arc::strong_count(&strong[i]) >= 2);
                            if strong.len() == 1 {
                                let h = &mut strong[0];
                                assert!(Arc::get_mut(h).is_none(), "root is shared");
                            }
                        }
                    }
                }
            });
        }
    });
    assert_eq!(Arc::strong_count(&root), 1);
    assert_eq!(Arc::weak_count(&root), 1);
    drop(root);
    assert!(weak_root.upgrade().is_none());
    drop(weak_root);
    ledger.assert_all_dropped();
}

/// Many threads race to drop the last references to fresh values while others
/// upgrade: every value is dropped exactly once.
fn last_drop_storm<C: Count>(threads: usize) {
    let ledger = Ledger::new();
    let start = Instant::now();
    let mut rounds = 0;
    while rounds < MIN_OPS / 100 + 1 || start.elapsed() < DURATION {
        rounds += 1;
        let a: Arc<Tracked<u64>, C> = Arc::new_counted(ledger.track(rounds as u64));
        let w = Arc::downgrade(&a);
        let barrier = Barrier::new(threads);
        std::thread::scope(|s| {
            for t in 0..threads {
                let a = a.clone();
                let w = w.clone();
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    if t % 2 == 0 {
                        drop(a);
                        if let Some(up) = w.upgrade() {
                            assert_eq!(*up.get(), rounds as u64);
                        }
                    } else {
                        let b = a.clone();
                        drop(a);
                        drop(w);
                        assert_eq!(*b.get(), rounds as u64);
                    }
                });
            }
            drop(a);
        });
        assert!(w.upgrade().is_none());
    }
    ledger.assert_all_dropped();
}

macro_rules! stress_tests {
    ($($name:ident: $c:ty;)*) => {$(
        #[test]
        fn $name() {
            let max = if cfg!(miri) { 3 } else { 8 };
            let mut n = 2;
            while n <= max {
                stress::<$c>(n);
                last_drop_storm::<$c>(n);
                n *= 2;
            }
        }
    )*};
}

stress_tests! {
    stress_usize: usize;
    stress_u8: u8;
    stress_u32: u32;
    stress_saturating_u16: Saturating<u16>;
}
