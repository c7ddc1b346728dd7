//! Browser sessions and API tokens. Only hashes of the secrets are stored.

use serde_json::json;
use sqlx::Row;

use crate::orgs::{user_from_row, UserRow};
use crate::{new_id, Actor, Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub csrf_token: String,
    pub second_factor_pending: bool,
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

fn token_from_row(r: &sqlx::any::AnyRow) -> Result<ApiTokenRow> {
    Ok(ApiTokenRow {
        id: r.try_get("id")?,
        organization_id: r.try_get("organization_id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

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
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor_pending, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(&user.id)
        .bind(csrf_token)
        .bind(second_factor_pending as i64)
        .bind(&at)
        .bind(expires_at)
        .execute(tx.conn())
        .await?;
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
        let row = sqlx::query(
            "SELECT s.csrf_token, s.second_factor_pending, s.expires_at, \
                    u.id, u.organization_id, u.email, u.name, u.role, u.password_hash, u.totp_secret, u.totp_enabled, u.created_at \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let session = SessionRow {
            csrf_token: row.try_get("csrf_token")?,
            second_factor_pending: row.try_get::<i64, _>("second_factor_pending")? != 0,
            expires_at: row.try_get("expires_at")?,
        };
        Ok(Some((session, user_from_row(&row)?)))
    }

    pub async fn complete_second_factor(&self, token_hash: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET second_factor_pending = 0 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a new API token (its hash) for a user of an organisation.
    pub async fn create_api_token(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        user_id: &str,
        name: &str,
        token_hash: &str,
    ) -> Result<String> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        sqlx::query(
            "INSERT INTO api_tokens (id, organization_id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(organization_id)
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(&at)
        .execute(tx.conn())
        .await?;
        tx.audit("api_token.create", &id, json!({ "name": name }))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn api_tokens(&self, organization_id: &str) -> Result<Vec<ApiTokenRow>> {
        let rows = sqlx::query(
            "SELECT id, organization_id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens \
             WHERE organization_id = $1 ORDER BY created_at DESC",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes a token of the given organisation; unknown or foreign ids are not found.
    pub async fn revoke_api_token(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND organization_id = $3 AND revoked_at IS NULL",
        )
        .bind(&at)
        .bind(id)
        .bind(organization_id)
        .execute(tx.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit("api_token.revoke", id, json!({})).await?;
        tx.commit().await
    }

    /// The user an unrevoked token belongs to.
    pub async fn user_for_token(&self, token_hash: &str) -> Result<Option<UserRow>> {
        let row = sqlx::query(
            "SELECT u.id, u.organization_id, u.email, u.name, u.role, u.password_hash, u.totp_secret, u.totp_enabled, u.created_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.organization_id = u.organization_id",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }
}
