//! The command line (docs/running.md), declared with clap's derive API. Only `main` and the
//! command dispatcher read these types; everything downstream takes [`crate::settings::Settings`].

// The doc comments below are also the `--help` text, where `<as-of>` reads naturally.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    #[arg(long, value_name = "N", value_parser = threads)]
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
    /// Comma-separated outputs.
    #[arg(
        long,
        value_name = "LIST",
        default_value = "html,md,csv,json",
        value_delimiter = ','
    )]
    pub formats: Vec<OutputFormat>,
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
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: ExplainFormat,
    /// Output folder of `report`, whose history the pairing reads (its previous run's
    /// recommendations are kept where they can be), so that the pairs and planned
    /// implementations shown are the report's.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
}

/// One kind of output of `report` (`--formats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `index.html` and `regions/*.html`.
    Html,
    /// `report.md` and `regions/*.md`.
    Md,
    /// `data/*.csv`.
    Csv,
    /// `summary.json`.
    Json,
    /// `data/*.parquet`, typed.
    Parquet,
}

/// The outputs `--formats` names.
impl From<&[OutputFormat]> for crate::report::Formats {
    fn from(list: &[OutputFormat]) -> crate::report::Formats {
        let mut f = crate::report::Formats::default();
        for item in list {
            match item {
                OutputFormat::Html => f.html = true,
                OutputFormat::Md => f.md = true,
                OutputFormat::Csv => f.csv = true,
                OutputFormat::Json => f.json = true,
                OutputFormat::Parquet => f.parquet = true,
            }
        }
        f
    }
}

/// How `explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// For people.
    Text,
    /// For scripts.
    Json,
}

/// `sample` flags.
#[derive(Debug, Clone, Args)]
pub struct SampleArgs {
    /// Folder to write the dataset into (created; existing table files are replaced).
    #[arg(long, value_name = "DIR", default_value = "data/sample")]
    pub out: PathBuf,
    /// Number of partners (1..=1000000).
    #[arg(long, value_name = "N", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub partners: u32,
    /// Number of installs (0..=50000000).
    #[arg(long, value_name = "N", default_value_t = 3000,
          value_parser = clap::value_parser!(u32).range(0..=50_000_000))]
    pub installs: u32,
    /// Number of regions (1..=64).
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub regions: u32,
    /// Random seed: the same seed and sizes give the same bytes.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Share of rows (0..=1) replaced by bad rows of every kind the contract rejects.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = share)]
    pub dirty: f64,
    /// Profile variety (0..=1): 0 gives partners as alike as a real program's often are;
    /// 1 gives many more distinct skill profiles per region (wider level noise, skills of
    /// other tracks).
    #[arg(long, value_name = "V", default_value_t = 0.0, value_parser = share)]
    pub variety: f64,
}

/// A thread count: at least 1.
fn threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// A share within 0..=1.
fn share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(_) => Err("must be within 0..=1".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("uc-readiness").chain(args.iter().copied()))
            .map(|c| c.command)
    }

    fn report(args: &[&str]) -> ReportArgs {
        match parse(&[&["report"], args].concat()) {
            Ok(Command::Report(a)) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn report_defaults() {
        let a = report(&[]);
        assert_eq!(a.data.data, PathBuf::from("data/sample"));
        assert_eq!(a.out, PathBuf::from("reports"));
        assert_eq!(
            a.formats,
            [
                OutputFormat::Html,
                OutputFormat::Md,
                OutputFormat::Csv,
                OutputFormat::Json
            ]
        );
        assert!(!a.strict && !a.quiet && !a.verbose && a.regions.is_empty());
        assert_eq!(
            (a.data.threads, a.data.as_of, a.data.config),
            (None, None, None)
        );
    }

    #[test]
    fn formats_is_a_comma_separated_list_of_known_outputs() {
        let a = report(&["--formats", "parquet,csv"]);
        assert_eq!(a.formats, [OutputFormat::Parquet, OutputFormat::Csv]);
        let f = crate::report::Formats::from(a.formats.as_slice());
        assert!(f.parquet && f.csv && !f.html && !f.md && !f.json);
        for bad in ["pdf", "", "html,,csv", "HTML"] {
            let e = parse(&["report", "--formats", bad]).unwrap_err();
            assert_eq!(e.kind(), clap::error::ErrorKind::InvalidValue, "{bad}");
        }
    }

    #[test]
    fn threads_must_be_at_least_one() {
        assert_eq!(report(&["--threads", "1"]).data.threads, Some(1));
        for bad in ["0", "-1", "two"] {
            let e = parse(&["report", &format!("--threads={bad}")]).unwrap_err();
            assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation, "{bad}");
        }
    }

    #[test]
    fn quiet_and_verbose_exclude_each_other_and_regions_repeat() {
        let e = parse(&["report", "-q", "-v"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ArgumentConflict);
        let a = report(&["--region", "DACH", "--region", "UK & Ireland"]);
        assert_eq!(a.regions, ["DACH", "UK & Ireland"]);
    }

    #[test]
    fn explain_takes_a_partner_and_a_format() {
        match parse(&["explain", "P1", "--format", "json"]) {
            Ok(Command::Explain(a)) => {
                assert_eq!(
                    (a.partner_id.as_str(), a.format),
                    ("P1", ExplainFormat::Json)
                )
            }
            other => panic!("{other:?}"),
        }
        match parse(&["explain", "P1"]) {
            Ok(Command::Explain(a)) => assert_eq!(a.format, ExplainFormat::Text),
            other => panic!("{other:?}"),
        }
        assert!(parse(&["explain", "P1", "--format", "xml"]).is_err());
        assert!(parse(&["explain"]).is_err(), "the partner id is required");
    }

    #[test]
    fn sample_sizes_are_checked_where_they_are_parsed() {
        let ok = parse(&[
            "sample",
            "--partners",
            "1000000",
            "--installs",
            "0",
            "--regions",
            "64",
            "--dirty",
            "1",
        ]);
        assert!(matches!(ok, Ok(Command::Sample(_))), "{ok:?}");
        for (flag, bad) in [
            ("--partners", "0"),
            ("--partners", "1000001"),
            ("--installs", "50000001"),
            ("--regions", "0"),
            ("--regions", "65"),
            ("--dirty", "1.5"),
            ("--dirty", "-0.1"),
            ("--dirty", "x"),
        ] {
            let e = parse(&["sample", &format!("{flag}={bad}")]).unwrap_err();
            assert_eq!(
                e.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{flag} {bad}"
            );
        }
    }
}
