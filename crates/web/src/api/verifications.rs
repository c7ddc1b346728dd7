//! Technical verification providers (★4) over the API: a supplier invites a designated
//! provider to its submission, the provider attaches its report and statement, and the
//! supplier and the evaluation body read them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use shirube_app::verifications::{self, VerificationRow};
use shirube_app::views::EvaluationId;
use shirube_app::Principal;
use utoipa::ToSchema;

use crate::api::assessments::Created;
use crate::api::problem::{
    BadRequest, Forbidden, JsonBodyErrors, MultipartErrors, NotFound, Problem, Unauthorized,
};
use crate::api::{ApiJson, ApiMultipart, ApiPath};
use crate::error::ApiError;
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteVerifierRequest {
    /// The provider's 13-digit corporate number (hyphens allowed).
    pub corporate_number: String,
}

/// Invites a designated technical verification provider to the caller's open ★4 submission
/// (an owner of the supplier). The provider is told and may then attach its report.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/verifiers", request_body = InviteVerifierRequest, tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 201, body = Created), JsonBodyErrors, Unauthorized, NotFound,
        (status = 403, description = "not an owner of the supplier (the body does not invite), or a cross-site request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the evaluation is decided, or the provider was invited already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "not a designated provider's corporate number (errors name corporate_number)", body = Problem, content_type = "application/problem+json")))]
pub async fn invite(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<EvaluationId>,
    ApiJson(req): ApiJson<InviteVerifierRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = verifications::invite(&state, &p, &id, &req.corporate_number).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Serialize, ToSchema)]
pub struct VerificationOut {
    pub id: String,
    pub evaluation_id: String,
    pub provider_name: String,
    pub provider_corporate_number: String,
    pub supplier_name: String,
    pub invited_at: String,
    /// Where the report downloads, once attached.
    pub report_url: Option<String>,
    pub report_name: Option<String>,
    pub statement: Option<String>,
    pub reported_at: Option<String>,
}

fn out(v: VerificationRow) -> VerificationOut {
    VerificationOut {
        report_url: v
            .report_sha256
            .as_ref()
            .map(|_| format!("/api/v1/verifications/{}/report", v.id)),
        evaluation_id: v.evaluation_id.into(),
        provider_name: v.verifier_name,
        provider_corporate_number: v.verifier_corporate_number,
        supplier_name: v.supplier_name,
        invited_at: v.invited_at,
        report_name: v.report_name,
        statement: v.statement,
        reported_at: v.reported_at,
        id: v.id,
    }
}

/// The providers invited to a submission with their reports (its supplier and body only).
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/verifications", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = [VerificationOut]), BadRequest, Unauthorized, NotFound))]
pub async fn of_evaluation(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<EvaluationId>,
) -> Result<Json<Vec<VerificationOut>>, ApiError> {
    let rows = verifications::of_evaluation(&state, &p, &id).await?;
    Ok(Json(rows.into_iter().map(out).collect()))
}

/// A designated provider's invitations, newest first.
#[utoipa::path(get, path = "/api/v1/verifications", tag = "evaluations", security(("bearer" = [])),
    responses((status = 200, body = [VerificationOut]), Unauthorized, Forbidden))]
pub async fn mine(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<VerificationOut>>, ApiError> {
    let rows = verifications::mine(&state, &p).await?;
    Ok(Json(rows.into_iter().map(out).collect()))
}

#[derive(ToSchema)]
pub struct VerificationUpload {
    /// The provider's statement (1 to 5,000 characters).
    pub statement: String,
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The invited provider attaches its report (multipart `file`, up to 20 MiB) and statement;
/// a second upload replaces the first. Anyone but a designated provider invited to this
/// submission gets 404.
#[utoipa::path(post, path = "/api/v1/verifications/{id}/report", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = VerificationUpload, content_type = "multipart/form-data", description = "statement and file"),
    responses((status = 201, body = Created), MultipartErrors, Unauthorized, NotFound,
        (status = 403, description = "a viewer, a cross-site request, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the evaluation is decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "no statement, or no file (errors name the fields)", body = Problem, content_type = "application/problem+json")))]
pub async fn verification_report(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiMultipart(mp): ApiMultipart,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (fields, input) = crate::api::assessments::read_evidence_form(mp).await?;
    let file = match &input {
        Some(shirube_app::assessments::EvidenceInput::File {
            file_name, bytes, ..
        }) => Some((file_name.as_str(), bytes.as_slice())),
        _ => None,
    };
    let statement = crate::api::assessments::form_value(&fields, "statement");
    verifications::report(&state, &p, &id, file, statement).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Downloads a provider's report (the submission's supplier and body, and the provider).
#[utoipa::path(get, path = "/api/v1/verifications/{id}/report", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>), BadRequest, Unauthorized, NotFound))]
pub async fn verification_report_download(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::response::Response, ApiError> {
    let (name, bytes) = verifications::report_file(&state, &p, &id).await?;
    Ok(crate::api::assessments::file_response(Some(&name), bytes))
}
