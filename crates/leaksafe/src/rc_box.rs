//! The allocation shared by [`Rc`](crate::rc::Rc) and [`Arc`](crate::sync::Arc):
//! two counts, then the value. Nothing here depends on atomics: `K` is the
//! count cell (`Cell<C::Int>` for `Rc`, `C::Atomic` for `Arc`).
//!
//! # Layout
//! `Inner<K, T>` is `#[repr(C)]`: `strong`, `weak`, then `value`. Because the
//! value is the last field, its offset depends only on `size_of::<K>()` and
//! `align_of_val(value)` — for unsized `T` too (the `repr(C)` algorithm:
//! `offset = round_up(2 * size_of::<K>(), align_of_val(value))`), and the whole
//! block is `Layout::new::<[K; 2]>().extend(value_layout)`, padded to its
//! alignment. [`inner_layout`] computes exactly that, and the tests check it
//! against `size_of_val` of real allocations.
//!
//! # Invariants of a pointer `*mut Inner<K, T>` produced here
//! - It points to a live allocation from the global allocator with layout
//!   [`inner_layout`]`(L)`, where `L` is the layout of the value it was
//!   allocated for — never zero-sized, because the header is not.
//! - `strong` and `weak` are initialized with the values the caller passed; the
//!   value is fully initialized (except inside `new_cyclic` before its closure
//!   returns, and inside [`from_iter_exact`] before the last element is written).
//! - **The offset marker.** Let `hs = size_of::<K>()` and `h = 2 * hs` (the
//!   header). The value sits at `round_up(h, align)`. Either that is `h` and
//!   the `hs` bytes before the value are the `weak` count, which is at least 1
//!   while anyone can call `from_raw` (the raw pointer owns a strong or weak
//!   reference), or it is larger and [`allocate_for_layout`] wrote two `K`s
//!   into the padding: `0` right before the value (a value `weak` never has in
//!   a live block) and `log2(align)` before that. For the real counts `hs` is
//!   a power of two, so a padded block has `align >= 2h` and at least `h` bytes
//!   of padding: both slots fit and are aligned for `K`; the padding before
//!   them is zeroed. Nothing else changes the padding (the value is only
//!   written at its own offset; `Rc`'s 32-bit count updates of `u8` counts,
//!   and the allocation's one 32-bit store of the header for them
//!   (`store_wide_header`), rewrite bytes 2 and 3 unchanged).
//! - On a panic while writing the value (a `Clone` or an iterator), the guard
//!   [`PartialSliceGuard`] drops the elements already written and frees the
//!   block: nothing leaks and nothing is dropped twice.
//!
//! # Never a reference to the value from a raw pointer
//! `from_raw` (for `Rc`, `Arc` and both `Weak`s) gets a pointer to the value
//! and must find the header. It may run inside the value's own `Drop` (std
//! documents `Weak::from_raw` as valid after the value was dropped), where a
//! protected `&mut T` is live: making a `&T` there is undefined behaviour under
//! Stacked and Tree Borrows. So [`data_offset`] never makes one: with feature
//! `nightly` it asks `align_of_val_raw`; on stable it reads the offset marker
//! above — memory of the block's header and padding, never of the value.
//!
//! Freeing needs the value's layout. Every path that knows it passes it to
//! [`deallocate_with`]: the partial-slice guard (`Layout::array`), the
//! `new_cyclic` panic paths (`Layout::new::<T>()`), `try_unwrap`/`make_mut`
//! (sized `T`), and the last strong reference, which computes the layout
//! **before** dropping the value and frees with it when no `Weak` is left.
//! Only a `Weak` that outlives the value has to compute it afterwards
//! ([`deallocate`]): with feature `nightly` from the raw pointer
//! (`size_of_val_raw`/`align_of_val_raw`); on stable from a `&T` to the
//! dropped value, which is never read through and aliases nothing (the strong
//! count is 0, so no `Rc`/`Arc` and no borrow of the value exists, and no
//! `Drop` of it is running: the weak count cannot reach 0 during it, because
//! the strong references' shared weak reference is released only afterwards).
//! That `&T` is accepted by Stacked and Tree Borrows; Miri's
//! `-Zmiri-recursive-validation` rejects it only for a `T` whose dropped state
//! is not a valid `T` (one holding a `Box`). An uninitialised value never
//! reaches that path: `new_cyclic`'s panic path frees with the known layout,
//! and on stable leaks the block instead if the closure kept a clone of its
//! `Weak` (freeing later would need the layout of an uninitialised `T`).
use alloc::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::Cell;
use core::mem::{self, ManuallyDrop};
use core::ptr::{self, NonNull};

use crate::loom::Ordering::Relaxed;
use crate::loom::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, AtomicUsize};

/// The heap block: two counts, then the value.
#[repr(C)]
pub(crate) struct Inner<K, T: ?Sized> {
    /// Strong references.
    pub(crate) strong: K,
    /// Weak references, plus one held by all strong references together.
    pub(crate) weak: K,
    /// The value.
    pub(crate) value: T,
}

/// The layout of `Inner<K, T>` for a value of layout `value`.
///
/// # Panics
/// If the total size overflows `isize::MAX` (std's message for a capacity
/// overflow is not needed: the value already exists or its layout was valid).
#[inline]
pub(crate) fn inner_layout<K>(value: Layout) -> Layout {
    let (layout, _offset) = Layout::new::<[K; 2]>()
        .extend(value)
        .expect("Rc/Arc allocation size overflows isize::MAX");
    layout.pad_to_align()
}

/// The offset of `value` within `Inner<K, T>` for a value of alignment `align`.
#[inline]
pub(crate) fn data_offset_align<K>(align: usize) -> usize {
    let header = mem::size_of::<[K; 2]>();
    // `align` is a power of two (it comes from a Layout or align_of_val).
    (header + align - 1) & !(align - 1)
}

/// A count cell (`Cell` of the integer for `Rc`, the atomic for `Arc`) that
/// can also hold the small numbers of the offset marker (module docs).
/// (`pub` in a private module: a bound of the sealed `CountOps`.)
pub trait CountCell: Sized {
    /// A cell holding `v`.
    fn small(v: u8) -> Self;
    /// Whether the cell holds 0 (a Relaxed load for atomics: the marker was
    /// written before the block was shared, and a `weak` count read here is
    /// only compared with 0, which it cannot be while the caller's reference
    /// lives).
    fn is_zero(&self) -> bool;
    /// The value, truncated to `u32` (only marker values, at most 63, are read).
    fn get_small(&self) -> u32;
}

/// The integers of the counts, for `CountCell for Cell<_>`.
pub trait CountInt: Copy {
    /// `v` as this integer.
    fn from_u8(v: u8) -> Self;
    /// Whether it is 0.
    fn is_zero(self) -> bool;
    /// Truncated to `u32`.
    fn low_u32(self) -> u32;
}

impl<I: CountInt> CountCell for Cell<I> {
    #[inline]
    fn small(v: u8) -> Self {
        Cell::new(I::from_u8(v))
    }
    #[inline]
    fn is_zero(&self) -> bool {
        self.get().is_zero()
    }
    #[inline]
    fn get_small(&self) -> u32 {
        self.get().low_u32()
    }
}

macro_rules! count_cell {
    ($($int:ty => $atomic:ty),* $(,)?) => {$(
        impl CountInt for $int {
            #[inline]
            fn from_u8(v: u8) -> Self {
                <$int>::from(v)
            }
            #[inline]
            fn is_zero(self) -> bool {
                self == 0
            }
            #[inline]
            #[allow(clippy::cast_possible_truncation)]
            fn low_u32(self) -> u32 {
                self as u32
            }
        }
        impl CountCell for $atomic {
            #[inline]
            fn small(v: u8) -> Self {
                <$atomic>::new(<$int>::from(v))
            }
            #[inline]
            fn is_zero(&self) -> bool {
                self.load(Relaxed) == 0
            }
            #[inline]
            #[allow(clippy::cast_possible_truncation)]
            fn get_small(&self) -> u32 {
                self.load(Relaxed) as u32
            }
        }
    )*};
}
count_cell!(u8 => AtomicU8, u16 => AtomicU16, u32 => AtomicU32, u64 => AtomicU64, usize => AtomicUsize);

/// The offset of the value behind `ptr` within its `Inner<K, T>`, without
/// making a reference to the value (module docs, "Never a reference").
///
/// # Safety
/// `ptr` points to the `value` field of a live `Inner<K, T>` allocation made
/// here, with the provenance of the whole block (as `into_raw` returns it),
/// and the caller owns a strong or weak reference to it (so `weak >= 1`). The
/// value may be dropped, being dropped, or uninitialised.
#[inline]
pub(crate) unsafe fn data_offset<K: CountCell, T: ?Sized>(ptr: *const T) -> usize {
    #[cfg(feature = "nightly")]
    {
        // SAFETY: the metadata of `ptr` is that of a value in a live block (the
        // caller); `align_of_val_raw` reads only the metadata.
        data_offset_align::<K>(unsafe { mem::align_of_val_raw(ptr) })
    }
    #[cfg(not(feature = "nightly"))]
    {
        let hs = mem::size_of::<K>();
        let value = ptr.cast::<u8>();
        // SAFETY: the `hs` bytes before the value are, in a live block, either
        // the `weak` count or the marker's zero slot, both an initialized `K`
        // aligned for `K` (module docs, "The offset marker"); the block's
        // provenance covers them. Only a shared reference to that `K` is made
        // (interior-mutable: it asserts nothing about other accesses).
        let last = unsafe { &*value.sub(hs).cast::<K>() };
        if !last.is_zero() {
            // The weak count: no padding, the value follows the header.
            return 2 * hs;
        }
        // SAFETY: a zero there is the marker, so the block is padded and the
        // slot before it holds `log2(align)` (module docs).
        let shift = unsafe { &*value.sub(2 * hs).cast::<K>() }.get_small();
        data_offset_align::<K>(1 << shift)
    }
}

/// The header pointer of the allocation whose `value` field is at `ptr`.
///
/// # Safety
/// As [`data_offset`].
#[inline]
pub(crate) unsafe fn inner_from_value_ptr<K: CountCell, T: ?Sized>(
    ptr: *const T,
) -> *mut Inner<K, T> {
    // SAFETY: forwarded to the caller.
    let offset = unsafe { data_offset::<K, T>(ptr) };
    // SAFETY: the value lies `offset` bytes after the start of the same
    // allocation (repr(C) layout, module docs), so stepping back stays in bounds.
    // The cast keeps the metadata, which is the value's.
    unsafe { ptr.byte_sub(offset) as *mut Inner<K, T> }
}

/// The layout of the value behind `value`, from the pointer where the
/// language allows it (module docs, "Never a reference").
///
/// # Safety
/// `value` is the value field of a live block made here. Without feature
/// `nightly`, the value must also be initialized or dropped (never
/// uninitialised), no `&mut` to it may be live, and a `&T` to it must not be
/// invalid for the aliasing model (true once the strong count is 0).
#[inline]
pub(crate) unsafe fn value_layout_raw<T: ?Sized>(value: *const T) -> Layout {
    #[cfg(feature = "nightly")]
    {
        // SAFETY: the metadata is a live value's (caller); these read only it.
        // They describe a value that was allocated, so they form a valid layout.
        unsafe {
            Layout::from_size_align_unchecked(
                mem::size_of_val_raw(value),
                mem::align_of_val_raw(value),
            )
        }
    }
    #[cfg(not(feature = "nightly"))]
    {
        // SAFETY: the caller's contract: the reference is aligned,
        // dereferenceable, aliases no live `&mut`, and `for_value` reads only
        // the metadata.
        unsafe { Layout::for_value(&*value) }
    }
}

/// Frees the block, whose value has layout `value_layout`, without touching
/// the counts or the value.
///
/// # Safety
/// `inner` was allocated here for a value of layout `value_layout` and is not
/// used again; the value was dropped, moved out or never written.
#[inline]
pub(crate) unsafe fn deallocate_with<K, T: ?Sized>(inner: *mut Inner<K, T>, value_layout: Layout) {
    let layout = inner_layout::<K>(value_layout);
    // SAFETY: the block was allocated by the global allocator with this layout
    // (invariant 1); nothing else refers to it any more (caller).
    unsafe { dealloc(inner.cast::<u8>(), layout) }
}

/// Frees the block of a dropped value, computing its layout with
/// [`value_layout_raw`].
///
/// # Safety
/// As [`deallocate_with`] and [`value_layout_raw`]: the value was dropped or
/// moved out (never left uninitialised).
#[inline]
pub(crate) unsafe fn deallocate<K, T: ?Sized>(inner: *mut Inner<K, T>) {
    // SAFETY: the block is live; the projection makes no reference; the
    // layout query is forwarded to the caller's contract.
    let value_layout = unsafe { value_layout_raw(ptr::addr_of!((*inner).value)) };
    // SAFETY: forwarded to the caller.
    unsafe { deallocate_with(inner, value_layout) }
}

/// Writes the offset marker (module docs) into the padding between the
/// header and a value of layout `value_layout`, if there is padding, and
/// returns the value's offset. Every allocation path calls it, so
/// `data_offset` finds the value of every block.
///
/// # Safety
/// `mem` is a fresh block of layout `inner_layout::<K>(value_layout)`.
pub(crate) unsafe fn write_offset_marker<K: CountCell>(
    mem: *mut u8,
    value_layout: Layout,
) -> usize {
    let hs = mem::size_of::<K>();
    let offset = data_offset_align::<K>(value_layout.align());
    if offset != 2 * hs {
        // With the real counts the padding always holds both slots; only a
        // model checker's larger atomics could make it too small.
        assert!(
            offset - 2 * hs >= 2 * hs && offset % mem::align_of::<K>() == 0,
            "Rc/Arc: the padding cannot hold the offset marker"
        );
        // `align` is a power of two, so its log2 fits in a `u8`.
        #[allow(clippy::cast_possible_truncation)]
        let shift = value_layout.align().trailing_zeros() as u8;
        // The padding before the marker is zeroed: `Rc`'s wide strong-count
        // update reads it (`CountOps::RC_WIDE`).
        // SAFETY: the zeroed bytes and both slots lie in the padding between
        // the header and the value (checked above), inside the fresh block
        // (caller); the slots are aligned for `K` (`offset` and `hs` are
        // multiples of `align_of::<K>()`).
        unsafe {
            mem.add(2 * hs).write_bytes(0, offset - 4 * hs);
            mem.add(offset - hs).cast::<K>().write(K::small(0));
            mem.add(offset - 2 * hs).cast::<K>().write(K::small(shift));
        }
    }
    offset
}

/// Allocates a block for a value of layout `value_layout` and writes the two
/// counts; `mem_to_inner` turns the raw memory into a (possibly fat) pointer
/// with the value's metadata. The value is left uninitialized.
///
/// # Safety
/// `mem_to_inner` returns a pointer to the same address whose metadata
/// describes a value of layout `value_layout`.
pub(crate) unsafe fn allocate_for_layout<K: CountCell, T: ?Sized>(
    value_layout: Layout,
    strong: K,
    weak: K,
    mem_to_inner: impl FnOnce(*mut u8) -> *mut Inner<K, T>,
) -> NonNull<Inner<K, T>> {
    let layout = inner_layout::<K>(value_layout);
    // SAFETY: the layout is never zero-sized: it contains two `K` (a count is
    // at least one byte).
    let mem = unsafe { alloc(layout) };
    if mem.is_null() {
        handle_alloc_error(layout);
    }
    // SAFETY: `mem` is a fresh block of `inner_layout::<K>(value_layout)`.
    let offset = unsafe { write_offset_marker::<K>(mem, value_layout) };
    let inner = mem_to_inner(mem);
    // SAFETY: the block is fresh, aligned for `Inner<K, T>` and large enough;
    // the header fields are at the offsets of the repr(C) struct; then the
    // header is complete for `store_wide_header`.
    unsafe {
        ptr::addr_of_mut!((*inner).strong).write(strong);
        ptr::addr_of_mut!((*inner).weak).write(weak);
        store_wide_header::<K>(mem, offset);
        NonNull::new_unchecked(inner)
    }
}

/// Allocates a block for a sized value and moves it in.
pub(crate) fn allocate_value<K: CountCell, T>(
    strong: K,
    weak: K,
    value: T,
) -> NonNull<Inner<K, T>> {
    // SAFETY: a thin cast of the memory is an `Inner<K, T>` of `Layout::new::<T>()`.
    let inner =
        unsafe { allocate_for_layout::<K, T>(Layout::new::<T>(), strong, weak, |m| m.cast()) };
    // SAFETY: freshly allocated, the value field is in bounds and aligned.
    unsafe { ptr::addr_of_mut!((*inner.as_ptr()).value).write(value) };
    inner
}

/// Allocates a block for a sized value that is not yet written (the
/// `new_cyclic` path).
pub(crate) fn allocate_uninit<K: CountCell, T>(strong: K, weak: K) -> NonNull<Inner<K, T>> {
    // SAFETY: as in `allocate_value`.
    unsafe { allocate_for_layout::<K, T>(Layout::new::<T>(), strong, weak, |m| m.cast()) }
}

/// Allocates a block for `[T; len]` with the value uninitialized.
pub(crate) fn allocate_for_slice<K: CountCell, T>(
    len: usize,
    strong: K,
    weak: K,
) -> NonNull<Inner<K, [T]>> {
    let value = Layout::array::<T>(len).expect("Rc/Arc slice size overflows isize::MAX");
    // SAFETY: the fat pointer built from `m` has the same address and length
    // `len`, matching the layout.
    unsafe {
        allocate_for_layout::<K, [T]>(value, strong, weak, |m| {
            ptr::slice_from_raw_parts_mut(m.cast::<T>(), len) as *mut Inner<K, [T]>
        })
    }
}

/// A pointer to the first element of the slice in `inner`.
#[inline]
fn slice_elems<K, T>(inner: NonNull<Inner<K, [T]>>) -> *mut T {
    // SAFETY: `inner` is a live block made by `allocate_for_slice`; projecting
    // to the value field stays in bounds.
    unsafe { ptr::addr_of_mut!((*inner.as_ptr()).value).cast::<T>() }
}

/// Frees a slice block whose first `written` elements were written, dropping
/// them, if the filling code panics.
struct PartialSliceGuard<K: CountCell, T> {
    inner: NonNull<Inner<K, [T]>>,
    written: usize,
}

impl<K: CountCell, T> Drop for PartialSliceGuard<K, T> {
    fn drop(&mut self) {
        let elems = slice_elems(self.inner);
        // SAFETY: exactly the first `written` elements were initialized and are
        // dropped once here; the counts were written by `allocate_for_layout`
        // and are dropped with the header (they may own nothing, but run their
        // drop for form); the block is then freed with the layout it was
        // allocated with (`Layout::array` of the full length, which
        // `allocate_for_slice` checked), never one computed from the
        // partly uninitialised slice.
        unsafe {
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(elems, self.written));
            let inner = self.inner.as_ptr();
            ptr::drop_in_place(ptr::addr_of_mut!((*inner).strong));
            ptr::drop_in_place(ptr::addr_of_mut!((*inner).weak));
            let len = ptr::addr_of!((*inner).value).len();
            deallocate_with(inner, Layout::array::<T>(len).unwrap_unchecked());
        }
    }
}

/// A block holding the elements of an iterator that yields exactly `len` of
/// them (the `TrustedLen`-like path: `Vec`, slices). If the iterator or a
/// `Clone` panics, the written prefix is dropped and the block freed.
///
/// # Panics
/// If the iterator yields fewer than `len` elements (it is a bug of the
/// caller); extra elements are not taken.
pub(crate) fn from_iter_exact<K: CountCell, T>(
    iter: impl Iterator<Item = T>,
    len: usize,
    strong: K,
    weak: K,
) -> NonNull<Inner<K, [T]>> {
    let inner = allocate_for_slice::<K, T>(len, strong, weak);
    let elems = slice_elems(inner);
    let mut guard = PartialSliceGuard { inner, written: 0 };
    let mut iter = iter;
    while guard.written < len {
        let item = iter
            .next()
            .expect("iterator yielded fewer elements than its length");
        // SAFETY: `written < len`, so the slot is in the allocation and not yet
        // initialized.
        unsafe { elems.add(guard.written).write(item) };
        guard.written += 1;
    }
    mem::forget(guard);
    inner
}

/// A block holding a bitwise copy of `src`.
pub(crate) fn from_slice_copy<K: CountCell, T: Copy>(
    src: &[T],
    strong: K,
    weak: K,
) -> NonNull<Inner<K, [T]>> {
    let inner = allocate_for_slice::<K, T>(src.len(), strong, weak);
    // SAFETY: the destination has room for `src.len()` elements and is a fresh
    // allocation, so the ranges do not overlap; `T: Copy`.
    unsafe { ptr::copy_nonoverlapping(src.as_ptr(), slice_elems(inner), src.len()) };
    inner
}

/// A block holding the elements of `v`, moved (the vector's buffer is freed,
/// its elements are not dropped).
pub(crate) fn from_vec<K: CountCell, T>(v: Vec<T>, strong: K, weak: K) -> NonNull<Inner<K, [T]>> {
    let mut v = ManuallyDrop::new(v);
    let len = v.len();
    let inner = allocate_for_slice::<K, T>(len, strong, weak);
    // SAFETY: `len` initialized elements are moved bitwise into fresh memory;
    // then the vector is emptied (set_len(0)) so dropping it frees only the
    // buffer and the elements now live solely in the block.
    unsafe {
        ptr::copy_nonoverlapping(v.as_ptr(), slice_elems(inner), len);
        v.set_len(0);
        ManuallyDrop::drop(&mut v);
    }
    inner
}

/// A block holding the value of `b`, moved bitwise (works for any `T:
/// ?Sized`, including `dyn Trait`); the box's memory is freed without
/// dropping the value.
pub(crate) fn from_box<K: CountCell, T: ?Sized>(
    b: Box<T>,
    strong: K,
    weak: K,
) -> NonNull<Inner<K, T>> {
    let value_layout = Layout::for_value::<T>(&b);
    let src = Box::into_raw(b);
    // SAFETY: the pointer built from `m` carries the metadata of `src`, so it
    // describes a value of `value_layout` (see `with_addr_of`).
    let inner = unsafe {
        allocate_for_layout::<K, T>(value_layout, strong, weak, |m| {
            with_addr_of(src as *mut Inner<K, T>, m)
        })
    };
    // SAFETY: `src` is a live boxed value of `value_layout.size()` bytes; the
    // destination is the value field of the fresh block, same size. Then the
    // box's memory (if any) is freed without running the value's destructor:
    // the value now lives in the block.
    unsafe {
        let dst = ptr::addr_of_mut!((*inner.as_ptr()).value).cast::<u8>();
        ptr::copy_nonoverlapping(src.cast::<u8>(), dst, value_layout.size());
        if value_layout.size() != 0 {
            dealloc(src.cast::<u8>(), value_layout);
        }
    }
    inner
}

/// `ptr` with its address (and provenance) replaced by `addr`, keeping its
/// metadata. `<*mut T>::with_metadata_of` is unstable and `with_addr` keeps
/// the old provenance, so this overwrites the data-pointer half of the
/// (possibly fat) pointer in place, as std's `set_data_ptr` did before
/// `with_metadata_of` existed. The assertion checks the assumption it rests on
/// (the address is the first word of a fat pointer).
fn with_addr_of<U: ?Sized>(mut ptr: *mut U, addr: *mut u8) -> *mut U {
    // SAFETY: every raw pointer, thin or fat, begins with its address, a
    // `*mut u8`-sized and -aligned word: writing `addr` there replaces the
    // address and provenance and keeps the metadata (checked below).
    unsafe { ptr::addr_of_mut!(ptr).cast::<*mut u8>().write(addr) };
    assert!(ptr::eq(ptr.cast::<u8>(), addr));
    ptr
}

/// Whether `Rc`'s strong count of a `u8`/`u16` count may be changed with a
/// 32-bit read-modify-write of the block's first four bytes (`count`'s module docs,
/// "Cost"): on x86 and x86-64, little-endian (the strong count is the low
/// bits) with unaligned accesses as cheap as aligned ones.
pub(crate) const WIDE_RMW: bool = cfg!(any(target_arch = "x86_64", target_arch = "x86"));

/// Stores the first four bytes of a fresh block again, as **one** 32-bit
/// store, where `Rc`'s wide strong-count updates may read them: counts of at
/// most 2 bytes and a value at offset 4 or more (`CountOps::RC_WIDE`).
/// The allocation paths write the counts and the offset marker one narrow
/// store each; a 32-bit load of bytes that several narrow stores wrote
/// cannot be forwarded from the store buffer and waits for them to retire,
/// which cost ~2.5 ns per `Rc<u64, u8>` new+drop (1.00× → 1.2× std's) until
/// this single store, which a later wide load forwards from, was added. The
/// bytes are those already there: the two counts (read back narrow, which
/// forwards), then for 1-byte counts `log2(4) = 2` and `0` (the marker of a
/// value at offset 4) or zeroed padding. `Arc` blocks get it too (harmless:
/// the block is not shared yet).
///
/// # Safety
/// `mem` is a fresh, unshared block whose header is two `K`s, already
/// written, with the value at `value_offset` and the marker written by
/// `rc_box::write_offset_marker`.
#[inline]
pub(crate) unsafe fn store_wide_header<K: CountCell>(mem: *mut u8, value_offset: usize) {
    let hs = core::mem::size_of::<K>();
    if !WIDE_RMW || hs > 2 || value_offset < 4 {
        return;
    }
    // SAFETY: both counts are written (caller); they are at 0 and `hs`.
    let (strong, weak) = unsafe { (&*mem.cast::<K>(), &*mem.add(hs).cast::<K>()) };
    let mut head = strong.get_small() | weak.get_small() << (8 * hs);
    if hs == 1 && value_offset == 4 {
        head |= 2 << 16; // the marker: log2(align) = 2, then 0
    }
    // SAFETY: the four bytes are in the block (`value_offset >= 4`) and
    // initialised (counts, marker or zeroed padding); nothing else uses the
    // fresh block.
    unsafe {
        debug_assert_eq!(mem.cast::<u32>().read_unaligned(), head, "same bytes");
        mem.cast::<u32>().write_unaligned(head);
    }
}
