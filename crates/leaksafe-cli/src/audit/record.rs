//! What an audit is of and what one run reports: the types shared by the
//! table (`audit`) and the explorer that fills it (`audit::engine`). A leaf:
//! it imports nothing from the crate.

use clap::ValueEnum;

/// What to audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Target {
    /// `leaksafe::vec::Vec` and its proxies (Drain, Splice, ExtractIf, IntoIter).
    Vec,
    /// `leaksafe::rc::Rc` at each count width and policy.
    Rc,
    /// `leaksafe::sync::Arc` at each count width and policy.
    Arc,
    /// `leaksafe::thread`: scope, JoinGuard, ThreadPool.
    Thread,
    /// A deliberately broken vector from leaksafe-check (a Drain without leak
    /// amplification): the audit must fail. For testing the audit itself.
    #[value(hide = true)]
    BrokenVec,
    /// Vec's scenarios, then an abort of the audit process: for testing that
    /// a crashing scenario fails the audit instead of killing it.
    #[value(hide = true)]
    Abort,
    /// Vec's scenarios, then an endless loop: for testing that a hanging
    /// scenario fails the audit instead of hanging it.
    #[value(hide = true)]
    Hang,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Vec, Target::Rc, Target::Arc, Target::Thread];

    pub fn name(self) -> &'static str {
        match self {
            Target::Vec => "vec",
            Target::Rc => "rc",
            Target::Arc => "arc",
            Target::Thread => "thread",
            Target::BrokenVec => "broken-vec",
            Target::Abort => "abort",
            Target::Hang => "hang",
        }
    }
}

/// One run of one scenario with one injection, as the harness reports it.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The scenario's name.
    pub scenario: String,
    /// The injection point, readable ("forget after 3 steps", "panic at Drop #2").
    pub point: String,
    /// An injected panic was caught.
    pub panicked: bool,
    /// A proxy or handle was forgotten.
    pub forgot: bool,
    /// Double drops seen by the ledger.
    pub double_drops: usize,
    /// Reads after free (or of corrupt values) seen by the ledger.
    pub bad_reads: usize,
    /// Live values the scenario leaked on purpose.
    pub expected_leaks: usize,
    /// Live values nobody expected.
    pub unexpected_leaks: usize,
    /// Why the check failed, if it did.
    pub failure: Option<String>,
    /// The finding's class (`unsound`, `leak`, `contract`), if any.
    pub class: Option<String>,
    /// For a random case: the harness call that replays exactly this run.
    pub replay: Option<String>,
    /// Not a run: the audit process itself failed (crashed, or could not start).
    pub process: bool,
}
