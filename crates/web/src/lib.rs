//! Shirube's HTTP face: the JSON API under `/api/v1`, the server-rendered pages, the
//! extractors that authenticate a request, error rendering and metrics. Every handler is a
//! thin face over a use case in `shirube-app`; this crate cannot reach the store.
#![doc = include_str!("../README.md")]

pub mod api;
pub mod auth;
pub mod chrome;
pub mod error;
pub mod flash;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod router;
pub mod taxii;

use std::net::SocketAddr;
use std::ops::{Deref, DerefMut};

use shirube_app::App;

/// Everything a handler needs, cheap to clone: the application and the HTTP metrics.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: metrics::Metrics,
    /// One-time secrets shown after a redirect.
    pub flash: flash::Flash,
}

impl AppState {
    pub fn new(app: App) -> AppState {
        AppState {
            app,
            metrics: metrics::Metrics::install(),
            flash: flash::Flash::default(),
        }
    }
}

/// Handlers pass the state wherever a use case wants the application.
impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut App {
        &mut self.app
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Serves until Ctrl-C / SIGTERM, then drains in-flight requests.
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    state.app.spawn_background();
    let metrics = state.metrics.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            metrics.upkeep();
        }
    });
    let app = router::router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(ServeError::Serve)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
