//! Security experts, part 2: the workspace at scale (what blocks each client, old evidence,
//! new vulnerability findings, in what order) and an existing user becoming an expert.

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::experts::{approved_expert, engage, Expert};
use crate::pages::{select, Browser};
use crate::support::{assert_problem, Org, TestApp};

/// Uploads a small file as evidence for `criterion` dated `date`.
async fn evidence(app: &TestApp, org: &Org, assessment: &str, criterion: &str, date: &str) {
    let form = Form::new()
        .text("criterion_id", criterion.to_string())
        .text("evidence_date", date.to_string())
        .part(
            "file",
            Part::bytes(format!("evidence {date}").into_bytes()).file_name("rule.txt"),
        );
    let r = TestApp::client()
        .post(app.url(&format!("/api/v1/assessments/{assessment}/evidence")))
        .bearer_auth(&org.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

/// A vulnerability check of the organisation that found `findings` vulnerabilities, run now.
async fn check_with_findings(app: &TestApp, org: &Org, findings: i64) {
    app.state
        .store()
        .create_scan(
            shirube_store::Actor {
                organization_id: Some(&org.id),
                user_id: None,
                notices: &[],
            },
            &org.id,
            &shirube_store::NewScan {
                file_name: "Cargo.lock",
                input_format: "cargo-lock",
                blob_sha256: "00",
                size: 2,
                index_fingerprint: "test",
                components: 10,
                findings,
                advisories: findings,
                report: "{}",
            },
            None,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_workspace_names_what_blocks_each_client_its_old_evidence_and_new_findings_and_puts_them_first(
) {
    for app in TestApp::all().await {
        let expert = approved_expert(&app, "一覧 十郎").await;
        let criteria = app.criteria(3);
        // Three clients still answering, each with one criterion met.
        let mut clients = Vec::new();
        for name in ["あさひ工業", "いずみ製作所", "うらら商事"] {
            let org = app.signup(name).await;
            let id = app.create_assessment(&org.token, 3).await;
            let r = app
                .answer(
                    &org.token,
                    &id,
                    &criteria[0],
                    json!({ "status": "implemented" }),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
            engage(&app, &org, &expert).await;
            clients.push((org, id));
        }
        // いずみ has evidence from two years ago and from a month ago; うらら has a check that
        // found three vulnerabilities today.
        let today = app.state.clock.today_japan();
        let day = |days: i64| {
            (today - chrono::Duration::days(days))
                .format("%Y-%m-%d")
                .to_string()
        };
        evidence(
            &app,
            &clients[1].0,
            &clients[1].1,
            &criteria[0],
            &day(2 * 365),
        )
        .await;
        evidence(&app, &clients[1].0, &clients[1].1, &criteria[1], &day(30)).await;
        check_with_findings(&app, &clients[2].0, 3).await;

        let v = app
            .get_json("/api/v1/experts/me/clients", Some(&expert.token))
            .await;
        let rows: Vec<(&str, i64, i64)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["client_name"].as_str().unwrap(),
                    c["new_findings"].as_i64().unwrap(),
                    c["stale_evidence"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("うらら商事", 3, 0),
                ("いずみ製作所", 0, 1),
                ("あさひ工業", 0, 0)
            ],
            "{}",
            app.backend
        );
        // What blocks the target: the first three unmet criteria of the action plan.
        let blockers: Vec<&str> = v[0]["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap())
            .collect();
        assert_eq!(blockers.len(), 3);
        assert!(!blockers.contains(&criteria[0].as_str()));
        assert_eq!(v[0]["gaps"], 80);

        // The page states the rules and shows the same columns.
        let b = Browser::new(&app);
        b.login(&expert.email, "a long enough password").await;
        let (status, html) = b.get("/engagements").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            select(&html, "#expert-clients .client-name"),
            ["うらら商事", "いずみ製作所", "あさひ工業"]
        );
        assert_eq!(select(&html, "#expert-clients td.stale"), ["0", "1", "0"]);
        assert_eq!(
            select(&html, "#expert-clients td.findings"),
            ["3", "0", "0"]
        );
        let blockers = select(&html, "#expert-clients td.blockers");
        assert!(blockers[0].ends_with("ほか77件"), "{blockers:?}");
        let rules = select(&html, "#workspace-rules");
        assert!(
            rules[0].contains("12か月") && rules[0].contains("30日"),
            "{rules:?}"
        );
        b.get("/lang/en?back=/engagements").await;
        let (_, html) = b.get("/engagements").await;
        let rules = select(&html, "#workspace-rules");
        assert!(
            rules[0].contains("more than 12 months ago") && rules[0].contains("last 30 days"),
            "{rules:?}"
        );
        assert!(select(&html, "#expert-clients td.blockers")[0].ends_with("and 77 more"));

        // Ending an engagement takes the client off the list at once.
        let engagement = v[0]["engagement_id"].as_str().unwrap();
        let r = TestApp::client()
            .delete(app.url(&format!("/api/v1/engagements/{engagement}")))
            .bearer_auth(&expert.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let v = app
            .get_json("/api/v1/experts/me/clients", Some(&expert.token))
            .await;
        assert_eq!(v.as_array().unwrap().len(), 2);
    }
}

/// The profile fields of an expert, as the API takes them.
fn profile() -> Value {
    json!({
        "qualification": { "kind": "riss", "number": "024680" },
        "prefectures": ["27"], "industries": ["E"], "languages": ["ja"]
    })
}

#[tokio::test]
async fn a_signed_in_user_becomes_an_expert_without_a_new_account_and_keeps_their_firms_work() {
    for app in TestApp::all().await {
        let firm = app.signup("みなと設計").await;
        let own = app.create_assessment(&firm.token, 3).await;

        // Not signed in: no.
        let r = app.post_json("/api/v1/experts/me", None, profile()).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        // Every bad field is named, and nothing is stored.
        let r = app
            .post_json(
                "/api/v1/experts/me",
                Some(&firm.token),
                json!({
                    "qualification": { "kind": "wizard", "number": "" },
                    "prefectures": ["Atlantis"], "industries": [], "languages": ["ja"]
                }),
            )
            .await;
        let p = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "qualification.kind").await;
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "qualification.kind",
                "qualification.number",
                "prefectures[0]",
                "industries"
            ]
        );
        let r = app.get("/api/v1/experts/me", Some(&firm.token)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        let r = app
            .post_json("/api/v1/experts/me", Some(&firm.token), profile())
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"], "pending");
        let me = app.get_json("/api/v1/experts/me", Some(&firm.token)).await;
        assert_eq!(me["name"], "Owner", "the account's name by default");
        assert_eq!(me["qualification_number"], "024680");
        // Once is enough.
        let r = app
            .post_json("/api/v1/experts/me", Some(&firm.token), profile())
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);

        // Approved, the same account advises another company and still works for its firm.
        let expert = Expert {
            id: v["expert_id"].as_str().unwrap().to_string(),
            email: firm.email.clone(),
            token: firm.token.clone(),
        };
        crate::experts::set_approved(&app, &expert, true).await;
        let dir = app.get_json("/api/v1/experts?prefecture=27", None).await;
        assert!(dir
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == expert.id.as_str()));
        let client = app.signup("なぎさ運輸").await;
        let client_assessment = app.create_assessment(&client.token, 3).await;
        engage(&app, &client, &expert).await;
        let r = app
            .get(
                &format!("/api/v1/assessments/{client_assessment}"),
                Some(&firm.token),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = app
            .get(&format!("/api/v1/assessments/{own}"), Some(&firm.token))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "the firm's own work stays");
        let ws = app
            .get_json("/api/v1/experts/me/clients", Some(&firm.token))
            .await;
        assert_eq!(ws[0]["client_name"], "なぎさ運輸");
        // A colleague at the firm is not the expert: no workspace, no client data.
        let colleague = app.member(&firm, "member").await;
        let r = app
            .get("/api/v1/experts/me/clients", Some(&colleague))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app
            .get(
                &format!("/api/v1/assessments/{client_assessment}"),
                Some(&colleague),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // The firm cannot engage its own expert.
        let other_owner = app.member(&firm, "owner").await;
        let r = app
            .post_json(
                "/api/v1/engagements",
                Some(&other_owner),
                json!({ "expert_id": expert.id, "message": "" }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "expert_id").await;
    }
}

#[tokio::test]
async fn the_become_an_expert_page_names_bad_fields_in_both_languages_and_then_shows_the_status() {
    for app in TestApp::all().await {
        let firm = app.signup("やまと電機").await;
        let b = Browser::new(&app);
        // The expert sign-up page points signed-in people here.
        let (_, html) = b.get("/experts/signup").await;
        assert_eq!(
            crate::pages::attr(&html, "#become-link a", "href").as_deref(),
            Some("/experts/become")
        );
        b.login(&firm.email, "a long enough password").await;
        let (status, html) = b.get("/experts/become").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            crate::pages::attr(&html, "#f-name", "value").as_deref(),
            Some("Owner")
        );
        assert!(select(&html, "#become-practice")[0].contains("やまと電機"));
        let csrf = b.csrf().await;
        let bad = [
            ("csrf_token", csrf.as_str()),
            ("name", "大和 太郎"),
            ("qualification_kind", "riss"),
            ("qualification_number", "12 34"),
            ("prefectures", "東京都"),
            ("industries", "E"),
            ("languages", "ja"),
            ("accepting", "yes"),
        ];
        // Without the CSRF token: refused.
        let r = b.post("/experts/become", &bad[1..]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = b.post("/experts/become", &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(
            select(&html, "#f-qualification-number[aria-invalid=true]").len(),
            1
        );
        let msg = select(&html, "#f-qualification-number-err");
        assert!(msg[0].contains("32"), "the limit is named: {msg:?}");
        assert_eq!(
            crate::pages::attr(&html, "#f-prefectures", "value").as_deref(),
            Some("東京都"),
            "what was typed is kept"
        );
        // An emptied name is named too.
        let mut no_name = bad;
        no_name[1] = ("name", " ");
        no_name[3] = ("qualification_number", "1234");
        let r = b.post("/experts/become", &no_name).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(select(&html, "#f-name-err").len(), 1);
        b.get("/lang/en?back=/experts/become").await;
        let r = b.post("/experts/become", &bad).await;
        let html = r.text().await.unwrap();
        let msg = select(&html, "#f-qualification-number-err");
        assert!(msg[0].contains("32") && msg[0].is_ascii(), "{msg:?}");
        let r = app.get("/api/v1/experts/me", Some(&firm.token)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "nothing stored");

        let mut good = bad;
        good[3] = ("qualification_number", "1234");
        let r = b.post("/experts/become", &good).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/experts/become");
        let (_, html) = b.get("/experts/become").await;
        assert_eq!(select(&html, "#become-status").len(), 1);
        assert_eq!(select(&html, "form[action='/experts/become']").len(), 0);
        let me = app.get_json("/api/v1/experts/me", Some(&firm.token)).await;
        assert_eq!(me["name"], "大和 太郎");
        assert_eq!(me["prefectures"], json!(["13"]));
        // The header now leads the expert to their clients.
        let (_, html) = b.get("/dashboard").await;
        assert!(crate::pages::attr(&html, "a[href='/engagements']", "href").is_some());
    }
}

/// A client signs up as an industry group, invites `members` and each accepts.
async fn group_with_members(app: &TestApp, name: &str, members: &[&Org]) -> Org {
    let group = app.signup(name).await;
    app.state
        .store()
        .designate_industry_group(&group.id)
        .await
        .unwrap();
    for m in members {
        let r = app
            .post_json(
                "/api/v1/industry/members",
                Some(&group.token),
                json!({ "corporate_number": crate::support::number(app, m).await }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = app
            .post_json(
                &format!("/api/v1/industry/memberships/{id}/accept"),
                Some(&m.token),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    group
}

async fn status_of(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> StatusCode {
    TestApp::client()
        .request(method, app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_groups_shared_adviser_reads_only_the_members_whose_owner_opted_in() {
    use reqwest::Method;
    for app in TestApp::all().await {
        let joins = app.signup("あかね精機").await;
        let declines = app.signup("いぶき鋳造").await;
        let silent = app.signup("うしお塗装").await;
        let outsider = app.signup("えにし商店").await;
        let group = group_with_members(&app, "東海金属工業会", &[&joins, &declines, &silent]).await;
        let expert = approved_expert(&app, "共同 十一郎").await;
        let pending = crate::experts::expert_signup(&app, "未承認 十二郎").await;
        let mut assessments = Vec::new();
        for m in [&joins, &declines, &silent] {
            assessments.push(app.create_assessment(&m.token, 3).await);
        }

        // Only an approved expert can be named, only by the group.
        let r = app
            .put_json(
                "/api/v1/industry/shared-adviser",
                &group.token,
                json!({ "expert_id": pending.id }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "expert_id").await;
        let r = app
            .put_json(
                "/api/v1/industry/shared-adviser",
                &joins.token,
                json!({ "expert_id": expert.id }),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "a member is not the group"
        );
        let r = app
            .put_json(
                "/api/v1/industry/shared-adviser",
                &group.token,
                json!({ "expert_id": expert.id }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v = app
            .get_json("/api/v1/industry/shared-adviser", Some(&group.token))
            .await;
        assert_eq!(v["name"], "共同 十一郎");

        // Every member is told; naming alone shares nothing.
        let n = app
            .get_json("/api/v1/notifications", Some(&silent.token))
            .await;
        assert!(n
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "shared_adviser.named"));
        for a in &assessments {
            let path = format!("/api/v1/assessments/{a}");
            assert_eq!(
                status_of(&app, Method::GET, &path, &expert.token).await,
                StatusCode::NOT_FOUND
            );
        }
        let offers = app
            .get_json("/api/v1/industry/shared-adviser-offers", Some(&joins.token))
            .await;
        assert_eq!(offers[0]["expert_name"], "共同 十一郎");
        assert_eq!(offers[0]["answer"], Value::Null);
        let group_id = offers[0]["group_id"].as_str().unwrap().to_string();
        let opt_in = format!("/api/v1/industry/shared-adviser-offers/{group_id}/opt-in");
        let decline = format!("/api/v1/industry/shared-adviser-offers/{group_id}/decline");

        // Only an owner of a member answers; an outsider does not even see the offer.
        let viewer = app.member(&joins, "member").await;
        assert_eq!(
            status_of(&app, Method::POST, &opt_in, &viewer).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            status_of(&app, Method::POST, &opt_in, &outsider.token).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status_of(&app, Method::POST, &opt_in, &expert.token).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status_of(&app, Method::POST, &decline, &declines.token).await,
            StatusCode::NO_CONTENT
        );
        let r = app.post_json(&opt_in, Some(&joins.token), json!({})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let engagement = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = app.post_json(&opt_in, Some(&joins.token), json!({})).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "once is enough");

        // The expert reads the member that opted in, and only it; the read is in its log.
        let reads = |a: &str| format!("/api/v1/assessments/{a}");
        assert_eq!(
            status_of(&app, Method::GET, &reads(&assessments[0]), &expert.token).await,
            StatusCode::OK
        );
        for a in &assessments[1..] {
            assert_eq!(
                status_of(&app, Method::GET, &reads(a), &expert.token).await,
                StatusCode::NOT_FOUND,
                "declined or silent: 404"
            );
        }
        let log = app
            .get_json("/api/v1/expert-reads", Some(&joins.token))
            .await;
        assert_eq!(log.as_array().unwrap().len(), 1);
        let ws = app
            .get_json("/api/v1/experts/me/clients", Some(&expert.token))
            .await;
        assert_eq!(ws.as_array().unwrap().len(), 1);
        assert_eq!(ws[0]["client_name"], "あかね精機");

        // The same ending as a direct engagement: access stops at once.
        assert_eq!(
            status_of(
                &app,
                Method::DELETE,
                &format!("/api/v1/engagements/{engagement}"),
                &joins.token
            )
            .await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            status_of(&app, Method::GET, &reads(&assessments[0]), &expert.token).await,
            StatusCode::NOT_FOUND
        );

        // The group stops naming; members are no longer offered the expert.
        assert_eq!(
            status_of(
                &app,
                Method::DELETE,
                "/api/v1/industry/shared-adviser",
                &group.token
            )
            .await,
            StatusCode::NO_CONTENT
        );
        let offers = app
            .get_json(
                "/api/v1/industry/shared-adviser-offers",
                Some(&silent.token),
            )
            .await;
        assert_eq!(offers, json!([]));
        assert_eq!(
            status_of(&app, Method::POST, &opt_in, &silent.token).await,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_group_names_its_adviser_on_a_page_and_a_members_owner_opts_in_on_the_engagements_page()
{
    for app in TestApp::all().await {
        let member = app.signup("おぼろ製作所").await;
        let group = group_with_members(&app, "近畿機械協会", &[&member]).await;
        let expert = approved_expert(&app, "画面 十三郎").await;

        let gb = Browser::new(&app);
        gb.login(&group.email, "a long enough password").await;
        let (_, html) = gb.get("/industry").await;
        assert_eq!(
            crate::pages::attr(&html, "#shared-adviser-link a", "href").as_deref(),
            Some("/industry/shared-adviser")
        );
        let (status, html) = gb.get("/industry/shared-adviser").await;
        assert_eq!(status, StatusCode::OK);
        assert!(select(&html, "#f-expert-id option")
            .iter()
            .any(|o| o.starts_with("画面 十三郎")));
        let csrf = gb.csrf().await;
        // A made-up expert is refused, naming the field.
        let r = gb
            .post(
                "/industry/shared-adviser",
                &[("csrf_token", csrf.as_str()), ("expert_id", "nobody")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(select(&html, "#f-expert-id-err").len(), 1);
        let r = gb
            .post(
                "/industry/shared-adviser",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("expert_id", expert.id.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/industry/shared-adviser?saved=1");
        let (_, html) = gb.get("/industry/shared-adviser?saved=1").await;
        assert_eq!(select(&html, "#saved").len(), 1);
        assert!(select(&html, "#current-adviser")[0].contains("画面 十三郎"));

        let mb = Browser::new(&app);
        mb.login(&member.email, "a long enough password").await;
        let (_, html) = mb.get("/engagements").await;
        assert_eq!(select(&html, "#adviser-offers .offer-answer"), ["未回答"]);
        let action = crate::pages::attr(&html, "#adviser-offers form", "action").unwrap();
        assert!(action.ends_with("/opt-in"));
        let mcsrf = mb.csrf().await;
        let r = mb.post(&action, &[]).await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "no CSRF token, no opt-in"
        );
        let r = mb.post(&action, &[("csrf_token", mcsrf.as_str())]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = mb.get("/engagements").await;
        assert_eq!(select(&html, "#adviser-offers .offer-answer"), ["参加中"]);
        assert_eq!(select(&html, "#my-engagements td")[0], "画面 十三郎");
        mb.get("/lang/en?back=/engagements").await;
        let (_, html) = mb.get("/engagements").await;
        assert_eq!(select(&html, "#adviser-offers .offer-answer"), ["Joined"]);
        let v = app
            .get_json("/api/v1/experts/me/clients", Some(&expert.token))
            .await;
        assert_eq!(v[0]["client_name"], "おぼろ製作所");

        // Not a group: the page is refused.
        let (status, _) = mb.get("/industry/shared-adviser").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

/// A supplier with a ★4 assessment that meets every criterion, submitted to a body.
async fn submitted_level_4(app: &TestApp) -> (Org, Org, String) {
    let supplier = app.signup("ひびき電装").await;
    let body = app.signup("みらい評価機構").await;
    app.state
        .store()
        .set_evaluation_body(&body.id, true)
        .await
        .unwrap();
    let id = app.create_assessment(&supplier.token, 4).await;
    for c in app.criteria(4) {
        app.answer(&supplier.token, &id, &c, json!({ "status": "implemented" }))
            .await;
    }
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
    (supplier, body, ev)
}

/// A signed-up organisation the operator designated as a technical verification provider.
async fn provider(app: &TestApp, name: &str) -> Org {
    let org = app.signup(name).await;
    app.state.store().set_verifier(&org.id, true).await.unwrap();
    org
}

async fn upload_report(app: &TestApp, token: &str, id: &str, statement: &str) -> reqwest::Response {
    let form = Form::new().text("statement", statement.to_string()).part(
        "file",
        Part::bytes(b"pentest findings: none critical".to_vec()).file_name("pentest.pdf"),
    );
    TestApp::client()
        .post(app.url(&format!("/api/v1/verifications/{id}/report")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn only_an_invited_designated_provider_attaches_its_report_to_that_submission_and_the_body_reads_it(
) {
    use reqwest::Method;
    for app in TestApp::all().await {
        let (supplier, body, ev) = submitted_level_4(&app).await;
        let invited = provider(&app, "セキュア診断株式会社").await;
        let other_provider = provider(&app, "ほかの診断株式会社").await;
        let stranger = app.signup("関係ない商事").await;
        let invite = |number: String| {
            let app = &app;
            let token = supplier.token.clone();
            let ev = ev.clone();
            async move {
                app.post_json(
                    &format!("/api/v1/evaluations/{ev}/verifiers"),
                    Some(&token),
                    json!({ "corporate_number": number }),
                )
                .await
            }
        };
        // Only a designated provider can be invited.
        let r = invite(crate::support::number(&app, &stranger).await).await;
        let p = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "corporate_number").await;
        assert!(
            p.to_string().contains("13"),
            "the message says what to enter: {p}"
        );
        // The body does not invite for the supplier.
        let r = app
            .post_json(
                &format!("/api/v1/evaluations/{ev}/verifiers"),
                Some(&body.token),
                json!({ "corporate_number": crate::support::number(&app, &invited).await }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = invite(crate::support::number(&app, &invited).await).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let r = invite(crate::support::number(&app, &invited).await).await;
        assert_problem(r, StatusCode::CONFLICT, "corporate_number").await;

        let mine = app
            .get_json("/api/v1/verifications", Some(&invited.token))
            .await;
        assert_eq!(mine[0]["supplier_name"], "ひびき電装");
        let id = mine[0]["id"].as_str().unwrap().to_string();
        // Not designated: no list at all.
        let r = app
            .get("/api/v1/verifications", Some(&stranger.token))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // Everyone but the invited provider gets 404 on the upload.
        for token in [
            &other_provider.token,
            &stranger.token,
            &supplier.token,
            &body.token,
        ] {
            let r = upload_report(&app, token, &id, "所見").await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{}", app.backend);
        }
        // A bad upload names its fields; nothing is stored.
        let form = Form::new().text("statement", " ");
        let r = TestApp::client()
            .post(app.url(&format!("/api/v1/verifications/{id}/report")))
            .bearer_auth(&invited.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let p = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "statement").await;
        assert!(p.to_string().contains("\"file\""), "{p}");
        let r = upload_report(
            &app,
            &invited.token,
            &id,
            "重大な脆弱性は見つかりませんでした。",
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // The body and the supplier read the report and statement; a stranger does not.
        let v = app
            .get_json(
                &format!("/api/v1/evaluations/{ev}/verifications"),
                Some(&body.token),
            )
            .await;
        assert_eq!(v[0]["statement"], "重大な脆弱性は見つかりませんでした。");
        let url = v[0]["report_url"].as_str().unwrap().to_string();
        for (token, want) in [
            (&body.token, StatusCode::OK),
            (&supplier.token, StatusCode::OK),
            (&invited.token, StatusCode::OK),
            (&stranger.token, StatusCode::NOT_FOUND),
            (&other_provider.token, StatusCode::NOT_FOUND),
        ] {
            assert_eq!(status_of(&app, Method::GET, &url, token).await, want);
        }
        let path = format!("/api/v1/evaluations/{ev}/verifications");
        assert_eq!(
            status_of(&app, Method::GET, &path, &stranger.token).await,
            StatusCode::NOT_FOUND
        );
        let r = app.get(&url, Some(&body.token)).await;
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            b"pentest findings: none critical"
        );

        // A revoked provider reads and attaches nothing more.
        app.state
            .store()
            .set_verifier(&invited.id, false)
            .await
            .unwrap();
        let r = upload_report(&app, &invited.token, &id, "再提出").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            status_of(&app, Method::GET, &url, &invited.token).await,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_supplier_invites_on_the_verification_page_and_the_provider_attaches_its_report_on_its_page(
) {
    for app in TestApp::all().await {
        let (supplier, body, ev) = submitted_level_4(&app).await;
        let prov = provider(&app, "ページ診断株式会社").await;
        let sb = Browser::new(&app);
        sb.login(&supplier.email, "a long enough password").await;
        let (_, html) = sb.get(&format!("/evaluations/{ev}")).await;
        assert_eq!(
            crate::pages::attr(&html, "#verification-link a", "href"),
            Some(format!("/evaluations/{ev}/verification"))
        );
        let csrf = sb.csrf().await;
        let r = sb
            .post(
                &format!("/evaluations/{ev}/verifiers"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("corporate_number", "1234567890123"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(select(&html, "#f-corporate-number-err").len(), 1);
        assert_eq!(
            crate::pages::attr(&html, "#f-corporate-number", "value").as_deref(),
            Some("1234567890123")
        );
        let number = crate::support::number(&app, &prov).await;
        let r = sb
            .post(
                &format!("/evaluations/{ev}/verifiers"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("corporate_number", number.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = sb
            .get(&format!("/evaluations/{ev}/verification?saved=1"))
            .await;
        assert_eq!(select(&html, "#saved").len(), 1);
        assert_eq!(select(&html, "#verifications .not-reported").len(), 1);

        // The provider's page lists the request with its form.
        let pb = Browser::new(&app);
        pb.login(&prov.email, "a long enough password").await;
        let (status, html) = pb.get("/verifications").await;
        assert_eq!(status, StatusCode::OK);
        assert!(select(&html, "#verifications .supplier")[0].starts_with("ひびき電装"));
        assert_eq!(
            select(&html, "nav.work a[href='/verifications']"),
            ["技術検証"],
            "a designated provider's header leads to its requests"
        );
        let action = crate::pages::attr(&html, "#verifications form", "action").unwrap();
        // Through the page's form (multipart, with the session's CSRF token): a missing
        // statement and file are named, in Japanese and then English, and what was typed stays.
        let client = TestApp::client();
        let r = client
            .post(app.url("/login"))
            .header("origin", app.url(""))
            .form(&[
                ("email", prov.email.as_str()),
                ("password", "a long enough password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = client
            .get(app.url("/verifications"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf =
            crate::pages::attr(&page, "#verifications input[name=csrf_token]", "value").unwrap();
        let post = |statement: &'static str, with_file: bool| {
            let mut form = Form::new()
                .text("csrf_token", csrf.clone())
                .text("statement", statement);
            if with_file {
                form = form.part(
                    "file",
                    Part::bytes(b"pentest findings: none critical".to_vec())
                        .file_name("pentest.pdf"),
                );
            }
            client
                .post(app.url(&action))
                .header("origin", app.url(""))
                .multipart(form)
                .send()
        };
        let r = post("診断の途中経過", false).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(select(&html, "#f-file-err").len(), 1);
        assert_eq!(select(&html, "#f-statement"), ["診断の途中経過"]);
        client
            .get(app.url("/lang/en?back=/verifications"))
            .send()
            .await
            .unwrap();
        let r = post(" ", true).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(select(&html, "#f-statement-err")[0].is_ascii());
        let v = app
            .get_json(
                &format!("/api/v1/evaluations/{ev}/verifications"),
                Some(&supplier.token),
            )
            .await;
        assert_eq!(
            v[0]["report_url"],
            Value::Null,
            "nothing stored by refused forms"
        );
        let r = post("診断の結果、重大な問題はありません。", true)
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/verifications?saved=1");

        // The body sees the report and statement on the page it reaches from its review.
        let bb = Browser::new(&app);
        bb.login(&body.email, "a long enough password").await;
        let (_, html) = bb.get(&format!("/evaluations/{ev}/verification")).await;
        assert_eq!(select(&html, "#verifications a.report"), ["pentest.pdf"]);
        assert!(select(&html, "#verifications .statement")[0].contains("重大な問題はありません"));
        assert_eq!(
            select(&html, "#f-corporate-number").len(),
            0,
            "the body does not invite"
        );
        bb.get("/lang/en?back=/dashboard").await;
        let (_, html) = bb.get(&format!("/evaluations/{ev}/verification")).await;
        assert_eq!(select(&html, "h1"), ["Technical verification (★4)"]);
        // Another company: 404.
        let other = app.signup("よその会社").await;
        let ob = Browser::new(&app);
        ob.login(&other.email, "a long enough password").await;
        let (status, _) = ob.get(&format!("/evaluations/{ev}/verification")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
