//! docs/outputs.md, "Changes since the last run": every change with its cause in
//! `data/changes.csv`, the pages showing the counts and the first changes of each kind.
//!
//! Three runs of the worked example (tests/fixtures/tiny), worked by hand:
//!
//! 1. 2008-04-10, the fixture as it is: I1 + T2 recommended (95.8), H1 alone covers
//!    South's Avaya.
//! 2. 2008-06-10, with I1 reassessed on 2008-05-15 (ocs-deployment 1, active-directory 0:
//!    skills (1/3 + 0/2) / 2 = 16.7, score 0.4·16.7 + 0.3·100 + 0.3·50 = 51.7, *nearly
//!    ready*), T1 earning nortel-ncts-cs1000 (2 holders: 1·2 + 2·2 = 6 points ≥ 4,
//!    certifications 50 → 100, score 0.4·75 + 0.3·100 + 0.3·50 = 75.0, *ready*) and an
//!    engagement I1 + T1 active since 2008-05-20. I1 + T2 now scores
//!    50·(1/3 + 0 + 2/3 + 1)/4 + 50·1350/2200 = 55.7 < 60: lost; T2 goes to I2, whose
//!    pair scores 50·(2/3 + 1 + 2/3 + 1)/4 + 50·1 = 91.7. H1's avaya-aca-cm expired on
//!    2008-06-01: South's Avaya uncovered.
//! 3. 2008-08-10: H1 renewed avaya-aca-cm on 2008-07-01 (South's Avaya covered again),
//!    the engagement ended on 2008-07-31, and T2's avaya-aca-cm (earned 2006-01-15, 30
//!    months) lapsed on 2008-07-15: certifications (1 + 2)/4 = 75 → 2/4 = 50, score
//!    70.8 → 63.3, and I2 + T2 no longer qualifies for North's Avaya.

use std::path::Path;

use crate::support::{fixture_with, report, tiny_file_plus};

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

const ENGAGEMENTS: &str =
    "left_partner_id,right_partner_id,status,started_on,ended_on,implementations\n";

/// The worked example with I1's two new assessments, `certs` appended to its
/// certifications and an engagements table of one `engagement` row.
fn later(certs: &str, engagement: &str) -> tempfile::TempDir {
    let skills = tiny_file_plus(
        "skills.csv",
        "I1,ocs-deployment,1,4,2008-05-15\nI1,active-directory,0,1,2008-05-15",
    );
    let certs = tiny_file_plus("certifications.csv", certs);
    let engagements = format!("{ENGAGEMENTS}{engagement}\n");
    fixture_with(
        "tiny",
        &[
            ("skills.csv", Some(&skills)),
            ("certifications.csv", Some(&certs)),
            ("engagements.csv", Some(engagements.as_bytes())),
        ],
    )
}

/// The dataset of the second run.
fn second() -> tempfile::TempDir {
    later(
        "T1,nortel-ncts-cs1000,2,2008-05-01,",
        "I1,T1,active,2008-05-20,,",
    )
}

/// The dataset of the third run.
fn third() -> tempfile::TempDir {
    later(
        "T1,nortel-ncts-cs1000,2,2008-05-01,\nH1,avaya-aca-cm,1,2008-07-01,",
        "I1,T1,ended,2008-05-20,2008-07-31,",
    )
}

/// The three runs into one output folder.
fn three_runs() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    report(&crate::support::fixture("tiny"), out.path(), &[]).ok();
    report(second().path(), out.path(), &["--as-of", "2008-06-10"]).ok();
    report(third().path(), out.path(), &["--as-of", "2008-08-10"]).ok();
    out
}

#[test]
fn every_change_is_written_with_its_cause() {
    let out = three_runs();
    let header = "region,kind,subject,before,after,cause\n";
    assert_eq!(
        text(&out.path().join("2008-04-10/data/changes.csv")),
        header,
        "the first run has nothing to compare with"
    );
    assert_eq!(
        text(&out.path().join("2008-06-10/data/changes.csv")),
        format!(
            "{header}\
North,band_up,T1,nearly ready (60.0),ready (75.0),certifications 50.0 → 100.0: nortel-ncts-cs1000 earned on 2008-05-01 (certifications line 9)
North,band_down,I1,ready (85.0),nearly ready (51.7),\"skills 100.0 → 16.7: active-directory assessed at level 0 on 2008-05-15 (skills line 21), ocs-deployment assessed at level 1 on 2008-05-15 (skills line 20)\"
North,pair_gained,I2 + T2,—,recommended (91.7),T2's pair with I1 ended; pair score 91.7
North,pair_lost,I1 + T2,recommended (95.8),—,its pair score 55.7 is below the minimum 60.0
North,engagement_started,I1 + T1,—,engagement (22.9),active since 2008-05-20 (engagements line 2)
South,vendor_uncovered,avaya,covered by 1 unit,uncovered,H1 (alone) now lacks a valid certification: one of avaya-aca-cm — H1's avaya-aca-cm lapsed on 2008-06-01 (certifications line 8)
"
        )
    );
    assert_eq!(
        text(&out.path().join("2008-08-10/data/changes.csv")),
        format!(
            "{header}\
North,band_down,T2,ready (70.8),nearly ready (63.3),certifications 75.0 → 50.0: avaya-aca-cm lapsed on 2008-07-15 (certifications line 5)
North,engagement_ended,I1 + T1,engagement (22.9),—,ended on 2008-07-31 (engagements line 2)
South,vendor_covered,avaya,uncovered,covered by 1 unit,H1 (alone) now qualifies
North,vendor_uncovered,avaya,covered by 1 unit,uncovered,I2 + T2 now lacks a valid certification: one of avaya-aca-cm — T2's avaya-aca-cm lapsed on 2008-07-15 (certifications line 5)
"
        )
    );
    let summary: serde_json::Value =
        serde_json::from_str(&text(&out.path().join("2008-08-10/summary.json"))).unwrap();
    assert_eq!(
        summary["changes"],
        serde_json::json!({
            "band_down": 1, "band_up": 0, "engagement_ended": 1, "engagement_started": 0,
            "pair_gained": 0, "pair_lost": 0, "vendor_covered": 1, "vendor_uncovered": 1
        })
    );
}

#[test]
fn the_pages_show_the_counts_and_the_changes_with_their_causes() {
    let out = three_runs();
    let run = out.path().join("2008-06-10");
    let md = text(&run.join("report.md"));
    assert!(
        md.contains("6 changes since 2008-04-10, each with its cause; every one is in `data/changes.csv`. 0 of the previous run's 1 recommended pairs are recommended again."),
        "{md}"
    );
    assert!(md.contains("| Pairs lost | 1 |"), "{md}");
    assert!(
        md.contains("### Pairs lost: 1\n\n| Region | Subject | Before | After | Cause |\n|---|---|---|---|---|\n| North | I1 + T2 | recommended (95.8) | — | its pair score 55.7 is below the minimum 60.0 |"),
        "{md}"
    );
    let html = text(&run.join("index.html"));
    assert!(
        html.contains("<tbody id=\"change-band_down\"><tr><th scope=\"rowgroup\" colspan=\"5\">Partners down a band: 1</th></tr>\n<tr><td>North</td><td>I1 Contoso Systems, Inc.</td><td>ready (85.0)</td><td>nearly ready (51.7)</td>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"data/changes.csv\">"), "{html}");
    // Each region page shows its own changes, linking to the full list.
    let north = text(&run.join("regions/north.md"));
    assert!(
        north.contains("5 changes in North since 2008-04-10"),
        "{north}"
    );
    assert!(!north.contains("H1 (alone)"), "{north}");
    let south = text(&run.join("regions/south.html"));
    assert!(
        south.contains("1 changes in South since 2008-04-10"),
        "{south}"
    );
    assert!(
        south.contains("<a href=\"../data/changes.csv\">"),
        "{south}"
    );
    assert!(
        south.contains("H1&#x27;s avaya-aca-cm lapsed on 2008-06-01"),
        "{south}"
    );
}

/// On a dataset with many changes the pages show the first five of each kind, the largest
/// first, and the CSV has every one.
#[test]
fn the_pages_show_only_the_first_changes_of_each_kind() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let sample = root.join("data/sample");
    report(&sample, out.path(), &["--as-of", "2008-01-10"]).ok();
    report(&sample, out.path(), &[]).ok();
    let run = out.path().join("2008-04-10");
    let csv = text(&run.join("data/changes.csv"));
    let ups: Vec<&str> = csv.lines().filter(|l| l.contains(",band_up,")).collect();
    assert!(ups.len() > 5, "{csv}");
    let html = text(&run.join("index.html"));
    let group = html
        .split("<tbody id=\"change-band_up\">")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    assert!(
        group.contains(&format!("Partners up a band: the first 5 of {}", ups.len())),
        "{group}"
    );
    assert_eq!(group.matches("<tr><td>").count(), 5, "{group}");
    // The first shown is the CSV's first: the largest move.
    let first = ups[0].split(',').nth(2).unwrap();
    assert!(
        group.contains(&format!("<td>{first} ")),
        "{group} / {first}"
    );
    // Moves in tenths (the scores have one decimal).
    let moves: Vec<i64> = ups
        .iter()
        .map(|l| {
            let score = |s: &str| -> i64 {
                let x: f64 = s
                    .rsplit('(')
                    .next()
                    .unwrap()
                    .trim_end_matches(')')
                    .parse()
                    .unwrap();
                (x * 10.0).round() as i64
            };
            let f: Vec<&str> = l.split(',').collect();
            score(f[4]) - score(f[3])
        })
        .collect();
    assert!(moves.windows(2).all(|w| w[0] >= w[1]), "{moves:?}");
}

/// Only the regions both runs report on are compared; a snapshot written before causes
/// were kept still gives every change, with what it can tell.
#[test]
fn regions_not_reported_before_and_older_snapshots() {
    let out = tempfile::tempdir().unwrap();
    let tiny = crate::support::fixture("tiny");
    report(&tiny, out.path(), &["--region", "North"]).ok();
    report(second().path(), out.path(), &["--as-of", "2008-06-10"]).ok();
    let run = out.path().join("2008-06-10");
    let csv = text(&run.join("data/changes.csv"));
    assert!(!csv.contains("South"), "{csv}");
    assert_eq!(csv.lines().count(), 6, "{csv}");
    let south = text(&run.join("regions/south.md"));
    assert!(
        south.contains(
            "The run of 2008-04-10 did not report on South, so nothing here is compared with it."
        ),
        "{south}"
    );

    // The previous run's detail as an older version wrote it: bands and pairs, no
    // components, eligibility, weights or standalone units.
    let out = tempfile::tempdir().unwrap();
    report(&tiny, out.path(), &[]).ok();
    let detail = out.path().join("history/2008-04-10.detail.json");
    let mut old: serde_json::Value = serde_json::from_str(&text(&detail)).unwrap();
    for p in old["partners"].as_object_mut().unwrap().values_mut() {
        let p = p.as_object_mut().unwrap();
        for k in ["eligible", "components", "serviced"] {
            assert!(p.remove(k).is_some(), "{k}");
        }
    }
    for u in old["units"].as_array_mut().unwrap() {
        assert!(u.as_object_mut().unwrap().remove("weight").is_some());
    }
    assert!(old.as_object_mut().unwrap().remove("alone").is_some());
    std::fs::write(&detail, serde_json::to_string(&old).unwrap()).unwrap();
    report(second().path(), out.path(), &["--as-of", "2008-06-10"]).ok();
    let csv = text(&out.path().join("2008-06-10/data/changes.csv"));
    assert!(
        csv.contains("North,band_down,I1,ready (85.0),nearly ready (51.7),\"score 85.0 → 51.7 (the previous run did not record its components); active-directory assessed at level 0 on 2008-05-15 (skills line 21), ocs-deployment assessed at level 1 on 2008-05-15 (skills line 20)\""),
        "{csv}"
    );
    assert!(
        csv.contains(
            "North,pair_lost,I1 + T2,recommended,—,its pair score 55.7 is below the minimum 60.0"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("South,vendor_uncovered,avaya,covered,uncovered,the previous run did not record its standalone partners"),
        "{csv}"
    );
}

/// A pair whose partner is no longer eligible is lost for that reason, and its vendors'
/// cause names the pair as no longer selected.
#[test]
fn a_pair_lost_to_a_partner_no_longer_eligible() {
    let out = tempfile::tempdir().unwrap();
    report(&crate::support::fixture("tiny"), out.path(), &[]).ok();
    let partners = std::fs::read_to_string(crate::support::fixture("tiny").join("partners.csv"))
        .unwrap()
        .replace(
            "T2,Tailspin Telephony,North,US,telephony,active,",
            "T2,Tailspin Telephony,North,US,telephony,inactive,",
        );
    let data = fixture_with("tiny", &[("partners.csv", Some(partners.as_bytes()))]);
    report(data.path(), out.path(), &["--as-of", "2008-05-10"]).ok();
    let csv = text(&out.path().join("2008-05-10/data/changes.csv"));
    assert!(
        csv.contains(
            "North,pair_lost,I1 + T2,recommended (95.8),—,T2 is no longer eligible (status inactive)\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("North,vendor_uncovered,avaya,covered by 1 unit,uncovered,I1 + T2 is no longer selected: T2 is no longer eligible (status inactive)"),
        "{csv}"
    );
}
