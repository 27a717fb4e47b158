//! loom models of the pool's completion counter and sleep/wake protocol.
//!
//! crossbeam-deque is not loom-aware, so the whole pool cannot run under
//! loom; instead these models drive the very types the pool uses —
//! [`Sleep`] (including its `wait_until` loop), [`CountLatch`] and
//! [`TaskState`] — with a loom atomic standing in for "a queue is
//! non-empty". A lost wake-up shows up as a loom deadlock (every thread
//! blocked), an early return as a failed assertion or a data race on a loom
//! `UnsafeCell`.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release
//! -p leaksafe --target-dir target/loom --lib -- thread::pool::loom_tests`

use super::latch::{CountLatch, Finished, TaskState};
use super::sleep::Sleep;
use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

/// A stand-in for the deques: a count of queued jobs.
struct Queue(AtomicUsize);

impl Queue {
    fn push(&self, sleep: &Sleep) {
        self.0.fetch_add(1, Ordering::Release);
        sleep.new_work();
    }
    fn try_take(&self) -> bool {
        let mut n = self.0.load(Ordering::Acquire);
        while n > 0 {
            match self
                .0
                .compare_exchange(n, n - 1, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return true,
                Err(m) => n = m,
            }
        }
        false
    }
    fn has_work(&self) -> bool {
        self.0.load(Ordering::Acquire) > 0
    }
}

/// The last task of a scope finishing while the owner starts to wait: the
/// owner returns only after both tasks, sees their writes, and is never left
/// asleep.
#[test]
fn scope_counter_last_task_vs_waiting_owner() {
    loom::model(|| {
        let shared = Arc::new((
            Sleep::new(),
            CountLatch::new(),
            UnsafeCell::new(0usize),
            UnsafeCell::new(0usize),
        ));
        shared.1.increment();
        shared.1.increment();
        let spawn = |which: usize| {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                let (sleep, latch, a, b) = &*shared;
                let cell = if which == 0 { a } else { b };
                cell.with_mut(|p| {
                    // SAFETY: each task writes only its own cell, once.
                    unsafe { *p = 1 }
                });
                if latch.decrement() {
                    sleep.notify_all();
                }
            })
        };
        let t0 = spawn(0);
        let t1 = spawn(1);
        let (sleep, latch, a, b) = &*shared;
        sleep.wait_until(&|| latch.is_zero(), &mut || false, &|| false, &|| {
            latch.arm()
        });
        // Data-race checked by loom: the tasks' writes happen-before this.
        let read = |c: &UnsafeCell<usize>| {
            c.with(|p| {
                // SAFETY: both tasks are done (the latch is zero); loom
                // reports a race if their writes do not happen-before this.
                unsafe { *p }
            })
        };
        let sum = read(a) + read(b);
        assert_eq!(sum, 2);
        t0.join().unwrap();
        t1.join().unwrap();
    });
}

/// A job pushed while a worker goes to sleep is never stranded.
#[test]
fn new_work_wakes_a_sleeping_worker() {
    loom::model(|| {
        let shared = Arc::new((
            Sleep::new(),
            Queue(AtomicUsize::new(0)),
            AtomicUsize::new(0),
        ));
        let s2 = Arc::clone(&shared);
        let worker = thread::spawn(move || {
            let (sleep, queue, ran) = &*s2;
            let mut run_one = || {
                let took = queue.try_take();
                if took {
                    ran.fetch_add(1, Ordering::Relaxed);
                }
                took
            };
            sleep.wait_until(
                &|| ran.load(Ordering::Relaxed) == 1,
                &mut run_one,
                &|| queue.has_work(),
                &|| {},
            );
        });
        let (sleep, queue, _) = &*shared;
        queue.push(sleep);
        worker.join().unwrap();
    });
}

/// A job is queued just as a joiner's latch is set, with an idle worker and
/// the joiner both possibly asleep: the job must still be run (the joiner
/// may take the job's `notify_one` and leave; the latch's `notify_all`, and
/// the joiner's passing-on of a swallowed wake-up, cover that).
#[test]
fn a_swallowed_wake_up_is_passed_on() {
    loom::model(|| {
        let shared = Arc::new((
            Sleep::new(),
            Queue(AtomicUsize::new(0)),
            TaskState::new(),
            AtomicUsize::new(0),
        ));
        let s1 = Arc::clone(&shared);
        // The idle worker: exits once it ran the job.
        let worker = thread::spawn(move || {
            let (sleep, queue, _, ran) = &*s1;
            let mut run_one = || {
                let took = queue.try_take();
                if took {
                    ran.fetch_add(1, Ordering::Relaxed);
                }
                took
            };
            sleep.wait_until(
                &|| ran.load(Ordering::Relaxed) == 1,
                &mut run_one,
                &|| queue.has_work(),
                &|| {},
            );
        });
        let s2 = Arc::clone(&shared);
        // The joiner: waits for the task, and does not run jobs (it is busy
        // elsewhere once its latch is set — the worst case).
        let joiner = thread::spawn(move || {
            let (sleep, queue, state, _) = &*s2;
            sleep.wait_until(
                &|| state.is_done(),
                &mut || false,
                &|| queue.has_work(),
                &|| state.arm(),
            );
            assert!(state.release_handle());
        });
        // The task: queues a job, then finishes.
        let (sleep, queue, state, _) = &*shared;
        queue.push(sleep);
        if state.finish() == Finished::WakeJoiner {
            sleep.notify_all();
        }
        joiner.join().unwrap();
        worker.join().unwrap();
    });
}

/// Task finish vs handle drop: exactly one of them frees the record.
#[test]
fn task_state_frees_exactly_once() {
    loom::model(|| {
        let shared = Arc::new((TaskState::new(), AtomicUsize::new(0)));
        let s2 = Arc::clone(&shared);
        let task = thread::spawn(move || {
            if s2.0.finish() == Finished::HandleGone {
                s2.1.fetch_add(1, Ordering::Relaxed);
            }
        });
        if shared.0.release_handle() {
            shared.1.fetch_add(1, Ordering::Relaxed);
        }
        task.join().unwrap();
        assert_eq!(shared.1.load(Ordering::Relaxed), 1);
    });
}

/// The task's fast path: seeing the handle already gone (Acquire), it frees
/// the record without `finish`. Exactly one side frees, and the handle's
/// last access to the record happens-before the task's free (a loom data
/// race on the cell otherwise).
#[test]
fn task_sees_handle_gone_and_frees_alone() {
    loom::model(|| {
        let shared = Arc::new((TaskState::new(), AtomicUsize::new(0), UnsafeCell::new(0u8)));
        let s2 = Arc::clone(&shared);
        let task = thread::spawn(move || {
            let (state, frees, record) = &*s2;
            let free = state.handle_gone() || state.finish() == Finished::HandleGone;
            if free {
                // SAFETY: sole owner of the record (the model's claim).
                record.with_mut(|p| unsafe { *p = 2 });
                frees.fetch_add(1, Ordering::Relaxed);
            }
        });
        let (state, frees, record) = &*shared;
        // SAFETY: the handle still holds its bit: the task does not free.
        record.with_mut(|p| unsafe { *p = 1 });
        if state.release_handle() {
            // SAFETY: the task finished and let go: we own the record.
            record.with_mut(|p| unsafe { *p = 3 });
            frees.fetch_add(1, Ordering::Relaxed);
        }
        task.join().unwrap();
        assert_eq!(frees.load(Ordering::Relaxed), 1);
    });
}

/// A joiner sleeping on a task's latch is woken by the task's finish and
/// sees its result.
#[test]
fn joiner_sees_result_and_is_woken() {
    loom::model(|| {
        let shared = Arc::new((
            Sleep::new(),
            TaskState::new(),
            UnsafeCell::new(None::<usize>),
        ));
        let s2 = Arc::clone(&shared);
        let task = thread::spawn(move || {
            let (sleep, state, result) = &*s2;
            result.with_mut(|p| {
                // SAFETY: written once, before `finish` publishes it.
                unsafe { *p = Some(5) }
            });
            if state.finish() == Finished::WakeJoiner {
                sleep.notify_all();
            }
        });
        let (sleep, state, result) = &*shared;
        sleep.wait_until(&|| state.is_done(), &mut || false, &|| false, &|| {
            state.arm()
        });
        let got = result.with(|p| {
            // SAFETY: DONE was seen with Acquire; the task no longer writes.
            unsafe { *p }
        });
        assert_eq!(got, Some(5));
        task.join().unwrap();
    });
}

/// The join's waiting protocol (issue 16 §3): the queue entry's taker and
/// the joiner race to claim a task; exactly one runs the closure; if the
/// joiner loses, it *blocks* (`Sleep::block`, no work taken) and is woken
/// by the finish; the record is freed exactly once, by whichever of the
/// finish / stale-entry release / join comes last; and the runner's writes
/// are visible to the joiner.
#[test]
fn claim_inline_or_block_runs_once_and_frees_once() {
    loom::model(|| {
        let shared = Arc::new((
            Sleep::new(),
            TaskState::new(),
            AtomicUsize::new(0), // runs of the closure
            AtomicUsize::new(0), // frees
            UnsafeCell::new(None::<usize>),
        ));
        let s2 = Arc::clone(&shared);
        // The thread that takes the queue entry (`job::execute`).
        let taker = thread::spawn(move || {
            let (sleep, state, runs, frees, result) = &*s2;
            if state.claim() {
                runs.fetch_add(1, Ordering::Relaxed);
                // SAFETY: written once, before `finish` publishes it.
                result.with_mut(|p| unsafe { *p = Some(7) });
                match state.finish() {
                    Finished::HandleGone => {
                        frees.fetch_add(1, Ordering::Relaxed);
                    }
                    Finished::WakeJoiner => sleep.notify_all(),
                    Finished::HandleAlive => {}
                }
            } else if state.release_queue() {
                // Stale entry, and the joiner already let go.
                frees.fetch_add(1, Ordering::Relaxed);
            }
        });
        // The joiner (`PoolHandle::join`).
        let (sleep, state, runs, frees, result) = &*shared;
        let got = if state.claim() {
            runs.fetch_add(1, Ordering::Relaxed);
            if state.finish_inline() {
                frees.fetch_add(1, Ordering::Relaxed);
            }
            Some(7)
        } else {
            while !state.is_done() {
                state.arm();
                sleep.block(|| state.is_done());
            }
            // SAFETY: DONE was seen with Acquire; the task no longer writes.
            let got = result.with(|p| unsafe { *p });
            frees.fetch_add(1, Ordering::Relaxed);
            got
        };
        assert_eq!(got, Some(7));
        taker.join().unwrap();
        assert_eq!(runs.load(Ordering::Relaxed), 1);
        assert_eq!(frees.load(Ordering::Relaxed), 1);
    });
}

/// A blocked joiner does not swallow a wake-up meant for a thread looking
/// for work: `new_work`'s `notify_one` reaches the idle worker, not the
/// joiner blocked on its latch (a loom deadlock otherwise).
#[test]
fn blocked_joiner_does_not_take_new_work_wake_ups() {
    loom::model(|| {
        let shared = Arc::new((Sleep::new(), TaskState::new(), Queue(AtomicUsize::new(0))));
        let s2 = Arc::clone(&shared);
        // An idle worker: waits for one job, runs it (it finishes the task).
        let worker = thread::spawn(move || {
            let (sleep, state, queue) = &*s2;
            let ran = std::cell::Cell::new(false);
            sleep.wait_until(
                &|| ran.get(),
                &mut || {
                    if queue.try_take() {
                        if state.finish() == Finished::WakeJoiner {
                            sleep.notify_all();
                        }
                        ran.set(true);
                        true
                    } else {
                        false
                    }
                },
                &|| queue.has_work(),
                &|| {},
            );
        });
        let (sleep, state, queue) = &*shared;
        // The task was claimed by a thief already (so the joiner blocks),
        // and its remaining work is queued now.
        assert!(state.claim());
        queue.push(sleep);
        while !state.is_done() {
            state.arm();
            sleep.block(|| state.is_done());
        }
        worker.join().unwrap();
    });
}

/// A join's stack job (`join.rs`): a thief claims it, writes `b`'s result
/// and reads the registry pointer, then `finish`es; the joiner blocks
/// (`block_until`: arm, then `Sleep::block`) until `DONE`, takes the result
/// and then reuses the job's stack frame (the writes below). Loom reports a
/// race if the thief touched the job after `finish`, and a deadlock if the
/// joiner's wake-up were lost.
#[test]
fn stack_job_latch_thief_vs_blocking_joiner() {
    loom::model(|| {
        // (sleep = the registry's; state, result, registry pointer = the job)
        let shared = Arc::new((
            Sleep::new(),
            TaskState::new(),
            UnsafeCell::new(None::<usize>),
            UnsafeCell::new(1usize),
        ));
        let s2 = Arc::clone(&shared);
        let thief = thread::spawn(move || {
            let (sleep, state, result, registry) = &*s2;
            assert!(state.claim());
            // SAFETY: the job is alive until `finish` (join.rs invariants).
            let _registry = registry.with(|p| unsafe { *p });
            // SAFETY: written once, before `finish` publishes it.
            result.with_mut(|p| unsafe { *p = Some(7) });
            if state.finish() == Finished::WakeJoiner {
                sleep.notify_all();
            }
        });
        let (sleep, state, result, registry) = &*shared;
        while !state.is_done() {
            state.arm();
            sleep.block(|| state.is_done());
        }
        // SAFETY: DONE seen with Acquire: the thief no longer touches the job.
        let got = result.with_mut(|p| unsafe { (*p).take() });
        assert_eq!(got, Some(7));
        // The frame is reused: conflicts with any later access by the thief.
        // SAFETY: as above.
        registry.with_mut(|p| unsafe { *p = 0 });
        thief.join().unwrap();
    });
}

/// A broadcast's call is pushed to a worker's inbox while that worker goes
/// to sleep looking for work: `notify_all` after the push (under the sleep
/// lock) cannot slip between the worker's inbox check and its wait.
#[test]
fn broadcast_wakes_a_sleeping_worker() {
    loom::model(|| {
        let shared = Arc::new((
            Sleep::new(),
            loom::sync::Mutex::new(0usize),
            AtomicUsize::new(0),
        ));
        let s2 = Arc::clone(&shared);
        let worker = thread::spawn(move || {
            let (sleep, inbox, ran) = &*s2;
            let mut run_one = || {
                let mut q = inbox.lock().unwrap();
                if *q > 0 {
                    *q -= 1;
                    ran.fetch_add(1, Ordering::Relaxed);
                    true
                } else {
                    false
                }
            };
            sleep.wait_until(
                &|| ran.load(Ordering::Relaxed) == 1,
                &mut run_one,
                &|| *inbox.lock().unwrap() > 0,
                &|| {},
            );
        });
        let (sleep, inbox, _) = &*shared;
        *inbox.lock().unwrap() += 1;
        sleep.notify_all();
        worker.join().unwrap();
    });
}

/// A worker blocked on a task's latch (`Registry::block_until`) gets a
/// broadcast call from the very task it waits for: it runs the call while
/// blocked, the broadcaster (blocked on the call's latch) is woken, then
/// finishes the task and wakes the worker. A lost wake-up is a loom deadlock.
#[test]
fn blocked_worker_runs_the_broadcast_it_blocks() {
    loom::model(|| {
        let shared = Arc::new((
            Sleep::new(),
            TaskState::new(),               // the task the worker joins
            TaskState::new(),               // the broadcast call's stack job
            loom::sync::Mutex::new(0usize), // the worker's inbox
        ));
        let s2 = Arc::clone(&shared);
        // The task's runner: broadcasts to the blocked worker, waits for
        // the call, then finishes the task.
        let runner = thread::spawn(move || {
            let (sleep, task, call, inbox) = &*s2;
            assert!(task.claim());
            *inbox.lock().unwrap() += 1;
            sleep.notify_all();
            while !call.is_done() {
                call.arm();
                sleep.block(|| call.is_done());
            }
            if task.finish() == Finished::WakeJoiner {
                sleep.notify_all();
            }
        });
        // The blocked worker (the task's joiner).
        let (sleep, task, call, inbox) = &*shared;
        let inbox_has_work = || *inbox.lock().unwrap() > 0;
        while !task.is_done() {
            let job = {
                let mut q = inbox.lock().unwrap();
                let some = *q > 0;
                if some {
                    *q -= 1;
                }
                some
            };
            if job {
                assert!(call.claim());
                if call.finish() == Finished::WakeJoiner {
                    sleep.notify_all();
                }
                continue;
            }
            task.arm();
            sleep.block(|| task.is_done() || inbox_has_work());
        }
        runner.join().unwrap();
    });
}
