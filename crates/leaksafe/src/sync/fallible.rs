//! `Arc::try_new`: fallible allocation (see [`rc`'s](crate::rc::AllocError)
//! `AllocError` and its invariants; the block is made the same way).
use super::Arc;
use crate::count::Count;
use crate::rc::AllocError;
use crate::rc::fallible::try_allocate_value;

impl<T> Arc<T> {
    /// [`Arc::new`], but an allocation failure is `Err(AllocError)` instead
    /// of a call to `handle_alloc_error` (std's unstable `Arc::try_new`). The
    /// value is dropped on failure.
    ///
    /// ```
    /// use leaksafe::sync::{AllocError, Arc};
    ///
    /// let a: Result<Arc<i32>, AllocError> = Arc::try_new(5);
    /// assert_eq!(*a.unwrap(), 5);
    /// ```
    #[inline]
    pub fn try_new(value: T) -> Result<Self, AllocError> {
        Self::try_new_counted(value)
    }
}

impl<T, C: Count> Arc<T, C> {
    /// [`Arc::try_new`] for any count type `C`.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a = Arc::<_, u16>::try_new_counted(7).unwrap();
    /// assert_eq!(*a, 7);
    /// ```
    #[inline]
    pub fn try_new_counted(value: T) -> Result<Self, AllocError> {
        try_allocate_value(C::atomic_new(C::ONE), C::atomic_new(C::ONE), value)
            .map(Self::from_block)
    }
}
