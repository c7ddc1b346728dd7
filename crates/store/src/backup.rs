//! Backup and restore of every table, the same on SQLite and PostgreSQL: the schema has only
//! TEXT and BIGINT columns, so each row is a JSON array of strings, integers and nulls.
//! Export reads all tables in one read transaction (one consistent snapshot while the server
//! keeps running); restore writes them into an empty database in one transaction, audit log
//! included verbatim, so the hash chain verifies afterwards exactly as before.

use futures_util::TryStreamExt;
use serde_json::Value;
use sqlx::Row;

use crate::{Backend, Conn, Db, Result, Store, StoreError, Tx};

/// Every table, parents before children (the order restore inserts them in). A test checks
/// that this list is the database's whole schema, so a new table cannot be left out.
pub const TABLES: [&str; 42] = [
    "organizations",
    "users",
    "invitations",
    "sessions",
    "api_tokens",
    "assessments",
    "answers",
    "evidence",
    "audit_head",
    "audit_log",
    "credentials",
    "evaluations",
    "evaluation_findings",
    "evaluation_comments",
    "scans",
    "notifications",
    "relationships",
    "shares",
    "request_messages",
    "bcp_facts",
    "industry_memberships",
    "outbox",
    "experts",
    "engagements",
    "expert_advice",
    "expert_confirmations",
    "roadmap_measures",
    "roadmap_revisions",
    "releases",
    "release_files",
    "security_vendors",
    "security_products",
    "product_uses",
    "assessment_product_evidence",
    "intel_collections",
    "intel_objects",
    "intel_recipients",
    "intel_status",
    "intel_exposures",
    "shared_advisers",
    "shared_adviser_answers",
    "verification_invitations",
];

/// A column and whether it holds integers (otherwise text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub integer: bool,
}

/// Receives a backup as it is read.
pub trait BackupSink {
    /// A table starts; its rows follow.
    fn table(&mut self, name: &str, columns: &[Column]) -> std::io::Result<()>;
    /// One row of the current table, in column order.
    fn row(&mut self, values: &[Value]) -> std::io::Result<()>;
}

/// A restore in progress: one transaction, committed by [`Restore::finish`].
pub struct Restore {
    tx: Tx,
    rows: u64,
}

impl Store {
    /// The tables of the current schema, with their columns.
    pub async fn schema_tables(&self) -> Result<Vec<String>> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' ORDER BY table_name"
            }
        };
        let rows = fetch_all!(self.db(), (String,), sql)?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// Writes every table to `sink` from one consistent snapshot. Returns the rows written.
    pub async fn export(&self, sink: &mut dyn BackupSink) -> Result<u64> {
        let mut tx = self.begin().await?;
        if self.backend() == Backend::Postgres {
            execute!(
                tx.conn(),
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            )?;
        }
        let mut total = 0;
        for table in TABLES {
            let columns = columns(tx.conn(), table).await?;
            sink.table(table, &columns)?;
            let list = columns
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {list} FROM {table}");
            let mut values = Vec::with_capacity(columns.len());
            // The column list is only known at run time, so each value is read by position
            // with the type the catalogue gave.
            run!(tx.conn(), |conn| {
                let mut rows = sqlx::query(&sql).fetch(conn);
                while let Some(row) = rows.try_next().await? {
                    values.clear();
                    for (i, c) in columns.iter().enumerate() {
                        values.push(if c.integer {
                            row.try_get::<Option<i64>, _>(i)?
                                .map_or(Value::Null, Value::from)
                        } else {
                            row.try_get::<Option<String>, _>(i)?
                                .map_or(Value::Null, Value::from)
                        });
                    }
                    sink.row(&values)?;
                    total += 1;
                }
            });
        }
        tx.commit().await?;
        Ok(total)
    }

    /// Starts restoring into this database, which must be empty (freshly created: no
    /// organisation and no audit entry). Everything lands in one transaction.
    pub async fn begin_restore(&self) -> Result<Restore> {
        let mut tx = self.begin().await?;
        let (orgs,) = fetch_one!(
            tx.conn(),
            (i64,),
            "SELECT CAST(COUNT(*) AS BIGINT) FROM organizations"
        )?;
        let (entries,) = fetch_one!(
            tx.conn(),
            (i64,),
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log"
        )?;
        if orgs > 0 || entries > 0 {
            return Err(StoreError::Conflict { field: "database" });
        }
        // The migrations' own rows (the audit head) are replaced by the backup's.
        for table in TABLES.iter().rev() {
            execute!(tx.conn(), &format!("DELETE FROM {table}"))?;
        }
        Ok(Restore { tx, rows: 0 })
    }
}

impl Restore {
    /// Inserts rows into `table`. Columns must exist in this database's table; values are
    /// bound with the column's type (a NULL needs one on PostgreSQL).
    pub async fn rows(&mut self, table: &str, names: &[String], rows: &[Vec<Value>]) -> Result<()> {
        if !TABLES.contains(&table) {
            return Err(StoreError::NotFound);
        }
        let known = columns(self.tx.conn(), table).await?;
        let mut integer = Vec::with_capacity(names.len());
        for n in names {
            match known.iter().find(|c| &c.name == n) {
                Some(c) => integer.push(c.integer),
                None => return Err(StoreError::NotFound),
            }
        }
        let placeholders = (1..=names.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({placeholders})",
            names.join(", ")
        );
        run!(self.tx.conn(), |conn| {
            for row in rows {
                if row.len() != names.len() {
                    return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                        "{table}: a row has {} values for {} columns",
                        row.len(),
                        names.len()
                    ))));
                }
                let mut q = sqlx::query(&sql);
                for (v, int) in row.iter().zip(&integer) {
                    q = match (v, int) {
                        (Value::Null, true) => q.bind(None::<i64>),
                        (Value::Null, false) => q.bind(None::<String>),
                        (Value::Number(n), true) => q.bind(n.as_i64()),
                        (Value::String(s), false) => q.bind(s.as_str()),
                        _ => {
                            return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                                "{table}: a value does not fit its column"
                            ))))
                        }
                    };
                }
                q.execute(&mut *conn).await?;
                self.rows += 1;
            }
        });
        Ok(())
    }

    /// Commits the restore; returns the rows written.
    pub async fn finish(self) -> Result<u64> {
        self.tx.commit().await?;
        Ok(self.rows)
    }
}

/// A table's columns in order, from the database's own catalogue.
async fn columns(conn: Conn<'_>, table: &str) -> Result<Vec<Column>> {
    let sql = match conn {
        Db::Sqlite(_) => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Db::Postgres(_) => {
            "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows = fetch_all!(conn, (String, String), sql, table)?;
    Ok(rows
        .into_iter()
        .map(|(name, kind)| Column {
            integer: kind.to_ascii_lowercase().contains("int"),
            name,
        })
        .collect())
}
