//! Authentication: password hashing (argon2id), secret tokens, sessions and API tokens,
//! the `Principal` extractor, CSRF checks, TOTP, and slowing down repeated failed logins.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shirube_catalog::Lang;
use shirube_store::UserRow;

use crate::domain::Role;
use crate::error::AppError;
use crate::i18n;
use crate::AppState;

pub const SESSION_COOKIE: &str = "shirube_session";
pub const LANG_COOKIE: &str = "lang";
/// Sessions last a working week.
pub const SESSION_TTL_HOURS: i64 = 24 * 7;

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
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
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
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
    pub fn org_id(&self) -> &str {
        &self.user.organization_id
    }

    pub fn user_id(&self) -> &str {
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

/// Reads one cookie from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| {
            h.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == name).then_some(v)
            })
        })
}

/// The language of a request.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    i18n::negotiate(
        cookie(headers, LANG_COOKIE),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The request's language, as an extractor.
pub struct ReqLang(pub Lang);

impl FromRequestParts<AppState> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(request_lang(&parts.headers)))
    }
}

/// A session whose password step is done but whose TOTP step is not.
pub struct PendingSession {
    pub token_hash: String,
    pub csrf: String,
    pub user: UserRow,
    pub lang: Lang,
}

/// Resolves the caller, or `None` when the request carries no valid credentials. A session
/// waiting for its second factor does not count.
pub async fn resolve(headers: &HeaderMap, state: &AppState) -> Result<Option<Principal>, AppError> {
    let lang = request_lang(headers);
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let value = auth.to_str().map_err(|_| AppError::Unauthenticated)?;
        let token = value
            .strip_prefix("Bearer ")
            .ok_or(AppError::Unauthenticated)?
            .trim();
        let user = state
            .store
            .user_for_token(&secret_hash(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let role = Role::parse(&user.role, "role").map_err(|_| AppError::Forbidden)?;
        return Ok(Some(Principal {
            user,
            role,
            via: Via::Token,
            lang,
        }));
    }
    let Some(session) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let token_hash = secret_hash(session);
    let Some((row, user)) = state
        .store
        .session(&token_hash, &shirube_store::now_string())
        .await?
    else {
        return Ok(None);
    };
    if row.second_factor_pending {
        return Ok(None);
    }
    let role = Role::parse(&user.role, "role").map_err(|_| AppError::Forbidden)?;
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

/// Looks up a session still waiting for its TOTP code.
pub async fn resolve_pending(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<PendingSession>, AppError> {
    let Some(session) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let token_hash = secret_hash(session);
    let Some((row, user)) = state
        .store
        .session(&token_hash, &shirube_store::now_string())
        .await?
    else {
        return Ok(None);
    };
    if !row.second_factor_pending {
        return Ok(None);
    }
    Ok(Some(PendingSession {
        token_hash,
        csrf: row.csrf_token,
        user,
        lang: request_lang(headers),
    }))
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = crate::error::ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = resolve(&parts.headers, state)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        // A cookie-authenticated JSON call that changes state must prove it comes from our
        // own pages: the session's CSRF token in a header (SameSite cookies and the Origin
        // check are the other two layers).
        if parts.uri.path().starts_with("/api/")
            && !matches!(parts.method, Method::GET | Method::HEAD)
        {
            if let Via::Session { csrf, .. } = &principal.via {
                let sent = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !same(csrf, sent) {
                    return Err(AppError::Forbidden.into());
                }
            }
        }
        Ok(principal)
    }
}

/// Slows down repeated failed sign-ins per account: after 5 failures, each further attempt
/// must wait twice as long as the last (1 s, 2 s, 4 s … up to 15 minutes). Success clears it.
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
        Secret::generate_secret().to_encoded().to_string()
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
