//! Validation rules, marking classes and timestamps, checked one by one; the OASIS examples
//! and ATT&CK for ICS from `../shared/data/stix` when they are present.

use super::*;

const INDICATOR: &str = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[software:cpe = 'cpe:2.3:a:acme:plc:1.0:*:*:*:*:*:*:*']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","x_custom":{"z":1,"a":[2.50]}}"#;

fn with(key: &str, value: Value) -> Vec<u8> {
    let mut v: Value = serde_json::from_str(INDICATOR).unwrap();
    if value.is_null() {
        v.as_object_mut().unwrap().remove(key);
    } else {
        v[key] = value;
    }
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn a_valid_object_keeps_its_exact_text_and_yields_its_index_columns() {
    let o = StixObject::parse(INDICATOR.as_bytes()).unwrap();
    assert_eq!(o.raw, INDICATOR);
    assert_eq!(o.object_type, "indicator");
    assert_eq!(o.version.as_deref(), Some("2016-04-06T20:03:48.000Z"));
    assert_eq!(
        o.version_key.as_deref(),
        Some("2016-04-06T20:03:48.000000000Z")
    );
    // An indicator names its package in a pattern, which is parsed to be evaluated.
    assert!(o.packages.is_empty());
    let pattern = o.pattern.unwrap();
    assert!(pattern.mentions_software());
    assert_eq!(
        pattern.as_str(),
        "[software:cpe = 'cpe:2.3:a:acme:plc:1.0:*:*:*:*:*:*:*']"
    );
    let software = StixObject::parse(
        br#"{"type":"software","id":"software--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","name":"plc","cpe":"cpe:2.3:a:acme:plc:1.0:*:*:*:*:*:*:*"}"#,
    )
    .unwrap();
    assert_eq!(
        software.packages,
        vec!["cpe:2.3:a:acme:plc:1.0:*:*:*:*:*:*:*"]
    );
}

#[test]
fn each_broken_rule_is_named_in_the_error() {
    use serde_json::json;
    let cases = [
        (with("type", Value::Null), ObjectError::Missing("type")),
        (with("type", json!("Indicator")), ObjectError::BadType),
        (
            with("id", json!("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")),
            ObjectError::BadId("indicator".into()),
        ),
        (
            with("id", json!("indicator--not-a-uuid")),
            ObjectError::BadId("indicator".into()),
        ),
        (
            with("spec_version", Value::Null),
            ObjectError::Missing("spec_version"),
        ),
        (
            with("pattern", json!("[software:name = ]")),
            ObjectError::BadPattern(pattern::PatternError {
                at: 17,
                reason: "expected a value",
            }),
        ),
        (
            with("spec_version", json!("2.0")),
            ObjectError::BadSpecVersion,
        ),
        (
            with("created", json!("yesterday")),
            ObjectError::BadTimestamp("created"),
        ),
        (
            with("modified", json!("2016-04-06T20:03:48+09:00")),
            ObjectError::BadTimestamp("modified"),
        ),
        (
            with("modified", json!("2015-01-01T00:00:00Z")),
            ObjectError::ModifiedBeforeCreated,
        ),
        (
            with("modified", Value::Null),
            ObjectError::Missing("modified"),
        ),
        (
            with("object_marking_refs", json!(["identity--x"])),
            ObjectError::BadMarkingRefs("object_marking_refs"),
        ),
    ];
    for (bytes, expected) in cases {
        assert_eq!(StixObject::parse(&bytes), Err(expected));
    }
    assert_eq!(StixObject::parse(b"[]"), Err(ObjectError::NotAnObject));
    assert!(matches!(
        StixObject::parse(b"{"),
        Err(ObjectError::NotJson(_))
    ));
}

#[test]
fn cyber_observables_need_neither_spec_version_nor_timestamps() {
    let o = StixObject::parse(br#"{"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}"#).unwrap();
    assert_eq!((o.spec_version.as_str(), o.version), ("2.1", None));
}

#[test]
fn timestamps_of_any_precision_sort_as_the_times_they_are() {
    let a = timestamp_key("2020-01-01T00:00:00Z").unwrap();
    let b = timestamp_key("2020-01-01T00:00:00.000Z").unwrap();
    let c = timestamp_key("2020-01-01T00:00:00.5Z").unwrap();
    assert_eq!(a, b);
    assert!(c > a);
    for bad in [
        "2020-13-01T00:00:00Z",
        "2020-01-01 00:00:00Z",
        "2020-01-01T00:00:00.Z",
        "2020-01-01T00:00:00",
    ] {
        assert_eq!(timestamp_key(bad), None, "{bad}");
    }
}

#[test]
fn markings_take_the_most_restrictive_level_and_unknown_ones_are_red() {
    let none = |_: &str| None;
    let refs = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(classify(&[], none), None);
    assert_eq!(
        classify(&refs(&[Tlp::Green.marking_definition_id()]), none),
        Some(Tlp::Green)
    );
    assert_eq!(
        classify(
            &refs(&[
                "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
                "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
            ]),
            none
        ),
        Some(Tlp::Amber)
    );
    assert_eq!(
        classify(
            &refs(&["marking-definition--00000000-0000-4000-8000-000000000000"]),
            none
        ),
        Some(Tlp::Red)
    );
    let statement = |_: &str| Some(MarkingDefinitionKind::Statement);
    assert_eq!(
        classify(
            &refs(&["marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"]),
            statement
        ),
        None
    );
}

#[test]
fn marking_definitions_say_what_they_define() {
    let stmt = br#"{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168","created":"2017-06-01T00:00:00.000Z","definition_type":"statement","definition":{"statement":"Copyright"}}"#;
    let o = StixObject::parse(stmt).unwrap();
    assert_eq!(o.definition, Some(MarkingDefinitionKind::Statement));
    assert_eq!(o.version.as_deref(), Some("2017-06-01T00:00:00.000Z"));
}

#[test]
fn vulnerabilities_yield_their_cve_ids() {
    let v = br#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z","name":"CVE-2016-1234","external_references":[{"source_name":"cve","external_id":"cve-2016-1234"}]}"#;
    assert_eq!(StixObject::parse(v).unwrap().cves, vec!["CVE-2016-1234"]);
}

/// Every object of the shared STIX data validates, unchanged (skipped when it is absent).
#[test]
fn the_oasis_examples_and_attack_for_ics_are_all_accepted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/stix");
    let Ok(entries) = std::fs::read_dir(dir.join("oasis-examples")) else {
        println!("skipped: {} is absent", dir.display());
        return;
    };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.push(dir.join("attack/ics-attack-18.1.json"));
    let mut count = 0;
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let bytes = std::fs::read(f).unwrap();
        let env = split_envelope(&bytes).unwrap();
        for raw in env.objects {
            let o = StixObject::parse(raw).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert_eq!(o.raw.as_bytes(), raw);
            count += 1;
        }
    }
    assert!(count > 1826, "{count}");
}
