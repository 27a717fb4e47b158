//! The `leaksafe` command: replays the Rustonomicon's "Leaking" attacks live
//! against leaksafe's types (`tour`), audits them with leaksafe-check's
//! forget and panic injection (`audit`), and measures them against std and
//! the best crates (`bench`).
//!
//! Exit codes: 0 when everything held, 1 when a check failed (with a line
//! that reproduces it), 2 for bad arguments (clap's convention).
//!
//! Output: colour only on a terminal and never when `NO_COLOR` is set; a
//! progress bar only when stdout is a terminal (plain lines otherwise);
//! `--json` prints JSON and nothing else on stdout.

mod audit;
mod bench;
mod child;
mod numbers;
mod style;
mod tour;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Counts every allocation of this process, so `leaksafe bench` can report
/// bytes and allocations per operation. Counting is switched on only while a
/// memory case runs; otherwise the cost is one relaxed load per allocation.
#[global_allocator]
static ALLOC: bench::Counting = bench::Counting;

const EXAMPLES: &str = "\
Examples:
  leaksafe                      tour, then a short audit (what `cargo run --release` runs)
  leaksafe tour                 replay the chapter's three attacks live
  leaksafe audit --seed 7       audit every type with random forgets and panics
  leaksafe audit --only rc --json
  leaksafe bench --quick        ratios against std and the best crates";

/// Replays the Rustonomicon's "Leaking" attacks live against leaksafe's
/// types, and audits them with forget and panic injection.
///
/// With no command: the tour, then a short audit; exit 0 when everything held.
#[derive(Parser, Debug)]
#[command(name = "leaksafe", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay the chapter's three attacks (Vec::drain, Rc, thread::scoped)
    /// against leaksafe's types, with std side by side.
    #[command(after_help = tour::EXAMPLES)]
    Tour,
    /// Run leaksafe-check's scenario library with random forget and panic
    /// injection, then print a table per type.
    #[command(after_help = audit::EXAMPLES)]
    Audit(audit::Args),
    /// A short run of the headline benchmarks: time ratios against std and
    /// the best peer crate, and bytes per allocation.
    #[command(after_help = bench::EXAMPLES)]
    Bench(bench::Args),
    /// Internal: one attack run in a child process (so that an abort or a
    /// hang cannot take the tour down with it).
    #[command(name = "__child", hide = true)]
    Child {
        /// Which attack to run.
        case: child::Case,
    },
    /// Internal: the audit of one type, run in a child process (so that a
    /// scenario that aborts or overflows its stack fails the audit with a
    /// reproduction line instead of killing it). Prints one JSON line per run.
    #[command(name = "__audit", hide = true)]
    AuditWorker {
        /// The type to audit.
        #[arg(value_enum)]
        target: audit::Target,
        /// The audit's seed.
        #[arg(value_parser = numbers::seed, allow_negative_numbers = true)]
        seed: u64,
        /// Random cases.
        #[arg(value_parser = numbers::cases, allow_negative_numbers = true)]
        cases: u64,
        /// Milliseconds left for this type [default: no time budget].
        #[arg(value_parser = numbers::millis, allow_negative_numbers = true)]
        millis: Option<u64>,
    },
}

/// Dies quietly of SIGPIPE when stdout is closed early (`leaksafe | head`),
/// as command-line tools do, instead of panicking in `println!`.
fn default_sigpipe() {
    // SAFETY: `signal` with `SIG_DFL` installs no handler code; it is called
    // before any thread is spawned, so nothing races with the change.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    default_sigpipe();
    let cli = Cli::parse();
    let out = style::Style::detect();
    match cli.command {
        None => {
            let tour_held = tour::run(&out);
            println!();
            let audited = audit::run(&audit::Args::short_default(), &out);
            if tour_held {
                audited
            } else {
                ExitCode::from(1)
            }
        }
        Some(Command::Tour) => {
            if tour::run(&out) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Some(Command::Audit(args)) => audit::run(&args, &out),
        Some(Command::Bench(args)) => bench::run(&args, &out),
        Some(Command::Child { case }) => child::run_case(case),
        Some(Command::AuditWorker {
            target,
            seed,
            cases,
            millis,
        }) => audit::worker(target, seed, cases, millis),
    }
}
