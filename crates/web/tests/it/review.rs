//! The evaluation body's ★4 review as a browser without JavaScript uses it: a page per
//! requirement, one submit per page, verdicts that start empty, progress, and a certify
//! button that says why it cannot be used yet. On both databases.

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::pages::{attr, select, Browser};
use crate::support::{Org, TestApp};

/// A ★4 assessment with every criterion implemented, one comment and one evidence file on
/// the first criterion, submitted to an evaluation body: (supplier, body, evaluation id).
async fn submitted(app: &TestApp) -> (Org, Org, String) {
    let supplier = app.signup("ひかりシステム").await;
    let body = app.signup("しるべ評価機関").await;
    app.state
        .store()
        .set_evaluation_body(&body.id, true)
        .await
        .unwrap();
    let id = app.create_assessment(&supplier.token, 4).await;
    let all = app.criteria(4);
    for (i, c) in all.iter().enumerate() {
        let answer = if i == 0 {
            json!({ "status": "implemented", "comment": "情報セキュリティ基本方針を2025年に制定" })
        } else {
            json!({ "status": "implemented" })
        };
        app.answer(&supplier.token, &id, c, answer).await;
    }
    let form = Form::new()
        .text("criterion_id", all[0].clone())
        .text("evidence_date", "2026-11-01")
        .part(
            "file",
            Part::bytes(b"policy text".to_vec()).file_name("policy.txt"),
        );
    let r = TestApp::client()
        .post(app.url(&format!("/api/v1/assessments/{id}/evidence")))
        .bearer_auth(&supplier.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
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

/// The ★4 requirements in catalog order, each with its criteria.
fn requirements(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for c in app
        .state
        .catalog
        .criteria_for(shirube_catalog::StarLevel::Four)
    {
        let r = c.requirement_id.to_string();
        match out.iter_mut().find(|(id, _)| *id == r) {
            Some((_, cs)) => cs.push(c.id.to_string()),
            None => out.push((r, vec![c.id.to_string()])),
        }
    }
    out
}

async fn signed_in(app: &TestApp, org: &Org) -> Browser {
    let b = Browser::new(app);
    b.login(&org.email, "a long enough password").await;
    b
}

async fn findings(app: &TestApp, ev: &str, token: &str) -> Vec<Value> {
    let v: Value = app
        .get_json(&format!("/api/v1/evaluations/{ev}"), Some(token))
        .await;
    v["findings"].as_array().unwrap().clone()
}

/// Posts a requirement's form: `verdicts` as (criterion, verdict, comment).
async fn save(
    b: &Browser,
    ev: &str,
    requirement: &str,
    verdicts: &[(&str, &str, &str)],
) -> reqwest::Response {
    let csrf = b.csrf().await;
    let mut form: Vec<(String, String)> = vec![("csrf_token".into(), csrf)];
    for (c, v, comment) in verdicts {
        form.push((format!("v.{c}"), v.to_string()));
        form.push((format!("c.{c}"), comment.to_string()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post(
        &format!("/evaluations/{ev}/requirements/{requirement}"),
        &pairs,
    )
    .await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn the_review_shows_one_requirement_a_page_with_the_suppliers_answer_and_previous_and_next() {
    for app in TestApp::all().await {
        let (supplier, body, ev) = submitted(&app).await;
        let reqs = requirements(&app);
        let b = signed_in(&app, &body).await;
        let (status, html) = b.get(&format!("/evaluations/{ev}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            select(&html, "ol.review-reqs li").len(),
            reqs.len(),
            "the overview lists every ★4 requirement"
        );
        assert!(
            select(&html, "select").is_empty(),
            "no verdicts on the overview"
        );

        let (first, first_criteria) = &reqs[0];
        let (status, html) = b
            .get(&format!("/evaluations/{ev}/requirements/{first}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            select(&html, "fieldset.review-item").len(),
            first_criteria.len(),
            "one verdict per criterion of the requirement"
        );
        let c0 = &first_criteria[0];
        let item = format!("#c-{c0}");
        let text = select(&html, &item).join(" ");
        assert!(
            text.contains("情報セキュリティ基本方針を2025年に制定"),
            "{text}"
        );
        assert!(
            text.contains("実施している"),
            "the supplier's answer: {text}"
        );
        let evidence = attr(&html, &format!("{item} .review-evidence a"), "href").unwrap();
        let r = b.get(&evidence).await;
        assert_eq!(
            r.0,
            StatusCode::OK,
            "the body opens the supplier's evidence"
        );
        assert_eq!(r.1, "policy text");
        assert!(attr(&html, "a[rel=prev]", "href").is_none());
        assert_eq!(
            attr(&html, "a[rel=next]", "href").unwrap(),
            format!("/evaluations/{ev}/requirements/{}", reqs[1].0)
        );
        let (_, html) = b
            .get(&format!("/evaluations/{ev}/requirements/{}", reqs[1].0))
            .await;
        assert_eq!(
            attr(&html, "a[rel=prev]", "href").unwrap(),
            format!("/evaluations/{ev}/requirements/{first}")
        );

        // Not a ★4 requirement of this review, and not someone else's evaluation.
        let (status, _) = b
            .get(&format!("/evaluations/{ev}/requirements/9-9-9"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let stranger = app.signup("よその会社").await;
        let s = signed_in(&app, &stranger).await;
        let (status, _) = s
            .get(&format!("/evaluations/{ev}/requirements/{first}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = s.get(&evidence).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The supplier reads the same page without verdict inputs.
        let sb = signed_in(&app, &supplier).await;
        let (status, html) = sb
            .get(&format!("/evaluations/{ev}/requirements/{first}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(select(&html, "select").is_empty());
        assert_eq!(
            select(&html, "section.review-item").len(),
            first_criteria.len()
        );
    }
}

#[tokio::test]
async fn every_verdict_starts_as_not_judged_yet() {
    for app in TestApp::all().await {
        let (_, body, ev) = submitted(&app).await;
        let reqs = requirements(&app);
        let b = signed_in(&app, &body).await;
        for (r, criteria) in reqs.iter().take(3) {
            let (_, html) = b.get(&format!("/evaluations/{ev}/requirements/{r}")).await;
            for c in criteria {
                let sel = format!("select[name='v.{c}'] option[selected]");
                assert_eq!(
                    attr(&html, &sel, "value").as_deref(),
                    Some(""),
                    "{c} starts empty"
                );
                assert_eq!(select(&html, &sel), vec!["未判定".to_string()]);
            }
        }
    }
}

#[tokio::test]
async fn one_submit_saves_a_requirements_verdicts_and_goes_to_the_next_requirement_left() {
    for app in TestApp::all().await {
        let (_, body, ev) = submitted(&app).await;
        let reqs = requirements(&app);
        let b = signed_in(&app, &body).await;
        // Judge the second requirement first, so the first save skips it afterwards.
        let second: Vec<(&str, &str, &str)> = reqs[1]
            .1
            .iter()
            .map(|c| (c.as_str(), "conform", ""))
            .collect();
        let r = save(&b, &ev, &reqs[1].0, &second).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            location(&r),
            format!(
                "/evaluations/{ev}/requirements/{}?saved={}",
                reqs[2].0, reqs[1].0
            )
        );

        // On the first requirement: one nonconform with its reason, one left empty, the
        // rest conform.
        let first = &reqs[0].1;
        let mut verdicts: Vec<(&str, &str, &str)> =
            first.iter().map(|c| (c.as_str(), "conform", "")).collect();
        verdicts[0] = (first[0].as_str(), "nonconform", "承認の記録がありません");
        verdicts[1] = (first[1].as_str(), "", "");
        let r = save(&b, &ev, &reqs[0].0, &verdicts).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            location(&r),
            format!(
                "/evaluations/{ev}/requirements/{}?saved={}",
                reqs[2].0, reqs[0].0
            ),
            "the next requirement with criteria left, past the judged one"
        );
        let (status, html) = b.get(&location(&r)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(select(&html, "p.notice.ok").join("").contains(&reqs[0].0));

        let stored = findings(&app, &ev, &body.token).await;
        assert_eq!(stored.len(), first.len() - 1 + reqs[1].1.len());
        let f0 = stored
            .iter()
            .find(|f| f["criterion_id"] == first[0].as_str())
            .unwrap();
        assert_eq!(f0["verdict"], "nonconform");
        assert_eq!(f0["comment"], "承認の記録がありません");
        assert!(
            !stored
                .iter()
                .any(|f| f["criterion_id"] == first[1].as_str()),
            "left empty: still not judged"
        );
        // Back on the first page, the stored verdicts are selected and the empty one is not.
        let (_, html) = b
            .get(&format!("/evaluations/{ev}/requirements/{}", reqs[0].0))
            .await;
        let chosen = |c: &str| {
            attr(
                &html,
                &format!("select[name='v.{c}'] option[selected]"),
                "value",
            )
        };
        assert_eq!(chosen(&first[0]).as_deref(), Some("nonconform"));
        assert_eq!(chosen(&first[1]).as_deref(), Some(""));
    }
}

#[tokio::test]
async fn a_bad_verdict_is_refused_naming_the_verdicts_in_words_and_nothing_stored_is_lost() {
    for app in TestApp::all().await {
        let (_, body, ev) = submitted(&app).await;
        let reqs = requirements(&app);
        let (req, criteria) = &reqs[0];
        let (c0, c1) = (criteria[0].as_str(), criteria[1].as_str());
        let b = signed_in(&app, &body).await;
        let r = save(&b, &ev, req, &[(c0, "conform", "規程を確認")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        // An unknown verdict, a nonconformity without a reason: the page comes back.
        let r = save(
            &b,
            &ev,
            req,
            &[
                (c0, "more_evidence", ""),
                (c1, "fits", "typed comment to keep"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        let summary = select(&html, "#form-errors li").join(" | ");
        assert!(
            summary.contains(&format!(
                "{c1} の判定は「適合」「不適合」「追加の証跡が必要」"
            )),
            "{summary}"
        );
        assert!(summary.contains(&format!("{c0} を「不適合」")), "{summary}");
        assert!(!summary.contains("more_evidence") && !summary.contains("nonconform"));
        let v1 = attr(&html, &format!("select[name='v.{c1}']"), "id").unwrap();
        assert_eq!(
            attr(&html, &format!("#{v1}"), "aria-describedby"),
            Some(format!("{v1}-err"))
        );
        assert_eq!(
            select(&html, &format!("textarea[name='c.{c1}']")),
            vec!["typed comment to keep".to_string()],
            "what was typed stays"
        );
        assert_eq!(
            attr(
                &html,
                &format!("select[name='v.{c0}'] option[selected]"),
                "value"
            )
            .as_deref(),
            Some("more_evidence"),
            "the choice made stays"
        );
        assert!(
            !select(&html, "header").is_empty(),
            "the page keeps its header"
        );

        // The same in English.
        b.get("/lang/en?back=/dashboard").await;
        let r = save(&b, &ev, req, &[(c1, "fits", "")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        let summary = select(&html, "#form-errors li").join(" | ");
        assert!(
            summary.contains(&format!(
                "For {c1}, choose one of the verdicts: Conforms, Does not conform, or More evidence needed."
            )),
            "{summary}"
        );

        // Nothing was recorded by the refused forms.
        let stored = findings(&app, &ev, &body.token).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0]["verdict"], "conform");
        assert_eq!(stored[0]["comment"], "規程を確認");

        // The bulk API says the same in both languages, and records nothing either.
        let r = app
            .put_json(
                &format!("/api/v1/evaluations/{ev}/findings"),
                &body.token,
                json!({ "findings": [
                    { "criterion_id": c1, "verdict": "conform" },
                    { "criterion_id": criteria[2], "verdict": "ok" },
                ] }),
            )
            .await;
        let problem = crate::support::assert_problem(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "findings[1].verdict",
        )
        .await;
        let e = &problem["errors"][0];
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("Conforms, Does not conform, or More evidence needed"),
            "{e}"
        );
        assert!(
            e["message_ja"]
                .as_str()
                .unwrap()
                .contains("「適合」「不適合」「追加の証跡が必要」"),
            "{e}"
        );
        assert_eq!(e["label_ja"], "判定");
        assert_eq!(findings(&app, &ev, &body.token).await.len(), 1);

        // The bulk API records a whole set at once.
        let all: Vec<Value> = criteria
            .iter()
            .map(|c| json!({ "criterion_id": c, "verdict": "conform" }))
            .collect();
        let r = app
            .put_json(
                &format!("/api/v1/evaluations/{ev}/findings"),
                &body.token,
                json!({ "findings": all }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["saved"], criteria.len());
        // Only the body records findings.
        let supplier_try = app.signup("Not the body").await;
        let r = app
            .put_json(
                &format!("/api/v1/evaluations/{ev}/findings"),
                &supplier_try.token,
                json!({ "findings": [] }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_overview_counts_judged_criteria_and_jumps_to_the_first_requirement_left() {
    for app in TestApp::all().await {
        let (_, body, ev) = submitted(&app).await;
        let reqs = requirements(&app);
        let total = app.criteria(4).len();
        let mut items: Vec<Value> = reqs[0]
            .1
            .iter()
            .map(|c| json!({ "criterion_id": c, "verdict": "conform" }))
            .collect();
        items.push(json!({ "criterion_id": reqs[2].1[0], "verdict": "more_evidence", "comment": "最新の版を見せてください" }));
        let r = app
            .put_json(
                &format!("/api/v1/evaluations/{ev}/findings"),
                &body.token,
                json!({ "findings": items }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let judged = reqs[0].1.len() + 1;

        let b = signed_in(&app, &body).await;
        let (_, html) = b.get(&format!("/evaluations/{ev}")).await;
        assert_eq!(
            select(&html, "#review-progress").join(""),
            format!("判定済み {judged} / {total}")
        );
        assert_eq!(
            attr(&html, "#review-next", "href").unwrap(),
            format!("/evaluations/{ev}/requirements/{}", reqs[1].0),
            "the jump goes to the first requirement with criteria left"
        );
        let lines = select(&html, "ol.review-reqs li .review-count");
        assert_eq!(lines[0], format!("{0} / {0}", reqs[0].1.len()));
        assert_eq!(lines[1], format!("0 / {}", reqs[1].1.len()));
        assert_eq!(lines[2], format!("1 / {}", reqs[2].1.len()));
        let third = select(&html, "ol.review-reqs li").remove(2);
        assert!(third.contains("追加の証跡が必要 1"), "{third}");
        let (_, page) = b
            .get(&format!("/evaluations/{ev}/requirements/{}", reqs[2].0))
            .await;
        assert_eq!(
            select(&page, "#req-progress").join(""),
            format!("判定済み 1 / {}", reqs[2].1.len())
        );
    }
}

#[tokio::test]
async fn certify_says_why_it_is_not_possible_yet_and_a_posted_certify_comes_back_once_with_the_header(
) {
    for app in TestApp::all().await {
        let (_, body, ev) = submitted(&app).await;
        let total = app.criteria(4).len();
        let b = signed_in(&app, &body).await;
        let (_, html) = b.get(&format!("/evaluations/{ev}")).await;
        let why = select(&html, "#certify-why li").join(" | ");
        assert!(
            why.contains(&format!("まだ判定していない評価基準が {total} 件")),
            "{why}"
        );
        assert!(
            why.contains("技術検証の結果がまだ記録されていません"),
            "{why}"
        );
        assert!(
            attr(&html, "input[value=certify]", "disabled").is_some(),
            "certify cannot be chosen yet"
        );

        // Posted anyway: the overview comes back with the message once, the header and the
        // reason as typed.
        let csrf = b.csrf().await;
        let r = b
            .post(
                &format!("/evaluations/{ev}/decision"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("decision", "certify"),
                    ("reason", "書きかけの所見"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let html = r.text().await.unwrap();
        assert_eq!(html.matches("まだ認証できません。").count(), 1, "{html}");
        assert!(
            !select(&html, "form[action='/logout']").is_empty(),
            "the header"
        );
        assert_eq!(
            select(&html, "#f-reason"),
            vec!["書きかけの所見".to_string()]
        );
        assert!(
            attr(&html, "ol.review-reqs a", "href").is_some(),
            "links back into the review"
        );

        // Refusing without a reason: named beside the reason, in both languages.
        let r = b
            .post(
                &format!("/evaluations/{ev}/decision"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("decision", "refuse"),
                    ("reason", " "),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(
            select(&html, "#f-reason-err"),
            vec!["差し戻す場合は理由を書いてください。".to_string()]
        );
        assert_eq!(
            attr(&html, "#f-reason", "aria-describedby").as_deref(),
            Some("f-reason-err")
        );
        b.get("/lang/en?back=/dashboard").await;
        let r = b
            .post(
                &format!("/evaluations/{ev}/decision"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("decision", "certify"),
                    ("reason", ""),
                ],
            )
            .await;
        let html = r.text().await.unwrap();
        assert_eq!(html.matches("You cannot certify yet.").count(), 1, "{html}");
        assert!(select(&html, "#certify-why li")
            .join(" ")
            .contains(&format!("{total} criteria are not judged yet")));
        b.get("/lang/ja?back=/dashboard").await;

        // Nothing was decided; once everything conforms and the technical verification is
        // recorded, certify can be chosen and works.
        let v: Value = app
            .get_json(&format!("/api/v1/evaluations/{ev}"), Some(&body.token))
            .await;
        assert_eq!(v["evaluation"]["status"], "submitted");
        app.conform_every_criterion(&ev, &body.token).await;
        app.put_json(
            &format!("/api/v1/evaluations/{ev}/findings/technical_verification"),
            &body.token,
            json!({ "verdict": "conform", "comment": "外部脆弱性診断: 重大な指摘なし" }),
        )
        .await;
        let (_, html) = b.get(&format!("/evaluations/{ev}")).await;
        assert!(select(&html, "#certify-why").is_empty());
        assert!(attr(&html, "input[value=certify]", "disabled").is_none());
        let r = b
            .post(
                &format!("/evaluations/{ev}/decision"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("decision", "certify"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let v: Value = app
            .get_json(&format!("/api/v1/evaluations/{ev}"), Some(&body.token))
            .await;
        assert_eq!(v["evaluation"]["status"], "certified");
    }
}

#[tokio::test]
async fn a_recorded_verdict_can_be_taken_back_to_not_judged_on_the_page_and_by_the_api() {
    for app in TestApp::all().await {
        let (_, body, ev) = submitted(&app).await;
        let reqs = requirements(&app);
        let b = signed_in(&app, &body).await;
        let first = &reqs[0].1;
        let verdicts: Vec<(&str, &str, &str)> =
            first.iter().map(|c| (c.as_str(), "conform", "")).collect();
        let r = save(&b, &ev, &reqs[0].0, &verdicts).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(findings(&app, &ev, &body.token).await.len(), first.len());

        // A judged criterion offers "not judged" again, as a choice that takes it back.
        let (_, html) = b
            .get(&format!("/evaluations/{ev}/requirements/{}", reqs[0].0))
            .await;
        let options = select(&html, &format!("select[name='v.{}'] option", first[0]));
        assert!(options[0].contains("未判定に戻す"), "{options:?}");
        let mut verdicts = verdicts.clone();
        verdicts[0] = (first[0].as_str(), "not_judged", "");
        let r = save(&b, &ev, &reqs[0].0, &verdicts).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let stored = findings(&app, &ev, &body.token).await;
        assert_eq!(stored.len(), first.len() - 1);
        assert!(!stored
            .iter()
            .any(|f| f["criterion_id"] == first[0].as_str()));
        let (_, html) = b
            .get(&format!("/evaluations/{ev}/requirements/{}", reqs[0].0))
            .await;
        assert_eq!(
            attr(
                &html,
                &format!("select[name='v.{}'] option[selected]", first[0]),
                "value"
            )
            .as_deref(),
            Some(""),
            "not judged again"
        );

        // The bulk API takes a verdict back the same way.
        let r = TestApp::client()
            .put(app.url(&format!("/api/v1/evaluations/{ev}/findings")))
            .bearer_auth(&body.token)
            .json(&json!({ "findings": [{ "criterion_id": first[1], "verdict": "not_judged" }] }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let stored = findings(&app, &ev, &body.token).await;
        assert_eq!(stored.len(), first.len() - 2);
    }
}

#[tokio::test]
async fn a_question_for_the_supplier_is_sent_with_the_verdicts_and_a_too_long_one_saves_nothing() {
    for app in TestApp::all().await {
        let (supplier, body, ev) = submitted(&app).await;
        let reqs = requirements(&app);
        let b = signed_in(&app, &body).await;
        let first = &reqs[0].1;
        let csrf = b.csrf().await;
        let form = |message: String| {
            let mut form: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
            for c in first {
                form.push((format!("v.{c}"), "conform".into()));
                form.push((format!("c.{c}"), String::new()));
            }
            form.push((format!("m.{}", first[0]), message));
            form
        };
        let post = |form: Vec<(String, String)>| {
            let b = &b;
            let to = format!("/evaluations/{ev}/requirements/{}", reqs[0].0);
            async move {
                let pairs: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                b.post(&to, &pairs).await
            }
        };

        let r = post(form("あ".repeat(5001))).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(select(&html, "#f-findings-0--message-err")
            .join("")
            .contains("5000"));
        assert_eq!(
            select(&html, "#f-findings-0--message")
                .join("")
                .chars()
                .count(),
            5001,
            "the message comes back as typed"
        );
        assert!(
            findings(&app, &ev, &body.token).await.is_empty(),
            "nothing saved"
        );

        let r = post(form("運用記録の2026年10月分も見せてください".into())).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let v: Value = app
            .get_json(&format!("/api/v1/evaluations/{ev}"), Some(&supplier.token))
            .await;
        let comments = v["comments"].as_array().unwrap();
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0]["criterion_id"], first[0].as_str());
        assert_eq!(
            comments[0]["body"],
            "運用記録の2026年10月分も見せてください"
        );
        assert_eq!(findings(&app, &ev, &body.token).await.len(), first.len());
    }
}

#[tokio::test]
async fn the_evaluation_body_is_told_in_its_inbox_when_a_supplier_submits_and_no_one_else_is() {
    for app in TestApp::all().await {
        let (supplier, body, _) = submitted(&app).await;
        let inbox = |token: String| {
            let app = &app;
            async move {
                let v: Value = app.get_json("/api/v1/notifications", Some(&token)).await;
                v.as_array().unwrap().clone()
            }
        };
        let told: Vec<Value> = inbox(body.token.clone())
            .await
            .into_iter()
            .filter(|n| n["kind"] == "evaluation.submitted")
            .collect();
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].to_string().contains("ひかりシステム"), "{told:?}");
        assert!(!inbox(supplier.token.clone())
            .await
            .iter()
            .any(|n| n["kind"] == "evaluation.submitted"));
    }
}
