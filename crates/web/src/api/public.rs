//! The public side over the API: the roadmap (publishers record measures and revisions,
//! anyone reads), the half-yearly releases (publishers publish, anyone reads the files
//! exactly as published) and the DCAT-AP catalogue of every release.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::problem::{BadRequest, Forbidden, Invalid, JsonBodyErrors, NotFound, Problem, Unauthorized};
use crate::api::{ApiJson, ApiPath};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::roadmap::{MeasureInput, RevisionInput};
use shirube_app::{releases, roadmap, Principal};

/// A new measure: its content and, optionally, why it is adopted.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRequest {
    /// `title_ja`, `title_en`, `logic_model {inputs, activities, outputs, outcomes}` and
    /// `kpis` (1–20, each with `name_ja`, `name_en`, `unit`, `baseline {value, date}`,
    /// `interim_targets`, `target {value, date}`, `source`, `quality_note`, optional
    /// `latest {value, date}`, optional `live`: organizations_registered, star3_valid,
    /// star4_valid, sme_star3_share or sme_star4_share).
    #[schema(value_type = Object)]
    pub measure: MeasureInput,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A revision: the measure as it will stand, the decision and its reason.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionRequest {
    /// continue, revise, shrink or abolish.
    pub decision: String,
    pub reason: String,
    #[schema(value_type = Object)]
    pub measure: MeasureInput,
}

#[derive(Serialize, ToSchema)]
pub struct MeasureCreated {
    pub id: String,
}

#[derive(Serialize, ToSchema)]
pub struct RevisionCreated {
    pub revision: i64,
}

/// Records a measure of the roadmap (publishers only).
#[utoipa::path(post, path = "/api/v1/roadmap/measures", request_body = MeasureRequest, tag = "public", security(("bearer" = [])),
    responses((status = 201, body = MeasureCreated), JsonBodyErrors, Unauthorized, Forbidden, Invalid))]
pub async fn create_measure(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<MeasureRequest>,
) -> Result<(StatusCode, Json<MeasureCreated>), ApiError> {
    let id = roadmap::create_measure(&state, &p, &req.measure, req.reason.as_deref().unwrap_or("")).await?;
    Ok((StatusCode::CREATED, Json(MeasureCreated { id })))
}

/// Appends a revision to one of the publisher's measures (a change of target, scope or
/// decision, with its reason). Earlier revisions are kept and published.
#[utoipa::path(post, path = "/api/v1/roadmap/measures/{id}/revisions", request_body = RevisionRequest, tag = "public", security(("bearer" = [])),
    params(("id" = String, Path, description = "measure id")),
    responses((status = 201, body = RevisionCreated), JsonBodyErrors, BadRequest, Unauthorized, Forbidden, NotFound, Invalid))]
pub async fn revise(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<RevisionRequest>,
) -> Result<(StatusCode, Json<RevisionCreated>), ApiError> {
    let input = RevisionInput {
        decision: req.decision,
        reason: req.reason,
        measure: req.measure,
    };
    let revision = roadmap::revise_measure(&state, &p, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(RevisionCreated { revision })))
}

/// The roadmap now (public): every measure, its logic model, its KPIs with the latest value
/// (live where Shirube measures it) and the status computed from the trajectory, and every
/// revision with its reason.
#[utoipa::path(get, path = "/api/v1/roadmap", tag = "public",
    responses((status = 200, description = "the roadmap document (the same shape as a release's roadmap.json)", body = Object)))]
pub async fn get_roadmap(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let r = roadmap::roadmap(&state).await?;
    Ok(Json(roadmap::roadmap_document(&r, None)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// A half year that has begun: `YYYYH1` or `YYYYH2`.
    #[schema(pattern = "^[0-9]{4}H[12]$")]
    pub period: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReleaseFileOut {
    pub name: String,
    pub media_type: String,
    pub sha256: String,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReleaseOut {
    pub period: String,
    pub reference_time: String,
    pub published_at: String,
    pub publisher: String,
    pub files: Vec<ReleaseFileOut>,
}

#[derive(Serialize, ToSchema)]
pub struct ReleaseList {
    pub releases: Vec<ReleaseOut>,
    /// The DCAT-AP 3 catalogue of every release (JSON-LD).
    pub catalogue: String,
    pub licence: String,
}

fn release_out(state: &AppState, r: releases::ReleaseSummary) -> ReleaseOut {
    let base = state.config.public_url.trim_end_matches('/').to_string();
    ReleaseOut {
        files: r
            .files
            .into_iter()
            .map(|(name, media_type, sha256)| ReleaseFileOut {
                url: format!("{base}/api/v1/releases/{}/{name}", r.period),
                name,
                media_type,
                sha256,
            })
            .collect(),
        period: r.period,
        reference_time: r.reference_time,
        published_at: r.published_at,
        publisher: r.publisher_name,
    }
}

/// Publishes the release of a half year (publishers only): an immutable snapshot of the
/// roadmap and of the statistics.
#[utoipa::path(post, path = "/api/v1/releases", request_body = ReleaseRequest, tag = "public", security(("bearer" = [])),
    responses((status = 201, body = ReleaseOut), JsonBodyErrors, Unauthorized, Forbidden,
        (status = 409, description = "the period is published already, or a later one is", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "not a half year (YYYYH1 / YYYYH2), or one that has not begun", body = Problem, content_type = "application/problem+json")))]
pub async fn publish(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<ReleaseRequest>,
) -> Result<(StatusCode, Json<ReleaseOut>), ApiError> {
    let period = releases::publish(&state, &p, &req.period).await?;
    let r = releases::list(&state)
        .await?
        .into_iter()
        .find(|r| r.period == period)
        .ok_or(ApiError(shirube_app::AppError::NotFound))?;
    Ok((StatusCode::CREATED, Json(release_out(&state, r))))
}

/// Every release, newest first (public).
#[utoipa::path(get, path = "/api/v1/releases", tag = "public", responses((status = 200, body = ReleaseList)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<ReleaseList>, ApiError> {
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let releases = releases::list(&state)
        .await?
        .into_iter()
        .map(|r| release_out(&state, r))
        .collect();
    Ok(Json(ReleaseList {
        releases,
        catalogue: format!("{base}/api/v1/releases/catalog.jsonld"),
        licence: roadmap::LICENCE_URL.to_string(),
    }))
}

/// The DCAT-AP 3 catalogue of every release, as JSON-LD (public).
#[utoipa::path(get, path = "/api/v1/releases/catalog.jsonld", tag = "public",
    responses((status = 200, description = "DCAT-AP 3 catalogue", content_type = "application/ld+json", body = Object)))]
pub async fn catalogue(State(state): State<AppState>) -> Result<Response, ApiError> {
    let text = releases::catalogue(&state).await?;
    Ok(([(header::CONTENT_TYPE, "application/ld+json")], text).into_response())
}

/// A file of a release, byte for byte as published (public): `roadmap` (JSON),
/// `statistics` (JSON), `statistics.csv` (SDMX-CSV columns), `statistics.csv-metadata.json`
/// (CSVW), `statistics.schema.json` and `roadmap.schema.json` (JSON Schema).
#[utoipa::path(get, path = "/api/v1/releases/{period}/{file}", tag = "public",
    params(("period" = String, Path, description = "e.g. 2026H2"), ("file" = String, Path, description = "roadmap, statistics, statistics.csv, statistics.csv-metadata.json, statistics.schema.json or roadmap.schema.json")),
    responses((status = 200, description = "the file as published"), BadRequest, NotFound))]
pub async fn file(
    State(state): State<AppState>,
    ApiPath((period, name)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let name = match name.as_str() {
        "roadmap" => "roadmap.json".to_string(),
        "statistics" => "statistics.json".to_string(),
        _ => name,
    };
    let (media_type, content) = releases::file(&state, &period, &name).await?;
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_string()),
        ],
        content,
    )
        .into_response())
}
