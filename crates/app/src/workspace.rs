//! The signed-in person's workspace: which roles the organisation plays, read from what it
//! does (not from a setting), and the glance of each role that the dashboard leads with.
//!
//! An organisation can be a supplier and a buyer at once (most mid-tier firms are), and may
//! also be an evaluation body, an industry group or a publisher. A new organisation that
//! has done nothing yet is offered both ways in (its own level, and asking suppliers).

use shirube_store::NavFacts;

use crate::accounts::Principal;
use crate::buyers::{self, PortfolioStatus};
use crate::error::AppError;
use crate::views::{EvaluationId, RelationshipId};
use crate::App;

/// The roles an organisation plays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    /// It assesses itself for its customers.
    pub supplier: bool,
    /// It asks its suppliers for levels.
    pub buyer: bool,
    /// Customers have asked it for a level.
    pub has_customers: bool,
    pub evaluation_body: bool,
    pub industry_group: bool,
    /// A member of (or invited by) an industry group.
    pub industry_member: bool,
    pub publisher: bool,
    /// The practice of a security expert: it advises clients, it has no assessment of its own.
    pub expert: bool,
    /// A technical verification provider (★4): suppliers invite it to their submissions.
    pub verifier: bool,
}

impl Roles {
    /// The roles, from what the organisation does.
    pub fn of(f: &NavFacts) -> Roles {
        let expert = f.expert_practice;
        let operator_role = f.evaluation_body || f.industry_group || f.publisher;
        let fresh =
            !expert && !operator_role && !f.has_assessments && !f.has_customers && !f.has_suppliers;
        Roles {
            supplier: !expert && (f.has_assessments || f.has_customers || fresh),
            buyer: !expert && (f.has_suppliers || fresh),
            has_customers: f.has_customers,
            evaluation_body: f.evaluation_body,
            industry_group: f.industry_group,
            industry_member: f.industry_membership,
            publisher: f.publisher,
            // An expert at a firm keeps the firm's supplier and buyer work.
            expert: expert || f.expert_user,
            verifier: f.verifier,
        }
    }
}

/// What the header and the dashboard need to know about the organisation.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub org_name: String,
    pub roles: Roles,
    /// Unread notifications (at most 100 are counted).
    pub unread: i64,
}

/// One query: the organisation's name, roles and unread notifications.
pub async fn workspace(app: &App, p: &Principal) -> Result<Workspace, AppError> {
    let f = app.store.nav_facts(p.org_id(), p.user_id()).await?;
    Ok(Workspace {
        roles: Roles::of(&f),
        unread: f.unread,
        org_name: f.name,
    })
}

/// A supplier the buyer should look at first.
#[derive(Debug, Clone)]
pub struct Attention {
    pub relationship_id: Option<RelationshipId>,
    pub name: String,
    pub tier: u32,
    pub status: PortfolioStatus,
    pub required_level: i64,
    pub achieved_level: Option<i64>,
    /// `YYYY-MM-DD`; empty for deeper tiers.
    pub due_date: String,
    /// Days until the due date (negative when overdue); `None` for deeper tiers.
    pub days_left: Option<i64>,
    /// The only source of something critical: losing it stops the buyer.
    pub single_point_of_failure: bool,
}

/// The buyer's chain at a glance.
#[derive(Debug, Clone, Default)]
pub struct BuyerGlance {
    /// Direct suppliers per status, every status listed.
    pub counts: Vec<(PortfolioStatus, usize)>,
    pub direct: usize,
    /// Suppliers in all visible tiers.
    pub visible: usize,
    /// Weak points (single points of failure) in any tier, the first few.
    pub weak_points: Vec<Attention>,
    pub weak_points_total: usize,
    /// Direct suppliers not at the level whose due date is within [`DUE_SOON_DAYS`],
    /// soonest first.
    pub due_soon: Vec<Attention>,
}

/// How far ahead "due soon" looks.
pub const DUE_SOON_DAYS: i64 = 30;
/// How many lines each list of the glance shows (the portfolio has the rest).
const GLANCE_LINES: usize = 5;

/// The buyer's chain at a glance: counts per status, the weak points, what is due soon.
pub async fn buyer_glance(app: &App, p: &Principal) -> Result<BuyerGlance, AppError> {
    let portfolio = buyers::portfolio(app, p, shirube_assess::graph::MAX_TIERS).await?;
    let today = app.clock.today_japan();
    let attention = |l: &buyers::Line| Attention {
        relationship_id: l.relationship_id.clone(),
        name: l.name.clone(),
        tier: l.tier,
        status: l.status,
        required_level: l.required_level,
        achieved_level: l.achieved_level,
        due_date: l.due_date.clone(),
        days_left: chrono::NaiveDate::parse_from_str(&l.due_date, "%Y-%m-%d")
            .ok()
            .map(|d| (d - today).num_days()),
        single_point_of_failure: l.single_point_of_failure,
    };
    let weak: Vec<&buyers::Line> = portfolio
        .lines
        .iter()
        .filter(|l| l.single_point_of_failure && l.status != PortfolioStatus::Met)
        .collect();
    let mut due_soon: Vec<Attention> = portfolio
        .lines
        .iter()
        .filter(|l| l.tier == 1 && l.status != PortfolioStatus::Met)
        .map(attention)
        .filter(|a| {
            a.days_left
                .is_some_and(|d| (0..=DUE_SOON_DAYS).contains(&d))
        })
        .collect();
    due_soon.sort_by(|a, b| a.days_left.cmp(&b.days_left).then(a.name.cmp(&b.name)));
    due_soon.truncate(GLANCE_LINES);
    Ok(BuyerGlance {
        counts: portfolio.status_counts(),
        direct: portfolio.lines.iter().filter(|l| l.tier == 1).count(),
        visible: portfolio.lines.len(),
        weak_points_total: weak.len(),
        weak_points: weak.into_iter().take(GLANCE_LINES).map(attention).collect(),
        due_soon,
    })
}

/// One evaluation waiting for the body.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub id: EvaluationId,
    pub supplier_name: String,
    pub submitted_at: String,
}

/// The evaluation body's queue at a glance: how many wait, the oldest first.
pub async fn body_glance(app: &App, p: &Principal) -> Result<(usize, Vec<QueueItem>), AppError> {
    let mut rows = crate::evaluations::queue(app, p).await?;
    rows.retain(|(e, _)| e.status == crate::views::EvaluationStatus::Submitted);
    rows.sort_by(|a, b| a.0.submitted_at.cmp(&b.0.submitted_at));
    let n = rows.len();
    Ok((
        n,
        rows.into_iter()
            .take(GLANCE_LINES)
            .map(|(e, name)| QueueItem {
                id: e.id,
                supplier_name: name,
                submitted_at: e.submitted_at,
            })
            .collect(),
    ))
}

/// An industry group at a glance: active and invited members, and suppliers that several
/// members depend on (none counted while too few members have joined).
#[derive(Debug, Clone, Default)]
pub struct GroupGlance {
    pub active: usize,
    pub invited: usize,
    pub shared_suppliers: usize,
    pub withheld: bool,
}

pub async fn group_glance(app: &App, p: &Principal) -> Result<GroupGlance, AppError> {
    let v = crate::industry::view(app, p, None).await?;
    Ok(GroupGlance {
        active: v.active,
        invited: v.invited,
        shared_suppliers: v.shared_suppliers.len(),
        withheld: v.withheld,
    })
}

/// An expert at a glance: clients, and how many need the expert now (a confirmation to give
/// or to renew).
pub async fn expert_glance(app: &App, p: &Principal) -> Result<(usize, usize), AppError> {
    let (clients, _) = crate::experts::workspace(app, p).await?;
    let waiting = clients
        .iter()
        .filter(|c| {
            matches!(
                c.attention,
                crate::experts::Attention::ConfirmationNeeded
                    | crate::experts::Attention::ConfirmationStale
            )
        })
        .count();
    Ok((clients.len(), waiting))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> NavFacts {
        NavFacts {
            name: "x".into(),
            evaluation_body: false,
            industry_group: false,
            industry_membership: false,
            publisher: false,
            expert_practice: false,
            expert_user: false,
            verifier: false,
            has_assessments: false,
            has_suppliers: false,
            has_customers: false,
            unread: 0,
        }
    }

    #[test]
    fn a_new_organisation_is_offered_both_the_supplier_and_the_buyer_way_in() {
        let r = Roles::of(&facts());
        assert!(r.supplier && r.buyer);
    }

    #[test]
    fn a_buyer_that_has_not_assessed_itself_is_only_a_buyer() {
        let r = Roles::of(&NavFacts {
            has_suppliers: true,
            ..facts()
        });
        assert!(r.buyer && !r.supplier);
    }

    #[test]
    fn a_mid_tier_firm_asked_by_customers_and_asking_suppliers_is_both() {
        let r = Roles::of(&NavFacts {
            has_suppliers: true,
            has_customers: true,
            ..facts()
        });
        assert!(r.buyer && r.supplier && r.has_customers);
    }

    #[test]
    fn an_evaluation_body_or_group_or_expert_is_not_offered_supplier_work_by_default() {
        for f in [
            NavFacts {
                evaluation_body: true,
                ..facts()
            },
            NavFacts {
                industry_group: true,
                ..facts()
            },
            NavFacts {
                expert_practice: true,
                ..facts()
            },
        ] {
            let r = Roles::of(&f);
            assert!(!r.supplier && !r.buyer, "{f:?}");
        }
    }
}
