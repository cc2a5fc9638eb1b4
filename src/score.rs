/*!
Partner scores (docs/scoring.md): skill, certification and experience components, the score, its
band, the optional gate, vendor qualification, and the expiry cliff.

The table-sized work is two polars aggregations, each grouped by one integer (partner,
item) key: the latest assessment of each (partner, skill) — one `max` over a key that
orders by date, then level; and the holders and latest expiry of each (partner,
certification) valid on D, with the holders still valid at D+30, D+60 and D+90 computed in
the same pass. The installs each partner services were counted while they were read.
What remains is a few numbers per partner, computed in parallel with rayon.
*/

use chrono::{Duration, NaiveDate};
use polars_core::prelude::*;
use rayon::prelude::*;

use crate::config::{CertId, Config, SkillId, TrackId, VendorId};
use crate::ingest::{Dataset, PartnerId};

/// Days after D at which the expiry cliff is computed.
pub const CLIFF_DAYS: [u32; 3] = [30, 60, 90];

/// Horizons: D itself, then each cliff date.
const HORIZONS: usize = 1 + CLIFF_DAYS.len();

/// A date figures are computed at: the as-of date D, or a cliff date (D+30, D+60, D+90)
/// at which certifications lapse as they expire and nothing is renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Horizon(usize);

impl Horizon {
    /// The as-of date D.
    pub const NOW: Horizon = Horizon(0);

    /// Cliff date `k` (0 → D+30, 1 → D+60, 2 → D+90).
    pub fn cliff(k: usize) -> Horizon {
        assert!(k < CLIFF_DAYS.len(), "no cliff date {k}");
        Horizon(k + 1)
    }

    /// The cliff dates, in order.
    pub fn cliffs() -> impl Iterator<Item = Horizon> {
        (0..CLIFF_DAYS.len()).map(Horizon::cliff)
    }
}

/// A set of vendors (bit `v` for [`VendorId`] `v`); the config allows at most 64.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct VendorSet(pub u64);

impl VendorSet {
    /// Adds a vendor.
    pub fn insert(&mut self, v: VendorId) {
        self.0 |= 1 << v;
    }
    /// Whether `v` is in the set.
    pub fn contains(self, v: VendorId) -> bool {
        self.0 & (1 << v) != 0
    }
    /// The vendors, ascending (so sorted by vendor id).
    pub fn iter(self) -> impl Iterator<Item = VendorId> {
        (0..64u16).filter(move |&v| self.contains(v))
    }
    /// Number of vendors.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }
    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A certification a partner holds valid on D.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeldCert {
    /// The certification.
    pub cert: CertId,
    /// Largest `holders` among the valid rows, at D and at each cliff date (`None`: lapsed);
    /// read through [`HeldCert::holders_at`].
    pub holders: [Option<u32>; HORIZONS],
    /// The latest `expires_on` among the valid rows.
    pub latest_expiry: NaiveDate,
}

use crate::format::tenths;

/// Score and band at one date.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Standing {
    /// Skill component, 0..=1.
    pub skill: f64,
    /// Certification component, 0..=1.
    pub certification: f64,
    /// Certification points earned (before the target caps them).
    pub points: u64,
    /// Experience component, 0..=1.
    pub experience: f64,
    /// The score, 0..=100, unrounded.
    pub score: f64,
    /// The score rounded, in tenths.
    pub tenths: i64,
    /// Index into `scoring.bands`.
    pub band: usize,
    /// Whether the gate held the partner out of the first band.
    pub gated: bool,
    /// Vendors the partner qualifies for alone.
    pub qualified: VendorSet,
}

/// One partner's score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PartnerScore {
    /// The partner.
    pub partner: PartnerId,
    /// Whether its status is in `pairing.eligible_status`.
    pub eligible: bool,
    /// Standing on D.
    pub now: Standing,
    /// Standing at D+30, D+60, D+90 if no certification is renewed.
    pub cliff: [Standing; CLIFF_DAYS.len()],
}

/// The score stage's output.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// The as-of date D.
    pub as_of: NaiveDate,
    /// Skills in the config (row width of `levels`).
    pub n_skills: usize,
    /// Level per (partner, skill): `levels[p * n_skills + s]`, 0 without an assessment.
    pub levels: Vec<u8>,
    /// Certifications valid on D per partner, sorted by certification.
    pub certs: Vec<Vec<HeldCert>>,
    /// Valid installs each partner services.
    pub serviced: Vec<u32>,
    /// One score per partner, in partner order.
    pub partners: Vec<PartnerScore>,
}

impl Scores {
    /// A partner's levels, indexed by skill.
    pub fn levels_of(&self, p: PartnerId) -> &[u8] {
        let n = self.n_skills;
        &self.levels[p as usize * n..(p as usize + 1) * n]
    }
}

fn days(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce()
}

fn u32_col(name: &str, v: Vec<u32>) -> Column {
    Column::new(name.into(), v)
}

/// (partner, skill or certification) as one integer key, partner first, so that it sorts
/// as the pair does: polars groups a single integer column directly, where two columns
/// would be row-encoded to bytes and hashed as such (most of this stage's memory and a
/// good part of its time, on 300,000 assessments).
fn pair_key(partner: PartnerId, item: u16) -> u64 {
    (u64::from(partner) << 16) | u64::from(item)
}

/// The pairs of a column of [`pair_key`]s.
fn pair_keys(df: &DataFrame, name: &str) -> PolarsResult<Vec<(PartnerId, u16)>> {
    Ok(df
        .column(name)?
        .u64()?
        .into_no_null_iter()
        .map(|k| ((k >> 16) as PartnerId, (k & 0xFFFF) as u16))
        .collect())
}

/// Latest assessment per (partner, skill): the highest `date·8 + level`.
fn latest_levels(d: &Dataset, n_skills: usize) -> PolarsResult<Vec<u8>> {
    let a = &d.assessments;
    let df = DataFrame::new_infer_height(vec![
        Column::new(
            "ps".into(),
            a.iter()
                .map(|x| pair_key(x.partner, x.skill))
                .collect::<Vec<u64>>(),
        ),
        Column::new(
            "k".into(),
            a.iter()
                .map(|x| i64::from(days(x.assessed_on)) * 8 + i64::from(x.level))
                .collect::<Vec<i64>>(),
        ),
    ])?;
    let out = max_per_key(&df, "ps", &["k"])?;
    let mut levels = vec![0u8; d.partners.len() * n_skills];
    let k = out.column("k_max")?.i64()?;
    for ((p, s), k) in pair_keys(&out, "ps")?
        .into_iter()
        .zip(k.into_no_null_iter())
    {
        levels[p as usize * n_skills + s as usize] = (k.rem_euclid(8)) as u8;
    }
    Ok(levels)
}

/// Certifications valid on D, with holders still valid at each cliff date.
fn held_certs(d: &Dataset, as_of: NaiveDate) -> PolarsResult<Vec<Vec<HeldCert>>> {
    let day = days(as_of);
    // The rows valid on D; holders of a row still valid at D+k in column `hk` (null
    // when it lapses by then).
    let valid: Vec<&crate::ingest::CertificationRow> = d
        .certifications
        .iter()
        .filter(|x| days(x.earned_on) <= day && days(x.expires_on) > day)
        .collect();
    let mut columns = vec![
        Column::new(
            "pc".into(),
            valid
                .iter()
                .map(|x| pair_key(x.partner, x.certification))
                .collect::<Vec<u64>>(),
        ),
        Column::new(
            "exp".into(),
            valid
                .iter()
                .map(|x| days(x.expires_on))
                .collect::<Vec<i32>>(),
        ),
        u32_col("h0", valid.iter().map(|x| x.holders).collect()),
    ];
    for (i, k) in CLIFF_DAYS.iter().enumerate() {
        let still = day + *k as i32;
        columns.push(Column::new(
            format!("h{}", i + 1).into(),
            valid
                .iter()
                .map(|x| (days(x.expires_on) > still).then_some(x.holders))
                .collect::<Vec<Option<u32>>>(),
        ));
    }
    let df = DataFrame::new_infer_height(columns)?;
    let hs: Vec<String> = (0..HORIZONS).map(|i| format!("h{i}")).collect();
    let aggregated: Vec<&str> = std::iter::once("exp")
        .chain(hs.iter().map(String::as_str))
        .collect();
    let out = max_per_key(&df, "pc", &aggregated)?;
    let mut held = vec![Vec::new(); d.partners.len()];
    let (p, cert): (Vec<PartnerId>, Vec<u16>) = pair_keys(&out, "pc")?.into_iter().unzip();
    let latest = out.column("exp_max")?.i32()?;
    let hs: Vec<&UInt32Chunked> = hs
        .iter()
        .map(|h| out.column(&format!("{h}_max")).and_then(|c| c.u32()))
        .collect::<PolarsResult<_>>()?;
    for i in 0..out.height() {
        let mut holders = [None; HORIZONS];
        for (h, ca) in holders.iter_mut().zip(&hs) {
            *h = ca.get(i);
        }
        held[p[i] as usize].push(HeldCert {
            cert: cert[i] as CertId,
            holders,
            latest_expiry: NaiveDate::from_num_days_from_ce_opt(latest.get(i).unwrap_or(day))
                .unwrap_or(as_of),
        });
    }
    Ok(held)
}

/// The maximum of each of `columns` per value of the integer column `key`, sorted by
/// `key`; the maxima are named `<column>_max` (nulls skipped).
///
/// Polars' eager group-by: its lazy engine would do the same with the same kernels, and
/// building it (the query planner, expression evaluator and streaming engine, with the
/// cloud readers they bring) took two fifths of a clean build (benches/RESULTS.md, issue
/// 17). The eager aggregations are marked deprecated in favour of the lazy ones; they are
/// still maintained, and this is the one place that calls them.
#[allow(deprecated)]
fn max_per_key(df: &DataFrame, key: &str, columns: &[&str]) -> PolarsResult<DataFrame> {
    df.group_by([key])?
        .select(columns.iter().copied())
        .max()?
        .sort([key], SortMultipleOptions::default())
}

impl HeldCert {
    /// Its holders still valid at `h` (`None`: lapsed by then).
    pub fn holders_at(&self, h: Horizon) -> Option<u32> {
        self.holders[h.0]
    }

    /// Whether it is still valid at `h`.
    pub fn valid_at(&self, h: Horizon) -> bool {
        self.holders_at(h).is_some()
    }

    /// `k` more holders on D (a hypothetical change, as `explain` weighs it).
    pub fn add_holders_now(&mut self, k: u32) {
        self.holders[0] = Some(self.holders[0].unwrap_or(0) + k);
    }

    /// A certification held by `k` holders on D and at no cliff date.
    pub fn held_now(cert: CertId, k: u32) -> HeldCert {
        let mut holders = [None; HORIZONS];
        holders[0] = Some(k);
        HeldCert {
            cert,
            holders,
            latest_expiry: NaiveDate::MAX,
        }
    }
}

/// Whether a partner with these levels and certifications (at horizon `h`) qualifies
/// for vendor `v` alone.
pub fn qualifies(
    config: &Config,
    levels: &[u8],
    certs: &[HeldCert],
    h: Horizon,
    v: VendorId,
) -> bool {
    let vendor = &config.vendors[v as usize];
    vendor
        .interop_skills
        .iter()
        .all(|&(s, r)| levels[s as usize] >= r)
        && (vendor.interop_certifications.is_empty()
            || certs
                .iter()
                .any(|c| c.valid_at(h) && vendor.interop_certifications.contains(&c.cert)))
}

/// What a partner (or any set of skills and certifications) lacks to qualify for a vendor
/// alone: the levels short of each interop skill, and whether a required certification is
/// missing. The words are written by [`crate::format::lacks`].
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Shortfall {
    /// (skill, level held, level required), for each interop skill held below its level.
    pub skills: Vec<(SkillId, u8, u8)>,
    /// The certifications of which one valid is required and none is held (empty: none
    /// is missing).
    pub certification: Vec<CertId>,
}

impl Shortfall {
    /// The distance to qualifying: missing levels, plus 1 for a missing certification.
    pub fn distance(&self) -> u32 {
        self.skills
            .iter()
            .map(|&(_, have, need)| u32::from(need - have))
            .sum::<u32>()
            + u32::from(!self.certification.is_empty())
    }
}

/// What `levels` and `certs` (valid on D) lack for vendor `v`.
pub fn shortfall(config: &Config, levels: &[u8], certs: &[HeldCert], v: VendorId) -> Shortfall {
    let vendor = &config.vendors[v as usize];
    let skills = vendor
        .interop_skills
        .iter()
        .filter(|&&(s, r)| levels[s as usize] < r)
        .map(|&(s, r)| (s, levels[s as usize], r))
        .collect();
    let has_cert = vendor.interop_certifications.is_empty()
        || certs
            .iter()
            .any(|c| c.valid_at(Horizon::NOW) && vendor.interop_certifications.contains(&c.cert));
    Shortfall {
        skills,
        certification: if has_cert {
            Vec::new()
        } else {
            vendor.interop_certifications.clone()
        },
    }
}

/// The standing of one partner of `track` with these inputs at horizon `h`.
pub fn standing(
    config: &Config,
    track: TrackId,
    levels: &[u8],
    certs: &[HeldCert],
    serviced: u32,
    h: Horizon,
) -> Standing {
    let sc = &config.scoring;
    let t = &config.tracks[track as usize];
    let skill = t
        .skills
        .iter()
        .map(|&(s, r)| f64::from(levels[s as usize].min(r)) / f64::from(r))
        .sum::<f64>()
        / t.skills.len() as f64;
    let points: u64 = certs
        .iter()
        .filter(|c| {
            config.certifications[c.cert as usize]
                .tracks
                .contains(&track)
        })
        .filter_map(|c| {
            c.holders_at(h).map(|holders| {
                u64::from(config.certifications[c.cert as usize].points)
                    * u64::from(holders.min(sc.max_holders_counted))
            })
        })
        .sum();
    let certification = (points as f64 / f64::from(t.certification_target)).min(1.0);
    let experience = (f64::from(serviced) / f64::from(sc.experience_target_installs)).min(1.0);
    let wsum = sc.skill_weight + sc.certification_weight + sc.experience_weight;
    let score = 100.0
        * (sc.skill_weight * skill
            + sc.certification_weight * certification
            + sc.experience_weight * experience)
        / wsum;
    let t10 = tenths(score);
    let rounded = t10 as f64 / 10.0;
    let mut band = sc
        .bands
        .iter()
        .position(|b| b.min <= rounded)
        .unwrap_or(sc.bands.len() - 1);
    let zero = [
        (sc.skill_weight, skill),
        (sc.certification_weight, certification),
        (sc.experience_weight, experience),
    ]
    .iter()
    .any(|&(w, x)| w > 0.0 && x == 0.0);
    let gated = sc.gate_every_component && zero && band == 0;
    if gated {
        band = 1;
    }
    let mut qualified = VendorSet::default();
    for v in 0..config.vendors.len() as VendorId {
        if qualifies(config, levels, certs, h, v) {
            qualified.insert(v);
        }
    }
    Standing {
        skill,
        certification,
        points,
        experience,
        score,
        tenths: t10,
        band,
        gated,
        qualified,
    }
}

/// Scores every partner of `d` on `as_of` (and at the cliff dates).
pub fn score(d: &Dataset, config: &Config, as_of: NaiveDate) -> PolarsResult<Scores> {
    let n_skills = config.skills.len();
    let (levels, certs) = rayon::join(|| latest_levels(d, n_skills), || held_certs(d, as_of));
    let (levels, certs) = (levels?, certs?);
    // Counted while the installs were read.
    let serviced = &d.installs.serviced;
    let partners = d
        .partners
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let lv = &levels[i * n_skills..(i + 1) * n_skills];
            let at = |h| standing(config, p.track, lv, &certs[i], serviced[i], h);
            PartnerScore {
                partner: i as PartnerId,
                eligible: config.is_eligible(p.status),
                now: at(Horizon::NOW),
                cliff: [0, 1, 2].map(|k| at(Horizon::cliff(k))),
            }
        })
        .collect();
    Ok(Scores {
        as_of,
        n_skills,
        levels,
        certs,
        serviced: serviced.clone(),
        partners,
    })
}

/// The date of cliff point `i` (0 → D+30, ...).
pub fn cliff_date(as_of: NaiveDate, i: usize) -> NaiveDate {
    as_of + Duration::days(i64::from(CLIFF_DAYS[i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_sets_iterate_in_order() {
        let mut s = VendorSet::default();
        s.insert(5);
        s.insert(0);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 5]);
        assert_eq!(s.len(), 2);
    }
}
