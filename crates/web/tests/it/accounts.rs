//! Sign-up, tokens, roles and bad input on the account routes.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_problem, bearer_headers, corporate_number, TestApp};

#[tokio::test]
async fn signup_creates_an_organisation_and_its_owner_who_can_get_a_token() {
    for app in TestApp::all().await {
        let org = app.signup("みなと精工").await;
        let me: Value = app.get_json("/api/v1/me", Some(&org.token)).await;
        assert_eq!(me["organization_id"], org.id.as_str());
        assert_eq!(me["role"], "owner");
    }
}

#[tokio::test]
async fn signup_refuses_a_corporate_number_with_a_wrong_check_digit_naming_the_field() {
    for app in TestApp::all().await {
        let mut number = corporate_number(42);
        let first = number.remove(0);
        let wrong = format!("{}{number}", (first.to_digit(10).unwrap() + 1) % 10);
        let body = json!({
            "organization": { "name": "X", "corporate_number": wrong, "industry": "E", "employees": 3, "prefecture": "13" },
            "user": { "email": "x@example.jp", "password": "long enough password", "name": "X" }
        });
        let v = assert_problem(
            app.post_json("/api/v1/signup", None, body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "organization.corporate_number",
        )
        .await;
        assert!(v["errors"][0]["message_ja"]
            .as_str()
            .unwrap()
            .contains("法人番号"));
        assert_eq!(
            app.state.store().count_organizations().await.unwrap(),
            0,
            "nothing stored"
        );
    }
}

#[tokio::test]
async fn signup_reports_every_invalid_field_at_once() {
    for app in TestApp::all().await {
        let body = json!({
            "organization": { "name": "", "corporate_number": "123", "industry": "Z", "employees": 0, "prefecture": "Atlantis" },
            "user": { "email": "not-an-email", "password": "short", "name": "" }
        });
        let resp = app.post_json("/api/v1/signup", None, body).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = resp.json().await.unwrap();
        let mut fields: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "organization.corporate_number",
                "organization.employees",
                "organization.industry",
                "organization.name",
                "organization.prefecture",
                "user.email",
                "user.name",
                "user.password"
            ]
        );
    }
}

#[tokio::test]
async fn malformed_json_and_wrong_types_get_a_problem_naming_the_field() {
    for app in TestApp::all().await {
        let resp = app.post_json("/api/v1/signup", None, json!({ "organization": { "name": "X", "corporate_number": "1", "industry": "E", "employees": "many", "prefecture": "13" }, "user": {} })).await;
        assert_problem(resp, StatusCode::BAD_REQUEST, "organization.employees").await;
        let resp = TestApp::client()
            .post(app.url("/api/v1/signup"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
        let resp = app
            .post_json("/api/v1/signup", None, json!({ "organization": {} }))
            .await;
        assert_problem(resp, StatusCode::BAD_REQUEST, "organization.name").await;
    }
}

#[tokio::test]
async fn a_second_signup_with_the_same_corporate_number_conflicts_and_keeps_the_first() {
    for app in TestApp::all().await {
        let org = app.signup("First").await;
        let row = app.state.store().organization(&org.id).await.unwrap();
        let body = json!({
            "organization": { "name": "Second", "corporate_number": row.corporate_number, "industry": "E", "employees": 3, "prefecture": "13" },
            "user": { "email": "second@example.jp", "password": "long enough password", "name": "X" }
        });
        assert_problem(
            app.post_json("/api/v1/signup", None, body).await,
            StatusCode::CONFLICT,
            "organization.corporate_number",
        )
        .await;
        assert_eq!(
            app.state.store().organization(&org.id).await.unwrap().name,
            "First"
        );
        assert!(app
            .state
            .store()
            .user_by_email("second@example.jp")
            .await
            .unwrap()
            .is_none());
    }
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_repeated_failures_are_slowed_down() {
    for app in TestApp::all().await {
        let org = app.signup("Slow").await;
        for _ in 0..5 {
            let r = app
                .post_json(
                    "/api/v1/auth/token",
                    None,
                    json!({ "email": org.email, "password": "wrong password!" }),
                )
                .await;
            assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "password").await;
        }
        let r = app
            .post_json(
                "/api/v1/auth/token",
                None,
                json!({ "email": org.email, "password": "a long enough password" }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits after 5 failures"
        );
        assert!(r.headers().contains_key("retry-after"));
    }
}

#[tokio::test]
async fn api_tokens_are_stored_hashed_and_stop_working_when_revoked() {
    for app in TestApp::all().await {
        let org = app.signup("Tokens").await;
        let r = app
            .post_json("/api/v1/tokens", Some(&org.token), json!({ "name": "CI" }))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        let (id, secret) = (
            v["id"].as_str().unwrap().to_string(),
            v["token"].as_str().unwrap().to_string(),
        );
        assert_eq!(
            app.get("/api/v1/me", Some(&secret)).await.status(),
            StatusCode::OK
        );
        let list: Value = app.get_json("/api/v1/tokens", Some(&org.token)).await;
        assert!(
            !list.to_string().contains(&secret),
            "secrets are never listed"
        );
        let r = TestApp::client()
            .delete(app.url(&format!("/api/v1/tokens/{id}")))
            .bearer_auth(&org.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            app.get("/api/v1/me", Some(&secret)).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn totp_is_required_at_token_time_once_enabled() {
    for app in TestApp::all().await {
        let org = app.signup("Totp").await;
        let user = app
            .state
            .store()
            .user_by_email(&org.email)
            .await
            .unwrap()
            .unwrap();
        let secret = shirube_app::accounts::totp::new_secret();
        let actor = shirube_store::Actor::user(&user.organization_id, &user.id);
        app.state
            .store()
            .set_totp(actor, &user.id, Some(&secret), true)
            .await
            .unwrap();
        let r = app
            .post_json(
                "/api/v1/auth/token",
                None,
                json!({ "email": org.email, "password": "a long enough password" }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "totp").await;
        let code = shirube_app::accounts::totp::code_at(
            &secret,
            shirube_app::Clock::system().unix_seconds(),
        )
        .unwrap();
        let r = app
            .post_json(
                "/api/v1/auth/token",
                None,
                json!({ "email": org.email, "password": "a long enough password", "totp": code }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn health_metrics_and_openapi_are_served() {
    let app = TestApp::sqlite().await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let _ = app.get("/api/v1/catalog?level=3", None).await;
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(metrics.contains("shirube_http_requests_total"), "{metrics}");
    assert!(
        metrics.contains("shirube_outbox_mail_failed"),
        "the outbox backlog is exported: {metrics}"
    );
    let doc: Value = app.get_json("/api/v1/openapi.json", None).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/signup",
        "/api/v1/auth/token",
        "/api/v1/catalog",
        "/api/v1/assessments",
        "/api/v1/assessments/{id}",
        "/api/v1/assessments/{id}/answers/{criterion_id}",
        "/api/v1/assessments/{id}/evidence",
        "/api/v1/assessments/{id}/declaration",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
}

#[tokio::test]
async fn the_catalog_api_lists_81_criteria_at_level_3_with_both_languages() {
    let app = TestApp::sqlite().await;
    let v: Value = app.get_json("/api/v1/catalog?level=3", None).await;
    let criteria = v["criteria"].as_array().unwrap();
    assert_eq!(criteria.len(), 81);
    assert!(criteria.iter().all(|c| c["level"] == 3
        && !c["title"]["ja"].as_str().unwrap().is_empty()
        && !c["title"]["en"].as_str().unwrap().is_empty()));
    assert_problem(
        app.get("/api/v1/catalog?level=5", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "level",
    )
    .await;
}

/// Time is a parameter: with the app's clock moved forward (no sleeping), an invitation
/// that was open yesterday has expired after its fourteen days, and what the store writes
/// carries the moved time.
#[tokio::test]
async fn an_invitation_expires_on_the_apps_clock() {
    let start = chrono::DateTime::parse_from_rfc3339("2027-01-05T09:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let clock = shirube_app::Clock::manual(start);
    let app = TestApp::sqlite_with_clock(clock.clone()).await;
    let org = app.signup("時計株式会社").await;
    let p = shirube_web::auth::resolve(&bearer_headers(&org.token), &app.state)
        .await
        .unwrap()
        .unwrap();
    let early = shirube_app::accounts::invite(&app.state, &p, "early@example.jp", "member")
        .await
        .unwrap();
    let late = shirube_app::accounts::invite(&app.state, &p, "late@example.jp", "member")
        .await
        .unwrap();
    clock.advance(chrono::Duration::days(13));
    shirube_app::accounts::accept_invitation(&app.state, &early, "Early", "a long enough password")
        .await
        .expect("day 13: still open");
    clock.advance(chrono::Duration::days(2));
    let expired = shirube_app::accounts::accept_invitation(
        &app.state,
        &late,
        "Late",
        "a long enough password",
    )
    .await;
    assert!(
        matches!(
            expired,
            Err(shirube_app::AppError::Conflict {
                key: "err-invitation-used",
                ..
            })
        ),
        "day 15: expired"
    );
    // The accepted member was written at the moved time.
    let members = app.state.store().members(&org.id).await.unwrap();
    let early_row = members
        .iter()
        .find(|u| u.email == "early@example.jp")
        .unwrap();
    assert!(
        early_row.created_at.starts_with("2027-01-18"),
        "{}",
        early_row.created_at
    );
}
