//! The supply graph as buyers see it: one line per buyer–supplier relationship with the best
//! level the supplier shares with that buyer, whether it passes its own suppliers on, and the
//! BCP facts the weak-point analysis needs. The portfolio is one buyer's lines; the tier walk
//! reads the lines of a whole tier of buyers at once.

use std::collections::HashMap;

use serde::Deserialize;
use sqlx::Row;

use crate::{Backend, Result, Store, StoreError};

/// One relationship as its buyer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplyLine {
    pub buyer_id: String,
    pub relationship_id: String,
    /// `None` while an e-mail invitation is not accepted.
    pub supplier_id: Option<String>,
    pub invite_email: Option<String>,
    pub supplier_name: Option<String>,
    pub corporate_number: Option<String>,
    pub required_level: i64,
    pub due_date: String,
    pub created_at: String,
    pub updated_at: String,
    /// Level of the most recent declared or certified assessment shared with the buyer
    /// (credential not revoked).
    pub achieved_level: Option<i64>,
    /// Active shares from the supplier to the buyer.
    pub shares: i64,
    /// Last change of a shared assessment.
    pub last_update: Option<String>,
    /// An active share passes the level-only view of the supplier's own suppliers on.
    pub passes_on: bool,
    pub critical: bool,
    pub alternatives: i64,
    pub stock_days: i64,
    /// The supplier's BCP facts record a restore test.
    pub restore_tested: bool,
}

impl Store {
    /// Every relationship of these buyers (invitations included), oldest first per buyer.
    ///
    /// Two queries whatever the number of buyers: the buyers go in as one JSON array
    /// parameter (binding hundreds of separate parameters costs SQLite time quadratic in
    /// their number). Shares are aggregated per (buyer, supplier) in the second query and
    /// joined here, which measured faster than joining them in SQL (bench/supply.sh). How
    /// rows come back differs per database; see below.
    pub async fn supply_lines(&self, buyer_ids: &[String]) -> Result<Vec<SupplyLine>> {
        if buyer_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(buyer_ids)
            .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
        let in_ids = match self.backend {
            Backend::Sqlite => "SELECT value FROM json_each($1)",
            Backend::Postgres => "SELECT json_array_elements_text($1::json)",
        };
        let lines = format!(
            "SELECT r.buyer_id, r.id, r.supplier_id, r.invite_email, o.name, o.corporate_number, \
               r.required_level, r.due_date, r.created_at, r.updated_at, r.critical, r.alternatives, r.stock_days, \
               CAST(CASE WHEN f.last_restore_test IS NULL THEN 0 ELSE 1 END AS BIGINT) AS restore_tested \
             FROM relationships r \
             LEFT JOIN organizations o ON o.id = r.supplier_id \
             LEFT JOIN bcp_facts f ON f.organization_id = r.supplier_id \
             WHERE r.buyer_id IN ({in_ids})"
        );
        let shares = format!(
            "SELECT s.buyer_id, s.supplier_id, \
               CAST(MAX(CASE WHEN a.status IN ('declared', 'certified') \
                     AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.assessment_id = a.id AND c.revoked_at IS NOT NULL) \
                   THEN CASE WHEN a.status = 'certified' THEN 4 ELSE 3 END END) AS BIGINT) AS achieved, \
               COUNT(*) AS shares, MAX(a.updated_at) AS last_update, MAX(s.pass_on) AS passes \
             FROM shares s JOIN assessments a ON a.id = s.assessment_id \
             WHERE s.revoked_at IS NULL AND s.buyer_id IN ({in_ids}) GROUP BY s.buyer_id, s.supplier_id"
        );
        let (rows, shares): (Vec<RelationshipJson>, Vec<ShareJson>) = match self.backend {
            // SQLite: each result row crosses from sqlx's SQLite thread separately, which
            // for 10,000 lines cost several times the query, so the rows come back as one
            // JSON array.
            Backend::Sqlite => {
                let sql = format!(
                    "SELECT {} FROM ({lines}) x",
                    self.json_rows(
                        "x.buyer_id, x.id, x.supplier_id, x.invite_email, x.name, x.corporate_number, x.required_level, \
                         x.due_date, x.created_at, x.updated_at, x.critical, x.alternatives, x.stock_days, x.restore_tested",
                        ""
                    )
                );
                let (json,): (String,) = sqlx::query_as(&sql)
                    .bind(&ids)
                    .fetch_one(&self.pool)
                    .await?;
                let rows = decode(&json)?;
                let sql = format!(
                    "SELECT {} FROM ({shares}) x",
                    self.json_rows(
                        "x.buyer_id, x.supplier_id, x.achieved, x.shares, x.last_update, x.passes",
                        ""
                    )
                );
                let (json,): (String,) = sqlx::query_as(&sql)
                    .bind(&ids)
                    .fetch_one(&self.pool)
                    .await?;
                (rows, decode(&json)?)
            }
            // PostgreSQL streams rows cheaply, and building the JSON there cost ten times the
            // join (json_agg over 10,000 lines: 33 ms against 3 ms), so rows come as rows.
            Backend::Postgres => {
                let rows = sqlx::query(&lines)
                    .bind(&ids)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(RelationshipJson(
                            r.try_get(0)?,
                            r.try_get(1)?,
                            r.try_get(2)?,
                            r.try_get(3)?,
                            r.try_get(4)?,
                            r.try_get(5)?,
                            r.try_get(6)?,
                            r.try_get(7)?,
                            r.try_get(8)?,
                            r.try_get(9)?,
                            r.try_get(10)?,
                            r.try_get(11)?,
                            r.try_get(12)?,
                            r.try_get(13)?,
                        ))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let shares = sqlx::query(&shares)
                    .bind(&ids)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(ShareJson(
                            r.try_get(0)?,
                            r.try_get(1)?,
                            r.try_get(2)?,
                            r.try_get(3)?,
                            r.try_get(4)?,
                            r.try_get(5)?,
                        ))
                    })
                    .collect::<Result<Vec<_>>>()?;
                (rows, shares)
            }
        };
        let shares: HashMap<(&str, &str), &ShareJson> = shares
            .iter()
            .map(|s| ((s.0.as_str(), s.1.as_str()), s))
            .collect();
        let mut out: Vec<SupplyLine> = rows
            .into_iter()
            .map(|r| {
                let share =
                    r.2.as_deref()
                        .and_then(|supplier| shares.get(&(r.0.as_str(), supplier)));
                SupplyLine {
                    achieved_level: share.and_then(|s| s.2),
                    shares: share.map_or(0, |s| s.3),
                    last_update: share.and_then(|s| s.4.clone()),
                    passes_on: share.is_some_and(|s| s.5.unwrap_or(0) > 0),
                    buyer_id: r.0,
                    relationship_id: r.1,
                    supplier_id: r.2,
                    invite_email: r.3,
                    supplier_name: r.4,
                    corporate_number: r.5,
                    required_level: r.6,
                    due_date: r.7,
                    created_at: r.8,
                    updated_at: r.9,
                    critical: r.10 != 0,
                    alternatives: r.11,
                    stock_days: r.12,
                    restore_tested: r.13 != 0,
                }
            })
            .collect();
        out.sort_unstable_by(|a, b| {
            (&a.buyer_id, &a.created_at, &a.relationship_id).cmp(&(
                &b.buyer_id,
                &b.created_at,
                &b.relationship_id,
            ))
        });
        Ok(out)
    }

    /// A buyer's portfolio: all its relationships, oldest first.
    pub async fn portfolio(&self, buyer_id: &str) -> Result<Vec<SupplyLine>> {
        self.supply_lines(&[buyer_id.to_string()]).await
    }
}

fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// A relationship as the database returns it (in column order; flags as 0/1).
#[derive(Deserialize)]
struct RelationshipJson(
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
);

/// Active shares from one supplier to one buyer, aggregated: buyer, supplier, best level,
/// count, last update, pass-on.
#[derive(Deserialize)]
struct ShareJson(
    String,
    String,
    Option<i64>,
    i64,
    Option<String>,
    Option<i64>,
);
