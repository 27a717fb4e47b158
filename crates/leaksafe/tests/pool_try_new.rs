//! `ThreadPool::try_new` when the OS refuses worker k: the error comes back
//! and the workers started before k are stopped and joined (none is left
//! sleeping). Its own test binary, so that no other test's pool threads are
//! alive while it counts the process's threads by name.

use leaksafe::thread::ThreadPool;

/// Live threads of this process (Linux only). A thread is listed from its
/// creation until it is joined (or exits), named or not yet.
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[test]
#[cfg_attr(
    any(miri, not(target_os = "linux")),
    ignore = "counts threads in /proc"
)]
fn try_new_stops_started_workers_when_spawning_fails() {
    let before = threads();
    // Worker 2 asks for an absurd stack: the OS refuses that thread.
    let absurd = |k: usize| (k == 2).then_some(1usize << 62);
    let err = ThreadPool::__try_new_with_stack_sizes(4, absurd).unwrap_err();
    assert_ne!(err.raw_os_error(), None, "an OS error: {err}");
    assert_eq!(threads(), before, "workers 0 and 1 were stopped and joined");
    let pool = ThreadPool::try_new(2).unwrap();
    assert_eq!(pool.threads(), 2);
    assert_eq!(threads(), before + 2);
    drop(pool);
    assert_eq!(threads(), before);
}
