//! The shipped edition is complete, consistent and unchanged.

use std::collections::BTreeMap;

use shirube_catalog::{scs_2026_03_27, StarLevel, EDITION_2026_03_27_SHA256};

/// The criterion ids of edition 2026-03-27, per requirement, as the scheme published them.
/// Changing this list means a new edition, never an edit of this one.
const EXPECTED: &[(&str, u8, u8)] = &[
    // (requirement, ★3 criteria, ★4-added criteria)
    ("1-1-1", 0, 3),
    ("1-2-1", 3, 1),
    ("1-2-2", 0, 2),
    ("1-2-3", 2, 2),
    ("1-3-1", 3, 1),
    ("1-4-1", 0, 2),
    ("2-1-1", 2, 1),
    ("2-1-2", 1, 0),
    ("2-1-3", 0, 1),
    ("2-1-4", 1, 0),
    ("2-1-5", 0, 1),
    ("3-1-1", 4, 3),
    ("3-1-2", 2, 2),
    ("3-1-3", 2, 0),
    ("3-1-4", 3, 5),
    ("3-1-5", 0, 3),
    ("3-2-1", 0, 5),
    ("4-1-1", 4, 0),
    ("4-1-2", 8, 0),
    ("4-1-3", 4, 1),
    ("4-1-4", 2, 0),
    ("4-1-5", 5, 0),
    ("4-1-6", 3, 0),
    ("4-1-7", 1, 5),
    ("4-1-8", 0, 4),
    ("4-1-9", 0, 3),
    ("4-2-1", 0, 5),
    ("4-2-2", 3, 0),
    ("4-3-1", 0, 2),
    ("4-3-2", 0, 1),
    ("4-3-3", 0, 1),
    ("4-3-4", 3, 0),
    ("4-4-1", 3, 3),
    ("4-4-2", 0, 1),
    ("4-4-3", 0, 3),
    ("4-4-4", 2, 1),
    ("4-4-5", 3, 2),
    ("4-5-1", 7, 2),
    ("5-1-1", 3, 0),
    ("5-1-2", 0, 3),
    ("5-2-1", 0, 2),
    ("6-1-1", 6, 0),
    ("7-1-1", 1, 1),
];

#[test]
fn edition_2026_03_27_has_43_requirements_and_153_criteria_81_of_them_at_level_3() {
    let catalog = scs_2026_03_27().unwrap();
    assert_eq!(catalog.edition, "2026-03-27");
    assert_eq!(catalog.categories.len(), 7);
    assert_eq!(catalog.requirements.len(), 43);
    assert_eq!(catalog.criteria.len(), 153);
    assert_eq!(catalog.criteria_for(StarLevel::Three).count(), 81);
    assert_eq!(catalog.criteria_for(StarLevel::Four).count(), 153);
    assert_eq!(catalog.requirements_for(StarLevel::Three).count(), 26);
}

#[test]
fn every_requirement_has_the_published_number_of_criteria_per_level() {
    let catalog = scs_2026_03_27().unwrap();
    let mut actual: BTreeMap<String, (u8, u8)> = BTreeMap::new();
    for c in &catalog.criteria {
        let e = actual.entry(c.requirement_id.to_string()).or_default();
        match c.level {
            StarLevel::Three => e.0 += 1,
            StarLevel::Four => e.1 += 1,
        }
    }
    let expected: BTreeMap<String, (u8, u8)> = EXPECTED
        .iter()
        .map(|(r, a, b)| (r.to_string(), (*a, *b)))
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn criterion_ids_are_consecutive_within_each_requirement() {
    let catalog = scs_2026_03_27().unwrap();
    for r in &catalog.requirements {
        let numbers: Vec<u16> = catalog
            .criteria
            .iter()
            .filter(|c| c.requirement_id == r.id)
            .map(|c| c.id.sort_key()[3])
            .collect();
        let want: Vec<u16> = (1..=numbers.len() as u16).collect();
        assert_eq!(numbers, want, "requirement {}", r.id);
    }
}

#[test]
fn every_text_exists_in_japanese_and_english_and_titles_are_one_line() {
    let catalog = scs_2026_03_27().unwrap();
    for c in &catalog.criteria {
        for (field, t) in [
            ("title", &c.title),
            ("meaning", &c.meaning),
            ("how", &c.how),
            ("evidence", &c.evidence),
            ("next_step", &c.next_step),
        ] {
            assert!(!t.ja.trim().is_empty(), "{} {field} ja is empty", c.id);
            assert!(!t.en.trim().is_empty(), "{} {field} en is empty", c.id);
        }
        assert!(
            !c.title.ja.contains('\n') && !c.title.en.contains('\n'),
            "{} title",
            c.id
        );
    }
    for r in &catalog.requirements {
        assert!(!r.title.ja.is_empty() && !r.title.en.is_empty(), "{}", r.id);
    }
}

#[test]
fn the_published_edition_is_unchanged() {
    let catalog = scs_2026_03_27().unwrap();
    assert_eq!(
        catalog.content_hash, EDITION_2026_03_27_SHA256,
        "edition 2026-03-27 is published and immutable: put changes in a new edition"
    );
}
