//! The OSCAL export validates against NIST's published schemas.

use std::path::PathBuf;

use serde_json::Value;
use shirube_catalog::{oscal, scs_2026_03_27, Lang, StarLevel};

const NOW: &str = "2026-11-27T00:00:00Z";

fn schema(version: &str, model: &str) -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/oscal/schemas")
        .join(version)
        .join(format!("oscal_{model}_schema.json"));
    match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).unwrap()),
        Err(_) => {
            println!(
                "skipped: OSCAL schema {} not found (../shared is absent)",
                path.display()
            );
            None
        }
    }
}

fn assert_valid(schema: &Value, doc: &Value) {
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{} schema errors, first: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
}

#[test]
fn the_oscal_catalog_validates_against_the_nist_schemas_in_both_languages() {
    let catalog = scs_2026_03_27().unwrap();
    for version in ["1.1.3", "1.2.1"] {
        let Some(schema) = schema(version, "catalog") else {
            return;
        };
        for lang in [Lang::Ja, Lang::En] {
            assert_valid(&schema, &oscal::catalog_document(&catalog, lang, NOW));
        }
    }
}

#[test]
fn one_oscal_profile_per_level_validates_and_selects_that_levels_criteria() {
    let catalog = scs_2026_03_27().unwrap();
    for level in StarLevel::ALL {
        let doc = oscal::profile_document(&catalog, level, Lang::Ja, NOW);
        let ids = doc["profile"]["imports"][0]["include-controls"][0]["with-ids"]
            .as_array()
            .unwrap();
        let criteria = ids
            .iter()
            .filter(|v| !v.as_str().unwrap().starts_with("scs-r-"))
            .count();
        assert_eq!(criteria, if level == StarLevel::Three { 81 } else { 153 });
        for version in ["1.1.3", "1.2.1"] {
            let Some(schema) = schema(version, "profile") else {
                return;
            };
            assert_valid(&schema, &doc);
        }
    }
}

#[test]
fn the_oscal_catalog_holds_every_criterion_once_with_its_label() {
    let catalog = scs_2026_03_27().unwrap();
    let doc = oscal::catalog_document(&catalog, Lang::En, NOW);
    let text = doc.to_string();
    for c in &catalog.criteria {
        let needle = format!("\"id\":\"{}\"", oscal::criterion_control_id(c.id.as_str()));
        assert_eq!(text.matches(&needle).count(), 1, "{}", c.id);
    }
}
