/*!
Pairing (docs/pairing.md): candidate pairs and their scores per region, then the exact
maximum-weight b-matching of each region. Regions are independent and solved in parallel
with rayon, taken from one queue largest first.

Candidates come from compact per-partner profiles: each partner's levels capped at the
pair requirements R, a bitmask per vendor of the interop skill requirements it meets, and
a vendor bitmask of the certification requirements it meets. A pair then qualifies for
vendor v when the OR of the two masks is full and either holds a certification — a few
word operations per vendor. [`kernel`] groups each side's partners by profile and weighs
every pair of profiles once, vectorised; [`reduce`] merges interchangeable partners (same
capacity, same weight with everyone) into classes, solves the region between classes with
the exact min-cost-flow solver of [`flow`] (which hands larger class problems to the
network simplex of [`simplex`] or, when they are large and assignment-like, to the cost
scaling of [`scaling`]) and gives the pairs back to partners — the same optimum, proven
in its docs — so the millions of candidate pairs of a large region are never built one by
one.
*/

pub mod flow;
pub mod kernel;
pub mod reduce;
pub mod scaling;
pub mod simplex;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

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
        Profile::certified(config, rules, level_of, certified_by(config, holds))
    }

    /// The profile of a partner with levels `level_of(skill)` that meets the
    /// certification requirement of the vendors `vendor_certs`.
    pub fn certified(
        config: &Config,
        rules: &PairRules,
        level_of: impl Fn(SkillId) -> u8,
        vendor_certs: VendorSet,
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
    let certified = certified_vendors(config, scores, p, h);
    profile_with(config, rules, scores, p, certified)
}

/// Partner `p`'s profile when the vendors its certifications qualify for are known.
fn profile_with(
    config: &Config,
    rules: &PairRules,
    scores: &Scores,
    p: PartnerId,
    certified: VendorSet,
) -> Profile {
    let lv = scores.levels_of(p);
    Profile::certified(config, rules, |s| lv[s as usize], certified)
}

/// The vendors whose certification requirement partner `p` meets at horizon `h`: it
/// holds one of the vendor's interop certifications valid then, or the vendor has none.
pub fn certified_vendors(config: &Config, scores: &Scores, p: PartnerId, h: Horizon) -> VendorSet {
    let held = &scores.certs[p as usize];
    certified_by(config, |wanted| {
        held.iter()
            .any(|c| c.valid_at(h) && wanted.contains(&c.cert))
    })
}

/// The vendors without a certification requirement and those whose interop
/// certifications `holds` says a partner holds one of.
fn certified_by(config: &Config, holds: impl Fn(&[crate::config::CertId]) -> bool) -> VendorSet {
    let mut certified = VendorSet::default();
    for (v, vendor) in config.vendors.iter().enumerate() {
        let wanted = &vendor.interop_certifications;
        if wanted.is_empty() || holds(wanted) {
            certified.insert(v as u16);
        }
    }
    certified
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

/// Where a delivery-unit pair comes from (docs/pairing.md, "Engagements").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// An engagement in effect: part of the pairing as it is, not re-decided.
    Engagement,
    /// Recommended, and a proposed engagement.
    Proposed,
    /// Recommended by the previous run and again now.
    Previous,
    /// Recommended for the first time.
    New,
}

impl Origin {
    /// The spelling in `pairs.csv` and the history.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Engagement => "engagement",
            Origin::Proposed => "proposed",
            Origin::Previous => "previous",
            Origin::New => "new",
        }
    }

    /// Parses [`Origin::as_str`]'s spelling.
    pub fn parse(s: &str) -> Option<Origin> {
        [
            Origin::Engagement,
            Origin::Proposed,
            Origin::Previous,
            Origin::New,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }

    /// Whether the pair is a recommendation (not an engagement in effect).
    pub fn is_recommended(self) -> bool {
        self != Origin::Engagement
    }
}

/// Why an engagement in effect no longer meets the candidate rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum AtRisk {
    /// A partner is not eligible (high).
    NotEligible(PartnerId),
    /// A partner is in more engagements in effect than its capacity (medium).
    OverCapacity(PartnerId),
    /// The pair score is below `min_pair_score` (medium).
    BelowMinimum,
    /// The pair covered this vendor in the previous run and no longer qualifies for it
    /// (medium).
    LostVendor(crate::config::VendorId),
}

impl AtRisk {
    /// Whether the reason is of high severity.
    pub fn is_high(self) -> bool {
        matches!(self, AtRisk::NotEligible(_))
    }
}

/// A delivery-unit pair: an engagement in effect or a recommended pair.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedPair {
    /// Left partner.
    pub left: PartnerId,
    /// Right partner.
    pub right: PartnerId,
    /// Its score parts.
    pub score: PairScore,
    /// Where it comes from.
    pub origin: Origin,
    /// For an engagement in effect: its index in [`Dataset::engagements`].
    pub engagement: Option<u32>,
    /// For an engagement in effect: every reason it is at risk, in order.
    pub at_risk: Vec<AtRisk>,
}

/// The recommendations' stability figures of a region (docs/pairing.md, "Stable
/// recommendations").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stability {
    /// The optimum total weight without the keep bonus (equals the recommended total
    /// when the bonus is 0).
    pub optimum_weight: u64,
    /// Incumbent pairs: proposed engagements and the previous run's recommendations,
    /// neither in effect nor ended now.
    pub incumbents: u32,
    /// Incumbent pairs recommended again.
    pub kept: u32,
}

/// One region's pairing.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionPairing {
    /// The region.
    pub region: RegionId,
    /// Eligible left partners with capacity left after their engagements in effect.
    pub left: Vec<PartnerId>,
    /// Eligible right partners with capacity left after their engagements in effect.
    pub right: Vec<PartnerId>,
    /// Candidate pairs (weight at least the minimum, neither in effect nor ended).
    pub candidates: usize,
    /// The delivery-unit pairs — engagements in effect and recommended pairs — sorted by
    /// (left id, right id).
    pub pairs: Vec<SelectedPair>,
    /// Sum of the recommended pairs' weights.
    pub total_weight: u64,
    /// Incumbents kept and the optimum without the keep bonus.
    pub stability: Stability,
    /// (partner, delivery-unit pairs it is in) of every partner in at least one, by
    /// partner.
    pub paired: Vec<(PartnerId, u32)>,
}

impl RegionPairing {
    /// How many delivery-unit pairs partner `p` is in.
    pub fn pairs_of(&self, p: PartnerId) -> u32 {
        self.paired
            .binary_search_by_key(&p, |e| e.0)
            .map_or(0, |i| self.paired[i].1)
    }

    /// The recommended pairs (not engagements in effect).
    pub fn recommended(&self) -> impl Iterator<Item = &SelectedPair> {
        self.pairs.iter().filter(|p| p.origin.is_recommended())
    }

    /// The engagements in effect.
    pub fn engaged(&self) -> impl Iterator<Item = &SelectedPair> {
        self.pairs.iter().filter(|p| !p.origin.is_recommended())
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

/// One delivery-unit pair of the previous run, in this run's partner ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviousPair {
    /// Left partner.
    pub left: PartnerId,
    /// Right partner.
    pub right: PartnerId,
    /// Whether the previous run recommended it (else it was an engagement in effect).
    pub recommended: bool,
    /// The vendors it qualified for then.
    pub vendors: VendorSet,
}

/// What pairing knows of the program's past beyond the engagements table: the previous
/// run's delivery-unit pairs whose partners are still valid, sorted by (left, right).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Previous {
    /// The pairs.
    pub pairs: Vec<PreviousPair>,
}

impl Previous {
    fn get(&self, left: PartnerId, right: PartnerId) -> Option<&PreviousPair> {
        self.pairs
            .binary_search_by_key(&(left, right), |p| (p.left, p.right))
            .ok()
            .map(|i| &self.pairs[i])
    }
}

/// The capacity of partner `p`.
pub fn capacity(d: &Dataset, config: &Config, p: PartnerId) -> u32 {
    d.partners[p as usize]
        .capacity
        .unwrap_or(config.pairing.default_capacity)
}

/// An engagement in effect, with its partners' `profiles` today (left, right): its pair
/// score today and every reason it is at risk, in order — a partner not eligible, a
/// partner in more engagements in effect (`engaged_in`) than its capacity, the pair score
/// below the minimum, a vendor it covered in the previous run (`before`) that it no longer
/// qualifies for.
#[allow(clippy::too_many_arguments)]
pub fn engagement_risks(
    d: &Dataset,
    config: &Config,
    rules: &PairRules,
    scores: &Scores,
    seats: &RegionSeats,
    e: &crate::ingest::Engagement,
    profiles: [&Profile; 2],
    engaged_in: &dyn Fn(PartnerId) -> u32,
    before: Option<&PreviousPair>,
) -> (PairScore, Vec<AtRisk>) {
    let score = pair_score(config, rules, seats, profiles[0], profiles[1]);
    let mut at_risk = Vec::new();
    for p in [e.left, e.right] {
        if !scores.partners[p as usize].eligible {
            at_risk.push(AtRisk::NotEligible(p));
        }
    }
    for p in [e.left, e.right] {
        if engaged_in(p) > capacity(d, config, p) {
            at_risk.push(AtRisk::OverCapacity(p));
        }
    }
    if score.weight < rules.min_weight {
        at_risk.push(AtRisk::BelowMinimum);
    }
    if let Some(before) = before {
        let lost = VendorSet(before.vendors.0 & !score.qualified.0);
        at_risk.extend(lost.iter().map(AtRisk::LostVendor));
    }
    (score, at_risk)
}

/// Engagements in effect on `as_of` per partner.
pub fn engaged_counts(d: &Dataset, as_of: chrono::NaiveDate) -> FxHashMap<PartnerId, u32> {
    let mut engaged: FxHashMap<PartnerId, u32> = FxHashMap::default();
    for e in &d.engagements {
        if e.state(as_of) == crate::ingest::EngagementState::InEffect {
            *engaged.entry(e.left).or_default() += 1;
            *engaged.entry(e.right).or_default() += 1;
        }
    }
    engaged
}

/// One region's part of the program: its engagements (indices into
/// [`Dataset::engagements`]) and the previous run's pairs.
struct Program<'a> {
    engagements: &'a [u32],
    /// The region's partners, in partner order.
    partners: &'a [PartnerId],
    /// The vendors whose certification requirement each partner meets today, by partner.
    certified: &'a [VendorSet],
    /// Engagements in effect per partner.
    engaged: &'a FxHashMap<PartnerId, u32>,
    previous: &'a Previous,
}

/// Builds candidates and solves one region.
#[allow(clippy::too_many_arguments)]
fn pair_region(
    d: &Dataset,
    config: &Config,
    rules: &PairRules,
    scores: &Scores,
    seats: &RegionSeats,
    region: RegionId,
    program: Program<'_>,
) -> RegionPairing {
    use crate::ingest::EngagementState;
    let profile_of =
        |p: PartnerId| profile_with(config, rules, scores, p, program.certified[p as usize]);
    // Engagements: in effect (fixed, using capacity), ended (never again), proposed
    // (incumbents).
    let mut in_effect: Vec<(u32, &crate::ingest::Engagement)> = Vec::new();
    let mut never: Vec<(PartnerId, PartnerId)> = Vec::new();
    let mut proposed: Vec<(PartnerId, PartnerId)> = Vec::new();
    for &i in program.engagements {
        let e = &d.engagements[i as usize];
        match e.state(scores.as_of) {
            EngagementState::InEffect => {
                in_effect.push((i, e));
                never.push((e.left, e.right));
            }
            EngagementState::Ended => never.push((e.left, e.right)),
            EngagementState::Proposed => proposed.push((e.left, e.right)),
        }
    }
    proposed.sort_unstable();
    let mut incumbents = proposed.clone();
    let engaged_in = |p: PartnerId| program.engaged.get(&p).copied().unwrap_or(0);
    let remaining = |p: PartnerId| capacity(d, config, p).saturating_sub(engaged_in(p));
    incumbents.extend(
        program
            .previous
            .pairs
            .iter()
            .filter(|p| p.recommended && d.partners[p.left as usize].region == region)
            .map(|p| (p.left, p.right)),
    );
    never.sort_unstable();
    incumbents.sort_unstable();
    incumbents.dedup();
    incumbents.retain(|p| never.binary_search(p).is_err());

    let side = |track| -> Vec<PartnerId> {
        program
            .partners
            .iter()
            .copied()
            .filter(|&p| {
                let partner = &d.partners[p as usize];
                partner.track == track && scores.partners[p as usize].eligible && remaining(p) >= 1
            })
            .collect()
    };
    let left = side(config.pairing.left_track);
    let right = side(config.pairing.right_track);
    let lp: Vec<Profile> = left.iter().map(|&p| profile_of(p)).collect();
    let rp: Vec<Profile> = right.iter().map(|&p| profile_of(p)).collect();
    let (ls, rs) = (Side::new(rules, &lp), Side::new(rules, &rp));
    let table = kernel::table(rules, seats, Weigher::new(config, rules, seats), &ls, &rs);
    let caps = |side: &[PartnerId]| -> Vec<u32> { side.iter().map(|&p| remaining(p)).collect() };
    let (left_cap, right_cap) = (caps(&left), caps(&right));
    // The special pairs among the candidates' partners, by side index (both sides are
    // sorted by partner id).
    let at = |side: &[PartnerId], p: PartnerId| side.binary_search(&p).ok().map(|i| i as u32);
    let specials = |pairs: &[(PartnerId, PartnerId)], how| -> Vec<(u32, u32, reduce::Special)> {
        pairs
            .iter()
            .filter_map(|&(a, b)| Some((at(&left, a)?, at(&right, b)?, how)))
            .collect()
    };
    // The pairs that may not be chosen, and those with the incumbents added.
    let forbidden = specials(&never, reduce::Special::Forbidden);
    let mut special = forbidden.clone();
    special.extend(specials(&incumbents, reduce::Special::Incumbent));
    special.sort_unstable();
    let solve = |special: &[(u32, u32, reduce::Special)], keep_bonus: u32| {
        reduce::solve(&reduce::Region {
            table: &table,
            right_profiles: rs.profiles(),
            left_profile: ls.profile_of(),
            right_profile: rs.profile_of(),
            left_cap: &left_cap,
            right_cap: &right_cap,
            special,
            keep_bonus,
        })
    };
    let outcome = solve(&special, config.pairing.keep_bonus_tenths);
    let mut pairs: Vec<SelectedPair> = outcome
        .pairs
        .iter()
        .map(|&(i, j, _)| {
            let (a, b) = (left[i as usize], right[j as usize]);
            let origin = if proposed.binary_search(&(a, b)).is_ok() {
                Origin::Proposed
            } else if incumbents.binary_search(&(a, b)).is_ok() {
                Origin::Previous
            } else {
                Origin::New
            };
            SelectedPair {
                left: a,
                right: b,
                score: pair_score(config, rules, seats, &lp[i as usize], &rp[j as usize]),
                origin,
                engagement: None,
                at_risk: Vec::new(),
            }
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
    let total_weight: u64 = pairs.iter().map(|p| u64::from(p.score.weight)).sum();
    let optimum_weight = if config.pairing.keep_bonus_tenths > 0 && !incumbents.is_empty() {
        solve(&forbidden, 0)
            .pairs
            .iter()
            .map(|p| u64::from(p.2))
            .sum()
    } else {
        total_weight
    };
    let stability = Stability {
        optimum_weight,
        incumbents: incumbents.len() as u32,
        kept: outcome.kept,
    };
    // The kernel counts every pair of the two sides with a weight; the forbidden ones
    // among them are no candidates.
    let weight_of = |i: u32, j: u32| {
        table[ls.profile_of()[i as usize] as usize * rs.profiles()
            + rs.profile_of()[j as usize] as usize]
    };
    let candidates =
        outcome.candidates as usize - forbidden.iter().filter(|s| weight_of(s.0, s.1) > 0).count();
    // Engagements in effect, each with every reason it is at risk.
    for (i, e) in in_effect {
        let before = program.previous.get(e.left, e.right);
        let profiles = [profile_of(e.left), profile_of(e.right)];
        let (score, at_risk) = engagement_risks(
            d,
            config,
            rules,
            scores,
            seats,
            e,
            [&profiles[0], &profiles[1]],
            &engaged_in,
            before,
        );
        pairs.push(SelectedPair {
            left: e.left,
            right: e.right,
            score,
            origin: Origin::Engagement,
            engagement: Some(i),
            at_risk,
        });
    }
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
        total_weight,
        stability,
        left,
        right,
        candidates,
        pairs,
    }
}

/// Pairs every region (in parallel), with the engagements of `d` and the `previous`
/// run's pairs.
pub fn pair(d: &Dataset, config: &Config, scores: &Scores, previous: &Previous) -> Pairing {
    let rules = PairRules::new(config);
    let seats = region_seats(d, config);
    let mut by_region: Vec<Vec<u32>> = vec![Vec::new(); d.regions.len()];
    for (i, e) in d.engagements.iter().enumerate() {
        by_region[d.partners[e.left as usize].region as usize].push(i as u32);
    }
    let engaged = engaged_counts(d, scores.as_of);
    let partners = d.partners_by_region();
    // Whom each partner's certifications qualify for, in one pass in partner order: a
    // region's partners are spread over the partner table, and their certifications,
    // looked up there, would be two cache misses a partner (a profile's main cost).
    let certified: Vec<VendorSet> = (0..d.partners.len() as PartnerId)
        .into_par_iter()
        .map(|p| certified_vendors(config, scores, p, Horizon::NOW))
        .collect();
    let solve = |r: RegionId| {
        let program = Program {
            engagements: &by_region[r as usize],
            partners: &partners[r as usize],
            certified: &certified,
            engaged: &engaged,
            previous,
        };
        pair_region(d, config, &rules, scores, &seats[r as usize], r, program)
    };
    // The stage ends when its last region does: the regions are taken from one queue,
    // the largest first, so that no large region starts when the others are done. Each
    // region's pairing depends on its own data alone, never on the thread or the order.
    let mut queue: Vec<RegionId> = (0..d.regions.len() as RegionId).collect();
    queue.sort_by_key(|&r| (std::cmp::Reverse(partners[r as usize].len()), r));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut solved: Vec<(RegionId, RegionPairing)> = (0..rayon::current_num_threads())
        .into_par_iter()
        .flat_map_iter(|_| {
            std::iter::from_fn(|| {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                queue.get(i).map(|&r| (r, solve(r)))
            })
            .collect::<Vec<_>>()
        })
        .collect();
    solved.sort_by_key(|s| s.0);
    let regions = solved.into_iter().map(|s| s.1).collect();
    Pairing { regions, seats }
}
