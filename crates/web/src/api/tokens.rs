//! API tokens: list, create, revoke. Secrets are shown once and stored hashed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use shirube_app::accounts;
use shirube_app::views::SessionId;
use utoipa::ToSchema;

use crate::api::problem::{BadRequest, Forbidden, Invalid, JsonBodyErrors, NotFound, Unauthorized};
use crate::api::{ApiJson, ApiPath};
use crate::error::ApiError;
use crate::AppState;
use shirube_app::Principal;

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// The organisation's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = [TokenOut]), Unauthorized))]
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<TokenOut>>, ApiError> {
    let rows = accounts::api_tokens(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|t| TokenOut {
                id: t.id.into(),
                name: t.name,
                created_at: t.created_at,
                revoked_at: t.revoked_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: String,
    /// Shown only now.
    pub token: String,
}

#[utoipa::path(post, path = "/api/v1/tokens", request_body = CreateToken, tag = "accounts", security(("bearer" = [])), responses((status = 201, body = CreatedToken), JsonBodyErrors, Unauthorized, Forbidden, Invalid))]
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<CreateToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let (id, token) = accounts::create_token(&state, &p, &req.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: id.into(),
            token,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204, description = "revoked"), BadRequest, Unauthorized, Forbidden, NotFound))]
pub async fn revoke(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<SessionId>,
) -> Result<StatusCode, ApiError> {
    accounts::revoke_token(&state, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub user_id: String,
    pub organization_id: String,
    pub name: String,
    /// owner, member or viewer.
    pub role: String,
}

/// Who the caller is.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = MeOut), Unauthorized))]
pub async fn me(p: Principal) -> Json<MeOut> {
    Json(MeOut {
        user_id: p.user.id.clone().into(),
        organization_id: p.user.organization_id.clone().into(),
        name: p.user.name.clone(),
        role: p.role.as_str().to_string(),
    })
}
