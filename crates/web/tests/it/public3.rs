//! Declared products as assessment evidence (issue 13, item 5): a product an organisation
//! declares is evidence for the criteria its category serves on its open assessment (page,
//! JSON, counts, expert digest), withdrawing removes it, a declared assessment keeps what it
//! had, and no other organisation sees it.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::experts::{approved_expert, confirm, engage};
use crate::pages::{attr, select, Browser};
use crate::public::publisher;
use crate::support::{assert_problem, bearer_headers, Org, TestApp};

/// A domestic backup product in the registry; returns its id.
async fn backup_product(app: &TestApp) -> String {
    let gov = publisher(app).await;
    let r = app
        .post_json(
            "/api/v1/registry/vendors",
            Some(&gov.token),
            json!({ "name": "みなと情報システム", "head_office_country": "JP", "ultimate_parent_name": "みなと情報システム", "ultimate_parent_country": "JP" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let vendor = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post_json(
            "/api/v1/registry/products",
            Some(&gov.token),
            json!({ "vendor_id": vendor, "name": "しるべバックアップ", "category": "backup" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn delete(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    TestApp::client()
        .delete(app.url(path))
        .headers(bearer_headers(token))
        .send()
        .await
        .unwrap()
}

/// The assessment's product-declaration evidence: (criterion, product name, vendor name).
async fn product_evidence(app: &TestApp, org: &Org, id: &str) -> Vec<(String, String, String)> {
    let v = app
        .get_json(&format!("/api/v1/assessments/{id}"), Some(&org.token))
        .await;
    v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "product_declaration")
        .map(|e| {
            assert!(e["download"].is_null(), "no file: {e}");
            (
                e["criterion_id"].as_str().unwrap().to_string(),
                e["product"]["product_name"].as_str().unwrap().to_string(),
                e["product"]["vendor_name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn backup_criteria() -> Vec<(String, String, String)> {
    ["4-3-4-1", "4-3-4-2", "4-3-4-3"]
        .iter()
        .map(|c| {
            (
                c.to_string(),
                "しるべバックアップ".to_string(),
                "みなと情報システム".to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_declared_product_is_evidence_on_its_categorys_criteria_until_it_is_withdrawn_and_only_for_its_organisation(
) {
    for app in TestApp::all().await {
        let product = backup_product(&app).await;
        let firm = app.signup("みなと精工").await;
        let id = app.create_assessment(&firm.token, 3).await;
        let other = app.signup("ほかの工業").await;
        let other_id = app.create_assessment(&other.token, 3).await;

        let r = app
            .put_json(
                &format!("/api/v1/product-uses/{product}"),
                &firm.token,
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{}", app.backend);
        let mut got = product_evidence(&app, &firm, &id).await;
        got.sort();
        assert_eq!(got, backup_criteria(), "{}", app.backend);

        // The criterion page shows it as a product declaration; the overview counts it.
        let b = Browser::new(&app);
        b.login(&firm.email, "a long enough password").await;
        let (status, html) = b.get(&format!("/assessments/{id}/criteria/4-3-4-1")).await;
        assert_eq!(status, StatusCode::OK);
        let items = select(&html, ".product-evidence li");
        assert_eq!(items.len(), 1, "{items:?}");
        assert!(items[0].contains("利用製品の申告"), "{}", items[0]);
        assert!(items[0].contains("みなと情報システム しるべバックアップ"));
        let (_, overview) = b.get(&format!("/assessments/{id}")).await;
        let row: Vec<String> = select(&overview, "li")
            .into_iter()
            .filter(|l| l.contains("4-3-4-1") || l.contains("バックアップ"))
            .collect();
        assert!(row.iter().any(|l| l.contains("📎1")), "{row:?}");

        // Another organisation sees nothing of it.
        assert!(product_evidence(&app, &other, &other_id).await.is_empty());
        let r = app
            .get(&format!("/api/v1/assessments/{id}"), Some(&other.token))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let mine = app
            .get_json("/api/v1/product-uses", Some(&other.token))
            .await;
        assert_eq!(mine, json!([]));

        // Withdrawn: gone from the evidence and the page.
        let r = delete(
            &app,
            &format!("/api/v1/product-uses/{product}"),
            &firm.token,
        )
        .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert!(product_evidence(&app, &firm, &id).await.is_empty());
        let (_, html) = b.get(&format!("/assessments/{id}/criteria/4-3-4-1")).await;
        assert!(select(&html, ".product-evidence li").is_empty());
        assert!(!html.contains("しるべバックアップ"));
        let r = delete(
            &app,
            &format!("/api/v1/product-uses/{product}"),
            &firm.token,
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "nothing left to withdraw"
        );
    }
}

#[tokio::test]
async fn a_product_declaration_with_an_unknown_product_or_too_many_criteria_is_refused_and_stores_nothing(
) {
    for app in TestApp::all().await {
        let product = backup_product(&app).await;
        let firm = app.signup("みなと精工").await;
        let id = app.create_assessment(&firm.token, 3).await;
        let r = app
            .put_json(
                "/api/v1/product-uses/no-such-product",
                &firm.token,
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let many: Vec<&str> = std::iter::repeat_n("4-3-4-1", 51).collect();
        let r = app
            .put_json(
                &format!("/api/v1/product-uses/{product}"),
                &firm.token,
                json!({ "criteria": many }),
            )
            .await;
        let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "criteria").await;
        assert!(v.to_string().contains("50"), "the limit is named: {v}");
        let viewer = app.member(&firm, "viewer").await;
        let r = app
            .put_json(
                &format!("/api/v1/product-uses/{product}"),
                &viewer,
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(product_evidence(&app, &firm, &id).await.is_empty());
        assert_eq!(
            app.get_json("/api/v1/product-uses", Some(&firm.token))
                .await,
            json!([])
        );
    }
}

#[tokio::test]
async fn declaring_a_product_after_the_experts_confirmation_needs_a_new_one_and_the_declared_assessment_keeps_its_products(
) {
    for app in TestApp::all().await {
        let product = backup_product(&app).await;
        let firm = app.signup("ひかり製作所").await;
        let id = app.create_assessment(&firm.token, 3).await;
        for c in app.criteria(3) {
            app.answer(&firm.token, &id, &c, json!({ "status": "implemented" }))
                .await;
        }
        let expert = approved_expert(&app, "確認 五郎").await;
        engage(&app, &firm, &expert).await;
        let first = confirm(&app, &expert, &id).await;
        let path = format!("/api/v1/assessments/{id}/declaration");
        let declare = || {
            app.post_json(
                &path,
                Some(&firm.token),
                json!({ "signer_name": "港 太郎", "signer_title": "代表取締役" }),
            )
        };

        let r = app
            .put_json(
                &format!("/api/v1/product-uses/{product}"),
                &firm.token,
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_problem(declare().await, StatusCode::CONFLICT, "expert_confirmation").await;
        let attention = |v: Value| v[0]["attention"].as_str().unwrap().to_string();
        let clients = "/api/v1/experts/me/clients";
        assert_eq!(
            attention(app.get_json(clients, Some(&expert.token)).await),
            "confirmation_stale",
            "the expert's workspace sees the declared product"
        );
        let second = confirm(&app, &expert, &id).await;
        assert_ne!(second["answers_digest"], first["answers_digest"]);
        assert_eq!(
            attention(app.get_json(clients, Some(&expert.token)).await),
            "done",
            "{}",
            app.backend
        );
        assert_eq!(declare().await.status(), StatusCode::OK);

        // Withdrawn after the declaration: the declared assessment keeps it; a new one has none.
        let r = delete(
            &app,
            &format!("/api/v1/product-uses/{product}"),
            &firm.token,
        )
        .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let mut kept = product_evidence(&app, &firm, &id).await;
        kept.sort();
        assert_eq!(kept, backup_criteria(), "{}", app.backend);
        let next = app.create_assessment(&firm.token, 3).await;
        assert!(product_evidence(&app, &firm, &next).await.is_empty());
        // Declared again: on the open assessment only.
        let r = app
            .put_json(
                &format!("/api/v1/product-uses/{product}"),
                &firm.token,
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(product_evidence(&app, &firm, &next).await.len(), 3);
        assert_eq!(product_evidence(&app, &firm, &id).await.len(), 3);
    }
}

#[tokio::test]
async fn the_products_page_declares_and_withdraws_with_the_csrf_token_in_japanese_and_english() {
    for app in TestApp::all().await {
        let product = backup_product(&app).await;
        let firm = app.signup("みなと精工").await;
        let id = app.create_assessment(&firm.token, 3).await;
        let b = Browser::new(&app);
        b.login(&firm.email, "a long enough password").await;
        let (status, html) = b.get("/products").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(select(&html, "h1"), ["使っているセキュリティ製品"]);
        assert!(select(&html, "h2").contains(&"バックアップ".to_string()));
        let csrf = b.csrf().await;

        let r = b.post(&format!("/products/{product}/use"), &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "no csrf token");
        assert!(product_evidence(&app, &firm, &id).await.is_empty());
        let r = b
            .post("/products/no-such-product/use", &[("csrf_token", &csrf)])
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        let r = b
            .post(
                &format!("/products/{product}/use"),
                &[("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/products?done=declared");
        let (_, html) = b.get("/products?done=declared").await;
        assert!(select(&html, "[role=status]")[0].contains("登録しました"));
        assert!(attr(
            &html,
            &format!("form[action='/products/{product}/withdraw'] button"),
            "aria-label"
        )
        .is_some());
        assert_eq!(product_evidence(&app, &firm, &id).await.len(), 3);

        b.get("/lang/en?back=/products").await;
        let (_, html) = b.get("/products").await;
        assert_eq!(select(&html, "h1"), ["Security products you use"]);
        assert!(html.contains("You declared one product."), "{html}");
        let (_, page) = b.get(&format!("/assessments/{id}/criteria/4-3-4-2")).await;
        assert!(select(&page, ".product-evidence li")[0].contains("Product declaration"));

        let r = b
            .post(
                &format!("/products/{product}/withdraw"),
                &[("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/products?done=withdrawn");
        let (_, html) = b.get("/products?done=withdrawn").await;
        assert!(select(&html, "[role=status]")[0].contains("Withdrawn"));
        assert!(product_evidence(&app, &firm, &id).await.is_empty());
        let r = b
            .post(
                &format!("/products/{product}/withdraw"),
                &[("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "nothing to withdraw");
    }
}

/// The annual spend of the organisation's first declared product, as the API reads it.
async fn declared_spend(app: &TestApp, org: &Org) -> Value {
    let mine = app.get_json("/api/v1/product-uses", Some(&org.token)).await;
    mine[0]["annual_spend_yen"].clone()
}

#[tokio::test]
async fn the_products_page_takes_the_annual_spend_as_people_type_it_and_refuses_words_keeping_what_was_stored(
) {
    for app in TestApp::all().await {
        let product = backup_product(&app).await;
        let firm = app.signup("みなと精工").await;
        let b = Browser::new(&app);
        b.login(&firm.email, "a long enough password").await;
        let (_, html) = b.get("/products").await;
        assert_eq!(
            select(&html, &format!("label[for='spend-{product}']")),
            ["年間の支出（円・任意）"]
        );
        let csrf = b.csrf().await;

        let r = b
            .post(
                &format!("/products/{product}/use"),
                &[
                    ("csrf_token", &csrf),
                    ("annual_spend_yen", "１２０,０００円"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(declared_spend(&app, &firm).await, 120_000);
        let (_, html) = b.get("/products").await;
        assert!(html.contains("年間の支出：120,000円"), "{html}");

        // Words are refused at the field, with what was typed kept, and nothing changes.
        let r = b
            .post(
                &format!("/products/{product}/use"),
                &[("csrf_token", &csrf), ("annual_spend_yen", "12万")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(
            select(&html, &format!("#spend-{product}-err")),
            ["年間支出は0以上の整数（円）で入力してください。"]
        );
        assert_eq!(
            attr(&html, &format!("#spend-{product}"), "aria-invalid").as_deref(),
            Some("true")
        );
        assert_eq!(
            attr(&html, &format!("#spend-{product}"), "value").as_deref(),
            Some("12万")
        );
        assert!(select(&html, "[role=alert]")[0].contains("年間支出は"));
        assert_eq!(
            declared_spend(&app, &firm).await,
            120_000,
            "the stored spend stays"
        );

        // Emptying the field withdraws the spend, not the product.
        let r = b
            .post(
                &format!("/products/{product}/use"),
                &[("csrf_token", &csrf), ("annual_spend_yen", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(declared_spend(&app, &firm).await, Value::Null);
        b.get("/lang/en?back=/products").await;
        let (_, html) = b.get("/products").await;
        assert!(html.contains("No annual spend entered."), "{html}");
    }
}

#[tokio::test]
async fn the_evaluation_body_sees_the_products_declared_when_the_level_4_assessment_was_submitted()
{
    for app in TestApp::all().await {
        let product = backup_product(&app).await;
        let supplier = app.signup("ひかりシステム").await;
        let body = app.signup("しるべ評価機関").await;
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
            .put_json(
                &format!("/api/v1/product-uses/{product}"),
                &supplier.token,
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
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
        // Withdrawn after submitting: the submitted assessment keeps it.
        let r = delete(
            &app,
            &format!("/api/v1/product-uses/{product}"),
            &supplier.token,
        )
        .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(product_evidence(&app, &supplier, &id).await.len(), 3);

        let b = Browser::new(&app);
        b.login(&body.email, "a long enough password").await;
        let (status, html) = b
            .get(&format!("/evaluations/{ev}/requirements/4-3-4"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let listed = select(&html, "#c-4-3-4-1 .review-evidence li").join(" ");
        assert!(
            listed.contains("利用製品の申告: みなと情報システム しるべバックアップ"),
            "{listed}"
        );
    }
}
