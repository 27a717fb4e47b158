//! The two counters the pool's soundness rests on, as small types that loom
//! can check on their own (`loom_tests.rs` drives exactly this code).
//!
//! # Invariants
//! - [`CountLatch`]: the number of a scope's tasks that have been spawned and
//!   have not finished, in units of [`ONE`]; bit 0 ([`COUNT_WAITING`]) says the
//!   scope's owner may be asleep and must be woken when the count reaches
//!   zero. Every decrement is `Release` and the owner's final load is
//!   `Acquire`, so everything a task did happens-before `scope` returns. Once
//!   the count is zero after the scope's closure returned it never rises
//!   again (only the scope's closure and its running tasks can spawn).
//! - [`TaskState`]: one task record, shared by its queue entry (bit
//!   [`QUEUE`], held until the `JobRef` is consumed) and its handle (bit
//!   [`HANDLE`]). Whoever starts the task first — the thread that took the
//!   queue entry, or the handle's joiner, which runs a not-yet-started task
//!   inline — sets [`CLAIMED`] by an RMW ([`TaskState::claim`]), so the
//!   closure runs exactly once. The record is freed, exactly once, by
//!   whoever clears the last of the two reference bits once the task is
//!   done:
//!   - queue runs it: one `fetch_xor(QUEUE | DONE)` ([`TaskState::finish`]);
//!     a task that sees (Acquire) the handle bit already clear skips that
//!     RMW: the bit never comes back, so the task is the record's only owner;
//!   - handle runs it inline: one `fetch_xor(HANDLE | DONE)`
//!     ([`TaskState::finish_inline`]); the queue entry, when later taken,
//!     finds `CLAIMED` and only clears `QUEUE` ([`TaskState::release_queue`]);
//!     whichever of the two RMWs comes second frees. The inline result goes
//!     straight to the joiner, never into the record, so a record freed by
//!     a late queue entry holds no `'scope` data.
//! - A joiner that is about to sleep sets [`WAITING`] first; the task that
//!   finishes sees it in the same RMW and wakes the sleepers, so no wake-up
//!   is lost.
//!
//! [`ONE`]: CountLatch::ONE
//! [`QUEUE`]: TaskState::new
//! [`HANDLE`]: TaskState::new
//! [`CLAIMED`]: TaskState::claim
//! [`WAITING`]: TaskState::arm
//! [`COUNT_WAITING`]: CountLatch::WAITING

use crate::loom::{AtomicUsize, Ordering};

/// A scope's pending-task counter with an "owner is waiting" bit.
#[derive(Debug)]
pub(super) struct CountLatch {
    state: AtomicUsize,
}

impl Default for CountLatch {
    fn default() -> Self {
        Self::new()
    }
}

impl CountLatch {
    /// One pending task.
    pub(super) const ONE: usize = 2;
    /// The owner may sleep: the decrement to zero must wake it.
    pub(super) const WAITING: usize = 1;

    /// No pending task, nobody waiting.
    pub(super) fn new() -> Self {
        CountLatch {
            state: AtomicUsize::new(0),
        }
    }

    /// A task was spawned. Called by a thread that is inside the scope (its
    /// closure or one of its running tasks), so the count is not zero-final.
    pub(super) fn increment(&self) {
        // Relaxed: the task is published to its runner through the deque
        // (Release/Acquire), which orders this increment before its decrement.
        let prev = self.state.fetch_add(Self::ONE, Ordering::Relaxed);
        // Unreachable in practice (it would take usize::MAX/2 live tasks, far
        // beyond memory), but a wrapped count would let `scope` return early.
        if prev > usize::MAX / 2 {
            std::process::abort();
        }
    }

    /// A task finished. Returns `true` if this was the last task and the owner
    /// asked to be woken; the caller must then wake the sleepers, and must not
    /// touch the scope afterwards in any case (the owner may have returned).
    #[must_use]
    pub(super) fn decrement(&self) -> bool {
        self.state.fetch_sub(Self::ONE, Ordering::AcqRel) == Self::ONE | Self::WAITING
    }

    /// The owner is about to sleep: ask the last task to wake it.
    pub(super) fn arm(&self) {
        self.state.fetch_or(Self::WAITING, Ordering::AcqRel);
    }

    /// Every spawned task has finished (Acquire: their effects are visible).
    #[inline]
    pub(super) fn is_zero(&self) -> bool {
        self.state.load(Ordering::Acquire) < Self::ONE
    }
}

/// The reference bits and completion state of one task record.
#[derive(Debug)]
pub(super) struct TaskState {
    state: AtomicUsize,
}

/// The queue entry (not yet taken, or running the task) holds a reference.
const QUEUE: usize = 1;
/// The handle (or guard) holds a reference.
const HANDLE: usize = 2;
/// The task has finished and its result is written.
const DONE: usize = 4;
/// A joiner may be asleep: the finishing task must wake the sleepers.
const WAITING: usize = 8;
/// Someone (the queue entry's taker or the joiner) started the task.
const CLAIMED: usize = 16;

/// What [`TaskState::finish`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Finished {
    /// The handle is gone: the finishing task owns the record and frees it.
    HandleGone,
    /// The handle still lives and owns the record now; nobody is waiting.
    HandleAlive,
    /// The handle still lives and its joiner may be asleep: wake the sleepers
    /// (without touching the record, which the joiner may free at once).
    WakeJoiner,
}

impl Default for TaskState {
    fn default() -> Self {
        Self::new()
    }
}

impl TaskState {
    /// A new task, referenced by its queue entry and its handle.
    pub(super) fn new() -> Self {
        TaskState {
            state: AtomicUsize::new(QUEUE | HANDLE),
        }
    }

    /// Tries to start the task: `true` for the one caller that does (it
    /// then runs the closure); `false` if someone already did. AcqRel: the
    /// winner sees the closure as the spawner wrote it.
    pub(super) fn claim(&self) -> bool {
        self.state.fetch_or(CLAIMED, Ordering::AcqRel) & CLAIMED == 0
    }

    /// The queue entry of a task that a joiner claimed is taken: drop its
    /// reference. Returns `true` if the handle's is already gone (the joiner
    /// finished the task and let go): the caller then frees the record.
    pub(super) fn release_queue(&self) -> bool {
        let prev = self.state.fetch_and(!QUEUE, Ordering::AcqRel);
        debug_assert!(prev & QUEUE != 0 && prev & CLAIMED != 0);
        prev & HANDLE == 0
    }

    /// The joiner ran the task inline (its result went to the joiner): drops
    /// the handle's reference and marks the task done. Returns `true` if the
    /// queue entry was already taken: the caller then frees the record.
    pub(super) fn finish_inline(&self) -> bool {
        let prev = self.state.fetch_xor(HANDLE | DONE, Ordering::AcqRel);
        debug_assert!(prev & HANDLE != 0 && prev & DONE == 0 && prev & CLAIMED != 0);
        prev & QUEUE == 0
    }

    /// The task wrote its result. Drops the task's reference and marks it done
    /// (Release: the result is visible to whoever sees `DONE`; Acquire: if the
    /// handle is gone, its last accesses happen-before our free).
    pub(super) fn finish(&self) -> Finished {
        let prev = self.state.fetch_xor(QUEUE | DONE, Ordering::AcqRel);
        debug_assert!(prev & QUEUE != 0 && prev & DONE == 0);
        if prev & HANDLE == 0 {
            Finished::HandleGone
        } else if prev & WAITING != 0 {
            Finished::WakeJoiner
        } else {
            Finished::HandleAlive
        }
    }

    /// Whether the handle has let go (Acquire: its last accesses to the
    /// record happen-before ours). Once `true` it stays `true` — the handle
    /// bit is never set again — so a task that sees it owns the record
    /// alone and may free it without [`finish`](Self::finish): nobody else
    /// can reach the record any more.
    pub(super) fn handle_gone(&self) -> bool {
        self.state.load(Ordering::Acquire) & HANDLE == 0
    }

    /// The handle lets go without joining. Returns `true` if the task had
    /// already finished: the caller then owns the record and frees it.
    pub(super) fn release_handle(&self) -> bool {
        let prev = self.state.fetch_and(!HANDLE, Ordering::AcqRel);
        debug_assert!(prev & HANDLE != 0);
        prev & DONE != 0
    }

    /// A joiner is about to sleep: ask the task to wake it when done.
    pub(super) fn arm(&self) {
        self.state.fetch_or(WAITING, Ordering::AcqRel);
    }

    /// Someone started the task (it is running or done).
    pub(super) fn is_claimed(&self) -> bool {
        self.state.load(Ordering::Acquire) & CLAIMED != 0
    }

    /// The task finished (Acquire: its result is visible).
    pub(super) fn is_done(&self) -> bool {
        self.state.load(Ordering::Acquire) & DONE != 0
    }
}
