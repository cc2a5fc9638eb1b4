//! `uc-readiness report`: every stage, then the outputs written atomically.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};

use super::problem_line;
use crate::cli::ReportArgs;
use crate::ingest::{self, Action};
use crate::report::{Formats, exports, model, output::RunDir, render};
use crate::settings::Settings;
use crate::{coverage, pair, score};

pub(crate) fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(&args.data)?;
    settings.init_threads();
    let formats = Formats::parse(&args.formats)?;

    let templates = render::Templates::load(args.templates.as_deref())?;
    let notes = match &args.notes {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .with_context(|| format!("cannot read notes {}", p.display()))?,
        ),
        None => None,
    };
    let stages = Stages {
        verbose: args.verbose,
        progress: !args.quiet && !args.verbose && std::io::stderr().is_terminal(),
    };
    let log = |stage: &str, t: Instant| stages.done(stage, t);

    stages.start("ingest");
    let t = Instant::now();
    let ingested = ingest::load(&settings.data_dir, &settings.config, settings.as_of)?;
    log("ingest", t);
    if !args.quiet {
        for w in &ingested.warnings {
            eprintln!("warning: {w}");
        }
    }
    if args.strict {
        let rejected: Vec<_> = ingested
            .rejected
            .iter()
            .filter(|r| r.action == Action::Rejected)
            .collect();
        if !rejected.is_empty() {
            for r in &rejected {
                eprintln!("{}", problem_line(&ingested.inputs, r));
            }
            eprintln!(
                "--strict: {} rows rejected; nothing written",
                rejected.len()
            );
            return Ok(ExitCode::from(1));
        }
    }

    // --region: every region of the data, or the ones named (each must exist).
    let d = &ingested.dataset;
    let mut scope = vec![args.regions.is_empty(); d.regions.len()];
    for name in &args.regions {
        match d.region_id(name) {
            Some(r) => scope[r as usize] = true,
            None => bail!(
                "--region: no region `{name}` in the data (regions: {})",
                d.regions.join(", ")
            ),
        }
    }

    stages.start("score");
    let t = Instant::now();
    let scores = score::score(&ingested.dataset, &settings.config, settings.as_of)
        .context("scoring failed")?;
    log("score", t);

    stages.start("pair");
    let t = Instant::now();
    let pairing = pair::pair(&ingested.dataset, &settings.config, &scores);
    log("pair", t);

    stages.start("coverage");
    let t = Instant::now();
    let coverage = coverage::coverage(&ingested.dataset, &settings.config, &scores, &pairing);
    log("coverage", t);

    stages.start("model");
    let t = Instant::now();
    let run = RunDir::begin(&args.out, &settings.as_of.to_string())?;
    let mut warnings = Vec::new();
    let history = render::load_history(run.out(), settings.as_of, &mut warnings);
    if !args.quiet {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    let model = model::build(
        &scope,
        &ingested,
        &settings.config,
        &settings.config_sha256,
        &scores,
        &pairing,
        &coverage,
        &history,
        notes.as_deref(),
    );
    log("model", t);

    stages.start("render");
    let t = Instant::now();
    render::pages(&templates, &model, run.path(), formats.html, formats.md)?;
    if formats.json {
        render::summary(&model, &ingested, &run.path().join("summary.json"))?;
    }
    log("render", t);
    stages.start("write");
    let t = Instant::now();
    if formats.csv || formats.parquet {
        let data = run.path().join("data");
        std::fs::create_dir_all(&data)?;
        let c = &settings.config;
        for export in [
            exports::partner_scores(&scope, d, c, &scores),
            exports::pairs(&scope, d, c, &pairing),
            exports::coverage(&scope, d, c, &coverage),
            exports::gaps(&scope, d, &coverage),
            exports::rejected(&ingested.rejected),
        ] {
            if formats.csv {
                export.write_csv(&data)?;
            }
            if formats.parquet {
                export.write_parquet(&data)?;
            }
        }
    }
    let out = run.out().to_path_buf();
    let target = run.commit()?;
    render::store_snapshot(&out, &model.snapshot)?;
    log("write", t);
    if !args.quiet {
        eprintln!("wrote {}", target.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Stage reporting: a one-line progress indicator on a terminal (nothing when stderr is
/// not one, or with `-q`), stage timings with `-v`.
struct Stages {
    verbose: bool,
    progress: bool,
}

impl Stages {
    fn start(&self, stage: &str) {
        if self.progress {
            eprint!("\r\x1b[2K{stage}…");
            let _ = std::io::stderr().flush();
        }
    }

    fn done(&self, stage: &str, t: Instant) {
        if self.progress {
            eprint!("\r\x1b[2K");
        }
        if self.verbose {
            let peak = peak_memory_mb().map_or(String::new(), |mb| format!("  (peak {mb:.0} MB)"));
            eprintln!(
                "{stage:<10} {:>8.1} ms{peak}",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}

/// The process's peak resident memory so far, where the system tells it (Linux).
fn peak_memory_mb() -> Option<f64> {
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
