//! Vulnerability check pages: upload an SBOM or lockfile (optionally as evidence for an open
//! assessment), the list of past checks, and one check with its findings.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shirube_app::assessments;
use shirube_app::views::ScanId;

use crate::api::assessments::{form_value, read_evidence_form};
use crate::error::PageError;
use crate::pages::{render, render_status, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::assessments::EvidenceInput;
use shirube_app::i18n::Tr;
use shirube_app::scans::{self, UploadInput};
use shirube_app::AppError;
use shirube_app::Principal;

/// An open assessment offered in the upload form.
#[derive(Debug, Clone)]
pub struct AssessmentChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

/// A past check in the list.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub id: String,
    pub file_name: String,
    pub format: String,
    pub date: String,
    pub components: i64,
    pub findings: i64,
    pub attached: bool,
}

#[derive(Template)]
#[template(path = "checks/index.html")]
pub struct IndexPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub can_edit: bool,
    /// Advisories in the index in use; `None` when none is loaded.
    pub index_advisories: Option<usize>,
    pub index_loaded_at: String,
    pub assessments: Vec<AssessmentChoice>,
    pub rows: Vec<CheckRow>,
    pub errors: FieldMessages,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IndexQuery {
    /// Preselects this open assessment (links from criterion pages).
    pub assessment: String,
}

async fn index_page(
    state: &AppState,
    p: &Principal,
    selected: &str,
    errors: FieldMessages,
) -> Result<IndexPage, AppError> {
    let t = Tr::new(p.lang);
    let current = state.advisories.current();
    let assessments = assessments::history(state, p)
        .await?
        .into_iter()
        .filter(|a| a.status.is_open())
        .map(|a| AssessmentChoice {
            label: format!(
                "★{} · {} ({})",
                a.target_level,
                t.t("status-in-progress"),
                a.created_at.chars().take(10).collect::<String>()
            ),
            selected: a.id == selected,
            id: a.id.into(),
        })
        .collect();
    let rows = scans::scans(state, p)
        .await?
        .into_iter()
        .map(|r| CheckRow {
            date: r.created_at.chars().take(10).collect(),
            attached: r.assessment_id.is_some(),
            id: r.id.into(),
            file_name: r.file_name,
            format: r.input_format,
            components: r.components,
            findings: r.findings,
        })
        .collect();
    Ok(IndexPage {
        nav: Nav::for_principal(state, p).await?,
        can_edit: p.role.can_edit(),
        index_advisories: current.as_ref().map(|c| c.index.len()),
        index_loaded_at: current
            .as_ref()
            .map(|c| {
                c.loaded_at
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .replace('T', " ")
            })
            .unwrap_or_default(),
        assessments,
        rows,
        errors,
        t,
    })
}

pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<IndexQuery>,
) -> Result<Response, PageError> {
    let page = index_page(&state, &p, &q.assessment, FieldMessages::default())
        .await
        .page(p.lang)?;
    render(&page, p.lang)
}

pub async fn upload(
    State(state): State<AppState>,
    Signed(p): Signed,
    mp: Multipart,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let mut selected = String::new();
    let result = async {
        let (fields, input) = read_evidence_form(mp).await?;
        p.check_csrf(form_value(&fields, "csrf_token"))?;
        selected = form_value(&fields, "assessment_id").to_string();
        let Some(EvidenceInput::File {
            file_name, bytes, ..
        }) = input
        else {
            return Err(AppError::field("file", "err-scan-file-missing"));
        };
        let assessment = Some(selected.as_str()).filter(|s| !s.trim().is_empty());
        scans::upload(&state, &p, UploadInput { file_name, bytes }, assessment).await
    }
    .await;
    match result {
        Ok(v) => Ok(Redirect::to(&format!("/checks/{}", v.row.id)).into_response()),
        Err(
            e @ (AppError::Invalid(_)
            | AppError::Unreadable { .. }
            | AppError::Conflict { .. }
            | AppError::TooLarge { .. }
            | AppError::Malformed { .. }),
        ) => {
            let page = index_page(&state, &p, &selected, FieldMessages::from_error(&e, lang))
                .await
                .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// One finding, ready to show.
#[derive(Debug, Clone)]
pub struct FindingItem {
    pub ecosystem: String,
    pub package: String,
    pub version: String,
    pub advisory_id: String,
    pub aliases: String,
    pub summary: String,
    pub severity: String,
    pub fixed: String,
}

fn finding_item(f: &shirube_vuln::Finding) -> FindingItem {
    FindingItem {
        ecosystem: f.ecosystem.as_osv_str().to_string(),
        package: f.package.clone(),
        version: f.version.clone(),
        advisory_id: f.advisory_id.clone(),
        aliases: f.aliases.join(", "),
        summary: f.summary.clone().unwrap_or_default(),
        severity: f.severity.clone().unwrap_or_default(),
        fixed: f.fixed.join(", "),
    }
}

#[derive(Template)]
#[template(path = "checks/show.html")]
pub struct ShowPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub id: String,
    pub file_name: String,
    pub format: String,
    pub uploaded: String,
    pub scanned: String,
    pub fingerprint: String,
    pub assessment_id: String,
    pub components: usize,
    pub scanned_components: usize,
    pub not_scanned: usize,
    pub findings: Vec<FindingItem>,
    pub warnings: Vec<FindingItem>,
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<ScanId>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let v = scans::scan(&state, &p, &id).await.page(lang)?;
    let r = &v.report;
    let page = ShowPage {
        t: Tr::new(lang),
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        id: v.row.id.clone().into(),
        file_name: v.row.file_name.clone(),
        format: v.row.input_format.clone(),
        uploaded: v
            .row
            .created_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
        scanned: v
            .row
            .scanned_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
        fingerprint: v.row.index_fingerprint.chars().take(12).collect(),
        assessment_id: v
            .row
            .assessment_id
            .as_deref()
            .unwrap_or_default()
            .to_string(),
        components: r.summary.components,
        scanned_components: r.summary.scanned,
        not_scanned: r.summary.not_scanned,
        findings: r.findings.iter().map(finding_item).collect(),
        warnings: r.warnings.iter().map(finding_item).collect(),
        problems: r
            .problems
            .iter()
            .map(|x| {
                let what = [
                    Some(x.package.as_str()),
                    x.version.as_deref(),
                    x.advisory_id.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                format!("{what}: {}", x.reason)
            })
            .collect(),
        notes: r.notes.clone(),
    };
    render(&page, lang)
}
