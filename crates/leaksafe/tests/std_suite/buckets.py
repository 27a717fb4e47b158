"""What port.py does with each item of std's test files (see port.py)."""

VERSION = "Rust 1.95.0 (59807616e 2026-04-14), rust-src component"

# Unstable std items a test file imports: on nightly with `--features nightly`
# the test crate enables their feature gates (std_suite.rs), on stable the
# import and every test using it are gated off.
N = '#[cfg(feature = "nightly")]\n'

UNS = "`Rc<dyn Trait>`/`Rc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"
UNSA = UNS.replace("Rc", "Arc")

INPLACE = (
    "UNFIXABLE on stable: std specializes `collect()` from `vec::IntoIter` (and in-place"
    " adapters over it) to reuse the source allocation; leaksafe's `FromIterator` cannot"
    " specialize, so it collects the same values into a new allocation"
)
EQ = (
    "UNFIXABLE on stable: std's `==`/`!=` on `%s<T: Eq>` compare pointers first"
    " (specialization on `Eq`), so `x == x` never calls `T::eq`; leaksafe always calls it"
)

INPLACE_TRAIT = (
    "asserts `vec::IntoIter: InPlaceIterable`, a std-internal unstable trait behind std's"
    " in-place `collect()` specialization (see the ignored `test_from_iter_specialization`)"
)
# A full path naming std's `vec::IntoIter` in a test body is an import in all but name.
INTO_ITER_PATH = ("std::vec::IntoIter<", "leaksafe::vec::IntoIter<")

PORTS = {
    "vec": {
        "source": "alloctests/tests/vec.rs",
        "version": VERSION,
        "imports": [
            ("use core::alloc::{Allocator, Layout};", N + "use core::alloc::Allocator;\nuse core::alloc::Layout;"),
            ("use std::collections::TryReserveErrorKind::*;", N + "use std::collections::TryReserveErrorKind::*;"),
            ("use std::iter::InPlaceIterable;", N + "use std::iter::InPlaceIterable;"),
            ("use std::vec::{Drain, IntoIter, PeekMut};", "use leaksafe::vec::{Drain, IntoIter};"),
            ("use std::{assert_matches, hint};", N + "use std::assert_matches;\nuse std::hint;\nuse leaksafe::vec;\nuse leaksafe::vec::Vec;"),
            ("use crate::testing::macros::struct_with_counted_drop;", "use crate::testing_macros::struct_with_counted_drop;"),
        ],
        "buckets": {
            "from_into_inner": ("ignored", INPLACE),
            "test_from_iter_specialization": ("ignored", INPLACE),
            "test_from_iter_partially_drained_in_place_specialization": ("ignored", INPLACE),
            "test_from_iter_specialization_head_tail_drop": ("ignored", INPLACE),
            "extract_if_debug": ("pending_run", "`ExtractIf`'s `Debug` does not show std's `peek: Some(next)` field"),
            "const_heap": ("excluded", "`Vec::const_make_global` is unstable (`const_heap`)"),
            "test_try_remove": ("excluded", "`Vec::try_remove` is unstable (`vec_try_remove`)"),
            "test_try_with_capacity": ("excluded", "`Vec::try_with_capacity` is unstable (`try_with_capacity`)"),
            "test_into_iter_advance_by": ("nightly", "`Iterator::advance_by` is unstable"),
            "test_into_iter_next_chunk": ("nightly", "`Iterator::next_chunk` is unstable"),
            "test_into_iter_zst": ("nightly", "`Iterator::advance_by`/`next_chunk` are unstable"),
            "test_vec_dedup": ("nightly", "`<[T]>::partition_dedup` is unstable"),
            "test_from_cow": ("excluded", "UNFIXABLE: `Cow<[T]>`'s owned type is std's `Vec` (`<[T] as ToOwned>::Owned`), so `Cow::Owned(leaksafe_vec)` cannot type-check"),
            "test_into_flattened_size_overflow": ("pending", "needs `Vec::into_flattened`"),
            "test_pop_if": ("pending", "needs `Vec::pop_if`"),
            "test_pop_if_empty": ("pending", "needs `Vec::pop_if`"),
            "test_pop_if_mutates": ("pending", "needs `Vec::pop_if`"),
            "test_vec_from_array_mut_ref": ("pending", "needs `From<&mut [T; N]> for Vec<T>`"),
            "test_vec_cycle": ("pending_nightly", "`#[may_dangle]` on `Vec`'s `Drop` (E0597 without it)"),
            "test_vec_cycle_wrapped": ("pending_nightly", "`#[may_dangle]` on `Vec`'s `Drop` (E0597 without it)"),
            "test_box_zero_allocator": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "test_into_iter_drop_allocator": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "test_peek_mut": ("excluded", "`Vec::peek_mut` is unstable (`vec_peek_mut`)"),
            "test_try_reserve": ("nightly", "uses `assert_matches!` and `TryReserveErrorKind`, unstable in std"),
            "test_try_reserve_exact": ("nightly", "uses `assert_matches!` and `TryReserveErrorKind`, unstable in std"),
            "test_from_iter_specialization_with_iterator_adapters": ("excluded", INPLACE_TRAIT),
            "test_in_place_specialization_step_up_down": ("excluded", INPLACE_TRAIT),
        },
    },
    "rc": {
        "source": "alloctests/tests/rc.rs",
        "version": VERSION,
        "imports": [
            ("use std::iter::TrustedLen;", N + "use std::iter::TrustedLen;"),
            ("use std::rc::{Rc, UniqueRc, Weak};", "use leaksafe::rc::{Rc, Weak};\nuse leaksafe::vec;\nuse leaksafe::vec::Vec;"),
        ],
        "edits": [INTO_ITER_PATH],
        "buckets": {
            "eq": ("ignored", EQ % "Rc"),
            "uninhabited": ("pending_nightly", "`Weak<dyn Any>` unsized coercion: `CoerceUnsized` (nightly)"),
            "slice": ("pending_nightly", "`Rc<dyn Trait>`/`Rc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "trait_object": ("pending_nightly", "`Rc<dyn Trait>`/`Rc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "weak_may_dangle": ("pending_nightly", "`#[may_dangle]` on `Weak`'s `Drop` (E0597 without it)"),
            "into_from_raw": ("pending", "`Rc::from_raw` cannot infer the count type (E0283)"),
            "into_from_weak_raw": ("pending", "`Weak::from_raw` cannot infer the count type (E0283)"),
            "test_from_owned": ("pending", "`Rc::from(T)` cannot infer the count type (E0283)"),
            "test_into_from_raw_unsized": ("pending_nightly", "`Rc<dyn Trait>`/`Rc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "test_into_from_weak_raw_unsized": ("pending_nightly", "`Rc<dyn Trait>`/`Rc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "test_unsized": ("pending_nightly", "`Rc<dyn Trait>`/`Rc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "test_maybe_thin_unsized": ("pending_nightly", "`Rc<dyn Trait>`/`Rc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "test_from_vec": ("pending", "needs `From<leaksafe::vec::Vec<T>> for Rc<[T]>`"),
            "test_array_from_slice": ("pending_nightly", "`Rc<dyn Trait>`/`Rc<[T]>` unsized coercion: `CoerceUnsized` (nightly)" + " and `TryFrom<Rc<[T]>> for Rc<[T; N]>`"),
            "test_downcast": ("pending_nightly", UNS + " and `Rc::<dyn Any>::downcast`"),
            "test_from_box_str": ("nightly", "`str::as_str` is unstable (`str_as_str`)"),
            "panic_no_leak": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "pin_coerce_unsized": ("excluded", "`UniqueRc` is unstable (`unique_rc_arc`)"),
            "assert_trusted_len": ("nightly", "`TrustedLen` is unstable"),
            "shared_from_iter_trustedlen_normal": ("nightly", "`TrustedLen` is unstable"),
            "shared_from_iter_trustedlen_panic": ("nightly", "`TrustedLen` is unstable"),
            "shared_from_iter_trustedlen_no_fuse": ("nightly", "`TrustedLen` is unstable"),
            "test_unique_rc_weak": ("excluded", "`UniqueRc` is unstable (`unique_rc_arc`)"),
            "test_unique_rc_drop_weak": ("excluded", "`UniqueRc` is unstable (`unique_rc_arc`)"),
            "test_unique_rc_drops_contents": ("excluded", "`UniqueRc` is unstable (`unique_rc_arc`)"),
            "test_unique_rc_with_alloc_drops_contents": ("excluded", "`UniqueRc` is unstable (`unique_rc_arc`)"),
            "test_unique_rc_weak_clone_holding_ref": ("excluded", "`UniqueRc` is unstable (`unique_rc_arc`)"),
            "test_unique_rc_unsizing_coercion": ("excluded", "`UniqueRc` is unstable (`unique_rc_arc`)"),
        },
    },
    "arc": {
        "source": "alloctests/tests/arc.rs",
        "version": VERSION,
        "imports": [
            ("use std::iter::TrustedLen;", N + "use std::iter::TrustedLen;"),
            ("use std::sync::{Arc, UniqueArc, Weak};", "use leaksafe::sync::{Arc, Weak};\nuse leaksafe::vec;\nuse leaksafe::vec::Vec;"),
        ],
        "edits": [
            # std's alias names the allocator parameter, leaksafe's second parameter is the count.
            ("type Rc<T, A = std::alloc::Global> = Arc<T, A>;", "type Rc<T> = Arc<T>;"),
            ("    use alloc::sync::Arc;\n", "    use leaksafe::sync::Arc;\n"),
            INTO_ITER_PATH,
        ],
        "buckets": {
            "eq": ("ignored", EQ % "Arc"),
            "uninhabited": ("pending_nightly", "`Weak<dyn Any>` unsized coercion: `CoerceUnsized` (nightly)"),
            "slice": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "trait_object": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "weak_may_dangle": ("pending_nightly", "`#[may_dangle]` on `Weak`'s `Drop` (E0597 without it)"),
            "make_mut_unsized": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)" + " and `Arc::make_mut` for `Arc<[T]>`"),
            "panic_no_leak": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "pin_coerce_unsized": ("excluded", "`UniqueArc` is unstable (`unique_rc_arc`)"),
            "assert_trusted_len": ("nightly", "`TrustedLen` is unstable"),
            "shared_from_iter_trustedlen_normal": ("nightly", "`TrustedLen` is unstable"),
            "shared_from_iter_trustedlen_panic": ("nightly", "`TrustedLen` is unstable"),
            "shared_from_iter_trustedlen_no_fuse": ("nightly", "`TrustedLen` is unstable"),
            "test_unique_arc_weak": ("excluded", "`UniqueArc` is unstable (`unique_rc_arc`)"),
        },
    },
    "sync": {
        "source": "alloctests/tests/sync.rs",
        "version": VERSION,
        "imports": [
            ("use alloc::sync::*;", "use leaksafe::sync::*;\nuse leaksafe::vec;\nuse leaksafe::vec::Vec;"),
            ("use std::alloc::{AllocError, Allocator, Layout};", N + "use std::alloc::{AllocError, Allocator, Layout};"),
            ("use std::thread;", "use leaksafe::thread;"),
        ],
        "buckets": {
            "into_from_raw": ("pending", "`Arc::from_raw` cannot infer the count type (E0283)"),
            "into_from_weak_raw": ("pending", "`Weak::from_raw` cannot infer the count type (E0283)"),
            "test_from_owned": ("pending", "`Arc::from(T)` cannot infer the count type (E0283)"),
            "test_into_from_raw_unsized": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "test_into_from_weak_raw_unsized": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "test_unsized": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "test_maybe_thin_unsized": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "test_from_vec": ("pending", "needs `From<leaksafe::vec::Vec<T>> for Arc<[T]>`"),
            "test_array_from_slice": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)" + " and `TryFrom<Arc<[T]>> for Arc<[T; N]>`"),
            "test_downcast": ("pending_nightly", "`Arc<dyn Trait>`/`Arc<[T]>` unsized coercion: `CoerceUnsized` (nightly)"),
            "impl<'a> AllocCanary<'a> {": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "AllocCanary": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "unsafe impl Allocator for AllocCanary<'_> {": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "impl Clone for AllocCanary<'_> {": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "impl Drop for AllocCanary<'_> {": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
            "arc_doesnt_leak_allocator": ("excluded", "std's allocator API (unstable `allocator_api`); leaksafe has no `*_in` constructors"),
        },
    },
    "thread": {
        "source": "std/src/thread/tests.rs",
        "version": VERSION,
        "imports": [
            ("use crate::any::Any;", "use std::any::Any;"),
            ("use crate::panic::panic_any;", "use std::panic::panic_any;"),
            ("use crate::result;", "use std::result;"),
            ("use crate::sync::atomic::{AtomicBool, Ordering};", "use std::sync::atomic::{AtomicBool, Ordering};"),
            ("use crate::sync::mpsc::{Sender, channel};", "use std::sync::mpsc::{Sender, channel};"),
            ("use crate::sync::{Arc, Barrier};", "use leaksafe::sync::Arc;\nuse std::sync::Barrier;"),
            ("use crate::thread::{self, Builder, Scope, ThreadId};", "use leaksafe::thread::{self, Builder, Scope, ThreadId};"),
            ("use crate::time::{Duration, Instant};", "use std::time::{Duration, Instant};"),
        ],
        "edits": [
            # The tests live in std::thread itself: `super::` and `crate::` name std.
            ("super::sleep(", "thread::sleep("),
            ("use crate::sync::atomic::AtomicU8;", "use std::sync::atomic::AtomicU8;"),
        ],
        "buckets": {
            "test_is_finished": ("excluded", "asserts wall-clock bounds (house rule: no timed tests); it tests std's `thread::spawn`, which leaksafe re-exports unchanged"),
            "test_named_thread": ("pending", "needs `Builder::spawn`"),
            "test_invalid_named_thread": ("pending", "needs `Builder::spawn`"),
            "test_named_thread_truncation": ("excluded", "calls `libc` directly, which is not a dev-dependency"),
            "test_thread_os_id_not_equal": ("excluded", "`thread::current_os_id` is unstable in std"),
        },
    },
    "thread_integration": {
        "source": "std/tests/thread.rs",
        "version": VERSION,
        "edits": [
            # A test crate's own feature gate, for `sleep_until` (left out below).
            ("#![feature(thread_sleep_until)]\n", ""),
        ],
        "imports": [
            ("use std::sync::{Arc, Mutex};", "use leaksafe::sync::Arc;\nuse std::sync::Mutex;"),
            ("use std::thread;", "use leaksafe::thread;"),
        ],
        "buckets": {
            "sleep_very_long": ("excluded", "sleeps 100 ms and leaks a thread that never ends (house rule: no timed tests)"),
            "sleep_until": ("excluded", "`thread::sleep_until` is unstable (`thread_sleep_until`)"),
        },
    },
}
