//! `From<Vec<T>>` for leaksafe's [`Rc<[T]>`](crate::rc::Rc) and
//! [`Arc<[T]>`](crate::sync::Arc), for every count type.
//!
//! # Invariants
//! No unsafe code here: the vector's buffer goes to `alloc::vec::Vec`
//! without a copy (same layout, see `raw.rs`), and from there through the
//! public `From<alloc::vec::Vec<T>>` of `Rc`/`Arc`, which moves the elements
//! into the new block once (as std's `From<Vec<T>> for Rc<[T]>` does) and
//! frees the buffer.

use crate::count::Count;
use crate::rc::Rc;
use crate::sync::Arc;

use super::Vec;

impl<T, C: Count> From<Vec<T>> for Rc<[T], C> {
    /// Moves the elements into a new reference-counted block and frees the
    /// vector's buffer.
    ///
    /// ```
    /// use leaksafe::rc::Rc;
    ///
    /// let r: Rc<[String]> = Rc::from(leaksafe::vec![String::from("a"), String::from("b")]);
    /// assert_eq!(&*r, ["a", "b"]);
    /// let small: Rc<[u8], u8> = leaksafe::vec![1, 2].into();
    /// assert_eq!(&*small, [1, 2]);
    /// ```
    fn from(v: Vec<T>) -> Self {
        Rc::from(alloc::vec::Vec::from(v))
    }
}

impl<T, C: Count> From<Vec<T>> for Arc<[T], C> {
    /// Moves the elements into a new reference-counted block and frees the
    /// vector's buffer.
    ///
    /// ```
    /// use leaksafe::sync::Arc;
    ///
    /// let a: Arc<[String]> = Arc::from(leaksafe::vec![String::from("a")]);
    /// assert_eq!(&*a, ["a"]);
    /// ```
    fn from(v: Vec<T>) -> Self {
        Arc::from(alloc::vec::Vec::from(v))
    }
}
