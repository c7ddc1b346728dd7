//! The pages as a browser without JavaScript uses them: forms, cookies, CSRF, languages,
//! and the same isolation rules as the API. Asserted through HTML selectors.

use reqwest::{Client, StatusCode};
use scraper::{Html, Selector};
use serde_json::json;

use crate::support::{corporate_number, TestApp};

pub(crate) fn select(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

pub(crate) fn attr(html: &str, css: &str, name: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(name).map(str::to_string))
}

pub(crate) struct Browser {
    client: Client,
    base: String,
}

impl Browser {
    pub(crate) fn new(app: &TestApp) -> Self {
        Browser {
            client: TestApp::client(),
            base: app.base.clone(),
        }
    }
    pub(crate) async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
    /// A GET as a browser makes it after following a link from `referer`.
    pub(crate) async fn get_from(&self, path: &str, referer: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("referer", referer)
            .send()
            .await
            .unwrap()
    }
    pub(crate) async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }
    pub(crate) async fn login(&self, email: &str, password: &str) {
        let r = self
            .post("/login", &[("email", email), ("password", password)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login failed");
    }
    pub(crate) async fn csrf(&self) -> String {
        let (_, html) = self.get("/dashboard").await;
        attr(
            &html,
            "form[action='/logout'] input[name=csrf_token]",
            "value",
        )
        .expect("csrf token on the page")
    }
}

#[tokio::test]
async fn signing_up_through_the_form_lands_on_the_dashboard_in_japanese() {
    for app in TestApp::all().await {
        let b = Browser::new(&app);
        let (status, html) = b.get("/signup").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(attr(&html, "html", "lang").as_deref(), Some("ja"));
        for id in [
            "f-organization-name",
            "f-organization-corporate-number",
            "f-organization-industry",
            "f-organization-employees",
            "f-organization-prefecture",
            "f-user-name",
            "f-user-email",
            "f-user-password",
        ] {
            assert_eq!(
                select(&html, &format!("label[for={id}]")).len(),
                1,
                "input {id} has a label"
            );
        }
        let number = corporate_number(777);
        let r = b
            .post(
                "/signup",
                &[
                    ("org_name", "みなと精工"),
                    ("corporate_number", &number),
                    ("industry", "E"),
                    ("employees", "30"),
                    ("prefecture", "23"),
                    ("user_name", "港 太郎"),
                    ("email", "taro@minato.example"),
                    ("password", "minato-seiko-2026"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/dashboard");
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let (_, html) = b.get("/dashboard").await;
        assert_eq!(select(&html, "h1"), ["現在の状況"]);
        assert!(html.contains("みなと精工"));
    }
}

#[tokio::test]
async fn a_form_with_errors_comes_back_with_messages_next_to_the_fields_and_keeps_the_input() {
    let app = TestApp::sqlite().await;
    let b = Browser::new(&app);
    let r = b
        .post(
            "/signup",
            &[
                ("org_name", "みなと精工"),
                ("corporate_number", "1234567890123"),
                ("industry", "E"),
                ("employees", "30"),
                ("prefecture", "23"),
                ("user_name", "港"),
                ("email", "bad"),
                ("password", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_eq!(
        attr(&html, "#f-organization-corporate-number", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&html, "#f-organization-name", "value").as_deref(),
        Some("みなと精工")
    );
    // Every field with an error is tied to its message for screen readers, and the summary
    // names each field in words and links to it.
    for (input, field_words) in [
        ("f-organization-corporate-number", "法人番号"),
        ("f-user-email", "メールアドレス"),
        ("f-user-password", "パスワード"),
    ] {
        let described = attr(&html, &format!("#{input}"), "aria-describedby").unwrap();
        assert!(
            described.contains(&format!("{input}-err")),
            "{input}: {described}"
        );
        assert_eq!(select(&html, &format!("#{input}-err")).len(), 1, "{input}");
        assert!(
            select(&html, &format!("#form-errors a[href='#{input}']"))
                .iter()
                .any(|t| t == field_words),
            "the summary names {field_words}"
        );
    }
    assert!(select(&html, ".field-error")
        .iter()
        .any(|m| m.contains("チェックデジット")));
    assert_eq!(app.state.store().count_organizations().await.unwrap(), 0);
}

#[tokio::test]
async fn the_english_switch_translates_the_pages() {
    let app = TestApp::sqlite().await;
    let org = app.signup("Lang").await;
    let b = Browser::new(&app);
    b.login(&org.email, "a long enough password").await;
    let r = b
        .client
        .get(format!("{}/lang/en?back=/dashboard", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/dashboard");
    let (_, html) = b.get("/dashboard").await;
    assert_eq!(attr(&html, "html", "lang").as_deref(), Some("en"));
    assert_eq!(select(&html, "h1"), ["Where you stand"]);
    let r = b
        .client
        .get(format!("{}/lang/ja?back=//evil.example", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/", "no open redirect");
}

#[tokio::test]
async fn answering_through_the_pages_needs_the_csrf_token_and_a_same_origin_request() {
    for app in TestApp::all().await {
        let org = app.signup("Csrf").await;
        let id = app.create_assessment(&org.token, 3).await;
        let b = Browser::new(&app);
        b.login(&org.email, "a long enough password").await;
        let csrf = b.csrf().await;
        let path = format!("/assessments/{id}/criteria/1-2-1-1");
        let r = b
            .post(&path, &[("status", "implemented"), ("go", "stay")])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "no token");
        let r = b
            .post(
                &path,
                &[
                    ("status", "implemented"),
                    ("go", "stay"),
                    ("csrf_token", "forged"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "wrong token");
        let r = b
            .client
            .post(format!("{}{path}", b.base))
            .header("origin", "https://evil.example")
            .form(&[("status", "implemented"), ("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "cross-site origin");
        let r = b
            .post(
                &path,
                &[
                    ("status", "implemented"),
                    ("go", "next"),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .ends_with("/criteria/1-2-1-2"),
            "save and go to the next criterion"
        );
        let r = b
            .post(
                &path,
                &[
                    ("status", "not_applicable"),
                    ("go", "stay"),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(
            attr(&html, "#f-not-applicable-reason", "aria-invalid").as_deref(),
            Some("true")
        );
        let v: serde_json::Value = app
            .get_json(&format!("/api/v1/assessments/{id}"), Some(&org.token))
            .await;
        assert_eq!(
            v["answers"][0]["status"], "implemented",
            "the refused N/A did not overwrite the answer"
        );
    }
}

#[tokio::test]
async fn no_page_shows_or_changes_another_organisations_assessment() {
    for app in TestApp::all().await {
        let victim = app.signup("Victim").await;
        let id = app.create_assessment(&victim.token, 3).await;
        app.answer(
            &victim.token,
            &id,
            "1-2-1-1",
            json!({ "status": "implemented", "comment": "victim secret" }),
        )
        .await;
        let attacker = app.signup("Attacker").await;
        let b = Browser::new(&app);
        b.login(&attacker.email, "a long enough password").await;
        let csrf = b.csrf().await;
        for path in [
            format!("/assessments/{id}"),
            format!("/assessments/{id}/criteria/1-2-1-1"),
            format!("/assessments/{id}/result"),
            format!("/assessments/{id}/report"),
            format!("/assessments/{id}/declaration"),
        ] {
            let (status, html) = b.get(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(!html.contains("victim secret"));
        }
        let victim_user = app.state.store().members(&victim.id).await.unwrap()[0]
            .id
            .clone();
        for (path, form) in [
            (
                format!("/assessments/{id}/criteria/1-2-1-1"),
                vec![("status", "not_implemented"), ("csrf_token", csrf.as_str())],
            ),
            (
                format!("/assessments/{id}/declaration"),
                vec![
                    ("signer_name", "x"),
                    ("signer_title", "y"),
                    ("confirm", "yes"),
                    ("csrf_token", csrf.as_str()),
                ],
            ),
            (
                format!("/members/{victim_user}/role"),
                vec![("role", "viewer"), ("csrf_token", csrf.as_str())],
            ),
        ] {
            let r = b.post(&path, &form).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let v: serde_json::Value = app
            .get_json(&format!("/api/v1/assessments/{id}"), Some(&victim.token))
            .await;
        assert_eq!(v["answers"][0]["status"], "implemented");
        assert_eq!(
            app.state.store().members(&victim.id).await.unwrap()[0].role,
            shirube_store::Role::Owner
        );
        let (status, _) = Browser::new(&app).get(&format!("/assessments/{id}")).await;
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "strangers are sent to sign in"
        );
    }
}

#[tokio::test]
async fn viewers_cannot_answer_and_members_cannot_manage_members_through_the_pages() {
    let app = TestApp::sqlite().await;
    let org = app.signup("Roles").await;
    let id = app.create_assessment(&org.token, 3).await;
    let _ = app.member(&org, "viewer").await;
    let viewer_email = app
        .state
        .store()
        .members(&org.id)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == shirube_store::Role::Viewer)
        .unwrap()
        .email;
    let b = Browser::new(&app);
    b.login(&viewer_email, "another long password").await;
    let csrf = b.csrf().await;
    let (_, html) = b.get(&format!("/assessments/{id}/criteria/1-2-1-1")).await;
    assert!(
        select(&html, "form[action$='/criteria/1-2-1-1']").is_empty(),
        "no answer form for viewers"
    );
    assert!(
        select(&html, "main strong").iter().any(|t| t == "未回答"),
        "the status is shown in words"
    );
    let r = b
        .post(
            &format!("/assessments/{id}/criteria/1-2-1-1"),
            &[("status", "implemented"), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .post(
            "/members",
            &[
                ("email", "x@example.jp"),
                ("role", "owner"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .post(
            "/security/require-totp",
            &[("required", "on"), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_owner_invites_a_member_who_joins_with_the_one_time_link() {
    let app = TestApp::sqlite().await;
    let org = app.signup("Invite").await;
    let b = Browser::new(&app);
    b.login(&org.email, "a long enough password").await;
    let csrf = b.csrf().await;
    let r = b
        .post(
            "/members",
            &[
                ("email", "hanako@example.jp"),
                ("role", "member"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    // Redirected after the POST, so a reload never makes a second invitation; the link is
    // shown once.
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/members");
    let (_, html) = b.get("/members").await;
    let link = select(&html, "#invite-link").pop().unwrap();
    let (_, again) = b.get("/members").await;
    assert!(
        select(&again, "#invite-link").is_empty(),
        "the link is shown only once"
    );
    let path = link.trim_start_matches(&app.base).to_string();
    let newcomer = Browser::new(&app);
    let (status, html) = newcomer.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("hanako@example.jp"));
    let r = newcomer
        .post(
            &path,
            &[("name", "花子"), ("password", "hanako-password-1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = newcomer
        .post(
            &path,
            &[("name", "again"), ("password", "hanako-password-2")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "single use");
    newcomer
        .login("hanako@example.jp", "hanako-password-1")
        .await;
    let (_, html) = newcomer.get("/members").await;
    assert!(html.contains("花子"));
}

#[tokio::test]
async fn two_factor_sign_in_asks_for_the_code_after_the_password() {
    let app = TestApp::sqlite().await;
    let org = app.signup("Totp").await;
    let b = Browser::new(&app);
    b.login(&org.email, "a long enough password").await;
    let csrf = b.csrf().await;
    let r = b.post("/security/totp", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get("/security").await;
    let secret = select(&html, "#totp-secret").pop().unwrap();
    assert!(attr(&html, "img", "src")
        .unwrap()
        .starts_with("data:image/svg+xml"));
    let code =
        shirube_app::accounts::totp::code_at(&secret, shirube_app::Clock::system().unix_seconds())
            .unwrap();
    let r = b
        .post(
            "/security/totp/confirm",
            &[("csrf_token", &csrf), ("code", &code)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post(
            "/security/require-totp",
            &[("csrf_token", &csrf), ("required", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let fresh = Browser::new(&app);
    let r = fresh
        .post(
            "/login",
            &[
                ("email", org.email.as_str()),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/login/totp");
    let (status, _) = fresh.get("/dashboard").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "password alone is not enough"
    );
    let (_, html) = fresh.get("/login/totp").await;
    let csrf = attr(&html, "input[name=csrf_token]", "value").unwrap();
    let r = fresh
        .post(
            "/login/totp",
            &[("csrf_token", csrf.as_str()), ("code", "000000")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code =
        shirube_app::accounts::totp::code_at(&secret, shirube_app::Clock::system().unix_seconds())
            .unwrap();
    let r = fresh
        .post(
            "/login/totp",
            &[("csrf_token", csrf.as_str()), ("code", code.as_str())],
        )
        .await;
    assert_eq!(r.headers()["location"], "/dashboard");
    let (status, _) = fresh.get("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_and_unknown_api_paths_a_problem() {
    let app = TestApp::sqlite().await;
    let (status, html) = Browser::new(&app).get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(select(&html, "h1"), ["ページが見つかりません"]);
    assert!(select(&html, "form[action='/logout']").is_empty());
    let r = app.get("/api/v1/nothing", None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    // Signed in, error pages keep the signed-in header: who you are, and the way out.
    let org = app.signup("みなと精工").await;
    let b = Browser::new(&app);
    b.login(&org.email, "a long enough password").await;
    for path in ["/no/such/page", "/suppliers/not-a-relationship"] {
        let (status, html) = b.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(select(&html, "h1"), ["ページが見つかりません"], "{path}");
        assert_eq!(
            select(&html, "form[action='/logout'] button").len(),
            1,
            "{path}: signed-in header"
        );
        assert!(html.contains("みなと精工"), "{path}");
    }
}

#[tokio::test]
async fn a_buyer_adds_two_suppliers_through_the_pages_both_share_and_the_portfolio_shows_one_met() {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let a = app.signup("みなと精工").await;
        let b = app.signup("さくら電子").await;
        for org in [&a, &b] {
            let id = app.create_assessment(&org.token, 3).await;
            for c in app.criteria(3) {
                app.answer(&org.token, &id, &c, json!({ "status": "implemented" }))
                    .await;
            }
            crate::experts::expert_confirms(&app, org, &id).await;
            app.post_json(
                &format!("/api/v1/assessments/{id}/declaration"),
                Some(&org.token),
                json!({ "signer_name": "S", "signer_title": "CEO" }),
            )
            .await;
        }
        let nb = Browser::new(&app);
        nb.login(&buyer.email, "a long enough password").await;
        let csrf = nb.csrf().await;
        let num_a = app
            .state
            .store()
            .organization(&a.id)
            .await
            .unwrap()
            .corporate_number;
        let num_b = app
            .state
            .store()
            .organization(&b.id)
            .await
            .unwrap()
            .corporate_number;
        let r = nb
            .post(
                "/suppliers",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("by", "number"),
                    ("corporate_number", num_a.as_str()),
                    ("due_date", "2099-03-31"),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "no resubmission on reload"
        );
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let (_, html) = nb.get(&to).await;
        assert!(
            select(&html, "ul li")
                .iter()
                .any(|l| l.contains("いずれも「いいえ」")),
            "the reasons are shown"
        );
        let r = nb
            .post(
                "/suppliers",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("by", "number"),
                    ("corporate_number", num_b.as_str()),
                    ("network_access", "yes"),
                    ("due_date", "2099-03-31"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        for org in [&a, &b] {
            let s = Browser::new(&app);
            s.login(&org.email, "a long enough password").await;
            let (_, html) = s.get("/dashboard").await;
            let requests = select(&html, "#dashboard-requests tbody tr");
            assert!(
                requests.len() == 1 && requests[0].contains("大和自動車部品"),
                "the request is on the supplier's dashboard: {requests:?}"
            );
            let (_, html) = s.get("/requests").await;
            assert!(html.contains("大和自動車部品"));
            let assessment = attr(&html, "#f-assessment-id option", "value").unwrap();
            let csrf = s.csrf().await;
            let r = s
                .post(
                    "/shares",
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("assessment_id", assessment.as_str()),
                        ("buyer", buyer.id.as_str()),
                        ("detail", "level"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }

        let (_, html) = nb.get("/suppliers").await;
        let rows = select(&html, "#portfolio tbody tr");
        assert_eq!(rows.len(), 2);
        assert!(
            rows.iter()
                .any(|r| r.contains("みなと精工") && r.contains("達成")),
            "{rows:?}"
        );
        assert!(
            rows.iter()
                .any(|r| r.contains("さくら電子") && r.contains("取り組み中")),
            "★4 required, ★3 shared: {rows:?}"
        );
        assert_eq!(
            select(&html, "svg.chart rect").len(),
            6,
            "one bar per status"
        );
        assert!(
            html.contains("/suppliers/tiers"),
            "the portfolio links the tier view"
        );
        let (_, tiers) = nb.get("/suppliers/tiers").await;
        assert_eq!(
            select(&tiers, "#tiers tbody tr").len(),
            2,
            "direct suppliers appear as tier 1"
        );
        let (status, csv) = nb.get("/suppliers.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.contains("さくら電子"));
        // A supplier cannot open the buyer's portfolio rows.
        let s = Browser::new(&app);
        s.login(&a.email, "a long enough password").await;
        let (_, html) = s.get("/suppliers").await;
        assert!(select(&html, "#portfolio tbody tr").is_empty());
    }
}

#[tokio::test]
async fn an_industry_group_invites_through_the_page_and_sees_shared_suppliers_in_both_languages() {
    for app in TestApp::all().await {
        let g = app.signup("中部機械工業会").await;
        app.state
            .store()
            .designate_industry_group(&g.id)
            .await
            .unwrap();
        let a = app.signup("みなと精工").await;
        let b = app.signup("大和自動車部品").await;
        let c = app.signup("あおば樹脂").await;
        let s = app.signup("さくら電子").await;
        let plain = app.signup("Plain").await;
        let number = |id: shirube_app::views::OrganizationId| {
            let app = &app;
            async move {
                app.state
                    .store()
                    .organization(&id)
                    .await
                    .unwrap()
                    .corporate_number
            }
        };
        let s_number = number(s.id.clone()).await;
        for buyer in [&a, &b] {
            let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": s_number, "due_date": "2099-03-31", "decision": { "confidential_info": false, "business_interruption": false, "network_access": false } })).await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }

        let gb = Browser::new(&app);
        gb.login(&g.email, "a long enough password").await;
        let (_, html) = gb.get("/dashboard").await;
        assert_eq!(select(&html, "nav a[href='/industry']"), ["業界団体"]);
        let csrf = gb.csrf().await;
        let a_number = number(a.id.clone()).await;
        let r = gb
            .post(
                "/industry/members",
                &[("corporate_number", a_number.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
        let r = gb
            .post(
                "/industry/members",
                &[("csrf_token", csrf.as_str()), ("corporate_number", "12345")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(
            attr(&html, "#f-corporate-number", "aria-invalid").as_deref(),
            Some("true")
        );
        assert_eq!(
            attr(&html, "#f-corporate-number", "value").as_deref(),
            Some("12345")
        );
        for n in [
            a_number.clone(),
            number(b.id.clone()).await,
            number(c.id.clone()).await,
        ] {
            let r = gb
                .post(
                    "/industry/members",
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("corporate_number", n.as_str()),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }

        // Nobody has accepted yet: the group's view says why it counts nothing.
        let (_, html) = gb.get("/industry").await;
        assert_eq!(select(&html, "#withheld").len(), 1);
        assert!(select(&html, "#shared-suppliers").is_empty());

        // The members accept on their own page, which says what joining shares.
        for member in [&a, &b, &c] {
            let mb = Browser::new(&app);
            mb.login(&member.email, "a long enough password").await;
            let (status, html) = mb.get("/industry").await;
            assert_eq!(status, StatusCode::OK);
            assert!(select(&html, "#memberships-h + p")[0].contains("件数"));
            assert!(select(&html, "#industry-memberships td")[0].contains("中部機械工業会"));
            assert!(
                select(&html, "#shared-suppliers").is_empty(),
                "members do not see the group's view"
            );
            let accept = attr(
                &html,
                "#industry-memberships form[action$='/accept']",
                "action",
            )
            .unwrap();
            let csrf = mb.csrf().await;
            let r = mb.post(&accept, &[("csrf_token", csrf.as_str())]).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            let (_, html) = mb.get("/industry").await;
            assert!(
                select(&html, "#industry-memberships form[action$='/leave'] button")
                    .iter()
                    .any(|b| b == "脱退する")
            );
        }

        let (status, html) = gb.get("/industry").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(select(&html, "h1"), ["業界団体"]);
        assert_eq!(select(&html, "#industry-members tbody tr").len(), 3);
        assert_eq!(
            select(&html, "#member-counts"),
            ["参加中 3 社、招待中 0 社"]
        );
        let rows = select(&html, "#shared-suppliers tbody tr");
        assert_eq!(rows.len(), 1);
        assert!(rows[0].contains("さくら電子"));
        assert_eq!(select(&html, "#shared-suppliers td.dependents"), ["2"]);
        assert!(select(&html, "#shared-h ~ p.help")
            .iter()
            .any(|p| p.contains("2社未満")));

        let (status, html) = gb.get("/industry?min_members=3").await;
        assert_eq!(status, StatusCode::OK);
        assert!(select(&html, "#shared-suppliers").is_empty());
        assert_eq!(select(&html, "#no-shared").len(), 1);
        let (status, html) = gb.get("/industry?min_members=1").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            attr(&html, "#f-min", "aria-invalid").as_deref(),
            Some("true")
        );
        assert_eq!(select(&html, "#f-min-err").len(), 1);

        gb.client
            .get(format!("{}/lang/en?back=/industry", gb.base))
            .send()
            .await
            .unwrap();
        let (status, html) = gb.get("/industry").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(attr(&html, "html", "lang").as_deref(), Some("en"));
        assert_eq!(select(&html, "h1"), ["Industry group"]);
        assert_eq!(select(&html, "nav a[href='/industry']"), ["Industry"]);
        assert_eq!(select(&html, "#member-counts"), ["3 members, 0 invited"]);
        assert_eq!(select(&html, "#shared-suppliers thead th").len(), 5);

        // An organisation with no group and no invitation gets no link; the page still
        // explains itself.
        let pb = Browser::new(&app);
        pb.login(&plain.email, "a long enough password").await;
        let (_, html) = pb.get("/dashboard").await;
        assert!(select(&html, "nav a[href='/industry']").is_empty());
        let (status, html) = pb.get("/industry").await;
        assert_eq!(status, StatusCode::OK);
        assert!(select(&html, "#industry-members").is_empty());
    }
}

/// The text of a page without its markup, for "does the reader see this word" checks.
fn visible_text(html: &str) -> String {
    Html::parse_document(html)
        .root_element()
        .text()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A ★4 assessment reads "under evaluation" once submitted and "certified" once certified —
/// on the supplier's list, its result page and dashboard (which shows the certified level),
/// and on the buyer's drill-down — never "in progress".
#[tokio::test]
async fn a_level_4_assessment_shows_as_under_evaluation_then_certified_everywhere() {
    use reqwest::StatusCode as S;
    use serde_json::Value;
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let supplier = app.signup("ひかりシステム").await;
        let body = app.signup("評価機関").await;
        app.state
            .store()
            .set_evaluation_body(&body.id, true)
            .await
            .unwrap();
        let number = app
            .state
            .store()
            .organization(&supplier.id)
            .await
            .unwrap()
            .corporate_number;
        let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number, "due_date": "2099-03-31", "decision": { "confidential_info": true, "business_interruption": true, "network_access": true } })).await;
        assert_eq!(r.status(), S::CREATED);
        let rel = r.json::<Value>().await.unwrap()["relationship_id"]
            .as_str()
            .unwrap()
            .to_string();
        let id = app.create_assessment(&supplier.token, 4).await;
        for c in app.criteria(4) {
            app.answer(&supplier.token, &id, &c, json!({ "status": "implemented" }))
                .await;
        }
        let r = app.post_json("/api/v1/shares", Some(&supplier.token), json!({ "assessment_id": id, "buyer_organization_id": buyer.id, "detail": "level" })).await;
        assert_eq!(r.status(), S::CREATED);
        let r = app
            .post_json(
                &format!("/api/v1/assessments/{id}/submission"),
                Some(&supplier.token),
                json!({ "body_id": body.id }),
            )
            .await;
        assert_eq!(r.status(), S::CREATED);
        let ev = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();

        let s = Browser::new(&app);
        s.login(&supplier.email, "a long enough password").await;
        let b = Browser::new(&app);
        b.login(&buyer.email, "a long enough password").await;
        let pages = |label: &'static str| {
            let (s, b, id, rel) = (&s, &b, id.clone(), rel.clone());
            async move {
                for (who, path) in [
                    (s, "/assessments".to_string()),
                    (s, format!("/assessments/{id}/result")),
                    (b, format!("/suppliers/{rel}")),
                ] {
                    let (status, html) = who.get(&path).await;
                    assert_eq!(status, S::OK, "{path}");
                    let text = visible_text(&html);
                    assert!(text.contains(label), "{path} should say {label}");
                    assert!(!text.contains("回答中"), "{path} still says 回答中");
                }
            }
        };
        pages("評価中").await;
        let (_, dash) = s.get("/dashboard").await;
        assert!(visible_text(&dash).contains("評価機関の結果を待っています"));

        app.conform_every_criterion(&ev, &body.token).await;
        app.put_json(
            &format!("/api/v1/evaluations/{ev}/findings/technical_verification"),
            &body.token,
            json!({ "verdict": "conform", "comment": "外部脆弱性診断: 重大な指摘なし" }),
        )
        .await;
        let r = app
            .post_json(
                &format!("/api/v1/evaluations/{ev}/decision"),
                Some(&body.token),
                json!({ "decision": "certify" }),
            )
            .await;
        assert_eq!(r.status(), S::OK, "{}", r.text().await.unwrap());
        pages("認証済み").await;
        let (_, dash) = s.get("/dashboard").await;
        let dash = visible_text(&dash);
        assert!(
            dash.contains("★4"),
            "the dashboard shows the certified level"
        );
        assert!(dash.contains("認証済み"));
        assert!(
            !dash.contains("まだ宣言したレベルはありません"),
            "a certified supplier holds a level"
        );
        // The buyer was told in the same transaction as the certification.
        let inbox: Value = app
            .get_json("/api/v1/notifications", Some(&buyer.token))
            .await;
        assert!(
            inbox
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["kind"] == "level.achieved"),
            "{inbox}"
        );
    }
}

/// A NUL character in a form field is refused with a page that says what to fix (never a
/// server error from the database), on both databases.
#[tokio::test]
async fn a_nul_character_in_a_form_is_refused_with_a_readable_page() {
    for app in TestApp::all().await {
        let b = Browser::new(&app);
        let r = b
            .post(
                "/signup",
                &[
                    ("org_name", "しるべ\0商事"),
                    ("corporate_number", &corporate_number(9_100)),
                    ("industry", "E"),
                    ("employees", "30"),
                    ("prefecture", "23"),
                    ("email", "nul@example.jp"),
                    ("password", "a long enough password"),
                    ("user_name", "担当者"),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.backend
        );
        let html = r.text().await.unwrap();
        assert!(html.contains("制御文字"), "{html}");
        assert_eq!(
            app.state.store().count_organizations().await.unwrap(),
            0,
            "nothing was stored"
        );
    }
}
