//! ★4 third-party evaluations: submit, the body's queue, findings, the thread, the decision
//! and the technical-verification report.

use crate::views::{AssessmentId, EvaluationId, OrganizationId};
use std::collections::HashMap;

use shirube_assess::AnswerStatus;
use shirube_catalog::StarLevel;
use shirube_store::{
    AssessmentRow, AssessmentStatus, CommentRow, Decision, EvaluationRow, EvaluationStatus,
    FindingRow, Verdict,
};

use crate::accounts::Principal;
use crate::assessments::{self as app, AssessmentView};
use crate::domain::{self, FieldError};
use crate::error::AppError;
use crate::trust::{index_taken, prepare_credential, ISSUE_ATTEMPTS};
use crate::App;

/// Submits a ★4 assessment that meets all 153 criteria to an evaluation body.
pub async fn submit(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    body_id: &OrganizationId,
) -> Result<EvaluationId, AppError> {
    p.require_owner()?;
    let view = app::assessment_view(state, p, assessment_id).await?;
    if view.level() != StarLevel::Four {
        return Err(AppError::Conflict {
            key: "err-submit-level3",
            field: None,
        });
    }
    if !view.is_open() {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    if view.evaluation.achieved != Some(StarLevel::Four) {
        return Err(AppError::Conflict {
            key: "err-submit-not-ready",
            field: None,
        });
    }
    if body_id == p.org_id() || !state.store.is_evaluation_body(body_id).await? {
        return Err(AppError::field("body_id", "err-body"));
    }
    state
        .store
        .submit_evaluation(p.actor(), p.org_id(), assessment_id, body_id)
        .await?
        .ok_or(AppError::Conflict {
            key: "err-frozen",
            field: None,
        })
}

/// The caller's organisation must be a designated evaluation body.
pub async fn require_body(state: &App, p: &Principal) -> Result<(), AppError> {
    if state.store.is_evaluation_body(p.org_id()).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn queue(state: &App, p: &Principal) -> Result<Vec<(EvaluationRow, String)>, AppError> {
    require_body(state, p).await?;
    let mut out = Vec::new();
    for ev in state.store.evaluation_queue(p.org_id()).await? {
        let name = state.store.organization(&ev.organization_id).await?.name;
        out.push((ev, name));
    }
    Ok(out)
}

/// Everything either side of an evaluation sees.
pub struct EvaluationView {
    pub evaluation: EvaluationRow,
    pub supplier_name: String,
    pub body_name: String,
    pub assessment: AssessmentView,
    pub findings: HashMap<String, FindingRow>,
    pub comments: Vec<CommentRow>,
    /// The caller is the evaluation body.
    pub as_body: bool,
}

pub async fn evaluation_view(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
) -> Result<EvaluationView, AppError> {
    let evaluation = state.store.evaluation(p.org_id(), evaluation_id).await?;
    let as_body = evaluation.body_id == p.org_id();
    // The body reads the submitted assessment through the evaluation that links them.
    let row = state
        .store
        .assessment_for_body(&evaluation.body_id, &evaluation.assessment_id)
        .await?;
    let answers_rows = state.store.answers(&row.id).await?;
    let statuses: HashMap<String, AnswerStatus> = answers_rows
        .iter()
        .map(|r| (r.criterion_id.clone(), r.status))
        .collect();
    let evaluation_result = shirube_assess::evaluate(&state.catalog, StarLevel::Four, &statuses);
    let assessment = AssessmentView {
        evidence: state.store.evidence(&row.id).await?,
        answers: answers_rows
            .into_iter()
            .map(|r| (r.criterion_id.clone(), r))
            .collect(),
        evaluation: evaluation_result,
        changes: None,
        row,
    };
    let findings = state
        .store
        .findings(evaluation_id)
        .await?
        .into_iter()
        .map(|f| (f.criterion_id.clone(), f))
        .collect();
    let comments = state.store.evaluation_comments(evaluation_id).await?;
    Ok(EvaluationView {
        supplier_name: state
            .store
            .organization(&evaluation.organization_id)
            .await?
            .name,
        body_name: state.store.organization(&evaluation.body_id).await?.name,
        evaluation,
        assessment,
        findings,
        comments,
        as_body,
    })
}

/// The body's verdict on one criterion.
pub async fn put_finding(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
    criterion_id: &str,
    verdict: &str,
    comment: &str,
) -> Result<(), AppError> {
    require_body(state, p).await?;
    p.require_edit()?;
    let mut errs = Vec::new();
    if state.catalog.criterion(criterion_id).is_none() && criterion_id != "technical_verification" {
        errs.push(FieldError::new("criterion_id", "err-criterion"));
    }
    let verdict = match verdict.parse::<Verdict>() {
        Ok(v) => Some(v),
        Err(_) => {
            errs.push(FieldError::new("verdict", "err-verdict"));
            None
        }
    };
    if verdict != Some(Verdict::Conform) && comment.trim().is_empty() {
        errs.push(FieldError::new("comment", "err-verdict-comment"));
    }
    let (Some(verdict), true) = (verdict, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    if !state
        .store
        .put_finding(
            p.actor(),
            p.org_id(),
            evaluation_id,
            criterion_id,
            verdict.as_str(),
            comment.trim(),
        )
        .await?
    {
        return Err(AppError::Conflict {
            key: "err-evaluation-closed",
            field: None,
        });
    }
    Ok(())
}

/// A message in the evaluation's thread, from either side.
pub async fn comment(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
    criterion_id: &str,
    body: &str,
) -> Result<(), AppError> {
    p.require_edit()?;
    let _ = state.store.evaluation(p.org_id(), evaluation_id).await?;
    let body = domain::required_text(body, "body", 5000).map_err(|e| AppError::Invalid(vec![e]))?;
    if state.catalog.criterion(criterion_id).is_none()
        && criterion_id != "general"
        && criterion_id != "technical_verification"
    {
        return Err(AppError::field("criterion_id", "err-criterion"));
    }
    state
        .store
        .add_evaluation_comment(p.actor(), evaluation_id, criterion_id, &body)
        .await?;
    Ok(())
}

/// Certifies (every criterion found conform, technical verification recorded) or refuses
/// (with reasons). Certification issues the ★4 credential at once.
pub async fn decide(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
    decision: &str,
    reason: &str,
) -> Result<EvaluationRow, AppError> {
    require_body(state, p).await?;
    p.require_edit()?;
    let view = evaluation_view(state, p, evaluation_id).await?;
    let decision = match decision {
        "certify" => Decision::Certify,
        "refuse" => Decision::Refuse,
        _ => return Err(AppError::field("decision", "err-decision")),
    };
    if decision == Decision::Refuse && reason.trim().is_empty() {
        return Err(AppError::field("reason", "err-refuse-reason"));
    }
    if decision == Decision::Certify {
        let all_conform = state.catalog.criteria.iter().all(|c| {
            view.findings
                .get(c.id.as_str())
                .is_some_and(|f| f.verdict == Verdict::Conform)
        });
        if !all_conform {
            return Err(AppError::Conflict {
                key: "err-certify-findings",
                field: Some("decision".into()),
            });
        }
        if !view.findings.contains_key("technical_verification") {
            return Err(AppError::Conflict {
                key: "err-certify-technical",
                field: Some("decision".into()),
            });
        }
    }
    // Certification, its ★4 credential and the notices to the buyers holding a share
    // commit in one transaction.
    let a = state
        .store
        .assessment_for_body(p.org_id(), &view.evaluation.assessment_id)
        .await?;
    let notices = match decision {
        Decision::Certify => {
            vec![crate::buyers::level_notice(state, &a.organization_id, &a.id, true, 4).await?]
        }
        Decision::Refuse => Vec::new(),
    };
    let certified = AssessmentRow {
        status: AssessmentStatus::Certified,
        ..a
    };
    for _ in 0..ISSUE_ATTEMPTS {
        let credential = match decision {
            Decision::Certify => {
                Some(prepare_credential(state, &certified, Some(p.org_id())).await?)
            }
            Decision::Refuse => None,
        };
        match state
            .store
            .decide_evaluation(
                p.actor().with_notices(&notices),
                p.org_id(),
                evaluation_id,
                decision,
                reason.trim(),
                credential.as_ref().map(|c| c.row()).as_ref(),
            )
            .await
        {
            Ok(Some(ev)) => {
                crate::notifications::kick(state);
                return Ok(ev);
            }
            Ok(None) => {
                return Err(AppError::Conflict {
                    key: "err-evaluation-closed",
                    field: None,
                })
            }
            Err(e) if index_taken(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::internal("could not allocate a status-list index"))
}

/// The evaluation body attaches its technical verification report (a file, up to 20 MiB);
/// it is stored content-addressed and listed in the evaluation's technical-verification thread.
pub async fn attach_report(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, AppError> {
    require_body(state, p).await?;
    p.require_edit()?;
    let ev = state.store.evaluation(p.org_id(), evaluation_id).await?;
    if ev.body_id != p.org_id() {
        return Err(AppError::Forbidden);
    }
    if ev.status != EvaluationStatus::Submitted {
        return Err(AppError::Conflict {
            key: "err-evaluation-closed",
            field: None,
        });
    }
    if bytes.is_empty() {
        return Err(AppError::field("file", "err-file-empty"));
    }
    let sha = state
        .store
        .blobs()
        .put(bytes)
        .await
        .map_err(AppError::internal)?;
    let name = domain::safe_file_name(file_name);
    let body = format!("{REPORT_PREFIX}{sha} {name}");
    state
        .store
        .add_evaluation_comment(p.actor(), evaluation_id, "technical_verification", &body)
        .await?;
    Ok(sha)
}

/// How an attached report is recorded in the thread: the prefix, the SHA-256, the file name.
pub const REPORT_PREFIX: &str = "report:sha256:";

/// A report file of an evaluation the caller takes part in (supplier or body).
pub async fn report_file(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
    sha: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let _ = state.store.evaluation(p.org_id(), evaluation_id).await?;
    let comment = state
        .store
        .evaluation_comments(evaluation_id)
        .await?
        .into_iter()
        .find(|c| {
            c.body
                .strip_prefix(REPORT_PREFIX)
                .is_some_and(|r| r.split(' ').next() == Some(sha))
        })
        .ok_or(AppError::NotFound)?;
    let name = comment
        .body
        .split_once(' ')
        .map_or("report", |(_, name)| name)
        .to_string();
    let bytes = state
        .store
        .blobs()
        .get(sha)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok((name, bytes))
}

/// The designated evaluation bodies as `(id, name, corporate number)`.
pub async fn bodies(app: &App) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(app.store.evaluation_bodies().await?)
}

/// The bodies the caller's organisation may submit to (every body but itself).
pub async fn bodies_for(app: &App, p: &Principal) -> Result<Vec<(String, String)>, AppError> {
    Ok(bodies(app)
        .await?
        .into_iter()
        .filter(|(id, _, _)| id != p.org_id())
        .map(|(id, name, _)| (id, name))
        .collect())
}

/// The evaluation of one of the caller's assessments, if it was submitted.
pub async fn evaluation_of_assessment(
    app: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
) -> Result<Option<EvaluationRow>, AppError> {
    Ok(app
        .store
        .evaluation_for_assessment(p.org_id(), assessment_id)
        .await?)
}

/// The credential issued for a certified evaluation's assessment, if any.
pub async fn certificate_of(
    app: &App,
    view: &EvaluationView,
) -> Result<Option<shirube_store::CredentialRow>, AppError> {
    Ok(app
        .store
        .credential_for_assessment(&view.evaluation.assessment_id)
        .await?)
}

/// The name of the organisation an evaluation is of.
pub async fn supplier_name(app: &App, e: &EvaluationRow) -> Result<String, AppError> {
    Ok(app.store.organization(&e.organization_id).await?.name)
}
