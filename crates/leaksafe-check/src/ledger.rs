//! Tracked values and the drop ledger.
//!
//! A [`Ledger`] records every creation, clone and drop of the [`Tracked`]
//! values it hands out, and can be told to make the k-th `Drop`, `Clone`,
//! comparison, predicate call or iterator step panic ([`Ledger::fail_at`]).
//!
//! # Invariants checked
//! - every value is dropped at most once (a second drop of the same id is a
//!   *double drop*);
//! - no value is read after its drop (each value carries a canary that its
//!   `Drop` overwrites; [`Tracked::get`] checks it);
//! - at the end, live values are leaks; [`Ledger::expect_leaks`] separates
//!   leaks a test caused on purpose (after a `mem::forget`) from the rest.
//!
//! The ledger is thread-safe so that `Arc` and scoped-thread tests can use it.
//!
//! # Detecting a double drop without undefined behaviour
//! A broken container that drops a value twice, or reads a slot it already
//! dropped, would normally be undefined behaviour, and Miri or the allocator
//! would stop the process before any report. [`Tracked`] is built so that
//! the harness observes such bugs instead, deterministically:
//! - its payload and its ledger handle are `ManuallyDrop` fields, released
//!   only by the *first* drop of its id. A second drop (of the same slot, or
//!   of a bitwise copy that a container left behind) finds either the `DEAD`
//!   canary or the id already marked dropped in the books, records a double
//!   drop, and touches nothing else;
//! - [`Tracked::get`], [`Tracked::check`] and [`Tracked::try_get`] consult the
//!   canary and the books before reading the payload.
//!
//! So as long as the memory that holds the value is still allocated (a
//! container's own buffer) and a [`Ledger`] handle outlives it (the explorer
//! keeps one for the whole run), a double drop or a stale read of a `Tracked`
//! is a recorded fact, not undefined behaviour. Payloads should be plain data
//! (`usize`) for that argument to cover them too.
//!
//! # Corrupt slots
//! A container may also leave a zeroed or garbage slot inside its length.
//! `Tracked`'s drop and its read check therefore look at the plain-data
//! fields first (canary, id, and `home`, the *address* of its ledger's
//! books) and never dereference the ledger handle stored in the value until
//! the canary is `ALIVE` and a live ledger found by that address, in this
//! thread's runs or in a process-wide registry of live ledgers, vouches for
//! the id. Anything else is recorded through that ledger, or through the
//! ledger of the run in progress on this thread (as a drop of an unknown
//! value), or, with neither, counted in [`orphan_drops`]. A garbage slot
//! whose bits happen to equal a live value's canary, home and id is
//! indistinguishable from it (a bitwise duplicate, reported as such).
//!
//! # Planned panics
//! A planned panic fires once (then the plan is disarmed), and never while the
//! thread is already unwinding: a second panic during unwinding would abort
//! the process, which would hide the report. [`Ledger::injected`] lists the
//! panics that fired.
//!
//! ```
//! use leaksafe_check::{Ledger, Op};
//!
//! let ledger = Ledger::new();
//! let a = ledger.track(1);
//! let b = a.clone();
//! ledger.fail_at(Op::Drop, 0); // the next drop panics, after being recorded
//! let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(a)));
//! assert!(r.is_err());
//! drop(b);
//! ledger.assert_all_dropped();
//! ```

use std::fmt;
use std::hash::{Hash, Hasher};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, Weak};

use crate::Lie;

const ALIVE: u64 = 0x1ea4_5afe_a11e_0000;
const DEAD: u64 = 0xdead_dead_dead_dead;

/// A kind of user-code call that the ledger counts and can make panic.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `Drop::drop` of a [`Tracked`] value.
    Drop,
    /// `Clone::clone` of a [`Tracked`] value.
    Clone,
    /// `PartialEq`/`PartialOrd`/`Ord` of a [`Tracked`] value.
    Compare,
    /// A user closure that calls [`Ledger::tick`] (`retain`, `dedup_by`, ...).
    Predicate,
    /// A user iterator's `next` that calls [`Ledger::tick`].
    Next,
}

impl Op {
    /// Every kind of operation, in a fixed order.
    pub const ALL: [Op; 5] = [Op::Drop, Op::Clone, Op::Compare, Op::Predicate, Op::Next];

    fn index(self) -> usize {
        self as usize
    }
}

/// The payload of a panic that the ledger injected on purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InjectedPanic {
    /// Which operation panicked.
    pub op: Op,
    /// Its index among the calls of that operation since [`Ledger::fail_at`].
    pub call: usize,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum State {
    Alive,
    Dropped,
}

#[derive(Default)]
struct Books {
    states: Vec<State>,
    double_drops: Vec<usize>,
    bad_reads: Vec<usize>,
    unknown_drops: usize,
    expected_leaks: usize,
    fired: Vec<InjectedPanic>,
}

struct Inner {
    books: Mutex<Books>,
    calls: [AtomicUsize; 5],
    /// `usize::MAX` when no failure is planned for that op.
    fail_at: [AtomicUsize; 5],
    /// The lie of the harness's iterators ([`Lie::code`], 0 = honest).
    lie: AtomicU8,
    /// Lying-capable iterators handed out so far.
    liars: AtomicUsize,
}

/// Every live ledger, so that a value whose memory may be corrupt is
/// recorded through a ledger found here, by address, and never through the
/// handle stored in the value (see [`Tracked`]'s drop).
static REGISTRY: Mutex<Vec<Weak<Inner>>> = Mutex::new(Vec::new());

/// Corrupt values that no live ledger could be found for (their `home`
/// address matched nothing): they are counted here and reported by the next
/// run that ends on this thread... or by [`orphan_drops`].
static ORPHANS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The ledgers of the runs in progress on this thread (innermost last):
    /// a corrupt value whose home is unknown is recorded in the innermost.
    static CURRENT: std::cell::RefCell<Vec<Ledger>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Drops and reads of corrupt values (garbage or zeroed memory posing as a
/// [`Tracked`]) that happened with no run in progress on the thread and no
/// live ledger at the address the value names. Normally 0.
pub fn orphan_drops() -> usize {
    ORPHANS.load(Ordering::SeqCst)
}

fn addr_of_inner(inner: &Arc<Inner>) -> usize {
    Arc::as_ptr(inner).addr()
}

/// The ledger at address `home`, found without dereferencing anything a
/// value supplied: the run's own ledgers on this thread first, then the
/// registry of live ledgers.
fn resolve(home: usize) -> Option<Ledger> {
    if home == 0 {
        return None;
    }
    let here = CURRENT
        .try_with(|c| {
            c.borrow()
                .iter()
                .rev()
                .find(|l| addr_of_inner(&l.inner) == home)
                .cloned()
        })
        .ok()
        .flatten();
    if here.is_some() {
        return here;
    }
    let reg = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    reg.iter()
        .filter(|w| w.as_ptr().addr() == home)
        .find_map(Weak::upgrade)
        .map(|inner| Ledger { inner })
}

/// The innermost run's ledger on this thread, if a run is in progress.
fn current() -> Option<Ledger> {
    CURRENT
        .try_with(|c| c.borrow().last().cloned())
        .ok()
        .flatten()
}

/// Makes `ledger` this thread's innermost run ledger until the guard drops.
pub(crate) struct CurrentGuard;

impl CurrentGuard {
    pub(crate) fn enter(ledger: &Ledger) -> CurrentGuard {
        CURRENT.with(|c| c.borrow_mut().push(ledger.clone()));
        CurrentGuard
    }
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.borrow_mut().pop());
    }
}

/// The drop ledger: a shared record of every [`Tracked`] value's life.
///
/// Cloning a `Ledger` gives another handle to the same books.
#[derive(Clone)]
pub struct Ledger {
    inner: Arc<Inner>,
}

impl Default for Ledger {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Ledger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ledger")
            .field("summary", &self.summary())
            .finish()
    }
}

/// A snapshot of a ledger's counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Values created (by [`Ledger::track`] or by cloning).
    pub created: usize,
    /// Values dropped exactly once so far.
    pub dropped: usize,
    /// Values still alive.
    pub live: usize,
    /// Second (or later) drops of the same value.
    pub double_drops: usize,
    /// Reads of a value after its drop, or of a corrupt value.
    pub bad_reads: usize,
    /// Drops of values this ledger never created (corrupt memory).
    pub unknown_drops: usize,
    /// Live values the test declared it leaked on purpose.
    pub expected_leaks: usize,
}

impl Summary {
    /// No double drop, no bad read, no drop of an unknown value.
    pub fn is_sound(&self) -> bool {
        self.double_drops == 0 && self.bad_reads == 0 && self.unknown_drops == 0
    }

    /// Live values beyond those declared as expected leaks.
    pub fn unexpected_leaks(&self) -> usize {
        self.live.saturating_sub(self.expected_leaks)
    }
}

impl Ledger {
    /// A new, empty ledger with no failure planned.
    pub fn new() -> Self {
        install_quiet_hook();
        let inner = Arc::new(Inner {
            books: Mutex::new(Books::default()),
            calls: Default::default(),
            fail_at: std::array::from_fn(|_| AtomicUsize::new(usize::MAX)),
            lie: AtomicU8::new(0),
            liars: AtomicUsize::new(0),
        });
        let mut reg = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
        reg.retain(|w| w.strong_count() > 0);
        reg.push(Arc::downgrade(&inner));
        drop(reg);
        Ledger { inner }
    }

    fn home(&self) -> usize {
        addr_of_inner(&self.inner)
    }

    /// Makes every lying-capable iterator handed out from now on
    /// ([`track_range`](Self::track_range), [`lying`](Self::lying)) tell
    /// `lie` (`None`: honest). The explorer sets it from the case.
    pub fn set_lie(&self, lie: Option<Lie>) {
        self.inner
            .lie
            .store(lie.map_or(0, Lie::code), Ordering::SeqCst);
    }

    /// The lie set by [`set_lie`](Self::set_lie).
    pub fn lie(&self) -> Option<Lie> {
        Lie::from_code(self.inner.lie.load(Ordering::SeqCst))
    }

    /// How many lying-capable iterators were handed out (the explorer tries
    /// the lies only for scenarios that used one).
    pub fn liars(&self) -> usize {
        self.inner.liars.load(Ordering::SeqCst)
    }

    /// Wraps `items` in an iterator whose `size_hint` and `len` tell this
    /// ledger's current [`Lie`] (honest when none is set); the items are the
    /// honest ones. Feed it to the container's `extend`/`insert_many`.
    pub fn lying<I: IntoIterator>(&self, items: I) -> Lying<I::IntoIter>
    where
        I::IntoIter: ExactSizeIterator,
    {
        self.inner.liars.fetch_add(1, Ordering::SeqCst);
        Lying {
            inner: items.into_iter(),
            lie: self.lie(),
        }
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        // A panic while the books are locked is impossible (no user code runs
        // under the lock), but recover from poison rather than cascade.
        self.inner.books.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates a tracked value recorded in this ledger.
    pub fn track<T>(&self, value: T) -> Tracked<T> {
        let id = self.register();
        Tracked {
            canary: ALIVE,
            id,
            home: self.home(),
            value: ManuallyDrop::new(value),
            ledger: ManuallyDrop::new(self.clone()),
        }
    }

    /// `n` tracked values `0..n`, handy for filling a container. Its
    /// `size_hint` tells the ledger's [`Lie`], if one is set.
    pub fn track_range(&self, n: usize) -> impl Iterator<Item = Tracked<usize>> + '_ {
        self.lying((0..n).map(move |i| self.track(i)))
    }

    fn register(&self) -> usize {
        let mut b = self.books();
        b.states.push(State::Alive);
        b.states.len() - 1
    }

    /// Plans a panic: the `k`-th call (0-based) of `op` counted from now panics
    /// with an [`InjectedPanic`] payload. Resets the count of `op`.
    pub fn fail_at(&self, op: Op, k: usize) {
        self.inner.calls[op.index()].store(0, Ordering::SeqCst);
        self.inner.fail_at[op.index()].store(k, Ordering::SeqCst);
    }

    /// Cancels every planned failure.
    pub fn disarm(&self) {
        for f in &self.inner.fail_at {
            f.store(usize::MAX, Ordering::SeqCst);
        }
    }

    /// How many calls of `op` were counted since the last [`fail_at`](Self::fail_at)
    /// of that op (or since the ledger was created).
    pub fn calls(&self, op: Op) -> usize {
        self.inner.calls[op.index()].load(Ordering::SeqCst)
    }

    /// Counts one call of `op` and panics if this is the planned one.
    ///
    /// Call it from user closures and iterators under test:
    /// `v.retain(|x| { ledger.tick(Op::Predicate); *x % 2 == 0 })`.
    #[track_caller]
    pub fn tick(&self, op: Op) {
        if let Some(p) = self.should_fail(op) {
            std::panic::panic_any(p);
        }
    }

    fn should_fail(&self, op: Op) -> Option<InjectedPanic> {
        let call = self.inner.calls[op.index()].fetch_add(1, Ordering::SeqCst);
        // Never while unwinding: a panic in a destructor during unwinding
        // aborts the process. One-shot: a planned failure fires once, so
        // unwinding code that drops further values does not panic again.
        if std::thread::panicking()
            || self.inner.fail_at[op.index()]
                .compare_exchange(call, usize::MAX, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
        {
            return None;
        }
        let p = InjectedPanic { op, call };
        self.books().fired.push(p.clone());
        Some(p)
    }

    /// The planned panics that fired so far (at most one per [`fail_at`](Self::fail_at)).
    pub fn injected(&self) -> Vec<InjectedPanic> {
        self.books().fired.clone()
    }

    /// Whether the `k`-th call of `op` planned with [`fail_at`](Self::fail_at)
    /// was reached (whether or not it could fire).
    pub fn reached(&self, op: Op, k: usize) -> bool {
        self.calls(op) > k
    }

    /// Ids of values dropped more than once (one entry per extra drop).
    pub fn double_drop_ids(&self) -> Vec<usize> {
        self.books().double_drops.clone()
    }

    /// Ids of values read after their drop (one entry per bad read).
    pub fn bad_read_ids(&self) -> Vec<usize> {
        self.books().bad_reads.clone()
    }

    /// Declares that `n` more live values are leaked on purpose (e.g. by a
    /// forgotten proxy), so [`assert_no_unexpected_leaks`](Self::assert_no_unexpected_leaks)
    /// accepts them.
    pub fn expect_leaks(&self, n: usize) {
        self.books().expected_leaks += n;
    }

    /// Ids of the values still alive.
    pub fn live_ids(&self) -> Vec<usize> {
        let b = self.books();
        (0..b.states.len())
            .filter(|&i| b.states[i] == State::Alive)
            .collect()
    }

    /// Whether the value with this id is alive.
    pub fn is_alive(&self, id: usize) -> bool {
        self.books().states.get(id) == Some(&State::Alive)
    }

    /// A snapshot of the counts.
    pub fn summary(&self) -> Summary {
        let b = self.books();
        let live = b.states.iter().filter(|s| **s == State::Alive).count();
        Summary {
            created: b.states.len(),
            dropped: b.states.len() - live,
            live,
            double_drops: b.double_drops.len(),
            bad_reads: b.bad_reads.len(),
            unknown_drops: b.unknown_drops,
            expected_leaks: b.expected_leaks,
        }
    }

    /// Panics unless every drop so far was the first of its value and no
    /// dropped value was read.
    #[track_caller]
    pub fn assert_sound(&self) {
        let s = self.summary();
        assert!(
            s.is_sound(),
            "ledger: unsound: {s:?} (double drops of ids {:?})",
            self.books().double_drops
        );
    }

    /// [`assert_sound`](Self::assert_sound), and every value was dropped exactly once.
    #[track_caller]
    pub fn assert_all_dropped(&self) {
        self.assert_sound();
        let live = self.live_ids();
        assert!(
            live.is_empty(),
            "ledger: {} values never dropped (ids {live:?})",
            live.len()
        );
    }

    /// [`assert_sound`](Self::assert_sound), and no live values beyond the expected leaks.
    #[track_caller]
    pub fn assert_no_unexpected_leaks(&self) {
        self.assert_sound();
        let s = self.summary();
        assert!(s.unexpected_leaks() == 0, "ledger: unexpected leaks: {s:?}");
    }

    /// Records a drop; returns whether it is the first drop of a live value
    /// (the only case where the value's resources may be released).
    fn record_drop(&self, id: usize, canary: u64) -> bool {
        let mut b = self.books();
        if canary != ALIVE {
            b.double_drops.push(id);
            return false;
        }
        match b.states.get(id).copied() {
            Some(State::Alive) => {
                b.states[id] = State::Dropped;
                true
            }
            Some(State::Dropped) => {
                b.double_drops.push(id);
                false
            }
            None => {
                b.unknown_drops += 1;
                false
            }
        }
    }

    fn record_bad_read(&self, id: usize) {
        self.books().bad_reads.push(id);
    }

    fn record_corrupt_drop(&self) {
        self.books().unknown_drops += 1;
    }
}

/// An iterator whose `size_hint` and `ExactSizeIterator::len` tell a
/// [`Lie`] (made by [`Ledger::lying`]); the items are `I`'s, honestly.
#[derive(Clone, Debug)]
pub struct Lying<I> {
    inner: I,
    lie: Option<Lie>,
}

impl<I: ExactSizeIterator> Iterator for Lying<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.inner.len();
        match self.lie {
            Some(l) => l.size_hint(n),
            None => (n, Some(n)),
        }
    }
}

impl<I: ExactSizeIterator> ExactSizeIterator for Lying<I> {
    fn len(&self) -> usize {
        let n = self.inner.len();
        self.lie.map_or(n, |l| l.len(n))
    }
}

impl<I: ExactSizeIterator + DoubleEndedIterator> DoubleEndedIterator for Lying<I> {
    fn next_back(&mut self) -> Option<I::Item> {
        self.inner.next_back()
    }
}

/// A value whose life is recorded in a [`Ledger`].
///
/// `Clone`, `Drop` and comparisons count as [`Op::Clone`], [`Op::Drop`] and
/// [`Op::Compare`], and panic when the ledger planned it. A `Drop` that
/// panics records the drop first, as the value is gone either way.
///
/// A second drop of the same value is recorded and otherwise does nothing
/// (see [the crate docs](crate#detecting-a-double-drop-without-undefined-behaviour)
/// for why this keeps broken containers observable instead of undefined).
pub struct Tracked<T = usize> {
    canary: u64,
    id: usize,
    /// The address of the ledger's books: compared with the addresses of
    /// live ledgers, never dereferenced (the value may be garbage).
    home: usize,
    /// Released by the first drop only.
    value: ManuallyDrop<T>,
    /// Released by the first drop only; a later drop or read of a stale copy
    /// uses it while some other handle keeps the books allocated.
    ledger: ManuallyDrop<Ledger>,
}

impl<T> Tracked<T> {
    /// The value's id in its ledger (ids are given in creation order).
    pub fn id(&self) -> usize {
        self.id
    }

    /// The ledger this value is recorded in.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Reads the value, checking that it is alive and not corrupt.
    ///
    /// # Panics
    /// If the value was dropped or its canary is corrupt (the read is also
    /// recorded as a bad read).
    #[track_caller]
    pub fn get(&self) -> &T {
        self.check();
        &self.value
    }

    /// Checks the canary and the ledger without reading the value.
    ///
    /// # Panics
    /// If the value was dropped or is corrupt (recorded as a bad read).
    #[track_caller]
    pub fn check(&self) {
        if !self.is_valid() {
            panic!(
                "leaksafe-check: read of dropped or corrupt value (id {})",
                self.id
            );
        }
    }

    /// Reads the value if it is alive and not corrupt; otherwise records a
    /// bad read and returns `None` (no panic).
    ///
    /// ```
    /// let ledger = leaksafe_check::Ledger::new();
    /// let v = vec![ledger.track(7)];
    /// assert_eq!(v[0].try_get(), Some(&7));
    /// ```
    pub fn try_get(&self) -> Option<&T> {
        if self.is_valid() {
            Some(&self.value)
        } else {
            None
        }
    }

    /// The canary first, then the books of the ledger found at `home`
    /// (never the handle stored in the value, which may be garbage).
    fn is_valid(&self) -> bool {
        // Plain-data reads of the slot: harmless whatever its bits.
        let (canary, id, home) = (self.canary, self.id, self.home);
        match resolve(home) {
            Some(l) if canary == ALIVE && l.is_alive(id) => true,
            Some(l) => {
                l.record_bad_read(id);
                false
            }
            None => {
                match current() {
                    Some(l) => l.record_bad_read(id),
                    None => {
                        ORPHANS.fetch_add(1, Ordering::SeqCst);
                    }
                }
                false
            }
        }
    }
}

impl<T: Clone> Clone for Tracked<T> {
    fn clone(&self) -> Self {
        self.check();
        self.ledger.tick(Op::Clone);
        self.ledger.track(T::clone(&self.value))
    }
}

impl<T> Drop for Tracked<T> {
    fn drop(&mut self) {
        // The canary and the plain-data fields first: the slot may hold a
        // zeroed or garbage value that a broken container left inside its
        // length, so nothing it holds is dereferenced before the books (of
        // a ledger found by address, not through the value) vouch for it.
        let (canary, id, home) = (self.canary, self.id, self.home);
        let Some(ledger) = resolve(home) else {
            // Not a value of any live ledger: corrupt memory.
            match current() {
                Some(l) => l.record_corrupt_drop(),
                None => {
                    ORPHANS.fetch_add(1, Ordering::SeqCst);
                }
            }
            return;
        };
        if canary != ALIVE && canary != DEAD {
            ledger.record_corrupt_drop();
            return;
        }
        let first = ledger.record_drop(id, canary);
        if !first {
            // A double drop: recorded above; releasing anything again would
            // be the very bug we report.
            return;
        }
        self.canary = DEAD;
        // SAFETY: the canary is ALIVE, the value's home is a live ledger,
        // and its books just moved this id from alive to dropped, so this is
        // the first drop of a value made by `track` (or a bitwise copy of
        // one, whose other copies take the `!first` branch): `value` was
        // initialized and never released.
        unsafe { ManuallyDrop::drop(&mut self.value) };
        // SAFETY: as above, the value's own ledger handle (a clone of the
        // ledger found at `home`) is released only here, once.
        drop(unsafe { ManuallyDrop::take(&mut self.ledger) });
        let fail = ledger.should_fail(Op::Drop);
        drop(ledger);
        if let Some(p) = fail {
            std::panic::panic_any(p);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Tracked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.canary == ALIVE {
            T::fmt(&self.value, f)
        } else {
            write!(f, "<dropped #{}>", self.id)
        }
    }
}

impl<T: PartialEq> PartialEq for Tracked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.check();
        other.check();
        self.ledger.tick(Op::Compare);
        self.value == other.value
    }
}

impl<T: Eq> Eq for Tracked<T> {}

impl<T: PartialOrd> PartialOrd for Tracked<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.check();
        other.check();
        self.ledger.tick(Op::Compare);
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Tracked<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.check();
        other.check();
        self.ledger.tick(Op::Compare);
        self.value.cmp(&other.value)
    }
}

impl<T: Hash> Hash for Tracked<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.check();
        self.value.hash(state);
    }
}

thread_local! {
    static QUIET: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `f` with the quiet hook silencing *every* panic message on this
/// thread (for code that re-raises an injected panic under its own payload,
/// such as a scope whose thread panicked).
pub fn quietly<R>(f: impl FnOnce() -> R) -> R {
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(q.get() - 1));
        }
    }
    install_quiet_hook();
    QUIET.with(|q| q.set(q.get() + 1));
    let _restore = Restore;
    f()
}

/// Installs (once per process) a panic hook that stays silent for
/// [`InjectedPanic`] payloads and defers to the previous hook otherwise.
pub fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet = QUIET.with(|q| q.get() > 0);
            if !quiet && info.payload().downcast_ref::<InjectedPanic>().is_none() {
                prev(info);
            }
        }));
    });
}

/// Runs `f`, catching a panic. Returns `Err(Some(p))` for an injected panic,
/// `Err(None)` for any other panic.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Option<InjectedPanic>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|e| e.downcast_ref::<InjectedPanic>().cloned())
}
