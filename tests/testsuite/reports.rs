//! `report` end to end: the guarantees of docs/outputs.md and docs/running.md — deterministic bytes, atomic runs that
//! leave earlier reports untouched, a lock between concurrent runs, inert hostile values —
//! plus history and the run-over-run diff, templates and notes.

use std::path::Path;

use crate::support::{fixture, report, tiny_file_plus, tiny_with, tree, uc};

/// A report run that prints its warnings (no `-q`); returns its stderr.
fn report_warnings(data: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args: Vec<std::ffi::OsString> = vec![
        "report".into(),
        "--data".into(),
        data.into(),
        "--out".into(),
        out.into(),
    ];
    args.extend(extra.iter().map(Into::into));
    uc(args).ok().stderr
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_report_has_every_output_and_the_same_bytes_every_time() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    report(&fixture("tiny"), a.path(), &[]).ok();
    report(&fixture("tiny"), b.path(), &["--threads", "1"]).ok();
    let ta = tree(a.path());
    let names: Vec<&str> = ta.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".lock",
            "2008-04-10/data/changes.csv",
            "2008-04-10/data/coverage.csv",
            "2008-04-10/data/gaps.csv",
            "2008-04-10/data/implementations.csv",
            "2008-04-10/data/pairs.csv",
            "2008-04-10/data/partner_scores.csv",
            "2008-04-10/data/rejected.csv",
            "2008-04-10/index.html",
            "2008-04-10/regions/north.html",
            "2008-04-10/regions/north.md",
            "2008-04-10/regions/south.html",
            "2008-04-10/regions/south.md",
            "2008-04-10/report.md",
            "2008-04-10/summary.json",
            "history/2008-04-10.detail.json",
            "history/2008-04-10.json",
        ]
    );
    assert_eq!(ta, tree(b.path()));
    assert_eq!(
        std::fs::read_link(a.path().join("latest")).unwrap(),
        Path::new("2008-04-10")
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&ta["2008-04-10/summary.json"]).unwrap();
    assert_eq!(summary["schema_version"], 1);
    assert_eq!(summary["as_of"], "2008-04-10");
    assert_eq!(summary["total"]["pairs"], 1);
    assert_eq!(summary["total"]["seats"], 2600);
    assert_eq!(summary["regions"]["North"]["ready"], 2);
    // Provenance: the SHA-256 of each input and of the config, exactly (as `sha256sum`
    // prints them for the fixture's files).
    let hashes: Vec<(&str, &str)> = summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["file_name"].as_str().unwrap(),
                i["sha256"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        hashes,
        [
            (
                "partners.csv",
                "3f174ac313daaf9d8231560362babb36a0db6dada12bf6d63d2f8688a7e9c4fb"
            ),
            (
                "skills.csv",
                "f4fd40c4ffbaa830e3d2edc5f97db38a601395b0543c9bee1f29a20e25ff1851"
            ),
            (
                "certifications.csv",
                "c4f2a8e74a00bf3b3ea14821705f4407a0f5f303eeddece6952be42c82687b2d"
            ),
            (
                "installs.csv",
                "dfe34773b84ac02682ed076446928ccf619b4ebf1e919526d384c24ed1588e3d"
            ),
            (
                "targets.csv",
                "90bf2fda51c079228a97facf7c0db2a78411be0ac6ef8d84450a630ea45ff7cd"
            ),
        ]
    );
    assert_eq!(
        summary["config_sha256"],
        "eb2620bf5cd2e3d97af7a0d90498fe183f85790781acdd23a8f09b7c6cb669b8"
    );
    // Per region and track: counted partners per month (docs/coverage.md). North counts I1 (joined
    // 2007-06), T2 (2007-11), I2 (2008-01) and T1 (2008-02).
    let north = String::from_utf8(ta["2008-04-10/regions/north.md"].clone()).unwrap();
    assert!(
        north.contains("| Track | 2007-11 | 2007-12 | 2008-01 | 2008-02 | 2008-03 | 2008-04 |"),
        "{north}"
    );
    assert!(
        north.contains("| infrastructure | 1 | 1 | 2 | 2 | 2 | 2 |"),
        "{north}"
    );
    assert!(
        north.contains("| telephony | 1 | 1 | 1 | 2 | 2 | 2 |"),
        "{north}"
    );
    let index = String::from_utf8(ta["2008-04-10/index.html"].clone()).unwrap();
    assert!(index.starts_with("<!DOCTYPE html>"));
    for (name, bytes) in ta.iter().filter(|(n, _)| n.ends_with(".html")) {
        assert_self_contained(name, &String::from_utf8_lossy(bytes));
    }
}

/// A page fetches nothing when opened: no absolute or protocol-relative address in a
/// `src` or `href` (either quote style), no CSS `url(` or `@import`.
fn assert_self_contained(name: &str, html: &str) {
    let lower = html.to_ascii_lowercase();
    for attr in ["src=", "href=", "srcset=", "poster=", "data=", "action="] {
        for (i, _) in lower.match_indices(attr) {
            let value = lower[i + attr.len()..].trim_start_matches(['"', '\'', ' ']);
            let external = value.starts_with("http:")
                || value.starts_with("https:")
                || value.starts_with("//")
                || value.starts_with("ftp:")
                || value.starts_with("data:");
            // Links to the web are fine only as links a reader clicks (notes' http links).
            let is_link = attr == "href="
                && lower[..i]
                    .rfind('<')
                    .is_some_and(|t| lower[t..].starts_with("<a "));
            assert!(
                !external || is_link,
                "{name}: fetches {}",
                &html[i..(i + 60).min(html.len())]
            );
        }
    }
    assert!(!lower.contains("url("), "{name}: CSS url(");
    assert!(!lower.contains("@import"), "{name}: CSS @import");
    assert!(!lower.contains("<link "), "{name}: <link>");
    assert!(!lower.contains("<script src"), "{name}: external script");
}

#[test]
fn the_self_contained_check_catches_every_way_of_fetching() {
    for bad in [
        "<img src=\"https://x/y.png\">",
        "<img src='http://x/y.png'>",
        "<img src=\"//x/y.png\">",
        "<style>body{background:url(x.png)}</style>",
        "<style>@import 'x.css';</style>",
        "<link rel=stylesheet href=x.css>",
        "<script src=x.js></script>",
        "<a href=x><img srcset=\"//x/y.png 2x\"></a>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_self_contained("t", bad)).is_err();
        assert!(caught, "not caught: {bad}");
    }
    assert_self_contained(
        "t",
        "<a href=\"https://example.com\">ok</a><a href=\"#x\">in</a>",
    );
}

#[test]
fn a_failed_run_leaves_no_partial_output_and_earlier_reports_untouched() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &[]).ok();
    let before = tree(out.path());
    // A template that names a missing variable fails at render time, after the run
    // folder was started (strict mode).
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("region.md.hbs"),
        "{{page.no_such_field}}",
    )
    .unwrap();
    let err = report(
        &fixture("tiny"),
        out.path(),
        &["--templates", templates.path().to_str().unwrap()],
    )
    .code(2)
    .stderr;
    assert!(
        err.contains("region.md") || err.contains("no_such_field"),
        "{err}"
    );
    assert_eq!(
        tree(out.path()),
        before,
        "earlier reports and history untouched, no staging left"
    );
    // A fatal input error fails before anything is written.
    let bad = tiny_with(&[("skills.csv", Some(b"partner_id\n"))]);
    report(bad.path(), out.path(), &[]).code(2);
    assert_eq!(tree(out.path()), before);
    // --strict with rejected rows: exit 1, nothing written.
    report(
        &fixture("tiny"),
        out.path(),
        &["--strict", "--as-of", "2008-05-01"],
    )
    .code(1);
    assert_eq!(tree(out.path()), before);
}

#[test]
fn a_second_run_on_the_same_output_waits_for_no_one_and_says_why() {
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path()).unwrap();
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.path().join(".lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let err = report(&fixture("tiny"), out.path(), &[]).code(2).stderr;
    assert!(
        err.contains("another uc-readiness run is writing to"),
        "{err}"
    );
    assert!(!out.path().join("2008-04-10").exists());
    drop(lock);
    // Released. (A child process another test thread forks at this moment holds a copy
    // of the lock until its exec closes it, for a few milliseconds: try a few times.)
    let ok = (0..50).any(|_| {
        let done = report(&fixture("tiny"), out.path(), &[]).code == Some(0);
        if !done {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        done
    });
    assert!(ok, "the run after the lock was released failed");
    assert!(out.path().join("2008-04-10/summary.json").is_file());
}

#[test]
fn hostile_values_come_out_inert_everywhere() {
    let partners = tiny_file_plus(
        "partners.csv",
        "Z1,\"<script>alert(1)</script> | =HYPERLINK(\"\"http://x\"\") *bold* [x](javascript:alert(1))\",../../etc,US,telephony,active,2008-01-01,\n\
Z2,\"@SUM(A1)\nline two\",A/B,US,infrastructure,active,2008-01-01,\n\
Z3,-cmd|calc,A B,US,infrastructure,active,2008-01-01,",
    );
    let dir = tiny_with(&[("partners.csv", Some(&partners))]);
    let out = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.md");
    std::fs::write(
        &notes,
        "Q2 <script>alert(2)</script> [go](javascript:alert(3)) <img src=x onerror=alert(4)> \
         ![pixel](https://tracker.example/p.png) ![p2](//tracker.example/p.png)",
    )
    .unwrap();
    report(
        dir.path(),
        out.path(),
        &["--notes", notes.to_str().unwrap()],
    )
    .ok();
    let run = out.path().join("2008-04-10");
    // File names: no region escapes the run folder, and two regions never share a file.
    let mut regions: Vec<String> = std::fs::read_dir(run.join("regions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    regions.sort();
    assert_eq!(
        regions,
        [
            "a-b-2.html",
            "a-b-2.md",
            "a-b.html",
            "a-b.md",
            "etc.html",
            "etc.md",
            "north.html",
            "north.md",
            "south.html",
            "south.md"
        ]
    );
    assert!(!out.path().join("etc").exists());
    // HTML: no live markup from the data or the notes, and nothing fetched.
    for file in ["index.html", "regions/etc.html", "regions/a-b.html"] {
        let h = text(&run.join(file));
        assert_self_contained(file, &h);
        assert!(!h.contains("<script>alert"), "{file}");
        assert!(!h.contains("<img src=x"), "{file}");
        assert!(!h.to_lowercase().contains("href=\"javascript"), "{file}");
    }
    let h = text(&run.join("regions/etc.html"));
    assert!(
        h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped, still readable"
    );
    let index = text(&run.join("index.html"));
    assert!(
        index.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "notes: raw HTML shown as text"
    );
    // Markdown: the pipe cannot split the cell, the newline cannot end the row.
    let md = text(&run.join("regions/etc.md"));
    let row = md.lines().find(|l| l.starts_with("| Z1 |")).unwrap();
    assert!(
        row.contains("&lt;script&gt;")
            && row.contains("\\|")
            && row.contains("\\*bold\\*")
            && row.contains("\\[x\\]"),
        "{row}"
    );
    assert_eq!(
        row.matches('|').count() - row.matches("\\|").count(),
        12,
        "11 cells: {row}"
    );
    let md = text(&run.join("report.md"));
    assert!(
        !md.contains("<script") && !md.to_lowercase().contains("javascript:"),
        "{md}"
    );
    let a_b = text(&run.join("regions/a-b-2.md")); // "A/B" sorts after "A B"
    assert!(a_b.contains("@SUM(A1) line two"), "{a_b}");
    // CSV: formulas defused, numbers left alone.
    let csv = text(&run.join("data/partner_scores.csv"));
    assert!(csv.contains("\"'@SUM(A1)\nline two\""), "{csv}");
    assert!(csv.contains("'-cmd|calc"), "{csv}");
}

#[test]
fn history_compares_with_the_previous_run_and_a_rerun_replaces_its_snapshot() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &[]).ok();
    // Two months later H1's avaya certification has lapsed: South loses Avaya.
    report(&fixture("tiny"), out.path(), &["--as-of", "2008-06-10"]).ok();
    let later = out.path().join("2008-06-10");
    let summary: serde_json::Value =
        serde_json::from_str(&text(&later.join("summary.json"))).unwrap();
    assert_eq!(summary["previous"], "2008-04-10");
    let md = text(&later.join("report.md"));
    assert!(md.contains("compared with the run of 2008-04-10"), "{md}");
    assert!(
        md.contains("| Vendors newly uncovered | 1 |")
            && md.contains("| South | Avaya | covered by 1 unit | uncovered |"),
        "{md}"
    );
    assert_eq!(
        std::fs::read_link(out.path().join("latest")).unwrap(),
        Path::new("2008-06-10")
    );
    // Rerunning the earlier date with changed data keeps `latest` on the newest run and
    // replaces only the earlier snapshot — with the new figures.
    let later_snap = text(&out.path().join("history/2008-06-10.json"));
    let earlier_snap = text(&out.path().join("history/2008-04-10.json"));
    let partners = tiny_file_plus(
        "partners.csv",
        "I3,Litware Integration,North,US,infrastructure,active,2008-01-01,",
    );
    let changed = tiny_with(&[("partners.csv", Some(&partners))]);
    report(changed.path(), out.path(), &[]).ok();
    assert_eq!(
        std::fs::read_link(out.path().join("latest")).unwrap(),
        Path::new("2008-06-10")
    );
    assert_eq!(
        text(&out.path().join("history/2008-06-10.json")),
        later_snap
    );
    let rerun: serde_json::Value =
        serde_json::from_str(&text(&out.path().join("history/2008-04-10.json"))).unwrap();
    let before: serde_json::Value = serde_json::from_str(&earlier_snap).unwrap();
    assert_eq!(before["total"]["partners"], 6);
    assert_eq!(rerun["total"]["partners"], 7);
    let detail = text(&out.path().join("history/2008-04-10.detail.json"));
    assert!(detail.contains("\"I3\""), "{detail}");
    let run = text(&out.path().join("2008-04-10/data/partner_scores.csv"));
    assert!(run.contains("I3,Litware Integration"), "{run}");
    let names: Vec<String> = std::fs::read_dir(out.path().join("history"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn only_the_previous_snapshot_detail_is_read_and_inline_detail_still_works() {
    let out = tempfile::tempdir().unwrap();
    let history = out.path().join("history");
    report(&fixture("tiny"), out.path(), &[]).ok();
    report(&fixture("tiny"), out.path(), &["--as-of", "2008-05-10"]).ok();
    // The oldest run's detail is damaged: a run that compares with 2008-05-10 never
    // reads it, so it neither warns nor fails.
    std::fs::write(history.join("2008-04-10.detail.json"), "{ damaged").unwrap();
    let stderr = report_warnings(&fixture("tiny"), out.path(), &["--as-of", "2008-06-10"]);
    assert!(!stderr.contains("warning"), "{stderr}");
    let md = text(&out.path().join("2008-06-10/report.md"));
    assert!(md.contains("compared with the run of 2008-05-10"), "{md}");
    assert!(
        md.contains("| Vendors newly uncovered | 1 |")
            && md.contains("| South | Avaya | covered by 1 unit | uncovered |"),
        "{md}"
    );

    // A snapshot with its detail inline (one file) is read as well.
    let head: serde_json::Value =
        serde_json::from_str(&text(&history.join("2008-05-10.json"))).unwrap();
    let detail: serde_json::Value =
        serde_json::from_str(&text(&history.join("2008-05-10.detail.json"))).unwrap();
    let mut inline = head.as_object().unwrap().clone();
    inline.extend(detail.as_object().unwrap().clone());
    std::fs::write(
        history.join("2008-05-10.json"),
        serde_json::to_string(&inline).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(history.join("2008-05-10.detail.json")).unwrap();
    report(&fixture("tiny"), out.path(), &["--as-of", "2008-06-10"]).ok();
    assert_eq!(text(&out.path().join("2008-06-10/report.md")), md);
}

/// docs/outputs.md, "History": a previous snapshot that cannot be read is named in a warning and in the
/// report, and nothing is compared with it (issue 12: a truncated detail used to show
/// every pair as gained and every covered vendor as newly covered).
#[test]
fn a_damaged_previous_snapshot_is_named_and_nothing_is_compared_with_it() {
    let out = tempfile::tempdir().unwrap();
    let history = out.path().join("history");
    // Two runs whose figures differ, so that a comparison would show changes.
    report(&fixture("tiny"), out.path(), &["--as-of", "2008-03-10"]).ok();
    report(&fixture("tiny"), out.path(), &[]).ok();
    let compared = text(&out.path().join("2008-04-10/report.md"));
    assert!(
        compared.contains("compared with the run of 2008-03-10"),
        "{compared}"
    );
    assert!(compared.contains("since the last run"), "{compared}");

    let detail = history.join("2008-03-10.detail.json");
    let head = history.join("2008-03-10.json");
    let (detail_text, head_text) = (text(&detail), text(&head));
    for (file, damaged) in [
        (&detail, &detail_text[..detail_text.len() / 2]),
        (&detail, ""),
        (&head, &head_text[..head_text.len() / 2]),
    ] {
        std::fs::write(&detail, &detail_text).unwrap();
        std::fs::write(&head, &head_text).unwrap();
        std::fs::write(file, damaged).unwrap();
        let stderr = report_warnings(&fixture("tiny"), out.path(), &[]);
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(
            stderr.contains(&format!("warning: history/{name}: unreadable"))
                && stderr.contains("the previous run (2008-03-10) cannot be compared with"),
            "{stderr}"
        );
        for page in [
            "report.md",
            "index.html",
            "regions/north.md",
            "regions/south.html",
        ] {
            let got = text(&out.path().join("2008-04-10").join(page));
            assert!(
                got.contains("The previous run&#x27;s snapshot (2008-03-10) could not be read")
                    || got.contains("The previous run's snapshot (2008-03-10) could not be read"),
                "{page}: {got}"
            );
            assert!(got.contains(&format!("history/{name}")), "{page}");
            for never in [
                "Pairs gained",
                "newly covered",
                "since the last run",
                "compared with the run of",
            ] {
                assert!(!got.contains(never), "{page} shows `{never}` for {name}");
            }
        }
    }
    // The detail file missing altogether is the same.
    std::fs::write(&head, &head_text).unwrap();
    std::fs::remove_file(&detail).unwrap();
    let stderr = report_warnings(&fixture("tiny"), out.path(), &[]);
    assert!(
        stderr.contains("history/2008-03-10.detail.json: missing"),
        "{stderr}"
    );
    assert!(!text(&out.path().join("2008-04-10/report.md")).contains("Pairs gained"));
}

#[test]
fn templates_are_replaceable_by_file_name_and_a_missing_folder_is_an_error() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("tiles.hbs"),
        "<p id=\"custom-tiles\">{{#each tiles}}{{label}}={{value}};{{/each}}</p>",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    report(
        &fixture("tiny"),
        out.path(),
        &["--templates", templates.path().to_str().unwrap()],
    )
    .ok();
    let index = text(&out.path().join("2008-04-10/index.html"));
    assert!(
        index.contains("<p id=\"custom-tiles\">Ready partners=3 of 5;"),
        "{index}"
    );
    report(
        &fixture("tiny"),
        out.path(),
        &["--templates", "/no/such/folder"],
    )
    .code(2);
}

/// The templates are parsed beside the ingest: a broken one still stops the run before
/// anything is written (an earlier report stays as it was), and it is the error shown
/// even when the data is broken too.
#[test]
fn a_broken_template_stops_the_run_before_the_data_is_judged() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("index.html.hbs"),
        "{{#each tiles}}x{{/if}}",
    )
    .unwrap();
    let flag = ["--templates", templates.path().to_str().unwrap()];
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &[]).ok();
    let before = tree(out.path());
    let err = report(&fixture("tiny"), out.path(), &flag).code(2).stderr;
    assert!(err.contains("invalid template index.html.hbs"), "{err}");
    assert_eq!(tree(out.path()), before, "nothing written");
    let no_skills = tiny_with(&[("skills.csv", None)]);
    let err = report(no_skills.path(), out.path(), &flag).code(2).stderr;
    assert!(err.contains("invalid template index.html.hbs"), "{err}");
    assert!(!err.contains("skills.csv"), "{err}");
    assert_eq!(tree(out.path()), before, "nothing written");
}

#[test]
fn region_limits_a_run_to_the_named_regions() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &["--region", "South"]).ok();
    let run = out.path().join("2008-04-10");
    let names: Vec<String> = tree(&run.join("regions")).into_keys().collect();
    assert_eq!(names, ["south.html", "south.md"]);
    let ids: Vec<String> = text(&run.join("data/partner_scores.csv"))
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["H1", "P1"]);
    assert_eq!(
        text(&run.join("data/pairs.csv")).lines().count(),
        1,
        "North's pair is not in a South run"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&text(&run.join("summary.json"))).unwrap();
    assert_eq!(summary["total"]["partners"], 2);
    assert!(summary["regions"].get("North").is_none());
    let err = report(&fixture("tiny"), out.path(), &["--region", "Atlantis"])
        .code(2)
        .stderr;
    assert!(err.contains("no region `Atlantis`"), "{err}");
}

#[test]
fn parquet_exports_are_typed_and_deterministic() {
    use polars_core::prelude::*;
    use polars_io::prelude::*;
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for out in [&a, &b] {
        report(&fixture("tiny"), out.path(), &["--formats", "parquet"]).ok();
    }
    let data = a.path().join("2008-04-10/data");
    assert_eq!(tree(&data), tree(&b.path().join("2008-04-10/data")));
    let names: Vec<String> = tree(&data).into_keys().collect();
    assert_eq!(
        names,
        [
            "changes.parquet",
            "coverage.parquet",
            "gaps.parquet",
            "implementations.parquet",
            "pairs.parquet",
            "partner_scores.parquet",
            "rejected.parquet"
        ]
    );
    let df = ParquetReader::new(std::fs::File::open(data.join("partner_scores.parquet")).unwrap())
        .finish()
        .unwrap();
    let score = df.column("score").unwrap().f64().unwrap();
    let ids = df.column("partner_id").unwrap().str().unwrap();
    assert_eq!((ids.get(5), score.get(5)), (Some("T2"), Some(70.8)));
    let cov = ParquetReader::new(std::fs::File::open(data.join("coverage.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(cov.column("covered").unwrap().dtype(), &DataType::Boolean);
    assert_eq!(
        cov.column("seats").unwrap().i64().unwrap().get(0),
        Some(1350)
    );
}

/// At phone width a wide table scrolls inside its own box, never the page: every table of
/// every HTML page sits in a keyboard-focusable scroll region named by its caption (or
/// its section's heading), whose id exists on the page.
#[test]
fn every_table_scrolls_in_a_named_focusable_box() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &["--formats", "html"]).ok();
    let pages: Vec<(String, Vec<u8>)> = tree(&out.path().join("latest"))
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .collect();
    assert!(pages.len() >= 3);
    for (name, bytes) in pages {
        let html = String::from_utf8(bytes).unwrap();
        let tables = html.matches("<table").count();
        assert!(tables > 0, "{name} has tables");
        let boxes: Vec<&str> = html
            .split("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"")
            .skip(1)
            .collect();
        assert_eq!(boxes.len(), tables, "{name}: one box per table");
        for b in boxes {
            let id = &b[..b.find('"').unwrap()];
            assert!(
                b[id.len()..]
                    .trim_start_matches("\">")
                    .starts_with("<table"),
                "{name}: the box holds the table"
            );
            assert!(
                html.contains(&format!("id=\"{id}\"")),
                "{name}: #{id} exists"
            );
        }
    }
}

/// The summary answers "are we on target, region by region?": every target of every
/// region with its due date and state (the tiny README works them out), and the
/// attainment chart beside the same figures.
#[test]
fn the_summary_shows_every_regions_targets_and_their_attainment() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &["--formats", "html,md"]).ok();
    let md = std::fs::read_to_string(out.path().join("latest/report.md")).unwrap();
    assert!(
        md.contains(
            "| [North](regions/north.md) | telephony | 2008-06-30 | 2 | 3 | 66.7% | 1 of 2 | open |\n\
             | [North](regions/north.md) | infrastructure | 2008-03-31 | 2 | 2 | 100.0% | — | met |\n\
             | [South](regions/south.md) | all | 2008-01-31 | 1 | 2 | 50.0% | — | missed |\n"
        ),
        "{md}"
    );
    let html = std::fs::read_to_string(out.path().join("latest/index.html")).unwrap();
    for bar in ["2 of 3, open", "2 of 2, met", "1 of 2, missed"] {
        assert!(html.contains(&format!(">{bar}</text>")), "chart text {bar}");
    }
}

/// A region page draws its seat coverage now and with the recommendations side by side
/// (tiny's North: no engagements and no standalone partner, so nothing is covered now;
/// its pairs cover all 2,200 seats).
#[test]
fn a_region_page_charts_coverage_now_and_with_recommendations() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &["--formats", "html"]).ok();
    let html = std::fs::read_to_string(out.path().join("latest/regions/north.html")).unwrap();
    assert!(html.contains(
        "<desc id=\"chart-coverage-north-d\">Now: 0.0% (0 seats); With recommendations: 100.0% (2,200 seats)</desc>"
    ), "{html}");
}

/// The summary opens with sentences written from the figures, each linking to its
/// section; a sentence whose figure is zero is left out (tiny: no uncovered vendor, no
/// engagement, no certification lapsing within 30 days). The tiny README works out the
/// figures: South's 400 of 2,600 seats covered now, all with I1+T2; South's target missed,
/// North's telephony target open at 2 of 3.
#[test]
fn the_summary_opens_with_sentences_from_the_figures() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &["--formats", "html,md"]).ok();
    let md = std::fs::read_to_string(out.path().join("latest/report.md")).unwrap();
    assert!(
        md.contains(
            "## In short\n\n\
             - Seat coverage is 15.4% now and 100.0% with the recommended pairs. [Regions](#regions)\n\
             - 1 of 3 recruitment targets missed, and 1 still open short of their target. [Recruitment progress](#recruitment-progress)\n\n\
             ## Key figures"
        ),
        "{md}"
    );
    let html = std::fs::read_to_string(out.path().join("latest/index.html")).unwrap();
    assert!(html.contains(
        "<li>1 of 3 recruitment targets missed, and 1 still open short of their target. <a href=\"#recruitment\">Recruitment progress</a></li>"
    ));
    assert!(
        html.contains("<h2 id=\"recruitment\">"),
        "the link's target exists"
    );
}

/// A region's counted-partners chart carries its track targets: a level and a marker at
/// the due month (tiny's North: telephony 3 by 2008-06, infrastructure 2 by 2008-03).
#[test]
fn a_regions_trend_chart_marks_its_targets() {
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &["--formats", "html"]).ok();
    let html = std::fs::read_to_string(out.path().join("latest/regions/north.html")).unwrap();
    for mark in [
        "telephony target: 3 partners by 2008-06",
        "infrastructure target: 2 partners by 2008-03",
    ] {
        assert!(html.contains(mark), "{mark}");
    }
    assert!(html.contains(">telephony 3 by 2008-06</text>"));
}

/// The summary's trend chart sums the regions' targets of each track: at each month a
/// target of it is due, every region's latest target of the track due by then. Worked
/// out on the tiny fixture with two more telephony targets: North 1 by 2008-02 and 3 by
/// 2008-06, South 4 by 2008-03 → 1 by 2008-02, 1 + 4 = 5 by 2008-03, 3 + 4 = 7 by
/// 2008-06; infrastructure 2 by 2008-03; South's target for all tracks has no line.
#[test]
fn the_summary_trend_chart_sums_the_regions_targets() {
    let targets = crate::support::tiny_file_plus(
        "targets.csv",
        "South,telephony,2008-03-31,4,\nNorth,telephony,2008-02-29,1,",
    );
    let data = crate::support::tiny_with(&[("targets.csv", Some(&targets))]);
    let out = tempfile::tempdir().unwrap();
    report(data.path(), out.path(), &["--formats", "html"]).ok();
    let html = std::fs::read_to_string(out.path().join("latest/index.html")).unwrap();
    let chart = html
        .split("<svg")
        .find(|svg| svg.contains("id=\"chart-trend-t\""))
        .unwrap();
    for mark in [
        "telephony target: 1 partners by 2008-02",
        "telephony target: 5 partners by 2008-03",
        "telephony target: 7 partners by 2008-06",
        "infrastructure target: 2 partners by 2008-03",
    ] {
        assert!(chart.contains(mark), "{mark}: {chart}");
    }
    assert_eq!(chart.matches("target:").count(), 4, "{chart}");
    // Only each track's latest target is labelled on the chart.
    assert!(chart.contains(">telephony 7 by 2008-06</text>"), "{chart}");
    assert!(
        chart.contains(">infrastructure 2 by 2008-03</text>"),
        "{chart}"
    );
    assert!(!chart.contains(">telephony 5 by 2008-03</text>"), "{chart}");
}
