//! ★4 evaluation pages: the supplier submits; the evaluation body works its queue, records a
//! verdict per criterion and the technical verification, talks with the supplier, decides.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::evaluations;
use shirube_app::views::EvaluationStatus;
use shirube_app::views::{AssessmentId, EvaluationId, OrganizationId};

use crate::error::PageError;
use crate::pages::{render, render_status, status_label, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::views::Verdict;
use shirube_app::Principal;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubmitForm {
    pub csrf_token: String,
    pub body_id: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
    Form(form): Form<SubmitForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    let ev = evaluations::submit(
        &state,
        &p,
        &id,
        &OrganizationId::from(form.body_id.as_str()),
    )
    .await
    .page(lang)?;
    Ok(Redirect::to(&format!("/evaluations/{ev}")).into_response())
}

#[derive(Template)]
#[template(path = "evaluations/queue.html")]
pub struct QueuePage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub rows: Vec<(String, String, String, String, i64)>,
}

pub async fn queue(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let rows = evaluations::queue(&state, &p)
        .await
        .page(lang)?
        .into_iter()
        .map(|(e, name)| {
            (
                e.id.into_string(),
                name,
                t.label(e.status),
                t.date(&e.submitted_at),
                e.round,
            )
        })
        .collect();
    render(
        &QueuePage {
            t,
            nav: Nav::for_principal(&state, &p).await.page(lang)?,
            rows,
        },
        lang,
    )
}

/// One line of the overview: a requirement and how far its review has got.
#[derive(Debug, Clone)]
pub struct RequirementLine {
    pub id: String,
    pub title: String,
    pub judged: usize,
    pub total: usize,
    pub nonconform: usize,
    pub more_evidence: usize,
}

#[derive(Template)]
#[template(path = "evaluations/show.html")]
pub struct ShowPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub csrf: String,
    pub id: String,
    pub supplier: String,
    pub body: String,
    pub status: String,
    pub open: bool,
    pub as_body: bool,
    pub reason: String,
    pub round: i64,
    pub technical: String,
    /// Attached technical verification reports: (file name, download path).
    pub reports: Vec<(String, String)>,
    pub general: Vec<(String, String, String)>,
    pub credential_href: String,
    /// "Saved" after a requirement's findings were recorded and nothing is left to judge.
    pub saved: bool,
    pub judged: usize,
    pub total: usize,
    pub conform: usize,
    pub nonconform: usize,
    pub more_evidence: usize,
    /// The first requirement with criteria not judged yet (empty when none is left).
    pub next_href: String,
    pub requirements: Vec<RequirementLine>,
    /// Why certification is not possible yet, one line each (empty when it is).
    pub blockers: Vec<String>,
    pub can_certify: bool,
    pub errors: FieldMessages,
    /// The decision form as typed (kept when it comes back with a message).
    pub decision: String,
    pub reason_input: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

/// Loads the overview of an evaluation, with the decision form as typed and its messages.
async fn overview(
    state: &AppState,
    p: &Principal,
    id: &EvaluationId,
    saved: bool,
    errors: FieldMessages,
    decision: &str,
    reason_input: &str,
) -> Result<ShowPage, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let v = evaluations::evaluation_view(state, p, id)
        .await
        .page(lang)?;
    let progress = v.progress(&state.catalog);
    let credential_href = if v.evaluation.status == EvaluationStatus::Certified {
        evaluations::certificate_of(state, &v)
            .await
            .page(lang)?
            .map(|c| format!("/credentials/{}/certificate", c.id))
            .unwrap_or_default()
    } else {
        String::new()
    };
    let mut blockers = Vec::new();
    if progress.unjudged() > 0 {
        blockers.push(t.tn("review-why-unjudged", progress.unjudged()));
    }
    if progress.nonconform > 0 {
        blockers.push(t.tn("review-why-nonconform", progress.nonconform));
    }
    if progress.more_evidence > 0 {
        blockers.push(t.tn("review-why-more-evidence", progress.more_evidence));
    }
    if !progress.technical_recorded {
        blockers.push(t.t("review-why-technical"));
    }
    let nav = Nav::for_principal(state, p).await.page(lang)?;
    Ok(ShowPage {
        csrf: nav.as_ref().map(|n| n.csrf.clone()).unwrap_or_default(),
        nav,
        id: v.evaluation.id.to_string(),
        supplier: v.supplier_name.clone(),
        body: v.body_name.clone(),
        status: t.label(v.evaluation.status),
        open: v.evaluation.status == EvaluationStatus::Submitted,
        as_body: v.as_body,
        reason: v.evaluation.decision_reason.clone().unwrap_or_default(),
        round: v.evaluation.round,
        technical: v
            .findings
            .get("technical_verification")
            .map(|f| f.comment.clone())
            .unwrap_or_default(),
        reports: v
            .comments
            .iter()
            .filter_map(|c| c.body.strip_prefix(evaluations::REPORT_PREFIX))
            .map(|r| {
                let (sha, name) = r.split_once(' ').unwrap_or((r, "report"));
                (
                    name.to_string(),
                    format!("/evaluations/{}/report/{sha}", v.evaluation.id),
                )
            })
            .collect(),
        general: thread(&v, &t, "general"),
        credential_href,
        saved,
        judged: progress.judged,
        total: progress.total,
        conform: progress.conform,
        nonconform: progress.nonconform,
        more_evidence: progress.more_evidence,
        next_href: progress
            .first_unjudged()
            .map(|r| format!("/evaluations/{id}/requirements/{r}"))
            .unwrap_or_default(),
        requirements: progress
            .requirements
            .iter()
            .map(|r| RequirementLine {
                title: state
                    .catalog
                    .requirement(&r.requirement_id)
                    .map(|q| q.title.get(lang).to_string())
                    .unwrap_or_default(),
                id: r.requirement_id.clone(),
                judged: r.judged,
                total: r.total,
                nonconform: r.nonconform,
                more_evidence: r.more_evidence,
            })
            .collect(),
        can_certify: blockers.is_empty(),
        blockers,
        errors,
        decision: decision.to_string(),
        reason_input: reason_input.to_string(),
        t,
    })
}

/// The messages of one thread (a criterion, `general`), as (who, when, text).
fn thread(
    v: &evaluations::EvaluationView,
    t: &Tr,
    criterion_id: &str,
) -> Vec<(String, String, String)> {
    v.comments
        .iter()
        .filter(|c| {
            c.criterion_id == criterion_id && !c.body.starts_with(evaluations::REPORT_PREFIX)
        })
        .map(|c| {
            let who = if c.author_organization_id == v.evaluation.body_id {
                v.body_name.clone()
            } else {
                v.supplier_name.clone()
            };
            (who, t.datetime(&c.created_at), c.body.clone())
        })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvaluationId>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let page = overview(
        &state,
        &p,
        &id,
        q.saved.is_some(),
        FieldMessages::default(),
        "",
        "",
    )
    .await?;
    render(&page, p.lang)
}

/// One criterion on a requirement's review page.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub id: String,
    pub title: String,
    pub meaning: String,
    pub answer: String,
    pub answer_status: String,
    pub note: String,
    /// Evidence as (label, link or empty, date).
    pub evidence: Vec<(String, String, String)>,
    /// The verdict in the form (stored, or as typed); empty: not judged yet.
    pub verdict: String,
    pub verdict_label: String,
    pub comment: String,
    pub comments: Vec<(String, String, String)>,
    pub verdict_id: String,
    pub comment_id: String,
    pub verdict_err: String,
    pub comment_err: String,
    /// A question or note for the supplier, sent to the evaluation's thread on saving.
    pub message: String,
    pub message_id: String,
    pub message_err: String,
}

#[derive(Template)]
#[template(path = "evaluations/requirement.html")]
pub struct RequirementPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub csrf: String,
    pub id: String,
    pub supplier: String,
    pub status: String,
    pub open: bool,
    pub as_body: bool,
    pub requirement_id: String,
    pub requirement_title: String,
    pub summary: String,
    /// This requirement's place among the ★4 requirements (1-based) and their number.
    pub position: usize,
    pub count: usize,
    pub prev: String,
    pub next: String,
    pub judged: usize,
    pub total: usize,
    pub overall_judged: usize,
    pub overall_total: usize,
    /// The requirement whose findings were just saved (this page follows it), or empty.
    pub saved: String,
    pub rows: Vec<ReviewRow>,
    pub verdicts: Vec<(String, String)>,
    pub errors: FieldMessages,
}

/// Values typed into a requirement's form, by criterion: (verdict, comment).
/// A requirement's form as typed: criterion → (verdict, comment on it, message to the supplier).
type Typed = std::collections::HashMap<String, (String, String, String)>;

/// The longest message to the supplier, in characters (as the message thread allows).
const MESSAGE_MAX: usize = 5000;

async fn requirement_page(
    state: &AppState,
    p: &Principal,
    id: &EvaluationId,
    requirement_id: &str,
    saved: String,
    typed: Option<&Typed>,
    errors: FieldMessages,
) -> Result<RequirementPage, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let v = evaluations::evaluation_view(state, p, id)
        .await
        .page(lang)?;
    let progress = v.progress(&state.catalog);
    let Some(position) = progress
        .requirements
        .iter()
        .position(|r| r.requirement_id == requirement_id)
    else {
        return Err(PageError(shirube_app::AppError::NotFound, lang));
    };
    let req = state
        .catalog
        .requirement(requirement_id)
        .ok_or(PageError(shirube_app::AppError::NotFound, lang))?;
    let (prev, next) = progress.neighbours(requirement_id);
    let href = |r: Option<&str>| {
        r.map(|r| format!("/evaluations/{id}/requirements/{r}"))
            .unwrap_or_default()
    };
    let rows = evaluations::criteria_of(state, requirement_id)
        .enumerate()
        .map(|(i, c)| {
            let a = v.assessment.answers.get(c.id.as_str());
            let f = v.findings.get(c.id.as_str());
            let (verdict, comment, message) = match typed.and_then(|m| m.get(c.id.as_str())) {
                Some((verdict, comment, message)) => {
                    (verdict.clone(), comment.clone(), message.clone())
                }
                None => (
                    f.map(|f| f.verdict.as_str().to_string())
                        .unwrap_or_default(),
                    f.map(|f| f.comment.clone()).unwrap_or_default(),
                    String::new(),
                ),
            };
            let verdict_field = format!("findings[{i}].verdict");
            let comment_field = format!("findings[{i}].comment");
            let message_field = format!("findings[{i}].message");
            ReviewRow {
                id: c.id.to_string(),
                title: c.title.get(lang).to_string(),
                meaning: c.meaning.get(lang).to_string(),
                answer: status_label(&t, a.map(|a| a.status)),
                answer_status: a.map(|a| a.status.as_str()).unwrap_or("").to_string(),
                note: a
                    .map(|a| {
                        if a.status == shirube_assess::AnswerStatus::NotApplicable {
                            a.not_applicable_reason.clone()
                        } else {
                            a.comment.clone()
                        }
                    })
                    .unwrap_or_default(),
                evidence: v
                    .assessment
                    .evidence
                    .iter()
                    .filter(|e| e.criterion_id == c.id.as_str())
                    .map(|e| match (&e.file_name, &e.url) {
                        (Some(name), _) => (
                            name.clone(),
                            format!("/evaluations/{id}/evidence/{}", e.id),
                            t.date(&e.evidence_date),
                        ),
                        (None, Some(url)) => (
                            url.clone(),
                            if url.starts_with("https://") || url.starts_with("http://") {
                                url.clone()
                            } else {
                                String::new()
                            },
                            t.date(&e.evidence_date),
                        ),
                        (None, None) => (String::new(), String::new(), t.date(&e.evidence_date)),
                    })
                    // Declared products (no file): what the supplier had when it submitted.
                    .chain(
                        v.assessment
                            .products
                            .iter()
                            .filter(|d| d.criterion_id == c.id.as_str())
                            .map(|d| {
                                (
                                    format!(
                                        "{}: {} {}",
                                        t.t("pe-kind"),
                                        d.vendor_name,
                                        d.product_name
                                    ),
                                    String::new(),
                                    t.date(&d.declared_at),
                                )
                            }),
                    )
                    .collect(),
                verdict_label: f.map(|f| t.label(f.verdict)).unwrap_or_default(),
                verdict,
                comment,
                comments: thread(&v, &t, c.id.as_str()),
                verdict_id: FieldMessages::id(&verdict_field),
                comment_id: FieldMessages::id(&comment_field),
                verdict_err: errors.get(&verdict_field),
                comment_err: errors.get(&comment_field),
                message,
                message_id: FieldMessages::id(&message_field),
                message_err: errors.get(&message_field),
            }
        })
        .collect();
    let here = &progress.requirements[position];
    let nav = Nav::for_principal(state, p).await.page(lang)?;
    Ok(RequirementPage {
        csrf: nav.as_ref().map(|n| n.csrf.clone()).unwrap_or_default(),
        nav,
        id: v.evaluation.id.to_string(),
        supplier: v.supplier_name.clone(),
        status: t.label(v.evaluation.status),
        open: v.evaluation.status == EvaluationStatus::Submitted,
        as_body: v.as_body,
        requirement_id: requirement_id.to_string(),
        requirement_title: req.title.get(lang).to_string(),
        summary: req.summary.get(lang).to_string(),
        position: position + 1,
        count: progress.requirements.len(),
        prev: href(prev),
        next: href(next),
        judged: here.judged,
        total: here.total,
        overall_judged: progress.judged,
        overall_total: progress.total,
        saved,
        rows,
        verdicts: Verdict::ALL
            .iter()
            .map(|v| (v.as_str().to_string(), t.label(*v)))
            .collect(),
        errors,
        t,
    })
}

pub async fn requirement(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((id, requirement_id)): Path<(EvaluationId, String)>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let saved = q
        .saved
        .filter(|r| state.catalog.requirement(r).is_some())
        .unwrap_or_default();
    let page = requirement_page(
        &state,
        &p,
        &id,
        &requirement_id,
        saved,
        None,
        FieldMessages::default(),
    )
    .await?;
    render(&page, p.lang)
}

/// Saves every verdict of one requirement's form (`v.<criterion>` and `c.<criterion>`), then
/// goes on to the next requirement with criteria not judged yet (or back to the overview).
/// A form with a problem comes back as typed, with its messages.
pub async fn save_requirement(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((id, requirement_id)): Path<(EvaluationId, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    p.check_csrf(&value("csrf_token")).page(lang)?;
    if state.catalog.requirement(&requirement_id).is_none() {
        return Err(PageError(shirube_app::AppError::NotFound, lang));
    }
    let items: Vec<evaluations::FindingInput> = evaluations::criteria_of(&state, &requirement_id)
        .map(|c| evaluations::FindingInput {
            criterion_id: c.id.to_string(),
            verdict: value(&format!("v.{}", c.id)),
            comment: value(&format!("c.{}", c.id)),
        })
        .collect();
    let messages: Vec<String> = evaluations::criteria_of(&state, &requirement_id)
        .map(|c| value(&format!("m.{}", c.id)).trim().to_string())
        .collect();
    // Messages are checked with the verdicts, so nothing is saved when one is too long.
    let too_long: Vec<shirube_app::domain::FieldError> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.chars().count() > MESSAGE_MAX)
        .map(|(i, _)| {
            shirube_app::domain::FieldError::too_long(format!("findings[{i}].message"), MESSAGE_MAX)
        })
        .collect();
    let saved = if too_long.is_empty() {
        evaluations::put_findings(&state, &p, &id, &items).await
    } else {
        Err(shirube_app::AppError::Invalid(too_long))
    };
    match saved {
        Ok(_) => {
            for (item, message) in items.iter().zip(&messages) {
                if !message.is_empty() {
                    evaluations::comment(&state, &p, &id, &item.criterion_id, message)
                        .await
                        .page(lang)?;
                }
            }
            let v = evaluations::evaluation_view(&state, &p, &id)
                .await
                .page(lang)?;
            let progress = v.progress(&state.catalog);
            let to = match progress.next_unjudged_after(&requirement_id) {
                Some(next) => {
                    format!("/evaluations/{id}/requirements/{next}?saved={requirement_id}")
                }
                None => format!("/evaluations/{id}?saved=1"),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (shirube_app::AppError::Invalid(_) | shirube_app::AppError::Conflict { .. })) => {
            let typed: Typed = items
                .into_iter()
                .zip(messages)
                .map(|(i, m)| (i.criterion_id, (i.verdict, i.comment, m)))
                .collect();
            let page = requirement_page(
                &state,
                &p,
                &id,
                &requirement_id,
                String::new(),
                Some(&typed),
                FieldMessages::from_error(&e, lang),
            )
            .await?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// A file the supplier attached as evidence, for either side of the evaluation.
pub async fn evidence_download(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((id, evidence_id)): Path<(EvaluationId, String)>,
) -> Result<Response, PageError> {
    let (name, bytes) = evaluations::evidence_file(&state, &p, &id, &evidence_id)
        .await
        .page(p.lang)?;
    Ok(crate::api::assessments::file_response(
        name.as_deref(),
        bytes,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FindingForm {
    pub csrf_token: String,
    pub criterion_id: String,
    pub verdict: String,
    pub comment: String,
}

pub async fn finding(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvaluationId>,
    Form(form): Form<FindingForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    evaluations::put_finding(
        &state,
        &p,
        &id,
        &form.criterion_id,
        &form.verdict,
        &form.comment,
    )
    .await
    .page(lang)?;
    Ok(Redirect::to(&back_to(&state, &id, &form.criterion_id)).into_response())
}

/// Where to return after a message or a finding on `criterion_id`: its requirement's page,
/// or the overview for the technical verification and the general thread.
fn back_to(state: &AppState, id: &EvaluationId, criterion_id: &str) -> String {
    match state.catalog.criterion(criterion_id) {
        Some(c) => format!(
            "/evaluations/{id}/requirements/{}#c-{criterion_id}",
            c.requirement_id
        ),
        None if criterion_id == "technical_verification" => format!("/evaluations/{id}#tech-h"),
        None => format!("/evaluations/{id}#thread-h"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommentForm {
    pub csrf_token: String,
    pub criterion_id: String,
    pub body: String,
}

pub async fn comment(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvaluationId>,
    Form(form): Form<CommentForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    evaluations::comment(&state, &p, &id, &form.criterion_id, &form.body)
        .await
        .page(lang)?;
    Ok(Redirect::to(&back_to(&state, &id, &form.criterion_id)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    pub csrf_token: String,
    pub decision: String,
    pub reason: String,
}

pub async fn decide(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvaluationId>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match evaluations::decide(&state, &p, &id, &form.decision, &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/evaluations/{id}")).into_response()),
        // Refused with a message: the overview comes back, with the header, the reason as
        // typed and the message once, beside the decision.
        Err(e @ (shirube_app::AppError::Invalid(_) | shirube_app::AppError::Conflict { .. })) => {
            // A conflict (certify too early, a closed evaluation) is about the page, not a
            // field: one line at the top, beside the reasons listed under the decision.
            let errors = match &e {
                shirube_app::AppError::Conflict { .. } => {
                    FieldMessages(vec![(String::new(), e.message(lang))])
                }
                _ => FieldMessages::from_error(&e, lang),
            };
            let page =
                overview(&state, &p, &id, false, errors, &form.decision, &form.reason).await?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

pub async fn report(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvaluationId>,
    mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let (fields, input) = crate::api::assessments::read_evidence_form(mp)
        .await
        .page(lang)?;
    p.check_csrf(crate::api::assessments::form_value(&fields, "csrf_token"))
        .page(lang)?;
    let Some(shirube_app::assessments::EvidenceInput::File {
        file_name, bytes, ..
    }) = input
    else {
        return Err(PageError(
            shirube_app::AppError::field("file", "err-evidence-missing"),
            lang,
        ));
    };
    evaluations::attach_report(&state, &p, &id, &file_name, &bytes)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!("/evaluations/{id}#tech-h")).into_response())
}

pub async fn report_download(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((id, sha)): Path<(EvaluationId, String)>,
) -> Result<Response, PageError> {
    let (name, bytes) = evaluations::report_file(&state, &p, &id, &sha)
        .await
        .page(p.lang)?;
    Ok(crate::api::assessments::file_response(Some(&name), bytes))
}
