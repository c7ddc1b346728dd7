//! Browser sessions and API tokens. Only hashes of the secrets are stored.

use crate::ids::{OrganizationId, SessionId, UserId};
use serde_json::json;

use crate::orgs::{UserRow, USER_COLUMNS};
use crate::{new_id, Actor, Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub csrf_token: String,
    pub second_factor_pending: bool,
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: SessionId,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A session and its user, read in one join.
#[derive(sqlx::FromRow)]
struct SessionWithUser {
    #[sqlx(flatten)]
    session: SessionRow,
    #[sqlx(flatten)]
    user: UserRow,
}

const TOKEN_COLUMNS: &str =
    "id, organization_id, user_id, name, created_at, last_used_at, revoked_at";

impl Store {
    /// Opens a session; `second_factor_pending` sessions only reach the TOTP step.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &UserRow,
        csrf_token: &str,
        second_factor_pending: bool,
        expires_at: &str,
    ) -> Result<()> {
        let mut tx = self
            .begin_write(Actor::user(&user.organization_id, &user.id))
            .await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor_pending, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            token_hash,
            &user.id,
            csrf_token,
            i64::from(second_factor_pending),
            &at,
            expires_at,
        )?;
        tx.audit(
            "session.create",
            &user.id,
            json!({ "second_factor_pending": second_factor_pending }),
        )
        .await?;
        tx.commit().await
    }

    /// The session and its user, if the session exists and has not expired at `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<(SessionRow, UserRow)>> {
        let row = fetch_optional!(
            self.db(),
            SessionWithUser,
            &format!(
                "SELECT s.csrf_token, s.second_factor_pending <> 0 AS second_factor_pending, s.expires_at, {USER_COLUMNS} \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2"
            ),
            token_hash,
            now
        )?;
        Ok(row.map(|r| (r.session, r.user)))
    }

    pub async fn complete_second_factor(&self, token_hash: &str) -> Result<()> {
        execute!(
            self.db(),
            "UPDATE sessions SET second_factor_pending = 0 WHERE token_hash = $1",
            token_hash
        )?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        execute!(
            self.db(),
            "DELETE FROM sessions WHERE token_hash = $1",
            token_hash
        )?;
        Ok(())
    }

    /// Stores a new API token (its hash) for a user of an organisation.
    pub async fn create_api_token(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        user_id: &UserId,
        name: &str,
        token_hash: &str,
    ) -> Result<SessionId> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO api_tokens (id, organization_id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &id,
            organization_id,
            user_id,
            name,
            token_hash,
            &at,
        )?;
        tx.audit("api_token.create", &id, json!({ "name": name }))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn api_tokens(&self, organization_id: &OrganizationId) -> Result<Vec<ApiTokenRow>> {
        Ok(fetch_all!(
            self.db(),
            ApiTokenRow,
            &format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE organization_id = $1 ORDER BY created_at DESC"
            ),
            organization_id
        )?)
    }

    /// Revokes a token of the given organisation; unknown or foreign ids are not found.
    pub async fn revoke_api_token(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        id: &SessionId,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let done = execute!(
            tx.conn(),
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND organization_id = $3 AND revoked_at IS NULL",
            &at,
            id,
            organization_id
        )?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit("api_token.revoke", id, json!({})).await?;
        tx.commit().await
    }

    /// The user an unrevoked token belongs to.
    pub async fn user_for_token(&self, token_hash: &str) -> Result<Option<UserRow>> {
        Ok(fetch_optional!(
            self.db(),
            UserRow,
            &format!(
                "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.organization_id = u.organization_id"
            ),
            token_hash
        )?)
    }
}
