//! Organisations, their users (members with a role) and member invitations.

use serde_json::json;
use sqlx::Row;

use crate::{new_id, unique_violation, Actor, Result, Role, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub corporate_number: String,
    pub industry: String,
    pub employees: i64,
    pub prefecture: String,
    pub require_totp: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub created_at: String,
}

/// A new organisation, already validated.
#[derive(Debug, Clone)]
pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub corporate_number: &'a str,
    pub industry: &'a str,
    pub employees: i64,
    pub prefecture: &'a str,
}

/// A new user, already validated; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: Role,
    pub created_at: String,
    pub expires_at: String,
    pub accepted_at: Option<String>,
}

const ORG_COLUMNS: &str =
    "id, name, corporate_number, industry, employees, prefecture, require_totp, created_at";
const USER_COLUMNS: &str =
    "id, organization_id, email, name, role, password_hash, totp_secret, totp_enabled, created_at";

fn org_from_row(r: &sqlx::any::AnyRow) -> Result<OrganizationRow> {
    Ok(OrganizationRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        corporate_number: r.try_get("corporate_number")?,
        industry: r.try_get("industry")?,
        employees: r.try_get("employees")?,
        prefecture: r.try_get("prefecture")?,
        require_totp: r.try_get::<i64, _>("require_totp")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

pub(crate) fn user_from_row(r: &sqlx::any::AnyRow) -> Result<UserRow> {
    Ok(UserRow {
        id: r.try_get("id")?,
        organization_id: r.try_get("organization_id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        role: crate::states::decode(r.try_get("role")?)?,
        password_hash: r.try_get("password_hash")?,
        totp_secret: r.try_get("totp_secret")?,
        totp_enabled: r.try_get::<i64, _>("totp_enabled")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

fn invitation_from_row(r: &sqlx::any::AnyRow) -> Result<InvitationRow> {
    Ok(InvitationRow {
        id: r.try_get("id")?,
        organization_id: r.try_get("organization_id")?,
        email: r.try_get("email")?,
        role: crate::states::decode(r.try_get("role")?)?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        accepted_at: r.try_get("accepted_at")?,
    })
}

impl Store {
    /// Creates an organisation and its owner in one transaction.
    pub async fn create_organization(
        &self,
        org: &NewOrganization<'_>,
        owner: &NewUser<'_>,
    ) -> Result<(String, String)> {
        let org_id = new_id();
        let user_id = new_id();
        let mut tx = self.begin_write(Actor::user(&org_id, &user_id)).await?;
        let at = tx.at().to_string();
        sqlx::query(
            "INSERT INTO organizations (id, name, corporate_number, industry, employees, prefecture, require_totp, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        )
        .bind(&org_id)
        .bind(org.name)
        .bind(org.corporate_number)
        .bind(org.industry)
        .bind(org.employees)
        .bind(org.prefecture)
        .bind(&at)
        .execute(tx.conn())
        .await
        .map_err(|e| unique_violation(e, "organization.corporate_number"))?;
        insert_user(&mut tx, &user_id, &org_id, owner)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => StoreError::Conflict {
                    field: "user.email",
                },
                other => other,
            })?;
        tx.audit(
            "organization.create",
            &org_id,
            json!({ "name": org.name, "corporate_number": org.corporate_number }),
        )
        .await?;
        tx.audit("user.create", &user_id, json!({ "role": owner.role }))
            .await?;
        tx.commit().await?;
        Ok((org_id, user_id))
    }

    pub async fn organization(&self, id: &str) -> Result<OrganizationRow> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        org_from_row(&row)
    }

    pub async fn organization_by_corporate_number(
        &self,
        number: &str,
    ) -> Result<Option<OrganizationRow>> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organizations WHERE corporate_number = $1"
        ))
        .bind(number)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(org_from_row).transpose()
    }

    pub async fn count_organizations(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organizations")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    pub async fn set_require_totp(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        required: bool,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        sqlx::query("UPDATE organizations SET require_totp = $1 WHERE id = $2")
            .bind(required as i64)
            .bind(organization_id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            "organization.require_totp",
            organization_id,
            json!({ "required": required }),
        )
        .await?;
        tx.commit().await
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user(&self, id: &str) -> Result<UserRow> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        user_from_row(&row)
    }

    /// Members of one organisation, in joining order.
    pub async fn members(&self, organization_id: &str) -> Result<Vec<UserRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE organization_id = $1 ORDER BY created_at"
        ))
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Changes a member's role, only within the given organisation.
    pub async fn set_role(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        user_id: &str,
        role: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let done = sqlx::query("UPDATE users SET role = $1 WHERE id = $2 AND organization_id = $3")
            .bind(role)
            .bind(user_id)
            .bind(organization_id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit("user.role", user_id, json!({ "role": role }))
            .await?;
        tx.commit().await
    }

    /// Stores a new TOTP secret (not yet enabled) or enables/disables it.
    pub async fn set_totp(
        &self,
        actor: Actor<'_>,
        user_id: &str,
        secret: Option<&str>,
        enabled: bool,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        sqlx::query("UPDATE users SET totp_secret = $1, totp_enabled = $2 WHERE id = $3")
            .bind(secret)
            .bind(enabled as i64)
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            if enabled {
                "user.totp_enable"
            } else {
                "user.totp_setup"
            },
            user_id,
            json!({}),
        )
        .await?;
        tx.commit().await
    }

    /// Records a member invitation; the token is stored only as its hash.
    pub async fn create_invitation(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        email: &str,
        role: &str,
        token_hash: &str,
        expires_at: &str,
    ) -> Result<String> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        sqlx::query(
            "INSERT INTO invitations (id, organization_id, email, role, token_hash, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(organization_id)
        .bind(email)
        .bind(role)
        .bind(token_hash)
        .bind(actor.user_id.unwrap_or(""))
        .bind(&at)
        .bind(expires_at)
        .execute(tx.conn())
        .await?;
        tx.audit("invitation.create", &id, json!({ "role": role }))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn invitations(&self, organization_id: &str) -> Result<Vec<InvitationRow>> {
        let rows = sqlx::query(
            "SELECT id, organization_id, email, role, created_at, expires_at, accepted_at FROM invitations \
             WHERE organization_id = $1 ORDER BY created_at DESC",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(invitation_from_row).collect()
    }

    pub async fn invitation_by_token_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<InvitationRow>> {
        let row = sqlx::query(
            "SELECT id, organization_id, email, role, created_at, expires_at, accepted_at FROM invitations WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(invitation_from_row).transpose()
    }

    /// Accepts an open invitation by creating the user; refuses one already used.
    pub async fn accept_invitation(
        &self,
        invitation: &InvitationRow,
        user: &NewUser<'_>,
    ) -> Result<String> {
        let user_id = new_id();
        let mut tx = self
            .begin_write(Actor::user(&invitation.organization_id, &user_id))
            .await?;
        let at = tx.at().to_string();
        let done = sqlx::query(
            "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
        )
        .bind(&at)
        .bind(&invitation.id)
        .execute(tx.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        insert_user(&mut tx, &user_id, &invitation.organization_id, user).await?;
        tx.audit(
            "invitation.accept",
            &invitation.id,
            json!({ "user_id": user_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(user_id)
    }
}

async fn insert_user(
    tx: &mut crate::WriteTx,
    id: &str,
    org_id: &str,
    user: &NewUser<'_>,
) -> Result<()> {
    let at = tx.at().to_string();
    sqlx::query(
        "INSERT INTO users (id, organization_id, email, name, role, password_hash, totp_enabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
    )
    .bind(id)
    .bind(org_id)
    .bind(user.email)
    .bind(user.name)
    .bind(user.role.as_str())
    .bind(user.password_hash)
    .bind(&at)
    .execute(tx.conn())
    .await
    .map_err(|e| unique_violation(e, "user.email"))?;
    Ok(())
}
