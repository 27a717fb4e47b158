//! Abort tests by re-execution, shared by `tests/rc.rs` and `tests/arc.rs`.
//!
//! A count overflow must abort the process, so the test cannot run in the
//! test binary itself: the parent re-runs one test of this binary (`--exact`)
//! with an environment variable set, and the child, seeing it, takes the
//! counts to their limit, prints [`REACHED`], makes the overflowing call and
//! prints [`SURVIVED`] if it returns. The parent asserts the child died of
//! SIGABRT after the first marker and before the second. Include with
//! `#[path = "common/abort.rs"] mod abort;`.

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
    use std::os::unix::process::ExitStatusExt;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(env, value)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.signal(),
        Some(6),
        "{test} ({env}={value}): expected SIGABRT, got {:?}; stdout: {stdout}; stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(REACHED),
        "{test} ({env}={value}): the child did not reach the limit before aborting: {stdout}"
    );
    assert!(
        !stdout.contains(SURVIVED),
        "{test} ({env}={value}): the child went on: {stdout}"
    );
}
