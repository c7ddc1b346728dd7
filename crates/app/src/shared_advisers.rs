//! One adviser, many firms: an industry group names an approved security expert as its
//! members' shared adviser; each member's owner opts in — which makes the same active
//! engagement as a direct request the expert accepted (same consent, same audit of the
//! expert's reads, same ending) — or declines. Naming grants nothing by itself: the expert
//! reads no member's data before that member's owner opts in.

use shirube_store::{AdviserAnswer, NotificationKind, StoreError};

/// The records of this use case, named by the faces through it.
pub use shirube_store::AdviserOfferRow;

use crate::accounts::Principal;
use crate::error::AppError;
use crate::experts::{ExpertRow, ExpertStatus};
use crate::notifications::{kick, to_org};
use crate::App;

/// Where a member's notice points (its offers are on the engagements page).
const MEMBER_LINK: &str = "/engagements#adviser-offers-h";

/// Group-side actions need the operator's industry-group mark and an editor (403 otherwise).
async fn require_group(state: &App, p: &Principal) -> Result<(), AppError> {
    p.require_edit()?;
    if state.store.is_industry_group(p.org_id()).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The group's shared adviser, if it named one (groups only).
pub async fn current(state: &App, p: &Principal) -> Result<Option<ExpertRow>, AppError> {
    if !state.store.is_industry_group(p.org_id()).await? {
        return Err(AppError::Forbidden);
    }
    Ok(state.store.shared_adviser(p.org_id()).await?)
}

/// The group names an approved expert (from the directory) as its members' shared adviser;
/// every active member is told and asked to opt in. Another expert replaces the first (the
/// members are asked again); engagements already made stay.
pub async fn name(state: &App, p: &Principal, expert_id: &str) -> Result<ExpertRow, AppError> {
    require_group(state, p).await?;
    let expert = match state.store.expert(expert_id.trim()).await {
        Ok(e) if e.status == ExpertStatus::Approved => e,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(AppError::field("expert_id", "expert-err-unavailable"))
        }
        Err(e) => return Err(e.into()),
    };
    if expert.organization_id == p.org_id() {
        return Err(AppError::field("expert_id", "expert-err-self"));
    }
    let group = state.store.organization(p.org_id()).await?.name;
    let notices: Vec<_> = state
        .store
        .industry_members(p.org_id())
        .await?
        .into_iter()
        .filter(|m| m.status == shirube_store::MembershipStatus::Active)
        .map(|m| {
            to_org(
                state,
                &m.member_id,
                NotificationKind::SharedAdviserNamed,
                "expert2-notif-named-title",
                "expert2-notif-named-body",
                &[("group", group.clone()), ("expert", expert.name.clone())],
                MEMBER_LINK,
            )
        })
        .collect();
    state
        .store
        .set_shared_adviser(p.actor().with_notices(&notices), p.org_id(), &expert.id)
        .await?;
    kick(state);
    Ok(expert)
}

/// The group withdraws its shared adviser; members who opted in keep their engagement until
/// either side ends it. 404 when there was none.
pub async fn clear(state: &App, p: &Principal) -> Result<(), AppError> {
    require_group(state, p).await?;
    if state
        .store
        .clear_shared_adviser(p.actor(), p.org_id())
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The shared advisers named by the groups the caller's organisation is an active member of.
pub async fn offers(state: &App, p: &Principal) -> Result<Vec<AdviserOfferRow>, AppError> {
    Ok(state.store.shared_adviser_offers(p.org_id()).await?)
}

/// The caller's offer from one group, or 404 (not a member, or no adviser named).
async fn offer(state: &App, p: &Principal, group_id: &str) -> Result<AdviserOfferRow, AppError> {
    offers(state, p)
        .await?
        .into_iter()
        .find(|o| o.group_id == group_id)
        .ok_or(AppError::NotFound)
}

/// A member's owner opts in to its group's shared adviser: an active engagement, and the
/// expert is told. Returns the engagement id.
pub async fn opt_in(state: &App, p: &Principal, group_id: &str) -> Result<String, AppError> {
    p.require_owner()?;
    let o = offer(state, p, group_id).await?;
    let expert = state.store.expert(&o.expert_id).await?;
    if expert.status != ExpertStatus::Approved {
        return Err(AppError::Conflict {
            key: "expert-err-not-approved",
            field: None,
        });
    }
    let member = state.store.organization(p.org_id()).await?.name;
    let notices = [to_org(
        state,
        &expert.organization_id,
        NotificationKind::SharedAdviserOptedIn,
        "expert2-notif-opted-in-title",
        "expert2-notif-opted-in-body",
        &[("client", member), ("group", o.group_name.clone())],
        "/engagements#clients-h",
    )];
    let id = state
        .store
        .answer_shared_adviser(
            p.actor().with_notices(&notices),
            &o.group_id,
            p.org_id(),
            &o.expert_id,
            AdviserAnswer::OptedIn,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict {
                key: "engagement-err-open",
                field: Some("expert_id".into()),
            },
            other => other.into(),
        })?
        .ok_or_else(|| AppError::internal("opting in made no engagement"))?;
    kick(state);
    Ok(id)
}

/// A member's owner declines its group's shared adviser; nothing is shared.
pub async fn decline(state: &App, p: &Principal, group_id: &str) -> Result<(), AppError> {
    p.require_owner()?;
    let o = offer(state, p, group_id).await?;
    state
        .store
        .answer_shared_adviser(
            p.actor(),
            &o.group_id,
            p.org_id(),
            &o.expert_id,
            AdviserAnswer::Declined,
        )
        .await?;
    Ok(())
}
