//! First customer implementations (docs/implementations.md): the worked example of
//! `tests/fixtures/implementations` (its README works every figure out), each case
//! checked against the data without what makes it; the plan in every output; `explain`.

use std::path::Path;

use crate::support::{fixture, fixture_with, report, uc};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `implementations.csv` of a report on `data`, without its header, and the run folder.
fn plan(data: &Path) -> (Vec<String>, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    report(data, out.path(), &["--formats", "csv,md,json,html"]).ok();
    let rows = read(&out.path().join("latest/data/implementations.csv"))
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    (rows, out)
}

/// The fixture with one file's text edited.
fn edited(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let text = read(&fixture("implementations").join(file));
    assert!(text.contains(from), "{file} holds {from:?}");
    fixture_with(
        "implementations",
        &[(file, Some(text.replacen(from, to, 1).as_bytes()))],
    )
}

/// (unit, install) of each planned row.
fn planned(rows: &[String]) -> Vec<(String, String)> {
    rows.iter()
        .map(|r| {
            let f: Vec<&str> = r.split(',').collect();
            (f[1].to_string(), f[2].to_string())
        })
        .collect()
}

fn seats(rows: &[String]) -> u64 {
    rows.iter()
        .map(|r| r.split(',').nth_back(1).unwrap().parse::<u64>().unwrap())
        .sum()
}

#[test]
fn the_worked_example_plan_is_as_worked_out() {
    let (rows, out) = plan(&fixture("implementations"));
    assert_eq!(
        rows,
        [
            "North,L1+R1,O1,Open Clinic,v1,700,false",
            "North,L2+R2,R2A,Right Two's Customer,v2,100,true",
            "North,L2+R2,O2,Open Winery,v1,600,false",
            "North,L3+R3,O3,Open Airlines,v2,800,false",
            "North,L3+R3,O4,Open Council,v2,500,false",
        ]
    );
    assert_eq!(seats(&rows), 2700);
    // The greedy plan of the README (relationships first, then seats, each to the first
    // unit with room) has 2,500 seats: the exact plan is better.
    assert!(seats(&rows) > 2500);
    let latest = out.path().join("latest");
    let gaps = read(&latest.join("data/gaps.csv"));
    assert!(
        gaps.contains(
            "North,no_first_implementation,v3,\"No first customer implementation can be planned on Vendor Three's 1 installs (300 seats): every Vendor Three install is serviced by a partner outside the pairs and partners qualified for it, and going to another would be a channel conflict.\",medium"
        ),
        "{gaps}"
    );
    // The summary, per region and in total.
    let summary: serde_json::Value =
        serde_json::from_str(&read(&latest.join("summary.json"))).unwrap();
    for k in [&summary["total"], &summary["regions"]["North"]] {
        assert_eq!(
            (
                &k["planned"],
                &k["planned_relationships"],
                &k["planned_seats"]
            ),
            (&5.into(), &1.into(), &2700.into())
        );
    }
    let page = read(&latest.join("regions/north.md"));
    // The page names the gap's kind in words; the CSV keeps the id.
    assert!(
        page.contains("| No first implementation possible | v3 |"),
        "{page}"
    );
    assert!(page.contains(
        "5 first customer implementations planned for 3 delivery units, 2,700 seats; 1 with a customer the unit's partner already services."
    ));
    assert!(page.contains(
        "| L2 Left Two + R2 Right Two | Right Two's Customer | Vendor Two | 100 | serviced by Right Two |\n|  | Open Winery | Vendor One | 600 | — |"
    ), "grouped by unit: {page}");
    let html = read(&latest.join("regions/north.html"));
    assert!(html.contains(
        "<tbody><tr><th scope=\"rowgroup\" rowspan=\"2\" class=\"unit\">L2 Left Two + R2 Right Two</th><td>Right Two&#x27;s Customer</td>"
    ));
    assert!(read(&latest.join("report.md")).contains("| 5 (2,700 seats) |"));
}

#[test]
fn a_channel_conflict_excludes_the_largest_install() {
    // C1 open: it is planned, on the unit qualified for v1 with room.
    let (rows, _out) = plan(
        edited(
            "installs.csv",
            "C1,Conflict Bank,North,v1,,9000,X1,",
            "C1,Conflict Bank,North,v1,,9000,,",
        )
        .path(),
    );
    assert!(planned(&rows).contains(&("L1+R1".to_string(), "C1".to_string())));
    assert_eq!(seats(&rows), 11_100);
}

#[test]
fn a_relationship_is_preferred_over_a_larger_install() {
    let (rows, _out) = plan(&fixture("implementations"));
    let installs: Vec<String> = planned(&rows).into_iter().map(|(_, i)| i).collect();
    assert!(installs.contains(&"R2A".to_string()) && !installs.contains(&"O5".to_string()));
    // R2A open: seats alone decide, and the five largest installs fill the five slots.
    let (rows, _out) = plan(
        edited(
            "installs.csv",
            "R2A,Right Two's Customer,North,v2,,100,R2,",
            "R2A,Right Two's Customer,North,v2,,100,,",
        )
        .path(),
    );
    let mut installs: Vec<String> = planned(&rows).into_iter().map(|(_, i)| i).collect();
    installs.sort();
    assert_eq!(installs, ["O1", "O2", "O3", "O4", "O5"]);
    assert_eq!(seats(&rows), 3000);
}

#[test]
fn delivered_implementations_take_an_engagements_slots() {
    let (rows, _out) = plan(edited("engagements.csv", "2007-09-01,,1", "2007-09-01,,0").path());
    assert_eq!(
        planned(&rows),
        [
            ("L1+R1".to_string(), "O1".to_string()),
            ("L1+R1".to_string(), "O2".to_string()),
            ("L2+R2".to_string(), "R2A".to_string()),
            ("L2+R2".to_string(), "O3".to_string()),
            ("L3+R3".to_string(), "O4".to_string()),
            ("L3+R3".to_string(), "O5".to_string()),
        ]
    );
    assert_eq!(seats(&rows), 3100);
    // Two delivered of two: no slot left.
    let (rows, _out) = plan(edited("engagements.csv", "2007-09-01,,1", "2007-09-01,,2").path());
    assert!(planned(&rows).iter().all(|(u, _)| u != "L1+R1"));
}

#[test]
fn per_unit_zero_plans_nothing_and_a_bad_value_is_refused() {
    let (rows, out) = plan(edited("readiness.toml", "per_unit = 2", "per_unit = 0").path());
    assert!(rows.is_empty());
    assert!(!read(&out.path().join("latest/data/gaps.csv")).contains("no_first_implementation"));
    let bad = edited("readiness.toml", "per_unit = 2", "per_unit = -1");
    let out = tempfile::tempdir().unwrap();
    let ran = report(bad.path(), out.path(), &[]).code(2);
    assert!(
        ran.stderr.contains("implementations.per_unit") && ran.stderr.contains("0..=100"),
        "{}",
        ran.stderr
    );
}

#[test]
fn explain_lists_the_implementations_planned_for_the_partners_units() {
    let out = tempfile::tempdir().unwrap();
    let data = fixture("implementations");
    let ran = uc([
        "explain",
        "R2",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ])
    .ok();
    assert!(
        ran.stdout.contains(
            "first customer implementations planned:\n  with L2 Left Two: Right Two's Customer (R2A), v2, 100 seats — serviced by R2 Right Two\n  with L2 Left Two: Open Winery (O2), v1, 600 seats\n"
        ),
        "{}",
        ran.stdout
    );
}
