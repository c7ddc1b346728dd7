//! Assessment pages: history and start, the assessment by category, a criterion with
//! guidance and evidence, the result and action plan, the printable report, the declaration.

use shirube_app::views::AssessmentStatus;
use shirube_app::views::{AssessmentId, CredentialId, EvidenceId};
use shirube_app::{accounts, assessments, declarations, evaluations};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_catalog::{Criterion, Lang, StarLevel};

use crate::api::assessments::{file_response, form_value, read_evidence_parts};
use crate::error::PageError;
use crate::pages::{render, render_status, status_label, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::assessments::AssessmentView;
use shirube_app::i18n::Tr;
use shirube_app::AppError;
use shirube_app::Principal;

/// One line of an action plan, ready to show.
#[derive(Debug, Clone)]
pub struct ActionItem {
    pub criterion_id: String,
    pub title: String,
    pub next_step: String,
    pub level: u8,
    pub status: String,
    pub href: String,
}

impl ActionItem {
    pub fn new(
        state: &AppState,
        t: &Tr,
        assessment_id: &str,
        a: &shirube_assess::Action,
    ) -> Option<ActionItem> {
        let c = state.catalog.criterion(a.criterion_id.as_str())?;
        Some(ActionItem {
            criterion_id: c.id.to_string(),
            title: c.title.get(t.lang).to_string(),
            next_step: c.next_step.get(t.lang).to_string(),
            level: c.level.number(),
            status: status_label(t, a.status),
            href: format!("/assessments/{assessment_id}/criteria/{}", c.id),
        })
    }
}

#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub id: String,
    pub level: i64,
    pub state: String,
    pub created_at: String,
    pub declared: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "assessments/index.html")]
pub struct IndexPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub rows: Vec<HistoryRow>,
    pub can_edit: bool,
    pub last_id: String,
    pub errors: FieldMessages,
}

async fn index_page(
    state: &AppState,
    p: &Principal,
    errors: FieldMessages,
) -> Result<IndexPage, AppError> {
    let t = Tr::new(p.lang);
    let history = assessments::history(state, p).await?;
    let rows = history
        .iter()
        .map(|a| HistoryRow {
            id: a.id.clone().into(),
            level: a.target_level,
            state: t.label(a.status),
            created_at: a.created_at.chars().take(10).collect(),
            declared: a.declaration_date.clone().unwrap_or_default(),
            open: a.status.is_open(),
        })
        .collect();
    Ok(IndexPage {
        nav: Nav::for_principal(state, p).await?,
        rows,
        can_edit: p.role.can_edit(),
        last_id: history
            .first()
            .map(|a| a.id.to_string())
            .unwrap_or_default(),
        errors,
        t,
    })
}

pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    let page = index_page(&state, &p, FieldMessages::default())
        .await
        .page(p.lang)?;
    render(&page, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateForm {
    pub csrf_token: String,
    pub target_level: String,
    pub copy_from: String,
}

pub async fn create(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    let result = async {
        let level = assessments::parse_level(&form.target_level, "target_level")?;
        let copy = Some(form.copy_from.trim())
            .filter(|s| !s.is_empty())
            .map(AssessmentId::from);
        assessments::create_assessment(&state, &p, level, copy.as_ref()).await
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/assessments/{id}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let page = index_page(&state, &p, FieldMessages::from_error(&e, lang))
                .await
                .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// A criterion row in the category view.
#[derive(Debug, Clone)]
pub struct CriterionRow {
    pub id: String,
    pub title: String,
    pub level: u8,
    pub status_key: String,
    pub status: String,
    pub evidence: usize,
    pub href: String,
}

#[derive(Debug, Clone)]
pub struct CategorySection {
    pub id: String,
    pub name: String,
    pub met: usize,
    pub total: usize,
    pub criteria: Vec<CriterionRow>,
}

#[derive(Template)]
#[template(path = "assessments/show.html")]
pub struct ShowPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub id: String,
    pub level: i64,
    pub state: String,
    pub open: bool,
    pub percent: u8,
    pub met: usize,
    pub answered: usize,
    pub total: usize,
    pub achieved: u8,
    pub sections: Vec<CategorySection>,
    pub changes: Vec<(String, String, String, String)>,
    /// Why the assessment is read-only for this visitor and what happens next.
    pub readonly: String,
    pub newer_href: String,
}

fn criterion_rows(state: &AppState, t: &Tr, v: &AssessmentView) -> Vec<CategorySection> {
    state
        .catalog
        .categories
        .iter()
        .filter_map(|cat| {
            let criteria: Vec<CriterionRow> = state
                .catalog
                .criteria_for(v.level())
                .filter(|c| c.category == cat.id)
                .map(|c| {
                    let status = v.answers.get(c.id.as_str()).map(|a| a.status);
                    CriterionRow {
                        id: c.id.to_string(),
                        title: c.title.get(t.lang).to_string(),
                        level: c.level.number(),
                        status_key: status.map_or("unanswered", |s| s.as_str()).to_string(),
                        status: status_label(t, status),
                        evidence: v.evidence_count(c.id.as_str()),
                        href: format!("/assessments/{}/criteria/{}", v.row.id, c.id),
                    }
                })
                .collect();
            if criteria.is_empty() {
                return None;
            }
            let met = criteria
                .iter()
                .filter(|c| c.status_key == "implemented" || c.status_key == "not_applicable")
                .count();
            Some(CategorySection {
                id: cat.id.clone(),
                name: cat.name.get(t.lang).to_string(),
                met,
                total: criteria.len(),
                criteria,
            })
        })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let v = assessments::assessment_view(&state, &p, &id)
        .await
        .page(lang)?;
    let e = &v.evaluation;
    let changes = v
        .changes
        .iter()
        .flatten()
        .map(|c| {
            let title = state
                .catalog
                .criterion(c.criterion_id.as_str())
                .map(|x| x.title.get(lang).to_string())
                .unwrap_or_default();
            (
                c.criterion_id.to_string(),
                title,
                status_label(&t, c.before),
                status_label(&t, c.after),
            )
        })
        .collect();
    let page = ShowPage {
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        id: v.row.id.clone().into(),
        level: v.row.target_level,
        state: t.label(v.row.status),
        open: v.is_open(),
        percent: e.progress.percent(),
        met: e.progress.met,
        answered: e.progress.answered,
        total: e.progress.total,
        achieved: e.achieved.map(|l| l.number()).unwrap_or(0),
        sections: criterion_rows(&state, &t, &v),
        changes,
        readonly: readonly_reason(&t, v.row.status, p.role.can_edit()),
        newer_href: newer_href(&v),
        t,
    };
    render(&page, lang)
}

#[derive(Debug, Clone)]
pub struct EvidenceItem {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub href: String,
    pub date: String,
    pub size: String,
}

#[derive(Template)]
#[template(path = "assessments/criterion.html")]
pub struct CriterionPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub assessment_id: String,
    pub open: bool,
    pub can_edit: bool,
    pub id: String,
    pub requirement_id: String,
    pub requirement_title: String,
    pub category: String,
    pub csf: String,
    pub level: u8,
    pub title: String,
    pub meaning: String,
    pub how: String,
    pub evidence_hint: String,
    pub next_step: String,
    pub status: String,
    /// The status as words, for the read-only view.
    pub status_text: String,
    pub comment: String,
    pub reason: String,
    pub evidence: Vec<EvidenceItem>,
    /// Declared products serving this criterion: vendor, product, declared date (Japan).
    pub products: Vec<(String, String, String)>,
    pub errors: FieldMessages,
    pub prev_href: String,
    pub next_href: String,
    pub position: usize,
    pub total: usize,
    pub today: String,
    /// The link and evidence date typed with a refused form, sent back.
    pub url: String,
    pub evidence_date: String,
    pub saved: bool,
    pub withdrawn: bool,
    /// Why the page is read-only and what happens next; empty when the visitor can edit.
    pub readonly: String,
    /// The assessment that took over from a superseded one.
    pub newer_href: String,
    /// The engaged experts' advice on this criterion.
    pub advice: Vec<AdviceItem>,
}

/// One expert's advice on a criterion, as the client sees it.
#[derive(Debug, Clone)]
pub struct AdviceItem {
    pub expert_name: String,
    pub body: String,
    pub date: String,
}

fn human_size(n: i64) -> String {
    match n {
        n if n >= 1024 * 1024 => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
        n if n >= 1024 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

#[derive(Default)]
struct Overrides {
    status: Option<String>,
    comment: Option<String>,
    reason: Option<String>,
    url: String,
    evidence_date: Option<String>,
    errors: FieldMessages,
    saved: bool,
    withdrawn: bool,
}

/// Why an assessment cannot be changed by this visitor, and what happens next, in words;
/// empty when it can. The assessment's state comes first: a viewer of a declared
/// assessment is told about the declaration.
pub fn readonly_reason(t: &Tr, status: AssessmentStatus, can_edit: bool) -> String {
    let key = match status {
        AssessmentStatus::InProgress if can_edit => return String::new(),
        AssessmentStatus::InProgress => "assess-readonly-viewer",
        AssessmentStatus::Submitted => "assess-readonly-submitted",
        AssessmentStatus::Declared => "assess-readonly-declared",
        AssessmentStatus::Certified => "assess-readonly-certified",
        AssessmentStatus::Superseded => "assess-readonly-superseded",
    };
    t.t(key)
}

fn newer_href(v: &AssessmentView) -> String {
    v.row
        .superseded_by
        .as_ref()
        .map(|n| format!("/assessments/{n}"))
        .unwrap_or_default()
}

async fn criterion_page(
    state: &AppState,
    p: &Principal,
    id: &AssessmentId,
    criterion_id: &str,
    o: Overrides,
) -> Result<CriterionPage, AppError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let v = assessments::assessment_view(state, p, id).await?;
    let c: &Criterion = state
        .catalog
        .criterion(criterion_id)
        .filter(|c| c.required_for(v.level()))
        .ok_or(AppError::NotFound)?;
    let in_scope: Vec<&Criterion> = state.catalog.criteria_for(v.level()).collect();
    let pos = in_scope.iter().position(|x| x.id == c.id).unwrap_or(0);
    let href = |x: &Criterion| format!("/assessments/{id}/criteria/{}", x.id);
    let answer = v.answers.get(criterion_id);
    let evidence = v
        .evidence
        .iter()
        .filter(|e| e.criterion_id == criterion_id)
        .map(|e| EvidenceItem {
            id: e.id.to_string(),
            kind: e.kind.clone(),
            label: e
                .file_name
                .clone()
                .or_else(|| e.url.clone())
                .unwrap_or_default(),
            href: if e.kind == "file" {
                format!("/evidence/{}", e.id)
            } else {
                e.url.clone().unwrap_or_default()
            },
            date: e.evidence_date.clone(),
            size: e.size.map(human_size).unwrap_or_default(),
        })
        .collect();
    let products = v
        .products
        .iter()
        .filter(|d| d.criterion_id == criterion_id)
        .map(|d| {
            (
                d.vendor_name.clone(),
                d.product_name.clone(),
                t.date(&d.declared_at),
            )
        })
        .collect();
    let req = state.catalog.requirement(c.requirement_id.as_str());
    let today = shirube_app::evidence::today_in_japan(state.clock.now())
        .format("%Y-%m-%d")
        .to_string();
    let advice = shirube_app::experts::advice(state, p, id)
        .await?
        .into_iter()
        .filter(|a| a.criterion_id == criterion_id)
        .map(|a| AdviceItem {
            expert_name: a.expert_name,
            body: a.body,
            date: a.updated_at.chars().take(10).collect(),
        })
        .collect();
    Ok(CriterionPage {
        products,
        advice,
        nav: Nav::for_principal(state, p).await?,
        assessment_id: id.to_string(),
        open: v.is_open(),
        can_edit: p.role.can_edit(),
        id: c.id.to_string(),
        requirement_id: c.requirement_id.to_string(),
        requirement_title: req
            .map(|r| r.title.get(lang).to_string())
            .unwrap_or_default(),
        category: state
            .catalog
            .category(&c.category)
            .map(|x| x.name.get(lang).to_string())
            .unwrap_or_default(),
        csf: c.csf_function.code().to_string(),
        level: c.level.number(),
        title: c.title.get(lang).to_string(),
        meaning: c.meaning.get(lang).to_string(),
        how: c.how.get(lang).to_string(),
        evidence_hint: c.evidence.get(lang).to_string(),
        next_step: c.next_step.get(lang).to_string(),
        status_text: status_label(&t, answer.map(|a| a.status)),
        status: o.status.unwrap_or_else(|| {
            answer
                .map(|a| a.status.as_str().to_string())
                .unwrap_or_default()
        }),
        comment: o
            .comment
            .unwrap_or_else(|| answer.map(|a| a.comment.clone()).unwrap_or_default()),
        reason: o.reason.unwrap_or_else(|| {
            answer
                .map(|a| a.not_applicable_reason.clone())
                .unwrap_or_default()
        }),
        evidence,
        errors: o.errors,
        prev_href: if pos > 0 {
            href(in_scope[pos - 1])
        } else {
            String::new()
        },
        next_href: in_scope.get(pos + 1).map(|x| href(x)).unwrap_or_default(),
        position: pos + 1,
        total: in_scope.len(),
        today: today.clone(),
        url: o.url,
        evidence_date: o.evidence_date.unwrap_or(today),
        saved: o.saved,
        withdrawn: o.withdrawn,
        readonly: readonly_reason(&t, v.row.status, p.role.can_edit()),
        newer_href: newer_href(&v),
        t,
    })
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
    withdrawn: Option<String>,
}

pub async fn criterion(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((id, criterion_id)): Path<(AssessmentId, String)>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> Result<Response, PageError> {
    let o = Overrides {
        saved: q.saved.is_some(),
        withdrawn: q.withdrawn.is_some(),
        ..Overrides::default()
    };
    let page = criterion_page(&state, &p, &id, &criterion_id, o)
        .await
        .page(p.lang)?;
    render(&page, p.lang)
}

/// The criterion form as sent: the answer, and optionally a file and/or a link with its
/// date. The page sends it as multipart (it carries the file); a plain urlencoded post
/// (an answer alone) is read too.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    pub csrf_token: String,
    pub status: String,
    pub comment: String,
    pub not_applicable_reason: String,
    pub url: String,
    pub evidence_date: String,
    /// `next` saves and moves to the next criterion; anything else stays.
    pub go: String,
    /// An evidence id: save what was typed, then ask to confirm withdrawing it.
    pub withdraw: String,
}

fn answer_form(fields: &[(String, String)]) -> AnswerForm {
    let v = |name: &str| form_value(fields, name).to_string();
    AnswerForm {
        csrf_token: v("csrf_token"),
        status: v("status"),
        comment: v("comment"),
        not_applicable_reason: v("not_applicable_reason"),
        url: v("url"),
        evidence_date: v("evidence_date"),
        go: v("go"),
        withdraw: v("withdraw"),
    }
}

/// Reads the criterion form. On failure, the error comes with what was read before it
/// (the page lists the answer and comment before the file, so a file too large does not
/// cost them).
async fn read_answer_form(
    state: &AppState,
    req: axum::extract::Request,
) -> Result<(AnswerForm, Vec<assessments::EvidenceInput>), (AppError, AnswerForm)> {
    use axum::extract::FromRequest;
    let malformed = |detail: String| {
        (
            AppError::Malformed {
                field: None,
                detail,
            },
            AnswerForm::default(),
        )
    };
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if !multipart {
        let Form(form) = Form::<AnswerForm>::from_request(req, state)
            .await
            .map_err(|e| malformed(e.body_text()))?;
        return Ok((form, Vec::new()));
    }
    let mp = Multipart::from_request(req, state)
        .await
        .map_err(|e| malformed(e.body_text()))?;
    let mut fields = Vec::new();
    let input = match read_evidence_parts(mp, &mut fields).await {
        Ok(input) => input,
        Err(e) => return Err((e, answer_form(&fields))),
    };
    let form = answer_form(&fields);
    let mut evidence = Vec::new();
    match input {
        // `read_evidence_parts` keeps one input; a link typed beside a file is kept too.
        Some(file @ assessments::EvidenceInput::File { .. }) => {
            evidence.push(file);
            if !form.url.trim().is_empty() {
                evidence.push(assessments::EvidenceInput::Link {
                    url: form.url.clone(),
                });
            }
        }
        Some(link) => evidence.push(link),
        None => {}
    }
    Ok((form, evidence))
}

/// Saves a criterion: the answer, and the file and/or link sent with it, in one form.
pub async fn answer(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((id, criterion_id)): Path<(AssessmentId, String)>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let (form, evidence) = match read_answer_form(&state, req).await {
        Ok(x) => x,
        Err((e @ (AppError::TooLarge { .. } | AppError::Invalid(_)), form)) => {
            // Send back what was read before the file (the answer and comment); the CSRF
            // token is checked first, as for any post.
            p.check_csrf(&form.csrf_token).page(lang)?;
            let o = Overrides {
                status: Some(form.status),
                comment: Some(form.comment),
                reason: Some(form.not_applicable_reason),
                url: form.url,
                evidence_date: Some(form.evidence_date).filter(|d| !d.is_empty()),
                errors: FieldMessages::from_error(&e, lang),
                ..Overrides::default()
            };
            let page = criterion_page(&state, &p, &id, &criterion_id, o)
                .await
                .page(lang)?;
            return render_status(&page, lang, crate::error::status(&e));
        }
        Err((e, _)) => return Err(PageError(e, lang)),
    };
    p.check_csrf(&form.csrf_token).page(lang)?;
    let withdraw = form.withdraw.trim();
    let nothing_typed = [&form.status, &form.comment, &form.not_applicable_reason]
        .iter()
        .all(|s| s.trim().is_empty())
        && evidence.is_empty();
    let result = if !withdraw.is_empty() && nothing_typed {
        Ok(())
    } else {
        assessments::save_criterion(
            &state,
            &p,
            &id,
            &criterion_id,
            assessments::CriterionEntry {
                status: &form.status,
                comment: &form.comment,
                not_applicable_reason: &form.not_applicable_reason,
                evidence,
                evidence_date: &form.evidence_date,
            },
        )
        .await
    };
    match result {
        Ok(()) => {
            let to = if !withdraw.is_empty() {
                format!(
                    "/assessments/{id}/evidence/{}/withdraw",
                    url::form_urlencoded::byte_serialize(withdraw.as_bytes()).collect::<String>()
                )
            } else if form.go == "next" {
                let v = assessments::assessment_view(&state, &p, &id)
                    .await
                    .page(lang)?;
                let in_scope: Vec<&Criterion> = state.catalog.criteria_for(v.level()).collect();
                match in_scope
                    .iter()
                    .position(|c| c.id.as_str() == criterion_id)
                    .and_then(|i| in_scope.get(i + 1))
                {
                    Some(next) => format!("/assessments/{id}/criteria/{}", next.id),
                    None => format!("/assessments/{id}/result"),
                }
            } else {
                format!("/assessments/{id}/criteria/{criterion_id}?saved=1")
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let o = Overrides {
                status: Some(form.status),
                comment: Some(form.comment),
                reason: Some(form.not_applicable_reason),
                url: form.url,
                evidence_date: Some(form.evidence_date),
                errors: FieldMessages::from_error(&e, lang),
                saved: false,
                withdrawn: false,
            };
            let page = criterion_page(&state, &p, &id, &criterion_id, o)
                .await
                .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// The earlier evidence-only form's address: still accepted (a bookmarked or cached page
/// may post here), with the same rules as the criterion form.
pub async fn evidence(
    state: State<AppState>,
    p: Signed,
    path: Path<(AssessmentId, String)>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    answer(state, p, path, req).await
}

#[derive(Template)]
#[template(path = "assessments/withdraw.html")]
pub struct WithdrawPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub assessment_id: String,
    pub criterion_id: String,
    pub criterion_title: String,
    pub evidence_id: String,
    pub label: String,
    pub date: String,
    pub errors: FieldMessages,
}

async fn withdraw_page(
    state: &AppState,
    p: &Principal,
    id: &AssessmentId,
    evidence_id: &EvidenceId,
    errors: FieldMessages,
) -> Result<WithdrawPage, AppError> {
    p.require_edit()?;
    let v = assessments::assessment_view(state, p, id).await?;
    if !v.is_open() {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    let e = v
        .evidence
        .iter()
        .find(|e| e.id == *evidence_id)
        .ok_or(AppError::NotFound)?;
    Ok(WithdrawPage {
        t: Tr::new(p.lang),
        nav: Nav::for_principal(state, p).await?,
        assessment_id: id.to_string(),
        criterion_id: e.criterion_id.clone(),
        criterion_title: state
            .catalog
            .criterion(&e.criterion_id)
            .map(|c| c.title.get(p.lang).to_string())
            .unwrap_or_default(),
        evidence_id: e.id.to_string(),
        label: e
            .file_name
            .clone()
            .or_else(|| e.url.clone())
            .unwrap_or_default(),
        date: e.evidence_date.clone(),
        errors,
    })
}

/// Asks to confirm withdrawing a piece of evidence.
pub async fn withdraw_form(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((id, evidence_id)): Path<(AssessmentId, EvidenceId)>,
) -> Result<Response, PageError> {
    let page = withdraw_page(&state, &p, &id, &evidence_id, FieldMessages::default())
        .await
        .page(p.lang)?;
    render(&page, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WithdrawForm {
    pub csrf_token: String,
    pub confirm: String,
}

/// Withdraws a piece of evidence once confirmed, then shows its criterion.
pub async fn withdraw_submit(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((id, evidence_id)): Path<(AssessmentId, EvidenceId)>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    if form.confirm != "yes" {
        let errors = FieldMessages::from_error(&AppError::field("", "evidence-err-confirm"), lang);
        let page = withdraw_page(&state, &p, &id, &evidence_id, errors)
            .await
            .page(lang)?;
        return render_status(&page, lang, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    }
    let criterion_id = assessments::withdraw_evidence(&state, &p, &id, &evidence_id)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!(
        "/assessments/{id}/criteria/{criterion_id}?withdrawn=1"
    ))
    .into_response())
}

pub async fn download(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvidenceId>,
) -> Result<Response, PageError> {
    let (ev, bytes) = assessments::evidence_file(&state, &p, &id)
        .await
        .page(p.lang)?;
    Ok(file_response(ev.file_name.as_deref(), bytes))
}

#[derive(Debug, Clone)]
pub struct GapItem {
    pub requirement_id: String,
    pub title: String,
    pub unmet: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "assessments/result.html")]
pub struct ResultPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub id: String,
    pub level: i64,
    pub state: String,
    pub open: bool,
    pub declared: bool,
    pub percent: u8,
    pub met: usize,
    pub total: usize,
    pub achieved: u8,
    pub gaps: Vec<GapItem>,
    pub actions: Vec<ActionItem>,
    pub can_declare: bool,
    pub is_owner: bool,
    pub signer: String,
    pub declaration_date: String,
    pub org_name: String,
    pub corporate_number: String,
    pub generated: String,
    pub answers: Vec<(String, String, String, String)>,
    pub evidence_count: usize,
    /// The level credential of a declared/certified assessment: (id, revoked, self-declared).
    pub credential: Option<(CredentialId, bool, bool)>,
    /// Evaluation bodies to submit a ready ★4 assessment to: (id, name).
    pub bodies: Vec<(String, String)>,
    pub can_submit: bool,
    pub evaluation_href: String,
}

async fn result_page(
    state: &AppState,
    p: &Principal,
    id: &AssessmentId,
) -> Result<ResultPage, AppError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let v = assessments::assessment_view(state, p, id).await?;
    let org = accounts::my_organization(state, p).await?;
    let e = &v.evaluation;
    let gaps = e
        .gaps
        .iter()
        .map(|g| GapItem {
            requirement_id: g.requirement_id.to_string(),
            title: state
                .catalog
                .requirement(g.requirement_id.as_str())
                .map(|r| r.title.get(lang).to_string())
                .unwrap_or_default(),
            unmet: g
                .unmet
                .iter()
                .map(|c| {
                    (
                        c.to_string(),
                        state
                            .catalog
                            .criterion(c.as_str())
                            .map(|x| x.title.get(lang).to_string())
                            .unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect();
    let actions = e
        .action_plan
        .iter()
        .filter_map(|a| ActionItem::new(state, &t, id, a))
        .collect();
    let answers = state
        .catalog
        .criteria_for(v.level())
        .map(|c| {
            let a = v.answers.get(c.id.as_str());
            let note = a
                .map(|a| {
                    if a.status == shirube_assess::AnswerStatus::NotApplicable {
                        a.not_applicable_reason.clone()
                    } else {
                        a.comment.clone()
                    }
                })
                .unwrap_or_default();
            (
                c.id.to_string(),
                c.title.get(lang).to_string(),
                status_label(&t, a.map(|a| a.status)),
                note,
            )
        })
        .collect();
    let credential = match v.row.status.as_str() {
        "declared" | "certified" => {
            let c = shirube_app::trust::ensure_credential(state, &v.row).await?;
            Some((c.id, c.revoked_at.is_some(), c.assurance == "self"))
        }
        _ => None,
    };
    let can_submit = v.is_open()
        && v.level() == StarLevel::Four
        && e.achieved == Some(StarLevel::Four)
        && p.role.is_owner();
    let bodies = if can_submit {
        evaluations::bodies_for(state, p).await?
    } else {
        Vec::new()
    };
    let evaluation_href = evaluations::evaluation_of_assessment(state, p, &v.row.id)
        .await?
        .map(|ev| format!("/evaluations/{}", ev.id))
        .unwrap_or_default();
    Ok(ResultPage {
        credential,
        bodies,
        can_submit,
        evaluation_href,
        nav: Nav::for_principal(state, p).await?,
        id: v.row.id.clone().into(),
        level: v.row.target_level,
        state: t.label(v.row.status),
        open: v.is_open(),
        declared: v.row.status == AssessmentStatus::Declared,
        percent: e.progress.percent(),
        met: e.progress.met,
        total: e.progress.total,
        achieved: e.achieved.map(|l| l.number()).unwrap_or(0),
        gaps,
        actions,
        can_declare: v.is_open() && v.level() == StarLevel::Three && e.achieved.is_some(),
        is_owner: p.role.is_owner(),
        signer: match (&v.row.signer_name, &v.row.signer_title) {
            (Some(n), Some(ti)) => format!("{ti} {n}"),
            _ => String::new(),
        },
        declaration_date: v.row.declaration_date.clone().unwrap_or_default(),
        org_name: org.name,
        corporate_number: org.corporate_number,
        generated: state.clock.now().format("%Y-%m-%d %H:%M UTC").to_string(),
        answers,
        evidence_count: v.evidence_total(),
        t,
    })
}

pub async fn result(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
) -> Result<Response, PageError> {
    let page = result_page(&state, &p, &id).await.page(p.lang)?;
    render(&page, p.lang)
}

#[derive(Template)]
#[template(path = "assessments/report.html")]
pub struct ReportPage {
    pub r: ResultPage,
    pub t: Tr,
    pub nav: Option<Nav>,
}

pub async fn report(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
) -> Result<Response, PageError> {
    let r = result_page(&state, &p, &id).await.page(p.lang)?;
    let page = ReportPage {
        t: r.t,
        nav: r.nav.clone(),
        r,
    };
    render(&page, p.lang)
}

#[derive(Template)]
#[template(path = "assessments/declare.html")]
pub struct DeclarePage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub id: String,
    pub org_name: String,
    pub signer_name: String,
    pub signer_title: String,
    pub errors: FieldMessages,
    pub today: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeclareForm {
    pub csrf_token: String,
    pub signer_name: String,
    pub signer_title: String,
    pub confirm: String,
}

async fn declare_page(
    state: &AppState,
    p: &Principal,
    id: &AssessmentId,
    form: DeclareForm,
    errors: FieldMessages,
) -> Result<DeclarePage, AppError> {
    let v = assessments::assessment_view(state, p, id).await?;
    let org = accounts::my_organization(state, p).await?;
    Ok(DeclarePage {
        t: Tr::new(p.lang),
        nav: Nav::for_principal(state, p).await?,
        id: v.row.id.into(),
        org_name: org.name,
        signer_name: form.signer_name,
        signer_title: form.signer_title,
        errors,
        today: state.clock.today_string(),
    })
}

pub async fn declare_form(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
) -> Result<Response, PageError> {
    // Only an owner, on an open ★3 assessment that meets every criterion, gets the form;
    // everyone else sees the result page, which says what is missing.
    let v = assessments::assessment_view(&state, &p, &id)
        .await
        .page(p.lang)?;
    if !(p.role.is_owner()
        && v.is_open()
        && v.level() == StarLevel::Three
        && v.evaluation.achieved.is_some())
    {
        return Ok(Redirect::to(&format!("/assessments/{id}/result")).into_response());
    }
    let page = declare_page(
        &state,
        &p,
        &id,
        DeclareForm::default(),
        FieldMessages::default(),
    )
    .await
    .page(p.lang)?;
    render(&page, p.lang)
}

pub async fn declare_submit(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
    Form(form): Form<DeclareForm>,
) -> Result<Response, PageError> {
    let lang: Lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    let result = if form.confirm != "yes" {
        Err(AppError::field("confirm", "err-confirm"))
    } else {
        declarations::declare(&state, &p, &id, &form.signer_name, &form.signer_title)
            .await
            .map(|_| ())
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/assessments/{id}/result")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let errors = FieldMessages::from_error(&e, lang);
            let page = declare_page(&state, &p, &id, form, errors)
                .await
                .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}
