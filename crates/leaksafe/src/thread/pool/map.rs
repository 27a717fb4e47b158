//! [`ThreadPool::map_chunks`]: data parallelism over a slice without a task
//! per chunk.
//!
//! # Invariants
//! - Safe code on top of [`ThreadPool::scope`]: every piece runs as a scoped
//!   task (or on the calling thread), so the scope's guarantee — it returns
//!   only after every task has finished — covers the borrowed `items`, `out`
//!   and `f`. No `unsafe` here.
//! - The slice of chunks is split in halves recursively, the input and the
//!   output slots together (`split_at` / `split_at_mut`), so each output slot
//!   is written by exactly one piece, and in chunk order.
//! - A panic in `f` is caught in its piece (which stops there); the first
//!   payload is kept and resumed once every piece has finished, so
//!   `map_chunks` panics with the user's own payload, the results computed so
//!   far are dropped, and the pool stays usable.

use std::boxed::Box;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Mutex;
use std::vec::Vec;

use super::ThreadPool;
use super::scope::PoolScope;

type Payload = Box<dyn core::any::Any + Send + 'static>;

/// Pieces per pool thread: enough for stealing to even out uneven chunks,
/// few enough that the per-task cost (~0.1 µs) does not matter.
const PIECES_PER_THREAD: usize = 4;

impl ThreadPool {
    /// Splits `items` into chunks of `chunk_size` elements (the last may be
    /// shorter, as [`slice::chunks`]) and returns `f` of each chunk, in
    /// order, computed in parallel on the pool.
    ///
    /// Unlike one [`PoolScope::spawn`] per chunk, this creates only a few
    /// tasks per pool thread: the chunks are split in halves, a half is
    /// spawned for an idle thread to steal, and each piece then runs its
    /// chunks one after another. So thousands of small chunks cost about
    /// what a handful of large ones do.
    ///
    /// # Why std's `Vec`
    /// The result is a finished value handed to the caller: `map_chunks`
    /// never grows it, drains it or lends it out, so none of what
    /// [`leaksafe::vec::Vec`](crate::vec::Vec) makes leak-safe is involved,
    /// and std's `Vec` is what callers (and the pool's existing users)
    /// expect. Either converts to the other without copying
    /// (`leaksafe::vec::Vec::from(v)` takes over the buffer), so a caller
    /// that wants the leaksafe type pays nothing for this choice, and no
    /// existing caller breaks.
    ///
    /// ```
    /// let pool = leaksafe::thread::ThreadPool::new(1);
    /// let v = pool.map_chunks(&[1, 2, 3], 2, <[i32]>::len);
    /// let p = v.as_ptr();
    /// let lv = leaksafe::vec::Vec::from(v);
    /// assert_eq!(lv.as_ptr(), p);
    /// assert_eq!(lv, [2, 1]);
    /// ```
    ///
    /// # Panics
    /// If `chunk_size` is zero (as [`slice::chunks`]). If `f` panics,
    /// `map_chunks` panics with that payload (the first, if several) once
    /// every task it started has finished; which of the other chunks ran is
    /// unspecified, and their results are dropped. The pool stays usable.
    ///
    /// ```
    /// use leaksafe::thread::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let data: Vec<u64> = (1..=10_000).collect();
    /// let sums = pool.map_chunks(&data, 1000, |c| c.iter().sum::<u64>());
    /// assert_eq!(sums.len(), 10);
    /// assert_eq!(sums[0], 500_500);
    /// assert_eq!(sums.iter().sum::<u64>(), 50_005_000);
    /// ```
    pub fn map_chunks<'a, T, R, F>(&self, items: &'a [T], chunk_size: usize, f: F) -> Vec<R>
    where
        T: Sync,
        R: Send,
        F: Fn(&'a [T]) -> R + Sync,
    {
        assert!(chunk_size != 0, "chunk size must be non-zero");
        let n = items.len().div_ceil(chunk_size);
        let mut out: Vec<Option<R>> = (0..n).map(|_| None).collect();
        let grain = n.div_ceil(self.threads() * PIECES_PER_THREAD).max(1);
        let first_panic: Mutex<Option<Payload>> = Mutex::new(None);
        let job = Job {
            chunk_size,
            grain,
            f: &f,
            first_panic: &first_panic,
        };
        self.scope(|s| job.run(s, items, &mut out));
        if let Some(payload) = first_panic.into_inner().unwrap_or_else(|e| e.into_inner()) {
            resume_unwind(payload);
        }
        out.into_iter()
            .map(|r| r.expect("every chunk's result is written when no piece panicked"))
            .collect()
    }
}

/// What every piece shares: the split parameters, `f`, and the first panic.
struct Job<'j, F> {
    chunk_size: usize,
    /// At most this many chunks run in one piece without splitting.
    grain: usize,
    f: &'j F,
    first_panic: &'j Mutex<Option<Payload>>,
}

impl<F> Clone for Job<'_, F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F> Copy for Job<'_, F> {}

impl<'j, F> Job<'j, F> {
    /// Runs the chunks of `items` into `out` (one slot per chunk), spawning
    /// the right half while the piece is larger than `grain`.
    fn run<'scope, 'a, T, R>(
        self,
        s: &'scope PoolScope<'scope, '_>,
        items: &'a [T],
        out: &'scope mut [Option<R>],
    ) where
        'j: 'scope,
        'a: 'scope,
        T: Sync,
        R: Send,
        F: Fn(&'a [T]) -> R + Sync,
    {
        let (mut items, mut out) = (items, out);
        while out.len() > self.grain {
            let mid = out.len() / 2;
            let (left_items, right_items) = items.split_at(mid * self.chunk_size);
            let (left_out, right_out) = out.split_at_mut(mid);
            // The handle is dropped at once: the scope waits for the task.
            s.spawn(move || self.run(s, right_items, right_out));
            (items, out) = (left_items, left_out);
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            for (chunk, slot) in items.chunks(self.chunk_size).zip(out.iter_mut()) {
                *slot = Some((self.f)(chunk));
            }
        }));
        if let Err(payload) = result {
            let mut first = self.first_panic.lock().unwrap_or_else(|e| e.into_inner());
            if first.is_none() {
                *first = Some(payload);
            }
            // A later panic's payload is dropped here; if its `Drop` panics,
            // that panic is this task's, which the scope reports.
        }
    }
}
