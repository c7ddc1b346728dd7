-- When the organisation first answered a question of any of its assessments. A buyer's
-- portfolio tells "not shared yet" (answering has begun) from "not started" by this one
-- column: probing assessments ⋈ answers for each of 10,000 lines doubled the portfolio's
-- time on PostgreSQL. Set by the store when answers are written; filled here for existing
-- data. Portable SQL.
ALTER TABLE organizations ADD COLUMN answered_at TEXT;
UPDATE organizations SET answered_at = (
    SELECT MIN(n.updated_at) FROM assessments a JOIN answers n ON n.assessment_id = a.id
    WHERE a.organization_id = organizations.id
);
