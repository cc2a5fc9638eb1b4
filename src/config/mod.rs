/*!
The dataset's `readiness.toml`: parsing, merging over the built-in default, validation.

The file is read with serde into [`ConfigFile`] (every key optional, unknown keys
refused, with the line and column toml reports), merged key by key over the built-in
default (`default.toml`, which doubles as the documented example), and checked by
[`Config::from_file`] against every rule of the configuration (docs/config.md). The result, [`Config`], carries the
catalog with ids interned in sorted order ([`SkillId`], [`TrackId`], ...), so that later
stages index vectors instead of hashing strings.
*/

mod raw;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;

pub use raw::{BandFile, ConfigFile};

/// The built-in default configuration, with its comments: the documented example.
pub const DEFAULT_CONFIG_TOML: &str = include_str!("default.toml");

/// Index of a skill in [`Config::skills`] (sorted by id).
pub type SkillId = u16;
/// Index of a track in [`Config::tracks`] (sorted by id).
pub type TrackId = u16;
/// Index of a certification in [`Config::certifications`] (sorted by id).
pub type CertId = u16;
/// Index of a vendor in [`Config::vendors`] (sorted by id).
pub type VendorId = u16;

/// A configuration error: the key it concerns and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct ConfigError {
    /// Dotted path of the offending key, e.g. `tracks.telephony.skills.sip-trunking`.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl ConfigError {
    fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// A partner's status in the program (docs/data-contract.md, `partners.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not yet in the program.
    Prospect,
    /// Signed up.
    Recruited,
    /// Trained and enabled.
    Enabled,
    /// Delivering.
    Active,
    /// Left or dormant.
    Inactive,
}

impl Status {
    /// Every status, in the order the reports list them.
    pub const ALL: [Status; 5] = [
        Status::Prospect,
        Status::Recruited,
        Status::Enabled,
        Status::Active,
        Status::Inactive,
    ];

    /// Parses the exact (case-sensitive) spelling used in the data.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The spelling used in the data.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Prospect => "prospect",
            Status::Recruited => "recruited",
            Status::Enabled => "enabled",
            Status::Active => "active",
            Status::Inactive => "inactive",
        }
    }

    /// Whether a partner with this status is *counted* for a recruitment target (docs/coverage.md, "Recruitment targets").
    pub fn counts_for_targets(self) -> bool {
        matches!(self, Status::Recruited | Status::Enabled | Status::Active)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One score band.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Band {
    /// Display name, e.g. `ready`.
    pub name: String,
    /// Lowest rounded score in the band.
    pub min: f64,
}

/// `[report]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportConfig {
    /// Report title.
    pub title: String,
    /// As-of date from the file, if any (the CLI may override it).
    pub as_of: Option<NaiveDate>,
}

/// `[scoring]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoringConfig {
    /// Weight of the skill component.
    pub skill_weight: f64,
    /// Weight of the certification component.
    pub certification_weight: f64,
    /// Weight of the experience component.
    pub experience_weight: f64,
    /// Serviced installs that earn full experience credit (≥ 1).
    pub experience_target_installs: u32,
    /// Holders of one certification that earn points.
    pub max_holders_counted: u32,
    /// Days after D within which a valid certification counts as expiring.
    pub expiry_warning_days: u32,
    /// Whether a zero component bars the first band.
    pub gate_every_component: bool,
    /// Bands, strictly descending by `min`, the last at 0.
    pub bands: Vec<Band>,
}

/// One track (`[tracks.<id>]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// Track id.
    pub id: String,
    /// Required skills and levels (1..=4), sorted by skill id.
    pub skills: Vec<(SkillId, u8)>,
    /// Certification points that earn full credit (≥ 1).
    pub certification_target: u32,
}

/// One skill (`[skills.<id>]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Skill {
    /// Skill id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// One certification (`[certifications.<id>]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Certification {
    /// Certification id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Issuing vendor (free text).
    pub vendor: String,
    /// Points per holder.
    pub points: u32,
    /// Validity when a row has no `expires_on` (≥ 1).
    pub validity_months: u32,
    /// Tracks whose score it counts for, sorted.
    pub tracks: Vec<TrackId>,
}

/// One phone-system vendor (`[vendors.<id>]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Vendor {
    /// Vendor id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Skills and levels a partner or pair needs, sorted by skill id.
    pub interop_skills: Vec<(SkillId, u8)>,
    /// Certifications of which one is needed (empty: none needed), sorted.
    pub interop_certifications: Vec<CertId>,
}

/// `[pairing]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PairingConfig {
    /// Track of a pair's left member.
    pub left_track: TrackId,
    /// Track of a pair's right member.
    pub right_track: TrackId,
    /// Tracks whose partners deliver alone.
    pub standalone_tracks: Vec<TrackId>,
    /// Statuses that take part in pairing, coverage and gaps.
    pub eligible_status: Vec<Status>,
    /// Capacity of a partner whose capacity cell is empty.
    pub default_capacity: u32,
    /// Weight of the pair skill score.
    pub skill_weight: f64,
    /// Weight of the pair vendor score.
    pub vendor_weight: f64,
    /// Lowest selectable (rounded) pair score.
    pub min_pair_score: f64,
    /// `keep_bonus` in tenths of a point: what keeping an incumbent pair adds to the
    /// pairing's objective (docs/pairing.md, "Stable recommendations").
    pub keep_bonus_tenths: u32,
}

/// `[gaps]`.
#[derive(Debug, Clone, PartialEq)]
pub struct GapsConfig {
    /// Eligible partners a skill level needs in a region not to be thin.
    pub min_partners_per_skill: u32,
    /// Closest candidates listed per uncovered vendor.
    pub closest_candidates: u32,
}

/// `[implementations]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImplementationsConfig {
    /// First customer implementations planned per delivery unit, less what its
    /// engagement has delivered (docs/implementations.md).
    pub per_unit: u32,
}

/// A validated configuration with its catalog interned.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `[report]`.
    pub report: ReportConfig,
    /// `[scoring]`.
    pub scoring: ScoringConfig,
    /// Tracks sorted by id; [`TrackId`] indexes this.
    pub tracks: Vec<Track>,
    /// Skills sorted by id; [`SkillId`] indexes this.
    pub skills: Vec<Skill>,
    /// Certifications sorted by id; [`CertId`] indexes this.
    pub certifications: Vec<Certification>,
    /// Vendors sorted by id; [`VendorId`] indexes this.
    pub vendors: Vec<Vendor>,
    /// `[pairing]`.
    pub pairing: PairingConfig,
    /// `[gaps]`.
    pub gaps: GapsConfig,
    /// `[implementations]`.
    pub implementations: ImplementationsConfig,
}

fn find<T>(items: &[T], key: impl Fn(&T) -> &str, id: &str) -> Option<u16> {
    items
        .binary_search_by(|t| key(t).cmp(id))
        .ok()
        .map(|i| i as u16)
}

impl Config {
    /// The built-in default configuration.
    pub fn default_config() -> Config {
        Config::from_file(ConfigFile::default()).expect("the built-in default config is valid")
    }

    /// Reads, merges and validates the config file at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        use anyhow::Context;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        Config::parse(&text).with_context(|| format!("invalid config {}", path.display()))
    }

    /// Parses, merges and validates config text.
    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let file = ConfigFile::parse(text)?;
        Ok(Config::from_file(file)?)
    }

    /// Merges `file` over the built-in default and validates the result.
    pub fn from_file(file: ConfigFile) -> Result<Config, ConfigError> {
        raw::build(file.merged_over_default())
    }

    /// Looks a track up by id.
    pub fn track_id(&self, id: &str) -> Option<TrackId> {
        find(&self.tracks, |t| &t.id, id)
    }

    /// Looks a skill up by id.
    pub fn skill_id(&self, id: &str) -> Option<SkillId> {
        find(&self.skills, |t| &t.id, id)
    }

    /// Looks a certification up by id.
    pub fn certification_id(&self, id: &str) -> Option<CertId> {
        find(&self.certifications, |t| &t.id, id)
    }

    /// Looks a vendor up by id.
    pub fn vendor_id(&self, id: &str) -> Option<VendorId> {
        find(&self.vendors, |t| &t.id, id)
    }

    /// Whether a partner of this status is eligible (docs/scoring.md).
    pub fn is_eligible(&self, status: Status) -> bool {
        self.pairing.eligible_status.contains(&status)
    }

    /// The pair skill requirements R: the union of the left and right tracks' skills,
    /// taking the higher level where both name a skill (docs/pairing.md, "The pair score"), sorted by skill id.
    pub fn pair_skills(&self) -> Vec<(SkillId, u8)> {
        let mut r: BTreeMap<SkillId, u8> = BTreeMap::new();
        for t in [self.pairing.left_track, self.pairing.right_track] {
            for &(s, lvl) in &self.tracks[t as usize].skills {
                let e = r.entry(s).or_insert(lvl);
                *e = (*e).max(lvl);
            }
        }
        r.into_iter().collect()
    }
}

/// Parses a strict, zero-padded `YYYY-MM-DD` calendar date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_dates() {
        assert_eq!(
            parse_date("2008-04-10"),
            NaiveDate::from_ymd_opt(2008, 4, 10)
        );
        assert_eq!(
            parse_date("2008-02-29"),
            NaiveDate::from_ymd_opt(2008, 2, 29)
        );
        for bad in [
            "2007-02-29",
            "2008-4-10",
            "2008-04-1",
            "08-04-10",
            "2008/04/10",
            " 2008-04-10",
            "2008-13-01",
            "2008-00-10",
            "+008-04-10",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn default_config_is_valid_and_complete() {
        let c = Config::default_config();
        assert_eq!(c.tracks.len(), 3);
        assert!(c.skill_id("ocs-deployment").is_some());
        assert!(c.vendor_id("nortel").is_some());
        assert_eq!(c.report.as_of, None);
    }
}
