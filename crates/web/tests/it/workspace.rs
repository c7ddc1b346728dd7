//! Each organisation sees its own work first: the header shows only the roles it plays, the
//! dashboard leads with each role's next step; the verify page, error pages, downloads and
//! compression as a person meets them.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::pages::{attr, select, Browser};
use crate::support::{Org, TestApp};

const PASSWORD: &str = "a long enough password";

async fn signed_in(app: &TestApp, org: &Org) -> Browser {
    let b = Browser::new(app);
    b.login(&org.email, PASSWORD).await;
    b
}

/// The work links of the header, by their paths.
async fn work_links(b: &Browser) -> Vec<String> {
    let (status, html) = b.get("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("header nav.work a").unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

use crate::support::number;

async fn ask(app: &TestApp, buyer: &Org, supplier: &Org, due: &str) {
    let r = app
        .post_json(
            "/api/v1/suppliers",
            Some(&buyer.token),
            json!({ "corporate_number": number(app, supplier).await, "due_date": due,
                    "decision": { "confidential_info": false, "business_interruption": false, "network_access": false } }),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
}

#[tokio::test]
async fn the_header_shows_only_the_work_of_the_roles_an_organisation_plays() {
    for app in TestApp::all().await {
        // A new organisation is offered both ways in.
        let fresh = app.signup("新しい会社").await;
        let links = work_links(&signed_in(&app, &fresh).await).await;
        for l in ["/dashboard", "/assessments", "/suppliers", "/inbox"] {
            assert!(links.contains(&l.to_string()), "{l} in {links:?}");
        }
        assert!(!links.contains(&"/evaluations".to_string()));
        assert!(
            !links.contains(&"/requests".to_string()),
            "nobody asked it yet"
        );

        // A buyer that has not assessed itself: its suppliers, no self-assessment.
        let buyer = app.signup("大和自動車部品").await;
        let supplier = app.signup("みなと精工").await;
        ask(&app, &buyer, &supplier, "2099-03-31").await;
        let links = work_links(&signed_in(&app, &buyer).await).await;
        assert!(links.contains(&"/suppliers".to_string()), "{links:?}");
        assert!(!links.contains(&"/assessments".to_string()), "{links:?}");
        assert!(!links.contains(&"/checks".to_string()), "{links:?}");

        // The supplier that was asked: its own level and its customers' requests.
        let links = work_links(&signed_in(&app, &supplier).await).await;
        assert!(links.contains(&"/assessments".to_string()), "{links:?}");
        assert!(links.contains(&"/requests".to_string()), "{links:?}");
        assert!(!links.contains(&"/suppliers".to_string()), "{links:?}");

        // A mid-tier firm asked by a customer and asking its own supplier: both.
        let tier2 = app.signup("北浜鋳造").await;
        ask(&app, &supplier, &tier2, "2099-03-31").await;
        let links = work_links(&signed_in(&app, &supplier).await).await;
        for l in ["/assessments", "/requests", "/suppliers"] {
            assert!(links.contains(&l.to_string()), "{l} in {links:?}");
        }

        // An evaluation body sees its queue, not a supplier's work.
        let body = app.signup("評価センター").await;
        app.state
            .store()
            .set_evaluation_body(&body.id, true)
            .await
            .unwrap();
        let b = signed_in(&app, &body).await;
        let links = work_links(&b).await;
        assert!(links.contains(&"/evaluations".to_string()), "{links:?}");
        assert!(!links.contains(&"/assessments".to_string()), "{links:?}");
        let (_, html) = b.get("/dashboard").await;
        assert_eq!(
            select(&html, "#dashboard-body h2"),
            ["評価の受付（評価機関）"]
        );
        assert!(select(&html, "#dashboard-supplier").is_empty());
        assert!(
            !html.contains("自己評価を始めましょう"),
            "an evaluation body is not greeted as a supplier"
        );

        // Settings and account live in their own menus, on every page.
        let (_, html) = b.get("/catalog").await;
        assert_eq!(
            select(&html, "header details.menu summary"),
            ["組織の設定", "アカウント"]
        );
        assert_eq!(
            select(&html, "header details.menu a[href='/tokens']").len(),
            1
        );
    }
}

#[tokio::test]
async fn a_buyers_dashboard_shows_its_chain_at_a_glance_with_what_is_due_soon() {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let soon = app.state.clock.today_japan() + chrono::Duration::days(10);
        let soon = soon.format("%Y-%m-%d").to_string();
        let a = app.signup("みなと精工").await;
        let c = app.signup("さくら電子").await;
        ask(&app, &buyer, &a, &soon).await;
        ask(&app, &buyer, &c, "2099-03-31").await;
        let b = signed_in(&app, &buyer).await;
        let (_, html) = b.get("/dashboard").await;
        assert_eq!(
            select(&html, "#dashboard-buyer h2"),
            ["発注者として（自社の取引先）"]
        );
        assert!(html.contains("直接の取引先 2 社の状況です。"), "{html}");
        let due = select(&html, "#dashboard-buyer ul.glance li");
        assert_eq!(due.len(), 1, "{due:?}");
        assert!(
            due[0].contains("みなと精工") && due[0].contains("あと 10 日"),
            "{due:?}"
        );
        // Each count leads to the portfolio filtered by that status.
        assert!(!select(
            &html,
            "#dashboard-buyer ul.counts a[href^='/suppliers?status=']"
        )
        .is_empty());
    }
}

#[tokio::test]
async fn the_verify_page_explains_text_that_is_not_json_in_the_pages_language() {
    let app = TestApp::sqlite().await;
    let b = Browser::new(&app);
    let form = reqwest::multipart::Form::new().text("credential", "これは資格情報ではありません");
    let r = TestApp::client()
        .post(app.url("/verify"))
        .header("origin", &app.base)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    let msg = select(&html, "#f-credential-err").join(" ");
    assert!(msg.contains("1行目の1文字目"), "{msg}");
    assert!(
        msg.contains("ダウンロード"),
        "says what to paste instead: {msg}"
    );
    assert!(
        !html.contains("expected value"),
        "no parser English on the page"
    );
    assert_eq!(
        attr(&html, "#f-credential", "aria-describedby").as_deref(),
        Some("f-credential-err")
    );
    drop(b);
}

#[tokio::test]
async fn a_credential_whose_signature_fails_shows_its_level_only_as_claimed_and_its_checks_in_japanese(
) {
    for app in TestApp::all().await {
        let org = app.signup("さくら電子").await;
        let id = app.create_assessment(&org.token, 3).await;
        for c in app.criteria(3) {
            app.answer(&org.token, &id, &c, json!({ "status": "implemented" }))
                .await;
        }
        crate::experts::expert_confirms(&app, &org, &id).await;
        let r = app
            .post_json(
                &format!("/api/v1/assessments/{id}/declaration"),
                Some(&org.token),
                json!({ "signer_name": "S", "signer_title": "CEO" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = app
            .get_json(
                &format!("/api/v1/assessments/{id}/credential"),
                Some(&org.token),
            )
            .await;
        let mut vc = v["credential"].clone();
        vc["credentialSubject"]["level"] = json!(4);
        let form = reqwest::multipart::Form::new().text("credential", vc.to_string());
        let html = TestApp::client()
            .post(app.url("/verify"))
            .header("origin", &app.base)
            .multipart(form)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(select(&html, ".verdict h2")[0].starts_with('✗'));
        assert_eq!(select(&html, "h3.claimed").len(), 1, "{html}");
        assert!(html.contains("★4（主張のみ・未確認）"), "{html}");
        let checks = select(&html, ".verdict details li");
        assert!(checks.iter().any(|c| c == "署名: 不合格"), "{checks:?}");
        assert!(
            !html.contains("signature:") && !html.contains("failed"),
            "{checks:?}"
        );

        // The certificate's download link saves a file instead of opening JSON in the tab.
        let cred_id = v["id"].as_str().unwrap();
        let r = app.get(&format!("/credentials/{cred_id}"), None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let cd = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cd.starts_with("attachment;") && cd.contains(".json"),
            "{cd}"
        );
    }
}

#[tokio::test]
async fn an_error_page_keeps_the_header_says_what_to_do_and_links_back() {
    let app = TestApp::sqlite().await;
    let org = app.signup("みなと精工").await;
    let b = signed_in(&app, &org).await;
    let r = b
        .get_from(
            "/assessments/00000000-0000-7000-8000-000000000000",
            &app.url("/assessments"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert_eq!(
        select(&html, "header details.menu summary").len(),
        2,
        "the header stays"
    );
    assert_eq!(
        attr(&html, "main a.button", "href").as_deref(),
        Some("/assessments")
    );
    assert!(
        html.contains("アドレスが正しいか確かめてください"),
        "{html}"
    );
    // A link back never leads off the site.
    let r = TestApp::client()
        .get(app.url("/no-such-page"))
        .header("referer", "https://evil.example/phish")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(!html.contains("evil.example"));
}

#[tokio::test]
async fn pages_and_json_are_compressed_for_clients_that_accept_it() {
    let app = TestApp::sqlite().await;
    for path in ["/catalog", "/static/app.css", "/api/v1/catalog"] {
        let r = TestApp::client()
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(
            r.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            Some("gzip"),
            "{path}"
        );
    }
    let r = TestApp::client()
        .get(app.url("/catalog"))
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn field_errors_name_the_limit_in_both_languages() {
    let app = TestApp::sqlite().await;
    let body = json!({
        "organization": { "name": "あ".repeat(201), "corporate_number": crate::support::corporate_number(4242), "industry": "E", "employees": 30, "prefecture": "23" },
        "user": { "email": "x@example.jp", "password": "a long enough password", "name": "Owner" }
    });
    let r = app.post_json("/api/v1/signup", None, body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    let e = &v["errors"][0];
    assert_eq!(e["field"], "organization.name");
    assert_eq!(e["label_ja"], "組織名");
    assert_eq!(e["label"], "Organisation name");
    assert!(
        e["message_ja"].as_str().unwrap().contains("200文字以内"),
        "{e}"
    );
    assert!(
        e["message"].as_str().unwrap().contains("200 characters"),
        "{e}"
    );
}

#[tokio::test]
async fn a_new_api_token_is_made_once_shown_once_and_a_reload_makes_no_second_one() {
    for app in TestApp::all().await {
        let org = app.signup("みなと精工").await;
        let b = signed_in(&app, &org).await;
        let csrf = b.csrf().await;
        let r = b
            .post(
                "/tokens",
                &[("name", "会計システム"), ("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/tokens");
        let (_, html) = b.get("/tokens").await;
        let token = select(&html, "#new-token")
            .pop()
            .expect("the new token is shown");
        assert!(token.len() > 20);
        let (_, again) = b.get("/tokens").await;
        assert!(select(&again, "#new-token").is_empty(), "shown only once");
        let names = select(&again, "table tbody td:first-child");
        assert_eq!(
            names.iter().filter(|n| *n == "会計システム").count(),
            1,
            "reloading made no second token: {names:?}"
        );
        // The token works.
        let r = app.get("/api/v1/assessments", Some(&token)).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn bad_input_on_the_members_and_tokens_forms_names_the_field_in_both_languages_and_keeps_what_was_typed(
) {
    let app = TestApp::sqlite().await;
    let org = app.signup("みなと精工").await;
    let b = signed_in(&app, &org).await;
    for (lang, email_words, required) in [
        ("ja", "メールアドレス", "入力してください"),
        ("en", "E-mail address", "Please fill this in"),
    ] {
        let (_, _) = b.get(&format!("/lang/{lang}")).await;
        let csrf = b.csrf().await;
        let r = b
            .post(
                "/members",
                &[
                    ("email", "hanako-at-example"),
                    ("role", "member"),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(
            attr(&html, "#f-email", "value").as_deref(),
            Some("hanako-at-example")
        );
        assert_eq!(
            attr(&html, "#f-email", "aria-describedby").as_deref(),
            Some("f-email-err")
        );
        assert_eq!(
            select(&html, "#form-errors a[href='#f-email']"),
            [email_words]
        );

        let r = b
            .post("/tokens", &[("name", "  "), ("csrf_token", &csrf)])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(select(&html, "#f-name-err")[0].contains(required), "{lang}");
    }
    let members = shirube_app::accounts::members(
        &app.state,
        &shirube_web::auth::resolve(&crate::support::bearer_headers(&org.token), &app.state)
            .await
            .unwrap()
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(members.users.len(), 1, "nothing was added");
    assert!(members.invitations.is_empty());
}

#[tokio::test]
async fn sign_up_takes_an_optional_capital_as_people_type_it_and_names_the_field_when_it_is_not_a_number(
) {
    for app in TestApp::all().await {
        let b = Browser::new(&app);
        let number = crate::support::corporate_number(5151);
        let form = |capital: &'static str| {
            vec![
                ("org_name", "みなと精工"),
                ("industry", "E"),
                ("employees", "400"),
                ("capital_yen", capital),
                ("prefecture", "23"),
                ("user_name", "港 太郎"),
                ("email", "taro@minato-capital.example"),
                ("password", "minato-seiko-2026"),
            ]
        };
        let mut bad = form("1千万");
        bad.push(("corporate_number", &number));
        let r = b.post("/signup", &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(
            select(&html, "#form-errors a[href='#f-organization-capital-yen']"),
            ["資本金（円）"]
        );
        assert!(select(&html, "#f-organization-capital-yen-err")[0].contains("空欄"));
        assert_eq!(
            attr(&html, "#f-organization-capital-yen", "value").as_deref(),
            Some("1千万")
        );
        assert_eq!(app.state.store().count_organizations().await.unwrap(), 0);

        let mut good = form("300,000,000円");
        good.push(("corporate_number", &number));
        let r = b.post("/signup", &good).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let org = app
            .state
            .store()
            .organization_by_corporate_number(&number)
            .await
            .unwrap();
        assert_eq!(org.map(|o| o.capital_yen), Some(Some(300_000_000)));
    }
}
