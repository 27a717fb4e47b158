//! The pool tests' guard against a hang: a deadlock fails the test with the
//! test's name instead of stalling the whole run. Include with
//! `#[path = "common/watchdog.rs"] mod watchdog;`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Duration;

/// How long a test body may take (Miri runs are slow, not hung).
pub const WATCHDOG: Duration = Duration::from_secs(if cfg!(miri) { 3600 } else { 60 });

/// Runs `f` on its own thread and returns its result, re-raising its panic;
/// fails if it does not finish within [`WATCHDOG`] (the hung thread is left
/// behind: the test has failed anyway).
pub fn watchdog<R: Send + 'static>(name: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = catch_unwind(AssertUnwindSafe(f));
        let _ = tx.send(r);
    });
    match rx.recv_timeout(WATCHDOG) {
        Ok(Ok(r)) => r,
        Ok(Err(p)) => std::panic::resume_unwind(p),
        Err(_) => panic!("{name}: hung (watchdog)"),
    }
}
