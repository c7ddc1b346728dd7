//! Bulk loading for benchmarks: many organisations with an owner, one assessment, its answers
//! and evidence, written with multi-row INSERTs in one transaction per call.
//!
//! The normal write path (one transaction and one audit entry per change) would take minutes
//! for ten thousand organisations; this path writes a whole chunk at once and records it as a
//! single `bench.seed` audit entry through the same hash chain, so `verify-audit` still holds.

use crate::ids::{kind, AssessmentId, OrganizationId, RelationshipId, ShareId, UserId};
use serde_json::json;

use crate::{new_id, Actor, AssessmentStatus, Result, Store};

/// One organisation to seed, with its owner and one open assessment.
#[derive(Debug, Clone)]
pub struct SeedOrganization {
    pub name: String,
    pub corporate_number: String,
    pub industry: String,
    pub employees: i64,
    pub prefecture: String,
    pub owner: SeedUser,
    pub assessment: SeedAssessment,
}

/// A user to seed; the password is already hashed (all seeded users may share one hash).
#[derive(Debug, Clone)]
pub struct SeedUser {
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
}

/// An open assessment to seed with its answers and evidence links.
#[derive(Debug, Clone)]
pub struct SeedAssessment {
    pub target_level: i64,
    pub catalog_edition: String,
    pub answers: Vec<SeedAnswer>,
    pub evidence: Vec<SeedEvidence>,
}

#[derive(Debug, Clone)]
pub struct SeedAnswer {
    pub criterion_id: String,
    pub status: String,
    pub comment: String,
    pub not_applicable_reason: String,
}

/// A link given as evidence for a criterion.
#[derive(Debug, Clone)]
pub struct SeedEvidence {
    pub criterion_id: String,
    pub url: String,
    pub evidence_date: String,
}

/// What one seeding call wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedCounts {
    pub organizations: usize,
    pub answers: usize,
    pub evidence: usize,
}

/// A value in a multi-row INSERT.
enum Value<'a> {
    Text(&'a str),
    Int(i64),
}

/// Bound parameters per statement: SQLite's historic limit. Larger statements are slower, not
/// faster: binding looks each parameter's name up in a list, which makes a statement's binding
/// quadratic in its parameter count (at 8,000 parameters that was 80% of seeding time).
const MAX_PARAMS: usize = 999;

/// Inserts `rows` into `table` with as few multi-row INSERT statements as the parameter limit
/// allows.
async fn insert_rows(
    conn: crate::Conn<'_>,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value<'_>>],
) -> Result<()> {
    let per_statement = (MAX_PARAMS / columns.len()).max(1);
    let mut batches = Vec::new();
    for batch in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, _) in batch.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        batches.push(sql);
    }
    run!(conn, |conn| {
        for (sql, batch) in batches.iter().zip(rows.chunks(per_statement)) {
            let mut q = sqlx::query(sql);
            for row in batch {
                for v in row {
                    q = match v {
                        Value::Text(s) => q.bind(*s),
                        Value::Int(i) => q.bind(*i),
                    };
                }
            }
            q.execute(&mut *conn).await?;
        }
    });
    Ok(())
}

impl Store {
    /// Writes `orgs` (organisations, owners, one open assessment each with its answers and
    /// evidence) in one transaction with one audit entry. For benchmarks and load tests: the
    /// caller chunks a large set (a few hundred organisations per call keeps each
    /// transaction short).
    pub async fn seed_organizations(&self, orgs: &[SeedOrganization]) -> Result<SeedCounts> {
        let mut counts = SeedCounts {
            organizations: orgs.len(),
            ..SeedCounts::default()
        };
        if orgs.is_empty() {
            return Ok(counts);
        }
        let ids: Vec<(OrganizationId, UserId, AssessmentId)> = orgs
            .iter()
            .map(|_| (new_id(), new_id(), new_id()))
            .collect();
        let mut tx = self.begin_write(Actor::system()).await?;
        let at = tx.at().to_string();
        let at = at.as_str();

        let rows: Vec<Vec<Value>> = orgs
            .iter()
            .zip(&ids)
            .map(|(o, (org_id, _, _))| {
                vec![
                    Value::Text(org_id),
                    Value::Text(&o.name),
                    Value::Text(&o.corporate_number),
                    Value::Text(&o.industry),
                    Value::Int(o.employees),
                    Value::Text(&o.prefecture),
                    Value::Int(0),
                    Value::Text(at),
                    Value::Int(crate::new_record_key()),
                ]
            })
            .collect();
        insert_rows(
            tx.conn(),
            "organizations",
            &[
                "id",
                "name",
                "corporate_number",
                "industry",
                "employees",
                "prefecture",
                "require_totp",
                "created_at",
                "record_key",
            ],
            &rows,
        )
        .await?;

        let rows: Vec<Vec<Value>> = orgs
            .iter()
            .zip(&ids)
            .map(|(o, (org_id, user_id, _))| {
                vec![
                    Value::Text(user_id),
                    Value::Text(org_id),
                    Value::Text(&o.owner.email),
                    Value::Text(&o.owner.name),
                    Value::Text(&o.owner.role),
                    Value::Text(&o.owner.password_hash),
                    Value::Int(0),
                    Value::Text(at),
                ]
            })
            .collect();
        insert_rows(
            tx.conn(),
            "users",
            &[
                "id",
                "organization_id",
                "email",
                "name",
                "role",
                "password_hash",
                "totp_enabled",
                "created_at",
            ],
            &rows,
        )
        .await?;

        let rows: Vec<Vec<Value>> = orgs
            .iter()
            .zip(&ids)
            .map(|(o, (org_id, user_id, assessment_id))| {
                vec![
                    Value::Text(assessment_id),
                    Value::Text(org_id),
                    Value::Int(o.assessment.target_level),
                    Value::Text(AssessmentStatus::InProgress.as_str()),
                    Value::Text(&o.assessment.catalog_edition),
                    Value::Text(user_id),
                    Value::Text(at),
                    Value::Text(at),
                ]
            })
            .collect();
        insert_rows(
            tx.conn(),
            "assessments",
            &[
                "id",
                "organization_id",
                "target_level",
                "status",
                "catalog_edition",
                "created_by",
                "created_at",
                "updated_at",
            ],
            &rows,
        )
        .await?;

        let rows: Vec<Vec<Value>> = orgs
            .iter()
            .zip(&ids)
            .flat_map(|(o, (_, user_id, assessment_id))| {
                o.assessment.answers.iter().map(move |a| {
                    vec![
                        Value::Text(assessment_id),
                        Value::Text(&a.criterion_id),
                        Value::Text(&a.status),
                        Value::Text(&a.comment),
                        Value::Text(&a.not_applicable_reason),
                        Value::Text(user_id),
                        Value::Text(at),
                    ]
                })
            })
            .collect();
        counts.answers = rows.len();
        insert_rows(
            tx.conn(),
            "answers",
            &[
                "assessment_id",
                "criterion_id",
                "status",
                "comment",
                "not_applicable_reason",
                "updated_by",
                "updated_at",
            ],
            &rows,
        )
        .await?;
        // The same fact the store keeps when answers are written one by one.
        execute!(
            tx.conn(),
            "UPDATE organizations SET answered_at = $1 WHERE answered_at IS NULL \
             AND id IN (SELECT a.organization_id FROM assessments a \
               WHERE EXISTS (SELECT 1 FROM answers n WHERE n.assessment_id = a.id))",
            at
        )?;

        let evidence_ids: Vec<Vec<String>> = orgs
            .iter()
            .map(|o| {
                o.assessment
                    .evidence
                    .iter()
                    .map(|_| new_id::<kind::Evidence>().into_string())
                    .collect()
            })
            .collect();
        let rows: Vec<Vec<Value>> = orgs
            .iter()
            .zip(&ids)
            .zip(&evidence_ids)
            .flat_map(|((o, (org_id, user_id, assessment_id)), ev_ids)| {
                o.assessment
                    .evidence
                    .iter()
                    .zip(ev_ids)
                    .map(move |(e, id)| {
                        vec![
                            Value::Text(id),
                            Value::Text(assessment_id),
                            Value::Text(org_id),
                            Value::Text(&e.criterion_id),
                            Value::Text("link"),
                            Value::Text(&e.url),
                            Value::Text(&e.evidence_date),
                            Value::Text(user_id),
                            Value::Text(at),
                        ]
                    })
            })
            .collect();
        counts.evidence = rows.len();
        insert_rows(
            tx.conn(),
            "evidence",
            &[
                "id",
                "assessment_id",
                "organization_id",
                "criterion_id",
                "kind",
                "url",
                "evidence_date",
                "created_by",
                "created_at",
            ],
            &rows,
        )
        .await?;

        let first = ids
            .first()
            .map(|(org_id, _, _)| org_id.as_str())
            .unwrap_or("");
        tx.audit(
            "bench.seed",
            first,
            json!({ "organizations": counts.organizations, "answers": counts.answers, "evidence": counts.evidence }),
        )
        .await?;
        tx.commit().await?;
        Ok(counts)
    }
}

/// One buyer–supplier relationship to seed (by index into [`Store::seed_ids`]'s list).
#[derive(Debug, Clone)]
pub struct SeedRelationship {
    pub buyer: usize,
    pub supplier: usize,
    pub required_level: i64,
    pub due_date: String,
    pub critical: bool,
    pub alternatives: i64,
    /// The supplier shares its assessment with the buyer (level only)…
    pub shared: bool,
    /// …and passes the level-only view of its own suppliers on.
    pub pass_on: bool,
}

/// What one supply-graph seeding call wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedSupplyCounts {
    pub relationships: usize,
    pub shares: usize,
    pub declared: usize,
}

impl Store {
    /// Every organisation that has an assessment, ordered by corporate number: (organisation
    /// id, its first assessment id, its first user's e-mail). For benchmarks, which address
    /// seeded organisations by position.
    /// Gathers the query planner's statistics (`ANALYZE`, the same statement on SQLite and
    /// PostgreSQL), as one does after a bulk load.
    pub async fn refresh_statistics(&self) -> Result<()> {
        execute!(self.db(), "ANALYZE")?;
        Ok(())
    }

    pub async fn seed_ids(&self) -> Result<Vec<(OrganizationId, AssessmentId, String)>> {
        let rows: Vec<(OrganizationId, AssessmentId, String)> = fetch_all!(self.db(), (OrganizationId, AssessmentId, String), "SELECT o.id, (SELECT MIN(a.id) FROM assessments a WHERE a.organization_id = o.id), \
               (SELECT MIN(u.email) FROM users u WHERE u.organization_id = o.id) FROM organizations o \
             WHERE EXISTS (SELECT 1 FROM assessments a WHERE a.organization_id = o.id) ORDER BY o.corporate_number")?;
        Ok(rows)
    }

    /// Writes relationships and level-only shares between seeded organisations in one
    /// transaction with one audit entry, and marks the assessments at `declare` (indexes into
    /// `ids`) declared, so that portfolios show a realistic mix of statuses.
    pub async fn seed_supply(
        &self,
        ids: &[(OrganizationId, AssessmentId, String)],
        relationships: &[SeedRelationship],
        declare: &[usize],
    ) -> Result<SeedSupplyCounts> {
        let mut counts = SeedSupplyCounts::default();
        let mut tx = self.begin_write(Actor::system()).await?;
        let at = tx.at().to_string();
        let at = at.as_str();
        let rel_ids: Vec<RelationshipId> = relationships.iter().map(|_| new_id()).collect();
        let rows: Vec<Vec<Value>> = relationships
            .iter()
            .zip(&rel_ids)
            .map(|(r, id)| {
                vec![
                    Value::Text(id),
                    Value::Text(&ids[r.buyer].0),
                    Value::Text(&ids[r.supplier].0),
                    Value::Int(r.required_level),
                    Value::Int(0),
                    Value::Text("{}"),
                    Value::Text("[]"),
                    Value::Text(&r.due_date),
                    Value::Text(""),
                    Value::Text(at),
                    Value::Text(at),
                    Value::Int(i64::from(r.critical)),
                    Value::Int(r.alternatives),
                ]
            })
            .collect();
        counts.relationships = rows.len();
        insert_rows(
            tx.conn(),
            "relationships",
            &[
                "id",
                "buyer_id",
                "supplier_id",
                "required_level",
                "suggest_level_4",
                "decision",
                "reasons",
                "due_date",
                "created_by",
                "created_at",
                "updated_at",
                "critical",
                "alternatives",
            ],
            &rows,
        )
        .await?;
        let share_ids: Vec<ShareId> = relationships.iter().map(|_| new_id()).collect();
        let rows: Vec<Vec<Value>> = relationships
            .iter()
            .zip(&share_ids)
            .filter(|(r, _)| r.shared)
            .map(|(r, id)| {
                vec![
                    Value::Text(id),
                    Value::Text(&ids[r.supplier].0),
                    Value::Text(&ids[r.buyer].0),
                    Value::Text(&ids[r.supplier].1),
                    Value::Text("level"),
                    Value::Text(""),
                    Value::Text(at),
                    Value::Int(i64::from(r.pass_on)),
                ]
            })
            .collect();
        counts.shares = rows.len();
        insert_rows(
            tx.conn(),
            "shares",
            &[
                "id",
                "supplier_id",
                "buyer_id",
                "assessment_id",
                "detail",
                "created_by",
                "created_at",
                "pass_on",
            ],
            &rows,
        )
        .await?;
        for i in declare {
            execute!(
                tx.conn(),
                "UPDATE assessments SET status = 'declared' WHERE id = $1",
                &ids[*i].1
            )?;
        }
        counts.declared = declare.len();
        tx.audit(
            "bench.seed_supply",
            ids.first().map(|(o, _, _)| o.as_str()).unwrap_or(""),
            json!({ "relationships": counts.relationships, "shares": counts.shares, "declared": counts.declared }),
        )
        .await?;
        tx.commit().await?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuditVerification;

    fn org(n: usize, answers: usize) -> SeedOrganization {
        SeedOrganization {
            name: format!("Org {n}"),
            corporate_number: format!("{n:013}"),
            industry: "E".into(),
            employees: 10,
            prefecture: "13".into(),
            owner: SeedUser {
                email: format!("owner{n}@bench.example"),
                name: format!("Owner {n}"),
                role: "owner".into(),
                password_hash: "$argon2id$not-a-real-hash".into(),
            },
            assessment: SeedAssessment {
                target_level: 3,
                catalog_edition: "2026-03-27".into(),
                answers: (0..answers)
                    .map(|i| SeedAnswer {
                        criterion_id: format!("c-{i}"),
                        status: "implemented".into(),
                        comment: String::new(),
                        not_applicable_reason: String::new(),
                    })
                    .collect(),
                evidence: vec![SeedEvidence {
                    criterion_id: "c-0".into(),
                    url: "https://example.com/policy".into(),
                    evidence_date: "2026-01-01".into(),
                }],
            },
        }
    }

    #[tokio::test]
    async fn seeded_organisations_are_readable_and_the_audit_chain_stays_intact() {
        for t in crate::testing::stores().await {
            check_seeded_organisations(&t.store).await;
        }
    }

    async fn check_seeded_organisations(store: &Store) {
        // More rows than one statement takes, so the statement splitting is exercised too.
        let orgs: Vec<_> = (1..=30).map(|n| org(n, 60)).collect();
        let counts = store.seed_organizations(&orgs).await.unwrap();
        assert_eq!(
            counts,
            SeedCounts {
                organizations: 30,
                answers: 1800,
                evidence: 30
            }
        );
        store.seed_organizations(&[org(31, 5)]).await.unwrap();

        assert_eq!(store.count_organizations().await.unwrap(), 31);
        let user = store
            .user_by_email("owner7@bench.example")
            .await
            .unwrap()
            .unwrap();
        let assessments = store.assessments(&user.organization_id).await.unwrap();
        assert_eq!(assessments.len(), 1);
        assert_eq!(assessments[0].status, crate::AssessmentStatus::InProgress);
        assert_eq!(store.answers(&assessments[0].id).await.unwrap().len(), 60);
        assert_eq!(store.evidence(&assessments[0].id).await.unwrap().len(), 1);
        let details = store
            .assessment_details(&user.organization_id, &assessments[0].id)
            .await
            .unwrap();
        assert_eq!(details.row, assessments[0]);
        assert_eq!(
            details.answers,
            store.answers(&assessments[0].id).await.unwrap()
        );
        assert_eq!(
            details.evidence,
            store.evidence(&assessments[0].id).await.unwrap()
        );
        let other = store
            .user_by_email("owner8@bench.example")
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(
            store
                .assessment_details(&other.organization_id, &assessments[0].id)
                .await,
            Err(crate::StoreError::NotFound)
        ));
        assert_eq!(
            store.verify_audit().await.unwrap(),
            AuditVerification::Intact { entries: 2 }
        );
    }

    #[tokio::test]
    async fn a_seeded_supply_graph_reads_back_through_the_portfolio_query() {
        for t in crate::testing::stores().await {
            check_seeded_supply(&t.store).await;
        }
    }

    async fn check_seeded_supply(store: &Store) {
        let orgs: Vec<_> = (1..=4).map(|n| org(n, 3)).collect();
        store.seed_organizations(&orgs).await.unwrap();
        let ids = store.seed_ids().await.unwrap();
        assert_eq!(ids.len(), 4);
        let rel = |buyer, supplier, shared, pass_on| SeedRelationship {
            buyer,
            supplier,
            required_level: 3,
            due_date: "2027-03-31".into(),
            critical: false,
            alternatives: 1,
            shared,
            pass_on,
        };
        let counts = store
            .seed_supply(
                &ids,
                &[
                    rel(0, 1, true, true),
                    rel(0, 2, false, false),
                    rel(1, 3, true, false),
                ],
                &[1],
            )
            .await
            .unwrap();
        assert_eq!(
            counts,
            SeedSupplyCounts {
                relationships: 3,
                shares: 2,
                declared: 1
            }
        );
        let lines = store.portfolio(&ids[0].0).await.unwrap();
        let seen: Vec<(Option<&str>, Option<i64>, bool)> = lines
            .iter()
            .map(|l| (l.supplier_id.as_deref(), l.achieved_level, l.passes_on))
            .collect();
        let mut expected = vec![
            (Some(ids[1].0.as_str()), Some(3), true),
            (Some(ids[2].0.as_str()), None, false),
        ];
        expected.sort();
        let mut seen_sorted = seen.clone();
        seen_sorted.sort();
        assert_eq!(seen_sorted, expected, "declared and shared: ★3, passed on");
        let both = store
            .supply_lines(&[ids[0].0.clone(), ids[1].0.clone()])
            .await
            .unwrap();
        assert_eq!(both.len(), 3, "one query reads several buyers");
        assert!(matches!(
            store.verify_audit().await.unwrap(),
            AuditVerification::Intact { .. }
        ));
    }
}
