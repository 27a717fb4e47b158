//! Fuzz target `counts`: random streams of reference-count operations on
//! `Rc<_, Saturating<u8>>`, `Arc<_, Saturating<u8>>`, `Rc<_, u8>` and
//! `Arc<_, u8>`, checked against a model of the two counts after every step.
//!
//! The operations are the chapter's attack and everything around it: clone,
//! drop, `mem::forget` of strong and weak references (so the counts overflow
//! and saturate), downgrade, upgrade, `get_mut`. The model knows the limits of
//! `count.rs`: a saturating count whose increment would reach `MAX` sticks at
//! `MAX`; `Arc`'s weak count also reserves `MAX - 1` for its lock. The abort
//! policy (`u8`) is driven only below its limit (the abort itself is tested by
//! re-execution in the test suites): the model refuses increments that would
//! abort.
//!
//! Checked after every step: each live strong reference reads the value
//! (the ledger's canary catches a read after free), `strong_count` and
//! `weak_count` equal the model's (a saturated count reports its maximum),
//! `upgrade` succeeds exactly when the model has a strong reference,
//! `get_mut` is `Some` exactly when the reference is unique. At the end the
//! value was dropped exactly when no strong count saturated and every strong
//! reference was really dropped, and never twice.
//!
//! Run from `fuzz/` (forgotten references leak on purpose):
//! `cargo +nightly fuzz run counts -- -max_total_time=60 -detect_leaks=0`
#![no_main]

use core::num::Saturating;

use arbitrary::{Result, Unstructured};
use leaksafe_check::{Ledger, Tracked};
use libfuzzer_sys::fuzz_target;

const MAX: usize = u8::MAX as usize;

/// The operations of `Rc`/`Arc` and their `Weak`, on one interface.
trait Counted: Sized {
    type Weak;
    /// Whether overflow saturates (else the model must avoid it).
    const SATURATES: bool;
    /// The highest strong count stored as a plain count: past it an
    /// increment aborts or saturates (`count.rs`'s table of limits).
    const STRONG_TOP: usize;
    /// The same for the stored weak count (weak references + 1), which
    /// `Arc` keeps below its lock value.
    const WEAK_TOP: usize;
    fn new(v: Tracked<u8>) -> Self;
    fn clone_(&self) -> Self;
    fn get(&self) -> &Tracked<u8>;
    fn strong_count(&self) -> usize;
    fn weak_count(&self) -> usize;
    fn downgrade(&self) -> Self::Weak;
    fn get_mut_is_some(&mut self) -> bool;
    fn upgrade(w: &Self::Weak) -> Option<Self>;
    fn clone_weak(w: &Self::Weak) -> Self::Weak;
}

macro_rules! counted {
    ($ptr:ident, $weak:ident, $c:ty, $sat:expr, $strong_top:expr, $weak_top:expr) => {
        impl Counted for $ptr<Tracked<u8>, $c> {
            type Weak = $weak<Tracked<u8>, $c>;
            const SATURATES: bool = $sat;
            const STRONG_TOP: usize = $strong_top;
            const WEAK_TOP: usize = $weak_top;
            fn new(v: Tracked<u8>) -> Self {
                $ptr::new_counted(v)
            }
            fn clone_(&self) -> Self {
                $ptr::clone(self)
            }
            fn get(&self) -> &Tracked<u8> {
                self
            }
            fn strong_count(&self) -> usize {
                $ptr::strong_count(self)
            }
            fn weak_count(&self) -> usize {
                $ptr::weak_count(self)
            }
            fn downgrade(&self) -> Self::Weak {
                $ptr::downgrade(self)
            }
            fn get_mut_is_some(&mut self) -> bool {
                $ptr::get_mut(self).is_some()
            }
            fn upgrade(w: &Self::Weak) -> Option<Self> {
                w.upgrade()
            }
            fn clone_weak(w: &Self::Weak) -> Self::Weak {
                w.clone()
            }
        }
    };
}

use leaksafe::rc::{Rc, Weak as RcWeak};
use leaksafe::sync::{Arc, Weak as ArcWeak};
// Saturating counts keep MAX for "saturated" (and Arc's weak count MAX - 1
// for its lock); abort counts use the whole range (Arc's weak count all but
// the lock value MAX).
counted!(Rc, RcWeak, Saturating<u8>, true, MAX - 1, MAX - 1);
counted!(Arc, ArcWeak, Saturating<u8>, true, MAX - 1, MAX - 2);
counted!(Rc, RcWeak, u8, false, MAX, MAX);
counted!(Arc, ArcWeak, u8, false, MAX, MAX - 1);

/// The model of one allocation's two counts.
#[derive(Debug)]
struct Model {
    /// The strong count as stored (live + forgotten strong references).
    strong: usize,
    /// The weak count as stored: weak references + 1 while `strong > 0`.
    weak: usize,
    strong_sat: bool,
    weak_sat: bool,
}

impl Model {
    /// Whether one more strong increment is allowed without aborting.
    fn can_inc_strong<P: Counted>(&self) -> bool {
        P::SATURATES || self.strong < P::STRONG_TOP
    }
    fn inc_strong<P: Counted>(&mut self) {
        if self.strong_sat {
            return;
        }
        if self.strong + 1 > P::STRONG_TOP {
            self.strong = MAX;
            self.strong_sat = true;
        } else {
            self.strong += 1;
        }
    }
    fn dec_strong(&mut self) {
        if self.strong_sat {
            return;
        }
        self.strong -= 1;
        if self.strong == 0 {
            // The strong references' implicit weak reference goes too.
            self.dec_weak();
        }
    }
    fn can_inc_weak<P: Counted>(&self) -> bool {
        P::SATURATES || self.weak < P::WEAK_TOP
    }
    fn inc_weak<P: Counted>(&mut self) {
        if self.weak_sat {
            return;
        }
        if self.weak + 1 > P::WEAK_TOP {
            self.weak = MAX;
            self.weak_sat = true;
        } else {
            self.weak += 1;
        }
    }
    fn dec_weak(&mut self) {
        if !self.weak_sat {
            self.weak -= 1;
        }
    }
    /// `weak_count` as std defines it: weak references, 0 once the value is gone.
    fn weak_refs(&self) -> Option<usize> {
        if self.strong == 0 {
            Some(0)
        } else if self.weak_sat {
            None // saturated: only "at its maximum" is promised
        } else {
            Some(self.weak - 1)
        }
    }
}

fn run<P: Counted>(u: &mut Unstructured<'_>) -> Result<()> {
    let ledger = Ledger::new();
    let mut strong: Vec<P> = vec![P::new(ledger.track(7))];
    let mut weak: Vec<P::Weak> = Vec::new();
    let mut m = Model { strong: 1, weak: 1, strong_sat: false, weak_sat: false };
    // Whether any strong reference was forgotten (the value then leaks).
    let mut forgot_strong = false;

    for _ in 0..u.int_in_range(0..=2000)? {
        if u.is_empty() {
            break;
        }
        let op = u.int_in_range(0..=9)?;
        let i = u.arbitrary::<u8>()? as usize;
        match op {
            // clone (a few at a time, so a run can reach the limits)
            0 | 1 if !strong.is_empty() => {
                for _ in 0..u.int_in_range(1..=40)? {
                    if !m.can_inc_strong::<P>() {
                        break;
                    }
                    let c = strong[i % strong.len()].clone_();
                    m.inc_strong::<P>();
                    strong.push(c);
                }
            }
            2 if !strong.is_empty() => {
                drop(strong.swap_remove(i % strong.len()));
                m.dec_strong();
            }
            // the chapter's attack: forget strong references
            3 if !strong.is_empty() => {
                for _ in 0..u.int_in_range(1..=40)? {
                    if strong.len() <= 1 || !m.can_inc_strong::<P>() {
                        break;
                    }
                    let c = strong[i % strong.len()].clone_();
                    m.inc_strong::<P>();
                    core::mem::forget(c);
                    forgot_strong = true;
                }
            }
            4 if !strong.is_empty() && m.can_inc_weak::<P>() => {
                weak.push(strong[i % strong.len()].downgrade());
                m.inc_weak::<P>();
            }
            5 if !weak.is_empty() => {
                let w = &weak[i % weak.len()];
                if m.strong > 0 && m.can_inc_strong::<P>() {
                    let up = P::upgrade(w).expect("upgrade failed with a strong reference");
                    m.inc_strong::<P>();
                    strong.push(up);
                } else if m.strong == 0 {
                    assert!(P::upgrade(w).is_none(), "upgrade succeeded after the last strong drop");
                }
            }
            6 if !weak.is_empty() => {
                drop(weak.swap_remove(i % weak.len()));
                m.dec_weak();
            }
            7 if !weak.is_empty() && m.can_inc_weak::<P>() => {
                let w = P::clone_weak(&weak[i % weak.len()]);
                m.inc_weak::<P>();
                if u.arbitrary()? {
                    core::mem::forget(w);
                } else {
                    weak.push(w);
                }
            }
            8 if !strong.is_empty() => {
                let unique = m.strong == 1 && !m.strong_sat && m.weak == 1;
                let n = strong.len();
                assert_eq!(strong[i % n].get_mut_is_some(), unique, "get_mut vs uniqueness: {m:?}");
            }
            _ => {}
        }
        // Check the model against every observable.
        for s in &strong {
            assert_eq!(*s.get().get(), 7);
        }
        if let Some(s) = strong.first() {
            let expect = if m.strong_sat { MAX } else { m.strong };
            assert_eq!(s.strong_count(), expect, "strong_count: {m:?}");
            if let Some(w) = m.weak_refs() {
                assert_eq!(s.weak_count(), w, "weak_count: {m:?}");
            }
        }
        ledger.assert_sound();
    }

    let immortal = m.strong_sat || forgot_strong;
    drop(strong);
    drop(weak);
    ledger.assert_sound();
    let alive = ledger.summary().live;
    if immortal {
        assert_eq!(alive, 1, "a saturated or forgotten value must never be dropped");
    } else {
        assert_eq!(alive, 0, "the value must be dropped with its last strong reference");
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = match u.int_in_range(0..=3u8) {
        Ok(0) => run::<Rc<Tracked<u8>, Saturating<u8>>>(&mut u),
        Ok(1) => run::<Arc<Tracked<u8>, Saturating<u8>>>(&mut u),
        Ok(2) => run::<Rc<Tracked<u8>, u8>>(&mut u),
        Ok(_) => run::<Arc<Tracked<u8>, u8>>(&mut u),
        Err(e) => Err(e),
    };
});
