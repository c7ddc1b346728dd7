//! Industry groups over the API: inviting members, consent by the member's owner, the view
//! of suppliers several active members depend on (counts only, never below two), leaving and
//! removal, and who may use which route.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_problem, Org, TestApp};

use crate::support::number;

/// Signs an organisation up and marks it as an industry group, as the operator does.
async fn group(app: &TestApp, name: &str) -> Org {
    let org = app.signup(name).await;
    app.state
        .store()
        .designate_industry_group(&org.id)
        .await
        .unwrap();
    org
}

/// `buyer` asks `supplier` for a level and records how much it depends on it.
async fn depends_on(app: &TestApp, buyer: &Org, supplier: &Org, critical: bool, alternatives: i64) {
    let r = app
        .post_json(
            "/api/v1/suppliers",
            Some(&buyer.token),
            json!({
                "corporate_number": number(app, supplier).await,
                "due_date": "2099-03-31",
                "decision": { "confidential_info": false, "business_interruption": false, "network_access": false },
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let rel = r.json::<Value>().await.unwrap()["relationship_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .put_json(
            &format!("/api/v1/suppliers/{rel}/dependency"),
            &buyer.token,
            json!({ "critical": critical, "alternatives": alternatives, "stock_days": 0 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

async fn invite(app: &TestApp, group: &Org, member: &Org) -> String {
    let r = app
        .post_json(
            "/api/v1/industry/members",
            Some(&group.token),
            json!({ "corporate_number": number(app, member).await }),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn call(app: &TestApp, method: Method, path: &str, token: &str) -> StatusCode {
    TestApp::client()
        .request(method, app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn view(app: &TestApp, token: &str, query: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/industry{query}"), Some(token))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    let v: Value = app.get_json("/api/v1/notifications", Some(token)).await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_group_sees_how_many_consenting_members_depend_on_a_supplier_and_never_which() {
    for app in TestApp::all().await {
        let g = group(&app, "中部機械工業会").await;
        let a = app.signup("みなと精工").await;
        let b = app.signup("大和自動車部品").await;
        let c = app.signup("ひかり金型").await;
        let d = app.signup("あおば樹脂").await;
        let s = app.signup("さくら電子").await;
        let t = app.signup("みどり物流").await;
        // A: S critical with no alternative, T. B: S with two alternatives. C (never accepts):
        // S and T, both critical with no alternative — none of it may count.
        depends_on(&app, &a, &s, true, 0).await;
        depends_on(&app, &a, &t, false, 1).await;
        depends_on(&app, &b, &s, false, 2).await;
        depends_on(&app, &c, &s, true, 0).await;
        depends_on(&app, &c, &t, true, 0).await;

        let a_id = invite(&app, &g, &a).await;
        let b_id = invite(&app, &g, &b).await;
        let c_id = invite(&app, &g, &c).await;
        let d_id = invite(&app, &g, &d).await;
        let r = app
            .post_json(
                "/api/v1/industry/members",
                Some(&g.token),
                json!({ "corporate_number": number(&app, &a).await }),
            )
            .await;
        assert_problem(r, StatusCode::CONFLICT, "corporate_number").await;
        assert!(kinds(&app, &c.token)
            .await
            .contains(&"industry.invite".to_string()));

        // Nothing counts before anyone consents.
        let v = view(&app, &g.token, "").await;
        assert_eq!(v["counts"], json!({ "active": 0, "invited": 4 }));
        assert_eq!(v["shared_suppliers"], json!([]));

        for (org, id) in [(&a, &a_id), (&b, &b_id)] {
            let path = format!("/api/v1/industry/memberships/{id}/accept");
            assert_eq!(
                call(&app, Method::POST, &path, &org.token).await,
                StatusCode::NO_CONTENT
            );
        }
        let r = TestApp::client()
            .post(app.url(&format!("/api/v1/industry/memberships/{a_id}/accept")))
            .bearer_auth(&a.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "accepting twice says so");
        // Two members only: every supplier shown would be one both use, so nothing is.
        let v = view(&app, &g.token, "").await;
        assert_eq!(v["withheld"], true);
        assert_eq!(v["shared_suppliers"], json!([]));
        let path = format!("/api/v1/industry/memberships/{d_id}/accept");
        assert_eq!(
            call(&app, Method::POST, &path, &d.token).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            kinds(&app, &g.token)
                .await
                .iter()
                .filter(|k| *k == "industry.joined")
                .count(),
            3
        );

        let v = view(&app, &g.token, "").await;
        assert_eq!(v["group"], json!({ "id": g.id, "name": "中部機械工業会" }));
        assert_eq!(v["min_members"], 2);
        assert_eq!(v["withheld"], false);
        assert_eq!(v["counts"], json!({ "active": 3, "invited": 1 }));
        let statuses: Vec<(&str, &str)> = v["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["organization_id"].as_str().unwrap(),
                    m["status"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(statuses.contains(&(a.id.as_str(), "active")));
        assert!(statuses.contains(&(c.id.as_str(), "invited")));
        // S: A and B depend on it (C has not consented); A marked it critical without
        // alternative. T: only A (C does not count), so it is hidden.
        assert_eq!(
            v["shared_suppliers"],
            json!([{
                "organization_id": s.id,
                "corporate_number": number(&app, &s).await,
                "name": "さくら電子",
                "dependents": 2,
                "critical_dependents": 1,
                "without_alternative": 1,
            }]),
            "only counts, and nothing that names a member"
        );
        assert_eq!(
            view(&app, &g.token, "?min_members=3").await["shared_suppliers"],
            json!([])
        );
        for bad in ["1", "0", "many"] {
            let r = app
                .get(
                    &format!("/api/v1/industry?min_members={bad}"),
                    Some(&g.token),
                )
                .await;
            assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "min_members").await;
        }

        // A member sees its memberships, not the group's view.
        assert_eq!(
            app.get("/api/v1/industry", Some(&a.token)).await.status(),
            StatusCode::FORBIDDEN
        );
        let mine: Value = app
            .get_json("/api/v1/industry/memberships", Some(&a.token))
            .await;
        assert_eq!(mine[0]["membership_id"], a_id.as_str());
        assert_eq!(mine[0]["group_name"], "中部機械工業会");
        assert_eq!(mine[0]["status"], "active");
        let theirs: Value = app
            .get_json("/api/v1/industry/memberships", Some(&c.token))
            .await;
        assert_eq!(theirs[0]["status"], "invited");

        // B leaves: S now has one dependent and disappears at once.
        let path = format!("/api/v1/industry/memberships/{b_id}");
        assert_eq!(
            call(&app, Method::DELETE, &path, &b.token).await,
            StatusCode::NO_CONTENT
        );
        assert!(kinds(&app, &g.token)
            .await
            .contains(&"industry.left".to_string()));
        let v = view(&app, &g.token, "").await;
        assert_eq!(v["counts"], json!({ "active": 2, "invited": 1 }));
        assert_eq!(v["shared_suppliers"], json!([]));

        // The group withdraws C's invitation; C is told and has no membership left.
        let path = format!("/api/v1/industry/members/{c_id}");
        assert_eq!(
            call(&app, Method::DELETE, &path, &g.token).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            call(&app, Method::DELETE, &path, &g.token).await,
            StatusCode::NOT_FOUND
        );
        assert!(kinds(&app, &c.token)
            .await
            .contains(&"industry.removed".to_string()));
        let theirs: Value = app
            .get_json("/api/v1/industry/memberships", Some(&c.token))
            .await;
        assert_eq!(theirs, json!([]));
        assert!(matches!(
            app.state.store().verify_audit().await.unwrap(),
            shirube_store::AuditVerification::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn only_groups_use_the_group_routes_and_only_the_invited_owner_answers_an_invitation() {
    for app in TestApp::all().await {
        let g = group(&app, "Group").await;
        let member = app.signup("Member").await;
        let plain = app.signup("Plain").await;
        let m_id = invite(&app, &g, &member).await;

        // Not a group: 403 on every group route, before any input is looked at.
        assert_eq!(
            app.get("/api/v1/industry?min_members=1", Some(&plain.token))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let r = app
            .post_json(
                "/api/v1/industry/members",
                Some(&plain.token),
                json!({ "corporate_number": number(&app, &member).await }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let path = format!("/api/v1/industry/members/{m_id}");
        assert_eq!(
            call(&app, Method::DELETE, &path, &plain.token).await,
            StatusCode::FORBIDDEN
        );

        // Someone else's invitation is not there for another organisation.
        for method in [Method::POST, Method::DELETE] {
            let path = if method == Method::POST {
                format!("/api/v1/industry/memberships/{m_id}/accept")
            } else {
                format!("/api/v1/industry/memberships/{m_id}")
            };
            assert_eq!(
                call(&app, method.clone(), &path, &plain.token).await,
                StatusCode::NOT_FOUND
            );
            assert_eq!(
                call(&app, method, &path, &g.token).await,
                StatusCode::NOT_FOUND,
                "the group answers for nobody"
            );
        }
        // Consent is the owners' decision.
        for role in ["member", "viewer"] {
            let token = app.member(&member, role).await;
            let path = format!("/api/v1/industry/memberships/{m_id}/accept");
            assert_eq!(
                call(&app, Method::POST, &path, &token).await,
                StatusCode::FORBIDDEN,
                "{role}"
            );
            let path = format!("/api/v1/industry/memberships/{m_id}");
            assert_eq!(
                call(&app, Method::DELETE, &path, &token).await,
                StatusCode::FORBIDDEN,
                "{role}"
            );
        }
        // Inside the group, viewers read but do not invite.
        let viewer = app.member(&g, "viewer").await;
        assert_eq!(
            app.get("/api/v1/industry", Some(&viewer)).await.status(),
            StatusCode::OK
        );
        let r = app
            .post_json(
                "/api/v1/industry/members",
                Some(&viewer),
                json!({ "corporate_number": number(&app, &plain).await }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // Bad invitations name the field.
        for bad in [
            number(&app, &g).await,
            "7000012050002".to_string(),
            "12345".to_string(),
        ] {
            let r = app
                .post_json(
                    "/api/v1/industry/members",
                    Some(&g.token),
                    json!({ "corporate_number": bad }),
                )
                .await;
            assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "corporate_number").await;
        }
        let r = app
            .post_json("/api/v1/industry/members", Some(&g.token), json!({}))
            .await;
        assert_problem(r, StatusCode::BAD_REQUEST, "corporate_number").await;

        // An operator who withdraws the mark shuts the group's routes.
        app.state
            .store()
            .revoke_industry_group(&g.id)
            .await
            .unwrap();
        assert_eq!(
            app.get("/api/v1/industry", Some(&g.token)).await.status(),
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn the_industry_routes_are_described_in_the_openapi_document() {
    let app = TestApp::sqlite().await;
    let doc: Value = app.get_json("/api/v1/openapi.json", None).await;
    for (path, method) in [
        ("/api/v1/industry", "get"),
        ("/api/v1/industry/members", "post"),
        ("/api/v1/industry/members/{id}", "delete"),
        ("/api/v1/industry/memberships", "get"),
        ("/api/v1/industry/memberships/{id}/accept", "post"),
        ("/api/v1/industry/memberships/{id}", "delete"),
    ] {
        assert!(
            doc["paths"][path].get(method).is_some(),
            "{method} {path} missing from OpenAPI"
        );
    }
    let view = &doc["paths"]["/api/v1/industry"]["get"];
    assert_eq!(view["parameters"][0]["name"], "min_members");
}
