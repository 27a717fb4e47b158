//! Single-threaded reference counting with checked counts. (Filled in by the Rc issue.)
