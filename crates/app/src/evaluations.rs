//! ★4 third-party evaluations: submit, the body's queue, findings, the thread, the decision
//! and the technical-verification report.

use crate::views::{AssessmentId, EvaluationId, OrganizationId};
use std::collections::HashMap;

use shirube_assess::AnswerStatus;
use shirube_catalog::StarLevel;
use shirube_store::{
    AssessmentRow, AssessmentStatus, CommentRow, Decision, EvaluationRow, EvaluationStatus,
    FindingRow, NotificationKind, Verdict,
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
    let supplier = state.store.organization(p.org_id()).await?.name;
    let notices = [crate::notifications::to_org(
        state,
        body_id,
        NotificationKind::EvaluationSubmitted,
        "review-notif-submitted-title",
        "review-notif-submitted-body",
        &[("supplier", supplier)],
        "/evaluations",
    )];
    let id = state
        .store
        .submit_evaluation(
            p.actor().with_notices(&notices),
            p.org_id(),
            assessment_id,
            body_id,
        )
        .await?
        .ok_or(AppError::Conflict {
            key: "err-frozen",
            field: None,
        })?;
    crate::notifications::kick(state);
    Ok(id)
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
        products: crate::selfsufficiency::product_evidence(state, &row).await?,
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

/// One criterion's verdict as a form or the API sends it. An empty verdict means "not
/// judged yet": the criterion is left as it is. [`NOT_JUDGED`] takes a recorded verdict back.
#[derive(Debug, Clone, Default)]
pub struct FindingInput {
    pub criterion_id: String,
    pub verdict: String,
    pub comment: String,
}

/// The verdict that takes a recorded one back, so the criterion is not judged again.
pub const NOT_JUDGED: &str = "not_judged";

/// The longest comment on a finding, in characters.
pub const FINDING_COMMENT_MAX: usize = 2000;
/// The most findings one request may carry (a ★4 catalog has 153 criteria).
pub const FINDINGS_MAX: usize = 500;

/// The body's verdicts on several criteria at once (a requirement's page, or the bulk API):
/// all are checked first, then recorded in one transaction, or none is. Errors name the
/// entry as `findings[i].verdict` / `findings[i].comment`, and the message names the
/// criterion. Returns how many verdicts were recorded.
pub async fn put_findings(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
    items: &[FindingInput],
) -> Result<usize, AppError> {
    require_body(state, p).await?;
    p.require_edit()?;
    let ev = state.store.evaluation(p.org_id(), evaluation_id).await?;
    if ev.body_id != p.org_id() {
        return Err(AppError::Forbidden);
    }
    let (findings, errs) = check_findings(state, items);
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    if ev.status != EvaluationStatus::Submitted {
        return Err(AppError::Conflict {
            key: "err-evaluation-closed",
            field: None,
        });
    }
    if findings.is_empty() {
        return Ok(0);
    }
    let rows: Vec<shirube_store::NewFinding<'_>> = findings
        .iter()
        .map(|(c, v, comment)| shirube_store::NewFinding {
            criterion_id: c,
            verdict: v.map(|v| v.as_str()),
            comment,
        })
        .collect();
    if !state
        .store
        .put_findings(p.actor(), p.org_id(), evaluation_id, &rows)
        .await?
    {
        return Err(AppError::Conflict {
            key: "err-evaluation-closed",
            field: None,
        });
    }
    Ok(rows.len())
}

/// A verdict ready to record: (criterion, verdict or `None` to take it back, trimmed comment).
type CheckedFinding = (String, Option<Verdict>, String);

/// The verdicts to record and the problems found.
fn check_findings(state: &App, items: &[FindingInput]) -> (Vec<CheckedFinding>, Vec<FieldError>) {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    if items.len() > FINDINGS_MAX {
        errs.push(FieldError::too_many("findings", FINDINGS_MAX));
        return (out, errs);
    }
    for (i, item) in items.iter().enumerate() {
        let cid = item.criterion_id.trim();
        let comment = item.comment.trim();
        let field = |name: &str| format!("findings[{i}].{name}");
        if state.catalog.criterion(cid).is_none() {
            errs.push(
                FieldError::new(field("criterion_id"), "review-err-criterion")
                    .arg("criterion", cid),
            );
            continue;
        }
        if comment.chars().count() > FINDING_COMMENT_MAX {
            errs.push(FieldError::too_long(field("comment"), FINDING_COMMENT_MAX));
        }
        let verdict = item.verdict.trim();
        if verdict.is_empty() {
            // Not judged yet; a comment alone would be lost, so say so instead.
            if !comment.is_empty() {
                errs.push(
                    FieldError::new(field("verdict"), "review-err-comment-without-verdict")
                        .arg("criterion", cid),
                );
            }
            continue;
        }
        if verdict == NOT_JUDGED {
            out.push((cid.to_string(), None, String::new()));
            continue;
        }
        let Ok(v) = verdict.parse::<Verdict>() else {
            errs.push(
                FieldError::new(field("verdict"), "review-err-verdict").arg("criterion", cid),
            );
            continue;
        };
        if v != Verdict::Conform && comment.is_empty() {
            errs.push(
                FieldError::new(field("comment"), "review-err-verdict-comment")
                    .arg("criterion", cid),
            );
            continue;
        }
        out.push((cid.to_string(), Some(v), comment.to_string()));
    }
    (out, errs)
}

/// The ★4 criteria of one requirement, in catalog order: what its review page shows.
pub fn criteria_of<'a>(
    state: &'a App,
    requirement_id: &'a str,
) -> impl Iterator<Item = &'a shirube_catalog::Criterion> + 'a {
    state
        .catalog
        .criteria_for(StarLevel::Four)
        .filter(move |c| c.requirement_id.as_str() == requirement_id)
}

/// How far the review of one requirement has got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementProgress {
    pub requirement_id: String,
    pub judged: usize,
    pub total: usize,
    pub nonconform: usize,
    pub more_evidence: usize,
}

/// How far the review has got, overall and per requirement (in catalog order), and what
/// still stands between the body and certification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub requirements: Vec<RequirementProgress>,
    pub judged: usize,
    pub total: usize,
    pub conform: usize,
    pub nonconform: usize,
    pub more_evidence: usize,
    pub technical_recorded: bool,
}

impl Progress {
    pub fn unjudged(&self) -> usize {
        self.total - self.judged
    }

    /// Every criterion judged conform.
    pub fn all_conform(&self) -> bool {
        self.conform == self.total
    }

    /// Nothing stands in the way of certification.
    pub fn can_certify(&self) -> bool {
        self.all_conform() && self.technical_recorded
    }

    /// The first requirement with criteria not judged yet.
    pub fn first_unjudged(&self) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.judged < r.total)
            .map(|r| r.requirement_id.as_str())
    }

    /// The next requirement after `current` (wrapping round) with criteria not judged yet.
    pub fn next_unjudged_after(&self, current: &str) -> Option<&str> {
        let at = self
            .requirements
            .iter()
            .position(|r| r.requirement_id == current)
            .map_or(0, |i| i + 1);
        let n = self.requirements.len();
        (0..n)
            .map(|k| &self.requirements[(at + k) % n.max(1)])
            .find(|r| r.judged < r.total)
            .map(|r| r.requirement_id.as_str())
    }

    /// The requirements before and after `current`, for previous/next links.
    pub fn neighbours(&self, current: &str) -> (Option<&str>, Option<&str>) {
        let Some(i) = self
            .requirements
            .iter()
            .position(|r| r.requirement_id == current)
        else {
            return (None, None);
        };
        let prev = i
            .checked_sub(1)
            .and_then(|j| self.requirements.get(j))
            .map(|r| r.requirement_id.as_str());
        let next = self
            .requirements
            .get(i + 1)
            .map(|r| r.requirement_id.as_str());
        (prev, next)
    }
}

impl EvaluationView {
    /// The review's progress over the ★4 criteria, grouped by requirement.
    pub fn progress(&self, catalog: &shirube_catalog::Catalog) -> Progress {
        let mut requirements: Vec<RequirementProgress> = catalog
            .requirements_for(StarLevel::Four)
            .map(|r| RequirementProgress {
                requirement_id: r.id.as_str().to_string(),
                judged: 0,
                total: 0,
                nonconform: 0,
                more_evidence: 0,
            })
            .collect();
        let index: HashMap<String, usize> = requirements
            .iter()
            .enumerate()
            .map(|(i, r)| (r.requirement_id.clone(), i))
            .collect();
        let (mut conform, mut nonconform, mut more_evidence, mut judged, mut total) =
            (0, 0, 0, 0, 0);
        for c in catalog.criteria_for(StarLevel::Four) {
            total += 1;
            let verdict = self.findings.get(c.id.as_str()).map(|f| f.verdict);
            let Some(&i) = index.get(c.requirement_id.as_str()) else {
                continue;
            };
            let r = &mut requirements[i];
            r.total += 1;
            if let Some(v) = verdict {
                judged += 1;
                r.judged += 1;
                match v {
                    Verdict::Conform => conform += 1,
                    Verdict::Nonconform => {
                        nonconform += 1;
                        r.nonconform += 1;
                    }
                    Verdict::MoreEvidence => {
                        more_evidence += 1;
                        r.more_evidence += 1;
                    }
                }
            }
        }
        requirements.retain(|r| r.total > 0);
        Progress {
            requirements,
            judged,
            total,
            conform,
            nonconform,
            more_evidence,
            technical_recorded: self.findings.contains_key("technical_verification"),
        }
    }
}

/// A file the supplier attached as evidence to the assessment under evaluation, for either
/// side of the evaluation (the body reads it through the evaluation that links them).
pub async fn evidence_file(
    state: &App,
    p: &Principal,
    evaluation_id: &EvaluationId,
    evidence_id: &str,
) -> Result<(Option<String>, Vec<u8>), AppError> {
    let ev = state.store.evaluation(p.org_id(), evaluation_id).await?;
    let item = state
        .store
        .evidence(&ev.assessment_id)
        .await?
        .into_iter()
        .find(|e| &*e.id == evidence_id)
        .ok_or(AppError::NotFound)?;
    let sha = item.blob_sha256.clone().ok_or(AppError::NotFound)?;
    let bytes = state
        .store
        .blobs()
        .get(&sha)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok((item.file_name, bytes))
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
        let progress = view.progress(&state.catalog);
        if !progress.all_conform() {
            return Err(AppError::Conflict {
                key: "err-certify-findings",
                field: Some("decision".into()),
            });
        }
        if !progress.technical_recorded {
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
