//! Shirube's application core: every use case once, as one module each. A use case takes
//! the authenticated [`accounts::Principal`], applies the rules, calls the pure cores
//! (`catalog`, `assess`, `trust`, `vuln`) and the store, and returns view types. It knows
//! no HTTP: the JSON API and the pages in `shirube-web` are two thin faces over it.
#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod assessments;
pub mod buyers;
pub mod clock;
pub mod credentials;
pub mod declarations;
pub mod demo;
pub mod domain;
pub mod error;
pub mod evaluations;
pub mod evidence;
pub mod experts;
pub mod i18n;
pub mod industry;
pub mod intel;
pub mod intel_match;
pub mod notifications;
pub mod releases;
pub mod roadmap;
pub mod scans;
pub mod selfsufficiency;
pub mod shared_advisers;
pub mod trust;
pub mod verifications;
pub mod views;
pub mod workspace;

use std::path::PathBuf;
use std::sync::Arc;

use shirube_catalog::Catalog;
use shirube_store::Store;

pub use accounts::Principal;
pub use clock::Clock;
pub use error::AppError;

/// Largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

/// How Shirube runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite database (by default) and evidence blobs live.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; `None` means the SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// The URL people reach Shirube at; decides `Secure` cookies, the allowed Origin and the
    /// issuer's did:web.
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

/// The application: everything a use case needs, cheap to clone. Only this crate reaches
/// the store: the faces call use cases.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Store,
    pub catalog: Arc<Catalog>,
    pub config: Arc<Config>,
    pub limiter: Arc<accounts::LoginLimiter>,
    /// The advisory index vulnerability checks use, swapped when the file changes.
    pub advisories: Arc<scans::Advisories>,
    /// Signing keys, DID document and status list of the platform's credentials.
    pub trust: Arc<trust::TrustService>,
    /// How long issued credentials stay valid.
    pub validity: trust::ValidityPolicy,
    /// Outgoing e-mail for notifications; `None` (the default) keeps them in the inbox only.
    pub mailer: Option<Arc<notifications::Mailer>>,
    /// Where every use case reads the time.
    pub clock: Clock,
    /// How long the public roadmap may show the same live figures (default 60 s; zero reads
    /// them afresh every time). Computing them reads every organisation: two seconds at a
    /// million on SQLite, too much for every visitor of a public page.
    pub live_max_age: std::time::Duration,
    /// The live figures last computed for the public roadmap, with when (the app's clock).
    pub(crate) live_cache: Arc<tokio::sync::Mutex<Option<roadmap::CachedLive>>>,
}

/// Why the application could not start.
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
}

impl App {
    /// Opens the store (running migrations), the signing keys and the advisory index, and
    /// loads the catalog.
    pub async fn open(config: Config) -> Result<App, StartError> {
        App::open_with_clock(config, Clock::system()).await
    }

    /// Opens the application with the given clock (tests pass `Clock::manual`), which the
    /// store also uses for the time it stamps on every change.
    pub async fn open_with_clock(config: Config, clock: Clock) -> Result<App, StartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let store = Store::open(
            &config.database_url(),
            &shirube_store::blob_dir_for(&config.data_dir),
        )
        .await?
        .with_clock({
            let clock = clock.clone();
            move || clock.now_string()
        });
        let catalog = Arc::new(shirube_catalog::scs_2026_03_27()?);
        let trust = Arc::new(trust::TrustService::open(
            &config.data_dir,
            &config.public_url,
        )?);
        let advisories = Arc::new(scans::Advisories::load(&config.data_dir, clock.clone()));
        Ok(App {
            store,
            catalog,
            config: Arc::new(config),
            limiter: Arc::new(accounts::LoginLimiter::default()),
            advisories,
            trust,
            validity: trust::ValidityPolicy::default(),
            mailer: None,
            clock,
            live_max_age: std::time::Duration::from_secs(60),
            live_cache: Arc::default(),
        })
    }

    /// The store, for tests that check what a use case wrote.
    #[cfg(feature = "test-support")]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Checks the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }

    /// Closes the database pool.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Starts the background work: the advisory-index watcher with its re-scans, the
    /// hourly due-date reminders and the outgoing-mail delivery (every 30 seconds, for
    /// retries; new mail leaves at once after its commit).
    pub fn spawn_background(&self) {
        scans::spawn_watcher(self);
        notifications::spawn_outbox_worker(self, std::time::Duration::from_secs(30));
        let app = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                tick.tick().await;
                if let Err(e) = buyers::send_reminders(&app, app.clock.today()).await {
                    tracing::warn!(error = ?e, "sending due-date reminders failed");
                }
            }
        });
    }
}
