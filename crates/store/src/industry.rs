//! Industry groups (業界団体): the operator's group flag, memberships (invited, then active
//! once the member's owner consents), and the one query that feeds the group's view of the
//! suppliers its active members depend on.

use crate::ids::{MembershipId, OrganizationId};
use serde_json::json;

use crate::{new_id, unique_violation, Actor, MembershipStatus, Result, Store, StoreError};

/// A membership as either side sees it, with the other side's name and corporate number.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MembershipRow {
    pub id: MembershipId,
    pub group_id: OrganizationId,
    pub member_id: OrganizationId,
    #[sqlx(try_from = "String")]
    pub status: MembershipStatus,
    pub created_at: String,
    pub accepted_at: Option<String>,
    /// The member's name in a group's list, the group's name in a member's list.
    pub counterpart_name: String,
    pub counterpart_corporate_number: String,
}

/// One direct supplier of one active member of a group (linked suppliers only).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberEdgeRow {
    pub member_id: OrganizationId,
    pub supplier_id: OrganizationId,
    pub name: String,
    pub corporate_number: String,
    pub critical: bool,
    pub alternatives: i64,
}

/// What the page layout needs to know about the signed-in organisation, read in one query.
#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct NavFacts {
    pub name: String,
    pub evaluation_body: bool,
    pub industry_group: bool,
    /// The organisation is a member of, or invited by, at least one industry group.
    pub industry_membership: bool,
    /// A publisher of the roadmap and statistics.
    pub publisher: bool,
    /// The practice organisation of a security expert.
    pub expert_practice: bool,
    /// The signed-in person is a security expert (possibly at a firm that does other work).
    pub expert_user: bool,
    /// A technical verification provider (★4) the operator designated.
    pub verifier: bool,
    /// It has started at least one self-assessment.
    pub has_assessments: bool,
    /// It has asked at least one supplier for a level (it is a buyer).
    pub has_suppliers: bool,
    /// At least one customer has asked it for a level.
    pub has_customers: bool,
    /// Unread notifications, counted up to 100.
    pub unread: i64,
}

/// A membership removed by leaving, declining or removal.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EndedMembership {
    pub group_id: OrganizationId,
    pub member_id: OrganizationId,
    /// The status it had: invited (declined or withdrawn) or active (left or removed).
    #[sqlx(try_from = "String")]
    pub status: MembershipStatus,
}

/// Membership columns; `o` is the counterpart organisation.
const MEMBERSHIP_COLUMNS: &str =
    "m.id, m.group_id, m.member_id, m.status, m.created_at, m.accepted_at, \
    o.name AS counterpart_name, o.corporate_number AS counterpart_corporate_number";

impl Store {
    /// Marks an organisation as an industry group (the operator vetted it).
    pub async fn designate_industry_group(&self, organization_id: &OrganizationId) -> Result<()> {
        self.set_org_flag(crate::orgs::OrgFlag::IndustryGroup, organization_id, true)
            .await
    }

    /// Withdraws the industry-group mark. Memberships stay, so that a group designated again
    /// finds its members; while unmarked, the group can read and change nothing.
    pub async fn revoke_industry_group(&self, organization_id: &OrganizationId) -> Result<()> {
        self.set_org_flag(crate::orgs::OrgFlag::IndustryGroup, organization_id, false)
            .await
    }

    pub async fn is_industry_group(&self, organization_id: &OrganizationId) -> Result<bool> {
        self.org_flag(crate::orgs::OrgFlag::IndustryGroup, organization_id)
            .await
    }

    /// The organisation's name and the flags that decide the layout's links, in one query
    /// (it runs on every page).
    pub async fn nav_facts(
        &self,
        organization_id: &OrganizationId,
        user_id: &str,
    ) -> Result<NavFacts> {
        // One round trip per page: each EXISTS stops at its first row (all are indexed), and
        // the unread count stops at 100 (the badge shows "99+").
        fetch_optional!(self.db(), NavFacts, "SELECT o.name, o.is_evaluation_body <> 0 AS evaluation_body, o.is_industry_group <> 0 AS industry_group, \
               EXISTS (SELECT 1 FROM industry_memberships m WHERE m.member_id = o.id) AS industry_membership, \
               o.is_publisher <> 0 AS publisher, \
               o.corporate_number LIKE 'expert:%' AS expert_practice, \
               EXISTS (SELECT 1 FROM experts e WHERE e.user_id = $2) AS expert_user, \
               o.is_verifier <> 0 AS verifier, \
               EXISTS (SELECT 1 FROM assessments a WHERE a.organization_id = o.id) AS has_assessments, \
               EXISTS (SELECT 1 FROM relationships r WHERE r.buyer_id = o.id) AS has_suppliers, \
               EXISTS (SELECT 1 FROM relationships r WHERE r.supplier_id = o.id) AS has_customers, \
               (SELECT COUNT(*) FROM (SELECT 1 FROM notifications n WHERE n.organization_id = o.id AND n.read_at IS NULL LIMIT 100) u) AS unread \
             FROM organizations o WHERE o.id = $1", organization_id, user_id)?
        .ok_or(StoreError::NotFound)
    }

    /// Invites an organisation into a group. A second invitation of the same organisation is
    /// a conflict on `corporate_number` (the field the group typed).
    pub async fn invite_industry_member(
        &self,
        actor: Actor<'_>,
        group_id: &OrganizationId,
        member_id: &OrganizationId,
    ) -> Result<MembershipId> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(tx.conn(), "INSERT INTO industry_memberships (id, group_id, member_id, status, created_by, created_at) \
             VALUES ($1, $2, $3, 'invited', $4, $5)", &id, group_id, member_id, actor.user_id.unwrap_or(""), &at)
        .map_err(|e| unique_violation(e, "corporate_number"))?;
        tx.audit(
            "industry.invite",
            &id,
            json!({ "group_id": group_id, "member_id": member_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A group's memberships (invited and active) with each member's name, by name.
    pub async fn industry_members(&self, group_id: &OrganizationId) -> Result<Vec<MembershipRow>> {
        Ok(fetch_all!(
            self.db(),
            MembershipRow,
            &format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM industry_memberships m \
             JOIN organizations o ON o.id = m.member_id WHERE m.group_id = $1 ORDER BY o.name, m.id"
        ),
            group_id
        )?)
    }

    /// An organisation's memberships and invitations, with each group's name, newest first.
    pub async fn industry_memberships_of(
        &self,
        member_id: &OrganizationId,
    ) -> Result<Vec<MembershipRow>> {
        Ok(fetch_all!(self.db(), MembershipRow, &format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM industry_memberships m \
             JOIN organizations o ON o.id = m.group_id WHERE m.member_id = $1 ORDER BY m.created_at DESC, m.id"
        ), member_id)?)
    }

    /// The member accepts an open invitation and gets the group's id back; anything else (not
    /// its invitation, already active, gone) is `NotFound`.
    pub async fn accept_industry_membership(
        &self,
        actor: Actor<'_>,
        member_id: &OrganizationId,
        membership_id: &MembershipId,
    ) -> Result<OrganizationId> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let (group_id,): (OrganizationId,) = fetch_optional!(
            tx.conn(),
            (OrganizationId,),
            "UPDATE industry_memberships SET status = 'active', accepted_at = $1 \
             WHERE id = $2 AND member_id = $3 AND status = 'invited' RETURNING group_id",
            &at,
            membership_id,
            member_id
        )?
        .ok_or(StoreError::NotFound)?;
        tx.audit(
            "industry.accept",
            membership_id,
            json!({ "group_id": group_id, "member_id": member_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(group_id)
    }

    /// The member leaves (or declines an invitation): the row is deleted, so its suppliers
    /// stop being counted at once.
    pub async fn leave_industry_group(
        &self,
        actor: Actor<'_>,
        member_id: &OrganizationId,
        membership_id: &MembershipId,
    ) -> Result<EndedMembership> {
        self.end_membership(
            actor,
            "member_id",
            member_id,
            membership_id,
            "industry.leave",
        )
        .await
    }

    /// The group removes a member (or withdraws an invitation).
    pub async fn remove_industry_member(
        &self,
        actor: Actor<'_>,
        group_id: &OrganizationId,
        membership_id: &MembershipId,
    ) -> Result<EndedMembership> {
        self.end_membership(
            actor,
            "group_id",
            group_id,
            membership_id,
            "industry.remove",
        )
        .await
    }

    async fn end_membership(
        &self,
        actor: Actor<'_>,
        side: &'static str,
        organization_id: &OrganizationId,
        membership_id: &MembershipId,
        action: &str,
    ) -> Result<EndedMembership> {
        let mut tx = self.begin_write(actor).await?;
        let ended = fetch_optional!(tx.conn(), EndedMembership, &format!(
            "DELETE FROM industry_memberships WHERE id = $1 AND {side} = $2 RETURNING group_id, member_id, status"
        ), membership_id, organization_id)?
        .ok_or(StoreError::NotFound)?;
        tx.audit(
            action,
            membership_id,
            json!({ "group_id": ended.group_id, "member_id": ended.member_id, "status": ended.status }),
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// The direct, linked suppliers of every active member of a group, in one query.
    /// Invited members are not part of it: only consent makes a member's suppliers count.
    pub async fn industry_supply_edges(
        &self,
        group_id: &OrganizationId,
    ) -> Result<Vec<MemberEdgeRow>> {
        Ok(fetch_all!(self.db(), MemberEdgeRow, "SELECT r.buyer_id AS member_id, r.supplier_id, o.name, o.corporate_number, r.critical <> 0 AS critical, r.alternatives \
             FROM industry_memberships m \
             JOIN relationships r ON r.buyer_id = m.member_id \
             JOIN organizations o ON o.id = r.supplier_id \
             WHERE m.group_id = $1 AND m.status = 'active' AND r.supplier_id IS NOT NULL", group_id)?)
    }
}
