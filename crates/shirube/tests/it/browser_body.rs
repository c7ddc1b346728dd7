//! In headless Chromium, the evaluation body's ★4 review: from the queue to the overview,
//! "go to what is left", a requirement's verdicts (all starting "not judged yet") saved in
//! one submit, progress on the overview, certify greyed out with the reasons until every
//! criterion conforms and the technical verification is recorded, then certified. A
//! requirement page on a 390 px phone does not scroll sideways. Skips without Chromium.

use std::process::{Command, Stdio};

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::browser::{
    click, corporate_number, fill, free_port, on_path, start_chromedriver, submit, text,
    wait_ready, Killed, Res,
};
use crate::browser_roles::{axe_source, check_page, connect};

const SHOTS: &str = "/tmp/shirube-screens";

fn signup(
    http: &reqwest::blocking::Client,
    base: &str,
    name: &str,
    number: &str,
    email: &str,
) -> String {
    let body = json!({
        "organization": { "name": name, "corporate_number": number, "industry": "E", "employees": 40, "prefecture": "13" },
        "user": { "email": email, "password": "review passphrase", "name": "担当者" }
    });
    let r = http
        .post(format!("{base}/api/v1/signup"))
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let token: Value = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({ "email": email, "password": "review passphrase" }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    token["token"].as_str().unwrap().to_string()
}

/// The supplier answers every ★4 criterion and submits to the body: the evaluation's id.
fn submitted(base: &str, data_dir: &std::path::Path) -> (String, String) {
    let http = reqwest::blocking::Client::new();
    let supplier = signup(
        &http,
        base,
        "ひかりシステム",
        &corporate_number("300002000001"),
        "s@hikari.example.jp",
    );
    let body_number = corporate_number("300002000002");
    let body = signup(
        &http,
        base,
        "しるべ評価機関",
        &body_number,
        "a@hyouka.example.jp",
    );
    let granted = Command::new(env!("CARGO_BIN_EXE_shirube"))
        .args(["admin", "grant-assessor", "--data-dir"])
        .arg(data_dir)
        .args(["--corporate-number", &body_number])
        .output()
        .unwrap();
    assert!(
        granted.status.success(),
        "{}",
        String::from_utf8_lossy(&granted.stderr)
    );
    let created: Value = http
        .post(format!("{base}/api/v1/assessments"))
        .bearer_auth(&supplier)
        .json(&json!({ "target_level": 4 }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let catalog: Value = http
        .get(format!("{base}/api/v1/catalog?level=4"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    for c in catalog["criteria"].as_array().unwrap() {
        let cid = c["id"].as_str().unwrap();
        let r = http
            .put(format!("{base}/api/v1/assessments/{id}/answers/{cid}"))
            .bearer_auth(&supplier)
            .json(&json!({ "status": "implemented", "comment": "社内規程に定め、年1回見直しています" }))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let me: Value = http
        .get(format!("{base}/api/v1/evaluation-bodies"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let body_id = me[0]["id"].as_str().unwrap().to_string();
    let r = http
        .post(format!("{base}/api/v1/assessments/{id}/submission"))
        .bearer_auth(&supplier)
        .json(&json!({ "body_id": body_id }))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let ev: Value = r.json().unwrap();
    (ev["id"].as_str().unwrap().to_string(), body)
}

async fn shot(c: &Client, name: &str) -> Res<()> {
    std::fs::create_dir_all(SHOTS)?;
    std::fs::write(format!("{SHOTS}/{name}.png"), c.screenshot().await?)?;
    Ok(())
}

/// The values of every verdict drop-down on the page.
async fn verdicts(c: &Client) -> Res<Vec<String>> {
    let mut out = Vec::new();
    for s in c.find_all(Locator::Css("form.review-form select")).await? {
        out.push(s.prop("value").await?.unwrap_or_default());
    }
    Ok(out)
}

async fn login(c: &Client, base: &str) -> Res<()> {
    c.goto(&format!("{base}/login")).await?;
    fill(c, "#email", "a@hyouka.example.jp").await?;
    fill(c, "#password", "review passphrase").await?;
    let from = c.current_url().await?.to_string();
    submit(c, "main form button[type=submit]", &from).await?;
    Ok(())
}

/// On a 390 px phone: the overview and a requirement's form hold the width, show no
/// internal code and pass axe.
async fn on_a_phone(c: &Client, base: &str, ev: &str, axe: Option<&str>) -> Res<()> {
    std::fs::create_dir_all(SHOTS)?;
    login(c, base).await?;
    c.goto(&format!("{base}/evaluations/{ev}")).await?;
    let mut problems = check_page(c, axe, true, "body-overview-phone").await?;
    let from = c.current_url().await?.to_string();
    submit(c, "#review-next", &from).await?;
    if c.find_all(Locator::Css("form.review-form select"))
        .await?
        .is_empty()
    {
        return Err("the requirement page on a phone has no verdicts".into());
    }
    problems.extend(check_page(c, axe, true, "body-requirement-phone").await?);
    if !problems.is_empty() {
        return Err(problems.join("\n").into());
    }
    Ok(())
}

async fn journey(c: &Client, base: &str, ev: &str, body_token: &str, axe: Option<&str>) -> Res<()> {
    std::fs::create_dir_all(SHOTS)?;
    login(c, base).await?;

    c.goto(&format!("{base}/evaluations")).await?;
    let from = c.current_url().await?.to_string();
    submit(c, "main table a", &from).await?;
    let progress = text(c, "#review-progress").await?;
    if !progress.starts_with("判定済み 0 /") {
        return Err(format!("a new review starts at 0: {progress:?}").into());
    }
    let why = text(c, "#certify-why").await?;
    if !why.contains("まだ判定していない評価基準が") {
        return Err(format!("certify should say what is missing: {why:?}").into());
    }
    if c.find(Locator::Css("input[value=certify]"))
        .await?
        .attr("disabled")
        .await?
        .is_none()
    {
        return Err("certify should not be selectable yet".into());
    }
    let mut problems = check_page(c, axe, false, "body-overview-desktop").await?;

    // Two requirements through their pages: every drop-down starts empty.
    for round in 0..2 {
        let from = c.current_url().await?.to_string();
        submit(c, "#review-next", &from).await?;
        let here = c.current_url().await?.path().to_string();
        let values = verdicts(c).await?;
        if values.is_empty() || values.iter().any(|v| !v.is_empty()) {
            return Err(format!("verdicts on {here} should all start empty: {values:?}").into());
        }
        if round == 0 {
            problems.extend(check_page(c, axe, false, "body-requirement-desktop").await?);
        }
        let selects = c.find_all(Locator::Css("form.review-form select")).await?;
        for s in &selects {
            s.select_by_value("conform").await?;
        }
        let from = c.current_url().await?.to_string();
        let to = submit(c, "form.review-form button[type=submit]", &from).await?;
        if to == here {
            return Err(format!("saving {here} should go on to the next requirement").into());
        }
        let notice = text(c, ".notice.ok").await?;
        if !notice.contains("保存しました") {
            return Err(format!("no saved notice after {here}: {notice:?}").into());
        }
        c.goto(&format!("{base}/evaluations/{ev}")).await?;
    }
    let progress = text(c, "#review-progress").await?;
    if progress.starts_with("判定済み 0 /") {
        return Err(format!("progress should count the saved verdicts: {progress:?}").into());
    }

    // The rest over the bulk API, as a body's own tool would; the technical verification
    // and the decision in the browser.
    let http = reqwest::Client::new();
    let catalog: Value = http
        .get(format!("{base}/api/v1/catalog?level=4"))
        .send()
        .await?
        .json()
        .await?;
    let all: Vec<Value> = catalog["criteria"]
        .as_array()
        .ok_or("no criteria")?
        .iter()
        .map(|c| json!({ "criterion_id": c["id"], "verdict": "conform" }))
        .collect();
    let r = http
        .put(format!("{base}/api/v1/evaluations/{ev}/findings"))
        .bearer_auth(body_token)
        .json(&json!({ "findings": all }))
        .send()
        .await?;
    if r.status() != 200 {
        return Err(format!("bulk findings answered {}", r.status()).into());
    }
    c.goto(&format!("{base}/evaluations/{ev}")).await?;
    if !c.find_all(Locator::Css("#review-next")).await?.is_empty() {
        return Err("nothing should be left to judge".into());
    }
    fill(c, "#tech", "2026-11 外部脆弱性診断：重大な指摘なし").await?;
    let from = c.current_url().await?.to_string();
    submit(c, "form[action$='/findings'] button", &from).await?;
    if !c.find_all(Locator::Css("#certify-why")).await?.is_empty() {
        return Err("certify should be possible now".into());
    }
    click(c, "input[value=certify]").await?;
    let from = c.current_url().await?.to_string();
    submit(c, "form[action$='/decision'] button[type=submit]", &from).await?;
    let status = text(c, "h1 .badge").await?;
    if status != "認証済み" {
        return Err(format!("the evaluation should be certified: {status:?}").into());
    }
    shot(c, "body-certified-desktop").await?;

    if !problems.is_empty() {
        return Err(problems.join("\n").into());
    }
    Ok(())
}

#[test]
fn an_evaluation_body_reviews_a_level_4_submission_a_requirement_at_a_time_and_certifies_it() {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!("skipping the evaluation body browser test: chromium and chromedriver must both be on PATH (.ci/run installs them)");
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let data = work.path().join("data");
    let port = free_port().expect("free port");
    let mut server = Killed(
        Command::new(env!("CARGO_BIN_EXE_shirube"))
            .args([
                "serve",
                "--data-dir",
                &data.to_string_lossy(),
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start shirube serve"),
    );
    wait_ready(port, "/healthz", "shirube serve", &mut server.0).expect("server ready");
    let base = format!("http://127.0.0.1:{port}");
    let (ev, body_token) = submitted(&base, &data);

    let (_driver, driver_port) = start_chromedriver(&chromedriver);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let axe = axe_source();
    if axe.is_none() {
        eprintln!("the evaluation body browser test runs without axe-core (set SHIRUBE_AXE_JS)");
    }
    let outcome = runtime.block_on(async {
        let phone = connect(driver_port, &chromium, &work.path().join("phone"), true).await?;
        let result = on_a_phone(&phone, &base, &ev, axe.as_deref()).await;
        let _ = phone.close().await;
        result?;
        let client = connect(driver_port, &chromium, &work.path().join("profile"), false).await?;
        let result = journey(&client, &base, &ev, &body_token, axe.as_deref()).await;
        if result.is_err() {
            let _ = std::fs::create_dir_all(SHOTS);
            if let Ok(html) = client.source().await {
                let _ = std::fs::write(format!("{SHOTS}/body-failure.html"), html);
            }
            if let Ok(url) = client.current_url().await {
                eprintln!("failed on {url}");
            }
        }
        let _ = client.close().await;
        result
    });
    if let Err(e) = outcome {
        panic!("evaluation body journey failed: {e}");
    }
}
