//! ★4 third-party evaluations: submission to an evaluation body, per-criterion findings, a
//! comment thread with the supplier, and the decision.

use crate::ids::{AssessmentId, EvaluationId, EvaluationMessageId, OrganizationId, UserId};
use serde_json::json;

use crate::{
    new_id, Actor, AssessmentStatus, EvaluationStatus, Result, Store, StoreError, Verdict,
};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvaluationRow {
    pub id: EvaluationId,
    pub assessment_id: AssessmentId,
    pub organization_id: OrganizationId,
    pub body_id: OrganizationId,
    #[sqlx(try_from = "String")]
    pub status: EvaluationStatus,
    pub submitted_at: String,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
    pub round: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FindingRow {
    pub criterion_id: String,
    #[sqlx(try_from = "String")]
    pub verdict: Verdict,
    pub comment: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentRow {
    pub id: EvaluationMessageId,
    pub criterion_id: String,
    pub author_id: UserId,
    pub author_organization_id: OrganizationId,
    pub body: String,
    pub created_at: String,
}

/// One verdict to record: the criterion, `conform`/`nonconform`/`more_evidence`, the comment.
#[derive(Debug, Clone, Copy)]
pub struct NewFinding<'a> {
    pub criterion_id: &'a str,
    /// `None` takes a recorded verdict back: the criterion is not judged again.
    pub verdict: Option<&'a str>,
    pub comment: &'a str,
}

const COLUMNS: &str = "id, assessment_id, organization_id, body_id, status, submitted_at, decided_at, decision_reason, round";

impl Store {
    /// Submits an open ★4 assessment to a body (or resubmits after a refusal): the assessment
    /// becomes `submitted` (frozen for the supplier). `Ok(None)` if it was not open.
    pub async fn submit_evaluation(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        assessment_id: &AssessmentId,
        body_id: &OrganizationId,
    ) -> Result<Option<EvaluationId>> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        crate::public::snapshot_product_evidence(&mut tx, organization_id, assessment_id).await?;
        let done = execute!(tx.conn(), "UPDATE assessments SET status = 'submitted', updated_at = $1 WHERE id = $2 AND organization_id = $3 AND status = 'in_progress'", &at, assessment_id, organization_id)?;
        if done == 0 {
            return Ok(None);
        }
        let previous: Option<(EvaluationId, i64)> = fetch_optional!(tx.conn(), (EvaluationId, i64), "SELECT id, round FROM evaluations WHERE assessment_id = $1 AND body_id = $2 ORDER BY submitted_at DESC LIMIT 1", assessment_id, body_id)?;
        let id = match previous {
            Some((id, round)) => {
                execute!(tx.conn(), "UPDATE evaluations SET status = 'submitted', submitted_at = $1, decided_at = NULL, decision_reason = NULL, decided_by = NULL, round = $2 WHERE id = $3", &at, round + 1, &id)?;
                id
            }
            None => {
                let id = new_id();
                execute!(tx.conn(), "INSERT INTO evaluations (id, assessment_id, organization_id, body_id, status, submitted_at, round) VALUES ($1, $2, $3, $4, 'submitted', $5, 1)", &id, assessment_id, organization_id, body_id, &at)?;
                id
            }
        };
        tx.audit(
            "evaluation.submit",
            &id,
            json!({ "assessment_id": assessment_id, "body_id": body_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// An evaluation visible to `viewer_org`: the supplier's or the body's.
    pub async fn evaluation(
        &self,
        viewer_org: &OrganizationId,
        id: &EvaluationId,
    ) -> Result<EvaluationRow> {
        fetch_optional!(self.db(), EvaluationRow, &format!("SELECT {COLUMNS} FROM evaluations WHERE id = $1 AND (organization_id = $2 OR body_id = $2)"), id, viewer_org)?
        .ok_or(StoreError::NotFound)
    }

    /// The evaluation of an assessment of the supplier, if any.
    pub async fn evaluation_for_assessment(
        &self,
        organization_id: &OrganizationId,
        assessment_id: &AssessmentId,
    ) -> Result<Option<EvaluationRow>> {
        Ok(fetch_optional!(self.db(), EvaluationRow, &format!("SELECT {COLUMNS} FROM evaluations WHERE assessment_id = $1 AND organization_id = $2 ORDER BY submitted_at DESC LIMIT 1"), assessment_id, organization_id)?)
    }

    /// A body's queue: open submissions first, then decided ones, newest first.
    pub async fn evaluation_queue(&self, body_id: &OrganizationId) -> Result<Vec<EvaluationRow>> {
        Ok(fetch_all!(self.db(), EvaluationRow, &format!(
            "SELECT {COLUMNS} FROM evaluations WHERE body_id = $1 ORDER BY CASE WHEN status = 'submitted' THEN 0 ELSE 1 END, submitted_at DESC"
        ), body_id)?)
    }

    /// Records the body's verdict on one criterion of an open evaluation.
    pub async fn put_finding(
        &self,
        actor: Actor<'_>,
        body_id: &OrganizationId,
        evaluation_id: &EvaluationId,
        criterion_id: &str,
        verdict: &str,
        comment: &str,
    ) -> Result<bool> {
        self.put_findings(
            actor,
            body_id,
            evaluation_id,
            &[NewFinding {
                criterion_id,
                verdict: Some(verdict),
                comment,
            }],
        )
        .await
    }

    /// Records several verdicts of an open evaluation in one transaction (one audit entry
    /// each): all of them or none. `Ok(false)` if the evaluation is no longer open.
    pub async fn put_findings(
        &self,
        actor: Actor<'_>,
        body_id: &OrganizationId,
        evaluation_id: &EvaluationId,
        findings: &[NewFinding<'_>],
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let open: Option<(String,)> = fetch_optional!(
            tx.conn(),
            (String,),
            "SELECT status FROM evaluations WHERE id = $1 AND body_id = $2",
            evaluation_id,
            body_id
        )?;
        match open {
            None => return Err(StoreError::NotFound),
            Some((s,)) if s != "submitted" => return Ok(false),
            Some(_) => {}
        }
        let at = tx.at().to_string();
        for f in findings {
            let Some(verdict) = f.verdict else {
                let gone = execute!(
                    tx.conn(),
                    "DELETE FROM evaluation_findings WHERE evaluation_id = $1 AND criterion_id = $2",
                    evaluation_id,
                    f.criterion_id
                )?;
                if gone > 0 {
                    tx.audit(
                        "evaluation.finding.reset",
                        evaluation_id,
                        json!({ "criterion_id": f.criterion_id }),
                    )
                    .await?;
                }
                continue;
            };
            execute!(tx.conn(), "INSERT INTO evaluation_findings (evaluation_id, criterion_id, verdict, comment, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (evaluation_id, criterion_id) DO UPDATE SET verdict = excluded.verdict, comment = excluded.comment, updated_by = excluded.updated_by, updated_at = excluded.updated_at", evaluation_id, f.criterion_id, verdict, f.comment, actor.user_id.unwrap_or(""), &at)?;
            tx.audit(
                "evaluation.finding",
                evaluation_id,
                json!({ "criterion_id": f.criterion_id, "verdict": verdict }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn findings(&self, evaluation_id: &EvaluationId) -> Result<Vec<FindingRow>> {
        Ok(fetch_all!(self.db(), FindingRow, "SELECT criterion_id, verdict, comment, updated_at FROM evaluation_findings WHERE evaluation_id = $1", evaluation_id)?)
    }

    /// Adds a message to the thread of an evaluation (supplier or body).
    pub async fn add_evaluation_comment(
        &self,
        actor: Actor<'_>,
        evaluation_id: &EvaluationId,
        criterion_id: &str,
        body: &str,
    ) -> Result<EvaluationMessageId> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(tx.conn(), "INSERT INTO evaluation_comments (id, evaluation_id, criterion_id, author_id, author_organization_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", &id, evaluation_id, criterion_id, actor.user_id.unwrap_or(""), actor.organization_id.unwrap_or(""), body, &at)?;
        tx.audit(
            "evaluation.comment",
            evaluation_id,
            json!({ "criterion_id": criterion_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn evaluation_comments(
        &self,
        evaluation_id: &EvaluationId,
    ) -> Result<Vec<CommentRow>> {
        Ok(fetch_all!(self.db(), CommentRow, "SELECT id, criterion_id, author_id, author_organization_id, body, created_at FROM evaluation_comments WHERE evaluation_id = $1 ORDER BY created_at", evaluation_id)?)
    }

    /// Decides an open evaluation. Certify: the assessment becomes `certified`. Refuse: it
    /// returns to `in_progress` so the supplier can fix and resubmit.
    pub async fn decide_evaluation(
        &self,
        actor: Actor<'_>,
        body_id: &OrganizationId,
        evaluation_id: &EvaluationId,
        certify: Decision,
        reason: &str,
        credential: Option<&crate::NewCredential<'_>>,
    ) -> Result<Option<EvaluationRow>> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let (status, assessment_status) = match certify {
            Decision::Certify => (EvaluationStatus::Certified, AssessmentStatus::Certified),
            Decision::Refuse => (EvaluationStatus::Refused, AssessmentStatus::InProgress),
        };
        let ev = fetch_optional!(
            tx.conn(),
            EvaluationRow,
            &format!("SELECT {COLUMNS} FROM evaluations WHERE id = $1 AND body_id = $2"),
            evaluation_id,
            body_id
        )?
        .ok_or(StoreError::NotFound)?;
        if ev.status != EvaluationStatus::Submitted {
            return Ok(None);
        }
        execute!(tx.conn(), "UPDATE evaluations SET status = $1, decided_at = $2, decision_reason = $3, decided_by = $4 WHERE id = $5", status.as_str(), &at, reason, actor.user_id.unwrap_or(""), evaluation_id)?;
        execute!(
            tx.conn(),
            "UPDATE assessments SET status = $1, updated_at = $2 WHERE id = $3",
            assessment_status.as_str(),
            &at,
            &ev.assessment_id
        )?;
        tx.audit(
            "evaluation.decide",
            evaluation_id,
            json!({ "decision": status, "reason": reason }),
        )
        .await?;
        if let Some(c) = credential.filter(|_| status == EvaluationStatus::Certified) {
            crate::credentials::insert_credential(&mut tx, c).await?;
        }
        tx.commit().await?;
        Ok(Some(EvaluationRow {
            status,
            decided_at: Some(at),
            decision_reason: Some(reason.to_string()),
            ..ev
        }))
    }

    /// An assessment by id without an organisation filter, for the evaluation body that
    /// received it (the caller has checked the evaluation links them).
    pub async fn assessment_for_body(
        &self,
        body_id: &OrganizationId,
        assessment_id: &AssessmentId,
    ) -> Result<crate::AssessmentRow> {
        let row: Option<(OrganizationId,)> = fetch_optional!(self.db(), (OrganizationId,), "SELECT organization_id FROM evaluations WHERE assessment_id = $1 AND body_id = $2 LIMIT 1", assessment_id, body_id)?;
        let (org,) = row.ok_or(StoreError::NotFound)?;
        self.assessment(&org, assessment_id).await
    }
}

/// The body's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Certify,
    Refuse,
}
