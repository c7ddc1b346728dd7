//! BCP facts, the buyer's criticality per supplier, pass-on shares, and the edges of the
//! supply graph as one buyer sees them.

use serde_json::json;
use sqlx::Row;

use crate::{Actor, Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BcpFacts {
    pub offline_backup: bool,
    /// YYYY-MM-DD of the last restore test, if any.
    pub last_restore_test: Option<String>,
    /// Recovery time of the main products or services, in hours.
    pub recovery_hours: Option<i64>,
    pub alternative_site: bool,
    pub updated_at: String,
}

/// One supplier of a buyer, with what the graph analysis needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeRow {
    pub supplier_id: String,
    pub name: String,
    pub required_level: i64,
    pub achieved_level: Option<i64>,
    pub passes_on: bool,
    pub critical: bool,
    pub alternatives: i64,
    pub stock_days: i64,
    pub restore_tested: bool,
}

impl Store {
    pub async fn bcp_facts(&self, organization_id: &str) -> Result<Option<BcpFacts>> {
        let row = sqlx::query("SELECT offline_backup, last_restore_test, recovery_hours, alternative_site, updated_at FROM bcp_facts WHERE organization_id = $1")
            .bind(organization_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(BcpFacts {
                offline_backup: r.try_get::<i64, _>("offline_backup")? != 0,
                last_restore_test: r.try_get("last_restore_test")?,
                recovery_hours: r.try_get("recovery_hours")?,
                alternative_site: r.try_get::<i64, _>("alternative_site")? != 0,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .transpose()
    }

    pub async fn set_bcp_facts(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        f: &BcpFacts,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        sqlx::query(
            "INSERT INTO bcp_facts (organization_id, offline_backup, last_restore_test, recovery_hours, alternative_site, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (organization_id) DO UPDATE SET offline_backup = excluded.offline_backup, last_restore_test = excluded.last_restore_test, \
             recovery_hours = excluded.recovery_hours, alternative_site = excluded.alternative_site, updated_at = excluded.updated_at",
        )
        .bind(organization_id)
        .bind(f.offline_backup as i64)
        .bind(&f.last_restore_test)
        .bind(f.recovery_hours)
        .bind(f.alternative_site as i64)
        .bind(&at)
        .execute(tx.conn())
        .await?;
        tx.audit("bcp.update", organization_id, json!({ "offline_backup": f.offline_backup, "restore_tested": f.last_restore_test.is_some() })).await?;
        tx.commit().await
    }

    /// The buyer's view of how much it depends on one supplier.
    pub async fn set_dependency(
        &self,
        actor: Actor<'_>,
        buyer_id: &str,
        relationship_id: &str,
        critical: bool,
        alternatives: i64,
        stock_days: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let done = sqlx::query("UPDATE relationships SET critical = $1, alternatives = $2, stock_days = $3 WHERE id = $4 AND buyer_id = $5")
            .bind(critical as i64)
            .bind(alternatives)
            .bind(stock_days)
            .bind(relationship_id)
            .bind(buyer_id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(
            "relationship.dependency",
            relationship_id,
            json!({ "critical": critical, "alternatives": alternatives, "stock_days": stock_days }),
        )
        .await?;
        tx.commit().await
    }

    /// Marks whether a share passes the level-only view of the supplier's own suppliers on.
    pub async fn set_pass_on(
        &self,
        actor: Actor<'_>,
        supplier_id: &str,
        share_id: &str,
        pass_on: bool,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let done = sqlx::query("UPDATE shares SET pass_on = $1 WHERE id = $2 AND supplier_id = $3 AND revoked_at IS NULL")
            .bind(pass_on as i64)
            .bind(share_id)
            .bind(supplier_id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit("share.pass_on", share_id, json!({ "pass_on": pass_on }))
            .await?;
        tx.commit().await
    }

    /// A buyer's suppliers as graph edges (linked suppliers only), in one query.
    pub async fn supply_edges(&self, buyer_id: &str) -> Result<Vec<EdgeRow>> {
        let rows = sqlx::query(
            "SELECT r.supplier_id, o.name, r.required_level, r.critical, r.alternatives, r.stock_days, \
               (SELECT CAST(MAX(CASE WHEN a.status = 'certified' THEN 4 ELSE 3 END) AS BIGINT) FROM shares s JOIN assessments a ON a.id = s.assessment_id \
                  WHERE s.buyer_id = r.buyer_id AND s.supplier_id = r.supplier_id AND s.revoked_at IS NULL AND a.status IN ('declared', 'certified') \
                    AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.assessment_id = a.id AND c.revoked_at IS NOT NULL)) AS achieved, \
               (SELECT CAST(COUNT(*) AS BIGINT) FROM shares s WHERE s.buyer_id = r.buyer_id AND s.supplier_id = r.supplier_id AND s.revoked_at IS NULL AND s.pass_on = 1) AS passes, \
               (SELECT CAST(COUNT(*) AS BIGINT) FROM bcp_facts f WHERE f.organization_id = r.supplier_id AND f.last_restore_test IS NOT NULL) AS tested \
             FROM relationships r JOIN organizations o ON o.id = r.supplier_id WHERE r.buyer_id = $1 ORDER BY o.name",
        )
        .bind(buyer_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EdgeRow {
                    supplier_id: r.try_get("supplier_id")?,
                    name: r.try_get("name")?,
                    required_level: r.try_get("required_level")?,
                    achieved_level: r.try_get("achieved")?,
                    passes_on: r.try_get::<i64, _>("passes")? > 0,
                    critical: r.try_get::<i64, _>("critical")? != 0,
                    alternatives: r.try_get("alternatives")?,
                    stock_days: r.try_get("stock_days")?,
                    restore_tested: r.try_get::<i64, _>("tested")? > 0,
                })
            })
            .collect()
    }
}
