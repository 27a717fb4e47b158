//! The audit's engine: drives leaksafe-check's scenario library.
//!
//! Per type: first `cases` random cases drawn from the seed (each a random
//! panic injection and/or forget point in a random scenario: reproducible
//! from the seed alone), then, while the type's share of the time budget
//! lasts, the exhaustive exploration of every scenario (every injection
//! point of every operation, every forget point from either end).

use std::time::Instant;

use leaksafe_check::{Report, Scenario, explore_each, run_random_each};

use crate::audit::{Record, Target};

/// Random cases run per call of the harness, between deadline checks.
const CHUNK: u64 = 16;

/// The scenarios audited for `target`.
pub fn scenarios(target: Target) -> Vec<Scenario> {
    match target {
        Target::BrokenVec => leaksafe_check::broken::scenarios(),
        t => leaksafe_check::leaksafe_library()
            .into_iter()
            .filter(|s| s.group == t.name())
            .collect(),
    }
}

fn record(r: Report) -> Record {
    Record {
        failure: (!r.ok()).then(|| r.outcome.to_string()),
        replay: r
            .seed
            .map(|seed| format!("leaksafe_check::replay({seed}, \"{}\")", r.scenario)),
        point: r.plan.to_string(),
        panicked: r.panicked,
        forgot: r.forgot,
        double_drops: r.summary.double_drops,
        bad_reads: r.summary.bad_reads + r.summary.unknown_drops,
        expected_leaks: r.summary.live - r.summary.unexpected_leaks(),
        unexpected_leaks: r.summary.unexpected_leaks(),
        scenario: r.scenario,
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
