-- Portable SQL: the same file runs on SQLite and PostgreSQL (TEXT, BIGINT only).
-- Organisations, accounts, sessions, tokens, assessments, evidence and the audit log.
-- Ids are UUIDv7 strings; times are RFC 3339 UTC strings with microseconds (they sort as text);
-- booleans are 0/1 integers so the same queries run on SQLite and PostgreSQL.

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    corporate_number TEXT NOT NULL UNIQUE,
    industry TEXT NOT NULL,
    employees BIGINT NOT NULL,
    prefecture TEXT NOT NULL,
    require_totp BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_enabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX users_org ON users(organization_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT
);
CREATE INDEX invitations_org ON invitations(organization_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    second_factor_pending BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_org ON api_tokens(organization_id);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    target_level BIGINT NOT NULL,
    status TEXT NOT NULL,
    catalog_edition TEXT NOT NULL,
    based_on TEXT REFERENCES assessments(id),
    superseded_by TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    declared_at TEXT,
    signer_name TEXT,
    signer_title TEXT,
    declaration_date TEXT
);
CREATE INDEX assessments_org ON assessments(organization_id, created_at);

CREATE TABLE answers (
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    criterion_id TEXT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT NOT NULL,
    not_applicable_reason TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, criterion_id)
);

CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    criterion_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT,
    blob_sha256 TEXT,
    file_name TEXT,
    content_type TEXT,
    size BIGINT,
    evidence_date TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX evidence_assessment ON evidence(assessment_id, criterion_id);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    organization_id TEXT,
    user_id TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
