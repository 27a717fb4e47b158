//! The one place that names atomics and blocking primitives.
//!
//! Under `--cfg loom` these are loom's model-checked types; otherwise core's
//! and std's. Library code that loom should explore imports from here, never
//! from `core::sync` or `std::sync` directly.
#![allow(unused_imports)]

#[cfg(not(loom))]
pub(crate) use core::sync::atomic::{
    AtomicBool, AtomicPtr, AtomicU8, AtomicU16, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
};
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{
    AtomicBool, AtomicPtr, AtomicU8, AtomicU16, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
};

#[cfg(all(feature = "std", loom))]
pub(crate) use loom::sync::{Arc as StdArc, Condvar, Mutex, MutexGuard};
#[cfg(all(feature = "std", not(loom)))]
pub(crate) use std::sync::{Arc as StdArc, Condvar, Mutex, MutexGuard};

/// Threads: spawning, parking and the current thread.
#[cfg(all(feature = "std", not(loom)))]
pub(crate) mod thread {
    pub(crate) use std::thread::{Thread, current, park, spawn, yield_now};
}
#[cfg(all(feature = "std", loom))]
pub(crate) mod thread {
    pub(crate) use loom::thread::{Thread, current, park, spawn, yield_now};
}

/// A spin-loop hint that loom understands as a yield.
#[inline]
pub(crate) fn spin_loop() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    core::hint::spin_loop();
}
