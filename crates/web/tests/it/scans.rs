//! Vulnerability checks over HTTP: uploads scanned against an advisory index written by the
//! test, results attached as evidence, isolation and roles, bad files, and the re-scan that
//! fills the inbox when new advisories arrive.

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use scraper::{Html, Selector};
use serde_json::Value;

use crate::support::{assert_problem, Org, TestApp};

const SMALLVEC: &str = r#"{"id":"RUSTSEC-2021-0003","aliases":["CVE-2021-25900","GHSA-43w2-9j62-hq99"],
  "summary":"Buffer overflow in SmallVec::insert_many",
  "affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},
  "ranges":[{"type":"SEMVER","events":[{"introduced":"0.6.3"},{"fixed":"0.6.14"},{"introduced":"1.0.0"},{"fixed":"1.6.1"}]}]}]}"#;

const REQUESTS: &str = r#"{"id":"PYSEC-2023-74","aliases":["CVE-2023-32681"],
  "summary":"Proxy-Authorization header leaked on redirect",
  "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N"}],
  "affected":[{"package":{"ecosystem":"PyPI","name":"requests"},
  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.3.0"},{"fixed":"2.31.0"}]}]}]}"#;

/// Published after the first import: found only by the re-scan.
const SMALLVEC_LATER: &str = r#"{"id":"RUSTSEC-2099-0001","aliases":["CVE-2099-0001"],
  "summary":"A later smallvec advisory",
  "affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},
  "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.13.0"}]}]}]}"#;

const CARGO_LOCK: &str = r#"version = 3

[[package]]
name = "smallvec"
version = "1.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "itoa"
version = "1.0.11"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

const REQUIREMENTS: &str = "requests==2.28.0\nidna==3.4\n";

/// Writes `<data-dir>/advisories.idx` from OSV JSON fixtures, as `shirube advisories import` would.
fn write_index(app: &TestApp, advisories: &[&str]) {
    let mut b = shirube_vuln::IndexBuilder::new();
    for a in advisories {
        b.add_osv_json(a.as_bytes()).unwrap();
    }
    let path = app
        .state
        .config
        .data_dir
        .join(shirube_app::scans::INDEX_FILE);
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, b.build().to_bytes()).unwrap();
    std::fs::rename(tmp, path).unwrap();
}

async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    body: &str,
    assessment: Option<&str>,
) -> reqwest::Response {
    let mut form = Form::new().part(
        "file",
        Part::bytes(body.as_bytes().to_vec()).file_name(name.to_string()),
    );
    if let Some(a) = assessment {
        form = form.text("assessment_id", a.to_string());
    }
    TestApp::client()
        .post(app.url("/api/v1/scans"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn json(r: reqwest::Response) -> Value {
    r.json().await.unwrap()
}

fn ids(v: &Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_cargo_lock_upload_lists_findings_with_fixes_and_becomes_evidence_on_the_level_3_criteria(
) {
    for app in TestApp::all().await {
        write_index(&app, &[SMALLVEC, REQUESTS]);
        let org = app.signup("みなと精工").await;
        let assessment = app.create_assessment(&org.token, 3).await;
        let r = upload(
            &app,
            &org.token,
            "Cargo.lock",
            CARGO_LOCK,
            Some(&assessment),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", app.backend);
        let v = json(r).await;
        assert_eq!(v["format"], "Cargo.lock");
        assert_eq!(v["findings"].as_array().unwrap().len(), 1);
        let f = &v["findings"][0];
        assert_eq!(f["package"], "smallvec");
        assert_eq!(f["version"], "1.6.0");
        assert_eq!(f["advisory_id"], "RUSTSEC-2021-0003");
        assert_eq!(f["aliases"][0], "CVE-2021-25900");
        assert_eq!(f["fixed"], serde_json::json!(["0.6.14", "1.6.1"]));
        assert_eq!(v["summary"]["components"], 2);
        assert_eq!(v["summary"]["findings"], 1);
        assert_eq!(v["evidence_ids"].as_array().unwrap().len(), 3);

        // ★3: inventory and patching, but not 3-2-1-1, which is a ★4 criterion.
        let a = json(
            app.get(
                &format!("/api/v1/assessments/{assessment}"),
                Some(&org.token),
            )
            .await,
        )
        .await;
        assert_eq!(
            ids(&a["evidence"], "criterion_id"),
            ["3-1-1-1", "4-4-4-1", "4-4-4-2"]
        );
        let ev = &a["evidence"][0];
        assert_eq!(ev["kind"], "scan");
        assert_eq!(ev["url"], format!("/checks/{}", v["id"].as_str().unwrap()));
        assert_eq!(ev["evidence_date"].as_str().unwrap().len(), 10);

        // Read back, and listed.
        let id = v["id"].as_str().unwrap();
        let got = json(
            app.get(&format!("/api/v1/scans/{id}"), Some(&org.token))
                .await,
        )
        .await;
        assert_eq!(got["findings"], v["findings"]);
        assert_eq!(got["assessment_id"], assessment.as_str());
        let list = json(app.get("/api/v1/scans", Some(&org.token)).await).await;
        assert_eq!(list[0]["id"], id);
        assert_eq!(list[0]["findings"], 1);
    }
}

#[tokio::test]
async fn a_requirements_file_is_checked_and_a_level_4_assessment_also_gets_vulnerability_management(
) {
    for app in TestApp::all().await {
        write_index(&app, &[SMALLVEC, REQUESTS]);
        let org = app.signup("Four").await;
        let assessment = app.create_assessment(&org.token, 4).await;
        let r = upload(
            &app,
            &org.token,
            "requirements.txt",
            REQUIREMENTS,
            Some(&assessment),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let v = json(r).await;
        assert_eq!(v["findings"][0]["advisory_id"], "PYSEC-2023-74");
        assert_eq!(v["findings"][0]["fixed"][0], "2.31.0");
        assert!(v["findings"][0]["severity"]
            .as_str()
            .unwrap()
            .starts_with("CVSS:3.1/"));
        let a = json(
            app.get(
                &format!("/api/v1/assessments/{assessment}"),
                Some(&org.token),
            )
            .await,
        )
        .await;
        assert_eq!(
            ids(&a["evidence"], "criterion_id"),
            ["3-1-1-1", "3-2-1-1", "4-4-4-1", "4-4-4-2"]
        );

        // Without an assessment nothing is attached.
        let r = upload(&app, &org.token, "requirements.txt", REQUIREMENTS, None).await;
        let v = json(r).await;
        assert_eq!(v["assessment_id"], Value::Null);
        assert_eq!(v["evidence_ids"].as_array().unwrap().len(), 0);
    }
}

#[tokio::test]
async fn without_imported_advisories_a_check_is_refused_in_both_languages() {
    for app in TestApp::all().await {
        let org = app.signup("No index").await;
        let r = upload(&app, &org.token, "Cargo.lock", CARGO_LOCK, None).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let v = json(r).await;
        assert!(
            v["detail"]
                .as_str()
                .unwrap()
                .contains("shirube advisories import"),
            "{v}"
        );
        assert!(
            v["detail_ja"].as_str().unwrap().contains("脆弱性情報"),
            "{v}"
        );
        let list = json(app.get("/api/v1/scans", Some(&org.token)).await).await;
        assert_eq!(list.as_array().unwrap().len(), 0, "nothing stored");
    }
}

#[tokio::test]
async fn bad_files_and_bad_assessments_are_refused_naming_the_field() {
    for app in TestApp::all().await {
        write_index(&app, &[SMALLVEC]);
        let org = app.signup("Bad files").await;
        let v = assert_problem(
            upload(
                &app,
                &org.token,
                "bom.json",
                "{\"bomFormat\": \"CycloneDX\", ",
                None,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
        )
        .await;
        let msg = v["errors"][0]["message"].as_str().unwrap();
        assert!(
            msg.len() > "This file could not be read as an SBOM or lockfile:".len() + 3,
            "the parser's reason is given: {msg}"
        );
        assert!(v["errors"][0]["message_ja"]
            .as_str()
            .unwrap()
            .contains("読み取れません"));
        assert_problem(
            upload(
                &app,
                &org.token,
                "notes.txt",
                "hello, this is not a lockfile",
                None,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
        )
        .await;
        assert_problem(
            upload(&app, &org.token, "Cargo.lock", "", None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
        )
        .await;

        let other = app.signup("Other").await;
        let foreign = app.create_assessment(&other.token, 3).await;
        assert_problem(
            upload(&app, &org.token, "Cargo.lock", CARGO_LOCK, Some(&foreign)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "assessment_id",
        )
        .await;
        let a = json(
            app.get(
                &format!("/api/v1/assessments/{foreign}"),
                Some(&other.token),
            )
            .await,
        )
        .await;
        assert_eq!(
            a["evidence"].as_array().unwrap().len(),
            0,
            "nothing attached to another organisation's assessment"
        );

        // A form without a file.
        let r = TestApp::client()
            .post(app.url("/api/v1/scans"))
            .bearer_auth(&org.token)
            .multipart(Form::new().text("assessment_id", ""))
            .send()
            .await
            .unwrap();
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "file").await;
        let list = json(app.get("/api/v1/scans", Some(&org.token)).await).await;
        assert_eq!(list.as_array().unwrap().len(), 0);
    }
}

#[tokio::test]
async fn another_organisation_gets_404_and_a_viewer_may_read_but_not_upload() {
    for app in TestApp::all().await {
        write_index(&app, &[SMALLVEC]);
        let org = app.signup("Owner org").await;
        let v = json(upload(&app, &org.token, "Cargo.lock", CARGO_LOCK, None).await).await;
        let id = v["id"].as_str().unwrap();

        let stranger = app.signup("Stranger").await;
        let r = app
            .get(&format!("/api/v1/scans/{id}"), Some(&stranger.token))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let list = json(app.get("/api/v1/scans", Some(&stranger.token)).await).await;
        assert_eq!(list.as_array().unwrap().len(), 0);
        assert_eq!(
            app.get(&format!("/api/v1/scans/{id}"), None).await.status(),
            StatusCode::UNAUTHORIZED
        );

        let viewer = app.member(&org, "viewer").await;
        assert_eq!(
            upload(&app, &viewer, "Cargo.lock", CARGO_LOCK, None)
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get(&format!("/api/v1/scans/{id}"), Some(&viewer))
                .await
                .status(),
            StatusCode::OK
        );
        let member = app.member(&org, "member").await;
        assert_eq!(
            upload(&app, &member, "Cargo.lock", CARGO_LOCK, None)
                .await
                .status(),
            StatusCode::CREATED
        );
    }
}

#[tokio::test]
async fn a_new_advisory_import_rescans_stored_files_and_notifies_only_their_organisation() {
    for mut app in TestApp::all().await {
        let (port, mut mail) = crate::support::smtp_sink().await;
        app.state.mailer = Some(std::sync::Arc::new(
            shirube_app::notifications::Mailer::new(
                &format!("smtp://127.0.0.1:{port}"),
                "shirube@example.jp",
            )
            .unwrap(),
        ));
        write_index(&app, &[SMALLVEC]);
        let org = app.signup("Rescan").await;
        let bystander = app.signup("Bystander").await;
        let v = json(upload(&app, &org.token, "Cargo.lock", CARGO_LOCK, None).await).await;
        let id = v["id"].as_str().unwrap().to_string();
        json(
            upload(
                &app,
                &bystander.token,
                "requirements.txt",
                REQUIREMENTS,
                None,
            )
            .await,
        )
        .await;

        // Nothing changed: nothing to re-scan.
        let out = shirube_app::scans::check_advisories(&app.state)
            .await
            .unwrap();
        assert_eq!(out.rescanned, 0);

        write_index(&app, &[SMALLVEC, REQUESTS, SMALLVEC_LATER]);
        let out = shirube_app::scans::check_advisories(&app.state)
            .await
            .unwrap();
        assert_eq!(out.rescanned, 2, "every stored file is scanned again");
        assert_eq!(
            out.notified, 2,
            "each organisation learns of its new advisories"
        );
        let mut recipients = Vec::new();
        for _ in 0..2 {
            let message = tokio::time::timeout(std::time::Duration::from_secs(10), mail.recv())
                .await
                .expect("a re-scan e-mail")
                .unwrap();
            assert!(message.contains("Subject:"), "{message}");
            recipients.push(message.to_ascii_lowercase());
        }
        assert!(
            recipients.iter().any(|m| m.contains("to: owner")),
            "mailed to the owners: {recipients:?}"
        );

        let inbox = json(app.get("/api/v1/notifications", Some(&org.token)).await).await;
        let inbox = inbox.as_array().unwrap();
        assert_eq!(inbox.len(), 1);
        let n = &inbox[0];
        assert_eq!(n["kind"], "scan.new_findings");
        assert_eq!(n["link"], format!("/checks/{id}"));
        assert!(n["title"]["en"].as_str().unwrap().contains("Cargo.lock"));
        assert!(n["body"]["en"]
            .as_str()
            .unwrap()
            .contains("RUSTSEC-2099-0001"));
        assert!(
            !n["body"]["en"]
                .as_str()
                .unwrap()
                .contains("RUSTSEC-2021-0003"),
            "only advisories the file did not have"
        );
        assert!(n["body"]["ja"]
            .as_str()
            .unwrap()
            .contains("RUSTSEC-2099-0001"));
        assert_eq!(n["read_at"], Value::Null);

        let other_inbox = json(
            app.get("/api/v1/notifications", Some(&bystander.token))
                .await,
        )
        .await;
        assert!(other_inbox[0]["body"]["en"]
            .as_str()
            .unwrap()
            .contains("PYSEC-2023-74"));
        let nid = n["id"].as_str().unwrap();
        let r = TestApp::client()
            .post(app.url(&format!("/api/v1/notifications/{nid}/read")))
            .bearer_auth(&bystander.token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "another organisation cannot touch it"
        );
        let r = TestApp::client()
            .post(app.url(&format!("/api/v1/notifications/{nid}/read")))
            .bearer_auth(&org.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let inbox = json(app.get("/api/v1/notifications", Some(&org.token)).await).await;
        assert!(inbox[0]["read_at"].is_string());

        let s = json(
            app.get(&format!("/api/v1/scans/{id}"), Some(&org.token))
                .await,
        )
        .await;
        assert_eq!(
            ids(&s["findings"], "advisory_id"),
            ["RUSTSEC-2021-0003", "RUSTSEC-2099-0001"]
        );
        assert_ne!(s["advisories_fingerprint"], v["advisories_fingerprint"]);

        // Already up to date: a second check does nothing and notifies no one again.
        let out = shirube_app::scans::check_advisories(&app.state)
            .await
            .unwrap();
        assert_eq!(out, Default::default());
        assert_eq!(
            json(app.get("/api/v1/notifications", Some(&org.token)).await)
                .await
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

fn select(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attr(html: &str, css: &str, name: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(name).map(str::to_string))
}

async fn browser(app: &TestApp, org: &Org) -> Client {
    let c = TestApp::client();
    let r = c
        .post(app.url("/login"))
        .header("origin", &app.base)
        .form(&[
            ("email", org.email.as_str()),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    c
}

#[tokio::test]
async fn a_supplier_checks_a_lockfile_in_the_browser_and_sees_the_findings_as_evidence() {
    for app in TestApp::all().await {
        write_index(&app, &[SMALLVEC, REQUESTS]);
        let org = app.signup("Browser").await;
        let assessment = app.create_assessment(&org.token, 3).await;
        let b = browser(&app, &org).await;

        // From the criterion page to the checks page with the assessment chosen.
        let html = b
            .get(app.url(&format!("/assessments/{assessment}/criteria/3-1-1-1")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let href = attr(&html, ".scan-link a", "href").expect("a link to the checks page");
        assert_eq!(href, format!("/checks?assessment={assessment}"));
        assert_eq!(
            attr(
                &html,
                "form.scan-upload[action='/checks'] input[name=assessment_id]",
                "value"
            )
            .as_deref(),
            Some(assessment.as_str()),
            "or upload right there"
        );
        assert_eq!(
            select(&html, "form.scan-upload label[for=scan_file]").len(),
            1
        );
        let html = b
            .get(app.url(&href))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            attr(&html, "select#f-assessment-id option[selected]", "value").as_deref(),
            Some(assessment.as_str())
        );
        assert!(select(&html, "header nav a").contains(&"脆弱性チェック".to_string()));
        let csrf = attr(
            &html,
            "form[action='/checks'] input[name=csrf_token]",
            "value",
        )
        .unwrap();

        let form = Form::new()
            .text("csrf_token", csrf.clone())
            .text("assessment_id", assessment.clone())
            .part(
                "file",
                Part::bytes(CARGO_LOCK.as_bytes().to_vec()).file_name("Cargo.lock"),
            );
        let r = b
            .post(app.url("/checks"))
            .header("origin", &app.base)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let html = b
            .get(app.url(&to))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(select(&html, "table.findings td.advisory").len(), 1);
        assert!(select(&html, "table.findings td.advisory")[0].contains("RUSTSEC-2021-0003"));
        assert!(select(&html, "table.findings td.advisory")[0].contains("CVE-2021-25900"));
        assert_eq!(select(&html, "table.findings td.fixed"), ["0.6.14, 1.6.1"]);

        let html = b
            .get(app.url(&format!("/assessments/{assessment}/criteria/4-4-4-1")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            attr(&html, "ul.evidence a", "href").as_deref(),
            Some(to.as_str())
        );

        // A bad file re-renders the form with the reason next to the file input.
        let form = Form::new().text("csrf_token", csrf).part(
            "file",
            Part::bytes(b"not a lockfile".to_vec()).file_name("x.txt"),
        );
        let r = b
            .post(app.url("/checks"))
            .header("origin", &app.base)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(select(&html, ".field-error").len(), 1);

        // The list, in English too.
        let html = b
            .get(app.url("/lang/en?back=/checks"))
            .send()
            .await
            .unwrap();
        assert_eq!(html.status(), StatusCode::SEE_OTHER);
        let html = b
            .get(app.url("/checks"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(select(&html, "h1"), ["Vulnerability check"]);
        assert_eq!(select(&html, "table.checks td.findings"), ["1"]);

        // The inbox after a re-scan, and marking it read.
        write_index(&app, &[SMALLVEC, REQUESTS, SMALLVEC_LATER]);
        shirube_app::scans::check_advisories(&app.state)
            .await
            .unwrap();
        let html = b
            .get(app.url("/inbox"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(select(&html, "ul.inbox li.unread").len(), 1);
        let action = attr(&html, "ul.inbox form", "action").unwrap();
        let csrf = attr(&html, "ul.inbox form input[name=csrf_token]", "value").unwrap();
        let r = b
            .post(app.url(&action))
            .header("origin", &app.base)
            .form(&[("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html = b
            .get(app.url("/inbox"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(select(&html, "ul.inbox li.read").len(), 1);

        // Another organisation's browser gets 404 on the scan page.
        let stranger = app.signup("Stranger").await;
        let s = browser(&app, &stranger).await;
        assert_eq!(
            s.get(app.url(&to)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn an_engaged_expert_reads_the_clients_scan_results_and_loses_them_when_the_engagement_ends()
{
    for app in TestApp::all().await {
        write_index(&app, &[SMALLVEC]);
        let client = app.signup("みなと精工").await;
        let v = json(upload(&app, &client.token, "Cargo.lock", CARGO_LOCK, None).await).await;
        let id = v["id"].as_str().unwrap();
        let path = format!("/api/v1/scans/{id}");
        let expert = crate::experts::approved_expert(&app, "検査 十郎").await;
        assert_eq!(
            app.get(&path, Some(&expert.token)).await.status(),
            StatusCode::NOT_FOUND
        );
        let engagement = crate::experts::engage(&app, &client, &expert).await;
        let r = app.get(&path, Some(&expert.token)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let reads = json(app.get("/api/v1/expert-reads", Some(&client.token)).await).await;
        assert_eq!(reads[0]["subject"], id);
        assert_eq!(reads[0]["detail"]["what"], "scan");
        let r = Client::new()
            .delete(app.url(&format!("/api/v1/engagements/{engagement}")))
            .bearer_auth(&expert.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            app.get(&path, Some(&expert.token)).await.status(),
            StatusCode::NOT_FOUND
        );
    }
}
