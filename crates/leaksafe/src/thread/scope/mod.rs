//! `scope`, `Scope`, `ScopedJoinHandle`, `JoinGuard`. (Filled in by the scope issue.)
