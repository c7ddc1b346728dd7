//! Side effects that commit with the change that causes them. A use case hands its
//! [`Notice`]s to the store with its [`Actor`](crate::Actor); the write transaction adds them
//! to the recipients' inboxes and queues their e-mails in the `outbox` table just before it
//! commits, so a change, its audit entries and the notifications it causes are one
//! transaction. Mail leaves the process later: a worker reads what is due, sends it and marks
//! it sent, retrying failures with a growing delay.

use crate::ids::{AssessmentId, OrganizationId, OutboxMailId};
use serde_json::json;

use crate::{new_id, NewNotification, NotificationKind, Result, Store, WriteTx};

/// Who a notice goes to, resolved inside the transaction that commits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One organisation.
    Organization(OrganizationId),
    /// Every buyer holding an active share of this assessment.
    BuyersSharing(AssessmentId),
}

/// A notification caused by a change, in both languages, with its e-mail when mail is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: Recipient,
    pub kind: NotificationKind,
    pub title_ja: String,
    pub title_en: String,
    pub body_ja: String,
    pub body_en: String,
    /// A local path, e.g. `/suppliers`.
    pub link: String,
    /// Queue an e-mail (subject, body) to each recipient's owners.
    pub mail: Option<(String, String)>,
}

/// One queued e-mail.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: OutboxMailId,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// How many times a mail is tried before it is given up (logged, kept as failed).
pub const MAX_MAIL_ATTEMPTS: i64 = 8;

impl WriteTx {
    /// Adds each notice to its recipients' inboxes and queues its mail, inside this
    /// transaction.
    pub(crate) async fn apply_notices(&mut self, notices: &[Notice]) -> Result<()> {
        for n in notices {
            let orgs: Vec<OrganizationId> = match &n.to {
                Recipient::Organization(id) => vec![id.clone()],
                Recipient::BuyersSharing(assessment_id) => fetch_all!(
                    self.conn(),
                    (OrganizationId,),
                    "SELECT DISTINCT buyer_id FROM shares WHERE assessment_id = $1 AND revoked_at IS NULL ORDER BY buyer_id",
                    assessment_id
                )?
                .into_iter()
                .map(|(b,)| b)
                .collect(),
            };
            let row = NewNotification {
                kind: n.kind,
                title_ja: &n.title_ja,
                title_en: &n.title_en,
                body_ja: &n.body_ja,
                body_en: &n.body_en,
                link: &n.link,
            };
            let at = self.at().to_string();
            for org in orgs {
                crate::scans::insert_notification(self, &org, &row, &at).await?;
                if let Some((subject, body)) = &n.mail {
                    let owners: Vec<(String,)> = fetch_all!(
                        self.conn(),
                        (String,),
                        "SELECT email FROM users WHERE organization_id = $1 AND role = 'owner' ORDER BY email",
                        &org
                    )?;
                    for (email,) in owners {
                        let id: OutboxMailId = new_id();
                        execute!(
                            self.conn(),
                            "INSERT INTO outbox (id, kind, recipient, subject, body, created_at, attempts, next_attempt_at) \
                             VALUES ($1, 'mail', $2, $3, $4, $5, 0, $5)",
                            &id,
                            &email,
                            subject,
                            body,
                            &at
                        )?;
                        // The address is personal data: the audit names the organisation.
                        self.audit("outbox.mail", &id, json!({ "organization_id": org }))
                            .await?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl Store {
    /// Mail due at `now` (not sent, not given up), oldest first.
    pub async fn due_mail(&self, now: &str, limit: i64) -> Result<Vec<OutboxMail>> {
        Ok(fetch_all!(
            self.db(),
            OutboxMail,
            "SELECT id, recipient, subject, body, attempts FROM outbox \
             WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= $2 \
             ORDER BY next_attempt_at, id LIMIT $3",
            MAX_MAIL_ATTEMPTS,
            now,
            limit
        )?)
    }

    /// Marks a mail sent.
    pub async fn mail_sent(&self, id: &OutboxMailId, at: &str) -> Result<()> {
        execute!(
            self.db(),
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2",
            at,
            id
        )?;
        Ok(())
    }

    /// Records a failed attempt; the next one is not before `retry_at`.
    pub async fn mail_failed(&self, id: &OutboxMailId, error: &str, retry_at: &str) -> Result<()> {
        execute!(
            self.db(),
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
            error,
            retry_at,
            id
        )?;
        Ok(())
    }

    /// Mail not sent yet: (queued, given up after [`MAX_MAIL_ATTEMPTS`]).
    pub async fn outbox_backlog(&self) -> Result<(i64, i64)> {
        let (queued, failed): (i64, i64) = fetch_one!(
            self.db(),
            (i64, i64),
            "SELECT CAST(COALESCE(SUM(CASE WHEN attempts < $1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
                    CAST(COALESCE(SUM(CASE WHEN attempts >= $1 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM outbox WHERE sent_at IS NULL",
            MAX_MAIL_ATTEMPTS
        )?;
        Ok((queued, failed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::testing::stores;
    use crate::{Actor, AssessmentStatus, Declaration, NewOrganization, NewUser, Role};

    fn notice(to: &OrganizationId, mail: bool) -> Notice {
        Notice {
            to: Recipient::Organization(to.clone()),
            kind: NotificationKind::LevelAchieved,
            title_ja: "達成".into(),
            title_en: "Reached".into(),
            body_ja: "本文".into(),
            body_en: "Body".into(),
            link: "/suppliers".into(),
            mail: mail.then(|| ("Subject".to_string(), "Text".to_string())),
        }
    }

    async fn org_with_open_assessment(store: &Store) -> (OrganizationId, UserId, AssessmentId) {
        let (org, user) = store
            .create_organization(
                &NewOrganization {
                    name: "Outbox Co",
                    corporate_number: "1234567890123",
                    industry: "E",
                    employees: 12,
                    capital_yen: None,
                    prefecture: "13",
                },
                &NewUser {
                    email: "owner@outbox.example",
                    name: "Owner",
                    role: Role::Owner,
                    password_hash: "x",
                },
            )
            .await
            .unwrap();
        let id = store
            .create_assessment(Actor::user(&org, &user), &org, 3, "2026-03-27", None)
            .await
            .unwrap();
        (org, user, id)
    }

    const DECLARATION: Declaration<'static> = Declaration {
        signer_name: "山田",
        signer_title: "代表取締役",
        date: "2027-01-05",
    };

    #[tokio::test]
    async fn notices_and_their_mail_commit_with_the_change() {
        for t in stores().await {
            let store = &t.store;
            let (org, user, id) = org_with_open_assessment(store).await;
            let notices = [notice(&org, true)];
            let actor = Actor::user(&org, &user).with_notices(&notices);
            assert!(store
                .declare(actor, &org, &id, &DECLARATION, None)
                .await
                .unwrap());
            let inbox = store.notifications(&org).await.unwrap();
            assert_eq!(inbox.len(), 1);
            assert_eq!(inbox[0].kind, NotificationKind::LevelAchieved);
            let due = store.due_mail("9999-12-31T00:00:00Z", 10).await.unwrap();
            assert_eq!(due.len(), 1);
            assert_eq!(due[0].recipient, "owner@outbox.example");
            assert_eq!(store.outbox_backlog().await.unwrap(), (1, 0));
            // A failed attempt waits until its retry time; a sent mail is done.
            store
                .mail_failed(&due[0].id, "refused", "2027-01-05T10:00:00.000000Z")
                .await
                .unwrap();
            assert!(store
                .due_mail("2027-01-05T09:59:59.000000Z", 10)
                .await
                .unwrap()
                .is_empty());
            let again = store
                .due_mail("2027-01-05T10:00:00.000000Z", 10)
                .await
                .unwrap();
            assert_eq!(again[0].attempts, 1);
            store
                .mail_sent(&due[0].id, "2027-01-05T10:00:01.000000Z")
                .await
                .unwrap();
            assert!(store
                .due_mail("9999-12-31T00:00:00Z", 10)
                .await
                .unwrap()
                .is_empty());
            assert_eq!(store.outbox_backlog().await.unwrap(), (0, 0));
            assert!(matches!(
                store.verify_audit().await.unwrap(),
                crate::AuditVerification::Intact { .. }
            ));
        }
    }

    #[tokio::test]
    async fn a_notice_that_cannot_be_delivered_undoes_the_change_it_came_with() {
        for t in stores().await {
            let store = &t.store;
            let (org, user, id) = org_with_open_assessment(store).await;
            // A notice to an organisation that does not exist violates the inbox's foreign
            // key: the declaration it came with must not stand without it.
            let notices = [
                notice(&org, true),
                notice(&OrganizationId::from("no-such-organization"), false),
            ];
            let actor = Actor::user(&org, &user).with_notices(&notices);
            assert!(store
                .declare(actor, &org, &id, &DECLARATION, None)
                .await
                .is_err());
            let a = store.assessment(&org, &id).await.unwrap();
            assert_eq!(a.status, AssessmentStatus::InProgress);
            assert!(store.notifications(&org).await.unwrap().is_empty());
            assert_eq!(store.outbox_backlog().await.unwrap(), (0, 0));
            assert!(matches!(
                store.verify_audit().await.unwrap(),
                crate::AuditVerification::Intact { .. }
            ));
        }
    }
}
