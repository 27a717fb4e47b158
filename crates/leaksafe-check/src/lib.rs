//! A torture harness: forget every guard at every point, panic in every
//! callback, and keep a drop ledger.
//!
//! leaksafe's claim is that no destructor is needed for safety. This crate
//! makes the claim checkable, for leaksafe's own types and for any container:
//!
//! - [`Ledger`] and [`Tracked`]: values whose every creation, clone and drop
//!   is recorded; a canary catches reads of dropped values; double drops and
//!   leaks are reported, expected leaks (after a forget) apart from the rest.
//! - [`Plan`]: one run's faults: panic at the k-th [`Op`] (drop, clone,
//!   compare, predicate, iterator `next`) and/or forget the proxy after n
//!   steps from the front or back.
//! - [`Scenario`] and [`Run`]: a scenario drives a container under a plan
//!   and checks it afterwards; [`explore`] runs it at every injection point
//!   and every forget point; [`run_random`] samples cases from a seed.
//! - [`Report`], [`Outcome`], [`Tally`]: results as data, `Display` and JSON.
//! - [`Lie`]: the iterators the harness hands to user code
//!   ([`Ledger::track_range`], [`Ledger::lying`], [`Run::lying`]) lie about
//!   their length as the explorer varies the lie, like a panic point.
//! - [`Class`] and [`Level`]: every finding is **unsound**, **leak** or
//!   **contract**; a run fails at the default level only if it is unsound.
//! - The scenario library ([`library`]): std's `Vec`, `Rc`, `Arc` and
//!   `thread::scope` (they pass) and leaksafe's types, with size/position
//!   sweeps; [`broken`] holds deliberately broken fixtures, one per class,
//!   with their fixed twins.
//! - For crate authors: [`check_tests!`] makes the library ordinary
//!   `#[test]`s for your type, [`check`] and [`check_isolated`] (a child
//!   process per scenario) fail with the class, the plan and one command
//!   that re-runs the case under Miri or AddressSanitizer. The crate's
//!   README walks through it from zero.
//!
//! # Checking your own container
//! Write a scenario: build the container from tracked values, drive it
//! (tick the ledger from your closures, let [`Run::consume`] drive and forget
//! its proxy), check it, and let [`explore`] do the rest.
//!
//! ```
//! use leaksafe_check::{explore, Check, Op, Proxy, Run, Scenario, Tracked};
//!
//! /// A user's container: a stack with a draining iterator that pops.
//! struct Stack(Vec<Tracked>);
//! struct PopAll<'a>(&'a mut Stack);
//! impl Iterator for PopAll<'_> {
//!     type Item = Tracked;
//!     fn next(&mut self) -> Option<Tracked> { self.0.0.pop() }
//! }
//! impl Stack {
//!     fn pop_all(&mut self) -> PopAll<'_> { PopAll(self) }
//!     fn retain(&mut self, f: impl FnMut(&Tracked) -> bool) { self.0.retain(f) }
//! }
//!
//! fn pop_all(r: &Run) -> Check {
//!     let l = r.ledger();
//!     let mut s = Stack(l.track_range(4).collect());
//!     s.retain(|x| { l.tick(Op::Predicate); x.try_get().is_some() });
//!     let taken = r.catch(|| r.consume(s.pop_all()));
//!     // Whatever happened, what is left is alive and in order.
//!     r.check_ordered(&s.0)?;
//!     if r.forgot() {
//!         // Popping one at a time: forgetting the iterator leaks nothing.
//!         r.ensure(s.0.len() == 4 - r.steps(), || "lost elements".into())?;
//!     } else if taken.is_some() {
//!         r.ensure(s.0.is_empty(), || "not drained".into())?;
//!     }
//!     Ok(())
//! }
//!
//! let scenario = Scenario::new("my::Stack", "pop_all", "user", Proxy::Forward, pop_all);
//! let reports = explore(&scenario);
//! // A clean run, 4 predicate and 4 drop injection points, 8 lies told by
//! // `track_range` (see `Lie`), 5 forget points.
//! assert_eq!(reports.len(), 22);
//! for r in &reports {
//!     assert!(r.ok(), "{r}");
//! }
//! println!("{}", leaksafe_check::Tally::of(&reports));
//! ```
//!
//! To run the whole vector library against your vector, implement
//! [`VecLike`] (see its example) and explore [`vec_scenarios`].
//!
//! # Detecting a double drop without undefined behaviour
//! A broken container that drops a value twice, or reads a slot it already
//! dropped, would normally be undefined behaviour, and Miri or the allocator
//! would stop the process before any report. [`Tracked`] is built so that
//! the harness observes such bugs instead, deterministically:
//! - its payload and its ledger handle are `ManuallyDrop` fields, released
//!   only by the *first* drop of its id. A second drop (of the same slot, or
//!   of a bitwise copy that a container left behind) finds either the dead
//!   canary or the id already marked dropped in the books, records a double
//!   drop, and touches nothing else;
//! - [`Tracked::get`], [`Tracked::check`] and [`Tracked::try_get`] consult the
//!   canary and the books before reading the payload.
//!
//! So as long as the memory that holds the value is still allocated (a
//! container's own buffer) and a [`Ledger`] handle outlives it (the explorer
//! keeps one for the whole run), a double drop or a stale read of a
//! `Tracked<usize>` is a recorded fact, not undefined behaviour; the
//! [`broken`] fixtures rely on this, and Miri runs them clean.
//!
//! Planned panics fire once, and never while the thread is already
//! unwinding (a second panic would abort the process and hide the report).
//!
//! # Results
//! A [`Report`] per run: the scenario (`target/name`), the [`Plan`] (the
//! injection point and forget) and the [`Lie`], the [`Outcome`] (passed,
//! injected panic caught, unexpected panic, violation with its description),
//! the [`Class`] of its worst finding, the ledger's [`Summary`] (created,
//! dropped, double drops, bad reads, expected and unexpected leaks), and for
//! random runs the case seed for [`replay`]. [`Report::ok`] is false only
//! for an unsound finding; [`Report::ok_at`] takes a stricter [`Level`].
//! `Report` and [`Tally`] are produced by the library (their fields grow;
//! build them with the library's functions, not with struct literals).
//! `Display` renders one line; [`Report::to_json`] / [`reports_to_json`]
//! and [`Tally::to_json`] give JSON without a serialization dependency.
//!
//! # Under Miri
//! The harness's own tests run under Miri with both borrow models
//! (`-Zmiri-strict-provenance -Zmiri-symbolic-alignment-check`, with and
//! without `-Zmiri-tree-borrows`), scenario sizes shrunk under `cfg(miri)`.
//! A run that forgets a proxy leaks on purpose (memory included), so tests
//! that forget are named `leaky_*` and run apart with `-Zmiri-ignore-leaks`;
//! [`explore_panics`] is the leak-free half of [`explore`]. The pool's
//! deques need the pool's own Miri recipe (permissive provenance and
//! `LEAKSAFE_POOL_LOCKED_QUEUES`), see `crates/leaksafe/tests/pool.rs`.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

#[doc(hidden)]
pub mod alloc;
pub mod broken;
#[doc(hidden)]
pub mod check;
mod ledger;
mod plan;
mod report;
mod run;
pub mod scenarios;

pub use check::{check, check_isolated};
pub use ledger::{
    InjectedPanic, Ledger, Lying, Op, Summary, Tracked, catch, install_quiet_hook, orphan_drops,
    quietly,
};
pub use plan::{Forget, Lie, Plan, Rng, Side};
pub use report::{Class, Level, Outcome, Report, Tally, reports_to_json};
pub use run::{
    Check, MAX_INJECTION_POINTS, Proxy, Run, Scenario, explore, explore_each, explore_forgets,
    explore_panics, panic_message, parse_case, replay, run_random, run_random_each, run_random_in,
};
pub use scenarios::rc::RcLike;
pub use scenarios::vec::{
    Guarded, VecExtractIf, VecInsert, VecLike, VecMore, VecSplice, insert_scenarios, vec_scenarios,
};
pub use scenarios::{leaksafe_library, library, std_library};

/// The README's walk-through, run as doctests so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
