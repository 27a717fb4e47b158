//! [`Wake`]: make a [`Waker`] from a leaksafe [`Arc`], as `std::task::Wake`
//! does from std's.
//!
//! # Invariants
//! A `RawWaker` made here has as data pointer `Arc::<W>::into_raw` of an
//! `Arc<W>` (usize counts) and as vtable [`vtable::<W>`]: the `RawWaker`
//! owns that one strong reference. `clone` adds one (a new owner),
//! `wake` and `drop` consume it, `wake_by_ref` borrows it. This is std's
//! `Arc`-waker scheme with leaksafe's checked counts (a waker cloned and
//! forgotten past the count's limit aborts instead of wrapping).
use core::mem::ManuallyDrop;
use core::task::{RawWaker, RawWakerVTable, Waker};

use super::Arc;

/// The implementation of waking a task on an executor: std's `Wake` for
/// leaksafe's [`Arc`]. Converts into a [`Waker`] with `Waker::from(arc)`.
///
/// **Differs from std:** the methods take `this: Arc<Self>` instead of
/// `self: Arc<Self>` (a `self` receiver of a non-std pointer type needs the
/// unstable `arbitrary_self_types`), so they are called as
/// `W::wake(arc)`. The one-line fix when switching from std: rename `self` to
/// `this` in the impl.
///
/// ```
/// use core::future::Future;
/// use core::pin::pin;
/// use core::task::{Context, Poll, Waker};
/// use leaksafe::sync::{Arc, Wake};
/// use std::thread::{self, Thread};
///
/// /// Wakes the thread that blocks on a future.
/// struct ThreadWaker(Thread);
///
/// impl Wake for ThreadWaker {
///     fn wake(this: Arc<Self>) {
///         this.0.unpark();
///     }
/// }
///
/// fn block_on<F: Future>(fut: F) -> F::Output {
///     let mut fut = pin!(fut);
///     let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
///     let mut cx = Context::from_waker(&waker);
///     loop {
///         match fut.as_mut().poll(&mut cx) {
///             Poll::Ready(res) => return res,
///             Poll::Pending => thread::park(),
///         }
///     }
/// }
///
/// assert_eq!(block_on(async { 5 }), 5);
/// ```
pub trait Wake {
    /// Wakes this task (consumes the reference).
    fn wake(this: Arc<Self>);

    /// Wakes this task without consuming the reference; the default clones
    /// it and calls [`wake`](Wake::wake).
    ///
    /// ```
    /// use core::sync::atomic::{AtomicUsize, Ordering};
    /// use leaksafe::sync::{Arc, Wake};
    ///
    /// struct Counter(AtomicUsize);
    /// impl Wake for Counter {
    ///     fn wake(this: Arc<Self>) {
    ///         this.0.fetch_add(1, Ordering::Relaxed);
    ///     }
    /// }
    /// let c = Arc::new(Counter(AtomicUsize::new(0)));
    /// let waker = std::task::Waker::from(c.clone());
    /// waker.wake_by_ref();
    /// waker.clone().wake();
    /// assert_eq!(c.0.load(Ordering::Relaxed), 2);
    /// drop(waker);
    /// assert_eq!(Arc::strong_count(&c), 1);
    /// ```
    fn wake_by_ref(this: &Arc<Self>) {
        Self::wake(this.clone());
    }
}

/// The `RawWaker` vtable for wakers made from `Arc<W>` (module invariant).
fn vtable<W: Wake + Send + Sync + 'static>() -> &'static RawWakerVTable {
    &RawWakerVTable::new(clone::<W>, wake::<W>, wake_by_ref::<W>, drop::<W>)
}

/// Turns an owned strong reference into a `RawWaker` owning it.
fn raw_waker<W: Wake + Send + Sync + 'static>(waker: Arc<W>) -> RawWaker {
    RawWaker::new(Arc::into_raw(waker).cast::<()>(), vtable::<W>())
}

unsafe fn clone<W: Wake + Send + Sync + 'static>(data: *const ()) -> RawWaker {
    // SAFETY: `data` is an `Arc<W>`'s `into_raw` whose strong reference the
    // waker being cloned still owns (module invariant); one more for the clone.
    unsafe { Arc::<W>::increment_strong_count(data.cast::<W>()) };
    RawWaker::new(data, vtable::<W>())
}

unsafe fn wake<W: Wake + Send + Sync + 'static>(data: *const ()) {
    // SAFETY: the waker owns this strong reference and is consumed by `wake`.
    let arc = unsafe { Arc::<W>::from_raw(data.cast::<W>()) };
    W::wake(arc);
}

unsafe fn wake_by_ref<W: Wake + Send + Sync + 'static>(data: *const ()) {
    // SAFETY: the waker owns this strong reference and keeps it: the
    // rebuilt `Arc` is never dropped.
    let arc = ManuallyDrop::new(unsafe { Arc::<W>::from_raw(data.cast::<W>()) });
    W::wake_by_ref(&arc);
}

unsafe fn drop<W: Wake + Send + Sync + 'static>(data: *const ()) {
    // SAFETY: the waker owns this strong reference and is being dropped.
    unsafe { Arc::<W>::decrement_strong_count(data.cast::<W>()) };
}

impl<W: Wake + Send + Sync + 'static> From<Arc<W>> for RawWaker {
    /// A `RawWaker` owning the `Arc`'s strong reference (as std's).
    ///
    /// ```
    /// use core::task::{RawWaker, Waker};
    /// use leaksafe::sync::{Arc, Wake};
    ///
    /// struct Nop;
    /// impl Wake for Nop {
    ///     fn wake(_this: Arc<Self>) {}
    /// }
    /// let raw = RawWaker::from(Arc::new(Nop));
    /// // SAFETY: the vtable and data come from `From<Arc<W>>`, which upholds
    /// // the `RawWaker` contract.
    /// let waker = unsafe { Waker::from_raw(raw) };
    /// waker.wake();
    /// ```
    fn from(waker: Arc<W>) -> RawWaker {
        raw_waker(waker)
    }
}

impl<W: Wake + Send + Sync + 'static> From<Arc<W>> for Waker {
    /// A `Waker` owning the `Arc`'s strong reference (as std's).
    ///
    /// ```
    /// use core::task::Waker;
    /// use leaksafe::sync::{Arc, Wake};
    ///
    /// struct Nop;
    /// impl Wake for Nop {
    ///     fn wake(_this: Arc<Self>) {}
    /// }
    /// let w = Waker::from(Arc::new(Nop));
    /// assert!(w.will_wake(&w.clone()));
    /// ```
    fn from(waker: Arc<W>) -> Waker {
        // SAFETY: the `RawWaker` owns one strong reference of an `Arc<W>`
        // and its vtable implements the contract on it (module invariant);
        // `W: Send + Sync`, so the waker may be used from any thread.
        unsafe { Waker::from_raw(raw_waker(waker)) }
    }
}
