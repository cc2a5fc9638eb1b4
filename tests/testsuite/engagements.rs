//! Engagements and stable recommendations (docs/pairing.md): the worked example of
//! `tests/fixtures/program` (its README works every figure out), each of its cases
//! checked against what happens without the row that makes it, and two monthly runs in
//! which the second keeps the most incumbents the optimum allows.

use std::path::Path;

use crate::support::{fixture, fixture_with, report};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `report` on `data` into a fresh folder; returns it with the run's `data/` path.
fn run(data: &Path, args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["--formats", "csv,md,json"];
    all.extend_from_slice(args);
    report(data, out.path(), &all).ok();
    let latest = out.path().join("latest");
    (out, latest)
}

/// The rows of a CSV export without its header.
fn rows(path: &Path) -> Vec<String> {
    read(path).lines().skip(1).map(str::to_string).collect()
}

#[test]
fn the_worked_example_pairs_gaps_and_figures_are_as_worked_out() {
    let (_out, run) = run(&fixture("program"), &[]);
    assert_eq!(
        rows(&run.join("data/pairs.csv")),
        [
            "Alpha,L1,R1,25.0,,engagement",
            "Alpha,L2,R2,100.0,,engagement",
            "Alpha,L2,R3,100.0,,engagement",
            "Beta,L3,R5,75.0,,new",
            "Delta,L6,R9,90.0,,proposed",
            "Gamma,L5,R7,87.5,,proposed",
        ]
    );
    let at_risk: Vec<String> = rows(&run.join("data/gaps.csv"))
        .into_iter()
        .filter(|r| r.contains(",engagement_at_risk,"))
        .collect();
    assert_eq!(
        at_risk,
        [
            "Alpha,engagement_at_risk,L1 + R1,At risk: the pair score is below the minimum of 60.,medium",
            "Alpha,engagement_at_risk,L2 + R2,At risk: Left Two (L2) is in more engagements than its capacity of 1.,medium",
            "Alpha,engagement_at_risk,L2 + R3,At risk: Left Two (L2) is in more engagements than its capacity of 1.,medium",
        ]
    );
    assert!(
        read(&run.join("regions/delta.md")).contains(
            "1 pairs recommended, total pair score 90.0 (the optimum without the keep bonus: 92.0); 1 of 1 incumbent pairs kept"
        ),
        "Delta's stability line"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&read(&run.join("summary.json"))).unwrap();
    let total = &summary["total"];
    for (key, want) in [
        ("pairs", 6),
        ("engagements", 3),
        ("engagements_at_risk", 3),
        ("implementations", 3),
        ("recommended", 3),
        ("incumbents", 2),
        ("kept", 2),
        ("seats_covered_now", 0),
    ] {
        assert_eq!(total[key], want, "summary.json total.{key}");
    }
}

#[test]
fn an_ended_engagement_is_in_effect_before_its_end() {
    // On 2008-02-15 L3+R4 has not ended yet: it is an engagement in effect, and L3 has no
    // capacity left for a recommendation.
    let (_out, run) = run(&fixture("program"), &["--as-of", "2008-02-15"]);
    let beta: Vec<String> = rows(&run.join("data/pairs.csv"))
        .into_iter()
        .filter(|r| r.starts_with("Beta,"))
        .collect();
    assert_eq!(beta, ["Beta,L3,R4,100.0,,engagement"]);
    // L2+R3 started on 2008-01-15: in effect then too; L1+R1 and L2+R2 as well.
    let alpha = rows(&run.join("data/pairs.csv"))
        .into_iter()
        .filter(|r| r.starts_with("Alpha,"))
        .count();
    assert_eq!(alpha, 3);
}

/// Each case of the worked example turns into what the optimum alone would choose once
/// the row or the setting that makes it is gone: the checks above are not satisfied by
/// chance.
#[test]
fn without_the_program_the_optimum_chooses_otherwise() {
    let engagements = read(&fixture("program").join("engagements.csv"));
    let without = |pair: &str| -> String {
        engagements
            .lines()
            .filter(|l| !l.starts_with(pair))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let pairs_of = |dir: &Path, region: &str| -> Vec<String> {
        let (_out, run) = run(dir, &[]);
        rows(&run.join("data/pairs.csv"))
            .into_iter()
            .filter(|r| r.starts_with(&format!("{region},")))
            .collect()
    };
    // Beta without the ended row: L3+R4 (100.0) is the optimum.
    let d = fixture_with(
        "program",
        &[("engagements.csv", Some(without("L3,R4").as_bytes()))],
    );
    assert_eq!(pairs_of(d.path(), "Beta"), ["Beta,L3,R4,100.0,,new"]);
    // Gamma without the proposed row: the tie goes to the lower id, R6.
    let d = fixture_with(
        "program",
        &[("engagements.csv", Some(without("L5,R7").as_bytes()))],
    );
    assert_eq!(pairs_of(d.path(), "Gamma"), ["Gamma,L5,R6,87.5,,new"]);
    // Delta with no keep bonus: L6+R8 (92.0) beats the proposed L6+R9 (90.0).
    let config = read(&fixture("program").join("readiness.toml"))
        .replace("keep_bonus = 2.5", "keep_bonus = 0.0");
    let d = fixture_with("program", &[("readiness.toml", Some(config.as_bytes()))]);
    assert_eq!(pairs_of(d.path(), "Delta"), ["Delta,L6,R8,92.0,v1,new"]);
    // A bonus of exactly the difference ties 92.0 with 90.0 + 2.0: the incumbent wins
    // the tie.
    let config = read(&fixture("program").join("readiness.toml"))
        .replace("keep_bonus = 2.5", "keep_bonus = 2.0");
    let d = fixture_with("program", &[("readiness.toml", Some(config.as_bytes()))]);
    assert_eq!(pairs_of(d.path(), "Delta"), ["Delta,L6,R9,90.0,,proposed"]);
    // Alpha without engagements: L1+R1 (25.0) is no candidate, L1+R2 is
    // ((1 + 4)/4)/2 → 62.5, and the optimum pairs L1+R2 with L2+R3 (162.5).
    let d = fixture_with("program", &[("engagements.csv", None)]);
    assert_eq!(
        pairs_of(d.path(), "Alpha"),
        ["Alpha,L1,R2,62.5,,new", "Alpha,L2,R3,100.0,,new"]
    );
}

/// Two monthly runs into one output folder. Region Epsilon: L7, L8 and R10, R11 at
/// level 4 on 2008-04-10, when R0 is at level 2 (every pair of a 4 with a 4 scores 100.0,
/// R0's 75.0); by 2008-05-10 R0 is assessed at 4 too, so six pairs score 100.0 and
/// every pairing of two of them is optimal (200.0). Without memory the tie-break prefers
/// the lowest ids (R0); the second run keeps both of the first run's pairs — the most
/// any optimal pairing keeps, found below by enumerating every pairing.
#[test]
fn a_second_run_keeps_the_most_incumbents_the_optimum_allows() {
    let partners = "partner_id,name,region,country,track,status,joined_on,capacity\n\
                    L7,Left Seven,Epsilon,,left,active,2007-01-01,\n\
                    L8,Left Eight,Epsilon,,left,active,2007-01-01,\n\
                    R0,Right Zero,Epsilon,,right,active,2007-01-01,\n\
                    R10,Right Ten,Epsilon,,right,active,2007-01-01,\n\
                    R11,Right Eleven,Epsilon,,right,active,2007-01-01,\n";
    let skills = "partner_id,skill,level,staff,assessed_on\n\
                  L7,a,4,1,2008-01-01\nL8,a,4,1,2008-01-01\n\
                  R0,b,2,1,2008-01-01\nR0,b,4,1,2008-04-20\n\
                  R10,b,4,1,2008-01-01\nR11,b,4,1,2008-01-01\n";
    let data = fixture_with(
        "program",
        &[
            ("partners.csv", Some(partners.as_bytes())),
            ("skills.csv", Some(skills.as_bytes())),
            ("engagements.csv", None),
            (
                "installs.csv",
                Some(b"install_id,customer,region,vendor,product,seats,partner_id,installed_on\n"),
            ),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let pairs = |date: &str| -> Vec<String> {
        let p = out.path().join(date).join("data/pairs.csv");
        rows(&p)
    };
    report(
        data.path(),
        out.path(),
        &["--formats", "csv", "--as-of", "2008-04-10"],
    )
    .ok();
    let first = pairs("2008-04-10");
    assert_eq!(
        first,
        ["Epsilon,L7,R10,100.0,,new", "Epsilon,L8,R11,100.0,,new"]
    );
    report(
        data.path(),
        out.path(),
        &["--formats", "csv", "--as-of", "2008-05-10"],
    )
    .ok();
    let second = pairs("2008-05-10");
    assert_eq!(
        second,
        [
            "Epsilon,L7,R10,100.0,,previous",
            "Epsilon,L8,R11,100.0,,previous"
        ]
    );

    // Every pairing of the second month (each left with at most one right and vice
    // versa): the optimum weight and the most incumbents kept at it.
    let (lefts, rights) = (["L7", "L8"], ["R0", "R10", "R11"]);
    let incumbent = |l: &str, r: &str| first.iter().any(|p| p.contains(&format!(",{l},{r},")));
    let mut best = (0u32, 0u32);
    for a in 0..=rights.len() {
        for b in 0..=rights.len() {
            if a == b && a < rights.len() {
                continue;
            }
            let chosen = [(0, a), (1, b)]
                .into_iter()
                .filter(|&(_, r)| r < rights.len())
                .map(|(l, r)| (lefts[l], rights[r]));
            let (mut weight, mut kept) = (0, 0);
            for (l, r) in chosen {
                weight += 1000;
                kept += u32::from(incumbent(l, r));
            }
            best = best.max((weight, kept));
        }
    }
    assert_eq!(best, (2000, 2));
    let kept = second.iter().filter(|r| r.ends_with(",previous")).count() as u32;
    assert_eq!((2000, kept), best);

    // Without the first run's memory the same data gives another optimal pairing.
    let fresh = tempfile::tempdir().unwrap();
    report(
        data.path(),
        fresh.path(),
        &["--formats", "csv", "--as-of", "2008-05-10"],
    )
    .ok();
    let forgetful = rows(&fresh.path().join("latest/data/pairs.csv"));
    assert_ne!(forgetful, first, "the test would pass without memory");
    assert_eq!(forgetful.len(), 2);
}
