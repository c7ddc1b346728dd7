//! Buyer and supplier pages: the portfolio (filters, counts, chart, CSV), adding a supplier
//! with the three questions, one request with its reasons and thread, the supplier's
//! requests with answer-once sharing, and accepting an e-mail invitation.

use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shirube_app::assessments;
use shirube_app::views::AssessmentStatus;
use shirube_app::views::{AssessmentId, OrganizationId, RelationshipId, ShareId};
use shirube_catalog::Lang;

use crate::error::PageError;
use crate::pages::{render, render_status, status_label, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::buyers::{self, AddSupplier, DecisionAnswers, Line, PortfolioStatus};
use shirube_app::i18n::{text, Tr};
use shirube_app::AppError;

#[derive(Deserialize, Default)]
pub struct PortfolioQuery {
    pub status: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    /// `""` (all), `1` (direct), `2` (tier 2 and below).
    pub tier: Option<String>,
    pub page: Option<String>,
}

/// Rows per page of the portfolio table: a buyer with thousands of suppliers filters and
/// pages instead of scrolling one huge table (and the page stays fast to render).
const PAGE_SIZE: usize = 100;

/// Rows per page of the tier tree.
const TREE_PAGE_SIZE: usize = 200;

/// One bar of the status chart: label, count, x offset and width in the SVG.
#[derive(Debug, Clone)]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub count: usize,
    pub y: usize,
    pub width: usize,
}

/// Where a paged table is: shown range, total, and links to the neighbouring pages.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub first: usize,
    pub last: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The slice of `total` rows on page `page` (1-based; out of range clamps), with links
    /// built by `link(page)`.
    fn new(
        total: usize,
        page: Option<&str>,
        size: usize,
        link: impl Fn(usize) -> String,
    ) -> (Self, std::ops::Range<usize>) {
        let pages = total.div_ceil(size).max(1);
        let page = page
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, pages);
        let range = (page - 1) * size..(page * size).min(total);
        (
            Pager {
                first: if total == 0 { 0 } else { range.start + 1 },
                last: range.end,
                total,
                prev: (page > 1).then(|| link(page - 1)),
                next: (page < pages).then(|| link(page + 1)),
            },
            range,
        )
    }
}

/// A query string from non-empty pairs, form-encoded.
fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        q.append_pair(k, v);
    }
    q.finish()
}

#[derive(Template)]
#[template(path = "buyers/portfolio.html")]
pub struct PortfolioPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    /// Each row with its status label and how many CLEAR/GREEN intelligence objects the
    /// supplier (when it shares its level with the buyer) is exposed to.
    pub lines: Vec<(Line, String, i64)>,
    pub pager: Pager,
    pub bars: Vec<Bar>,
    /// Direct suppliers.
    pub total: usize,
    /// Suppliers visible in tier 2 and below.
    pub deeper: usize,
    /// Single points of failure across every visible tier.
    pub weak_points: usize,
    /// The chain is larger than one view reads.
    pub truncated: bool,
    pub status: String,
    pub q: String,
    pub sort: String,
    pub tier: String,
    pub can_edit: bool,
    pub errors: FieldMessages,
    pub form: AddForm,
    pub statuses: Vec<(String, String)>,
    /// The earliest due date the form accepts (today in Japan), for the date picker.
    pub earliest_due: String,
}

/// The add-supplier form as typed, sent back whole with its errors.
#[derive(Debug, Clone, Default)]
pub struct AddForm {
    /// Inviting by e-mail (otherwise naming a registered supplier by corporate number).
    pub by_email: bool,
    pub corporate_number: String,
    pub invite_email: String,
    pub due_date: String,
    pub decision: DecisionAnswers,
}

impl AddForm {
    /// Whether an extra factor was ticked.
    pub fn has_factor(&self, factor: &str) -> bool {
        self.decision.extra_factors.iter().any(|f| f == factor)
    }
}

async fn portfolio_page(
    state: &AppState,
    p: &shirube_app::Principal,
    q: PortfolioQuery,
    errors: FieldMessages,
    form: AddForm,
) -> Result<PortfolioPage, AppError> {
    let t = Tr::new(p.lang);
    let portfolio = buyers::portfolio(state, p, shirube_assess::graph::MAX_TIERS).await?;
    let counts = portfolio.status_counts();
    let buyers::Portfolio {
        lines: all,
        truncated,
    } = portfolio;
    let total = all.iter().filter(|l| l.tier == 1).count();
    let deeper = all.len() - total;
    let weak_points = all.iter().filter(|l| l.single_point_of_failure).count();
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, (s, count))| Bar {
            key: s.as_str().to_string(),
            label: t.label(*s),
            count: *count,
            y: i * 28,
            width: count * 300 / max,
        })
        .collect();
    let status = q.status.unwrap_or_default();
    let status_filter = PortfolioStatus::parse(&status);
    let search = q.q.unwrap_or_default();
    let tier = match q.tier.as_deref() {
        Some("1") => "1",
        Some("2") => "2",
        _ => "",
    }
    .to_string();
    let needle = search.trim().to_lowercase();
    let mut lines: Vec<Line> = all
        .into_iter()
        .filter(|l| match tier.as_str() {
            "1" => l.tier == 1,
            "2" => l.tier > 1,
            _ => true,
        })
        .filter(|l| status_filter.is_none_or(|s| l.status == s))
        .filter(|l| {
            needle.is_empty()
                || l.name.to_lowercase().contains(&needle)
                || l.corporate_number.contains(&needle)
        })
        .collect();
    let sort = q.sort.unwrap_or_else(|| "due".into());
    // Stable sorts over the tier order, so deeper tiers follow direct suppliers on ties.
    match sort.as_str() {
        "name" => lines.sort_by(|a, b| a.name.cmp(&b.name)),
        "status" => lines.sort_by_key(|l| l.status),
        "required" => lines.sort_by_key(|l| std::cmp::Reverse(l.required_level)),
        "tier" => lines.sort_by_key(|l| l.tier),
        _ => lines.sort_by(|a, b| {
            (a.due_date.is_empty(), &a.due_date).cmp(&(b.due_date.is_empty(), &b.due_date))
        }),
    }
    let (pager, range) = Pager::new(lines.len(), q.page.as_deref(), PAGE_SIZE, |n| {
        let n = n.to_string();
        format!(
            "/suppliers?{}",
            query_string(&[
                ("status", &status),
                ("q", &search),
                ("sort", &sort),
                ("tier", &tier),
                ("page", &n)
            ])
        )
    });
    let lines: Vec<Line> = lines.drain(range).collect();
    // One query for the suppliers on this page (threat intelligence, issue 12).
    let on_page: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.organization_id.as_deref())
        .collect();
    let exposed = shirube_app::intel::supplier_exposure_counts(state, p, &on_page).await?;
    let lines = lines
        .into_iter()
        .map(|l| {
            let label = t.label(l.status);
            let n = l
                .organization_id
                .as_deref()
                .and_then(|id| exposed.get(id).copied())
                .unwrap_or(0);
            (l, label, n)
        })
        .collect();
    Ok(PortfolioPage {
        nav: Nav::for_principal(state, p).await?,
        lines,
        pager,
        bars,
        total,
        deeper,
        weak_points,
        truncated,
        status,
        q: search,
        sort,
        tier,
        can_edit: p.role.can_edit(),
        errors,
        form,
        earliest_due: state.clock.today_japan().format("%Y-%m-%d").to_string(),
        statuses: PortfolioStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), t.label(*s)))
            .collect(),
        t,
    })
}

pub async fn portfolio(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<PortfolioQuery>,
) -> Result<Response, PageError> {
    let page = portfolio_page(&state, &p, q, FieldMessages::default(), AddForm::default())
        .await
        .page(p.lang)?;
    render(&page, p.lang)
}

#[derive(Deserialize, Default)]
pub struct CsvQuery {
    /// `en` for English headers and labels; Japanese otherwise.
    pub lang: Option<String>,
}

/// The portfolio as a spreadsheet: Japanese by default, `?lang=en` for English.
pub async fn portfolio_csv(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<CsvQuery>,
) -> Result<Response, PageError> {
    let lines = buyers::portfolio(&state, &p, shirube_assess::graph::MAX_TIERS)
        .await
        .page(p.lang)?
        .lines;
    Ok(crate::api::buyers::csv_response(
        &state,
        &lines,
        crate::api::buyers::csv_lang(q.lang.as_deref()),
    ))
}

#[derive(Deserialize, Default)]
pub struct TiersQuery {
    /// `1`: single points of failure only.
    pub weak: Option<String>,
    pub page: Option<String>,
}

/// One row of the tier tree.
pub struct TreeRow {
    pub indent: u32,
    pub tier: u32,
    pub name: String,
    pub corporate_number: String,
    pub achieved: String,
    pub required: u8,
    pub weakest: String,
    pub weak_point: bool,
    /// The buyer's own request, for tier 1.
    pub relationship_id: Option<String>,
}

#[derive(Template)]
#[template(path = "buyers/tiers.html")]
pub struct TiersPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub rows: Vec<TreeRow>,
    pub pager: Pager,
    pub weak: bool,
    pub per_tier: Vec<(u32, usize)>,
    pub weak_points: usize,
    pub truncated: bool,
}

/// The whole visible chain as a tree, branch by branch, with weak points.
pub async fn tiers(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<TiersQuery>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let chain = buyers::chain(&state, p.org_id(), shirube_assess::graph::MAX_TIERS)
        .await
        .page(lang)?;
    let weak = q.weak.as_deref() == Some("1");
    let mut per_tier: std::collections::BTreeMap<u32, usize> = Default::default();
    for n in &chain.nodes {
        *per_tier.entry(n.tier).or_default() += 1;
    }
    let weak_points = chain
        .nodes
        .iter()
        .filter(|n| n.single_point_of_failure)
        .count();
    let rels: std::collections::HashMap<&str, &str> = chain
        .direct
        .iter()
        .filter_map(|l| Some((l.supplier_id.as_deref()?, l.relationship_id.as_str())))
        .collect();
    let nodes: Vec<&shirube_assess::graph::Node> = chain
        .nodes
        .iter()
        .filter(|n| !weak || n.single_point_of_failure)
        .collect();
    let (pager, range) = Pager::new(nodes.len(), q.page.as_deref(), TREE_PAGE_SIZE, |n| {
        format!(
            "/suppliers/tiers?{}",
            query_string(&[
                ("weak", if weak { "1" } else { "" }),
                ("page", &n.to_string())
            ])
        )
    });
    let level = |l: Option<u8>| l.map(|l| format!("★{l}")).unwrap_or_else(|| "—".into());
    let rows = nodes[range]
        .iter()
        .map(|n| TreeRow {
            indent: if weak { 0 } else { ((n.tier - 1) * 2).min(8) },
            tier: n.tier,
            name: n.name.clone(),
            corporate_number: chain
                .corporate_numbers
                .get(&n.supplier)
                .cloned()
                .unwrap_or_default(),
            achieved: level(n.achieved),
            required: n.required,
            weakest: level(n.weakest_in_branch),
            weak_point: n.single_point_of_failure,
            relationship_id: (n.tier == 1)
                .then(|| rels.get(n.supplier.as_str()).map(|r| r.to_string()))
                .flatten(),
        })
        .collect();
    let page = TiersPage {
        t: Tr::new(lang),
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        rows,
        pager,
        weak,
        per_tier: per_tier.into_iter().collect(),
        weak_points,
        truncated: chain.truncated,
    };
    render(&page, lang)
}

/// The certificate carried by an active share, as a file to keep and verify offline.
pub async fn shared_credential(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<ShareId>,
) -> Result<Response, PageError> {
    let c = buyers::shared_credential(&state, &p, &id)
        .await
        .page(p.lang)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vc+ld+json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"shirube-credential-{}.json\"", c.id),
            ),
        ],
        c.credential,
    )
        .into_response())
}

/// Reads a urlencoded form with repeated keys (checkboxes).
fn pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn all<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

pub async fn add(
    State(state): State<AppState>,
    Signed(p): Signed,
    RawForm(raw): RawForm,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let f = pairs(&raw);
    p.check_csrf(get(&f, "csrf_token")).page(lang)?;
    let yes = |k: &str| get(&f, k) == "yes";
    let by_email = get(&f, "by") == "email";
    let input = AddSupplier {
        corporate_number: (!by_email).then(|| get(&f, "corporate_number").to_string()),
        invite_email: by_email.then(|| get(&f, "invite_email").to_string()),
        due_date: get(&f, "due_date").to_string(),
        decision: DecisionAnswers {
            confidential_info: yes("confidential_info"),
            business_interruption: yes("business_interruption"),
            wide_impact: yes("wide_impact"),
            no_alternative: yes("no_alternative"),
            hard_to_stock: yes("hard_to_stock"),
            network_access: yes("network_access"),
            extra_factors: all(&f, "extra_factors")
                .into_iter()
                .map(str::to_string)
                .collect(),
        },
    };
    match buyers::add_supplier(&state, &p, &input).await {
        Ok(added) => {
            // Answer with a redirect, so that reloading the result does not send the request
            // again. The invitation link (only its hash is stored) waits for that page in
            // the session's flash and is shown there once.
            if let Some(token) = added.invite_token {
                let link = format!(
                    "{}/supplier-invite/{token}",
                    state.config.public_url.trim_end_matches('/')
                );
                state
                    .flash
                    .put(p.csrf(), INVITE_FLASH, link, state.clock.now());
            }
            Ok(
                Redirect::to(&format!("/suppliers/{}?added=1", added.relationship_id))
                    .into_response(),
            )
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let form = AddForm {
                by_email,
                corporate_number: get(&f, "corporate_number").into(),
                invite_email: get(&f, "invite_email").into(),
                due_date: get(&f, "due_date").into(),
                decision: input.decision,
            };
            let page = portfolio_page(
                &state,
                &p,
                PortfolioQuery::default(),
                FieldMessages::from_error(&e, lang),
                form,
            )
            .await
            .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// The flash kind that carries a new invitation link from adding the supplier to its page.
const INVITE_FLASH: &str = "supplier-invite-link";

#[derive(Template)]
#[template(path = "buyers/relationship.html")]
pub struct RelationshipPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub id: String,
    pub as_buyer: bool,
    pub counterpart: String,
    pub required_level: i64,
    pub suggest_level_4: bool,
    pub reasons: Vec<String>,
    pub due_date: String,
    pub messages: Vec<(String, String, String)>,
    /// Shares between the two: (level, state, detail, created, revoked, answers if full).
    pub shares: Vec<SharedItem>,
    /// The buyer's dependency: (critical, alternatives, stock days), as stored or as typed.
    pub dependency: (bool, String, String),
    pub errors: FieldMessages,
    /// What the last form did: `added`, `saved` or `sent` (after its redirect).
    pub done: String,
    /// The invitation link right after inviting the supplier by e-mail.
    pub invite_link: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RelationshipQuery {
    pub added: Option<String>,
    pub saved: Option<String>,
    pub sent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SharedItem {
    pub level: i64,
    pub state: String,
    pub detail: String,
    pub created: String,
    pub revoked: String,
    pub answers: Vec<(String, String, String)>,
    /// The share's id when it carries a certificate (active shares only).
    pub certificate_share: Option<String>,
}

pub async fn relationship(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<RelationshipId>,
    Query(q): Query<RelationshipQuery>,
) -> Result<Response, PageError> {
    let page = relationship_page(&state, &p, &id, &q, None, FieldMessages::default()).await?;
    render(&page, p.lang)
}

/// The dependency form as typed: (critical, alternatives, stock days).
type TypedDependency = (bool, String, String);

/// A supplier's page, with the dependency form as typed and its messages when it came back.
async fn relationship_page(
    state: &AppState,
    p: &shirube_app::Principal,
    id: &RelationshipId,
    q: &RelationshipQuery,
    typed: Option<TypedDependency>,
    errors: FieldMessages,
) -> Result<RelationshipPage, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let detail = buyers::relationship_detail(state, p, id).await.page(lang)?;
    let buyers::RelationshipDetail {
        rel,
        as_buyer,
        counterpart,
        messages,
        shares: shared,
    } = detail;
    // Each message says who wrote it from the reader's side: "you" or the other company.
    let messages = messages
        .into_iter()
        .map(|(org, body, at)| {
            (
                if org.as_str() == p.org_id().as_str() {
                    t.t("portfolio-label-you")
                } else {
                    counterpart.clone()
                },
                t.datetime(&at),
                body,
            )
        })
        .collect();
    let mut shares = Vec::new();
    for buyers::SharedAssessment {
        share: s,
        assessment: a,
        answers: view,
    } in shared
    {
        let answers = match view {
            Some(view) => state
                .catalog
                .criteria_for(view.level())
                .map(|c| {
                    (
                        c.id.to_string(),
                        c.title.get(lang).to_string(),
                        status_label(&t, view.answers.get(c.id.as_str()).map(|a| a.status)),
                    )
                })
                .collect(),
            None => Vec::new(),
        };
        shares.push(SharedItem {
            certificate_share: s
                .credential_id
                .as_ref()
                .filter(|_| s.revoked_at.is_none())
                .map(|_| s.id.to_string()),
            level: a.target_level,
            state: t.label(a.status),
            detail: t.label(s.detail),
            created: t.date(&s.created_at),
            revoked: s.revoked_at.map(|r| t.date(&r)).unwrap_or_default(),
            answers,
        });
    }
    let done = if q.added.is_some() {
        "added"
    } else if q.saved.is_some() {
        "saved"
    } else if q.sent.is_some() {
        "sent"
    } else {
        ""
    };
    let invite_link = if as_buyer && q.added.is_some() {
        state.flash.take(p.csrf(), INVITE_FLASH, state.clock.now())
    } else {
        None
    };
    let dependency = match typed {
        Some(typed) => typed,
        None if as_buyer => (
            rel.critical,
            rel.alternatives.to_string(),
            rel.stock_days.to_string(),
        ),
        None => (false, "1".into(), "0".into()),
    };
    Ok(RelationshipPage {
        dependency,
        errors,
        nav: Nav::for_principal(state, p).await.page(lang)?,
        reasons: buyers::reasons_of(&rel)
            .iter()
            .map(|k| text(lang, k))
            .collect(),
        id: rel.id.into(),
        as_buyer,
        counterpart,
        required_level: rel.required_level,
        suggest_level_4: rel.suggest_level_4,
        due_date: rel.due_date,
        messages,
        shares,
        done: done.to_string(),
        invite_link,
        t,
    })
}

pub async fn dependency(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<RelationshipId>,
    RawForm(raw): RawForm,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let f = pairs(&raw);
    p.check_csrf(get(&f, "csrf_token")).page(lang)?;
    let typed: TypedDependency = (
        get(&f, "critical") == "yes",
        get(&f, "alternatives").trim().to_string(),
        get(&f, "stock_days").trim().to_string(),
    );
    // Text that is not a whole number is sent on as -1, which the use case refuses with the
    // same message as any number out of range, so both fields are checked at once.
    let number = |v: &str| v.parse::<i64>().unwrap_or(-1);
    let result =
        buyers::set_dependency(&state, &p, &id, typed.0, number(&typed.1), number(&typed.2)).await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/suppliers/{id}?saved=1")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let q = RelationshipQuery::default();
            let page = relationship_page(
                &state,
                &p,
                &id,
                &q,
                Some(typed),
                FieldMessages::from_error(&e, lang),
            )
            .await?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn message(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<RelationshipId>,
    RawForm(raw): RawForm,
) -> Result<Response, PageError> {
    let f = pairs(&raw);
    p.check_csrf(get(&f, "csrf_token")).page(p.lang)?;
    buyers::message(&state, &p, &id, get(&f, "body"))
        .await
        .page(p.lang)?;
    Ok(Redirect::to(&format!("/suppliers/{id}?sent=1#thread-h")).into_response())
}

#[derive(Template)]
#[template(path = "buyers/requests.html")]
pub struct RequestsPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    /// (relationship id, buyer id, buyer name, required level, reasons, due date).
    pub requests: Vec<(String, String, String, i64, Vec<String>, String)>,
    /// Assessments that can be shared: (id, label).
    pub assessments: Vec<(String, String)>,
    /// Shares given: (id, buyer name, assessment label, detail, created, revoked).
    pub shares: Vec<(String, String, String, String, String, String)>,
    pub can_edit: bool,
    pub errors: FieldMessages,
    pub shared: usize,
    /// The BCP facts were just saved (after the redirect).
    pub saved: bool,
    pub bcp: BcpForm,
}

/// The BCP form's fields, as stored or as typed.
#[derive(Debug, Clone, Default)]
pub struct BcpForm {
    pub offline_backup: bool,
    pub last_restore_test: String,
    pub recovery_hours: String,
    pub alternative_site: bool,
}

impl From<shirube_app::views::BcpFacts> for BcpForm {
    fn from(f: shirube_app::views::BcpFacts) -> Self {
        BcpForm {
            offline_backup: f.offline_backup,
            last_restore_test: f.last_restore_test.unwrap_or_default(),
            recovery_hours: f.recovery_hours.map(|h| h.to_string()).unwrap_or_default(),
            alternative_site: f.alternative_site,
        }
    }
}

async fn requests_page(
    state: &AppState,
    p: &shirube_app::Principal,
    errors: FieldMessages,
    shared: usize,
    typed_bcp: Option<BcpForm>,
) -> Result<RequestsPage, AppError> {
    let lang: Lang = p.lang;
    let t = Tr::new(lang);
    let reqs = buyers::requests_received(state, p).await?;
    let mut names = std::collections::HashMap::new();
    for (r, name) in &reqs {
        names.insert(r.buyer_id.clone(), name.clone());
    }
    let assessments: Vec<(String, String)> = assessments::history(state, p)
        .await?
        .into_iter()
        .filter(|a| a.status != AssessmentStatus::Superseded)
        .map(|a| {
            (
                a.id.to_string(),
                format!(
                    "★{} {} ({})",
                    a.target_level,
                    t.label(a.status),
                    a.created_at.chars().take(10).collect::<String>()
                ),
            )
        })
        .collect();
    let label = |id: &str| {
        assessments
            .iter()
            .find(|(a, _)| a == id)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    };
    let shares = buyers::shares(state, p)
        .await?
        .into_iter()
        .filter(|s| s.supplier_id == p.org_id())
        .map(|s| {
            (
                s.id.to_string(),
                names.get(&s.buyer_id).cloned().unwrap_or_default(),
                label(&s.assessment_id),
                t.label(s.detail),
                t.date(&s.created_at),
                s.revoked_at.map(|r| t.date(&r)).unwrap_or_default(),
            )
        })
        .collect();
    let bcp = match typed_bcp {
        Some(typed) => typed,
        None => buyers::bcp_facts(state, p).await?.into(),
    };
    Ok(RequestsPage {
        bcp,
        nav: Nav::for_principal(state, p).await?,
        requests: reqs
            .into_iter()
            .map(|(r, name)| {
                let reasons = buyers::reasons_of(&r)
                    .iter()
                    .map(|k| text(lang, k))
                    .collect();
                (
                    r.id.into_string(),
                    r.buyer_id.into_string(),
                    name,
                    r.required_level,
                    reasons,
                    r.due_date,
                )
            })
            .collect(),
        assessments,
        shares,
        can_edit: p.role.can_edit(),
        errors,
        shared,
        saved: false,
        t,
    })
}

#[derive(Deserialize, Default)]
pub struct RequestsQuery {
    /// How many customers the last share went to (after its redirect).
    pub shared: Option<String>,
    pub saved: Option<String>,
}

pub async fn requests(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<RequestsQuery>,
) -> Result<Response, PageError> {
    let shared = q.shared.and_then(|n| n.parse().ok()).unwrap_or(0);
    let mut page = requests_page(&state, &p, FieldMessages::default(), shared, None)
        .await
        .page(p.lang)?;
    page.saved = q.saved.is_some();
    render(&page, p.lang)
}

/// Shares one assessment with every chosen buyer in one action.
pub async fn share(
    State(state): State<AppState>,
    Signed(p): Signed,
    RawForm(raw): RawForm,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let f = pairs(&raw);
    p.check_csrf(get(&f, "csrf_token")).page(lang)?;
    let buyers_chosen = all(&f, "buyer");
    let result = async {
        if buyers_chosen.is_empty() {
            return Err(AppError::field(
                "buyer_organization_id",
                "err-share-choose-buyer",
            ));
        }
        for b in &buyers_chosen {
            let id = buyers::share(
                &state,
                &p,
                &AssessmentId::from(get(&f, "assessment_id")),
                &OrganizationId::from(*b),
                get(&f, "detail"),
            )
            .await?;
            if get(&f, "pass_on") == "yes" {
                buyers::set_pass_on(&state, &p, &id, true).await?;
            }
        }
        Ok(buyers_chosen.len())
    }
    .await;
    match result {
        Ok(n) => Ok(Redirect::to(&format!("/requests?shared={n}")).into_response()),
        Err(e @ AppError::Invalid(_)) => requests_with_errors(&state, &p, &e, None).await,
        Err(e) => Err(PageError(e, lang)),
    }
}

/// The requests page again with the form's errors next to their fields, and the error's status.
async fn requests_with_errors(
    state: &AppState,
    p: &shirube_app::Principal,
    e: &AppError,
    typed_bcp: Option<BcpForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let page = requests_page(state, p, FieldMessages::from_error(e, lang), 0, typed_bcp)
        .await
        .page(lang)?;
    render_status(&page, lang, crate::error::status(e))
}

pub async fn revoke_share(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<ShareId>,
    RawForm(raw): RawForm,
) -> Result<Response, PageError> {
    let f = pairs(&raw);
    p.check_csrf(get(&f, "csrf_token")).page(p.lang)?;
    buyers::revoke_share(&state, &p, &id).await.page(p.lang)?;
    Ok(Redirect::to("/requests").into_response())
}

pub async fn bcp(
    State(state): State<AppState>,
    Signed(p): Signed,
    RawForm(raw): RawForm,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let f = pairs(&raw);
    p.check_csrf(get(&f, "csrf_token")).page(lang)?;
    let typed = BcpForm {
        offline_backup: get(&f, "offline_backup") == "yes",
        last_restore_test: get(&f, "last_restore_test").to_string(),
        recovery_hours: get(&f, "recovery_hours").to_string(),
        alternative_site: get(&f, "alternative_site") == "yes",
    };
    match buyers::set_bcp(
        &state,
        &p,
        typed.offline_backup,
        Some(&typed.last_restore_test),
        Some(&typed.recovery_hours),
        typed.alternative_site,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/requests?saved=1#bcp-h").into_response()),
        Err(e @ AppError::Invalid(_)) => requests_with_errors(&state, &p, &e, Some(typed)).await,
        Err(e) => Err(PageError(e, lang)),
    }
}

#[derive(Template)]
#[template(path = "buyers/invite.html")]
pub struct InvitePage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub token: String,
    pub buyer: String,
    pub signed_in: bool,
}

pub async fn invite(
    State(state): State<AppState>,
    crate::auth::ReqLang(lang): crate::auth::ReqLang,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (_, buyer) = buyers::supplier_invitation(&state, &token)
        .await
        .page(lang)?;
    let principal = crate::auth::resolve(&headers, &state).await.page(lang)?;
    let nav = match &principal {
        Some(p) => Nav::for_principal(&state, p).await.page(lang)?,
        None => None,
    };
    render(
        &InvitePage {
            t: Tr::new(lang),
            nav,
            token,
            buyer,
            signed_in: principal.is_some(),
        },
        lang,
    )
}

pub async fn invite_accept(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(token): Path<String>,
    RawForm(raw): RawForm,
) -> Result<Response, PageError> {
    let f = pairs(&raw);
    p.check_csrf(get(&f, "csrf_token")).page(p.lang)?;
    buyers::accept_invite(&state, &p, &token)
        .await
        .page(p.lang)?;
    Ok(Redirect::to("/requests").into_response())
}
