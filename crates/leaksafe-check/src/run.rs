//! Scenarios and the explorers that run them.
//!
//! A [`Scenario`] is a plain function of a [`Run`]: it builds a container of
//! [`Tracked`] values, drives it (calling [`Run::consume`] for its proxy, and
//! [`Ledger::tick`] from its closures and iterators), checks the container
//! afterwards, and drops it. [`Scenario::run`] executes it once under a
//! [`Plan`] on a fresh [`Ledger`], catches every panic, and turns what
//! happened into a [`Report`].
//!
//! - [`explore`]: the exhaustive explorer. A clean run first; then, for each
//!   [`Op`], one run per injection point `k = 0, 1, 2, ...` until a run
//!   completes without reaching `k`; then, for a scenario with a proxy, one
//!   run per forget point (after `0..=n` steps from the front, and `1..=n`
//!   from the back for a double-ended proxy), `n` being the proxy's length in
//!   the clean run.
//! - [`run_random`] / [`run_random_in`]: seeded random cases (a random
//!   scenario, injection point and forget); every report carries its case
//!   seed, and [`replay`] re-runs one case from that seed.
//!
//! A run is judged by the ledger (no double drop, no read after drop, no
//! drop of an unknown value, no leak beyond those the scenario declared with
//! [`Ledger::expect_leaks`]), by the scenario's own checks (its `Err`, and
//! the findings it [`note`](Run::note)s), and by panics. Each finding has a
//! [`Class`]: the ledger's double drops, bad reads and corrupt values and a
//! scenario's `Err` are unsound; unexpected leaks are leaks; broken order or
//! contents ([`Run::check_ordered`], [`Run::ensure_contract`]) and panics
//! the plan did not cause are contract findings. The report's class is the
//! worst; [`Report::ok`] fails only unsound runs.
//!
//! When the clean run used a lying-capable iterator, the explorers also run
//! every [`Lie`] (once each, with no panic and no forget); [`run_random`]
//! draws a lie for a quarter of such cases.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::ledger::CurrentGuard;
use crate::{
    Class, Forget, InjectedPanic, Ledger, Lie, Lying, Op, Outcome, Plan, Report, Rng, Side, Tracked,
};

/// What a scenario returns: `Err(description)` when a container invariant broke.
pub type Check = Result<(), String>;

/// Whether a scenario has a proxy the explorer can forget, and how it steps.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Proxy {
    /// Nothing to forget.
    None,
    /// Forgotten after `n` front steps.
    Forward,
    /// Forgotten after `n` steps from the front, or from the back.
    DoubleEnded,
}

/// The context of one run: the ledger, the plan, and helpers that apply the
/// plan's forget and record what happened.
pub struct Run {
    ledger: Ledger,
    plan: Plan,
    steps: Cell<usize>,
    forgot: Cell<bool>,
    unexpected: RefCell<Vec<String>>,
    findings: RefCell<Vec<(Class, String)>>,
    /// This thread records corrupt values in `ledger` while the run lives.
    _current: CurrentGuard,
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Run")
            .field("plan", &self.plan)
            .field("steps", &self.steps.get())
            .field("forgot", &self.forgot.get())
            .finish()
    }
}

impl Run {
    fn new(plan: Plan, lie: Option<Lie>) -> Self {
        let ledger = Ledger::new();
        if let Some((op, k)) = plan.inject {
            ledger.fail_at(op, k);
        }
        ledger.set_lie(lie);
        let current = CurrentGuard::enter(&ledger);
        Run {
            ledger,
            plan,
            steps: Cell::new(0),
            forgot: Cell::new(false),
            unexpected: RefCell::new(Vec::new()),
            findings: RefCell::new(Vec::new()),
            _current: current,
        }
    }

    /// The lie the harness's iterators tell in this run (`None`: honest).
    pub fn lie(&self) -> Option<Lie> {
        self.ledger.lie()
    }

    /// [`Ledger::lying`]: `items` behind this run's lie, to feed to the
    /// container's `extend`/`insert_many`-style methods.
    pub fn lying<I: IntoIterator>(&self, items: I) -> Lying<I::IntoIter>
    where
        I::IntoIter: ExactSizeIterator,
    {
        self.ledger.lying(items)
    }

    /// Records a finding of class `class` without ending the scenario (an
    /// `Err` from the scenario is always [`Class::Unsound`]).
    pub fn note(&self, class: Class, msg: impl Into<String>) {
        self.findings.borrow_mut().push((class, msg.into()));
    }

    /// Records `msg()` as a [`Class::Contract`] finding unless `cond`; the
    /// scenario goes on either way.
    pub fn ensure_contract(&self, cond: bool, msg: impl FnOnce() -> String) -> Check {
        if !cond {
            self.note(Class::Contract, msg());
        }
        Ok(())
    }

    /// Records `msg()` as a [`Class::Leak`] finding unless `cond` (elements
    /// lost from the container); the scenario goes on either way.
    pub fn ensure_leak(&self, cond: bool, msg: impl FnOnce() -> String) -> Check {
        if !cond {
            self.note(Class::Leak, msg());
        }
        Ok(())
    }

    /// The run's ledger: track values with it, tick it from user code.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The plan of this run.
    pub fn plan(&self) -> Plan {
        self.plan
    }

    /// Runs `f`, catching a panic: `None` if it panicked. A panic other than
    /// the planned one is recorded and fails the run.
    pub fn catch<R>(&self, f: impl FnOnce() -> R) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(r) => Some(r),
            Err(e) => {
                if e.downcast_ref::<InjectedPanic>().is_none() {
                    self.unexpected.borrow_mut().push(panic_message(&*e));
                }
                None
            }
        }
    }

    /// Like [`catch`](Self::catch), for code that re-raises a panic under a
    /// payload of its own (a scope re-panicking after a thread panicked): any
    /// panic is accepted if the planned panic fired during the run.
    pub fn catch_propagated<R>(&self, f: impl FnOnce() -> R) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(|| crate::ledger::quietly(f))) {
            Ok(r) => Some(r),
            Err(e) => {
                if e.downcast_ref::<InjectedPanic>().is_none() && self.ledger.injected().is_empty()
                {
                    self.unexpected.borrow_mut().push(panic_message(&*e));
                }
                None
            }
        }
    }

    /// The plan's forget, if any.
    pub fn forget_plan(&self) -> Option<Forget> {
        self.plan.forget
    }

    /// `mem::forget`s `x` and records that the run forgot something.
    pub fn forget<T>(&self, x: T) {
        self.forgot.set(true);
        std::mem::forget(x);
    }

    /// Whether the run forgot something.
    pub fn forgot(&self) -> bool {
        self.forgot.get()
    }

    /// Steps the proxy took (set by [`consume`](Self::consume) or [`set_steps`](Self::set_steps)).
    pub fn steps(&self) -> usize {
        self.steps.get()
    }

    /// Records the proxy's steps, for a scenario whose proxy is not an iterator.
    pub fn set_steps(&self, n: usize) {
        self.steps.set(n);
    }

    /// How many steps to take before forgetting, if the plan forgets from `side`.
    pub fn forget_after(&self, side: Side) -> Option<usize> {
        self.plan.forget.filter(|g| g.side == side).map(|g| g.after)
    }

    /// Drives a proxy iterator by the plan: with a front forget, takes that
    /// many items and forgets it; otherwise runs it to the end. Each item is
    /// checked (alive, not corrupt) and dropped. Returns the items taken.
    pub fn consume<T, I: Iterator<Item = Tracked<T>>>(&self, mut it: I) -> usize {
        let mut n = 0;
        let limit = self.forget_after(Side::Front);
        while limit.is_none_or(|l| n < l) {
            let Some(x) = it.next() else { break };
            self.steps.set(n + 1);
            n += 1;
            self.take(x);
        }
        if limit.is_some() {
            self.forget(it);
        }
        self.steps.set(n);
        n
    }

    /// [`consume`](Self::consume) for a double-ended proxy: a back forget
    /// takes its steps with `next_back`.
    pub fn consume_de<T, I: DoubleEndedIterator<Item = Tracked<T>>>(&self, mut it: I) -> usize {
        let Some(l) = self.forget_after(Side::Back) else {
            return self.consume(it);
        };
        let mut n = 0;
        while n < l {
            let Some(x) = it.next_back() else { break };
            n += 1;
            self.steps.set(n);
            self.take(x);
        }
        self.forget(it);
        n
    }

    fn take<T>(&self, x: Tracked<T>) {
        // A proxy must hand out live values; a stale one is recorded as a bad read.
        let _ = x.try_get();
        drop(x);
    }

    /// `Err(msg())` unless `cond`.
    pub fn ensure(&self, cond: bool, msg: impl FnOnce() -> String) -> Check {
        if cond { Ok(()) } else { Err(msg()) }
    }

    /// Checks that every element is alive and not corrupt (reading a dropped
    /// one is recorded as a use-after-free) and that no value appears twice.
    pub fn check_alive<T>(&self, xs: &[Tracked<T>]) -> Check {
        let mut ids: Vec<usize> = Vec::with_capacity(xs.len());
        for (i, x) in xs.iter().enumerate() {
            if x.try_get().is_none() {
                return Err(format!(
                    "element {i} (id {}) was already dropped or never written: use after free",
                    x.id()
                ));
            }
            ids.push(x.id());
        }
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("value id {} appears twice", w[0]));
        }
        Ok(())
    }

    /// [`check_alive`](Self::check_alive) (an `Err`: unsound), and the
    /// elements are in creation order (what every order-preserving operation
    /// keeps; a break is recorded as a [`Class::Contract`] finding, and the
    /// scenario goes on).
    pub fn check_ordered<T>(&self, xs: &[Tracked<T>]) -> Check {
        self.check_alive(xs)?;
        if let Some(i) = xs.windows(2).position(|w| w[0].id() >= w[1].id()) {
            self.note(
                Class::Contract,
                format!(
                    "elements {i} and {} out of order (ids {} then {})",
                    i + 1,
                    xs[i].id(),
                    xs[i + 1].id()
                ),
            );
        }
        Ok(())
    }
}

/// Extracts a panic's message.
pub fn panic_message(e: &(dyn Any + Send)) -> String {
    if let Some(p) = e.downcast_ref::<InjectedPanic>() {
        format!("injected panic at {} #{}", p.op, p.call)
    } else if let Some(s) = e.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = e.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

/// One checkable use of a container: its target type, a name, a group (for
/// filtering: `vec`, `rc`, `arc`, `thread`, `broken`, or your own), the kind
/// of proxy it can forget, and its body.
#[derive(Clone)]
pub struct Scenario {
    /// The type under test, e.g. `std::vec::Vec`.
    pub target: &'static str,
    /// What the scenario does, e.g. `drain`.
    pub name: &'static str,
    /// The group it belongs to.
    pub group: &'static str,
    /// What the forget explorer can do with it.
    pub proxy: Proxy,
    /// The body.
    pub body: fn(&Run) -> Check,
}

impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.full_name())
            .field("group", &self.group)
            .field("proxy", &self.proxy)
            .finish()
    }
}

/// What a clean run tells the random explorer: calls per op, proxy length.
#[derive(Copy, Clone, Debug, Default)]
struct Bounds {
    calls: [usize; 5],
    steps: usize,
    liars: usize,
}

impl Scenario {
    /// A scenario from its parts.
    pub fn new(
        target: &'static str,
        name: &'static str,
        group: &'static str,
        proxy: Proxy,
        body: fn(&Run) -> Check,
    ) -> Self {
        Scenario {
            target,
            name,
            group,
            proxy,
            body,
        }
    }

    /// `target/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.target, self.name)
    }

    /// Runs the scenario once under `plan` and reports.
    pub fn run(&self, plan: Plan) -> Report {
        self.run_inner(plan, None, None).0
    }

    /// Runs the scenario once under `plan`, the harness's iterators telling
    /// `lie`, and reports.
    pub fn run_lying(&self, plan: Plan, lie: Option<Lie>) -> Report {
        self.run_inner(plan, lie, None).0
    }

    fn run_inner(&self, plan: Plan, lie: Option<Lie>, seed: Option<u64>) -> (Report, Bounds) {
        if ANNOUNCE.load(std::sync::atomic::Ordering::Relaxed) {
            announce(self, &plan, lie);
        }
        let run = Run::new(plan, lie);
        let result = catch_unwind(AssertUnwindSafe(|| (self.body)(&run)));
        let ledger = run.ledger.clone();
        ledger.disarm();
        let mut panics = run.unexpected.take();
        let mut problems: Vec<(Class, String)> = Vec::new();
        match result {
            Ok(Ok(())) => {}
            Ok(Err(v)) => problems.push((Class::Unsound, v)),
            Err(e) => {
                if e.downcast_ref::<InjectedPanic>().is_none() {
                    panics.push(panic_message(&*e));
                }
            }
        }
        let calls = Op::ALL.map(|op| ledger.calls(op));
        let steps = run.steps.get();
        let forgot = run.forgot.get();
        let noted = run.findings.take();
        drop(run);
        let summary = ledger.summary();
        if summary.double_drops > 0 {
            problems.push((
                Class::Unsound,
                format!("double drop of value ids {:?}", ledger.double_drop_ids()),
            ));
        }
        if summary.bad_reads > 0 {
            problems.push((
                Class::Unsound,
                format!(
                    "use after free: read of dropped value ids {:?}",
                    ledger.bad_read_ids()
                ),
            ));
        }
        if summary.unknown_drops > 0 {
            problems.push((
                Class::Unsound,
                format!(
                    "{} drops of values never created (corrupt memory: a zeroed, garbage or uninitialized slot)",
                    summary.unknown_drops
                ),
            ));
        }
        problems.extend(noted);
        if summary.unexpected_leaks() > 0 {
            problems.push((
                Class::Leak,
                format!(
                    "{} unexpected leaks (live ids {:?}, {} declared)",
                    summary.unexpected_leaks(),
                    ledger.live_ids(),
                    summary.expected_leaks
                ),
            ));
        }
        // A panic the plan did not cause is sound (a container may refuse a
        // lying iterator by panicking), but std would not: a contract.
        let class = problems
            .iter()
            .map(|p| p.0)
            .chain((!panics.is_empty()).then_some(Class::Contract))
            .max();
        let injected = ledger.injected();
        let outcome = if !problems.is_empty() {
            let mut ps: Vec<String> = problems.into_iter().map(|p| p.1).collect();
            ps.extend(panics.iter().map(|m| format!("unexpected panic: {m}")));
            Outcome::Violation(ps.join("; "))
        } else if !panics.is_empty() {
            Outcome::UnexpectedPanic(panics.join("; "))
        } else if let Some(p) = injected.first() {
            Outcome::InjectedPanicCaught(p.clone())
        } else {
            Outcome::Passed
        };
        let report = Report {
            scenario: self.full_name(),
            group: self.group.to_owned(),
            plan,
            seed,
            outcome,
            summary,
            panicked: !injected.is_empty(),
            forgot,
            reached: plan.inject.is_some_and(|(op, k)| ledger.reached(op, k)),
            steps,
            lie,
            class,
        };
        let liars = ledger.liars();
        (
            report,
            Bounds {
                calls,
                steps,
                liars,
            },
        )
    }

    /// A random case: a plan, and a lie for a scenario that uses the
    /// harness's iterators (drawn from the same generator, after the plan).
    fn random_case(&self, rng: &mut Rng, b: &Bounds) -> (Plan, Option<Lie>) {
        let plan = self.random_plan(rng, b);
        let lie = (b.liars > 0 && rng.chance(1, 4)).then(|| Lie::ALL[rng.below(Lie::ALL.len())]);
        (plan, lie)
    }

    fn random_plan(&self, rng: &mut Rng, b: &Bounds) -> Plan {
        let ops: Vec<Op> = Op::ALL
            .into_iter()
            .filter(|op| b.calls[*op as usize] > 0)
            .collect();
        let mut plan = Plan::none();
        let can_forget = self.proxy != Proxy::None;
        let inject = !ops.is_empty() && (!can_forget || rng.chance(3, 4));
        if inject {
            let op = ops[rng.below(ops.len())];
            plan.inject = Some((op, rng.below(b.calls[op as usize])));
        }
        if can_forget && (!inject || rng.chance(1, 2)) {
            let side = if self.proxy == Proxy::DoubleEnded && rng.chance(1, 2) {
                Side::Back
            } else {
                Side::Front
            };
            plan.forget = Some(Forget {
                side,
                after: rng.below(b.steps + 1),
            });
        }
        plan
    }
}

/// In a child process of [`check_isolated`](crate::check_isolated): every
/// case is announced on stderr before it runs, so that the parent can name
/// the case that crashed the child.
pub(crate) static ANNOUNCE: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// The prefix of an announcement line.
pub(crate) const ANNOUNCE_PREFIX: &str = "leaksafe-check: running case ";

fn announce(s: &Scenario, plan: &Plan, lie: Option<Lie>) {
    use std::io::Write as _;
    // Straight to the file descriptor (not captured by the test harness),
    // unbuffered, so the line is out before the case can crash.
    let line = format!(
        "{ANNOUNCE_PREFIX}{}@{}\n",
        s.full_name(),
        case_code(plan, lie)
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// The largest injection point the explorer tries (a guard against a
/// scenario that never stops calling user code).
pub const MAX_INJECTION_POINTS: usize = 100_000;

/// Explores `s` exhaustively (see [`explore`]), calling `each`
/// with every report as it is produced: the clean run, every injection
/// point, every forget point.
pub fn explore_each(s: &Scenario, mut each: impl FnMut(Report)) {
    let steps = explore_panics_each(s, &mut each);
    forgets_each(s, steps, &mut each);
}

/// The clean run, every injection point and every lie; returns the proxy's length.
fn explore_panics_each(s: &Scenario, each: &mut impl FnMut(Report)) -> usize {
    let (clean, b) = s.run_inner(Plan::none(), None, None);
    each(clean);
    for op in Op::ALL {
        for k in 0..MAX_INJECTION_POINTS {
            let r = s.run(Plan::inject(op, k));
            if !r.reached {
                break;
            }
            each(r);
        }
    }
    if b.liars > 0 {
        for lie in Lie::ALL {
            each(s.run_lying(Plan::none(), Some(lie)));
        }
    }
    b.steps
}

fn forgets_each(s: &Scenario, steps: usize, each: &mut impl FnMut(Report)) {
    if s.proxy != Proxy::None {
        for n in 0..=steps {
            each(s.run(Plan::forget(Side::Front, n)));
        }
    }
    if s.proxy == Proxy::DoubleEnded {
        for n in 1..=steps {
            each(s.run(Plan::forget(Side::Back, n)));
        }
    }
}

/// The clean run, every injection point and every [`Lie`] of `s`, no forgets.
///
/// Forgetting a proxy leaks on purpose (memory too, which Miri reports), so
/// this half of [`explore`] is the one to run in a leak-checked test.
///
/// ```
/// use leaksafe_check::{explore_panics, library, Op};
///
/// let drain = library()
///     .into_iter()
///     .find(|s| s.full_name() == "leaksafe::vec::Vec/drain")
///     .unwrap();
/// let reports = explore_panics(&drain);
/// assert!(reports.iter().any(|r| matches!(r.plan.inject, Some((Op::Drop, _)))));
/// assert!(reports.iter().all(|r| r.ok() && r.plan.forget.is_none()));
/// ```
pub fn explore_panics(s: &Scenario) -> Vec<Report> {
    let mut out = Vec::new();
    explore_panics_each(s, &mut |r| out.push(r));
    out
}

/// Every forget point of `s` (none if it has no proxy), no injections.
pub fn explore_forgets(s: &Scenario) -> Vec<Report> {
    let steps = s.run_inner(Plan::none(), None, None).1.steps;
    let mut out = Vec::new();
    forgets_each(s, steps, &mut |r| out.push(r));
    out
}

/// Explores `s` exhaustively and returns every report: a clean run first;
/// then, for each [`Op`], one run per injection point `k = 0, 1, 2, ...`
/// until a run completes without reaching `k`; then, if the clean run used
/// a lying-capable iterator of the harness ([`Ledger::track_range`],
/// [`Ledger::lying`]), one run per [`Lie`]; then, for a scenario with a
/// proxy, one run per forget point (after `0..=n` steps from the front, and
/// `1..=n` from the back for a double-ended proxy), `n` being the proxy's
/// length in the clean run.
///
/// ```
/// use leaksafe_check::{explore, library};
///
/// let retain = library()
///     .into_iter()
///     .find(|s| s.full_name() == "std::vec::Vec/retain")
///     .unwrap();
/// let reports = explore(&retain);
/// assert!(reports.len() > 10);
/// assert!(reports.iter().all(|r| r.ok()), "std's Vec is sound");
/// ```
pub fn explore(s: &Scenario) -> Vec<Report> {
    let mut out = Vec::new();
    explore_each(s, |r| out.push(r));
    out
}

/// Runs `cases` random cases over `scenarios`, calling `each` with every
/// report. The whole sequence is determined by `seed`; each report carries
/// its own case seed for [`replay`].
pub fn run_random_each(
    scenarios: &[Scenario],
    seed: u64,
    cases: usize,
    mut each: impl FnMut(Report),
) {
    if scenarios.is_empty() {
        return;
    }
    let mut bounds: Vec<Option<Bounds>> = vec![None; scenarios.len()];
    let mut master = Rng::new(seed);
    for _ in 0..cases {
        let case_seed = master.next_u64();
        let i = pick(case_seed, scenarios.len());
        let s = &scenarios[i];
        let b = *bounds[i].get_or_insert_with(|| s.run_inner(Plan::none(), None, None).1);
        let (plan, lie) = s.random_case(&mut Rng::new(case_seed), &b);
        each(s.run_inner(plan, lie, Some(case_seed)).0);
    }
}

fn pick(case_seed: u64, n: usize) -> usize {
    Rng::new(case_seed.rotate_left(17) ^ 0x5eed).below(n)
}

/// [`run_random_each`], collecting the reports.
pub fn run_random_in(scenarios: &[Scenario], seed: u64, cases: usize) -> Vec<Report> {
    let mut out = Vec::with_capacity(cases);
    run_random_each(scenarios, seed, cases, |r| out.push(r));
    out
}

/// Random cases over the scenarios of [`library`](crate::library) that
/// `filter` accepts (e.g. `|s| s.group == "vec"`).
///
/// ```
/// use leaksafe_check::{Proxy, run_random};
///
/// // Vector scenarios without a proxy (forgetting one leaks on purpose).
/// let reports = run_random(7, 20, |s| s.group == "vec" && s.proxy == Proxy::None);
/// assert_eq!(reports.len(), 20);
/// assert!(reports.iter().all(|r| r.ok() && r.seed.is_some()));
/// ```
pub fn run_random(seed: u64, cases: usize, filter: impl Fn(&Scenario) -> bool) -> Vec<Report> {
    let scenarios: Vec<Scenario> = crate::library().into_iter().filter(|s| filter(s)).collect();
    run_random_in(&scenarios, seed, cases)
}

/// Re-runs the random case `case_seed` of the scenario named `scenario`
/// (its full name), looked up in the library and the broken fixtures.
/// `None` if no scenario has that name.
pub fn replay(case_seed: u64, scenario: &str) -> Option<Report> {
    let all = crate::library()
        .into_iter()
        .chain(crate::broken::scenarios());
    let s = all.into_iter().find(|s| s.full_name() == scenario)?;
    let b = s.run_inner(Plan::none(), None, None).1;
    let (plan, lie) = s.random_case(&mut Rng::new(case_seed), &b);
    Some(s.run_inner(plan, lie, Some(case_seed)).0)
}

/// `plan` and `lie` as the case part of `LEAKSAFE_CHECK_CASE` (see
/// [`Report::case`]).
pub(crate) fn case_code(plan: &Plan, lie: Option<Lie>) -> String {
    let mut parts = Vec::new();
    if let Some((op, k)) = plan.inject {
        parts.push(format!("{op}:{k}"));
    }
    if let Some(g) = plan.forget {
        parts.push(format!("forget:{}:{}", g.side, g.after));
    }
    if let Some(l) = lie {
        parts.push(format!("lie:{}", l.name()));
    }
    if parts.is_empty() {
        "clean".to_owned()
    } else {
        parts.join("+")
    }
}

/// Parses the case part of [`Report::case`] back into a plan and a lie.
///
/// ```
/// use leaksafe_check::{Lie, Op, Plan, Side, parse_case};
///
/// assert_eq!(parse_case("clean"), Some((Plan::none(), None)));
/// assert_eq!(parse_case("Drop:3"), Some((Plan::inject(Op::Drop, 3), None)));
/// assert_eq!(parse_case("forget:back:2"), Some((Plan::forget(Side::Back, 2), None)));
/// assert_eq!(parse_case("lie:inverted"), Some((Plan::none(), Some(Lie::Inverted))));
/// assert_eq!(parse_case("bogus"), None);
/// ```
pub fn parse_case(code: &str) -> Option<(Plan, Option<Lie>)> {
    let mut plan = Plan::none();
    let mut lie = None;
    if code == "clean" {
        return Some((plan, lie));
    }
    for part in code.split('+') {
        let f: Vec<&str> = part.split(':').collect();
        match f.as_slice() {
            ["forget", side, n] => {
                let side = match *side {
                    "front" => Side::Front,
                    "back" => Side::Back,
                    _ => return None,
                };
                plan.forget = Some(Forget {
                    side,
                    after: n.parse().ok()?,
                });
            }
            ["lie", name] => lie = Some(Lie::from_name(name)?),
            [op, k] => {
                let op = Op::ALL.into_iter().find(|o| o.to_string() == *op)?;
                plan.inject = Some((op, k.parse().ok()?));
            }
            _ => return None,
        }
    }
    Some((plan, lie))
}
