//! `ThreadPool` and its scopes. (Filled in by the pool issue.)
