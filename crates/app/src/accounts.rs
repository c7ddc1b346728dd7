//! Accounts and sessions: sign-up, sign-in (argon2id passwords, TOTP, slowing down repeated
//! failures), sessions and API tokens (random secrets stored as SHA-256), the `Principal`
//! every use case takes, members, invitations and roles.

use crate::views::{OrganizationId, SessionId, UserId};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use sha2::{Digest, Sha256};
use shirube_catalog::Lang;
use shirube_store::{NewOrganization, NewUser, UserRow};

use crate::domain::{
    self, collect, CorporateNumber, Email, FieldError, Industry, Prefecture, Role,
};
use crate::error::AppError;
use crate::App;

/// Sessions last a working week.
pub const SESSION_TTL_HOURS: i64 = 24 * 7;

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt =
        SaltString::encode_b64(&crate::clock::random_bytes::<16>()).map_err(AppError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// Checks a password against a stored PHC hash in constant time.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that costs the same as a real verification, for unknown e-mail addresses, so that
/// response time does not tell which addresses exist.
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default());
    let _ = verify_password(password, stored);
}

/// A new random secret (256 bits), URL-safe, with a prefix that says what it is.
pub fn new_secret(prefix: &str) -> String {
    let bytes = crate::clock::random_bytes::<32>();
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Secrets are stored only as SHA-256: they are random and long, so a slow hash adds nothing.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time string comparison for CSRF tokens.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    Session { token_hash: String, csrf: String },
    Token,
}

/// The authenticated caller: a user acting for their organisation with a role.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: UserRow,
    pub role: Role,
    pub via: Via,
    pub lang: Lang,
}

impl Principal {
    pub fn org_id(&self) -> &OrganizationId {
        &self.user.organization_id
    }

    pub fn user_id(&self) -> &UserId {
        &self.user.id
    }

    pub fn actor(&self) -> shirube_store::Actor<'_> {
        shirube_store::Actor::user(&self.user.organization_id, &self.user.id)
    }

    pub fn require_edit(&self) -> Result<(), AppError> {
        if self.role.can_edit() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_owner(&self) -> Result<(), AppError> {
        if self.role.is_owner() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The per-session CSRF token to embed in forms ("" for token callers).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token => "",
        }
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        match &self.via {
            Via::Session { csrf, .. } if same(csrf, submitted) => Ok(()),
            Via::Session { .. } => Err(AppError::Forbidden),
            Via::Token => Ok(()),
        }
    }
}

/// A session whose password step is done but whose TOTP step is not.
pub struct PendingSession {
    pub token_hash: String,
    pub csrf: String,
    pub user: UserRow,
    pub lang: Lang,
}

/// The caller behind an API token (`Authorization: Bearer`), if the token is valid.
pub async fn principal_for_token(
    app: &App,
    token: &str,
    lang: Lang,
) -> Result<Principal, AppError> {
    let user = app
        .store
        .user_for_token(&secret_hash(token))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let role = user.role;
    Ok(Principal {
        user,
        role,
        via: Via::Token,
        lang,
    })
}

/// The caller behind a session cookie's secret, or `None` when the session is unknown,
/// expired or still waiting for its second factor.
pub async fn principal_for_session(
    app: &App,
    secret: &str,
    lang: Lang,
) -> Result<Option<Principal>, AppError> {
    let token_hash = secret_hash(secret);
    let now = app.clock.now_string();
    let Some((row, user)) = app.store.session(&token_hash, &now).await? else {
        return Ok(None);
    };
    if row.second_factor_pending {
        return Ok(None);
    }
    let role = user.role;
    Ok(Some(Principal {
        user,
        role,
        via: Via::Session {
            token_hash,
            csrf: row.csrf_token,
        },
        lang,
    }))
}

/// A session still waiting for its TOTP code.
pub async fn pending_session(
    app: &App,
    secret: &str,
    lang: Lang,
) -> Result<Option<PendingSession>, AppError> {
    let token_hash = secret_hash(secret);
    let now = app.clock.now_string();
    let Some((row, user)) = app.store.session(&token_hash, &now).await? else {
        return Ok(None);
    };
    if !row.second_factor_pending {
        return Ok(None);
    }
    Ok(Some(PendingSession {
        token_hash,
        csrf: row.csrf_token,
        user,
        lang,
    }))
}

/// Kept in memory: a restart forgets, which only ever helps a legitimate user.
#[derive(Default)]
pub struct LoginLimiter {
    entries: Mutex<HashMap<String, (u32, Instant)>>,
}

const FREE_FAILURES: u32 = 5;
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

impl LoginLimiter {
    fn delay(failures: u32) -> Duration {
        if failures < FREE_FAILURES {
            return Duration::ZERO;
        }
        let exp = (failures - FREE_FAILURES).min(20);
        Duration::from_secs(1u64 << exp).min(MAX_DELAY)
    }

    /// `Err(seconds)` when the account must wait before the next attempt.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((failures, last)) = map.get(key) {
            let wait = Self::delay(*failures);
            let elapsed = last.elapsed();
            if elapsed < wait {
                return Err((wait - elapsed).as_secs().max(1));
            }
        }
        Ok(())
    }

    pub fn failed(&self, key: &str) {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, last)| last.elapsed() < MAX_DELAY);
        }
        let e = map.entry(key.to_string()).or_insert((0, Instant::now()));
        e.0 += 1;
        e.1 = Instant::now();
    }

    pub fn succeeded(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// The limiter key of an e-mail address (hashed so that addresses never sit in memory dumps
/// or logs in clear).
pub fn limiter_key(email: &str) -> String {
    secret_hash(&email.trim().to_lowercase())
}

/// TOTP (RFC 6238): SHA-1, 6 digits, 30-second steps, one step of clock skew allowed.
pub mod totp {
    use totp_rs::{Algorithm, Secret, TOTP};

    use crate::error::AppError;

    fn build(secret_b32: &str, account: &str) -> Result<TOTP, AppError> {
        let bytes = Secret::Encoded(secret_b32.to_string())
            .to_bytes()
            .map_err(|_| AppError::field("code", "err-totp"))?;
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            Some("Shirube".to_string()),
            account.to_string(),
        )
        .map_err(AppError::internal)
    }

    /// A new random secret, base32-encoded.
    pub fn new_secret() -> String {
        Secret::Raw(crate::clock::random_bytes::<20>().to_vec())
            .to_encoded()
            .to_string()
    }

    /// The `otpauth://` URL an authenticator app scans.
    pub fn url(secret_b32: &str, account: &str) -> Result<String, AppError> {
        Ok(build(secret_b32, account)?.get_url())
    }

    /// Checks a code at `unix_time`.
    pub fn check(secret_b32: &str, code: &str, unix_time: u64) -> bool {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        build(secret_b32, "x")
            .map(|t| t.check(&code, unix_time))
            .unwrap_or(false)
    }

    /// The current code (for tests and the demo).
    pub fn code_at(secret_b32: &str, unix_time: u64) -> Result<String, AppError> {
        Ok(build(secret_b32, "x")?.generate(unix_time))
    }
}

/// Sign-up input as received (strings), validated here in one place.
#[derive(Debug, Default, Clone)]
pub struct SignupInput {
    pub org_name: String,
    pub corporate_number: String,
    pub industry: String,
    pub employees: String,
    /// Paid-in capital in yen; optional (empty: not given).
    pub capital_yen: String,
    pub prefecture: String,
    pub email: String,
    pub password: String,
    pub user_name: String,
}

/// Creates an organisation and its owner. All field problems are reported at once.
/// A new organisation and its first owner.
pub struct SignedUp {
    pub organization_id: OrganizationId,
    pub user: UserRow,
}

pub async fn signup(state: &App, input: &SignupInput) -> Result<SignedUp, AppError> {
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
    let capital_yen = collect(
        &mut errs,
        domain::parse_capital(&input.capital_yen, "organization.capital_yen"),
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
        Some(capital_yen),
        Some(email),
        Some(password),
        Some(user_name),
    ) = (
        name,
        number,
        industry,
        employees,
        prefecture,
        capital_yen,
        email,
        password,
        user_name,
    )
    else {
        return Err(AppError::Invalid(errs));
    };
    let hash = hash_password(password)?;
    let prefecture = prefecture.code();
    let org = NewOrganization {
        name: &name,
        corporate_number: number.as_str(),
        industry: industry.code(),
        employees,
        capital_yen,
        prefecture: &prefecture,
    };
    let owner = NewUser {
        email: email.as_str(),
        name: &user_name,
        role: Role::Owner,
        password_hash: &hash,
    };
    let (organization_id, user_id) = state.store.create_organization(&org, &owner).await?;
    let user = state.store.user(&user_id).await?;
    Ok(SignedUp {
        organization_id,
        user,
    })
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
    state: &App,
    email: &str,
    password: &str,
    totp_code: Option<&str>,
) -> Result<LoginOutcome, AppError> {
    let key = limiter_key(email);
    if let Err(retry_after) = state.limiter.check(&key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let user = match Email::parse(email, "email") {
        Ok(e) => state.store.user_by_email(e.as_str()).await?,
        Err(_) => None,
    };
    let Some(user) = user.filter(|u| verify_password(password, &u.password_hash)) else {
        if password.is_empty() {
            return Err(AppError::field("password", "err-required"));
        }
        dummy_verify(password);
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
                if !totp::check(&secret, code, state.clock.unix_seconds()) {
                    state.limiter.failed(&key);
                    return Err(AppError::field("totp", "err-totp"));
                }
            }
        }
    }
    state.limiter.succeeded(&key);
    Ok(LoginOutcome::Done(user))
}

/// Whether the user must set up TOTP before doing anything else: owners of an organisation
/// that requires it.
pub async fn must_enrol_totp(state: &App, user: &UserRow) -> Result<bool, AppError> {
    if user.totp_enabled || user.role != Role::Owner {
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
    state: &App,
    p: &Principal,
    name: &str,
) -> Result<(SessionId, String), AppError> {
    p.require_edit()?;
    let name = domain::required_text(name, "name", 100).map_err(|e| AppError::Invalid(vec![e]))?;
    let secret = new_secret("shr_");
    let id = state
        .store
        .create_api_token(
            p.actor(),
            p.org_id(),
            p.user_id(),
            &name,
            &secret_hash(&secret),
        )
        .await?;
    Ok((id, secret))
}

/// Issues a token after a password (and TOTP) check, for `POST /api/v1/auth/token`.
pub async fn token_for_login(state: &App, user: &UserRow) -> Result<String, AppError> {
    let secret = new_secret("shr_");
    state
        .store
        .create_api_token(
            shirube_store::Actor::user(&user.organization_id, &user.id),
            &user.organization_id,
            &user.id,
            "API sign-in",
            &secret_hash(&secret),
        )
        .await?;
    Ok(secret)
}

/// Invites a member: returns the one-time token to put in the link (valid 14 days).
pub async fn invite(
    state: &App,
    p: &Principal,
    email: &str,
    role: &str,
) -> Result<String, AppError> {
    p.require_owner()?;
    let mut errs = Vec::new();
    let email = collect(&mut errs, Email::parse(email, "email"));
    let role = collect(&mut errs, domain::parse_role(role, "role"));
    let (Some(email), Some(role)) = (email, role) else {
        return Err(AppError::Invalid(errs));
    };
    if state.store.user_by_email(email.as_str()).await?.is_some() {
        return Err(AppError::Conflict {
            key: "err-already-registered",
            field: Some("email".into()),
        });
    }
    let token = new_secret("inv_");
    let expires = shirube_store::format_time(state.clock.now() + chrono::Duration::days(14));
    state
        .store
        .create_invitation(
            p.actor(),
            p.org_id(),
            email.as_str(),
            role.as_str(),
            &secret_hash(&token),
            &expires,
        )
        .await?;
    Ok(token)
}

/// Accepts an invitation: creates the user with the invited role.
pub async fn accept_invitation(
    state: &App,
    token: &str,
    name: &str,
    password: &str,
) -> Result<UserRow, AppError> {
    let inv = open_invitation(state, token).await?;
    let mut errs = Vec::new();
    let name = collect(&mut errs, domain::required_text(name, "name", 200));
    let password = collect(&mut errs, domain::check_password(password, "password"));
    let (Some(name), Some(password)) = (name, password) else {
        return Err(AppError::Invalid(errs));
    };
    let hash = hash_password(password)?;
    let user = NewUser {
        email: &inv.email,
        name: &name,
        role: inv.role,
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
    state: &App,
    p: &Principal,
    user_id: &UserId,
    role: &str,
) -> Result<(), AppError> {
    p.require_owner()?;
    let role = domain::parse_role(role, "role").map_err(|e| AppError::Invalid(vec![e]))?;
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

/// A session just opened: the cookie's secret (shown to the browser only) and how long the
/// cookie lives, in seconds.
pub struct NewSession {
    pub secret: String,
    pub max_age: i64,
}

/// How long a session waiting for its TOTP code lives.
const PENDING_SESSION_SECS: i64 = 10 * 60;

/// Opens a session for a signed-in user; `pending` sessions still need the TOTP step.
pub async fn start_session(
    app: &App,
    user: &UserRow,
    pending: bool,
) -> Result<NewSession, AppError> {
    let secret = new_secret("");
    let csrf = new_secret("");
    let max_age = if pending {
        PENDING_SESSION_SECS
    } else {
        SESSION_TTL_HOURS * 3600
    };
    let expires = shirube_store::format_time(app.clock.now() + chrono::Duration::seconds(max_age));
    app.store
        .create_session(&secret_hash(&secret), user, &csrf, pending, &expires)
        .await?;
    Ok(NewSession { secret, max_age })
}

/// Completes a pending session's second step with a TOTP code (repeated failures slow down
/// like passwords).
pub async fn complete_second_factor(
    app: &App,
    pending: &PendingSession,
    code: &str,
) -> Result<(), AppError> {
    let key = limiter_key(&pending.user.email);
    if let Err(retry_after) = app.limiter.check(&key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let secret = pending.user.totp_secret.clone().unwrap_or_default();
    if !totp::check(&secret, code, app.clock.unix_seconds()) {
        app.limiter.failed(&key);
        return Err(AppError::field("code", "err-totp"));
    }
    app.limiter.succeeded(&key);
    Ok(app
        .store
        .complete_second_factor(&pending.token_hash)
        .await?)
}

/// Ends the caller's session (token callers have none to end).
pub async fn sign_out(app: &App, p: &Principal) -> Result<(), AppError> {
    if let Via::Session { token_hash, .. } = &p.via {
        app.store.delete_session(token_hash).await?;
    }
    Ok(())
}

/// The organisation's name and the flags that decide which links the header shows.
pub async fn nav_facts(app: &App, p: &Principal) -> Result<shirube_store::NavFacts, AppError> {
    Ok(app.store.nav_facts(p.org_id(), p.user_id()).await?)
}

/// The caller's own user record, fresh from the store.
pub async fn me(app: &App, p: &Principal) -> Result<UserRow, AppError> {
    Ok(app.store.user(p.user_id()).await?)
}

/// The organisation's API tokens (never their secrets).
pub async fn api_tokens(
    app: &App,
    p: &Principal,
) -> Result<Vec<shirube_store::ApiTokenRow>, AppError> {
    Ok(app.store.api_tokens(p.org_id()).await?)
}

/// Revokes one of the organisation's API tokens (members who can edit).
pub async fn revoke_token(app: &App, p: &Principal, id: &SessionId) -> Result<(), AppError> {
    p.require_edit()?;
    Ok(app
        .store
        .revoke_api_token(p.actor(), p.org_id(), id)
        .await?)
}

/// The organisation's members and, for owners, its invitations.
pub struct Members {
    pub users: Vec<UserRow>,
    pub invitations: Vec<shirube_store::InvitationRow>,
}

pub async fn members(app: &App, p: &Principal) -> Result<Members, AppError> {
    let users = app.store.members(p.org_id()).await?;
    let invitations = if p.role.is_owner() {
        app.store.invitations(p.org_id()).await?
    } else {
        Vec::new()
    };
    Ok(Members { users, invitations })
}

/// An invitation that can still be accepted, by its one-time token.
async fn open_invitation(app: &App, token: &str) -> Result<shirube_store::InvitationRow, AppError> {
    let inv = app
        .store
        .invitation_by_token_hash(&secret_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    if inv.accepted_at.is_some() || inv.expires_at < app.clock.now_string() {
        return Err(AppError::Conflict {
            key: "err-invitation-used",
            field: None,
        });
    }
    Ok(inv)
}

/// What the acceptance page shows about an open invitation.
pub struct InvitationView {
    pub email: String,
    pub org_name: String,
}

pub async fn invitation(app: &App, token: &str) -> Result<InvitationView, AppError> {
    let inv = open_invitation(app, token).await?;
    let org = app.store.organization(&inv.organization_id).await?;
    Ok(InvitationView {
        email: inv.email,
        org_name: org.name,
    })
}

/// The two-factor settings page: whether TOTP is on, the secret being enrolled (until it is
/// confirmed) and the organisation's requirement.
pub struct SecuritySettings {
    pub user: UserRow,
    pub enabled: bool,
    /// The secret of an enrolment not yet confirmed, with its `otpauth://` URL.
    pub enrolling: Option<(String, String)>,
    pub org_requires: bool,
    pub must_enrol: bool,
}

pub async fn security_settings(app: &App, p: &Principal) -> Result<SecuritySettings, AppError> {
    let user = app.store.user(p.user_id()).await?;
    let org = app.store.organization(p.org_id()).await?;
    let enrolling = match (&user.totp_secret, user.totp_enabled) {
        (Some(s), false) => Some((s.clone(), totp::url(s, &user.email)?)),
        _ => None,
    };
    let must_enrol = must_enrol_totp(app, &user).await?;
    Ok(SecuritySettings {
        enabled: user.totp_enabled,
        enrolling,
        org_requires: org.require_totp,
        must_enrol,
        user,
    })
}

/// Starts TOTP enrolment with a fresh secret, not active until confirmed with a code.
pub async fn begin_totp(app: &App, p: &Principal) -> Result<(), AppError> {
    if p.user.totp_enabled {
        return Ok(());
    }
    let secret = totp::new_secret();
    Ok(app
        .store
        .set_totp(p.actor(), p.user_id(), Some(&secret), false)
        .await?)
}

/// Confirms enrolment with a code from the authenticator app.
pub async fn confirm_totp(app: &App, p: &Principal, code: &str) -> Result<(), AppError> {
    let user = app.store.user(p.user_id()).await?;
    let Some(secret) = user.totp_secret.filter(|_| !user.totp_enabled) else {
        return Ok(());
    };
    if !totp::check(&secret, code, app.clock.unix_seconds()) {
        return Err(AppError::field("code", "err-totp"));
    }
    Ok(app
        .store
        .set_totp(p.actor(), p.user_id(), Some(&secret), true)
        .await?)
}

/// Owners turn the two-factor requirement for the organisation's owners on or off; an
/// owner must use it before requiring it.
pub async fn set_require_totp(app: &App, p: &Principal, on: bool) -> Result<(), AppError> {
    p.require_owner()?;
    if on && !p.user.totp_enabled {
        return Err(AppError::Conflict {
            key: "err-totp-self-first",
            field: Some("required".into()),
        });
    }
    Ok(app
        .store
        .set_require_totp(p.actor(), p.org_id(), on)
        .await?)
}

/// The caller's organisation.
pub async fn my_organization(
    app: &App,
    p: &Principal,
) -> Result<shirube_store::OrganizationRow, AppError> {
    Ok(app.store.organization(p.org_id()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
    }

    #[test]
    fn the_limiter_lets_five_failures_through_then_makes_the_account_wait() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            assert!(l.check("k").is_ok());
            l.failed("k");
        }
        assert!(l.check("k").is_err());
        l.succeeded("k");
        assert!(l.check("k").is_ok());
    }

    #[test]
    fn totp_codes_match_rfc_6238_and_allow_one_step_of_skew() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32 below), 8 digits there;
        // we use 6 digits, i.e. the last 6 of the RFC's 94287082 at T=59.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(totp::code_at(secret, 59).unwrap(), "287082");
        assert!(totp::check(secret, "287082", 59 + 30));
        assert!(!totp::check(secret, "287082", 59 + 120));
    }
}
