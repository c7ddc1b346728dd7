//! Technical verification providers (★4): the operator's mark, a supplier's invitation of a
//! provider to one of its ★4 submissions, and the provider's report and statement on it. The
//! one query a provider reads through ([`Store::verification_for_provider`]) requires the
//! mark, the invitation and an open submission.

use serde_json::json;

use crate::{new_id, Actor, EvaluationId, OrganizationId, Result, Store, StoreError};

/// An invitation with both parties' names and the report, if recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VerificationRow {
    pub id: String,
    pub evaluation_id: EvaluationId,
    pub verifier_id: OrganizationId,
    pub verifier_name: String,
    pub verifier_corporate_number: String,
    pub supplier_name: String,
    /// The submission's status (`submitted` while open).
    pub evaluation_status: String,
    pub invited_at: String,
    pub report_sha256: Option<String>,
    pub report_name: Option<String>,
    pub statement: Option<String>,
    pub reported_at: Option<String>,
}

const COLUMNS: &str = "v.id, v.evaluation_id, v.verifier_id, p.name AS verifier_name, \
    p.corporate_number AS verifier_corporate_number, s.name AS supplier_name, e.status AS evaluation_status, \
    v.invited_at, v.report_sha256, v.report_name, v.statement, v.reported_at";

const FROM: &str = "FROM verification_invitations v JOIN evaluations e ON e.id = v.evaluation_id \
    JOIN organizations p ON p.id = v.verifier_id JOIN organizations s ON s.id = e.organization_id";

impl Store {
    /// Designates a technical verification provider (or withdraws the mark).
    pub async fn set_verifier(&self, organization_id: &OrganizationId, on: bool) -> Result<()> {
        self.set_org_flag(crate::orgs::OrgFlag::Verifier, organization_id, on)
            .await
    }

    pub async fn is_verifier(&self, organization_id: &OrganizationId) -> Result<bool> {
        self.org_flag(crate::orgs::OrgFlag::Verifier, organization_id)
            .await
    }

    /// Invites a provider to a submission; a second invitation of the same provider is a
    /// conflict on `corporate_number`.
    pub async fn invite_verifier(
        &self,
        actor: Actor<'_>,
        evaluation_id: &EvaluationId,
        verifier_id: &OrganizationId,
    ) -> Result<String> {
        let id: String = new_id::<crate::kind::Evaluation>().into();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO verification_invitations (id, evaluation_id, verifier_id, invited_by, invited_at) \
             VALUES ($1, $2, $3, $4, $5)",
            &id,
            evaluation_id,
            verifier_id,
            actor.user_id.unwrap_or(""),
            &at
        )
        .map_err(|e| crate::unique_violation(e, "corporate_number"))?;
        tx.audit(
            "verification.invite",
            evaluation_id,
            json!({ "verifier_id": verifier_id, "invitation": id }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The invitations of one submission, oldest first.
    pub async fn verifications_of_evaluation(
        &self,
        evaluation_id: &EvaluationId,
    ) -> Result<Vec<VerificationRow>> {
        Ok(fetch_all!(
            self.db(),
            VerificationRow,
            &format!(
                "SELECT {COLUMNS} {FROM} WHERE v.evaluation_id = $1 ORDER BY v.invited_at, v.id"
            ),
            evaluation_id
        )?)
    }

    /// A provider's invitations while it is designated, newest first.
    pub async fn verifications_of_provider(
        &self,
        verifier_id: &OrganizationId,
    ) -> Result<Vec<VerificationRow>> {
        Ok(fetch_all!(
            self.db(),
            VerificationRow,
            &format!(
                "SELECT {COLUMNS} {FROM} WHERE v.verifier_id = $1 AND p.is_verifier <> 0 ORDER BY v.invited_at DESC, v.id"
            ),
            verifier_id
        )?)
    }

    /// One invitation of the provider, while it is designated; `None` otherwise.
    pub async fn verification_for_provider(
        &self,
        verifier_id: &OrganizationId,
        id: &str,
    ) -> Result<Option<VerificationRow>> {
        Ok(fetch_optional!(
            self.db(),
            VerificationRow,
            &format!("SELECT {COLUMNS} {FROM} WHERE v.id = $1 AND v.verifier_id = $2 AND p.is_verifier <> 0"),
            id,
            verifier_id
        )?)
    }

    /// One invitation by id (for the parties of its evaluation, checked by the caller).
    pub async fn verification(&self, id: &str) -> Result<VerificationRow> {
        fetch_optional!(
            self.db(),
            VerificationRow,
            &format!("SELECT {COLUMNS} {FROM} WHERE v.id = $1"),
            id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// Records (or replaces) the provider's report and statement, if the invitation is the
    /// provider's, the provider is designated and the submission is open; `Ok(false)`
    /// otherwise.
    pub async fn record_verification(
        &self,
        actor: Actor<'_>,
        verifier_id: &OrganizationId,
        id: &str,
        report: (&str, &str),
        statement: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let n = execute!(
            tx.conn(),
            "UPDATE verification_invitations SET report_sha256 = $1, report_name = $2, statement = $3, \
             reported_by = $4, reported_at = $5 \
             WHERE id = $6 AND verifier_id = $7 \
             AND EXISTS (SELECT 1 FROM organizations p WHERE p.id = verification_invitations.verifier_id AND p.is_verifier <> 0) \
             AND EXISTS (SELECT 1 FROM evaluations e WHERE e.id = verification_invitations.evaluation_id AND e.status = 'submitted')",
            report.0,
            report.1,
            statement,
            actor.user_id.unwrap_or(""),
            &at,
            id,
            verifier_id
        )?;
        if n == 0 {
            return Ok(false);
        }
        tx.audit("verification.report", id, json!({ "sha256": report.0 }))
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
