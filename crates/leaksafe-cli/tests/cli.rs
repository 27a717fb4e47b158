//! End-to-end tests of the `leaksafe` binary: the default run, each command,
//! `--json` parsed back, bad arguments, and an audit that must fail.
//!
//! The tests run the binary with stdout piped (not a terminal), so they also
//! check the plain-output convention: no colour codes, no progress bar.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn leaksafe(args: &[&str]) -> (Output, Duration) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_leaksafe"))
        .args(args)
        .output()
        .expect("the leaksafe binary runs");
    (out, t.elapsed())
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn assert_plain(s: &str) {
    assert!(
        !s.contains('\x1b'),
        "escape codes in non-terminal output:\n{s}"
    );
}

#[test]
fn default_run_tours_every_case_then_audits_and_exits_0() {
    let (o, took) = leaksafe(&[]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{s}");
    for needle in [
        "1/3  Vec::drain",
        "2/3  Rc",
        "3/3  thread::scoped",
        // the Drain forgotten mid-iteration leaves the prefix, usable
        "len 1, contents [0]; push(9) -> [0, 9]",
        // the u8 count aborts instead of wrapping, in a child process
        "aborted (SIGABRT) at strong_count 255",
        // the saturating twin stays alive
        "strong_count 255 (stuck)",
        "never dropped",
        // std's scope with a forgotten handle hangs; the tour does not
        "hangs (killed after 2 s)",
        "the write landed before scope returned",
        "tour: 6 of 6 leaksafe checks held",
        "audit: every check held",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in:\n{s}");
    }
    assert!(!s.contains("FAILED"), "{s}");
    assert_plain(&s);
    assert!(took < Duration::from_secs(45), "default run took {took:?}");
}

#[test]
fn tour_alone_exits_0() {
    let (o, _) = leaksafe(&["tour"]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{s}");
    assert!(s.contains("tour: 6 of 6 leaksafe checks held"), "{s}");
    assert!(!s.contains("leaksafe audit"), "tour must not audit:\n{s}");
    // Laid out for an 80-column terminal.
    for l in s.lines() {
        assert!(
            l.chars().count() <= 80,
            "{} columns: {l}",
            l.chars().count()
        );
    }
}

#[test]
fn audit_prints_a_table_per_type() {
    let (o, _) = leaksafe(&["audit", "--seed", "11", "--cases", "5", "--time", "10"]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{s}");
    for t in ["vec", "rc", "arc", "thread"] {
        let row = s
            .lines()
            .find(|l| l.starts_with(&format!("{t} ")) && l.ends_with("ok"))
            .unwrap_or_else(|| panic!("no ok row for {t} in:\n{s}"));
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(cols[1].parse::<u64>().unwrap() > 0, "no scenario: {row}");
        assert_eq!(cols[6], "0", "double drops: {row}");
    }
    assert!(s.contains("seed 11"), "{s}");
    assert_plain(&s);
}

#[test]
fn audit_json_parses_back_and_is_only_json() {
    let (o, _) = leaksafe(&[
        "audit", "--json", "--seed", "3", "--cases", "5", "--only", "rc",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is exactly one JSON document");
    assert_eq!(v["seed"], 3);
    assert_eq!(v["ok"], true);
    let types = v["types"].as_array().unwrap();
    assert_eq!(types.len(), 1);
    assert_eq!(types[0]["type"], "rc");
    assert_eq!(types[0]["double_drops"], 0);
    assert!(types[0]["scenarios"].as_u64().unwrap() > 0);
    assert!(types[0]["injection_points"].as_u64().unwrap() > 0);
}

#[test]
fn same_seed_same_audit() {
    let run = || {
        let (o, _) = leaksafe(&[
            "audit", "--json", "--seed", "9", "--cases", "300", "--only", "vec",
        ]);
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        // Everything but the wall times must be identical.
        v["seconds"] = serde_json::Value::Null;
        v["types"][0]["seconds"] = serde_json::Value::Null;
        v
    };
    let a = run();
    assert!(a["types"][0]["panics_caught"].as_u64().unwrap() > 0, "{a}");
    assert!(a["types"][0]["forgets"].as_u64().unwrap() > 0, "{a}");
    assert_eq!(a, run());
}

#[test]
fn an_audit_that_checked_nothing_fails() {
    // A microsecond's budget: no case can start (`--time 0` is refused).
    let (o, _) = leaksafe(&["audit", "--time", "0.000001", "--only", "rc"]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains("nothing was checked"), "{s}");
}

#[test]
fn failing_audit_exits_1_with_a_reproduction_line() {
    let (o, _) = leaksafe(&[
        "audit",
        "--only",
        "broken-vec",
        "--seed",
        "5",
        "--cases",
        "5",
    ]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(
        s.contains("reproduce: leaksafe audit --seed 5 --only broken-vec --cases 5"),
        "{s}"
    );
    assert!(s.contains("FAILED"), "{s}");

    // The same through --json: still exit 1, and the failure is in the data.
    let (o, _) = leaksafe(&[
        "audit",
        "--json",
        "--only",
        "broken-vec",
        "--seed",
        "5",
        "--cases",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert!(!v["types"][0]["failures"].as_array().unwrap().is_empty());
    assert!(
        v["types"][0]["reproduce"]
            .as_str()
            .unwrap()
            .contains("--seed 5 --only broken-vec")
    );
}

#[test]
fn an_audit_process_that_aborts_fails_with_a_reproduction_line() {
    let (o, _) = leaksafe(&["audit", "--only", "abort", "--seed", "4", "--cases", "10"]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains("the audit process aborted (SIGABRT)"), "{s}");
    assert!(s.contains("after "), "names the last completed run:\n{s}");
    assert!(
        s.contains("reproduce: leaksafe audit --seed 4 --only abort --cases 10"),
        "{s}"
    );
}

#[test]
fn an_audit_process_that_hangs_is_killed_and_fails() {
    let (o, took) = leaksafe(&[
        "audit", "--only", "hang", "--seed", "4", "--cases", "10", "--time", "1",
    ]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(
        s.contains("hung: still running 3 s past its time budget, killed"),
        "{s}"
    );
    assert!(
        s.contains("reproduce: leaksafe audit --seed 4 --only hang"),
        "{s}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn bench_quick_prints_ratios() {
    let (o, took) = leaksafe(&["bench", "--quick"]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{s}");
    for needle in [
        "/ std",
        "Rc<u64>: clone + drop",
        "Arc<u64>: clone + drop",
        "scope: spawn + join",
        "allocs/op",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in:\n{s}");
    }
    assert!(!s.contains("no leaksafe entry"), "{s}");
    assert_plain(&s);
    assert!(
        took < Duration::from_secs(60),
        "bench --quick took {took:?}"
    );
}

#[test]
fn bench_json_parses_back() {
    let (o, _) = leaksafe(&["bench", "--quick", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is exactly one JSON document");
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for c in cases {
        let ls = c["leaksafe"].as_array().unwrap();
        assert!(!ls.is_empty(), "no leaksafe entry in {c}");
        for l in ls {
            let r = l["ratio_std"]
                .as_f64()
                .or(l["ratio_best_peer"].as_f64())
                .unwrap();
            assert!(r > 0.0 && r.is_finite(), "{l}");
        }
    }
    let mem = v["memory"].as_array().unwrap();
    // Rc<u8, u8> allocates 3 bytes per value: two u8 counts and the value.
    let rc_u8 = mem
        .iter()
        .find(|m| m["name"] == "leaksafe Rc<u8, u8>")
        .expect("Rc<u8, u8> measured");
    assert_eq!(rc_u8["bytes_per_op"], 3.0);
    assert_eq!(rc_u8["allocs_per_op"], 1.0);
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["bogus"][..],
        &["audit", "--seed", "not-a-number"],
        &["audit", "--only", "hashmap"],
        &["bench", "--fast"],
        &["tour", "extra"],
    ] {
        let (o, _) = leaksafe(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}: errors go to stderr");
        assert!(!o.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn help_has_examples_on_every_command() {
    for args in [
        &["--help"][..],
        &["tour", "--help"],
        &["audit", "--help"],
        &["bench", "--help"],
    ] {
        let (o, _) = leaksafe(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let s = stdout(&o);
        assert!(s.contains("Examples:"), "{args:?}:\n{s}");
    }
    // The internal child command and the broken type stay hidden.
    let (o, _) = leaksafe(&["--help"]);
    assert!(!stdout(&o).contains("__child"));
    let (o, _) = leaksafe(&["audit", "--help"]);
    assert!(!stdout(&o).contains("broken"));
}

/// Runs `leaksafe ARGS` on a pseudo-terminal (util-linux `script`), so that
/// stdout is a terminal, with or without `NO_COLOR`.
fn on_a_terminal(args: &str, no_color: bool) -> String {
    let mut c = Command::new("script");
    c.args([
        "-qec",
        &format!("{} {args}", env!("CARGO_BIN_EXE_leaksafe")),
        "/dev/null",
    ]);
    if no_color {
        c.env("NO_COLOR", "1");
    } else {
        c.env_remove("NO_COLOR");
    }
    let o = c.output().expect("util-linux `script` runs");
    assert!(o.status.success(), "{o:?}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let coloured = on_a_terminal("tour", false);
    assert!(coloured.contains("\x1b[1m"), "no bold heading:\n{coloured}");
    assert!(
        coloured.contains("\x1b[32m"),
        "no green verdicts:\n{coloured}"
    );
    let plain = on_a_terminal("tour", true);
    assert!(
        plain.contains("tour: 6 of 6 leaksafe checks held"),
        "{plain}"
    );
    assert_plain(&plain);
}

#[test]
fn progress_bar_only_on_a_terminal() {
    let args = "audit --only thread --cases 2000 --seed 2";
    let tty = on_a_terminal(args, true);
    assert!(
        tty.contains("/2000 random cases"),
        "no progress bar:\n{tty}"
    );
    assert!(tty.contains("thread "), "{tty}");
    let (o, _) = leaksafe(&args.split(' ').collect::<Vec<_>>());
    let piped = stdout(&o);
    assert!(
        !piped.contains("/2000 random cases"),
        "bar when piped:\n{piped}"
    );
    assert!(
        !piped.contains('\r'),
        "carriage returns when piped:\n{piped}"
    );
    assert!(
        piped.contains("  thread "),
        "plain progress line missing:\n{piped}"
    );
}
