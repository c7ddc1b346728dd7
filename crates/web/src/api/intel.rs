//! Threat-intelligence collections over the JSON API: an industry group creates them, and
//! every caller lists those it may use. The objects themselves travel over TAXII 2.1
//! (`crate::taxii`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::assessments::Created;
use crate::api::problem::{JsonBodyErrors, Problem, Unauthorized};
use crate::api::{ApiJson, ApiPath};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::intel;
use shirube_app::Principal;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCollectionRequest {
    /// 1 to 200 characters.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// What active members may do: `read`, `read_write`, or `write` (a drop box: members
    /// add, only the group reads).
    pub member_access: String,
}

/// Creates a collection (industry groups only; owners and members of the group).
#[utoipa::path(post, path = "/api/v1/intel/collections", request_body = CreateCollectionRequest, tag = "intel", security(("bearer" = [])),
    responses((status = 201, body = Created), JsonBodyErrors, Unauthorized,
        (status = 403, description = "not an industry group (or a viewer, a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "title, description or member_access invalid", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<CreateCollectionRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = intel::create_collection(&state, &p, &req.title, &req.description, &req.member_access)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: id.into_string(),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct CollectionOut {
    pub id: String,
    /// The industry group (its TAXII API root is `/taxii2/{group_id}/`).
    pub group_id: String,
    pub group_name: String,
    pub title: String,
    pub description: String,
    pub member_access: String,
    pub can_read: bool,
    pub can_write: bool,
    /// The collection's TAXII URL.
    pub taxii_url: String,
}

/// The collections you may use: your group's, and those of the groups you are an active
/// member of.
#[utoipa::path(get, path = "/api/v1/intel/collections", tag = "intel", security(("bearer" = [])), responses((status = 200, body = [CollectionOut]), Unauthorized))]
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<CollectionOut>>, ApiError> {
    let mut out = Vec::new();
    for g in intel::api_roots(&state, &p).await? {
        for c in intel::collections(&state, &p, &g.id).await? {
            out.push(CollectionOut {
                taxii_url: format!("/taxii2/{}/collections/{}/", g.id, c.id),
                id: c.id.into_string(),
                group_id: g.id.clone(),
                group_name: g.name.clone(),
                title: c.title,
                description: c.description,
                member_access: c.member_access.as_str().to_string(),
                can_read: c.can_read,
                can_write: c.can_write,
            });
        }
    }
    Ok(Json(out))
}

#[derive(Serialize, ToSchema)]
pub struct ExposureOut {
    /// The exposure's id, for `POST /api/v1/intel/exposures/{id}/resolve`.
    pub id: String,
    pub collection_id: String,
    pub object_id: String,
    pub object_name: String,
    /// The object's TLP marking (`clear`, `green`, `amber`, `amber-strict`, `red`, `none`).
    pub marking: String,
    pub scan_id: String,
    /// `name@version` of the component the object names.
    pub component: String,
    pub matched_at: String,
    /// When the organisation recorded how it dealt with the exposure (null while open).
    pub resolved_at: Option<String>,
    /// `fixed`, `not_affected` or `mitigated` (null while open).
    pub resolution: Option<String>,
    pub resolution_note: Option<String>,
}

impl From<intel::Exposure> for ExposureOut {
    fn from(e: intel::Exposure) -> Self {
        ExposureOut {
            id: e.id,
            collection_id: e.collection_id.into_string(),
            object_id: e.object_id,
            object_name: e.object_name,
            marking: e.marking,
            scan_id: e.scan_id,
            component: e.component,
            matched_at: e.created_at,
            resolved_at: e.resolved_at,
            resolution: e.resolution,
            resolution_note: e.resolution_note,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveExposureRequest {
    /// `fixed` (the component was updated or removed), `not_affected` (present but the
    /// weakness cannot be reached) or `mitigated` (other measures reduce the risk).
    pub resolution: String,
    /// Up to 1,000 characters: what was done, for your own records and your buyers' trust.
    #[serde(default)]
    pub note: String,
}

/// Records how your organisation dealt with an exposure. It then no longer flags you to
/// your buyers nor counts in the group's report; you still see it, with your answer.
#[utoipa::path(post, path = "/api/v1/intel/exposures/{id}/resolve", request_body = ResolveExposureRequest, tag = "intel", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ExposureOut), JsonBodyErrors, Unauthorized,
        (status = 403, description = "a viewer, a cross-site request, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such exposure of your organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "resolution or note invalid", body = Problem, content_type = "application/problem+json")))]
pub async fn resolve_exposure(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ResolveExposureRequest>,
) -> Result<Json<ExposureOut>, ApiError> {
    let e = intel::resolve_exposure(&state, &p, &id, &req.resolution, &req.note).await?;
    Ok(Json(e.into()))
}

/// What affects your organisation: intelligence objects naming components of your scans.
#[utoipa::path(get, path = "/api/v1/intel/exposures", tag = "intel", security(("bearer" = [])), responses((status = 200, body = [ExposureOut]), Unauthorized))]
pub async fn exposures(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ExposureOut>>, ApiError> {
    Ok(Json(
        intel::my_exposures(&state, &p)
            .await?
            .into_iter()
            .map(ExposureOut::from)
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ExposureCountOut {
    pub object_id: String,
    pub object_name: String,
    /// Active members exposed (which ones is never shown).
    pub members: i64,
}

/// The group's exposure report (industry groups only): per object, how many members.
#[utoipa::path(get, path = "/api/v1/intel/exposure-report", tag = "intel", security(("bearer" = [])), responses((status = 200, body = [ExposureCountOut]), Unauthorized,
    (status = 403, description = "not an industry group", body = Problem, content_type = "application/problem+json")))]
pub async fn exposure_report(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ExposureCountOut>>, ApiError> {
    Ok(Json(
        intel::exposure_report(&state, &p)
            .await?
            .into_iter()
            .map(|(object_id, object_name, members)| ExposureCountOut {
                object_id,
                object_name,
                members,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct SupplierExposureOut {
    pub supplier_id: String,
    pub supplier_name: String,
    pub object_id: String,
    pub object_name: String,
}

/// Your suppliers (those sharing their level with you) exposed to intelligence marked
/// CLEAR or GREEN.
#[utoipa::path(get, path = "/api/v1/intel/supplier-exposures", tag = "intel", security(("bearer" = [])), responses((status = 200, body = [SupplierExposureOut]), Unauthorized))]
pub async fn supplier_exposures(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<SupplierExposureOut>>, ApiError> {
    Ok(Json(
        intel::supplier_exposures(&state, &p)
            .await?
            .into_iter()
            .map(|e| SupplierExposureOut {
                supplier_id: e.supplier_id,
                supplier_name: e.supplier_name,
                object_id: e.object_id,
                object_name: e.object_name,
            })
            .collect(),
    ))
}
