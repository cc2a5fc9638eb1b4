/*!
The pair-weight kernel. Partners of one side with the same [`Profile`] weigh the same with
everyone, so each side is reduced to its distinct profiles ([`Side`]) and [`table`]
weighs every pair of profiles once — from column-wise (structure-of-arrays) profiles, so
that the loops run over contiguous arrays of small integers and vectorise.

Per pair it computes the skill numerator Σ max(scale·level_a, scale·level_b) over R (the
pair skill score is that over 12·|R|, see [`super::PairRules`]) and the seats of the
vendors the pair qualifies for (the OR of both partners' requirement masks is full and one
of them holds a certification), then the weight through the same [`Weigher`] that
[`super::pair_score`] uses, so both agree to the bit. The vendors qualified for depend only
on the requirements each profile meets, its *signature*, and a side has far fewer
signatures than profiles: they are worked out once per pair of signatures and each pair of
profiles looks its set up. With up to eight vendors the weight of every (set of vendors
qualified for, skill numerator) is worked out once per region (`Lookup`, the same
`Weigher` call) and each pair only looks its weight up.
*/

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{PairRules, Profile, RegionSeats};
use crate::config::Config;
use crate::format::tenths_at_least_zero;

/// Turns a pair's skill numerator and covered seats into its weight (the pair score in
/// tenths), exactly as docs/pairing.md defines.
#[derive(Debug, Clone, Copy)]
pub struct Weigher {
    /// 12·|R|: the skill numerator's full value.
    denom: f64,
    /// All seats of the region.
    total: u64,
    skill_weight: f64,
    vendor_weight: f64,
}

impl Weigher {
    /// The weigher of a region with `seats`.
    pub fn new(config: &Config, rules: &PairRules, seats: &RegionSeats) -> Weigher {
        Weigher {
            denom: 12.0 * rules.skill_scale.len() as f64,
            total: seats.total,
            skill_weight: config.pairing.skill_weight,
            vendor_weight: config.pairing.vendor_weight,
        }
    }

    /// (S_ab, V_ab, weight) for skill numerator `num` and `covered` seats.
    #[inline]
    pub fn parts(&self, num: u32, covered: u64) -> (f64, f64, u32) {
        let skill = f64::from(num) / self.denom;
        let (score, vendor) = if self.total == 0 {
            (100.0 * skill, 0.0)
        } else {
            let vendor = covered as f64 / self.total as f64;
            let (ws, wv) = (self.skill_weight, self.vendor_weight);
            (100.0 * (ws * skill + wv * vendor) / (ws + wv), vendor)
        };
        (skill, vendor, tenths_at_least_zero(score))
    }
}

/// One side of a region: its distinct profiles, column by column, and the profile of
/// each partner. Partners with the same profile weigh the same with everyone,
/// and a region's few thousand partners have only a few hundred distinct profiles.
/// The vendor requirements met are fewer still: profiles are grouped by them into
/// *signatures*, and whether a pair qualifies for a vendor is worked out per pair of
/// signatures.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// Distinct profiles on this side.
    n: usize,
    /// |R|: skills per profile.
    width: usize,
    /// `levels[s * n + i]`: scale(s) · capped level of profile i in the s-th skill of R.
    levels: Vec<u8>,
    /// The signature of each profile: the vendor requirements it meets.
    signature: Vec<u32>,
    /// Distinct signatures.
    signatures: usize,
    /// `skills[v * signatures + g]`: the interop skill requirements of vendor v that
    /// signature g meets.
    skills: Vec<u64>,
    /// Vendors whose certification requirement signature g meets.
    certs: Vec<u64>,
    /// The profile of each partner, numbered by first appearance.
    profile_of: Vec<u32>,
}

impl Side {
    /// The side made of `profiles`.
    pub fn new(rules: &PairRules, profiles: &[Profile]) -> Side {
        let mut distinct: FxHashMap<&Profile, u32> = FxHashMap::default();
        let mut reps: Vec<&Profile> = Vec::new();
        let profile_of = profiles
            .iter()
            .map(|p| {
                *distinct.entry(p).or_insert_with(|| {
                    reps.push(p);
                    reps.len() as u32 - 1
                })
            })
            .collect();
        let mut groups: FxHashMap<(&[u64], u64), u32> = FxHashMap::default();
        let mut group_reps: Vec<&Profile> = Vec::new();
        let signature = reps
            .iter()
            .map(|p| {
                *groups
                    .entry((&p.vendor_skills, p.vendor_certs.0))
                    .or_insert_with(|| {
                        group_reps.push(p);
                        group_reps.len() as u32 - 1
                    })
            })
            .collect();
        let (n, signatures) = (reps.len(), group_reps.len());
        let (nr, nv) = (rules.skill_scale.len(), rules.full.len());
        let mut side = Side {
            n,
            width: nr,
            levels: vec![0; nr * n],
            signature,
            signatures,
            skills: vec![0; nv * signatures],
            certs: group_reps.iter().map(|p| p.vendor_certs.0).collect(),
            profile_of,
        };
        for (i, p) in reps.iter().enumerate() {
            for (s, (&l, &u)) in p.levels.iter().zip(&rules.skill_scale).enumerate() {
                side.levels[s * n + i] = l * u as u8;
            }
        }
        for (g, p) in group_reps.iter().enumerate() {
            for (v, &m) in p.vendor_skills.iter().enumerate() {
                side.skills[v * signatures + g] = m;
            }
        }
        side
    }

    /// Number of distinct profiles.
    pub fn profiles(&self) -> usize {
        self.n
    }

    /// The profile of each partner.
    pub fn profile_of(&self) -> &[u32] {
        &self.profile_of
    }
}

/// Right profiles handled per block: the block's sums stay in registers and caches.
const BLOCK: usize = 256;

/// With at most this many vendors, weights come from a [`Lookup`] table.
const LOOKUP_VENDORS: usize = 8;

/// Every weight a pair can have, by (vendors qualified for, skill numerator): the same
/// [`Weigher::parts`] of the same two numbers, computed once per region instead of once
/// per pair (2^V·(12·|R| + 1) entries).
struct Lookup {
    /// 12·|R| + 1: the skill numerators.
    width: usize,
    weights: Vec<u16>,
}

impl Lookup {
    fn new(rules: &PairRules, seats: &RegionSeats, weigher: Weigher) -> Option<Lookup> {
        let nv = rules.full.len();
        if nv > LOOKUP_VENDORS {
            return None;
        }
        let width = 12 * rules.skill_scale.len() + 1;
        let mut weights = Vec::with_capacity(width << nv);
        for mask in 0..1usize << nv {
            let covered = covered(seats, mask as u64);
            // A weight is at most 1000 (a pair score of 100.0).
            weights.extend((0..width as u32).map(|num| weigher.parts(num, covered).2 as u16));
        }
        Some(Lookup { width, weights })
    }
}

/// The weight of every (left profile, right profile) pair: `table[x * right profiles + y]`,
/// 0 where the pair is below the minimum pair score. Left profiles are weighed in
/// parallel.
pub fn table(
    rules: &PairRules,
    seats: &RegionSeats,
    weigher: Weigher,
    left: &Side,
    right: &Side,
) -> Vec<u16> {
    let ny = right.n;
    let mut table = vec![0u16; left.n * ny];
    if ny > 0 {
        let min = rules.min_weight.max(1);
        let lookup = Lookup::new(rules, seats, weigher);
        // The vendors each pair of signatures qualifies for.
        let mut qualified = vec![0u64; left.signatures * right.signatures];
        for (g, row) in qualified.chunks_mut(right.signatures).enumerate() {
            qualified_vendors(rules, left, right, g, row);
        }
        table.par_chunks_mut(ny).enumerate().for_each(|(x, out)| {
            let g = left.signature[x] as usize;
            let qualified = &qualified[g * right.signatures..(g + 1) * right.signatures];
            profile_row(
                seats,
                weigher,
                lookup.as_ref(),
                left,
                right,
                qualified,
                x,
                out,
            );
            for w in out {
                if u32::from(*w) < min {
                    *w = 0;
                }
            }
        });
    }
    table
}

/// Adds `scale · max(level_a, level_b)` over R for left profile `x` and the right
/// profiles `start..start + num.len()`.
fn skill_numerators(l: &Side, r: &Side, x: usize, start: usize, num: &mut [u16]) {
    let len = num.len();
    for s in 0..l.width {
        let la = l.levels[s * l.n + x];
        let col = &r.levels[s * r.n + start..s * r.n + start + len];
        for (acc, &lb) in num.iter_mut().zip(col) {
            *acc += u16::from(la.max(lb));
        }
    }
}

/// The seats of the vendors in `mask` (bit v for vendor v).
fn covered(seats: &RegionSeats, mask: u64) -> u64 {
    (0..seats.seats.len())
        .filter(|v| mask >> v & 1 == 1)
        .map(|v| seats.seats[v])
        .sum()
}

/// Marks, per pair of left signature `g` with every right signature, the vendors it
/// qualifies for: the OR of both requirement masks is full and one of the two holds a
/// certification (bit v of `q` for vendor v).
fn qualified_vendors(rules: &PairRules, l: &Side, r: &Side, g: usize, q: &mut [u64]) {
    let ca = l.certs[g];
    for (v, &full) in rules.full.iter().enumerate() {
        let sa = l.skills[v * l.signatures + g];
        let col = &r.skills[v * r.signatures..(v + 1) * r.signatures];
        for ((q, &sb), &cb) in q.iter_mut().zip(col).zip(&r.certs) {
            let ok = (sa | sb) == full && ((ca | cb) >> v) & 1 == 1;
            *q |= u64::from(ok) << v;
        }
    }
}

/// The weights of left profile `x` with every right profile: looked up in the region's
/// [`Lookup`] when it has one, else weighed from the seats of the vendors qualified for
/// (`qualified[g]` for right signature g).
#[allow(clippy::too_many_arguments)]
fn profile_row(
    seats: &RegionSeats,
    weigher: Weigher,
    lookup: Option<&Lookup>,
    l: &Side,
    r: &Side,
    qualified: &[u64],
    x: usize,
    out: &mut [u16],
) {
    let mut num = [0u16; BLOCK];
    for start in (0..r.n).step_by(BLOCK) {
        let len = BLOCK.min(r.n - start);
        let num = &mut num[..len];
        num.fill(0);
        skill_numerators(l, r, x, start, num);
        let pairs = out[start..start + len].iter_mut().zip(&*num).zip(
            r.signature[start..start + len]
                .iter()
                .map(|&g| qualified[g as usize]),
        );
        match lookup {
            Some(lookup) => {
                for ((w, &n), q) in pairs {
                    *w = lookup.weights[q as usize * lookup.width + usize::from(n)];
                }
            }
            None => {
                for ((w, &n), q) in pairs {
                    // A weight is at most 1000 (a pair score of 100.0).
                    *w = weigher.parts(u32::from(n), covered(seats, q)).2 as u16;
                }
            }
        }
    }
}
