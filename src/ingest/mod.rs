/*!
Ingestion: find the dataset's six tables, read them concurrently, check every rule of
the data contract (docs/data-contract.md) and return one typed, validated [`Dataset`] with the list of [`RejectedRow`]s.

Order of work: every file is memory-mapped; its SHA-256 is computed beside the checks
(rayon), which parse the files in parallel; partners are checked first (every other table
refers to them), then skills, certifications, installs and targets concurrently — the
installs table in parallel chunks, its duplicate ids found afterwards by a pass sharded by
hash; each chunk's rows are then counted per region and vendor and per partner, and kept
only when [`Detail::Full`] asks for them.
Fatal problems — a missing table or column, two files for one table, a duplicate header, a
file that is not valid CSV / Parquet / NDJSON — stop the run with a [`FatalError`] naming
the file.
*/

mod cell;
mod dataset;
mod installs;
mod lookup;
mod rules;
mod source;
mod text;

use std::collections::{BTreeMap, BTreeSet};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

pub use dataset::{
    Action, Assessment, CertificationRow, Dataset, Engagement, EngagementState, EngagementStatus,
    InstallDetails, InstallRows, Installs, Partner, PartnerId, PlanInstall, PlanInstalls, RegionId,
    RejectedRow, StrColumn, Table, Target,
};
pub use source::{FatalError, Format};
pub use text::InstallText;

use crate::config::Config;
use installs::{read_installs, remap_regions};
use lookup::{Catalog, PartnerIndex};
use rules::{ColumnMap, RegionNames};
use source::{Contents, Source};

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

/// What ingestion keeps of the installs table beyond the figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    /// The installs counted per region and vendor and per servicing partner: all any
    /// figure needs.
    #[default]
    Figures,
    /// Also every install row ([`Installs::rows`]) with its `install_id` and
    /// `customer`, to trace figures to their rows (`explain`).
    Full,
}

/// Reads and validates the dataset in `dir` against `config` on as-of date `as_of`,
/// keeping the installs' figures.
pub fn load(dir: &Path, config: &Config, as_of: NaiveDate) -> Result<Ingested, FatalError> {
    load_with(dir, config, as_of, Detail::Figures)
}

/// [`load`], keeping the installs' `detail`.
pub fn load_with(
    dir: &Path,
    config: &Config,
    as_of: NaiveDate,
    detail: Detail,
) -> Result<Ingested, FatalError> {
    let located = locate(dir)?;
    let contents: Vec<Arc<Contents>> = located
        .par_iter()
        .map(|(_, path, _)| Contents::open(path).map(Arc::new))
        .collect::<Result<_, _>>()?;
    // Hashing reads every byte once more: it runs beside the checks.
    let (inputs, checked) = rayon::join(
        || input_files(&located, &contents),
        || check(&located, &contents, config, as_of, detail),
    );
    let (dataset, rejected, warnings, rejected_partner_ids) = checked?;
    // The installs' text is read again only for the installs a plan names.
    dataset.installs.text.release_pages();
    Ok(Ingested {
        dataset,
        rejected,
        warnings,
        inputs,
        rejected_partner_ids,
    })
}

fn input_files(located: &[(Table, PathBuf, Format)], contents: &[Arc<Contents>]) -> Vec<InputFile> {
    located
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
        .collect()
}

/// The checked tables: the dataset, every problem (sorted), the warnings (sorted) and
/// the ids of rejected partners rows.
/// The dataset, its problems, warnings and the ids of rejected partners rows.
type CheckedTables = (Dataset, Vec<RejectedRow>, Vec<String>, Vec<String>);

fn check(
    located: &[(Table, PathBuf, Format)],
    contents: &[Arc<Contents>],
    config: &Config,
    as_of: NaiveDate,
    detail: Detail,
) -> Result<CheckedTables, FatalError> {
    let sources: Vec<(Source<'_>, ColumnMap)> = located
        .par_iter()
        .zip(contents.par_iter())
        .map(|((table, path, format), bytes)| {
            let src = Source::parse(path, *format, bytes)?;
            let map = ColumnMap::new(path, *table, &src.columns)?;
            Ok((src, map))
        })
        .collect::<Result<_, FatalError>>()?;
    let position = |t: Table| located.iter().position(|(table, _, _)| *table == t);
    let get = |t: Table| position(t).map(|i| &sources[i]);
    let mut warnings: Vec<String> = sources
        .iter()
        .flat_map(|(_, m)| m.warnings.clone())
        .collect();
    warnings.sort();

    let (psrc, pmap) = get(Table::Partners).expect("partners is required");
    let mut partner_regions = RegionNames::default();
    let (mut partners, mut rejected, rejected_partner_ids) =
        rules::partners(psrc, pmap, config, &mut partner_regions);
    partners.sort_by(|a, b| a.id.cmp(&b.id));
    let index = PartnerIndex::new(partners.iter().map(|p| p.id.as_str()));
    let catalog = Catalog::new(config);
    let homes: Vec<&str> = partners
        .iter()
        .map(|p| partner_regions.names[p.region as usize].as_str())
        .collect();
    let installs_at = position(Table::Installs).expect("installs is required");

    let mut target_regions = RegionNames::default();
    let ((skills, certs), (installs, targets)) = rayon::join(
        || {
            rayon::join(
                || {
                    let (s, m) = get(Table::Skills).expect("skills is required");
                    rules::skills(s, m, &catalog, &index, as_of)
                },
                || {
                    let (s, m) = get(Table::Certifications).expect("certifications is required");
                    rules::certifications(s, m, config, &catalog, &index)
                },
            )
        },
        || {
            rayon::join(
                || {
                    let (s, m) = &sources[installs_at];
                    let file = &contents[installs_at];
                    let (mut installs, regions, problems) = read_installs(
                        (s, m),
                        config,
                        &catalog,
                        installs::Partners {
                            index: &index,
                            homes: &homes,
                        },
                        file,
                        detail,
                    );
                    let (_, path, format) = &located[installs_at];
                    installs.text = InstallText::new(Arc::clone(file), path.clone(), *format, m);
                    (installs, regions, problems)
                },
                || match get(Table::Targets) {
                    Some((s, m)) => rules::targets(s, m, config, &mut target_regions),
                    None => (Vec::new(), Vec::new()),
                },
            )
        },
    );
    let (engagements, engagement_problems) = match get(Table::Engagements) {
        Some((s, m)) => rules::engagements(s, m, config, &partners, &index, as_of),
        None => (Vec::new(), Vec::new()),
    };
    let (assessments, skill_problems) = skills;
    let (certifications, cert_problems) = certs;
    let (mut installs, install_regions, install_problems) = installs;
    let (mut targets, target_problems) = targets;

    // Regions: every region a valid row names, interned in sorted order; each table's
    // local numbers replaced by those ids.
    let regions: Vec<String> = partner_regions
        .names
        .iter()
        .chain(&install_regions)
        .chain(&target_regions.names)
        .map(String::as_str)
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(str::to_string)
        .collect();
    let remap = |names: &[String]| -> Vec<RegionId> {
        names
            .iter()
            .map(|name| {
                regions
                    .binary_search_by(|r| r.as_str().cmp(name))
                    .expect("interned") as RegionId
            })
            .collect()
    };
    let (to_partner, to_target) = (remap(&partner_regions.names), remap(&target_regions.names));
    partners
        .iter_mut()
        .for_each(|p| p.region = to_partner[p.region as usize]);
    targets
        .iter_mut()
        .for_each(|t| t.region = to_target[t.region as usize]);
    remap_regions(
        &mut installs,
        &remap(&install_regions),
        regions.len(),
        config.vendors.len(),
    );

    let dataset = Dataset {
        partners,
        assessments,
        certifications,
        installs,
        targets,
        engagements,
        regions,
    };
    rejected.extend(skill_problems);
    rejected.extend(cert_problems);
    rejected.extend(install_problems);
    rejected.extend(target_problems);
    rejected.extend(engagement_problems);
    rejected.sort_by_key(|r| (r.table, r.line));
    Ok((dataset, rejected, warnings, rejected_partner_ids))
}
