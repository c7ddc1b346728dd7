//! Scoring rules on a small fixture catalog: two requirements, ★3 and ★4 criteria.

use super::*;
use proptest::prelude::*;
use shirube_catalog::Catalog;

const EDITION: &str = r#"
edition = "test"
source = "fixture"
files = ["a.toml"]
[[categories]]
id = "1"
csf_function = "GV"
name = { ja = "統治", en = "Governance" }
"#;

fn crit(id: &str, level: u8) -> String {
    format!(
        r#"
[[criteria]]
id = "{id}"
level = {level}
title = {{ ja = "t", en = "t" }}
meaning = {{ ja = "m", en = "m" }}
how = {{ ja = "h", en = "h" }}
evidence = {{ ja = "e", en = "e" }}
next_step = {{ ja = "n", en = "n" }}
"#
    )
}

fn fixture() -> Catalog {
    let mut content = String::from(
        r#"
[[requirements]]
id = "1-1-1"
csf_category = "GV.OC"
title = { ja = "a", en = "a" }
summary = { ja = "a", en = "a" }
[[requirements]]
id = "1-1-2"
csf_category = "GV.OC"
title = { ja = "b", en = "b" }
summary = { ja = "b", en = "b" }
"#,
    );
    for (id, level) in [
        ("1-1-1-1", 3),
        ("1-1-1-2", 3),
        ("1-1-1-3", 4),
        ("1-1-2-1", 4),
        ("1-1-2-2", 3),
    ] {
        content.push_str(&crit(id, level));
    }
    let content: &'static str = Box::leak(content.into_boxed_str());
    Catalog::from_files(&[("edition.toml", EDITION), ("a.toml", content)]).unwrap()
}

fn answers(pairs: &[(&str, AnswerStatus)]) -> HashMap<String, AnswerStatus> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

use AnswerStatus::*;

#[test]
fn level_3_is_achieved_only_when_every_level_3_criterion_is_met() {
    let cat = fixture();
    let mut a = answers(&[("1-1-1-1", Implemented), ("1-1-1-2", NotApplicable)]);
    assert_eq!(evaluate(&cat, StarLevel::Three, &a).achieved, None);
    a.insert("1-1-2-2".into(), Implemented);
    let e = evaluate(&cat, StarLevel::Three, &a);
    assert_eq!(e.achieved, Some(StarLevel::Three));
    assert_eq!(
        e.progress,
        Progress {
            total: 3,
            answered: 3,
            met: 3
        }
    );
    assert!(e.action_plan.is_empty());
}

#[test]
fn partial_never_counts_as_met() {
    let cat = fixture();
    let a = answers(&[
        ("1-1-1-1", Implemented),
        ("1-1-1-2", Implemented),
        ("1-1-2-2", Partial),
    ]);
    let e = evaluate(&cat, StarLevel::Three, &a);
    assert_eq!(e.achieved, None);
    assert_eq!(e.progress.met, 2);
    assert_eq!(e.gaps.len(), 1);
    assert_eq!(e.gaps[0].requirement_id.as_str(), "1-1-2");
}

#[test]
fn level_4_needs_all_criteria_and_implies_level_3() {
    let cat = fixture();
    let all: HashMap<String, AnswerStatus> = cat
        .criteria
        .iter()
        .map(|c| (c.id.to_string(), Implemented))
        .collect();
    assert_eq!(
        evaluate(&cat, StarLevel::Four, &all).achieved,
        Some(StarLevel::Four)
    );
    assert_eq!(
        evaluate(&cat, StarLevel::Three, &all).achieved,
        Some(StarLevel::Four)
    );
}

#[test]
fn the_action_plan_puts_level_3_gaps_first_then_started_work_then_catalog_order() {
    let cat = fixture();
    let a = answers(&[
        ("1-1-1-3", Partial),
        ("1-1-2-2", Partial),
        ("1-1-1-2", NotImplemented),
    ]);
    let e = evaluate(&cat, StarLevel::Four, &a);
    let order: Vec<&str> = e
        .action_plan
        .iter()
        .map(|a| a.criterion_id.as_str())
        .collect();
    assert_eq!(
        order,
        ["1-1-2-2", "1-1-1-2", "1-1-1-1", "1-1-1-3", "1-1-2-1"]
    );
}

#[test]
fn a_level_3_plan_leaves_out_level_4_only_criteria() {
    let cat = fixture();
    let e = evaluate(&cat, StarLevel::Three, &HashMap::new());
    assert_eq!(e.action_plan.len(), 3);
    assert!(e.action_plan.iter().all(|a| a.level == StarLevel::Three));
    assert_eq!(
        e.progress,
        Progress {
            total: 3,
            answered: 0,
            met: 0
        }
    );
}

#[test]
fn not_applicable_needs_a_reason_and_other_statuses_drop_it() {
    assert_eq!(
        Answer::new(NotApplicable, None, Some("  ")),
        Err(AnswerError::MissingReason)
    );
    let a = Answer::new(NotApplicable, None, Some("no Wi-Fi on site")).unwrap();
    assert_eq!(a.not_applicable_reason(), "no Wi-Fi on site");
    let b = Answer::new(Implemented, Some("done"), Some("stale")).unwrap();
    assert_eq!(b.not_applicable_reason(), "");
    assert_eq!(
        "maybe".parse::<AnswerStatus>().unwrap_err().field(),
        "status"
    );
}

#[test]
fn diff_lists_changed_criteria_in_catalog_order() {
    let cat = fixture();
    let before = answers(&[("1-1-1-1", Partial), ("1-1-2-2", Implemented)]);
    let after = answers(&[
        ("1-1-1-1", Implemented),
        ("1-1-2-2", Implemented),
        ("1-1-1-3", Partial),
    ]);
    let d = diff(&cat, &before, &after);
    let ids: Vec<&str> = d.iter().map(|c| c.criterion_id.as_str()).collect();
    assert_eq!(ids, ["1-1-1-1", "1-1-1-3"]);
    assert_eq!(d[0].before, Some(Partial));
    assert_eq!(d[1].before, None);
}

proptest! {
    #[test]
    fn progress_and_plan_always_add_up(statuses in proptest::collection::vec(0usize..5, 5)) {
        let cat = fixture();
        let mut a = HashMap::new();
        for (c, s) in cat.criteria.iter().zip(statuses) {
            if s < 4 { a.insert(c.id.to_string(), AnswerStatus::ALL[s]); }
        }
        for target in StarLevel::ALL {
            let e = evaluate(&cat, target, &a);
            prop_assert_eq!(e.progress.met + e.action_plan.len(), e.progress.total);
            prop_assert_eq!(e.gaps.iter().map(|g| g.unmet.len()).sum::<usize>(), e.action_plan.len());
            prop_assert!(e.progress.percent() <= 100);
            prop_assert_eq!(e.achieved.is_some_and(|l| l >= target), e.action_plan.is_empty());
        }
    }
}
