//! Each person sees their own work first, on a desktop and on a 390 px phone: in headless
//! Chromium over the `serve --demo` world, the supplier clerk, the buyer's procurement
//! officer, a firm that is both, the assessor, the industry-group secretary, the expert and
//! the publisher each sign in, find their role's section first on the dashboard, walk their
//! main pages, and every page passes an axe-core accessibility check (no serious or critical
//! violation), fits a phone's width and shows no internal code or stray English. A visitor's
//! public pages are checked the same way. Screenshots go to /tmp/shirube-screens for review.
//! Skips with a reason without Chromium; the axe part skips with a reason without axe-core
//! (`.ci/run` installs both).

use std::path::{Path, PathBuf};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::browser::{fill, on_path, start_chromedriver, start_demo, submit, Res};

const PASSWORD: &str = "shirube-demo-2026";
const SHOTS: &str = "/tmp/shirube-screens";

/// axe-core's script: `SHIRUBE_AXE_JS`, or where `.ci/run` installs it.
pub(crate) fn axe_source() -> Option<String> {
    let path = std::env::var("SHIRUBE_AXE_JS")
        .unwrap_or_else(|_| "/tmp/shirube-axe/node_modules/axe-core/axe.min.js".into());
    std::fs::read_to_string(path).ok()
}

/// A browser with a desktop window, or a phone's 390 px viewport (device emulation: a
/// desktop window cannot be made that narrow).
pub(crate) async fn connect(
    driver_port: u16,
    chromium: &Path,
    profile: &Path,
    phone: bool,
) -> Res<Client> {
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
    let mut options =
        json!({ "binary": chromium, "args": args, "prefs": { "intl.accept_languages": "ja" } });
    if phone {
        options["mobileEmulation"] =
            json!({ "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 1 } });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".to_string(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    Ok(ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await?)
}

async fn login(c: &Client, base: &str, email: &str) -> Res<()> {
    c.goto(&format!("{base}/login")).await?;
    fill(c, "#email", email).await?;
    fill(c, "#password", PASSWORD).await?;
    let from = c.current_url().await?.to_string();
    let to = submit(c, "main form button[type=submit]", &from).await?;
    if to != "/dashboard" {
        return Err(format!("{email}: signing in led to {to}").into());
    }
    Ok(())
}

/// Signs out through the account menu, as a person does.
async fn logout(c: &Client) -> Res<()> {
    c.find(Locator::Css("header details.menu:nth-of-type(2) summary"))
        .await?
        .click()
        .await?;
    let from = c.current_url().await?.to_string();
    submit(c, "form[action='/logout'] button", &from).await?;
    Ok(())
}

/// Words that must never reach a Japanese page: internal codes and untranslated English.
const LEAKS: &[&str] = &[
    "not_started",
    "in_progress",
    "not_implemented",
    "not_applicable",
    "no_response",
    "more_evidence",
    "read_write",
    "null",
    "undefined",
    "Error",
    "Submitted",
    "Declared",
];

/// Checks the page the browser is on: a phone's width holds it, nothing leaks, and axe finds
/// no serious or critical violation. Returns the problems found (empty when all is well).
pub(crate) async fn check_page(
    c: &Client,
    axe: Option<&str>,
    phone: bool,
    shot: &str,
) -> Res<Vec<String>> {
    let mut problems = Vec::new();
    let url = c.current_url().await?.to_string();
    let png = c.screenshot().await?;
    std::fs::write(Path::new(SHOTS).join(format!("{shot}.png")), png)?;
    if phone {
        let w = c
            .execute(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]",
                vec![],
            )
            .await?;
        let (scroll, client) = (w[0].as_i64().unwrap_or(0), w[1].as_i64().unwrap_or(0));
        if scroll > client {
            problems.push(format!(
                "{url}: the page is {scroll} px wide on a {client} px phone"
            ));
        }
    }
    let text = c
        .execute("return document.querySelector('main').innerText", vec![])
        .await?;
    let text = text.as_str().unwrap_or("");
    for leak in LEAKS {
        if text
            .split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '_')
            .any(|w| w == *leak)
        {
            problems.push(format!("{url}: the Japanese page shows {leak:?}"));
        }
    }
    if let Some(axe) = axe {
        c.execute(axe, vec![]).await?;
        let v = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await?;
        let Some(list) = v.as_array() else {
            return Err(format!("{url}: axe returned {v}").into());
        };
        let rules = c
            .execute("return axe.getRules(['wcag2aa']).length", vec![])
            .await?;
        if rules.as_i64().unwrap_or(0) == 0 {
            return Err(format!("{url}: axe did not load").into());
        }
        for violation in list {
            problems.push(format!("{url}: {}", violation.as_str().unwrap_or("")));
        }
    }
    Ok(problems)
}

/// One person's walk: who signs in, the dashboard section that must come first, the pages
/// of their main path.
struct Walk {
    who: &'static str,
    email: &'static str,
    first: &'static str,
    also: &'static [&'static str],
    pages: &'static [&'static str],
}

const WALKS: &[Walk] = &[
    Walk {
        who: "supplier",
        email: "owner@minato-seiko.example",
        first: "dashboard-supplier",
        also: &[],
        pages: &[
            "/assessments",
            "/requests",
            "/checks",
            "/engagements",
            "/experts/become",
            "/inbox",
            "/products",
        ],
    },
    Walk {
        who: "buyer",
        email: "buyer@yamato-parts.example",
        first: "dashboard-buyer",
        also: &[],
        pages: &["/suppliers", "/suppliers/tiers", "/inbox"],
    },
    Walk {
        who: "supplier-and-buyer",
        email: "owner@sakura-denshi.example",
        first: "dashboard-supplier",
        also: &["dashboard-buyer"],
        pages: &["/assessments", "/requests", "/suppliers"],
    },
    Walk {
        who: "evaluation-body",
        email: "assessor@scs-hyoka.example",
        first: "dashboard-body",
        also: &[],
        pages: &["/evaluations"],
    },
    Walk {
        who: "industry-group",
        email: "office@tokai-parts.example",
        first: "dashboard-group",
        also: &[],
        pages: &["/industry", "/industry/shared-adviser", "/intel"],
    },
    Walk {
        who: "expert",
        email: "expert@anzen-shien.example",
        first: "dashboard-expert",
        also: &[],
        pages: &["/engagements"],
    },
    Walk {
        who: "publisher",
        email: "roadmap@policy.example",
        first: "dashboard-publisher",
        also: &[],
        pages: &["/roadmap", "/releases"],
    },
];

const PUBLIC: &[&str] = &[
    "/",
    "/catalog",
    "/verify",
    "/experts",
    "/register",
    "/roadmap",
    "/login",
    "/signup",
];

async fn walk_all(c: &Client, base: &str, axe: Option<&str>, phone: bool) -> Res<Vec<String>> {
    let size = if phone { "390" } else { "desktop" };
    let mut problems = Vec::new();
    for (i, p) in PUBLIC.iter().enumerate() {
        c.goto(&format!("{base}{p}")).await?;
        problems.extend(check_page(c, axe, phone, &format!("roles-{size}-public-{i}")).await?);
    }
    for w in WALKS {
        login(c, base, w.email).await?;
        // The role's own section leads the dashboard.
        let ids = c
            .execute(
                "return Array.from(document.querySelectorAll('main > section.role, main > div.role')).map(e => e.id)",
                vec![],
            )
            .await?;
        let ids: Vec<&str> = ids
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        if ids.first() != Some(&w.first) {
            problems.push(format!(
                "{}: the dashboard leads with {ids:?}, not {}",
                w.who, w.first
            ));
        }
        for also in w.also {
            if !ids.contains(also) {
                problems.push(format!("{}: the dashboard lacks {also}: {ids:?}", w.who));
            }
        }
        problems
            .extend(check_page(c, axe, phone, &format!("roles-{size}-{}-dashboard", w.who)).await?);
        for (i, p) in w.pages.iter().enumerate() {
            c.goto(&format!("{base}{p}")).await?;
            let status_ok = c.find_all(Locator::Css("main h1")).await?.len() == 1;
            if !status_ok {
                problems.push(format!("{}: {p} has no single heading", w.who));
            }
            problems
                .extend(check_page(c, axe, phone, &format!("roles-{size}-{}-{i}", w.who)).await?);
        }
        // The secretary's main task: invite a member by corporate number, from the phone too.
        if w.who == "industry-group" {
            c.goto(&format!("{base}/industry")).await?;
            let forms = c
                .find_all(Locator::Css(
                    "form[action='/industry/members'] input[name=corporate_number]",
                ))
                .await?;
            if forms.is_empty() {
                problems.push("industry-group: no invitation form on /industry".into());
            }
        }
        // The supplier's declared backup product is evidence on its open assessment's backup
        // criterion.
        if w.who == "supplier" {
            c.goto(&format!("{base}/assessments")).await?;
            let mut hrefs = Vec::new();
            for a in c
                .find_all(Locator::Css("main a[href^='/assessments/']"))
                .await?
            {
                let href = a.attr("href").await?.unwrap_or_default();
                let rest = href.trim_start_matches("/assessments/");
                if !rest.is_empty()
                    && !rest.contains('/')
                    && !rest.contains('?')
                    && rest != "new"
                    && !hrefs.contains(&href)
                {
                    hrefs.push(href);
                }
            }
            let mut found = false;
            for href in hrefs {
                c.goto(&format!("{base}{href}/criteria/4-3-4-1")).await?;
                if !c
                    .find_all(Locator::Css(".product-evidence li"))
                    .await?
                    .is_empty()
                {
                    found = true;
                    c.execute(
                        "document.querySelector('.product-evidence').scrollIntoView()",
                        vec![],
                    )
                    .await?;
                    problems.extend(
                        check_page(
                            c,
                            axe,
                            phone,
                            &format!("roles-{size}-supplier-product-evidence"),
                        )
                        .await?,
                    );
                    break;
                }
            }
            if !found {
                problems
                    .push("supplier: no criterion page shows the declared backup product".into());
            }
        }
        // The publisher's release: its two-way tables scroll inside themselves on a phone.
        if w.who == "publisher" {
            c.goto(&format!("{base}/releases")).await?;
            let links = c
                .find_all(Locator::Css("main a[href^='/releases/']"))
                .await?;
            match links.first() {
                Some(a) => {
                    let href = a.attr("href").await?.unwrap_or_default();
                    c.goto(&format!("{base}{href}")).await?;
                    let tables = c
                        .find_all(Locator::Css("div.two-way-wrap[role=region] table"))
                        .await?;
                    if tables.len() != 3 {
                        problems.push(format!(
                            "publisher: {href} has {} two-way tables",
                            tables.len()
                        ));
                    }
                    problems.extend(
                        check_page(c, axe, phone, &format!("roles-{size}-publisher-release"))
                            .await?,
                    );
                }
                None => problems.push("publisher: no release listed on /releases".into()),
            }
        }
        logout(c).await?;
    }
    Ok(problems)
}

#[test]
fn every_role_sees_its_own_work_first_on_a_desktop_and_a_phone_with_no_serious_accessibility_violation(
) {
    let (Some(chromium), Some(chromedriver)) = (
        on_path(&["chromium", "chromium-browser"]),
        on_path(&["chromedriver"]),
    ) else {
        eprintln!("skipping the per-role browser test: chromium and chromedriver must both be on PATH (.ci/run installs them)");
        return;
    };
    let axe = axe_source();
    if axe.is_none() {
        eprintln!("the per-role browser test runs without the accessibility check: axe-core not found (set SHIRUBE_AXE_JS; .ci/run installs it)");
    }
    std::fs::create_dir_all(SHOTS).expect("screenshot dir");
    let work = tempfile::tempdir().expect("temp dir");
    let (_server, base) = start_demo(&work.path().join("data"));
    let (_driver, driver_port) = start_chromedriver(&chromedriver);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut problems = Vec::new();
    for phone in [false, true] {
        let profile: PathBuf = work.path().join(if phone { "phone" } else { "desktop" });
        let outcome = runtime.block_on(async {
            let c = connect(driver_port, &chromium, &profile, phone).await?;
            let r = walk_all(&c, &base, axe.as_deref(), phone).await;
            if r.is_err() {
                if let Ok(url) = c.current_url().await {
                    eprintln!("failed on {url}");
                }
                if let Ok(png) = c.screenshot().await {
                    let _ = std::fs::write(Path::new(SHOTS).join("roles-failure.png"), png);
                }
            }
            let _ = c.close().await;
            r
        });
        match outcome {
            Ok(p) => problems.extend(p),
            Err(e) => panic!(
                "the per-role walk failed ({}): {e}",
                if phone { "phone" } else { "desktop" }
            ),
        }
    }
    eprintln!(
        "per-role walk: {} public pages and {} roles on a desktop and a 390 px phone{}; screenshots in {SHOTS}",
        PUBLIC.len(),
        WALKS.len(),
        if axe.is_some() { ", each page checked by axe-core" } else { "" }
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
