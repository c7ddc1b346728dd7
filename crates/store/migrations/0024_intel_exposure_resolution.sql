-- A member records how it dealt with an exposure (updated or removed the component, not
-- affected, mitigated), with an optional note. A resolved exposure leaves the buyer's flag
-- and the group's counts; the member still sees it, with what it recorded. A new scan that
-- still holds the component is a new exposure (and a new notice). Portable SQL.
ALTER TABLE intel_exposures ADD COLUMN resolved_at TEXT;
ALTER TABLE intel_exposures ADD COLUMN resolution TEXT;
ALTER TABLE intel_exposures ADD COLUMN resolution_note TEXT;
ALTER TABLE intel_exposures ADD COLUMN resolved_by TEXT REFERENCES users(id);
