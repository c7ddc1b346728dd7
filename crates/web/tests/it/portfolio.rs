//! The buyer's portfolio as its procurement officer uses it (issue 10, item 5): "not shared
//! yet" apart from "not started", due dates in the past refused, every form answered with a
//! redirect, and a CSV that a spreadsheet opens in Japanese (or English).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::pages::{attr, select, Browser};
use crate::support::{assert_problem, Org, TestApp};

use crate::support::number;

fn no_decision() -> Value {
    json!({ "confidential_info": false, "business_interruption": false, "network_access": false })
}

/// Today in Japan, as the due-date rule counts it.
fn today_japan() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(9))
        .format("%Y-%m-%d")
        .to_string()
}

async fn request(app: &TestApp, buyer: &Org, supplier: &Org) -> String {
    let r = app
        .post_json(
            "/api/v1/suppliers",
            Some(&buyer.token),
            json!({ "corporate_number": number(app, supplier).await, "due_date": "2099-03-31", "decision": no_decision() }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    v["relationship_id"].as_str().unwrap().to_string()
}

/// A browser signed in as `org`, in `lang`.
async fn browser(app: &TestApp, org: &Org, lang: &str) -> Browser {
    let b = Browser::new(app);
    b.login(&org.email, "a long enough password").await;
    let (status, _) = b.get(&format!("/lang/{lang}?back=/suppliers")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    b
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_supplier_that_began_its_self_assessment_without_sharing_shows_as_not_shared_not_as_not_started(
) {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let busy = app.signup("みなと精工").await;
        let idle = app.signup("さくら電子").await;
        request(&app, &buyer, &busy).await;
        request(&app, &buyer, &idle).await;
        // みなと精工 answers part of its ★3 self-assessment and shares nothing.
        let a = app.create_assessment(&busy.token, 3).await;
        for c in app.criteria(3).iter().take(5) {
            let r = app
                .answer(&busy.token, &a, c, json!({ "status": "implemented" }))
                .await;
            assert!(r.status().is_success());
        }
        // さくら電子 created an assessment but answered nothing: still not started.
        app.create_assessment(&idle.token, 3).await;

        let p = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        let status_of = |name: &str| {
            p["suppliers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["name"] == name)
                .map(|l| l["status"].as_str().unwrap().to_string())
                .unwrap()
        };
        assert_eq!(status_of("みなと精工"), "not_shared", "{}", app.backend);
        assert_eq!(status_of("さくら電子"), "not_started");
        assert_eq!(p["counts"]["not_shared"], 1);
        assert_eq!(p["counts"]["not_started"], 1);
        assert!(
            p["suppliers"][0].get("achieved_level").unwrap().is_null(),
            "nothing of the unshared work reaches the buyer but the fact that it began"
        );

        for (lang, not_shared, not_started) in [
            ("ja", "未共有", "未着手"),
            ("en", "Not shared yet", "Not started"),
        ] {
            let b = browser(&app, &buyer, lang).await;
            let (_, html) = b.get("/suppliers").await;
            let rows = select(&html, "#portfolio tbody tr");
            assert!(
                rows.iter()
                    .any(|r| r.contains("みなと精工") && r.contains(not_shared)),
                "{rows:?}"
            );
            assert!(
                rows.iter()
                    .any(|r| r.contains("さくら電子") && r.contains(not_started)),
                "{rows:?}"
            );
            let (_, html) = b.get("/suppliers?status=not_shared").await;
            let rows = select(&html, "#portfolio tbody tr");
            assert_eq!(rows.len(), 1, "the filter offers the new status: {rows:?}");
        }
    }
}

#[tokio::test]
async fn a_due_date_in_the_past_is_refused_over_the_api_naming_the_earliest_day() {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let supplier = app.signup("みなと精工").await;
        let r = app
            .post_json(
                "/api/v1/suppliers",
                Some(&buyer.token),
                json!({ "corporate_number": number(&app, &supplier).await, "due_date": "2020-01-01", "decision": no_decision() }),
            )
            .await;
        let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "due_date").await;
        let today = today_japan();
        let e = &v["errors"][0];
        assert!(e["message_ja"].as_str().unwrap().contains(&today), "{e}");
        assert!(e["message"].as_str().unwrap().contains(&today), "{e}");
        // Today itself is allowed.
        let r = app
            .post_json(
                "/api/v1/suppliers",
                Some(&buyer.token),
                json!({ "corporate_number": number(&app, &supplier).await, "due_date": today, "decision": no_decision() }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
}

#[tokio::test]
async fn a_due_date_in_the_past_is_refused_on_the_page_in_both_languages_keeping_what_was_typed() {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let kept = app.signup("みなと精工").await;
        let other = app.signup("さくら電子").await;
        request(&app, &buyer, &kept).await;
        let other_number = number(&app, &other).await;
        let today = today_japan();
        for (lang, words) in [("ja", "以降の日付"), ("en", "on or after today")] {
            let b = browser(&app, &buyer, lang).await;
            let csrf = b.csrf().await;
            let r = b
                .post(
                    "/suppliers",
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("by", "number"),
                        ("corporate_number", other_number.as_str()),
                        ("network_access", "yes"),
                        ("extra_factors", "past_incidents"),
                        ("due_date", "2021-04-01"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = r.text().await.unwrap();
            let message = select(&html, "#f-due-date-err").join("");
            assert!(
                message.contains(words) && message.contains(&today),
                "{lang}: {message}"
            );
            assert_eq!(
                attr(&html, "#f-due-date", "aria-describedby").as_deref(),
                Some("f-due-date-err")
            );
            assert!(
                select(&html, "#form-errors a[href='#f-due-date']").len() == 1,
                "the summary links to the field"
            );
            assert_eq!(
                attr(&html, "#f-corporate-number", "value").as_deref(),
                Some(other_number.as_str())
            );
            assert_eq!(
                attr(&html, "#f-due-date", "value").as_deref(),
                Some("2021-04-01")
            );
            assert!(attr(&html, "input[name=network_access]", "checked").is_some());
            assert!(attr(&html, "input[value=past_incidents]", "checked").is_some());
            assert!(attr(&html, "input[name=confidential_info]", "checked").is_none());
            assert_eq!(
                attr(&html, "#f-due-date", "min").as_deref(),
                Some(today.as_str())
            );
        }
        let p = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        let names: Vec<&str> = p["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["みなと精工"],
            "the earlier request is kept, the refused one not stored"
        );
    }
}

#[tokio::test]
async fn every_successful_form_on_the_buyer_pages_answers_see_other_to_a_page_that_shows_the_result(
) {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let supplier = app.signup("みなと精工").await;
        let b = browser(&app, &buyer, "ja").await;
        let csrf = b.csrf().await;
        let supplier_number = number(&app, &supplier).await;

        // Adding a supplier by corporate number.
        let r = b
            .post(
                "/suppliers",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("by", "number"),
                    ("corporate_number", supplier_number.as_str()),
                    ("due_date", "2099-03-31"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = location(&r);
        assert!(
            to.starts_with("/suppliers/") && to.ends_with("?added=1"),
            "{to}"
        );
        let rel = to
            .trim_start_matches("/suppliers/")
            .trim_end_matches("?added=1")
            .to_string();
        let (status, html) = b.get(&to).await;
        assert_eq!(status, StatusCode::OK);
        assert!(select(&html, "#added-notice").join("").contains("★3"));
        assert!(
            select(&html, "ul li")
                .iter()
                .any(|l| l.contains("いずれも「いいえ」")),
            "the reasons are shown"
        );
        // Reloading the result page sends nothing again.
        b.get(&to).await;
        let p = app.get_json("/api/v1/portfolio", Some(&buyer.token)).await;
        assert_eq!(p["suppliers"].as_array().unwrap().len(), 1);

        // Inviting by e-mail: the link is shown once more after the redirect.
        let r = b
            .post(
                "/suppliers",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("by", "email"),
                    ("invite_email", "info@kita.example.jp"),
                    ("due_date", "2099-03-31"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = location(&r);
        let (_, html) = b.get(&to).await;
        let link = select(&html, "#supplier-invite-link").join("");
        assert!(link.contains("/supplier-invite/sup_"), "{html}");
        let (_, html) = b.get(&to).await;
        assert!(
            select(&html, "#supplier-invite-link").is_empty(),
            "the link is shown once, never again on reload"
        );
        let stranger = Browser::new(&app);
        let other = app.signup("別の発注者").await;
        stranger.login(&other.email, "a long enough password").await;
        let (status, _) = stranger.get(&to).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another organisation sees nothing"
        );

        // The dependency and a message on the request.
        let r = b
            .post(
                &format!("/suppliers/{rel}/dependency"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("critical", "yes"),
                    ("alternatives", "0"),
                    ("stock_days", "3"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = b.get(&location(&r)).await;
        assert!(html.contains("保存しました"));
        let r = b
            .post(
                &format!("/suppliers/{rel}/messages"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("body", "3月末までにお願いします"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = b.get(&location(&r)).await;
        assert!(html.contains("メッセージを送りました"));
        assert!(
            html.contains("自社"),
            "the buyer's own message is marked as its own"
        );

        // The supplier shares from the requests page and saves its BCP facts.
        let s = browser(&app, &supplier, "ja").await;
        let assessment = app.create_assessment(&supplier.token, 3).await;
        let csrf_s = s.csrf().await;
        let (_, html) = s.get("/requests").await;
        assert!(
            html.contains("発注元からの依頼"),
            "the customer is named from the reader's side"
        );
        let r = s
            .post(
                "/shares",
                &[
                    ("csrf_token", csrf_s.as_str()),
                    ("assessment_id", assessment.as_str()),
                    ("buyer", buyer.id.as_str()),
                    ("detail", "level"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&r), "/requests?shared=1");
        let (_, html) = s.get("/requests?shared=1").await;
        assert!(select(&html, ".notice.ok").join("").contains("1"));
        let r = s
            .post(
                "/bcp",
                &[
                    ("csrf_token", csrf_s.as_str()),
                    ("offline_backup", "yes"),
                    ("last_restore_test", "2026-01-10"),
                    ("recovery_hours", "24"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = s.get(&location(&r)).await;
        assert!(html.contains("保存しました"));
        let share = app.state.store().shares_of(&supplier.id).await.unwrap()[0]
            .id
            .to_string();
        let r = s
            .post(
                &format!("/shares/{share}/revoke"),
                &[("csrf_token", csrf_s.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn the_share_form_sent_without_a_customer_names_the_field_in_both_languages() {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let supplier = app.signup("みなと精工").await;
        request(&app, &buyer, &supplier).await;
        let assessment = app.create_assessment(&supplier.token, 3).await;
        for (lang, words) in [("ja", "共有先の発注元"), ("en", "Customer to share with")] {
            let s = browser(&app, &supplier, lang).await;
            let csrf = s.csrf().await;
            let r = s
                .post(
                    "/shares",
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("assessment_id", assessment.as_str()),
                        ("detail", "level"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = r.text().await.unwrap();
            let summary = select(&html, "#form-errors li").join("");
            assert!(summary.contains(words), "{lang}: {summary}");
            assert!(!select(&html, "#f-buyer-organization-id-err").is_empty());
        }
        assert!(app
            .state
            .store()
            .shares_of(&supplier.id)
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn the_csv_opens_in_a_spreadsheet_with_japanese_or_english_headers_a_dated_name_and_no_internal_ids(
) {
    for app in TestApp::all().await {
        let buyer = app.signup("大和自動車部品").await;
        let supplier = app.signup("みなと精工").await;
        request(&app, &buyer, &supplier).await;
        let supplier_number = number(&app, &supplier).await;
        let today = today_japan();
        let b = browser(&app, &buyer, "ja").await;
        let (_, html) = b.get("/suppliers").await;
        assert_eq!(
            attr(&html, "#csv-main", "href").as_deref(),
            Some("/suppliers.csv")
        );
        assert_eq!(
            attr(&html, "#csv-other", "href").as_deref(),
            Some("/suppliers.csv?lang=en")
        );

        for (path, header, status, name) in [
            (
                "/suppliers.csv",
                "\"法人番号\",\"会社名\"",
                "\"未着手\"",
                "取引先_",
            ),
            (
                "/suppliers.csv?lang=en",
                "\"Corporate number\",\"Company name\"",
                "\"Not started\"",
                "suppliers-",
            ),
        ] {
            let r = TestApp::client()
                .get(app.url(path))
                .header("cookie", b_cookie(&app, &buyer).await)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
            let cd = r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_string();
            assert!(cd.starts_with("attachment;"), "{cd}");
            assert!(
                cd.contains(&format!("filename=\"suppliers-{today}.csv\"")),
                "an ASCII name for old clients: {cd}"
            );
            let encoded: String =
                url::form_urlencoded::byte_serialize(format!("{name}{today}.csv").as_bytes())
                    .collect();
            assert!(cd.contains(&format!("filename*=UTF-8''{encoded}")), "{cd}");
            let bytes = r.bytes().await.unwrap();
            assert_eq!(&bytes[..3], b"\xef\xbb\xbf", "UTF-8 with a BOM");
            let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
            let mut lines = csv.lines();
            assert!(lines.next().unwrap().starts_with(header), "{csv}");
            let row = lines.next().unwrap();
            assert!(
                row.starts_with(&format!("\"{supplier_number}\",\"みなと精工\"")),
                "{row}"
            );
            assert!(
                row.contains(status) && row.contains("\"★3\"") && row.contains("\"2099-03-31\""),
                "{row}"
            );
            let uuid = regex_like_uuid(&csv);
            assert!(!uuid, "no internal ids: {csv}");
            assert!(!csv.contains(buyer.id.as_str()) && !csv.contains(supplier.id.as_str()));
        }

        // The API's CSV is the same file.
        let r = app
            .get("/api/v1/portfolio.csv?lang=en", Some(&buyer.token))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let csv = r.text().await.unwrap();
        assert!(csv.starts_with("\u{feff}\"Corporate number\""), "{csv}");
    }
}

/// Whether the text holds something shaped like a UUID (8-4-4-4-12 hex digits).
fn regex_like_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    let shape = [8, 4, 4, 4, 12];
    (0..b.len()).any(|start| {
        let mut i = start;
        for (n, len) in shape.iter().enumerate() {
            if n > 0 {
                if b.get(i) != Some(&b'-') {
                    return false;
                }
                i += 1;
            }
            for _ in 0..*len {
                if !b.get(i).is_some_and(|c| c.is_ascii_hexdigit()) {
                    return false;
                }
                i += 1;
            }
        }
        true
    })
}

/// A session cookie for `org`, for requests made outside [`Browser`].
async fn b_cookie(app: &TestApp, org: &Org) -> String {
    let client = TestApp::client();
    let r = client
        .post(app.url("/login"))
        .header("origin", &app.base)
        .form(&[
            ("email", org.email.as_str()),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn a_refused_dependency_or_bcp_form_comes_back_as_typed_with_its_messages_and_keeps_what_was_stored(
) {
    for app in TestApp::all().await {
        let buyer = app.signup("みなと精機").await;
        let supplier = app.signup("あおば部品").await;
        let rel = request(&app, &buyer, &supplier).await;
        for (lang, alternatives_msg, stock_msg) in [
            (
                "ja",
                "代替調達先の数は0〜1000の整数です",
                "在庫日数は0〜3650の整数です",
            ),
            ("en", "from 0 to 1000", "from 0 to 3650"),
        ] {
            let b = browser(&app, &buyer, lang).await;
            let csrf = b.csrf().await;
            let r = b
                .post(
                    &format!("/suppliers/{rel}/dependency"),
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("critical", "yes"),
                        ("alternatives", "2"),
                        ("stock_days", "14"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            let r = b
                .post(
                    &format!("/suppliers/{rel}/dependency"),
                    &[
                        ("csrf_token", csrf.as_str()),
                        ("alternatives", "たくさん"),
                        ("stock_days", "9999"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
            let html = r.text().await.unwrap();
            assert_eq!(
                attr(&html, "#f-alternatives", "value").as_deref(),
                Some("たくさん")
            );
            assert_eq!(
                attr(&html, "#f-stock-days", "value").as_deref(),
                Some("9999")
            );
            assert_eq!(
                attr(&html, "#f-alternatives", "aria-describedby").as_deref(),
                Some("f-alternatives-err")
            );
            assert!(select(&html, "#f-alternatives-err")
                .join("")
                .contains(alternatives_msg));
            assert!(select(&html, "#f-stock-days-err")
                .join("")
                .contains(stock_msg));
            assert_eq!(
                select(&html, "#form-errors li a").len(),
                2,
                "both fields in the summary"
            );
            // What was stored before is still there.
            let (_, html) = b.get(&format!("/suppliers/{rel}")).await;
            assert_eq!(
                attr(&html, "#f-alternatives", "value").as_deref(),
                Some("2")
            );
            assert_eq!(attr(&html, "#f-stock-days", "value").as_deref(), Some("14"));
        }

        let s = browser(&app, &supplier, "ja").await;
        let csrf = s.csrf().await;
        let r = s
            .post(
                "/bcp",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("offline_backup", "yes"),
                    ("last_restore_test", "2026-01-10"),
                    ("recovery_hours", "24"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = s
            .post(
                "/bcp",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("alternative_site", "yes"),
                    ("last_restore_test", "2026-02-03"),
                    ("recovery_hours", "一日"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(
            attr(&html, "#f-recovery-hours", "value").as_deref(),
            Some("一日"),
            "typed input comes back"
        );
        assert_eq!(
            attr(&html, "#f-last-restore-test", "value").as_deref(),
            Some("2026-02-03")
        );
        assert!(attr(&html, "input[name='alternative_site']", "checked").is_some());
        assert!(attr(&html, "input[name='offline_backup']", "checked").is_none());
        assert!(select(&html, "#f-recovery-hours-err")
            .join("")
            .contains("整数"));
        let (_, html) = s.get("/requests").await;
        assert_eq!(
            attr(&html, "#f-recovery-hours", "value").as_deref(),
            Some("24"),
            "the stored facts are unchanged"
        );
        assert_eq!(
            attr(&html, "#f-last-restore-test", "value").as_deref(),
            Some("2026-01-10")
        );
    }
}
