//! The rest of the public side: live KPIs broken down by industry, size and prefecture under
//! the release tables' disclosure control, and the two-way tables of a release page.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::public::{
    assert_perturbed, create_measure, file, measure, publish, publisher, signup_as,
};
use crate::support::{assert_problem, TestApp};

/// A measure of one live KPI narrowed to `scope`.
fn scoped(title: &str, live: &str, scope: Value) -> Value {
    let mut m = measure(title, Some(live));
    m["kpis"][0]["scope"] = scope;
    m
}

/// The roadmap's KPIs, by measure title.
async fn kpi(app: &TestApp, title: &str) -> Value {
    let road = app.get_json("/api/v1/roadmap", None).await;
    road["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"]["en"] == title)
        .unwrap_or_else(|| panic!("no measure {title}"))["kpis"][0]
        .clone()
}

#[tokio::test]
async fn a_live_kpi_narrowed_to_an_industry_size_and_prefecture_counts_only_those_and_withholds_one_or_two(
) {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        // Manufacturing in Aichi (23): six medium firms and four large ones; one transport
        // firm in Hokkaido.
        for i in 0..6 {
            signup_as(&app, &format!("愛知中堅{i}"), "E", 40, "23").await;
        }
        for i in 0..4 {
            signup_as(&app, &format!("愛知大手{i}"), "E", 400, "23").await;
        }
        signup_as(&app, "北海道運輸", "H", 10, "01").await;
        for (title, live, scope) in [
            (
                "Manufacturers in Aichi",
                "organizations_registered",
                json!({ "industry": "E", "prefecture": "23" }),
            ),
            (
                "Large manufacturers in Aichi",
                "organizations_registered",
                json!({ "industry": "e", "size": "large", "prefecture": "23" }),
            ),
            (
                "Transport",
                "organizations_registered",
                json!({ "industry": "H" }),
            ),
            (
                "★3 among manufacturers in Aichi",
                "star3_valid",
                json!({ "industry": "E", "prefecture": "23" }),
            ),
            (
                "SME ★3 share in Aichi manufacturing",
                "sme_star3_share",
                json!({ "industry": "E", "prefecture": "23" }),
            ),
        ] {
            let r = create_measure(&app, &gov.token, scoped(title, live, scope)).await;
            assert_eq!(
                r.status(),
                StatusCode::CREATED,
                "{title}: {}",
                r.text().await.unwrap()
            );
        }
        let k = kpi(&app, "Manufacturers in Aichi").await;
        // Ten, shown with the statistics' perturbation (at most ±2, never 1 or 2).
        assert_perturbed(&k["latest"]["value"], 10);
        assert_eq!(k["scope"], json!({ "industry": "E", "prefecture": "23" }));
        assert_eq!(k["withheld"], Value::Null);
        // The letter is stored as the code it stands for.
        let k = kpi(&app, "Large manufacturers in Aichi").await;
        assert_eq!(k["scope"]["industry"], "E");
        assert_perturbed(&k["latest"]["value"], 4);
        // The same organisations give the same value every time it is read.
        assert_eq!(
            kpi(&app, "Large manufacturers in Aichi").await["latest"],
            k["latest"]
        );
        // One firm: withheld, with the reason, as a release table withholds it.
        let k = kpi(&app, "Transport").await;
        assert_eq!(k["latest"], Value::Null, "{k}");
        assert_eq!(k["withheld"], "C");
        assert_eq!(k["status"], "no_data");
        let k = kpi(&app, "★3 among manufacturers in Aichi").await;
        assert_eq!(k["latest"]["value"], 0.0, "{k}");
        // Six SMEs are too few for a share.
        let k = kpi(&app, "SME ★3 share in Aichi manufacturing").await;
        assert_eq!(k["latest"], Value::Null, "{k}");
        assert_eq!(k["withheld"], "small_denominator");

        // Live: one more large manufacturer in Aichi counts at once.
        signup_as(&app, "愛知大手追加", "E", 400, "23").await;
        assert_perturbed(
            &kpi(&app, "Large manufacturers in Aichi").await["latest"]["value"],
            5,
        );
        assert_perturbed(
            &kpi(&app, "Manufacturers in Aichi").await["latest"]["value"],
            11,
        );

        // The roadmap page shows the scope in words and x with the reason.
        for (lang, scope_words, reason) in [
            ("ja", "E: 製造業・大規模・愛知県 (23)", "1〜2組織"),
            (
                "en",
                "E: Manufacturing, Large, Aichi (23)",
                "one or two organisations",
            ),
        ] {
            let html = TestApp::client()
                .get(app.url("/roadmap"))
                .header("cookie", format!("lang={lang}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let doc = scraper::Html::parse_document(&html);
            let text = doc.root_element().text().collect::<String>();
            assert!(text.contains(scope_words), "{lang}: no {scope_words}");
            assert!(text.contains(reason), "{lang}: no {reason}");
        }
    }
}

#[tokio::test]
async fn a_narrowed_figure_that_differs_from_a_published_table_cell_by_one_or_two_firms_is_withheld(
) {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        // Two more public bodies beside the publisher, so that no table cell holds one or two.
        signup_as(&app, "政策庁2", "S", 500, "13").await;
        signup_as(&app, "政策庁3", "S", 500, "13").await;
        // Ten medium manufacturers in Aichi and one in Osaka: medium manufacturers number 11
        // nationally, so "medium manufacturers in Aichi" published as 10 next to it would
        // single out the one in Osaka.
        for i in 0..10 {
            signup_as(&app, &format!("愛知中堅{i}"), "E", 40, "23").await;
        }
        for i in 0..10 {
            signup_as(&app, &format!("大阪大手{i}"), "E", 400, "27").await;
        }
        signup_as(&app, "大阪中堅", "E", 40, "27").await;
        let r = create_measure(
            &app,
            &gov.token,
            scoped(
                "Medium manufacturers in Aichi",
                "organizations_registered",
                json!({ "industry": "E", "size": "medium", "prefecture": "23" }),
            ),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let k = kpi(&app, "Medium manufacturers in Aichi").await;
        assert_eq!(k["latest"], Value::Null, "{k}");
        assert!(k["withheld"] == "D" || k["withheld"] == "C", "{k}");
        // Two more medium manufacturers in Osaka make the difference three: published.
        signup_as(&app, "大阪中堅2", "E", 40, "27").await;
        signup_as(&app, "大阪中堅3", "E", 40, "27").await;
        let k = kpi(&app, "Medium manufacturers in Aichi").await;
        assert_perturbed(&k["latest"]["value"], 10);
    }
}

async fn post_invalid(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let r = app.post_json(path, Some(token), body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    r.json().await.unwrap()
}

/// The message on a field, in English or Japanese (`lang`).
fn message<'a>(v: &'a Value, field: &str, lang: &str) -> &'a str {
    let key = if lang == "ja" {
        "message_ja"
    } else {
        "message"
    };
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("no error on {field} in {v}"))[key]
        .as_str()
        .unwrap()
}

#[tokio::test]
async fn an_unknown_industry_size_or_prefecture_is_refused_naming_the_field_and_the_accepted_values(
) {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        let bad = scoped(
            "Bad scope",
            "star3_valid",
            json!({ "industry": "Z", "size": "tiny", "prefecture": "48" }),
        );
        let v = post_invalid(
            &app,
            "/api/v1/roadmap/measures",
            &gov.token,
            json!({ "measure": bad, "reason": "r" }),
        )
        .await;
        for (lang, industry, size, prefecture) in [
            (
                "ja",
                "A〜T",
                "small（小規模）",
                "01（北海道）〜47（沖縄県）",
            ),
            (
                "en",
                "from A to T",
                "small, medium or large",
                "from 01 (Hokkaido) to 47",
            ),
        ] {
            assert!(
                message(&v, "kpis[0].scope.industry", lang).contains(industry),
                "{v}"
            );
            assert!(
                message(&v, "kpis[0].scope.size", lang).contains(size),
                "{v}"
            );
            assert!(
                message(&v, "kpis[0].scope.prefecture", lang).contains(prefecture),
                "{v}"
            );
        }
        // A scope needs a live figure that can be broken down.
        let mut m = measure("Not live", None);
        m["kpis"][0]["scope"] = json!({ "industry": "E" });
        assert_problem(
            create_measure(&app, &gov.token, m).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "kpis[0].scope",
        )
        .await;
        let v = assert_problem(
            create_measure(
                &app,
                &gov.token,
                scoped(
                    "Median",
                    "median_days_to_level",
                    json!({ "prefecture": "13" }),
                ),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "kpis[0].scope",
        )
        .await;
        assert!(
            message(&v, "kpis[0].scope", "en").contains("valid ★3"),
            "{v}"
        );
        assert!(
            message(&v, "kpis[0].scope", "ja").contains("有効な★3"),
            "{v}"
        );
        // Nothing was stored.
        let road = app.get_json("/api/v1/roadmap", None).await;
        assert_eq!(road["measures"].as_array().unwrap().len(), 0);

        // A revision is checked the same way, and the measure stays as it was.
        let r = create_measure(
            &app,
            &gov.token,
            scoped("Aichi", "star3_valid", json!({ "prefecture": "23" })),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let v = post_invalid(
            &app,
            &format!("/api/v1/roadmap/measures/{id}/revisions"),
            &gov.token,
            json!({
                "decision": "revise",
                "reason": "narrow to manufacturing",
                "measure": scoped("Aichi", "star3_valid", json!({ "industry": "manufacturing", "prefecture": "23" })),
            }),
        )
        .await;
        assert!(message(&v, "measure.kpis[0].scope.industry", "en").contains("E for manufacturing"));
        assert!(message(&v, "measure.kpis[0].scope.industry", "ja").contains("製造業は E"));
        let k = kpi(&app, "Aichi").await;
        assert_eq!(k["scope"], json!({ "prefecture": "23" }));
    }
}

#[tokio::test]
async fn a_release_page_shows_two_way_tables_with_margins_and_x_for_withheld_cells_in_both_languages(
) {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        crate::public::population(&app).await;
        assert_eq!(
            crate::public::publish(&app, &gov, "2026H2").await.status(),
            StatusCode::CREATED
        );
        let stats: Value = serde_json::from_str(
            &crate::public::file(&app, "2026H2", "statistics.json")
                .await
                .2,
        )
        .unwrap();
        let obs = stats["observations"].as_array().unwrap();
        let shown = |m: &str, i: &str, s: &str, p: &str| {
            let o = crate::public::cell(obs, m, i, s, p);
            o["value"]
                .as_u64()
                .map(|v| v.to_string())
                .unwrap_or_else(|| "x".into())
        };
        for (lang, total, corner) in [
            ("ja", "合計", "業種＼規模"),
            ("en", "Total", "Industry \\ size"),
        ] {
            let get = |path: String| {
                TestApp::client()
                    .get(app.url(&path))
                    .header("cookie", format!("lang={lang}"))
                    .send()
            };
            let html = get("/releases/2026H2".into())
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let doc = scraper::Html::parse_document(&html);
            let sel = |s: &str| scraper::Selector::parse(s).unwrap();
            let text = |e: scraper::ElementRef| e.text().collect::<String>();
            // Three tables, each in a wrapper that scrolls by itself and can take focus.
            let wraps: Vec<_> = doc
                .select(&sel(
                    "section.two-way div.two-way-wrap[role=region][tabindex='0']",
                ))
                .collect();
            assert_eq!(wraps.len(), 3, "{lang}");
            let table = wraps[0].select(&sel("table")).next().unwrap();
            assert!(text(table.select(&sel("caption")).next().unwrap()).contains("2026H2"));
            let heads: Vec<String> = table
                .select(&sel("thead th[scope=col]"))
                .map(text)
                .collect();
            assert_eq!(heads.len(), 5, "{heads:?}");
            assert_eq!(heads[0], corner);
            assert_eq!(heads[4], total);
            let rows: Vec<Vec<String>> = table
                .select(&sel("tbody tr"))
                .map(|r| r.select(&sel("th[scope=row], td")).map(text).collect())
                .collect();
            // A row per JSIC division and the total row; each with its margin.
            assert_eq!(rows.len(), 21);
            assert!(rows[7][0].starts_with("H: "), "{:?}", rows[7]);
            // The single transport firm (small) is withheld; the page matches the data file.
            assert_eq!(rows[7][1], "x");
            for (r, code) in rows.iter().zip(["A", "B", "C", "D", "E", "F", "G", "H"]) {
                for (k, size) in ["small", "medium", "large", "_T"].iter().enumerate() {
                    assert_eq!(
                        r[k + 1],
                        shown("organizations_registered", code, size, "_T"),
                        "{code} {size}"
                    );
                }
            }
            assert_eq!(rows[20][0], total);
            assert_eq!(
                rows[20][4],
                shown("organizations_registered", "_T", "_T", "_T")
            );
            // Prefecture × industry: 47 prefectures and the total, 20 divisions and the total.
            let pi = wraps[2].select(&sel("table")).next().unwrap();
            assert_eq!(pi.select(&sel("tbody tr")).count(), 48);
            assert_eq!(
                pi.select(&sel("thead th[scope=col] abbr[title]")).count(),
                20
            );

            // Another measure, chosen with a plain link.
            let link = doc
                .select(&sel("ul.measure-choice a"))
                .find(|a| a.value().attr("href").unwrap().contains("star3_valid"))
                .unwrap()
                .value()
                .attr("href")
                .unwrap()
                .to_string();
            let html = get(link).await.unwrap().text().await.unwrap();
            let doc = scraper::Html::parse_document(&html);
            let current = doc
                .select(&sel("ul.measure-choice strong[aria-current=page]"))
                .map(text)
                .collect::<String>();
            assert!(current.contains('3'), "{current}");
            let caption = doc
                .select(&sel("section.two-way caption"))
                .map(text)
                .next()
                .unwrap();
            assert!(caption.contains(&current), "{caption}");
        }
    }
}

#[tokio::test]
async fn a_live_count_and_a_release_cell_over_the_same_organisations_show_the_same_perturbed_value()
{
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        for i in 0..12 {
            signup_as(&app, &format!("愛知中堅{i}"), "E", 40, "23").await;
        }
        for i in 0..5 {
            signup_as(&app, &format!("大阪中堅{i}"), "E", 40, "27").await;
        }
        for i in 0..4 {
            signup_as(&app, &format!("東京情報{i}"), "G", 40, "13").await;
        }
        for (title, live, scope) in [
            (
                "Manufacturers in Aichi",
                "organizations_registered",
                json!({ "industry": "E", "prefecture": "23" }),
            ),
            (
                "Medium manufacturers",
                "organizations_registered",
                json!({ "industry": "E", "size": "medium" }),
            ),
        ] {
            let r = create_measure(&app, &gov.token, scoped(title, live, scope)).await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        assert_eq!(
            crate::public::publish(&app, &gov, "2026H2").await.status(),
            StatusCode::CREATED
        );
        let text = crate::public::file(&app, "2026H2", "statistics.json")
            .await
            .2;
        let stats: Value = serde_json::from_str(&text).unwrap();
        let obs = stats["observations"].as_array().unwrap();
        let mut live_values = Vec::new();
        for (title, industry, size, prefecture, n) in [
            ("Manufacturers in Aichi", "E", "_T", "23", 12),
            ("Medium manufacturers", "E", "medium", "_T", 17),
        ] {
            let c =
                crate::public::cell(obs, "organizations_registered", industry, size, prefecture);
            assert_eq!(c["conf_status"], "F", "{c}");
            assert_perturbed(&c["value"], n);
            // The live figure is the release's value, error included: the same organisations
            // give the same cell key.
            let k = kpi(&app, title).await;
            assert_eq!(
                k["latest"]["value"].as_f64(),
                c["value"].as_f64(),
                "{title}: live {k} against the release's {c}"
            );
            live_values.push(k["latest"]["value"].clone());
        }
        // Firms elsewhere join: the live figures over unchanged organisations keep their
        // value, and the release reads back byte for byte.
        for i in 0..3 {
            signup_as(&app, &format!("京都運輸{i}"), "H", 40, "26").await;
        }
        for (title, before) in ["Manufacturers in Aichi", "Medium manufacturers"]
            .iter()
            .zip(&live_values)
        {
            assert_eq!(
                &kpi(&app, title).await["latest"]["value"],
                before,
                "{title}"
            );
        }
        assert_eq!(
            crate::public::file(&app, "2026H2", "statistics.json")
                .await
                .2,
            text
        );
    }
}

#[tokio::test]
async fn the_public_roadmap_keeps_its_live_figures_for_a_minute_and_says_when_they_were_computed() {
    let clock = shirube_app::Clock::manual(
        chrono::DateTime::parse_from_rfc3339("2026-10-01T03:00:00Z")
            .unwrap()
            .to_utc(),
    );
    let app =
        TestApp::sqlite_with_live_cache(clock.clone(), std::time::Duration::from_secs(60)).await;
    let gov = publisher(&app).await;
    for i in 0..10 {
        signup_as(&app, &format!("京都製作所{i}"), "E", 40, "26").await;
    }
    // A second firm of one, so that the publisher's own cell is not the only one withheld.
    signup_as(&app, "北海道運輸", "H", 10, "01").await;
    let created = create_measure(
        &app,
        &gov.token,
        scoped(
            "Manufacturers in Kyoto",
            "organizations_registered",
            json!({ "industry": "E", "prefecture": "26" }),
        ),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let first = kpi(&app, "Manufacturers in Kyoto").await["latest"]["value"].clone();
    assert_perturbed(&first, 10);

    // Within the minute, a new firm does not move the figure; the page says when it was made.
    // (Six, so that the fresh figure, 16 ± 2, cannot equal the kept one, 10 ± 2.)
    for i in 10..16 {
        signup_as(&app, &format!("京都製作所{i}"), "E", 40, "26").await;
    }
    clock.advance(chrono::Duration::seconds(59));
    assert_eq!(
        kpi(&app, "Manufacturers in Kyoto").await["latest"]["value"],
        first
    );
    // Only the live figures wait: a measure recorded now is on the roadmap at once.
    let created = create_measure(&app, &gov.token, measure("Recorded just now", None)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let road = app.get_json("/api/v1/roadmap", None).await;
    assert!(road["measures"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["title"]["en"] == "Recorded just now"));
    let html = app.get_text("/roadmap", "ja").await;
    assert!(html.contains("2026-10-01 12:00 時点の集計"), "{html}");

    // A minute on, it is read afresh.
    clock.advance(chrono::Duration::seconds(1));
    assert_perturbed(
        &kpi(&app, "Manufacturers in Kyoto").await["latest"]["value"],
        16,
    );
}

#[tokio::test]
async fn a_measure_written_in_japanese_shows_its_english_on_english_pages_and_a_mismatched_list_is_refused(
) {
    for app in TestApp::all().await {
        let gov = publisher(&app).await;
        let mut m = measure("Briefings", None);
        m["logic_model"]["inputs_en"] = json!(["A budget of ¥200m"]);
        m["logic_model"]["outcomes_en"] = json!(["More firms holding ★3"]);
        m["kpis"][0]["source"] = json!("しるべ");
        m["kpis"][0]["source_en"] = json!("Shirube");
        m["kpis"][0]["quality_note"] = json!("しるべの登録組織のみ。");
        m["kpis"][0]["quality_note_en"] = json!("Organisations on Shirube only.");
        let r = app
            .post_json(
                "/api/v1/roadmap/measures",
                Some(&gov.token),
                json!({ "measure": m, "reason": "閣議決定に基づく", "reason_en": "Under a Cabinet decision" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // The JSON keeps both; each page shows its own language, and the items without
        // English (activities, outputs) as written.
        let road = app.get_json("/api/v1/roadmap", None).await;
        let lm = &road["measures"][0]["logic_model"];
        assert_eq!(lm["inputs"], json!(["予算 2億円"]));
        assert_eq!(lm["inputs_en"], json!(["A budget of ¥200m"]));
        assert_eq!(road["measures"][0]["kpis"][0]["source_en"], "Shirube");
        assert_eq!(
            road["measures"][0]["revisions"][0]["reason_en"],
            "Under a Cabinet decision"
        );
        let ja = app.get_text("/roadmap", "ja").await;
        assert!(ja.contains("予算 2億円") && ja.contains("しるべの登録組織のみ。"));
        assert!(ja.contains("閣議決定に基づく") && !ja.contains("Under a Cabinet decision"));
        assert!(
            !ja.contains("A budget of ¥200m") && !ja.contains("Organisations on Shirube only.")
        );
        let en = app.get_text("/roadmap", "en").await;
        assert!(en.contains("A budget of ¥200m") && en.contains("More firms holding ★3"));
        assert!(en.contains("Organisations on Shirube only.") && !en.contains("予算 2億円"));
        assert!(en.contains("説明会の開催"), "no English given: as written");
        assert!(en.contains("Under a Cabinet decision") && !en.contains("閣議決定に基づく"));

        // Without a reason, the first revision reads 採択 / Adopted, never an internal word.
        let r = app
            .post_json(
                "/api/v1/roadmap/measures",
                Some(&gov.token),
                json!({ "measure": measure("Bare", None) }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let road = app.get_json("/api/v1/roadmap", None).await;
        let bare = road["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["title"]["en"] == "Bare")
            .unwrap()
            .clone();
        assert_eq!(bare["revisions"][0]["reason"], "採択");
        assert_eq!(bare["revisions"][0]["reason_en"], "Adopted");
        // An English reason alone is refused: the reason as written is what is published.
        let path = format!(
            "/api/v1/roadmap/measures/{}/revisions",
            bare["id"].as_str().unwrap()
        );
        let r = app
            .post_json(
                &path,
                Some(&gov.token),
                json!({ "decision": "continue", "reason": "", "reason_en": "Going on", "measure": measure("Bare", None) }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "reason").await;

        // English items pair with the items as written: a list of another length is refused.
        m["logic_model"]["activities_en"] = json!(["Briefings", "Visits"]);
        let v = assert_problem(
            create_measure(&app, &gov.token, m).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "logic_model.activities_en",
        )
        .await;
        let text = v.to_string();
        assert!(
            text.contains("same order") || text.contains("同じ順"),
            "{v}"
        );
        assert_eq!(
            app.get_json("/api/v1/roadmap", None).await["measures"]
                .as_array()
                .unwrap()
                .len(),
            2,
            "nothing stored"
        );

        // A release carries the English, and validates against the schema published with it,
        // which describes the English fields (a number where text belongs fails).
        assert_eq!(
            publish(&app, &gov, "2026H2").await.status(),
            StatusCode::CREATED
        );
        let (_, _, road) = file(&app, "2026H2", "roadmap").await;
        let (_, _, schema) = file(&app, "2026H2", "roadmap.schema.json").await;
        let validator = jsonschema::validator_for(&serde_json::from_str(&schema).unwrap()).unwrap();
        let mut road: Value = serde_json::from_str(&road).unwrap();
        assert!(road.to_string().contains("Under a Cabinet decision"));
        assert!(validator.is_valid(&road));
        road["measures"][0]["revisions"][0]["reason_en"] = json!(7);
        assert!(!validator.is_valid(&road));
    }
}
