//! Application rules for buyers and suppliers: requests carrying the three-question level
//! decision, answer-once shares, and the buyer's portfolio.

use crate::views::{AssessmentId, CredentialId, OrganizationId, RelationshipId, ShareId};
use std::collections::{HashMap, HashSet};

use serde_json::json;
use shirube_assess::decision::{decide, DecisionInput, ExtraFactor, InterruptionAngles};
use shirube_assess::graph::{self, Edge, Node};
use shirube_catalog::Lang;
use shirube_store::{
    Actor, NewRelationship, NotificationKind, RelationshipRow, ShareDetail, SupplyLine,
};

use crate::accounts::{self as auth, Principal};
use crate::domain::{self, CorporateNumber, Email, FieldError};
use crate::error::AppError;
use crate::i18n::{text, Labelled};
use crate::App;

/// The buyer's answers as received.
#[derive(Debug, Clone, Default)]
pub struct DecisionAnswers {
    pub confidential_info: bool,
    pub business_interruption: bool,
    pub wide_impact: bool,
    pub no_alternative: bool,
    pub hard_to_stock: bool,
    pub network_access: bool,
    pub extra_factors: Vec<String>,
}

/// A request to add.
#[derive(Debug, Clone, Default)]
pub struct AddSupplier {
    pub corporate_number: Option<String>,
    pub invite_email: Option<String>,
    pub due_date: String,
    pub decision: DecisionAnswers,
}

/// What adding a supplier produced.
pub struct Added {
    pub relationship_id: RelationshipId,
    pub required_level: u8,
    pub suggest_level_4: bool,
    pub reason_keys: Vec<&'static str>,
    /// The single-use invitation token (e-mail invitations only), shown once.
    pub invite_token: Option<String>,
}

/// A reason in both languages.
pub fn reason_texts(key: &str) -> (String, String) {
    (text(Lang::Ja, key), text(Lang::En, key))
}

pub async fn add_supplier(
    state: &App,
    p: &Principal,
    input: &AddSupplier,
) -> Result<Added, AppError> {
    p.require_edit()?;
    let mut errs = Vec::new();
    let due = match due_date(&input.due_date, state.clock.today_japan()) {
        Ok(d) => Some(d),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let mut extra = Vec::new();
    for f in &input.decision.extra_factors {
        match ExtraFactor::parse(f) {
            Some(x) => extra.push(x),
            None => errs.push(FieldError::new(
                "decision.extra_factors",
                "err-extra-factor",
            )),
        }
    }
    let number = input
        .corporate_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let email = input
        .invite_email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut supplier_id = None;
    let mut invite = None;
    match (number, email) {
        (Some(n), None) => match CorporateNumber::parse(n, "corporate_number") {
            Ok(n) => match state
                .store
                .organization_by_corporate_number(n.as_str())
                .await?
            {
                Some(org) if org.id == p.org_id() => {
                    errs.push(FieldError::new("corporate_number", "err-supplier-self"))
                }
                Some(org) => supplier_id = Some(org.id),
                None => errs.push(FieldError::new("corporate_number", "err-supplier-unknown")),
            },
            Err(e) => errs.push(e),
        },
        (None, Some(e)) => match Email::parse(e, "invite_email") {
            Ok(e) => invite = Some(e),
            Err(e) => errs.push(e),
        },
        _ => errs.push(FieldError::new("corporate_number", "err-supplier-one-of")),
    }
    let Some(due) = due.filter(|_| errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let d = &input.decision;
    let outcome = decide(&DecisionInput {
        confidential_info: d.confidential_info,
        business_interruption: d.business_interruption,
        angles: InterruptionAngles {
            wide_impact: d.wide_impact,
            no_alternative: d.no_alternative,
            hard_to_stock: d.hard_to_stock,
        },
        network_access: d.network_access,
        extra_factors: extra.clone(),
    });
    let reason_keys: Vec<&'static str> = outcome.reasons.iter().map(|r| r.key).collect();
    let decision_json = json!({
        "confidential_info": d.confidential_info,
        "business_interruption": d.business_interruption,
        "angles": { "wide_impact": d.wide_impact, "no_alternative": d.no_alternative, "hard_to_stock": d.hard_to_stock },
        "network_access": d.network_access,
        "extra_factors": extra.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
    })
    .to_string();
    let token = invite.as_ref().map(|_| auth::new_secret("sup_"));
    let token_hash = token.as_deref().map(auth::secret_hash);
    let expires = invite
        .as_ref()
        .map(|_| shirube_store::format_time(state.clock.now() + chrono::Duration::days(14)));
    let reasons_json = json!(reason_keys).to_string();
    let row = NewRelationship {
        buyer_id: p.org_id(),
        supplier_id: supplier_id.as_deref(),
        invite_email: invite.as_ref().map(|e| e.as_str()),
        invite_token_hash: token_hash.as_deref(),
        invite_expires_at: expires.as_deref(),
        required_level: i64::from(outcome.required.number()),
        suggest_level_4: outcome.suggest_level_4,
        decision: &decision_json,
        reasons: &reasons_json,
        due_date: &due,
    };
    // The supplier is told in the transaction that records the request.
    let mut notices = Vec::new();
    if let Some(supplier) = &supplier_id {
        let buyer = state.store.organization(p.org_id()).await?.name;
        notices.push(crate::notifications::to_org(
            state,
            supplier,
            NotificationKind::RequestNew,
            "notif-request-title",
            "notif-request-body",
            &[
                ("buyer", buyer),
                ("n", outcome.required.number().to_string()),
                ("due", due.clone()),
            ],
            "/requests",
        ));
    }
    let id = state
        .store
        .create_relationship(p.actor().with_notices(&notices), &row)
        .await
        .map_err(|e| match e {
            shirube_store::StoreError::Conflict { .. } => AppError::Conflict {
                key: "err-supplier-exists",
                field: Some("corporate_number".into()),
            },
            other => other.into(),
        })?;
    crate::notifications::kick(state);
    Ok(Added {
        relationship_id: id,
        required_level: outcome.required.number(),
        suggest_level_4: outcome.suggest_level_4,
        reason_keys,
        invite_token: token,
    })
}

/// A request's due date: a YYYY-MM-DD day that is not before `today` (the day in Japan).
/// A past day is refused with the earliest day allowed, so the buyer knows what to type.
pub fn due_date(input: &str, today: chrono::NaiveDate) -> Result<String, FieldError> {
    let due = domain::parse_date(input, "due_date")?;
    let earliest = today.format("%Y-%m-%d").to_string();
    if due < earliest {
        return Err(FieldError::new("due_date", "portfolio-err-due-past").arg("earliest", earliest));
    }
    Ok(due)
}

/// Where a supplier stands for its buyer, as the portfolio shows it. Computed, not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PortfolioStatus {
    /// The required level is reached (declared or certified) and shared.
    Met,
    /// Working on it: something shared, level not reached yet.
    InProgress,
    /// The due date has passed without the level.
    Overdue,
    /// The supplier has begun a self-assessment (or reached a level) but shared nothing
    /// with this buyer yet.
    NotShared,
    /// Nothing at all: no answer in any self-assessment, nothing shared.
    NotStarted,
    /// Invited by e-mail and not yet registered.
    NoResponse,
}

impl PortfolioStatus {
    /// Every status, in the order the portfolio lists and counts them.
    pub const ALL: &'static [PortfolioStatus] = &[
        PortfolioStatus::Met,
        PortfolioStatus::InProgress,
        PortfolioStatus::Overdue,
        PortfolioStatus::NotShared,
        PortfolioStatus::NotStarted,
        PortfolioStatus::NoResponse,
    ];

    /// As the API and the filters spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            PortfolioStatus::Met => "met",
            PortfolioStatus::InProgress => "in_progress",
            PortfolioStatus::Overdue => "overdue",
            PortfolioStatus::NotShared => "not_shared",
            PortfolioStatus::NotStarted => "not_started",
            PortfolioStatus::NoResponse => "no_response",
        }
    }

    /// Parses a filter value; unknown values are `None`.
    pub fn parse(s: &str) -> Option<PortfolioStatus> {
        PortfolioStatus::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
    }
}

impl std::fmt::Display for PortfolioStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Labelled for PortfolioStatus {
    fn label_key(self) -> &'static str {
        use PortfolioStatus::*;
        match self {
            Met => "status-portfolio-met",
            InProgress => "status-portfolio-in-progress",
            Overdue => "status-portfolio-overdue",
            NotShared => "portfolio-status-not-shared",
            NotStarted => "status-portfolio-not-started",
            NoResponse => "status-portfolio-no-response",
        }
    }
}

/// The status of one direct supplier for its buyer on `today` (YYYY-MM-DD).
pub fn status_of(l: &SupplyLine, today: &str) -> PortfolioStatus {
    if l.achieved_level.is_some_and(|a| a >= l.required_level) {
        PortfolioStatus::Met
    } else if l.supplier_id.is_none() {
        PortfolioStatus::NoResponse
    } else if l.due_date.as_str() < today {
        PortfolioStatus::Overdue
    } else if l.shares > 0 {
        PortfolioStatus::InProgress
    } else if l.supplier_started {
        PortfolioStatus::NotShared
    } else {
        PortfolioStatus::NotStarted
    }
}

/// The status of a supplier in a deeper tier, from the level-only view passed on: its due
/// date and shares belong to its own buyer, so only met, in progress (a lower level) or not
/// started (no level) can be told.
fn deep_status(n: &Node) -> PortfolioStatus {
    match n.achieved {
        Some(a) if a >= n.required => PortfolioStatus::Met,
        Some(_) => PortfolioStatus::InProgress,
        None => PortfolioStatus::NotStarted,
    }
}

/// One portfolio line as shown: a direct supplier (tier 1, with its request) or a supplier
/// further down that a direct supplier passes on (tier 2..N, level only).
#[derive(Debug, Clone)]
pub struct Line {
    /// The buyer's own request; `None` for deeper tiers.
    pub relationship_id: Option<RelationshipId>,
    pub organization_id: Option<OrganizationId>,
    pub corporate_number: String,
    pub name: String,
    pub tier: u32,
    /// The organisation this supplier is seen through (the buyer itself for tier 1).
    pub parent_organization_id: Option<OrganizationId>,
    pub required_level: i64,
    pub achieved_level: Option<i64>,
    pub status: PortfolioStatus,
    /// Empty for deeper tiers.
    pub due_date: String,
    pub last_update: String,
    /// Lowest level in this supplier's visible branch (none when any has none).
    pub weakest_in_branch: Option<u8>,
    pub single_point_of_failure: bool,
}

/// Most organisations whose supplier lists one view reads; bounds the work (and memory) a
/// single request can cause on a very large graph (20,000 lists of 10 suppliers read in
/// about 2 s, bench/supply.sh). Views cut there say so (`Chain::truncated`).
const MAX_GRAPH_LOADS: usize = 20_000;

/// The buyer's chain as far as it can see: its direct relationships, and every visible
/// supplier tier by tier with the weakest level per branch and single points of failure.
pub struct Chain {
    pub direct: Vec<SupplyLine>,
    pub nodes: Vec<Node>,
    /// Corporate numbers (public) of every supplier read, direct ones included.
    pub corporate_numbers: HashMap<String, String>,
    /// The chain was larger than one view reads: deeper suppliers are missing.
    pub truncated: bool,
}

fn edge(l: &SupplyLine) -> Option<Edge> {
    Some(Edge {
        supplier: l.supplier_id.as_deref()?.to_string(),
        name: l.supplier_name.clone().unwrap_or_default(),
        achieved: l.achieved_level.and_then(|a| u8::try_from(a).ok()),
        required: u8::try_from(l.required_level).unwrap_or(4),
        passes_on: l.passes_on,
        critical: l.critical,
        alternatives: u32::try_from(l.alternatives).unwrap_or(0),
        restore_tested: l.restore_tested,
    })
}

/// Reads the chain down to `max_tier` (1: direct suppliers only), one bulk query per tier:
/// the suppliers that pass their own suppliers on to anyone already read are read next. The
/// pure walk then applies the visibility rule (passed on to the buyer it was reached
/// through).
pub async fn chain(state: &App, root: &OrganizationId, max_tier: u32) -> Result<Chain, AppError> {
    chain_limited(state, root, max_tier, MAX_GRAPH_LOADS).await
}

/// [`chain`] reading at most `max_loads` organisations' supplier lists (the root's included).
pub async fn chain_limited(
    state: &App,
    root: &OrganizationId,
    max_tier: u32,
    max_loads: usize,
) -> Result<Chain, AppError> {
    let direct = state.store.portfolio(root).await?;
    let mut edges: HashMap<String, Vec<Edge>> = HashMap::new();
    edges.insert(root.to_string(), direct.iter().filter_map(edge).collect());
    let mut loaded: HashSet<OrganizationId> = HashSet::from([root.clone()]);
    let mut frontier: Vec<OrganizationId> = direct
        .iter()
        .filter(|l| l.passes_on)
        .filter_map(|l| l.supplier_id.clone())
        .collect();
    let mut corporate_numbers: HashMap<String, String> = direct
        .iter()
        .filter_map(|l| {
            Some((
                l.supplier_id.as_deref()?.to_string(),
                l.corporate_number.clone()?,
            ))
        })
        .collect();
    let mut truncated = false;
    let mut tier = 1;
    while !frontier.is_empty() && tier < max_tier.min(graph::MAX_TIERS) {
        frontier.retain(|s| loaded.insert(s.clone()));
        let room = max_loads.saturating_sub(loaded.len() - frontier.len());
        if frontier.len() > room {
            frontier.truncate(room);
            truncated = true;
        }
        let mut next = Vec::new();
        for line in state.store.supply_lines(&frontier).await? {
            if line.passes_on {
                if let Some(s) = &line.supplier_id {
                    if !loaded.contains(s) {
                        next.push(s.clone());
                    }
                }
            }
            if let (Some(s), Some(n)) = (&line.supplier_id, &line.corporate_number) {
                corporate_numbers.insert(s.to_string(), n.clone());
            }
            if let Some(e) = edge(&line) {
                edges
                    .entry(line.buyer_id.into_string())
                    .or_default()
                    .push(e);
            }
        }
        next.sort_unstable();
        next.dedup();
        frontier = next;
        tier += 1;
    }
    let nodes = graph::tiers(root, &edges);
    Ok(Chain {
        direct,
        nodes,
        corporate_numbers,
        truncated,
    })
}

/// The day in Japan (YYYY-MM-DD) of a stored RFC 3339 UTC time, as the buyer counts days.
fn date_part(t: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(t) {
        Ok(t) => (t.naive_utc() + chrono::Duration::hours(9))
            .format("%Y-%m-%d")
            .to_string(),
        Err(_) => t.get(..10).unwrap_or(t).to_string(),
    }
}

/// The portfolio down to `max_tier`: the direct suppliers in the order they were added,
/// then the deeper tiers branch by branch.
pub async fn portfolio(state: &App, p: &Principal, max_tier: u32) -> Result<Portfolio, AppError> {
    let today = state.clock.today_japan().format("%Y-%m-%d").to_string();
    let Chain {
        direct,
        nodes,
        corporate_numbers,
        truncated,
    } = chain(state, p.org_id(), max_tier).await?;
    let direct_nodes: HashMap<&str, &Node> = nodes
        .iter()
        .filter(|n| n.tier == 1)
        .map(|n| (n.supplier.as_str(), n))
        .collect();
    // The lines are moved out of the chain, not cloned: with 10,000 suppliers the copies
    // were a measurable share of the request.
    let mut lines: Vec<Line> = Vec::with_capacity(nodes.len().max(direct.len()));
    lines.extend(direct.into_iter().map(|l| {
        let node = l.supplier_id.as_deref().and_then(|s| direct_nodes.get(s));
        let status = status_of(&l, &today);
        let last_update = date_part(l.last_update.as_deref().unwrap_or(&l.updated_at));
        Line {
            relationship_id: Some(l.relationship_id),
            organization_id: l.supplier_id,
            corporate_number: l.corporate_number.unwrap_or_default(),
            name: l.supplier_name.or(l.invite_email).unwrap_or_default(),
            tier: 1,
            parent_organization_id: Some(p.org_id().clone()),
            required_level: l.required_level,
            achieved_level: l.achieved_level,
            status,
            due_date: l.due_date,
            last_update,
            weakest_in_branch: node.and_then(|n| n.weakest_in_branch),
            single_point_of_failure: node.is_some_and(|n| n.single_point_of_failure),
        }
    }));
    lines.extend(nodes.iter().filter(|n| n.tier > 1).map(|n| {
        Line {
            relationship_id: None,
            organization_id: Some(OrganizationId::from(n.supplier.as_str())),
            corporate_number: corporate_numbers
                .get(&n.supplier)
                .cloned()
                .unwrap_or_default(),
            name: n.name.clone(),
            tier: n.tier,
            parent_organization_id: Some(OrganizationId::from(n.parent.as_str())),
            required_level: i64::from(n.required),
            achieved_level: n.achieved.map(i64::from),
            status: deep_status(n),
            due_date: String::new(),
            last_update: String::new(),
            weakest_in_branch: n.weakest_in_branch,
            single_point_of_failure: n.single_point_of_failure,
        }
    }));
    Ok(Portfolio { lines, truncated })
}

/// The portfolio's lines, and whether the chain was cut at the read limit.
pub struct Portfolio {
    pub lines: Vec<Line>,
    pub truncated: bool,
}

impl Portfolio {
    /// How many direct suppliers are in each status, every status listed (zeros included),
    /// in the order of [`PortfolioStatus::ALL`].
    pub fn status_counts(&self) -> Vec<(PortfolioStatus, usize)> {
        PortfolioStatus::ALL
            .iter()
            .map(|s| {
                let n = self
                    .lines
                    .iter()
                    .filter(|l| l.tier == 1 && l.status == *s)
                    .count();
                (*s, n)
            })
            .collect()
    }

    /// How many suppliers are visible in each tier.
    pub fn tier_counts(&self) -> std::collections::BTreeMap<u32, usize> {
        let mut tiers = std::collections::BTreeMap::new();
        for l in &self.lines {
            *tiers.entry(l.tier).or_default() += 1;
        }
        tiers
    }
}

/// The portfolio as CSV for a spreadsheet: UTF-8 with a BOM (so that Excel opens Japanese
/// names correctly), column headers and statuses in `lang`, levels as ★N, days as
/// YYYY-MM-DD. No internal ids: the corporate number (public, fixed for the life of a
/// company) is the one key column, and a deeper supplier names the supplier it is seen
/// through by that supplier's corporate number. Invited suppliers that have not registered
/// have no corporate number yet; their e-mail address stands as the name.
pub fn portfolio_csv(lines: &[Line], lang: Lang) -> String {
    fn field(out: &mut String, s: &str) {
        // Quote every field and neutralise spreadsheet formulas (CSV injection).
        out.push('"');
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            out.push('\'');
        }
        for c in s.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    }
    let labels: HashMap<PortfolioStatus, String> = PortfolioStatus::ALL
        .iter()
        .map(|s| (*s, s.label(lang)))
        .collect();
    let yes = text(lang, "portfolio-csv-yes");
    let no = text(lang, "portfolio-csv-no");
    let numbers: HashMap<&str, &str> = lines
        .iter()
        .filter_map(|l| Some((l.organization_id.as_deref()?, l.corporate_number.as_str())))
        .collect();
    let level = |l: Option<i64>| l.map(|l| format!("★{l}")).unwrap_or_default();
    let mut out = String::with_capacity(160 * (lines.len() + 1));
    out.push('\u{feff}');
    let headers = [
        "portfolio-csv-corporate-number",
        "portfolio-csv-name",
        "portfolio-csv-tier",
        "portfolio-csv-required",
        "portfolio-csv-achieved",
        "portfolio-csv-status",
        "portfolio-csv-due",
        "portfolio-csv-last-update",
        "portfolio-csv-through",
        "portfolio-csv-weakest",
        "portfolio-csv-weak-point",
    ];
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(&mut out, &text(lang, h));
    }
    out.push_str("\r\n");
    for l in lines {
        let through = if l.tier > 1 {
            l.parent_organization_id
                .as_deref()
                .and_then(|p| numbers.get(p).copied())
                .unwrap_or("")
        } else {
            ""
        };
        let cells = [
            l.corporate_number.as_str(),
            l.name.as_str(),
            &l.tier.to_string(),
            &format!("★{}", l.required_level),
            &level(l.achieved_level),
            labels.get(&l.status).map_or("", String::as_str),
            &l.due_date,
            &l.last_update,
            through,
            &level(l.weakest_in_branch.map(i64::from)),
            if l.single_point_of_failure { &yes } else { &no },
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out
}

/// The CSV's file name: what it is and the day in Japan it was made, in `lang`
/// (`取引先_2026-12-05.csv`, `suppliers-2026-12-05.csv`).
pub fn portfolio_csv_file_name(state: &App, lang: Lang) -> String {
    let day = state.clock.today_japan().format("%Y-%m-%d").to_string();
    crate::i18n::text_with(lang, "portfolio-csv-file-name", &[("date", day)])
}

/// Shares an assessment of the caller's organisation with a buyer that asked for a level.
pub async fn share(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    buyer_id: &OrganizationId,
    detail: &str,
) -> Result<ShareId, AppError> {
    p.require_edit()?;
    let detail = match detail {
        "" | "level" => "level",
        "full" => "full",
        _ => return Err(AppError::field("detail", "err-share-detail")),
    };
    let _ = state
        .store
        .assessment(p.org_id(), assessment_id)
        .await
        .map_err(|e| match e {
            shirube_store::StoreError::NotFound => {
                AppError::field("assessment_id", "err-not-found-field")
            }
            other => other.into(),
        })?;
    if !state.store.has_relationship(buyer_id, p.org_id()).await? {
        return Err(AppError::field(
            "buyer_organization_id",
            "err-share-no-request",
        ));
    }
    let supplier = state.store.organization(p.org_id()).await?.name;
    let notices = [crate::notifications::to_org(
        state,
        buyer_id,
        NotificationKind::ShareNew,
        "notif-share-title",
        "notif-share-body",
        &[("supplier", supplier)],
        "/suppliers",
    )];
    let id = state
        .store
        .create_share(
            p.actor().with_notices(&notices),
            p.org_id(),
            buyer_id,
            assessment_id,
            detail,
        )
        .await?;
    crate::notifications::kick(state);
    Ok(id)
}

/// The assessment behind one of the caller's certificates, for sharing the certificate:
/// a share of a declared or certified assessment carries its credential to the buyer.
pub async fn assessment_of_credential(
    state: &App,
    p: &Principal,
    credential_id: &CredentialId,
) -> Result<AssessmentId, AppError> {
    let c = match state.store.credential(credential_id).await {
        Ok(c) if c.organization_id == p.org_id() => c,
        Ok(_) | Err(shirube_store::StoreError::NotFound) => {
            return Err(AppError::field("credential_id", "err-not-found-field"))
        }
        Err(e) => return Err(e.into()),
    };
    if c.revoked_at.is_some() {
        return Err(AppError::field(
            "credential_id",
            "err-credential-revoked-share",
        ));
    }
    Ok(c.assessment_id)
}

/// The certificate carried by a share, for its buyer (or the supplier that gave it) while
/// the share is active. Anything else is not found.
pub async fn shared_credential(
    state: &App,
    p: &Principal,
    share_id: &ShareId,
) -> Result<shirube_store::CredentialRow, AppError> {
    let share = state.store.share(p.org_id(), share_id).await?;
    if share.revoked_at.is_some() {
        return Err(AppError::NotFound);
    }
    let id = share.credential_id.ok_or(AppError::NotFound)?;
    Ok(state.store.credential(&id).await?)
}

pub async fn revoke_share(state: &App, p: &Principal, share_id: &ShareId) -> Result<(), AppError> {
    p.require_edit()?;
    let share = state.store.share(p.org_id(), share_id).await?;
    if share.supplier_id != p.org_id() {
        // Only the supplier that gave a share revokes it; to anyone else it does not exist.
        return Err(AppError::NotFound);
    }
    let supplier = state.store.organization(p.org_id()).await?.name;
    let notices = [crate::notifications::to_org(
        state,
        &share.buyer_id,
        NotificationKind::ShareRevoked,
        "notif-share-revoked-title",
        "notif-share-revoked-body",
        &[("supplier", supplier)],
        "/suppliers",
    )];
    state
        .store
        .revoke_share(p.actor().with_notices(&notices), p.org_id(), share_id)
        .await?;
    crate::notifications::kick(state);
    Ok(())
}

/// Accepts a buyer's e-mail invitation for the caller's organisation.
pub async fn accept_invite(
    state: &App,
    p: &Principal,
    token: &str,
) -> Result<RelationshipRow, AppError> {
    p.require_owner()?;
    let rel = state
        .store
        .relationship_by_invite(&auth::secret_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    if rel
        .invite_expires_at
        .as_deref()
        .is_some_and(|e| e < state.clock.now_string().as_str())
    {
        return Err(AppError::Conflict {
            key: "err-invitation-used",
            field: None,
        });
    }
    if rel.buyer_id == p.org_id() {
        return Err(AppError::Conflict {
            key: "err-supplier-self",
            field: None,
        });
    }
    if !state
        .store
        .accept_supplier_invite(p.actor(), &rel.id, p.org_id())
        .await
        .map_err(|e| match e {
            shirube_store::StoreError::Conflict { .. } => AppError::Conflict {
                key: "err-supplier-exists",
                field: None,
            },
            other => other.into(),
        })?
    {
        return Err(AppError::Conflict {
            key: "err-invitation-used",
            field: None,
        });
    }
    Ok(state.store.relationship(p.org_id(), &rel.id).await?)
}

/// A message in a request's thread, from the buyer or the supplier.
pub async fn message(
    state: &App,
    p: &Principal,
    relationship_id: &RelationshipId,
    body: &str,
) -> Result<(), AppError> {
    p.require_edit()?;
    let _ = state
        .store
        .relationship(p.org_id(), relationship_id)
        .await?;
    let body = domain::required_text(body, "body", 5000).map_err(|e| AppError::Invalid(vec![e]))?;
    Ok(state
        .store
        .add_request_message(p.actor(), relationship_id, &body)
        .await?)
}

/// The reason keys stored with a relationship.
pub fn reasons_of(r: &RelationshipRow) -> Vec<String> {
    serde_json::from_str(&r.reasons).unwrap_or_default()
}

/// Every supplier the buyer can see, tier by tier, with the weakest level per branch and
/// single points of failure.
pub async fn tiers(state: &App, p: &Principal) -> Result<(Vec<Node>, bool), AppError> {
    let chain = chain(state, p.org_id(), graph::MAX_TIERS).await?;
    Ok((chain.nodes, chain.truncated))
}

/// The supplier's own BCP facts.
pub async fn set_bcp(
    state: &App,
    p: &Principal,
    offline_backup: bool,
    last_restore_test: Option<&str>,
    recovery_hours: Option<&str>,
    alternative_site: bool,
) -> Result<(), AppError> {
    p.require_edit()?;
    let mut errs = Vec::new();
    let test = match last_restore_test.map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => match domain::parse_date(d, "last_restore_test") {
            Ok(d) => Some(d),
            Err(e) => {
                errs.push(e);
                None
            }
        },
        None => None,
    };
    let hours = match recovery_hours.map(str::trim).filter(|s| !s.is_empty()) {
        Some(h) => match h.parse::<i64>() {
            Ok(h) if (0..=24 * 365).contains(&h) => Some(h),
            _ => {
                errs.push(FieldError::new("recovery_hours", "err-recovery-hours"));
                None
            }
        },
        None => None,
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let facts = shirube_store::BcpFacts {
        offline_backup,
        last_restore_test: test,
        recovery_hours: hours,
        alternative_site,
        updated_at: String::new(),
    };
    Ok(state
        .store
        .set_bcp_facts(p.actor(), p.org_id(), &facts)
        .await?)
}

/// The buyer's view of its dependency on one supplier.
pub async fn set_dependency(
    state: &App,
    p: &Principal,
    relationship_id: &RelationshipId,
    critical: bool,
    alternatives: i64,
    stock_days: i64,
) -> Result<(), AppError> {
    p.require_edit()?;
    let mut errs = Vec::new();
    if !(0..=1000).contains(&alternatives) {
        errs.push(FieldError::new("alternatives", "err-alternatives"));
    }
    if !(0..=3650).contains(&stock_days) {
        errs.push(FieldError::new("stock_days", "err-stock-days"));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    Ok(state
        .store
        .set_dependency(
            p.actor(),
            p.org_id(),
            relationship_id,
            critical,
            alternatives,
            stock_days,
        )
        .await?)
}

/// Passes (or stops passing) the level-only view of the caller's own suppliers to a buyer.
pub async fn set_pass_on(
    state: &App,
    p: &Principal,
    share_id: &ShareId,
    pass_on: bool,
) -> Result<(), AppError> {
    p.require_edit()?;
    Ok(state
        .store
        .set_pass_on(p.actor(), p.org_id(), share_id, pass_on)
        .await?)
}

/// The notice to the buyers holding a share of this assessment that its level was achieved
/// or lost; it goes with the change that causes it.
pub async fn level_notice(
    state: &App,
    supplier_org: &OrganizationId,
    assessment_id: &AssessmentId,
    achieved: bool,
    level: i64,
) -> Result<shirube_store::Notice, AppError> {
    let supplier = state.store.organization(supplier_org).await?.name;
    let (kind, title, body) = if achieved {
        (
            NotificationKind::LevelAchieved,
            "notif-level-achieved-title",
            "notif-level-achieved-body",
        )
    } else {
        (
            NotificationKind::LevelLost,
            "notif-level-lost-title",
            "notif-level-lost-body",
        )
    };
    Ok(crate::notifications::notice(
        state,
        shirube_store::Recipient::BuyersSharing(assessment_id.clone()),
        kind,
        title,
        body,
        &[("supplier", supplier), ("n", level.to_string())],
        "/suppliers",
    ))
}

/// Sends due-in-14-days and overdue reminders once each, to the supplier and the buyer,
/// for requests whose level is not met yet. Returns how many reminders were sent.
pub async fn send_reminders(state: &App, today: chrono::NaiveDate) -> Result<usize, AppError> {
    use shirube_store::Reminder;
    let today_s = today.format("%Y-%m-%d").to_string();
    let horizon = (today + chrono::Duration::days(14))
        .format("%Y-%m-%d")
        .to_string();
    let mut sent = 0;
    // Statuses per buyer, read once per buyer rather than once per reminder.
    let mut met: HashMap<OrganizationId, HashSet<RelationshipId>> = HashMap::new();
    for kind in [Reminder::DueSoon, Reminder::Overdue] {
        for (rel, buyer, supplier, due) in state
            .store
            .pending_reminders(kind, &today_s, &horizon)
            .await?
        {
            if !met.contains_key(&buyer) {
                let ids = state
                    .store
                    .portfolio(&buyer)
                    .await?
                    .into_iter()
                    .filter(|l| status_of(l, &today_s) == PortfolioStatus::Met)
                    .map(|l| l.relationship_id)
                    .collect();
                met.insert(buyer.clone(), ids);
            }
            let mut notices = Vec::new();
            if !met[&buyer].contains(&rel) {
                let (kind_s, title, body) = match kind {
                    Reminder::DueSoon => (
                        NotificationKind::RequestDueSoon,
                        "notif-due-soon-title",
                        "notif-due-soon-body",
                    ),
                    Reminder::Overdue => (
                        NotificationKind::RequestOverdue,
                        "notif-overdue-title",
                        "notif-overdue-body",
                    ),
                };
                let buyer_name = state.store.organization(&buyer).await?.name;
                let supplier_name = state.store.organization(&supplier).await?.name;
                let args = [
                    ("buyer", buyer_name),
                    ("supplier", supplier_name),
                    ("due", due.clone()),
                ];
                notices.push(crate::notifications::to_org(
                    state,
                    &supplier,
                    kind_s,
                    title,
                    body,
                    &args,
                    "/requests",
                ));
                notices.push(crate::notifications::to_org(
                    state,
                    &buyer,
                    kind_s,
                    title,
                    body,
                    &args,
                    &format!("/suppliers/{rel}"),
                ));
            }
            state
                .store
                .mark_reminded(Actor::system().with_notices(&notices), &rel, kind)
                .await?;
            sent += notices.len();
        }
    }
    crate::notifications::kick(state);
    Ok(sent)
}

/// Shares the caller's organisation gave (as a supplier) or received (as a buyer).
pub async fn shares(app: &App, p: &Principal) -> Result<Vec<shirube_store::ShareRow>, AppError> {
    Ok(app.store.shares_of(p.org_id()).await?)
}

/// Requests buyers made of the caller's organisation, with each buyer's name.
pub async fn requests_received(
    app: &App,
    p: &Principal,
) -> Result<Vec<(RelationshipRow, String)>, AppError> {
    Ok(app.store.requests_for(p.org_id()).await?)
}

/// The buyers the caller's organisation shares an assessment with.
pub async fn buyers_shared_with(app: &App, p: &Principal) -> Result<Vec<OrganizationId>, AppError> {
    Ok(app.store.buyers_shared_with(p.org_id()).await?)
}

/// The organisation's BCP facts (recovery time, backups, restore test), empty when unset.
pub async fn bcp_facts(app: &App, p: &Principal) -> Result<shirube_store::BcpFacts, AppError> {
    Ok(app.store.bcp_facts(p.org_id()).await?.unwrap_or_default())
}

/// One assessment shared along a relationship, with its answers when the share is an active
/// `full` one.
pub struct SharedAssessment {
    pub share: shirube_store::ShareRow,
    pub assessment: shirube_store::AssessmentRow,
    pub answers: Option<crate::assessments::AssessmentView>,
}

/// A request seen from either side: the counterpart, the message thread and what the
/// supplier shared with this buyer.
pub struct RelationshipDetail {
    pub rel: RelationshipRow,
    pub as_buyer: bool,
    pub counterpart: String,
    /// `(organisation id, body, sent at)`, oldest first.
    pub messages: Vec<(String, String, String)>,
    pub shares: Vec<SharedAssessment>,
}

pub async fn relationship_detail(
    app: &App,
    p: &Principal,
    id: &RelationshipId,
) -> Result<RelationshipDetail, AppError> {
    let rel = app.store.relationship(p.org_id(), id).await?;
    let as_buyer = rel.buyer_id == p.org_id();
    let counterpart_id = if as_buyer {
        rel.supplier_id.clone()
    } else {
        Some(rel.buyer_id.clone())
    };
    let counterpart = match &counterpart_id {
        Some(o) => app.store.organization(o).await?.name,
        None => rel.invite_email.clone().unwrap_or_default(),
    };
    let messages = app.store.request_messages(&rel.id).await?;
    let mut shares = Vec::new();
    if let Some(supplier) = &rel.supplier_id {
        for share in app
            .store
            .shares_of(supplier)
            .await?
            .into_iter()
            .filter(|s| s.buyer_id == rel.buyer_id)
        {
            let assessment = app.store.assessment(supplier, &share.assessment_id).await?;
            // The answers themselves only for an active full share.
            let answers = if share.detail == ShareDetail::Full && share.revoked_at.is_none() {
                Some(
                    crate::assessments::assessment_view_of(app, supplier, &share.assessment_id)
                        .await?,
                )
            } else {
                None
            };
            shares.push(SharedAssessment {
                share,
                assessment,
                answers,
            });
        }
    }
    Ok(RelationshipDetail {
        rel,
        as_buyer,
        counterpart,
        messages,
        shares,
    })
}

/// A supplier invitation by its one-time token, with the inviting buyer's name.
pub async fn supplier_invitation(
    app: &App,
    token: &str,
) -> Result<(RelationshipRow, String), AppError> {
    let rel = app
        .store
        .relationship_by_invite(&auth::secret_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let buyer = app.store.organization(&rel.buyer_id).await?.name;
    Ok((rel, buyer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_portfolio_status_has_a_label_in_both_languages() {
        for s in PortfolioStatus::ALL {
            for lang in [shirube_catalog::Lang::Ja, shirube_catalog::Lang::En] {
                assert_ne!(s.label(lang), s.label_key(), "{s:?} in {lang:?}");
            }
            assert_eq!(PortfolioStatus::parse(s.as_str()), Some(*s));
        }
    }
}
