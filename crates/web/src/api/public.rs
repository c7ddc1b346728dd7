//! The public side over the API: the roadmap (publishers record measures and revisions,
//! anyone reads), the half-yearly releases (publishers publish, anyone reads the files
//! exactly as published) and the DCAT-AP catalogue of every release.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::problem::{
    BadRequest, Forbidden, Invalid, JsonBodyErrors, NotFound, Problem, Unauthorized,
};
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
    /// star4_valid, sme_star3_share, sme_star4_share, requests_met_on_time_share or
    /// median_days_to_level; with one of the first five, an optional `scope {industry,
    /// size, prefecture}`: JSIC division letter A–T, small / medium / large, JIS X 0401 code
    /// 01–47, each optional. A scoped live value passes the release tables' disclosure
    /// control: withheld values read `latest: null` with `withheld` C, D or
    /// small_denominator). Optional English: `logic_model.inputs_en` (and `activities_en`,
    /// `outputs_en`, `outcomes_en`, one per item) and a KPI's `source_en`, `quality_note_en`.
    #[schema(value_type = Object)]
    pub measure: MeasureInput,
    /// Why it was adopted (default: 採択 / Adopted).
    #[serde(default)]
    pub reason: Option<String>,
    /// The reason in English, optional, for the English pages.
    #[serde(default)]
    pub reason_en: Option<String>,
}

/// A revision: the measure as it will stand, the decision and its reason.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionRequest {
    /// continue, revise, shrink or abolish.
    pub decision: String,
    pub reason: String,
    /// The reason in English, optional, for the English pages.
    #[serde(default)]
    pub reason_en: Option<String>,
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
    let id = roadmap::create_measure(
        &state,
        &p,
        &req.measure,
        req.reason.as_deref().unwrap_or(""),
        req.reason_en.as_deref(),
    )
    .await?;
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
        reason_en: req.reason_en,
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
pub async fn get_roadmap(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
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
    // Only stored releases get here, so the period and the file name are known ASCII
    // tokens; a saved file is named after both.
    let disposition = format!("inline; filename=\"shirube-{period}-{name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_string(),
            ),
        ],
        content,
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorRequest {
    pub name: String,
    /// 法人番号, where the vendor has one.
    #[serde(default)]
    pub corporate_number: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. JP.
    pub head_office_country: String,
    pub ultimate_parent_name: String,
    /// ISO 3166-1 alpha-2.
    pub ultimate_parent_country: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductRequest {
    pub vendor_id: String,
    pub name: String,
    /// edr, firewall_utm, email_security, web_dns_filtering, vulnerability_scanning, backup,
    /// iam_mfa or siem_soc.
    pub category: String,
    /// For monitoring services: whether the analysis is done in Japan.
    #[serde(default)]
    pub monitoring_in_japan: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RegistryCreated {
    pub id: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProductOut {
    pub id: String,
    pub name: String,
    pub category: String,
    pub vendor_id: String,
    pub vendor_name: String,
    pub head_office_country: String,
    pub ultimate_parent_country: String,
    /// Head office in Japan and a Japanese ultimate parent.
    pub domestic: bool,
    pub monitoring_in_japan: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Registry {
    pub products: Vec<ProductOut>,
}

/// Adds a security vendor to the registry (publishers only).
#[utoipa::path(post, path = "/api/v1/registry/vendors", request_body = VendorRequest, tag = "public", security(("bearer" = [])),
    responses((status = 201, body = RegistryCreated), JsonBodyErrors, Unauthorized, Forbidden, Invalid))]
pub async fn create_vendor(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<VendorRequest>,
) -> Result<(StatusCode, Json<RegistryCreated>), ApiError> {
    let id = shirube_app::selfsufficiency::add_vendor(
        &state,
        &p,
        &shirube_app::selfsufficiency::VendorInput {
            name: &req.name,
            corporate_number: req.corporate_number.as_deref(),
            head_office_country: &req.head_office_country,
            ultimate_parent_name: &req.ultimate_parent_name,
            ultimate_parent_country: &req.ultimate_parent_country,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(RegistryCreated { id })))
}

/// Adds a product of a registered vendor (publishers only).
#[utoipa::path(post, path = "/api/v1/registry/products", request_body = ProductRequest, tag = "public", security(("bearer" = [])),
    responses((status = 201, body = RegistryCreated), JsonBodyErrors, Unauthorized, Forbidden, Invalid))]
pub async fn create_product(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<ProductRequest>,
) -> Result<(StatusCode, Json<RegistryCreated>), ApiError> {
    let id = shirube_app::selfsufficiency::add_product(
        &state,
        &p,
        &req.vendor_id,
        &req.name,
        &req.category,
        req.monitoring_in_japan,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(RegistryCreated { id })))
}

/// The vendor and product registry (public).
#[utoipa::path(get, path = "/api/v1/registry/products", tag = "public", responses((status = 200, body = Registry)))]
pub async fn registry(State(state): State<AppState>) -> Result<Json<Registry>, ApiError> {
    let (_, products) = shirube_app::selfsufficiency::registry(&state).await?;
    Ok(Json(Registry {
        products: products
            .into_iter()
            .map(|p| ProductOut {
                domestic: shirube_app::selfsufficiency::is_domestic(
                    &p.head_office_country,
                    &p.ultimate_parent_country,
                ),
                id: p.id,
                name: p.name,
                category: p.category,
                vendor_id: p.vendor_id,
                vendor_name: p.vendor_name,
                head_office_country: p.head_office_country,
                ultimate_parent_country: p.ultimate_parent_country,
                monitoring_in_japan: p.monitoring_in_japan,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductUseRequest {
    /// SCS criterion ids the product serves besides those of its category (its declaration is
    /// evidence for both on the organisation's open assessment); none is fine.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Annual spend in yen, optional.
    #[serde(default)]
    pub annual_spend_yen: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ProductUseOut {
    pub product_id: String,
    pub product_name: String,
    pub category: String,
    pub criteria: Vec<String>,
    pub annual_spend_yen: Option<i64>,
}

/// Declares that the caller's organisation uses a product of the registry (editors).
#[utoipa::path(put, path = "/api/v1/product-uses/{product_id}", request_body = ProductUseRequest, tag = "public", security(("bearer" = [])),
    params(("product_id" = String, Path, description = "product id")),
    responses((status = 204, description = "declared"), JsonBodyErrors, BadRequest, Unauthorized, Forbidden, NotFound, Invalid))]
pub async fn put_use(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(product_id): ApiPath<String>,
    ApiJson(req): ApiJson<ProductUseRequest>,
) -> Result<StatusCode, ApiError> {
    shirube_app::selfsufficiency::declare_use(
        &state,
        &p,
        &product_id,
        &req.criteria,
        req.annual_spend_yen,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraws a declared product use (editors).
#[utoipa::path(delete, path = "/api/v1/product-uses/{product_id}", tag = "public", security(("bearer" = [])),
    params(("product_id" = String, Path, description = "product id")),
    responses((status = 204, description = "withdrawn"), BadRequest, Unauthorized, Forbidden, NotFound))]
pub async fn delete_use(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(product_id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    shirube_app::selfsufficiency::withdraw_use(&state, &p, &product_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The products the caller's organisation declared.
#[utoipa::path(get, path = "/api/v1/product-uses", tag = "public", security(("bearer" = [])),
    responses((status = 200, body = [ProductUseOut]), Unauthorized))]
pub async fn list_uses(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ProductUseOut>>, ApiError> {
    let uses = shirube_app::selfsufficiency::my_uses(&state, &p).await?;
    Ok(Json(
        uses.into_iter()
            .map(|u| ProductUseOut {
                criteria: u
                    .criteria
                    .split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                product_id: u.product_id,
                product_name: u.product_name,
                category: u.category,
                annual_spend_yen: u.annual_spend_yen,
            })
            .collect(),
    ))
}
