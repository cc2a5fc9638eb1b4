/*!
The run history under `OUT/history/`: what a run reads of the runs before it.

Each run stores its KPIs in `<as-of>.json` (read by every later run, for the trend) and its
detail — partners' bands, pairs, covered vendors — in `<as-of>.detail.json` (read only by
the next run, for its diff), written by [`super::render::snapshot_files`] and put in place
with the run folder (see [`super::output`]). A snapshot file that carries its detail inline
(the first format) is read too.

The *previous run* is the snapshot file with the greatest as-of date before this run's.
When it cannot be read — its KPIs or its detail damaged, missing or of another schema —
it is named in a warning and in the report, and nothing is compared with it: no deltas,
no diff. An unreadable previous run is never shown as "everything changed", and the run
before it is not silently taken in its place ("since the last run" would be untrue).
*/

use std::path::Path;

use chrono::NaiveDate;

use super::model::{SCHEMA_VERSION, Snapshot, SnapshotDetail};

/// What a run knows of the runs before it.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Every readable snapshot, sorted by date (the trend); the previous run's carries its
    /// detail.
    pub snapshots: Vec<Snapshot>,
    /// Index into `snapshots` of the previous run, when it could be read whole.
    previous: Option<usize>,
    /// The previous run, when it could not be read: its date and why.
    pub unreadable_previous: Option<(NaiveDate, String)>,
    /// One line per snapshot that could not be read.
    pub warnings: Vec<String>,
}

impl History {
    /// The previous run's snapshot, detail included, when it could be read whole.
    pub fn previous(&self) -> Option<&Snapshot> {
        self.previous.map(|i| &self.snapshots[i])
    }

    /// Reads `OUT/history/` for a run on `as_of`: every snapshot's KPIs, and the detail of
    /// the previous run only (so a long history costs a few KPIs per run).
    pub fn load(out: &Path, as_of: NaiveDate) -> History {
        let mut h = History::default();
        let dir = out.join("history");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return h;
        };
        // `<date>.json`, by date.
        let mut files: Vec<(NaiveDate, String)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                let date = crate::config::parse_date(name.strip_suffix(".json")?)?;
                Some((date, name))
            })
            .collect();
        files.sort();
        let previous_date = files.iter().rev().map(|f| f.0).find(|d| *d < as_of);
        for (date, name) in files {
            let is_previous = Some(date) == previous_date;
            let snapshot = read_json::<Snapshot>(&dir.join(&name)).and_then(|s| {
                if s.schema_version == SCHEMA_VERSION {
                    Ok(s)
                } else {
                    Err(format!(
                        "snapshot schema {} is not {SCHEMA_VERSION}",
                        s.schema_version
                    ))
                }
            });
            let snapshot = match snapshot {
                Ok(mut s) if is_previous && s.detail == SnapshotDetail::default() => {
                    let detail = format!("{date}.detail.json");
                    match read_json::<SnapshotDetail>(&dir.join(&detail)) {
                        Ok(d) => {
                            s.detail = d;
                            Ok(s)
                        }
                        Err(why) => {
                            // The KPIs still belong in the trend; nothing is compared.
                            h.snapshots.push(s);
                            h.unreadable(date, format!("history/{detail}: {why}"));
                            continue;
                        }
                    }
                }
                Ok(s) => Ok(s),
                Err(why) => Err(format!("history/{name}: {why}")),
            };
            match snapshot {
                Ok(s) => {
                    if is_previous {
                        h.previous = Some(h.snapshots.len());
                    }
                    h.snapshots.push(s);
                }
                Err(why) if is_previous => h.unreadable(date, why),
                Err(why) => h
                    .warnings
                    .push(format!("{why}; that run is left out of the trend")),
            }
        }
        h
    }

    fn unreadable(&mut self, date: NaiveDate, why: String) {
        self.warnings.push(format!(
            "{why}; the previous run ({date}) cannot be compared with, so no changes since it are shown"
        ));
        self.unreadable_previous = Some((date, why));
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("missing".to_string()),
        Err(e) => return Err(e.to_string()),
    };
    serde_json::from_slice(&text).map_err(|e| format!("unreadable ({e})"))
}
