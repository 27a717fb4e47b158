//! The scenario library: every scenario, for std's types (the reference:
//! they must pass) and for leaksafe's.
//!
//! - [`vec`](mod@vec): generic over [`VecLike`](vec::VecLike) (+ [`VecSplice`](vec::VecSplice),
//!   [`VecExtractIf`](vec::VecExtractIf));
//! - [`rc`]: generic over [`RcLike`](rc::RcLike);
//! - [`thread`]: scoped threads.

mod counts;
mod leaksafe;
pub mod rc;
pub mod thread;
pub mod vec;

use crate::Scenario;

/// The scenarios of std's types (group `vec`, `rc`, `arc`, `thread`; targets
/// `std::...`). std is sound, so every one passes.
pub fn std_library() -> Vec<Scenario> {
    let mut v = vec::vec_scenarios::<std::vec::Vec<crate::Tracked>>("std::vec::Vec", "vec");
    v.extend(vec::splice_scenarios::<std::vec::Vec<crate::Tracked>>(
        "std::vec::Vec",
        "vec",
    ));
    v.extend(vec::more_scenarios::<std::vec::Vec<crate::Tracked>>(
        "std::vec::Vec",
        "vec",
    ));
    v.extend(vec::insert_scenarios::<std::vec::Vec<crate::Tracked>>(
        "std::vec::Vec",
        "vec",
    ));
    v.extend(rc::rc_scenarios::<std::rc::Rc<crate::Tracked>>(
        "std::rc::Rc",
        "rc",
    ));
    v.extend(rc::arc_scenarios::<std::sync::Arc<crate::Tracked>>(
        "std::sync::Arc",
        "arc",
    ));
    v.extend(thread::std_scope_scenarios());
    v
}

/// The scenarios of leaksafe's types (targets `leaksafe::...`).
pub fn leaksafe_library() -> Vec<Scenario> {
    leaksafe::library()
}

/// Every scenario: [`leaksafe_library`] then [`std_library`]. The broken
/// fixtures are not included (see [`broken::scenarios`](crate::broken::scenarios)).
pub fn library() -> Vec<Scenario> {
    let mut v = leaksafe_library();
    v.extend(std_library());
    v
}
