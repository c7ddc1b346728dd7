//! One-time secrets carried across a redirect: a new API token or invitation link is made by
//! a POST, kept here for its session only, and shown once by the GET page the POST redirects
//! to — so reloading that page never makes a second token, and the secret is gone once seen.
//! In memory on purpose: a secret never touches the disk, and one lost to a restart is
//! replaced by making another (the old one can be revoked).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// How long a secret waits for its page.
const TTL_MINUTES: i64 = 5;

/// (session, kind) → (secret, when it was kept).
type Secrets = HashMap<(String, &'static str), (String, DateTime<Utc>)>;

#[derive(Clone, Default)]
pub struct Flash {
    inner: Arc<Mutex<Secrets>>,
}

impl Flash {
    /// Keeps `secret` of a kind for a session (its CSRF token names it).
    pub fn put(&self, session: &str, kind: &'static str, secret: String, now: DateTime<Utc>) {
        if let Ok(mut m) = self.inner.lock() {
            m.retain(|_, (_, at)| now - *at < Duration::minutes(TTL_MINUTES));
            m.insert((session.to_string(), kind), (secret, now));
        }
    }

    /// Takes the session's secret of a kind, once.
    pub fn take(&self, session: &str, kind: &'static str, now: DateTime<Utc>) -> Option<String> {
        let mut m = self.inner.lock().ok()?;
        let (secret, at) = m.remove(&(session.to_string(), kind))?;
        (now - at < Duration::minutes(TTL_MINUTES)).then_some(secret)
    }
}
