//! `serde` and `stable_deref_trait` for [`Arc`] and [`Weak`]: the same
//! impls and semantics as for `Rc` (see `src/rc/ecosystem.rs`: shared values
//! are duplicated by serialization; a `Weak` serializes as `Option<T>` and
//! deserializes dangling).
#[cfg_attr(not(feature = "serde"), allow(unused_imports))]
use super::{Arc, Weak};

crate::rc::ecosystem::impl_ecosystem!(Arc, Weak);
