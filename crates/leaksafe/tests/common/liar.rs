//! A user iterator that lies about its length: the one fixture for the
//! `Vec` tests that feed `extend`, `splice` and `collect` a wrong
//! `size_hint` (`vec.rs`, `vec_ops.rs`, `vec_model/`).
//!
//! leaksafe-check's `Ledger::lying` tells the explorer's plan-controlled
//! `Lie`s; these tests choose their hint per call instead (and need the
//! absurd ones, `usize::MAX`, that no plan tries), and tick [`Op::Next`] on
//! every `next` when made by [`Liar::tracked`], so a panic can be planned
//! there. Include with `#[path = "common/liar.rs"] mod liar;`.
#![allow(dead_code)] // each including test binary uses its own part

use leaksafe_check::{Ledger, Op, Tracked};

/// What a user iterator claims about its length (`n` = items left).
#[derive(Copy, Clone, Debug)]
pub enum Hint {
    /// `(n, Some(n))`: the truth.
    Exact,
    /// `(0, Some(0))`: claims to be empty.
    Zero,
    /// `(n + k, Some(n + k))`: claims more than it has.
    Over(u8),
    /// `(n / 2, None)`: claims less.
    Under,
    /// `(usize::MAX, None)`.
    Max,
    /// `(usize::MAX, Some(usize::MAX))`.
    MaxMax,
    /// This claim, whatever is left.
    Claim(usize, Option<usize>),
}

impl Hint {
    /// The claimed `size_hint` when `n` items are really left.
    pub fn size_hint(self, n: usize) -> (usize, Option<usize>) {
        match self {
            Hint::Exact => (n, Some(n)),
            Hint::Zero => (0, Some(0)),
            Hint::Over(k) => (n + k as usize, Some(n + k as usize)),
            Hint::Under => (n / 2, None),
            Hint::Max => (usize::MAX, None),
            Hint::MaxMax => (usize::MAX, Some(usize::MAX)),
            Hint::Claim(lo, hi) => (lo, hi),
        }
    }
}

/// Yields `I`'s items honestly, claims `hint`'s length, and ticks
/// [`Op::Next`] on `ledger` (if any) before each `next`.
pub struct Liar<I> {
    items: I,
    hint: Hint,
    ledger: Option<Ledger>,
}

impl<I: ExactSizeIterator> Liar<I> {
    /// `items`, claiming `hint`.
    pub fn new(items: impl IntoIterator<IntoIter = I>, hint: Hint) -> Self {
        Liar {
            items: items.into_iter(),
            hint,
            ledger: None,
        }
    }
}

impl<T: Clone> Liar<std::vec::IntoIter<Tracked<T>>> {
    /// `values` tracked in `ledger`, claiming `hint`, ticking [`Op::Next`].
    pub fn tracked(ledger: &Ledger, values: &[T], hint: Hint) -> Self {
        Liar {
            items: values
                .iter()
                .map(|v| ledger.track(v.clone()))
                .collect::<std::vec::Vec<_>>()
                .into_iter(),
            hint,
            ledger: Some(ledger.clone()),
        }
    }
}

impl<I: ExactSizeIterator> Iterator for Liar<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        if let Some(l) = &self.ledger {
            l.tick(Op::Next);
        }
        self.items.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.hint.size_hint(self.items.len())
    }
}
