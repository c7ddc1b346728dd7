//! The threat-intelligence page (`/intel`): the collections the organisation may use with
//! their TAXII URLs, what affects it (objects naming components of its scans), and for an
//! industry group the form to create a collection and its exposure report (counts only).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::i18n::Tr;
use shirube_app::{intel, AppError, Principal};

use crate::error::PageError;
use crate::pages::{render, Nav, PageResult, Signed};
use crate::AppState;

pub struct CollectionItem {
    pub group_name: String,
    pub title: String,
    pub description: String,
    pub access: String,
    pub can_read: bool,
    pub can_write: bool,
    pub taxii_url: String,
}

pub struct ExposureItem {
    pub object_name: String,
    pub marking: String,
    pub component: String,
    pub scan_link: String,
    pub date: String,
}

pub struct ReportItem {
    pub object_name: String,
    pub members: i64,
}

#[derive(Template)]
#[template(path = "intel/index.html")]
pub struct IntelPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub collections: Vec<CollectionItem>,
    pub exposures: Vec<ExposureItem>,
    /// The group's exposure report; `None` for organisations that are not a group.
    pub report: Option<Vec<ReportItem>>,
    pub error: String,
    pub title: String,
}

async fn page(
    state: &AppState,
    p: &Principal,
    error: String,
    title: String,
) -> Result<IntelPage, AppError> {
    let t = Tr::new(p.lang);
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let mut collections = Vec::new();
    for g in intel::api_roots(state, p).await? {
        for c in intel::collections(state, p, &g.id).await? {
            collections.push(CollectionItem {
                group_name: g.name.clone(),
                title: c.title,
                description: c.description,
                access: t.label(c.member_access),
                can_read: c.can_read,
                can_write: c.can_write,
                taxii_url: format!("{base}/taxii2/{}/collections/{}/", g.id, c.id),
            });
        }
    }
    let exposures = intel::my_exposures(state, p)
        .await?
        .into_iter()
        .map(|e| ExposureItem {
            object_name: e.object_name,
            marking: e.marking.to_uppercase(),
            component: e.component,
            scan_link: format!("/checks/{}", e.scan_id),
            date: t.date(&e.created_at),
        })
        .collect();
    let report = match intel::exposure_report(state, p).await {
        Ok(rows) => Some(
            rows.into_iter()
                .map(|(_, object_name, members)| ReportItem {
                    object_name,
                    members,
                })
                .collect(),
        ),
        Err(AppError::Forbidden) => None,
        Err(e) => return Err(e),
    };
    Ok(IntelPage {
        t,
        nav: Nav::for_principal(state, p).await?,
        collections,
        exposures,
        report,
        error,
        title,
    })
}

pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    let built = page(&state, &p, String::new(), String::new())
        .await
        .page(p.lang)?;
    render(&built, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CollectionForm {
    pub csrf_token: String,
    pub title: String,
    pub description: String,
    pub member_access: String,
}

/// The group creates a collection; bad fields re-render the page with the reasons.
pub async fn create(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CollectionForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match intel::create_collection(
        &state,
        &p,
        &form.title,
        &form.description,
        &form.member_access,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/intel").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let error = e
                .field_messages(lang)
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join(" ");
            let built = page(&state, &p, error, form.title).await.page(lang)?;
            let mut resp = render(&built, lang)?;
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(PageError(e, lang)),
    }
}
