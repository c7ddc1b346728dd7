//! Level credentials: the caller's own, revocation, verification and the public register.

use crate::views::{AssessmentId, CredentialId};
use serde_json::Value;
use shirube_store::{CredentialRow, RegisterRow};

use crate::accounts::Principal;
use crate::domain::{self};
use crate::error::AppError;
use crate::trust::{current_status_list, ensure_credential};
use crate::App;

/// The credential of one of the caller's declared or certified assessments.
pub async fn credential_for(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
) -> Result<CredentialRow, AppError> {
    let a = state.store.assessment(p.org_id(), assessment_id).await?;
    ensure_credential(state, &a).await
}

/// The parsed JSON of a stored credential.
pub fn credential_json(c: &CredentialRow) -> Value {
    serde_json::from_str(&c.credential).unwrap_or(Value::Null)
}

/// Who may revoke: the holder its own self-declared credential (owners), the evaluation body
/// what it issued (members who can edit). Everyone else gets 404, as if it did not exist.
pub async fn revoke(
    state: &App,
    p: &Principal,
    credential_id: &CredentialId,
    reason: &str,
) -> Result<CredentialRow, AppError> {
    let reason =
        domain::required_text(reason, "reason", 2000).map_err(|e| AppError::Invalid(vec![e]))?;
    let c = state.store.credential(credential_id).await?;
    let holder = c.organization_id == p.org_id();
    let body = c.evaluation_body_id.as_deref() == Some(p.org_id());
    if !holder && !body {
        return Err(AppError::NotFound);
    }
    if holder && !body {
        p.require_owner()?;
        if c.assurance != "self" {
            return Err(AppError::Conflict {
                key: "err-revoke-third-party",
                field: None,
            });
        }
    } else {
        p.require_edit()?;
    }
    let notices =
        [
            crate::buyers::level_notice(
                state,
                &c.organization_id,
                &c.assessment_id,
                false,
                c.level,
            )
            .await?,
        ];
    if !state
        .store
        .revoke_credential(p.actor().with_notices(&notices), credential_id, &reason)
        .await?
    {
        return Err(AppError::Conflict {
            key: "err-already-revoked",
            field: None,
        });
    }
    crate::notifications::kick(state);
    Ok(state.store.credential(credential_id).await?)
}

/// Verifies a credential given as JSON text against this platform's DID document and
/// current status list (or a `did:key`).
pub async fn verify_text(state: &App, text: &str) -> Result<Value, AppError> {
    if text.trim().is_empty() {
        return Err(AppError::field("credential", "err-required"));
    }
    let credential = shirube_trust::parse_json(text).map_err(|e| AppError::Malformed {
        field: Some("credential".into()),
        detail: e.to_string(),
    })?;
    verify_value(state, &credential).await
}

pub async fn verify_value(state: &App, credential: &Value) -> Result<Value, AppError> {
    let list = current_status_list(state).await?;
    let result = state
        .trust
        .verify(credential, Some(&list), state.clock.now());
    serde_json::to_value(&result).map_err(AppError::internal)
}

/// Organisations holding a currently valid credential.
pub async fn register(
    state: &App,
    corporate_number: Option<&str>,
) -> Result<Vec<RegisterRow>, AppError> {
    let number = match corporate_number.map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) => Some(
            domain::CorporateNumber::parse(n, "corporate_number")
                .map_err(|e| AppError::Invalid(vec![e]))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let rows = state
        .store
        .register(&state.clock.now_string(), number.as_deref(), 500)
        .await?;
    // The register only lists what verifies now: every listed credential is checked in one
    // batch against the DID document and the current status list.
    let credentials: Vec<Value> = rows
        .iter()
        .map(|r| serde_json::from_str(&r.credential).unwrap_or(Value::Null))
        .collect();
    let list = current_status_list(state).await?;
    let results = state
        .trust
        .verify_all(&credentials, &list, state.clock.now());
    Ok(rows
        .into_iter()
        .zip(results)
        .filter(|(_, v)| v.valid)
        .map(|(r, _)| r)
        .collect())
}

/// A stored credential by id; public, since the id is what the certificate's QR code carries
/// and the credential itself is meant to be shown.
pub async fn public_credential(app: &App, id: &CredentialId) -> Result<CredentialRow, AppError> {
    Ok(app.store.credential(id).await?)
}
