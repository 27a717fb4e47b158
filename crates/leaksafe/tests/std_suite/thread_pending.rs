// The tests of std's `library/std/src/thread/tests.rs` that need API not yet on
// this branch (see STD_SUITE_GAPS.md, "enable after merge"). Same
// licence and provenance as the parent module.
use super::*;
// Named explicitly: through the glob above, leaksafe's `vec!` would be
// ambiguous with the prelude's.
use leaksafe::vec;

// leaksafe: needs `Builder::spawn`
#[test]
fn test_named_thread() {
    Builder::new()
        .name("ada lovelace".to_string())
        .spawn(move || {
            assert!(thread::current().name().unwrap() == "ada lovelace".to_string());
        })
        .unwrap()
        .join()
        .unwrap();
}

// leaksafe: needs `Builder::spawn`
#[test]
#[should_panic]
fn test_invalid_named_thread() {
    let _ = Builder::new()
        .name("ada l\0velace".to_string())
        .spawn(|| {});
}
