//! Counted partners over time (per region and track, cumulative by `joined_on`): the
//! series the trend charts draw and the table of their last months.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::config::Config;
use crate::ingest::Dataset;
use crate::pipeline::Scope;

/// A track's counted partners over time.
#[derive(Debug, Clone, Serialize)]
pub struct TrendSeries {
    /// Track id.
    pub track: String,
    /// One point per month, oldest first.
    pub points: Vec<TrendPoint>,
}

/// Counted partners at a month's end.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Partners counted by the month's end (or the as-of date, in its month).
    pub count: u64,
}

/// The last months of a trend as a table.
#[derive(Debug, Clone, Serialize)]
pub struct TrendTable {
    /// The months, oldest first (`YYYY-MM`).
    pub months: Vec<String>,
    /// One row per track.
    pub rows: Vec<TrendTableRow>,
}

/// A track's counts in a [`TrendTable`], one per month.
#[derive(Debug, Clone, Serialize)]
pub struct TrendTableRow {
    /// Track id.
    pub track: String,
    /// Counted partners, one per month of the table.
    pub counts: Vec<u64>,
}

/// The last `n` months of a trend as a table.
pub(super) fn last_months(trend: &[TrendSeries], n: usize) -> TrendTable {
    let last = |s: &TrendSeries| s.points.len().saturating_sub(n);
    TrendTable {
        months: trend
            .first()
            .map(|s| {
                s.points[last(s)..]
                    .iter()
                    .map(|p| p.month.clone())
                    .collect()
            })
            .unwrap_or_default(),
        rows: trend
            .iter()
            .map(|s| TrendTableRow {
                track: s.track.clone(),
                counts: s.points[last(s)..].iter().map(|p| p.count).collect(),
            })
            .collect(),
    }
}

/// Counted partners per month-end and track (cumulative by `joined_on`), from the first
/// month anyone joined to the as-of month, at most the last 36 months.
pub(super) fn trend<'d>(
    partners: impl Iterator<Item = &'d crate::ingest::Partner> + Clone,
    config: &Config,
    as_of: NaiveDate,
) -> Vec<TrendSeries> {
    let counted = partners.filter(|p| p.status.counts_for_targets());
    let Some(first) = counted.clone().filter_map(|p| p.joined_on).min() else {
        return Vec::new();
    };
    let mut months = Vec::new();
    let (mut y, mut m) = (first.year(), first.month());
    loop {
        let end = NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .map(|d| d.pred_opt().unwrap_or(d))
            .unwrap_or(as_of);
        months.push(end.min(as_of));
        if end >= as_of {
            break;
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let months: Vec<NaiveDate> = months.iter().rev().take(36).rev().copied().collect();
    config
        .tracks
        .iter()
        .enumerate()
        .map(|(ti, t)| {
            let mut joined: Vec<NaiveDate> = counted
                .clone()
                .filter(|p| p.track as usize == ti)
                .filter_map(|p| p.joined_on)
                .collect();
            joined.sort_unstable();
            let points = months
                .iter()
                .map(|m| TrendPoint {
                    month: format!("{:04}-{:02}", m.year(), m.month()),
                    count: joined.partition_point(|j| j <= m) as u64,
                })
                .collect();
            TrendSeries {
                track: t.id.clone(),
                points,
            }
        })
        .collect()
}

/// A track's target level on the summary's trend chart: what the regions' targets of the
/// track due by `month` ask for together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendTarget {
    /// Track id.
    pub track: String,
    /// A month some region's target of the track is due, `YYYY-MM`.
    pub month: String,
    /// The sum over the regions in scope of each one's latest target of the track due by
    /// the end of `month` (two due the same day: the later row).
    pub partners: u64,
}

/// The summary's target levels: per track (targets for all tracks have no line to sit
/// on) and month a target of it is due, the regions' latest targets due by then, summed.
pub(super) fn summed_targets(d: &Dataset, config: &Config, scope: &Scope) -> Vec<TrendTarget> {
    use std::collections::BTreeMap;
    // (track, region) → its targets, by due date and line.
    let mut by: BTreeMap<(u16, u32), Vec<&crate::ingest::Target>> = BTreeMap::new();
    for t in &d.targets {
        if let Some(track) = t.track
            && scope.contains(t.region)
        {
            by.entry((track, t.region)).or_default().push(t);
        }
    }
    for v in by.values_mut() {
        v.sort_by_key(|t| (t.due_on, t.line));
    }
    let month = |day: NaiveDate| format!("{:04}-{:02}", day.year(), day.month());
    let mut out = Vec::new();
    for (track, cfg) in config.tracks.iter().enumerate() {
        let regions: Vec<&Vec<&crate::ingest::Target>> = by
            .iter()
            .filter(|((t, _), _)| usize::from(*t) == track)
            .map(|(_, v)| v)
            .collect();
        let months: std::collections::BTreeSet<String> = regions
            .iter()
            .flat_map(|v| v.iter().map(|t| month(t.due_on)))
            .collect();
        for m in months {
            let partners = regions
                .iter()
                .filter_map(|v| v.iter().rev().find(|t| month(t.due_on) <= m))
                .map(|t| u64::from(t.partners))
                .sum();
            out.push(TrendTarget {
                track: cfg.id.clone(),
                month: m,
                partners,
            });
        }
    }
    out
}
