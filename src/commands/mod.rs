//! One module per subcommand; [`run`] dispatches.

mod explain;
mod report;
mod sample;
mod validate;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::ingest::{Action, InputFile, RejectedRow};

/// One problem as `file:line:column: reason (value)`, with the action when the row was
/// kept or merely not in effect.
pub(crate) fn problem_line(inputs: &[InputFile], r: &RejectedRow) -> String {
    let path = inputs
        .iter()
        .find(|i| i.table == r.table)
        .map(|i| i.path.display().to_string())
        .unwrap_or_default();
    let action = match r.action {
        Action::Rejected => String::new(),
        a => format!(" [{}]", a.as_str()),
    };
    format!(
        "{path}:{}:{}: {} ({}){action}",
        r.line,
        r.column,
        r.reason,
        r.value.escape_debug()
    )
}

/// Runs a parsed command line. `Err` means exit status 2 (usage, config or fatal input).
/// Meant to be called once, by the process's `main`: a successful `report` leaves its
/// run's data to the end of the process rather than freeing it.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Sample(args) => sample::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Explain(args) => explain::run(&args),
    }
}
