-- Trust services: evaluation bodies, issued level credentials (with their status-list index),
-- and ★4 third-party evaluations. Portable SQL (TEXT/BIGINT) for SQLite and PostgreSQL.

ALTER TABLE organizations ADD COLUMN is_evaluation_body BIGINT NOT NULL DEFAULT 0;

CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    level BIGINT NOT NULL,
    assurance TEXT NOT NULL,
    evaluation_body_id TEXT,
    status_index BIGINT NOT NULL UNIQUE,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    credential TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT,
    revoked_by TEXT
);
CREATE INDEX credentials_org ON credentials(organization_id, issued_at);
CREATE INDEX credentials_assessment ON credentials(assessment_id);

CREATE TABLE evaluations (
    id TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    body_id TEXT NOT NULL REFERENCES organizations(id),
    status TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    decided_at TEXT,
    decision_reason TEXT,
    decided_by TEXT,
    round BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX evaluations_body ON evaluations(body_id, status);
CREATE INDEX evaluations_org ON evaluations(organization_id);

CREATE TABLE evaluation_findings (
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
    criterion_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    comment TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, criterion_id)
);

CREATE TABLE evaluation_comments (
    id TEXT PRIMARY KEY,
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
    criterion_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_organization_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX evaluation_comments_eval ON evaluation_comments(evaluation_id, created_at);
