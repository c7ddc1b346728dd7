//! The supplier's criterion page (issue 10): the answer, comment and evidence are one form
//! that never loses what was typed; evidence by allow-list and date; withdrawing a wrong
//! upload; read-only pages that say why. Both databases, both languages.

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::pages::{attr, select};
use crate::support::{Org, TestApp};

const CRITERION: &str = "1-2-1-1";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A browser without JavaScript, signed in, that can send the page's multipart form.
struct Visitor {
    client: Client,
    base: String,
    csrf: String,
}

impl Visitor {
    async fn signed_in(app: &TestApp, email: &str, password: &str) -> Visitor {
        let client = TestApp::client();
        let base = app.base.clone();
        let r = client
            .post(format!("{base}/login"))
            .header("origin", &base)
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login failed");
        let html = client
            .get(format!("{base}/dashboard"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = attr(
            &html,
            "form[action='/logout'] input[name=csrf_token]",
            "value",
        )
        .expect("csrf token");
        Visitor { client, base, csrf }
    }

    async fn owner(app: &TestApp, org: &Org) -> Visitor {
        Visitor::signed_in(app, &org.email, "a long enough password").await
    }

    async fn english(&self) {
        self.client
            .get(format!("{}/lang/en?back=/dashboard", self.base))
            .send()
            .await
            .unwrap();
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Sends the criterion form as the page does (multipart), with the session's token.
    async fn send(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> reqwest::Response {
        let mut form = Form::new().text("csrf_token", self.csrf.clone());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        form = match file {
            Some((name, bytes)) => form.part(
                "file",
                Part::bytes(bytes.to_vec()).file_name(name.to_string()),
            ),
            // A browser sends an empty part when no file was chosen.
            None => form.part("file", Part::bytes(Vec::new()).file_name("")),
        };
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("csrf_token", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(&all)
            .send()
            .await
            .unwrap()
    }
}

fn page(id: &str) -> String {
    format!("/assessments/{id}/criteria/{CRITERION}")
}

async fn stored(app: &TestApp, org: &Org, id: &str) -> Value {
    app.get_json(&format!("/api/v1/assessments/{id}"), Some(&org.token))
        .await
}

/// Sends evidence over the API as the organisation's owner.
async fn api_upload(app: &TestApp, org: &Org, id: &str, form: Form) -> reqwest::Response {
    TestApp::client()
        .post(app.url(&format!("/api/v1/assessments/{id}/evidence")))
        .bearer_auth(&org.token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn checked_status(html: &str) -> Option<String> {
    attr(html, "input[name=status][checked]", "value")
}

#[tokio::test]
async fn adding_a_file_saves_the_answer_and_comment_typed_with_it() {
    for app in TestApp::all().await {
        let org = app.signup("OneForm").await;
        let id = app.create_assessment(&org.token, 3).await;
        let v = Visitor::owner(&app, &org).await;
        let (_, html) = v.get(&page(&id)).await;
        assert_eq!(
            attr(&html, "form.criterion-form", "enctype").as_deref(),
            Some("multipart/form-data"),
            "answer and evidence are one form"
        );
        assert_eq!(select(&html, "form.criterion-form #f-file").len(), 1);
        assert_eq!(select(&html, "form.criterion-form #f-comment").len(), 1);
        let r = v
            .send(
                &page(&id),
                &[
                    ("status", "partial"),
                    ("comment", "規程は作成中"),
                    ("evidence_date", "2026-11-01"),
                    ("go", "stay"),
                ],
                Some(("規程.pdf", PDF)),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "redirect after POST");
        assert_eq!(
            r.headers()["location"],
            format!("/assessments/{id}/criteria/{CRITERION}?saved=1").as_str()
        );
        let (_, html) = v.get(&format!("{}?saved=1", page(&id))).await;
        assert_eq!(checked_status(&html).as_deref(), Some("partial"));
        assert_eq!(select(&html, "#f-comment"), ["規程は作成中"]);
        assert!(select(&html, "ul.evidence a")
            .iter()
            .any(|a| a == "規程.pdf"));
        let s = stored(&app, &org, &id).await;
        assert_eq!(s["answers"][0]["status"], "partial");
        assert_eq!(s["evidence"][0]["file_name"], "規程.pdf");
        assert_eq!(s["evidence"][0]["evidence_date"], "2026-11-01");

        // A link alone, with no answer typed, adds evidence and keeps the answer.
        let r = v
            .send(
                &page(&id),
                &[
                    ("status", "partial"),
                    ("comment", "規程は作成中"),
                    ("url", "https://intranet.example/rules"),
                    ("evidence_date", "2026-11-02"),
                    ("go", "next"),
                ],
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("/criteria/1-2-1-2"));
        let s = stored(&app, &org, &id).await;
        assert_eq!(s["evidence"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_disallowed_file_comes_back_with_everything_typed_and_stores_nothing_in_both_languages() {
    for app in TestApp::all().await {
        let org = app.signup("BadType").await;
        let id = app.create_assessment(&org.token, 3).await;
        app.answer(
            &org.token,
            &id,
            CRITERION,
            json!({ "status": "not_implemented", "comment": "before" }),
        )
        .await;
        let v = Visitor::owner(&app, &org).await;
        for (lang, words) in [("ja", "PDF、Word、Excel"), ("en", "PDF, Word, Excel")] {
            if lang == "en" {
                v.english().await;
            }
            let r = v
                .send(
                    &page(&id),
                    &[
                        ("status", "partial"),
                        ("comment", "typed, not yet saved"),
                        ("url", "https://intranet.example/also"),
                        ("evidence_date", "2026-11-01"),
                        ("go", "stay"),
                    ],
                    Some(("setup.exe", b"MZ\x90\0\x03\0\0\0")),
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
            let html = r.text().await.unwrap();
            assert_eq!(checked_status(&html).as_deref(), Some("partial"), "{lang}");
            assert_eq!(select(&html, "#f-comment"), ["typed, not yet saved"]);
            assert_eq!(
                attr(&html, "#f-url", "value").as_deref(),
                Some("https://intranet.example/also")
            );
            assert_eq!(
                attr(&html, "#f-evidence-date", "value").as_deref(),
                Some("2026-11-01")
            );
            assert_eq!(
                attr(&html, "#f-file", "aria-invalid").as_deref(),
                Some("true")
            );
            assert!(attr(&html, "#f-file", "aria-describedby")
                .unwrap()
                .contains("f-file-err"));
            let msg = select(&html, "#f-file-err").join("");
            assert!(msg.contains(words), "{lang}: {msg}");
            assert!(
                !msg.contains("err-") && !msg.contains("evidence-"),
                "no key: {msg}"
            );
            let summary = select(&html, "#form-errors a[href='#f-file']");
            assert_eq!(summary.len(), 1, "{lang}: the summary links to the field");
        }
        let s = stored(&app, &org, &id).await;
        assert_eq!(
            s["answers"][0]["status"], "not_implemented",
            "answer not overwritten"
        );
        assert_eq!(s["answers"][0]["comment"], "before");
        assert!(
            s["evidence"].as_array().unwrap().is_empty(),
            "nothing stored"
        );
    }
}

#[tokio::test]
async fn a_file_whose_content_does_not_match_its_name_is_refused_by_the_page_and_the_api() {
    for app in TestApp::all().await {
        let org = app.signup("Mismatch").await;
        let id = app.create_assessment(&org.token, 3).await;
        let v = Visitor::owner(&app, &org).await;
        let r = v
            .send(
                &page(&id),
                &[("status", "implemented"), ("evidence_date", "2026-11-01")],
                Some(("report.pdf", b"MZ\x90\0 an executable renamed")),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(select(&html, "#f-file-err")[0].contains("中身が名前"));
        let form = Form::new()
            .text("criterion_id", CRITERION)
            .text("evidence_date", "2026-11-01")
            .part(
                "file",
                Part::bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).file_name("notes.txt"),
            );
        let r = api_upload(&app, &org, &id, form).await;
        crate::support::assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "file").await;
        // A real PNG under its own name is taken, and stored as image/png.
        let form = Form::new()
            .text("criterion_id", CRITERION)
            .text("evidence_date", "2026-11-01")
            .part(
                "file",
                Part::bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).file_name("screen.png"),
            );
        let r = api_upload(&app, &org, &id, form).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let s = stored(&app, &org, &id).await;
        assert!(
            s["answers"].as_array().unwrap().is_empty(),
            "the refused page post saved nothing"
        );
        assert_eq!(s["evidence"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn an_evidence_date_after_today_in_japan_is_refused_and_says_today_is_allowed() {
    for app in TestApp::all().await {
        let org = app.signup("Future").await;
        let id = app.create_assessment(&org.token, 3).await;
        let v = Visitor::owner(&app, &org).await;
        let (_, html) = v.get(&page(&id)).await;
        let today = attr(&html, "#f-evidence-date", "max").unwrap();
        assert_eq!(
            attr(&html, "#f-evidence-date", "value").as_deref(),
            Some(today.as_str())
        );
        for (lang, words) in [("ja", "今日（日本時間で"), ("en", "today (in Japan:")] {
            if lang == "en" {
                v.english().await;
            }
            let r = v
                .send(
                    &page(&id),
                    &[
                        ("status", "implemented"),
                        ("comment", "kept"),
                        ("evidence_date", "2099-01-01"),
                    ],
                    Some(("log.txt", b"backup log")),
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = r.text().await.unwrap();
            let msg = select(&html, "#f-evidence-date-err").join("");
            assert!(msg.contains(words) && msg.contains(&today), "{lang}: {msg}");
            assert_eq!(
                attr(&html, "#f-evidence-date", "value").as_deref(),
                Some("2099-01-01")
            );
            assert_eq!(select(&html, "#f-comment"), ["kept"]);
        }
        // Today in Japan is allowed, over the API too.
        let form = Form::new()
            .text("criterion_id", CRITERION)
            .text("evidence_date", today.clone())
            .text("url", "https://intranet.example/today");
        let r = api_upload(&app, &org, &id, form).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let form = Form::new()
            .text("criterion_id", CRITERION)
            .text("evidence_date", "2099-01-01")
            .text("url", "https://intranet.example/later");
        let r = api_upload(&app, &org, &id, form).await;
        crate::support::assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "evidence_date").await;
        let s = stored(&app, &org, &id).await;
        assert_eq!(s["evidence"].as_array().unwrap().len(), 1);
        assert!(s["answers"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_bad_status_names_the_four_choices_in_words_in_both_languages() {
    for app in TestApp::all().await {
        let org = app.signup("Status").await;
        let id = app.create_assessment(&org.token, 3).await;
        let v = Visitor::owner(&app, &org).await;
        for (lang, words) in [
            (
                "ja",
                "「実施している」「一部実施」「実施していない」「対象外」",
            ),
            (
                "en",
                "implemented, partly implemented, not implemented, or not applicable",
            ),
        ] {
            if lang == "en" {
                v.english().await;
            }
            let r = v
                .send(&page(&id), &[("status", "done"), ("comment", "mine")], None)
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = r.text().await.unwrap();
            let msg = select(&html, "#f-status-err").join("");
            assert!(msg.contains(words), "{lang}: {msg}");
            assert!(!msg.contains("not_implemented"), "no internal code: {msg}");
            assert_eq!(
                attr(&html, "#f-status", "aria-describedby").as_deref(),
                Some("f-status-err")
            );
            assert_eq!(select(&html, "#form-errors a[href='#f-status']").len(), 1);
            assert_eq!(select(&html, "#f-comment"), ["mine"]);
        }
        let r = app
            .answer(&org.token, &id, CRITERION, json!({ "status": "done" }))
            .await;
        let p = crate::support::assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "status").await;
        assert!(!p.to_string().contains("not_implemented、"), "{p}");
    }
}

#[tokio::test]
async fn withdrawn_evidence_stays_in_the_audit_log_but_is_not_shown_counted_downloaded_or_confirmed(
) {
    for app in TestApp::all().await {
        let org = app.signup("Withdraw").await;
        let id = app.create_assessment(&org.token, 3).await;
        let upload = |name: &'static str| {
            Form::new()
                .text("criterion_id", CRITERION)
                .text("evidence_date", "2026-11-01")
                .part("file", Part::bytes(PDF.to_vec()).file_name(name))
        };
        let mut ids = Vec::new();
        for name in ["wrong.pdf", "right.pdf"] {
            let r = api_upload(&app, &org, &id, upload(name)).await;
            assert_eq!(r.status(), StatusCode::CREATED);
            ids.push(
                r.json::<Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        let view = |app: &TestApp| {
            let org_id = org.id.clone();
            let id = shirube_app::views::AssessmentId::from(id.clone());
            let state = app.state.clone();
            async move {
                shirube_app::assessments::assessment_view_of(&state, &org_id, &id)
                    .await
                    .unwrap()
            }
        };
        let digest_before = shirube_app::experts::answers_digest(&view(&app).await);

        // A viewer may not withdraw; another organisation does not see it.
        let viewer = app.member(&org, "viewer").await;
        let other = app.signup("Stranger").await;
        let del = |token: &str, ev: &str| {
            TestApp::client()
                .delete(app.url(&format!("/api/v1/assessments/{id}/evidence/{ev}")))
                .bearer_auth(token)
                .send()
        };
        assert_eq!(
            del(&viewer, &ids[0]).await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            del(&other.token, &ids[0]).await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            del(&org.token, &ids[0]).await.unwrap().status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            del(&org.token, &ids[0]).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "already withdrawn"
        );

        let s = stored(&app, &org, &id).await;
        let names: Vec<&str> = s["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["file_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["right.pdf"], "not shown as evidence");
        assert_eq!(
            app.get(&format!("/api/v1/evidence/{}", ids[0]), Some(&org.token))
                .await
                .status(),
            StatusCode::NOT_FOUND,
            "not downloadable"
        );
        assert_ne!(
            shirube_app::experts::answers_digest(&view(&app).await),
            digest_before,
            "an expert's confirmation of the old evidence no longer matches"
        );
        let entries = app.state.store().audit_for_org(&org.id, 100).await.unwrap();
        let withdrawal = entries
            .iter()
            .find(|e| e.action == "evidence.withdraw")
            .expect("the withdrawal is in the audit log");
        assert!(withdrawal.detail.contains(&ids[0]), "{}", withdrawal.detail);
        assert!(
            entries.iter().any(|e| e.action == "evidence.add"),
            "the upload stays in the log"
        );

        // The category view counts only evidence in force.
        let v = Visitor::owner(&app, &org).await;
        let (_, html) = v.get(&format!("/assessments/{id}")).await;
        assert!(html.contains("📎1"), "one piece of evidence counted");
    }
}

#[tokio::test]
async fn an_editor_withdraws_a_wrong_upload_from_the_page_after_confirming_without_losing_typed_text(
) {
    for app in TestApp::all().await {
        let org = app.signup("PageWithdraw").await;
        let id = app.create_assessment(&org.token, 3).await;
        let v = Visitor::owner(&app, &org).await;
        v.send(
            &page(&id),
            &[("status", "implemented"), ("evidence_date", "2026-11-01")],
            Some(("wrong.pdf", PDF)),
        )
        .await;
        let (_, html) = v.get(&page(&id)).await;
        let ev = attr(&html, "form.criterion-form button[name=withdraw]", "value").unwrap();
        // Pressing 取り下げる saves what was typed, then asks to confirm.
        let r = v
            .send(
                &page(&id),
                &[
                    ("status", "partial"),
                    ("comment", "typed before withdrawing"),
                    ("withdraw", &ev),
                ],
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let confirm = r.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(confirm, format!("/assessments/{id}/evidence/{ev}/withdraw"));
        let s = stored(&app, &org, &id).await;
        assert_eq!(s["answers"][0]["comment"], "typed before withdrawing");
        let (status, html) = v.get(&confirm).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(select(&html, "h1"), ["この証跡を取り下げますか"]);
        assert!(select(&html, ".withdraw-item strong").contains(&"wrong.pdf".to_string()));
        let r = v.post_form(&confirm, &[]).await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not without the button"
        );
        assert_eq!(
            stored(&app, &org, &id).await["evidence"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let r = v.post_form(&confirm, &[("confirm", "yes")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let back = r.headers()["location"].to_str().unwrap().to_string();
        assert!(back.ends_with("?withdrawn=1"), "{back}");
        let (_, html) = v.get(&back).await;
        assert!(select(&html, "ul.evidence a").is_empty());
        assert!(select(&html, "p.notice.ok")[0].contains("取り下げました"));
        assert_eq!(checked_status(&html).as_deref(), Some("partial"));
    }
}

#[tokio::test]
async fn read_only_pages_say_why_and_what_to_do_next() {
    for app in TestApp::all().await {
        let org = app.signup("ReadOnly").await;
        let old = app.create_assessment(&org.token, 3).await;
        let r = app
            .post_json(
                "/api/v1/assessments",
                Some(&org.token),
                json!({ "target_level": 3, "copy_from": old }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let new = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let v = Visitor::owner(&app, &org).await;
        for path in [format!("/assessments/{old}"), page(&old)] {
            let (_, html) = v.get(&path).await;
            let note = select(&html, "p.notice.readonly").join("");
            assert!(
                note.contains("新しい自己評価に引き継がれた"),
                "{path}: {note}"
            );
            assert_eq!(
                attr(&html, "p.notice.readonly a", "href"),
                Some(format!("/assessments/{new}"))
            );
        }
        let (_, html) = v.get(&page(&old)).await;
        assert!(select(&html, "form.criterion-form").is_empty());
        let r = v
            .send(
                &page(&old),
                &[("status", "implemented")],
                Some(("a.pdf", PDF)),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let html = r.text().await.unwrap();
        assert!(
            !select(&html, "#form-errors").is_empty(),
            "the conflict is said on the page"
        );

        let (_, html) = v.get(&page(&new)).await;
        assert!(
            select(&html, "p.notice.readonly").is_empty(),
            "an editor of an open assessment"
        );

        let _ = app.member(&org, "viewer").await;
        let email = app
            .state
            .store()
            .members(&org.id)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.role == shirube_store::Role::Viewer)
            .unwrap()
            .email;
        let vv = Visitor::signed_in(&app, &email, "another long password").await;
        let (_, html) = vv.get(&page(&new)).await;
        assert!(select(&html, "p.notice.readonly")[0].contains("閲覧のみ"));
        vv.english().await;
        let (_, html) = vv.get(&format!("/assessments/{new}")).await;
        assert!(select(&html, "p.notice.readonly")[0].contains("\"Viewer\""));
    }
}

#[tokio::test]
async fn an_upload_stored_before_the_allow_list_stays_readable() {
    for app in TestApp::all().await {
        let org = app.signup("Legacy").await;
        let id = app.create_assessment(&org.token, 3).await;
        let store = app.state.store();
        let sha = store.blobs().put(b"old binary").await.unwrap();
        let members = store.members(&org.id).await.unwrap();
        let actor = shirube_store::Actor {
            organization_id: Some(&org.id),
            user_id: Some(&members[0].id),
            notices: &[],
        };
        let ev = store
            .add_evidence(
                actor,
                &org.id,
                &shirube_app::views::AssessmentId::from(id.clone()),
                CRITERION,
                &shirube_store::NewEvidence::File {
                    sha256: &sha,
                    file_name: "old.bin",
                    content_type: "application/octet-stream",
                    size: 10,
                },
                "2099-01-01",
            )
            .await
            .unwrap()
            .unwrap();
        let r = app
            .get(&format!("/api/v1/evidence/{ev}"), Some(&org.token))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"old binary");
        let v = Visitor::owner(&app, &org).await;
        let (_, html) = v.get(&page(&id)).await;
        assert!(select(&html, "ul.evidence a").contains(&"old.bin".to_string()));
    }
}

#[tokio::test]
async fn a_file_over_20_mib_comes_back_with_the_answer_and_comment_typed_before_it() {
    let app = TestApp::sqlite().await;
    let org = app.signup("TooBig").await;
    let id = app.create_assessment(&org.token, 3).await;
    let v = Visitor::owner(&app, &org).await;
    let big = vec![b'x'; 20 * 1024 * 1024 + 1];
    let r = v
        .send(
            &page(&id),
            &[("status", "partial"), ("comment", "書きかけのメモ")],
            Some(("big.txt", &big)),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = r.text().await.unwrap();
    assert_eq!(checked_status(&html).as_deref(), Some("partial"));
    assert_eq!(select(&html, "#f-comment"), ["書きかけのメモ"]);
    assert!(select(&html, "#f-file-err")[0].contains("20MB"));
    assert!(stored(&app, &org, &id).await["answers"]
        .as_array()
        .unwrap()
        .is_empty());
}
