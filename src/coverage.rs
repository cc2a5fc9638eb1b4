/*!
Coverage and gaps, recruit-next and the regional expiry cliff (docs/coverage.md), per
region, in parallel with rayon.

Delivery units of a region are its selected pairs and its eligible partners on a
standalone track. A vendor is covered when some unit qualifies for it. Everything here is
derived from the pairing and the scores; nothing is re-optimised (the expiry cliff keeps
the pairs and lets certifications lapse).

Severities (docs/coverage.md, "Gaps"):
- uncovered vendor: high when its seats are at least 20% of the region's, medium at 5%,
  else low;
- thin skill: high when no eligible partner has the level, else medium;
- expiring certification: high within 30 days, else medium;
- target behind: high when missed (due date passed), medium while open;
- closest candidate: low (it is a lead, not a problem);
- no first implementation: medium for a channel conflict, low without a qualified unit
  (the uncovered-vendor gap weighs that one).

Order: by kind (as [`GapKind`] lists them); within a kind, uncovered vendors by seats at
risk (their closest candidates follow in the same vendor order, nearest first), thin
skills by fewest partners, expiring certifications soonest first, missed targets before
open ones; then by subject.
*/

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{CertId, Config, SkillId, TrackId, VendorId};
use crate::ingest::{Dataset, PartnerId, RegionId};
use crate::pair::{
    PairRules, Pairing, Profile, RegionPairing, RegionSeats, capacity, pair_score, profile,
    qualified_together,
};
use crate::score::{Horizon, Scores, Shortfall, VendorSet, shortfall};

/// How serious a gap is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Act now.
    High,
    /// Act soon.
    Medium,
    /// For information.
    Low,
}

impl Severity {
    /// The spelling in `gaps.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// The kinds of gap, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// A vendor with installs that no delivery unit qualifies for.
    UncoveredVendor,
    /// A partner that is closest to closing an uncovered-vendor gap.
    ClosestCandidate,
    /// A pair skill level too few eligible partners have.
    ThinSkill,
    /// A certification that lapses within the warning window.
    ExpiringCertification,
    /// A recruitment target not met.
    TargetBehind,
    /// An engagement in effect that no longer meets the candidate rules.
    EngagementAtRisk,
    /// A vendor with installs none of which a first implementation can be planned on.
    NoImplementation,
}

impl GapKind {
    /// The words the pages use (`gaps.csv` keeps [`GapKind::as_str`]).
    pub fn label(self) -> &'static str {
        match self {
            GapKind::UncoveredVendor => "Vendor nobody can serve",
            GapKind::ClosestCandidate => "Closest to serving it",
            GapKind::ThinSkill => "Thin skill",
            GapKind::ExpiringCertification => "Certification expiring",
            GapKind::TargetBehind => "Target behind",
            GapKind::EngagementAtRisk => "Engagement at risk",
            GapKind::NoImplementation => "No first implementation possible",
        }
    }

    /// The spelling in `gaps.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::UncoveredVendor => "uncovered_vendor",
            GapKind::ClosestCandidate => "closest_candidate",
            GapKind::ThinSkill => "thin_skill",
            GapKind::ExpiringCertification => "expiring_certification",
            GapKind::TargetBehind => "target_behind",
            GapKind::EngagementAtRisk => "engagement_at_risk",
            GapKind::NoImplementation => "no_first_implementation",
        }
    }
}

/// One gap: a line of `gaps.csv` and of the report. `subject` names what it is about as
/// an identifier (a vendor id, `skill ≥ level`, `partner / certification`, `track by
/// date`); `fact` holds the figures behind it, which [`crate::format::gap_detail`] turns
/// into the plain-language line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// What it is about.
    pub subject: String,
    /// The figures.
    pub fact: GapFact,
    /// How serious.
    pub severity: Severity,
}

impl Gap {
    /// The kind of gap.
    pub fn kind(&self) -> GapKind {
        match self.fact {
            GapFact::UncoveredVendor { .. } => GapKind::UncoveredVendor,
            GapFact::ClosestCandidate { .. } => GapKind::ClosestCandidate,
            GapFact::ThinSkill { .. } => GapKind::ThinSkill,
            GapFact::ExpiringCertification { .. } => GapKind::ExpiringCertification,
            GapFact::TargetBehind { .. } => GapKind::TargetBehind,
            GapFact::EngagementAtRisk { .. } => GapKind::EngagementAtRisk,
            GapFact::NoImplementation { .. } => GapKind::NoImplementation,
        }
    }
}

/// The figures behind a gap, by kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum GapFact {
    /// No delivery unit of the region is qualified for `vendor`.
    UncoveredVendor {
        /// The vendor.
        vendor: VendorId,
        /// Its valid installs in the region.
        installs: u64,
        /// Their seats.
        seats: u64,
        /// All seats of the region.
        region_seats: u64,
    },
    /// A partner close to covering an uncovered vendor alone.
    ClosestCandidate {
        /// The vendor.
        vendor: VendorId,
        /// The partner and what it lacks.
        candidate: Candidate,
    },
    /// Too few eligible partners of the region have `skill` at `level`.
    ThinSkill {
        /// The skill.
        skill: SkillId,
        /// The level the pairing tracks require.
        level: u8,
        /// Eligible partners at that level or higher.
        partners: u32,
        /// `gaps.min_partners_per_skill`.
        needed: u32,
    },
    /// An eligible partner's certification that lapses within the warning window.
    ExpiringCertification {
        /// The partner.
        partner: PartnerId,
        /// The certification.
        certification: CertId,
        /// Its latest valid expiry.
        expires_on: NaiveDate,
        /// Days from D to it.
        days: i64,
    },
    /// A recruitment target not met.
    TargetBehind {
        /// Index into [`Dataset::targets`].
        target: usize,
        /// Partners counted.
        counted: u32,
        /// Selected pairs of the region.
        pairs: u32,
        /// Missed or open.
        state: TargetState,
    },
    /// An engagement in effect at risk, with every reason.
    EngagementAtRisk {
        /// Left partner.
        left: PartnerId,
        /// Right partner.
        right: PartnerId,
        /// Every reason, in order.
        reasons: Vec<crate::pair::AtRisk>,
    },
    /// No first implementation can be planned on any install of `vendor`.
    NoImplementation {
        /// The vendor.
        vendor: VendorId,
        /// Its valid installs in the region.
        installs: u64,
        /// Their seats.
        seats: u64,
        /// Why.
        reason: Unplannable,
    },
}

/// Why no first implementation can be planned on a vendor's installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unplannable {
    /// No delivery unit is qualified for the vendor.
    NoQualifiedUnit,
    /// Every install of the vendor is serviced by a partner in none of the units
    /// qualified for it (a first implementation there would be a channel conflict).
    ChannelConflict,
}

/// A delivery unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// A selected pair (left, right).
    Pair(PartnerId, PartnerId),
    /// An eligible partner on a standalone track.
    Alone(PartnerId),
}

impl Unit {
    /// Its partners: one or two.
    pub fn members(self) -> impl Iterator<Item = PartnerId> {
        let (a, b) = match self {
            Unit::Pair(a, b) => (a, Some(b)),
            Unit::Alone(p) => (p, None),
        };
        std::iter::once(a).chain(b)
    }
}

/// A partner closest to qualifying alone for an uncovered vendor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The partner.
    pub partner: PartnerId,
    /// What it lacks (nothing: it qualifies, but is in no delivery unit).
    pub shortfall: Shortfall,
}

/// Coverage of one vendor in one region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorCoverage {
    /// The vendor.
    pub vendor: VendorId,
    /// Valid installs.
    pub installs: u64,
    /// Their seats.
    pub seats: u64,
    /// Whether a delivery unit qualifies for it.
    pub covered: bool,
    /// Whether the engagements in effect and the eligible standalone partners alone —
    /// the units without the recommendations — qualify for it.
    pub covered_now: bool,
    /// Units qualified for it.
    pub units: Vec<Unit>,
    /// Index into [`crate::score::CLIFF_DAYS`] of the first cliff date at which it is no longer
    /// covered, if it is covered now and becomes uncovered.
    pub lost_at: Option<usize>,
    /// When uncovered: the closest candidates.
    pub candidates: Vec<Candidate>,
}

/// A target's attainment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetStatus {
    /// Index into [`Dataset::targets`].
    pub target: usize,
    /// Partners counted.
    pub counted: u32,
    /// Selected pairs of the region (for a target with `pairs`).
    pub pairs: u32,
    /// Met, missed or open.
    pub state: TargetState,
}

/// Where a recruitment target stands on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetState {
    /// Counted partners (and pairs, if asked) reach the target.
    Met,
    /// Not met, and its due date has passed.
    Missed,
    /// Not met, and still due.
    Open,
}

impl TargetState {
    /// The word used in the reports.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetState::Met => "met",
            TargetState::Missed => "missed",
            TargetState::Open => "open",
        }
    }
}

/// A region's "recruited vs target" figure: the latest-due `all` target when the region
/// has one, otherwise each track's latest-due target, summed. No partner is counted
/// twice, so `counted` never exceeds the region's partners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recruitment {
    /// Partners counted for the targets below.
    pub counted: u32,
    /// Partners those targets ask for.
    pub targeted: u32,
    /// The targets it sums, as indices into [`RegionCoverage::targets`], in target order.
    pub targets: Vec<usize>,
}

impl Recruitment {
    /// The figure from a region's target statuses (`None` when it has no target).
    pub fn of(d: &Dataset, targets: &[TargetStatus]) -> Option<Recruitment> {
        // The latest-due target per track (`None` = all); on equal dates, the later row.
        let mut latest: std::collections::BTreeMap<Option<TrackId>, usize> = Default::default();
        for (i, ts) in targets.iter().enumerate() {
            let t = &d.targets[ts.target];
            let e = latest.entry(t.track).or_insert(i);
            if t.due_on >= d.targets[targets[*e].target].due_on {
                *e = i;
            }
        }
        let chosen: Vec<usize> = match latest.get(&None) {
            Some(&all) => vec![all],
            None => latest.into_values().collect(),
        };
        if chosen.is_empty() {
            return None;
        }
        let mut chosen = chosen;
        chosen.sort_unstable();
        Some(Recruitment {
            counted: chosen.iter().map(|&i| targets[i].counted).sum(),
            targeted: chosen
                .iter()
                .map(|&i| d.targets[targets[i].target].partners)
                .sum(),
            targets: chosen,
        })
    }
}

/// The recruitment profile that would cover the most uncovered seats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecruitNext {
    /// The recruit's track.
    pub track: TrackId,
    /// The vendor it must qualify for.
    pub vendor: VendorId,
    /// Uncovered seats it would cover.
    pub seats: u64,
    /// The existing partner with spare capacity it would pair with (pairing tracks).
    pub pair_with: Option<PartnerId>,
    /// Every vendor the new unit would cover.
    pub vendors: VendorSet,
}

/// Pairing rate of one side: paired / eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rate {
    /// Eligible partners of the track in at least one pair.
    pub paired: u32,
    /// Eligible partners of the track.
    pub eligible: u32,
}

/// One region's coverage and gaps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionCoverage {
    /// The region.
    pub region: RegionId,
    /// Delivery units with the vendors each qualifies for.
    pub units: Vec<(Unit, VendorSet)>,
    /// Vendors with installs in the region, by vendor id.
    pub vendors: Vec<VendorCoverage>,
    /// All seats / covered seats.
    pub seats: (u64, u64),
    /// All installs / covered installs.
    pub installs: (u64, u64),
    /// Seats / installs covered now: by the engagements in effect and the standalone
    /// partners alone.
    pub covered_now: (u64, u64),
    /// Pairing rate of the left track.
    pub left_rate: Rate,
    /// Pairing rate of the right track.
    pub right_rate: Rate,
    /// Thin skills: (skill, level, eligible partners at that level).
    pub thin_skills: Vec<(SkillId, u8, u32)>,
    /// Expiring certifications: (partner, certification, latest valid expiry).
    pub expiring: Vec<(PartnerId, CertId, NaiveDate)>,
    /// The region's targets.
    pub targets: Vec<TargetStatus>,
    /// Recruited vs target (`None` without targets).
    pub recruitment: Option<Recruitment>,
    /// Every gap, sorted by kind, severity and subject.
    pub gaps: Vec<Gap>,
    /// What to recruit next, when seats are uncovered.
    pub recruit_next: Option<RecruitNext>,
}

impl RegionCoverage {
    /// Seat coverage 0..=1, `None` when the region has no installs.
    pub fn seat_share(&self) -> Option<f64> {
        (self.seats.0 > 0).then(|| self.seats.1 as f64 / self.seats.0 as f64)
    }

    /// Seat coverage now (without the recommendations) 0..=1, `None` without installs.
    pub fn seat_share_now(&self) -> Option<f64> {
        (self.seats.0 > 0).then(|| self.covered_now.0 as f64 / self.seats.0 as f64)
    }
}

/// Coverage of every region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Per region, in region order.
    pub regions: Vec<RegionCoverage>,
}

/// Computes coverage, gaps, recruit-next and the regional cliff for every region.
pub fn coverage(d: &Dataset, config: &Config, scores: &Scores, pairing: &Pairing) -> Coverage {
    let rules = PairRules::new(config);
    let by_region = d.partners_by_region();
    let regions = pairing
        .regions
        .par_iter()
        .map(|rp| {
            let partners = &by_region[rp.region as usize];
            region(
                d,
                config,
                &rules,
                scores,
                rp,
                &pairing.seats[rp.region as usize],
                partners,
            )
        })
        .collect();
    Coverage { regions }
}

/// One region's partners and figures, as every part of its coverage reads them.
struct RegionCtx<'a> {
    d: &'a Dataset,
    config: &'a Config,
    rules: &'a PairRules,
    scores: &'a Scores,
    rp: &'a RegionPairing,
    seats: &'a RegionSeats,
    /// The region's eligible partners, in partner order.
    eligible: Vec<PartnerId>,
}

fn region(
    d: &Dataset,
    config: &Config,
    rules: &PairRules,
    scores: &Scores,
    rp: &RegionPairing,
    seats: &RegionSeats,
    partners: &[PartnerId],
) -> RegionCoverage {
    let ctx = RegionCtx {
        d,
        config,
        rules,
        scores,
        rp,
        seats,
        eligible: partners
            .iter()
            .copied()
            .filter(|&p| scores.partners[p as usize].eligible)
            .collect(),
    };
    let (units, covered_cliff) = delivery_units(&ctx);
    let union = |units: &mut dyn Iterator<Item = VendorSet>| {
        units.fold(VendorSet::default(), |s, q| VendorSet(s.0 | q.0))
    };
    let covered_set = union(&mut units.iter().map(|u| u.1));
    // The units without recommendations: engagements in effect and standalone partners.
    let recommended = |u: &Unit| match *u {
        Unit::Pair(a, b) => rp
            .pairs
            .binary_search_by_key(&(a, b), |p| (p.left, p.right))
            .is_ok_and(|i| rp.pairs[i].origin.is_recommended()),
        Unit::Alone(_) => false,
    };
    let without = union(&mut units.iter().filter(|u| !recommended(&u.0)).map(|u| u.1));
    let vendors = vendor_coverage(&ctx, &units, covered_set, without, &covered_cliff);
    let covered = |v: &&VendorCoverage| v.covered;
    let now = |v: &&VendorCoverage| v.covered_now;
    let thin_skills = thin_skills(&ctx);
    let expiring = expiring(&ctx);
    let targets = targets(&ctx);
    let unplannable = unplannable(&ctx, &units, &vendors);
    let gaps = gaps(
        &ctx,
        &vendors,
        &thin_skills,
        &expiring,
        &targets,
        &unplannable,
    );
    RegionCoverage {
        region: rp.region,
        seats: (
            seats.total,
            vendors.iter().filter(covered).map(|v| v.seats).sum(),
        ),
        installs: (
            seats.installs.iter().sum(),
            vendors.iter().filter(covered).map(|v| v.installs).sum(),
        ),
        covered_now: (
            vendors.iter().filter(now).map(|v| v.seats).sum(),
            vendors.iter().filter(now).map(|v| v.installs).sum(),
        ),
        left_rate: pairing_rate(&ctx, config.pairing.left_track),
        right_rate: pairing_rate(&ctx, config.pairing.right_track),
        recruit_next: recruit_next(d, config, rules, scores, rp, seats, covered_set),
        recruitment: Recruitment::of(d, &targets),
        units,
        vendors,
        thin_skills,
        expiring,
        targets,
        gaps,
    }
}

/// The region's delivery units — its selected pairs, then its eligible standalone
/// partners — with the vendors each qualifies for now; and the vendors they cover at each
/// cliff date, certifications lapsing.
fn delivery_units(ctx: &RegionCtx<'_>) -> (Vec<(Unit, VendorSet)>, Vec<VendorSet>) {
    let (config, rules, scores) = (ctx.config, ctx.rules, ctx.scores);
    let standalone = ctx.eligible.iter().copied().filter(|&p| {
        config
            .pairing
            .standalone_tracks
            .contains(&ctx.d.partners[p as usize].track)
    });
    let unit_list: Vec<Unit> = ctx
        .rp
        .pairs
        .iter()
        .map(|p| Unit::Pair(p.left, p.right))
        .chain(standalone.map(Unit::Alone))
        .collect();
    let qualified_at = |u: &Unit, h: Horizon| -> VendorSet {
        match *u {
            Unit::Pair(a, b) => {
                let (pa, pb) = (
                    profile(config, rules, scores, a, h),
                    profile(config, rules, scores, b, h),
                );
                qualified_together(rules, &[&pa, &pb])
            }
            Unit::Alone(p) => {
                let pp = profile(config, rules, scores, p, h);
                qualified_together(rules, &[&pp])
            }
        }
    };
    let units = unit_list
        .iter()
        .map(|u| (*u, qualified_at(u, Horizon::NOW)))
        .collect();
    let covered_cliff = Horizon::cliffs()
        .map(|h| {
            unit_list.iter().fold(VendorSet::default(), |s, u| {
                VendorSet(s.0 | qualified_at(u, h).0)
            })
        })
        .collect();
    (units, covered_cliff)
}

/// Each vendor with installs in the region: covered or not, by which units, when lapsing
/// certifications would uncover it, and — uncovered — its closest candidates.
fn vendor_coverage(
    ctx: &RegionCtx<'_>,
    units: &[(Unit, VendorSet)],
    covered_set: VendorSet,
    without_recommendations: VendorSet,
    covered_cliff: &[VendorSet],
) -> Vec<VendorCoverage> {
    (0..ctx.config.vendors.len() as VendorId)
        .filter(|&v| ctx.seats.installs[v as usize] > 0)
        .map(|v| {
            let covered = covered_set.contains(v);
            VendorCoverage {
                vendor: v,
                installs: ctx.seats.installs[v as usize],
                seats: ctx.seats.seats[v as usize],
                covered,
                covered_now: without_recommendations.contains(v),
                units: units
                    .iter()
                    .filter(|(_, q)| q.contains(v))
                    .map(|(u, _)| *u)
                    .collect(),
                lost_at: covered
                    .then(|| covered_cliff.iter().position(|c| !c.contains(v)))
                    .flatten(),
                candidates: if covered {
                    Vec::new()
                } else {
                    closest(ctx.d, ctx.config, ctx.scores, &ctx.eligible, v)
                },
            }
        })
        .collect()
}

/// The vendors with installs in the region on none of which a first implementation can
/// be planned (docs/implementations.md): no unit is qualified for the vendor, or it has no
/// open install and every install is serviced by a partner outside the qualified units.
/// None when the config plans no implementations.
fn unplannable(
    ctx: &RegionCtx<'_>,
    units: &[(Unit, VendorSet)],
    vendors: &[VendorCoverage],
) -> Vec<(VendorId, Unplannable)> {
    if ctx.config.implementations.per_unit == 0 {
        return Vec::new();
    }
    let plan = &ctx.d.installs.plan;
    let nv = ctx.config.vendors.len();
    let cell = |v: VendorId| ctx.rp.region as usize * nv + v as usize;
    let no_open = |v: VendorId| plan.open.get(cell(v)).is_none_or(Vec::is_empty);
    // Covered vendors without an open install: those whose installs a qualified unit's
    // partner must service (usually none, and then no unit is looked at).
    let mut only_serviced = VendorSet::default();
    for vc in vendors.iter().filter(|vc| vc.covered && no_open(vc.vendor)) {
        only_serviced.insert(vc.vendor);
    }
    let mut serviced = VendorSet::default();
    if !only_serviced.is_empty() {
        for (u, q) in units {
            for p in u.members() {
                for &v in plan.serviced_by(p).1 {
                    if q.contains(v) && only_serviced.contains(v) {
                        serviced.insert(v);
                    }
                }
            }
        }
    }
    vendors
        .iter()
        .filter_map(|vc| {
            let v = vc.vendor;
            if !vc.covered {
                Some((v, Unplannable::NoQualifiedUnit))
            } else if only_serviced.contains(v) && !serviced.contains(v) {
                Some((v, Unplannable::ChannelConflict))
            } else {
                None
            }
        })
        .collect()
}

/// Eligible partners of `track` in at least one pair, of all its eligible partners.
fn pairing_rate(ctx: &RegionCtx<'_>, track: TrackId) -> Rate {
    let side: Vec<PartnerId> = ctx
        .eligible
        .iter()
        .copied()
        .filter(|&p| ctx.d.partners[p as usize].track == track)
        .collect();
    Rate {
        paired: side.iter().filter(|&&p| ctx.rp.pairs_of(p) > 0).count() as u32,
        eligible: side.len() as u32,
    }
}

/// The pair skills (s, r) held at level r by fewer than `gaps.min_partners_per_skill`
/// eligible partners: (skill, level, partners).
fn thin_skills(ctx: &RegionCtx<'_>) -> Vec<(SkillId, u8, u32)> {
    ctx.rules
        .skills
        .iter()
        .filter_map(|&(s, lvl)| {
            let n = ctx
                .eligible
                .iter()
                .filter(|&&p| ctx.scores.levels_of(p)[s as usize] >= lvl)
                .count() as u32;
            (n < ctx.config.gaps.min_partners_per_skill).then_some((s, lvl, n))
        })
        .collect()
}

/// Eligible partners' certifications whose latest valid expiry falls within the warning
/// window: (partner, certification, expiry).
fn expiring(ctx: &RegionCtx<'_>) -> Vec<(PartnerId, CertId, NaiveDate)> {
    let warn = ctx.scores.as_of
        + chrono::Duration::days(i64::from(ctx.config.scoring.expiry_warning_days));
    let mut out = Vec::new();
    for &p in &ctx.eligible {
        for c in &ctx.scores.certs[p as usize] {
            if c.latest_expiry < warn {
                out.push((p, c.cert, c.latest_expiry));
            }
        }
    }
    out
}

/// The region's targets with their counted partners, pairs and state.
fn targets(ctx: &RegionCtx<'_>) -> Vec<TargetStatus> {
    let (d, r, as_of) = (ctx.d, ctx.rp.region, ctx.scores.as_of);
    let pairs = ctx.rp.pairs.len() as u32;
    d.targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.region == r)
        .map(|(i, t)| {
            let cutoff = t.due_on.min(as_of);
            let counted = d
                .partners
                .iter()
                .filter(|p| {
                    p.region == r
                        && t.track.is_none_or(|tr| tr == p.track)
                        && p.status.counts_for_targets()
                        && p.joined_on.is_some_and(|j| j <= cutoff)
                })
                .count() as u32;
            let met = counted >= t.partners && t.pairs.is_none_or(|want| pairs >= want);
            let state = if met {
                TargetState::Met
            } else if t.due_on < as_of {
                TargetState::Missed
            } else {
                TargetState::Open
            };
            TargetStatus {
                target: i,
                counted,
                pairs,
                state,
            }
        })
        .collect()
}

/// Every gap of the region, from its facts, in report order: by kind; within a kind,
/// uncovered vendors by seats at risk (their candidates in the same vendor order, nearest
/// first), thin skills by fewest partners, expiring certifications soonest first, missed
/// targets before open ones; then by subject.
fn gaps(
    ctx: &RegionCtx<'_>,
    vendors: &[VendorCoverage],
    thin_skills: &[(SkillId, u8, u32)],
    expiring: &[(PartnerId, CertId, NaiveDate)],
    targets: &[TargetStatus],
    unplannable: &[(VendorId, Unplannable)],
) -> Vec<Gap> {
    let (d, config, as_of) = (ctx.d, ctx.config, ctx.scores.as_of);
    // (order within the kind, gap)
    let mut gaps: Vec<(u64, Gap)> = Vec::new();
    for v in vendors.iter().filter(|v| !v.covered) {
        let share = if ctx.seats.total == 0 {
            0.0
        } else {
            v.seats as f64 / ctx.seats.total as f64
        };
        let subject = config.vendors[v.vendor as usize].id.clone();
        gaps.push((
            u64::MAX - v.seats,
            Gap {
                subject: subject.clone(),
                fact: GapFact::UncoveredVendor {
                    vendor: v.vendor,
                    installs: v.installs,
                    seats: v.seats,
                    region_seats: ctx.seats.total,
                },
                severity: if share >= 0.2 {
                    Severity::High
                } else if share >= 0.05 {
                    Severity::Medium
                } else {
                    Severity::Low
                },
            },
        ));
        for c in &v.candidates {
            gaps.push((
                u64::MAX - v.seats,
                Gap {
                    subject: subject.clone(),
                    fact: GapFact::ClosestCandidate {
                        vendor: v.vendor,
                        candidate: c.clone(),
                    },
                    severity: Severity::Low,
                },
            ));
        }
    }
    for &(s, lvl, n) in thin_skills {
        gaps.push((
            u64::from(n),
            Gap {
                subject: format!("{} ≥ {lvl}", config.skills[s as usize].id),
                fact: GapFact::ThinSkill {
                    skill: s,
                    level: lvl,
                    partners: n,
                    needed: config.gaps.min_partners_per_skill,
                },
                severity: if n == 0 {
                    Severity::High
                } else {
                    Severity::Medium
                },
            },
        ));
    }
    for &(p, c, when) in expiring {
        let days = (when - as_of).num_days();
        gaps.push((
            days.max(0) as u64,
            Gap {
                subject: format!(
                    "{} / {}",
                    d.partners[p as usize].id, config.certifications[c as usize].id
                ),
                fact: GapFact::ExpiringCertification {
                    partner: p,
                    certification: c,
                    expires_on: when,
                    days,
                },
                severity: if days <= 30 {
                    Severity::High
                } else {
                    Severity::Medium
                },
            },
        ));
    }
    for ts in targets.iter().filter(|ts| ts.state != TargetState::Met) {
        let t = &d.targets[ts.target];
        let track = t
            .track
            .map_or("all tracks", |tr| config.tracks[tr as usize].id.as_str());
        gaps.push((
            u64::from(ts.state != TargetState::Missed),
            Gap {
                subject: format!("{track} by {}", t.due_on),
                fact: GapFact::TargetBehind {
                    target: ts.target,
                    counted: ts.counted,
                    pairs: ts.pairs,
                    state: ts.state,
                },
                severity: if ts.state == TargetState::Missed {
                    Severity::High
                } else {
                    Severity::Medium
                },
            },
        ));
    }
    for &(v, reason) in unplannable {
        let vc = vendors
            .iter()
            .find(|c| c.vendor == v)
            .expect("a vendor with installs");
        gaps.push((
            u64::MAX - vc.seats,
            Gap {
                subject: config.vendors[v as usize].id.clone(),
                fact: GapFact::NoImplementation {
                    vendor: v,
                    installs: vc.installs,
                    seats: vc.seats,
                    reason,
                },
                // Without a qualified unit the uncovered-vendor gap says how serious.
                severity: match reason {
                    Unplannable::NoQualifiedUnit => Severity::Low,
                    Unplannable::ChannelConflict => Severity::Medium,
                },
            },
        ));
    }
    for p in ctx.rp.engaged().filter(|p| !p.at_risk.is_empty()) {
        let high = p.at_risk.iter().any(|r| r.is_high());
        gaps.push((
            u64::from(!high),
            Gap {
                subject: format!(
                    "{} + {}",
                    d.partners[p.left as usize].id, d.partners[p.right as usize].id
                ),
                fact: GapFact::EngagementAtRisk {
                    left: p.left,
                    right: p.right,
                    reasons: p.at_risk.clone(),
                },
                severity: if high {
                    Severity::High
                } else {
                    Severity::Medium
                },
            },
        ));
    }
    gaps.sort_by(|(ka, a), (kb, b)| (a.kind(), ka, &a.subject).cmp(&(b.kind(), kb, &b.subject)));
    gaps.into_iter().map(|(_, g)| g).collect()
}

/// The eligible partners closest to qualifying alone for `v`: by distance, then higher
/// unrounded score, then partner id.
fn closest(
    d: &Dataset,
    config: &Config,
    scores: &Scores,
    eligible: &[PartnerId],
    v: VendorId,
) -> Vec<Candidate> {
    let mut all: Vec<(u32, f64, PartnerId, Shortfall)> = eligible
        .iter()
        .map(|&p| {
            let s = shortfall(config, scores.levels_of(p), &scores.certs[p as usize], v);
            (s.distance(), scores.partners[p as usize].now.score, p, s)
        })
        .collect();
    all.sort_by(|a, b| {
        a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then_with(|| {
            d.partners[a.2 as usize]
                .id
                .cmp(&d.partners[b.2 as usize].id)
        })
    });
    all.into_iter()
        .take(config.gaps.closest_candidates as usize)
        .map(|(_, _, partner, shortfall)| Candidate { partner, shortfall })
        .collect()
}

/// A recruit that meets exactly vendor `v`'s interop requirements and holds its first
/// interop certification.
fn recruit_profile(config: &Config, rules: &PairRules, v: VendorId) -> Profile {
    let vendor = &config.vendors[v as usize];
    let level_of = |s: SkillId| {
        vendor
            .interop_skills
            .iter()
            .find(|(x, _)| *x == s)
            .map_or(0, |&(_, r)| r)
    };
    let cert = vendor.interop_certifications.first();
    Profile::new(config, rules, level_of, |wanted| {
        cert.is_some_and(|c| wanted.contains(c))
    })
}

/// The recruitment profile (track + vendor) that would cover the most uncovered seats.
/// A recruit on a standalone track delivers alone; one on a pairing track must complete
/// a pair with an existing eligible partner of the other track that has spare capacity
/// (and the pair must reach the minimum pair score). Ties go to the first in (vendor id,
/// track id) order.
fn recruit_next(
    d: &Dataset,
    config: &Config,
    rules: &PairRules,
    scores: &Scores,
    rp: &RegionPairing,
    seats: &RegionSeats,
    covered: VendorSet,
) -> Option<RecruitNext> {
    let uncovered_seats = |q: VendorSet| -> u64 {
        q.iter()
            .filter(|&v| !covered.contains(v))
            .map(|v| seats.seats[v as usize])
            .sum()
    };
    let spare = |side: &[PartnerId]| -> Vec<PartnerId> {
        side.iter()
            .copied()
            .filter(|&p| rp.pairs_of(p) < capacity(d, config, p))
            .collect()
    };
    // Their profiles, once (not once per uncovered vendor).
    let profiled = |side: Vec<PartnerId>| -> Vec<(PartnerId, Profile)> {
        side.into_iter()
            .map(|p| (p, profile(config, rules, scores, p, Horizon::NOW)))
            .collect()
    };
    let spare_left = profiled(spare(&rp.left));
    let spare_right = profiled(spare(&rp.right));
    let mut best: Option<RecruitNext> = None;
    for v in (0..config.vendors.len() as VendorId)
        .filter(|&v| !covered.contains(v) && seats.seats[v as usize] > 0)
    {
        let recruit = recruit_profile(config, rules, v);
        for t in 0..config.tracks.len() as TrackId {
            let option = if config.pairing.standalone_tracks.contains(&t) {
                let q = qualified_together(rules, &[&recruit]);
                Some((uncovered_seats(q), None, q))
            } else if t == config.pairing.left_track || t == config.pairing.right_track {
                let others = if t == config.pairing.left_track {
                    &spare_right
                } else {
                    &spare_left
                };
                others
                    .iter()
                    .filter_map(|(o, po)| {
                        let o = *o;
                        let s = pair_score(config, rules, seats, &recruit, po);
                        (s.weight >= rules.min_weight)
                            .then(|| (uncovered_seats(s.qualified), Some(o), s.qualified))
                    })
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            } else {
                None
            };
            if let Some((gain, pair_with, q)) = option
                && gain > 0
                && best.as_ref().is_none_or(|b| gain > b.seats)
            {
                best = Some(RecruitNext {
                    track: t,
                    vendor: v,
                    seats: gain,
                    pair_with,
                    vendors: VendorSet(q.0 & !covered.0),
                });
            }
        }
    }
    best
}
