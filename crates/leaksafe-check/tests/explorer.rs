//! The harness checks itself: std's types pass every injection and forget
//! point; the broken fixtures are reported, with scenario and injection
//! point, without crashing the process (and without UB under Miri).
//!
//! Tests whose runs forget something that owns memory are `leaky_*`.

use leaksafe_check::broken;
use leaksafe_check::{
    Ledger, Op, Outcome, Plan, Proxy, Report, Side, Tally, explore, library, replay,
    reports_to_json, run_random, run_random_in, std_library,
};

fn failures(reports: &[Report]) -> Vec<String> {
    reports
        .iter()
        .filter(|r| !r.ok())
        .map(|r| r.to_string())
        .collect()
}

mod common;

/// The std scenarios these tests explore: all of them natively; under Miri
/// every fourth of those without a sweep (see `common`; `tests/library.rs`
/// keeps leaksafe's own set nearly whole).
fn std_sample() -> Vec<leaksafe_check::Scenario> {
    common::miri_sample(std_library(), 4)
}

fn scenario(name: &str) -> leaksafe_check::Scenario {
    library()
        .into_iter()
        .chain(broken::scenarios())
        .find(|s| s.full_name() == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

/// Every injection point of every std scenario (no forgets: those leak).
#[test]
fn std_injection_points_pass() {
    let mut all = Vec::new();
    for s in std_sample() {
        // std's Rc/Arc leak their allocation when the value's Drop panics
        // (allowed; Miri would report it): those runs are in the leaky test.
        let leaks_on_drop_panic = s.group == "rc" || s.group == "arc";
        all.push(s.run(Plan::none()));
        for op in Op::ALL {
            if leaks_on_drop_panic && op == Op::Drop {
                continue;
            }
            for k in 0.. {
                let r = s.run(Plan::inject(op, k));
                if !r.reached {
                    break;
                }
                all.push(r);
            }
        }
    }
    assert_eq!(failures(&all), Vec::<String>::new());
    let t = Tally::of(&all);
    assert!(t.panics_caught > if cfg!(miri) { 10 } else { 50 }, "{t}");
    assert_eq!(t.double_drops + t.bad_reads + t.unexpected_leaks, 0);
}

#[test]
fn leaky_explore_std_library() {
    let mut all = Vec::new();
    for s in std_sample() {
        all.extend(explore(&s));
    }
    assert_eq!(failures(&all), Vec::<String>::new());
    let t = Tally::of(&all);
    assert_eq!(t.scenarios, std_sample().len());
    // Natively the whole library; under Miri its sample still forgets and
    // panics (and leaks as declared: the vector proxies amplify).
    let (forgets, panics) = if cfg!(miri) { (0, 10) } else { (20, 50) };
    assert!(t.forgets > forgets && t.panics_caught > panics, "{t}");
    assert!(t.expected_leaks > 0, "forgotten drains leak: {t}");
    assert_eq!(t.failures, 0);
}

#[test]
fn explorer_stops_at_first_unreached_point() {
    let s = scenario("std::vec::Vec/retain");
    let reports = explore(&s);
    let n = leaksafe_check::scenarios::vec::N;
    let preds = reports
        .iter()
        .filter(|r| matches!(r.plan.inject, Some((Op::Predicate, _))))
        .count();
    assert_eq!(preds, n, "one run per predicate call");
    assert!(
        reports.iter().all(|r| r.plan.forget.is_none()),
        "retain has no proxy"
    );
    assert_eq!(reports[0].plan, Plan::none());
    assert_eq!(reports[0].outcome, Outcome::Passed);
}

#[test]
fn broken_drain_forget_is_reported_as_use_after_free() {
    let s = scenario("broken::LeakyDrainVec/drain");
    assert_eq!(s.proxy, Proxy::DoubleEnded);
    let r = s.run(Plan::forget(Side::Front, 1));
    assert!(!r.ok());
    let Outcome::Violation(msg) = &r.outcome else {
        panic!("expected a violation, got {r}")
    };
    assert!(msg.contains("use after free"), "{msg}");
    assert!(msg.contains("double drop of value ids [2]"), "{msg}");
    assert_eq!(r.summary.double_drops, 1);
    let line = r.to_string();
    assert!(
        line.starts_with("FAIL broken::LeakyDrainVec/drain [forget after 1 from front]"),
        "{line}"
    );
    // From the back: the last drained slot is the stale one.
    let r = s.run(Plan::forget(Side::Back, 2));
    assert!(!r.ok() && r.summary.double_drops == 2, "{r}");
}

#[test]
fn broken_drain_explored_reports_every_bad_point() {
    let reports = explore(&scenario("broken::LeakyDrainVec/drain"));
    assert!(reports[0].ok(), "the clean run passes: {}", reports[0]);
    // Forgetting untouched is harmless even without amplification...
    let f0 = reports
        .iter()
        .find(|r| r.plan == Plan::forget(Side::Front, 0))
        .unwrap();
    assert!(f0.ok(), "{f0}");
    // ...but every forget after a step, and a panic while the drain drops
    // the rest of its range, is a double drop.
    for r in &reports {
        if r.plan.forget.is_some_and(|g| g.after > 0) {
            assert!(!r.ok() && r.summary.double_drops > 0, "{r}");
        }
    }
    // A panicking destructor while the drain drops the rest of its range
    // (no guard) leaves dropped slots in the vector.
    let rest = scenario("broken::LeakyDrainVec/drain_rest");
    let r = rest.run(Plan::inject(Op::Drop, 2));
    assert!(r.panicked && !r.ok() && r.summary.double_drops > 0, "{r}");
    assert!(
        r.to_string()
            .starts_with("FAIL broken::LeakyDrainVec/drain_rest [panic at Drop #2]"),
        "{r}"
    );
    // And the same type is fine where it is not broken.
    let ok = leaksafe_check::vec_scenarios::<broken::LeakyDrainVec>("fixture", "broken");
    let retain = ok.iter().find(|s| s.name == "retain").unwrap();
    assert!(explore(retain).iter().all(Report::ok));
}

#[test]
fn broken_retain_panic_is_reported_as_double_drop() {
    let s = scenario("broken::UnguardedRetainVec/retain");
    let reports = explore(&s);
    assert!(reports[0].ok(), "{}", reports[0]);
    // A panic in the predicate after the first removal (value 1) leaves a
    // dropped slot or a duplicated value behind.
    let r = s.run(Plan::inject(Op::Predicate, 3));
    assert!(r.panicked && !r.ok(), "{r}");
    assert!(r.summary.double_drops > 0, "{r}");
    assert!(
        r.to_string()
            .starts_with("FAIL broken::UnguardedRetainVec/retain [panic at Predicate #3]"),
        "{r}"
    );
    // Before anything was removed, a panic is harmless.
    assert!(s.run(Plan::inject(Op::Predicate, 0)).ok());
    let bad = reports.iter().filter(|r| !r.ok()).count();
    assert!(bad >= 5, "{bad} failing points");
}

/// Leaky: random cases forget proxies.
#[test]
fn leaky_random_runs_are_reproducible() {
    // Under Miri (half a second a case) 10 cases make the same point.
    let cases = if cfg!(miri) { 10 } else { 30 };
    let a = run_random(11, cases, |s| s.group == "vec");
    let b = run_random(11, cases, |s| s.group == "vec");
    assert_eq!(a, b);
    assert!(a.iter().all(Report::ok), "{:?}", failures(&a));
    for r in a.iter().take(5) {
        let again = replay(r.seed.unwrap(), &r.scenario).unwrap();
        assert_eq!(&again, r);
    }
    assert!(replay(1, "no/such").is_none());
}

/// Leaky: a random case may both fail a check and then panic in a value's
/// `Drop` while the scenario returns; rustc leaks a return value when a
/// local's destructor panics (rust-lang/rust#47949), here the message.
#[test]
fn leaky_random_audit_of_broken_fails_with_a_reproduction() {
    let reports = run_random_in(&broken::scenarios(), 3, 40);
    let bad: Vec<&Report> = reports.iter().filter(|r| !r.ok()).collect();
    assert!(!bad.is_empty(), "random injection finds the broken types");
    let r = bad[0];
    let repro = r.repro();
    assert!(
        repro.contains(&r.scenario) && repro.contains("case seed"),
        "{repro}"
    );
    let again = replay(r.seed.unwrap(), &r.scenario).unwrap();
    assert_eq!(&again, r, "the seed reproduces the failure");
}

#[test]
fn json_is_well_formed() {
    let s = scenario("broken::LeakyDrainVec/drain");
    let reports = vec![s.run(Plan::none()), s.run(Plan::forget(Side::Front, 2))];
    let j = reports_to_json(&reports);
    json::validate(&j).unwrap_or_else(|e| panic!("{e}: {j}"));
    assert!(j.contains(r#""scenario":"broken::LeakyDrainVec/drain""#));
    assert!(j.contains(r#""forget":{"side":"front","after":2}"#));
    assert!(j.contains(r#""kind":"violation""#));
    assert!(j.contains(r#""ok":false"#));
    let t = Tally::by_group(&reports);
    json::validate(&t["broken"].to_json()).unwrap();
    // Escapes.
    let mut r = reports[0].clone();
    r.outcome = Outcome::UnexpectedPanic("a \"quoted\"\nline\\\u{1}".into());
    json::validate(&r.to_json()).unwrap();
}

#[test]
fn ledger_records_a_double_drop_without_ub() {
    let ledger = Ledger::new();
    let v = vec![ledger.track(1)];
    // A bitwise duplicate, as a broken container would leave behind.
    // SAFETY: (a test of the ledger) the copy lives in `v`'s buffer, which stays
    // allocated; `ledger` outlives both; the payload is plain data.
    let twin = unsafe { std::ptr::read(&v[0]) };
    drop(twin);
    assert_eq!(v[0].try_get(), None, "stale read detected, not performed");
    drop(v);
    let s = ledger.summary();
    assert_eq!((s.double_drops, s.bad_reads, s.live), (1, 1, 0));
    assert!(!s.is_sound());
}

#[test]
fn injected_panics_never_fire_while_unwinding() {
    let ledger = Ledger::new();
    let v: Vec<_> = ledger.track_range(3).collect();
    ledger.fail_at(Op::Drop, 1);
    let r = leaksafe_check::catch(|| {
        let _v = v;
        panic!("user panic");
    });
    assert_eq!(r.unwrap_err(), None, "the user's panic, no abort");
    assert!(ledger.injected().is_empty());
    assert!(ledger.reached(Op::Drop, 1));
    ledger.assert_all_dropped();
}

/// A minimal JSON validator (the harness has no JSON dependency).
mod json {
    pub fn validate(s: &str) -> Result<(), String> {
        let b = s.as_bytes();
        let mut i = 0;
        value(b, &mut i)?;
        ws(b, &mut i);
        if i == b.len() {
            Ok(())
        } else {
            Err(format!("trailing data at {i}"))
        }
    }
    fn ws(b: &[u8], i: &mut usize) {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    }
    fn lit(b: &[u8], i: &mut usize, l: &str) -> Result<(), String> {
        if b[*i..].starts_with(l.as_bytes()) {
            *i += l.len();
            Ok(())
        } else {
            Err(format!("bad literal at {i}"))
        }
    }
    fn string(b: &[u8], i: &mut usize) -> Result<(), String> {
        lit(b, i, "\"")?;
        while *i < b.len() {
            match b[*i] {
                b'"' => {
                    *i += 1;
                    return Ok(());
                }
                b'\\' => {
                    *i += 1;
                    match b.get(*i) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => *i += 1,
                        Some(b'u')
                            if b.len() >= *i + 5
                                && b[*i + 1..*i + 5].iter().all(u8::is_ascii_hexdigit) =>
                        {
                            *i += 5
                        }
                        _ => return Err(format!("bad escape at {i}")),
                    }
                }
                c if c < 0x20 => return Err(format!("control char at {i}")),
                _ => *i += 1,
            }
        }
        Err("unterminated string".into())
    }
    fn value(b: &[u8], i: &mut usize) -> Result<(), String> {
        ws(b, i);
        match b.get(*i) {
            Some(b'{') => {
                *i += 1;
                ws(b, i);
                if b.get(*i) == Some(&b'}') {
                    *i += 1;
                    return Ok(());
                }
                loop {
                    ws(b, i);
                    string(b, i)?;
                    ws(b, i);
                    lit(b, i, ":")?;
                    value(b, i)?;
                    ws(b, i);
                    match b.get(*i) {
                        Some(b',') => *i += 1,
                        Some(b'}') => {
                            *i += 1;
                            return Ok(());
                        }
                        _ => return Err(format!("expected , or }} at {i}")),
                    }
                }
            }
            Some(b'[') => {
                *i += 1;
                ws(b, i);
                if b.get(*i) == Some(&b']') {
                    *i += 1;
                    return Ok(());
                }
                loop {
                    value(b, i)?;
                    ws(b, i);
                    match b.get(*i) {
                        Some(b',') => *i += 1,
                        Some(b']') => {
                            *i += 1;
                            return Ok(());
                        }
                        _ => return Err(format!("expected , or ] at {i}")),
                    }
                }
            }
            Some(b'"') => string(b, i),
            Some(b't') => lit(b, i, "true"),
            Some(b'f') => lit(b, i, "false"),
            Some(b'n') => lit(b, i, "null"),
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                *i += 1;
                while *i < b.len() && (b[*i].is_ascii_digit() || b".eE+-".contains(&b[*i])) {
                    *i += 1;
                }
                Ok(())
            }
            _ => Err(format!("unexpected at {i}")),
        }
    }
}
