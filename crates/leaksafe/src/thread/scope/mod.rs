//! Scoped threads that the scope joins, whatever happened to their handles.
//!
//! ```
//! let mut a = vec![1, 2, 3];
//! let mut x = 0;
//!
//! leaksafe::thread::scope(|s| {
//!     s.spawn(|| {
//!         println!("hello from the first scoped thread");
//!         // We can borrow `a` here.
//!         dbg!(&a);
//!     });
//!     let guard = s.spawn_guard(|| {
//!         // We can even mutably borrow `x` here,
//!         // because no other threads are using it.
//!         x += a[0] + a[2];
//!     });
//!     // Forgetting a guard or a handle is harmless: the scope still waits.
//!     core::mem::forget(guard);
//! });
//!
//! // After the scope, we can modify and access our variables again:
//! a.push(4);
//! assert_eq!(x, a.len());
//! ```
//!
//! # The lesson
//! The Rustonomicon's `thread::scoped` returned a `JoinGuard` whose destructor
//! joined the thread; `mem::forget(guard)` let the thread outlive the data it
//! borrowed. std's cure, `std::thread::scope`, makes the *scope* join — but it
//! counts result *packets*, and a `ScopedJoinHandle` keeps its packet alive, so
//! a forgotten handle makes `std::thread::scope` wait forever. Here the scope
//! counts *running threads*, so forgetting anything is harmless.
//!
//! # Invariants (the soundness argument)
//! 1. **The count.** `ScopeData::num_running_threads` is incremented by the
//!    spawner *before* the thread exists, and decremented by the thread as its
//!    very last action that touches data of the scope: after its closure was
//!    consumed (run, or dropped when the OS refused the thread), after its
//!    result was stored, and after it gave up its reference to its packet.
//!    A spawner is always the scope's own closure, a counted thread (a
//!    scoped thread, a thread of a nested scope or a pool task running
//!    inside one of those, or a thread of step c below), or the owner while
//!    it drops the unclaimed results (invariant 6, step c — every unclaimed
//!    result, whether its handle was forgotten or is only reachable from
//!    another result — after which it waits again), so `scope` cannot
//!    return while a spawner can still spawn.
//! 2. **The owner waits.** `scope` returns (or resumes a panic) only after it
//!    saw the count at 0 with `Acquire`, which pairs with each thread's
//!    `Release` decrement: everything every thread did happens-before `scope`
//!    returns. Hence no thread touches `'scope` or `'env` data afterwards.
//! 3. **No lost wake-up, no use after free.** The owner checks the count and
//!    goes to sleep on a condition variable *while holding* the scope's lock;
//!    the thread that brings the count to 0 takes and releases that lock, then
//!    notifies. So either the owner's check already sees 0, or the owner is
//!    waiting (it released the lock inside `wait`) when the notification
//!    comes: the last
//!    thread finishing cannot slip in between the check and the wait. The owner
//!    re-checks in a loop, so spurious wake-ups are harmless. The last thread
//!    reaches the lock and condition variable through a *cloned*
//!    `Arc<ScopeData>` it owns, never through a reference into the scope
//!    (rust-lang/rust#98498: a thread that decrements and then touches the
//!    scope's memory races with the owner returning and freeing it).
//!    (std parks the owner thread instead; a condition variable costs the same
//!    — one uncontended lock by the last thread — and lets loom model the
//!    exact code, which it cannot do for `unpark` racing a `join`.)
//! 4. **Packets.** Each thread has a `Packet` (its result slot and the native
//!    join handle), allocated by the spawner, *owned by the scope* (kept in
//!    its list) and referenced by exactly two sides: the thread and the
//!    handle/guard. `refs` counts the sides (2 at spawn). A side gives up its
//!    reference exactly once; the last one out takes an unread result out,
//!    sets `released`, and only then drops what it took. Only the scope frees
//!    packets: released ones when the list has grown (amortised, so memory
//!    stays proportional to live threads and forgotten handles), at any time
//!    — also while `scope` is finishing (invariant 6 takes results out of
//!    their packets first, so it needs no packet kept) — and all the others
//!    at the very end of `scope` (invariant 6, step d).
//! 5. **Lifetime erasure.** The thread's closure borrows `'scope` data but the
//!    OS wants `'static`: the closure is boxed and its lifetime erased. By 1 and
//!    2 the closure and everything it borrows is gone before `scope` returns.
//! 6. **The end of the scope (`Scope::finish`): reclaim, then free.** When
//!    the scope's closure has returned and no thread runs, a live handle or
//!    guard is either *reachable only from unclaimed results* (a result is
//!    any `T: 'scope`, so it may hold a `ScopedJoinHandle`, a `JoinGuard`,
//!    or the `&'scope Scope` itself and spawn from its `Drop`; or refer to
//!    `Box::leak`ed storage that holds one), or not reachable at all
//!    (forgotten, or leaked inside something forgotten). Nothing else can
//!    reach one: `'scope` is invariant and chosen by `scope`, so no place
//!    outside the closure can name a handle's type; thread-locals and panic
//!    payloads are `'static`; a thread's closure is consumed before the
//!    thread is counted out (invariant 1), and no thread runs here; a
//!    handle moved into a nested scope's thread came back or was dropped
//!    before that inner scope returned, inside this one; a handle moved
//!    into a pool task came back, was dropped, or — if that task's
//!    `PoolHandle` was forgotten, whose result the pool leaks — is leaked
//!    for good (not reachable).
//!    Dropping a result may therefore touch *any* packet (drop or join a
//!    handle to an older or a newer packet, spawn a thread that joins one),
//!    so no order of "drop this result, free that packet" is sound. Instead
//!    `finish` frees **no** packet until a reclaim loop converges:
//!
//!    - **a.** Wait until no thread runs (invariant 2). Then nothing touches any
//!      packet concurrently, and every access any thread made to one
//!      happens-before this point.
//!    - **b.** Under the packet lock, take every unclaimed result out of its
//!      packet (newest first) into an owned, type-erased box (`Doomed`);
//!      results without drop glue are dropped right there (no code runs).
//!      From here a `join` of that packet finds its slot empty and returns
//!      the defined answer `Err(SCOPE_DROPPED_RESULT)`. Taking all of them
//!      *before* running any user code means no thread spawned by that code
//!      can race with the taking; and since the results no longer live in
//!      packets, no packet needs to stay allocated for them: compaction
//!      (which frees only released packets) stays on.
//!    - **c.** Drop the doomed results **concurrently**: when there is more
//!      than one, each but the last (the oldest) is dropped on a new thread
//!      that the owner counts before spawning it (invariant 1) and that
//!      counts itself out after the drop, as its last action; the owner
//!      drops the oldest itself. So a `Drop` that waits for another
//!      result's `Drop` of the same round does not hang. This is sound for
//!      the same reasons as a scoped thread (invariant 5): a result is
//!      `T: Send` (every spawn requires it), its `'scope` lifetime is erased
//!      only while the counted thread drops it, and step a of the next round
//!      waits for that thread. If the thread cannot be counted or created,
//!      the owner drops that result itself, before going on (the only case
//!      where such mutually waiting results still hang). The drops may drop
//!      or join handles (a packet with a live handle is not released, so it
//!      is not freed) and spawn threads (counted, so step a waits for them;
//!      their packets get results that the next round reclaims).
//!    - **d.** If step b found anything, go back to a. Otherwise no thread runs
//!      and no result is left anywhere: every handle still pointing at a
//!      packet is unreachable, so freeing every packet is sound, and it runs
//!      no user code (each packet holds at most a native join handle).
//!
//!    `scope` does not hang on a forgotten handle (it never waits for a
//!    handle, only for running threads), and every thread spawned while
//!    results were dropped was waited for by step a of the next round.
//!    The loop ends when user code stops spawning, as `std::thread::scope`
//!    ends when its threads do. What still hangs is a `Drop` that waits for
//!    something only a *later* round provides (e.g. the drop of a result of
//!    a thread it spawns itself and whose handle it forgets), like a thread
//!    that joins itself.
//!
//! # What happens to results (the precise rule)
//! - A joined handle or guard gets its result.
//! - A handle or guard dropped before its thread finished: the thread drops its
//!   own result when it finishes (before it decrements the count).
//! - A handle dropped after its thread finished: the handle's drop drops the
//!   result; a guard's drop joins and drops it.
//! - A forgotten handle or guard: nobody can tell it from one that will still
//!   be joined, so the result stays in the packet until every thread of the
//!   scope has finished; then `scope` drops it, **before `scope` returns**. The
//!   native thread is detached then. Forgetting leaks nothing.
//! - A handle or guard reachable only from such a result (or moved from its
//!   `Drop` into a new thread) may be joined after the scope took its own
//!   result away (invariant 6): that `join` returns
//!   `Err(Box::new(SCOPE_DROPPED_RESULT))` (see [`SCOPE_DROPPED_RESULT`]),
//!   and a guard dropped then just waits for its thread.
//!
//! If a result dropped this way is a panic payload (the thread panicked and
//! nobody joined it), `scope` panics with "a scoped thread panicked" after all
//! threads finished — std's rule. A panic in the scope's own closure is
//! resumed after all threads finished (it wins over a thread's panic).
//!
//! # A result or payload whose `Drop` panics
//! When leaksafe drops a result or a panic payload on your behalf (the three
//! cases above, and a guard dropped without `join`), a panic from that `Drop`
//! **aborts the process** with "thread result panicked on drop", as std does.
//! Letting it unwind could skip the decrement (invariant 1) or the wait
//! (invariant 2), which is the bug class of scoped-task libraries where a
//! panicking payload drop let a borrow escape. Results that `join` returns to
//! you are yours: their drop runs in your code.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::mem;
use core::ptr::NonNull;
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use crate::sync::shim::{AtomicBool, AtomicUsize, Condvar, Mutex, Ordering, StdArc};

mod builder;
mod handle;
mod join_guard;

pub use builder::Builder;
pub use handle::ScopedJoinHandle;
pub use join_guard::JoinGuard;

/// The operating system's threads (loom's model threads under `--cfg loom`,
/// so that loom explores the whole protocol, not a copy of it).
mod native {
    #[cfg(loom)]
    pub(crate) use loom::thread::{Builder, JoinHandle, Thread};
    #[cfg(not(loom))]
    pub(crate) use std::thread::{Builder, JoinHandle, Thread};
}

/// The thread type that [`ScopedJoinHandle::thread`] returns:
/// `std::thread::Thread` (loom's under `--cfg loom`).
use native::Thread;

/// Creates a scope for spawning scoped threads.
///
/// The function passed to `scope` is given a [`Scope`], through which threads
/// can be spawned ([`Scope::spawn`], [`Scope::spawn_guard`], [`Builder`]).
/// They may borrow non-`'static` data from outside the scope.
///
/// All threads spawned within the scope — including threads spawned by those
/// threads — are joined before this function returns, whether their handles
/// and guards were joined, dropped or forgotten (`core::mem::forget`). Results
/// nobody can claim any more (their handle was forgotten, or is reachable
/// only from another such result) are dropped before this function returns
/// (see the [module docs](crate::thread)). When there are several, they are
/// dropped concurrently, each but one on its own short-lived thread, so a
/// result's `Drop` may wait for another's; if the operating system refuses
/// such a thread, that result is dropped on the calling thread instead,
/// before the others.
///
/// # Panics
/// If any spawned thread panicked and was not joined (its handle or guard was
/// dropped or forgotten), `scope` panics with "a scoped thread panicked" after
/// all threads finished. If `f` panics, that panic is resumed after all threads
/// finished.
///
/// # Aborts
/// If the `Drop` of a result or panic payload that the scope drops on your
/// behalf (an unclaimed result, or one whose handle was dropped after the
/// thread finished, or that the thread dropped because its handle was gone)
/// panics, the process aborts with "thread result panicked on drop", as
/// std does: unwinding there could let `scope` return before its threads
/// finished. Results that `join` returns to you are yours.
///
/// # Example
/// ```
/// let mut a = [1, 2, 3, 4];
/// leaksafe::thread::scope(|s| {
///     for x in &mut a {
///         s.spawn(move || *x *= 2);
///     }
/// });
/// assert_eq!(a, [2, 4, 6, 8]);
/// ```
#[track_caller]
pub fn scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
{
    let scope = Scope {
        data: StdArc::new(ScopeData {
            num_running_threads: AtomicUsize::new(0),
            a_thread_panicked: AtomicBool::new(false),
            lock: Mutex::new(()),
            all_done: Condvar::new(),
        }),
        packets: Mutex::new(Packets {
            live: Vec::new(),
            compact_at: MIN_COMPACT,
        }),
        scope: PhantomData,
        env: PhantomData,
    };

    // Run `f`, but catch panics so we can make sure to wait for all the threads.
    let result = catch_unwind(AssertUnwindSafe(|| f(&scope)));

    // Invariants 2 and 6: wait for every thread, drop every unclaimed result
    // (recording an unjoined panic among them), wait for what their drops
    // spawned, and so on; then free every packet.
    scope.finish();

    match result {
        Err(e) => resume_unwind(e),
        Ok(_) if scope.data.a_thread_panicked.load(Ordering::Relaxed) => {
            panic!("a scoped thread panicked")
        }
        Ok(result) => result,
    }
}

/// The panic payload that [`ScopedJoinHandle::join`] and [`JoinGuard::join`]
/// return (as `Err(Box::new(SCOPE_DROPPED_RESULT))`, a `&'static str`) when
/// the scope already dropped the thread's result.
///
/// That happens only at the end of [`scope`], to a handle that was reachable
/// only from an unclaimed result (the result of a thread whose handle was
/// forgotten, e.g. held in it or in storage it refers to), or that such a
/// result's `Drop` moved into a new thread: the
/// scope drops every unclaimed result before it returns, and a result may
/// hold handles to other threads, so a `join` through such a handle may come
/// after the scope took the other thread's result away. It does not mean the
/// thread panicked (if it did, `scope` panics with "a scoped thread panicked"
/// as for any unjoined panic).
///
/// ```
/// use leaksafe::thread::{SCOPE_DROPPED_RESULT, Scope, ScopedJoinHandle};
/// use std::sync::Mutex;
///
/// struct JoinOnDrop<'scope, 'env>(
///     &'scope Scope<'scope, 'env>,
///     Option<ScopedJoinHandle<'scope, u32>>,
///     &'env Mutex<Option<bool>>,
/// );
/// impl Drop for JoinOnDrop<'_, '_> {
///     fn drop(&mut self) {
///         let (h, seen) = (self.1.take().unwrap(), self.2);
///         self.0.spawn(move || {
///             let e = h.join().unwrap_err();
///             *seen.lock().unwrap() = Some(e.downcast_ref() == Some(&SCOPE_DROPPED_RESULT));
///         });
///     }
/// }
///
/// let seen = Mutex::new(None);
/// leaksafe::thread::scope(|s| {
///     let b = s.spawn(|| 7);
///     let seen = &seen;
///     // Forgotten: the scope drops A's result, whose Drop joins B.
///     core::mem::forget(s.spawn(move || JoinOnDrop(s, Some(b), seen)));
/// });
/// assert_eq!(seen.into_inner().unwrap(), Some(true));
/// ```
pub const SCOPE_DROPPED_RESULT: &str = "leaksafe: the scope dropped this thread's result (its handle was reachable only from an unclaimed result)";

/// A scope to spawn scoped threads in. See [`scope`].
///
/// `'scope` is the lifetime of the scope itself: threads, handles and guards
/// live at most that long. `'env` is the lifetime of what the threads may
/// borrow, and outlives `'scope`.
///
/// ```
/// let v = vec![1, 2, 3];
/// let sum = leaksafe::thread::scope(|s| {
///     let h = s.spawn(|| v.iter().sum::<i32>());
///     h.join().unwrap()
/// });
/// assert_eq!(sum, 6);
/// ```
pub struct Scope<'scope, 'env: 'scope> {
    data: StdArc<ScopeData>,
    /// Every packet not yet freed (invariant 4).
    packets: Mutex<Packets>,
    /// Invariance over `'scope`, to make sure `'scope` cannot shrink, which
    /// is necessary for soundness (as in std).
    scope: PhantomData<&'scope mut &'scope ()>,
    /// Invariance over `'env`, to make sure `'env` cannot grow.
    env: PhantomData<&'env mut &'env ()>,
}

/// The part of the scope that threads keep alive with an `Arc` (invariant 3).
pub(crate) struct ScopeData {
    num_running_threads: AtomicUsize,
    a_thread_panicked: AtomicBool,
    /// Held by the owner from checking the count to waiting, and by the last
    /// thread around its notification (invariant 3). Guards no data.
    lock: Mutex<()>,
    /// Notified when the count reaches 0.
    all_done: Condvar,
}

impl ScopeData {
    /// Counts a thread that is about to be spawned (invariant 1).
    ///
    /// The caller is the scope's closure or a counted thread, so a transient
    /// increment/decrement here can never let `scope` return early.
    fn increment_num_running_threads(&self) {
        if !self.try_increment_num_running_threads() {
            panic!("too many running threads in thread scope");
        }
    }

    /// Counts a thread about to be spawned, unless the count is absurdly
    /// high: returns whether it did.
    fn try_increment_num_running_threads(&self) -> bool {
        // We check for 'overflow' with usize::MAX / 2, to make sure there's
        // no chance it overflows to 0, which would result in unsoundness.
        if self.num_running_threads.fetch_add(1, Ordering::Relaxed) > usize::MAX / 2 {
            // This can only reasonably happen by spawning absurdly many threads.
            self.num_running_threads.fetch_sub(1, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Step c of invariant 6: drops `doomed` on a new thread, counted like
    /// any other (the owner is the spawner and waits again in step a). If the
    /// thread cannot be counted or created, drops it here, on the owner.
    fn drop_on_thread(this: &StdArc<Self>, doomed: Doomed) {
        if !this.try_increment_num_running_threads() {
            doomed.drop_now(this);
            return;
        }
        let side = DropSide {
            doomed: Some(doomed),
            data: StdArc::clone(this),
        };
        // `side` lives in the closure: dropped on the new thread when it
        // runs, or here, inline, if the OS refuses the thread (`spawn` drops
        // the closure before it returns `Err`). Either way it drops the
        // result once and decrements once. A panic out of `spawn` would
        // unwind out of `finish` before the wait: catch it.
        let spawned = catch_unwind(AssertUnwindSafe(move || {
            native::Builder::new().spawn(move || drop(side))
        }));
        // Detaches the thread (it is counted) or drops the error.
        drop_or_abort(spawned);
    }

    /// The finishing thread's last action touching the scope (invariants 1, 3).
    ///
    /// Takes the `Arc` by value: after the `fetch_sub` the owner may return
    /// and drop its `Scope`, so only our own `Arc` keeps the lock and the
    /// condition variable alive.
    fn decrement_num_running_threads(this: StdArc<ScopeData>) {
        if this.num_running_threads.fetch_sub(1, Ordering::Release) == 1 {
            // The owner checks the count and starts waiting under the lock.
            // Taking (and releasing) the lock after our decrement means the
            // owner is now either before its check (it will see 0) or inside
            // `wait`, where the notification reaches it: no gap between the
            // two. Notify after unlocking, so the woken owner does not block
            // again on a lock we still hold.
            drop(this.lock.lock().unwrap_or_else(|e| e.into_inner()));
            this.all_done.notify_one();
        }
        drop(this);
    }

    /// Blocks until no thread of the scope is running (invariant 2).
    fn wait_all(&self) {
        // Fast path: every thread already finished (Acquire, as below).
        if self.num_running_threads.load(Ordering::Acquire) == 0 {
            return;
        }
        let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        // Acquire pairs with every thread's Release decrement.
        while self.num_running_threads.load(Ordering::Acquire) != 0 {
            guard = self.all_done.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Records that a thread panicked and nobody will see its payload.
    fn unjoined_panic(&self) {
        // Relaxed: published by the thread's `Release` decrement (or done by
        // the owner itself) before `scope` reads it.
        self.a_thread_panicked.store(true, Ordering::Relaxed);
    }
}

/// Compaction of the packet list starts at this length.
const MIN_COMPACT: usize = 32;

/// The scope's list of packets (invariant 4), oldest first.
struct Packets {
    live: Vec<NonNull<Header>>,
    /// Free released packets when `live` reaches this length (also while the
    /// scope is finishing: step b of invariant 6 takes results out of their
    /// packets, so only `release`d packets are ever freed before step d).
    compact_at: usize,
}

// SAFETY: `Packets` owns type-erased `Packet<T>`s with `T: Send` (required by
// every spawn). Whichever thread frees one drops at most a `T` or a panic
// payload (`Send`) and a native join handle (`Send`).
unsafe impl Send for Packets {}

impl<'scope, 'env> Scope<'scope, 'env> {
    /// Spawns a new thread within the scope, returning a [`ScopedJoinHandle`].
    ///
    /// Unlike non-scoped threads, threads spawned with this function may
    /// borrow non-`'static` data from outside the scope. The scope joins the
    /// thread before it returns even if the handle is dropped or forgotten.
    ///
    /// # Panics
    /// If the operating system fails to create a thread ("failed to spawn
    /// thread", as std); use [`Builder::spawn_scoped`] to get an
    /// [`io::Result`] instead.
    ///
    /// ```
    /// let data = [10, 20];
    /// leaksafe::thread::scope(|s| {
    ///     let h = s.spawn(|| data[0] + data[1]);
    ///     assert_eq!(h.join().unwrap(), 30);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        Builder::new()
            .spawn_scoped(self, f)
            .expect("failed to spawn thread")
    }

    /// Spawns a new thread within the scope, returning a [`JoinGuard`] that
    /// joins the thread when dropped — the Rustonomicon's `thread::scoped` API,
    /// made sound: forgetting the guard is harmless because the scope joins.
    ///
    /// # Panics
    /// As [`spawn`](Self::spawn).
    ///
    /// ```
    /// let mut x = 0;
    /// leaksafe::thread::scope(|s| {
    ///     let g = s.spawn_guard(|| x += 1);
    ///     drop(g); // joins
    /// });
    /// assert_eq!(x, 1);
    /// ```
    #[track_caller]
    pub fn spawn_guard<F, T>(&'scope self, f: F) -> JoinGuard<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        JoinGuard::new(self.spawn(f))
    }

    /// The one way threads are spawned: counts the thread (invariant 1),
    /// registers its packet (invariant 4) and erases the closure's lifetime
    /// (invariant 5).
    fn spawn_inner<F, T>(
        &'scope self,
        builder: native::Builder,
        f: F,
    ) -> io::Result<ScopedJoinHandle<'scope, T>>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let packet = NonNull::from(Box::leak(Box::new(Packet::<T> {
            header: Header {
                refs: AtomicUsize::new(2),
                released: AtomicBool::new(false),
                vtable: &Packet::<T>::VTABLE,
            },
            result: UnsafeCell::new(None),
            native: UnsafeCell::new(None),
        })));
        self.register(packet.cast());
        self.data.increment_num_running_threads();

        // From here on, each side gives up its reference on every path: the
        // handle's in its `Drop` (also when we return `Err` or unwind), the
        // thread's in `ThreadSide`'s `Drop` (also when the OS refuses the
        // thread and the closure is dropped unrun).
        let handle = ScopedJoinHandle::new(packet, &self.data);
        let their = ThreadSide {
            packet,
            data: StdArc::clone(&self.data),
        };
        let main = move || {
            let their = their;
            their.run(f);
        };
        let main: Box<dyn FnOnce() + Send + 'scope> = Box::new(main);
        // SAFETY: invariant 5. Only the lifetime changes. The closure and all
        // it borrows (`'scope`/`'env` data, `packet`) are used by the thread
        // only before `ThreadSide` decrements the count, and `scope` does not
        // return before the count is 0 (invariants 1 and 2). If the OS refuses
        // the thread, `spawn` drops the closure before returning.
        let main: Box<dyn FnOnce() + Send + 'static> = unsafe { mem::transmute(main) };
        let native = builder.spawn(main)?;
        // SAFETY: `native` belongs to the handle side, which we still hold;
        // the thread never touches it (invariant 4).
        unsafe { *(*packet.as_ptr()).native.get() = Some(native) };
        Ok(handle)
    }

    /// Adds a packet to the list, freeing released packets when the list has
    /// doubled since the last time (amortised O(1) per spawn).
    fn register(&self, header: NonNull<Header>) {
        let mut packets = self.packets.lock().unwrap_or_else(|e| e.into_inner());
        if packets.live.len() >= packets.compact_at {
            let data = &*self.data;
            packets.live.retain(|&h| {
                // SAFETY: packets in the list are allocated: only the scope
                // frees them, and it removes them from the list when it does.
                let released = unsafe { h.as_ref() }.released.load(Ordering::Acquire);
                if released {
                    // SAFETY: as above; `vtable` is immutable.
                    let free = unsafe { h.as_ref() }.vtable.free;
                    // SAFETY: `released` (Acquire, pairing with the last
                    // side's Release store) means both sides are done with the
                    // packet for good; it leaves the list here, so it is freed
                    // once. Its result and native handle were taken, so no
                    // user code runs under the lock.
                    unsafe { free(h, data) };
                }
                !released
            });
            packets.compact_at = MIN_COMPACT.max(2 * packets.live.len());
        }
        packets.live.push(header);
    }

    /// The end of the scope (invariant 6): reclaim unclaimed results until
    /// none is left and no thread runs, then free every packet.
    fn finish(&self) {
        loop {
            // Step a.
            self.data.wait_all();
            // Step b.
            let mut doomed = self.doom_unclaimed();
            // Step c: all but one on their own threads, the last (the oldest)
            // here; none of them touches a packet on our behalf any more.
            let Some(last) = doomed.pop() else {
                break;
            };
            for d in doomed {
                ScopeData::drop_on_thread(&self.data, d);
            }
            last.drop_now(&self.data);
        }
        // Step d.
        self.free_all_packets();
    }

    /// Step b of invariant 6: takes every unclaimed result that needs a
    /// `Drop` out of its packet, newest first. Results without drop glue are
    /// dropped here (which runs no code).
    fn doom_unclaimed(&self) -> Vec<Doomed> {
        let mut doomed = Vec::new();
        let packets = self.packets.lock().unwrap_or_else(|e| e.into_inner());
        for &h in packets.live.iter().rev() {
            // SAFETY: in the list, so allocated; `vtable` is immutable.
            let doom = unsafe { h.as_ref() }.vtable.doom;
            // SAFETY: no thread runs (step a, Acquire: every access a thread
            // made to a packet happens-before this), and the owner runs no
            // user code while it holds the lock, so nobody else touches the
            // result slots now.
            if let Some(d) = unsafe { doom(h) } {
                doomed.push(d);
            }
        }
        doomed
    }

    /// Frees every packet: step d of invariant 6.
    fn free_all_packets(&self) {
        let live = mem::take(&mut self.packets.lock().unwrap_or_else(|e| e.into_inner()).live);
        for h in live {
            // SAFETY: in the list, so allocated (see `register`).
            let free = unsafe { h.as_ref() }.vtable.free;
            // SAFETY: invariant 6, step d: no thread runs and no result is
            // left, so every handle or guard still holding a reference is
            // unreachable and nobody touches the packet again. Taken out of
            // the list, so freed once.
            unsafe { free(h, &self.data) };
        }
    }
}

impl fmt::Debug for Scope<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field(
                "num_running_threads",
                &self.data.num_running_threads.load(Ordering::Relaxed),
            )
            .field(
                "a_thread_panicked",
                &self.data.a_thread_panicked.load(Ordering::Relaxed),
            )
            .finish_non_exhaustive()
    }
}

/// The type-erased start of every `Packet<T>`.
pub(crate) struct Header {
    /// Sides still holding the packet: the thread and the handle (invariant 4).
    refs: AtomicUsize,
    /// Set by the last side out once it no longer touches the packet.
    released: AtomicBool,
    /// The packet's operations, for its `T`.
    vtable: &'static PacketVTable,
}

/// The type-erased operations on a `Packet<T>`.
struct PacketVTable {
    /// `free_packet::<T>`.
    free: unsafe fn(NonNull<Header>, &ScopeData),
    /// `doom_result::<T>`.
    doom: unsafe fn(NonNull<Header>) -> Option<Doomed>,
}

/// A thread's result slot and native join handle (invariant 4).
///
/// `repr(C)` puts `header` at offset 0, so a `NonNull<Packet<T>>` cast to
/// `NonNull<Header>` points to the header and back.
#[repr(C)]
pub(crate) struct Packet<T> {
    header: Header,
    /// Written once by the thread side before it gives up its reference;
    /// read by the handle after the thread exited (native join), or by the
    /// last side out, or by the scope once no thread runs.
    result: UnsafeCell<Option<std::thread::Result<T>>>,
    /// Written by the spawner (the handle side) after the OS started the
    /// thread; then touched by the handle side (join, drop), by `release`
    /// (which takes it out when the thread side is the last one out), and by
    /// the scope when it frees the packet.
    native: UnsafeCell<Option<native::JoinHandle<()>>>,
}

/// Gives up one side's reference to `packet` (invariant 4). The last side out
/// drops a result nobody will read; a panic payload among those counts as an
/// unjoined panic.
///
/// # Safety
/// The caller holds one of the packet's two references and gives it up: it
/// must not touch the packet after this call.
pub(crate) unsafe fn release<T>(packet: NonNull<Packet<T>>, data: &ScopeData) {
    let p = packet.as_ptr();
    // SAFETY: we hold a reference, so the scope has not freed the packet.
    // AcqRel: Release publishes our writes (the result), Acquire makes the
    // other side's writes visible if we are the last one.
    if unsafe { (*p).header.refs.fetch_sub(1, Ordering::AcqRel) } != 1 {
        return;
    }
    // SAFETY: we are the last side: the other has given up its reference and
    // will not touch the slots again, and the scope does not free a packet
    // before `released`.
    let (result, native) = unsafe { ((*(*p).result.get()).take(), (*(*p).native.get()).take()) };
    // SAFETY: still not released, so still allocated. After this store the
    // scope may free the packet: we only touch our locals below.
    unsafe { (*p).header.released.store(true, Ordering::Release) };
    drop(native);
    drop_unclaimed(result, data);
}

/// Drops a result nobody will read; a panic payload among those is an
/// unjoined panic, which `scope` reports at its end.
fn drop_unclaimed<T>(result: Option<std::thread::Result<T>>, data: &ScopeData) {
    if let Some(result) = result {
        if result.is_err() {
            data.unjoined_panic();
        }
        drop_or_abort(result);
    }
}

/// Drops a value on the user's behalf; aborts if its `Drop` panics (see the
/// module docs: unwinding here could skip invariant 1 or 2).
pub(crate) fn drop_or_abort<T>(value: T) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(value))) {
        // Never drop this payload: its own Drop could panic again.
        mem::forget(payload);
        let _ = writeln!(
            io::stderr(),
            "fatal runtime error: thread result panicked on drop, aborting"
        );
        std::process::abort();
    }
}

impl<T: Send> Packet<T> {
    /// The operations of a `Packet<T>` (promoted to a `'static`).
    const VTABLE: PacketVTable = PacketVTable {
        free: free_packet::<T>,
        doom: doom_result::<T>,
    };
}

/// Step b of invariant 6: takes an unclaimed result out of its packet. A
/// result with nothing to drop is dropped here (no code runs); any other is
/// returned, boxed, to be dropped in step c.
///
/// # Safety
/// `header` is the header of an allocated `Packet<T>` whose result slot
/// nobody else touches during the call.
unsafe fn doom_result<T: Send>(header: NonNull<Header>) -> Option<Doomed> {
    let p = header.cast::<Packet<T>>().as_ptr();
    // SAFETY: by the contract, the slot is ours for the call.
    let result = unsafe { (*(*p).result.get()).take() }?;
    if result.is_ok() && !mem::needs_drop::<T>() {
        return None;
    }
    let ptr = NonNull::from(Box::leak(Box::new(result))).cast::<()>();
    Some(Doomed {
        ptr,
        drop: drop_boxed_result::<T>,
    })
}

/// Drops a result that `doom_result::<T>` boxed (an unjoined panic among
/// them is recorded).
///
/// # Safety
/// `ptr` comes from `doom_result::<T>` and is used once.
unsafe fn drop_boxed_result<T>(ptr: NonNull<()>, data: &ScopeData) {
    // SAFETY: by the contract, a `Box<std::thread::Result<T>>` we now own.
    let result = *unsafe { Box::from_raw(ptr.cast::<std::thread::Result<T>>().as_ptr()) };
    drop_unclaimed(Some(result), data);
}

/// An unclaimed result taken out of its packet in step b of invariant 6,
/// type-erased: it no longer needs its packet, so the packet may be freed
/// (by compaction, once released) while the result is being dropped.
/// Dropping a `Doomed` without `drop_now` leaks the result.
pub(crate) struct Doomed {
    /// A `Box<std::thread::Result<T>>`.
    ptr: NonNull<()>,
    /// `drop_boxed_result::<T>`.
    drop: unsafe fn(NonNull<()>, &ScopeData),
}

// SAFETY: it owns a `std::thread::Result<T>` with `T: Send` (`doom_result`
// requires it) and a `Send` panic payload; nothing else.
unsafe impl Send for Doomed {}

impl Doomed {
    /// Drops the result here (aborting if its `Drop` panics).
    fn drop_now(self, data: &ScopeData) {
        // SAFETY: `self` is consumed, so `ptr` is used once; it came from
        // `doom_result::<T>` with the matching `drop`.
        unsafe { (self.drop)(self.ptr, data) }
    }
}

/// A thread of step c of invariant 6: it drops one doomed result, then counts
/// itself out through its own `Arc`, like `ThreadSide`.
struct DropSide {
    doomed: Option<Doomed>,
    data: StdArc<ScopeData>,
}

impl Drop for DropSide {
    fn drop(&mut self) {
        if let Some(d) = self.doomed.take() {
            d.drop_now(&self.data);
        }
        // Last action touching the scope (invariant 1).
        ScopeData::decrement_num_running_threads(StdArc::clone(&self.data));
    }
}

/// Frees a packet: drops its native handle (detaching the thread) and an
/// unread result.
///
/// # Safety
/// `header` is the header of a `Box<Packet<T>>` that nobody will touch again,
/// freed exactly once.
unsafe fn free_packet<T>(header: NonNull<Header>, data: &ScopeData) {
    // SAFETY: by the contract, a `Box<Packet<T>>` (header at offset 0, repr(C))
    // that we may own.
    let packet = unsafe { Box::from_raw(header.cast::<Packet<T>>().as_ptr()) };
    let Packet { result, native, .. } = *packet;
    drop(native.into_inner());
    drop_unclaimed(result.into_inner(), data);
}

/// What the spawned thread owns besides its closure: its packet reference and
/// a clone of the scope's `Arc` (invariants 1, 3).
struct ThreadSide<T> {
    packet: NonNull<Packet<T>>,
    data: StdArc<ScopeData>,
}

// SAFETY: the thread side moves to the new thread; through `packet` it writes
// a `T` (Send) or a panic payload (Send), and may drop them there.
unsafe impl<T: Send> Send for ThreadSide<T> {}

impl<T> ThreadSide<T> {
    /// The thread's main: runs `f` (consuming it), stores the result, then
    /// `Drop` releases the packet and decrements the count.
    fn run<F: FnOnce() -> T>(self, f: F) {
        let result = catch_unwind(AssertUnwindSafe(f));
        // SAFETY: we hold the thread side's reference; the thread side alone
        // writes `result`, once, and the handle reads it only after we gave up
        // our reference (AcqRel in `release`) or exited (native join).
        unsafe { *(*self.packet.as_ptr()).result.get() = Some(result) };
    }
}

impl<T> Drop for ThreadSide<T> {
    fn drop(&mut self) {
        // SAFETY: the thread side's reference, given up once (this drop).
        unsafe { release(self.packet, &self.data) };
        // Last action touching the scope: decrement through our own `Arc`.
        ScopeData::decrement_num_running_threads(StdArc::clone(&self.data));
    }
}
