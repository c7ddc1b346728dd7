//! The page chrome every template shares: what the header shows about the signed-in user.

use shirube_app::{accounts, AppError, Principal};

use crate::AppState;

/// What the layout shows about the signed-in user.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub user_name: String,
    pub org_name: String,
    pub role: String,
    pub csrf: String,
    /// The organisation is a designated evaluation body (shows the evaluation queue).
    pub is_body: bool,
    /// The organisation is an industry group, or a member of or invited by one (shows the
    /// industry page).
    pub industry: bool,
}

impl Nav {
    /// One query per page: the organisation's name and the flags that decide the links.
    pub async fn for_principal(state: &AppState, p: &Principal) -> Result<Option<Nav>, AppError> {
        let facts = accounts::nav_facts(state, p).await?;
        Ok(Some(Nav {
            user_name: p.user.name.clone(),
            org_name: facts.name,
            role: p.role.as_str().into(),
            csrf: p.csrf().into(),
            is_body: facts.evaluation_body,
            industry: facts.industry_group || facts.industry_membership,
        }))
    }
}
