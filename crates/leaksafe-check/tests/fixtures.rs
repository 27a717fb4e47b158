//! One deliberately broken fixture per class, caught with its class; its
//! fixed twin comes out clean (or leak only, for a fix that leaks).
//!
//! Runs that forget a proxy leak on purpose: those tests are `leaky_*`.

use leaksafe_check::broken::{
    AmplifiedDrainVec, CheckedSpillVec, HintedExtendVec, LeakOnPanicRetainVec, LeakyDrainVec,
    SpillVec, TrustingExtendVec, UnguardedRetainVec, UnorderedRetainVec,
};
use leaksafe_check::{
    Class, Level, Lie, Plan, Report, Scenario, Tally, VecLike, explore, explore_panics,
    vec_scenarios,
};

fn named<V: VecLike + 'static>(name: &str) -> Scenario {
    vec_scenarios::<V>("fixture", "fixture")
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

fn worst(reports: &[Report]) -> Option<Class> {
    reports.iter().filter_map(|r| r.class).max()
}

fn show(reports: &[Report]) -> String {
    reports
        .iter()
        .filter(|r| r.class.is_some())
        .map(|r| format!("{r}\n"))
        .collect()
}

#[test]
fn unsound_lying_iterator_leaves_zeroed_slots_reported_not_crashed() {
    let s = named::<TrustingExtendVec>("extend");
    let reports = explore_panics(&s);
    assert!(
        reports[0].ok(),
        "the honest clean run passes: {}",
        reports[0]
    );
    // Yields fewer than its lower bound: two zeroed slots inside the length.
    let r = s.run_lying(Plan::none(), Some(Lie::ExactTooHigh));
    assert_eq!(r.class, Some(Class::Unsound), "{r}");
    assert!(!r.ok(), "{r}");
    assert!(r.to_string().contains("corrupt memory"), "{r}");
    assert!(r.to_string().contains("lie exact_too_high"), "{r}");
    assert!(r.case().ends_with("@lie:exact_too_high"), "{}", r.case());
    let [miri, asan] = r.rerun_commands("my_test");
    assert!(miri.contains("cargo +nightly miri test") && miri.contains("LEAKSAFE_CHECK_CASE="));
    assert!(asan.contains("-Zsanitizer=address"));
    // A panic in the iterator's `next` leaves them too.
    assert_eq!(worst(&reports), Some(Class::Unsound));
    let lies = reports.iter().filter(|r| r.lie.is_some()).count();
    assert_eq!(lies, Lie::ALL.len(), "every lie explored");
    // The fixed twin: clean, every lie and every panic, every size (the
    // sweep natively only: under Miri it adds a minute to the same code).
    let twins: &[&str] = if cfg!(miri) {
        &["extend"]
    } else {
        &["extend", "extend_sweep"]
    };
    for &name in twins {
        let twin = explore_panics(&named::<HintedExtendVec>(name));
        assert_eq!(worst(&twin), None, "{}", show(&twin));
    }
}

#[test]
fn unsound_retain_and_its_leaking_fix() {
    let bad = explore_panics(&named::<UnguardedRetainVec>("retain"));
    assert_eq!(worst(&bad), Some(Class::Unsound), "{}", show(&bad));
    let fix = explore_panics(&named::<LeakOnPanicRetainVec>("retain"));
    assert_eq!(worst(&fix), Some(Class::Leak), "{}", show(&fix));
    assert!(
        fix.iter().all(Report::ok),
        "a leak is sound: {}",
        show(&fix)
    );
    assert!(fix.iter().any(|r| !r.ok_at(Level::LeakFree)));
    let t = Tally::of(&fix);
    assert!(t.leak > 0 && t.unsound == 0 && t.failures == 0, "{t}");
}

#[test]
fn unsound_drain_and_its_leaking_fix() {
    let bad = explore_panics(&named::<LeakyDrainVec>("drain_rest"));
    assert_eq!(worst(&bad), Some(Class::Unsound), "{}", show(&bad));
    let fix = explore_panics(&named::<AmplifiedDrainVec>("drain_rest"));
    assert_eq!(worst(&fix), Some(Class::Leak), "{}", show(&fix));
    assert!(fix.iter().all(Report::ok));
    // The sweep (every size and range) natively only: under Miri it stops
    // at 2 elements, with no tail to leak, and adds half a minute.
    if !cfg!(miri) {
        let sweep = explore_panics(&named::<AmplifiedDrainVec>("drain_sweep"));
        assert_eq!(worst(&sweep), Some(Class::Leak), "{}", show(&sweep));
    }
}

#[test]
fn leaky_drain_forgets_of_the_fix_are_clean() {
    let fix = explore(&named::<AmplifiedDrainVec>("drain"));
    assert!(fix.iter().all(Report::ok), "{}", show(&fix));
    let bad = explore(&named::<LeakyDrainVec>("drain"));
    assert_eq!(worst(&bad), Some(Class::Unsound));
}

#[test]
fn contract_unordered_retain_is_sound_but_reported() {
    let r = explore_panics(&named::<UnorderedRetainVec>("retain"));
    assert_eq!(worst(&r), Some(Class::Contract), "{}", show(&r));
    assert!(r.iter().all(Report::ok) && r.iter().all(|r| r.ok_at(Level::LeakFree)));
    assert!(r.iter().any(|r| !r.ok_at(Level::Contract)));
    assert!(show(&r).contains("out of order"), "{}", show(&r));
    let twin = explore_panics(&named::<Vec<leaksafe_check::Tracked>>("retain"));
    assert_eq!(worst(&twin), None, "{}", show(&twin));
}

/// The overrun is real undefined behaviour (a write past the inline
/// buffer, into the guard words): not under Miri.
#[test]
#[cfg_attr(miri, ignore)]
fn unsound_overrun_hits_the_guard_words() {
    let bad = explore_panics(&named::<SpillVec>("extend_sweep"));
    assert_eq!(worst(&bad), Some(Class::Unsound), "{}", show(&bad));
    let hit = bad
        .iter()
        .find(|r| format!("{}", r.outcome).contains("guard value overwritten"))
        .unwrap_or_else(|| panic!("no guard hit: {}", show(&bad)));
    assert!(hit.lie.is_some(), "a lie caused it: {hit}");
    let twin = explore_panics(&named::<CheckedSpillVec>("extend_sweep"));
    assert_eq!(worst(&twin), None, "{}", show(&twin));
}
