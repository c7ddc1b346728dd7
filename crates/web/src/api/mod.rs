//! The JSON API under `/api/v1`: request/response types and handlers, one module per
//! resource. Errors are RFC 9457 problem+json naming the field.

pub mod assessments;
pub mod auth;
pub mod buyers;
pub mod catalog;
pub mod credentials;
pub mod evaluations;
pub mod experts;
pub mod industry;
pub mod intel;
pub mod problem;
pub mod public;
pub mod scans;
pub mod tokens;
pub mod verifications;

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::{header, HeaderMap, StatusCode};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use shirube_app::AppError;

/// A JSON body whose errors name the offending field (`organization.corporate_number`),
/// unlike axum's `Json`, whose rejections are plain text.
pub struct ApiJson<T>(pub T);

/// Longest JSON body accepted.
const MAX_JSON: usize = 1024 * 1024;

/// Whether the request says its body is JSON: `application/json` or any `application/*+json`,
/// with or without parameters. A missing Content-Type is not JSON.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError(AppError::UnsupportedMediaType {
                expected: "application/json",
            }));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            // The router's body limit answers 413 like our own limit below, not 400.
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError(AppError::TooLarge {
                    field: "body".into(),
                })
            } else {
                ApiError(AppError::Malformed {
                    field: None,
                    detail: "the request body could not be read".into(),
                })
            }
        })?;
        if bytes.len() > MAX_JSON {
            return Err(ApiError(AppError::TooLarge {
                field: "body".into(),
            }));
        }
        if has_nul_escape(&bytes) {
            // PostgreSQL text cannot hold NUL, and no field of ours means one: refuse it here
            // rather than fail in the database.
            return Err(ApiError(AppError::Malformed {
                field: None,
                detail: "text must not contain NUL characters (\\u0000)".into(),
            }));
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(ApiJson)
            .map_err(|e| {
                let path = e.path().to_string();
                let path = if path == "." || path.is_empty() {
                    None
                } else {
                    Some(path)
                };
                let inner = e.into_inner();
                // serde reports a missing field by name in its message, not in the path.
                let msg = inner.to_string();
                let missing = msg
                    .strip_prefix("missing field `")
                    .and_then(|r| r.split('`').next())
                    .map(str::to_string);
                let field = match (path, missing) {
                    (Some(p), Some(m)) => Some(format!("{p}.{m}")),
                    (None, Some(m)) => Some(m),
                    (p, None) => p,
                };
                ApiError(AppError::Malformed {
                    field,
                    detail: inner.to_string(),
                })
            })
    }
}

/// A `multipart/form-data` body whose rejections are problem+json: 415 when the request is
/// not multipart at all, unlike axum's `Multipart`, whose rejections are plain text.
pub struct ApiMultipart(pub Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::multipart::MultipartRejection;
        Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|e| match e {
                // axum reports a missing or non-multipart Content-Type as a bad boundary.
                MultipartRejection::InvalidBoundary(_) => {
                    ApiError(AppError::UnsupportedMediaType {
                        expected: "multipart/form-data",
                    })
                }
                other => ApiError(AppError::Malformed {
                    field: None,
                    detail: other.body_text(),
                }),
            })
    }
}

/// Path parameters whose rejections (say, percent-encoded bytes that are not UTF-8) are
/// problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// A query string whose rejections are problem+json naming the problem.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(e: axum::extract::rejection::PathRejection) -> Self {
        ApiError(AppError::Malformed {
            field: None,
            detail: e.body_text(),
        })
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        ApiError(AppError::Malformed {
            field: None,
            detail: e.body_text(),
        })
    }
}

/// Whether a JSON text contains the escape `\u0000` (an odd number of backslashes before
/// `u0000`, so an escaped backslash followed by the letters does not count).
fn has_nul_escape(json: &[u8]) -> bool {
    json.windows(5)
        .enumerate()
        .filter(|(_, w)| w.eq_ignore_ascii_case(b"u0000"))
        .any(|(i, _)| {
            let slashes = json[..i].iter().rev().take_while(|b| **b == b'\\').count();
            slashes % 2 == 1
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_nul_escape_is_found_and_an_escaped_backslash_is_not_one() {
        assert!(super::has_nul_escape(br#"{"name":"a\u0000b"}"#));
        assert!(super::has_nul_escape(br#"{"name":"\\\u0000"}"#));
        assert!(!super::has_nul_escape(br#"{"name":"\\u0000"}"#));
        assert!(!super::has_nul_escape(br#"{"name":"u0000"}"#));
    }
}
