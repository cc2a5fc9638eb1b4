//! `uc-readiness report`: every stage, then the outputs written atomically.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};

use super::problem_line;
use crate::cli::ReportArgs;
use crate::ingest::{self, Action};
use crate::report::history::History;
use crate::report::output::OutputDir;
use crate::report::{self, Formats, exports, model, render};
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
    let log = |stage: &str, t: Lap| stages.done(stage, t);

    let t = stages.start("ingest");
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

    // The output folder is locked from here to the end: the history read below is the
    // one this run's snapshot joins. Recovery of an interrupted run happens here too.
    let (out_dir, recovered) = OutputDir::lock(&args.out)?;
    if !args.quiet {
        for line in &recovered {
            eprintln!("note: {line}");
        }
    }
    let history = History::load(out_dir.path(), settings.as_of);
    let staging = out_dir.stage(&settings.as_of.to_string())?;
    if !args.quiet {
        for w in &history.warnings {
            eprintln!("warning: {w}");
        }
    }

    let t = stages.start("score");
    let scores = score::score(&ingested.dataset, &settings.config, settings.as_of)
        .context("scoring failed")?;
    log("score", t);

    let t = stages.start("pair");
    let pairing = pair::pair(&ingested.dataset, &settings.config, &scores);
    log("pair", t);

    let t = stages.start("coverage");
    let coverage = coverage::coverage(&ingested.dataset, &settings.config, &scores, &pairing);
    log("coverage", t);

    let t = stages.start("model");
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

    let t = stages.start("render");
    let sources = exports::Sources {
        scope: &scope,
        dataset: d,
        config: &settings.config,
        scores: &scores,
        pairing: &pairing,
        coverage: &coverage,
        rejected: &ingested.rejected,
    };
    report::write_run(
        &templates,
        &model,
        &ingested,
        &sources,
        &staging.path(),
        formats,
    )?;
    staging.put_history(&render::snapshot_files(&model.snapshot)?)?;
    log("render", t);
    let t = stages.start("write");
    let target = staging.commit()?;
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

/// When a stage started: wall clock and, with `-v`, the process's CPU time.
struct Lap {
    wall: Instant,
    cpu: Option<f64>,
}

impl Stages {
    fn start(&self, stage: &str) -> Lap {
        if self.progress {
            eprint!("\r\x1b[2K{stage}…");
            let _ = std::io::stderr().flush();
        }
        Lap {
            wall: Instant::now(),
            cpu: if self.verbose { cpu_seconds() } else { None },
        }
    }

    fn done(&self, stage: &str, lap: Lap) {
        if self.progress {
            eprint!("\r\x1b[2K");
        }
        if self.verbose {
            let wall = lap.wall.elapsed().as_secs_f64() * 1e3;
            // CPU time over all threads: above the wall time when a stage runs in parallel.
            let cpu = match (lap.cpu, cpu_seconds()) {
                (Some(a), Some(b)) => format!("  cpu {:>6.0} ms", (b - a) * 1e3),
                _ => String::new(),
            };
            let peak = peak_memory_mb().map_or(String::new(), |mb| format!("  (peak {mb:.0} MB)"));
            eprintln!("{stage:<10} {wall:>8.1} ms{cpu}{peak}");
        }
    }
}

/// The process's CPU time so far (user and system, every thread), where the system tells
/// it (Linux, in clock ticks of 10 ms).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces):
    // state is field 3, utime 14 and stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
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
