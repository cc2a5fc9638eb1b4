//! Pairing (docs/pairing.md): the b-matching is a proven optimum — equal to a brute-force optimum
//! on thousands of small random graphs, with a dual certificate that checks — and never
//! exceeds a capacity; solving over classes of interchangeable partners gives the same
//! optimum as solving every partner pair; and the vectorised weight kernel agrees with
//! the pair score of docs/pairing.md on every pair.

use proptest::prelude::*;
use uc_readiness::config::Config;
use uc_readiness::pair::flow::{
    Method, Problem, SCALING_FROM_EDGES, SIMPLEX_FROM_EDGES, Solution, method, solve,
    successive_shortest_paths,
};
use uc_readiness::pair::kernel::{self, Side, Weigher};
use uc_readiness::pair::{PairRules, Profile, RegionSeats, pair_score, reduce};
use uc_readiness::pair::{scaling, simplex};

/// A partner-level problem (every edge capacity 1) from capacities and edges.
fn partner_problem(left_cap: &[u32], right_cap: &[u32], edges: &[(u32, u32, u32)]) -> Problem {
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
        left_cap: left_cap.iter().map(|&c| u64::from(c)).collect(),
        right_cap: right_cap.iter().map(|&c| u64::from(c)).collect(),
        offsets,
        cap: vec![1; right.len()],
        right,
        weight,
    }
}

/// (left capacities, right capacities, edges (left, right, weight)), at most 12 edges.
fn arb_problem() -> impl Strategy<Value = Problem> {
    (1usize..5, 1usize..5)
        .prop_flat_map(|(nl, nr)| {
            (
                prop::collection::vec(0u32..4, nl),
                prop::collection::vec(0u32..4, nr),
                prop::collection::btree_set((0..nl as u32, 0..nr as u32), 0..=12.min(nl * nr)),
                prop::collection::vec(1u32..20, 12),
            )
        })
        .prop_map(|(left_cap, right_cap, edges, weights)| {
            let edges: Vec<(u32, u32, u32)> = edges
                .into_iter()
                .zip(weights)
                .map(|((l, r), w)| (l, r, w))
                .collect();
            partner_problem(&left_cap, &right_cap, &edges)
        })
}

fn left_of(p: &Problem, e: usize) -> usize {
    (0..p.left_cap.len())
        .find(|&a| p.offsets[a] <= e && e < p.offsets[a + 1])
        .unwrap()
}

fn feasible(p: &Problem, flow: &[u64]) -> bool {
    let mut ul = vec![0u64; p.left_cap.len()];
    let mut ur = vec![0u64; p.right_cap.len()];
    for (e, &f) in flow.iter().enumerate() {
        if f > p.cap[e] {
            return false;
        }
        ul[left_of(p, e)] += f;
        ur[p.right[e] as usize] += f;
    }
    ul.iter().zip(&p.left_cap).all(|(u, c)| u <= c)
        && ur.iter().zip(&p.right_cap).all(|(u, c)| u <= c)
}

fn weight(p: &Problem, flow: &[u64]) -> u64 {
    flow.iter()
        .zip(&p.weight)
        .map(|(&f, &w)| f * u64::from(w))
        .sum()
}

fn brute_force(p: &Problem) -> u64 {
    let m = p.right.len();
    (0u32..1 << m)
        .map(|mask| {
            (0..m)
                .map(|e| u64::from(mask >> e & 1))
                .collect::<Vec<u64>>()
        })
        .filter(|sel| feasible(p, sel))
        .map(|sel| weight(p, &sel))
        .max()
        .unwrap_or(0)
}

/// Problems too large for brute force, with many ties (weights of a few values), node
/// capacities 0–4 and edge capacities 1–3: every solver reaches the same weight, each with
/// a certificate that checks, and cost scaling and the simplex are deterministic.
fn arb_tied_problem() -> impl Strategy<Value = Problem> {
    (2usize..40, 2usize..40).prop_flat_map(|(nl, nr)| {
        (
            prop::collection::vec(0u64..5, nl),
            prop::collection::vec(0u64..5, nr),
            prop::collection::vec(prop_oneof![Just(0u32), 600u32..606, 990u32..1001], nl * nr),
            prop::collection::vec(1u64..4, nl * nr),
        )
            .prop_map(move |(left_cap, right_cap, table, caps)| {
                let (mut offsets, mut right, mut weight, mut cap) =
                    (vec![0], vec![], vec![], vec![]);
                for a in 0..nl {
                    for b in 0..nr {
                        if table[a * nr + b] > 0 {
                            right.push(b as u32);
                            weight.push(table[a * nr + b]);
                            cap.push(caps[a * nr + b]);
                        }
                    }
                    offsets.push(right.len());
                }
                Problem {
                    left_cap,
                    right_cap,
                    offsets,
                    right,
                    weight,
                    cap,
                }
            })
    })
}

/// A solver that may decline a problem.
type Solver = fn(&Problem) -> Option<Solution>;

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn cost_scaling_simplex_and_shortest_paths_reach_the_same_optimum(p in arb_tied_problem()) {
        let ssp = successive_shortest_paths(&p);
        let optimum = certify(&p, &ssp.flow, &ssp.duals.left, &ssp.duals.right);
        let solvers: [(&str, Solver); 2] =
            [("cost scaling", scaling::solve), ("network simplex", simplex::solve)];
        for (name, solver) in solvers {
            let s = solver(&p).expect("solved");
            prop_assert_eq!(certify(&p, &s.flow, &s.duals.left, &s.duals.right), optimum, "{}", name);
            prop_assert_eq!(solver(&p), Some(s), "{}: deterministic", name);
        }
    }

    /// Weights times 2²¹ (up to 2,097,152,000) are beyond the simplex's 32-bit potentials:
    /// with 64-bit ones it makes the same pivots on the scaled reduced costs, so the same
    /// flow with prices times 2²¹ — which both certifies the wide path and checks it
    /// against the narrow one.
    #[test]
    fn the_simplex_pivots_alike_with_32_and_64_bit_potentials(p in arb_tied_problem()) {
        let narrow = simplex::solve(&p).expect("numbers in range");
        let mut wide = p.clone();
        for w in &mut wide.weight {
            *w <<= 21;
        }
        let s = simplex::solve(&wide).expect("numbers in range");
        let optimum = certify(&p, &narrow.flow, &narrow.duals.left, &narrow.duals.right);
        prop_assert_eq!(certify(&wide, &s.flow, &s.duals.left, &s.duals.right), optimum << 21);
        prop_assert_eq!(&s.flow, &narrow.flow);
        let scaled = |d: &[i64]| d.iter().map(|&y| y << 21).collect::<Vec<_>>();
        prop_assert_eq!(s.duals.left, scaled(&narrow.duals.left));
        prop_assert_eq!(s.duals.right, scaled(&narrow.duals.right));
    }
}

/// A region of partners drawn from a few profiles: (weight table over profiles, right
/// profile count, left profiles, right profiles, left caps, right caps).
type Region = (Vec<u16>, usize, Vec<u32>, Vec<u32>, Vec<u32>, Vec<u32>);

fn arb_region(max_partners: usize) -> impl Strategy<Value = Region> {
    (1usize..5, 1usize..5, 1..=max_partners, 1..=max_partners).prop_flat_map(|(nx, ny, nl, nr)| {
        (
            // A few weights, often 0 (no candidate) and often equal (ties).
            prop::collection::vec(prop_oneof![Just(0u16), 600u16..604], nx * ny),
            Just(ny),
            prop::collection::vec(0..nx as u32, nl),
            prop::collection::vec(0..ny as u32, nr),
            prop::collection::vec(0u32..4, nl),
            prop::collection::vec(0u32..4, nr),
        )
    })
}

/// The region as an explicit partner-level problem.
fn explicit((table, ny, lp, rp, lc, rc): &Region) -> Problem {
    let mut edges = Vec::new();
    for (a, &x) in lp.iter().enumerate() {
        for (b, &y) in rp.iter().enumerate() {
            let w = table[x as usize * ny + y as usize];
            if w > 0 {
                edges.push((a as u32, b as u32, u32::from(w)));
            }
        }
    }
    partner_problem(lc, rc, &edges)
}

/// Checks a class solution against the partner-level problem; returns its weight.
fn check_pairs(r: &Region, out: &reduce::Outcome) -> Result<u64, TestCaseError> {
    let (table, ny, lp, rp, lc, rc) = r;
    let (mut ul, mut ur) = (vec![0u32; lp.len()], vec![0u32; rp.len()]);
    for w in out.pairs.windows(2) {
        prop_assert!(
            (w[0].0, w[0].1) < (w[1].0, w[1].1),
            "pairs sorted, none twice"
        );
    }
    for &(a, b, w) in &out.pairs {
        let expected = table[lp[a as usize] as usize * ny + rp[b as usize] as usize];
        prop_assert!(expected > 0, "a selected pair is a candidate");
        prop_assert_eq!(u32::from(expected), w);
        ul[a as usize] += 1;
        ur[b as usize] += 1;
    }
    prop_assert!(
        ul.iter().zip(lc).all(|(u, c)| u <= c),
        "a left capacity is exceeded"
    );
    prop_assert!(
        ur.iter().zip(rc).all(|(u, c)| u <= c),
        "a right capacity is exceeded"
    );
    Ok(out.pairs.iter().map(|&(_, _, w)| u64::from(w)).sum())
}

fn reduce_region(r: &Region) -> reduce::Outcome {
    let (table, ny, lp, rp, lc, rc) = r;
    reduce::solve(&reduce::Region {
        table,
        right_profiles: *ny,
        left_profile: lp,
        right_profile: rp,
        left_cap: lc,
        right_cap: rc,
        special: &[],
        keep_bonus: 0,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_pairing_equals_the_brute_force_optimum(p in arb_problem()) {
        let solution = solve(&p);
        prop_assert_eq!(solution.flow.len(), p.right.len());
        prop_assert!(feasible(&p, &solution.flow), "a capacity is exceeded");
        prop_assert_eq!(weight(&p, &solution.flow), brute_force(&p));
        prop_assert!(solution.is_proven_optimal(&p), "the dual certificate fails");
        // Deterministic: the same input gives the same pairs.
        prop_assert_eq!(solve(&p), solution);
        // Each solver on its own (`solve` picks one by size): the same optimum, proven.
        for (name, s) in [
            ("successive shortest paths", successive_shortest_paths(&p)),
            ("cost scaling", scaling::solve(&p).expect("prices made exact")),
            ("network simplex", simplex::solve(&p).expect("numbers in range")),
        ] {
            prop_assert!(feasible(&p, &s.flow), "{}: a capacity is exceeded", name);
            prop_assert_eq!(weight(&p, &s.flow), brute_force(&p), "{}", name);
            prop_assert!(s.is_proven_optimal(&p), "{}: the dual certificate fails", name);
        }
    }

    #[test]
    fn classes_of_interchangeable_partners_give_the_brute_force_optimum(r in arb_region(4)) {
        let p = explicit(&r);
        prop_assume!(p.edges() <= 14);
        let out = reduce_region(&r);
        prop_assert_eq!(check_pairs(&r, &out)?, brute_force(&p));
        prop_assert_eq!(out.candidates, p.edges() as u64);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Regions too large for brute force, with many interchangeable partners: the class
    /// solution weighs as much as the exact partner-level optimum.
    #[test]
    fn classes_of_interchangeable_partners_give_the_partner_optimum(r in arb_region(40)) {
        let p = explicit(&r);
        let full = solve(&p);
        prop_assert!(full.is_proven_optimal(&p));
        let out = reduce_region(&r);
        prop_assert_eq!(check_pairs(&r, &out)?, full.weight(&p));
        prop_assert!(out.classes.0 <= 4 * 4 && out.classes.1 <= 4 * 4);
        prop_assert_eq!(reduce_region(&r), out, "deterministic");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The kernel's weight of every pair of profiles is `pair_score`'s weight (0 below the
    /// minimum pair score), with and without install seats in the region, through the
    /// kernel's table of weights (6 vendors) and without it (the config's vendors listed
    /// twice: 12, more than the table takes), with profiles that share their vendor
    /// signature.
    #[test]
    fn the_kernel_agrees_with_the_pair_score(
        many_vendors in any::<bool>(),
        left in prop::collection::vec(prop::collection::vec(0u8..=4, 64), 1..12),
        right in prop::collection::vec(prop::collection::vec(0u8..=4, 64), 1..12),
        held in prop::collection::vec(prop::collection::vec(any::<bool>(), 64), 24),
        seats in prop::collection::vec(prop_oneof![Just(0u64), 1u64..5000], 12),
        min_pair_score in prop_oneof![Just(0.0), 40.0..80.0f64],
    ) {
        let mut config = Config::default_config();
        config.pairing.min_pair_score = min_pair_score;
        if many_vendors {
            let again = config.vendors.clone();
            config.vendors.extend(again);
        }
        let rules = PairRules::new(&config);
        let (ns, nc) = (config.skills.len(), config.certifications.len());
        assert!(ns <= 64 && nc <= 64, "the strategy draws 64 levels and certifications");
        // Profiles from drawn levels, and certifications from one of the drawn rows.
        let profiles = |levels: &[Vec<u8>]| -> Vec<Profile> {
            levels
                .iter()
                .enumerate()
                .map(|(i, lv)| {
                    let h = &held[i % held.len()];
                    Profile::new(
                        &config,
                        &rules,
                        |s| lv[s as usize],
                        |wanted| wanted.iter().any(|&c| h[c as usize]),
                    )
                })
                .collect()
        };
        // Each profile again with the next one's levels: profiles that meet the same
        // vendor requirements with other skill levels (one signature, several profiles).
        let mixed = |mut side: Vec<Profile>| -> Vec<Profile> {
            let n = side.len();
            for i in 0..n {
                let levels = side[(i + 1) % n].levels.clone();
                side.push(Profile { levels, ..side[i].clone() });
            }
            side
        };
        let (left, right) = (mixed(profiles(&left)), mixed(profiles(&right)));
        let mut seats = seats;
        seats.resize(config.vendors.len(), 0);
        let seats = RegionSeats {
            total: seats.iter().sum(),
            installs: seats.iter().map(|&s| u64::from(s > 0)).collect(),
            seats,
        };
        let (ls, rs) = (Side::new(&rules, &left), Side::new(&rules, &right));
        let table = kernel::table(&rules, &seats, Weigher::new(&config, &rules, &seats), &ls, &rs);
        for (a, pa) in left.iter().enumerate() {
            for (b, pb) in right.iter().enumerate() {
                let x = ls.profile_of()[a] as usize;
                let y = rs.profile_of()[b] as usize;
                let w = pair_score(&config, &rules, &seats, pa, pb).weight;
                let expected = if w >= rules.min_weight && w > 0 { w } else { 0 };
                prop_assert_eq!(u32::from(table[x * rs.profiles() + y]), expected);
            }
        }
    }
}

/// The certificate, checked here without the library's checker: capacities kept, prices
/// non-negative, every edge below its capacity covered (y_a + y_b ≥ w), every edge with
/// flow tight or better (y_a + y_b ≤ w, complementary slackness), every node with spare
/// capacity priced 0, and the dual objective equal to the flow's weight. Returns the
/// weight.
#[allow(clippy::needless_range_loop)] // edges by index in the CSR layout
fn certify(p: &Problem, flow: &[u64], yl: &[i64], yr: &[i64]) -> u64 {
    let (mut used_l, mut used_r) = (vec![0u64; yl.len()], vec![0u64; yr.len()]);
    let (mut primal, mut dual) = (0i128, 0i128);
    for a in 0..p.left_cap.len() {
        for e in p.offsets[a]..p.offsets[a + 1] {
            let b = p.right[e] as usize;
            let (w, f, u) = (i64::from(p.weight[e]), flow[e], p.cap[e]);
            let reduced = w - yl[a] - yr[b];
            assert!(f <= u, "edge {e} over its capacity");
            if f < u {
                assert!(reduced <= 0, "edge {e} below capacity and not covered");
            }
            if f > 0 {
                assert!(reduced >= 0, "edge {e} carries flow at a loss");
            }
            used_l[a] += f;
            used_r[b] += f;
            primal += i128::from(w) * i128::from(f);
            dual += i128::from(u) * i128::from(reduced.max(0));
        }
    }
    for (used, cap, y) in [(&used_l, &p.left_cap, yl), (&used_r, &p.right_cap, yr)] {
        for i in 0..cap.len() {
            assert!(used[i] <= cap[i], "node {i} over its capacity");
            assert!(y[i] >= 0, "node {i} has a negative price");
            if used[i] < cap[i] {
                assert_eq!(y[i], 0, "node {i} has spare capacity and a price");
            }
            dual += i128::from(cap[i]) * i128::from(y[i]);
        }
    }
    assert_eq!(primal, dual, "the dual objective differs from the weight");
    primal as u64
}

/// Issue 12: the solver at the scale of a class problem — hundreds to thousands of nodes
/// a side, weights spread over 600–1000 (pair scores of 60–100), edge capacities above 1
/// (n_i·m_j member pairs), node capacities of whole classes — each solution proven
/// optimal by its dual certificate, checked independently of the library.
#[test]
fn large_random_class_problems_are_solved_with_a_certificate() {
    let mut rng = 0x5EED_u64;
    let mut next = move |n: u64| {
        rng = rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    };
    // (left nodes, right nodes, edges per left node, dense, edge capacities all 1)
    for (nl, nr, per, dense, unit) in [
        (200, 250, 0, true, false),
        (260, 250, 0, true, true),
        (600, 500, 40, false, false),
        (1500, 1200, 12, false, false),
        (3000, 2500, 6, false, false),
        (120, 200, 0, true, false),
    ] {
        let left_cap: Vec<u64> = (0..nl).map(|_| 1 + next(60)).collect();
        let right_cap: Vec<u64> = (0..nr).map(|_| 1 + next(60)).collect();
        let (mut offsets, mut right, mut weight, mut cap) = (vec![0], vec![], vec![], vec![]);
        for _ in 0..nl {
            let mut ends: Vec<u32> = if dense {
                (0..nr as u32).collect()
            } else {
                (0..per).map(|_| next(nr as u64) as u32).collect()
            };
            ends.sort_unstable();
            ends.dedup();
            for b in ends {
                right.push(b);
                weight.push(600 + next(401) as u32);
                cap.push(if unit { 1 } else { 2 + next(30) });
            }
            offsets.push(right.len());
        }
        let p = Problem {
            left_cap,
            right_cap,
            offsets,
            right,
            weight,
            cap,
        };
        let s = solve(&p);
        let w = certify(&p, &s.flow, &s.duals.left, &s.duals.right);
        assert!(s.is_proven_optimal(&p));
        assert!(w > 0);
        // Deterministic.
        assert_eq!(solve(&p).flow, s.flow, "{nl}×{nr}");
        // Every solver, whichever `solve` picked: the same optimum.
        let ssp = successive_shortest_paths(&p);
        let cs = scaling::solve(&p).expect("prices made exact");
        let ns = simplex::solve(&p).expect("numbers in range");
        assert_eq!(certify(&p, &ssp.flow, &ssp.duals.left, &ssp.duals.right), w);
        assert_eq!(certify(&p, &cs.flow, &cs.duals.left, &cs.duals.right), w);
        assert_eq!(certify(&p, &ns.flow, &ns.duals.left, &ns.duals.right), w);
        // And `solve` picked by size and edge capacities.
        let m = p.edges();
        let expected = if m < SIMPLEX_FROM_EDGES {
            Method::ShortestPaths
        } else if unit && m >= SCALING_FROM_EDGES {
            Method::Scaling
        } else {
            Method::Simplex
        };
        assert_eq!(method(&p), expected, "{nl}×{nr}, {m} edges");
        let picked = match expected {
            Method::ShortestPaths => ssp,
            Method::Simplex => ns,
            Method::Scaling => cs,
        };
        assert_eq!(s, picked, "{nl}×{nr}: solved by {expected:?}");
    }
}

/// The independent checker refuses a solution that is feasible but not optimal, and
/// prices that do not cover an edge: it can fail.
#[test]
fn the_certificate_check_refuses_what_it_must() {
    // a0–b0 (5), a0–b1 (4), a1–b0 (4), capacities 1: the optimum takes the two 4s.
    let p = partner_problem(&[1, 1], &[1, 1], &[(0, 0, 5), (0, 1, 4), (1, 0, 4)]);
    let s = solve(&p);
    assert_eq!(certify(&p, &s.flow, &s.duals.left, &s.duals.right), 8);
    let greedy = vec![1, 0, 0];
    let refused = std::panic::catch_unwind(|| certify(&p, &greedy, &s.duals.left, &s.duals.right));
    assert!(refused.is_err());
    let zero = vec![0, 0];
    let refused = std::panic::catch_unwind(|| certify(&p, &s.flow, &zero, &zero));
    assert!(refused.is_err());
}

/// A region with a program: engagements (left, right, in effect or ended) and incumbent
/// pairs, over partners of a few profiles, and a keep bonus.
#[derive(Debug, Clone)]
struct ProgramRegion {
    region: Region,
    /// (left, right, in effect): in effect uses capacity; ended only forbids.
    engagements: Vec<(u32, u32, bool)>,
    incumbents: Vec<(u32, u32)>,
    keep_bonus: u32,
}

fn arb_program_region() -> impl Strategy<Value = ProgramRegion> {
    arb_region(4).prop_flat_map(|r| {
        let (nl, nr) = (r.2.len() as u32, r.3.len() as u32);
        (
            Just(r),
            prop::collection::btree_map((0..nl, 0..nr), any::<bool>(), 0..3),
            prop::collection::btree_set((0..nl, 0..nr), 0..5),
            prop_oneof![Just(0u32), 1u32..4, Just(25)],
        )
            .prop_map(
                |(region, engagements, incumbents, keep_bonus)| ProgramRegion {
                    region,
                    engagements: engagements
                        .into_iter()
                        .map(|((a, b), e)| (a, b, e))
                        .collect(),
                    incumbents: incumbents.into_iter().collect(),
                    keep_bonus,
                },
            )
    })
}

impl ProgramRegion {
    /// Capacities left after the engagements in effect, as docs/pairing.md says.
    fn remaining(&self) -> (Vec<u32>, Vec<u32>) {
        let (_, _, _, _, lc, rc) = &self.region;
        let (mut lc, mut rc) = (lc.clone(), rc.clone());
        for &(a, b, in_effect) in &self.engagements {
            if in_effect {
                lc[a as usize] = lc[a as usize].saturating_sub(1);
                rc[b as usize] = rc[b as usize].saturating_sub(1);
            }
        }
        (lc, rc)
    }

    fn forbidden(&self, a: u32, b: u32) -> bool {
        self.engagements.iter().any(|&(x, y, _)| (x, y) == (a, b))
    }

    fn incumbent(&self, a: u32, b: u32) -> bool {
        !self.forbidden(a, b) && self.incumbents.contains(&(a, b))
    }

    /// The special pairs as the solver takes them.
    fn special(&self) -> Vec<(u32, u32, reduce::Special)> {
        let mut v: Vec<_> = self
            .engagements
            .iter()
            .map(|&(a, b, _)| (a, b, reduce::Special::Forbidden))
            .chain(
                self.incumbents
                    .iter()
                    .filter(|&&(a, b)| self.incumbent(a, b))
                    .map(|&(a, b)| (a, b, reduce::Special::Incumbent)),
            )
            .collect();
        v.sort_unstable();
        v
    }

    /// Every feasible pairing enumerated: the best (weight + bonus · kept, kept).
    fn brute_force(&self) -> (u64, u64) {
        let (table, ny, lp, rp, _, _) = &self.region;
        let (lc, rc) = self.remaining();
        let mut edges = Vec::new();
        for (a, &x) in lp.iter().enumerate() {
            for (b, &y) in rp.iter().enumerate() {
                let w = table[x as usize * ny + y as usize];
                if w > 0 && lc[a] > 0 && rc[b] > 0 && !self.forbidden(a as u32, b as u32) {
                    edges.push((a, b, u64::from(w), self.incumbent(a as u32, b as u32)));
                }
            }
        }
        assert!(edges.len() <= 16);
        let mut best = (0, 0);
        for mask in 0u32..1 << edges.len() {
            let (mut ul, mut ur) = (vec![0u32; lc.len()], vec![0u32; rc.len()]);
            let (mut value, mut kept) = (0u64, 0u64);
            for (e, &(a, b, w, inc)) in edges.iter().enumerate() {
                if mask >> e & 1 == 1 {
                    ul[a] += 1;
                    ur[b] += 1;
                    value += w + if inc { u64::from(self.keep_bonus) } else { 0 };
                    kept += u64::from(inc);
                }
            }
            let fits =
                ul.iter().zip(&lc).all(|(u, c)| u <= c) && ur.iter().zip(&rc).all(|(u, c)| u <= c);
            if fits {
                best = best.max((value, kept));
            }
        }
        best
    }

    fn solve(&self) -> reduce::Outcome {
        self.with(reduce::solve)
    }

    /// Solved by `how` on the region with its program.
    fn with(&self, how: fn(&reduce::Region<'_>) -> reduce::Outcome) -> reduce::Outcome {
        let (table, ny, lp, rp, _, _) = &self.region;
        let (lc, rc) = self.remaining();
        how(&reduce::Region {
            table,
            right_profiles: *ny,
            left_profile: lp,
            right_profile: rp,
            left_cap: &lc,
            right_cap: &rc,
            special: &self.special(),
            keep_bonus: self.keep_bonus,
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// With engagements (in effect: capacity used and the pair not re-decided; ended:
    /// never again) and incumbents, the region's recommendation maximises the total
    /// weight plus the keep bonus per incumbent kept, then the incumbents kept — exactly
    /// the brute-force optimum of small random regions — and never selects a forbidden
    /// pair, exceeds a remaining capacity or repeats a pair.
    #[test]
    fn stable_recommendations_equal_the_brute_force_optimum(pr in arb_program_region()) {
        let (table, ny, lp, rp, _, _) = &pr.region;
        let (lc, rc) = pr.remaining();
        let mut candidates = 0;
        for (a, &x) in lp.iter().enumerate() {
            for (b, &y) in rp.iter().enumerate() {
                candidates += usize::from(
                    table[x as usize * ny + y as usize] > 0 && lc[a] > 0 && rc[b] > 0,
                );
            }
        }
        prop_assume!(candidates <= 14);
        let out = pr.solve();
        let remaining = (lc.clone(), rc.clone());
        let r = (table.clone(), *ny, lp.clone(), rp.clone(), remaining.0, remaining.1);
        let weight = check_pairs(&r, &out)?;
        for &(a, b, _) in &out.pairs {
            prop_assert!(!pr.forbidden(a, b), "an engagement's pair is recommended");
        }
        let kept = out.pairs.iter().filter(|&&(a, b, _)| pr.incumbent(a, b)).count() as u64;
        prop_assert_eq!(u64::from(out.kept), kept, "kept is counted right");
        prop_assert_eq!(
            (weight + u64::from(pr.keep_bonus) * kept, kept),
            pr.brute_force()
        );
        prop_assert_eq!(pr.solve(), out, "deterministic");
        // The method the relaxation falls back to is exact on its own too.
        let alone = pr.with(reduce::solve_alone);
        let alone_weight = check_pairs(&r, &alone)?;
        prop_assert_eq!(
            (alone_weight + u64::from(pr.keep_bonus) * u64::from(alone.kept), u64::from(alone.kept)),
            pr.brute_force()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Regions too large for brute force, with engagements and incumbents: the relaxation
    /// (classes kept whole, incumbents as arcs of their own) reaches the same objective
    /// as solving with every partner of a special pair alone.
    #[test]
    fn the_relaxation_reaches_the_exact_objective_on_larger_regions(
        (region, engagements, incumbents, keep_bonus) in arb_region(30).prop_flat_map(|r| {
            let (nl, nr) = (r.2.len() as u32, r.3.len() as u32);
            (
                Just(r),
                prop::collection::btree_map((0..nl, 0..nr), any::<bool>(), 0..8),
                prop::collection::btree_set((0..nl, 0..nr), 0..20),
                prop_oneof![Just(0u32), 1u32..4],
            )
        })
    ) {
        let pr = ProgramRegion {
            region,
            engagements: engagements.into_iter().map(|((a, b), e)| (a, b, e)).collect(),
            incumbents: incumbents.into_iter().collect(),
            keep_bonus,
        };
        let (lc, rc) = pr.remaining();
        let (table, ny, lp, rp, _, _) = &pr.region;
        let r = (table.clone(), *ny, lp.clone(), rp.clone(), lc, rc);
        let objective = |out: &reduce::Outcome| -> Result<(u64, u32), TestCaseError> {
            let w = check_pairs(&r, out)?;
            for &(a, b, _) in &out.pairs {
                prop_assert!(!pr.forbidden(a, b));
            }
            Ok((w + u64::from(pr.keep_bonus) * u64::from(out.kept), out.kept))
        };
        prop_assert_eq!(objective(&pr.solve())?, objective(&pr.with(reduce::solve_alone))?);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// The simplex's lexicographic run: its first optimum is proven for the weights, its
    /// second for `s · w + tie` (checked here against successive shortest paths on those
    /// weights), and the second keeps the first's weight: ties decide only among optima.
    #[test]
    fn the_simplex_breaks_ties_in_one_run(
        p in arb_problem(),
        ties in prop::collection::vec(any::<bool>(), 12),
    ) {
        let tie = &ties[..p.edges()];
        let s = 2 * (p.left_cap.len() + p.right_cap.len() + 2) as u64 + 2;
        let (first, second) = simplex::solve_lexicographic(&p, tie, s).expect("numbers in range");
        prop_assert!(first.is_proven_optimal(&p));
        let scaled = Problem {
            weight: p.weight.iter().zip(tie).map(|(&w, &t)| w * s as u32 + u32::from(t)).collect(),
            ..p.clone()
        };
        prop_assert!(feasible(&p, &second.flow));
        prop_assert!(second.is_proven_optimal(&scaled), "the scaled certificate fails");
        prop_assert_eq!(second.weight(&scaled), successive_shortest_paths(&scaled).weight(&scaled));
        prop_assert_eq!(weight(&p, &second.flow), first.weight(&p));
        prop_assert_eq!(simplex::solve_lexicographic(&p, tie, s), Some((first, second)));
        // A scale not above twice the nodes is declined.
        prop_assert_eq!(simplex::solve_lexicographic(&p, tie, s - 1), None);
    }
}

/// A region large enough for the network simplex (about 150 × 150 classes and class arcs),
/// with incumbents and engagements: the relaxation solved in one simplex run reaches the
/// objective of solving with every partner of a special pair alone.
#[test]
fn the_relaxation_solved_by_the_simplex_reaches_the_exact_objective() {
    let n = 150usize;
    // A deterministic spread of six weights, every pair a candidate: many ties, for the
    // incumbents to decide.
    let mut x = 12345u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let table: Vec<u16> = (0..n * n).map(|_| 400 + 50 * (next() % 6) as u16).collect();
    // Three partners a profile, of one capacity (1 or 2): classes of three, arcs of
    // capacity 9, the simplex's kind of problem.
    let m = 3 * n as u64;
    let profiles: Vec<u32> = (0..m as u32).map(|i| i / 3).collect();
    let caps: Vec<u32> = (0..m as u32).map(|i| 1 + (i / 3) % 2).collect();
    let mut pick = || (next() % m) as u32;
    let mut incumbents: Vec<(u32, u32)> = (0..40).map(|_| (pick(), pick())).collect();
    incumbents.sort_unstable();
    incumbents.dedup();
    let engagements: Vec<(u32, u32, bool)> = (0..6)
        .map(|k| (pick(), pick(), k % 2 == 0))
        .filter(|e| incumbents.binary_search(&(e.0, e.1)).is_err())
        .collect();
    for keep_bonus in [0, 3] {
        let pr = ProgramRegion {
            region: (
                table.clone(),
                n,
                profiles.clone(),
                profiles.clone(),
                caps.clone(),
                caps.clone(),
            ),
            engagements: engagements.clone(),
            incumbents: incumbents.clone(),
            keep_bonus,
        };
        let (lc, rc) = pr.remaining();
        let r = (table.clone(), n, profiles.clone(), profiles.clone(), lc, rc);
        let objective = |out: &reduce::Outcome| {
            let w = check_pairs(&r, out).expect("a valid pairing");
            assert!(out.pairs.iter().all(|&(a, b, _)| !pr.forbidden(a, b)));
            (w + u64::from(keep_bonus) * u64::from(out.kept), out.kept)
        };
        let relaxed = pr.solve();
        assert!(relaxed.classes.0 * relaxed.classes.1 >= SIMPLEX_FROM_EDGES);
        assert_eq!(
            objective(&relaxed),
            objective(&pr.with(reduce::solve_alone))
        );
        assert!(relaxed.kept > 0);
        assert_eq!(pr.solve(), relaxed, "deterministic");
    }
}

/// Interchangeable partners with one incumbent pair: the relaxation keeps the classes
/// whole (one class a side) where solving with partners alone needs three.
#[test]
fn the_relaxation_keeps_classes_whole() {
    let pr = ProgramRegion {
        region: (vec![800], 1, vec![0; 6], vec![0; 6], vec![1; 6], vec![1; 6]),
        engagements: vec![],
        incumbents: vec![(2, 3)],
        keep_bonus: 0,
    };
    let relaxed = pr.solve();
    let alone = pr.with(reduce::solve_alone);
    assert_eq!((relaxed.classes, alone.classes), ((1, 1), (2, 2)));
    assert_eq!((relaxed.pairs.len(), relaxed.kept), (6, 1));
    assert!(relaxed.pairs.iter().any(|&(a, b, _)| (a, b) == (2, 3)));
}

/// Cost scaling declines a problem whose scaled costs could overflow its prices (weights
/// near `u32::MAX` among 12,000 nodes); `solve` then still returns the proven optimum.
#[test]
fn cost_scaling_declines_what_could_overflow_and_solve_still_proves_the_optimum() {
    let n = 6_000usize;
    // Ten edges a_k – b_k among 6,000 nodes a side, the rest of the nodes isolated.
    let mut p = Problem {
        left_cap: vec![1; n],
        right_cap: vec![1; n],
        offsets: (0..=n).map(|a| a.min(10)).collect(),
        right: (0..10).collect(),
        weight: (0..10).map(|k| u32::MAX - k).collect(),
        cap: vec![1; 10],
    };
    assert_eq!(scaling::solve(&p), None);
    let s = solve(&p);
    assert!(s.is_proven_optimal(&p));
    assert_eq!(s.flow, vec![1; 10]);
    // A weight that fits: cost scaling takes it.
    p.weight = vec![1000; 10];
    assert!(scaling::solve(&p).is_some_and(|s| s.is_proven_optimal(&p)));
}

/// The network simplex declines a capacity so large that its flows could overflow (a node
/// of capacity 2⁶², which no class reaches); `solve` then still returns the proven optimum.
#[test]
fn network_simplex_declines_what_could_overflow_and_solve_still_proves_the_optimum() {
    let mut p = Problem {
        left_cap: vec![1 << 62, 1],
        right_cap: vec![1, 1],
        offsets: vec![0, 1, 3],
        right: vec![0, 0, 1],
        weight: vec![700, 800, 650],
        cap: vec![1, 1, 1],
    };
    assert_eq!(simplex::solve(&p), None);
    let s = solve(&p);
    assert!(s.is_proven_optimal(&p));
    // a1–b0 (800) beats a0–b0 (700) + a1–b1 (650)? No: 700 + 650 = 1,350.
    assert_eq!(s.flow, vec![1, 0, 1]);
    // Its arcs keep capacities and flows in 32 bits: 2^31 − 1 is declined too (the root's
    // arcs' capacity must stay above every other), as is a weight of 2^31.
    p.left_cap[0] = (1 << 31) - 1;
    assert_eq!(simplex::solve(&p), None);
    assert!(solve(&p).is_proven_optimal(&p));
    p.left_cap[0] = 5;
    p.weight[1] = 1 << 31;
    assert_eq!(simplex::solve(&p), None);
    assert!(solve(&p).is_proven_optimal(&p));
    // Numbers that fit: the simplex takes them, the largest capacity included.
    p.weight[1] = 800;
    p.left_cap[0] = (1 << 31) - 2;
    let ns = simplex::solve(&p).expect("numbers in range");
    assert!(ns.is_proven_optimal(&p));
    assert_eq!(ns.flow, vec![1, 0, 1]);
}
