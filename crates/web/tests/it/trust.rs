//! Trust services end to end: a ★3 declaration yields a verifiable credential; verification,
//! tampering, revocation and the register; the ★4 third-party evaluation; who may do what.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{Org, TestApp};

async fn declared(app: &TestApp, name: &str) -> (Org, String) {
    let org = app.signup(name).await;
    let id = app.create_assessment(&org.token, 3).await;
    for c in app.criteria(3) {
        app.answer(&org.token, &id, &c, json!({ "status": "implemented" }))
            .await;
    }
    crate::experts::expert_confirms(app, &org, &id).await;
    let r = app
        .post_json(
            &format!("/api/v1/assessments/{id}/declaration"),
            Some(&org.token),
            json!({ "signer_name": "港 太郎", "signer_title": "代表取締役" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    (org, id)
}

async fn verify(app: &TestApp, credential: &Value) -> Value {
    let r = TestApp::client()
        .post(app.url("/api/v1/verify"))
        .body(credential.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_level_3_declaration_yields_a_credential_that_verifies_and_can_be_withdrawn() {
    for app in TestApp::all().await {
        let (org, id) = declared(&app, "さくら電子").await;
        let r = app
            .get(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&org.token),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        let cred_id = v["id"].as_str().unwrap().to_string();
        let vc = v["credential"].clone();
        assert_eq!(
            vc["type"],
            json!(["VerifiableCredential", "ShirubeLevelCredential"])
        );
        assert_eq!(vc["credentialSubject"]["level"], 3);
        assert_eq!(vc["credentialSubject"]["assurance"], "self");
        assert_eq!(vc["credentialStatus"]["type"], "BitstringStatusListEntry");
        assert_eq!(vc["proof"]["cryptosuite"], "eddsa-jcs-2022");
        assert!(vc["issuer"]
            .as_str()
            .unwrap()
            .starts_with("did:web:127.0.0.1%3A"));
        let from = chrono::DateTime::parse_from_rfc3339(vc["validFrom"].as_str().unwrap()).unwrap();
        let until =
            chrono::DateTime::parse_from_rfc3339(vc["validUntil"].as_str().unwrap()).unwrap();
        assert_eq!(
            (until - from).num_days(),
            365,
            "self-declared credentials last one year"
        );
        // Asking again returns the same credential.
        let again: Value = app
            .get_json(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&org.token),
            )
            .await;
        assert_eq!(again["id"], cred_id.as_str());

        let result = verify(&app, &vc).await;
        assert_eq!(result["valid"], true, "{result}");

        let mut tampered = vc.clone();
        tampered["credentialSubject"]["level"] = json!(4);
        let result = verify(&app, &tampered).await;
        assert_eq!(result["valid"], false);
        assert_eq!(result["reason"]["code"], "invalid_signature");

        let number = app
            .state
            .store()
            .organization(&org.id)
            .await
            .unwrap()
            .corporate_number;
        let reg: Value = app
            .get_json(&format!("/api/v1/register?corporate_number={number}"), None)
            .await;
        assert_eq!(reg.as_array().unwrap().len(), 1);
        assert_eq!(reg[0]["level"], 3);

        let r = app
            .post_json(
                &format!("/api/v1/credentials/{cred_id}/revoke"),
                Some(&org.token),
                json!({ "reason": "" }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is required"
        );
        let r = app
            .post_json(
                &format!("/api/v1/credentials/{cred_id}/revoke"),
                Some(&org.token),
                json!({ "reason": "事業譲渡のため" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let result = verify(&app, &vc).await;
        assert_eq!(
            result["reason"]["code"], "revoked",
            "the status list changes at once"
        );
        let reg: Value = app
            .get_json(&format!("/api/v1/register?corporate_number={number}"), None)
            .await;
        assert_eq!(reg.as_array().unwrap().len(), 0);
        let r = app
            .post_json(
                &format!("/api/v1/credentials/{cred_id}/revoke"),
                Some(&org.token),
                json!({ "reason": "again" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn the_did_document_context_and_status_list_are_published_and_the_status_list_verifies() {
    let app = TestApp::sqlite().await;
    let did: Value = app.get_json("/.well-known/did.json", None).await;
    assert!(did["id"].as_str().unwrap().starts_with("did:web:"));
    assert!(!did["assertionMethod"].as_array().unwrap().is_empty());
    let ctx: Value = app.get_json("/contexts/v1.jsonld", None).await;
    assert!(ctx["@context"].is_object());
    let list: Value = app.get_json("/status/1", None).await;
    assert_eq!(list["credentialSubject"]["statusPurpose"], "revocation");
    let mut resolver = shirube_trust::Resolver::did_key_only();
    resolver.add_did_document(&did).unwrap();
    let verified = shirube_trust::verify_status_list(&list, &resolver, chrono::Utc::now()).unwrap();
    assert!(verified.list.size() >= 131_072);
}

#[tokio::test]
async fn verification_reports_malformed_input_and_unknown_issuers_clearly() {
    let app = TestApp::sqlite().await;
    let r = TestApp::client()
        .post(app.url("/api/v1/verify"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let result = verify(
        &app,
        &json!({ "issuer": "did:web:elsewhere.example", "type": ["VerifiableCredential"] }),
    )
    .await;
    assert_eq!(result["valid"], false);
    assert!(result["reason"]["code"].is_string());
}

#[tokio::test]
async fn nobody_else_can_fetch_or_revoke_an_organisations_credential() {
    for app in TestApp::all().await {
        let (org, id) = declared(&app, "Holder").await;
        let v: Value = app
            .get_json(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&org.token),
            )
            .await;
        let cred_id = v["id"].as_str().unwrap();
        let other = app.signup("Other").await;
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&other.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        let r = app
            .post_json(
                &format!("/api/v1/credentials/{cred_id}/revoke"),
                Some(&other.token),
                json!({ "reason": "mischief" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let member = app.member(&org, "member").await;
        let r = app
            .post_json(
                &format!("/api/v1/credentials/{cred_id}/revoke"),
                Some(&member),
                json!({ "reason": "not mine to do" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "only owners withdraw");
        assert_eq!(verify(&app, &v["credential"]).await["valid"], true);
        // An open assessment has no credential.
        let open = app.create_assessment(&org.token, 3).await;
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{open}/credential"),
                Some(&org.token)
            )
            .await
            .status(),
            StatusCode::CONFLICT
        );
    }
}

#[tokio::test]
async fn a_level_4_assessment_is_evaluated_by_a_body_refused_fixed_and_certified() {
    for app in TestApp::all().await {
        let supplier = app.signup("ひかりシステム").await;
        let body = app.signup("評価機関").await;
        app.state
            .store()
            .set_evaluation_body(&body.id, true)
            .await
            .unwrap();
        let id = app.create_assessment(&supplier.token, 4).await;
        let all = app.criteria(4);
        for c in &all {
            app.answer(&supplier.token, &id, c, json!({ "status": "implemented" }))
                .await;
        }
        // Not a body: refused.
        let stranger = app.signup("Not a body").await;
        let r = app
            .post_json(
                &format!("/api/v1/assessments/{id}/submission"),
                Some(&supplier.token),
                json!({ "body_id": stranger.id }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.get("/api/v1/evaluations", Some(&stranger.token))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );

        let r = app
            .post_json(
                &format!("/api/v1/assessments/{id}/submission"),
                Some(&supplier.token),
                json!({ "body_id": body.id }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let ev = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            app.answer(
                &supplier.token,
                &id,
                &all[0],
                json!({ "status": "partial" })
            )
            .await
            .status(),
            StatusCode::CONFLICT,
            "frozen while evaluated"
        );
        assert_eq!(
            app.get(&format!("/api/v1/evaluations/{ev}"), Some(&stranger.token))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        let queue: Value = app.get_json("/api/v1/evaluations", Some(&body.token)).await;
        assert_eq!(queue[0]["id"], ev.as_str());

        // The body asks for more evidence on one criterion and refuses; the supplier replies.
        let r = app.put_json(&format!("/api/v1/evaluations/{ev}/findings/{}", all[0]), &body.token, json!({ "verdict": "more_evidence", "comment": "規程の承認記録を添付してください" })).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = app
            .put_json(
                &format!("/api/v1/evaluations/{ev}/findings/{}", all[1]),
                &body.token,
                json!({ "verdict": "nonconform" }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a nonconformity needs a reason"
        );
        let r = app
            .post_json(
                &format!("/api/v1/evaluations/{ev}/decision"),
                Some(&body.token),
                json!({ "decision": "certify" }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CONFLICT,
            "cannot certify before every criterion conforms"
        );
        let r = app
            .post_json(
                &format!("/api/v1/evaluations/{ev}/decision"),
                Some(&body.token),
                json!({ "decision": "refuse", "reason": "1件の追加証跡が必要" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = app
            .post_json(
                &format!("/api/v1/evaluations/{ev}/comments"),
                Some(&supplier.token),
                json!({ "criterion_id": all[0], "body": "承認記録を追加しました" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(
            app.answer(
                &supplier.token,
                &id,
                &all[0],
                json!({ "status": "implemented", "comment": "承認記録あり" })
            )
            .await
            .status(),
            StatusCode::OK,
            "editable again after a refusal"
        );

        // Resubmit; every criterion conforms; technical verification recorded; certify.
        let r = app
            .post_json(
                &format!("/api/v1/assessments/{id}/submission"),
                Some(&supplier.token),
                json!({ "body_id": body.id }),
            )
            .await;
        assert_eq!(
            r.json::<Value>().await.unwrap()["id"],
            ev.as_str(),
            "the same evaluation, next round"
        );
        app.conform_every_criterion(&ev, &body.token).await;
        let r = app
            .post_json(
                &format!("/api/v1/evaluations/{ev}/decision"),
                Some(&body.token),
                json!({ "decision": "certify" }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CONFLICT,
            "technical verification first"
        );
        app.put_json(
            &format!("/api/v1/evaluations/{ev}/findings/technical_verification"),
            &body.token,
            json!({ "verdict": "conform", "comment": "2026-11 外部脆弱性診断: 重大な指摘なし" }),
        )
        .await;
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"pentest report".to_vec()).file_name("pentest.pdf"),
        );
        let r = TestApp::client()
            .post(app.url(&format!("/api/v1/evaluations/{ev}/report")))
            .bearer_auth(&body.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let sha = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = app
            .get(
                &format!("/api/v1/evaluations/{ev}/report/{sha}"),
                Some(&supplier.token),
            )
            .await;
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            b"pentest report",
            "the supplier reads the body's report"
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/evaluations/{ev}/report/{sha}"),
                Some(&stranger.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.pdf"),
        );
        let r = TestApp::client()
            .post(app.url(&format!("/api/v1/evaluations/{ev}/report")))
            .bearer_auth(&supplier.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "only the body attaches reports"
        );
        let r = app
            .post_json(
                &format!("/api/v1/evaluations/{ev}/decision"),
                Some(&body.token),
                json!({ "decision": "certify" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let detail: Value = app
            .get_json(&format!("/api/v1/evaluations/{ev}"), Some(&supplier.token))
            .await;
        assert_eq!(detail["evaluation"]["status"], "certified");
        assert_eq!(detail["evaluation"]["round"], 2);

        let v: Value = app
            .get_json(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&supplier.token),
            )
            .await;
        let vc = &v["credential"];
        assert_eq!(vc["credentialSubject"]["level"], 4);
        assert_eq!(vc["credentialSubject"]["assurance"], "third-party");
        assert_eq!(
            vc["credentialSubject"]["evaluationBody"]["name"],
            "評価機関"
        );
        assert_eq!(verify(&app, vc).await["valid"], true);
        let cred_id = v["id"].as_str().unwrap();
        let r = app
            .post_json(
                &format!("/api/v1/credentials/{cred_id}/revoke"),
                Some(&supplier.token),
                json!({ "reason": "mine" }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CONFLICT,
            "the holder cannot withdraw a third-party certificate"
        );
        let r = app
            .post_json(
                &format!("/api/v1/credentials/{cred_id}/revoke"),
                Some(&body.token),
                json!({ "reason": "重大なインシデントの発生" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(verify(&app, vc).await["reason"]["code"], "revoked");
    }
}

#[tokio::test]
async fn the_certificate_and_the_verify_page_show_the_result_in_japanese() {
    let app = TestApp::sqlite().await;
    let (org, id) = declared(&app, "さくら電子").await;
    let v: Value = app
        .get_json(
            &format!("/api/v1/assessments/{id}/credential"),
            Some(&org.token),
        )
        .await;
    let cred_id = v["id"].as_str().unwrap();
    let r = app
        .get(&format!("/credentials/{cred_id}/certificate"), None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("★3") && html.contains("さくら電子") && html.contains("data:image/svg+xml")
    );
    let html = app
        .get(&format!("/verify?id={cred_id}"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("有効な証明書です"), "{html}");
    let html = app.get("/register", None).await.text().await.unwrap();
    assert!(html.contains("さくら電子"));
}
