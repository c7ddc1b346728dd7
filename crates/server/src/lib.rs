//! Shirube's HTTP face: the JSON API under `/api/v1`, the server-rendered pages, auth,
//! sessions, metrics. Handlers are thin: they parse, authorise, and call [`app`].
#![doc = include_str!("../README.md")]

pub mod api;
pub mod app;
pub mod assurance;
pub mod auth;
pub mod buyers;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod industry;
pub mod metrics;
pub mod notify;
pub mod openapi;
pub mod pages;
pub mod router;
pub mod trust;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use shirube_catalog::Catalog;
use shirube_store::Store;

/// Largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite database (by default) and evidence blobs live.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; `None` means the SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// The URL people reach Shirube at; decides `Secure` cookies and the allowed Origin.
    pub public_url: String,
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| shirube_store::sqlite_url_for(&self.data_dir))
    }

    /// `scheme://host[:port]` of the public URL, as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        url::Url::parse(&self.public_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| self.public_url.trim_end_matches('/').to_string())
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub catalog: Arc<Catalog>,
    pub config: Arc<Config>,
    pub limiter: Arc<auth::LoginLimiter>,
    pub metrics: metrics::Metrics,
    /// The advisory index vulnerability checks use, swapped when the file changes.
    pub advisories: Arc<app::scans::Advisories>,
    /// Signing keys, DID document and status list of the platform's credentials.
    pub trust: Arc<trust::TrustService>,
    /// How long issued credentials stay valid.
    pub validity: trust::ValidityPolicy,
    /// Outgoing e-mail for notifications; `None` (the default) keeps them in the inbox only.
    pub mailer: Option<Arc<notify::Mailer>>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Store(#[from] shirube_store::StoreError),
    #[error("signing keys: {0}")]
    Keys(#[from] trust::KeyStoreError),
    #[error("the embedded catalog is broken: {0}")]
    Catalog(#[from] shirube_catalog::CatalogError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

impl AppState {
    /// Opens the store (running migrations) and loads the catalog.
    pub async fn open(config: Config) -> Result<AppState, StartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let store = Store::open(
            &config.database_url(),
            &shirube_store::blob_dir_for(&config.data_dir),
        )
        .await?;
        let catalog = Arc::new(shirube_catalog::scs_2026_03_27()?);
        let trust = Arc::new(trust::TrustService::open(
            &config.data_dir,
            &config.public_url,
        )?);
        let advisories = Arc::new(app::scans::Advisories::load(&config.data_dir));
        Ok(AppState {
            store,
            catalog,
            config: Arc::new(config),
            limiter: Arc::new(auth::LoginLimiter::default()),
            metrics: metrics::Metrics::install(),
            advisories,
            trust,
            validity: trust::ValidityPolicy::default(),
            mailer: None,
        })
    }
}

/// Serves until Ctrl-C / SIGTERM, then drains in-flight requests.
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<(), StartError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    app::scans::spawn_watcher(&state);
    spawn_reminders(state.clone());
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
        .map_err(StartError::Serve)
}

/// Checks due dates at start and then hourly; each reminder is sent once.
fn spawn_reminders(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = buyers::send_reminders(&state, chrono::Utc::now().date_naive()).await {
                tracing::warn!(error = ?e, "sending due-date reminders failed");
            }
        }
    });
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
