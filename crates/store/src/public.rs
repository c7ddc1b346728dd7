//! The public side: publishers, the roadmap's measures and their append-only revisions, the
//! rows the statistics are computed from, and releases kept as the exact text of each file.

use serde_json::json;

use crate::{new_id, unique_violation, Actor, MeasureDecision, Result, Store, StoreError};

/// A measure of the roadmap and the body that owns it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeasureRow {
    pub id: String,
    pub owner_id: String,
    pub owner_name: String,
    pub owner_corporate_number: String,
    pub created_at: String,
}

/// One revision of a measure. The newest is the measure as it stands.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RevisionRow {
    pub measure_id: String,
    pub revision: i64,
    #[sqlx(try_from = "String")]
    pub decision: MeasureDecision,
    pub reason: String,
    /// The reason in English, when the publisher gave one.
    pub reason_en: Option<String>,
    /// The measure as JSON, as the application wrote it.
    pub body: String,
    pub created_by: String,
    pub created_at: String,
}

/// Organisations registered at a time, grouped by what the statistics classify them by,
/// with how many of them held a valid ★3 and ★4 credential then.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatisticsGroupRow {
    pub industry: String,
    pub prefecture: String,
    pub employees: i64,
    /// Paid-in capital in yen, when the organisations gave it.
    pub capital_yen: Option<i64>,
    pub organizations: i64,
    pub star3: i64,
    pub star4: i64,
    /// Sums of the record keys of the organisations counted in `organizations`, `star3` and
    /// `star4` (confidential: the statistics' cell keys are made from them, never shown).
    pub key_sum: i64,
    pub star3_keys: i64,
    pub star4_keys: i64,
}

/// One buyer's request to a registered supplier, with when the supplier first held the
/// required level (or a higher one), for the request KPIs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestTimingRow {
    /// When the request was made (RFC 3339).
    pub requested_at: String,
    /// The due date (`YYYY-MM-DD`).
    pub due_date: String,
    /// When the first credential of the required level or above became valid (RFC 3339).
    pub reached_at: Option<String>,
}

/// A published release.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReleaseRow {
    pub period: String,
    pub reference_time: String,
    pub published_at: String,
    pub publisher_name: String,
}

/// A file of a release, exactly as published.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReleaseFileRow {
    pub name: String,
    pub media_type: String,
    pub sha256: String,
    pub content: String,
}

/// A file to publish with a release.
#[derive(Debug, Clone)]
pub struct NewReleaseFile {
    pub name: String,
    pub media_type: String,
    pub content: String,
}

/// Why a revision was made: as written, and in English when the publisher gave it.
#[derive(Debug, Clone, Copy)]
pub struct Reason<'a> {
    pub text: &'a str,
    pub en: Option<&'a str>,
}

const REVISION_COLUMNS: &str =
    "measure_id, revision, decision, reason, reason_en, body, created_by, created_at";

impl Store {
    /// Marks (or unmarks) an organisation as a publisher: its members edit the roadmap and
    /// publish releases.
    pub async fn set_publisher(&self, organization_id: &str, designated: bool) -> Result<()> {
        self.set_org_flag(crate::orgs::OrgFlag::Publisher, organization_id, designated)
            .await
    }

    pub async fn is_publisher(&self, organization_id: &str) -> Result<bool> {
        self.org_flag(crate::orgs::OrgFlag::Publisher, organization_id)
            .await
    }

    /// Records a new measure with its first revision (`adopt`); returns its id.
    pub async fn create_measure(
        &self,
        actor: Actor<'_>,
        owner_id: &str,
        reason: Reason<'_>,
        body: &str,
    ) -> Result<String> {
        let id = new_id::<crate::ids::kind::RoadmapMeasure>().into_string();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let by = actor.user_id.unwrap_or("admin");
        execute!(
            tx.conn(),
            "INSERT INTO roadmap_measures (id, owner_id, created_by, created_at) VALUES ($1, $2, $3, $4)",
            &id,
            owner_id,
            by,
            &at
        )?;
        execute!(
            tx.conn(),
            "INSERT INTO roadmap_revisions (measure_id, revision, decision, reason, reason_en, body, created_by, created_at) \
             VALUES ($1, 1, $2, $3, $4, $5, $6, $7)",
            &id,
            MeasureDecision::Adopt.as_str(),
            reason.text,
            reason.en,
            body,
            by,
            &at
        )?;
        tx.audit(
            "roadmap.measure.create",
            &id,
            json!({ "reason": reason.text, "reason_en": reason.en }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Appends a revision to a measure the owner holds; returns its number. A measure of
    /// another body is `NotFound`.
    pub async fn add_revision(
        &self,
        actor: Actor<'_>,
        owner_id: &str,
        measure_id: &str,
        decision: MeasureDecision,
        reason: Reason<'_>,
        body: &str,
    ) -> Result<i64> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let (next,): (i64,) = fetch_optional!(
            tx.conn(),
            (i64,),
            "SELECT COALESCE(MAX(r.revision), 0) + 1 FROM roadmap_measures m \
             JOIN roadmap_revisions r ON r.measure_id = m.id \
             WHERE m.id = $1 AND m.owner_id = $2 GROUP BY m.id",
            measure_id,
            owner_id
        )?
        .ok_or(StoreError::NotFound)?;
        execute!(
            tx.conn(),
            "INSERT INTO roadmap_revisions (measure_id, revision, decision, reason, reason_en, body, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            measure_id,
            next,
            decision.as_str(),
            reason.text,
            reason.en,
            body,
            actor.user_id.unwrap_or("admin"),
            &at
        )?;
        tx.audit(
            "roadmap.measure.revise",
            measure_id,
            json!({ "revision": next, "decision": decision.as_str(), "reason": reason.text, "reason_en": reason.en }),
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Every measure, oldest first, with its owner.
    pub async fn measures(&self) -> Result<Vec<MeasureRow>> {
        Ok(fetch_all!(
            self.db(),
            MeasureRow,
            "SELECT m.id, m.owner_id, o.name AS owner_name, o.corporate_number AS owner_corporate_number, m.created_at \
             FROM roadmap_measures m JOIN organizations o ON o.id = m.owner_id ORDER BY m.created_at, m.id"
        )?)
    }

    /// Every revision of every measure, by measure and revision.
    pub async fn revisions(&self) -> Result<Vec<RevisionRow>> {
        Ok(fetch_all!(
            self.db(),
            RevisionRow,
            &format!(
                "SELECT {REVISION_COLUMNS} FROM roadmap_revisions ORDER BY measure_id, revision"
            )
        )?)
    }

    /// The organisations registered at `at` (an expert's practice, which exists only to hold
    /// the expert's account, is not one), grouped by industry, prefecture and employees,
    /// with how many held a valid ★3 / ★4 credential at `at` (not revoked, within validity)
    /// and the sums of their record keys.
    pub async fn statistics_groups(&self, at: &str) -> Result<Vec<StatisticsGroupRow>> {
        Ok(fetch_all!(
            self.db(),
            StatisticsGroupRow,
            // MATERIALIZED: each organisation's two credential lookups run once. Inlined,
            // SQLite repeats them for every aggregate that reads s3 / s4 (four lookups, not
            // two): 3.6 s against 1.8 s over 1,000,000 organisations.
            "WITH x AS MATERIALIZED (SELECT o.industry, o.prefecture, o.employees, o.capital_yen, COALESCE(o.record_key, 0) AS k, \
               CASE WHEN EXISTS (SELECT 1 FROM credentials c WHERE c.organization_id = o.id AND c.level = 3 \
                   AND c.revoked_at IS NULL AND c.valid_from <= $1 AND c.valid_until > $1) THEN 1 ELSE 0 END AS s3, \
               CASE WHEN EXISTS (SELECT 1 FROM credentials c WHERE c.organization_id = o.id AND c.level = 4 \
                   AND c.revoked_at IS NULL AND c.valid_from <= $1 AND c.valid_until > $1) THEN 1 ELSE 0 END AS s4 \
             FROM organizations o WHERE o.created_at <= $1 \
               AND NOT EXISTS (SELECT 1 FROM experts e WHERE e.organization_id = o.id)) \
             SELECT industry, prefecture, employees, capital_yen, COUNT(*) AS organizations, \
               CAST(SUM(s3) AS BIGINT) AS star3, CAST(SUM(s4) AS BIGINT) AS star4, \
               CAST(SUM(k) AS BIGINT) AS key_sum, CAST(SUM(s3 * k) AS BIGINT) AS star3_keys, \
               CAST(SUM(s4 * k) AS BIGINT) AS star4_keys \
             FROM x GROUP BY industry, prefecture, employees, capital_yen",
            at
        )?)
    }

    /// Every request made by `at` to a registered supplier, with when the supplier first held
    /// the required level by `at` (a credential revoked later still counts: the level was
    /// reached). One indexed lookup per request (`credentials_org`).
    pub async fn request_timings(&self, at: &str) -> Result<Vec<RequestTimingRow>> {
        Ok(fetch_all!(
            self.db(),
            RequestTimingRow,
            "SELECT r.created_at AS requested_at, r.due_date, \
               (SELECT MIN(c.valid_from) FROM credentials c WHERE c.organization_id = r.supplier_id \
                  AND c.level >= r.required_level AND c.valid_from <= $1) AS reached_at \
             FROM relationships r WHERE r.supplier_id IS NOT NULL AND r.created_at <= $1",
            at
        )?)
    }

    /// Publishes a release: its row and its files, in one transaction. A period published
    /// before is a `Conflict` on `period`.
    pub async fn create_release(
        &self,
        actor: Actor<'_>,
        period: &str,
        reference_time: &str,
        publisher_id: &str,
        cell_values: &str,
        files: &[NewReleaseFile],
    ) -> Result<()> {
        use sha2::{Digest, Sha256};
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO releases (period, reference_time, published_at, publisher_id, published_by, cell_values) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            period,
            reference_time,
            &at,
            publisher_id,
            actor.user_id.unwrap_or("admin"),
            cell_values
        )
        .map_err(|e| unique_violation(e, "period"))?;
        for f in files {
            let sha = hex::encode(Sha256::digest(f.content.as_bytes()));
            execute!(
                tx.conn(),
                "INSERT INTO release_files (period, name, media_type, sha256, content) VALUES ($1, $2, $3, $4, $5)",
                period,
                &f.name,
                &f.media_type,
                &sha,
                &f.content
            )?;
        }
        tx.audit(
            "release.publish",
            period,
            json!({ "files": files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>() }),
        )
        .await?;
        tx.commit().await
    }

    /// Every release, newest period first.
    pub async fn releases(&self) -> Result<Vec<ReleaseRow>> {
        Ok(fetch_all!(
            self.db(),
            ReleaseRow,
            "SELECT r.period, r.reference_time, r.published_at, o.name AS publisher_name \
             FROM releases r JOIN organizations o ON o.id = r.publisher_id ORDER BY r.period DESC"
        )?)
    }

    /// The newest release and its confidential cell values (for the next release's
    /// disclosure control).
    pub async fn latest_release_values(&self) -> Result<Option<(String, String)>> {
        Ok(fetch_optional!(
            self.db(),
            (String, String),
            "SELECT period, cell_values FROM releases ORDER BY period DESC LIMIT 1"
        )?)
    }

    /// One file of a release, exactly as published.
    pub async fn release_file(&self, period: &str, name: &str) -> Result<ReleaseFileRow> {
        fetch_optional!(
            self.db(),
            ReleaseFileRow,
            "SELECT name, media_type, sha256, content FROM release_files WHERE period = $1 AND name = $2",
            period,
            name
        )?
        .ok_or(StoreError::NotFound)
    }

    /// The files of a release (without their content), by name.
    pub async fn release_file_list(&self, period: &str) -> Result<Vec<(String, String, String)>> {
        Ok(fetch_all!(
            self.db(),
            (String, String, String),
            "SELECT name, media_type, sha256 FROM release_files WHERE period = $1 ORDER BY name",
            period
        )?)
    }
}

/// A security vendor of the registry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VendorRow {
    pub id: String,
    pub name: String,
    pub corporate_number: Option<String>,
    pub head_office_country: String,
    pub ultimate_parent_name: String,
    pub ultimate_parent_country: String,
}

/// A new vendor.
#[derive(Debug, Clone)]
pub struct NewVendor<'a> {
    pub name: &'a str,
    pub corporate_number: Option<&'a str>,
    pub head_office_country: &'a str,
    pub ultimate_parent_name: &'a str,
    pub ultimate_parent_country: &'a str,
}

/// A product of the registry with its vendor's countries.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductRow {
    pub id: String,
    pub vendor_id: String,
    pub vendor_name: String,
    pub head_office_country: String,
    pub ultimate_parent_country: String,
    pub name: String,
    pub category: String,
    pub monitoring_in_japan: bool,
}

/// One organisation's use of one product, with the product's facts (for the statistics).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductUseRow {
    pub organization_id: String,
    pub product_id: String,
    pub product_name: String,
    pub vendor_id: String,
    pub vendor_name: String,
    pub category: String,
    pub head_office_country: String,
    pub ultimate_parent_country: String,
    pub monitoring_in_japan: bool,
    pub criteria: String,
    pub annual_spend_yen: Option<i64>,
    /// When the organisation declared it (RFC 3339).
    pub created_at: String,
    /// The organisation's secret record key, for the statistics' cell keys: read only by
    /// `product_uses_at` (0 elsewhere), never served.
    #[sqlx(default)]
    pub record_key: i64,
}

/// A product declaration as assessment evidence: the organisation's current declaration for
/// an open assessment, the one it had when frozen for any other.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductEvidenceRow {
    pub assessment_id: String,
    pub product_id: String,
    pub vendor_name: String,
    pub product_name: String,
    pub category: String,
    /// Space-separated criterion ids named with the declaration.
    pub criteria: String,
    pub declared_at: String,
}

const PRODUCT_COLUMNS: &str =
    "p.id, p.vendor_id, v.name AS vendor_name, v.head_office_country, v.ultimate_parent_country, \
    p.name, p.category, p.monitoring_in_japan <> 0 AS monitoring_in_japan";

const USE_COLUMNS: &str = "u.organization_id, u.product_id, p.name AS product_name, p.vendor_id, v.name AS vendor_name, p.category, v.head_office_country, \
    v.ultimate_parent_country, p.monitoring_in_japan <> 0 AS monitoring_in_japan, u.criteria, u.annual_spend_yen, u.created_at";

/// Records, in a freezing write, the product declarations an assessment that is still open
/// has now (replacing any earlier record, as after a refused evaluation); call it before the
/// status changes. Nothing for an assessment that is not open.
pub(crate) async fn snapshot_product_evidence(
    tx: &mut crate::WriteTx,
    organization_id: &str,
    assessment_id: &str,
) -> Result<()> {
    execute!(
        tx.conn(),
        "DELETE FROM assessment_product_evidence WHERE assessment_id = $1",
        assessment_id
    )?;
    execute!(
        tx.conn(),
        "INSERT INTO assessment_product_evidence (assessment_id, product_id, vendor_name, product_name, category, criteria, declared_at) \
         SELECT a.id, u.product_id, v.name, p.name, p.category, u.criteria, u.created_at \
         FROM assessments a JOIN product_uses u ON u.organization_id = a.organization_id \
         JOIN security_products p ON p.id = u.product_id JOIN security_vendors v ON v.id = p.vendor_id \
         WHERE a.id = $1 AND a.organization_id = $2 AND a.status = 'in_progress'",
        assessment_id,
        organization_id
    )?;
    Ok(())
}

impl Store {
    /// Adds a vendor to the registry; returns its id.
    pub async fn create_vendor(&self, actor: Actor<'_>, v: &NewVendor<'_>) -> Result<String> {
        let id = new_id::<crate::ids::kind::SecurityVendor>().into_string();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        execute!(
            tx.conn(),
            "INSERT INTO security_vendors (id, name, corporate_number, head_office_country, ultimate_parent_name, ultimate_parent_country, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &id,
            v.name,
            v.corporate_number,
            v.head_office_country,
            v.ultimate_parent_name,
            v.ultimate_parent_country,
            actor.user_id.unwrap_or("admin"),
            &at
        )?;
        tx.audit("registry.vendor.create", &id, json!({ "name": v.name }))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a product of a vendor; an unknown vendor is `NotFound`.
    pub async fn create_product(
        &self,
        actor: Actor<'_>,
        vendor_id: &str,
        name: &str,
        category: &str,
        monitoring_in_japan: bool,
    ) -> Result<String> {
        let id = new_id::<crate::ids::kind::SecurityProduct>().into_string();
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let found: Option<(String,)> = fetch_optional!(
            tx.conn(),
            (String,),
            "SELECT id FROM security_vendors WHERE id = $1",
            vendor_id
        )?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        execute!(
            tx.conn(),
            "INSERT INTO security_products (id, vendor_id, name, category, monitoring_in_japan, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &id,
            vendor_id,
            name,
            category,
            i64::from(monitoring_in_japan),
            actor.user_id.unwrap_or("admin"),
            &at
        )?;
        tx.audit(
            "registry.product.create",
            &id,
            json!({ "name": name, "category": category }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The registry's vendors, by name.
    pub async fn vendors(&self) -> Result<Vec<VendorRow>> {
        Ok(fetch_all!(
            self.db(),
            VendorRow,
            "SELECT id, name, corporate_number, head_office_country, ultimate_parent_name, ultimate_parent_country \
             FROM security_vendors ORDER BY name, id"
        )?)
    }

    /// The registry's products, by category and name.
    pub async fn products(&self) -> Result<Vec<ProductRow>> {
        Ok(fetch_all!(
            self.db(),
            ProductRow,
            &format!("SELECT {PRODUCT_COLUMNS} FROM security_products p JOIN security_vendors v ON v.id = p.vendor_id ORDER BY p.category, p.name, p.id")
        )?)
    }

    /// Declares (or updates) that an organisation uses a product; an unknown product is
    /// `NotFound`.
    pub async fn put_product_use(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        product_id: &str,
        criteria: &str,
        annual_spend_yen: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let at = tx.at().to_string();
        let found: Option<(String,)> = fetch_optional!(
            tx.conn(),
            (String,),
            "SELECT id FROM security_products WHERE id = $1",
            product_id
        )?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        execute!(
            tx.conn(),
            "DELETE FROM product_uses WHERE organization_id = $1 AND product_id = $2",
            organization_id,
            product_id
        )?;
        execute!(
            tx.conn(),
            "INSERT INTO product_uses (organization_id, product_id, criteria, annual_spend_yen, created_at) VALUES ($1, $2, $3, $4, $5)",
            organization_id,
            product_id,
            criteria,
            annual_spend_yen,
            &at
        )?;
        tx.audit(
            "product_use.put",
            product_id,
            json!({ "criteria": criteria, "spend_declared": annual_spend_yen.is_some() }),
        )
        .await?;
        tx.commit().await
    }

    /// Withdraws a declared use; `NotFound` when there was none.
    pub async fn delete_product_use(
        &self,
        actor: Actor<'_>,
        organization_id: &str,
        product_id: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write(actor).await?;
        let done = execute!(
            tx.conn(),
            "DELETE FROM product_uses WHERE organization_id = $1 AND product_id = $2",
            organization_id,
            product_id
        )?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit("product_use.delete", product_id, json!({}))
            .await?;
        tx.commit().await
    }

    /// The products one organisation declared.
    pub async fn product_uses_of(&self, organization_id: &str) -> Result<Vec<ProductUseRow>> {
        Ok(fetch_all!(
            self.db(),
            ProductUseRow,
            &format!("SELECT {USE_COLUMNS} FROM product_uses u JOIN security_products p ON p.id = u.product_id \
                      JOIN security_vendors v ON v.id = p.vendor_id WHERE u.organization_id = $1 ORDER BY p.category, p.name"),
            organization_id
        )?)
    }

    /// The product declarations that are evidence of an assessment of the organisation: its
    /// current declarations while the assessment is open (`in_progress`), otherwise those it
    /// had when it was frozen. By category and product name.
    pub async fn product_evidence(
        &self,
        organization_id: &str,
        assessment_id: &str,
    ) -> Result<Vec<ProductEvidenceRow>> {
        Ok(fetch_all!(
            self.db(),
            ProductEvidenceRow,
            "SELECT a.id AS assessment_id, u.product_id, v.name AS vendor_name, p.name AS product_name, p.category, u.criteria, u.created_at AS declared_at \
             FROM assessments a JOIN product_uses u ON u.organization_id = a.organization_id \
             JOIN security_products p ON p.id = u.product_id JOIN security_vendors v ON v.id = p.vendor_id \
             WHERE a.id = $1 AND a.organization_id = $2 AND a.status = 'in_progress' \
             UNION ALL \
             SELECT a.id, s.product_id, s.vendor_name, s.product_name, s.category, s.criteria, s.declared_at \
             FROM assessments a JOIN assessment_product_evidence s ON s.assessment_id = a.id \
             WHERE a.id = $1 AND a.organization_id = $2 AND a.status <> 'in_progress' \
             ORDER BY 5, 4, 2",
            assessment_id,
            organization_id
        )?)
    }

    /// Every declared use by organisations registered at `at`, declared at or before it.
    pub async fn product_uses_at(&self, at: &str) -> Result<Vec<ProductUseRow>> {
        Ok(fetch_all!(
            self.db(),
            ProductUseRow,
            &format!("SELECT {USE_COLUMNS}, COALESCE(o.record_key, 0) AS record_key FROM product_uses u \
                      JOIN security_products p ON p.id = u.product_id \
                      JOIN security_vendors v ON v.id = p.vendor_id JOIN organizations o ON o.id = u.organization_id \
                      WHERE u.created_at <= $1 AND o.created_at <= $1 ORDER BY u.organization_id, u.product_id"),
            at
        )?)
    }
}
