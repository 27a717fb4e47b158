//! What `leaksafe bench` measures: an implementation of a case ([`Imp`]),
//! a case ([`Case`]), and bytes and allocations per operation ([`Mem`]).
//! Shared by the cases (`cases`) and the runner (`bench`); it imports only
//! the counting allocator.

use std::time::Duration;

use super::alloc_count::measure;

/// Whose implementation this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Leaksafe,
    Std,
    Peer,
}

/// One implementation of a case: runs `n` operations.
pub struct Imp {
    pub name: &'static str,
    pub role: Role,
    pub run: Box<dyn FnMut(u64)>,
}

pub fn imp(name: &'static str, role: Role, run: impl FnMut(u64) + 'static) -> Imp {
    Imp {
        name,
        role,
        run: Box::new(run),
    }
}

/// A headline case: what one operation is, and its implementations.
pub struct Case {
    pub name: &'static str,
    pub imps: Vec<Imp>,
}

/// Bytes and allocations per operation.
pub struct Mem {
    pub case: &'static str,
    pub name: &'static str,
    pub allocs: f64,
    pub bytes: f64,
}

pub fn per<T>(case: &'static str, name: &'static str, ops: usize, f: impl FnOnce() -> T) -> Mem {
    let (r, c) = measure(f);
    drop(r);
    Mem {
        case,
        name,
        allocs: c.allocs as f64 / ops as f64,
        bytes: c.bytes as f64 / ops as f64,
    }
}

/// Values measured per case in [`per_value`].
pub const PER_VALUE: usize = 1000;

/// Bytes and allocations of one value made by `new`: `PER_VALUE` values are
/// kept in a vector reserved beforehand, so only the values are counted.
pub fn per_value<T>(case: &'static str, name: &'static str, new: impl Fn() -> T) -> Mem {
    let mut keep = Vec::with_capacity(PER_VALUE);
    let m = per(case, name, PER_VALUE, || {
        for _ in 0..PER_VALUE {
            keep.push(new());
        }
    });
    drop(keep);
    m
}

/// A pool's threads allocate while they start, and the counter is
/// process-wide: let them settle before anything is measured.
pub fn settle() {
    std::thread::sleep(Duration::from_millis(20));
}
