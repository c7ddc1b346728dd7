//! Issued level credentials, their revocation, evaluation bodies, and the public register.

use crate::ids::{AssessmentId, CredentialId, OrganizationId};
use serde_json::json;

use crate::{Actor, Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CredentialRow {
    pub id: CredentialId,
    pub organization_id: OrganizationId,
    pub assessment_id: AssessmentId,
    pub level: i64,
    /// `self` or `third-party`.
    pub assurance: String,
    pub evaluation_body_id: Option<OrganizationId>,
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
    pub id: &'a CredentialId,
    pub organization_id: &'a OrganizationId,
    pub assessment_id: &'a AssessmentId,
    pub level: i64,
    pub assurance: &'a str,
    pub evaluation_body_id: Option<&'a OrganizationId>,
    pub status_index: i64,
    pub valid_from: &'a str,
    pub valid_until: &'a str,
    pub credential: &'a str,
}

/// One line of the public register.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegisterRow {
    pub credential_id: CredentialId,
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

impl Store {
    /// Every status-list index in use (revoked or not).
    pub async fn used_status_indexes(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            fetch_all!(self.db(), (i64,), "SELECT status_index FROM credentials")?;
        Ok(rows.into_iter().map(|(i,)| i).collect())
    }

    /// Indexes of revoked credentials, for the status list.
    pub async fn revoked_status_indexes(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = fetch_all!(
            self.db(),
            (i64,),
            "SELECT status_index FROM credentials WHERE revoked_at IS NOT NULL"
        )?;
        Ok(rows.into_iter().map(|(i,)| i).collect())
    }

    /// Records an issued credential. A taken status index is a `Conflict` (allocate again).
    pub async fn insert_credential(&self, actor: Actor<'_>, c: &NewCredential<'_>) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        insert_credential(&mut tx, c).await?;
        tx.commit().await
    }

    /// A credential by id, whoever holds it (callers decide who may see what).
    pub async fn credential(&self, id: &CredentialId) -> Result<CredentialRow> {
        fetch_optional!(
            self.db(),
            CredentialRow,
            &format!("SELECT {COLUMNS} FROM credentials WHERE id = $1"),
            id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// The newest credential issued for an assessment.
    pub async fn credential_for_assessment(
        &self,
        assessment_id: &AssessmentId,
    ) -> Result<Option<CredentialRow>> {
        Ok(fetch_optional!(self.db(), CredentialRow, &format!("SELECT {COLUMNS} FROM credentials WHERE assessment_id = $1 ORDER BY issued_at DESC LIMIT 1"), assessment_id)?)
    }

    /// An organisation's credentials, newest first.
    pub async fn credentials_of(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Vec<CredentialRow>> {
        Ok(fetch_all!(
            self.db(),
            CredentialRow,
            &format!(
            "SELECT {COLUMNS} FROM credentials WHERE organization_id = $1 ORDER BY issued_at DESC"
        ),
            organization_id
        )?)
    }

    /// Revokes a credential once; `Ok(false)` if it was already revoked.
    pub async fn revoke_credential(
        &self,
        actor: Actor<'_>,
        id: &CredentialId,
        reason: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let done = execute!(tx.conn(), "UPDATE credentials SET revoked_at = $1, revoked_reason = $2, revoked_by = $3 WHERE id = $4 AND revoked_at IS NULL", &at, reason, actor.user_id.unwrap_or("admin"), id)?;
        if done == 0 {
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
        Ok(fetch_all!(self.db(), RegisterRow, "SELECT c.id AS credential_id, o.name AS organization_name, o.corporate_number, c.level, c.assurance, \
             b.name AS evaluation_body, c.valid_until, c.credential \
             FROM credentials c JOIN organizations o ON o.id = c.organization_id \
             LEFT JOIN organizations b ON b.id = c.evaluation_body_id \
             WHERE c.revoked_at IS NULL AND c.valid_from <= $1 AND c.valid_until > $1 \
               AND ($2 = '' OR o.corporate_number = $2) \
               AND NOT EXISTS (SELECT 1 FROM credentials n WHERE n.organization_id = c.organization_id AND n.revoked_at IS NULL \
                               AND n.valid_from <= $1 AND n.valid_until > $1 AND (n.level > c.level OR (n.level = c.level AND n.issued_at > c.issued_at))) \
             ORDER BY o.name LIMIT $3", now, corporate_number.unwrap_or(""), limit)?)
    }

    /// Designates (or undesignates) an organisation as an evaluation body.
    pub async fn set_evaluation_body(
        &self,
        organization_id: &OrganizationId,
        designated: bool,
    ) -> Result<()> {
        self.set_org_flag(
            crate::orgs::OrgFlag::EvaluationBody,
            organization_id,
            designated,
        )
        .await
    }

    pub async fn is_evaluation_body(&self, organization_id: &OrganizationId) -> Result<bool> {
        self.org_flag(crate::orgs::OrgFlag::EvaluationBody, organization_id)
            .await
    }

    /// Designated evaluation bodies: (id, name, corporate number).
    pub async fn evaluation_bodies(&self) -> Result<Vec<(String, String, String)>> {
        let rows: Vec<(String, String, String)> =
            fetch_all!(self.db(), (String, String, String), "SELECT id, name, corporate_number FROM organizations WHERE is_evaluation_body = 1 ORDER BY name")?;
        Ok(rows)
    }
}

/// Inserts an issued credential inside a write transaction (with the declaration or the
/// certification that causes it). A taken status-list index is a `Conflict` on
/// `status_index`: the caller allocates another and retries.
pub(crate) async fn insert_credential(
    tx: &mut crate::WriteTx,
    c: &NewCredential<'_>,
) -> Result<()> {
    let at = tx.at().to_string();
    execute!(tx.conn(), "INSERT INTO credentials (id, organization_id, assessment_id, level, assurance, evaluation_body_id, status_index, valid_from, valid_until, credential, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", c.id, c.organization_id, c.assessment_id, c.level, c.assurance, c.evaluation_body_id, c.status_index, c.valid_from, c.valid_until, c.credential, &at)
    .map_err(|e| crate::unique_violation(e, "status_index"))?;
    tx.audit(
        "credential.issue",
        c.id,
        json!({ "assessment_id": c.assessment_id, "level": c.level, "assurance": c.assurance }),
    )
    .await
}
