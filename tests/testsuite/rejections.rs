//! One bad row per rule of the data contract (docs/data-contract.md): each is appended to the worked example and must come
//! back as exactly one entry with the right table, line, column, reason and action.

use uc_readiness::ingest::{self, Action, RejectedRow, Table};

use crate::support::{line_count, load, tiny_file_plus, tiny_with};

struct Case {
    file: &'static str,
    row: &'static str,
    column: &'static str,
    reason: &'static str,
    action: Action,
}

const fn rejected(
    file: &'static str,
    row: &'static str,
    column: &'static str,
    reason: &'static str,
) -> Case {
    Case {
        file,
        row,
        column,
        reason,
        action: Action::Rejected,
    }
}

const CASES: &[Case] = &[
    // partners: partner_id,name,region,country,track,status,joined_on,capacity
    rejected(
        "partners.csv",
        ",Nameless,North,US,telephony,active,2008-01-01,",
        "partner_id",
        "missing value",
    ),
    rejected(
        "partners.csv",
        "I1,Again,North,US,telephony,active,2008-01-01,",
        "partner_id",
        "duplicate partner_id",
    ),
    rejected(
        "partners.csv",
        "N1,,North,US,telephony,active,2008-01-01,",
        "name",
        "missing value",
    ),
    rejected(
        "partners.csv",
        "N1,X,   ,US,telephony,active,2008-01-01,",
        "region",
        "missing value",
    ),
    rejected(
        "partners.csv",
        "N1,X,North,US,carrier,active,2008-01-01,",
        "track",
        "unknown track",
    ),
    rejected(
        "partners.csv",
        "N1,X,North,US,telephony,Active,2008-01-01,",
        "status",
        "invalid status",
    ),
    rejected(
        "partners.csv",
        "N1,X,North,US,telephony,,2008-01-01,",
        "status",
        "missing value",
    ),
    rejected(
        "partners.csv",
        "N1,X,North,US,telephony,active,,",
        "joined_on",
        "missing value (required unless status is prospect)",
    ),
    rejected(
        "partners.csv",
        "N1,X,North,US,telephony,active,2008-1-01,",
        "joined_on",
        "not a date (YYYY-MM-DD)",
    ),
    rejected(
        "partners.csv",
        "N1,X,North,US,telephony,active,2008-01-01,-1",
        "capacity",
        "must be >= 0",
    ),
    rejected(
        "partners.csv",
        "N1,X,North,US,telephony,active,2008-01-01,1.5",
        "capacity",
        "not an integer",
    ),
    rejected(
        "partners.csv",
        "N1,X,North,US,telephony,active,2008-01-01",
        "*",
        "wrong number of fields (the header has 8)",
    ),
    // Several problems: the first failing rule in column order is the one entry.
    rejected(
        "partners.csv",
        "N1,,North,US,carrier,dormant,bad,-1",
        "name",
        "missing value",
    ),
    // skills: partner_id,skill,level,staff,assessed_on
    rejected(
        "skills.csv",
        "ZZ,ocs-deployment,1,1,2008-01-01",
        "partner_id",
        "unknown partner",
    ),
    rejected(
        "skills.csv",
        ",ocs-deployment,1,1,2008-01-01",
        "partner_id",
        "missing value",
    ),
    rejected(
        "skills.csv",
        "I1,telepathy,1,1,2008-01-01",
        "skill",
        "unknown skill",
    ),
    rejected(
        "skills.csv",
        "I1,OCS-deployment,1,1,2008-01-01",
        "skill",
        "unknown skill",
    ),
    rejected(
        "skills.csv",
        "I1,ocs-deployment,5,1,2008-01-01",
        "level",
        "must be <= 4",
    ),
    rejected(
        "skills.csv",
        "I1,ocs-deployment,-1,1,2008-01-01",
        "level",
        "must be >= 0",
    ),
    rejected(
        "skills.csv",
        "I1,ocs-deployment,,1,2008-01-01",
        "level",
        "missing value",
    ),
    rejected(
        "skills.csv",
        "I1,ocs-deployment,2.0,1,2008-01-01",
        "level",
        "not an integer",
    ),
    rejected(
        "skills.csv",
        "I1,ocs-deployment,2,-3,2008-01-01",
        "staff",
        "must be >= 0",
    ),
    rejected(
        "skills.csv",
        "I1,ocs-deployment,2,1,",
        "assessed_on",
        "missing value",
    ),
    rejected(
        "skills.csv",
        "I1,ocs-deployment,2,1,2008-02-30",
        "assessed_on",
        "not a date (YYYY-MM-DD)",
    ),
    Case {
        file: "skills.csv",
        row: "I1,ocs-deployment,2,1,2008-04-11",
        column: "assessed_on",
        reason: "assessed after the as-of date (not yet in effect)",
        action: Action::Ignored,
    },
    // certifications: partner_id,certification,holders,earned_on,expires_on
    rejected(
        "certifications.csv",
        "ZZ,mcts-ocs-2007,1,2007-01-01,",
        "partner_id",
        "unknown partner",
    ),
    rejected(
        "certifications.csv",
        "I1,mcse-nt4,1,2007-01-01,",
        "certification",
        "unknown certification",
    ),
    rejected(
        "certifications.csv",
        "I1,mcts-ocs-2007,0,2007-01-01,",
        "holders",
        "must be >= 1",
    ),
    rejected(
        "certifications.csv",
        "I1,mcts-ocs-2007,,2007-01-01,",
        "holders",
        "missing value",
    ),
    rejected(
        "certifications.csv",
        "I1,mcts-ocs-2007,1,2007-02-30,",
        "earned_on",
        "not a date (YYYY-MM-DD)",
    ),
    rejected(
        "certifications.csv",
        "I1,mcts-ocs-2007,1,2007-01-01,2007-01-01",
        "expires_on",
        "must be after earned_on",
    ),
    rejected(
        "certifications.csv",
        "I1,mcts-ocs-2007,1,2007-01-01,soon",
        "expires_on",
        "not a date (YYYY-MM-DD)",
    ),
    // installs: install_id,customer,region,vendor,product,seats,partner_id,installed_on
    rejected(
        "installs.csv",
        "N1,Again,North,avaya,,10,,",
        "install_id",
        "duplicate install_id",
    ),
    rejected(
        "installs.csv",
        "N9,,North,avaya,,10,,",
        "customer",
        "missing value",
    ),
    rejected(
        "installs.csv",
        "N9,C,,avaya,,10,,",
        "region",
        "missing value",
    ),
    rejected(
        "installs.csv",
        "N9,C,North,ericsson,,10,,",
        "vendor",
        "unknown vendor",
    ),
    rejected(
        "installs.csv",
        "N9,C,North,avaya,,,,",
        "seats",
        "missing value",
    ),
    rejected(
        "installs.csv",
        "N9,C,North,avaya,,ten,,",
        "seats",
        "not an integer",
    ),
    rejected(
        "installs.csv",
        "N9,C,North,avaya,,10,,2008-13-01",
        "installed_on",
        "not a date (YYYY-MM-DD)",
    ),
    // A later rule rejects the row: the unknown partner is not also reported as cleared.
    rejected(
        "installs.csv",
        "N9,C,North,avaya,,10,ZZ,2008-13-01",
        "installed_on",
        "not a date (YYYY-MM-DD)",
    ),
    rejected(
        "installs.csv",
        "N9,C,North,avaya,,10,,,extra",
        "*",
        "wrong number of fields (the header has 8)",
    ),
    Case {
        file: "installs.csv",
        row: "N9,C,North,avaya,,10,ZZ,",
        column: "partner_id",
        reason: "unknown partner",
        action: Action::Cleared,
    },
    // targets: region,track,due_on,partners,pairs
    rejected(
        "targets.csv",
        ",all,2008-01-01,1,",
        "region",
        "missing value",
    ),
    rejected(
        "targets.csv",
        "North,carrier,2008-01-01,1,",
        "track",
        "unknown track (a configured track or `all`)",
    ),
    rejected(
        "targets.csv",
        "North,all,31/12/2008,1,",
        "due_on",
        "not a date (YYYY-MM-DD)",
    ),
    rejected(
        "targets.csv",
        "North,all,2008-01-01,-1,",
        "partners",
        "must be >= 0",
    ),
    rejected(
        "targets.csv",
        "North,all,2008-01-01,1,-2",
        "pairs",
        "must be >= 0",
    ),
];

fn table_of(file: &str) -> Table {
    Table::ALL
        .into_iter()
        .find(|t| file.starts_with(t.as_str()))
        .unwrap()
}

#[test]
fn every_rule_gives_one_exact_entry() {
    let baseline = load(&crate::support::fixture("tiny")).unwrap();
    for case in CASES {
        let bytes = tiny_file_plus(case.file, case.row);
        let dir = tiny_with(&[(case.file, Some(&bytes))]);
        let got = load(dir.path()).unwrap_or_else(|e| panic!("{}: fatal {e}", case.row));
        let new: Vec<&RejectedRow> = got
            .rejected
            .iter()
            .filter(|r| !baseline.rejected.contains(r))
            .collect();
        let line = line_count(case.file) + 1;
        assert_eq!(new.len(), 1, "{}: {new:?}", case.row);
        let r = new[0];
        assert_eq!(
            (r.table, r.line, r.column, r.reason.as_str(), r.action),
            (
                table_of(case.file),
                line,
                case.column,
                case.reason,
                case.action
            ),
            "row {:?}",
            case.row
        );
    }
}

/// Rows on a rule's boundary are kept — and take part: each check below fails if the
/// row were dropped (or, for the assessment dated D, ignored as not yet in effect).
#[test]
fn rows_on_the_boundaries_are_kept() {
    use uc_readiness::config::Status;
    let baseline = load(&crate::support::fixture("tiny")).unwrap();
    type Check = fn(&uc_readiness::ingest::Ingested, &uc_readiness::ingest::Ingested);
    let cases: [(&str, &str, Check); 5] = [
        // Assessed on D: in effect, so I2's ocs-deployment level is 3, no longer 2.
        (
            "skills.csv",
            "I2,ocs-deployment,3,0,2008-04-10",
            |before, got| {
                let config = crate::support::tiny_config();
                let level = |i: &uc_readiness::ingest::Ingested| {
                    let s = uc_readiness::score::score(
                        &i.dataset,
                        &config,
                        crate::support::tiny_as_of(),
                    )
                    .unwrap();
                    let p = i.dataset.partner_id("I2").unwrap() as usize;
                    s.levels[p * s.n_skills + config.skill_id("ocs-deployment").unwrap() as usize]
                };
                assert_eq!((level(before), level(got)), (2, 3));
            },
        ),
        // A prospect without joined_on, capacity 0.
        (
            "partners.csv",
            "N1,X,North,,telephony,prospect,,0",
            |_, got| {
                let p = &got.dataset.partners[got.dataset.partner_id("N1").expect("kept") as usize];
                assert_eq!(
                    (p.status, p.joined_on, p.capacity),
                    (Status::Prospect, None, Some(0))
                );
            },
        ),
        // Expires one day after it was earned.
        (
            "certifications.csv",
            "I1,mcts-ocs-2007,1,2007-01-01,2007-01-02",
            |before, got| {
                assert_eq!(
                    got.dataset.certifications.len(),
                    before.dataset.certifications.len() + 1
                );
            },
        ),
        // No seats.
        ("installs.csv", "N9,C,North,avaya,,0,,", |before, got| {
            assert_eq!(
                got.dataset.installs.len(),
                before.dataset.installs.len() + 1
            );
        }),
        // A target of no partners and no pairs.
        ("targets.csv", "North,all,2008-01-01,0,0", |before, got| {
            assert_eq!(got.dataset.targets.len(), before.dataset.targets.len() + 1);
            assert_eq!(
                got.dataset.targets.last().map(|t| (t.partners, t.pairs)),
                Some((0, Some(0)))
            );
        }),
    ];
    for (file, row, check) in cases {
        let bytes = tiny_file_plus(file, row);
        let dir = tiny_with(&[(file, Some(&bytes))]);
        let got = load(dir.path()).unwrap();
        assert_eq!(got.rejected, baseline.rejected, "{row}");
        check(&baseline, &got);
    }
}

#[test]
fn later_duplicates_are_rejected_even_when_the_first_occurrence_is_invalid() {
    // The first N1 has a bad status; the second is valid but still a duplicate; so N1's
    // skill names no valid partner.
    let partners = tiny_file_plus(
        "partners.csv",
        "N1,X,North,US,telephony,sleeping,2008-01-01,\nN1,Y,North,US,telephony,active,2008-01-01,",
    );
    let skills = tiny_file_plus("skills.csv", "N1,sip-trunking,2,1,2008-01-01");
    let dir = tiny_with(&[
        ("partners.csv", Some(&partners)),
        ("skills.csv", Some(&skills)),
    ]);
    let got = load(dir.path()).unwrap();
    let p = line_count("partners.csv");
    let s = line_count("skills.csv");
    let find = |t: Table, l: u64| {
        got.rejected
            .iter()
            .find(|r| r.table == t && r.line == l)
            .map(|r| r.reason.as_str())
    };
    assert_eq!(find(Table::Partners, p + 1), Some("invalid status"));
    assert_eq!(find(Table::Partners, p + 2), Some("duplicate partner_id"));
    assert_eq!(find(Table::Skills, s + 1), Some("unknown partner"));
    assert!(got.dataset.partner_id("N1").is_none());
}

#[test]
fn the_worked_example_rejects_exactly_what_it_documents() {
    let got = load(&crate::support::fixture("tiny")).unwrap();
    let expected =
        std::fs::read_to_string(crate::support::fixture("tiny/expected/rejected.csv")).unwrap();
    let mut lines = expected.lines();
    assert_eq!(lines.next(), Some("table,line,column,value,reason,action"));
    let want: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let have: Vec<Vec<String>> = got
        .rejected
        .iter()
        .map(|r| {
            vec![
                r.table.as_str().to_string(),
                r.line.to_string(),
                r.column.to_string(),
                r.value.clone(),
                r.reason.clone(),
                r.action.as_str().to_string(),
            ]
        })
        .collect();
    assert_eq!(have, want);
    // The dataset keeps the cleared install with its seats and drops its partner.
    let d = &got.dataset;
    assert_eq!(d.partners.len(), 6);
    assert_eq!(d.installs.len(), 5);
    let rows = d.installs.rows.as_ref().unwrap();
    let n4 = (0..rows.len())
        .find(|&i| rows.details.id.get(i) == "N4")
        .unwrap();
    assert_eq!((rows.seats[n4], rows.partner[n4]), (50, None));
    assert_eq!(rows.details.customer.get(n4), "Coho Winery");
    // The counts agree with the rows: per region and vendor, and per partner.
    let nv = crate::support::tiny_config().vendors.len();
    let mut per_vendor = vec![0u64; d.regions.len() * nv];
    let mut seats = per_vendor.clone();
    let mut serviced = vec![0u32; d.partners.len()];
    for i in 0..rows.len() {
        let cell = rows.region[i] as usize * nv + rows.vendor[i] as usize;
        per_vendor[cell] += 1;
        seats[cell] += rows.seats[i];
        if let Some(p) = rows.partner[i] {
            serviced[p as usize] += 1;
        }
    }
    assert_eq!(d.installs.per_vendor, per_vendor);
    assert_eq!(d.installs.seats, seats);
    assert_eq!(d.installs.serviced, serviced);
    assert_eq!(seats.iter().sum::<u64>(), rows.seats.iter().sum::<u64>());
    assert_eq!(d.regions, vec!["North".to_string(), "South".to_string()]);
    // Without details, the same figures and nothing else.
    let figures = ingest::load(
        &crate::support::fixture("tiny"),
        &crate::support::tiny_config(),
        crate::support::tiny_as_of(),
    )
    .unwrap()
    .dataset;
    assert!(figures.installs.rows.is_none());
    let mut full = got.dataset.clone();
    full.installs.rows = None;
    assert_eq!(figures, full);
}

#[test]
fn duplicate_ids_are_found_across_parallel_chunks_in_file_order() {
    duplicates_across_chunks(None);
}

#[test]
fn duplicate_ids_are_found_between_quoted_and_unquoted_chunks() {
    // From row 75,000 on, ids are quoted: those chunks go through the general CSV reader
    // (their ids are copied), the earlier ones through the quote-free path (their ids
    // stay in the file's text); the twins of early ids now arrive quoted.
    duplicates_across_chunks(Some(75_000));
}

fn duplicates_across_chunks(quote_from: Option<u32>) {
    // About 8 MB of installs: several chunks. Every 1000th row repeats an id from the
    // start of the file; one repeat is also otherwise bad (the duplicate wins), and one
    // first occurrence is bad (its later twin is still a duplicate).
    let mut csv =
        String::from("install_id,customer,region,vendor,product,seats,partner_id,installed_on\n");
    let mut expected = Vec::new();
    let mut line = 1u64;
    for i in 0..150_000u32 {
        line += 1;
        let filler = "x".repeat(40);
        if i == 7 {
            csv.push_str(&format!("ID{i},{filler},North,avaya,,-1,,\n")); // first occurrence, bad seats
            continue;
        }
        let q = if quote_from.is_some_and(|from| i >= from) {
            "\""
        } else {
            ""
        };
        if i > 0 && i % 1000 == 0 {
            let twin = i / 1000 % 10;
            let seats = if i == 5000 { "bad" } else { "3" };
            csv.push_str(&format!(
                "{q}ID{twin}{q},{filler},North,avaya,,{seats},ZZ,\n"
            ));
            expected.push((line, format!("ID{twin}")));
            continue;
        }
        csv.push_str(&format!("{q}ID{i}{q},{filler},North,avaya,,1,,\n"));
    }
    assert!(csv.len() > 8 << 20);
    let dir = tiny_with(&[("installs.csv", Some(csv.as_bytes()))]);
    let got = load(dir.path()).unwrap();
    let dups: Vec<(u64, String)> = got
        .rejected
        .iter()
        .filter(|r| r.table == Table::Installs && r.reason == "duplicate install_id")
        .map(|r| (r.line, r.value.clone()))
        .collect();
    assert_eq!(dups, expected);
    let other: Vec<u64> = got
        .rejected
        .iter()
        .filter(|r| r.table == Table::Installs && r.reason != "duplicate install_id")
        .map(|r| r.line)
        .collect();
    assert_eq!(
        other,
        vec![9],
        "only the bad first occurrence; the duplicates' cleared partners are not reported"
    );
    let d = &got.dataset;
    assert_eq!(d.installs.len(), 150_000 - 1 - expected.len());
    // File order is kept across chunks.
    let rows = d.installs.rows.as_ref().unwrap();
    assert!(rows.line.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(rows.len(), d.installs.len());
}

/// The engagements table used by the engagements cases: one valid row, which claims the
/// pair I1 + T2.
const ENGAGEMENTS: &str = "left_partner_id,right_partner_id,status,started_on,ended_on,implementations\nI1,T2,active,2008-01-01,,2\n";

/// One bad engagements row per rule, in column order (docs/data-contract.md,
/// `engagements`), appended at line 3 of [`ENGAGEMENTS`].
const ENGAGEMENT_CASES: &[(&str, &str, &str, Action)] = &[
    (
        ",T2,active,2008-01-01,,",
        "left_partner_id",
        "missing value",
        Action::Rejected,
    ),
    (
        "ZZ,T2,active,2008-01-01,,",
        "left_partner_id",
        "unknown partner",
        Action::Rejected,
    ),
    // X1's partners row is rejected: no valid partner has its id.
    (
        "X1,T2,active,2008-01-01,,",
        "left_partner_id",
        "unknown partner",
        Action::Rejected,
    ),
    (
        "T1,T2,active,2008-01-01,,",
        "left_partner_id",
        "not a left-track partner",
        Action::Rejected,
    ),
    (
        "I1,,active,2008-01-01,,",
        "right_partner_id",
        "missing value",
        Action::Rejected,
    ),
    (
        "I1,I2,active,2008-01-01,,",
        "right_partner_id",
        "not a right-track partner",
        Action::Rejected,
    ),
    (
        "I1,P1,active,2008-01-01,,",
        "right_partner_id",
        "partners in different regions",
        Action::Rejected,
    ),
    (
        "I1,T2,proposed,,,",
        "right_partner_id",
        "duplicate engagement",
        Action::Rejected,
    ),
    (
        "I2,T1,paused,2008-01-01,,",
        "status",
        "unknown status (one of proposed, active, ended)",
        Action::Rejected,
    ),
    (
        "I2,T1,,2008-01-01,,",
        "status",
        "missing value",
        Action::Rejected,
    ),
    (
        "I2,T1,active,,,",
        "started_on",
        "missing value (required for active and ended engagements)",
        Action::Rejected,
    ),
    (
        "I2,T1,ended,,2008-02-01,",
        "started_on",
        "missing value (required for active and ended engagements)",
        Action::Rejected,
    ),
    (
        "I2,T1,proposed,2008-01-01,,",
        "started_on",
        "must be empty for a proposed engagement",
        Action::Rejected,
    ),
    (
        "I2,T1,active,2008/01/01,,",
        "started_on",
        "not a date (YYYY-MM-DD)",
        Action::Rejected,
    ),
    (
        "I2,T1,ended,2008-01-01,,",
        "ended_on",
        "missing value (required for an ended engagement)",
        Action::Rejected,
    ),
    (
        "I2,T1,active,2008-01-01,2008-02-01,",
        "ended_on",
        "must be empty unless the engagement has ended",
        Action::Rejected,
    ),
    (
        "I2,T1,proposed,,2008-02-01,",
        "ended_on",
        "must be empty unless the engagement has ended",
        Action::Rejected,
    ),
    (
        "I2,T1,ended,2008-01-01,2008-01-01,",
        "ended_on",
        "must be after started_on",
        Action::Rejected,
    ),
    (
        "I2,T1,ended,2008-01-01,2008-02-30,",
        "ended_on",
        "not a date (YYYY-MM-DD)",
        Action::Rejected,
    ),
    (
        "I2,T1,active,2008-01-01,,-1",
        "implementations",
        "must be >= 0",
        Action::Rejected,
    ),
    (
        "I2,T1,active,2008-01-01,,two",
        "implementations",
        "not an integer",
        Action::Rejected,
    ),
    (
        "I2,T1,active,2008-01-01,,,x",
        "*",
        "wrong number of fields (the header has 6)",
        Action::Rejected,
    ),
    // Valid, but it starts after the as-of date (2008-04-10).
    (
        "I2,T1,active,2008-04-11,,",
        "started_on",
        "starts after the as-of date (not yet in effect)",
        Action::Ignored,
    ),
    (
        "I2,T1,ended,2008-04-11,2008-05-01,",
        "started_on",
        "starts after the as-of date (not yet in effect)",
        Action::Ignored,
    ),
];

#[test]
fn every_engagements_rule_gives_one_exact_entry() {
    let base = tiny_with(&[("engagements.csv", Some(ENGAGEMENTS.as_bytes()))]);
    let baseline = load(base.path()).unwrap();
    assert_eq!(
        baseline.dataset.engagements.len(),
        1,
        "the base row is valid"
    );
    for &(row, column, reason, action) in ENGAGEMENT_CASES {
        let text = format!("{ENGAGEMENTS}{row}\n");
        let dir = tiny_with(&[("engagements.csv", Some(text.as_bytes()))]);
        let got = load(dir.path()).unwrap_or_else(|e| panic!("{row}: fatal {e}"));
        let new: Vec<&RejectedRow> = got
            .rejected
            .iter()
            .filter(|r| !baseline.rejected.contains(r))
            .collect();
        assert_eq!(new.len(), 1, "{row}: {new:?}");
        let r = new[0];
        assert_eq!(
            (r.table, r.line, r.column, r.reason.as_str(), r.action),
            (Table::Engagements, 3, column, reason, action),
            "row {row:?}"
        );
        assert_eq!(
            got.dataset.engagements, baseline.dataset.engagements,
            "{row}: dropped"
        );
    }
}

#[test]
fn the_first_engagement_row_claims_its_pair_even_when_invalid() {
    let text = format!(
        "{ENGAGEMENTS}I2,T1,paused,2008-01-01,,\nI2,T1,active,2008-01-01,,\nI2,T1,proposed,,,\n"
    );
    let dir = tiny_with(&[("engagements.csv", Some(text.as_bytes()))]);
    let got = load(dir.path()).unwrap();
    let found: Vec<(u64, &str, &str)> = got
        .rejected
        .iter()
        .filter(|r| r.table == Table::Engagements)
        .map(|r| (r.line, r.column, r.reason.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                3,
                "status",
                "unknown status (one of proposed, active, ended)"
            ),
            (4, "right_partner_id", "duplicate engagement"),
            (5, "right_partner_id", "duplicate engagement"),
        ]
    );
    assert_eq!(got.dataset.engagements.len(), 1);
}

/// Rows on a rule's boundary are kept, and the state on D follows from the dates: an
/// ended engagement is in effect until its `ended_on`, so a report for an earlier date
/// sees the program as it was.
#[test]
fn engagements_on_the_boundaries_are_kept_with_their_state() {
    use uc_readiness::ingest::EngagementState::{Ended, InEffect, Proposed};
    let text = "left_partner_id,right_partner_id,status,started_on,ended_on,implementations\n\
                I1,T1,ended,2008-04-09,2008-04-10,0\n\
                I1,T2,active,2008-04-10,,\n\
                I2,T1,ended,2008-01-01,2008-04-11,3\n\
                I2,T2,proposed,,,\n";
    let dir = tiny_with(&[("engagements.csv", Some(text.as_bytes()))]);
    let got = load(dir.path()).unwrap();
    assert!(
        got.rejected.iter().all(|r| r.table != Table::Engagements),
        "{:?}",
        got.rejected
    );
    let d = &got.dataset;
    let as_of = crate::support::tiny_as_of();
    let states: Vec<(String, String, _, u32)> = d
        .engagements
        .iter()
        .map(|e| {
            (
                d.partners[e.left as usize].id.clone(),
                d.partners[e.right as usize].id.clone(),
                e.state(as_of),
                e.implementations,
            )
        })
        .collect();
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        states,
        [
            (s("I1", "T1").0, s("I1", "T1").1, Ended, 0),
            (s("I1", "T2").0, s("I1", "T2").1, InEffect, 0),
            (s("I2", "T1").0, s("I2", "T1").1, InEffect, 3),
            (s("I2", "T2").0, s("I2", "T2").1, Proposed, 0),
        ]
    );
    // The day before, the first was still in effect.
    let day_before = as_of.pred_opt().unwrap();
    assert_eq!(d.engagements[0].state(day_before), InEffect);
}
