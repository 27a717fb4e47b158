//! Makes leaksafe-check's counting allocator this test binary's global
//! allocator, for the allocation-size and freeing tests. Include with
//! `#[path = "common/counting_alloc.rs"] mod counting_alloc;`.
#![allow(unused_imports)] // each including test binary uses its own part

pub use leaksafe_check::alloc::{live_bytes, measure_thread as measure};

#[global_allocator]
static GLOBAL: leaksafe_check::alloc::Counting = leaksafe_check::alloc::Counting;
