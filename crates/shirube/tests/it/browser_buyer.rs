//! In headless Chromium, across two tiers: a buyer adds two suppliers with the three
//! questions; one of them adds its own supplier, which shares with it; both direct suppliers
//! share their declared ★3 through their request pages, one passing its supplier on; the
//! buyer's portfolio shows one met (★3 required) and one not (★4 required), with the tier-2
//! supplier under the one that passed it on; a revoked share takes the tier below away.
//! Skips with a reason without Chromium.

use std::process::{Command, Stdio};

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::browser::{
    click, connect, corporate_number, fill, free_port, on_path, start_chromedriver, submit,
    wait_ready, Killed, Res,
};

/// Signs an organisation up over the API and declares ★3 with every criterion implemented
/// and confirmed by an approved expert.
fn declared_supplier(
    base: &str,
    data_dir: &std::path::Path,
    name: &str,
    base12: &str,
    email: &str,
) -> String {
    let http = reqwest::blocking::Client::new();
    let number = corporate_number(base12);
    let body = json!({
        "organization": { "name": name, "corporate_number": number, "industry": "E", "employees": 20, "prefecture": "23" },
        "user": { "email": email, "password": "supplier passphrase", "name": "Owner" }
    });
    assert_eq!(
        http.post(format!("{base}/api/v1/signup"))
            .json(&body)
            .send()
            .unwrap()
            .status(),
        201
    );
    let token: Value = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({ "email": email, "password": "supplier passphrase" }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = token["token"].as_str().unwrap().to_string();
    let created: Value = http
        .post(format!("{base}/api/v1/assessments"))
        .bearer_auth(&token)
        .json(&json!({ "target_level": 3 }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let catalog: Value = http
        .get(format!("{base}/api/v1/catalog?level=3"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    for c in catalog["criteria"].as_array().unwrap() {
        let cid = c["id"].as_str().unwrap();
        http.put(format!("{base}/api/v1/assessments/{id}/answers/{cid}"))
            .bearer_auth(&token)
            .json(&json!({ "status": "implemented" }))
            .send()
            .unwrap();
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(crate::browser::expert_confirms(
            base,
            data_dir,
            email,
            "supplier passphrase",
            &id,
        ))
        .unwrap();
    let r = http
        .post(format!("{base}/api/v1/assessments/{id}/declaration"))
        .bearer_auth(&token)
        .json(&json!({ "signer_name": "Owner", "signer_title": "CEO" }))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    number
}

async fn login(c: &Client, base: &str, email: &str, password: &str) -> Res<()> {
    c.goto(&format!("{base}/login")).await?;
    fill(c, "#email", email).await?;
    fill(c, "#password", password).await?;
    let from = c.current_url().await?.to_string();
    submit(c, "main form button[type=submit]", &from).await?;
    Ok(())
}

async fn logout(c: &Client) -> Res<()> {
    // Sign-out sits in the account menu of the header.
    click(c, "header details.menu:nth-of-type(2) summary").await?;
    let from = c.current_url().await?.to_string();
    submit(c, "form[action='/logout'] button", &from).await?;
    Ok(())
}

async fn add_supplier(c: &Client, base: &str, number: &str, network_access: bool) -> Res<()> {
    c.goto(&format!("{base}/suppliers")).await?;
    fill(c, "#f-corporate-number", number).await?;
    if network_access {
        click(c, "input[name=network_access]").await?;
    }
    c.execute(
        "document.getElementById('f-due-date').value = '2099-03-31'",
        vec![],
    )
    .await?;
    click(
        c,
        "form[method=post][action='/suppliers'] button[type=submit]",
    )
    .await?;
    c.wait().for_element(Locator::Css(".notice.ok")).await?;
    Ok(())
}

async fn share(c: &Client, base: &str, pass_on: bool) -> Res<()> {
    c.goto(&format!("{base}/requests")).await?;
    if pass_on {
        click(c, "input[name=pass_on]").await?;
    }
    click(c, "form[action='/shares'] button[type=submit]").await?;
    c.wait().for_element(Locator::Css(".notice.ok")).await?;
    Ok(())
}

/// The portfolio rows (texts) for a query such as `?tier=2`.
async fn rows(c: &Client, base: &str, query: &str) -> Res<Vec<String>> {
    c.goto(&format!("{base}/suppliers{query}")).await?;
    let mut out = Vec::new();
    for r in c.find_all(Locator::Css("#portfolio tbody tr")).await? {
        out.push(r.text().await?);
    }
    Ok(out)
}

/// The portfolio on a 390 px phone: nothing runs off the side of the page, the chart fits,
/// each supplier is a card with its name on one line, and each filter's label sits right
/// above its field.
async fn phone_portfolio(c: &Client, base: &str) -> Res<()> {
    c.set_window_size(390, 900).await?;
    c.goto(&format!("{base}/suppliers")).await?;
    let measure = c
        .execute(
            "const r = (s) => document.querySelector(s).getBoundingClientRect();
             const names = [...document.querySelectorAll('#portfolio tbody th.name')].map(e => e.getBoundingClientRect());
             const label = r('label[for=f-status]'), select = r('#f-status');
             return [document.documentElement.scrollWidth, window.innerWidth, r('svg.chart').right,
                     Math.min(...names.map(n => n.width)), Math.max(...names.map(n => n.height)),
                     select.top - label.bottom, Math.abs(select.left - label.left)];",
            vec![],
        )
        .await?;
    let m: Vec<f64> = measure
        .as_array()
        .ok_or("measurements")?
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::MAX))
        .collect();
    let png = c.screenshot().await?;
    let _ = std::fs::write("/tmp/shirube-screens/portfolio-390.png", png);
    c.execute(
        "document.getElementById('portfolio').scrollIntoView()",
        vec![],
    )
    .await?;
    let png = c.screenshot().await?;
    let _ = std::fs::write("/tmp/shirube-screens/portfolio-390-cards.png", png);
    let (scroll, inner, chart_right, name_width, name_height, label_gap, label_shift) =
        (m[0], m[1], m[2], m[3], m[4], m[5], m[6]);
    if inner > 390.0 || scroll > 390.0 {
        return Err(format!("the page is {scroll} px wide in a {inner} px viewport").into());
    }
    if chart_right > inner {
        return Err(format!("the chart ends at {chart_right} px, past {inner}").into());
    }
    if name_width < 200.0 || name_height > 60.0 {
        return Err(format!(
            "company names are squeezed: {name_width} px wide, up to {name_height} px tall"
        )
        .into());
    }
    if !(0.0..=12.0).contains(&label_gap) || label_shift > 2.0 {
        return Err(format!(
            "the status filter's label is {label_gap} px above and {label_shift} px beside its field"
        )
        .into());
    }
    c.set_window_size(1280, 900).await?;
    Ok(())
}

async fn journey(c: &Client, base: &str, a: &str, b: &str, sub: &str) -> Res<()> {
    login(c, base, "buyer@yamato.example.jp", "buyer passphrase").await?;
    add_supplier(c, base, a, false).await?;
    add_supplier(c, base, b, true).await?;
    logout(c).await?;
    // さくら電子 asks its own supplier, which shares with it.
    login(c, base, "b@sakura.example.jp", "supplier passphrase").await?;
    add_supplier(c, base, sub, false).await?;
    logout(c).await?;
    login(c, base, "c@kitahama.example.jp", "supplier passphrase").await?;
    share(c, base, false).await?;
    logout(c).await?;
    // Both direct suppliers share with the buyer; さくら電子 passes its supplier on.
    login(c, base, "a@minato.example.jp", "supplier passphrase").await?;
    share(c, base, false).await?;
    logout(c).await?;
    login(c, base, "b@sakura.example.jp", "supplier passphrase").await?;
    share(c, base, true).await?;
    logout(c).await?;

    login(c, base, "buyer@yamato.example.jp", "buyer passphrase").await?;
    c.goto(&format!("{base}/suppliers?tier=1")).await?;
    let met = c
        .find_all(Locator::Css("#portfolio tbody tr.st-met"))
        .await?
        .len();
    let in_progress = c
        .find_all(Locator::Css("#portfolio tbody tr.st-in_progress"))
        .await?
        .len();
    if (met, in_progress) != (1, 1) {
        return Err(
            format!("expected one met and one in progress, got {met} and {in_progress}").into(),
        );
    }
    let row = c
        .find(Locator::Css("#portfolio tbody tr.st-met"))
        .await?
        .text()
        .await?;
    if !row.contains("みなと精工") || !row.contains("達成") {
        return Err(format!("the met row is {row:?}").into());
    }
    let tier2 = rows(c, base, "?tier=2").await?;
    if tier2.len() != 1 || !tier2[0].contains("北浜鋳造") {
        return Err(format!("tier 2 should list 北浜鋳造 alone: {tier2:?}").into());
    }
    c.set_window_size(1280, 900).await?;
    c.goto(&format!("{base}/suppliers")).await?;
    let png = c.screenshot().await?;
    let _ = std::fs::create_dir_all("/tmp/shirube-screens");
    let _ = std::fs::write("/tmp/shirube-screens/portfolio.png", png);
    phone_portfolio(c, base).await?;
    c.goto(&format!("{base}/suppliers/tiers")).await?;
    let mut tree = Vec::new();
    for r in c.find_all(Locator::Css("#tiers tbody tr")).await? {
        tree.push(r.text().await?);
    }
    let under = tree.iter().position(|r| r.contains("北浜鋳造"));
    let parent = tree.iter().position(|r| r.contains("さくら電子"));
    if tree.len() != 3 || under != parent.map(|p| p + 1) {
        return Err(format!("北浜鋳造 should sit right under さくら電子: {tree:?}").into());
    }
    let png = c.screenshot().await?;
    let _ = std::fs::write("/tmp/shirube-screens/tiers.png", png);
    logout(c).await?;

    // さくら電子 revokes its share: the buyer loses its level and the tier below at once.
    login(c, base, "b@sakura.example.jp", "supplier passphrase").await?;
    c.goto(&format!("{base}/requests")).await?;
    // The revocation answers with the same page: wait for its button to go.
    click(c, "form[action$='/revoke'] button").await?;
    let mut gone = false;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if c.find_all(Locator::Css("form[action$='/revoke'] button"))
            .await?
            .is_empty()
        {
            gone = true;
            break;
        }
    }
    if !gone {
        return Err("the share was not revoked".into());
    }
    logout(c).await?;
    login(c, base, "buyer@yamato.example.jp", "buyer passphrase").await?;
    let tier2 = rows(c, base, "?tier=2").await?;
    if !tier2.is_empty() {
        return Err(format!("tier 2 should be gone after the revocation: {tier2:?}").into());
    }
    let all = rows(c, base, "").await?;
    let sakura = all.iter().find(|r| r.contains("さくら電子"));
    if !sakura.is_some_and(|r| r.contains("未共有")) {
        return Err(format!("さくら電子 has declared ★3 but no longer shares it: {all:?}").into());
    }
    Ok(())
}

#[test]
fn across_two_tiers_a_buyer_adds_suppliers_they_share_the_portfolio_shows_who_met_and_a_revocation_ends_it(
) {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!("skipping the buyer browser test: chromium and chromedriver must both be on PATH (.ci/run installs them)");
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
    let http = reqwest::blocking::Client::new();
    let buyer = json!({
        "organization": { "name": "大和自動車部品", "corporate_number": corporate_number("300001000001"), "industry": "E", "employees": 2400, "prefecture": "23" },
        "user": { "email": "buyer@yamato.example.jp", "password": "buyer passphrase", "name": "Buyer" }
    });
    assert_eq!(
        http.post(format!("{base}/api/v1/signup"))
            .json(&buyer)
            .send()
            .unwrap()
            .status(),
        201
    );
    let a = declared_supplier(
        &base,
        &work.path().join("data"),
        "みなと精工",
        "300001000002",
        "a@minato.example.jp",
    );
    let b = declared_supplier(
        &base,
        &work.path().join("data"),
        "さくら電子",
        "300001000003",
        "b@sakura.example.jp",
    );
    let sub = declared_supplier(
        &base,
        &work.path().join("data"),
        "北浜鋳造",
        "300001000004",
        "c@kitahama.example.jp",
    );

    let (_driver, driver_port) = start_chromedriver(&chromedriver);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = runtime.block_on(async {
        let client = connect(driver_port, &chromium, &work.path().join("profile")).await?;
        let result = journey(&client, &base, &a, &b, &sub).await;
        if result.is_err() {
            let _ = std::fs::create_dir_all("/tmp/shirube-screens");
            if let Ok(html) = client.source().await {
                let _ = std::fs::write("/tmp/shirube-screens/buyer-failure.html", html);
            }
            if let Ok(url) = client.current_url().await {
                eprintln!("failed on {url}");
            }
        }
        let _ = client.close().await;
        result
    });
    if let Err(e) = outcome {
        panic!("buyer journey failed: {e}");
    }
}
