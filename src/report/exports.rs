//! The export tables (docs/outputs.md, "The exports") — fixed column order, sorted rows, one number format —
//! built once as [`Export`]s and written as CSV (every text value through the spreadsheet
//! formula guard) and, with `--formats parquet`, as typed Parquet for BI tools.

use std::path::Path;

use anyhow::Context;
use polars::prelude::{Column, DataFrame, ParquetWriter, PlSmallStr};

use super::escape::csv_text;
use crate::config::Config;
use crate::coverage::{Coverage, Unit};
use crate::format::{fmt_component as pct, fmt_tenths};
use crate::ingest::{Dataset, RejectedRow};
use crate::pair::Pairing;
use crate::pipeline::{Run, Scope};
use crate::plan::Plan;
use crate::score::{Scores, VendorSet};

/// The type of an export column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text; may come from the data (guarded in CSV).
    Text,
    /// An integer.
    Int,
    /// A one-decimal number.
    Decimal,
    /// `true` / `false`.
    Bool,
}

/// One export table: its file stem, typed columns and rows of unescaped values.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// File stem (`partner_scores`, ...).
    pub name: &'static str,
    /// Column names and types.
    pub columns: Vec<(&'static str, Kind)>,
    /// Rows, values formatted but not escaped.
    pub rows: Vec<Vec<String>>,
}

/// Builds the six export tables and writes them into `dir` as CSV and/or Parquet, the
/// tables in parallel (each is independent of the others; the files' bytes do not depend
/// on the order they are written in).
pub fn write_all(run: &Run, dir: &Path, csv: bool, parquet: bool) -> anyhow::Result<()> {
    if !csv && !parquet {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (scope, d, c) = (&run.scope, run.dataset(), &run.config);
    let builders: [&(dyn Fn() -> Export + Sync); 6] = [
        &|| partner_scores(scope, d, c, &run.scores),
        &|| pairs(scope, d, c, &run.pairing),
        &|| coverage(scope, d, c, &run.coverage),
        &|| gaps(scope, d, c, &run.coverage),
        &|| implementations(scope, d, c, &run.coverage, &run.plan),
        &|| rejected(&run.ingested.rejected),
    ];
    use rayon::prelude::*;
    builders.par_iter().try_for_each(|build| {
        let export = build();
        if csv {
            export.write_csv(dir)?;
        }
        if parquet {
            export.write_parquet(dir)?;
        }
        anyhow::Ok(())
    })
}

impl Export {
    /// Writes `DIR/<name>.csv`.
    pub fn write_csv(&self, dir: &Path) -> anyhow::Result<()> {
        let path = dir.join(format!("{}.csv", self.name));
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        w.write_record(self.columns.iter().map(|c| c.0))?;
        for row in &self.rows {
            w.write_record(
                row.iter()
                    .zip(&self.columns)
                    .map(|(v, (_, kind))| match kind {
                        Kind::Text => csv_text(v).into_owned(),
                        _ => v.clone(),
                    }),
            )?;
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }

    /// Writes `DIR/<name>.parquet` with typed columns (text unguarded: Parquet is not
    /// opened by spreadsheets as text).
    pub fn write_parquet(&self, dir: &Path) -> anyhow::Result<()> {
        let path = dir.join(format!("{}.parquet", self.name));
        let columns = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (name, kind))| {
                let cells = self.rows.iter().map(|r| r[i].as_str());
                let name: PlSmallStr = (*name).into();
                match kind {
                    Kind::Text => Column::new(name, cells.collect::<Vec<&str>>()),
                    Kind::Int => Column::new(
                        name,
                        cells.map(|c| c.parse::<i64>().ok()).collect::<Vec<_>>(),
                    ),
                    Kind::Decimal => Column::new(
                        name,
                        cells.map(|c| c.parse::<f64>().ok()).collect::<Vec<_>>(),
                    ),
                    Kind::Bool => {
                        Column::new(name, cells.map(|c| c == "true").collect::<Vec<bool>>())
                    }
                }
            })
            .collect();
        let mut df = DataFrame::new(self.rows.len(), columns)?;
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        if let Err(e) = ParquetWriter::new(file).finish(&mut df) {
            anyhow::bail!("cannot write {}: {e}", path.display());
        }
        Ok(())
    }
}

/// Vendor ids `;`-joined, sorted.
fn vendor_list(config: &Config, set: VendorSet) -> String {
    set.iter()
        .map(|v| config.vendors[v as usize].id.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// `partner_scores`: one row per valid partner of the run's regions, by partner_id.
pub fn partner_scores(scope: &Scope, d: &Dataset, config: &Config, scores: &Scores) -> Export {
    use Kind::*;
    let rows = d
        .partners
        .iter()
        .zip(&scores.partners)
        .filter(|(p, _)| scope.contains(p.region))
        .map(|(p, s)| {
            let n = &s.now;
            vec![
                p.id.clone(),
                p.name.clone(),
                d.regions[p.region as usize].clone(),
                config.tracks[p.track as usize].id.clone(),
                p.status.as_str().to_string(),
                pct(n.skill),
                pct(n.certification),
                pct(n.experience),
                fmt_tenths(n.tenths),
                config.scoring.bands[n.band].name.clone(),
                vendor_list(config, n.qualified),
            ]
        })
        .collect();
    Export {
        name: "partner_scores",
        columns: vec![
            ("partner_id", Text),
            ("name", Text),
            ("region", Text),
            ("track", Text),
            ("status", Text),
            ("skill_score", Decimal),
            ("certification_score", Decimal),
            ("experience_score", Decimal),
            ("score", Decimal),
            ("band", Text),
            ("qualified_vendors", Text),
        ],
        rows,
    }
}

/// A unit as the exports name it: `left+right` or the standalone partner's id.
pub fn unit_id(d: &Dataset, u: Unit) -> String {
    match u {
        Unit::Pair(a, b) => format!(
            "{}+{}",
            d.partners[a as usize].id, d.partners[b as usize].id
        ),
        Unit::Alone(p) => d.partners[p as usize].id.clone(),
    }
}

/// `implementations`: the planned first customer implementations, by region, then unit
/// (as the region's units are ordered: pairs by left and right id, then standalone
/// partners), then relationships first, seats (descending) and file order.
pub fn implementations(
    scope: &Scope,
    d: &Dataset,
    config: &Config,
    coverage: &Coverage,
    plan: &Plan,
) -> Export {
    use Kind::*;
    let rows = plan
        .regions
        .iter()
        .zip(&coverage.regions)
        .filter(|(p, _)| scope.contains(p.region))
        .flat_map(|(p, rc)| {
            p.implementations.iter().map(move |i| {
                vec![
                    d.regions[p.region as usize].clone(),
                    unit_id(d, rc.units[i.unit as usize].0),
                    i.install_id.clone(),
                    i.customer.clone(),
                    config.vendors[i.vendor as usize].id.clone(),
                    i.seats.to_string(),
                    i.serviced_by.is_some().to_string(),
                ]
            })
        })
        .collect();
    Export {
        name: "implementations",
        columns: vec![
            ("region", Text),
            ("unit", Text),
            ("install_id", Text),
            ("customer", Text),
            ("vendor", Text),
            ("seats", Int),
            ("relationship", Bool),
        ],
        rows,
    }
}

/// `rejected`: every problem, by table and line.
pub fn rejected(rejected: &[RejectedRow]) -> Export {
    use Kind::*;
    Export {
        name: "rejected",
        columns: vec![
            ("table", Text),
            ("line", Int),
            ("column", Text),
            ("value", Text),
            ("reason", Text),
            ("action", Text),
        ],
        rows: rejected
            .iter()
            .map(|r| {
                vec![
                    r.table.as_str().to_string(),
                    r.line.to_string(),
                    r.column.to_string(),
                    r.value.clone(),
                    r.reason.clone(),
                    r.action.as_str().to_string(),
                ]
            })
            .collect(),
    }
}

/// `pairs`: the delivery-unit pairs (engagements in effect and recommendations), by region, left and right partner id.
pub fn pairs(scope: &Scope, d: &Dataset, config: &Config, pairing: &Pairing) -> Export {
    use Kind::*;
    let rows = pairing
        .regions
        .iter()
        .filter(|rp| scope.contains(rp.region))
        .flat_map(|rp| {
            rp.pairs.iter().map(move |p| {
                vec![
                    d.regions[rp.region as usize].clone(),
                    d.partners[p.left as usize].id.clone(),
                    d.partners[p.right as usize].id.clone(),
                    fmt_tenths(i64::from(p.score.weight)),
                    vendor_list(config, p.score.qualified),
                    p.origin.as_str().to_string(),
                ]
            })
        })
        .collect();
    Export {
        name: "pairs",
        columns: vec![
            ("region", Text),
            ("left_partner_id", Text),
            ("right_partner_id", Text),
            ("pair_score", Decimal),
            ("qualified_vendors", Text),
            ("origin", Text),
        ],
        rows,
    }
}

/// `coverage`: per region, the vendors with installs there.
pub fn coverage(scope: &Scope, d: &Dataset, config: &Config, coverage: &Coverage) -> Export {
    use Kind::*;
    let rows = coverage
        .regions
        .iter()
        .filter(|rc| scope.contains(rc.region))
        .flat_map(|rc| {
            rc.vendors.iter().map(move |v| {
                vec![
                    d.regions[rc.region as usize].clone(),
                    config.vendors[v.vendor as usize].id.clone(),
                    v.installs.to_string(),
                    v.seats.to_string(),
                    v.covered.to_string(),
                    v.covered_now.to_string(),
                ]
            })
        })
        .collect();
    Export {
        name: "coverage",
        columns: vec![
            ("region", Text),
            ("vendor", Text),
            ("installs", Int),
            ("seats", Int),
            ("covered", Bool),
            ("covered_now", Bool),
        ],
        rows,
    }
}

/// `gaps`: per region, every gap in report order.
pub fn gaps(scope: &Scope, d: &Dataset, config: &Config, coverage: &Coverage) -> Export {
    use Kind::*;
    let rows = coverage
        .regions
        .iter()
        .filter(|rc| scope.contains(rc.region))
        .flat_map(|rc| {
            rc.gaps.iter().map(move |g| {
                vec![
                    d.regions[rc.region as usize].clone(),
                    g.kind().as_str().to_string(),
                    g.subject.clone(),
                    crate::format::gap_detail(d, config, g),
                    g.severity.as_str().to_string(),
                ]
            })
        })
        .collect();
    Export {
        name: "gaps",
        columns: vec![
            ("region", Text),
            ("kind", Text),
            ("subject", Text),
            ("detail", Text),
            ("severity", Text),
        ],
        rows,
    }
}
