//! The config file as written: every key optional, unknown keys refused; merging over
//! the built-in default; the checks that turn it into a [`Config`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{
    Band, Certification, Config, ConfigError, GapsConfig, PairingConfig, ReportConfig,
    ScoringConfig, Skill, Status, Track, Vendor, parse_date,
};

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
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportFile {
    title: Option<String>,
    as_of: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoringFile {
    skill_weight: Option<f64>,
    certification_weight: Option<f64>,
    experience_weight: Option<f64>,
    experience_target_installs: Option<i64>,
    max_holders_counted: Option<i64>,
    expiry_warning_days: Option<i64>,
    gate_every_component: Option<bool>,
    bands: Option<Vec<BandFile>>,
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairingFile {
    left_track: Option<String>,
    right_track: Option<String>,
    standalone_tracks: Option<Vec<String>>,
    eligible_status: Option<Vec<String>>,
    default_capacity: Option<i64>,
    skill_weight: Option<f64>,
    vendor_weight: Option<f64>,
    min_pair_score: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GapsFile {
    min_partners_per_skill: Option<i64>,
    closest_candidates: Option<i64>,
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
    pub(super) fn merged_over_default(self) -> ConfigFile {
        let d: ConfigFile =
            toml::from_str(super::DEFAULT_CONFIG_TOML).expect("built-in default config parses");
        let (dr, ds, dp, dg) = (
            d.report.unwrap_or_default(),
            d.scoring.unwrap_or_default(),
            d.pairing.unwrap_or_default(),
            d.gaps.unwrap_or_default(),
        );
        let (r, s, p, g) = (
            self.report.unwrap_or_default(),
            self.scoring.unwrap_or_default(),
            self.pairing.unwrap_or_default(),
            self.gaps.unwrap_or_default(),
        );
        fn catalog<T>(
            mine: Option<BTreeMap<String, T>>,
            default: Option<BTreeMap<String, T>>,
        ) -> Option<BTreeMap<String, T>> {
            match mine {
                Some(m) if !m.is_empty() => Some(m),
                _ => default,
            }
        }
        ConfigFile {
            report: Some(ReportFile {
                title: r.title.or(dr.title),
                as_of: r.as_of.or(dr.as_of),
            }),
            scoring: Some(ScoringFile {
                skill_weight: s.skill_weight.or(ds.skill_weight),
                certification_weight: s.certification_weight.or(ds.certification_weight),
                experience_weight: s.experience_weight.or(ds.experience_weight),
                experience_target_installs: s
                    .experience_target_installs
                    .or(ds.experience_target_installs),
                max_holders_counted: s.max_holders_counted.or(ds.max_holders_counted),
                expiry_warning_days: s.expiry_warning_days.or(ds.expiry_warning_days),
                gate_every_component: s.gate_every_component.or(ds.gate_every_component),
                bands: s.bands.or(ds.bands),
            }),
            tracks: catalog(self.tracks, d.tracks),
            skills: catalog(self.skills, d.skills),
            certifications: catalog(self.certifications, d.certifications),
            vendors: catalog(self.vendors, d.vendors),
            pairing: Some(PairingFile {
                left_track: p.left_track.or(dp.left_track),
                right_track: p.right_track.or(dp.right_track),
                standalone_tracks: p.standalone_tracks.or(dp.standalone_tracks),
                eligible_status: p.eligible_status.or(dp.eligible_status),
                default_capacity: p.default_capacity.or(dp.default_capacity),
                skill_weight: p.skill_weight.or(dp.skill_weight),
                vendor_weight: p.vendor_weight.or(dp.vendor_weight),
                min_pair_score: p.min_pair_score.or(dp.min_pair_score),
            }),
            gaps: Some(GapsFile {
                min_partners_per_skill: g.min_partners_per_skill.or(dg.min_partners_per_skill),
                closest_candidates: g.closest_candidates.or(dg.closest_candidates),
            }),
        }
    }
}

fn weight(key: &str, v: Option<f64>) -> Result<f64, ConfigError> {
    let v = v.expect("merged config has every key");
    if !v.is_finite() || v < 0.0 {
        return Err(ConfigError::new(
            key,
            format!("must be a number >= 0, not {v}"),
        ));
    }
    Ok(v)
}

fn count(key: &str, v: Option<i64>, min: i64) -> Result<u32, ConfigError> {
    let v = v.expect("merged config has every key");
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
pub(super) fn build(f: ConfigFile) -> Result<Config, ConfigError> {
    let r = f.report.expect("merged");
    let s = f.scoring.expect("merged");
    let p = f.pairing.expect("merged");
    let g = f.gaps.expect("merged");
    let tracks_f = f.tracks.unwrap_or_default();
    let skills_f = f.skills.unwrap_or_default();
    let certs_f = f.certifications.unwrap_or_default();
    let vendors_f = f.vendors.unwrap_or_default();

    let as_of = match r.as_of {
        None => None,
        Some(a) => Some(parse_date(a.trim()).ok_or_else(|| {
            ConfigError::new(
                "report.as_of",
                format!("must be a date YYYY-MM-DD, not `{a}`"),
            )
        })?),
    };

    // Scoring.
    let skill_weight = weight("scoring.skill_weight", s.skill_weight)?;
    let certification_weight = weight("scoring.certification_weight", s.certification_weight)?;
    let experience_weight = weight("scoring.experience_weight", s.experience_weight)?;
    if skill_weight + certification_weight + experience_weight <= 0.0 {
        return Err(ConfigError::new(
            "scoring",
            "the three weights are all zero",
        ));
    }
    let bands_f = s.bands.expect("merged");
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
    let gate = s.gate_every_component.expect("merged");
    if gate && bands.len() < 2 {
        return Err(ConfigError::new(
            "scoring.gate_every_component",
            "the gate needs at least two bands",
        ));
    }
    let scoring = ScoringConfig {
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
        gate_every_component: gate,
        bands,
    };

    // Catalog ids, sorted (BTreeMap keys are).
    let track_ids: Vec<&String> = tracks_f.keys().collect();
    let skill_ids: Vec<&String> = skills_f.keys().collect();
    let cert_ids: Vec<&String> = certs_f.keys().collect();
    if track_ids.is_empty() || skill_ids.is_empty() {
        return Err(ConfigError::new(
            "tracks",
            "no tracks or no skills are defined",
        ));
    }

    let skills = skills_f
        .iter()
        .map(|(id, sk)| {
            check_id(&format!("skills.{id}"), id)?;
            Ok(Skill {
                id: id.clone(),
                name: sk.name.clone().unwrap_or_else(|| id.clone()),
            })
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;

    let skill_levels = |prefix: &str, m: &BTreeMap<String, i64>| {
        m.iter()
            .map(|(sid, &lvl)| {
                let key = format!("{prefix}.{sid}");
                let s = index_of(&skill_ids, &key, "skill", sid)?;
                Ok((s, level(key, lvl)?))
            })
            .collect::<Result<Vec<_>, ConfigError>>()
    };

    let mut tracks = Vec::with_capacity(tracks_f.len());
    for (id, t) in &tracks_f {
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
                Some(t.certification_target),
                1,
            )?,
        });
    }

    let mut certifications = Vec::with_capacity(certs_f.len());
    for (id, c) in &certs_f {
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
            points: count(&format!("{key}.points"), Some(c.points), 0)?,
            validity_months: count(
                &format!("{key}.validity_months"),
                Some(c.validity_months),
                1,
            )?,
            tracks: ts,
        });
    }

    let mut vendors = Vec::with_capacity(vendors_f.len());
    for (id, v) in &vendors_f {
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

    // Pairing.
    let track = |key: &str, v: Option<String>| {
        index_of(
            &track_ids,
            key,
            "track",
            &v.expect("merged config has every key"),
        )
    };
    let left_track = track("pairing.left_track", p.left_track)?;
    let right_track = track("pairing.right_track", p.right_track)?;
    if left_track == right_track {
        return Err(ConfigError::new(
            "pairing.right_track",
            "must differ from pairing.left_track",
        ));
    }
    let mut standalone_tracks = Vec::new();
    for t in p.standalone_tracks.expect("merged") {
        let id = index_of(&track_ids, "pairing.standalone_tracks", "track", &t)?;
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
    for st in p.eligible_status.expect("merged") {
        let s = Status::parse(&st).ok_or_else(|| {
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
    let pair_skill_weight = weight("pairing.skill_weight", p.skill_weight)?;
    let vendor_weight = weight("pairing.vendor_weight", p.vendor_weight)?;
    if pair_skill_weight + vendor_weight <= 0.0 {
        return Err(ConfigError::new(
            "pairing",
            "skill_weight and vendor_weight are both zero",
        ));
    }
    let min_pair_score = p.min_pair_score.expect("merged");
    if !(0.0..=100.0).contains(&min_pair_score) {
        return Err(ConfigError::new(
            "pairing.min_pair_score",
            format!("must be within 0..=100, not {min_pair_score}"),
        ));
    }
    let pairing = PairingConfig {
        left_track,
        right_track,
        standalone_tracks,
        eligible_status,
        default_capacity: count("pairing.default_capacity", p.default_capacity, 0)?,
        skill_weight: pair_skill_weight,
        vendor_weight,
        min_pair_score,
    };
    let gaps = GapsConfig {
        min_partners_per_skill: count("gaps.min_partners_per_skill", g.min_partners_per_skill, 0)?,
        closest_candidates: count("gaps.closest_candidates", g.closest_candidates, 0)?,
    };

    Ok(Config {
        report: ReportConfig {
            title: r.title.expect("merged"),
            as_of,
        },
        scoring,
        tracks,
        skills,
        certifications,
        vendors,
        pairing,
        gaps,
    })
}
