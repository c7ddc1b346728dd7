//! Two-factor sign-in: set up a TOTP authenticator, confirm it, and (owners) require it
//! for the organisation's owners.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::accounts;

use crate::error::PageError;
use crate::pages::{render, render_status, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::AppError;
use shirube_app::Principal;

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
    let settings = accounts::security_settings(state, p).await?;
    let (secret, qr, otpauth) = match settings.enrolling {
        Some((s, url)) => {
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
            (s, data, url)
        }
        None => (String::new(), String::new(), String::new()),
    };
    Ok(SecurityPage {
        t: Tr::new(p.lang),
        nav: Nav::for_principal(state, p).await?,
        enabled: settings.enabled,
        secret,
        qr,
        otpauth,
        is_owner: p.role.is_owner(),
        org_requires: settings.org_requires,
        must_enrol: settings.must_enrol,
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
    accounts::begin_totp(&state, &p).await.page(lang)?;
    Ok(Redirect::to("/security").into_response())
}

pub async fn totp_confirm(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match accounts::confirm_totp(&state, &p, &form.code).await {
        Ok(()) => Ok(Redirect::to("/security").into_response()),
        Err(e @ AppError::Invalid(_)) => again(&state, &p, &e).await,
        Err(e) => Err(PageError(e, lang)),
    }
}

/// The settings page again, with the error beside its field and the error's status.
async fn again(state: &AppState, p: &Principal, e: &AppError) -> Result<Response, PageError> {
    let pg = page(state, p, FieldMessages::from_error(e, p.lang))
        .await
        .page(p.lang)?;
    render_status(&pg, p.lang, crate::error::status(e))
}

/// Owners turn the requirement on or off for the organisation's owners.
pub async fn require_totp(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match accounts::set_require_totp(&state, &p, form.required == "on").await {
        Ok(()) => Ok(Redirect::to("/security").into_response()),
        Err(e @ AppError::Conflict { .. }) => again(&state, &p, &e).await,
        Err(e) => Err(PageError(e, lang)),
    }
}
