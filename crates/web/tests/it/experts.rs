//! Security experts end to end: sign-up and the operator's approval, the directory,
//! engagements with their notices, consent-bound reads (logged in the client's audit log),
//! advice, the ★3 confirmation that a declaration needs and the credential that names it;
//! the authorisation matrix for experts.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_problem, Org, TestApp};

pub struct Expert {
    pub id: String,
    pub email: String,
    pub token: String,
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    u64::from(std::process::id()) * 1_000 + N.fetch_add(1, Ordering::Relaxed)
}

/// Signs an expert up (pending) working in Tokyo and Aichi, in manufacturing.
pub async fn expert_signup(app: &TestApp, name: &str) -> Expert {
    let email = format!("expert{}@riss.example.jp", unique());
    let r = app
        .post_json(
            "/api/v1/experts/signup",
            None,
            json!({
                "name": name, "email": email, "password": "a long enough password",
                "qualification": { "kind": "riss", "number": "012345" },
                "prefectures": ["13", "愛知県"], "industries": ["E"], "languages": ["ja", "en"],
                "accepting": true
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", app.backend);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "pending");
    let token = app.token(&email, "a long enough password").await;
    Expert {
        id: v["expert_id"].as_str().unwrap().to_string(),
        email,
        token,
    }
}

/// The operator approves (or withdraws) an expert, as `shirube admin approve-expert` does.
pub async fn set_approved(app: &TestApp, expert: &Expert, approved: bool) {
    shirube_app::experts::set_status(&app.state, &expert.email, approved)
        .await
        .unwrap();
}

/// An approved expert.
pub async fn approved_expert(app: &TestApp, name: &str) -> Expert {
    let e = expert_signup(app, name).await;
    set_approved(app, &e, true).await;
    e
}

/// The client asks the expert; returns the engagement id.
pub async fn ask(app: &TestApp, client: &Org, expert: &Expert) -> String {
    let r = app
        .post_json(
            "/api/v1/engagements",
            Some(&client.token),
            json!({ "expert_id": expert.id, "message": "★3の確認をお願いします" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "requested");
    v["id"].as_str().unwrap().to_string()
}

/// The client asks and the expert accepts; returns the engagement id.
pub async fn engage(app: &TestApp, client: &Org, expert: &Expert) -> String {
    let id = ask(app, client, expert).await;
    let r = app
        .post_json(
            &format!("/api/v1/engagements/{id}/accept"),
            Some(&expert.token),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    id
}

/// The expert confirms the assessment as it stands; returns the confirmation.
pub async fn confirm(app: &TestApp, expert: &Expert, assessment: &str) -> Value {
    let r = app
        .post_json(
            &format!("/api/v1/assessments/{assessment}/expert-confirmation"),
            Some(&expert.token),
            json!({ "statement": "回答と証跡を確認しました。" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

/// What a ★3 declaration needs beside the answers: an approved expert, engaged by the client,
/// who confirms the assessment as it stands now.
pub async fn expert_confirms(app: &TestApp, client: &Org, assessment: &str) -> Expert {
    let expert = approved_expert(app, "支援士 一郎").await;
    engage(app, client, &expert).await;
    confirm(app, &expert, assessment).await;
    expert
}

async fn answer_all(app: &TestApp, org: &Org, id: &str) {
    for c in app.criteria(3) {
        let r = app
            .answer(&org.token, id, &c, json!({ "status": "implemented" }))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    let v: Value = app.get_json("/api/v1/notifications", Some(token)).await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn declare(app: &TestApp, org: &Org, id: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/assessments/{id}/declaration"),
        Some(&org.token),
        json!({ "signer_name": "港 太郎", "signer_title": "代表取締役" }),
    )
    .await
}

#[tokio::test]
async fn an_expert_appears_in_the_directory_only_once_approved_and_accepting() {
    for app in TestApp::all().await {
        let e = expert_signup(&app, "安全 花子").await;
        let listed = |v: &Value, id: &str| {
            v.as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"].as_str() == Some(id))
        };
        let v = app.get_json("/api/v1/experts", None).await;
        assert!(!listed(&v, &e.id), "a pending expert is not listed");
        let me = app.get_json("/api/v1/experts/me", Some(&e.token)).await;
        assert_eq!(me["status"], "pending");

        set_approved(&app, &e, true).await;
        let v = app
            .get_json("/api/v1/experts?prefecture=13&industry=E", None)
            .await;
        assert!(listed(&v, &e.id));
        let found = v
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == e.id.as_str())
            .unwrap();
        assert_eq!(found["qualification_kind"], "riss");
        assert_eq!(found["prefectures"], json!(["13", "23"]));
        assert_eq!(found["languages"], json!(["ja", "en"]));
        assert_eq!(found["clients"], 0);
        // Another prefecture or industry does not list them.
        let v = app.get_json("/api/v1/experts?prefecture=27", None).await;
        assert!(!listed(&v, &e.id));
        let v = app.get_json("/api/v1/experts?industry=F", None).await;
        assert!(!listed(&v, &e.id));
        // A bad filter names its field.
        let r = app.get("/api/v1/experts?prefecture=Atlantis", None).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "prefecture").await;

        // An expert who does not accept clients is not listed.
        let email = format!("busy{}@riss.example.jp", unique());
        let r = app
            .post_json(
                "/api/v1/experts/signup",
                None,
                json!({ "name": "多忙 次郎", "email": email, "password": "a long enough password",
                    "qualification": { "kind": "scs_training", "number": "T-2026-001" },
                    "prefectures": ["13"], "industries": ["E"], "languages": ["ja"], "accepting": false }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        shirube_app::experts::set_status(&app.state, &email, true)
            .await
            .unwrap();
        let v = app.get_json("/api/v1/experts?prefecture=13", None).await;
        assert!(!v
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == "多忙 次郎"));
    }
}

#[tokio::test]
async fn expert_signup_names_every_bad_field() {
    for app in TestApp::all().await {
        let r = app
            .post_json(
                "/api/v1/experts/signup",
                None,
                json!({ "name": "", "email": "not-an-address", "password": "short",
                    "qualification": { "kind": "cissp", "number": "" },
                    "prefectures": ["13", "Atlantis"], "industries": [], "languages": ["日本語"], "accepting": true }),
            )
            .await;
        let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "qualification.kind").await;
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        for f in [
            "name",
            "email",
            "password",
            "qualification.number",
            "prefectures[1]",
            "industries",
            "languages[0]",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        // The same e-mail twice is a conflict on the field.
        let e = expert_signup(&app, "重複 三郎").await;
        let r = app
            .post_json(
                "/api/v1/experts/signup",
                None,
                json!({ "name": "重複 三郎", "email": e.email, "password": "a long enough password",
                    "qualification": { "kind": "riss", "number": "1" },
                    "prefectures": ["13"], "industries": ["E"], "languages": ["ja"] }),
            )
            .await;
        assert_problem(r, StatusCode::CONFLICT, "email").await;
    }
}

#[tokio::test]
async fn an_engaged_expert_reads_the_clients_assessment_and_every_read_is_in_the_clients_log() {
    for app in TestApp::all().await {
        let client = app.signup("みなと精工").await;
        let id = app.create_assessment(&client.token, 3).await;
        let expert = approved_expert(&app, "安全 花子").await;
        let path = format!("/api/v1/assessments/{id}");

        let engagement = ask(&app, &client, &expert).await;
        assert!(kinds(&app, &expert.token)
            .await
            .contains(&"engagement.requested".to_string()));
        // Asked but not accepted: nothing to read.
        assert_eq!(
            app.get(&path, Some(&expert.token)).await.status(),
            StatusCode::NOT_FOUND
        );
        // The client cannot accept for the expert; asking twice is a conflict.
        let r = app
            .post_json(
                &format!("/api/v1/engagements/{engagement}/accept"),
                Some(&client.token),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app
            .post_json(
                "/api/v1/engagements",
                Some(&client.token),
                json!({ "expert_id": expert.id, "message": "" }),
            )
            .await;
        assert_problem(r, StatusCode::CONFLICT, "expert_id").await;

        let r = app
            .post_json(
                &format!("/api/v1/engagements/{engagement}/accept"),
                Some(&expert.token),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"], "active");
        assert!(kinds(&app, &client.token)
            .await
            .contains(&"engagement.accepted".to_string()));

        let v = app.get_json(&path, Some(&expert.token)).await;
        assert_eq!(v["id"], id.as_str());
        assert_eq!(v["progress"]["total"], 81);
        // The read is in the client's log, which its owners see.
        let reads = app
            .get_json("/api/v1/expert-reads", Some(&client.token))
            .await;
        let reads = reads.as_array().unwrap();
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0]["subject"], id.as_str());
        assert_eq!(reads[0]["detail"]["expert_id"], expert.id.as_str());
        // The directory counts the client.
        let dir = app.get_json("/api/v1/experts?prefecture=13", None).await;
        let me = dir
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == expert.id.as_str())
            .unwrap();
        assert_eq!(me["clients"], 1);

        // Both sides see the engagement.
        let mine = app
            .get_json("/api/v1/engagements", Some(&expert.token))
            .await;
        assert_eq!(mine["as_expert"][0]["client_name"], "みなと精工");
        let theirs = app
            .get_json("/api/v1/engagements", Some(&client.token))
            .await;
        assert_eq!(theirs["as_client"][0]["expert_name"], "安全 花子");
    }
}

#[tokio::test]
async fn experts_without_an_active_engagement_and_other_companies_get_404_and_ending_cuts_access_at_once(
) {
    for app in TestApp::all().await {
        let client = app.signup("さくら電子").await;
        let id = app.create_assessment(&client.token, 3).await;
        let path = format!("/api/v1/assessments/{id}");
        let advice = format!("/api/v1/assessments/{id}/advice/1-1-1-1");
        let confirmation = format!("/api/v1/assessments/{id}/expert-confirmation");
        let stranger_expert = approved_expert(&app, "無関係 一郎").await;
        let pending = expert_signup(&app, "審査中 二郎").await;
        let other = app.signup("他社").await;
        let engaged = approved_expert(&app, "契約 三郎").await;
        let engagement = engage(&app, &client, &engaged).await;
        assert_eq!(
            app.get(&path, Some(&engaged.token)).await.status(),
            StatusCode::OK
        );

        // A pending expert cannot be asked, so never reads.
        let r = app
            .post_json(
                "/api/v1/engagements",
                Some(&client.token),
                json!({ "expert_id": pending.id, "message": "" }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "expert_id").await;
        for token in [&stranger_expert.token, &pending.token, &other.token] {
            assert_eq!(
                app.get(&path, Some(token)).await.status(),
                StatusCode::NOT_FOUND
            );
            let r = app
                .put_json(&advice, token, json!({ "body": "助言" }))
                .await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            let r = app
                .post_json(&confirmation, Some(token), json!({ "statement": "ok" }))
                .await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            let r = app
                .post_json(
                    &format!("/api/v1/engagements/{engagement}/decline"),
                    Some(token),
                    json!({}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
        }

        // The client ends the engagement: the next read is refused.
        let r = TestApp::client()
            .delete(app.url(&format!("/api/v1/engagements/{engagement}")))
            .bearer_auth(&client.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            app.get(&path, Some(&engaged.token)).await.status(),
            StatusCode::NOT_FOUND
        );
        assert!(kinds(&app, &engaged.token)
            .await
            .contains(&"engagement.ended".to_string()));

        // Engaged again, then withdrawn by the operator: the engagement ends and reads stop.
        let again = engage(&app, &client, &engaged).await;
        assert_eq!(
            app.get(&path, Some(&engaged.token)).await.status(),
            StatusCode::OK
        );
        set_approved(&app, &engaged, false).await;
        assert_eq!(
            app.get(&path, Some(&engaged.token)).await.status(),
            StatusCode::NOT_FOUND
        );
        let mine = app
            .get_json("/api/v1/engagements", Some(&client.token))
            .await;
        let row = mine["as_client"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == again.as_str())
            .unwrap()
            .clone();
        assert_eq!(row["status"], "ended");
        let r = app
            .post_json(
                &confirmation,
                Some(&engaged.token),
                json!({ "statement": "ok" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_expert_advises_per_criterion_the_client_reads_it_and_the_answers_stay_the_clients() {
    for app in TestApp::all().await {
        let client = app.signup("みどり工業").await;
        let id = app.create_assessment(&client.token, 3).await;
        let c = app.criteria(3)[0].clone();
        app.answer(&client.token, &id, &c, json!({ "status": "partial" }))
            .await;
        let expert = approved_expert(&app, "助言 四郎").await;
        engage(&app, &client, &expert).await;
        let r = app
            .put_json(
                &format!("/api/v1/assessments/{id}/advice/{c}"),
                &expert.token,
                json!({ "body": "規程の改訂日を証跡に残してください。" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = app
            .put_json(
                &format!("/api/v1/assessments/{id}/advice/9-9-9-9"),
                &expert.token,
                json!({ "body": "x" }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "criterion_id").await;
        let v = app
            .get_json(
                &format!("/api/v1/assessments/{id}/advice"),
                Some(&client.token),
            )
            .await;
        assert_eq!(v[0]["criterion_id"], c.as_str());
        assert_eq!(v[0]["expert_name"], "助言 四郎");
        assert_eq!(v[0]["body"], "規程の改訂日を証跡に残してください。");
        // The expert cannot answer for the client.
        let r = app
            .answer(&expert.token, &id, &c, json!({ "status": "implemented" }))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let v = app
            .get_json(&format!("/api/v1/assessments/{id}"), Some(&client.token))
            .await;
        assert_eq!(v["answers"][0]["status"], "partial");
    }
}

#[tokio::test]
async fn a_level_3_declaration_needs_an_expert_confirmation_of_the_current_answers_and_the_credential_names_the_expert(
) {
    for app in TestApp::all().await {
        let client = app.signup("ひかり製作所").await;
        let id = app.create_assessment(&client.token, 3).await;
        answer_all(&app, &client, &id).await;
        // No confirmation: refused, naming what is missing.
        let r = declare(&app, &client, &id).await;
        let v = assert_problem(r, StatusCode::CONFLICT, "expert_confirmation").await;
        assert!(v["detail"].as_str().unwrap().contains("expert"), "{v}");

        let expert = approved_expert(&app, "確認 五郎").await;
        engage(&app, &client, &expert).await;
        let first = confirm(&app, &expert, &id).await;
        assert_eq!(first["expert_id"], expert.id.as_str());
        assert_eq!(first["answers_digest"].as_str().unwrap().len(), 64);
        assert!(kinds(&app, &client.token)
            .await
            .contains(&"expert.confirmed".to_string()));

        // A changed answer needs a new confirmation.
        let c = app.criteria(3)[5].clone();
        app.answer(
            &client.token,
            &id,
            &c,
            json!({ "status": "implemented", "comment": "更新しました" }),
        )
        .await;
        let r = declare(&app, &client, &id).await;
        assert_problem(r, StatusCode::CONFLICT, "expert_confirmation").await;
        let second = confirm(&app, &expert, &id).await;
        assert_ne!(second["answers_digest"], first["answers_digest"]);

        let r = declare(&app, &client, &id).await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = app
            .get_json(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&client.token),
            )
            .await;
        let vc = v["credential"].clone();
        let e = &vc["credentialSubject"]["expertConfirmation"];
        assert_eq!(e["name"], "確認 五郎");
        assert_eq!(e["qualification"], "riss");
        assert_eq!(e["qualificationNumber"], "012345");
        let confirmed =
            chrono::DateTime::parse_from_rfc3339(e["confirmedAt"].as_str().unwrap()).unwrap();
        let recorded =
            chrono::DateTime::parse_from_rfc3339(second["confirmed_at"].as_str().unwrap()).unwrap();
        assert!((confirmed - recorded).num_seconds().abs() < 1);

        let r = TestApp::client()
            .post(app.url("/api/v1/verify"))
            .body(vc.to_string())
            .send()
            .await
            .unwrap();
        let result: Value = r.json().await.unwrap();
        assert_eq!(result["valid"], true, "{result}");
        for (field, value) in [
            ("name", json!("別人 六郎")),
            ("qualificationNumber", json!("999999")),
            ("confirmedAt", json!("2020-01-01T00:00:00Z")),
        ] {
            let mut tampered = vc.clone();
            tampered["credentialSubject"]["expertConfirmation"][field] = value;
            let r = TestApp::client()
                .post(app.url("/api/v1/verify"))
                .body(tampered.to_string())
                .send()
                .await
                .unwrap();
            let result: Value = r.json().await.unwrap();
            assert_eq!(result["valid"], false, "tampered {field}");
        }
        // A withdrawn expert's earlier confirmation keeps its date on the credential.
        set_approved(&app, &expert, false).await;
        let again: Value = app
            .get_json(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&client.token),
            )
            .await;
        assert_eq!(
            again["credential"]["credentialSubject"]["expertConfirmation"]["confirmedAt"],
            e["confirmedAt"]
        );
    }
}

#[tokio::test]
async fn the_expert_workspace_puts_clients_waiting_for_confirmation_first() {
    for app in TestApp::all().await {
        let expert = approved_expert(&app, "多忙 七郎").await;
        let ready = app.signup("あおば工業").await;
        let ready_id = app.create_assessment(&ready.token, 3).await;
        answer_all(&app, &ready, &ready_id).await;
        let busy = app.signup("いろは商事").await;
        let busy_id = app.create_assessment(&busy.token, 3).await;
        app.answer(
            &busy.token,
            &busy_id,
            &app.criteria(3)[0],
            json!({ "status": "implemented" }),
        )
        .await;
        let idle = app.signup("うみ物流").await;
        for c in [&idle, &busy, &ready] {
            engage(&app, c, &expert).await;
        }
        let v = app
            .get_json("/api/v1/experts/me/clients", Some(&expert.token))
            .await;
        let order: Vec<(&str, &str)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["client_name"].as_str().unwrap(),
                    c["attention"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            order,
            vec![
                ("あおば工業", "confirmation_needed"),
                ("いろは商事", "in_progress"),
                ("うみ物流", "not_started"),
            ]
        );
        assert_eq!(v[1]["met"], 1);
        assert_eq!(v[1]["gaps"], 80);
        // Someone who is not an expert has no workspace.
        let r = app
            .get("/api/v1/experts/me/clients", Some(&idle.token))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_pages_show_the_directory_the_workspace_the_advice_and_the_confirming_expert_in_both_languages(
) {
    use crate::pages::{select, Browser};
    for app in TestApp::all().await {
        let client = app.signup("ひかり製作所").await;
        let id = app.create_assessment(&client.token, 3).await;
        answer_all(&app, &client, &id).await;
        let expert = approved_expert(&app, "画面 八郎").await;

        // The public directory lists the expert, in Japanese and in English.
        let anon = Browser::new(&app);
        let (status, html) = anon.get("/experts?prefecture=13").await;
        assert_eq!(status, StatusCode::OK);
        assert!(select(&html, "#experts .expert-name").contains(&"画面 八郎".to_string()));
        assert!(select(&html, "#experts td")
            .iter()
            .any(|c| c == "情報処理安全確保支援士"));
        let (_, html) = anon.get("/lang/en?back=/experts").await;
        let _ = html;
        let (_, html) = anon.get("/experts?prefecture=13").await;
        assert_eq!(select(&html, "h1"), ["Find a security expert"]);
        let (status, _) = anon.get("/experts?prefecture=Atlantis").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // The client's owner asks from the directory page.
        let cb = Browser::new(&app);
        cb.login(&client.email, "a long enough password").await;
        let csrf = cb.csrf().await;
        let r = cb
            .post(
                "/experts/requests",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("expert_id", expert.id.as_str()),
                    ("message", "お願いします"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = cb.get("/engagements").await;
        assert_eq!(select(&html, "#my-engagements td")[0], "画面 八郎");

        // The expert accepts on the engagements page and sees the client waiting first.
        let eb = Browser::new(&app);
        eb.login(&expert.email, "a long enough password").await;
        let ecsrf = eb.csrf().await;
        let (_, html) = eb.get("/engagements").await;
        let action = crate::pages::attr(&html, "#engagement-requests form", "action").unwrap();
        let r = eb.post(&action, &[("csrf_token", ecsrf.as_str())]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = eb.get("/engagements").await;
        assert_eq!(
            select(&html, "#expert-clients .client-name"),
            ["ひかり製作所"]
        );
        assert_eq!(
            select(&html, "#expert-clients .attention"),
            ["確認待ち（★3の基準をすべて満たしました）"]
        );
        // Advice through the form; the client sees it on the criterion page.
        let c = app.criteria(3)[0].clone();
        let r = eb
            .post(
                &format!("/engagements/assessments/{id}/advice"),
                &[
                    ("csrf_token", ecsrf.as_str()),
                    ("criterion_id", c.as_str()),
                    ("body", "規程に改訂日を入れましょう"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = cb.get(&format!("/assessments/{id}/criteria/{c}")).await;
        assert_eq!(
            select(&html, "#expert-advice blockquote p"),
            ["規程に改訂日を入れましょう"]
        );
        // Without a CSRF token the confirmation form is refused.
        let r = eb
            .post(
                &format!("/engagements/assessments/{id}/confirmation"),
                &[("statement", "確認しました")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = eb
            .post(
                &format!("/engagements/assessments/{id}/confirmation"),
                &[
                    ("csrf_token", ecsrf.as_str()),
                    ("statement", "確認しました"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = eb.get("/engagements").await;
        assert_eq!(select(&html, "#expert-clients .attention"), ["対応不要"]);

        // The client declares; the certificate and the register name the expert.
        let r = declare(&app, &client, &id).await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = app
            .get_json(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&client.token),
            )
            .await;
        let cred = v["id"].as_str().unwrap();
        let (_, html) = anon.get(&format!("/credentials/{cred}/certificate")).await;
        let line = select(&html, "#expert-confirmation");
        assert_eq!(line.len(), 1);
        assert!(
            line[0].starts_with(
                "画面 八郎 (Registered Information Security Specialist (RISS) 012345)"
            ),
            "{line:?}"
        );
        let number = app
            .state
            .store()
            .organization(&client.id)
            .await
            .unwrap()
            .corporate_number;
        let (_, html) = anon
            .get(&format!("/register?corporate_number={number}"))
            .await;
        assert!(select(&html, "td.expert")[0].starts_with("画面 八郎"));
        let reg = app
            .get_json(&format!("/api/v1/register?corporate_number={number}"), None)
            .await;
        assert_eq!(reg[0]["expert_confirmation"]["name"], "画面 八郎");
    }
}

#[tokio::test]
async fn an_expert_signs_up_through_the_form_and_bad_fields_are_named_on_the_page() {
    use crate::pages::{select, Browser};
    for app in TestApp::all().await {
        let b = Browser::new(&app);
        let (status, html) = b.get("/experts/signup").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(select(&html, "h1"), ["専門家として登録"]);
        let email = format!("form{}@riss.example.jp", unique());
        let r = b
            .post(
                "/experts/signup",
                &[
                    ("name", "様式 九郎"),
                    ("email", email.as_str()),
                    ("password", "a long enough password"),
                    ("qualification_kind", "riss"),
                    ("qualification_number", "000123"),
                    ("prefectures", "13, Atlantis"),
                    ("industries", "E"),
                    ("languages", "ja"),
                    ("accepting", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(select(&html, "#f-prefectures[aria-invalid=true]").len(), 1);
        let r = b
            .post(
                "/experts/signup",
                &[
                    ("name", "様式 九郎"),
                    ("email", email.as_str()),
                    ("password", "a long enough password"),
                    ("qualification_kind", "riss"),
                    ("qualification_number", "000123"),
                    ("prefectures", "13, 神奈川県"),
                    ("industries", "E, G"),
                    ("languages", "ja, en"),
                    ("accepting", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/experts/signup?done=1");
        let (_, html) = b.get("/experts/signup?done=1").await;
        assert_eq!(select(&html, "#signed-up").len(), 1);
        let expert = app
            .state
            .store()
            .expert_by_email(&email)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(expert.prefectures, r#"["13","14"]"#);
        assert_eq!(expert.status.as_str(), "pending");
    }
}

#[tokio::test]
async fn the_demo_expert_advises_three_clients_and_confirmed_the_declared_ones() {
    for app in TestApp::all().await {
        shirube_app::demo::seed(&app.state).await.unwrap();
        let password = shirube_app::demo::DEMO_PASSWORD;
        let expert = app.token("expert@anzen-shien.example", password).await;
        let v = app
            .get_json("/api/v1/experts/me/clients", Some(&expert))
            .await;
        let mut names: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["client_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names.remove(0),
            "株式会社みなと精工",
            "the one still answering comes first"
        );
        // The buyer joined through the industry group's shared adviser (no assessment yet).
        assert_eq!(names.remove(0), "大和自動車部品株式会社");
        names.sort_unstable();
        assert_eq!(names, ["さくら電子工業株式会社", "有限会社北浜鋳造"]);
        let dir = app.get_json("/api/v1/experts?prefecture=23", None).await;
        assert_eq!(dir[0]["name"], "安全 誠");
        assert_eq!(dir[0]["clients"], 4);
        let sakura = app.token("owner@sakura-denshi.example", password).await;
        let list = app.get_json("/api/v1/assessments", Some(&sakura)).await;
        let id = list[0]["id"].as_str().unwrap();
        let c = app
            .get_json(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&sakura),
            )
            .await;
        assert_eq!(
            c["credential"]["credentialSubject"]["expertConfirmation"]["name"],
            "安全 誠"
        );
    }
}

#[tokio::test]
async fn an_engaged_expert_downloads_the_clients_evidence_and_a_stranger_expert_gets_404() {
    for app in TestApp::all().await {
        let client = app.signup("証跡工業").await;
        let id = app.create_assessment(&client.token, 3).await;
        let c = app.criteria(3)[0].clone();
        let form = reqwest::multipart::Form::new()
            .text("criterion_id", c.clone())
            .text("evidence_date", "2026-11-01")
            .part(
                "file",
                reqwest::multipart::Part::bytes(b"policy v2".to_vec()).file_name("policy.txt"),
            );
        let r = TestApp::client()
            .post(app.url(&format!("/api/v1/assessments/{id}/evidence")))
            .bearer_auth(&client.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        let evidence = v["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/evidence/{evidence}");
        let engaged = approved_expert(&app, "証跡 見る").await;
        let stranger = approved_expert(&app, "無縁 見ない").await;
        engage(&app, &client, &engaged).await;
        let r = app.get(&path, Some(&engaged.token)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"policy v2");
        assert_eq!(
            app.get(&path, Some(&stranger.token)).await.status(),
            StatusCode::NOT_FOUND
        );
        let reads = app
            .get_json("/api/v1/expert-reads", Some(&client.token))
            .await;
        assert_eq!(reads[0]["detail"]["what"], "evidence");
        assert_eq!(reads[0]["subject"], evidence.as_str());
        // A member who is not an owner does not see the log.
        let member = app.member(&client, "member").await;
        assert_eq!(
            app.get("/api/v1/expert-reads", Some(&member))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
    }
}
