/*!
`install_id` and `customer` of the installs a plan names, read again from the installs
file when the plan is made.

A plan of first customer implementations (docs/implementations.md) names a few thousand
installs of a table that may hold millions; which ones is known only after pairing, and
pairing needs every install counted first. So ingestion keeps each install's numbers and
where its record is ([`super::PlanInstall::at`]), not its text, and keeps the file's map
open: [`InstallText::fetch`] reads the named records from the same bytes the run checked —
never from a file that was replaced in the meantime. The map's pages are handed back to the
system once ingestion is done, so that holding it costs no memory; the few records a plan
names are paged in again.
*/

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::rules::installs::{CUSTOMER, ID};
use super::source::{Contents, Format, rows_at};

/// The installs file, to read the text of some of its records again.
#[derive(Clone, Default)]
pub struct InstallText(Option<Arc<TextSource>>);

struct TextSource {
    contents: Arc<Contents>,
    path: PathBuf,
    format: Format,
    /// The file's column of `install_id` and of `customer`.
    columns: [usize; 2],
}

impl InstallText {
    pub(crate) fn new(
        contents: Arc<Contents>,
        path: PathBuf,
        format: Format,
        map: &super::rules::ColumnMap,
    ) -> Self {
        let column = |k: usize| {
            map.file_column(k)
                .expect("install_id and customer are required")
        };
        InstallText(Some(Arc::new(TextSource {
            contents,
            path,
            format,
            columns: [column(ID), column(CUSTOMER)],
        })))
    }

    /// Lets the system drop the file's pages from this process's memory (they are read
    /// back, from the page cache or the file, when a record is fetched).
    pub(crate) fn release_pages(&self) {
        if let Some(t) = &self.0 {
            t.contents.release_pages();
        }
    }

    /// `(install_id, customer)` of the install at each of `ats` (as
    /// [`super::PlanInstall::at`] gives them); empty strings when the dataset was not read
    /// from a file.
    pub fn fetch(&self, ats: &[u64]) -> Vec<(String, String)> {
        let mut out = vec![(String::new(), String::new()); ats.len()];
        let Some(t) = &self.0 else {
            return out;
        };
        let read = |ats: &[u64], out: &mut [(String, String)]| {
            rows_at(&t.path, t.format, &t.contents, ats, |i, row| {
                let text = |c: usize| {
                    row.get(c)
                        .as_text()
                        .ok()
                        .flatten()
                        .map(|s| s.into_owned())
                        .unwrap_or_default()
                };
                out[i] = (text(t.columns[0]), text(t.columns[1]));
            });
        };
        if t.format != Format::Csv {
            read(ats, &mut out);
            return out;
        }
        // CSV records are read where they are, a window of the file at a time, each
        // window's pages handed back before the next: a plan's installs are spread over
        // the whole file, which would otherwise be paged in whole again.
        const WINDOW: u64 = 4 << 20;
        let mut order: Vec<usize> = (0..ats.len()).collect();
        order.sort_unstable_by_key(|&i| ats[i]);
        let groups: Vec<&[usize]> = order
            .chunk_by(|&a, &b| ats[a] / WINDOW == ats[b] / WINDOW)
            .collect();
        let read: Vec<Vec<(String, String)>> = groups
            .par_iter()
            .map(|group| {
                let at: Vec<u64> = group.iter().map(|&i| ats[i]).collect();
                let mut got = vec![(String::new(), String::new()); group.len()];
                read(&at, &mut got);
                let window = at[0] / WINDOW * WINDOW;
                // The last record may run past the window's end: one window more is
                // released.
                t.contents
                    .release_range(window as usize, 2 * WINDOW as usize);
                got
            })
            .collect();
        for (group, got) in groups.into_iter().zip(read) {
            for (&i, text) in group.iter().zip(got) {
                out[i] = text;
            }
        }
        out
    }
}

impl fmt::Debug for InstallText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(t) => write!(f, "InstallText({})", t.path.display()),
            None => write!(f, "InstallText(none)"),
        }
    }
}

/// A handle, not data: two datasets are equal whatever files they were read from.
impl PartialEq for InstallText {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
