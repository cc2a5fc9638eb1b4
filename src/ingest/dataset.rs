//! The validated, typed dataset that every later stage takes, and the problems found
//! while building it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::{CertId, SkillId, Status, TrackId, VendorId};

/// Index of a partner in [`Dataset::partners`] (sorted by partner id).
pub type PartnerId = u32;
/// Index of a region in [`Dataset::regions`] (sorted by name).
pub type RegionId = u32;

/// The input tables of the data contract (docs/data-contract.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    /// `partners`
    Partners,
    /// `skills`
    Skills,
    /// `certifications`
    Certifications,
    /// `installs`
    Installs,
    /// `targets` (optional)
    Targets,
    /// `engagements` (optional)
    Engagements,
}

impl Table {
    /// Every table, in the order problems are listed.
    pub const ALL: [Table; 6] = [
        Table::Partners,
        Table::Skills,
        Table::Certifications,
        Table::Installs,
        Table::Targets,
        Table::Engagements,
    ];

    /// The file stem and name used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Partners => "partners",
            Table::Skills => "skills",
            Table::Certifications => "certifications",
            Table::Installs => "installs",
            Table::Targets => "targets",
            Table::Engagements => "engagements",
        }
    }

    /// Whether a dataset must have this table.
    pub fn is_required(self) -> bool {
        !matches!(self, Table::Targets | Table::Engagements)
    }
}

/// What happened to a row with a problem (docs/data-contract.md, "What happens to a bad row").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The row breaks a rule and takes no part in any figure.
    Rejected,
    /// The row is valid but not in effect on the as-of date.
    Ignored,
    /// An optional value naming no valid partner was dropped; the row is kept.
    Cleared,
}

impl Action {
    /// The spelling in `rejected.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Rejected => "rejected",
            Action::Ignored => "ignored",
            Action::Cleared => "cleared",
        }
    }
}

/// One problem with one input row: a line of `rejected.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RejectedRow {
    /// The table.
    pub table: Table,
    /// Source line (CSV, NDJSON) or 1-based row (Parquet).
    pub line: u64,
    /// The column of the first failing rule, or `*` for a wrong number of fields.
    pub column: &'static str,
    /// The offending value, trimmed.
    pub value: String,
    /// The rule it breaks, in words that do not depend on the value.
    pub reason: String,
    /// What was done with the row.
    pub action: Action,
}

/// One partner organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partner {
    /// `partner_id`, unique.
    pub id: String,
    /// `name`.
    pub name: String,
    /// `region`.
    pub region: RegionId,
    /// `country`.
    pub country: Option<String>,
    /// `track`.
    pub track: TrackId,
    /// `status`.
    pub status: Status,
    /// `joined_on` (missing only for prospects).
    pub joined_on: Option<NaiveDate>,
    /// `capacity` as given; `None` means `pairing.default_capacity`.
    pub capacity: Option<u32>,
    /// Source line.
    pub line: u64,
}

/// One skill assessment in effect on the as-of date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The partner assessed.
    pub partner: PartnerId,
    /// The skill.
    pub skill: SkillId,
    /// Level 0..=4.
    pub level: u8,
    /// Staff with the skill, if given.
    pub staff: Option<u32>,
    /// Date of the assessment (≤ as-of).
    pub assessed_on: NaiveDate,
    /// Source line.
    pub line: u64,
}

/// One certification held by a partner's staff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertificationRow {
    /// The holder's partner.
    pub partner: PartnerId,
    /// The certification.
    pub certification: CertId,
    /// Staff who hold it (≥ 1).
    pub holders: u32,
    /// `earned_on`.
    pub earned_on: NaiveDate,
    /// `expires_on`, or `earned_on` plus the certification's validity when not given.
    pub expires_on: NaiveDate,
    /// Whether `expires_on` was given in the row (else it was computed).
    pub expiry_given: bool,
    /// Source line.
    pub line: u64,
}

/// Strings stored end to end, for columns of millions of short values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrColumn {
    data: String,
    ends: Vec<usize>,
}

impl StrColumn {
    /// Appends a value.
    pub fn push(&mut self, s: &str) {
        self.data.push_str(s);
        self.ends.push(self.data.len());
    }

    /// The `i`-th value.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.data[start..self.ends[i]]
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// The valid installs, as the figures use them: counted per region and vendor and per
/// servicing partner while the file is read, so that no stage holds millions of rows.
/// Every install row is kept as well only when asked for ([`super::Detail::Full`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Installs {
    /// Number of valid installs.
    pub count: usize,
    /// Valid installs per region and vendor: entry `region × vendors + vendor`, for the
    /// dataset's regions and the config's vendors.
    pub per_vendor: Vec<u64>,
    /// Seats per region and vendor, indexed as `per_vendor`.
    pub seats: Vec<u64>,
    /// Valid installs naming each partner as the servicing one ([`PartnerId`] indexes
    /// this).
    pub serviced: Vec<u32>,
    /// Every valid install in file order, with [`super::Detail::Full`].
    pub rows: Option<InstallRows>,
    /// The installs a first implementation could go to, by number only (what a plan
    /// weighs), and where each is in its file: see [`PlanInstalls`].
    pub plan: PlanInstalls,
    /// Reads `install_id` and `customer` again for the installs a plan names.
    pub text: super::text::InstallText,
}

/// An install as a plan weighs it: its seats and where it is in its file (`at`: the byte
/// where its record starts for CSV, its line for NDJSON and Parquet) — increasing in file
/// order, so the order of ties, and the key [`super::text::InstallText::fetch`] reads its
/// text by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanInstall {
    /// `seats`.
    pub seats: u64,
    /// Where it is in its file.
    pub at: u64,
}

/// The installs a plan can use, by number: a first implementation goes only to an install
/// of the unit's own region, and one with a servicing partner only to a unit holding that
/// partner (docs/implementations.md), so an install serviced by a partner of another
/// region is not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanInstalls {
    /// Installs without a servicing partner, per region and vendor (entry
    /// `region × vendors + vendor`, as [`Installs::per_vendor`]), in file order.
    pub open: Vec<Vec<PlanInstall>>,
    /// `serviced_at[p]..serviced_at[p + 1]` index the installs of partner `p`'s region that
    /// name `p` as the servicing partner, in [`PlanInstalls::serviced`] (empty when no
    /// install names a partner).
    pub serviced_at: Vec<usize>,
    /// Those installs, each partner's in file order.
    pub serviced: Vec<PlanInstall>,
    /// The vendor of each of [`PlanInstalls::serviced`].
    pub serviced_vendor: Vec<VendorId>,
}

impl PlanInstalls {
    /// The installs partner `p` services in its region with their vendors, in file order.
    pub fn serviced_by(&self, p: PartnerId) -> (&[PlanInstall], &[VendorId]) {
        match self.serviced_at.get(p as usize + 1) {
            Some(&end) => {
                let range = self.serviced_at[p as usize]..end;
                (&self.serviced[range.clone()], &self.serviced_vendor[range])
            }
            None => (&[], &[]),
        }
    }
}

impl Installs {
    /// Number of valid installs.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Install rows stored by column (`product` and `installed_on` are checked but not kept:
/// no figure uses them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstallRows {
    /// `region`.
    pub region: Vec<RegionId>,
    /// `vendor`.
    pub vendor: Vec<VendorId>,
    /// `seats`.
    pub seats: Vec<u64>,
    /// The servicing partner (cleared when it named no valid partner).
    pub partner: Vec<Option<PartnerId>>,
    /// Source lines.
    pub line: Vec<u64>,
    /// `install_id` and `customer` of each install.
    pub details: InstallDetails,
}

impl InstallRows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.region.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.region.is_empty()
    }
}

/// The text columns of the installs, for tracing a figure back to its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallDetails {
    /// `install_id`, unique.
    pub id: StrColumn,
    /// `customer`.
    pub customer: StrColumn,
}

/// One recruitment target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// The region.
    pub region: RegionId,
    /// The track, or `None` for `all`.
    pub track: Option<TrackId>,
    /// `due_on`.
    pub due_on: NaiveDate,
    /// Partners to be counted by `due_on`.
    pub partners: u32,
    /// Selected pairs wanted, if given.
    pub pairs: Option<u32>,
    /// Source line.
    pub line: u64,
}

/// An engagement's `status` as written (docs/data-contract.md, `engagements`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngagementStatus {
    /// Proposed to both partners, not yet formed.
    Proposed,
    /// Formed and delivering.
    Active,
    /// Formed, then ended.
    Ended,
}

impl EngagementStatus {
    /// Every status, in the order messages list them.
    pub const ALL: [EngagementStatus; 3] = [
        EngagementStatus::Proposed,
        EngagementStatus::Active,
        EngagementStatus::Ended,
    ];

    /// Parses the exact spelling used in the data.
    pub fn parse(s: &str) -> Option<EngagementStatus> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The spelling used in the data.
    pub fn as_str(self) -> &'static str {
        match self {
            EngagementStatus::Proposed => "proposed",
            EngagementStatus::Active => "active",
            EngagementStatus::Ended => "ended",
        }
    }
}

/// Where an engagement stands on the as-of date D (docs/pairing.md, "Engagements").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EngagementState {
    /// Proposed: an incumbent pair, re-decided by every run.
    Proposed,
    /// Active on D (or ended after D): part of the pairing as it is.
    InEffect,
    /// Ended on or before D: the pair is never recommended again.
    Ended,
}

/// One engagement row that takes part in the run (rows that start after D are ignored).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Engagement {
    /// The partner on the left pairing track.
    pub left: PartnerId,
    /// The partner on the right pairing track, in the same region.
    pub right: PartnerId,
    /// `status`.
    pub status: EngagementStatus,
    /// `started_on` (for active and ended rows; ≤ D).
    pub started_on: Option<NaiveDate>,
    /// `ended_on` (ended rows only; after `started_on`).
    pub ended_on: Option<NaiveDate>,
    /// Customer implementations the pair has delivered together.
    pub implementations: u32,
    /// Source line.
    pub line: u64,
}

impl Engagement {
    /// Its state on `as_of`: an ended row is still in effect before its `ended_on`.
    pub fn state(&self, as_of: NaiveDate) -> EngagementState {
        match (self.status, self.ended_on) {
            (EngagementStatus::Proposed, _) => EngagementState::Proposed,
            (EngagementStatus::Ended, Some(end)) if end <= as_of => EngagementState::Ended,
            _ => EngagementState::InEffect,
        }
    }
}

/// The validated input of one run: every row that takes part in a figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Partners sorted by id; [`PartnerId`] indexes this.
    pub partners: Vec<Partner>,
    /// Assessments in effect on the as-of date, in file order.
    pub assessments: Vec<Assessment>,
    /// Certification rows, in file order.
    pub certifications: Vec<CertificationRow>,
    /// Installs, counted (and their rows in file order, when asked for).
    pub installs: Installs,
    /// Targets, in file order.
    pub targets: Vec<Target>,
    /// Engagements (those that start after the as-of date are ignored), sorted by
    /// (left, right): a pair has at most one.
    pub engagements: Vec<Engagement>,
    /// Every region named by a valid partner, install or target, sorted.
    pub regions: Vec<String>,
}

impl Dataset {
    /// Looks a partner up by id.
    pub fn partner_id(&self, id: &str) -> Option<PartnerId> {
        self.partners
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|i| i as PartnerId)
    }

    /// Each region's partners, in partner order (one pass over the partners: the
    /// per-region stages read these instead of every partner once per region).
    pub fn partners_by_region(&self) -> Vec<Vec<PartnerId>> {
        let mut by = vec![Vec::new(); self.regions.len()];
        for (i, p) in self.partners.iter().enumerate() {
            by[p.region as usize].push(i as PartnerId);
        }
        by
    }

    /// Looks a region up by name.
    pub fn region_id(&self, name: &str) -> Option<RegionId> {
        self.regions
            .binary_search_by(|r| r.as_str().cmp(name))
            .ok()
            .map(|i| i as RegionId)
    }
}
