/*!
Exact maximum-weight b-matching by the network simplex method, for the mid-sized and
large class problems whose arcs carry several units (classes of a few partners each).

**The network** is that of [`super::scaling`]: one hub node for source and sink,
`hub → a` (capacity c_a, cost 0), `a → b` (capacity u_ab, cost −w_ab), `b → hub`
(capacity c_b, cost 0); a circulation of least cost is a b-matching of most weight. An
artificial root joins the spanning tree: each node has an arc to it (capacity 2³¹ − 1,
above every other arc's, in effect unbounded; cost 0) that only the first tree uses — the
root has no arc out, so these arcs never carry flow, and they are never priced.

**The method** (primal network simplex; Ahuja, Magnanti and Orlin, ch. 11, and LEMON's
`NetworkSimplex`, whose conventions this follows). A spanning tree with node potentials π
that make every tree arc's reduced cost `cost + π(tail) − π(head)` zero; arcs off the tree
sit at flow 0 (*lower*) or at capacity (*upper*). An arc at lower with a negative reduced
cost, or at upper with a positive one, *enters*: flow goes round the cycle it closes with
the tree, as much as the cycle's tightest arc allows, and that arc *leaves*. When no arc is
eligible the circulation is optimal — the potentials are its dual certificate, exact
integers because every cost is.

- *No cycling.* The tree is kept *strongly feasible* (every node can send a unit to the
  root along the tree) by the leaving-arc rule: of the tightest arcs, the last one met
  going round the cycle from the apex in the direction of the flow. The first tree is
  strongly feasible: every right node hangs from the hub by its arc to the hub, every
  left node from the right node of its heaviest edge, the hub from the root, all at zero
  flow along arcs pointing to the root.
- *That first tree is a good start*: every left node priced at its heaviest edge, every
  right node at 0, so the first pivots fill the heavy edges.
- *Pricing by candidate list* (Mulvey): a scan from where the last one stopped collects
  up to 8 (`LIST`) eligible arcs; up to 8 (`MINOR`) pivots then take the most eligible of
  the listed arcs that still are, before the next scan. Most pivots of these problems are
  degenerate (no flow moves, the tree changes), and eligible arcs are rare near the
  optimum, so cheap pivots and scans that resume, not a full pass per pivot, decide the
  speed.
- *Scans eight arcs at a time.* Potentials are kept in 32 bits when the weights allow
  (each is a sum along a tree path, so `(2·nodes + 1)·largest weight` below 2³¹: pair
  scores of at most 1,000 tenths on up to a million nodes), and then, on processors with
  AVX2, a scan works out eight arcs' reduced costs at once and finds the eligible ones as
  a bit mask — a sixth faster on LV15's class problems. Eight arcs of one tail (the edges
  come in runs of one left node) take its potential once; the other ends' potentials are
  loaded one by one into the vector (a gather instruction is slower on some processors).
  It lists the same arcs as the scan one by one, and 32- and 64-bit potentials give the
  same reduced costs, so the pivots and the flow never depend on the processor.
- *Tree updates.* Parent, arc to the parent and its direction, depth, and the tree's
  preorder as a cyclic list (successor, predecessor, and each node's last descendant), so
  that every subtree is one run of the list (the *thread* of Ahuja, Magnanti and Orlin,
  ch. 11). The leaving arc cuts off a subtree, which hangs again from the entering arc
  with the path between the two reversed: its new preorder is made of runs of its old
  one — per node of that path, the node with its other children's subtrees before and
  after the one the path comes from — joined and put in after the node it now hangs from,
  a few links per node of the path. Its potentials and depths are then redone by one
  walk along the list, with no branch but the walk's end: a quarter faster on LV15's
  class problems than walking child and sibling lists (benches/RESULTS.md).

**Ties in the same run** ([`solve_lexicographic`]): from the optimum, the weights scaled
with a tie-break added, pricing only the arcs tight at that optimum — the relaxation's
"most incumbents kept" (`super::reduce`) without a second solve.

**When it is used** ([`super::flow::solve`]): problems of at least
[`super::flow::SIMPLEX_FROM_EDGES`] arcs, unless they are large and assignment-like (most
arcs of capacity 1: classes of single partners), where nearly every pivot is degenerate
and cost scaling does as well. The certificate is checked after every solve and the
successive-shortest-path solver takes over should it ever fail; [`solve`] declines
(returns None) capacities of 2³¹ − 1 or more, weights of 2³¹ or more (costs, capacities
and flows are kept in 32 bits: less memory to scan) and weights so large that the
potentials could overflow.

**Cost.** Per pivot: the scanned arcs, the cycle (walked once for the apex and the
tightest arc, again when flow moves) and the moved subtree. Memory: per arc its ends,
cost, capacity, flow and state (21 bytes), per node seven words and its potential.

**Determinism.** Scans go in arc order, each from where the last one stopped; among
equally eligible arcs the first listed enters; the first tree is built in node order: the
same problem gives the same flow.
*/

use super::flow::{Duals, Problem, Solution};

/// No node (end of a list, no parent).
const NONE: u32 = u32::MAX;
/// A tree arc's direction: from the node to its parent (up) or from the parent (down).
const UP: i8 = 1;
const DOWN: i8 = -1;
/// An arc's state; off the tree, the sign that makes an eligible arc's product negative.
const LOWER: i8 = 1;
const UPPER: i8 = -1;
const TREE: i8 = 0;
/// Eligible arcs collected per scan.
const LIST: usize = 8;
/// Pivots taken from one list before the next scan.
const MINOR: usize = 8;
/// Potentials stay far below this.
const LIMIT: i64 = 1 << 60;
/// The root's arcs' capacity: above every other arc's, which are kept below it.
const UNBOUNDED: i32 = i32::MAX;

/// The spanning tree: per node its parent, the arc to it and that arc's direction, and
/// its depth; and the tree's preorder as a cyclic list — each node's successor (`thread`)
/// and predecessor — with the last node of each node's subtree, so that a subtree is the
/// run of the list from its top to its last node.
#[derive(Clone)]
struct Tree {
    parent: Vec<u32>,
    pred: Vec<u32>,
    dir: Vec<i8>,
    depth: Vec<u32>,
    thread: Vec<u32>,
    rev_thread: Vec<u32>,
    last: Vec<u32>,
}

impl Tree {
    fn new(n: usize) -> Tree {
        Tree {
            parent: vec![NONE; n],
            pred: vec![NONE; n],
            dir: vec![UP; n],
            depth: vec![0; n],
            thread: vec![NONE; n],
            rev_thread: vec![NONE; n],
            last: vec![NONE; n],
        }
    }

    /// The preorder of the tree that `parent` describes, from `root` (children in node
    /// order): `thread`, `rev_thread` and `last`.
    fn order(&mut self, root: usize) {
        let n = self.parent.len();
        // Children in CSR form.
        let mut start = vec![0u32; n + 1];
        for &p in &self.parent {
            if p != NONE {
                start[p as usize + 1] += 1;
            }
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        let mut fill = start.clone();
        let mut kids = vec![0u32; start[n] as usize];
        for (v, &p) in self.parent.iter().enumerate() {
            if p != NONE {
                kids[fill[p as usize] as usize] = v as u32;
                fill[p as usize] += 1;
            }
        }
        let mut order = Vec::with_capacity(n);
        let mut stack = vec![root as u32];
        while let Some(v) = stack.pop() {
            order.push(v);
            let v = v as usize;
            stack.extend(kids[start[v] as usize..start[v + 1] as usize].iter().rev());
        }
        for (i, &v) in order.iter().enumerate() {
            let next = order[(i + 1) % order.len()];
            self.thread[v as usize] = next;
            self.rev_thread[next as usize] = v;
        }
        for &v in order.iter().rev() {
            let v = v as usize;
            let (from, to) = (start[v] as usize, start[v + 1] as usize);
            self.last[v] = if from == to {
                v as u32
            } else {
                self.last[kids[to - 1] as usize]
            };
        }
    }

    /// Whether `thread`, `rev_thread`, `last` and `depth` agree with `parent`: the list
    /// visits every node once from `root`, each after its parent and within its
    /// parent's run, and each node's run has as many nodes as its subtree. For the
    /// tests' debug assertions.
    fn is_consistent(&self, root: usize) -> bool {
        let n = self.parent.len();
        let mut pos = vec![usize::MAX; n];
        let mut order = Vec::with_capacity(n);
        let mut x = root;
        while pos[x] == usize::MAX {
            pos[x] = order.len();
            order.push(x);
            if self.rev_thread[self.thread[x] as usize] as usize != x {
                return false;
            }
            x = self.thread[x] as usize;
        }
        if x != root || order.len() != n {
            return false;
        }
        let mut size = vec![1usize; n];
        for &v in order.iter().rev() {
            if v != root {
                size[self.parent[v] as usize] += size[v];
            }
        }
        order.iter().all(|&v| {
            let end = pos[self.last[v] as usize];
            end >= pos[v]
                && end - pos[v] + 1 == size[v]
                && (v == root || {
                    let p = self.parent[v] as usize;
                    pos[p] < pos[v]
                        && end <= pos[self.last[p] as usize]
                        && self.depth[v] == self.depth[p] + 1
                })
        })
    }

    /// Links `a` before `b` in the preorder.
    #[inline(always)]
    fn link(&mut self, a: u32, b: u32) {
        self.thread[a as usize] = b;
        self.rev_thread[b as usize] = a;
    }
}

/// The arcs: left-to-right edges (as in the problem), then the hub's arcs to the left
/// nodes, the right nodes' arcs to the hub, and each node's arc to the root.
#[derive(Debug)]
struct Arcs {
    /// The priced arcs (edges and the hub's) come first.
    priced: usize,
    tail: Vec<u32>,
    head: Vec<u32>,
    cost: Vec<i32>,
    cap: Vec<i32>,
    flow: Vec<i32>,
    state: Vec<i8>,
}

impl Arcs {
    /// `state · reduced cost`: negative exactly when the arc may enter.
    #[inline]
    fn eligibility<P: Potential>(&self, e: usize, pi: &[P]) -> i64 {
        let (tail, head) = (pi[self.tail[e] as usize], pi[self.head[e] as usize]);
        i64::from(self.state[e]) * (i64::from(self.cost[e]) + tail.into() - head.into())
    }

    /// Lists the eligible priced arcs from `start` on, round to the start, until `LIST` are
    /// found; returns where the next scan starts.
    fn scan<P: Potential>(&self, start: usize, pi: &[P], list: &mut Vec<u32>) -> usize {
        let priced = self.priced;
        for range in [start..priced, 0..start] {
            let from = range.start;
            let arcs = self.state[range.clone()]
                .iter()
                .zip(&self.cost[range.clone()])
                .zip(self.tail[range.clone()].iter().zip(&self.head[range]));
            for (i, ((&state, &cost), (&tail, &head))) in arcs.enumerate() {
                let (tail, head) = (pi[tail as usize].into(), pi[head as usize].into());
                let c = i64::from(state) * (i64::from(cost) + tail - head);
                if c < 0 {
                    list.push((from + i) as u32);
                    if list.len() == LIST {
                        let next = from + i + 1;
                        return if next == priced { 0 } else { next };
                    }
                }
            }
        }
        start
    }

    /// [`Arcs::scan`] eight arcs at a time: the potentials of their ends in vectors, the
    /// eligible ones found as the sign bits of `state · reduced cost` — the same list and
    /// the same next start.
    ///
    /// # Safety
    ///
    /// The processor has AVX2, every arc's ends are below `pi.len()`, and the potentials
    /// keep every reduced cost within 32 bits (see [`fits_32_bits`]).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn scan_avx2(&self, start: usize, pi: &[i32], list: &mut Vec<u32>) -> usize {
        use std::arch::x86_64::*;
        let priced = self.priced;
        for range in [start..priced, 0..start] {
            let mut i = range.start;
            while i < range.end {
                let (mut mask, width) = if i + 8 <= range.end {
                    // SAFETY: arcs i..i + 8 exist (below `priced`, below every array's
                    // length) and their ends index `pi` (the caller's promise).
                    let reduced = unsafe {
                        let tails = self.tail.as_ptr().add(i);
                        let tail = _mm256_loadu_si256(tails.cast());
                        let cost = _mm256_loadu_si256(self.cost.as_ptr().add(i).cast());
                        // Eight arcs of one tail (most: the edges come in runs of one
                        // left node) take its potential once.
                        let first = *tails;
                        let one = _mm256_cmpeq_epi32(tail, _mm256_set1_epi32(first as i32));
                        let tail = if _mm256_movemask_epi8(one) == -1 {
                            _mm256_set1_epi32(*pi.get_unchecked(first as usize))
                        } else {
                            eight(pi, tails)
                        };
                        let head = eight(pi, self.head.as_ptr().add(i));
                        _mm256_sub_epi32(_mm256_add_epi32(cost, tail), head)
                    };
                    // SAFETY: the arcs' eight states are there (as above).
                    let state = unsafe { _mm_loadl_epi64(self.state.as_ptr().add(i).cast()) };
                    // state · reduced cost (a tree arc's state 0 gives 0): negative when
                    // eligible, its sign bit one bit of the mask.
                    let product = _mm256_sign_epi32(reduced, _mm256_cvtepi8_epi32(state));
                    (_mm256_movemask_ps(_mm256_castsi256_ps(product)) as u32, 8)
                } else {
                    (u32::from(self.eligibility(i, pi) < 0), 1)
                };
                while mask != 0 {
                    let e = i + mask.trailing_zeros() as usize;
                    mask &= mask - 1;
                    list.push(e as u32);
                    if list.len() == LIST {
                        return if e + 1 == priced { 0 } else { e + 1 };
                    }
                }
                i += width;
            }
        }
        start
    }

    /// [`Arcs::scan`] over the arcs `among` only: from `among[start]` on, round to the
    /// start; returns where in `among` the next scan starts.
    fn scan_among<P: Potential>(
        &self,
        among: &[u32],
        start: usize,
        pi: &[P],
        list: &mut Vec<u32>,
    ) -> usize {
        for range in [start..among.len(), 0..start] {
            let from = range.start;
            for (i, &e) in among[range].iter().enumerate() {
                if self.eligibility(e as usize, pi) < 0 {
                    list.push(e);
                    if list.len() == LIST {
                        let next = from + i + 1;
                        return if next == among.len() { 0 } else { next };
                    }
                }
            }
        }
        start
    }
}

/// The potentials of the eight nodes `nodes[0..8]`, as one vector: eight loads, not a
/// gather instruction — gathers are slow on some processors (on AMD's Zen 3 the scan is
/// 6% faster with the loads), and the loads are no slower elsewhere.
///
/// # Safety
///
/// The processor has AVX2, `nodes` points to eight node numbers, each below `pi.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn eight(pi: &[i32], nodes: *const u32) -> std::arch::x86_64::__m256i {
    // SAFETY: the caller's promise.
    unsafe {
        let at = |k: usize| *pi.get_unchecked(*nodes.add(k) as usize);
        std::arch::x86_64::_mm256_setr_epi32(at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7))
    }
}

/// Node potentials: 32 bits when the weights keep them and every reduced cost in range
/// ([`fits_32_bits`]), so that a scan tests eight arcs at once where the processor has
/// AVX2; 64 bits otherwise. The reduced costs are the same numbers either
/// way, so the pivots and the flow are too.
trait Potential:
    Copy
    + Default
    + From<i32>
    + Into<i64>
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::AddAssign
{
    /// [`Arcs::scan`], as fast as the potentials' width allows.
    #[inline(always)]
    fn scan(arcs: &Arcs, start: usize, pi: &[Self], list: &mut Vec<u32>) -> usize {
        arcs.scan(start, pi, list)
    }
}

impl Potential for i64 {}

impl Potential for i32 {
    #[inline(always)]
    fn scan(arcs: &Arcs, start: usize, pi: &[i32], list: &mut Vec<u32>) -> usize {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is there; the arcs join nodes of the tree, which `pi` numbers;
            // 32-bit potentials are used only where `fits_32_bits` holds.
            return unsafe { arcs.scan_avx2(start, pi, list) };
        }
        arcs.scan(start, pi, list)
    }
}

/// Whether potentials and reduced costs stay within 32 bits with weights up to `largest`
/// on `nodes` nodes: a potential is a sum along a tree path (at most `nodes` arcs), a
/// reduced cost a cost plus two potentials.
fn fits_32_bits(largest: u64, nodes: usize) -> bool {
    u128::from(largest)
        .checked_mul(2 * nodes as u128 + 1)
        .is_some_and(|bound| bound <= i32::MAX as u128)
}

/// The potentials that make every tree arc's reduced cost 0, from the root down.
fn potentials<P: Potential>(tree: &Tree, arcs: &Arcs, root: usize) -> Vec<P> {
    let mut pi = vec![P::default(); tree.parent.len()];
    let mut x = tree.thread[root] as usize;
    while x != root {
        let (parent, pred) = (tree.parent[x] as usize, tree.pred[x] as usize);
        pi[x] = pi[parent] - P::from(i32::from(tree.dir[x]) * arcs.cost[pred]);
        x = tree.thread[x] as usize;
    }
    pi
}

/// Solves `p` by the network simplex method: its flow and dual prices. None when a
/// capacity or the weights are too large for the flows and potentials to stay exact.
pub fn solve(p: &Problem) -> Option<Solution> {
    solve_then(p, None).map(|(solution, _)| solution)
}

/// Solves `p` with the weights `scale · w + [tie[e]]` (`scale` above twice the nodes),
/// which order flows by their weight first and their ties second: first with the weights
/// `w` alone, then on from that optimum's tree with the scaled ones. An arc's
/// scaled reduced cost is `scale` times its first one plus at most 2·nodes + 1 in size
/// (the ties' share, summed along tree paths), so only the arcs tight at the first
/// optimum can enter then, and only they are priced: a few hundred pivots where a second
/// solve from scratch takes thousands. Returns the first optimum (its flow and prices)
/// and the scaled one (prices of the scaled weights). None as [`solve`], or when `scale`
/// is not above twice the nodes.
pub fn solve_lexicographic(p: &Problem, tie: &[bool], scale: u64) -> Option<(Solution, Solution)> {
    let nodes = p.left_cap.len() + p.right_cap.len() + 2;
    if scale <= 2 * nodes as u64 + 1 {
        return None;
    }
    let (scaled, first) = solve_then(p, Some((tie, scale)))?;
    Some((first?, scaled))
}

/// The simplex, and when `then` is given its second phase (see [`solve_lexicographic`]):
/// the last optimum, and the first one when there were two phases.
fn solve_then(p: &Problem, then: Option<(&[bool], u64)>) -> Option<(Solution, Option<Solution>)> {
    let (nl, nr, m) = (p.left_cap.len(), p.right_cap.len(), p.edges());
    let (hub, root) = (nl + nr, nl + nr + 1);
    let n = root + 1;
    // Potentials stay within (nodes) · (largest weight); costs, capacities and flows
    // (within the capacities) in 32 bits.
    let heaviest = u64::from(p.weight.iter().copied().max().unwrap_or(0));
    let largest = match then {
        Some((_, scale)) => heaviest.checked_mul(scale)?.checked_add(1)?,
        None => heaviest,
    };
    let mut caps = p.left_cap.iter().chain(&p.right_cap).chain(&p.cap);
    if i128::from(largest) * n as i128 >= i128::from(LIMIT)
        || largest > i32::MAX as u64
        || caps.any(|&c| c >= UNBOUNDED as u64)
    {
        return None;
    }
    // Priced arcs: the edges and the hub's arcs; the root's arcs follow them.
    let priced = m + nl + nr;
    let total = priced + root;
    let mut arcs = Arcs {
        priced,
        tail: Vec::with_capacity(total),
        head: Vec::with_capacity(total),
        cost: Vec::with_capacity(total),
        cap: Vec::with_capacity(total),
        flow: vec![0; total],
        state: vec![LOWER; total],
    };
    let mut add = |tail: usize, head: usize, cost: i32, cap: i32| {
        arcs.tail.push(tail as u32);
        arcs.head.push(head as u32);
        arcs.cost.push(cost);
        arcs.cap.push(cap);
    };
    for a in 0..nl {
        for e in p.offsets[a]..p.offsets[a + 1] {
            add(
                a,
                nl + p.right[e] as usize,
                -(p.weight[e] as i32),
                p.cap[e] as i32,
            );
        }
    }
    for a in 0..nl {
        add(hub, a, 0, p.left_cap[a] as i32);
    }
    for b in 0..nr {
        add(nl + b, hub, 0, p.right_cap[b] as i32);
    }
    for v in 0..root {
        add(v, root, 0, UNBOUNDED);
    }

    // The first tree (module docs).
    let mut tree = Tree::new(n);
    let hang = |tree: &mut Tree, arcs: &mut Arcs, v: usize, parent: usize, arc: usize| {
        tree.parent[v] = parent as u32;
        tree.pred[v] = arc as u32;
        tree.dir[v] = UP;
        tree.depth[v] = tree.depth[parent] + 1;
        arcs.state[arc] = TREE;
    };
    hang(&mut tree, &mut arcs, hub, root, priced + hub);
    for b in 0..nr {
        if p.right_cap[b] > 0 {
            hang(&mut tree, &mut arcs, nl + b, hub, m + nl + b);
        } else {
            hang(&mut tree, &mut arcs, nl + b, root, priced + nl + b);
        }
    }
    for a in 0..nl {
        let heaviest = (p.offsets[a]..p.offsets[a + 1])
            .filter(|&e| p.cap[e] > 0 && p.right_cap[p.right[e] as usize] > 0)
            .max_by_key(|&e| (p.weight[e], std::cmp::Reverse(e)));
        match heaviest {
            Some(e) => hang(&mut tree, &mut arcs, a, nl + p.right[e] as usize, e),
            None => hang(&mut tree, &mut arcs, a, root, priced + a),
        }
    }
    tree.order(root);
    debug_assert!(tree.is_consistent(root));

    // The first optimum, with 32-bit potentials where they fit (the same pivots either way).
    let (first_pi, tight) = if fits_32_bits(heaviest, n) {
        first_optimum::<i32>(&mut arcs, &mut tree, root, then.is_some())
    } else {
        first_optimum::<i64>(&mut arcs, &mut tree, root, then.is_some())
    };
    let solution = |arcs: &Arcs, pi: &[i64]| {
        let h = pi[hub];
        Solution {
            flow: arcs.flow[..m].iter().map(|&f| f as u64).collect(),
            duals: Duals {
                left: (0..nl).map(|a| (pi[a] - h).max(0)).collect(),
                right: (0..nr).map(|b| (h - pi[nl + b]).max(0)).collect(),
            },
        }
    };
    let first = solution(&arcs, &first_pi);
    let Some((tie, scale)) = then else {
        return Some((first, None));
    };
    // The scaled costs and the potentials that make the tree's arcs tight for them; only
    // the arcs tight at the first optimum are priced (module docs of `solve_lexicographic`).
    for (e, cost) in arcs.cost[..m].iter_mut().enumerate() {
        *cost = -((u64::from(p.weight[e]) * scale + u64::from(tie[e])) as i32);
    }
    let mut pi = potentials::<i64>(&tree, &arcs, root);
    pivot_to_optimum(&mut arcs, &mut tree, &mut pi, Some(&tight));
    Some((solution(&arcs, &pi), Some(first)))
}

/// Pivots from the first tree to an optimum with potentials of type `P`; returns them
/// (as 64-bit numbers) and, when `tight` is asked for, the priced arcs whose reduced cost
/// is 0 there.
fn first_optimum<P: Potential>(
    arcs: &mut Arcs,
    tree: &mut Tree,
    root: usize,
    tight: bool,
) -> (Vec<i64>, Vec<u32>) {
    let mut pi = potentials::<P>(tree, arcs, root);
    pivot_to_optimum(arcs, tree, &mut pi, None);
    let tight = if tight {
        (0..arcs.priced as u32)
            .filter(|&e| arcs.eligibility(e as usize, &pi) == 0)
            .collect()
    } else {
        Vec::new()
    };
    (pi.into_iter().map(Into::into).collect(), tight)
}

/// Pivots until no arc is eligible (module docs, "The method"), pricing the arcs `among`
/// only when given.
#[inline(always)] // its loop is the solver: kept in the caller's frame (5–10% faster)
fn pivot_to_optimum<P: Potential>(
    arcs: &mut Arcs,
    tree: &mut Tree,
    pi: &mut [P],
    among: Option<&[u32]>,
) {
    let mut list: Vec<u32> = Vec::with_capacity(LIST);
    let (mut minor, mut next_scan) = (0, 0);
    let mut path: Vec<u32> = Vec::new();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    loop {
        // Entering arc: the most eligible listed arc, or a new list.
        let mut entering = None;
        if minor < MINOR {
            let mut best = 0;
            list.retain(|&e| {
                let c = arcs.eligibility(e as usize, pi);
                if c < best {
                    best = c;
                    entering = Some(e as usize);
                }
                c < 0
            });
            minor += 1;
        }
        if entering.is_none() {
            list.clear();
            minor = 0;
            next_scan = match among {
                Some(among) => arcs.scan_among(among, next_scan, pi, &mut list),
                None => P::scan(arcs, next_scan, pi, &mut list),
            };
            entering = list
                .iter()
                .map(|&e| e as usize)
                .min_by_key(|&e| arcs.eligibility(e, pi));
        }
        let Some(entering) = entering else { break };

        // The cycle: from `first` up to the apex, the entering arc's flow direction, and
        // from `second` up to the apex against it.
        let (tail, head) = (arcs.tail[entering] as usize, arcs.head[entering] as usize);
        let (first, second) = if arcs.state[entering] == LOWER {
            (tail, head)
        } else {
            (head, tail)
        };
        // Up from both ends to the apex together (the deeper end first), with what each
        // side's arcs leave room for: on the first side the first tightest arc, on the
        // second the last — the leaving arc is the last tightest round the cycle in the
        // flow's direction, which keeps the tree strongly feasible.
        let room = |arcs: &Arcs, u: usize, along: i8| {
            let e = tree.pred[u] as usize;
            i64::from(if tree.dir[u] == along {
                arcs.cap[e] - arcs.flow[e]
            } else {
                arcs.flow[e]
            })
        };
        let (mut u, mut v) = (first, second);
        let (mut least_first, mut at_first) = (i64::MAX, first);
        let (mut least_second, mut at_second) = (i64::MAX, second);
        while u != v {
            if tree.depth[u] >= tree.depth[v] {
                let d = room(arcs, u, DOWN);
                if d < least_first {
                    (least_first, at_first) = (d, u);
                }
                u = tree.parent[u] as usize;
            } else {
                let d = room(arcs, v, UP);
                if d <= least_second {
                    (least_second, at_second) = (d, v);
                }
                v = tree.parent[v] as usize;
            }
        }
        let apex = u;
        let own = i64::from(arcs.cap[entering]);
        let (delta, leaving_below) = if least_second <= own.min(least_first) {
            (least_second, Some((at_second, second)))
        } else if least_first < own {
            (least_first, Some((at_first, first)))
        } else {
            (own, None)
        };
        if delta > 0 {
            // At most the entering arc's capacity: 32 bits.
            let val = i32::from(arcs.state[entering]) * delta as i32;
            arcs.flow[entering] += val;
            let mut u = tail;
            while u != apex {
                arcs.flow[tree.pred[u] as usize] -= i32::from(tree.dir[u]) * val;
                u = tree.parent[u] as usize;
            }
            let mut u = head;
            while u != apex {
                arcs.flow[tree.pred[u] as usize] += i32::from(tree.dir[u]) * val;
                u = tree.parent[u] as usize;
            }
        }
        let Some((leaving_node, u_in)) = leaving_below else {
            // The entering arc is its own tightest: it goes to its other bound.
            arcs.state[entering] = -arcs.state[entering];
            continue;
        };
        let leaving = tree.pred[leaving_node] as usize;
        arcs.state[entering] = TREE;
        arcs.state[leaving] = if arcs.flow[leaving] == 0 {
            LOWER
        } else {
            UPPER
        };
        let v_in = if u_in == first { second } else { first };

        // The subtree below the leaving arc hangs again from v_in by the entering arc:
        // the path u_in … leaving_node turns round.
        path.clear();
        let mut x = u_in;
        loop {
            path.push(x as u32);
            if x == leaving_node {
                break;
            }
            x = tree.parent[x] as usize;
        }
        // Its new preorder, as runs of the old one: the subtree of u_in; then for each
        // next node p of the path (coming from `below`), p with its children's subtrees
        // that came before below's, and those that came after it.
        runs.clear();
        runs.push((u_in as u32, tree.last[u_in]));
        for w in path.windows(2) {
            let (below, p) = (w[0] as usize, w[1] as usize);
            runs.push((p as u32, tree.rev_thread[below]));
            if tree.last[p] != tree.last[below] {
                runs.push((tree.thread[tree.last[below] as usize], tree.last[p]));
            }
        }
        let (old_last, new_last) = (tree.last[leaving_node], runs[runs.len() - 1].1);
        // Out of the list, then the runs joined and put in after v_in.
        let (before, after) = (
            tree.rev_thread[leaving_node],
            tree.thread[old_last as usize],
        );
        tree.link(before, after);
        for i in 1..runs.len() {
            tree.link(runs[i - 1].1, runs[i].0);
        }
        let next = tree.thread[v_in];
        tree.link(v_in as u32, u_in as u32);
        tree.link(new_last, next);
        // Last nodes: the old ancestors that ended with the subtree end before it now,
        // the new ones that ended with v_in end with it, and the path's nodes all end
        // where the moved subtree does.
        let v_out = tree.parent[leaving_node];
        let mut w = v_out;
        while w != NONE && tree.last[w as usize] == old_last {
            tree.last[w as usize] = before;
            w = tree.parent[w as usize];
        }
        let mut w = v_in as u32;
        while w != NONE && tree.last[w as usize] == v_in as u32 {
            tree.last[w as usize] = new_last;
            w = tree.parent[w as usize];
        }
        for &x in &path {
            tree.last[x as usize] = new_last;
        }
        for i in (1..path.len()).rev() {
            let (x, below) = (path[i] as usize, path[i - 1] as usize);
            tree.pred[x] = tree.pred[below];
            tree.dir[x] = -tree.dir[below];
            tree.parent[x] = below as u32;
        }
        tree.pred[u_in] = entering as u32;
        tree.dir[u_in] = if tail == u_in { UP } else { DOWN };
        tree.parent[u_in] = v_in as u32;
        // Potentials shift by one amount over the subtree (the entering arc's reduced
        // cost becomes 0); depths follow the new parents.
        let sigma = pi[v_in] - pi[u_in] - P::from(i32::from(tree.dir[u_in]) * arcs.cost[entering]);
        let mut x = u_in;
        loop {
            pi[x] += sigma;
            tree.depth[x] = tree.depth[tree.parent[x] as usize] + 1;
            if x == new_last as usize {
                break;
            }
            x = tree.thread[x] as usize;
        }
        // (After every pivot of small problems, in the tests; the root is the last node.)
        debug_assert!(tree.parent.len() > 256 || tree.is_consistent(tree.parent.len() - 1));
    }
    debug_assert!(tree.is_consistent(tree.parent.len() - 1));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Priced arcs between `nodes` nodes, their potentials and a scan's start.
    fn arb_scan() -> impl Strategy<Value = (Arcs, Vec<i32>, usize)> {
        (1usize..40, 1usize..120).prop_flat_map(|(nodes, m)| {
            let arc = (0..nodes as u32, 0..nodes as u32, -1000i32..=0, 0..3u8);
            (
                prop::collection::vec(arc, m),
                // Near-tight potentials: eligible arcs are rare, as near an optimum.
                prop::collection::vec(-1000i32..1000, nodes),
                0..m,
            )
                .prop_map(|(arcs, pi, start)| {
                    let mut a = Arcs {
                        priced: arcs.len(),
                        tail: Vec::new(),
                        head: Vec::new(),
                        cost: Vec::new(),
                        cap: vec![1; arcs.len()],
                        flow: vec![0; arcs.len()],
                        state: Vec::new(),
                    };
                    for (tail, head, cost, state) in arcs {
                        a.tail.push(tail);
                        a.head.push(head);
                        a.cost.push(cost);
                        a.state.push([LOWER, UPPER, TREE][usize::from(state)]);
                    }
                    (a, pi, start)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        /// A scan lists the same arcs and resumes at the same place with 32-bit
        /// potentials (eight arcs at a time where the processor has AVX2) and 64-bit ones
        /// (one by one), and lists exactly the eligible arcs in scan order.
        #[test]
        fn scans_agree_whatever_the_potentials_width((arcs, pi, start) in arb_scan()) {
            let wide: Vec<i64> = pi.iter().map(|&x| i64::from(x)).collect();
            let (mut narrow_list, mut wide_list) = (Vec::new(), Vec::new());
            let narrow_next = <i32 as Potential>::scan(&arcs, start, &pi, &mut narrow_list);
            let wide_next = <i64 as Potential>::scan(&arcs, start, &wide, &mut wide_list);
            prop_assert_eq!(&narrow_list, &wide_list);
            prop_assert_eq!(narrow_next, wide_next);
            // And the 32-bit scan one arc at a time, as on a processor without AVX2.
            let mut one_by_one = Vec::new();
            prop_assert_eq!(arcs.scan(start, &pi, &mut one_by_one), wide_next);
            prop_assert_eq!(&one_by_one, &wide_list);
            // The reference: every arc from `start` round, the first LIST eligible ones.
            let m = arcs.priced;
            let expected: Vec<u32> = (start..m)
                .chain(0..start)
                .filter(|&e| arcs.eligibility(e, &wide) < 0)
                .take(LIST)
                .map(|e| e as u32)
                .collect();
            prop_assert_eq!(&wide_list, &expected);
            let next = match expected.last() {
                Some(&e) if expected.len() == LIST => (e as usize + 1) % m,
                _ => start,
            };
            prop_assert_eq!(wide_next, next);
        }
    }

    /// The tree check the pivots are tested with can fail: a preorder made from the
    /// parents passes it, and a wrong last node, depth or link does not.
    #[test]
    fn the_tree_check_refuses_a_broken_preorder() {
        // 4 is the root; 0 and 1 hang from 4, 2 and 3 from 0.
        let mut tree = Tree::new(5);
        for (v, p, d) in [(0, 4, 1), (1, 4, 1), (2, 0, 2), (3, 0, 2)] {
            tree.parent[v] = p;
            tree.depth[v] = d;
        }
        tree.order(4);
        assert_eq!(tree.thread, [2, 4, 3, 1, 0]); // 4, 0, 2, 3, 1
        assert_eq!(tree.last, [3, 1, 2, 3, 1]);
        assert!(tree.is_consistent(4));
        let broken = |change: &dyn Fn(&mut Tree)| {
            let mut t = tree.clone();
            change(&mut t);
            !t.is_consistent(4)
        };
        assert!(broken(&|t| t.last[0] = 2));
        assert!(broken(&|t| t.depth[3] = 1));
        // 4, 0, 3, 2, 1 is a preorder too, but the links must say so both ways.
        assert!(broken(&|t| {
            t.thread[0] = 3;
            t.thread[3] = 2;
            t.thread[2] = 1;
        }));
        assert!(!broken(&|t| {
            t.link(0, 3);
            t.link(3, 2);
            t.link(2, 1);
            t.last[0] = 2;
        }));
    }

    #[test]
    fn thirty_two_bits_hold_the_potentials_up_to_the_bound() {
        // (2·1,000 + 1) · 1,073,205 = 2,147,483,205 ≤ 2³¹ − 1 < 2001 · 1,073,206.
        assert!(fits_32_bits(1_073_205, 1000));
        assert!(!fits_32_bits(1_073_206, 1000));
        assert!(!fits_32_bits(u64::MAX, usize::MAX));
    }
}
