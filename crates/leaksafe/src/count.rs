//! The `Count` trait: a reference count's width and what overflow does.
//! (Filled in by the Rc issue.)

/// A reference-count type: its width and its overflow policy.
pub trait Count {}
