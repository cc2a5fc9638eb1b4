//! Pairing (SPEC §4): the b-matching is a proven optimum — equal to a brute-force optimum
//! on thousands of small random graphs, with a dual certificate that checks — and never
//! exceeds a capacity; solving over classes of interchangeable partners gives the same
//! optimum as solving every partner pair; and the vectorised weight kernel agrees with
//! the pair score of SPEC §4 on every pair.

use proptest::prelude::*;
use uc_readiness::config::Config;
use uc_readiness::pair::flow::{Problem, solve};
use uc_readiness::pair::kernel::{self, Side, Weigher};
use uc_readiness::pair::{PairRules, Profile, RegionSeats, pair_score, reduce};

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

/// A partner profile from raw levels per configured skill and held certifications.
fn arb_profile(config: &Config, rules: &PairRules) -> impl Strategy<Value = Profile> + use<> {
    let (ns, nc) = (config.skills.len(), config.certifications.len());
    let (config, rules) = (config.clone(), rules.clone());
    (
        prop::collection::vec(0u8..=4, ns),
        prop::collection::vec(any::<bool>(), nc),
    )
        .prop_map(move |(levels, held)| {
            Profile::new(
                &config,
                &rules,
                |s| levels[s as usize],
                |wanted| wanted.iter().any(|&c| held[c as usize]),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The kernel's weight of every pair of profiles is `pair_score`'s weight (0 below the
    /// minimum pair score), with and without install seats in the region.
    #[test]
    fn the_kernel_agrees_with_the_pair_score(
        (left, right) in {
            let config = Config::default_config();
            let rules = PairRules::new(&config);
            (
                prop::collection::vec(arb_profile(&config, &rules), 1..12),
                prop::collection::vec(arb_profile(&config, &rules), 1..12),
            )
        },
        seats in prop::collection::vec(prop_oneof![Just(0u64), 1u64..5000], 6),
        min_pair_score in prop_oneof![Just(0.0), 40.0..80.0f64],
    ) {
        let mut config = Config::default_config();
        config.pairing.min_pair_score = min_pair_score;
        let rules = PairRules::new(&config);
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
                let x = ls.class_of()[a] as usize;
                let y = rs.class_of()[b] as usize;
                let w = pair_score(&config, &rules, &seats, pa, pb).weight;
                let expected = if w >= rules.min_weight && w > 0 { w } else { 0 };
                prop_assert_eq!(u32::from(table[x * rs.classes() + y]), expected);
            }
        }
    }
}
