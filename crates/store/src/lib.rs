//! Persistence for Shirube: one store over SQLite or PostgreSQL, evidence blobs, audit log.
#![doc = include_str!("../README.md")]

/// Runs `$body` once with `$e` bound to the SQLite executor and once (in the other match arm)
/// to the PostgreSQL one, whichever `$db` holds: each query is written once, as one SQL text,
/// and compiled against both native drivers. `$db` is a [`Db`] of executors, e.g.
/// `self.db()` (the pool) or `tx.conn()` (a write transaction).
macro_rules! run {
    ($db:expr, |$e:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($e) => $body,
            $crate::Db::Postgres($e) => $body,
        }
    };
}

/// Executes one statement with its arguments bound in order; the number of rows it changed.
macro_rules! execute {
    ($db:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        run!($db, |e| sqlx::query($sql)$(.bind($arg))*.execute(e).await.map(|r| r.rows_affected()))
    };
}

/// Every row of a query, decoded as `$row` (a `#[derive(sqlx::FromRow)]` struct or a tuple).
macro_rules! fetch_all {
    ($db:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        run!($db, |e| sqlx::query_as::<_, $row>($sql)$(.bind($arg))*.fetch_all(e).await)
    };
}

/// The first row of a query, if there is one, decoded as `$row`.
macro_rules! fetch_optional {
    ($db:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        run!($db, |e| sqlx::query_as::<_, $row>($sql)$(.bind($arg))*.fetch_optional(e).await)
    };
}

/// Exactly one row (an error when there is none), decoded as `$row`.
macro_rules! fetch_one {
    ($db:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        run!($db, |e| sqlx::query_as::<_, $row>($sql)$(.bind($arg))*.fetch_one(e).await)
    };
}

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
mod intel;
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
mod ids;
pub use ids::*;
mod outbox;
pub use outbox::*;
mod experts;
pub use experts::*;
mod verifiers;
pub use verifiers::*;
mod public;
pub use public::*;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};

pub use assessments::*;
pub use audit::{AuditEntry, AuditVerification};
pub use bcp::*;
pub use blobs::BlobStore;
pub use buyers::*;
pub use credentials::*;
pub use evaluations::*;
pub use industry::*;
pub use intel::*;
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

/// One value per database: a pool, a transaction, or an executor borrowed from either.
/// [`run!`] and the macros built on it match on it, so a query is written once.
#[derive(Clone)]
pub(crate) enum Db<S, P> {
    Sqlite(S),
    Postgres(P),
}

type Pool = Db<SqlitePool, PgPool>;
/// An open transaction on either database.
pub(crate) type Tx = Db<Transaction<'static, Sqlite>, Transaction<'static, Postgres>>;
/// A connection (inside a transaction) on either database, as the query macros take it.
pub(crate) type Conn<'a> = Db<&'a mut SqliteConnection, &'a mut PgConnection>;

impl Tx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Db::Sqlite(tx) => Db::Sqlite(&mut **tx),
            Db::Postgres(tx) => Db::Postgres(&mut **tx),
        }
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Db::Sqlite(tx) => tx.commit().await?,
            Db::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// The store: a connection pool plus the content-addressed blob directory.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    blobs: BlobStore,
    /// Where write transactions read the time they stamp on their changes.
    now: std::sync::Arc<dyn Fn() -> String + Send + Sync>,
}

/// Current time as the store writes it: RFC 3339 UTC with microseconds, sortable as text.
pub fn now_string() -> String {
    format_time(chrono::Utc::now())
}

pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A new time-ordered id.
pub fn new_id<K>() -> Id<K> {
    Id::from(uuid::Uuid::now_v7().to_string())
}

/// A new organisation's record key for the statistics' cell-key perturbation: a random
/// 0–255 from a fresh random UUID (drawn apart from the organisation's id, so that it cannot
/// be worked out from anything public).
pub(crate) fn new_record_key() -> i64 {
    i64::from(uuid::Uuid::new_v4().as_bytes()[15])
}

impl Store {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    /// `blob_dir` holds evidence files, content-addressed.
    pub async fn open(url: &str, blob_dir: &Path) -> Result<Store> {
        let pool = if url.starts_with("sqlite:") {
            let mut options = SqliteConnectOptions::from_str(url)?
                // WAL lets readers run beside the one writer; synchronous=FULL makes a
                // committed write survive a crash of the process or the machine.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Reads through a memory map share the operating system's page cache
                // instead of copying every page into each connection's own cache with a
                // read() call (a tenth of a large portfolio read's time).
                .pragma("mmap_size", "268435456")
                // A page cache of 32 MiB per connection (SQLite's default is 2 MiB): a write
                // that touches more pages than the cache holds spills them to the WAL before
                // it commits, and indexes with random keys (STIX ids) touch a page per row.
                // A 1,000-object TAXII add took 9.2 ms to insert with the default, 6.5 ms
                // with this (bench/taxii.sh); the cache only grows as pages are used.
                .pragma("cache_size", "-32768");
            if !url.contains("mode=") {
                options = options.create_if_missing(true);
            }
            Db::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Db::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(PgConnectOptions::from_str(url)?)
                    .await?,
            )
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        match &pool {
            Db::Sqlite(p) => MIGRATOR.run(p).await?,
            Db::Postgres(p) => MIGRATOR.run(p).await?,
        }
        tokio::fs::create_dir_all(blob_dir).await?;
        let store = Store {
            pool,
            blobs: BlobStore::new(blob_dir.to_path_buf()),
            now: std::sync::Arc::new(now_string),
        };
        store.draw_missing_record_keys().await?;
        Ok(store)
    }

    /// Gives every organisation without a record key (those created before migration 0022)
    /// a random one, once: each database with its own random function, since no portable
    /// SQL has one. Later organisations draw theirs when they are created.
    pub(crate) async fn draw_missing_record_keys(&self) -> Result<()> {
        match &self.pool {
            Db::Sqlite(p) => {
                sqlx::query(
                    "UPDATE organizations SET record_key = abs(random() % 256) WHERE record_key IS NULL",
                )
                .execute(p)
                .await?;
            }
            Db::Postgres(p) => {
                sqlx::query(
                    "UPDATE organizations SET record_key = CAST(floor(random() * 256) AS BIGINT) WHERE record_key IS NULL",
                )
                .execute(p)
                .await?;
            }
        }
        Ok(())
    }

    /// Takes the time of every change from `now` (the application's clock) instead of the
    /// wall clock, so tests that move time see it in what the store writes.
    pub fn with_clock(mut self, now: impl Fn() -> String + Send + Sync + 'static) -> Store {
        self.now = std::sync::Arc::new(now);
        self
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// The pool as an executor for the query macros.
    pub(crate) fn db(&self) -> Db<&SqlitePool, &PgPool> {
        match &self.pool {
            Db::Sqlite(p) => Db::Sqlite(p),
            Db::Postgres(p) => Db::Postgres(p),
        }
    }

    /// Starts a transaction on the pool.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            Db::Sqlite(p) => Db::Sqlite(p.begin().await?),
            Db::Postgres(p) => Db::Postgres(p.begin().await?),
        })
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<()> {
        execute!(self.db(), "SELECT 1")?;
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pool {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// Starts a write transaction. Its first statement takes the audit-log head, which
    /// serialises writers (a row lock on PostgreSQL, the write lock on SQLite) so that the
    /// hash chain never forks and SQLite never has to upgrade a read snapshot.
    pub(crate) async fn begin_write(&self, actor: Actor<'_>) -> Result<WriteTx> {
        let mut tx = self.begin().await?;
        let (seq, hash) = fetch_one!(
            tx.conn(),
            (i64, String),
            "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash"
        )?;
        Ok(WriteTx {
            tx,
            seq,
            hash,
            organization_id: actor.organization_id.map(str::to_string),
            user_id: actor.user_id.map(str::to_string),
            at: (self.now)(),
            notices: actor.notices.to_vec(),
        })
    }
}

/// Who makes a change, for the audit log.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor<'a> {
    pub organization_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    /// The notifications the change causes: committed with it, or not at all.
    pub notices: &'a [Notice],
}

impl<'a> Actor<'a> {
    pub fn user(organization_id: &'a OrganizationId, user_id: &'a UserId) -> Self {
        Actor {
            organization_id: Some(organization_id),
            user_id: Some(user_id),
            notices: &[],
        }
    }

    /// The same actor, with the notifications its change causes.
    pub fn with_notices(self, notices: &'a [Notice]) -> Self {
        Actor { notices, ..self }
    }
    pub fn system() -> Self {
        Actor::default()
    }
}

/// A write transaction that appends audit entries to the hash chain as it goes.
pub(crate) struct WriteTx {
    tx: Tx,
    seq: i64,
    hash: String,
    organization_id: Option<String>,
    user_id: Option<String>,
    at: String,
    /// Applied just before the commit, so they stand or fall with the change.
    notices: Vec<Notice>,
}

impl WriteTx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        self.tx.conn()
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
        execute!(
            self.tx.conn(),
            "INSERT INTO audit_log (seq, at, organization_id, user_id, action, subject, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            entry.seq,
            &entry.at,
            &entry.organization_id,
            &entry.user_id,
            &entry.action,
            &entry.subject,
            &entry.detail,
            &entry.prev_hash,
            &hash,
        )?;
        self.seq = entry.seq;
        self.hash = hash;
        Ok(())
    }

    pub(crate) async fn commit(mut self) -> Result<()> {
        let notices = std::mem::take(&mut self.notices);
        self.apply_notices(&notices).await?;
        execute!(
            self.tx.conn(),
            "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            self.seq,
            &self.hash,
        )?;
        self.tx.commit().await
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

#[cfg(test)]
pub(crate) mod testing {
    //! Stores for unit tests: SQLite always, plus PostgreSQL when `SHIRUBE_TEST_POSTGRES`
    //! holds a URL (each store in a fresh schema, so tests never see each other's rows).

    use super::Store;

    /// A store and the directory its files live in (removed when dropped).
    pub(crate) struct TestStore {
        pub(crate) store: Store,
        _dir: tempfile::TempDir,
    }

    pub(crate) async fn stores() -> Vec<TestStore> {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &super::sqlite_url_for(dir.path()),
            &dir.path().join("blobs"),
        )
        .await
        .unwrap();
        let mut out = vec![TestStore { store, _dir: dir }];
        if let Some(url) = std::env::var("SHIRUBE_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
        {
            use sqlx::Connection;
            use std::sync::atomic::{AtomicU64, Ordering};
            static N: AtomicU64 = AtomicU64::new(1);
            let schema = format!(
                "store{}_{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            );
            let mut conn = sqlx::PgConnection::connect(&url)
                .await
                .expect("SHIRUBE_TEST_POSTGRES must be reachable");
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let sep = if url.contains('?') { '&' } else { '?' };
            let scoped = format!("{url}{sep}options=-c%20search_path%3D{schema}");
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&scoped, &dir.path().join("blobs"))
                .await
                .unwrap();
            out.push(TestStore { store, _dir: dir });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_organisation_has_a_random_record_key_and_groups_sum_them() {
        for t in testing::stores().await {
            let store = &t.store;
            for n in 0..40 {
                store
                    .create_organization(
                        &NewOrganization {
                            name: &format!("Key Co {n}"),
                            corporate_number: &format!("{:013}", 1_000_000 + n),
                            industry: "E",
                            employees: 12,
                            capital_yen: None,
                            prefecture: if n % 2 == 0 { "13" } else { "23" },
                        },
                        &NewUser {
                            email: &format!("owner{n}@key.example"),
                            name: "Owner",
                            role: Role::Owner,
                            password_hash: "x",
                        },
                    )
                    .await
                    .unwrap();
            }
            let keys = || async {
                fetch_all!(
                    store.db(),
                    (Option<i64>, String),
                    "SELECT record_key, prefecture FROM organizations ORDER BY id"
                )
                .unwrap()
            };
            let drawn = keys().await;
            assert!(drawn
                .iter()
                .all(|(k, _)| k.is_some_and(|k| (0..256).contains(&k))));
            let distinct: std::collections::HashSet<_> = drawn.iter().map(|(k, _)| *k).collect();
            assert!(distinct.len() > 10, "40 random keys: {distinct:?}");
            // The statistics' groups carry the sums of their organisations' keys.
            let groups = store
                .statistics_groups("2999-01-01T00:00:00.000000Z")
                .await
                .unwrap();
            for g in &groups {
                let sum: i64 = drawn
                    .iter()
                    .filter(|(_, p)| *p == g.prefecture)
                    .filter_map(|(k, _)| *k)
                    .sum();
                assert_eq!((g.organizations, g.key_sum), (20, sum));
                assert_eq!((g.star3, g.star3_keys), (0, 0));
            }
            // Organisations from before record keys existed get one, once; a drawn key stays.
            execute!(
                store.db(),
                "UPDATE organizations SET record_key = NULL WHERE prefecture = $1",
                "23"
            )
            .unwrap();
            store.draw_missing_record_keys().await.unwrap();
            let after = keys().await;
            assert!(after
                .iter()
                .all(|(k, _)| k.is_some_and(|k| (0..256).contains(&k))));
            let kept = |v: &[(Option<i64>, String)]| -> Vec<Option<i64>> {
                v.iter()
                    .filter(|(_, p)| p == "13")
                    .map(|(k, _)| *k)
                    .collect()
            };
            assert_eq!(kept(&after), kept(&drawn));
        }
    }

    #[tokio::test]
    async fn sqlite_connections_run_in_wal_mode_with_full_sync_and_a_memory_map() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&sqlite_url_for(dir.path()), &dir.path().join("blobs"))
            .await
            .unwrap();
        let Db::Sqlite(pool) = store.db() else {
            unreachable!("a sqlite: URL opens SQLite")
        };
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .unwrap();
        let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(pool)
            .await
            .unwrap();
        let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
            .fetch_one(pool)
            .await
            .unwrap();
        let (mmap,): (i64,) = sqlx::query_as("PRAGMA mmap_size")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous = FULL");
        assert_eq!(fk, 1);
        assert_eq!(mmap, 268_435_456);
    }

    #[tokio::test]
    async fn flags_and_optional_columns_read_back_on_every_backend() {
        for t in testing::stores().await {
            let store = &t.store;
            let (org, user) = store
                .create_organization(
                    &NewOrganization {
                        name: "Flag Co",
                        corporate_number: "1234567890123",
                        industry: "E",
                        employees: 12,
                        capital_yen: None,
                        prefecture: "13",
                    },
                    &NewUser {
                        email: "owner@flag.example",
                        name: "Owner",
                        role: Role::Owner,
                        password_hash: "x",
                    },
                )
                .await
                .unwrap();
            let actor = Actor::user(&org, &user);
            assert!(!store.organization(&org).await.unwrap().require_totp);
            store.set_require_totp(actor, &org, true).await.unwrap();
            assert!(store.organization(&org).await.unwrap().require_totp);
            store
                .set_totp(actor, &user, Some("secret"), true)
                .await
                .unwrap();
            let u = store.user(&user).await.unwrap();
            assert!(u.totp_enabled);
            assert_eq!(u.totp_secret.as_deref(), Some("secret"));
            store
                .create_session("hash", &u, "csrf", true, "2999-01-01T00:00:00.000000Z")
                .await
                .unwrap();
            let (session, su) = store
                .session("hash", "2026-01-01T00:00:00.000000Z")
                .await
                .unwrap()
                .unwrap();
            assert!(session.second_factor_pending);
            assert_eq!(su, u);
            let nav = store.nav_facts(&org, &user).await.unwrap();
            assert_eq!(
                (nav.name.as_str(), nav.evaluation_body, nav.industry_group),
                ("Flag Co", false, false)
            );
            assert!(!nav.industry_membership);
            store.set_evaluation_body(&org, true).await.unwrap();
            assert!(store.nav_facts(&org, &user).await.unwrap().evaluation_body);
            let facts = BcpFacts {
                offline_backup: true,
                last_restore_test: None,
                recovery_hours: Some(48),
                alternative_site: false,
                updated_at: String::new(),
            };
            store.set_bcp_facts(actor, &org, &facts).await.unwrap();
            let read = store.bcp_facts(&org).await.unwrap().unwrap();
            assert_eq!(
                (
                    read.offline_backup,
                    read.recovery_hours,
                    read.alternative_site
                ),
                (true, Some(48), false)
            );
            assert!(matches!(
                store.verify_audit().await.unwrap(),
                AuditVerification::Intact { .. }
            ));
            assert_eq!(store.audit_for_org(&org, 3).await.unwrap().len(), 3);
        }
    }
}
