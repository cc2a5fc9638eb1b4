//! The export tables (docs/outputs.md, "The exports") — fixed column order, sorted rows, one number format —
//! built once as [`Export`]s and written as CSV (every text value through the spreadsheet
//! formula guard) and, with `--formats parquet`, as typed Parquet for BI tools.

use std::borrow::Cow;
use std::path::Path;

use anyhow::Context;
use polars_core::prelude::{Column, DataFrame, PlSmallStr};
use polars_io::prelude::ParquetWriter;

use super::escape::csv_text;
use super::model::ChangeList;
use super::output::start_writeback;
use crate::config::Config;
use crate::coverage::{Coverage, Unit};
use crate::format::{fmt_component as pct, fmt_tenths, vendor_ids};
use crate::ingest::{Dataset, RejectedRow};
use crate::pair::Pairing;
use crate::pipeline::{Run, Scope};
use crate::plan::Plan;
use crate::score::Scores;

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

/// One export table: its file stem, typed columns and rows of unescaped values (borrowed
/// from the run where they are its text as is).
#[derive(Debug, Clone, PartialEq)]
pub struct Export<'a> {
    /// File stem (`partner_scores`, ...).
    pub name: &'static str,
    /// Column names and types.
    pub columns: Vec<(&'static str, Kind)>,
    /// Rows, values formatted but not escaped.
    pub rows: Vec<Vec<Cow<'a, str>>>,
}

/// Builds the seven export tables and writes them into `dir` as CSV and/or Parquet, the
/// tables in parallel (each is independent of the others; the files' bytes do not depend
/// on the order they are written in).
pub fn write_all<'r>(
    run: &'r Run,
    changed: &'r ChangeList,
    dir: &Path,
    csv: bool,
    parquet: bool,
) -> anyhow::Result<()> {
    if !csv && !parquet {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (scope, d, c) = (&run.scope, run.dataset(), &run.config);
    let builders: [&(dyn Fn() -> Export<'r> + Sync); 7] = [
        &|| partner_scores(scope, d, c, &run.scores),
        &|| pairs(scope, d, c, &run.pairing),
        &|| coverage(scope, d, c, &run.coverage),
        &|| gaps(scope, d, c, &run.coverage),
        &|| implementations(scope, d, c, &run.coverage, &run.plan),
        &|| rejected(&run.ingested.rejected),
        &|| changes(changed),
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

impl Export<'_> {
    /// Writes `DIR/<name>.csv`.
    pub fn write_csv(&self, dir: &Path) -> anyhow::Result<()> {
        let path = dir.join(format!("{}.csv", self.name));
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        w.write_record(self.columns.iter().map(|c| c.0))?;
        for row in &self.rows {
            for (v, (_, kind)) in row.iter().zip(&self.columns) {
                match kind {
                    Kind::Text => w.write_field(csv_text(v).as_bytes())?,
                    _ => w.write_field(v.as_bytes())?,
                }
            }
            w.write_record(None::<&[u8]>)?;
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        if let Ok(file) = w.into_inner() {
            start_writeback(file.get_ref());
        }
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
                let cells = self.rows.iter().map(|r| r[i].as_ref());
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
        if let Err(e) = ParquetWriter::new(&file).finish(&mut df) {
            anyhow::bail!("cannot write {}: {e}", path.display());
        }
        start_writeback(&file);
        Ok(())
    }
}

/// A value of the run, borrowed.
fn b(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

/// `true` / `false`.
fn bool_text(v: bool) -> &'static str {
    if v { "true" } else { "false" }
}

/// `partner_scores`: one row per valid partner of the run's regions, by partner_id.
pub fn partner_scores<'a>(
    scope: &Scope,
    d: &'a Dataset,
    config: &'a Config,
    scores: &Scores,
) -> Export<'a> {
    use Kind::*;
    let rows = d
        .partners
        .iter()
        .zip(&scores.partners)
        .filter(|(p, _)| scope.contains(p.region))
        .map(|(p, s)| {
            let n = &s.now;
            vec![
                b(&p.id),
                b(&p.name),
                b(&d.regions[p.region as usize]),
                b(&config.tracks[p.track as usize].id),
                b(p.status.as_str()),
                pct(n.skill).into(),
                pct(n.certification).into(),
                pct(n.experience).into(),
                fmt_tenths(n.tenths).into(),
                b(&config.scoring.bands[n.band].name),
                vendor_ids(config, n.qualified).into(),
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
pub fn implementations<'a>(
    scope: &Scope,
    d: &'a Dataset,
    config: &'a Config,
    coverage: &'a Coverage,
    plan: &'a Plan,
) -> Export<'a> {
    use Kind::*;
    let rows = plan
        .regions
        .iter()
        .zip(&coverage.regions)
        .filter(|(p, _)| scope.contains(p.region))
        .flat_map(|(p, rc)| {
            p.implementations.iter().map(move |i| {
                vec![
                    b(&d.regions[p.region as usize]),
                    unit_id(d, rc.units[i.unit as usize].0).into(),
                    b(&i.install_id),
                    b(&i.customer),
                    b(&config.vendors[i.vendor as usize].id),
                    i.seats.to_string().into(),
                    b(bool_text(i.serviced_by.is_some())),
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
pub fn rejected(rejected: &[RejectedRow]) -> Export<'_> {
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
                    b(r.table.as_str()),
                    r.line.to_string().into(),
                    b(r.column),
                    b(&r.value),
                    b(&r.reason),
                    b(r.action.as_str()),
                ]
            })
            .collect(),
    }
}

/// `changes`: every change since the previous run with its cause, in the order the
/// pages show the first of each kind (docs/outputs.md, "Changes since the last run");
/// header only without a previous run.
pub fn changes(list: &ChangeList) -> Export<'_> {
    Export {
        name: "changes",
        columns: ["region", "kind", "subject", "before", "after", "cause"]
            .into_iter()
            .map(|c| (c, Kind::Text))
            .collect(),
        rows: list
            .changes
            .iter()
            .map(|c| {
                vec![
                    b(&c.region),
                    b(c.kind.as_str()),
                    b(&c.subject),
                    b(&c.before),
                    b(&c.after),
                    b(&c.cause),
                ]
            })
            .collect(),
    }
}

/// `pairs`: the delivery-unit pairs (engagements in effect and recommendations), by region, left and right partner id.
pub fn pairs<'a>(
    scope: &Scope,
    d: &'a Dataset,
    config: &Config,
    pairing: &'a Pairing,
) -> Export<'a> {
    use Kind::*;
    let rows = pairing
        .regions
        .iter()
        .filter(|rp| scope.contains(rp.region))
        .flat_map(|rp| {
            rp.pairs.iter().map(move |p| {
                vec![
                    b(&d.regions[rp.region as usize]),
                    b(&d.partners[p.left as usize].id),
                    b(&d.partners[p.right as usize].id),
                    fmt_tenths(i64::from(p.score.weight)).into(),
                    vendor_ids(config, p.score.qualified).into(),
                    b(p.origin.as_str()),
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
pub fn coverage<'a>(
    scope: &Scope,
    d: &'a Dataset,
    config: &'a Config,
    coverage: &'a Coverage,
) -> Export<'a> {
    use Kind::*;
    let rows = coverage
        .regions
        .iter()
        .filter(|rc| scope.contains(rc.region))
        .flat_map(|rc| {
            rc.vendors.iter().map(move |v| {
                vec![
                    b(&d.regions[rc.region as usize]),
                    b(&config.vendors[v.vendor as usize].id),
                    v.installs.to_string().into(),
                    v.seats.to_string().into(),
                    b(bool_text(v.covered)),
                    b(bool_text(v.covered_now)),
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
pub fn gaps<'a>(
    scope: &Scope,
    d: &'a Dataset,
    config: &'a Config,
    coverage: &'a Coverage,
) -> Export<'a> {
    use Kind::*;
    let rows = coverage
        .regions
        .iter()
        .filter(|rc| scope.contains(rc.region))
        .flat_map(|rc| {
            rc.gaps.iter().map(move |g| {
                vec![
                    b(&d.regions[rc.region as usize]),
                    b(g.kind().as_str()),
                    b(&g.subject),
                    crate::format::gap_detail(d, config, g).into(),
                    b(g.severity.as_str()),
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
