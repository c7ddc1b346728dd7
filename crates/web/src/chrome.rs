//! The page chrome every template shares: what the header shows about the signed-in user,
//! grouped as the organisation's work (only the roles it plays), its settings and the
//! person's own account.

use shirube_app::workspace::{self, Roles};
use shirube_app::{AppError, Principal};

use crate::AppState;

/// What the layout shows about the signed-in user.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub user_name: String,
    pub org_name: String,
    pub role: String,
    pub csrf: String,
    /// The roles the organisation plays: they decide which work links show.
    pub roles: Roles,
    /// The organisation is a designated evaluation body (shows the evaluation queue).
    pub is_body: bool,
    /// The organisation is an industry group, or a member of or invited by one (shows the
    /// industry and intelligence pages).
    pub industry: bool,
    /// Unread notifications, for the badge ("99+" above 99).
    pub unread: i64,
    /// The person may manage members (owners).
    pub is_owner: bool,
}

impl Nav {
    /// One query per page: the organisation's name, its roles and unread notifications.
    pub async fn for_principal(state: &AppState, p: &Principal) -> Result<Option<Nav>, AppError> {
        let w = workspace::workspace(state, p).await?;
        Ok(Some(Nav {
            user_name: p.user.name.clone(),
            org_name: w.org_name,
            role: p.role.as_str().into(),
            csrf: p.csrf().into(),
            is_body: w.roles.evaluation_body,
            industry: w.roles.industry_group || w.roles.industry_member,
            roles: w.roles,
            unread: w.unread,
            is_owner: p.role.is_owner(),
        }))
    }

    /// The badge text for unread notifications.
    pub fn unread_badge(&self) -> String {
        if self.unread > 99 {
            "99+".into()
        } else {
            self.unread.to_string()
        }
    }
}
