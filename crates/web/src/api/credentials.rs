//! Credentials, verification, the public register, and the published trust documents
//! (DID document, JSON-LD context, status list).

use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shirube_app::credentials;
use shirube_app::views::{AssessmentId, CredentialId};
use utoipa::{IntoParams, ToSchema};

use crate::api::problem::{BadRequest, Invalid, JsonBodyErrors, NotFound, Problem, Unauthorized};
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::AppError;
use shirube_app::Principal;

#[derive(Serialize, ToSchema)]
pub struct CredentialOut {
    pub id: String,
    /// The W3C Verifiable Credential (VC Data Model 2.0, eddsa-jcs-2022 proof).
    #[schema(value_type = Object)]
    pub credential: Value,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
    /// A printable certificate with a QR code to /verify.
    pub certificate: String,
}

pub fn out(c: shirube_app::views::CredentialRow) -> CredentialOut {
    CredentialOut {
        certificate: format!("/credentials/{}/certificate", c.id),
        credential: credentials::credential_json(&c),
        id: c.id.into(),
        revoked_at: c.revoked_at,
        revoked_reason: c.revoked_reason,
    }
}

/// The level credential of a declared (★3) or certified (★4) assessment; issued on first request.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/credential", tag = "credentials", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = CredentialOut), BadRequest, Unauthorized, NotFound,
        (status = 409, description = "not declared or certified", body = Problem, content_type = "application/problem+json")))]
pub async fn for_assessment(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<AssessmentId>,
) -> Result<Json<CredentialOut>, ApiError> {
    Ok(Json(out(
        credentials::credential_for(&state, &p, &id).await?
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Revokes a credential: the holder its own self-declared one, the evaluation body what it issued.
#[utoipa::path(post, path = "/api/v1/credentials/{id}/revoke", request_body = RevokeRequest, tag = "credentials", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = CredentialOut), JsonBodyErrors, Unauthorized,
        (status = 403, description = "only owners revoke their own credential (or a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not yours to revoke", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already revoked, or a third-party certificate its holder cannot revoke", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn revoke(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<CredentialId>,
    ApiJson(req): ApiJson<RevokeRequest>,
) -> Result<Json<CredentialOut>, ApiError> {
    Ok(Json(out(
        credentials::revoke(&state, &p, &id, &req.reason).await?
    )))
}

#[derive(Serialize, ToSchema)]
pub struct VerifyOut {
    pub valid: bool,
    #[schema(value_type = Vec<Object>)]
    pub checks: Value,
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Value>,
}

/// Verifies a credential (the request body is the credential itself). Public.
#[utoipa::path(post, path = "/api/v1/verify", tag = "credentials", request_body(content = Object, description = "the credential"),
    responses((status = 200, body = VerifyOut),
        (status = 400, description = "not JSON (or not UTF-8)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "cross-site request", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "larger than 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "empty body", body = Problem, content_type = "application/problem+json")))]
pub async fn verify(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    // Any media type is read: credentials travel as application/vc, application/json or none.
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge {
                field: "credential".into(),
            }
        } else {
            AppError::Malformed {
                field: Some("credential".into()),
                detail: e.body_text(),
            }
        }
    })?;
    if body.len() > 256 * 1024 {
        return Err(AppError::TooLarge {
            field: "credential".into(),
        }
        .into());
    }
    let text = std::str::from_utf8(&body).map_err(|_| AppError::Malformed {
        field: Some("credential".into()),
        detail: "not UTF-8".into(),
    })?;
    Ok(Json(credentials::verify_text(&state, text).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct RegisterQuery {
    /// Only this organisation (13-digit corporate number).
    #[param(pattern = "^[0-9]{13}$")]
    pub corporate_number: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterEntry {
    pub name: String,
    pub corporate_number: String,
    pub level: i64,
    /// `self` or `third-party`.
    pub assurance: String,
    pub evaluation_body: Option<String>,
    pub valid_until: String,
    pub credential_id: String,
    pub verify: String,
    /// For a ★3: the security expert whose confirmation the declaration rests on, as the
    /// signed credential names them (`name`, `qualification`, `qualificationNumber`,
    /// `confirmedAt`).
    #[schema(value_type = Option<Object>)]
    pub expert_confirmation: Option<serde_json::Value>,
}

/// The public register of organisations holding a valid level credential.
#[utoipa::path(get, path = "/api/v1/register", tag = "credentials", params(RegisterQuery), responses((status = 200, body = [RegisterEntry]), BadRequest, Invalid))]
pub async fn register(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> Result<Json<Vec<RegisterEntry>>, ApiError> {
    let rows = credentials::register(&state, q.corporate_number.as_deref()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| RegisterEntry {
                expert_confirmation: serde_json::from_str::<serde_json::Value>(&r.credential)
                    .ok()
                    .map(|vc| vc["credentialSubject"]["expertConfirmation"].clone())
                    .filter(|e| e.is_object()),
                verify: format!("/verify?id={}", r.credential_id),
                name: r.organization_name,
                corporate_number: r.corporate_number,
                level: r.level,
                assurance: r.assurance,
                evaluation_body: r.evaluation_body,
                valid_until: r.valid_until,
                credential_id: r.credential_id.into(),
            })
            .collect(),
    ))
}

/// `/.well-known/did.json`: the platform's DID document (did:web).
pub async fn did_document(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/did+json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        state.trust.did_document().to_string(),
    )
        .into_response()
}

/// `/contexts/v1.jsonld`: Shirube's JSON-LD context, embedded in the binary.
pub async fn context() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/ld+json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        shirube_trust::SHIRUBE_CONTEXT,
    )
        .into_response()
}

/// `/status/1`: the signed Bitstring Status List credential, current at every request.
pub async fn status_list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let list = shirube_app::trust::current_status_list(&state).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vc+ld+json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        list.to_string(),
    )
        .into_response())
}

/// A stored credential by id, public (the id is what the QR code carries).
pub async fn public_credential(
    State(state): State<AppState>,
    Path(id): Path<CredentialId>,
) -> Result<Response, ApiError> {
    let c = credentials::public_credential(&state, &id).await?;
    // A person who follows "download" gets a file to keep or forward, not JSON in the tab;
    // verifiers that fetch it read the body as before. The id is a UUID (ASCII).
    let disposition = format!("attachment; filename=\"shirube-credential-{}.json\"", c.id);
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/vc+ld+json".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        c.credential,
    )
        .into_response())
}
