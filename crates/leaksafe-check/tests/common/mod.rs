//! Shared by the harness's integration tests.
//!
//! Under Miri one scenario run costs about a second (natively a fraction of
//! a millisecond), so the explorations Miri repeats are a sample; the native
//! `cargo test` explores every scenario, and AddressSanitizer's run (see
//! `.ci/run`) checks the native runs for leaks and overruns.
//!
//! Miri is here for the harness's own unsafe code (the canary check of a
//! possibly corrupt `Tracked`, the ledger lookups) and for the library's
//! code under forgets and panics: every proxy kind and operation class keeps
//! a scenario in the sample. What is left out are
//! - the sweeps (`*_sweep`: the same code at every size and position,
//!   already shrunk under `cfg(miri)`), and
//! - for std's types (which the harness checks for false alarms, a question
//!   of logic, not of UB), all but every `every`-th scenario.

use leaksafe_check::Scenario;

/// `scenarios` natively; under Miri, the sample described in the module
/// docs: no sweeps, then every `every`-th scenario (`1`: all the others).
pub fn miri_sample(scenarios: Vec<Scenario>, every: usize) -> Vec<Scenario> {
    if !cfg!(miri) {
        return scenarios;
    }
    scenarios
        .into_iter()
        .filter(|s| !s.name.ends_with("_sweep"))
        .step_by(every)
        .collect()
}
