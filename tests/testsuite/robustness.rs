//! Nothing panics on any input: arbitrary bytes, CSV-shaped noise, broken NDJSON and
//! Parquet, huge fields. Every outcome is either a dataset or a located fatal error.

use proptest::prelude::*;

use crate::support::{load, tiny_with};

const PARTNERS_HEADER: &str = "partner_id,name,region,country,track,status,joined_on,capacity\n";

/// Loads the worked example with `file` replaced by `bytes`; must not panic.
fn survives(file: &str, bytes: &[u8]) {
    let dir = tiny_with(&[(file, Some(bytes))]);
    match load(dir.path()) {
        Ok(got) => {
            // Every rejected row is placed on a real line of the file.
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let stem = file.split('.').next().unwrap();
            for r in got.rejected.iter().filter(|r| r.table.as_str() == stem) {
                assert!(r.line >= 1 && r.line <= lines, "{r:?}");
            }
        }
        Err(e) => assert!(
            e.path.to_string_lossy().contains(file) || e.line.is_none(),
            "{e}"
        ),
    }
}

fn csv_noise() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(",".to_string()),
        Just("\"".to_string()),
        Just("\"\"".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(" ".to_string()),
        Just("I1".to_string()),
        Just("North".to_string()),
        Just("telephony".to_string()),
        Just("active".to_string()),
        Just("2008-01-01".to_string()),
        Just("-3".to_string()),
        Just("é漢".to_string()),
        Just("\u{feff}".to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        survives("partners.csv", &bytes);
        survives("installs.csv", &bytes);
    }

    #[test]
    fn csv_shaped_noise_never_panics(body in csv_noise()) {
        survives("partners.csv", format!("{PARTNERS_HEADER}{body}").as_bytes());
        survives("skills.csv", format!("partner_id,skill,level,staff,assessed_on\n{body}").as_bytes());
    }

    #[test]
    fn ndjson_noise_never_panics(body in csv_noise(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let json = body.replace(',', "{\"region\":").replace("North", "\"North\"}");
        for content in [json.as_bytes(), &bytes[..]] {
            let dir = tiny_with(&[("targets.csv", None), ("targets.ndjson", Some(content))]);
            let _ = load(dir.path());
        }
    }

    #[test]
    fn parquet_noise_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut content = b"PAR1".to_vec();
        content.extend_from_slice(&bytes);
        content.extend_from_slice(b"PAR1");
        let dir = tiny_with(&[("targets.csv", None), ("targets.parquet", Some(&content))]);
        let _ = load(dir.path());
    }
}

#[test]
fn a_50_mb_field_is_read_and_kept() {
    let huge = "x".repeat(50 * 1024 * 1024);
    let csv =
        format!("{PARTNERS_HEADER}I1,\"{huge}\",North,US,infrastructure,active,2007-06-01,2\n");
    let dir = tiny_with(&[("partners.csv", Some(csv.as_bytes()))]);
    let got = load(dir.path()).unwrap();
    assert_eq!(got.dataset.partners.len(), 1);
    assert_eq!(got.dataset.partners[0].name.len(), huge.len());
}

#[test]
fn a_header_only_partners_file_rejects_every_reference() {
    let dir = tiny_with(&[("partners.csv", Some(PARTNERS_HEADER.as_bytes()))]);
    let got = load(dir.path()).unwrap();
    assert!(got.dataset.partners.is_empty());
    assert!(got.dataset.assessments.is_empty());
    // Installs stay, their servicing partners cleared.
    assert_eq!(got.dataset.installs.len(), 5);
    let rows = got.dataset.installs.rows.as_ref().unwrap();
    assert!(rows.partner.iter().all(Option::is_none));
    assert!(got.dataset.installs.serviced.is_empty());
    assert_eq!(
        got.dataset.installs.seats.iter().sum::<u64>(),
        rows.seats.iter().sum::<u64>()
    );
}
