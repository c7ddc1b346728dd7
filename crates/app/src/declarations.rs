//! The management's ★3 self-conformity declaration (自己適合宣言).

use crate::views::AssessmentId;
use shirube_catalog::StarLevel;
use shirube_store::{AssessmentRow, AssessmentStatus, Declaration};

use crate::accounts::Principal;
use crate::assessments::assessment_view;
use crate::domain::{self, collect};
use crate::error::AppError;
use crate::trust::{index_taken, prepare_credential, ISSUE_ATTEMPTS};
use crate::App;
/// The management's ★3 self-conformity declaration; refused (409) unless ★3 is achieved.
/// Returns the declared assessment.
pub async fn declare(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    signer_name: &str,
    signer_title: &str,
) -> Result<crate::assessments::AssessmentView, AppError> {
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
    // The declaration, its credential and the notices to the buyers holding a share commit
    // in one transaction: either the level stands with its proof and the buyers are told,
    // or nothing changed.
    let declared = AssessmentRow {
        status: AssessmentStatus::Declared,
        ..view.row.clone()
    };
    let notices = [crate::buyers::level_notice(state, p.org_id(), assessment_id, true, 3).await?];
    for _ in 0..ISSUE_ATTEMPTS {
        let credential = prepare_credential(state, &declared, None).await?;
        match state
            .store
            .declare(
                p.actor().with_notices(&notices),
                p.org_id(),
                assessment_id,
                &d,
                Some(&credential.row()),
            )
            .await
        {
            Ok(true) => {
                crate::notifications::kick(state);
                return assessment_view(state, p, assessment_id).await;
            }
            Ok(false) => {
                return Err(AppError::Conflict {
                    key: "err-frozen",
                    field: None,
                })
            }
            Err(e) if index_taken(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::internal("could not allocate a status-list index"))
}
