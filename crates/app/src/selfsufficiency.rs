//! The self-sufficiency rate: publishers keep a registry of security vendors (head office and
//! ultimate parent country, corporate number where there is one) and their products by
//! category; an organisation declares which products it uses, with the SCS criteria each
//! serves and optionally its annual spend; releases publish the shares computed by
//! `shirube_stats::selfsufficiency`, with the definition, and say where the data are too thin.

use serde_json::{json, Value};
use shirube_stats::selfsufficiency::{self as ss, CATEGORIES};
use shirube_store::{NewVendor, ProductRow, ProductUseRow, VendorRow};

use crate::accounts::Principal;
use crate::domain::{collect, required_text, CorporateNumber, FieldError};
use crate::error::AppError;
use crate::roadmap::require_publisher;
use crate::App;

pub const DEFINITION_EN: &str = "Domestic: the vendor's head office is in Japan and its ultimate parent is Japanese (a foreign product resold by a Japanese firm is not domestic). Usage share: organisations using at least one domestic product of the category ÷ organisations using any product of it. Spend share: declared annual spend on domestic vendors ÷ all declared spend, published only with ten or more organisations declaring spend, three or more vendors and the two largest vendors at most 85 % of it. Monitoring in Japan: organisations whose monitoring service (SIEM / SOC) analyses in Japan ÷ organisations using one. Every share needs ten organisations; below that it reads too_thin. Organisations on Shirube that declared their products only: not a census.";
pub const DEFINITION_JA: &str = "国産：ベンダーの本社が日本にあり、最終親会社も日本企業であること（海外製品を国内企業が販売する場合は国産に含めません）。利用ベース：その分類の国産製品を1つ以上使う組織数 ÷ その分類の製品を使う組織数。支出ベース：国産ベンダーへの年間支出 ÷ 申告された支出の合計（支出を申告した組織が10以上、ベンダーが3社以上、上位2社の合計が85%以下の場合のみ公表）。国内監視：国内で分析する監視サービス（SIEM/SOC）を使う組織数 ÷ 監視サービスを使う組織数。いずれも10組織未満は too_thin（データ不足）とします。しるべで製品を申告した組織のみの値で、全数調査ではありません。";

/// Whether a vendor counts as domestic (the one rule, in `shirube_stats`).
pub fn is_domestic(head_office_country: &str, ultimate_parent_country: &str) -> bool {
    ss::is_domestic(head_office_country, ultimate_parent_country)
}

fn country(input: &str, field: &str) -> Result<String, FieldError> {
    let s = input.trim().to_ascii_uppercase();
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(s)
    } else {
        Err(FieldError::new(field, "public-err-country"))
    }
}

/// A vendor to register.
#[derive(Debug, Clone)]
pub struct VendorInput<'a> {
    pub name: &'a str,
    pub corporate_number: Option<&'a str>,
    pub head_office_country: &'a str,
    pub ultimate_parent_name: &'a str,
    pub ultimate_parent_country: &'a str,
}

/// Adds a vendor to the registry (publishers only); returns its id.
pub async fn add_vendor(
    state: &App,
    p: &Principal,
    v: &VendorInput<'_>,
) -> Result<String, AppError> {
    require_publisher(state, p).await?;
    let mut errors = Vec::new();
    let name = collect(&mut errors, required_text(v.name, "name", 200));
    let number = match v.corporate_number.map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) => collect(&mut errors, CorporateNumber::parse(n, "corporate_number"))
            .map(|c| Some(c.as_str().to_string())),
        None => Some(None),
    };
    let head = collect(
        &mut errors,
        country(v.head_office_country, "head_office_country"),
    );
    let parent = collect(
        &mut errors,
        required_text(v.ultimate_parent_name, "ultimate_parent_name", 200),
    );
    let parent_country = collect(
        &mut errors,
        country(v.ultimate_parent_country, "ultimate_parent_country"),
    );
    let (Some(name), Some(number), Some(head), Some(parent), Some(parent_country)) =
        (name, number, head, parent, parent_country)
    else {
        return Err(AppError::Invalid(errors));
    };
    Ok(state
        .store
        .create_vendor(
            p.actor(),
            &NewVendor {
                name: &name,
                corporate_number: number.as_deref(),
                head_office_country: &head,
                ultimate_parent_name: &parent,
                ultimate_parent_country: &parent_country,
            },
        )
        .await?)
}

/// Adds a product of a registered vendor (publishers only); returns its id.
pub async fn add_product(
    state: &App,
    p: &Principal,
    vendor_id: &str,
    name: &str,
    category: &str,
    monitoring_in_japan: bool,
) -> Result<String, AppError> {
    require_publisher(state, p).await?;
    let mut errors = Vec::new();
    let name = collect(&mut errors, required_text(name, "name", 200));
    let category = category.trim();
    if !CATEGORIES.contains(&category) {
        errors.push(FieldError::new("category", "public-err-category"));
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    state
        .store
        .create_product(p.actor(), vendor_id, &name, category, monitoring_in_japan)
        .await
        .map_err(|e| match e {
            shirube_store::StoreError::NotFound => {
                AppError::field("vendor_id", "public-err-vendor")
            }
            other => other.into(),
        })
}

/// The registry (public).
pub async fn registry(state: &App) -> Result<(Vec<VendorRow>, Vec<ProductRow>), AppError> {
    Ok((state.store.vendors().await?, state.store.products().await?))
}

/// Declares that the caller's organisation uses a product, for these criteria (editors).
pub async fn declare_use(
    state: &App,
    p: &Principal,
    product_id: &str,
    criteria: &[String],
    annual_spend_yen: Option<i64>,
) -> Result<(), AppError> {
    p.require_edit()?;
    let mut errors = Vec::new();
    if criteria.is_empty() || criteria.len() > 50 {
        errors.push(FieldError::new("criteria", "public-err-criteria"));
    }
    let known: std::collections::BTreeSet<String> = state
        .catalog
        .criteria_for(shirube_catalog::StarLevel::Four)
        .map(|c| c.id.to_string())
        .collect();
    for (i, c) in criteria.iter().enumerate() {
        if !known.contains(c.trim()) {
            errors.push(FieldError::new(
                format!("criteria[{i}]"),
                "public-err-criterion",
            ));
        }
    }
    if annual_spend_yen.is_some_and(|s| !(0..=1_000_000_000_000).contains(&s)) {
        errors.push(FieldError::new("annual_spend_yen", "public-err-spend"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let list: Vec<&str> = criteria.iter().map(|c| c.trim()).collect();
    state
        .store
        .put_product_use(
            p.actor(),
            p.org_id(),
            product_id,
            &list.join(" "),
            annual_spend_yen,
        )
        .await?;
    Ok(())
}

/// Withdraws a declared use (editors).
pub async fn withdraw_use(state: &App, p: &Principal, product_id: &str) -> Result<(), AppError> {
    p.require_edit()?;
    Ok(state
        .store
        .delete_product_use(p.actor(), p.org_id(), product_id)
        .await?)
}

/// The products the caller's organisation declared.
pub async fn my_uses(state: &App, p: &Principal) -> Result<Vec<ProductUseRow>, AppError> {
    Ok(state.store.product_uses_of(p.org_id()).await?)
}

fn share_json(s: &ss::Share) -> Value {
    // A count of one or two organisations is itself withheld.
    let n = (s.denominator == 0 || s.denominator >= shirube_stats::sdc::MIN_COUNT)
        .then_some(s.denominator);
    json!({ "organisations": n, "percent": s.percent, "withheld": s.withheld })
}

/// The self-sufficiency document of a release, from the uses declared at `at`.
pub(crate) async fn document(state: &App, at: &str, period: &str) -> Result<Value, AppError> {
    let rows = state.store.product_uses_at(at).await?;
    let uses: Vec<ss::Use> = rows
        .iter()
        .map(|r| ss::Use {
            organization: &r.organization_id,
            vendor: &r.vendor_id,
            category: &r.category,
            domestic: ss::is_domestic(&r.head_office_country, &r.ultimate_parent_country),
            monitoring_in_japan: r.monitoring_in_japan,
            annual_spend_yen: r.annual_spend_yen.and_then(|s| u64::try_from(s).ok()),
        })
        .collect();
    let f = ss::compute(&uses);
    Ok(json!({
        "period": period,
        "reference_time": at,
        "licence": { "name": crate::roadmap::LICENCE_NAME, "url": crate::roadmap::LICENCE_URL },
        "definition": { "ja": DEFINITION_JA, "en": DEFINITION_EN },
        "usage_share": f.usage.iter().map(|(c, s)| {
            let mut v = share_json(s);
            if let Some(o) = v.as_object_mut() {
                o.insert("category".into(), json!(c));
            }
            v
        }).collect::<Vec<_>>(),
        "spend_share": share_json(&f.spend),
        "monitoring_in_japan": share_json(&f.monitoring),
    }))
}
