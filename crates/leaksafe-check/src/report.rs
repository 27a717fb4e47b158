//! Results as data: one [`Report`] per run of a scenario, with its
//! [`Outcome`] and the ledger's [`Summary`]; [`Tally`] adds them up per
//! group. Every type renders as text (`Display`) and as JSON (`to_json`,
//! hand-written so the harness needs no serialization dependency).

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use crate::{InjectedPanic, Lie, Plan, Summary};

/// The class of a finding: how bad it is, and whether it fails a run.
///
/// Ordered by severity: `Contract < Leak < Unsound`. A report's
/// [`class`](Report::class) is the most severe of its findings.
///
/// ```
/// use leaksafe_check::{Class, Level};
///
/// assert!(Class::Unsound > Class::Leak && Class::Leak > Class::Contract);
/// assert!(Class::Unsound.fails_at(Level::Sound));
/// assert!(!Class::Leak.fails_at(Level::Sound));
/// assert!(Class::Leak.fails_at(Level::LeakFree));
/// assert!(Class::Contract.fails_at(Level::Contract));
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// One of std's stronger, opt-in promises broke (e.g. `retain` keeping
    /// order after a panic, exact contents after a panic, or a panic of the
    /// container's own): sound, and not a leak.
    Contract,
    /// Values were leaked that nobody declared (sound: leaking on panic is
    /// allowed, and many real fixes do exactly that).
    Leak,
    /// Undefined behaviour in waiting: a double drop, a read of a dropped or
    /// never-created value, a value present twice, a corrupt slot, an
    /// overwritten guard value, a crash; and any `Err` of a scenario's own
    /// [`Run::ensure`](crate::Run::ensure).
    Unsound,
}

impl Class {
    /// `unsound`, `leak` or `contract`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Contract => "contract",
            Class::Leak => "leak",
            Class::Unsound => "unsound",
        }
    }

    /// Whether a finding of this class fails a run checked at `level`.
    pub fn fails_at(self, level: Level) -> bool {
        match level {
            Level::Sound => self == Class::Unsound,
            Level::LeakFree => self >= Class::Leak,
            Level::Contract => true,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a check demands: which [`Class`]es of finding fail a run.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Level {
    /// Only unsound findings fail (the default: [`Report::ok`]).
    #[default]
    Sound,
    /// Unsound findings and leaks fail.
    LeakFree,
    /// Every finding fails, std's stronger promises included.
    Contract,
}

/// What happened in one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The run completed and every check held.
    Passed,
    /// The planned panic fired, was caught, and every check held afterwards.
    InjectedPanicCaught(InjectedPanic),
    /// A panic that the plan did not cause (message attached).
    UnexpectedPanic(String),
    /// A broken invariant: double drop, read after drop, corrupt value,
    /// unexpected leak, or a container invariant (description attached).
    Violation(String),
}

impl Outcome {
    /// `Passed` or `InjectedPanicCaught`.
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Passed | Outcome::InjectedPanicCaught(_))
    }

    /// A short machine name: `passed`, `injected_panic`, `unexpected_panic`, `violation`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::InjectedPanicCaught(_) => "injected_panic",
            Outcome::UnexpectedPanic(_) => "unexpected_panic",
            Outcome::Violation(_) => "violation",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Passed => f.write_str("passed"),
            Outcome::InjectedPanicCaught(p) => {
                write!(f, "injected panic caught ({} #{})", p.op, p.call)
            }
            Outcome::UnexpectedPanic(m) => write!(f, "unexpected panic: {m}"),
            Outcome::Violation(m) => write!(f, "VIOLATION: {m}"),
        }
    }
}

/// The result of one run of one scenario under one [`Plan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The scenario's full name, `target/name` (e.g. `std::vec::Vec/drain`).
    pub scenario: String,
    /// The scenario's group (`vec`, `rc`, `arc`, `thread`, `broken`, ...).
    pub group: String,
    /// The injection point and forget of this run.
    pub plan: Plan,
    /// For random runs, the case seed that reproduces this run with
    /// [`replay`](crate::replay).
    pub seed: Option<u64>,
    /// What happened.
    pub outcome: Outcome,
    /// The ledger at the end of the run (after everything not leaked was dropped).
    pub summary: Summary,
    /// The planned panic fired (whether or not the run also failed).
    pub panicked: bool,
    /// The proxy was forgotten.
    pub forgot: bool,
    /// Whether the planned injection point was reached (the explorer stops
    /// at the first `k` that is not).
    pub reached: bool,
    /// Proxy steps taken (in a clean run: the proxy's length).
    pub steps: usize,
    /// The lie the harness's iterators told in this run (`None`: honest).
    pub lie: Option<Lie>,
    /// The most severe class among the run's findings (`None`: no finding).
    /// [`ok`](Self::ok) is `false` only for [`Class::Unsound`].
    pub class: Option<Class>,
}

impl Report {
    /// Passes at the default [`Level::Sound`]: no unsound finding. A run
    /// whose only findings are leaks or broken contracts is `ok` (its
    /// [`outcome`](Self::outcome) still describes them; see [`ok_at`](Self::ok_at)).
    pub fn ok(&self) -> bool {
        self.ok_at(Level::Sound)
    }

    /// Passes at `level`: no finding of a class that `level` fails.
    pub fn ok_at(&self, level: Level) -> bool {
        self.class.is_none_or(|c| !c.fails_at(level))
    }

    /// The case of this run, as `LEAKSAFE_CHECK_CASE` takes it:
    /// `scenario@plan` with the plan as `clean`, `Op:k`, `forget:side:n`,
    /// `Op:k+forget:side:n` or `lie:name`.
    pub fn case(&self) -> String {
        format!(
            "{}@{}",
            self.scenario,
            crate::run::case_code(&self.plan, self.lie)
        )
    }

    /// One command that re-runs this case alone under Miri (both leak and
    /// provenance checks; add `-Zmiri-tree-borrows` for the other model) and
    /// one under AddressSanitizer, for a test named `test` (a test made by
    /// [`check_tests!`](crate::check_tests), or any test that calls
    /// [`check`](crate::check)): they catch what the ledger cannot see, such
    /// as a write past the container's memory.
    pub fn rerun_commands(&self, test: &str) -> [String; 2] {
        let case = self.case();
        [
            format!(
                "LEAKSAFE_CHECK_CASE='{case}' MIRIFLAGS='-Zmiri-ignore-leaks -Zmiri-env-forward=LEAKSAFE_CHECK_CASE' cargo +nightly miri test -- '{test}' --exact"
            ),
            format!(
                "LEAKSAFE_CHECK_CASE='{case}' RUSTFLAGS='-Zsanitizer=address' ASAN_OPTIONS=detect_leaks=0 cargo +nightly test --target x86_64-unknown-linux-gnu -- '{test}' --exact"
            ),
        ]
    }

    /// A line that reproduces this run: the scenario, the plan, and the seed
    /// if it came from a random audit.
    pub fn repro(&self) -> String {
        let mut s = format!("scenario {} with {}", self.scenario, self.plan);
        if let Some(lie) = self.lie {
            let _ = write!(s, ", {lie}");
        }
        if let Some(seed) = self.seed {
            let _ = write!(
                s,
                " (case seed {seed}: leaksafe_check::replay({seed}, \"{}\"))",
                self.scenario
            );
        }
        s
    }

    /// This report as one JSON object.
    pub fn to_json(&self) -> String {
        let mut o = String::new();
        o.push('{');
        field_str(&mut o, "scenario", &self.scenario);
        o.push(',');
        field_str(&mut o, "group", &self.group);
        o.push_str(",\"plan\":");
        plan_json(&mut o, &self.plan);
        o.push_str(",\"lie\":");
        match self.lie {
            Some(l) => json_str(&mut o, l.name()),
            None => o.push_str("null"),
        }
        o.push_str(",\"class\":");
        match self.class {
            Some(c) => json_str(&mut o, c.name()),
            None => o.push_str("null"),
        }
        o.push_str(",\"seed\":");
        match self.seed {
            Some(s) => {
                let _ = write!(o, "{s}");
            }
            None => o.push_str("null"),
        }
        o.push_str(",\"outcome\":{");
        field_str(&mut o, "kind", self.outcome.kind());
        o.push(',');
        match &self.outcome {
            Outcome::Passed => o.push_str("\"detail\":null"),
            Outcome::InjectedPanicCaught(p) => {
                let _ = write!(o, "\"detail\":{{\"op\":\"{}\",\"call\":{}}}", p.op, p.call);
            }
            Outcome::UnexpectedPanic(m) | Outcome::Violation(m) => field_str(&mut o, "detail", m),
        }
        o.push_str("},\"summary\":");
        summary_json(&mut o, &self.summary);
        let _ = write!(
            o,
            ",\"panicked\":{},\"forgot\":{},\"reached\":{},\"steps\":{},\"ok\":{}}}",
            self.panicked,
            self.forgot,
            self.reached,
            self.steps,
            self.ok()
        );
        o
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.summary;
        let lie = match self.lie {
            Some(l) => format!(", lie {}", l.name()),
            None => String::new(),
        };
        let class = match self.class {
            Some(c) => format!("{c}: "),
            None => String::new(),
        };
        write!(
            f,
            "{} {} [{}{lie}]: {class}{} (created {}, dropped {}, double drops {}, bad reads {}, leaks {} expected / {} unexpected)",
            if self.ok() { "ok  " } else { "FAIL" },
            self.scenario,
            self.plan,
            self.outcome,
            s.created,
            s.dropped,
            s.double_drops,
            s.bad_reads,
            s.expected_leaks.min(s.live),
            s.unexpected_leaks()
        )?;
        if let Some(seed) = self.seed {
            write!(f, " seed {seed}")?;
        }
        Ok(())
    }
}

/// A JSON array of reports.
pub fn reports_to_json(reports: &[Report]) -> String {
    let mut o = String::from("[");
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str(&r.to_json());
    }
    o.push(']');
    o
}

/// Totals over many reports (one group, or everything).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Distinct scenarios run.
    pub scenarios: usize,
    /// Runs (injection points and forgets explored).
    pub runs: usize,
    /// Runs where the planned panic fired and was caught.
    pub panics_caught: usize,
    /// Runs that forgot a proxy.
    pub forgets: usize,
    /// Double drops over all runs (must be 0).
    pub double_drops: usize,
    /// Reads after drop over all runs (must be 0).
    pub bad_reads: usize,
    /// Leaks declared as expected (after a forget), over all runs.
    pub expected_leaks: usize,
    /// Leaks nobody declared, over all runs (must be 0).
    pub unexpected_leaks: usize,
    /// Runs that failed at the default level (an unsound finding).
    pub failures: usize,
    /// Runs whose most severe finding is unsound.
    pub unsound: usize,
    /// Runs whose most severe finding is a leak.
    pub leak: usize,
    /// Runs whose most severe finding is a broken contract.
    pub contract: usize,
}

impl Tally {
    /// Adds up `reports`.
    pub fn of<'a>(reports: impl IntoIterator<Item = &'a Report>) -> Tally {
        let mut t = Tally::default();
        let mut names = std::collections::BTreeSet::new();
        for r in reports {
            names.insert(r.scenario.as_str());
            t.runs += 1;
            t.panics_caught += usize::from(r.panicked);
            t.forgets += usize::from(r.forgot);
            t.double_drops += r.summary.double_drops;
            t.bad_reads += r.summary.bad_reads;
            t.expected_leaks += r.summary.expected_leaks.min(r.summary.live);
            t.unexpected_leaks += r.summary.unexpected_leaks();
            t.failures += usize::from(!r.ok());
            match r.class {
                Some(Class::Unsound) => t.unsound += 1,
                Some(Class::Leak) => t.leak += 1,
                Some(Class::Contract) => t.contract += 1,
                None => {}
            }
        }
        t.scenarios = names.len();
        t
    }

    /// One tally per group, in group-name order.
    pub fn by_group(reports: &[Report]) -> BTreeMap<String, Tally> {
        let mut groups: BTreeMap<String, Vec<&Report>> = BTreeMap::new();
        for r in reports {
            groups.entry(r.group.clone()).or_default().push(r);
        }
        groups
            .into_iter()
            .map(|(g, rs)| (g, Tally::of(rs)))
            .collect()
    }

    /// This tally as one JSON object.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"scenarios\":{},\"runs\":{},\"panics_caught\":{},\"forgets\":{},\"double_drops\":{},\"bad_reads\":{},\"expected_leaks\":{},\"unexpected_leaks\":{},\"failures\":{},\"unsound\":{},\"leak\":{},\"contract\":{}}}",
            self.scenarios,
            self.runs,
            self.panics_caught,
            self.forgets,
            self.double_drops,
            self.bad_reads,
            self.expected_leaks,
            self.unexpected_leaks,
            self.failures,
            self.unsound,
            self.leak,
            self.contract
        )
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} scenarios, {} runs, {} panics caught, {} forgets, {} double drops, {} bad reads, {} expected / {} unexpected leaks, {} failures (runs by class: {} unsound, {} leak, {} contract)",
            self.scenarios,
            self.runs,
            self.panics_caught,
            self.forgets,
            self.double_drops,
            self.bad_reads,
            self.expected_leaks,
            self.unexpected_leaks,
            self.failures,
            self.unsound,
            self.leak,
            self.contract
        )
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn json_str(o: &mut String, s: &str) {
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
}

fn field_str(o: &mut String, key: &str, value: &str) {
    json_str(o, key);
    o.push(':');
    json_str(o, value);
}

fn plan_json(o: &mut String, p: &Plan) {
    o.push_str("{\"inject\":");
    match p.inject {
        Some((op, k)) => {
            let _ = write!(o, "{{\"op\":\"{op}\",\"k\":{k}}}");
        }
        None => o.push_str("null"),
    }
    o.push_str(",\"forget\":");
    match p.forget {
        Some(g) => {
            let _ = write!(o, "{{\"side\":\"{}\",\"after\":{}}}", g.side, g.after);
        }
        None => o.push_str("null"),
    }
    o.push('}');
}

fn summary_json(o: &mut String, s: &Summary) {
    let _ = write!(
        o,
        "{{\"created\":{},\"dropped\":{},\"live\":{},\"double_drops\":{},\"bad_reads\":{},\"unknown_drops\":{},\"expected_leaks\":{},\"unexpected_leaks\":{}}}",
        s.created,
        s.dropped,
        s.live,
        s.double_drops,
        s.bad_reads,
        s.unknown_drops,
        s.expected_leaks,
        s.unexpected_leaks()
    );
}
