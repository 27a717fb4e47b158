//! [`Arc::make_mut`] for every [`CloneToUninit`] value (`T: Clone`, `[T]`,
//! `str`, `CStr`, `OsStr`, `Path`), as std's. The allocation helpers and
//! their invariants are in `src/rc/make_mut.rs`; the counting follows the
//! module's invariant 5 (uniqueness: strong `1 -> 0` locks out upgrades).
use core::ptr::{self, NonNull};

use super::{Arc, Weak};
use crate::count::Count;
use crate::loom::Ordering::{Acquire, Relaxed, Release};
use crate::rc::CloneToUninit;
use crate::rc::make_mut::{clone_to_new_block, move_to_new_block};
use crate::rc_box;

impl<T: ?Sized + CloneToUninit, C: Count> Arc<T, C> {
    /// A mutable reference to the value, cloning it first into a new
    /// allocation if other `Arc`s share it (clone-on-write). Works for
    /// `Arc<[T]>`, `Arc<str>` and the other [`CloneToUninit`] types, as std's.
    ///
    /// If only `Weak`s share it, the value is moved (not cloned) to a new
    /// allocation and those `Weak`s can no longer upgrade. If a `clone`
    /// panics, nothing changed: counts and pointers are as before.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let mut data: Arc<i32, u8> = Arc::new_counted(5);
    /// *Arc::make_mut(&mut data) += 1; // no clone
    /// let mut other = Arc::clone(&data);
    /// *Arc::make_mut(&mut data) += 1; // clones
    /// *Arc::make_mut(&mut other) *= 2; // unique again: no clone
    /// assert_eq!((*data, *other), (7, 12));
    ///
    /// let mut s: Arc<str> = Arc::from("abc");
    /// let t = s.clone();
    /// Arc::make_mut(&mut s).make_ascii_uppercase();
    /// assert_eq!((&*s, &*t), ("ABC", "abc"));
    /// ```
    pub fn make_mut(this: &mut Self) -> &mut T {
        // SAFETY: `this` owns a strong reference, so the value is alive and
        // `as_ptr` is the value field of its block.
        let block = unsafe { rc_box::inner_from_value_ptr::<C::Atomic, T>(Arc::as_ptr(this)) };
        // SAFETY: the block is live; only the atomics are borrowed (invariant 4).
        let (strong, weak) = unsafe { (&(*block).strong, &(*block).weak) };
        // 1 -> 0 "locks" the strong count against upgrades, as std does.
        // Acquire: other threads' uses of the value happen-before our writes.
        if C::atomic_compare_exchange(strong, C::ONE, C::ZERO, Acquire, Relaxed).is_err() {
            // Another strong reference exists (or the count is saturated):
            // clone. A panic here leaves everything untouched.
            let fresh = clone_to_new_block(&**this, C::atomic_new(C::ONE), C::atomic_new(C::ONE));
            *this = Arc::from_block(fresh);
        } else if C::atomic_load(weak, Relaxed) != C::ONE {
            // We were the last strong reference but Weaks remain: move the
            // value to a fresh block and disassociate them. (Relaxed suffices:
            // a Weak cannot upgrade now that strong is 0; at worst we take
            // this path needlessly when the last Weak is just going away.)
            // SAFETY: strong is 0 and we held the last strong reference, so we
            // own the value: it is moved bitwise and the old copy is never
            // read or dropped again.
            let fresh = unsafe {
                move_to_new_block(
                    Arc::as_ptr(this),
                    C::atomic_new(C::ONE),
                    C::atomic_new(C::ONE),
                )
            };
            // SAFETY: replace `this` without dropping the old Arc (its strong
            // reference is already released), then release the old block's
            // shared weak reference.
            unsafe {
                ptr::write(this, Arc::from_block(fresh));
                drop(Weak::<T, C>::from_block(NonNull::new_unchecked(block)));
            }
        } else {
            // We were the sole reference of either kind: restore strong
            // (Release, as std; no other thread can observe the count before
            // `this` is shared again, which synchronises by itself).
            C::atomic_store(strong, C::ONE, Release);
        }
        // SAFETY: in all three branches `this` is now the only reference to
        // its block: a fresh block, or strong == 1 with weak == 1 (no Weak
        // exists and none can be made without `&this`).
        unsafe { &mut *Arc::as_ptr(this).cast_mut() }
    }
}
