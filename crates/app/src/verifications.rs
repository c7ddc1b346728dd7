//! Technical verification providers (★4): the operator designates them
//! (`shirube admin grant-verifier`); a supplier invites one to its open ★4 submission; the
//! provider — only while designated, invited and the submission open, and only that
//! submission — attaches its report (a file) and a statement, which the evaluation body sees
//! with the evaluation. An evaluation body may still attach a report itself
//! ([`crate::evaluations::attach_report`]) where it is both.

use shirube_store::{EvaluationStatus, NotificationKind, StoreError};

/// The records of this use case, named by the faces through it.
pub use shirube_store::VerificationRow;

use crate::accounts::Principal;
use crate::domain::{self, collect, CorporateNumber, FieldError};
use crate::error::AppError;
use crate::notifications::{kick, to_org};
use crate::views::EvaluationId;
use crate::App;

/// Longest statement.
const MAX_STATEMENT: usize = 5_000;

/// The supplier's owner invites a designated provider (by corporate number) to its open ★4
/// submission; the provider is told. Returns the invitation id.
pub async fn invite(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
    corporate_number: &str,
) -> Result<String, AppError> {
    let ev = state.store.evaluation(p.org_id(), evaluation_id).await?;
    if ev.organization_id != p.org_id() {
        // The body reads the evaluation but does not invite for the supplier.
        return Err(AppError::Forbidden);
    }
    p.require_owner()?;
    if ev.status != EvaluationStatus::Submitted {
        return Err(AppError::Conflict {
            key: "err-evaluation-closed",
            field: None,
        });
    }
    let number = CorporateNumber::parse(corporate_number, "corporate_number")
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let provider = match state
        .store
        .organization_by_corporate_number(number.as_str())
        .await?
    {
        Some(o) if o.id != p.org_id() && state.store.is_verifier(&o.id).await? => o,
        _ => {
            return Err(AppError::field(
                "corporate_number",
                "verify2-err-not-provider",
            ))
        }
    };
    let supplier = state.store.organization(p.org_id()).await?.name;
    let notices = [to_org(
        state,
        &provider.id,
        NotificationKind::VerificationInvited,
        "verify2-notif-invited-title",
        "verify2-notif-invited-body",
        &[("supplier", supplier)],
        "/verifications",
    )];
    let id = state
        .store
        .invite_verifier(
            p.actor().with_notices(&notices),
            evaluation_id,
            &provider.id,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict {
                key: "verify2-err-invited",
                field: Some("corporate_number".into()),
            },
            other => other.into(),
        })?;
    kick(state);
    Ok(id)
}

/// The providers invited to a submission, for its supplier and its body (404 for anyone else).
pub async fn of_evaluation(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
) -> Result<Vec<VerificationRow>, AppError> {
    state.store.evaluation(p.org_id(), evaluation_id).await?;
    Ok(state
        .store
        .verifications_of_evaluation(evaluation_id)
        .await?)
}

/// What the submission's verification page shows: whether the caller is the supplier,
/// whether the submission is open, and the invitations (404 for anyone but the supplier and
/// the body).
pub async fn for_page(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
) -> Result<(bool, bool, Vec<VerificationRow>), AppError> {
    let ev = state.store.evaluation(p.org_id(), evaluation_id).await?;
    let rows = state
        .store
        .verifications_of_evaluation(evaluation_id)
        .await?;
    Ok((
        ev.organization_id == p.org_id(),
        ev.status == EvaluationStatus::Submitted,
        rows,
    ))
}

/// A designated provider's invitations (403 for an organisation that is not one).
pub async fn mine(state: &App, p: &Principal) -> Result<Vec<VerificationRow>, AppError> {
    if !state.store.is_verifier(p.org_id()).await? {
        return Err(AppError::Forbidden);
    }
    Ok(state.store.verifications_of_provider(p.org_id()).await?)
}

/// The invited provider attaches its report and statement. Anyone but a designated provider
/// invited to this submission gets 404; a decided submission is a 409.
pub async fn report(
    state: &App,
    p: &Principal,
    id: &str,
    file: Option<(&str, &[u8])>,
    statement: &str,
) -> Result<(), AppError> {
    let row = state
        .store
        .verification_for_provider(p.org_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    p.require_edit()?;
    if row.evaluation_status != EvaluationStatus::Submitted.as_str() {
        return Err(AppError::Conflict {
            key: "err-evaluation-closed",
            field: None,
        });
    }
    let mut errs = Vec::new();
    let statement = collect(
        &mut errs,
        domain::required_text(statement, "statement", MAX_STATEMENT),
    );
    match file {
        Some((_, bytes)) if !bytes.is_empty() => {}
        Some(_) => errs.push(FieldError::new("file", "err-file-empty")),
        None => errs.push(FieldError::new("file", "err-evidence-missing")),
    }
    let (Some(statement), Some((name, bytes)), true) = (statement, file, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let sha = state
        .store
        .blobs()
        .put(bytes)
        .await
        .map_err(AppError::internal)?;
    let name = domain::safe_file_name(name);
    if !state
        .store
        .record_verification(p.actor(), p.org_id(), id, (&sha, &name), &statement)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// A report file, for the submission's supplier and body and the provider that attached it.
pub async fn report_file(
    state: &App,
    p: &Principal,
    id: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let row = state.store.verification(id).await?;
    let party = state
        .store
        .evaluation(p.org_id(), &row.evaluation_id)
        .await
        .is_ok();
    let provider = row.verifier_id == p.org_id() && state.store.is_verifier(p.org_id()).await?;
    if !party && !provider {
        return Err(AppError::NotFound);
    }
    let (Some(sha), Some(name)) = (row.report_sha256, row.report_name) else {
        return Err(AppError::NotFound);
    };
    let bytes = state
        .store
        .blobs()
        .get(&sha)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok((name, bytes))
}
