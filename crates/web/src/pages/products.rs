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
use crate::pages::{render, render_status, FieldMessages, Nav, PageResult, Signed};
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
    /// The declared annual spend in yen, as digits for the input ("" when none).
    pub spend: String,
    /// The same for reading ("1,200,000").
    pub spend_shown: String,
    /// Why the page refused what was just sent for this product ("" when it did not).
    pub error: String,
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
    /// What was refused, in one line for the top of the page ("" when nothing was).
    pub error_summary: String,
}

/// A declaration the page refused, shown at its product's form.
pub struct Refused {
    pub product_id: String,
    pub spend: String,
    pub errors: FieldMessages,
}

async fn page(
    state: &AppState,
    p: &Principal,
    done: String,
    refused: Option<Refused>,
) -> Result<ProductsPage, AppError> {
    let t = Tr::new(p.lang);
    let (_, products) = selfsufficiency::registry(state).await?;
    let mine = selfsufficiency::my_uses(state, p).await?;
    let mut categories: Vec<(String, Vec<ProductLine>)> = Vec::new();
    for (cat, _) in selfsufficiency::CATEGORY_CRITERIA {
        let lines: Vec<ProductLine> = products
            .iter()
            .filter(|x| x.category == cat)
            .map(|x| {
                let used = mine.iter().find(|u| u.product_id == x.id);
                let spend = used.and_then(|u| u.annual_spend_yen);
                ProductLine {
                    id: x.id.clone(),
                    name: x.name.clone(),
                    vendor: x.vendor_name.clone(),
                    domestic: selfsufficiency::is_domestic(
                        &x.head_office_country,
                        &x.ultimate_parent_country,
                    ),
                    declared: used.map(|u| t.date(&u.created_at)).unwrap_or_default(),
                    spend: spend.map(|s| s.to_string()).unwrap_or_default(),
                    spend_shown: spend.map(grouped).unwrap_or_default(),
                    error: String::new(),
                    criteria: selfsufficiency::criteria_of_category(cat)
                        .into_iter()
                        .filter_map(|id| state.catalog.criterion(id))
                        .map(|c| format!("{} {}", c.id, c.title.get(p.lang)))
                        .collect(),
                }
            })
            .collect();
        if !lines.is_empty() {
            categories.push((t.t(&format!("pe-cat-{cat}")), lines));
        }
    }
    let mut error_summary = String::new();
    if let Some(r) = &refused {
        for line in categories.iter_mut().flat_map(|(_, l)| l.iter_mut()) {
            if line.id == r.product_id {
                line.error = r.errors.get("annual_spend_yen");
                if line.error.is_empty() {
                    line.error = r
                        .errors
                        .0
                        .iter()
                        .map(|(_, m)| m.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                }
                line.spend = r.spend.clone();
                error_summary = format!("{}: {}", line.name, line.error);
            }
        }
    }
    Ok(ProductsPage {
        nav: Nav::for_principal(state, p).await?,
        error_summary,
        can_edit: p.role.can_edit(),
        categories,
        declared: mine.len(),
        done,
        t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spend_is_read_as_people_type_it() {
        assert_eq!(parse_spend("").ok(), Some(None));
        assert_eq!(parse_spend(" 1,200,000円 ").ok(), Some(Some(1_200_000)));
        assert_eq!(parse_spend("１２００").ok(), Some(Some(1200)));
        assert!(parse_spend("12万").is_err());
        assert!(parse_spend("-5").is_err());
        assert!(parse_spend("99999999999999999999").is_err());
        assert_eq!(grouped(1_200_000), "1,200,000");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(0), "0");
    }
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
    let pg = page(&state, &p, done, None).await.page(p.lang)?;
    render(&pg, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangeForm {
    pub csrf_token: String,
    /// Optional annual spend in yen ("" for none); digits with or without separators.
    pub annual_spend_yen: String,
}

/// 1200000 → "1,200,000".
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The spend as typed (see `domain::parse_yen`): anything but whole yen names the field.
fn parse_spend(raw: &str) -> Result<Option<i64>, AppError> {
    shirube_app::domain::parse_yen(
        raw,
        "annual_spend_yen",
        selfsufficiency::MAX_SPEND_YEN,
        "public-err-spend",
    )
    .map_err(|e| AppError::Invalid(vec![e]))
}

/// Declares that the organisation uses a product, or changes the declared annual spend of
/// one it uses: the criteria are the category's (and any sent earlier through the API), the
/// spend is what the form says (empty: none declared).
pub async fn declare(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(product_id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    let result = async {
        let spend = parse_spend(&form.annual_spend_yen)?;
        // Declaring again from the page keeps criteria sent earlier through the API.
        let criteria: Vec<String> = selfsufficiency::my_uses(&state, &p)
            .await?
            .into_iter()
            .find(|u| u.product_id == product_id)
            .map(|u| {
                u.criteria
                    .split(' ')
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        selfsufficiency::declare_use(&state, &p, &product_id, &criteria, spend).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/products?done=declared").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let refused = Refused {
                product_id: product_id.clone(),
                spend: form.annual_spend_yen.chars().take(40).collect(),
                errors: FieldMessages::from_error(&e, lang),
            };
            let pg = page(&state, &p, String::new(), Some(refused))
                .await
                .page(lang)?;
            render_status(&pg, lang, crate::error::status(&e))
        }
        Err(e) => Err(PageError(e, lang)),
    }
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
