//! The industry page: for a group, its members, the invite form and the suppliers several
//! active members depend on (counts only, with the `min_members` filter); for any
//! organisation, its invitations and memberships with accept, decline and leave.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::views::MembershipId;
use shirube_catalog::Lang;

use crate::error::PageError;
use crate::pages::{render, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::{text_with, Tr};
use shirube_app::industry::{self, SharedSupplier};
use shirube_app::views::MembershipStatus;
use shirube_app::AppError;
use shirube_app::Principal;

/// A member in the group's list.
#[derive(Debug, Clone)]
pub struct MemberItem {
    pub membership_id: String,
    pub name: String,
    pub corporate_number: String,
    pub status: String,
}

/// What only an industry group sees.
#[derive(Debug, Clone)]
pub struct GroupSection {
    pub name: String,
    /// "3 members, 1 invited", in the page's language.
    pub counts: String,
    pub members: Vec<MemberItem>,
    pub shared: Vec<SharedSupplier>,
    /// Too few members have joined for anything to be counted.
    pub withheld: bool,
}

/// One of the visitor's own memberships or invitations.
#[derive(Debug, Clone)]
pub struct MembershipItem {
    pub membership_id: String,
    pub group_name: String,
    pub corporate_number: String,
    pub active: bool,
    pub status: String,
    /// The date it was accepted (active) or sent (invited).
    pub since: String,
}

#[derive(Template)]
#[template(path = "industry/index.html")]
pub struct IndustryPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub group: Option<GroupSection>,
    pub memberships: Vec<MembershipItem>,
    pub is_owner: bool,
    pub can_edit: bool,
    pub errors: FieldMessages,
    /// The invite form's input, kept after an error.
    pub corporate_number: String,
    /// The filter as typed.
    pub min_members: String,
}

/// Builds the page. A `min_members` the rules refuse shows its message next to the filter,
/// with the default count in the table.
async fn page(
    state: &AppState,
    p: &Principal,
    min_members: Option<String>,
    mut errors: FieldMessages,
    corporate_number: String,
) -> Result<(IndustryPage, Option<AppError>), AppError> {
    let lang: Lang = p.lang;
    let t = Tr::new(lang);
    let mut refused = None;
    let view = match industry::view(state, p, min_members.as_deref()).await {
        Ok(v) => Some(v),
        Err(AppError::Forbidden) => None,
        Err(e @ AppError::Invalid(_)) => {
            errors.0.extend(e.field_messages(lang));
            refused = Some(e);
            Some(industry::view(state, p, None).await?)
        }
        Err(e) => return Err(e),
    };
    let group = view.map(|v| GroupSection {
        name: v.group_name,
        counts: text_with(
            lang,
            "msg-industry-member-counts",
            &[
                ("active", v.active.to_string()),
                ("invited", v.invited.to_string()),
            ],
        ),
        members: v
            .members
            .into_iter()
            .map(|m| MemberItem {
                status: t.label(m.status),
                membership_id: m.id.into(),
                name: m.counterpart_name,
                corporate_number: m.counterpart_corporate_number,
            })
            .collect(),
        shared: v.shared_suppliers,
        withheld: v.withheld,
    });
    let memberships = industry::memberships(state, p)
        .await?
        .into_iter()
        .map(|m| {
            let active = m.status == MembershipStatus::Active;
            MembershipItem {
                status: t.label(m.status),
                since: t.date(m.accepted_at.as_deref().unwrap_or(&m.created_at)),
                membership_id: m.id.into(),
                group_name: m.counterpart_name,
                corporate_number: m.counterpart_corporate_number,
                active,
            }
        })
        .collect();
    let page = IndustryPage {
        nav: Nav::for_principal(state, p).await?,
        group,
        memberships,
        is_owner: p.role.is_owner(),
        can_edit: p.role.can_edit(),
        errors,
        corporate_number,
        min_members: min_members.unwrap_or_else(|| "2".into()),
        t,
    };
    Ok((page, refused))
}

/// Renders the page with the status of a refused input, if any.
fn respond(
    built: (IndustryPage, Option<AppError>),
    lang: Lang,
    status_of: Option<&AppError>,
) -> Result<Response, PageError> {
    let (page, refused) = built;
    let mut resp = render(&page, lang)?;
    if let Some(e) = status_of.or(refused.as_ref()) {
        *resp.status_mut() = crate::error::status(e);
    }
    Ok(resp)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IndustryQuery {
    pub min_members: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<IndustryQuery>,
) -> Result<Response, PageError> {
    let built = page(
        &state,
        &p,
        q.min_members,
        FieldMessages::default(),
        String::new(),
    )
    .await
    .page(p.lang)?;
    respond(built, p.lang, None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteForm {
    pub csrf_token: String,
    pub corporate_number: String,
}

/// The group invites an organisation by corporate number.
pub async fn invite(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<InviteForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match industry::invite(&state, &p, &form.corporate_number).await {
        Ok(_) => Ok(Redirect::to("/industry#members-h").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let built = page(
                &state,
                &p,
                None,
                FieldMessages::from_error(&e, lang),
                form.corporate_number,
            )
            .await
            .page(lang)?;
            respond(built, lang, Some(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf_token: String,
}

/// The group removes a member or withdraws an invitation.
pub async fn remove(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<MembershipId>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    industry::remove(&state, &p, &id).await.page(p.lang)?;
    Ok(Redirect::to("/industry#members-h").into_response())
}

/// An owner accepts an invitation.
pub async fn accept(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<MembershipId>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    industry::accept(&state, &p, &id).await.page(p.lang)?;
    Ok(Redirect::to("/industry#memberships-h").into_response())
}

/// An owner leaves a group or declines its invitation.
pub async fn leave(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<MembershipId>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    industry::leave(&state, &p, &id).await.page(p.lang)?;
    Ok(Redirect::to("/industry#memberships-h").into_response())
}
