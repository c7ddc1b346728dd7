//! `POST /api/v1/signup` and `POST /api/v1/auth/token`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use shirube_app::accounts;
use utoipa::ToSchema;

use crate::api::problem::{Invalid, JsonBodyErrors, Problem};
use crate::api::ApiJson;
use crate::error::ApiError;
use crate::AppState;
use shirube_app::accounts::LoginOutcome;
use shirube_app::accounts::SignupInput;
use shirube_app::AppError;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupOrganization {
    /// Registered name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// 13-digit corporate number (法人番号); the check digit is verified. Full-width digits,
    /// spaces and hyphens copied from documents are accepted and removed.
    #[schema(pattern = "^[0-9]{13}$", example = "7000012050002")]
    pub corporate_number: String,
    /// JSIC division letter, A–T (E = manufacturing).
    #[schema(pattern = "^[A-Ta-t]$", example = "E")]
    pub industry: String,
    /// Number of employees.
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub employees: u32,
    /// Prefecture: JIS code "01"–"47", or its Japanese or English name.
    #[schema(min_length = 1, max_length = 20, example = "23")]
    pub prefecture: String,
    /// Paid-in capital in yen (optional). With the employees it decides the SME size class
    /// in the public statistics (中小企業基本法 Art. 2: either test suffices).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100_000_000_000_000_i64)]
    pub capital_yen: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupUser {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 10 to 1,024 characters.
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    pub organization: SignupOrganization,
    pub user: SignupUser,
}

#[derive(Serialize, ToSchema)]
pub struct SignupResponse {
    pub organization_id: String,
    pub user_id: String,
}

/// Creates an organisation and its owner.
#[utoipa::path(post, path = "/api/v1/signup", request_body = SignupRequest, tag = "accounts",
    responses((status = 201, body = SignupResponse), JsonBodyErrors,
        (status = 403, description = "cross-site request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "corporate number or e-mail already registered", body = Problem, content_type = "application/problem+json"),
        Invalid))]
pub async fn signup(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SignupRequest>,
) -> Result<(StatusCode, Json<SignupResponse>), ApiError> {
    let input = SignupInput {
        org_name: req.organization.name,
        corporate_number: req.organization.corporate_number,
        industry: req.organization.industry,
        employees: req.organization.employees.to_string(),
        capital_yen: req
            .organization
            .capital_yen
            .map(|c| c.to_string())
            .unwrap_or_default(),
        prefecture: req.organization.prefecture,
        email: req.user.email,
        password: req.user.password,
        user_name: req.user.name,
    };
    let signed_up = accounts::signup(&state, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(SignupResponse {
            organization_id: signed_up.organization_id.into(),
            user_id: signed_up.user.id.into(),
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(min_length = 1)]
    pub password: String,
    /// The current authenticator code, required when two-factor sign-in is on.
    #[serde(default)]
    pub totp: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`. Valid until revoked.
    pub token: String,
}

/// Exchanges e-mail and password (and TOTP code) for an API token.
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest, tag = "accounts",
    responses((status = 200, body = TokenResponse), JsonBodyErrors,
        (status = 403, description = "cross-site request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "an owner of an organisation that requires two-factor sign-in has not set it up", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "wrong e-mail or password, or a TOTP code is required or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too many failed attempts: wait for `Retry-After` seconds", body = Problem, content_type = "application/problem+json",
            headers(("retry-after" = u64, description = "seconds to wait")))))]
pub async fn token(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    match accounts::check_login(&state, &req.email, &req.password, req.totp.as_deref()).await? {
        LoginOutcome::Done(user) => {
            if accounts::must_enrol_totp(&state, &user).await? {
                return Err(ApiError(AppError::Conflict {
                    key: "err-totp-enrol",
                    field: Some("totp".into()),
                }));
            }
            Ok(Json(TokenResponse {
                token: accounts::token_for_login(&state, &user).await?,
            }))
        }
        LoginOutcome::NeedsSecondFactor(_) => {
            Err(ApiError(AppError::field("totp", "err-totp-required")))
        }
    }
}
