//! The config file as written: every key optional, unknown keys refused; merging over
//! the built-in default; the checks that turn it into a [`Config`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{
    Band, Certification, Config, ConfigError, GapsConfig, ImplementationsConfig, PairingConfig,
    ReportConfig, ScoringConfig, Skill, Status, Track, Vendor, parse_date,
};

/// Declares a config section twice: as written, every key optional (`$file`), and merged
/// over the built-in default, every key set (`$merged`); `$file::over` merges the two.
macro_rules! section {
    ($file:ident, $merged:ident { $($(#[$doc:meta])* $key:ident: $ty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $file {
            $($key: Option<$ty>,)*
        }

        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $merged {
            $($(#[$doc])* $key: $ty,)*
        }

        impl $file {
            /// This section with every missing key taken from `default`.
            fn over(self, default: $merged) -> $merged {
                $merged {
                    $($key: self.$key.unwrap_or(default.$key),)*
                }
            }
        }
    };
}

section!(ScoringFile, Scoring {
    skill_weight: f64,
    certification_weight: f64,
    experience_weight: f64,
    experience_target_installs: i64,
    max_holders_counted: i64,
    expiry_warning_days: i64,
    gate_every_component: bool,
    bands: Vec<BandFile>,
});

section!(PairingFile, Pairing {
    left_track: String,
    right_track: String,
    standalone_tracks: Vec<String>,
    eligible_status: Vec<String>,
    default_capacity: i64,
    skill_weight: f64,
    vendor_weight: f64,
    min_pair_score: f64,
    keep_bonus: f64,
});

section!(
    GapsFile,
    Gaps {
        min_partners_per_skill: i64,
        closest_candidates: i64,
    }
);

section!(ImplementationsFile, Implementations { per_unit: i64 });

/// `readiness.toml` as written, before merging and validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    report: Option<ReportFile>,
    scoring: Option<ScoringFile>,
    tracks: Option<BTreeMap<String, TrackFile>>,
    skills: Option<BTreeMap<String, SkillFile>>,
    certifications: Option<BTreeMap<String, CertificationFile>>,
    vendors: Option<BTreeMap<String, VendorFile>>,
    pairing: Option<PairingFile>,
    gaps: Option<GapsFile>,
    implementations: Option<ImplementationsFile>,
}

/// The file merged over the built-in default: every key has its value (only `as_of` may
/// be missing everywhere: it then means today).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Merged {
    report: ReportFile,
    scoring: Scoring,
    tracks: BTreeMap<String, TrackFile>,
    skills: BTreeMap<String, SkillFile>,
    certifications: BTreeMap<String, CertificationFile>,
    vendors: BTreeMap<String, VendorFile>,
    pairing: Pairing,
    gaps: Gaps,
    implementations: Implementations,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportFile {
    title: Option<String>,
    as_of: Option<String>,
}

/// One `bands` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandFile {
    name: String,
    min: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackFile {
    skills: BTreeMap<String, i64>,
    certification_target: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkillFile {
    name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CertificationFile {
    name: Option<String>,
    vendor: String,
    points: i64,
    validity_months: i64,
    tracks: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorFile {
    name: Option<String>,
    #[serde(default)]
    interop_skills: BTreeMap<String, i64>,
    #[serde(default)]
    interop_certifications: Vec<String>,
}

impl ConfigFile {
    /// Parses config text; the error names the line, column and key.
    pub fn parse(text: &str) -> Result<ConfigFile, toml::de::Error> {
        toml::from_str(text)
    }

    /// Sets `report.as_of` (a `--as-of` flag), keeping the strict date check for later.
    pub fn set_as_of(&mut self, as_of: &str) {
        self.report.get_or_insert_with(Default::default).as_of = Some(as_of.to_string());
    }

    /// This file with every missing key taken from the built-in default; the catalog
    /// tables are taken whole from whichever side defines any entry of them.
    pub(super) fn merged_over_default(self) -> Merged {
        let d: Merged = toml::from_str(super::DEFAULT_CONFIG_TOML)
            .expect("the built-in default config sets every key");
        fn catalog<T>(
            mine: Option<BTreeMap<String, T>>,
            default: BTreeMap<String, T>,
        ) -> BTreeMap<String, T> {
            match mine {
                Some(m) if !m.is_empty() => m,
                _ => default,
            }
        }
        let r = self.report.unwrap_or_default();
        Merged {
            report: ReportFile {
                title: r.title.or(d.report.title),
                as_of: r.as_of.or(d.report.as_of),
            },
            scoring: self.scoring.unwrap_or_default().over(d.scoring),
            tracks: catalog(self.tracks, d.tracks),
            skills: catalog(self.skills, d.skills),
            certifications: catalog(self.certifications, d.certifications),
            vendors: catalog(self.vendors, d.vendors),
            pairing: self.pairing.unwrap_or_default().over(d.pairing),
            gaps: self.gaps.unwrap_or_default().over(d.gaps),
            implementations: self
                .implementations
                .unwrap_or_default()
                .over(d.implementations),
        }
    }
}

fn weight(key: &str, v: f64) -> Result<f64, ConfigError> {
    if !v.is_finite() || v < 0.0 {
        return Err(ConfigError::new(
            key,
            format!("must be a number >= 0, not {v}"),
        ));
    }
    Ok(v)
}

fn count(key: &str, v: i64, min: i64) -> Result<u32, ConfigError> {
    if v < min || v > i64::from(u32::MAX) {
        return Err(ConfigError::new(
            key,
            format!("must be an integer >= {min}, not {v}"),
        ));
    }
    Ok(v as u32)
}

fn level(key: String, v: i64) -> Result<u8, ConfigError> {
    if !(1..=4).contains(&v) {
        return Err(ConfigError::new(
            key,
            format!("required level must be 1..=4, not {v}"),
        ));
    }
    Ok(v as u8)
}

fn index_of(ids: &[&String], key: &str, kind: &str, id: &str) -> Result<u16, ConfigError> {
    ids.binary_search_by(|x| x.as_str().cmp(id))
        .map(|i| i as u16)
        .map_err(|_| ConfigError::new(key, format!("unknown {kind} `{id}`")))
}

fn check_id(key: &str, id: &str) -> Result<(), ConfigError> {
    if id.trim().is_empty() || id.trim() != id {
        return Err(ConfigError::new(
            key,
            "an id must be non-empty with no leading or trailing spaces",
        ));
    }
    Ok(())
}

/// Validates a merged file and interns its catalog.
pub(super) fn build(m: Merged) -> Result<Config, ConfigError> {
    let report = report(&m.report)?;
    let scoring = scoring(&m.scoring)?;
    let catalog = catalog(&m)?;
    let pairing = pairing(&m.pairing, &catalog.track_ids)?;
    let gaps = GapsConfig {
        min_partners_per_skill: count(
            "gaps.min_partners_per_skill",
            m.gaps.min_partners_per_skill,
            0,
        )?,
        closest_candidates: count("gaps.closest_candidates", m.gaps.closest_candidates, 0)?,
    };
    let per_unit = m.implementations.per_unit;
    if !(0..=MAX_PER_UNIT).contains(&per_unit) {
        return Err(ConfigError::new(
            "implementations.per_unit",
            format!("must be an integer 0..={MAX_PER_UNIT}, not {per_unit}"),
        ));
    }
    let implementations = ImplementationsConfig {
        per_unit: per_unit as u32,
    };
    Ok(Config {
        report,
        scoring,
        tracks: catalog.tracks,
        skills: catalog.skills,
        certifications: catalog.certifications,
        vendors: catalog.vendors,
        pairing,
        gaps,
        implementations,
    })
}

/// The most first implementations a unit may be planned: a plan is a short list of first
/// customers, not a schedule.
const MAX_PER_UNIT: i64 = 100;

fn report(r: &ReportFile) -> Result<ReportConfig, ConfigError> {
    let as_of = match &r.as_of {
        None => None,
        Some(a) => Some(parse_date(a.trim()).ok_or_else(|| {
            ConfigError::new(
                "report.as_of",
                format!("must be a date YYYY-MM-DD, not `{a}`"),
            )
        })?),
    };
    Ok(ReportConfig {
        title: r.title.clone().unwrap_or_default(),
        as_of,
    })
}

fn scoring(s: &Scoring) -> Result<ScoringConfig, ConfigError> {
    let skill_weight = weight("scoring.skill_weight", s.skill_weight)?;
    let certification_weight = weight("scoring.certification_weight", s.certification_weight)?;
    let experience_weight = weight("scoring.experience_weight", s.experience_weight)?;
    if skill_weight + certification_weight + experience_weight <= 0.0 {
        return Err(ConfigError::new(
            "scoring",
            "the three weights are all zero",
        ));
    }
    let bands = bands(&s.bands)?;
    if s.gate_every_component && bands.len() < 2 {
        return Err(ConfigError::new(
            "scoring.gate_every_component",
            "the gate needs at least two bands",
        ));
    }
    Ok(ScoringConfig {
        skill_weight,
        certification_weight,
        experience_weight,
        experience_target_installs: count(
            "scoring.experience_target_installs",
            s.experience_target_installs,
            1,
        )?,
        max_holders_counted: count("scoring.max_holders_counted", s.max_holders_counted, 1)?,
        expiry_warning_days: count("scoring.expiry_warning_days", s.expiry_warning_days, 0)?,
        gate_every_component: s.gate_every_component,
        bands,
    })
}

/// Bands: named, unique, `min` within 0..=100 strictly descending, the last at 0.
fn bands(bands_f: &[BandFile]) -> Result<Vec<Band>, ConfigError> {
    if bands_f.is_empty() {
        return Err(ConfigError::new(
            "scoring.bands",
            "at least one band is needed",
        ));
    }
    let mut bands = Vec::with_capacity(bands_f.len());
    let mut names = BTreeSet::new();
    for (i, b) in bands_f.iter().enumerate() {
        let key = format!("scoring.bands[{i}]");
        if !(0.0..=100.0).contains(&b.min) {
            return Err(ConfigError::new(
                key,
                format!("min must be within 0..=100, not {}", b.min),
            ));
        }
        if b.name.trim().is_empty() {
            return Err(ConfigError::new(key, "a band needs a name"));
        }
        if !names.insert(b.name.clone()) {
            return Err(ConfigError::new(
                key,
                format!("duplicate band name `{}`", b.name),
            ));
        }
        if i > 0 && b.min >= bands_f[i - 1].min {
            return Err(ConfigError::new(
                key,
                format!(
                    "bands must be in strictly descending order of min ({} follows {})",
                    b.min,
                    bands_f[i - 1].min
                ),
            ));
        }
        bands.push(Band {
            name: b.name.clone(),
            min: b.min,
        });
    }
    if bands.last().is_some_and(|b| b.min > 0.0) {
        return Err(ConfigError::new(
            "scoring.bands",
            "the last band must have min = 0, so that every score gets a band",
        ));
    }
    Ok(bands)
}

/// The catalog, ids interned in sorted order.
struct Catalog {
    track_ids: Vec<String>,
    tracks: Vec<Track>,
    skills: Vec<Skill>,
    certifications: Vec<Certification>,
    vendors: Vec<Vendor>,
}

fn catalog(m: &Merged) -> Result<Catalog, ConfigError> {
    // Catalog ids, sorted (BTreeMap keys are).
    let track_ids: Vec<&String> = m.tracks.keys().collect();
    let skill_ids: Vec<&String> = m.skills.keys().collect();
    let cert_ids: Vec<&String> = m.certifications.keys().collect();
    if track_ids.is_empty() || skill_ids.is_empty() {
        return Err(ConfigError::new(
            "tracks",
            "no tracks or no skills are defined",
        ));
    }
    let skills = m
        .skills
        .iter()
        .map(|(id, sk)| {
            check_id(&format!("skills.{id}"), id)?;
            Ok(Skill {
                id: id.clone(),
                name: sk.name.clone().unwrap_or_else(|| id.clone()),
            })
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;
    let skill_levels = |prefix: &str, levels: &BTreeMap<String, i64>| {
        levels
            .iter()
            .map(|(sid, &lvl)| {
                let key = format!("{prefix}.{sid}");
                let s = index_of(&skill_ids, &key, "skill", sid)?;
                Ok((s, level(key, lvl)?))
            })
            .collect::<Result<Vec<_>, ConfigError>>()
    };

    let mut tracks = Vec::with_capacity(m.tracks.len());
    for (id, t) in &m.tracks {
        let key = format!("tracks.{id}");
        check_id(&key, id)?;
        if id == "all" {
            return Err(ConfigError::new(
                key,
                "`all` is reserved for targets and cannot name a track",
            ));
        }
        if t.skills.is_empty() {
            return Err(ConfigError::new(
                format!("{key}.skills"),
                "a track needs at least one skill",
            ));
        }
        tracks.push(Track {
            id: id.clone(),
            skills: skill_levels(&format!("{key}.skills"), &t.skills)?,
            certification_target: count(
                &format!("{key}.certification_target"),
                t.certification_target,
                1,
            )?,
        });
    }

    let mut certifications = Vec::with_capacity(m.certifications.len());
    for (id, c) in &m.certifications {
        let key = format!("certifications.{id}");
        check_id(&key, id)?;
        let mut ts = c
            .tracks
            .iter()
            .map(|t| index_of(&track_ids, &format!("{key}.tracks"), "track", t))
            .collect::<Result<Vec<_>, _>>()?;
        ts.sort_unstable();
        ts.dedup();
        certifications.push(Certification {
            id: id.clone(),
            name: c.name.clone().unwrap_or_else(|| id.clone()),
            vendor: c.vendor.clone(),
            points: count(&format!("{key}.points"), c.points, 0)?,
            validity_months: count(&format!("{key}.validity_months"), c.validity_months, 1)?,
            tracks: ts,
        });
    }

    let mut vendors = Vec::with_capacity(m.vendors.len());
    for (id, v) in &m.vendors {
        let key = format!("vendors.{id}");
        check_id(&key, id)?;
        let mut certs = v
            .interop_certifications
            .iter()
            .map(|c| {
                index_of(
                    &cert_ids,
                    &format!("{key}.interop_certifications"),
                    "certification",
                    c,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        certs.sort_unstable();
        certs.dedup();
        vendors.push(Vendor {
            id: id.clone(),
            name: v.name.clone().unwrap_or_else(|| id.clone()),
            interop_skills: skill_levels(&format!("{key}.interop_skills"), &v.interop_skills)?,
            interop_certifications: certs,
        });
    }

    if let Some(v) = vendors.iter().find(|v| v.interop_skills.len() > 63) {
        return Err(ConfigError::new(
            format!("vendors.{}.interop_skills", v.id),
            "at most 63 interop skills per vendor are supported",
        ));
    }
    if vendors.len() > 64 {
        return Err(ConfigError::new(
            "vendors",
            "at most 64 vendors are supported",
        ));
    }
    if skills.len() > 1024 || certifications.len() > 1024 || tracks.len() > 1024 {
        return Err(ConfigError::new(
            "skills",
            "at most 1024 skills, certifications and tracks are supported",
        ));
    }
    Ok(Catalog {
        track_ids: track_ids.into_iter().cloned().collect(),
        tracks,
        skills,
        certifications,
        vendors,
    })
}

fn pairing(p: &Pairing, track_ids: &[String]) -> Result<PairingConfig, ConfigError> {
    let track_ids: Vec<&String> = track_ids.iter().collect();
    let left_track = index_of(&track_ids, "pairing.left_track", "track", &p.left_track)?;
    let right_track = index_of(&track_ids, "pairing.right_track", "track", &p.right_track)?;
    if left_track == right_track {
        return Err(ConfigError::new(
            "pairing.right_track",
            "must differ from pairing.left_track",
        ));
    }
    let mut standalone_tracks = Vec::new();
    for t in &p.standalone_tracks {
        let id = index_of(&track_ids, "pairing.standalone_tracks", "track", t)?;
        if id == left_track || id == right_track {
            return Err(ConfigError::new(
                "pairing.standalone_tracks",
                format!("`{t}` is a pairing track; a track either pairs or delivers alone"),
            ));
        }
        standalone_tracks.push(id);
    }
    standalone_tracks.sort_unstable();
    standalone_tracks.dedup();
    let mut eligible_status = Vec::new();
    for st in &p.eligible_status {
        let s = Status::parse(st).ok_or_else(|| {
            ConfigError::new(
                "pairing.eligible_status",
                format!(
                    "unknown status `{st}` (one of prospect, recruited, enabled, active, inactive)"
                ),
            )
        })?;
        eligible_status.push(s);
    }
    eligible_status.sort_unstable();
    eligible_status.dedup();
    let skill_weight = weight("pairing.skill_weight", p.skill_weight)?;
    let vendor_weight = weight("pairing.vendor_weight", p.vendor_weight)?;
    if skill_weight + vendor_weight <= 0.0 {
        return Err(ConfigError::new(
            "pairing",
            "skill_weight and vendor_weight are both zero",
        ));
    }
    if !(0.0..=100.0).contains(&p.min_pair_score) {
        return Err(ConfigError::new(
            "pairing.min_pair_score",
            format!("must be within 0..=100, not {}", p.min_pair_score),
        ));
    }
    // The bonus is added to weights in tenths of a point: it must be a whole number of
    // tenths, or the objective could not be computed exactly.
    let tenths = p.keep_bonus * 10.0;
    if !(0.0..=100.0).contains(&p.keep_bonus) || (tenths - tenths.round()).abs() > 1e-6 {
        return Err(ConfigError::new(
            "pairing.keep_bonus",
            format!(
                "must be within 0..=100 with at most one decimal (score points, like pair scores), not {}",
                p.keep_bonus
            ),
        ));
    }
    Ok(PairingConfig {
        keep_bonus_tenths: tenths.round() as u32,
        left_track,
        right_track,
        standalone_tracks,
        eligible_status,
        default_capacity: count("pairing.default_capacity", p.default_capacity, 0)?,
        skill_weight,
        vendor_weight,
        min_pair_score: p.min_pair_score,
    })
}
