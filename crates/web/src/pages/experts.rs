//! Security-expert pages: the public directory (with the request form for a company's
//! owners), the expert's sign-up, and the engagements page — for a company its requests and
//! experts; for an expert the requests to answer and the workspace of clients ordered by what
//! needs the expert first, with advice and confirmation forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_catalog::Lang;

use crate::auth::ReqLang;
use crate::error::PageError;
use crate::pages::{render, render_status, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::domain::{industry_name, prefecture_name, INDUSTRIES, PREFECTURES};
use shirube_app::experts::{self, EngagementRow, EngagementStatus, ExpertRow};
use shirube_app::i18n::Tr;
use shirube_app::shared_advisers;
use shirube_app::views::AssessmentId;
use shirube_app::AppError;
use shirube_app::Principal;

/// One expert in the directory, ready to show.
#[derive(Debug, Clone)]
pub struct ExpertItem {
    pub id: String,
    pub name: String,
    pub qualification: String,
    pub prefectures: String,
    pub industries: String,
    pub languages: String,
    pub clients: i64,
}

fn expert_item(t: &Tr, e: ExpertRow) -> ExpertItem {
    let lang = t.lang;
    ExpertItem {
        qualification: t.label(e.qualification_kind),
        prefectures: experts::list_of(&e.prefectures)
            .iter()
            .map(|p| prefecture_name(p, lang))
            .collect::<Vec<_>>()
            .join("、"),
        industries: experts::list_of(&e.industries)
            .iter()
            .map(|i| industry_name(i, lang))
            .collect::<Vec<_>>()
            .join(" / "),
        languages: experts::list_of(&e.languages).join(", "),
        id: e.id,
        name: e.name,
        clients: e.clients,
    }
}

/// The options of a select: (value, label).
type Options = Vec<(String, String)>;

/// The prefecture and industry options in a language.
fn choices(lang: Lang) -> (Options, Options) {
    let prefectures = PREFECTURES
        .iter()
        .enumerate()
        .map(|(i, (ja, en))| {
            (
                format!("{:02}", i + 1),
                if lang == Lang::Ja { ja } else { en }.to_string(),
            )
        })
        .collect();
    let industries = INDUSTRIES
        .iter()
        .map(|(c, ja, en)| {
            (
                c.to_string(),
                format!("{c}: {}", if lang == Lang::Ja { ja } else { en }),
            )
        })
        .collect();
    (prefectures, industries)
}

#[derive(Template)]
#[template(path = "experts/directory.html")]
pub struct DirectoryPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub experts: Vec<ExpertItem>,
    pub prefecture: String,
    pub industry: String,
    pub prefectures: Vec<(String, String)>,
    pub industries: Vec<(String, String)>,
    /// The visitor may ask an expert (an owner of a company, signed in).
    pub can_request: bool,
    pub errors: FieldMessages,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DirectoryQuery {
    pub prefecture: String,
    pub industry: String,
}

async fn directory_page(
    state: &AppState,
    lang: Lang,
    p: Option<&Principal>,
    q: DirectoryQuery,
    mut errors: FieldMessages,
) -> Result<(DirectoryPage, Option<AppError>), AppError> {
    let t = Tr::new(lang);
    let (rows, refused) =
        match experts::directory(state, Some(&q.prefecture), Some(&q.industry)).await {
            Ok(rows) => (rows, None),
            Err(e @ AppError::Invalid(_)) => {
                errors.0.extend(e.field_messages(lang));
                (experts::directory(state, None, None).await?, Some(e))
            }
            Err(e) => return Err(e),
        };
    let nav = match p {
        Some(p) => Nav::for_principal(state, p).await?,
        None => None,
    };
    let (prefectures, industries) = choices(lang);
    let page = DirectoryPage {
        nav,
        experts: rows.into_iter().map(|e| expert_item(&t, e)).collect(),
        prefecture: q.prefecture,
        industry: q.industry,
        prefectures,
        industries,
        can_request: p.is_some_and(|p| p.role.is_owner()),
        errors,
        t,
    };
    Ok((page, refused))
}

/// The public directory of approved experts who accept clients.
pub async fn directory(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Query(q): Query<DirectoryQuery>,
) -> Result<Response, PageError> {
    let p = crate::auth::resolve(&headers, &state).await.ok().flatten();
    let lang = p.as_ref().map_or(lang, |p| p.lang);
    let (page, refused) = directory_page(&state, lang, p.as_ref(), q, FieldMessages::default())
        .await
        .page(lang)?;
    match refused {
        Some(e) => render_status(&page, lang, crate::error::status(&e)),
        None => render(&page, lang),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RequestForm {
    pub csrf_token: String,
    pub expert_id: String,
    pub message: String,
}

/// A company's owner asks an expert from the directory.
pub async fn request(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<RequestForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match experts::request(&state, &p, &form.expert_id, &form.message).await {
        Ok(_) => Ok(Redirect::to("/engagements").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let (page, _) = directory_page(
                &state,
                lang,
                Some(&p),
                DirectoryQuery::default(),
                FieldMessages::from_error(&e, lang),
            )
            .await
            .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignupForm {
    pub name: String,
    pub email: String,
    pub password: String,
    pub qualification_kind: String,
    pub qualification_number: String,
    /// Comma-separated prefecture codes or names.
    pub prefectures: String,
    /// Comma-separated JSIC letters.
    pub industries: String,
    /// Comma-separated language codes.
    pub languages: String,
    /// `yes` when the box is ticked.
    pub accepting: String,
}

#[derive(Template)]
#[template(path = "experts/signup.html")]
pub struct SignupPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub form: SignupForm,
    pub errors: FieldMessages,
    /// Signed up: the page says what happens next instead of the form.
    pub done: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignupDone {
    pub done: Option<String>,
}

/// The form, or (after a successful sign-up, redirected here) what happens next.
pub async fn signup_form(
    ReqLang(lang): ReqLang,
    Query(q): Query<SignupDone>,
) -> Result<Response, PageError> {
    render(
        &SignupPage {
            t: Tr::new(lang),
            nav: None,
            form: SignupForm {
                languages: "ja".into(),
                accepting: "yes".into(),
                ..Default::default()
            },
            errors: FieldMessages::default(),
            done: q.done.is_some(),
        },
        lang,
    )
}

fn split(list: &str) -> Vec<String> {
    list.split([',', '、', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Signs an expert up; like the company sign-up, a pre-session form relies on the Origin
/// check and SameSite cookies instead of a CSRF token.
pub async fn signup_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Form(form): Form<SignupForm>,
) -> Result<Response, PageError> {
    let input = experts::SignupInput {
        name: form.name.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        qualification_kind: form.qualification_kind.clone(),
        qualification_number: form.qualification_number.clone(),
        prefectures: split(&form.prefectures),
        industries: split(&form.industries),
        languages: split(&form.languages),
        accepting: form.accepting == "yes",
    };
    match experts::signup(&state, &input).await {
        // Redirected, so that a reload does not send the sign-up again.
        Ok(_) => Ok(Redirect::to("/experts/signup?done=1").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            // List elements are named by index (`prefectures[1]`); the form has one input
            // per list.
            let errors = FieldMessages(
                e.field_messages(lang)
                    .into_iter()
                    .map(|(f, m)| (f.split('[').next().unwrap_or("").to_string(), m))
                    .collect(),
            );
            render_status(
                &SignupPage {
                    t: Tr::new(lang),
                    nav: None,
                    form: SignupForm {
                        password: String::new(),
                        ..form
                    },
                    errors,
                    done: false,
                },
                lang,
                crate::error::status(&e),
            )
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// An engagement row, ready to show.
#[derive(Debug, Clone)]
pub struct EngagementItem {
    pub id: String,
    pub other: String,
    pub status: String,
    pub open: bool,
    pub requested: bool,
    pub message: String,
    pub since: String,
}

fn engagement_item(t: &Tr, g: EngagementRow, as_client: bool) -> EngagementItem {
    EngagementItem {
        status: t.label(g.status),
        open: g.status.is_open(),
        requested: g.status == EngagementStatus::Requested,
        since: t.date(
            g.accepted_at
                .as_deref()
                .or(g.ended_at.as_deref())
                .unwrap_or(&g.created_at),
        ),
        other: if as_client {
            g.expert_name
        } else {
            g.client_name
        },
        message: g.message,
        id: g.id,
    }
}

/// A shared adviser named by one of the organisation's industry groups, ready to show.
#[derive(Debug, Clone)]
pub struct OfferItem {
    pub group_id: String,
    pub group: String,
    pub expert: String,
    pub qualification: String,
    pub answer: String,
    /// Engaged with the expert (by opting in or directly): nothing to answer.
    pub opted_in: bool,
    pub declined: bool,
}

/// One client in the expert's workspace, ready to show.
#[derive(Debug, Clone)]
pub struct ClientItem {
    pub engagement_id: String,
    pub name: String,
    pub assessment_id: String,
    pub level: String,
    pub progress: String,
    /// The first blocking criteria, joined, with how many more.
    pub blockers: String,
    pub stale_evidence: usize,
    pub new_findings: i64,
    pub attention: String,
    /// The expert can confirm now (met and not confirmed, or changed since).
    pub confirmable: bool,
}

#[derive(Template)]
#[template(path = "experts/engagements.html")]
pub struct EngagementsPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub as_client: Vec<EngagementItem>,
    pub is_owner: bool,
    /// The caller's expert status, when the caller is an expert.
    pub expert_status: Option<String>,
    pub requests: Vec<EngagementItem>,
    pub clients: Vec<ClientItem>,
    /// The rules behind the stale-evidence and new-findings columns, with their dates.
    pub rules: String,
    /// Shared advisers named by the organisation's industry groups.
    pub offers: Vec<OfferItem>,
    pub errors: FieldMessages,
}

async fn engagements_page(
    state: &AppState,
    p: &Principal,
    errors: FieldMessages,
) -> Result<EngagementsPage, AppError> {
    let t = Tr::new(p.lang);
    let e = experts::engagements(state, p).await?;
    let (clients, rules) = match &e.expert {
        Some(_) => {
            let (items, rules) = experts::workspace(state, p).await?;
            let rules = t.targs(
                "expert2-workspace-rules",
                &[
                    ("stale", t.date(&rules.stale_before)),
                    ("months", experts::STALE_EVIDENCE_MONTHS.to_string()),
                    ("days", experts::NEW_FINDINGS_DAYS.to_string()),
                ],
            );
            let items = items
                .into_iter()
                .map(|c| ClientItem {
                    confirmable: matches!(
                        c.attention,
                        experts::Attention::ConfirmationNeeded
                            | experts::Attention::ConfirmationStale
                    ),
                    attention: t.t(c.attention.key()),
                    level: c.target_level.map(|l| format!("★{l}")).unwrap_or_default(),
                    progress: if c.total > 0 {
                        format!("{} / {}", c.met, c.total)
                    } else {
                        String::new()
                    },
                    blockers: if c.gaps > c.blockers.len() {
                        t.targs(
                            "expert2-blockers-more",
                            &[
                                ("list", c.blockers.join(", ")),
                                ("n", (c.gaps - c.blockers.len()).to_string()),
                            ],
                        )
                    } else {
                        c.blockers.join(", ")
                    },
                    stale_evidence: c.stale_evidence,
                    new_findings: c.new_findings,
                    assessment_id: c.assessment_id.map(String::from).unwrap_or_default(),
                    engagement_id: c.engagement_id,
                    name: c.client_name,
                })
                .collect();
            (items, rules)
        }
        None => (Vec::new(), String::new()),
    };
    Ok(EngagementsPage {
        nav: Nav::for_principal(state, p).await?,
        as_client: e
            .as_client
            .into_iter()
            .map(|g| engagement_item(&t, g, true))
            .collect(),
        is_owner: p.role.is_owner(),
        expert_status: e.expert.as_ref().map(|x| t.label(x.status)),
        requests: e
            .as_expert
            .into_iter()
            .filter(|g| g.status == EngagementStatus::Requested)
            .map(|g| engagement_item(&t, g, false))
            .collect(),
        clients,
        rules,
        offers: shared_advisers::offers(state, p)
            .await?
            .into_iter()
            .map(|o| OfferItem {
                group_id: o.group_id.to_string(),
                group: o.group_name,
                expert: o.expert_name,
                qualification: t.label(o.qualification_kind),
                opted_in: o.engaged,
                declined: o.answer.as_deref() == Some("declined"),
                answer: t.t(match (o.answer.as_deref(), o.engaged) {
                    (Some("opted_in"), true) => "expert2-answer-opted-in",
                    (_, true) => "expert2-answer-engaged",
                    (Some("declined"), _) => "expert2-answer-declined",
                    (Some("opted_in"), false) => "expert2-answer-ended",
                    _ => "expert2-answer-none",
                }),
            })
            .collect(),
        errors,
        t,
    })
}

pub async fn engagements(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    let page = engagements_page(&state, &p, FieldMessages::default())
        .await
        .page(p.lang)?;
    render(&page, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf_token: String,
}

/// Re-renders the engagements page with a refused form's messages, or fails the page.
async fn refused(state: &AppState, p: &Principal, e: AppError) -> Result<Response, PageError> {
    let lang = p.lang;
    match e {
        AppError::Invalid(_) | AppError::Conflict { .. } => {
            let page = engagements_page(state, p, FieldMessages::from_error(&e, lang))
                .await
                .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        other => Err(PageError(other, lang)),
    }
}

/// The expert accepts a request.
pub async fn accept(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    match experts::accept(&state, &p, &id).await {
        Ok(_) => Ok(Redirect::to("/engagements#clients-h").into_response()),
        Err(e) => refused(&state, &p, e).await,
    }
}

/// The expert declines a request.
pub async fn decline(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    match experts::decline(&state, &p, &id).await {
        Ok(_) => Ok(Redirect::to("/engagements").into_response()),
        Err(e) => refused(&state, &p, e).await,
    }
}

/// Either side ends an engagement.
pub async fn end(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    match experts::end(&state, &p, &id).await {
        Ok(()) => Ok(Redirect::to("/engagements").into_response()),
        Err(e) => refused(&state, &p, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdviceForm {
    pub csrf_token: String,
    pub criterion_id: String,
    pub body: String,
}

/// The expert writes advice on one criterion of a client's assessment.
pub async fn advise(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
    Form(form): Form<AdviceForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    match experts::advise(&state, &p, &id, form.criterion_id.trim(), &form.body).await {
        Ok(()) => Ok(Redirect::to("/engagements#clients-h").into_response()),
        Err(e) => refused(&state, &p, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    pub csrf_token: String,
    pub statement: String,
}

/// The expert confirms a client's assessment as it stands.
pub async fn confirm(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    match experts::confirm(&state, &p, &id, &form.statement).await {
        Ok(_) => Ok(Redirect::to("/engagements#clients-h").into_response()),
        Err(e) => refused(&state, &p, e).await,
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct BecomeForm {
    pub csrf_token: String,
    pub name: String,
    pub qualification_kind: String,
    pub qualification_number: String,
    /// Comma-separated prefecture codes or names.
    pub prefectures: String,
    /// Comma-separated JSIC letters.
    pub industries: String,
    /// Comma-separated language codes.
    pub languages: String,
    /// `yes` when the box is ticked.
    pub accepting: String,
}

/// The page on which a signed-in person becomes an expert with the account they have.
#[derive(Template)]
#[template(path = "experts2/become.html")]
pub struct BecomePage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub form: BecomeForm,
    pub errors: FieldMessages,
    /// Already an expert: the status instead of the form.
    pub status_line: Option<String>,
    /// Which organisation becomes the practice.
    pub practice_note: String,
}

async fn become_page(
    state: &AppState,
    p: &Principal,
    form: BecomeForm,
    errors: FieldMessages,
) -> Result<BecomePage, AppError> {
    let t = Tr::new(p.lang);
    let nav = Nav::for_principal(state, p).await?;
    let org = shirube_app::accounts::nav_facts(state, p).await?.name;
    let status_line = experts::myself(state, p)
        .await?
        .map(|e| t.targs("expert2-become-status", &[("status", t.label(e.status))]));
    Ok(BecomePage {
        practice_note: t.targs("expert2-become-practice", &[("org", org)]),
        nav,
        form,
        errors,
        status_line,
        t,
    })
}

/// The form for a signed-in person to become an expert, or their status once they are one.
pub async fn become_form(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    let name = shirube_app::accounts::me(&state, &p)
        .await
        .page(p.lang)?
        .name;
    let form = BecomeForm {
        name,
        languages: if p.lang == Lang::Ja { "ja" } else { "en" }.into(),
        accepting: "yes".into(),
        ..Default::default()
    };
    let page = become_page(&state, &p, form, FieldMessages::default())
        .await
        .page(p.lang)?;
    render(&page, p.lang)
}

/// A signed-in person becomes a (pending) expert; back to the page, which then shows the
/// status. A refused form keeps what was typed and names each problem.
pub async fn become_submit(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<BecomeForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    let input = experts::ProfileInput {
        qualification_kind: form.qualification_kind.clone(),
        qualification_number: form.qualification_number.clone(),
        prefectures: split(&form.prefectures),
        industries: split(&form.industries),
        languages: split(&form.languages),
        accepting: form.accepting == "yes",
    };
    // An emptied name field is a missing name, not "use the account's name".
    let name = form.name.trim();
    let result = if name.is_empty() {
        Err(AppError::Invalid(vec![
            shirube_app::domain::FieldError::new("name", "err-required"),
        ]))
    } else {
        experts::become_expert(&state, &p, Some(name), &input).await
    };
    match result {
        Ok(_) => Ok(Redirect::to("/experts/become").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let errors = FieldMessages(
                e.field_messages(lang)
                    .into_iter()
                    .map(|(f, m)| (f.split('[').next().unwrap_or("").to_string(), m))
                    .collect(),
            );
            let page = become_page(&state, &p, form, errors).await.page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// A member's owner opts in to its group's shared adviser.
pub async fn opt_in(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(group_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    match shared_advisers::opt_in(&state, &p, &group_id).await {
        Ok(_) => Ok(Redirect::to("/engagements#adviser-offers-h").into_response()),
        Err(e) => refused(&state, &p, e).await,
    }
}

/// A member's owner declines its group's shared adviser.
pub async fn decline_offer(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(group_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    match shared_advisers::decline(&state, &p, &group_id).await {
        Ok(()) => Ok(Redirect::to("/engagements#adviser-offers-h").into_response()),
        Err(e) => refused(&state, &p, e).await,
    }
}

/// The industry group's page for its shared adviser.
#[derive(Template)]
#[template(path = "experts2/shared_adviser.html")]
pub struct SharedAdviserPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub current: Option<ExpertItem>,
    /// Approved experts to choose from: (id, "name (qualification, areas)").
    pub experts: Vec<(String, String)>,
    pub selected: String,
    pub saved: bool,
    pub cleared: bool,
    pub errors: FieldMessages,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SharedAdviserQuery {
    pub saved: Option<String>,
    pub cleared: Option<String>,
}

async fn shared_adviser_page(
    state: &AppState,
    p: &Principal,
    q: SharedAdviserQuery,
    selected: String,
    errors: FieldMessages,
) -> Result<SharedAdviserPage, AppError> {
    let t = Tr::new(p.lang);
    let current = shared_advisers::current(state, p).await?;
    let experts = experts::directory(state, None, None)
        .await?
        .into_iter()
        .filter(|e| e.organization_id != p.org_id())
        .map(|e| {
            let item = expert_item(&t, e);
            (
                item.id.clone(),
                format!(
                    "{} ({}, {})",
                    item.name, item.qualification, item.prefectures
                ),
            )
        })
        .collect();
    Ok(SharedAdviserPage {
        nav: Nav::for_principal(state, p).await?,
        selected: if selected.is_empty() {
            current.as_ref().map(|e| e.id.clone()).unwrap_or_default()
        } else {
            selected
        },
        current: current.map(|e| expert_item(&t, e)),
        experts,
        saved: q.saved.is_some(),
        cleared: q.cleared.is_some(),
        errors,
        t,
    })
}

pub async fn shared_adviser(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<SharedAdviserQuery>,
) -> Result<Response, PageError> {
    let page = shared_adviser_page(&state, &p, q, String::new(), FieldMessages::default())
        .await
        .page(p.lang)?;
    render(&page, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NameAdviserForm {
    pub csrf_token: String,
    pub expert_id: String,
}

/// The group names its shared adviser.
pub async fn name_shared_adviser(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<NameAdviserForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match shared_advisers::name(&state, &p, &form.expert_id).await {
        Ok(_) => Ok(Redirect::to("/industry/shared-adviser?saved=1").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let page = shared_adviser_page(
                &state,
                &p,
                SharedAdviserQuery::default(),
                form.expert_id,
                FieldMessages::from_error(&e, lang),
            )
            .await
            .page(lang)?;
            render_status(&page, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// The group stops naming a shared adviser.
pub async fn clear_shared_adviser(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    p.check_csrf(&form.csrf_token).page(p.lang)?;
    shared_advisers::clear(&state, &p).await.page(p.lang)?;
    Ok(Redirect::to("/industry/shared-adviser?cleared=1").into_response())
}
