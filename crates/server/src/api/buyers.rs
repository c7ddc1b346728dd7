//! Buyers and suppliers over the API: requests, the portfolio (JSON and CSV), shares.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::assessments::Created;
use crate::api::ApiJson;
use crate::auth::Principal;
use crate::buyers::{self, AddSupplier, DecisionAnswers};
use crate::error::ApiError;
use crate::AppState;

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
    /// single_source, privileged_remote_access, re_subcontracting, past_incidents, regulated_personal_data.
    #[serde(default)]
    pub extra_factors: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddSupplierRequest {
    /// A supplier already on Shirube…
    #[serde(default)]
    pub corporate_number: Option<String>,
    /// …or an e-mail invitation (single-use link, valid 14 days).
    #[serde(default)]
    pub invite_email: Option<String>,
    /// YYYY-MM-DD.
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
            ReasonOut { code: k.trim_start_matches("decision-").replace('-', "_"), ja, en }
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
    responses((status = 201, body = AddSupplierResponse), (status = 422, description = "invalid field"), (status = 409, description = "already a supplier")))]
pub async fn add(State(state): State<AppState>, p: Principal, ApiJson(req): ApiJson<AddSupplierRequest>) -> Result<(StatusCode, Json<AddSupplierResponse>), ApiError> {
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
            relationship_id: added.relationship_id,
            required_level: added.required_level,
            suggest_level_4: added.suggest_level_4,
            reasons: reasons(&keys),
            invite_url: added.invite_token.map(|t| format!("{}/supplier-invite/{t}", state.config.public_url.trim_end_matches('/'))),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PortfolioLine {
    pub relationship_id: String,
    pub organization_id: Option<String>,
    pub corporate_number: String,
    pub name: String,
    pub tier: u32,
    pub required_level: i64,
    pub achieved_level: Option<i64>,
    /// met, in_progress, overdue, not_started or no_response.
    pub status: String,
    pub due_date: String,
    pub last_update: String,
}

#[derive(Serialize, ToSchema)]
pub struct Portfolio {
    pub suppliers: Vec<PortfolioLine>,
    pub counts: BTreeMap<String, usize>,
}

/// The buyer's suppliers with required and achieved levels and status.
#[utoipa::path(get, path = "/api/v1/portfolio", tag = "buyers", security(("bearer" = [])), responses((status = 200, body = Portfolio)))]
pub async fn portfolio(State(state): State<AppState>, p: Principal) -> Result<Json<Portfolio>, ApiError> {
    let lines = buyers::portfolio(&state, &p).await?;
    let mut counts: BTreeMap<String, usize> = buyers::STATUSES.iter().map(|s| (s.to_string(), 0)).collect();
    for l in &lines {
        *counts.entry(l.status.to_string()).or_default() += 1;
    }
    Ok(Json(Portfolio {
        suppliers: lines
            .into_iter()
            .map(|l| PortfolioLine {
                relationship_id: l.relationship_id,
                organization_id: l.organization_id,
                corporate_number: l.corporate_number,
                name: l.name,
                tier: l.tier,
                required_level: l.required_level,
                achieved_level: l.achieved_level,
                status: l.status.to_string(),
                due_date: l.due_date,
                last_update: l.last_update,
            })
            .collect(),
        counts,
    }))
}

/// The portfolio as CSV.
#[utoipa::path(get, path = "/api/v1/portfolio.csv", tag = "buyers", security(("bearer" = [])), responses((status = 200, description = "text/csv")))]
pub async fn portfolio_csv(State(state): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    let lines = buyers::portfolio(&state, &p).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"portfolio.csv\"")],
        buyers::portfolio_csv(&lines),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    pub assessment_id: String,
    pub buyer_organization_id: String,
    /// level (level and status only, the default) or full (answers and evidence).
    #[serde(default)]
    pub detail: Option<String>,
}

/// Shares one of your assessments with a buyer that asked you for a level.
#[utoipa::path(post, path = "/api/v1/shares", request_body = ShareRequest, tag = "buyers", security(("bearer" = [])), responses((status = 201, body = Created), (status = 422, description = "invalid field")))]
pub async fn share(State(state): State<AppState>, p: Principal, ApiJson(req): ApiJson<ShareRequest>) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = buyers::share(&state, &p, &req.assessment_id, &req.buyer_organization_id, req.detail.as_deref().unwrap_or("level")).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Revokes a share; the buyer's access ends at once.
#[utoipa::path(delete, path = "/api/v1/shares/{id}", tag = "buyers", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 204, description = "revoked"), (status = 404, description = "not a share you gave")))]
pub async fn revoke(State(state): State<AppState>, p: Principal, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
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
}

/// Shares you gave (as a supplier) or received (as a buyer).
#[utoipa::path(get, path = "/api/v1/shares", tag = "buyers", security(("bearer" = [])), responses((status = 200, body = [ShareOut])))]
pub async fn list_shares(State(state): State<AppState>, p: Principal) -> Result<Json<Vec<ShareOut>>, ApiError> {
    let rows = state.store.shares_of(p.org_id()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|s| ShareOut {
                id: s.id,
                supplier_organization_id: s.supplier_id,
                buyer_organization_id: s.buyer_id,
                assessment_id: s.assessment_id,
                detail: s.detail,
                created_at: s.created_at,
                revoked_at: s.revoked_at,
            })
            .collect(),
    ))
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
#[utoipa::path(get, path = "/api/v1/requests", tag = "buyers", security(("bearer" = [])), responses((status = 200, body = [RequestOut])))]
pub async fn requests(State(state): State<AppState>, p: Principal) -> Result<Json<Vec<RequestOut>>, ApiError> {
    let rows = state.store.requests_for(p.org_id()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(r, buyer_name)| RequestOut {
                reasons: reasons(&buyers::reasons_of(&r)),
                relationship_id: r.id,
                buyer_organization_id: r.buyer_id,
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
    pub body: String,
}

/// Adds a message to a request's thread (buyer or supplier).
#[utoipa::path(post, path = "/api/v1/requests/{id}/messages", request_body = MessageRequest, tag = "buyers", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 201, description = "added")))]
pub async fn message(State(state): State<AppState>, p: Principal, Path(id): Path<String>, ApiJson(req): ApiJson<MessageRequest>) -> Result<StatusCode, ApiError> {
    buyers::message(&state, &p, &id, &req.body).await?;
    Ok(StatusCode::CREATED)
}

/// Accepts a buyer's e-mail invitation for your organisation (owners).
#[utoipa::path(post, path = "/api/v1/supplier-invitations/{token}/accept", tag = "buyers", security(("bearer" = [])), params(("token" = String, Path)), responses((status = 200, body = Created)))]
pub async fn accept(State(state): State<AppState>, p: Principal, Path(token): Path<String>) -> Result<Json<Created>, ApiError> {
    let rel = buyers::accept_invite(&state, &p, &token).await?;
    Ok(Json(Created { id: rel.id }))
}
