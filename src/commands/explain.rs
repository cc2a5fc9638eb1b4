//! `uc-readiness explain PARTNER_ID`: the evidence behind one partner's score.

use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::explain::explain;
use crate::ingest;
use crate::score;
use crate::settings::Settings;

pub(crate) fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(&args.data)?;
    settings.init_threads();
    let ingested = ingest::load_with(
        &settings.data_dir,
        &settings.config,
        settings.as_of,
        ingest::Detail::Full,
    )?;
    let d = &ingested.dataset;
    let Some(p) = d.partner_id(&args.partner_id) else {
        let rejected = ingested
            .rejected_partner_ids
            .binary_search(&args.partner_id)
            .is_ok();
        bail!(
            "no valid partner `{}` in {}{}",
            args.partner_id,
            settings.data_dir.display(),
            if rejected {
                " (its partners row was rejected: see `uc-readiness validate`)"
            } else {
                ""
            }
        );
    };
    let scores = score::score(d, &settings.config, settings.as_of).context("scoring failed")?;
    let e = explain(d, &settings.config, &scores, p);
    if args.format == ExplainFormat::Json {
        println!("{}", serde_json::to_string_pretty(&e)?);
    } else {
        print!("{}", e.to_text());
    }
    Ok(ExitCode::SUCCESS)
}
