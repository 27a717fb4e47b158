//! Scoped threads whose soundness does not depend on a destructor.
//!
//! The owner of the threads — the scope — joins them, whatever happened to
//! their handles and guards. (Filled in by the thread and pool issues.)

mod pool;
mod scope;

pub use pool::*;
pub use scope::*;
