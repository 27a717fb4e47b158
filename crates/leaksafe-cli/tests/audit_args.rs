//! `leaksafe audit`'s numbers: out-of-range flags are refused with exit 2 and
//! a message naming the flag and its range; a time budget that ends the audit
//! early is reported; without one, the same seed and case count give the
//! same audit; the reproduction line carries every flag it needs.

use std::process::{Command, Output};

fn leaksafe(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leaksafe"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the leaksafe binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn out_of_range_numbers_exit_2_naming_the_flag_and_the_range() {
    let time = "above 0 and at most 86400";
    let whole_u64 = "from 0 to 18446744073709551615";
    let cases = "from 0 to 1000000000";
    for (args, flag, range) in [
        (&["--time", "0"][..], "--time", time),
        (&["--time=-1"], "--time", time),
        (&["--time", "-1"], "--time", time),
        (&["--time", "-0.5"], "--time", time),
        (&["--time", "nan"], "--time", time),
        (&["--time", "inf"], "--time", time),
        (&["--time", "-inf"], "--time", time),
        (&["--time", "1e400"], "--time", time),
        (&["--time", "86401"], "--time", time),
        (&["--seed", "-1"], "--seed", whole_u64),
        (&["--seed=-7"], "--seed", whole_u64),
        (&["--seed", "18446744073709551616"], "--seed", whole_u64),
        (&["--seed", "1.5"], "--seed", whole_u64),
        (&["--cases", "-1"], "--cases", cases),
        (&["--cases", "1000000001"], "--cases", cases),
        (&["--cases", "1e3"], "--cases", cases),
    ] {
        let mut all = vec!["audit", "--only", "rc"];
        all.extend_from_slice(args);
        let o = leaksafe(&all, &[]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}: errors go to stderr");
        assert!(
            err.contains(&format!("for '{flag} ")) && err.contains(range),
            "{args:?}: the message must name {flag} and {range:?}:\n{err}"
        );
        assert!(!err.contains("unexpected argument"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn hidden_worker_numbers_are_checked_too() {
    for args in [
        &["__audit", "rc", "-1", "5"][..],
        &["__audit", "rc", "1", "-5"],
        &["__audit", "rc", "1", "5", "-100"],
    ] {
        let o = leaksafe(args, &[]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("expected a whole number from 0 to"), "{err}");
    }
}

#[test]
fn a_budget_that_ends_the_audit_says_so() {
    // A billion cases cannot run in 0.3 s.
    let args = [
        "audit",
        "--seed",
        "6",
        "--cases",
        "1000000000",
        "--time",
        "0.3",
        "--only",
        "vec",
    ];
    let o = leaksafe(&args, &[]);
    let s = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{s}");
    assert!(s.contains("time budget 0.3 s"), "{s}");
    let row = s
        .lines()
        .find(|l| l.starts_with("vec ") && l.ends_with("ok"))
        .unwrap_or_else(|| panic!("no row for vec:\n{s}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert!(cols[2].ends_with('*'), "random cases marked as cut: {row}");
    assert!(
        s.contains("* the 0.3 s time budget ended these early (without --time, all run):"),
        "{s}"
    );
    assert!(
        s.contains("vec: ") && s.contains(" of 1000000000 random cases"),
        "{s}"
    );
    assert!(s.contains("the time budget ended it early"), "{s}");

    let mut json = args.to_vec();
    json.push("--json");
    let o = leaksafe(&json, &[]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["budget_ended"], true);
    assert_eq!(v["time_budget_s"], 0.3);
    let t = &v["types"][0];
    assert_eq!(t["budget_ended"], true);
    assert_eq!(t["random_cases_requested"], 1_000_000_000);
    let run = t["random_cases_run"].as_u64().unwrap();
    assert!(run > 0 && run < 1_000_000_000, "{t}");
}

#[test]
fn without_a_budget_every_case_runs_and_nothing_says_otherwise() {
    let o = leaksafe(
        &["audit", "--seed", "6", "--cases", "40", "--only", "rc"],
        &[],
    );
    let s = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{s}");
    assert!(s.contains("no time budget"), "{s}");
    assert!(!s.contains("ended"), "{s}");
    let row = s.lines().find(|l| l.starts_with("rc ")).unwrap();
    assert_eq!(row.split_whitespace().nth(2), Some("40"), "{row}");
    let o = leaksafe(
        &[
            "audit", "--json", "--seed", "6", "--cases", "40", "--only", "rc",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["budget_ended"], false);
    assert_eq!(v["time_budget_s"], serde_json::Value::Null);
    let t = &v["types"][0];
    assert_eq!(t["random_cases_run"], 40);
    assert_eq!(t["scenarios_explored"], t["scenarios_total"]);
}

/// Wall times are the only thing allowed to differ between two runs.
fn without_timings(mut v: serde_json::Value) -> serde_json::Value {
    v["seconds"] = serde_json::Value::Null;
    for t in v["types"].as_array_mut().unwrap() {
        t["seconds"] = serde_json::Value::Null;
    }
    v
}

#[test]
fn seed_and_cases_without_time_determine_the_whole_audit() {
    let run = || {
        let o = leaksafe(&["audit", "--json", "--seed", "12", "--cases", "200"], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
        without_timings(serde_json::from_slice(&o.stdout).unwrap())
    };
    let a = run();
    assert_eq!(a["types"].as_array().unwrap().len(), 4, "{a}");
    for t in a["types"].as_array().unwrap() {
        assert_eq!(t["random_cases_run"], 200, "{t}");
        assert_eq!(t["scenarios_explored"], t["scenarios_total"], "{t}");
    }
    assert_eq!(a, run());
}

#[test]
fn the_reproduction_line_carries_the_time_budget() {
    let o = leaksafe(
        &[
            "audit",
            "--only",
            "broken-vec",
            "--seed",
            "5",
            "--cases",
            "5",
            "--time",
            "20",
        ],
        &[],
    );
    let s = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(
        s.contains("reproduce: leaksafe audit --seed 5 --only broken-vec --cases 5 --time 20"),
        "{s}"
    );
}

#[test]
fn with_no_budget_a_stalled_audit_process_is_killed_by_the_watchdog() {
    let o = leaksafe(
        &["audit", "--only", "hang", "--seed", "4", "--cases", "10"],
        &[("LEAKSAFE_AUDIT_STALL_SECS", "1")],
    );
    let s = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(
        s.contains("hung: no run finished for 1 s (LEAKSAFE_AUDIT_STALL_SECS), killed"),
        "{s}"
    );
    assert!(
        s.contains("reproduce: leaksafe audit --seed 4 --only hang --cases 10\n"),
        "{s}"
    );
}

#[test]
fn the_audit_fits_80_columns() {
    // A budget cut and the longest type name shown: the widest plain output.
    let o = leaksafe(
        &[
            "audit",
            "--seed",
            "3",
            "--cases",
            "1000000000",
            "--time",
            "0.4",
        ],
        &[],
    );
    let s = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{s}");
    for l in s.lines() {
        assert!(
            l.chars().count() <= 80,
            "{} columns: {l}",
            l.chars().count()
        );
    }
}
