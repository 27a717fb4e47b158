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
//!   [`inner_layout`]`(Layout::for_value(value))` — never zero-sized, because
//!   the header is not.
//! - `strong` and `weak` are initialized with the values the caller passed; the
//!   value is fully initialized.
//! - On a panic while writing the value (a `Clone` or an iterator), the guard
//!   [`PartialSliceGuard`] drops the elements already written and frees the
//!   block: nothing leaks and nothing is dropped twice.
//!
//! # Unsized values and raw pointers
//! `from_raw` gets a pointer to the value and must find the header. Stable
//! Rust has no `align_of_val_raw`, so [`data_offset`] calls `align_of_val` on a
//! reference to the value. For a slice, `str` or `dyn Trait` this reads only
//! the pointer's metadata (length or vtable). The caller must guarantee that
//! the allocation is live (a strong or weak reference keeps it); the value
//! itself may already be dropped for `Weak::from_raw` — the reference is never
//! read through, which is what std did before `align_of_val_raw` existed.
//! The same holds for [`value_layout_of`], used to free the block.
use alloc::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::mem::{self, ManuallyDrop};
use core::ptr::{self, NonNull};

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

/// The offset of the value behind `ptr` within its `Inner<K, T>`.
///
/// # Safety
/// `ptr` points to the `value` field of a live `Inner<K, T>` allocation (the
/// value may have been dropped; only the metadata is read, see module docs).
#[inline]
pub(crate) unsafe fn data_offset<K, T: ?Sized>(ptr: *const T) -> usize {
    // SAFETY: the caller guarantees `ptr` is non-null, aligned and inside a
    // live allocation of at least `size_of_val` bytes; `align_of_val` reads
    // only the metadata (a `Sized` alignment, a slice's element type, a vtable).
    let align = unsafe { mem::align_of_val(&*ptr) };
    data_offset_align::<K>(align)
}

/// The header pointer of the allocation whose `value` field is at `ptr`.
///
/// # Safety
/// As [`data_offset`].
#[inline]
pub(crate) unsafe fn inner_from_value_ptr<K, T: ?Sized>(ptr: *const T) -> *mut Inner<K, T> {
    // SAFETY: forwarded to the caller.
    let offset = unsafe { data_offset::<K, T>(ptr) };
    // SAFETY: the value lies `offset` bytes after the start of the same
    // allocation (repr(C) layout, module docs), so stepping back stays in bounds.
    // The cast keeps the metadata, which is the value's.
    unsafe { ptr.byte_sub(offset) as *mut Inner<K, T> }
}

/// The layout of the value in the allocation `inner`.
///
/// # Safety
/// `inner` is a live allocation made here (the value may have been dropped;
/// only the metadata is read, see module docs).
#[inline]
pub(crate) unsafe fn value_layout_of<K, T: ?Sized>(inner: *const Inner<K, T>) -> Layout {
    // SAFETY: `inner` is live, so projecting to its field is in bounds and the
    // reference is aligned and dereferenceable; `for_value` reads only metadata.
    unsafe { Layout::for_value(&*ptr::addr_of!((*inner).value)) }
}

/// Frees the block without touching the counts or the value.
///
/// # Safety
/// `inner` was allocated here and is not used again; the value was dropped or
/// moved out.
#[inline]
pub(crate) unsafe fn deallocate<K, T: ?Sized>(inner: *mut Inner<K, T>) {
    // SAFETY: forwarded to the caller.
    let layout = inner_layout::<K>(unsafe { value_layout_of(inner) });
    // SAFETY: the block was allocated by the global allocator with this layout
    // (invariant 1); nothing else refers to it any more (caller).
    unsafe { dealloc(inner.cast::<u8>(), layout) }
}

/// Allocates a block for a value of layout `value_layout` and writes the two
/// counts; `mem_to_inner` turns the raw memory into a (possibly fat) pointer
/// with the value's metadata. The value is left uninitialized.
///
/// # Safety
/// `mem_to_inner` returns a pointer to the same address whose metadata
/// describes a value of layout `value_layout`.
pub(crate) unsafe fn allocate_for_layout<K, T: ?Sized>(
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
    let inner = mem_to_inner(mem);
    // SAFETY: the block is fresh, aligned for `Inner<K, T>` and large enough;
    // the header fields are at the offsets of the repr(C) struct.
    unsafe {
        ptr::addr_of_mut!((*inner).strong).write(strong);
        ptr::addr_of_mut!((*inner).weak).write(weak);
        NonNull::new_unchecked(inner)
    }
}

/// Allocates a block for a sized value and moves it in.
pub(crate) fn allocate_value<K, T>(strong: K, weak: K, value: T) -> NonNull<Inner<K, T>> {
    // SAFETY: a thin cast of the memory is an `Inner<K, T>` of `Layout::new::<T>()`.
    let inner =
        unsafe { allocate_for_layout::<K, T>(Layout::new::<T>(), strong, weak, |m| m.cast()) };
    // SAFETY: freshly allocated, the value field is in bounds and aligned.
    unsafe { ptr::addr_of_mut!((*inner.as_ptr()).value).write(value) };
    inner
}

/// Allocates a block for a sized value that is not yet written (the
/// `new_cyclic` path).
pub(crate) fn allocate_uninit<K, T>(strong: K, weak: K) -> NonNull<Inner<K, T>> {
    // SAFETY: as in `allocate_value`.
    unsafe { allocate_for_layout::<K, T>(Layout::new::<T>(), strong, weak, |m| m.cast()) }
}

/// Allocates a block for `[T; len]` with the value uninitialized.
pub(crate) fn allocate_for_slice<K, T>(len: usize, strong: K, weak: K) -> NonNull<Inner<K, [T]>> {
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
struct PartialSliceGuard<K, T> {
    inner: NonNull<Inner<K, [T]>>,
    written: usize,
}

impl<K, T> Drop for PartialSliceGuard<K, T> {
    fn drop(&mut self) {
        let elems = slice_elems(self.inner);
        // SAFETY: exactly the first `written` elements were initialized and are
        // dropped once here; the counts were written by `allocate_for_layout`
        // and are dropped with the header (they may own nothing, but run their
        // drop for form); the block is then freed with the layout it was
        // allocated with (its metadata is still the full length).
        unsafe {
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(elems, self.written));
            let inner = self.inner.as_ptr();
            ptr::drop_in_place(ptr::addr_of_mut!((*inner).strong));
            ptr::drop_in_place(ptr::addr_of_mut!((*inner).weak));
            deallocate(inner);
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
pub(crate) fn from_iter_exact<K, T>(
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
pub(crate) fn from_slice_copy<K, T: Copy>(src: &[T], strong: K, weak: K) -> NonNull<Inner<K, [T]>> {
    let inner = allocate_for_slice::<K, T>(src.len(), strong, weak);
    // SAFETY: the destination has room for `src.len()` elements and is a fresh
    // allocation, so the ranges do not overlap; `T: Copy`.
    unsafe { ptr::copy_nonoverlapping(src.as_ptr(), slice_elems(inner), src.len()) };
    inner
}

/// A block holding the elements of `v`, moved (the vector's buffer is freed,
/// its elements are not dropped).
pub(crate) fn from_vec<K, T>(v: Vec<T>, strong: K, weak: K) -> NonNull<Inner<K, [T]>> {
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
pub(crate) fn from_box<K, T: ?Sized>(b: Box<T>, strong: K, weak: K) -> NonNull<Inner<K, T>> {
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
