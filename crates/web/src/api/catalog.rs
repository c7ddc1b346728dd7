//! `GET /api/v1/catalog`: the SCS criteria with guidance, optionally for one level.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use shirube_app::assessments;
use utoipa::{IntoParams, ToSchema};

use crate::api::problem::{BadRequest, Invalid};
use crate::api::ApiQuery;
use crate::error::ApiError;
use crate::AppState;

#[derive(Deserialize, IntoParams)]
pub struct CatalogQuery {
    /// 3 or 4: only the criteria that level requires.
    #[param(value_type = Option<u8>, minimum = 3, maximum = 4)]
    pub level: Option<String>,
}

/// A text in both languages.
#[derive(Serialize, ToSchema, Clone)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl From<&shirube_catalog::Localized> for Text {
    fn from(l: &shirube_catalog::Localized) -> Self {
        Text {
            ja: l.ja.clone(),
            en: l.en.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CriterionOut {
    pub id: String,
    pub requirement_id: String,
    /// Lowest level that requires it: 3 or 4.
    #[schema(minimum = 3, maximum = 4)]
    pub level: u8,
    pub category: String,
    pub csf_function: String,
    pub title: Text,
    pub meaning: Text,
    pub how: Text,
    pub evidence: Text,
    pub next_step: Text,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogOut {
    pub edition: String,
    pub content_hash: String,
    pub criteria: Vec<CriterionOut>,
}

/// Lists criteria with their guidance. Public: the catalog is public information.
#[utoipa::path(get, path = "/api/v1/catalog", params(CatalogQuery), tag = "catalog", responses((status = 200, body = CatalogOut), BadRequest, Invalid))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> Result<Json<CatalogOut>, ApiError> {
    let level = match q.level.as_deref() {
        Some(l) => Some(assessments::parse_level(l, "level")?),
        None => None,
    };
    let criteria = state
        .catalog
        .criteria
        .iter()
        .filter(|c| level.is_none_or(|l| c.required_for(l)))
        .map(|c| CriterionOut {
            id: c.id.to_string(),
            requirement_id: c.requirement_id.to_string(),
            level: c.level.number(),
            category: c.category.clone(),
            csf_function: c.csf_function.code().to_string(),
            title: (&c.title).into(),
            meaning: (&c.meaning).into(),
            how: (&c.how).into(),
            evidence: (&c.evidence).into(),
            next_step: (&c.next_step).into(),
        })
        .collect();
    Ok(Json(CatalogOut {
        edition: state.catalog.edition.clone(),
        content_hash: state.catalog.content_hash.clone(),
        criteria,
    }))
}
