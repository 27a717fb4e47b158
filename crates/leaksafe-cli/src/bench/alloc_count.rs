//! The `leaksafe` binary's global allocator: leaksafe-check's counting
//! allocator, whose process-wide count gives bench's bytes and allocations
//! per operation. Other threads allocating while [`measure`] runs are
//! counted too, so memory cases run single-threaded work (pool cases count
//! the pool's own allocations, which is the point).

pub use leaksafe_check::alloc::{Counting, measure};
