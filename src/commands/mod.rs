//! One module per subcommand; [`run`] dispatches.

mod sample;
mod validate;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs a parsed command line. `Err` means exit status 2 (usage, config or fatal input).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Sample(args) => sample::run(&args),
        Command::Report(_) => anyhow::bail!("`report` is not implemented yet"),
        Command::Explain(_) => anyhow::bail!("`explain` is not implemented yet"),
    }
}
