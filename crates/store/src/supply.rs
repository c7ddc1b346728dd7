//! The supply graph as buyers see it: one line per buyer–supplier relationship with the best
//! level the supplier shares with that buyer, whether it passes its own suppliers on, and the
//! BCP facts the weak-point analysis needs. The portfolio is one buyer's lines; the tier walk
//! reads the lines of a whole tier of buyers at once.

use crate::ids::{OrganizationId, RelationshipId};
use std::collections::HashMap;

use serde::Deserialize;

use crate::{Backend, Db, Result, Store, StoreError};

/// One relationship as its buyer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplyLine {
    pub buyer_id: OrganizationId,
    pub relationship_id: RelationshipId,
    /// `None` while an e-mail invitation is not accepted.
    pub supplier_id: Option<OrganizationId>,
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
    /// The supplier has begun a self-assessment (at least one answer, in any assessment),
    /// whether or not it shared anything with this buyer. Only this one fact crosses without
    /// a share: no level, answer or progress.
    pub supplier_started: bool,
}

impl Store {
    /// Every relationship of these buyers (invitations included), oldest first per buyer.
    ///
    /// Two queries whatever the number of buyers, run side by side on two connections. The
    /// buyers go in as one parameter (binding hundreds of separate parameters costs SQLite
    /// time quadratic in their number): a JSON array on SQLite, a text array on PostgreSQL.
    /// Shares are aggregated per (buyer, supplier) in the second query and joined here,
    /// which measured faster than joining them in SQL (bench/supply.sh). How rows come back
    /// differs per database; see below.
    pub async fn supply_lines(&self, buyer_ids: &[OrganizationId]) -> Result<Vec<SupplyLine>> {
        if buyer_ids.is_empty() {
            return Ok(Vec::new());
        }
        let buyers = match self.backend() {
            Backend::Sqlite => "IN (SELECT value FROM json_each($1))",
            // `= ANY` of an array lets the planner estimate each buyer from the column's
            // statistics; with json_array_elements_text it assumed 100 buyers matching
            // everything and joined every relationship before filtering (a tier of 3,000
            // suppliers without suppliers of their own: 47 ms against 3 ms).
            Backend::Postgres => "= ANY($1)",
        };
        let lines = format!(
            "SELECT r.buyer_id, r.id, r.supplier_id, r.invite_email, o.name, o.corporate_number, \
               r.required_level, r.due_date, r.created_at, r.updated_at, r.critical, r.alternatives, r.stock_days, \
               CAST(CASE WHEN f.last_restore_test IS NULL THEN 0 ELSE 1 END AS BIGINT) AS restore_tested, \
               CAST(CASE WHEN o.answered_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS started \
             FROM relationships r \
             LEFT JOIN organizations o ON o.id = r.supplier_id \
             LEFT JOIN bcp_facts f ON f.organization_id = r.supplier_id \
             WHERE r.buyer_id {buyers}"
        );
        let shares = format!(
            "SELECT s.buyer_id, s.supplier_id, \
               CAST(MAX(CASE WHEN a.status IN ('declared', 'certified') \
                     AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.assessment_id = a.id AND c.revoked_at IS NOT NULL) \
                   THEN CASE WHEN a.status = 'certified' THEN 4 ELSE 3 END END) AS BIGINT) AS achieved, \
               COUNT(*) AS shares, MAX(a.updated_at) AS last_update, MAX(s.pass_on) AS passes \
             FROM shares s JOIN assessments a ON a.id = s.assessment_id \
             WHERE s.revoked_at IS NULL AND s.buyer_id {buyers} GROUP BY s.buyer_id, s.supplier_id"
        );
        let (rows, shares): (Vec<LineRecord>, Vec<ShareRecord>) = match self.db() {
            // SQLite: each result row crosses from sqlx's SQLite thread separately, which
            // for 10,000 lines cost several times the query, so the rows come back as one
            // JSON array.
            Db::Sqlite(pool) => {
                let ids = serde_json::to_string(buyer_ids)
                    .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
                let lines = format!(
                    "SELECT {} FROM ({lines}) x",
                    self.json_rows(
                        "x.buyer_id, x.id, x.supplier_id, x.invite_email, x.name, x.corporate_number, x.required_level, \
                         x.due_date, x.created_at, x.updated_at, x.critical, x.alternatives, x.stock_days, x.restore_tested, x.started",
                        ""
                    )
                );
                let shares = format!(
                    "SELECT {} FROM ({shares}) x",
                    self.json_rows(
                        "x.buyer_id, x.supplier_id, x.achieved, x.shares, x.last_update, x.passes",
                        ""
                    )
                );
                let ((lines,), (shares,)): ((String,), (String,)) = tokio::try_join!(
                    sqlx::query_as(&lines).bind(&ids).fetch_one(pool),
                    sqlx::query_as(&shares).bind(&ids).fetch_one(pool),
                )?;
                (decode(&lines)?, decode(&shares)?)
            }
            // PostgreSQL streams rows cheaply, and building the JSON there cost ten times the
            // join (json_agg over 10,000 lines: 33 ms against 3 ms), so rows come as rows.
            // The statements are not kept prepared: a cached generic plan cannot tell one
            // buyer with 10,000 lines from 3,000 buyers with none, and planning costs under
            // a millisecond.
            //
            // A tier's frontier (many buyers) often holds only suppliers that buy from no one
            // on Shirube: their lines are read first, and the shares only when there are any.
            // One buyer's portfolio reads both side by side.
            //
            // Rows decode by position into tuples: by name, each of the 14 columns of 10,000
            // lines was a hash lookup, a fifth of the whole request (perf, bench/supply.sh).
            Db::Postgres(pool) => {
                let lines = async {
                    let rows: Vec<LineTuple> = sqlx::query_as(&lines)
                        .bind(buyer_ids)
                        .persistent(false)
                        .fetch_all(pool)
                        .await?;
                    Ok::<_, sqlx::Error>(rows.into_iter().map(LineRecord::from).collect::<Vec<_>>())
                };
                let shares = async {
                    let rows: Vec<ShareTuple> = sqlx::query_as(&shares)
                        .bind(buyer_ids)
                        .persistent(false)
                        .fetch_all(pool)
                        .await?;
                    Ok::<_, sqlx::Error>(
                        rows.into_iter().map(ShareRecord::from).collect::<Vec<_>>(),
                    )
                };
                if buyer_ids.len() == 1 {
                    tokio::try_join!(lines, shares)?
                } else {
                    let lines: Vec<LineRecord> = lines.await?;
                    if lines.is_empty() {
                        (lines, Vec::new())
                    } else {
                        (lines, shares.await?)
                    }
                }
            }
        };
        let shares: HashMap<(&str, &str), &ShareRecord> = shares
            .iter()
            .map(|s| ((s.buyer_id.as_str(), s.supplier_id.as_str()), s))
            .collect();
        let mut out: Vec<SupplyLine> = rows
            .into_iter()
            .map(|r| {
                let share = r
                    .supplier_id
                    .as_deref()
                    .and_then(|supplier| shares.get(&(r.buyer_id.as_str(), supplier)));
                SupplyLine {
                    achieved_level: share.and_then(|s| s.achieved),
                    shares: share.map_or(0, |s| s.shares),
                    last_update: share.and_then(|s| s.last_update.clone()),
                    passes_on: share.is_some_and(|s| s.passes.unwrap_or(0) > 0),
                    buyer_id: r.buyer_id,
                    relationship_id: r.id,
                    supplier_id: r.supplier_id,
                    invite_email: r.invite_email,
                    supplier_name: r.name,
                    corporate_number: r.corporate_number,
                    required_level: r.required_level,
                    due_date: r.due_date,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                    critical: r.critical != 0,
                    alternatives: r.alternatives,
                    stock_days: r.stock_days,
                    restore_tested: r.restore_tested != 0,
                    supplier_started: r.started != 0,
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
    pub async fn portfolio(&self, buyer_id: &OrganizationId) -> Result<Vec<SupplyLine>> {
        self.supply_lines(std::slice::from_ref(buyer_id)).await
    }
}

fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// A relationship as the database returns it: a [`LineTuple`] on PostgreSQL, an element of the JSON
/// array on SQLite (fields in column order; flags as 0/1).
#[derive(Deserialize)]
struct LineRecord {
    buyer_id: OrganizationId,
    id: RelationshipId,
    supplier_id: Option<OrganizationId>,
    invite_email: Option<String>,
    name: Option<String>,
    corporate_number: Option<String>,
    required_level: i64,
    due_date: String,
    created_at: String,
    updated_at: String,
    critical: i64,
    alternatives: i64,
    stock_days: i64,
    restore_tested: i64,
    started: i64,
}

/// Active shares from one supplier to one buyer, aggregated: best level, count, last update,
/// pass-on (fields in column order, as for [`LineRecord`]).
#[derive(Deserialize)]
struct ShareRecord {
    buyer_id: OrganizationId,
    supplier_id: OrganizationId,
    achieved: Option<i64>,
    shares: i64,
    last_update: Option<String>,
    passes: Option<i64>,
}

/// A [`LineRecord`] as PostgreSQL returns it, column by column in select order.
type LineTuple = (
    OrganizationId,
    RelationshipId,
    Option<OrganizationId>,
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
    i64,
);

impl From<LineTuple> for LineRecord {
    fn from(t: LineTuple) -> Self {
        let (
            buyer_id,
            id,
            supplier_id,
            invite_email,
            name,
            corporate_number,
            required_level,
            due_date,
            created_at,
            updated_at,
            critical,
            alternatives,
            stock_days,
            restore_tested,
            started,
        ) = t;
        LineRecord {
            buyer_id,
            id,
            supplier_id,
            invite_email,
            name,
            corporate_number,
            required_level,
            due_date,
            created_at,
            updated_at,
            critical,
            alternatives,
            stock_days,
            restore_tested,
            started,
        }
    }
}

/// A [`ShareRecord`] as PostgreSQL returns it, column by column in select order.
type ShareTuple = (
    OrganizationId,
    OrganizationId,
    Option<i64>,
    i64,
    Option<String>,
    Option<i64>,
);

impl From<ShareTuple> for ShareRecord {
    fn from(t: ShareTuple) -> Self {
        let (buyer_id, supplier_id, achieved, shares, last_update, passes) = t;
        ShareRecord {
            buyer_id,
            supplier_id,
            achieved,
            shares,
            last_update,
            passes,
        }
    }
}
