//! Prometheus metrics: request counts and latencies by route, rendered at `/metrics`.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// A handle to the process-wide recorder (installed once; tests build many apps).
#[derive(Clone)]
pub struct Metrics {
    handle: Option<Arc<PrometheusHandle>>,
}

impl Metrics {
    pub fn install() -> Metrics {
        static HANDLE: OnceLock<Option<Arc<PrometheusHandle>>> = OnceLock::new();
        let handle = HANDLE
            .get_or_init(|| {
                PrometheusBuilder::new()
                    .install_recorder()
                    .ok()
                    .map(Arc::new)
            })
            .clone();
        Metrics { handle }
    }

    /// Drains old histogram samples; without it they pile up until `/metrics` is scraped.
    pub fn upkeep(&self) {
        if let Some(h) = &self.handle {
            h.run_upkeep();
        }
    }

    pub fn render(&self) -> String {
        self.handle.as_ref().map(|h| h.render()).unwrap_or_default()
    }
}

/// Records `shirube_http_requests_total` and `shirube_http_request_duration_seconds` per route
/// template (never the raw path, which may hold ids).
pub async fn track(State(_): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    metrics::counter!("shirube_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("shirube_http_request_duration_seconds", "method" => method, "route" => route).record(start.elapsed().as_secs_f64());
    resp
}
