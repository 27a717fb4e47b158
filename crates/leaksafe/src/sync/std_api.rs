//! std's `Arc` API that [`sync`](super) did not have yet: uninitialized
//! constructors and `assume_init`, the remaining `From`/`TryFrom`/`Default`
//! conversions (shared with `Rc`: the macro in `src/rc/std_api.rs`, whose
//! invariants apply), and `Error for Arc<E>`.
use core::error::Error;
use core::ptr::NonNull;

use super::{Arc, Block};
use crate::count::Count;
use crate::rc_box;

/// Gives up `this`'s strong reference as its block pointer (the inverse of
/// `Arc::from_block`).
#[inline]
fn into_block<T: ?Sized, C: Count>(this: Arc<T, C>) -> NonNull<Block<T, C>> {
    let value = Arc::into_raw(this);
    // SAFETY: `value` is the value field of a live block (the strong
    // reference now owned by the raw pointer keeps it alive and initialized).
    let block = unsafe { rc_box::inner_from_value_ptr::<C::Atomic, T>(value) };
    // SAFETY: a block pointer is not null.
    unsafe { NonNull::new_unchecked(block) }
}

crate::rc::std_api::impl_std_api!(
    Arc,
    path = "sync::Arc",
    block = Block,
    from_block = from_block,
    one = C::atomic_new(C::ONE),
);

/// Forwards to the value's `Error` impl, as std's `Arc<E>`.
///
/// ```
/// use leaksafe::sync::Arc;
/// use std::error::Error;
///
/// let e: Arc<std::fmt::Error> = Arc::new(std::fmt::Error);
/// let dyn_err: &dyn Error = &e;
/// assert!(dyn_err.source().is_none());
/// assert_eq!(e.to_string(), "an error occurred when formatting an argument");
/// ```
impl<T: Error + ?Sized, C: Count> Error for Arc<T, C> {
    #[allow(deprecated)]
    fn description(&self) -> &str {
        Error::description(&**self)
    }

    #[allow(deprecated)]
    fn cause(&self) -> Option<&dyn Error> {
        Error::cause(&**self)
    }

    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Error::source(&**self)
    }
}

/// As std: an `Arc` is unwind-safe when the value is, through `&T`
/// (`RefUnwindSafe`), since only shared access is possible (the auto trait
/// would also require `T: UnwindSafe`).
///
/// ```
/// use leaksafe::sync::Arc;
/// use std::panic::{catch_unwind, UnwindSafe};
///
/// fn unwind_safe<T: UnwindSafe>(_: &T) {}
/// let a = Arc::new(1);
/// unwind_safe(&a);
/// assert_eq!(catch_unwind(|| *a).unwrap(), 1);
/// ```
impl<T: ?Sized + core::panic::RefUnwindSafe, C: Count> core::panic::UnwindSafe for Arc<T, C> {}
