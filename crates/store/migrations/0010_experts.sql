-- Security experts (情報処理安全確保支援士 or scheme-trained): the operator approves them,
-- companies engage them, and while an engagement is active the expert reads the client's
-- assessments, advises per criterion and confirms a ★3 self-assessment. Each expert signs in
-- as a user of their own practice organisation (sole proprietors have no corporate number,
-- so the practice's `corporate_number` holds `expert:<expert id>`, which no real 13-digit
-- number can equal). Portable SQL (TEXT/BIGINT) for SQLite and PostgreSQL.

CREATE TABLE experts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    qualification_kind TEXT NOT NULL CHECK (qualification_kind IN ('riss', 'scs_training')),
    qualification_number TEXT NOT NULL,
    -- JSON arrays of codes, as received after validation (prefecture codes "01".."47",
    -- industry letters, language tags); the directory filters on them with LIKE '%"13"%'.
    prefectures TEXT NOT NULL,
    industries TEXT NOT NULL,
    languages TEXT NOT NULL,
    accepting BIGINT NOT NULL DEFAULT 1,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'withdrawn')),
    created_at TEXT NOT NULL,
    approved_at TEXT,
    withdrawn_at TEXT
);
CREATE INDEX experts_status ON experts(status);

CREATE TABLE engagements (
    id TEXT PRIMARY KEY,
    expert_id TEXT NOT NULL REFERENCES experts(id),
    client_id TEXT NOT NULL REFERENCES organizations(id),
    status TEXT NOT NULL CHECK (status IN ('requested', 'active', 'declined', 'ended')),
    message TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    accepted_at TEXT,
    ended_at TEXT
);
CREATE INDEX engagements_expert ON engagements(expert_id, status);
CREATE INDEX engagements_client ON engagements(client_id, status);

-- Advice per criterion of one assessment: the latest text per expert and criterion.
CREATE TABLE expert_advice (
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    criterion_id TEXT NOT NULL,
    expert_id TEXT NOT NULL REFERENCES experts(id),
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, criterion_id, expert_id)
);

-- A confirmation is bound to the SHA-256 digest of the answers and evidence it saw.
CREATE TABLE expert_confirmations (
    id TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    expert_id TEXT NOT NULL REFERENCES experts(id),
    statement TEXT NOT NULL,
    answers_digest TEXT NOT NULL,
    confirmed_at TEXT NOT NULL
);
CREATE INDEX expert_confirmations_assessment ON expert_confirmations(assessment_id, confirmed_at);
