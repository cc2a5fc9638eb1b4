//! `explain` (docs/scoring.md, "explain"): every point traced to its rows, the cheapest
//! change to the next band, and the command as a process (text, JSON, unknown and rejected
//! partners).

use uc_readiness::explain::{CertState, explain};

use crate::scoring::{date, scored};
use crate::support::{fixture, uc};

#[test]
fn explain_traces_every_point() {
    let (ing, config, scores) = scored("scoring");
    let d = &ing.dataset;
    let a = explain(d, &config, &scores, d.partner_id("A").unwrap());
    let ocs = a.skills.iter().find(|s| s.skill == "ocs").unwrap();
    assert_eq!(
        (ocs.level, ocs.evidence, ocs.superseded.clone()),
        (4, Some((3, date("2008-01-01"))), vec![2])
    );
    let ad = a.skills.iter().find(|s| s.skill == "ad").unwrap();
    assert_eq!((ad.level, ad.evidence.map(|e| e.0)), (1, Some(5)));
    // Points per skill: 100 × 0.5 × credit / 2 skills.
    assert!((ocs.points - 25.0).abs() < 1e-9 && (ad.points - 12.5).abs() < 1e-9);
    let states: Vec<(&str, CertState, bool)> = a
        .certifications
        .iter()
        .map(|c| (c.certification.as_str(), c.state, c.counts_for_track))
        .collect();
    assert_eq!(
        states,
        vec![
            ("av", CertState::Expiring, false),
            ("ms", CertState::Valid, true),
            ("ms", CertState::Valid, true)
        ]
    );
    assert_eq!((a.certification_points, a.installs.len()), (4, 3));
    assert!(a.next_band.is_none());

    let b = explain(d, &config, &scores, d.partner_id("B").unwrap());
    assert!(b.gated);
    let states: Vec<CertState> = b.certifications.iter().map(|c| c.state).collect();
    assert_eq!(states, vec![CertState::Expired, CertState::Expired]);
    let avaya = b.vendors.iter().find(|v| v.vendor == "avaya").unwrap();
    assert_eq!(
        avaya.lacks,
        vec!["a valid certification: one of av".to_string()]
    );
    // One step suffices either way: a holder of av (1 point: 100×(0.5+0.3/3+0.2) = 80.0)
    // or of nt (3 points: 100.0); equal steps, the higher score wins.
    let next = b.next_band.unwrap();
    assert_eq!(
        (next.band.as_str(), next.score.as_str()),
        ("ready", "100.0")
    );
    assert_eq!(next.changes, vec!["1 valid holder of nt".to_string()]);
}

#[test]
fn explain_runs_as_a_process() {
    let explain = |args: &[&str]| {
        let mut all: Vec<std::ffi::OsString> = vec!["explain".into()];
        all.extend(args.iter().map(Into::into));
        all.extend(["--data".into(), fixture("tiny").into()]);
        uc(all)
    };
    let text = explain(&["T2"]).ok().stdout;
    assert!(text.starts_with("T2 — Tailspin Telephony (telephony track, active, region North) as of 2008-04-10\nscore 70.8 → ready"), "{text}");
    assert!(
        text.contains("nortel           lacks ocs-deployment 0 → 2"),
        "{text}"
    );
    let json = explain(&["I2", "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["score"], "33.3");
    assert_eq!(v["next_band"]["band"], "nearly ready");
    let rejected = explain(&["X1"]).code(2).stderr;
    assert!(
        rejected.contains("its partners row was rejected"),
        "{rejected}"
    );
    let unknown = explain(&["NOPE"]).code(2).stderr;
    assert!(unknown.contains("no valid partner `NOPE`"), "{unknown}");
    assert!(!unknown.contains("rejected"), "{unknown}");
}
