//! Persistence for Shirube: one store over SQLite or PostgreSQL, evidence blobs, audit log.
#![doc = include_str!("../README.md")]

mod assessments;
mod backup;
pub use backup::{BackupSink, Column, Restore, TABLES};
mod audit;
mod bcp;
mod blobs;
mod buyers;
mod credentials;
mod evaluations;
mod industry;
mod orgs;
mod seed;
mod sessions;
mod supply;
pub use seed::*;
pub use supply::*;
mod scans;
pub use scans::*;
mod states;
pub use states::*;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

pub use assessments::*;
pub use audit::{AuditEntry, AuditVerification};
pub use bcp::*;
pub use blobs::BlobStore;
pub use buyers::*;
pub use credentials::*;
pub use evaluations::*;
pub use industry::*;
pub use orgs::*;
pub use sessions::*;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Errors of the store, grouped by what the caller does with them.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is already taken; `field` names the API field it comes from.
    #[error("{field} is already registered")]
    Conflict { field: &'static str },
    #[error("not found")]
    NotFound,
    #[error("database URL {0:?} is not supported: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("evidence storage error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The store: a connection pool plus the content-addressed blob directory.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    blobs: BlobStore,
}

/// Current time as the store writes it: RFC 3339 UTC with microseconds, sortable as text.
pub fn now_string() -> String {
    format_time(chrono::Utc::now())
}

pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A new time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Store {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    /// `blob_dir` holds evidence files, content-addressed.
    pub async fn open(url: &str, blob_dir: &Path) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; synchronous=FULL makes a
                        // committed write survive a crash of the process or the machine.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // Reads through a memory map share the operating system's page cache
                        // instead of copying every page into each connection's own cache
                        // with a read() call (a tenth of a large portfolio read's time).
                        conn.execute("PRAGMA mmap_size = 268435456").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        tokio::fs::create_dir_all(blob_dir).await?;
        Ok(Store {
            pool,
            backend,
            blobs: BlobStore::new(blob_dir.to_path_buf()),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction. Its first statement takes the audit-log head, which
    /// serialises writers (a row lock on PostgreSQL, the write lock on SQLite) so that the
    /// hash chain never forks and SQLite never has to upgrade a read snapshot.
    pub(crate) async fn begin_write(&self, actor: Actor<'_>) -> Result<WriteTx> {
        let mut tx = self.pool.begin().await?;
        let (seq, hash): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *tx)
                .await?;
        Ok(WriteTx {
            tx,
            seq,
            hash,
            organization_id: actor.organization_id.map(str::to_string),
            user_id: actor.user_id.map(str::to_string),
            at: now_string(),
        })
    }
}

/// Who makes a change, for the audit log.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor<'a> {
    pub organization_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
}

impl<'a> Actor<'a> {
    pub fn user(organization_id: &'a str, user_id: &'a str) -> Self {
        Actor {
            organization_id: Some(organization_id),
            user_id: Some(user_id),
        }
    }
    pub fn system() -> Self {
        Actor::default()
    }
}

/// A write transaction that appends audit entries to the hash chain as it goes.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    seq: i64,
    hash: String,
    organization_id: Option<String>,
    user_id: Option<String>,
    at: String,
}

impl WriteTx {
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    pub(crate) fn at(&self) -> &str {
        &self.at
    }

    /// Records one change in the audit log, inside this transaction.
    pub(crate) async fn audit(
        &mut self,
        action: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        let entry = AuditEntry {
            seq: self.seq + 1,
            at: self.at.clone(),
            organization_id: self.organization_id.clone(),
            user_id: self.user_id.clone(),
            action: action.to_string(),
            subject: subject.to_string(),
            detail: detail.to_string(),
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        let hash = entry.compute_hash();
        sqlx::query(
            "INSERT INTO audit_log (seq, at, organization_id, user_id, action, subject, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(entry.seq)
        .bind(&entry.at)
        .bind(&entry.organization_id)
        .bind(&entry.user_id)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(&entry.detail)
        .bind(&entry.prev_hash)
        .bind(&hash)
        .execute(&mut *self.tx)
        .await?;
        self.seq = entry.seq;
        self.hash = hash;
        Ok(())
    }

    pub(crate) async fn commit(mut self) -> Result<()> {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.seq)
            .bind(&self.hash)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// Maps a unique-constraint violation to a field conflict, anything else to a database error.
pub(crate) fn unique_violation(e: sqlx::Error, field: &'static str) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return StoreError::Conflict { field };
        }
    }
    StoreError::Database(e)
}

/// The default SQLite URL for a data directory.
pub fn sqlite_url_for(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("shirube.db").display())
}

/// Where evidence blobs live for a data directory.
pub fn blob_dir_for(data_dir: &Path) -> PathBuf {
    data_dir.join("blobs")
}
