//! `reports/` holds the committed output of the README's main command on `data/sample`:
//! regenerate it and fail on any byte of difference. `UC_READINESS_BLESS=1 cargo test`
//! rewrites it after an intended change (review the diff before committing).

use std::path::PathBuf;

use crate::support::tree;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_reports_are_regenerated_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    // The README's main command, with the output folder moved aside.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_uc-readiness"))
        .current_dir(root())
        .args(["report", "-q", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let run = "2008-04-10";
    let got = tree(&out.path().join(run));
    let committed = root().join("reports").join(run);
    if std::env::var_os("UC_READINESS_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        for (rel, bytes) in &got {
            let path = committed.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        return;
    }
    let want = tree(&committed);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the set of report files changed (UC_READINESS_BLESS=1 cargo test rewrites reports/)"
    );
    for (rel, bytes) in &got {
        assert!(
            bytes == &want[rel],
            "reports/{run}/{rel} differs from a fresh run (UC_READINESS_BLESS=1 cargo test rewrites it)"
        );
    }
}

/// The run's snapshot in `reports/history/` is the one a fresh run stores: the README's
/// main command leaves the repository unchanged.
#[test]
fn committed_history_snapshot_is_regenerated_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_uc-readiness"))
        .current_dir(root())
        .args(["report", "-q", "--formats", "csv", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    for name in ["2008-04-10.json", "2008-04-10.detail.json"] {
        let got = std::fs::read(out.path().join("history").join(name)).unwrap();
        let committed = root().join("reports/history").join(name);
        if std::env::var_os("UC_READINESS_BLESS").is_some() {
            std::fs::write(&committed, &got).unwrap();
            continue;
        }
        assert!(
            got == std::fs::read(&committed).unwrap(),
            "reports/history/{name} differs from a fresh run (UC_READINESS_BLESS=1 cargo test rewrites it)"
        );
    }
}
