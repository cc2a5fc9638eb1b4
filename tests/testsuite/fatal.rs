//! Fatal input errors (SPEC §1): each names the file and, where it applies, the line and
//! column; none panics.

use crate::support::{load, tiny_file_plus, tiny_with};

fn fatal(changes: &[(&str, Option<&[u8]>)]) -> String {
    let dir = tiny_with(changes);
    match load(dir.path()) {
        Ok(_) => panic!("expected a fatal error for {changes:?}"),
        Err(e) => {
            let text = e.to_string();
            // Report paths relative to the temp folder, so assertions read well.
            text.replace(&format!("{}/", dir.path().display()), "")
                .replace(&dir.path().display().to_string(), "DIR")
        }
    }
}

#[test]
fn a_missing_required_table() {
    assert_eq!(
        fatal(&[("skills.csv", None)]),
        "DIR: required table `skills` is missing (expected skills.csv, skills.parquet, skills.ndjson or skills.jsonl)"
    );
}

#[test]
fn the_optional_table_may_be_missing() {
    let dir = tiny_with(&[("targets.csv", None)]);
    assert!(load(dir.path()).unwrap().dataset.targets.is_empty());
}

#[test]
fn two_files_for_one_table() {
    let csv = std::fs::read(crate::support::fixture("tiny/installs.csv")).unwrap();
    assert_eq!(
        fatal(&[("installs.jsonl", Some(&csv))]),
        "DIR: two files for table `installs`: installs.csv, installs.jsonl (keep exactly one)"
    );
}

#[test]
fn a_missing_required_column() {
    assert_eq!(
        fatal(&[("skills.csv", Some(b"partner_id,skill,staff,assessed_on\n"))]),
        "skills.csv: missing required column `level` (columns are case-sensitive and not trimmed)"
    );
    // Header names are exact: case and spaces matter.
    assert!(
        fatal(&[(
            "skills.csv",
            Some(b"partner_id,Skill,level,staff,assessed_on\n")
        )])
        .contains("`skill`")
    );
    assert!(
        fatal(&[(
            "skills.csv",
            Some(b"partner_id, skill,level,staff,assessed_on\n")
        )])
        .contains("`skill`")
    );
}

#[test]
fn a_duplicate_header() {
    assert_eq!(
        fatal(&[(
            "skills.csv",
            Some(b"partner_id,skill,level,level,assessed_on\n")
        )]),
        "skills.csv:1:level: duplicate column `level` in the header"
    );
}

#[test]
fn an_unclosed_quote_names_the_line_where_it_opened() {
    let bytes = tiny_file_plus(
        "installs.csv",
        "N9,\"Open Quote Ltd,North,avaya,,10,,\nN10,C,North,avaya,,1,,",
    );
    let line = crate::support::line_count("installs.csv") + 1;
    assert_eq!(
        fatal(&[("installs.csv", Some(&bytes))]),
        format!("installs.csv:{line}: unclosed quote: the quoted field opened here never ends")
    );
}

#[test]
fn invalid_utf8_names_line_and_column() {
    assert_eq!(
        fatal(&[(
            "targets.csv",
            Some(b"region,track,due_on,partners,pairs\nNor\xffth,all,2008-01-01,1,\n")
        )]),
        "targets.csv:2:4: not valid UTF-8"
    );
}

#[test]
fn an_empty_file_has_no_header() {
    assert_eq!(
        fatal(&[("targets.csv", Some(b""))]),
        "targets.csv: empty file: no header line"
    );
}

#[test]
fn a_header_only_file_is_an_empty_table() {
    let dir = tiny_with(&[("targets.csv", Some(b"region,track,due_on,partners,pairs\n"))]);
    assert!(load(dir.path()).unwrap().dataset.targets.is_empty());
}

#[test]
fn extra_columns_are_ignored_with_a_warning() {
    let dir = tiny_with(&[(
        "targets.csv",
        Some(b"region,track,due_on,partners,pairs,owner\nNorth,all,2008-01-01,1,,me\n"),
    )]);
    let got = load(dir.path()).unwrap();
    assert_eq!(got.dataset.targets.len(), 1);
    assert_eq!(got.warnings.len(), 1);
    assert!(
        got.warnings[0].ends_with("targets.csv: extra column `owner` ignored"),
        "{:?}",
        got.warnings
    );
}

#[test]
fn invalid_ndjson_names_line_and_column() {
    let dir = tiny_with(&[
        ("targets.csv", None),
        (
            "targets.ndjson",
            Some(b"{\"region\":\"North\",\"track\":\"all\",\"due_on\":\"2008-01-01\",\"partners\":1}\n\n{\"region\": oops}\n"),
        ),
    ]);
    let err = load(dir.path()).err().unwrap();
    assert_eq!((err.line, err.column.as_deref()), (Some(3), Some("12")));
    assert!(
        err.message.starts_with("not a JSON object"),
        "{}",
        err.message
    );
}

#[test]
fn a_duplicate_ndjson_key_is_a_duplicate_header() {
    let dir = tiny_with(&[
        ("targets.csv", None),
        (
            "targets.ndjson",
            Some(b"{\"region\":\"North\",\"track\":\"all\",\"due_on\":\"2008-01-01\",\"partners\":1,\"partners\":2}\n"),
        ),
    ]);
    let err = load(dir.path()).err().unwrap();
    assert_eq!(err.message, "duplicate key `partners`");
    assert_eq!(err.line, Some(1));
}

#[test]
fn a_file_that_is_not_parquet() {
    let dir = tiny_with(&[
        ("targets.csv", None),
        ("targets.parquet", Some(b"PAR1 not really")),
    ]);
    let err = load(dir.path()).err().unwrap();
    assert!(
        err.message.starts_with("not a readable Parquet file"),
        "{}",
        err.message
    );
    assert!(err.path.ends_with("targets.parquet"));
}
