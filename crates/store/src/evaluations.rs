//! ★4 third-party evaluations: submission to an evaluation body, per-criterion findings, a
//! comment thread with the supplier, and the decision.

use serde_json::json;
use sqlx::Row;

use crate::{
    new_id, Actor, AssessmentStatus, EvaluationStatus, Result, Store, StoreError, Verdict,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationRow {
    pub id: String,
    pub assessment_id: String,
    pub organization_id: String,
    pub body_id: String,
    pub status: EvaluationStatus,
    pub submitted_at: String,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
    pub round: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub criterion_id: String,
    pub verdict: Verdict,
    pub comment: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    pub id: String,
    pub criterion_id: String,
    pub author_id: String,
    pub author_organization_id: String,
    pub body: String,
    pub created_at: String,
}

const COLUMNS: &str = "id, assessment_id, organization_id, body_id, status, submitted_at, decided_at, decision_reason, round";

fn from_row(r: &sqlx::any::AnyRow) -> Result<EvaluationRow> {
    Ok(EvaluationRow {
        id: r.try_get("id")?,
        assessment_id: r.try_get("assessment_id")?,
        organization_id: r.try_get("organization_id")?,
        body_id: r.try_get("body_id")?,
        status: crate::states::decode(r.try_get("status")?)?,
        submitted_at: r.try_get("submitted_at")?,
        decided_at: r.try_get("decided_at")?,
        decision_reason: r.try_get("decision_reason")?,
        round: r.try_get("round")?,
    })
}

impl Store {
    /// Submits an open ★4 assessment to a body (or resubmits after a refusal): the assessment
    /// becomes `submitted` (frozen for the supplier). `Ok(None)` if it was not open.
    pub async fn submit_evaluation(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        assessment_id: &str,
        body_id: &str,
    ) -> Result<Option<String>> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let done = sqlx::query("UPDATE assessments SET status = 'submitted', updated_at = $1 WHERE id = $2 AND organization_id = $3 AND status = 'in_progress'")
            .bind(&at)
            .bind(assessment_id)
            .bind(organization_id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let previous: Option<(String, i64)> = sqlx::query_as("SELECT id, round FROM evaluations WHERE assessment_id = $1 AND body_id = $2 ORDER BY submitted_at DESC LIMIT 1")
            .bind(assessment_id)
            .bind(body_id)
            .fetch_optional(tx.conn())
            .await?;
        let id = match previous {
            Some((id, round)) => {
                sqlx::query("UPDATE evaluations SET status = 'submitted', submitted_at = $1, decided_at = NULL, decision_reason = NULL, decided_by = NULL, round = $2 WHERE id = $3")
                    .bind(&at)
                    .bind(round + 1)
                    .bind(&id)
                    .execute(tx.conn())
                    .await?;
                id
            }
            None => {
                let id = new_id();
                sqlx::query("INSERT INTO evaluations (id, assessment_id, organization_id, body_id, status, submitted_at, round) VALUES ($1, $2, $3, $4, 'submitted', $5, 1)")
                    .bind(&id)
                    .bind(assessment_id)
                    .bind(organization_id)
                    .bind(body_id)
                    .bind(&at)
                    .execute(tx.conn())
                    .await?;
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
    pub async fn evaluation(&self, viewer_org: &str, id: &str) -> Result<EvaluationRow> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM evaluations WHERE id = $1 AND (organization_id = $2 OR body_id = $2)"))
            .bind(id)
            .bind(viewer_org)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// The evaluation of an assessment of the supplier, if any.
    pub async fn evaluation_for_assessment(
        &self,
        organization_id: &str,
        assessment_id: &str,
    ) -> Result<Option<EvaluationRow>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM evaluations WHERE assessment_id = $1 AND organization_id = $2 ORDER BY submitted_at DESC LIMIT 1"))
            .bind(assessment_id)
            .bind(organization_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// A body's queue: open submissions first, then decided ones, newest first.
    pub async fn evaluation_queue(&self, body_id: &str) -> Result<Vec<EvaluationRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM evaluations WHERE body_id = $1 ORDER BY CASE WHEN status = 'submitted' THEN 0 ELSE 1 END, submitted_at DESC"
        ))
        .bind(body_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Records the body's verdict on one criterion of an open evaluation.
    pub async fn put_finding(
        &self,
        actor: Actor<'_>,
        body_id: &str,
        evaluation_id: &str,
        criterion_id: &str,
        verdict: &str,
        comment: &str,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let open: Option<(String,)> =
            sqlx::query_as("SELECT status FROM evaluations WHERE id = $1 AND body_id = $2")
                .bind(evaluation_id)
                .bind(body_id)
                .fetch_optional(tx.conn())
                .await?;
        match open {
            None => return Err(StoreError::NotFound),
            Some((s,)) if s != "submitted" => return Ok(false),
            Some(_) => {}
        }
        let at = tx.at().to_string();
        sqlx::query(
            "INSERT INTO evaluation_findings (evaluation_id, criterion_id, verdict, comment, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (evaluation_id, criterion_id) DO UPDATE SET verdict = excluded.verdict, comment = excluded.comment, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(evaluation_id)
        .bind(criterion_id)
        .bind(verdict)
        .bind(comment)
        .bind(actor.user_id.unwrap_or(""))
        .bind(&at)
        .execute(tx.conn())
        .await?;
        tx.audit(
            "evaluation.finding",
            evaluation_id,
            json!({ "criterion_id": criterion_id, "verdict": verdict }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn findings(&self, evaluation_id: &str) -> Result<Vec<FindingRow>> {
        let rows = sqlx::query("SELECT criterion_id, verdict, comment, updated_at FROM evaluation_findings WHERE evaluation_id = $1")
            .bind(evaluation_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(FindingRow {
                    criterion_id: r.try_get("criterion_id")?,
                    verdict: crate::states::decode(r.try_get("verdict")?)?,
                    comment: r.try_get("comment")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Adds a message to the thread of an evaluation (supplier or body).
    pub async fn add_evaluation_comment(
        &self,
        actor: Actor<'_>,
        evaluation_id: &str,
        criterion_id: &str,
        body: &str,
    ) -> Result<String> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        sqlx::query("INSERT INTO evaluation_comments (id, evaluation_id, criterion_id, author_id, author_organization_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&id)
            .bind(evaluation_id)
            .bind(criterion_id)
            .bind(actor.user_id.unwrap_or(""))
            .bind(actor.organization_id.unwrap_or(""))
            .bind(body)
            .bind(&at)
            .execute(tx.conn())
            .await?;
        tx.audit(
            "evaluation.comment",
            evaluation_id,
            json!({ "criterion_id": criterion_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn evaluation_comments(&self, evaluation_id: &str) -> Result<Vec<CommentRow>> {
        let rows = sqlx::query("SELECT id, criterion_id, author_id, author_organization_id, body, created_at FROM evaluation_comments WHERE evaluation_id = $1 ORDER BY created_at")
            .bind(evaluation_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CommentRow {
                    id: r.try_get("id")?,
                    criterion_id: r.try_get("criterion_id")?,
                    author_id: r.try_get("author_id")?,
                    author_organization_id: r.try_get("author_organization_id")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Decides an open evaluation. Certify: the assessment becomes `certified`. Refuse: it
    /// returns to `in_progress` so the supplier can fix and resubmit.
    pub async fn decide_evaluation(
        &self,
        actor: Actor<'_>,
        body_id: &str,
        evaluation_id: &str,
        certify: Decision,
        reason: &str,
    ) -> Result<Option<EvaluationRow>> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let (status, assessment_status) = match certify {
            Decision::Certify => (EvaluationStatus::Certified, AssessmentStatus::Certified),
            Decision::Refuse => (EvaluationStatus::Refused, AssessmentStatus::InProgress),
        };
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM evaluations WHERE id = $1 AND body_id = $2"
        ))
        .bind(evaluation_id)
        .bind(body_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let ev = from_row(&row)?;
        if ev.status != EvaluationStatus::Submitted {
            return Ok(None);
        }
        sqlx::query("UPDATE evaluations SET status = $1, decided_at = $2, decision_reason = $3, decided_by = $4 WHERE id = $5")
            .bind(status.as_str())
            .bind(&at)
            .bind(reason)
            .bind(actor.user_id.unwrap_or(""))
            .bind(evaluation_id)
            .execute(tx.conn())
            .await?;
        sqlx::query("UPDATE assessments SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(assessment_status.as_str())
            .bind(&at)
            .bind(&ev.assessment_id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            "evaluation.decide",
            evaluation_id,
            json!({ "decision": status, "reason": reason }),
        )
        .await?;
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
        body_id: &str,
        assessment_id: &str,
    ) -> Result<crate::AssessmentRow> {
        let row: Option<(String,)> = sqlx::query_as("SELECT organization_id FROM evaluations WHERE assessment_id = $1 AND body_id = $2 LIMIT 1")
            .bind(assessment_id)
            .bind(body_id)
            .fetch_optional(&self.pool)
            .await?;
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
