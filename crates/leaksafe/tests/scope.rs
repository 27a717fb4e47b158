//! `leaksafe::thread::scope`: the scope joins every thread whatever happened to
//! its handle or guard; forgotten results are dropped before `scope` returns;
//! panics follow std's rules; a panicking result drop aborts.

use std::mem;
use std::panic::{AssertUnwindSafe, catch_unwind, panic_any};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::thread::{sleep, yield_now};
use std::time::Duration;

use leaksafe::thread::{Builder, Scope, scope};

#[path = "common/abort.rs"]
mod abort;
use leaksafe_check::{Ledger, Op, catch};

/// Enough to make the owner reach its wait before the thread finishes (in
/// most schedules; Miri's seeds explore the others).
fn nap() {
    sleep(Duration::from_millis(if cfg!(miri) { 1 } else { 20 }));
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string payload>".into()
    }
}

/// Runs `f`, expecting it to panic, and returns the panic's message.
fn expect_panic<R>(f: impl FnOnce() -> R) -> String {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic"),
        Err(p) => panic_message(&*p),
    }
}

// ---------------------------------------------------------------- the chapter

#[test]
fn chapter_example_every_element_doubled() {
    const N: usize = if cfg!(miri) { 12 } else { 1000 };
    let mut data: Vec<u32> = (0..N as u32).collect();
    scope(|s| {
        for chunk in data.chunks_mut(if cfg!(miri) { 4 } else { 100 }) {
            // The chapter kept its guards in a Vec; here each guard is
            // forgotten, which the chapter's `thread::scoped` could not survive.
            mem::forget(s.spawn_guard(move || {
                for x in chunk {
                    *x *= 2;
                }
            }));
        }
    });
    assert!(data.iter().enumerate().all(|(i, &x)| x == 2 * i as u32));
}

#[test]
fn chapter_example_with_handles_joined() {
    let mut data = vec![1, 2, 3, 4, 5, 6];
    scope(|s| {
        let hs: Vec<_> = data.iter_mut().map(|x| s.spawn(move || *x *= 2)).collect();
        for h in hs {
            h.join().unwrap();
        }
    });
    assert_eq!(data, [2, 4, 6, 8, 10, 12]);
}

// ------------------------------------------------- forgetting is harmless

#[test]
fn forgotten_handle_thread_writes_borrowed_box() {
    let mut b = Box::new(0u64);
    scope(|s| {
        let r = &mut *b;
        let h = s.spawn(move || {
            nap();
            *r = 42;
        });
        mem::forget(h);
    });
    // Had the scope returned before the thread, Miri would report the write
    // below racing with the thread's, or the drop as a use-after-free.
    assert_eq!(*b, 42);
    drop(b);
}

#[test]
fn forgotten_guard_thread_writes_borrowed_box() {
    let mut b = Box::new(0u64);
    scope(|s| {
        let r = &mut *b;
        let g = s.spawn_guard(move || {
            nap();
            *r = 7;
        });
        mem::forget(g);
    });
    assert_eq!(*b, 7);
    drop(b);
}

#[test]
fn dropped_handle_thread_writes_borrowed_box() {
    let mut b = Box::new(0u64);
    scope(|s| {
        let r = &mut *b;
        drop(s.spawn(move || {
            nap();
            *r = 9;
        }));
    });
    assert_eq!(*b, 9);
}

/// The closure's captures are dropped before the thread is done with the
/// scope: their `Drop` may write borrowed data.
struct PushOnDrop<'a>(&'a Mutex<Vec<u32>>, u32);
impl Drop for PushOnDrop<'_> {
    fn drop(&mut self) {
        nap();
        self.0.lock().unwrap().push(self.1);
    }
}

#[test]
fn closure_captures_dropped_before_scope_returns() {
    let log = Mutex::new(Vec::new());
    scope(|s| {
        let a = PushOnDrop(&log, 1);
        mem::forget(s.spawn(move || {
            let _keep = &a;
        }));
        let b = PushOnDrop(&log, 2);
        drop(s.spawn(move || {
            let _keep = &b;
        }));
        let c = PushOnDrop(&log, 3);
        mem::forget(s.spawn_guard(move || {
            let _keep = &c;
        }));
    });
    let mut v = log.into_inner().unwrap();
    v.sort();
    assert_eq!(v, [1, 2, 3]);
}

/// A result whose `Drop` writes borrowed data: it must run before `scope`
/// returns, even if its handle was forgotten.
struct FlagOnDrop<'a>(&'a AtomicBool);
impl Drop for FlagOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

#[test]
fn forgotten_results_dropped_before_scope_returns() {
    let ledger = Ledger::new();
    let (f1, f2) = (AtomicBool::new(false), AtomicBool::new(false));
    scope(|s| {
        let l = &ledger;
        mem::forget(s.spawn(|| (l.track(1), FlagOnDrop(&f1))));
        mem::forget(s.spawn_guard(|| (l.track(2), FlagOnDrop(&f2))));
        // Still alive inside the scope: nobody can tell these handles were
        // forgotten rather than kept for a later join.
    });
    assert!(f1.load(SeqCst) && f2.load(SeqCst));
    ledger.assert_all_dropped();
}

/// A result that, when dropped, spawns one more thread into the scope; that
/// thread writes borrowed data after a nap.
struct SpawnOnDrop<'scope, 'env>(&'scope Scope<'scope, 'env>, &'env Mutex<u32>, u32);
impl Drop for SpawnOnDrop<'_, '_> {
    fn drop(&mut self) {
        let (data, depth) = (self.1, self.2);
        let s = self.0;
        // Forgotten again: its result is dropped at the scope's end, and
        // spawns again, until depth 0.
        mem::forget(s.spawn(move || {
            nap();
            *data.lock().unwrap() += 1;
            (depth > 0).then(|| SpawnOnDrop(s, data, depth - 1))
        }));
    }
}

#[test]
fn forgotten_result_whose_drop_spawns_is_waited_for() {
    let data = Box::new(Mutex::new(0));
    scope(|s| {
        let d = &*data;
        mem::forget(s.spawn(move || SpawnOnDrop(s, d, 2)));
    });
    // Each of the three drops (depth 2, 1, 0) spawned a thread that wrote.
    assert_eq!(*data.lock().unwrap(), 3);
    drop(data);
}

#[test]
fn results_dropped_once_whatever_the_handle_did() {
    const N: usize = if cfg!(miri) { 3 } else { 50 };
    let ledger = Ledger::new();
    for round in 0..N {
        let mut joined = Vec::new();
        scope(|s| {
            let l = &ledger;
            // handle dropped before the thread finishes: the thread drops it
            let slow = s.spawn(move || {
                nap();
                l.track(round)
            });
            drop(slow);
            // handle dropped after the thread finished: the handle drops it
            let fast = s.spawn(move || l.track(round));
            while !fast.is_finished() {
                yield_now();
            }
            drop(fast);
            // joined: the caller gets it
            joined.push(s.spawn(move || l.track(round)).join().unwrap());
            // guard dropped: joined and dropped by the guard
            drop(s.spawn_guard(move || l.track(round)));
            // guard joined
            joined.push(s.spawn_guard(move || l.track(round)).join().unwrap());
            // forgotten: the scope drops it at its end
            mem::forget(s.spawn(move || l.track(round)));
            // racing: dropped right away, whoever is second drops the result
            drop(s.spawn(move || l.track(round)));
        });
        ledger.assert_sound();
        assert_eq!(ledger.summary().live, joined.len());
        assert!(joined.iter().all(|t| *t.get() == round));
        drop(joined);
        ledger.assert_all_dropped();
    }
}

#[test]
fn guard_drop_joins() {
    let done = AtomicBool::new(false);
    scope(|s| {
        let g = s.spawn_guard(|| {
            nap();
            done.store(true, SeqCst);
        });
        drop(g);
        assert!(done.load(SeqCst), "dropping a guard must join its thread");
    });
}

#[test]
fn guard_joined_returns_value_and_handle_moves_between_threads() {
    let v = [1, 2, 3];
    let total = scope(|s| {
        let h = s.spawn(|| v.iter().sum::<i32>());
        // Join the handle from another scoped thread.
        let g = s.spawn_guard(move || h.join().unwrap() * 10);
        g.join().unwrap()
    });
    assert_eq!(total, 60);
}

#[test]
fn thread_and_is_finished() {
    scope(|s| {
        let h = Builder::new()
            .name("leaksafe-named".into())
            .spawn_scoped(s, || std::thread::current().id())
            .unwrap();
        assert_eq!(h.thread().name(), Some("leaksafe-named"));
        let id = h.thread().id();
        while !h.is_finished() {
            yield_now();
        }
        assert_eq!(h.join().unwrap(), id);

        let g = s.spawn_guard(|| ());
        let gid = g.thread().id();
        assert_ne!(gid, id);
        while !g.is_finished() {
            yield_now();
        }
    });
}

// ------------------------------------------------- many and nested threads

#[test]
fn thousand_threads_in_one_scope() {
    const N: usize = if cfg!(miri) { 6 } else { 1000 };
    let count = AtomicUsize::new(0);
    let mut joined = 0;
    scope(|s| {
        let mut handles = Vec::new();
        for i in 0..N {
            let h = s.spawn(|| count.fetch_add(1, SeqCst));
            match i % 3 {
                0 => handles.push(h),
                1 => drop(h),
                _ => mem::forget(h),
            }
        }
        for h in handles {
            h.join().unwrap();
            joined += 1;
        }
    });
    assert_eq!(count.load(SeqCst), N);
    assert_eq!(joined, N.div_ceil(3));
}

#[test]
fn sequential_spawns_compact_the_packet_list() {
    // More packets than the first compaction threshold (32), with forgotten
    // and unjoined handles kept across compactions.
    const N: usize = if cfg!(miri) { 40 } else { 500 };
    let ledger = Ledger::new();
    let mut kept = Vec::new();
    scope(|s| {
        let l = &ledger;
        let mut pending = Vec::new();
        for i in 0..N {
            let h = s.spawn(move || l.track(i));
            match i % 4 {
                0 => pending.push(h),
                1 => mem::forget(h),
                2 => drop(h),
                _ => kept.push(h.join().unwrap()),
            }
        }
        for h in pending {
            kept.push(h.join().unwrap());
        }
    });
    ledger.assert_sound();
    assert_eq!(ledger.summary().live, kept.len());
    drop(kept);
    ledger.assert_all_dropped();
}

#[test]
fn nested_spawns_are_waited_for() {
    const DEPTH: usize = if cfg!(miri) { 3 } else { 20 };
    let count = AtomicUsize::new(0);
    let mut b = Box::new(0usize);
    scope(|s| {
        let r = &mut *b;
        let count = &count;
        // Each thread spawns the next and forgets its handle; the last one
        // writes through a borrow after a nap.
        fn chain<'scope>(
            s: &'scope leaksafe::thread::Scope<'scope, '_>,
            depth: usize,
            count: &'scope AtomicUsize,
            r: &'scope mut usize,
        ) {
            count.fetch_add(1, SeqCst);
            if depth == 0 {
                nap();
                *r = 99;
            } else {
                mem::forget(s.spawn(move || chain(s, depth - 1, count, r)));
            }
        }
        drop(s.spawn(move || chain(s, DEPTH, count, r)));
        // A fan-out too: each child spawns two grandchildren.
        for _ in 0..2 {
            s.spawn(move || {
                for _ in 0..2 {
                    mem::forget(s.spawn_guard(move || {
                        nap();
                        count.fetch_add(1, SeqCst);
                    }));
                }
            });
        }
    });
    assert_eq!(*b, 99);
    assert_eq!(count.load(SeqCst), DEPTH + 1 + 4);
}

#[test]
fn nested_scope_inside_scoped_thread() {
    let mut v = vec![0u8; 4];
    scope(|s| {
        s.spawn(|| {
            scope(|s2| {
                for x in &mut v {
                    mem::forget(s2.spawn(move || *x = 1));
                }
            });
        });
    });
    assert_eq!(v, [1; 4]);
}

// ------------------------------------------------------------------ panics

#[test]
fn unjoined_panic_makes_scope_panic_after_all_threads() {
    let done = AtomicBool::new(false);
    let msg = expect_panic(|| {
        scope(|s| {
            drop(s.spawn(|| panic!("boom")));
            s.spawn(|| {
                nap();
                done.store(true, SeqCst);
            });
        })
    });
    assert_eq!(msg, "a scoped thread panicked");
    assert!(
        done.load(SeqCst),
        "scope panicked before its threads finished"
    );
}

#[test]
fn forgotten_handle_of_panicked_thread_makes_scope_panic() {
    let ledger = Ledger::new();
    let msg = expect_panic(|| {
        scope(|s| {
            let t = ledger.track(0);
            mem::forget(s.spawn(move || {
                let _t = t;
                panic!("boom")
            }));
        })
    });
    assert_eq!(msg, "a scoped thread panicked");
    ledger.assert_all_dropped();
}

#[test]
fn joined_panic_does_not_make_scope_panic() {
    let r = scope(|s| {
        let h = s.spawn(|| panic_any(17u32));
        let e = h.join().unwrap_err();
        assert_eq!(e.downcast_ref::<u32>(), Some(&17));
        let g = s.spawn_guard(|| panic!("joined"));
        assert!(g.join().is_err());
        5
    });
    assert_eq!(r, 5);
}

#[test]
fn guard_dropped_or_forgotten_with_panic_makes_scope_panic() {
    let msg = expect_panic(|| scope(|s| drop(s.spawn_guard(|| panic!("dropped")))));
    assert_eq!(msg, "a scoped thread panicked");
    let msg = expect_panic(|| scope(|s| mem::forget(s.spawn_guard(|| panic!("forgotten")))));
    assert_eq!(msg, "a scoped thread panicked");
}

#[test]
fn panic_in_closure_waits_for_threads_then_resumes() {
    let mut b = Box::new(0u32);
    let r = catch(|| {
        scope(|s| {
            let r = &mut *b;
            mem::forget(s.spawn(move || {
                nap();
                *r = 3;
            }));
            // A thread panic too: the closure's panic wins.
            drop(s.spawn(|| panic!("thread")));
            panic_any(leaksafe_check::InjectedPanic {
                op: Op::Predicate,
                call: 0,
            });
        })
    });
    let payload = r.unwrap_err().expect("the closure's own payload");
    assert_eq!(payload.op, Op::Predicate);
    assert_eq!(*b, 3);
}

#[test]
fn panicking_thread_drops_its_closure_captures() {
    let ledger = Ledger::new();
    let _ = catch(|| {
        scope(|s| {
            for i in 0..3 {
                let t = ledger.track(i);
                s.spawn(move || {
                    let _t = &t;
                    panic!("boom");
                });
            }
        })
    });
    ledger.assert_all_dropped();
}

#[test]
fn joined_result_whose_drop_panics_is_the_callers() {
    let ledger = Ledger::new();
    scope(|s| {
        let h = s.spawn(|| ledger.track(1));
        let t = h.join().unwrap();
        ledger.fail_at(Op::Drop, 0);
        assert!(catch(|| drop(t)).is_err());
    });
    ledger.assert_all_dropped();
}

// ------------------------------------------------- spawn failures (native)

/// A stack no machine can map: the OS refuses the thread.
const HUGE_STACK: usize = 1 << 50;

#[test]
#[cfg_attr(miri, ignore = "Miri ignores the stack size")]
fn builder_reports_refused_thread_as_err() {
    let ledger = Ledger::new();
    let count = AtomicUsize::new(0);
    scope(|s| {
        let t = ledger.track(0);
        let r = Builder::new().stack_size(HUGE_STACK).spawn_scoped(s, || {
            let _t = t;
            count.fetch_add(1, SeqCst);
        });
        assert!(r.is_err(), "the OS accepted a 1 PiB stack");
        // The closure was dropped, unrun.
        ledger.assert_all_dropped();
        let g = Builder::new()
            .stack_size(HUGE_STACK)
            .spawn_scoped_guard(s, || ());
        assert!(g.is_err());
        // The scope still works, and does not wait for the refused threads.
        s.spawn(|| count.fetch_add(1, SeqCst)).join().unwrap();
    });
    assert_eq!(count.load(SeqCst), 1);
}

const CHILD: &str = "LEAKSAFE_SCOPE_CHILD";

/// Re-runs this test binary on test `name` with `CHILD=name` and `env`, its
/// output captured and shown only if it does not end as `expect` says.
fn run_child(name: &str, env: &[(&str, &str)], expect: abort::Expect) {
    let mut all = vec![(CHILD, name)];
    all.extend_from_slice(env);
    abort::expect_child(name, &all, expect);
}

fn is_child(name: &str) -> bool {
    std::env::var(CHILD).as_deref() == Ok(name)
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn spawn_panics_when_os_refuses_thread() {
    const NAME: &str = "spawn_panics_when_os_refuses_thread";
    if is_child(NAME) {
        // std reads RUST_MIN_STACK for threads spawned without a stack size.
        let msg = expect_panic(|| scope(|s| s.spawn(|| ()).join()));
        assert!(msg.contains("failed to spawn thread"), "{msg}");
        return;
    }
    let stack = HUGE_STACK.to_string();
    run_child(NAME, &[("RUST_MIN_STACK", &stack)], abort::Expect::Success);
}

// ------------------------------------- results whose Drop panics: abort

#[cfg(unix)]
fn assert_child_aborts(name: &str) {
    run_child(name, &[], abort::Expect::Abort);
}

fn abort_case(name: &str, f: impl FnOnce(&Ledger)) {
    if is_child(name) {
        let ledger = Ledger::new();
        f(&ledger);
        // Reaching here means no abort: exit normally so the parent fails.
        return;
    }
    #[cfg(unix)]
    assert_child_aborts(name);
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn result_drop_panics_in_handle_drop_aborts() {
    abort_case("result_drop_panics_in_handle_drop_aborts", |l| {
        scope(|s| {
            let h = s.spawn(|| l.track(0));
            while !h.is_finished() {
                yield_now();
            }
            l.fail_at(Op::Drop, 0);
            drop(h);
        });
    });
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn result_drop_panics_in_thread_aborts() {
    abort_case("result_drop_panics_in_thread_aborts", |l| {
        l.fail_at(Op::Drop, 0);
        scope(|s| {
            drop(s.spawn(|| {
                nap();
                l.track(0)
            }));
        });
    });
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn forgotten_result_drop_panics_at_scope_end_aborts() {
    abort_case("forgotten_result_drop_panics_at_scope_end_aborts", |l| {
        scope(|s| {
            mem::forget(s.spawn(|| l.track(0)));
            l.fail_at(Op::Drop, 0);
        });
    });
}

/// A panic payload whose own Drop panics (the bug class of scoped-task
/// libraries): dropped by the guard, it aborts rather than unwind.
struct PanicOnDrop;
impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("payload drop");
    }
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn payload_drop_panics_in_guard_drop_aborts() {
    abort_case("payload_drop_panics_in_guard_drop_aborts", |_| {
        scope(|s| {
            drop(s.spawn_guard(|| panic_any(PanicOnDrop)));
        });
    });
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn forgotten_result_drop_panics_on_a_drop_thread_aborts() {
    // Two unclaimed results in one round: the newer one is dropped on its
    // own thread, and its panicking Drop aborts there too.
    abort_case(
        "forgotten_result_drop_panics_on_a_drop_thread_aborts",
        |l| {
            scope(|s| {
                mem::forget(s.spawn(|| l.track(1)));
                mem::forget(s.spawn(|| l.track(0)));
                l.fail_at(Op::Drop, 0);
            });
        },
    );
}

#[test]
#[cfg_attr(miri, ignore = "spawns a child process")]
fn forgotten_results_dropped_inline_when_os_refuses_drop_threads() {
    // The scope's drop threads use the default stack size, which
    // RUST_MIN_STACK makes impossible: every result is then dropped on the
    // scope's thread (the documented fallback), once.
    const NAME: &str = "forgotten_results_dropped_inline_when_os_refuses_drop_threads";
    if is_child(NAME) {
        let ledger = Ledger::new();
        scope(|s| {
            let l = &ledger;
            for i in 0..4 {
                let b = Builder::new().stack_size(1 << 20);
                mem::forget(b.spawn_scoped(s, move || l.track(i)).unwrap());
            }
        });
        ledger.assert_sound();
        ledger.assert_all_dropped();
        return;
    }
    let stack = HUGE_STACK.to_string();
    run_child(NAME, &[("RUST_MIN_STACK", &stack)], abort::Expect::Success);
}

#[test]
fn joined_payload_whose_drop_panics_is_the_callers() {
    scope(|s| {
        let e = s.spawn(|| panic_any(PanicOnDrop)).join().unwrap_err();
        // Dropping it is the caller's business: here it unwinds, and the
        // payload of *that* panic is a plain &str.
        let r = catch_unwind(AssertUnwindSafe(|| drop(e)));
        assert!(r.is_err());
    });
}

#[test]
fn builder_panic_before_spawn_leaves_scope_consistent() {
    // std panics on a name with a NUL byte, after our closure was built:
    // both sides of the packet must be given up and the count restored.
    let ledger = Ledger::new();
    let r = scope(|s| {
        let t = ledger.track(0);
        let r = catch(|| {
            Builder::new()
                .name("bad\0name".into())
                .spawn_scoped(s, move || drop(t))
        });
        ledger.assert_all_dropped();
        r.is_err()
    });
    assert!(r, "std accepted a thread name with a NUL byte");
}

// ------------------------- handles and guards inside forgotten results (#16)

/// A forgotten result holds a live handle to another thread's packet.
#[test]
fn forgotten_result_holding_a_handle() {
    scope(|s| {
        let hb = s.spawn(|| vec![7u8; 64]);
        let ha = s.spawn(move || hb);
        mem::forget(ha);
    });
}

/// A forgotten result holds a live guard; dropping it joins through the
/// other thread's packet.
#[test]
fn forgotten_result_holding_a_guard() {
    scope(|s| {
        let gb = s.spawn_guard(|| vec![7u8; 64]);
        let ha = s.spawn(move || gb);
        mem::forget(ha);
    });
}

/// A result holding the scope and a handle; its `Drop` spawns a thread that
/// joins through the handle.
struct JoinOnDrop<'scope, 'env> {
    s: &'scope Scope<'scope, 'env>,
    h: Option<leaksafe::thread::ScopedJoinHandle<'scope, Vec<u8>>>,
    seen: &'env Mutex<Vec<Result<usize, String>>>,
}
impl Drop for JoinOnDrop<'_, '_> {
    fn drop(&mut self) {
        let h = self.h.take().unwrap();
        let seen = self.seen;
        self.s.spawn(move || {
            let r = h.join().map(|v| v.len()).map_err(|e| panic_message(&*e));
            seen.lock().unwrap().push(r);
        });
    }
}

#[test]
fn forgotten_result_whose_drop_joins_through_another_packet() {
    let seen = Mutex::new(Vec::new());
    scope(|s| {
        let hb = s.spawn(|| vec![7u8; 64]);
        let seen = &seen;
        let ha = s.spawn(move || JoinOnDrop {
            s,
            h: Some(hb),
            seen,
        });
        mem::forget(ha);
    });
    // The thread spawned by the drop ran and joined before `scope` returned.
    // `finish` took B's result before running A's drop, so the join gets the
    // defined answer.
    assert_eq!(
        seen.into_inner().unwrap(),
        [Err(leaksafe::thread::SCOPE_DROPPED_RESULT.to_string())]
    );
}

/// A result holding a handle to a *newer* packet: A's thread spawns C and
/// returns C's handle, and A's handle is forgotten.
#[test]
fn forgotten_result_holding_a_newer_handle() {
    let ledger = Ledger::new();
    scope(|s| {
        let l = &ledger;
        mem::forget(s.spawn(move || {
            let hc = s.spawn(move || l.track(1));
            (l.track(0), hc)
        }));
    });
    ledger.assert_all_dropped();
}

/// A thread whose result is its own handle (handed to it through a shared
/// slot), forgotten by nobody but never joined.
#[test]
fn result_holding_its_own_handle() {
    type Slot<'scope> = Mutex<Option<leaksafe::thread::ScopedJoinHandle<'scope, Own<'scope>>>>;
    #[allow(dead_code)] // held only to be dropped
    struct Own<'scope>(Option<leaksafe::thread::ScopedJoinHandle<'scope, Own<'scope>>>);
    let ledger = Ledger::new();
    scope(|s| {
        let slot: std::sync::Arc<Slot<'_>> = std::sync::Arc::new(Mutex::new(None));
        let slot2 = slot.clone();
        let t = ledger.track(0);
        let h = s.spawn(move || {
            let _t = t;
            loop {
                if let Some(h) = slot2.lock().unwrap().take() {
                    return Own(Some(h));
                }
                yield_now();
            }
        });
        *slot.lock().unwrap() = Some(h);
    });
    ledger.assert_all_dropped();
}

/// A chain: each result holds the handle of the previous thread; only the
/// last handle is forgotten. Every result is dropped exactly once.
#[test]
fn forgotten_chain_of_handles_in_results() {
    #[allow(dead_code)] // held only to be dropped
    struct Link<'scope>(
        leaksafe_check::Tracked,
        Option<leaksafe::thread::ScopedJoinHandle<'scope, Link<'scope>>>,
    );
    const N: usize = if cfg!(miri) { 4 } else { 20 };
    let ledger = Ledger::new();
    scope(|s| {
        let l = &ledger;
        let mut prev = None;
        for i in 0..N {
            let before = prev.take();
            prev = Some(s.spawn(move || Link(l.track(i), before)));
        }
        mem::forget(prev);
    });
    ledger.assert_sound();
    ledger.assert_all_dropped();
}

/// A result holding a guard and a handle whose drops join on the owner
/// thread, in the middle of the scope's reclaim: the join of a result the
/// scope already took is `SCOPE_DROPPED_RESULT`, not a panic of the scope.
#[test]
fn guard_in_forgotten_result_joins_without_scope_panic() {
    struct JoinNow<'scope>(
        Option<leaksafe::thread::JoinGuard<'scope, u32>>,
        Option<leaksafe::thread::ScopedJoinHandle<'scope, u32>>,
        &'scope Mutex<Vec<String>>,
    );
    impl Drop for JoinNow<'_> {
        fn drop(&mut self) {
            let e = self.0.take().unwrap().join().unwrap_err();
            self.2.lock().unwrap().push(panic_message(&*e));
            let e = self.1.take().unwrap().join().unwrap_err();
            self.2.lock().unwrap().push(panic_message(&*e));
        }
    }
    let seen = Mutex::new(Vec::new());
    scope(|s| {
        let g = s.spawn_guard(|| 1);
        let h = s.spawn(|| 2);
        let seen = &seen;
        mem::forget(s.spawn(move || JoinNow(Some(g), Some(h), seen)));
    });
    let want = leaksafe::thread::SCOPE_DROPPED_RESULT.to_string();
    assert_eq!(seen.into_inner().unwrap(), [want.clone(), want]);
}

/// A panicked thread whose handle is inside a forgotten result: nobody saw
/// the payload, so `scope` panics as for any unjoined panic.
#[test]
fn panicked_thread_with_handle_in_forgotten_result_makes_scope_panic() {
    let msg = expect_panic(|| {
        scope(|s| {
            let hb = s.spawn(|| -> u32 { panic!("boom") });
            mem::forget(s.spawn(move || hb));
        })
    });
    assert_eq!(msg, "a scoped thread panicked");
}

/// Results whose `Drop` spawns threads that take handles to each other:
/// every thread spawned while results are dropped is joined before `scope`
/// returns, and writes borrowed data.
#[test]
fn reclaim_spawns_are_joined_before_scope_returns() {
    struct Respawn<'scope, 'env> {
        s: &'scope Scope<'scope, 'env>,
        h: Option<leaksafe::thread::ScopedJoinHandle<'scope, u32>>,
        count: &'env AtomicUsize,
        depth: u32,
    }
    impl Drop for Respawn<'_, '_> {
        fn drop(&mut self) {
            let (s, count, depth) = (self.s, self.count, self.depth);
            let h = self.h.take();
            // A new thread joins the old handle (maybe after the scope took
            // its result) and returns a new result with a handle of its own.
            mem::forget(s.spawn(move || {
                nap();
                let _ = h.map(|h| h.join());
                count.fetch_add(1, SeqCst);
                (depth > 0).then(|| Respawn {
                    s,
                    h: Some(s.spawn(move || depth)),
                    count,
                    depth: depth - 1,
                })
            }));
        }
    }
    let count = Box::new(AtomicUsize::new(0));
    scope(|s| {
        let count = &*count;
        let h = s.spawn(|| 9);
        mem::forget(s.spawn(move || Respawn {
            s,
            h: Some(h),
            count,
            depth: 2,
        }));
    });
    assert_eq!(count.load(SeqCst), 3);
    drop(count);
}

/// Runs `f` on its own thread and fails (instead of hanging the test run) if
/// it does not return within a generous watchdog period. Not a timing
/// assertion: a correct `f` returns as soon as its threads are done.
fn watchdog(name: &str, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        f();
        let _ = tx.send(());
    });
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(()) => t.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(t.join().unwrap_err())
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("{name}: scope hung"),
    }
}

/// A result whose `Drop` waits until another result's `Drop` ran (its
/// sender is dropped).
struct WaitsFor(std::sync::mpsc::Receiver<()>);
impl Drop for WaitsFor {
    fn drop(&mut self) {
        let _ = self.0.recv();
    }
}

#[test]
fn forgotten_results_whose_drops_wait_for_each_other() {
    // The newer result waits for the older one's drop, then the other way
    // round: the scope drops the results of a round concurrently, so neither
    // order hangs (it did when they were dropped one by one, newest first).
    watchdog("newer waits for older", || {
        scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            mem::forget(s.spawn(move || tx));
            mem::forget(s.spawn(move || WaitsFor(rx)));
        });
    });
    watchdog("older waits for newer", || {
        scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            mem::forget(s.spawn(move || WaitsFor(rx)));
            mem::forget(s.spawn(move || tx));
        });
    });
}

#[test]
fn forgotten_chain_of_waiting_results() {
    // Each result waits for the previous one's drop.
    const N: usize = if cfg!(miri) { 4 } else { 16 };
    let drops = std::sync::Arc::new(AtomicUsize::new(0));
    let d = std::sync::Arc::clone(&drops);
    watchdog("chain", move || {
        #[allow(dead_code)] // fields held only to be dropped
        struct Link(
            WaitsFor,
            std::sync::mpsc::Sender<()>,
            std::sync::Arc<AtomicUsize>,
        );
        impl Drop for Link {
            fn drop(&mut self) {
                self.2.fetch_add(1, SeqCst);
            }
        }
        scope(|s| {
            // The oldest result holds the first sender: dropping newest
            // first, one at a time, would wait forever on the newest.
            let (tx0, mut rx) = std::sync::mpsc::channel::<()>();
            mem::forget(s.spawn(move || tx0));
            for _ in 0..N {
                let (tx, next_rx) = std::sync::mpsc::channel::<()>();
                let (d, prev) = (std::sync::Arc::clone(&d), rx);
                // Waits for the older link, then drops its own sender.
                mem::forget(s.spawn(move || Link(WaitsFor(prev), tx, d)));
                rx = next_rx;
            }
            mem::forget(s.spawn(move || WaitsFor(rx)));
        });
    });
    assert_eq!(drops.load(SeqCst), N);
}

#[test]
fn packets_spawned_while_finishing_are_compacted_soundly() {
    // A forgotten result whose Drop spawns and joins many threads one after
    // the other while the scope is finishing (and another result is being
    // dropped concurrently): released packets are freed by compaction then.
    const N: usize = if cfg!(miri) { 40 } else { 300 };
    struct SpawnMany<'scope, 'env>(&'scope Scope<'scope, 'env>, &'env AtomicUsize);
    impl Drop for SpawnMany<'_, '_> {
        fn drop(&mut self) {
            let count = self.1;
            for i in 0..N {
                let h = self.0.spawn(move || count.fetch_add(1, SeqCst) + i);
                if i % 2 == 0 {
                    h.join().unwrap();
                } else {
                    drop(h);
                }
            }
        }
    }
    let count = AtomicUsize::new(0);
    let ledger = Ledger::new();
    scope(|s| {
        let (c, l) = (&count, &ledger);
        mem::forget(s.spawn(move || SpawnMany(s, c)));
        mem::forget(s.spawn(move || l.track(0)));
        mem::forget(s.spawn(move || SpawnMany(s, c)));
    });
    assert_eq!(count.load(SeqCst), 2 * N);
    ledger.assert_all_dropped();
}

// ------------------------------------ `leaksafe::thread` ⊇ `std::thread`

/// Ordinary `std::thread` code, with only `use leaksafe::thread;`: every
/// stable item of `std::thread`, and `Builder` both unscoped and scoped.
mod std_thread_superset {
    use leaksafe::thread;
    use std::time::Duration;

    #[test]
    fn free_items_and_types() {
        let me: thread::Thread = thread::current();
        let id: thread::ThreadId = me.id();
        let h: thread::JoinHandle<thread::ThreadId> = thread::spawn(|| {
            thread::yield_now();
            thread::sleep(Duration::from_millis(1));
            thread::park_timeout(Duration::from_millis(1));
            assert!(!thread::panicking());
            thread::current().id()
        });
        let r: thread::Result<thread::ThreadId> = h.join();
        assert_ne!(r.unwrap(), id);
        assert!(thread::available_parallelism().unwrap().get() >= 1);

        // park/unpark through a `Thread`.
        let parker = thread::spawn(thread::park);
        parker.thread().unpark();
        parker.join().unwrap();

        thread_local!(static LOCAL: std::cell::Cell<u32> = const { std::cell::Cell::new(1) });
        let key: &'static thread::LocalKey<std::cell::Cell<u32>> = &LOCAL;
        let got: Result<u32, thread::AccessError> = key.try_with(|c| c.get());
        assert_eq!(got.unwrap(), 1);
    }

    #[test]
    #[allow(deprecated)]
    fn deprecated_items() {
        thread::sleep_ms(0);
        thread::park_timeout_ms(0);
    }

    #[test]
    fn builder_both_ways() {
        // Unscoped, as std: `io::Result<std::thread::JoinHandle<T>>`.
        let b: thread::Builder = thread::Builder::new().name("un".into()).stack_size(1 << 20);
        let h: std::io::Result<std::thread::JoinHandle<Option<String>>> =
            b.spawn(|| thread::current().name().map(String::from));
        assert_eq!(h.unwrap().join().unwrap().as_deref(), Some("un"));

        // Scoped, as std: `spawn_scoped(s, f)` in `thread::scope`.
        let mut v = vec![1, 2, 3];
        let n = thread::scope(|s: &thread::Scope<'_, '_>| {
            let h: thread::ScopedJoinHandle<'_, usize> = thread::Builder::new()
                .name("scoped".into())
                .spawn_scoped(s, || v.len())
                .unwrap();
            s.spawn(|| assert_eq!(v[0], 1));
            h.join().unwrap()
        });
        v.push(n as i32);
        assert_eq!(v, [1, 2, 3, 3]);

        let x = 5;
        let rx = &x;
        // SAFETY: joined before `x` is dropped.
        let h = unsafe { thread::Builder::new().spawn_unchecked(move || *rx * 2) }.unwrap();
        assert_eq!(h.join().unwrap(), 10);
    }
}
