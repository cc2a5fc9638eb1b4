/*!
The run history under `OUT/history/`: what a run reads of the runs before it.

Each run stores its KPIs in `<as-of>.json` (read by every later run, for the trend) and its
detail — partners' bands and score components, delivery units with their vendors, covered
vendors — in `<as-of>.detail.json` (read only by the next run: its incumbents and its
changes with their causes), written by [`snapshot_files`] and put in place
with the run folder (see [`super::output`]). A snapshot file that carries its detail inline
(the first format) is read too.

The *previous run* is the snapshot file with the greatest as-of date before this run's.
When it cannot be read — its KPIs or its detail damaged, missing or of another schema —
it is named in a warning and in the report, and nothing is compared with it: no deltas,
no diff. An unreadable previous run is never shown as "everything changed", and the run
before it is not silently taken in its place ("since the last run" would be untrue).
*/

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::format::tenths;
use crate::pair::Origin;

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
    /// Seats covered now: by the engagements in effect and the standalone partners,
    /// without the recommendations (absent from snapshots before engagements existed).
    #[serde(default)]
    pub seats_covered_now: Option<u64>,
    /// Installs covered now.
    #[serde(default)]
    pub installs_covered_now: Option<u64>,
    /// Engagements in effect (counted in `pairs` too).
    #[serde(default)]
    pub engagements: u64,
    /// Engagements in effect that are at risk.
    #[serde(default)]
    pub engagements_at_risk: u64,
    /// Customer implementations the engagements in effect have delivered.
    #[serde(default)]
    pub implementations: u64,
    /// Recommended pairs (counted in `pairs` too).
    #[serde(default)]
    pub recommended: u64,
    /// Incumbent pairs: proposed engagements and the previous run's recommendations.
    #[serde(default)]
    pub incumbents: u64,
    /// Incumbent pairs recommended again.
    #[serde(default)]
    pub kept: u64,
    /// First customer implementations planned (docs/implementations.md).
    #[serde(default)]
    pub planned: u64,
    /// Those of them with an existing customer relationship.
    #[serde(default)]
    pub planned_relationships: u64,
    /// Their seats.
    #[serde(default)]
    pub planned_seats: u64,
}

impl Kpis {
    /// Seat coverage in tenths of a percent, if there are seats.
    pub fn coverage_tenths(&self) -> Option<i64> {
        (self.seats > 0).then(|| tenths(100.0 * self.seats_covered as f64 / self.seats as f64))
    }

    /// Seat coverage now, in tenths of a percent, if there are seats and it is known.
    pub fn coverage_now_tenths(&self) -> Option<i64> {
        let now = self.seats_covered_now?;
        (self.seats > 0).then(|| tenths(100.0 * now as f64 / self.seats as f64))
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
    /// Whether it was eligible (absent from snapshots written before causes were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<bool>,
    /// Its score's components, each ×100 in tenths: skills, certifications, experience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<[i64; 3]>,
    /// Valid installs it serviced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serviced: Option<u32>,
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
    /// Delivery-unit pairs, with their origin and vendors.
    pub units: Vec<SnapshotPair>,
    /// Selected pairs as `region|left|right`: what a snapshot of the first format keeps
    /// instead of `units` (all of them recommended; read, never written).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<String>,
    /// Covered vendors as `region|vendor`.
    pub covered: Vec<String>,
    /// The standalone delivery units (absent from snapshots written before causes were
    /// kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alone: Option<Vec<SnapshotAlone>>,
}

/// One standalone delivery unit in a snapshot: an eligible partner on a standalone track.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SnapshotAlone {
    /// Region name.
    pub region: String,
    /// Partner id.
    pub partner: String,
    /// Vendor ids it qualified for, sorted and `;`-joined.
    pub vendors: String,
}

/// One delivery-unit pair in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SnapshotPair {
    /// Region name.
    pub region: String,
    /// Left partner id.
    pub left: String,
    /// Right partner id.
    pub right: String,
    /// Where it came from.
    pub origin: Origin,
    /// Vendor ids it qualified for, sorted and `;`-joined.
    pub vendors: String,
    /// Its pair score in tenths (absent from snapshots written before causes were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
}

impl SnapshotPair {
    /// `region|left|right`, as the run-over-run diff names a pair.
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.region, self.left, self.right)
    }
}

impl SnapshotDetail {
    /// The delivery-unit pairs; for a snapshot of the first format, its pairs as
    /// recommendations with no vendors known.
    pub fn delivery_units(&self) -> std::borrow::Cow<'_, [SnapshotPair]> {
        if !self.units.is_empty() || self.pairs.is_empty() {
            return std::borrow::Cow::Borrowed(&self.units);
        }
        std::borrow::Cow::Owned(
            self.pairs
                .iter()
                .filter_map(|key| {
                    let mut parts = key.splitn(3, '|');
                    Some(SnapshotPair {
                        region: parts.next()?.to_string(),
                        left: parts.next()?.to_string(),
                        right: parts.next()?.to_string(),
                        origin: Origin::New,
                        vendors: String::new(),
                        weight: None,
                    })
                })
                .collect(),
        )
    }
}

/// This run's snapshot as the files it is stored in under `OUT/history/`: the detail
/// (`<as-of>.detail.json`, compact: one program reads it, the next run) and the KPIs
/// (`<as-of>.json`, readable), as (file name, text). The output folder's commit puts them
/// in place together with the run folder.
pub fn snapshot_files(s: &Snapshot) -> anyhow::Result<Vec<(String, String)>> {
    #[derive(Serialize)]
    struct Head<'a> {
        schema_version: u32,
        as_of: NaiveDate,
        total: &'a Kpis,
        regions: &'a BTreeMap<String, Kpis>,
    }
    let mut detail = serde_json::to_string(&s.detail)?;
    detail.push('\n');
    let mut head = serde_json::to_string_pretty(&Head {
        schema_version: s.schema_version,
        as_of: s.as_of,
        total: &s.total,
        regions: &s.regions,
    })?;
    head.push('\n');
    Ok(vec![
        (format!("{}.detail.json", s.as_of), detail),
        (format!("{}.json", s.as_of), head),
    ])
}

/// What a run knows of the runs before it.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Every readable snapshot, sorted by date (the trend); the previous run's carries its
    /// detail.
    pub snapshots: Vec<Snapshot>,
    /// Index into `snapshots` of the previous run, when it could be read whole.
    previous: Option<usize>,
    /// The previous run, when it could not be read: its date and why.
    pub unreadable_previous: Option<(NaiveDate, String)>,
    /// One line per snapshot that could not be read.
    pub warnings: Vec<String>,
}

impl History {
    /// The previous run's snapshot, detail included, when it could be read whole.
    pub fn previous(&self) -> Option<&Snapshot> {
        self.previous.map(|i| &self.snapshots[i])
    }

    /// Reads `OUT/history/` for a run on `as_of`: every snapshot's KPIs, and the detail of
    /// the previous run only (so a long history costs a few KPIs per run).
    pub fn load(out: &Path, as_of: NaiveDate) -> History {
        let mut h = History::default();
        let dir = out.join("history");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return h;
        };
        // `<date>.json`, by date.
        let mut files: Vec<(NaiveDate, String)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                let date = crate::config::parse_date(name.strip_suffix(".json")?)?;
                Some((date, name))
            })
            .collect();
        files.sort();
        let previous_date = files.iter().rev().map(|f| f.0).find(|d| *d < as_of);
        for (date, name) in files {
            let is_previous = Some(date) == previous_date;
            let snapshot = read_json::<Snapshot>(&dir.join(&name)).and_then(|s| {
                if s.schema_version == SCHEMA_VERSION {
                    Ok(s)
                } else {
                    Err(format!(
                        "snapshot schema {} is not {SCHEMA_VERSION}",
                        s.schema_version
                    ))
                }
            });
            let snapshot = match snapshot {
                Ok(mut s) if is_previous && s.detail == SnapshotDetail::default() => {
                    let detail = format!("{date}.detail.json");
                    match read_json::<SnapshotDetail>(&dir.join(&detail)) {
                        Ok(d) => {
                            s.detail = d;
                            Ok(s)
                        }
                        Err(why) => {
                            // The KPIs still belong in the trend; nothing is compared.
                            h.snapshots.push(s);
                            h.unreadable(date, format!("history/{detail}: {why}"));
                            continue;
                        }
                    }
                }
                Ok(s) => Ok(s),
                Err(why) => Err(format!("history/{name}: {why}")),
            };
            match snapshot {
                Ok(s) => {
                    if is_previous {
                        h.previous = Some(h.snapshots.len());
                    }
                    h.snapshots.push(s);
                }
                Err(why) if is_previous => h.unreadable(date, why),
                Err(why) => h
                    .warnings
                    .push(format!("{why}; that run is left out of the trend")),
            }
        }
        h
    }

    fn unreadable(&mut self, date: NaiveDate, why: String) {
        self.warnings.push(format!(
            "{why}; the previous run ({date}) cannot be compared with, so no changes since it are shown"
        ));
        self.unreadable_previous = Some((date, why));
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("missing".to_string()),
        Err(e) => return Err(e.to_string()),
    };
    serde_json::from_slice(&text).map_err(|e| format!("unreadable ({e})"))
}
