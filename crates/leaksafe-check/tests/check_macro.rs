//! `check_tests!` turns the library into `#[test]`s; `check` fails with the
//! class, plan and re-run commands; `check_isolated` turns a crash into a
//! report naming the signal and the case.

use leaksafe_check::broken::{AbortingRetainVec, UnorderedRetainVec};
use leaksafe_check::{Level, Tracked, check, check_isolated, check_tests, vec_scenarios};

// Their forget runs leak on purpose: `leaky_` in the module names keeps them
// out of Miri's leak-checked run (`--skip leaky_`). The expansion is the same
// for every list; under Miri (a second per scenario run) the short `rc` list
// and `user_list` exercise it, and `tests/explorer.rs` explores a sample of
// std's vector scenarios.
#[cfg(not(miri))]
check_tests!(vec leaky_std_vec: Vec<Tracked>, level = Level::Contract);
check_tests!(rc leaky_std_rc: std::rc::Rc<Tracked>);
check_tests!(scenarios user_list: leaksafe_check::std_library()
    .into_iter()
    .filter(|s| s.name == "dedup_by")
    .collect::<Vec<_>>());

fn panic_text(f: impl FnOnce()) -> String {
    let e = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("must fail");
    leaksafe_check::panic_message(&*e)
}

#[test]
fn check_reports_class_plan_and_rerun_commands() {
    let s: Vec<_> = vec_scenarios::<UnorderedRetainVec>("demo::UnorderedRetainVec", "demo")
        .into_iter()
        .filter(|s| s.name == "retain")
        .collect();
    // Sound: a contract finding does not fail at the default level.
    check("check_macro::x", &s, Level::Sound);
    let msg = panic_text(|| check("check_macro::x", &s, Level::Contract));
    assert!(msg.contains("class: contract"), "{msg}");
    assert!(msg.contains("plan: clean run"), "{msg}");
    assert!(
        msg.contains("LEAKSAFE_CHECK_CASE='demo::UnorderedRetainVec/retain@clean'"),
        "{msg}"
    );
    assert!(
        msg.contains("cargo +nightly miri test -- 'x' --exact"),
        "{msg}"
    );
    assert!(msg.contains("-Zsanitizer=address"), "{msg}");
}

/// The child aborts (SIGABRT) at the first panic inside `retain` (the
/// first drop, in exploration order): the parent
/// reports the signal and the plan. Miri cannot run processes.
#[test]
#[cfg_attr(miri, ignore)]
fn isolated_crash_names_signal_and_plan() {
    let s: Vec<_> = vec_scenarios::<AbortingRetainVec>("demo::AbortingRetainVec", "demo")
        .into_iter()
        .filter(|s| s.name == "retain")
        .collect();
    let msg = panic_text(|| {
        check_isolated(
            concat!(module_path!(), "::isolated_crash_names_signal_and_plan"),
            &s,
            Level::Sound,
        )
    });
    assert!(msg.contains("signal 6 (SIGABRT)"), "{msg}");
    assert!(
        msg.contains("case demo::AbortingRetainVec/retain@Drop:0"),
        "{msg}"
    );
    assert!(msg.contains("plan: panic at Drop #0"), "{msg}");
    assert!(msg.contains("re-run under Miri"), "{msg}");
}
