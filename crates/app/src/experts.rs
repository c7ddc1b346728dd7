//! Security experts (情報処理安全確保支援士 or scheme-trained) on Shirube: sign-up, the public
//! directory, engagements (a company asks, the expert accepts or declines, either side ends
//! it), advice per criterion, the expert's confirmation of a ★3 self-assessment bound to a
//! digest of its answers and evidence, the expert's workspace, and the client's log of what
//! its experts read.
//!
//! An expert is a user: sign-up creates the expert's practice organisation and its owner
//! account, so sessions, tokens and the inbox work as for anyone; the expert record is found
//! from the user id. What an expert may read of a client is decided in one place,
//! [`crate::assessments::readable_assessment`]: an approved expert with an active engagement.

use sha2::{Digest, Sha256};
use shirube_store::{NewExpert, NotificationKind, StoreError};

/// The records and states of this use case, named by the faces through it.
pub use shirube_store::{
    AdviceRow, AuditEntry, ConfirmationRow, EngagementRow, EngagementStatus, ExpertRow,
    ExpertStatus, QualificationKind,
};

use crate::accounts::{hash_password, Principal};
use crate::assessments::{readable_assessment, AssessmentView};
use crate::domain::{self, collect, Email, FieldError, Industry, Prefecture};
use crate::error::AppError;
use crate::notifications::{kick, to_org};
use crate::views::{AssessmentId, OrganizationId};
use crate::App;

/// Where notifications about engagements point.
const LINK: &str = "/engagements";

/// Longest request message, statement and advice.
const MAX_TEXT: usize = 5_000;

/// An expert's sign-up as received.
#[derive(Debug, Clone, Default)]
pub struct SignupInput {
    pub name: String,
    pub email: String,
    pub password: String,
    pub qualification_kind: String,
    pub qualification_number: String,
    pub prefectures: Vec<String>,
    pub industries: Vec<String>,
    pub languages: Vec<String>,
    pub accepting: bool,
}

/// Parses a list field: at least one element, at most `max`, each by `parse`; duplicates
/// collapse. Each bad element is named by its index (`prefectures[2]`).
fn parse_list<T: PartialEq>(
    errs: &mut Vec<FieldError>,
    field: &str,
    items: &[String],
    max: usize,
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
) -> Vec<T> {
    if items.is_empty() {
        errs.push(FieldError::new(field, "err-required"));
        return Vec::new();
    }
    if items.len() > max {
        errs.push(FieldError::new(field, "expert-err-too-many"));
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(v) = collect(errs, parse(item, &format!("{field}[{i}]"))) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// A language tag as the directory shows it: two or three lowercase letters, optionally a
/// region (`pt-BR`).
fn parse_language(input: &str, field: &str) -> Result<String, FieldError> {
    let s = input.trim();
    let (lang, region) = s.split_once('-').unwrap_or((s, ""));
    let lang_ok = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_alphabetic());
    let region_ok =
        region.is_empty() || (region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic()));
    if lang_ok && region_ok {
        let lang = lang.to_ascii_lowercase();
        Ok(if region.is_empty() {
            lang
        } else {
            format!("{lang}-{}", region.to_ascii_uppercase())
        })
    } else {
        Err(FieldError::new(field, "expert-err-language"))
    }
}

/// A qualification number: 1 to 32 letters, digits or hyphens (IPA's RISS registration
/// numbers are digits; training certificates carry letters too).
fn parse_qualification_number(input: &str, field: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "err-required"));
    }
    if s.len() > 32 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(FieldError::new(field, "expert-err-qualification-number"));
    }
    Ok(s.to_string())
}

fn json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

/// Reads a stored JSON list back (an unreadable one reads as empty).
pub fn list_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// What an expert tells the directory, as received (sign-up, or an existing user becoming an
/// expert).
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub qualification_kind: String,
    pub qualification_number: String,
    pub prefectures: Vec<String>,
    pub industries: Vec<String>,
    pub languages: Vec<String>,
    pub accepting: bool,
}

/// A validated profile: the lists as JSON array text.
struct Profile {
    kind: QualificationKind,
    number: String,
    prefectures: Vec<String>,
    industries: Vec<String>,
    languages: Vec<String>,
}

impl Profile {
    fn new_expert<'a>(&'a self, name: &'a str, json: &'a [String; 3]) -> Option<NewExpert<'a>> {
        Some(NewExpert {
            name,
            qualification_kind: self.kind,
            qualification_number: &self.number,
            prefectures: &json[0],
            industries: &json[1],
            languages: &json[2],
            accepting: true,
            prefecture: self.prefectures.first()?,
            industry: self.industries.first()?,
        })
    }
    fn json(&self) -> [String; 3] {
        [
            json_list(&self.prefectures),
            json_list(&self.industries),
            json_list(&self.languages),
        ]
    }
}

/// Checks the qualification and the lists; every problem goes to `errs`.
fn parse_profile(errs: &mut Vec<FieldError>, input: &ProfileInput) -> Option<Profile> {
    let kind = match input.qualification_kind.trim().parse::<QualificationKind>() {
        Ok(k) => Some(k),
        Err(_) => {
            errs.push(FieldError::new(
                "qualification.kind",
                "expert-err-qualification-kind",
            ));
            None
        }
    };
    let number = collect(
        errs,
        parse_qualification_number(&input.qualification_number, "qualification.number"),
    );
    let prefectures: Vec<String> = parse_list(
        errs,
        "prefectures",
        &input.prefectures,
        47,
        Prefecture::parse,
    )
    .into_iter()
    .map(|p| p.code())
    .collect();
    let industries: Vec<String> =
        parse_list(errs, "industries", &input.industries, 30, Industry::parse)
            .into_iter()
            .map(|i| i.code().to_string())
            .collect();
    let languages = parse_list(errs, "languages", &input.languages, 20, parse_language);
    Some(Profile {
        kind: kind?,
        number: number?,
        prefectures,
        industries,
        languages,
    })
}

/// Signs an expert up: the practice organisation, the expert's account and the pending
/// expert record. Returns the expert id. Every field problem is reported at once.
pub async fn signup(state: &App, input: &SignupInput) -> Result<String, AppError> {
    let mut errs = Vec::new();
    let name = collect(&mut errs, domain::required_text(&input.name, "name", 200));
    let email = collect(&mut errs, Email::parse(&input.email, "email"));
    let password = collect(
        &mut errs,
        domain::check_password(&input.password, "password"),
    );
    let profile = parse_profile(
        &mut errs,
        &ProfileInput {
            qualification_kind: input.qualification_kind.clone(),
            qualification_number: input.qualification_number.clone(),
            prefectures: input.prefectures.clone(),
            industries: input.industries.clone(),
            languages: input.languages.clone(),
            accepting: input.accepting,
        },
    );
    let (Some(name), Some(email), Some(password), Some(profile), true) =
        (name, email, password, profile, errs.is_empty())
    else {
        return Err(AppError::Invalid(errs));
    };
    let hash = hash_password(password)?;
    let json = profile.json();
    let Some(mut expert) = profile.new_expert(&name, &json) else {
        return Err(AppError::Invalid(errs));
    };
    expert.accepting = input.accepting;
    let created = state
        .store
        .create_expert(&expert, email.as_str(), &hash)
        .await?;
    Ok(created.expert_id)
}

/// A signed-in person becomes an expert with the account they have (a pending expert record,
/// approved by the operator like any other). Their organisation is their practice: the
/// expert's notices go to its inbox, and that organisation cannot engage its own expert.
/// `name` defaults to the account's name. A person who is an expert already gets 409.
pub async fn become_expert(
    state: &App,
    p: &Principal,
    name: Option<&str>,
    input: &ProfileInput,
) -> Result<String, AppError> {
    let mut errs = Vec::new();
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => collect(&mut errs, domain::required_text(n, "name", 200)),
        None => Some(state.store.user(p.user_id()).await?.name),
    };
    let profile = parse_profile(&mut errs, input);
    let (Some(name), Some(profile), true) = (name, profile, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let json = profile.json();
    let Some(mut expert) = profile.new_expert(&name, &json) else {
        return Err(AppError::Invalid(errs));
    };
    expert.accepting = input.accepting;
    state
        .store
        .add_expert_for_user(p.actor(), p.org_id(), p.user_id(), &expert)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict {
                key: "expert2-err-already",
                field: None,
            },
            other => other.into(),
        })
}

/// Reads the directory's filters: empty means any; otherwise a prefecture (code or name) and
/// a JSIC industry letter, refused naming the field.
pub fn parse_filters(
    prefecture: Option<&str>,
    industry: Option<&str>,
) -> Result<(Option<String>, Option<String>), AppError> {
    let mut errs = Vec::new();
    let pref = prefecture
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| collect(&mut errs, Prefecture::parse(s, "prefecture")))
        .map(|p| p.code());
    let ind = industry
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| collect(&mut errs, Industry::parse(s, "industry")))
        .map(|i| i.code().to_string());
    if errs.is_empty() {
        Ok((pref, ind))
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// The public directory: approved experts who accept clients, with how many they serve.
pub async fn directory(
    state: &App,
    prefecture: Option<&str>,
    industry: Option<&str>,
) -> Result<Vec<ExpertRow>, AppError> {
    let (pref, ind) = parse_filters(prefecture, industry)?;
    Ok(state
        .store
        .expert_directory(pref.as_deref(), ind.as_deref())
        .await?)
}

/// The caller's expert record, if the caller is an expert.
pub async fn myself(state: &App, p: &Principal) -> Result<Option<ExpertRow>, AppError> {
    Ok(state.store.expert_by_user(p.user_id()).await?)
}

/// The caller's expert record, or 403 for anyone who is not an expert.
async fn require_expert(state: &App, p: &Principal) -> Result<ExpertRow, AppError> {
    myself(state, p).await?.ok_or(AppError::Forbidden)
}

/// The operator approves an expert (after checking the qualification against the public
/// register) or withdraws one; a withdrawal ends the expert's open engagements and tells both
/// sides. Returns the expert and how many engagements ended.
pub async fn set_status(
    state: &App,
    email: &str,
    approved: bool,
) -> Result<(ExpertRow, usize), AppError> {
    let email = Email::parse(email, "email").map_err(|e| AppError::Invalid(vec![e]))?;
    let expert = state
        .store
        .expert_by_email(email.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let status = if approved {
        ExpertStatus::Approved
    } else {
        ExpertStatus::Withdrawn
    };
    // A withdrawal ends the open engagements; both sides are told in the same transaction.
    let open: Vec<EngagementRow> = if approved {
        Vec::new()
    } else {
        state
            .store
            .expert_engagements(&expert.id)
            .await?
            .into_iter()
            .filter(|g| g.status.is_open())
            .collect()
    };
    let notices: Vec<_> = open
        .iter()
        .flat_map(|g| {
            [
                ended_notice(state, &g.client_id, &g.expert_name),
                ended_notice(state, &g.expert_organization_id, &g.client_name),
            ]
        })
        .collect();
    let ended = state
        .store
        .set_expert_status(
            shirube_store::Actor::system().with_notices(&notices),
            &expert.id,
            status,
        )
        .await?;
    kick(state);
    let expert = state.store.expert(&expert.id).await?;
    Ok((expert, ended.len()))
}

fn ended_notice(state: &App, to: &OrganizationId, other: &str) -> shirube_store::Notice {
    to_org(
        state,
        to,
        NotificationKind::EngagementEnded,
        "engagement-notif-ended-title",
        "engagement-notif-ended-body",
        &[("other", other.to_string())],
        LINK,
    )
}

/// A company asks an expert to advise it. The expert must be approved and accepting; one
/// open engagement per pair.
pub async fn request(
    state: &App,
    p: &Principal,
    expert_id: &str,
    message: &str,
) -> Result<String, AppError> {
    p.require_owner()?;
    let message = message.trim();
    if message.chars().count() > MAX_TEXT {
        return Err(AppError::Invalid(vec![FieldError::too_long(
            "message", MAX_TEXT,
        )]));
    }
    let expert = match state.store.expert(expert_id).await {
        Ok(e) if e.status == ExpertStatus::Approved && e.accepting => e,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(AppError::field("expert_id", "expert-err-unavailable"))
        }
        Err(e) => return Err(e.into()),
    };
    if expert.organization_id == p.org_id() {
        return Err(AppError::field("expert_id", "expert-err-self"));
    }
    let client = state.store.organization(p.org_id()).await?.name;
    let notices = [to_org(
        state,
        &expert.organization_id,
        NotificationKind::EngagementRequested,
        "engagement-notif-requested-title",
        "engagement-notif-requested-body",
        &[("client", client)],
        LINK,
    )];
    let id = state
        .store
        .create_engagement(
            p.actor().with_notices(&notices),
            &expert.id,
            p.org_id(),
            message,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict {
                key: "engagement-err-open",
                field: Some("expert_id".into()),
            },
            other => other.into(),
        })?;
    kick(state);
    Ok(id)
}

/// Which side of an engagement the caller is on; anyone else gets 404.
enum Side {
    Expert,
    Client,
}

async fn side(state: &App, p: &Principal, id: &str) -> Result<(EngagementRow, Side), AppError> {
    let g = state.store.engagement(id).await?;
    if g.client_id == p.org_id() {
        return Ok((g, Side::Client));
    }
    match myself(state, p).await? {
        Some(e) if e.id == g.expert_id => Ok((g, Side::Expert)),
        _ => Err(AppError::NotFound),
    }
}

/// The expert accepts a request: from now on the expert reads the client's assessments.
pub async fn accept(state: &App, p: &Principal, id: &str) -> Result<EngagementRow, AppError> {
    answer(state, p, id, EngagementStatus::Active).await
}

/// The expert declines a request.
pub async fn decline(state: &App, p: &Principal, id: &str) -> Result<EngagementRow, AppError> {
    answer(state, p, id, EngagementStatus::Declined).await
}

async fn answer(
    state: &App,
    p: &Principal,
    id: &str,
    to: EngagementStatus,
) -> Result<EngagementRow, AppError> {
    let (g, side) = side(state, p, id).await?;
    let Side::Expert = side else {
        // The client sees its own request but cannot answer it for the expert.
        return Err(AppError::Forbidden);
    };
    let expert = require_expert(state, p).await?;
    if to == EngagementStatus::Active && expert.status != ExpertStatus::Approved {
        return Err(AppError::Conflict {
            key: "expert-err-not-approved",
            field: None,
        });
    }
    let (kind, title, body) = if to == EngagementStatus::Active {
        (
            NotificationKind::EngagementAccepted,
            "engagement-notif-accepted-title",
            "engagement-notif-accepted-body",
        )
    } else {
        (
            NotificationKind::EngagementDeclined,
            "engagement-notif-declined-title",
            "engagement-notif-declined-body",
        )
    };
    let notices = [to_org(
        state,
        &g.client_id,
        kind,
        title,
        body,
        &[("expert", g.expert_name.clone())],
        LINK,
    )];
    if !state
        .store
        .move_engagement(
            p.actor().with_notices(&notices),
            id,
            &[EngagementStatus::Requested],
            to,
        )
        .await?
    {
        return Err(AppError::Conflict {
            key: "engagement-err-not-requested",
            field: None,
        });
    }
    kick(state);
    Ok(state.store.engagement(id).await?)
}

/// Either side ends an engagement (or withdraws a request); the expert's access ends at once.
pub async fn end(state: &App, p: &Principal, id: &str) -> Result<(), AppError> {
    let (g, side) = side(state, p, id).await?;
    let (to, other) = match side {
        Side::Client => {
            p.require_owner()?;
            (g.expert_organization_id.clone(), g.client_name.clone())
        }
        Side::Expert => (g.client_id.clone(), g.expert_name.clone()),
    };
    let notices = [ended_notice(state, &to, &other)];
    if !state
        .store
        .move_engagement(
            p.actor().with_notices(&notices),
            id,
            &[EngagementStatus::Requested, EngagementStatus::Active],
            EngagementStatus::Ended,
        )
        .await?
    {
        return Err(AppError::Conflict {
            key: "engagement-err-closed",
            field: None,
        });
    }
    kick(state);
    Ok(())
}

/// The caller's engagements: as a client, and as an expert when the caller is one.
pub struct Engagements {
    pub as_client: Vec<EngagementRow>,
    pub as_expert: Vec<EngagementRow>,
    pub expert: Option<ExpertRow>,
}

pub async fn engagements(state: &App, p: &Principal) -> Result<Engagements, AppError> {
    let as_client = state.store.client_engagements(p.org_id()).await?;
    let expert = myself(state, p).await?;
    let as_expert = match &expert {
        Some(e) => state.store.expert_engagements(&e.id).await?,
        None => Vec::new(),
    };
    Ok(Engagements {
        as_client,
        as_expert,
        expert,
    })
}

/// An assessment the caller reads as its expert (not its own organisation's): the view and
/// the expert record. Anything else is 404, exactly like a stranger.
async fn as_expert(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
) -> Result<(AssessmentView, ExpertRow), AppError> {
    let expert = myself(state, p).await?.ok_or(AppError::NotFound)?;
    let view = readable_assessment(state, p, assessment_id).await?;
    if view.row.organization_id == p.org_id()
        || state
            .store
            .expert_client_of_assessment(p.user_id(), assessment_id)
            .await?
            .is_none()
    {
        return Err(AppError::NotFound);
    }
    Ok((view, expert))
}

/// The expert writes (or rewrites) advice on one criterion; the client sees it on the
/// criterion page. The expert never changes the client's answers.
pub async fn advise(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    criterion_id: &str,
    body: &str,
) -> Result<(), AppError> {
    let (view, expert) = as_expert(state, p, assessment_id).await?;
    let mut errs = Vec::new();
    match state.catalog.criterion(criterion_id) {
        Some(c) if c.required_for(view.level()) => {}
        Some(_) => errs.push(FieldError::new("criterion_id", "err-criterion-level")),
        None => errs.push(FieldError::new("criterion_id", "err-criterion")),
    }
    let body = collect(&mut errs, domain::required_text(body, "body", MAX_TEXT));
    let Some(body) = body.filter(|_| errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    state
        .store
        .put_advice(
            shirube_store::Actor::user(&view.row.organization_id, p.user_id()),
            assessment_id,
            criterion_id,
            &expert.id,
            &body,
        )
        .await?;
    Ok(())
}

/// The experts' advice on an assessment the caller may read.
pub async fn advice(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
) -> Result<Vec<AdviceRow>, AppError> {
    readable_assessment(state, p, assessment_id).await?;
    Ok(state.store.advice(assessment_id).await?)
}

/// The SHA-256 (hex) of an assessment's answers and evidence: every answer (criterion,
/// status, comment, N/A reason) by criterion, then every piece of evidence (id, criterion,
/// kind, link, file hash, date) by id, then every product declaration (product, criterion,
/// vendor, product name, declared time), each field length-prefixed. Any change of an answer
/// or of the evidence — declaring or withdrawing a product included — changes it.
pub fn answers_digest(view: &AssessmentView) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field(&view.row.id);
    let mut answers: Vec<_> = view.answers.values().collect();
    answers.sort_by(|a, b| a.criterion_id.cmp(&b.criterion_id));
    for a in answers {
        field("answer");
        field(&a.criterion_id);
        field(a.status.as_str());
        field(&a.comment);
        field(&a.not_applicable_reason);
    }
    let mut evidence: Vec<_> = view.evidence.iter().collect();
    evidence.sort_by(|a, b| a.id.cmp(&b.id));
    for e in evidence {
        field("evidence");
        field(&e.id);
        field(&e.criterion_id);
        field(&e.kind);
        field(e.url.as_deref().unwrap_or(""));
        field(e.blob_sha256.as_deref().unwrap_or(""));
        field(&e.evidence_date);
    }
    let mut products: Vec<_> = view.products.iter().collect();
    products
        .sort_by(|a, b| (&a.product_id, &a.criterion_id).cmp(&(&b.product_id, &b.criterion_id)));
    for d in products {
        field("product_declaration");
        field(&d.product_id);
        field(&d.criterion_id);
        field(&d.vendor_name);
        field(&d.product_name);
        field(&d.declared_at);
    }
    hex::encode(h.finalize())
}

/// The expert confirms an assessment of a client as it stands now; the confirmation is bound
/// to the digest of its answers and evidence. Refused unless the expert is approved with an
/// active engagement (404 otherwise) and the assessment is open.
pub async fn confirm(
    state: &App,
    p: &Principal,
    assessment_id: &AssessmentId,
    statement: &str,
) -> Result<ConfirmationRow, AppError> {
    let (view, expert) = as_expert(state, p, assessment_id).await?;
    let statement = domain::required_text(statement, "statement", MAX_TEXT)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    if !view.is_open() {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    let digest = answers_digest(&view);
    let client = view.row.organization_id.clone();
    let notices = [to_org(
        state,
        &client,
        NotificationKind::ExpertConfirmed,
        "expert-notif-confirmed-title",
        "expert-notif-confirmed-body",
        &[("expert", expert.name.clone())],
        &format!("/assessments/{assessment_id}"),
    )];
    let row = state
        .store
        .add_confirmation(
            shirube_store::Actor::user(&client, p.user_id()).with_notices(&notices),
            &client,
            assessment_id,
            &expert.id,
            &statement,
            &digest,
        )
        .await?;
    kick(state);
    Ok(row)
}

/// The newest confirmation of the assessment, and whether it still matches its answers and
/// evidence.
pub async fn confirmation(
    state: &App,
    view: &AssessmentView,
) -> Result<Option<(ConfirmationRow, bool)>, AppError> {
    Ok(state
        .store
        .latest_confirmation(&view.row.id)
        .await?
        .map(|c| {
            let current = c.answers_digest == answers_digest(view);
            (c, current)
        }))
}

/// What an expert's reads of the organisation's records were (owners only), newest first.
pub async fn reads(state: &App, p: &Principal) -> Result<Vec<AuditEntry>, AppError> {
    p.require_owner()?;
    Ok(state.store.expert_reads(p.org_id(), 500).await?)
}

/// What needs the expert first, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attention {
    /// ★3 is met and waits for the expert's confirmation.
    ConfirmationNeeded,
    /// The expert confirmed, but answers or evidence changed since.
    ConfirmationStale,
    /// Still answering.
    InProgress,
    /// No assessment started yet.
    NotStarted,
    /// Confirmed and current, declared or certified: nothing to do.
    Done,
}

impl Attention {
    pub fn key(self) -> &'static str {
        match self {
            Attention::ConfirmationNeeded => "expert-attention-confirm",
            Attention::ConfirmationStale => "expert-attention-stale",
            Attention::InProgress => "expert-attention-progress",
            Attention::NotStarted => "expert-attention-not-started",
            Attention::Done => "expert-attention-done",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Attention::ConfirmationNeeded => "confirmation_needed",
            Attention::ConfirmationStale => "confirmation_stale",
            Attention::InProgress => "in_progress",
            Attention::NotStarted => "not_started",
            Attention::Done => "done",
        }
    }
}

/// Evidence whose date is more than this many months before today (in Japan) is stale: the
/// scheme expects evidence to reflect the current year, and a yearly review is the usual rule.
pub const STALE_EVIDENCE_MONTHS: u32 = 12;

/// Vulnerability findings count as new when their check ran (an upload, or the automatic
/// re-check after new advisories) within this many days.
pub const NEW_FINDINGS_DAYS: i64 = 30;

/// One client in the expert's workspace.
#[derive(Debug, Clone)]
pub struct ClientItem {
    pub engagement_id: String,
    pub client_id: OrganizationId,
    pub client_name: String,
    pub assessment_id: Option<AssessmentId>,
    pub target_level: Option<i64>,
    pub achieved_level: Option<u8>,
    pub met: usize,
    pub total: usize,
    /// Criteria of the target level not met yet.
    pub gaps: usize,
    /// The first criteria that block the target (the head of the action plan: lower levels
    /// first, then what was started), at most [`BLOCKERS_SHOWN`].
    pub blockers: Vec<String>,
    /// Evidence in force dated before [`WorkspaceRules::stale_before`].
    pub stale_evidence: usize,
    /// Vulnerability findings of checks run since [`WorkspaceRules::findings_since`].
    pub new_findings: i64,
    pub attention: Attention,
}

/// How many blocking criteria the workspace names per client.
pub const BLOCKERS_SHOWN: usize = 3;

/// The dates behind the workspace's stale-evidence and new-findings columns, as of now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRules {
    /// Evidence dated before this day (`YYYY-MM-DD`, Japan) is stale.
    pub stale_before: String,
    /// Checks run from this instant (RFC 3339 UTC) bring new findings.
    pub findings_since: String,
}

impl WorkspaceRules {
    pub fn now(state: &App) -> WorkspaceRules {
        let today = state.clock.today_japan();
        let stale = today
            .checked_sub_months(chrono::Months::new(STALE_EVIDENCE_MONTHS))
            .unwrap_or(today);
        WorkspaceRules {
            stale_before: stale.format("%Y-%m-%d").to_string(),
            findings_since: shirube_store::format_time(
                state.clock.now() - chrono::Duration::days(NEW_FINDINGS_DAYS),
            ),
        }
    }
}

/// The expert's workspace: every active client with its newest assessment's level, progress,
/// what blocks its target, stale evidence and new findings, ordered by what needs the expert
/// first: the attention state, then new findings, then stale evidence, then the most gaps.
/// A fixed number of queries whatever the number of clients (bench/experts.sh).
pub async fn workspace(
    state: &App,
    p: &Principal,
) -> Result<(Vec<ClientItem>, WorkspaceRules), AppError> {
    let expert = require_expert(state, p).await?;
    let rules = WorkspaceRules::now(state);
    let rows = state
        .store
        .expert_workspace(&expert.id, &rules.findings_since)
        .await?;
    // The declared products of those assessments, in one more query.
    let mut products: std::collections::HashMap<String, Vec<shirube_store::ProductEvidenceRow>> =
        std::collections::HashMap::new();
    for d in state
        .store
        .expert_clients_product_evidence(&expert.id)
        .await?
    {
        products.entry(d.assessment_id.clone()).or_default().push(d);
    }
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let c = r.client;
        let mut item = ClientItem {
            engagement_id: c.engagement_id,
            client_id: c.client_id.clone(),
            client_name: c.client_name,
            assessment_id: None,
            target_level: None,
            achieved_level: None,
            met: 0,
            total: 0,
            gaps: 0,
            blockers: Vec::new(),
            stale_evidence: 0,
            new_findings: r.recent_findings,
            attention: Attention::NotStarted,
        };
        if let Some(d) = r.details {
            let mut view = crate::assessments::view_from_details(state, d);
            view.products = crate::selfsufficiency::evidence_from_rows(
                state,
                view.row.target_level,
                products.remove(view.row.id.as_str()).unwrap_or_default(),
            );
            let e = &view.evaluation;
            item.assessment_id = Some(view.row.id.clone());
            item.target_level = Some(view.row.target_level);
            item.achieved_level = e.achieved.map(|l| l.number());
            item.met = e.progress.met;
            item.total = e.progress.total;
            item.gaps = e.progress.total.saturating_sub(e.progress.met);
            item.blockers = e
                .action_plan
                .iter()
                .take(BLOCKERS_SHOWN)
                .map(|a| a.criterion_id.to_string())
                .collect();
            item.stale_evidence = view
                .evidence
                .iter()
                .filter(|ev| ev.evidence_date.as_str() < rules.stale_before.as_str())
                .count();
            item.attention = if !view.is_open() {
                Attention::Done
            } else {
                match &r.confirmation_digest {
                    Some(d) if *d == answers_digest(&view) => Attention::Done,
                    Some(_) => Attention::ConfirmationStale,
                    None if e.achieved.is_some() => Attention::ConfirmationNeeded,
                    None => Attention::InProgress,
                }
            };
        }
        items.push(item);
    }
    items.sort_by(|a, b| {
        a.attention
            .cmp(&b.attention)
            .then((b.new_findings > 0).cmp(&(a.new_findings > 0)))
            .then(b.stale_evidence.cmp(&a.stale_evidence))
            .then(b.gaps.cmp(&a.gaps))
            .then(a.client_name.cmp(&b.client_name))
    });
    Ok((items, rules))
}
