//! The HTTP side of authentication: cookies, the request's language, and the extractors
//! that turn a bearer token or a session cookie into the application's [`Principal`]
//! (passwords, sessions, tokens and TOTP themselves live in `shirube_app::accounts`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use base64::Engine as _;
use shirube_app::accounts::{self, PendingSession, Via};
use shirube_app::{i18n, AppError, Principal};
use shirube_catalog::Lang;

use crate::AppState;

pub const SESSION_COOKIE: &str = "shirube_session";
pub const LANG_COOKIE: &str = "lang";

/// Reads one cookie from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| {
            h.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == name).then_some(v)
            })
        })
}

/// The language of a request.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    i18n::negotiate(
        cookie(headers, LANG_COOKIE),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The request's language, as an extractor.
pub struct ReqLang(pub Lang);

impl FromRequestParts<AppState> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(request_lang(&parts.headers)))
    }
}

/// Resolves the caller, or `None` when the request carries no valid credentials. A session
/// waiting for its second factor does not count.
pub async fn resolve(headers: &HeaderMap, state: &AppState) -> Result<Option<Principal>, AppError> {
    let lang = request_lang(headers);
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let value = auth.to_str().map_err(|_| AppError::Unauthenticated)?;
        if let Some(token) = value.strip_prefix("Bearer ") {
            return accounts::principal_for_token(state, token.trim(), lang)
                .await
                .map(Some);
        }
        // HTTP Basic for clients that speak nothing else (TAXII clients): the user's e-mail
        // and one of their API tokens as the password.
        let encoded = value
            .strip_prefix("Basic ")
            .ok_or(AppError::Unauthenticated)?
            .trim();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or(AppError::Unauthenticated)?;
        let (email, token) = decoded.split_once(':').ok_or(AppError::Unauthenticated)?;
        let principal = accounts::principal_for_token(state, token, lang).await?;
        if !principal.user.email.eq_ignore_ascii_case(email.trim()) {
            return Err(AppError::Unauthenticated);
        }
        return Ok(Some(principal));
    }
    match cookie(headers, SESSION_COOKIE) {
        Some(secret) => accounts::principal_for_session(state, secret, lang).await,
        None => Ok(None),
    }
}

/// Looks up a session still waiting for its TOTP code.
pub async fn resolve_pending(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<PendingSession>, AppError> {
    match cookie(headers, SESSION_COOKIE) {
        Some(secret) => accounts::pending_session(state, secret, request_lang(headers)).await,
        None => Ok(None),
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = crate::error::ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = resolve(&parts.headers, state)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        // A cookie-authenticated JSON call that changes state must prove it comes from our
        // own pages: the session's CSRF token in a header (SameSite cookies and the Origin
        // check are the other two layers).
        if parts.uri.path().starts_with("/api/")
            && !matches!(parts.method, Method::GET | Method::HEAD)
        {
            if let Via::Session { csrf, .. } = &principal.via {
                let sent = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !accounts::same(csrf, sent) {
                    return Err(AppError::Forbidden.into());
                }
            }
        }
        Ok(principal)
    }
}
