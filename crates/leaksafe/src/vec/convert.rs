//! Conversions and comparisons between [`Vec`] and other std types that
//! std has for its own `Vec`: `BinaryHeap`, `String`, `CString`,
//! `Box<[T; N]>`, `Cow`, `VecDeque`, and `io::Write` (feature `std`).
//!
//! # Invariants
//! No unsafe code here: each conversion hands the buffer to (or takes it
//! from) `alloc::vec::Vec` without a copy (the layouts are the same, see
//! `raw.rs`), then uses std's own conversion, so the behaviour (errors,
//! panics, reuse of the allocation) is std's.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::collections::{BinaryHeap, VecDeque};
use alloc::ffi::CString;
use alloc::string::{FromUtf8Error, String};
use core::num::NonZero;

use super::Vec;

impl<T: Ord> From<Vec<T>> for BinaryHeap<T> {
    /// Builds a heap in place over the vector's buffer (*O*(n)), as std.
    ///
    /// ```
    /// use std::collections::BinaryHeap;
    /// let h = BinaryHeap::from(leaksafe::vec![1, 5, 2]);
    /// assert_eq!(h.into_sorted_vec(), [1, 2, 5]);
    /// ```
    fn from(v: Vec<T>) -> Self {
        BinaryHeap::from(alloc::vec::Vec::from(v))
    }
}

impl<T> From<BinaryHeap<T>> for Vec<T> {
    /// The heap's buffer, in its internal order, without a copy.
    ///
    /// ```
    /// use std::collections::BinaryHeap;
    /// let v = leaksafe::vec::Vec::from(BinaryHeap::from([3]));
    /// assert_eq!(v, [3]);
    /// ```
    fn from(h: BinaryHeap<T>) -> Self {
        Vec::from(h.into_vec())
    }
}

impl TryFrom<Vec<u8>> for String {
    type Error = FromUtf8Error;

    /// The bytes as a `String` if they are UTF-8 (as `String::from_utf8`).
    /// The error holds the bytes as std's `Vec<u8>`.
    ///
    /// ```
    /// let s = String::try_from(leaksafe::vec![b'h', b'i']).unwrap();
    /// assert_eq!(s, "hi");
    /// assert!(String::try_from(leaksafe::vec![0xffu8]).is_err());
    /// ```
    fn try_from(v: Vec<u8>) -> Result<Self, FromUtf8Error> {
        String::from_utf8(v.into())
    }
}

impl From<Vec<NonZero<u8>>> for CString {
    /// A C string of these bytes and a trailing nul, as std (no nul check
    /// needed: no byte is zero).
    ///
    /// ```
    /// use std::ffi::CString;
    /// use std::num::NonZero;
    /// let bytes = leaksafe::vec![NonZero::new(b'o').unwrap(), NonZero::new(b'k').unwrap()];
    /// assert_eq!(CString::from(bytes).as_bytes(), b"ok");
    /// ```
    fn from(v: Vec<NonZero<u8>>) -> Self {
        CString::from(alloc::vec::Vec::from(v))
    }
}

impl From<CString> for Vec<u8> {
    /// The string's bytes, without the trailing nul.
    ///
    /// ```
    /// use std::ffi::CString;
    /// let v = leaksafe::vec::Vec::from(CString::new("ok").unwrap());
    /// assert_eq!(v, *b"ok");
    /// ```
    fn from(s: CString) -> Self {
        Vec::from(s.into_bytes())
    }
}

impl<T, const N: usize> TryFrom<Vec<T>> for Box<[T; N]> {
    type Error = Vec<T>;

    /// The elements as a boxed array if there are exactly `N` (the buffer is
    /// shrunk to fit first, as std); otherwise the vector back, unchanged.
    ///
    /// ```
    /// let b: Box<[i32; 2]> = leaksafe::vec![1, 2].try_into().unwrap();
    /// assert_eq!(*b, [1, 2]);
    /// let e: Result<Box<[i32; 3]>, _> = leaksafe::vec![1, 2].try_into();
    /// assert_eq!(e.unwrap_err(), [1, 2]);
    /// ```
    fn try_from(v: Vec<T>) -> Result<Self, Vec<T>> {
        Box::<[T; N]>::try_from(alloc::vec::Vec::from(v)).map_err(Vec::from)
    }
}

impl<'a, T: Clone> From<&'a Vec<T>> for Cow<'a, [T]> {
    /// A borrowed `Cow` of the elements.
    ///
    /// ```
    /// use std::borrow::Cow;
    /// let v = leaksafe::vec![1, 2];
    /// assert!(matches!(Cow::from(&v), Cow::Borrowed(&[1, 2])));
    /// ```
    fn from(v: &'a Vec<T>) -> Self {
        Cow::Borrowed(v.as_slice())
    }
}

impl<T: Clone, U> PartialEq<Vec<U>> for Cow<'_, [T]>
where
    T: PartialEq<U>,
{
    /// Element-wise, like the slices.
    ///
    /// ```
    /// use std::borrow::Cow;
    /// let c: Cow<'_, [i32]> = Cow::Borrowed(&[1, 2]);
    /// assert!(c == leaksafe::vec![1, 2]);
    /// ```
    #[inline]
    fn eq(&self, other: &Vec<U>) -> bool {
        self[..] == other[..]
    }
}

impl<T, U> PartialEq<Vec<U>> for VecDeque<T>
where
    T: PartialEq<U>,
{
    /// Element-wise, in the deque's order.
    ///
    /// ```
    /// use std::collections::VecDeque;
    /// let mut d = VecDeque::from([2]);
    /// d.push_front(1);
    /// assert!(d == leaksafe::vec![1, 2]);
    /// ```
    fn eq(&self, other: &Vec<U>) -> bool {
        *self == other.as_slice()
    }
}

#[cfg(feature = "std")]
impl std::io::Write for Vec<u8> {
    /// Appends all of `buf`; never fails (except by running out of memory,
    /// which aborts or panics as a `push` would).
    ///
    /// ```
    /// use std::io::Write;
    /// let mut v = leaksafe::vec::Vec::new();
    /// write!(v, "{}-{}", 1, 2).unwrap();
    /// v.write_all(b"!").unwrap();
    /// assert_eq!(v, *b"1-2!");
    /// ```
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.extend_from_slice(buf);
        Ok(buf.len())
    }

    /// Appends every buffer, after one reservation for all of them.
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        let len = bufs.iter().map(|b| b.len()).sum();
        self.reserve(len);
        for buf in bufs {
            self.extend_from_slice(buf);
        }
        Ok(len)
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.extend_from_slice(buf);
        Ok(())
    }

    #[inline]
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
