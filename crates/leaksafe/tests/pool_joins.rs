//! Join graphs on the pool (issue 16 §3): any join graph that completes with
//! one thread per task (`thread::scope`) completes on the pool, whatever its
//! size; a task joining its own handle panics. Each test runs under a
//! watchdog: a hang fails the test (after `WATCHDOG`) instead of hanging CI.
//!
//! Before claim-and-inline joins, `sibling_*`, `ancestor_*`, `cross_scope_*`
//! and `random_join_dags` hung (help-while-waiting ran a task on top of a
//! joiner it then joined), and `self_join_panics` hung forever.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use leaksafe::thread::{PoolHandle, ThreadPool};

#[path = "common/watchdog.rs"]
mod watchdog;
use watchdog::watchdog;

const ROUNDS: usize = if cfg!(miri) { 2 } else { 50 };

/// Some work that takes a while and lets other threads run.
fn slow() -> usize {
    for _ in 0..200 {
        std::thread::yield_now();
    }
    1
}

/// Where a handle waits for its joiner (created inside the scope, shared
/// with the tasks by `Arc`: a `'scope` handle cannot be stored outside).
type Slot<'s> = Arc<Mutex<Option<PoolHandle<'s, usize>>>>;

fn join_slot(slot: &Slot<'_>) -> usize {
    let h = slot.lock().unwrap().take();
    h.map_or(0, |h| h.join().unwrap())
}

/// J1 joins a slow X; J2 joins J1 (the example).
fn sibling(threads: usize) {
    let pool = ThreadPool::new(threads);
    for _ in 0..ROUNDS {
        let total = pool.scope(|s| {
            let (x, j1) = (Slot::default(), Slot::default());
            *x.lock().unwrap() = Some(s.spawn(slow));
            let x2 = Arc::clone(&x);
            *j1.lock().unwrap() = Some(s.spawn(move || join_slot(&x2) + 1));
            let j12 = Arc::clone(&j1);
            let j2 = s.spawn(move || join_slot(&j12) + 1);
            j2.join().unwrap()
        });
        assert!(total >= 1);
    }
}

#[test]
fn sibling_joins_one_thread() {
    watchdog("sibling 1", || sibling(1));
}

#[test]
fn sibling_joins_two_threads() {
    watchdog("sibling 2", || sibling(2));
}

/// A spawns B and a slow C, and joins C; B joins A (its parent).
fn ancestor(threads: usize) {
    let pool = ThreadPool::new(threads);
    for _ in 0..ROUNDS {
        pool.scope(|s| {
            let a = Slot::default();
            let a2 = Arc::clone(&a);
            let h = s.spawn(move || {
                s.spawn(move || join_slot(&a2));
                let c = s.spawn(slow);
                c.join().unwrap()
            });
            *a.lock().unwrap() = Some(h);
        });
    }
}

#[test]
fn ancestor_joins_one_thread() {
    watchdog("ancestor 1", || ancestor(1));
}

#[test]
fn ancestor_joins_two_threads() {
    watchdog("ancestor 2", || ancestor(2));
}

/// J1 opens a nested scope whose task joins a slow outer X; J2 joins J1.
fn cross_scope(threads: usize) {
    let pool = ThreadPool::new(threads);
    for _ in 0..ROUNDS {
        pool.scope(|s| {
            let (x, j1) = (Slot::default(), Slot::default());
            *x.lock().unwrap() = Some(s.spawn(slow));
            let (pool, x2) = (&pool, Arc::clone(&x));
            *j1.lock().unwrap() =
                Some(s.spawn(move || {
                    pool.scope(|t| t.spawn(move || join_slot(&x2)).join().unwrap())
                }));
            let j12 = Arc::clone(&j1);
            s.spawn(move || join_slot(&j12)).join().unwrap();
        });
    }
}

#[test]
fn cross_scope_joins_one_thread() {
    watchdog("cross scope 1", || cross_scope(1));
}

#[test]
fn cross_scope_joins_two_threads() {
    watchdog("cross scope 2", || cross_scope(2));
}

/// A task that gets its own handle and joins it panics (std: "deadlock");
/// the scope re-raises that panic.
fn self_join(threads: usize) {
    let pool = ThreadPool::new(threads);
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.scope(|s| {
            let me = Slot::default();
            let me2 = Arc::clone(&me);
            let h = s.spawn(move || {
                loop {
                    let mine = me2.lock().unwrap().take();
                    if let Some(h) = mine {
                        break h.join().unwrap();
                    }
                    std::thread::yield_now();
                }
            });
            *me.lock().unwrap() = Some(h);
        })
    }));
    let payload = r.expect_err("the self-join panics");
    let msg = payload
        .downcast_ref::<&str>()
        .copied()
        .unwrap_or("<not a &str>");
    assert!(msg.contains("deadlock"), "{msg}");
    // The pool stays usable.
    assert_eq!(pool.scope(|s| s.spawn(|| 3).join().unwrap()), 3);
}

#[test]
fn self_join_panics_one_thread() {
    watchdog("self join 1", || self_join(1));
}

#[test]
fn self_join_panics_two_threads() {
    watchdog("self join 2", || self_join(2));
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One node of a generated graph: who spawns it (the scope or an earlier
/// node), and which nodes it joins: any node of lower join rank (siblings,
/// cousins, its ancestors), so the graph is acyclic and completes with one
/// thread per task. A join finds its target's handle in a slot, unless not
/// spawned yet or already joined by someone else: then it skips it.
struct Node {
    parent: Option<usize>,
    joins: Vec<usize>,
    slow: bool,
}

fn random_graph(rng: &mut Rng, n: usize) -> Vec<Node> {
    let mut rank: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        rank.swap(i, rng.below(i + 1));
    }
    (0..n)
        .map(|i| {
            let parent = (i > 0 && rng.below(2) == 0).then(|| rng.below(i));
            let joins = (0..n)
                .filter(|&j| rank[j] < rank[i] && rng.below(3) == 0)
                .collect();
            let slow = rng.below(4) == 0;
            Node {
                parent,
                joins,
                slow,
            }
        })
        .collect()
}

fn run_graph(pool: &ThreadPool, graph: &[Node]) {
    pool.scope(|s| {
        type Slots<'s> = Arc<Vec<Mutex<Option<PoolHandle<'s, usize>>>>>;
        fn spawn_node<'s>(
            s: &'s leaksafe::thread::PoolScope<'s, '_>,
            graph: &'s [Node],
            slots: &Slots<'s>,
            i: usize,
        ) {
            let mine = Arc::clone(slots);
            let h = s.spawn(move || {
                let slots = mine;
                for (c, node) in graph.iter().enumerate() {
                    if node.parent == Some(i) {
                        spawn_node(s, graph, &slots, c);
                    }
                }
                let mut sum = 0;
                if graph[i].slow {
                    sum += slow();
                }
                for &j in &graph[i].joins {
                    let h = slots[j].lock().unwrap().take();
                    sum += h.map_or(0, |h| h.join().unwrap());
                }
                sum
            });
            *slots[i].lock().unwrap() = Some(h);
        }
        let slots: Slots<'_> = Arc::new(graph.iter().map(|_| Mutex::default()).collect());
        for (i, node) in graph.iter().enumerate() {
            if node.parent.is_none() {
                spawn_node(s, graph, &slots, i);
            }
        }
    });
}

#[test]
fn random_join_dags() {
    watchdog("random DAGs", || {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let graphs = if cfg!(miri) { 2 } else { 60 };
        for threads in [1, 2, 3] {
            let pool = ThreadPool::new(threads);
            for _ in 0..graphs {
                let n = 2 + rng.below(if cfg!(miri) { 6 } else { 14 });
                let graph = random_graph(&mut rng, n);
                run_graph(&pool, &graph);
            }
        }
    });
}
