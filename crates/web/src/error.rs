//! Rendering the application's [`AppError`]: RFC 9457 problem+json under `/api`, an HTML page
//! in the visitor's language elsewhere. The error type and its messages live in
//! `shirube_app::error`; this module only turns them into responses.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use shirube_app::i18n::Tr;
use shirube_app::AppError;

use crate::chrome::Nav;
use shirube_catalog::Lang;

/// The HTTP status of an application error.
pub fn status(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// RFC 9457 problem details, with both languages.
pub fn problem(e: &AppError) -> Response {
    let mut resp = (status(e), e.problem_body().to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if let AppError::TooManyRequests { retry_after } = e {
        if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    resp
}

/// An error from a JSON API handler: always problem+json.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem(&self.0)
    }
}

/// An error from a page handler: an HTML page in the user's language.
#[derive(Debug)]
pub struct PageError(pub AppError, pub Lang);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(err, lang) = self;
        if matches!(err, AppError::Unauthenticated) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let page = ErrorPage::new(lang, &err);
        let mut resp = match askama::Template::render(&page) {
            Ok(html) => Html(html).into_response(),
            Err(_) => err.message(lang).into_response(),
        };
        *resp.status_mut() = status(&err);
        // Rendered without knowing who asked; `pages::error_nav` redraws it with the
        // signed-in header when there is a session.
        resp.extensions_mut().insert(page);
        resp
    }
}

/// A template that failed to render is our fault.
pub fn render_failed(e: askama::Error) -> AppError {
    AppError::internal(e)
}

/// The HTML error page: what happened, what to do about it, and a way back.
#[derive(Template, Clone)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub title: String,
    /// What went wrong, one line each (no line repeats the title or another line).
    pub lines: Vec<String>,
    /// What the person can do next.
    pub next: String,
    /// The page the person came from (same site only), for the "back" link.
    pub back: Option<String>,
    pub status: u16,
}

impl ErrorPage {
    pub fn new(lang: Lang, err: &AppError) -> Self {
        let t = Tr::new(lang);
        let title = match err {
            AppError::NotFound => t.t("err-title-not-found"),
            AppError::Forbidden => t.t("err-title-forbidden"),
            _ => t.t("err-title-generic"),
        };
        let mut lines: Vec<String> = Vec::new();
        let mut push = |m: String| {
            if m != title && !lines.contains(&m) {
                lines.push(m);
            }
        };
        let fields = err.field_messages(lang);
        if fields.is_empty() {
            push(err.message(lang));
        }
        for (f, m) in fields {
            // A conflict's field message is its title's text: say it once.
            match shirube_app::error::field_label(lang, &f) {
                Some(label) if !matches!(err, AppError::Conflict { .. }) => {
                    push(format!("{label}: {m}"))
                }
                _ => push(m),
            }
        }
        let next = t.t(match err.status_code() {
            404 => "err-next-not-found",
            403 => "err-next-forbidden",
            409 => "err-next-conflict",
            413 => "err-next-too-large",
            429 => "err-next-too-many",
            400 | 415 | 422 => "err-next-invalid",
            _ => "err-next-internal",
        });
        ErrorPage {
            t,
            nav: None,
            title,
            lines,
            next,
            back: None,
            status: err.status_code(),
        }
    }
}

/// The path of a same-site `Referer`, for an error page's "back" link: only when its host is
/// the request's own, and never the page that failed itself.
pub fn back_link(headers: &axum::http::HeaderMap, current: &str) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    let origin_host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str()?),
        None => url.host_str()?.to_string(),
    };
    if origin_host != host {
        return None;
    }
    let mut path = url.path().to_string();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    (path != current && path.starts_with('/') && !path.starts_with("//")).then_some(path)
}
