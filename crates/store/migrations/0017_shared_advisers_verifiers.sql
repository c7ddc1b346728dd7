-- One adviser, many firms (issue 11): an industry group names an approved security expert as
-- its members' shared adviser, and each member's owner opts in — which creates an ordinary
-- active engagement (the same consent, audit and ending as a direct one) — or declines.
-- Naming the adviser grants nothing: no member's data is readable until its owner opts in.
-- Portable SQL (TEXT/BIGINT) for SQLite and PostgreSQL.

CREATE TABLE shared_advisers (
    group_id TEXT PRIMARY KEY REFERENCES organizations(id),
    expert_id TEXT NOT NULL REFERENCES experts(id),
    named_by TEXT NOT NULL,
    named_at TEXT NOT NULL
);

-- A member's answer to one group's adviser; naming another expert asks the members again.
CREATE TABLE shared_adviser_answers (
    group_id TEXT NOT NULL REFERENCES organizations(id),
    member_id TEXT NOT NULL REFERENCES organizations(id),
    expert_id TEXT NOT NULL REFERENCES experts(id),
    answer TEXT NOT NULL CHECK (answer IN ('opted_in', 'declined')),
    engagement_id TEXT REFERENCES engagements(id),
    answered_by TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (group_id, member_id, expert_id)
);
CREATE INDEX shared_adviser_answers_member ON shared_adviser_answers(member_id);

-- Technical verification providers (★4): the operator's mark, and a supplier's invitation of
-- a provider to one ★4 submission, on which the provider (while invited, designated, and the
-- submission open) records its report (a blob) and statement for the evaluation body.
ALTER TABLE organizations ADD COLUMN is_verifier BIGINT NOT NULL DEFAULT 0;

CREATE TABLE verification_invitations (
    id TEXT PRIMARY KEY,
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
    verifier_id TEXT NOT NULL REFERENCES organizations(id),
    invited_by TEXT NOT NULL,
    invited_at TEXT NOT NULL,
    report_sha256 TEXT,
    report_name TEXT,
    statement TEXT,
    reported_by TEXT,
    reported_at TEXT
);
CREATE UNIQUE INDEX verification_invitations_pair ON verification_invitations(evaluation_id, verifier_id);
CREATE INDEX verification_invitations_verifier ON verification_invitations(verifier_id);
