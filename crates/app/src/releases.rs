//! Half-yearly releases: a publisher freezes the roadmap and the statistics of a period
//! (`2026H2`) into files kept byte for byte — JSON with its JSON Schema, SDMX-style CSV with
//! its CSVW metadata — and the DCAT-AP catalogue lists every release. Statistics pass the
//! disclosure control of `shirube_stats::sdc`, taking the previous release into account so
//! that two releases side by side reveal no withheld cell either.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use shirube_stats::sdc::{
    cell_keys, perturb, protect, tabulate, Group, Layout, Measure, Previous, Status, MAX_NOISE,
    MIN_COUNT, MIN_RATE_DENOMINATOR,
};
use shirube_store::NewReleaseFile;

use crate::accounts::Principal;
use crate::error::AppError;
pub use crate::roadmap::groups;
use crate::roadmap::{self, require_publisher, LICENCE_NAME, LICENCE_URL};
use crate::App;

/// The files of a release, in the order they are listed.
pub const FILES: [(&str, &str); 7] = [
    ("roadmap.json", "application/json"),
    ("roadmap.schema.json", "application/schema+json"),
    ("statistics.json", "application/json"),
    ("statistics.schema.json", "application/schema+json"),
    ("statistics.csv", "text/csv; charset=utf-8"),
    ("statistics.csv-metadata.json", "application/csvm+json"),
    ("self-sufficiency.json", "application/json"),
];

/// A half year: `YYYYH1` (January–June) or `YYYYH2` (July–December).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub half: u8,
}

impl Period {
    /// Parses `2026H2`; anything else is a field error on `period`.
    pub fn parse(input: &str) -> Result<Period, AppError> {
        let bad = || AppError::field("period", "release-err-period");
        let s = input.trim();
        if s.len() != 6 || !s.is_ascii() {
            return Err(bad());
        }
        let (y, h) = s.split_at(4);
        let year: i32 = y.parse().map_err(|_| bad())?;
        let half = match h {
            "H1" | "h1" => 1,
            "H2" | "h2" => 2,
            _ => return Err(bad()),
        };
        if !(2000..=2999).contains(&year) || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(Period { year, half })
    }

    pub fn code(&self) -> String {
        format!("{}H{}", self.year, self.half)
    }

    pub fn start(&self) -> NaiveDate {
        let month = if self.half == 1 { 1 } else { 7 };
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or_default()
    }

    /// The first day after the period.
    pub fn end_exclusive(&self) -> NaiveDate {
        if self.half == 1 {
            NaiveDate::from_ymd_opt(self.year, 7, 1).unwrap_or_default()
        } else {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1).unwrap_or_default()
        }
    }

    /// The last day of the period.
    pub fn end(&self) -> NaiveDate {
        self.end_exclusive().pred_opt().unwrap_or_default()
    }
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The true cell values and their statuses of one release, per measure: kept with the
/// release (never served) for the next one's disclosure control. The cell keys perturb the
/// published values; they are made afresh from the record keys and never kept or served.
#[derive(Debug, Clone, PartialEq)]
pub struct Protected {
    pub values: Vec<Vec<u64>>,
    pub status: Vec<Vec<Status>>,
    pub keys: Vec<Vec<u8>>,
}

impl Protected {
    fn to_json(&self) -> String {
        let status: Vec<Vec<&str>> = self
            .status
            .iter()
            .map(|s| s.iter().map(|x| x.conf_status()).collect())
            .collect();
        json!({ "cells": Layout::new().len(), "values": self.values, "status": status }).to_string()
    }

    fn from_json(text: &str, cells: usize) -> Option<Protected> {
        let v: Value = serde_json::from_str(text).ok()?;
        if v["cells"].as_u64()? != cells as u64 {
            return None;
        }
        let values: Vec<Vec<u64>> = serde_json::from_value(v["values"].clone()).ok()?;
        let codes: Vec<Vec<String>> = serde_json::from_value(v["status"].clone()).ok()?;
        let status = codes
            .iter()
            .map(|m| {
                m.iter()
                    .map(|c| match c.as_str() {
                        "C" => Status::Primary,
                        "D" => Status::Secondary,
                        _ => Status::Published,
                    })
                    .collect()
            })
            .collect();
        Some(Protected {
            values,
            status,
            keys: Vec::new(),
        })
    }
}

/// Tabulates and protects every measure, given the previous release.
pub fn compute(layout: &Layout, groups: &[Group], previous: Option<&Protected>) -> Protected {
    let values = tabulate(layout, groups.iter().copied());
    let keys = cell_keys(layout, groups.iter().copied());
    let status = values
        .iter()
        .enumerate()
        .map(|(m, v)| {
            let prev = previous.and_then(|p| match (p.values.get(m), p.status.get(m)) {
                (Some(values), Some(status))
                    if values.len() == v.len() && status.len() == v.len() =>
                {
                    Some(Previous { values, status })
                }
                _ => None,
            });
            protect(layout, v, prev)
        })
        .collect();
    Protected {
        values,
        status,
        keys,
    }
}

const DEFINITIONS_EN: &str = "Counts of organisations registered on Shirube at the reference time (organizations_registered), and of those holding a valid ★3 (star3_valid) or ★4 (star4_valid) credential then (issued, not revoked, within its validity). Industry: JSIC (14th revision) division letter. Size: small / medium / large under the SME Basic Act Art. 2, with the sector taken from the division: small by the employee test for small enterprises; medium when the capital test or the employee test is met (either suffices; organisations that gave no capital are classed by employees alone); large otherwise. Prefecture: JIS X 0401 code of the registered prefecture. _T: total. Counts of 1 or 2 organisations are withheld (CONF_STATUS C), and further cells (D) so that no withheld value can be worked out from the published cells and totals, nor by comparing with the previous release. Comparing two releases: a cell withheld in the previous release stays withheld until its count has moved by three or more, values the previous release published unchanged are treated as known when choosing what else to withhold, and each release is checked together with those known values (consistent suppression over time, as Eurostat and τ-ARGUS protect linked tables). A change of one or two organisations in a withheld cell is therefore never shown. Published counts also carry a small deliberate error, at most ±2 (the cell-key method of the Australian Bureau of Statistics and of the UK's 2021 Census): every organisation has a secret random key, a cell's key comes from the keys of the organisations it counts, and the key chooses the change to a count of three or more (none about half the time, ±1 a fifth of the time each, ±2 a twentieth each; near three only changes that keep the value at three or more). The same organisations always get the same change, so a count that did not change shows the same value in every release; a published count is never 1 or 2 and a published 0 is exact. Each count, totals included, gets its own change, so a total may differ from the sum of its parts. Whether a cell is withheld is decided on the true counts. Why: suppression alone cannot hide a firm that moves between two cells of one or two organisations while their margin and other cells stay put, since a reader who knows nothing else changed could work the two out; with the error, the unchanged values are known only to within ±2 and the two are not pinned, unless by chance every one of those errors is at its largest in the same direction. Withheld values are empty in the data files.";
const DEFINITIONS_JA: &str = "基準時点でしるべに登録している組織数（organizations_registered）と、そのうち有効な★3（star3_valid）・★4（star4_valid）の証明を持つ組織数（発行済み・未失効・有効期間内）。産業：日本標準産業分類（第14回改定）の大分類。規模：中小企業基本法第2条に基づく小規模・中規模・大規模（業種は大分類から判定）。小規模は小規模企業者の従業員数基準、中規模は資本金基準か従業員数基準のどちらかを満たすもの（資本金の申告がない組織は従業員数だけで判定）、それ以外を大規模とします。都道府県：JIS X 0401 コード。_T は合計。1〜2組織のセルは秘匿（CONF_STATUS C）し、公表値や合計、前回公表との比較から秘匿値が求まらないよう追加で秘匿（D）します。前回との比較について：前回秘匿したセルは、数が3以上動くまで秘匿を続けます。前回公表した値で変わっていないものは読み手に分かっているものとして扱い、それも踏まえて秘匿値が求まらないか確かめます（Eurostat や τ-ARGUS が時点間の表を一体で守るのと同じ考え方です）。このため、秘匿したセルで1〜2組織が増減したことは示されません。さらに、公表する数には意図的に小さな誤差（±2以内）を加えています（オーストラリア統計局や英国の2021年国勢調査と同じ「セルキー法」）。組織ごとに秘密の乱数の鍵があり、セルに含まれる組織の鍵から、3以上の数をどれだけ変えるかを決めます（変えないのがおよそ半分、±1がそれぞれ5分の1、±2がそれぞれ20分の1。3に近い数は3未満にならない変え方だけを使います）。同じ組織の集まりなら毎回同じだけ変えるので、変わっていない数は公表のたびに同じ値です。公表値が1や2になることはなく、0は正確な値です。合計も内訳とは別に変えるため、合計が内訳の和と一致しないことがあります。秘匿するかどうかは本当の数で決めます。誤差を加える理由：合計とほかのセルが変わらないまま、1〜2組織の二つのセルの間で1社が移ったとき、秘匿だけでは、ほかに何も変わっていないと知っている読み手にその二つの値が分かってしまいます。誤差があれば変わっていない値も±2の幅でしか分からないため、二つの値は決まりません（それらの誤差がたまたますべて同じ向きに最大だった場合を除きます）。秘匿値はデータファイルでは空欄です。";

fn observations(layout: &Layout, p: &Protected) -> Vec<(Measure, usize, Option<u64>, Status)> {
    let mut out = Vec::new();
    for (m, measure) in Measure::ALL.iter().enumerate() {
        for c in 0..layout.len() {
            let st = p.status[m][c];
            // Decided on the true value, published perturbed (see `sdc::perturb`).
            let key = p.keys.get(m).and_then(|k| k.get(c)).copied().unwrap_or(0);
            let v = (st == Status::Published).then(|| perturb(p.values[m][c], key));
            out.push((*measure, c, v, st));
        }
    }
    out
}

/// The statistics as JSON, CSV, CSVW metadata and JSON Schema.
fn statistics_files(
    base: &str,
    period: &str,
    reference: &str,
    layout: &Layout,
    p: &Protected,
) -> [(String, String); 4] {
    let release = format!("{base}/api/v1/releases/{period}");
    let obs = observations(layout, p);
    let json_obs: Vec<Value> = obs
        .iter()
        .map(|(m, c, v, st)| {
            let cell = layout.cells[*c];
            json!({
                "measure": m.code(),
                "industry": cell.industry_code(),
                "size": cell.size_code(),
                "prefecture": cell.prefecture_code(),
                "value": v,
                "obs_status": if v.is_some() { "A" } else { "O" },
                "conf_status": st.conf_status(),
            })
        })
        .collect();
    let statistics = json!({
        "$schema": format!("{release}/statistics.schema.json"),
        "period": period,
        "reference_time": reference,
        "licence": { "name": LICENCE_NAME, "url": LICENCE_URL },
        "definitions": { "ja": DEFINITIONS_JA, "en": DEFINITIONS_EN },
        "disclosure_control": {
            "min_count": MIN_COUNT,
            "min_rate_denominator": MIN_RATE_DENOMINATOR,
            "max_perturbation": MAX_NOISE,
            "conf_status": { "F": "free", "C": "primary: 1 or 2 organisations", "D": "secondary: withheld so that no C cell can be worked out" },
        },
        "observations": json_obs,
    });
    let mut csv = String::from("STRUCTURE,STRUCTURE_ID,ACTION,TIME_PERIOD,MEASURE,INDUSTRY,SIZE_CLASS,PREFECTURE,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS\r\n");
    for (m, c, v, st) in &obs {
        let cell = layout.cells[*c];
        csv.push_str(&format!(
            "dataflow,SHIRUBE:SCS_ADOPTION(1.0),I,{period},{},{},{},{},{},ORG,{},{}\r\n",
            m.code(),
            cell.industry_code(),
            cell.size_code(),
            cell.prefecture_code(),
            v.map(|x| x.to_string()).unwrap_or_default(),
            if v.is_some() { "A" } else { "O" },
            st.conf_status()
        ));
    }
    let col = |name: &str, title_ja: &str, datatype: Value, extra: Value| {
        let mut c =
            json!({ "name": name, "titles": { "en": name, "ja": title_ja }, "datatype": datatype });
        if let (Some(obj), Some(more)) = (c.as_object_mut(), extra.as_object()) {
            for (k, v) in more {
                obj.insert(k.clone(), v.clone());
            }
        }
        c
    };
    let codes = |values: &str| json!({ "base": "string", "format": values });
    let metadata = json!({
        "@context": ["http://www.w3.org/ns/csvw", { "@language": "en" }],
        "url": "statistics.csv",
        "dc:title": [{ "@value": format!("Shirube ★ statistics {period}"), "@language": "en" }, { "@value": format!("しるべ ★統計 {period}"), "@language": "ja" }],
        "dc:description": [{ "@value": DEFINITIONS_EN, "@language": "en" }, { "@value": DEFINITIONS_JA, "@language": "ja" }],
        "dc:license": { "@id": LICENCE_URL },
        "dc:issued": reference,
        "dialect": { "header": true, "encoding": "utf-8", "lineTerminators": ["\r\n"] },
        "tableSchema": {
            "columns": [
                col("STRUCTURE", "構造", json!("string"), json!({})),
                col("STRUCTURE_ID", "構造ID", json!("string"), json!({})),
                col("ACTION", "操作", json!("string"), json!({})),
                col("TIME_PERIOD", "期間", codes("[0-9]{4}H[12]"), json!({ "required": true })),
                col("MEASURE", "指標", codes("organizations_registered|star3_valid|star4_valid"), json!({ "required": true })),
                col("INDUSTRY", "産業（JSIC大分類）", codes("[A-T]|_T"), json!({ "required": true })),
                col("SIZE_CLASS", "規模", codes("small|medium|large|_T"), json!({ "required": true })),
                col("PREFECTURE", "都道府県（JIS X 0401）", codes("(0[1-9]|[1-3][0-9]|4[0-7])|_T"), json!({ "required": true })),
                col("OBS_VALUE", "値", json!({ "base": "integer", "minimum": 0 }), json!({ "null": "" })),
                col("UNIT_MEASURE", "単位", json!("string"), json!({})),
                col("OBS_STATUS", "観測状態", codes("A|O"), json!({ "required": true })),
                col("CONF_STATUS", "秘匿状態", codes("F|C|D"), json!({ "required": true })),
            ],
            "primaryKey": ["MEASURE", "INDUSTRY", "SIZE_CLASS", "PREFECTURE"],
        },
    });
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{release}/statistics.schema.json"),
        "title": "Shirube ★ statistics release",
        "type": "object",
        "required": ["period", "reference_time", "licence", "definitions", "observations"],
        "properties": {
            "$schema": { "type": "string" },
            "period": { "type": "string", "pattern": "^[0-9]{4}H[12]$" },
            "reference_time": { "type": "string" },
            "licence": { "type": "object", "required": ["name", "url"] },
            "definitions": { "type": "object", "required": ["ja", "en"] },
            "disclosure_control": { "type": "object" },
            "observations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["measure", "industry", "size", "prefecture", "value", "obs_status", "conf_status"],
                    "properties": {
                        "measure": { "enum": ["organizations_registered", "star3_valid", "star4_valid"] },
                        "industry": { "type": "string", "pattern": "^([A-T]|_T)$" },
                        "size": { "enum": ["small", "medium", "large", "_T"] },
                        "prefecture": { "type": "string", "pattern": "^((0[1-9]|[1-3][0-9]|4[0-7])|_T)$" },
                        "value": { "type": ["integer", "null"], "minimum": 0 },
                        "obs_status": { "enum": ["A", "O"] },
                        "conf_status": { "enum": ["F", "C", "D"] },
                    },
                    "if": { "properties": { "conf_status": { "const": "F" } } },
                    "then": { "properties": { "value": { "type": "integer" } } },
                    "else": { "properties": { "value": { "type": "null" } } },
                },
            },
        },
    });
    [
        ("statistics.json".into(), statistics.to_string()),
        ("statistics.schema.json".into(), pretty(&schema)),
        ("statistics.csv".into(), csv),
        ("statistics.csv-metadata.json".into(), pretty(&metadata)),
    ]
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

fn roadmap_schema(base: &str, period: &str) -> Value {
    let dated = json!({ "type": "object", "required": ["value", "date"], "properties": {
        "value": { "type": "number" }, "date": { "type": "string", "format": "date" } } });
    let text2 = json!({ "type": "object", "required": ["ja", "en"], "properties": { "ja": { "type": "string" }, "en": { "type": "string" } } });
    let string_or_null = json!({ "type": ["string", "null"] });
    let kpi = json!({
        "type": "object",
        "required": ["name", "unit", "baseline", "target", "source", "quality_note", "status"],
        "properties": {
            "name": { "$ref": "#/$defs/text2" },
            "baseline": { "$ref": "#/$defs/dated" },
            "target": { "$ref": "#/$defs/dated" },
            "interim_targets": { "type": "array", "items": { "$ref": "#/$defs/dated" } },
            "latest": { "oneOf": [{ "type": "null" }, { "$ref": "#/$defs/dated" }] },
            "source": { "type": "string" },
            "quality_note": { "type": "string" },
            "source_en": string_or_null,
            "quality_note_en": string_or_null,
            "status": { "enum": ["on_pace", "behind", "no_data"] },
        },
    });
    let revision = json!({
        "type": "object",
        "required": ["revision", "decision", "reason", "at"],
        "properties": { "reason": { "type": "string" }, "reason_en": string_or_null },
    });
    // The items as written and, optionally, in English (one per item).
    let texts = json!({ "$ref": "#/$defs/texts" });
    let logic_model = json!({
        "type": "object",
        "required": ["inputs", "activities", "outputs", "outcomes"],
        "properties": {
            "inputs": texts, "activities": texts, "outputs": texts, "outcomes": texts,
            "inputs_en": texts, "activities_en": texts, "outputs_en": texts, "outcomes_en": texts,
        },
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{base}/api/v1/releases/{period}/roadmap.schema.json"),
        "title": "Shirube roadmap release",
        "type": "object",
        "required": ["as_of", "licence", "status_rule", "measures"],
        "$defs": { "dated": dated, "text2": text2, "texts": { "type": "array", "items": { "type": "string" } } },
        "properties": {
            "$schema": { "type": "string" },
            "period": { "type": ["string", "null"] },
            "as_of": { "type": "string", "format": "date" },
            "licence": { "type": "object", "required": ["name", "url"] },
            "status_rule": { "$ref": "#/$defs/text2" },
            "measures": { "type": "array", "items": {
                "type": "object",
                "required": ["id", "title", "owner", "decision", "revision", "logic_model", "kpis", "revisions"],
                "properties": {
                    "title": { "$ref": "#/$defs/text2" },
                    "logic_model": logic_model,
                    "decision": { "enum": ["adopt", "continue", "revise", "shrink", "abolish"] },
                    "revision": { "type": "integer", "minimum": 1 },
                    "kpis": { "type": "array", "items": kpi },
                    "revisions": { "type": "array", "items": revision },
                },
            } },
        },
    })
}

/// Publishes the release of a period (publishers only). The period must have begun, must
/// not be published yet (409) and must come after the newest release (409).
pub async fn publish(state: &App, p: &Principal, period: &str) -> Result<String, AppError> {
    require_publisher(state, p).await?;
    publish_for(state, p.actor(), p.org_id(), period).await
}

/// The period that contains `day`.
pub fn period_of(day: NaiveDate) -> Period {
    use chrono::Datelike;
    Period {
        year: day.year(),
        half: if day.month() <= 6 { 1 } else { 2 },
    }
}

/// Publishes a release on behalf of a publisher (the caller checked the right to).
pub(crate) async fn publish_for(
    state: &App,
    actor: shirube_store::Actor<'_>,
    publisher_id: &str,
    period: &str,
) -> Result<String, AppError> {
    let period = Period::parse(period)?;
    let today = state.clock.today();
    if period.start() > today {
        return Err(AppError::field("period", "release-err-period-future"));
    }
    let code = period.code();
    let latest = state.store.latest_release_values().await?;
    if let Some((newest, _)) = &latest {
        if *newest == code {
            return Err(AppError::Conflict {
                key: "release-err-exists",
                field: Some("period".into()),
            });
        }
        if *newest > code {
            return Err(AppError::Conflict {
                key: "release-err-order",
                field: Some("period".into()),
            });
        }
    }
    // The figures stand at the end of the period, or now while it is still running.
    let now = state.clock.now();
    let reference = std::cmp::min(now, midnight(period.end_exclusive()));
    let reference_text = shirube_store::format_time(reference);
    let reference_day = std::cmp::min(today, period.end());
    let layout = Layout::new();
    let rows = state.store.statistics_groups(&reference_text).await?;
    let previous = latest.and_then(|(_, text)| Protected::from_json(&text, layout.len()));
    let protected = compute(&layout, &groups(&rows), previous.as_ref());
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let road = roadmap::roadmap_over(state, &rows, &reference_text, reference_day).await?;
    let mut road_doc = roadmap::roadmap_document(&road, Some(&code));
    if let Some(obj) = road_doc.as_object_mut() {
        obj.insert(
            "$schema".into(),
            json!(format!("{base}/api/v1/releases/{code}/roadmap.schema.json")),
        );
    }
    let mut contents: HashMap<String, String> =
        statistics_files(&base, &code, &reference_text, &layout, &protected)
            .into_iter()
            .collect();
    contents.insert("roadmap.json".into(), pretty(&road_doc));
    contents.insert(
        "roadmap.schema.json".into(),
        pretty(&roadmap_schema(&base, &code)),
    );
    contents.insert(
        "self-sufficiency.json".into(),
        pretty(&crate::selfsufficiency::document(state, &reference_text, &code).await?),
    );
    let files: Vec<NewReleaseFile> = FILES
        .iter()
        .map(|(name, media)| NewReleaseFile {
            name: name.to_string(),
            media_type: media.to_string(),
            content: contents.remove(*name).unwrap_or_default(),
        })
        .collect();
    state
        .store
        .create_release(
            actor,
            &code,
            &reference_text,
            publisher_id,
            &protected.to_json(),
            &files,
        )
        .await
        .map_err(|e| match e {
            shirube_store::StoreError::Conflict { .. } => AppError::Conflict {
                key: "release-err-exists",
                field: Some("period".into()),
            },
            other => other.into(),
        })?;
    Ok(code)
}

/// A release as listed.
#[derive(Debug, Clone)]
pub struct ReleaseSummary {
    pub period: String,
    pub reference_time: String,
    pub published_at: String,
    pub publisher_name: String,
    /// (name, media type, SHA-256) of each file.
    pub files: Vec<(String, String, String)>,
}

/// Every release, newest first (public).
pub async fn list(state: &App) -> Result<Vec<ReleaseSummary>, AppError> {
    let mut out = Vec::new();
    for r in state.store.releases().await? {
        let files = state.store.release_file_list(&r.period).await?;
        out.push(ReleaseSummary {
            period: r.period,
            reference_time: r.reference_time,
            published_at: r.published_at,
            publisher_name: r.publisher_name,
            files,
        });
    }
    Ok(out)
}

/// One file of a release exactly as published: (media type, content). Public.
pub async fn file(state: &App, period: &str, name: &str) -> Result<(String, String), AppError> {
    let period = Period::parse(period).map_err(|_| AppError::NotFound)?;
    if !FILES.iter().any(|(n, _)| *n == name) {
        return Err(AppError::NotFound);
    }
    let f = state.store.release_file(&period.code(), name).await?;
    Ok((f.media_type, f.content))
}

/// The DCAT-AP 3 catalogue of every release, as JSON-LD (public).
pub async fn catalogue(state: &App) -> Result<String, AppError> {
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let releases = list(state).await?;
    let lang = |ja: String, en: String| json!([{ "@value": ja, "@language": "ja" }, { "@value": en, "@language": "en" }]);
    let publisher =
        json!({ "@id": format!("{base}/"), "@type": "foaf:Agent", "foaf:name": "Shirube" });
    let datasets: Vec<Value> = releases
        .iter()
        .map(|r| {
            let period = Period::parse(&r.period).unwrap_or(Period { year: 2000, half: 1 });
            let url = format!("{base}/api/v1/releases/{}", r.period);
            json!({
                "@id": format!("{base}/releases/{}", r.period),
                "@type": "dcat:Dataset",
                "dct:identifier": r.period,
                "dct:title": lang(format!("しるべ 工程表と★統計 {}", r.period), format!("Shirube roadmap and ★ statistics {}", r.period)),
                "dct:description": lang(DEFINITIONS_JA.to_string(), DEFINITIONS_EN.to_string()),
                "dct:issued": { "@value": r.published_at.get(..10).unwrap_or(""), "@type": "xsd:date" },
                "dct:publisher": { "@type": "foaf:Agent", "foaf:name": r.publisher_name },
                "dct:license": { "@id": LICENCE_URL },
                "dct:temporal": {
                    "@type": "dct:PeriodOfTime",
                    "dcat:startDate": { "@value": period.start().to_string(), "@type": "xsd:date" },
                    "dcat:endDate": { "@value": period.end().to_string(), "@type": "xsd:date" },
                },
                "dcat:distribution": r.files.iter().map(|(name, media, sha)| json!({
                    "@id": format!("{url}/{name}"),
                    "@type": "dcat:Distribution",
                    "dct:title": name,
                    "dcat:accessURL": { "@id": format!("{url}/{name}") },
                    "dcat:downloadURL": { "@id": format!("{url}/{name}") },
                    "dcat:mediaType": { "@id": format!("http://www.iana.org/assignments/media-types/{}", media.split(';').next().unwrap_or(media).trim()) },
                    "dct:license": { "@id": LICENCE_URL },
                    "spdx:checksum": {
                        "@type": "spdx:Checksum",
                        "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" },
                        "spdx:checksumValue": sha,
                    },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": format!("{base}/api/v1/releases/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": lang("しるべ 公開データ".into(), "Shirube public data".into()),
        "dct:description": lang("半期ごとの工程表と★統計の公表".into(), "Half-yearly releases of the roadmap and the ★ statistics".into()),
        "dct:publisher": publisher,
        "dct:license": { "@id": LICENCE_URL },
        "dcat:dataset": datasets,
    });
    Ok(pretty(&doc))
}

/// A cell of a release's statistics as the pages show it.
#[derive(Debug, Clone)]
pub struct StatCell {
    pub measure: String,
    pub industry: String,
    pub size: String,
    pub prefecture: String,
    pub value: Option<u64>,
    pub conf_status: String,
}

/// A release's statistics read back from its published JSON (what a page shows is exactly
/// what the release published).
pub async fn statistics(state: &App, period: &str) -> Result<Vec<StatCell>, AppError> {
    let (_, text) = file(state, period, "statistics.json").await?;
    let v: Value = serde_json::from_str(&text).map_err(AppError::internal)?;
    let s = |o: &Value, k: &str| o[k].as_str().unwrap_or("").to_string();
    Ok(v["observations"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| StatCell {
                    measure: s(o, "measure"),
                    industry: s(o, "industry"),
                    size: s(o, "size"),
                    prefecture: s(o, "prefecture"),
                    value: o["value"].as_u64(),
                    conf_status: s(o, "conf_status"),
                })
                .collect()
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shirube_stats::sme::SizeClass;
    use shirube_store::StatisticsGroupRow;

    #[test]
    fn a_manufacturer_over_300_employees_is_an_sme_when_its_capital_is_within_the_limit() {
        let row = |employees: i64, capital_yen: Option<i64>| StatisticsGroupRow {
            industry: "E".into(),
            prefecture: "23".into(),
            employees,
            capital_yen,
            organizations: 1,
            star3: 0,
            star4: 0,
            key_sum: 7,
            star3_keys: 0,
            star4_keys: 0,
        };
        let size = |r: StatisticsGroupRow| groups(&[r])[0].size;
        // 400 employees: large by headcount, but ¥300m capital is within the limit.
        assert_eq!(size(row(400, Some(300_000_000))), SizeClass::Medium);
        assert_eq!(size(row(400, Some(300_000_001))), SizeClass::Large);
        // Without a capital, the employee test alone decides.
        assert_eq!(size(row(400, None)), SizeClass::Large);
        assert_eq!(size(row(20, None)), SizeClass::Small);
    }

    #[test]
    fn periods_are_half_years_and_nothing_else() {
        assert_eq!(
            Period::parse("2026H2").map(|p| p.code()).ok(),
            Some("2026H2".to_string())
        );
        assert_eq!(
            Period::parse("2026H2").map(|p| p.end().to_string()).ok(),
            Some("2026-12-31".to_string())
        );
        assert_eq!(
            Period::parse("2027H1").map(|p| p.end().to_string()).ok(),
            Some("2027-06-30".to_string())
        );
        for bad in [
            "2026H3",
            "2026",
            "26H1",
            "2026-H1",
            "+026H1",
            "２０２６H1",
            "",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }
}
