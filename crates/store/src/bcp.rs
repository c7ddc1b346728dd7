//! BCP facts, the buyer's criticality per supplier, and pass-on shares.

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
}
