//! The authorisation matrix: every route tried by a stranger, by another organisation's
//! owner, and by each role. Nothing of another organisation is ever shown or changed.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::TestApp;

struct World {
    assessment: String,
    evidence: String,
    token_id: String,
    member_id: String,
    /// The organisation is an industry group and has invited this organisation.
    invitee_id: String,
    invitee_number: String,
    membership: String,
}

async fn world(app: &TestApp, token: &str, org_id: &shirube_app::views::OrganizationId) -> World {
    let assessment = app.create_assessment(token, 3).await;
    app.answer(
        token,
        &assessment,
        "1-2-1-1",
        json!({ "status": "implemented", "comment": "secret comment" }),
    )
    .await;
    let form = reqwest::multipart::Form::new()
        .text("criterion_id", "1-2-1-1")
        .text("evidence_date", "2026-11-01")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"secret".to_vec()).file_name("s.txt"),
        );
    let r = TestApp::client()
        .post(app.url(&format!("/api/v1/assessments/{assessment}/evidence")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let evidence = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post_json("/api/v1/tokens", Some(token), json!({ "name": "t" }))
        .await;
    let token_id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let member_id = app.state.store().members(org_id).await.unwrap()[0]
        .id
        .to_string();
    app.state
        .store()
        .designate_industry_group(org_id)
        .await
        .unwrap();
    let invitee = app.signup("Invitee").await;
    let invitee_number = app
        .state
        .store()
        .organization(&invitee.id)
        .await
        .unwrap()
        .corporate_number;
    let r = app
        .post_json(
            "/api/v1/industry/members",
            Some(token),
            json!({ "corporate_number": invitee_number }),
        )
        .await;
    let membership = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    World {
        assessment,
        evidence,
        token_id,
        member_id,
        invitee_id: invitee.id.to_string(),
        invitee_number,
        membership,
    }
}

fn api_routes(w: &World) -> Vec<(Method, String, Option<Value>)> {
    let a = &w.assessment;
    vec![
        (Method::GET, format!("/api/v1/assessments/{a}"), None),
        (
            Method::PUT,
            format!("/api/v1/assessments/{a}/answers/1-2-1-2"),
            Some(json!({ "status": "implemented" })),
        ),
        (
            Method::POST,
            format!("/api/v1/assessments/{a}/declaration"),
            Some(json!({ "signer_name": "x", "signer_title": "y" })),
        ),
        (
            Method::GET,
            format!("/api/v1/evidence/{}", w.evidence),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/tokens/{}", w.token_id),
            None,
        ),
        (Method::GET, "/api/v1/industry".into(), None),
        (
            Method::POST,
            "/api/v1/industry/members".into(),
            Some(json!({ "corporate_number": w.invitee_number })),
        ),
        (
            Method::DELETE,
            format!("/api/v1/industry/members/{}", w.membership),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/industry/memberships/{}/accept", w.membership),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/industry/memberships/{}", w.membership),
            None,
        ),
    ]
}

async fn call(
    app: &TestApp,
    method: &Method,
    path: &str,
    body: &Option<Value>,
    token: Option<&str>,
) -> StatusCode {
    let mut r = TestApp::client().request(method.clone(), app.url(path));
    if let Some(b) = body {
        r = r.json(b);
    }
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().status()
}

#[tokio::test]
async fn no_api_route_acts_on_another_organisations_data() {
    for app in TestApp::all().await {
        let victim = app.signup("Victim").await;
        let w = world(&app, &victim.token, &victim.id).await;
        let attacker = app.signup("Attacker").await;
        for (method, path, body) in api_routes(&w) {
            let status = call(&app, &method, &path, &body, Some(&attacker.token)).await;
            assert!(
                matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{} {method} {path} as another org: {status}",
                app.backend
            );
            let status = call(&app, &method, &path, &body, None).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} without credentials"
            );
            let status = call(&app, &method, &path, &body, Some("shr_forged")).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with a forged token"
            );
        }
        // Listings only ever show the caller's own rows.
        let list = app
            .get("/api/v1/assessments", Some(&attacker.token))
            .await
            .text()
            .await
            .unwrap();
        assert!(!list.contains(&w.assessment));
        let tokens = app
            .get("/api/v1/tokens", Some(&attacker.token))
            .await
            .text()
            .await
            .unwrap();
        assert!(!tokens.contains(&w.token_id));
        let memberships = app
            .get("/api/v1/industry/memberships", Some(&attacker.token))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(memberships, "[]");
        assert_eq!(
            app.get("/api/v1/industry/memberships", None).await.status(),
            StatusCode::UNAUTHORIZED
        );
        // And the victim's data is untouched.
        let v: Value = app
            .get_json(
                &format!("/api/v1/assessments/{}", w.assessment),
                Some(&victim.token),
            )
            .await;
        assert_eq!(v["answers"].as_array().unwrap().len(), 1);
        assert_eq!(v["status"], "in_progress");
        assert_eq!(
            app.get("/api/v1/tokens", Some(&victim.token))
                .await
                .json::<Value>()
                .await
                .unwrap()[0]["revoked_at"],
            Value::Null
        );
        let invitations = app
            .state
            .store()
            .industry_memberships_of(&w.invitee_id.as_str().into())
            .await
            .unwrap();
        assert_eq!(invitations.len(), 1);
        assert_eq!(
            invitations[0].status,
            shirube_store::MembershipStatus::Invited
        );
        let _ = w.member_id;
    }
}

#[tokio::test]
async fn viewers_read_but_cannot_write_and_members_cannot_declare() {
    for app in TestApp::all().await {
        let org = app.signup("Roles").await;
        let w = world(&app, &org.token, &org.id).await;
        let viewer = app.member(&org, "viewer").await;
        let member = app.member(&org, "member").await;
        let a = &w.assessment;
        assert_eq!(
            app.get(&format!("/api/v1/assessments/{a}"), Some(&viewer))
                .await
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            app.get(&format!("/api/v1/evidence/{}", w.evidence), Some(&viewer))
                .await
                .status(),
            StatusCode::OK
        );
        let writes: Vec<(Method, String, Option<Value>)> = vec![
            (
                Method::POST,
                "/api/v1/assessments".into(),
                Some(json!({ "target_level": 3 })),
            ),
            (
                Method::PUT,
                format!("/api/v1/assessments/{a}/answers/1-2-1-2"),
                Some(json!({ "status": "implemented" })),
            ),
            (
                Method::POST,
                "/api/v1/tokens".into(),
                Some(json!({ "name": "x" })),
            ),
            (
                Method::DELETE,
                format!("/api/v1/tokens/{}", w.token_id),
                None,
            ),
            (
                Method::POST,
                format!("/api/v1/assessments/{a}/declaration"),
                Some(json!({ "signer_name": "x", "signer_title": "y" })),
            ),
            (
                Method::POST,
                "/api/v1/industry/members".into(),
                Some(json!({ "corporate_number": w.invitee_number })),
            ),
            (
                Method::DELETE,
                format!("/api/v1/industry/members/{}", w.membership),
                None,
            ),
        ];
        for (method, path, body) in &writes {
            assert_eq!(
                call(&app, method, path, body, Some(&viewer)).await,
                StatusCode::FORBIDDEN,
                "viewer {method} {path}"
            );
        }
        let form = reqwest::multipart::Form::new()
            .text("criterion_id", "1-2-1-1")
            .text("evidence_date", "2026-11-01")
            .text("url", "https://example.jp/x");
        let r = TestApp::client()
            .post(app.url(&format!("/api/v1/assessments/{a}/evidence")))
            .bearer_auth(&viewer)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "viewer evidence upload");
        assert_eq!(
            call(
                &app,
                &Method::PUT,
                &format!("/api/v1/assessments/{a}/answers/1-2-1-2"),
                &Some(json!({ "status": "implemented" })),
                Some(&member)
            )
            .await,
            StatusCode::OK
        );
        assert_eq!(
            call(
                &app,
                &Method::POST,
                &format!("/api/v1/assessments/{a}/declaration"),
                &Some(json!({ "signer_name": "x", "signer_title": "y" })),
                Some(&member)
            )
            .await,
            StatusCode::FORBIDDEN,
            "only owners declare"
        );
    }
}
