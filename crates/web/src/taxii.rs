//! The TAXII 2.1 face of threat intelligence under `/taxii2/`: discovery, one API root per
//! industry group, collections, objects, manifest, versions, delete, add (the status comes
//! back complete) and status. Media type `application/taxii+json;version=2.1` (with or
//! without the version), TAXII error messages, Bearer or Basic (e-mail + API token)
//! authentication. The rules live in `shirube_app::intel`.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use shirube_app::accounts::Via;
use shirube_app::intel::{self, Filter, Page};
use shirube_app::{AppError, Principal};

use crate::AppState;

/// The media type of every TAXII response.
pub const TAXII: &str = "application/taxii+json;version=2.1";
const STIX: &str = "application/stix+json;version=2.1";

/// The TAXII routes, with and without the trailing slash the specification writes.
pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    let paths: [(&str, axum::routing::MethodRouter<AppState>); 9] = [
        ("/taxii2", get(discovery)),
        ("/taxii2/{root}", get(api_root)),
        ("/taxii2/{root}/status/{id}", get(status)),
        ("/taxii2/{root}/collections", get(collections)),
        ("/taxii2/{root}/collections/{cid}", get(collection)),
        (
            "/taxii2/{root}/collections/{cid}/objects",
            get(objects).post(add_objects),
        ),
        ("/taxii2/{root}/collections/{cid}/manifest", get(manifest)),
        (
            "/taxii2/{root}/collections/{cid}/objects/{oid}",
            get(object).delete(delete_object),
        ),
        (
            "/taxii2/{root}/collections/{cid}/objects/{oid}/versions",
            get(versions),
        ),
    ];
    for (path, method) in paths {
        r = r
            .route(&format!("{path}/"), method.clone())
            .route(path, method);
    }
    r
}

/// A TAXII error message resource.
struct TaxiiError {
    status: StatusCode,
    title: String,
    description: Option<String>,
    /// The description in Japanese, carried in the resource's `details` (TAXII 2.1 §3.6.1
    /// allows any properties there): clients show `description`, people in Japan read this.
    description_ja: Option<String>,
}

impl TaxiiError {
    fn new(status: StatusCode, title: &str) -> Self {
        TaxiiError {
            status,
            title: title.to_string(),
            description: None,
            description_ja: None,
        }
    }
}

impl From<AppError> for TaxiiError {
    fn from(e: AppError) -> Self {
        let status = crate::error::status(&e);
        let describe = |lang| {
            let mut d = e.message(lang);
            for (field, message) in e.field_messages(lang) {
                d.push_str(&format!(" {field}: {message}"));
            }
            d
        };
        let description = describe(shirube_catalog::Lang::En);
        let description_ja = describe(shirube_catalog::Lang::Ja);
        let title = match &e {
            AppError::Unauthenticated => "Authentication required",
            AppError::Forbidden => "Forbidden",
            AppError::NotFound => "Not found",
            AppError::Malformed { .. } => "Bad request",
            AppError::Invalid(_) | AppError::Unreadable { .. } => "Unprocessable request",
            AppError::TooLarge { .. } => "Request too large",
            AppError::UnsupportedMediaType { .. } => "Unsupported media type",
            _ => "Error",
        };
        TaxiiError {
            status,
            title: title.to_string(),
            description: Some(description),
            description_ja: Some(description_ja),
        }
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let mut body =
            json!({ "title": self.title, "http_status": self.status.as_u16().to_string() });
        if let Some(d) = self.description {
            body["description"] = json!(d);
        }
        if let Some(d) = self.description_ja {
            body["details"] = json!({ "description_ja": d });
        }
        let mut resp = taxii_response(self.status, body.to_string());
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Shirube TAXII\", Bearer"),
            );
        }
        resp
    }
}

type Result<T> = std::result::Result<T, TaxiiError>;

fn taxii_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII));
    resp
}

/// Whether a media type (with parameters) is TAXII 2.1: `application/taxii+json`, with no
/// version or `version=2.1`.
fn is_taxii(media: &str) -> bool {
    let mut parts = media.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|e| e.eq_ignore_ascii_case("application/taxii+json"))
    {
        return false;
    }
    parts.all(|p| match p.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("version") => {
            v.trim().trim_matches('"') == "2.1"
        }
        _ => true,
    })
}

/// 406 unless the client accepts TAXII 2.1 (or anything).
fn check_accept(headers: &HeaderMap) -> Result<()> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let ok = accept.split(',').any(|m| {
        let essence = m.split(';').next().unwrap_or("").trim();
        is_taxii(m.trim()) || essence == "*/*" || essence == "application/*"
    });
    if ok {
        Ok(())
    } else {
        Err(TaxiiError {
            status: StatusCode::NOT_ACCEPTABLE,
            title: "Not acceptable".into(),
            description: Some(format!("this server answers {TAXII}")),
            description_ja: Some(format!(
                "このサーバーの応答は {TAXII} です。Accept ヘッダーにこの形式を含めてください。"
            )),
        })
    }
}

/// The caller (401 without valid credentials). A cookie session may read but not write:
/// TAXII writes come from clients with tokens, never from a browser page.
async fn caller(state: &AppState, headers: &HeaderMap, method: &Method) -> Result<Principal> {
    check_accept(headers)?;
    let p = crate::auth::resolve(headers, state)
        .await?
        .ok_or_else(|| TaxiiError::from(AppError::Unauthenticated))?;
    if matches!(p.via, Via::Session { .. }) && !matches!(*method, Method::GET | Method::HEAD) {
        return Err(AppError::Forbidden.into());
    }
    Ok(p)
}

fn filter(query: &Option<String>) -> Result<Filter> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    Ok(Filter::parse(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?)
}

fn root_url(state: &AppState, group_id: &str) -> String {
    format!(
        "{}/taxii2/{group_id}/",
        state.config.public_url.trim_end_matches('/')
    )
}

async fn discovery(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let roots: Vec<String> = intel::api_roots(&state, &p)
        .await?
        .iter()
        .map(|g| root_url(&state, &g.id))
        .collect();
    let mut body = json!({
        "title": "Shirube TAXII 2.1",
        "description": "Threat intelligence shared within industry groups (業界団体).",
        "api_roots": roots,
    });
    if let Some(first) = roots.first() {
        body["default"] = json!(first);
    }
    Ok(taxii_response(StatusCode::OK, body.to_string()))
}

async fn api_root(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(root): Path<String>,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let group = intel::api_root(&state, &p, &root).await?;
    let body = json!({
        "title": group.name,
        "versions": [TAXII],
        "max_content_length": intel::MAX_ENVELOPE_BYTES,
    });
    Ok(taxii_response(StatusCode::OK, body.to_string()))
}

fn collection_json(c: &intel::Collection) -> Value {
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "can_read": c.can_read,
        "can_write": c.can_write,
        "media_types": [STIX],
    })
}

async fn collections(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(root): Path<String>,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let list: Vec<Value> = intel::collections(&state, &p, &root)
        .await?
        .iter()
        .map(collection_json)
        .collect();
    let body = if list.is_empty() {
        json!({})
    } else {
        json!({ "collections": list })
    };
    Ok(taxii_response(StatusCode::OK, body.to_string()))
}

async fn collection(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((root, cid)): Path<(String, String)>,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let c = intel::collection(&state, &p, &root, &cid).await?;
    Ok(taxii_response(
        StatusCode::OK,
        collection_json(&c).to_string(),
    ))
}

/// An envelope (or manifest or versions list) with the date-added headers.
fn paged(page: &Page, key: &str, items: Vec<String>) -> Response {
    let mut body = String::with_capacity(items.iter().map(String::len).sum::<usize>() + 64);
    body.push_str(&format!("{{\"more\":{}", page.next.is_some()));
    if let Some(next) = &page.next {
        body.push_str(&format!(",\"next\":{}", json!(next)));
    }
    if !items.is_empty() {
        body.push_str(&format!(",\"{key}\":["));
        body.push_str(&items.join(","));
        body.push(']');
    }
    body.push('}');
    let mut resp = taxii_response(StatusCode::OK, body);
    if let (Some(first), Some(last)) = (page.rows.first(), page.rows.last()) {
        for (name, value) in [
            ("x-taxii-date-added-first", &first.date_added),
            ("x-taxii-date-added-last", &last.date_added),
        ] {
            if let Ok(v) = HeaderValue::from_str(value) {
                resp.headers_mut().insert(name, v);
            }
        }
    }
    resp
}

fn envelope(page: Page) -> Response {
    let items = page.rows.iter().map(|r| r.body.clone()).collect();
    paged(&page, "objects", items)
}

async fn objects(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((root, cid)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let page = intel::objects(&state, &p, &root, &cid, &filter(&q)?).await?;
    Ok(envelope(page))
}

async fn object(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((root, cid, oid)): Path<(String, String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let page = intel::object(&state, &p, &root, &cid, &oid, &filter(&q)?).await?;
    Ok(envelope(page))
}

async fn manifest(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((root, cid)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let page = intel::manifest(&state, &p, &root, &cid, &filter(&q)?).await?;
    let items = page
        .rows
        .iter()
        .map(|r| json!({ "id": r.object_id, "date_added": r.date_added, "version": r.version, "media_type": STIX }).to_string())
        .collect();
    Ok(paged(&page, "objects", items))
}

async fn versions(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((root, cid, oid)): Path<(String, String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let page = intel::versions(&state, &p, &root, &cid, &oid, &filter(&q)?).await?;
    let items = page
        .rows
        .iter()
        .map(|r| json!(r.version).to_string())
        .collect();
    Ok(paged(&page, "versions", items))
}

async fn delete_object(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((root, cid, oid)): Path<(String, String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    intel::delete_object(&state, &p, &root, &cid, &oid, &filter(&q)?).await?;
    Ok(taxii_response(StatusCode::OK, String::new()))
}

fn status_json(s: &shirube_app::intel::Status) -> String {
    let mut body = json!({
        "id": s.id,
        "status": "complete",
        "request_timestamp": s.request_timestamp,
        "total_count": s.total_count,
        "success_count": s.success_count,
        "failure_count": s.failure_count,
        "pending_count": 0,
    })
    .to_string();
    // The stored lists are spliced in as text (a thousand entries parsed and written again
    // would cost more than storing them did); only non-empty lists are written. The store
    // writes `{"successes":[…],"failures":[…]}`, where that separator cannot occur inside a
    // string (its quotes would be escaped); anything else is read as JSON.
    let lists = s
        .details
        .strip_prefix("{\"successes\":[")
        .and_then(|rest| rest.strip_suffix("]}"))
        .and_then(|rest| rest.split_once("],\"failures\":["))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap_or_else(|| {
            let details: Value = serde_json::from_str(&s.details).unwrap_or_else(|_| json!({}));
            let list = |key: &str| {
                details
                    .get(key)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(Value::to_string).collect::<Vec<_>>().join(","))
                    .unwrap_or_default()
            };
            (list("successes"), list("failures"))
        });
    body.pop();
    for (key, list) in [("successes", lists.0), ("failures", lists.1)] {
        if !list.is_empty() {
            body.push_str(&format!(",\"{key}\":[{list}]"));
        }
    }
    body.push('}');
    body
}

async fn add_objects(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((root, cid)): Path<(String, String)>,
    body: Body,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    // Who may write is checked before the body is read or its type judged.
    let target = intel::writable(&state, &p, &root, &cid).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !is_taxii(content_type) {
        return Err(TaxiiError {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            title: "Unsupported media type".into(),
            description: Some(format!("send the envelope as {TAXII}")),
            description_ja: Some(format!(
                "エンベロープは {TAXII} として送ってください（Content-Type ヘッダー）。"
            )),
        });
    }
    let bytes = axum::body::to_bytes(body, intel::MAX_ENVELOPE_BYTES)
        .await
        .map_err(|_| TaxiiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request too large"))?;
    let s = intel::add_objects_to(&state, &p, &target, &bytes).await?;
    Ok(taxii_response(StatusCode::ACCEPTED, status_json(&s)))
}

async fn status(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((root, id)): Path<(String, String)>,
) -> Result<Response> {
    let p = caller(&state, &headers, &method).await?;
    let s = intel::status(&state, &p, &root, &id).await?;
    Ok(taxii_response(StatusCode::OK, status_json(&s)))
}
