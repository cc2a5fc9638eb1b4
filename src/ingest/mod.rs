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

use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};
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

/// Installs checked from one chunk of the file, with chunk-local region and product
/// numbers, and the ids the chunk's rows claim (for the duplicate rule, applied after all
/// chunks in file order).
#[derive(Default)]
struct InstallChunk {
    out: Installs,
    regions: Vec<String>,
    products: Vec<String>,
    problems: Vec<RejectedRow>,
    /// (line, index of the kept row) of every row that claims an id, in file order.
    claims: Vec<(u64, Option<u32>)>,
    claim_ids: StrColumn,
}

fn install_chunk(
    src: &Source<'_>,
    c: usize,
    map: &ColumnMap,
    config: &Config,
    partners: &PartnerIndex<'_>,
) -> InstallChunk {
    let mut k = InstallChunk::default();
    let mut regions: FxHashMap<String, u32> = FxHashMap::default();
    let mut products: FxHashMap<String, u32> = FxHashMap::default();
    let intern =
        |map: &mut FxHashMap<String, u32>, names: &mut Vec<String>, s: &str| match map.get(s) {
            Some(&i) => i,
            None => {
                let i = names.len() as u32;
                map.insert(s.to_string(), i);
                names.push(s.to_string());
                i
            }
        };
    let InstallChunk {
        out,
        regions: region_names,
        products: product_names,
        claims,
        claim_ids,
        ..
    } = &mut k;
    let problems = rules::each_row_in(src, c, Table::Installs, map, |line, r| {
        let claims_id = match r.text(0) {
            Ok(id) => {
                claim_ids.push(&id);
                true
            }
            Err(_) => false,
        };
        let (row, note) = match rules::install(r, config, partners) {
            Ok(kept) => kept,
            Err(note) => {
                if claims_id {
                    claims.push((line, None));
                }
                return Some(note);
            }
        };
        if claims_id {
            claims.push((line, Some(out.len() as u32)));
        }
        out.region
            .push(intern(&mut regions, region_names, &row.region));
        out.product.push(
            row.product
                .map(|p| intern(&mut products, product_names, &p)),
        );
        out.id.push(&row.id);
        out.customer.push(&row.customer);
        out.vendor.push(row.vendor);
        out.seats.push(row.seats);
        out.partner.push(row.partner);
        out.installed_on.push(row.installed_on);
        out.line.push(line);
        note
    });
    k.problems = problems;
    k
}

/// Checks the installs table into columns, chunks in parallel. Regions are numbered in
/// order of first appearance (returned alongside, remapped to sorted order by the
/// caller); products are interned in sorted order.
fn read_installs(
    src: &Source<'_>,
    map: &ColumnMap,
    config: &Config,
    partners: &PartnerIndex<'_>,
) -> (Installs, Vec<String>, Vec<RejectedRow>) {
    let mut chunks: Vec<InstallChunk> = (0..src.chunks())
        .into_par_iter()
        .map(|c| install_chunk(src, c, map, config, partners))
        .collect();

    // The duplicate rule, in file order: the first row with an id claims it.
    let mut claimed = IdSet::default();
    let mut dropped: Vec<Vec<bool>> = chunks.iter().map(|k| vec![false; k.out.len()]).collect();
    for (k, drop) in chunks.iter_mut().zip(&mut dropped) {
        for (i, &(line, kept)) in k.claims.iter().enumerate() {
            let id = k.claim_ids.get(i);
            if claimed.insert(id) {
                continue;
            }
            if let Some(row) = kept {
                drop[row as usize] = true;
            }
            // One entry per row: the duplicate replaces whatever else the row had.
            let dup = RejectedRow {
                table: Table::Installs,
                line,
                column: "install_id",
                value: id.to_string(),
                reason: "duplicate install_id".to_string(),
                action: Action::Rejected,
            };
            match k.problems.binary_search_by_key(&line, |p| p.line) {
                Ok(at) => k.problems[at] = dup,
                Err(at) => k.problems.insert(at, dup),
            }
        }
    }

    // Merge the chunks: global region numbers by first appearance, products sorted.
    let mut region_ids: FxHashMap<String, RegionId> = FxHashMap::default();
    let mut region_names: Vec<String> = Vec::new();
    let mut product_set: BTreeSet<&str> = BTreeSet::new();
    for k in &chunks {
        product_set.extend(k.products.iter().map(String::as_str));
        for r in &k.regions {
            if !region_ids.contains_key(r) {
                region_ids.insert(r.clone(), region_names.len() as RegionId);
                region_names.push(r.clone());
            }
        }
    }
    let products: Vec<String> = product_set.into_iter().map(str::to_string).collect();
    let total: usize = chunks.iter().map(|k| k.out.len()).sum();
    let mut out = Installs {
        products: products.clone(),
        ..Installs::default()
    };
    out.region.reserve(total);
    out.vendor.reserve(total);
    out.product.reserve(total);
    out.seats.reserve(total);
    out.partner.reserve(total);
    out.installed_on.reserve(total);
    out.line.reserve(total);
    let mut problems = Vec::new();
    // Each chunk is freed as soon as it is merged.
    for (mut k, drop) in chunks.into_iter().zip(&dropped) {
        let region_map: Vec<RegionId> = k.regions.iter().map(|r| region_ids[r]).collect();
        let product_map: Vec<u32> = k
            .products
            .iter()
            .map(|p| products.binary_search(p).expect("collected above") as u32)
            .collect();
        let o = &k.out;
        for i in (0..o.len()).filter(|&i| !drop[i]) {
            out.id.push(o.id.get(i));
            out.customer.push(o.customer.get(i));
            out.region.push(region_map[o.region[i] as usize]);
            out.vendor.push(o.vendor[i]);
            out.product
                .push(o.product[i].map(|p| product_map[p as usize]));
            out.seats.push(o.seats[i]);
            out.partner.push(o.partner[i]);
            out.installed_on.push(o.installed_on[i]);
            out.line.push(o.line[i]);
        }
        problems.append(&mut k.problems);
    }
    (out, region_names, problems)
}

/// A set of ids stored end to end in one buffer: no allocation per id, for tables of
/// millions of rows.
#[derive(Default)]
struct IdSet {
    ids: StrColumn,
    table: hashbrown::HashTable<u32>,
}

impl IdSet {
    /// Adds `id`; false when it was already there.
    fn insert(&mut self, id: &str) -> bool {
        let IdSet { ids, table } = self;
        let hash = FxBuildHasher.hash_one(id);
        if table.find(hash, |&i| ids.get(i as usize) == id).is_some() {
            return false;
        }
        ids.push(id);
        table.insert_unique(hash, (ids.len() - 1) as u32, |&i| {
            FxBuildHasher.hash_one(ids.get(i as usize))
        });
        true
    }
}
