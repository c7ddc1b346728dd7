//! Technical verification pages (★4): a submission's providers and their reports (the
//! supplier invites there; the evaluation body reads there), and the provider's page of
//! requests with a form to attach each report and statement.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::error::PageError;
use crate::pages::{render, render_status, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::verifications::{self, VerificationRow};
use shirube_app::views::EvaluationId;
use shirube_app::{AppError, Principal};

/// One invitation, ready to show.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub provider: String,
    pub supplier: String,
    pub invited_at: String,
    pub open: bool,
    /// The report's name and download path, once attached.
    pub report: Option<(String, String)>,
    pub statement: String,
    pub reported_at: String,
}

fn item(t: &Tr, v: VerificationRow) -> Item {
    Item {
        report: v
            .report_name
            .clone()
            .filter(|_| v.report_sha256.is_some())
            .map(|n| (n, format!("/verifications/{}/report", v.id))),
        statement: v.statement.unwrap_or_default(),
        reported_at: v.reported_at.map(|a| t.datetime(&a)).unwrap_or_default(),
        invited_at: t.date(&v.invited_at),
        open: v.evaluation_status == "submitted",
        provider: format!("{} ({})", v.verifier_name, v.verifier_corporate_number),
        supplier: v.supplier_name,
        id: v.id,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

#[derive(Template)]
#[template(path = "experts2/verification.html")]
pub struct EvaluationPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub id: String,
    pub items: Vec<Item>,
    /// The supplier's owner may invite (the submission is open).
    pub can_invite: bool,
    pub corporate_number: String,
    pub saved: bool,
    pub errors: FieldMessages,
}

async fn evaluation_page(
    state: &AppState,
    p: &Principal,
    id: &EvaluationId,
    saved: bool,
    corporate_number: String,
    errors: FieldMessages,
) -> Result<EvaluationPage, AppError> {
    let t = Tr::new(p.lang);
    let (supplier, open, rows) = verifications::for_page(state, p, id).await?;
    Ok(EvaluationPage {
        nav: Nav::for_principal(state, p).await?,
        id: id.to_string(),
        items: rows.into_iter().map(|v| item(&t, v)).collect(),
        can_invite: supplier && open && p.role.is_owner(),
        corporate_number,
        saved,
        errors,
        t,
    })
}

/// A submission's technical verification: the invited providers and their reports.
pub async fn evaluation(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvaluationId>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let page = evaluation_page(
        &state,
        &p,
        &id,
        q.saved.is_some(),
        String::new(),
        FieldMessages::default(),
    )
    .await
    .page(p.lang)?;
    render(&page, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteForm {
    pub csrf_token: String,
    pub corporate_number: String,
}

/// The supplier invites a provider.
pub async fn invite(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<EvaluationId>,
    Form(form): Form<InviteForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match verifications::invite(&state, &p, &id, &form.corporate_number).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/evaluations/{id}/verification?saved=1")).into_response())
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let page = evaluation_page(
                &state,
                &p,
                &id,
                false,
                form.corporate_number,
                FieldMessages::from_error(&e, lang),
            )
            .await
            .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

#[derive(Template)]
#[template(path = "experts2/verifications.html")]
pub struct ProviderPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub items: Vec<Item>,
    pub saved: bool,
    /// The invitation a refused form was for, with what was typed.
    pub failed: String,
    pub statement: String,
    pub errors: FieldMessages,
}

async fn provider_page(
    state: &AppState,
    p: &Principal,
    saved: bool,
    failed: (String, String),
    errors: FieldMessages,
) -> Result<ProviderPage, AppError> {
    let t = Tr::new(p.lang);
    let rows = verifications::mine(state, p).await?;
    Ok(ProviderPage {
        nav: Nav::for_principal(state, p).await?,
        items: rows.into_iter().map(|v| item(&t, v)).collect(),
        saved,
        failed: failed.0,
        statement: failed.1,
        errors,
        t,
    })
}

/// A provider's requests, each with its report form.
pub async fn provider(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let page = provider_page(
        &state,
        &p,
        q.saved.is_some(),
        (String::new(), String::new()),
        FieldMessages::default(),
    )
    .await
    .page(p.lang)?;
    render(&page, p.lang)
}

/// The provider attaches its report and statement.
pub async fn report(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<String>,
    mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let (fields, input) = crate::api::assessments::read_evidence_form(mp)
        .await
        .page(lang)?;
    p.check_csrf(crate::api::assessments::form_value(&fields, "csrf_token"))
        .page(lang)?;
    let file = match &input {
        Some(shirube_app::assessments::EvidenceInput::File {
            file_name, bytes, ..
        }) => Some((file_name.as_str(), bytes.as_slice())),
        _ => None,
    };
    let statement = crate::api::assessments::form_value(&fields, "statement");
    match verifications::report(&state, &p, &id, file, statement).await {
        Ok(()) => Ok(Redirect::to("/verifications?saved=1").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let page = provider_page(
                &state,
                &p,
                false,
                (id, statement.to_string()),
                FieldMessages::from_error(&e, lang),
            )
            .await
            .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// Downloads a provider's report (supplier, body, provider).
pub async fn report_download(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (name, bytes) = verifications::report_file(&state, &p, &id)
        .await
        .page(p.lang)?;
    Ok(crate::api::assessments::file_response(Some(&name), bytes))
}
