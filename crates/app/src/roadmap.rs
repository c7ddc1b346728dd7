//! The roadmap (工程表): measures recorded by publishers (public bodies the operator marked),
//! each with its logic model and KPIs, and every change of target, scope or decision as an
//! appended revision with its reason. Anyone reads it; a KPI's status is computed from its
//! trajectory (`shirube_stats::trajectory`), and KPIs Shirube measures itself take their
//! latest value from live data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

use shirube_stats::sdc::{
    cell_keys, industry_index, perturb, prefecture_index, protect, rate, tabulate, Cell, Group,
    Keys, Layout, Status, INDUSTRIES, MIN_COUNT, MIN_RATE_DENOMINATOR, N_INDUSTRY, N_PREF, N_SIZE,
};
use shirube_stats::sme::{size_class_with_capital, SizeClass};
use shirube_stats::trajectory::{self, KpiStatus, Point};
use shirube_store::{MeasureDecision, Reason, RequestTimingRow, RevisionRow, StatisticsGroupRow};

use crate::accounts::Principal;
use crate::domain::{collect, required_text, FieldError};
use crate::error::AppError;
use crate::App;
use shirube_catalog::Lang;

/// The licence every public file is published under.
pub const LICENCE_URL: &str =
    "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0";
pub const LICENCE_NAME: &str = "公共データ利用規約（第1.0版） (PDL1.0)";

/// The status rule, as stated on the pages and in the files.
pub const STATUS_RULE_EN: &str = "A KPI is on pace when its latest value is at or past the straight line from its baseline through its interim targets to its final target, on the day the value was measured (past meaning towards the target); behind otherwise; no data when nothing was measured in the last 366 days.";
pub const STATUS_RULE_JA: &str = "最新値が、基準値から中間目標を経て最終目標へ至る直線上の、その測定日における値に達している（目標の方向に）ときは「順調」、達していないときは「遅れ」、過去366日に測定値がないときは「データなし」とします。";

/// Upper bounds on what one measure holds.
const MAX_KPIS: usize = 20;
const MAX_ITEMS: usize = 20;
const MAX_TEXT: usize = 2000;

/// What a publisher sends for a measure (also the stored body of a revision).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    pub title_ja: String,
    pub title_en: String,
    #[serde(default)]
    pub logic_model: LogicModel,
    pub kpis: Vec<KpiInput>,
}

/// Inputs → activities → outputs → outcomes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogicModel {
    #[serde(default)]
    pub inputs: Vec<String>,
    #[serde(default)]
    pub activities: Vec<String>,
    #[serde(default)]
    pub outputs: Vec<String>,
    #[serde(default)]
    pub outcomes: Vec<String>,
    /// The same items in English, optional: when given, one for each item above, in order.
    /// English pages show them; without them they show the items as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs_en: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities_en: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs_en: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes_en: Vec<String>,
}

impl LogicModel {
    /// The four lists in `lang` (inputs, activities, outputs, outcomes): the English ones
    /// where given, else the items as written.
    pub fn in_lang(&self, lang: Lang) -> [&[String]; 4] {
        let pairs = [
            [&self.inputs[..], &self.inputs_en[..]],
            [&self.activities[..], &self.activities_en[..]],
            [&self.outputs[..], &self.outputs_en[..]],
            [&self.outcomes[..], &self.outcomes_en[..]],
        ];
        pairs.map(|[ja, en]| {
            if lang == Lang::En && !en.is_empty() {
                en
            } else {
                ja
            }
        })
    }
}

/// A value on a date (YYYY-MM-DD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedValue {
    pub value: f64,
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiInput {
    pub name_ja: String,
    pub name_en: String,
    pub unit: String,
    pub baseline: DatedValue,
    #[serde(default)]
    pub interim_targets: Vec<DatedValue>,
    pub target: DatedValue,
    /// Where the figure comes from (統計, survey, or Shirube itself).
    pub source: String,
    /// What the figure can and cannot say.
    pub quality_note: String,
    /// `source` and `quality_note` in English, optional, for the English pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_note_en: Option<String>,
    /// The latest value measured outside Shirube; ignored when `live` is set.
    #[serde(default)]
    pub latest: Option<DatedValue>,
    /// A figure Shirube measures itself, updated from live data.
    #[serde(default)]
    pub live: Option<String>,
    /// Which organisations a live figure counts: one industry, size class and prefecture,
    /// any of them left out for all. Left out entirely, the figure is national.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<KpiScope>,
}

/// The part of the population a live KPI counts: a JSIC division letter (A–T), a size class
/// (small / medium / large) and a JIS X 0401 prefecture code (01–47), each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiScope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefecture: Option<String>,
}

impl KpiScope {
    /// The scope as indexes into the statistics' dimensions (`None` for all).
    fn indexes(&self) -> (Option<usize>, Option<usize>, Option<usize>) {
        (
            self.industry.as_deref().and_then(industry_index),
            self.size
                .as_deref()
                .and_then(|s| SizeClass::ALL.iter().position(|c| c.code() == s)),
            self.prefecture.as_deref().and_then(prefecture_index),
        )
    }
}

/// Live figures that can be scoped by industry, size and prefecture: counts of organisations
/// and the SMEs' ★ shares. The request figures have no such breakdown.
pub const SCOPED_LIVE_MEASURES: [&str; 5] = [
    "organizations_registered",
    "star3_valid",
    "star4_valid",
    "sme_star3_share",
    "sme_star4_share",
];

/// Why a live value is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// One or two organisations, or a part of a withheld group of one or two (`C`).
    Primary,
    /// Would let a withheld count be worked out from other published figures (`D`).
    Secondary,
    /// A share or median with fewer than ten organisations or cases behind it.
    SmallDenominator,
}

impl Withheld {
    /// The code in the roadmap JSON (SDMX CONF_STATUS for the first two).
    pub fn code(self) -> &'static str {
        match self {
            Withheld::Primary => "C",
            Withheld::Secondary => "D",
            Withheld::SmallDenominator => "small_denominator",
        }
    }
}

/// Figures Shirube measures itself.
pub const LIVE_MEASURES: [&str; 7] = [
    "organizations_registered",
    "star3_valid",
    "star4_valid",
    "sme_star3_share",
    "sme_star4_share",
    "requests_met_on_time_share",
    "median_days_to_level",
];

/// A revision request: the measure as it will stand, the decision and its reason.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionInput {
    pub decision: String,
    pub reason: String,
    /// The reason in English, optional, for the English pages.
    #[serde(default)]
    pub reason_en: Option<String>,
    pub measure: MeasureInput,
}

fn date(input: &str, field: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "roadmap-err-date"))
}

fn day(d: NaiveDate) -> i64 {
    (d - NaiveDate::default()).num_days()
}

fn value(v: f64, field: &str) -> Result<f64, FieldError> {
    if v.is_finite() && v.abs() < 1e15 {
        Ok(v)
    } else {
        Err(FieldError::new(field, "roadmap-err-value"))
    }
}

fn dated(d: &DatedValue, field: &str, errors: &mut Vec<FieldError>) -> Option<(NaiveDate, f64)> {
    let a = collect(errors, date(&d.date, &format!("{field}.date")));
    let b = collect(errors, value(d.value, &format!("{field}.value")));
    Some((a?, b?))
}

fn items(list: &[String], field: &str, errors: &mut Vec<FieldError>) -> Vec<String> {
    if list.len() > MAX_ITEMS {
        errors.push(FieldError::too_many(field, MAX_ITEMS));
        return Vec::new();
    }
    list.iter()
        .enumerate()
        .filter_map(|(i, s)| collect(errors, required_text(s, &format!("{field}[{i}]"), MAX_TEXT)))
        .collect()
}

/// Checks a measure, naming every field at fault; returns it trimmed.
pub fn parse_measure(m: &MeasureInput, prefix: &str) -> Result<MeasureInput, AppError> {
    let mut errors = Vec::new();
    let title_ja = collect(
        &mut errors,
        required_text(&m.title_ja, &format!("{prefix}title_ja"), 200),
    );
    let title_en = collect(
        &mut errors,
        required_text(&m.title_en, &format!("{prefix}title_en"), 200),
    );
    let lm = &m.logic_model;
    // English items, when given, must pair with the items as written.
    let english = |ja: &[String], en: &[String], name: &str, errors: &mut Vec<FieldError>| {
        let field = format!("{prefix}logic_model.{name}_en");
        if !en.is_empty() && en.len() != ja.len() {
            errors.push(FieldError::new(field, "roadmap-err-en-count"));
            return Vec::new();
        }
        items(en, &field, errors)
    };
    let inputs_en = english(&lm.inputs, &lm.inputs_en, "inputs", &mut errors);
    let activities_en = english(&lm.activities, &lm.activities_en, "activities", &mut errors);
    let outputs_en = english(&lm.outputs, &lm.outputs_en, "outputs", &mut errors);
    let outcomes_en = english(&lm.outcomes, &lm.outcomes_en, "outcomes", &mut errors);
    let logic_model = LogicModel {
        inputs_en,
        activities_en,
        outputs_en,
        outcomes_en,
        inputs: items(
            &lm.inputs,
            &format!("{prefix}logic_model.inputs"),
            &mut errors,
        ),
        activities: items(
            &lm.activities,
            &format!("{prefix}logic_model.activities"),
            &mut errors,
        ),
        outputs: items(
            &lm.outputs,
            &format!("{prefix}logic_model.outputs"),
            &mut errors,
        ),
        outcomes: items(
            &lm.outcomes,
            &format!("{prefix}logic_model.outcomes"),
            &mut errors,
        ),
    };
    if m.kpis.is_empty() || m.kpis.len() > MAX_KPIS {
        errors.push(FieldError::new(
            format!("{prefix}kpis"),
            "roadmap-err-kpi-count",
        ));
    }
    let mut kpis = Vec::new();
    for (i, k) in m.kpis.iter().enumerate().take(MAX_KPIS) {
        let f = format!("{prefix}kpis[{i}]");
        let name_ja = collect(
            &mut errors,
            required_text(&k.name_ja, &format!("{f}.name_ja"), 200),
        );
        let name_en = collect(
            &mut errors,
            required_text(&k.name_en, &format!("{f}.name_en"), 200),
        );
        let unit = collect(
            &mut errors,
            required_text(&k.unit, &format!("{f}.unit"), 40),
        );
        let source = collect(
            &mut errors,
            required_text(&k.source, &format!("{f}.source"), MAX_TEXT),
        );
        let quality_note = collect(
            &mut errors,
            required_text(&k.quality_note, &format!("{f}.quality_note"), MAX_TEXT),
        );
        let optional = |v: &Option<String>, field: String, errors: &mut Vec<FieldError>| {
            v.as_deref()
                .filter(|s| !s.trim().is_empty())
                .and_then(|s| collect(errors, required_text(s, &field, MAX_TEXT)))
        };
        let source_en = optional(&k.source_en, format!("{f}.source_en"), &mut errors);
        let quality_note_en = optional(
            &k.quality_note_en,
            format!("{f}.quality_note_en"),
            &mut errors,
        );
        let baseline = dated(&k.baseline, &format!("{f}.baseline"), &mut errors);
        let target = dated(&k.target, &format!("{f}.target"), &mut errors);
        if let (Some((b, _)), Some((t, _))) = (baseline, target) {
            if t <= b {
                errors.push(FieldError::new(
                    format!("{f}.target.date"),
                    "roadmap-err-target-before-baseline",
                ));
            }
        }
        if k.interim_targets.len() > MAX_ITEMS {
            errors.push(FieldError::too_many(
                format!("{f}.interim_targets"),
                MAX_ITEMS,
            ));
        }
        for (j, it) in k.interim_targets.iter().enumerate().take(MAX_ITEMS) {
            let g = format!("{f}.interim_targets[{j}]");
            if let (Some((d, _)), Some((b, _)), Some((t, _))) =
                (dated(it, &g, &mut errors), baseline, target)
            {
                if d <= b || d >= t {
                    errors.push(FieldError::new(
                        format!("{g}.date"),
                        "roadmap-err-interim-outside",
                    ));
                }
            }
        }
        if let Some(l) = &k.latest {
            dated(l, &format!("{f}.latest"), &mut errors);
        }
        let live = match k.live.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) if LIVE_MEASURES.contains(&s) => Some(s.to_string()),
            Some(_) => {
                errors.push(FieldError::new(format!("{f}.live"), "roadmap-err-live"));
                None
            }
        };
        let scope = k
            .scope
            .as_ref()
            .and_then(|sc| parse_scope(sc, live.as_deref(), &f, &mut errors));
        if let (Some(name_ja), Some(name_en), Some(unit), Some(source), Some(quality_note)) =
            (name_ja, name_en, unit, source, quality_note)
        {
            kpis.push(KpiInput {
                name_ja,
                name_en,
                unit,
                baseline: k.baseline.clone(),
                interim_targets: k.interim_targets.clone(),
                target: k.target.clone(),
                source,
                quality_note,
                source_en,
                quality_note_en,
                latest: if live.is_some() {
                    None
                } else {
                    k.latest.clone()
                },
                live,
                scope,
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(MeasureInput {
        title_ja: title_ja.unwrap_or_default(),
        title_en: title_en.unwrap_or_default(),
        logic_model,
        kpis,
    })
}

/// Checks a KPI's scope: known codes only, and only on a live figure that can be broken down.
/// Returns the scope trimmed (`None` when it names nothing).
fn parse_scope(
    sc: &KpiScope,
    live: Option<&str>,
    f: &str,
    errors: &mut Vec<FieldError>,
) -> Option<KpiScope> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let industry = given(&sc.industry).map(|s| s.to_ascii_uppercase());
    let size = given(&sc.size).map(|s| s.to_ascii_lowercase());
    let prefecture = given(&sc.prefecture).map(|s| match s.parse::<u32>() {
        Ok(n) if s.len() <= 2 => format!("{n:02}"),
        _ => s,
    });
    let mut ok = true;
    if let Some(i) = &industry {
        if industry_index(i).is_none() {
            errors.push(FieldError::new(
                format!("{f}.scope.industry"),
                "roadmap-err-scope-industry",
            ));
            ok = false;
        }
    }
    if let Some(s) = &size {
        if !SizeClass::ALL.iter().any(|c| c.code() == s) {
            errors.push(FieldError::new(
                format!("{f}.scope.size"),
                "roadmap-err-scope-size",
            ));
            ok = false;
        }
    }
    if let Some(p) = &prefecture {
        if prefecture_index(p).is_none() {
            errors.push(FieldError::new(
                format!("{f}.scope.prefecture"),
                "roadmap-err-scope-prefecture",
            ));
            ok = false;
        }
    }
    if industry.is_none() && size.is_none() && prefecture.is_none() {
        return None;
    }
    match live {
        Some(l) if SCOPED_LIVE_MEASURES.contains(&l) => {}
        Some(_) => {
            errors.push(FieldError::new(
                format!("{f}.scope"),
                "roadmap-err-scope-measure",
            ));
            ok = false;
        }
        None => {
            errors.push(FieldError::new(
                format!("{f}.scope"),
                "roadmap-err-scope-not-live",
            ));
            ok = false;
        }
    }
    ok.then_some(KpiScope {
        industry,
        size,
        prefecture,
    })
}

/// Roadmap editing needs the operator's publisher mark and a role that may edit.
pub(crate) async fn require_publisher(state: &App, p: &Principal) -> Result<(), AppError> {
    p.require_edit()?;
    if state.store.is_publisher(p.org_id()).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The reason of the first revision when the publisher gives none, as written and in English.
const ADOPTED: (&str, &str) = ("採択", "Adopted");

/// An optional English reason: `None` when absent or blank, else checked like the reason.
fn reason_en(input: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    input
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| collect(errors, required_text(s, "reason_en", MAX_TEXT)))
}

fn body_text(m: &MeasureInput) -> Result<String, AppError> {
    serde_json::to_string(m).map_err(AppError::internal)
}

/// Records a new measure (publishers only); returns its id.
pub async fn create_measure(
    state: &App,
    p: &Principal,
    m: &MeasureInput,
    why: &str,
    why_en: Option<&str>,
) -> Result<String, AppError> {
    require_publisher(state, p).await?;
    let mut errors = Vec::new();
    let m = match parse_measure(m, "") {
        Ok(m) => Some(m),
        Err(AppError::Invalid(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let (why, why_en) = if why.trim().is_empty() && why_en.is_none_or(|s| s.trim().is_empty()) {
        (Some(ADOPTED.0.to_string()), Some(ADOPTED.1.to_string()))
    } else {
        (
            collect(&mut errors, required_text(why, "reason", MAX_TEXT)),
            reason_en(why_en, &mut errors),
        )
    };
    let (Some(m), Some(why), true) = (m, why, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    Ok(state
        .store
        .create_measure(
            p.actor(),
            p.org_id(),
            Reason {
                text: &why,
                en: why_en.as_deref(),
            },
            &body_text(&m)?,
        )
        .await?)
}

/// Appends a revision to one of the publisher's own measures; returns its number.
pub async fn revise_measure(
    state: &App,
    p: &Principal,
    measure_id: &str,
    r: &RevisionInput,
) -> Result<i64, AppError> {
    require_publisher(state, p).await?;
    let mut errors = Vec::new();
    let decision = match r.decision.trim().parse::<MeasureDecision>() {
        Ok(d) if d != MeasureDecision::Adopt => Some(d),
        _ => {
            errors.push(FieldError::new("decision", "roadmap-err-decision"));
            None
        }
    };
    let why = collect(&mut errors, required_text(&r.reason, "reason", MAX_TEXT));
    let why_en = reason_en(r.reason_en.as_deref(), &mut errors);
    let m = match parse_measure(&r.measure, "measure.") {
        Ok(m) => Some(m),
        Err(AppError::Invalid(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let (Some(decision), Some(why), Some(m)) = (decision, why, m) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(state
        .store
        .add_revision(
            p.actor(),
            p.org_id(),
            measure_id,
            decision,
            Reason {
                text: &why,
                en: why_en.as_deref(),
            },
            &body_text(&m)?,
        )
        .await?)
}

/// Groups store rows into the statistics' input: size class from division, capital (when
/// given) and employees,
/// prefecture and industry as indexes (rows that fit neither are left out).
pub fn groups(rows: &[StatisticsGroupRow]) -> Vec<Group> {
    let mut out: HashMap<(usize, usize, usize), Group> = HashMap::new();
    for r in rows {
        let (Some(i), Some(p)) = (industry_index(&r.industry), prefecture_index(&r.prefecture))
        else {
            continue;
        };
        let size = size_class_with_capital(
            &r.industry,
            r.capital_yen.and_then(|c| u64::try_from(c).ok()),
            u64::try_from(r.employees).unwrap_or(0),
        );
        let g = out.entry((i, size.index(), p)).or_insert(Group {
            industry: i,
            size,
            prefecture: p,
            organizations: 0,
            star3: 0,
            star4: 0,
            keys: Keys::default(),
        });
        g.organizations += u64::try_from(r.organizations).unwrap_or(0);
        g.star3 += u64::try_from(r.star3).unwrap_or(0);
        g.star4 += u64::try_from(r.star4).unwrap_or(0);
        let keys = row_keys(r);
        g.keys.organizations += keys.organizations;
        g.keys.star3 += keys.star3;
        g.keys.star4 += keys.star4;
    }
    let mut v: Vec<Group> = out.into_values().collect();
    v.sort_by_key(|g| (g.industry, g.size, g.prefecture));
    v
}

/// A store row's sums of record keys, reduced modulo 256 (all a cell key needs).
fn row_keys(r: &StatisticsGroupRow) -> Keys {
    let k = |x: i64| u64::try_from(x.rem_euclid(256)).unwrap_or(0);
    Keys {
        organizations: k(r.key_sum),
        star3: k(r.star3_keys),
        star4: k(r.star4_keys),
    }
}

/// Live figures at one time, from the organisations' rows and the buyers' requests.
#[derive(Debug, Clone, Default)]
pub struct LiveFigures {
    pub registered: u64,
    pub star3: u64,
    pub star4: u64,
    pub sme_registered: u64,
    pub sme_star3: u64,
    pub sme_star4: u64,
    /// The sums of record keys behind `sme_registered`, `sme_star3` and `sme_star4`: the
    /// SME shares are taken between perturbed counts, as every published count is.
    sme_keys: Keys,
    /// Requests that can be judged: the level was reached, or the due date has passed.
    pub requests_decided: u64,
    /// Of those, the ones where the level was reached by the end of the due date.
    pub requests_on_time: u64,
    /// Days from each request to the level (0 when the supplier already held it), for the
    /// requests where it was reached.
    pub days_to_level: Vec<i64>,
    /// The organisations by (industry, size, prefecture), for scoped KPIs.
    pub groups: Vec<Group>,
    /// The national sums of record keys (every organisation, as the national counts), for
    /// the national counts' cell keys.
    national_keys: Keys,
    /// The statistics' table set over `groups` with its disclosure control and cell keys, per
    /// measure (organisations, ★3, ★4): made once, when a scoped KPI first asks.
    protected: OnceLock<Vec<LiveTable>>,
}

/// One measure's table set as the live figures use it: true values, statuses, cell keys.
type LiveTable = (Vec<u64>, Vec<Status>, Vec<u8>);

impl LiveFigures {
    pub fn from_groups(groups: &[StatisticsGroupRow]) -> LiveFigures {
        let mut f = LiveFigures {
            groups: self::groups(groups),
            ..LiveFigures::default()
        };
        for g in groups {
            let n = u64::try_from(g.organizations).unwrap_or(0);
            let s3 = u64::try_from(g.star3).unwrap_or(0);
            let s4 = u64::try_from(g.star4).unwrap_or(0);
            f.registered += n;
            f.star3 += s3;
            f.star4 += s4;
            let keys = row_keys(g);
            f.national_keys.organizations += keys.organizations;
            f.national_keys.star3 += keys.star3;
            f.national_keys.star4 += keys.star4;
            let industry = if INDUSTRIES.contains(&g.industry.as_str()) {
                g.industry.as_str()
            } else {
                "T"
            };
            let capital = g.capital_yen.and_then(|c| u64::try_from(c).ok());
            let employees = u64::try_from(g.employees).unwrap_or(0);
            if size_class_with_capital(industry, capital, employees) != SizeClass::Large {
                f.sme_registered += n;
                f.sme_star3 += s3;
                f.sme_star4 += s4;
                f.sme_keys.organizations += keys.organizations;
                f.sme_keys.star3 += keys.star3;
                f.sme_keys.star4 += keys.star4;
            }
        }
        f
    }

    /// Adds the buyers' requests as they stood on `today` (Japan's calendar day).
    pub fn with_requests(mut self, rows: &[RequestTimingRow], today: NaiveDate) -> LiveFigures {
        let day = |instant: &str| {
            chrono::DateTime::parse_from_rfc3339(instant)
                .ok()
                .map(|t| (t.to_utc() + chrono::Duration::hours(9)).date_naive())
        };
        for r in rows {
            let (Some(requested), Ok(due)) = (
                day(&r.requested_at),
                NaiveDate::parse_from_str(&r.due_date, "%Y-%m-%d"),
            ) else {
                continue;
            };
            let reached = r.reached_at.as_deref().and_then(day);
            if let Some(reached) = reached {
                self.days_to_level
                    .push((reached - requested).num_days().max(0));
            }
            match reached {
                Some(reached) => {
                    self.requests_decided += 1;
                    if reached <= due {
                        self.requests_on_time += 1;
                    }
                }
                None if due < today => self.requests_decided += 1,
                None => {}
            }
        }
        self
    }

    /// The value of a national live KPI, `None` where it is withheld.
    pub fn value(&self, live: &str) -> Option<f64> {
        self.scoped(live, None).ok()
    }

    /// The value of a live KPI over its scope, or why it is withheld: a count passes the
    /// same disclosure control and perturbation as a release's tables (see `count_in`), and
    /// a share or a median needs ten organisations or cases behind it. An SME share is the
    /// ratio of two perturbed counts (each with the cell key of the organisations behind
    /// it), never of the true ones: an exact share over a scope would change by exactly one
    /// organisation when a firm moves out of it, and so undo the perturbation of the counts.
    /// The denominator rule is applied to the true count.
    pub fn scoped(&self, live: &str, scope: Option<&KpiScope>) -> Result<f64, Withheld> {
        let share = |n: u64, d: u64| {
            rate(n, d)
                .map(|r| (r * 10.0).round() / 10.0)
                .ok_or(Withheld::SmallDenominator)
        };
        let measure = match live {
            "organizations_registered" => Some(0),
            "star3_valid" => Some(1),
            "star4_valid" => Some(2),
            _ => None,
        };
        if let Some(m) = measure {
            return self.count_in(m, scope).map(|v| v as f64);
        }
        match live {
            "sme_star3_share" | "sme_star4_share" => {
                let star3 = live == "sme_star3_share";
                let (n, d, keys) = if scope.is_none() {
                    // Organisations whose industry or prefecture fits no table still count
                    // nationally.
                    let n = if star3 {
                        self.sme_star3
                    } else {
                        self.sme_star4
                    };
                    (n, self.sme_registered, self.sme_keys)
                } else {
                    let mut sums = (0, 0, Keys::default());
                    for g in self.groups_in(scope).filter(|g| g.size != SizeClass::Large) {
                        sums.1 += g.organizations;
                        sums.0 += if star3 { g.star3 } else { g.star4 };
                        sums.2.organizations += g.keys.organizations % 256;
                        sums.2.star3 += g.keys.star3 % 256;
                        sums.2.star4 += g.keys.star4 % 256;
                    }
                    sums
                };
                if d < MIN_RATE_DENOMINATOR {
                    return Err(Withheld::SmallDenominator);
                }
                let key = |sum: u64| (sum % 256) as u8;
                let n_key = key(if star3 { keys.star3 } else { keys.star4 });
                let published_d = perturb(d, key(keys.organizations));
                // The same organisations give the same key, so every SME holding the level
                // gives exactly 100 %; otherwise the two errors may cross, and the share is
                // capped there.
                let published_n = perturb(n, n_key).min(published_d);
                // `published_d` is at least 8 (ten or more, less at most two).
                let pct = published_n as f64 * 100.0 / published_d as f64;
                Ok((pct * 10.0).round() / 10.0)
            }
            "requests_met_on_time_share" => share(self.requests_on_time, self.requests_decided),
            "median_days_to_level" => median(&self.days_to_level).ok_or(Withheld::SmallDenominator),
            _ => Err(Withheld::SmallDenominator),
        }
    }

    fn groups_in<'a>(&'a self, scope: Option<&KpiScope>) -> impl Iterator<Item = &'a Group> {
        let (i, s, p) = scope.map(KpiScope::indexes).unwrap_or((None, None, None));
        self.groups.iter().filter(move |g| {
            i.is_none_or(|i| g.industry == i)
                && s.is_none_or(|s| g.size.index() == s)
                && p.is_none_or(|p| g.prefecture == p)
        })
    }

    fn protected(&self) -> &[LiveTable] {
        self.protected.get_or_init(|| {
            let layout = Layout::new();
            let keys = cell_keys(&layout, self.groups.iter().copied());
            tabulate(&layout, self.groups.iter().copied())
                .into_iter()
                .zip(keys)
                .map(|(v, k)| {
                    let st = protect(&layout, &v, None);
                    (v, st, k)
                })
                .collect()
        })
    }

    /// A count of organisations (measure 0: registered, 1: ★3, 2: ★4) over a scope, under
    /// the release tables' disclosure control and with their perturbation (the same cell
    /// key from the same organisations, so a live count and a release's cell over the same
    /// organisations show the same value). A scope that leaves out at least one dimension
    /// is a cell of the table set, published or withheld exactly as a release computed now
    /// would. A scope of all three (a cell the releases never publish) is withheld when it
    /// counts one or two organisations, when a table cell containing it is withheld, or when
    /// it differs from a published table cell containing it by one or two (the difference
    /// would single those out); those decisions are made on the true counts.
    fn count_in(&self, measure: usize, scope: Option<&KpiScope>) -> Result<u64, Withheld> {
        let pick = |k: &Keys| match measure {
            0 => k.organizations,
            1 => k.star3,
            _ => k.star4,
        };
        let key = |sum: u64| (sum % 256) as u8;
        if scope.is_none() {
            // The national total: withheld at one or two organisations, as in a release
            // (the table set's largest cell, never the one chosen to protect another).
            let n = match measure {
                0 => self.registered,
                1 => self.star3,
                _ => self.star4,
            };
            return if n > 0 && n < MIN_COUNT {
                Err(Withheld::Primary)
            } else {
                Ok(perturb(n, key(pick(&self.national_keys))))
            };
        }
        let (i, s, p) = scope.map(KpiScope::indexes).unwrap_or((None, None, None));
        let Some((values, status, keys)) = self.protected().get(measure) else {
            return Err(Withheld::Primary);
        };
        let layout = Layout::new();
        let lookup = |i: Option<usize>, s: Option<usize>, p: Option<usize>| {
            layout
                .index_of(Cell {
                    industry: i.unwrap_or(N_INDUSTRY),
                    size: s.unwrap_or(N_SIZE),
                    prefecture: p.unwrap_or(N_PREF),
                })
                .map(|c| (values[c], status[c], keys[c]))
        };
        let withheld = |st: Status| match st {
            Status::Primary => Withheld::Primary,
            _ => Withheld::Secondary,
        };
        if let (Some(i), Some(s), Some(p)) = (i, s, p) {
            let (x, sum) = self
                .groups_in(scope)
                .map(|g| {
                    let n = match measure {
                        0 => g.organizations,
                        1 => g.star3,
                        _ => g.star4,
                    };
                    (n, pick(&g.keys) % 256)
                })
                .fold((0u64, 0u64), |(a, b), (n, k)| (a + n, b + k));
            if x > 0 && x < MIN_COUNT {
                return Err(Withheld::Primary);
            }
            for (pv, pst, _) in [
                lookup(Some(i), Some(s), None),
                lookup(Some(i), None, Some(p)),
                lookup(None, Some(s), Some(p)),
            ]
            .into_iter()
            .flatten()
            {
                if pst.is_suppressed() {
                    return Err(withheld(pst));
                }
                let rest = pv.saturating_sub(x);
                if rest > 0 && rest < MIN_COUNT {
                    return Err(Withheld::Secondary);
                }
            }
            return Ok(perturb(x, key(sum)));
        }
        match lookup(i, s, p) {
            Some((v, st, k)) if !st.is_suppressed() => Ok(perturb(v, k)),
            Some((_, st, _)) => Err(withheld(st)),
            None => Err(Withheld::Primary),
        }
    }
}

/// The median of at least ten values (the mean of the middle two for an even count).
fn median(values: &[i64]) -> Option<f64> {
    if values.len() < 10 {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid] as f64
    } else {
        (v[mid - 1] + v[mid]) as f64 / 2.0
    })
}

fn parse_date_or_epoch(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// A KPI's latest value (live or recorded) and its status on `today`.
pub fn kpi_status(
    k: &KpiInput,
    live: &LiveFigures,
    today: NaiveDate,
) -> (Option<DatedValue>, KpiStatus) {
    let (latest, status, _) = kpi_status_withheld(k, live, today);
    (latest, status)
}

/// A KPI's latest value, its status on `today` and, for a live KPI whose value is not
/// shown, why.
pub fn kpi_status_withheld(
    k: &KpiInput,
    live: &LiveFigures,
    today: NaiveDate,
) -> (Option<DatedValue>, KpiStatus, Option<Withheld>) {
    let (latest, withheld) = match &k.live {
        Some(code) => match live.scoped(code, k.scope.as_ref()) {
            Ok(v) => (
                Some(DatedValue {
                    value: v,
                    date: today.format("%Y-%m-%d").to_string(),
                }),
                None,
            ),
            Err(w) => (None, Some(w)),
        },
        None => (k.latest.clone(), None),
    };
    let point = |d: &DatedValue| Point {
        day: day(parse_date_or_epoch(&d.date)),
        value: d.value,
    };
    let interim: Vec<Point> = k.interim_targets.iter().map(point).collect();
    let status = trajectory::status(
        point(&k.baseline),
        &interim,
        point(&k.target),
        latest.as_ref().map(point),
        day(today),
    );
    (latest, status, withheld)
}

/// One revision as read back.
#[derive(Debug, Clone)]
pub struct Revision {
    pub revision: i64,
    pub decision: MeasureDecision,
    pub reason: String,
    pub reason_en: Option<String>,
    pub created_at: String,
    pub measure: MeasureInput,
}

/// A KPI with its latest value and computed status.
#[derive(Debug, Clone)]
pub struct KpiView {
    pub kpi: KpiInput,
    pub latest: Option<DatedValue>,
    pub status: KpiStatus,
    /// Why a live value is not shown.
    pub withheld: Option<Withheld>,
}

/// A measure as it stands, with its history.
#[derive(Debug, Clone)]
pub struct MeasureView {
    pub id: String,
    pub owner_name: String,
    pub owner_corporate_number: String,
    pub created_at: String,
    pub current: Revision,
    pub kpis: Vec<KpiView>,
    /// Every revision, oldest first (the last is `current`).
    pub revisions: Vec<Revision>,
}

/// The roadmap at a time: every measure with its KPIs' statuses on `today`.
#[derive(Debug, Clone)]
pub struct Roadmap {
    pub as_of: NaiveDate,
    /// When the live figures were computed (RFC 3339): the reference time of a release,
    /// up to `App::live_max_age` ago on the public roadmap.
    pub live_at: String,
    pub measures: Vec<MeasureView>,
}

fn decode_revision(r: RevisionRow) -> Result<Revision, AppError> {
    let measure: MeasureInput = serde_json::from_str(&r.body).map_err(AppError::internal)?;
    Ok(Revision {
        revision: r.revision,
        decision: r.decision,
        reason: r.reason,
        reason_en: r.reason_en,
        created_at: r.created_at,
        measure,
    })
}

/// The roadmap at `at`, with live figures from `groups` (the store's statistics groups at
/// `at`): a release reads those once for its statistics and its roadmap.
pub(crate) async fn roadmap_over(
    state: &App,
    groups: &[StatisticsGroupRow],
    at: &str,
    today: NaiveDate,
) -> Result<Roadmap, AppError> {
    let live = live_figures(state, groups, at, today).await?;
    roadmap_with(state, &live, at, at, today).await
}

async fn live_figures(
    state: &App,
    groups: &[StatisticsGroupRow],
    at: &str,
    today: NaiveDate,
) -> Result<LiveFigures, AppError> {
    Ok(LiveFigures::from_groups(groups)
        .with_requests(&state.store.request_timings(at).await?, today))
}

/// Live figures kept for the public roadmap: when they were computed (the app's clock) and
/// the figures.
pub(crate) type CachedLive = (chrono::DateTime<chrono::Utc>, std::sync::Arc<LiveFigures>);

/// The live figures now, for the public roadmap: those computed less than
/// `App::live_max_age` ago on the same day, else computed afresh. One reader
/// computes while the others wait for its result, so a burst of visitors costs one read.
async fn live_now(state: &App) -> Result<CachedLive, AppError> {
    let compute = |now: chrono::DateTime<chrono::Utc>| async move {
        let at = shirube_store::format_time(now);
        let groups = state.store.statistics_groups(&at).await?;
        let live = live_figures(state, &groups, &at, state.clock.today_japan()).await?;
        Ok::<_, AppError>((now, std::sync::Arc::new(live)))
    };
    if state.live_max_age.is_zero() {
        return compute(state.clock.now()).await;
    }
    let mut cache = state.live_cache.lock().await;
    let now = state.clock.now();
    let today = state.clock.today_japan();
    let japan_day =
        |t: chrono::DateTime<chrono::Utc>| (t + chrono::Duration::hours(9)).date_naive();
    if let Some((at, live)) = cache.as_ref() {
        let age = now.signed_duration_since(*at);
        let fresh = chrono::Duration::from_std(state.live_max_age)
            .is_ok_and(|max| age >= chrono::Duration::zero() && age < max);
        // The same day in Japan, which the request figures are judged on.
        if fresh && japan_day(*at) == today {
            return Ok((*at, live.clone()));
        }
    }
    let entry = compute(now).await?;
    *cache = Some(entry.clone());
    Ok(entry)
}

/// The roadmap as it stood at `at` (its measures and revisions), with the given live
/// figures, computed at `live_at`.
async fn roadmap_with(
    state: &App,
    live: &LiveFigures,
    live_at: &str,
    at: &str,
    today: NaiveDate,
) -> Result<Roadmap, AppError> {
    let measures = state.store.measures().await?;
    let mut revisions = state.store.revisions().await?;
    let mut out = Vec::new();
    for m in measures {
        let mine: Vec<Revision> = revisions
            .iter()
            .filter(|r| r.measure_id == m.id && r.created_at.as_str() <= at)
            .cloned()
            .map(decode_revision)
            .collect::<Result<_, _>>()?;
        let Some(current) = mine.last().cloned() else {
            continue;
        };
        let kpis = current
            .measure
            .kpis
            .iter()
            .map(|k| {
                let (latest, status, withheld) = kpi_status_withheld(k, live, today);
                KpiView {
                    kpi: k.clone(),
                    latest,
                    status,
                    withheld,
                }
            })
            .collect();
        out.push(MeasureView {
            id: m.id,
            owner_name: m.owner_name,
            owner_corporate_number: m.owner_corporate_number,
            created_at: m.created_at,
            current,
            kpis,
            revisions: mine,
        });
    }
    revisions.clear();
    Ok(Roadmap {
        as_of: today,
        live_at: live_at.to_string(),
        measures: out,
    })
}

/// The roadmap now (public), with live figures at most `App::live_max_age` old.
pub async fn roadmap(state: &App) -> Result<Roadmap, AppError> {
    let (live_at, live) = live_now(state).await?;
    // Measures and revisions as they are now: only the live figures may be a minute old.
    roadmap_with(
        state,
        &live,
        &shirube_store::format_time(live_at),
        &state.clock.now_string(),
        // Japan's calendar day: the request figures and the page's date are read in it.
        state.clock.today_japan(),
    )
    .await
}

fn dated_json(d: &DatedValue) -> Value {
    json!({ "value": d.value, "date": d.date })
}

/// The roadmap as the JSON document the API serves and a release freezes.
pub fn roadmap_document(r: &Roadmap, period: Option<&str>) -> Value {
    let measures: Vec<Value> = r
        .measures
        .iter()
        .map(|m| {
            let c = &m.current.measure;
            json!({
                "id": m.id,
                "title": { "ja": c.title_ja, "en": c.title_en },
                "owner": { "name": m.owner_name, "corporate_number": m.owner_corporate_number },
                "decision": m.current.decision.as_str(),
                "revision": m.current.revision,
                // The items as written, and their English where given (the `_en` lists).
                "logic_model": c.logic_model,
                "kpis": m.kpis.iter().map(|k| json!({
                    "name": { "ja": k.kpi.name_ja, "en": k.kpi.name_en },
                    "unit": k.kpi.unit,
                    "baseline": dated_json(&k.kpi.baseline),
                    "interim_targets": k.kpi.interim_targets.iter().map(dated_json).collect::<Vec<_>>(),
                    "target": dated_json(&k.kpi.target),
                    "source": k.kpi.source,
                    "quality_note": k.kpi.quality_note,
                    "source_en": k.kpi.source_en,
                    "quality_note_en": k.kpi.quality_note_en,
                    "live": k.kpi.live,
                    "scope": k.kpi.scope,
                    "latest": k.latest.as_ref().map(dated_json),
                    "withheld": k.withheld.map(Withheld::code),
                    "status": k.status.code(),
                })).collect::<Vec<_>>(),
                "revisions": m.revisions.iter().map(|v| json!({
                    "revision": v.revision,
                    "decision": v.decision.as_str(),
                    "reason": v.reason,
                    "reason_en": v.reason_en,
                    "at": v.created_at,
                    "targets": v.measure.kpis.iter().map(|k| json!({
                        "kpi": k.name_en,
                        "interim_targets": k.interim_targets.iter().map(dated_json).collect::<Vec<_>>(),
                        "target": dated_json(&k.target),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "period": period,
        "as_of": r.as_of.format("%Y-%m-%d").to_string(),
        "licence": { "name": LICENCE_NAME, "url": LICENCE_URL },
        "status_rule": { "ja": STATUS_RULE_JA, "en": STATUS_RULE_EN },
        "measures": measures,
    })
}

// The demo's KPIs read best as one call each, argument by argument.
#[allow(clippy::too_many_arguments)]
fn demo_kpi(
    name: (&str, &str),
    unit: &str,
    baseline: (f64, &str),
    interim: (f64, &str),
    target: (f64, &str),
    source: (&str, &str),
    quality_note: (&str, &str),
    latest: Option<(f64, &str)>,
    live: Option<&str>,
) -> KpiInput {
    let dv = |(value, date): (f64, &str)| DatedValue {
        value,
        date: date.to_string(),
    };
    KpiInput {
        name_ja: name.0.into(),
        name_en: name.1.into(),
        unit: unit.into(),
        baseline: dv(baseline),
        interim_targets: vec![dv(interim)],
        target: dv(target),
        source: source.0.into(),
        quality_note: quality_note.0.into(),
        source_en: Some(source.1.into()),
        quality_note_en: Some(quality_note.1.into()),
        latest: latest.map(dv),
        live: live.map(str::to_string),
        scope: None,
    }
}

/// A demo logic model of one item each, as (Japanese, English).
fn lm(
    inputs: (&str, &str),
    activities: (&str, &str),
    outputs: (&str, &str),
    outcomes: (&str, &str),
) -> LogicModel {
    LogicModel {
        inputs: vec![inputs.0.into()],
        activities: vec![activities.0.into()],
        outputs: vec![outputs.0.into()],
        outcomes: vec![outcomes.0.into()],
        inputs_en: vec![inputs.1.into()],
        activities_en: vec![activities.1.into()],
        outputs_en: vec![outputs.1.into()],
        outcomes_en: vec![outcomes.1.into()],
    }
}

/// `serve --demo`: a publisher's roadmap of three measures, one of them revised.
pub(crate) async fn seed_demo(
    state: &App,
    org_id: &crate::views::OrganizationId,
    user_id: &crate::views::UserId,
) -> Result<(), AppError> {
    let actor = shirube_store::Actor::user(org_id, user_id);
    let shirube = ("しるべ（自動集計）", "Shirube (live)");
    let measures = [
        MeasureInput {
            title_ja: "中小企業への★3の普及".into(),
            title_en: "★3 among small and medium enterprises".into(),
            logic_model: lm(
                ("説明会と相談窓口の予算", "Budget for briefings and a help desk"),
                ("全国での説明会、専門家派遣", "Briefings nationwide, expert visits"),
                ("説明会参加企業数", "Firms attending briefings"),
                ("★3を宣言した中小企業の割合の上昇", "A rising share of SMEs declaring ★3"),
            ),
            kpis: vec![demo_kpi(
                ("中小企業のうち★3が有効な割合", "Share of SMEs holding a valid ★3"),
                "%",
                (0.0, "2026-04-01"),
                (10.0, "2027-03-31"),
                (40.0, "2029-03-31"),
                shirube,
                ("しるべ登録企業のみ。母数が10社未満の間はデータなし。", "Organisations on Shirube only; no data while fewer than ten SMEs are registered."),
                None,
                Some("sme_star3_share"),
            )],
        },
        MeasureInput {
            title_ja: "★4評価体制の整備".into(),
            title_en: "Capacity for ★4 evaluations".into(),
            logic_model: lm(
                ("評価機関の認定制度", "An accreditation scheme for evaluation bodies"),
                ("評価機関の認定と評価員の研修", "Accrediting bodies, training evaluators"),
                ("認定評価機関数", "Accredited evaluation bodies"),
                ("★4認証取得企業の増加", "More organisations certified ★4"),
            ),
            kpis: vec![demo_kpi(
                ("★4が有効な組織数", "Organisations holding a valid ★4"),
                "organisations",
                (0.0, "2026-04-01"),
                (50.0, "2027-03-31"),
                (500.0, "2028-03-31"),
                shirube,
                ("評価機関が認証した★4のみ。", "★4 certified by an evaluation body only."),
                None,
                Some("star4_valid"),
            )],
        },
        MeasureInput {
            title_ja: "国産セキュリティ製品の利用拡大".into(),
            title_en: "Wider use of domestic security products".into(),
            logic_model: lm(
                ("政府機関での試行導入の予算", "Budget for trial use in government"),
                ("有望製品の試行導入とマッチング", "Trial use of promising products, matchmaking"),
                ("試行導入した製品数", "Products trialled"),
                ("国産製品の利用割合の上昇", "A rising share of domestic products in use"),
            ),
            kpis: vec![demo_kpi(
                ("国産製品の利用割合（利用ベース）", "Share of domestic products in use (usage basis)"),
                "%",
                (9.5, "2025-03-31"),
                (12.0, "2027-03-31"),
                (20.0, "2030-03-31"),
                ("デモ用の値", "Demo figures"),
                ("デモ用の架空の値です。", "Illustrative figures for the demo."),
                Some((10.2, "2026-09-30")),
                None,
            )],
        },
    ];
    let mut ids = Vec::new();
    for m in &measures {
        let m = parse_measure(m, "")?;
        ids.push(
            state
                .store
                .create_measure(
                    actor,
                    org_id,
                    Reason {
                        text: ADOPTED.0,
                        en: Some(ADOPTED.1),
                    },
                    &body_text(&m)?,
                )
                .await?,
        );
    }
    if let (Some(id), Some(m)) = (ids.get(1), measures.get(1)) {
        let mut revised = m.clone();
        if let Some(k) = revised.kpis.first_mut() {
            k.target.value = 300.0;
        }
        state
            .store
            .add_revision(
                actor,
                org_id,
                id,
                MeasureDecision::Revise,
                Reason {
                    text: "評価機関の認定が遅れたため最終目標を見直し",
                    en: Some("Final target revised: accreditation started late"),
                },
                &body_text(&revised)?,
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kpi() -> KpiInput {
        KpiInput {
            name_ja: "★3取得企業数".into(),
            name_en: "Organisations holding ★3".into(),
            unit: "organisations".into(),
            baseline: DatedValue {
                value: 0.0,
                date: "2026-04-01".into(),
            },
            interim_targets: vec![],
            target: DatedValue {
                value: 100.0,
                date: "2027-04-01".into(),
            },
            source: "Shirube".into(),
            quality_note: "Platform users only".into(),
            source_en: None,
            quality_note_en: None,
            latest: None,
            live: Some("star3_valid".into()),
            scope: None,
        }
    }

    #[test]
    fn a_live_kpi_takes_todays_figure_and_is_judged_against_the_line() {
        let today = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
        let mut live = LiveFigures {
            star3: 60,
            ..LiveFigures::default()
        };
        // Half a year of a year's line is ~50: 60 is on pace, 40 behind.
        assert_eq!(kpi_status(&kpi(), &live, today).1, KpiStatus::OnPace);
        live.star3 = 40;
        assert_eq!(kpi_status(&kpi(), &live, today).1, KpiStatus::Behind);
    }

    #[test]
    fn a_share_with_fewer_than_ten_smes_behind_it_is_no_data() {
        let live = LiveFigures {
            sme_registered: 9,
            sme_star3: 9,
            ..LiveFigures::default()
        };
        assert_eq!(live.value("sme_star3_share"), None);
        let mut k = kpi();
        k.live = Some("sme_star3_share".into());
        let today = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
        assert_eq!(kpi_status(&k, &live, today).1, KpiStatus::NoData);
    }

    #[test]
    fn an_sme_share_is_taken_between_perturbed_counts_never_the_true_ones() {
        // 40 SMEs, 13 with ★3: the true share is 32.5 %. Over many key draws the published
        // share must sometimes differ from it (else the counts' perturbation is undone),
        // stay within what ±2 on each count allows, and be 100 % whenever all hold ★3.
        let mut moved = 0;
        for k in 0..=255u64 {
            let live = LiveFigures {
                sme_registered: 40,
                sme_star3: 13,
                sme_keys: Keys {
                    organizations: k,
                    star3: k * 7 + 3,
                    star4: 0,
                },
                ..LiveFigures::default()
            };
            let v = live.value("sme_star3_share").unwrap_or(-1.0);
            assert!(
                (11.0 / 42.0 * 100.0 - 0.05..=15.0 / 38.0 * 100.0 + 0.05).contains(&v),
                "{v}"
            );
            if (v - 32.5).abs() > 0.01 {
                moved += 1;
            }
            let all = LiveFigures {
                sme_registered: 40,
                sme_star3: 40,
                sme_keys: Keys {
                    organizations: k,
                    star3: k,
                    star4: 0,
                },
                ..LiveFigures::default()
            };
            assert_eq!(all.value("sme_star3_share"), Some(100.0));
        }
        assert!(moved > 100, "only {moved} of 256 keys changed the share");
    }

    fn timing(requested: &str, due: &str, reached: Option<&str>) -> RequestTimingRow {
        RequestTimingRow {
            requested_at: requested.into(),
            due_date: due.into(),
            reached_at: reached.map(str::to_string),
        }
    }

    #[test]
    fn requests_met_on_time_count_only_requests_that_can_be_judged() {
        let today = NaiveDate::from_ymd_opt(2027, 4, 1).unwrap_or_default();
        let mut rows = Vec::new();
        // Six met by the due date (one already held the level: 0 days), two met late, two
        // past due without the level, and one still open (not judged yet).
        for i in 0..5 {
            rows.push(timing(
                "2027-01-01T00:00:00Z",
                "2027-03-31",
                Some(&format!("2027-01-{:02}T00:00:00Z", 11 + i)),
            ));
        }
        rows.push(timing(
            "2027-01-01T00:00:00Z",
            "2027-03-31",
            Some("2026-06-01T00:00:00Z"),
        ));
        rows.push(timing(
            "2027-01-01T00:00:00Z",
            "2027-02-28",
            Some("2027-03-10T00:00:00Z"),
        ));
        rows.push(timing(
            "2027-01-01T00:00:00Z",
            "2027-02-28",
            Some("2027-03-20T00:00:00Z"),
        ));
        rows.push(timing("2027-01-01T00:00:00Z", "2027-03-01", None));
        rows.push(timing("2027-01-01T00:00:00Z", "2027-03-01", None));
        rows.push(timing("2027-01-01T00:00:00Z", "2027-09-30", None));
        let f = LiveFigures::default().with_requests(&rows, today);
        assert_eq!((f.requests_decided, f.requests_on_time), (10, 6));
        assert_eq!(f.value("requests_met_on_time_share"), Some(60.0));
        // Eight reached the level: fewer than ten, so no median is published.
        assert_eq!(f.days_to_level.len(), 8);
        assert_eq!(f.value("median_days_to_level"), None);
        let more: Vec<RequestTimingRow> = (0..3)
            .map(|_| {
                timing(
                    "2027-01-01T00:00:00Z",
                    "2027-03-31",
                    Some("2027-01-31T00:00:00Z"),
                )
            })
            .collect();
        let f = f.with_requests(&more, today);
        // Days: 0, 10..14, 30, 30, 30, 68, 78 → the median of eleven is the sixth: 14.
        assert_eq!(f.value("median_days_to_level"), Some(14.0));
    }

    #[test]
    fn a_request_reached_on_the_due_date_in_japan_is_on_time() {
        let today = NaiveDate::from_ymd_opt(2027, 4, 1).unwrap_or_default();
        // 2027-03-31T20:00Z is already 1 April in Japan: late. 14:00Z is 23:00 on 31 March.
        let late = timing(
            "2027-01-01T00:00:00Z",
            "2027-03-31",
            Some("2027-03-31T20:00:00Z"),
        );
        let in_time = timing(
            "2027-01-01T00:00:00Z",
            "2027-03-31",
            Some("2027-03-31T14:00:00Z"),
        );
        let f = LiveFigures::default().with_requests(&[late, in_time], today);
        assert_eq!((f.requests_decided, f.requests_on_time), (2, 1));
    }
}
