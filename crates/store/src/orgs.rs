//! Organisations, their users (members with a role) and member invitations.

use crate::ids::{InvitationId, OrganizationId, UserId};
use serde_json::json;

use crate::{new_id, unique_violation, Actor, Result, Role, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganizationRow {
    pub id: OrganizationId,
    pub name: String,
    pub corporate_number: String,
    pub industry: String,
    pub employees: i64,
    /// Paid-in capital in yen, when given.
    pub capital_yen: Option<i64>,
    pub prefecture: String,
    pub require_totp: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "String")]
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
    /// Paid-in capital in yen, when given.
    pub capital_yen: Option<i64>,
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

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_at: String,
    pub expires_at: String,
    pub accepted_at: Option<String>,
}

// Flags are stored as 0/1 integers (the portable schema); `<> 0` turns them into booleans
// on both databases (PostgreSQL decodes only a boolean as `bool`).
const ORG_COLUMNS: &str =
    "id, name, corporate_number, industry, employees, capital_yen, prefecture, \
    require_totp <> 0 AS require_totp, created_at";
/// User columns, qualified with `u.` so that joins can use them too.
pub(crate) const USER_COLUMNS: &str = "u.id, u.organization_id, u.email, u.name, u.role, \
    u.password_hash, u.totp_secret, u.totp_enabled <> 0 AS totp_enabled, u.created_at";
const INVITATION_COLUMNS: &str =
    "id, organization_id, email, role, created_at, expires_at, accepted_at";

impl Store {
    /// Creates an organisation and its owner in one transaction.
    pub async fn create_organization(
        &self,
        org: &NewOrganization<'_>,
        owner: &NewUser<'_>,
    ) -> Result<(OrganizationId, UserId)> {
        let org_id = new_id();
        let user_id = new_id();
        let mut tx = self.begin_write(Actor::user(&org_id, &user_id)).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO organizations (id, name, corporate_number, industry, employees, prefecture, require_totp, created_at, capital_yen, record_key) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9)",
            &org_id,
            org.name,
            org.corporate_number,
            org.industry,
            org.employees,
            org.prefecture,
            &at,
            org.capital_yen,
            crate::new_record_key(),
        )
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

    pub async fn organization(&self, id: &OrganizationId) -> Result<OrganizationRow> {
        fetch_optional!(
            self.db(),
            OrganizationRow,
            &format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1"),
            id
        )?
        .ok_or(StoreError::NotFound)
    }

    pub async fn organization_by_corporate_number(
        &self,
        number: &str,
    ) -> Result<Option<OrganizationRow>> {
        Ok(fetch_optional!(
            self.db(),
            OrganizationRow,
            &format!("SELECT {ORG_COLUMNS} FROM organizations WHERE corporate_number = $1"),
            number
        )?)
    }

    pub async fn count_organizations(&self) -> Result<i64> {
        let (n,) = fetch_one!(self.db(), (i64,), "SELECT COUNT(*) FROM organizations")?;
        Ok(n)
    }

    pub async fn set_require_totp(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        required: bool,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        execute!(
            tx.conn(),
            "UPDATE organizations SET require_totp = $1 WHERE id = $2",
            i64::from(required),
            organization_id
        )?;
        tx.audit(
            "organization.require_totp",
            organization_id,
            json!({ "required": required }),
        )
        .await?;
        tx.commit().await
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>> {
        Ok(fetch_optional!(
            self.db(),
            UserRow,
            &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"),
            email
        )?)
    }

    pub async fn user(&self, id: &UserId) -> Result<UserRow> {
        fetch_optional!(
            self.db(),
            UserRow,
            &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"),
            id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// Members of one organisation, in joining order.
    pub async fn members(&self, organization_id: &OrganizationId) -> Result<Vec<UserRow>> {
        Ok(fetch_all!(
            self.db(),
            UserRow,
            &format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.organization_id = $1 ORDER BY u.created_at"
            ),
            organization_id
        )?)
    }

    /// Changes a member's role, only within the given organisation.
    pub async fn set_role(
        &self,
        actor: Actor<'_>,
        organization_id: &OrganizationId,
        user_id: &UserId,
        role: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let done = execute!(
            tx.conn(),
            "UPDATE users SET role = $1 WHERE id = $2 AND organization_id = $3",
            role,
            user_id,
            organization_id
        )?;
        if done == 0 {
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
        user_id: &UserId,
        secret: Option<&str>,
        enabled: bool,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        execute!(
            tx.conn(),
            "UPDATE users SET totp_secret = $1, totp_enabled = $2 WHERE id = $3",
            secret,
            i64::from(enabled),
            user_id
        )?;
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
        organization_id: &OrganizationId,
        email: &str,
        role: &str,
        token_hash: &str,
        expires_at: &str,
    ) -> Result<InvitationId> {
        let id = new_id();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO invitations (id, organization_id, email, role, token_hash, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &id,
            organization_id,
            email,
            role,
            token_hash,
            actor.user_id.unwrap_or(""),
            &at,
            expires_at,
        )?;
        tx.audit("invitation.create", &id, json!({ "role": role }))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn invitations(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Vec<InvitationRow>> {
        Ok(fetch_all!(
            self.db(),
            InvitationRow,
            &format!(
                "SELECT {INVITATION_COLUMNS} FROM invitations WHERE organization_id = $1 ORDER BY created_at DESC"
            ),
            organization_id
        )?)
    }

    pub async fn invitation_by_token_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<InvitationRow>> {
        Ok(fetch_optional!(
            self.db(),
            InvitationRow,
            &format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1"),
            token_hash
        )?)
    }

    /// Accepts an open invitation by creating the user; refuses one already used.
    pub async fn accept_invitation(
        &self,
        invitation: &InvitationRow,
        user: &NewUser<'_>,
    ) -> Result<UserId> {
        let user_id = new_id();
        let mut tx = self
            .begin_write(Actor::user(&invitation.organization_id, &user_id))
            .await?;
        let at = tx.at().to_string();
        let done = execute!(
            tx.conn(),
            "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
            &at,
            &invitation.id
        )?;
        if done == 0 {
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

pub(crate) async fn insert_user(
    tx: &mut crate::WriteTx,
    id: &UserId,
    org_id: &OrganizationId,
    user: &NewUser<'_>,
) -> Result<()> {
    let at = tx.at().to_string();
    execute!(
        tx.conn(),
        "INSERT INTO users (id, organization_id, email, name, role, password_hash, totp_enabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        id,
        org_id,
        user.email,
        user.name,
        user.role.as_str(),
        user.password_hash,
        &at,
    )
    .map_err(|e| unique_violation(e, "user.email"))?;
    Ok(())
}

/// A mark the operator sets on an organisation: its column and the audit action that records
/// a change of it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OrgFlag {
    EvaluationBody,
    IndustryGroup,
    Publisher,
    Verifier,
}

impl OrgFlag {
    fn column(self) -> &'static str {
        match self {
            OrgFlag::EvaluationBody => "is_evaluation_body",
            OrgFlag::IndustryGroup => "is_industry_group",
            OrgFlag::Publisher => "is_publisher",
            OrgFlag::Verifier => "is_verifier",
        }
    }

    fn action(self) -> &'static str {
        match self {
            OrgFlag::EvaluationBody => "organization.evaluation_body",
            OrgFlag::IndustryGroup => "organization.industry_group",
            OrgFlag::Publisher => "organization.publisher",
            OrgFlag::Verifier => "organization.verifier",
        }
    }
}

impl Store {
    /// Sets or clears one of the operator's marks, with its audit entry; an unknown
    /// organisation is `NotFound`.
    pub(crate) async fn set_org_flag(
        &self,
        flag: OrgFlag,
        organization_id: &str,
        designated: bool,
    ) -> Result<()> {
        let mut tx = self.begin_write(Actor::system()).await?;
        let sql = format!(
            "UPDATE organizations SET {} = $1 WHERE id = $2",
            flag.column()
        );
        let done = execute!(tx.conn(), &sql, i64::from(designated), organization_id)?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(
            flag.action(),
            organization_id,
            json!({ "designated": designated }),
        )
        .await?;
        tx.commit().await
    }

    /// Whether the organisation carries the mark (an unknown one does not).
    pub(crate) async fn org_flag(&self, flag: OrgFlag, organization_id: &str) -> Result<bool> {
        let sql = format!("SELECT {} FROM organizations WHERE id = $1", flag.column());
        let row: Option<(i64,)> = fetch_optional!(self.db(), (i64,), &sql, organization_id)?;
        Ok(row.is_some_and(|(v,)| v != 0))
    }
}
