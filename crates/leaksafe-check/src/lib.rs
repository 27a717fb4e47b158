//! A torture harness: forget every guard at every point, panic in every
//! callback, and keep a drop ledger.
//!
//! The core is the [`Ledger`] and its [`Tracked`] values; the explorers and
//! the scenario library are filled in by the harness issue.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

mod ledger;

pub use ledger::{InjectedPanic, Ledger, Op, Summary, Tracked, catch, install_quiet_hook};
