/*!
The report stage: the only stage that writes files. Exports are written into a staging
folder and moved into `OUT/<as-of>/` when complete (see [`output`]).
*/

pub mod charts;
pub mod escape;
pub mod exports;
pub mod history;
pub mod model;
pub mod notes;
pub mod output;
pub mod render;
pub mod rows;

use std::path::Path;

use crate::pipeline::Run;

/// Which outputs a run writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Formats {
    /// `index.html` and `regions/*.html`.
    pub html: bool,
    /// `report.md` and `regions/*.md`.
    pub md: bool,
    /// `data/*.csv`.
    pub csv: bool,
    /// `summary.json`.
    pub json: bool,
    /// `data/*.parquet`.
    pub parquet: bool,
}

/// Writes a run's files into `dir` (the staging folder): the pages and `summary.json`
/// through [`render`], and beside them, in parallel, the export tables through
/// [`exports::write_all`] — the two are independent.
pub fn write_run(
    templates: &render::Templates,
    run: &Run,
    model: &model::ReportModel,
    dir: &Path,
    formats: Formats,
) -> anyhow::Result<()> {
    let (rendered, exported) = rayon::join(
        || -> anyhow::Result<()> {
            render::pages(templates, model, dir, formats.html, formats.md)?;
            if formats.json {
                render::summary(model, run, &dir.join("summary.json"))?;
            }
            Ok(())
        },
        || {
            exports::write_all(
                run,
                &model.change_list,
                &dir.join("data"),
                formats.csv,
                formats.parquet,
            )
        },
    );
    rendered.and(exported)
}
