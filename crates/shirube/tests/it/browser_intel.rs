//! The buyer's threat-intelligence flag in headless Chromium over the `serve --demo` world,
//! on a desktop and on a 390 px phone: the procurement officer finds the supplier whose
//! software the industry group's GREEN indicators hit flagged on the portfolio, follows the
//! flag to its explanation, and both pages pass the same width, wording and axe-core checks
//! as every role's pages. Skips with a reason without Chromium.

use std::path::PathBuf;

use fantoccini::{Client, Locator};

use crate::browser::{fill, on_path, start_chromedriver, start_demo, submit, Res};
use crate::browser_roles::{axe_source, check_page, connect};

const BUYER: &str = "buyer@yamato-parts.example";
const FLAGGED: &str = "さくら電子工業株式会社";

async fn walk(c: &Client, base: &str, axe: Option<&str>, phone: bool) -> Res<Vec<String>> {
    c.goto(&format!("{base}/login")).await?;
    fill(c, "#email", BUYER).await?;
    fill(c, "#password", shirube_app::demo::DEMO_PASSWORD).await?;
    let from = c.current_url().await?.to_string();
    submit(c, "main form button[type=submit]", &from).await?;
    c.goto(&format!("{base}/suppliers")).await?;
    let tag = if phone { "phone" } else { "desktop" };
    let mut problems = check_page(c, axe, phone, &format!("intel-portfolio-{tag}")).await?;
    let flags = c
        .find_all(Locator::Css("#portfolio a.intel-exposed"))
        .await?;
    if flags.len() != 1 {
        problems.push(format!(
            "{} exposure flags on the portfolio, not 1",
            flags.len()
        ));
        return Ok(problems);
    }
    let row = c
        .execute(
            "return document.querySelector('#portfolio a.intel-exposed').closest('th').innerText",
            vec![],
        )
        .await?;
    if !row.as_str().unwrap_or("").contains(FLAGGED) {
        problems.push(format!("the flag is on {row}, not on {FLAGGED}"));
    }
    let text = flags[0].text().await?;
    if text != "脅威情報の該当あり（2件）" {
        problems.push(format!("the flag reads {text:?}"));
    }
    flags[0].click().await?;
    let path = c.current_url().await?.path().to_string();
    if path != "/intel/suppliers" {
        problems.push(format!("the flag led to {path}"));
    }
    problems.extend(check_page(c, axe, phone, &format!("intel-suppliers-{tag}")).await?);
    let heading = c
        .find(Locator::Css("h2.intel-supplier"))
        .await?
        .text()
        .await?;
    if heading != FLAGGED {
        problems.push(format!("the explanation names {heading:?}"));
    }
    let objects = c.find_all(Locator::Css("li.intel-object")).await?;
    if objects.len() != 2 {
        problems.push(format!(
            "{} intelligence items explained, not 2",
            objects.len()
        ));
    }
    Ok(problems)
}

#[test]
fn a_buyer_follows_a_suppliers_intelligence_flag_to_its_explanation_on_a_desktop_and_a_phone() {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!("skipping the intelligence browser test: chromium and chromedriver must both be on PATH (.ci/run installs them)");
        return;
    };
    let axe = axe_source();
    std::fs::create_dir_all("/tmp/shirube-screens").expect("screenshot dir");
    let work = tempfile::tempdir().expect("temp dir");
    let (_server, base) = start_demo(&work.path().join("data"));
    let (_driver, driver_port) = start_chromedriver(&chromedriver);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for phone in [false, true] {
        let profile: PathBuf = work.path().join(if phone { "phone" } else { "desktop" });
        let problems = runtime
            .block_on(async {
                let c = connect(driver_port, &chromium, &profile, phone).await?;
                let r = walk(&c, &base, axe.as_deref(), phone).await;
                let _ = c.close().await;
                r
            })
            .unwrap_or_else(|e| panic!("the walk failed (phone: {phone}): {e}"));
        assert!(problems.is_empty(), "phone: {phone}: {problems:#?}");
    }
}
