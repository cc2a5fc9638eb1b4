//! `uc-readiness validate`: every problem as `file:line:column: reason (value)`, the first
//! few of each reason unless `--all`, then a count per table and reason.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use crate::cli::ValidateArgs;
use crate::ingest::{self, Action, Table};
use crate::settings::Settings;

/// Problems shown per (table, reason, action) without `--all`.
const SHOWN_PER_REASON: usize = 5;

pub(crate) fn run(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(&args.data)?;
    settings.init_threads();
    let ingested = ingest::load(&settings.data_dir, &settings.config, settings.as_of)?;
    for w in &ingested.warnings {
        eprintln!("warning: {w}");
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut groups: BTreeMap<(Table, Action, &str), usize> = BTreeMap::new();
    for r in &ingested.rejected {
        let n = groups
            .entry((r.table, r.action, r.reason.as_str()))
            .or_default();
        *n += 1;
        if args.all || *n <= SHOWN_PER_REASON {
            writeln!(out, "{}", super::problem_line(&ingested.inputs, r))?;
        }
    }
    let d = &ingested.dataset;
    writeln!(
        out,
        "\n{} partners, {} assessments, {} certifications, {} installs, {} targets valid (as of {})",
        d.partners.len(),
        d.assessments.len(),
        d.certifications.len(),
        d.installs.len(),
        d.targets.len(),
        settings.as_of
    )?;
    if groups.is_empty() {
        writeln!(out, "no problems found")?;
    }
    let mut hidden = 0;
    for ((table, action, reason), n) in &groups {
        writeln!(
            out,
            "{:>8} {:<8} {:<14} {reason}",
            n,
            action.as_str(),
            table.as_str()
        )?;
        hidden += n.saturating_sub(SHOWN_PER_REASON);
    }
    if hidden > 0 && !args.all {
        writeln!(
            out,
            "({hidden} more problems not listed above: --all lists every one)"
        )?;
    }
    out.flush()?;
    let rejected = ingested
        .rejected
        .iter()
        .filter(|r| r.action == Action::Rejected)
        .count();
    // Freeing millions of rows one by one takes a noticeable share of the run; the
    // process is about to exit and the OS takes the memory back at once.
    std::mem::forget(ingested);
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
