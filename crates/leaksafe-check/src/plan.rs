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

/// A lie told by the iterators the harness hands to user code
/// ([`Ledger::track_range`](crate::Ledger::track_range),
/// [`Ledger::lying`](crate::Ledger::lying) and every iterator the scenario
/// library feeds to `extend`/`insert_many`/`splice`-style methods).
///
/// A lie is about the *claims* only (`size_hint`, `ExactSizeIterator::len`):
/// the items yielded are always the honest ones, so a scenario's expected
/// contents stay right and only a container that trusts the claim for
/// memory safety goes wrong. The explorer runs every lie once per scenario
/// that created a lying iterator in its clean run (see
/// [`explore`](crate::explore)); a lie is shown with the plan.
///
/// ```
/// use leaksafe_check::{Ledger, Lie};
///
/// let ledger = Ledger::new();
/// ledger.set_lie(Some(Lie::ExactTooHigh));
/// let it = ledger.lying(ledger.track_range(3).collect::<Vec<_>>());
/// assert_eq!(it.size_hint(), (5, Some(5)));
/// assert_eq!(it.len(), 5);
/// assert_eq!(it.count(), 3, "yields fewer than it claims");
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lie {
    /// `size_hint` lower bound above the items left: `(n + 2, None)`.
    LowerTooHigh,
    /// `size_hint` upper bound below the items left: `(0, Some(n - 1))`.
    UpperTooLow,
    /// No information: `(0, None)` (true, but a container must cope).
    Unknown,
    /// Lower bound above the upper bound: `(n + 1, Some(n - 1))`.
    Inverted,
    /// An exact claim above the truth (yields fewer than claimed):
    /// `size_hint` and `len` both `n + 2`.
    ExactTooHigh,
    /// An exact claim below the truth (yields more than claimed):
    /// `size_hint` and `len` both `n - 2`.
    ExactTooLow,
    /// Honest `size_hint`, but `ExactSizeIterator::len` says `n + 2`.
    LenTooHigh,
    /// Honest `size_hint`, but `ExactSizeIterator::len` says `n - 1`.
    LenTooLow,
}

impl Lie {
    /// Every lie, in the order the explorer tries them.
    pub const ALL: [Lie; 8] = [
        Lie::LowerTooHigh,
        Lie::UpperTooLow,
        Lie::Unknown,
        Lie::Inverted,
        Lie::ExactTooHigh,
        Lie::ExactTooLow,
        Lie::LenTooHigh,
        Lie::LenTooLow,
    ];

    /// The claimed `size_hint` when `n` items are really left.
    pub fn size_hint(self, n: usize) -> (usize, Option<usize>) {
        match self {
            Lie::LowerTooHigh => (n + 2, None),
            Lie::UpperTooLow => (0, Some(n.saturating_sub(1))),
            Lie::Unknown => (0, None),
            Lie::Inverted => (n + 1, Some(n.saturating_sub(1))),
            Lie::ExactTooHigh => (n + 2, Some(n + 2)),
            Lie::ExactTooLow => (n.saturating_sub(2), Some(n.saturating_sub(2))),
            Lie::LenTooHigh | Lie::LenTooLow => (n, Some(n)),
        }
    }

    /// The claimed `ExactSizeIterator::len` when `n` items are really left.
    pub fn len(self, n: usize) -> usize {
        match self {
            Lie::ExactTooHigh | Lie::LenTooHigh => n + 2,
            Lie::ExactTooLow => n.saturating_sub(2),
            Lie::LenTooLow => n.saturating_sub(1),
            _ => n,
        }
    }

    /// A short machine name (`lower_too_high`, ...), as in the JSON and in
    /// `LEAKSAFE_CHECK_CASE`.
    pub fn name(self) -> &'static str {
        match self {
            Lie::LowerTooHigh => "lower_too_high",
            Lie::UpperTooLow => "upper_too_low",
            Lie::Unknown => "unknown",
            Lie::Inverted => "inverted",
            Lie::ExactTooHigh => "exact_too_high",
            Lie::ExactTooLow => "exact_too_low",
            Lie::LenTooHigh => "len_too_high",
            Lie::LenTooLow => "len_too_low",
        }
    }

    /// The lie named `name` (see [`name`](Self::name)).
    pub fn from_name(name: &str) -> Option<Lie> {
        Lie::ALL.into_iter().find(|l| l.name() == name)
    }

    pub(crate) fn code(self) -> u8 {
        self as u8 + 1
    }

    pub(crate) fn from_code(c: u8) -> Option<Lie> {
        Lie::ALL.get(usize::from(c).checked_sub(1)?).copied()
    }
}

impl fmt::Display for Lie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lie::LowerTooHigh => "iterators claim a lower bound above the truth",
            Lie::UpperTooLow => "iterators claim an upper bound below the truth",
            Lie::Unknown => "iterators claim (0, None)",
            Lie::Inverted => "iterators claim a lower bound above their upper bound",
            Lie::ExactTooHigh => "iterators yield fewer items than they claim",
            Lie::ExactTooLow => "iterators yield more items than they claim",
            Lie::LenTooHigh => "ExactSizeIterator::len claims more than the truth",
            Lie::LenTooLow => "ExactSizeIterator::len claims less than the truth",
        })
    }
}
