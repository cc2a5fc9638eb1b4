//! The binary run as a real process: `validate` output and exit codes, flags that change
//! what is read (`--as-of`, `--config`), missing files, `--strict`, usage errors.

use crate::support::{fixture, report, tiny_file_plus, tiny_with, uc, validate};

#[test]
fn validate_lists_problems_and_exits_1_on_rejected_rows() {
    let out = validate(&fixture("tiny"), &[]).code(1).stdout;
    let dir = fixture("tiny").display().to_string();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        &lines[..6],
        &[
            format!("{dir}/partners.csv:8:status: invalid status (dormant)").as_str(),
            format!("{dir}/skills.csv:13:assessed_on: assessed after the as-of date (not yet in effect) (2008-05-01) [ignored]").as_str(),
            format!("{dir}/skills.csv:18:partner_id: unknown partner (X1)").as_str(),
            format!("{dir}/skills.csv:19:partner_id: unknown partner (T9)").as_str(),
            format!("{dir}/installs.csv:5:partner_id: unknown partner (ZZ9) [cleared]").as_str(),
            format!("{dir}/installs.csv:7:seats: must be >= 0 (-5)").as_str(),
        ]
    );
    assert!(
        out.contains("       2 rejected skills         unknown partner\n"),
        "{out}"
    );
}

#[test]
fn validate_exits_0_when_nothing_is_rejected() {
    // Only an ignored assessment and a cleared partner remain: not failures.
    let partners = std::fs::read_to_string(fixture("tiny/partners.csv"))
        .unwrap()
        .replace("dormant", "active");
    let skills = std::fs::read_to_string(fixture("tiny/skills.csv"))
        .unwrap()
        .replace("T9,", "T1,");
    let installs = std::fs::read_to_string(fixture("tiny/installs.csv"))
        .unwrap()
        .replace(",-5,", ",5,");
    let dir = tiny_with(&[
        ("partners.csv", Some(partners.as_bytes())),
        ("skills.csv", Some(skills.as_bytes())),
        ("installs.csv", Some(installs.as_bytes())),
    ]);
    let out = validate(dir.path(), &[]).code(0).stdout;
    assert!(
        out.contains("[ignored]") && out.contains("[cleared]"),
        "{out}"
    );
}

#[test]
fn validate_exits_2_on_fatal_input_and_names_the_file() {
    let dir = tiny_with(&[("skills.csv", Some(b"partner_id,skill\n"))]);
    let err = validate(dir.path(), &[]).code(2).stderr;
    assert!(
        err.starts_with("error: ") && err.contains("skills.csv: missing required column `level`"),
        "{err}"
    );
}

#[test]
fn validate_exits_2_on_a_bad_config_or_date() {
    let dir = tiny_with(&[("readiness.toml", Some(b"[gaps]\nclosest_candidates = -1\n"))]);
    let err = validate(dir.path(), &[]).code(2).stderr;
    assert!(err.contains("gaps.closest_candidates"), "{err}");
    validate(&fixture("tiny"), &["--as-of", "10/04/2008"]).code(2);
    validate(std::path::Path::new("/nonexistent/folder"), &[]).code(2);
}

#[test]
fn as_of_flag_overrides_the_config() {
    // On the config's date (2008-04-10) T2's sip-trunking assessment of 2008-05-01 is
    // not yet in effect; on 2008-05-01 it is, so it is no longer listed as ignored.
    // The example's rejected rows remain either way: exit 1.
    let listing = |extra: &[&str]| validate(&fixture("tiny"), extra).code(1).stdout;
    assert!(listing(&[]).contains("skills.csv:13:assessed_on: assessed after the as-of date"));
    assert!(!listing(&["--as-of", "2008-05-01"]).contains("[ignored]"));
    // `report` names its run folder by the flag's date.
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &["--as-of", "2008-05-01"]).ok();
    assert!(out.path().join("2008-05-01/summary.json").is_file());
    assert!(!out.path().join("2008-04-10").exists());
}

/// `--config FILE` is read instead of `DATA/readiness.toml`.
#[test]
fn config_flag_reads_another_file() {
    let other = tempfile::tempdir().unwrap();
    let toml = std::fs::read_to_string(fixture("tiny/readiness.toml"))
        .unwrap()
        .replace("Tiny worked example", "Elsewhere")
        .replace("as_of = \"2008-04-10\"", "as_of = \"2008-03-01\"");
    let path = other.path().join("custom.toml");
    std::fs::write(&path, toml).unwrap();
    let out = tempfile::tempdir().unwrap();
    let config = path.to_str().unwrap();
    report(
        &fixture("tiny"),
        out.path(),
        &["--formats", "json", "--config", config],
    )
    .ok();
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("2008-03-01/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["title"], "Elsewhere");
    // A missing --config file is named.
    let err = validate(&fixture("tiny"), &["--config", "/no/such/custom.toml"])
        .code(2)
        .stderr;
    assert!(err.contains("/no/such/custom.toml"), "{err}");
}

/// The data folder without its config, alone (every table present): exit 2 and the
/// message names `readiness.toml`; nothing is written.
#[test]
fn a_missing_config_file_alone_is_named() {
    let dir = tiny_with(&[("readiness.toml", None)]);
    let out = tempfile::tempdir().unwrap();
    for run in [
        validate(dir.path(), &[]),
        report(dir.path(), out.path(), &[]),
    ] {
        let err = run.code(2).stderr;
        assert!(
            err.starts_with("error: ") && err.contains("readiness.toml"),
            "{err}"
        );
    }
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

/// One required table missing, alone (config and other tables present).
#[test]
fn a_missing_table_alone_is_named() {
    let dir = tiny_with(&[("certifications.csv", None)]);
    let out = tempfile::tempdir().unwrap();
    let err = report(dir.path(), out.path(), &[]).code(2).stderr;
    assert!(
        err.contains("required table `certifications` is missing (expected certifications.csv, certifications.parquet, certifications.ndjson or certifications.jsonl)"),
        "{err}"
    );
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

/// A CSV header may leave out the optional columns (partners' `country` and `capacity`,
/// skills' `staff`, certifications' `expires_on`, installs' `product`, `partner_id` and
/// `installed_on`, targets' `pairs`): the rows load with the defaults.
#[test]
fn a_csv_header_without_its_optional_columns() {
    let dir = tiny_with(&[
        (
            "partners.csv",
            Some(b"partner_id,name,region,track,status,joined_on\nI1,Contoso,North,infrastructure,active,2007-06-01\nT1,Northwind,North,telephony,active,2008-02-01\n"),
        ),
        ("skills.csv", Some(b"partner_id,skill,level,assessed_on\nI1,ocs-deployment,3,2008-01-10\n")),
        (
            "certifications.csv",
            Some(b"partner_id,certification,holders,earned_on\nI1,mcts-ocs-2007,1,2007-01-31\n"),
        ),
        ("installs.csv", Some(b"install_id,customer,region,vendor,seats\nN1,Lucerne,North,avaya,10\n")),
        ("targets.csv", Some(b"region,track,due_on,partners\nNorth,all,2008-06-30,2\n")),
    ]);
    let out = validate(dir.path(), &[]).code(0).stdout;
    assert!(!out.contains(" rejected "), "{out}");
    let got = crate::support::load(dir.path()).unwrap();
    let d = &got.dataset;
    assert_eq!(
        (
            d.partners.len(),
            d.assessments.len(),
            d.certifications.len()
        ),
        (2, 1, 1)
    );
    assert_eq!(
        d.partners[0].capacity, None,
        "the pairing's default capacity applies"
    );
    assert_eq!(d.assessments[0].staff, None);
    // earned_on 2007-01-31 + 36 months.
    assert_eq!(d.certifications[0].expires_on.to_string(), "2010-01-31");
    assert_eq!((d.installs.len(), d.targets.len()), (1, 1));
    assert_eq!(d.targets[0].pairs, None);
}

/// `report --strict` lists every rejected row on stderr, as `validate` does, then the
/// count; exit 1, nothing written.
#[test]
fn strict_lists_every_rejected_row_on_stderr() {
    let out = tempfile::tempdir().unwrap();
    let err = uc([
        "report".as_ref(),
        "--strict".as_ref(),
        "--data".as_ref(),
        fixture("tiny").as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ])
    .code(1)
    .stderr;
    let dir = fixture("tiny").display().to_string();
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("warning:")).collect();
    assert_eq!(
        lines,
        [
            format!("{dir}/partners.csv:8:status: invalid status (dormant)").as_str(),
            format!("{dir}/skills.csv:18:partner_id: unknown partner (X1)").as_str(),
            format!("{dir}/skills.csv:19:partner_id: unknown partner (T9)").as_str(),
            format!("{dir}/installs.csv:7:seats: must be >= 0 (-5)").as_str(),
            "--strict: 4 rows rejected; nothing written",
        ]
    );
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn validate_shows_the_first_few_per_reason_unless_all() {
    let mut rows = String::new();
    for i in 0..12 {
        rows.push_str(&format!("B{i},telepathy,1,1,2008-01-01\n"));
    }
    let skills = tiny_file_plus("skills.csv", rows.trim_end());
    let dir = tiny_with(&[("skills.csv", Some(&skills))]);
    let short = validate(dir.path(), &[]).code(1).stdout;
    // 2 unknown partners in the example + 12 new ones: 5 shown.
    assert_eq!(
        short.matches(": unknown partner (").count(),
        5 + 1,
        "{short}"
    );
    assert!(
        short.contains("      14 rejected skills         unknown partner"),
        "{short}"
    );
    assert!(
        short.contains("more problems not listed above: --all lists every one"),
        "{short}"
    );
    let all = validate(dir.path(), &["--all"]).code(1).stdout;
    assert_eq!(all.matches(": unknown partner (").count(), 14 + 1);
}

#[test]
fn usage_errors_exit_2() {
    uc(["validate", "--no-such-flag"]).code(2);
    uc(["frobnicate"]).code(2);
    let out = tempfile::tempdir().unwrap();
    report(&fixture("tiny"), out.path(), &["--formats", "pdf"]).code(2);
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
}
