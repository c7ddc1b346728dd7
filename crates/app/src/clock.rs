//! The one place that reads the wall clock (and, beside the key store, OS randomness). Everything else takes the time from the
//! application's [`Clock`], so tests can move time (due dates, expiry, reminders) without
//! sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

/// Where the application reads the time.
#[derive(Clone)]
pub struct Clock(Arc<Inner>);

enum Inner {
    System,
    /// A fixed instant (microseconds since the epoch) that tests set and advance.
    Manual(AtomicI64),
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.0 {
            Inner::System => f.write_str("Clock::System"),
            Inner::Manual(_) => write!(f, "Clock::Manual({})", self.now()),
        }
    }
}

impl Clock {
    /// The real wall clock.
    pub fn system() -> Clock {
        Clock(Arc::new(Inner::System))
    }

    /// A clock that stands at `at` until [`Clock::set`] or [`Clock::advance`] moves it.
    pub fn manual(at: DateTime<Utc>) -> Clock {
        Clock(Arc::new(Inner::Manual(AtomicI64::new(
            at.timestamp_micros(),
        ))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &*self.0 {
            Inner::System => Utc::now(),
            Inner::Manual(micros) => {
                DateTime::from_timestamp_micros(micros.load(Ordering::SeqCst)).unwrap_or_default()
            }
        }
    }

    /// Now as the store writes it (RFC 3339 UTC, microseconds, sortable as text).
    pub fn now_string(&self) -> String {
        shirube_store::format_time(self.now())
    }

    /// Today's date (UTC).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Today's date in Japan (UTC+9, no daylight saving since 1951): the day a Japanese
    /// user means by "today", e.g. for due dates and evidence dates.
    pub fn today_japan(&self) -> NaiveDate {
        (self.now() + chrono::Duration::hours(9)).date_naive()
    }

    /// Today as `YYYY-MM-DD`.
    pub fn today_string(&self) -> String {
        self.today().format("%Y-%m-%d").to_string()
    }

    /// Seconds since the Unix epoch (for TOTP).
    pub fn unix_seconds(&self) -> u64 {
        self.now().timestamp().max(0) as u64
    }

    /// Moves a manual clock to `at`; a system clock cannot be moved.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Inner::Manual(micros) = &*self.0 {
            micros.store(at.timestamp_micros(), Ordering::SeqCst);
        }
    }

    /// Moves a manual clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.set(self.now() + by);
    }
}

/// `N` bytes from the operating system's random number generator: the one source of
/// secrets (session and API tokens, invitation links, password salts, TOTP secrets) outside
/// the key store.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    use rand::RngCore;
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A new time-ordered id (UUIDv7), e.g. for an operation id in an error report.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_moved() {
        let start = DateTime::parse_from_rfc3339("2027-01-05T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let c = Clock::manual(start);
        assert_eq!(c.now(), start);
        assert_eq!(c.today_string(), "2027-01-05");
        c.advance(chrono::Duration::days(30));
        assert_eq!(c.today_string(), "2027-02-04");
        assert_eq!(c.clone().now(), c.now(), "clones share the time");
    }
}
