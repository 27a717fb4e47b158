//! Property test: random sequences of every `Vec` operation on
//! `leaksafe::vec::Vec` and on `std::vec::Vec`, compared after every step,
//! with planned panics in every kind of user code and proxies forgotten
//! after k items. The model and its checks are in `vec_model/mod.rs`
//! (shared with the fuzz target `fuzz/fuzz_targets/vec_ops.rs`).
//!
//! Cases: 64 natively, 4 (with shorter sequences) under Miri. The test that
//! forgets proxies leaks on purpose and is named `leaky_*`.

// The model compares with std's `Vec::extract_if` (1.87); the library itself
// keeps to the 1.85 MSRV.
#![allow(clippy::incompatible_msrv)]

mod vec_model;

use leaksafe_check::Op;
use proptest::prelude::*;
use vec_model::{Action, FAULT_OPS, Hint, Step, run};

const CASES: u32 = if cfg!(miri) { 4 } else { 64 };
const MAX_STEPS: usize = if cfg!(miri) { 10 } else { 40 };

fn hint() -> impl Strategy<Value = Hint> {
    prop_oneof![
        Just(Hint::Exact),
        Just(Hint::Zero),
        (1u8..5).prop_map(Hint::Over),
        Just(Hint::Under),
    ]
}

fn items() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..8, 0..7)
}

fn action(forget: bool) -> impl Strategy<Value = Action> {
    let idx = || any::<u8>().prop_map(usize::from);
    let small = || 0usize..4;
    let fg = move || any::<bool>().prop_map(move |f| f && forget);
    let plain = prop_oneof![
        (0u8..8).prop_map(Action::Push),
        Just(Action::Pop),
        (idx(), 0u8..8).prop_map(|(i, x)| Action::Insert(i, x)),
        idx().prop_map(Action::Remove),
        idx().prop_map(Action::SwapRemove),
        idx().prop_map(Action::Truncate),
        Just(Action::Clear),
        (items(), hint()).prop_map(|(v, h)| Action::Extend(v, h)),
        (0u8..4).prop_map(Action::Retain),
        (0u8..4).prop_map(Action::RetainMut),
    ];
    let more = prop_oneof![
        Just(Action::Dedup),
        (0u8..4).prop_map(Action::DedupByKey),
        (idx(), 0u8..8).prop_map(|(n, x)| Action::Resize(n, x)),
        idx().prop_map(Action::ResizeWith),
        (idx(), idx()).prop_map(|(a, b)| Action::ExtendFromWithin(a, b)),
        idx().prop_map(Action::SplitOffAppend),
        items().prop_map(Action::Append),
        items().prop_map(Action::CloneFrom),
        Just(Action::Clone),
    ];
    let proxies = prop_oneof![
        (idx(), idx(), small(), small(), fg()).prop_map(|(a, b, front, back, forget)| {
            Action::Drain {
                a,
                b,
                front,
                back,
                forget,
            }
        }),
        (idx(), idx(), items(), hint(), small(), small(), fg()).prop_map(
            |(a, b, items, hint, front, back, forget)| Action::Splice {
                a,
                b,
                items,
                hint,
                front,
                back,
                forget
            }
        ),
        (idx(), idx(), 0u8..4, small(), fg()).prop_map(|(a, b, m, take, forget)| {
            Action::ExtractIf {
                a,
                b,
                m,
                take,
                forget,
            }
        }),
        (small(), small(), fg()).prop_map(|(front, back, forget)| Action::IntoIter {
            front,
            back,
            forget
        }),
    ];
    prop_oneof![3 => plain, 3 => more, 4 => proxies]
}

fn fault() -> impl Strategy<Value = Option<(Op, u8)>> {
    prop::option::weighted(
        0.35,
        (0..FAULT_OPS.len(), 0u8..8).prop_map(|(i, k)| (FAULT_OPS[i], k)),
    )
}

fn steps(forget: bool) -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (action(forget), fault()).prop_map(|(action, fault)| Step { action, fault }),
        1..MAX_STEPS,
    )
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // `PROPTEST_CASES=n` runs more (or fewer) cases.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(CASES),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Every operation with planned panics; proxies are always dropped.
    #[test]
    fn differential_ops_with_panics(steps in steps(false)) {
        run(&steps);
    }

    /// The same, and proxies (`Drain`, `Splice`, `ExtractIf`, `IntoIter`) are
    /// also forgotten after k items: leaks on purpose.
    #[test]
    fn leaky_differential_ops_with_forgets(steps in steps(true)) {
        run(&steps);
    }
}
