//! Tests that abort (or panic, or exhaust the OS) on purpose, by
//! re-execution: the parent re-runs one test of this binary (`--exact`) in a
//! child process with an environment variable set, and the child, seeing it,
//! does the deed. [`run_test_child`] captures the child's stdout and stderr
//! (its `fatal runtime error: ... aborting`, its panic messages, libtest's
//! own `test X ... ok` and `test result:` lines), and [`expect_child`] shows
//! them only when the child did not end as expected, so a passing
//! `cargo test` stays quiet. Include with `#[path = "common/abort.rs"] mod abort;`.
//!
//! For count overflows (`tests/rc.rs`, `tests/arc.rs`), the child takes the
//! counts to their limit, prints [`REACHED`], makes the overflowing call and
//! prints [`SURVIVED`] if it returns; [`expect_abort`] asserts the child died
//! of SIGABRT after the first marker and before the second.

// Each test file uses only some of these helpers.
#![allow(dead_code)]

use std::process::Output;

/// How a child test run must end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The test passed (exit status 0).
    Success,
    /// The process died of SIGABRT (on non-Unix: any failure).
    Abort,
}

/// Runs test `test` of this binary alone in a child process
/// (`--exact TEST --nocapture --test-threads=1 --include-ignored`) with
/// `env` set, and returns what it printed, captured.
pub fn run_test_child(test: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        test,
        "--nocapture",
        "--test-threads=1",
        "--include-ignored",
    ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("could not re-run {test}: {e}"))
}

/// Whether `out` ended as `expect` says.
pub fn ended_as(out: &Output, expect: Expect) -> bool {
    match expect {
        Expect::Success => out.status.success(),
        #[cfg(unix)]
        Expect::Abort => {
            use std::os::unix::process::ExitStatusExt;
            out.status.signal() == Some(6)
        }
        #[cfg(not(unix))]
        Expect::Abort => !out.status.success(),
    }
}

/// [`run_test_child`], then panics with the child's status, stdout and
/// stderr unless it ended as `expect` says.
pub fn expect_child(test: &str, env: &[(&str, &str)], expect: Expect) -> Output {
    let out = run_test_child(test, env);
    if !ended_as(&out, expect) {
        panic!(
            "child {test} ({env:?}): expected {expect:?}, got {:?}\n\
             --- child stdout ---\n{}\n--- child stderr ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// Printed by the child just before the call that must abort.
pub const REACHED: &str = "CHILD-REACHED-LIMIT";
/// Printed by the child if the overflowing call returned.
pub const SURVIVED: &str = "CHILD-SURVIVED";

/// The child is at the limit: print [`REACHED`] and flush, so the parent sees
/// it even though the process aborts next.
pub fn reached_limit() {
    use std::io::Write;
    println!("{REACHED}");
    std::io::stdout().flush().unwrap();
}

/// The child went on after the overflowing call (a failure the parent sees).
pub fn survived() {
    println!("{SURVIVED}");
}

/// Runs test `test` of this binary in a child process with `env=value` set,
/// and asserts it died of SIGABRT after [`reached_limit`] and before
/// [`survived`].
#[cfg(unix)]
pub fn expect_abort(test: &str, env: &str, value: &str) {
    let out = expect_child(test, &[(env, value)], Expect::Abort);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(REACHED),
        "{test} ({env}={value}): the child did not reach the limit before aborting: {stdout}"
    );
    assert!(
        !stdout.contains(SURVIVED),
        "{test} ({env}={value}): the child went on: {stdout}"
    );
}
