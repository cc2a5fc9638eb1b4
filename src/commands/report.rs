//! `uc-readiness report`: ingest, the pipeline's stages, then the outputs committed into
//! the output folder ([`crate::report::output`]).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use super::problem_line;
use crate::cli::ReportArgs;
use crate::ingest::{self, Action};
use crate::pipeline::{self, HistorySource, Inputs, Scope, Watch, stage};
use crate::report::history;
use crate::report::output::OutputDir;
use crate::report::{self, Formats, model, render};
use crate::settings::Settings;

pub(crate) fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(&args.data)?;
    settings.init_threads();
    let formats = Formats::from(args.formats.as_slice());
    render::Templates::check(args.templates.as_deref())?;
    let notes = match &args.notes {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .with_context(|| format!("cannot read notes {}", p.display()))?,
        ),
        None => None,
    };
    let mut watch = Stages {
        verbose: args.verbose,
        progress: !args.quiet && !args.verbose && std::io::stderr().is_terminal(),
        lap: None,
    };
    let say = |line: String| {
        if !args.quiet {
            eprintln!("{line}");
        }
    };

    // The templates are parsed beside the ingest (a few tens of milliseconds of one core
    // that would otherwise come first); a template's error still comes before the data's.
    let (templates, ingested) = std::thread::scope(|scope| {
        let templates = scope.spawn(|| render::Templates::load(args.templates.as_deref()));
        let ingested = stage(&mut watch, "ingest", || {
            ingest::load(&settings.data_dir, &settings.config, settings.as_of)
        });
        (templates.join(), ingested)
    });
    let templates = templates.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let ingested = ingested?;
    ingested
        .warnings
        .iter()
        .for_each(|w| say(format!("warning: {w}")));
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
    let scope = Scope::named(&ingested.dataset, &args.regions)?;

    // The output folder is locked from here to the end: the history the run reads is the
    // one this run's snapshot joins. An interrupted run is recovered here too.
    let (out_dir, recovered) = OutputDir::lock(&args.out)?;
    recovered
        .iter()
        .for_each(|line| say(format!("note: {line}")));
    let staging = out_dir.stage(&settings.as_of.to_string())?;

    let inputs = Inputs {
        ingested,
        config: settings.config,
        config_sha256: settings.config_sha256,
        as_of: settings.as_of,
        scope,
        history: HistorySource::Folder(out_dir.path().to_path_buf()),
    };
    let run = pipeline::run(inputs, &mut watch)?;
    run.history
        .warnings
        .iter()
        .for_each(|w| say(format!("warning: {w}")));
    let model = stage(&mut watch, "model", || model::build(&run, notes.as_deref()));
    stage(&mut watch, "render", || -> anyhow::Result<()> {
        // The snapshot (at 500,000 partners, 90 MB of JSON written by one thread) beside
        // the pages and exports, not after them.
        let (written, snapshot) = rayon::join(
            || report::write_run(&templates, &run, &model, &staging.path(), formats),
            || staging.put_history(&history::snapshot_files(&model.snapshot)?),
        );
        written.and(snapshot)
    })?;
    let target = stage(&mut watch, "write", || staging.commit())?;
    say(format!("wrote {}", target.display()));
    // The process ends next (see [`super::run`]): the system takes the run's memory back
    // at once, where freeing its millions of values one by one took 0.3 s of a
    // 500,000-partner run.
    std::mem::forget((run, model));
    Ok(ExitCode::SUCCESS)
}

/// Stage reporting: a one-line progress indicator on a terminal (nothing when stderr is
/// not one, or with `-q`), stage timings with `-v`.
struct Stages {
    verbose: bool,
    progress: bool,
    /// When the running stage started: wall clock and, with `-v`, CPU time.
    lap: Option<(Instant, Option<f64>)>,
}

impl Watch for Stages {
    fn start(&mut self, stage: &'static str) {
        if self.progress {
            eprint!("\r\x1b[2K{stage}…");
            let _ = std::io::stderr().flush();
        }
        let cpu = if self.verbose {
            pipeline::cpu_seconds()
        } else {
            None
        };
        self.lap = Some((Instant::now(), cpu));
    }

    fn done(&mut self, stage: &'static str) {
        if self.progress {
            eprint!("\r\x1b[2K");
        }
        let Some((wall, cpu)) = self.lap.take() else {
            return;
        };
        if self.verbose {
            let wall = wall.elapsed().as_secs_f64() * 1e3;
            // CPU time over all threads: above the wall time when a stage runs in parallel.
            let cpu = match (cpu, pipeline::cpu_seconds()) {
                (Some(a), Some(b)) => format!("  cpu {:>6.0} ms", (b - a) * 1e3),
                _ => String::new(),
            };
            let peak = pipeline::peak_memory_mb()
                .map_or(String::new(), |mb| format!("  (peak {mb:.0} MB)"));
            eprintln!("{stage:<10} {wall:>8.1} ms{cpu}{peak}");
        }
    }
}
