/*!
The report model: everything the HTML and Markdown templates and `summary.json` show,
built once from a [`Run`]. Numbers and sentences are written by [`crate::format`]; data
values stay unescaped (each renderer escapes for its format). The summary's parts are
here; a region's row and page are in `model/region.rs`, the counted-partner trends in `model/trend.rs`,
what changed since the previous run and why in `model/changes.rs`; the snapshots are read
and written by [`super::history`].
*/

mod changes;
mod region;
mod trend;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

pub use changes::{Change, ChangeGroup, ChangeKind, ChangeList, ChangeRow, ChangeSummary};
pub use region::{
    EngagementRow, GapRow, ImplementationRow, PairRow, PartnerRow, PlanLine, RegionPage, RegionRow,
    StatusRow, TargetRow, VendorRow, VendorState,
};
pub use trend::{TrendPoint, TrendSeries, TrendTable, TrendTableRow, TrendTarget};

use super::history::{
    Kpis, SCHEMA_VERSION, Snapshot, SnapshotAlone, SnapshotDetail, SnapshotPair, SnapshotPartner,
};
use crate::config::Config;
use crate::coverage::{Coverage, RegionCoverage, Unit};
use crate::format::{fmt_delta, fmt_int, fmt_pct, fmt_tenths, tenths};
use crate::ingest::{Action, Dataset, PartnerId, RegionId, Table};
use crate::pair::Pairing;
use crate::pipeline::{Run, Scope};
use crate::plan::Plan;
use crate::score::{CLIFF_DAYS, Scores, cliff_date};

/// A KPI tile.
#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    /// Label.
    pub label: String,
    /// Value, formatted.
    pub value: String,
    /// Change since the previous run, formatted, if there is one.
    pub delta: Option<String>,
    /// Which way it moved (for styling, never told by colour alone).
    pub trend: Trend,
}

/// Which way a figure moved since the previous run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// Up.
    Up,
    /// Down.
    Down,
    /// Unchanged (at one decimal), or nothing to compare with.
    Flat,
}

/// A run in the trend across runs.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    /// Its as-of date.
    pub date: String,
    /// Its seat coverage (`n/a` without installs).
    pub coverage: String,
    /// Its ready partners.
    pub ready: u64,
}

/// A covered vendor that lapsing certifications would uncover.
#[derive(Debug, Clone, Serialize)]
pub struct CliffVendorRow {
    /// Region name.
    pub region: String,
    /// Vendor name.
    pub vendor: String,
    /// By when (`by 2008-06-09 (D+60)`).
    pub when: String,
}

/// Problems in the data by action.
#[derive(Debug, Clone, Serialize)]
pub struct QualityTotals {
    /// Rows rejected.
    pub rejected: String,
    /// Rows ignored (not yet in effect).
    pub ignored: String,
    /// Rows kept with a value cleared.
    pub cleared: String,
}

/// A labelled bar of a chart (value 0..=100 of the chart's scale).
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// Label.
    pub label: String,
    /// Length on a 0..=100 scale.
    pub percent: f64,
    /// Text shown beside it.
    pub text: String,
}

/// A rejected-row count.
#[derive(Debug, Clone, Serialize)]
pub struct QualityRow {
    /// Table.
    pub table: &'static str,
    /// Action.
    pub action: &'static str,
    /// Reason.
    pub reason: String,
    /// Count.
    pub count: String,
}

/// A partner who would drop a band at a cliff date.
#[derive(Debug, Clone, Serialize)]
pub struct CliffRow {
    /// Partner id and name.
    pub partner: String,
    /// Region.
    pub region: String,
    /// Band now → band then.
    pub change: String,
    /// First date at which it drops.
    pub on: String,
}

/// An input file's provenance.
#[derive(Debug, Clone, Serialize)]
pub struct InputRow {
    /// File name.
    pub file: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256.
    pub sha256: String,
}

/// Everything the reports show.
#[derive(Debug, Clone, Serialize)]
pub struct ReportModel {
    /// Report title.
    pub title: String,
    /// As-of date.
    pub as_of: String,
    /// The previous snapshot's date, if any (and readable).
    pub previous: Option<String>,
    /// Why the previous run's snapshot could not be read, when it could not: the report
    /// says so instead of comparing.
    pub previous_unreadable: Option<String>,
    /// Pairing tracks.
    pub left_track: String,
    /// Right pairing track.
    pub right_track: String,
    /// KPI tiles.
    pub tiles: Vec<Tile>,
    /// The matchmaking program in one line: engagements in effect, implementations
    /// delivered, recommendations kept from the previous run.
    pub program: String,
    /// Region table.
    pub regions: Vec<RegionRow>,
    /// The executive summary: a few sentences from the figures, each with the section it
    /// comes from.
    pub executive: Vec<ExecutiveLine>,
    /// Every target of the regions in scope, region by region: recruitment progress.
    pub recruitment: Vec<RecruitmentRow>,
    /// Each target's attainment (chart).
    pub target_bars: Vec<Bar>,
    /// Region pages (rendered one by one, each with only the fields it needs: see
    /// `render.rs`).
    #[serde(skip)]
    pub pages: Vec<RegionPage>,
    /// Coverage by region (chart).
    pub coverage_bars: Vec<Bar>,
    /// Score distribution in tenths of 100 (chart).
    pub score_bars: Vec<Bar>,
    /// Counted partners per month and track.
    pub trend: Vec<TrendSeries>,
    /// Each track's targets summed over the regions, by due month (on the trend chart).
    pub trend_targets: Vec<TrendTarget>,
    /// Seat coverage and ready partners across runs, this one last.
    pub history: Vec<HistoryRow>,
    /// Seat coverage per snapshot (chart).
    pub history_bars: Vec<Bar>,
    /// Partners who would drop a band.
    pub cliff: Vec<CliffRow>,
    /// Vendors that would become uncovered.
    pub cliff_vendors: Vec<CliffVendorRow>,
    /// Changes since the previous run: counts and the first of each kind.
    pub changes: ChangeSummary,
    /// Every change since the previous run (`data/changes.csv`).
    #[serde(skip)]
    pub change_list: ChangeList,
    /// Rejected rows by table, action and reason.
    pub quality: Vec<QualityRow>,
    /// Rows rejected, ignored and cleared.
    pub quality_totals: QualityTotals,
    /// Notes rendered to sanitised HTML (HTML report) and escaped Markdown (Markdown
    /// report); empty when none.
    pub notes_html: String,
    /// Notes for the Markdown report.
    pub notes_md: String,
    /// Input files and their hashes.
    pub inputs: Vec<InputRow>,
    /// SHA-256 of the config.
    pub config_sha256: String,
    /// The snapshot this run stores.
    #[serde(skip)]
    pub snapshot: Snapshot,
}

/// A region's file stem: lowercase ASCII letters, digits and `-`, never empty, never a
/// reserved device name, unique among the regions (a numeric suffix on collision).
pub fn slugs(names: &[String]) -> Vec<String> {
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    let mut taken = std::collections::BTreeSet::new();
    names
        .iter()
        .map(|name| {
            let mut s = String::new();
            for c in name.to_lowercase().chars() {
                if c.is_ascii_alphanumeric() {
                    s.push(c);
                } else if !s.ends_with('-') {
                    s.push('-');
                }
            }
            let mut s = s.trim_matches('-').chars().take(60).collect::<String>();
            if s.is_empty() || RESERVED.contains(&s.as_str()) || s == "index" || s == "report" {
                s = format!("region-{s}").trim_end_matches('-').to_string();
            }
            let mut candidate = s.clone();
            let mut n = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{s}-{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

/// What every part of the model is built from: the run, and what is derived once.
struct Ctx<'a> {
    /// Regions in this run (`--region`).
    scope: &'a Scope,
    d: &'a Dataset,
    config: &'a Config,
    scores: &'a Scores,
    pairing: &'a Pairing,
    coverage: &'a Coverage,
    plan: &'a Plan,
    as_of: NaiveDate,
    /// Each region's file stem.
    slugs: Vec<String>,
    /// Each region's figures.
    region_kpis: Vec<Kpis>,
    /// Each region's partners, in partner order: a region's tables and figures read
    /// these instead of every partner (500,000 partners in 32 regions would be scanned
    /// once per region and table otherwise).
    by_region: Vec<Vec<PartnerId>>,
    /// The previous run, when it could be read whole.
    previous: Option<&'a Snapshot>,
}

impl Ctx<'_> {
    /// The coverage of the regions in this run, in region order.
    fn regions_in_scope(&self) -> impl Iterator<Item = &RegionCoverage> {
        self.coverage
            .regions
            .iter()
            .filter(|rc| self.scope.contains(rc.region))
    }

    /// `id name` of a partner.
    fn who(&self, p: PartnerId) -> String {
        let p = &self.d.partners[p as usize];
        format!("{} {}", p.id, p.name)
    }

    /// Vendor names, `, `-joined (`—` for none).
    fn vendor_names(&self, set: crate::score::VendorSet) -> String {
        let v: Vec<&str> = set
            .iter()
            .map(|v| self.config.vendors[v as usize].name.as_str())
            .collect();
        if v.is_empty() {
            "—".to_string()
        } else {
            v.join(", ")
        }
    }

    /// The figures of one region, or of every region in scope.
    fn kpis(&self, region: Option<usize>) -> Kpis {
        let d = self.d;
        let in_scope = |p: &crate::ingest::Partner| {
            self.scope.contains(p.region) && region.is_none_or(|r| p.region as usize == r)
        };
        let mut k = Kpis {
            partners: 0,
            eligible: 0,
            ready: 0,
            pairs: 0,
            seats: 0,
            seats_covered: 0,
            installs: 0,
            installs_covered: 0,
            mean_score_tenths: 0,
            counted: 0,
            targeted: 0,
            seats_covered_now: Some(0),
            installs_covered_now: Some(0),
            engagements: 0,
            engagements_at_risk: 0,
            implementations: 0,
            recommended: 0,
            incumbents: 0,
            kept: 0,
            planned: 0,
            planned_relationships: 0,
            planned_seats: 0,
        };
        let mut score_sum = 0.0;
        let mut count = |p: PartnerId| {
            let s = &self.scores.partners[p as usize];
            k.partners += 1;
            if s.eligible {
                k.eligible += 1;
                score_sum += s.now.score;
                if s.now.band == 0 {
                    k.ready += 1;
                }
            }
        };
        match region {
            Some(r) if self.scope.contains(r as RegionId) => {
                self.by_region[r].iter().for_each(|&p| count(p))
            }
            Some(_) => {}
            None => (0..d.partners.len() as PartnerId)
                .filter(|&p| in_scope(&d.partners[p as usize]))
                .for_each(count),
        }
        if k.eligible > 0 {
            k.mean_score_tenths = tenths(score_sum / k.eligible as f64);
        }
        for rc in self.coverage.regions.iter().filter(|rc| {
            self.scope.contains(rc.region) && region.is_none_or(|r| rc.region as usize == r)
        }) {
            let rp = &self.pairing.regions[rc.region as usize];
            k.pairs += rp.pairs.len() as u64;
            for p in rp.engaged() {
                k.engagements += 1;
                k.engagements_at_risk += u64::from(!p.at_risk.is_empty());
                k.implementations += p
                    .engagement
                    .map_or(0, |e| u64::from(d.engagements[e as usize].implementations));
            }
            k.recommended += rp.recommended().count() as u64;
            k.incumbents += u64::from(rp.stability.incumbents);
            k.kept += u64::from(rp.stability.kept);
            let plan = &self.plan.regions[rc.region as usize];
            k.planned += plan.implementations.len() as u64;
            k.planned_relationships += plan.relationships() as u64;
            k.planned_seats += plan.seats();
            k.seats_covered_now = k.seats_covered_now.map(|n| n + rc.covered_now.0);
            k.installs_covered_now = k.installs_covered_now.map(|n| n + rc.covered_now.1);
            k.seats += rc.seats.0;
            k.seats_covered += rc.seats.1;
            k.installs += rc.installs.0;
            k.installs_covered += rc.installs.1;
            if let Some(rec) = &rc.recruitment {
                k.counted += u64::from(rec.counted);
                k.targeted += u64::from(rec.targeted);
            }
        }
        k
    }
}

/// The program line of the summary (docs/outputs.md, "The summary page").
fn program_line(k: &Kpis) -> String {
    let at_risk = if k.engagements_at_risk > 0 {
        format!(", {} of them at risk", fmt_int(k.engagements_at_risk))
    } else {
        String::new()
    };
    format!(
        "{} engagements in effect{at_risk}, with {} customer implementations delivered; {} pairs recommended, keeping {} of the {} incumbent pairs (proposed engagements and the previous run's recommendations); {}.",
        fmt_int(k.engagements),
        fmt_int(k.implementations),
        fmt_int(k.recommended),
        fmt_int(k.kept),
        fmt_int(k.incumbents),
        planned_line(k),
    )
}

/// The planned first customer implementations of a scope in words.
fn planned_line(k: &Kpis) -> String {
    format!(
        "{} first customer implementations planned ({} seats, {} with an existing customer relationship)",
        fmt_int(k.planned),
        fmt_int(k.planned_seats),
        fmt_int(k.planned_relationships),
    )
}

/// How a tile's change is written.
#[derive(Clone, Copy)]
enum Delta {
    /// A whole number (`+3`).
    Count,
    /// One decimal with a unit (`+1.5 pts`).
    Decimal(&'static str),
}

/// One key figure.
fn tile(label: &str, value: String, now: f64, before: Option<f64>, delta: Delta) -> Tile {
    let (delta, trend) = match before {
        None => (None, Trend::Flat),
        Some(b) => {
            let diff = now - b;
            let trend = if tenths(diff.abs()) == 0 {
                Trend::Flat
            } else if diff > 0.0 {
                Trend::Up
            } else {
                Trend::Down
            };
            let text = match delta {
                Delta::Count => match diff.round() as i64 {
                    0 => "0".to_string(),
                    n => format!("{n:+}"),
                },
                Delta::Decimal(unit) => format!("{}{unit}", fmt_delta(diff)),
            };
            (Some(format!("{text} since the last run")), trend)
        }
    };
    Tile {
        label: label.to_string(),
        value,
        delta,
        trend,
    }
}

/// The key figures of a scope, with their changes since `prev`.
fn tiles(k: &Kpis, prev: Option<&Kpis>) -> Vec<Tile> {
    let cov = |k: &Kpis| k.coverage_tenths().map_or(0.0, |t| t as f64 / 10.0);
    let cov_now = |k: &Kpis| k.coverage_now_tenths().map(|t| t as f64 / 10.0);
    vec![
        tile(
            "Ready partners",
            format!("{} of {}", fmt_int(k.ready), fmt_int(k.eligible)),
            k.ready as f64,
            prev.map(|p| p.ready as f64),
            Delta::Count,
        ),
        tile(
            "Pairs",
            fmt_int(k.pairs),
            k.pairs as f64,
            prev.map(|p| p.pairs as f64),
            Delta::Count,
        ),
        tile(
            "Seat coverage with recommendations",
            fmt_pct(k.seats_covered, k.seats),
            cov(k),
            prev.map(cov),
            Delta::Decimal(" pts"),
        ),
        tile(
            "Seat coverage now",
            fmt_pct(k.seats_covered_now.unwrap_or(0), k.seats),
            cov_now(k).unwrap_or(0.0),
            prev.and_then(cov_now),
            Delta::Decimal(" pts"),
        ),
        tile(
            "Engagements in effect",
            if k.engagements_at_risk > 0 {
                format!(
                    "{} ({} at risk)",
                    fmt_int(k.engagements),
                    fmt_int(k.engagements_at_risk)
                )
            } else {
                fmt_int(k.engagements)
            },
            k.engagements as f64,
            prev.map(|p| p.engagements as f64),
            Delta::Count,
        ),
        tile(
            "Mean score",
            fmt_tenths(k.mean_score_tenths),
            k.mean_score_tenths as f64 / 10.0,
            prev.map(|p| p.mean_score_tenths as f64 / 10.0),
            Delta::Decimal(""),
        ),
        tile(
            "Recruited vs target",
            format!("{} of {}", fmt_int(k.counted), fmt_int(k.targeted)),
            k.counted as f64,
            prev.map(|p| p.counted as f64),
            Delta::Count,
        ),
        tile(
            &format!(
                "First implementations planned ({} seats)",
                fmt_int(k.planned_seats)
            ),
            fmt_int(k.planned),
            k.planned as f64,
            prev.map(|p| p.planned as f64),
            Delta::Count,
        ),
    ]
}

/// Builds the model of a run: its regions in scope, compared with the previous run of
/// its history; `notes` are the `--notes` Markdown.
pub fn build(run: &Run, notes: Option<&str>) -> ReportModel {
    let d = run.dataset();
    let config = &run.config;
    let mut ctx = Ctx {
        scope: &run.scope,
        d,
        config,
        scores: &run.scores,
        pairing: &run.pairing,
        coverage: &run.coverage,
        plan: &run.plan,
        as_of: run.as_of,
        slugs: slugs(&d.regions),
        region_kpis: Vec::new(),
        by_region: d.partners_by_region(),
        previous: run.history.previous(),
    };
    ctx.region_kpis = (0..d.regions.len()).map(|r| ctx.kpis(Some(r))).collect();
    let total = ctx.kpis(None);
    let snapshot = snapshot(&ctx, &total);
    let change_list = ctx
        .previous
        .map(|prev| changes::changes(&ctx, prev, &snapshot.detail))
        .unwrap_or_default();

    // Region rows and pages, regions in parallel.
    let in_scope: Vec<_> = ctx.regions_in_scope().collect();
    let (regions, pages): (Vec<RegionRow>, Vec<RegionPage>) = in_scope
        .par_iter()
        .map(|rc| region::region(&ctx, rc, &change_list))
        .unzip();

    let recruitment: Vec<RecruitmentRow> = pages
        .iter()
        .flat_map(|p| {
            p.targets.iter().map(|t| RecruitmentRow {
                region: p.name.clone(),
                slug: p.slug.clone(),
                target: t.clone(),
            })
        })
        .collect();
    let (history, history_bars) = history_rows(run, &total);
    let (notes_html, notes_md) = notes.map(super::notes::render).unwrap_or_default();
    let (quality, quality_totals) = quality(run);
    ReportModel {
        title: config.report.title.clone(),
        as_of: run.as_of.to_string(),
        previous: ctx.previous.map(|p| p.as_of.to_string()),
        previous_unreadable: run.history.unreadable_previous.as_ref().map(|(date, why)| {
            format!(
                "The previous run's snapshot ({date}) could not be read ({why}), so nothing is compared with it."
            )
        }),
        left_track: config.tracks[config.pairing.left_track as usize].id.clone(),
        right_track: config.tracks[config.pairing.right_track as usize]
            .id
            .clone(),
        tiles: tiles(&total, ctx.previous.map(|p| &p.total)),
        program: program_line(&total),
        coverage_bars: coverage_bars(&regions),
        executive: executive(&ctx, &total, &recruitment),
        target_bars: target_bars(&recruitment),
        recruitment,
        score_bars: score_bars(&ctx),
        trend: trend::trend(
            d.partners.iter().filter(|p| ctx.scope.contains(p.region)),
            config,
            run.as_of,
        ),
        trend_targets: trend::summed_targets(d, config, ctx.scope),
        history,
        history_bars,
        cliff: cliff(&ctx),
        cliff_vendors: cliff_vendors(&ctx),
        changes: change_list.summary(None),
        change_list,
        quality,
        quality_totals,
        notes_html,
        notes_md,
        inputs: run
            .ingested
            .inputs
            .iter()
            .map(|i| InputRow {
                file: i.file_name.clone(),
                bytes: i.bytes,
                sha256: i.sha256.clone(),
            })
            .collect(),
        config_sha256: run.config_sha256.clone(),
        regions,
        pages,
        snapshot,
    }
}

/// What this run stores in `OUT/history/`: its figures and, for the next run's diff,
/// every partner's band, the pairs and the covered vendors of the regions in scope.
fn snapshot(ctx: &Ctx<'_>, total: &Kpis) -> Snapshot {
    let (d, config, scope) = (ctx.d, ctx.config, ctx.scope);
    let bands = &config.scoring.bands;
    Snapshot {
        schema_version: SCHEMA_VERSION,
        as_of: ctx.as_of,
        total: total.clone(),
        regions: d
            .regions
            .iter()
            .cloned()
            .zip(ctx.region_kpis.iter().cloned())
            .enumerate()
            .filter(|(r, _)| scope.contains(*r as RegionId))
            .map(|(_, kv)| kv)
            .collect(),
        detail: SnapshotDetail {
            // Built in parallel, then mapped (partners are in id order: the map is built
            // in one pass). On one thread, the snapshot of 500,000 partners was a fifth
            // of the model stage.
            partners: d
                .partners
                .par_iter()
                .zip(&ctx.scores.partners)
                .filter(|(p, _)| scope.contains(p.region))
                .map(|(p, s)| {
                    (
                        p.id.clone(),
                        SnapshotPartner {
                            band: bands[s.now.band].name.clone(),
                            band_index: s.now.band,
                            score_tenths: s.now.tenths,
                            eligible: Some(s.eligible),
                            components: Some([
                                tenths(100.0 * s.now.skill),
                                tenths(100.0 * s.now.certification),
                                tenths(100.0 * s.now.experience),
                            ]),
                            serviced: Some(ctx.scores.serviced[s.partner as usize]),
                        },
                    )
                })
                .collect::<Vec<_>>()
                .into_iter()
                .collect(),
            // Regions in parallel, here and for the units alone (in order all the same).
            units: ctx
                .pairing
                .regions
                .par_iter()
                .filter(|rp| scope.contains(rp.region))
                .flat_map_iter(|rp| {
                    rp.pairs.iter().map(move |p| SnapshotPair {
                        region: d.regions[rp.region as usize].clone(),
                        left: d.partners[p.left as usize].id.clone(),
                        right: d.partners[p.right as usize].id.clone(),
                        origin: p.origin,
                        vendors: crate::format::vendor_ids(config, p.score.qualified),
                        weight: Some(p.score.weight),
                    })
                })
                .collect(),
            pairs: Vec::new(),
            covered: ctx
                .coverage
                .regions
                .iter()
                .filter(|rc| scope.contains(rc.region))
                .flat_map(|rc| {
                    rc.vendors.iter().filter(|v| v.covered).map(move |v| {
                        format!(
                            "{}|{}",
                            d.regions[rc.region as usize], config.vendors[v.vendor as usize].id
                        )
                    })
                })
                .collect(),
            alone: Some(
                ctx.coverage
                    .regions
                    .par_iter()
                    .filter(|rc| scope.contains(rc.region))
                    .flat_map_iter(|rc| {
                        rc.units.iter().filter_map(move |&(u, vendors)| match u {
                            Unit::Alone(p) => Some(SnapshotAlone {
                                region: d.regions[rc.region as usize].clone(),
                                partner: d.partners[p as usize].id.clone(),
                                vendors: crate::format::vendor_ids(config, vendors),
                            }),
                            Unit::Pair(..) => None,
                        })
                    })
                    .collect(),
            ),
        },
    }
}

/// One sentence of the executive summary and the section that holds its figures.
#[derive(Debug, Clone, Serialize)]
pub struct ExecutiveLine {
    /// The sentence.
    pub text: String,
    /// Where its figures are in the HTML report: `#section` on the summary, or a region
    /// page's section.
    pub href: String,
    /// The same place in the Markdown report.
    pub md_href: String,
    /// The link's words.
    pub link: String,
}

/// The executive summary (docs/outputs.md, "The summary page"): seat coverage now and
/// with the recommendations and how it moved; the largest uncovered seats and the recruit
/// that would add the most seats there; targets missed and open ones behind; engagements
/// at risk; vendors that lapsing certifications would uncover within 30 days. A sentence
/// whose figure is zero is left out, but for coverage.
fn executive(ctx: &Ctx<'_>, total: &Kpis, recruitment: &[RecruitmentRow]) -> Vec<ExecutiveLine> {
    let line = |text: String, (href, md_href): (&str, &str), link: &str| ExecutiveLine {
        text,
        href: href.to_string(),
        md_href: md_href.to_string(),
        link: link.to_string(),
    };
    let mut out = Vec::new();
    if total.seats > 0 {
        let moved = ctx
            .previous
            .and_then(|p| Some((p.total.coverage_tenths()?, total.coverage_tenths()?)))
            .map(|(before, now)| match now - before {
                0 => ", unchanged since the last run".to_string(),
                d => format!(", {} points since the last run", fmt_delta(d as f64 / 10.0)),
            })
            .unwrap_or_default();
        out.push(line(
            format!(
                "Seat coverage is {} now and {} with the recommended pairs{moved}.",
                fmt_pct(total.seats_covered_now.unwrap_or(0), total.seats),
                fmt_pct(total.seats_covered, total.seats),
            ),
            ("#regions", "#regions"),
            "Regions",
        ));
    }
    // The largest uncovered vendor of any region, and that region's recruit-next.
    let largest = ctx
        .regions_in_scope()
        .flat_map(|rc| {
            rc.vendors
                .iter()
                .filter(|v| !v.covered)
                .map(move |v| (rc, v))
        })
        .max_by_key(|(rc, v)| (v.seats, std::cmp::Reverse(rc.region)));
    if let Some((rc, v)) = largest {
        let region = &ctx.d.regions[rc.region as usize];
        let recruit = rc
            .recruit_next
            .as_ref()
            .map(|r| {
                format!(
                    "; recruiting a {} partner qualified for {} there would add {} seats",
                    ctx.config.tracks[r.track as usize].id,
                    ctx.config.vendors[r.vendor as usize].name,
                    fmt_int(r.seats)
                )
            })
            .unwrap_or_default();
        out.push(line(
            format!(
                "The largest uncovered install base is {} in {region}: {} seats{recruit}.",
                ctx.config.vendors[v.vendor as usize].name,
                fmt_int(v.seats),
            ),
            (
                &format!("regions/{}.html#gaps", ctx.slugs[rc.region as usize]),
                &format!(
                    "regions/{}.md#gaps-and-actions",
                    ctx.slugs[rc.region as usize]
                ),
            ),
            region,
        ));
    }
    let missed = recruitment
        .iter()
        .filter(|r| r.target.state == crate::coverage::TargetState::Missed)
        .count();
    let behind = recruitment
        .iter()
        .filter(|r| {
            r.target.state == crate::coverage::TargetState::Open
                && r.target.counted < r.target.partners
        })
        .count();
    if missed + behind > 0 {
        out.push(line(
            format!(
                "{} of {} recruitment targets missed, and {} still open short of their target.",
                fmt_int(missed as u64),
                fmt_int(recruitment.len() as u64),
                fmt_int(behind as u64)
            ),
            ("#recruitment", "#recruitment-progress"),
            "Recruitment progress",
        ));
    }
    if total.engagements_at_risk > 0 {
        out.push(line(
            format!(
                "{} of {} engagements in effect are at risk.",
                fmt_int(total.engagements_at_risk),
                fmt_int(total.engagements)
            ),
            ("#regions", "#regions"),
            "Regions",
        ));
    }
    let lapsing: Vec<String> = ctx
        .regions_in_scope()
        .flat_map(|rc| {
            rc.vendors
                .iter()
                .filter(|v| v.lost_at == Some(0))
                .map(move |v| {
                    format!(
                        "{} in {}",
                        ctx.config.vendors[v.vendor as usize].name,
                        ctx.d.regions[rc.region as usize]
                    )
                })
        })
        .collect();
    if !lapsing.is_empty() {
        const NAMED: usize = 3;
        let more = match lapsing.len().saturating_sub(NAMED) {
            0 => String::new(),
            n => format!(" and {} more", fmt_int(n as u64)),
        };
        out.push(line(
            format!(
                "Certifications lapsing within {} days would uncover {}{more}.",
                CLIFF_DAYS[0],
                lapsing[..lapsing.len().min(NAMED)].join(", ")
            ),
            ("#cliff", "#expiry-cliff"),
            "Expiry cliff",
        ));
    }
    out
}

/// A target on the summary: its region and the region page's target line.
#[derive(Debug, Clone, Serialize)]
pub struct RecruitmentRow {
    /// Region name.
    pub region: String,
    /// The region pages' file stem.
    pub slug: String,
    /// Track, due date, counted, target, attainment, pairs and state.
    #[serde(flatten)]
    pub target: TargetRow,
}

/// Each target's attainment, capped at 100% (chart).
fn target_bars(rows: &[RecruitmentRow]) -> Vec<Bar> {
    rows.iter()
        .map(|r| {
            let t = &r.target;
            Bar {
                label: format!("{} {}", r.region, t.track),
                percent: if t.partners == 0 {
                    100.0
                } else {
                    (100.0 * f64::from(t.counted) / f64::from(t.partners)).min(100.0)
                },
                text: format!("{} of {}, {}", t.counted, t.partners, t.state.as_str()),
            }
        })
        .collect()
}

/// Seat coverage by region (chart).
fn coverage_bars(regions: &[RegionRow]) -> Vec<Bar> {
    regions
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            percent: r.coverage_percent,
            text: r.coverage.clone(),
        })
        .collect()
}

/// Eligible partners' scores in bands of ten points (chart).
fn score_bars(ctx: &Ctx<'_>) -> Vec<Bar> {
    let mut buckets = [0u64; 10];
    for (_, s) in ctx
        .d
        .partners
        .iter()
        .zip(&ctx.scores.partners)
        .filter(|(p, s)| s.eligible && ctx.scope.contains(p.region))
    {
        buckets[((s.now.tenths / 100) as usize).min(9)] += 1;
    }
    let most = buckets.iter().copied().max().unwrap_or(0).max(1);
    buckets
        .iter()
        .enumerate()
        .map(|(i, &n)| Bar {
            label: if i == 9 {
                "90–100".to_string()
            } else {
                format!("{}–{}", i * 10, i * 10 + 9)
            },
            percent: 100.0 * n as f64 / most as f64,
            text: fmt_int(n),
        })
        .collect()
}

/// Eligible partners that would drop a band at a cliff date, and by when.
fn cliff(ctx: &Ctx<'_>) -> Vec<CliffRow> {
    let bands = &ctx.config.scoring.bands;
    let mut rows = Vec::new();
    for (i, (p, s)) in ctx.d.partners.iter().zip(&ctx.scores.partners).enumerate() {
        if !s.eligible || !ctx.scope.contains(p.region) {
            continue;
        }
        if let Some(k) = s.cliff.iter().position(|c| c.band > s.now.band) {
            let worst = s.cliff.iter().map(|c| c.band).max().unwrap_or(s.now.band);
            rows.push(CliffRow {
                partner: ctx.who(i as PartnerId),
                region: ctx.d.regions[p.region as usize].clone(),
                change: format!("{} → {}", bands[s.now.band].name, bands[worst].name),
                on: format!("by {} (D+{})", cliff_date(ctx.as_of, k), CLIFF_DAYS[k]),
            });
        }
    }
    rows
}

/// Covered vendors that lapsing certifications would uncover, and by when.
fn cliff_vendors(ctx: &Ctx<'_>) -> Vec<CliffVendorRow> {
    let mut rows = Vec::new();
    for rc in ctx.regions_in_scope() {
        for v in &rc.vendors {
            if let Some(k) = v.lost_at {
                rows.push(CliffVendorRow {
                    region: ctx.d.regions[rc.region as usize].clone(),
                    vendor: ctx.config.vendors[v.vendor as usize].name.clone(),
                    when: format!("by {} (D+{})", cliff_date(ctx.as_of, k), CLIFF_DAYS[k]),
                });
            }
        }
    }
    rows
}

/// Seat coverage and ready partners of every readable earlier run and this one (the
/// table), and the same coverage as bars (the chart).
fn history_rows(run: &Run, total: &Kpis) -> (Vec<HistoryRow>, Vec<Bar>) {
    let runs: Vec<(NaiveDate, &Kpis)> = run
        .history
        .snapshots
        .iter()
        .filter(|s| s.as_of < run.as_of)
        .map(|s| (s.as_of, &s.total))
        .chain(std::iter::once((run.as_of, total)))
        .collect();
    let rows: Vec<HistoryRow> = runs
        .iter()
        .map(|(date, k)| HistoryRow {
            date: date.to_string(),
            coverage: fmt_pct(k.seats_covered, k.seats),
            ready: k.ready,
        })
        .collect();
    let bars = runs
        .iter()
        .zip(&rows)
        .map(|((_, k), h)| Bar {
            label: h.date.clone(),
            percent: k.coverage_tenths().map_or(0.0, |t| t as f64 / 10.0),
            text: h.coverage.clone(),
        })
        .collect();
    (rows, bars)
}

/// Problems in the data by table, action and reason, and by action.
fn quality(run: &Run) -> (Vec<QualityRow>, QualityTotals) {
    let mut groups: BTreeMap<(Table, Action, &str), u64> = BTreeMap::new();
    let mut totals = [0u64; 3];
    for r in &run.ingested.rejected {
        *groups
            .entry((r.table, r.action, r.reason.as_str()))
            .or_default() += 1;
        totals[r.action as usize] += 1;
    }
    let rows = groups
        .into_iter()
        .map(|((t, a, reason), n)| QualityRow {
            table: t.as_str(),
            action: a.as_str(),
            reason: reason.to_string(),
            count: fmt_int(n),
        })
        .collect();
    let totals = QualityTotals {
        rejected: fmt_int(totals[Action::Rejected as usize]),
        ignored: fmt_int(totals[Action::Ignored as usize]),
        cleared: fmt_int(totals[Action::Cleared as usize]),
    };
    (rows, totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_unique() {
        let names: Vec<String> = [
            "UK & Ireland",
            "../../etc",
            "CON",
            "",
            "uk-ireland",
            "Ñandú",
            "index",
            "A/B",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            slugs(&names),
            vec![
                "uk-ireland",
                "etc",
                "region-con",
                "region",
                "uk-ireland-2",
                "and",
                "region-index",
                "a-b"
            ]
        );
    }
}
