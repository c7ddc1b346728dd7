//! Assessments: create, read with result, answer, attach evidence, declare.

use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use shirube_app::views::{AssessmentId, EvidenceId};
use shirube_app::{assessments, declarations};
use utoipa::ToSchema;

use crate::api::catalog::Text;
use crate::api::problem::{
    BadRequest, Forbidden, Invalid, JsonBodyErrors, MultipartErrors, NotFound, Problem,
    Unauthorized,
};
use crate::api::{ApiJson, ApiMultipart, ApiPath};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::assessments::AssessmentView;
use shirube_app::assessments::EvidenceInput;
use shirube_app::i18n::Tr;
use shirube_app::AppError;
use shirube_app::Principal;
use shirube_app::MAX_EVIDENCE_BYTES;
use shirube_catalog::Lang;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssessment {
    /// 3 or 4.
    #[schema(minimum = 3, maximum = 4)]
    pub target_level: u8,
    /// Copy the answers of this earlier assessment of yours.
    #[serde(default)]
    pub copy_from: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// Starts a self-assessment for ★3 or ★4.
#[utoipa::path(post, path = "/api/v1/assessments", request_body = CreateAssessment, tag = "assessments", security(("bearer" = [])),
    responses((status = 201, body = Created), JsonBodyErrors, Unauthorized, Forbidden,
        (status = 422, description = "invalid target_level, or copy_from is not an assessment of yours", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<CreateAssessment>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let level = assessments::parse_level(&req.target_level.to_string(), "target_level")?;
    let id = assessments::create_assessment(
        &state,
        &p,
        level,
        req.copy_from.map(AssessmentId::from).as_ref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.into() })))
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentSummary {
    pub id: String,
    pub target_level: i64,
    /// `in_progress`, `declared` or `superseded`.
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub declared_at: Option<String>,
}

/// The caller's assessments, newest first (the history).
#[utoipa::path(get, path = "/api/v1/assessments", tag = "assessments", security(("bearer" = [])), responses((status = 200, body = [AssessmentSummary]), Unauthorized))]
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<AssessmentSummary>>, ApiError> {
    let rows = assessments::history(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|a| AssessmentSummary {
                id: a.id.into(),
                target_level: a.target_level,
                status: a.status.as_str().to_string(),
                created_at: a.created_at,
                updated_at: a.updated_at,
                declared_at: a.declared_at,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ProgressOut {
    pub total: usize,
    pub answered: usize,
    pub met: usize,
    pub percent: u8,
}

#[derive(Serialize, ToSchema)]
pub struct GapOut {
    pub requirement_id: String,
    pub title: Text,
    pub unmet: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ActionOut {
    pub criterion_id: String,
    pub requirement_id: String,
    pub level: u8,
    /// Current answer, null when unanswered.
    pub status: Option<String>,
    pub title: Text,
    pub next_step: Text,
}

#[derive(Serialize, ToSchema)]
pub struct ResultOut {
    /// null, 3 or 4.
    pub achieved_level: Option<u8>,
    pub gaps: Vec<GapOut>,
    pub action_plan: Vec<ActionOut>,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerOut {
    pub criterion_id: String,
    pub status: String,
    pub comment: String,
    pub not_applicable_reason: String,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceOut {
    pub id: String,
    pub criterion_id: String,
    pub kind: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<i64>,
    pub evidence_date: String,
    pub created_at: String,
    /// Where an authorised user downloads the file.
    pub download: Option<String>,
    /// For `kind: "product_declaration"`: the declared product of the registry (no file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<DeclaredProductOut>,
}

/// A declared product as evidence: which product, of which vendor and category.
#[derive(Serialize, ToSchema)]
pub struct DeclaredProductOut {
    pub product_id: String,
    pub product_name: String,
    pub vendor_name: String,
    pub category: String,
}

#[derive(Serialize, ToSchema)]
pub struct ChangeOut {
    pub criterion_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Declaration {
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub date: Option<String>,
    pub declared_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentOut {
    pub id: String,
    pub target_level: i64,
    /// `in_progress`, `declared` or `superseded`.
    pub status: String,
    pub catalog_edition: String,
    pub based_on: Option<String>,
    pub progress: ProgressOut,
    pub result: ResultOut,
    pub answers: Vec<AnswerOut>,
    pub evidence: Vec<EvidenceOut>,
    /// Criterion-by-criterion changes since the assessment this one was copied from.
    pub changes_since_previous: Option<Vec<ChangeOut>>,
    pub declaration: Option<Declaration>,
    pub created_at: String,
    pub updated_at: String,
}

/// Converts the view into the API shape.
pub fn to_out(state: &AppState, v: AssessmentView) -> AssessmentOut {
    let cat = &state.catalog;
    let e = &v.evaluation;
    let gaps = e
        .gaps
        .iter()
        .map(|g| GapOut {
            requirement_id: g.requirement_id.to_string(),
            title: cat
                .requirement(g.requirement_id.as_str())
                .map(|r| (&r.title).into())
                .unwrap_or(Text {
                    ja: String::new(),
                    en: String::new(),
                }),
            unmet: g.unmet.iter().map(|c| c.to_string()).collect(),
        })
        .collect();
    let action_plan = e
        .action_plan
        .iter()
        .filter_map(|a| {
            let c = cat.criterion(a.criterion_id.as_str())?;
            Some(ActionOut {
                criterion_id: a.criterion_id.to_string(),
                requirement_id: a.requirement_id.to_string(),
                level: a.level.number(),
                status: a.status.map(|s| s.as_str().to_string()),
                title: (&c.title).into(),
                next_step: (&c.next_step).into(),
            })
        })
        .collect();
    let mut answers: Vec<AnswerOut> = v
        .answers
        .values()
        .map(|a| AnswerOut {
            criterion_id: a.criterion_id.clone(),
            status: a.status.as_str().to_string(),
            comment: a.comment.clone(),
            not_applicable_reason: a.not_applicable_reason.clone(),
            updated_at: a.updated_at.clone(),
        })
        .collect();
    answers.sort_by_key(|a| cat.position(&a.criterion_id));
    let evidence = v
        .evidence
        .iter()
        .map(|ev| EvidenceOut {
            id: ev.id.clone().into(),
            criterion_id: ev.criterion_id.clone(),
            kind: ev.kind.clone(),
            url: ev.url.clone(),
            file_name: ev.file_name.clone(),
            sha256: ev.blob_sha256.clone(),
            size: ev.size,
            evidence_date: ev.evidence_date.clone(),
            created_at: ev.created_at.clone(),
            download: ev
                .blob_sha256
                .as_ref()
                .map(|_| format!("/api/v1/evidence/{}", ev.id)),
            product: None,
        })
        .chain(v.products.iter().map(|d| EvidenceOut {
            // One declaration serves several criteria: the id names both.
            id: format!("product:{}:{}", d.product_id, d.criterion_id),
            criterion_id: d.criterion_id.clone(),
            kind: "product_declaration".to_string(),
            url: None,
            file_name: None,
            sha256: None,
            size: None,
            evidence_date: Tr::new(Lang::Ja).date(&d.declared_at),
            created_at: d.declared_at.clone(),
            download: None,
            product: Some(DeclaredProductOut {
                product_id: d.product_id.clone(),
                product_name: d.product_name.clone(),
                vendor_name: d.vendor_name.clone(),
                category: d.category.clone(),
            }),
        }))
        .collect();
    let changes_since_previous = v.changes.as_ref().map(|cs| {
        cs.iter()
            .map(|c| ChangeOut {
                criterion_id: c.criterion_id.to_string(),
                before: c.before.map(|s| s.as_str().to_string()),
                after: c.after.map(|s| s.as_str().to_string()),
            })
            .collect()
    });
    let declaration = v.row.declared_at.as_ref().map(|_| Declaration {
        signer_name: v.row.signer_name.clone(),
        signer_title: v.row.signer_title.clone(),
        date: v.row.declaration_date.clone(),
        declared_at: v.row.declared_at.clone(),
    });
    AssessmentOut {
        progress: ProgressOut {
            total: e.progress.total,
            answered: e.progress.answered,
            met: e.progress.met,
            percent: e.progress.percent(),
        },
        result: ResultOut {
            achieved_level: e.achieved.map(|l| l.number()),
            gaps,
            action_plan,
        },
        answers,
        evidence,
        changes_since_previous,
        declaration,
        id: v.row.id.into(),
        target_level: v.row.target_level,
        status: v.row.status.as_str().to_string(),
        catalog_edition: v.row.catalog_edition,
        based_on: v.row.based_on.map(Into::into),
        created_at: v.row.created_at,
        updated_at: v.row.updated_at,
    }
}

/// One assessment with its computed result and action plan.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = AssessmentOut), BadRequest, Unauthorized, NotFound))]
pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<AssessmentId>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let view = assessments::readable_assessment(&state, &p, &id).await?;
    Ok(Json(to_out(&state, view)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutAnswer {
    #[schema(value_type = AnswerStatusName)]
    pub status: String,
    #[serde(default)]
    #[schema(max_length = 10_000)]
    pub comment: Option<String>,
    /// Required when status is not_applicable.
    #[serde(default)]
    #[schema(max_length = 10_000)]
    pub not_applicable_reason: Option<String>,
}

/// The answer to a criterion.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AnswerStatusName {
    Implemented,
    Partial,
    NotImplemented,
    NotApplicable,
}

/// Records the answer to one criterion (saves as you go).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/answers/{criterion_id}", request_body = PutAnswer, tag = "assessments", security(("bearer" = [])),
    params(("id" = String, Path), ("criterion_id" = String, Path)),
    responses((status = 200, body = AssessmentOut), JsonBodyErrors, Unauthorized, Forbidden, NotFound,
        (status = 409, description = "the assessment is declared or superseded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown criterion or one outside the target level, bad status, N/A without a reason, text too long", body = Problem, content_type = "application/problem+json")))]
pub async fn put_answer(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((id, criterion_id)): ApiPath<(AssessmentId, String)>,
    ApiJson(req): ApiJson<PutAnswer>,
) -> Result<Json<AssessmentOut>, ApiError> {
    assessments::put_answer(
        &state,
        &p,
        &id,
        &criterion_id,
        &req.status,
        req.comment.as_deref(),
        req.not_applicable_reason.as_deref(),
    )
    .await?;
    let view = assessments::assessment_view(&state, &p, &id).await?;
    Ok(Json(to_out(&state, view)))
}

/// Reads a multipart evidence upload: `criterion_id`, `evidence_date`, and `file` or `url`.
pub async fn read_evidence_form(
    mp: Multipart,
) -> Result<(Vec<(String, String)>, Option<EvidenceInput>), AppError> {
    let mut fields = Vec::new();
    let input = read_evidence_parts(mp, &mut fields).await?;
    Ok((fields, input))
}

/// Reads the parts of an evidence upload, keeping the text fields in `fields` as they come:
/// when the file turns out too large, what was read before it (the page's answer and
/// comment) is still there to send back.
pub async fn read_evidence_parts(
    mut mp: Multipart,
    fields: &mut Vec<(String, String)>,
) -> Result<Option<EvidenceInput>, AppError> {
    let mut input = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    return Err(AppError::TooLarge {
                        field: "file".into(),
                    });
                }
                return Err(AppError::Malformed {
                    field: None,
                    detail: e.body_text(),
                });
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("evidence").to_string();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge {
                        field: "file".into(),
                    }
                } else {
                    AppError::Malformed {
                        field: Some("file".into()),
                        detail: e.body_text(),
                    }
                }
            })?;
            if bytes.len() > MAX_EVIDENCE_BYTES {
                return Err(AppError::TooLarge {
                    field: "file".into(),
                });
            }
            // A browser sends an empty part when no file was chosen.
            if !(bytes.is_empty() && file_name.is_empty()) {
                input = Some(EvidenceInput::File {
                    file_name,
                    content_type,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let text = field.text().await.map_err(|e| AppError::Malformed {
                field: Some(name.clone()),
                detail: e.body_text(),
            })?;
            if text.contains('\0') {
                // PostgreSQL text cannot hold NUL, and no field of ours means one.
                return Err(AppError::field(name, "err-control-chars"));
            }
            if name == "url" && !text.trim().is_empty() && input.is_none() {
                input = Some(EvidenceInput::Link { url: text.clone() });
            }
            fields.push((name, text));
        }
    }
    Ok(input)
}

pub fn form_value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The parts of an evidence upload (documentation only: `read_evidence_form` reads them).
#[derive(ToSchema)]
pub struct EvidenceUpload {
    /// A criterion of the assessment's level.
    pub criterion_id: String,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub evidence_date: String,
    /// The file, up to 20 MiB: PDF, doc/docx, xls/xlsx, ppt/pptx, odt/ods/odp, txt/md,
    /// CSV, PNG, JPEG or ZIP, by name and by content…
    #[schema(value_type = Option<String>, format = Binary)]
    pub file: Option<Vec<u8>>,
    /// …or a link (http or https, up to 2,000 characters).
    #[schema(max_length = 2000)]
    pub url: Option<String>,
}

/// Attaches evidence (a file up to 20 MiB, or a link) to a criterion.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/evidence", tag = "assessments", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data", description = "criterion_id, evidence_date (YYYY-MM-DD), and file or url"),
    responses((status = 201, body = Created), MultipartErrors, Unauthorized, Forbidden, NotFound,
        (status = 409, description = "the assessment is declared or superseded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown criterion, bad or future date (today in Japan is allowed), bad URL, no or empty file, a file type outside the allow-list (PDF, doc/docx, xls/xlsx, ppt/pptx, odt/ods/odp, txt/md, CSV, PNG, JPEG, ZIP) or content that does not match the name", body = Problem, content_type = "application/problem+json")))]
pub async fn add_evidence(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<AssessmentId>,
    ApiMultipart(mp): ApiMultipart,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    p.require_edit()?;
    let (fields, input) = read_evidence_form(mp).await?;
    let input = input.ok_or_else(|| AppError::field("file", "err-evidence-missing"))?;
    let ev = assessments::add_evidence(
        &state,
        &p,
        &id,
        form_value(&fields, "criterion_id"),
        input,
        form_value(&fields, "evidence_date"),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: ev.into() })))
}

/// Withdraws a piece of evidence added by mistake (editors, while the assessment is open).
/// It is kept in the store and the audit log, but no longer shown, counted or downloadable,
/// and it leaves the digest an expert's confirmation is bound to.
#[utoipa::path(delete, path = "/api/v1/assessments/{id}/evidence/{evidence_id}", tag = "assessments", security(("bearer" = [])),
    params(("id" = String, Path), ("evidence_id" = String, Path)),
    responses((status = 204, description = "withdrawn"), BadRequest, Unauthorized, Forbidden,
        (status = 404, description = "no such assessment of yours, or no such evidence in force on it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the assessment is submitted, declared, certified or superseded", body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw_evidence(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((id, evidence_id)): ApiPath<(AssessmentId, EvidenceId)>,
) -> Result<StatusCode, ApiError> {
    assessments::withdraw_evidence(&state, &p, &id, &evidence_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Downloads an evidence file; only members of the owning organisation may.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "assessments", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>), BadRequest, Unauthorized, NotFound))]
pub async fn download(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<EvidenceId>,
) -> Result<Response, ApiError> {
    let (ev, bytes) = assessments::evidence_file(&state, &p, &id).await?;
    Ok(file_response(ev.file_name.as_deref(), bytes))
}

/// A download response that never renders in the page's origin.
pub fn file_response(file_name: Option<&str>, bytes: Vec<u8>) -> Response {
    let name = file_name.unwrap_or("evidence").to_string();
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    Response::builder()
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
        )
        .header("x-content-type-options", "nosniff")
        .header(header::CONTENT_SECURITY_POLICY, "sandbox")
        .body(Body::from(bytes))
        .unwrap_or_default()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub signer_name: String,
    #[schema(min_length = 1, max_length = 200)]
    pub signer_title: String,
}

/// The management's ★3 self-conformity declaration: freezes the assessment as `declared`.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/declaration", request_body = DeclarationRequest, tag = "assessments", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = AssessmentOut), JsonBodyErrors, Unauthorized,
        (status = 403, description = "only owners declare (or a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "★3 not achieved, target ★4, or already frozen", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn declare(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<AssessmentId>,
    ApiJson(req): ApiJson<DeclarationRequest>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let view = declarations::declare(&state, &p, &id, &req.signer_name, &req.signer_title).await?;
    Ok(Json(to_out(&state, view)))
}
