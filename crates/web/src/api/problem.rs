//! The OpenAPI description of errors: the RFC 9457 problem body that `error::problem` renders
//! from `AppError::problem_body`, and reusable responses for the statuses many operations
//! share. Each `#[utoipa::path]` lists every status it can answer with; statuses whose
//! meaning depends on the operation (403, 404, 409, 422) are written out there with their
//! own description and `body = Problem`.

use serde::Deserialize;
use utoipa::{IntoResponses, ToSchema};

/// RFC 9457 problem details, in English with the Japanese beside it. Every error under
/// `/api/v1` has this shape and the media type `application/problem+json`.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "https://shirube.jp/problems/title-invalid",
    "title": "Some fields are invalid",
    "status": 422,
    "detail": "Some fields are invalid",
    "detail_ja": "入力内容に誤りがあります",
    "errors": [{ "field": "organization.corporate_number", "code": "err-corporate-number-check-digit",
        "message": "The check digit does not match.", "message_ja": "チェックデジットが一致しません。" }]
}))]
pub struct Problem {
    /// `https://shirube.jp/problems/<kind>`: what kind of problem, stable across languages.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary in English.
    pub title: String,
    /// The HTTP status, repeated.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, in English.
    pub detail: String,
    /// What went wrong, in Japanese.
    pub detail_ja: String,
    /// One entry per offending field; absent when no field is to blame.
    #[serde(default)]
    pub errors: Vec<FieldProblem>,
    /// For 500 only: quote it when reporting the problem (the cause is logged under it).
    #[serde(default)]
    pub operation_id: String,
}

/// A problem with one request field.
#[derive(Deserialize, ToSchema)]
pub struct FieldProblem {
    /// The field's path in the request, e.g. `organization.corporate_number`, `file`.
    pub field: String,
    /// A stable message key such as `err-required`; null when the body could not be parsed
    /// (the message then carries the parser's reason).
    pub code: Option<String>,
    pub message: String,
    pub message_ja: String,
}

/// 400 for operations with path or query parameters that could not be read (say,
/// percent-encoded bytes that are not UTF-8).
#[derive(IntoResponses)]
#[response(
    status = 400,
    description = "The path or query string could not be read",
    content_type = "application/problem+json"
)]
pub struct BadRequest(pub Problem);

/// 401 for every operation that needs a bearer token (or a session cookie).
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "No valid bearer token (or session) was sent",
    content_type = "application/problem+json"
)]
pub struct Unauthorized(pub Problem);

/// Errors of every operation that reads a JSON request body.
#[derive(IntoResponses)]
pub enum JsonBodyErrors {
    #[response(
        status = 400,
        description = "The body is not JSON, or does not fit the schema (a missing, unknown or mistyped field, named in `errors[].field`)",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 413,
        description = "The body is larger than 1 MiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The Content-Type is not `application/json`",
        content_type = "application/problem+json"
    )]
    UnsupportedMediaType(Problem),
}

/// Errors of every operation that reads a `multipart/form-data` upload.
#[derive(IntoResponses)]
pub enum MultipartErrors {
    #[response(
        status = 400,
        description = "The multipart body could not be read",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 413,
        description = "The file is larger than 20 MiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The Content-Type is not `multipart/form-data`",
        content_type = "application/problem+json"
    )]
    UnsupportedMediaType(Problem),
}

/// 403 for state-changing operations: a cross-site `Origin`, a cookie-authenticated call
/// without the session's `X-CSRF-Token`, or a role that may not do this (viewers never write).
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Not allowed: cross-site request, missing CSRF token (cookie sessions), or a role that may not do this",
    content_type = "application/problem+json"
)]
pub struct Forbidden(pub Problem);

/// 404 for operations on one thing by id.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such thing, or not one the caller may see",
    content_type = "application/problem+json"
)]
pub struct NotFound(pub Problem);

/// 422 for operations whose input the use case checks.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "A field is invalid; `errors` names each one with a message key",
    content_type = "application/problem+json"
)]
pub struct Invalid(pub Problem);
