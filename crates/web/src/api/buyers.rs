//! Buyers and suppliers over the API: requests, the portfolio (JSON and CSV), shares.

use shirube_app::views::{AssessmentId, CredentialId, OrganizationId, RelationshipId, ShareId};
use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::assessments::Created;
use crate::api::problem::{
    BadRequest, Forbidden, Invalid, JsonBodyErrors, NotFound, Problem, Unauthorized,
};
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::buyers::{self, AddSupplier, DecisionAnswers};
use shirube_app::Principal;
use shirube_catalog::Lang;

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// Q1: is the buyer's important confidential information handled on the supplier's IT?
    pub confidential_info: bool,
    /// Q2: would an interruption of the supplier cause the buyer an unacceptable delay?
    pub business_interruption: bool,
    #[serde(default)]
    pub wide_impact: bool,
    #[serde(default)]
    pub no_alternative: bool,
    #[serde(default)]
    pub hard_to_stock: bool,
    /// Q3: can the supplier's environment reach the buyer's internal systems?
    pub network_access: bool,
    /// Factors that point to ★4 even when every answer is no.
    #[serde(default)]
    #[schema(value_type = Vec<ExtraFactorName>)]
    pub extra_factors: Vec<String>,
}

/// A factor beyond the three questions that points to ★4.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ExtraFactorName {
    SingleSource,
    PrivilegedRemoteAccess,
    ReSubcontracting,
    PastIncidents,
    RegulatedPersonalData,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddSupplierRequest {
    /// A supplier already on Shirube (its 13-digit corporate number)…
    #[serde(default)]
    #[schema(pattern = "^[0-9]{13}$")]
    pub corporate_number: Option<String>,
    /// …or an e-mail invitation (single-use link, valid 14 days): exactly one of the two.
    #[serde(default)]
    #[schema(format = Email, max_length = 254)]
    pub invite_email: Option<String>,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub due_date: String,
    pub decision: DecisionIn,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct ReasonOut {
    pub code: String,
    pub ja: String,
    pub en: String,
}

pub fn reasons(keys: &[String]) -> Vec<ReasonOut> {
    keys.iter()
        .map(|k| {
            let (ja, en) = buyers::reason_texts(k);
            ReasonOut {
                code: k.trim_start_matches("decision-").replace('-', "_"),
                ja,
                en,
            }
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct AddSupplierResponse {
    pub relationship_id: String,
    pub required_level: u8,
    /// All answers were no, but extra factors point to ★4.
    pub suggest_level_4: bool,
    pub reasons: Vec<ReasonOut>,
    /// For e-mail invitations: the single-use link to send (shown only now).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_url: Option<String>,
}

/// Adds a supplier and records the level decision with its reasons.
#[utoipa::path(post, path = "/api/v1/suppliers", request_body = AddSupplierRequest, tag = "buyers", security(("bearer" = [])),
    responses((status = 201, body = AddSupplierResponse), JsonBodyErrors, Unauthorized, Forbidden,
        (status = 409, description = "already a supplier", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid field, unknown corporate number, yourself, or not exactly one of corporate_number and invite_email", body = Problem, content_type = "application/problem+json")))]
pub async fn add(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<AddSupplierRequest>,
) -> Result<(StatusCode, Json<AddSupplierResponse>), ApiError> {
    let d = req.decision;
    let input = AddSupplier {
        corporate_number: req.corporate_number,
        invite_email: req.invite_email,
        due_date: req.due_date,
        decision: DecisionAnswers {
            confidential_info: d.confidential_info,
            business_interruption: d.business_interruption,
            wide_impact: d.wide_impact,
            no_alternative: d.no_alternative,
            hard_to_stock: d.hard_to_stock,
            network_access: d.network_access,
            extra_factors: d.extra_factors,
        },
    };
    let added = buyers::add_supplier(&state, &p, &input).await?;
    let keys: Vec<String> = added.reason_keys.iter().map(|k| k.to_string()).collect();
    Ok((
        StatusCode::CREATED,
        Json(AddSupplierResponse {
            relationship_id: added.relationship_id.into(),
            required_level: added.required_level,
            suggest_level_4: added.suggest_level_4,
            reasons: reasons(&keys),
            invite_url: added.invite_token.map(|t| {
                format!(
                    "{}/supplier-invite/{t}",
                    state.config.public_url.trim_end_matches('/')
                )
            }),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PortfolioLine {
    /// The buyer's request; null for deeper tiers (they are other buyers' requests).
    pub relationship_id: Option<String>,
    pub organization_id: Option<String>,
    pub corporate_number: String,
    pub name: String,
    /// 1 for direct suppliers; 2..N for suppliers a direct supplier passes on.
    pub tier: u32,
    /// The organisation this supplier is seen through (you, for tier 1).
    pub parent_organization_id: Option<String>,
    pub required_level: i64,
    pub achieved_level: Option<i64>,
    /// met, in_progress, overdue, not_shared (the supplier has begun a self-assessment or
    /// reached a level but shared nothing with you yet), not_started (nothing begun at all)
    /// or no_response (invited by e-mail, not registered yet). Deeper tiers: met,
    /// in_progress or not_started, from the level passed on.
    #[schema(value_type = PortfolioStatusName)]
    pub status: &'static str,
    /// Null for deeper tiers.
    pub due_date: Option<String>,
    pub last_update: Option<String>,
    /// Lowest level in this supplier's visible branch (null when any has none).
    pub weakest_in_branch: Option<u8>,
    /// Critical, no alternative, and below its requirement or never restore-tested.
    pub single_point_of_failure: bool,
}

/// Where a supplier stands for you.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum PortfolioStatusName {
    Met,
    InProgress,
    Overdue,
    NotShared,
    NotStarted,
    NoResponse,
}

#[derive(Serialize, ToSchema)]
pub struct Portfolio {
    pub suppliers: Vec<PortfolioLine>,
    /// Statuses of your direct suppliers (your own requests).
    pub counts: BTreeMap<String, usize>,
    /// How many suppliers are listed per tier; the keys are tier numbers ("1", "2", …), as
    /// JSON object keys are strings.
    #[schema(value_type = BTreeMap<String, usize>)]
    pub tiers: BTreeMap<u32, usize>,
    /// The chain is larger than one view reads (20,000 organisations' supplier lists):
    /// deeper suppliers are missing.
    pub truncated: bool,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct PortfolioParams {
    /// Deepest tier to include, 1–32 (default: every tier you can see; 1: direct suppliers only).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 32)]
    pub max_tier: Option<String>,
}

impl PortfolioParams {
    pub fn max_tier(&self) -> Result<u32, ApiError> {
        parse_max_tier(self.max_tier.as_deref()).map_err(ApiError::from)
    }
}

/// `max_tier` from a query string: 1–32, default all.
pub fn parse_max_tier(v: Option<&str>) -> Result<u32, shirube_app::AppError> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(shirube_assess::graph::MAX_TIERS),
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=shirube_assess::graph::MAX_TIERS).contains(&n) => Ok(n),
            _ => Err(shirube_app::AppError::field("max_tier", "err-max-tier")),
        },
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The buyer's suppliers, tier by tier, with required and achieved levels and status.
#[utoipa::path(get, path = "/api/v1/portfolio", tag = "buyers", security(("bearer" = [])), params(PortfolioParams), responses((status = 200, body = Portfolio), BadRequest, Unauthorized, Invalid))]
pub async fn portfolio(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PortfolioParams>,
) -> Result<Response, ApiError> {
    let portfolio = buyers::portfolio(&state, &p, q.max_tier()?).await?;
    let counts: BTreeMap<String, usize> = portfolio
        .status_counts()
        .into_iter()
        .map(|(s, n)| (s.as_str().to_string(), n))
        .collect();
    let tiers = portfolio.tier_counts();
    let buyers::Portfolio { lines, truncated } = portfolio;
    let portfolio = Portfolio {
        suppliers: lines
            .into_iter()
            .map(|l| PortfolioLine {
                relationship_id: l.relationship_id.map(Into::into),
                organization_id: l.organization_id.map(Into::into),
                corporate_number: l.corporate_number,
                name: l.name,
                tier: l.tier,
                parent_organization_id: l.parent_organization_id.map(Into::into),
                required_level: l.required_level,
                achieved_level: l.achieved_level,
                status: l.status.as_str(),
                due_date: non_empty(l.due_date),
                last_update: non_empty(l.last_update),
                weakest_in_branch: l.weakest_in_branch,
                single_point_of_failure: l.single_point_of_failure,
            })
            .collect(),
        counts,
        tiers,
        truncated,
    };
    // Serialised into a buffer sized for the whole document: a 10,000-supplier portfolio is
    // about 4 MB, which axum's `Json` reaches by doubling a 128-byte buffer.
    let mut body = Vec::with_capacity(512 * portfolio.suppliers.len() + 1024);
    serde_json::to_writer(&mut body, &portfolio)
        .map_err(|e| ApiError::from(shirube_app::AppError::internal(e)))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct PortfolioCsvParams {
    /// Deepest tier to include, 1–32 (default: every tier you can see; 1: direct suppliers only).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 32)]
    pub max_tier: Option<String>,
    /// `en` for English column headers and labels; Japanese otherwise (the default).
    #[param(value_type = Option<String>, example = "en")]
    pub lang: Option<String>,
}

/// The portfolio as a spreadsheet (the same file as the page's download): UTF-8 with a BOM,
/// column headers and statuses in Japanese (or English with `lang=en`), levels as ★N, days as
/// YYYY-MM-DD, the corporate number as the one key column (no internal ids), and a dated file
/// name in `Content-Disposition`. Programs should read `GET /api/v1/portfolio` instead.
#[utoipa::path(get, path = "/api/v1/portfolio.csv", tag = "buyers", security(("bearer" = [])), params(PortfolioCsvParams), responses((status = 200, description = "one line per supplier", content_type = "text/csv", body = String), BadRequest, Unauthorized, Invalid))]
pub async fn portfolio_csv(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PortfolioCsvParams>,
) -> Result<Response, ApiError> {
    let max_tier = parse_max_tier(q.max_tier.as_deref())?;
    let lines = buyers::portfolio(&state, &p, max_tier).await?.lines;
    Ok(csv_response(&state, &lines, csv_lang(q.lang.as_deref())))
}

/// The CSV's language from `?lang=`: English only when asked for, Japanese otherwise.
pub fn csv_lang(lang: Option<&str>) -> Lang {
    match lang {
        Some("en") => Lang::En,
        _ => Lang::Ja,
    }
}

/// The portfolio CSV as a download named for the day it was made (RFC 6266: an ASCII
/// `filename` for old clients and the real name as RFC 5987 `filename*`).
pub fn csv_response(state: &AppState, lines: &[buyers::Line], lang: Lang) -> Response {
    let name = buyers::portfolio_csv_file_name(state, lang);
    let ascii = buyers::portfolio_csv_file_name(state, Lang::En);
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        buyers::portfolio_csv(lines, lang),
    )
        .into_response()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    /// The assessment to share…
    #[serde(default)]
    pub assessment_id: Option<String>,
    /// …or one of your certificates (credentials): the buyer gets its assessment's level and
    /// the verifiable credential itself (`GET /api/v1/shares/{id}/credential`).
    #[serde(default)]
    pub credential_id: Option<String>,
    pub buyer_organization_id: String,
    /// level (level and status only, the default) or full (answers and evidence).
    #[serde(default)]
    #[schema(value_type = Option<ShareDetail>)]
    pub detail: Option<String>,
    /// Also pass on the level-only view of your own suppliers (tiers).
    #[serde(default)]
    pub pass_on: bool,
}

/// How much a share shows the buyer.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ShareDetail {
    /// The level and status only.
    Level,
    /// Answers and evidence too.
    Full,
}

/// Shares one of your assessments with a buyer that asked you for a level.
#[utoipa::path(post, path = "/api/v1/shares", request_body = ShareRequest, tag = "buyers", security(("bearer" = [])),
    responses((status = 201, body = Created), JsonBodyErrors, Unauthorized, Forbidden,
        (status = 409, description = "already shared with this buyer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "not exactly one of assessment_id and credential_id, unknown or revoked, bad detail, or the buyer never asked you", body = Problem, content_type = "application/problem+json")))]
pub async fn share(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<ShareRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let assessment_id = match (
        req.assessment_id.filter(|a| !a.is_empty()),
        req.credential_id.filter(|c| !c.is_empty()),
    ) {
        (Some(a), None) => AssessmentId::from(a),
        (None, Some(c)) => {
            buyers::assessment_of_credential(&state, &p, &CredentialId::from(c)).await?
        }
        _ => return Err(shirube_app::AppError::field("assessment_id", "err-share-one-of").into()),
    };
    let id = buyers::share(
        &state,
        &p,
        &assessment_id,
        &OrganizationId::from(req.buyer_organization_id.as_str()),
        req.detail.as_deref().unwrap_or("level"),
    )
    .await?;
    if req.pass_on {
        buyers::set_pass_on(&state, &p, &id, true).await?;
    }
    Ok((StatusCode::CREATED, Json(Created { id: id.into() })))
}

/// Revokes a share; the buyer's access ends at once.
#[utoipa::path(delete, path = "/api/v1/shares/{id}", tag = "buyers", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 204, description = "revoked"), BadRequest, Unauthorized, Forbidden, NotFound))]
pub async fn revoke(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<ShareId>,
) -> Result<StatusCode, ApiError> {
    buyers::revoke_share(&state, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ShareOut {
    pub id: String,
    pub supplier_organization_id: String,
    pub buyer_organization_id: String,
    pub assessment_id: String,
    pub detail: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// The shared assessment's current certificate, if it has one: the buyer reads it at
    /// `GET /api/v1/shares/{id}/credential` while the share is active.
    pub credential_id: Option<String>,
}

/// Shares you gave (as a supplier) or received (as a buyer).
#[utoipa::path(get, path = "/api/v1/shares", tag = "buyers", security(("bearer" = [])), responses((status = 200, body = [ShareOut]), Unauthorized))]
pub async fn list_shares(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ShareOut>>, ApiError> {
    let rows = buyers::shares(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|s| ShareOut {
                id: s.id.into(),
                supplier_organization_id: s.supplier_id.into(),
                buyer_organization_id: s.buyer_id.into(),
                assessment_id: s.assessment_id.into(),
                detail: s.detail.as_str().to_string(),
                created_at: s.created_at,
                credential_id: s
                    .credential_id
                    .filter(|_| s.revoked_at.is_none())
                    .map(Into::into),
                revoked_at: s.revoked_at,
            })
            .collect(),
    ))
}

/// The certificate (W3C verifiable credential) carried by an active share, for the buyer
/// to keep and verify offline (`shirube verify`, or any VC 2.0 verifier).
#[utoipa::path(get, path = "/api/v1/shares/{id}/credential", tag = "buyers", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = crate::api::credentials::CredentialOut), BadRequest, Unauthorized,
        (status = 404, description = "no such active share, or its assessment has no certificate", body = Problem, content_type = "application/problem+json")))]
pub async fn shared_credential(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<ShareId>,
) -> Result<Json<crate::api::credentials::CredentialOut>, ApiError> {
    let c = buyers::shared_credential(&state, &p, &id).await?;
    Ok(Json(crate::api::credentials::out(c)))
}

#[derive(Serialize, ToSchema)]
pub struct RequestOut {
    pub relationship_id: String,
    pub buyer_organization_id: String,
    pub buyer_name: String,
    pub required_level: i64,
    pub suggest_level_4: bool,
    pub reasons: Vec<ReasonOut>,
    pub due_date: String,
    pub created_at: String,
}

/// The supplier's incoming requests, with the buyer's reasons and due dates.
#[utoipa::path(get, path = "/api/v1/requests", tag = "buyers", security(("bearer" = [])), responses((status = 200, body = [RequestOut]), Unauthorized))]
pub async fn requests(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<RequestOut>>, ApiError> {
    let rows = buyers::requests_received(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(r, buyer_name)| RequestOut {
                reasons: reasons(&buyers::reasons_of(&r)),
                relationship_id: r.id.into(),
                buyer_organization_id: r.buyer_id.into(),
                buyer_name,
                required_level: r.required_level,
                suggest_level_4: r.suggest_level_4,
                due_date: r.due_date,
                created_at: r.created_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// Adds a message to a request's thread (buyer or supplier).
#[utoipa::path(post, path = "/api/v1/requests/{id}/messages", request_body = MessageRequest, tag = "buyers", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 201, description = "added"), JsonBodyErrors, Unauthorized, Forbidden, NotFound, Invalid))]
pub async fn message(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<RelationshipId>,
    ApiJson(req): ApiJson<MessageRequest>,
) -> Result<StatusCode, ApiError> {
    buyers::message(&state, &p, &id, &req.body).await?;
    Ok(StatusCode::CREATED)
}

/// Accepts a buyer's e-mail invitation for your organisation (owners).
#[utoipa::path(post, path = "/api/v1/supplier-invitations/{token}/accept", tag = "buyers", security(("bearer" = [])), params(("token" = String, Path)),
    responses((status = 200, body = Created), BadRequest, Unauthorized,
        (status = 403, description = "owners only (or a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "used, expired, your own, or already a supplier", body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Created>, ApiError> {
    let rel = buyers::accept_invite(&state, &p, &token).await?;
    Ok(Json(Created { id: rel.id.into() }))
}

#[derive(Serialize, ToSchema)]
pub struct TierNode {
    pub organization_id: String,
    pub name: String,
    pub tier: u32,
    /// The buyer this supplier is seen through.
    pub parent_organization_id: String,
    pub achieved_level: Option<u8>,
    pub required_level: u8,
    /// Lowest level in this branch (null when any supplier in it has none).
    pub weakest_in_branch: Option<u8>,
    pub single_point_of_failure: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Tiers {
    pub nodes: Vec<TierNode>,
    /// The chain is larger than one view reads: deeper suppliers are missing.
    pub truncated: bool,
}

fn tier_nodes(nodes: Vec<shirube_assess::graph::Node>) -> Vec<TierNode> {
    nodes
        .into_iter()
        .map(|n| TierNode {
            organization_id: n.supplier,
            name: n.name,
            tier: n.tier,
            parent_organization_id: n.parent,
            achieved_level: n.achieved,
            required_level: n.required,
            weakest_in_branch: n.weakest_in_branch,
            single_point_of_failure: n.single_point_of_failure,
        })
        .collect()
}

/// Every tier the buyer can see (level-only views passed on by its suppliers).
#[utoipa::path(get, path = "/api/v1/portfolio/tiers", tag = "buyers", security(("bearer" = [])), responses((status = 200, body = Tiers), Unauthorized))]
pub async fn tiers(State(state): State<AppState>, p: Principal) -> Result<Json<Tiers>, ApiError> {
    let (nodes, truncated) = buyers::tiers(&state, &p).await?;
    Ok(Json(Tiers {
        nodes: tier_nodes(nodes),
        truncated,
    }))
}

/// Single points of failure across every visible tier.
#[utoipa::path(get, path = "/api/v1/bcp/weak-points", tag = "buyers", security(("bearer" = [])), responses((status = 200, body = Tiers), Unauthorized))]
pub async fn weak_points(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Tiers>, ApiError> {
    let (nodes, truncated) = buyers::tiers(&state, &p).await?;
    let nodes = nodes
        .into_iter()
        .filter(|n| n.single_point_of_failure)
        .collect();
    Ok(Json(Tiers {
        nodes: tier_nodes(nodes),
        truncated,
    }))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BcpIn {
    pub offline_backup: bool,
    /// YYYY-MM-DD of the last restore test.
    #[serde(default)]
    #[schema(format = Date)]
    pub last_restore_test: Option<String>,
    /// Hours to recover, 0 to 8,760 (a year).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 8760)]
    pub recovery_hours: Option<i64>,
    pub alternative_site: bool,
}

/// Records your BCP facts (backup, restore test, recovery time, alternative site).
#[utoipa::path(put, path = "/api/v1/bcp", request_body = BcpIn, tag = "buyers", security(("bearer" = [])),
    responses((status = 204, description = "saved"), JsonBodyErrors, Unauthorized, Forbidden, Invalid))]
pub async fn set_bcp(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<BcpIn>,
) -> Result<StatusCode, ApiError> {
    let hours = req.recovery_hours.map(|h| h.to_string());
    buyers::set_bcp(
        &state,
        &p,
        req.offline_backup,
        req.last_restore_test.as_deref(),
        hours.as_deref(),
        req.alternative_site,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DependencyIn {
    pub critical: bool,
    /// Alternative sources available, 0 to 1,000.
    #[schema(minimum = 0, maximum = 1000)]
    pub alternatives: i64,
    /// Days of stock held, 0 to 3,650.
    #[schema(minimum = 0, maximum = 3650)]
    pub stock_days: i64,
}

/// The buyer records how much it depends on a supplier.
#[utoipa::path(put, path = "/api/v1/suppliers/{id}/dependency", request_body = DependencyIn, tag = "buyers", security(("bearer" = [])), params(("id" = String, Path, description = "relationship id")),
    responses((status = 204, description = "saved"), JsonBodyErrors, Unauthorized, Forbidden, NotFound, Invalid))]
pub async fn set_dependency(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<RelationshipId>,
    ApiJson(req): ApiJson<DependencyIn>,
) -> Result<StatusCode, ApiError> {
    buyers::set_dependency(
        &state,
        &p,
        &id,
        req.critical,
        req.alternatives,
        req.stock_days,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassOnIn {
    pub pass_on: bool,
}

/// Passes the level-only view of your own suppliers on to the buyer of this share.
#[utoipa::path(put, path = "/api/v1/shares/{id}/pass-on", request_body = PassOnIn, tag = "buyers", security(("bearer" = [])), params(("id" = String, Path, description = "share id")),
    responses((status = 204, description = "saved"), JsonBodyErrors, Unauthorized, Forbidden, NotFound))]
pub async fn pass_on(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<ShareId>,
    ApiJson(req): ApiJson<PassOnIn>,
) -> Result<StatusCode, ApiError> {
    buyers::set_pass_on(&state, &p, &id, req.pass_on).await?;
    Ok(StatusCode::NO_CONTENT)
}
