/*!
What changed since the previous run, each change with its cause (docs/outputs.md, "Changes
since the last run"): partners that crossed a band, pairs gained and lost, engagements
started and ended, vendors newly covered and uncovered. Every change is one row of
`data/changes.csv`; the pages show the counts and the first rows of each kind.

The two runs are compared on the regions both report on. The previous run is known only
by its snapshot ([`super::super::history`]): its partners' bands, score components and
eligibility, its delivery units with the vendors each qualified for, its covered vendors.
The causes are read from this run's data: the certification rows that lapsed or were
earned between the two as-of dates, the assessments made between them, the engagements
table, and this run's pairing.
*/

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::Ctx;
use crate::config::{CertId, SkillId, VendorId};
use crate::coverage::Unit;
use crate::format::{fmt_int, fmt_tenths, lacks, tenths};
use crate::ingest::{EngagementState, PartnerId};
use crate::pair::{PairRules, Profile, capacity, engaged_counts, pair_score, profile};
use crate::report::history::{Snapshot, SnapshotDetail, SnapshotPair, SnapshotPartner};
use crate::score::{HeldCert, Horizon, shortfall};

/// How many changes of each kind a page shows.
pub const SHOWN: usize = 5;

/// What kind of change: the `kind` column of `data/changes.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A partner now in a higher band.
    BandUp,
    /// A partner now in a lower band.
    BandDown,
    /// A pair recommended now that was no delivery unit before.
    PairGained,
    /// A pair recommended before that is no delivery unit now.
    PairLost,
    /// A pair that is an engagement in effect now and was not before.
    EngagementStarted,
    /// A pair that was an engagement in effect before and is not now.
    EngagementEnded,
    /// A vendor some unit qualifies for now and none did before.
    VendorCovered,
    /// A vendor some unit qualified for before and none does now.
    VendorUncovered,
}

impl ChangeKind {
    /// Every kind, in the order the pages and the CSV list them.
    pub const ALL: [ChangeKind; 8] = [
        ChangeKind::BandUp,
        ChangeKind::BandDown,
        ChangeKind::PairGained,
        ChangeKind::PairLost,
        ChangeKind::EngagementStarted,
        ChangeKind::EngagementEnded,
        ChangeKind::VendorCovered,
        ChangeKind::VendorUncovered,
    ];

    /// The id in `data/changes.csv` and `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::BandUp => "band_up",
            ChangeKind::BandDown => "band_down",
            ChangeKind::PairGained => "pair_gained",
            ChangeKind::PairLost => "pair_lost",
            ChangeKind::EngagementStarted => "engagement_started",
            ChangeKind::EngagementEnded => "engagement_ended",
            ChangeKind::VendorCovered => "vendor_covered",
            ChangeKind::VendorUncovered => "vendor_uncovered",
        }
    }

    /// The words on the pages.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::BandUp => "Partners up a band",
            ChangeKind::BandDown => "Partners down a band",
            ChangeKind::PairGained => "Pairs gained",
            ChangeKind::PairLost => "Pairs lost",
            ChangeKind::EngagementStarted => "Engagements started",
            ChangeKind::EngagementEnded => "Engagements ended",
            ChangeKind::VendorCovered => "Vendors newly covered",
            ChangeKind::VendorUncovered => "Vendors newly uncovered",
        }
    }
}

/// One change since the previous run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its kind.
    pub kind: ChangeKind,
    /// Region name.
    pub region: String,
    /// What changed, by id: a partner id, a pair `left + right`, a vendor id.
    pub subject: String,
    /// The same in words for the pages (a partner's id and name, a vendor's name).
    pub name: String,
    /// How it stood in the previous run.
    pub before: String,
    /// How it stands now.
    pub after: String,
    /// Why, from this run's data.
    pub cause: String,
    /// Larger first within a kind: a score's move, a pair's weight, a vendor's seats.
    rank: u64,
}

/// Every change since the previous run, sorted by kind, rank (largest first), region and
/// subject — the order of `data/changes.csv`, whose first rows of each kind the pages show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeList {
    /// The changes.
    pub changes: Vec<Change>,
    /// The regions compared: those both runs report on.
    pub regions: BTreeSet<String>,
    /// The previous run's recommended pairs in those regions.
    pub recommended_before: usize,
    /// Those recommended again.
    pub kept: usize,
}

/// `left + right`.
fn pair_name(left: &str, right: &str) -> String {
    format!("{left} + {right}")
}

/// How a delivery-unit pair stood in a run, in words.
fn unit_state(u: Option<&SnapshotPair>) -> String {
    match u {
        None => "—".to_string(),
        Some(u) => {
            let what = if u.origin.is_recommended() {
                "recommended"
            } else {
                "engagement"
            };
            match u.weight {
                Some(w) => format!("{what} ({})", fmt_tenths(i64::from(w))),
                None => what.to_string(),
            }
        }
    }
}

/// What the causes are read from: this run, the previous run's snapshot and indexes built
/// once.
struct Compare<'a, 'c> {
    ctx: &'a Ctx<'c>,
    prev: &'a Snapshot,
    rules: PairRules,
    /// Engagements in effect per partner.
    engaged: FxHashMap<PartnerId, u32>,
    /// Each partner's delivery-unit pairs now (the other member).
    partners_now: FxHashMap<PartnerId, Vec<PartnerId>>,
}

impl Compare<'_, '_> {
    fn id(&self, p: PartnerId) -> &str {
        &self.ctx.d.partners[p as usize].id
    }

    /// Why a member `id` of a unit of `region` can no longer be in one, if it cannot:
    /// gone from the data, moved, not eligible.
    fn member_gone(&self, id: &str, region: &str) -> Option<String> {
        let d = self.ctx.d;
        let Some(p) = d.partner_id(id) else {
            return Some(format!("{id} is no longer in the data"));
        };
        let partner = &d.partners[p as usize];
        let now_in = &d.regions[partner.region as usize];
        if now_in != region {
            return Some(format!("{id} moved to {now_in}"));
        }
        if !self.ctx.scores.partners[p as usize].eligible {
            return Some(format!(
                "{id} is no longer eligible (status {})",
                partner.status.as_str()
            ));
        }
        None
    }

    /// Both members of a pair of `region`, when both are still partners there.
    fn members(&self, left: &str, right: &str, region: &str) -> Option<(PartnerId, PartnerId)> {
        let d = self.ctx.d;
        let r = d.region_id(region)?;
        let l = d
            .partner_id(left)
            .filter(|&p| d.partners[p as usize].region == r)?;
        let rt = d
            .partner_id(right)
            .filter(|&p| d.partners[p as usize].region == r)?;
        Some((l, rt))
    }

    fn profile(&self, p: PartnerId) -> Profile {
        profile(
            self.ctx.config,
            &self.rules,
            self.ctx.scores,
            p,
            Horizon::NOW,
        )
    }

    /// The pair's weight today.
    fn weight(&self, l: PartnerId, r: PartnerId) -> u32 {
        let region = self.ctx.d.partners[l as usize].region as usize;
        pair_score(
            self.ctx.config,
            &self.rules,
            &self.ctx.pairing.seats[region],
            &self.profile(l),
            &self.profile(r),
        )
        .weight
    }

    /// The engagement row of a pair, if any.
    fn engagement(&self, l: PartnerId, r: PartnerId) -> Option<&crate::ingest::Engagement> {
        let e = &self.ctx.d.engagements;
        e.binary_search_by_key(&(l, r), |e| (e.left, e.right))
            .ok()
            .map(|i| &e[i])
    }

    /// Why a pair of the previous run is not selected now (docs/outputs.md): a partner no
    /// longer eligible or out of capacity, its engagement ended, its pair score below the
    /// minimum, or else outweighed in the optimum.
    fn why_not_selected(&self, left: &str, right: &str, region: &str) -> String {
        let mut why: Vec<String> = [left, right]
            .iter()
            .filter_map(|id| self.member_gone(id, region))
            .collect();
        // A member gone from the region ends the list; one still there but not eligible
        // may have other reasons too.
        let Some((l, r)) = self.members(left, right, region) else {
            return why.join("; ");
        };
        for p in [l, r] {
            let cap = capacity(self.ctx.d, self.ctx.config, p);
            let engaged = self.engaged.get(&p).copied().unwrap_or(0);
            if cap == 0 {
                why.push(format!("{} has capacity 0", self.id(p)));
            } else if engaged >= cap {
                why.push(format!(
                    "{}'s capacity of {cap} is taken by its engagements in effect",
                    self.id(p)
                ));
            }
        }
        if let Some(e) = self.engagement(l, r)
            && e.state(self.ctx.as_of) == EngagementState::Ended
        {
            why.push(format!(
                "its engagement ended on {} (engagements line {})",
                e.ended_on.map_or_else(String::new, |d| d.to_string()),
                e.line
            ));
        }
        let weight = self.weight(l, r);
        if weight < self.rules.min_weight {
            why.push(format!(
                "its pair score {} is below the minimum {}",
                fmt_tenths(i64::from(weight)),
                fmt_tenths(i64::from(self.rules.min_weight))
            ));
        }
        if why.is_empty() {
            let with = |p: PartnerId| match self.partners_now.get(&p).map(Vec::as_slice) {
                None | Some([]) => format!("{} is in no pair", self.id(p)),
                Some(others) => {
                    let mut names: Vec<&str> = others.iter().take(2).map(|&o| self.id(o)).collect();
                    if others.len() > 2 {
                        names.push("others");
                    }
                    format!("{} is now paired with {}", self.id(p), names.join(" and "))
                }
            };
            why.push(format!(
                "outweighed in the optimum (pair score {}): {}, and {}",
                fmt_tenths(i64::from(weight)),
                with(l),
                with(r)
            ));
        }
        why.join("; ")
    }
}

/// Compares this run with the previous one on the regions both report on.
pub(super) fn changes(ctx: &Ctx<'_>, prev: &Snapshot, now: &SnapshotDetail) -> ChangeList {
    let d = ctx.d;
    let regions: BTreeSet<String> = prev
        .regions
        .keys()
        .filter(|name| d.region_id(name).is_some_and(|r| ctx.scope.contains(r)))
        .cloned()
        .collect();
    let mut partners_now: FxHashMap<PartnerId, Vec<PartnerId>> = FxHashMap::default();
    for rp in &ctx.pairing.regions {
        for p in &rp.pairs {
            partners_now.entry(p.left).or_default().push(p.right);
            partners_now.entry(p.right).or_default().push(p.left);
        }
    }
    let cmp = Compare {
        ctx,
        prev,
        rules: PairRules::new(ctx.config),
        engaged: engaged_counts(d, ctx.as_of),
        partners_now,
    };
    let mut list = ChangeList {
        regions,
        ..ChangeList::default()
    };
    bands(&cmp, now, &mut list);
    pairs(&cmp, now, &mut list);
    vendors(&cmp, now, &mut list);
    list.changes.sort_by(|a, b| {
        (a.kind, std::cmp::Reverse(a.rank), &a.region, &a.subject).cmp(&(
            b.kind,
            std::cmp::Reverse(b.rank),
            &b.region,
            &b.subject,
        ))
    });
    list
}

/// A row behind a change.
#[derive(Debug, Clone, Copy)]
enum Evidence {
    /// A certification row valid at the previous date and not now.
    Lapsed(CertId, chrono::NaiveDate, u64),
    /// A certification row valid now and not at the previous date.
    Earned(CertId, chrono::NaiveDate, u64),
    /// The assessment of a skill that counts now, made after the previous date.
    Assessed(SkillId, u8, chrono::NaiveDate, u64),
}

impl Evidence {
    fn describe(self, config: &crate::config::Config) -> String {
        match self {
            Evidence::Lapsed(c, on, line) => format!(
                "{} lapsed on {on} (certifications line {line})",
                config.certifications[c as usize].id
            ),
            Evidence::Earned(c, on, line) => format!(
                "{} earned on {on} (certifications line {line})",
                config.certifications[c as usize].id
            ),
            Evidence::Assessed(s, level, on, line) => format!(
                "{} assessed at level {level} on {on} (skills line {line})",
                config.skills[s as usize].id
            ),
        }
    }
}

/// The certification and assessment rows of some partners, indexed once (one pass over
/// each table), and what changed in them between the two as-of dates.
struct RowsOf<'d> {
    since: chrono::NaiveDate,
    until: chrono::NaiveDate,
    certs: FxHashMap<PartnerId, Vec<&'d crate::ingest::CertificationRow>>,
    assessments: FxHashMap<PartnerId, Vec<&'d crate::ingest::Assessment>>,
}

impl<'d> RowsOf<'d> {
    fn new(cmp: &Compare<'d, '_>, partners: &[PartnerId]) -> RowsOf<'d> {
        let d = cmp.ctx.d;
        let mut rows = RowsOf {
            since: cmp.prev.as_of,
            until: cmp.ctx.as_of,
            certs: FxHashMap::default(),
            assessments: FxHashMap::default(),
        };
        if partners.is_empty() {
            return rows;
        }
        let mut wanted = vec![false; d.partners.len()];
        for &p in partners {
            wanted[p as usize] = true;
        }
        for c in d
            .certifications
            .iter()
            .filter(|c| wanted[c.partner as usize])
        {
            rows.certs.entry(c.partner).or_default().push(c);
        }
        for a in d.assessments.iter().filter(|a| wanted[a.partner as usize]) {
            rows.assessments.entry(a.partner).or_default().push(a);
        }
        rows
    }

    /// `p`'s certification rows among `certs` valid at one date and not at the other.
    fn certifications(&self, p: PartnerId, certs: impl Fn(CertId) -> bool) -> Vec<Evidence> {
        let rows = self.certs.get(&p).map_or(&[][..], Vec::as_slice);
        rows.iter()
            .filter(|c| certs(c.certification))
            .filter_map(|c| {
                let valid = |day| c.earned_on <= day && day < c.expires_on;
                match (valid(self.since), valid(self.until)) {
                    (true, false) => Some(Evidence::Lapsed(c.certification, c.expires_on, c.line)),
                    (false, true) => Some(Evidence::Earned(c.certification, c.earned_on, c.line)),
                    _ => None,
                }
            })
            .collect()
    }

    /// For each skill among `skills`, `p`'s assessment that counts now when it was made
    /// after the previous date (the latest; the highest level on equal dates).
    fn assessed(&self, p: PartnerId, skills: impl Fn(SkillId) -> bool) -> Vec<Evidence> {
        let mut latest: BTreeMap<SkillId, &crate::ingest::Assessment> = BTreeMap::new();
        for a in self.assessments.get(&p).into_iter().flatten() {
            if !skills(a.skill) {
                continue;
            }
            let e = latest.entry(a.skill).or_insert(a);
            if (a.assessed_on, a.level) > (e.assessed_on, e.level) {
                *e = a;
            }
        }
        latest
            .into_values()
            .filter(|a| a.assessed_on > self.since)
            .map(|a| Evidence::Assessed(a.skill, a.level, a.assessed_on, a.line))
            .collect()
    }
}

/// Up to three rows in words, `, `-joined, with how many more.
fn listed(config: &crate::config::Config, rows: &[Evidence]) -> String {
    let mut text: Vec<String> = rows.iter().take(3).map(|e| e.describe(config)).collect();
    if rows.len() > 3 {
        text.push(format!("and {} more", rows.len() - 3));
    }
    text.join(", ")
}

/// Partners who crossed a band, with the components that moved and the rows behind them.
fn bands(cmp: &Compare<'_, '_>, now: &SnapshotDetail, list: &mut ChangeList) {
    let (d, config) = (cmp.ctx.d, cmp.ctx.config);
    // Both maps are sorted by id: walked side by side.
    let mut earlier = cmp.prev.detail.partners.iter().peekable();
    let mut crossed: Vec<(PartnerId, &SnapshotPartner, &SnapshotPartner)> = Vec::new();
    for (id, n) in &now.partners {
        while earlier.next_if(|(b, _)| b.as_str() < id.as_str()).is_some() {}
        let Some((_, b)) = earlier.peek().filter(|(b_id, _)| *b_id == id) else {
            continue;
        };
        if b.band_index == n.band_index {
            continue;
        }
        let Some(p) = d.partner_id(id) else { continue };
        if list
            .regions
            .contains(&d.regions[d.partners[p as usize].region as usize])
        {
            crossed.push((p, b, n));
        }
    }
    if crossed.is_empty() {
        return;
    }
    let ids: Vec<PartnerId> = crossed.iter().map(|c| c.0).collect();
    let rows = RowsOf::new(cmp, &ids);
    let changes: Vec<Change> = crossed
        .par_iter()
        .map(|&(p, b, n)| {
            let partner = &d.partners[p as usize];
            let track = &config.tracks[partner.track as usize];
            let certs = rows.certifications(p, |c| {
                config.certifications[c as usize]
                    .tracks
                    .contains(&partner.track)
            });
            let skills = rows.assessed(p, |s| track.skills.iter().any(|&(k, _)| k == s));
            Change {
                kind: if n.band_index < b.band_index {
                    ChangeKind::BandUp
                } else {
                    ChangeKind::BandDown
                },
                region: d.regions[partner.region as usize].clone(),
                subject: partner.id.clone(),
                name: format!("{} {}", partner.id, partner.name),
                before: format!("{} ({})", b.band, fmt_tenths(b.score_tenths)),
                after: format!("{} ({})", n.band, fmt_tenths(n.score_tenths)),
                cause: band_cause(cmp, p, b, n, &skills, &certs),
                rank: b.score_tenths.abs_diff(n.score_tenths),
            }
        })
        .collect();
    list.changes.extend(changes);
}

/// The components of partner `p` that moved and the rows behind them.
fn band_cause(
    cmp: &Compare<'_, '_>,
    p: PartnerId,
    b: &SnapshotPartner,
    n: &SnapshotPartner,
    skills: &[Evidence],
    certs: &[Evidence],
) -> String {
    let (ctx, config) = (cmp.ctx, cmp.ctx.config);
    let Some(before) = b.components else {
        // A snapshot written before components were kept: the rows alone.
        let mut parts = vec![format!(
            "score {} → {} (the previous run did not record its components)",
            fmt_tenths(b.score_tenths),
            fmt_tenths(n.score_tenths)
        )];
        parts.extend(
            [skills, certs]
                .into_iter()
                .filter(|r| !r.is_empty())
                .map(|r| listed(config, r)),
        );
        return parts.join("; ");
    };
    let s = &ctx.scores.partners[p as usize].now;
    let now = [
        tenths(100.0 * s.skill),
        tenths(100.0 * s.certification),
        tenths(100.0 * s.experience),
    ];
    let serviced = ctx.scores.serviced[p as usize];
    let mut parts = Vec::new();
    for (k, name) in ["skills", "certifications", "experience"]
        .iter()
        .enumerate()
    {
        if before[k] == now[k] {
            continue;
        }
        let behind = match k {
            0 if !skills.is_empty() => format!(": {}", listed(config, skills)),
            1 if !certs.is_empty() => format!(": {}", listed(config, certs)),
            2 => match b.serviced {
                Some(was) if was != serviced => format!(": serviced installs {was} → {serviced}"),
                _ => String::new(),
            },
            _ => String::new(),
        };
        parts.push(format!(
            "{name} {} → {}{behind}",
            fmt_tenths(before[k]),
            fmt_tenths(now[k])
        ));
    }
    if parts.is_empty() {
        return "no component moved: the configuration's weights, bands or gate changed"
            .to_string();
    }
    parts.join("; ")
}

/// The delivery-unit pairs of the compared regions, sorted by `(region, left, right)`
/// (a run writes them in that order, so the sort only checks).
fn units_by_key<'s>(units: &'s [SnapshotPair], regions: &BTreeSet<String>) -> Units<'s> {
    let mut v: Units<'s> = units
        .iter()
        .filter(|u| regions.contains(&u.region))
        .map(|u| ((u.region.as_str(), u.left.as_str(), u.right.as_str()), u))
        .collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

/// A run's delivery-unit pairs by key, sorted.
type Units<'s> = Vec<(Key<'s>, &'s SnapshotPair)>;

fn find<'s>(units: &Units<'s>, key: &Key<'_>) -> Option<&'s SnapshotPair> {
    units
        .binary_search_by(|(k, _)| k.cmp(key))
        .ok()
        .map(|i| units[i].1)
}

/// Pairs gained and lost, engagements started and ended, and the recommendations kept.
fn pairs(cmp: &Compare<'_, '_>, now: &SnapshotDetail, list: &mut ChangeList) {
    let before_units = cmp.prev.detail.delivery_units();
    let before = units_by_key(before_units.as_ref(), &list.regions);
    let after = units_by_key(&now.units, &list.regions);
    // Both sides walked together: each pair's state before and now.
    let mut moved: Vec<(
        ChangeKind,
        Key<'_>,
        Option<&SnapshotPair>,
        Option<&SnapshotPair>,
    )> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < before.len() || j < after.len() {
        let order = match (before.get(i), after.get(j)) {
            (Some(b), Some(a)) => b.0.cmp(&a.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (key, b, a) = match order {
            std::cmp::Ordering::Less => (before[i].0, Some(before[i].1), None),
            std::cmp::Ordering::Greater => (after[j].0, None, Some(after[j].1)),
            std::cmp::Ordering::Equal => (before[i].0, Some(before[i].1), Some(after[j].1)),
        };
        i += usize::from(b.is_some());
        j += usize::from(a.is_some());
        let (was_rec, is_rec) = (
            b.map(|u| u.origin.is_recommended()),
            a.map(|u| u.origin.is_recommended()),
        );
        if was_rec == Some(true) {
            list.recommended_before += 1;
            list.kept += usize::from(is_rec == Some(true));
        }
        let kind = match (was_rec, is_rec) {
            (None, Some(true)) => ChangeKind::PairGained,
            (Some(true), None) => ChangeKind::PairLost,
            (None | Some(true), Some(false)) => ChangeKind::EngagementStarted,
            (Some(false), None | Some(true)) => ChangeKind::EngagementEnded,
            _ => continue,
        };
        moved.push((kind, key, b, a));
    }
    // The previous pairs of the gained pairs' members, for "its pair with … ended".
    let gained: rustc_hash::FxHashSet<&str> = moved
        .iter()
        .filter(|m| m.0 == ChangeKind::PairGained)
        .flat_map(|m| [m.1.1, m.1.2])
        .collect();
    let mut before_of: FxHashMap<&str, Vec<Key<'_>>> = FxHashMap::default();
    for (k, _) in &before {
        for id in [k.1, k.2] {
            if gained.contains(id) {
                before_of.entry(id).or_default().push(*k);
            }
        }
    }
    let changes: Vec<Change> = moved
        .par_iter()
        .map(|&(kind, key, b, a)| {
            let (region, left, right) = key;
            let cause = match kind {
                ChangeKind::PairGained => gained_cause(cmp, key, a, &before_of, &after),
                ChangeKind::PairLost => cmp.why_not_selected(left, right, region),
                ChangeKind::EngagementStarted => match cmp
                    .members(left, right, region)
                    .and_then(|(l, r)| cmp.engagement(l, r))
                {
                    Some(e) => format!(
                        "active since {} (engagements line {})",
                        e.started_on.map_or_else(String::new, |d| d.to_string()),
                        e.line
                    ),
                    None => "an engagement in effect".to_string(),
                },
                _ => ended_cause(cmp, key),
            };
            let rank = match kind {
                ChangeKind::PairLost | ChangeKind::EngagementEnded => b.and_then(|u| u.weight),
                _ => a.and_then(|u| u.weight),
            };
            let name = pair_name(left, right);
            Change {
                kind,
                region: region.to_string(),
                subject: name.clone(),
                name,
                before: unit_state(b),
                after: unit_state(a),
                cause,
                rank: u64::from(rank.unwrap_or(0)),
            }
        })
        .collect();
    list.changes.extend(changes);
}

type Key<'s> = (&'s str, &'s str, &'s str);

/// Why a pair is recommended now that was not before: a member new, newly eligible, up a
/// band, or freed by the end of its previous pair; and its pair score.
fn gained_cause(
    cmp: &Compare<'_, '_>,
    key: Key<'_>,
    now: Option<&SnapshotPair>,
    before_of: &FxHashMap<&str, Vec<Key<'_>>>,
    after: &Units<'_>,
) -> String {
    let mut why = Vec::new();
    for id in [key.1, key.2] {
        let before = cmp.prev.detail.partners.get(id);
        let now_p = cmp.ctx.d.partner_id(id);
        match (before, now_p) {
            (None, _) => why.push(format!("{id} is new")),
            (Some(b), Some(p)) => {
                let s = &cmp.ctx.scores.partners[p as usize];
                if b.eligible == Some(false) && s.eligible {
                    why.push(format!("{id} became eligible"));
                } else if s.now.band < b.band_index {
                    why.push(format!(
                        "{id} rose to {}",
                        cmp.ctx.config.scoring.bands[s.now.band].name
                    ));
                }
            }
            (Some(_), None) => {}
        }
        if let Some(ended) = before_of
            .get(id)
            .and_then(|ks| ks.iter().find(|k| find(after, k).is_none()))
        {
            let other = if ended.1 == id { ended.2 } else { ended.1 };
            why.push(format!("{id}'s pair with {other} ended"));
        }
    }
    if why.is_empty() {
        why.push("the optimum changed".to_string());
    }
    if let Some(w) = now.and_then(|u| u.weight) {
        why.push(format!("pair score {}", fmt_tenths(i64::from(w))));
    }
    why.join("; ")
}

/// Why an engagement of the previous run is no longer in effect.
fn ended_cause(cmp: &Compare<'_, '_>, (region, left, right): Key<'_>) -> String {
    let Some((l, r)) = cmp.members(left, right, region) else {
        return [left, right]
            .iter()
            .filter_map(|id| cmp.member_gone(id, region))
            .collect::<Vec<_>>()
            .join("; ");
    };
    match cmp.engagement(l, r) {
        Some(e) => match e.state(cmp.ctx.as_of) {
            EngagementState::Ended => format!(
                "ended on {} (engagements line {})",
                e.ended_on.map_or_else(String::new, |d| d.to_string()),
                e.line
            ),
            EngagementState::Proposed => {
                format!("its status is proposed again (engagements line {})", e.line)
            }
            EngagementState::InEffect => "in effect".to_string(),
        },
        None => "no longer in the engagements table".to_string(),
    }
}

/// Vendors newly covered and uncovered, with the units that now qualify or what the units
/// that qualified lost.
fn vendors(cmp: &Compare<'_, '_>, now: &SnapshotDetail, list: &mut ChangeList) {
    let (ctx, d, config) = (cmp.ctx, cmp.ctx.d, cmp.ctx.config);
    let in_regions = |v: &[String]| -> BTreeSet<(String, String)> {
        v.iter()
            .filter_map(|k| {
                let (r, v) = k.split_once('|')?;
                list.regions
                    .contains(r)
                    .then(|| (r.to_string(), v.to_string()))
            })
            .collect()
    };
    let (before, after) = (
        in_regions(&cmp.prev.detail.covered),
        in_regions(&now.covered),
    );
    if before == after {
        return;
    }
    let prev_units = cmp.prev.detail.delivery_units();
    // A snapshot of the first format keeps no vendors per pair; one written before causes
    // were kept has no standalone units.
    let vendors_known = !cmp.prev.detail.units.is_empty() || cmp.prev.detail.pairs.is_empty();
    let qualifies = |vendors: &str, v: &str| vendors.split(';').any(|x| x == v);
    let prev_pair_keys: BTreeSet<(&str, &str, &str)> = prev_units
        .iter()
        .map(|u| (u.region.as_str(), u.left.as_str(), u.right.as_str()))
        .collect();
    let prev_alone: BTreeSet<(&str, &str)> = cmp
        .prev
        .detail
        .alone
        .iter()
        .flatten()
        .map(|a| (a.region.as_str(), a.partner.as_str()))
        .collect();
    let coverage_of = |region: &str, vendor: &str| {
        let (r, v) = (d.region_id(region)?, config.vendor_id(vendor)?);
        ctx.coverage.regions[r as usize]
            .vendors
            .iter()
            .find(|vc| vc.vendor == v)
    };
    let vendor_name = |vendor: &str| {
        config.vendor_id(vendor).map_or_else(
            || vendor.to_string(),
            |v| config.vendors[v as usize].name.clone(),
        )
    };
    let units_word = |n: usize| {
        if n == 1 {
            "covered by 1 unit".to_string()
        } else {
            format!("covered by {} units", fmt_int(n as u64))
        }
    };
    let named = |items: Vec<String>| -> String {
        let more = items.len().saturating_sub(3);
        let mut text = items.into_iter().take(3).collect::<Vec<_>>().join("; ");
        if more > 0 {
            text.push_str(&format!("; and {} more", fmt_int(more as u64)));
        }
        text
    };
    for (region, vendor) in after.difference(&before) {
        let Some(vc) = coverage_of(region, vendor) else {
            continue;
        };
        let items: Vec<String> = vc
            .units
            .iter()
            .map(|u| match *u {
                Unit::Pair(l, r) => {
                    let (li, ri) = (cmp.id(l), cmp.id(r));
                    if prev_pair_keys.contains(&(region.as_str(), li, ri)) {
                        format!("{} now qualifies", pair_name(li, ri))
                    } else {
                        format!("new pair {}", pair_name(li, ri))
                    }
                }
                Unit::Alone(p) => {
                    let id = cmp.id(p);
                    if prev_alone.contains(&(region.as_str(), id)) {
                        format!("{id} (alone) now qualifies")
                    } else {
                        format!("{id} qualifies alone")
                    }
                }
            })
            .collect();
        list.changes.push(Change {
            kind: ChangeKind::VendorCovered,
            region: region.clone(),
            subject: vendor.clone(),
            name: vendor_name(vendor),
            before: "uncovered".to_string(),
            after: units_word(vc.units.len()),
            cause: named(items),
            rank: vc.seats,
        });
    }
    let alone_now: BTreeSet<PartnerId> = ctx
        .coverage
        .regions
        .iter()
        .flat_map(|rc| rc.units.iter())
        .filter_map(|(u, _)| match u {
            Unit::Alone(p) => Some(*p),
            Unit::Pair(..) => None,
        })
        .collect();
    // The rows of the members of the units that covered a vendor now uncovered.
    let uncovered: Vec<&(String, String)> = before.difference(&after).collect();
    let members: Vec<PartnerId> = prev_units
        .iter()
        .filter(|u| {
            uncovered
                .iter()
                .any(|(r, v)| u.region == *r && qualifies(&u.vendors, v))
        })
        .flat_map(|u| [u.left.as_str(), u.right.as_str()])
        .chain(
            cmp.prev
                .detail
                .alone
                .iter()
                .flatten()
                .map(|a| a.partner.as_str()),
        )
        .filter_map(|id| d.partner_id(id))
        .collect();
    let rows = RowsOf::new(cmp, &members);
    // What `members` lack for vendor `v`, with the rows that took it away.
    let lost = |members: &[PartnerId], v: VendorId| -> String {
        // The unit's levels (each member's best) and certifications (all of them).
        let mut levels = vec![0u8; ctx.scores.n_skills];
        for &p in members {
            for (l, &o) in levels.iter_mut().zip(ctx.scores.levels_of(p)) {
                *l = (*l).max(o);
            }
        }
        let certs: Vec<HeldCert> = members
            .iter()
            .flat_map(|&p| ctx.scores.certs[p as usize].iter().cloned())
            .collect();
        let vendor = &config.vendors[v as usize];
        let mut text = lacks(config, &shortfall(config, &levels, &certs, v)).join(", ");
        let behind: Vec<String> = members
            .iter()
            .flat_map(|&p| {
                let lapsed = rows
                    .certifications(p, |c| vendor.interop_certifications.contains(&c))
                    .into_iter()
                    .filter(|e| matches!(e, Evidence::Lapsed(..)));
                let lowered = rows
                    .assessed(p, |s| vendor.interop_skills.iter().any(|&(k, _)| k == s))
                    .into_iter()
                    .filter(|e| match *e {
                        Evidence::Assessed(s, level, ..) => vendor
                            .interop_skills
                            .iter()
                            .any(|&(k, r)| k == s && level < r),
                        _ => false,
                    });
                lapsed
                    .chain(lowered)
                    .map(move |e| format!("{}'s {}", cmp.id(p), e.describe(config)))
            })
            .collect();
        if !behind.is_empty() {
            text.push_str(" — ");
            text.push_str(&behind.join(", "));
        }
        text
    };
    for (region, vendor) in uncovered {
        let vc = coverage_of(region, vendor);
        let v = config.vendor_id(vendor);
        let mut items: Vec<String> = Vec::new();
        let mut count = 0;
        for u in prev_units
            .iter()
            .filter(|u| u.region == *region && qualifies(&u.vendors, vendor))
        {
            count += 1;
            let name = pair_name(&u.left, &u.right);
            let now_pair = cmp.members(&u.left, &u.right, region).and_then(|(l, r)| {
                ctx.pairing.regions[d.partners[l as usize].region as usize]
                    .pairs
                    .binary_search_by_key(&(l, r), |p| (p.left, p.right))
                    .ok()
                    .map(|_| (l, r))
            });
            items.push(match (now_pair, v) {
                (Some((l, r)), Some(v)) => {
                    format!("{name} now lacks {}", lost(&[l, r], v))
                }
                _ => format!(
                    "{name} is no longer selected: {}",
                    cmp.why_not_selected(&u.left, &u.right, region)
                ),
            });
        }
        for a in cmp
            .prev
            .detail
            .alone
            .iter()
            .flatten()
            .filter(|a| a.region == *region && qualifies(&a.vendors, vendor))
        {
            count += 1;
            let id = a.partner.as_str();
            let p = d.partner_id(id);
            items.push(match (p, v) {
                (Some(p), Some(v)) if alone_now.contains(&p) => {
                    format!("{id} (alone) now lacks {}", lost(&[p], v))
                }
                _ => match cmp.member_gone(id, region) {
                    Some(why) => why,
                    None => format!("{id} is no longer on a standalone track"),
                },
            });
        }
        let mut cause = if vc.is_none() {
            format!("no installs of it are left in {region}")
        } else {
            named(items)
        };
        if !vendors_known {
            cause = "the previous run did not record which units covered it".to_string();
        } else if cmp.prev.detail.alone.is_none() && vc.is_some() {
            cause.push_str(if cause.is_empty() { "" } else { "; " });
            cause.push_str("the previous run did not record its standalone partners");
        }
        list.changes.push(Change {
            kind: ChangeKind::VendorUncovered,
            region: region.clone(),
            subject: vendor.clone(),
            name: vendor_name(vendor),
            before: if vendors_known && count > 0 {
                units_word(count)
            } else {
                "covered".to_string()
            },
            after: if vc.is_some() {
                "uncovered".to_string()
            } else {
                "no installs".to_string()
            },
            cause,
            rank: vc.map_or(0, |vc| vc.seats),
        });
    }
}

/// One change as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    /// Region name.
    pub region: String,
    /// What changed, in words.
    pub subject: String,
    /// Before.
    pub before: String,
    /// After.
    pub after: String,
    /// Why.
    pub cause: String,
}

/// The changes of one kind as a page shows them: the count and the first rows.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeGroup {
    /// The kind's id (`pair_lost`).
    pub kind: &'static str,
    /// Its words (`Pairs lost`).
    pub label: &'static str,
    /// How many, formatted.
    pub count: String,
    /// How many are shown, formatted.
    pub shown: String,
    /// Whether some are not shown (the CSV has them all).
    pub more: bool,
    /// The first five of them (`SHOWN`).
    pub rows: Vec<ChangeRow>,
}

/// What a page shows of the changes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChangeSummary {
    /// Whether this page's scope was compared with the previous run.
    pub compared: bool,
    /// Every change, formatted.
    pub total: String,
    /// The kinds that have any, in kind order.
    pub groups: Vec<ChangeGroup>,
    /// The recommendations kept, in words (absent when the previous run recommended
    /// none).
    pub kept: Option<String>,
}

impl ChangeList {
    /// What a page shows: of every region compared (`region` `None`), or of one.
    pub fn summary(&self, region: Option<&str>) -> ChangeSummary {
        if region.is_some_and(|r| !self.regions.contains(r)) {
            return ChangeSummary::default();
        }
        let mine: Vec<&Change> = self
            .changes
            .iter()
            .filter(|c| region.is_none_or(|r| c.region == r))
            .collect();
        let groups = ChangeKind::ALL
            .iter()
            .filter_map(|&kind| {
                let of: Vec<&&Change> = mine.iter().filter(|c| c.kind == kind).collect();
                (!of.is_empty()).then(|| ChangeGroup {
                    kind: kind.as_str(),
                    label: kind.label(),
                    count: fmt_int(of.len() as u64),
                    shown: fmt_int(of.len().min(SHOWN) as u64),
                    more: of.len() > SHOWN,
                    rows: of
                        .iter()
                        .take(SHOWN)
                        .map(|c| ChangeRow {
                            region: c.region.clone(),
                            subject: c.name.clone(),
                            before: c.before.clone(),
                            after: c.after.clone(),
                            cause: c.cause.clone(),
                        })
                        .collect(),
                })
            })
            .collect();
        // The recommendations kept are counted over every region compared.
        let kept = (region.is_none() && self.recommended_before > 0).then(|| {
            format!(
                "{} of the previous run's {} recommended pairs are recommended again.",
                fmt_int(self.kept as u64),
                fmt_int(self.recommended_before as u64)
            )
        });
        ChangeSummary {
            compared: true,
            total: fmt_int(mine.len() as u64),
            groups,
            kept,
        }
    }

    /// How many changes of each kind, for `summary.json`.
    pub fn counts(&self) -> BTreeMap<&'static str, u64> {
        let mut counts: BTreeMap<&'static str, u64> =
            ChangeKind::ALL.iter().map(|k| (k.as_str(), 0)).collect();
        for c in &self.changes {
            *counts.entry(c.kind.as_str()).or_default() += 1;
        }
        counts
    }
}
