//! A member records how it dealt with intelligence that named one of its components: the
//! exposure then leaves the buyer's flag and the group's counts, the member keeps seeing it
//! with its answer, and a new scan that still holds the component is a new exposure.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::intel::{
    add, buyer_shared_with, community, intel_notices, select, upload, write_index, CARGO_LOCK,
};
use crate::pages::Browser;
use crate::support::{assert_problem, TestApp};

const GREEN_VULN: &str = r#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--00000000-0000-4000-8000-0000000000e1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"SmallVec overflow","external_references":[{"source_name":"cve","external_id":"CVE-2021-25900"}],"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}"#;

#[tokio::test]
async fn a_recorded_action_takes_the_exposure_off_the_buyer_flag_and_the_group_count_and_a_new_scan_brings_it_back(
) {
    for app in TestApp::all().await {
        write_index(&app);
        let c = community(&app, "read").await;
        upload(&app, &c.member.token, "Cargo.lock", CARGO_LOCK).await;
        let buyer = buyer_shared_with(&app, &c.member).await;
        add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{GREEN_VULN}]}}"#),
        )
        .await;

        let exposures: Value = app
            .get_json("/api/v1/intel/exposures", Some(&c.member.token))
            .await;
        assert_eq!(exposures.as_array().unwrap().len(), 1);
        assert_eq!(exposures[0]["resolved_at"], Value::Null);
        let id = exposures[0]["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/intel/exposures/{id}/resolve");

        // Refused input names the field and writes nothing.
        let r = app
            .post_json(
                &path,
                Some(&c.member.token),
                json!({ "resolution": "done" }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "resolution").await;
        let r = app
            .post_json(
                &path,
                Some(&c.member.token),
                json!({ "resolution": "fixed", "note": "x".repeat(1001) }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "note").await;
        // Another organisation (here the buyer and the group) cannot see or answer it.
        for other in [&buyer, &c.group] {
            let r = app
                .post_json(&path, Some(&other.token), json!({ "resolution": "fixed" }))
                .await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
        }
        let flags: Value = app
            .get_json("/api/v1/intel/supplier-exposures", Some(&buyer.token))
            .await;
        assert_eq!(flags.as_array().unwrap().len(), 1, "still flagged: {flags}");
        let report: Value = app
            .get_json("/api/v1/intel/exposure-report", Some(&c.group.token))
            .await;
        assert_eq!(report[0]["members"], 1);

        let r = app
            .post_json(
                &path,
                Some(&c.member.token),
                json!({ "resolution": "fixed", "note": "smallvec を 1.6.1 に更新" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let answered: Value = r.json().await.unwrap();
        assert_eq!(answered["resolution"], "fixed");
        assert_eq!(answered["resolution_note"], "smallvec を 1.6.1 に更新");
        assert!(answered["resolved_at"].is_string());

        let flags: Value = app
            .get_json("/api/v1/intel/supplier-exposures", Some(&buyer.token))
            .await;
        assert_eq!(flags, json!([]));
        let report: Value = app
            .get_json("/api/v1/intel/exposure-report", Some(&c.group.token))
            .await;
        assert_eq!(report, json!([]));
        let exposures: Value = app
            .get_json("/api/v1/intel/exposures", Some(&c.member.token))
            .await;
        assert_eq!(
            exposures[0]["resolution"], "fixed",
            "the member still sees it"
        );

        // The same lockfile checked again still holds the component: a new exposure, told.
        assert_eq!(intel_notices(&app, &c.member.token).await.len(), 1);
        upload(&app, &c.member.token, "Cargo.lock", CARGO_LOCK).await;
        assert_eq!(intel_notices(&app, &c.member.token).await.len(), 2);
        let flags: Value = app
            .get_json("/api/v1/intel/supplier-exposures", Some(&buyer.token))
            .await;
        assert_eq!(flags.as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_action_form_comes_back_as_typed_when_refused_and_records_in_both_languages() {
    for app in TestApp::all().await {
        write_index(&app);
        for (lang, choose, title) in [
            ("ja", "対応を「部品を更新・削除した」", "対応を記録したもの"),
            ("en", "Choose the action", "Dealt with"),
        ] {
            let c = community(&app, "read").await;
            upload(&app, &c.member.token, "Cargo.lock", CARGO_LOCK).await;
            add(
                &app,
                &c,
                &c.group.token,
                &format!(r#"{{"objects":[{GREEN_VULN}]}}"#),
            )
            .await;
            let b = Browser::new(&app);
            b.login(&c.member.email, "a long enough password").await;
            let (status, _) = b.get(&format!("/lang/{lang}?back=/intel")).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            let (status, html) = b.get("/intel").await;
            assert_eq!(status, StatusCode::OK);
            let link = crate::intel::attr(
                &html,
                "#intel-exposures a[href^='/intel/exposures/']",
                "href",
            )
            .expect("a link to record the action");
            let (status, html) = b.get(&link).await;
            assert_eq!(status, StatusCode::OK, "{lang}");
            assert_eq!(select(&html, "#exposure-facts dd")[0], "SmallVec overflow");
            let csrf = b.csrf().await;

            // No choice: the page comes back with the message and the note as typed.
            let r = b
                .post(
                    &link,
                    &[("csrf_token", csrf.as_str()), ("note", "調査中のメモ")],
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
            let html = r.text().await.unwrap();
            let err = select(&html, "#f-resolution-err").join(" ");
            assert!(err.contains(choose), "{lang}: {err}");
            assert_eq!(select(&html, "#f-note"), ["調査中のメモ"]);
            assert_eq!(select(&html, "#form-errors li a").len(), 1);
            let exposures: Value = app
                .get_json("/api/v1/intel/exposures", Some(&c.member.token))
                .await;
            assert_eq!(exposures[0]["resolved_at"], Value::Null, "nothing written");

            let r = b
                .post(
                    &link,
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("resolution", "not_affected"),
                        ("note", "insert_many を使っていない"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{lang}");
            assert_eq!(r.headers()["location"], "/intel?resolved=1");
            let (_, html) = b.get("/intel?resolved=1").await;
            assert_eq!(select(&html, "#resolved-now").len(), 1);
            assert_eq!(select(&html, "#resolved-h"), [title]);
            assert!(select(&html, "#intel-resolved td")
                .join(" ")
                .contains("insert_many を使っていない"));
            assert!(
                select(&html, "#intel-exposures").is_empty(),
                "nothing open is left"
            );

            // Without the session's token nothing is written.
            let r = b.post(&link, &[("resolution", "fixed")]).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN);
            let exposures: Value = app
                .get_json("/api/v1/intel/exposures", Some(&c.member.token))
                .await;
            assert_eq!(exposures[0]["resolution"], "not_affected");
        }
    }
}
