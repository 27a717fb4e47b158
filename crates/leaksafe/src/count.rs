//! The [`Count`] trait: a reference count's width and what overflow does.
//!
//! A count type `C` is one of `u8`, `u16`, `u32`, `u64`, `usize` (**abort**
//! on overflow, as std does) or [`Saturating`] of one of them (**saturate**:
//! the count sticks at its maximum and the value becomes immortal, like
//! Linux's `refcount_t`). [`Rc`](crate::rc::Rc) keeps its two counts in
//! [`Cell`]s of the integer; [`Arc`](crate::sync::Arc) in the atomic integer of
//! the same width (through `crate::loom`, so loom can swap them).
//!
//! # Invariants (what every operation here guarantees)
//! 1. **No code ever observes a wrapped count.** Atomic counts check before
//!    they publish (`u8`/`u16` and all saturating atomics go through
//!    `checked_inc`, the one compare-exchange loop of the increments), or — atomic
//!    `u32`/`u64`/`usize` with the abort policy — publish with `fetch_add` and
//!    abort when the *previous* value exceeds `MAX / 2`, as std does: the
//!    upper half absorbs the increments of threads racing towards the abort,
//!    so the count cannot wrap unless `MAX / 2` threads are between their
//!    `fetch_add` and their check. `Cell` counts (single-threaded) add, store
//!    and test in one step (see "Cost"); a wrapped value is overwritten with
//!    `MAX` (and `Rc`'s wide update's carry into the next bytes undone)
//!    before any other code runs.
//! 2. **Abort is an abort, never a panic**, and no count is left changed for
//!    any code that could still run (a panic handler without `std`): the
//!    `Cell` count is back at `MAX`; a `u8`/`u16` atomic never changed; a wide
//!    atomic sits in the upper half, which no decrement can bring to zero
//!    before the process dies. See [`abort`].
//! 3. **Saturation is forever.** A saturating count whose increment would reach
//!    `MAX` is set to `MAX` ([`CountOps::SATURATED`]); from then on increments
//!    and decrements leave it at `MAX`, so it never reaches zero: a saturated
//!    strong count never drops the value, a saturated weak count never frees the
//!    allocation. Only a compare-exchange ever writes a saturating *atomic*
//!    count (except the wide strong counts of invariant 5, which stay in
//!    their band), so it stays saturated under every interleaving; a saturating
//!    `Cell` count that an increment wrapped (or a decrement lowered) is put
//!    back to `MAX`, with the bytes a wide update carried into, before
//!    anything else runs.
//! 4. **The weak-count lock never collides with a real or saturated count.**
//!    `Arc::get_mut` locks the weak count by swapping `1` for
//!    [`CountOps::WEAK_LOCKED`]. For abort counts that is `MAX` (std's choice),
//!    which the weak increments never publish: `fetch_add` stops at `MAX / 2`
//!    (plus racing threads), the `u8`/`u16` loop stops at `MAX - 1`. For
//!    saturating counts `MAX` means "saturated", so the lock is `MAX - 1`, and a
//!    weak increment that would reach `MAX - 1` jumps to `MAX` (saturates) instead.
//! 5. **Wide saturating `Arc` strong counts saturate into a band.** For
//!    `Saturating<u32/u64/usize>` an `Arc`'s strong count is saturated when
//!    it is above `MAX / 2` (any value of the band `(MAX / 2, MAX]`), and
//!    saturating stores its middle, `STRONG_SATURATED = MAX - MAX / 4`
//!    (Linux's `refcount_t` design). Clone: a Relaxed load — a saturated
//!    count returns there, so immortal values stay write-free — then
//!    `fetch_add`; if the old value was `MAX / 2` or more (this increment
//!    entered the band, or a racing one had), write `STRONG_SATURATED` (a
//!    `swap`, see `saturate_band`).
//!    Drop: a load — saturated returns — then std's `fetch_sub`, freeing on
//!    an old value of 1, never writing back. (Upgrade and `into_immortal`
//!    stay compare-exchanges and jump straight to `STRONG_SATURATED`.) Why
//!    it is sound: (a) below the band the count is exact (`fetch_add` and
//!    `fetch_sub` of real references); it enters the band only by an
//!    increment from `MAX / 2`, and from then on only *stale* operations
//!    move it — a clone or drop whose load saw a real count but whose RMW
//!    lands in the band — each by one, and each context (a thread, or a
//!    signal handler interrupting one) has at most one such operation in
//!    flight. So the count stays within `MAX / 4` of the last store of
//!    `STRONG_SATURATED` (or of `MAX / 2 + 1`, the entry) unless `MAX / 4`
//!    contexts (2³⁰ for `u32`) are between their load and their RMW at
//!    once, the same kind of bound std's `Arc` (and invariant 1, for wide
//!    abort counts) relies on, here with a quarter of the range to spare:
//!    it neither wraps past `MAX` nor falls back to `MAX / 2` and below,
//!    and no decrement can return 1. (b) The only write after an RMW is the
//!    clone's re-centring store, made while the clone still holds its
//!    strong reference, so the block is live. (c) The drop that returns 1
//!    held the last reference: below the band the count is exact. Why not
//!    for `u8`/`u16` (and every abort count of that width): their headroom
//!    (`MAX / 4` = 63 / 16 383) is a number of threads that can exist, so a
//!    `fetch_add` there could wrap under a schedule that preempts enough
//!    threads right after their RMW; their increments stay
//!    compare-exchanges (invariants 1–3), whose cost is measured in
//!    BENCHMARKS.md ("atomic narrow counts").
//!
//! The limits per count type are in [`Count`]'s docs (the public page).
//!
//! # Cost
//! The `Cell` increment is written as "add, store, then test for the wrap"
//! rather than "test, then store": the compiler emits a single `inc` on memory
//! and a branch, as for std's `Rc`. The test-first form compiles to a load, a
//! register `inc` and a narrow store.
//!
//! That is not enough for `u8`/`u16` counts: x86 cores that rename memory
//! operands (AMD Zen 2 and later, recent Intel) do so only for 32- and 64-bit
//! accesses, so a clone+drop loop of an 8- or 16-bit count waits for
//! store-to-load forwarding twice per round (~5 ns against ~0.6 ns for the
//! same two instructions on a 32-bit count, measured on Zen 4: ~3× std's time
//! per `Rc` clone+drop). So on x86 `Rc` and its `Weak` change narrow counts
//! with one **32-bit** load, add and store over the block's first four bytes
//! ([`CountOps::rc_inc`]/[`CountOps::rc_dec`]): the strong count is their
//! low bits (little-endian, at offset 0), the weak count the next ones, then
//! for `u8` counts padding or the offset marker — which requires a value
//! aligned to 4 or more (`u16`: always, the header is those four bytes).
//! Every count write of such a block is 32-bit (clone, drop, downgrade,
//! upgrade, `Weak` clone and drop, and the allocation, which stores the four
//! bytes once more in one store: `store_wide_header`): a 32-bit load of
//! bytes that a *narrow* store wrote just before cannot be forwarded and
//! waits for the store to retire, which made a downgrade+clone loop 7× std's
//! while only clone and drop were wide. (The rare writes — `try_unwrap`,
//! `make_mut`, `into_immortal`, `UniqueRc::into_rc` — stay narrow and pay
//! that wait once.) An overflow's carry out of a count into the other bytes
//! is undone, with the count, before any other code runs (a `Cell` is
//! single-threaded), so invariants 1–3 read the same. `u8` counts of a value
//! aligned to 1 or 2 (`Rc<u8, u8>`, a 3-byte block) keep the byte
//! `inc`/`dec` and its cost: their block has no four bytes to spare.
//!
//! The saturating narrow decrement on the narrow path tests two values of the
//! new count; [`resaturate`] is out of line so the common path stays a branch.
use core::cell::Cell;
use core::num::Saturating;

use crate::loom::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// A reference-count type: its width and its overflow policy.
///
/// Implemented for `u8`, `u16`, `u32`, `u64`, `usize` — overflow **aborts** the
/// process, as std's `Rc` does — and for [`Saturating`] of each — overflow
/// **saturates**: the count sticks at its maximum and the value is never freed.
/// The trait is sealed; its operations are internal.
///
/// A count is never seen wrapped: an increment that would pass the limit
/// aborts (without panicking, so no handler can catch it and reuse the count)
/// or saturates before any other code can observe the count.
///
/// # Limits
/// How many references of one value can exist at once, per count type `C`,
/// and what the next one does:
///
/// | `C` | strong refs | `Rc` weak refs | `Arc` weak refs | then |
/// |---|---|---|---|---|
/// | `u8` | 255 | 254 | 253 | abort |
/// | `u16` | 65 535 | 65 534 | 65 533 | abort |
/// | `u32`/`u64`/`usize` (`Rc`) | `MAX` | `MAX - 1` | | abort |
/// | `u32`/`u64`/`usize` (`Arc`) | `MAX / 2 + 1` | | `MAX / 2` | abort |
/// | `Saturating<uN>` (`Rc`; `Arc` with `u8`/`u16`) | `MAX - 1` | `MAX - 2` | `MAX - 3` | saturate |
/// | `Saturating<u32>`/`<u64>`/`<usize>` (`Arc`) | `MAX / 2` | | `MAX - 3` | saturate |
///
/// (`MAX` is the integer's maximum.) A wide saturating `Arc` strong count
/// saturates at half its range, so that its clone and drop can be std's
/// `fetch_add`/`fetch_sub` (the other half absorbs racing threads);
/// `strong_count` reports `MAX` for any saturated count. The weak count holds one extra reference
/// owned by all strong references together (as in std), hence one fewer weak
/// reference; `Arc`'s weak count also reserves a value for `Arc::get_mut`'s
/// lock. Wide `Arc` counts abort at half their range, as std's `Arc` does, so
/// threads racing towards the limit cannot wrap the count. A saturated strong
/// count never drops the value and a saturated weak count never frees the
/// allocation: the value leaks, like Linux's `refcount_t`, instead of
/// aborting.
///
/// ```
/// use core::num::Saturating;
/// use leaksafe::rc::Rc;
///
/// let small: Rc<u8, u8> = Rc::new_counted(7); // a 3-byte allocation
/// let sticky: Rc<u8, Saturating<u8>> = Rc::new_counted(7);
/// assert_eq!(*small + *sticky, 14);
/// ```
pub trait Count: CountOps {}

pub(crate) use ops::CountOps;

mod ops {
    use super::*;

    /// The operations of a count type (sealed: this trait is unnameable outside
    /// the crate).
    pub trait CountOps: Sized + 'static {
        /// The raw integer stored in the header.
        type Int: Copy
            + Eq
            + Ord
            + core::ops::Add<Output = Self::Int>
            + core::fmt::Debug
            + 'static
            + crate::rc_box::CountInt;
        /// The atomic integer of the same width (from `crate::loom`).
        type Atomic: Send + Sync + 'static + crate::rc_box::CountCell;

        /// The largest value of `Int`.
        const MAX: Self::Int;
        /// Whether overflow saturates (`Saturating<_>`) rather than aborts.
        const SATURATES: bool;
        /// The value of a saturated count (`MAX`); meaningful only if `SATURATES`.
        const SATURATED: Self::Int;
        /// The value `Arc::get_mut` stores in a weak count of `1` to lock it:
        /// `MAX` for abort counts, `MAX - 1` for saturating ones (invariant 4).
        const WEAK_LOCKED: Self::Int;
        /// `0`.
        const ZERO: Self::Int;
        /// `1`.
        const ONE: Self::Int;

        /// The count as a `usize` (saturating at `usize::MAX` for `u64` on
        /// 32-bit targets).
        fn to_usize(v: Self::Int) -> usize;
        /// Whether `v` is a saturated count (always false for abort counts).
        #[inline]
        fn is_saturated(v: Self::Int) -> bool {
            Self::SATURATES && v == Self::SATURATED
        }
        /// The value an `Arc`'s **strong** count is set to when it
        /// saturates: [`SATURATED`](Self::SATURATED), except for the wide
        /// saturating atomics (`Saturating<u32/u64/usize>`), whose strong
        /// count saturates into a band (invariant 5): `MAX - MAX / 4`, the
        /// band's middle.
        const STRONG_SATURATED: Self::Int = Self::SATURATED;
        /// Whether an `Arc`'s strong count `v` is saturated:
        /// [`is_saturated`](Self::is_saturated), except for the wide
        /// saturating atomics: any value above `MAX / 2` (invariant 5).
        #[inline]
        fn is_strong_saturated(v: Self::Int) -> bool {
            Self::is_saturated(v)
        }

        // ---- non-atomic (Rc) ----

        /// Increments a strong or weak count: aborts if it is `MAX` (abort
        /// counts); saturates at `MAX` (saturating counts, which then stay put).
        fn cell_inc(c: &Cell<Self::Int>);
        /// Decrements a count of at least 1; returns true if it reached 0.
        /// A saturated count stays saturated (returns false).
        fn cell_dec(c: &Cell<Self::Int>) -> bool;

        /// Whether `Rc` may update these counts with one 32-bit operation over
        /// the block's first four bytes ([`rc_inc`](Self::rc_inc)) when the
        /// value sits at offset 4 or more: `u8`/`u16` counts (plain and
        /// saturating) on x86/x86-64 (little-endian, cheap unaligned
        /// access, and the only place the gain was measured). Wider counts
        /// are already one 32/64-bit operation. See "Cost".
        const RC_WIDE: bool = false;

        /// Increments the strong (`weak == false`) or weak count of an `Rc`
        /// block: [`cell_inc`](Self::cell_inc), or, if `wide`, the same as
        /// one 32-bit read-modify-write of the block's first four bytes,
        /// which hold the strong count in their low bits and the weak count
        /// above it ("Cost"). An overflow's carry into the other bytes is
        /// undone, with the count, before any other code runs.
        ///
        /// # Safety
        /// `header` points to the strong count of a live `Rc` block, with
        /// the block's provenance. If `wide`: [`RC_WIDE`](Self::RC_WIDE) and
        /// the value is at offset 4 or more, so the four bytes lie in the
        /// block and are initialised (the counts, then padding or the
        /// offset marker, which this writes back unchanged).
        #[inline]
        unsafe fn rc_inc(header: *const Cell<Self::Int>, weak: bool, wide: bool) {
            let _ = wide;
            // SAFETY: the counts of a live block (caller), `weak` right
            // after `strong` (repr(C)).
            Self::cell_inc(unsafe { &*header.add(usize::from(weak)) });
        }
        /// Decrements the strong or weak count of an `Rc` block
        /// ([`cell_dec`](Self::cell_dec)), wide as [`rc_inc`](Self::rc_inc)
        /// if `wide`; true if it reached 0.
        ///
        /// # Safety
        /// As [`rc_inc`](Self::rc_inc); the count is at least 1.
        #[inline]
        unsafe fn rc_dec(header: *const Cell<Self::Int>, weak: bool, wide: bool) -> bool {
            let _ = wide;
            // SAFETY: as in `rc_inc`.
            Self::cell_dec(unsafe { &*header.add(usize::from(weak)) })
        }

        // ---- atomic (Arc) ----

        /// A new atomic count.
        fn atomic_new(v: Self::Int) -> Self::Atomic;
        /// `load`.
        fn atomic_load(a: &Self::Atomic, order: Ordering) -> Self::Int;
        /// `store`.
        fn atomic_store(a: &Self::Atomic, v: Self::Int, order: Ordering);
        /// `compare_exchange` (strong).
        fn atomic_compare_exchange(
            a: &Self::Atomic,
            current: Self::Int,
            new: Self::Int,
            success: Ordering,
            failure: Ordering,
        ) -> Result<Self::Int, Self::Int>;
        /// `compare_exchange_weak`, for [`checked_inc`]'s loop.
        fn atomic_compare_exchange_weak(
            a: &Self::Atomic,
            current: Self::Int,
            new: Self::Int,
            success: Ordering,
            failure: Ordering,
        ) -> Result<Self::Int, Self::Int>;

        /// Increments a **strong** count that is at least 1 (clone). Relaxed.
        /// Aborts / saturates per the policy (invariants 1–3).
        fn atomic_inc_strong(a: &Self::Atomic);
        /// Increments a strong count unless it is 0 (upgrade); true on success.
        /// Acquire on success (also when it finds the count saturated).
        fn atomic_inc_strong_if_nonzero(a: &Self::Atomic) -> bool;
        /// Increments a **weak** count that is at least 2, so cannot be
        /// locked (`Weak::clone`). Relaxed. Never publishes `WEAK_LOCKED`.
        fn atomic_inc_weak(a: &Self::Atomic);
        /// Increments a weak count that may be locked (downgrade): spins
        /// (`loom::spin_loop`) while it is `WEAK_LOCKED`. Acquire on success,
        /// as std's downgrade. Never publishes `WEAK_LOCKED`.
        fn atomic_inc_weak_unless_locked(a: &Self::Atomic);
        /// Decrements an `Arc`'s **strong** count (drop):
        /// [`atomic_dec`](Self::atomic_dec), except for the wide saturating
        /// atomics (invariant 5). True if it reached 0.
        #[inline]
        fn atomic_dec_strong(a: &Self::Atomic) -> bool {
            Self::atomic_dec(a)
        }
        /// Decrements a count of at least 1 with Release; if it reached 0,
        /// performs an Acquire **load** of the count (which ThreadSanitizer sees,
        /// unlike a fence) and returns true. A saturated count is left alone
        /// (returns false).
        fn atomic_dec(a: &Self::Atomic) -> bool;
        /// Locks a weak count of exactly 1: compare-exchange `1 → WEAK_LOCKED`,
        /// Acquire on success. False if the weak count is not 1 (other Weak
        /// references, saturated, or already locked).
        #[inline]
        fn atomic_try_lock_weak(a: &Self::Atomic) -> bool {
            Self::atomic_compare_exchange(
                a,
                Self::ONE,
                Self::WEAK_LOCKED,
                Ordering::Acquire,
                Ordering::Relaxed,
            )
            .is_ok()
        }
        /// Unlocks a weak count locked by `atomic_try_lock_weak` (store 1, Release).
        #[inline]
        fn atomic_unlock_weak(a: &Self::Atomic) {
            Self::atomic_store(a, Self::ONE, Ordering::Release);
        }
    }

    /// The items of `CountOps` that do not depend on the overflow policy: the
    /// integer and atomic types, the constants both policies share, and the
    /// plain atomic operations (each one call of the atomic's own method).
    macro_rules! same_for_both_policies {
        ($int:ty, $atomic:ty) => {
            type Int = $int;
            type Atomic = $atomic;
            const MAX: $int = <$int>::MAX;
            const SATURATED: $int = <$int>::MAX;
            const ZERO: $int = 0;
            const ONE: $int = 1;

            #[inline]
            fn to_usize(v: $int) -> usize {
                usize::try_from(v).unwrap_or(usize::MAX)
            }

            #[inline]
            fn atomic_new(v: $int) -> $atomic {
                <$atomic>::new(v)
            }
            #[inline]
            fn atomic_load(a: &$atomic, order: Ordering) -> $int {
                a.load(order)
            }
            #[inline]
            fn atomic_store(a: &$atomic, v: $int, order: Ordering) {
                a.store(v, order)
            }
            #[inline]
            fn atomic_compare_exchange(
                a: &$atomic,
                current: $int,
                new: $int,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$int, $int> {
                a.compare_exchange(current, new, success, failure)
            }
            #[inline]
            fn atomic_compare_exchange_weak(
                a: &$atomic,
                current: $int,
                new: $int,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$int, $int> {
                a.compare_exchange_weak(current, new, success, failure)
            }
        };
    }

    /// The parameters of a checked increment ([`checked_inc`]).
    #[derive(Clone, Copy)]
    struct Inc<I> {
        /// Abort policy: the largest count that may be incremented; above it
        /// the process aborts (invariants 1, 2, 4). Saturating policy: unused
        /// (a saturated count stops the increment first).
        ceiling: I,
        /// A weak count: a saturating one skips `WEAK_LOCKED` (invariant 4).
        weak: bool,
        /// Fail (return false) on a count of 0: upgrade.
        if_nonzero: bool,
        /// Wait while the count is `WEAK_LOCKED`: downgrade.
        wait_if_locked: bool,
    }

    impl<I: Copy> Inc<I> {
        /// Increments a strong count of at most `ceiling`.
        #[inline(always)]
        const fn strong(ceiling: I) -> Self {
            Inc {
                ceiling,
                weak: false,
                if_nonzero: false,
                wait_if_locked: false,
            }
        }
        /// Increments a weak count of at most `ceiling`.
        #[inline(always)]
        const fn weak(ceiling: I) -> Self {
            Inc {
                ceiling,
                weak: true,
                if_nonzero: false,
                wait_if_locked: false,
            }
        }
        /// ... unless it is 0.
        #[inline(always)]
        const fn if_nonzero(self) -> Self {
            Inc {
                if_nonzero: true,
                ..self
            }
        }
        /// ... waiting while it is locked.
        #[inline(always)]
        const fn wait_if_locked(self) -> Self {
            Inc {
                wait_if_locked: true,
                ..self
            }
        }
    }

    /// The checked increment (std's `Weak::upgrade`: `fetch_update` with a
    /// checked add), for both policies: it never publishes a count above
    /// `inc.ceiling + 1` (abort policy) or past `MAX` (saturating policy, where
    /// a saturated count stays put). `set` orders the publishing
    /// compare-exchange; loads are Relaxed for abort counts and `set` for
    /// saturating ones (a saturated count returns without an RMW and must
    /// still synchronise with the value's publication). True unless an
    /// `if_nonzero` increment found 0.
    #[inline(always)]
    fn checked_inc<C: CountOps>(a: &C::Atomic, inc: Inc<C::Int>, set: Ordering) -> bool {
        let fetch = if C::SATURATES { set } else { Ordering::Relaxed };
        // The first attempt inline, the retries out of line: the common
        // path (and a saturated count's) is straight-line code, a load, a
        // compare and one compare-exchange, with no loop head to align.
        match inc_step::<C>(a, inc, set, fetch, C::atomic_load(a, fetch)) {
            Ok(done) => done,
            Err(now) => checked_inc_retry::<C>(a, inc, set, now),
        }
    }

    /// [`checked_inc`]'s retries, from the value its last attempt found.
    #[cold]
    #[inline(never)]
    fn checked_inc_retry<C: CountOps>(
        a: &C::Atomic,
        inc: Inc<C::Int>,
        set: Ordering,
        mut cur: C::Int,
    ) -> bool {
        let fetch = if C::SATURATES { set } else { Ordering::Relaxed };
        loop {
            match inc_step::<C>(a, inc, set, fetch, cur) {
                Ok(done) => return done,
                Err(now) => cur = now,
            }
        }
    }

    /// One attempt of [`checked_inc`] on the count `cur` just read: `Ok`
    /// with its result, or `Err` with the value to try again from.
    #[inline(always)]
    fn inc_step<C: CountOps>(
        a: &C::Atomic,
        inc: Inc<C::Int>,
        set: Ordering,
        fetch: Ordering,
        cur: C::Int,
    ) -> Result<bool, C::Int> {
        if inc.if_nonzero && cur == C::ZERO {
            return Ok(false);
        }
        if inc.wait_if_locked && cur == C::WEAK_LOCKED {
            crate::loom::spin_loop();
            return Err(C::atomic_load(a, fetch));
        }
        if C::SATURATES {
            let saturated = if inc.weak {
                C::is_saturated(cur)
            } else {
                C::is_strong_saturated(cur)
            };
            if saturated {
                return Ok(true);
            }
        } else if cur > inc.ceiling {
            abort();
        }
        let new = if C::SATURATES && inc.weak && cur + C::ONE == C::WEAK_LOCKED {
            C::SATURATED
        } else if C::SATURATES && !inc.weak && C::is_strong_saturated(cur + C::ONE) {
            // Entering the band: straight to its middle (invariant 5).
            C::STRONG_SATURATED
        } else {
            cur + C::ONE
        };
        C::atomic_compare_exchange_weak(a, cur, new, set, fetch).map(|_| true)
    }

    /// The sealing: only this module implements `CountOps`.
    macro_rules! impl_count {
        ($int:ty, $atomic:ty, wide = $wide:expr, rc_wide = $rc_wide:expr) => {
            // ---- abort policy ----
            impl CountOps for $int {
                same_for_both_policies!($int, $atomic);
                const SATURATES: bool = false;
                const WEAK_LOCKED: $int = <$int>::MAX;

                #[inline]
                fn cell_inc(c: &Cell<$int>) {
                    // One `inc` on memory, then a flag test (see "Cost" in the
                    // module docs). On overflow the count is put back to MAX
                    // before anything else runs: no code ever sees the wrap.
                    let v = c.get().wrapping_add(1);
                    c.set(v);
                    if v == 0 {
                        c.set(<$int>::MAX);
                        abort();
                    }
                }

                #[inline]
                fn cell_dec(c: &Cell<$int>) -> bool {
                    let v = c.get() - 1;
                    c.set(v);
                    v == 0
                }

                const RC_WIDE: bool = $rc_wide && crate::rc_box::WIDE_RMW;

                #[inline]
                unsafe fn rc_inc(header: *const Cell<$int>, weak: bool, wide: bool) {
                    if !(Self::RC_WIDE && wide) {
                        // SAFETY: the counts of a live block (caller).
                        return Self::cell_inc(unsafe { &*header.add(usize::from(weak)) });
                    }
                    let shift = if weak { <$int>::BITS } else { 0 };
                    let p = header.cast::<u32>().cast_mut();
                    // SAFETY: `wide`: the four bytes are in the block,
                    // initialised, written by nothing else meanwhile (caller).
                    let old = unsafe { p.read_unaligned() };
                    let new = old.wrapping_add(1 << shift);
                    // SAFETY: as above.
                    unsafe { p.write_unaligned(new) };
                    if low::<$int>(new >> shift) == 0 {
                        // The count wrapped (and carried): put all four bytes
                        // back, the count at MAX, before aborting (invariant 2).
                        // SAFETY: as above.
                        unsafe { p.write_unaligned(old) };
                        abort();
                    }
                }

                #[inline]
                unsafe fn rc_dec(header: *const Cell<$int>, weak: bool, wide: bool) -> bool {
                    if !(Self::RC_WIDE && wide) {
                        // SAFETY: the counts of a live block (caller).
                        return Self::cell_dec(unsafe { &*header.add(usize::from(weak)) });
                    }
                    let shift = if weak { <$int>::BITS } else { 0 };
                    let p = header.cast::<u32>().cast_mut();
                    // SAFETY: `wide`: the four bytes are in the block,
                    // initialised, written by nothing else meanwhile (caller).
                    // The count is at least 1: no borrow from the other bytes.
                    let new = unsafe { p.read_unaligned() }.wrapping_sub(1 << shift);
                    // SAFETY: as above.
                    unsafe { p.write_unaligned(new) };
                    low::<$int>(new >> shift) == 0
                }

                #[inline]
                fn atomic_inc_strong(a: &$atomic) {
                    if $wide {
                        // std: publish, then abort while the count is still in
                        // the upper half no racing decrement can empty.
                        if a.fetch_add(1, Ordering::Relaxed) > <$int>::MAX / 2 {
                            abort();
                        }
                    } else {
                        // Check before publishing: the count never exceeds MAX.
                        checked_inc::<Self>(a, Inc::strong(<$int>::MAX - 1), Ordering::Relaxed);
                    }
                }

                #[inline]
                fn atomic_inc_strong_if_nonzero(a: &$atomic) -> bool {
                    let ceiling = if $wide {
                        <$int>::MAX / 2
                    } else {
                        <$int>::MAX - 1
                    };
                    checked_inc::<Self>(a, Inc::strong(ceiling).if_nonzero(), Ordering::Acquire)
                }

                #[inline]
                fn atomic_inc_weak(a: &$atomic) {
                    if $wide {
                        if a.fetch_add(1, Ordering::Relaxed) > <$int>::MAX / 2 {
                            abort();
                        }
                    } else {
                        // Never publish MAX (= WEAK_LOCKED).
                        checked_inc::<Self>(a, Inc::weak(<$int>::MAX - 2), Ordering::Relaxed);
                    }
                }

                #[inline]
                fn atomic_inc_weak_unless_locked(a: &$atomic) {
                    let ceiling = if $wide {
                        <$int>::MAX / 2
                    } else {
                        <$int>::MAX - 2
                    };
                    checked_inc::<Self>(a, Inc::weak(ceiling).wait_if_locked(), Ordering::Acquire);
                }

                #[inline]
                fn atomic_dec(a: &$atomic) -> bool {
                    if a.fetch_sub(1, Ordering::Release) != 1 {
                        return false;
                    }
                    // Synchronise with every earlier Release decrement before
                    // the caller frees (a load, not a fence: TSan sees it).
                    a.load(Ordering::Acquire);
                    true
                }
            }
            impl Count for $int {}

            // ---- saturating policy ----
            impl CountOps for Saturating<$int> {
                same_for_both_policies!($int, $atomic);
                const SATURATES: bool = true;
                const WEAK_LOCKED: $int = <$int>::MAX - 1;

                #[inline]
                fn cell_inc(c: &Cell<$int>) {
                    // MAX - 1 + 1 == MAX saturates by itself. MAX + 1 wraps
                    // to 0 and is put back at once (nothing runs in between:
                    // a `Cell` is single-threaded) — one `inc` on memory in
                    // the common case, see "Cost".
                    let v = c.get().wrapping_add(1);
                    c.set(v);
                    if v == 0 {
                        resaturate(c);
                    }
                }

                #[inline]
                fn cell_dec(c: &Cell<$int>) -> bool {
                    // A real count is at most MAX - 1, so only a saturated
                    // count decrements to MAX - 1: put it back at once (one
                    // `dec` on memory in the common case, see "Cost").
                    let v = c.get().wrapping_sub(1);
                    c.set(v);
                    if v == <$int>::MAX - 1 {
                        resaturate(c);
                        return false;
                    }
                    v == 0
                }

                const RC_WIDE: bool = $rc_wide && crate::rc_box::WIDE_RMW;

                #[inline]
                unsafe fn rc_inc(header: *const Cell<$int>, weak: bool, wide: bool) {
                    if !(Self::RC_WIDE && wide) {
                        // SAFETY: the counts of a live block (caller).
                        return Self::cell_inc(unsafe { &*header.add(usize::from(weak)) });
                    }
                    let shift = if weak { <$int>::BITS } else { 0 };
                    let p = header.cast::<u32>().cast_mut();
                    // SAFETY: `wide`: the four bytes are in the block,
                    // initialised, written by nothing else meanwhile (caller).
                    let old = unsafe { p.read_unaligned() };
                    let new = old.wrapping_add(1 << shift);
                    // SAFETY: as above.
                    unsafe { p.write_unaligned(new) };
                    if low::<$int>(new >> shift) == 0 {
                        // A saturated count wrapped (and carried): all four
                        // bytes back, the count at MAX (invariant 3).
                        // SAFETY: as above.
                        unsafe { restore_wide(p, old) };
                    }
                }

                #[inline]
                unsafe fn rc_dec(header: *const Cell<$int>, weak: bool, wide: bool) -> bool {
                    if !(Self::RC_WIDE && wide) {
                        // SAFETY: the counts of a live block (caller).
                        return Self::cell_dec(unsafe { &*header.add(usize::from(weak)) });
                    }
                    let shift = if weak { <$int>::BITS } else { 0 };
                    let p = header.cast::<u32>().cast_mut();
                    // SAFETY: `wide`: the four bytes are in the block,
                    // initialised, written by nothing else meanwhile (caller).
                    // The count is at least 1: no borrow from the other bytes.
                    let old = unsafe { p.read_unaligned() };
                    let new = old.wrapping_sub(1 << shift);
                    // SAFETY: as above.
                    unsafe { p.write_unaligned(new) };
                    let v = low::<$int>(new >> shift);
                    if v == <$int>::MAX - 1 {
                        // Only a saturated count gets here (as `cell_dec`).
                        // SAFETY: as above.
                        unsafe { restore_wide(p, old) };
                        return false;
                    }
                    v == 0
                }

                const STRONG_SATURATED: $int = if $wide {
                    <$int>::MAX - <$int>::MAX / 4
                } else {
                    <$int>::MAX
                };

                #[inline]
                fn is_strong_saturated(v: $int) -> bool {
                    if $wide {
                        v > <$int>::MAX / 2
                    } else {
                        v == <$int>::MAX
                    }
                }

                // Narrow: the ceiling is never reached: `checked_inc` stops at
                // a saturated count (MAX) first, and MAX - 1 + 1 saturates.
                #[inline]
                fn atomic_inc_strong(a: &$atomic) {
                    if !$wide {
                        checked_inc::<Self>(a, Inc::strong(<$int>::MAX - 1), Ordering::Relaxed);
                        return;
                    }
                    // Wide: the band (invariant 5). A saturated count is only
                    // read: immortal values stay write-free.
                    if Self::is_strong_saturated(a.load(Ordering::Relaxed)) {
                        return;
                    }
                    // Relaxed, as std's clone: we hold a strong reference.
                    let old = a.fetch_add(1, Ordering::Relaxed);
                    if old >= <$int>::MAX / 2 {
                        // We entered the band (old == MAX / 2) or raced with
                        // its entry: re-centre. We still hold our strong
                        // reference, so the block is live.
                        saturate_band::<$int, $atomic>(a, Self::STRONG_SATURATED);
                    }
                }

                #[inline]
                fn atomic_dec_strong(a: &$atomic) -> bool {
                    if !$wide {
                        return Self::atomic_dec(a);
                    }
                    // Wide: the band (invariant 5). Saturated: no write.
                    if Self::is_strong_saturated(a.load(Ordering::Relaxed)) {
                        return false;
                    }
                    // std's drop. Returning 1 means the count was not
                    // saturated (it cannot come back below the band), so we
                    // held the last reference. A saturated old value (a
                    // racing clone saturated it after our load) is left one
                    // lower, inside the band, never written back: we no longer
                    // own a reference, so we must not touch the block again.
                    if a.fetch_sub(1, Ordering::Release) != 1 {
                        return false;
                    }
                    a.load(Ordering::Acquire);
                    true
                }

                #[inline]
                fn atomic_inc_strong_if_nonzero(a: &$atomic) -> bool {
                    // Acquire loads: a saturated count returns without an RMW
                    // and must still synchronise with the value's publication.
                    checked_inc::<Self>(
                        a,
                        Inc::strong(<$int>::MAX - 1).if_nonzero(),
                        Ordering::Acquire,
                    )
                }

                #[inline]
                fn atomic_inc_weak(a: &$atomic) {
                    // Skips the lock value: MAX - 2 + 1 saturates.
                    checked_inc::<Self>(a, Inc::weak(<$int>::MAX - 1), Ordering::Relaxed);
                }

                #[inline]
                fn atomic_inc_weak_unless_locked(a: &$atomic) {
                    checked_inc::<Self>(
                        a,
                        Inc::weak(<$int>::MAX - 1).wait_if_locked(),
                        Ordering::Acquire,
                    );
                }

                #[inline]
                fn atomic_dec(a: &$atomic) -> bool {
                    // One attempt inline, the retries out of line (as
                    // `checked_inc`): a saturated count is a load and a
                    // compare of straight-line code.
                    let cur = a.load(Ordering::Relaxed);
                    if cur == <$int>::MAX {
                        return false;
                    }
                    match a.compare_exchange_weak(
                        cur,
                        cur - 1,
                        Ordering::Release,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) if cur == 1 => {
                            a.load(Ordering::Acquire);
                            true
                        }
                        Ok(_) => false,
                        Err(now) => sat_dec_retry::<$int, $atomic>(a, now),
                    }
                }
            }
            impl Count for Saturating<$int> {}
        };
    }

    impl_count!(u8, AtomicU8, wide = false, rc_wide = true);
    impl_count!(u16, AtomicU16, wide = false, rc_wide = true);
    impl_count!(u32, AtomicU32, wide = true, rc_wide = false);
    impl_count!(u64, AtomicU64, wide = true, rc_wide = false);
    impl_count!(usize, AtomicUsize, wide = true, rc_wide = false);
}

/// The retries of a saturating count's decrement (`CountOps::atomic_dec`),
/// from the value the failed attempt found: out of line and cold.
#[cold]
#[inline(never)]
fn sat_dec_retry<I: SatDecInt, A: SatDecAtomic<I>>(a: &A, mut cur: I) -> bool {
    loop {
        if cur == I::MAX_VALUE {
            return false;
        }
        match a.cas_weak_release(cur, cur.minus_one()) {
            Ok(()) if cur == I::ONE_VALUE => {
                a.load_acquire();
                return true;
            }
            Ok(()) => return false,
            Err(now) => cur = now,
        }
    }
}

/// The integers of [`sat_dec_retry`].
trait SatDecInt: Copy + Eq + CountMax {
    const ONE_VALUE: Self;
    fn minus_one(self) -> Self;
}

/// The atomic operations of [`sat_dec_retry`].
trait SatDecAtomic<I> {
    /// `compare_exchange_weak(cur, new, Release, Relaxed)`.
    fn cas_weak_release(&self, cur: I, new: I) -> Result<(), I>;
    /// `load(Acquire)`, for its synchronisation only.
    fn load_acquire(&self);
}

macro_rules! sat_dec {
    ($($i:ty => $a:ty),*) => {$(
        impl SatDecInt for $i {
            const ONE_VALUE: $i = 1;
            #[inline(always)]
            fn minus_one(self) -> $i { self - 1 }
        }
        impl SatDecAtomic<$i> for $a {
            #[inline(always)]
            fn cas_weak_release(&self, cur: $i, new: $i) -> Result<(), $i> {
                self.compare_exchange_weak(cur, new, Ordering::Release, Ordering::Relaxed)
                    .map(|_| ())
            }
            #[inline(always)]
            fn load_acquire(&self) {
                self.load(Ordering::Acquire);
            }
        }
    )*};
}
sat_dec!(u8 => AtomicU8, u16 => AtomicU16, u32 => AtomicU32, u64 => AtomicU64, usize => AtomicUsize);

/// Re-centres a wide saturating strong count in its band after an
/// increment found it there (invariant 5): out of line and cold, so the
/// clone's common path is a load, a `lock xadd` and a compare. A `swap`,
/// not a `store`: a plain store would do on hardware, but loom (0.7, issue
/// tokio-rs/loom#254) lets a store fall between the read and the write of
/// another thread's `fetch_add`, an execution C++ forbids, and then reports
/// lost updates that cannot happen; as an RMW the write is modelled right,
/// and this path is rare.
#[cold]
#[inline(never)]
fn saturate_band<I, A: SwapRelaxed<I>>(a: &A, v: I) {
    a.swap_relaxed(v);
}

/// `swap(v, Relaxed)` of the atomics, for [`saturate_band`].
trait SwapRelaxed<I> {
    fn swap_relaxed(&self, v: I);
}

macro_rules! swap_relaxed {
    ($($i:ty => $a:ty),*) => {$(impl SwapRelaxed<$i> for $a {
        #[inline(always)]
        fn swap_relaxed(&self, v: $i) { self.swap(v, Ordering::Relaxed); }
    })*};
}
swap_relaxed!(u8 => AtomicU8, u16 => AtomicU16, u32 => AtomicU32, u64 => AtomicU64, usize => AtomicUsize);

/// The count held in the low bits of a (shifted) wide header read: the
/// truncation is the point.
#[inline(always)]
fn low<I: LowBits>(v: u32) -> I {
    I::low(v)
}

/// Truncation of a 32-bit header read to a narrow count, for [`low`].
trait LowBits {
    fn low(v: u32) -> Self;
}

macro_rules! low_bits {
    ($($t:ty),*) => {$(impl LowBits for $t {
        #[inline(always)]
        #[allow(clippy::cast_possible_truncation)]
        fn low(v: u32) -> Self { v as $t }
    })*};
}
low_bits!(u8, u16, u32, u64, usize);

/// Puts back the four header bytes a wide saturating strong-count update
/// changed (`CountOps::rc_inc`/`rc_dec`): out of line and cold, as
/// [`resaturate`].
///
/// # Safety
/// `p` may be written for four bytes (the caller's wide update just did).
#[cold]
#[inline(never)]
unsafe fn restore_wide(p: *mut u32, old: u32) {
    // SAFETY: caller.
    unsafe { p.write_unaligned(old) };
}

/// Puts a saturated `Cell` count back to `MAX` after an increment wrapped it
/// or a decrement lowered it. Out of line and cold on purpose: as a branch
/// the common path stays one `inc`/`dec` on memory; inlined, LLVM turns it
/// into a `cmov` and a narrow load-modify-store, which is 5× slower for
/// `u8`/`u16` (see "Cost").
#[cold]
#[inline(never)]
fn resaturate<I: Copy + CountMax>(c: &Cell<I>) {
    c.set(I::MAX_VALUE);
}

/// `MAX` of the raw integers, for [`resaturate`].
trait CountMax {
    const MAX_VALUE: Self;
}

macro_rules! count_max {
    ($($t:ty),*) => {$(impl CountMax for $t { const MAX_VALUE: $t = <$t>::MAX; })*};
}
count_max!(u8, u16, u32, u64, usize);

/// Aborts the process: a count overflowed and continuing could free a value
/// still in use.
///
/// With feature `std` (the default) this is [`std::process::abort`]: a real
/// `SIGABRT`, no unwinding, no message (as std's `Rc`). Without `std` there is
/// no stable `abort` in `core`; we panic inside an `extern "C"` function. Since
/// Rust 1.81 a panic cannot unwind out of an `extern "C"` function: the runtime
/// catches it at that boundary and aborts ("panic in a function that cannot
/// unwind"), whatever the panic strategy. So the call never returns and never
/// unwinds into the caller; a custom `#[panic_handler]` must itself diverge. (A
/// panic in a `Drop` during unwinding would abort too, but only when the crate
/// is built with `panic = "unwind"`; a bare `loop {}` would hang instead of
/// failing loudly.)
#[cold]
#[inline(never)]
pub(crate) fn abort() -> ! {
    #[cfg(feature = "std")]
    {
        std::process::abort()
    }
    #[cfg(not(feature = "std"))]
    {
        extern "C" fn cannot_unwind() -> ! {
            panic!("leaksafe: reference count overflow, aborting");
        }
        cannot_unwind()
    }
}

/// loom models of invariant 5 (the band of wide saturating `Arc` strong
/// counts), on the count operations themselves: no `Arc` can hold 2³¹
/// references in a model, so the atomic starts at the boundary. Run with
/// `RUSTFLAGS="--cfg loom" cargo test -p leaksafe --release --lib -- count::loom_band`.
#[cfg(all(test, loom))]
mod loom_band {
    use super::CountOps;
    use crate::loom::Ordering::Relaxed;
    use ::loom::sync::Arc as LoomArc;
    use ::loom::thread;
    use core::num::Saturating;

    type S = Saturating<u32>;
    const HALF: u32 = u32::MAX / 2;

    fn model(f: impl Fn() + Sync + Send + 'static) {
        let mut b = ::loom::model::Builder::new();
        if b.preemption_bound.is_none() {
            b.preemption_bound = Some(3);
        }
        b.check(f);
    }

    /// Two threads race a clone and a drop each at the band's edge (the
    /// count is `MAX / 2`: the next increment saturates), in opposite
    /// orders. No drop sees the last reference, and the count ends either
    /// exact (no increment entered the band) or saturated — inside the
    /// band, never wrapped, never back below it.
    #[test]
    fn clone_and_drop_race_at_the_band_edge() {
        model(|| {
            let a = LoomArc::new(S::atomic_new(HALF));
            let a1 = a.clone();
            let t1 = thread::spawn(move || {
                S::atomic_inc_strong(&a1);
                assert!(!S::atomic_dec_strong(&a1));
            });
            let a2 = a.clone();
            let t2 = thread::spawn(move || {
                assert!(!S::atomic_dec_strong(&a2));
                S::atomic_inc_strong(&a2);
            });
            t1.join().unwrap();
            t2.join().unwrap();
            let v = S::atomic_load(&a, Relaxed);
            assert!(v == HALF || S::is_strong_saturated(v), "{v}");
        });
    }

    /// Two clones race into the band from one below its edge while a third
    /// thread drops: the re-centring swaps and the stale updates leave the
    /// count inside the band or exact, and an upgrade racing them (the
    /// compare-exchange path) agrees.
    #[test]
    fn two_clones_enter_the_band_with_a_drop_and_an_upgrade() {
        model(|| {
            let a = LoomArc::new(S::atomic_new(HALF - 1));
            let a1 = a.clone();
            let t1 = thread::spawn(move || S::atomic_inc_strong(&a1));
            let a2 = a.clone();
            let t2 = thread::spawn(move || S::atomic_inc_strong(&a2));
            assert!(S::atomic_inc_strong_if_nonzero(&a));
            assert!(!S::atomic_dec_strong(&a));
            t1.join().unwrap();
            t2.join().unwrap();
            let v = S::atomic_load(&a, Relaxed);
            // Exact would be HALF + 1: in the band, so saturated either way.
            assert!(S::is_strong_saturated(v), "{v}");
            assert!(v > HALF && v < u32::MAX - u32::MAX / 8, "{v}");
        });
    }

    /// A saturated count is only read: clone and drop on two threads leave
    /// it at exactly `STRONG_SATURATED` (the immortal fast path writes
    /// nothing).
    #[test]
    fn saturated_is_write_free() {
        model(|| {
            let a = LoomArc::new(S::atomic_new(S::STRONG_SATURATED));
            let a1 = a.clone();
            let t = thread::spawn(move || {
                S::atomic_inc_strong(&a1);
                assert!(!S::atomic_dec_strong(&a1));
            });
            assert!(!S::atomic_dec_strong(&a));
            S::atomic_inc_strong(&a);
            t.join().unwrap();
            assert_eq!(S::atomic_load(&a, Relaxed), S::STRONG_SATURATED);
        });
    }
}
