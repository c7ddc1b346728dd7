//! The public catalog browser: every requirement and criterion with guidance.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::auth::ReqLang;
use crate::error::PageError;
use crate::pages::MaybeNav;
use crate::pages::{render, Nav};
use crate::AppState;
use shirube_app::i18n::Tr;

#[derive(Debug, Clone)]
pub struct CatalogCriterion {
    pub id: String,
    pub level: u8,
    pub title: String,
    pub meaning: String,
    pub how: String,
    pub evidence: String,
}

#[derive(Debug, Clone)]
pub struct CatalogRequirement {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub criteria: Vec<CatalogCriterion>,
}

#[derive(Debug, Clone)]
pub struct CatalogCategory {
    pub id: String,
    pub name: String,
    pub csf: String,
    pub requirements: Vec<CatalogRequirement>,
}

#[derive(Template)]
#[template(path = "catalog.html")]
pub struct CatalogPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub edition: String,
    pub level: u8,
    pub count: usize,
    pub categories: Vec<CatalogCategory>,
}

#[derive(Deserialize)]
pub struct LevelQuery {
    level: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeNav(nav): MaybeNav,
    Query(q): Query<LevelQuery>,
) -> Result<Response, PageError> {
    let level = q
        .level
        .as_deref()
        .and_then(|l| l.parse::<shirube_catalog::StarLevel>().ok())
        .unwrap_or(shirube_catalog::StarLevel::Four);
    let cat = &state.catalog;
    let categories: Vec<CatalogCategory> = cat
        .categories
        .iter()
        .map(|c| CatalogCategory {
            id: c.id.clone(),
            name: c.name.get(lang).to_string(),
            csf: c.csf_function.code().to_string(),
            requirements: cat
                .requirements_for(level)
                .filter(|r| r.category == c.id)
                .map(|r| CatalogRequirement {
                    id: r.id.to_string(),
                    title: r.title.get(lang).to_string(),
                    summary: r.summary.get(lang).to_string(),
                    criteria: cat
                        .criteria_for(level)
                        .filter(|x| x.requirement_id == r.id)
                        .map(|x| CatalogCriterion {
                            id: x.id.to_string(),
                            level: x.level.number(),
                            title: x.title.get(lang).to_string(),
                            meaning: x.meaning.get(lang).to_string(),
                            how: x.how.get(lang).to_string(),
                            evidence: x.evidence.get(lang).to_string(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .filter(|c| !c.requirements.is_empty())
        .collect();
    let page = CatalogPage {
        t: Tr::new(lang),
        nav: nav.clone(),
        edition: cat.edition.clone(),
        level: level.number(),
        count: cat.criteria_for(level).count(),
        categories,
    };
    render(&page, lang)
}
