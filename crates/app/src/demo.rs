//! `serve --demo`: a small world to try Shirube with — a supplier half-way through ★3, one
//! that has declared ★3 and passes on its own (tier-2) supplier, one working toward ★4, a
//! buyer asking all three, an evaluation body, an industry group whose members share a
//! supplier, and a security expert (情報処理安全確保支援士) advising three of the suppliers,
//! who confirmed the two declared ★3s.

use shirube_assess::AnswerStatus;
use shirube_catalog::StarLevel;
use shirube_store::{Actor, AnswerWrite, Declaration, NewOrganization, NewUser};

use crate::accounts as auth;
use crate::error::AppError;
use crate::App;

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

const ORGS: [Org; 9] = [
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
        what: "supplier, ★3 declared, passes on its supplier / ★3宣言済み・仕入先も開示するサプライヤー",
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
    Org {
        name: "有限会社北浜鋳造",
        base: "180001000006",
        industry: "E",
        employees: 12,
        prefecture: "27",
        email: "owner@kitahama-chuzo.example",
        user: "北浜 三郎",
        what: "tier-2 supplier of さくら電子, ★3 declared / さくら電子の仕入先（2次）、★3宣言済み",
    },
    Org {
        name: "一般社団法人東海自動車部品工業会",
        base: "180001000007",
        industry: "R",
        employees: 8,
        prefecture: "23",
        email: "office@tokai-parts.example",
        user: "東海 四郎",
        what: "industry group / 業界団体",
    },
    Org {
        name: "サイバー産業政策局（デモ）",
        base: "180001000008",
        industry: "S",
        employees: 300,
        prefecture: "13",
        email: "roadmap@policy.example",
        user: "政策 五郎",
        what: "publisher: roadmap and releases / 公表機関（工程表と半期公表）",
    },
    Org {
        name: "株式会社あおば精密",
        base: "180001000009",
        industry: "E",
        employees: 260,
        prefecture: "04",
        email: "owner@aoba-seimitsu.example",
        user: "青葉 六郎",
        what: "supplier whose ★4 awaits the evaluation body's review / ★4を評価機関に申請中のサプライヤー",
    },
];

/// The demo expert's login.
const EXPERT_EMAIL: &str = "expert@anzen-shien.example";

/// Seeds the demo world once; returns the logins. Running it again changes nothing.
pub async fn seed(state: &App) -> Result<Vec<DemoLogin>, AppError> {
    let mut logins: Vec<DemoLogin> = ORGS
        .iter()
        .map(|o| DemoLogin {
            email: o.email,
            organization: o.name,
            what: o.what,
        })
        .collect();
    logins.push(DemoLogin {
        email: EXPERT_EMAIL,
        organization: "安全 誠（情報処理安全確保支援士）",
        what: "security expert advising three suppliers, and the industry group's shared adviser / 3社を支援し、業界団体の共同の支援士でもあるセキュリティ専門家",
    });
    if state.store.user_by_email(ORGS[0].email).await?.is_some() {
        return Ok(logins);
    }
    let hash = auth::hash_password(DEMO_PASSWORD)?;
    // The security expert, approved by the operator, advising みなと精工, さくら電子 and 北浜鋳造.
    let expert = state
        .store
        .create_expert(
            &shirube_store::NewExpert {
                name: "安全 誠",
                qualification_kind: shirube_store::QualificationKind::Riss,
                qualification_number: "026001",
                prefectures: r#"["23","13","27"]"#,
                industries: r#"["E","G"]"#,
                languages: r#"["ja","en"]"#,
                accepting: true,
                prefecture: "23",
                industry: "E",
            },
            EXPERT_EMAIL,
            &hash,
        )
        .await?;
    let expert_actor = Actor::user(&expert.organization_id, &expert.user_id);
    state
        .store
        .set_expert_status(
            Actor::system(),
            &expert.expert_id,
            shirube_store::ExpertStatus::Approved,
        )
        .await?;
    for (i, o) in ORGS.iter().enumerate() {
        let number = corporate_number(o.base);
        let org = NewOrganization {
            name: o.name,
            corporate_number: &number,
            industry: o.industry,
            employees: o.employees,
            capital_yen: None,
            prefecture: o.prefecture,
        };
        let user = NewUser {
            email: o.email,
            name: o.user,
            role: shirube_store::Role::Owner,
            password_hash: &hash,
        };
        let (org_id, user_id) = state.store.create_organization(&org, &user).await?;
        let actor = Actor::user(&org_id, &user_id);
        if i == 4 {
            state.store.set_evaluation_body(&org_id, true).await?;
        }
        if i == 6 {
            state.store.designate_industry_group(&org_id).await?;
        }
        if matches!(i, 0 | 1 | 5) {
            let engagement = state
                .store
                .create_engagement(
                    actor,
                    &expert.expert_id,
                    &org_id,
                    "★3の自己評価の確認と助言をお願いします。",
                )
                .await?;
            state
                .store
                .move_engagement(
                    expert_actor,
                    &engagement,
                    &[shirube_store::EngagementStatus::Requested],
                    shirube_store::EngagementStatus::Active,
                )
                .await?;
        }
        let (level, share) = match i {
            0 => (StarLevel::Three, 0.5),
            1 | 5 => (StarLevel::Three, 1.0),
            2 => (StarLevel::Four, 0.7),
            8 => (StarLevel::Four, 1.0),
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
        if i == 0 {
            state
                .store
                .put_advice(
                    Actor::user(&org_id, &expert.user_id),
                    &id,
                    criteria[0].id.as_str(),
                    &expert.expert_id,
                    "方針の承認日と見直し予定日を文書に残し、その写しを証跡にしてください。 / Record when the policy was approved and when it will be reviewed, and attach that page as evidence.",
                )
                .await?;
        }
        if level == StarLevel::Four && share >= 1.0 {
            // Every ★4 criterion answered: submitted to the evaluation body (ORGS[4]), so
            // that its queue, the review and the verification providers can be tried.
            let body = self::user(state, 4).await?;
            let supplier = o.name.to_string();
            let notices = [crate::notifications::to_org(
                state,
                &body.organization_id,
                shirube_store::NotificationKind::EvaluationSubmitted,
                "review-notif-submitted-title",
                "review-notif-submitted-body",
                &[("supplier", supplier)],
                "/evaluations",
            )];
            state
                .store
                .submit_evaluation(
                    actor.with_notices(&notices),
                    &org_id,
                    &id,
                    &body.organization_id,
                )
                .await?;
        } else if share >= 1.0 {
            // The expert confirms the answers as they stand, then the management declares.
            let view = crate::assessments::assessment_view_of(state, &org_id, &id).await?;
            state
                .store
                .add_confirmation(
                    Actor::user(&org_id, &expert.user_id),
                    &org_id,
                    &id,
                    &expert.expert_id,
                    "全評価基準の回答と証跡を確認しました。 / Checked every answer and its evidence.",
                    &crate::experts::answers_digest(&view),
                )
                .await?;
            let date = state.clock.today_string();
            let d = Declaration {
                signer_name: o.user,
                signer_title: "代表取締役",
                date: &date,
            };
            state.store.declare(actor, &org_id, &id, &d, None).await?;
            let row = state.store.assessment(&org_id, &id).await?;
            crate::trust::ensure_credential(state, &row).await?;
        }
    }
    let due = (state.clock.now() + chrono::Duration::days(120))
        .format("%Y-%m-%d")
        .to_string();
    // The buyer asks the three suppliers for a level; the declared one shares with it and
    // passes on its own supplier, which it asked for ★3 and which shared with it (tier 2).
    // It also buys from みなと精工, so two members of the industry group depend on it.
    for (buyer, supplier, required) in [(3, 0, 3), (3, 1, 3), (3, 2, 4), (1, 5, 3), (1, 0, 3)] {
        request(state, buyer, supplier, required, &due).await?;
    }
    share(state, 5, 1, false).await?;
    share(state, 1, 3, true).await?;
    // The industry group: the buyer, さくら電子 and みなと精工 are members (invited and
    // accepted; counts show from three members on).
    let group = user(state, 6).await?;
    for member in [3, 1, 0] {
        let m = user(state, member).await?;
        let id = state
            .store
            .invite_industry_member(
                Actor::user(&group.organization_id, &group.id),
                &group.organization_id,
                &m.organization_id,
            )
            .await?;
        state
            .store
            .accept_industry_membership(
                Actor::user(&m.organization_id, &m.id),
                &m.organization_id,
                &id,
            )
            .await?;
    }
    // The group names the demo expert as its members' shared adviser, and the buyer opts in
    // (the two suppliers engaged the expert directly already).
    state
        .store
        .set_shared_adviser(
            Actor::user(&group.organization_id, &group.id),
            &group.organization_id,
            &expert.expert_id,
        )
        .await?;
    let buyer = user(state, 3).await?;
    state
        .store
        .answer_shared_adviser(
            Actor::user(&buyer.organization_id, &buyer.id),
            &group.organization_id,
            &buyer.organization_id,
            &expert.expert_id,
            shirube_store::AdviserAnswer::OptedIn,
        )
        .await?;
    // The group's intelligence collection with a few hand-written objects.
    // さくら電子 (a member that shares with the buyer) has a software list the group's
    // indicators hit, so its inbox and the buyer's portfolio show what intelligence does.
    crate::intel::seed_demo(state, group, &user(state, 1).await?).await?;
    // The publisher: three measures and the current half year's release, published last so
    // that it counts the organisations above.
    let publisher = user(state, 7).await?;
    state
        .store
        .set_publisher(&publisher.organization_id, true)
        .await?;
    crate::roadmap::seed_demo(state, &publisher.organization_id, &publisher.id).await?;
    crate::selfsufficiency::seed_demo(
        state,
        Actor::user(&publisher.organization_id, &publisher.id),
        &user(state, 0).await?,
    )
    .await?;
    let period = crate::releases::period_of(state.clock.today()).code();
    let actor = Actor::user(&publisher.organization_id, &publisher.id);
    crate::releases::publish_for(state, actor, &publisher.organization_id, &period).await?;
    Ok(logins)
}

/// Loads a STIX bundle — MITRE ATT&CK for ICS, say (`serve --demo --demo-attack FILE`;
/// Shirube does not ship it) — into the demo industry group's collection. Objects already
/// there count as present, so loading again changes nothing.
pub async fn load_intel(state: &App, bundle: &[u8]) -> Result<crate::intel::Status, AppError> {
    crate::intel::load_demo_bundle(state, user(state, 6).await?, bundle).await
}

async fn user(state: &App, org: usize) -> Result<shirube_store::UserRow, AppError> {
    state
        .store
        .user_by_email(ORGS[org].email)
        .await?
        .ok_or(AppError::NotFound)
}

/// `ORGS[buyer]` asks `ORGS[supplier]` for a level.
async fn request(
    state: &App,
    buyer: usize,
    supplier: usize,
    required: i64,
    due: &str,
) -> Result<(), AppError> {
    let b = user(state, buyer).await?;
    let s = user(state, supplier).await?;
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
        buyer_id: &b.organization_id,
        supplier_id: Some(&s.organization_id),
        invite_email: None,
        invite_token_hash: None,
        invite_expires_at: None,
        required_level: required,
        suggest_level_4: false,
        decision,
        reasons,
        due_date: due,
    };
    state
        .store
        .create_relationship(Actor::user(&b.organization_id, &b.id), &rel)
        .await?;
    Ok(())
}

/// `ORGS[supplier]` shares its newest assessment (level only) with `ORGS[buyer]`.
async fn share(state: &App, supplier: usize, buyer: usize, pass_on: bool) -> Result<(), AppError> {
    let s = user(state, supplier).await?;
    let b = user(state, buyer).await?;
    let actor = Actor::user(&s.organization_id, &s.id);
    let Some(a) = state
        .store
        .assessments(&s.organization_id)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let id = state
        .store
        .create_share(
            actor,
            &s.organization_id,
            &b.organization_id,
            &a.id,
            "level",
        )
        .await?;
    if pass_on {
        state
            .store
            .set_pass_on(actor, &s.organization_id, &id, true)
            .await?;
    }
    Ok(())
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
