//! `ThreadPool::builder()` (issue 20): size, names, stack size, start/exit
//! hooks, the panic handler, and the failure path of `build`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use leaksafe::thread::{self, ThreadPool};

#[test]
fn builder_sets_size_names_and_hooks() {
    let started = Arc::new(Mutex::new(Vec::new()));
    let exited = Arc::new(AtomicUsize::new(0));
    let (s, e) = (Arc::clone(&started), Arc::clone(&exited));
    let pool = ThreadPool::builder()
        .num_threads(3)
        .thread_name(|i| format!("b-{i}"))
        .stack_size(256 * 1024)
        .start_handler(move |i| s.lock().unwrap().push(i))
        .exit_handler(move |_| {
            e.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    assert_eq!(pool.threads(), 3);
    let (name, index) = pool.install(|| {
        (
            std::thread::current().name().map(String::from),
            thread::current_thread_index(),
        )
    });
    assert_eq!(name, Some(format!("b-{}", index.unwrap())));
    drop(pool);
    let mut started = started.lock().unwrap().clone();
    started.sort_unstable();
    assert_eq!(started, [0, 1, 2]);
    assert_eq!(exited.load(Ordering::SeqCst), 3);
}

#[test]
fn builder_default_size_is_available_parallelism() {
    let pool = ThreadPool::builder().build().unwrap();
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(pool.threads(), n);
}

#[test]
fn panicking_start_handler_does_not_kill_the_worker() {
    let pool = ThreadPool::builder()
        .num_threads(1)
        .start_handler(|_| panic!("start hook"))
        .build()
        .unwrap();
    assert_eq!(pool.install(|| 7), 7);
}

#[test]
fn panic_handler_takes_unjoined_panics_only() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = Arc::clone(&seen);
    let pool = ThreadPool::builder()
        .num_threads(2)
        .panic_handler(move |p| s.lock().unwrap().push(*p.downcast::<&str>().unwrap()))
        .build()
        .unwrap();
    pool.scope(|s| {
        drop(s.spawn(|| panic!("dropped handle")));
        drop(s.spawn_guard(|| panic!("dropped guard")));
        // Joined: the joiner gets it, not the handler.
        assert!(s.spawn(|| panic!("joined")).join().is_err());
    });
    let mut seen = seen.lock().unwrap().clone();
    seen.sort_unstable();
    assert_eq!(seen, ["dropped guard", "dropped handle"]);
}

#[test]
fn build_failure_stops_started_workers() {
    // An absurd stack size makes the OS refuse the first thread.
    let r = ThreadPool::builder()
        .num_threads(2)
        .stack_size(usize::MAX / 2)
        .build();
    assert!(r.is_err());
}
