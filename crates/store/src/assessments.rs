//! Assessments, their answers and evidence. Every query is scoped to an organisation.

use crate::ids::{AssessmentId, EvidenceId, OrganizationId};
use serde_json::json;

use shirube_assess::AnswerStatus;

use crate::states::decode;
use crate::{new_id, Actor, AssessmentStatus, Backend, Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssessmentRow {
    pub id: AssessmentId,
    pub organization_id: OrganizationId,
    pub target_level: i64,
    #[sqlx(try_from = "String")]
    pub status: AssessmentStatus,
    pub catalog_edition: String,
    pub based_on: Option<AssessmentId>,
    pub superseded_by: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub declared_at: Option<String>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub declaration_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub criterion_id: String,
    pub status: AnswerStatus,
    pub comment: String,
    pub not_applicable_reason: String,
    pub updated_by: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceRow {
    pub id: EvidenceId,
    pub assessment_id: AssessmentId,
    pub criterion_id: String,
    /// `file` or `link`.
    pub kind: String,
    pub url: Option<String>,
    pub blob_sha256: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub evidence_date: String,
    pub created_by: String,
    pub created_at: String,
}

/// What a new piece of evidence is.
#[derive(Debug, Clone)]
pub enum NewEvidence<'a> {
    File {
        sha256: &'a str,
        file_name: &'a str,
        content_type: &'a str,
        size: i64,
    },
    Link {
        url: &'a str,
    },
}

/// A validated answer to write.
#[derive(Debug, Clone)]
pub struct AnswerWrite<'a> {
    pub criterion_id: &'a str,
    pub status: &'a str,
    pub comment: &'a str,
    pub not_applicable_reason: &'a str,
}

/// The management's self-conformity declaration.
#[derive(Debug, Clone)]
pub struct Declaration<'a> {
    pub signer_name: &'a str,
    pub signer_title: &'a str,
    pub date: &'a str,
}

pub(crate) const ASSESSMENT_COLUMNS: &str =
    "id, organization_id, target_level, status, catalog_edition, based_on, superseded_by, \
    created_by, created_at, updated_at, declared_at, signer_name, signer_title, declaration_date";

const EVIDENCE_COLUMNS: &str =
    "id, assessment_id, criterion_id, kind, url, blob_sha256, file_name, content_type, size, \
    evidence_date, created_by, created_at";

/// An assessment row with its answers and evidence as JSON arrays.
#[derive(sqlx::FromRow)]
pub(crate) struct DetailsRow {
    #[sqlx(flatten)]
    pub(crate) row: AssessmentRow,
    pub(crate) answers_json: String,
    pub(crate) evidence_json: String,
}

/// An assessment with everything shown about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentDetails {
    pub row: AssessmentRow,
    pub answers: Vec<AnswerRow>,
    pub evidence: Vec<EvidenceRow>,
}

pub(crate) const ANSWER_JSON: &str =
    "criterion_id, status, comment, not_applicable_reason, updated_by, updated_at";
pub(crate) const EVIDENCE_JSON: &str =
    "id, assessment_id, criterion_id, kind, url, blob_sha256, file_name, content_type, size, \
    evidence_date, created_by, created_at";

fn decode_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

pub(crate) fn answers_from_json(json: &str) -> Result<Vec<AnswerRow>> {
    let rows: Vec<(String, String, String, String, String, String)> = decode_json(json)?;
    rows.into_iter()
        .map(
            |(criterion_id, status, comment, not_applicable_reason, updated_by, updated_at)| {
                Ok(AnswerRow {
                    criterion_id,
                    status: decode(status)?,
                    comment,
                    not_applicable_reason,
                    updated_by,
                    updated_at,
                })
            },
        )
        .collect()
}

type EvidenceJson = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
    String,
);

pub(crate) fn evidence_from_json(json: &str) -> Result<Vec<EvidenceRow>> {
    let rows: Vec<EvidenceJson> = decode_json(json)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                assessment_id,
                criterion_id,
                kind,
                url,
                blob_sha256,
                file_name,
                content_type,
                size,
                evidence_date,
                created_by,
                created_at,
            )| {
                EvidenceRow {
                    id: id.into(),
                    assessment_id: assessment_id.into(),
                    criterion_id,
                    kind,
                    url,
                    blob_sha256,
                    file_name,
                    content_type,
                    size,
                    evidence_date,
                    created_by,
                    created_at,
                }
            },
        )
        .collect())
}

impl Store {
    /// Starts an assessment; with `copy_from`, copies that assessment's answers (same
    /// organisation only) and marks an in-progress source as superseded.
    pub async fn create_assessment(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        target_level: i64,
        catalog_edition: &str,
        copy_from: Option<&AssessmentId>,
    ) -> Result<AssessmentId> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        if let Some(src) = copy_from {
            let found = fetch_optional!(
                tx.conn(),
                (String,),
                "SELECT id FROM assessments WHERE id = $1 AND organization_id = $2",
                src,
                organization_id
            )?;
            if found.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        execute!(tx.conn(), "INSERT INTO assessments (id, organization_id, target_level, status, catalog_edition, based_on, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)", &id, organization_id, target_level, AssessmentStatus::InProgress.as_str(), catalog_edition, copy_from, actor.user_id.unwrap_or(""), &at)?;
        if let Some(src) = copy_from {
            crate::public::snapshot_product_evidence(&mut tx, organization_id, src).await?;
            execute!(tx.conn(), "INSERT INTO answers (assessment_id, criterion_id, status, comment, not_applicable_reason, updated_by, updated_at) \
                 SELECT $1, criterion_id, status, comment, not_applicable_reason, updated_by, updated_at FROM answers WHERE assessment_id = $2", &id, src)?;
            execute!(tx.conn(), "UPDATE assessments SET superseded_by = $1, status = CASE WHEN status = 'in_progress' THEN 'superseded' ELSE status END \
                 WHERE id = $2 AND organization_id = $3", &id, src, organization_id)?;
        }
        tx.audit(
            "assessment.create",
            &id,
            json!({ "target_level": target_level, "copied_from": copy_from }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One assessment of an organisation; another organisation's id is not found.
    pub async fn assessment(
        &self,
        organization_id: &OrganizationId,
        id: &AssessmentId,
    ) -> Result<AssessmentRow> {
        fetch_optional!(
            self.db(),
            AssessmentRow,
            &format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = $1 AND organization_id = $2"
        ),
            id,
            organization_id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// An organisation's assessments, newest first.
    pub async fn assessments(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Vec<AssessmentRow>> {
        Ok(fetch_all!(self.db(), AssessmentRow, &format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE organization_id = $1 ORDER BY created_at DESC, id DESC"
        ), organization_id)?)
    }

    /// An assessment's answers. Fetched as one JSON array in one row: sqlx hands each result
    /// row from its SQLite thread to the async side separately, which made 60–150 answer rows
    /// cost several times what the query itself does (bench/web.sh).
    pub async fn answers(&self, assessment_id: &AssessmentId) -> Result<Vec<AnswerRow>> {
        let sql = format!(
            "SELECT {} FROM answers WHERE assessment_id = $1",
            self.json_rows(ANSWER_JSON, "")
        );
        let (json,) = fetch_one!(self.db(), (String,), &sql, assessment_id)?;
        answers_from_json(&json)
    }

    /// An assessment of the organisation with its answers and evidence (oldest first), in one
    /// query: every assessment page and API read needs all three, and each round trip to the
    /// database costs more than the rows it brings back. Another organisation's id is not found.
    pub async fn assessment_details(
        &self,
        organization_id: &OrganizationId,
        id: &AssessmentId,
    ) -> Result<AssessmentDetails> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS}, \
             (SELECT {} FROM answers WHERE answers.assessment_id = assessments.id) AS answers_json, \
             (SELECT {} FROM evidence WHERE evidence.assessment_id = assessments.id AND evidence.withdrawn_at IS NULL) AS evidence_json \
             FROM assessments WHERE id = $1 AND organization_id = $2",
            self.json_rows(ANSWER_JSON, ""),
            self.json_rows(EVIDENCE_JSON, " ORDER BY created_at"),
        );
        let details = fetch_optional!(self.db(), DetailsRow, &sql, id, organization_id)?
            .ok_or(StoreError::NotFound)?;
        Ok(AssessmentDetails {
            row: details.row,
            answers: answers_from_json(&details.answers_json)?,
            evidence: evidence_from_json(&details.evidence_json)?,
        })
    }

    /// An aggregate that turns the selected rows into one JSON array of arrays, as text
    /// (`[]` when there are none). The functions differ between the two databases.
    pub(crate) fn json_rows(&self, columns: &str, order_by: &str) -> String {
        match self.backend() {
            Backend::Sqlite => format!("json_group_array(json_array({columns}){order_by})"),
            Backend::Postgres => {
                format!("COALESCE(json_agg(json_build_array({columns}){order_by})::text, '[]')")
            }
        }
    }

    /// Writes an answer if the assessment belongs to the organisation and is still open.
    /// Returns `Ok(false)` when the assessment is frozen (declared or superseded).
    pub async fn put_answer(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        assessment_id: &AssessmentId,
        answer: &AnswerWrite<'_>,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        if !open_assessment(&mut tx, organization_id, assessment_id).await? {
            return Ok(false);
        }
        let at = tx.at().to_string();
        let user = actor.user_id.unwrap_or("");
        execute!(tx.conn(), "INSERT INTO answers (assessment_id, criterion_id, status, comment, not_applicable_reason, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (assessment_id, criterion_id) DO UPDATE SET status = excluded.status, comment = excluded.comment, \
             not_applicable_reason = excluded.not_applicable_reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at", assessment_id, answer.criterion_id, answer.status, answer.comment, answer.not_applicable_reason, user, &at)?;
        touch(&mut tx, assessment_id, &at).await?;
        mark_answered(&mut tx, organization_id, &at).await?;
        tx.audit(
            "answer.put",
            assessment_id,
            json!({ "criterion_id": answer.criterion_id, "status": answer.status }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Freezes an open assessment with the management's declaration. `Ok(false)` when it was
    /// not open.
    pub async fn declare(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        assessment_id: &AssessmentId,
        d: &Declaration<'_>,
        credential: Option<&crate::NewCredential<'_>>,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        if !open_assessment(&mut tx, organization_id, assessment_id).await? {
            return Ok(false);
        }
        let at = tx.at().to_string();
        crate::public::snapshot_product_evidence(&mut tx, organization_id, assessment_id).await?;
        execute!(tx.conn(), "UPDATE assessments SET status = 'declared', declared_at = $1, updated_at = $1, signer_name = $2, signer_title = $3, declaration_date = $4 \
             WHERE id = $5 AND organization_id = $6", &at, d.signer_name, d.signer_title, d.date, assessment_id, organization_id)?;
        tx.audit(
            "assessment.declare",
            assessment_id,
            json!({ "signer_name": d.signer_name, "signer_title": d.signer_title, "date": d.date }),
        )
        .await?;
        if let Some(c) = credential {
            crate::credentials::insert_credential(&mut tx, c).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Adds evidence to an open assessment. `Ok(None)` when the assessment is frozen.
    pub async fn add_evidence(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        assessment_id: &AssessmentId,
        criterion_id: &str,
        evidence: &NewEvidence<'_>,
        evidence_date: &str,
    ) -> Result<Option<EvidenceId>> {
        let mut tx = self.begin_write(actor).await?;
        if !open_assessment(&mut tx, organization_id, assessment_id).await? {
            return Ok(None);
        }
        let id = new_id();
        let at = tx.at().to_string();
        let (kind, url, sha, name, ctype, size) = match evidence {
            NewEvidence::File {
                sha256,
                file_name,
                content_type,
                size,
            } => (
                "file",
                None,
                Some(*sha256),
                Some(*file_name),
                Some(*content_type),
                Some(*size),
            ),
            NewEvidence::Link { url } => ("link", Some(*url), None, None, None, None),
        };
        execute!(tx.conn(), "INSERT INTO evidence (id, assessment_id, organization_id, criterion_id, kind, url, blob_sha256, file_name, content_type, size, evidence_date, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", &id, assessment_id, organization_id, criterion_id, kind, url, sha, name, ctype, size, evidence_date, actor.user_id.unwrap_or(""), &at)?;
        touch(&mut tx, assessment_id, &at).await?;
        tx.audit(
            "evidence.add",
            assessment_id,
            json!({ "evidence_id": id, "criterion_id": criterion_id, "kind": kind, "sha256": sha }),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Evidence in force of an assessment (the caller has already checked the assessment's
    /// owner); withdrawn items are left out.
    pub async fn evidence(&self, assessment_id: &AssessmentId) -> Result<Vec<EvidenceRow>> {
        Ok(fetch_all!(
            self.db(),
            EvidenceRow,
            &format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE assessment_id = $1 AND withdrawn_at IS NULL ORDER BY created_at"),
            assessment_id
        )?)
    }

    /// One evidence item in force, only if it belongs to the organisation (a withdrawn item
    /// is not found).
    pub async fn evidence_item(
        &self,
        organization_id: &OrganizationId,
        id: &EvidenceId,
    ) -> Result<EvidenceRow> {
        fetch_optional!(
            self.db(),
            EvidenceRow,
            &format!(
                "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE id = $1 AND organization_id = $2 AND withdrawn_at IS NULL"
            ),
            id,
            organization_id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// Withdraws a piece of evidence of an open assessment of the organisation: the row and
    /// its file are kept and the audit log records the withdrawal, but the item no longer
    /// counts as evidence anywhere. `NotFound` for another organisation's assessment or an
    /// item not in force on it.
    pub async fn withdraw_evidence(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        assessment_id: &AssessmentId,
        evidence_id: &EvidenceId,
    ) -> Result<Withdrawal> {
        let mut tx = self.begin_write(actor).await?;
        if !open_assessment(&mut tx, organization_id, assessment_id).await? {
            return Ok(Withdrawal::Frozen);
        }
        let at = tx.at().to_string();
        let row = fetch_optional!(
            tx.conn(),
            (String, String, Option<String>),
            "SELECT criterion_id, kind, blob_sha256 FROM evidence \
             WHERE id = $1 AND assessment_id = $2 AND organization_id = $3 AND withdrawn_at IS NULL",
            evidence_id,
            assessment_id,
            organization_id
        )?;
        let Some((criterion_id, kind, sha)) = row else {
            return Err(StoreError::NotFound);
        };
        execute!(
            tx.conn(),
            "UPDATE evidence SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL",
            &at,
            actor.user_id.unwrap_or(""),
            evidence_id
        )?;
        touch(&mut tx, assessment_id, &at).await?;
        tx.audit(
            "evidence.withdraw",
            assessment_id,
            json!({ "evidence_id": evidence_id, "criterion_id": criterion_id, "kind": kind, "sha256": sha }),
        )
        .await?;
        tx.commit().await?;
        Ok(Withdrawal::Done { criterion_id })
    }
}

/// What became of a withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withdrawal {
    /// Withdrawn; the criterion it was evidence for.
    Done { criterion_id: String },
    /// The assessment is no longer open: nothing changed.
    Frozen,
}

async fn open_assessment(
    tx: &mut crate::WriteTx,
    organization_id: &OrganizationId,
    assessment_id: &AssessmentId,
) -> Result<bool> {
    let row = fetch_optional!(
        tx.conn(),
        (String,),
        "SELECT status FROM assessments WHERE id = $1 AND organization_id = $2",
        assessment_id,
        organization_id
    )?;
    match row {
        None => Err(StoreError::NotFound),
        Some((status,)) => Ok(status == AssessmentStatus::InProgress.as_str()),
    }
}

async fn touch(tx: &mut crate::WriteTx, assessment_id: &AssessmentId, at: &str) -> Result<()> {
    execute!(
        tx.conn(),
        "UPDATE assessments SET updated_at = $1 WHERE id = $2",
        at,
        assessment_id
    )?;
    Ok(())
}

/// Records that the organisation has begun answering (kept on the organisation so that a
/// buyer's portfolio reads it with the supplier's name instead of probing its answers).
async fn mark_answered(
    tx: &mut crate::WriteTx,
    organization_id: &OrganizationId,
    at: &str,
) -> Result<()> {
    execute!(
        tx.conn(),
        "UPDATE organizations SET answered_at = $2 WHERE id = $1 AND answered_at IS NULL",
        organization_id,
        at
    )?;
    Ok(())
}
