//! Threat intelligence: an industry group's collections, STIX objects kept as their verbatim
//! JSON text with the columns TAXII filters on, the recipients of RED objects, and the
//! status of each add request. Every read takes the reader's organisation and applies the
//! RED rule in SQL, so no route can forget it; paging is keyset paging on `seq`.

use serde_json::json;

use crate::ids::{IntelCollectionId, IntelStatusId};
use crate::{Actor, ExposureResolution, MemberAccess, Result, Store, StoreError};

/// A new time-ordered id as text.
fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A collection of an industry group.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntelCollectionRow {
    pub id: IntelCollectionId,
    pub group_id: String,
    pub title: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub member_access: MemberAccess,
    pub created_at: String,
}

/// An industry group an organisation may use as a TAXII API root.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntelGroupRow {
    pub id: String,
    pub name: String,
}

/// One stored version of one object (the body is empty when the caller asked for none).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntelObjectRow {
    pub seq: i64,
    pub collection_id: IntelCollectionId,
    pub object_id: String,
    pub object_type: String,
    pub spec_version: String,
    pub version: String,
    pub date_added: String,
    pub marking: String,
    pub contributor_id: String,
    pub name: Option<String>,
    pub cves: String,
    pub packages: String,
    pub body: String,
}

/// One object version to add.
#[derive(Debug, Clone)]
pub struct NewIntelObject {
    pub object_id: String,
    pub object_type: String,
    pub spec_version: String,
    /// `None` for objects without `modified`/`created`: the date added becomes the version.
    pub version: Option<String>,
    pub version_key: Option<String>,
    pub marking: String,
    pub name: Option<String>,
    pub cves: String,
    pub packages: String,
    pub body: String,
}

/// An add request: the objects that passed validation, those that did not (id, version,
/// reason) and who adds them.
#[derive(Debug, Clone)]
pub struct NewIntelBatch<'a> {
    pub collection_id: &'a IntelCollectionId,
    /// The organisation that sent the request (the status resource is its own).
    pub sender_id: &'a str,
    /// The organisation stored as contributor: the sender, or the group when anonymised.
    pub contributor_id: &'a str,
    /// Member organisations that may read the RED objects of this request.
    pub recipients: &'a [String],
    pub objects: Vec<NewIntelObject>,
    pub failures: Vec<(String, Option<String>, String)>,
}

/// The status resource of an add request.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntelStatusRow {
    pub id: IntelStatusId,
    pub collection_id: IntelCollectionId,
    pub request_timestamp: String,
    pub total_count: i64,
    pub success_count: i64,
    pub failure_count: i64,
    /// `{"successes": [...], "failures": [...]}`.
    pub details: String,
}

/// Which versions of each object a query returns (TAXII `match[version]`; any of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionMatch {
    pub all: bool,
    pub last: bool,
    pub first: bool,
    /// Fixed-width version keys.
    pub keys: Vec<String>,
}

/// Who reads: RED objects are visible to their contributor, the group, and named recipients.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub organization_id: &'a str,
    /// The reader is the collection's group (sees every object).
    pub is_group: bool,
}

/// A TAXII object query on one collection.
#[derive(Debug, Clone, Default)]
pub struct IntelQuery {
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub versions: VersionMatch,
    pub spec_versions: Vec<String>,
    /// Store-format time (`date_added` strictly after it).
    pub added_after: Option<String>,
    /// Keyset cursor: only rows with a larger `seq`.
    pub after_seq: Option<i64>,
    /// Rows to return at most (the caller asks for one more to know whether there are more).
    pub limit: Option<i64>,
    pub with_body: bool,
}

/// A bind argument of a query assembled at run time.
enum Arg {
    Text(String),
    Int(i64),
}

/// The RED rule for rows of alias `a`: `$2` is the reader's organisation, `$3` 1 for the group.
fn visible(a: &str) -> String {
    format!(
        "($3 = 1 OR {a}.marking <> 'red' OR {a}.contributor_id = $2 \
         OR EXISTS (SELECT 1 FROM intel_recipients r WHERE r.object_seq = {a}.seq AND r.organization_id = $2))"
    )
}

const OBJECT_COLUMNS: &str =
    "o.seq, o.collection_id, o.object_id, o.object_type, o.spec_version, o.version, \
    o.date_added, o.marking, o.contributor_id, o.name, o.cves, o.packages";

impl Store {
    /// Creates a collection of an industry group.
    pub async fn create_intel_collection(
        &self,
        actor: Actor<'_>,
        group_id: &str,
        title: &str,
        description: &str,
        access: MemberAccess,
    ) -> Result<IntelCollectionId> {
        let id = IntelCollectionId::from(new_id());
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO intel_collections (id, group_id, title, description, member_access, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &id,
            group_id,
            title,
            description,
            access.as_str(),
            actor.user_id.unwrap_or(""),
            &at
        )?;
        tx.audit(
            "intel.collection.create",
            &id,
            json!({ "group_id": group_id, "title": title, "member_access": access.as_str() }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A group's collections, oldest first.
    pub async fn intel_collections(&self, group_id: &str) -> Result<Vec<IntelCollectionRow>> {
        Ok(fetch_all!(
            self.db(),
            IntelCollectionRow,
            "SELECT id, group_id, title, description, member_access, created_at FROM intel_collections \
             WHERE group_id = $1 ORDER BY created_at, id",
            group_id
        )?)
    }

    /// One collection by id (for the operator's import).
    pub async fn intel_collection(&self, id: &IntelCollectionId) -> Result<IntelCollectionRow> {
        fetch_optional!(
            self.db(),
            IntelCollectionRow,
            "SELECT id, group_id, title, description, member_access, created_at FROM intel_collections WHERE id = $1",
            id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// The groups whose API root an organisation may use: itself when it is a group, and the
    /// groups it is an active member of (only while they are marked as groups).
    pub async fn intel_groups_for(&self, organization_id: &str) -> Result<Vec<IntelGroupRow>> {
        Ok(fetch_all!(
            self.db(),
            IntelGroupRow,
            "SELECT o.id, o.name FROM organizations o WHERE o.is_industry_group <> 0 AND (o.id = $1 \
               OR EXISTS (SELECT 1 FROM industry_memberships m WHERE m.group_id = o.id AND m.member_id = $1 AND m.status = 'active')) \
             ORDER BY o.name, o.id",
            organization_id
        )?)
    }

    /// Runs an object query assembled at run time (its arguments are all bound).
    async fn intel_rows(&self, sql: &str, args: &[Arg]) -> Result<Vec<IntelObjectRow>> {
        Ok(run!(self.db(), |e| {
            let mut q = sqlx::query_as::<_, IntelObjectRow>(sql);
            for a in args {
                q = match a {
                    Arg::Text(s) => q.bind(s.as_str()),
                    Arg::Int(n) => q.bind(*n),
                };
            }
            q.fetch_all(e).await
        })?)
    }

    /// The object versions of a collection that `reader` may see and `q` selects, by `seq`.
    pub async fn intel_objects(
        &self,
        collection_id: &IntelCollectionId,
        reader: Reader<'_>,
        q: &IntelQuery,
    ) -> Result<Vec<IntelObjectRow>> {
        let mut args = vec![
            Arg::Text(collection_id.to_string()),
            Arg::Text(reader.organization_id.to_string()),
            Arg::Int(i64::from(reader.is_group)),
        ];
        let mut sql = format!(
            "SELECT {OBJECT_COLUMNS}, {} AS body FROM intel_objects o WHERE o.collection_id = $1 AND {}",
            if q.with_body { "o.body" } else { "''" },
            visible("o")
        );
        let list = |sql: &mut String, column: &str, values: &[String], args: &mut Vec<Arg>| {
            if values.is_empty() {
                return;
            }
            let mut marks = Vec::new();
            for v in values {
                args.push(Arg::Text(v.clone()));
                marks.push(format!("${}", args.len()));
            }
            sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
        };
        list(&mut sql, "o.object_id", &q.ids, &mut args);
        list(&mut sql, "o.object_type", &q.types, &mut args);
        list(&mut sql, "o.spec_version", &q.spec_versions, &mut args);
        if let Some(after) = &q.added_after {
            args.push(Arg::Text(after.clone()));
            sql.push_str(&format!(" AND o.date_added > ${}", args.len()));
        }
        if let Some(seq) = q.after_seq {
            args.push(Arg::Int(seq));
            sql.push_str(&format!(" AND o.seq > ${}", args.len()));
        }
        let v = &q.versions;
        if !v.all {
            let mut alternatives = Vec::new();
            let newer_or_older = |cmp: &str| {
                format!(
                    "NOT EXISTS (SELECT 1 FROM intel_objects n WHERE n.collection_id = o.collection_id \
                     AND n.object_id = o.object_id AND n.version_key {cmp} o.version_key AND {})",
                    visible("n")
                )
            };
            if v.last {
                alternatives.push(newer_or_older(">"));
            }
            if v.first {
                alternatives.push(newer_or_older("<"));
            }
            for k in &v.keys {
                args.push(Arg::Text(k.clone()));
                alternatives.push(format!("o.version_key = ${}", args.len()));
            }
            if alternatives.is_empty() {
                alternatives.push(newer_or_older(">"));
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        sql.push_str(" ORDER BY o.seq");
        if let Some(limit) = q.limit {
            args.push(Arg::Int(limit));
            sql.push_str(&format!(" LIMIT ${}", args.len()));
        }
        self.intel_rows(&sql, &args).await
    }

    /// The marking-definition objects of a collection (every reader may see them).
    pub async fn intel_marking_definitions(
        &self,
        collection_id: &IntelCollectionId,
    ) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = fetch_all!(
            self.db(),
            (String,),
            "SELECT body FROM intel_objects WHERE collection_id = $1 AND object_type = 'marking-definition' ORDER BY seq",
            collection_id
        )?;
        Ok(rows.into_iter().map(|(b,)| b).collect())
    }

    /// Adds a request's objects and its status resource in one transaction, and returns the
    /// status id. An object version already present counts as a success and is not stored
    /// twice.
    pub async fn add_intel_objects(
        &self,
        actor: Actor<'_>,
        batch: NewIntelBatch<'_>,
    ) -> Result<IntelStatusRow> {
        let status_id = IntelStatusId::from(new_id());
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let version_key_of_now = format!("{}000Z", at.trim_end_matches('Z'));
        let (mut seq,): (i64,) = fetch_one!(
            tx.conn(),
            (i64,),
            "SELECT COALESCE(MAX(seq), 0) FROM intel_objects"
        )?;
        // The status details are written as text directly: a thousand small JSON values
        // built and serialised again cost more than the inserts they describe.
        let mut successes = String::with_capacity(batch.objects.len() * 100);
        let mut success_count = 0i64;
        let mut added_ids = Vec::with_capacity(batch.objects.len());
        // Multi-row inserts: one round trip per chunk instead of per object, and a full
        // chunk's statement text is the same every time, so it stays prepared.
        //
        // The one place the store writes SQLite's anonymous `?` instead of `$n`: SQLite
        // finds a numbered parameter by a linear scan of the statement's parameter names,
        // once per parameter when the statement is bound (sqlx asks each one's name), so a
        // statement with P numbered parameters costs P² to bind — 3,500 of them took 12 ms
        // a statement, and small statements pay a worker round trip each instead. Anonymous
        // parameters are found directly, so 250 rows (3,500 arguments, under SQLite's
        // 32,766) bind in linear time. PostgreSQL keeps `$n` (its limit is 65,535).
        // `RETURNING` names the rows that were new; a version already present leaves a gap
        // in `seq`, which keyset paging does not mind.
        const COLUMNS: usize = 14;
        let (rows_per_statement, numbered) = match self.db() {
            crate::Db::Sqlite(_) => (250, false),
            crate::Db::Postgres(_) => (500, true),
        };
        let started = std::time::Instant::now();
        for chunk in batch.objects.chunks(rows_per_statement) {
            let first_seq = seq + 1;
            seq += chunk.len() as i64;
            let rows: Vec<(i64, String, String)> = chunk
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    (
                        first_seq + i as i64,
                        o.version.clone().unwrap_or_else(|| at.clone()),
                        o.version_key
                            .clone()
                            .unwrap_or_else(|| version_key_of_now.clone()),
                    )
                })
                .collect();
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let marks: Vec<String> = (1..=COLUMNS)
                        .map(|c| {
                            if numbered {
                                format!("${}", r * COLUMNS + c)
                            } else {
                                "?".to_string()
                            }
                        })
                        .collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO intel_objects (seq, collection_id, object_id, object_type, spec_version, version, version_key, \
                 date_added, marking, contributor_id, name, cves, packages, body) VALUES {} \
                 ON CONFLICT (collection_id, object_id, version_key) DO NOTHING RETURNING seq",
                values.join(", ")
            );
            // Bound in the order the columns are written (anonymous parameters are positional).
            let inserted: Vec<(i64,)> = run!(tx.conn(), |e| {
                let mut q = sqlx::query_as::<_, (i64,)>(&sql);
                for (o, (s, version, key)) in chunk.iter().zip(&rows) {
                    q = q
                        .bind(*s)
                        .bind(batch.collection_id)
                        .bind(o.object_id.as_str())
                        .bind(o.object_type.as_str())
                        .bind(o.spec_version.as_str())
                        .bind(version.as_str())
                        .bind(key.as_str())
                        .bind(at.as_str())
                        .bind(o.marking.as_str())
                        .bind(batch.contributor_id)
                        .bind(o.name.as_deref())
                        .bind(o.cves.as_str())
                        .bind(o.packages.as_str())
                        .bind(o.body.as_str());
                }
                q.fetch_all(e).await
            })?;
            let inserted: std::collections::HashSet<i64> =
                inserted.into_iter().map(|(s,)| s).collect();
            for (o, (s, version, _)) in chunk.iter().zip(&rows) {
                if inserted.contains(s) {
                    if o.marking == "red" {
                        for r in batch.recipients {
                            execute!(
                                tx.conn(),
                                "INSERT INTO intel_recipients (object_seq, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                *s,
                                r
                            )?;
                        }
                    }
                    added_ids.push(json!([o.object_id, version]));
                    push_entry(&mut successes, &o.object_id, Some(version), "added");
                } else {
                    push_entry(
                        &mut successes,
                        &o.object_id,
                        Some(version),
                        "already present",
                    );
                }
                success_count += 1;
            }
        }
        let inserted_at = started.elapsed();
        let mut failures = String::new();
        for (id, version, message) in &batch.failures {
            push_entry(&mut failures, id, version.as_deref(), message);
        }
        let failure_count = batch.failures.len() as i64;
        let status = IntelStatusRow {
            id: status_id,
            collection_id: batch.collection_id.clone(),
            request_timestamp: at.clone(),
            total_count: success_count + failure_count,
            success_count,
            failure_count,
            details: format!("{{\"successes\":[{successes}],\"failures\":[{failures}]}}"),
        };
        execute!(
            tx.conn(),
            "INSERT INTO intel_status (id, collection_id, organization_id, request_timestamp, total_count, success_count, failure_count, details) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &status.id,
            &status.collection_id,
            batch.sender_id,
            &status.request_timestamp,
            status.total_count,
            status.success_count,
            status.failure_count,
            &status.details
        )?;
        // One entry per request: the original contributor stays here even when the stored
        // contributor is the group (anonymised contribution).
        tx.audit(
            "intel.objects.add",
            &status.id,
            json!({
                "collection_id": batch.collection_id,
                "contributor_id": batch.sender_id,
                "stored_contributor_id": batch.contributor_id,
                "recipients": batch.recipients,
                "added": added_ids,
                "failed": status.failure_count,
            }),
        )
        .await?;
        let written_at = started.elapsed();
        tx.commit().await?;
        tracing::debug!(
            objects = success_count,
            insert_us = inserted_at.as_micros() as u64,
            status_and_audit_us = (written_at - inserted_at).as_micros() as u64,
            commit_us = (started.elapsed() - written_at).as_micros() as u64,
            "intel add stored"
        );
        Ok(status)
    }

    /// A status resource, for the organisation that sent the request only.
    pub async fn intel_status(
        &self,
        status_id: &IntelStatusId,
        organization_id: &str,
    ) -> Result<IntelStatusRow> {
        fetch_optional!(
            self.db(),
            IntelStatusRow,
            "SELECT id, collection_id, request_timestamp, total_count, success_count, failure_count, details \
             FROM intel_status WHERE id = $1 AND organization_id = $2",
            status_id,
            organization_id
        )?
        .ok_or(StoreError::NotFound)
    }

    /// Deletes object versions (by `seq`, as a query found them) from a collection.
    pub async fn delete_intel_objects(
        &self,
        actor: Actor<'_>,
        collection_id: &IntelCollectionId,
        rows: &[(i64, String, String)],
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        for (seq, object_id, version) in rows {
            execute!(
                tx.conn(),
                "DELETE FROM intel_recipients WHERE object_seq = $1",
                seq
            )?;
            execute!(
                tx.conn(),
                "DELETE FROM intel_objects WHERE seq = $1 AND collection_id = $2",
                seq,
                collection_id
            )?;
            tx.audit(
                "intel.objects.delete",
                object_id,
                json!({ "collection_id": collection_id, "version": version }),
            )
            .await?;
        }
        tx.commit().await
    }
}

/// Appends one status entry (`{"id", "version"?, "message"}`) to a JSON list being written.
fn push_entry(list: &mut String, id: &str, version: Option<&str>, message: &str) {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    if !list.is_empty() {
        list.push(',');
    }
    list.push_str("{\"id\":");
    list.push_str(&quote(id));
    if let Some(v) = version {
        list.push_str(",\"version\":");
        list.push_str(&quote(v));
    }
    list.push_str(",\"message\":");
    list.push_str(&quote(message));
    list.push('}');
}

/// A match between an intelligence object and a member's stored scan.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntelExposureRow {
    /// Empty for an exposure not yet recorded.
    pub id: String,
    pub collection_id: IntelCollectionId,
    pub object_id: String,
    pub object_name: String,
    pub marking: String,
    pub organization_id: String,
    pub scan_id: String,
    pub component: String,
    pub created_at: String,
    /// When the member recorded how it dealt with the exposure; `None` while it is open.
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    pub resolution_note: Option<String>,
}

/// A supplier, shared with a buyer, exposed to a CLEAR or GREEN object.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SupplierExposureRow {
    pub supplier_id: String,
    pub supplier_name: String,
    pub object_id: String,
    pub object_name: String,
}

impl Store {
    /// Records exposures (those already recorded are skipped) with the notifications they
    /// cause, in one transaction.
    pub async fn record_intel_exposures(
        &self,
        actor: Actor<'_>,
        exposures: &[IntelExposureRow],
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        for e in exposures {
            let added = execute!(
                tx.conn(),
                "INSERT INTO intel_exposures (id, collection_id, object_id, object_name, marking, organization_id, scan_id, component, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (collection_id, object_id, organization_id, scan_id, component) DO NOTHING",
                new_id(),
                &e.collection_id,
                &e.object_id,
                &e.object_name,
                &e.marking,
                &e.organization_id,
                &e.scan_id,
                &e.component,
                &at
            )?;
            if added == 1 {
                tx.audit(
                    "intel.exposure",
                    &e.object_id,
                    json!({ "organization_id": e.organization_id, "scan_id": e.scan_id, "component": e.component }),
                )
                .await?;
            }
        }
        tx.commit().await
    }

    /// Exposures already recorded for one organisation.
    pub async fn intel_exposures_of(&self, organization_id: &str) -> Result<Vec<IntelExposureRow>> {
        Ok(fetch_all!(
            self.db(),
            IntelExposureRow,
            "SELECT id, collection_id, object_id, object_name, marking, organization_id, scan_id, component, created_at, \
             resolved_at, resolution, resolution_note \
             FROM intel_exposures WHERE organization_id = $1 ORDER BY created_at DESC, object_id, component",
            organization_id
        )?)
    }

    /// One exposure of one organisation (`None` for another organisation's).
    pub async fn intel_exposure(
        &self,
        organization_id: &str,
        exposure_id: &str,
    ) -> Result<Option<IntelExposureRow>> {
        Ok(fetch_optional!(
            self.db(),
            IntelExposureRow,
            "SELECT id, collection_id, object_id, object_name, marking, organization_id, scan_id, component, created_at, \
             resolved_at, resolution, resolution_note \
             FROM intel_exposures WHERE id = $1 AND organization_id = $2",
            exposure_id,
            organization_id
        )?)
    }

    /// Records how the organisation dealt with one of its exposures. `false` when it is not
    /// the organisation's (nothing is written). Recording again replaces the earlier answer;
    /// the audit log keeps each.
    pub async fn resolve_intel_exposure(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        exposure_id: &str,
        resolution: ExposureResolution,
        note: Option<&str>,
    ) -> Result<bool> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let changed = execute!(
            tx.conn(),
            "UPDATE intel_exposures SET resolved_at = $1, resolution = $2, resolution_note = $3, resolved_by = $4 \
             WHERE id = $5 AND organization_id = $6",
            &at,
            resolution.as_str(),
            note,
            actor.user_id,
            exposure_id,
            organization_id
        )?;
        if changed != 1 {
            return Ok(false);
        }
        tx.audit(
            "intel.exposure.resolve",
            exposure_id,
            json!({ "resolution": resolution.as_str(), "note": note }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Per object of a group's collections: how many distinct active members are exposed.
    pub async fn intel_exposure_counts(
        &self,
        group_id: &str,
    ) -> Result<Vec<(String, String, i64)>> {
        Ok(fetch_all!(
            self.db(),
            (String, String, i64),
            "SELECT e.object_id, MAX(e.object_name), COUNT(DISTINCT e.organization_id) FROM intel_exposures e \
             JOIN intel_collections c ON c.id = e.collection_id \
             JOIN industry_memberships m ON m.group_id = c.group_id AND m.member_id = e.organization_id AND m.status = 'active' \
             WHERE c.group_id = $1 AND e.resolved_at IS NULL GROUP BY e.object_id ORDER BY COUNT(DISTINCT e.organization_id) DESC, e.object_id",
            group_id
        )?)
    }

    /// How many CLEAR or GREEN objects each of `supplier_ids` is exposed to, for a buyer
    /// they share their level with (one query for a page of suppliers; the others are not
    /// in the answer).
    pub async fn supplier_intel_exposure_counts(
        &self,
        buyer_id: &str,
        supplier_ids: &[&str],
    ) -> Result<Vec<(String, i64)>> {
        if supplier_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (0..supplier_ids.len())
            .map(|i| format!("${}", i + 2))
            .collect();
        let sql = format!(
            "SELECT e.organization_id, COUNT(DISTINCT e.object_id) FROM intel_exposures e \
             WHERE e.marking IN ('clear', 'green') AND e.resolved_at IS NULL AND e.organization_id IN ({}) AND EXISTS (SELECT 1 FROM shares s \
               WHERE s.supplier_id = e.organization_id AND s.buyer_id = $1 AND s.revoked_at IS NULL) \
             GROUP BY e.organization_id",
            marks.join(", ")
        );
        Ok(run!(self.db(), |e| {
            let mut q = sqlx::query_as::<_, (String, i64)>(&sql).bind(buyer_id);
            for id in supplier_ids {
                q = q.bind(*id);
            }
            q.fetch_all(e).await
        })?)
    }

    /// The buyer's suppliers (through an active share) exposed to CLEAR or GREEN objects.
    pub async fn supplier_intel_exposures(
        &self,
        buyer_id: &str,
    ) -> Result<Vec<SupplierExposureRow>> {
        Ok(fetch_all!(
            self.db(),
            SupplierExposureRow,
            "SELECT DISTINCT e.organization_id AS supplier_id, o.name AS supplier_name, e.object_id, e.object_name \
             FROM intel_exposures e JOIN organizations o ON o.id = e.organization_id \
             WHERE e.marking IN ('clear', 'green') AND e.resolved_at IS NULL AND EXISTS (SELECT 1 FROM shares s \
               WHERE s.supplier_id = e.organization_id AND s.buyer_id = $1 AND s.revoked_at IS NULL) \
             ORDER BY o.name, e.object_id",
            buyer_id
        )?)
    }
}
