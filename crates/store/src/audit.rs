//! The append-only, hash-chained audit log and its verification.

use crate::ids::OrganizationId;
use sha2::{Digest, Sha256};

use crate::{Result, Store};

/// One audit entry: who (organisation, user) did what to which subject, when.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub organization_id: Option<String>,
    pub user_id: Option<String>,
    pub action: String,
    pub subject: String,
    /// JSON text with the change's details (never secrets).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// SHA-256 over the previous hash and every field, each length-prefixed so that no two
    /// different entries can produce the same input.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let seq = self.seq.to_string();
        let fields: [&str; 8] = [
            &self.prev_hash,
            &seq,
            &self.at,
            self.organization_id.as_deref().unwrap_or(""),
            self.user_id.as_deref().unwrap_or(""),
            &self.action,
            &self.subject,
            &self.detail,
        ];
        for f in fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    /// Every entry links to its predecessor and its hash matches; the head agrees.
    Intact { entries: i64 },
    /// The first entry that does not check out, and why.
    Broken { seq: i64, reason: String },
}

const ENTRY_COLUMNS: &str =
    "seq, at, organization_id, user_id, action, subject, detail, prev_hash, hash";

impl Store {
    /// Walks the whole chain in pages and checks every link.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        let mut expected_prev = "0".repeat(64);
        let mut expected_seq = 1i64;
        loop {
            let rows = fetch_all!(
                self.db(),
                AuditEntry,
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 1000"
                ),
                expected_seq
            )?;
            if rows.is_empty() {
                break;
            }
            for e in rows {
                if e.seq != expected_seq {
                    return Ok(AuditVerification::Broken {
                        seq: expected_seq,
                        reason: format!("entry {expected_seq} is missing (next is {})", e.seq),
                    });
                }
                if e.prev_hash != expected_prev {
                    return Ok(AuditVerification::Broken {
                        seq: e.seq,
                        reason: "prev_hash does not match the previous entry's hash".into(),
                    });
                }
                if e.compute_hash() != e.hash {
                    return Ok(AuditVerification::Broken {
                        seq: e.seq,
                        reason: "hash does not match the entry's content".into(),
                    });
                }
                expected_prev = e.hash;
                expected_seq += 1;
            }
        }
        let (head_seq, head_hash) = fetch_one!(
            self.db(),
            (i64, String),
            "SELECT seq, hash FROM audit_head WHERE id = 1"
        )?;
        if head_seq != expected_seq - 1 || head_hash != expected_prev {
            return Ok(AuditVerification::Broken {
                seq: head_seq,
                reason: "the chain head does not match the last entry (entries were removed?)"
                    .into(),
            });
        }
        Ok(AuditVerification::Intact {
            entries: expected_seq - 1,
        })
    }

    /// The most recent audit entries of one organisation, newest first.
    pub async fn audit_for_org(
        &self,
        organization_id: &OrganizationId,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        Ok(fetch_all!(
            self.db(),
            AuditEntry,
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE organization_id = $1 ORDER BY seq DESC LIMIT $2"
            ),
            organization_id,
            limit
        )?)
    }
}
