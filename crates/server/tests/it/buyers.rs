//! Buyers and suppliers over the API: the level decision, requests, answer-once shares,
//! the portfolio, revocation, and who may see what.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_problem, Org, TestApp};

async fn declared_supplier(app: &TestApp, name: &str) -> (Org, String) {
    let org = app.signup(name).await;
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
    let r = app
        .post_json(
            &format!("/api/v1/assessments/{id}/declaration"),
            Some(&org.token),
            json!({ "signer_name": "S", "signer_title": "CEO" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    (org, id)
}

async fn number(app: &TestApp, org: &Org) -> String {
    app.state
        .store
        .organization(&org.id)
        .await
        .unwrap()
        .corporate_number
}

fn no_decision() -> Value {
    json!({ "confidential_info": false, "business_interruption": false, "network_access": false })
}

#[tokio::test]
async fn a_buyer_requests_levels_suppliers_share_once_and_the_portfolio_shows_who_met_them() {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let (a, a_assessment) = declared_supplier(&app, "みなと精工").await;
        let (b, b_assessment) = declared_supplier(&app, "さくら電子").await;

        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number(&app, &a).await, "due_date": "2027-03-31", "decision": no_decision() })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["required_level"], 3);
        assert_eq!(v["reasons"][0]["code"], "all_no");
        let decision_b = json!({ "confidential_info": false, "business_interruption": true, "no_alternative": true, "network_access": false });
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number(&app, &b).await, "due_date": "2027-03-31", "decision": decision_b })).await;
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["required_level"], 4);
        assert!(v["reasons"][0]["ja"].as_str().unwrap().contains("問2"));

        // The supplier sees the request with the buyer's reasons, in both languages.
        let reqs: Value = app
            .get("/api/v1/requests", Some(&b.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(reqs[0]["buyer_organization_id"], buyer.id.as_str());
        assert_eq!(reqs[0]["required_level"], 4);
        assert!(!reqs[0]["reasons"][1]["en"].as_str().unwrap().is_empty());

        let portfolio: Value = app
            .get("/api/v1/portfolio", Some(&buyer.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(portfolio["counts"]["not_started"], 2);

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
        let portfolio: Value = app
            .get("/api/v1/portfolio", Some(&buyer.token))
            .await
            .json()
            .await
            .unwrap();
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
        assert!(csv.starts_with("\u{feff}relationship_id,"));
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
        let portfolio: Value = app
            .get("/api/v1/portfolio", Some(&buyer.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(find(&portfolio, &b.id)["achieved_level"], Value::Null);

        // Suppliers never see the buyer's portfolio; a stranger sees nothing shared.
        let supplier_view: Value = app
            .get("/api/v1/portfolio", Some(&a.token))
            .await
            .json()
            .await
            .unwrap();
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
                json!({ "due_date": "2027-01-01", "decision": no_decision() }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "corporate_number").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": "7000012050002", "due_date": "2027-01-01", "decision": no_decision() })).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "corporate_number").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "x@example.jp", "due_date": "soon", "decision": no_decision() })).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "due_date").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "x@example.jp", "due_date": "2027-01-01", "decision": { "confidential_info": true } })).await;
        assert_problem(r, StatusCode::BAD_REQUEST, "decision.business_interruption").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "x@example.jp", "due_date": "2027-01-01", "decision": { "confidential_info": false, "business_interruption": false, "network_access": false, "extra_factors": ["vibes"] } })).await;
        assert_problem(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "decision.extra_factors",
        )
        .await;
        let own = number(&app, &buyer).await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": own, "due_date": "2027-01-01", "decision": no_decision() })).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "corporate_number").await;
    }
}

#[tokio::test]
async fn an_email_invitation_is_single_use_and_links_the_accepting_organisation() {
    for app in TestApp::all().await {
        let buyer = app.signup("Buyer").await;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "invite_email": "new-supplier@example.jp", "due_date": "2027-03-31", "decision": { "confidential_info": false, "business_interruption": false, "network_access": false, "extra_factors": ["single_source"] } })).await;
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["required_level"], 3);
        assert_eq!(v["suggest_level_4"], true);
        let url = v["invite_url"].as_str().unwrap().to_string();
        let token = url.rsplit('/').next().unwrap().to_string();
        let rows = app.state.store.portfolio(&buyer.id).await.unwrap();
        assert!(rows[0].invite_email.is_some());
        let portfolio: Value = app
            .get("/api/v1/portfolio", Some(&buyer.token))
            .await
            .json()
            .await
            .unwrap();
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
            .get("/api/v1/requests", Some(&supplier.token))
            .await
            .json()
            .await
            .unwrap();
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
            let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number(&app, supplier).await, "due_date": "2027-03-31", "decision": no_decision() })).await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        // Shares up the chain: tier 1 passes its suppliers on, tier 2 passes on, tier 3 shares in full with tier 2 only.
        let r = app.post_json("/api/v1/shares", Some(&t1.token), json!({ "assessment_id": t1_assessment, "buyer_organization_id": t0.id, "pass_on": true })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        app.post_json("/api/v1/shares", Some(&t2.token), json!({ "assessment_id": t2_assessment, "buyer_organization_id": t1.id, "pass_on": true })).await;
        app.post_json("/api/v1/shares", Some(&t3.token), json!({ "assessment_id": t3_assessment, "buyer_organization_id": t2.id, "detail": "full" })).await;

        let v: Value = app
            .get("/api/v1/portfolio/tiers", Some(&t0.token))
            .await
            .json()
            .await
            .unwrap();
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
        let rel = app.state.store.portfolio(&t0.id).await.unwrap()[0]
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
            .get("/api/v1/bcp/weak-points", Some(&t0.token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(weak["nodes"][0]["name"], "Tier 1");
        let r = app.put_json("/api/v1/bcp", &t1.token, json!({ "offline_backup": true, "last_restore_test": "2026-10-01", "recovery_hours": 48, "alternative_site": false })).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let weak: Value = app
            .get("/api/v1/bcp/weak-points", Some(&t0.token))
            .await
            .json()
            .await
            .unwrap();
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
    let v: Value = app
        .get("/api/v1/notifications", Some(token))
        .await
        .json()
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

/// A minimal SMTP sink: accepts every message and hands its text to the test.
async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut data = None::<String>;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(buf) = data.as_mut() {
                        if line == "." {
                            let _ = tx.send(data.take().unwrap_or_default());
                            let _ = w.write_all(b"250 OK\r\n").await;
                        } else {
                            buf.push_str(&line);
                            buf.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn requests_shares_revocations_and_due_dates_reach_the_inbox_and_mail() {
    for mut app in TestApp::all().await {
        let (port, mut mail) = smtp_sink().await;
        app.state.mailer = Some(std::sync::Arc::new(
            shirube_server::notify::Mailer::new(
                &format!("smtp://127.0.0.1:{port}"),
                "shirube@example.jp",
            )
            .unwrap(),
        ));
        let buyer = app.signup("Buyer").await;
        let (supplier, assessment) = declared_supplier(&app, "Supplier").await;
        // The mailer lives in the state the test holds; the running server got its own copy
        // at start, so drive the application layer directly for the mail part.
        let p = shirube_server::auth::resolve(
            &crate::support::bearer_headers(&buyer.token),
            &app.state,
        )
        .await
        .unwrap()
        .unwrap();
        let input = shirube_server::buyers::AddSupplier {
            corporate_number: Some(number(&app, &supplier).await),
            due_date: (chrono::Utc::now() + chrono::Duration::days(10))
                .format("%Y-%m-%d")
                .to_string(),
            ..Default::default()
        };
        shirube_server::buyers::add_supplier(&app.state, &p, &input)
            .await
            .unwrap();
        assert_eq!(kinds(&app, &supplier.token).await, ["request.new"]);
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
            shirube_server::buyers::send_reminders(&app.state, today)
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
            shirube_server::buyers::send_reminders(&app.state, overdue_day)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            shirube_server::buyers::send_reminders(&app.state, overdue_day)
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
