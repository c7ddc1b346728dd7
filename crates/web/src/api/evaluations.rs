//! ★4 third-party evaluation: submission, the body's queue, findings, thread, decision.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use shirube_app::views::{AssessmentId, EvaluationId, OrganizationId};
use shirube_app::{assessments, evaluations};
use utoipa::ToSchema;

use crate::api::assessments::Created;
use crate::api::problem::{
    BadRequest, Forbidden, Invalid, JsonBodyErrors, MultipartErrors, NotFound, Problem,
    Unauthorized,
};
use crate::api::{ApiJson, ApiMultipart, ApiPath};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::Principal;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// Organisation id of a designated evaluation body.
    pub body_id: String,
}

/// Submits a ★4 assessment that meets all 153 criteria for third-party evaluation.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/submission", request_body = SubmitRequest, tag = "evaluations", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 201, body = Created), JsonBodyErrors, Unauthorized, Forbidden, NotFound,
        (status = 409, description = "not ★4, not all criteria met, or frozen", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown evaluation body", body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<AssessmentId>,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let ev =
        evaluations::submit(&state, &p, &id, &OrganizationId::from(req.body_id.as_str())).await?;
    Ok((StatusCode::CREATED, Json(Created { id: ev.into() })))
}

#[derive(Serialize, ToSchema)]
pub struct BodyOut {
    pub id: String,
    pub name: String,
    pub corporate_number: String,
}

/// The designated evaluation bodies.
#[utoipa::path(get, path = "/api/v1/evaluation-bodies", tag = "evaluations", responses((status = 200, body = [BodyOut])))]
pub async fn bodies(State(state): State<AppState>) -> Result<Json<Vec<BodyOut>>, ApiError> {
    let rows = evaluations::bodies(&state).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, name, corporate_number)| BodyOut {
                id,
                name,
                corporate_number,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct EvaluationOut {
    pub id: String,
    pub assessment_id: String,
    pub organization_id: String,
    pub supplier_name: String,
    pub body_id: String,
    /// `submitted`, `certified` or `refused`.
    pub status: String,
    pub round: i64,
    pub submitted_at: String,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
}

impl EvaluationOut {
    fn new(e: shirube_app::views::EvaluationRow, supplier_name: String) -> Self {
        EvaluationOut {
            id: e.id.into(),
            assessment_id: e.assessment_id.into(),
            organization_id: e.organization_id.into(),
            supplier_name,
            body_id: e.body_id.into(),
            status: e.status.as_str().to_string(),
            round: e.round,
            submitted_at: e.submitted_at,
            decided_at: e.decided_at,
            decision_reason: e.decision_reason,
        }
    }
}

/// An evaluation body's queue.
#[utoipa::path(get, path = "/api/v1/evaluations", tag = "evaluations", security(("bearer" = [])), responses((status = 200, body = [EvaluationOut]), Unauthorized,
        (status = 403, description = "not an evaluation body", body = Problem, content_type = "application/problem+json")))]
pub async fn queue(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<EvaluationOut>>, ApiError> {
    let rows = evaluations::queue(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(e, supplier_name)| EvaluationOut::new(e, supplier_name))
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct FindingOut {
    pub criterion_id: String,
    pub verdict: String,
    pub comment: String,
}

#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    pub criterion_id: String,
    pub author_organization_id: String,
    pub body: String,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct EvaluationDetail {
    pub evaluation: EvaluationOut,
    pub findings: Vec<FindingOut>,
    pub comments: Vec<CommentOut>,
}

/// One evaluation, for the supplier or the body.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "evaluations", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = EvaluationDetail), BadRequest, Unauthorized, NotFound))]
pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<EvaluationId>,
) -> Result<Json<EvaluationDetail>, ApiError> {
    let v = evaluations::evaluation_view(&state, &p, &id).await?;
    let mut findings: Vec<FindingOut> = v
        .findings
        .into_values()
        .map(|f| FindingOut {
            criterion_id: f.criterion_id,
            verdict: f.verdict.as_str().to_string(),
            comment: f.comment,
        })
        .collect();
    findings.sort_by(|a, b| a.criterion_id.cmp(&b.criterion_id));
    let e = v.evaluation;
    Ok(Json(EvaluationDetail {
        evaluation: EvaluationOut::new(e, v.supplier_name),
        findings,
        comments: v
            .comments
            .into_iter()
            .map(|c| CommentOut {
                criterion_id: c.criterion_id,
                author_organization_id: c.author_organization_id.into(),
                body: c.body,
                created_at: c.created_at,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingRequest {
    #[schema(value_type = VerdictName)]
    pub verdict: String,
    /// Required unless the verdict is conform.
    #[serde(default)]
    pub comment: String,
}

/// The body's verdict on a criterion.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum VerdictName {
    Conform,
    Nonconform,
    MoreEvidence,
}

/// The body's verdict on one criterion (`technical_verification` records the technical verification).
#[utoipa::path(put, path = "/api/v1/evaluations/{id}/findings/{criterion_id}", request_body = FindingRequest, tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path), ("criterion_id" = String, Path)),
    responses((status = 204, description = "recorded"), JsonBodyErrors, Unauthorized,
        (status = 403, description = "not an evaluation body (or a viewer, a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "the evaluation is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown criterion, bad verdict, or no comment on a verdict other than conform", body = Problem, content_type = "application/problem+json")))]
pub async fn finding(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((id, criterion_id)): ApiPath<(EvaluationId, String)>,
    ApiJson(req): ApiJson<FindingRequest>,
) -> Result<StatusCode, ApiError> {
    evaluations::put_finding(&state, &p, &id, &criterion_id, &req.verdict, &req.comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkFindingItem {
    /// A ★4 criterion id, e.g. `4-1-1-1`.
    pub criterion_id: String,
    /// `conform`, `nonconform` or `more_evidence`; `not_judged` takes a recorded verdict
    /// back (with its comment); empty (or absent) leaves the criterion as it is (not judged
    /// yet, or its earlier verdict).
    #[serde(default)]
    #[schema(value_type = Option<VerdictName>)]
    pub verdict: String,
    /// Required unless the verdict is conform; at most 2000 characters.
    #[serde(default)]
    pub comment: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkFindingsRequest {
    /// Up to 500 verdicts; all are recorded or none is. Errors name `findings[i].verdict`
    /// or `findings[i].comment`.
    pub findings: Vec<BulkFindingItem>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkFindingsOut {
    /// How many verdicts were recorded.
    pub saved: usize,
}

/// The body's verdicts on several criteria at once (e.g. every criterion of a requirement).
#[utoipa::path(put, path = "/api/v1/evaluations/{id}/findings", request_body = BulkFindingsRequest, tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = BulkFindingsOut), JsonBodyErrors, Unauthorized,
        (status = 403, description = "not an evaluation body (or a viewer, a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "the evaluation is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown criterion, bad verdict, a comment without a verdict, or no comment on a verdict other than conform; nothing recorded", body = Problem, content_type = "application/problem+json")))]
pub async fn findings(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<EvaluationId>,
    ApiJson(req): ApiJson<BulkFindingsRequest>,
) -> Result<Json<BulkFindingsOut>, ApiError> {
    let items: Vec<evaluations::FindingInput> = req
        .findings
        .into_iter()
        .map(|f| evaluations::FindingInput {
            criterion_id: f.criterion_id,
            verdict: f.verdict,
            comment: f.comment,
        })
        .collect();
    let saved = evaluations::put_findings(&state, &p, &id, &items).await?;
    Ok(Json(BulkFindingsOut { saved }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// A criterion id, `technical_verification` or `general`.
    pub criterion_id: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// Adds a message to the thread between supplier and body.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/comments", request_body = CommentRequest, tag = "evaluations", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 201, description = "added"), JsonBodyErrors, Unauthorized, Forbidden, NotFound, Invalid))]
pub async fn comment(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<EvaluationId>,
    ApiJson(req): ApiJson<CommentRequest>,
) -> Result<StatusCode, ApiError> {
    evaluations::comment(&state, &p, &id, &req.criterion_id, &req.body).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    #[schema(value_type = DecisionName)]
    pub decision: String,
    /// Required when refusing.
    #[serde(default)]
    pub reason: String,
}

/// What the body decides.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum DecisionName {
    Certify,
    Refuse,
}

/// Certifies (issues the ★4 credential) or refuses (the supplier can fix and resubmit).
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/decision", request_body = DecisionRequest, tag = "evaluations", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = EvaluationOut), JsonBodyErrors, Unauthorized,
        (status = 403, description = "not an evaluation body (or a viewer, a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "findings incomplete or evaluation closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "bad decision, or refusing without a reason", body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<EvaluationId>,
    ApiJson(req): ApiJson<DecisionRequest>,
) -> Result<Json<EvaluationOut>, ApiError> {
    let e = evaluations::decide(&state, &p, &id, &req.decision, &req.reason).await?;
    let supplier_name = evaluations::supplier_name(&state, &e).await?;
    Ok(Json(EvaluationOut::new(e, supplier_name)))
}

/// The part of a report upload (documentation only).
#[derive(ToSchema)]
pub struct ReportUpload {
    /// The report, up to 20 MiB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Attaches the technical verification report (multipart `file`, up to 20 MiB).
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/report", tag = "evaluations", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content = ReportUpload, content_type = "multipart/form-data", description = "file"),
    responses((status = 201, body = Created), MultipartErrors, Unauthorized,
        (status = 403, description = "not the evaluation body (or a viewer, a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "the evaluation is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "no file, or an empty one", body = Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<EvaluationId>,
    ApiMultipart(mp): ApiMultipart,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (_, input) = crate::api::assessments::read_evidence_form(mp).await?;
    let Some(assessments::EvidenceInput::File {
        file_name, bytes, ..
    }) = input
    else {
        return Err(shirube_app::AppError::field("file", "err-evidence-missing").into());
    };
    let sha = evaluations::attach_report(&state, &p, &id, &file_name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(Created { id: sha })))
}

/// Downloads an attached report (supplier or body of the evaluation only).
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/report/{sha256}", tag = "evaluations", security(("bearer" = [])), params(("id" = String, Path), ("sha256" = String, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>), BadRequest, Unauthorized, NotFound))]
pub async fn report_download(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((id, sha)): ApiPath<(EvaluationId, String)>,
) -> Result<axum::response::Response, ApiError> {
    let (name, bytes) = evaluations::report_file(&state, &p, &id, &sha).await?;
    Ok(crate::api::assessments::file_response(Some(&name), bytes))
}
