//! OSCAL export: the catalog as an OSCAL catalog, and one OSCAL profile per star level.
//!
//! OSCAL ids must start with a letter or `_`, so SCS ids get a prefix: category `scs-c1`,
//! requirement `scs-r-4-4-4`, criterion `scs-4-4-4-1`. UUIDs are version 5, derived from the
//! edition and the internal id, so an export of the same edition is stable.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::{Catalog, Criterion, Lang, Requirement, StarLevel};

/// The OSCAL version the export targets (validated against the 1.1.3 and 1.2.1 schemas).
pub const OSCAL_VERSION: &str = "1.1.3";

/// Namespace for Shirube's own OSCAL properties.
pub const PROP_NS: &str = "https://shirube.jp/ns/oscal";

fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://shirube.jp/ns/oscal")
}

fn uuid_for(name: &str) -> String {
    Uuid::new_v5(&namespace(), name.as_bytes()).to_string()
}

/// The OSCAL control id of a criterion.
pub fn criterion_control_id(id: &str) -> String {
    format!("scs-{id}")
}

fn requirement_control_id(id: &str) -> String {
    format!("scs-r-{id}")
}

/// The file name the profiles use to refer to the catalog.
pub fn catalog_file_name(catalog: &Catalog) -> String {
    format!("scs-{}-catalog.json", catalog.edition)
}

fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "ns": PROP_NS, "value": value })
}

/// OSCAL forbids line breaks in titles and empty prose; keep titles on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn criterion_control(c: &Criterion, lang: Lang) -> Value {
    let cid = criterion_control_id(c.id.as_str());
    json!({
        "id": cid,
        "class": "scs-criterion",
        "title": one_line(c.title.get(lang)),
        "props": [
            { "name": "label", "value": c.id.as_str() },
            prop("level", &c.level.number().to_string()),
            prop("csf-function", c.csf_function.code()),
        ],
        "parts": [
            { "id": format!("{cid}_smt"), "name": "statement", "prose": c.meaning.get(lang) },
            { "id": format!("{cid}_gdn"), "name": "guidance", "prose": c.how.get(lang) },
            { "id": format!("{cid}_obj"), "name": "assessment-objective", "prose": c.evidence.get(lang) },
        ],
    })
}

fn requirement_control(catalog: &Catalog, r: &Requirement, lang: Lang) -> Value {
    let rid = requirement_control_id(r.id.as_str());
    let children: Vec<Value> = catalog
        .criteria
        .iter()
        .filter(|c| c.requirement_id == r.id)
        .map(|c| criterion_control(c, lang))
        .collect();
    json!({
        "id": rid,
        "class": "scs-requirement",
        "title": one_line(r.title.get(lang)),
        "props": [
            { "name": "label", "value": r.id.as_str() },
            prop("level", &r.level.number().to_string()),
            prop("csf-category", &r.csf_category),
        ],
        "parts": [ { "id": format!("{rid}_smt"), "name": "statement", "prose": r.summary.get(lang) } ],
        "controls": children,
    })
}

fn metadata(title: String, version: &str, now: &str, lang: Lang) -> Value {
    json!({
        "title": title,
        "last-modified": now,
        "version": version,
        "oscal-version": OSCAL_VERSION,
        "props": [ prop("language", lang.code()) ],
    })
}

/// The catalog as an OSCAL catalog document. `now` is an RFC 3339 timestamp with a zone.
pub fn catalog_document(catalog: &Catalog, lang: Lang, now: &str) -> Value {
    let groups: Vec<Value> = catalog
        .categories
        .iter()
        .map(|cat| {
            let controls: Vec<Value> = catalog
                .requirements
                .iter()
                .filter(|r| r.category == cat.id)
                .map(|r| requirement_control(catalog, r, lang))
                .collect();
            json!({
                "id": format!("scs-c{}", cat.id),
                "class": "scs-category",
                "title": one_line(cat.name.get(lang)),
                "props": [ { "name": "label", "value": cat.id }, prop("csf-function", cat.csf_function.code()) ],
                "controls": controls,
            })
        })
        .collect();
    let title = match lang {
        Lang::Ja => format!(
            "サプライチェーン強化に向けたセキュリティ対策評価制度（SCS）要求事項・評価基準 {}版",
            catalog.edition
        ),
        Lang::En => format!(
            "Supply-chain security evaluation scheme (SCS) requirements and criteria, edition {}",
            catalog.edition
        ),
    };
    json!({
        "catalog": {
            "uuid": uuid_for(&format!("catalog:{}:{}", catalog.edition, lang.code())),
            "metadata": metadata(title, &catalog.edition, now, lang),
            "groups": groups,
        }
    })
}

/// An OSCAL profile selecting the criteria (and their requirements) of one star level.
pub fn profile_document(catalog: &Catalog, level: StarLevel, lang: Lang, now: &str) -> Value {
    let mut ids: Vec<String> = catalog
        .requirements_for(level)
        .map(|r| requirement_control_id(r.id.as_str()))
        .collect();
    ids.extend(
        catalog
            .criteria_for(level)
            .map(|c| criterion_control_id(c.id.as_str())),
    );
    let title = match lang {
        Lang::Ja => format!(
            "SCS ★{} プロファイル（{}版）",
            level.number(),
            catalog.edition
        ),
        Lang::En => format!(
            "SCS ★{} profile (edition {})",
            level.number(),
            catalog.edition
        ),
    };
    json!({
        "profile": {
            "uuid": uuid_for(&format!("profile:{}:{}:{}", catalog.edition, level.number(), lang.code())),
            "metadata": metadata(title, &catalog.edition, now, lang),
            "imports": [ {
                "href": catalog_file_name(catalog),
                "include-controls": [ { "with-ids": ids } ],
            } ],
            "merge": { "as-is": true },
        }
    })
}
