//! A region's row on the summary and its page: key figures, coverage by vendor, gaps,
//! pairs, targets, partners by status and every partner.

use serde::Serialize;

use super::trend::{TrendSeries, TrendTable, last_months, trend};
use super::{Ctx, Tile, tiles};
use crate::config::Status;
use crate::coverage::{Rate, RegionCoverage, Severity, TargetState, Unit};
use crate::format::{fmt_component, fmt_int, fmt_pct, fmt_tenths};
use crate::ingest::PartnerId;
use crate::score::cliff_date;

/// Whether a vendor is covered in a region, as the vendor table says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VendorState {
    /// Some delivery unit is qualified for it.
    Covered,
    /// None is.
    Uncovered,
}

impl VendorState {
    fn of(covered: bool) -> VendorState {
        if covered {
            VendorState::Covered
        } else {
            VendorState::Uncovered
        }
    }
}

/// A track's partners by status in a region.
#[derive(Debug, Clone, Serialize)]
pub struct StatusRow {
    /// Track id.
    pub track: String,
    /// Partners per status.
    pub prospect: u64,
    /// Recruited partners.
    pub recruited: u64,
    /// Enabled partners.
    pub enabled: u64,
    /// Active partners.
    pub active: u64,
    /// Inactive partners.
    pub inactive: u64,
}

/// A row of the region table on the summary page.
#[derive(Debug, Clone, Serialize)]
pub struct RegionRow {
    /// Region name.
    pub name: String,
    /// File stem of its pages.
    pub slug: String,
    /// Eligible partners.
    pub eligible: String,
    /// Ready partners.
    pub ready: String,
    /// Pairs.
    pub pairs: String,
    /// Seat coverage with the recommendations (`n/a` without installs).
    pub coverage: String,
    /// Seat coverage now: engagements in effect and standalone partners.
    pub coverage_now: String,
    /// Coverage bar length, 0..=100.
    pub coverage_percent: f64,
    /// Uncovered seats.
    pub uncovered_seats: String,
    /// Recruited vs target (`—` without targets).
    pub recruited: String,
    /// The state of each target behind `recruited`: one word for the region's `all`
    /// target, `track: state` per track otherwise (empty without targets).
    pub target_state: String,
    /// Planned first customer implementations and their seats.
    pub planned: String,
    /// Gaps rated high.
    pub high_gaps: usize,
    /// The recruit-next line, if any.
    pub recruit_next: Option<String>,
}

/// A partner row of a region page.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerRow {
    /// Partner id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Track id.
    pub track: String,
    /// Status.
    pub status: String,
    /// Score.
    pub score: String,
    /// Band.
    pub band: String,
    /// Skill, certification and experience components.
    pub components: [String; 3],
    /// Vendors qualified for alone.
    pub vendors: String,
    /// Pairs it is in.
    pub pairs: usize,
    /// Capacity.
    pub capacity: u32,
}

/// A pair row of a region page.
#[derive(Debug, Clone, Serialize)]
pub struct PairRow {
    /// Left partner id and name.
    pub left: String,
    /// Right partner id and name.
    pub right: String,
    /// Pair score.
    pub score: String,
    /// Pair skill score ×100.
    pub skill: String,
    /// Pair vendor score ×100.
    pub vendor: String,
    /// Vendors it qualifies for.
    pub vendors: String,
    /// `proposed`, `previous` or `new`.
    pub origin: &'static str,
}

/// An engagement in effect on a region page.
#[derive(Debug, Clone, Serialize)]
pub struct EngagementRow {
    /// Left partner id and name.
    pub left: String,
    /// Right partner id and name.
    pub right: String,
    /// `started_on`.
    pub since: String,
    /// Implementations delivered.
    pub implementations: String,
    /// Pair score today.
    pub score: String,
    /// Vendors it qualifies for today.
    pub vendors: String,
    /// Every reason it is at risk, in words, `; `-joined (`—` when it is not).
    pub at_risk: String,
}

/// A planned first customer implementation on a region page.
#[derive(Debug, Clone, Serialize)]
pub struct ImplementationRow {
    /// The unit: `left + right` pair or standalone partner, ids and names (on the first
    /// row of its unit only).
    pub unit: String,
    /// `customer` (its `install_id` is in `implementations.csv`).
    pub customer: String,
    /// Vendor name.
    pub vendor: String,
    /// Seats.
    pub seats: String,
    /// `serviced by <partner name>` for an existing customer relationship, else `—`.
    pub relationship: String,
    /// On the first row of its unit: the unit's number of rows.
    pub group: Option<usize>,
}

/// A region's plan in one line.
#[derive(Debug, Clone, Serialize)]
pub struct PlanLine {
    /// Planned implementations.
    pub planned: String,
    /// Units with at least one.
    pub units: String,
    /// Their seats.
    pub seats: String,
    /// Planned with an existing relationship.
    pub relationships: String,
    /// `implementations.per_unit`.
    pub per_unit: u32,
}

/// How stable a region's recommendations are (docs/pairing.md, "Stable
/// recommendations").
#[derive(Debug, Clone, Serialize)]
pub struct StabilityLine {
    /// Recommended pairs.
    pub recommended: String,
    /// Their total pair score.
    pub total: String,
    /// The optimum without the keep bonus, when a bonus is set.
    pub optimum: Option<String>,
    /// Incumbent pairs kept.
    pub kept: String,
    /// Incumbent pairs.
    pub incumbents: String,
}

/// A vendor row of a region page.
#[derive(Debug, Clone, Serialize)]
pub struct VendorRow {
    /// Vendor name.
    pub name: String,
    /// Installs.
    pub installs: String,
    /// Seats.
    pub seats: String,
    /// Share of the region's seats.
    pub share: String,
    /// Covered or not (with the recommendations).
    pub state: VendorState,
    /// Covered now: by the engagements in effect and standalone partners alone.
    pub now: VendorState,
    /// Who covers it: the units when few, else how many and the strongest, each with its
    /// pair score (or a standalone partner's score).
    pub covered_by: String,
    /// When it would be lost to lapsing certifications, if it would.
    pub lost_on: Option<String>,
}

/// A gap line.
#[derive(Debug, Clone, Serialize)]
pub struct GapRow {
    /// Kind, in words (`gaps.csv` keeps the id).
    pub kind: &'static str,
    /// Severity.
    pub severity: &'static str,
    /// Subject.
    pub subject: String,
    /// Plain-language line.
    pub detail: String,
}

/// A target line.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    /// Track or `all`.
    pub track: String,
    /// Due date.
    pub due_on: String,
    /// Counted partners.
    pub counted: u32,
    /// Target partners.
    pub partners: u32,
    /// Attainment (counted / target).
    pub attainment: String,
    /// Pairs wanted, if any, and selected.
    pub pairs: Option<String>,
    /// Met, missed or open.
    pub state: TargetState,
}

/// A region page.
#[derive(Debug, Clone, Serialize)]
pub struct RegionPage {
    /// Region name.
    pub name: String,
    /// File stem.
    pub slug: String,
    /// KPI tiles.
    pub tiles: Vec<Tile>,
    /// Coverage by vendor.
    pub vendors: Vec<VendorRow>,
    /// Whether the region has installs.
    pub has_installs: bool,
    /// Seat coverage now and with the recommendations (chart; empty without installs).
    pub coverage_bars: Vec<super::Bar>,
    /// Recommended pairs (rendered by `rows.rs`, not part of the template
    /// context).
    #[serde(skip)]
    pub pairs: Vec<PairRow>,
    /// Engagements in effect (rendered by `rows.rs`, not part of the template context).
    #[serde(skip)]
    pub engagements: Vec<EngagementRow>,
    /// The recommendations' stability.
    pub stability: StabilityLine,
    /// Planned first customer implementations, by unit (rendered by `rows.rs`, not part
    /// of the template context).
    #[serde(skip)]
    pub implementations: Vec<ImplementationRow>,
    /// The plan in figures.
    pub plan: PlanLine,
    /// Pairing rates, formatted.
    pub left_rate: String,
    /// Pairing rate of the right track.
    pub right_rate: String,
    /// Gaps as actions (rendered by `rows.rs`, not part of the template
    /// context).
    #[serde(skip)]
    pub gaps: Vec<GapRow>,
    /// Targets.
    pub targets: Vec<TargetRow>,
    /// Partners by status per track.
    pub statuses: Vec<StatusRow>,
    /// Recruit-next line.
    pub recruit_next: Option<String>,
    /// Partner table (rendered by `rows.rs`, not part of the template
    /// context).
    #[serde(skip)]
    pub partners: Vec<PartnerRow>,
    /// Counted partners per month and track in this region (cumulative by `joined_on`).
    pub trend: Vec<TrendSeries>,
    /// The last six months of `trend` as a table.
    pub trend_table: TrendTable,
    /// The region's changes since the previous run: counts and the first of each kind.
    pub changes: super::ChangeSummary,
}

/// A region's row on the summary and its page.
pub(super) fn region(
    ctx: &Ctx<'_>,
    rc: &RegionCoverage,
    changes: &super::ChangeList,
) -> (RegionRow, RegionPage) {
    let d = ctx.d;
    let r = rc.region as usize;
    let k = &ctx.region_kpis[r];
    let recruit_next = recruit_line(ctx, rc);
    let row = RegionRow {
        name: d.regions[r].clone(),
        slug: ctx.slugs[r].clone(),
        eligible: fmt_int(k.eligible),
        ready: fmt_int(k.ready),
        pairs: fmt_int(k.pairs),
        coverage: fmt_pct(k.seats_covered, k.seats),
        coverage_now: fmt_pct(k.seats_covered_now.unwrap_or(0), k.seats),
        coverage_percent: k.coverage_tenths().map_or(0.0, |t| t as f64 / 10.0),
        uncovered_seats: fmt_int(k.seats - k.seats_covered),
        recruited: match rc.recruitment {
            Some(_) => format!("{} of {}", fmt_int(k.counted), fmt_int(k.targeted)),
            None => "—".to_string(),
        },
        target_state: target_state(ctx, rc),
        planned: format!(
            "{} ({} seats)",
            fmt_int(k.planned),
            fmt_int(k.planned_seats)
        ),
        high_gaps: rc
            .gaps
            .iter()
            .filter(|g| g.severity == Severity::High)
            .count(),
        recruit_next: recruit_next.clone(),
    };
    let previous = ctx.previous.and_then(|p| p.regions.get(&d.regions[r]));
    let region_trend = trend(
        ctx.by_region[r].iter().map(|&p| &d.partners[p as usize]),
        ctx.config,
        ctx.as_of,
    );
    let page = RegionPage {
        name: d.regions[r].clone(),
        slug: ctx.slugs[r].clone(),
        tiles: tiles(k, previous),
        vendors: vendor_rows(ctx, rc),
        has_installs: rc.seats.0 > 0 || rc.installs.0 > 0,
        coverage_bars: coverage_bars(k),
        pairs: pair_rows(ctx, rc),
        engagements: engagement_rows(ctx, rc),
        stability: stability_line(ctx, rc),
        implementations: implementation_rows(ctx, rc),
        plan: plan_line(ctx, rc),
        left_rate: rate(&rc.left_rate),
        right_rate: rate(&rc.right_rate),
        gaps: gap_rows(ctx, rc),
        targets: target_rows(ctx, rc),
        statuses: status_rows(ctx, rc),
        recruit_next,
        partners: partner_rows(ctx, rc),
        trend_table: last_months(&region_trend, 6),
        changes: changes.summary(Some(&d.regions[r])),
        trend: region_trend,
    };
    (row, page)
}

/// Seat coverage now — engagements in effect and standalone partners — and with the
/// recommended pairs (chart); none without seats.
fn coverage_bars(k: &crate::report::history::Kpis) -> Vec<super::Bar> {
    if k.seats == 0 {
        return Vec::new();
    }
    let bar = |label: &str, covered: u64| super::Bar {
        label: label.to_string(),
        percent: 100.0 * covered as f64 / k.seats as f64,
        text: format!("{} ({} seats)", fmt_pct(covered, k.seats), fmt_int(covered)),
    };
    vec![
        bar("Now", k.seats_covered_now.unwrap_or(0)),
        bar("With recommendations", k.seats_covered),
    ]
}

/// The state of each target behind "recruited vs target": one word for an `all`
/// target, `track: state` each otherwise.
fn target_state(ctx: &Ctx<'_>, rc: &RegionCoverage) -> String {
    let Some(rec) = &rc.recruitment else {
        return String::new();
    };
    let states: Vec<String> = rec
        .targets
        .iter()
        .map(|&i| {
            let ts = &rc.targets[i];
            match ctx.d.targets[ts.target].track {
                None => ts.state.as_str().to_string(),
                Some(tr) => format!(
                    "{}: {}",
                    ctx.config.tracks[tr as usize].id,
                    ts.state.as_str()
                ),
            }
        })
        .collect();
    states.join("; ")
}

/// The recruit-next line, if the region has one.
fn recruit_line(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Option<String> {
    rc.recruit_next.as_ref().map(|r| {
        let track = &ctx.config.tracks[r.track as usize].id;
        let vendor = &ctx.config.vendors[r.vendor as usize].name;
        let with = r
            .pair_with
            .map(|p| format!(", paired with {}", ctx.who(p)))
            .unwrap_or_default();
        format!(
            "a {track} partner qualified for {vendor}{with}: +{} seats ({})",
            fmt_int(r.seats),
            ctx.vendor_names(r.vendors)
        )
    })
}

/// A pairing rate: `paired of eligible (share)`.
fn rate(x: &Rate) -> String {
    format!(
        "{} of {} ({})",
        x.paired,
        x.eligible,
        fmt_pct(u64::from(x.paired), u64::from(x.eligible))
    )
}

/// Units named in a vendor row's "Covered by" before the count of the others.
const COVERED_BY_SHOWN: usize = 3;

fn vendor_rows(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Vec<VendorRow> {
    let d = ctx.d;
    let rp = &ctx.pairing.regions[rc.region as usize];
    let unit_name = |u: &Unit| match *u {
        Unit::Pair(a, b) => format!(
            "{} + {}",
            d.partners[a as usize].id, d.partners[b as usize].id
        ),
        Unit::Alone(p) => d.partners[p as usize].id.clone(),
    };
    // A unit's strength: its pair score, or a standalone partner's score (both tenths).
    let strength = |u: &Unit| -> i64 {
        match *u {
            Unit::Pair(a, b) => rp
                .pairs
                .binary_search_by_key(&(a, b), |p| (p.left, p.right))
                .map_or(0, |i| i64::from(rp.pairs[i].score.weight)),
            Unit::Alone(p) => ctx.scores.partners[p as usize].now.tenths,
        }
    };
    rc.vendors
        .iter()
        .map(|v| VendorRow {
            name: ctx.config.vendors[v.vendor as usize].name.clone(),
            installs: fmt_int(v.installs),
            seats: fmt_int(v.seats),
            share: fmt_pct(v.seats, rc.seats.0),
            state: VendorState::of(v.covered),
            now: VendorState::of(v.covered_now),
            covered_by: covered_by(&v.units, &unit_name, &strength),
            lost_on: v.lost_at.map(|i| cliff_date(ctx.as_of, i).to_string()),
        })
        .collect()
}

/// "Covered by" in a few words: every unit when there are few, else how many and the
/// strongest (the pairs table lists them all).
fn covered_by(
    units: &[Unit],
    name: &dyn Fn(&Unit) -> String,
    strength: &dyn Fn(&Unit) -> i64,
) -> String {
    if units.is_empty() {
        return "—".to_string();
    }
    let mut order: Vec<&Unit> = units.iter().collect();
    // Strongest first; ties keep the units' order.
    order.sort_by_key(|u| std::cmp::Reverse(strength(u)));
    let shown: Vec<String> = order
        .iter()
        .take(COVERED_BY_SHOWN)
        .map(|u| format!("{} ({})", name(u), fmt_tenths(strength(u))))
        .collect();
    match units.len() {
        1 => shown.join(""),
        n if n <= COVERED_BY_SHOWN => format!("{n} units: {}", shown.join("; ")),
        n => format!(
            "{n} units, strongest {}; and {} more",
            shown.join("; "),
            n - COVERED_BY_SHOWN
        ),
    }
}

fn engagement_rows(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Vec<EngagementRow> {
    ctx.pairing.regions[rc.region as usize]
        .engaged()
        .map(|p| {
            let e = p.engagement.map(|i| &ctx.d.engagements[i as usize]);
            EngagementRow {
                left: ctx.who(p.left),
                right: ctx.who(p.right),
                since: e
                    .and_then(|e| e.started_on)
                    .map_or_else(String::new, |d| d.to_string()),
                implementations: fmt_int(u64::from(e.map_or(0, |e| e.implementations))),
                score: fmt_tenths(i64::from(p.score.weight)),
                vendors: ctx.vendor_names(p.score.qualified),
                at_risk: if p.at_risk.is_empty() {
                    "—".to_string()
                } else {
                    p.at_risk
                        .iter()
                        .map(|&r| crate::format::at_risk(ctx.d, ctx.config, r))
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            }
        })
        .collect()
}

/// `id name + id name` of a unit, or `id name` of a standalone partner.
fn unit_name(ctx: &Ctx<'_>, u: Unit) -> String {
    match u {
        Unit::Pair(a, b) => format!("{} + {}", ctx.who(a), ctx.who(b)),
        Unit::Alone(p) => ctx.who(p),
    }
}

fn implementation_rows(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Vec<ImplementationRow> {
    let plan = &ctx.plan.regions[rc.region as usize];
    let mut last = None;
    plan.implementations
        .iter()
        .map(|i| {
            let group = (last != Some(i.unit)).then(|| plan.of_unit(i.unit).len());
            last = Some(i.unit);
            ImplementationRow {
                // Shown on its group's first row only.
                unit: match group {
                    Some(_) => unit_name(ctx, rc.units[i.unit as usize].0),
                    None => String::new(),
                },
                customer: i.customer.clone(),
                vendor: ctx.config.vendors[i.vendor as usize].name.clone(),
                seats: fmt_int(i.seats),
                relationship: i.serviced_by.map_or_else(
                    || "—".to_string(),
                    |p| format!("serviced by {}", ctx.d.partners[p as usize].name),
                ),
                group,
            }
        })
        .collect()
}

fn plan_line(ctx: &Ctx<'_>, rc: &RegionCoverage) -> PlanLine {
    let plan = &ctx.plan.regions[rc.region as usize];
    let mut units: Vec<u32> = plan.implementations.iter().map(|i| i.unit).collect();
    units.dedup();
    PlanLine {
        planned: fmt_int(plan.implementations.len() as u64),
        units: fmt_int(units.len() as u64),
        seats: fmt_int(plan.seats()),
        relationships: fmt_int(plan.relationships() as u64),
        per_unit: ctx.config.implementations.per_unit,
    }
}

fn stability_line(ctx: &Ctx<'_>, rc: &RegionCoverage) -> StabilityLine {
    let rp = &ctx.pairing.regions[rc.region as usize];
    let st = rp.stability;
    StabilityLine {
        recommended: fmt_int(rp.recommended().count() as u64),
        total: fmt_tenths(rp.total_weight as i64),
        optimum: (ctx.config.pairing.keep_bonus_tenths > 0)
            .then(|| fmt_tenths(st.optimum_weight as i64)),
        kept: fmt_int(u64::from(st.kept)),
        incumbents: fmt_int(u64::from(st.incumbents)),
    }
}

fn pair_rows(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Vec<PairRow> {
    ctx.pairing.regions[rc.region as usize]
        .recommended()
        .map(|p| PairRow {
            origin: p.origin.as_str(),
            left: ctx.who(p.left),
            right: ctx.who(p.right),
            score: fmt_tenths(i64::from(p.score.weight)),
            skill: fmt_component(p.score.skill),
            vendor: fmt_component(p.score.vendor),
            vendors: ctx.vendor_names(p.score.qualified),
        })
        .collect()
}

fn gap_rows(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Vec<GapRow> {
    rc.gaps
        .iter()
        .map(|g| GapRow {
            kind: g.kind().label(),
            severity: g.severity.as_str(),
            subject: g.subject.clone(),
            detail: crate::format::gap_detail(ctx.d, ctx.config, g),
        })
        .collect()
}

fn target_rows(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Vec<TargetRow> {
    rc.targets
        .iter()
        .map(|ts| {
            let t = &ctx.d.targets[ts.target];
            TargetRow {
                track: t.track.map_or("all".to_string(), |tr| {
                    ctx.config.tracks[tr as usize].id.clone()
                }),
                due_on: t.due_on.to_string(),
                counted: ts.counted,
                partners: t.partners,
                attainment: fmt_pct(u64::from(ts.counted), u64::from(t.partners)),
                pairs: t.pairs.map(|want| format!("{} of {want}", ts.pairs)),
                state: ts.state,
            }
        })
        .collect()
}

fn status_rows(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Vec<StatusRow> {
    let d = ctx.d;
    // Partners per track and status, in one pass over the region's partners.
    let mut counts = vec![[0u64; Status::ALL.len()]; ctx.config.tracks.len()];
    for &p in &ctx.by_region[rc.region as usize] {
        let p = &d.partners[p as usize];
        let st = Status::ALL.iter().position(|&s| s == p.status).unwrap_or(0);
        counts[p.track as usize][st] += 1;
    }
    ctx.config
        .tracks
        .iter()
        .zip(counts)
        .map(|(t, c)| {
            let count = |st: Status| c[Status::ALL.iter().position(|&s| s == st).unwrap_or(0)];
            StatusRow {
                track: t.id.clone(),
                prospect: count(Status::Prospect),
                recruited: count(Status::Recruited),
                enabled: count(Status::Enabled),
                active: count(Status::Active),
                inactive: count(Status::Inactive),
            }
        })
        .collect()
}

fn partner_rows(ctx: &Ctx<'_>, rc: &RegionCoverage) -> Vec<PartnerRow> {
    let (d, config) = (ctx.d, ctx.config);
    let rp = &ctx.pairing.regions[rc.region as usize];
    ctx.by_region[rc.region as usize]
        .iter()
        .map(|&i| {
            let (i, p) = (i as usize, &d.partners[i as usize]);
            let s = &ctx.scores.partners[i].now;
            PartnerRow {
                id: p.id.clone(),
                name: p.name.clone(),
                track: config.tracks[p.track as usize].id.clone(),
                status: p.status.as_str().to_string(),
                score: fmt_tenths(s.tenths),
                band: config.scoring.bands[s.band].name.clone(),
                components: [
                    fmt_component(s.skill),
                    fmt_component(s.certification),
                    fmt_component(s.experience),
                ],
                vendors: ctx.vendor_names(s.qualified),
                pairs: rp.pairs_of(i as PartnerId) as usize,
                capacity: crate::pair::capacity(d, config, i as PartnerId),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_by_names_few_units_and_counts_many() {
        let name = |u: &Unit| match *u {
            Unit::Pair(a, b) => format!("P{a} + P{b}"),
            Unit::Alone(p) => format!("P{p}"),
        };
        // Strength: a pair's left id × 100 tenths, a standalone partner's 500.
        let strength = |u: &Unit| match *u {
            Unit::Pair(a, _) => i64::from(a) * 100,
            Unit::Alone(_) => 500,
        };
        assert_eq!(covered_by(&[], &name, &strength), "—");
        assert_eq!(covered_by(&[Unit::Alone(9)], &name, &strength), "P9 (50.0)");
        assert_eq!(
            covered_by(&[Unit::Pair(1, 2), Unit::Pair(3, 4)], &name, &strength),
            "2 units: P3 + P4 (30.0); P1 + P2 (10.0)"
        );
        let many = [
            Unit::Pair(1, 2),
            Unit::Pair(7, 8),
            Unit::Alone(9),
            Unit::Pair(3, 4),
            Unit::Pair(6, 5),
        ];
        assert_eq!(
            covered_by(&many, &name, &strength),
            "5 units, strongest P7 + P8 (70.0); P6 + P5 (60.0); P9 (50.0); and 2 more"
        );
    }
}
