//! Feature `stable_deref_trait`: `Vec` is `StableDeref` (its slice stays
//! put when the vector is moved), as std's `Vec` is. Run with
//! `cargo test -p leaksafe --features stable_deref_trait --test vec_stable_deref`.
#![cfg(feature = "stable_deref_trait")]

use leaksafe::vec;
use leaksafe::vec::Vec;
use stable_deref_trait::StableDeref;

/// What owning_ref/yoke do: keep the owner and a pointer into its target,
/// then move the owner around.
struct Owning<O: StableDeref> {
    owner: O,
    first: *const u8,
}

impl<O: StableDeref<Target = [u8]>> Owning<O> {
    fn new(owner: O) -> Self {
        let first = owner.as_ptr();
        Owning { owner, first }
    }
    fn still_valid(&self) -> bool {
        std::ptr::eq(self.first, self.owner.as_ptr())
    }
}

#[test]
fn moving_the_vec_keeps_its_slice_in_place() {
    fn stable<T: StableDeref>() {}
    stable::<Vec<String>>();
    let o = Owning::new(vec![1u8, 2, 3]);
    let boxed = Box::new(o);
    let moved = *boxed;
    assert!(moved.still_valid());
    let empty = Owning::new(Vec::<u8>::new());
    let moved = [empty];
    assert!(moved[0].still_valid());
}
