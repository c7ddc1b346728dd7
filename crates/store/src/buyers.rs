//! Buyer–supplier relationships (requests carrying the level decision) and shares of
//! assessments from suppliers to buyers. The portfolio query is in `supply.rs`.

use crate::ids::{kind, AssessmentId, CredentialId, OrganizationId, RelationshipId, ShareId};
use serde_json::json;

use crate::{new_id, unique_violation, Actor, Result, ShareDetail, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RelationshipRow {
    pub id: RelationshipId,
    pub buyer_id: OrganizationId,
    pub supplier_id: Option<OrganizationId>,
    pub invite_email: Option<String>,
    pub invite_expires_at: Option<String>,
    pub required_level: i64,
    pub suggest_level_4: bool,
    /// JSON of the buyer's answers.
    pub decision: String,
    /// JSON array of reason keys.
    pub reasons: String,
    pub due_date: String,
    pub created_at: String,
    pub updated_at: String,
    /// The buyer's view of its dependency: critical to its business…
    pub critical: bool,
    /// …how many alternative sources it has, and days of stock held.
    pub alternatives: i64,
    pub stock_days: i64,
}

/// A new request from a buyer.
#[derive(Debug, Clone)]
pub struct NewRelationship<'a> {
    pub buyer_id: &'a str,
    pub supplier_id: Option<&'a str>,
    pub invite_email: Option<&'a str>,
    pub invite_token_hash: Option<&'a str>,
    pub invite_expires_at: Option<&'a str>,
    pub required_level: i64,
    pub suggest_level_4: bool,
    pub decision: &'a str,
    pub reasons: &'a str,
    pub due_date: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShareRow {
    pub id: ShareId,
    pub supplier_id: OrganizationId,
    pub buyer_id: OrganizationId,
    pub assessment_id: AssessmentId,
    #[sqlx(try_from = "String")]
    pub detail: ShareDetail,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// The newest unrevoked credential (certificate) of the shared assessment, if any.
    pub credential_id: Option<CredentialId>,
}

/// Share columns, with the shared assessment's current credential.
const SHARE_COLUMNS: &str = "s.id, s.supplier_id, s.buyer_id, s.assessment_id, s.detail, s.created_at, s.revoked_at, \
    (SELECT c.id FROM credentials c WHERE c.assessment_id = s.assessment_id AND c.revoked_at IS NULL ORDER BY c.issued_at DESC LIMIT 1) AS credential_id";

/// Relationship columns; the 0/1 flags become booleans on both databases with `<> 0`.
const REL_COLUMNS: &str = "r.id, r.buyer_id, r.supplier_id, r.invite_email, r.invite_expires_at, r.required_level, \
    r.suggest_level_4 <> 0 AS suggest_level_4, r.decision, r.reasons, r.due_date, r.created_at, r.updated_at, \
    r.critical <> 0 AS critical, r.alternatives, r.stock_days";

/// A request with the buyer's name, for the supplier's list.
#[derive(sqlx::FromRow)]
struct RequestRow {
    #[sqlx(flatten)]
    relationship: RelationshipRow,
    buyer_name: String,
}

impl Store {
    /// Records a buyer's request. A second request to the same supplier is a conflict.
    pub async fn create_relationship(
        &self,
        actor: Actor<'_>,
        r: &NewRelationship<'_>,
    ) -> Result<RelationshipId> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(tx.conn(), "INSERT INTO relationships (id, buyer_id, supplier_id, invite_email, invite_token_hash, invite_expires_at, required_level, suggest_level_4, decision, reasons, due_date, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)", &id, r.buyer_id, r.supplier_id, r.invite_email, r.invite_token_hash, r.invite_expires_at, r.required_level, i64::from(r.suggest_level_4), r.decision, r.reasons, r.due_date, actor.user_id.unwrap_or(""), &at)
        .map_err(|e| unique_violation(e, "corporate_number"))?;
        tx.audit("relationship.create", &id, json!({ "supplier_id": r.supplier_id, "invited": r.invite_email.is_some(), "required_level": r.required_level })).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A relationship the organisation is part of (as buyer or supplier).
    pub async fn relationship(
        &self,
        viewer_org: &OrganizationId,
        id: &RelationshipId,
    ) -> Result<RelationshipRow> {
        fetch_optional!(self.db(), RelationshipRow, &format!("SELECT {REL_COLUMNS} FROM relationships r WHERE r.id = $1 AND (r.buyer_id = $2 OR r.supplier_id = $2)"), id, viewer_org)?
        .ok_or(StoreError::NotFound)
    }

    /// A supplier's incoming requests, newest first, with the buyer's name.
    pub async fn requests_for(
        &self,
        supplier_id: &OrganizationId,
    ) -> Result<Vec<(RelationshipRow, String)>> {
        let rows = fetch_all!(self.db(), RequestRow, &format!(
            "SELECT {REL_COLUMNS}, b.name AS buyer_name FROM relationships r JOIN organizations b ON b.id = r.buyer_id WHERE r.supplier_id = $1 ORDER BY r.created_at DESC"
        ), supplier_id)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.relationship, r.buyer_name))
            .collect())
    }

    /// The open invitation for a token hash.
    pub async fn relationship_by_invite(
        &self,
        token_hash: &str,
    ) -> Result<Option<RelationshipRow>> {
        Ok(fetch_optional!(self.db(), RelationshipRow, &format!("SELECT {REL_COLUMNS} FROM relationships r WHERE r.invite_token_hash = $1 AND r.supplier_id IS NULL"), token_hash)?)
    }

    /// Links an invitation to the accepting organisation; the token stops working.
    pub async fn accept_supplier_invite(
        &self,
        actor: Actor<'_>,
        relationship_id: &RelationshipId,
        supplier_id: &OrganizationId,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let done = execute!(tx.conn(), "UPDATE relationships SET supplier_id = $1, invite_token_hash = NULL, updated_at = $2 WHERE id = $3 AND supplier_id IS NULL AND buyer_id <> $1", supplier_id, &at, relationship_id)
        .map_err(|e| unique_violation(e, "token"))?;
        if done == 0 {
            return Ok(false);
        }
        tx.audit(
            "relationship.accept",
            relationship_id,
            json!({ "supplier_id": supplier_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whether `buyer_id` has asked `supplier_id` for a level (a precondition for sharing).
    pub async fn has_relationship(
        &self,
        buyer_id: &OrganizationId,
        supplier_id: &OrganizationId,
    ) -> Result<bool> {
        let row: Option<(String,)> = fetch_optional!(
            self.db(),
            (String,),
            "SELECT id FROM relationships WHERE buyer_id = $1 AND supplier_id = $2",
            buyer_id,
            supplier_id
        )?;
        Ok(row.is_some())
    }

    pub async fn create_share(
        &self,
        actor: Actor<'_>,
        supplier_id: &OrganizationId,
        buyer_id: &OrganizationId,
        assessment_id: &AssessmentId,
        detail: &str,
    ) -> Result<ShareId> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(tx.conn(), "INSERT INTO shares (id, supplier_id, buyer_id, assessment_id, detail, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", &id, supplier_id, buyer_id, assessment_id, detail, actor.user_id.unwrap_or(""), &at)?;
        tx.audit(
            "share.create",
            &id,
            json!({ "buyer_id": buyer_id, "assessment_id": assessment_id, "detail": detail }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Revokes a share the supplier gave; access ends at once.
    pub async fn revoke_share(
        &self,
        actor: Actor<'_>,
        supplier_id: &OrganizationId,
        id: &ShareId,
    ) -> Result<ShareRow> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let done = execute!(tx.conn(), "UPDATE shares SET revoked_at = $1 WHERE id = $2 AND supplier_id = $3 AND revoked_at IS NULL", &at, id, supplier_id)?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit("share.revoke", id, json!({})).await?;
        let share = fetch_one!(
            tx.conn(),
            ShareRow,
            &format!("SELECT {SHARE_COLUMNS} FROM shares s WHERE s.id = $1"),
            id
        )?;
        tx.commit().await?;
        Ok(share)
    }

    /// Shares given by a supplier or received by a buyer (active and revoked), newest first.
    pub async fn shares_of(&self, organization_id: &OrganizationId) -> Result<Vec<ShareRow>> {
        Ok(fetch_all!(self.db(), ShareRow, &format!(
            "SELECT {SHARE_COLUMNS} FROM shares s WHERE s.supplier_id = $1 OR s.buyer_id = $1 ORDER BY s.created_at DESC"
        ), organization_id)?)
    }

    /// A share the organisation gave or received, active or revoked.
    pub async fn share(&self, organization_id: &OrganizationId, id: &ShareId) -> Result<ShareRow> {
        fetch_optional!(self.db(), ShareRow, &format!(
            "SELECT {SHARE_COLUMNS} FROM shares s WHERE s.id = $1 AND (s.supplier_id = $2 OR s.buyer_id = $2)"
        ), id, organization_id)?
        .ok_or(StoreError::NotFound)
    }

    /// The supplier organisation of an assessment shared in full with `buyer_id`, if any.
    pub async fn full_share_owner(
        &self,
        buyer_id: &OrganizationId,
        assessment_id: &AssessmentId,
    ) -> Result<Option<OrganizationId>> {
        let row: Option<(OrganizationId,)> = fetch_optional!(self.db(), (OrganizationId,), "SELECT supplier_id FROM shares WHERE buyer_id = $1 AND assessment_id = $2 AND detail = 'full' AND revoked_at IS NULL LIMIT 1", buyer_id, assessment_id)?;
        Ok(row.map(|(s,)| s))
    }

    pub async fn add_request_message(
        &self,
        actor: Actor<'_>,
        relationship_id: &RelationshipId,
        body: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(tx.conn(), "INSERT INTO request_messages (id, relationship_id, author_organization_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)", new_id::<kind::RequestMessage>(), relationship_id, actor.organization_id.unwrap_or(""), actor.user_id.unwrap_or(""), body, &at)?;
        tx.audit("request.message", relationship_id, json!({}))
            .await?;
        tx.commit().await
    }

    /// Messages of a request thread: (author organisation, body, created_at).
    pub async fn request_messages(
        &self,
        relationship_id: &RelationshipId,
    ) -> Result<Vec<(String, String, String)>> {
        let rows: Vec<(String, String, String)> = fetch_all!(self.db(), (String, String, String), "SELECT author_organization_id, body, created_at FROM request_messages WHERE relationship_id = $1 ORDER BY created_at", relationship_id)?;
        Ok(rows)
    }

    /// Linked relationships whose reminder of `kind` (`due_soon`: due within the window,
    /// `overdue`: past due) has not been sent: (relationship, buyer, supplier, due date).
    pub async fn pending_reminders(
        &self,
        kind: Reminder,
        today: &str,
        horizon: &str,
    ) -> Result<Vec<(RelationshipId, OrganizationId, OrganizationId, String)>> {
        let sql = match kind {
            Reminder::DueSoon => "SELECT id, buyer_id, supplier_id, due_date FROM relationships WHERE supplier_id IS NOT NULL AND due_soon_notified = 0 AND due_date >= $1 AND due_date <= $2",
            Reminder::Overdue => "SELECT id, buyer_id, supplier_id, due_date FROM relationships WHERE supplier_id IS NOT NULL AND overdue_notified = 0 AND due_date < $1 AND $2 = $2",
        };
        let rows: Vec<(RelationshipId, OrganizationId, OrganizationId, String)> = fetch_all!(
            self.db(),
            (RelationshipId, OrganizationId, OrganizationId, String),
            sql,
            today,
            horizon
        )?;
        Ok(rows)
    }

    /// Records that a reminder was handled, with the notifications it sends (`actor`'s
    /// notices), in one transaction: a reminder is sent once, or not at all.
    pub async fn mark_reminded(
        &self,
        actor: Actor<'_>,
        relationship_id: &RelationshipId,
        kind: Reminder,
    ) -> Result<()> {
        let (sql, what) = match kind {
            Reminder::DueSoon => (
                "UPDATE relationships SET due_soon_notified = 1 WHERE id = $1",
                "due_soon",
            ),
            Reminder::Overdue => (
                "UPDATE relationships SET overdue_notified = 1 WHERE id = $1",
                "overdue",
            ),
        };
        let mut tx = self.begin_write(actor).await?;
        execute!(tx.conn(), sql, relationship_id)?;
        tx.audit(
            "relationship.reminded",
            relationship_id,
            json!({ "kind": what }),
        )
        .await?;
        tx.commit().await
    }

    /// Buyers a supplier currently shares something with.
    pub async fn buyers_shared_with(
        &self,
        supplier_id: &OrganizationId,
    ) -> Result<Vec<OrganizationId>> {
        let rows: Vec<(OrganizationId,)> = fetch_all!(
            self.db(),
            (OrganizationId,),
            "SELECT DISTINCT buyer_id FROM shares WHERE supplier_id = $1 AND revoked_at IS NULL",
            supplier_id
        )?;
        Ok(rows.into_iter().map(|(b,)| b).collect())
    }
}

/// The due-date reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    DueSoon,
    Overdue,
}
