/*!
Pairing (docs/pairing.md): candidate pairs and their scores per region, then the exact
maximum-weight b-matching of each region. Regions are independent and solved in parallel
with rayon.

Candidates come from compact per-partner profiles: each partner's levels capped at the
pair requirements R, a bitmask per vendor of the interop skill requirements it meets, and
a vendor bitmask of the certification requirements it meets. A pair then qualifies for
vendor v when the OR of the two masks is full and either holds a certification — a few
word operations per vendor. [`kernel`] groups each side's partners by profile and weighs
every pair of profiles once, vectorised; [`reduce`] merges interchangeable partners (same
capacity, same weight with everyone) into classes, solves the region between classes with
the exact min-cost-flow solver of [`flow`] and hands the pairs back to partners — the same
optimum, proven in its docs — so the millions of candidate pairs of a large region are
never built one by one.
*/

pub mod flow;
pub mod kernel;
pub mod reduce;

use rayon::prelude::*;

use crate::config::{Config, SkillId};
use crate::ingest::{Dataset, PartnerId, RegionId};
use crate::score::{Horizon, Scores, VendorSet};
use kernel::{Side, Weigher};

/// Seats of a region's valid installs per vendor (cleared partners included).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegionSeats {
    /// Seats per vendor.
    pub seats: Vec<u64>,
    /// Installs per vendor.
    pub installs: Vec<u64>,
    /// All seats of the region.
    pub total: u64,
}

/// Seats and installs per region and vendor.
pub fn region_seats(d: &Dataset, config: &Config) -> Vec<RegionSeats> {
    let nv = config.vendors.len();
    let inst = &d.installs;
    (0..d.regions.len())
        .map(|r| {
            let cells = r * nv..(r + 1) * nv;
            let seats = inst.seats[cells.clone()].to_vec();
            RegionSeats {
                total: seats.iter().sum(),
                seats,
                installs: inst.per_vendor[cells].to_vec(),
            }
        })
        .collect()
}

/// What pairing needs of one partner.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Profile {
    /// Levels on R, capped at each requirement.
    pub levels: Vec<u8>,
    /// Per vendor, the interop skill requirements met (bit i = i-th requirement).
    pub vendor_skills: Vec<u64>,
    /// Vendors whose certification requirement is met (or empty).
    pub vendor_certs: VendorSet,
}

/// Pairing requirements derived from the config.
#[derive(Debug, Clone)]
pub struct PairRules {
    /// R: the union of both pairing tracks' skills, higher level where both name one.
    pub skills: Vec<(SkillId, u8)>,
    /// Per vendor, the mask of all its interop skill requirements.
    pub full: Vec<u64>,
    /// Lowest selectable weight: `floor(10·min_pair_score + 0.5)`.
    pub min_weight: u32,
    /// Per skill of R, 12 / required level: with levels capped at the requirement, the
    /// pair skill score is the exact fraction Σ scale·max(level) / (12·|R|).
    skill_scale: Vec<u32>,
}

impl PairRules {
    /// Derives the rules from `config`.
    pub fn new(config: &Config) -> PairRules {
        PairRules {
            skills: config.pair_skills(),
            full: config
                .vendors
                .iter()
                .map(|v| (1u64 << v.interop_skills.len()) - 1)
                .collect(),
            min_weight: (10.0 * config.pairing.min_pair_score + 0.5).floor() as u32,
            skill_scale: config
                .pair_skills()
                .iter()
                .map(|&(_, r)| 12 / u32::from(r))
                .collect(),
        }
    }
}

impl Profile {
    /// The profile of a partner with levels `level_of(skill)` that holds a valid
    /// certification among `certs` when `holds(certs)`.
    pub fn new(
        config: &Config,
        rules: &PairRules,
        level_of: impl Fn(SkillId) -> u8,
        holds: impl Fn(&[crate::config::CertId]) -> bool,
    ) -> Profile {
        let levels = rules
            .skills
            .iter()
            .map(|&(s, r)| level_of(s).min(r))
            .collect();
        let vendor_skills = config
            .vendors
            .iter()
            .map(|v| {
                v.interop_skills
                    .iter()
                    .enumerate()
                    .filter(|&(_, &(s, r))| level_of(s) >= r)
                    .fold(0u64, |m, (i, _)| m | (1 << i))
            })
            .collect();
        let mut vendor_certs = VendorSet::default();
        for (vi, v) in config.vendors.iter().enumerate() {
            if v.interop_certifications.is_empty() || holds(&v.interop_certifications) {
                vendor_certs.insert(vi as u16);
            }
        }
        Profile {
            levels,
            vendor_skills,
            vendor_certs,
        }
    }
}

/// The profile of partner `p` at horizon `h`.
pub fn profile(
    config: &Config,
    rules: &PairRules,
    scores: &Scores,
    p: PartnerId,
    h: Horizon,
) -> Profile {
    let lv = scores.levels_of(p);
    let held = &scores.certs[p as usize];
    Profile::new(
        config,
        rules,
        |s| lv[s as usize],
        |wanted| {
            held.iter()
                .any(|c| c.valid_at(h) && wanted.contains(&c.cert))
        },
    )
}

/// The vendors a set of partners qualifies for together.
pub fn qualified_together(rules: &PairRules, members: &[&Profile]) -> VendorSet {
    let mut q = VendorSet::default();
    for v in 0..rules.full.len() {
        let skills = members.iter().fold(0u64, |m, p| m | p.vendor_skills[v]);
        let certs = members.iter().any(|p| p.vendor_certs.contains(v as u16));
        if skills == rules.full[v] && certs {
            q.insert(v as u16);
        }
    }
    q
}

/// A pair's score parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    /// Pair skill score S_ab, 0..=1.
    pub skill: f64,
    /// Pair vendor score V_ab, 0..=1 (0 when the region has no seats).
    pub vendor: f64,
    /// Weight: the pair score in tenths.
    pub weight: u32,
    /// Vendors the pair qualifies for.
    pub qualified: VendorSet,
}

/// Scores a pair as docs/pairing.md, "The pair score", defines.
pub fn pair_score(
    config: &Config,
    rules: &PairRules,
    seats: &RegionSeats,
    a: &Profile,
    b: &Profile,
) -> PairScore {
    // S_ab = mean over R of min(max(la, lb), r) / r, as one exact fraction (levels are
    // capped at r in the profiles and 12 is a multiple of every level 1..=4).
    let num: u32 = rules
        .skill_scale
        .iter()
        .zip(a.levels.iter().zip(&b.levels))
        .map(|(&u, (&la, &lb))| u * u32::from(la.max(lb)))
        .sum();
    let certs = a.vendor_certs.0 | b.vendor_certs.0;
    let mut qualified = VendorSet::default();
    for (v, &full) in rules.full.iter().enumerate() {
        if (certs >> v) & 1 == 1 && (a.vendor_skills[v] | b.vendor_skills[v]) == full {
            qualified.insert(v as u16);
        }
    }
    let covered: u64 = qualified.iter().map(|v| seats.seats[v as usize]).sum();
    let (skill, vendor, weight) = Weigher::new(config, rules, seats).parts(num, covered);
    PairScore {
        skill,
        vendor,
        weight,
        qualified,
    }
}

/// A selected pair.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedPair {
    /// Left partner.
    pub left: PartnerId,
    /// Right partner.
    pub right: PartnerId,
    /// Its score parts.
    pub score: PairScore,
}

/// One region's pairing.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionPairing {
    /// The region.
    pub region: RegionId,
    /// Eligible left partners with capacity ≥ 1.
    pub left: Vec<PartnerId>,
    /// Eligible right partners with capacity ≥ 1.
    pub right: Vec<PartnerId>,
    /// Candidate pairs (weight at least the minimum).
    pub candidates: usize,
    /// The selected pairs, sorted by (left id, right id).
    pub pairs: Vec<SelectedPair>,
    /// Sum of the selected weights.
    pub total_weight: u64,
    /// (partner, pairs it is in) of every partner in at least one pair, by partner.
    pub paired: Vec<(PartnerId, u32)>,
}

impl RegionPairing {
    /// How many selected pairs partner `p` is in.
    pub fn pairs_of(&self, p: PartnerId) -> u32 {
        self.paired
            .binary_search_by_key(&p, |e| e.0)
            .map_or(0, |i| self.paired[i].1)
    }
}

/// The pairing of every region.
#[derive(Debug, Clone, PartialEq)]
pub struct Pairing {
    /// Per region, in region order.
    pub regions: Vec<RegionPairing>,
    /// Seats per region and vendor.
    pub seats: Vec<RegionSeats>,
}

/// The capacity of partner `p`.
pub fn capacity(d: &Dataset, config: &Config, p: PartnerId) -> u32 {
    d.partners[p as usize]
        .capacity
        .unwrap_or(config.pairing.default_capacity)
}

/// Builds candidates and solves one region.
pub fn pair_region(
    d: &Dataset,
    config: &Config,
    rules: &PairRules,
    scores: &Scores,
    seats: &RegionSeats,
    region: RegionId,
) -> RegionPairing {
    let side = |track| -> Vec<PartnerId> {
        (0..d.partners.len() as PartnerId)
            .filter(|&p| {
                let partner = &d.partners[p as usize];
                partner.region == region
                    && partner.track == track
                    && scores.partners[p as usize].eligible
                    && capacity(d, config, p) >= 1
            })
            .collect()
    };
    let left = side(config.pairing.left_track);
    let right = side(config.pairing.right_track);
    let lp: Vec<Profile> = left
        .iter()
        .map(|&p| profile(config, rules, scores, p, Horizon::NOW))
        .collect();
    let rp: Vec<Profile> = right
        .iter()
        .map(|&p| profile(config, rules, scores, p, Horizon::NOW))
        .collect();
    let (ls, rs) = (Side::new(rules, &lp), Side::new(rules, &rp));
    let table = kernel::table(rules, seats, Weigher::new(config, rules, seats), &ls, &rs);
    let caps =
        |side: &[PartnerId]| -> Vec<u32> { side.iter().map(|&p| capacity(d, config, p)).collect() };
    let (left_cap, right_cap) = (caps(&left), caps(&right));
    let outcome = reduce::solve(&reduce::Region {
        table: &table,
        right_profiles: rs.profiles(),
        left_profile: ls.profile_of(),
        right_profile: rs.profile_of(),
        left_cap: &left_cap,
        right_cap: &right_cap,
    });
    let mut pairs: Vec<SelectedPair> = outcome
        .pairs
        .iter()
        .map(|&(i, j, _)| SelectedPair {
            left: left[i as usize],
            right: right[j as usize],
            score: pair_score(config, rules, seats, &lp[i as usize], &rp[j as usize]),
        })
        .collect();
    debug_assert!(
        outcome
            .pairs
            .iter()
            .zip(&pairs)
            .all(|(o, p)| o.2 == p.score.weight),
        "the kernel and pair_score agree"
    );
    // Partner ids sort like their indices (partners are sorted by id).
    pairs.sort_by_key(|p| (p.left, p.right));
    let mut members: Vec<PartnerId> = pairs.iter().flat_map(|p| [p.left, p.right]).collect();
    members.sort_unstable();
    let mut paired: Vec<(PartnerId, u32)> = Vec::new();
    for p in members {
        match paired.last_mut() {
            Some(last) if last.0 == p => last.1 += 1,
            _ => paired.push((p, 1)),
        }
    }
    RegionPairing {
        region,
        paired,
        total_weight: pairs.iter().map(|p| u64::from(p.score.weight)).sum(),
        left,
        right,
        candidates: outcome.candidates as usize,
        pairs,
    }
}

/// Pairs every region (in parallel).
pub fn pair(d: &Dataset, config: &Config, scores: &Scores) -> Pairing {
    let rules = PairRules::new(config);
    let seats = region_seats(d, config);
    let regions = (0..d.regions.len() as RegionId)
        .into_par_iter()
        .map(|r| pair_region(d, config, &rules, scores, &seats[r as usize], r))
        .collect();
    Pairing { regions, seats }
}
