//! Industry groups over the API: the group's view (members and the suppliers several active
//! members depend on, as counts), inviting and removing members, and the member's side —
//! its memberships and invitations, accepting, leaving.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use shirube_app::views::MembershipId;
use utoipa::{IntoParams, ToSchema};

use crate::api::assessments::Created;
use crate::api::problem::{BadRequest, JsonBodyErrors, Problem, Unauthorized};
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::industry;
use shirube_app::Principal;

#[derive(Deserialize, IntoParams)]
pub struct ViewQuery {
    /// Show suppliers on which at least this many active members depend (default 2, never
    /// less than 2).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 2, maximum = 1_000_000)]
    pub min_members: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    pub membership_id: String,
    pub organization_id: String,
    pub corporate_number: String,
    pub name: String,
    /// invited or active.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberCounts {
    pub active: usize,
    pub invited: usize,
}

/// A supplier several active members depend on directly. Counts only: which members depend
/// on it is never shown.
#[derive(Serialize, ToSchema)]
pub struct SharedSupplierOut {
    pub organization_id: String,
    pub corporate_number: String,
    pub name: String,
    /// Active members that depend on it directly (at least `min_members`).
    pub dependents: usize,
    /// Of those, members that marked it critical.
    pub critical_dependents: usize,
    /// Of those, members with no alternative source.
    pub without_alternative: usize,
}

#[derive(Serialize, ToSchema)]
pub struct IndustryView {
    pub group: GroupOut,
    pub members: Vec<MemberOut>,
    pub counts: MemberCounts,
    pub shared_suppliers: Vec<SharedSupplierOut>,
    pub min_members: usize,
    /// Fewer than three members have joined, so nothing is counted yet (with two, every
    /// supplier shown would be one both use).
    pub withheld: bool,
}

/// The industry group's view (groups only): members, and suppliers on which at least
/// `min_members` active members depend.
#[utoipa::path(get, path = "/api/v1/industry", tag = "industry", security(("bearer" = [])), params(ViewQuery),
    responses((status = 200, body = IndustryView), BadRequest, Unauthorized,
        (status = 403, description = "not an industry group", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "min_members below 2 or not a whole number", body = Problem, content_type = "application/problem+json")))]
pub async fn view(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<IndustryView>, ApiError> {
    let v = industry::view(&state, &p, q.min_members.as_deref()).await?;
    Ok(Json(IndustryView {
        group: GroupOut {
            id: v.group_id.into(),
            name: v.group_name,
        },
        members: v
            .members
            .into_iter()
            .map(|m| MemberOut {
                membership_id: m.id.into(),
                organization_id: m.member_id.into(),
                corporate_number: m.counterpart_corporate_number,
                name: m.counterpart_name,
                status: m.status.as_str().to_string(),
            })
            .collect(),
        counts: MemberCounts {
            active: v.active,
            invited: v.invited,
        },
        shared_suppliers: v
            .shared_suppliers
            .into_iter()
            .map(|s| SharedSupplierOut {
                organization_id: s.organization_id.into(),
                corporate_number: s.corporate_number,
                name: s.name,
                dependents: s.dependents,
                critical_dependents: s.critical_dependents,
                without_alternative: s.without_alternative,
            })
            .collect(),
        min_members: v.min_members,
        withheld: v.withheld,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteMemberRequest {
    /// The 13-digit corporate number of an organisation on Shirube.
    #[schema(pattern = "^[0-9]{13}$")]
    pub corporate_number: String,
}

/// Invites an organisation into the group (groups only); it is told in its inbox and joins
/// when one of its owners accepts.
#[utoipa::path(post, path = "/api/v1/industry/members", request_body = InviteMemberRequest, tag = "industry", security(("bearer" = [])),
    responses((status = 201, body = Created), JsonBodyErrors, Unauthorized,
        (status = 403, description = "not an industry group (or a viewer, a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already a member or invited", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid or unknown corporate number, or the group itself", body = Problem, content_type = "application/problem+json")))]
pub async fn invite(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<InviteMemberRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = industry::invite(&state, &p, &req.corporate_number).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.into() })))
}

/// Removes a member or withdraws an invitation (groups only).
#[utoipa::path(delete, path = "/api/v1/industry/members/{id}", tag = "industry", security(("bearer" = [])), params(("id" = String, Path, description = "membership id")),
    responses((status = 204, description = "removed"), BadRequest, Unauthorized,
        (status = 403, description = "not an industry group (or a viewer, a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not a membership of this group", body = Problem, content_type = "application/problem+json")))]
pub async fn remove(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<MembershipId>,
) -> Result<StatusCode, ApiError> {
    industry::remove(&state, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MembershipOut {
    pub membership_id: String,
    pub group_organization_id: String,
    pub group_name: String,
    pub group_corporate_number: String,
    /// invited or active.
    pub status: String,
    pub invited_at: String,
    pub accepted_at: Option<String>,
}

/// Your organisation's industry-group memberships and invitations.
#[utoipa::path(get, path = "/api/v1/industry/memberships", tag = "industry", security(("bearer" = [])), responses((status = 200, body = [MembershipOut]), Unauthorized))]
pub async fn memberships(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<MembershipOut>>, ApiError> {
    let rows = industry::memberships(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| MembershipOut {
                membership_id: m.id.into(),
                group_organization_id: m.group_id.into(),
                group_name: m.counterpart_name,
                group_corporate_number: m.counterpart_corporate_number,
                status: m.status.as_str().to_string(),
                invited_at: m.created_at,
                accepted_at: m.accepted_at,
            })
            .collect(),
    ))
}

/// Accepts an invitation (owners): your direct suppliers are then counted, anonymously, in
/// the group's view.
#[utoipa::path(post, path = "/api/v1/industry/memberships/{id}/accept", tag = "industry", security(("bearer" = [])), params(("id" = String, Path, description = "membership id")),
    responses((status = 204, description = "joined"), BadRequest, Unauthorized,
        (status = 403, description = "owners only (or a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not your invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already a member", body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<MembershipId>,
) -> Result<StatusCode, ApiError> {
    industry::accept(&state, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leaves a group or declines its invitation (owners); your suppliers stop counting at once.
#[utoipa::path(delete, path = "/api/v1/industry/memberships/{id}", tag = "industry", security(("bearer" = [])), params(("id" = String, Path, description = "membership id")),
    responses((status = 204, description = "left or declined"), BadRequest, Unauthorized,
        (status = 403, description = "owners only (or a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "not your membership", body = Problem, content_type = "application/problem+json")))]
pub async fn leave(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<MembershipId>,
) -> Result<StatusCode, ApiError> {
    industry::leave(&state, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
