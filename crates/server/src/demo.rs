//! `serve --demo`: a small world to try Shirube with — a supplier half-way through ★3, one
//! that has declared ★3, one working toward ★4, and a buyer for later features.

use shirube_assess::AnswerStatus;
use shirube_catalog::StarLevel;
use shirube_store::{Actor, AnswerWrite, Declaration, NewOrganization, NewUser};

use crate::auth;
use crate::error::AppError;
use crate::AppState;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "shirube-demo-2026";

/// A demo login to print.
pub struct DemoLogin {
    pub email: &'static str,
    pub organization: &'static str,
    pub what: &'static str,
}

/// Adds the check digit to a 12-digit base (see `domain::CorporateNumber`).
fn corporate_number(base: &str) -> String {
    let d: Vec<u32> = base.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = (1..=12)
        .map(|n| d[12 - n] * if n % 2 == 1 { 1 } else { 2 })
        .sum();
    format!("{}{base}", 9 - sum % 9)
}

struct Org {
    name: &'static str,
    base: &'static str,
    industry: &'static str,
    employees: i64,
    prefecture: &'static str,
    email: &'static str,
    user: &'static str,
    what: &'static str,
}

const ORGS: [Org; 5] = [
    Org {
        name: "株式会社みなと精工",
        base: "180001000001",
        industry: "E",
        employees: 32,
        prefecture: "23",
        email: "owner@minato-seiko.example",
        user: "港 太郎",
        what: "supplier, half-way through ★3 / ★3に取り組み中のサプライヤー",
    },
    Org {
        name: "さくら電子工業株式会社",
        base: "180001000002",
        industry: "E",
        employees: 85,
        prefecture: "13",
        email: "owner@sakura-denshi.example",
        user: "桜井 花子",
        what: "supplier, ★3 declared / ★3を自己宣言済みのサプライヤー",
    },
    Org {
        name: "株式会社ひかりシステム",
        base: "180001000003",
        industry: "G",
        employees: 140,
        prefecture: "27",
        email: "owner@hikari-system.example",
        user: "光田 健",
        what: "supplier working toward ★4 / ★4を目指すサプライヤー",
    },
    Org {
        name: "大和自動車部品株式会社",
        base: "180001000004",
        industry: "E",
        employees: 2400,
        prefecture: "23",
        email: "buyer@yamato-parts.example",
        user: "大和 一郎",
        what: "buyer / 発注者",
    },
    Org {
        name: "一般社団法人サプライチェーン評価センター",
        base: "180001000005",
        industry: "L",
        employees: 45,
        prefecture: "13",
        email: "assessor@scs-hyoka.example",
        user: "評価 次郎",
        what: "★4 evaluation body / ★4評価機関",
    },
];

/// Seeds the demo world once; returns the logins. Running it again changes nothing.
pub async fn seed(state: &AppState) -> Result<Vec<DemoLogin>, AppError> {
    let logins = ORGS
        .iter()
        .map(|o| DemoLogin {
            email: o.email,
            organization: o.name,
            what: o.what,
        })
        .collect();
    if state.store.user_by_email(ORGS[0].email).await?.is_some() {
        return Ok(logins);
    }
    let hash = auth::hash_password(DEMO_PASSWORD)?;
    for (i, o) in ORGS.iter().enumerate() {
        let number = corporate_number(o.base);
        let org = NewOrganization {
            name: o.name,
            corporate_number: &number,
            industry: o.industry,
            employees: o.employees,
            prefecture: o.prefecture,
        };
        let user = NewUser {
            email: o.email,
            name: o.user,
            role: "owner",
            password_hash: &hash,
        };
        let (org_id, user_id) = state.store.create_organization(&org, &user).await?;
        let actor = Actor::user(&org_id, &user_id);
        if i == 4 {
            state.store.set_evaluation_body(&org_id, true).await?;
        }
        let (level, share) = match i {
            0 => (StarLevel::Three, 0.5),
            1 => (StarLevel::Three, 1.0),
            2 => (StarLevel::Four, 0.7),
            _ => continue,
        };
        let id = state
            .store
            .create_assessment(
                actor,
                &org_id,
                i64::from(level.number()),
                &state.catalog.edition,
                None,
            )
            .await?;
        let criteria: Vec<_> = state.catalog.criteria_for(level).collect();
        let answered = (criteria.len() as f64 * share).round() as usize;
        for (n, c) in criteria.iter().take(answered).enumerate() {
            // Mostly implemented, with some partial answers and one justified N/A, as a
            // real company's answers look.
            let (status, reason) = if share < 1.0 && n % 5 == 4 {
                (AnswerStatus::Partial, "")
            } else if c.id.as_str() == "4-1-2-4" {
                (
                    AnswerStatus::NotApplicable,
                    "自社で開発環境を持たないため / We have no development environment",
                )
            } else {
                (AnswerStatus::Implemented, "")
            };
            let w = AnswerWrite {
                criterion_id: c.id.as_str(),
                status: status.as_str(),
                comment: "",
                not_applicable_reason: reason,
            };
            state.store.put_answer(actor, &org_id, &id, &w).await?;
        }
        if i == 1 {
            let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
            let d = Declaration {
                signer_name: o.user,
                signer_title: "代表取締役",
                date: &date,
            };
            state.store.declare(actor, &org_id, &id, &d).await?;
            let row = state.store.assessment(&org_id, &id).await?;
            crate::trust::ensure_credential(state, &row).await?;
        }
    }
    // The buyer asks the three suppliers for a level; the declared one shares with it.
    let buyer = state
        .store
        .user_by_email(ORGS[3].email)
        .await?
        .ok_or(AppError::NotFound)?;
    let buyer_actor = Actor::user(&buyer.organization_id, &buyer.id);
    let due = (chrono::Utc::now() + chrono::Duration::days(120))
        .format("%Y-%m-%d")
        .to_string();
    for (i, required) in [(0usize, 3i64), (1, 3), (2, 4)] {
        let supplier = state
            .store
            .user_by_email(ORGS[i].email)
            .await?
            .ok_or(AppError::NotFound)?;
        let (reasons, decision) = if required == 4 {
            (
                r#"["decision-network-access"]"#,
                r#"{"confidential_info":false,"business_interruption":false,"network_access":true,"extra_factors":[]}"#,
            )
        } else {
            (
                r#"["decision-all-no"]"#,
                r#"{"confidential_info":false,"business_interruption":false,"network_access":false,"extra_factors":[]}"#,
            )
        };
        let rel = shirube_store::NewRelationship {
            buyer_id: &buyer.organization_id,
            supplier_id: Some(&supplier.organization_id),
            invite_email: None,
            invite_token_hash: None,
            invite_expires_at: None,
            required_level: required,
            suggest_level_4: false,
            decision,
            reasons,
            due_date: &due,
        };
        state.store.create_relationship(buyer_actor, &rel).await?;
        if i == 1 {
            let declared = state.store.assessments(&supplier.organization_id).await?;
            if let Some(a) = declared.first() {
                state
                    .store
                    .create_share(
                        Actor::user(&supplier.organization_id, &supplier.id),
                        &supplier.organization_id,
                        &buyer.organization_id,
                        &a.id,
                        "level",
                    )
                    .await?;
            }
        }
    }
    Ok(logins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_corporate_numbers_have_valid_check_digits() {
        for o in &ORGS {
            let n = corporate_number(o.base);
            assert!(
                crate::domain::CorporateNumber::parse(&n, "n").is_ok(),
                "{n}"
            );
        }
    }
}
