//! The platform's trust service: its signing keys (in the data directory), its `did:web`
//! identity and DID document, the revocation status list, and issuing, revoking and
//! verifying SCS level credentials on top of the pure `shirube-trust` core.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value;
use shirube_catalog::StarLevel;
use shirube_store::{Actor, AssessmentRow, AssessmentStatus, CredentialRow, NewCredential};
use shirube_trust::{
    allocate_index, did_document, did_web_from_url, issue_credential, shirube_context_url, verify,
    Assurance, CorporateNumber, EvaluationBody, Issuer, Keypair, LevelClaims, Resolver,
    StatusEntry, StatusInput, StatusList, Uuid, Validity, Verification, MIN_STATUS_LIST_SIZE,
};

use crate::error::AppError;
use crate::views::{AssessmentId, CredentialId, OrganizationId};
use crate::App;

/// Why the trust service could not start or rotate keys.
#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    #[error("key directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("key file {path} is not a valid Ed25519 secret key")]
    BadKey { path: PathBuf },
    #[error("--public-url {0:?} cannot be turned into a did:web")]
    PublicUrl(String),
}

fn key_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

/// The key files, as (number, path), in ascending order.
fn key_files(data_dir: &Path) -> Result<Vec<(u32, PathBuf)>, KeyStoreError> {
    let dir = key_dir(data_dir);
    let io = |source| KeyStoreError::Io {
        path: dir.clone(),
        source,
    };
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some(n) = name
            .strip_prefix("key-")
            .and_then(|r| r.strip_suffix(".secret"))
            .and_then(|n| n.parse().ok())
        {
            files.push((n, path));
        }
    }
    files.sort();
    Ok(files)
}

/// Writes a new key file readable by the owner only; returns its key id.
fn write_key(data_dir: &Path, number: u32) -> Result<String, KeyStoreError> {
    use std::io::Write;
    let dir = key_dir(data_dir);
    let io = |source| KeyStoreError::Io {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let key = Keypair::generate(&mut rand::rngs::OsRng);
    let path = dir.join(format!("key-{number}.secret"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&path).map_err(|source| KeyStoreError::Io {
        path: path.clone(),
        source,
    })?;
    f.write_all(key.to_secret_multibase().as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|source| KeyStoreError::Io {
            path: path.clone(),
            source,
        })?;
    Ok(format!("key-{number}"))
}

/// Adds a new signing key; older keys stay in the DID document so that earlier credentials
/// still verify. Returns the new key id.
pub fn rotate_key(data_dir: &Path) -> Result<String, KeyStoreError> {
    let next = key_files(data_dir)?.last().map(|(n, _)| n + 1).unwrap_or(1);
    write_key(data_dir, next)
}

/// The platform's issuer identity and its published documents.
pub struct TrustService {
    issuer: Issuer,
    public_url: String,
    status_list_url: String,
    context_url: String,
}

impl TrustService {
    /// Loads the keys from `<data_dir>/keys`, creating the first one on first start.
    pub fn open(data_dir: &Path, public_url: &str) -> Result<TrustService, KeyStoreError> {
        let mut files = key_files(data_dir)?;
        if files.is_empty() {
            write_key(data_dir, 1)?;
            files = key_files(data_dir)?;
        }
        let load = |path: &PathBuf| -> Result<Keypair, KeyStoreError> {
            let text = std::fs::read_to_string(path).map_err(|source| KeyStoreError::Io {
                path: path.clone(),
                source,
            })?;
            Keypair::from_secret_multibase(text.trim())
                .map_err(|_| KeyStoreError::BadKey { path: path.clone() })
        };
        let public_url = public_url.trim_end_matches('/').to_string();
        let did = did_web_from_url(&public_url)
            .map_err(|_| KeyStoreError::PublicUrl(public_url.clone()))?;
        let (current_n, current_path) = files.last().cloned().ok_or(KeyStoreError::BadKey {
            path: key_dir(data_dir),
        })?;
        let mut issuer = Issuer::new(&did, &format!("key-{current_n}"), load(&current_path)?)
            .map_err(|_| KeyStoreError::PublicUrl(public_url.clone()))?;
        for (n, path) in files.iter().rev().skip(1) {
            issuer = issuer
                .with_retired_key(&format!("key-{n}"), load(path)?.public_key())
                .map_err(|_| KeyStoreError::BadKey { path: path.clone() })?;
        }
        Ok(TrustService {
            issuer,
            status_list_url: format!("{public_url}/status/1"),
            context_url: shirube_context_url(&public_url),
            public_url,
        })
    }

    pub fn did(&self) -> &str {
        self.issuer.did()
    }

    pub fn did_document(&self) -> Value {
        did_document(&self.issuer)
    }

    pub fn status_list_url(&self) -> &str {
        &self.status_list_url
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The signed status list credential with these indexes revoked.
    pub fn status_list(&self, revoked: &[i64], now: DateTime<Utc>) -> Result<Value, AppError> {
        let mut list = StatusList::new(MIN_STATUS_LIST_SIZE).map_err(AppError::internal)?;
        for &i in revoked {
            if let Ok(i) = u32::try_from(i) {
                list.set_revoked(i).map_err(AppError::internal)?;
            }
        }
        list.to_credential(&self.issuer, &self.status_list_url, now)
            .map_err(AppError::internal)
    }

    /// Verifies a credential against our DID document and status list (or `did:key`).
    pub fn verify(
        &self,
        credential: &Value,
        status_list: Option<&Value>,
        now: DateTime<Utc>,
    ) -> Verification {
        let mut resolver = Resolver::did_key_only();
        let _ = resolver.add_did_document(&self.did_document());
        let ours = credential
            .get("credentialStatus")
            .and_then(|s| s.get("statusListCredential"))
            .and_then(Value::as_str)
            .is_some_and(|u| u == self.status_list_url);
        let status = match (ours, status_list) {
            (true, Some(list)) => StatusInput::Credential(list),
            _ => StatusInput::Unavailable,
        };
        verify(credential, &resolver, status, now)
    }
}

impl TrustService {
    /// Verifies many credentials at once with batch signature verification (the register,
    /// re-checks after a key rotation); the status list is verified once for all of them.
    pub fn verify_all(
        &self,
        credentials: &[Value],
        status_list: &Value,
        now: DateTime<Utc>,
    ) -> Vec<Verification> {
        let mut resolver = Resolver::did_key_only();
        let _ = resolver.add_did_document(&self.did_document());
        match shirube_trust::verify_status_list(status_list, &resolver, now) {
            Ok(list) => shirube_trust::verify_many(
                credentials,
                &resolver,
                StatusInput::Verified(std::slice::from_ref(&list)),
                now,
            ),
            Err(e) => {
                let reason = e.to_string();
                shirube_trust::verify_many(
                    credentials,
                    &resolver,
                    StatusInput::Unusable(&reason),
                    now,
                )
            }
        }
    }
}

/// How long credentials stay valid, by assurance.
#[derive(Debug, Clone, Copy)]
pub struct ValidityPolicy {
    pub self_declared_days: i64,
    pub third_party_days: i64,
}

impl Default for ValidityPolicy {
    fn default() -> Self {
        // ★3 self-declarations are renewed yearly, ★4 evaluations every three years, as the
        // scheme's draft procedures describe.
        ValidityPolicy {
            self_declared_days: 365,
            third_party_days: 3 * 365,
        }
    }
}

/// A signed credential ready to be stored, with the status-list index it took.
pub struct PreparedCredential {
    id: CredentialId,
    organization_id: OrganizationId,
    assessment_id: AssessmentId,
    level: i64,
    assurance: &'static str,
    evaluation_body_id: Option<OrganizationId>,
    status_index: i64,
    valid_from: String,
    valid_until: String,
    credential: String,
}

impl PreparedCredential {
    /// The row the store inserts.
    pub fn row(&self) -> NewCredential<'_> {
        NewCredential {
            id: &self.id,
            organization_id: &self.organization_id,
            assessment_id: &self.assessment_id,
            level: self.level,
            assurance: self.assurance,
            evaluation_body_id: self.evaluation_body_id.as_ref(),
            status_index: self.status_index,
            valid_from: &self.valid_from,
            valid_until: &self.valid_until,
            credential: &self.credential,
        }
    }
}

/// How many times issuing tries another random status-list index after a collision.
pub const ISSUE_ATTEMPTS: usize = 5;

/// Whether a store error is a status-list index another issuer took at the same moment.
pub fn index_taken(e: &shirube_store::StoreError) -> bool {
    matches!(
        e,
        shirube_store::StoreError::Conflict {
            field: "status_index"
        }
    )
}

/// Signs the credential of assessment `a` in the state it has (or is about to have):
/// `Declared` gives the ★3 self-declared credential, `Certified` the ★4 one naming the
/// evaluation body `body_id`. Nothing is stored: the caller inserts [`PreparedCredential::row`]
/// in the transaction that declares or certifies, so both commit together.
pub async fn prepare_credential(
    state: &App,
    a: &AssessmentRow,
    body_id: Option<&OrganizationId>,
) -> Result<PreparedCredential, AppError> {
    let (level, assurance, body_id) = match (a.status, body_id) {
        (AssessmentStatus::Declared, _) => (StarLevel::Three, Assurance::SelfDeclared, None),
        (AssessmentStatus::Certified, Some(body_id)) => {
            let body = state.store.organization(body_id).await?;
            let number =
                CorporateNumber::parse(&body.corporate_number).map_err(AppError::internal)?;
            (
                StarLevel::Four,
                Assurance::ThirdParty(EvaluationBody {
                    corporate_number: number,
                    name: body.name,
                }),
                Some(body_id.clone()),
            )
        }
        _ => {
            return Err(AppError::Conflict {
                key: "err-no-credential",
                field: None,
            })
        }
    };
    let org = state.store.organization(&a.organization_id).await?;
    let subject = CorporateNumber::parse(&org.corporate_number).map_err(AppError::internal)?;
    let assurance_str = assurance.as_str();
    let claims = LevelClaims::new(subject, &org.name, level, &a.catalog_edition, assurance)
        .map_err(AppError::internal)?;
    let now = state.clock.now();
    let days = match body_id {
        None => state.validity.self_declared_days,
        Some(_) => state.validity.third_party_days,
    };
    let validity =
        Validity::new(now, now + chrono::Duration::days(days)).map_err(AppError::internal)?;
    // Random indexes, as the status list specification recommends; the UNIQUE constraint
    // settles the rare race between two issuers (the caller retries).
    let used: std::collections::HashSet<i64> = state
        .store
        .used_status_indexes()
        .await?
        .into_iter()
        .collect();
    let index = allocate_index(&mut rand::rngs::OsRng, MIN_STATUS_LIST_SIZE, &|i| {
        used.contains(&i64::from(i))
    })
    .map_err(AppError::internal)?;
    let id = Uuid::now_v7();
    let entry = StatusEntry {
        list_url: state.trust.status_list_url().to_string(),
        index,
    };
    let vc = issue_credential(
        &state.trust.issuer,
        id,
        &state.trust.context_url,
        &claims,
        &entry,
        validity,
        now,
    )
    .map_err(AppError::internal)?;
    Ok(PreparedCredential {
        id: CredentialId::from(id.to_string()),
        organization_id: a.organization_id.clone(),
        assessment_id: a.id.clone(),
        level: i64::from(level.number()),
        assurance: assurance_str,
        evaluation_body_id: body_id,
        status_index: i64::from(index),
        valid_from: shirube_store::format_time(now),
        valid_until: shirube_store::format_time(now + chrono::Duration::days(days)),
        credential: serde_json::to_string(&vc).map_err(AppError::internal)?,
    })
}

/// Returns the credential of a declared (★3) or certified (★4) assessment, issuing it if it
/// has none (credentials issued before declarations and certifications carried theirs).
pub async fn ensure_credential(state: &App, a: &AssessmentRow) -> Result<CredentialRow, AppError> {
    if let Some(c) = state.store.credential_for_assessment(&a.id).await? {
        return Ok(c);
    }
    let body_id = match a.status {
        AssessmentStatus::Certified => Some(
            state
                .store
                .evaluation_for_assessment(&a.organization_id, &a.id)
                .await?
                .ok_or(AppError::NotFound)?
                .body_id,
        ),
        _ => None,
    };
    for _ in 0..ISSUE_ATTEMPTS {
        let prepared = prepare_credential(state, a, body_id.as_ref()).await?;
        let actor = Actor {
            organization_id: Some(&a.organization_id),
            ..Actor::default()
        };
        match state.store.insert_credential(actor, &prepared.row()).await {
            Ok(()) => return Ok(state.store.credential(&prepared.id).await?),
            Err(e) if index_taken(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::internal("could not allocate a status-list index"))
}

/// The current status list credential.
pub async fn current_status_list(state: &App) -> Result<Value, AppError> {
    let revoked = state.store.revoked_status_indexes().await?;
    state.trust.status_list(&revoked, state.clock.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_start_creates_an_owner_only_key_and_rotation_keeps_old_credentials_verifiable() {
        let dir = tempfile::tempdir().unwrap();
        let first = TrustService::open(dir.path(), "https://shirube.example").unwrap();
        assert_eq!(first.did(), "did:web:shirube.example");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys/key-1.secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "the signing key is readable by its owner only"
            );
        }
        let now = Utc::now();
        let claims = LevelClaims::new(
            CorporateNumber::parse("7000012050002").unwrap(),
            "国税庁",
            StarLevel::Three,
            "2026-03-27",
            Assurance::SelfDeclared,
        )
        .unwrap();
        let entry = StatusEntry {
            list_url: first.status_list_url().to_string(),
            index: 5,
        };
        let validity = Validity::new(now, now + chrono::Duration::days(365)).unwrap();
        let old = issue_credential(
            &first.issuer,
            Uuid::nil(),
            &first.context_url,
            &claims,
            &entry,
            validity,
            now,
        )
        .unwrap();

        assert_eq!(rotate_key(dir.path()).unwrap(), "key-2");
        let second = TrustService::open(dir.path(), "https://shirube.example").unwrap();
        let doc = second.did_document();
        assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 2);
        let new = issue_credential(
            &second.issuer,
            Uuid::nil(),
            &second.context_url,
            &claims,
            &entry,
            validity,
            now,
        )
        .unwrap();
        assert!(new["proof"]["verificationMethod"]
            .as_str()
            .unwrap()
            .ends_with("#key-2"));
        let list = second.status_list(&[], now).unwrap();
        assert!(
            second.verify(&old, Some(&list), now).valid,
            "signed with the retired key-1"
        );
        assert!(second.verify(&new, Some(&list), now).valid);
        let revoked = second.status_list(&[5], now).unwrap();
        assert_eq!(
            second
                .verify(&old, Some(&revoked), now)
                .reason
                .map(|r| r.code()),
            Some("revoked")
        );
    }
}
