/*!
Ingestion: find the dataset's five tables, read them concurrently, check every rule of
SPEC §1 and return one typed, validated [`Dataset`] with the list of [`RejectedRow`]s.

Order of work: every file is read and hashed in parallel (rayon), then parsed in
parallel; partners are checked first (every other table refers to them), then skills,
certifications, installs and targets are checked concurrently. Fatal problems — a
missing table or column, two files for one table, a duplicate header, a file that is not
valid CSV / Parquet / NDJSON — stop the run with a [`FatalError`] naming the file.
*/

mod cell;
mod dataset;
mod rules;
mod source;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

pub use dataset::{
    Action, Assessment, CertificationRow, Dataset, Installs, Partner, PartnerId, RegionId,
    RejectedRow, StrColumn, Table, Target,
};
pub use source::{FatalError, Format};

use crate::config::Config;
use rules::{ColumnMap, PartnerIndex};
use source::Source;

/// One input file of a run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputFile {
    /// The table it holds.
    pub table: Table,
    /// Its path.
    #[serde(skip)]
    pub path: PathBuf,
    /// Its file name (for reports: no machine paths).
    pub file_name: String,
    /// Its format.
    #[serde(skip)]
    pub format: Format,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// The result of ingestion.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// Every valid row, typed.
    pub dataset: Dataset,
    /// Every problem, sorted by table and line.
    pub rejected: Vec<RejectedRow>,
    /// Non-fatal notices (extra columns), sorted.
    pub warnings: Vec<String>,
    /// The files read, in table order.
    pub inputs: Vec<InputFile>,
    /// Ids of partners rows that were rejected (no valid partner has them), sorted.
    pub rejected_partner_ids: Vec<String>,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Finds the file of each table in `dir`: exactly one per stem, by extension.
pub fn locate(dir: &Path) -> Result<Vec<(Table, PathBuf, Format)>, FatalError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| FatalError::new(dir, format!("cannot read the data folder: {e}")))?;
    let mut found: BTreeMap<Table, Vec<(PathBuf, Format)>> = BTreeMap::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| FatalError::new(dir, format!("cannot read the data folder: {e}")))?;
        let path = entry.path();
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        let (Some(table), Some(format)) = (
            Table::ALL.into_iter().find(|t| t.as_str() == stem),
            Format::from_extension(ext),
        ) else {
            continue;
        };
        found.entry(table).or_default().push((path, format));
    }
    let mut out = Vec::new();
    for table in Table::ALL {
        let mut files = found.remove(&table).unwrap_or_default();
        files.sort();
        match files.len() {
            0 if table.is_required() => {
                return Err(FatalError::new(
                    dir,
                    format!(
                        "required table `{}` is missing (expected {0}.csv, {0}.parquet, {0}.ndjson or {0}.jsonl)",
                        table.as_str()
                    ),
                ));
            }
            0 => {}
            1 => {
                let (p, f) = files.pop().expect("one file");
                out.push((table, p, f));
            }
            _ => {
                let names: Vec<String> = files
                    .iter()
                    .map(|(p, _)| {
                        p.file_name()
                            .unwrap_or_default()
                            .to_string_lossy()
                            .into_owned()
                    })
                    .collect();
                return Err(FatalError::new(
                    dir,
                    format!(
                        "two files for table `{}`: {} (keep exactly one)",
                        table.as_str(),
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// Reads and validates the dataset in `dir` against `config` on as-of date `as_of`.
pub fn load(dir: &Path, config: &Config, as_of: NaiveDate) -> Result<Ingested, FatalError> {
    let located = locate(dir)?;
    let contents: Vec<Vec<u8>> = located
        .par_iter()
        .map(|(_, path, _)| {
            std::fs::read(path).map_err(|e| FatalError::new(path, format!("cannot read: {e}")))
        })
        .collect::<Result<_, _>>()?;
    let inputs: Vec<InputFile> = located
        .par_iter()
        .zip(contents.par_iter())
        .map(|((table, path, format), bytes)| InputFile {
            table: *table,
            path: path.clone(),
            file_name: path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            format: *format,
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
        .collect();
    let sources: Vec<(Source<'_>, ColumnMap)> = located
        .par_iter()
        .zip(contents.par_iter())
        .map(|((table, path, format), bytes)| {
            let src = Source::parse(path, *format, bytes)?;
            let map = ColumnMap::new(path, *table, &src.columns)?;
            Ok((src, map))
        })
        .collect::<Result<_, FatalError>>()?;
    let get = |t: Table| {
        located
            .iter()
            .position(|(table, _, _)| *table == t)
            .map(|i| &sources[i])
    };
    let mut warnings: Vec<String> = sources
        .iter()
        .flat_map(|(_, m)| m.warnings.clone())
        .collect();
    warnings.sort();

    let (psrc, pmap) = get(Table::Partners).expect("partners is required");
    let (mut partner_rows, mut rejected, rejected_partner_ids) =
        rules::partners(psrc, pmap, config);
    partner_rows.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let index: PartnerIndex<'_> = partner_rows
        .iter()
        .enumerate()
        .map(|(i, (_, p))| (p.id.as_str(), i as PartnerId))
        .collect();

    let ((skills, certs), (installs, targets)) = rayon::join(
        || {
            rayon::join(
                || {
                    let (s, m) = get(Table::Skills).expect("skills is required");
                    rules::skills(s, m, config, &index, as_of)
                },
                || {
                    let (s, m) = get(Table::Certifications).expect("certifications is required");
                    rules::certifications(s, m, config, &index)
                },
            )
        },
        || {
            rayon::join(
                || {
                    let (s, m) = get(Table::Installs).expect("installs is required");
                    read_installs(s, m, config, &index)
                },
                || match get(Table::Targets) {
                    Some((s, m)) => rules::targets(s, m, config),
                    None => (Vec::new(), Vec::new()),
                },
            )
        },
    );

    // Regions: every region a valid row names, interned in sorted order.
    let (skill_rows, skill_problems) = skills;
    let (cert_rows, cert_problems) = certs;
    let (mut installs, install_regions, install_problems) = installs;
    let (target_rows, target_problems) = targets;
    let regions: Vec<String> = partner_rows
        .iter()
        .map(|(_, p)| p.region.as_str())
        .chain(install_regions.iter().map(String::as_str))
        .chain(target_rows.iter().map(|(_, t)| t.region.as_str()))
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(str::to_string)
        .collect();
    let region_of = |name: &str| {
        regions
            .binary_search_by(|r| r.as_str().cmp(name))
            .expect("interned") as RegionId
    };
    let remap: Vec<RegionId> = install_regions.iter().map(|r| region_of(r)).collect();
    for r in &mut installs.region {
        *r = remap[*r as usize];
    }

    let dataset = Dataset {
        partners: partner_rows
            .into_iter()
            .map(|(line, p)| Partner {
                region: region_of(&p.region),
                id: p.id,
                name: p.name,
                country: p.country,
                track: p.track,
                status: p.status,
                joined_on: p.joined_on,
                capacity: p.capacity,
                line,
            })
            .collect(),
        assessments: skill_rows
            .into_iter()
            .map(|(line, s)| Assessment {
                partner: s.partner,
                skill: s.skill,
                level: s.level,
                staff: s.staff,
                assessed_on: s.assessed_on,
                line,
            })
            .collect(),
        certifications: cert_rows
            .into_iter()
            .map(|(line, c)| CertificationRow {
                partner: c.partner,
                certification: c.certification,
                holders: c.holders,
                earned_on: c.earned_on,
                expires_on: c.expires_on,
                expiry_given: c.expiry_given,
                line,
            })
            .collect(),
        installs,
        targets: target_rows
            .into_iter()
            .map(|(line, t)| Target {
                region: region_of(&t.region),
                track: t.track,
                due_on: t.due_on,
                partners: t.partners,
                pairs: t.pairs,
                line,
            })
            .collect(),
        regions,
    };
    rejected.extend(skill_problems);
    rejected.extend(cert_problems);
    rejected.extend(install_problems);
    rejected.extend(target_problems);
    rejected.sort_by_key(|r| (r.table, r.line));
    Ok(Ingested {
        dataset,
        rejected,
        warnings,
        inputs,
        rejected_partner_ids,
    })
}

/// Checks the installs table into columns. Regions are numbered in order of first
/// appearance (returned alongside, remapped to sorted order by the caller); products are
/// interned in sorted order.
fn read_installs(
    src: &Source<'_>,
    map: &ColumnMap,
    config: &Config,
    partners: &PartnerIndex<'_>,
) -> (Installs, Vec<String>, Vec<RejectedRow>) {
    let mut out = Installs::default();
    let mut claimed: HashSet<Box<str>> = HashSet::with_capacity(src.size_hint());
    let mut regions: HashMap<String, RegionId> = HashMap::new();
    let mut region_names: Vec<String> = Vec::new();
    let mut products: HashMap<String, u32> = HashMap::new();
    let problems = rules::each_row(src, Table::Installs, map, |line, r| {
        let checked = rules::install(r, config, partners, |id| {
            if claimed.contains(id) {
                false
            } else {
                claimed.insert(id.into());
                true
            }
        });
        let (row, note) = match checked {
            Ok(kept) => kept,
            Err(note) => return Some(note),
        };
        let region = match regions.get(row.region.as_ref()) {
            Some(&r) => r,
            None => {
                let r = region_names.len() as RegionId;
                regions.insert(row.region.to_string(), r);
                region_names.push(row.region.to_string());
                r
            }
        };
        let product = row.product.map(|p| match products.get(p.as_ref()) {
            Some(&i) => i,
            None => {
                let i = products.len() as u32;
                products.insert(p.to_string(), i);
                i
            }
        });
        out.id.push(&row.id);
        out.customer.push(&row.customer);
        out.region.push(region);
        out.vendor.push(row.vendor);
        out.product.push(product);
        out.seats.push(row.seats);
        out.partner.push(row.partner);
        out.installed_on.push(row.installed_on);
        out.line.push(line);
        note
    });
    // Products in sorted order.
    let mut names: Vec<(String, u32)> = products.into_iter().collect();
    names.sort();
    let mut remap = vec![0u32; names.len()];
    for (sorted, (_, first_seen)) in names.iter().enumerate() {
        remap[*first_seen as usize] = sorted as u32;
    }
    for p in out.product.iter_mut().flatten() {
        *p = remap[*p as usize];
    }
    out.products = names.into_iter().map(|(n, _)| n).collect();
    (out, region_names, problems)
}
