//! Fatal input errors (docs/data-contract.md, "Errors that stop a run"): each names the file and, where it applies, the line and
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
        "skills.csv: missing required column `level` (column names are exact: case-sensitive and not trimmed)"
    );
    // Header names are exact: case and spaces matter — and the message says which
    // column is the near miss.
    assert_eq!(
        fatal(&[(
            "skills.csv",
            Some(b"partner_id,Skill,level,staff,assessed_on\n")
        )]),
        "skills.csv: missing required column `skill`: column `Skill` differs from it only in case or spaces (column names are exact); rename it `skill`"
    );
    assert_eq!(
        fatal(&[(
            "skills.csv",
            Some(b"partner_id, skill,level,staff,assessed_on\n")
        )]),
        "skills.csv: missing required column `skill`: column ` skill` differs from it only in case or spaces (column names are exact); rename it `skill`"
    );
}

/// Issue 12: files as spreadsheets save them are refused with the likely cause and the
/// fix — still fatal, nothing guessed or converted.
#[test]
fn spreadsheet_exports_are_refused_with_the_cause_and_the_fix() {
    let semicolons = "partner_id;name;region;country;track;status;joined_on;capacity\n\
I1;Contoso;North;US;infrastructure;active;2007-06-01;2\n";
    assert_eq!(
        fatal(&[("partners.csv", Some(semicolons.as_bytes()))]),
        "partners.csv: missing required column `partner_id`: the header looks `;`-separated (a spreadsheet in a German or French locale saves CSV so); save the file with commas between columns"
    );
    let tabs = "partner_id\tname\tregion\tcountry\ttrack\tstatus\tjoined_on\tcapacity\n";
    assert!(
        fatal(&[("partners.csv", Some(tabs.as_bytes()))]).ends_with(
            "missing required column `partner_id`: the header looks tab-separated; save the file with commas between columns"
        )
    );
    assert!(
        fatal(&[(
            "partners.csv",
            Some(b"Partner_ID,Name,Region,Country,Track,Status,Joined On,Capacity\n")
        )])
        .ends_with("column `Partner_ID` differs from it only in case or spaces (column names are exact); rename it `partner_id`")
    );
    // UTF-16, as a spreadsheet's "Unicode text" saves it: with its byte-order mark, and
    // without one.
    let utf16: Vec<u8> = "partner_id,name,region,country,track,status,joined_on,capacity\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let with_bom: Vec<u8> = [&b"\xFF\xFE"[..], &utf16].concat();
    assert_eq!(
        fatal(&[("partners.csv", Some(&with_bom))]),
        "partners.csv:1:1: not valid UTF-8: the file starts with a UTF-16 byte-order mark; save it as UTF-8 (a spreadsheet's \"CSV UTF-8\")"
    );
    assert!(
        fatal(&[("partners.csv", Some(&utf16))]).ends_with(
            "the file looks like UTF-16 (NUL bytes between characters); save it as UTF-8"
        ),
    );
    // Windows-1252: é as one byte.
    assert_eq!(
        fatal(&[(
            "targets.csv",
            Some(b"region,track,due_on,partners,pairs\nQu\xe9bec,all,2008-01-01,1,\n")
        )]),
        "targets.csv:2:3: not valid UTF-8: it may be in a legacy encoding such as Windows-1252 or Latin-1; save it as UTF-8"
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
        "targets.csv:2:4: not valid UTF-8: it may be in a legacy encoding such as Windows-1252 or Latin-1; save it as UTF-8"
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
