//! API tokens: list, create (the secret is shown once), revoke.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::accounts;
use shirube_app::views::SessionId;

use crate::error::PageError;
use crate::pages::{render, render_status, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::AppError;
use shirube_app::Principal;

#[derive(Template)]
#[template(path = "tokens/index.html")]
pub struct TokensPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub tokens: Vec<(String, String, String, String)>,
    pub new_token: String,
    pub can_edit: bool,
    pub errors: FieldMessages,
}

async fn page(
    state: &AppState,
    p: &Principal,
    new_token: String,
    errors: FieldMessages,
) -> Result<TokensPage, AppError> {
    let tokens = accounts::api_tokens(state, p)
        .await?
        .into_iter()
        .map(|t| {
            (
                t.id.into_string(),
                t.name,
                Tr::new(p.lang).datetime(&t.created_at),
                t.revoked_at
                    .map(|r| Tr::new(p.lang).date(&r))
                    .unwrap_or_default(),
            )
        })
        .collect();
    Ok(TokensPage {
        t: Tr::new(p.lang),
        nav: Nav::for_principal(state, p).await?,
        tokens,
        new_token,
        can_edit: p.role.can_edit(),
        errors,
    })
}

pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    // A token made by the POST just before is shown here, once; the page is not cached.
    let secret = state
        .flash
        .take(p.csrf(), "api-token", state.clock.now())
        .unwrap_or_default();
    let pg = page(&state, &p, secret, FieldMessages::default())
        .await
        .page(p.lang)?;
    Ok(crate::pages::no_store(render(&pg, p.lang)?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateForm {
    pub csrf_token: String,
    pub name: String,
}

pub async fn create(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match accounts::create_token(&state, &p, &form.name).await {
        Ok((_, secret)) => {
            state
                .flash
                .put(p.csrf(), "api-token", secret, state.clock.now());
            Ok(Redirect::to("/tokens").into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let pg = page(
                &state,
                &p,
                String::new(),
                FieldMessages::from_error(&e, lang),
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
pub struct RevokeForm {
    pub csrf_token: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<SessionId>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    accounts::revoke_token(&state, &p, &id).await.page(lang)?;
    Ok(Redirect::to("/tokens").into_response())
}
