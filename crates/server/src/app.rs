//! The application layer: every rule lives here once, and both the JSON API and the pages
//! call it. Functions take the authenticated [`Principal`] and act only on its organisation.

pub mod scans;

use std::collections::HashMap;

use shirube_assess::{evaluate, Answer, AnswerStatus, Change, Evaluation};
use shirube_catalog::{Catalog, StarLevel};
use shirube_store::{
    AnswerRow, AnswerWrite, AssessmentRow, Declaration, EvidenceRow, NewEvidence, NewOrganization,
    NewUser, OrganizationRow, UserRow,
};

use crate::auth::{self, Principal};
use crate::domain::{self, CorporateNumber, Email, FieldError, Industry, Prefecture, Role};
use crate::error::AppError;
use crate::AppState;

/// Sign-up input as received (strings), validated here in one place.
#[derive(Debug, Default, Clone)]
pub struct SignupInput {
    pub org_name: String,
    pub corporate_number: String,
    pub industry: String,
    pub employees: String,
    pub prefecture: String,
    pub email: String,
    pub password: String,
    pub user_name: String,
}

fn collect<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Creates an organisation and its owner. All field problems are reported at once.
pub async fn signup(state: &AppState, input: &SignupInput) -> Result<(String, String), AppError> {
    let mut errs = Vec::new();
    let name = collect(
        &mut errs,
        domain::required_text(&input.org_name, "organization.name", 200),
    );
    let number = collect(
        &mut errs,
        CorporateNumber::parse(&input.corporate_number, "organization.corporate_number"),
    );
    let industry = collect(
        &mut errs,
        Industry::parse(&input.industry, "organization.industry"),
    );
    let employees = collect(
        &mut errs,
        domain::parse_employees(&input.employees, "organization.employees"),
    );
    let prefecture = collect(
        &mut errs,
        Prefecture::parse(&input.prefecture, "organization.prefecture"),
    );
    let email = collect(&mut errs, Email::parse(&input.email, "user.email"));
    let password = collect(
        &mut errs,
        domain::check_password(&input.password, "user.password"),
    );
    let user_name = collect(
        &mut errs,
        domain::required_text(&input.user_name, "user.name", 200),
    );
    let (
        Some(name),
        Some(number),
        Some(industry),
        Some(employees),
        Some(prefecture),
        Some(email),
        Some(password),
        Some(user_name),
    ) = (
        name, number, industry, employees, prefecture, email, password, user_name,
    )
    else {
        return Err(AppError::Invalid(errs));
    };
    let hash = auth::hash_password(password)?;
    let prefecture = prefecture.code();
    let org = NewOrganization {
        name: &name,
        corporate_number: number.as_str(),
        industry: industry.code(),
        employees,
        prefecture: &prefecture,
    };
    let owner = NewUser {
        email: email.as_str(),
        name: &user_name,
        role: Role::Owner.as_str(),
        password_hash: &hash,
    };
    Ok(state.store.create_organization(&org, &owner).await?)
}

/// The result of checking a password.
pub enum LoginOutcome {
    /// Signed in.
    Done(UserRow),
    /// Password right; a TOTP code is still needed.
    NeedsSecondFactor(UserRow),
}

/// Checks e-mail and password (and the TOTP code when given and enabled), slowing down
/// repeated failures per account.
pub async fn check_login(
    state: &AppState,
    email: &str,
    password: &str,
    totp_code: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let key = auth::limiter_key(email);
    if let Err(retry_after) = state.limiter.check(&key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let user = match Email::parse(email, "email") {
        Ok(e) => state.store.user_by_email(e.as_str()).await?,
        Err(_) => None,
    };
    let Some(user) = user.filter(|u| auth::verify_password(password, &u.password_hash)) else {
        if password.is_empty() {
            return Err(AppError::field("password", "err-required"));
        }
        auth::dummy_verify(password);
        state.limiter.failed(&key);
        return Err(AppError::Invalid(vec![FieldError::new(
            "password",
            "err-login",
        )]));
    };
    if user.totp_enabled {
        match totp_code {
            None => return Ok(LoginOutcome::NeedsSecondFactor(user)),
            Some(code) => {
                let secret = user.totp_secret.clone().unwrap_or_default();
                if !auth::totp::check(&secret, code, unix_now()) {
                    state.limiter.failed(&key);
                    return Err(AppError::field("totp", "err-totp"));
                }
            }
        }
    }
    state.limiter.succeeded(&key);
    Ok(LoginOutcome::Done(user))
}

pub fn unix_now() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// Whether the user must set up TOTP before doing anything else: owners of an organisation
/// that requires it.
pub async fn must_enrol_totp(state: &AppState, user: &UserRow) -> Result<bool, AppError> {
    if user.totp_enabled || user.role != Role::Owner.as_str() {
        return Ok(false);
    }
    Ok(state
        .store
        .organization(&user.organization_id)
        .await?
        .require_totp)
}

/// Issues a new API token for the caller; returns (id, secret). The secret is shown once.
pub async fn create_token(
    state: &AppState,
    p: &Principal,
    name: &str,
) -> Result<(String, String), AppError> {
    p.require_edit()?;
    let name = domain::required_text(name, "name", 100).map_err(|e| AppError::Invalid(vec![e]))?;
    let secret = auth::new_secret("shr_");
    let id = state
        .store
        .create_api_token(
            p.actor(),
            p.org_id(),
            p.user_id(),
            &name,
            &auth::secret_hash(&secret),
        )
        .await?;
    Ok((id, secret))
}

/// Issues a token after a password (and TOTP) check, for `POST /api/v1/auth/token`.
pub async fn token_for_login(state: &AppState, user: &UserRow) -> Result<String, AppError> {
    let secret = auth::new_secret("shr_");
    state
        .store
        .create_api_token(
            shirube_store::Actor::user(&user.organization_id, &user.id),
            &user.organization_id,
            &user.id,
            "API sign-in",
            &auth::secret_hash(&secret),
        )
        .await?;
    Ok(secret)
}

/// Parses a target level field.
pub fn parse_level(input: &str, field: &str) -> Result<StarLevel, AppError> {
    input
        .parse::<StarLevel>()
        .map_err(|_| AppError::field(field, "err-level"))
}

/// Starts an assessment, optionally copying the answers of an earlier one.
pub async fn create_assessment(
    state: &AppState,
    p: &Principal,
    target: StarLevel,
    copy_from: Option<&str>,
) -> Result<String, AppError> {
    p.require_edit()?;
    let id = state
        .store
        .create_assessment(
            p.actor(),
            p.org_id(),
            i64::from(target.number()),
            &state.catalog.edition,
            copy_from,
        )
        .await
        .map_err(|e| match e {
            shirube_store::StoreError::NotFound => {
                AppError::field("copy_from", "err-not-found-field")
            }
            other => other.into(),
        })?;
    Ok(id)
}

/// Records an answer; refuses unknown criteria, criteria outside the target level, N/A
/// without a reason, and frozen assessments.
pub async fn put_answer(
    state: &AppState,
    p: &Principal,
    assessment_id: &str,
    criterion_id: &str,
    status: &str,
    comment: Option<&str>,
    reason: Option<&str>,
) -> Result<(), AppError> {
    p.require_edit()?;
    let a = state.store.assessment(p.org_id(), assessment_id).await?;
    let criterion = state
        .catalog
        .criterion(criterion_id)
        .ok_or_else(|| AppError::field("criterion_id", "err-criterion"))?;
    if !criterion.required_for(level_of(&a)) {
        return Err(AppError::field("criterion_id", "err-criterion-level"));
    }
    let status: AnswerStatus = status
        .parse()
        .map_err(|_| AppError::field("status", "err-status"))?;
    let answer = Answer::new(status, comment, reason).map_err(|e| {
        AppError::field(
            e.field(),
            match e {
                shirube_assess::AnswerError::MissingReason => "err-na-reason",
                shirube_assess::AnswerError::TooLong { .. } => "err-too-long",
                shirube_assess::AnswerError::Status(_) => "err-status",
            },
        )
    })?;
    let write = AnswerWrite {
        criterion_id,
        status: answer.status().as_str(),
        comment: answer.comment(),
        not_applicable_reason: answer.not_applicable_reason(),
    };
    if !state
        .store
        .put_answer(p.actor(), p.org_id(), assessment_id, &write)
        .await?
    {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    Ok(())
}

/// Evidence as received.
pub enum EvidenceInput {
    File {
        file_name: String,
        content_type: String,
        bytes: Vec<u8>,
    },
    Link {
        url: String,
    },
}

/// Stores evidence for a criterion of an open assessment.
pub async fn add_evidence(
    state: &AppState,
    p: &Principal,
    assessment_id: &str,
    criterion_id: &str,
    input: EvidenceInput,
    evidence_date: &str,
) -> Result<String, AppError> {
    p.require_edit()?;
    let a = state.store.assessment(p.org_id(), assessment_id).await?;
    let mut errs = Vec::new();
    match state.catalog.criterion(criterion_id) {
        None => errs.push(FieldError::new("criterion_id", "err-criterion")),
        Some(c) if !c.required_for(level_of(&a)) => {
            errs.push(FieldError::new("criterion_id", "err-criterion-level"))
        }
        Some(_) => {}
    }
    let date = collect(
        &mut errs,
        domain::parse_date(evidence_date, "evidence_date"),
    );
    if let EvidenceInput::Link { url } = &input {
        let ok = url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
            && url.len() <= 2000;
        if !ok {
            errs.push(FieldError::new("url", "err-url"));
        }
    }
    if let EvidenceInput::File { bytes, .. } = &input {
        if bytes.is_empty() {
            errs.push(FieldError::new("file", "err-file-empty"));
        }
    }
    let Some(date) = date.filter(|_| errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    if a.status != shirube_store::STATUS_IN_PROGRESS {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    let id = match &input {
        EvidenceInput::File {
            file_name,
            content_type,
            bytes,
        } => {
            let sha = state
                .store
                .blobs()
                .put(bytes)
                .await
                .map_err(AppError::internal)?;
            let name: String = file_name
                .chars()
                .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                .take(200)
                .collect();
            let name = if name.trim().is_empty() {
                "evidence".to_string()
            } else {
                name
            };
            let ev = NewEvidence::File {
                sha256: &sha,
                file_name: &name,
                content_type,
                size: bytes.len() as i64,
            };
            state
                .store
                .add_evidence(
                    p.actor(),
                    p.org_id(),
                    assessment_id,
                    criterion_id,
                    &ev,
                    &date,
                )
                .await?
        }
        EvidenceInput::Link { url } => {
            let ev = NewEvidence::Link { url: url.trim() };
            state
                .store
                .add_evidence(
                    p.actor(),
                    p.org_id(),
                    assessment_id,
                    criterion_id,
                    &ev,
                    &date,
                )
                .await?
        }
    };
    id.ok_or(AppError::Conflict {
        key: "err-frozen",
        field: None,
    })
}

/// Reads an evidence file of the caller's organisation.
pub async fn evidence_file(
    state: &AppState,
    p: &Principal,
    evidence_id: &str,
) -> Result<(EvidenceRow, Vec<u8>), AppError> {
    let ev = state.store.evidence_item(p.org_id(), evidence_id).await?;
    let sha = ev.blob_sha256.clone().ok_or(AppError::NotFound)?;
    let bytes = state
        .store
        .blobs()
        .get(&sha)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok((ev, bytes))
}

/// The management's ★3 self-conformity declaration; refused (409) unless ★3 is achieved.
pub async fn declare(
    state: &AppState,
    p: &Principal,
    assessment_id: &str,
    signer_name: &str,
    signer_title: &str,
) -> Result<(), AppError> {
    p.require_owner()?;
    let view = assessment_view(state, p, assessment_id).await?;
    let mut errs = Vec::new();
    let name = collect(
        &mut errs,
        domain::required_text(signer_name, "signer_name", 200),
    );
    let title = collect(
        &mut errs,
        domain::required_text(signer_title, "signer_title", 200),
    );
    let (Some(name), Some(title)) = (name, title) else {
        return Err(AppError::Invalid(errs));
    };
    if view.row.status != shirube_store::STATUS_IN_PROGRESS {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    if view.level() != StarLevel::Three {
        return Err(AppError::Conflict {
            key: "err-declare-level4",
            field: None,
        });
    }
    if view.evaluation.achieved.is_none() {
        return Err(AppError::Conflict {
            key: "err-declare-not-achieved",
            field: None,
        });
    }
    let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let d = Declaration {
        signer_name: &name,
        signer_title: &title,
        date: &date,
    };
    if !state
        .store
        .declare(p.actor(), p.org_id(), assessment_id, &d)
        .await?
    {
        return Err(AppError::Conflict {
            key: "err-frozen",
            field: None,
        });
    }
    // The declaration stands on its own; the credential is issued now so that the register
    // shows it at once, and lazily on first request should this fail.
    let row = state.store.assessment(p.org_id(), assessment_id).await?;
    if let Err(e) = crate::trust::ensure_credential(state, &row).await {
        tracing::warn!(error = ?e, "credential issuance after declaration failed; it will be retried on request");
    }
    crate::buyers::level_changed(state, p.org_id(), assessment_id, true, 3).await?;
    Ok(())
}

fn level_of(a: &AssessmentRow) -> StarLevel {
    StarLevel::from_number(a.target_level).unwrap_or(StarLevel::Four)
}

/// Everything shown about one assessment.
pub struct AssessmentView {
    pub row: AssessmentRow,
    pub answers: HashMap<String, AnswerRow>,
    pub evaluation: Evaluation,
    pub evidence: Vec<EvidenceRow>,
    /// Changes against the assessment it was copied from.
    pub changes: Option<Vec<Change>>,
}

impl AssessmentView {
    pub fn level(&self) -> StarLevel {
        level_of(&self.row)
    }
    pub fn is_open(&self) -> bool {
        self.row.status == shirube_store::STATUS_IN_PROGRESS
    }
}

fn statuses(rows: &[AnswerRow]) -> HashMap<String, AnswerStatus> {
    rows.iter()
        .filter_map(|r| r.status.parse().ok().map(|s| (r.criterion_id.clone(), s)))
        .collect()
}

/// Loads an assessment of the caller's organisation with its computed result.
pub async fn assessment_view(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<AssessmentView, AppError> {
    assessment_view_of(state, p.org_id(), id).await
}

/// Loads an assessment of `organization_id`; callers decide who may see it (the owner, or a
/// buyer holding an active full share).
pub async fn assessment_view_of(
    state: &AppState,
    organization_id: &str,
    id: &str,
) -> Result<AssessmentView, AppError> {
    // One query for the row, its answers and its evidence: this view is behind every
    // assessment page and API read (bench/web.sh).
    let shirube_store::AssessmentDetails {
        row,
        answers: answer_rows,
        evidence,
    } = state.store.assessment_details(organization_id, id).await?;
    let current = statuses(&answer_rows);
    let evaluation = evaluate(&state.catalog, level_of(&row), &current);
    let changes = match &row.based_on {
        Some(prev) => {
            let before = statuses(&state.store.answers(prev).await?);
            Some(shirube_assess::diff(&state.catalog, &before, &current))
        }
        None => None,
    };
    let answers = answer_rows
        .into_iter()
        .map(|r| (r.criterion_id.clone(), r))
        .collect();
    Ok(AssessmentView {
        row,
        answers,
        evaluation,
        evidence,
        changes,
    })
}

/// The organisation's current standing, for the dashboard.
pub struct Standing {
    pub org: OrganizationRow,
    /// The newest open assessment, if any.
    pub current: Option<AssessmentView>,
    /// The newest declared assessment, if any.
    pub declared: Option<AssessmentRow>,
    pub history: Vec<AssessmentRow>,
}

pub async fn standing(state: &AppState, p: &Principal) -> Result<Standing, AppError> {
    let org = state.store.organization(p.org_id()).await?;
    let history = state.store.assessments(p.org_id()).await?;
    let current = match history
        .iter()
        .find(|a| a.status == shirube_store::STATUS_IN_PROGRESS)
    {
        Some(a) => Some(assessment_view(state, p, &a.id).await?),
        None => None,
    };
    let declared = history
        .iter()
        .find(|a| a.status == shirube_store::STATUS_DECLARED)
        .cloned();
    Ok(Standing {
        org,
        current,
        declared,
        history,
    })
}

/// Invites a member: returns the one-time token to put in the link (valid 14 days).
pub async fn invite(
    state: &AppState,
    p: &Principal,
    email: &str,
    role: &str,
) -> Result<String, AppError> {
    p.require_owner()?;
    let mut errs = Vec::new();
    let email = collect(&mut errs, Email::parse(email, "email"));
    let role = collect(&mut errs, Role::parse(role, "role"));
    let (Some(email), Some(role)) = (email, role) else {
        return Err(AppError::Invalid(errs));
    };
    if state.store.user_by_email(email.as_str()).await?.is_some() {
        return Err(AppError::Conflict {
            key: "err-already-registered",
            field: Some("email".into()),
        });
    }
    let token = auth::new_secret("inv_");
    let expires = shirube_store::format_time(chrono::Utc::now() + chrono::Duration::days(14));
    state
        .store
        .create_invitation(
            p.actor(),
            p.org_id(),
            email.as_str(),
            role.as_str(),
            &auth::secret_hash(&token),
            &expires,
        )
        .await?;
    Ok(token)
}

/// Accepts an invitation: creates the user with the invited role.
pub async fn accept_invitation(
    state: &AppState,
    token: &str,
    name: &str,
    password: &str,
) -> Result<UserRow, AppError> {
    let inv = state
        .store
        .invitation_by_token_hash(&auth::secret_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    if inv.accepted_at.is_some() || inv.expires_at < shirube_store::now_string() {
        return Err(AppError::Conflict {
            key: "err-invitation-used",
            field: None,
        });
    }
    let mut errs = Vec::new();
    let name = collect(&mut errs, domain::required_text(name, "name", 200));
    let password = collect(&mut errs, domain::check_password(password, "password"));
    let (Some(name), Some(password)) = (name, password) else {
        return Err(AppError::Invalid(errs));
    };
    let hash = auth::hash_password(password)?;
    let user = NewUser {
        email: &inv.email,
        name: &name,
        role: &inv.role,
        password_hash: &hash,
    };
    let id = state
        .store
        .accept_invitation(&inv, &user)
        .await
        .map_err(|e| match e {
            shirube_store::StoreError::NotFound => AppError::Conflict {
                key: "err-invitation-used",
                field: None,
            },
            other => other.into(),
        })?;
    Ok(state.store.user(&id).await?)
}

/// Changes a member's role (owners only; an owner cannot demote themself, so an
/// organisation always keeps an owner).
pub async fn set_role(
    state: &AppState,
    p: &Principal,
    user_id: &str,
    role: &str,
) -> Result<(), AppError> {
    p.require_owner()?;
    let role = Role::parse(role, "role").map_err(|e| AppError::Invalid(vec![e]))?;
    if user_id == p.user_id() && role != Role::Owner {
        return Err(AppError::Conflict {
            key: "err-last-owner",
            field: Some("role".into()),
        });
    }
    Ok(state
        .store
        .set_role(p.actor(), p.org_id(), user_id, role.as_str())
        .await?)
}

/// The catalog used by this server.
pub fn catalog(state: &AppState) -> &Catalog {
    &state.catalog
}
