//! `leaksafe audit`: leaksafe-check's scenario library with random forget
//! and panic injection, a progress bar while it runs, then a table per type.
//!
//! A failed check (a double drop, a read after free, an unexpected leak, or a
//! scenario's own invariant) makes the command exit 1 and print the line that
//! reproduces it: `reproduce: leaksafe audit --seed S --only X --cases N`
//! (and `--time T` when a budget was given).
//!
//! Without `--time` every random case and every scenario's exploration runs,
//! so `--seed` and `--cases` determine the audit. With `--time`, a type whose
//! share of the budget runs out stops early; the table, the JSON and a line
//! after the table say how many of the cases ran.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

mod engine;
mod record;

use crate::style::Style;
use engine::Explored;
pub use engine::worker;
pub use record::{Record, Target};

pub const EXAMPLES: &str = "\
Examples:
  leaksafe audit                        every type, seed from the clock (printed)
  leaksafe audit --seed 7 --cases 500   reproducible, fewer random cases per type
  leaksafe audit --only rc --time 5     Rc only, stop after 5 s (then say so)
  leaksafe audit --json | jq .types     machine-readable

Exit status: 0 when every check held, 1 when one failed (the seed and scenario
that reproduce it are printed), 2 for bad arguments (out of range numbers too).";

/// Failed runs listed per type in `--json` (the total is given too).
const MAX_JSON_FAILURES: usize = 50;

/// Arguments of `leaksafe audit`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Seed of the random forget and panic injection, 0 to 2^64-1
    /// [default: from the clock, printed].
    #[arg(long, value_name = "N", value_parser = crate::numbers::seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Random cases per type, on top of each scenario's exhaustive
    /// exploration, 0 to 1000000000.
    #[arg(long, value_name = "N", default_value_t = 20_000,
          value_parser = crate::numbers::cases, allow_negative_numbers = true)]
    pub cases: u64,
    /// Time budget in seconds for the whole audit, above 0 and at most 86400:
    /// stop starting new cases after it (the report says how many ran)
    /// [default: none, every case runs].
    #[arg(long, value_name = "SECS", value_parser = crate::numbers::seconds, allow_hyphen_values = true)]
    pub time: Option<f64>,
    /// Audit one type only.
    #[arg(long, value_enum, value_name = "TYPE")]
    pub only: Option<Target>,
    /// Print only JSON (the per-type table and any failure) on stdout.
    #[arg(long)]
    pub json: bool,
}

impl Args {
    /// The short audit of a plain `leaksafe` run.
    pub fn short_default() -> Self {
        Args {
            seed: None,
            cases: 10_000,
            time: Some(10.0),
            only: None,
            json: false,
        }
    }
}

/// The table row of one type.
#[derive(Debug, Default)]
struct Row {
    scenarios: BTreeSet<String>,
    points: u64,
    panics: u64,
    forgets: u64,
    double_drops: u64,
    bad_reads: u64,
    expected_leaks: u64,
    unexpected_leaks: u64,
    failures: Vec<Record>,
    elapsed: Duration,
    /// Random cases run.
    random: u64,
    /// How far the exhaustive exploration got (`None`: the process died).
    explored: Option<Explored>,
}

impl Row {
    fn add(&mut self, r: Record, random: bool) {
        if r.process {
            self.failures.push(r);
            return;
        }
        self.scenarios.insert(r.scenario.clone());
        self.points += 1;
        self.random += random as u64;
        self.panics += r.panicked as u64;
        self.forgets += r.forgot as u64;
        self.double_drops += r.double_drops as u64;
        self.bad_reads += r.bad_reads as u64;
        self.expected_leaks += r.expected_leaks as u64;
        self.unexpected_leaks += r.unexpected_leaks as u64;
        if r.failure.is_some() {
            self.failures.push(r);
        }
    }

    /// The time budget stopped this type before every case ran.
    fn cut_short(&self, cases: u64) -> bool {
        self.explored
            .is_some_and(|e| self.random < cases || e.explored < e.scenarios)
    }

    /// The most severe class among the failures (`-` when none).
    fn class(&self) -> &str {
        ["unsound", "leak", "contract"]
            .into_iter()
            .find(|c| self.failures.iter().any(|f| f.class.as_deref() == Some(*c)))
            .unwrap_or("-")
    }

    /// Every check held, and something was actually checked.
    fn ok(&self) -> bool {
        self.points > 0
            && self.failures.is_empty()
            && self.double_drops == 0
            && self.bad_reads == 0
            && self.unexpected_leaks == 0
    }
}

/// Runs the audit; exit code 0 if every check held, 1 otherwise.
pub fn run(args: &Args, s: &Style) -> ExitCode {
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64 % 1_000_000)
            .unwrap_or(1)
    });
    let targets: Vec<Target> = match args.only {
        Some(t) => vec![t],
        None => Target::ALL.to_vec(),
    };
    let start = Instant::now();
    if !args.json {
        print_header(args, seed, s);
    }
    let bar = progress_bar(args, targets.len(), s);
    let rows: Vec<(Target, Row)> = targets
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            (
                t,
                audit_type(args, seed, t, (i, targets.len()), start, bar.as_ref()),
            )
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let all_ok = rows.iter().all(|(_, r)| r.ok());
    if args.json {
        print_json(args, seed, &rows, start);
    } else {
        print_text(args, seed, &rows, start, s);
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The audit's first line: seed, cases and budget.
fn print_header(args: &Args, seed: u64, s: &Style) {
    println!(
        "{}",
        s.bold(&format!(
            "leaksafe audit: seed {seed}, {} random cases per type, {}",
            args.cases,
            match args.time {
                Some(t) => format!("time budget {t} s"),
                None => "no time budget".to_string(),
            }
        ))
    );
}

/// A progress bar over every type's random cases, on a terminal only.
fn progress_bar(args: &Args, types: usize, s: &Style) -> Option<ProgressBar> {
    if s.tty && !args.json {
        let b = ProgressBar::with_draw_target(
            Some(args.cases * types as u64),
            ProgressDrawTarget::stdout(),
        );
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:20}] {pos}/{len} random cases {elapsed} {wide_msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        b.enable_steady_tick(Duration::from_millis(100));
        Some(b)
    } else {
        None
    }
}

/// Audits type `t`, the `i`th of `n` (`which` = (i, n)), in a child
/// process: its row of the table.
fn audit_type(
    args: &Args,
    seed: u64,
    t: Target,
    which: (usize, usize),
    start: Instant,
    bar: Option<&ProgressBar>,
) -> Row {
    let (i, n) = which;
    // The parser keeps `time` finite, positive and at most a day.
    let budget = args.time.map(Duration::from_secs_f64);
    // Each type gets its share of the budget and what earlier ones left,
    // but at least its share even if an earlier one overran (hung).
    let deadline = budget.map(|budget| {
        let share = budget.div_f64(n as f64);
        (start + share.mul_f64((i + 1) as f64)).max(Instant::now() + share)
    });
    let t0 = Instant::now();
    if let Some(b) = bar {
        b.set_message(t.name());
    }
    let mut row = Row::default();
    let mut tick = |r: Record, random: bool| {
        if let Some(b) = bar {
            if random {
                b.inc(1);
            } else if row.points % 64 == 0 {
                b.set_message(format!("{} exploring {}", t.name(), r.scenario));
            }
        }
        row.add(r, random);
    };
    row.explored = engine::audit_in_child(t, seed, args.cases, deadline, &mut tick);
    row.elapsed = t0.elapsed();
    if bar.is_none() && !args.json {
        println!(
            "  {:<10} {} scenarios, {} injection points in {:.1} s: {}{}",
            t.name(),
            row.scenarios.len(),
            row.points,
            row.elapsed.as_secs_f64(),
            if row.ok() { "ok" } else { "FAILED" },
            if row.cut_short(args.cases) {
                " (budget ran out)"
            } else {
                ""
            }
        );
    }
    row
}

/// The command line that reproduces type `t`'s result.
///
/// With `--only`, the type gets the whole budget rather than a share, so
/// it runs at least as far as it did here (the random cases are a prefix
/// of the same sequence): the failure comes back.
fn repro(args: &Args, seed: u64, t: Target) -> String {
    format!(
        "leaksafe audit --seed {seed} --only {} --cases {}{}",
        t.name(),
        args.cases,
        args.time
            .map(|t| format!(" --time {t}"))
            .unwrap_or_default()
    )
}

/// `--json`: the per-type table and the first failures, as one document.
fn print_json(args: &Args, seed: u64, rows: &[(Target, Row)], start: Instant) {
    let all_ok = rows.iter().all(|(_, r)| r.ok());
    let cut_short = rows.iter().any(|(_, r)| r.cut_short(args.cases));
    let types: Vec<_> = rows
        .iter()
        .map(|(t, r)| {
            json!({
                "type": t.name(),
                "scenarios": r.scenarios.len(),
                "injection_points": r.points,
                "panics_caught": r.panics,
                "forgets": r.forgets,
                "double_drops": r.double_drops,
                "reads_after_free": r.bad_reads,
                "expected_leaks": r.expected_leaks,
                "unexpected_leaks": r.unexpected_leaks,
                "random_cases_run": r.random,
                "random_cases_requested": args.cases,
                "scenarios_explored": r.explored.map(|e| e.explored),
                "scenarios_total": r.explored.map(|e| e.scenarios),
                "budget_ended": r.cut_short(args.cases),
                "seconds": r.elapsed.as_secs_f64(),
                "ok": r.ok(),
                "class": r.class(),
                "failures_total": r.failures.len(),
                // The first few: each carries its own replay; the rest
                // are reproduced by the same command.
                "failures": r.failures.iter().take(MAX_JSON_FAILURES).map(|f| json!({
                    "scenario": f.scenario,
                    "point": f.point,
                    "reason": f.failure,
                    "class": f.class,
                    "replay": f.replay,
                })).collect::<Vec<_>>(),
                "reproduce": if r.ok() { None } else { Some(repro(args, seed, *t)) },
            })
        })
        .collect();
    let doc = json!({
        "seed": seed,
        "cases": args.cases,
        "time_budget_s": args.time,
        "budget_ended": cut_short,
        "seconds": start.elapsed().as_secs_f64(),
        "ok": all_ok,
        "types": types,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("JSON of plain data")
    );
}

/// The table, what the budget cut short, the failures and the verdict.
fn print_text(args: &Args, seed: u64, rows: &[(Target, Row)], start: Instant, s: &Style) {
    let all_ok = rows.iter().all(|(_, r)| r.ok());
    let cut_short = rows.iter().any(|(_, r)| r.cut_short(args.cases));
    print_table(rows, args.cases, s);
    if cut_short {
        println!(
            "{} the {} s time budget ended these early (without --time, all run):",
            s.warn("*"),
            args.time.unwrap_or_default()
        );
        for (t, r) in rows.iter().filter(|(_, r)| r.cut_short(args.cases)) {
            let e = r.explored.unwrap_or_default();
            let cases = format!(
                "  {}: {} of {} random cases,",
                t.name(),
                r.random,
                args.cases
            );
            let explored = format!(
                "{} of {} scenarios explored exhaustively",
                e.explored, e.scenarios
            );
            // One line when it fits the 80 columns the audit is laid out
            // for; the counts' digits vary with the budget.
            if cases.chars().count() + 1 + explored.chars().count() <= 80 {
                println!("{cases} {explored}");
            } else {
                println!("{cases}\n    {explored}");
            }
        }
    }
    for (t, r) in rows.iter().filter(|(_, r)| !r.ok()) {
        if r.points == 0 && r.failures.is_empty() {
            println!(
                "{} {}: nothing was checked (no scenario, or no time left in the budget)",
                s.bad("FAILED"),
                t.name()
            );
        }
        for f in r.failures.iter().take(3) {
            println!(
                "{} {}, {} [{}]",
                s.bad("FAILED"),
                f.scenario,
                f.point,
                f.class.as_deref().unwrap_or("-")
            );
            println!(
                "       {}",
                f.failure.as_deref().unwrap_or("ledger check failed")
            );
            if let Some(replay) = &f.replay {
                println!("       replay: {replay}");
            }
        }
        if r.failures.len() > 3 {
            println!("       ... and {} more failed runs", r.failures.len() - 3);
        }
        println!("reproduce: {}", repro(args, seed, *t));
    }
    let line = format!(
        "audit: {} in {:.1} s (seed {seed}){}",
        if all_ok {
            "every check held"
        } else {
            "checks FAILED"
        },
        start.elapsed().as_secs_f64(),
        if cut_short {
            "; the time budget ended it early"
        } else {
            ""
        }
    );
    println!("{}", if all_ok { s.good(&line) } else { s.bad(&line) });
}

/// One column of the table: two header lines and a cell per row.
struct Column {
    head: [&'static str; 2],
    cells: Vec<String>,
}

impl Column {
    fn new(head: [&'static str; 2], rows: &[(Target, Row)], cell: impl Fn(&Row) -> String) -> Self {
        Column {
            head,
            cells: rows.iter().map(|(_, r)| cell(r)).collect(),
        }
    }

    fn width(&self) -> usize {
        self.cells
            .iter()
            .map(String::len)
            .chain(self.head.iter().map(|h| h.len()))
            .max()
            .unwrap_or(0)
    }
}

/// The table: one row per type, laid out for an 80-column terminal (each
/// column as wide as its widest cell, one space apart; the JSON keeps the
/// long names). A random-case count ending in `*` was cut short by the time
/// budget; the note after the table gives it against the cases asked.
fn print_table(rows: &[(Target, Row)], cases: u64, s: &Style) {
    let n = |f: fn(&Row) -> u64| move |r: &Row| f(r).to_string();
    let columns = [
        Column::new(["scen-", "arios"], rows, |r| r.scenarios.len().to_string()),
        Column::new(["random", "cases"], rows, |r| {
            let cut = if r.cut_short(cases) { "*" } else { "" };
            format!("{}{cut}", r.random)
        }),
        Column::new(["inject", "points"], rows, n(|r| r.points)),
        Column::new(["panics", "caught"], rows, n(|r| r.panics)),
        Column::new(["", "forgets"], rows, n(|r| r.forgets)),
        Column::new(["double", "drops"], rows, n(|r| r.double_drops)),
        Column::new(["bad", "reads"], rows, n(|r| r.bad_reads)),
        Column::new(["leaks", "exp."], rows, n(|r| r.expected_leaks)),
        Column::new(["leaks", "unexp"], rows, n(|r| r.unexpected_leaks)),
        Column::new(["", "class"], rows, |r| r.class().to_string()),
    ];
    let type_width = rows
        .iter()
        .map(|(t, _)| t.name().len())
        .chain(["type".len()])
        .max()
        .unwrap_or(0);
    let line = |cell: &dyn Fn(&Column) -> &str, first: &str, last: &str| {
        let mut l = format!("{first:<type_width$}");
        for c in &columns {
            l += &format!(" {:>w$}", cell(c), w = c.width());
        }
        format!("{l}  {last}")
    };
    println!("{}", s.bold(line(&|c| c.head[0], "", "").trim_end()));
    println!("{}", s.bold(&line(&|c| c.head[1], "type", "result")));
    for (i, (t, r)) in rows.iter().enumerate() {
        let result = if r.ok() {
            s.good("ok")
        } else {
            s.bad("FAILED")
        };
        println!("{}", line(&|c| &c.cells[i], t.name(), &result));
    }
    println!(
        "{}",
        s.dim("bad reads: reads after free; exp. leaks: values leaked on purpose")
    );
}
