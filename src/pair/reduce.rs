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

/// Solves `r` exactly.
pub fn solve(r: &Region<'_>) -> Outcome {
    let ny = r.right_profiles;
    let Some(nx) = r.table.len().checked_div(ny).filter(|&nx| nx > 0) else {
        return Outcome::default();
    };
    let row_of = distinct_rows(r.table, ny);
    let mut transposed = vec![0u16; r.table.len()];
    for (x, row) in r.table.chunks(ny).enumerate() {
        for (y, &w) in row.iter().enumerate() {
            transposed[y * nx + x] = w;
        }
    }
    let col_of = distinct_rows(&transposed, nx);
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
        &row_of,
        &mark(r.left_profile.len(), |s| s.0),
    );
    let right = classes(
        r.right_profile,
        r.right_cap,
        &col_of,
        &mark(r.right_profile.len(), |s| s.1),
    );
    // The objective (module docs): weights scaled by one more than the incumbents, so
    // that one tenth of a point outweighs every incumbent kept.
    let incumbents = r
        .special
        .iter()
        .filter(|s| s.2 == Special::Incumbent)
        .count() as u64;
    let scale = incumbents + 1;
    let arc_weight = |w: u16, special: Option<Special>| -> Option<u32> {
        let w = u64::from(w);
        let scaled = match special {
            _ if w == 0 => return None,
            Some(Special::Forbidden) => return None,
            Some(Special::Incumbent) => (w + u64::from(r.keep_bonus)) * scale + 1,
            None => w * scale,
        };
        Some(u32::try_from(scaled).expect("at most two million incumbent pairs in a region"))
    };
    let special: FxHashMap<(u32, u32), Special> =
        r.special.iter().map(|&(a, b, s)| ((a, b), s)).collect();

    // Candidate pairs of partners, counted by profile.
    let count = |profiles: &[u32], n: usize| {
        let mut c = vec![0u64; n];
        for &p in profiles {
            c[p as usize] += 1;
        }
        c
    };
    let (cx, cy) = (count(r.left_profile, nx), count(r.right_profile, ny));
    let candidates = r
        .table
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
        .sum();

    // The class problem. A class's supply never exceeds what its members could use:
    // a partner is in at most one pair with each partner of the other side.
    let (n_left, n_right) = (r.left_profile.len() as u64, r.right_profile.len() as u64);
    let supply = |c: &Classes, other: u64| -> Vec<u64> {
        c.members
            .iter()
            .zip(&c.cap)
            .map(|(m, &k)| m.len() as u64 * u64::from(k).min(other))
            .collect()
    };
    let mut p = Problem {
        left_cap: supply(&left, n_right),
        right_cap: supply(&right, n_left),
        offsets: vec![0],
        ..Problem::default()
    };
    // Per arc: the pair weight (unscaled) and whether it is an incumbent pair.
    let (mut base, mut kept_arc): (Vec<u16>, Vec<bool>) = (Vec::new(), Vec::new());
    for (i, &x) in left.profile.iter().enumerate() {
        let row = &r.table[x as usize * ny..(x as usize + 1) * ny];
        let (li, lone) = (&left.members[i], left.members[i].len() == 1);
        for (j, &y) in right.profile.iter().enumerate() {
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
        candidates,
        classes: (left.members.len(), right.members.len()),
        kept,
    }
}
