//! Server-rendered pages (askama templates under `templates/`, mirroring these modules).
//! Usable without JavaScript; every form carries the session's CSRF token.

pub mod assessments;
pub mod auth;
pub mod buyers;
pub mod catalog;
pub mod checks;
pub mod credentials;
pub mod dashboard;
pub mod evaluations;
pub mod experts;
pub mod inbox;
pub mod industry;
pub mod intel;
pub mod members;
pub mod products;
pub mod public;
pub mod security;
pub mod tokens;
pub mod verifications;

use askama::Template;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shirube_catalog::Lang;

use crate::auth::{ReqLang, LANG_COOKIE};
pub use crate::chrome::Nav;
use crate::error::{ErrorPage, PageError};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::AppError;
use shirube_app::Principal;

/// A signed-in page visitor. Not signed in → the sign-in page; an owner of an organisation
/// that requires two-factor sign-in and has not set it up → the security page.
pub struct Signed(pub Principal);

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = crate::auth::request_lang(&parts.headers);
        let p = match crate::auth::resolve(&parts.headers, state).await {
            Ok(Some(p)) => p,
            Ok(None) => return Err(Redirect::to("/login").into_response()),
            Err(e) => return Err(PageError(e, lang).into_response()),
        };
        let path = parts.uri.path();
        if !path.starts_with("/security") {
            match shirube_app::accounts::must_enrol_totp(state, &p.user).await {
                Ok(true) => return Err(Redirect::to("/security").into_response()),
                Ok(false) => {}
                Err(e) => return Err(PageError(e, lang).into_response()),
            }
        }
        Ok(Signed(p))
    }
}

/// The header of a public page: the signed-in header when the visitor has a session (so a
/// signed-in person never seems signed out on the catalog or the verify page), else none.
pub struct MaybeNav(pub Option<Nav>);

impl FromRequestParts<AppState> for MaybeNav {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if !parts.headers.contains_key(header::COOKIE) {
            return Ok(MaybeNav(None));
        }
        let nav = match crate::auth::resolve(&parts.headers, state).await {
            Ok(Some(p)) => Nav::for_principal(state, &p).await.ok().flatten(),
            _ => None,
        };
        Ok(MaybeNav(nav))
    }
}

/// Renders a template into an HTML response.
pub fn render(t: &impl Template, lang: Lang) -> Result<Response, PageError> {
    t.render()
        .map(|html| Html(html).into_response())
        .map_err(|e| PageError(crate::error::render_failed(e), lang))
}

/// Marks a page that may show a one-time secret as never to be cached.
pub fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Renders a page with another status than 200 (a form sent back with its errors).
pub fn render_status(
    t: &impl Template,
    lang: Lang,
    status: axum::http::StatusCode,
) -> Result<Response, PageError> {
    let mut resp = render(t, lang)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// Maps an application error into a page error in the visitor's language.
pub trait PageResult<T> {
    fn page(self, lang: Lang) -> Result<T, PageError>;
}

impl<T> PageResult<T> for Result<T, AppError> {
    fn page(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|e| PageError(e, lang))
    }
}

/// Per-field messages to show next to form inputs.
///
/// The pattern every form follows (`templates/_errors.html` draws the summary):
/// - at the top, `{% include "_errors.html" %}`: "please correct the following", then one
///   line per problem, "<field's words>: <message>", linking to the input;
/// - the input's id is [`FieldMessages::id`] of its API field name (`user.email` →
///   `f-user-email`), and when it has a message it carries `aria-invalid="true"` and
///   `aria-describedby="<id>-err"`, with `<p class="field-error" id="<id>-err">` under it.
#[derive(Debug, Clone, Default)]
pub struct FieldMessages(pub Vec<(String, String)>);

impl FieldMessages {
    pub fn from_error(e: &AppError, lang: Lang) -> Self {
        let mut v = e.field_messages(lang);
        if v.is_empty() {
            v.push((String::new(), e.message(lang)));
        }
        FieldMessages(v)
    }

    /// The HTML id of a field's input: `f-` and the API name with every other character
    /// than a letter or digit as `-`.
    pub fn id(field: &str) -> String {
        let mut id = String::with_capacity(field.len() + 2);
        id.push_str("f-");
        for c in field.chars() {
            id.push(if c.is_ascii_alphanumeric() { c } else { '-' });
        }
        id
    }

    /// The summary lines: (anchor id or empty, the field's words or empty, message).
    pub fn summary(&self, lang: impl std::borrow::Borrow<Lang>) -> Vec<(String, String, String)> {
        let lang = *lang.borrow();
        self.0
            .iter()
            .map(|(f, m)| {
                if f.is_empty() {
                    return (String::new(), String::new(), m.clone());
                }
                let label = shirube_app::error::field_label(lang, f).unwrap_or_default();
                (Self::id(f), label, m.clone())
            })
            .collect()
    }
    /// The message for a field (several API names may map to one input).
    pub fn get(&self, field: &str) -> String {
        self.0
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
    /// Messages not tied to a form field.
    pub fn general(&self) -> String {
        self.get("")
    }
    pub fn all(&self) -> Vec<String> {
        self.0.iter().map(|(_, m)| m.clone()).collect()
    }
}

/// Redraws an error page with the signed-in header (name, organisation, sign-out) when the
/// request carries a session: errors are rendered where they happen, without the principal.
pub async fn error_nav(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // Every request passes here: keep only the cookie and the way back (reference-counted
    // copies), and do nothing more unless the answer is an error page.
    let cookie = req.headers().get(axum::http::header::COOKIE).cloned();
    let back = crate::error::back_link(req.headers(), req.uri().path());
    let mut resp = next.run(req).await;
    let Some(mut page) = resp.extensions_mut().remove::<ErrorPage>() else {
        return resp;
    };
    page.back = back;
    if let Some(cookie) = cookie {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(axum::http::header::COOKIE, cookie);
        if let Ok(Some(p)) = crate::auth::resolve(&headers, &state).await {
            if let Ok(nav) = Nav::for_principal(&state, &p).await {
                page.nav = nav;
            }
        }
    }
    if page.nav.is_none() && page.back.is_none() {
        return resp;
    }
    match page.render() {
        Ok(html) => {
            // Same status and headers; only the body (and so its length) changes.
            let (mut parts, _) = resp.into_parts();
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            axum::response::Response::from_parts(parts, axum::body::Body::from(html))
        }
        Err(_) => resp,
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub t: Tr,
    pub nav: Option<Nav>,
}

/// The landing page; signed-in visitors go to their dashboard.
pub async fn home(
    state: axum::extract::State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if crate::auth::resolve(&headers, &state)
        .await
        .ok()
        .flatten()
        .is_some()
    {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    render(
        &HomePage {
            t: Tr::new(lang),
            nav: None,
        },
        lang,
    )
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// Switches the language (cookie for a year) and returns to the page the visitor was on.
pub async fn set_lang(
    Path(code): Path<String>,
    Query(q): Query<Back>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_code(&code).unwrap_or_default();
    // Only local paths, so the switch cannot be used as an open redirect.
    let back = q
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|r| r.to_str().ok())
                .and_then(|r| url::Url::parse(r).ok())
                .map(|u| u.path().to_string())
        })
        .unwrap_or_else(|| "/".to_string());
    let mut resp = Redirect::to(&back).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn static_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

/// Label of an answer status, or "unanswered".
pub fn status_label(t: &Tr, status: Option<shirube_assess::AnswerStatus>) -> String {
    match status {
        Some(s) => t.label(s),
        None => t.t("status-unanswered"),
    }
}

/// A session cookie header value.
pub fn session_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        crate::auth::SESSION_COOKIE
    )
}
