//! The command line (SPEC §8), declared with clap's derive API. Only `main` and the
//! command dispatcher read these types; everything downstream takes [`crate::settings::Settings`].

// The doc comments below are also the `--help` text, where `<as-of>` reads naturally.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Interoperability readiness of UC partners: scores, optimal pairs, coverage and gaps.
#[derive(Debug, Parser)]
#[command(name = "uc-readiness", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score, pair and report on a dataset: HTML, Markdown, CSV and JSON into OUT/<as-of>/.
    Report(ReportArgs),
    /// Check a dataset against the data contract and list every problem.
    ///
    /// Exit status: 0 when no row is rejected, 1 when some are (what `report --strict`
    /// would refuse), 2 on a fatal input or config error.
    Validate(ValidateArgs),
    /// Trace one partner's score to the rows that earned it.
    Explain(ExplainArgs),
    /// Write a realistic, deterministic sample dataset (same arguments, same bytes).
    Sample(SampleArgs),
}

/// Where the data and its config are, and the as-of date.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Dataset folder holding the input tables (CSV, Parquet or NDJSON).
    #[arg(long, value_name = "DIR", default_value = "data/sample")]
    pub data: PathBuf,
    /// Config file [default: DIR/readiness.toml].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// As-of date D of every figure, YYYY-MM-DD [default: report.as_of, else today].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Worker threads [default: one per core]; 1 runs everything sequentially.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// `report` flags.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Input and config.
    #[command(flatten)]
    pub data: DataArgs,
    /// Output folder; each run writes OUT/<as-of>/ and points OUT/latest at it.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Fail (exit 1, nothing written) when any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Comma-separated outputs: html, md, csv, json, parquet.
    #[arg(
        long,
        value_name = "LIST",
        default_value = "html,md,csv,json",
        value_delimiter = ','
    )]
    pub formats: Vec<String>,
    /// Limit the run to this region (repeatable).
    #[arg(long = "region", value_name = "NAME")]
    pub regions: Vec<String>,
    /// Markdown notes rendered into the reports (raw HTML is neutralised).
    #[arg(long, value_name = "FILE")]
    pub notes: Option<PathBuf>,
    /// Folder whose *.hbs files replace the built-in templates of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print stage timings and the peak memory so far.
    #[arg(short, long)]
    pub verbose: bool,
}

/// `validate` flags.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Input and config.
    #[command(flatten)]
    pub data: DataArgs,
    /// List every problem, not only the first few of each reason.
    #[arg(long)]
    pub all: bool,
}

/// `explain` flags.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The partner to explain.
    #[arg(value_name = "PARTNER_ID")]
    pub partner_id: String,
    /// Input and config.
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format: text for people, json for scripts.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

/// `sample` flags.
#[derive(Debug, Clone, Args)]
pub struct SampleArgs {
    /// Folder to write the dataset into (created; existing table files are replaced).
    #[arg(long, value_name = "DIR", default_value = "data/sample")]
    pub out: PathBuf,
    /// Number of partners (1..=1000000).
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub partners: u32,
    /// Number of installs (0..=50000000).
    #[arg(long, value_name = "N", default_value_t = 3000)]
    pub installs: u32,
    /// Number of regions (1..=64).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub regions: u32,
    /// Random seed: the same seed and sizes give the same bytes.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Share of rows (0..=1) replaced by bad rows of every kind the contract rejects.
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub dirty: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
