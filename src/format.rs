/*!
Numbers and sentences as every output writes them: pages, exports and `explain` call these
functions and no others, so one figure never comes out two ways. The compute stages return
typed facts (a [`Gap`] with its [`GapFact`], a [`Shortfall`]); the words are written here.

Rounding is the manual's (docs/scoring.md, "Rounding"): to one decimal, half
away from zero, with a 10⁻⁹ allowance so that floating-point error cannot flip a tie —
`floor(10·x + 0.5 + 1e-9) / 10`. Pair weights are the same tenths, so a pair score on a
page and the weight the pairing maximised are one number.
*/

use crate::config::Config;
use crate::coverage::{Gap, GapFact, Unplannable};
use crate::ingest::{Dataset, PartnerId};
use crate::pair::AtRisk;
use crate::score::Shortfall;

/// `x` rounded to tenths by the contract's rule, as an integer number of tenths.
pub fn tenths(x: f64) -> i64 {
    (10.0 * x + 0.5 + 1e-9).floor() as i64
}

/// `tenths(x).max(0) as u32` without the call to `floor`, for the pair-weight kernel's inner
/// loop: on a non-negative value the truncation of `as` is the floor, and a negative one
/// ends at 0 either way (as does NaN), so both give the same number for every `x`.
pub fn tenths_at_least_zero(x: f64) -> u32 {
    ((10.0 * x + 0.5 + 1e-9) as i64).max(0) as u32
}

/// Tenths as a one-decimal number (`708` → `70.8`).
pub fn fmt_tenths(t: i64) -> String {
    format!("{}.{}", t.div_euclid(10), t.rem_euclid(10))
}

/// A 0..=1 component as points out of 100 with one decimal (`0.8333` → `83.3`).
pub fn fmt_component(x: f64) -> String {
    fmt_tenths(tenths(100.0 * x))
}

/// A share as a percentage with one decimal (`1 of 3` → `33.3%`), or `n/a` of nothing.
pub fn fmt_pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "n/a".to_string()
    } else {
        format!(
            "{}%",
            fmt_tenths(tenths(100.0 * part as f64 / whole as f64))
        )
    }
}

/// An integer with thousands separators (`12,345`).
pub fn fmt_int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A signed change with one decimal (`+1.5`, `-0.3`, `0.0`).
pub fn fmt_delta(x: f64) -> String {
    let t = tenths(x.abs());
    let sign = if t == 0 {
        ""
    } else if x < 0.0 {
        "-"
    } else {
        "+"
    };
    format!("{sign}{}", fmt_tenths(t))
}

/// Vendor ids, `;`-joined in vendor order (as the exports and the snapshots write them).
pub fn vendor_ids(config: &Config, set: crate::score::VendorSet) -> String {
    set.iter()
        .map(|v| config.vendors[v as usize].id.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// What a [`Shortfall`] lacks, one phrase per requirement: `pbx-integration 1 → 2`,
/// `a valid certification: one of avaya-aca-cm, avaya-acis-cm`.
pub fn lacks(config: &Config, s: &Shortfall) -> Vec<String> {
    let mut out: Vec<String> = s
        .skills
        .iter()
        .map(|&(skill, have, need)| format!("{} {have} → {need}", config.skills[skill as usize].id))
        .collect();
    if !s.certification.is_empty() {
        let names: Vec<&str> = s
            .certification
            .iter()
            .map(|&c| config.certifications[c as usize].id.as_str())
            .collect();
        out.push(format!(
            "a valid certification: one of {}",
            names.join(", ")
        ));
    }
    out
}

/// The plain-language line of a gap, as `gaps.csv` and the region pages show it.
pub fn gap_detail(d: &Dataset, config: &Config, g: &Gap) -> String {
    match &g.fact {
        GapFact::UncoveredVendor {
            vendor,
            installs,
            seats,
            region_seats,
        } => format!(
            "No partner or pair here can serve {}: {installs} installs, {seats} seats ({}) at risk.",
            config.vendors[*vendor as usize].name,
            fmt_pct(*seats, *region_seats)
        ),
        GapFact::ClosestCandidate { vendor, candidate } => {
            let p = &d.partners[candidate.partner as usize];
            let distance = candidate.shortfall.distance();
            if distance == 0 {
                format!(
                    "{} ({}) qualifies for {} but is in no delivery unit: pair it.",
                    p.name, p.id, config.vendors[*vendor as usize].name
                )
            } else {
                format!(
                    "{} ({}) is {distance} step(s) away: lacks {}.",
                    p.name,
                    p.id,
                    lacks(config, &candidate.shortfall).join("; ")
                )
            }
        }
        GapFact::ThinSkill {
            skill,
            level,
            partners,
            needed,
        } => format!(
            "{partners} eligible partner(s) at {} level {level} or higher; {needed} needed.",
            config.skills[*skill as usize].name
        ),
        GapFact::ExpiringCertification {
            partner,
            certification,
            expires_on,
            days,
        } => format!(
            "{}'s {} expires on {expires_on} ({days} days): renew it.",
            d.partners[*partner as usize].name, config.certifications[*certification as usize].name
        ),
        GapFact::TargetBehind {
            target,
            counted,
            pairs,
            state,
        } => {
            let t = &d.targets[*target];
            let pair_part = match t.pairs {
                Some(want) => format!(", {pairs} of {want} pairs"),
                None => String::new(),
            };
            format!(
                "{counted} of {} partners counted{pair_part} ({}).",
                t.partners,
                state.as_str()
            )
        }
        GapFact::EngagementAtRisk { reasons, .. } => {
            let words: Vec<String> = reasons.iter().map(|r| at_risk(d, config, *r)).collect();
            format!("At risk: {}.", words.join("; "))
        }
        GapFact::NoImplementation {
            vendor,
            installs,
            seats,
            reason,
        } => {
            let name = &config.vendors[*vendor as usize].name;
            let why = match reason {
                Unplannable::NoQualifiedUnit => format!("no partner or pair here can serve {name}"),
                Unplannable::ChannelConflict => format!(
                    "every {name} install is serviced by a partner outside the pairs and \
                     partners qualified for it, and going to another would be a channel conflict"
                ),
            };
            format!(
                "No first customer implementation can be planned on {name}'s {installs} \
                 installs ({seats} seats): {why}."
            )
        }
    }
}

/// One reason an engagement in effect is at risk, in words.
pub fn at_risk(d: &Dataset, config: &Config, r: AtRisk) -> String {
    let name = |p: PartnerId| {
        let p = &d.partners[p as usize];
        format!("{} ({})", p.name, p.id)
    };
    match r {
        AtRisk::NotEligible(p) => format!(
            "{} is {}, not eligible",
            name(p),
            d.partners[p as usize].status.as_str()
        ),
        AtRisk::OverCapacity(p) => {
            let partner = &d.partners[p as usize];
            format!(
                "{} is in more engagements than its capacity of {}",
                name(p),
                partner.capacity.unwrap_or(config.pairing.default_capacity)
            )
        }
        AtRisk::BelowMinimum => format!(
            "the pair score is below the minimum of {}",
            config.pairing.min_pair_score
        ),
        AtRisk::LostVendor(v) => format!(
            "no longer qualified for {}, which it covered in the previous run",
            config.vendors[v as usize].name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_at_least_zero_is_tenths_clamped_at_zero() {
        let mut xs = vec![
            0.0,
            -0.0,
            -0.05,
            -0.0499999999,
            -0.1,
            -1.0,
            -1e300,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            70.85,
            99.95,
            100.0,
        ];
        // Every hundredth and its neighbours from -200 to 200, where ties sit.
        for k in -20_000..=20_000 {
            let x = f64::from(k) / 100.0;
            xs.extend([x, x.next_up(), x.next_down()]);
        }
        for x in xs {
            assert_eq!(tenths_at_least_zero(x), tenths(x).max(0) as u32, "at {x:e}");
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero_with_allowance() {
        assert_eq!(tenths(69.95), 700);
        assert_eq!(tenths(69.949_999), 699);
        assert_eq!(tenths(0.05), 1);
        assert_eq!(
            tenths(100.0 * (0.4 * (2.0 / 3.0 + 1.0) / 2.0 + 0.3 * 0.75 + 0.3 * 0.5)),
            708
        );
        assert_eq!(fmt_tenths(708), "70.8");
        assert_eq!(fmt_tenths(0), "0.0");
        assert_eq!(fmt_tenths(1000), "100.0");
    }

    #[test]
    fn numbers_are_formatted_one_way() {
        assert_eq!(fmt_int(1234567), "1,234,567");
        assert_eq!(fmt_int(12), "12");
        assert_eq!(fmt_pct(1, 3), "33.3%");
        assert_eq!(fmt_pct(0, 0), "n/a");
        assert_eq!(fmt_delta(-0.04), "0.0");
        assert_eq!(fmt_delta(2.25), "+2.3");
        assert_eq!(fmt_component(5.0 / 6.0), "83.3");
    }

    /// A share on a rounding tie is rounded half up, as the contract says; `{:.1}`
    /// (round half to even on the binary value) wrote 1/16 = 6.25% as `6.2%`.
    #[test]
    fn shares_on_a_tie_round_half_up() {
        assert_eq!(fmt_pct(1, 16), "6.3%");
        assert_eq!(fmt_pct(1, 8), "12.5%");
        assert_eq!(fmt_pct(3, 16), "18.8%");
        assert_eq!(format!("{:.1}%", 100.0 / 16.0), "6.2%");
    }
}
