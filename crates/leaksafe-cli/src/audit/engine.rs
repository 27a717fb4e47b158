//! The audit's engine: drives leaksafe-check's scenario library.
//!
//! Per type: first `cases` random cases drawn from the seed (each a random
//! panic injection and/or forget point in a random scenario: reproducible
//! from the seed alone), then the exhaustive exploration of every scenario
//! (every injection point of every operation, every forget point from either
//! end). With a time budget (`--time`), the type's share of it may stop
//! either part early (checked between chunks of random cases and between
//! scenarios), and the audit reports how far it got; without one, the run is
//! a function of the seed and the case count alone.
//!
//! Each type is audited in a child process (`leaksafe __audit TYPE SEED
//! CASES [MILLIS]`) that prints one JSON line per run, then one summary line:
//! a scenario that aborts the process or overflows its stack then fails the
//! audit, with the reproduction line, instead of killing it. A watchdog
//! kills a child that runs [`GRACE`] past its budget, or that finishes no run
//! for [`stall_limit`] (a hang with no budget to end it).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use leaksafe_check::{Level, Report, Scenario, explore_each, run_random_each};

use super::record::{Record, Target};

/// How long past its time budget a type's audit process may run (the
/// budget is checked between scenarios) before it is killed as hung.
const GRACE: Duration = Duration::from_secs(3);

/// The environment variable that overrides [`DEFAULT_STALL`] (seconds).
pub const STALL_ENV: &str = "LEAKSAFE_AUDIT_STALL_SECS";

/// How long a type's audit process may go without finishing a run before it
/// is killed as hung. One run takes microseconds to milliseconds.
const DEFAULT_STALL: Duration = Duration::from_secs(30);

/// [`DEFAULT_STALL`], or the seconds in [`STALL_ENV`] when it holds a valid
/// `--time` value.
pub fn stall_limit() -> Duration {
    std::env::var(STALL_ENV)
        .ok()
        .and_then(|s| crate::numbers::seconds(&s).ok())
        .map_or(DEFAULT_STALL, Duration::from_secs_f64)
}

/// How far the exhaustive exploration of a type got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Explored {
    /// Scenarios explored to the end.
    pub explored: usize,
    /// Scenarios of the type.
    pub scenarios: usize,
}

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
/// then the exhaustive exploration, both stopped early at `deadline` if
/// there is one. Calls `tick(record, random)` after each run.
pub fn audit(
    target: Target,
    seed: u64,
    cases: u64,
    deadline: Option<Instant>,
    tick: &mut dyn FnMut(Record, bool),
) -> Explored {
    let scenarios = scenarios(target);
    let in_time = || deadline.is_none_or(|d| Instant::now() < d);
    // Random cases in chunks, each from its own seed derived from `seed`,
    // so the deadline is checked between chunks and the sequence stays a
    // function of the seed.
    let mut done = 0;
    let mut chunk = 0u64;
    while done < cases && in_time() {
        let n = CHUNK.min(cases - done);
        let chunk_seed = seed ^ chunk.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        run_random_each(&scenarios, chunk_seed, n as usize, |r| {
            tick(record(r), true)
        });
        done += n;
        chunk += 1;
    }
    let mut explored = Explored {
        explored: 0,
        scenarios: scenarios.len(),
    };
    for s in &scenarios {
        if !in_time() {
            break;
        }
        explore_each(s, |r| tick(record(r), false));
        explored.explored += 1;
    }
    explored
}

/// The hidden `__audit` command: audits `target` in this process and prints
/// one JSON line per run on stdout, then a summary line.
pub fn worker(target: Target, seed: u64, cases: u64, millis: Option<u64>) -> ExitCode {
    let deadline = millis.map(|m| Instant::now() + Duration::from_millis(m));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let explored = audit(target, seed, cases, deadline, &mut |r, random| {
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
    let summary = json!({
        "summary": true,
        "explored": explored.explored,
        "scenarios": explored.scenarios,
    });
    let _ = writeln!(out, "{summary}");
    let _ = out.flush();
    match target {
        Target::Abort => std::process::abort(),
        Target::Hang => loop {
            std::thread::park();
        },
        _ => {}
    }
    ExitCode::SUCCESS
}

/// A line of the `__audit` child: a run, or the summary at the end.
enum Line {
    Run(Record, bool),
    Summary(Explored),
}

fn parse(line: &str) -> Option<Line> {
    let v: Value = serde_json::from_str(line).ok()?;
    if v["summary"].as_bool() == Some(true) {
        let n = |k: &str| v[k].as_u64().map(|x| x as usize);
        return Some(Line::Summary(Explored {
            explored: n("explored")?,
            scenarios: n("scenarios")?,
        }));
    }
    let n = |k: &str| v[k].as_u64().unwrap_or(0) as usize;
    let s = |k: &str| v[k].as_str().map(str::to_string);
    Some(Line::Run(
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

/// How the watchdog ended a child.
enum Killed {
    /// It ran [`GRACE`] past its budget.
    PastBudget,
    /// It finished no run for this long.
    Stalled(Duration),
}

/// [`audit`] in a child process; a crash of the child becomes a failed
/// record naming the last run that completed. Returns how far the
/// exploration got, if the child lived to say.
pub fn audit_in_child(
    target: Target,
    seed: u64,
    cases: u64,
    deadline: Option<Instant>,
    tick: &mut dyn FnMut(Record, bool),
) -> Option<Explored> {
    let millis = deadline.map(|d| d.saturating_duration_since(Instant::now()).as_millis() as u64);
    let spawned = std::env::current_exe().and_then(|exe| {
        Command::new(exe)
            .args(["__audit", target.name()])
            .args([seed, cases].map(|x| x.to_string()))
            .args(millis.map(|m| m.to_string()))
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
            return None;
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
    // A watchdog kills the child if it outlives its budget by GRACE, or
    // finishes no run for the stall limit: a scenario that loops forever (a
    // recursion that the optimizer turned into a loop, a deadlock) must fail
    // the audit, not hang it. The reader sends one message per line read.
    let (alive, heard) = std::sync::mpsc::channel::<()>();
    let pid = child.id() as libc::pid_t;
    let hard = deadline.map(|d| d + GRACE);
    let stall = stall_limit();
    let watchdog = std::thread::spawn(move || {
        use std::sync::mpsc::RecvTimeoutError;
        let mut last_heard = Instant::now();
        loop {
            let now = Instant::now();
            let mut wait = (last_heard + stall).saturating_duration_since(now);
            if let Some(h) = hard {
                wait = wait.min(h.saturating_duration_since(now));
            }
            match heard.recv_timeout(wait) {
                Ok(()) => last_heard = Instant::now(),
                Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => {
                    let now = Instant::now();
                    let why = if hard.is_some_and(|h| now >= h) {
                        Killed::PastBudget
                    } else if now >= last_heard + stall {
                        Killed::Stalled(stall)
                    } else {
                        continue;
                    };
                    // SAFETY: plain FFI call. `pid` is our child, not yet
                    // reaped: the parent waits for it only after this thread
                    // was joined, so the pid cannot have been reused.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    return Some(why);
                }
            }
        }
    });
    let mut runs = 0;
    let mut last = None;
    let mut explored = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let _ = alive.send(());
        match parse(&line) {
            Some(Line::Run(r, random)) => {
                runs += 1;
                last = Some(format!("{}, {}", r.scenario, r.point));
                tick(r, random);
            }
            Some(Line::Summary(e)) => explored = Some(e),
            None => {}
        }
    }
    drop(alive);
    let killed = watchdog.join().unwrap_or(None);
    let status = child.wait();
    let err = err.join().unwrap_or_default();
    let why = match status {
        Ok(s) if s.success() => return explored,
        Ok(_) if killed.is_some() => match killed {
            Some(Killed::Stalled(t)) => format!(
                "hung: no run finished for {} s ({STALL_ENV}), killed",
                t.as_secs_f64()
            ),
            _ => format!(
                "hung: still running {} s past its time budget, killed",
                GRACE.as_secs()
            ),
        },
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
    explored
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
