//! Spare threads: a pool thread that blocks (a join whose task runs
//! elsewhere, a scope's end with none of its own tasks left on its deque)
//! gets a stand-in, so the queued work keeps as many threads as the pool
//! has workers — the compensation Java's `ForkJoinPool` does.
//!
//! # Invariants
//! - `blocked` counts worker and spare threads inside
//!   `Registry::block_until`; `running` counts spare threads that look for
//!   work (or were just asked to). [`SpareThreads::begin_block`] keeps
//!   `running >= blocked` (it wakes a parked spare or starts a new one), and a
//!   spare retires (parks) only when `running > blocked`, under the lock. So
//!   at least as many threads look for work as the pool has workers, and a
//!   queued task is never stranded because every worker waits on a latch.
//! - Both counts change only under `state`'s lock; their atomic copies are
//!   hints for a spare's cheap "should I retire?" check, confirmed under
//!   the lock.
//! - A parked spare runs again only with a permit, handed out together with
//!   the `running` increment that counts it. On shutdown every spare exits
//!   once no work is left; `ThreadPool`'s drop joins them (no scope, hence
//!   no blocked thread, exists then, so no new spare is started).
//! - This module knows nothing of the registry: `begin_block`'s caller says
//!   how to start a spare thread, and that thread's body (`registry.rs`'s
//!   `spare_loop`) alternates the registry's work loop with
//!   [`SpareThreads::rest`].

use std::string::String;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::vec::Vec;

use crate::loom::{AtomicUsize, Ordering};

#[derive(Default)]
struct State {
    blocked: usize,
    running: usize,
    parked: usize,
    permits: usize,
    terminate: bool,
    threads: Vec<JoinHandle<()>>,
}

pub(super) struct SpareThreads {
    state: Mutex<State>,
    cvar: Condvar,
    blocked: AtomicUsize,
    running: AtomicUsize,
}

impl SpareThreads {
    pub(super) fn new() -> Self {
        SpareThreads {
            state: Mutex::new(State::default()),
            cvar: Condvar::new(),
            blocked: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn publish(&self, st: &State) {
        self.blocked.store(st.blocked, Ordering::Relaxed);
        self.running.store(st.running, Ordering::Relaxed);
    }

    /// A worker or spare thread is about to block: make sure a spare looks
    /// for work in its place, starting a new one, if none is parked, with
    /// `start(name)` (which spawns a thread running the spare loop).
    ///
    /// # Panics
    /// If a new spare is needed and the OS refuses to start it.
    pub(super) fn begin_block(
        &self,
        start: impl FnOnce(String) -> std::io::Result<JoinHandle<()>>,
    ) {
        let mut st = self.lock();
        st.blocked += 1;
        if st.running < st.blocked {
            st.running += 1;
            if st.parked > 0 {
                st.parked -= 1;
                st.permits += 1;
                self.cvar.notify_one();
            } else {
                let name = std::format!("leaksafe-spare-{}", st.threads.len());
                match start(name) {
                    Ok(thread) => st.threads.push(thread),
                    Err(e) => {
                        st.running -= 1;
                        st.blocked -= 1;
                        self.publish(&st);
                        drop(st);
                        panic!("failed to spawn a spare pool thread for a blocked join: {e}");
                    }
                }
            }
        }
        self.publish(&st);
    }

    /// The thread that called `begin_block` no longer blocks.
    pub(super) fn end_block(&self) {
        let mut st = self.lock();
        st.blocked -= 1;
        self.publish(&st);
    }

    /// Hint: more spares run than threads are blocked.
    pub(super) fn surplus(&self) -> bool {
        self.running.load(Ordering::Relaxed) > self.blocked.load(Ordering::Relaxed)
    }

    /// Shutdown: parked spares exit.
    pub(super) fn terminate(&self) {
        self.lock().terminate = true;
        self.cvar.notify_all();
    }

    /// The spare threads started so far (to join them after shutdown).
    pub(super) fn take_threads(&self) -> Vec<JoinHandle<()>> {
        core::mem::take(&mut self.lock().threads)
    }

    /// The spare loop's step after its work loop returned: parks the calling
    /// spare thread while it is surplus (until a permit or shutdown), and
    /// says whether it should look for work again (`false`: shutdown, exit).
    pub(super) fn rest(&self) -> bool {
        let mut st = self.lock();
        if st.running > st.blocked {
            st.running -= 1;
            st.parked += 1;
            self.publish(&st);
            while st.permits == 0 && !st.terminate {
                st = self.cvar.wait(st).unwrap_or_else(|e| e.into_inner());
            }
            if st.permits == 0 {
                // Shutdown while parked.
                st.parked -= 1;
                return false;
            }
            st.permits -= 1;
        } else if st.terminate {
            // The work loop returned because the pool is finished.
            st.running -= 1;
            self.publish(&st);
            return false;
        }
        true
    }
}
