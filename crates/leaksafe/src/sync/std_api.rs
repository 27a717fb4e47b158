//! std's `Arc` API that [`sync`](super) did not have yet: uninitialized
//! constructors and `assume_init`, the remaining `From`/`TryFrom`/`Default`
//! conversions (shared with `Rc`: the macro in `src/rc/std_api.rs`, whose
//! invariants apply), and `Error for Arc<E>`.
use core::error::Error;
use core::ptr::NonNull;

use super::{Arc, Block};
use crate::count::Count;
use crate::rc_box;

/// Gives up `this`'s strong reference as its block pointer (the inverse of
/// `Arc::from_block`).
#[inline]
fn into_block<T: ?Sized, C: Count>(this: Arc<T, C>) -> NonNull<Block<T, C>> {
    let value = Arc::into_raw(this);
    // SAFETY: `value` is the value field of a live block (the strong
    // reference now owned by the raw pointer keeps it alive and initialized).
    let block = unsafe { rc_box::inner_from_value_ptr::<C::Atomic, T>(value) };
    // SAFETY: a block pointer is not null.
    unsafe { NonNull::new_unchecked(block) }
}

crate::rc::std_api::impl_std_api!(
    Arc,
    path = "sync::Arc",
    block = Block,
    from_block = from_block,
    one = C::atomic_new(C::ONE),
);

/// Forwards to the value's `Error` impl, as std's `Arc<E>`.
///
/// ```
/// use leaksafe::sync::Arc;
/// use std::error::Error;
///
/// let e: Arc<std::fmt::Error> = Arc::new(std::fmt::Error);
/// let dyn_err: &dyn Error = &e;
/// assert!(dyn_err.source().is_none());
/// assert_eq!(e.to_string(), "an error occurred when formatting an argument");
/// ```
impl<T: Error + ?Sized, C: Count> Error for Arc<T, C> {
    #[allow(deprecated)]
    fn description(&self) -> &str {
        Error::description(&**self)
    }

    #[allow(deprecated)]
    fn cause(&self) -> Option<&dyn Error> {
        Error::cause(&**self)
    }

    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Error::source(&**self)
    }
}

/// As std: an `Arc` is unwind-safe when the value is, through `&T`
/// (`RefUnwindSafe`), since only shared access is possible (the auto trait
/// would also require `T: UnwindSafe`).
///
/// ```
/// use leaksafe::sync::Arc;
/// use std::panic::{catch_unwind, UnwindSafe};
///
/// fn unwind_safe<T: UnwindSafe>(_: &T) {}
/// let a = Arc::new(1);
/// unwind_safe(&a);
/// assert_eq!(catch_unwind(|| *a).unwrap(), 1);
/// ```
impl<T: ?Sized + core::panic::RefUnwindSafe, C: Count> core::panic::UnwindSafe for Arc<T, C> {}

/// Reads through the shared `File` (`&File: Read`), as std's `Arc<File>`.
///
/// ```
/// use leaksafe::sync::Arc;
/// use std::io::{Read, Seek, SeekFrom, Write};
///
/// let path = std::env::temp_dir().join(format!("leaksafe-arc-file-{}", std::process::id()));
/// let mut f = Arc::new(std::fs::File::options().read(true).write(true).create(true).truncate(true).open(&path)?);
/// f.write_all(b"hi")?;
/// f.seek(SeekFrom::Start(0))?;
/// let mut s = String::new();
/// f.clone().read_to_string(&mut s)?;
/// assert_eq!(s, "hi");
/// std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "std")]
impl std::io::Read for Arc<std::fs::File> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        (&**self).read(buf)
    }

    fn read_vectored(&mut self, bufs: &mut [std::io::IoSliceMut<'_>]) -> std::io::Result<usize> {
        (&**self).read_vectored(bufs)
    }

    fn read_to_end(&mut self, buf: &mut std::vec::Vec<u8>) -> std::io::Result<usize> {
        (&**self).read_to_end(buf)
    }

    fn read_to_string(&mut self, buf: &mut std::string::String) -> std::io::Result<usize> {
        (&**self).read_to_string(buf)
    }
}

/// Writes through the shared `File` (`&File: Write`), as std's `Arc<File>`.
#[cfg(feature = "std")]
impl std::io::Write for Arc<std::fs::File> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        (&**self).write(buf)
    }

    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        (&**self).write_vectored(bufs)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        (&**self).flush()
    }
}

/// Seeks the shared `File` (`&File: Seek`), as std's `Arc<File>`.
#[cfg(feature = "std")]
impl std::io::Seek for Arc<std::fs::File> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        (&**self).seek(pos)
    }

    fn stream_position(&mut self) -> std::io::Result<u64> {
        (&**self).stream_position()
    }
}
