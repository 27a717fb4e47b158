//! [`ThreadPoolBuilder`]: a pool's size, thread names and stack size, and
//! hooks for worker start and exit and for task panics nobody joins.
//!
//! # Invariants
//! - `build` starts the workers one by one through `ThreadPool::try_build`;
//!   if the OS refuses a thread, the workers already started are stopped
//!   and joined before the error is returned (the `try_new` path).
//! - The hooks live in the registry, which every pool thread keeps alive;
//!   the start and exit hooks run on the worker, outside any task, and a
//!   panic of theirs is caught (a worker never unwinds); a panicking panic
//!   handler aborts the process, as in rayon.

use std::boxed::Box;
use std::string::String;

use super::ThreadPool;
use super::registry::Hooks;

/// The name of a worker, given its index.
type NameFn = Box<dyn FnMut(usize) -> String>;

/// Configures and builds a [`ThreadPool`] (rayon's `ThreadPoolBuilder`).
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use leaksafe::thread::ThreadPool;
///
/// let started = Arc::new(AtomicUsize::new(0));
/// let s = Arc::clone(&started);
/// let pool = ThreadPool::builder()
///     .num_threads(2)
///     .thread_name(|i| format!("worker-{i}"))
///     .stack_size(1 << 20)
///     .start_handler(move |_| {
///         s.fetch_add(1, Ordering::SeqCst);
///     })
///     .build()?;
/// let name = pool.install(|| std::thread::current().name().map(String::from));
/// assert!(name.is_some_and(|n| n.starts_with("worker-")));
/// drop(pool); // joins the workers: each ran its start handler first
/// assert_eq!(started.load(Ordering::SeqCst), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Default)]
pub struct ThreadPoolBuilder {
    num_threads: usize,
    thread_name: Option<NameFn>,
    stack_size: Option<usize>,
    hooks: Hooks,
}

impl core::fmt::Debug for ThreadPoolBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ThreadPoolBuilder")
            .field("num_threads", &self.num_threads)
            .field("stack_size", &self.stack_size)
            .finish_non_exhaustive()
    }
}

impl ThreadPoolBuilder {
    /// A builder with the defaults: one thread per available core, threads
    /// named `leaksafe-pool-{index}`, the platform's stack size, no hooks.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of worker threads; 0 (the default) means one per
    /// available core ([`std::thread::available_parallelism`], or one).
    pub fn num_threads(mut self, n: usize) -> Self {
        self.num_threads = n;
        self
    }

    /// Names worker `index` `name(index)`.
    pub fn thread_name<F>(mut self, name: F) -> Self
    where
        F: FnMut(usize) -> String + 'static,
    {
        self.thread_name = Some(Box::new(name));
        self
    }

    /// The stack size of each worker, in bytes (see
    /// [`std::thread::Builder::stack_size`]).
    pub fn stack_size(mut self, size: usize) -> Self {
        self.stack_size = Some(size);
        self
    }

    /// Called on each worker, with its index, when it starts (before it
    /// runs any task). Spare threads (stand-ins for blocked workers) do not
    /// call it. A panic of the handler is caught and ignored.
    pub fn start_handler<H>(mut self, handler: H) -> Self
    where
        H: Fn(usize) + Send + Sync + 'static,
    {
        self.hooks.start = Some(Box::new(handler));
        self
    }

    /// Called on each worker, with its index, when it exits (after the
    /// pool was dropped and its queues emptied). A panic is ignored.
    pub fn exit_handler<H>(mut self, handler: H) -> Self
    where
        H: Fn(usize) + Send + Sync + 'static,
    {
        self.hooks.exit = Some(Box::new(handler));
        self
    }

    /// Receives the payload of every task panic that nobody joins (the
    /// task's handle or guard was dropped without `join`), on the thread
    /// where that is found out, instead of the scope re-raising it at its
    /// end. A panic whose handle was forgotten is never seen (its payload
    /// leaks with the handle's record), so the scope still panics for it.
    /// If the handler panics, the process aborts.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let s = Arc::clone(&seen);
    /// let pool = ThreadPool::builder()
    ///     .num_threads(1)
    ///     .panic_handler(move |p| s.lock().unwrap().push(*p.downcast::<&str>().unwrap()))
    ///     .build()?;
    /// pool.scope(|s| {
    ///     drop(s.spawn(|| panic!("unjoined")));
    /// }); // does not panic: the handler took it
    /// assert_eq!(*seen.lock().unwrap(), ["unjoined"]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn panic_handler<H>(mut self, handler: H) -> Self
    where
        H: Fn(Box<dyn core::any::Any + Send>) + Send + Sync + 'static,
    {
        self.hooks.panic = Some(Box::new(handler));
        self
    }

    /// Starts the pool, or returns the error of the first thread the OS
    /// refused to create (the workers already started are then stopped
    /// and joined: nothing is left running).
    pub fn build(self) -> std::io::Result<ThreadPool> {
        let n = if self.num_threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.num_threads
        };
        let mut name = self.thread_name;
        let stack_size = self.stack_size;
        ThreadPool::try_build(
            n,
            |i| match &mut name {
                Some(f) => f(i),
                None => std::format!("leaksafe-pool-{i}"),
            },
            |_| stack_size,
            self.hooks,
        )
    }
}
