//! Vulnerability scans of uploaded SBOMs and lockfiles, their evidence on assessments, and
//! the organisation's inbox. Every query is scoped to an organisation, except the
//! re-scan sweep, which the server runs for all organisations.

use crate::ids::{AssessmentId, EvidenceId, NotificationId, OrganizationId, ScanId};
use serde_json::json;

use crate::{new_id, Actor, NotificationKind, Result, Store, StoreError};

/// A stored scan: the uploaded file (as a blob) and its latest result.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScanRow {
    pub id: ScanId,
    pub organization_id: OrganizationId,
    pub assessment_id: Option<AssessmentId>,
    pub file_name: String,
    /// The detected input format, as `shirube_vuln::InputFormat` displays it.
    pub input_format: String,
    pub blob_sha256: String,
    pub size: i64,
    pub created_by: String,
    pub created_at: String,
    /// When the result was last computed (upload or re-scan).
    pub scanned_at: String,
    /// SHA-256 of the advisory index the result was computed with.
    pub index_fingerprint: String,
    pub components: i64,
    pub findings: i64,
    pub advisories: i64,
    /// The scan report as JSON (the CLI's `--format json` shape).
    pub report: String,
}

/// A scan result to store.
#[derive(Debug, Clone)]
pub struct NewScan<'a> {
    pub file_name: &'a str,
    pub input_format: &'a str,
    pub blob_sha256: &'a str,
    pub size: i64,
    pub index_fingerprint: &'a str,
    pub components: i64,
    pub findings: i64,
    pub advisories: i64,
    pub report: &'a str,
}

/// Where a scan is attached as evidence: an open assessment and the criteria in its level.
#[derive(Debug, Clone)]
pub struct ScanEvidence<'a> {
    pub assessment_id: &'a str,
    pub criteria: &'a [&'a str],
    /// `YYYY-MM-DD`.
    pub evidence_date: &'a str,
}

/// A new result of re-scanning a stored file.
#[derive(Debug, Clone)]
pub struct ScanUpdate<'a> {
    pub index_fingerprint: &'a str,
    pub components: i64,
    pub findings: i64,
    pub advisories: i64,
    pub report: &'a str,
}

/// A message in an organisation's inbox, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: NotificationId,
    pub organization_id: OrganizationId,
    #[sqlx(try_from = "String")]
    pub kind: NotificationKind,
    pub title_ja: String,
    pub title_en: String,
    pub body_ja: String,
    pub body_en: String,
    /// A local path, e.g. `/checks/{scan_id}`.
    pub link: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// A notification to add.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub kind: NotificationKind,
    pub title_ja: &'a str,
    pub title_en: &'a str,
    pub body_ja: &'a str,
    pub body_en: &'a str,
    pub link: &'a str,
}

/// Evidence kind of a scan result attached to a criterion; its `url` is the scan page.
pub const EVIDENCE_KIND_SCAN: &str = "scan";

const SCAN_COLUMNS: &str = "id, organization_id, assessment_id, file_name, input_format, blob_sha256, size, created_by, created_at, \
    scanned_at, index_fingerprint, components, findings, advisories, report";

const NOTIFICATION_COLUMNS: &str =
    "id, organization_id, kind, title_ja, title_en, body_ja, body_en, link, created_at, read_at";

impl Store {
    /// Stores a scan and, with `evidence`, attaches it to the given criteria of an open
    /// assessment of the same organisation, in one transaction. Returns the scan id and the
    /// evidence ids. A foreign assessment is `NotFound`; `Ok(None)` when it is frozen.
    pub async fn create_scan(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        scan: &NewScan<'_>,
        evidence: Option<&ScanEvidence<'_>>,
    ) -> Result<Option<(ScanId, Vec<EvidenceId>)>> {
        let mut tx = self.begin_write(actor).await?;
        if let Some(ev) = evidence {
            let (status,) = fetch_optional!(
                tx.conn(),
                (String,),
                "SELECT status FROM assessments WHERE id = $1 AND organization_id = $2",
                ev.assessment_id,
                organization_id
            )?
            .ok_or(StoreError::NotFound)?;
            if status != crate::AssessmentStatus::InProgress.as_str() {
                return Ok(None);
            }
        }
        let id = new_id();
        let at = tx.at().to_string();
        let user = actor.user_id.unwrap_or("");
        execute!(tx.conn(), &format!(
            "INSERT INTO scans ({SCAN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14)"
        ), &id, organization_id, evidence.map(|e| e.assessment_id), scan.file_name, scan.input_format, scan.blob_sha256, scan.size, user, &at, scan.index_fingerprint, scan.components, scan.findings, scan.advisories, scan.report)?;
        tx.audit(
            "scan.create",
            &id,
            json!({ "sha256": scan.blob_sha256, "format": scan.input_format, "findings": scan.findings, "index": scan.index_fingerprint }),
        )
        .await?;
        let mut evidence_ids = Vec::new();
        if let Some(ev) = evidence {
            let link = format!("/checks/{id}");
            for criterion in ev.criteria {
                let eid = new_id();
                execute!(tx.conn(), "INSERT INTO evidence (id, assessment_id, organization_id, criterion_id, kind, url, blob_sha256, file_name, content_type, size, evidence_date, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", &eid, ev.assessment_id, organization_id, *criterion, EVIDENCE_KIND_SCAN, &link, scan.blob_sha256, scan.file_name, "application/octet-stream", scan.size, ev.evidence_date, user, &at)?;
                tx.audit(
                    "evidence.add",
                    ev.assessment_id,
                    json!({ "evidence_id": eid, "criterion_id": criterion, "kind": EVIDENCE_KIND_SCAN, "scan_id": id, "sha256": scan.blob_sha256 }),
                )
                .await?;
                evidence_ids.push(eid);
            }
            execute!(
                tx.conn(),
                "UPDATE assessments SET updated_at = $1 WHERE id = $2",
                &at,
                ev.assessment_id
            )?;
        }
        tx.commit().await?;
        Ok(Some((id, evidence_ids)))
    }

    /// One scan of an organisation; another organisation's id is not found.
    pub async fn scan(&self, organization_id: &OrganizationId, id: &ScanId) -> Result<ScanRow> {
        fetch_optional!(
            self.db(),
            ScanRow,
            &format!("SELECT {SCAN_COLUMNS} FROM scans WHERE id = $1 AND organization_id = $2"),
            id,
            organization_id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// An organisation's scans, newest first.
    pub async fn scans(&self, organization_id: &OrganizationId) -> Result<Vec<ScanRow>> {
        Ok(fetch_all!(self.db(), ScanRow, &format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE organization_id = $1 ORDER BY created_at DESC, id DESC"
        ), organization_id)?)
    }

    /// Ids and organisations of every scan computed with another advisory index than
    /// `fingerprint`, oldest first: the work list of a re-scan sweep.
    pub async fn scans_needing_rescan(
        &self,
        fingerprint: &str,
    ) -> Result<Vec<(ScanId, OrganizationId)>> {
        Ok(fetch_all!(self.db(), (ScanId, OrganizationId), "SELECT id, organization_id FROM scans WHERE index_fingerprint <> $1 ORDER BY created_at, id", fingerprint)?)
    }

    /// Replaces a scan's result with a re-scan's and, when given, adds a notification to the
    /// organisation's inbox, in one transaction.
    pub async fn update_scan(
        &self,
        organization_id: &OrganizationId,
        id: &ScanId,
        update: &ScanUpdate<'_>,
        notices: &[crate::Notice],
    ) -> Result<()> {
        let actor = Actor {
            organization_id: Some(organization_id),
            user_id: None,
            notices,
        };
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let done = execute!(tx.conn(), "UPDATE scans SET scanned_at = $1, index_fingerprint = $2, components = $3, findings = $4, advisories = $5, report = $6 \
             WHERE id = $7 AND organization_id = $8", &at, update.index_fingerprint, update.components, update.findings, update.advisories, update.report, id, organization_id)?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(
            "scan.rescan",
            id,
            json!({ "findings": update.findings, "index": update.index_fingerprint }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An organisation's notifications, newest first.
    pub async fn notifications(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Vec<NotificationRow>> {
        Ok(fetch_all!(self.db(), NotificationRow, &format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE organization_id = $1 ORDER BY created_at DESC, id DESC"
        ), organization_id)?)
    }

    /// Marks a notification read (once; later calls keep the first time).
    pub async fn mark_notification_read(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        id: &NotificationId,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let (read_at,) = fetch_optional!(
            tx.conn(),
            (Option<String>,),
            "SELECT read_at FROM notifications WHERE id = $1 AND organization_id = $2",
            id,
            organization_id
        )?
        .ok_or(StoreError::NotFound)?;
        if read_at.is_none() {
            execute!(
                tx.conn(),
                "UPDATE notifications SET read_at = $1 WHERE id = $2 AND organization_id = $3",
                &at,
                id,
                organization_id
            )?;
            tx.audit("notification.read", id, json!({})).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) async fn insert_notification(
    tx: &mut crate::WriteTx,
    organization_id: &OrganizationId,
    n: &NewNotification<'_>,
    at: &str,
) -> Result<NotificationId> {
    let id = new_id();
    execute!(tx.conn(), &format!("INSERT INTO notifications ({NOTIFICATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)"), &id, organization_id, n.kind.as_str(), n.title_ja, n.title_en, n.body_ja, n.body_en, n.link, at)?;
    tx.audit(
        "notification.add",
        &id,
        json!({ "kind": n.kind, "link": n.link }),
    )
    .await?;
    Ok(id)
}
