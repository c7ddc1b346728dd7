-- Industry groups (業界団体): organisations the operator vetted as groups, and the memberships
-- through which a member consents to its direct suppliers being counted, anonymously, in the
-- group's view. Leaving or removal deletes the row (the audit log keeps the history).
-- Portable SQL (TEXT/BIGINT) for SQLite and PostgreSQL.

ALTER TABLE organizations ADD COLUMN is_industry_group BIGINT NOT NULL DEFAULT 0;

CREATE TABLE industry_memberships (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES organizations(id),
    member_id TEXT NOT NULL REFERENCES organizations(id),
    status TEXT NOT NULL CHECK (status IN ('invited', 'active')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    accepted_at TEXT
);
CREATE UNIQUE INDEX industry_memberships_pair ON industry_memberships(group_id, member_id);
CREATE INDEX industry_memberships_member ON industry_memberships(member_id);
