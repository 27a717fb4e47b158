//! Scoped threads whose soundness does not depend on a destructor.
//!
//! The Rustonomicon's `thread::scoped` returned a `JoinGuard` whose
//! destructor joined the thread, so `mem::forget(guard)` let the thread
//! outlive the stack data it borrowed. Here the *owner* of the threads — the
//! scope — joins them, whatever happened to their handles and guards:
//!
//! - [`scope`] / [`Scope`]: one OS thread per spawn, std's API
//!   ([`Scope::spawn`] → [`ScopedJoinHandle`], [`Builder::spawn_scoped`]),
//!   plus the chapter's guard, [`Scope::spawn_guard`] → [`JoinGuard`], whose
//!   drop joins. The scope counts *running threads* (std's counts result
//!   packets, which a forgotten `ScopedJoinHandle` keeps alive, so
//!   `std::thread::scope` then waits forever): a forgotten handle or guard
//!   neither shortens the scope nor makes it hang, and results nobody can
//!   claim any more are dropped before [`scope`] returns.
//! - [`ThreadPool`] / [`PoolScope`]: the same soundness and liveness on a
//!   fixed set of work-stealing workers, with handles ([`PoolHandle`]) and
//!   guards ([`PoolJoinGuard`]); joins run other tasks while they wait, so
//!   they never deadlock, even on a one-thread pool. One difference: the
//!   result of a task whose handle was *forgotten* is leaked, not dropped at
//!   the scope's end (finding it would cost every join a lock; see
//!   [`PoolHandle`]). [`ThreadPool::map_chunks`] maps a slice's chunks in
//!   parallel with a few tasks per thread instead of one per chunk.
//!
//! ```
//! let mut data = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
//! leaksafe::thread::scope(|s| {
//!     for x in &mut data {
//!         // Forgetting the guard is harmless: the scope still joins.
//!         core::mem::forget(s.spawn_guard(move || *x *= 2));
//!     }
//! });
//! assert_eq!(data, [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
//! ```
//!
//! # Soundness
//! Both scopes rest on one invariant: the scope returns — normally or by
//! unwinding — only after its counter of unfinished threads (or tasks) is
//! back to zero, read with `Acquire` against each thread's final `Release`
//! decrement, and that decrement is each thread's last access to borrowed
//! data. The full arguments, with the wake-up protocol that loom checks, open
//! `thread/scope/mod.rs` and `thread/pool/mod.rs`.

mod pool;
mod scope;

pub use pool::*;
pub use scope::*;

// The rest of `std::thread`, so `use leaksafe::thread;` compiles code written
// against `std::thread`. `scope`, `Scope`, `ScopedJoinHandle` and `Builder`
// are leaksafe's own (above); everything else is std's item itself.
pub use std::thread::{
    AccessError, JoinHandle, LocalKey, Result, Thread, ThreadId, available_parallelism, current,
    panicking, park, park_timeout, sleep, spawn, yield_now,
};
