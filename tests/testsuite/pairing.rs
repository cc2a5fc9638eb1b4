//! Pairing (SPEC §4): the b-matching is a proven optimum — equal to a brute-force optimum
//! on thousands of small random graphs — and never exceeds a capacity.

use proptest::prelude::*;
use uc_readiness::pair::flow::{Problem, solve};

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
            let mut offsets = vec![0];
            let (mut right, mut weight) = (Vec::new(), Vec::new());
            for a in 0..left_cap.len() as u32 {
                for (i, &(l, r)) in edges.iter().enumerate() {
                    if l == a {
                        right.push(r);
                        weight.push(weights[i]);
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
            }
        })
}

fn left_of(p: &Problem, e: usize) -> usize {
    (0..p.left_cap.len())
        .find(|&a| p.offsets[a] <= e && e < p.offsets[a + 1])
        .unwrap()
}

fn feasible(p: &Problem, sel: &[bool]) -> bool {
    let mut ul = vec![0u32; p.left_cap.len()];
    let mut ur = vec![0u32; p.right_cap.len()];
    for e in (0..sel.len()).filter(|&e| sel[e]) {
        ul[left_of(p, e)] += 1;
        ur[p.right[e] as usize] += 1;
    }
    ul.iter().zip(&p.left_cap).all(|(u, c)| u <= c)
        && ur.iter().zip(&p.right_cap).all(|(u, c)| u <= c)
}

fn weight(p: &Problem, sel: &[bool]) -> u64 {
    (0..sel.len())
        .filter(|&e| sel[e])
        .map(|e| u64::from(p.weight[e]))
        .sum()
}

fn brute_force(p: &Problem) -> u64 {
    let m = p.right.len();
    (0u32..1 << m)
        .map(|mask| (0..m).map(|e| mask & (1 << e) != 0).collect::<Vec<bool>>())
        .filter(|sel| feasible(p, sel))
        .map(|sel| weight(p, &sel))
        .max()
        .unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_pairing_equals_the_brute_force_optimum(p in arb_problem()) {
        let sel = solve(&p);
        prop_assert_eq!(sel.len(), p.right.len());
        prop_assert!(feasible(&p, &sel), "a capacity is exceeded");
        prop_assert_eq!(weight(&p, &sel), brute_force(&p));
        // Deterministic: the same input gives the same pairs.
        prop_assert_eq!(solve(&p), sel);
    }
}
