//! The audit's engine: drives leaksafe-check's scenario library.

use std::time::Instant;

use crate::audit::{Record, Target};

/// Runs the scenarios of `target`: each exhaustively, then `cases` random
/// injections drawn from `seed`, until `deadline`. Calls `tick(record, random)`
/// after each run.
pub fn audit(
    _target: Target,
    _seed: u64,
    _cases: u64,
    _deadline: Instant,
    _tick: &mut dyn FnMut(Record, bool),
) {
}
