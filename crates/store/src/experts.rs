//! Security experts and their engagements: the operator's approval, the directory, a
//! company's request and the expert's answer, the one query that says whether an expert may
//! read an assessment (an active engagement with its organisation), advice per criterion and
//! the confirmations bound to a digest of the answers.

use serde_json::json;

use crate::{
    new_id, unique_violation, Actor, AssessmentId, EngagementStatus, ExpertStatus, NewUser,
    OrganizationId, QualificationKind, Result, Role, Store, StoreError, UserId,
};

/// An expert as the operator, the directory and the expert see them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpertRow {
    pub id: String,
    pub user_id: UserId,
    pub organization_id: OrganizationId,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub qualification_kind: QualificationKind,
    pub qualification_number: String,
    /// JSON arrays of codes.
    pub prefectures: String,
    pub industries: String,
    pub languages: String,
    pub accepting: bool,
    #[sqlx(try_from = "String")]
    pub status: ExpertStatus,
    pub created_at: String,
    pub approved_at: Option<String>,
    pub withdrawn_at: Option<String>,
    /// Active engagements.
    pub clients: i64,
}

/// A new expert, already validated (lists as JSON array text).
#[derive(Debug, Clone)]
pub struct NewExpert<'a> {
    pub name: &'a str,
    pub qualification_kind: QualificationKind,
    pub qualification_number: &'a str,
    pub prefectures: &'a str,
    pub industries: &'a str,
    pub languages: &'a str,
    pub accepting: bool,
    /// The practice organisation's prefecture and industry (the first of each list).
    pub prefecture: &'a str,
    pub industry: &'a str,
}

/// Who was created by an expert sign-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedExpert {
    pub expert_id: String,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
}

/// An engagement with both sides' names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EngagementRow {
    pub id: String,
    pub expert_id: String,
    pub client_id: OrganizationId,
    #[sqlx(try_from = "String")]
    pub status: EngagementStatus,
    pub message: String,
    pub created_at: String,
    pub accepted_at: Option<String>,
    pub ended_at: Option<String>,
    pub expert_name: String,
    /// The expert's practice organisation (where the expert's notices go).
    pub expert_organization_id: OrganizationId,
    pub client_name: String,
    pub client_corporate_number: String,
}

/// The latest advice of one expert on one criterion.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AdviceRow {
    pub criterion_id: String,
    pub expert_id: String,
    pub expert_name: String,
    pub body: String,
    pub updated_at: String,
}

/// A confirmation with the confirming expert's details as they were recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConfirmationRow {
    pub id: String,
    pub assessment_id: AssessmentId,
    pub organization_id: OrganizationId,
    pub expert_id: String,
    pub statement: String,
    pub answers_digest: String,
    pub confirmed_at: String,
    pub expert_name: String,
    #[sqlx(try_from = "String")]
    pub qualification_kind: QualificationKind,
    pub qualification_number: String,
}

/// One client in an expert's workspace: the engagement and the client's newest assessment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientRow {
    pub engagement_id: String,
    pub client_id: OrganizationId,
    pub client_name: String,
    pub accepted_at: Option<String>,
    pub assessment_id: Option<AssessmentId>,
    pub target_level: Option<i64>,
    pub assessment_status: Option<String>,
    pub assessment_updated_at: Option<String>,
}

const EXPERT_COLUMNS: &str = "e.id, e.user_id, e.organization_id, e.name, e.qualification_kind, \
    e.qualification_number, e.prefectures, e.industries, e.languages, e.accepting <> 0 AS accepting, \
    e.status, e.created_at, e.approved_at, e.withdrawn_at, \
    (SELECT COUNT(*) FROM engagements g WHERE g.expert_id = e.id AND g.status = 'active') AS clients";

const ENGAGEMENT_COLUMNS: &str =
    "g.id, g.expert_id, g.client_id, g.status, g.message, g.created_at, \
    g.accepted_at, g.ended_at, e.name AS expert_name, e.organization_id AS expert_organization_id, \
    o.name AS client_name, o.corporate_number AS client_corporate_number";

const ENGAGEMENT_FROM: &str =
    "FROM engagements g JOIN experts e ON e.id = g.expert_id JOIN organizations o ON o.id = g.client_id";

const CONFIRMATION_COLUMNS: &str = "c.id, c.assessment_id, c.organization_id, c.expert_id, c.statement, \
    c.answers_digest, c.confirmed_at, e.name AS expert_name, e.qualification_kind, e.qualification_number";

impl Store {
    /// Creates an expert: a practice organisation (its corporate number is the placeholder
    /// `expert:<id>`, since sole proprietors have none), its owner (the expert's account) and
    /// the pending expert record, in one transaction. A taken e-mail is a conflict on
    /// `email`.
    pub async fn create_expert(
        &self,
        expert: &NewExpert<'_>,
        email: &str,
        password_hash: &str,
    ) -> Result<CreatedExpert> {
        // Expert, engagement and confirmation ids are still text in this module's rows.
        let expert_id: String = new_id::<crate::kind::Expert>().into();
        let org_id: OrganizationId = new_id();
        let user_id: UserId = new_id();
        let mut tx = self.begin_write(Actor::user(&org_id, &user_id)).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO organizations (id, name, corporate_number, industry, employees, prefecture, require_totp, created_at, record_key) \
             VALUES ($1, $2, $3, $4, 1, $5, 0, $6, $7)",
            &org_id,
            expert.name,
            format!("expert:{expert_id}"),
            expert.industry,
            expert.prefecture,
            &at,
            crate::new_record_key(),
        )?;
        let user = NewUser {
            email,
            name: expert.name,
            role: Role::Owner,
            password_hash,
        };
        crate::orgs::insert_user(&mut tx, &user_id, &org_id, &user)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => StoreError::Conflict { field: "email" },
                other => other,
            })?;
        execute!(
            tx.conn(),
            "INSERT INTO experts (id, user_id, organization_id, name, qualification_kind, qualification_number, \
             prefectures, industries, languages, accepting, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11)",
            &expert_id,
            &user_id,
            &org_id,
            expert.name,
            expert.qualification_kind.as_str(),
            expert.qualification_number,
            expert.prefectures,
            expert.industries,
            expert.languages,
            i64::from(expert.accepting),
            &at,
        )
        .map_err(|e| unique_violation(e, "email"))?;
        tx.audit(
            "expert.signup",
            &expert_id,
            json!({ "qualification_kind": expert.qualification_kind.as_str() }),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedExpert {
            expert_id,
            organization_id: org_id,
            user_id,
        })
    }

    /// Makes an existing user a (pending) expert whose practice is the user's organisation
    /// (`expert.prefecture` and `expert.industry` are not used: the organisation keeps its
    /// own). A user who is an expert already is a conflict.
    pub async fn add_expert_for_user(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        user_id: &UserId,
        expert: &NewExpert<'_>,
    ) -> Result<String> {
        let expert_id: String = new_id::<crate::kind::Expert>().into();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let taken: Option<(String,)> = fetch_optional!(
            tx.conn(),
            (String,),
            "SELECT id FROM experts WHERE user_id = $1",
            user_id
        )?;
        if taken.is_some() {
            return Err(StoreError::Conflict { field: "user_id" });
        }
        execute!(
            tx.conn(),
            "INSERT INTO experts (id, user_id, organization_id, name, qualification_kind, qualification_number, \
             prefectures, industries, languages, accepting, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11)",
            &expert_id,
            user_id,
            organization_id,
            expert.name,
            expert.qualification_kind.as_str(),
            expert.qualification_number,
            expert.prefectures,
            expert.industries,
            expert.languages,
            i64::from(expert.accepting),
            &at,
        )
        .map_err(|e| unique_violation(e, "user_id"))?;
        tx.audit(
            "expert.signup",
            &expert_id,
            json!({ "qualification_kind": expert.qualification_kind.as_str(), "existing_user": true }),
        )
        .await?;
        tx.commit().await?;
        Ok(expert_id)
    }

    pub async fn expert(&self, id: &str) -> Result<ExpertRow> {
        fetch_optional!(
            self.db(),
            ExpertRow,
            &format!("SELECT {EXPERT_COLUMNS} FROM experts e WHERE e.id = $1"),
            id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// The expert record of a user, if the user is an expert.
    pub async fn expert_by_user(&self, user_id: &str) -> Result<Option<ExpertRow>> {
        Ok(fetch_optional!(
            self.db(),
            ExpertRow,
            &format!("SELECT {EXPERT_COLUMNS} FROM experts e WHERE e.user_id = $1"),
            user_id
        )?)
    }

    pub async fn expert_by_email(&self, email: &str) -> Result<Option<ExpertRow>> {
        Ok(fetch_optional!(
            self.db(),
            ExpertRow,
            &format!(
                "SELECT {EXPERT_COLUMNS} FROM experts e JOIN users u ON u.id = e.user_id WHERE u.email = $1"
            ),
            email
        )?)
    }

    /// Approves an expert (the operator checked the qualification) or withdraws one. A
    /// withdrawal ends the expert's requested and active engagements in the same transaction
    /// and returns them, so that both sides can be told.
    pub async fn set_expert_status(
        &self,
        actor: Actor<'_>,
        expert_id: &str,
        status: ExpertStatus,
    ) -> Result<Vec<EngagementRow>> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let sql = match status {
            ExpertStatus::Approved => {
                "UPDATE experts SET status = 'approved', approved_at = $1, withdrawn_at = NULL WHERE id = $2"
            }
            ExpertStatus::Withdrawn => {
                "UPDATE experts SET status = 'withdrawn', withdrawn_at = $1 WHERE id = $2"
            }
            ExpertStatus::Pending => {
                "UPDATE experts SET status = 'pending', approved_at = NULL, withdrawn_at = $1 WHERE id = $2"
            }
        };
        if execute!(tx.conn(), sql, &at, expert_id)? == 0 {
            return Err(StoreError::NotFound);
        }
        let mut ended = Vec::new();
        if status == ExpertStatus::Withdrawn {
            ended = fetch_all!(
                tx.conn(),
                EngagementRow,
                &format!(
                    "SELECT {ENGAGEMENT_COLUMNS} {ENGAGEMENT_FROM} WHERE g.expert_id = $1 AND g.status IN ('requested', 'active') ORDER BY g.created_at"
                ),
                expert_id
            )?;
            execute!(
                tx.conn(),
                "UPDATE engagements SET status = 'ended', ended_at = $1 WHERE expert_id = $2 AND status IN ('requested', 'active')",
                &at,
                expert_id
            )?;
        }
        tx.audit(
            "expert.status",
            expert_id,
            json!({ "status": status.as_str(), "engagements_ended": ended.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Approved experts who accept clients, optionally in one prefecture and one industry,
    /// by name.
    pub async fn expert_directory(
        &self,
        prefecture: Option<&str>,
        industry: Option<&str>,
    ) -> Result<Vec<ExpertRow>> {
        // The lists are JSON arrays of validated codes (digits or one letter), so a quoted
        // code matches only a whole element and needs no escaping.
        let pref = prefecture.map_or("%".to_string(), |p| format!("%\"{p}\"%"));
        let ind = industry.map_or("%".to_string(), |i| format!("%\"{i}\"%"));
        Ok(fetch_all!(
            self.db(),
            ExpertRow,
            &format!(
                "SELECT {EXPERT_COLUMNS} FROM experts e WHERE e.status = 'approved' AND e.accepting <> 0 \
                 AND e.prefectures LIKE $1 AND e.industries LIKE $2 ORDER BY e.name, e.id"
            ),
            pref,
            ind
        )?)
    }

    /// A company asks an expert. One open (requested or active) engagement per pair: a second
    /// is a conflict on `expert_id`.
    pub async fn create_engagement(
        &self,
        actor: Actor<'_>,
        expert_id: &str,
        client_id: &str,
        message: &str,
    ) -> Result<String> {
        let id: String = new_id::<crate::kind::Engagement>().into();
        let mut tx = self.begin_write(actor).await?;
        let open: Option<(String,)> = fetch_optional!(
            tx.conn(),
            (String,),
            "SELECT id FROM engagements WHERE expert_id = $1 AND client_id = $2 AND status IN ('requested', 'active')",
            expert_id,
            client_id
        )?;
        if open.is_some() {
            return Err(StoreError::Conflict { field: "expert_id" });
        }
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO engagements (id, expert_id, client_id, status, message, created_by, created_at) \
             VALUES ($1, $2, $3, 'requested', $4, $5, $6)",
            &id,
            expert_id,
            client_id,
            message,
            actor.user_id.unwrap_or(""),
            &at
        )?;
        tx.audit(
            "engagement.request",
            &id,
            json!({ "expert_id": expert_id, "client_id": client_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn engagement(&self, id: &str) -> Result<EngagementRow> {
        fetch_optional!(
            self.db(),
            EngagementRow,
            &format!("SELECT {ENGAGEMENT_COLUMNS} {ENGAGEMENT_FROM} WHERE g.id = $1"),
            id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// Moves an engagement to `to` if it is in one of `from`. `Ok(false)` when it was not
    /// (someone else moved it first).
    pub async fn move_engagement(
        &self,
        actor: Actor<'_>,
        id: &str,
        from: &[EngagementStatus],
        to: EngagementStatus,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let current: Option<(String,)> = fetch_optional!(
            tx.conn(),
            (String,),
            "SELECT status FROM engagements WHERE id = $1",
            id
        )?;
        let Some((current,)) = current else {
            return Err(StoreError::NotFound);
        };
        if !from.iter().any(|s| s.as_str() == current) {
            return Ok(false);
        }
        let sql = match to {
            EngagementStatus::Active => {
                "UPDATE engagements SET status = $1, accepted_at = $2 WHERE id = $3"
            }
            _ => "UPDATE engagements SET status = $1, ended_at = $2 WHERE id = $3",
        };
        execute!(tx.conn(), sql, to.as_str(), &at, id)?;
        tx.audit(
            "engagement.status",
            id,
            json!({ "from": current, "to": to.as_str() }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A company's engagements, newest first.
    pub async fn client_engagements(&self, client_id: &str) -> Result<Vec<EngagementRow>> {
        Ok(fetch_all!(
            self.db(),
            EngagementRow,
            &format!(
                "SELECT {ENGAGEMENT_COLUMNS} {ENGAGEMENT_FROM} WHERE g.client_id = $1 ORDER BY g.created_at DESC"
            ),
            client_id
        )?)
    }

    /// An expert's engagements, newest first.
    pub async fn expert_engagements(&self, expert_id: &str) -> Result<Vec<EngagementRow>> {
        Ok(fetch_all!(
            self.db(),
            EngagementRow,
            &format!(
                "SELECT {ENGAGEMENT_COLUMNS} {ENGAGEMENT_FROM} WHERE g.expert_id = $1 ORDER BY g.created_at DESC"
            ),
            expert_id
        )?)
    }

    /// The organisation owning `assessment_id` when the user is an approved expert with an
    /// active engagement with it; `None` otherwise. This is the whole of an expert's access.
    pub async fn expert_client_of_assessment(
        &self,
        user_id: &str,
        assessment_id: &str,
    ) -> Result<Option<(OrganizationId, String)>> {
        Ok(fetch_optional!(
            self.db(),
            (OrganizationId, String),
            "SELECT a.organization_id, e.id FROM experts e \
             JOIN engagements g ON g.expert_id = e.id AND g.status = 'active' \
             JOIN assessments a ON a.organization_id = g.client_id \
             WHERE e.user_id = $1 AND e.status = 'approved' AND a.id = $2 LIMIT 1",
            user_id,
            assessment_id
        )?)
    }

    /// The expert id of the user when the user is an approved expert with an active
    /// engagement with `client_id`; `None` otherwise.
    pub async fn expert_of_client(&self, user_id: &str, client_id: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = fetch_optional!(
            self.db(),
            (String,),
            "SELECT e.id FROM experts e JOIN engagements g ON g.expert_id = e.id AND g.status = 'active' \
             WHERE e.user_id = $1 AND e.status = 'approved' AND g.client_id = $2 LIMIT 1",
            user_id,
            client_id
        )?;
        Ok(row.map(|(id,)| id))
    }

    /// The organisation a scan belongs to.
    pub async fn scan_owner(&self, scan_id: &str) -> Result<Option<OrganizationId>> {
        let row: Option<(OrganizationId,)> = fetch_optional!(
            self.db(),
            (OrganizationId,),
            "SELECT organization_id FROM scans WHERE id = $1",
            scan_id
        )?;
        Ok(row.map(|(o,)| o))
    }

    /// The organisation and assessment an evidence item in force belongs to.
    pub async fn evidence_owner(
        &self,
        evidence_id: &str,
    ) -> Result<Option<(OrganizationId, AssessmentId)>> {
        Ok(fetch_optional!(
            self.db(),
            (OrganizationId, AssessmentId),
            "SELECT organization_id, assessment_id FROM evidence WHERE id = $1 AND withdrawn_at IS NULL",
            evidence_id
        )?)
    }

    /// Records, in the client's audit log, that an expert read one of its records.
    pub async fn record_expert_read(
        &self,
        client_id: &OrganizationId,
        expert_user_id: &UserId,
        expert_id: &str,
        what: &str,
        subject: &str,
    ) -> Result<()> {
        let mut tx = self
            .begin_write(Actor::user(client_id, expert_user_id))
            .await?;
        tx.audit(
            "expert.read",
            subject,
            json!({ "expert_id": expert_id, "what": what }),
        )
        .await?;
        tx.commit().await
    }

    /// An expert's reads of the organisation's records, newest first.
    pub async fn expert_reads(
        &self,
        organization_id: &str,
        limit: i64,
    ) -> Result<Vec<crate::AuditEntry>> {
        Ok(fetch_all!(
            self.db(),
            crate::AuditEntry,
            "SELECT seq, at, organization_id, user_id, action, subject, detail, prev_hash, hash FROM audit_log \
             WHERE organization_id = $1 AND action = 'expert.read' ORDER BY seq DESC LIMIT $2",
            organization_id,
            limit
        )?)
    }

    /// Writes (replaces) an expert's advice on one criterion of an assessment.
    pub async fn put_advice(
        &self,
        actor: Actor<'_>,
        assessment_id: &str,
        criterion_id: &str,
        expert_id: &str,
        body: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO expert_advice (assessment_id, criterion_id, expert_id, body, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (assessment_id, criterion_id, expert_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            assessment_id,
            criterion_id,
            expert_id,
            body,
            &at
        )?;
        tx.audit(
            "expert.advice",
            assessment_id,
            json!({ "criterion_id": criterion_id, "expert_id": expert_id }),
        )
        .await?;
        tx.commit().await
    }

    /// Every expert's advice on an assessment, by criterion then time.
    pub async fn advice(&self, assessment_id: &str) -> Result<Vec<AdviceRow>> {
        Ok(fetch_all!(
            self.db(),
            AdviceRow,
            "SELECT a.criterion_id, a.expert_id, e.name AS expert_name, a.body, a.updated_at \
             FROM expert_advice a JOIN experts e ON e.id = a.expert_id \
             WHERE a.assessment_id = $1 ORDER BY a.criterion_id, a.updated_at",
            assessment_id
        )?)
    }

    /// Records an expert's confirmation of an assessment of `organization_id`.
    pub async fn add_confirmation(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        assessment_id: &str,
        expert_id: &str,
        statement: &str,
        answers_digest: &str,
    ) -> Result<ConfirmationRow> {
        let id: String = new_id::<crate::kind::ExpertConfirmation>().into();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO expert_confirmations (id, assessment_id, organization_id, expert_id, statement, answers_digest, confirmed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &id,
            assessment_id,
            organization_id,
            expert_id,
            statement,
            answers_digest,
            &at
        )?;
        tx.audit(
            "expert.confirm",
            assessment_id,
            json!({ "expert_id": expert_id, "answers_digest": answers_digest }),
        )
        .await?;
        let row = fetch_one!(
            tx.conn(),
            ConfirmationRow,
            &format!(
                "SELECT {CONFIRMATION_COLUMNS} FROM expert_confirmations c JOIN experts e ON e.id = c.expert_id WHERE c.id = $1"
            ),
            &id
        )?;
        tx.commit().await?;
        Ok(row)
    }

    /// The newest confirmation of an assessment, if any (a later withdrawal of its expert does
    /// not undo it: it keeps its date).
    pub async fn latest_confirmation(
        &self,
        assessment_id: &str,
    ) -> Result<Option<ConfirmationRow>> {
        Ok(fetch_optional!(
            self.db(),
            ConfirmationRow,
            &format!(
                "SELECT {CONFIRMATION_COLUMNS} FROM expert_confirmations c JOIN experts e ON e.id = c.expert_id \
                 WHERE c.assessment_id = $1 ORDER BY c.confirmed_at DESC, c.id DESC LIMIT 1"
            ),
            assessment_id
        )?)
    }

    /// An expert's active clients, each with its newest assessment that is not superseded.
    pub async fn expert_clients(&self, expert_id: &str) -> Result<Vec<ClientRow>> {
        Ok(fetch_all!(
            self.db(),
            ClientRow,
            "SELECT g.id AS engagement_id, g.client_id, o.name AS client_name, g.accepted_at, \
               a.id AS assessment_id, a.target_level, a.status AS assessment_status, a.updated_at AS assessment_updated_at \
             FROM engagements g JOIN organizations o ON o.id = g.client_id \
             LEFT JOIN assessments a ON a.id = (SELECT a2.id FROM assessments a2 WHERE a2.organization_id = g.client_id \
               AND a2.status <> 'superseded' ORDER BY a2.created_at DESC, a2.id DESC LIMIT 1) \
             WHERE g.expert_id = $1 AND g.status = 'active' ORDER BY o.name, g.id",
            expert_id
        )?)
    }
}

/// One client in an expert's workspace with everything the workspace computes from: the
/// engagement, the newest assessment that is not superseded with its answers and evidence in
/// force, the digest of the newest confirmation of that assessment, and the vulnerability
/// findings of the client's checks run since a given instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceClient {
    pub client: ClientRow,
    pub details: Option<crate::AssessmentDetails>,
    /// The answers digest of the newest confirmation of the assessment, if any.
    pub confirmation_digest: Option<String>,
    /// Findings of the client's checks uploaded or re-checked since the given instant.
    pub recent_findings: i64,
}

#[derive(sqlx::FromRow)]
struct WorkspaceClientRow {
    #[sqlx(flatten)]
    client: ClientRow,
    confirmation_digest: Option<String>,
    recent_findings: i64,
}

/// The newest assessment of the engagement's client that is not superseded.
const LATEST_ASSESSMENT: &str =
    "(SELECT a2.id FROM assessments a2 WHERE a2.organization_id = g.client_id \
    AND a2.status <> 'superseded' ORDER BY a2.created_at DESC, a2.id DESC LIMIT 1)";

impl Store {
    /// [`Store::product_evidence`] of the newest assessment of each active client of an
    /// expert, in one query (the expert's workspace).
    pub async fn expert_clients_product_evidence(
        &self,
        expert_id: &str,
    ) -> Result<Vec<crate::ProductEvidenceRow>> {
        let latest = LATEST_ASSESSMENT;
        Ok(fetch_all!(
            self.db(),
            crate::ProductEvidenceRow,
            &format!(
                "SELECT a.id AS assessment_id, u.product_id, v.name AS vendor_name, p.name AS product_name, p.category, u.criteria, u.created_at AS declared_at \
                 FROM engagements g JOIN assessments a ON a.id = {latest} \
                 JOIN product_uses u ON u.organization_id = a.organization_id \
                 JOIN security_products p ON p.id = u.product_id JOIN security_vendors v ON v.id = p.vendor_id \
                 WHERE g.expert_id = $1 AND g.status = 'active' AND a.organization_id = g.client_id AND a.status = 'in_progress' \
                 UNION ALL \
                 SELECT a.id, s.product_id, s.vendor_name, s.product_name, s.category, s.criteria, s.declared_at \
                 FROM engagements g JOIN assessments a ON a.id = {latest} \
                 JOIN assessment_product_evidence s ON s.assessment_id = a.id \
                 WHERE g.expert_id = $1 AND g.status = 'active' AND a.organization_id = g.client_id AND a.status <> 'in_progress' \
                 ORDER BY 1, 5, 4, 2"
            ),
            expert_id
        )?)
    }

    /// An expert's whole workspace in two queries whatever the number of clients: one for
    /// the engagements with their newest assessment, confirmation digest and recent
    /// findings, one for those assessments with their answers and evidence (as JSON, like
    /// [`Store::assessment_details`]). `findings_since` is an RFC 3339 instant. (Placeholders
    /// are numbered in the order they appear: SQLite numbers `$n` by first appearance.)
    pub async fn expert_workspace(
        &self,
        expert_id: &str,
        findings_since: &str,
    ) -> Result<Vec<WorkspaceClient>> {
        let clients = fetch_all!(
            self.db(),
            WorkspaceClientRow,
            &format!(
                "SELECT g.id AS engagement_id, g.client_id, o.name AS client_name, g.accepted_at, \
                   a.id AS assessment_id, a.target_level, a.status AS assessment_status, a.updated_at AS assessment_updated_at, \
                   (SELECT c.answers_digest FROM expert_confirmations c WHERE c.assessment_id = a.id \
                     ORDER BY c.confirmed_at DESC, c.id DESC LIMIT 1) AS confirmation_digest, \
                   CAST(COALESCE((SELECT SUM(s.findings) FROM scans s WHERE s.organization_id = g.client_id \
                     AND s.scanned_at >= $1), 0) AS BIGINT) AS recent_findings \
                 FROM engagements g JOIN organizations o ON o.id = g.client_id \
                 LEFT JOIN assessments a ON a.id = {LATEST_ASSESSMENT} \
                 WHERE g.expert_id = $2 AND g.status = 'active' ORDER BY o.name, g.id"
            ),
            findings_since,
            expert_id
        )?;
        let sql = format!(
            "SELECT {cols}, \
             (SELECT {answers} FROM answers WHERE answers.assessment_id = assessments.id) AS answers_json, \
             (SELECT {evidence} FROM evidence WHERE evidence.assessment_id = assessments.id AND evidence.withdrawn_at IS NULL) AS evidence_json \
             FROM assessments WHERE id IN (SELECT {LATEST_ASSESSMENT} FROM engagements g \
               WHERE g.expert_id = $1 AND g.status = 'active')",
            cols = crate::assessments::ASSESSMENT_COLUMNS,
            answers = self.json_rows(crate::assessments::ANSWER_JSON, ""),
            evidence = self.json_rows(crate::assessments::EVIDENCE_JSON, " ORDER BY created_at"),
        );
        let mut details: std::collections::HashMap<String, crate::AssessmentDetails> =
            std::collections::HashMap::new();
        for d in fetch_all!(self.db(), crate::assessments::DetailsRow, &sql, expert_id)? {
            details.insert(
                d.row.id.to_string(),
                crate::AssessmentDetails {
                    answers: crate::assessments::answers_from_json(&d.answers_json)?,
                    evidence: crate::assessments::evidence_from_json(&d.evidence_json)?,
                    row: d.row,
                },
            );
        }
        Ok(clients
            .into_iter()
            .map(|r| WorkspaceClient {
                // A client whose assessment changed between the two reads shows without
                // details until the next look (never another client's).
                details: r
                    .client
                    .assessment_id
                    .as_deref()
                    .and_then(|id| details.remove(id))
                    .filter(|d| d.row.organization_id == r.client.client_id),
                client: r.client,
                confirmation_digest: r.confirmation_digest,
                recent_findings: r.recent_findings,
            })
            .collect())
    }

    /// Bulk loading for benchmarks (bench/experts.sh): makes `expert_id` the active expert
    /// of every organisation in `clients`, in one transaction with one audit entry.
    pub async fn seed_engagements(
        &self,
        expert_id: &str,
        clients: &[OrganizationId],
    ) -> Result<usize> {
        let mut tx = self.begin_write(Actor::system()).await?;
        let at = tx.at().to_string();
        for client in clients {
            let id: String = new_id::<crate::kind::Engagement>().into();
            execute!(
                tx.conn(),
                "INSERT INTO engagements (id, expert_id, client_id, status, message, created_by, created_at, accepted_at) \
                 VALUES ($1, $2, $3, 'active', '', '', $4, $4)",
                &id,
                expert_id,
                client,
                &at
            )?;
        }
        tx.audit(
            "bench.seed",
            expert_id,
            json!({ "engagements": clients.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(clients.len())
    }
}

/// An industry group's shared adviser as one of its members sees it, with the member's
/// answer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AdviserOfferRow {
    pub group_id: OrganizationId,
    pub group_name: String,
    pub expert_id: String,
    pub expert_name: String,
    #[sqlx(try_from = "String")]
    pub qualification_kind: QualificationKind,
    pub named_at: String,
    /// `opted_in` or `declined`; `None` while unanswered.
    pub answer: Option<String>,
    pub engagement_id: Option<String>,
    /// The member has an open engagement with the expert (direct, or by opting in).
    pub engaged: bool,
}

/// How a member answered a group's adviser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdviserAnswer {
    OptedIn,
    Declined,
}

impl Store {
    /// Names (or replaces) an industry group's shared adviser.
    pub async fn set_shared_adviser(
        &self,
        actor: Actor<'_>,
        group_id: &OrganizationId,
        expert_id: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO shared_advisers (group_id, expert_id, named_by, named_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (group_id) DO UPDATE SET expert_id = excluded.expert_id, named_by = excluded.named_by, named_at = excluded.named_at",
            group_id,
            expert_id,
            actor.user_id.unwrap_or(""),
            &at
        )?;
        tx.audit(
            "industry.shared_adviser",
            group_id,
            json!({ "expert_id": expert_id }),
        )
        .await?;
        tx.commit().await
    }

    /// Withdraws the group's shared adviser (engagements already made stay, like any
    /// engagement, until either side ends them). `Ok(false)` when there was none.
    pub async fn clear_shared_adviser(
        &self,
        actor: Actor<'_>,
        group_id: &OrganizationId,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let n = execute!(
            tx.conn(),
            "DELETE FROM shared_advisers WHERE group_id = $1",
            group_id
        )?;
        if n == 0 {
            return Ok(false);
        }
        tx.audit("industry.shared_adviser_cleared", group_id, json!({}))
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The group's shared adviser, if it named one.
    pub async fn shared_adviser(&self, group_id: &OrganizationId) -> Result<Option<ExpertRow>> {
        Ok(fetch_optional!(
            self.db(),
            ExpertRow,
            &format!(
                "SELECT {EXPERT_COLUMNS} FROM shared_advisers s JOIN experts e ON e.id = s.expert_id WHERE s.group_id = $1"
            ),
            group_id
        )?)
    }

    /// The shared advisers of the groups the organisation is an active member of, with its
    /// answers, by group name.
    pub async fn shared_adviser_offers(
        &self,
        member_id: &OrganizationId,
    ) -> Result<Vec<AdviserOfferRow>> {
        Ok(fetch_all!(
            self.db(),
            AdviserOfferRow,
            "SELECT s.group_id, o.name AS group_name, s.expert_id, e.name AS expert_name, e.qualification_kind, \
               s.named_at, a.answer, a.engagement_id, \
               EXISTS (SELECT 1 FROM engagements g WHERE g.expert_id = s.expert_id AND g.client_id = m.member_id \
                 AND g.status IN ('requested', 'active')) AS engaged \
             FROM industry_memberships m \
             JOIN shared_advisers s ON s.group_id = m.group_id \
             JOIN organizations o ON o.id = m.group_id \
             JOIN experts e ON e.id = s.expert_id \
             LEFT JOIN shared_adviser_answers a ON a.group_id = s.group_id AND a.member_id = m.member_id AND a.expert_id = s.expert_id \
             WHERE m.member_id = $1 AND m.status = 'active' AND o.is_industry_group <> 0 ORDER BY o.name, s.group_id",
            member_id
        )?)
    }

    /// A member answers its group's adviser. Opting in creates an active engagement with the
    /// expert — the same row a direct request and its acceptance make — unless one is open
    /// already (a conflict on `expert_id`). Checked in the transaction: the membership is
    /// active, the group still names `expert_id`, and the expert is approved; otherwise
    /// `NotFound`. Returns the engagement id when opting in.
    pub async fn answer_shared_adviser(
        &self,
        actor: Actor<'_>,
        group_id: &OrganizationId,
        member_id: &OrganizationId,
        expert_id: &str,
        answer: AdviserAnswer,
    ) -> Result<Option<String>> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let ok: Option<(String,)> = fetch_optional!(
            tx.conn(),
            (String,),
            "SELECT s.expert_id FROM shared_advisers s \
             JOIN industry_memberships m ON m.group_id = s.group_id AND m.member_id = $1 AND m.status = 'active' \
             JOIN experts e ON e.id = s.expert_id AND e.status = 'approved' \
             JOIN organizations g ON g.id = s.group_id AND g.is_industry_group <> 0 \
             WHERE s.group_id = $2 AND s.expert_id = $3",
            member_id,
            group_id,
            expert_id
        )?;
        if ok.is_none() {
            return Err(StoreError::NotFound);
        }
        let user = actor.user_id.unwrap_or("");
        let (label, engagement) = match answer {
            AdviserAnswer::Declined => ("declined", None),
            AdviserAnswer::OptedIn => {
                let open: Option<(String,)> = fetch_optional!(
                    tx.conn(),
                    (String,),
                    "SELECT id FROM engagements WHERE expert_id = $1 AND client_id = $2 AND status IN ('requested', 'active')",
                    expert_id,
                    member_id
                )?;
                if open.is_some() {
                    return Err(StoreError::Conflict { field: "expert_id" });
                }
                let id: String = new_id::<crate::kind::Engagement>().into();
                execute!(
                    tx.conn(),
                    "INSERT INTO engagements (id, expert_id, client_id, status, message, created_by, created_at, accepted_at) \
                     VALUES ($1, $2, $3, 'active', '', $4, $5, $5)",
                    &id,
                    expert_id,
                    member_id,
                    user,
                    &at
                )?;
                tx.audit(
                    "engagement.shared_adviser",
                    &id,
                    json!({ "expert_id": expert_id, "client_id": member_id, "group_id": group_id }),
                )
                .await?;
                ("opted_in", Some(id))
            }
        };
        execute!(
            tx.conn(),
            "INSERT INTO shared_adviser_answers (group_id, member_id, expert_id, answer, engagement_id, answered_by, answered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (group_id, member_id, expert_id) DO UPDATE SET answer = excluded.answer, \
             engagement_id = excluded.engagement_id, answered_by = excluded.answered_by, answered_at = excluded.answered_at",
            group_id,
            member_id,
            expert_id,
            label,
            engagement.as_deref(),
            user,
            &at
        )?;
        tx.audit(
            "industry.shared_adviser_answer",
            group_id,
            json!({ "expert_id": expert_id, "answer": label }),
        )
        .await?;
        tx.commit().await?;
        Ok(engagement)
    }
}
