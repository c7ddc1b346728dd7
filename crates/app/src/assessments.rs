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

/// Checks that a criterion exists and belongs to the assessment's level.
fn check_criterion(state: &App, a: &AssessmentRow, criterion_id: &str) -> Result<(), FieldError> {
    match state.catalog.criterion(criterion_id) {
        None => Err(FieldError::new("criterion_id", "err-criterion")),
        Some(c) if !c.required_for(level_of(a)) => {
            Err(FieldError::new("criterion_id", "err-criterion-level"))
        }
        Some(_) => Ok(()),
    }
}

/// Parses an answer: a status of the four, N/A with a reason, texts within their limits.
fn parse_answer(
    status: &str,
    comment: Option<&str>,
    reason: Option<&str>,
) -> Result<Answer, FieldError> {
    let status: AnswerStatus = status
        .parse()
        .map_err(|_| FieldError::new("status", "err-status"))?;
    Answer::new(status, comment, reason).map_err(|e| match e {
        shirube_assess::AnswerError::MissingReason => FieldError::new(e.field(), "err-na-reason"),
        shirube_assess::AnswerError::TooLong { field, max } => FieldError::too_long(field, max),
        shirube_assess::AnswerError::Status(_) => FieldError::new(e.field(), "err-status"),
    })
}

fn frozen() -> AppError {
    AppError::Conflict {
        key: "err-frozen",
        field: None,
    }
}

async fn write_answer(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    criterion_id: &str,
    answer: &Answer,
) -> Result<(), AppError> {
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
        return Err(frozen());
    }
    Ok(())
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
    check_criterion(state, &a, criterion_id).map_err(|e| AppError::Invalid(vec![e]))?;
    let answer = parse_answer(status, comment, reason).map_err(|e| AppError::Invalid(vec![e]))?;
    write_answer(state, p, assessment_id, criterion_id, &answer).await
}

/// Evidence as received.
pub enum EvidenceInput {
    File {
        file_name: String,
        /// What the sender said the file is; the stored media type comes from the content
        /// check instead.
        content_type: String,
        bytes: Vec<u8>,
    },
    Link {
        url: String,
    },
}

/// Evidence that passed every check, ready to store.
struct ValidEvidence {
    input: EvidenceInput,
    /// The media type of a file, from its checked kind.
    media_type: &'static str,
    date: String,
}

/// Checks evidence: a file of an accepted type whose content matches its name (see
/// [`crate::evidence`]), or an http(s) link; a date not in the future in Japan.
fn check_evidence(
    state: &App,
    input: EvidenceInput,
    evidence_date: &str,
    errs: &mut Vec<FieldError>,
) -> Option<ValidEvidence> {
    let date = collect(
        errs,
        crate::evidence::parse_evidence_date(evidence_date, state.clock.now()),
    );
    let mut media_type = "";
    match &input {
        EvidenceInput::Link { url } => {
            let ok = url::Url::parse(url.trim())
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
                && url.len() <= 2000;
            if !ok {
                errs.push(FieldError::new("url", "err-url"));
            }
        }
        EvidenceInput::File {
            file_name, bytes, ..
        } => {
            if bytes.is_empty() {
                errs.push(FieldError::new("file", "err-file-empty"));
            } else if let Some(kind) = collect(errs, crate::evidence::check_file(file_name, bytes))
            {
                media_type = kind.media_type();
            }
        }
    }
    Some(ValidEvidence {
        input,
        media_type,
        date: date?,
    })
}

async fn write_evidence(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    criterion_id: &str,
    ev: &ValidEvidence,
) -> Result<EvidenceId, AppError> {
    let id = match &ev.input {
        EvidenceInput::File {
            file_name, bytes, ..
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
            let new = NewEvidence::File {
                sha256: &sha,
                file_name: &name,
                content_type: ev.media_type,
                size: bytes.len() as i64,
            };
            state
                .store
                .add_evidence(
                    p.actor(),
                    p.org_id(),
                    assessment_id,
                    criterion_id,
                    &new,
                    &ev.date,
                )
                .await?
        }
        EvidenceInput::Link { url } => {
            let new = NewEvidence::Link { url: url.trim() };
            state
                .store
                .add_evidence(
                    p.actor(),
                    p.org_id(),
                    assessment_id,
                    criterion_id,
                    &new,
                    &ev.date,
                )
                .await?
        }
    };
    id.ok_or_else(frozen)
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
    collect(&mut errs, check_criterion(state, &a, criterion_id));
    let ev = check_evidence(state, input, evidence_date, &mut errs);
    let Some(ev) = ev.filter(|_| errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    if !a.status.is_open() {
        return Err(frozen());
    }
    write_evidence(state, p, assessment_id, criterion_id, &ev).await
}

/// Everything one criterion's form sends: the answer and, optionally, a piece of evidence.
pub struct CriterionEntry<'a> {
    pub status: &'a str,
    pub comment: &'a str,
    pub not_applicable_reason: &'a str,
    /// A file, a link, or both (each becomes its own piece of evidence).
    pub evidence: Vec<EvidenceInput>,
    pub evidence_date: &'a str,
}

/// Saves a criterion's answer and the evidence sent with it. Every field is checked before
/// anything is written, so a refused file does not cost the answer typed with it (the page
/// sends it back) and a refused answer does not store the file. An entry with evidence but
/// no answer at all (no status, no text) stores only the evidence. The answer and each
/// piece of evidence are separate writes, each with its audit entry; a failure between
/// them (the database, or the assessment frozen meanwhile) leaves the answer saved.
pub async fn save_criterion(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    criterion_id: &str,
    entry: CriterionEntry<'_>,
) -> Result<(), AppError> {
    p.require_edit()?;
    let a = state.store.assessment(p.org_id(), assessment_id).await?;
    // Asking to correct fields of an assessment that cannot change anyway would waste the
    // person's time: say first that it is frozen.
    if !a.status.is_open() {
        return Err(frozen());
    }
    let mut errs = Vec::new();
    collect(&mut errs, check_criterion(state, &a, criterion_id));
    let answered = [entry.status, entry.comment, entry.not_applicable_reason]
        .iter()
        .any(|s| !s.trim().is_empty());
    let answer = if answered || entry.evidence.is_empty() {
        collect(
            &mut errs,
            parse_answer(
                entry.status,
                Some(entry.comment),
                Some(entry.not_applicable_reason),
            ),
        )
    } else {
        None
    };
    let evidence: Vec<Option<ValidEvidence>> = entry
        .evidence
        .into_iter()
        .map(|input| check_evidence(state, input, entry.evidence_date, &mut errs))
        .collect();
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    if let Some(answer) = &answer {
        write_answer(state, p, assessment_id, criterion_id, answer).await?;
    }
    for ev in evidence.iter().flatten() {
        write_evidence(state, p, assessment_id, criterion_id, ev).await?;
    }
    Ok(())
}

/// Withdraws a wrong upload or link from an open assessment of the caller's organisation
/// (editors only): it stays in the store and the audit log but is no longer evidence; it is
/// not shown, counted or downloadable, and leaves the expert-confirmation digest. Returns
/// the criterion it belonged to.
pub async fn withdraw_evidence(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    evidence_id: &EvidenceId,
) -> Result<String, AppError> {
    p.require_edit()?;
    match state
        .store
        .withdraw_evidence(p.actor(), p.org_id(), assessment_id, evidence_id)
        .await?
    {
        shirube_store::Withdrawal::Done { criterion_id } => Ok(criterion_id),
        shirube_store::Withdrawal::Frozen => Err(frozen()),
    }
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
    /// Declared products serving the assessment's criteria (evidence without a file).
    pub products: Vec<crate::selfsufficiency::ProductEvidence>,
    /// Changes against the assessment it was copied from.
    pub changes: Option<Vec<Change>>,
}

impl AssessmentView {
    pub fn level(&self) -> StarLevel {
        level_of(&self.row)
    }
    /// How many pieces of evidence (files, links and product declarations) a criterion has.
    pub fn evidence_count(&self, criterion_id: &str) -> usize {
        self.evidence
            .iter()
            .filter(|e| e.criterion_id == criterion_id)
            .count()
            + self
                .products
                .iter()
                .filter(|e| e.criterion_id == criterion_id)
                .count()
    }
    /// How many pieces of evidence the assessment has in all.
    pub fn evidence_total(&self) -> usize {
        self.evidence.len() + self.products.len()
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
    let details = state.store.assessment_details(organization_id, id).await?;
    let mut view = view_from_details(state, details);
    view.products = crate::selfsufficiency::product_evidence(state, &view.row).await?;
    if let Some(prev) = &view.row.based_on {
        let before = statuses(&state.store.answers(prev).await?);
        let current: HashMap<String, AnswerStatus> = view
            .answers
            .iter()
            .map(|(k, a)| (k.clone(), a.status))
            .collect();
        view.changes = Some(shirube_assess::diff(&state.catalog, &before, &current));
    }
    Ok(view)
}

/// The view of an assessment already read with its answers and evidence, without the
/// changes against the assessment it was copied from and without the declared products
/// (each needs another read).
pub fn view_from_details(state: &App, details: shirube_store::AssessmentDetails) -> AssessmentView {
    let shirube_store::AssessmentDetails {
        row,
        answers: answer_rows,
        evidence,
    } = details;
    let current = statuses(&answer_rows);
    let evaluation = evaluate(&state.catalog, level_of(&row), &current);
    let answers = answer_rows
        .into_iter()
        .map(|r| (r.criterion_id.clone(), r))
        .collect();
    AssessmentView {
        row,
        answers,
        evaluation,
        evidence,
        // Filled by the caller: from one read here, or in bulk (the expert's workspace).
        products: Vec::new(),
        changes: None,
    }
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
