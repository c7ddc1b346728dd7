//! The JSON API under `/api/v1`: request/response types and handlers, one module per
//! resource. Errors are RFC 9457 problem+json naming the field.

pub mod assessments;
pub mod auth;
pub mod buyers;
pub mod catalog;
pub mod credentials;
pub mod evaluations;
pub mod industry;
pub mod scans;
pub mod tokens;

use axum::extract::{FromRequest, Request};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use shirube_app::AppError;

/// A JSON body whose errors name the offending field (`organization.corporate_number`),
/// unlike axum's `Json`, whose rejections are plain text.
pub struct ApiJson<T>(pub T);

/// Longest JSON body accepted.
const MAX_JSON: usize = 1024 * 1024;

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            ApiError(AppError::Malformed {
                field: None,
                detail: "the request body could not be read".into(),
            })
        })?;
        if bytes.len() > MAX_JSON {
            return Err(ApiError(AppError::TooLarge {
                field: "body".into(),
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
