//! BCP facts, the buyer's criticality per supplier, and pass-on shares.

use crate::ids::{OrganizationId, RelationshipId, ShareId};
use serde_json::json;

use crate::{Actor, Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
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
    pub async fn bcp_facts(&self, organization_id: &OrganizationId) -> Result<Option<BcpFacts>> {
        Ok(fetch_optional!(
            self.db(),
            BcpFacts,
            "SELECT offline_backup <> 0 AS offline_backup, last_restore_test, recovery_hours, \
             alternative_site <> 0 AS alternative_site, updated_at FROM bcp_facts WHERE organization_id = $1",
            organization_id
        )?)
    }

    pub async fn set_bcp_facts(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        f: &BcpFacts,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(tx.conn(), "INSERT INTO bcp_facts (organization_id, offline_backup, last_restore_test, recovery_hours, alternative_site, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (organization_id) DO UPDATE SET offline_backup = excluded.offline_backup, last_restore_test = excluded.last_restore_test, \
             recovery_hours = excluded.recovery_hours, alternative_site = excluded.alternative_site, updated_at = excluded.updated_at", organization_id, i64::from(f.offline_backup), &f.last_restore_test, f.recovery_hours, i64::from(f.alternative_site), &at)?;
        tx.audit("bcp.update", organization_id, json!({ "offline_backup": f.offline_backup, "restore_tested": f.last_restore_test.is_some() })).await?;
        tx.commit().await
    }

    /// The buyer's view of how much it depends on one supplier.
    pub async fn set_dependency(
        &self,
        actor: Actor<'_>,
        buyer_id: &OrganizationId,
        relationship_id: &RelationshipId,
        critical: bool,
        alternatives: i64,
        stock_days: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let done = execute!(tx.conn(), "UPDATE relationships SET critical = $1, alternatives = $2, stock_days = $3 WHERE id = $4 AND buyer_id = $5", i64::from(critical), alternatives, stock_days, relationship_id, buyer_id)?;
        if done == 0 {
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
        supplier_id: &OrganizationId,
        share_id: &ShareId,
        pass_on: bool,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let done = execute!(tx.conn(), "UPDATE shares SET pass_on = $1 WHERE id = $2 AND supplier_id = $3 AND revoked_at IS NULL", i64::from(pass_on), share_id, supplier_id)?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit("share.pass_on", share_id, json!({ "pass_on": pass_on }))
            .await?;
        tx.commit().await
    }
}
