//! The products an organisation uses (issue 13, item 5): the registry by category, each
//! product with a button to declare or withdraw its use. A declared product is evidence for
//! the criteria its category serves in the organisation's open assessment.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::i18n::Tr;
use shirube_app::selfsufficiency;
use shirube_app::{AppError, Principal};

use crate::error::PageError;
use crate::pages::{render, Nav, PageResult, Signed};
use crate::AppState;

/// One product of the registry as the page lists it.
pub struct ProductLine {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub domestic: bool,
    /// The date (Japan) the organisation declared it; empty when not declared.
    pub declared: String,
    /// The criteria it serves, as "id title" lines.
    pub criteria: Vec<String>,
}

#[derive(Template)]
#[template(path = "products/index.html")]
pub struct ProductsPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub can_edit: bool,
    /// Category name and its products.
    pub categories: Vec<(String, Vec<ProductLine>)>,
    pub declared: usize,
    /// `declared` or `withdrawn` after a change.
    pub done: String,
}

async fn page(state: &AppState, p: &Principal, done: String) -> Result<ProductsPage, AppError> {
    let t = Tr::new(p.lang);
    let (_, products) = selfsufficiency::registry(state).await?;
    let mine = selfsufficiency::my_uses(state, p).await?;
    let mut categories: Vec<(String, Vec<ProductLine>)> = Vec::new();
    for (cat, _) in selfsufficiency::CATEGORY_CRITERIA {
        let lines: Vec<ProductLine> = products
            .iter()
            .filter(|x| x.category == cat)
            .map(|x| ProductLine {
                id: x.id.clone(),
                name: x.name.clone(),
                vendor: x.vendor_name.clone(),
                domestic: selfsufficiency::is_domestic(
                    &x.head_office_country,
                    &x.ultimate_parent_country,
                ),
                declared: mine
                    .iter()
                    .find(|u| u.product_id == x.id)
                    .map(|u| t.date(&u.created_at))
                    .unwrap_or_default(),
                criteria: selfsufficiency::criteria_of_category(cat)
                    .into_iter()
                    .filter_map(|id| state.catalog.criterion(id))
                    .map(|c| format!("{} {}", c.id, c.title.get(p.lang)))
                    .collect(),
            })
            .collect();
        if !lines.is_empty() {
            categories.push((t.t(&format!("pe-cat-{cat}")), lines));
        }
    }
    Ok(ProductsPage {
        nav: Nav::for_principal(state, p).await?,
        can_edit: p.role.can_edit(),
        categories,
        declared: mine.len(),
        done,
        t,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// The registry with the organisation's declarations.
pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let done = match q.done.as_deref() {
        Some(d @ ("declared" | "withdrawn")) => d.to_string(),
        _ => String::new(),
    };
    let pg = page(&state, &p, done).await.page(p.lang)?;
    render(&pg, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangeForm {
    pub csrf_token: String,
}

/// Declares that the organisation uses a product (the category's criteria only).
pub async fn declare(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(product_id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    // Declaring again from the page keeps criteria and spend sent earlier through the API.
    let earlier = selfsufficiency::my_uses(&state, &p)
        .await
        .page(lang)?
        .into_iter()
        .find(|u| u.product_id == product_id);
    let (criteria, spend) = match earlier {
        Some(u) => (
            u.criteria
                .split(' ')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
            u.annual_spend_yen,
        ),
        None => (Vec::new(), None),
    };
    selfsufficiency::declare_use(&state, &p, &product_id, &criteria, spend)
        .await
        .page(lang)?;
    Ok(Redirect::to("/products?done=declared").into_response())
}

/// Withdraws a declared use.
pub async fn withdraw(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(product_id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    selfsufficiency::withdraw_use(&state, &p, &product_id)
        .await
        .page(lang)?;
    Ok(Redirect::to("/products?done=withdrawn").into_response())
}
