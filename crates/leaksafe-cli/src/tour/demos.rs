//! The tour's attacks that run in the tour's own process, for real against
//! leaksafe's types (and std's, where std differs). Each returns plain data;
//! `tour` prints it. (The attacks that abort or hang run in a child: `child`.)

use std::time::{Duration, Instant};

use leaksafe_check::{Ledger, Summary};

/// After forgetting a Drain mid-iteration.
pub struct DrainDemo {
    /// The vector's contents right after the forget.
    pub contents: Vec<usize>,
    /// Its contents after a `push(9)`: the vector is still usable.
    pub after_push: Vec<usize>,
    /// The ledger after the vector itself was dropped.
    pub ledger: Summary,
}

impl DrainDemo {
    /// No double drop, no read after free, and exactly the forgotten
    /// elements leaked (3 of the drained range and 1 of the tail).
    pub fn sound(&self) -> bool {
        self.ledger.is_sound() && self.ledger.live == 3
    }
}

/// `[0 1 2 3 4 5]`, `drain(1..5)`, two `next()`, forget: the same code for
/// any vector type with std's API.
macro_rules! drain_demo {
    ($vec:ty) => {{
        let ledger = Ledger::new();
        let mut v: $vec = ledger.track_range(6).collect();
        let mut d = v.drain(1..5);
        drop(d.next());
        drop(d.next());
        std::mem::forget(d);
        let contents: Vec<usize> = v.iter().map(|t| *t.get()).collect();
        v.push(ledger.track(9));
        let after_push: Vec<usize> = v.iter().map(|t| *t.get()).collect();
        drop(v);
        DrainDemo {
            contents,
            after_push,
            ledger: ledger.summary(),
        }
    }};
}

/// The drain attack against std's Vec (which adopted the chapter's cure).
pub fn std_drain_demo() -> DrainDemo {
    drain_demo!(std::vec::Vec<leaksafe_check::Tracked<usize>>)
}

/// The drain attack against leaksafe's Vec.
pub fn drain_demo() -> DrainDemo {
    drain_demo!(leaksafe::vec::Vec<leaksafe_check::Tracked<usize>>)
}

/// Forgotten clones of an `Rc<_, Saturating<u8>>`.
pub struct SaturatingDemo {
    /// Clones forgotten.
    pub forgotten: usize,
    /// `strong_count` after them.
    pub count_after: usize,
    /// The value could still be read after every live handle was dropped.
    pub alive_after_drops: bool,
    /// The ledger never saw the value dropped (it is immortal).
    pub never_dropped: bool,
}

/// Saturation: the count sticks at 255 and the value is never freed.
pub fn saturating_demo() -> SaturatingDemo {
    use core::num::Saturating;
    use leaksafe::rc::Rc;
    const FORGET: usize = 300;
    let ledger = Ledger::new();
    let value = ledger.track(7u64);
    let id = value.id();
    let rc: Rc<_, Saturating<u8>> = Rc::new_counted(value);
    let weak = Rc::downgrade(&rc);
    for _ in 0..FORGET {
        std::mem::forget(rc.clone());
    }
    let count_after = Rc::strong_count(&rc);
    // Drop every handle that is still reachable: a saturated value is
    // immortal, so it stays alive and readable through the weak reference.
    drop(rc);
    let alive_after_drops = weak.upgrade().is_some_and(|r| *r.get() == 7);
    drop(weak);
    SaturatingDemo {
        forgotten: FORGET,
        count_after,
        alive_after_drops,
        never_dropped: ledger.is_alive(id) && ledger.summary().is_sound(),
    }
}

/// A forgotten JoinGuard whose thread writes borrowed stack data.
pub struct GuardDemo {
    /// The borrowed slot after `scope` returned.
    pub slot: u64,
    /// When the thread wrote it.
    pub write_at: Duration,
    /// When `scope` returned.
    pub returned_at: Duration,
    /// The ledger of the borrowed data, dropped after `scope` returned.
    pub ledger: Summary,
}

impl GuardDemo {
    /// No double drop, no read after free, nothing leaked.
    pub fn sound(&self) -> bool {
        self.ledger.is_sound() && self.ledger.live == 0
    }
}

/// The chapter's JoinGuard attack against leaksafe's scope.
pub fn guard_demo() -> GuardDemo {
    let ledger = Ledger::new();
    let data = ledger.track(vec![1u64, 2, 3]);
    let mut slot = 0u64;
    let mut write_at = Duration::ZERO;
    let t0 = Instant::now();
    leaksafe::thread::scope(|s| {
        let guard = s.spawn_guard(|| {
            std::thread::sleep(Duration::from_millis(50));
            slot = data.get().iter().sum();
            write_at = t0.elapsed();
        });
        // The chapter's attack: the guard's destructor (the join) never runs.
        std::mem::forget(guard);
    });
    let returned_at = t0.elapsed();
    drop(data);
    GuardDemo {
        slot,
        write_at,
        returned_at,
        ledger: ledger.summary(),
    }
}
