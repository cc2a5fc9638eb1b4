/*!
The evidence ledger behind `explain` (docs/scoring.md, "explain"): one partner's score traced to the rows that earned it,
what it lacks for each vendor, its expiry cliff, and the cheapest change that lifts it to
the next band.

"Cheapest" counts unit steps — one skill level, one more certificate holder, one more
serviced install — and searches every combination of up to [`MAX_STEPS`] steps, fewest
steps first; among combinations of equal length the one with the highest resulting score
wins (then the first in a fixed order), so the answer is exact and deterministic.
*/

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::{CertId, Config, SkillId, TrackId, VendorId};
use crate::format::{fmt_component as pct, fmt_tenths};
use crate::ingest::{Dataset, PartnerId};
use crate::score::{HeldCert, Horizon, Scores, Standing, cliff_date, shortfall, standing};

/// Longest combination of unit steps searched for the next band.
pub const MAX_STEPS: usize = 8;

/// One required skill of the partner's track.
#[derive(Debug, Clone, Serialize)]
pub struct SkillLine {
    /// Skill id.
    pub skill: String,
    /// Display name.
    pub name: String,
    /// Level the track requires.
    pub required: u8,
    /// The partner's level (latest assessment, highest level on equal dates).
    pub level: u8,
    /// Points of the score this skill earns (out of 100).
    pub points: f64,
    /// The assessment that set the level, if any: (line, date).
    pub evidence: Option<(u64, NaiveDate)>,
    /// Older or lower assessments of the same skill that do not count.
    pub superseded: Vec<u64>,
}

/// Where a certification row stands on the as-of date D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CertState {
    /// Valid, and not expiring within the warning window.
    #[serde(rename = "valid")]
    Valid,
    /// Valid, but expiring within `scoring.expiry_warning_days`.
    #[serde(rename = "expiring")]
    Expiring,
    /// `expires_on` ≤ D.
    #[serde(rename = "expired")]
    Expired,
    /// `earned_on` after D.
    #[serde(rename = "not yet earned")]
    NotYetEarned,
}

impl CertState {
    /// As `explain` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            CertState::Valid => "valid",
            CertState::Expiring => "expiring",
            CertState::Expired => "expired",
            CertState::NotYetEarned => "not yet earned",
        }
    }
}

/// One certification row of the partner.
#[derive(Debug, Clone, Serialize)]
pub struct CertLine {
    /// Certification id.
    pub certification: String,
    /// Display name.
    pub name: String,
    /// Where the row stands on the as-of date.
    pub state: CertState,
    /// Whether it counts for the partner's track.
    pub counts_for_track: bool,
    /// `holders` of the row.
    pub holders: u32,
    /// `earned_on`.
    pub earned_on: NaiveDate,
    /// `expires_on` (given or computed).
    pub expires_on: NaiveDate,
    /// Source line.
    pub line: u64,
}

/// One install the partner services.
#[derive(Debug, Clone, Serialize)]
pub struct InstallLine {
    /// `install_id`.
    pub install_id: String,
    /// `customer`.
    pub customer: String,
    /// Vendor id.
    pub vendor: String,
    /// `seats`.
    pub seats: u64,
    /// Source line.
    pub line: u64,
}

/// Qualification for one vendor.
#[derive(Debug, Clone, Serialize)]
pub struct VendorLine {
    /// Vendor id.
    pub vendor: String,
    /// Whether the partner qualifies alone.
    pub qualified: bool,
    /// What it lacks, in words.
    pub lacks: Vec<String>,
}

/// Score and band at one cliff date.
#[derive(Debug, Clone, Serialize)]
pub struct CliffLine {
    /// The date.
    pub date: NaiveDate,
    /// Rounded score.
    pub score: String,
    /// Band name.
    pub band: String,
    /// Certifications (counted for the track or for a vendor) lapsed by then.
    pub lapsed: Vec<String>,
}

/// The cheapest way to the next band.
#[derive(Debug, Clone, Serialize)]
pub struct NextBand {
    /// The band it would reach.
    pub band: String,
    /// The changes, in words.
    pub changes: Vec<String>,
    /// The score after them.
    pub score: String,
}

/// Everything `explain` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// `partner_id`.
    pub partner_id: String,
    /// `name`.
    pub name: String,
    /// Region name.
    pub region: String,
    /// Track id.
    pub track: String,
    /// Status.
    pub status: String,
    /// Whether it takes part in pairing and coverage.
    pub eligible: bool,
    /// As-of date.
    pub as_of: NaiveDate,
    /// Component weights: skill, certification, experience.
    pub weights: [f64; 3],
    /// Required skills.
    pub skills: Vec<SkillLine>,
    /// Skill component ×100, rounded.
    pub skill_score: String,
    /// Certification rows.
    pub certifications: Vec<CertLine>,
    /// Points earned by valid certifications counted for the track.
    pub certification_points: u64,
    /// Points that earn full credit.
    pub certification_target: u32,
    /// Certification component ×100, rounded.
    pub certification_score: String,
    /// Installs serviced.
    pub installs: Vec<InstallLine>,
    /// Installs that earn full credit.
    pub experience_target: u32,
    /// Experience component ×100, rounded.
    pub experience_score: String,
    /// The score, rounded.
    pub score: String,
    /// Band name.
    pub band: String,
    /// Whether the gate kept it out of the first band.
    pub gated: bool,
    /// Whether it is in the first band.
    pub first_band: bool,
    /// Per vendor.
    pub vendors: Vec<VendorLine>,
    /// At D+30, D+60, D+90.
    pub cliff: Vec<CliffLine>,
    /// The cheapest change to the next band (none when already in the first band, or
    /// when no combination of up to MAX_STEPS steps reaches it).
    pub next_band: Option<NextBand>,
    /// The partner's engagements, in (left, right) order.
    pub engagements: Vec<EngagementLine>,
    /// The first customer implementations planned for its delivery units, by unit
    /// ([`implementation_lines`]; empty from [`explain`] alone).
    pub implementations: Vec<ImplementationLine>,
}

/// A first customer implementation planned for one of the partner's delivery units.
#[derive(Debug, Clone, Serialize)]
pub struct ImplementationLine {
    /// The other partner of the unit (`id name`), or `None` when the partner is alone.
    pub with: Option<String>,
    /// `customer`.
    pub customer: String,
    /// `install_id`.
    pub install_id: String,
    /// Vendor id.
    pub vendor: String,
    /// Seats.
    pub seats: u64,
    /// The servicing partner (`id name`) when it is an existing relationship.
    pub serviced_by: Option<String>,
}

/// The implementations planned for partner `p`'s delivery units in a run, by unit.
pub fn implementation_lines(run: &crate::pipeline::Run, p: PartnerId) -> Vec<ImplementationLine> {
    let d = run.dataset();
    let r = d.partners[p as usize].region as usize;
    let (rc, plan) = (&run.coverage.regions[r], &run.plan.regions[r]);
    let who = |q: PartnerId| {
        format!(
            "{} {}",
            d.partners[q as usize].id, d.partners[q as usize].name
        )
    };
    plan.implementations
        .iter()
        .filter_map(|i| {
            let unit = rc.units[i.unit as usize].0;
            if !unit.members().any(|q| q == p) {
                return None;
            }
            Some(ImplementationLine {
                with: unit.members().find(|&q| q != p).map(who),
                customer: i.customer.clone(),
                install_id: i.install_id.clone(),
                vendor: run.config.vendors[i.vendor as usize].id.clone(),
                seats: i.seats,
                serviced_by: i.serviced_by.map(who),
            })
        })
        .collect()
}

/// One engagement of the partner.
#[derive(Debug, Clone, Serialize)]
pub struct EngagementLine {
    /// The other partner's id.
    pub with: String,
    /// Its name.
    pub with_name: String,
    /// `status` as written.
    pub status: String,
    /// The state on D: `proposed`, `in_effect` or `ended`.
    pub state: crate::ingest::EngagementState,
    /// `started_on`.
    pub started_on: Option<NaiveDate>,
    /// `ended_on`.
    pub ended_on: Option<NaiveDate>,
    /// Implementations delivered.
    pub implementations: u32,
    /// Pair score today.
    pub pair_score: String,
    /// In effect: every reason it is at risk, in words. (A vendor lost since the previous
    /// run is known to `report`, which reads the history, not to `explain`.)
    pub at_risk: Vec<String>,
    /// Source line in the engagements table.
    pub line: u64,
}

/// A unit step towards a higher score.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Skill(SkillId),
    Holder(CertId),
    Install,
}

/// Builds the explanation of partner `p`.
///
/// The installs it lists are the dataset's install rows: load it with
/// [`crate::ingest::Detail::Full`] (without them the list is empty).
pub fn explain(d: &Dataset, config: &Config, scores: &Scores, p: PartnerId) -> Explanation {
    let partner = &d.partners[p as usize];
    let ps = &scores.partners[p as usize];
    let track = &config.tracks[partner.track as usize];
    let sc = &config.scoring;
    let levels = scores.levels_of(p);
    let certs = &scores.certs[p as usize];
    let n = &ps.now;
    Explanation {
        partner_id: partner.id.clone(),
        name: partner.name.clone(),
        region: d.regions[partner.region as usize].clone(),
        track: track.id.clone(),
        status: partner.status.as_str().to_string(),
        eligible: ps.eligible,
        as_of: scores.as_of,
        weights: [
            sc.skill_weight,
            sc.certification_weight,
            sc.experience_weight,
        ],
        skills: skill_lines(d, config, p, levels),
        skill_score: pct(n.skill),
        certifications: cert_lines(d, config, p, scores.as_of),
        certification_points: n.points,
        certification_target: track.certification_target,
        certification_score: pct(n.certification),
        installs: install_lines(d, config, p),
        experience_target: sc.experience_target_installs,
        experience_score: pct(n.experience),
        score: fmt_tenths(n.tenths),
        band: sc.bands[n.band].name.clone(),
        gated: n.gated,
        first_band: n.band == 0,
        vendors: vendor_lines(config, levels, certs, n),
        cliff: cliff_lines(config, scores, p),
        next_band: next_band(
            config,
            partner.track,
            levels,
            certs,
            scores.serviced[p as usize],
            n,
        ),
        engagements: engagement_lines(d, config, scores, p),
        implementations: Vec::new(),
    }
}

/// The partner's engagements with their state on D and, in effect, every reason each is
/// at risk.
fn engagement_lines(
    d: &Dataset,
    config: &Config,
    scores: &Scores,
    p: PartnerId,
) -> Vec<EngagementLine> {
    use crate::ingest::EngagementState;
    use crate::pair::{PairRules, engaged_counts, engagement_risks, region_seats};
    let mine: Vec<_> = d
        .engagements
        .iter()
        .filter(|e| e.left == p || e.right == p)
        .collect();
    if mine.is_empty() {
        return Vec::new();
    }
    let rules = PairRules::new(config);
    let seats = &region_seats(d, config)[d.partners[p as usize].region as usize];
    let engaged = engaged_counts(d, scores.as_of);
    let engaged_in = |q: PartnerId| engaged.get(&q).copied().unwrap_or(0);
    mine.into_iter()
        .map(|e| {
            let state = e.state(scores.as_of);
            let profiles = [e.left, e.right]
                .map(|q| crate::pair::profile(config, &rules, scores, q, Horizon::NOW));
            let (score, risks) = engagement_risks(
                d,
                config,
                &rules,
                scores,
                seats,
                e,
                [&profiles[0], &profiles[1]],
                &engaged_in,
                None,
            );
            let other = &d.partners[if e.left == p { e.right } else { e.left } as usize];
            EngagementLine {
                with: other.id.clone(),
                with_name: other.name.clone(),
                status: e.status.as_str().to_string(),
                state,
                started_on: e.started_on,
                ended_on: e.ended_on,
                implementations: e.implementations,
                pair_score: fmt_tenths(i64::from(score.weight)),
                at_risk: if state == EngagementState::InEffect {
                    risks
                        .into_iter()
                        .map(|r| crate::format::at_risk(d, config, r))
                        .collect()
                } else {
                    Vec::new()
                },
                line: e.line,
            }
        })
        .collect()
}

/// Each skill the partner's track requires: the assessment that set its level, the ones
/// it superseded, and the points it earns.
fn skill_lines(d: &Dataset, config: &Config, p: PartnerId, levels: &[u8]) -> Vec<SkillLine> {
    let track = &config.tracks[d.partners[p as usize].track as usize];
    let sc = &config.scoring;
    let wsum = sc.skill_weight + sc.certification_weight + sc.experience_weight;
    track
        .skills
        .iter()
        .map(|&(s, r)| {
            let mut rows: Vec<_> = d
                .assessments
                .iter()
                .filter(|a| a.partner == p && a.skill == s)
                .collect();
            rows.sort_by_key(|a| (a.assessed_on, a.level, std::cmp::Reverse(a.line)));
            let best = rows.pop();
            let level = levels[s as usize];
            SkillLine {
                skill: config.skills[s as usize].id.clone(),
                name: config.skills[s as usize].name.clone(),
                required: r,
                level,
                points: 100.0 * sc.skill_weight * (f64::from(level.min(r)) / f64::from(r))
                    / track.skills.len() as f64
                    / wsum,
                evidence: best.map(|a| (a.line, a.assessed_on)),
                superseded: rows.iter().map(|a| a.line).collect(),
            }
        })
        .collect()
}

/// Every certification row of the partner, with where it stands on `as_of`.
fn cert_lines(d: &Dataset, config: &Config, p: PartnerId, as_of: NaiveDate) -> Vec<CertLine> {
    let track = d.partners[p as usize].track;
    let warn = as_of + chrono::Duration::days(i64::from(config.scoring.expiry_warning_days));
    let mut lines: Vec<CertLine> = d
        .certifications
        .iter()
        .filter(|c| c.partner == p)
        .map(|c| {
            let cert = &config.certifications[c.certification as usize];
            let state = if c.earned_on > as_of {
                CertState::NotYetEarned
            } else if c.expires_on <= as_of {
                CertState::Expired
            } else if c.expires_on < warn {
                CertState::Expiring
            } else {
                CertState::Valid
            };
            CertLine {
                certification: cert.id.clone(),
                name: cert.name.clone(),
                state,
                counts_for_track: cert.tracks.contains(&track),
                holders: c.holders,
                earned_on: c.earned_on,
                expires_on: c.expires_on,
                line: c.line,
            }
        })
        .collect();
    lines.sort_by(|a, b| (&a.certification, a.line).cmp(&(&b.certification, b.line)));
    lines
}

/// The installs the partner services (the rows are there with `Detail::Full`, as
/// `explain` loads the dataset).
fn install_lines(d: &Dataset, config: &Config, p: PartnerId) -> Vec<InstallLine> {
    d.installs.rows.as_ref().map_or_else(Vec::new, |inst| {
        (0..inst.len())
            .filter(|&i| inst.partner[i] == Some(p))
            .map(|i| InstallLine {
                install_id: inst.details.id.get(i).to_string(),
                customer: inst.details.customer.get(i).to_string(),
                vendor: config.vendors[inst.vendor[i] as usize].id.clone(),
                seats: inst.seats[i],
                line: inst.line[i],
            })
            .collect()
    })
}

/// Every vendor: qualified for alone, or what the partner lacks.
fn vendor_lines(
    config: &Config,
    levels: &[u8],
    certs: &[HeldCert],
    now: &Standing,
) -> Vec<VendorLine> {
    config
        .vendors
        .iter()
        .enumerate()
        .map(|(v, vendor)| VendorLine {
            vendor: vendor.id.clone(),
            qualified: now.qualified.contains(v as VendorId),
            lacks: crate::format::lacks(config, &shortfall(config, levels, certs, v as VendorId)),
        })
        .collect()
}

/// The standing at each cliff date, with the certifications lapsed by then.
fn cliff_lines(config: &Config, scores: &Scores, p: PartnerId) -> Vec<CliffLine> {
    let certs = &scores.certs[p as usize];
    scores.partners[p as usize]
        .cliff
        .iter()
        .enumerate()
        .map(|(i, st)| CliffLine {
            date: cliff_date(scores.as_of, i),
            score: fmt_tenths(st.tenths),
            band: config.scoring.bands[st.band].name.clone(),
            lapsed: certs
                .iter()
                .filter(|c| !c.valid_at(Horizon::cliff(i)))
                .map(|c| config.certifications[c.cert as usize].id.clone())
                .collect(),
        })
        .collect()
}

/// The fewest unit steps that lift the partner into a higher band.
fn next_band(
    config: &Config,
    track: TrackId,
    levels: &[u8],
    certs: &[HeldCert],
    serviced: u32,
    now: &Standing,
) -> Option<NextBand> {
    if now.band == 0 {
        return None;
    }
    let sc = &config.scoring;
    let t = &config.tracks[track as usize];
    let mut steps: Vec<(Step, u32)> = Vec::new(); // a step and how often it can be taken
    for &(s, r) in &t.skills {
        let have = levels[s as usize];
        if have < r {
            steps.push((Step::Skill(s), u32::from(r - have)));
        }
    }
    for (c, cert) in config.certifications.iter().enumerate() {
        if !cert.tracks.contains(&track) || cert.points == 0 {
            continue;
        }
        let have = certs
            .iter()
            .find(|h| h.cert as usize == c)
            .and_then(|h| h.holders_at(Horizon::NOW))
            .unwrap_or(0);
        if have < sc.max_holders_counted {
            steps.push((Step::Holder(c as CertId), sc.max_holders_counted - have));
        }
    }
    if serviced < sc.experience_target_installs {
        steps.push((Step::Install, sc.experience_target_installs - serviced));
    }

    let apply = |counts: &[u32]| {
        let mut lv = levels.to_vec();
        let mut cs = certs.to_vec();
        let mut sv = serviced;
        for (&(step, _), &k) in steps.iter().zip(counts) {
            match step {
                Step::Skill(s) => lv[s as usize] += k as u8,
                Step::Holder(c) => match cs.iter_mut().find(|h| h.cert == c) {
                    Some(h) => h.add_holders_now(k),
                    None if k > 0 => cs.push(HeldCert::held_now(c, k)),
                    None => {}
                },
                Step::Install => sv += k,
            }
        }
        standing(config, track, &lv, &cs, sv, Horizon::NOW)
    };

    // Every way to spend exactly `total` steps, in a fixed order; keep the best that
    // reaches a higher band.
    fn spend(
        steps: &[(Step, u32)],
        total: u32,
        at: usize,
        counts: &mut Vec<u32>,
        visit: &mut dyn FnMut(&[u32]),
    ) {
        if at == steps.len() {
            if total == 0 {
                visit(counts);
            }
            return;
        }
        for k in (0..=total.min(steps[at].1)).rev() {
            counts.push(k);
            spend(steps, total - k, at + 1, counts, visit);
            counts.pop();
        }
    }
    for total in 1..=MAX_STEPS as u32 {
        let mut best: Option<(Vec<u32>, Standing)> = None;
        spend(&steps, total, 0, &mut Vec::new(), &mut |counts| {
            let st = apply(counts);
            if st.band < now.band && best.as_ref().is_none_or(|(_, b)| st.score > b.score) {
                best = Some((counts.to_vec(), st));
            }
        });
        if let Some((counts, st)) = best {
            let changes = steps
                .iter()
                .zip(&counts)
                .filter(|(_, k)| **k > 0)
                .map(|(&(step, _), &k)| describe(config, levels, certs, serviced, step, k))
                .collect();
            return Some(NextBand {
                band: sc.bands[st.band].name.clone(),
                changes,
                score: fmt_tenths(st.tenths),
            });
        }
    }
    None
}

fn describe(
    config: &Config,
    levels: &[u8],
    certs: &[HeldCert],
    serviced: u32,
    step: Step,
    k: u32,
) -> String {
    match step {
        Step::Skill(s) => {
            let have = levels[s as usize];
            format!(
                "{} {} → {}",
                config.skills[s as usize].id,
                have,
                have + k as u8
            )
        }
        Step::Holder(c) => {
            let have = certs
                .iter()
                .find(|h| h.cert == c)
                .and_then(|h| h.holders_at(Horizon::NOW))
                .unwrap_or(0);
            let name = &config.certifications[c as usize].name;
            if have == 0 {
                format!(
                    "{k} valid holder{} of {name}",
                    if k == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "{k} more holder{} of {name} ({have} → {})",
                    if k == 1 { "" } else { "s" },
                    have + k
                )
            }
        }
        Step::Install => format!(
            "{k} more serviced install{} ({serviced} → {})",
            if k == 1 { "" } else { "s" },
            serviced + k
        ),
    }
}
