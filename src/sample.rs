/*!
`uc-readiness sample`: a realistic, deterministic dataset of any size.

Partners have a latent *strength* that drives their skill levels, certifications and the
installs they service, so scores, pairs and gaps look like a real program's rather than
noise. Regions differ in their vendor mix (Siemens in DACH, Nortel in Canada, Cisco and
Avaya in the US, ...) and some have no installs yet. The random source is SplitMix64,
written out here rather than taken from a crate so that a seed gives the same bytes on
every version and platform, forever. `--dirty RATE` replaces that share of rows with bad
rows, cycling through every kind the data contract rejects, ignores or clears.
*/

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDate};

use crate::config::DEFAULT_CONFIG_TOML;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleSpec {
    /// Partners (1..=1,000,000).
    pub partners: u32,
    /// Installs (0..=50,000,000).
    pub installs: u32,
    /// Regions (1..=64).
    pub regions: u32,
    /// Random seed.
    pub seed: u64,
    /// Share of bad rows, 0..=1.
    pub dirty: f64,
    /// Profile variety, 0..=1: how far partners' skill levels stray from their strength
    /// and how many skills of other tracks they hold. 0 (the default) gives partners as
    /// alike as a real program's often are, many with the same profile; 1 gives many
    /// more distinct profiles per region (fewer interchangeable partners to pair).
    pub variety: f64,
}

/// The as-of date written into the sample's config.
pub const SAMPLE_AS_OF: &str = "2008-04-10";

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and stable by construction.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..n (n ≥ 1).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// Index drawn with the given weights (not all zero).
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
    fn date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as usize + 1;
        from + chrono::Duration::days(self.below(span) as i64)
    }
}

struct RegionProfile {
    name: &'static str,
    country: &'static [&'static str],
    /// Weights of alcatel-lucent, avaya, cisco, mitel, nortel, siemens.
    vendors: [f64; 6],
}

const REGIONS: &[RegionProfile] = &[
    RegionProfile {
        name: "US East",
        country: &["US"],
        vendors: [0.02, 0.38, 0.30, 0.08, 0.18, 0.04],
    },
    RegionProfile {
        name: "DACH",
        country: &["DE", "AT", "CH"],
        vendors: [0.12, 0.14, 0.14, 0.04, 0.08, 0.48],
    },
    RegionProfile {
        name: "Canada",
        country: &["CA"],
        vendors: [0.02, 0.18, 0.16, 0.18, 0.46, 0.0],
    },
    RegionProfile {
        name: "UK & Ireland",
        country: &["GB", "IE"],
        vendors: [0.06, 0.30, 0.26, 0.16, 0.18, 0.04],
    },
    RegionProfile {
        name: "Nordics",
        country: &["SE", "NO", "DK", "FI"],
        vendors: [0.10, 0.22, 0.34, 0.06, 0.10, 0.18],
    },
    RegionProfile {
        name: "France",
        country: &["FR", "BE"],
        vendors: [0.52, 0.16, 0.16, 0.02, 0.06, 0.08],
    },
    RegionProfile {
        name: "Japan",
        country: &["JP"],
        vendors: [0.0; 6],
    },
    RegionProfile {
        name: "Brazil",
        country: &["BR"],
        vendors: [0.06, 0.42, 0.20, 0.02, 0.14, 0.16],
    },
    RegionProfile {
        name: "US West",
        country: &["US"],
        vendors: [0.02, 0.30, 0.44, 0.10, 0.12, 0.02],
    },
    RegionProfile {
        name: "Iberia",
        country: &["ES", "PT"],
        vendors: [0.28, 0.26, 0.18, 0.02, 0.08, 0.18],
    },
    RegionProfile {
        name: "Benelux",
        country: &["NL", "BE", "LU"],
        vendors: [0.14, 0.28, 0.24, 0.06, 0.14, 0.14],
    },
    RegionProfile {
        name: "ANZ",
        country: &["AU", "NZ"],
        vendors: [0.04, 0.30, 0.32, 0.16, 0.16, 0.02],
    },
    RegionProfile {
        name: "Middle East",
        country: &["AE", "SA", "QA"],
        vendors: [0.0; 6],
    },
    RegionProfile {
        name: "India",
        country: &["IN"],
        vendors: [0.08, 0.44, 0.26, 0.02, 0.12, 0.08],
    },
    RegionProfile {
        name: "Italy",
        country: &["IT"],
        vendors: [0.24, 0.26, 0.20, 0.04, 0.06, 0.20],
    },
    RegionProfile {
        name: "Mexico",
        country: &["MX"],
        vendors: [0.04, 0.40, 0.28, 0.08, 0.18, 0.02],
    },
];

const VENDORS: [&str; 6] = [
    "alcatel-lucent",
    "avaya",
    "cisco",
    "mitel",
    "nortel",
    "siemens",
];
const PRODUCTS: [&[&str]; 6] = [
    &["OmniPCX Enterprise", "OmniPCX Office", "OmniPCX 4400"],
    &[
        "Communication Manager 5.0",
        "Definity G3",
        "IP Office 4.1",
        "S8700",
    ],
    &[
        "Unified CM 6.1",
        "CallManager 4.2",
        "UC 500",
        "Unified CME 7.0",
    ],
    &["3300 ICP", "SX-2000", "5000 CP"],
    &["CS 1000E", "Meridian 1", "BCM 450", "CS 1000M"],
    &["HiPath 4000", "HiPath 3000", "Hicom 300", "OpenScape Voice"],
];
const NAME_A: &[&str] = &[
    "Contoso",
    "Fabrikam",
    "Northwind",
    "Tailspin",
    "Wingtip",
    "Adatum",
    "Litware",
    "Proseware",
    "Alpine",
    "Coho",
    "Lucerne",
    "Trey",
    "Woodgrove",
    "Humongous",
    "Blue Yonder",
    "Wide World",
    "Fourth Coffee",
    "Margie's",
    "Graphic",
    "Relecloud",
    "Southridge",
    "Consolidated",
    "Bellows",
    "Datum",
    "Lamna",
    "Munson's",
    "Nod",
    "VanArsdel",
    "Tailwind",
    "Contour",
    "Millbrook",
    "Kestrel",
];
const NAME_B: &[&str] = &[
    "Voice",
    "Telecom",
    "Systems",
    "Networks",
    "UC Services",
    "Communications",
    "IT Solutions",
    "Integration",
    "Consulting",
    "Telephony",
    "Unified",
    "Connect",
];
const NAME_C: &[&str] = &[
    "",
    " Ltd",
    ", Inc.",
    " GmbH",
    " S.A.",
    " & Partners",
    " Group",
];
const CUSTOMER_B: &[&str] = &[
    "Bank",
    "Clinic",
    "Publishing",
    "Winery",
    "Airlines",
    "University",
    "Hotels",
    "Insurance",
    "Logistics",
    "Council",
    "Retail",
    "Manufacturing",
    "Hospital",
    "Law",
    "Energy",
    "Media",
];

/// Every skill of the sample's catalog (the union of `TRACK_SKILLS`, in the order
/// `--variety` draws them).
const ALL_SKILLS: [&str; 11] = [
    "ocs-deployment",
    "active-directory",
    "exchange-um",
    "network-qos",
    "pbx-integration",
    "sip-trunking",
    "media-gateway",
    "voice-routing",
    "qsig-tie-lines",
    "cas-signalling",
    "contact-center",
];

/// Skills a track's partners are assessed in (their track's plus interop extras).
const TRACK_SKILLS: [(&str, &[&str]); 3] = [
    (
        "infrastructure",
        &[
            "ocs-deployment",
            "active-directory",
            "exchange-um",
            "network-qos",
            "voice-routing",
        ],
    ),
    (
        "telephony",
        &[
            "pbx-integration",
            "sip-trunking",
            "media-gateway",
            "voice-routing",
            "qsig-tie-lines",
            "cas-signalling",
            "contact-center",
        ],
    ),
    (
        "hybrid",
        &[
            "ocs-deployment",
            "pbx-integration",
            "sip-trunking",
            "media-gateway",
            "qsig-tie-lines",
            "voice-routing",
            "active-directory",
        ],
    ),
];
/// Certifications a track's partners pursue, with the vendor (index into VENDORS) they
/// follow, if any: telephony partners certify in their region's vendors.
const TRACK_CERTS: [&[(&str, Option<usize>)]; 3] = [
    &[
        ("mcts-ocs-2007", None),
        ("mcitp-exchange-2007", None),
        ("ccna-voice", Some(2)),
    ],
    &[
        ("avaya-aca-cm", Some(1)),
        ("avaya-acis-cm", Some(1)),
        ("ccna-voice", Some(2)),
        ("ccvp", Some(2)),
        ("mitel-3300-icp", Some(3)),
        ("nortel-ncts-cs1000", Some(4)),
        ("siemens-hipath-4000", Some(5)),
    ],
    &[
        ("mcts-ocs-2007", None),
        ("avaya-aca-cm", Some(1)),
        ("ccvp", Some(2)),
        ("siemens-hipath-4000", Some(5)),
        ("nortel-ncts-cs1000", Some(4)),
    ],
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn fmt_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

struct GenPartner {
    id: String,
    region: usize,
    track: usize,
    status: &'static str,
    strength: f64,
}

/// Writes table rows, turning a `--dirty` share of them into bad rows.
struct TableWriter {
    out: csv::Writer<BufWriter<File>>,
    width: usize,
    dirty: f64,
    next_kind: usize,
}

impl TableWriter {
    fn create(dir: &Path, name: &str, header: &[&str], dirty: f64) -> anyhow::Result<TableWriter> {
        let path = dir.join(format!("{name}.csv"));
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(BufWriter::with_capacity(1 << 20, file));
        out.write_record(header)?;
        Ok(TableWriter {
            out,
            width: header.len(),
            dirty,
            next_kind: 0,
        })
    }

    /// Writes `row`, or — with probability `dirty` — the next kind of bad row made from
    /// it by `spoil(kind, row)`; a kind past the list's end cuts a field off instead.
    fn write(
        &mut self,
        rng: &mut Rng,
        mut row: Vec<String>,
        kinds: usize,
        spoil: impl FnOnce(usize, &mut Vec<String>),
    ) -> anyhow::Result<()> {
        if self.dirty > 0.0 && rng.chance(self.dirty) {
            let kind = self.next_kind % (kinds + 1);
            self.next_kind += 1;
            if kind == kinds {
                row.truncate(self.width - 1);
            } else {
                spoil(kind, &mut row);
            }
        }
        self.out.write_record(&row)?;
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        self.out
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .flush()?;
        Ok(())
    }
}

/// What every table's generator reads and advances: one random source, consumed table by
/// table in a fixed order, so the same spec gives the same bytes.
struct Gen<'a> {
    spec: &'a SampleSpec,
    dir: &'a Path,
    rng: Rng,
    as_of: NaiveDate,
    /// (name, profile) per region.
    regions: Vec<(String, &'static RegionProfile)>,
    /// Relative sizes of the regions.
    region_weights: Vec<f64>,
}

/// Writes the sample dataset and its `readiness.toml` into `dir`.
pub fn write(spec: &SampleSpec, dir: &Path) -> anyhow::Result<()> {
    check(spec)?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let regions: Vec<(String, &'static RegionProfile)> = (0..spec.regions as usize)
        .map(|i| {
            let p = &REGIONS[i % REGIONS.len()];
            let name = if i < REGIONS.len() {
                p.name.to_string()
            } else {
                format!("{} {}", p.name, i / REGIONS.len() + 1)
            };
            (name, p)
        })
        .collect();
    let mut g = Gen {
        spec,
        dir,
        rng: Rng(spec.seed ^ 0x5EED_0F0C_2008),
        as_of: date(2008, 4, 10),
        region_weights: (0..regions.len())
            .map(|i| 1.0 + (i % 3) as f64 * 0.5)
            .collect(),
        regions,
    };
    let partners = g.partners()?;
    g.skills(&partners)?;
    g.certifications(&partners)?;
    g.installs(&partners)?;
    g.targets(&partners)?;
    g.config()?;
    g.engagements()
}

/// The sizes the generator supports.
fn check(spec: &SampleSpec) -> anyhow::Result<()> {
    if !(1..=1_000_000).contains(&spec.partners) {
        bail!("--partners must be within 1..=1000000");
    }
    if spec.installs > 50_000_000 {
        bail!("--installs must be within 0..=50000000");
    }
    if !(1..=64).contains(&spec.regions) {
        bail!("--regions must be within 1..=64");
    }
    if !(0.0..=1.0).contains(&spec.dirty) {
        bail!("--dirty must be within 0..=1");
    }
    Ok(())
}

impl Gen<'_> {
    /// Partners: region by size, track, status, and a latent strength that drives their
    /// skills, certifications and serviced installs.
    fn partners(&mut self) -> anyhow::Result<Vec<GenPartner>> {
        let (spec, dir, dirty) = (self.spec, self.dir, self.spec.dirty);
        let (regions, region_weights) = (&self.regions, &self.region_weights);
        let rng = &mut self.rng;
        let mut partners = Vec::with_capacity(spec.partners as usize);
        let mut t = TableWriter::create(
            dir,
            "partners",
            &[
                "partner_id",
                "name",
                "region",
                "country",
                "track",
                "status",
                "joined_on",
                "capacity",
            ],
            dirty,
        )?;
        for i in 0..spec.partners as usize {
            let region = rng.weighted(region_weights);
            let track = rng.weighted(&[0.4, 0.42, 0.18]);
            let status = ["prospect", "recruited", "enabled", "active", "inactive"]
                [rng.weighted(&[0.12, 0.2, 0.25, 0.35, 0.08])];
            let strength = match status {
                "active" => 0.35 + 0.65 * rng.unit(),
                "prospect" => 0.6 * rng.unit(),
                _ => 0.15 + 0.8 * rng.unit(),
            };
            let id = format!("UCP-{:05}", i + 1);
            let (rname, profile) = &regions[region];
            let name = format!(
                "{} {}{}",
                rng.pick(NAME_A),
                rng.pick(NAME_B),
                rng.pick(NAME_C)
            );
            let joined = if status == "prospect" {
                String::new()
            } else {
                // Recruitment accelerates towards the as-of date.
                let x = rng.unit().sqrt();
                fmt_date(date(2005, 1, 1) + chrono::Duration::days((x * 1195.0) as i64))
            };
            let capacity = match rng.below(10) {
                0 => "1".to_string(),
                1 => "3".to_string(),
                _ => String::new(),
            };
            let row = vec![
                id.clone(),
                name,
                rname.clone(),
                rng.pick(profile.country).to_string(),
                TRACK_SKILLS[track].0.to_string(),
                status.to_string(),
                joined,
                capacity,
            ];
            let earlier = partners
                .get(rng.below(partners.len().max(1)))
                .map(|p: &GenPartner| p.id.clone());
            t.write(rng, row, 9, |kind, row| match kind {
                0 => row[1].clear(),
                1 => row[4] = "voice-over-carrier-pigeon".into(),
                2 => row[5] = "dormant".into(),
                3 => row[6] = "10/04/2008".into(),
                4 => {
                    row[5] = "active".into();
                    row[6].clear();
                }
                5 => row[7] = "-1".into(),
                6 => row[7] = "two".into(),
                7 => row[0] = earlier.unwrap_or_default(),
                _ => row[2] = " ".into(),
            })?;
            partners.push(GenPartner {
                id,
                region,
                track,
                status,
                strength,
            });
        }
        t.finish()?;
        Ok(partners)
    }

    /// Skills: latent strength plus noise; some re-assessments, a few in the future. With
    /// `variety`, wider noise and skills of other tracks at random levels.
    fn skills(&mut self, partners: &[GenPartner]) -> anyhow::Result<()> {
        let (dir, dirty, as_of) = (self.dir, self.spec.dirty, self.as_of);
        let variety = self.spec.variety;
        // 1.8 exactly without variety: the same bytes as before the knob existed.
        let noise = 1.8 * (1.0 + 3.0 * variety);
        let rng = &mut self.rng;
        let mut t = TableWriter::create(
            dir,
            "skills",
            &["partner_id", "skill", "level", "staff", "assessed_on"],
            dirty,
        )?;
        for p in partners {
            for skill in TRACK_SKILLS[p.track].1 {
                if !rng.chance(0.55 + 0.4 * p.strength) {
                    continue;
                }
                let level = ((p.strength * 4.6 + (rng.unit() - 0.5) * noise).round())
                    .clamp(0.0, 4.0) as u32;
                let when = rng.date(date(2006, 6, 1), as_of);
                if level > 0 && rng.chance(0.2) {
                    let older = rng.date(date(2005, 1, 1), when - chrono::Duration::days(1));
                    skill_row(&mut t, rng, &p.id, skill, level - 1, older, as_of)?;
                }
                skill_row(&mut t, rng, &p.id, skill, level, when, as_of)?;
                if rng.chance(0.01) {
                    let future = rng.date(as_of + chrono::Duration::days(1), date(2008, 9, 30));
                    skill_row(&mut t, rng, &p.id, skill, (level + 1).min(4), future, as_of)?;
                }
            }
            if variety > 0.0 {
                let own = TRACK_SKILLS[p.track].1;
                for skill in ALL_SKILLS.iter().filter(|s| !own.contains(s)) {
                    if rng.chance(0.6 * variety) {
                        let level = 1 + (rng.unit() * 4.0).floor().min(3.0) as u32;
                        let when = rng.date(date(2006, 6, 1), as_of);
                        skill_row(&mut t, rng, &p.id, skill, level, when, as_of)?;
                    }
                }
            }
        }
        t.finish()?;
        Ok(())
    }

    /// Certifications: stronger partners certify more, telephony in their region's vendors.
    fn certifications(&mut self, partners: &[GenPartner]) -> anyhow::Result<()> {
        let (dir, dirty, as_of) = (self.dir, self.spec.dirty, self.as_of);
        let regions = &self.regions;
        let rng = &mut self.rng;
        let mut t = TableWriter::create(
            dir,
            "certifications",
            &[
                "partner_id",
                "certification",
                "holders",
                "earned_on",
                "expires_on",
            ],
            dirty,
        )?;
        for p in partners {
            let mix = &regions[p.region].1.vendors;
            for &(cert, vendor) in TRACK_CERTS[p.track] {
                let affinity = vendor.map_or(1.0, |v| (mix[v] * 3.0).clamp(0.15, 1.0));
                if !rng.chance(p.strength * affinity) {
                    continue;
                }
                let holders = 1 + rng.weighted(&[0.5, 0.3, 0.15, 0.05]);
                let earned = rng.date(date(2004, 9, 1), as_of - chrono::Duration::days(7));
                let expires = if rng.chance(0.15) {
                    fmt_date(earned + chrono::Duration::days(365 + rng.below(730) as i64))
                } else {
                    String::new()
                };
                let row = vec![
                    p.id.clone(),
                    cert.to_string(),
                    holders.to_string(),
                    fmt_date(earned),
                    expires,
                ];
                t.write(rng, row, 5, |kind, row| match kind {
                    0 => row[0] = "UCP-99999X".into(),
                    1 => row[1] = "mcse-nt4".into(),
                    2 => row[2] = "0".into(),
                    3 => row[3] = "2008-02-30".into(),
                    _ => row[4] = row[3].clone(),
                })?;
            }
        }
        t.finish()?;
        Ok(())
    }

    /// Installs: by region size and vendor mix; most serviced by a partner of the region.
    fn installs(&mut self, partners: &[GenPartner]) -> anyhow::Result<()> {
        let (spec, dir, dirty, as_of) = (self.spec, self.dir, self.spec.dirty, self.as_of);
        let (regions, region_weights) = (&self.regions, &self.region_weights);
        let rng = &mut self.rng;
        let mut t = TableWriter::create(
            dir,
            "installs",
            &[
                "install_id",
                "customer",
                "region",
                "vendor",
                "product",
                "seats",
                "partner_id",
                "installed_on",
            ],
            dirty,
        )?;
        let mut servicers: Vec<Vec<(usize, f64)>> = vec![Vec::new(); regions.len()];
        for (i, p) in partners.iter().enumerate() {
            if p.status != "prospect" {
                let w = p.strength * if p.track == 0 { 0.5 } else { 1.0 };
                servicers[p.region].push((i, w));
            }
        }
        let cumulative: Vec<Vec<f64>> = servicers
            .iter()
            .map(|s| {
                s.iter()
                    .scan(0.0, |acc, (_, w)| {
                        *acc += w;
                        Some(*acc)
                    })
                    .collect()
            })
            .collect();
        let with_installs: Vec<usize> = (0..regions.len())
            .filter(|&r| regions[r].1.vendors.iter().sum::<f64>() > 0.0)
            .collect();
        let install_region_weights: Vec<f64> =
            with_installs.iter().map(|&r| region_weights[r]).collect();
        let mut last_id = String::new();
        for i in 0..spec.installs as usize {
            if with_installs.is_empty() {
                break;
            }
            let region = with_installs[rng.weighted(&install_region_weights)];
            let vendor = rng.weighted(&regions[region].1.vendors);
            let seats = (20.0 * (rng.unit() * 5.5).exp()).round() as u64;
            let servicer = if rng.chance(0.6) && !servicers[region].is_empty() {
                let c = &cumulative[region];
                let x = rng.unit() * c[c.len() - 1];
                let k = c.partition_point(|&v| v <= x).min(c.len() - 1);
                partners[servicers[region][k].0].id.clone()
            } else {
                String::new()
            };
            let installed = if rng.chance(0.8) {
                fmt_date(rng.date(date(1998, 1, 1), as_of))
            } else {
                String::new()
            };
            let id = format!("INS-{:07}", i + 1);
            let row = vec![
                id.clone(),
                format!("{} {}", rng.pick(NAME_A), rng.pick(CUSTOMER_B)),
                regions[region].0.clone(),
                VENDORS[vendor].to_string(),
                if rng.chance(0.9) {
                    rng.pick(PRODUCTS[vendor]).to_string()
                } else {
                    String::new()
                },
                seats.to_string(),
                servicer,
                installed,
            ];
            let dup = last_id.clone();
            t.write(rng, row, 8, |kind, row| match kind {
                0 => row[0] = dup,
                1 => row[1].clear(),
                2 => row[3] = "ericsson".into(),
                3 => row[5] = "-40".into(),
                4 => row[5] = "many".into(),
                5 => row[6] = "UCP-GONE".into(),
                6 => row[7] = "2007-1-5".into(),
                _ => row[2].clear(),
            })?;
            last_id = id;
        }
        t.finish()?;
        Ok(())
    }

    /// Targets: per region, each track by mid-year and the whole program by year end.
    fn targets(&mut self, partners: &[GenPartner]) -> anyhow::Result<()> {
        let (dir, dirty) = (self.dir, self.spec.dirty);
        let regions = &self.regions;
        let rng = &mut self.rng;
        let mut t = TableWriter::create(
            dir,
            "targets",
            &["region", "track", "due_on", "partners", "pairs"],
            dirty,
        )?;
        let mut per_region_track = vec![[0usize; 3]; regions.len()];
        for p in partners {
            per_region_track[p.region][p.track] += 1;
        }
        for (r, (name, _)) in regions.iter().enumerate() {
            for (track, (track_name, _)) in TRACK_SKILLS.iter().enumerate() {
                let have = per_region_track[r][track] as f64;
                let goal = (have * (0.55 + 0.4 * rng.unit())).round() as u32;
                let due = *rng.pick(&["2007-12-31", "2008-03-31", "2008-06-30"]);
                let pairs = if track == 1 {
                    ((goal as f64) * 0.6).round().to_string()
                } else {
                    String::new()
                };
                let row = vec![
                    name.clone(),
                    track_name.to_string(),
                    due.to_string(),
                    goal.to_string(),
                    pairs,
                ];
                t.write(rng, row, 3, |kind, row| match kind {
                    0 => row[1] = "carrier".into(),
                    1 => row[3] = "-3".into(),
                    _ => row[2] = "2008-06-31".into(),
                })?;
            }
            let total: usize = per_region_track[r].iter().sum();
            let row = vec![
                name.clone(),
                "all".to_string(),
                "2008-12-31".to_string(),
                ((total as f64) * 0.9).round().to_string(),
                String::new(),
            ];
            t.write(rng, row, 0, |_, _| {})?;
        }
        t.finish()?;
        Ok(())
    }

    /// The documented default config with the sample's fixed as-of date.
    fn config(&self) -> anyhow::Result<()> {
        let (spec, dir) = (self.spec, self.dir);
        let config = DEFAULT_CONFIG_TOML.replacen(
            "# as_of = \"2008-04-10\"",
            &format!("as_of = \"{SAMPLE_AS_OF}\""),
            1,
        );
        let variety = if spec.variety > 0.0 {
            format!(" --variety {}", spec.variety)
        } else {
            String::new()
        };
        let header = format!(
            "# Generated by `uc-readiness sample --partners {} --installs {} --regions {} --seed {} --dirty {}{variety}`.\n\
             # The as-of date is fixed so that the committed reports can be regenerated byte for byte.\n\n",
            spec.partners, spec.installs, spec.regions, spec.seed, spec.dirty
        );
        std::fs::write(dir.join("readiness.toml"), header + &config)
            .with_context(|| format!("cannot write {}", dir.join("readiness.toml").display()))?;
        Ok(())
    }
}

impl Gen<'_> {
    /// Engagements: the program as it would stand after months of matchmaking. The
    /// dataset written so far is paired as of an earlier date, with this very library;
    /// about half of that recommendation became active engagements (started over the
    /// past year, some with implementations delivered), some ended, some are still
    /// proposed. A few engagements at risk are added per region: one with a partner no
    /// longer eligible, one whose pair never scored the minimum, and one partner in more
    /// engagements than its capacity.
    fn engagements(&mut self) -> anyhow::Result<()> {
        use crate::ingest::Dataset;
        let (dir, dirty, as_of) = (self.dir, self.spec.dirty, self.as_of);
        let earlier = as_of - chrono::Duration::days(120);
        for ext in ["csv", "parquet", "ndjson", "jsonl"] {
            let stale = dir.join(format!("engagements.{ext}"));
            if stale.exists() {
                std::fs::remove_file(&stale)
                    .with_context(|| format!("cannot replace {}", stale.display()))?;
            }
        }
        let config = crate::config::Config::default_config();
        let ingested = crate::ingest::load(dir, &config, earlier)
            .map_err(|e| anyhow::anyhow!("cannot read the sample back: {e}"))?;
        let d: &Dataset = &ingested.dataset;
        let scores = crate::score::score(d, &config, earlier)?;
        let pairing = crate::pair::pair(d, &config, &scores, &Default::default());
        let rng = &mut self.rng;
        let mut t = TableWriter::create(
            dir,
            "engagements",
            &[
                "left_partner_id",
                "right_partner_id",
                "status",
                "started_on",
                "ended_on",
                "implementations",
            ],
            dirty,
        )?;
        let id = |p: u32| d.partners[p as usize].id.clone();
        // For the bad rows: per region, a right-track partner of another region.
        let foreign: Vec<Option<String>> = (0..d.regions.len() as u32)
            .map(|r| {
                d.partners
                    .iter()
                    .find(|p| p.region != r && p.track == config.pairing.right_track)
                    .map(|p| p.id.clone())
            })
            .collect();
        let mut last: Option<(String, String)> = None;
        let mut used = std::collections::BTreeSet::new();
        let year_ago = as_of - chrono::Duration::days(365);
        let mut write =
            |t: &mut TableWriter, rng: &mut Rng, (a, b): (u32, u32), row: [String; 4]| {
                if !used.insert((a, b)) {
                    return Ok(());
                }
                let [status, started, ended, delivered] = row;
                let row = vec![id(a), id(b), status, started, ended, delivered];
                let (other_left, other_right) = (id(b), id(a));
                let abroad = foreign[d.partners[a as usize].region as usize].clone();
                let again = last.replace((id(a), id(b)));
                t.write(rng, row, 15, |kind, row| match kind {
                    13 => {
                        if let Some(f) = abroad {
                            row[1] = f;
                        }
                    }
                    14 => {
                        if let Some((l, r)) = again {
                            row[0] = l;
                            row[1] = r;
                        }
                    }
                    0 => row[0] = "UCP-GONE".into(),
                    1 => row[0] = other_left,
                    2 => row[1] = other_right,
                    3 => row[1].clear(),
                    4 => row[2] = "paused".into(),
                    5 => {
                        row[2] = "active".into();
                        row[3].clear();
                        row[4].clear();
                    }
                    6 => {
                        row[2] = "proposed".into();
                        row[3] = "2008-01-15".into();
                        row[4].clear();
                    }
                    7 => {
                        row[2] = "ended".into();
                        row[3] = "2007-06-01".into();
                        row[4].clear();
                    }
                    8 => {
                        row[2] = "active".into();
                        row[3] = "2007-06-01".into();
                        row[4] = "2007-09-01".into();
                    }
                    9 => {
                        row[2] = "ended".into();
                        row[3] = "2007-06-01".into();
                        row[4] = "2007-06-01".into();
                    }
                    10 => row[5] = "-1".into(),
                    11 => {
                        row[2] = "active".into();
                        row[3] = "2008-13-01".into();
                        row[4].clear();
                    }
                    _ => {
                        row[2] = "active".into();
                        row[3] = fmt_date(as_of + chrono::Duration::days(20));
                        row[4].clear();
                    }
                })
            };
        for rp in &pairing.regions {
            for p in &rp.pairs {
                let u = rng.unit();
                let started = rng.date(year_ago, as_of - chrono::Duration::days(7));
                let months = (as_of - started).num_days() / 30;
                let row = if u < 0.45 {
                    let delivered = rng.below(1 + months as usize / 3);
                    [
                        "active".into(),
                        fmt_date(started),
                        String::new(),
                        delivered.to_string(),
                    ]
                } else if u < 0.53 {
                    let ended = rng.date(started + chrono::Duration::days(1), as_of);
                    [
                        "ended".into(),
                        fmt_date(started),
                        fmt_date(ended),
                        rng.below(2).to_string(),
                    ]
                } else if u < 0.63 {
                    [
                        "proposed".into(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]
                } else {
                    continue;
                };
                write(&mut t, rng, (p.left, p.right), row)?;
            }
            // At risk, in some regions, one kind each in turn: a partner of the region
            // no longer eligible, a pair of two random eligible partners (rarely worth
            // the minimum score), a partner beyond its capacity.
            let region = |track, eligible: bool| -> Vec<u32> {
                (0..d.partners.len() as u32)
                    .filter(|&p| {
                        let partner = &d.partners[p as usize];
                        partner.region == rp.region
                            && partner.track == track
                            && scores.partners[p as usize].eligible == eligible
                    })
                    .collect()
            };
            let (left, right) = (config.pairing.left_track, config.pairing.right_track);
            let (lefts, rights) = (region(left, true), region(right, true));
            if lefts.is_empty() || rights.len() < 4 || !rng.chance(0.6) {
                continue;
            }
            let mut extra = Vec::new();
            match rp.region % 3 {
                0 => {
                    if let Some(&b) = region(right, false).first() {
                        extra.push((*rng.pick(&lefts), b));
                    }
                }
                1 => extra.push((*rng.pick(&lefts), *rng.pick(&rights))),
                _ => {
                    let busy = *rng.pick(&lefts);
                    let cap = crate::pair::capacity(d, &config, busy) as usize;
                    let from = rng.below(rights.len());
                    extra.extend((0..=cap).map(|k| (busy, rights[(from + k) % rights.len()])));
                }
            }
            for pair in extra {
                let started = rng.date(year_ago, as_of - chrono::Duration::days(7));
                let row = [
                    "active".into(),
                    fmt_date(started),
                    String::new(),
                    "0".into(),
                ];
                write(&mut t, rng, pair, row)?;
            }
        }
        t.finish()
    }
}

fn skill_row(
    t: &mut TableWriter,
    rng: &mut Rng,
    partner: &str,
    skill: &str,
    level: u32,
    when: NaiveDate,
    as_of: NaiveDate,
) -> anyhow::Result<()> {
    let staff = (1 + rng.below(8)).to_string();
    let row = vec![
        partner.to_string(),
        skill.to_string(),
        level.to_string(),
        staff,
        fmt_date(when),
    ];
    t.write(rng, row, 7, |kind, row| match kind {
        0 => row[0] = "UCP-00000".into(),
        1 => row[1] = "telepathy".into(),
        2 => row[2] = "5".into(),
        3 => row[2] = "high".into(),
        4 => row[3] = "-2".into(),
        5 => row[4] = "2008/01/15".into(),
        _ => row[4] = fmt_date(as_of + chrono::Duration::days(30)),
    })
}
