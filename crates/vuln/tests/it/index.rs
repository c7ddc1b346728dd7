//! The stored index: round trip, header checks, and what the builder keeps.

use shirube_vuln::{
    Added, Advisory, AdvisoryIndex, IndexBuilder, IndexError, INDEX_FORMAT_VERSION,
};

const TWO: &str = r#"[
  {"id":"GHSA-1","aliases":["CVE-1"],"summary":"one",
   "affected":[{"package":{"ecosystem":"npm","name":"a"},"versions":["1.0.0"]}]},
  {"id":"GHSA-2","affected":[{"package":{"ecosystem":"Maven","name":"b"}}]}
]"#;

#[test]
fn an_index_survives_a_round_trip_through_bytes() {
    let index = AdvisoryIndex::from_osv_json(TWO.as_bytes()).unwrap();
    let bytes = index.to_bytes();
    assert!(AdvisoryIndex::looks_like_index(&bytes));
    assert_eq!(AdvisoryIndex::from_bytes(&bytes).unwrap(), index);
}

#[test]
fn advisories_without_a_supported_ecosystem_are_counted_not_kept() {
    let index = AdvisoryIndex::from_osv_json(TWO.as_bytes()).unwrap();
    assert_eq!(index.stats().advisories, 1);
    assert_eq!(index.stats().unsupported_skipped, 1);
    assert_eq!(index.advisories().next().unwrap().aliases, ["CVE-1"]);
}

#[test]
fn another_format_version_is_refused_with_advice() {
    let mut bytes = AdvisoryIndex::from_osv_json(TWO.as_bytes())
        .unwrap()
        .to_bytes();
    bytes[8..12].copy_from_slice(&(INDEX_FORMAT_VERSION + 1).to_le_bytes());
    let err = AdvisoryIndex::from_bytes(&bytes).unwrap_err();
    assert_eq!(
        err,
        IndexError::Version {
            found: INDEX_FORMAT_VERSION + 1,
            expected: INDEX_FORMAT_VERSION
        }
    );
    assert!(err.to_string().contains("advisories import"));
}

#[test]
fn truncated_and_foreign_files_are_refused() {
    let bytes = AdvisoryIndex::from_osv_json(TWO.as_bytes())
        .unwrap()
        .to_bytes();
    assert!(matches!(
        AdvisoryIndex::from_bytes(&bytes[..bytes.len() - 1]),
        Err(IndexError::Length { .. })
    ));
    assert_eq!(
        AdvisoryIndex::from_bytes(b"{\"id\":1}"),
        Err(IndexError::NotAnIndex)
    );
}

#[test]
fn a_corrupt_payload_is_an_error_not_a_panic() {
    let mut bytes = AdvisoryIndex::from_osv_json(TWO.as_bytes())
        .unwrap()
        .to_bytes();
    for b in bytes.iter_mut().skip(28) {
        *b = 0xff;
    }
    assert!(matches!(
        AdvisoryIndex::from_bytes(&bytes),
        Err(IndexError::Corrupt { .. })
    ));
}

#[test]
fn the_first_advisory_with_an_id_wins_and_withdrawn_ones_are_dropped() {
    let mut builder = IndexBuilder::new();
    let adv = |id: &str, withdrawn: bool| {
        let w = if withdrawn {
            r#","withdrawn":"2024-01-01T00:00:00Z""#
        } else {
            ""
        };
        Advisory::from_osv_json(
            format!(
                r#"{{"id":"{id}"{w},"affected":[{{"package":{{"ecosystem":"PyPI","name":"x"}}}}]}}"#
            )
            .as_bytes(),
        )
        .unwrap()
        .remove(0)
    };
    assert_eq!(builder.add(adv("A", false)), Added::Kept);
    assert_eq!(builder.add(adv("A", false)), Added::Duplicate);
    assert_eq!(builder.add(adv("B", true)), Added::Withdrawn);
    let index = builder.build();
    assert_eq!(index.stats().advisories, 1);
    assert_eq!(index.stats().duplicates_skipped, 1);
    assert_eq!(index.stats().withdrawn_skipped, 1);
}
