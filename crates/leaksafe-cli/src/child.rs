//! Attacks that abort or hang run in a child process: the `leaksafe` binary
//! re-executes itself with the hidden `__child CASE` command, and the parent
//! waits with a timeout, so neither an abort nor a hang can take the tour down.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::ValueEnum;

/// An attack run in a child process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Case {
    /// std's `thread::scope` with a forgotten `ScopedJoinHandle` (hangs).
    ScopeForgetStd,
    /// leaksafe's `thread::scope` with a forgotten `ScopedJoinHandle` and a
    /// forgotten `JoinGuard` (returns).
    ScopeForgetLeaksafe,
    /// Forget clones of a leaksafe `Rc<_, u8>` until the count overflows (aborts).
    RcU8Overflow,
    /// Forget clones of a leaksafe `Arc<_, u8>` until the count overflows (aborts).
    ArcU8Overflow,
}

/// Runs `case` in this (child) process; prints progress lines on stdout.
pub fn run_case(case: Case) -> ExitCode {
    match case {
        Case::ScopeForgetStd => {
            let mut written = 0u64;
            std::thread::scope(|s| {
                let h = s.spawn(|| written = 42);
                // The handle keeps the thread's result packet alive, and std's
                // scope waits until every packet is gone: this never returns.
                std::mem::forget(h);
            });
            say(&format!("returned {written}"));
        }
        Case::ScopeForgetLeaksafe => scope_forget_child(),
        Case::RcU8Overflow => rc_u8_overflow_child(),
        Case::ArcU8Overflow => arc_u8_overflow_child(),
    }
    ExitCode::SUCCESS
}

/// Prints one line to stdout and flushes it, so the parent sees it even if
/// the child aborts right after.
pub fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// It exited with this code.
    Exited(i32),
    /// A signal killed it (6 = SIGABRT).
    Signal(i32),
    /// It was still running at the timeout and was killed.
    TimedOut(Duration),
}

impl Ended {
    /// A short human description: "exited 0", "aborted (SIGABRT)",
    /// "hangs (killed after 2 s)".
    pub fn describe(&self) -> String {
        match *self {
            Ended::Exited(0) => "returned".to_string(),
            Ended::Exited(c) => format!("exited with code {c}"),
            Ended::Signal(6) => "aborted (SIGABRT)".to_string(),
            Ended::Signal(s) => format!("killed by signal {s}"),
            Ended::TimedOut(t) => format!("hangs (killed after {} s)", t.as_secs_f64()),
        }
    }
}

/// A child process running one [`Case`].
pub struct Running {
    child: Child,
    reader: std::thread::JoinHandle<String>,
    started: Instant,
}

/// What a finished child did.
#[derive(Debug)]
pub struct Finished {
    /// How it ended.
    pub ended: Ended,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Wall time from spawn to end.
    pub elapsed: Duration,
}

impl Finished {
    /// The last line the child printed, if any.
    pub fn last_line(&self) -> Option<&str> {
        self.stdout.lines().last()
    }
}

/// Starts `case` in a child process (this binary, `__child CASE`).
pub fn spawn(case: Case) -> std::io::Result<Running> {
    let exe = std::env::current_exe()?;
    let name = case
        .to_possible_value()
        .expect("every case has a name")
        .get_name()
        .to_string();
    let mut child = Command::new(exe)
        .args(["__child", &name])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // An abort prints std's or leaksafe's message: the parent says it.
        .stderr(Stdio::null())
        .spawn()?;
    let mut pipe = child.stdout.take().expect("stdout is piped");
    // Drain the pipe on a thread, so a chatty child never blocks on it.
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = pipe.read_to_string(&mut s);
        s
    });
    Ok(Running {
        child,
        reader,
        started: Instant::now(),
    })
}

impl Running {
    /// Waits until the child ends or `timeout` passes (then kills it).
    pub fn wait(mut self, timeout: Duration) -> std::io::Result<Finished> {
        use std::os::unix::process::ExitStatusExt;
        let ended = loop {
            if let Some(status) = self.child.try_wait()? {
                break match (status.code(), status.signal()) {
                    (Some(c), _) => Ended::Exited(c),
                    (None, Some(s)) => Ended::Signal(s),
                    (None, None) => Ended::Exited(-1),
                };
            }
            if self.started.elapsed() >= timeout {
                self.child.kill()?;
                self.child.wait()?;
                break Ended::TimedOut(timeout);
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let elapsed = self.started.elapsed();
        let stdout = self.reader.join().unwrap_or_default();
        Ok(Finished {
            ended,
            stdout,
            elapsed,
        })
    }
}

/// Child: leaksafe's scope with a forgotten handle and a forgotten guard.
pub fn scope_forget_child() {
    let (mut a, mut b) = (0u64, 0u64);
    leaksafe::thread::scope(|s| {
        let h = s.spawn(|| a = 42);
        let g = s.spawn_guard(|| b = 42);
        std::mem::forget(h);
        std::mem::forget(g);
    });
    say(&format!("returned {a} {b}"));
}

/// How many clones a child forgets before it gives up waiting for an abort.
const OVERFLOW_LIMIT: usize = 1000;

/// Child: forget clones of `p`, saying its strong count before each, until
/// the process aborts (or [`OVERFLOW_LIMIT`] clones later, "no abort").
fn overflow_child<P: Clone>(p: P, strong_count: impl Fn(&P) -> usize) {
    for _ in 0..OVERFLOW_LIMIT {
        say(&strong_count(&p).to_string());
        std::mem::forget(p.clone());
    }
    say("no abort");
}

/// Child: forget clones of an `Rc<u64, u8>` until it aborts.
pub fn rc_u8_overflow_child() {
    let rc: leaksafe::rc::Rc<u64, u8> = leaksafe::rc::Rc::new_counted(7);
    overflow_child(rc, leaksafe::rc::Rc::strong_count);
}

/// Child: forget clones of an `Arc<u64, u8>` until it aborts.
pub fn arc_u8_overflow_child() {
    let arc: leaksafe::sync::Arc<u64, u8> = leaksafe::sync::Arc::new_counted(7);
    overflow_child(arc, leaksafe::sync::Arc::strong_count);
}
