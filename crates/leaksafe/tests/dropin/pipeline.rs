// A three-stage pipeline on `thread::scope`: a producer, two transformers and
// a collector, connected by channels and borrowing the caller's data.

use std::sync::mpsc;

pub fn run() -> String {
    let words: Vec<String> = "the scope not a guard joins the threads so forgetting a guard is harmless"
        .split(' ')
        .map(String::from)
        .collect();
    let mut report = Vec::new();
    let mut lengths = vec![0usize; 2];
    let (tx, rx) = mpsc::channel::<&str>();
    let (out_tx, out_rx) = mpsc::channel::<(usize, String)>();
    let rx = std::sync::Mutex::new(rx);
    let rx = &rx;
    thread::scope(|s| {
        let words = &words;
        s.spawn(move || {
            for w in words {
                tx.send(w.as_str()).unwrap();
            }
            drop(tx);
        });
        for (id, len) in lengths.iter_mut().enumerate() {
            let out_tx = out_tx.clone();
            s.spawn(move || {
                loop {
                    let next = rx.lock().unwrap().recv();
                    let Ok(w) = next else { break };
                    *len += w.len();
                    out_tx.send((id, w.to_uppercase())).unwrap();
                }
            });
        }
        drop(out_tx);
        let collector = s.spawn(move || {
            let mut got: Vec<String> = out_rx.iter().map(|(_, w)| w).collect();
            got.sort();
            got.dedup();
            got
        });
        report = collector.join().unwrap();
    });
    format!(
        "distinct={}\nwords={:?}\ntotal letters={}",
        report.len(),
        report,
        lengths.iter().sum::<usize>()
    )
}
