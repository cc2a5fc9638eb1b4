/*!
Exact maximum-weight bipartite b-matching with edge capacities by min-cost flow
(primal-dual successive shortest paths).

The network is `s → a` (capacity c_a), `a → b` (capacity u_ab, cost −w_ab), `b → t`
(capacity c_b). Successive shortest paths with node potentials (Dijkstra on reduced
costs, which stay non-negative) give a min-cost flow of every value; the cost as a function
of the flow value is convex, so stopping at the first augmenting path whose cost is not
negative gives the maximum total weight over all flow values — the optimum b-matching. Each
phase augments a blocking flow along *all* shortest paths of the current length (found by
DFS over zero-reduced-cost arcs, each path carrying as much as its narrowest arc allows),
so the number of phases is the number of distinct shortest-path lengths, at most the
weight range (integer weights), not the flow value.

Complexity: O(P · (E log V)) for P phases, E edges, V = |A| + |B| + 2 nodes; P ≤ max
weight + 1 and in practice far smaller. Memory: the edges in CSR form (12 bytes each) plus
their flow; reverse arcs are only kept for edges carrying flow.

Determinism: nodes and edges are visited in index order and ties in the heap are broken
by node index, so the same input gives the same matching, whatever the thread count.

[`solve`] uses this solver below [`SIMPLEX_FROM_EDGES`] edges; from there on the network
simplex of [`super::simplex`], or for large assignment-like problems the cost scaling of
[`super::scaling`] (their work does not grow with the number of distinct path lengths),
checking their certificates ([`method`] says which); [`successive_shortest_paths`] runs
this one whatever the size.
*/

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A bipartite b-matching problem: left nodes with capacities, right nodes with
/// capacities, and weighted edges from left to right in CSR form.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// Capacity of each left node.
    pub left_cap: Vec<u64>,
    /// Capacity of each right node.
    pub right_cap: Vec<u64>,
    /// `offsets[a]..offsets[a+1]` index the edges of left node `a`.
    pub offsets: Vec<usize>,
    /// Right end of each edge.
    pub right: Vec<u32>,
    /// Weight of each edge (> 0).
    pub weight: Vec<u32>,
    /// Capacity of each edge (≥ 1; a partner pair's is 1).
    pub cap: Vec<u64>,
}

impl Problem {
    /// Number of edges.
    pub fn edges(&self) -> usize {
        self.right.len()
    }
}

const INF: i64 = i64::MAX / 4;

/// Node numbering: 0 = s, 1..=L left, L+1..=L+R right, L+R+1 = t.
struct Solver<'p> {
    p: &'p Problem,
    nl: usize,
    nr: usize,
    flow: Vec<u64>,
    used_left: Vec<u64>,
    used_right: Vec<u64>,
    /// For each right node, the edges into it that carry flow.
    into_right: Vec<Vec<u32>>,
    /// For each edge, its left node.
    edge_left: Vec<u32>,
    pot: Vec<i64>,
    dist: Vec<i64>,
    /// Per left node settled in bulk: the least reduced cost of its residual edges in the
    /// last Dijkstra (`i64::MIN` for the others). A tight edge after the potential update
    /// had a reduced cost of at most dist(t), so a node whose least is above has none.
    least: Vec<i64>,
}

impl<'p> Solver<'p> {
    fn new(p: &'p Problem) -> Self {
        let nl = p.left_cap.len();
        let nr = p.right_cap.len();
        let mut edge_left = vec![0u32; p.edges()];
        for a in 0..nl {
            edge_left[p.offsets[a]..p.offsets[a + 1]].fill(a as u32);
        }
        let n = nl + nr + 2;
        // Initial potentials: exact shortest distances from s in the DAG s → A → B → t
        // (reduced costs are then non-negative).
        let mut pot = vec![0i64; n];
        for b in 0..nr {
            pot[1 + nl + b] = 0;
        }
        for e in 0..p.edges() {
            let b = 1 + nl + p.right[e] as usize;
            pot[b] = pot[b].min(-i64::from(p.weight[e]));
        }
        pot[n - 1] = (0..nr).map(|b| pot[1 + nl + b]).min().unwrap_or(0).min(0);
        Solver {
            p,
            nl,
            nr,
            flow: vec![0; p.edges()],
            used_left: vec![0; nl],
            used_right: vec![0; nr],
            into_right: vec![Vec::new(); nr],
            edge_left,
            pot,
            dist: vec![INF; n],
            least: vec![INF; nl],
        }
    }

    fn t(&self) -> usize {
        self.nl + self.nr + 1
    }

    /// Dijkstra on reduced costs from s; returns whether t is reachable.
    fn dijkstra(&mut self) -> bool {
        let (nl, t) = (self.nl, self.t());
        self.dist.iter_mut().for_each(|d| *d = INF);
        self.least.iter_mut().for_each(|l| *l = i64::MIN);
        // Heap entries pack (distance, node) into one u128: reduced distances are
        // non-negative i64s, nodes fit 32 bits.
        let mut heap: BinaryHeap<Reverse<u128>> = BinaryHeap::new();
        let key = |d: i64, v: usize| Reverse(((d as u128) << 32) | v as u128);
        self.dist[0] = 0;
        let (pot, dist) = (&self.pot, &mut self.dist);
        // s and the left nodes it reaches at reduced distance 0 (every unsaturated one:
        // their potential never moves off s's) are settled first, in bulk: their many
        // edges update right-node distances without a heap push each, and every reached
        // right node enters the heap once.
        for a in 0..nl {
            if self.used_left[a] >= self.p.left_cap[a] {
                continue;
            }
            let da = pot[0] - pot[1 + a];
            if da > 0 {
                dist[1 + a] = da;
                heap.push(key(da, 1 + a));
                continue;
            }
            dist[1 + a] = 0;
            let mut least = INF;
            let base = pot[1 + a];
            let edges = self.p.offsets[a]..self.p.offsets[a + 1];
            for (((&b, &w), &f), &u) in self.p.right[edges.clone()]
                .iter()
                .zip(&self.p.weight[edges.clone()])
                .zip(&self.flow[edges.clone()])
                .zip(&self.p.cap[edges])
            {
                let b = 1 + nl + b as usize;
                let nd = base - i64::from(w) - pot[b];
                if f < u {
                    least = least.min(nd);
                    if nd < dist[b] {
                        dist[b] = nd;
                    }
                }
            }
            self.least[a] = least;
        }
        for (b, &d) in dist.iter().enumerate().take(t).skip(1 + nl) {
            if d < INF {
                heap.push(key(d, b));
            }
        }
        while let Some(Reverse(k)) = heap.pop() {
            let (d, v) = ((k >> 32) as i64, (k & 0xFFFF_FFFF) as usize);
            if d > dist[v] {
                continue;
            }
            if v == t {
                // Every node still in the heap is at least as far as t: the potential
                // update gives them dist(t) either way, so stop here.
                break;
            }
            let base = d + pot[v];
            let mut relax = |w: usize, cost: i64| {
                let nd = base + cost - pot[w];
                if nd < dist[w] {
                    dist[w] = nd;
                    heap.push(key(nd, w));
                }
            };
            if v == 0 {
                continue; // settled in bulk above
            } else if v <= nl {
                // Backward to s when a has flow: never shorter (s is at 0); skipped.
                let edges = self.p.offsets[v - 1]..self.p.offsets[v];
                let flows = &self.flow[edges.clone()];
                for (((&b, &w), &f), &u) in self.p.right[edges.clone()]
                    .iter()
                    .zip(&self.p.weight[edges.clone()])
                    .zip(flows)
                    .zip(&self.p.cap[edges])
                {
                    if f < u {
                        relax(1 + nl + b as usize, -i64::from(w));
                    }
                }
            } else if v < t {
                let b = v - 1 - nl;
                for &e in &self.into_right[b] {
                    relax(
                        1 + self.edge_left[e as usize] as usize,
                        i64::from(self.p.weight[e as usize]),
                    );
                }
                if self.used_right[b] < self.p.right_cap[b] {
                    relax(t, 0);
                }
            }
        }
        self.dist[t] < INF
    }

    /// Finds one augmenting path over zero-reduced-cost arcs, continuing from the
    /// current-arc pointers, and applies it; returns whether it found one. A node from
    /// which t cannot be reached is marked dead for the rest of the phase.
    fn augment(&mut self, cursor: &mut [usize], dead: &mut [bool], on_path: &mut [bool]) -> bool {
        let (nl, t) = (self.nl, self.t());
        // The path as (node, edge used to enter it, forward?).
        let mut stack: Vec<(usize, Option<(usize, bool)>)> = vec![(0, None)];
        on_path[0] = true;
        loop {
            let v = stack.last().expect("the path starts at s").0;
            if v == t {
                break;
            }
            let ok = |w: usize| !dead[w] && !on_path[w];
            let mut next = None;
            if v == 0 {
                while cursor[0] < nl {
                    let a = cursor[0];
                    if ok(1 + a)
                        && self.used_left[a] < self.p.left_cap[a]
                        && self.pot[1 + a] == self.pot[0]
                    {
                        next = Some((1 + a, None));
                        break;
                    }
                    cursor[0] += 1;
                }
            } else if v <= nl {
                let a = v - 1;
                let (start, end) = (self.p.offsets[a], self.p.offsets[a + 1]);
                // An arc a → b is tight when w = p(a) − p(b); test that first (it is the
                // most selective and touches only the small potential array).
                let (pa, base) = (self.pot[v], 1 + nl);
                let rights = &self.p.right[start..end];
                let weights = &self.p.weight[start..end];
                while cursor[v] < rights.len() {
                    let k = cursor[v];
                    let b = base + rights[k] as usize;
                    if pa - i64::from(weights[k]) == self.pot[b]
                        && self.flow[start + k] < self.p.cap[start + k]
                        && ok(b)
                    {
                        next = Some((b, Some((start + k, true))));
                        break;
                    }
                    cursor[v] += 1;
                }
            } else {
                // A right node's arcs: 0 is the arc to t, i ≥ 1 the i-th backward arc.
                let b = v - 1 - nl;
                while cursor[v] <= self.into_right[b].len() {
                    let i = cursor[v];
                    if i == 0 {
                        if self.used_right[b] < self.p.right_cap[b] && self.pot[v] == self.pot[t] {
                            next = Some((t, None));
                            break;
                        }
                    } else {
                        let e = self.into_right[b][i - 1] as usize;
                        let a = 1 + self.edge_left[e] as usize;
                        if ok(a) && self.pot[v] + i64::from(self.p.weight[e]) == self.pot[a] {
                            next = Some((a, Some((e, false))));
                            break;
                        }
                    }
                    cursor[v] += 1;
                }
            }
            match next {
                Some(step) => {
                    on_path[step.0] = true;
                    stack.push(step);
                }
                None => {
                    dead[v] = true;
                    on_path[v] = false;
                    stack.pop();
                    match stack.last() {
                        Some(&(parent, _)) => cursor[parent] += 1,
                        None => return false,
                    }
                }
            }
        }
        // As much as the narrowest arc of the path allows.
        let first = stack[1].0 - 1;
        let last = stack[stack.len() - 2].0 - 1 - nl;
        let mut delta = (self.p.left_cap[first] - self.used_left[first])
            .min(self.p.right_cap[last] - self.used_right[last]);
        for &(_, via) in &stack {
            match via {
                Some((e, true)) => delta = delta.min(self.p.cap[e] - self.flow[e]),
                Some((e, false)) => delta = delta.min(self.flow[e]),
                None => {}
            }
        }
        for &(v, via) in &stack {
            on_path[v] = false;
            match via {
                Some((e, true)) => {
                    if self.flow[e] == 0 {
                        self.into_right[self.p.right[e] as usize].push(e as u32);
                    }
                    self.flow[e] += delta;
                }
                Some((e, false)) => {
                    self.flow[e] -= delta;
                    if self.flow[e] == 0 {
                        let list = &mut self.into_right[self.p.right[e] as usize];
                        let i = list
                            .iter()
                            .position(|&x| x as usize == e)
                            .expect("a flow edge is listed");
                        list.remove(i);
                    }
                }
                None => {}
            }
            if v > nl && v != t {
                // Its backward list may have changed: scan it again.
                cursor[v] = 0;
            }
        }
        self.used_left[first] += delta;
        self.used_right[last] += delta;
        true
    }

    fn run(mut self) -> Solution {
        let n = self.nl + self.nr + 2;
        let t = self.t();
        loop {
            let reachable = self.dijkstra();
            let dt = self.dist[t];
            // The actual cost of a shortest s-t path (p(s) stays 0: s is settled first
            // at distance 0 in every phase).
            if !reachable || self.pot[t] + dt >= 0 {
                return self.finish();
            }
            // New potentials: p += min(dist, dist(t)) keeps reduced costs non-negative.
            for v in 0..n {
                self.pot[v] += self.dist[v].min(dt);
            }
            let mut cursor = vec![0usize; n];
            // Only nodes at distance at most dist(t) can lie on a shortest path.
            let mut dead: Vec<bool> = self.dist.iter().map(|&d| d > dt).collect();
            for (a, &least) in self.least.iter().enumerate() {
                if least > dt {
                    dead[1 + a] = true;
                }
            }
            let mut on_path = vec![false; n];
            let mut any = false;
            while self.augment(&mut cursor, &mut dead, &mut on_path) {
                any = true;
            }
            debug_assert!(any, "a shortest path of negative cost exists");
        }
    }

    /// The optimal flow and its dual certificate, after a Dijkstra that found no
    /// augmenting path of negative cost.
    ///
    /// With θ = −p(t) (≥ 0, and at most dist(t): the last path cost p(t) + dist(t) is not
    /// negative), the potentials π = p + min(dist, θ) keep every reduced cost
    /// non-negative and give π(s) = π(t) = 0. Then y_a = max(0, π(a)) and
    /// y_b = max(0, −π(b)) are a feasible solution of the dual LP (y_a + y_b ≥ w_ab on
    /// every edge below its capacity, y ≥ 0) that satisfies complementary slackness with
    /// the flow (y > 0 only on saturated nodes, y_a + y_b ≤ w_ab on edges with flow): see
    /// [`Solution::is_proven_optimal`].
    fn finish(self) -> Solution {
        let (nl, t) = (self.nl, self.t());
        let theta = -self.pot[t];
        debug_assert!(theta >= 0);
        let pi = |v: usize| self.pot[v] + self.dist[v].min(theta);
        let duals = Duals {
            left: (0..nl).map(|a| pi(1 + a).max(0)).collect(),
            right: (0..self.nr).map(|b| (-pi(1 + nl + b)).max(0)).collect(),
        };
        Solution {
            flow: self.flow,
            duals,
        }
    }
}

/// A dual solution of the b-matching LP: a price per left and per right node.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Duals {
    /// y_a per left node.
    pub left: Vec<i64>,
    /// y_b per right node.
    pub right: Vec<i64>,
}

/// An optimal flow with its dual certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// The flow on each edge (how many times the pair is selected: 0 or 1 for a pair of
    /// partners).
    pub flow: Vec<u64>,
    /// Prices proving the flow optimal (see [`Solution::is_proven_optimal`]).
    pub duals: Duals,
}

impl Solution {
    /// Total weight of the flow.
    pub fn weight(&self, p: &Problem) -> u64 {
        self.flow
            .iter()
            .zip(&p.weight)
            .map(|(&f, &w)| f * u64::from(w))
            .sum()
    }

    /// Checks the certificate against every edge of `p`: the flow respects every
    /// capacity; the prices are non-negative and cover (y_a + y_b ≥ w) every edge below
    /// its capacity; and the dual objective Σ c_a·y_a + Σ c_b·y_b + Σ u_e·z_e, with
    /// z_e = max(0, w_e − y_a − y_b), equals the flow's weight. The prices with those z are
    /// a feasible solution of the dual LP, whose objective bounds the weight of every
    /// feasible flow (weak duality): a flow that reaches it is optimal.
    pub fn is_proven_optimal(&self, p: &Problem) -> bool {
        self.is_proven_optimal_for(p, |e| u64::from(p.weight[e]))
    }

    /// [`Solution::is_proven_optimal`] for `p` with other weights, `weight(e)` for edge e
    /// (below 2³¹).
    pub fn is_proven_optimal_for(&self, p: &Problem, weight: impl Fn(usize) -> u64) -> bool {
        let (y, mut dual) = (&self.duals, 0i64);
        let mut used_left = vec![0u64; p.left_cap.len()];
        let mut used_right = vec![0u64; p.right_cap.len()];
        for (a, used) in used_left.iter_mut().enumerate() {
            for e in p.offsets[a]..p.offsets[a + 1] {
                let (b, w, f, u) = (p.right[e] as usize, weight(e), self.flow[e], p.cap[e]);
                let slack = w as i64 - y.left[a] - y.right[b];
                if f > u || (f < u && slack > 0) {
                    return false;
                }
                *used += f;
                used_right[b] += f;
                dual += u as i64 * slack.max(0);
            }
        }
        let within = |used: &[u64], cap: &[u64]| used.iter().zip(cap).all(|(u, c)| u <= c);
        dual += p
            .left_cap
            .iter()
            .zip(&y.left)
            .chain(p.right_cap.iter().zip(&y.right))
            .map(|(&c, &y)| c as i64 * y)
            .sum::<i64>();
        within(&used_left, &p.left_cap)
            && within(&used_right, &p.right_cap)
            && y.left.iter().chain(&y.right).all(|&y| y >= 0)
            && dual
                == (0..self.flow.len())
                    .map(|e| (self.flow[e] * weight(e)) as i64)
                    .sum::<i64>()
    }
}

/// Problems with at least this many edges go to the network simplex
/// ([`super::simplex`]): below it the successive shortest paths are as fast (few phases
/// over few edges), above it their phases over every edge dominate (benches/RESULTS.md).
pub const SIMPLEX_FROM_EDGES: usize = 20_000;

/// Assignment-like problems — at least [`UNIT_SHARE_PERCENT`]% of the edges of capacity 1,
/// classes of single partners — with at least this many edges go to cost scaling
/// ([`super::scaling`]) instead: nearly every simplex pivot there is degenerate.
pub const SCALING_FROM_EDGES: usize = 50_000;

/// See [`SCALING_FROM_EDGES`].
pub const UNIT_SHARE_PERCENT: usize = 80;

/// The solver [`solve`] tries first for a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// [`successive_shortest_paths`].
    ShortestPaths,
    /// [`super::simplex::solve`].
    Simplex,
    /// [`super::scaling::solve`].
    Scaling,
}

/// Which solver [`solve`] tries first: it depends only on the problem's size and its
/// edges' capacities, never on the machine.
pub fn method(p: &Problem) -> Method {
    let m = p.edges();
    if m < SIMPLEX_FROM_EDGES {
        Method::ShortestPaths
    } else if m >= SCALING_FROM_EDGES
        && p.cap.iter().filter(|&&c| c == 1).count() * 100 >= m * UNIT_SHARE_PERCENT
    {
        Method::Scaling
    } else {
        Method::Simplex
    }
}

/// Solves `p` exactly: the flow of each edge, with the prices that prove it optimal.
///
/// The solver is chosen by [`method`]. The certificate of the network simplex and of cost
/// scaling is checked ([`Solution::is_proven_optimal`], one pass over the edges) and,
/// should it ever fail (or should either decline numbers too large for it), the problem
/// is solved again by successive shortest paths. Which solver runs depends only on the
/// problem, so the same input gives the same pairs.
pub fn solve(p: &Problem) -> Solution {
    let first = match method(p) {
        Method::ShortestPaths => None,
        Method::Simplex => super::simplex::solve(p),
        Method::Scaling => super::scaling::solve(p),
    };
    match first {
        Some(solution) if solution.is_proven_optimal(p) => solution,
        _ => successive_shortest_paths(p),
    }
}

/// Solves `p` exactly by successive shortest paths (module docs), whatever its size.
pub fn successive_shortest_paths(p: &Problem) -> Solution {
    Solver::new(p).run()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(left_cap: &[u64], right_cap: &[u64], edges: &[(u32, u32, u32)]) -> Problem {
        let mut offsets = vec![0];
        let (mut right, mut weight) = (Vec::new(), Vec::new());
        for a in 0..left_cap.len() as u32 {
            for &(l, r, w) in edges {
                if l == a {
                    right.push(r);
                    weight.push(w);
                }
            }
            offsets.push(right.len());
        }
        Problem {
            left_cap: left_cap.to_vec(),
            right_cap: right_cap.to_vec(),
            offsets,
            cap: vec![1; right.len()],
            right,
            weight,
        }
    }

    #[test]
    fn prefers_two_good_pairs_over_one_best() {
        // a0-b0 = 10 alone, or a0-b1 (9) + a1-b0 (9) = 18.
        let p = problem(&[1, 1], &[1, 1], &[(0, 0, 10), (0, 1, 9), (1, 0, 9)]);
        let sol = solve(&p);
        assert_eq!(sol.weight(&p), 18);
        assert!(sol.is_proven_optimal(&p));
    }

    #[test]
    fn respects_capacities_and_never_repeats_a_pair() {
        let p = problem(&[3], &[2, 1], &[(0, 0, 5), (0, 1, 4)]);
        let sol = solve(&p);
        assert_eq!(sol.flow, vec![1, 1]);
        assert!(sol.is_proven_optimal(&p));
    }

    #[test]
    fn empty_problems() {
        assert!(solve(&problem(&[], &[], &[])).flow.is_empty());
        let p = problem(&[0], &[1], &[(0, 0, 3)]);
        let sol = solve(&p);
        assert_eq!(sol.flow, vec![0]);
        assert!(sol.is_proven_optimal(&p));
    }

    #[test]
    fn edge_capacities_carry_several_units() {
        // Classes of interchangeable partners: a0 (supply 4) and b0 (3), b1 (2); a0-b0 may
        // carry 2 units, a0-b1 2.
        let mut p = problem(&[4], &[3, 2], &[(0, 0, 10), (0, 1, 7)]);
        p.cap = vec![2, 2];
        let sol = solve(&p);
        assert_eq!(sol.flow, vec![2, 2]);
        assert_eq!(sol.weight(&p), 34);
        assert!(sol.is_proven_optimal(&p));
    }

    #[test]
    fn a_wrong_certificate_is_refused() {
        let p = problem(&[1, 1], &[1, 1], &[(0, 0, 10), (0, 1, 9), (1, 0, 9)]);
        let mut sol = solve(&p);
        sol.flow = vec![1, 0, 0];
        assert!(
            !sol.is_proven_optimal(&p),
            "a suboptimal selection is not proven"
        );
        let mut sol = solve(&p);
        sol.duals.left[0] -= 1;
        assert!(
            !sol.is_proven_optimal(&p),
            "prices that leave an edge uncovered"
        );
    }
}
