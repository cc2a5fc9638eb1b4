/*!
One region's exact b-matching, solved over classes of interchangeable partners.

Two partners of one side are *interchangeable* when they have the same capacity and the
same weight with every partner of the other side. A region of 3,000 × 3,000 eligible
partners has millions of candidate pairs but typically a few hundred classes per side
(skill levels are small integers, capped at the pair requirements), so the region is
solved as a transportation problem between classes and the result handed back to
partners.

**The class problem.** Left class i has n_i members of capacity c_i, right class j has
m_j members of capacity d_j, and the arc i → j weighs W_ij (the weight of any member pair)
with capacity n_i·m_j (every member pair at most once). [`flow::solve`] finds its
maximum-weight flow f exactly.

**It has the region's optimum.** Any pairing of partners, counted per class pair, is a
feasible class flow of the same weight, so the class optimum is at least the partner
optimum. Conversely, the class flow is realised by partner pairs of the same weight:

1. each left class deals its units out round robin over its members, arcs in ascending
   order: member k of class i gets the units u ≡ k (mod n_i), so at most
   ⌈Σ_j f_ij / n_i⌉ ≤ c_i units in all and d ≤ ⌈f_ij / n_i⌉ ≤ m_j of arc i → j;
2. on arc i → j, each of those members takes its d units as d *consecutive* members of
   right class j (cyclically, from a pointer that class j keeps across all its arcs):
   d ≤ m_j consecutive members are distinct, so no pair repeats, and the pointer spreads
   class j's Σ_i f_ij ≤ m_j·d_j units evenly, at most d_j per member.

So both optima are equal, and the partner pairing is optimal — exactly, with the class
flow's dual certificate ([`flow::Solution::is_proven_optimal`]) as proof of the class
optimum.

**Incumbents and forbidden pairs** ([`Special`]). Engagements and stable
recommendations (docs/pairing.md) single out partner pairs: an engagement in effect or
ended may not be chosen, an incumbent's weight carries the keep bonus. Every partner in
such a pair is *alone*, a class of one member. A special pair is then the one member pair
of an arc between two one-member classes (capacity 1), and its arc takes its own weight
(none for a forbidden pair). Every other arc joins classes whose members have one weight
with every member of the other class — a partner that is not alone has no special pair —
so the argument above holds for the modified weights as it stands.

The objective — the sum of weights plus the bonus per incumbent kept, then the most
incumbents kept — becomes one weight per arc: with k incumbent pairs, `(k + 1)·w` for an
ordinary arc and `(k + 1)·(w + bonus) + 1` for an incumbent. A pairing's total is
`(k + 1)·(Σw + bonus·kept) + kept` with `0 ≤ kept ≤ k`, so comparing totals compares
`Σw + bonus·kept` first and `kept` on a tie: the flow optimum is the objective's optimum.
Without special pairs k = 0 and nothing changes.

**The relaxation.** Making every partner of a special pair alone is exact but can multiply
the arcs (a region with hundreds of incumbents has hundreds of one-member classes, each
with an arc to every class). So a region with special pairs is first solved as a
relaxation that keeps the classes whole: each incumbent pair is an arc of its own
(capacity 1) between its two partners' classes, and each class arc carries at most its
*ordinary* member pairs (n_i·m_j less the special pairs between the two classes). Every
partner pairing is a feasible flow of the relaxation with the same objective, so the
relaxation's optimum bounds the region's. Its flow is then dealt out to partners: the
incumbent arcs with flow to their pairs, each class arc's units to member pairs that are
neither special nor already chosen, within what each member has left (the most
constrained arcs first, the members with the most capacity left first). When that
succeeds, the partner pairing has the relaxation's objective, so it is optimal — the
relaxation's dual certificate proves it. When it fails (the relaxation counts a class's
capacity, not each member's), the partners of special pairs in the classes concerned
are made alone and the relaxation solved again; partners with more incumbent pairs than
capacity are alone from the start. After a few attempts every partner of a special pair
is alone, the exact method above.

*Again, from the last prices.* The relaxation solved again differs from the last one only
by classes split into parts (their members made alone). The last optimum's prices, each
part keeping its class's, still price every arc as before, so they remain a feasible dual
solution; when the tighter relaxation's optimum is as good as the last one (usually: the
dealing failed on which of several optimal flows was found, not on their weight), they are
optimal for it too, and by complementary slackness its optima are exactly the flows that
fill the arcs those prices leave slack, use only arcs they leave tight besides, and
saturate every priced node. So the flow that the second of `lexicographic`'s solves
finds from those prices on the new classes — a problem over the tight arcs only — is the
optimum that keeps the most incumbents whenever the prices prove it optimal (the
certificate is checked); only when they do not is the relaxation solved from scratch.

**Determinism.** Classes are numbered by first appearance in partner order and members
kept in that order, so among interchangeable partners the lower partner ids get the pairs
first; nothing depends on the thread count.

**Cost.** Classes are found by hashing table rows: O(X·Y) for X × Y distinct profiles. The
class problem has I + J nodes and at most I·J arcs (I, J ≤ the side sizes); dealing out
the units is linear in the pairs selected. When every partner is distinct the class
problem is the partner problem itself — still exact, just not smaller.
*/

use rustc_hash::FxHashMap;

use super::flow::{self, Problem};
use super::simplex;

/// One region's pairing input: partners by profile class, and the weight of every pair
/// of profile classes.
#[derive(Debug, Clone, Copy)]
pub struct Region<'a> {
    /// `table[x * right_profiles + y]`: the weight of left profile x with right profile
    /// y, 0 when such a pair is not a candidate.
    pub table: &'a [u16],
    /// Number of right profiles (the table's width).
    pub right_profiles: usize,
    /// The profile of each left partner.
    pub left_profile: &'a [u32],
    /// The profile of each right partner.
    pub right_profile: &'a [u32],
    /// Capacity of each left partner.
    pub left_cap: &'a [u32],
    /// Capacity of each right partner.
    pub right_cap: &'a [u32],
    /// Partner pairs that are not like the rest (left index, right index, how), sorted
    /// and distinct: see "Incumbents and forbidden pairs" in the module docs.
    pub special: &'a [(u32, u32, Special)],
    /// What keeping an incumbent pair adds to the objective, in tenths of a point.
    pub keep_bonus: u32,
}

/// How a partner pair differs from its profiles' weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Special {
    /// Never selected (an engagement in effect or ended).
    Forbidden,
    /// An incumbent: keeping it is worth the keep bonus, and among equal objectives the
    /// most incumbents are kept.
    Incumbent,
}

/// A region's optimal pairing and the size of the problem solved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Selected pairs (left index, right index, weight), sorted.
    pub pairs: Vec<(u32, u32, u32)>,
    /// Candidate pairs of partners (weight above 0).
    pub candidates: u64,
    /// Classes of interchangeable partners, left and right.
    pub classes: (usize, usize),
    /// Incumbent pairs selected.
    pub kept: u32,
}

/// Classes of one side: each partner's class, and per class its members (in partner
/// order), capacity and profile.
struct Classes {
    of: Vec<u32>,
    members: Vec<Vec<u32>>,
    cap: Vec<u32>,
    profile: Vec<u32>,
}

impl Classes {
    /// Each partner's price: its class's in `y`.
    fn member_prices(&self, y: &[i64]) -> Vec<i64> {
        self.of.iter().map(|&c| y[c as usize]).collect()
    }

    /// Each class's price, from its members' in `y` (which share one).
    fn class_prices(&self, y: &[i64]) -> Vec<i64> {
        debug_assert!(
            self.of
                .iter()
                .enumerate()
                .all(|(x, &c)| { y[x] == y[self.members[c as usize][0] as usize] })
        );
        self.members.iter().map(|m| y[m[0] as usize]).collect()
    }
}

/// Groups partners by (weights with everyone, capacity): `row_of[profile]` numbers the
/// profiles' distinct weight rows. A partner marked `alone` is a class of its own.
fn classes(profile: &[u32], cap: &[u32], row_of: &[u32], alone: &[bool]) -> Classes {
    let mut ids: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let mut c = Classes {
        of: Vec::with_capacity(profile.len()),
        members: Vec::new(),
        cap: Vec::new(),
        profile: Vec::new(),
    };
    for (i, (&p, &k)) in profile.iter().zip(cap).enumerate() {
        let mut new_class = || {
            c.members.push(Vec::new());
            c.cap.push(k);
            c.profile.push(p);
            c.members.len() as u32 - 1
        };
        let id = if alone[i] {
            new_class()
        } else {
            *ids.entry((row_of[p as usize], k)).or_insert_with(new_class)
        };
        c.members[id as usize].push(i as u32);
        c.of.push(id);
    }
    c
}

/// Numbers the distinct rows of a `rows × width` table, by first appearance.
fn distinct_rows(table: &[u16], width: usize) -> Vec<u32> {
    let mut ids: FxHashMap<&[u16], u32> = FxHashMap::default();
    table
        .chunks(width)
        .map(|row| {
            let next = ids.len() as u32;
            *ids.entry(row).or_insert(next)
        })
        .collect()
}

/// Numbers the distinct columns of a `rows × width` table, by first appearance. Each
/// column is hashed row by row (the table is read in order, not transposed) and a column
/// takes the number of an earlier one only when the two are equal in full.
fn distinct_columns(table: &[u16], width: usize) -> Vec<u32> {
    let mut hash = vec![0u64; width];
    for row in table.chunks(width) {
        for (h, &w) in hash.iter_mut().zip(row) {
            *h = ((*h ^ u64::from(w)).wrapping_mul(0x9e37_79b9_7f4a_7c15)).rotate_left(26);
        }
    }
    let equal = |a: usize, b: usize| table.chunks(width).all(|row| row[a] == row[b]);
    // The first column of each number, and the number of the first column of each hash.
    let mut firsts: Vec<usize> = Vec::new();
    let mut by_hash: FxHashMap<u64, u32> = FxHashMap::default();
    let mut ids = Vec::with_capacity(width);
    for y in 0..width {
        let id = match by_hash.get(&hash[y]) {
            Some(&id) if equal(firsts[id as usize], y) => id,
            // Another column of the same hash (practically never): compared with every
            // earlier column of that hash.
            Some(_) => match (0..firsts.len())
                .find(|&i| hash[firsts[i]] == hash[y] && equal(firsts[i], y))
            {
                Some(i) => i as u32,
                None => {
                    firsts.push(y);
                    firsts.len() as u32 - 1
                }
            },
            None => {
                firsts.push(y);
                by_hash.insert(hash[y], firsts.len() as u32 - 1);
                firsts.len() as u32 - 1
            }
        };
        ids.push(id);
    }
    ids
}

/// Solves `r` exactly.
pub fn solve(r: &Region<'_>) -> Outcome {
    let Some((row_of, col_of, candidates)) = shape(r) else {
        return Outcome::default();
    };
    if !r.special.is_empty() {
        // Partners with more incumbent candidates than capacity are alone from the
        // start; a partner a dealing fails on is alone in the next attempt.
        let (mut left_alone, mut right_alone) = over_committed(r);
        // The last relaxation's optimal prices, per partner (see `relaxed`).
        let mut prices: Option<flow::Duals> = None;
        for _ in 0..RELAXATION_ATTEMPTS {
            match relaxed(
                r,
                &row_of,
                &col_of,
                (&left_alone, &right_alone),
                prices.as_ref(),
            ) {
                Ok(mut out) => {
                    out.candidates = candidates;
                    return out;
                }
                Err(((lefts, rights), last)) => {
                    prices = last;
                    let before = (left_alone.clone(), right_alone.clone());
                    lefts.iter().for_each(|&a| left_alone[a as usize] = true);
                    rights.iter().for_each(|&b| right_alone[b as usize] = true);
                    if (&left_alone, &right_alone) == (&before.0, &before.1) {
                        break;
                    }
                }
            }
        }
    }
    let mut out = alone_classes(r, &row_of, &col_of);
    out.candidates = candidates;
    out
}

/// The flow of `p` maximising the objective (module docs) in two solves. First the
/// primary weights alone — a pair's weight plus the keep bonus for an incumbent — whose
/// optimal prices y say what every primary optimum does (complementary slackness): an
/// arc with `w > y_a + y_b` is full, an arc with `w < y_a + y_b` empty, a partner with
/// `y > 0` saturated. Then, on the arcs with `w = y_a + y_b` and the capacity the full
/// arcs leave, the flow that saturates the priced nodes and, among those, keeps the most
/// incumbents: weight `s · (priced ends of the arc) + [incumbent]`, with `s` more than
/// the incumbents. That second problem has a handful of distinct weights, so it takes a
/// handful of phases where the scaled weights of [`objective_weight`] take hundreds.
///
/// `p` carries the primary weights; `pair_of` marks the incumbent arcs. When the network
/// simplex solves `p`, [`in_one_run`] finds such a flow in one run of it instead.
/// Returns the flow and the first solve's prices.
fn lexicographic(
    p: &Problem,
    pair_of: &[Option<(u32, u32)>],
    scale: u64,
) -> (Vec<u64>, flow::Duals) {
    let first = flow::solve(p);
    debug_assert!(first.is_proven_optimal(p));
    if scale == 1 {
        return (first.flow, first.duals); // no incumbents: nothing to keep
    }
    let duals = first.duals.clone();
    (second_solve(p, pair_of, scale, first), duals)
}

/// The second of [`lexicographic`]'s solves, from the first one's optimum.
fn second_solve(
    p: &Problem,
    pair_of: &[Option<(u32, u32)>],
    scale: u64,
    first: flow::Solution,
) -> Vec<u64> {
    let flow = tight_flow(p, pair_of, scale, &first.duals)
        .expect("an optimum's prices leave its full arcs room");
    debug_assert_eq!(
        flow.iter()
            .zip(&p.weight)
            .map(|(&f, &w)| f * u64::from(w))
            .sum::<u64>(),
        first.weight(p),
        "the second solve keeps the primary optimum"
    );
    flow
}

/// The second solve's flow for any prices `y` (≥ 0, covering every arc they leave below
/// capacity, as an optimum's do): the arcs with `w > y_a + y_b` full, and on the arcs with
/// `w = y_a + y_b`, within the capacity those leave, the flow of most `s · (priced ends) +
/// [incumbent]`. None when the full arcs do not fit the capacities. When `y` is optimal
/// for `p` the flow is an optimum keeping the most incumbents; whether it is can be
/// checked with `y` as its certificate.
fn tight_flow(
    p: &Problem,
    pair_of: &[Option<(u32, u32)>],
    scale: u64,
    y: &flow::Duals,
) -> Option<Vec<u64>> {
    let incumbent = |e: usize| pair_of[e].is_some();
    let mut flow = vec![0u64; p.edges()];
    let mut second = Problem {
        left_cap: p.left_cap.clone(),
        right_cap: p.right_cap.clone(),
        offsets: vec![0],
        ..Problem::default()
    };
    let mut arcs = Vec::new();
    let s = scale as u32;
    for a in 0..p.left_cap.len() {
        for (e, full) in flow
            .iter_mut()
            .enumerate()
            .take(p.offsets[a + 1])
            .skip(p.offsets[a])
        {
            let b = p.right[e] as usize;
            let slack = i64::from(p.weight[e]) - y.left[a] - y.right[b];
            if slack > 0 {
                *full = p.cap[e];
                second.left_cap[a] = second.left_cap[a].checked_sub(p.cap[e])?;
                second.right_cap[b] = second.right_cap[b].checked_sub(p.cap[e])?;
            } else if slack == 0 {
                let priced = u32::from(y.left[a] > 0) + u32::from(y.right[b] > 0);
                let weight = s * priced + u32::from(incumbent(e));
                if weight > 0 {
                    second.right.push(p.right[e]);
                    second.weight.push(weight);
                    second.cap.push(p.cap[e]);
                    arcs.push(e);
                }
            }
        }
        second.offsets.push(second.right.len());
    }
    let solution = flow::solve(&second);
    debug_assert!(solution.is_proven_optimal(&second));
    for (k, &e) in arcs.iter().enumerate() {
        flow[e] += solution.flow[k];
    }
    Some(flow)
}

/// The flow [`lexicographic`] finds, in one run of the network simplex
/// ([`simplex::solve_lexicographic`]): the flow of most weight with the objective's weights
/// `s · w + [incumbent]`, `s` at least the incumbents + 1 and above twice the nodes (so
/// that the second phase prices only the first optimum's tight arcs), proven optimal for
/// those weights; with it the first phase's optimum, for the two solves to start from
/// (once its own proof is checked). None when the simplex declines the numbers or the
/// proof fails.
fn in_one_run(
    p: &Problem,
    pair_of: &[Option<(u32, u32)>],
    scale: u64,
) -> Option<(Vec<u64>, flow::Solution)> {
    let nodes = (p.left_cap.len() + p.right_cap.len() + 2) as u64;
    let s = scale.max(2 * nodes + 2);
    let tie: Vec<bool> = pair_of.iter().map(Option::is_some).collect();
    let (first, solution) = simplex::solve_lexicographic(p, &tie, s)?;
    let weight = |e: usize| u64::from(p.weight[e]) * s + u64::from(tie[e]);
    solution
        .is_proven_optimal_for(p, weight)
        .then_some((solution.flow, first))
}

/// The partner pairs dealt out so far, and what each partner has left: for the swaps
/// that make room when no free pair is left for a unit of a class arc.
struct Deal<'d> {
    pairs: &'d mut Vec<(u32, u32, u32)>,
    /// Pairs before this index are incumbents kept: never moved.
    ordinary_from: usize,
    chosen: &'d mut rustc_hash::FxHashSet<(u32, u32)>,
    special: &'d FxHashMap<(u32, u32), Special>,
    left_left: &'d mut [u32],
    right_left: &'d mut [u32],
}

impl Deal<'_> {
    fn free(&self, a: u32, b: u32) -> bool {
        !self.special.contains_key(&(a, b)) && !self.chosen.contains(&(a, b))
    }

    /// One unit of arc X → Y, made room for on the right: a member a of X with capacity
    /// left takes b' of Y from the partner a'' it is paired with, and a'' takes a member
    /// b of Y that has capacity left instead — b and b' being of one class, a''s pair
    /// weighs the same. Whether it succeeded.
    fn swap_right(&mut self, lefts: &[u32], rights: &[u32], weight: u16) -> bool {
        for &a in lefts.iter().filter(|&&a| self.left_left[a as usize] > 0) {
            for idx in self.ordinary_from..self.pairs.len() {
                let (other, taken, _) = self.pairs[idx];
                if other == a || !rights.contains(&taken) || !self.free(a, taken) {
                    continue;
                }
                let Some(&b) = rights
                    .iter()
                    .find(|&&b| self.right_left[b as usize] > 0 && self.free(other, b))
                else {
                    continue;
                };
                self.chosen.remove(&(other, taken));
                self.chosen.insert((other, b));
                self.pairs[idx].1 = b;
                self.right_left[b as usize] -= 1;
                self.chosen.insert((a, taken));
                self.left_left[a as usize] -= 1;
                self.pairs.push((a, taken, u32::from(weight)));
                return true;
            }
        }
        false
    }

    /// The mirror of [`Deal::swap_right`]: a member b of Y with capacity left takes a'
    /// of X from its partner b''', which a member a of X with capacity left takes instead.
    fn swap_left(&mut self, lefts: &[u32], rights: &[u32], weight: u16) -> bool {
        for &b in rights.iter().filter(|&&b| self.right_left[b as usize] > 0) {
            for idx in self.ordinary_from..self.pairs.len() {
                let (taken, other, _) = self.pairs[idx];
                if other == b || !lefts.contains(&taken) || !self.free(taken, b) {
                    continue;
                }
                let Some(&a) = lefts
                    .iter()
                    .find(|&&a| self.left_left[a as usize] > 0 && self.free(a, other))
                else {
                    continue;
                };
                self.chosen.remove(&(taken, other));
                self.chosen.insert((a, other));
                self.pairs[idx].0 = a;
                self.left_left[a as usize] -= 1;
                self.chosen.insert((taken, b));
                self.right_left[b as usize] -= 1;
                self.pairs.push((taken, b, u32::from(weight)));
                return true;
            }
        }
        false
    }
}

/// Solves `r` with every partner of a special pair alone, never through the relaxation:
/// the method [`solve`] falls back to, for tests to compare the two.
pub fn solve_alone(r: &Region<'_>) -> Outcome {
    let Some((row_of, col_of, candidates)) = shape(r) else {
        return Outcome::default();
    };
    let mut out = alone_classes(r, &row_of, &col_of);
    out.candidates = candidates;
    out
}

/// The distinct weight rows of the left profiles and columns of the right ones, and the
/// candidate pairs; `None` for an empty table.
fn shape(r: &Region<'_>) -> Option<(Vec<u32>, Vec<u32>, u64)> {
    let ny = r.right_profiles;
    let nx = r.table.len().checked_div(ny).filter(|&nx| nx > 0)?;
    let row_of = distinct_rows(r.table, ny);
    let col_of = distinct_columns(r.table, ny);
    Some((row_of, col_of, candidate_count(r, nx, ny)))
}

/// How many times the relaxation is tried, with more partners alone each time, before
/// every partner of a special pair is made alone.
const RELAXATION_ATTEMPTS: usize = 6;

/// The partners with more incumbent candidate pairs than capacity, left and right.
fn over_committed(r: &Region<'_>) -> (Vec<bool>, Vec<bool>) {
    let ny = r.right_profiles;
    let (mut left, mut right) = (vec![0u32; r.left_cap.len()], vec![0u32; r.right_cap.len()]);
    for &(a, b, how) in r.special {
        let w = r.table
            [r.left_profile[a as usize] as usize * ny + r.right_profile[b as usize] as usize];
        if how == Special::Incumbent && w > 0 {
            left[a as usize] += 1;
            right[b as usize] += 1;
        }
    }
    let over = |n: &[u32], cap: &[u32]| n.iter().zip(cap).map(|(n, c)| n > c).collect();
    (over(&left, r.left_cap), over(&right, r.right_cap))
}

/// Candidate pairs of partners (weight above 0), counted by profile.
fn candidate_count(r: &Region<'_>, nx: usize, ny: usize) -> u64 {
    let count = |profiles: &[u32], n: usize| {
        let mut c = vec![0u64; n];
        for &p in profiles {
            c[p as usize] += 1;
        }
        c
    };
    let (cx, cy) = (count(r.left_profile, nx), count(r.right_profile, ny));
    r.table
        .chunks(ny)
        .zip(&cx)
        .map(|(row, &n)| {
            n * row
                .iter()
                .zip(&cy)
                .filter(|(w, _)| **w > 0)
                .map(|(_, &m)| m)
                .sum::<u64>()
        })
        .sum()
}

/// The objective's weight of a pair of base weight `w` (module docs, "Incumbents and
/// forbidden pairs"): `None` when the pair is no candidate or may not be chosen.
fn objective_weight(w: u16, how: Option<Special>, keep_bonus: u32, scale: u64) -> Option<u32> {
    let w = u64::from(w);
    let scaled = match how {
        _ if w == 0 => return None,
        Some(Special::Forbidden) => return None,
        Some(Special::Incumbent) => (w + u64::from(keep_bonus)) * scale + 1,
        None => w * scale,
    };
    Some(u32::try_from(scaled).expect("at most two million incumbent pairs in a region"))
}

/// One more than the region's incumbent pairs: the factor that makes one tenth of a point
/// outweigh every incumbent kept.
fn scale(r: &Region<'_>) -> u64 {
    r.special
        .iter()
        .filter(|s| s.2 == Special::Incumbent)
        .count() as u64
        + 1
}

/// The right classes (by their profiles, `profile`) that have a weight in `row`, the
/// row of a left class's profile, in class order: written to `out`, which has a place per
/// class, without a branch per class (most of them have no weight, unpredictably).
fn weighed_classes<'o>(row: &[u16], profile: &[u32], out: &'o mut [u32]) -> &'o [u32] {
    let mut k = 0;
    for (j, &y) in profile.iter().enumerate() {
        out[k] = j as u32;
        k += usize::from(row[y as usize] != 0);
    }
    &out[..k]
}

/// At least as many as the arcs between `left` and `right` classes: per left class, the
/// right classes its profile has a weight with (counted once per left profile).
fn arc_bound(r: &Region<'_>, left: &Classes, right: &Classes) -> usize {
    let ny = r.right_profiles;
    let mut classes_of = vec![0usize; ny];
    right
        .profile
        .iter()
        .for_each(|&y| classes_of[y as usize] += 1);
    let mut of_profile: FxHashMap<u32, usize> = FxHashMap::default();
    left.profile
        .iter()
        .map(|&x| {
            *of_profile.entry(x).or_insert_with(|| {
                let row = &r.table[x as usize * ny..(x as usize + 1) * ny];
                row.iter()
                    .zip(&classes_of)
                    .map(|(&w, &n)| if w != 0 { n } else { 0 })
                    .sum()
            })
        })
        .sum()
}

/// The class problem's nodes between the `left` and `right` classes of `r`, with room for
/// `arcs` arcs.
fn class_problem(r: &Region<'_>, left: &Classes, right: &Classes, arcs: usize) -> Problem {
    let mut offsets = Vec::with_capacity(left.members.len() + 1);
    offsets.push(0);
    Problem {
        left_cap: supply(left, r.right_profile.len() as u64),
        right_cap: supply(right, r.left_profile.len() as u64),
        offsets,
        right: Vec::with_capacity(arcs),
        weight: Vec::with_capacity(arcs),
        cap: Vec::with_capacity(arcs),
    }
}

/// A class's supply never exceeds what its members could use: a partner is in at most
/// one pair with each partner of the other side.
fn supply(c: &Classes, other: u64) -> Vec<u64> {
    c.members
        .iter()
        .zip(&c.cap)
        .map(|(m, &k)| m.len() as u64 * u64::from(k).min(other))
        .collect()
}

/// Partners to make alone, left and right, after a relaxation that could not be dealt out.
type Retry = (Vec<u32>, Vec<u32>);

/// Partners marked alone, left and right.
type Alone<'a> = (&'a [bool], &'a [bool]);

/// The relaxation of a region with special pairs (module docs, "The relaxation"): the
/// classes (the partners marked alone each a class of its own), every incumbent pair a
/// parallel arc of its own, each class arc carrying at most its ordinary member pairs.
/// When its optimum cannot be dealt out to partners, the partners to make alone for the
/// next attempt, with the optimum's prices per partner when known.
///
/// `prices`, the last attempt's (per partner), start this one: with fewer partners in
/// whole classes the relaxation is tighter, but its optimum is often as good, and then
/// those prices are optimal for it too (each class's members had one price) and its
/// optimum is the second solve's flow on the arcs they leave tight — a small problem —
/// instead of a solve from scratch. The prices' certificate says whether it is; when it
/// is not, the relaxation is solved as usual.
fn relaxed(
    r: &Region<'_>,
    row_of: &[u32],
    col_of: &[u32],
    (left_alone, right_alone): Alone<'_>,
    prices: Option<&flow::Duals>,
) -> Result<Outcome, (Retry, Option<flow::Duals>)> {
    let ny = r.right_profiles;
    let left = classes(r.left_profile, r.left_cap, row_of, left_alone);
    let right = classes(r.right_profile, r.right_cap, col_of, right_alone);
    let scale = scale(r);
    // Special member pairs per class pair (listed per left class, counted in `taken`
    // while that class's row is built), and the incumbents of each left class.
    let mut specials: Vec<Vec<u32>> = vec![Vec::new(); left.members.len()];
    let mut incumbents: Vec<Vec<(u32, u32)>> = vec![Vec::new(); left.members.len()];
    for &(a, b, how) in r.special {
        let i = left.of[a as usize] as usize;
        specials[i].push(right.of[b as usize]);
        if how == Special::Incumbent {
            incumbents[i].push((a, b));
        }
    }
    let mut taken = vec![0u64; right.members.len()];
    let most = arc_bound(r, &left, &right) + r.special.len();
    let mut p = class_problem(r, &left, &right, most);
    // The arcs weigh their primary weight (a pair's weight, plus the keep bonus for an
    // incumbent: what `lexicographic` solves first). Per arc: its pair weight, and the
    // incumbent pair it is (if it is one).
    let mut base: Vec<u16> = Vec::with_capacity(most);
    let mut pair_of: Vec<Option<(u32, u32)>> = Vec::with_capacity(most);
    let right_sizes: Vec<u64> = right.members.iter().map(|m| m.len() as u64).collect();
    let mut weighed = vec![0u32; right.profile.len()];
    for (i, &x) in left.profile.iter().enumerate() {
        let row = &r.table[x as usize * ny..(x as usize + 1) * ny];
        specials[i].iter().for_each(|&j| taken[j as usize] += 1);
        let n_i = left.members[i].len() as u64;
        for &j in weighed_classes(row, &right.profile, &mut weighed) {
            let (j, w) = (j as usize, row[right.profile[j as usize] as usize]);
            let ordinary = n_i * right_sizes[j] - taken[j];
            if ordinary > 0 {
                p.right.push(j as u32);
                p.weight.push(u32::from(w));
                p.cap.push(ordinary);
                base.push(w);
                pair_of.push(None);
            }
        }
        for &(a, b) in &incumbents[i] {
            let w = r.table
                [r.left_profile[a as usize] as usize * ny + r.right_profile[b as usize] as usize];
            if w > 0 {
                p.right.push(right.of[b as usize]);
                p.weight.push(u32::from(w) + r.keep_bonus);
                p.cap.push(1);
                base.push(w);
                pair_of.push(Some((a, b)));
            }
        }
        specials[i].iter().for_each(|&j| taken[j as usize] = 0);
        p.offsets.push(p.right.len());
    }
    let deal = |flow: &[u64]| deal_out(r, &p, &pair_of, &base, &left, &right, flow);
    let per_partner = |y: &flow::Duals| flow::Duals {
        left: left.member_prices(&y.left),
        right: right.member_prices(&y.right),
    };
    if let Some(known) = prices {
        let duals = flow::Duals {
            left: left.class_prices(&known.left),
            right: right.class_prices(&known.right),
        };
        let solution = tight_flow(&p, &pair_of, scale, &duals)
            .map(|flow| flow::Solution { flow, duals })
            .filter(|solution| solution.is_proven_optimal(&p));
        if let Some(solution) = solution {
            return deal(&solution.flow).map_err(|retry| (retry, Some(known.clone())));
        }
    }
    let first_try = (scale > 1 && flow::method(&p) == flow::Method::Simplex)
        .then(|| in_one_run(&p, &pair_of, scale))
        .flatten();
    match first_try {
        // The simplex's flow, or when it cannot be dealt out the two solves' (as good;
        // two optimal flows rarely fail in the same place) before partners go alone.
        Some((flow, first)) => deal(&flow).or_else(|retry| {
            if first.is_proven_optimal(&p) {
                let prices = per_partner(&first.duals);
                deal(&second_solve(&p, &pair_of, scale, first))
                    .map_err(|retry| (retry, Some(prices)))
            } else {
                Err((retry, None))
            }
        }),
        None => {
            let (flow, duals) = lexicographic(&p, &pair_of, scale);
            deal(&flow).map_err(|retry| (retry, Some(per_partner(&duals))))
        }
    }
}

/// Deals the relaxation's `flow` out to partners (module docs, "The relaxation"): the
/// incumbents kept first, then each class arc's units to member pairs that are not
/// special, within what each member has left. `p` is the relaxation between the `left` and
/// `right` classes, `pair_of` its incumbent arcs' pairs and `base` its arcs' pair weights.
/// When it cannot, the partners to make alone for the next attempt.
fn deal_out(
    r: &Region<'_>,
    p: &Problem,
    pair_of: &[Option<(u32, u32)>],
    base: &[u16],
    left: &Classes,
    right: &Classes,
    flow: &[u64],
) -> Result<Outcome, Retry> {
    let mut left_left: Vec<u32> = r.left_cap.to_vec();
    let mut right_left: Vec<u32> = r.right_cap.to_vec();
    let special: FxHashMap<(u32, u32), Special> =
        r.special.iter().map(|&(a, b, s)| ((a, b), s)).collect();
    let mut chosen: rustc_hash::FxHashSet<(u32, u32)> = Default::default();
    let mut pairs = Vec::new();
    let mut kept = 0u32;
    // Every partner to make alone, when dealing fails anywhere: all are found in one pass.
    let mut retry: Retry = (Vec::new(), Vec::new());
    let mut failed = false;
    for e in 0..p.edges() {
        if let (Some((a, b)), 1) = (pair_of[e], flow[e]) {
            // The relaxation counts a class's capacity, not each member's.
            if left_left[a as usize] == 0 || right_left[b as usize] == 0 {
                retry.0.push(a);
                retry.1.push(b);
                continue;
            }
            left_left[a as usize] -= 1;
            right_left[b as usize] -= 1;
            chosen.insert((a, b));
            pairs.push((a, b, u32::from(base[e])));
            kept += 1;
        }
    }
    let mut next_left = vec![0usize; left.members.len()];
    let mut next_right = vec![0usize; right.members.len()];
    let ordinary_from = pairs.len();
    // The least flexible classes first: the smallest, whose members have the fewest
    // alternatives.
    let mut order: Vec<usize> = (0..left.members.len()).collect();
    order.sort_by_key(|&i| (left.members[i].len(), i));
    for i in order {
        let members = &left.members[i];
        // The most constrained arcs first: those into the smallest classes.
        let mut arcs: Vec<usize> = (p.offsets[i]..p.offsets[i + 1])
            .filter(|&e| pair_of[e].is_none() && flow[e] > 0)
            .collect();
        arcs.sort_by_key(|&e| (right.members[p.right[e] as usize].len(), e));
        for e in arcs {
            let j = p.right[e] as usize;
            let rights = &right.members[j];
            for _ in 0..flow[e] {
                // Of the pairs still free, the one whose members have the most capacity
                // left, the next in turn on a tie: left members by capacity left, each
                // with its best right partner; the first that has one wins.
                let most = members.iter().map(|&a| left_left[a as usize]).max();
                let mut best: Option<(u32, u32, usize, usize)> = None;
                'search: for la in (1..=most.unwrap_or(0)).rev() {
                    for step in 0..members.len() {
                        let k = (next_left[i] + step) % members.len();
                        let a = members[k];
                        if left_left[a as usize] != la {
                            continue;
                        }
                        let mut pick: Option<(u32, usize)> = None;
                        for rstep in 0..rights.len() {
                            let m = (next_right[j] + rstep) % rights.len();
                            let b = rights[m];
                            let rb = right_left[b as usize];
                            if rb > pick.map_or(0, |x| x.0)
                                && !special.contains_key(&(a, b))
                                && !chosen.contains(&(a, b))
                            {
                                pick = Some((rb, m));
                            }
                        }
                        if let Some((rb, m)) = pick {
                            best = Some((la, rb, k, m));
                            break 'search;
                        }
                    }
                }
                if best.is_none() {
                    let mut deal = Deal {
                        pairs: &mut pairs,
                        ordinary_from,
                        chosen: &mut chosen,
                        special: &special,
                        left_left: &mut left_left,
                        right_left: &mut right_left,
                    };
                    if deal.swap_right(members, rights, base[e])
                        || deal.swap_left(members, rights, base[e])
                    {
                        continue;
                    }
                }
                let Some((_, _, k, m)) = best else {
                    // The partners of special pairs in the two classes go alone.
                    let has_special = |x: u32, side: fn(&(u32, u32, Special)) -> u32| {
                        r.special.iter().any(|s| side(s) == x)
                    };
                    retry
                        .0
                        .extend(members.iter().copied().filter(|&x| has_special(x, |s| s.0)));
                    retry
                        .1
                        .extend(rights.iter().copied().filter(|&x| has_special(x, |s| s.1)));
                    failed = true;
                    break;
                };
                let (a, b) = (members[k], rights[m]);
                next_left[i] = k + 1;
                next_right[j] = m + 1;
                left_left[a as usize] -= 1;
                right_left[b as usize] -= 1;
                chosen.insert((a, b));
                pairs.push((a, b, u32::from(base[e])));
            }
        }
    }
    if failed && retry.0.is_empty() && retry.1.is_empty() {
        // No partner of a special pair in the classes concerned: every one goes alone.
        retry.0.extend(r.special.iter().map(|s| s.0));
        retry.1.extend(r.special.iter().map(|s| s.1));
    }
    if !retry.0.is_empty() || !retry.1.is_empty() {
        return Err(retry);
    }
    pairs.sort_unstable();
    Ok(Outcome {
        pairs,
        candidates: 0,
        classes: (left.members.len(), right.members.len()),
        kept,
    })
}

/// Solves `r` with every partner of a special pair in a class of its own (module docs,
/// "Incumbents and forbidden pairs"); without special pairs, the plain class problem.
fn alone_classes(r: &Region<'_>, row_of: &[u32], col_of: &[u32]) -> Outcome {
    let ny = r.right_profiles;
    let mark = |n: usize, side: fn(&(u32, u32, Special)) -> u32| {
        let mut alone = vec![false; n];
        for s in r.special {
            alone[side(s) as usize] = true;
        }
        alone
    };
    let left = classes(
        r.left_profile,
        r.left_cap,
        row_of,
        &mark(r.left_profile.len(), |s| s.0),
    );
    let right = classes(
        r.right_profile,
        r.right_cap,
        col_of,
        &mark(r.right_profile.len(), |s| s.1),
    );
    let scale = scale(r);
    let arc_weight = |w: u16, how: Option<Special>| objective_weight(w, how, r.keep_bonus, scale);
    let special: FxHashMap<(u32, u32), Special> =
        r.special.iter().map(|&(a, b, s)| ((a, b), s)).collect();

    // The class problem.
    let most = arc_bound(r, &left, &right);
    let mut p = class_problem(r, &left, &right, most);
    // Per arc: the pair weight (unscaled) and whether it is an incumbent pair.
    let (mut base, mut kept_arc) = (Vec::with_capacity(most), Vec::with_capacity(most));
    let mut weighed = vec![0u32; right.profile.len()];
    for (i, &x) in left.profile.iter().enumerate() {
        let row = &r.table[x as usize * ny..(x as usize + 1) * ny];
        let (li, lone) = (&left.members[i], left.members[i].len() == 1);
        for &j in weighed_classes(row, &right.profile, &mut weighed) {
            let (j, y) = (j as usize, right.profile[j as usize]);
            let rj = &right.members[j];
            // Only a pair of two partners alone can be special.
            let how = if lone && rj.len() == 1 && !special.is_empty() {
                special.get(&(li[0], rj[0])).copied()
            } else {
                None
            };
            if let Some(w) = arc_weight(row[y as usize], how) {
                base.push(row[y as usize]);
                kept_arc.push(how == Some(Special::Incumbent));
                p.right.push(j as u32);
                p.weight.push(w);
                p.cap.push(li.len() as u64 * rj.len() as u64);
            }
        }
        p.offsets.push(p.right.len());
    }
    let solution = flow::solve(&p);
    debug_assert!(solution.is_proven_optimal(&p));

    // Hand the class flow back to partners (module docs, steps 1 and 2).
    let mut pointer = vec![0u64; right.members.len()];
    let mut pairs = Vec::new();
    let mut kept = 0u32;
    for (i, members) in left.members.iter().enumerate() {
        let n = members.len() as u64;
        let mut dealt = 0u64;
        for e in p.offsets[i]..p.offsets[i + 1] {
            let f = solution.flow[e];
            if f == 0 {
                continue;
            }
            let j = p.right[e] as usize;
            let rights = &right.members[j];
            let m = rights.len() as u64;
            // Member k gets the units dealt..dealt+f that are ≡ k (mod n), counted from
            // the member that is next in turn.
            for step in 0..n.min(f) {
                let k = (dealt + step) % n;
                let units = (f - step).div_ceil(n);
                for _ in 0..units {
                    let b = rights[(pointer[j] % m) as usize];
                    pointer[j] += 1;
                    pairs.push((members[k as usize], b, u32::from(base[e])));
                    kept += u32::from(kept_arc[e]);
                }
            }
            dealt += f;
        }
    }
    pairs.sort_unstable();
    debug_assert!(
        pairs
            .windows(2)
            .all(|w| (w[0].0, w[0].1) != (w[1].0, w[1].1))
    );
    Outcome {
        pairs,
        candidates: 0,
        classes: (left.members.len(), right.members.len()),
        kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A small problem with tied weights and some arcs marked incumbent.
    fn arb_marked_problem() -> impl Strategy<Value = (Problem, Vec<Option<(u32, u32)>>)> {
        let arc = (
            0u32..3,
            prop::sample::select(vec![2u32, 3, 5]),
            1u64..3,
            any::<bool>(),
        );
        (
            prop::collection::vec(1u64..3, 1..4),
            prop::collection::vec(1u64..3, 3),
            prop::collection::vec(prop::collection::vec(arc, 0..3), 1..4),
        )
            .prop_map(|(left_cap, right_cap, rows)| {
                let mut p = Problem {
                    left_cap: left_cap[..rows.len().min(left_cap.len())].to_vec(),
                    right_cap,
                    offsets: vec![0],
                    ..Problem::default()
                };
                let mut pair_of = Vec::new();
                for row in rows.iter().take(p.left_cap.len()) {
                    for &(b, w, cap, incumbent) in row {
                        p.right.push(b);
                        p.weight.push(w);
                        p.cap.push(cap);
                        pair_of.push(incumbent.then_some((0, 0)));
                    }
                    p.offsets.push(p.right.len());
                }
                (p, pair_of)
            })
    }

    /// Of every feasible flow of `p`: the most weight, and the most incumbent units among
    /// the flows of that weight.
    fn brute_force(p: &Problem, pair_of: &[Option<(u32, u32)>]) -> (u64, u64) {
        let m = p.edges();
        let mut flow = vec![0u64; m];
        let mut best = (0, 0);
        loop {
            let mut used = (vec![0u64; p.left_cap.len()], vec![0u64; p.right_cap.len()]);
            for a in 0..p.left_cap.len() {
                let edges = p.offsets[a]..p.offsets[a + 1];
                for (&f, &b) in flow[edges.clone()].iter().zip(&p.right[edges]) {
                    used.0[a] += f;
                    used.1[b as usize] += f;
                }
            }
            let fits = |used: &[u64], cap: &[u64]| used.iter().zip(cap).all(|(u, c)| u <= c);
            if fits(&used.0, &p.left_cap) && fits(&used.1, &p.right_cap) {
                let weight = (0..m).map(|e| flow[e] * u64::from(p.weight[e])).sum();
                let kept = (0..m)
                    .filter(|&e| pair_of[e].is_some())
                    .map(|e| flow[e])
                    .sum();
                best = best.max((weight, kept));
            }
            // The next flow, counting in the mixed radix of the capacities.
            let Some(e) = (0..m).find(|&e| flow[e] < p.cap[e]) else {
                return best;
            };
            flow[e] += 1;
            flow[..e].iter_mut().for_each(|f| *f = 0);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The flow on the arcs an optimum's prices leave tight (the second solve, and a
        /// retried relaxation started from the last one's prices) has the most weight and,
        /// among those flows, the most incumbents; the prices prove it optimal.
        #[test]
        fn the_tight_flow_keeps_the_most_incumbents((p, pair_of) in arb_marked_problem()) {
            let scale = pair_of.iter().filter(|x| x.is_some()).count() as u64 + 1;
            let first = flow::solve(&p);
            let flow = tight_flow(&p, &pair_of, scale, &first.duals).expect("room");
            let kept = (0..p.edges()).filter(|&e| pair_of[e].is_some()).map(|e| flow[e]).sum();
            let solution = flow::Solution { flow, duals: first.duals };
            prop_assert!(solution.is_proven_optimal(&p));
            prop_assert_eq!((solution.weight(&p), kept), brute_force(&p, &pair_of));
        }
    }

    proptest! {
        /// Columns hashed in place are numbered as the rows of the transposed table are.
        #[test]
        fn distinct_columns_are_the_transposed_distinct_rows(
            (rows, width, cells) in (1usize..8, 1usize..12)
                .prop_flat_map(|(r, w)| (Just(r), Just(w), prop::collection::vec(0u16..3, r * w)))
        ) {
            let mut transposed = vec![0u16; cells.len()];
            for (x, row) in cells.chunks(width).enumerate() {
                for (y, &w) in row.iter().enumerate() {
                    transposed[y * rows + x] = w;
                }
            }
            prop_assert_eq!(distinct_columns(&cells, width), distinct_rows(&transposed, rows));
        }
    }
}
