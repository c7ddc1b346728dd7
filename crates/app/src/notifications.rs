//! Notifications: the in-app inbox (both languages) and, when configured, e-mail over SMTP
//! to the organisation's owners. Sending mail never fails the request that caused it.

use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use shirube_catalog::Lang;
use shirube_store::{NewNotification, NotificationKind};

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

/// Adds a notification to `organization_id`'s inbox and mails its owners. `title_key` and
/// `body_key` are Fluent keys; `args` fill their placeholders.
pub async fn notify(
    state: &App,
    organization_id: &str,
    kind: NotificationKind,
    title_key: &str,
    body_key: &str,
    args: &[(&'static str, String)],
    link: &str,
) -> Result<(), AppError> {
    let (title_ja, title_en) = (
        text_with(Lang::Ja, title_key, args),
        text_with(Lang::En, title_key, args),
    );
    let (body_ja, body_en) = (
        text_with(Lang::Ja, body_key, args),
        text_with(Lang::En, body_key, args),
    );
    let n = NewNotification {
        kind,
        title_ja: &title_ja,
        title_en: &title_en,
        body_ja: &body_ja,
        body_en: &body_en,
        link,
    };
    state.store.add_notification(organization_id, &n).await?;
    email_owners(state, organization_id, &n).await
}

/// E-mails a notification already in the inbox to the organisation's owners, when SMTP is
/// configured. Sending happens in the background: a slow mail server never holds a request.
pub async fn email_owners(
    state: &App,
    organization_id: &str,
    n: &NewNotification<'_>,
) -> Result<(), AppError> {
    let Some(mailer) = state.mailer.clone() else {
        return Ok(());
    };
    let owners: Vec<String> = state
        .store
        .members(organization_id)
        .await?
        .into_iter()
        .filter(|u| u.role == shirube_store::Role::Owner)
        .map(|u| u.email)
        .collect();
    let subject = format!("[Shirube] {} / {}", n.title_ja, n.title_en);
    let url = format!(
        "{}{}",
        state.config.public_url.trim_end_matches('/'),
        n.link
    );
    let body = format!("{}\n{url}\n\n---\n\n{}\n{url}\n", n.body_ja, n.body_en);
    tokio::spawn(send(mailer, owners, subject, body));
    Ok(())
}

async fn send(mailer: Arc<Mailer>, to: Vec<String>, subject: String, body: String) {
    for address in to {
        let Ok(to) = address.parse::<Mailbox>() else {
            continue;
        };
        let message = Message::builder()
            .from(mailer.from.clone())
            .to(to)
            .subject(subject.clone())
            .body(body.clone());
        match message {
            Ok(m) => {
                if let Err(e) = mailer.transport.send(m).await {
                    // The address is personal data: log the failure, not the recipient.
                    tracing::warn!(error = %e, "sending a notification e-mail failed");
                }
            }
            Err(e) => tracing::warn!(error = %e, "building a notification e-mail failed"),
        }
    }
}
