/*!
One report's computation as one call. After the dataset is ingested (and, for `report`,
checked under `--strict` and the output folder locked), [`run`] takes the [`Inputs`] and
runs the computing stages — score, pair, coverage, plan — returning one [`Run`] that holds every
stage's output. The report stage takes that `Run` whole, as mdBook's renderers take one
`RenderContext`; the `report` command and the benchmark both call [`run`], so the stages
are spelled out once.

A [`Watch`] is told when each stage starts and ends: the command prints progress and
`-v` timings through it, the benchmark records its laps.
*/

use anyhow::{Context, bail};
use chrono::NaiveDate;

use crate::config::Config;
use crate::coverage::{self, Coverage};
use crate::ingest::{Dataset, Ingested, RegionId};
use crate::pair::{self, Pairing};
use crate::plan::{self, Plan};
use crate::report::history::History;
use crate::score::{self, Scores};

/// The regions a run reports on (`--region`): every region of the data, or the ones named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// By region id: in the run or not.
    regions: Vec<bool>,
}

impl Scope {
    /// Every region of `d`.
    pub fn all(d: &Dataset) -> Scope {
        Scope {
            regions: vec![true; d.regions.len()],
        }
    }

    /// The regions named (every region when none is), each of which must exist.
    pub fn named(d: &Dataset, names: &[String]) -> anyhow::Result<Scope> {
        let mut regions = vec![names.is_empty(); d.regions.len()];
        for name in names {
            match d.region_id(name) {
                Some(r) => regions[r as usize] = true,
                None => bail!(
                    "--region: no region `{name}` in the data (regions: {})",
                    d.regions.join(", ")
                ),
            }
        }
        Ok(Scope { regions })
    }

    /// Region `r` alone.
    pub fn only(d: &Dataset, r: RegionId) -> Scope {
        Scope {
            regions: (0..d.regions.len()).map(|x| x == r as usize).collect(),
        }
    }

    /// Whether region `r` is in the run.
    pub fn contains(&self, r: RegionId) -> bool {
        self.regions[r as usize]
    }
}

/// Where a run's history comes from: read already, or to be read from the output folder
/// by [`run`], beside the scoring.
pub enum HistorySource {
    /// Read by the caller.
    Read(History),
    /// `OUT/history/` of this output folder, read for the run's as-of date.
    Folder(std::path::PathBuf),
}

impl HistorySource {
    fn load(self, as_of: NaiveDate) -> History {
        match self {
            HistorySource::Read(h) => h,
            HistorySource::Folder(out) => History::load(&out, as_of),
        }
    }
}

/// What a run computes from.
pub struct Inputs {
    /// The ingested dataset, with its problems and input files.
    pub ingested: Ingested,
    /// The validated config.
    pub config: Config,
    /// The config file's SHA-256 (provenance).
    pub config_sha256: String,
    /// The as-of date D.
    pub as_of: NaiveDate,
    /// The regions reported on.
    pub scope: Scope,
    /// The runs before this one, from the output folder.
    pub history: HistorySource,
}

/// Every stage's output of one run: what the report stage renders.
pub struct Run {
    /// The ingested dataset, with its problems and input files.
    pub ingested: Ingested,
    /// The validated config.
    pub config: Config,
    /// The config file's SHA-256.
    pub config_sha256: String,
    /// The as-of date D.
    pub as_of: NaiveDate,
    /// The regions reported on.
    pub scope: Scope,
    /// The runs before this one.
    pub history: History,
    /// Partner scores, at D and at the cliff dates.
    pub scores: Scores,
    /// The pairing of every region.
    pub pairing: Pairing,
    /// Coverage, gaps, targets and recruit-next of every region.
    pub coverage: Coverage,
    /// First customer implementations of every region.
    pub plan: Plan,
}

impl Run {
    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.ingested.dataset
    }
}

/// Told when each stage starts and ends.
pub trait Watch {
    /// `stage` starts.
    fn start(&mut self, stage: &'static str);
    /// `stage` ended.
    fn done(&mut self, stage: &'static str);
}

/// Watches nothing.
impl Watch for () {
    fn start(&mut self, _: &'static str) {}
    fn done(&mut self, _: &'static str) {}
}

/// Runs `stage` between its watch calls.
pub fn stage<T>(watch: &mut dyn Watch, name: &'static str, f: impl FnOnce() -> T) -> T {
    watch.start(name);
    let out = f();
    watch.done(name);
    out
}

/// Scores, pairs and measures coverage: the computing stages, in order.
pub fn run(inputs: Inputs, watch: &mut dyn Watch) -> anyhow::Result<Run> {
    let Inputs {
        mut ingested,
        config,
        config_sha256,
        as_of,
        scope,
        history,
    } = inputs;
    let d = &ingested.dataset;
    // The history is read beside the scoring (polars works on its own threads).
    let (scores, history) = stage(watch, "score", || {
        rayon::join(|| score::score(d, &config, as_of), || history.load(as_of))
    });
    let scores = scores.context("scoring failed")?;
    let pairing = stage(watch, "pair", || {
        pair::pair(d, &config, &scores, &previous_pairs(d, &config, &history))
    });
    let coverage = stage(watch, "coverage", || {
        coverage::coverage(d, &config, &scores, &pairing)
    });
    let plan = stage(watch, "plan", || {
        plan::plan(d, &config, &pairing, &coverage)
    });
    // The installs as the plan weighs them (tens of MB on a large dataset) have served:
    // freed before the report is built.
    ingested.dataset.installs.plan = Default::default();
    Ok(Run {
        ingested,
        config,
        config_sha256,
        as_of,
        scope,
        history,
        scores,
        pairing,
        coverage,
        plan,
    })
}

/// The previous run's delivery-unit pairs whose partners are still valid, in this run's
/// partner ids: its recommendations are incumbents, its vendors tell an engagement what it
/// lost.
fn previous_pairs(d: &Dataset, config: &Config, history: &History) -> pair::Previous {
    let Some(snapshot) = history.previous() else {
        return pair::Previous::default();
    };
    let units = snapshot.detail.delivery_units();
    if units.is_empty() {
        return pair::Previous::default();
    }
    // One hash lookup per id: a binary search over the partners' ids would chase a
    // pointer to a different string at every step.
    let ids: rustc_hash::FxHashMap<&str, crate::ingest::PartnerId> = d
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as crate::ingest::PartnerId))
        .collect();
    let mut pairs: Vec<pair::PreviousPair> = units
        .iter()
        .filter_map(|u| {
            let mut vendors = crate::score::VendorSet::default();
            for v in u.vendors.split(';') {
                if let Some(v) = config.vendor_id(v) {
                    vendors.insert(v);
                }
            }
            Some(pair::PreviousPair {
                left: *ids.get(u.left.as_str())?,
                right: *ids.get(u.right.as_str())?,
                recommended: u.origin.is_recommended(),
                vendors,
            })
        })
        .collect();
    pairs.sort_by_key(|p| (p.left, p.right));
    pairs.dedup_by_key(|p| (p.left, p.right));
    pair::Previous { pairs }
}

/// The process's CPU time so far (user and system, every thread), where the system tells
/// it (Linux, in clock ticks of 10 ms).
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces):
    // state is field 3, utime 14 and stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

/// The process's peak resident memory so far in MB, where the system tells it (Linux).
pub fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}
