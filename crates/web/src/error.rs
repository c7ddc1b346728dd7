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

/// The HTML error page.
#[derive(Template, Clone)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub title: String,
    pub message: String,
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
        let mut message = err.message(lang);
        for (_, m) in err.field_messages(lang) {
            message.push(' ');
            message.push_str(&m);
        }
        ErrorPage {
            t,
            nav: None,
            title,
            message,
            status: err.status_code(),
        }
    }
}
