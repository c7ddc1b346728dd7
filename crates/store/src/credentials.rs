//! Issued level credentials, their revocation, evaluation bodies, and the public register.

use serde_json::json;
use sqlx::Row;

use crate::{Actor, Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    pub id: String,
    pub organization_id: String,
    pub assessment_id: String,
    pub level: i64,
    /// `self` or `third-party`.
    pub assurance: String,
    pub evaluation_body_id: Option<String>,
    pub status_index: i64,
    pub valid_from: String,
    pub valid_until: String,
    /// The signed credential JSON, exactly as issued.
    pub credential: String,
    pub issued_at: String,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

/// A new credential to record.
#[derive(Debug, Clone)]
pub struct NewCredential<'a> {
    pub id: &'a str,
    pub organization_id: &'a str,
    pub assessment_id: &'a str,
    pub level: i64,
    pub assurance: &'a str,
    pub evaluation_body_id: Option<&'a str>,
    pub status_index: i64,
    pub valid_from: &'a str,
    pub valid_until: &'a str,
    pub credential: &'a str,
}

/// One line of the public register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    pub credential_id: String,
    pub organization_name: String,
    pub corporate_number: String,
    pub level: i64,
    pub assurance: String,
    pub evaluation_body: Option<String>,
    pub valid_until: String,
    /// The signed credential, so that the register can re-verify what it lists.
    pub credential: String,
}

const COLUMNS: &str = "id, organization_id, assessment_id, level, assurance, evaluation_body_id, status_index, valid_from, valid_until, \
    credential, issued_at, revoked_at, revoked_reason";

fn from_row(r: &sqlx::any::AnyRow) -> Result<CredentialRow> {
    Ok(CredentialRow {
        id: r.try_get("id")?,
        organization_id: r.try_get("organization_id")?,
        assessment_id: r.try_get("assessment_id")?,
        level: r.try_get("level")?,
        assurance: r.try_get("assurance")?,
        evaluation_body_id: r.try_get("evaluation_body_id")?,
        status_index: r.try_get("status_index")?,
        valid_from: r.try_get("valid_from")?,
        valid_until: r.try_get("valid_until")?,
        credential: r.try_get("credential")?,
        issued_at: r.try_get("issued_at")?,
        revoked_at: r.try_get("revoked_at")?,
        revoked_reason: r.try_get("revoked_reason")?,
    })
}

impl Store {
    /// Every status-list index in use (revoked or not).
    pub async fn used_status_indexes(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT status_index FROM credentials")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(i,)| i).collect())
    }

    /// Indexes of revoked credentials, for the status list.
    pub async fn revoked_status_indexes(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT status_index FROM credentials WHERE revoked_at IS NOT NULL")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(i,)| i).collect())
    }

    /// Records an issued credential. A taken status index is a `Conflict` (allocate again).
    pub async fn insert_credential(&self, actor: Actor<'_>, c: &NewCredential<'_>) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        sqlx::query(
            "INSERT INTO credentials (id, organization_id, assessment_id, level, assurance, evaluation_body_id, status_index, valid_from, valid_until, credential, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(c.id)
        .bind(c.organization_id)
        .bind(c.assessment_id)
        .bind(c.level)
        .bind(c.assurance)
        .bind(c.evaluation_body_id)
        .bind(c.status_index)
        .bind(c.valid_from)
        .bind(c.valid_until)
        .bind(c.credential)
        .bind(&at)
        .execute(tx.conn())
        .await
        .map_err(|e| crate::unique_violation(e, "status_index"))?;
        tx.audit(
            "credential.issue",
            c.id,
            json!({ "assessment_id": c.assessment_id, "level": c.level, "assurance": c.assurance }),
        )
        .await?;
        tx.commit().await
    }

    /// A credential by id, whoever holds it (callers decide who may see what).
    pub async fn credential(&self, id: &str) -> Result<CredentialRow> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM credentials WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// The newest credential issued for an assessment.
    pub async fn credential_for_assessment(
        &self,
        assessment_id: &str,
    ) -> Result<Option<CredentialRow>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM credentials WHERE assessment_id = $1 ORDER BY issued_at DESC LIMIT 1"))
            .bind(assessment_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// An organisation's credentials, newest first.
    pub async fn credentials_of(&self, organization_id: &str) -> Result<Vec<CredentialRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM credentials WHERE organization_id = $1 ORDER BY issued_at DESC"
        ))
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Revokes a credential once; `Ok(false)` if it was already revoked.
    pub async fn revoke_credential(
        &self,
        actor: Actor<'_>,
        id: &str,
        reason: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let done = sqlx::query("UPDATE credentials SET revoked_at = $1, revoked_reason = $2, revoked_by = $3 WHERE id = $4 AND revoked_at IS NULL")
            .bind(&at)
            .bind(reason)
            .bind(actor.user_id.unwrap_or("admin"))
            .bind(id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        tx.audit("credential.revoke", id, json!({ "reason": reason }))
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Organisations with a credential valid at `now` (not revoked, within its validity),
    /// the newest per organisation, optionally for one corporate number.
    pub async fn register(
        &self,
        now: &str,
        corporate_number: Option<&str>,
        limit: i64,
    ) -> Result<Vec<RegisterRow>> {
        let rows = sqlx::query(
            "SELECT c.id, o.name, o.corporate_number, c.level, c.assurance, b.name AS body_name, c.valid_until, c.credential \
             FROM credentials c JOIN organizations o ON o.id = c.organization_id \
             LEFT JOIN organizations b ON b.id = c.evaluation_body_id \
             WHERE c.revoked_at IS NULL AND c.valid_from <= $1 AND c.valid_until > $1 \
               AND ($2 = '' OR o.corporate_number = $2) \
               AND NOT EXISTS (SELECT 1 FROM credentials n WHERE n.organization_id = c.organization_id AND n.revoked_at IS NULL \
                               AND n.valid_from <= $1 AND n.valid_until > $1 AND (n.level > c.level OR (n.level = c.level AND n.issued_at > c.issued_at))) \
             ORDER BY o.name LIMIT $3",
        )
        .bind(now)
        .bind(corporate_number.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RegisterRow {
                    credential_id: r.try_get("id")?,
                    organization_name: r.try_get("name")?,
                    corporate_number: r.try_get("corporate_number")?,
                    level: r.try_get("level")?,
                    assurance: r.try_get("assurance")?,
                    evaluation_body: r.try_get("body_name")?,
                    valid_until: r.try_get("valid_until")?,
                    credential: r.try_get("credential")?,
                })
            })
            .collect()
    }

    /// Designates (or undesignates) an organisation as an evaluation body.
    pub async fn set_evaluation_body(&self, organization_id: &str, designated: bool) -> Result<()> {
        let mut tx = self.begin_write(Actor::system()).await?;
        let done = sqlx::query("UPDATE organizations SET is_evaluation_body = $1 WHERE id = $2")
            .bind(designated as i64)
            .bind(organization_id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(
            "organization.evaluation_body",
            organization_id,
            json!({ "designated": designated }),
        )
        .await?;
        tx.commit().await
    }

    pub async fn is_evaluation_body(&self, organization_id: &str) -> Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT is_evaluation_body FROM organizations WHERE id = $1")
                .bind(organization_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some_and(|(v,)| v != 0))
    }

    /// Designated evaluation bodies: (id, name, corporate number).
    pub async fn evaluation_bodies(&self) -> Result<Vec<(String, String, String)>> {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT id, name, corporate_number FROM organizations WHERE is_evaluation_body = 1 ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows)
    }
}
