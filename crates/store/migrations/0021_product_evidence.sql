-- The product declarations an assessment had when it was frozen (declared, submitted or
-- superseded): an open assessment reads the organisation's current declarations, a frozen one
-- reads these rows, so later declarations and withdrawals never change it.
CREATE TABLE assessment_product_evidence (
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    product_id TEXT NOT NULL,
    vendor_name TEXT NOT NULL,
    product_name TEXT NOT NULL,
    category TEXT NOT NULL,
    -- Space-separated SCS criterion ids the organisation named with the declaration.
    criteria TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, product_id)
);
