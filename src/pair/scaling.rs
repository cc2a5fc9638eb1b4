/*!
Exact maximum-weight b-matching by cost scaling, for the large assignment-like class
problems (most arcs of capacity 1), where the successive-shortest-path solver of
[`super::flow`] needs hundreds of Dijkstra phases over every edge and nearly every pivot
of the network simplex ([`super::simplex`]) is degenerate.

**The network.** One hub node stands for both the source and the sink: `hub → a`
(capacity c_a, cost 0), `a → b` (capacity u_ab, cost −S·w_ab), `b → hub` (capacity c_b,
cost 0). A circulation of least cost is a b-matching of most weight (a unit round the
cycle `hub → a → b → hub` gains w_ab; nothing forces a unit to flow). Costs are scaled by
S = (number of nodes) + 1 so that, with integer prices, the last phase below makes the
circulation exactly optimal.

**Cost scaling** (Goldberg and Tarjan; the partial augment-relabel variant of Goldberg's
CS2 and of LEMON's `CostScaling`). Prices p give reduced costs rc(v→w) = cost + p(v) −
p(w); a circulation is ε-optimal when every residual arc has rc ≥ −ε. Starting from
ε = the largest scaled cost, each phase divides ε by 16 (`ALPHA`) and *refines*: saturate
every residual arc of negative reduced cost, then move the excesses this creates along
*admissible* arcs (residual, rc < 0), a few arcs at a time, lowering a node's price by
just enough to make an arc admissible (*relabel*) when it has none. A phase ends with an
ε-optimal circulation; the phase with ε = 1 ends with a circulation that is 1-optimal for
S-scaled integer costs, hence (1/S < 1/nodes) optimal for the real weights.

**Candidate lists.** A left node has hundreds of edges but only a few matter at a time: the
ones of least `v = cost − p(b)` (its reduced costs are `p(a) + v`). Each left node keeps
its 16 (`CANDIDATES`) residual edges of least v and `θ`, the least v of its other residual
edges when the list was made. Prices only go down, so every v only grows: an edge off the
list has rc ≥ p(a) + θ, and the list is made again only when that bound is not enough —
when an admissible edge or the least reduced cost could lie off the list. An edge that
becomes residual again (flow pushed back) joins the list. So pushes and relabels touch a
few edges instead of all; only list rebuilds, and a phase's saturation where the bound
does not rule the off-list edges out, look at all of a node's edges. Right nodes look
only at the edges carrying flow into them (their backward arcs) and at the hub.

**Exact prices.** The final prices are within one scaled unit of a dual solution. The
shortest distances d over reduced costs (≥ −1, and no negative cycle since the
circulation is optimal), computed label-correcting from d = 0, give prices p + d with
every reduced cost ≥ 0; ⌊(p + d)/S⌋ is then an integer dual solution of the real costs
(for integer c, c ≥ (P(w) − P(v))/S implies c ≥ ⌊P(w)/S⌋ − ⌊P(v)/S⌋). The dual prices of
the b-matching are read off as in [`super::flow`]: y_a = max(0, π(a) − π(hub)),
y_b = max(0, π(hub) − π(b)).

[`solve`] returns the flow with those prices; [`super::flow::solve`] checks the
certificate and falls back on the successive-shortest-path solver should it ever fail (or
should the weights be so large that prices could overflow, where [`solve`] declines), so
the result is always a proven optimum.

**Cost.** About six phases (log₁₆ of the largest scaled cost); a phase costs its relabels
and pushes — each a few list entries — plus the list rebuilds (a node's edges each).
Memory: the flow, owner and list slot of every edge (16 bytes an edge) and the lists.

**Determinism.** Nodes are discharged first in, first out, from index order; lists are
built and scanned in a fixed order: the same problem gives the same flow.
*/

use std::collections::VecDeque;

use super::flow::{Duals, Problem, Solution};

/// How much ε shrinks per phase.
const ALPHA: i64 = 16;
/// Longest path of admissible arcs searched before pushing along it.
const MAX_PATH: usize = 4;
/// Edges on each left node's candidate list.
const CANDIDATES: usize = 16;

/// A residual arc of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arc {
    HubToLeft(u32),
    LeftToHub(u32),
    /// Edge e forward, left → right.
    Fwd(u32),
    /// Edge e backward, right → left (it carries flow).
    Bwd(u32),
    RightToHub(u32),
    HubToRight(u32),
}

/// A node: left a, right b or the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Left(u32),
    Right(u32),
    Hub,
}

/// A candidate edge of a left node, with what its scans need kept together.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    cost: i64,
    cap: u64,
    edge: u32,
    right: u32,
}

struct Net<'p> {
    p: &'p Problem,
    /// S, the cost scale: an edge costs −S·w.
    scale: i64,
    edge_left: Vec<u32>,
    flow: Vec<u64>,
    used_left: Vec<u64>,
    used_right: Vec<u64>,
    price_left: Vec<i64>,
    price_right: Vec<i64>,
    price_hub: i64,
    excess_left: Vec<i64>,
    excess_right: Vec<i64>,
    excess_hub: i64,
    /// Per left node: its candidate edges and the bound θ on the others' v.
    candidates: Vec<Vec<Candidate>>,
    theta: Vec<i64>,
    /// Per left node: the next position to scan (0 = the arc to the hub, i ≥ 1 the
    /// (i − 1)-th candidate). For the hub: the next of its arcs (lefts, then rights).
    next_left: Vec<usize>,
    next_hub: usize,
    /// Per right node: the edges carrying flow into it, and each listed edge's position.
    into_right: Vec<Vec<u32>>,
    slot: Vec<u32>,
    /// Reused by [`Net::rebuild`].
    scratch: Vec<(i64, u32)>,
}

impl<'p> Net<'p> {
    fn new(p: &'p Problem, scale: i64) -> Self {
        let (nl, nr, m) = (p.left_cap.len(), p.right_cap.len(), p.edges());
        let mut edge_left = vec![0u32; m];
        for a in 0..nl {
            edge_left[p.offsets[a]..p.offsets[a + 1]].fill(a as u32);
        }
        // Start prices: every edge's reduced cost non-negative, so the first saturation
        // only fills the arcs to the hub.
        let mut price_right = vec![0i64; nr];
        for (&b, &w) in p.right.iter().zip(&p.weight) {
            let pb = &mut price_right[b as usize];
            *pb = (*pb).min(-i64::from(w) * scale);
        }
        let mut net = Net {
            p,
            scale,
            edge_left,
            flow: vec![0; m],
            used_left: vec![0; nl],
            used_right: vec![0; nr],
            price_left: vec![0; nl],
            price_right,
            price_hub: 0,
            excess_left: vec![0; nl],
            excess_right: vec![0; nr],
            excess_hub: 0,
            candidates: vec![Vec::new(); nl],
            theta: vec![i64::MAX; nl],
            next_left: vec![0; nl],
            next_hub: 0,
            into_right: vec![Vec::new(); nr],
            slot: vec![0; m],
            scratch: Vec::new(),
        };
        for a in 0..nl {
            net.rebuild(a);
        }
        net
    }

    /// An edge's scaled cost, −S·w.
    fn cost(&self, e: usize) -> i64 {
        -i64::from(self.p.weight[e]) * self.scale
    }

    /// Edge e as an entry of its left node's candidate list.
    fn candidate(&self, e: usize) -> Candidate {
        Candidate {
            cost: self.cost(e),
            cap: self.p.cap[e],
            edge: e as u32,
            right: self.p.right[e],
        }
    }

    fn nl(&self) -> usize {
        self.p.left_cap.len()
    }

    /// Makes left node a's candidate list again from all its residual edges.
    fn rebuild(&mut self, a: usize) {
        let p = self.p;
        let mut all = std::mem::take(&mut self.scratch);
        all.clear();
        let (start, end) = (p.offsets[a], p.offsets[a + 1]);
        for (i, ((&b, &c), (&f, &u))) in p.right[start..end]
            .iter()
            .zip(&p.weight[start..end])
            .zip(self.flow[start..end].iter().zip(&p.cap[start..end]))
            .enumerate()
        {
            if f < u {
                let c = -i64::from(c) * self.scale;
                all.push((c - self.price_right[b as usize], (start + i) as u32));
            }
        }
        self.theta[a] = if all.len() > CANDIDATES {
            all.select_nth_unstable(CANDIDATES);
            let theta = all[CANDIDATES].0;
            all.truncate(CANDIDATES);
            theta
        } else {
            i64::MAX / 4
        };
        let list = all
            .iter()
            .map(|&(_, e)| self.candidate(e as usize))
            .collect();
        self.candidates[a] = list;
        self.scratch = all;
        self.next_left[a] = 0;
    }

    fn price(&self, v: Node) -> i64 {
        match v {
            Node::Left(a) => self.price_left[a as usize],
            Node::Right(b) => self.price_right[b as usize],
            Node::Hub => self.price_hub,
        }
    }

    fn excess(&self, v: Node) -> i64 {
        match v {
            Node::Left(a) => self.excess_left[a as usize],
            Node::Right(b) => self.excess_right[b as usize],
            Node::Hub => self.excess_hub,
        }
    }

    fn excess_mut(&mut self, v: Node) -> &mut i64 {
        match v {
            Node::Left(a) => &mut self.excess_left[a as usize],
            Node::Right(b) => &mut self.excess_right[b as usize],
            Node::Hub => &mut self.excess_hub,
        }
    }

    /// (tail, head, cost) of an arc.
    fn ends(&self, arc: Arc) -> (Node, Node, i64) {
        match arc {
            Arc::HubToLeft(a) => (Node::Hub, Node::Left(a), 0),
            Arc::LeftToHub(a) => (Node::Left(a), Node::Hub, 0),
            Arc::Fwd(e) => (
                Node::Left(self.edge_left[e as usize]),
                Node::Right(self.p.right[e as usize]),
                self.cost(e as usize),
            ),
            Arc::Bwd(e) => (
                Node::Right(self.p.right[e as usize]),
                Node::Left(self.edge_left[e as usize]),
                -self.cost(e as usize),
            ),
            Arc::RightToHub(b) => (Node::Right(b), Node::Hub, 0),
            Arc::HubToRight(b) => (Node::Hub, Node::Right(b), 0),
        }
    }

    fn reduced(&self, arc: Arc) -> i64 {
        let (v, w, c) = self.ends(arc);
        c + self.price(v) - self.price(w)
    }

    fn residual(&self, arc: Arc) -> u64 {
        let p = self.p;
        match arc {
            Arc::HubToLeft(a) => p.left_cap[a as usize] - self.used_left[a as usize],
            Arc::LeftToHub(a) => self.used_left[a as usize],
            Arc::Fwd(e) => p.cap[e as usize] - self.flow[e as usize],
            Arc::Bwd(e) => self.flow[e as usize],
            Arc::RightToHub(b) => p.right_cap[b as usize] - self.used_right[b as usize],
            Arc::HubToRight(b) => self.used_right[b as usize],
        }
    }

    /// The reverse of an arc.
    fn reverse(arc: Arc) -> Arc {
        match arc {
            Arc::HubToLeft(a) => Arc::LeftToHub(a),
            Arc::LeftToHub(a) => Arc::HubToLeft(a),
            Arc::Fwd(e) => Arc::Bwd(e),
            Arc::Bwd(e) => Arc::Fwd(e),
            Arc::RightToHub(b) => Arc::HubToRight(b),
            Arc::HubToRight(b) => Arc::RightToHub(b),
        }
    }

    /// Pushes `d` units along `arc` (at most its residual capacity).
    fn push(&mut self, arc: Arc, d: u64) {
        let (v, w, _) = self.ends(arc);
        match arc {
            Arc::HubToLeft(a) => self.used_left[a as usize] += d,
            Arc::LeftToHub(a) => self.used_left[a as usize] -= d,
            Arc::RightToHub(b) => self.used_right[b as usize] += d,
            Arc::HubToRight(b) => self.used_right[b as usize] -= d,
            Arc::Fwd(e) => {
                let e = e as usize;
                if self.flow[e] == 0 {
                    let list = &mut self.into_right[self.p.right[e] as usize];
                    self.slot[e] = list.len() as u32;
                    list.push(e as u32);
                }
                self.flow[e] += d;
            }
            Arc::Bwd(e) => {
                let e = e as usize;
                let was_full = self.flow[e] == self.p.cap[e];
                self.flow[e] -= d;
                if self.flow[e] == 0 {
                    let list = &mut self.into_right[self.p.right[e] as usize];
                    let i = self.slot[e] as usize;
                    list.swap_remove(i);
                    if let Some(&moved) = list.get(i) {
                        self.slot[moved as usize] = i as u32;
                    }
                }
                if was_full {
                    // Residual again: it joins its left node's candidates (the bound θ
                    // only speaks for edges that stayed residual).
                    let a = self.edge_left[e] as usize;
                    if !self.candidates[a].iter().any(|c| c.edge as usize == e) {
                        let candidate = self.candidate(e);
                        self.candidates[a].push(candidate);
                    }
                }
            }
        }
        *self.excess_mut(v) -= d as i64;
        *self.excess_mut(w) += d as i64;
    }

    /// An admissible arc out of `v`, if any; advances the scan position of the left
    /// nodes and the hub (an arc passed over stays inadmissible until `v` is relabelled).
    fn admissible(&mut self, v: Node) -> Option<Arc> {
        match v {
            Node::Left(a) => {
                let a = a as usize;
                let pa = self.price_left[a];
                loop {
                    if self.next_left[a] == 0 {
                        if self.used_left[a] > 0 && pa < self.price_hub {
                            return Some(Arc::LeftToHub(a as u32));
                        }
                        self.next_left[a] = 1;
                    }
                    let list = &self.candidates[a];
                    while self.next_left[a] <= list.len() {
                        let c = list[self.next_left[a] - 1];
                        if c.cost + pa < self.price_right[c.right as usize]
                            && self.flow[c.edge as usize] < c.cap
                        {
                            return Some(Arc::Fwd(c.edge));
                        }
                        self.next_left[a] += 1;
                    }
                    // An edge off the list is admissible only if v < −p(a).
                    if self.theta[a] >= -pa {
                        return None;
                    }
                    self.rebuild(a);
                    self.next_left[a] = 1;
                }
            }
            Node::Right(b) => {
                let b = b as usize;
                let pb = self.price_right[b];
                if self.used_right[b] < self.p.right_cap[b] && pb < self.price_hub {
                    return Some(Arc::RightToHub(b as u32));
                }
                self.into_right[b]
                    .iter()
                    .find(|&&e| {
                        -self.cost(e as usize) + pb
                            < self.price_left[self.edge_left[e as usize] as usize]
                    })
                    .map(|&e| Arc::Bwd(e))
            }
            Node::Hub => {
                let (nl, ph) = (self.nl(), self.price_hub);
                while self.next_hub < nl + self.p.right_cap.len() {
                    let i = self.next_hub;
                    let arc = if i < nl {
                        Arc::HubToLeft(i as u32)
                    } else {
                        Arc::HubToRight((i - nl) as u32)
                    };
                    let (_, w, _) = self.ends(arc);
                    if ph < self.price(w) && self.residual(arc) > 0 {
                        return Some(arc);
                    }
                    self.next_hub += 1;
                }
                None
            }
        }
    }

    /// The least reduced cost of `v`'s residual arcs (None if it has none).
    fn least_reduced(&mut self, v: Node) -> Option<i64> {
        let mut least = i64::MAX;
        match v {
            Node::Left(a) => {
                let a = a as usize;
                if self.used_left[a] > 0 {
                    least = self.price_left[a] - self.price_hub;
                }
                let pa = self.price_left[a];
                let cached = |net: &Self| {
                    net.candidates[a]
                        .iter()
                        .filter(|c| net.flow[c.edge as usize] < c.cap)
                        .map(|c| c.cost - net.price_right[c.right as usize])
                        .min()
                        .unwrap_or(i64::MAX / 4)
                };
                let mut v_min = cached(self);
                if v_min > self.theta[a] {
                    // The list now holds the least residual edges: its least is exact.
                    self.rebuild(a);
                    v_min = cached(self);
                }
                if v_min < i64::MAX / 4 {
                    least = least.min(pa + v_min);
                }
            }
            Node::Right(b) => {
                let b = b as usize;
                let pb = self.price_right[b];
                if self.used_right[b] < self.p.right_cap[b] {
                    least = pb - self.price_hub;
                }
                for &e in &self.into_right[b] {
                    let a = self.edge_left[e as usize] as usize;
                    least = least.min(-self.cost(e as usize) + pb - self.price_left[a]);
                }
            }
            Node::Hub => {
                let ph = self.price_hub;
                for a in 0..self.nl() {
                    if self.used_left[a] < self.p.left_cap[a] {
                        least = least.min(ph - self.price_left[a]);
                    }
                }
                for b in 0..self.p.right_cap.len() {
                    if self.used_right[b] > 0 {
                        least = least.min(ph - self.price_right[b]);
                    }
                }
            }
        }
        (least < i64::MAX).then_some(least)
    }

    /// Lowers `v`'s price until its least residual reduced cost (counting `back`, the arc
    /// the search came in by reversed, which a push will make residual) is −ε.
    fn relabel(&mut self, v: Node, back: Option<Arc>, eps: i64) {
        let mut least = self.least_reduced(v);
        if let Some(arc) = back {
            let rc = self.reduced(arc);
            least = Some(least.map_or(rc, |l| l.min(rc)));
        }
        let Some(least) = least else { return };
        match v {
            Node::Left(a) => {
                self.price_left[a as usize] -= least + eps;
                self.next_left[a as usize] = 0;
            }
            Node::Right(b) => self.price_right[b as usize] -= least + eps,
            Node::Hub => {
                self.price_hub -= least + eps;
                self.next_hub = 0;
            }
        }
    }

    /// Saturates every residual arc of negative reduced cost.
    fn saturate(&mut self) {
        let (nl, nr) = (self.nl(), self.p.right_cap.len());
        let mut arcs = Vec::new();
        for a in 0..nl {
            let pa = self.price_left[a];
            arcs.push(Arc::LeftToHub(a as u32));
            arcs.push(Arc::HubToLeft(a as u32));
            if self.theta[a] < -pa {
                self.rebuild(a);
            }
            if self.theta[a] < -pa {
                // Off-list edges may be negative too: look at them all.
                let p = self.p;
                for e in p.offsets[a]..p.offsets[a + 1] {
                    arcs.push(Arc::Fwd(e as u32));
                }
            } else {
                arcs.extend(self.candidates[a].iter().map(|c| Arc::Fwd(c.edge)));
            }
            for arc in arcs.drain(..) {
                let r = self.residual(arc);
                if r > 0 && self.reduced(arc) < 0 {
                    self.push(arc, r);
                }
            }
        }
        for b in 0..nr {
            arcs.push(Arc::RightToHub(b as u32));
            arcs.push(Arc::HubToRight(b as u32));
            arcs.extend(self.into_right[b].iter().map(|&e| Arc::Bwd(e)));
            for arc in arcs.drain(..) {
                let r = self.residual(arc);
                if r > 0 && self.reduced(arc) < 0 {
                    self.push(arc, r);
                }
            }
        }
        self.next_left.iter_mut().for_each(|n| *n = 0);
        self.next_hub = 0;
    }

    fn index(&self, v: Node) -> usize {
        match v {
            Node::Left(a) => a as usize,
            Node::Right(b) => self.nl() + b as usize,
            Node::Hub => self.nl() + self.p.right_cap.len(),
        }
    }

    fn node(&self, i: usize) -> Node {
        let nl = self.nl();
        if i < nl {
            Node::Left(i as u32)
        } else if i < nl + self.p.right_cap.len() {
            Node::Right((i - nl) as u32)
        } else {
            Node::Hub
        }
    }

    /// One phase: from the ε·α-optimal circulation to an ε-optimal one.
    fn refine(&mut self, eps: i64) {
        self.saturate();
        let n = self.nl() + self.p.right_cap.len() + 1;
        let mut queue: VecDeque<Node> = (0..n)
            .map(|i| self.node(i))
            .filter(|&v| self.excess(v) > 0)
            .collect();
        let mut path: Vec<Arc> = Vec::with_capacity(MAX_PATH);
        while let Some(start) = queue.pop_front() {
            while self.excess(start) > 0 {
                // A path of admissible arcs from `start`, to a node short of flow or
                // MAX_PATH arcs long; relabel where it cannot go on, and step back.
                let mut tip = start;
                while path.len() < MAX_PATH {
                    if let Some(arc) = self.admissible(tip) {
                        path.push(arc);
                        tip = self.ends(arc).1;
                        if self.excess(tip) < 0 {
                            break;
                        }
                        continue;
                    }
                    let back = path.last().map(|&arc| Self::reverse(arc));
                    self.relabel(tip, back, eps);
                    match path.pop() {
                        Some(arc) => tip = self.ends(arc).0,
                        None => break,
                    }
                }
                // Push along it as much as each arc and the excess allow.
                for &arc in &path {
                    let (v, w, _) = self.ends(arc);
                    let d = self.residual(arc).min(self.excess(v).max(0) as u64);
                    if d == 0 {
                        break;
                    }
                    let was = self.excess(w);
                    self.push(arc, d);
                    if was <= 0 && self.excess(w) > 0 {
                        queue.push_back(w);
                    }
                }
                path.clear();
            }
        }
    }

    /// Shortest distances over reduced costs from every node at 0 (label-correcting);
    /// None if they do not settle, which an optimal circulation rules out.
    fn distances(&mut self, budget: u64) -> Option<Vec<i64>> {
        let n = self.nl() + self.p.right_cap.len() + 1;
        let mut d = vec![0i64; n];
        let mut queued = vec![true; n];
        let mut queue: VecDeque<usize> = (0..n).collect();
        let mut budget = budget;
        let mut arcs = Vec::new();
        while let Some(i) = queue.pop_front() {
            queued[i] = false;
            budget = budget.checked_sub(1)?;
            let v = self.node(i);
            match v {
                Node::Left(a) => {
                    let a = a as usize;
                    arcs.push(Arc::LeftToHub(a as u32));
                    // Off-list edges have rc ≥ p(a) + θ: they lower no distance (all ≤ 0)
                    // while d(a) + p(a) + θ ≥ 0.
                    if d[i] + self.price_left[a] + self.theta[a] < 0 {
                        let p = self.p;
                        arcs.extend((p.offsets[a]..p.offsets[a + 1]).map(|e| Arc::Fwd(e as u32)));
                    } else {
                        arcs.extend(self.candidates[a].iter().map(|c| Arc::Fwd(c.edge)));
                    }
                }
                Node::Right(b) => {
                    arcs.push(Arc::RightToHub(b));
                    arcs.extend(self.into_right[b as usize].iter().map(|&e| Arc::Bwd(e)));
                }
                Node::Hub => {
                    arcs.extend((0..self.nl() as u32).map(Arc::HubToLeft));
                    arcs.extend((0..self.p.right_cap.len() as u32).map(Arc::HubToRight));
                }
            }
            for arc in arcs.drain(..) {
                if self.residual(arc) == 0 {
                    continue;
                }
                let j = self.index(self.ends(arc).1);
                let nd = d[i] + self.reduced(arc);
                if nd < d[j] {
                    d[j] = nd;
                    if !queued[j] {
                        queued[j] = true;
                        queue.push_back(j);
                    }
                }
            }
        }
        Some(d)
    }
}

/// Solves `p` by cost scaling: its flow and dual prices. None only if the final prices
/// could not be made exact (which would be a defect: the caller then solves otherwise).
pub fn solve(p: &Problem) -> Option<Solution> {
    let (nl, nr) = (p.left_cap.len(), p.right_cap.len());
    let scale = (nl + nr + 2) as i64;
    // Prices move by at most (nodes) · (largest scaled cost) in all: stay far from
    // overflow, or leave the problem to the other solver.
    let largest = i128::from(p.weight.iter().copied().max().unwrap_or(0));
    if largest * i128::from(scale) * i128::from(scale) * 4 > i128::from(i64::MAX / 4) {
        return None;
    }
    let mut net = Net::new(p, scale);
    let mut eps = i64::from(p.weight.iter().copied().max().unwrap_or(0)) * scale;
    while eps > 1 {
        eps = (eps / ALPHA).max(1);
        net.refine(eps);
    }
    let n = (nl + nr + 1) as u64;
    let d = net.distances(64 * n + 1_000_000)?;
    let pi = |i: usize, price: i64| (price + d[i]).div_euclid(scale);
    let hub = pi(nl + nr, net.price_hub);
    let duals = Duals {
        left: (0..nl)
            .map(|a| (pi(a, net.price_left[a]) - hub).max(0))
            .collect(),
        right: (0..nr)
            .map(|b| (hub - pi(nl + b, net.price_right[b])).max(0))
            .collect(),
    };
    Some(Solution {
        flow: net.flow,
        duals,
    })
}
