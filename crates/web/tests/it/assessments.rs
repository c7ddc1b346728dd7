//! The self-assessment end to end over the API: answers, evidence, result, declaration.

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_problem, TestApp};

#[tokio::test]
async fn a_supplier_answers_every_level_3_criterion_declares_and_is_frozen() {
    for app in TestApp::all().await {
        let org = app.signup("みなと精工").await;
        let id = app.create_assessment(&org.token, 3).await;
        let criteria = app.criteria(3);
        assert_eq!(criteria.len(), 81);
        let (last, rest) = criteria.split_last().unwrap();
        for c in rest {
            let r = app
                .answer(&org.token, &id, c, json!({ "status": "implemented" }))
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{c}");
        }
        // Not achieved yet: declaring is refused.
        let v: Value = app
            .get_json(&format!("/api/v1/assessments/{id}"), Some(&org.token))
            .await;
        assert_eq!(v["result"]["achieved_level"], Value::Null);
        assert_eq!(v["result"]["action_plan"][0]["criterion_id"], last.as_str());
        assert!(!v["result"]["action_plan"][0]["next_step"]["ja"]
            .as_str()
            .unwrap()
            .is_empty());
        let r = app
            .post_json(
                &format!("/api/v1/assessments/{id}/declaration"),
                Some(&org.token),
                json!({ "signer_name": "港 太郎", "signer_title": "代表取締役" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);

        let r = app.answer(&org.token, &id, last, json!({ "status": "not_applicable", "not_applicable_reason": "該当する機器がない" })).await;
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["result"]["achieved_level"], 3);
        assert_eq!(v["progress"]["percent"], 100);
        crate::experts::expert_confirms(&app, &org, &id).await;

        let r = app
            .post_json(
                &format!("/api/v1/assessments/{id}/declaration"),
                Some(&org.token),
                json!({ "signer_name": "港 太郎", "signer_title": "代表取締役" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"], "declared");
        assert_eq!(v["declaration"]["signer_name"], "港 太郎");

        let r = app
            .answer(
                &org.token,
                &id,
                &criteria[0],
                json!({ "status": "partial" }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CONFLICT,
            "a declared assessment cannot be edited"
        );
        let v: Value = app
            .get_json(&format!("/api/v1/assessments/{id}"), Some(&org.token))
            .await;
        assert_eq!(v["answers"][0]["status"], "implemented");
    }
}

#[tokio::test]
async fn partial_never_counts_and_the_plan_puts_level_3_gaps_first() {
    for app in TestApp::all().await {
        let org = app.signup("Four").await;
        let id = app.create_assessment(&org.token, 4).await;
        let four_only = app
            .criteria(4)
            .into_iter()
            .find(|c| !app.criteria(3).contains(c))
            .unwrap();
        app.answer(&org.token, &id, &four_only, json!({ "status": "partial" }))
            .await;
        let v: Value = app
            .get_json(&format!("/api/v1/assessments/{id}"), Some(&org.token))
            .await;
        assert_eq!(v["progress"]["total"], 153);
        assert_eq!(v["progress"]["met"], 0);
        let plan = v["result"]["action_plan"].as_array().unwrap();
        assert_eq!(plan.len(), 153);
        assert!(plan[..81].iter().all(|a| a["level"] == 3));
        assert_eq!(
            plan[81]["criterion_id"],
            four_only.as_str(),
            "started ★4 work comes first among ★4 gaps"
        );
    }
}

#[tokio::test]
async fn bad_answers_are_refused_with_the_field_named() {
    for app in TestApp::all().await {
        let org = app.signup("Bad").await;
        let id = app.create_assessment(&org.token, 3).await;
        assert_problem(
            app.answer(
                &org.token,
                &id,
                "9-9-9-9",
                json!({ "status": "implemented" }),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "criterion_id",
        )
        .await;
        let four_only = app
            .criteria(4)
            .into_iter()
            .find(|c| !app.criteria(3).contains(c))
            .unwrap();
        assert_problem(
            app.answer(
                &org.token,
                &id,
                &four_only,
                json!({ "status": "implemented" }),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "criterion_id",
        )
        .await;
        assert_problem(
            app.answer(&org.token, &id, "1-2-1-1", json!({ "status": "done" }))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "status",
        )
        .await;
        assert_problem(
            app.answer(
                &org.token,
                &id,
                "1-2-1-1",
                json!({ "status": "not_applicable" }),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_applicable_reason",
        )
        .await;
        assert_problem(
            app.answer(&org.token, &id, "1-2-1-1", json!({ "status": 3 }))
                .await,
            StatusCode::BAD_REQUEST,
            "status",
        )
        .await;
        assert_problem(
            app.post_json(
                "/api/v1/assessments",
                Some(&org.token),
                json!({ "target_level": 5 }),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "target_level",
        )
        .await;
        let v: Value = app
            .get_json(&format!("/api/v1/assessments/{id}"), Some(&org.token))
            .await;
        assert_eq!(
            v["answers"].as_array().unwrap().len(),
            0,
            "nothing stored by bad requests"
        );
    }
}

#[tokio::test]
async fn evidence_files_are_stored_content_addressed_and_served_only_to_their_organisation() {
    for app in TestApp::all().await {
        let org = app.signup("Evidence").await;
        let other = app.signup("Other").await;
        let id = app.create_assessment(&org.token, 3).await;
        let upload = |bytes: Vec<u8>, name: &'static str| {
            Form::new()
                .text("criterion_id", "4-3-4-1")
                .text("evidence_date", "2026-11-01")
                .part("file", Part::bytes(bytes).file_name(name))
        };
        let url = app.url(&format!("/api/v1/assessments/{id}/evidence"));
        let r = TestApp::client()
            .post(&url)
            .bearer_auth(&org.token)
            .multipart(upload(b"backup log".to_vec(), "backup.txt"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let ev_id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = TestApp::client()
            .post(&url)
            .bearer_auth(&org.token)
            .multipart(upload(b"backup log".to_vec(), "same.txt"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = app
            .get_json(&format!("/api/v1/assessments/{id}"), Some(&org.token))
            .await;
        let ev = v["evidence"].as_array().unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0]["sha256"], ev[1]["sha256"], "same content, same blob");
        assert_eq!(ev[0]["evidence_date"], "2026-11-01");

        let r = app
            .get(&format!("/api/v1/evidence/{ev_id}"), Some(&org.token))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"backup log");
        assert_eq!(
            app.get(&format!("/api/v1/evidence/{ev_id}"), Some(&other.token))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&format!("/api/v1/evidence/{ev_id}"), None)
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );

        let link = Form::new()
            .text("criterion_id", "1-2-1-1")
            .text("evidence_date", "2026-10-01")
            .text("url", "https://intranet.example/rules.pdf");
        let r = TestApp::client()
            .post(&url)
            .bearer_auth(&org.token)
            .multipart(link)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let bad = Form::new()
            .text("criterion_id", "1-2-1-1")
            .text("evidence_date", "yesterday")
            .text("url", "javascript:alert(1)");
        let r = TestApp::client()
            .post(&url)
            .bearer_auth(&org.token)
            .multipart(bad)
            .send()
            .await
            .unwrap();
        let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "url").await;
        assert!(v.to_string().contains("evidence_date"));
    }
}

#[tokio::test]
async fn an_evidence_file_over_20_mib_is_refused_with_413() {
    let app = TestApp::sqlite().await;
    let org = app.signup("Big").await;
    let id = app.create_assessment(&org.token, 3).await;
    let big = vec![b'x'; 20 * 1024 * 1024 + 1];
    let form = Form::new()
        .text("criterion_id", "4-3-4-1")
        .text("evidence_date", "2026-11-01")
        .part("file", Part::bytes(big).file_name("big.bin"));
    let r = TestApp::client()
        .post(app.url(&format!("/api/v1/assessments/{id}/evidence")))
        .bearer_auth(&org.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::PAYLOAD_TOO_LARGE, "file").await;
    let exactly = vec![b'y'; 20 * 1024 * 1024];
    let form = Form::new()
        .text("criterion_id", "4-3-4-1")
        .text("evidence_date", "2026-11-01")
        .part("file", Part::bytes(exactly).file_name("ok.txt"));
    let r = TestApp::client()
        .post(app.url(&format!("/api/v1/assessments/{id}/evidence")))
        .bearer_auth(&org.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_copied_assessment_shows_what_changed_criterion_by_criterion_and_keeps_history() {
    for app in TestApp::all().await {
        let org = app.signup("Copy").await;
        let first = app.create_assessment(&org.token, 3).await;
        app.answer(
            &org.token,
            &first,
            "1-2-1-1",
            json!({ "status": "partial" }),
        )
        .await;
        app.answer(
            &org.token,
            &first,
            "1-2-1-2",
            json!({ "status": "implemented" }),
        )
        .await;
        let r = app
            .post_json(
                "/api/v1/assessments",
                Some(&org.token),
                json!({ "target_level": 3, "copy_from": first }),
            )
            .await;
        let second = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let v: Value = app
            .get_json(&format!("/api/v1/assessments/{second}"), Some(&org.token))
            .await;
        assert_eq!(
            v["answers"].as_array().unwrap().len(),
            2,
            "answers were copied"
        );
        assert_eq!(v["changes_since_previous"].as_array().unwrap().len(), 0);
        app.answer(
            &org.token,
            &second,
            "1-2-1-1",
            json!({ "status": "implemented" }),
        )
        .await;
        let v: Value = app
            .get_json(&format!("/api/v1/assessments/{second}"), Some(&org.token))
            .await;
        assert_eq!(
            v["changes_since_previous"],
            json!([{ "criterion_id": "1-2-1-1", "before": "partial", "after": "implemented" }])
        );
        let list: Value = app.get_json("/api/v1/assessments", Some(&org.token)).await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        let old: Value = app
            .get_json(&format!("/api/v1/assessments/{first}"), Some(&org.token))
            .await;
        assert_eq!(old["status"], "superseded");
        assert_eq!(
            app.answer(
                &org.token,
                &first,
                "1-2-1-3",
                json!({ "status": "implemented" })
            )
            .await
            .status(),
            StatusCode::CONFLICT
        );
    }
}

#[tokio::test]
async fn every_change_is_in_the_hash_chained_audit_log_which_detects_tampering() {
    for app in TestApp::all().await {
        let org = app.signup("Audit").await;
        let id = app.create_assessment(&org.token, 3).await;
        app.answer(
            &org.token,
            &id,
            "1-2-1-1",
            json!({ "status": "implemented" }),
        )
        .await;
        let entries = app.state.store().audit_for_org(&org.id, 100).await.unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        for a in [
            "organization.create",
            "assessment.create",
            "answer.put",
            "api_token.create",
        ] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
        match app.state.store().verify_audit().await.unwrap() {
            shirube_store::AuditVerification::Intact { entries } => assert!(entries >= 4),
            broken => panic!("{broken:?}"),
        }
    }
}
