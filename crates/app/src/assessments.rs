//! Assessments and evidence: start one (optionally from an earlier one), answer criteria,
//! attach dated evidence, and read an assessment with its computed result; the
//! organisation's standing for the dashboard.

use crate::views::{AssessmentId, EvidenceId, OrganizationId};
use std::collections::HashMap;

use shirube_assess::{evaluate, Answer, AnswerStatus, Change, Evaluation};
use shirube_catalog::StarLevel;
use shirube_store::{
    AnswerRow, AnswerWrite, AssessmentRow, EvidenceRow, NewEvidence, OrganizationRow,
};

use crate::accounts::Principal;
use crate::domain::{self, collect, FieldError};
use crate::error::AppError;
use crate::App;

/// Parses a target level field.
pub fn parse_level(input: &str, field: &str) -> Result<StarLevel, AppError> {
    input
        .parse::<StarLevel>()
        .map_err(|_| AppError::field(field, "err-level"))
}

/// Starts an assessment, optionally copying the answers of an earlier one.
pub async fn create_assessment(
    state: &App,
    p: &Principal,
    target: StarLevel,
    copy_from: Option<&AssessmentId>,
) -> Result<AssessmentId, AppError> {
    p.require_edit()?;
    let id = state
        .store
        .create_assessment(
            p.actor(),
            p.org_id(),
            i64::from(target.number()),
            &state.catalog.edition,
            copy_from,
        )
        .await
        .map_err(|e| match e {
            shirube_store::StoreError::NotFound => {
                AppError::field("copy_from", "err-not-found-field")
            }
            other => other.into(),
        })?;
    Ok(id)
}

/// Records an answer; refuses unknown criteria, criteria outside the target level, N/A
/// without a reason, and frozen assessments.
pub async fn put_answer(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    criterion_id: &str,
    status: &str,
    comment: Option<&str>,
    reason: Option<&str>,
) -> Result<(), AppError> {
    p.require_edit()?;
    let a = state.store.assessment(p.org_id(), assessment_id).await?;
    let criterion = state
        .catalog
        .criterion(criterion_id)
        .ok_or_else(|| AppError::field("criterion_id", "err-criterion"))?;
    if !criterion.required_for(level_of(&a)) {
        return Err(AppError::field("criterion_id", "err-criterion-level"));
    }
    let status: AnswerStatus = status
        .parse()
        .map_err(|_| AppError::field("status", "err-status"))?;
    let answer = Answer::new(status, comment, reason).map_err(|e| {
        AppError::Invalid(vec![match e {
            shirube_assess::AnswerError::MissingReason => {
                FieldError::new(e.field(), "err-na-reason")
            }
            shirube_assess::AnswerError::TooLong { field, max } => FieldError::too_long(field, max),
            shirube_assess::AnswerError::Status(_) => FieldError::new(e.field(), "err-status"),
        }])
    })?;
    let write = AnswerWrite {
        criterion_id,
        status: answer.status().as_str(),
        comment: answer.comment(),
        not_applicable_reason: answer.not_applicable_reason(),
    };
    if !state
        .store
        .put_answer(p.actor(), p.org_id(), assessment_id, &write)
        .await?
    {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    Ok(())
}

/// Evidence as received.
pub enum EvidenceInput {
    File {
        file_name: String,
        content_type: String,
        bytes: Vec<u8>,
    },
    Link {
        url: String,
    },
}

/// Stores evidence for a criterion of an open assessment.
pub async fn add_evidence(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    criterion_id: &str,
    input: EvidenceInput,
    evidence_date: &str,
) -> Result<EvidenceId, AppError> {
    p.require_edit()?;
    let a = state.store.assessment(p.org_id(), assessment_id).await?;
    let mut errs = Vec::new();
    match state.catalog.criterion(criterion_id) {
        None => errs.push(FieldError::new("criterion_id", "err-criterion")),
        Some(c) if !c.required_for(level_of(&a)) => {
            errs.push(FieldError::new("criterion_id", "err-criterion-level"))
        }
        Some(_) => {}
    }
    let date = collect(
        &mut errs,
        domain::parse_date(evidence_date, "evidence_date"),
    );
    if let EvidenceInput::Link { url } = &input {
        let ok = url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
            && url.len() <= 2000;
        if !ok {
            errs.push(FieldError::new("url", "err-url"));
        }
    }
    if let EvidenceInput::File { bytes, .. } = &input {
        if bytes.is_empty() {
            errs.push(FieldError::new("file", "err-file-empty"));
        }
    }
    let Some(date) = date.filter(|_| errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    if !a.status.is_open() {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    let id = match &input {
        EvidenceInput::File {
            file_name,
            content_type,
            bytes,
        } => {
            let sha = state
                .store
                .blobs()
                .put(bytes)
                .await
                .map_err(AppError::internal)?;
            let name = domain::safe_file_name(file_name);
            let name = if name.trim().is_empty() {
                "evidence".to_string()
            } else {
                name
            };
            let ev = NewEvidence::File {
                sha256: &sha,
                file_name: &name,
                content_type,
                size: bytes.len() as i64,
            };
            state
                .store
                .add_evidence(
                    p.actor(),
                    p.org_id(),
                    assessment_id,
                    criterion_id,
                    &ev,
                    &date,
                )
                .await?
        }
        EvidenceInput::Link { url } => {
            let ev = NewEvidence::Link { url: url.trim() };
            state
                .store
                .add_evidence(
                    p.actor(),
                    p.org_id(),
                    assessment_id,
                    criterion_id,
                    &ev,
                    &date,
                )
                .await?
        }
    };
    id.ok_or(AppError::Conflict {
        key: "err-frozen",
        field: None,
    })
}

/// Reads an evidence file of the caller's organisation, or of a client of the caller's
/// expert practice (see [`readable_assessment`]).
pub async fn evidence_file(
    state: &App,
    p: &Principal,
    evidence_id: &EvidenceId,
) -> Result<(EvidenceRow, Vec<u8>), AppError> {
    let ev = match state.store.evidence_item(p.org_id(), evidence_id).await {
        Err(shirube_store::StoreError::NotFound) => {
            // The client's expert may read it too, under the same rule as the assessment.
            let (organization_id, assessment_id) = state
                .store
                .evidence_owner(evidence_id)
                .await?
                .ok_or(AppError::NotFound)?;
            match expert_client(state, p, &assessment_id, "evidence", evidence_id).await? {
                Some(client) if client == organization_id => {
                    state.store.evidence_item(&client, evidence_id).await?
                }
                _ => return Err(AppError::NotFound),
            }
        }
        other => other?,
    };
    let sha = ev.blob_sha256.clone().ok_or(AppError::NotFound)?;
    let bytes = state
        .store
        .blobs()
        .get(&sha)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok((ev, bytes))
}

fn level_of(a: &AssessmentRow) -> StarLevel {
    StarLevel::from_number(a.target_level).unwrap_or(StarLevel::Four)
}

/// Everything shown about one assessment.
pub struct AssessmentView {
    pub row: AssessmentRow,
    pub answers: HashMap<String, AnswerRow>,
    pub evaluation: Evaluation,
    pub evidence: Vec<EvidenceRow>,
    /// Changes against the assessment it was copied from.
    pub changes: Option<Vec<Change>>,
}

impl AssessmentView {
    pub fn level(&self) -> StarLevel {
        level_of(&self.row)
    }
    pub fn is_open(&self) -> bool {
        self.row.status.is_open()
    }
}

fn statuses(rows: &[AnswerRow]) -> HashMap<String, AnswerStatus> {
    rows.iter()
        .map(|r| (r.criterion_id.clone(), r.status))
        .collect()
}

/// Loads an assessment of the caller's organisation with its computed result.
pub async fn assessment_view(
    state: &App,
    p: &Principal,
    id: &AssessmentId,
) -> Result<AssessmentView, AppError> {
    assessment_view_of(state, p.org_id(), id).await
}

/// Loads an assessment of `organization_id`; callers decide who may see it (the owner, or a
/// buyer holding an active full share).
pub async fn assessment_view_of(
    state: &App,
    organization_id: &OrganizationId,
    id: &AssessmentId,
) -> Result<AssessmentView, AppError> {
    // One query for the row, its answers and its evidence: this view is behind every
    // assessment page and API read (bench/web.sh).
    let shirube_store::AssessmentDetails {
        row,
        answers: answer_rows,
        evidence,
    } = state.store.assessment_details(organization_id, id).await?;
    let current = statuses(&answer_rows);
    let evaluation = evaluate(&state.catalog, level_of(&row), &current);
    let changes = match &row.based_on {
        Some(prev) => {
            let before = statuses(&state.store.answers(prev).await?);
            Some(shirube_assess::diff(&state.catalog, &before, &current))
        }
        None => None,
    };
    let answers = answer_rows
        .into_iter()
        .map(|r| (r.criterion_id.clone(), r))
        .collect();
    Ok(AssessmentView {
        row,
        answers,
        evaluation,
        evidence,
        changes,
    })
}

/// The organisation's current standing, for the dashboard.
pub struct Standing {
    pub org: OrganizationRow,
    /// The newest open assessment, if any.
    pub current: Option<AssessmentView>,
    /// The level the organisation holds: its highest declared (★3) or certified (★4)
    /// assessment, the newest of equals.
    pub achieved: Option<AssessmentRow>,
    /// The newest ★4 assessment waiting for its evaluation body, if any.
    pub under_evaluation: Option<AssessmentRow>,
    pub history: Vec<AssessmentRow>,
}

pub async fn standing(state: &App, p: &Principal) -> Result<Standing, AppError> {
    let org = state.store.organization(p.org_id()).await?;
    let history = state.store.assessments(p.org_id()).await?;
    let current = match history.iter().find(|a| a.status.is_open()) {
        Some(a) => Some(assessment_view(state, p, &a.id).await?),
        None => None,
    };
    let achieved = history
        .iter()
        .rev()
        .filter(|a| a.status.is_achieved())
        .max_by_key(|a| a.target_level)
        .cloned();
    let under_evaluation = history
        .iter()
        .find(|a| a.status == shirube_store::AssessmentStatus::Submitted)
        .cloned();
    Ok(Standing {
        org,
        current,
        achieved,
        under_evaluation,
        history,
    })
}

/// The organisation's assessments, newest first (the history).
pub async fn history(app: &App, p: &Principal) -> Result<Vec<AssessmentRow>, AppError> {
    Ok(app.store.assessments(p.org_id()).await?)
}

/// An assessment the caller may read: its own organisation's, a supplier's that was
/// shared with the caller's organisation in full (an active `full` share made directly to
/// it), or a client's when the caller is an approved security expert with an active
/// engagement with that client (each such read is in the client's audit log). Anything else
/// is `NotFound`, as if it did not exist.
pub async fn readable_assessment(
    app: &App,
    p: &Principal,
    id: &AssessmentId,
) -> Result<AssessmentView, AppError> {
    match assessment_view(app, p, id).await {
        Err(AppError::NotFound) => match app.store.full_share_owner(p.org_id(), id).await? {
            Some(supplier) => assessment_view_of(app, &supplier, id).await,
            None => match expert_client(app, p, id, "assessment", id).await? {
                Some(client) => assessment_view_of(app, &client, id).await,
                None => Err(AppError::NotFound),
            },
        },
        other => other,
    }
}

/// The client organisation whose assessment `assessment_id` the caller reads as its security
/// expert: an approved expert with an active engagement with that organisation, and nothing
/// else. The read (`what`, `subject`) is written to the client's audit log first, so a read
/// that is not logged does not happen.
async fn expert_client(
    app: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    what: &str,
    subject: &str,
) -> Result<Option<OrganizationId>, AppError> {
    let Some((client, expert_id)) = app
        .store
        .expert_client_of_assessment(p.user_id(), assessment_id)
        .await?
    else {
        return Ok(None);
    };
    app.store
        .record_expert_read(&client, p.user_id(), &expert_id, what, subject)
        .await?;
    Ok(Some(client))
}

/// Whether the caller reads `client_id`'s record `subject` as its security expert (approved,
/// with an active engagement); the read is written to the client's audit log first. The rule
/// is the one [`readable_assessment`] applies, for records that belong to an organisation
/// rather than to one assessment (scan results).
pub(crate) async fn expert_reads_client(
    app: &App,
    p: &Principal,
    client_id: &OrganizationId,
    what: &str,
    subject: &str,
) -> Result<bool, AppError> {
    let Some(expert_id) = app.store.expert_of_client(p.user_id(), client_id).await? else {
        return Ok(false);
    };
    app.store
        .record_expert_read(client_id, p.user_id(), &expert_id, what, subject)
        .await?;
    Ok(true)
}
