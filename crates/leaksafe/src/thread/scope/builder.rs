//! `Builder`: thread configuration, and a scoped spawn that reports the
//! operating system's refusal as an [`io::Result`] instead of panicking.
//!
//! # Invariants
//! None of its own: it only carries a name and a stack size to the native
//! builder; every spawn goes through the scope's `spawn_inner`, which holds the
//! soundness argument (count first, then spawn; undo on every error path).

use alloc::string::String;
use std::io;

use super::{JoinGuard, Scope, ScopedJoinHandle, native};

/// Thread factory, used to configure a scoped thread before spawning it
/// (std's `std::thread::Builder`, for leaksafe's scopes).
///
/// ```
/// let n = 5;
/// leaksafe::thread::scope(|s| {
///     let h = leaksafe::thread::Builder::new()
///         .name("worker".into())
///         .stack_size(64 * 1024)
///         .spawn_scoped(s, || {
///             assert_eq!(std::thread::current().name(), Some("worker"));
///             n * 2
///         })
///         .expect("the OS refused a thread");
///     assert_eq!(h.join().unwrap(), 10);
/// });
/// ```
#[derive(Debug, Default)]
#[must_use = "a Builder does nothing until it spawns"]
pub struct Builder {
    name: Option<String>,
    stack_size: Option<usize>,
}

impl Builder {
    /// A builder with the platform's defaults (no name, default stack size).
    ///
    /// ```
    /// let b = leaksafe::thread::Builder::new();
    /// leaksafe::thread::scope(|s| b.spawn_scoped(s, || ()).unwrap().join().unwrap());
    /// ```
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the thread-to-be (shown in panic messages and by
    /// `Thread::name`).
    ///
    /// ```
    /// leaksafe::thread::scope(|s| {
    ///     let h = leaksafe::thread::Builder::new()
    ///         .name("named".into())
    ///         .spawn_scoped(s, || std::thread::current().name().map(String::from))
    ///         .unwrap();
    ///     assert_eq!(h.join().unwrap().as_deref(), Some("named"));
    /// });
    /// ```
    pub fn name(mut self, name: String) -> Builder {
        self.name = Some(name);
        self
    }

    /// Sets the size of the stack (in bytes) for the new thread.
    ///
    /// ```
    /// leaksafe::thread::scope(|s| {
    ///     let h = leaksafe::thread::Builder::new()
    ///         .stack_size(256 * 1024)
    ///         .spawn_scoped(s, || 1)
    ///         .unwrap();
    ///     assert_eq!(h.join().unwrap(), 1);
    /// });
    /// ```
    pub fn stack_size(mut self, size: usize) -> Builder {
        self.stack_size = Some(size);
        self
    }

    fn native(self) -> native::Builder {
        let mut b = native::Builder::new();
        if let Some(name) = self.name {
            b = b.name(name);
        }
        if let Some(size) = self.stack_size {
            b = b.stack_size(size);
        }
        b
    }

    /// Spawns a scoped thread with this configuration.
    ///
    /// # Errors
    /// If the operating system refuses to create the thread. Then `f` has
    /// been dropped, the scope's count is back where it was, and nothing
    /// leaks.
    ///
    /// # Panics
    /// If the name contains a NUL byte (as std).
    ///
    /// ```
    /// let v = [1, 2, 3];
    /// leaksafe::thread::scope(|s| {
    ///     let h = leaksafe::thread::Builder::new().spawn_scoped(s, || v.len())?;
    ///     assert_eq!(h.join().unwrap(), 3);
    ///     Ok::<(), std::io::Error>(())
    /// })
    /// .unwrap();
    /// ```
    pub fn spawn_scoped<'scope, 'env, F, T>(
        self,
        scope: &'scope Scope<'scope, 'env>,
        f: F,
    ) -> io::Result<ScopedJoinHandle<'scope, T>>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        scope.spawn_inner(self.native(), f)
    }

    /// Spawns a scoped thread with this configuration, returning a
    /// [`JoinGuard`] that joins it when dropped.
    ///
    /// # Errors
    /// As [`spawn_scoped`](Self::spawn_scoped).
    ///
    /// ```
    /// let mut x = 1;
    /// leaksafe::thread::scope(|s| {
    ///     let g = leaksafe::thread::Builder::new().spawn_scoped_guard(s, || x += 1).unwrap();
    ///     drop(g);
    /// });
    /// assert_eq!(x, 2);
    /// ```
    pub fn spawn_scoped_guard<'scope, 'env, F, T>(
        self,
        scope: &'scope Scope<'scope, 'env>,
        f: F,
    ) -> io::Result<JoinGuard<'scope, T>>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        self.spawn_scoped(scope, f).map(JoinGuard::new)
    }
}
