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
//!   claim any more are dropped before [`scope`] returns — concurrently,
//!   each but one on its own short-lived thread, so one result's `Drop` may
//!   wait for another's. (If the operating system refuses such a thread,
//!   that result is dropped on the scope's thread instead; results whose
//!   `Drop`s wait for each other can then still hang, as can a `Drop` that
//!   waits for the drop of a result whose handle it forgets itself.)
//! - [`ThreadPool`] / [`PoolScope`]: the same soundness on a fixed set of
//!   work-stealing workers, with handles ([`PoolHandle`]) and guards
//!   ([`PoolJoinGuard`]). A join runs the joined task itself if it has not
//!   started yet; otherwise it blocks, and a spare thread stands in for the
//!   blocked worker, so queued work keeps as many threads as the pool has
//!   workers. So any join graph that completes with one thread per task (as
//!   with [`scope`]) also completes on the pool, even a one-thread pool. A
//!   task that joins its own handle panics ("deadlock"), as std's join of
//!   the current thread fails; a task that blocks *outside* the pool (on a
//!   channel, a lock) gets no stand-in (see [`ThreadPool`]). One
//!   difference from [`scope`]: the result of a task whose handle was
//!   *forgotten* is leaked, not dropped at the scope's end (see
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
//! # Switching from `std::thread`
//! `leaksafe::thread` is a superset of `std::thread`: replace
//! `use std::thread;` by `use leaksafe::thread;` and the code compiles and
//! behaves as before. The free functions and types that have nothing to do
//! with scopes (`spawn`, `sleep`, `current`, `park`, `park_timeout`,
//! `yield_now`, `available_parallelism`, `panicking`, `JoinHandle`, `Thread`,
//! `ThreadId`, `Result`, `LocalKey`, `AccessError`, and the deprecated
//! `sleep_ms`/`park_timeout_ms`) *are* std's, re-exported. [`Builder`] is
//! leaksafe's, with all of std's stable methods (`new`, `name`, `stack_size`,
//! `spawn` returning std's `JoinHandle`, `spawn_unchecked`, `spawn_scoped`).
//! [`scope`], [`Scope`] and [`ScopedJoinHandle`] have std's API and std's
//! panic rules; what differs is only what std cannot do:
//! - a forgotten [`ScopedJoinHandle`] does not make [`scope`] hang (std's
//!   waits forever), and its result is dropped before [`scope`] returns;
//! - [`Scope::spawn_guard`] / [`JoinGuard`] and the [`ThreadPool`] are extra;
//! - a join through a handle reachable only from such an unclaimed result
//!   may find the result already dropped by the scope: it returns
//!   `Err` with [`SCOPE_DROPPED_RESULT`] (std cannot get there: it hangs).
//!
//! ```
//! use leaksafe::thread; // was: use std::thread;
//! use std::time::Duration;
//!
//! let h = thread::spawn(|| {
//!     thread::sleep(Duration::from_millis(1));
//!     thread::current().id()
//! });
//! let id = h.join().unwrap();
//! assert_ne!(id, thread::current().id());
//!
//! let mut v = vec![1, 2, 3];
//! thread::scope(|s| {
//!     s.spawn(|| println!("{:?}", v.len()));
//!     thread::Builder::new().name("b".into()).spawn_scoped(s, || 1).unwrap();
//! });
//! v.push(4);
//! ```
//!
//! # Soundness
//! Both scopes rest on one invariant: the scope returns — normally or by
//! unwinding — only after its counter of unfinished threads (or tasks) is
//! back to zero, read with `Acquire` against each thread's final `Release`
//! decrement, and that decrement is each thread's last access to borrowed
//! data.
//!
//! # Aborts
//! When the `Drop` of a thread's result or panic payload panics while
//! leaksafe drops it on your behalf (an unclaimed result at the scope's end,
//! a result dropped with its handle or guard, or by its own thread because
//! the handle was gone), the process aborts, as std does: see [`scope`],
//! [`ScopedJoinHandle`] and [`JoinGuard`].

// The full soundness arguments, with the wake-up protocols that loom checks,
// open thread/scope/mod.rs and thread/pool/mod.rs.

mod pool;
mod scope;

pub use pool::{
    BroadcastContext, PoolHandle, PoolJoinGuard, PoolScope, PoolScopeFifo, ThreadPool,
    ThreadPoolBuilder, current_num_threads, current_thread_index, join,
};
pub use scope::{Builder, JoinGuard, SCOPE_DROPPED_RESULT, Scope, ScopedJoinHandle, scope};

// The rest of `std::thread`, so `use leaksafe::thread;` compiles code written
// against `std::thread`. `scope`, `Scope`, `ScopedJoinHandle` and `Builder`
// are leaksafe's own (above); everything else is std's item itself.
pub use std::thread::{
    AccessError, JoinHandle, LocalKey, Result, Thread, ThreadId, available_parallelism, current,
    panicking, park, park_timeout, sleep, spawn, yield_now,
};
// Deprecated in std, re-exported for completeness: callers get std's
// deprecation warning, as they would with `std::thread`.
#[allow(deprecated)]
pub use std::thread::{park_timeout_ms, sleep_ms};
