//! A person in headless Chromium signs up in Japanese, answers every ★3 criterion through the
//! criterion pages, uploads evidence, declares, and sees ★3 achieved and declared.
//!
//! The test drives Debian's `chromium` through `chromedriver` (WebDriver, via fantoccini)
//! against the real `shirube serve` binary on a fresh data directory. When either program is
//! missing it prints why and passes, as the house rules require for missing tools; `.ci/run`
//! installs both.

use std::error::Error;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub(crate) type Res<T> = Result<T, Box<dyn Error>>;

/// Where a few screenshots are kept for people to review; the rest stay in a temp dir.
const REVIEW_DIR: &str = "/tmp/shirube-screens";

/// A child process killed when the test ends, however it ends.
pub(crate) struct Killed(pub(crate) Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts chromedriver on a free port and waits until it answers: (the process, its port).
pub(crate) fn start_chromedriver(chromedriver: &std::path::Path) -> (Killed, u16) {
    let port = free_port().expect("free port");
    let mut driver = Killed(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    wait_ready(port, "/status", "chromedriver", &mut driver.0).expect("chromedriver ready");
    (driver, port)
}

/// Starts `shirube serve --demo` on a free port with its data in `data_dir`, and waits until
/// it answers: (the process, its base URL).
pub(crate) fn start_demo(data_dir: &std::path::Path) -> (Killed, String) {
    let port = free_port().expect("free port");
    let mut server = Killed(
        Command::new(env!("CARGO_BIN_EXE_shirube"))
            .args([
                "serve",
                "--demo",
                "--data-dir",
                &data_dir.to_string_lossy(),
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start shirube serve --demo"),
    );
    wait_ready(port, "/healthz", "shirube serve", &mut server.0).expect("server ready");
    (server, format!("http://127.0.0.1:{port}"))
}

pub(crate) fn free_port() -> Res<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The first of `names` found on PATH.
pub(crate) fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Status code of a plain HTTP GET, or `None` while nothing answers.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// What a ★3 declaration needs beside the answers, done the way people do it: an expert signs
/// up, the operator approves them with `shirube admin approve-expert`, the client's owner asks
/// them, they accept and confirm the assessment as it stands.
pub(crate) async fn expert_confirms(
    base: &str,
    data_dir: &Path,
    client_email: &str,
    client_password: &str,
    assessment_id: &str,
) -> Res<()> {
    let http = reqwest::Client::new();
    let email = format!("expert-{assessment_id}@riss.example.jp");
    let r = http
        .post(format!("{base}/api/v1/experts/signup"))
        .json(
            &json!({ "name": "支援士 一郎", "email": email, "password": "expert passphrase",
            "qualification": { "kind": "riss", "number": "012345" },
            "prefectures": ["13"], "industries": ["E"], "languages": ["ja"], "accepting": true }),
        )
        .send()
        .await?;
    if r.status() != 201 {
        return Err(format!("expert sign-up answered {}", r.status()).into());
    }
    let expert: serde_json::Value = r.json().await?;
    let approved = Command::new(env!("CARGO_BIN_EXE_shirube"))
        .args(["admin", "approve-expert", "--data-dir"])
        .arg(data_dir)
        .args(["--email", &email])
        .output()?;
    if !approved.status.success() {
        return Err(format!(
            "approve-expert failed: {}",
            String::from_utf8_lossy(&approved.stderr)
        )
        .into());
    }
    let token = |email: String, password: String| {
        let http = http.clone();
        async move {
            let v: serde_json::Value = http
                .post(format!("{base}/api/v1/auth/token"))
                .json(&json!({ "email": email, "password": password }))
                .send()
                .await?
                .json()
                .await?;
            Ok::<String, Box<dyn Error>>(v["token"].as_str().unwrap_or("").to_string())
        }
    };
    let client = token(client_email.into(), client_password.into()).await?;
    let expert_token = token(email.clone(), "expert passphrase".into()).await?;
    let engagement: serde_json::Value = http
        .post(format!("{base}/api/v1/engagements"))
        .bearer_auth(&client)
        .json(&json!({ "expert_id": expert["expert_id"], "message": "" }))
        .send()
        .await?
        .json()
        .await?;
    let id = engagement["id"].as_str().unwrap_or("");
    for (path, body) in [
        (format!("/api/v1/engagements/{id}/accept"), json!({})),
        (
            format!("/api/v1/assessments/{assessment_id}/expert-confirmation"),
            json!({ "statement": "回答と証跡を確認しました。" }),
        ),
    ] {
        let r = http
            .post(format!("{base}{path}"))
            .bearer_auth(&expert_token)
            .json(&body)
            .send()
            .await?;
        if !r.status().is_success() {
            return Err(format!("{path} answered {}", r.status()).into());
        }
    }
    Ok(())
}

/// Polls until `path` answers 200: there is no readiness signal to wait on instead.
pub(crate) fn wait_ready(port: u16, path: &str, what: &str, child: &mut Child) -> Res<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if http_status(port, path) == Some(200) {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            return Err(format!("{what} exited early: {status}").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{what} did not answer {path} within 30 s").into())
}

/// A valid 法人番号: the check digit is 9 − (Σ Pₙ·Qₙ mod 9), Pₙ the n-th of the 12 base
/// digits from the right, Qₙ 1 for odd n and 2 for even n.
pub(crate) fn corporate_number(base: &str) -> String {
    assert_eq!(base.len(), 12);
    let sum: u32 = base
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    format!("{}{base}", 9 - sum % 9)
}

#[test]
fn corporate_number_check_digit_matches_a_published_number() {
    // 7000012050002 is the National Tax Agency's own corporate number.
    assert_eq!(corporate_number("000012050002"), "7000012050002");
}

#[test]
fn a_supplier_signs_up_answers_every_level_3_criterion_in_chromium_declares_and_sees_level_3_achieved(
) {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!(
            "skipping the browser test: chromium and chromedriver must both be on PATH \
             (Debian: apt-get install chromium chromium-driver fonts-noto-cjk; .ci/run installs them)"
        );
        return;
    };
    let started = Instant::now();
    let work = tempfile::tempdir().expect("temp dir");
    let screens = work.path().join("screens");
    std::fs::create_dir_all(&screens).expect("screens dir");

    let port = free_port().expect("free port");
    let data_dir = work.path().join("data");
    let mut server = Killed(
        Command::new(env!("CARGO_BIN_EXE_shirube"))
            .args([
                "serve",
                "--data-dir",
                &data_dir.to_string_lossy(),
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start shirube serve"),
    );
    wait_ready(port, "/healthz", "shirube serve", &mut server.0).expect("server ready");

    let (_driver, driver_port) = start_chromedriver(&chromedriver);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = runtime.block_on(async {
        let profile = work.path().join("profile");
        let client = connect(driver_port, &chromium, &profile).await?;
        let base = format!("http://127.0.0.1:{port}");
        let shots = Shots {
            dir: screens.clone(),
            client: client.clone(),
        };
        let result = journey(&client, &base, &shots, work.path()).await;
        if result.is_err() {
            let _ = shots.take("failure").await;
            if let Ok(html) = client.source().await {
                let _ = std::fs::write(screens.join("failure.html"), html);
            }
            let _ = keep(&screens, &["failure.png", "failure.html"]);
        }
        let _ = client.close().await;
        result
    });
    if let Err(e) = outcome {
        panic!("browser journey failed: {e} (screenshot and page source in {REVIEW_DIR})");
    }
    keep(
        &screens,
        &[
            "signup-errors.png",
            "criterion.png",
            "evidence.png",
            "declare.png",
            "result.png",
        ],
    )
    .expect("keep screenshots");
    eprintln!(
        "browser journey took {:.1} s; screenshots for review in {REVIEW_DIR}",
        started.elapsed().as_secs_f64()
    );
}

pub(crate) async fn connect(driver_port: u16, chromium: &Path, profile: &Path) -> Res<Client> {
    let args = [
        "--headless".to_string(),
        "--no-sandbox".to_string(),
        "--disable-gpu".to_string(),
        "--disable-background-networking".to_string(),
        "--no-first-run".to_string(),
        "--disable-dev-shm-usage".to_string(),
        "--window-size=1280,1000".to_string(),
        "--lang=ja".to_string(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_string(),
        json!({ "binary": chromium, "args": args, "prefs": { "intl.accept_languages": "ja" } }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await?;
    Ok(client)
}

/// Screenshots named by step.
struct Shots {
    dir: PathBuf,
    client: Client,
}

impl Shots {
    async fn take(&self, name: &str) -> Res<()> {
        let png = self.client.screenshot().await?;
        std::fs::write(self.dir.join(format!("{name}.png")), png)?;
        Ok(())
    }
}

/// Copies the named files, when present, to the review directory.
fn keep(from: &Path, names: &[&str]) -> Res<()> {
    std::fs::create_dir_all(REVIEW_DIR)?;
    for n in names {
        let src = from.join(n);
        if src.is_file() {
            std::fs::copy(&src, Path::new(REVIEW_DIR).join(format!("browser-{n}")))?;
        }
    }
    Ok(())
}

pub(crate) async fn text(c: &Client, css: &str) -> Res<String> {
    Ok(c.find(Locator::Css(css))
        .await?
        .text()
        .await?
        .trim()
        .to_string())
}

pub(crate) async fn fill(c: &Client, css: &str, value: &str) -> Res<()> {
    let e = c.find(Locator::Css(css)).await?;
    e.clear().await?;
    e.send_keys(value).await?;
    Ok(())
}

pub(crate) async fn click(c: &Client, css: &str) -> Res<()> {
    c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

/// Clicks a submit button or link, waits until the browser has left the URL `from`, and
/// returns the new path.
pub(crate) async fn submit(c: &Client, css: &str, from: &str) -> Res<String> {
    click(c, css).await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = c.current_url().await?;
        if now.as_str() != from {
            return Ok(now.path().to_string());
        }
        if Instant::now() > deadline {
            return Err(format!("still on {from} after submitting").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn path_is(c: &Client, want: &str) -> Res<()> {
    let url = c.current_url().await?;
    if url.path() != want {
        return Err(format!("expected to be on {want}, but the browser is on {url}").into());
    }
    Ok(())
}

async fn journey(c: &Client, base: &str, shots: &Shots, work: &Path) -> Res<()> {
    // Japanese, explicitly, whatever the machine's locale.
    c.goto(&format!("{base}/lang/ja?back=/signup")).await?;
    path_is(c, "/signup").await?;
    if c.find(Locator::Css("html[lang=ja]")).await.is_err() {
        return Err("the sign-up page is not in Japanese".into());
    }

    // A wrong corporate number first: the page says which field and why.
    fill(c, "#f-organization-name", "しるべ精機株式会社").await?;
    fill(c, "#f-organization-corporate-number", "1234567890123").await?;
    c.find(Locator::Css("#f-organization-industry"))
        .await?
        .select_by_value("E")
        .await?;
    fill(c, "#f-organization-employees", "42").await?;
    c.find(Locator::Css("#f-organization-prefecture"))
        .await?
        .select_by_value("13")
        .await?;
    fill(c, "#f-user-name", "道標 花子").await?;
    fill(c, "#f-user-email", "hanako@shirube-seiki.example.jp").await?;
    fill(c, "#f-user-password", "a long enough passphrase").await?;
    let signup_url = c.current_url().await?.to_string();
    click(c, "main form button[type=submit]").await?;
    c.wait()
        .for_element(Locator::Css("#f-organization-corporate-number-err"))
        .await?;
    if c.find(Locator::Css(
        "#f-organization-corporate-number[aria-invalid=true]",
    ))
    .await
    .is_err()
    {
        return Err("the corporate-number field is not marked invalid".into());
    }
    shots.take("signup-errors").await?;

    fill(
        c,
        "#f-organization-corporate-number",
        &corporate_number("123456789012"),
    )
    .await?;
    fill(c, "#f-user-password", "a long enough passphrase").await?;
    submit(c, "main form button[type=submit]", &signup_url).await?;
    path_is(c, "/dashboard").await?;
    shots.take("dashboard-new").await?;

    // Start a ★3 assessment (★3 is the preselected target).
    c.goto(&format!("{base}/assessments")).await?;
    click(c, "input[name=target_level][value='3']").await?;
    let here = c.current_url().await?.to_string();
    let assessment_path = submit(c, "main form button[type=submit]", &here).await?;
    let criteria = c.find_all(Locator::Css("ul.criteria li a")).await?;
    if criteria.len() != 81 {
        return Err(format!(
            "the ★3 assessment lists {} criteria, expected 81",
            criteria.len()
        )
        .into());
    }
    shots.take("assessment").await?;
    criteria[0].click().await?;

    // Answer every criterion with "保存して次へ" until the result page opens.
    let evidence_file = work.join("情報セキュリティ基本方針.txt");
    std::fs::write(
        &evidence_file,
        "情報セキュリティ基本方針 第1版 (2026年4月 取締役会承認)\n",
    )?;
    let mut answered = Vec::new();
    loop {
        let url = c.current_url().await?;
        if url.path() == format!("{assessment_path}/result") {
            break;
        }
        if !url
            .path()
            .starts_with(&format!("{assessment_path}/criteria/"))
        {
            return Err(format!("left the criterion pages for {url}").into());
        }
        let id = text(c, "h1 .cid").await?;
        if answered.contains(&id) {
            return Err(format!("criterion {id} came round twice").into());
        }
        match answered.len() {
            1 => {
                // Evidence on the second criterion: a file, dated today.
                c.find(Locator::Css("#f-file"))
                    .await?
                    .send_keys(&evidence_file.to_string_lossy())
                    .await?;
                let here = url.to_string();
                submit(c, "form.criterion-form button.add-evidence", &here).await?;
                let listed = text(c, "ul.evidence li a").await?;
                if !listed.contains("情報セキュリティ基本方針") {
                    return Err(format!("the uploaded file is listed as {listed:?}").into());
                }
                shots.take("evidence").await?;
                click(c, "input[name=status][value=implemented]").await?;
            }
            4 => {
                click(c, "input[name=status][value=not_applicable]").await?;
                fill(
                    c,
                    "#f-not-applicable-reason",
                    "自社でソフトウェア開発を行っていないため",
                )
                .await?;
                shots.take("criterion").await?;
            }
            _ => click(c, "input[name=status][value=implemented]").await?,
        }
        // Read the URL again: the evidence upload above moved to `…?saved=1`.
        let here = c.current_url().await?.to_string();
        submit(c, "button[name=go][value=next]", &here).await?;
        answered.push(id);
    }
    if answered.len() != 81 {
        return Err(format!(
            "answered {} criteria before the result page, expected 81",
            answered.len()
        )
        .into());
    }

    // The result page offers the declaration; declare.
    if text(c, "#achieved-level").await? != "★3" {
        return Err(format!(
            "before declaring, the result shows {:?}",
            text(c, "#achieved-level").await?
        )
        .into());
    }
    // The scheme's ★3 needs a security expert's confirmation before the declaration.
    let assessment_id = assessment_path.rsplit('/').next().unwrap_or("").to_string();
    expert_confirms(
        base,
        &work.join("data"),
        "hanako@shirube-seiki.example.jp",
        "a long enough passphrase",
        &assessment_id,
    )
    .await?;
    let result_url = c.current_url().await?.to_string();
    submit(c, "a.button[href$='/declaration']", &result_url).await?;
    let declare_url = c.current_url().await?.to_string();
    fill(c, "#signer_name", "道標 花子").await?;
    fill(c, "#signer_title", "代表取締役").await?;
    click(c, "input[name=confirm]").await?;
    shots.take("declare").await?;
    submit(c, "main form button[type=submit]", &declare_url).await?;
    path_is(c, &format!("{assessment_path}/result")).await?;

    let achieved = text(c, "#achieved-level").await?;
    let state = text(c, "h1 .badge").await?;
    let declared_note = text(c, ".standing .notice.ok").await?;
    shots.take("result").await?;
    if achieved != "★3" {
        return Err(format!("after declaring, the achieved level reads {achieved:?}").into());
    }
    if state != "宣言済み" {
        return Err(format!("after declaring, the status reads {state:?}").into());
    }
    if !declared_note.contains("道標 花子") {
        return Err(
            format!("the declaration note does not name the signer: {declared_note:?}").into(),
        );
    }
    if c.find(Locator::Css("a.button[href$='/declaration']"))
        .await
        .is_ok()
    {
        return Err("a declared assessment still offers to declare".into());
    }

    // The dashboard shows the declared level too.
    c.goto(&format!("{base}/dashboard")).await?;
    let level = text(c, ".standing .level").await?;
    shots.take("dashboard-declared").await?;
    if !level.starts_with("★3") || !level.contains("宣言済み") {
        return Err(format!("the dashboard shows {level:?}").into());
    }
    Ok(())
}
