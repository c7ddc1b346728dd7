//! The dashboard: what this organisation must do next in each of the roles it plays. An
//! expert's clients, an evaluation body's queue, an industry group's members and a
//! publisher's releases come first for those organisations; a supplier sees its level,
//! progress, the next three actions and what its customers asked for; a buyer sees its
//! chain at a glance (statuses, weak points, what is due soon).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use shirube_app::views::AssessmentStatus;
use shirube_app::workspace::{self, Attention, BuyerGlance, QueueItem, Roles};
use shirube_app::{assessments, buyers};

use crate::error::PageError;
use crate::pages::assessments::ActionItem;
use crate::pages::{render, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub org_name: String,
    pub corporate_number: String,
    pub can_edit: bool,
    /// The level held, if any: (level, its state's label, when it was reached, assessment id).
    pub declared: Option<(i64, String, String, String)>,
    /// A ★4 assessment with its evaluation body: (level, assessment id).
    pub under_evaluation: Option<(i64, String)>,
    /// The open assessment: (id, target level, percent, met, total, achieved level or 0).
    pub current: Option<(String, i64, u8, usize, usize, u8)>,
    pub next_actions: Vec<ActionItem>,
    /// Buyers' requests: (relationship id, buyer, required level, due date, shared with it).
    pub requests: Vec<(String, String, i64, String, bool)>,
    pub roles: Roles,
    /// The buyer's chain at a glance, for buyers.
    pub buyer: Option<BuyerView>,
    /// The evaluation body's queue: (how many wait, the oldest few).
    pub body: Option<(usize, Vec<QueueItem>)>,
    /// The industry group's summary lines.
    pub group: Option<Vec<String>>,
    /// The expert's summary line.
    pub expert: Option<String>,
}

/// The buyer's glance as the page shows it.
pub struct BuyerView {
    pub glance: BuyerGlance,
    /// (status filter value, label, count).
    pub counts: Vec<(&'static str, String, usize)>,
}

impl DashboardPage {
    /// "あと n 日" / "今日が期限" for a line due soon.
    pub fn days_left(&self, a: &Attention) -> String {
        match a.days_left {
            Some(0) => self.t.t("ws-due-today"),
            Some(n) => self.t.tn("ws-days-left", n),
            None => String::new(),
        }
    }
}

pub async fn show(State(state): State<AppState>, Signed(p): Signed) -> Result<Response, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let s = assessments::standing(&state, &p).await.page(lang)?;
    let declared = s.achieved.as_ref().map(|a| {
        let when = match a.status {
            AssessmentStatus::Certified => t.tn("msg-certified-on", t.date(&a.updated_at)),
            _ => t.tn(
                "msg-declared-on",
                a.declaration_date.clone().unwrap_or_default(),
            ),
        };
        (a.target_level, t.label(a.status), when, a.id.to_string())
    });
    let under_evaluation = s
        .under_evaluation
        .as_ref()
        .map(|a| (a.target_level, a.id.to_string()));
    let (current, next_actions) = match &s.current {
        Some(v) => {
            let e = &v.evaluation;
            let actions = e
                .action_plan
                .iter()
                .take(3)
                .filter_map(|a| ActionItem::new(&state, &t, &v.row.id, a))
                .collect();
            (
                Some((
                    v.row.id.to_string(),
                    v.row.target_level,
                    e.progress.percent(),
                    e.progress.met,
                    e.progress.total,
                    e.achieved.map(|l| l.number()).unwrap_or(0),
                )),
                actions,
            )
        }
        None => (None, Vec::new()),
    };
    let roles = workspace::workspace(&state, &p).await.page(lang)?.roles;
    let buyer = if roles.buyer {
        let glance = workspace::buyer_glance(&state, &p).await.page(lang)?;
        let counts = glance
            .counts
            .iter()
            .map(|(s, n)| (s.as_str(), t.label(*s), *n))
            .collect();
        Some(BuyerView { glance, counts })
    } else {
        None
    };
    let body = if roles.evaluation_body {
        Some(workspace::body_glance(&state, &p).await.page(lang)?)
    } else {
        None
    };
    let group = if roles.industry_group {
        let g = workspace::group_glance(&state, &p).await.page(lang)?;
        let mut lines = vec![t.targs(
            "ws-group-members",
            &[("a", g.active.to_string()), ("i", g.invited.to_string())],
        )];
        lines.push(if g.withheld {
            t.t("ws-group-withheld")
        } else {
            t.tn("ws-group-shared", g.shared_suppliers)
        });
        Some(lines)
    } else {
        None
    };
    let expert = if roles.expert {
        let (n, w) = workspace::expert_glance(&state, &p).await.page(lang)?;
        Some(if n == 0 {
            t.t("ws-expert-none")
        } else {
            t.targs(
                "ws-expert-summary",
                &[("n", n.to_string()), ("w", w.to_string())],
            )
        })
    } else {
        None
    };
    let shared = buyers::buyers_shared_with(&state, &p).await.page(lang)?;
    let requests = buyers::requests_received(&state, &p)
        .await
        .page(lang)?
        .into_iter()
        .map(|(r, buyer)| {
            let is_shared = shared.contains(&r.buyer_id);
            (
                r.id.into_string(),
                buyer,
                r.required_level,
                r.due_date,
                is_shared,
            )
        })
        .collect();
    let page = DashboardPage {
        requests,
        roles,
        buyer,
        body,
        group,
        expert,
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        org_name: s.org.name.clone(),
        corporate_number: s.org.corporate_number.clone(),
        can_edit: p.role.can_edit(),
        declared,
        under_evaluation,
        current,
        next_actions,
        t,
    };
    render(&page, lang)
}
