//! Optional integrations of [`Rc`](super::Rc) and [`Weak`](super::Weak)
//! (and, through the same macro, [`Arc`](crate::sync::Arc) and
//! [`sync::Weak`](crate::sync::Weak)) with other crates; each is behind its
//! feature, off by default.
//!
//! - **`serde`**: `Serialize`/`Deserialize` exactly as serde's own `rc`
//!   feature does for std's pointers. An `Rc` serializes as its value and
//!   deserializes into a **new allocation per occurrence**: sharing is not
//!   preserved, so a value reachable through two clones is written twice and
//!   read back as two separate allocations (and a cycle through `Rc`s never
//!   ends). A `Weak` serializes as `Option<T>` (`None` if it cannot upgrade)
//!   and always deserializes as a dangling `Weak::new()` (the value read is
//!   dropped), as serde's.
//! - **`stable_deref_trait`**: `StableDeref` and `CloneStableDeref`. Sound
//!   because `Deref` returns a pointer into the heap block, which neither
//!   moving the pointer nor cloning it changes (every clone points to the
//!   same value), and the value lives as long as any strong reference.

/// Implements the feature-gated integrations for `$Ptr`/`$Weak`.
macro_rules! impl_ecosystem {
    ($Ptr:ident, $Weak:ident) => {
        #[cfg(feature = "serde")]
        impl<T: ?Sized + ::serde::Serialize, C: $crate::count::Count> ::serde::Serialize
            for $Ptr<T, C>
        {
            /// Serializes the value (the sharing is not recorded).
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                (**self).serialize(serializer)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de, T: ?Sized, C: $crate::count::Count> ::serde::Deserialize<'de> for $Ptr<T, C>
        where
            ::alloc::boxed::Box<T>: ::serde::Deserialize<'de>,
        {
            /// Deserializes into a new allocation (through a `Box<T>`, as
            /// serde's `rc` feature).
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                <::alloc::boxed::Box<T> as ::serde::Deserialize<'de>>::deserialize(deserializer)
                    .map(Self::from)
            }
        }

        #[cfg(feature = "serde")]
        impl<T: ?Sized + ::serde::Serialize, C: $crate::count::Count> ::serde::Serialize
            for $Weak<T, C>
        {
            /// Serializes `self.upgrade()`: the value, or `None` if it is gone.
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.upgrade().serialize(serializer)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de, T: ::serde::Deserialize<'de>, C: $crate::count::Count> ::serde::Deserialize<'de>
            for $Weak<T, C>
        {
            /// Reads an `Option<T>`, drops it and returns a dangling `Weak`
            /// (nothing would keep a new value alive), as serde's.
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                <Option<T> as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                Ok($Weak::new_counted())
            }
        }

        // SAFETY: `deref` returns a pointer into the heap block, which does
        // not move when the pointer is moved and stays valid while this
        // strong reference lives (module docs).
        #[cfg(feature = "stable_deref_trait")]
        unsafe impl<T: ?Sized, C: $crate::count::Count> ::stable_deref_trait::StableDeref
            for $Ptr<T, C>
        {
        }

        // SAFETY: a clone points to the same block, so it derefs to the same
        // address.
        #[cfg(feature = "stable_deref_trait")]
        unsafe impl<T: ?Sized, C: $crate::count::Count> ::stable_deref_trait::CloneStableDeref
            for $Ptr<T, C>
        {
        }
    };
}

pub(crate) use impl_ecosystem;

#[cfg_attr(not(feature = "serde"), allow(unused_imports))]
use super::{Rc, Weak};

impl_ecosystem!(Rc, Weak);
