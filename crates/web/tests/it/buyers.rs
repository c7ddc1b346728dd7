//! Buyers and suppliers over the API: the level decision, requests, answer-once shares,
//! the portfolio, revocation, and who may see what.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_problem, Org, TestApp};

/// Signs an organisation up and declares ★3 with every criterion met.
async fn declared_supplier(app: &TestApp, name: &str) -> (Org, String) {
    let org = app.signup(name).await;
    let id = declare(app, &org).await;
    (org, id)
}

/// Creates a ★3 assessment for `org`, meets every criterion and declares it.
async fn declare(app: &TestApp, org: &Org) -> String {
    let id = app.create_assessment(&org.token, 3).await;
    for c in app.criteria(3) {
        app.answer(
            &org.token,
            &id,
            &c,
            json!({ "status": "implemented", "comment": "confidential detail" }),
        )
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
    id
}

use crate::support::number;

fn no_decision() -> Value {
    json!({ "confidential_info": false, "business_interruption": false, "network_access": false })
}

#[tokio::test]
async fn a_buyer_requests_levels_suppliers_share_once_and_the_portfolio_shows_who_met_them() {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let (a, a_assessment) = declared_supplier(&app, "みなと精工").await;
        let (b, b_assessment) = declared_supplier(&app, "さくら電子").await;

        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number(&app, &a).await, "due_date": "2099-03-31", "decision": no_decision() })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["required_level"], 3);
        assert_eq!(v["reasons"][0]["code"], "all_no");
        let decision_b = json!({ "confidential_info": false, "business_interruption": true, "no_alternative": true, "network_access": false });
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number(&app, &b).await, "due_date": "2099-03-31", "decision": decision_b })).await;
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["required_level"], 4);
        assert!(v["reasons"][0]["ja"].as_str().unwrap().contains("問2"));

        // The supplier sees the request with the buyer's reasons, in both languages.
        let reqs: Value = app.get_json("/api/v1/requests", Some(&b.token)).await;
        assert_eq!(reqs[0]["buyer_organization_id"], buyer.id.as_str());
        assert_eq!(reqs[0]["required_level"], 4);
        assert!(!reqs[0]["reasons"][1]["en"].as_str().unwrap().is_empty());

        let portfolio: Value = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        // Both declared ★3 but shared nothing yet: not shared, not "not started".
        assert_eq!(portfolio["counts"]["not_shared"], 2);
        assert_eq!(portfolio["counts"]["not_started"], 0);

        // Both share (answer once, show many): a level-only and a full share.
        let r = app
            .post_json(
                "/api/v1/shares",
                Some(&a.token),
                json!({ "assessment_id": a_assessment, "buyer_organization_id": buyer.id }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let r = app.post_json("/api/v1/shares", Some(&b.token), json!({ "assessment_id": b_assessment, "buyer_organization_id": buyer.id, "detail": "full" })).await;
        let b_share = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let portfolio: Value = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        let find = |p: &Value, id: &str| {
            p["suppliers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["organization_id"] == id)
                .cloned()
                .unwrap()
        };
        assert_eq!(find(&portfolio, &a.id)["status"], "met");
        assert_eq!(find(&portfolio, &a.id)["achieved_level"], 3);
        assert_eq!(
            find(&portfolio, &b.id)["status"],
            "in_progress",
            "★3 shared, ★4 required"
        );
        assert_eq!(portfolio["counts"]["met"], 1);

        // Full share: the buyer reads the answers; level share: it does not.
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{b_assessment}"),
                Some(&buyer.token)
            )
            .await
            .status(),
            StatusCode::OK
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{a_assessment}"),
                Some(&buyer.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        let csv = app
            .get("/api/v1/portfolio.csv", Some(&buyer.token))
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.starts_with("\u{feff}\"法人番号\","), "{csv}");
        assert!(csv.contains("みなと精工"));

        // Revoking ends access at once, and the level no longer counts.
        let r = TestApp::client()
            .delete(app.url(&format!("/api/v1/shares/{b_share}")))
            .bearer_auth(&buyer.token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "the buyer cannot revoke the supplier's share"
        );
        let r = TestApp::client()
            .delete(app.url(&format!("/api/v1/shares/{b_share}")))
            .bearer_auth(&b.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{b_assessment}"),
                Some(&buyer.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        let portfolio: Value = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        assert_eq!(find(&portfolio, &b.id)["achieved_level"], Value::Null);

        // Suppliers never see the buyer's portfolio; a stranger sees nothing shared.
        let supplier_view: Value = app.get_json("/api/v1/portfolio", Some(&a.token)).await;
        assert_eq!(supplier_view["suppliers"].as_array().unwrap().len(), 0);
        let stranger = app.signup("Stranger").await;
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{a_assessment}"),
                Some(&stranger.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        let r = app
            .post_json(
                "/api/v1/shares",
                Some(&a.token),
                json!({ "assessment_id": a_assessment, "buyer_organization_id": stranger.id }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "buyer_organization_id").await;
    }
}

#[tokio::test]
async fn adding_a_supplier_refuses_bad_input_naming_the_field() {
    for app in TestApp::all().await {
        let buyer = app.signup("Buyer").await;
        let r = app
            .post_json(
                "/api/v1/suppliers",
                Some(&buyer.token),
                json!({ "due_date": "2099-01-01", "decision": no_decision() }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "corporate_number").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": "7000012050002", "due_date": "2099-01-01", "decision": no_decision() })).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "corporate_number").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "x@example.jp", "due_date": "soon", "decision": no_decision() })).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "due_date").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "x@example.jp", "due_date": "2099-01-01", "decision": { "confidential_info": true } })).await;
        assert_problem(r, StatusCode::BAD_REQUEST, "decision.business_interruption").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "x@example.jp", "due_date": "2099-01-01", "decision": { "confidential_info": false, "business_interruption": false, "network_access": false, "extra_factors": ["vibes"] } })).await;
        assert_problem(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "decision.extra_factors",
        )
        .await;
        let own = number(&app, &buyer).await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": own, "due_date": "2099-01-01", "decision": no_decision() })).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "corporate_number").await;
    }
}

#[tokio::test]
async fn an_email_invitation_is_single_use_and_links_the_accepting_organisation() {
    for app in TestApp::all().await {
        let buyer = app.signup("Buyer").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "new-supplier@example.jp", "due_date": "2099-03-31", "decision": { "confidential_info": false, "business_interruption": false, "network_access": false, "extra_factors": ["single_source"] } })).await;
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["required_level"], 3);
        assert_eq!(v["suggest_level_4"], true);
        let url = v["invite_url"].as_str().unwrap().to_string();
        let token = url.rsplit('/').next().unwrap().to_string();
        let rows = app.state.store().portfolio(&buyer.id).await.unwrap();
        assert!(rows[0].invite_email.is_some());
        let portfolio: Value = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        assert_eq!(portfolio["suppliers"][0]["status"], "no_response");

        let supplier = app.signup("New supplier").await;
        let r = app
            .post_json(
                &format!("/api/v1/supplier-invitations/{token}/accept"),
                Some(&supplier.token),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let other = app.signup("Late").await;
        let r = app
            .post_json(
                &format!("/api/v1/supplier-invitations/{token}/accept"),
                Some(&other.token),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "single use");
        let reqs: Value = app
            .get_json("/api/v1/requests", Some(&supplier.token))
            .await;
        assert_eq!(reqs.as_array().unwrap().len(), 1);
        let r = app
            .post_json(
                &format!(
                    "/api/v1/requests/{}/messages",
                    reqs[0]["relationship_id"].as_str().unwrap()
                ),
                Some(&other.token),
                json!({ "body": "hi" }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "outsiders cannot post in the thread"
        );
    }
}

#[tokio::test]
async fn tiers_show_levels_passed_on_never_answers_and_flag_single_points_of_failure() {
    for app in TestApp::all().await {
        let t0 = app.signup("Tier 0 buyer").await;
        let (t1, t1_assessment) = declared_supplier(&app, "Tier 1").await;
        let (t2, t2_assessment) = declared_supplier(&app, "Tier 2").await;
        let t3 = app.signup("Tier 3").await;
        let t3_assessment = app.create_assessment(&t3.token, 3).await;
        app.answer(
            &t3.token,
            &t3_assessment,
            "1-2-1-1",
            json!({ "status": "implemented", "comment": "tier 3 secret" }),
        )
        .await;
        // Requests down the chain.
        for (buyer, supplier) in [(&t0, &t1), (&t1, &t2), (&t2, &t3)] {
            let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number(&app, supplier).await, "due_date": "2099-03-31", "decision": no_decision() })).await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        // Shares up the chain: tier 1 passes its suppliers on, tier 2 passes on, tier 3 shares in full with tier 2 only.
        let r = app.post_json("/api/v1/shares", Some(&t1.token), json!({ "assessment_id": t1_assessment, "buyer_organization_id": t0.id, "pass_on": true })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        app.post_json("/api/v1/shares", Some(&t2.token), json!({ "assessment_id": t2_assessment, "buyer_organization_id": t1.id, "pass_on": true })).await;
        app.post_json("/api/v1/shares", Some(&t3.token), json!({ "assessment_id": t3_assessment, "buyer_organization_id": t2.id, "detail": "full" })).await;

        let v: Value = app
            .get_json("/api/v1/portfolio/tiers", Some(&t0.token))
            .await;
        let nodes = v["nodes"].as_array().unwrap();
        let tiers: Vec<(String, u64)> = nodes
            .iter()
            .map(|n| {
                (
                    n["name"].as_str().unwrap().to_string(),
                    n["tier"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            tiers,
            [
                ("Tier 1".to_string(), 1),
                ("Tier 2".to_string(), 2),
                ("Tier 3".to_string(), 3)
            ]
        );
        assert_eq!(
            nodes[0]["weakest_in_branch"],
            Value::Null,
            "tier 3 has no level yet, so the branch's weakest is none"
        );
        assert_eq!(nodes[1]["achieved_level"], 3);
        assert_eq!(v["truncated"], false);
        // A view that may read only two supplier lists (the buyer's and tier 1's) stops at
        // tier 2 and says so.
        let cut = shirube_app::buyers::chain_limited(&app.state, &t0.id, 32, 2)
            .await
            .unwrap();
        assert!(cut.truncated);
        assert_eq!(cut.nodes.len(), 2, "tier 3 is not read");

        // Tier 0 never reads tier 3's (or tier 2's) answers; tier 2 does, through its direct full share.
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{t3_assessment}"),
                Some(&t0.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{t2_assessment}"),
                Some(&t0.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/assessments/{t3_assessment}"),
                Some(&t2.token)
            )
            .await
            .status(),
            StatusCode::OK
        );

        // A critical single source without a tested restore is a weak point.
        let rel = app.state.store().portfolio(&t0.id).await.unwrap()[0]
            .relationship_id
            .clone();
        let r = app
            .put_json(
                &format!("/api/v1/suppliers/{rel}/dependency"),
                &t0.token,
                json!({ "critical": true, "alternatives": 0, "stock_days": 3 }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let weak: Value = app
            .get_json("/api/v1/bcp/weak-points", Some(&t0.token))
            .await;
        assert_eq!(weak["nodes"][0]["name"], "Tier 1");
        let r = app.put_json("/api/v1/bcp", &t1.token, json!({ "offline_backup": true, "last_restore_test": "2026-10-01", "recovery_hours": 48, "alternative_site": false })).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let weak: Value = app
            .get_json("/api/v1/bcp/weak-points", Some(&t0.token))
            .await;
        assert_eq!(
            weak["nodes"].as_array().unwrap().len(),
            0,
            "restore tested and level met: no longer a weak point"
        );
        let r = app.put_json("/api/v1/bcp", &t1.token, json!({ "offline_backup": true, "last_restore_test": "last week", "alternative_site": false })).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "last_restore_test").await;
        let r = app
            .put_json(
                &format!("/api/v1/suppliers/{rel}/dependency"),
                &t1.token,
                json!({ "critical": false, "alternatives": 0, "stock_days": 0 }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "only the buyer records its dependency"
        );
    }
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
async fn requests_shares_revocations_and_due_dates_reach_the_inbox_and_mail() {
    for mut app in TestApp::all().await {
        let (port, mut mail) = crate::support::smtp_sink().await;
        app.state.mailer = Some(std::sync::Arc::new(
            shirube_app::notifications::Mailer::new(
                &format!("smtp://127.0.0.1:{port}"),
                "shirube@example.jp",
            )
            .unwrap(),
        ));
        let buyer = app.signup("Buyer").await;
        let (supplier, assessment) = declared_supplier(&app, "Supplier").await;
        // The mailer lives in the state the test holds; the running server got its own copy
        // at start, so drive the application layer directly for the mail part.
        let p =
            shirube_web::auth::resolve(&crate::support::bearer_headers(&buyer.token), &app.state)
                .await
                .unwrap()
                .unwrap();
        let input = shirube_app::buyers::AddSupplier {
            corporate_number: Some(number(&app, &supplier).await),
            due_date: (chrono::Utc::now() + chrono::Duration::days(10))
                .format("%Y-%m-%d")
                .to_string(),
            ..Default::default()
        };
        shirube_app::buyers::add_supplier(&app.state, &p, &input)
            .await
            .unwrap();
        // Beside the notices of its ★3's expert confirmation, the request.
        let supplier_kinds: Vec<String> = kinds(&app, &supplier.token)
            .await
            .into_iter()
            .filter(|k| !k.starts_with("engagement.") && !k.starts_with("expert."))
            .collect();
        assert_eq!(supplier_kinds, ["request.new"]);
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), mail.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(message.contains("Subject:"), "{message}");
        assert!(
            message.to_ascii_lowercase().contains("to: owner"),
            "mailed to the supplier's owner"
        );

        let r = app
            .post_json(
                "/api/v1/shares",
                Some(&supplier.token),
                json!({ "assessment_id": assessment, "buyer_organization_id": buyer.id }),
            )
            .await;
        let share = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(kinds(&app, &buyer.token)
            .await
            .contains(&"share.new".to_string()));

        // Due in 10 days, level met (★3 required, ★3 shared): no reminder; not met: one each.
        let today = chrono::Utc::now().date_naive();
        assert_eq!(
            shirube_app::buyers::send_reminders(&app.state, today)
                .await
                .unwrap(),
            0
        );
        TestApp::client()
            .delete(app.url(&format!("/api/v1/shares/{share}")))
            .bearer_auth(&supplier.token)
            .send()
            .await
            .unwrap();
        assert!(kinds(&app, &buyer.token)
            .await
            .contains(&"share.revoked".to_string()));
        let overdue_day = today + chrono::Duration::days(30);
        assert_eq!(
            shirube_app::buyers::send_reminders(&app.state, overdue_day)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            shirube_app::buyers::send_reminders(&app.state, overdue_day)
                .await
                .unwrap(),
            0,
            "sent once"
        );
        assert!(kinds(&app, &supplier.token)
            .await
            .contains(&"request.overdue".to_string()));
    }
}

/// The "done when", over the API: a buyer and two suppliers go through request →
/// answer → share (one of them its certificate, passing on its own supplier) → portfolio
/// across two tiers → revoke.
#[tokio::test]
async fn request_answer_share_portfolio_and_revoke_across_two_tiers() {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let s1 = app.signup("みなと精工").await;
        let sub = app.signup("北浜鋳造").await;

        // Requests: S1 by corporate number; S2 by e-mail invitation; S1 asks its own supplier.
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number(&app, &s1).await, "due_date": "2099-03-31", "decision": no_decision() })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "info@sakura.example.jp", "due_date": "2099-03-31", "decision": no_decision() })).await;
        let invite: Value = r.json().await.unwrap();
        let token = invite["invite_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let s2 = app.signup("さくら電子").await;
        let r = app
            .post_json(
                &format!("/api/v1/supplier-invitations/{token}/accept"),
                Some(&s2.token),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = app.post_json("/api/v1/suppliers", Some(&s1.token), json!({ "corporate_number": number(&app, &sub).await, "due_date": "2099-01-31", "decision": no_decision() })).await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // Each supplier sees the request with its reasons.
        for s in [&s1, &s2] {
            let requests: Value = app.get_json("/api/v1/requests", Some(&s.token)).await;
            assert!(
                requests.to_string().contains("大和自動車部品"),
                "{requests}"
            );
        }

        // Answers: the sub-supplier and S1 declare ★3; S2 is half-way.
        let sub_assessment = declare(&app, &sub).await;
        let s1_assessment = declare(&app, &s1).await;
        let s2_assessment = app.create_assessment(&s2.token, 3).await;
        for c in app.criteria(3).iter().take(20) {
            app.answer(
                &s2.token,
                &s2_assessment,
                c,
                json!({ "status": "implemented" }),
            )
            .await;
        }

        // Shares: the sub-supplier to S1; S1 its certificate to the buyer, passing its
        // supplier on; S2 its open assessment, level only.
        let r = app
            .post_json(
                "/api/v1/shares",
                Some(&sub.token),
                json!({ "assessment_id": sub_assessment, "buyer_organization_id": s1.id }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let cred: Value = app
            .get_json(
                &format!("/api/v1/assessments/{s1_assessment}/credential"),
                Some(&s1.token),
            )
            .await;
        let cred_id = cred["id"].as_str().unwrap();
        let r = app.post_json("/api/v1/shares", Some(&s1.token), json!({ "credential_id": cred_id, "assessment_id": s1_assessment, "buyer_organization_id": buyer.id })).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "assessment_id").await;
        let r = app
            .post_json(
                "/api/v1/shares",
                Some(&s2.token),
                json!({ "credential_id": cred_id, "buyer_organization_id": buyer.id }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "credential_id").await;
        let r = app.post_json("/api/v1/shares", Some(&s1.token), json!({ "credential_id": cred_id, "buyer_organization_id": buyer.id, "detail": "full", "pass_on": true })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let s1_share = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = app
            .post_json(
                "/api/v1/shares",
                Some(&s2.token),
                json!({ "assessment_id": s2_assessment, "buyer_organization_id": buyer.id }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // The buyer's portfolio: two direct suppliers, one met and one in progress, and S1's
        // supplier in tier 2 under S1.
        let portfolio: Value = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        let lines: Vec<(String, u64, String)> = portfolio["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["name"].as_str().unwrap().to_string(),
                    l["tier"].as_u64().unwrap(),
                    l["status"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("みなと精工".to_string(), 1, "met".to_string()),
                ("さくら電子".to_string(), 1, "in_progress".to_string()),
                ("北浜鋳造".to_string(), 2, "met".to_string()),
            ]
        );
        let tier2 = &portfolio["suppliers"][2];
        assert_eq!(tier2["parent_organization_id"], s1.id.as_str());
        assert_eq!(tier2["relationship_id"], Value::Null);
        assert_eq!(tier2["due_date"], Value::Null);
        assert_eq!(portfolio["counts"]["met"], 1);
        assert_eq!(portfolio["counts"]["in_progress"], 1);
        assert_eq!(portfolio["tiers"], json!({ "1": 2, "2": 1 }));
        let direct: Value = app
            .get_json("/api/v1/portfolio?max_tier=1", Some(&buyer.token))
            .await;
        assert_eq!(direct["suppliers"].as_array().unwrap().len(), 2);
        let r = app
            .get("/api/v1/portfolio?max_tier=0", Some(&buyer.token))
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "max_tier").await;
        let csv = app
            .get("/api/v1/portfolio.csv", Some(&buyer.token))
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.contains("北浜鋳造"), "the CSV lists tier 2 too");

        // The buyer keeps S1's certificate and it verifies; it reads S1's answers (full
        // share) but never the tier-2 supplier's, nor S2's (level only).
        let shares: Value = app.get_json("/api/v1/shares", Some(&buyer.token)).await;
        let received = shares
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == s1_share.as_str())
            .unwrap();
        assert_eq!(received["credential_id"], cred_id);
        let shared: Value = app
            .get_json(
                &format!("/api/v1/shares/{s1_share}/credential"),
                Some(&buyer.token),
            )
            .await;
        let r = TestApp::client()
            .post(app.url("/api/v1/verify"))
            .body(shared["credential"].to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.json::<Value>().await.unwrap()["valid"], true);
        assert_eq!(
            app.get(
                &format!("/api/v1/shares/{s1_share}/credential"),
                Some(&s2.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND,
            "another supplier cannot read it"
        );
        assert_eq!(
            app.get(&format!("/api/v1/shares/{s1_share}/credential"), None)
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        let read = |id: String| {
            let app = &app;
            let token = buyer.token.clone();
            async move {
                app.get(&format!("/api/v1/assessments/{id}"), Some(&token))
                    .await
                    .status()
            }
        };
        assert_eq!(read(s1_assessment.clone()).await, StatusCode::OK);
        assert_eq!(read(sub_assessment.clone()).await, StatusCode::NOT_FOUND);
        assert_eq!(read(s2_assessment.clone()).await, StatusCode::NOT_FOUND);

        // S1 revokes: access, certificate and the tier below end at once.
        let r = TestApp::client()
            .delete(app.url(&format!("/api/v1/shares/{s1_share}")))
            .bearer_auth(&s1.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(read(s1_assessment.clone()).await, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(
                &format!("/api/v1/shares/{s1_share}/credential"),
                Some(&buyer.token)
            )
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        let portfolio: Value = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        let names: Vec<&str> = portfolio["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["みなと精工", "さくら電子"], "tier 2 is gone");
        assert_eq!(
            portfolio["suppliers"][0]["status"], "not_shared",
            "its self-assessment exists, the share is revoked"
        );
        let inbox: Value = app
            .get_json("/api/v1/notifications", Some(&buyer.token))
            .await;
        assert!(
            inbox.to_string().contains("share.revoked"),
            "the buyer is told: {inbox}"
        );
    }
}

#[tokio::test]
async fn the_demo_shows_two_tiers_and_an_industry_view() {
    for app in TestApp::all().await {
        let logins = shirube_app::demo::seed(&app.state).await.unwrap();
        // Seven organisations, the publisher of the roadmap, the supplier whose ★4 awaits
        // review, and the demo expert.
        assert_eq!(logins.len(), 10);
        let again = shirube_app::demo::seed(&app.state).await.unwrap();
        assert_eq!(again.len(), 10, "seeding twice changes nothing");
        let password = shirube_app::demo::DEMO_PASSWORD;
        // The evaluation body has a ★4 submission waiting, and was told of it.
        let body = app.token("assessor@scs-hyoka.example", password).await;
        let queue = app.get_json("/api/v1/evaluations", Some(&body)).await;
        assert_eq!(queue.as_array().map(Vec::len), Some(1), "{queue}");
        let inbox = app.get_json("/api/v1/notifications", Some(&body)).await;
        assert!(
            inbox.to_string().contains("evaluation.submitted"),
            "{inbox}"
        );
        let buyer = app.token("buyer@yamato-parts.example", password).await;
        let portfolio: Value = app.get_json("/api/v1/portfolio", Some(&buyer)).await;
        let lines: Vec<(&str, u64, &str)> = portfolio["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["name"].as_str().unwrap(),
                    l["tier"].as_u64().unwrap(),
                    l["status"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("株式会社みなと精工", 1, "not_shared"),
                ("さくら電子工業株式会社", 1, "met"),
                ("株式会社ひかりシステム", 1, "not_shared"),
                ("有限会社北浜鋳造", 2, "met"),
            ]
        );
        let group = app.token("office@tokai-parts.example", password).await;
        let view: Value = app.get_json("/api/v1/industry", Some(&group)).await;
        assert_eq!(view["shared_suppliers"][0]["name"], "株式会社みなと精工");
        assert_eq!(view["shared_suppliers"][0]["dependents"], 2);
    }
}
