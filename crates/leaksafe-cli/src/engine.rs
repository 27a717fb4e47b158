//! The audit's engine: drives leaksafe-check's scenario library.
//!
//! Per type: first `cases` random cases drawn from the seed (each a random
//! panic injection and/or forget point in a random scenario: reproducible
//! from the seed alone), then, while the type's share of the time budget
//! lasts, the exhaustive exploration of every scenario (every injection
//! point of every operation, every forget point from either end).
//!
//! Each type is audited in a child process (`leaksafe __audit TYPE SEED
//! CASES MILLIS`) that prints one JSON line per run: a scenario that aborts
//! the process or overflows its stack then fails the audit, with the
//! reproduction line, instead of killing it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use leaksafe_check::{Level, Report, Scenario, explore_each, run_random_each};

use crate::audit::{Record, Target};

/// How long past its time budget a type's audit process may run (the
/// budget is checked between scenarios) before it is killed as hung.
const GRACE: Duration = Duration::from_secs(3);

/// Random cases run per call of the harness, between deadline checks.
const CHUNK: u64 = 16;

/// The scenarios audited for `target`.
pub fn scenarios(target: Target) -> Vec<Scenario> {
    match target {
        Target::BrokenVec => leaksafe_check::broken::scenarios(),
        Target::Abort | Target::Hang => scenarios(Target::Vec),
        t => leaksafe_check::leaksafe_library()
            .into_iter()
            .filter(|s| s.group == t.name())
            .collect(),
    }
}

fn record(r: Report) -> Record {
    Record {
        // The audit holds leaksafe's own types to every class (leak-free,
        // std's contracts); the class says how bad a failure is.
        failure: (!r.ok_at(Level::Contract)).then(|| r.outcome.to_string()),
        class: r.class.map(|c| c.name().to_string()),
        replay: r
            .seed
            .map(|seed| format!("leaksafe_check::replay({seed}, \"{}\")", r.scenario)),
        point: match r.lie {
            Some(lie) => format!("{}, lie {}", r.plan, lie.name()),
            None => r.plan.to_string(),
        },
        panicked: r.panicked,
        forgot: r.forgot,
        double_drops: r.summary.double_drops,
        bad_reads: r.summary.bad_reads + r.summary.unknown_drops,
        expected_leaks: r.summary.live - r.summary.unexpected_leaks(),
        unexpected_leaks: r.summary.unexpected_leaks(),
        scenario: r.scenario,
        process: false,
    }
}

/// Runs the scenarios of `target`: `cases` random cases drawn from `seed`,
/// then the exhaustive exploration until `deadline`. Calls
/// `tick(record, random)` after each run.
pub fn audit(
    target: Target,
    seed: u64,
    cases: u64,
    deadline: Instant,
    tick: &mut dyn FnMut(Record, bool),
) {
    let scenarios = scenarios(target);
    // Random cases in chunks, each from its own seed derived from `seed`,
    // so the deadline is checked between chunks and the sequence stays a
    // function of the seed.
    let mut done = 0;
    let mut chunk = 0u64;
    while done < cases && Instant::now() < deadline {
        let n = CHUNK.min(cases - done);
        let chunk_seed = seed ^ chunk.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        run_random_each(&scenarios, chunk_seed, n as usize, |r| {
            tick(record(r), true)
        });
        done += n;
        chunk += 1;
    }
    for s in &scenarios {
        if Instant::now() >= deadline {
            break;
        }
        explore_each(s, |r| tick(record(r), false));
    }
}

/// The hidden `__audit` command: audits `target` in this process and prints
/// one JSON line per run on stdout.
pub fn worker(target: Target, seed: u64, cases: u64, millis: u64) -> ExitCode {
    let deadline = Instant::now() + Duration::from_millis(millis);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    audit(target, seed, cases, deadline, &mut |r, random| {
        let line = json!({
            "random": random,
            "scenario": r.scenario,
            "point": r.point,
            "panicked": r.panicked,
            "forgot": r.forgot,
            "double_drops": r.double_drops,
            "bad_reads": r.bad_reads,
            "expected_leaks": r.expected_leaks,
            "unexpected_leaks": r.unexpected_leaks,
            "failure": r.failure,
            "class": r.class,
            "replay": r.replay,
        });
        let _ = writeln!(out, "{line}");
        // Flushed at once, so that a crash loses no completed run.
        let _ = out.flush();
    });
    match target {
        Target::Abort => std::process::abort(),
        Target::Hang => loop {
            std::thread::park();
        },
        _ => {}
    }
    ExitCode::SUCCESS
}

fn parse(line: &str) -> Option<(Record, bool)> {
    let v: Value = serde_json::from_str(line).ok()?;
    let n = |k: &str| v[k].as_u64().unwrap_or(0) as usize;
    let s = |k: &str| v[k].as_str().map(str::to_string);
    Some((
        Record {
            scenario: s("scenario")?,
            point: s("point").unwrap_or_default(),
            panicked: v["panicked"].as_bool().unwrap_or(false),
            forgot: v["forgot"].as_bool().unwrap_or(false),
            double_drops: n("double_drops"),
            bad_reads: n("bad_reads"),
            expected_leaks: n("expected_leaks"),
            unexpected_leaks: n("unexpected_leaks"),
            failure: s("failure"),
            class: s("class"),
            replay: s("replay"),
            process: false,
        },
        v["random"].as_bool().unwrap_or(false),
    ))
}

/// [`audit`] in a child process; a crash of the child becomes a failed
/// record naming the last run that completed.
pub fn audit_in_child(
    target: Target,
    seed: u64,
    cases: u64,
    deadline: Instant,
    tick: &mut dyn FnMut(Record, bool),
) {
    let millis = deadline
        .saturating_duration_since(Instant::now())
        .as_millis() as u64;
    let spawned = std::env::current_exe().and_then(|exe| {
        Command::new(exe)
            .args(["__audit", target.name()])
            .args([seed, cases, millis].map(|x| x.to_string()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    });
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            tick(
                crashed(format!("could not start the audit process: {e}"), 0, None),
                false,
            );
            return;
        }
    };
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    // Collect stderr on a thread (a crash message), so the child never blocks on it.
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    // A watchdog kills the child if it outlives its budget by GRACE: a
    // scenario that loops forever (a recursion that the optimizer turned into
    // a loop, a deadlock) must fail the audit, not hang it.
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let pid = child.id() as libc::pid_t;
    let limit = deadline.saturating_duration_since(Instant::now()) + GRACE;
    let watchdog = std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(limit) {
            // SAFETY: plain FFI call. `pid` is our child, not yet reaped: the
            // parent waits for it only after this thread was joined, so the
            // pid cannot have been reused.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            true
        } else {
            false
        }
    });
    let mut runs = 0;
    let mut last = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if let Some((r, random)) = parse(&line) {
            runs += 1;
            last = Some(format!("{}, {}", r.scenario, r.point));
            tick(r, random);
        }
    }
    drop(done);
    let killed = watchdog.join().unwrap_or(false);
    let status = child.wait();
    let err = err.join().unwrap_or_default();
    let why = match status {
        Ok(s) if s.success() => return,
        Ok(_) if killed => format!(
            "hung: still running {} s past its time budget, killed",
            GRACE.as_secs()
        ),
        Ok(s) => {
            use std::os::unix::process::ExitStatusExt;
            match s.signal() {
                Some(6) => "aborted (SIGABRT)".to_string(),
                Some(11) => "crashed (SIGSEGV)".to_string(),
                Some(sig) => format!("killed by signal {sig}"),
                None => format!("exited with {s}"),
            }
        }
        Err(e) => format!("could not be waited for: {e}"),
    };
    let msg = err
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| format!(": {}", l.trim()))
        .unwrap_or_default();
    tick(
        crashed(format!("the audit process {why}{msg}"), runs, last),
        false,
    );
}

fn crashed(failure: String, runs: usize, last: Option<String>) -> Record {
    Record {
        scenario: "(audit process)".to_string(),
        point: match last {
            Some(l) => format!("after {runs} runs; last completed: {l}"),
            None => "before any run completed".to_string(),
        },
        failure: Some(failure),
        // A crash of the process is unsound.
        class: Some("unsound".to_string()),
        process: true,
        ..Record::default()
    }
}
