//! Security experts over the API: sign-up, the public directory, engagements (request,
//! accept, decline, end), advice per criterion, the confirmation of a ★3 self-assessment,
//! the expert's workspace and the client's log of its experts' reads.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use shirube_app::experts::{self, EngagementRow, ExpertRow};
use shirube_app::views::AssessmentId;
use shirube_app::Principal;
use utoipa::{IntoParams, ToSchema};

use crate::api::problem::{BadRequest, Forbidden, JsonBodyErrors, NotFound, Problem, Unauthorized};
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::error::ApiError;
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Qualification {
    /// `riss` (情報処理安全確保支援士) or `scs_training`.
    #[schema(example = "riss")]
    pub kind: String,
    /// The registration or certificate number.
    #[schema(min_length = 1, max_length = 32, example = "012345")]
    pub number: String,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpertSignupRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 10 to 1,024 characters.
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
    pub qualification: Qualification,
    /// Where the expert works: JIS codes "01"–"47" or names.
    #[schema(min_items = 1, max_items = 47)]
    pub prefectures: Vec<String>,
    /// JSIC division letters, A–T.
    #[schema(min_items = 1, max_items = 30)]
    pub industries: Vec<String>,
    /// Language codes, e.g. `ja`, `en`.
    #[schema(min_items = 1, max_items = 20)]
    pub languages: Vec<String>,
    /// Whether the expert takes new clients (default true).
    #[serde(default = "yes")]
    pub accepting: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ExpertSignupResponse {
    pub expert_id: String,
    /// `pending` until the operator checks the qualification.
    pub status: String,
}

/// Signs a security expert up: their account and a pending expert record. The operator
/// approves it after checking the qualification (`shirube admin approve-expert`).
#[utoipa::path(post, path = "/api/v1/experts/signup", request_body = ExpertSignupRequest, tag = "experts",
    responses((status = 201, body = ExpertSignupResponse), JsonBodyErrors,
        (status = 403, description = "cross-site request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "e-mail already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a field is missing or invalid (named in errors)", body = Problem, content_type = "application/problem+json")))]
pub async fn signup(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ExpertSignupRequest>,
) -> Result<(StatusCode, Json<ExpertSignupResponse>), ApiError> {
    let input = experts::SignupInput {
        name: req.name,
        email: req.email,
        password: req.password,
        qualification_kind: req.qualification.kind,
        qualification_number: req.qualification.number,
        prefectures: req.prefectures,
        industries: req.industries,
        languages: req.languages,
        accepting: req.accepting,
    };
    let expert_id = experts::signup(&state, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ExpertSignupResponse {
            expert_id,
            status: "pending".into(),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct DirectoryQuery {
    /// A prefecture: JIS code "01"–"47" or its name.
    #[serde(default)]
    pub prefecture: Option<String>,
    /// A JSIC division letter, A–T.
    #[serde(default)]
    pub industry: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ExpertOut {
    pub id: String,
    pub name: String,
    /// `riss` or `scs_training`.
    pub qualification_kind: String,
    pub prefectures: Vec<String>,
    pub industries: Vec<String>,
    pub languages: Vec<String>,
    pub accepting: bool,
    /// Active engagements.
    pub clients: i64,
}

fn expert_out(e: ExpertRow) -> ExpertOut {
    ExpertOut {
        id: e.id,
        name: e.name,
        qualification_kind: e.qualification_kind.as_str().to_string(),
        prefectures: experts::list_of(&e.prefectures),
        industries: experts::list_of(&e.industries),
        languages: experts::list_of(&e.languages),
        accepting: e.accepting,
        clients: e.clients,
    }
}

/// The public directory: approved experts who accept clients, in a prefecture and industry.
#[utoipa::path(get, path = "/api/v1/experts", tag = "experts", params(DirectoryQuery),
    responses((status = 200, body = [ExpertOut]), BadRequest,
        (status = 422, description = "unknown prefecture or industry", body = Problem, content_type = "application/problem+json")))]
pub async fn directory(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DirectoryQuery>,
) -> Result<Json<Vec<ExpertOut>>, ApiError> {
    let rows = experts::directory(&state, q.prefecture.as_deref(), q.industry.as_deref()).await?;
    Ok(Json(rows.into_iter().map(expert_out).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct MyExpertOut {
    #[serde(flatten)]
    pub expert: ExpertOut,
    /// `pending`, `approved` or `withdrawn`.
    pub status: String,
    pub qualification_number: String,
}

/// The caller's own expert record (404 when the caller is not an expert).
#[utoipa::path(get, path = "/api/v1/experts/me", tag = "experts", security(("bearer" = [])),
    responses((status = 200, body = MyExpertOut), Unauthorized, NotFound))]
pub async fn me(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<MyExpertOut>, ApiError> {
    let e = experts::myself(&state, &p)
        .await?
        .ok_or(shirube_app::AppError::NotFound)?;
    let status = e.status.as_str().to_string();
    let qualification_number = e.qualification_number.clone();
    Ok(Json(MyExpertOut {
        expert: expert_out(e),
        status,
        qualification_number,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BecomeExpertRequest {
    /// The name the directory shows; default: the account's name.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: Option<String>,
    pub qualification: Qualification,
    /// Where the expert works: JIS codes "01"–"47" or names.
    #[schema(min_items = 1, max_items = 47)]
    pub prefectures: Vec<String>,
    /// JSIC division letters, A–T.
    #[schema(min_items = 1, max_items = 30)]
    pub industries: Vec<String>,
    /// Language codes, e.g. `ja`, `en`.
    #[schema(min_items = 1, max_items = 20)]
    pub languages: Vec<String>,
    /// Whether the expert takes new clients (default true).
    #[serde(default = "yes")]
    pub accepting: bool,
}

/// The signed-in person becomes a security expert with the account they have: no new
/// account, and their organisation stays theirs and becomes their practice (the expert's
/// notices go to its inbox; it cannot engage its own expert). Pending until the operator
/// checks the qualification (`shirube admin approve-expert`).
#[utoipa::path(post, path = "/api/v1/experts/me", request_body = BecomeExpertRequest, tag = "experts", security(("bearer" = [])),
    responses((status = 201, body = ExpertSignupResponse), JsonBodyErrors, Unauthorized,
        (status = 403, description = "a cross-site request, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the caller is an expert already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a field is missing or invalid (named in errors)", body = Problem, content_type = "application/problem+json")))]
pub async fn become_expert(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<BecomeExpertRequest>,
) -> Result<(StatusCode, Json<ExpertSignupResponse>), ApiError> {
    let input = experts::ProfileInput {
        qualification_kind: req.qualification.kind,
        qualification_number: req.qualification.number,
        prefectures: req.prefectures,
        industries: req.industries,
        languages: req.languages,
        accepting: req.accepting,
    };
    let expert_id = experts::become_expert(&state, &p, req.name.as_deref(), &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ExpertSignupResponse {
            expert_id,
            status: "pending".into(),
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementRequest {
    pub expert_id: String,
    /// What the company asks for (may be empty).
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct EngagementCreated {
    pub id: String,
    pub status: String,
}

/// A company (an owner) asks an expert to advise it; the expert is told.
#[utoipa::path(post, path = "/api/v1/engagements", request_body = EngagementRequest, tag = "experts", security(("bearer" = [])),
    responses((status = 201, body = EngagementCreated), JsonBodyErrors, Unauthorized,
        (status = 403, description = "only owners engage experts (or a cross-site request, or no CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already asked or engaged", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown, unapproved or not accepting expert; message too long", body = Problem, content_type = "application/problem+json")))]
pub async fn request(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<EngagementRequest>,
) -> Result<(StatusCode, Json<EngagementCreated>), ApiError> {
    let id = experts::request(&state, &p, &req.expert_id, &req.message).await?;
    Ok((
        StatusCode::CREATED,
        Json(EngagementCreated {
            id,
            status: "requested".into(),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct EngagementOut {
    pub id: String,
    pub status: String,
    pub expert_id: String,
    pub expert_name: String,
    pub client_id: String,
    pub client_name: String,
    pub message: String,
    pub created_at: String,
    pub accepted_at: Option<String>,
    pub ended_at: Option<String>,
}

fn engagement_out(g: EngagementRow) -> EngagementOut {
    EngagementOut {
        id: g.id,
        status: g.status.as_str().to_string(),
        expert_id: g.expert_id,
        expert_name: g.expert_name,
        client_id: g.client_id.into(),
        client_name: g.client_name,
        message: g.message,
        created_at: g.created_at,
        accepted_at: g.accepted_at,
        ended_at: g.ended_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct EngagementsOut {
    /// Engagements the caller's organisation asked for.
    pub as_client: Vec<EngagementOut>,
    /// Engagements with the caller as the expert.
    pub as_expert: Vec<EngagementOut>,
}

/// The caller's engagements, as a client and as an expert.
#[utoipa::path(get, path = "/api/v1/engagements", tag = "experts", security(("bearer" = [])),
    responses((status = 200, body = EngagementsOut), Unauthorized))]
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<EngagementsOut>, ApiError> {
    let e = experts::engagements(&state, &p).await?;
    Ok(Json(EngagementsOut {
        as_client: e.as_client.into_iter().map(engagement_out).collect(),
        as_expert: e.as_expert.into_iter().map(engagement_out).collect(),
    }))
}

/// The expert accepts a request; from now on they read the client's assessments.
#[utoipa::path(post, path = "/api/v1/engagements/{id}/accept", tag = "experts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = EngagementOut), BadRequest, Unauthorized, Forbidden, NotFound,
        (status = 409, description = "not requested any more, or the expert is not approved", body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EngagementOut>, ApiError> {
    Ok(Json(engagement_out(
        experts::accept(&state, &p, &id).await?,
    )))
}

/// The expert declines a request.
#[utoipa::path(post, path = "/api/v1/engagements/{id}/decline", tag = "experts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = EngagementOut), BadRequest, Unauthorized, Forbidden, NotFound,
        (status = 409, description = "not requested any more", body = Problem, content_type = "application/problem+json")))]
pub async fn decline(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EngagementOut>, ApiError> {
    Ok(Json(engagement_out(
        experts::decline(&state, &p, &id).await?,
    )))
}

/// Either side ends an engagement (or withdraws a request); the expert's access ends at once.
#[utoipa::path(delete, path = "/api/v1/engagements/{id}", tag = "experts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204, description = "ended"), BadRequest, Unauthorized, Forbidden, NotFound,
        (status = 409, description = "already ended or declined", body = Problem, content_type = "application/problem+json")))]
pub async fn end(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    experts::end(&state, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdviceRequest {
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct AdviceOut {
    pub criterion_id: String,
    pub expert_id: String,
    pub expert_name: String,
    pub body: String,
    pub updated_at: String,
}

/// The engaged expert writes advice on one criterion (the client's answers never change).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/advice/{criterion_id}", request_body = AdviceRequest, tag = "experts", security(("bearer" = [])),
    params(("id" = String, Path), ("criterion_id" = String, Path)),
    responses((status = 204, description = "saved"), JsonBodyErrors, Unauthorized, NotFound,
        (status = 403, description = "a cross-site request, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown criterion, one outside the level, or empty advice", body = Problem, content_type = "application/problem+json")))]
pub async fn advise(
    State(state): State<AppState>,
    p: Principal,
    ApiPath((id, criterion_id)): ApiPath<(AssessmentId, String)>,
    ApiJson(req): ApiJson<AdviceRequest>,
) -> Result<StatusCode, ApiError> {
    experts::advise(&state, &p, &id, &criterion_id, &req.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every expert's advice on an assessment the caller may read.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/advice", tag = "experts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = [AdviceOut]), BadRequest, Unauthorized, NotFound))]
pub async fn advice(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<AssessmentId>,
) -> Result<Json<Vec<AdviceOut>>, ApiError> {
    let rows = experts::advice(&state, &p, &id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|a| AdviceOut {
                criterion_id: a.criterion_id,
                expert_id: a.expert_id,
                expert_name: a.expert_name,
                body: a.body,
                updated_at: a.updated_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationRequest {
    /// The expert's statement, e.g. what was checked and how.
    #[schema(min_length = 1, max_length = 5000)]
    pub statement: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConfirmationOut {
    pub id: String,
    pub expert_id: String,
    pub confirmed_at: String,
    /// SHA-256 (hex) of the answers and evidence the expert confirmed.
    pub answers_digest: String,
}

/// The engaged expert confirms the client's self-assessment as it stands now; a ★3
/// declaration needs a confirmation that matches the current answers and evidence.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/expert-confirmation", request_body = ConfirmationRequest, tag = "experts", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 201, body = ConfirmationOut), JsonBodyErrors, Unauthorized, NotFound,
        (status = 403, description = "a cross-site request, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the assessment is declared or superseded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "empty statement", body = Problem, content_type = "application/problem+json")))]
pub async fn confirm(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<AssessmentId>,
    ApiJson(req): ApiJson<ConfirmationRequest>,
) -> Result<(StatusCode, Json<ConfirmationOut>), ApiError> {
    let c = experts::confirm(&state, &p, &id, &req.statement).await?;
    Ok((
        StatusCode::CREATED,
        Json(ConfirmationOut {
            id: c.id,
            expert_id: c.expert_id,
            confirmed_at: c.confirmed_at,
            answers_digest: c.answers_digest,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ClientOut {
    pub engagement_id: String,
    pub client_id: String,
    pub client_name: String,
    pub assessment_id: Option<String>,
    pub target_level: Option<i64>,
    pub achieved_level: Option<u8>,
    pub met: usize,
    pub total: usize,
    pub gaps: usize,
    /// The first criteria (at most three) that block the target level: lower levels first,
    /// then what was started.
    pub blockers: Vec<String>,
    /// Evidence in force dated more than 12 months before today (Japan time).
    pub stale_evidence: usize,
    /// Vulnerability findings of the client's checks run (uploaded, or re-checked after new
    /// advisories) in the last 30 days.
    pub new_findings: i64,
    /// `confirmation_needed`, `confirmation_stale`, `in_progress`, `not_started` or `done`.
    pub attention: String,
}

/// The expert's workspace: every active client, what needs the expert first (the attention
/// state, then clients with new findings, then stale evidence, then the most gaps). Evidence
/// is stale when dated more than 12 months before today in Japan; findings are new when
/// their check ran in the last 30 days.
#[utoipa::path(get, path = "/api/v1/experts/me/clients", tag = "experts", security(("bearer" = [])),
    responses((status = 200, body = [ClientOut]), Unauthorized,
        (status = 403, description = "the caller is not an expert", body = Problem, content_type = "application/problem+json")))]
pub async fn workspace(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ClientOut>>, ApiError> {
    let (items, _) = experts::workspace(&state, &p).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|c| ClientOut {
                engagement_id: c.engagement_id,
                client_id: c.client_id.into(),
                client_name: c.client_name,
                assessment_id: c.assessment_id.map(String::from),
                target_level: c.target_level,
                achieved_level: c.achieved_level,
                met: c.met,
                total: c.total,
                gaps: c.gaps,
                blockers: c.blockers,
                stale_evidence: c.stale_evidence,
                new_findings: c.new_findings,
                attention: c.attention.as_str().to_string(),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ExpertReadOut {
    pub at: String,
    /// The expert's user id.
    pub user_id: Option<String>,
    /// What was read (an assessment or evidence id).
    pub subject: String,
    /// `{expert_id, what}`.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// What the organisation's experts read, newest first (owners only).
#[utoipa::path(get, path = "/api/v1/expert-reads", tag = "experts", security(("bearer" = [])),
    responses((status = 200, body = [ExpertReadOut]), Unauthorized, Forbidden))]
pub async fn reads(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ExpertReadOut>>, ApiError> {
    let rows = experts::reads(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ExpertReadOut {
                at: r.at,
                user_id: r.user_id,
                subject: r.subject,
                detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedAdviserRequest {
    /// An approved expert from the directory (`GET /api/v1/experts`).
    pub expert_id: String,
}

/// Names an approved expert as the group's shared adviser (industry groups only; an owner or
/// member of the group). Every active member is told and may opt in; naming shares nothing.
/// Naming another expert replaces the first.
#[utoipa::path(put, path = "/api/v1/industry/shared-adviser", request_body = SharedAdviserRequest, tag = "industry", security(("bearer" = [])),
    responses((status = 200, body = ExpertOut), JsonBodyErrors, Unauthorized,
        (status = 403, description = "not an industry group, a viewer, or a cross-site request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "no approved expert with this id (errors name expert_id)", body = Problem, content_type = "application/problem+json")))]
pub async fn name_shared_adviser(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<SharedAdviserRequest>,
) -> Result<Json<ExpertOut>, ApiError> {
    let e = shirube_app::shared_advisers::name(&state, &p, &req.expert_id).await?;
    Ok(Json(expert_out(e)))
}

/// The group's shared adviser (industry groups only); 404 when none is named.
#[utoipa::path(get, path = "/api/v1/industry/shared-adviser", tag = "industry", security(("bearer" = [])),
    responses((status = 200, body = ExpertOut), Unauthorized, Forbidden, NotFound))]
pub async fn shared_adviser(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<ExpertOut>, ApiError> {
    let e = shirube_app::shared_advisers::current(&state, &p)
        .await?
        .ok_or(shirube_app::AppError::NotFound)?;
    Ok(Json(expert_out(e)))
}

/// Stops naming a shared adviser; members who opted in keep their engagement until either
/// side ends it.
#[utoipa::path(delete, path = "/api/v1/industry/shared-adviser", tag = "industry", security(("bearer" = [])),
    responses((status = 204, description = "no shared adviser now"), Unauthorized, Forbidden, NotFound))]
pub async fn clear_shared_adviser(
    State(state): State<AppState>,
    p: Principal,
) -> Result<StatusCode, ApiError> {
    shirube_app::shared_advisers::clear(&state, &p).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct AdviserOfferOut {
    pub group_id: String,
    pub group_name: String,
    pub expert_id: String,
    pub expert_name: String,
    /// `riss` or `scs_training`.
    pub qualification_kind: String,
    pub named_at: String,
    /// `opted_in`, `declined`, or null while unanswered.
    pub answer: Option<String>,
    /// The engagement made by opting in.
    pub engagement_id: Option<String>,
    /// The member has an open engagement with this expert (by opting in, or directly).
    pub engaged: bool,
}

/// The shared advisers named by the industry groups the caller's organisation is an active
/// member of, with its answers.
#[utoipa::path(get, path = "/api/v1/industry/shared-adviser-offers", tag = "industry", security(("bearer" = [])),
    responses((status = 200, body = [AdviserOfferOut]), Unauthorized))]
pub async fn adviser_offers(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<AdviserOfferOut>>, ApiError> {
    let rows = shirube_app::shared_advisers::offers(&state, &p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|o| AdviserOfferOut {
                group_id: o.group_id.into(),
                group_name: o.group_name,
                expert_id: o.expert_id,
                expert_name: o.expert_name,
                qualification_kind: o.qualification_kind.as_str().to_string(),
                named_at: o.named_at,
                answer: o.answer,
                engagement_id: o.engagement_id,
                engaged: o.engaged,
            })
            .collect(),
    ))
}

/// An owner of a member opts in to its group's shared adviser: the same active engagement
/// as a direct one (the expert reads the member's assessments, evidence and checks, every
/// read in the member's audit log; either side ends it with `DELETE /api/v1/engagements/{id}`).
#[utoipa::path(post, path = "/api/v1/industry/shared-adviser-offers/{group_id}/opt-in", tag = "industry", security(("bearer" = [])),
    params(("group_id" = String, Path)),
    responses((status = 201, body = EngagementCreated), BadRequest, Unauthorized, NotFound,
        (status = 403, description = "not an owner, or a cross-site request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "an engagement with this expert is open already, or the expert was withdrawn", body = Problem, content_type = "application/problem+json")))]
pub async fn opt_in(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(group_id): ApiPath<String>,
) -> Result<(StatusCode, Json<EngagementCreated>), ApiError> {
    let id = shirube_app::shared_advisers::opt_in(&state, &p, &group_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(EngagementCreated {
            id,
            status: "active".into(),
        }),
    ))
}

/// An owner of a member declines its group's shared adviser; nothing is shared.
#[utoipa::path(post, path = "/api/v1/industry/shared-adviser-offers/{group_id}/decline", tag = "industry", security(("bearer" = [])),
    params(("group_id" = String, Path)),
    responses((status = 204, description = "declined"), BadRequest, Unauthorized, NotFound,
        (status = 403, description = "not an owner, or a cross-site request", body = Problem, content_type = "application/problem+json")))]
pub async fn decline_offer(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(group_id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    shirube_app::shared_advisers::decline(&state, &p, &group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
