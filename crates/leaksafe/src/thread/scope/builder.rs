//! `Builder`: thread configuration, and spawns that report the operating
//! system's refusal as an [`io::Result`] instead of panicking: std's
//! `std::thread::Builder` API in full (`spawn`, `spawn_unchecked`,
//! `spawn_scoped`), plus `spawn_scoped_guard`.
//!
//! # Invariants
//! None of its own: it only carries a name and a stack size to the native
//! builder. Every scoped spawn goes through the scope's `spawn_inner`, which
//! holds the soundness argument (count first, then spawn; undo on every error
//! path); `spawn` and `spawn_unchecked` are std's, unchanged.

use alloc::string::String;
use std::io;
use std::thread::JoinHandle;

use super::{JoinGuard, Scope, ScopedJoinHandle, native};

/// Thread factory, used to configure a thread before spawning it: std's
/// `std::thread::Builder`, whose scoped spawns use leaksafe's scopes.
///
/// Everything std's `Builder` does works unchanged ([`new`](Self::new),
/// [`name`](Self::name), [`stack_size`](Self::stack_size),
/// [`spawn`](Self::spawn) → `std::thread::JoinHandle`,
/// [`spawn_unchecked`](Self::spawn_unchecked),
/// [`spawn_scoped`](Self::spawn_scoped)), so `use leaksafe::thread;` compiles
/// std code that builds threads.
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

    /// std's builder with this configuration.
    fn into_std(self) -> std::thread::Builder {
        let mut b = std::thread::Builder::new();
        if let Some(name) = self.name {
            b = b.name(name);
        }
        if let Some(size) = self.stack_size {
            b = b.stack_size(size);
        }
        b
    }

    /// Spawns a new, unscoped thread with this configuration, returning an
    /// [`io::Result`] to its [`JoinHandle`] (std's `Builder::spawn`: the
    /// thread and its handle are std's).
    ///
    /// # Errors
    /// If the operating system refuses to create the thread.
    ///
    /// # Panics
    /// If the name contains a NUL byte (as std).
    ///
    /// ```
    /// use leaksafe::thread;
    ///
    /// let handler = thread::Builder::new()
    ///     .name("unscoped".into())
    ///     .spawn(|| thread::current().name().map(String::from))
    ///     .unwrap();
    /// assert_eq!(handler.join().unwrap().as_deref(), Some("unscoped"));
    /// ```
    pub fn spawn<F, T>(self, f: F) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.into_std().spawn(f)
    }

    /// Spawns a new thread without lifetime restrictions (std's
    /// `Builder::spawn_unchecked`, with std's contract).
    ///
    /// # Errors
    /// If the operating system refuses to create the thread.
    ///
    /// # Panics
    /// If the name contains a NUL byte (as std).
    ///
    /// # Safety
    /// As std's: the spawned thread must not outlive any reference in `f` or
    /// in its return type (join it before the referenced data is dropped).
    /// [`scope`](super::scope) gives the same freedom safely.
    ///
    /// ```
    /// let x = 1;
    /// let thread_x = &x;
    /// // SAFETY: joined below, before `x` goes out of scope.
    /// let handler = unsafe {
    ///     leaksafe::thread::Builder::new().spawn_unchecked(move || *thread_x + 1)
    /// }
    /// .unwrap();
    /// assert_eq!(handler.join().unwrap(), 2);
    /// ```
    pub unsafe fn spawn_unchecked<F, T>(self, f: F) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send,
        T: Send,
    {
        // SAFETY: the caller upholds std's contract, which is ours.
        unsafe { self.into_std().spawn_unchecked(f) }
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
