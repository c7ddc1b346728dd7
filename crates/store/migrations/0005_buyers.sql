-- Buyers and suppliers: requests with the level decision, answer-once shares, request threads.
-- Portable SQL (TEXT/BIGINT) for SQLite and PostgreSQL.

CREATE TABLE relationships (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL REFERENCES organizations(id),
    supplier_id TEXT REFERENCES organizations(id),
    invite_email TEXT,
    invite_token_hash TEXT UNIQUE,
    invite_expires_at TEXT,
    required_level BIGINT NOT NULL,
    suggest_level_4 BIGINT NOT NULL,
    decision TEXT NOT NULL,
    reasons TEXT NOT NULL,
    due_date TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX relationships_pair ON relationships(buyer_id, supplier_id);
CREATE INDEX relationships_supplier ON relationships(supplier_id);

CREATE TABLE shares (
    id TEXT PRIMARY KEY,
    supplier_id TEXT NOT NULL REFERENCES organizations(id),
    buyer_id TEXT NOT NULL REFERENCES organizations(id),
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    detail TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX shares_buyer ON shares(buyer_id, revoked_at);
CREATE INDEX shares_supplier ON shares(supplier_id, revoked_at);

CREATE TABLE request_messages (
    id TEXT PRIMARY KEY,
    relationship_id TEXT NOT NULL REFERENCES relationships(id),
    author_organization_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX request_messages_rel ON request_messages(relationship_id, created_at);
