//! The organisation's inbox: notifications such as new vulnerabilities found by a re-scan.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::views::NotificationId;
use shirube_catalog::Lang;

use crate::error::PageError;
use crate::pages::{render, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::scans;

/// One notification in the page's language.
#[derive(Debug, Clone)]
pub struct InboxItem {
    pub id: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub date: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "inbox/index.html")]
pub struct InboxPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub items: Vec<InboxItem>,
}

pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let items = scans::notifications(&state, &p)
        .await
        .page(lang)?
        .into_iter()
        .map(|n| InboxItem {
            title: if lang == Lang::Ja {
                n.title_ja
            } else {
                n.title_en
            },
            body: if lang == Lang::Ja {
                n.body_ja
            } else {
                n.body_en
            },
            // Only local links are rendered, whatever was stored.
            link: if n.link.starts_with('/') && !n.link.starts_with("//") {
                n.link
            } else {
                String::new()
            },
            date: Tr::new(lang).datetime(&n.created_at),
            unread: n.read_at.is_none(),
            id: n.id.into(),
        })
        .collect();
    let page = InboxPage {
        t: Tr::new(lang),
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        items,
    };
    render(&page, lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReadForm {
    pub csrf_token: String,
}

pub async fn mark_read(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<NotificationId>,
    Form(form): Form<ReadForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    scans::mark_read(&state, &p, &id).await.page(lang)?;
    Ok(Redirect::to("/inbox").into_response())
}
