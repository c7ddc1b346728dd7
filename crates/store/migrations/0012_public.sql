-- The public side: publishers (public bodies the operator marked), the roadmap (工程表) as
-- measures whose every change is an appended revision with its reason, and the half-yearly
-- releases, each kept as the exact text of every file it published so that it reads back
-- byte for byte whatever happens later. Portable SQL (TEXT/BIGINT) for SQLite and PostgreSQL.

ALTER TABLE organizations ADD COLUMN is_publisher BIGINT NOT NULL DEFAULT 0;

CREATE TABLE roadmap_measures (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES organizations(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Append-only: a revision is never updated or deleted; the newest one is the measure.
CREATE TABLE roadmap_revisions (
    measure_id TEXT NOT NULL REFERENCES roadmap_measures(id),
    revision BIGINT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- The measure as JSON: titles, logic model, KPIs with baselines, targets and values.
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (measure_id, revision)
);

CREATE TABLE releases (
    period TEXT PRIMARY KEY,
    reference_time TEXT NOT NULL,
    published_at TEXT NOT NULL,
    publisher_id TEXT NOT NULL REFERENCES organizations(id),
    published_by TEXT NOT NULL,
    -- Confidential, never served: the true cell values behind the statistics, so that the
    -- next release's disclosure control knows which cells did not change.
    cell_values TEXT NOT NULL
);

CREATE TABLE release_files (
    period TEXT NOT NULL REFERENCES releases(period),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (period, name)
);

-- The self-sufficiency rate: a registry of security vendors (with the country of their head
-- office and of their ultimate parent) and their products by category, kept by publishers,
-- and the products each organisation declares it uses, with the criteria they serve.
CREATE TABLE security_vendors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    corporate_number TEXT,
    head_office_country TEXT NOT NULL,
    ultimate_parent_name TEXT NOT NULL,
    ultimate_parent_country TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE security_products (
    id TEXT PRIMARY KEY,
    vendor_id TEXT NOT NULL REFERENCES security_vendors(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    -- For monitoring services: whether the analysis is done in Japan.
    monitoring_in_japan BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX security_products_vendor ON security_products(vendor_id);

CREATE TABLE product_uses (
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    product_id TEXT NOT NULL REFERENCES security_products(id),
    -- Space-separated SCS criterion ids the product serves.
    criteria TEXT NOT NULL,
    annual_spend_yen BIGINT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, product_id)
);
CREATE INDEX product_uses_product ON product_uses(product_id);
