//! Feature `nightly`: `Vec` and `IntoIter` drop with `#[may_dangle]`, as
//! std's, so the borrow checker accepts what it accepts for std's `Vec`.
//! Each test compiles only with the eyepatch (without it: E0597 or E0505,
//! see the `vec` module docs). Run with
//! `cargo +nightly test -p leaksafe --features nightly --test vec_nightly`.
#![cfg(feature = "nightly")]

use std::cell::Cell;

use leaksafe::vec;
use leaksafe::vec::Vec;
use leaksafe_check::Ledger;

/// The example: a vector of borrowed names is dead (never used
/// again) when the records it borrows from are dropped.
#[test]
fn borrowed_names_outlived_by_their_vector() {
    let recs = vec![String::from("ada lovelace"), String::from("alan turing")];
    let names: Vec<&str> = recs.iter().map(|r| r.split(' ').next().unwrap()).collect();
    assert_eq!(names, ["ada", "alan"]);
    drop(recs);
}

/// A value declared after the vector that borrows it (dropped first).
#[test]
fn referent_declared_after_the_vector() {
    let mut v = Vec::new();
    let x = 1;
    v.push(&x);
    assert_eq!(*v[0], 1);
}

#[test]
// The late initialization is the point: `it` is declared before `s`.
#[allow(clippy::needless_late_init)]
fn into_iter_outlived_by_its_referent() {
    let it;
    let s = String::from("s");
    it = vec![&s, &s].into_iter();
    assert_eq!(it.len(), 2);
}

/// A self-referential graph of nodes in one vector (the classic eyepatch
/// test from std's suite): each node's `Cell` may point at a sibling.
#[test]
fn cyclic_borrows_inside_one_vector() {
    struct Node<'a> {
        next: Cell<Option<&'a Node<'a>>>,
    }
    let v: Vec<Node<'_>> = vec![
        Node {
            next: Cell::new(None),
        },
        Node {
            next: Cell::new(None),
        },
    ];
    v[0].next.set(Some(&v[1]));
    v[1].next.set(Some(&v[0]));
    assert!(v[0].next.get().unwrap().next.get().is_some());
}

/// The eyepatch does not skip the elements' own drops.
#[test]
fn elements_are_still_dropped() {
    let ledger = Ledger::new();
    let v: Vec<_> = ledger.track_range(4).collect();
    let mut it = v.into_iter();
    it.next();
    drop(it);
    let w: Vec<_> = ledger.track_range(3).collect();
    drop(w);
    ledger.assert_all_dropped();
    ledger.assert_sound();
}
