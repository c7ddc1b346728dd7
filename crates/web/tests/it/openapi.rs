//! The served OpenAPI document is complete: every authenticated operation documents 401,
//! every documented error is problem+json with the `Problem` schema, every body-reading
//! operation documents 400/413/415, and deliberately bad requests answer statuses the
//! document lists for their operation. (`bench/openapi.sh` runs schemathesis for the rest.)

use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::TestApp;

const PROBLEM_REF: &str = "#/components/schemas/Problem";
const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// Every (path template, method, operation) of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                ops.push((path.clone(), m.to_string(), op.clone()));
            }
        }
    }
    ops
}

fn documented(op: &Value, status: u16) -> bool {
    op["responses"].get(status.to_string()).is_some()
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_a_bearer_scheme_and_the_problem_schema() {
    let app = TestApp::sqlite().await;
    let doc = app.get_json("/api/v1/openapi.json", None).await;
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"], "http");
    assert_eq!(bearer["scheme"], "bearer");
    let problem = &doc["components"]["schemas"]["Problem"];
    for field in ["type", "title", "status", "detail", "detail_ja"] {
        assert!(
            problem["required"]
                .as_array()
                .is_some_and(|r| r.contains(&json!(field))),
            "Problem must require {field}: {problem}"
        );
    }
    assert!(problem["properties"]["errors"].is_object());
    assert!(problem["properties"]["operation_id"].is_object());
}

#[tokio::test]
async fn every_operation_documents_the_errors_it_can_answer_as_problem_json() {
    let app = TestApp::sqlite().await;
    let doc = app.get_json("/api/v1/openapi.json", None).await;
    let ops = operations(&doc);
    assert!(ops.len() > 50, "only {} operations documented", ops.len());
    let mut missing = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for (path, method, op) in &ops {
        let name = format!("{} {path}", method.to_uppercase());
        if !ids.insert(op["operationId"].to_string()) {
            missing.push(format!(
                "{name}: operationId {} is not unique",
                op["operationId"]
            ));
        }
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        if secured && !documented(op, 401) {
            missing.push(format!("{name}: 401"));
        }
        if path.contains('{') && !documented(op, 400) {
            missing.push(format!("{name}: 400 (path parameters)"));
        }
        let body = &op["requestBody"]["content"];
        if body.get("application/json").is_some() || body.get("multipart/form-data").is_some() {
            for status in [400, 413] {
                if !documented(op, status) {
                    missing.push(format!("{name}: {status} (request body)"));
                }
            }
        }
        // Operations that read a body of one media type refuse the others with 415 (verify
        // reads any, since credentials travel under several media types).
        let one_media_type = (body.get("application/json").is_some() && path != "/api/v1/verify")
            || body.get("multipart/form-data").is_some();
        if one_media_type && !documented(op, 415) {
            missing.push(format!("{name}: 415"));
        }
        // Every state change can meet the Origin check or the CSRF check.
        if method != "get" && !documented(op, 403) {
            missing.push(format!("{name}: 403 (Origin / CSRF)"));
        }
        for (status, resp) in op["responses"].as_object().expect("responses") {
            if !status.starts_with('4') && !status.starts_with('5') {
                continue;
            }
            let content = resp["content"].as_object();
            let keys: Vec<&String> = content.map(|c| c.keys().collect()).unwrap_or_default();
            if keys != ["application/problem+json"] {
                missing.push(format!(
                    "{name}: {status} must be application/problem+json only, is {keys:?}"
                ));
                continue;
            }
            let schema = &resp["content"]["application/problem+json"]["schema"];
            if schema["$ref"] != PROBLEM_REF {
                missing.push(format!("{name}: {status} must use the Problem schema"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented or mis-documented errors:\n{}",
        missing.join("\n")
    );
}

/// A deliberately bad request, the operation it targets, and the status it must get.
struct Bad {
    method: Method,
    url: String,
    template: &'static str,
    token: bool,
    content_type: Option<&'static str>,
    body: Option<String>,
    expect: StatusCode,
}

#[tokio::test]
async fn deliberately_bad_requests_answer_problems_with_statuses_their_operation_lists() {
    let app = TestApp::sqlite().await;
    let org = app.signup("みなと精工").await;
    let doc = app.get_json("/api/v1/openapi.json", None).await;
    let json_ct = Some("application/json");
    let bad = |method: Method,
               url: &str,
               template: &'static str,
               content_type: Option<&'static str>,
               body: Option<&str>,
               expect: StatusCode| Bad {
        method,
        url: url.to_string(),
        template,
        token: true,
        content_type,
        body: body.map(str::to_string),
        expect,
    };
    let mut cases = vec![
        bad(
            Method::POST,
            "/api/v1/assessments",
            "/api/v1/assessments",
            json_ct,
            Some("{not json"),
            StatusCode::BAD_REQUEST,
        ),
        bad(
            Method::POST,
            "/api/v1/assessments",
            "/api/v1/assessments",
            json_ct,
            Some(r#"{"target_level": "three"}"#),
            StatusCode::BAD_REQUEST,
        ),
        bad(
            Method::POST,
            "/api/v1/assessments",
            "/api/v1/assessments",
            Some("text/plain"),
            Some(r#"{"target_level": 3}"#),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        bad(
            Method::POST,
            "/api/v1/assessments",
            "/api/v1/assessments",
            None,
            Some(r#"{"target_level": 3}"#),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        bad(
            Method::POST,
            "/api/v1/assessments",
            "/api/v1/assessments",
            json_ct,
            Some(r#"{"target_level": 5}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        bad(
            Method::PUT,
            "/api/v1/bcp",
            "/api/v1/bcp",
            Some("application/x-www-form-urlencoded"),
            Some("offline_backup=true"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        bad(
            Method::PUT,
            "/api/v1/bcp",
            "/api/v1/bcp",
            json_ct,
            Some(r#"{"offline_backup": true, "alternative_site": false, "recovery_hours": -1}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        bad(
            Method::POST,
            "/api/v1/scans",
            "/api/v1/scans",
            json_ct,
            Some("{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        bad(
            Method::POST,
            "/api/v1/assessments/none/evidence",
            "/api/v1/assessments/{id}/evidence",
            None,
            None,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        bad(
            Method::GET,
            "/api/v1/assessments/no-such-id",
            "/api/v1/assessments/{id}",
            None,
            None,
            StatusCode::NOT_FOUND,
        ),
        bad(
            Method::DELETE,
            "/api/v1/shares/no-such-id",
            "/api/v1/shares/{id}",
            None,
            None,
            StatusCode::NOT_FOUND,
        ),
        bad(
            Method::GET,
            "/api/v1/portfolio?max_tier=0",
            "/api/v1/portfolio",
            None,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        bad(
            Method::GET,
            "/api/v1/catalog?level=5",
            "/api/v1/catalog",
            None,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        bad(
            Method::GET,
            "/api/v1/assessments/%FF",
            "/api/v1/assessments/{id}",
            None,
            None,
            StatusCode::BAD_REQUEST,
        ),
        bad(
            Method::GET,
            "/api/v1/evaluations",
            "/api/v1/evaluations",
            None,
            None,
            StatusCode::FORBIDDEN,
        ),
    ];
    for (method, url, template) in [
        (Method::GET, "/api/v1/me", "/api/v1/me"),
        (Method::PUT, "/api/v1/bcp", "/api/v1/bcp"),
        (
            Method::GET,
            "/api/v1/assessments/x",
            "/api/v1/assessments/{id}",
        ),
    ] {
        let mut case = bad(
            method,
            url,
            template,
            json_ct,
            Some("{}"),
            StatusCode::UNAUTHORIZED,
        );
        case.token = false;
        cases.push(case);
    }
    for case in cases {
        let op = &doc["paths"][case.template][case.method.as_str().to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} is not documented",
            case.method,
            case.template
        );
        let mut req = TestApp::client().request(case.method.clone(), app.url(&case.url));
        if case.token {
            req = req.bearer_auth(&org.token);
        }
        if let Some(ct) = case.content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        if let Some(body) = case.body.clone() {
            req = req.body(body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let content_type = resp.headers()[CONTENT_TYPE].to_str().unwrap().to_string();
        let problem: Value = resp.json().await.unwrap();
        let what = format!("{} {} → {status} {problem}", case.method, case.url);
        assert_eq!(status, case.expect, "{what}");
        assert_eq!(content_type, "application/problem+json", "{what}");
        assert_eq!(problem["status"], status.as_u16(), "{what}");
        assert!(
            documented(op, status.as_u16()),
            "{what}: the document does not list {status} for {} {}",
            case.method,
            case.template
        );
    }
}
