//! The CSV exports of SPEC §7: fixed column order, sorted rows, one number format, and
//! every data value passed through the spreadsheet formula guard.

use std::path::Path;

use anyhow::Context;

use super::escape::csv_text;
use crate::config::Config;
use crate::coverage::Coverage;
use crate::ingest::{Dataset, RejectedRow};
use crate::pair::Pairing;
use crate::score::{Scores, VendorSet, fmt_tenths, tenths};

fn write_csv(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A component (0..=1) as a one-decimal percentage.
fn pct(x: f64) -> String {
    fmt_tenths(tenths(100.0 * x))
}

/// `partner_scores.csv`: one row per valid partner, sorted by partner_id.
pub fn partner_scores(
    path: &Path,
    d: &Dataset,
    config: &Config,
    scores: &Scores,
) -> anyhow::Result<()> {
    let rows = d.partners.iter().zip(&scores.partners).map(|(p, s)| {
        let n = &s.now;
        vec![
            csv_text(&p.id).into_owned(),
            csv_text(&p.name).into_owned(),
            csv_text(&d.regions[p.region as usize]).into_owned(),
            config.tracks[p.track as usize].id.clone(),
            p.status.as_str().to_string(),
            pct(n.skill),
            pct(n.certification),
            pct(n.experience),
            fmt_tenths(n.tenths),
            config.scoring.bands[n.band].name.clone(),
            vendor_list(config, n.qualified),
        ]
    });
    write_csv(
        path,
        &[
            "partner_id",
            "name",
            "region",
            "track",
            "status",
            "skill_score",
            "certification_score",
            "experience_score",
            "score",
            "band",
            "qualified_vendors",
        ],
        rows,
    )
}

/// `rejected.csv`: every problem, sorted by table and line.
pub fn rejected(path: &Path, rejected: &[RejectedRow]) -> anyhow::Result<()> {
    let rows = rejected.iter().map(|r| {
        vec![
            r.table.as_str().to_string(),
            r.line.to_string(),
            r.column.to_string(),
            csv_text(&r.value).into_owned(),
            r.reason.clone(),
            r.action.as_str().to_string(),
        ]
    });
    write_csv(
        path,
        &["table", "line", "column", "value", "reason", "action"],
        rows,
    )
}

/// Vendor ids `;`-joined, sorted.
fn vendor_list(config: &Config, set: VendorSet) -> String {
    set.iter()
        .map(|v| config.vendors[v as usize].id.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// `pairs.csv`: the selected pairs, by region, left and right partner id.
pub fn pairs(path: &Path, d: &Dataset, config: &Config, pairing: &Pairing) -> anyhow::Result<()> {
    let rows = pairing.regions.iter().flat_map(|rp| {
        rp.pairs.iter().map(move |p| {
            vec![
                csv_text(&d.regions[rp.region as usize]).into_owned(),
                csv_text(&d.partners[p.left as usize].id).into_owned(),
                csv_text(&d.partners[p.right as usize].id).into_owned(),
                fmt_tenths(i64::from(p.score.weight)),
                vendor_list(config, p.score.qualified),
            ]
        })
    });
    write_csv(
        path,
        &[
            "region",
            "left_partner_id",
            "right_partner_id",
            "pair_score",
            "qualified_vendors",
        ],
        rows,
    )
}

/// `coverage.csv`: per region, the vendors with installs there.
pub fn coverage(
    path: &Path,
    d: &Dataset,
    config: &Config,
    coverage: &Coverage,
) -> anyhow::Result<()> {
    let rows = coverage.regions.iter().flat_map(|rc| {
        rc.vendors.iter().map(move |v| {
            vec![
                csv_text(&d.regions[rc.region as usize]).into_owned(),
                config.vendors[v.vendor as usize].id.clone(),
                v.installs.to_string(),
                v.seats.to_string(),
                v.covered.to_string(),
            ]
        })
    });
    write_csv(
        path,
        &["region", "vendor", "installs", "seats", "covered"],
        rows,
    )
}

/// `gaps.csv`: per region, every gap in report order.
pub fn gaps(path: &Path, d: &Dataset, coverage: &Coverage) -> anyhow::Result<()> {
    let rows = coverage.regions.iter().flat_map(|rc| {
        rc.gaps.iter().map(move |g| {
            vec![
                csv_text(&d.regions[rc.region as usize]).into_owned(),
                g.kind.as_str().to_string(),
                csv_text(&g.subject).into_owned(),
                csv_text(&g.detail).into_owned(),
                g.severity.as_str().to_string(),
            ]
        })
    });
    write_csv(
        path,
        &["region", "kind", "subject", "detail", "severity"],
        rows,
    )
}
