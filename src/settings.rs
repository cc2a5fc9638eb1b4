//! Flags over `readiness.toml`, resolved once into [`Settings`]: nothing after this
//! reads a flag or the config file again.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::NaiveDate;

use crate::cli::DataArgs;
use crate::config::{Config, ConfigFile, parse_date};

/// Where the data is, its validated config, the as-of date and the thread count.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The dataset folder.
    pub data_dir: PathBuf,
    /// The config file read.
    pub config_path: PathBuf,
    /// Its bytes' SHA-256 (provenance).
    pub config_sha256: String,
    /// The validated config, flags applied.
    pub config: Config,
    /// The as-of date D.
    pub as_of: NaiveDate,
    /// Worker threads, if set.
    pub threads: Option<usize>,
}

impl Settings {
    /// Resolves the data flags: reads the config (default `DIR/readiness.toml`), applies
    /// `--as-of` over `report.as_of`, and falls back to today's date.
    pub fn resolve(args: &DataArgs) -> anyhow::Result<Settings> {
        let config_path = args
            .config
            .clone()
            .unwrap_or_else(|| args.data.join("readiness.toml"));
        let text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("cannot read config {}", config_path.display()))?;
        let mut file = ConfigFile::parse(&text)
            .with_context(|| format!("invalid config {}", config_path.display()))?;
        if let Some(a) = &args.as_of {
            if parse_date(a).is_none() {
                bail!("--as-of: `{a}` is not a date YYYY-MM-DD");
            }
            file.set_as_of(a);
        }
        let config = Config::from_file(file)
            .with_context(|| format!("invalid config {}", config_path.display()))?;
        let as_of = config
            .report
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        Ok(Settings {
            data_dir: args.data.clone(),
            config_sha256: crate::ingest::sha256_hex(text.as_bytes()),
            config_path,
            config,
            as_of,
            threads: args.threads,
        })
    }

    /// Sets up the global thread pool for `threads` (once per process).
    pub fn init_threads(&self) {
        if let Some(n) = self.threads {
            // A second call (tests running several commands in one process) keeps the
            // first pool: the thread count never changes a figure.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global();
        }
    }
}
