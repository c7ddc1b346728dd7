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

pub const DEFINITION_EN: &str = "Domestic: the vendor's head office is in Japan and its ultimate parent is Japanese (a foreign product resold by a Japanese firm is not domestic). Usage share: organisations using at least one domestic product of the category ÷ organisations using any product of it. Spend share: declared annual spend on domestic vendors ÷ all declared spend, published only with ten or more organisations declaring spend, three or more vendors and the two largest vendors at most 85 % of it. Monitoring in Japan: organisations whose monitoring service (SIEM / SOC) analyses in Japan ÷ organisations using one. Every share needs ten organisations; below that it reads too_thin. Counts of organisations (each share's denominator and numerator) carry the same small deliberate error as the statistics' counts, at most ±2 (cell-key method), so that comparing two releases does not reveal one firm's declaration; a share is the ratio of the two published counts. Organisations on Shirube that declared their products only: not a census.";
pub const DEFINITION_JA: &str = "国産：ベンダーの本社が日本にあり、最終親会社も日本企業であること（海外製品を国内企業が販売する場合は国産に含めません）。利用ベース：その分類の国産製品を1つ以上使う組織数 ÷ その分類の製品を使う組織数。支出ベース：国産ベンダーへの年間支出 ÷ 申告された支出の合計（支出を申告した組織が10以上、ベンダーが3社以上、上位2社の合計が85%以下の場合のみ公表）。国内監視：国内で分析する監視サービス（SIEM/SOC）を使う組織数 ÷ 監視サービスを使う組織数。いずれも10組織未満は too_thin（データ不足）とします。組織数（各割合の分母と分子）には統計の件数と同じく±2以内の意図的な誤差（セルキー法）を加え、2回の公表を比べても1社の申告が分からないようにしています。割合は公表する2つの数の比です。しるべで製品を申告した組織のみの値で、全数調査ではありません。";

/// The SCS criteria each product category serves, with the level each criterion belongs to
/// (written from the requirement sheet, `shared/reference/scs`): a declared product is
/// evidence for these criteria of the organisation's assessment, besides any the
/// organisation names with its declaration. A category not listed serves none.
pub const CATEGORY_CRITERIA: [(&str, &[(&str, u8)]); 8] = [
    // Anti-malware on PCs and servers, scans, signature updates; checking files from outside.
    (
        "edr",
        &[
            ("4-4-5-1", 3),
            ("4-4-5-2", 3),
            ("4-4-5-3", 3),
            ("5-1-2-3", 4),
        ],
    ),
    // Blocking unauthenticated inbound traffic, documented rules, segmentation; real-time
    // detection and blocking of malicious traffic.
    (
        "firewall_utm",
        &[
            ("4-5-1-4", 3),
            ("4-5-1-5", 3),
            ("5-1-1-1", 3),
            ("4-5-1-9", 4),
        ],
    ),
    // Malware checking of e-mail.
    ("email_security", &[("4-4-5-5", 4)]),
    // Blocking malicious websites.
    ("web_dns_filtering", &[("4-4-5-4", 4)]),
    // Vulnerability intelligence tools; no CVSS 7.0+ flaws on internet-facing devices.
    ("vulnerability_scanning", &[("3-2-1-2", 4), ("4-4-4-3", 4)]),
    // Backups with scope, frequency and retention; off-site copies; restore procedure.
    ("backup", &[("4-3-4-1", 3), ("4-3-4-2", 3), ("4-3-4-3", 3)]),
    // Authentication of every ID and multi-factor authentication.
    (
        "iam_mfa",
        &[
            ("4-1-3-1", 3),
            ("4-1-3-2", 3),
            ("4-1-3-3", 3),
            ("4-1-3-5", 4),
        ],
    ),
    // Log analysis and incident alerting; keeping and reviewing logs.
    (
        "siem_soc",
        &[
            ("5-1-1-2", 3),
            ("5-1-1-3", 3),
            ("4-4-3-1", 4),
            ("4-4-3-3", 4),
        ],
    ),
];

/// The criterion ids a product category serves (empty for an unknown category).
pub fn criteria_of_category(category: &str) -> Vec<&'static str> {
    CATEGORY_CRITERIA
        .iter()
        .filter(|(c, _)| *c == category)
        .flat_map(|(_, ids)| ids.iter().map(|(id, _)| *id))
        .collect()
}

/// A declared product as evidence for one criterion of an assessment (no file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductEvidence {
    pub product_id: String,
    pub criterion_id: String,
    pub vendor_name: String,
    pub product_name: String,
    pub category: String,
    /// When the organisation declared the product (RFC 3339).
    pub declared_at: String,
}

/// The product declarations that are evidence of an assessment, one per product and
/// criterion it serves within the assessment's level: the organisation's current
/// declarations while the assessment is open, those it had when it was declared, submitted
/// or superseded otherwise. Each product serves its category's criteria
/// ([`CATEGORY_CRITERIA`]) and the criteria named with its declaration.
pub(crate) async fn product_evidence(
    state: &App,
    row: &shirube_store::AssessmentRow,
) -> Result<Vec<ProductEvidence>, AppError> {
    let rows = state
        .store
        .product_evidence(&row.organization_id, &row.id)
        .await?;
    Ok(evidence_from_rows(state, row.target_level, rows))
}

/// The evidence of declaration rows read for one assessment of `target_level`.
pub(crate) fn evidence_from_rows(
    state: &App,
    target_level: i64,
    rows: Vec<shirube_store::ProductEvidenceRow>,
) -> Vec<ProductEvidence> {
    let level = shirube_catalog::StarLevel::from_number(target_level)
        .unwrap_or(shirube_catalog::StarLevel::Four);
    let mut out = Vec::new();
    for r in rows {
        let mut ids: Vec<&str> = criteria_of_category(&r.category);
        for c in r.criteria.split(' ').filter(|c| !c.is_empty()) {
            if !ids.contains(&c) {
                ids.push(c);
            }
        }
        for id in ids {
            if state
                .catalog
                .criterion(id)
                .is_some_and(|c| c.required_for(level))
            {
                out.push(ProductEvidence {
                    product_id: r.product_id.clone(),
                    criterion_id: id.to_string(),
                    vendor_name: r.vendor_name.clone(),
                    product_name: r.product_name.clone(),
                    category: r.category.clone(),
                    declared_at: r.declared_at.clone(),
                });
            }
        }
    }
    out
}

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

/// Largest annual spend on one product accepted: ¥1 trillion.
pub const MAX_SPEND_YEN: i64 = 1_000_000_000_000;

/// Declares that the caller's organisation uses a product (editors). The declaration is
/// evidence for the criteria of the product's category and for the `criteria` named here
/// (none is fine). An unknown product is `NotFound`.
pub async fn declare_use(
    state: &App,
    p: &Principal,
    product_id: &str,
    criteria: &[String],
    annual_spend_yen: Option<i64>,
) -> Result<(), AppError> {
    p.require_edit()?;
    let mut errors = Vec::new();
    if criteria.len() > 50 {
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
    if annual_spend_yen.is_some_and(|s| !(0..=MAX_SPEND_YEN).contains(&s)) {
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

/// The demo registry (by the publisher): three vendors, four products; `user`'s organisation
/// declares its backup and anti-malware products, which become evidence on its open
/// assessment.
pub(crate) async fn seed_demo(
    state: &App,
    publisher: shirube_store::Actor<'_>,
    user: &shirube_store::UserRow,
) -> Result<(), AppError> {
    let vendor = |name: &'static str, head: &'static str, parent: &'static str| NewVendor {
        name,
        corporate_number: None,
        head_office_country: head,
        ultimate_parent_name: name,
        ultimate_parent_country: parent,
    };
    let jp = state
        .store
        .create_vendor(publisher, &vendor("みなと情報システム株式会社", "JP", "JP"))
        .await?;
    let us = state
        .store
        .create_vendor(publisher, &vendor("Global Endpoint Inc.", "US", "US"))
        .await?;
    let soc = state
        .store
        .create_vendor(
            publisher,
            &vendor("東海セキュリティ監視株式会社", "JP", "JP"),
        )
        .await?;
    let backup = state
        .store
        .create_product(publisher, &jp, "しるべバックアップ", "backup", false)
        .await?;
    let edr = state
        .store
        .create_product(publisher, &us, "Global EDR", "edr", false)
        .await?;
    state
        .store
        .create_product(
            publisher,
            &jp,
            "みなとメールガード",
            "email_security",
            false,
        )
        .await?;
    state
        .store
        .create_product(publisher, &soc, "東海SOCサービス", "siem_soc", true)
        .await?;
    let actor = shirube_store::Actor::user(&user.organization_id, &user.id);
    for product in [&backup, &edr] {
        state
            .store
            .put_product_use(actor, &user.organization_id, product, "", None)
            .await?;
    }
    Ok(())
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
            record_key: u8::try_from(r.record_key.rem_euclid(256)).unwrap_or(0),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_maps_to_criteria_of_the_catalog_at_their_levels() {
        let catalog = shirube_catalog::scs_2026_03_27().unwrap();
        let mut mapped: Vec<&str> = CATEGORY_CRITERIA.iter().map(|(c, _)| *c).collect();
        mapped.sort_unstable();
        let mut all = CATEGORIES.to_vec();
        all.sort_unstable();
        assert_eq!(mapped, all, "every registry category has its criteria");
        for (category, ids) in CATEGORY_CRITERIA {
            assert!(!ids.is_empty(), "{category} serves no criterion");
            for (id, level) in ids {
                let c = catalog
                    .criterion(id)
                    .unwrap_or_else(|| panic!("{category}: {id} is not in the catalog"));
                assert_eq!(c.level.number(), *level, "{category}: {id} is ★{level}");
            }
        }
        assert_eq!(
            criteria_of_category("backup"),
            ["4-3-4-1", "4-3-4-2", "4-3-4-3"]
        );
        assert!(criteria_of_category("unknown").is_empty());
    }
}
