//! Immortal `Arc`s: [`Arc::new_immortal`], [`Arc::into_immortal`],
//! [`Arc::is_immortal`]. The design and invariants are `Rc`'s
//! (`src/rc/immortal.rs`); here the counts are atomics:
//!
//! - A clone or drop of an `Arc` whose strong count is saturated is one
//!   Relaxed load and a compare, no read-modify-write (`Count`'s saturating
//!   `atomic_inc_strong`/`atomic_dec_strong`): threads sharing an immortal
//!   value do not contend for its cache line. For `Saturating<u32/u64/usize>`
//!   "saturated" is any strong count above `MAX / 2` (the `count` module's
//!   invariant 5), and the constructors store `MAX - MAX / 4`.
//! - `into_immortal` saturates the strong count with a compare-exchange loop,
//!   as every write of a saturating atomic count (the `Count` module's
//!   invariant 3), so it stays saturated under every interleaving with other
//!   threads' clones, drops and upgrades (modelled in `tests/loom_immortal.rs`).
use super::Arc;
use crate::count::Count;
use crate::loom::Ordering::Relaxed;
use crate::rc::SaturatingCount;
use crate::rc_box;

impl<T, C: SaturatingCount> Arc<T, C> {
    /// An immortal value: both counts start saturated, so the value is never
    /// dropped and the block never freed (leaked on purpose, as a `static`),
    /// and clones and drops on any thread write nothing.
    ///
    /// ```
    /// use core::num::Saturating;
    /// use leaksafe::sync::Arc;
    ///
    /// let table = Arc::<_, Saturating<u32>>::new_immortal(vec![1, 2, 3]);
    /// let handles: Vec<_> = (0..2)
    ///     .map(|_| {
    ///         let t = Arc::clone(&table);
    ///         std::thread::spawn(move || (0..1000).map(|_| Arc::clone(&t)[1]).sum::<i32>())
    ///     })
    ///     .collect();
    /// for h in handles {
    ///     assert_eq!(h.join().unwrap(), 2000);
    /// }
    /// assert!(Arc::is_immortal(&table));
    /// ```
    pub fn new_immortal(value: T) -> Self {
        Self::from_block(rc_box::allocate_value(
            C::atomic_new(C::STRONG_SATURATED),
            C::atomic_new(C::SATURATED),
            value,
        ))
    }
}

impl<T: ?Sized, C: SaturatingCount> Arc<T, C> {
    /// Makes the value immortal: saturates the strong count, so the value is
    /// never dropped (nor the block freed), whatever other threads do with
    /// their clones; from then on clones and drops write nothing.
    ///
    /// ```
    /// use core::num::Saturating;
    /// use leaksafe::sync::Arc;
    ///
    /// let a: Arc<String, Saturating<u16>> = Arc::new_counted("x".into());
    /// let b = a.clone();
    /// let a = Arc::into_immortal(a);
    /// assert!(Arc::is_immortal(&b));
    /// drop((a, b)); // the value is not dropped
    /// ```
    pub fn into_immortal(this: Self) -> Self {
        let strong = Self::strong_atomic(&this);
        let mut cur = C::atomic_load(strong, Relaxed);
        // We hold a strong reference, so `cur >= 1` throughout: no other
        // thread can drop the value meanwhile. Relaxed: saturating makes no
        // other memory visible; the value is never freed afterwards.
        while !C::is_strong_saturated(cur) {
            match C::atomic_compare_exchange(strong, cur, C::STRONG_SATURATED, Relaxed, Relaxed) {
                Ok(_) => break,
                Err(now) => cur = now,
            }
        }
        this
    }
}

impl<T: ?Sized, C: Count> Arc<T, C> {
    /// Whether the value is immortal: its strong count is saturated (by
    /// [`new_immortal`](Arc::new_immortal), [`into_immortal`](Arc::into_immortal)
    /// or overflow). Always false for abort counts.
    ///
    /// ```
    /// use core::num::Saturating;
    /// use leaksafe::sync::Arc;
    ///
    /// let a = Arc::<_, Saturating<u8>>::new_immortal(1);
    /// assert!(Arc::is_immortal(&a));
    /// assert!(!Arc::is_immortal(&Arc::new(1)));
    /// ```
    #[inline]
    pub fn is_immortal(this: &Self) -> bool {
        C::is_strong_saturated(C::atomic_load(Self::strong_atomic(this), Relaxed))
    }

    /// The strong count atomic of a live `Arc` (`block_of`: no read of
    /// the block to find it).
    #[inline]
    fn strong_atomic(this: &Self) -> &C::Atomic {
        let block = super::borrow::block_of(this);
        // SAFETY: the block is live while `this` is; only the strong atomic
        // is borrowed (sync invariant 4), for as long as `this`.
        unsafe { &(*block.as_ptr()).strong }
    }
}
