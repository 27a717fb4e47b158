//! A growable vector whose proxies are sound when forgotten. (Filled in by the Vec issue.)

mod drain;
mod extract_if;
mod into_iter;
mod raw;
mod splice;
mod user_code;
