//! `leaksafe bench`: a short run of the headline cases, leaksafe side by
//! side with std and the best peer crates in one process, printed as ratios
//! (leaksafe time ÷ std time, and ÷ the best peer's time), plus bytes and
//! allocations per operation from the binary's counting allocator.
//!
//! Method: each implementation is calibrated to a batch of at least
//! `batch` wall time; then `rounds` rounds run every implementation of a case
//! once each, in rotating order (so slow drift of a noisy machine hits all
//! alike); the fastest batch gives the time per operation (noise from other
//! processes only adds time, so the minimum is the steadiest estimate). The criterion
//! benches in crates/leaksafe/benches are the careful measurement; this is
//! the quick look a user can reproduce in under a minute.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::style::Style;

mod alloc_count;
mod cases;
mod measure;

pub use alloc_count::Counting;
use measure::{Case, Mem, Role};

pub const EXAMPLES: &str = "\
Examples:
  leaksafe bench            about 30 s: every headline case
  leaksafe bench --quick    a few seconds, fewer rounds (noisier)
  leaksafe bench --json     machine-readable

Ratios below 1.00 mean leaksafe is faster. Times are the fastest of many
rounds in which every implementation runs once, in rotating order; noise from
other processes is not removed, so compare ratios, not absolute times.";

/// Arguments of `leaksafe bench`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Fewer and shorter rounds: a few seconds in all, noisier.
    #[arg(long)]
    pub quick: bool,
    /// Print only JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

struct Settings {
    batch: Duration,
    rounds: usize,
}

/// One leaksafe implementation's time and ratios.
struct Ratios {
    name: &'static str,
    ns: f64,
    /// leaksafe ÷ std.
    std: Option<f64>,
    /// The best (fastest) peer, and leaksafe ÷ its time.
    peer: Option<(&'static str, f64)>,
}

/// Measured nanoseconds per operation, per implementation.
struct Timed {
    name: &'static str,
    results: Vec<(&'static str, Role, f64)>,
}

impl Timed {
    fn of(&self, role: Role) -> Option<(&'static str, f64)> {
        self.results
            .iter()
            .filter(|r| r.1 == role)
            .map(|r| (r.0, r.2))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Every leaksafe variant, with its ratio to std and to the best peer.
    fn rows(&self) -> Vec<Ratios> {
        let std = self.of(Role::Std).map(|s| s.1);
        let peer = self.of(Role::Peer);
        self.results
            .iter()
            .filter(|r| r.1 == Role::Leaksafe)
            .map(|r| Ratios {
                name: r.0,
                ns: r.2,
                std: std.map(|s| r.2 / s),
                peer: peer.map(|p| (p.0, r.2 / p.1)),
            })
            .collect()
    }
}

fn time_case(case: &mut Case, set: &Settings) -> Timed {
    // Calibrate: operations per batch so that a batch takes >= set.batch.
    let mut per_batch = Vec::new();
    for i in &mut case.imps {
        let mut n = 1u64;
        loop {
            let t = Instant::now();
            (i.run)(n);
            let e = t.elapsed();
            if e >= set.batch / 2 || n >= 1 << 30 {
                let scale = set.batch.as_secs_f64() / e.as_secs_f64().max(1e-9);
                per_batch.push(((n as f64 * scale).ceil() as u64).max(1));
                break;
            }
            n *= 4;
        }
    }
    let k = case.imps.len();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); k];
    for round in 0..set.rounds {
        for j in 0..k {
            let idx = (round + j) % k;
            let n = per_batch[idx];
            let t = Instant::now();
            (case.imps[idx].run)(n);
            samples[idx].push(t.elapsed().as_nanos() as f64 / n as f64);
        }
    }
    let results = case
        .imps
        .iter()
        .zip(samples)
        .map(|(i, s)| {
            // The fastest batch: on a shared machine noise only ever adds
            // time, so the minimum is the steadiest estimate of the cost.
            (
                i.name,
                i.role,
                s.iter().copied().fold(f64::INFINITY, f64::min),
            )
        })
        .collect();
    Timed {
        name: case.name,
        results,
    }
}

/// Runs the benchmarks; always exit 0 (a slow case is reported, not failed).
pub fn run(args: &Args, s: &Style) -> ExitCode {
    let set = settings(args.quick);
    let start = Instant::now();
    let mut cases = cases::headline();
    if !args.json {
        print_header(args.quick, s);
    }
    let mut timed = Vec::new();
    for c in &mut cases {
        let t = time_case(c, &set);
        if !args.json {
            print_timed(&t, s);
        }
        timed.push(t);
    }
    let mem = cases::memory();
    if args.json {
        print_json(args.quick, &timed, &mem, start);
    } else {
        print_memory(&mem, start, s);
    }
    ExitCode::SUCCESS
}

/// Batch length and rounds: `--quick` or the full run.
fn settings(quick: bool) -> Settings {
    if quick {
        Settings {
            batch: Duration::from_millis(2),
            rounds: 9,
        }
    } else {
        Settings {
            batch: Duration::from_millis(10),
            rounds: 41,
        }
    }
}

/// The title and the timing table's column heads.
fn print_header(quick: bool, s: &Style) {
    println!(
        "{}",
        s.bold(&format!(
            "leaksafe bench{}: ratio = leaksafe time / other time (below 1.00 = leaksafe faster)",
            if quick { " --quick" } else { "" }
        ))
    );
    println!(
        "{}",
        s.dim(&format!(
            "{:<42} {:<36} {:>9} {:>7} {:>7}  {}",
            "case", "leaksafe", "ns/op", "/ std", "/ peer", "best peer"
        ))
    );
}

/// The memory table and the closing line.
fn print_memory(mem: &[Mem], start: Instant, s: &Style) {
    println!();
    println!(
        "{}",
        s.dim(&format!(
            "{:<42} {:<36} {:>9} {:>9}",
            "memory (requested from the allocator)", "type", "allocs/op", "bytes/op"
        ))
    );
    for m in mem {
        println!(
            "{:<42} {:<36} {:>9.2} {:>9.1}",
            m.case, m.name, m.allocs, m.bytes
        );
    }
    println!();
    println!(
        "{}",
        s.dim(&format!(
            "bench: {:.1} s on {} cores; the machine's noise is in these numbers: rerun to compare",
            start.elapsed().as_secs_f64(),
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ))
    );
}

/// `--json`: times, ratios and memory as one document.
fn print_json(quick: bool, timed: &[Timed], mem: &[Mem], start: Instant) {
    let doc = json!({
        "quick": quick,
        "seconds": start.elapsed().as_secs_f64(),
        "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "cases": timed.iter().map(|t| json!({
            "case": t.name,
            "ns_per_op": t.results.iter().map(|r| json!({
                "name": r.0,
                "role": format!("{:?}", r.1).to_lowercase(),
                "ns": r.2,
            })).collect::<Vec<_>>(),
            "leaksafe": t.rows().iter().map(|r| json!({
                "name": r.name,
                "ns": r.ns,
                "ratio_std": r.std,
                "best_peer": r.peer.map(|p| p.0),
                "ratio_best_peer": r.peer.map(|p| p.1),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "memory": mem.iter().map(|m| json!({
            "case": m.case,
            "name": m.name,
            "allocs_per_op": m.allocs,
            "bytes_per_op": m.bytes,
        })).collect::<Vec<_>>(),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("JSON of plain data")
    );
}

fn ratio(r: Option<f64>, s: &Style) -> String {
    match r {
        None => format!("{:>7}", "-"),
        Some(x) => {
            let t = format!("{x:>6.2}x");
            if x > 1.05 { s.warn(&t) } else { s.good(&t) }
        }
    }
}

fn print_timed(t: &Timed, s: &Style) {
    let rows = t.rows();
    if rows.is_empty() {
        let others: Vec<String> = t
            .results
            .iter()
            .map(|r| format!("{} {:.1} ns", r.0, r.2))
            .collect();
        println!(
            "{:<42} {:<36} {}",
            t.name,
            "(no leaksafe entry)",
            others.join(", ")
        );
    }
    for (i, r) in rows.iter().enumerate() {
        println!(
            "{:<42} {:<36} {:>9.1} {} {}  {}",
            if i == 0 { t.name } else { "" },
            r.name,
            r.ns,
            ratio(r.std, s),
            ratio(r.peer.map(|p| p.1), s),
            r.peer.map_or("-", |p| p.0)
        );
    }
}
