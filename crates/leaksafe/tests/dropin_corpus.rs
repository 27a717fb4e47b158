//! The drop-in corpus: realistic std programs (`tests/dropin/*.rs`) compiled
//! twice, once against std's types and once against leaksafe's, with only the
//! `use` lines changed; each must print exactly the same thing.
//!
//! A program is a file of items with a `pub fn run() -> String`; it names
//! `Vec`, `vec!`, `Rc`, `Weak`, `Arc`, `thread`, `RefCell` unqualified, so the
//! two modules below decide which types it gets.

macro_rules! corpus {
    ($($name:ident)*) => {
        mod with_std {
            $(pub mod $name {
                #![allow(dead_code, unused_imports, clippy::useless_vec)]
                use std::cell::RefCell;
                use std::rc::{Rc, Weak};
                use std::sync::Arc;
                use std::thread;
                use std::vec;
                use std::vec::Vec;
                include!(concat!("dropin/", stringify!($name), ".rs"));
            })*
        }
        mod with_leaksafe {
            $(pub mod $name {
                #![allow(dead_code, unused_imports, clippy::useless_vec)]
                use std::cell::RefCell;
                use leaksafe::rc::{Rc, Weak};
                use leaksafe::sync::Arc;
                use leaksafe::thread;
                use leaksafe::vec;
                use leaksafe::vec::Vec;
                include!(concat!("dropin/", stringify!($name), ".rs"));
            })*
        }
        $(#[test]
        fn $name() {
            let std_out = with_std::$name::run();
            let ours = with_leaksafe::$name::run();
            assert!(!std_out.is_empty());
            assert_eq!(ours, std_out, "leaksafe's output differs from std's");
        })*
    };
}

corpus!(tree workers pipeline text plugins);
