//! The management's ★3 self-conformity declaration (自己適合宣言).

use shirube_catalog::StarLevel;
use shirube_store::Declaration;

use crate::accounts::Principal;
use crate::assessments::assessment_view;
use crate::domain::{self, collect};
use crate::error::AppError;
use crate::App;
/// The management's ★3 self-conformity declaration; refused (409) unless ★3 is achieved.
pub async fn declare(
    state: &App,
    p: &Principal,
    assessment_id: &str,
    signer_name: &str,
    signer_title: &str,
) -> Result<(), AppError> {
    p.require_owner()?;
    let view = assessment_view(state, p, assessment_id).await?;
    let mut errs = Vec::new();
    let name = collect(
        &mut errs,
        domain::required_text(signer_name, "signer_name", 200),
    );
    let title = collect(
        &mut errs,
        domain::required_text(signer_title, "signer_title", 200),
    );
    let (Some(name), Some(title)) = (name, title) else {
        return Err(AppError::Invalid(errs));
    };
    if !view.row.status.is_open() {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    if view.level() != StarLevel::Three {
        return Err(AppError::Conflict {
            key: "err-declare-level4",
            field: None,
        });
    }
    if view.evaluation.achieved.is_none() {
        return Err(AppError::Conflict {
            key: "err-declare-not-achieved",
            field: None,
        });
    }
    let date = state.clock.today_string();
    let d = Declaration {
        signer_name: &name,
        signer_title: &title,
        date: &date,
    };
    if !state
        .store
        .declare(p.actor(), p.org_id(), assessment_id, &d)
        .await?
    {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    // The declaration stands on its own; the credential is issued now so that the register
    // shows it at once, and lazily on first request should this fail.
    let row = state.store.assessment(p.org_id(), assessment_id).await?;
    if let Err(e) = crate::trust::ensure_credential(state, &row).await {
        tracing::warn!(error = ?e, "credential issuance after declaration failed; it will be retried on request");
    }
    crate::buyers::level_changed(state, p.org_id(), assessment_id, true, 3).await?;
    Ok(())
}
