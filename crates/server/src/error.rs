//! One closed error type for the whole server, rendered as RFC 9457 problem+json under
//! `/api` and as an HTML page elsewhere.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use shirube_catalog::Lang;
use shirube_store::StoreError;

use crate::domain::FieldError;
use crate::i18n::text;

/// What went wrong, grouped by what the caller should do about it.
#[derive(Debug)]
pub enum AppError {
    /// Fix these fields and retry (422).
    Invalid(Vec<FieldError>),
    /// An uploaded input that its parser could not read (422): a message key for the field
    /// and the parser's own reason, shown after it.
    Unreadable {
        field: String,
        key: &'static str,
        reason: String,
    },
    /// The request body could not be read at all (400); `field` if one is known.
    Malformed {
        field: Option<String>,
        detail: String,
    },
    /// Sign in first (401).
    Unauthenticated,
    /// Signed in, but not allowed (403).
    Forbidden,
    /// No such thing, or not yours (404).
    NotFound,
    /// The request conflicts with the current state (409), with a message key.
    Conflict {
        key: &'static str,
        field: Option<String>,
    },
    /// The upload is too large (413).
    TooLarge { field: String },
    /// Too many failed attempts; retry after this many seconds (429).
    TooManyRequests { retry_after: u64 },
    /// Our fault (500); the cause was logged with this operation id.
    Internal { op_id: String },
}

impl AppError {
    pub fn field(field: impl Into<String>, key: &'static str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, key)])
    }

    /// Logs an internal cause once, with an operation id the user can quote.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let op_id = uuid::Uuid::now_v7().to_string();
        tracing::error!(op_id = %op_id, error = %cause, "internal error");
        AppError::Internal { op_id }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unreadable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Malformed { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title_key(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "err-title-invalid",
            AppError::Unreadable { .. } => "err-title-invalid",
            AppError::Malformed { .. } => "err-title-malformed",
            AppError::Unauthenticated => "err-title-unauthenticated",
            AppError::Forbidden => "err-title-forbidden",
            AppError::NotFound => "err-title-not-found",
            AppError::Conflict { key, .. } => key,
            AppError::TooLarge { .. } => "err-too-large",
            AppError::TooManyRequests { .. } => "err-too-many-attempts",
            AppError::Internal { .. } => "err-title-internal",
        }
    }

    /// Field errors as `(field, message)` in a language.
    pub fn field_messages(&self, lang: Lang) -> Vec<(String, String)> {
        match self {
            AppError::Invalid(errs) => errs
                .iter()
                .map(|e| (e.field.clone(), text(lang, e.key)))
                .collect(),
            AppError::Malformed {
                field: Some(f),
                detail,
            } => vec![(f.clone(), detail.clone())],
            AppError::Unreadable { field, key, reason } => {
                vec![(field.clone(), format!("{} {reason}", text(lang, key)))]
            }
            AppError::Conflict {
                key,
                field: Some(f),
            } => vec![(f.clone(), text(lang, key))],
            AppError::TooLarge { field } => vec![(field.clone(), text(lang, "err-too-large"))],
            _ => Vec::new(),
        }
    }

    /// The message for a person, in a language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Malformed { detail, .. } => {
                format!("{}: {detail}", text(lang, "err-title-malformed"))
            }
            AppError::Internal { op_id } => {
                format!("{} ({op_id})", text(lang, "err-title-internal"))
            }
            other => text(lang, other.title_key()),
        }
    }

    /// RFC 9457 problem details, with both languages.
    pub fn problem(&self) -> Response {
        let errors: Vec<_> = {
            let en = self.field_messages(Lang::En);
            let ja = self.field_messages(Lang::Ja);
            let codes: Vec<Option<&'static str>> = match self {
                AppError::Invalid(errs) => errs.iter().map(|e| Some(e.key)).collect(),
                AppError::Unreadable { key, .. } => vec![Some(*key)],
                AppError::Conflict { key, .. } => vec![Some(*key)],
                AppError::TooLarge { .. } => vec![Some("err-too-large")],
                _ => vec![None; en.len()],
            };
            en.into_iter()
                .zip(ja)
                .zip(codes)
                .map(|(((field, m_en), (_, m_ja)), code)| json!({ "field": field, "code": code, "message": m_en, "message_ja": m_ja }))
                .collect()
        };
        let status = self.status();
        let mut body = json!({
            "type": format!("https://shirube.jp/problems/{}", self.title_key().trim_start_matches("err-")),
            "title": text(Lang::En, self.title_key()),
            "status": status.as_u16(),
            "detail": self.message(Lang::En),
            "detail_ja": self.message(Lang::Ja),
        });
        if !errors.is_empty() {
            body["errors"] = json!(errors);
        }
        if let AppError::Internal { op_id } = self {
            body["operation_id"] = json!(op_id);
        }
        let mut resp = (status, body.to_string()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let AppError::TooManyRequests { retry_after } = self {
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { field } => AppError::Conflict {
                key: "err-already-registered",
                field: Some(field.to_string()),
            },
            other => AppError::internal(other),
        }
    }
}

/// An error from a JSON API handler: always problem+json.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.problem()
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
        let page = crate::pages::ErrorPage::new(lang, &err);
        let mut resp = match askama::Template::render(&page) {
            Ok(html) => Html(html).into_response(),
            Err(_) => err.message(lang).into_response(),
        };
        *resp.status_mut() = err.status();
        // Rendered without knowing who asked; `pages::error_nav` redraws it with the
        // signed-in header when there is a session.
        resp.extensions_mut().insert(page);
        resp
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::internal(e)
    }
}
