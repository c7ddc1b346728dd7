//! Members: the list with roles, invitations, and accepting an invitation.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::accounts;
use shirube_app::views::UserId;

use crate::auth::ReqLang;
use crate::error::PageError;
use crate::pages::{render, render_status, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::AppError;
use shirube_app::Principal;

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub totp: bool,
    pub is_self: bool,
}

#[derive(Template)]
#[template(path = "members/index.html")]
pub struct MembersPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<(String, String, String, bool)>,
    pub is_owner: bool,
    pub invite_link: String,
    pub errors: FieldMessages,
    pub email: String,
}

async fn page(
    state: &AppState,
    p: &Principal,
    invite_link: String,
    errors: FieldMessages,
    email: String,
) -> Result<MembersPage, AppError> {
    let accounts::Members { users, invitations } = accounts::members(state, p).await?;
    let members = users
        .into_iter()
        .map(|u| MemberRow {
            is_self: u.id == p.user.id,
            id: u.id.into(),
            name: u.name,
            email: u.email,
            role: u.role.as_str().to_string(),
            totp: u.totp_enabled,
        })
        .collect();
    let invitations = invitations
        .into_iter()
        .map(|i| {
            (
                i.email,
                i.role.as_str().to_string(),
                Tr::new(p.lang).date(&i.expires_at),
                i.accepted_at.is_some(),
            )
        })
        .collect();
    Ok(MembersPage {
        t: Tr::new(p.lang),
        nav: Nav::for_principal(state, p).await?,
        members,
        invitations,
        is_owner: p.role.is_owner(),
        invite_link,
        errors,
        email,
    })
}

pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    // An invitation made by the POST just before shows its link here, once.
    let link = state
        .flash
        .take(p.csrf(), "invite-link", state.clock.now())
        .unwrap_or_default();
    let pg = page(&state, &p, link, FieldMessages::default(), String::new())
        .await
        .page(p.lang)?;
    Ok(crate::pages::no_store(render(&pg, p.lang)?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteForm {
    pub csrf_token: String,
    pub email: String,
    pub role: String,
}

/// Creates an invitation and shows its one-time link to pass on to the new member.
pub async fn invite(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<InviteForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match accounts::invite(&state, &p, &form.email, &form.role).await {
        Ok(token) => {
            let link = format!(
                "{}/invite/{token}",
                state.config.public_url.trim_end_matches('/')
            );
            state
                .flash
                .put(p.csrf(), "invite-link", link, state.clock.now());
            Ok(Redirect::to("/members").into_response())
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let pg = page(
                &state,
                &p,
                String::new(),
                FieldMessages::from_error(&e, lang),
                form.email,
            )
            .await
            .page(lang)?;
            render_status(&pg, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    pub csrf_token: String,
    pub role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(user_id): Path<UserId>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    accounts::set_role(&state, &p, &user_id, &form.role)
        .await
        .page(lang)?;
    Ok(Redirect::to("/members").into_response())
}

#[derive(Template)]
#[template(path = "members/accept.html")]
pub struct AcceptPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub email: String,
    pub org_name: String,
    pub token: String,
    pub name: String,
    pub errors: FieldMessages,
}

async fn accept_page(
    state: &AppState,
    lang: shirube_catalog::Lang,
    token: &str,
    name: String,
    errors: FieldMessages,
) -> Result<AcceptPage, AppError> {
    let inv = accounts::invitation(state, token).await?;
    Ok(AcceptPage {
        t: Tr::new(lang),
        nav: None,
        email: inv.email,
        org_name: inv.org_name,
        token: token.to_string(),
        name,
        errors,
    })
}

pub async fn invite_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let pg = accept_page(
        &state,
        lang,
        &token,
        String::new(),
        FieldMessages::default(),
    )
    .await
    .page(lang)?;
    render(&pg, lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcceptForm {
    pub name: String,
    pub password: String,
}

/// Accepting needs no session: the single-use token in the link is the credential.
pub async fn invite_accept(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, PageError> {
    match accounts::accept_invitation(&state, &token, &form.name, &form.password).await {
        Ok(_) => Ok(Redirect::to("/login").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let pg = accept_page(
                &state,
                lang,
                &token,
                form.name,
                FieldMessages::from_error(&e, lang),
            )
            .await
            .page(lang)?;
            render_status(&pg, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}
