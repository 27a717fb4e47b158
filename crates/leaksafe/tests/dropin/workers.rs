// A set of worker threads sharing state through `Arc<Mutex<_>>` and
// `Arc<AtomicUsize>`, joined through their `JoinHandle`s.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Stats {
    pub seen: Vec<u64>,
    pub max: u64,
}

pub fn run() -> String {
    let stats = Arc::new(Mutex::new(Stats { seen: Vec::new(), max: 0 }));
    let processed = Arc::new(AtomicUsize::new(0));
    let jobs: Arc<Vec<u64>> = Arc::new((1..=40).collect());
    let mut handles = Vec::new();
    for w in 0..4u64 {
        let stats = Arc::clone(&stats);
        let processed = Arc::clone(&processed);
        let jobs = Arc::clone(&jobs);
        handles.push(thread::spawn(move || {
            let mut local = 0;
            for j in jobs.iter().filter(|j| **j % 4 == w) {
                let v = j * j;
                local += v;
                let mut s = stats.lock().unwrap();
                s.seen.push(v);
                s.max = s.max.max(v);
                processed.fetch_add(1, Ordering::Relaxed);
            }
            local
        }));
    }
    let mut per_worker: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let weak = Arc::downgrade(&stats);
    let mut s = Arc::try_unwrap(stats).ok().unwrap().into_inner().unwrap();
    s.seen.sort_unstable();
    per_worker.sort();
    format!(
        "workers={per_worker:?}\nprocessed={}\nmax={}\nfirst={:?}\nsum={}\nweak dead={}\nstrong of jobs={}",
        processed.load(Ordering::Relaxed),
        s.max,
        &s.seen[..5],
        s.seen.iter().sum::<u64>(),
        weak.upgrade().is_none(),
        Arc::strong_count(&jobs),
    )
}
