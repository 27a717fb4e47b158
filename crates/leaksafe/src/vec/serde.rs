//! Feature `serde`: [`Vec`] serializes and deserializes exactly as std's
//! `Vec` does in serde (a sequence), so the two are interchangeable in
//! serialized data.
//!
//! # Invariants
//! No unsafe code. Deserialization never trusts the input's length hint
//! beyond a preallocation of 1 MiB (serde's own `size_hint::cautious`
//! rule), so a hostile `size_hint` cannot make it allocate more than that
//! up front; elements are then pushed one by one. If an element fails to
//! deserialize, the ones already pushed are dropped with the vector.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::Vec;

/// serde's preallocation rule: the hint, capped at 1 MiB of elements (0 for
/// zero-sized ones, which never allocate).
fn cautious<T>(hint: Option<usize>) -> usize {
    const MAX_PREALLOC_BYTES: usize = 1024 * 1024;
    match core::mem::size_of::<T>() {
        0 => 0,
        size => core::cmp::min(hint.unwrap_or(0), MAX_PREALLOC_BYTES / size),
    }
}

impl<T: Serialize> Serialize for Vec<T> {
    /// A sequence of the elements, as std's `Vec`.
    ///
    /// ```
    /// let v = leaksafe::vec![1, 2, 3];
    /// assert_eq!(serde_json::to_string(&v).unwrap(), "[1,2,3]");
    /// ```
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Vec<T> {
    /// From any sequence, as std's `Vec` (preallocating at most 1 MiB from
    /// the input's length hint).
    ///
    /// ```
    /// let v: leaksafe::vec::Vec<String> = serde_json::from_str(r#"["a","b"]"#).unwrap();
    /// assert_eq!(v, ["a", "b"]);
    /// ```
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VecVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for VecVisitor<T> {
            type Value = Vec<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut values = Vec::with_capacity(cautious::<T>(seq.size_hint()));
                while let Some(value) = seq.next_element()? {
                    values.push(value);
                }
                Ok(values)
            }
        }

        deserializer.deserialize_seq(VecVisitor(PhantomData))
    }

    /// Reuses `place`'s elements and allocation, as serde does for std's
    /// `Vec`: the first elements are deserialized in place, extra input
    /// elements are pushed, and extra old elements are truncated.
    fn deserialize_in_place<D: Deserializer<'de>>(
        deserializer: D,
        place: &mut Self,
    ) -> Result<(), D::Error> {
        struct InPlaceSeed<'a, T>(&'a mut T);

        impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for InPlaceSeed<'_, T> {
            type Value = ();

            fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                T::deserialize_in_place(deserializer, self.0)
            }
        }

        struct VecInPlaceVisitor<'a, T>(&'a mut Vec<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for VecInPlaceVisitor<'_, T> {
            type Value = ();

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                let hint = cautious::<T>(seq.size_hint());
                if let Some(additional) = hint.checked_sub(self.0.len()) {
                    self.0.reserve(additional);
                }
                for i in 0..self.0.len() {
                    if seq
                        .next_element_seed(InPlaceSeed(&mut self.0[i]))?
                        .is_none()
                    {
                        self.0.truncate(i);
                        return Ok(());
                    }
                }
                while let Some(value) = seq.next_element()? {
                    self.0.push(value);
                }
                Ok(())
            }
        }

        deserializer.deserialize_seq(VecInPlaceVisitor(place))
    }
}
