-- Tiers and BCP: pass-on of the level-only view of one's own suppliers, the buyer's view of
-- each supplier's criticality, and the supplier's own BCP facts. Portable SQL.

ALTER TABLE shares ADD COLUMN pass_on BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relationships ADD COLUMN critical BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relationships ADD COLUMN alternatives BIGINT NOT NULL DEFAULT 1;
ALTER TABLE relationships ADD COLUMN stock_days BIGINT NOT NULL DEFAULT 0;

CREATE TABLE bcp_facts (
    organization_id TEXT PRIMARY KEY REFERENCES organizations(id),
    offline_backup BIGINT NOT NULL,
    last_restore_test TEXT,
    recovery_hours BIGINT,
    alternative_site BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
