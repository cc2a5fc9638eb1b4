//! `uc-readiness sample`: writes a generated dataset (see [`crate::sample`]).

use std::process::ExitCode;

use crate::cli::SampleArgs;
use crate::sample::{SampleSpec, write};

pub(crate) fn run(args: &SampleArgs) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec {
        partners: args.partners,
        installs: args.installs,
        regions: args.regions,
        seed: args.seed,
        dirty: args.dirty,
        variety: args.variety,
    };
    write(&spec, &args.out)?;
    eprintln!(
        "wrote a sample of {} partners and {} installs in {} regions to {}",
        spec.partners,
        spec.installs,
        spec.regions,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
