//! Vulnerability checks: upload an SBOM or lockfile, read scan results, and the inbox.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use shirube_app::views::{NotificationId, ScanId};
use utoipa::ToSchema;

use crate::api::assessments::{form_value, read_evidence_form};
use crate::api::problem::{
    BadRequest, Forbidden, MultipartErrors, NotFound, Problem, Unauthorized,
};
use crate::api::{ApiMultipart, ApiPath};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::assessments::EvidenceInput;
use shirube_app::scans::{self, ScanView, UploadInput};
use shirube_app::AppError;
use shirube_app::Principal;

/// A scan with its findings; `findings`, `warnings`, `problems`, `notes` and `summary` have
/// the shape of `shirube scan --format json`.
#[derive(Serialize, ToSchema)]
pub struct ScanOut {
    pub id: String,
    pub file_name: String,
    /// The detected input format (e.g. `Cargo.lock`, `CycloneDX JSON`).
    pub format: String,
    pub sha256: String,
    pub size: i64,
    /// The assessment the result was attached to as evidence, if any.
    pub assessment_id: Option<String>,
    /// Evidence created by this upload (only in the response to the upload).
    pub evidence_ids: Vec<String>,
    pub created_at: String,
    /// When the result was last computed (uploads are re-scanned when advisories change).
    pub scanned_at: String,
    /// SHA-256 of the advisory index used.
    pub advisories_fingerprint: String,
    /// Where people see it.
    pub page: String,
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<shirube_vuln::Finding>,
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<shirube_vuln::Finding>,
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<shirube_vuln::Problem>,
    pub notes: Vec<String>,
    #[schema(value_type = Object)]
    pub summary: shirube_vuln::ScanSummary,
}

fn to_out(v: ScanView) -> ScanOut {
    let r = v.report;
    ScanOut {
        page: format!("/checks/{}", v.row.id),
        id: v.row.id.into(),
        file_name: v.row.file_name,
        format: v.row.input_format,
        sha256: v.row.blob_sha256,
        size: v.row.size,
        assessment_id: v.row.assessment_id.map(Into::into),
        evidence_ids: v.evidence_ids.into_iter().map(Into::into).collect(),
        created_at: v.row.created_at,
        scanned_at: v.row.scanned_at,
        advisories_fingerprint: v.row.index_fingerprint,
        findings: r.findings,
        warnings: r.warnings,
        problems: r.problems,
        notes: r.notes,
        summary: r.summary,
    }
}

/// The parts of a scan upload (documentation only).
#[derive(ToSchema)]
pub struct ScanUpload {
    /// The SBOM or lockfile, up to 20 MiB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// An open assessment of yours to attach the result to as evidence.
    pub assessment_id: Option<String>,
}

/// Checks an SBOM or lockfile against the advisory index; with `assessment_id` (an open
/// assessment of yours), the dated result becomes evidence (kind `scan`) on criteria
/// 3-1-1-1, 3-2-1-1 (★4) and 4-4-4-1/4-4-4-2.
#[utoipa::path(post, path = "/api/v1/scans", tag = "checks", security(("bearer" = [])),
    request_body(content = ScanUpload, content_type = "multipart/form-data", description = "file (CycloneDX/SPDX JSON, Cargo.lock, package-lock.json, requirements.txt, poetry.lock, uv.lock; up to 20 MiB), optional assessment_id"),
    responses((status = 201, body = ScanOut), MultipartErrors, Unauthorized, Forbidden,
        (status = 409, description = "no advisory index: run `shirube advisories import`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "no file, file unreadable (the parser's reason), or assessment_id unknown", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiMultipart(mp): ApiMultipart,
) -> Result<(StatusCode, Json<ScanOut>), ApiError> {
    p.require_edit()?;
    let (fields, input) = read_evidence_form(mp).await?;
    let Some(EvidenceInput::File {
        file_name, bytes, ..
    }) = input
    else {
        return Err(AppError::field("file", "err-scan-file-missing").into());
    };
    let assessment = Some(form_value(&fields, "assessment_id")).filter(|s| !s.trim().is_empty());
    let v = scans::upload(&state, &p, UploadInput { file_name, bytes }, assessment).await?;
    Ok((StatusCode::CREATED, Json(to_out(v))))
}

/// One scan of yours with its findings.
#[utoipa::path(get, path = "/api/v1/scans/{id}", tag = "checks", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ScanOut), BadRequest, Unauthorized, NotFound))]
pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<ScanId>,
) -> Result<Json<ScanOut>, ApiError> {
    Ok(Json(to_out(scans::scan(&state, &p, &id).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct ScanSummaryOut {
    pub id: String,
    pub file_name: String,
    pub format: String,
    pub assessment_id: Option<String>,
    pub created_at: String,
    pub scanned_at: String,
    pub components: i64,
    pub findings: i64,
    pub advisories: i64,
}

/// Your scans, newest first.
#[utoipa::path(get, path = "/api/v1/scans", tag = "checks", security(("bearer" = [])), responses((status = 200, body = [ScanSummaryOut]), Unauthorized))]
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ScanSummaryOut>>, ApiError> {
    let rows = scans::scans(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ScanSummaryOut {
                id: r.id.into(),
                file_name: r.file_name,
                format: r.input_format,
                assessment_id: r.assessment_id.map(Into::into),
                created_at: r.created_at,
                scanned_at: r.scanned_at,
                components: r.components,
                findings: r.findings,
                advisories: r.advisories,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: String,
    /// e.g. `scan.new_findings`.
    pub kind: String,
    pub title: crate::api::catalog::Text,
    pub body: crate::api::catalog::Text,
    /// A page of this server.
    pub link: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// Your organisation's inbox, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "checks", security(("bearer" = [])), responses((status = 200, body = [NotificationOut]), Unauthorized))]
pub async fn notifications(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<NotificationOut>>, ApiError> {
    let rows = scans::notifications(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|n| NotificationOut {
                id: n.id.into(),
                kind: n.kind.as_str().to_string(),
                title: crate::api::catalog::Text {
                    ja: n.title_ja,
                    en: n.title_en,
                },
                body: crate::api::catalog::Text {
                    ja: n.body_ja,
                    en: n.body_en,
                },
                link: n.link,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
    ))
}

/// Marks a notification read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "checks", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204, description = "marked read"), BadRequest, Unauthorized, Forbidden, NotFound))]
pub async fn mark_read(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<NotificationId>,
) -> Result<StatusCode, ApiError> {
    scans::mark_read(&state, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
