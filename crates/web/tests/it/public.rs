//! The public side over the API and the pages: publishers record measures and revisions,
//! anyone reads the roadmap with computed statuses; half-yearly releases are published once
//! and read back byte for byte; the statistics withhold small cells (C) and what would reveal
//! them (D); the files validate against their schema and parse with standard libraries.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_problem, corporate_number, Org, TestApp};

fn next() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    400_000_000_000
        + u64::from(std::process::id()) % 10_000 * 1_000_000
        + N.fetch_add(1, Ordering::Relaxed)
}

/// Signs an organisation up with its industry (JSIC letter), employees and prefecture code.
pub(crate) async fn signup_as(
    app: &TestApp,
    name: &str,
    industry: &str,
    employees: u32,
    prefecture: &str,
) -> Org {
    let n = next();
    let email = format!("pub{n}@example.jp");
    let body = json!({
        "organization": { "name": name, "corporate_number": corporate_number(n), "industry": industry, "employees": employees, "prefecture": prefecture },
        "user": { "email": email, "password": "a long enough password", "name": "Owner" }
    });
    let r = app.post_json("/api/v1/signup", None, body).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let v: Value = r.json().await.unwrap();
    let token = app.token(&email, "a long enough password").await;
    Org {
        id: v["organization_id"].as_str().unwrap().into(),
        token,
        email,
    }
}

/// A ministry the operator marked as a publisher.
pub(crate) async fn publisher(app: &TestApp) -> Org {
    let org = signup_as(app, "サイバー政策庁", "S", 500, "13").await;
    app.state
        .store()
        .set_publisher(&org.id, true)
        .await
        .unwrap();
    org
}

pub(crate) fn measure(title: &str, live: Option<&str>) -> Value {
    json!({
        "title_ja": format!("{title}（日本語）"),
        "title_en": title,
        "logic_model": {
            "inputs": ["予算 2億円"],
            "activities": ["説明会の開催"],
            "outputs": ["参加企業 1,000社"],
            "outcomes": ["★3取得企業の増加"]
        },
        "kpis": [{
            "name_ja": "★3取得企業数",
            "name_en": "Organisations holding ★3",
            "unit": "organisations",
            "baseline": { "value": 0, "date": "2026-04-01" },
            "interim_targets": [{ "value": 500, "date": "2027-03-31" }],
            "target": { "value": 10000, "date": "2030-03-31" },
            "source": "Shirube",
            "quality_note": "Organisations on Shirube only; not a census.",
            "latest": { "value": 0, "date": "2026-10-01" },
            "live": live
        }]
    })
}

pub(crate) async fn create_measure(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json(
        "/api/v1/roadmap/measures",
        Some(token),
        json!({ "measure": body, "reason": "閣議決定に基づく" }),
    )
    .await
}

#[tokio::test]
async fn a_publisher_records_a_measure_and_anyone_reads_it_on_the_roadmap_with_its_status() {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        let r = create_measure(&app, &gov.token, measure("Explain SCS to SMEs", None)).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", app.backend);
        let id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = create_measure(
            &app,
            &gov.token,
            measure("Count ★3 holders live", Some("star3_valid")),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // No sign-in needed to read.
        let road = app.get_json("/api/v1/roadmap", None).await;
        let ms = road["measures"].as_array().unwrap();
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[0]["id"], id.as_str());
        assert_eq!(ms[0]["title"]["en"], "Explain SCS to SMEs");
        assert_eq!(ms[0]["owner"]["name"], "サイバー政策庁");
        assert_eq!(ms[0]["decision"], "adopt");
        assert_eq!(ms[0]["logic_model"]["outcomes"][0], "★3取得企業の増加");
        // Recorded 0 on 2026-10-01 against a line rising from 0 towards 500: behind.
        assert_eq!(ms[0]["kpis"][0]["status"], "behind");
        assert!(road["status_rule"]["en"]
            .as_str()
            .unwrap()
            .contains("on pace"));
        assert_eq!(
            road["licence"]["url"],
            "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
        );
        // The live KPI counts valid ★3 credentials right now (none yet), dated today.
        let live = &ms[1]["kpis"][0];
        assert_eq!(live["live"], "star3_valid");
        assert_eq!(live["latest"]["value"], 0.0);
        assert_eq!(live["latest"]["date"].as_str().unwrap().len(), 10);
    }
}

#[tokio::test]
async fn only_a_publishers_editors_change_the_roadmap_or_publish() {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        let firm = app.signup("みなと精工").await;
        let viewer = app.member(&gov, "viewer").await;
        for token in [&firm.token, &viewer] {
            let r = create_measure(&app, token, measure("x", None)).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{}", app.backend);
            let r = app
                .post_json(
                    "/api/v1/releases",
                    Some(token),
                    json!({ "period": "2026H1" }),
                )
                .await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN);
        }
        let r = app
            .post_json(
                "/api/v1/roadmap/measures",
                None,
                json!({ "measure": measure("x", None) }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let r = app
            .post_json("/api/v1/releases", None, json!({ "period": "2026H1" }))
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

        // Another publisher cannot revise this one's measure.
        let id = create_measure(&app, &gov.token, measure("mine", None))
            .await
            .json::<Value>()
            .await
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let other = publisher(&app).await;
        let r = app
            .post_json(
                &format!("/api/v1/roadmap/measures/{id}/revisions"),
                Some(&other.token),
                json!({ "decision": "abolish", "reason": "not mine", "measure": measure("mine", None) }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // A withdrawn mark takes the right away.
        app.state
            .store()
            .set_publisher(&gov.id, false)
            .await
            .unwrap();
        let r = create_measure(&app, &gov.token, measure("x", None)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_bad_measure_is_refused_naming_each_field_at_fault() {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        let mut m = measure("x", None);
        m["title_ja"] = json!("");
        m["kpis"][0]["baseline"]["date"] = json!("2026/04/01");
        m["kpis"][0]["target"]["date"] = json!("2025-01-01");
        m["kpis"][0]["live"] = json!("everything");
        let r = create_measure(&app, &gov.token, m).await;
        let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "kpis[0].baseline.date").await;
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&"title_ja"), "{fields:?}");
        assert!(fields.contains(&"kpis[0].live"), "{fields:?}");
        let mut m = measure("x", None);
        m["kpis"] = json!([]);
        assert_problem(
            create_measure(&app, &gov.token, m).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "kpis",
        )
        .await;
        let mut m = measure("x", None);
        m["kpis"][0]["interim_targets"][0]["date"] = json!("2031-01-01");
        assert_problem(
            create_measure(&app, &gov.token, m).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "kpis[0].interim_targets[0].date",
        )
        .await;
    }
}

#[tokio::test]
async fn a_revision_is_appended_with_its_reason_and_the_earlier_target_stays_on_record() {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        let id = create_measure(&app, &gov.token, measure("SME uptake", None))
            .await
            .json::<Value>()
            .await
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let mut revised = measure("SME uptake", None);
        revised["kpis"][0]["target"]["value"] = json!(5000);
        let path = format!("/api/v1/roadmap/measures/{id}/revisions");
        let r = app
            .post_json(&path, Some(&gov.token), json!({ "decision": "shrink", "reason": "予算削減のため目標を半減", "measure": revised }))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", app.backend);
        assert_eq!(r.json::<Value>().await.unwrap()["revision"], 2);
        // A reason and a real decision are required; "adopt" is only the first revision's.
        assert_problem(
            app.post_json(
                &path,
                Some(&gov.token),
                json!({ "decision": "adopt", "reason": " ", "measure": measure("x", None) }),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        )
        .await;
        let road = app.get_json("/api/v1/roadmap", None).await;
        let m = &road["measures"][0];
        assert_eq!(m["decision"], "shrink");
        assert_eq!(m["kpis"][0]["target"]["value"], 5000.0);
        let revs = m["revisions"].as_array().unwrap();
        assert_eq!(revs.len(), 2);
        assert_eq!(revs[0]["targets"][0]["target"]["value"], 10000.0);
        assert_eq!(revs[1]["reason"], "予算削減のため目標を半減");
    }
}

pub(crate) async fn publish(app: &TestApp, gov: &Org, period: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/releases",
        Some(&gov.token),
        json!({ "period": period }),
    )
    .await
}

pub(crate) async fn file(app: &TestApp, period: &str, name: &str) -> (StatusCode, String, String) {
    let r = app
        .get(&format!("/api/v1/releases/{period}/{name}"), None)
        .await;
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

const NAMES: [&str; 9] = [
    "roadmap",
    "roadmap.json",
    "roadmap.schema.json",
    "statistics",
    "statistics.json",
    "statistics.schema.json",
    "statistics.csv",
    "statistics.csv-metadata.json",
    "self-sufficiency.json",
];

pub(crate) async fn declare(app: &TestApp, org: &Org) {
    let id = app.create_assessment(&org.token, 3).await;
    for c in app.criteria(3) {
        app.answer(&org.token, &id, &c, json!({ "status": "implemented" }))
            .await;
    }
    crate::experts::expert_confirms(app, org, &id).await;
    let r = app
        .post_json(
            &format!("/api/v1/assessments/{id}/declaration"),
            Some(&org.token),
            json!({ "signer_name": "S", "signer_title": "CEO" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_release_is_published_once_and_reads_back_byte_for_byte_after_more_organisations_sign_up_and_declare(
) {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        create_measure(
            &app,
            &gov.token,
            measure("Count ★3 holders live", Some("star3_valid")),
        )
        .await;
        for i in 0..4 {
            signup_as(&app, &format!("製造{i}"), "E", 40, "23").await;
        }
        let r = publish(&app, &gov, "2026H2").await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{} {}",
            app.backend,
            r.text().await.unwrap()
        );
        let mut before = Vec::new();
        for name in NAMES {
            let (status, _, body) = file(&app, "2026H2", name).await;
            assert_eq!(status, StatusCode::OK, "{name}");
            before.push(body);
        }
        let stats: Value = serde_json::from_str(&before[3]).unwrap();
        assert_eq!(stats["period"], "2026H2");
        // Later data: more organisations, one of them declaring ★3, another measure.
        for i in 0..5 {
            signup_as(&app, &format!("追加{i}"), "E", 40, "23").await;
        }
        let late = signup_as(&app, "宣言済み", "G", 12, "13").await;
        declare(&app, &late).await;
        create_measure(&app, &gov.token, measure("Another", None)).await;
        // The live KPI moved from 0 to one holder, which it withholds (one organisation).
        let live = &app.get_json("/api/v1/roadmap", None).await["measures"][0]["kpis"][0];
        assert_eq!(live["latest"], Value::Null);
        assert_eq!(live["withheld"], "C");
        for (name, old) in NAMES.iter().zip(&before) {
            let (_, _, body) = file(&app, "2026H2", name).await;
            assert_eq!(&body, old, "{name} changed after publication");
        }
        // Published once: again is a conflict; an earlier period after it is refused too.
        assert_problem(
            publish(&app, &gov, "2026H2").await,
            StatusCode::CONFLICT,
            "period",
        )
        .await;
        assert_problem(
            publish(&app, &gov, "2025H2").await,
            StatusCode::CONFLICT,
            "period",
        )
        .await;
        for bad in ["2026H3", "26H1", "2026-H2", "", "2999H1"] {
            assert_problem(
                publish(&app, &gov, bad).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "period",
            )
            .await;
        }
        let list = app.get_json("/api/v1/releases", None).await;
        let r = &list["releases"][0];
        assert_eq!(r["period"], "2026H2");
        assert_eq!(r["publisher"], "サイバー政策庁");
        assert_eq!(r["files"].as_array().unwrap().len(), 7);
        // Unknown files and periods are 404, not 500.
        assert_eq!(
            file(&app, "2026H2", "secret.json").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            file(&app, "2031H1", "statistics").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            file(&app, "..", "statistics").await.0,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_next_half_year_release_counts_what_happened_since_and_the_earlier_one_stays() {
    use chrono::TimeZone;
    let clock =
        shirube_app::Clock::manual(chrono::Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0).unwrap());
    let app = TestApp::sqlite_with_clock(clock.clone()).await;
    let gov = publisher(&app).await;
    create_measure(
        &app,
        &gov.token,
        measure("Count ★3 holders live", Some("star3_valid")),
    )
    .await;
    assert_eq!(
        publish(&app, &gov, "2026H2").await.status(),
        StatusCode::CREATED
    );
    // Not begun yet.
    assert_problem(
        publish(&app, &gov, "2027H1").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "period",
    )
    .await;
    let old = file(&app, "2026H2", "roadmap").await.2;
    clock.set(chrono::Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap());
    let firm = signup_as(&app, "宣言済み", "G", 12, "13").await;
    declare(&app, &firm).await;
    clock.set(chrono::Utc.with_ymd_and_hms(2027, 7, 2, 9, 0, 0).unwrap());
    assert_eq!(
        publish(&app, &gov, "2027H1").await.status(),
        StatusCode::CREATED
    );
    let road: Value = serde_json::from_str(&file(&app, "2027H1", "roadmap").await.2).unwrap();
    assert_eq!(road["period"], "2027H1");
    assert_eq!(road["as_of"], "2027-06-30");
    // One holder in all of Japan is withheld, as the release tables withhold it.
    assert_eq!(road["measures"][0]["kpis"][0]["latest"], Value::Null);
    assert_eq!(road["measures"][0]["kpis"][0]["withheld"], "C");
    let stats: Value = serde_json::from_str(&file(&app, "2027H1", "statistics").await.2).unwrap();
    assert_eq!(stats["reference_time"], "2027-07-01T00:00:00.000000Z");
    assert_eq!(file(&app, "2026H2", "roadmap").await.2, old);
    let old_road: Value = serde_json::from_str(&old).unwrap();
    assert_eq!(old_road["measures"][0]["kpis"][0]["latest"]["value"], 0.0);
}

/// Organisations by (industry, employees, prefecture) for the statistics test: manufacturing
/// in Aichi is well populated; one transport firm in Hokkaido and two IT firms in Tokyo are not.
pub(crate) async fn population(app: &TestApp) {
    for i in 0..6 {
        signup_as(app, &format!("愛知製造{i}"), "E", 40, "23").await;
    }
    for i in 0..4 {
        signup_as(app, &format!("愛知製造大{i}"), "E", 400, "23").await;
    }
    signup_as(app, "北海道運輸", "H", 10, "01").await;
    signup_as(app, "東京IT1", "G", 3, "13").await;
    signup_as(app, "東京IT2", "G", 3, "13").await;
}

pub(crate) fn cell<'a>(
    obs: &'a [Value],
    measure: &str,
    industry: &str,
    size: &str,
    prefecture: &str,
) -> &'a Value {
    obs.iter()
        .find(|o| {
            o["measure"] == measure
                && o["industry"] == industry
                && o["size"] == size
                && o["prefecture"] == prefecture
        })
        .unwrap_or_else(|| panic!("no cell {measure} {industry} {size} {prefecture}"))
}

#[tokio::test]
async fn statistics_withhold_one_or_two_organisations_and_what_would_reveal_them() {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        population(&app).await;
        assert_eq!(
            publish(&app, &gov, "2026H2").await.status(),
            StatusCode::CREATED
        );
        let (status, ct, text) = file(&app, "2026H2", "statistics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(ct.starts_with("application/json"));
        let v: Value = serde_json::from_str(&text).unwrap();
        let obs = v["observations"].as_array().unwrap();
        assert_eq!(
            v["licence"]["url"],
            "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
        );
        // Ten medium or large manufacturers in Aichi: published, with the perturbation's
        // error of at most ±2.
        let e = cell(obs, "organizations_registered", "E", "_T", "23");
        assert_eq!(e["conf_status"], "F");
        assert_perturbed(&e["value"], 10);
        // The one Hokkaido transport firm and the two Tokyo IT firms: withheld as C.
        for (i, p) in [("H", "01"), ("G", "13")] {
            let c = cell(obs, "organizations_registered", i, "_T", p);
            assert!(c["value"].is_null(), "{c}");
            assert_eq!(c["conf_status"], "C");
            assert_eq!(c["obs_status"], "O");
        }
        // Every withheld value is null and flagged; every flag is F, C or D.
        for o in obs {
            match o["conf_status"].as_str().unwrap() {
                "F" => assert!(o["value"].is_u64()),
                "C" | "D" => assert!(o["value"].is_null()),
                other => panic!("unexpected flag {other}"),
            }
        }
        // Totals cannot be subtracted to reveal Hokkaido: 13 = 10 (Aichi) + Hokkaido + Tokyo
        // + the publisher's own Tokyo office; some cell beyond the primary ones is withheld.
        assert!(
            obs.iter().any(|o| o["conf_status"] == "D"),
            "no secondary suppression"
        );
        let known: i64 = obs
            .iter()
            .filter(|o| {
                o["measure"] == "organizations_registered"
                    && o["industry"] == "_T"
                    && o["size"] == "_T"
                    && o["prefecture"] != "_T"
            })
            .filter_map(|o| o["value"].as_i64())
            .sum();
        let total = cell(obs, "organizations_registered", "_T", "_T", "_T")["value"].as_i64();
        if let Some(total) = total {
            // The withheld prefectures hold about total − known organisations between them
            // (each count carries its own small error): never a single prefecture's count on
            // its own.
            let withheld = obs
                .iter()
                .filter(|o| {
                    o["measure"] == "organizations_registered"
                        && o["industry"] == "_T"
                        && o["size"] == "_T"
                        && o["prefecture"] != "_T"
                        && o["value"].is_null()
                })
                .count();
            assert!(
                withheld != 1,
                "{withheld} withheld prefecture beside a total of {total} and {known} published"
            );
        }
        // The JSON validates against the schema published with it.
        let (_, _, schema) = file(&app, "2026H2", "statistics.schema.json").await;
        let schema: Value = serde_json::from_str(&schema).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| e.to_string())
            .take(3)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        let (_, _, road) = file(&app, "2026H2", "roadmap").await;
        let (_, _, road_schema) = file(&app, "2026H2", "roadmap.schema.json").await;
        let validator =
            jsonschema::validator_for(&serde_json::from_str(&road_schema).unwrap()).unwrap();
        assert!(validator.is_valid(&serde_json::from_str(&road).unwrap()));

        // The CSV: SDMX-CSV columns, empty values where withheld, never an "x".
        let (_, ct, csv) = file(&app, "2026H2", "statistics.csv").await;
        assert!(ct.starts_with("text/csv"));
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            "STRUCTURE,STRUCTURE_ID,ACTION,TIME_PERIOD,MEASURE,INDUSTRY,SIZE_CLASS,PREFECTURE,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS"
        );
        assert_eq!(lines.clone().count(), obs.len());
        assert!(
            lines.clone().any(|l| l.contains(",H,_T,01,,ORG,O,C")),
            "Hokkaido line"
        );
        assert!(!csv.split(',').any(|f| f == "x"));
    }
}

/// Runs a Python snippet; `None` (with the reason printed) when Python or the module is
/// missing, so the check runs wherever `pip install csvw rdflib` was done.
fn python(module: &str, script: &str, dir: &std::path::Path) -> Option<std::process::Output> {
    let probe = std::process::Command::new("python3")
        .arg("-c")
        .arg(format!("import {module}"))
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        _ => {
            println!("skipping the {module} check: python3 with {module} is not installed (pip install {module})");
            return None;
        }
    }
    Some(
        std::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .current_dir(dir)
            .output()
            .unwrap(),
    )
}

#[tokio::test]
async fn the_csvw_metadata_and_the_dcat_catalogue_parse_with_standard_libraries() {
    let app = TestApp::sqlite().await;
    let gov = publisher(&app).await;
    population(&app).await;
    assert_eq!(
        publish(&app, &gov, "2026H2").await.status(),
        StatusCode::CREATED
    );
    let dir = tempfile::tempdir().unwrap();
    for name in ["statistics.csv", "statistics.csv-metadata.json"] {
        std::fs::write(dir.path().join(name), file(&app, "2026H2", name).await.2).unwrap();
    }
    let r = app.get("/api/v1/releases/catalog.jsonld", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/ld+json");
    let catalogue = r.text().await.unwrap();
    let cat: Value = serde_json::from_str(&catalogue).unwrap();
    assert_eq!(cat["@type"], "dcat:Catalog");
    assert_eq!(
        cat["dcat:dataset"][0]["dcat:distribution"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    std::fs::write(dir.path().join("catalog.jsonld"), &catalogue).unwrap();

    let csvw = r#"
import csvw
assert csvw.CSVW('statistics.csv-metadata.json').is_valid
rows = list(csvw.Table.from_file('statistics.csv-metadata.json').iterdicts())
assert len(rows) == 3 * 1212, len(rows)
withheld = [r for r in rows if r['CONF_STATUS'] in ('C', 'D')]
assert withheld and all(r['OBS_VALUE'] is None for r in withheld)
assert all(isinstance(r['OBS_VALUE'], int) for r in rows if r['CONF_STATUS'] == 'F')
print('csvw ok', len(rows))
"#;
    if let Some(out) = python("csvw", csvw, dir.path()) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rdf = r#"
import rdflib
g = rdflib.Graph().parse('catalog.jsonld', format='json-ld')
DCAT = rdflib.Namespace('http://www.w3.org/ns/dcat#')
DCT = rdflib.Namespace('http://purl.org/dc/terms/')
datasets = list(g.subjects(rdflib.RDF.type, DCAT.Dataset))
assert len(datasets) == 1, datasets
dists = list(g.objects(datasets[0], DCAT.distribution))
assert len(dists) == 7, dists
assert (None, DCT.license, rdflib.URIRef('https://www.digital.go.jp/resources/open_data/public_data_license_v1.0')) in g
print('rdflib ok', len(g))
"#;
    if let Some(out) = python("rdflib", rdf, dir.path()) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test]
async fn the_public_pages_show_the_roadmap_and_a_release_with_x_for_withheld_cells_in_both_languages(
) {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        create_measure(&app, &gov.token, measure("Explain SCS to SMEs", None)).await;
        population(&app).await;
        publish(&app, &gov, "2026H2").await;
        for (lang, roadmap_title, status) in [("ja", "工程表", "遅れ"), ("en", "Roadmap", "Behind")]
        {
            let get = |path: &str| {
                TestApp::client()
                    .get(app.url(path))
                    .header("cookie", format!("lang={lang}"))
                    .send()
            };
            let html = get("/roadmap").await.unwrap().text().await.unwrap();
            let doc = scraper::Html::parse_document(&html);
            let h1 = scraper::Selector::parse("h1").unwrap();
            assert_eq!(
                doc.select(&h1).next().unwrap().text().collect::<String>(),
                roadmap_title
            );
            let st = scraper::Selector::parse("strong.status-behind").unwrap();
            assert_eq!(
                doc.select(&st).next().unwrap().text().collect::<String>(),
                status
            );
            let svg = scraper::Selector::parse("svg[role=img] title").unwrap();
            assert!(doc.select(&svg).next().is_some(), "charts carry a title");

            let r = get("/releases/2026H2").await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let doc = scraper::Html::parse_document(&r.text().await.unwrap());
            let rows = scraper::Selector::parse("#t-prefecture ~ table tbody tr").unwrap();
            let cells = scraper::Selector::parse("th, td").unwrap();
            let hokkaido: Vec<String> = doc
                .select(&rows)
                .next()
                .unwrap()
                .select(&cells)
                .map(|c| c.text().collect::<String>())
                .collect();
            assert_eq!(hokkaido[1], "x", "{hokkaido:?}");
            let page = doc.root_element().text().collect::<String>();
            assert!(page.contains("PDL1.0"));
            assert_eq!(
                get("/releases/1999H1").await.unwrap().status(),
                StatusCode::NOT_FOUND
            );
        }
    }
}

#[tokio::test]
async fn the_demo_has_a_publisher_with_three_measures_and_a_published_release() {
    for app in TestApp::all().await {
        let logins = shirube_app::demo::seed(&app.state).await.unwrap();
        assert!(logins.iter().any(|l| l.email == "roadmap@policy.example"));
        let road = app.get_json("/api/v1/roadmap", None).await;
        let ms = road["measures"].as_array().unwrap();
        assert_eq!(ms.len(), 3, "{}", app.backend);
        assert_eq!(ms[1]["decision"], "revise");
        assert_eq!(ms[1]["revisions"].as_array().unwrap().len(), 2);
        let list = app.get_json("/api/v1/releases", None).await;
        let releases = list["releases"].as_array().unwrap();
        assert_eq!(releases.len(), 1);
        let period = releases[0]["period"].as_str().unwrap();
        let stats: Value = serde_json::from_str(&file(&app, period, "statistics").await.2).unwrap();
        let total = cell(
            stats["observations"].as_array().unwrap(),
            "organizations_registered",
            "_T",
            "_T",
            "_T",
        );
        // Eight organisations, published with the perturbation's error of at most ±2.
        assert_perturbed(&total["value"], 8);
        let page = TestApp::client()
            .get(app.url(&format!("/releases/{period}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn organisations_declare_products_and_a_release_publishes_domestic_shares_or_says_too_thin() {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        let vendor = |name: &str, head: &str, parent: &str| json!({ "name": name, "head_office_country": head, "ultimate_parent_name": name, "ultimate_parent_country": parent });
        let mut ids = Vec::new();
        for (name, head, parent) in [
            ("国産セキュリティ", "JP", "JP"),
            ("Global EDR Inc.", "US", "US"),
            ("日本法人（外資）", "JP", "US"),
        ] {
            let r = app
                .post_json(
                    "/api/v1/registry/vendors",
                    Some(&gov.token),
                    vendor(name, head, parent),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED, "{}", app.backend);
            ids.push(
                r.json::<Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        assert_problem(
            app.post_json(
                "/api/v1/registry/vendors",
                Some(&gov.token),
                vendor("x", "Japan", "JP"),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "head_office_country",
        )
        .await;
        let product = |vendor: &str, name: &str, category: &str| json!({ "vendor_id": vendor, "name": name, "category": category });
        let mut products = Vec::new();
        for (v, name) in [(0, "国産EDR"), (1, "Global EDR"), (2, "Resold EDR")] {
            let r = app
                .post_json(
                    "/api/v1/registry/products",
                    Some(&gov.token),
                    product(&ids[v], name, "edr"),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
            products.push(
                r.json::<Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        assert_problem(
            app.post_json(
                "/api/v1/registry/products",
                Some(&gov.token),
                product(&ids[0], "x", "antivirus"),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "category",
        )
        .await;
        let firm = app.signup("みなと精工").await;
        assert_eq!(
            app.post_json(
                "/api/v1/registry/vendors",
                Some(&firm.token),
                vendor("x", "JP", "JP")
            )
            .await
            .status(),
            StatusCode::FORBIDDEN
        );
        let registry = app.get_json("/api/v1/registry/products", None).await;
        let domestic: Vec<bool> = registry["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["domestic"].as_bool().unwrap())
            .collect();
        assert_eq!(
            domestic.iter().filter(|d| **d).count(),
            1,
            "a resold foreign product is not domestic"
        );

        // Twelve organisations use an EDR: four the domestic one.
        let mut users = vec![firm];
        for i in 0..11 {
            users.push(signup_as(&app, &format!("利用{i}"), "E", 40, "23").await);
        }
        for (i, u) in users.iter().enumerate() {
            let r = app
                .put_json(
                    &format!("/api/v1/product-uses/{}", products[i % 3]),
                    &u.token,
                    json!({ "criteria": ["3-1-1-1"], "annual_spend_yen": 1_000_000 }),
                )
                .await;
            assert_eq!(
                r.status(),
                StatusCode::NO_CONTENT,
                "{}",
                r.text().await.unwrap()
            );
        }
        let bad = app
            .put_json(
                &format!("/api/v1/product-uses/{}", products[0]),
                &users[0].token,
                json!({ "criteria": ["9-9-9-9"] }),
            )
            .await;
        assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "criteria[0]").await;
        let unknown = app
            .put_json(
                "/api/v1/product-uses/nope",
                &users[0].token,
                json!({ "criteria": ["3-1-1-1"] }),
            )
            .await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let mine = app
            .get_json("/api/v1/product-uses", Some(&users[0].token))
            .await;
        assert_eq!(mine[0]["criteria"][0], "3-1-1-1");

        assert_eq!(
            publish(&app, &gov, "2026H2").await.status(),
            StatusCode::CREATED
        );
        let (status, _, text) = file(&app, "2026H2", "self-sufficiency.json").await;
        assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert!(v["definition"]["en"]
            .as_str()
            .unwrap()
            .contains("ultimate parent"));
        let edr = v["usage_share"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == "edr")
            .unwrap();
        // Twelve organisations, four of them domestic: both counts are published with the
        // cell-key error (±2), and the share is taken between the published counts.
        let d = edr["organisations"].as_u64().unwrap();
        assert!((10..=14).contains(&d), "{edr}");
        let pct = edr["percent"].as_f64().unwrap();
        assert!(
            (2..=6).any(|n: u64| ((n * 1000) as f64 / d as f64).round() / 10.0 == pct),
            "{edr}"
        );
        let backup = v["usage_share"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == "backup")
            .unwrap();
        assert_eq!(backup["withheld"], "too_thin");
        // Three vendors with equal spend pass the dominance rule.
        assert_eq!(v["spend_share"]["percent"], 33.3);
        assert_eq!(v["monitoring_in_japan"]["withheld"], "too_thin");
        assert_eq!(v["monitoring_in_japan"]["organisations"], 0);
    }
}

#[tokio::test]
async fn the_request_kpis_measure_the_share_of_requests_met_on_time_once_ten_can_be_judged() {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        for live in ["requests_met_on_time_share", "median_days_to_level"] {
            let r = create_measure(&app, &gov.token, measure(live, Some(live))).await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        let kpis = |road: &Value| -> Vec<Value> {
            road["measures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["kpis"][0]["latest"]["value"].clone())
                .collect()
        };
        let buyer = signup_as(&app, "大和自動車部品", "E", 2400, "23").await;
        let mut suppliers = Vec::new();
        for i in 0..10 {
            let s = signup_as(&app, &format!("部品{i}"), "E", 30, "23").await;
            let number = app
                .state
                .store()
                .organization(&s.id)
                .await
                .unwrap()
                .corporate_number;
            let r = app
            .post_json(
                "/api/v1/suppliers",
                Some(&buyer.token),
                json!({ "corporate_number": number, "due_date": "2099-03-31",
                        "decision": { "confidential_info": false, "business_interruption": false, "network_access": false } }),
            )
            .await;
            assert_eq!(r.status(), StatusCode::CREATED);
            suppliers.push(s);
        }
        // Nothing can be judged yet: every request is open and before its due date.
        let road = app.get_json("/api/v1/roadmap", None).await;
        assert_eq!(kpis(&road), [Value::Null, Value::Null]);
        for s in &suppliers[..9] {
            declare(&app, s).await;
        }
        // Nine reached: still fewer than ten to judge.
        let road = app.get_json("/api/v1/roadmap", None).await;
        assert_eq!(kpis(&road), [Value::Null, Value::Null]);
        declare(&app, &suppliers[9]).await;
        let road = app.get_json("/api/v1/roadmap", None).await;
        // All ten reached ★3 the day they were asked: 100 % on time, a median of 0 days.
        assert_eq!(kpis(&road), [json!(100.0), json!(0.0)]);
    }
}

/// A published (perturbed) count `v` of a true count `n` of three or more: within ±2 of it,
/// and never 1 or 2 (see `shirube_stats::sdc::perturb`).
pub(crate) fn assert_perturbed(v: &Value, n: u64) {
    let v = v
        .as_u64()
        .or_else(|| v.as_f64().map(|x| x as u64))
        .unwrap_or_else(|| panic!("{v} is no count"));
    assert!(n >= 3, "a true count of {n} is never published");
    assert!(v >= 3 && v.abs_diff(n) <= 2, "{v} published for {n}");
}
