//! The same dataset as CSV, NDJSON and Parquet gives the same `Dataset`; CSV line numbers
//! stay exact with a BOM, CRLF, blank lines and quoted newlines.

use std::path::Path;

use polars_core::prelude::*;
use polars_io::prelude::*;
use uc_readiness::ingest::Dataset;

use crate::support::{load, tiny_with};

const INTEGER_COLUMNS: &[&str] = &[
    "level",
    "staff",
    "holders",
    "seats",
    "capacity",
    "partners",
    "pairs",
    "implementations",
];
const DATE_COLUMNS: &[&str] = &[
    "joined_on",
    "assessed_on",
    "earned_on",
    "expires_on",
    "installed_on",
    "due_on",
    "started_on",
    "ended_on",
];
const TABLES: &[&str] = &[
    "partners",
    "skills",
    "certifications",
    "installs",
    "targets",
    "engagements",
];

/// An engagements table for the worked example: one of each state, and a bad row.
const ENGAGEMENTS: &str = "left_partner_id,right_partner_id,status,started_on,ended_on,implementations\n\
    I1,T2,active,2008-01-01,,2\n\
    I2,T1,ended,2007-10-01,2008-02-01,1\n\
    I2,T2,proposed,,,\n\
    I1,T1,active,2008-01-01,2008-02-01,\n";

/// The worked example with [`ENGAGEMENTS`].
fn tiny_engaged() -> tempfile::TempDir {
    tiny_with(&[("engagements.csv", Some(ENGAGEMENTS.as_bytes()))])
}

/// A CSV table as (header, rows of optional cells).
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            rec.unwrap()
                .iter()
                .map(|c| (!c.trim().is_empty()).then(|| c.trim().to_string()))
                .collect()
        })
        .collect();
    (header, rows)
}

fn is_int(col: &str, v: &str) -> bool {
    INTEGER_COLUMNS.contains(&col) && v.parse::<i64>().is_ok()
}

fn to_ndjson(header: &[String], rows: &[Vec<Option<String>>]) -> String {
    let mut out = String::new();
    for row in rows {
        let mut obj = serde_json::Map::new();
        for (h, v) in header.iter().zip(row) {
            let value = match v {
                None => serde_json::Value::Null,
                Some(v) if is_int(h, v) => serde_json::Value::from(v.parse::<i64>().unwrap()),
                Some(v) => serde_json::Value::from(v.as_str()),
            };
            obj.insert(h.clone(), value);
        }
        out.push_str(&serde_json::Value::Object(obj).to_string());
        out.push('\n');
    }
    out
}

/// Typed Parquet: integers as Int64, valid dates as Date, the rest as strings. A column
/// holding a value that does not fit its type (the worked example's bad rows) stays text.
fn to_parquet(header: &[String], rows: &[Vec<Option<String>>], path: &Path) {
    let mut columns = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let cells: Vec<Option<&str>> = rows.iter().map(|r| r[i].as_deref()).collect();
        let all = |f: &dyn Fn(&str) -> bool| cells.iter().flatten().all(|v| f(v));
        let name: PlSmallStr = h.as_str().into();
        let col = if INTEGER_COLUMNS.contains(&h.as_str()) && all(&|v| v.parse::<i64>().is_ok()) {
            let v: Vec<Option<i64>> = cells
                .iter()
                .map(|c| c.map(|v| v.parse().unwrap()))
                .collect();
            Column::new(name, v)
        } else if DATE_COLUMNS.contains(&h.as_str())
            && all(&|v| uc_readiness::config::parse_date(v).is_some())
        {
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            let v: Vec<Option<i32>> = cells
                .iter()
                .map(|c| {
                    c.map(|v| {
                        (uc_readiness::config::parse_date(v).unwrap() - epoch).num_days() as i32
                    })
                })
                .collect();
            Series::new(name, v).into_date().into_column()
        } else {
            Column::new(name, cells)
        };
        columns.push(col);
    }
    let mut df = DataFrame::new_infer_height(columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

/// The dataset with every source line zeroed: line numbers differ between formats by
/// design (CSV counts its header line, Parquet counts rows).
fn without_lines(mut d: Dataset) -> Dataset {
    d.partners.iter_mut().for_each(|p| p.line = 0);
    d.assessments.iter_mut().for_each(|p| p.line = 0);
    d.certifications.iter_mut().for_each(|p| p.line = 0);
    d.targets.iter_mut().for_each(|p| p.line = 0);
    d.engagements.iter_mut().for_each(|p| p.line = 0);
    if let Some(rows) = &mut d.installs.rows {
        rows.line.iter_mut().for_each(|l| *l = 0);
    }
    // Where an install is in its file: a byte for CSV, a line for the others.
    let plan = &mut d.installs.plan;
    plan.open
        .iter_mut()
        .flatten()
        .chain(plan.serviced.iter_mut())
        .for_each(|i| i.at = 0);
    d
}

fn converted(ext: &str) -> tempfile::TempDir {
    let dir = tiny_engaged();
    for t in TABLES {
        let csv_path = dir.path().join(format!("{t}.csv"));
        let (header, rows) = read_csv(&csv_path);
        std::fs::remove_file(&csv_path).unwrap();
        let out = dir.path().join(format!("{t}.{ext}"));
        match ext {
            "parquet" => to_parquet(&header, &rows, &out),
            _ => std::fs::write(&out, to_ndjson(&header, &rows)).unwrap(),
        }
    }
    dir
}

#[test]
fn csv_ndjson_and_parquet_give_the_same_dataset() {
    let engaged = tiny_engaged();
    let from_csv = load(engaged.path()).unwrap();
    assert_eq!(from_csv.dataset.engagements.len(), 3);
    for ext in ["ndjson", "jsonl", "parquet"] {
        let dir = converted(ext);
        let other = load(dir.path()).unwrap();
        assert_eq!(
            without_lines(other.dataset),
            without_lines(from_csv.dataset.clone()),
            "{ext}"
        );
        // The same problems, on the same rows: NDJSON and Parquet number data rows from
        // 1 where CSV's header takes line 1.
        let shifted: Vec<_> = from_csv
            .rejected
            .iter()
            .map(|r| (r.table, r.line - 1, r.column, r.reason.clone(), r.action))
            .collect();
        let got: Vec<_> = other
            .rejected
            .iter()
            .map(|r| (r.table, r.line, r.column, r.reason.clone(), r.action))
            .collect();
        assert_eq!(got, shifted, "{ext}");
    }
}

#[test]
fn parquet_holds_typed_integers_and_dates() {
    let dir = converted("parquet");
    let df = ParquetReader::new(std::fs::File::open(dir.path().join("skills.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.column("level").unwrap().dtype(), &DataType::Int64);
    assert_eq!(df.column("assessed_on").unwrap().dtype(), &DataType::Date);
}

/// docs/data-contract.md: in NDJSON and Parquet an integer is an integer-typed value or a float with
/// no fractional part; a string is not one, whatever it spells (issue 12: `"level": "2"`
/// was taken as level 2). Dates stay strings in both.
#[test]
fn ndjson_and_parquet_integers_must_be_numbers_and_whole() {
    let targets =
        b"{\"region\":\"North\",\"track\":\"all\",\"due_on\":\"2008-01-01\",\"partners\":2.0}\n\
{\"region\":\"North\",\"track\":\"all\",\"due_on\":\"2008-01-01\",\"partners\":2.5}\n\
{\"region\":\"North\",\"track\":\"all\",\"due_on\":\"2008-01-01\",\"partners\":[2]}\n\
{\"region\":\"North\",\"track\":\"all\",\"due_on\":\"2008-01-01\",\"partners\":\"2\"}\n\
{\"region\":\"North\",\"track\":\"all\",\"due_on\":\"2008-01-01\",\"partners\":3,\"pairs\":\" 1 \"}\n";
    let dir = tiny_with(&[("targets.csv", None), ("targets.ndjson", Some(targets))]);
    let got = load(dir.path()).unwrap();
    assert_eq!(got.dataset.targets.len(), 1);
    assert_eq!(got.dataset.targets[0].partners, 2);
    let bad: Vec<_> = got
        .rejected
        .iter()
        .filter(|r| r.table == uc_readiness::ingest::Table::Targets)
        .map(|r| (r.line, r.column, r.value.as_str(), r.reason.as_str()))
        .collect();
    let string = "not an integer (a string, not a number)";
    assert_eq!(
        bad,
        vec![
            (2, "partners", "2.5", "not an integer"),
            (3, "partners", "a JSON array", "not an integer"),
            (4, "partners", "2", string),
            (5, "pairs", "1", string),
        ]
    );

    // Parquet: a string column of digits is not an integer column.
    let skills = tiny_with(&[]);
    let path = skills.path().join("skills.csv");
    let (header, rows) = read_csv(&path);
    std::fs::remove_file(&path).unwrap();
    let mut columns = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let cells: Vec<Option<&str>> = rows.iter().map(|r| r[i].as_deref()).collect();
        columns.push(Column::new(h.as_str().into(), cells)); // every column a string
    }
    let mut df = DataFrame::new_infer_height(columns).unwrap();
    ParquetWriter::new(std::fs::File::create(skills.path().join("skills.parquet")).unwrap())
        .finish(&mut df)
        .unwrap();
    let got = load(skills.path()).unwrap();
    assert!(got.dataset.assessments.is_empty());
    let reasons: Vec<_> = got
        .rejected
        .iter()
        .filter(|r| r.table == uc_readiness::ingest::Table::Skills)
        .map(|r| (r.column, r.reason.as_str()))
        .collect();
    // Rows whose partner is valid fail at `level`; the others at their partner first.
    assert!(reasons.contains(&("level", string)), "{reasons:?}");
    assert!(
        reasons
            .iter()
            .all(|r| r.1 == string || r.1 == "unknown partner"),
        "{reasons:?}"
    );
}

#[test]
fn csv_with_bom_crlf_blank_lines_and_quoted_newlines_keeps_exact_lines() {
    let partners = "\u{feff}partner_id,name,region,country,track,status,joined_on,capacity\r\n\
\r\n\
I1,\"Contoso Systems,\r\nInc.\",North,US,infrastructure,active,2007-06-01,2\r\n\
\r\n\
T2,Tailspin Telephony,North,US,telephony,active,2007-11-20,1\r\n\
X1,\"Bad \"\"Status\"\"\",North,US,telephony,dormant,2008-01-01,\r\n";
    let dir = tiny_with(&[("partners.csv", Some(partners.as_bytes()))]);
    let got = load(dir.path()).unwrap();
    let d = &got.dataset;
    let lines: Vec<(&str, u64)> = d.partners.iter().map(|p| (p.id.as_str(), p.line)).collect();
    assert_eq!(lines, vec![("I1", 3), ("T2", 6)]);
    assert_eq!(d.partners[0].name, "Contoso Systems,\r\nInc.");
    let x1 = got.rejected.iter().find(|r| r.value == "dormant").unwrap();
    assert_eq!(x1.line, 7);
}

/// The planned first customer implementations name their installs the same whatever the
/// installs table's format: `install_id` and `customer` are read again from the file (by
/// byte for CSV, by line for NDJSON and Parquet) only for the installs planned.
#[test]
fn planned_installs_are_named_alike_in_every_format() {
    let engaged = tiny_engaged();
    let planned = |dir: &std::path::Path| {
        let out = tempfile::tempdir().unwrap();
        crate::support::report(dir, out.path(), &["--formats", "csv"]).ok();
        std::fs::read_to_string(out.path().join("latest/data/implementations.csv")).unwrap()
    };
    let csv = planned(engaged.path());
    // Each planned install's id and customer, as the installs table has them.
    let (_, installs) = read_csv(&engaged.path().join("installs.csv"));
    let mut planned_rows = csv::Reader::from_reader(csv.as_bytes());
    let mut n = 0;
    for row in planned_rows.records() {
        let row = row.unwrap();
        let (id, customer) = (row[2].to_string(), row[3].to_string());
        assert!(
            installs.iter().any(|r| r[0].as_deref() == Some(id.as_str())
                && r[1].as_deref() == Some(customer.as_str())),
            "{id} {customer} is an install of the table"
        );
        n += 1;
    }
    assert!(n > 0, "the fixture plans implementations");
    for ext in ["ndjson", "parquet"] {
        assert_eq!(planned(converted(ext).path()), csv, "{ext}");
    }
}
