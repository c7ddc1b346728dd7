//! In headless Chromium on a 390 px phone viewport: a supplier chooses 一部実施, types a
//! comment and adds a file in the criterion page's one form; after the page reloads all
//! three are there. A disallowed file comes back with the choice and comment kept, and a
//! wrong upload is withdrawn after confirming. Skips with a reason without Chromium.

use std::process::{Command, Stdio};

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::browser::{
    click, connect, corporate_number, fill, free_port, on_path, start_chromedriver, submit, text,
    wait_ready, Killed, Res,
};

const EMAIL: &str = "clerk@minato-seiko.example.jp";
const PASSWORD: &str = "supplier passphrase";

/// Signs up over the API and starts a ★3 assessment; returns its id.
fn supplier_with_assessment(base: &str) -> String {
    let http = reqwest::blocking::Client::new();
    let body = json!({
        "organization": { "name": "みなと精工", "corporate_number": corporate_number("300002000001"), "industry": "E", "employees": 30, "prefecture": "23" },
        "user": { "email": EMAIL, "password": PASSWORD, "name": "総務 花子" }
    });
    let r = http
        .post(format!("{base}/api/v1/signup"))
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let token: Value = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({ "email": EMAIL, "password": PASSWORD }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let created: Value = http
        .post(format!("{base}/api/v1/assessments"))
        .bearer_auth(token["token"].as_str().unwrap())
        .json(&json!({ "target_level": 3 }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    created["id"].as_str().unwrap().to_string()
}

async fn shot(c: &Client, name: &str) -> Res<()> {
    std::fs::create_dir_all("/tmp/shirube-screens")?;
    // Bring the form into view when the page has one (the guide above it is long).
    c.execute(
        "const f = document.querySelector('#form-errors') || document.querySelector('form.criterion-form'); if (f) f.scrollIntoView();",
        Vec::new(),
    )
    .await?;
    std::fs::write(
        format!("/tmp/shirube-screens/assess-{name}.png"),
        c.screenshot().await?,
    )?;
    Ok(())
}

async fn value(c: &Client, css: &str) -> Res<String> {
    Ok(c.find(Locator::Css(css))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

async fn checked(c: &Client) -> Res<Vec<String>> {
    let mut out = Vec::new();
    for e in c
        .find_all(Locator::Css("input[name=status]:checked"))
        .await?
    {
        out.push(e.attr("value").await?.unwrap_or_default());
    }
    Ok(out)
}

async fn journey(c: &Client, base: &str, id: &str, work: &std::path::Path) -> Res<()> {
    c.set_window_size(390, 900).await?;
    c.goto(&format!("{base}/login")).await?;
    fill(c, "#email", EMAIL).await?;
    fill(c, "#password", PASSWORD).await?;
    let from = c.current_url().await?.to_string();
    submit(c, "main form button[type=submit]", &from).await?;

    let page = format!("{base}/assessments/{id}/criteria/1-2-1-1");
    c.goto(&page).await?;
    shot(c, "criterion-390").await?;
    let file = work.join("情報セキュリティ基本方針.txt");
    std::fs::write(&file, "情報セキュリティ基本方針 第1版\n")?;
    click(c, "input[name=status][value=partial]").await?;
    fill(c, "#f-comment", "規程は作成中。来月の取締役会で承認予定").await?;
    c.find(Locator::Css("#f-file"))
        .await?
        .send_keys(&file.to_string_lossy())
        .await?;
    submit(c, "form.criterion-form button.add-evidence", &page).await?;
    c.refresh().await?;
    if checked(c).await? != ["partial"] {
        return Err(format!("after reload the status is {:?}", checked(c).await?).into());
    }
    let comment = value(c, "#f-comment").await?;
    if comment != "規程は作成中。来月の取締役会で承認予定" {
        return Err(format!("after reload the comment is {comment:?}").into());
    }
    let listed = text(c, "ul.evidence li a").await?;
    if !listed.contains("情報セキュリティ基本方針") {
        return Err(format!("the file is listed as {listed:?}").into());
    }
    shot(c, "criterion-saved-390").await?;

    // A disallowed file: the page comes back with the choice and the comment kept.
    let exe = work.join("setup.exe");
    std::fs::write(&exe, b"MZ\x90\0\x03\0\0\0")?;
    click(c, "input[name=status][value=not_implemented]").await?;
    fill(c, "#f-comment", "まだ書きかけ").await?;
    c.find(Locator::Css("#f-file"))
        .await?
        .send_keys(&exe.to_string_lossy())
        .await?;
    let here = c.current_url().await?.to_string();
    submit(c, "form.criterion-form button.add-evidence", &here).await?;
    c.wait()
        .for_element(Locator::Css("#f-file-err"))
        .await
        .map_err(|e| format!("no file error after sending setup.exe: {e}"))?;
    let msg = text(c, "#f-file-err").await?;
    if !msg.contains("PDF") {
        return Err(format!("the file error says {msg:?}").into());
    }
    if checked(c).await? != ["not_implemented"] || value(c, "#f-comment").await? != "まだ書きかけ"
    {
        return Err("the refused form lost the typed choice or comment".into());
    }
    shot(c, "criterion-refused-390").await?;

    // Withdraw the upload: confirm, and it is gone from the page.
    let from = c.current_url().await?.to_string();
    submit(c, "form.criterion-form button[name=withdraw]", &from).await?;
    shot(c, "withdraw-390").await?;
    let from = c.current_url().await?.to_string();
    submit(c, "main form button[name=confirm]", &from).await?;
    if !c.find_all(Locator::Css("ul.evidence li")).await?.is_empty() {
        return Err("the withdrawn file is still listed".into());
    }
    if checked(c).await? != ["not_implemented"] {
        return Err("pressing withdraw did not save the typed choice".into());
    }
    c.set_window_size(1280, 1000).await?;
    shot(c, "criterion-1280").await?;
    Ok(())
}

#[test]
fn on_a_phone_a_supplier_chooses_partial_types_a_comment_adds_a_file_and_finds_all_kept_after_reload(
) {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!("skipping the criterion-page browser test: chromium and chromedriver must both be on PATH (.ci/run installs them)");
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let port = free_port().expect("free port");
    let mut server = Killed(
        Command::new(env!("CARGO_BIN_EXE_shirube"))
            .args([
                "serve",
                "--data-dir",
                &work.path().join("data").to_string_lossy(),
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
    let id = supplier_with_assessment(&base);

    let (_driver, driver_port) = start_chromedriver(&chromedriver);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = runtime.block_on(async {
        let client = connect(driver_port, &chromium, &work.path().join("profile")).await?;
        let result = journey(&client, &base, &id, work.path()).await;
        if result.is_err() {
            let _ = std::fs::create_dir_all("/tmp/shirube-screens");
            if let Ok(html) = client.source().await {
                let _ = std::fs::write("/tmp/shirube-screens/assess-failure.html", html);
            }
        }
        let _ = client.close().await;
        result
    });
    if let Err(e) = outcome {
        panic!("criterion-page journey failed: {e}");
    }
}
