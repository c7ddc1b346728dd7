//! One closed error type for every use case, grouped by what the caller should do about it.
//! The faces render it: problem+json under `/api`, an HTML page elsewhere.

use serde_json::json;
use shirube_catalog::Lang;
use shirube_store::StoreError;

use crate::domain::FieldError;
use crate::i18n::{text, text_with};

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
    /// The request body is not of a media type the operation reads (415); `expected` names
    /// the one it does, e.g. `application/json`.
    UnsupportedMediaType { expected: &'static str },
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
        let op_id = crate::clock::new_id();
        tracing::error!(op_id = %op_id, error = %cause, "internal error");
        AppError::Internal { op_id }
    }

    /// The HTTP status the faces answer with (the one place that maps errors to statuses;
    /// the web crate turns it into its own type).
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::Unreadable { .. } => 422,
            AppError::Malformed { .. } => 400,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } => 409,
            AppError::TooLarge { .. } => 413,
            AppError::UnsupportedMediaType { .. } => 415,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal { .. } => 500,
        }
    }

    /// The message key of the error's title.
    pub fn title_key(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "err-title-invalid",
            AppError::Unreadable { .. } => "err-title-invalid",
            AppError::Malformed { .. } => "err-title-malformed",
            AppError::Unauthenticated => "err-title-unauthenticated",
            AppError::Forbidden => "err-title-forbidden",
            AppError::NotFound => "err-title-not-found",
            AppError::Conflict { key, .. } => key,
            AppError::TooLarge { .. } => "err-too-large",
            AppError::UnsupportedMediaType { .. } => "err-title-unsupported-media-type",
            AppError::TooManyRequests { .. } => "err-too-many-attempts",
            AppError::Internal { .. } => "err-title-internal",
        }
    }

    /// Field errors as `(field, message)` in a language.
    pub fn field_messages(&self, lang: Lang) -> Vec<(String, String)> {
        match self {
            AppError::Invalid(errs) => errs
                .iter()
                .map(|e| (e.field.clone(), text_with(lang, e.key, &e.args)))
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
            AppError::UnsupportedMediaType { expected } => {
                format!("{}: {expected}", text(lang, "err-unsupported-media-type"))
            }
            other => text(lang, other.title_key()),
        }
    }

    /// RFC 9457 problem details, with both languages, as a JSON value.
    pub fn problem_body(&self) -> serde_json::Value {
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
                .map(|(((field, m_en), (_, m_ja)), code)| {
                    let mut e = json!({ "field": field, "code": code, "message": m_en, "message_ja": m_ja });
                    if let (Some(en), Some(ja)) = (field_label(Lang::En, &field), field_label(Lang::Ja, &field)) {
                        e["label"] = json!(en);
                        e["label_ja"] = json!(ja);
                    }
                    e
                })
                .collect()
        };
        let mut body = json!({
            "type": format!("https://shirube.jp/problems/{}", self.title_key().trim_start_matches("err-")),
            "title": text(Lang::En, self.title_key()),
            "status": self.status_code(),
            "detail": self.message(Lang::En),
            "detail_ja": self.message(Lang::Ja),
        });
        if !errors.is_empty() {
            body["errors"] = json!(errors);
        }
        if let AppError::Internal { op_id } = self {
            body["operation_id"] = json!(op_id);
        }
        body
    }
}

/// The words a person sees for an input field, if the field has a label: the message key is
/// `field-` and the API name with list positions dropped and `.`/`_` as `-`
/// (`user.email` → `field-user-email`, `kpis[2].target.date` → `field-kpis-target-date`).
pub fn field_label(lang: Lang, field: &str) -> Option<String> {
    let mut key = String::with_capacity(field.len() + 6);
    key.push_str("field-");
    let mut in_index = false;
    for c in field.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            _ if in_index => {}
            '.' | '_' => key.push('-'),
            c => key.push(c),
        }
    }
    crate::i18n::lookup(lang, &key)
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
