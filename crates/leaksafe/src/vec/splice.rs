//! (Filled in by the Vec issues.)
