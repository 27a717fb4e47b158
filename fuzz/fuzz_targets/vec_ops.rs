//! Fuzz target `vec_ops`: the operation stream of `tests/vec_proptest.rs`,
//! decoded from fuzz bytes with `arbitrary`, run by the same differential
//! model (`crates/leaksafe/tests/vec_model/mod.rs`): leaksafe's `Vec` and
//! std's side by side, planned panics in user code, forgotten proxies, a drop
//! ledger checked after every step.
//!
//! Run from `fuzz/` (proxies are forgotten on purpose, so LeakSanitizer must
//! be off, both per input and at exit):
//! `ASAN_OPTIONS=detect_leaks=0 cargo +nightly fuzz run vec_ops -- -max_total_time=60 -detect_leaks=0`
//! The seed corpus is `fuzz/corpus/vec_ops/`.
#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

#[path = "../../crates/leaksafe/tests/vec_model/mod.rs"]
mod vec_model;

use vec_model::{Action, FAULT_OPS, Hint, Step};

fn items(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let n = u.int_in_range(0..=6)?;
    (0..n).map(|_| u.int_in_range(0..=7)).collect()
}

fn hint(u: &mut Unstructured<'_>) -> Result<Hint> {
    Ok(match u.int_in_range(0..=3)? {
        0 => Hint::Exact,
        1 => Hint::Zero,
        2 => Hint::Over(u.int_in_range(1..=4)?),
        _ => Hint::Under,
    })
}

fn idx(u: &mut Unstructured<'_>) -> Result<usize> {
    Ok(usize::from(u.arbitrary::<u8>()?))
}

fn small(u: &mut Unstructured<'_>) -> Result<usize> {
    u.int_in_range(0..=3)
}

fn action(u: &mut Unstructured<'_>) -> Result<Action> {
    Ok(match u.int_in_range(0..=22)? {
        0 => Action::Push(u.int_in_range(0..=7)?),
        1 => Action::Pop,
        2 => Action::Insert(idx(u)?, u.int_in_range(0..=7)?),
        3 => Action::Remove(idx(u)?),
        4 => Action::SwapRemove(idx(u)?),
        5 => Action::Truncate(idx(u)?),
        6 => Action::Clear,
        7 => Action::Extend(items(u)?, hint(u)?),
        8 => Action::Drain {
            a: idx(u)?,
            b: idx(u)?,
            front: small(u)?,
            back: small(u)?,
            forget: u.arbitrary()?,
        },
        9 => Action::Splice {
            a: idx(u)?,
            b: idx(u)?,
            items: items(u)?,
            hint: hint(u)?,
            front: small(u)?,
            back: small(u)?,
            forget: u.arbitrary()?,
        },
        10 => Action::ExtractIf {
            a: idx(u)?,
            b: idx(u)?,
            m: u.int_in_range(0..=3)?,
            take: small(u)?,
            forget: u.arbitrary()?,
        },
        11 => Action::IntoIter {
            front: small(u)?,
            back: small(u)?,
            forget: u.arbitrary()?,
        },
        12 => Action::Retain(u.int_in_range(0..=3)?),
        13 => Action::RetainMut(u.int_in_range(0..=3)?),
        14 => Action::Dedup,
        15 => Action::DedupByKey(u.int_in_range(0..=3)?),
        16 => Action::Resize(idx(u)?, u.int_in_range(0..=7)?),
        17 => Action::ResizeWith(idx(u)?),
        18 => Action::ExtendFromWithin(idx(u)?, idx(u)?),
        19 => Action::SplitOffAppend(idx(u)?),
        20 => Action::Append(items(u)?),
        21 => Action::CloneFrom(items(u)?),
        _ => Action::Clone,
    })
}

fn step(u: &mut Unstructured<'_>) -> Result<Step> {
    let action = action(u)?;
    let fault = if u.ratio(1, 3)? {
        Some((
            FAULT_OPS[u.choose_index(FAULT_OPS.len())?],
            u.int_in_range(0..=7)?,
        ))
    } else {
        None
    };
    Ok(Step { action, fault })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut steps = Vec::new();
    while !u.is_empty() && steps.len() < 64 {
        match step(&mut u) {
            Ok(s) => steps.push(s),
            Err(_) => break,
        }
    }
    vec_model::run(&steps);
});
