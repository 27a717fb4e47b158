#!/usr/bin/env python3
"""Regenerate tests/std_doc_examples.rs: std's own documentation examples for
Vec, Rc, Arc, Weak and thread::scope (every one in `alloc/src/vec/mod.rs`,
`alloc/src/rc.rs`, `alloc/src/sync.rs` and `std/src/thread/scoped.rs` that
needs no unstable feature), with the imports swapped.

    python3 crates/leaksafe/tests/std_suite/port_doc_examples.py [LIBRARY_DIR]

Each example is taken verbatim from its doc comment with rustdoc's rules: `# `
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

SOURCES = [(V, "vec"), (R, "rc"), (S, "arc"), (T, "scope")]

# Every example runs unless named here (test name -> (bucket, reason)); the
# buckets are buckets.py's. A name is PREFIX_ITEM_LINE: the item the example
# documents and the 1-based line of its opening fence.
BUCKETS = {
    "arc_assume_init_1422": ("pending", "needs `Arc::new_uninit` (and `assume_init`)"),
    "arc_assume_init_1556": ("pending", "needs `Arc::new_uninit_slice` (and `assume_init`)"),
    "arc_decrement_strong_count_1727": ("pending", "`Arc::decrement_strong_count` example: cannot infer the count type (E0283)"),
    "arc_downcast_2864": ("pending_nightly", "`Arc<dyn Any + Send + Sync>` unsized coercion (nightly)"),
    "arc_from_3877": ("pending", "needs `From<[T; N]> for Arc<[T]>`"),
    "arc_from_3915": ("pending", "needs `From<&mut [T]> for Arc<[T]>`"),
    "arc_from_3954": ("pending", "needs `From<&mut str> for Arc<str>`"),
    "arc_from_4012": ("pending", "needs `From<leaksafe::vec::Vec<T>> for Arc<[T]>`"),
    "arc_from_4046": ("pending", "needs `From<Cow<'_, B>> for Arc<B>`"),
    "arc_from_4068": ("pending", "needs `From<Arc<str>> for Arc<[u8]>`"),
    "arc_from_iter_4115": ("pending", "needs `From<leaksafe::vec::Vec<T>> for Arc<[T]>`"),
    "arc_from_raw_1612": ("pending", "`Arc::from_raw` example: cannot infer the count type (E0283)"),
    "arc_from_raw_1631": ("pending_nightly", "`Arc<[u32]>` unsized coercion (nightly)"),
    "arc_from_raw_3008": ("pending", "`Weak::from_raw` example: cannot infer the count type (E0283)"),
    "arc_from_raw_in_3179": ("pending", "`Weak::from_raw` example: cannot infer the count type (E0283)"),
    "arc_increment_strong_count_1687": ("pending", "`Arc::increment_strong_count` example: cannot infer the count type (E0283)"),
    "arc_into_raw_1655": ("pending", "`Arc::into_raw` example: cannot infer the count type (E0283)"),
    "arc_into_raw_3047": ("pending", "`Weak::into_raw` example: cannot infer the count type (E0283)"),
    "arc_new_uninit_495": ("pending", "needs `Arc::new_uninit` (and `assume_init`)"),
    "arc_new_uninit_slice_1254": ("pending", "needs `Arc::new_uninit_slice` (and `assume_init`)"),
    "arc_new_zeroed_529": ("pending", "needs `Arc::new_zeroed` (and `assume_init`)"),
    "arc_new_zeroed_slice_1285": ("pending", "needs `Arc::new_zeroed_slice` (and `assume_init`)"),
    "rc_assume_init_1273": ("pending", "needs `Rc::new_uninit` (and `assume_init`)"),
    "rc_assume_init_1406": ("pending", "needs `Rc::new_uninit_slice` (and `assume_init`)"),
    "rc_decrement_strong_count_1573": ("pending", "`Rc::decrement_strong_count` example: cannot infer the count type (E0283)"),
    "rc_downcast_2146": ("pending_nightly", "`Rc<dyn Any>` unsized coercion (nightly) and `Rc::<dyn Any>::downcast`"),
    "rc_from_2843": ("pending", "needs `From<[T; N]> for Rc<[T]>`"),
    "rc_from_2881": ("pending", "needs `From<&mut [T]> for Rc<[T]>`"),
    "rc_from_2920": ("pending", "needs `From<&mut str> for Rc<str>`"),
    "rc_from_2978": ("pending", "needs `From<leaksafe::vec::Vec<T>> for Rc<[T]>`"),
    "rc_from_3012": ("pending", "needs `From<Cow<'_, B>> for Rc<B>`"),
    "rc_from_3034": ("pending", "needs `From<Rc<str>> for Rc<[u8]>`"),
    "rc_from_iter_3081": ("pending", "needs `From<leaksafe::vec::Vec<T>> for Rc<[T]>`"),
    "rc_from_raw_1461": ("pending", "`Rc::from_raw` example: cannot infer the count type (E0283)"),
    "rc_from_raw_1480": ("pending_nightly", "`Rc<[u32]>` unsized coercion (nightly)"),
    "rc_from_raw_3276": ("pending", "`Weak::from_raw` example: cannot infer the count type (E0283)"),
    "rc_from_raw_in_3448": ("pending", "`Weak::from_raw` example: cannot infer the count type (E0283)"),
    "rc_increment_strong_count_1536": ("pending", "`Rc::increment_strong_count` example: cannot infer the count type (E0283)"),
    "rc_into_raw_1504": ("pending", "`Rc::into_raw` example: cannot infer the count type (E0283)"),
    "rc_into_raw_3315": ("pending", "`Weak::into_raw` example: cannot infer the count type (E0283)"),
    "rc_new_uninit_490": ("pending", "needs `Rc::new_uninit` (and `assume_init`)"),
    "rc_new_uninit_slice_1108": ("pending", "needs `Rc::new_uninit_slice` (and `assume_init`)"),
    "rc_new_zeroed_523": ("pending", "needs `Rc::new_zeroed` (and `assume_init`)"),
    "rc_new_zeroed_slice_1138": ("pending", "needs `Rc::new_zeroed_slice` (and `assume_init`)"),
    "vec_from_4328": ("pending", "needs `From<&mut [T; N]> for Vec<T>`"),
    "vec_from_4364": ("excluded", "UNFIXABLE: `Cow<[T]>`'s owned type is std's `Vec` (`<[T] as ToOwned>::Owned`), so `Cow::Owned(leaksafe_vec)` cannot type-check"),
    "vec_from_raw_parts_598": ("pending", "needs `Vec::into_raw_parts`"),
    "vec_insert_mut_2260": ("pending", "needs `Vec::insert_mut`"),
    "vec_into_flattened_3558": ("pending", "needs `Vec::into_flattened`"),
    "vec_into_raw_parts_823": ("pending", "needs `Vec::into_raw_parts`"),
    "vec_pop_if_2808": ("pending", "needs `Vec::pop_if`"),
    "vec_push_mut_1003": ("pending", "needs `Vec::push_mut`"),
}

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
    assert fence and fence.group(2).lstrip().startswith("```"), (source, line, lines[line])
    lang = fence.group(2).lstrip()[3:]
    body = []
    for l in lines[line + 1 :]:
        t = re.match(r"\s*(///|//!) ?(.*)$", l).group(2)
        if t.lstrip().startswith("```"):
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
    if "no_run" in lang:
        attrs.append('#[ignore = "`no_run` in std\'s docs: compiled, not run"]')
    note = f"// leaksafe: {reason}\n" if reason else ""
    return (
        f"/// `library/{source}`, the example at line {line + 1}.\n{note}"
        + "\n".join(attrs)
        + ("\n" if attrs else "")
        + f"#[test]\nfn {name}() {{\n{''.join(i + chr(10) for i in inner)}use leaksafe::vec;\nuse leaksafe::vec::Vec;\n{code}\n}}"
    )


HEADER = """\
//! std's own documentation examples for `Vec`, `Rc`, `Arc`, `Weak` and
//! `thread::scope` (all those that need no unstable feature), each verbatim
//! with the imports swapped for leaksafe's (issue 17, "Proof"): the
//! doc-example counterpart of `tests/std_suite.rs`.
//!
//! Ported from the Rust standard library (Rust 1.95.0 rust-src), Copyright The
//! Rust Project Developers, dual-licensed MIT OR Apache-2.0 like this crate.
//! Generated by `tests/std_suite/port_doc_examples.py`; each test's name ends
//! with the line of the example in its source file. Examples behind `#[cfg(leaksafe_pending)]` need API
//! other branches add; those behind `feature = "nightly"` need unsized
//! coercion.
#![cfg(not(miri))]
// `leaksafe_pending` is this file's own switch, not a Cargo feature.
#![allow(unexpected_cfgs)]
// std's own example code, kept as std wrote it: its style trips these lints.
#![allow(unused_imports, unused_mut, unused_variables, dead_code, clippy::all, clippy::pedantic, clippy::undocumented_unsafe_blocks)]
"""


ITEM_RE = re.compile(r"^\s*(?:pub(?:\([^)]*\))? )?(?:const )?(?:unsafe )?(?:fn|struct|trait|type) ([A-Za-z_][A-Za-z0-9_]*)")
SKIP_LANGS = ("compile_fail", "ignore", "text")


def examples(lib):
    """(name, source, fence line, lang, code, left-out reason or None) for every block."""
    for source, prefix in SOURCES:
        lines = open(os.path.join(lib, source)).read().split("\n")
        in_block = False
        for i, l in enumerate(lines):
            m = re.match(r"\s*(///|//!)\s?(.*)$", l)
            if not m:
                in_block = False
                continue
            fence = m.group(2).lstrip()  # rustdoc accepts an indented fence
            if not fence.startswith("```"):
                continue
            if in_block:
                in_block = False
                continue
            in_block = True
            item = "module" if m.group(1) == "//!" else "doc"
            if item == "doc":
                for after in lines[i + 1 : i + 200]:
                    if re.match(r"\s*(///|//!|#)", after):
                        continue
                    im = ITEM_RE.match(after)
                    if im:
                        item = im.group(1)
                        break
            name = f"{prefix}_{item.lower()}_{i + 1}"
            lang = fence[3:]
            if any(x in lang for x in SKIP_LANGS):
                yield name, source, i, lang, None, f"rustdoc does not run it (`{lang}`)"
                continue
            try:
                _, code = example(lib, source, i)
            except AttributeError:
                yield name, source, i, lang, None, "not a plain `///` block"
                continue
            features = re.findall(r"#!\[feature\(([^)]*)\)\]", code)
            if features:
                yield name, source, i, lang, None, f"unstable std API (`{', '.join(features)}`)"
                continue
            yield name, source, i, lang, code, None


def classified(lib):
    """(name, source, fence line, bucket, reason) for every example."""
    out = []
    for name, source, line, lang, code, left_out in examples(lib):
        if left_out:
            out.append((name, source, line, "excluded", left_out))
        else:
            out.append((name, source, line, *BUCKETS.get(name, ("ok", ""))))
    return out


def main():
    lib = library_dir()
    tests = []
    seen = set()
    counts = {}
    for name, source, line, lang, code, left_out in examples(lib):
        bucket, reason = ("excluded", left_out) if left_out else BUCKETS.get(name, ("ok", ""))
        counts[bucket] = counts.get(bucket, 0) + 1
        seen.add(name)
        if bucket == "excluded":
            continue
        tests.append(render(name, lang, code, bucket, reason, source, line))
    unknown = set(BUCKETS) - seen
    if unknown:
        sys.exit(f"BUCKETS names examples that do not exist: {sorted(unknown)}")
    with open(OUT, "w") as f:
        f.write(HEADER + "\n" + "\n\n".join(tests) + "\n")
    subprocess.check_call(["rustfmt", "--edition", "2024", OUT])
    print(f"{sum(counts.values())} examples: {counts}")


if __name__ == "__main__":
    main()
