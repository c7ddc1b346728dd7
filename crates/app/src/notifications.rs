//! Notifications: the in-app inbox (both languages) and, when configured, e-mail over SMTP
//! to the organisation's owners. A use case builds its [`Notice`]s and hands them to the
//! store with the change that causes them (`Actor::with_notices`): the inbox rows and the
//! queued mail commit in the same transaction as the change. Mail leaves the process after
//! the commit, from the `outbox` table, retried with a growing delay; sending never fails
//! the request that caused it.

use crate::views::OrganizationId;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use shirube_catalog::Lang;
use shirube_store::{Notice, NotificationKind, OutboxMail, Recipient};

use crate::error::AppError;
use crate::i18n::text_with;
use crate::App;

/// Outgoing mail over SMTP (plain, for a local relay; off unless `--smtp-url` is given).
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why the mailer could not be configured.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("--smtp-url {0:?}: expected smtp://host:port")]
    Url(String),
    #[error("--mail-from {0:?} is not an e-mail address")]
    From(String),
}

impl Mailer {
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, MailerError> {
        let url = url::Url::parse(smtp_url).map_err(|_| MailerError::Url(smtp_url.to_string()))?;
        if url.scheme() != "smtp" {
            return Err(MailerError::Url(smtp_url.to_string()));
        }
        let host = url
            .host_str()
            .ok_or_else(|| MailerError::Url(smtp_url.to_string()))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(url.port().unwrap_or(25))
            .build();
        let from = from
            .parse()
            .map_err(|_| MailerError::From(from.to_string()))?;
        Ok(Mailer { transport, from })
    }
}

/// A notification in both languages from message keys (`args` fill their placeholders),
/// with its e-mail when SMTP is configured.
pub fn notice(
    state: &App,
    to: Recipient,
    kind: NotificationKind,
    title_key: &str,
    body_key: &str,
    args: &[(&'static str, String)],
    link: &str,
) -> Notice {
    let title_ja = text_with(Lang::Ja, title_key, args);
    let title_en = text_with(Lang::En, title_key, args);
    let body_ja = text_with(Lang::Ja, body_key, args);
    let body_en = text_with(Lang::En, body_key, args);
    let mail = state.mailer.as_ref().map(|_| {
        let url = format!("{}{}", state.config.public_url.trim_end_matches('/'), link);
        (
            format!("[Shirube] {title_ja} / {title_en}"),
            format!("{body_ja}\n{url}\n\n---\n\n{body_en}\n{url}\n"),
        )
    });
    Notice {
        to,
        kind,
        title_ja,
        title_en,
        body_ja,
        body_en,
        link: link.to_string(),
        mail,
    }
}

/// A notice to one organisation.
pub fn to_org(
    state: &App,
    organization_id: &OrganizationId,
    kind: NotificationKind,
    title_key: &str,
    body_key: &str,
    args: &[(&'static str, String)],
    link: &str,
) -> Notice {
    notice(
        state,
        Recipient::Organization(organization_id.clone()),
        kind,
        title_key,
        body_key,
        args,
        link,
    )
}

/// Starts delivering the mail that is due, in the background; called after a commit that
/// queued mail, so that it leaves at once rather than on the next tick of the worker.
pub fn kick(state: &App) {
    if state.mailer.is_some() {
        let app = state.clone();
        tokio::spawn(async move {
            if let Err(e) = deliver_due(&app).await {
                tracing::warn!(error = ?e, "delivering queued mail failed");
            }
        });
    }
}

/// The delay before retrying a mail that failed `attempts` times: one minute, doubling, at
/// most six hours.
pub fn retry_delay(attempts: i64) -> chrono::Duration {
    let minutes = 1i64 << attempts.clamp(0, 9);
    chrono::Duration::minutes(minutes.min(6 * 60))
}

/// Sends every mail that is due, one at a time (one delivery pass at a time). Returns how
/// many were sent.
pub async fn deliver_due(state: &App) -> Result<usize, AppError> {
    let Some(mailer) = state.mailer.clone() else {
        return Ok(0);
    };
    static ONE_PASS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _pass = ONE_PASS.lock().await;
    let mut sent = 0;
    loop {
        let due = state.store.due_mail(&state.clock.now_string(), 100).await?;
        if due.is_empty() {
            return Ok(sent);
        }
        for mail in due {
            match send(&mailer, &mail).await {
                Ok(()) => {
                    state
                        .store
                        .mail_sent(&mail.id, &state.clock.now_string())
                        .await?;
                    sent += 1;
                }
                Err(e) => {
                    // The address is personal data: log the failure, not the recipient.
                    tracing::warn!(error = %e, attempts = mail.attempts + 1, "sending a notification e-mail failed");
                    let retry = shirube_store::format_time(
                        state.clock.now() + retry_delay(mail.attempts + 1),
                    );
                    state.store.mail_failed(&mail.id, &e, &retry).await?;
                }
            }
        }
    }
}

/// Mail not sent yet: (waiting for delivery or a retry, given up after too many attempts).
pub async fn backlog(state: &App) -> Result<(i64, i64), AppError> {
    Ok(state.store.outbox_backlog().await?)
}

/// Delivers queued mail every `every` (retries, and mail queued while SMTP was down).
pub fn spawn_outbox_worker(state: &App, every: std::time::Duration) {
    if state.mailer.is_none() {
        return;
    }
    let app = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&app).await {
                tracing::warn!(error = ?e, "delivering queued mail failed");
            }
        }
    });
}

async fn send(mailer: &Mailer, mail: &OutboxMail) -> Result<(), String> {
    let to = mail
        .recipient
        .parse::<Mailbox>()
        .map_err(|e| format!("address: {e}"))?;
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .body(mail.body.clone())
        .map_err(|e| e.to_string())?;
    mailer
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(retry_delay(1), chrono::Duration::minutes(2));
        assert!(retry_delay(2) > retry_delay(1));
        assert_eq!(retry_delay(40), chrono::Duration::hours(6));
    }
}
