//! `leaksafe tour`: the chapter's three attacks, run live against leaksafe's
//! types, with std side by side where it differs.
//!
//! Attacks that abort or hang run in child processes (see [`crate::child`]),
//! started first so that they run while the in-process cases do: the whole
//! tour takes about as long as the std hang's timeout.

use std::time::Duration;

use crate::child::{self, Case, Ended, Finished};
use crate::style::Style;

mod demos;

pub const EXAMPLES: &str = "\
Examples:
  leaksafe tour
  NO_COLOR=1 leaksafe tour | less     plain text, no colours

Each case states the attack, runs it against leaksafe's type and shows what
happened. Attacks that abort or hang run in a child process with a timeout.";

/// How long std's hanging scope may run before the tour kills it.
pub const HANG_TIMEOUT: Duration = Duration::from_secs(2);
/// A leaksafe child must finish well within this (it does in milliseconds).
const CHILD_TIMEOUT: Duration = Duration::from_secs(10);

/// The width the tour is laid out for: an 80-column terminal.
const WIDTH: usize = 80;
/// Indent of everything under a case's heading.
const INDENT: &str = "     ";
/// Indent of a result's details, under its implementation's name.
const DETAIL: &str = "       ";

struct Printer<'a> {
    s: &'a Style,
    held: usize,
    failed: usize,
}

impl Printer<'_> {
    fn heading(&self, n: usize, title: &str, attack: &str) {
        println!("{}", self.s.bold(&format!("{n}/3  {title}")));
        let label = "attack ";
        for (i, l) in wrap(attack, WIDTH - INDENT.len() - label.len())
            .iter()
            .enumerate()
        {
            let head = if i == 0 {
                self.s.dim(label)
            } else {
                " ".repeat(label.len())
            };
            println!("{INDENT}{head}{l}");
        }
    }

    /// One leaksafe result: `held` says whether it is what leaksafe promises.
    fn leaksafe(&mut self, who: &str, what: &str, held: bool) {
        let mark = if held {
            self.held += 1;
            self.s.good("held")
        } else {
            self.failed += 1;
            self.s.bad("FAILED")
        };
        println!("{INDENT}{}  [{mark}]", self.s.good(who));
        self.details(what, |l| l.to_string());
    }

    /// A std (or other) result shown beside, not judged.
    fn beside(&self, who: &str, what: &str) {
        println!("{INDENT}{}", self.s.warn(who));
        self.details(what, |l| l.to_string());
    }

    fn note(&self, what: &str) {
        self.details(what, |l| self.s.dim(l));
    }

    /// `what` under the name, wrapped to [`WIDTH`].
    fn details(&self, what: &str, paint: impl Fn(&str) -> String) {
        for l in wrap(what, WIDTH - DETAIL.len()) {
            println!("{DETAIL}{}", paint(&l));
        }
    }
}

/// Splits `text` into lines of at most `width` characters: at each `\n`,
/// then at spaces (a word longer than `width` gets a line of its own). A
/// line that fits is kept as it is, indentation included.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        if paragraph.chars().count() <= width {
            lines.push(paragraph.to_string());
            continue;
        }
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

fn wait(r: std::io::Result<child::Running>, timeout: Duration) -> Result<Finished, String> {
    r.and_then(|c| c.wait(timeout))
        .map_err(|e| format!("could not run a child process: {e}"))
}

/// Runs the tour; returns whether every leaksafe case held.
pub fn run(s: &Style) -> bool {
    // Start the child processes first: they run while the in-process cases do.
    let std_scope = child::spawn(Case::ScopeForgetStd);
    let ls_scope = child::spawn(Case::ScopeForgetLeaksafe);
    let rc_u8 = child::spawn(Case::RcU8Overflow);
    let arc_u8 = child::spawn(Case::ArcU8Overflow);

    let mut p = Printer {
        s,
        held: 0,
        failed: 0,
    };
    println!(
        "{}",
        s.bold("leaksafe tour: the Rustonomicon's \"Leaking\", replayed live")
    );
    println!();

    // 1. Vec::drain
    p.heading(
        1,
        "Vec::drain: forget a Drain mid-iteration, then use the vector",
        "v = [0 1 2 3 4 5]; d = v.drain(1..5); d.next(); d.next(); mem::forget(d)",
    );
    {
        let d = demos::drain_demo();
        let held = d.contents == [0] && d.sound() && d.after_push == [0, 9];
        p.leaksafe(
            "leaksafe::vec::Vec",
            &format!(
                "len {}, contents {:?}; push(9) -> {:?}",
                d.contents.len(),
                d.contents,
                d.after_push
            ),
            held,
        );
        p.note(&format!(
                "ledger: {} created, {} dropped, {} leaked on purpose,\n{} double drops, {} reads after free",
                d.ledger.created,
                d.ledger.dropped,
                d.ledger.live,
                d.ledger.double_drops,
                d.ledger.bad_reads
            ));
    }
    let d = demos::std_drain_demo();
    p.beside(
        "std::vec::Vec",
        &format!(
            "len {}, contents {:?} (std adopted the chapter's cure)",
            d.contents.len(),
            d.contents
        ),
    );
    println!();

    // 2. Rc
    p.heading(
        2,
        "Rc: forget clones until the count overflows",
        "loop { mem::forget(rc.clone()) }:\na wrapped count would free a value in use",
    );
    for (name, r) in [("Rc<_, u8>", rc_u8), ("sync::Arc<_, u8>", arc_u8)] {
        let who = format!("leaksafe {name}");
        match wait(r, CHILD_TIMEOUT) {
            Ok(f) => {
                let count = f.last_line().unwrap_or("?").to_string();
                let held = f.ended == Ended::Signal(6) && count == "255";
                p.leaksafe(
                    &who,
                    &format!(
                        "{} at strong_count {count}: never wrapped",
                        f.ended.describe()
                    ),
                    held,
                );
            }
            Err(e) => p.leaksafe(&who, &e, false),
        }
    }
    {
        let d = demos::saturating_demo();
        let held = d.count_after == 255 && d.alive_after_drops && d.never_dropped;
        p.leaksafe(
            "leaksafe Rc<_, Saturating<u8>>",
            &format!(
                "{} clones forgotten: strong_count {} (stuck), alive after every drop",
                d.forgotten, d.count_after
            ),
            held,
        );
        p.note(&format!(
            "immortal: ledger shows the value {}",
            if d.never_dropped {
                "never dropped"
            } else {
                "DROPPED"
            }
        ));
    }
    p.beside(
        "std::rc::Rc<_> (usize count)",
        "checks too, but overflow needs 2^64 forgotten clones,\n~585 years at 1 ns each: not run",
    );
    println!();

    // 3. thread::scoped
    p.heading(
        3,
        "thread::scoped: forget a JoinGuard whose thread writes borrowed stack data",
        "scope(|s| {\n    let g = s.spawn_guard(|| { sleep(50 ms); slot = sum(&data) });\n    mem::forget(g);\n})",
    );
    {
        let d = demos::guard_demo();
        let held =
            d.slot == 6 && d.write_at <= d.returned_at && d.ledger.bad_reads == 0 && d.sound();
        p.leaksafe(
            "leaksafe::thread::scope",
            &format!(
                "thread wrote slot = {} at {:.1} ms; scope returned at {:.1} ms",
                d.slot,
                d.write_at.as_secs_f64() * 1e3,
                d.returned_at.as_secs_f64() * 1e3
            ),
            held,
        );
        p.note(&format!(
            "the write landed before scope returned;\ndata dropped after it: {} reads after free",
            d.ledger.bad_reads
        ));
    }
    match wait(ls_scope, CHILD_TIMEOUT) {
        Ok(f) => p.leaksafe(
            "leaksafe: forgotten handle+guard",
            &format!(
                "scope {} in {} ms",
                f.ended.describe(),
                f.elapsed.as_millis()
            ),
            f.ended == Ended::Exited(0) && f.last_line() == Some("returned 42 42"),
        ),
        Err(e) => p.leaksafe("leaksafe: forgotten handle+guard", &e, false),
    }
    match wait(std_scope, HANG_TIMEOUT) {
        Ok(f) => p.beside(
            "std: forgotten ScopedJoinHandle",
            &format!("std::thread::scope {}", f.ended.describe()),
        ),
        Err(e) => p.beside("std: forgotten ScopedJoinHandle", &e),
    }
    println!();
    let summary = format!(
        "tour: {} of {} leaksafe checks held",
        p.held,
        p.held + p.failed
    );
    if p.failed == 0 {
        println!("{}", s.good(&summary));
    } else {
        println!("{}", s.bad(&summary));
    }
    p.failed == 0
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_breaks_at_newlines_then_spaces_and_keeps_fitting_lines() {
        assert_eq!(wrap("a b c", 3), ["a b", "c"]);
        assert_eq!(wrap("  indented\nx", 20), ["  indented", "x"]);
        assert_eq!(wrap("longword x", 4), ["longword", "x"]);
        assert_eq!(wrap("", 10), [""]);
    }
}
