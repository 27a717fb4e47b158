//! The differential model shared by `tests/vec_proptest.rs` and the fuzz
//! target `fuzz/fuzz_targets/vec_ops.rs`: one stream of [`Step`]s runs on
//! `leaksafe::vec::Vec` and on `std::vec::Vec`, each with its own drop
//! ledger, and after every step
//!
//! - both sides agree on whether the step panicked (the same panic is planned
//!   on both ledgers: the k-th `Drop`, `Clone`, comparison, closure call or
//!   iterator `next`), on what the step yielded, and on the contents;
//! - after a forgotten proxy, leaksafe's vector holds exactly the prefix
//!   before the range (std's `ExtractIf` keeps less; std's side is then
//!   refilled so the two stay comparable);
//! - both ledgers are sound (no double drop, no read after drop), and the
//!   live values are exactly the vector's elements plus what forgotten
//!   proxies leaked, counted step by step.
//!
//! Indices in a step are reduced modulo the current length, so every step is
//! meaningful whatever the stream.

#![allow(dead_code)]

use leaksafe::vec::Vec;
use leaksafe_check::{Ledger, Op, Tracked, catch};
use std::mem;

#[path = "../common/liar.rs"]
mod liar;
pub use liar::{Hint, Liar};

pub type StdVec<T> = std::vec::Vec<T>;
pub type T8 = Tracked<u8>;

/// One operation on the vector.
#[derive(Clone, Debug)]
pub enum Action {
    Push(u8),
    Pop,
    Insert(usize, u8),
    Remove(usize),
    SwapRemove(usize),
    Truncate(usize),
    Clear,
    Extend(StdVec<u8>, Hint),
    Drain {
        a: usize,
        b: usize,
        front: usize,
        back: usize,
        forget: bool,
    },
    Splice {
        a: usize,
        b: usize,
        items: StdVec<u8>,
        hint: Hint,
        front: usize,
        back: usize,
        forget: bool,
    },
    ExtractIf {
        a: usize,
        b: usize,
        m: u8,
        take: usize,
        forget: bool,
    },
    IntoIter {
        front: usize,
        back: usize,
        forget: bool,
    },
    Retain(u8),
    RetainMut(u8),
    Dedup,
    DedupByKey(u8),
    Resize(usize, u8),
    ResizeWith(usize),
    ExtendFromWithin(usize, usize),
    SplitOffAppend(usize),
    Append(StdVec<u8>),
    CloneFrom(StdVec<u8>),
    Clone,
}

/// The kinds of user call a step may make panic, in a fixed order.
pub const FAULT_OPS: [Op; 5] = [Op::Drop, Op::Clone, Op::Compare, Op::Predicate, Op::Next];

/// An action, and optionally a planned panic: the `k`-th call of `op`.
#[derive(Clone, Debug)]
pub struct Step {
    pub action: Action,
    pub fault: Option<(Op, u8)>,
}

pub fn vals(v: &[T8]) -> StdVec<u8> {
    v.iter().map(|t| *t.get()).collect()
}

fn take_vals(items: impl IntoIterator<Item = T8>) -> StdVec<u8> {
    items.into_iter().map(|t| *t.get()).collect()
}

/// `a..b` reduced into `0..=len` and ordered.
fn range(a: usize, b: usize, len: usize) -> (usize, usize) {
    let (a, b) = (a % (len + 1), b % (len + 1));
    (a.min(b), a.max(b))
}

/// What a step returned when it did not panic: the values it yielded and how
/// many tracked values a forgotten proxy leaked.
type Outcome = (StdVec<u8>, usize);

/// One side of the model: a vector and its ledger.
struct Side<V> {
    v: V,
    ledger: Ledger,
    leaked: usize,
}

/// Applies `$action` to `$v` (either vector type: the API is the same).
/// `$std` says which side this is (only forgetting an `ExtractIf` differs).
macro_rules! apply {
    ($v:expr, $l:expr, $action:expr, $pre:expr, $std:expr) => {{
        let v = $v;
        let l: &Ledger = $l;
        let pre: &[u8] = $pre;
        let len = v.len();
        let out: Outcome = match $action {
            Action::Push(x) => {
                v.push(l.track(*x));
                (vec![], 0)
            }
            Action::Pop => (take_vals(v.pop()), 0),
            Action::Insert(i, x) => {
                v.insert(i % (len + 1), l.track(*x));
                (vec![], 0)
            }
            Action::Remove(i) if len > 0 => (take_vals([v.remove(i % len)]), 0),
            Action::SwapRemove(i) if len > 0 => (take_vals([v.swap_remove(i % len)]), 0),
            Action::Remove(_) | Action::SwapRemove(_) => (vec![], 0),
            Action::Truncate(n) => {
                v.truncate(n % (len + 2));
                (vec![], 0)
            }
            Action::Clear => {
                v.clear();
                (vec![], 0)
            }
            Action::Extend(items, hint) => {
                v.extend(Liar::tracked(l, items, *hint));
                (vec![], 0)
            }
            Action::Drain {
                a,
                b,
                front,
                back,
                forget,
            } => {
                let (s, e) = range(*a, *b, len);
                let mut d = v.drain(s..e);
                let mut got = take_vals(d.by_ref().take(*front));
                got.extend(take_vals(d.by_ref().rev().take(*back)));
                if *forget {
                    mem::forget(d);
                    (got.clone(), len - s - got.len())
                } else {
                    drop(d);
                    (got, 0)
                }
            }
            Action::Splice {
                a,
                b,
                items,
                hint,
                front,
                back,
                forget,
            } => {
                let (s, e) = range(*a, *b, len);
                let mut sp = v.splice(s..e, Liar::tracked(l, items, *hint));
                let mut got = take_vals(sp.by_ref().take(*front));
                got.extend(take_vals(sp.by_ref().rev().take(*back)));
                if *forget {
                    mem::forget(sp);
                    (got.clone(), len - s - got.len() + items.len())
                } else {
                    drop(sp);
                    (got, 0)
                }
            }
            Action::ExtractIf {
                a,
                b,
                m,
                take,
                forget,
            } => {
                let (s, e) = range(*a, *b, len);
                let m = (*m).max(1);
                let mut it = v.extract_if(s..e, |x: &mut T8| {
                    l.tick(Op::Predicate);
                    *x.get() % m == 0
                });
                let got = take_vals(it.by_ref().take(*take));
                if *forget {
                    mem::forget(it);
                    // leaksafe keeps the prefix; std 1.87+ keeps nothing.
                    let kept = v.len();
                    assert!(kept <= s);
                    if !$std {
                        assert_eq!(kept, s, "a forgotten ExtractIf keeps the prefix");
                    }
                    assert_eq!(vals(&v[..]), &pre[..kept]);
                    let leaked = len - kept - got.len();
                    for &x in &pre[kept..s] {
                        v.push(l.track(x));
                    }
                    (got, leaked)
                } else {
                    drop(it);
                    (got, 0)
                }
            }
            Action::IntoIter {
                front,
                back,
                forget,
            } => {
                let mut it = mem::take(&mut *v).into_iter();
                let mut got = take_vals(it.by_ref().take(*front));
                got.extend(take_vals(it.by_ref().rev().take(*back)));
                if *forget {
                    mem::forget(it);
                    (got.clone(), len - got.len())
                } else {
                    v.extend(it);
                    (got, 0)
                }
            }
            Action::Retain(m) => {
                let m = (*m).max(1);
                v.retain(|x| {
                    l.tick(Op::Predicate);
                    *x.get() % m != 0
                });
                (vec![], 0)
            }
            Action::RetainMut(m) => {
                let m = (*m).max(1);
                v.retain_mut(|x| {
                    l.tick(Op::Predicate);
                    *x.get() % m == 0
                });
                (vec![], 0)
            }
            Action::Dedup => {
                v.dedup();
                (vec![], 0)
            }
            Action::DedupByKey(d) => {
                let d = (*d).max(1);
                v.dedup_by_key(|x| {
                    l.tick(Op::Predicate);
                    *x.get() / d
                });
                (vec![], 0)
            }
            Action::Resize(n, x) => {
                v.resize(n % 17, l.track(*x));
                (vec![], 0)
            }
            Action::ResizeWith(n) => {
                let mut k = 0u8;
                v.resize_with(n % 17, || {
                    l.tick(Op::Predicate);
                    k = k.wrapping_add(1);
                    l.track(k)
                });
                (vec![], 0)
            }
            Action::ExtendFromWithin(a, b) => {
                let (s, e) = range(*a, *b, len);
                v.extend_from_within(s..e);
                (vec![], 0)
            }
            Action::SplitOffAppend(at) => {
                let mut other = v.split_off(at % (len + 1));
                let got = vals(&other[..]);
                v.append(&mut other);
                (got, 0)
            }
            Action::Append(items) => {
                let mut other = items.iter().map(|&x| l.track(x)).collect();
                v.append(&mut other);
                (vec![], 0)
            }
            Action::CloneFrom(items) => {
                let src = items.iter().map(|&x| l.track(x)).collect();
                v.clone_from(&src);
                drop(src);
                (vec![], 0)
            }
            Action::Clone => {
                let c = v.clone();
                (take_vals(c), 0)
            }
        };
        out
    }};
}

fn plan(ledger: &Ledger, fault: Option<(Op, u8)>) {
    if let Some((op, k)) = fault {
        ledger.fail_at(op, k as usize);
    }
}

/// Runs `steps` on both vectors, checking after every step (see the module
/// docs). Panics on any difference or unsoundness.
pub fn run(steps: &[Step]) {
    let mut ours = Side {
        v: Vec::<T8>::new(),
        ledger: Ledger::new(),
        leaked: 0,
    };
    let mut theirs = Side {
        v: StdVec::<T8>::new(),
        ledger: Ledger::new(),
        leaked: 0,
    };
    for (i, step) in steps.iter().enumerate() {
        let pre = vals(&ours.v);
        assert_eq!(pre, vals(&theirs.v));

        plan(&ours.ledger, step.fault);
        let r_ours = catch(|| apply!(&mut ours.v, &ours.ledger, &step.action, &pre, false));
        ours.ledger.disarm();

        plan(&theirs.ledger, step.fault);
        let r_theirs = catch(|| apply!(&mut theirs.v, &theirs.ledger, &step.action, &pre, true));
        theirs.ledger.disarm();

        ours.ledger.assert_sound();
        theirs.ledger.assert_sound();
        let ctx = || format!("step {i}: {step:?}");
        match (&r_ours, &r_theirs) {
            (Ok((got_o, leak_o)), Ok((got_s, leak_s))) => {
                assert_eq!(got_o, got_s, "yielded differs at {}", ctx());
                ours.leaked += leak_o;
                theirs.leaked += leak_s;
            }
            (Err(_), Err(_)) => {}
            _ => panic!(
                "panicked: leaksafe {:?}, std {:?} at {}",
                r_ours.as_ref().err(),
                r_theirs.as_ref().err(),
                ctx()
            ),
        }
        assert_eq!(
            vals(&ours.v),
            vals(&theirs.v),
            "contents differ after {}",
            ctx()
        );
        assert!(ours.v.len() <= ours.v.capacity());
        assert_eq!(
            ours.ledger.summary().live,
            ours.v.len() + ours.leaked,
            "leaksafe: live values are not elements + forgotten at {}",
            ctx()
        );
        assert_eq!(
            theirs.ledger.summary().live,
            theirs.v.len() + theirs.leaked,
            "std: live values are not elements + forgotten at {}",
            ctx()
        );
    }
    drop(ours.v);
    drop(theirs.v);
    ours.ledger.assert_sound();
    assert_eq!(
        ours.ledger.summary().live,
        ours.leaked,
        "leaksafe leaked more than forgotten"
    );
    assert_eq!(theirs.ledger.summary().live, theirs.leaked);
}
