//! Application rules for industry groups (業界団体). An organisation the operator marked as a
//! group invites members by corporate number; a member's owner consents by accepting (and can
//! leave at any time). The group then sees on which suppliers several of its *active* members
//! depend directly — counts only, never which members, and never a count below two, since a
//! count of one would reveal one member's supplier.

use crate::views::{MembershipId, OrganizationId};
use std::collections::HashMap;

use shirube_assess::graph::{shared_dependencies, MemberDependency, MIN_SHARED_DEPENDENTS};
use shirube_store::{MembershipRow, MembershipStatus, NotificationKind, StoreError};

use crate::accounts::Principal;
use crate::domain::CorporateNumber;
use crate::error::AppError;
use crate::notifications::{kick, to_org};
use crate::App;

/// Active members a group needs before anything is counted. With two, every supplier shown
/// would be one both members use — the view would name each member's suppliers; with three
/// or more, a count of two does not say which two.
pub const MIN_ACTIVE_MEMBERS: usize = 3;

/// Upper bound of the `min_members` filter (it only has to be a sane count of members).
const MAX_MIN_MEMBERS: usize = 1_000_000;

/// Where notifications about memberships point, on both sides.
const LINK: &str = "/industry";

/// One supplier in the group's view: how many active members depend on it, nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedSupplier {
    pub organization_id: OrganizationId,
    pub corporate_number: String,
    pub name: String,
    pub dependents: usize,
    pub critical_dependents: usize,
    pub without_alternative: usize,
}

/// What an industry group sees.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub group_id: OrganizationId,
    pub group_name: String,
    /// Invited and active memberships, by member name.
    pub members: Vec<MembershipRow>,
    pub active: usize,
    pub invited: usize,
    pub shared_suppliers: Vec<SharedSupplier>,
    pub min_members: usize,
    /// Fewer than [`MIN_ACTIVE_MEMBERS`] members have joined: nothing is counted yet.
    pub withheld: bool,
}

/// Group-side actions need the operator's industry-group mark; anyone else is refused (403).
async fn require_group(state: &App, p: &Principal) -> Result<(), AppError> {
    if state.store.is_industry_group(p.org_id()).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Reads the `min_members` filter: empty means 2; anything below 2 (or not a whole number) is
/// refused, naming the field.
pub fn parse_min_members(input: Option<&str>) -> Result<usize, AppError> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(MIN_SHARED_DEPENDENTS),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (MIN_SHARED_DEPENDENTS..=MAX_MIN_MEMBERS).contains(&n) => Ok(n),
            _ => Err(AppError::field("min_members", "err-industry-min-members")),
        },
    }
}

/// The group's view: its members, and the suppliers on which at least `min_members` active
/// members depend directly.
pub async fn view(
    state: &App,
    p: &Principal,
    min_members: Option<&str>,
) -> Result<GroupView, AppError> {
    require_group(state, p).await?;
    let min_members = parse_min_members(min_members)?;
    let group = state.store.organization(p.org_id()).await?;
    let members = state.store.industry_members(p.org_id()).await?;
    let active: Vec<String> = members
        .iter()
        .filter(|m| m.status == MembershipStatus::Active)
        .map(|m| m.member_id.to_string())
        .collect();
    let mut numbers: HashMap<String, String> = HashMap::new();
    let dependencies: Vec<MemberDependency> = state
        .store
        .industry_supply_edges(p.org_id())
        .await?
        .into_iter()
        .map(|r| {
            numbers
                .entry(r.supplier_id.to_string())
                .or_insert(r.corporate_number);
            MemberDependency {
                member: r.member_id.into_string(),
                supplier: r.supplier_id.into_string(),
                name: r.name,
                critical: r.critical,
                alternatives: u32::try_from(r.alternatives).unwrap_or(0),
            }
        })
        .collect();
    // The store returns active members only; passing the active list again means a member
    // who has not consented is never counted even if that query changed.
    let withheld = active.len() < MIN_ACTIVE_MEMBERS;
    let counted: &[String] = if withheld { &[] } else { &active };
    let shared_suppliers = shared_dependencies(counted, &dependencies, min_members)
        .into_iter()
        .map(|s| SharedSupplier {
            corporate_number: numbers.get(&s.supplier).cloned().unwrap_or_default(),
            organization_id: s.supplier.into(),
            name: s.name,
            dependents: s.dependents,
            critical_dependents: s.critical_dependents,
            without_alternative: s.without_alternative,
        })
        .collect();
    let invited = members.len() - active.len();
    Ok(GroupView {
        group_id: group.id,
        group_name: group.name,
        active: active.len(),
        invited,
        members,
        shared_suppliers,
        min_members,
        withheld,
    })
}

/// The group invites an organisation on Shirube by its corporate number; the organisation is
/// told in its inbox.
pub async fn invite(
    state: &App,
    p: &Principal,
    corporate_number: &str,
) -> Result<MembershipId, AppError> {
    p.require_edit()?;
    require_group(state, p).await?;
    let number = CorporateNumber::parse(corporate_number, "corporate_number")
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let org = state
        .store
        .organization_by_corporate_number(number.as_str())
        .await?
        .ok_or_else(|| AppError::field("corporate_number", "err-industry-unknown"))?;
    if org.id == p.org_id() {
        return Err(AppError::field("corporate_number", "err-industry-self"));
    }
    let group = state.store.organization(p.org_id()).await?.name;
    let notices = [to_org(
        state,
        &org.id,
        NotificationKind::IndustryInvite,
        "notif-industry-invite-title",
        "notif-industry-invite-body",
        &[("group", group)],
        LINK,
    )];
    let id = state
        .store
        .invite_industry_member(p.actor().with_notices(&notices), p.org_id(), &org.id)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict {
                key: "err-industry-member-exists",
                field: Some("corporate_number".into()),
            },
            other => other.into(),
        })?;
    kick(state);
    Ok(id)
}

/// The group removes a member or withdraws an invitation; the member is told.
pub async fn remove(
    state: &App,
    p: &Principal,
    membership_id: &MembershipId,
) -> Result<(), AppError> {
    p.require_edit()?;
    require_group(state, p).await?;
    let group = state.store.organization(p.org_id()).await?.name;
    let notices: Vec<_> = state
        .store
        .industry_members(p.org_id())
        .await?
        .into_iter()
        .find(|m| m.id == membership_id)
        .map(|m| {
            to_org(
                state,
                &m.member_id,
                NotificationKind::IndustryRemoved,
                "notif-industry-removed-title",
                "notif-industry-removed-body",
                &[("group", group)],
                LINK,
            )
        })
        .into_iter()
        .collect();
    state
        .store
        .remove_industry_member(p.actor().with_notices(&notices), p.org_id(), membership_id)
        .await?;
    kick(state);
    Ok(())
}

/// One of the caller's memberships as a member (or an invitation to it), if it exists.
async fn membership(
    state: &App,
    p: &Principal,
    membership_id: &MembershipId,
) -> Result<Option<MembershipRow>, AppError> {
    Ok(memberships(state, p)
        .await?
        .into_iter()
        .find(|m| m.id == membership_id))
}

/// The caller's memberships and invitations (any role may read them).
pub async fn memberships(state: &App, p: &Principal) -> Result<Vec<MembershipRow>, AppError> {
    Ok(state.store.industry_memberships_of(p.org_id()).await?)
}

/// An owner of the invited organisation consents: from now on its direct suppliers are
/// counted in the group's view.
pub async fn accept(
    state: &App,
    p: &Principal,
    membership_id: &MembershipId,
) -> Result<(), AppError> {
    p.require_owner()?;
    let member = state.store.organization(p.org_id()).await?.name;
    let notices: Vec<_> = membership(state, p, membership_id)
        .await?
        .filter(|m| m.member_id == p.org_id())
        .map(|m| {
            to_org(
                state,
                &m.group_id,
                NotificationKind::IndustryJoined,
                "notif-industry-joined-title",
                "notif-industry-joined-body",
                &[("member", member)],
                LINK,
            )
        })
        .into_iter()
        .collect();
    match state
        .store
        .accept_industry_membership(p.actor().with_notices(&notices), p.org_id(), membership_id)
        .await
    {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            // Accepting twice says so; anything that is not the caller's stays a plain 404.
            let already = memberships(state, p)
                .await?
                .iter()
                .any(|m| m.id == membership_id && m.status == MembershipStatus::Active);
            return Err(if already {
                AppError::Conflict {
                    key: "err-industry-already-member",
                    field: None,
                }
            } else {
                AppError::NotFound
            });
        }
        Err(e) => return Err(e.into()),
    };
    kick(state);
    Ok(())
}

/// An owner of the member leaves the group, or declines its invitation; the group is told.
pub async fn leave(
    state: &App,
    p: &Principal,
    membership_id: &MembershipId,
) -> Result<(), AppError> {
    p.require_owner()?;
    let member = state.store.organization(p.org_id()).await?.name;
    let Some(m) = membership(state, p, membership_id)
        .await?
        .filter(|m| m.member_id == p.org_id())
    else {
        return Err(AppError::NotFound);
    };
    let (kind, title, body) = if m.status == MembershipStatus::Active {
        (
            NotificationKind::IndustryLeft,
            "notif-industry-left-title",
            "notif-industry-left-body",
        )
    } else {
        (
            NotificationKind::IndustryDeclined,
            "notif-industry-declined-title",
            "notif-industry-declined-body",
        )
    };
    let notices = [to_org(
        state,
        &m.group_id,
        kind,
        title,
        body,
        &[("member", member)],
        LINK,
    )];
    state
        .store
        .leave_industry_group(p.actor().with_notices(&notices), p.org_id(), membership_id)
        .await?;
    kick(state);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_members_defaults_to_two_and_refuses_counts_that_would_reveal_one_member() {
        assert_eq!(parse_min_members(None).ok(), Some(2));
        assert_eq!(parse_min_members(Some(" ")).ok(), Some(2));
        assert_eq!(parse_min_members(Some("5")).ok(), Some(5));
        for bad in ["1", "0", "-3", "two", "2.5"] {
            let refused = parse_min_members(Some(bad));
            assert!(
                matches!(&refused, Err(AppError::Invalid(errs)) if errs.iter().all(|e| e.field == "min_members")),
                "{bad}: {refused:?}"
            );
        }
    }
}
