//! What one run of a scenario does wrong on purpose: a [`Plan`] names at most
//! one injected panic (the k-th call of an [`Op`]) and at most one forget (the
//! scenario's proxy, after n steps from the front or the back).
//!
//! [`Rng`] is a small seeded generator (SplitMix64) so a random audit is
//! reproducible from its seed alone; no dependency needed.

use std::fmt;

use crate::Op;

/// Which end of a proxy the steps before a forget are taken from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// `next()` steps.
    Front,
    /// `next_back()` steps (double-ended proxies only).
    Back,
}

/// Forget the scenario's proxy (`mem::forget`) after `after` steps from `side`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Forget {
    /// The end the steps are taken from.
    pub side: Side,
    /// Steps taken before the forget (0 = forget it untouched).
    pub after: usize,
}

/// The faults of one run: at most one injected panic and at most one forget.
///
/// ```
/// use leaksafe_check::{Op, Plan, Side};
///
/// let p = Plan::inject(Op::Drop, 3);
/// assert_eq!(p.to_string(), "panic at Drop #3");
/// let q = Plan::forget(Side::Back, 2);
/// assert_eq!(q.to_string(), "forget after 2 from back");
/// assert_eq!(Plan::none().to_string(), "clean run");
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Plan {
    /// Make the `k`-th call (0-based) of this op panic.
    pub inject: Option<(Op, usize)>,
    /// Forget the proxy after some steps.
    pub forget: Option<Forget>,
}

impl Plan {
    /// No fault: the scenario's clean run.
    pub fn none() -> Self {
        Plan::default()
    }

    /// Panic at the `k`-th call (0-based) of `op`.
    pub fn inject(op: Op, k: usize) -> Self {
        Plan {
            inject: Some((op, k)),
            forget: None,
        }
    }

    /// Forget the proxy after `after` steps from `side`.
    pub fn forget(side: Side, after: usize) -> Self {
        Plan {
            inject: None,
            forget: Some(Forget { side, after }),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Front => "front",
            Side::Back => "back",
        })
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.inject, self.forget) {
            (None, None) => f.write_str("clean run"),
            (Some((op, k)), None) => write!(f, "panic at {op} #{k}"),
            (None, Some(g)) => write!(f, "forget after {} from {}", g.after, g.side),
            (Some((op, k)), Some(g)) => write!(
                f,
                "panic at {op} #{k}, forget after {} from {}",
                g.after, g.side
            ),
        }
    }
}

/// A small, fast, seeded pseudo-random generator (SplitMix64).
///
/// Not for cryptography: it makes random audits reproducible from a `u64`.
///
/// ```
/// use leaksafe_check::Rng;
///
/// let mut a = Rng::new(42);
/// let mut b = Rng::new(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!(a.below(10) < 10);
/// ```
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// `true` with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den < num
    }
}
