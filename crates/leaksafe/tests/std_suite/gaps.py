#!/usr/bin/env python3
"""Print the gap tables of STD_SUITE_GAPS.md from buckets.py and
port_doc_examples.py (the single source of every decision).

    python3 crates/leaksafe/tests/std_suite/gaps.py
"""
import collections
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the test tree

from buckets import PORTS
import port_doc_examples

# Which piece of work removes a gap, by the words of its reason.
ROUTES = [
    ("nightly: `CoerceUnsized` (unsized coercion)", ["CoerceUnsized", "unsized coercion"]),
    ("nightly: `#[may_dangle]` drop check", ["may_dangle"]),
    ("count-type inference (issue 17 §2)", ["infer the count type"]),
    ("`Vec` API", ["Vec::", "for Vec<T>", "ExtractIf"]),
    ("`Rc`/`Arc` API", ["Rc::", "Arc::", "for Rc<", "for Arc<"]),
    ("`thread` API", ["Builder::spawn"]),
]


def route(reason):
    for name, words in ROUTES:
        if any(w in reason for w in words):
            return name
    return "other"


def main():
    pending = collections.defaultdict(list)
    ignored, excluded = [], []
    for port, cfg in PORTS.items():
        where = f"std_suite/{port}"
        for key, (kind, reason) in cfg["buckets"].items():
            entry = (f"`{where}::{key}`", kind, reason)
            if kind in ("pending", "pending_nightly", "pending_run"):
                pending[route(reason)].append(entry)
            elif kind in ("ignored", "nightly_ignored"):
                ignored.append(entry)
            elif kind == "excluded":
                excluded.append(entry)
    doc_left_out = collections.Counter()
    for name, source, line, kind, reason in port_doc_examples.classified(port_doc_examples.library_dir()):
        entry = (f"`std_doc_examples::{name}`", kind, reason)
        if kind.startswith("pending"):
            pending[route(reason)].append(entry)
        elif kind == "excluded" and reason.startswith("UNFIXABLE"):
            excluded.append(entry)
        elif kind == "excluded":
            doc_left_out[(source, reason)] += 1
    how = {
        "pending": "stable",
        "pending_nightly": "nightly only",
        "pending_run": "compiles today; runs (not ignored) with the cfg",
    }
    print("## Enable after merge (`--cfg leaksafe_pending`)\n")
    for name, _ in ROUTES + [("other", [])]:
        if name not in pending:
            continue
        print(f"### {name}\n")
        print("| test | where | missing item / cause |\n|---|---|---|")
        for test, kind, reason in pending[name]:
            print(f"| {test} | {how[kind]} | {reason} |")
        print()
    print("## Known behavioural differences (compiled, `#[ignore]`d)\n")
    print("| test | cause |\n|---|---|")
    for test, kind, reason in ignored:
        print(f"| {test} | {reason} |")
    print("\n## Left out of the port\n")
    print("| item | reason |\n|---|---|")
    for test, kind, reason in excluded:
        print(f"| {test} | {reason} |")
    print("\nstd doc examples left out, by reason:\n")
    print("| source | reason | examples |\n|---|---|---|")
    for (source, reason), n in sorted(doc_left_out.items()):
        print(f"| `{source}` | {reason} | {n} |")


if __name__ == "__main__":
    main()
