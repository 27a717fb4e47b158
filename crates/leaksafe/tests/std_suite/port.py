#!/usr/bin/env python3
"""Regenerate the std_suite test modules from std's own test files.

    python3 crates/leaksafe/tests/std_suite/port.py [LIBRARY_DIR]

LIBRARY_DIR defaults to `$(rustc --print sysroot)/lib/rustlib/src/rust/library`
(`rustup component add rust-src`). The port is mechanical: each std test file
is split into its top-level items (rustfmt'd std code: an item starts at
column 0 after a blank line), the `use` lines are swapped for leaksafe's
(PORTS[...]["imports"]), and each item is kept, gated or left out as BUCKETS
says:

- "ok"        kept as is: compiles and passes on stable;
- "nightly"   kept behind `#[cfg(feature = "nightly")]` (unsized coercion,
              may_dangle drop check, std's unstable test helpers);
- "pending"   moved to NAME_pending.rs, compiled only with
              `--cfg leaksafe_pending`: it needs API another branch adds;
- "pending_nightly"  the same, and also behind the `nightly` feature;
- "ignored"   kept, compiled, but `#[ignore]`d: a behavioural difference
              from std that leaksafe cannot remove (the reason says why);
- "nightly_ignored"  the same, behind the `nightly` feature;
- "pending_run"  kept and compiled, but ignored unless `--cfg leaksafe_pending`:
              a behavioural difference another branch fixes;
- "excluded"  left out, with the reason in the file's header.

Every decision and its reason lives in BUCKETS below; STD_SUITE_GAPS.md is
the same list for the reader.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the test tree

from buckets import PORTS  # noqa: E402  (tests/std_suite/buckets.py)


def library_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    root = subprocess.check_output(["rustc", "--print", "sysroot"], text=True).strip()
    return os.path.join(root, "lib/rustlib/src/rust/library")


def split_items(text):
    """Top-level items of a rustfmt'd file, with their leading attributes."""
    lines = text.split("\n")
    items, cur, prev_blank = [], [], True
    for line in lines:
        starts = (
            line
            and not line[0].isspace()
            and not line.startswith(("}", ")", "]"))
            and prev_blank
        )
        if starts and cur:
            items.append(cur)
            cur = []
        cur.append(line)
        prev_blank = line.strip() == ""
    if cur:
        items.append(cur)
    return ["\n".join(i).rstrip("\n") for i in items if "".join(i).strip()]


KEY_RE = re.compile(
    r"^(?:pub(?:\([^)]*\))? )?(?:unsafe )?(fn|mod|struct|enum|trait|type|const|static|macro_rules!)\s*([A-Za-z_][A-Za-z0-9_]*)",
    re.M,
)


def item_key(item):
    m = KEY_RE.search(item)
    if m:
        return m.group(2)
    code = [l for l in item.split("\n") if not l.startswith(("#", "//"))]
    return (code or item.split("\n"))[0].strip()


NIGHTLY_ATTR = '#[cfg(feature = "nightly")]'


def rust_str(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gate(item, attr):
    return attr + "\n" + item


def port(lib, name, cfg):
    src_path = os.path.join(lib, cfg["source"])
    text = open(src_path).read()
    for old, new in cfg["imports"]:
        if old not in text:
            sys.exit(f"{name}: import line not found: {old!r}")
        text = text.replace(old, new, 1)
    for old, new in cfg.get("edits", []):
        if old not in text:
            sys.exit(f"{name}: edit not found: {old!r}")
        text = text.replace(old, new)
    buckets = cfg["buckets"]
    seen = set()
    main, pending, excluded = [], [], []
    for item in split_items(text):
        key = item_key(item)
        is_test = "#[test]" in item
        b = buckets.get(key, ("ok", ""))
        seen.add(key)
        kind, reason = b
        note = f"// leaksafe: {reason}\n" if reason else ""
        if kind == "ok":
            main.append(item)
        elif kind == "nightly":
            main.append(note + gate(item, '#[cfg(feature = "nightly")]'))
        elif kind == "pending":
            pending.append(note + item)
        elif kind == "pending_nightly":
            pending.append(note + gate(item, '#[cfg(feature = "nightly")]'))
        elif kind == "ignored":
            main.append(note + gate(item, f"#[ignore = {rust_str('leaksafe: ' + reason)}]"))
        elif kind == "nightly_ignored":
            main.append(
                note
                + gate(gate(item, f"#[ignore = {rust_str('leaksafe: ' + reason)}]"), NIGHTLY_ATTR)
            )
        elif kind == "pending_run":
            attr = f"#[cfg_attr(not(leaksafe_pending), ignore = {rust_str('leaksafe: ' + reason)})]"
            main.append(note + gate(item, attr))
        elif kind == "excluded":
            excluded.append((key, is_test, reason))
        else:
            sys.exit(f"{name}: bad bucket {kind} for {key}")
    unknown = set(buckets) - seen
    if unknown:
        sys.exit(f"{name}: BUCKETS names items that do not exist: {sorted(unknown)}")
    header = [
        f"// Ported from the Rust standard library's `library/{cfg['source']}`",
        f"// ({cfg['version']}), Copyright The Rust Project Developers, dual-licensed",
        "// MIT OR Apache-2.0 like this crate. Generated by port.py: only the",
        "// imports are swapped for leaksafe's"
        + (" (plus the edits listed in buckets.py)." if cfg.get("edits") else "."),
    ]
    if excluded:
        header.append("//")
        header.append("// Left out, each with its reason:")
        for key, is_test, reason in excluded:
            header.append(f"// - {key}{'' if is_test else ' (helper)'}: {reason}")
    out = "\n".join(header) + "\n\n" + "\n\n".join(main) + "\n"
    if pending:
        out += (
            "\n// Tests that need API other branches add: enable with --cfg leaksafe_pending.\n"
            "#[cfg(leaksafe_pending)]\n"
            f'#[path = "{name}_pending.rs"]\n'
            "mod pending;\n"
        )
    with open(os.path.join(HERE, name + ".rs"), "w") as f:
        f.write(out)
    pend_path = os.path.join(HERE, name + "_pending.rs")
    if pending:
        with open(pend_path, "w") as f:
            f.write(
                f"// The tests of std's `library/{cfg['source']}` that need API not yet on\n"
                "// this branch (see STD_SUITE_GAPS.md, \"enable after merge\"). Same\n"
                "// licence and provenance as the parent module.\n"
                "use super::*;\n"
                "// Named explicitly: through the glob above, leaksafe's `vec!` would be\n"
                "// ambiguous with the prelude's.\n"
                "use leaksafe::vec;\n\n" + "\n\n".join(pending) + "\n"
            )
    elif os.path.exists(pend_path):
        os.remove(pend_path)
    n = lambda xs: sum("#[test]" in x for x in xs)  # noqa: E731
    gated = sum(NIGHTLY_ATTR in x and "#[test]" in x for x in main)
    print(
        f"{name}: {n(main)} kept ({gated} nightly-only),"
        f" {n(pending)} pending, {sum(t for _, t, _ in excluded)} excluded"
    )


def main():
    lib = library_dir()
    for name, cfg in PORTS.items():
        port(lib, name, cfg)
    # std is formatted with its own rustfmt.toml; the crate's `cargo fmt` rules apply here.
    files = [os.path.join(HERE, f) for f in sorted(os.listdir(HERE)) if f.endswith(".rs")]
    subprocess.check_call(["rustfmt", "--edition", "2024", *files])


if __name__ == "__main__":
    main()
