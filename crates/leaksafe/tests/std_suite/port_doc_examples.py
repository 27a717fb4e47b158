#!/usr/bin/env python3
"""Regenerate tests/std_doc_examples.rs: a sample of std's own documentation
examples for Vec, Rc, Arc, Weak and thread::scope, with the imports swapped.

    python3 crates/leaksafe/tests/std_suite/port_doc_examples.py [LIBRARY_DIR]

Each example is taken verbatim from the doc comment at SOURCE:LINE (0-based
line of its opening fence in the 1.95 rust-src) with rustdoc's rules: `# `
lines are kept (hidden, not removed), a snippet with `fn main` is called, a
snippet ending in `Ok::<..>(())` runs in a closure whose result is unwrapped.
The swap: every example gets `use leaksafe::vec; use leaksafe::vec::Vec;` (the
prelude's `Vec` and `vec!`, shadowed), and its own `use std::rc::…`,
`use std::sync::{Arc, Weak}` and `use std::thread` lines name leaksafe's.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "std_doc_examples.rs")

V, R, S, T = "alloc/src/vec/mod.rs", "alloc/src/rc.rs", "alloc/src/sync.rs", "std/src/thread/scoped.rs"
P_NIGHTLY = "pending_nightly"

# (source, fence line, test name, bucket, reason); buckets as in buckets.py.
EXAMPLES = [
    (V, 178, "vec_type_docs", "ok", ""),
    (V, 453, "vec_new", "ok", ""),
    (V, 492, "vec_with_capacity", "ok", ""),
    (V, 597, "vec_from_raw_parts", "pending", "needs `Vec::into_raw_parts`"),
    (V, 1492, "vec_try_reserve", "ok", ""),
    (V, 1689, "vec_into_boxed_slice", "ok", ""),
    (V, 2229, "vec_insert", "ok", ""),
    (V, 2407, "vec_retain", "ok", ""),
    (V, 2807, "vec_pop_if", "pending", "needs `Vec::pop_if`"),
    (V, 2910, "vec_drain", "ok", ""),
    (V, 3145, "vec_leak", "ok", ""),
    (V, 3175, "vec_spare_capacity_mut", "ok", ""),
    (V, 3557, "vec_into_flattened", "pending", "needs `Vec::into_flattened`"),
    (V, 4044, "vec_splice", "ok", ""),
    (V, 4090, "vec_extract_if", "ok", ""),
    (V, 4444, "vec_try_from_array", "ok", ""),
    (R, 90, "rc_module_docs_owner_gadget", "ok", ""),
    (R, 158, "rc_module_docs_weak_cycle", "ok", ""),
    (R, 405, "rc_new", "ok", ""),
    (R, 450, "rc_new_cyclic", "ok", ""),
    (R, 489, "rc_new_uninit", "pending", "needs `Rc::new_uninit` and `assume_init`"),
    (R, 1460, "rc_from_raw", "pending", "`Rc::from_raw` cannot infer the count type (E0283)"),
    (R, 1535, "rc_increment_strong_count", "pending", "`Rc::increment_strong_count`/`from_raw` cannot infer the count type (E0283)"),
    (R, 2030, "rc_make_mut", "ok", ""),
    (R, 2145, "rc_downcast", P_NIGHTLY, "`Rc<dyn Any>` unsized coercion (nightly) and `Rc::<dyn Any>::downcast`"),
    (R, 2842, "rc_from_array", "pending", "needs `From<[T; N]> for Rc<[T]>`"),
    (R, 3206, "rc_weak_new", "ok", ""),
    (R, 3497, "rc_weak_upgrade", "ok", ""),
    (S, 102, "arc_make_mut_module_docs", "ok", ""),
    (S, 189, "arc_clone_syntax", "ok", ""),
    (S, 410, "arc_new", "ok", ""),
    (S, 1093, "arc_try_unwrap", "ok", ""),
    (S, 1143, "arc_into_inner", "ok", ""),
    (S, 1611, "arc_from_raw", "pending", "`Arc::from_raw` cannot infer the count type (E0283)"),
    (S, 2457, "arc_make_mut", "ok", ""),
    (S, 2863, "arc_downcast", P_NIGHTLY, "`Arc<dyn Any + Send + Sync>` unsized coercion (nightly)"),
    (S, 3230, "arc_weak_upgrade", "ok", ""),
    (S, 4067, "arc_str_into_bytes", "pending", "needs `From<Arc<str>> for Arc<[u8]>`"),
    (T, 95, "thread_scope", "ok", ""),
    (T, 221, "thread_builder_spawn_scoped", "ok", ""),
    (T, 276, "scoped_join_handle_thread", "ok", ""),
    (T, 310, "scoped_join_handle_join", "ok", ""),
]

SWAPS = [
    (r"use std::rc::", "use leaksafe::rc::"),
    (r"use std::sync::Arc;", "use leaksafe::sync::Arc;"),
    (r"use std::sync::Weak;", "use leaksafe::sync::Weak;"),
    (r"use std::sync::\{Arc, Weak\};", "use leaksafe::sync::{Arc, Weak};"),
    (r"use std::thread;", "use leaksafe::thread;"),
]


def library_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    root = subprocess.check_output(["rustc", "--print", "sysroot"], text=True).strip()
    return os.path.join(root, "lib/rustlib/src/rust/library")


def example(lib, source, line):
    lines = open(os.path.join(lib, source)).read().split("\n")
    fence = re.match(r"\s*(///|//!)\s?(.*)$", lines[line])
    assert fence and fence.group(2).startswith("```"), (source, line, lines[line])
    lang = fence.group(2)[3:]
    body = []
    for l in lines[line + 1 :]:
        t = re.match(r"\s*(///|//!) ?(.*)$", l).group(2)
        if t.startswith("```"):
            break
        if t == "#":
            t = ""
        elif t.startswith("# "):
            t = t[2:]
        body.append(t)
    return lang, "\n".join(body)


def render(name, lang, code, bucket, reason, source, line):
    for old, new in SWAPS:
        code = re.sub(old, new, code)
    if "std::sync::" in code and re.search(r"use std::sync::\{[^}]*\b(Arc|Weak)\b", code):
        sys.exit(f"{name}: swap `use std::sync::{{..Arc..}}` by hand")
    if "fn main()" in code:
        code += "\nmain();"
    if re.search(r"Ok::<[^>]*>\(\(\)\)\s*$", code):
        code = "(|| {\n" + code + "\n})()\n.unwrap();"
    # Crate-level attributes of the example become the test function's own.
    inner = [l for l in code.split("\n") if l.startswith("#![")]
    code = "\n".join(l for l in code.split("\n") if not l.startswith("#!["))
    attrs = []
    if bucket in ("nightly", P_NIGHTLY):
        attrs.append('#[cfg(feature = "nightly")]')
    if bucket in ("pending", P_NIGHTLY):
        attrs.append("#[cfg(leaksafe_pending)]")
    assert bucket in ("ok", "nightly", "pending", P_NIGHTLY), bucket
    if "should_panic" in lang:
        attrs.append("#[should_panic]")
    note = f"// leaksafe: {reason}\n" if reason else ""
    return (
        f"/// `library/{source}`, the example at line {line + 1}.\n{note}"
        + "\n".join(attrs)
        + ("\n" if attrs else "")
        + f"#[test]\nfn {name}() {{\n{''.join(i + chr(10) for i in inner)}use leaksafe::vec;\nuse leaksafe::vec::Vec;\n{code}\n}}"
    )


HEADER = """\
//! A sample of std's own documentation examples for `Vec`, `Rc`, `Arc`,
//! `Weak` and `thread::scope`, each verbatim with the imports swapped for
//! leaksafe's (issue 17, "Proof"): the doc-example counterpart of
//! `tests/std_suite.rs`.
//!
//! Ported from the Rust standard library (Rust 1.95.0 rust-src), Copyright The
//! Rust Project Developers, dual-licensed MIT OR Apache-2.0 like this crate.
//! Generated by `tests/std_suite/port_doc_examples.py`, which lists each
//! example's source line. Examples behind `#[cfg(leaksafe_pending)]` need API
//! other branches add; those behind `feature = "nightly"` need unsized
//! coercion.
#![cfg(not(miri))]
// `leaksafe_pending` is this file's own switch, not a Cargo feature.
#![allow(unexpected_cfgs)]
// std's own example code, kept as std wrote it: its style trips these lints.
#![allow(unused_imports, unused_mut, unused_variables, dead_code, clippy::all, clippy::pedantic, clippy::undocumented_unsafe_blocks)]
"""


def main():
    lib = library_dir()
    tests = []
    for source, line, name, bucket, reason in EXAMPLES:
        lang, code = example(lib, source, line)
        tests.append(render(name, lang, code, bucket, reason, source, line))
    with open(OUT, "w") as f:
        f.write(HEADER + "\n" + "\n\n".join(tests) + "\n")
    subprocess.check_call(["rustfmt", "--edition", "2024", OUT])
    counts = {}
    for e in EXAMPLES:
        counts[e[3]] = counts.get(e[3], 0) + 1
    print(f"{len(EXAMPLES)} examples: {counts}")


if __name__ == "__main__":
    main()
