/*!
Renderers: HTML and Markdown through handlebars templates (compiled in from `templates/`,
each replaceable by a file of the same name in `--templates DIR`, strict mode on), the
`summary.json` export, and the history snapshots under `OUT/history/`.

HTML values are escaped by handlebars' HTML escaping (`{{x}}`); the Markdown registry
escapes with [`super::escape::markdown`] instead. Only two kinds of pre-rendered HTML
reach a template unescaped (`{{{x}}}`): the SVG charts, whose labels `charts.rs` escapes,
and the notes, sanitised by ammonia.
*/

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use handlebars::Handlebars;
use rayon::prelude::*;
use serde::Serialize;

use super::charts;
use super::escape;
use super::history::{Kpis, SCHEMA_VERSION};
use super::model::ReportModel;
use super::output::{start_writeback, write_file};
use super::rows::{Markup, Rows};
use crate::pipeline::Run;

/// The built-in templates: (file name, source).
pub const TEMPLATES: [(&str, &str); 7] = [
    (
        "index.html.hbs",
        include_str!("../../templates/index.html.hbs"),
    ),
    (
        "region.html.hbs",
        include_str!("../../templates/region.html.hbs"),
    ),
    (
        "report.md.hbs",
        include_str!("../../templates/report.md.hbs"),
    ),
    (
        "region.md.hbs",
        include_str!("../../templates/region.md.hbs"),
    ),
    ("style.hbs", include_str!("../../templates/style.hbs")),
    ("sort.hbs", include_str!("../../templates/sort.hbs")),
    ("tiles.hbs", include_str!("../../templates/tiles.hbs")),
];

/// The templates of a run: built-in, with any file of `dir` of the same name instead.
pub struct Templates {
    html: Handlebars<'static>,
    md: Handlebars<'static>,
}

impl Templates {
    /// Whether `dir` (from `--templates`), when given, is a folder: the one check of
    /// [`Templates::load`] that needs no parsing, for a run to make before anything else.
    pub fn check(dir: Option<&Path>) -> anyhow::Result<()> {
        if let Some(d) = dir
            && !d.is_dir()
        {
            bail!("--templates: {} is not a folder", d.display());
        }
        Ok(())
    }

    /// Loads the templates; `dir` (from `--templates`) must exist when given.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Templates> {
        Templates::check(dir)?;
        let mut html = Handlebars::new();
        let mut md = Handlebars::new();
        for h in [&mut html, &mut md] {
            h.set_strict_mode(true);
        }
        html.register_escape_fn(escape::html);
        md.register_escape_fn(escape::markdown);
        for (name, builtin) in TEMPLATES {
            let source = match dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
                Some(p) => std::fs::read_to_string(&p)
                    .with_context(|| format!("cannot read template {}", p.display()))?,
                None => builtin.to_string(),
            };
            let stem = name.trim_end_matches(".hbs");
            let registry = if stem.ends_with(".md") {
                &mut md
            } else {
                &mut html
            };
            let result = if matches!(stem, "style" | "sort" | "tiles") {
                registry.register_partial(stem, source)
            } else {
                registry.register_template_string(stem, source)
            };
            result.with_context(|| format!("invalid template {name}"))?;
        }
        Ok(Templates { html, md })
    }
}

#[derive(Serialize)]
struct Charts {
    history: String,
    coverage: String,
    targets: String,
    scores: String,
    trend: String,
}

/// The summary page's context: the model and, for HTML, its charts.
#[derive(Serialize)]
struct SummaryContext<'a> {
    #[serde(flatten)]
    model: &'a ReportModel,
    charts: Option<&'a Charts>,
}

/// A region page's context: the page, the few summary fields its header shows and the
/// rows of its long tables in the page's format (see [`super::rows`]). The context is
/// converted to JSON for every render, so it carries nothing else.
#[derive(Serialize)]
struct RegionContext<'a> {
    /// The page's chart (HTML only).
    chart: Option<&'a str>,
    /// Its seat coverage now and with the recommendations as a chart (HTML only).
    coverage_chart: Option<&'a str>,
    title: &'a str,
    as_of: &'a str,
    /// The previous run's date, when it could be read.
    previous: Option<&'a str>,
    /// Why the previous run's snapshot could not be read, when it could not.
    previous_unreadable: Option<&'a str>,
    left_track: &'a str,
    right_track: &'a str,
    page: &'a super::model::RegionPage,
    rows: Rows,
}

impl<'a> RegionContext<'a> {
    fn new(
        m: &'a ReportModel,
        page: &'a super::model::RegionPage,
        format: Markup,
        (chart, coverage_chart): (Option<&'a str>, Option<&'a str>),
    ) -> Self {
        RegionContext {
            coverage_chart,
            chart,
            title: &m.title,
            as_of: &m.as_of,
            previous: m.previous.as_deref(),
            previous_unreadable: m.previous_unreadable.as_deref(),
            left_track: &m.left_track,
            right_track: &m.right_track,
            page,
            rows: Rows::new(
                format,
                &page.partners,
                &page.engagements,
                &page.pairs,
                &page.gaps,
                &page.implementations,
            ),
        }
    }
}

/// Renders template `name` of `registry` with `context` into the file at `path`, `what`
/// naming it in messages. The page goes to the file as it is rendered: a region page can
/// be megabytes, and a string of it would be grown (and copied) step by step first.
fn render_to(
    registry: &Handlebars<'_>,
    (name, context): (&str, &impl Serialize),
    path: &Path,
    what: &str,
) -> anyhow::Result<()> {
    let cannot = || format!("cannot write {}", path.display());
    let mut out =
        std::io::BufWriter::with_capacity(1 << 16, File::create(path).with_context(cannot)?);
    registry
        .render_to_write(name, context, &mut out)
        .with_context(|| format!("rendering {what}"))?;
    out.flush().with_context(cannot)?;
    start_writeback(out.get_ref());
    Ok(())
}

/// Writes the pages of the formats asked for: `index.html` and `regions/<slug>.html`
/// (`html`), `report.md` and `regions/<slug>.md` (`md`). Region pages are rendered in
/// parallel.
pub fn pages(
    t: &Templates,
    m: &ReportModel,
    dir: &Path,
    html: bool,
    md: bool,
) -> anyhow::Result<()> {
    if !html && !md {
        return Ok(());
    }
    std::fs::create_dir_all(dir.join("regions"))?;
    let (summary, regions) = rayon::join(
        || summary_pages(t, m, dir, html, md),
        || {
            m.pages.par_iter().try_for_each(|p| {
                let chart = html.then(|| {
                    // Each track target of the region on its track's line ("all"
                    // targets have no line: the table lists them).
                    let marks: Vec<charts::TargetMark> = p
                        .targets
                        .iter()
                        .map(|t| charts::TargetMark {
                            track: t.track.clone(),
                            month: t.due_on.chars().take(7).collect(),
                            level: u64::from(t.partners),
                        })
                        .collect();
                    charts::lines_with_targets(
                        &format!("chart-trend-{}", p.slug),
                        "Counted partners over time by track, with the targets",
                        &p.trend,
                        &marks,
                    )
                });
                let coverage_chart = (html && !p.coverage_bars.is_empty()).then(|| {
                    charts::hbars(
                        &format!("chart-coverage-{}", p.slug),
                        "Seat coverage now and with the recommended pairs",
                        &p.coverage_bars,
                    )
                });
                let file = |ext: &str| dir.join("regions").join(format!("{}.{ext}", p.slug));
                if html {
                    let charts = (chart.as_deref(), coverage_chart.as_deref());
                    let context = RegionContext::new(m, p, Markup::Html, charts);
                    render_to(
                        &t.html,
                        ("region.html", &context),
                        &file("html"),
                        &format!("regions/{}.html", p.slug),
                    )?;
                }
                if md {
                    let context = RegionContext::new(m, p, Markup::Markdown, (None, None));
                    render_to(
                        &t.md,
                        ("region.md", &context),
                        &file("md"),
                        &format!("regions/{}.md", p.slug),
                    )?;
                }
                anyhow::Ok(())
            })
        },
    );
    summary.and(regions)
}

/// `index.html` and `report.md`.
fn summary_pages(
    t: &Templates,
    m: &ReportModel,
    dir: &Path,
    html: bool,
    md: bool,
) -> anyhow::Result<()> {
    if html {
        let charts = Charts {
            history: charts::hbars(
                "chart-history",
                "Seat coverage across runs",
                &m.history_bars,
            ),
            coverage: charts::hbars(
                "chart-coverage",
                "Seat coverage by region",
                &m.coverage_bars,
            ),
            targets: charts::hbars(
                "chart-targets",
                "Recruitment targets: partners counted of target",
                &m.target_bars,
            ),
            scores: charts::vbars(
                "chart-scores",
                "Score distribution of eligible partners",
                &m.score_bars,
            ),
            trend: charts::lines_with_targets(
                "chart-trend",
                "Counted partners over time by track, with the regions' targets summed",
                &m.trend,
                &m.trend_targets
                    .iter()
                    .map(|t| charts::TargetMark {
                        track: t.track.clone(),
                        month: t.month.clone(),
                        level: t.partners,
                    })
                    .collect::<Vec<_>>(),
            ),
        };
        let context = SummaryContext {
            model: m,
            charts: Some(&charts),
        };
        render_to(
            &t.html,
            ("index.html", &context),
            &dir.join("index.html"),
            "index.html",
        )?;
    }
    if md {
        let context = SummaryContext {
            model: m,
            charts: None,
        };
        render_to(
            &t.md,
            ("report.md", &context),
            &dir.join("report.md"),
            "report.md",
        )?;
    }
    Ok(())
}

/// Writes `summary.json`: every KPI per region and in total, the schema version, the
/// as-of date and the SHA-256 of each input and of the config.
pub fn summary(m: &ReportModel, run: &Run, path: &Path) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct SummaryJson<'a> {
        schema_version: u32,
        title: &'a str,
        as_of: &'a str,
        previous: Option<&'a str>,
        /// Changes since the previous run per kind (absent without one).
        #[serde(skip_serializing_if = "Option::is_none")]
        changes: Option<std::collections::BTreeMap<&'static str, u64>>,
        inputs: &'a [crate::ingest::InputFile],
        config_sha256: &'a str,
        rejected_rows: usize,
        total: &'a Kpis,
        regions: &'a std::collections::BTreeMap<String, Kpis>,
    }
    let s = SummaryJson {
        schema_version: SCHEMA_VERSION,
        title: &m.title,
        as_of: &m.as_of,
        previous: m.previous.as_deref(),
        changes: m.previous.is_some().then(|| m.change_list.counts()),
        inputs: &run.ingested.inputs,
        config_sha256: &m.config_sha256,
        rejected_rows: run.ingested.rejected.len(),
        total: &m.snapshot.total,
        regions: &m.snapshot.regions,
    };
    let mut text = serde_json::to_string_pretty(&s)?;
    text.push('\n');
    write_file(path, text.as_bytes())
}
