//! `sample` (docs/running.md): the same arguments give the same bytes, another seed other
//! bytes; a clean sample validates, a dirty one has every kind of problem; sizes out of
//! range are refused.

use std::path::Path;

use crate::support::{Ran, tree, uc, validate};

fn sample_run(dir: &Path, args: &[&str]) -> Ran {
    let mut all: Vec<std::ffi::OsString> = vec!["sample".into(), "--out".into(), dir.into()];
    all.extend(args.iter().map(Into::into));
    uc(all)
}

fn sample(dir: &Path, args: &[&str]) {
    sample_run(dir, args).ok();
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    tree(dir).into_iter().collect()
}

#[test]
fn sample_is_deterministic_and_seed_sensitive() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let args = [
        "--partners",
        "120",
        "--installs",
        "900",
        "--regions",
        "5",
        "--dirty",
        "0.05",
    ];
    sample(a.path(), &args);
    sample(b.path(), &args);
    sample(c.path(), &[&args[..], &["--seed", "2"]].concat());
    assert_eq!(files(a.path()), files(b.path()));
    assert_ne!(files(a.path()), files(c.path()));
    let names: Vec<String> = files(a.path()).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "certifications.csv",
            "engagements.csv",
            "installs.csv",
            "partners.csv",
            "readiness.toml",
            "skills.csv",
            "targets.csv"
        ]
    );
}

#[test]
fn a_clean_sample_validates_and_a_dirty_one_has_every_kind_of_problem() {
    let clean = tempfile::tempdir().unwrap();
    sample(clean.path(), &["--partners", "200", "--installs", "1000"]);
    let out = validate(clean.path(), &[]).code(0).stdout;
    // Natural re-assessments after the as-of date are ignored, never rejected.
    assert!(!out.contains(" rejected "), "{out}");

    let dirty = tempfile::tempdir().unwrap();
    sample(
        dirty.path(),
        &[
            "--partners",
            "2000",
            "--installs",
            "20000",
            "--dirty",
            "0.05",
        ],
    );
    let out = validate(dirty.path(), &[]).code(1).stdout;
    for kind in [
        "rejected partners       duplicate partner_id",
        "rejected partners       invalid status",
        "rejected partners       unknown track",
        "rejected partners       must be >= 0",
        "rejected partners       wrong number of fields",
        "rejected skills         unknown skill",
        "rejected skills         must be <= 4",
        "ignored  skills         assessed after the as-of date",
        "rejected certifications must be after earned_on",
        "rejected certifications unknown certification",
        "rejected installs       duplicate install_id",
        "rejected installs       unknown vendor",
        "cleared  installs       unknown partner",
        "rejected installs       not a date (YYYY-MM-DD)",
        "rejected engagements    unknown partner",
        "rejected engagements    not a left-track partner",
        "rejected engagements    not a right-track partner",
        "rejected engagements    partners in different regions",
        "rejected engagements    duplicate engagement",
        "rejected engagements    unknown status",
        "rejected engagements    must be after started_on",
        "ignored  engagements    starts after the as-of date",
    ] {
        assert!(out.contains(kind), "missing {kind:?} in\n{out}");
    }
}

#[test]
fn sample_refuses_sizes_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [["--partners", "0"], ["--dirty", "1.5"], ["--regions", "65"]] {
        let err = sample_run(dir.path(), &bad).code(2).stderr;
        assert!(err.contains(bad[0]), "{err}");
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

/// The shipped dataset is what its documented command writes (docs/running.md): the
/// generator's changes, `--variety` among them, leave it byte for byte.
#[test]
fn the_documented_command_writes_the_shipped_dataset() {
    let out = tempfile::tempdir().unwrap();
    sample(
        out.path(),
        &[
            "--partners",
            "400",
            "--installs",
            "4000",
            "--regions",
            "8",
            "--seed",
            "2008",
            "--dirty",
            "0.004",
        ],
    );
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    assert_eq!(files(out.path()), files(&shipped));
}

/// `--variety` gives partners more distinct skill profiles: counted as distinct sets of
/// skills held (levels aside: re-assessments make almost every raw history distinct).
#[test]
fn variety_gives_more_distinct_profiles() {
    let profiles = |variety: &str| {
        let out = tempfile::tempdir().unwrap();
        sample(
            out.path(),
            &[
                "--partners",
                "600",
                "--installs",
                "100",
                "--regions",
                "2",
                "--variety",
                variety,
            ],
        );
        let mut by_partner: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        let text = std::fs::read_to_string(out.path().join("skills.csv")).unwrap();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            by_partner
                .entry(f[0].to_string())
                .or_default()
                .push(f[1].to_string());
        }
        let distinct: std::collections::BTreeSet<Vec<String>> = by_partner
            .into_values()
            .map(|mut v| {
                v.sort();
                v.dedup();
                v
            })
            .collect();
        distinct.len()
    };
    let (alike, varied) = (profiles("0"), profiles("1"));
    assert!(varied > 2 * alike, "{alike} → {varied}");
    let out = tempfile::tempdir().unwrap();
    let ran = sample_run(out.path(), &["--variety", "1.5"]).code(2);
    assert!(ran.stderr.contains("0..=1"), "{}", ran.stderr);
}
