//! The workload of issue 19 ("why narrow counts"): build, traverse and drop
//! a tree of `N` nodes with `Weak` parent links and counted children, for
//! std's `Rc`, rclite's (no `Weak`: the parent is an index) and leaksafe's
//! `Rc` with `u8`, `u16`, `u32` and `usize` counts; then the `Arc` twin,
//! built on one thread and traversed in two halves on two threads.
//!
//! Run: `cargo bench -p leaksafe --bench tree`. `TREE_N` sets the node count
//! (default 1 000 000), `TREE_ROUNDS` the number of paired rounds (default 5).
//! The tree is the complete `B`-ary tree on `0..N` in breadth-first order
//! (node `i` has children `B*i+1 ..= B*i+B`), each node built with
//! `new_cyclic` so its children's parent links point at it. A traversal visits
//! every node depth first and upgrades its parent link (one strong increment
//! and decrement per node: the count is exercised, not only stored).
//!
//! **Branching factor.** A node's weak count is its children plus one, and a
//! narrow count aborts when it is full (a `u8` count at 255): `B` = 8 keeps
//! every variant far from that. A `u8`-counted tree with more than 254
//! children per node would need `Saturating<u8>` (which leaks instead of
//! aborting) or a wider count.
//!
//! Printed per variant: `bytes/node`, all heap bytes the build requested
//! (node blocks and children slices), counted by a counting global
//! allocator (`tests/common/counting_alloc.rs`) and divided by `N`; and the
//! paired time (see `common/paired.rs`: each round runs every variant once,
//! in a rotating order; the ratio is the median per-round ratio to std).
//! Criterion also times each variant alone (10 flat samples); a filter that
//! matches no criterion name (`cargo bench -p leaksafe --bench tree --
//! paired-only`) skips those and runs only the byte counts and the paired
//! rounds (the quick way to get more rounds: `TREE_ROUNDS=11`).
//!
//! **What the bytes show.** A node is 32 bytes (`u32` value, an 8-byte
//! `Weak`, a 16-byte boxed slice of children) in a block that starts with
//! the two counts, and the amortised children slice adds 8 bytes per node.
//! The node's 8-byte alignment pads the counts to 8 bytes whatever their
//! width: std and leaksafe `usize` 16 + 32 + 8 = 56 bytes/node, leaksafe
//! `u8`/`u16`/`u32` 8 + 32 + 8 = 48 (14% less), rclite (one count, no
//! `Weak`: 8 + 24 + 8) 40. A narrow count pays off in full only for values
//! of alignment below 8.
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

#[path = "../tests/common/counting_alloc.rs"]
mod counting_alloc;
#[path = "common/paired.rs"]
#[allow(dead_code)]
mod paired;
use paired::Paired;

/// Branching factor (see the module docs for why at most 8).
const B: usize = 8;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn nodes() -> usize {
    env_usize("TREE_N", 1_000_000).max(2)
}

/// The children of node `i` in a tree of `n` nodes.
fn children(i: usize, n: usize) -> std::ops::Range<usize> {
    (B * i + 1).min(n)..(B * i + B + 1).min(n)
}

/// The sum every traversal must return: each node's index plus its
/// parent's index (the root has none).
fn expected(n: usize) -> u64 {
    (1..n).map(|i| (i + (i - 1) / B) as u64).sum()
}

/// A tree whose nodes hold a `Weak` to their parent. The aliases `Rc`,
/// `Weak`, the functions `weak_none` and `new_cyclic` are supplied per variant.
macro_rules! weak_tree {
    ($m:ident { $($item:item)* }) => {
        mod $m {
            #[allow(unused_imports)]
            use super::*;
            $($item)*

            pub struct Node {
                value: u32,
                parent: Weak<Node>,
                children: Box<[Rc<Node>]>,
            }

            fn build(i: usize, n: usize, parent: &Weak<Node>) -> Rc<Node> {
                new_cyclic(|me| Node {
                    value: i as u32,
                    parent: parent.clone(),
                    children: children(i, n).map(|c| build(c, n, me)).collect(),
                })
            }

            pub fn tree(n: usize) -> Rc<Node> {
                build(0, n, &weak_none())
            }

            pub fn traverse(node: &Node) -> u64 {
                let mut sum = u64::from(node.value);
                if let Some(p) = node.parent.upgrade() {
                    sum += u64::from(p.value);
                }
                for c in node.children.iter() {
                    sum += traverse(c);
                }
                sum
            }

            /// Traverses the root alone, then its children in two halves.
            #[allow(dead_code)]
            pub fn traverse_split(root: &Node, half: usize) -> u64 {
                let k = root.children.len();
                let part = if half == 0 { &root.children[..k / 2] } else { &root.children[k / 2..] };
                let own = if half == 0 { u64::from(root.value) } else { 0 };
                own + part.iter().map(|c| traverse(c)).sum::<u64>()
            }
        }
    };
}

/// rclite has no `Weak`: the parent is kept as its index.
macro_rules! index_tree {
    ($m:ident, $Rc:ident) => {
        mod $m {
            use super::*;
            pub type Rc<T> = rclite::$Rc<T>;

            pub struct Node {
                value: u32,
                parent: u32,
                children: Box<[Rc<Node>]>,
            }

            fn build(i: usize, n: usize, parent: u32) -> Rc<Node> {
                Rc::new(Node {
                    value: i as u32,
                    parent,
                    children: children(i, n).map(|c| build(c, n, i as u32)).collect(),
                })
            }

            pub fn tree(n: usize) -> Rc<Node> {
                build(0, n, u32::MAX)
            }

            pub fn traverse(node: &Node) -> u64 {
                let mut sum = u64::from(node.value);
                if node.parent != u32::MAX {
                    sum += u64::from(node.parent);
                }
                for c in node.children.iter() {
                    sum += traverse(c);
                }
                sum
            }

            #[allow(dead_code)]
            pub fn traverse_split(root: &Node, half: usize) -> u64 {
                let k = root.children.len();
                let part = if half == 0 {
                    &root.children[..k / 2]
                } else {
                    &root.children[k / 2..]
                };
                let own = if half == 0 { u64::from(root.value) } else { 0 };
                own + part.iter().map(|c| traverse(c)).sum::<u64>()
            }
        }
    };
}

macro_rules! std_variant {
    ($m:ident, $p:ident, $Rc:ident) => {
        weak_tree!($m {
            pub type Rc<T> = std::$p::$Rc<T>;
            pub type Weak<T> = std::$p::Weak<T>;
            fn weak_none() -> Weak<Node> { Weak::new() }
            fn new_cyclic(f: impl FnOnce(&Weak<Node>) -> Node) -> Rc<Node> { Rc::new_cyclic(f) }
        });
    };
}
macro_rules! leaksafe_variant {
    ($m:ident, $p:ident, $Rc:ident, $C:ty) => {
        weak_tree!($m {
            pub type Rc<T> = leaksafe::$p::$Rc<T, $C>;
            pub type Weak<T> = leaksafe::$p::Weak<T, $C>;
            fn weak_none() -> Weak<Node> { Weak::new_counted() }
            fn new_cyclic(f: impl FnOnce(&Weak<Node>) -> Node) -> Rc<Node> {
                Rc::new_cyclic_counted(f)
            }
        });
    };
}

std_variant!(std_rc, rc, Rc);
index_tree!(rclite_rc, Rc);
leaksafe_variant!(ls_rc_u8, rc, Rc, u8);
leaksafe_variant!(ls_rc_u16, rc, Rc, u16);
leaksafe_variant!(ls_rc_u32, rc, Rc, u32);
leaksafe_variant!(ls_rc_usize, rc, Rc, usize);

std_variant!(std_arc, sync, Arc);
index_tree!(rclite_arc, Arc);
leaksafe_variant!(ls_arc_u8, sync, Arc, u8);
leaksafe_variant!(ls_arc_u16, sync, Arc, u16);
leaksafe_variant!(ls_arc_u32, sync, Arc, u32);
leaksafe_variant!(ls_arc_usize, sync, Arc, usize);

/// One single-threaded workload: build, traverse, drop.
macro_rules! rc_case {
    ($m:ident) => {
        |n: usize| {
            let root = $m::tree(n);
            let sum = $m::traverse(black_box(&root));
            assert_eq!(sum, expected(n));
            drop(black_box(root));
        }
    };
}

/// The `Arc` twin: built on this thread, traversed in two halves on two
/// threads, dropped on this thread.
macro_rules! arc_case {
    ($m:ident) => {
        |n: usize| {
            let root = $m::tree(n);
            let r = &root;
            let sum = std::thread::scope(|s| {
                let h = s.spawn(move || $m::traverse_split(black_box(r), 1));
                $m::traverse_split(black_box(r), 0) + h.join().unwrap()
            });
            // The root's own parent is none; the halves cover the rest.
            assert_eq!(sum, expected(n));
            drop(black_box(root));
        }
    };
}

type Workload<'a> = &'a dyn Fn(usize);

/// Bytes per node of each variant, then criterion (each variant alone), then
/// the paired rounds.
fn run(c: &mut Criterion, group: &str, names: &[&'static str], cases: &[Workload<'_>]) {
    let n = nodes();
    let mut g = c.benchmark_group(group);
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_millis(1));
    for (name, case) in names.iter().zip(cases) {
        g.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                let t = Instant::now();
                for _ in 0..iters {
                    case(n);
                }
                t.elapsed()
            })
        });
    }
    g.finish();

    let paired = Paired::new(names);
    let rounds = env_usize("TREE_ROUNDS", 5);
    let mut rows = Vec::with_capacity(rounds);
    for r in paired.take_rounds(rounds) {
        let mut row = vec![0.0; cases.len()];
        for k in paired.order(r) {
            let t = Instant::now();
            cases[k](black_box(n));
            // Milliseconds per tree (printed as "ns" by `Paired::print`).
            row[k] = t.elapsed().as_secs_f64() * 1e3;
        }
        rows.push(row);
    }
    paired.record(rows);
    println!("paired {group}: times below are ms per tree of {n} nodes (the unit says ns)");
    paired.print(group, 0, &[]);
}

/// Heap bytes per node the build of each variant requests (on this thread).
fn bytes_per_node(group: &str, names: &[&str], builds: &[&dyn Fn(usize) -> Box<dyn Send>]) {
    let n = nodes();
    for (name, build) in names.iter().zip(builds) {
        let (bytes, allocs) = counting_alloc::measure(|| build(n));
        println!(
            "bytes {group}/{name}: {:.2} bytes/node ({bytes} bytes in {allocs} allocations for {n} nodes)",
            bytes as f64 / n as f64
        );
    }
}

/// Boxes a tree for `bytes_per_node` (the `Rc` trees are not `Send`; they are
/// only built and dropped on this thread, so a wrapper claims it).
struct Local<T>(#[allow(dead_code)] T);
// SAFETY: a `Local` is created and dropped on the bench's main thread only
// (inside `bytes_per_node`); it is `Send` only to fit the `Box<dyn Send>` type.
unsafe impl<T> Send for Local<T> {}

macro_rules! boxed_build {
    ($m:ident) => {
        |n: usize| -> Box<dyn Send> { Box::new(Local($m::tree(n))) }
    };
}

const NAMES: [&str; 6] = [
    "std",
    "rclite(index)",
    "leaksafe_u8",
    "leaksafe_u16",
    "leaksafe_u32",
    "leaksafe_usize",
];

fn rc_tree(c: &mut Criterion) {
    bytes_per_node(
        "tree/rc",
        &NAMES,
        &[
            &boxed_build!(std_rc),
            &boxed_build!(rclite_rc),
            &boxed_build!(ls_rc_u8),
            &boxed_build!(ls_rc_u16),
            &boxed_build!(ls_rc_u32),
            &boxed_build!(ls_rc_usize),
        ],
    );
    run(
        c,
        "tree/rc",
        &NAMES,
        &[
            &rc_case!(std_rc),
            &rc_case!(rclite_rc),
            &rc_case!(ls_rc_u8),
            &rc_case!(ls_rc_u16),
            &rc_case!(ls_rc_u32),
            &rc_case!(ls_rc_usize),
        ],
    );
}

fn arc_tree(c: &mut Criterion) {
    bytes_per_node(
        "tree/arc",
        &NAMES,
        &[
            &boxed_build!(std_arc),
            &boxed_build!(rclite_arc),
            &boxed_build!(ls_arc_u8),
            &boxed_build!(ls_arc_u16),
            &boxed_build!(ls_arc_u32),
            &boxed_build!(ls_arc_usize),
        ],
    );
    run(
        c,
        "tree/arc_2threads",
        &NAMES,
        &[
            &arc_case!(std_arc),
            &arc_case!(rclite_arc),
            &arc_case!(ls_arc_u8),
            &arc_case!(ls_arc_u16),
            &arc_case!(ls_arc_u32),
            &arc_case!(ls_arc_usize),
        ],
    );
}

criterion_group!(benches, rc_tree, arc_tree);
criterion_main!(benches);
