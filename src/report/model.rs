/*!
The report model: everything the HTML and Markdown templates and `summary.json` show,
computed once from the stages' outputs. Numbers are formatted here, by one set of
functions; data values stay unescaped (each renderer escapes for its format).
*/

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Status};
use crate::coverage::{Coverage, RegionCoverage, TargetState, Unit};
use crate::format::{fmt_component, fmt_delta, fmt_int, fmt_pct, fmt_tenths, tenths};
use crate::ingest::{Action, Dataset, PartnerId, RegionId, Table};
use crate::pair::Pairing;
use crate::pipeline::{Run, Scope};
use crate::score::{CLIFF_DAYS, Scores, cliff_date};

/// Version of `summary.json` and of the history snapshots.
pub const SCHEMA_VERSION: u32 = 1;

/// The figures a snapshot keeps of one scope (a region or the total).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpis {
    /// Valid partners.
    pub partners: u64,
    /// Eligible partners.
    pub eligible: u64,
    /// Eligible partners in the first band.
    pub ready: u64,
    /// Selected pairs.
    pub pairs: u64,
    /// Seats of valid installs.
    pub seats: u64,
    /// Covered seats.
    pub seats_covered: u64,
    /// Valid installs.
    pub installs: u64,
    /// Covered installs.
    pub installs_covered: u64,
    /// Mean score of eligible partners, in tenths (0 when none).
    pub mean_score_tenths: i64,
    /// Partners counted for targets / partners targeted (latest target per region and track).
    pub counted: u64,
    /// Partners targeted.
    pub targeted: u64,
}

impl Kpis {
    /// Seat coverage in tenths of a percent, if there are seats.
    pub fn coverage_tenths(&self) -> Option<i64> {
        (self.seats > 0).then(|| tenths(100.0 * self.seats_covered as f64 / self.seats as f64))
    }
}

/// One partner in a snapshot, for the run-over-run diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPartner {
    /// Band name.
    pub band: String,
    /// Band index (0 = first).
    pub band_index: usize,
    /// Rounded score, tenths.
    pub score_tenths: i64,
}

/// What a run keeps of itself in `OUT/history/`: the KPIs in `<as-of>.json` (read for
/// the trend on every later run) and the detail in `<as-of>.detail.json` (read only by the
/// next run, for its diff). A snapshot file that carries its detail inline is read too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Totals.
    pub total: Kpis,
    /// Per region name.
    pub regions: BTreeMap<String, Kpis>,
    /// Per partner, pair and covered vendor.
    #[serde(flatten)]
    pub detail: SnapshotDetail,
}

/// The part of a snapshot only the run-over-run diff reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotDetail {
    /// Per partner id.
    pub partners: BTreeMap<String, SnapshotPartner>,
    /// Selected pairs as `region|left|right`.
    pub pairs: Vec<String>,
    /// Covered vendors as `region|vendor`.
    pub covered: Vec<String>,
}

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

/// Whether a vendor is covered in a region, as the vendor table says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VendorState {
    /// Some delivery unit is qualified for it.
    Covered,
    /// None is.
    Uncovered,
}

/// A track's counted partners over time.
#[derive(Debug, Clone, Serialize)]
pub struct TrendSeries {
    /// Track id.
    pub track: String,
    /// One point per month, oldest first.
    pub points: Vec<TrendPoint>,
}

/// Counted partners at a month's end.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Partners counted by the month's end (or the as-of date, in its month).
    pub count: u64,
}

/// The last months of a trend as a table.
#[derive(Debug, Clone, Serialize)]
pub struct TrendTable {
    /// The months, oldest first (`YYYY-MM`).
    pub months: Vec<String>,
    /// One row per track.
    pub rows: Vec<TrendTableRow>,
}

/// A track's counts in a [`TrendTable`], one per month.
#[derive(Debug, Clone, Serialize)]
pub struct TrendTableRow {
    /// Track id.
    pub track: String,
    /// Counted partners, one per month of the table.
    pub counts: Vec<u64>,
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
    /// Seat coverage (`n/a` without installs).
    pub coverage: String,
    /// Coverage bar length, 0..=100.
    pub coverage_percent: f64,
    /// Uncovered seats.
    pub uncovered_seats: String,
    /// Recruited vs target (`—` without targets).
    pub recruited: String,
    /// The state of each target behind `recruited`: one word for the region's `all`
    /// target, `track: state` per track otherwise (empty without targets).
    pub target_state: String,
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
    /// Covered or not.
    pub state: VendorState,
    /// Who covers it.
    pub covered_by: String,
    /// When it would be lost to lapsing certifications, if it would.
    pub lost_on: Option<String>,
}

/// A gap line.
#[derive(Debug, Clone, Serialize)]
pub struct GapRow {
    /// Kind, spelled as in `gaps.csv`.
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
    /// Selected pairs (rendered by `rows.rs`, not part of the template
    /// context).
    #[serde(skip)]
    pub pairs: Vec<PairRow>,
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

/// A change since the previous run.
#[derive(Debug, Clone, Serialize)]
pub struct DiffRow {
    /// What changed.
    pub what: String,
    /// Details.
    pub detail: String,
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
    /// Region table.
    pub regions: Vec<RegionRow>,
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
    /// Seat coverage and ready partners across runs, this one last.
    pub history: Vec<HistoryRow>,
    /// Seat coverage per snapshot (chart).
    pub history_bars: Vec<Bar>,
    /// Partners who would drop a band.
    pub cliff: Vec<CliffRow>,
    /// Vendors that would become uncovered.
    pub cliff_vendors: Vec<CliffVendorRow>,
    /// Changes since the previous run.
    pub diff: Vec<DiffRow>,
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

struct Ctx<'a> {
    /// Regions in this run (`--region`).
    scope: &'a Scope,
    d: &'a Dataset,
    config: &'a Config,
    scores: &'a Scores,
    pairing: &'a Pairing,
    coverage: &'a Coverage,
}

impl Ctx<'_> {
    fn who(&self, p: PartnerId) -> String {
        let p = &self.d.partners[p as usize];
        format!("{} {}", p.id, p.name)
    }

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
        };
        let mut score_sum = 0.0;
        for (p, s) in d.partners.iter().zip(&self.scores.partners) {
            if !in_scope(p) {
                continue;
            }
            k.partners += 1;
            if s.eligible {
                k.eligible += 1;
                score_sum += s.now.score;
                if s.now.band == 0 {
                    k.ready += 1;
                }
            }
        }
        if k.eligible > 0 {
            k.mean_score_tenths = tenths(score_sum / k.eligible as f64);
        }
        for rc in self.coverage.regions.iter().filter(|rc| {
            self.scope.contains(rc.region) && region.is_none_or(|r| rc.region as usize == r)
        }) {
            k.pairs += self.pairing.regions[rc.region as usize].pairs.len() as u64;
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

/// How a tile's change is written.
#[derive(Clone, Copy)]
enum Delta {
    /// A whole number (`+3`).
    Count,
    /// One decimal with a unit (`+1.5 pts`).
    Decimal(&'static str),
}

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

fn tiles(k: &Kpis, prev: Option<&Kpis>) -> Vec<Tile> {
    let cov = |k: &Kpis| k.coverage_tenths().map_or(0.0, |t| t as f64 / 10.0);
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
            "Seat coverage",
            fmt_pct(k.seats_covered, k.seats),
            cov(k),
            prev.map(cov),
            Delta::Decimal(" pts"),
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
    ]
}

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

/// Builds the model of a run: its regions in scope, compared with the previous run of
/// its history; `notes` are the `--notes` Markdown.
pub fn build(run: &Run, notes: Option<&str>) -> ReportModel {
    let Run {
        ingested,
        config,
        config_sha256,
        scope,
        history,
        scores,
        pairing,
        coverage,
        ..
    } = run;
    let d = &ingested.dataset;
    let ctx = Ctx {
        scope,
        d,
        config,
        scores,
        pairing,
        coverage,
    };
    let as_of = scores.as_of;
    let previous = history.previous();
    let slug = slugs(&d.regions);
    let bands = &config.scoring.bands;

    // Snapshot of this run.
    let total = ctx.kpis(None);
    let region_kpis: Vec<Kpis> = (0..d.regions.len()).map(|r| ctx.kpis(Some(r))).collect();
    let snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        as_of,
        total: total.clone(),
        regions: d
            .regions
            .iter()
            .cloned()
            .zip(region_kpis.iter().cloned())
            .enumerate()
            .filter(|(r, _)| scope.contains(*r as RegionId))
            .map(|(_, kv)| kv)
            .collect(),
        detail: SnapshotDetail {
            partners: d
                .partners
                .iter()
                .zip(&scores.partners)
                .filter(|(p, _)| scope.contains(p.region))
                .map(|(p, s)| {
                    (
                        p.id.clone(),
                        SnapshotPartner {
                            band: bands[s.now.band].name.clone(),
                            band_index: s.now.band,
                            score_tenths: s.now.tenths,
                        },
                    )
                })
                .collect(),
            pairs: pairing
                .regions
                .iter()
                .filter(|rp| scope.contains(rp.region))
                .flat_map(|rp| {
                    rp.pairs.iter().map(move |p| {
                        format!(
                            "{}|{}|{}",
                            d.regions[rp.region as usize],
                            d.partners[p.left as usize].id,
                            d.partners[p.right as usize].id
                        )
                    })
                })
                .collect(),
            covered: coverage
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
        },
    };

    // Region rows and pages, regions in parallel.
    let regions_in_scope: Vec<&RegionCoverage> = coverage
        .regions
        .iter()
        .filter(|rc| scope.contains(rc.region))
        .collect();
    let (rows, pages): (Vec<RegionRow>, Vec<RegionPage>) = regions_in_scope
        .par_iter()
        .map(|&rc| {
            let r = rc.region as usize;
            let k = &region_kpis[r];
            let prev_k = previous.and_then(|p| p.regions.get(&d.regions[r]));
            let rp = &pairing.regions[r];
            let recruit_next = recruit_line(&ctx, rc);
            let row = RegionRow {
                name: d.regions[r].clone(),
                slug: slug[r].clone(),
                eligible: fmt_int(k.eligible),
                ready: fmt_int(k.ready),
                pairs: fmt_int(k.pairs),
                coverage: fmt_pct(k.seats_covered, k.seats),
                coverage_percent: k.coverage_tenths().map_or(0.0, |t| t as f64 / 10.0),
                uncovered_seats: fmt_int(k.seats - k.seats_covered),
                recruited: match rc.recruitment {
                    Some(_) => format!("{} of {}", fmt_int(k.counted), fmt_int(k.targeted)),
                    None => "—".to_string(),
                },
                target_state: rc
                    .recruitment
                    .as_ref()
                    .map(|rec| {
                        let states: Vec<String> = rec
                            .targets
                            .iter()
                            .map(|&i| {
                                let ts = &rc.targets[i];
                                match d.targets[ts.target].track {
                                    None => ts.state.as_str().to_string(),
                                    Some(tr) => format!(
                                        "{}: {}",
                                        config.tracks[tr as usize].id,
                                        ts.state.as_str()
                                    ),
                                }
                            })
                            .collect();
                        states.join("; ")
                    })
                    .unwrap_or_default(),
                high_gaps: rc
                    .gaps
                    .iter()
                    .filter(|g| g.severity == crate::coverage::Severity::High)
                    .count(),
                recruit_next: recruit_next.clone(),
            };
            let unit_name = |u: &Unit| match *u {
                Unit::Pair(a, b) => format!(
                    "{} + {}",
                    d.partners[a as usize].id, d.partners[b as usize].id
                ),
                Unit::Alone(p) => d.partners[p as usize].id.clone(),
            };
            let vendors = rc
                .vendors
                .iter()
                .map(|v| VendorRow {
                    name: config.vendors[v.vendor as usize].name.clone(),
                    installs: fmt_int(v.installs),
                    seats: fmt_int(v.seats),
                    share: fmt_pct(v.seats, rc.seats.0),
                    state: if v.covered {
                        VendorState::Covered
                    } else {
                        VendorState::Uncovered
                    },
                    covered_by: if v.units.is_empty() {
                        "—".to_string()
                    } else {
                        v.units.iter().map(unit_name).collect::<Vec<_>>().join("; ")
                    },
                    lost_on: v.lost_at.map(|i| cliff_date(as_of, i).to_string()),
                })
                .collect();
            let pairs = rp
                .pairs
                .iter()
                .map(|p| PairRow {
                    left: ctx.who(p.left),
                    right: ctx.who(p.right),
                    score: fmt_tenths(i64::from(p.score.weight)),
                    skill: fmt_component(p.score.skill),
                    vendor: fmt_component(p.score.vendor),
                    vendors: ctx.vendor_names(p.score.qualified),
                })
                .collect();
            let gaps = rc
                .gaps
                .iter()
                .map(|g| GapRow {
                    kind: g.kind().as_str(),
                    severity: g.severity.as_str(),
                    subject: g.subject.clone(),
                    detail: crate::format::gap_detail(d, config, g),
                })
                .collect();
            let targets = rc
                .targets
                .iter()
                .map(|ts| {
                    let t = &d.targets[ts.target];
                    TargetRow {
                        track: t.track.map_or("all".to_string(), |tr| {
                            config.tracks[tr as usize].id.clone()
                        }),
                        due_on: t.due_on.to_string(),
                        counted: ts.counted,
                        partners: t.partners,
                        attainment: fmt_pct(u64::from(ts.counted), u64::from(t.partners)),
                        pairs: t.pairs.map(|want| format!("{} of {want}", ts.pairs)),
                        state: ts.state,
                    }
                })
                .collect();
            let statuses = config
                .tracks
                .iter()
                .enumerate()
                .map(|(ti, t)| {
                    let count = |st: Status| {
                        d.partners
                            .iter()
                            .filter(|p| {
                                p.region as usize == r && p.track as usize == ti && p.status == st
                            })
                            .count() as u64
                    };
                    StatusRow {
                        track: t.id.clone(),
                        prospect: count(Status::Prospect),
                        recruited: count(Status::Recruited),
                        enabled: count(Status::Enabled),
                        active: count(Status::Active),
                        inactive: count(Status::Inactive),
                    }
                })
                .collect();
            let pair_count = |p: PartnerId| rp.pairs_of(p) as usize;
            let partners = d
                .partners
                .iter()
                .enumerate()
                .filter(|(_, p)| p.region as usize == r)
                .map(|(i, p)| {
                    let s = &scores.partners[i].now;
                    PartnerRow {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        track: config.tracks[p.track as usize].id.clone(),
                        status: p.status.as_str().to_string(),
                        score: fmt_tenths(s.tenths),
                        band: bands[s.band].name.clone(),
                        components: [
                            fmt_component(s.skill),
                            fmt_component(s.certification),
                            fmt_component(s.experience),
                        ],
                        vendors: ctx.vendor_names(s.qualified),
                        pairs: pair_count(i as PartnerId),
                        capacity: crate::pair::capacity(d, config, i as PartnerId),
                    }
                })
                .collect();
            let rate = |x: &crate::coverage::Rate| {
                format!(
                    "{} of {} ({})",
                    x.paired,
                    x.eligible,
                    fmt_pct(u64::from(x.paired), u64::from(x.eligible))
                )
            };
            let region_trend = trend(d, config, &Scope::only(d, r as RegionId), as_of);
            let page = RegionPage {
                name: d.regions[r].clone(),
                slug: slug[r].clone(),
                tiles: tiles(k, prev_k),
                vendors,
                has_installs: rc.seats.0 > 0 || rc.installs.0 > 0,
                pairs,
                left_rate: rate(&rc.left_rate),
                right_rate: rate(&rc.right_rate),
                gaps,
                targets,
                statuses,
                recruit_next,
                partners,
                trend_table: last_months(&region_trend, 6),
                trend: region_trend,
            };
            (row, page)
        })
        .unzip();

    // Charts.
    let coverage_bars = rows
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            percent: r.coverage_percent,
            text: r.coverage.clone(),
        })
        .collect();
    let mut buckets = [0u64; 10];
    for (_, s) in d
        .partners
        .iter()
        .zip(&scores.partners)
        .filter(|(p, s)| s.eligible && scope.contains(p.region))
    {
        buckets[((s.now.tenths / 100) as usize).min(9)] += 1;
    }
    let most = buckets.iter().copied().max().unwrap_or(0).max(1);
    let score_bars = buckets
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
        .collect();
    let trend = trend(d, config, scope, as_of);

    // Expiry cliff.
    let mut cliff = Vec::new();
    for (i, (p, s)) in d.partners.iter().zip(&scores.partners).enumerate() {
        if !s.eligible || !scope.contains(p.region) {
            continue;
        }
        if let Some(k) = s.cliff.iter().position(|c| c.band > s.now.band) {
            let worst = s.cliff.iter().map(|c| c.band).max().unwrap_or(s.now.band);
            cliff.push(CliffRow {
                partner: ctx.who(i as PartnerId),
                region: d.regions[p.region as usize].clone(),
                change: format!("{} → {}", bands[s.now.band].name, bands[worst].name),
                on: format!("by {} (D+{})", cliff_date(as_of, k), CLIFF_DAYS[k]),
            });
        }
    }
    let mut cliff_vendors = Vec::new();
    for rc in coverage
        .regions
        .iter()
        .filter(|rc| scope.contains(rc.region))
    {
        for v in &rc.vendors {
            if let Some(k) = v.lost_at {
                cliff_vendors.push(CliffVendorRow {
                    region: d.regions[rc.region as usize].clone(),
                    vendor: config.vendors[v.vendor as usize].name.clone(),
                    when: format!("by {} (D+{})", cliff_date(as_of, k), CLIFF_DAYS[k]),
                });
            }
        }
    }

    // Run-over-run diff.
    let mut diff = Vec::new();
    if let Some(prev) = previous {
        let (mut up, mut down) = (Vec::new(), Vec::new());
        for (id, now) in &snapshot.detail.partners {
            if let Some(before) = prev.detail.partners.get(id)
                && before.band_index != now.band_index
            {
                let line = format!(
                    "{id} {} → {} ({} → {})",
                    before.band,
                    now.band,
                    fmt_tenths(before.score_tenths),
                    fmt_tenths(now.score_tenths)
                );
                if now.band_index < before.band_index {
                    up.push(line)
                } else {
                    down.push(line)
                }
            }
        }
        let set = |v: &[String]| {
            v.iter()
                .cloned()
                .collect::<std::collections::BTreeSet<String>>()
        };
        let (pairs_now, pairs_before) = (set(&snapshot.detail.pairs), set(&prev.detail.pairs));
        let (cov_now, cov_before) = (set(&snapshot.detail.covered), set(&prev.detail.covered));
        let show = |label: &str, items: Vec<String>, diff: &mut Vec<DiffRow>| {
            if !items.is_empty() {
                diff.push(DiffRow {
                    what: format!("{label} ({})", items.len()),
                    detail: items.join("; ").replace('|', " / "),
                });
            }
        };
        show("Partners up a band", up, &mut diff);
        show("Partners down a band", down, &mut diff);
        show(
            "Pairs gained",
            pairs_now.difference(&pairs_before).cloned().collect(),
            &mut diff,
        );
        show(
            "Pairs lost",
            pairs_before.difference(&pairs_now).cloned().collect(),
            &mut diff,
        );
        show(
            "Vendors newly covered",
            cov_now.difference(&cov_before).cloned().collect(),
            &mut diff,
        );
        show(
            "Vendors newly uncovered",
            cov_before.difference(&cov_now).cloned().collect(),
            &mut diff,
        );
    }
    let row = |date: NaiveDate, k: &Kpis| HistoryRow {
        date: date.to_string(),
        coverage: fmt_pct(k.seats_covered, k.seats),
        ready: k.ready,
    };
    let mut history_rows: Vec<HistoryRow> = history
        .snapshots
        .iter()
        .filter(|s| s.as_of < as_of)
        .map(|s| row(s.as_of, &s.total))
        .collect();
    history_rows.push(row(as_of, &total));
    let history_bars = history
        .snapshots
        .iter()
        .filter(|s| s.as_of < as_of)
        .map(|s| &s.total)
        .chain(std::iter::once(&total))
        .zip(&history_rows)
        .map(|(k, h)| Bar {
            label: h.date.clone(),
            percent: k.coverage_tenths().map_or(0.0, |t| t as f64 / 10.0),
            text: h.coverage.clone(),
        })
        .collect();

    // Data quality.
    let mut groups: BTreeMap<(Table, Action, &str), u64> = BTreeMap::new();
    let mut totals = [0u64; 3];
    for r in &ingested.rejected {
        *groups
            .entry((r.table, r.action, r.reason.as_str()))
            .or_default() += 1;
        totals[r.action as usize] += 1;
    }
    let quality = groups
        .into_iter()
        .map(|((t, a, reason), n)| QualityRow {
            table: t.as_str(),
            action: a.as_str(),
            reason: reason.to_string(),
            count: fmt_int(n),
        })
        .collect();

    let (notes_html, notes_md) = notes.map(super::notes::render).unwrap_or_default();
    ReportModel {
        title: config.report.title.clone(),
        as_of: as_of.to_string(),
        previous: previous.map(|p| p.as_of.to_string()),
        previous_unreadable: history.unreadable_previous.as_ref().map(|(date, why)| {
            format!(
                "The previous run's snapshot ({date}) could not be read ({why}), so nothing is compared with it."
            )
        }),
        left_track: config.tracks[config.pairing.left_track as usize].id.clone(),
        right_track: config.tracks[config.pairing.right_track as usize]
            .id
            .clone(),
        tiles: tiles(&total, previous.map(|p| &p.total)),
        regions: rows,
        pages,
        coverage_bars,
        score_bars,
        trend,
        history: history_rows,
        history_bars,
        cliff,
        cliff_vendors,
        diff,
        quality,
        quality_totals: QualityTotals {
            rejected: fmt_int(totals[Action::Rejected as usize]),
            ignored: fmt_int(totals[Action::Ignored as usize]),
            cleared: fmt_int(totals[Action::Cleared as usize]),
        },
        notes_html,
        notes_md,
        inputs: ingested
            .inputs
            .iter()
            .map(|i| InputRow {
                file: i.file_name.clone(),
                bytes: i.bytes,
                sha256: i.sha256.clone(),
            })
            .collect(),
        config_sha256: config_sha256.to_string(),
        snapshot,
    }
}

/// The last `n` months of a trend as a table.
fn last_months(trend: &[TrendSeries], n: usize) -> TrendTable {
    let last = |s: &TrendSeries| s.points.len().saturating_sub(n);
    TrendTable {
        months: trend
            .first()
            .map(|s| {
                s.points[last(s)..]
                    .iter()
                    .map(|p| p.month.clone())
                    .collect()
            })
            .unwrap_or_default(),
        rows: trend
            .iter()
            .map(|s| TrendTableRow {
                track: s.track.clone(),
                counts: s.points[last(s)..].iter().map(|p| p.count).collect(),
            })
            .collect(),
    }
}

/// Counted partners per month-end and track (cumulative by `joined_on`), from the first
/// month anyone joined to the as-of month, at most the last 36 months.
fn trend(d: &Dataset, config: &Config, scope: &Scope, as_of: NaiveDate) -> Vec<TrendSeries> {
    let counted =
        |p: &&crate::ingest::Partner| p.status.counts_for_targets() && scope.contains(p.region);
    let Some(first) = d
        .partners
        .iter()
        .filter(counted)
        .filter_map(|p| p.joined_on)
        .min()
    else {
        return Vec::new();
    };
    let mut months = Vec::new();
    let (mut y, mut m) = (first.year(), first.month());
    loop {
        let end = NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .map(|d| d.pred_opt().unwrap_or(d))
            .unwrap_or(as_of);
        months.push(end.min(as_of));
        if end >= as_of {
            break;
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let months: Vec<NaiveDate> = months.iter().rev().take(36).rev().copied().collect();
    config
        .tracks
        .iter()
        .enumerate()
        .map(|(ti, t)| {
            let mut joined: Vec<NaiveDate> = d
                .partners
                .iter()
                .filter(|p| p.track as usize == ti && counted(p))
                .filter_map(|p| p.joined_on)
                .collect();
            joined.sort_unstable();
            let points = months
                .iter()
                .map(|m| TrendPoint {
                    month: format!("{:04}-{:02}", m.year(), m.month()),
                    count: joined.partition_point(|j| j <= m) as u64,
                })
                .collect();
            TrendSeries {
                track: t.id.clone(),
                points,
            }
        })
        .collect()
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
