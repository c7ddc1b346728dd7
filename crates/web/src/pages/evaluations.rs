//! ★4 evaluation pages: the supplier submits; the evaluation body works its queue, records a
//! verdict per criterion and the technical verification, talks with the supplier, decides.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::evaluations;
use shirube_app::views::EvaluationStatus;
use shirube_app::views::{AssessmentId, EvaluationId, OrganizationId};

use crate::error::PageError;
use crate::pages::{render, status_label, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::views::Verdict;

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
                e.submitted_at.chars().take(10).collect(),
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

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub answer: String,
    pub note: String,
    pub evidence: Vec<(String, String)>,
    pub verdict: String,
    pub verdict_label: String,
    pub finding_comment: String,
    pub comments: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "evaluations/show.html")]
pub struct ShowPage {
    pub t: Tr,
    pub nav: Option<Nav>,
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
    pub rows: Vec<Row>,
    pub conform: usize,
    pub total: usize,
    pub credential_href: String,
    pub verdicts: Vec<(String, String)>,
}

pub async fn show(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvaluationId>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let v = evaluations::evaluation_view(&state, &p, &id)
        .await
        .page(lang)?;
    let who = |org: &str| {
        if org == v.evaluation.body_id {
            v.body_name.clone()
        } else {
            v.supplier_name.clone()
        }
    };
    let comments_for = |cid: &str| -> Vec<(String, String, String)> {
        v.comments
            .iter()
            .filter(|c| c.criterion_id == cid && !c.body.starts_with(evaluations::REPORT_PREFIX))
            .map(|c| {
                (
                    who(&c.author_organization_id),
                    c.created_at
                        .chars()
                        .take(16)
                        .collect::<String>()
                        .replace('T', " "),
                    c.body.clone(),
                )
            })
            .collect()
    };
    let rows: Vec<Row> = state
        .catalog
        .criteria
        .iter()
        .map(|c| {
            let a = v.assessment.answers.get(c.id.as_str());
            let f = v.findings.get(c.id.as_str());
            Row {
                id: c.id.to_string(),
                title: c.title.get(lang).to_string(),
                answer: status_label(&t, a.map(|a| a.status)),
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
                    .map(|e| {
                        (
                            e.file_name
                                .clone()
                                .or_else(|| e.url.clone())
                                .unwrap_or_default(),
                            e.evidence_date.clone(),
                        )
                    })
                    .collect(),
                verdict: f
                    .map(|f| f.verdict.as_str().to_string())
                    .unwrap_or_default(),
                verdict_label: f.map(|f| t.label(f.verdict)).unwrap_or_default(),
                finding_comment: f.map(|f| f.comment.clone()).unwrap_or_default(),
                comments: comments_for(c.id.as_str()),
            }
        })
        .collect();
    let credential_href = if v.evaluation.status == EvaluationStatus::Certified {
        evaluations::certificate_of(&state, &v)
            .await
            .page(lang)?
            .map(|c| format!("/credentials/{}/certificate", c.id))
            .unwrap_or_default()
    } else {
        String::new()
    };
    let page = ShowPage {
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        id: v.evaluation.id.clone().into(),
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
        general: comments_for("general"),
        conform: rows
            .iter()
            .filter(|r| r.verdict == Verdict::Conform.as_str())
            .count(),
        total: rows.len(),
        rows,
        credential_href,
        verdicts: Verdict::ALL
            .iter()
            .map(|v| (v.as_str().to_string(), t.label(*v)))
            .collect(),
        t,
    };
    render(&page, lang)
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
    Ok(Redirect::to(&format!("/evaluations/{id}#c-{}", form.criterion_id)).into_response())
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
    Ok(Redirect::to(&format!("/evaluations/{id}#c-{}", form.criterion_id)).into_response())
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
