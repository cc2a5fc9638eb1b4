//! The `uc-readiness` binary: parse the command line, run, map the outcome to an exit
//! status (0 success, 1 rejected rows or problems found, 2 usage, config or fatal input).

use std::process::ExitCode;

use clap::Parser;

/// The pipeline allocates and frees millions of small values (rows, cells, template
/// output); mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = uc_readiness::cli::Cli::parse();
    match uc_readiness::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
