//! Thread-safe reference counting with checked counts. (Filled in by the Arc issue.)

pub(crate) mod shim;
