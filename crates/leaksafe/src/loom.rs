//! The one place that names atomics, blocking primitives and threads.
//!
//! Under `--cfg loom` these are loom's model-checked types; otherwise core's
//! and std's (as crossbeam-utils' `primitive` and tokio's `loom` modules).
//! Library code that loom should explore imports from here, never from
//! `core::sync`, `std::sync` or `std::thread` directly; the module imports
//! nothing from the crate, so every other module may depend on it.
#![allow(unused_imports)]

#[cfg(loom)]
pub(crate) use ::loom::sync::atomic::{
    AtomicBool, AtomicPtr, AtomicU8, AtomicU16, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
};
#[cfg(not(loom))]
pub(crate) use core::sync::atomic::{
    AtomicBool, AtomicPtr, AtomicU8, AtomicU16, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
};

#[cfg(all(feature = "std", loom))]
pub(crate) use ::loom::sync::{Arc as StdArc, Condvar, Mutex, MutexGuard};
#[cfg(all(feature = "std", not(loom)))]
pub(crate) use std::sync::{Arc as StdArc, Condvar, Mutex, MutexGuard};

/// The operating system's threads: spawning (also through a `Builder`, as
/// the scope does), parking and the current thread.
#[cfg(all(feature = "std", not(loom)))]
pub(crate) mod thread {
    pub(crate) use std::thread::{Builder, JoinHandle, Thread, current, park, spawn, yield_now};
}
#[cfg(all(feature = "std", loom))]
pub(crate) mod thread {
    pub(crate) use ::loom::thread::{Builder, JoinHandle, Thread, current, park, spawn, yield_now};
}

/// A spin-loop hint that loom understands as a yield.
#[inline]
pub(crate) fn spin_loop() {
    #[cfg(loom)]
    ::loom::thread::yield_now();
    #[cfg(not(loom))]
    core::hint::spin_loop();
}
