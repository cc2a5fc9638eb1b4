//! `readiness.toml`: merging over the default and every validation rule of docs/config.md.

use uc_readiness::config::Config;

fn error_of(text: &str) -> String {
    match Config::parse(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn an_empty_file_is_the_default() {
    assert_eq!(Config::parse("").unwrap(), Config::default_config());
}

#[test]
fn missing_keys_come_from_the_default_and_catalogs_are_taken_whole() {
    let c = Config::parse(
        "[scoring]\nskill_weight = 1.0\n\n[skills.only-one]\nname = \"Only\"\n\
         [tracks.a]\nskills = { only-one = 2 }\ncertification_target = 1\n\
         [tracks.b]\nskills = { only-one = 1 }\ncertification_target = 1\n\
         [certifications.c]\nvendor = \"x\"\npoints = 1\nvalidity_months = 12\ntracks = [\"a\"]\n\
         [vendors.v]\ninterop_skills = { only-one = 1 }\n\
         [pairing]\nleft_track = \"a\"\nright_track = \"b\"\nstandalone_tracks = []\n",
    )
    .unwrap();
    let d = Config::default_config();
    assert_eq!(c.scoring.skill_weight, 1.0);
    assert_eq!(
        c.scoring.certification_weight,
        d.scoring.certification_weight
    );
    assert_eq!(c.skills.len(), 1);
    assert_eq!(c.tracks.len(), 2);
    assert_eq!(c.vendors[0].name, "v", "a vendor's name defaults to its id");
    assert!(c.vendors[0].interop_certifications.is_empty());
    assert_eq!(c.gaps, d.gaps);
}

#[test]
fn every_rule_names_its_key() {
    let cases: &[(&str, &str)] = &[
        ("[report]\ncolour = \"red\"", "unknown field `colour`"),
        ("[reports]\ntitle = \"x\"", "unknown field `reports`"),
        (
            "[report]\nas_of = \"2008-4-10\"",
            "report.as_of: must be a date YYYY-MM-DD",
        ),
        (
            "[scoring]\nskill_weight = -0.1",
            "scoring.skill_weight: must be a number >= 0",
        ),
        (
            "[scoring]\nskill_weight = 0.0\ncertification_weight = 0.0\nexperience_weight = 0.0",
            "scoring: the three weights are all zero",
        ),
        (
            "[scoring]\nexperience_target_installs = 0",
            "scoring.experience_target_installs: must be an integer >= 1",
        ),
        (
            "[scoring]\nmax_holders_counted = 0",
            "scoring.max_holders_counted: must be an integer >= 1",
        ),
        (
            "[scoring]\nexpiry_warning_days = -1",
            "scoring.expiry_warning_days: must be an integer >= 0",
        ),
        (
            "[scoring]\nbands = [{ name = \"a\", min = 50.0 }, { name = \"b\", min = 60.0 }, { name = \"c\", min = 0.0 }]",
            "scoring.bands[1]: bands must be in strictly descending order of min",
        ),
        (
            "[scoring]\nbands = [{ name = \"a\", min = 50.0 }, { name = \"b\", min = 10.0 }]",
            "scoring.bands: the last band must have min = 0",
        ),
        (
            "[scoring]\nbands = [{ name = \"a\", min = 50.0 }, { name = \"a\", min = 0.0 }]",
            "scoring.bands[1]: duplicate band name `a`",
        ),
        (
            "[scoring]\nbands = []",
            "scoring.bands: at least one band is needed",
        ),
        (
            "[scoring]\ngate_every_component = true\nbands = [{ name = \"all\", min = 0.0 }]",
            "scoring.gate_every_component: the gate needs at least two bands",
        ),
        (
            "[tracks.t]\nskills = { telepathy = 2 }\ncertification_target = 1",
            "tracks.t.skills.telepathy: unknown skill `telepathy`",
        ),
        (
            "[tracks.t]\nskills = { sip-trunking = 5 }\ncertification_target = 1",
            "tracks.t.skills.sip-trunking: required level must be 1..=4, not 5",
        ),
        (
            "[tracks.t]\nskills = { sip-trunking = 0 }\ncertification_target = 1",
            "required level must be 1..=4, not 0",
        ),
        (
            "[tracks.t]\nskills = {}\ncertification_target = 1",
            "tracks.t.skills: a track needs at least one skill",
        ),
        (
            "[tracks.t]\nskills = { sip-trunking = 2 }\ncertification_target = 0",
            "tracks.t.certification_target: must be an integer >= 1",
        ),
        (
            "[tracks.all]\nskills = { sip-trunking = 2 }\ncertification_target = 1",
            "tracks.all: `all` is reserved",
        ),
        (
            "[certifications.c]\nvendor = \"x\"\npoints = 1\nvalidity_months = 0\ntracks = [\"telephony\"]",
            "certifications.c.validity_months: must be an integer >= 1",
        ),
        (
            "[certifications.c]\nvendor = \"x\"\npoints = 1\nvalidity_months = 12\ntracks = [\"voice\"]",
            "unknown track `voice`",
        ),
        (
            "[vendors.v]\ninterop_skills = { telepathy = 1 }",
            "vendors.v.interop_skills.telepathy: unknown skill `telepathy`",
        ),
        (
            "[vendors.v]\ninterop_certifications = [\"mcse\"]",
            "vendors.v.interop_certifications: unknown certification `mcse`",
        ),
        (
            "[pairing]\nleft_track = \"voice\"",
            "pairing.left_track: unknown track `voice`",
        ),
        (
            "[pairing]\nright_track = \"infrastructure\"",
            "pairing.right_track: must differ from pairing.left_track",
        ),
        (
            "[pairing]\nstandalone_tracks = [\"telephony\"]",
            "pairing.standalone_tracks: `telephony` is a pairing track",
        ),
        (
            "[pairing]\neligible_status = [\"dormant\"]",
            "pairing.eligible_status: unknown status `dormant`",
        ),
        (
            "[pairing]\ndefault_capacity = -1",
            "pairing.default_capacity: must be an integer >= 0",
        ),
        (
            "[pairing]\nskill_weight = 0.0\nvendor_weight = 0.0",
            "pairing: skill_weight and vendor_weight are both zero",
        ),
        (
            "[pairing]\nmin_pair_score = 101.0",
            "pairing.min_pair_score: must be within 0..=100",
        ),
        (
            "[pairing]\nkeep_bonus = -1.0",
            "pairing.keep_bonus: must be within 0..=100 with at most one decimal",
        ),
        (
            "[pairing]\nkeep_bonus = 0.25",
            "pairing.keep_bonus: must be within 0..=100 with at most one decimal",
        ),
        (
            "[gaps]\nclosest_candidates = -2",
            "gaps.closest_candidates: must be an integer >= 0",
        ),
        ("[scoring]\nskill_weight = \"heavy\"", "invalid type"),
    ];
    for (text, want) in cases {
        let got = error_of(text);
        assert!(
            got.contains(want),
            "config:\n{text}\nerror: {got}\nexpected to contain: {want}"
        );
    }
}

#[test]
fn toml_errors_give_the_line() {
    let got = error_of("[report]\ntitle = \"x\"\n\n[gaps]\nclosest = 1\n");
    assert!(got.contains("line 5"), "{got}");
}
