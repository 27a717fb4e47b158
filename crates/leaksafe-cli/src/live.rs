//! The tour's attacks, run for real against leaksafe's types (and std's,
//! where std differs). Each returns plain data; `tour` prints it.

use std::time::Duration;

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
pub fn drain_demo() -> Option<DrainDemo> {
    None
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
pub fn saturating_demo() -> Option<SaturatingDemo> {
    None
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
pub fn guard_demo() -> Option<GuardDemo> {
    None
}

/// Child: leaksafe's scope with a forgotten handle and a forgotten guard.
pub fn scope_forget_child() {
    crate::child::say("not built yet");
}

/// Child: forget clones of an `Rc<u64, u8>` until it aborts.
pub fn rc_u8_overflow_child() {
    crate::child::say("not built yet");
}

/// Child: forget clones of an `Arc<u64, u8>` until it aborts.
pub fn arc_u8_overflow_child() {
    crate::child::say("not built yet");
}

// ---- leaksafe's side of `leaksafe bench` ---------------------------------

use crate::bench::Imp;

/// `Vec<u64>`: 1000 pushes into a new vector.
pub fn bench_vec_push(_n: usize) -> Vec<Imp> {
    Vec::new()
}

/// `Vec<u64>`: refill from `src`, then `drain(250..750)` summed.
pub fn bench_vec_drain(_src: Vec<u64>) -> Vec<Imp> {
    Vec::new()
}

/// `Rc<u64, C>` clone + drop for several `C`.
pub fn bench_rc_clone() -> Vec<Imp> {
    Vec::new()
}

/// `Arc<u64, C>` clone + drop for several `C`.
pub fn bench_arc_clone() -> Vec<Imp> {
    Vec::new()
}

/// `scope` with one spawned thread.
pub fn bench_scope_spawn() -> Vec<Imp> {
    Vec::new()
}

/// A 2-worker pool: 100 tiny tasks per scope.
pub fn bench_pool() -> Vec<Imp> {
    Vec::new()
}

/// Bytes and allocations per value / per push / per spawn.
pub fn bench_memory() -> Vec<crate::bench::Mem> {
    Vec::new()
}
