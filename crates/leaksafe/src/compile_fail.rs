//! The lifetime claims that the scopes, the pool and `Vec::drain` rely on,
//! each as a `compile_fail` doctest with the error code rustc gives, and a
//! passing control beside it that differs only in the offending line (as
//! rayon-core's `compile_fail/`), so a typo cannot pass for the error.
//!
//! Compiled only for `cargo test --doc` (`#[cfg(doctest)]` in `lib.rs`).
//!
//! Three escapes by *return value* (a handle, a guard or a scope returned
//! from the scope's closure) get rustc's "lifetime may not live long enough",
//! which has no error code: they are plain `compile_fail`, checked by hand to
//! fail with that message, with a control each. Every other test names its
//! code.

/// A `ScopedJoinHandle` cannot escape its scope's closure.
///
/// Through an outer variable (E0521, borrowed data escapes the closure):
/// ```compile_fail,E0521
/// use leaksafe::thread;
/// let mut out = None;
/// thread::scope(|s| {
///     out = Some(s.spawn(|| 1));
/// });
/// let _ = out.unwrap().join();
/// ```
/// By return value ("lifetime may not live long enough", no code):
/// ```compile_fail
/// use leaksafe::thread;
/// let h = thread::scope(|s| s.spawn(|| 1));
/// let _ = h.join();
/// ```
/// Control: the value, not the handle, leaves the scope.
/// ```
/// use leaksafe::thread;
/// let mut out = None;
/// thread::scope(|s| {
///     out = Some(s.spawn(|| 1).join().unwrap());
/// });
/// let r = thread::scope(|s| s.spawn(|| 1).join().unwrap());
/// assert_eq!((out, r), (Some(1), 1));
/// ```
pub struct ScopeHandleEscapes;

/// A `JoinGuard` cannot escape its scope's closure.
///
/// ```compile_fail,E0521
/// use leaksafe::thread;
/// let mut out = None;
/// thread::scope(|s| {
///     out = Some(s.spawn_guard(|| 1));
/// });
/// drop(out);
/// ```
/// ```compile_fail
/// use leaksafe::thread;
/// let g = thread::scope(|s| s.spawn_guard(|| 1));
/// drop(g);
/// ```
/// Control:
/// ```
/// use leaksafe::thread;
/// let mut out = None;
/// thread::scope(|s| {
///     out = Some(s.spawn_guard(|| 1).join().unwrap());
/// });
/// let r = thread::scope(|s| s.spawn_guard(|| 1).join().unwrap());
/// assert_eq!((out, r), (Some(1), 1));
/// ```
pub struct ScopeGuardEscapes;

/// The `Scope` itself cannot escape its closure (it could spawn after the
/// scope returned).
///
/// ```compile_fail,E0521
/// use leaksafe::thread;
/// let mut out = None;
/// thread::scope(|s| {
///     out = Some(s);
/// });
/// ```
/// ```compile_fail
/// use leaksafe::thread;
/// let s = thread::scope(|s| s);
/// s.spawn(|| 1);
/// ```
/// Control:
/// ```
/// use leaksafe::thread;
/// let mut out = None;
/// thread::scope(|s| {
///     let inner = Some(s);
///     inner.unwrap().spawn(|| 1);
///     out = Some(2);
/// });
/// assert_eq!(out, Some(2));
/// ```
pub struct ScopeEscapes;

/// A handle cannot be stored in a `Vec` that outlives the scope.
///
/// ```compile_fail,E0521
/// use leaksafe::thread;
/// let mut v = Vec::new();
/// thread::scope(|s| {
///     v.push(s.spawn(|| 1));
/// });
/// drop(v);
/// ```
/// Control: a `Vec` inside the scope.
/// ```
/// use leaksafe::thread;
/// thread::scope(|s| {
///     let mut v = Vec::new();
///     v.push(s.spawn(|| 1));
///     drop(v);
/// });
/// ```
pub struct ScopeHandleInOuterVec;

/// A handle cannot be stored in a `Cell` that outlives the scope.
///
/// ```compile_fail,E0521
/// use leaksafe::thread;
/// use std::cell::Cell;
/// let c = Cell::new(None);
/// thread::scope(|s| {
///     c.set(Some(s.spawn(|| 1)));
/// });
/// drop(c);
/// ```
/// Control:
/// ```
/// use leaksafe::thread;
/// use std::cell::Cell;
/// thread::scope(|s| {
///     let c = Cell::new(None);
///     c.set(Some(s.spawn(|| 1)));
///     drop(c);
/// });
/// ```
pub struct ScopeHandleInOuterCell;

/// Two nested scopes cannot be swapped (`'scope` is invariant): otherwise the
/// inner scope's threads could be spawned on the outer one.
///
/// ```compile_fail,E0521
/// use leaksafe::thread;
/// thread::scope(|s1| {
///     thread::scope(|s2| {
///         let (mut a, mut b) = (s1, s2);
///         std::mem::swap(&mut a, &mut b);
///     })
/// });
/// ```
/// Control: swapping two references to the same scope.
/// ```
/// use leaksafe::thread;
/// thread::scope(|s1| {
///     thread::scope(|_s2| {
///         let (mut a, mut b) = (s1, s1);
///         std::mem::swap(&mut a, &mut b);
///     })
/// });
/// ```
pub struct ScopeSwapNested;

/// A thread spawned from a scoped thread cannot borrow that thread's locals
/// (it may outlive them: it lives as long as the scope).
///
/// ```compile_fail,E0373
/// use leaksafe::thread;
/// thread::scope(|s| {
///     s.spawn(|| {
///         let x = 1;
///         s.spawn(|| x + 1);
///     });
/// });
/// ```
/// Control: `move` the local into the nested thread.
/// ```
/// use leaksafe::thread;
/// thread::scope(|s| {
///     s.spawn(|| {
///         let x = 1;
///         s.spawn(move || x + 1);
///     });
/// });
/// ```
pub struct ScopeNestedSpawnBorrowsLocal;

/// An inner scope's handle cannot be sent into an outer scope's thread
/// (which may outlive the inner scope).
///
/// ```compile_fail,E0521
/// use leaksafe::thread;
/// thread::scope(|outer| {
///     thread::scope(|inner| {
///         let h = inner.spawn(|| 1);
///         outer.spawn(move || h.join());
///     })
/// });
/// ```
/// Control: an outer handle sent into an inner scope's thread.
/// ```
/// use leaksafe::thread;
/// thread::scope(|outer| {
///     let h = outer.spawn(|| 1);
///     thread::scope(|inner| {
///         inner.spawn(move || h.join());
///     })
/// });
/// ```
pub struct ScopeInnerHandleToOuterThread;

/// A handle cannot be sent to a `'static` thread.
///
/// ```compile_fail,E0521
/// use leaksafe::thread;
/// thread::scope(|s| {
///     let h = s.spawn(|| 1);
///     std::thread::spawn(move || h.join());
/// });
/// ```
/// Control: to another thread of the same scope.
/// ```
/// use leaksafe::thread;
/// thread::scope(|s| {
///     let h = s.spawn(|| 1);
///     s.spawn(move || h.join());
/// });
/// ```
pub struct ScopeHandleToStaticThread;

/// A result that is not `Send` cannot come back from a scoped thread.
///
/// ```compile_fail,E0277
/// use leaksafe::thread;
/// use std::rc::Rc;
/// thread::scope(|s| {
///     s.spawn(|| Rc::new(1));
/// });
/// ```
/// Nor can a closure that captures one:
/// ```compile_fail,E0277
/// use leaksafe::thread;
/// use std::rc::Rc;
/// let rc = Rc::new(1);
/// thread::scope(|s| {
///     s.spawn(move || *rc);
/// });
/// ```
/// Control: `Arc`.
/// ```
/// use leaksafe::thread;
/// use std::sync::Arc;
/// let a = Arc::new(1);
/// thread::scope(|s| {
///     s.spawn(move || *a);
///     s.spawn(|| Arc::new(1));
/// });
/// ```
pub struct ScopeNotSend;

/// A `PoolHandle` cannot escape its pool scope's closure.
///
/// ```compile_fail,E0521
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// let mut out = None;
/// pool.scope(|s| {
///     out = Some(s.spawn(|| 1));
/// });
/// let _ = out.unwrap().join();
/// ```
/// ```compile_fail
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// let h = pool.scope(|s| s.spawn(|| 1));
/// let _ = h.join();
/// ```
/// Control:
/// ```
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// let mut out = None;
/// pool.scope(|s| {
///     out = Some(s.spawn(|| 1).join().unwrap());
/// });
/// assert_eq!(pool.scope(|s| s.spawn(|| 1).join().unwrap()), 1);
/// assert_eq!(out, Some(1));
/// ```
pub struct PoolHandleEscapes;

/// A `PoolJoinGuard` cannot escape its pool scope's closure.
///
/// ```compile_fail,E0521
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// let mut out = None;
/// pool.scope(|s| {
///     out = Some(s.spawn_guard(|| 1));
/// });
/// drop(out);
/// ```
/// Control:
/// ```
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// let mut out = None;
/// pool.scope(|s| {
///     out = Some(s.spawn_guard(|| 1).join().unwrap());
/// });
/// assert_eq!(out, Some(1));
/// ```
pub struct PoolGuardEscapes;

/// A `PoolScope` cannot escape its closure, so it cannot outlive its pool.
///
/// ```compile_fail,E0521
/// use leaksafe::thread::ThreadPool;
/// let mut out = None;
/// {
///     let pool = ThreadPool::new(1);
///     pool.scope(|s| {
///         out = Some(s);
///     });
/// }
/// ```
/// Nor through a thread of an outer `thread::scope`, which outlives a pool
/// made inside it:
/// ```compile_fail,E0521
/// use leaksafe::thread::{self, ThreadPool};
/// thread::scope(|ts| {
///     let pool = ThreadPool::new(1);
///     pool.scope(|ps| {
///         ts.spawn(move || {
///             ps.spawn(|| 1);
///         });
///     });
/// });
/// ```
/// ```compile_fail
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// let s = pool.scope(|s| s);
/// s.spawn(|| 1);
/// ```
/// Control: the pool scope used inside its closure, from an outer scoped
/// thread too.
/// ```
/// use leaksafe::thread::{self, ThreadPool};
/// thread::scope(|ts| {
///     let pool = ThreadPool::new(1);
///     pool.scope(|ps| {
///         ps.spawn(|| 1);
///         ts.spawn(|| 2);
///     });
/// });
/// ```
pub struct PoolScopeOutlivesPool;

/// A pool cannot be dropped (or moved into a task) while one of its scopes
/// runs: `scope` borrows the pool.
///
/// ```compile_fail,E0505
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s| {
///     s.spawn(|| 1);
///     drop(pool);
/// });
/// ```
/// ```compile_fail,E0505
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s| {
///     s.spawn(move || drop(pool));
/// });
/// ```
/// Control: dropped after the scope.
/// ```
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s| {
///     s.spawn(|| 1);
/// });
/// drop(pool);
/// ```
pub struct PoolScopeDropsPool;

/// A pool handle cannot be stored in a `Vec` or a `Cell` that outlives the
/// pool scope.
///
/// ```compile_fail,E0521
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// let mut v = Vec::new();
/// pool.scope(|s| {
///     v.push(s.spawn(|| 1));
/// });
/// drop(v);
/// ```
/// ```compile_fail,E0521
/// use leaksafe::thread::ThreadPool;
/// use std::cell::Cell;
/// let pool = ThreadPool::new(1);
/// let c = Cell::new(None);
/// pool.scope(|s| {
///     c.set(Some(s.spawn(|| 1)));
/// });
/// drop(c);
/// ```
/// Control:
/// ```
/// use leaksafe::thread::ThreadPool;
/// use std::cell::Cell;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s| {
///     let mut v = Vec::new();
///     v.push(s.spawn(|| 1));
///     let c = Cell::new(None);
///     c.set(Some(s.spawn(|| 1)));
///     drop((v, c));
/// });
/// ```
pub struct PoolHandleInOuterStorage;

/// Two nested pool scopes cannot be swapped.
///
/// ```compile_fail,E0521
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s1| {
///     pool.scope(|s2| {
///         let (mut a, mut b) = (s1, s2);
///         std::mem::swap(&mut a, &mut b);
///     })
/// });
/// ```
/// Control:
/// ```
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s1| {
///     pool.scope(|_s2| {
///         let (mut a, mut b) = (s1, s1);
///         std::mem::swap(&mut a, &mut b);
///     })
/// });
/// ```
pub struct PoolSwapNested;

/// A task spawned from a task cannot borrow that task's locals.
///
/// ```compile_fail,E0373
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s| {
///     s.spawn(|| {
///         let x = 1;
///         s.spawn(|| x + 1);
///     });
/// });
/// ```
/// Control:
/// ```
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s| {
///     s.spawn(|| {
///         let x = 1;
///         s.spawn(move || x + 1);
///     });
/// });
/// ```
pub struct PoolNestedSpawnBorrowsLocal;

/// An inner pool scope's handle cannot be sent into an outer scope's task or
/// thread.
///
/// ```compile_fail,E0521
/// use leaksafe::thread::ThreadPool;
/// let pool = ThreadPool::new(1);
/// pool.scope(|outer| {
///     pool.scope(|inner| {
///         let h = inner.spawn(|| 1);
///         outer.spawn(move || h.join());
///     })
/// });
/// ```
/// ```compile_fail,E0521
/// use leaksafe::thread::{self, ThreadPool};
/// let pool = ThreadPool::new(1);
/// thread::scope(|outer| {
///     pool.scope(|inner| {
///         let h = inner.spawn(|| 1);
///         outer.spawn(move || h.join());
///     })
/// });
/// ```
/// Control: outer handles into inner tasks.
/// ```
/// use leaksafe::thread::{self, ThreadPool};
/// let pool = ThreadPool::new(1);
/// pool.scope(|outer| {
///     let h = outer.spawn(|| 1);
///     pool.scope(|inner| {
///         inner.spawn(move || h.join());
///     })
/// });
/// thread::scope(|outer| {
///     let h = outer.spawn(|| 1);
///     pool.scope(|inner| {
///         inner.spawn(move || h.join());
///     })
/// });
/// ```
pub struct PoolInnerHandleToOuterTask;

/// A result that is not `Send` cannot come back from a pool task, nor can a
/// task capture one.
///
/// ```compile_fail,E0277
/// use leaksafe::thread::ThreadPool;
/// use std::rc::Rc;
/// let pool = ThreadPool::new(1);
/// pool.scope(|s| {
///     s.spawn(|| Rc::new(1));
/// });
/// ```
/// ```compile_fail,E0277
/// use leaksafe::thread::ThreadPool;
/// use std::rc::Rc;
/// let pool = ThreadPool::new(1);
/// let rc = Rc::new(1);
/// pool.scope(|s| {
///     s.spawn(move || *rc);
/// });
/// ```
/// Control:
/// ```
/// use leaksafe::thread::ThreadPool;
/// use std::sync::Arc;
/// let pool = ThreadPool::new(1);
/// let a = Arc::new(1);
/// pool.scope(|s| {
///     s.spawn(move || *a);
///     s.spawn(|| Arc::new(1));
/// });
/// ```
pub struct PoolNotSend;

/// A `Vec` cannot be used while its `Drain` lives (the drain holds a
/// mutable borrow; leak amplification relies on nobody seeing the vector
/// mid-drain).
///
/// ```compile_fail,E0499
/// let mut v = leaksafe::vec![1, 2, 3];
/// let d = v.drain(..);
/// v.push(4);
/// drop(d);
/// ```
/// ```compile_fail,E0502
/// let mut v = leaksafe::vec![1, 2, 3];
/// let d = v.drain(1..);
/// let _ = v.len();
/// drop(d);
/// ```
/// Control: used after the drain is dropped (or forgotten).
/// ```
/// let mut v = leaksafe::vec![1, 2, 3];
/// let d = v.drain(..);
/// drop(d);
/// v.push(4);
/// let d = v.drain(..);
/// core::mem::forget(d);
/// assert_eq!(v.len(), 0);
/// ```
pub struct VecUsedWhileDrainLives;
