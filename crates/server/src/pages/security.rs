//! Two-factor sign-in: set up a TOTP authenticator, confirm it, and (owners) require it
//! for the organisation's owners.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::app;
use crate::auth::{totp, Principal};
use crate::error::{AppError, PageError};
use crate::i18n::Tr;
use crate::pages::{render, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;

#[derive(Template)]
#[template(path = "security.html")]
pub struct SecurityPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub enabled: bool,
    /// Set while enrolling: the base32 secret, and the QR code as an SVG data URL.
    pub secret: String,
    pub qr: String,
    pub otpauth: String,
    pub is_owner: bool,
    pub org_requires: bool,
    pub must_enrol: bool,
    pub errors: FieldMessages,
}

async fn page(
    state: &AppState,
    p: &Principal,
    errors: FieldMessages,
) -> Result<SecurityPage, AppError> {
    let user = state.store.user(p.user_id()).await?;
    let org = state.store.organization(p.org_id()).await?;
    let (secret, qr, otpauth) = match (&user.totp_secret, user.totp_enabled) {
        (Some(s), false) => {
            let url = totp::url(s, &user.email)?;
            let svg = qrcode::QrCode::new(url.as_bytes())
                .map(|q| {
                    q.render::<qrcode::render::svg::Color>()
                        .min_dimensions(200, 200)
                        .build()
                })
                .map_err(AppError::internal)?;
            use base64::Engine;
            let data = format!(
                "data:image/svg+xml;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(svg)
            );
            (s.clone(), data, url)
        }
        _ => (String::new(), String::new(), String::new()),
    };
    Ok(SecurityPage {
        t: Tr::new(p.lang),
        nav: Nav::for_principal(state, p).await?,
        enabled: user.totp_enabled,
        secret,
        qr,
        otpauth,
        is_owner: p.role.is_owner(),
        org_requires: org.require_totp,
        must_enrol: app::must_enrol_totp(state, &user).await?,
        errors,
    })
}

pub async fn show(State(state): State<AppState>, Signed(p): Signed) -> Result<Response, PageError> {
    let pg = page(&state, &p, FieldMessages::default())
        .await
        .page(p.lang)?;
    render(&pg, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf_token: String,
    pub code: String,
    pub required: String,
}

/// Starts enrolment: a fresh secret, not active until confirmed with a code.
pub async fn totp_setup(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    if p.user.totp_enabled {
        return Ok(Redirect::to("/security").into_response());
    }
    let secret = totp::new_secret();
    state
        .store
        .set_totp(p.actor(), p.user_id(), Some(&secret), false)
        .await
        .page(lang)?;
    Ok(Redirect::to("/security").into_response())
}

pub async fn totp_confirm(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    let user = state.store.user(p.user_id()).await.page(lang)?;
    let Some(secret) = user.totp_secret.filter(|_| !user.totp_enabled) else {
        return Ok(Redirect::to("/security").into_response());
    };
    if !totp::check(&secret, &form.code, app::unix_now()) {
        let pg = page(
            &state,
            &p,
            FieldMessages::from_error(&AppError::field("code", "err-totp"), lang),
        )
        .await
        .page(lang)?;
        let mut resp = render(&pg, lang)?;
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(resp);
    }
    state
        .store
        .set_totp(p.actor(), p.user_id(), Some(&secret), true)
        .await
        .page(lang)?;
    Ok(Redirect::to("/security").into_response())
}

/// Owners turn the requirement on or off for the organisation's owners.
pub async fn require_totp(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    p.require_owner().page(lang)?;
    let on = form.required == "on";
    if on && !p.user.totp_enabled {
        let pg = page(
            &state,
            &p,
            FieldMessages::from_error(&AppError::field("required", "err-totp-self-first"), lang),
        )
        .await
        .page(lang)?;
        let mut resp = render(&pg, lang)?;
        *resp.status_mut() = axum::http::StatusCode::CONFLICT;
        return Ok(resp);
    }
    state
        .store
        .set_require_totp(p.actor(), p.org_id(), on)
        .await
        .page(lang)?;
    Ok(Redirect::to("/security").into_response())
}
