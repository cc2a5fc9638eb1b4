//! `uc-readiness explain PARTNER_ID`: the evidence behind one partner's score, printed
//! for people ([`Text`]) or as JSON.

use std::fmt::{self, Write};
use std::process::ExitCode;

use anyhow::bail;

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::explain::{Explanation, MAX_STEPS, explain, implementation_lines};
use crate::ingest;
use crate::pipeline::{self, HistorySource, Inputs, Scope};
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
    // The whole computation, as `report` runs it on the same output folder: the pairs
    // and the plan depend on its previous run.
    let inputs = Inputs {
        scope: Scope::all(d),
        ingested,
        config: settings.config,
        config_sha256: settings.config_sha256,
        as_of: settings.as_of,
        history: HistorySource::Folder(args.out.clone()),
    };
    let run = pipeline::run(inputs, &mut ())?;
    let mut e = explain(run.dataset(), &run.config, &run.scores, p);
    e.implementations = implementation_lines(&run, p);
    if args.format == ExplainFormat::Json {
        println!("{}", serde_json::to_string_pretty(&e)?);
    } else {
        print!("{}", Text(&e));
    }
    Ok(ExitCode::SUCCESS)
}

/// An explanation as the terminal shows it.
pub(crate) struct Text<'a>(pub(crate) &'a Explanation);

impl fmt::Display for Text<'_> {
    fn fmt(&self, o: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        header(o, e)?;
        skills(o, e)?;
        certifications(o, e)?;
        experience(o, e)?;
        let [ws, wc, we] = e.weights;
        writeln!(
            o,
            "\nscore = ({ws}·{} + {wc}·{} + {we}·{}) / {} = {}",
            e.skill_score,
            e.certification_score,
            e.experience_score,
            ws + wc + we,
            e.score
        )?;
        vendors(o, e)?;
        engagements(o, e)?;
        implementations(o, e)?;
        cliff(o, e)?;
        next_band(o, e)
    }
}

fn engagements(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    if e.engagements.is_empty() {
        return Ok(());
    }
    writeln!(o, "\nengagements:")?;
    for g in &e.engagements {
        let dates = match (g.started_on, g.ended_on) {
            (Some(s), Some(end)) => format!(" {s} – {end}"),
            (Some(s), None) => format!(" since {s}"),
            _ => String::new(),
        };
        let state = match g.state {
            crate::ingest::EngagementState::Proposed => "proposed",
            crate::ingest::EngagementState::InEffect => "in effect",
            crate::ingest::EngagementState::Ended => "ended",
        };
        writeln!(
            o,
            "  with {} — {}: {state}{dates}, {} implementations, pair score {} (engagements line {})",
            g.with, g.with_name, g.implementations, g.pair_score, g.line
        )?;
        for r in &g.at_risk {
            writeln!(o, "    at risk: {r}")?;
        }
    }
    Ok(())
}

fn implementations(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    if e.implementations.is_empty() {
        return Ok(());
    }
    writeln!(o, "\nfirst customer implementations planned:")?;
    for i in &e.implementations {
        let unit = match &i.with {
            Some(w) => format!("with {w}"),
            None => "alone".to_string(),
        };
        let relationship = match &i.serviced_by {
            Some(s) => format!(" — serviced by {s}"),
            None => String::new(),
        };
        writeln!(
            o,
            "  {unit}: {} ({}), {}, {} seats{relationship}",
            i.customer,
            i.install_id,
            i.vendor,
            crate::format::fmt_int(i.seats)
        )?;
    }
    Ok(())
}

fn header(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    writeln!(
        o,
        "{} — {} ({} track, {}, region {}) as of {}",
        e.partner_id, e.name, e.track, e.status, e.region, e.as_of
    )?;
    writeln!(
        o,
        "score {} → {}{}{}\n",
        e.score,
        e.band,
        if e.gated {
            " (held out of the first band: a component is zero)"
        } else {
            ""
        },
        if e.eligible {
            ""
        } else {
            "; not eligible for pairing and coverage"
        }
    )
}

fn skills(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    writeln!(o, "skills (weight {}): {}", e.weights[0], e.skill_score)?;
    for s in &e.skills {
        let evidence = match s.evidence {
            Some((line, date)) => format!("skills line {line}, assessed {date}"),
            None => "no assessment".to_string(),
        };
        let superseded = if s.superseded.is_empty() {
            String::new()
        } else {
            format!("; superseded: lines {}", join(&s.superseded))
        };
        writeln!(
            o,
            "  {:<28} level {} of {}  {:>5.1} pts  ({evidence}{superseded})",
            s.skill, s.level, s.required, s.points
        )?;
    }
    Ok(())
}

fn certifications(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    writeln!(
        o,
        "\ncertifications (weight {}): {} — {} of {} points",
        e.weights[1], e.certification_score, e.certification_points, e.certification_target
    )?;
    if e.certifications.is_empty() {
        writeln!(o, "  none")?;
    }
    for c in &e.certifications {
        writeln!(
            o,
            "  {:<28} {:<14} {} holder{}, earned {}, expires {}{}  (certifications line {})",
            c.certification,
            c.state.as_str(),
            c.holders,
            if c.holders == 1 { "" } else { "s" },
            c.earned_on,
            c.expires_on,
            if c.counts_for_track {
                ""
            } else {
                "; not counted for this track"
            },
            c.line
        )?;
    }
    Ok(())
}

fn experience(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    writeln!(
        o,
        "\nexperience (weight {}): {} — {} of {} installs",
        e.weights[2],
        e.experience_score,
        e.installs.len(),
        e.experience_target
    )?;
    for i in &e.installs {
        writeln!(
            o,
            "  {:<16} {} ({}, {} seats)  (installs line {})",
            i.install_id, i.customer, i.vendor, i.seats, i.line
        )?;
    }
    Ok(())
}

fn vendors(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    writeln!(o, "\nvendors:")?;
    for v in &e.vendors {
        if v.qualified {
            writeln!(o, "  {:<16} qualified", v.vendor)?;
        } else {
            writeln!(o, "  {:<16} lacks {}", v.vendor, v.lacks.join("; "))?;
        }
    }
    Ok(())
}

fn cliff(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    writeln!(o, "\nexpiry cliff (no renewals):")?;
    for c in &e.cliff {
        let lapsed = if c.lapsed.is_empty() {
            String::new()
        } else {
            format!("  (lapsed: {})", c.lapsed.join(", "))
        };
        writeln!(o, "  {}  {:>5} {}{lapsed}", c.date, c.score, c.band)?;
    }
    writeln!(o)
}

fn next_band(o: &mut impl Write, e: &Explanation) -> fmt::Result {
    match &e.next_band {
        Some(n) => writeln!(
            o,
            "cheapest change to {} (score {}): {}",
            n.band,
            n.score,
            n.changes.join(", ")
        ),
        None if e.first_band => writeln!(o, "already in the first band"),
        None => writeln!(
            o,
            "no change of up to {MAX_STEPS} steps reaches the next band"
        ),
    }
}

/// Line numbers, comma-separated.
fn join(lines: &[u64]) -> String {
    lines
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
