//! The `uc-readiness` binary: parse the command line, run, map the outcome to an exit
//! status (0 success, 1 rejected rows or problems found, 2 usage, config or fatal input).

use std::process::ExitCode;

use clap::Parser;

/// The pipeline allocates and frees millions of small values (rows, cells, template
/// output); mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // mimalloc asks for transparent huge pages for its arenas; on Linux each one is then
    // zeroed 2 MB at a time and may wait for the kernel to compact memory: measured on
    // the 50,000-partner benchmark, a run took 0.1–0.7 s of system time with them and a
    // steady 0.15 s without, at 7% less peak memory (benches/RESULTS.md).
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = uc_readiness::cli::Cli::parse();
    match uc_readiness::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
