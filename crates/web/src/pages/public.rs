//! The public pages: the roadmap with each KPI's trajectory and status, the list of
//! releases, and a release's statistics as accessible SVG charts with their data tables
//! (`x` for withheld cells). No sign-in, no JavaScript.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use shirube_catalog::Lang;

use crate::auth::ReqLang;
use crate::error::PageError;
use crate::pages::MaybeNav;
use crate::pages::{render, Nav};
use crate::AppState;
use shirube_app::domain::{industry_name, prefecture_name};
use shirube_app::i18n::Tr;
use shirube_app::{releases, roadmap};

/// One point of a KPI chart, in SVG coordinates.
#[derive(Debug, Clone)]
pub struct ChartPoint {
    pub x: i64,
    pub y: i64,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct KpiRow {
    pub name: String,
    pub unit: String,
    pub baseline: String,
    pub interim: Vec<String>,
    pub target: String,
    pub latest: String,
    pub live: bool,
    /// Whom a live figure counts (empty for a figure not measured by Shirube).
    pub scope: String,
    pub status_code: String,
    pub status: String,
    pub source: String,
    pub quality_note: String,
    /// The trajectory as an SVG polyline, and the latest value as a point.
    pub line: String,
    pub points: Vec<ChartPoint>,
    pub latest_point: Option<ChartPoint>,
    pub chart_label: String,
}

#[derive(Debug, Clone)]
pub struct RevisionRow {
    pub revision: i64,
    pub decision: String,
    pub reason: String,
    pub at: String,
}

#[derive(Debug, Clone)]
pub struct MeasureRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub decision: String,
    pub inputs: Vec<String>,
    pub activities: Vec<String>,
    pub outputs: Vec<String>,
    pub outcomes: Vec<String>,
    pub kpis: Vec<KpiRow>,
    pub revisions: Vec<RevisionRow>,
}

#[derive(Template)]
#[template(path = "public/roadmap.html")]
pub struct RoadmapPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub as_of: String,
    /// When the live figures were computed, for reading.
    pub live_at: String,
    pub rule: String,
    pub measures: Vec<MeasureRow>,
}

const CHART_W: f64 = 320.0;
const CHART_H: f64 = 120.0;

fn dated(d: &roadmap::DatedValue) -> String {
    format!("{} ({})", trim_number(d.value), d.date)
}

fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

fn days(date: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| (d - chrono::NaiveDate::default()).num_days())
        .unwrap_or(0)
}

/// A publisher's text on a page in `t`'s language: its English where one was given and the
/// page is English, else as written.
fn english(t: &Tr, written: &str, en: Option<&str>) -> String {
    match en {
        Some(en) if !t.is_ja() => en.to_string(),
        _ => written.to_string(),
    }
}

fn kpi_row(t: &Tr, k: &roadmap::KpiView) -> KpiRow {
    let lang = if t.is_ja() { Lang::Ja } else { Lang::En };
    let mut series: Vec<&roadmap::DatedValue> = vec![&k.kpi.baseline];
    series.extend(k.kpi.interim_targets.iter());
    series.push(&k.kpi.target);
    let all: Vec<&roadmap::DatedValue> = series.iter().copied().chain(k.latest.iter()).collect();
    let (d0, d1) = all.iter().fold((i64::MAX, i64::MIN), |(a, b), d| {
        let x = days(&d.date);
        (a.min(x), b.max(x))
    });
    let (v0, v1) = all.iter().fold((f64::MAX, f64::MIN), |(a, b), d| {
        (a.min(d.value), b.max(d.value))
    });
    let span_d = (d1 - d0).max(1) as f64;
    let span_v = if (v1 - v0).abs() < 1e-9 { 1.0 } else { v1 - v0 };
    let at = |d: &roadmap::DatedValue| ChartPoint {
        x: (10.0 + (days(&d.date) - d0) as f64 / span_d * (CHART_W - 20.0)).round() as i64,
        y: (CHART_H - 10.0 - (d.value - v0) / span_v * (CHART_H - 20.0)).round() as i64,
        label: dated(d),
    };
    let points: Vec<ChartPoint> = series.iter().map(|d| at(d)).collect();
    let line = points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let name = if lang == Lang::Ja {
        k.kpi.name_ja.clone()
    } else {
        k.kpi.name_en.clone()
    };
    let status = t.label(k.status);
    KpiRow {
        chart_label: shirube_app::i18n::text_with(
            lang,
            "roadmap-chart-label",
            &[("kpi", name.clone()), ("status", status.clone())],
        ),
        name,
        unit: k.kpi.unit.clone(),
        baseline: dated(&k.kpi.baseline),
        interim: k.kpi.interim_targets.iter().map(dated).collect(),
        target: dated(&k.kpi.target),
        latest: match (&k.latest, k.withheld) {
            (Some(d), _) => dated(d),
            (None, Some(w)) => t.t(match w {
                roadmap::Withheld::Primary => "roadmap-withheld-c",
                roadmap::Withheld::Secondary => "roadmap-withheld-d",
                roadmap::Withheld::SmallDenominator => "roadmap-withheld-small-denominator",
            }),
            (None, None) => "—".to_string(),
        },
        live: k.kpi.live.is_some(),
        scope: if k.kpi.live.is_some() {
            scope_words(t, lang, k.kpi.scope.as_ref())
        } else {
            String::new()
        },
        status_code: k.status.code().to_string(),
        status,
        source: english(t, &k.kpi.source, k.kpi.source_en.as_deref()),
        quality_note: english(t, &k.kpi.quality_note, k.kpi.quality_note_en.as_deref()),
        line,
        points,
        latest_point: k.latest.as_ref().map(at),
    }
}

/// A KPI's scope in words: 製造業（E）・小規模・愛知県（23）.
fn scope_words(t: &Tr, lang: Lang, scope: Option<&roadmap::KpiScope>) -> String {
    let Some(sc) = scope else {
        return t.t("roadmap-scope-all");
    };
    let mut parts = Vec::new();
    if let Some(i) = &sc.industry {
        parts.push(industry_name(i, lang));
    }
    if let Some(s) = &sc.size {
        parts.push(t.t(&format!("stats-size-{s}")));
    }
    if let Some(p) = &sc.prefecture {
        parts.push(format!("{} ({p})", prefecture_name(p, lang)));
    }
    parts.join(if lang == Lang::Ja { "・" } else { ", " })
}

/// `/roadmap`: every measure and its KPIs now.
pub async fn roadmap(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeNav(nav): MaybeNav,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let r = roadmap::roadmap(&state)
        .await
        .map_err(|e| PageError(e, lang))?;
    let measures = r
        .measures
        .iter()
        .map(|m| {
            let c = &m.current.measure;
            let [inputs, activities, outputs, outcomes] = c.logic_model.in_lang(lang);
            MeasureRow {
                id: m.id.clone(),
                title: if lang == Lang::Ja {
                    c.title_ja.clone()
                } else {
                    c.title_en.clone()
                },
                owner: m.owner_name.clone(),
                decision: t.label(m.current.decision),
                inputs: inputs.to_vec(),
                activities: activities.to_vec(),
                outputs: outputs.to_vec(),
                outcomes: outcomes.to_vec(),
                kpis: m.kpis.iter().map(|k| kpi_row(&t, k)).collect(),
                revisions: m
                    .revisions
                    .iter()
                    .map(|v| RevisionRow {
                        revision: v.revision,
                        decision: t.label(v.decision),
                        reason: english(&t, &v.reason, v.reason_en.as_deref()),
                        at: v.created_at.get(..10).unwrap_or("").to_string(),
                    })
                    .collect(),
            }
        })
        .collect();
    let page = RoadmapPage {
        rule: if lang == Lang::Ja {
            roadmap::STATUS_RULE_JA
        } else {
            roadmap::STATUS_RULE_EN
        }
        .to_string(),
        t,
        nav: nav.clone(),
        as_of: r.as_of.format("%Y-%m-%d").to_string(),
        live_at: t.datetime(&r.live_at),
        measures,
    };
    render(&page, lang)
}

#[derive(Debug, Clone)]
pub struct ReleaseLink {
    pub period: String,
    pub published_at: String,
    pub publisher: String,
}

#[derive(Template)]
#[template(path = "public/releases.html")]
pub struct ReleasesPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub releases: Vec<ReleaseLink>,
}

/// `/releases`: every release.
pub async fn releases(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeNav(nav): MaybeNav,
) -> Result<Response, PageError> {
    let list = releases::list(&state)
        .await
        .map_err(|e| PageError(e, lang))?;
    let page = ReleasesPage {
        t: Tr::new(lang),
        nav: nav.clone(),
        releases: list
            .into_iter()
            .map(|r| ReleaseLink {
                period: r.period,
                published_at: r.published_at.get(..10).unwrap_or("").to_string(),
                publisher: r.publisher_name,
            })
            .collect(),
    };
    render(&page, lang)
}

/// One row of a statistics table: a category and its three measures (`x` when withheld).
#[derive(Debug, Clone)]
pub struct StatRow {
    pub label: String,
    pub registered: String,
    pub star3: String,
    pub star4: String,
    /// The bar of the registered count (0 when withheld), in SVG units.
    pub bar: i64,
    pub y: i64,
    pub bar_label: String,
}

#[derive(Debug, Clone)]
pub struct StatTable {
    pub id: String,
    pub caption: String,
    pub rows: Vec<StatRow>,
    pub height: i64,
}

#[derive(Debug, Clone)]
pub struct FileLink {
    pub name: String,
    pub url: String,
    pub sha256: String,
}

/// One line of the self-sufficiency table.
#[derive(Debug, Clone)]
pub struct ShareRow {
    pub label: String,
    pub organisations: String,
    pub share: String,
}

/// One row of a two-way table: its label and a value per column, the margin last.
#[derive(Debug, Clone)]
pub struct TwoWayRow {
    pub label: String,
    pub cells: Vec<String>,
}

/// A two-way table of one measure with its margins (the last column and row are totals).
#[derive(Debug, Clone)]
pub struct TwoWayTable {
    pub id: String,
    pub caption: String,
    /// What the rows and columns are, for the corner cell.
    pub corner: String,
    pub columns: Vec<TwoWayColumn>,
    pub rows: Vec<TwoWayRow>,
}

/// A column heading: a short label and, where it is a code, its full name.
#[derive(Debug, Clone)]
pub struct TwoWayColumn {
    pub label: String,
    pub title: String,
}

/// A measure the two-way tables can show, with whether it is the one shown.
#[derive(Debug, Clone)]
pub struct MeasureLink {
    pub code: String,
    pub label: String,
    pub current: bool,
}

/// `?measure=star3_valid`: which measure the two-way tables show.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReleaseQuery {
    #[serde(default)]
    pub measure: Option<String>,
}

#[derive(Template)]
#[template(path = "public/release.html")]
pub struct ReleasePage {
    pub two_way: Vec<TwoWayTable>,
    pub measures: Vec<MeasureLink>,
    pub measure_label: String,
    pub shares: Vec<ShareRow>,
    pub share_definition: String,
    pub t: Tr,
    pub nav: Option<Nav>,
    pub period: String,
    pub reference_time: String,
    pub publisher: String,
    pub files: Vec<FileLink>,
    pub tables: Vec<StatTable>,
}

fn shown(v: Option<u64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "x".to_string())
}

/// `/releases/{period}`: the statistics of a release, read from its published file.
pub async fn release(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeNav(nav): MaybeNav,
    Path(period): Path<String>,
    axum::extract::Query(q): axum::extract::Query<ReleaseQuery>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let summary = releases::list(&state)
        .await
        .map_err(|e| PageError(e, lang))?
        .into_iter()
        .find(|r| r.period == period)
        .ok_or(PageError(shirube_app::AppError::NotFound, lang))?;
    let cells = releases::statistics(&state, &period)
        .await
        .map_err(|e| PageError(e, lang))?;
    let by_cell: std::collections::HashMap<(&str, &str, &str, &str), Option<u64>> = cells
        .iter()
        .map(|c| {
            (
                (
                    c.measure.as_str(),
                    c.industry.as_str(),
                    c.size.as_str(),
                    c.prefecture.as_str(),
                ),
                c.value,
            )
        })
        .collect();
    let get = |m: &str, i: &str, s: &str, p: &str| by_cell.get(&(m, i, s, p)).copied().flatten();
    let row = |label: String, i: &str, s: &str, p: &str| StatRow {
        label,
        registered: shown(get("organizations_registered", i, s, p)),
        star3: shown(get("star3_valid", i, s, p)),
        star4: shown(get("star4_valid", i, s, p)),
        bar: get("organizations_registered", i, s, p).map_or(0, |v| v as i64),
        y: 0,
        bar_label: String::new(),
    };
    let industries: Vec<StatRow> = shirube_app::domain::INDUSTRIES
        .iter()
        .map(|(code, _, _)| row(industry_name(code, lang), code, "_T", "_T"))
        .chain(std::iter::once(row(t.t("stats-total"), "_T", "_T", "_T")))
        .collect();
    let sizes: Vec<StatRow> = ["small", "medium", "large"]
        .iter()
        .map(|s| row(t.t(&format!("stats-size-{s}")), "_T", s, "_T"))
        .chain(std::iter::once(row(t.t("stats-total"), "_T", "_T", "_T")))
        .collect();
    let prefectures: Vec<StatRow> = (1..=47)
        .map(|n| {
            let code = format!("{n:02}");
            row(prefecture_name(&code, lang), "_T", "_T", &code)
        })
        .chain(std::iter::once(row(t.t("stats-total"), "_T", "_T", "_T")))
        .collect();
    let table = |id: &str, caption: String, mut rows: Vec<StatRow>| {
        // Bars exclude the total row, which would dwarf every other bar.
        let max = rows
            .iter()
            .take(rows.len().saturating_sub(1))
            .map(|r| r.bar)
            .max()
            .unwrap_or(0)
            .max(1);
        for (n, r) in rows.iter_mut().enumerate() {
            r.y = n as i64 * 18;
            r.bar = r.bar * 300 / max;
            r.bar_label = format!("{}: {}", r.label, r.registered);
        }
        let len = rows.len();
        if let Some(last) = rows.last_mut() {
            last.bar = 0;
        }
        StatTable {
            id: id.to_string(),
            caption,
            height: len as i64 * 18,
            rows,
        }
    };
    // The two-way tables of one measure, with `x` for withheld cells.
    const MEASURES: [(&str, &str); 3] = [
        ("organizations_registered", "stats-registered"),
        ("star3_valid", "stats-star3"),
        ("star4_valid", "stats-star4"),
    ];
    let (measure, measure_key) = MEASURES
        .iter()
        .copied()
        .find(|(code, _)| q.measure.as_deref() == Some(*code))
        .unwrap_or(MEASURES[0]);
    let measure_label = t.t(measure_key);
    let industry_cols: Vec<(String, TwoWayColumn)> = shirube_app::domain::INDUSTRIES
        .iter()
        .map(|(code, _, _)| {
            (
                code.to_string(),
                TwoWayColumn {
                    label: code.to_string(),
                    title: industry_name(code, lang),
                },
            )
        })
        .collect();
    let size_cols: Vec<(String, TwoWayColumn)> = ["small", "medium", "large"]
        .iter()
        .map(|s| {
            let label = t.t(&format!("stats-size-{s}"));
            (
                s.to_string(),
                TwoWayColumn {
                    title: label.clone(),
                    label,
                },
            )
        })
        .collect();
    let pref_rows: Vec<(String, String)> = (1..=47)
        .map(|n| {
            let code = format!("{n:02}");
            let name = prefecture_name(&code, lang);
            (code, name)
        })
        .collect();
    let total = || {
        (
            "_T".to_string(),
            TwoWayColumn {
                label: t.t("stats-total"),
                title: t.t("stats-total"),
            },
        )
    };
    // `cell(row code, column code)` → (industry, size, prefecture) of the cell.
    let two_way = |id: &str,
                   caption: String,
                   corner: String,
                   rows: Vec<(String, String)>,
                   cols: Vec<(String, TwoWayColumn)>,
                   at: &dyn Fn(&str, &str) -> (String, String, String)| {
        let mut cols = cols;
        cols.push(total());
        let mut rows = rows;
        rows.push(("_T".to_string(), t.t("stats-total")));
        TwoWayTable {
            id: id.to_string(),
            caption,
            corner,
            rows: rows
                .iter()
                .map(|(rc, label)| TwoWayRow {
                    label: label.clone(),
                    cells: cols
                        .iter()
                        .map(|(cc, _)| {
                            let (i, s, p) = at(rc, cc);
                            shown(get(measure, &i, &s, &p))
                        })
                        .collect(),
                })
                .collect(),
            columns: cols.into_iter().map(|(_, c)| c).collect(),
        }
    };
    let industry_rows: Vec<(String, String)> = shirube_app::domain::INDUSTRIES
        .iter()
        .map(|(code, _, _)| (code.to_string(), industry_name(code, lang)))
        .collect();
    let t_ref = &t;
    let caption = |key: &str| {
        shirube_app::i18n::text_with(
            lang,
            key,
            &[
                ("measure", measure_label.clone()),
                ("period", period.clone()),
            ],
        )
    };
    let two_way = vec![
        two_way(
            "industry-size",
            caption("stats-two-way-industry-size"),
            t_ref.t("stats-corner-industry-size"),
            industry_rows.clone(),
            size_cols.clone(),
            &|i, s| (i.to_string(), s.to_string(), "_T".to_string()),
        ),
        two_way(
            "prefecture-size",
            caption("stats-two-way-prefecture-size"),
            t_ref.t("stats-corner-prefecture-size"),
            pref_rows.clone(),
            size_cols,
            &|p, s| ("_T".to_string(), s.to_string(), p.to_string()),
        ),
        two_way(
            "prefecture-industry",
            caption("stats-two-way-prefecture-industry"),
            t_ref.t("stats-corner-prefecture-industry"),
            pref_rows,
            industry_cols,
            &|p, i| (i.to_string(), "_T".to_string(), p.to_string()),
        ),
    ];
    let measures = MEASURES
        .iter()
        .map(|(code, key)| MeasureLink {
            code: code.to_string(),
            label: t.t(key),
            current: *code == measure,
        })
        .collect();
    let tables = vec![
        table("industry", t.t("stats-by-industry"), industries),
        table("size", t.t("stats-by-size"), sizes),
        table("prefecture", t.t("stats-by-prefecture"), prefectures),
    ];
    // The self-sufficiency figures, as the release published them.
    let (_, ss_text) = releases::file(&state, &period, "self-sufficiency.json")
        .await
        .map_err(|e| PageError(e, lang))?;
    let ss: serde_json::Value = serde_json::from_str(&ss_text).unwrap_or_default();
    let share_row = |label: String, v: &serde_json::Value| ShareRow {
        label,
        organisations: v["organisations"]
            .as_u64()
            .map(|n| n.to_string())
            .unwrap_or_else(|| "x".into()),
        share: v["percent"]
            .as_f64()
            .map(|p| format!("{p:.1}%"))
            .unwrap_or_else(|| t.t("stats-too-thin")),
    };
    let mut shares: Vec<ShareRow> = ss["usage_share"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    share_row(
                        format!(
                            "{} ({})",
                            t.t("stats-usage-share"),
                            c["category"].as_str().unwrap_or("")
                        ),
                        c,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    shares.push(share_row(t.t("stats-spend-share"), &ss["spend_share"]));
    shares.push(share_row(
        t.t("stats-monitoring-share"),
        &ss["monitoring_in_japan"],
    ));
    let share_definition = ss["definition"][if lang == Lang::Ja { "ja" } else { "en" }]
        .as_str()
        .unwrap_or("")
        .to_string();
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let page = ReleasePage {
        two_way,
        measures,
        measure_label,
        shares,
        share_definition,
        files: summary
            .files
            .iter()
            .map(|(name, _, sha)| FileLink {
                url: format!("{base}/api/v1/releases/{period}/{name}"),
                name: name.clone(),
                sha256: sha.clone(),
            })
            .collect(),
        t,
        nav: nav.clone(),
        period: summary.period.clone(),
        reference_time: summary.reference_time.clone(),
        publisher: summary.publisher_name.clone(),
        tables,
    };
    render(&page, lang)
}
