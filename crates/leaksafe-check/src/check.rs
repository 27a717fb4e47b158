//! Checking a container from `cargo test`: [`check`], [`check_isolated`]
//! and the [`check_tests!`](crate::check_tests) macro that turns the scenario
//! library into ordinary `#[test]`s.
//!
//! # Environment
//! - `LEAKSAFE_CHECK_CASE=scenario@case` runs that one case only (as printed
//!   with every failure, see [`Report::case`]): the re-run commands under
//!   Miri and AddressSanitizer use it.
//! - `LEAKSAFE_CHECK_ISOLATE=1` makes [`check`] behave as
//!   [`check_isolated`]: every scenario in a child process.
//! - `LEAKSAFE_CHECK_LEVEL=sound|leak-free|contract` overrides the level.
//!
//! # Invariants
//! - A failure message names every failing case with its class, plan (and
//!   lie) and the commands that re-run it alone; at most
//!   [`MAX_SHOWN`] are listed, all are counted.
//! - In a child process (`LEAKSAFE_CHECK_CHILD` set), every case is
//!   announced on stderr before it runs, so a crash names its case.

use std::fmt::Write as _;

use crate::{Level, Report, Scenario, Tally, explore_each, parse_case};

/// Failing cases listed in a failure message.
pub const MAX_SHOWN: usize = 8;

const CHILD_ENV: &str = "LEAKSAFE_CHECK_CHILD";
const ONLY_ENV: &str = "LEAKSAFE_CHECK_ONLY";

fn level_from_env(level: Level) -> Level {
    match std::env::var("LEAKSAFE_CHECK_LEVEL").as_deref() {
        Ok("sound") => Level::Sound,
        Ok("leak-free") => Level::LeakFree,
        Ok("contract") => Level::Contract,
        _ => level,
    }
}

/// The name `cargo test` filters on for a test at `module_path::name`
/// (the crate's name dropped).
pub fn test_name(path: &str) -> &str {
    path.split_once("::").map_or(path, |(_, rest)| rest)
}

/// The reports of `scenarios`, explored exhaustively, or of the single case
/// named by `LEAKSAFE_CHECK_CASE` (nothing if it names another scenario).
fn reports(scenarios: &[Scenario]) -> Vec<Report> {
    let only = std::env::var(ONLY_ENV).ok();
    let chosen = scenarios
        .iter()
        .filter(|s| only.as_deref().is_none_or(|o| s.full_name() == o));
    let mut out = Vec::new();
    if let Ok(case) = std::env::var("LEAKSAFE_CHECK_CASE") {
        let (name, code) = case.rsplit_once('@').unwrap_or((&case, "clean"));
        let (plan, lie) = parse_case(code)
            .unwrap_or_else(|| panic!("LEAKSAFE_CHECK_CASE: cannot parse the case {code:?}"));
        for s in chosen.filter(|s| s.full_name() == name) {
            out.push(s.run_lying(plan, lie));
        }
        return out;
    }
    for s in chosen {
        explore_each(s, |r| out.push(r));
    }
    out
}

/// Explores every scenario (every panic point, lie and forget point) and
/// panics, listing the failing cases with their class, plan and re-run
/// commands, if any run fails at `level` ([`Level::Sound`]: only unsound
/// findings fail). `test` is the test's path (`module_path!()::name`, as
/// [`check_tests!`](crate::check_tests) passes it), used in the re-run
/// commands. With `LEAKSAFE_CHECK_ISOLATE=1`, runs [`check_isolated`].
///
/// ```
/// use leaksafe_check::{check, vec_scenarios, Level};
///
/// let scenarios = vec_scenarios::<Vec<leaksafe_check::Tracked>>("std::vec::Vec", "vec");
/// # let scenarios: Vec<_> = scenarios.into_iter().filter(|s| s.name == "retain").collect();
/// check("my_crate::tests::std_vec", &scenarios, Level::Contract);
/// ```
pub fn check(test: &str, scenarios: &[Scenario], level: Level) {
    if std::env::var_os("LEAKSAFE_CHECK_ISOLATE").is_some() && std::env::var_os(CHILD_ENV).is_none()
    {
        return check_isolated(test, scenarios, level);
    }
    let level = level_from_env(level);
    let all = reports(scenarios);
    let mut bad: Vec<&Report> = all.iter().filter(|r| !r.ok_at(level)).collect();
    if bad.is_empty() {
        return;
    }
    // The simplest cases first: no panic and no forget (a lie, or a clean
    // run), then one fault, then both.
    bad.sort_by_key(|r| {
        usize::from(r.plan.inject.is_some()) + usize::from(r.plan.forget.is_some())
    });
    let mut msg = format!(
        "leaksafe-check: {} of {} runs failed at level {level:?} ({})\n",
        bad.len(),
        all.len(),
        Tally::of(&all)
    );
    for r in bad.iter().take(MAX_SHOWN) {
        let _ = writeln!(msg, "\n{r}");
        let _ = writeln!(
            msg,
            "  class: {}\n  plan: {}{}\n  case: {}",
            r.class.map_or("-", |c| c.name()),
            r.plan,
            r.lie.map(|l| format!(", lie: {l}")).unwrap_or_default(),
            r.case()
        );
        let [miri, asan] = r.rerun_commands(test_name(test));
        let _ = writeln!(
            msg,
            "  re-run under Miri: {miri}\n  re-run under ASan: {asan}"
        );
    }
    if bad.len() > MAX_SHOWN {
        let _ = writeln!(msg, "\n... and {} more failing runs", bad.len() - MAX_SHOWN);
    }
    panic!("{msg}");
}

/// [`check`], each scenario in a child process: the test binary re-runs
/// the test `test` (its `module_path!()::name`) alone, with the scenario
/// named in the environment. A child that dies of a signal (a container
/// that crashes the process: an abort, a segfault) becomes a failure that
/// names the signal and the case it was running, with its re-run commands;
/// the other scenarios still run. Needs the standard test harness (it
/// passes `--exact`); under Miri (no processes) it runs [`check`] in place.
pub fn check_isolated(test: &str, scenarios: &[Scenario], level: Level) {
    if cfg!(miri) || std::env::var_os(CHILD_ENV).is_some() {
        crate::run::ANNOUNCE.store(true, std::sync::atomic::Ordering::Relaxed);
        return check_inner_child(test, scenarios, level);
    }
    let exe = std::env::current_exe().expect("leaksafe-check: no path to the test binary");
    let mut failures = Vec::new();
    for s in scenarios {
        let out = std::process::Command::new(&exe)
            .args([
                test_name(test),
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, "1")
            .env(ONLY_ENV, s.full_name())
            .env_remove("LEAKSAFE_CHECK_ISOLATE")
            .output()
            .expect("leaksafe-check: cannot start the test binary");
        if out.status.success() {
            continue;
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let last = stderr
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(crate::run::ANNOUNCE_PREFIX))
            .map(str::to_owned);
        use std::os::unix::process::ExitStatusExt;
        match out.status.signal() {
            Some(sig) => {
                let case = last.unwrap_or_else(|| format!("{}@clean", s.full_name()));
                let (plan, lie) = case
                    .rsplit_once('@')
                    .and_then(|(_, c)| parse_case(c))
                    .unwrap_or_default();
                let r = Report {
                    scenario: s.full_name(),
                    group: s.group.to_owned(),
                    plan,
                    seed: None,
                    outcome: crate::Outcome::Violation(format!(
                        "the process was killed by signal {sig} ({})",
                        signal_name(sig)
                    )),
                    summary: Default::default(),
                    panicked: false,
                    forgot: false,
                    reached: true,
                    steps: 0,
                    lie,
                    class: Some(crate::Class::Unsound),
                };
                let [miri, asan] = r.rerun_commands(test_name(test));
                failures.push(format!(
                    "{} crashed: signal {sig} ({}) while running case {case}\n  class: unsound\n  plan: {}{}\n  re-run under Miri: {miri}\n  re-run under ASan: {asan}",
                    s.full_name(),
                    signal_name(sig),
                    r.plan,
                    r.lie.map(|l| format!(", lie: {l}")).unwrap_or_default(),
                ));
            }
            None => {
                let why = stdout
                    .lines()
                    .skip_while(|l| !l.contains("leaksafe-check:"))
                    .take_while(|l| !l.starts_with("note:") && !l.starts_with("failures:"))
                    .collect::<Vec<_>>()
                    .join("\n");
                failures.push(format!("{} failed ({}):\n{why}", s.full_name(), out.status));
            }
        }
    }
    if !failures.is_empty() {
        panic!(
            "leaksafe-check: {} of {} scenarios failed in their child processes\n\n{}",
            failures.len(),
            scenarios.len(),
            failures.join("\n\n")
        );
    }
}

fn check_inner_child(test: &str, scenarios: &[Scenario], level: Level) {
    // `check` would isolate again if LEAKSAFE_CHECK_ISOLATE were set; the
    // parent removed it, and under Miri it is ignored here.
    let level = level_from_env(level);
    let all = reports(scenarios);
    let bad: Vec<&Report> = all.iter().filter(|r| !r.ok_at(level)).collect();
    if !bad.is_empty() {
        let _ = test;
        let mut msg = format!(
            "leaksafe-check: {} of {} runs failed\n",
            bad.len(),
            all.len()
        );
        for r in bad.iter().take(MAX_SHOWN) {
            let _ = writeln!(msg, "{r}\n  case: {}", r.case());
        }
        panic!("{msg}");
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        _ => "signal",
    }
}

/// The names of the scenarios [`vec_scenarios`](crate::vec_scenarios)
/// makes, in order: one `#[test]` each in [`check_tests!`](crate::check_tests).
#[doc(hidden)]
pub const VEC_NAMES: [&str; 15] = [
    "drain",
    "drain_rest",
    "into_iter",
    "retain",
    "dedup_by",
    "dedup",
    "extend",
    "extend_from_slice",
    "clone",
    "truncate",
    "into_iter_rest",
    "clone_from",
    "truncate_sweep",
    "drain_sweep",
    "extend_sweep",
];

/// [`vec_scenarios`](crate::vec_scenarios) for `check_tests!`.
#[doc(hidden)]
pub fn vec_list<V: crate::VecLike + 'static>(target: &'static str) -> Vec<Scenario> {
    crate::vec_scenarios::<V>(target, "check_tests")
}

/// [`rc_scenarios`](crate::scenarios::rc::rc_scenarios) for `check_tests!`.
#[doc(hidden)]
pub fn rc_list<R: crate::RcLike>(target: &'static str) -> Vec<Scenario> {
    crate::scenarios::rc::rc_scenarios::<R>(target, "check_tests")
}

/// Runs the one scenario named `name` of `scenarios` through [`check`]
/// (no-op if there is none: `rc_scenarios` adds some per count type only).
#[doc(hidden)]
pub fn check_named(test: &str, scenarios: Vec<Scenario>, name: &str, level: Level) {
    let one: Vec<Scenario> = scenarios.into_iter().filter(|s| s.name == name).collect();
    check(test, &one, level);
}

/// Turns the scenario library into ordinary `#[test]`s for your type: one
/// test per scenario, each exploring every panic point, lie and forget
/// point, failing (at [`Level::Sound`] unless a level is given) with the
/// class, the plan and the commands that re-run the case under Miri and
/// AddressSanitizer.
///
/// - `check_tests!(vec NAME: TYPE)`: a module `NAME` with one test per
///   [`vec_scenarios`](crate::vec_scenarios) scenario, for a
///   [`VecLike`](crate::VecLike) `TYPE`;
/// - `check_tests!(rc NAME: TYPE)`: the same for an [`RcLike`](crate::RcLike);
/// - `check_tests!(scenarios NAME: EXPR)`: one test `NAME` exploring the
///   `Vec<Scenario>` that `EXPR` makes (your own scenarios);
/// - append `, level = LEVEL` for [`Level::LeakFree`] or [`Level::Contract`].
///
/// ```
/// # mod demo {
/// leaksafe_check::check_tests!(vec std_vec: Vec<leaksafe_check::Tracked>);
/// leaksafe_check::check_tests!(rc std_rc: std::rc::Rc<leaksafe_check::Tracked>, level = leaksafe_check::Level::LeakFree);
/// leaksafe_check::check_tests!(scenarios mine: leaksafe_check::std_library()
///     .into_iter().filter(|s| s.name == "retain").collect::<Vec<_>>());
/// # }
/// // `cargo test` now runs `std_vec::drain`, `std_vec::retain`, ...,
/// // `std_rc::clone_drop`, ..., and `mine`.
/// ```
#[macro_export]
macro_rules! check_tests {
    (vec $name:ident: $ty:ty) => {
        $crate::check_tests!(vec $name: $ty, level = $crate::Level::Sound);
    };
    (vec $name:ident: $ty:ty, level = $level:expr) => {
        #[allow(missing_docs)]
        pub mod $name {
            #[allow(unused_imports)]
            use super::*;
            $crate::check_tests!(@tests $ty, $level, vec_list,
                drain drain_rest into_iter retain dedup_by dedup extend extend_from_slice
                clone truncate into_iter_rest clone_from truncate_sweep drain_sweep
                extend_sweep);
        }
    };
    (rc $name:ident: $ty:ty) => {
        $crate::check_tests!(rc $name: $ty, level = $crate::Level::Sound);
    };
    (rc $name:ident: $ty:ty, level = $level:expr) => {
        #[allow(missing_docs)]
        pub mod $name {
            #[allow(unused_imports)]
            use super::*;
            $crate::check_tests!(@tests $ty, $level, rc_list,
                clone_drop forget_clones forget_weaks weak make_mut unwrap saturate
                forget_to_max);
        }
    };
    (scenarios $name:ident: $list:expr) => {
        $crate::check_tests!(scenarios $name: $list, level = $crate::Level::Sound);
    };
    (scenarios $name:ident: $list:expr, level = $level:expr) => {
        #[test]
        pub fn $name() {
            let list: ::std::vec::Vec<$crate::Scenario> = $list;
            $crate::check(concat!(module_path!(), "::", stringify!($name)), &list, $level);
        }
    };
    (@tests $ty:ty, $level:expr, $make:ident, $($t:ident)*) => {
        $(
            #[test]
            pub fn $t() {
                $crate::check::check_named(
                    concat!(module_path!(), "::", stringify!($t)),
                    $crate::check::$make::<$ty>(stringify!($ty)),
                    stringify!($t),
                    $level,
                );
            }
        )*
    };
}
